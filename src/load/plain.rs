//! The fast path for the halves of a large file (`halves`): plain lines, split on the
//! delimiter by hand, for the same records csv would give, without csv's state machine.
//!
//! A stretch is plain when it holds no `"` (so no field is quoted and no line end lies
//! inside a field) and every `\r` is the first byte of a `\r\n`. Its records are then
//! its non-empty lines (csv skips empty ones), each field the bytes between two
//! delimiters. Finding line ends and delimiters with `memchr` and handing the row
//! reader the line itself ([`Line`]) skips what csv does per byte (its state machine,
//! and copying each record) and what counting lines beside it costs (`lines`): on
//! the 6M-row bench file that was about a tenth of the instructions (bench/README.md).
//! The common line of a long file (a name, a month, a plain amount) is then read at
//! once (`RowReader::quick_row`), sparing `RowReader::row`'s looks for everything
//! else; any other line goes to `row`.
//!
//! Anything else gives up, and the halves are read by csv as before, which gives
//! every message: a `"` or a lone `\r`, a line over [`MAX_LINE_BYTES`], a limit
//! passed, a read that fails, a delimiter that is not ASCII, or the other half giving
//! up. Pinned by `tests::plain_halves_read_like_csv`
//! and `tests/loader_reference.rs`.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::decimal::Decided;
use super::header::Header;
use super::lines::MAX_LINE_BYTES;
use super::reader::Part;
use super::row::{Record, RowReader};
use super::Limits;
use crate::parse;

/// A plain line without its line end, and where each of its fields ends (the next
/// starts one byte later, after the delimiter).
struct Line<'a> {
    bytes: &'a [u8],
    ends: &'a [usize],
    /// Every byte is ASCII.
    ascii: bool,
}

impl Record for Line<'_> {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn as_slice(&self) -> &[u8] {
        self.bytes
    }

    #[inline]
    fn range(&self, i: usize) -> Option<std::ops::Range<usize>> {
        let end = *self.ends.get(i)?;
        let start = match i.checked_sub(1) {
            Some(j) => self.ends.get(j)? + 1,
            None => 0,
        };
        Some(start..end)
    }

    fn ascii(&self) -> Option<&str> {
        if !self.ascii {
            return None;
        }
        // SAFETY: ASCII bytes are UTF-8 (`ascii` is set only when every byte is below
        // 0x80: `read_line`).
        Some(unsafe { std::str::from_utf8_unchecked(self.bytes) })
    }
}

/// A stretch of a file: its bytes `from..to`, the line `from` is on, and whether the
/// byte before `from` is a `\r` (a `\n` at `from` then ends no line: it is a CRLF's).
pub(super) struct Stretch {
    pub(super) from: u64,
    pub(super) to: u64,
    pub(super) line: u64,
    pub(super) after_cr: bool,
}

/// How a stretch is read: the file's header, how its amounts are written, its limits.
pub(super) struct Plan<'a> {
    pub(super) origin: &'a str,
    pub(super) stem: &'a str,
    pub(super) header: &'a Header,
    pub(super) decided: &'a Decided,
    pub(super) reading_currency: Option<parse::Currency>,
    pub(super) limits: super::Limits,
}

/// The bytes read at a time (a few dozen in tests, so that lines cross reads there).
const CHUNK: usize = if cfg!(test) { 61 } else { 1 << 18 };

