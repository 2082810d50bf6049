//! Line numbers for csv records, counted from byte offsets as the input streams.

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
                    ix.ends.push_back((start + i as u64, true));
                    ix.after_cr = true;
                }
                Some(b'\n') => {
                    ix.ends.push_back((start + i as u64, !after_cr));
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
        Ok(n)
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
