//! The row reader: one data record at a time into grouped values (`rows::Groups`) and
//! the problems of its cells, by the header's layout (long or wide).

use std::collections::HashSet;

use rust_decimal::Decimal;

use super::decimal::Decided;
use super::header::{Header, Kind, Layout};
use super::rows::Groups;
use crate::error::{quote, Problem, Problems};
use crate::model::Period;
use crate::parse;

/// `str::trim`, with a shortcut for the common cell that starts and ends with a
/// printable ASCII character (Unicode whitespace is never ASCII beyond the ASCII
/// whitespace checked here).
pub(super) fn trim(cell: &str) -> &str {
    let b = cell.as_bytes();
    let plain = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_graphic());
    if plain(b.first()) && plain(b.last()) {
        cell
    } else {
        cell.trim()
    }
}

/// A data record as the row reader reads it: its bytes and where each field lies in
/// them. csv's `ByteRecord` (its fields laid end to end) is one; a plain line split
/// by [`super::plain`] (the line itself, delimiters included) is the other.
pub(super) trait Record {
    /// The number of fields.
    fn len(&self) -> usize;
    /// The bytes every field lies in.
    fn as_slice(&self) -> &[u8];
    /// Where field `i` lies in [`Record::as_slice`].
    fn range(&self, i: usize) -> Option<std::ops::Range<usize>>;
    /// Field `i`'s bytes.
    fn get(&self, i: usize) -> Option<&[u8]> {
        self.as_slice().get(self.range(i)?)
    }
    /// The record's bytes as text when they are known to be ASCII already, sparing
    /// their check as UTF-8.
    fn ascii(&self) -> Option<&str> {
        None
    }
}

impl Record for csv::ByteRecord {
    fn len(&self) -> usize {
        csv::ByteRecord::len(self)
    }
    fn as_slice(&self) -> &[u8] {
        csv::ByteRecord::as_slice(self)
    }
    fn range(&self, i: usize) -> Option<std::ops::Range<usize>> {
        csv::ByteRecord::range(self, i)
    }
    fn get(&self, i: usize) -> Option<&[u8]> {
        csv::ByteRecord::get(self, i)
    }
}

/// Turns data rows into grouped values and problems.
pub(super) struct RowReader<'a> {
    origin: &'a str,
    stem: &'a str,
    names: &'a [String],
    layout: &'a Layout,
    /// The first unit seen (as written, lowercased, line) and the units already reported.
    unit_seen: Option<(String, String, u64)>,
    units_reported: HashSet<String>,
    unnamed_reported: HashSet<usize>,
    /// The columns whose cells revcap reads: only their bytes must be UTF-8.
    used: Vec<usize>,
    groups: Groups,
    problems: Problems,
    /// How the file writes its amounts (decimal mark, currency), and how its mark
    /// was decided, for a cell written the other way.
    style: parse::Style,
    decided: &'a Decided,
    /// The columns of the common line [`RowReader::quick_row`] reads, when the file
    /// may have such lines.
    quick: Option<Quick>,
}

/// A long file's scenario, period and revenue columns, and its number of columns:
/// what [`RowReader::quick_row`] looks at.
#[derive(Clone, Copy)]
struct Quick {
    scenario: usize,
    period: usize,
    revenue: usize,
    fields: usize,
}

/// One record's cells as the row reader sees them: trimmed, and named in problems by
/// the header's column and the record's line.
struct Cells<'r, R: Record> {
    record: &'r R,
    /// The record's bytes as text when they are all UTF-8 (validated once, as csv's
    /// `StringRecord` would): a cell is then a slice of it, with no check of its own.
    text: Option<&'r str>,
    line: u64,
    origin: &'r str,
    names: &'r [String],
}

impl<R: Record> Cells<'_, R> {
    /// Cell `i`, trimmed; a cell that is not UTF-8 reads as empty (the cells revcap
    /// uses are checked first: [`RowReader::row`]).
    fn get(&self, i: usize) -> &str {
        self.raw(i).map_or("", trim)
    }

    /// Cell `i` untrimmed, `None` when it is missing or not UTF-8.
    fn raw(&self, i: usize) -> Option<&str> {
        match self.text {
            Some(text) => text.get(self.record.range(i)?),
            None => std::str::from_utf8(self.record.get(i)?).ok(),
        }
    }

    /// A problem with cell `i`: its line, column and value.
    fn problem(&self, i: usize, msg: String) -> Problem {
        Problem::new(self.origin, msg)
            .line(self.line)
            .column(self.names.get(i).map_or("", String::as_str))
            .value(self.get(i))
    }
}