/// Reads `stretch` of the file at `path` as plain lines, or `None` when it is not
/// plain or gives up (`stop` set: the other half gave up); `bar` advances by the
/// bytes read. `with_header`: the part carries the header's warnings (the first
/// half).
pub(super) fn read(
    path: &Path,
    stretch: &Stretch,
    plan: &Plan,
    with_header: bool,
    stop: &AtomicBool,
    bar: &indicatif::ProgressBar,
) -> std::io::Result<Option<Part>> {
    let Plan {
        origin,
        stem,
        header,
        decided,
        reading_currency,
        limits,
    } = *plan;
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(stretch.from))?;
    let mut input = file.take(stretch.to.saturating_sub(stretch.from));
    let style = parse::Style {
        mark: decided.mark(),
        currency: header.layout.currency.or(reading_currency),
    };
    let mut rows = RowReader::new(origin, stem, header, style, decided);
    rows.set_budget(limits.budget);
    let delimiter = header.delimiter;
    // A line is split on its delimiter and checked as UTF-8 whole, which is a check
    // of its cells only when the delimiter is ASCII; and it must not be a byte that
    // plain lines exclude or end on.
    if !delimiter.is_ascii() || matches!(delimiter, b'"' | b'\r' | b'\n') {
        return Ok(None);
    }
    let mut buf = vec![0u8; CHUNK];
    // Bytes of `buf` in use: the start of a line not yet ended, then what was read.
    let mut filled = 0;
    let mut line = stretch.line;
    let mut ended: u64 = 0;
    let mut ends = Vec::new();
    let mut first = true;
    loop {
        if filled == buf.len() {
            // One line fills the buffer: grow it, up to a line of the limit.
            if filled as u64 > MAX_LINE_BYTES + 1 {
                return Ok(None);
            }
            buf.resize(buf.len() * 2, 0);
        }
        let n = match buf.get_mut(filled..).map(|room| input.read(room)) {
            Some(Ok(n)) => n,
            None => 0,
            Some(Err(e)) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // csv reads the half again and reports it in its words, with its line.
            Some(Err(_)) => return Ok(None),
        };
        bar.inc(n as u64);
        let fresh = buf.get(filled..filled + n).unwrap_or_default();
        if memchr::memchr(b'"', fresh).is_some() {
            return Ok(None);
        }
        let mut start = 0;
        if first {
            first = false;
            // The `\n` of the CRLF that ended the header.
            if stretch.after_cr && fresh.first() == Some(&b'\n') {
                start = 1;
            }
        }
        let at_end = n == 0;
        filled += n;
        let data = buf.get(..filled).unwrap_or_default();
        // A `\r` is rare: lines are checked for one only when this read has any.
        let any_cr = memchr::memchr(b'\r', data.get(start..).unwrap_or_default()).is_some();
        let base = start;
        for nl in memchr::memchr_iter(b'\n', data.get(base..).unwrap_or_default()) {
            let end = base + nl;
            let text = data.get(start..end).unwrap_or_default();
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            if !plain_line(text, any_cr)
                || !read_line(&mut rows, text, delimiter, line, &mut ends, limits, stop)
            {
                return Ok(None);
            }
            start = end + 1;
            line += 1;
            ended += 1;
        }
        if at_end {
            // The last line, with no line end (one ending in a lone `\r` is not plain).
            let text = data.get(start..).unwrap_or_default();
            if !plain_line(text, true) {
                return Ok(None);
            }
            if !read_line(&mut rows, text, delimiter, line, &mut ends, limits, stop) {
                return Ok(None);
            }
            break;
        }
        buf.copy_within(start..filled, 0);
        filled -= start;
    }
    let (groups, problems) = rows.finish();
    if groups.scenarios() > limits.scenarios {
        return Ok(None);
    }
    Ok(Some(Part {
        groups,
        problems,
        lines: (stretch.line - 1).saturating_add(ended),
        quoted: false,
        warnings: if with_header {
            header.warnings.clone()
        } else {
            Vec::new()
        },
        decided: decided.clone(),
        currency: header.layout.currency,
    }))
}

/// Whether a line (its line end taken off) is plain: within the line limit, and with
/// no `\r` in it (looked for only when `any_cr`).
fn plain_line(text: &[u8], any_cr: bool) -> bool {
    text.len() as u64 <= MAX_LINE_BYTES && !(any_cr && memchr::memchr(b'\r', text).is_some())
}

/// Hands the line `text` on `line` to the row reader, split at `delimiter` (an empty
/// line is no record, as in csv); `false` when the read must give up: a limit passed
/// (csv's read reports it), rows that could not go to disk, or `stop`.
fn read_line(
    rows: &mut RowReader,
    text: &[u8],
    delimiter: u8,
    line: u64,
    ends: &mut Vec<usize>,
    limits: Limits,
    stop: &AtomicBool,
) -> bool {
    if text.is_empty() {
        return true;
    }
    if stop.load(Ordering::Relaxed) {
        return false;
    }
    let ascii = split(text, delimiter, ends);
    let record = Line {
        bytes: text,
        ends,
        ascii,
    };
    if !rows.quick_row(&record, line) {
        rows.row(&record, line);
    }
    rows.scenarios() <= limits.scenarios
        && rows.values() <= limits.values
        && line <= limits.lines
        && rows.spill_error().is_none()
}

/// Fills `ends` with where each field of `text` ends (the offset of each `delimiter`,
/// then the line's length) and tells whether every byte is ASCII, in one pass eight
/// bytes at a time: a line is a few dozen bytes, too short for memchr's setup to pay
/// (a call per field). Pinned by `tests::split_finds_every_delimiter`.
pub(super) fn split(text: &[u8], delimiter: u8, ends: &mut Vec<usize>) -> bool {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    ends.clear();
    let spread = u64::from(delimiter) * 0x0101_0101_0101_0101;
    let mut high = 0u64;
    let mut words = text.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let w = u64::from_le_bytes(w);
        high |= w;
        // A byte's top bit is set where it equals the delimiter (exact for every byte:
        // no borrow runs from one byte into the next).
        let x = w ^ spread;
        let mut found = !(((x & LOW7) + LOW7) | x | LOW7);
        while found != 0 {
            ends.push(at + (found.trailing_zeros() / 8) as usize);
            found &= found - 1;
        }
        at += 8;
    }
    let mut tail = 0u8;
    for (i, &b) in words.remainder().iter().enumerate() {
        tail |= b;
        if b == delimiter {
            ends.push(at + i);
        }
    }
    ends.push(text.len());
    (high & !LOW7) == 0 && tail < 0x80
}
