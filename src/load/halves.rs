//! A large regular file read as two halves on two cores ([`super::read_file`]), and
//! the rules for whether it may be, listed here (two of them are applied elsewhere, as
//! said).
//!
//! A file is cut only when all of these hold; anything else is read in one go, which
//! gives the messages a whole read gives:
//! - before reading ([`Cut::plan`]): there is more than one core (`read_file` passes
//!   no threshold otherwise); it is at least `split_from` bytes; it is not UTF-16
//!   (`utf16`: the cut's byte offsets would be the file's, not its text's); its
//!   decimal mark is decided (`decimal`: a file whose first rows leave it ambiguous
//!   is read in one go, for that message); its header
//!   ends within the first MiB (read ahead for the second half); it is a long file
//!   without a unit column (a unit is checked across the whole file); a line end lies
//!   within 64 KiB after the middle, past the header and before the end;
//! - while reading ([`FirstHalf`], [`LaterHalf`]): the first half holds no `"` after
//!   its header when read as plain lines (`plain`), and none at all when read by csv
//!   (a quoted value may hold a line end, so a line end may not end a record), and
//!   neither half stops (a quote, or a limit as the reader counts it in
//!   `reader.rs`: the other half then stops too);
//! - after reading ([`stands`]): together the halves stay within the limits.
//!
//! Both halves are read with the delimiter chosen for the header in [`Cut::plan`]
//! (`delimiter`), so a semicolon, tab or pipe file is cut like a comma file, and with
//! the decimal mark decided there from the same first rows a read in one go looks at.
//!
//! Each half is first read as plain lines (`plain`: split by hand, no quote in it)
//! and, when either is not plain, both are read again by csv.
//!
//! Pinned by `tests::halves_read_like_the_whole` and
//! `tests/loader_reference.rs`.

use std::fs::File;
use std::io::{Read, Seek};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::decimal::{Decided, Reading};
use super::delimiter::{peek, Delimiter};
use super::header::{read_header, Header, Kind};
use super::lines::Lines;
use super::plain;
use super::reader::{counted, decide_from, read_ahead, read_part, Part, Watch};
use super::rows::Later;
use super::utf16;
use super::{cannot_read, Limits, Loaded};
use crate::error::Problem;

/// The file read as two halves, or `None` when it is not to be cut (the bar then
/// starts again from 0 for the read in one go). Each half may hold half of
/// `limits.budget` in memory. An `Err` is a file that cannot be read, or rows that
/// could not go to disk.
#[allow(clippy::too_many_arguments)]
pub(super) fn read(
    path: &Path,
    origin: &str,
    stem: &str,
    size: u64,
    bar: &indicatif::ProgressBar,
    split_from: u64,
    limits: Limits,
    reading: Reading,
) -> Result<Option<Loaded>, Vec<Problem>> {
    // Over the byte limit, a read in one go says so.
    if size < split_from || size > limits.bytes {
        return Ok(None);
    }
    let cannot_read = |e| cannot_read(origin, e);
    let loaded = match Cut::plan(path, origin, size, reading).map_err(cannot_read)? {
        Some(cut) => cut
            .read(path, origin, stem, size, bar, limits)
            .map_err(cannot_read)?
            .transpose()?,
        None => None,
    };
    if loaded.is_none() {
        bar.set_position(0);
    }
    Ok(loaded)
}

/// Where a file is cut, the header its second half is read under and the decimal
/// mark both are.
struct Cut {
    header: Header,
    at: u64,
    decided: Decided,
    reading: Reading,
    /// The line the header ends on, and whether its last byte is a `\r` (for the
    /// first half read as plain lines, `plain`, from the header's end).
    header_line: u64,
    header_cr: bool,
}