impl<'a> RowReader<'a> {
    /// A reader of the rows under `header`; a wide file's scenarios are its columns,
    /// grouped by position in column order.
    pub(super) fn new(
        origin: &'a str,
        stem: &'a str,
        header: &'a Header,
        style: parse::Style,
        decided: &'a Decided,
    ) -> RowReader<'a> {
        let mut groups = Groups::default();
        let layout = &header.layout;
        let mut used: Vec<usize> = [Some(layout.period), layout.unit, layout.rate]
            .into_iter()
            .flatten()
            .collect();
        match &layout.kind {
            Kind::Wide { scenarios, .. } => {
                for &i in scenarios {
                    groups.add_column(header.names.get(i).cloned().unwrap_or_default());
                }
                used.extend(scenarios);
            }
            Kind::Long { revenue, scenario } => {
                used.push(*revenue);
                used.extend(*scenario);
            }
        }
        // A unit or rate column, a decimal comma or no scenario column: every line
        // goes the general way.
        let quick = match layout.kind {
            Kind::Long {
                revenue,
                scenario: Some(scenario),
            } if layout.unit.is_none()
                && layout.rate.is_none()
                && style.mark == parse::Mark::Point =>
            {
                Some(Quick {
                    scenario,
                    period: layout.period,
                    revenue,
                    fields: header.names.len(),
                })
            }
            _ => None,
        };
        RowReader {
            origin,
            stem,
            names: &header.names,
            layout: &header.layout,
            unit_seen: None,
            units_reported: HashSet::new(),
            unnamed_reported: HashSet::new(),
            used,
            groups,
            problems: Problems::new(),
            style,
            decided,
            quick,
        }
    }

    /// Rows go to disk past `budget` bytes held (`rows::Groups::set_budget`).
    pub(super) fn set_budget(&mut self, budget: usize) {
        self.groups.set_budget(budget);
    }

    /// Why rows could not go to disk, if they could not: the read stops.
    pub(super) fn spill_error(&self) -> Option<&std::io::Error> {
        self.groups.spill_error()
    }

    /// Scenarios found so far.
    pub(super) fn scenarios(&self) -> usize {
        self.groups.scenarios()
    }

    /// Values read so far.
    pub(super) fn values(&self) -> usize {
        self.groups.values()
    }

    /// A record csv could not read: whose row was lost is unknown, so no gap is
    /// reported anywhere.
    pub(super) fn unreadable(&mut self, p: Problem) {
        self.problems.push(p);
        self.groups.taint_all();
    }

    /// The problems so far, for a read that stops here.
    pub(super) fn into_problems(self) -> Problems {
        self.problems
    }

    /// Everything read: every row placed in its group, and the problems.
    pub(super) fn finish(mut self) -> (Groups, Problems) {
        self.groups.flush();
        (self.groups, self.problems)
    }

    /// Reads the record on `line` at once when it is the common line of a long file:
    /// ASCII, as many fields as the header, a scenario name with no space at either
    /// end, a month `YYYY-MM` and a revenue `digits[.digits]` that the decimal mark
    /// reads one way. It then does what [`RowReader::row`] does with the record,
    /// without `row`'s looks for everything else, which cost a tenth of a large
    /// file's read. `false` (nothing done) for any other record: `row` reads it.
    /// Pinned by `tests::quick_lines_read_like_records`.
    pub(super) fn quick_row<R: Record>(&mut self, record: &R, line: u64) -> bool {
        let (Some(q), Some(text)) = (self.quick, record.ascii()) else {
            return false;
        };
        if record.len() != q.fields {
            return false;
        }
        let cell = |i: usize| text.get(record.range(i)?);
        let (Some(name), Some(period), Some(amount)) =
            (cell(q.scenario), cell(q.period), cell(q.revenue))
        else {
            return false;
        };
        // A name that `trim` leaves alone, and not empty, as `row` reads it.
        if name.is_empty() || trim(name).len() != name.len() {
            return false;
        }
        // Each `Some` only for a cell with no space, which `row` trims to itself and
        // reads the same way first; a plain amount is never negative.
        let (Some(period), Some(revenue)) =
            (parse::plain_month(period), parse::plain_decimal(amount))
        else {
            return false;
        };
        // Never so in a file read as halves (its mark is decided before it is cut),
        // but `row` asks it of every amount.
        if self.decided.undecided(amount).is_some() {
            return false;
        }
        self.groups
            .push_named(name, Some((period, revenue, None)), line);
        true
    }

    /// Reads the record on `line`.
    pub(super) fn row<R: Record>(&mut self, record: &R, line: u64) {
        let cells = Cells {
            record,
            // Every cell must start on a character: the bytes of two cells could
            // otherwise make one character between them (as csv checks too).
            text: record.ascii().or_else(|| {
                std::str::from_utf8(record.as_slice()).ok().filter(|t| {
                    t.is_ascii()
                        || (0..record.len())
                            .all(|i| record.range(i).is_some_and(|r| t.is_char_boundary(r.start)))
                })
            }),
            line,
            origin: self.origin,
            names: self.names,
        };
        // Spreadsheets export blank rows as a line of commas; they carry nothing.
        if (0..record.len()).all(|i| cells.raw(i).is_some_and(|c| c.trim().is_empty())) {
            return;
        }
        // Fewer fields is fine: hand-edited files often leave trailing empty cells
        // out, and a missing required cell is reported as empty below. More fields
        // than names means the row does not line up with the header.
        if record.len() > self.names.len() {
            self.problems.push(
                Problem::new(self.origin, format!(
                    "has {} fields, but the header has {} (a stray or missing comma? quote values containing commas)",
                    record.len(),
                    self.names.len()
                ))
                .line(line),
            );
            self.groups.taint_all();
            return;
        }
        let layout = self.layout;
        // Bytes that are not UTF-8 matter only in the cells revcap uses (docs/spec.md
        // §2.1): a note in Latin-1 is no reason to reject a file. A record that is all
        // UTF-8, the common one, needs no cell-by-cell look.
        if cells.text.is_none() && !self.utf8_cells(&cells) {
            return;
        }
        let period = parse::period(cells.get(layout.period));
        // Looked for only when the period fails (a header's period cell is never a
        // period), and before the unit: a repeated header's `unit` is no unit.
        if period.is_err() {
            let whole_line = if self.repeats_header(&cells) {
                Some("repeats the header row (files joined together? remove the line)")
            } else if units_row(&cells, layout.period) {
                Some("is a row of units under the header; revcap reads amounts as written and applies no unit (remove the row; a unit may go in the column's name, e.g. Revenue ($B))")
            } else {
                None
            };
            if let Some(msg) = whole_line {
                self.problems
                    .push(Problem::new(self.origin, msg).line(line));
                return;
            }
        }
        if let Some(i) = layout.unit {
            self.check_unit(&cells, i);
        }
        let period = match period {
            Ok(p) => Some(p),
            Err(msg) => {
                self.problems.push(cells.problem(layout.period, msg));
                None
            }
        };
        let rate = match layout.rate {
            Some(i) if !cells.get(i).is_empty() => {
                match parse::rate_cell_in(cells.get(i), self.style.mark) {
                    Ok(r) => match self.decided.undecided(cells.get(i)) {
                        Some(msg) => {
                            self.problems.push(cells.problem(i, msg));
                            None
                        }
                        None => Some(r),
                    },
                    Err(msg) => {
                        let msg = self.other_mark(cells.get(i)).unwrap_or(msg);
                        self.problems.push(cells.problem(i, msg));
                        None
                    }
                }
            }
            _ => None,
        };
        match &layout.kind {
            Kind::Long { revenue, scenario } => {
                self.long_row(&cells, *revenue, *scenario, period, rate);
            }
            Kind::Wide { scenarios, unnamed } => {
                self.wide_row(&cells, scenarios, unnamed, period, rate);
            }
        }
    }

    /// Whether the record is the header again, cell for cell (trimmed, in any case), as
    /// where two exports were pasted one after the other: one problem for the line,
    /// not one per cell. Pinned by `tests/hostile.rs`, "header repeated".
    fn repeats_header<R: Record>(&self, cells: &Cells<R>) -> bool {
        // A file's byte order mark, pasted in with the file.
        fn bare(s: &str) -> &str {
            s.trim_start_matches('\u{feff}').trim()
        }
        cells.record.len() == self.names.len()
            && self
                .names
                .iter()
                .enumerate()
                .all(|(i, name)| super::folded(bare(cells.get(i))).eq(super::folded(bare(name))))
    }

    /// Whether every used cell of the record is UTF-8; each one that is not is
    /// reported, and the row is lost (whose, in a long file, is unknown).
    fn utf8_cells<R: Record>(&mut self, cells: &Cells<R>) -> bool {
        let mut ok = true;
        for &i in &self.used {
            let bytes = cells.record.get(i).unwrap_or_default();
            if std::str::from_utf8(bytes).is_err() {
                let p = cells.problem(i, String::new());
                self.problems.push(not_utf8(p, bytes));
                ok = false;
            }
        }
        if !ok {
            self.groups.taint_all();
        }
        ok
    }

    /// The first unit a unit column gave, and its line.
    pub(super) fn first_unit(&self) -> Option<(&str, u64)> {
        self.unit_seen
            .as_ref()
            .map(|(unit, _, line)| (unit.as_str(), *line))
    }

    /// A unit differing from the first one seen is reported, once per unit.
    fn check_unit<R: Record>(&mut self, cells: &Cells<R>, i: usize) {
        let unit = cells.get(i);
        let lower = unit.to_lowercase();
        match &self.unit_seen {
            _ if unit.is_empty() => {}
            None => {
                if let Some(msg) = self.unlike_the_header(unit) {
                    self.problems.push(cells.problem(i, msg));
                }
                self.unit_seen = Some((unit.to_string(), lower, cells.line));
            }
            Some((first, first_lower, first_line)) => {
                if *first_lower != lower && !self.units_reported.contains(&lower) {
                    self.problems.push(cells.problem(
                        i,
                        format!(
                            "differs from {} on line {first_line}; revcap never converts units (convert the amounts to one unit, or split the file by unit)",
                            quote(first)
                        ),
                    ));
                    self.units_reported.insert(lower);
                }
            }
        }
    }

    /// Why the first unit a unit column gives contradicts the revenue column's name
    /// (`EUR` under `Revenue ($)`, `USD bn` under `Revenue ($M)`), if it does: like two
    /// units in the column, an error (which of the two the amounts are in is not
    /// guessed). Pinned by `tests/headers.rs`,
    /// `a_unit_column_unlike_the_revenue_name_is_an_error`.
    fn unlike_the_header(&self, unit: &str) -> Option<String> {
        let Kind::Long { revenue, .. } = &self.layout.kind else {
            return None;
        };
        let column = quote(self.names.get(*revenue)?);
        let currencies = (self.layout.currency, parse::currency_of(unit));
        let scales = (self.layout.scale, super::header::scale_in_unit(unit));
        let (what, named) = match (currencies, scales) {
            ((Some(named), Some(said)), _) if named != said => ("currency", named.code().into()),
            (_, (Some(named), Some(said))) if named != said => ("scale", format!("{named}s")),
            _ => return None,
        };
        Some(format!(
            "is not the {what} ({named}) that column {column} names; revcap never converts units (make the column's name and its unit cells agree)"
        ))
    }

    /// A long file's row: one value of the scenario it names (or of the file's stem).
    fn long_row<R: Record>(
        &mut self,
        cells: &Cells<R>,
        revenue_column: usize,
        scenario: Option<usize>,
        period: Option<Period>,
        rate: Option<Decimal>,
    ) {
        let name = match scenario.map(|i| (i, cells.get(i))) {
            Some((i, "")) => {
                self.problems
                    .push(cells.problem(i, "is empty (expected a scenario name)".into()));
                // Whose row was lost is unknown: no gap is reported anywhere.
                self.groups.taint_all();
                return;
            }
            Some((_, name)) => name,
            None => self.stem,
        };
        let value = match (period, self.revenue(cells, revenue_column)) {
            (Some(period), Some(revenue)) => Some((period, revenue, rate)),
            _ => None,
        };
        self.groups.push_named(name, value, cells.line);
    }

    /// A wide file's row: one value per scenario column; a value in a column with no
    /// name is reported once per column.
    fn wide_row<R: Record>(
        &mut self,
        cells: &Cells<R>,
        scenarios: &[usize],
        unnamed: &[usize],
        period: Option<Period>,
        rate: Option<Decimal>,
    ) {
        for &i in unnamed {
            if !cells.get(i).is_empty() && !self.unnamed_reported.contains(&i) {
                let mut p = Problem::new(
                    self.origin,
                    "is in a column with no name (in a wide file every column after period names a scenario: name the column or empty it)",
                )
                .line(cells.line)
                .value(cells.get(i));
                p.field = Some(format!("column {}", i + 1));
                self.problems.push(p);
                self.unnamed_reported.insert(i);
            }
        }
        for (slot, &i) in scenarios.iter().enumerate() {
            let slot = u32::try_from(slot).unwrap_or(u32::MAX);
            // An empty cell is no value: before a scenario's first value or after its
            // last it is where its data starts or ends, between two values a hole
            // (decided by period once every row is read: `rows::Store::new`).
            if cells.get(i).is_empty() {
                match period {
                    Some(period) => self.groups.empty(slot, period, cells.line),
                    None => self.groups.taint(slot),
                }
                continue;
            }
            match (period, self.revenue(cells, i)) {
                (Some(period), Some(revenue)) => {
                    self.groups.push(slot, (period, revenue, rate), cells.line)
                }
                _ => self.groups.taint(slot),
            }
        }
    }

    /// The revenue in cell `i`, or `None` with its problem noted.
    fn revenue<R: Record>(&mut self, cells: &Cells<R>, i: usize) -> Option<Decimal> {
        // Found once: every row passes here.
        let cell = cells.get(i);
        match parse::amount_in(cell, self.style) {
            Ok(v) if v.is_sign_negative() && !v.is_zero() => {
                self.problems
                    .push(cells.problem(i, "is negative (revenue must be ≥ 0)".into()));
                None
            }
            Ok(v) => match self.decided.undecided(cell) {
                Some(msg) => {
                    self.problems.push(cells.problem(i, msg));
                    None
                }
                None => Some(v.abs()),
            },
            Err(msg) => {
                let msg = self.other_mark(cell).unwrap_or(msg);
                self.problems.push(cells.problem(i, msg));
                None
            }
        }
    }

    /// The message for a cell that is not read because it is written with the other
    /// decimal mark than the file's (docs/spec.md §2.4), or `None`.
    fn other_mark(&self, cell: &str) -> Option<String> {
        self.decided.contradicted(cell)
    }
}

/// Whether a record is a row of units (`,$B,$B`, `(USD),(billions)`), as spreadsheets
/// put under a header: every cell empty or a unit, at least one a unit besides the
/// period's. One problem for the line, not one per cell. Pinned by `tests/hostile.rs`,
/// "a row of units".
fn units_row<R: Record>(cells: &Cells<R>, period: usize) -> bool {
    let mut units = (0..cells.record.len()).filter(|&i| !cells.get(i).is_empty());
    units
        .clone()
        .all(|i| super::header::is_unit_cell(cells.get(i)))
        && units.any(|i| i != period)
}

/// The problem of a cell whose `bytes` are not UTF-8: the cell shown with U+FFFD
/// for what cannot be read, the message naming the first byte that cannot.
pub(super) fn not_utf8(p: Problem, bytes: &[u8]) -> Problem {
    let byte = bytes
        .utf8_chunks()
        .find_map(|c| c.invalid().first().copied())
        .unwrap_or_default();
    let mut p = p.value(String::from_utf8_lossy(bytes).trim());
    p.message = format!("is not valid UTF-8 text (byte 0x{byte:02X}; save the file as UTF-8 CSV)");
    p
}
