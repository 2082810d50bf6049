//! Reading one stretch of a file (the whole file, or one of its halves): csv records
//! with their lines (`lines`) through the row reader (`row`), within the limits.
//!
//! A stretch read as a half may have to give up part-way ([`Watch`]); that is a type
//! parameter, so the whole file's loop has no check at all and a half's loop checks
//! only what its half needs, decided once rather than on every record.

use std::cell::RefCell;
use std::io::Read;
use std::rc::Rc;

use super::decimal::{decide, number_columns, Decided, Reading, SNIFF_BYTES, SNIFF_ROWS};
use super::delimiter::{peek, Delimiter};
use super::header::{read_header, Header};
use super::lines::{too_long, Counting, LineIndex, Lines};
use super::row::RowReader;
use super::rows::Groups;
use super::utf16;
use super::{too_large, Limits};
use crate::error::{Problem, Problems};
use crate::parse;

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
    /// How the stretch's decimal mark was decided.
    pub(super) decided: Decided,
    /// The currency the revenue column's name gives (`Revenue (€)`).
    pub(super) currency: Option<parse::Currency>,
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
/// columns separated as `reading` says, or given for a stretch that starts after it)
/// to its end, its numbers read with the decimal mark `decided` (decided here from
/// the first rows when `None`: `decimal`). `Err` stops the file: no header, a mark
/// that cannot be decided, over a limit, or (with no problem in it) a stretch whose
/// `watch` gave up.
#[allow(clippy::too_many_arguments)]
pub(super) fn read_part<R: Read, W: Watch>(
    reader: R,
    origin: &str,
    stem: &str,
    limits: Limits,
    header: Option<&Header>,
    reading: Reading,
    decided: Option<Decided>,
    watch: W,
) -> Result<Part, Vec<Problem>> {
    let max_bytes = limits.bytes;
    // A UTF-16 file (Excel's "Unicode Text") is read as the UTF-8 it decodes to; a
    // stretch after a header is never UTF-16 (`halves` does not cut those).
    let reader = match header {
        None => utf16::decoded(reader).map_err(|e| super::cannot_read(origin, e))?,
        Some(_) => utf16::Decoded::plain(reader),
    };
    // Chosen once, here, for the whole stretch (a later one takes its header's).
    let delimiter = header.map_or(reading.delimiter, |h| Delimiter::Given(h.delimiter));
    let (chosen, reader) = peek(reader, delimiter).map_err(|e| super::cannot_read(origin, e))?;
    // Read no more than the limit (plus one byte, to tell "at the limit" from "over
    // it").
    let (mut rdr, mut lines) = counted(reader.take(max_bytes.saturating_add(1)), chosen);
    let read;
    let (header, warnings) = match header {
        Some(h) => (h, Vec::new()),
        None => {
            let given = matches!(delimiter, Delimiter::Given(_));
            read = read_header(
                &mut rdr,
                &mut lines,
                origin,
                max_bytes,
                chosen,
                given,
                reading.unit_scale,
            )?;
            (&read, read.warnings.clone())
        }
    };
    // The first rows, read ahead when they decide the decimal mark.
    let mut ahead = Vec::new();
    let decided = match decided.or_else(|| Decided::before_rows(&reading, chosen)) {
        Some(d) => d,
        None => {
            ahead = read_ahead(&mut rdr, &mut lines, origin);
            // A line over the limit among the first rows stops the file before the
            // mark it left undecided is blamed.
            decide_from(&ahead, header, origin).map_err(|p| match ahead.last() {
                Some(Ahead::Over(over)) => vec![over.clone()],
                _ => vec![p],
            })?
        }
    };
    let currency = header.layout.currency;
    let style = parse::Style {
        mark: decided.mark(),
        currency: header.layout.currency.or(reading.currency),
    };
    let mut rows = RowReader::new(origin, stem, header, style, &decided);
    rows.set_budget(limits.budget);
    let mut ahead = ahead.into_iter();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = match ahead.next() {
            Some(Ahead::Record(r, line, _)) => {
                record = r;
                line
            }
            Some(Ahead::Over(p)) => return Err(over(rows, p)),
            Some(Ahead::Unreadable(p, io)) => {
                rows.unreadable(p);
                if io {
                    break;
                }
                continue;
            }
            None => match rdr.read_byte_record(&mut record) {
                Ok(true) => record.position().map_or(0, |p| lines.of(p)),
                Ok(false) => break,
                Err(e) if is_too_long(&e) => {
                    return Err(over(rows, csv_problem(origin, &e, &mut lines)));
                }
                Err(e) => {
                    rows.unreadable(csv_problem(origin, &e, &mut lines));
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        break;
                    }
                    continue;
                }
            },
        };
        if watch.give_up(&lines) {
            return Err(Vec::new());
        }
        rows.row(&record, line);
        if rows.scenarios() > limits.scenarios {
            return Err(vec![too_many_scenarios(origin, limits)]);
        }
        if rows.values() > limits.values {
            let mut problems = rows.into_problems();
            problems.push(
                Problem::new(origin, format!(
                    "has more than {} values (a scenario's revenue in a period is one value; revcap keeps them all, in memory or in a temporary file: split the file)",
                    limits.values
                ))
                .line(line),
            );
            return Err(problems.into_vec());
        }
        if line > limits.lines {
            let mut problems = rows.into_problems();
            problems.push(Problem::new(
                origin,
                format!(
                    "has more than {} lines (revcap numbers lines in 31 bits: split the file)",
                    limits.lines
                ),
            ));
            return Err(problems.into_vec());
        }
        if let Some(e) = rows.spill_error() {
            let problem = super::spill_problem(origin, e);
            let mut problems = rows.into_problems();
            problems.push(problem);
            return Err(problems.into_vec());
        }
    }
    if lines.bytes_read() > max_bytes {
        return Err(vec![Problem::new(origin, too_large(None))]);
    }
    let (mut warnings, mut currency) = (warnings, currency);
    if let Some((unit, line)) = rows.first_unit() {
        // The unit column says what the amounts are in, as a header can: its currency
        // labels the views, and a scale in it is not applied, so it is warned of.
        currency = currency.or_else(|| parse::currency_of(unit));
        // Said once: a header that names the same scale has said it, and one that
        // names another is an error (`RowReader::check_unit`).
        let scale = super::header::scale_in_unit(unit).filter(|_| header.layout.scale.is_none());
        let said = scale.and_then(|s| super::header::scale_said(s, reading.unit_scale));
        if let (Some(said), Some(i)) = (said, header.layout.unit) {
            let column = header.names.get(i).map_or("", String::as_str);
            warnings.push(
                Problem::new(origin, format!("names a scale ({said}"))
                    .line(line)
                    .column(column)
                    .value(unit),
            );
        }
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
        decided,
        currency,
    })
}