impl Cut {
    /// The cut of a file of `size` bytes, or `None` when it may not be cut.
    fn plan(
        path: &Path,
        origin: &str,
        size: u64,
        reading: Reading,
    ) -> std::io::Result<Option<Cut>> {
        // The header, from the first MiB, for the second half's layout and delimiter
        // (both halves are read with the one chosen here); a header that does not end
        // within it would be cut short there. The decimal mark is decided here too,
        // from the same first rows a read in one go looks at (`decimal`).
        const WINDOW: u64 = 1 << 20;
        let mut start = Vec::new();
        File::open(path)?.take(4).read_to_end(&mut start)?;
        if utf16::is_utf16(&start).is_some() {
            return Ok(None);
        }
        let delimiter = reading.delimiter;
        let (header, decided) = {
            let (chosen, file) = peek(File::open(path)?.take(WINDOW), delimiter)?;
            let given = matches!(delimiter, Delimiter::Given(_));
            let (mut rdr, mut lines) = counted(file, chosen);
            // Read under the file's name: its warnings are the file's (`plain`).
            let header = match read_header(
                &mut rdr,
                &mut lines,
                origin,
                u64::MAX,
                chosen,
                given,
                reading.unit_scale,
            ) {
                Ok(h) if h.end < WINDOW => h,
                _ => return Ok(None),
            };
            let decided = match Decided::before_rows(&reading, chosen) {
                Some(d) => d,
                None => {
                    let ahead = read_ahead(&mut rdr, &mut lines, "");
                    match decide_from(&ahead, &header, "") {
                        Ok(d) => d,
                        // Read in one go, for the message of a whole read.
                        Err(_) => return Ok(None),
                    }
                }
            };
            (header, decided)
        };
        let splittable =
            matches!(header.layout.kind, Kind::Long { .. }) && header.layout.unit.is_none();
        if !splittable {
            return Ok(None);
        }
        let middle = size / 2;
        let at = {
            let mut f = File::open(path)?;
            f.seek(std::io::SeekFrom::Start(middle))?;
            let mut window = Vec::with_capacity(1 << 16);
            f.take(1 << 16).read_to_end(&mut window)?;
            match memchr::memchr(b'\n', &window) {
                Some(i) => middle + i as u64 + 1,
                None => return Ok(None),
            }
        };
        if at >= size || at <= header.end {
            return Ok(None);
        }
        // Line ends before the header's end, counted as `lines` counts them: a `\r`
        // ends a line, and so does a `\n` but right after a `\r`.
        let mut head = Vec::new();
        File::open(path)?.take(header.end).read_to_end(&mut head)?;
        let (mut header_line, mut after_cr) = (1u64, false);
        for &b in &head {
            header_line += u64::from(b == b'\r' || (b == b'\n' && !after_cr));
            after_cr = b == b'\r';
        }
        Ok(Some(Cut {
            header,
            at,
            decided,
            reading,
            header_line,
            header_cr: after_cr,
        }))
    }

    /// Reads the two halves, one per core, and places the second's scenarios, lines
    /// and problems after the first's, as one read would have placed them; `None`
    /// when a half gave up or the halves together do not stand. The inner `Err` is
    /// rows that could not go to disk once both halves were read.
    fn read(
        &self,
        path: &Path,
        origin: &str,
        stem: &str,
        size: u64,
        bar: &indicatif::ProgressBar,
        limits: Limits,
    ) -> std::io::Result<Option<Result<Loaded, Vec<Problem>>>> {
        let half = Limits {
            budget: limits.budget / 2,
            ..limits
        };
        // Plain lines first; a stretch that is not plain is read again by csv.
        let ((first, later), plain) = match self.read_plain(path, origin, stem, size, bar, half)? {
            Some(parts) => (parts, true),
            None => {
                bar.set_position(0);
                match self.read_csv(path, origin, stem, size, bar, half)? {
                    Some(parts) => (parts, false),
                    None => return Ok(None),
                }
            }
        };
        if !stands(&first, &later, limits) {
            return Ok(None);
        }
        let mut problems = first.problems;
        for mut p in later.problems.into_vec() {
            p.line = p.line.map(|l| l.saturating_add(first.lines));
            problems.push(p);
        }
        let later = Later::new(later.groups, first.lines);
        let note = self.decided.note(origin);
        Ok(Some(
            Loaded::new(origin, first.groups, problems, Some(later)).map(|loaded| {
                loaded
                    .with_warnings(first.warnings)
                    .with_note(note)
                    .with_currency(first.currency)
                    .with_plain(plain)
            }),
        ))
    }

