//! Reading one stretch of a file (the whole file, or one of its halves): csv records
//! with their lines (`lines`) through the row reader (`row`), within the limits.
//!
//! A stretch read as a half may have to give up part-way ([`Watch`]); that is a type
//! parameter, so the whole file's loop has no check at all and a half's loop checks
//! only what its half needs, decided once rather than on every record.

use std::cell::RefCell;
use std::io::Read;
use std::rc::Rc;

use super::delimiter::{peek, Delimiter};
use super::header::{read_header, Header};
use super::lines::{Counting, LineIndex, Lines};
use super::row::RowReader;
use super::rows::Groups;
use super::{too_large, Limits};
use crate::error::{Problem, Problems};

pub(super) fn csv_reader<R: Read>(reader: R, delimiter: u8) -> csv::Reader<R> {
    // No `Trim::All`: it rebuilds every record; the cells used are trimmed instead.
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(reader)
}

/// A csv reader over `reader`, its columns separated by `delimiter`, that counts lines
/// as the bytes stream past (see `lines::Counting`), and the handle on those lines.
pub(super) fn counted<R: Read>(reader: R, delimiter: u8) -> (csv::Reader<Counting<R>>, Lines) {
    let index = Rc::new(RefCell::new(LineIndex::default()));
    let counting = Counting {
        inner: reader,
        index: Rc::clone(&index),
    };
    (csv_reader(counting, delimiter), Lines(index))
}

/// What reading one stretch of a file gave.
pub(super) struct Part {
    pub(super) groups: Groups,
    pub(super) problems: Problems,
    /// Line ends read (the next stretch starts on line `lines + 1`).
    pub(super) lines: u64,
    /// A `"` was read.
    pub(super) quoted: bool,
    /// The header's warnings, when the header was read in this stretch.
    pub(super) warnings: Vec<Problem>,
}

/// Whether a stretch gives up, asked after each record read, before it is used.
pub(super) trait Watch {
    fn give_up(&self, lines: &Lines) -> bool;
}

/// The whole file: never gives up.
pub(super) struct Whole;

impl Watch for Whole {
    #[inline(always)]
    fn give_up(&self, _: &Lines) -> bool {
        false
    }
}

/// Reads a stretch of a file: from its header (read here when `header` is `None`, its
/// columns separated as `delimiter` says, or given for a stretch that starts after it)
/// to its end. `Err` stops the file: no header, over a limit, or (with no problem in
/// it) a stretch whose `watch` gave up.
pub(super) fn read_part<R: Read, W: Watch>(
    reader: R,
    origin: &str,
    stem: &str,
    limits: Limits,
    header: Option<&Header>,
    delimiter: Delimiter,
    watch: W,
) -> Result<Part, Vec<Problem>> {
    let max_bytes = limits.bytes;
    // Chosen once, here, for the whole stretch (a later one takes its header's).
    let delimiter = header.map_or(delimiter, |h| Delimiter::Given(h.delimiter));
    let (chosen, reader) = peek(reader, delimiter).map_err(|e| super::cannot_read(origin, e))?;
    // Read no more than the limit (plus one byte, to tell "at the limit" from "over
    // it").
    let (mut rdr, mut lines) = counted(reader.take(max_bytes.saturating_add(1)), chosen);
    let read;
    let (header, warnings) = match header {
        Some(h) => (h, Vec::new()),
        None => {
            let given = matches!(delimiter, Delimiter::Given(_));
            read = read_header(&mut rdr, &mut lines, origin, max_bytes, chosen, given)?;
            (&read, read.warnings.clone())
        }
    };
    let mut rows = RowReader::new(origin, stem, header);
    let mut record = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                rows.unreadable(csv_problem(origin, &e, &mut lines));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        if watch.give_up(&lines) {
            return Err(Vec::new());
        }
        let line = record.position().map_or(0, |p| lines.of(p));
        rows.row(&record, line);
        if rows.scenarios() > limits.scenarios {
            return Err(vec![too_many_scenarios(origin, limits)]);
        }
        if rows.values() > limits.values {
            let mut problems = rows.into_problems();
            problems.push(
                Problem::new(origin, format!(
                    "has more than {} values (a scenario's revenue in a period is one value; revcap keeps them all in memory: split the file)",
                    limits.values
                ))
                .line(line),
            );
            return Err(problems.into_vec());
        }
    }
    if lines.bytes_read() > max_bytes {
        return Err(vec![Problem::new(origin, too_large(None))]);
    }
    let (groups, problems) = rows.finish();
    if groups.scenarios() > limits.scenarios {
        return Err(vec![too_many_scenarios(origin, limits)]);
    }
    Ok(Part {
        groups,
        problems,
        lines: lines.ends_read(),
        quoted: lines.quoted(),
        warnings,
    })
}

/// Scenarios are numbered in 24 bits while loading ([`super::rows::MAX_SCENARIOS`]).
fn too_many_scenarios(origin: &str, limits: Limits) -> Problem {
    Problem::new(
        origin,
        format!(
            "has more than {} scenarios (revcap reads at most that many per file: split the file)",
            limits.scenarios
        ),
    )
}

pub(super) fn csv_problem(origin: &str, e: &csv::Error, lines: &mut Lines) -> Problem {
    let line = e.position().map(|p| lines.of(p));
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "is not valid UTF-8 text (save the file as UTF-8 CSV)".to_string()
        }
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => format!("is not valid CSV: {e}"),
    };
    let p = Problem::new(origin, message);
    match line {
        Some(l) => p.line(l),
        None => p,
    }
}