/// The problems so far and `p`, a line over the limit, which stops the file.
fn over(rows: RowReader, p: Problem) -> Vec<Problem> {
    let mut problems = rows.into_problems();
    problems.push(p);
    problems.into_vec()
}

/// Whether csv stopped at a line over [`super::lines::MAX_LINE_BYTES`].
fn is_too_long(e: &csv::Error) -> bool {
    matches!(e.kind(), csv::ErrorKind::Io(io) if too_long(io).is_some())
}

/// A record read ahead to decide the decimal mark, with its line and whether it
/// ends within [`SNIFF_BYTES`] (and so counts), or a problem of csv's (and whether
/// it was one of reading, which ends the file), or a line over the limit.
pub(super) enum Ahead {
    Record(csv::ByteRecord, u64, bool),
    Unreadable(Problem, bool),
    Over(Problem),
}

/// The first [`SNIFF_ROWS`] records after the header, or fewer: up to the first
/// that ends past [`SNIFF_BYTES`] or cannot be read.
pub(super) fn read_ahead<R: Read>(
    rdr: &mut csv::Reader<R>,
    lines: &mut Lines,
    origin: &str,
) -> Vec<Ahead> {
    let mut ahead = Vec::new();
    while ahead.len() < SNIFF_ROWS {
        let mut record = csv::ByteRecord::new();
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {
                let line = record.position().map_or(0, |p| lines.of(p));
                let past = rdr.position().byte() > SNIFF_BYTES;
                ahead.push(Ahead::Record(record, line, !past));
                if past {
                    break;
                }
            }
            Ok(false) => break,
            Err(e) if is_too_long(&e) => {
                ahead.push(Ahead::Over(csv_problem(origin, &e, lines)));
                break;
            }
            Err(e) => {
                let io = matches!(e.kind(), csv::ErrorKind::Io(_));
                ahead.push(Ahead::Unreadable(csv_problem(origin, &e, lines), io));
                break;
            }
        }
    }
    ahead
}

/// The decimal mark the records read ahead give (only those within
/// [`SNIFF_BYTES`] count, so a file read as halves decides as one read whole).
pub(super) fn decide_from(
    ahead: &[Ahead],
    header: &Header,
    origin: &str,
) -> Result<Decided, Problem> {
    let columns = number_columns(header);
    let cells = ahead
        .iter()
        .filter_map(|a| match a {
            Ahead::Record(r, line, true) => Some((r, *line)),
            Ahead::Record(..) | Ahead::Unreadable(..) | Ahead::Over(..) => None,
        })
        .flat_map(|(r, line)| {
            columns.iter().filter_map(move |&i| {
                let cell = std::str::from_utf8(r.get(i)?).ok()?.trim();
                Some((line, i, cell))
            })
        });
    decide(origin, &header.names, cells)
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
    if let csv::ErrorKind::Io(io) = e.kind() {
        if let Some(line) = too_long(io) {
            return Problem::new(origin, super::lines::TOO_LONG).line(line);
        }
    }
    let line = e.position().map(|p| lines.of(p));
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "is not valid UTF-8 text (save the file as UTF-8 CSV)".to_string()
        }
        csv::ErrorKind::Io(io) => match utf16::message(io) {
            Some(m) => m.to_string(),
            None => format!("cannot read: {io}"),
        },
        _ => format!("is not valid CSV: {e}"),
    };
    let p = Problem::new(origin, message);
    match line {
        Some(l) => p.line(l),
        None => p,
    }
}