    /// The two halves read as plain lines (`plain`), or `None` when either is not.
    fn read_plain(
        &self,
        path: &Path,
        origin: &str,
        stem: &str,
        size: u64,
        bar: &indicatif::ProgressBar,
        half: Limits,
    ) -> std::io::Result<Option<(Part, Part)>> {
        let plan = plain::Plan {
            origin,
            stem,
            header: &self.header,
            decided: &self.decided,
            reading_currency: self.reading.currency,
            limits: half,
        };
        let stop = AtomicBool::new(false);
        let first = plain::Stretch {
            from: self.header.end,
            to: self.at,
            line: self.header_line,
            after_cr: self.header_cr,
        };
        let later = plain::Stretch {
            from: self.at,
            to: size,
            line: 1,
            after_cr: false,
        };
        // A half that is not plain (or cannot be read) sets `stop`: the other then
        // gives up too.
        let read = |stretch: &plain::Stretch, with_header: bool| {
            let part = plain::read(path, stretch, &plan, with_header, &stop, bar);
            if !matches!(part, Ok(Some(_))) {
                stop.store(true, Ordering::Relaxed);
            }
            part
        };
        let (first, later) = rayon::join(|| read(&first, true), || read(&later, false));
        Ok(first?.zip(later?))
    }

    /// The two halves read by csv, or `None` when either gave up.
    fn read_csv(
        &self,
        path: &Path,
        origin: &str,
        stem: &str,
        size: u64,
        bar: &indicatif::ProgressBar,
        half: Limits,
    ) -> std::io::Result<Option<(Part, Part)>> {
        let stop = AtomicBool::new(false);
        // A half that stops sets `stop`: the other then stops too.
        let gave_up = |part: Result<Part, Vec<Problem>>| {
            if part.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            part
        };
        let (first, later) = rayon::join(
            || -> std::io::Result<_> {
                let f = bar.wrap_read(File::open(path)?.take(self.at));
                Ok(gave_up(read_part(
                    f,
                    origin,
                    stem,
                    half,
                    None,
                    self.reading_given(),
                    Some(self.decided.clone()),
                    FirstHalf(&stop),
                )))
            },
            || -> std::io::Result<_> {
                let mut f = File::open(path)?;
                f.seek(std::io::SeekFrom::Start(self.at))?;
                let f = bar.wrap_read(f.take(size - self.at));
                let header = Some(&self.header);
                Ok(gave_up(read_part(
                    f,
                    origin,
                    stem,
                    half,
                    header,
                    self.reading_given(),
                    Some(self.decided.clone()),
                    LaterHalf(&stop),
                )))
            },
        );
        let (Ok(first), Ok(later)) = (first?, later?) else {
            return Ok(None);
        };
        Ok(Some((first, later)))
    }

    /// How both halves are read: with the delimiter chosen for the header.
    fn reading_given(&self) -> Reading {
        Reading {
            delimiter: Delimiter::Given(self.header.delimiter),
            ..self.reading
        }
    }
}

/// Whether two halves read stand for the file: no quote in the first (a quote read
/// after its last record is seen only here), and the limits kept together.
fn stands(first: &Part, later: &Part, limits: Limits) -> bool {
    let scenarios = first.groups.scenarios() + later.groups.scenarios();
    let values = first.groups.values().saturating_add(later.groups.values());
    let lines = first.lines.saturating_add(later.lines);
    !first.quoted
        && values <= limits.values
        && scenarios <= limits.scenarios
        && lines <= limits.lines
}

/// The first half (header included): gives up at the first `"`, or when the other
/// half has.
struct FirstHalf<'a>(&'a AtomicBool);

impl Watch for FirstHalf<'_> {
    fn give_up(&self, lines: &Lines) -> bool {
        if lines.quoted() {
            self.0.store(true, Ordering::Relaxed);
            return true;
        }
        self.0.load(Ordering::Relaxed)
    }
}

/// The second half, from a line start after the header; lines are counted from its
/// start. Gives up when the other half has.
struct LaterHalf<'a>(&'a AtomicBool);

impl Watch for LaterHalf<'_> {
    fn give_up(&self, _: &Lines) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
