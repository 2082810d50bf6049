//! Line numbers for csv records, counted from byte offsets as the input streams, and
//! the limit on a line's length ([`MAX_LINE_BYTES`]), enforced as the bytes pass.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Read;
use std::rc::Rc;

/// Counts lines while csv pulls bytes through it.
///
/// csv's own `Position::line` counts only `\n`, and a record's position lies before the
/// terminator's `\n` of a CRLF file and before skipped blank lines, so CRLF, CR-only
/// and blank lines shifted every line reported (rust-csv issue #395). Its byte offsets
/// are exact: this reader notes where each line ends as the bytes pass, and
/// [`Lines::of`] turns a record's offset into its line. Records come in file order, so
/// notes already passed are dropped and memory stays bounded by csv's read-ahead, not
/// the file. Pinned by `tests::lines_are_right_with_crlf_cr_and_blank_lines`.
///
/// It also stops a line longer than [`MAX_LINE_BYTES`] with a [`TooLong`] error: csv
/// grows its record to hold a whole record, so without it a file with no line end
/// (`/dev/zero`, a disk image) would be held whole, in copies, before any check.
pub(super) struct Counting<R> {
    pub(super) inner: R,
    pub(super) index: Rc<RefCell<LineIndex>>,
}

pub(super) struct LineIndex {
    /// Bytes read so far.
    read: u64,
    /// The last byte read was a CR: an LF right after it ends the same line.
    after_cr: bool,
    /// Offsets of line-end bytes not yet passed, and whether each ends a line (the
    /// LF of a CRLF does not: its CR did).
    ends: VecDeque<(u64, bool)>,
    /// The line at offset `passed`.
    line: u64,
    /// Offsets below this are accounted for in `line`.
    passed: u64,
    /// A `"` was read: quoting may span lines, so lines are not records.
    quoted: bool,
    /// Where the line being read started.
    line_start: u64,
    /// Lines ended so far (read, passed or not).
    ended: u64,
}

/// The longest line read, in bytes (its line end not counted). It bounds what one
/// record costs while it is read: csv holds a record whole, so memory while reading is
/// a few times this, whatever the file. A header of 100,000 short names fits; a file
/// with no line end stops after its first MiB.
pub(super) const MAX_LINE_BYTES: u64 = 1 << 20;

/// A line over [`MAX_LINE_BYTES`]: the 1-based line it is.
#[derive(Debug)]
pub(super) struct TooLong(pub(super) u64);

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(TOO_LONG)
    }
}

impl std::error::Error for TooLong {}

/// The message for a line over [`MAX_LINE_BYTES`].
pub(super) const TOO_LONG: &str =
    "is longer than 1 MiB (revcap reads lines of at most 1 MiB: is this a CSV file?)";

/// The line of a [`TooLong`] error, when `e` is one.
pub(super) fn too_long(e: &std::io::Error) -> Option<u64> {
    e.get_ref()?.downcast_ref::<TooLong>().map(|t| t.0)
}

impl Default for LineIndex {
    fn default() -> Self {
        LineIndex {
            read: 0,
            after_cr: false,
            ends: VecDeque::new(),
            line: 1,
            passed: 0,
            quoted: false,
            line_start: 0,
            ended: 0,
        }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut ix = self.index.borrow_mut();
        let start = ix.read;
        let got = buf.get(..n).unwrap_or_default();
        // Only line ends and quotes matter: jump from one to the next (memchr reads
        // many bytes at a time), not byte by byte.
        let mut next = 0;
        for i in memchr::memchr3_iter(b'\r', b'\n', b'"', got) {
            // A CR right before this LF belongs to it only if nothing came between.
            let after_cr = ix.after_cr && i == next;
            match got.get(i) {
                Some(b'\r') => {
                    ix.line_ends(start + i as u64, true)?;
                    ix.after_cr = true;
                }
                Some(b'\n') => {
                    ix.line_ends(start + i as u64, !after_cr)?;
                    ix.after_cr = false;
                }
                _ => {
                    ix.quoted = true;
                    ix.after_cr = false;
                }
            }
            next = i + 1;
        }
        if next < n {
            ix.after_cr = false;
        }
        ix.read = start + n as u64;
        if ix.read - ix.line_start > MAX_LINE_BYTES {
            return Err(ix.too_long());
        }
        Ok(n)
    }
}

impl LineIndex {
    /// Notes the line-end byte at `offset` (`ends_line`: it ends a line, not the LF of
    /// a CRLF), or stops the line it ends when that is too long.
    fn line_ends(&mut self, offset: u64, ends_line: bool) -> std::io::Result<()> {
        if offset - self.line_start > MAX_LINE_BYTES {
            return Err(self.too_long());
        }
        self.ends.push_back((offset, ends_line));
        self.ended += u64::from(ends_line);
        self.line_start = offset + 1;
        Ok(())
    }

    fn too_long(&self) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, TooLong(self.ended + 1))
    }
}

/// The loader's handle on the [`LineIndex`] its reader fills.
pub(super) struct Lines(pub(super) Rc<RefCell<LineIndex>>);

impl Lines {
    /// The 1-based line on which the record at `pos` starts: line ends before its
    /// offset count, and so do line-end bytes right at it (where csv places a record
    /// that follows a CRLF or skipped blank lines).
    pub(super) fn of(&mut self, pos: &csv::Position) -> u64 {
        let mut ix = self.0.borrow_mut();
        let mut at = pos.byte().max(ix.passed);
        while let Some(&(offset, ends_line)) = ix.ends.front() {
            if offset > at {
                break;
            }
            if offset == at {
                at += 1;
            }
            ix.ends.pop_front();
            if ends_line {
                ix.line += 1;
            }
        }
        ix.passed = at;
        ix.line
    }

    pub(super) fn bytes_read(&self) -> u64 {
        self.0.borrow().read
    }

    /// Line ends read so far (passed or not).
    pub(super) fn ends_read(&self) -> u64 {
        let ix = self.0.borrow();
        let waiting = ix.ends.iter().filter(|(_, ends_line)| *ends_line).count();
        (ix.line - 1).saturating_add(waiting as u64)
    }

    /// Whether a `"` has been read.
    pub(super) fn quoted(&self) -> bool {
        self.0.borrow().quoted
    }
}
