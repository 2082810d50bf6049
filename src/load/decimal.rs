//! How a file's numbers are written: its decimal mark, decided once per file from
//! the first rows (or given with `--decimal-comma` / `--decimal-point`), never cell
//! by cell, so a file is never read half one way and half the other (docs/spec.md
//! §2.4); and the currency its unit names.
//!
//! Like the delimiter, the mark is chosen before the rows are read: the first
//! [`SNIFF_ROWS`] records (within the first [`SNIFF_BYTES`]) are read ahead and their
//! number cells looked at; the first that reads only one way decides. A later cell
//! that reads only the other way is then an error naming how the mark was decided
//! (`row`). A large file's halves (`halves`) are both read with the mark decided from
//! its start.

use super::delimiter::Delimiter;
use super::header::{Header, Kind};
use crate::error::{quote, Problem};
use crate::model::FiscalStart;
use crate::parse::{self, Currency, Form, Mark};

/// How the files named on the command line are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reading {
    pub delimiter: Delimiter,
    pub decimal: DecimalMark,
    /// The currency `--unit` names: amount cells may carry its sign.
    pub currency: Option<Currency>,
    /// The month fiscal years (`FY2026`) start in (`--fiscal-year-start`).
    pub fiscal: FiscalStart,
    /// The scale `--unit` names (`$M`: `million`), in a word as the header's scales
    /// are: the amounts are known to be in it, so that scale in the revenue column's
    /// name (`Revenue (USD m)`), in a wide file's scenario columns or in a unit column
    /// is not warned of, and another one is warned of as contradicting it (`header`,
    /// `reader`).
    pub unit_scale: Option<&'static str>,
}

impl Reading {
    /// Columns separated as `delimiter` says; everything else decided per file.
    pub fn delimited(delimiter: Delimiter) -> Reading {
        Reading {
            delimiter,
            ..Reading::default()
        }
    }
}

/// How a file's decimal mark is chosen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DecimalMark {
    /// From the first rows of a file whose delimiter is not a comma; a point in a
    /// comma file.
    #[default]
    Sniff,
    /// This one, whatever the file (`--decimal-comma`, `--decimal-point`).
    Given(Mark),
}

/// Records looked at to decide the mark, at most.
pub(super) const SNIFF_ROWS: usize = 200;
/// Only records that end within this many bytes of the file's start are looked at
/// (the same records, whether the file is read whole or as halves).
pub(super) const SNIFF_BYTES: u64 = 256 << 10;

/// How a file's decimal mark was decided, for the messages that name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Decided {
    /// `--decimal-comma` or `--decimal-point`.
    Flag(Mark),
    /// Columns separated by commas: numbers have a decimal point.
    CommaFile,
    /// This cell of the first rows read only with this mark.
    Cell {
        mark: Mark,
        line: u64,
        value: String,
    },
    /// Nothing in the first rows read only one way: a point.
    Nothing,
}

/// [`Decided::undecided`] of `cell` when nothing decided the mark.
fn undecided_cell(cell: &str) -> Option<String> {
    (cell.contains([',', '.']) && parse::form(cell) == Some(Form::Ambiguous))
        .then(|| ambiguous_message(cell))
}

impl Decided {
    /// What is decided before any row is read, or `None` when the rows decide.
    pub(super) fn before_rows(reading: &Reading, delimiter: u8) -> Option<Decided> {
        match reading.decimal {
            DecimalMark::Given(mark) => Some(Decided::Flag(mark)),
            DecimalMark::Sniff if delimiter == b',' => Some(Decided::CommaFile),
            DecimalMark::Sniff => None,
        }
    }

    pub(super) fn mark(&self) -> Mark {
        match self {
            Decided::Flag(mark) | Decided::Cell { mark, .. } => *mark,
            Decided::CommaFile | Decided::Nothing => Mark::Point,
        }
    }

    /// The note on stderr for a file read with a decimal comma it did not ask for.
    pub(super) fn note(&self, origin: &str) -> Option<String> {
        match self {
            Decided::Cell {
                mark: Mark::Comma,
                line,
                value,
            } => {
                // A cell that decides the mark but cannot be read (`30,5 Mrd`: its
                // own error follows) is named without a number.
                let reads = number_of(value, Mark::Comma)
                    .map(|n| format!(" is {n}"))
                    .unwrap_or_default();
                Some(format!(
                    "{origin}: numbers read with a decimal comma (line {line}: {}{reads}); --decimal-point to read them otherwise",
                    quote(value),
                ))
            }
            _ => None,
        }
    }

    /// The message for a cell read although nothing decided the mark, when it reads as
    /// two numbers (`1,234` after 200 rows of whole numbers): as in the first rows, it
    /// is not guessed. `None` for any other cell, and where something decided.
    #[inline(always)]
    pub(super) fn undecided(&self, cell: &str) -> Option<String> {
        // Asked of every amount: a look at the variant where it is inlined, the cell
        // only when nothing decided.
        if !matches!(self, Decided::Nothing) {
            return None;
        }
        undecided_cell(cell)
    }

    /// The message for a cell that reads only with the other mark, or `None` when it
    /// does not.
    pub(super) fn contradicted(&self, cell: &str) -> Option<String> {
        let other = match (self.mark(), parse::form(cell)?) {
            (Mark::Point, Form::Comma) => Mark::Comma,
            (Mark::Comma, Form::Point) => Mark::Point,
            _ => return None,
        };
        let (has, flag) = (mark_name(other), flag_of(other));
        Some(match self {
            Decided::CommaFile => format!(
                "has a decimal comma (write {}, or pass --decimal-comma to read this file's numbers with one)",
                parse::with_decimal_point(cell)
            ),
            Decided::Flag(mark) => format!(
                "has a {has}, but {} reads numbers with a {} (write it with a {}, or pass {flag})",
                flag_of(*mark),
                mark_name(*mark),
                mark_name(*mark)
            ),
            Decided::Cell { mark, line, value } => format!(
                "has a {has}, but this file's numbers have a {} (line {line}: {}); write it with a {}, or pass {flag} if line {line} is the odd one",
                mark_name(*mark),
                quote(value),
                mark_name(*mark)
            ),
            Decided::Nothing => format!(
                "has a {has}, but this file's numbers are read with a decimal point (none of its first {SNIFF_ROWS} rows has a {has}); pass {flag} to read them with one"
            ),
        })
    }
}

fn mark_name(mark: Mark) -> &'static str {
    match mark {
        Mark::Point => "decimal point",
        Mark::Comma => "decimal comma",
    }
}

fn flag_of(mark: Mark) -> &'static str {
    match mark {
        Mark::Point => "--decimal-point",
        Mark::Comma => "--decimal-comma",
    }
}

/// `value` read with `mark`, as an amount or else as a rate, for messages.
fn number_of(value: &str, mark: Mark) -> Option<String> {
    let style = parse::Style {
        mark,
        currency: None,
    };
    parse::amount_in(value.trim_matches(['€', '£', '$', ' ']), style)
        .or_else(|_| parse::rate_cell_in(value, mark))
        .ok()
        .map(|v| v.to_string())
}

/// The columns whose cells are numbers: revenue (or a wide file's scenarios) and rate.
pub(super) fn number_columns(header: &Header) -> Vec<usize> {
    let layout = &header.layout;
    let mut columns: Vec<usize> = layout.rate.into_iter().collect();
    match &layout.kind {
        Kind::Long { revenue, .. } => columns.push(*revenue),
        Kind::Wide { scenarios, .. } => columns.extend(scenarios),
    }
    columns.sort_unstable();
    columns
}

/// Decides the mark from the first rows: `cells` gives each record's line and its
/// number cells, in file order. The first cell that reads only one way decides; with
/// none, a cell that reads as two numbers is an error (the file is not read), and
/// otherwise the mark is a point.
pub(super) fn decide<'c>(
    origin: &str,
    names: &[String],
    cells: impl IntoIterator<Item = (u64, usize, &'c str)>,
) -> Result<Decided, Problem> {
    let mut ambiguous = None;
    for (line, column, value) in cells {
        match parse::form(value) {
            Some(Form::Point) => return Ok(decided_by(Mark::Point, line, value)),
            Some(Form::Comma) => return Ok(decided_by(Mark::Comma, line, value)),
            Some(Form::Ambiguous) if ambiguous.is_none() => {
                ambiguous = Some((line, column, value.to_string()));
            }
            _ => {}
        }
    }
    let Some((line, column, value)) = ambiguous else {
        return Ok(Decided::Nothing);
    };
    Err(Problem::new(origin, ambiguous_message(&value))
        .line(line)
        .column(names.get(column).map_or("", String::as_str))
        .value(&value))
}

/// The message for a cell that reads as two numbers when nothing decided the mark;
/// one that cannot be read either way (`1,234 Mrd`) is not given numbers it has not.
/// Pinned by `tests/european.rs`, `an_unreadable_cell_is_named_without_numbers`.
fn ambiguous_message(value: &str) -> String {
    match (number_of(value, Mark::Point), number_of(value, Mark::Comma)) {
        (Some(point), Some(comma)) => format!(
            "reads as {point} with a decimal point or as {comma} with a decimal comma, and no number in the first {SNIFF_ROWS} rows tells which (pass --decimal-point or --decimal-comma)"
        ),
        _ => format!(
            "may have a decimal point or a decimal comma, and no number in the first {SNIFF_ROWS} rows tells which (pass --decimal-point or --decimal-comma)"
        ),
    }
}

fn decided_by(mark: Mark, line: u64, value: &str) -> Decided {
    Decided::Cell {
        mark,
        line,
        value: value.to_string(),
    }
}
