//! Scenario files (SPEC §2): long and wide CSV from any `Read` into validated,
//! sorted [`Scenario`]s, collecting every problem rather than stopping at the first.
//!
//! Numbers are read as strings and parsed by `parse` (csv + serde would route them
//! through `f64`); columns are found by header name so every message can name its
//! column, and lines come from each record's position (`lines`).
//!
//! Reading gives a [`Loaded`] file: its values in a compact store (`rows`), not yet
//! scenarios. `run` takes all its scenarios at once; `validate` and `compare` take them
//! a batch at a time, so a file of millions of values never exists as scenarios all at
//! once. A large regular file is read as two halves on two cores ([`read_file`]).

mod lines;
mod open;
mod rows;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek};
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::error::{quote, Problem, Problems};
use crate::model::{Period, PeriodInput, Scenario};
use crate::parse;
use lines::{Counting, LineIndex, Lines};
pub use open::{load_all, open, open_all, Opened};
use rows::{Groups, Later, Store};

/// Columns a wide file may carry besides scenarios; they are ignored like extra
/// columns in a long file.
const ANNOTATION_COLUMNS: &[&str] = &["note", "notes", "source", "sources", "comment", "comments"];

/// Columns that say which unit the amounts are in. revcap never converts units: such a
/// column is ignored when every row agrees, and an error when rows differ.
const UNIT_COLUMNS: &[&str] = &["unit", "units", "currency"];

/// The largest input read. Lines are counted as the bytes stream past, so the file is
/// never held whole; this guards against a file whose single record would have to be
/// (csv keeps one record in memory), and against feeding revcap a disk image.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// The most values (one scenario's revenue in one period) one file may hold. Each
/// takes 16 bytes once read (`rows::Row`; about 40 more for a row with its own rate
/// or a revenue too large to store inline) and a few hundred once computed for `run`,
/// so this, not the file size, bounds memory. 100,000 scenarios of five years of
/// months are 6 million.
pub const MAX_VALUES: usize = 10_000_000;

/// Files at least this large are read as two halves on two cores ([`read_file`]).
const SPLIT_FROM: u64 = 16 << 20;

/// How much one file may hold.
#[derive(Debug, Clone, Copy)]
struct Limits {
    bytes: u64,
    values: usize,
    scenarios: usize,
}

const LIMITS: Limits = Limits {
    bytes: MAX_INPUT_BYTES,
    values: MAX_VALUES,
    scenarios: rows::MAX_SCENARIOS,
};

/// The message for an input over [`MAX_INPUT_BYTES`]; `bytes` is its size when known.
pub fn too_large(bytes: Option<u64>) -> String {
    let size = bytes.map_or_else(|| "more than 1 GiB".to_string(), |b| format!("{b} bytes"));
    format!(
        "is too large ({size}; revcap takes at most 1 GiB per file: split it into several files, e.g. one per scenario)"
    )
}

/// Reads one CSV file into scenarios. `origin` names it in messages
/// (`scenarios/base.csv`, `-`); `stem` names its scenario when a long file has no
/// `scenario` column.
///
/// Every problem is found, but only the first [`crate::error::MAX_LISTED`] are kept in
/// full; the rest are counted in a closing [`Problem::omitted`] line.
pub fn load<R: Read>(reader: R, origin: &str, stem: &str) -> Result<Vec<Scenario>, Vec<Problem>> {
    read(reader, origin, stem)?.into_scenarios()
}

/// Reads one CSV file, leaving its scenarios to be taken from the [`Loaded`] file.
/// An `Err` is a file that cannot be read at all (no header, over the limits); the
/// problems of single rows and scenarios come from the `Loaded` file.
pub fn read<R: Read>(reader: R, origin: &str, stem: &str) -> Result<Loaded, Vec<Problem>> {
    read_limited(reader, origin, stem, LIMITS)
}

fn read_limited<R: Read>(
    reader: R,
    origin: &str,
    stem: &str,
    limits: Limits,
) -> Result<Loaded, Vec<Problem>> {
    let part = read_part(reader, origin, stem, limits, Stretch::Whole)?;
    Ok(Loaded::new(origin, part.groups, part.problems, None))
}

/// Reads a regular file of `size` bytes, like [`read`] but on two cores when it is
/// large: the header is read first, the file is cut at the first line end after its
/// middle, and each half is read on its own core; the second half's scenarios, lines
/// and problems are then placed after the first's, as one read would have placed them.
///
/// Only what can be cut safely is: a long file without a unit column (a unit is
/// checked across the whole file), whose header ends within its first MiB (read ahead
/// for the second half), and whose first half holds no `"` (a quoted value may hold a
/// line end, so a line end may not end a record). Anything else, or a half that stops
/// (a quote, a limit: the other half then stops too), is read in one go, which gives
/// the messages a whole read gives.
/// Pinned by `tests::halves_read_like_the_whole`.
pub fn read_file(
    path: &Path,
    origin: &str,
    stem: &str,
    size: u64,
    bar: &indicatif::ProgressBar,
) -> Result<Loaded, Vec<Problem>> {
    // One core reads the halves one after the other: no faster than reading once.
    let split_from = if rayon::current_num_threads() > 1 {
        SPLIT_FROM
    } else {
        u64::MAX
    };
    read_file_from(path, origin, stem, size, bar, split_from)
}

fn read_file_from(
    path: &Path,
    origin: &str,
    stem: &str,
    size: u64,
    bar: &indicatif::ProgressBar,
    split_from: u64,
) -> Result<Loaded, Vec<Problem>> {
    let cannot_read = |e: std::io::Error| vec![Problem::new(origin, format!("cannot read: {e}"))];
    if size >= split_from {
        if let Some(loaded) = read_halves(path, origin, stem, size, bar).map_err(cannot_read)? {
            return Ok(loaded);
        }
        bar.set_position(0);
    }
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    read_limited(bar.wrap_read(file), origin, stem, LIMITS)
}

/// [`read_file`] on two cores, or `None` when the file is not to be cut.
fn read_halves(
    path: &Path,
    origin: &str,
    stem: &str,
    size: u64,
    bar: &indicatif::ProgressBar,
) -> std::io::Result<Option<Loaded>> {
    use std::fs::File;
    // The header, from the first MiB, for the second half's layout; a header that
    // does not end within it would be cut short there.
    const WINDOW: u64 = 1 << 20;
    let header = {
        let index = Rc::new(RefCell::new(LineIndex::default()));
        let mut lines = Lines(Rc::clone(&index));
        let mut rdr = csv_reader(Counting {
            inner: File::open(path)?.take(WINDOW),
            index,
        });
        match read_header(&mut rdr, &mut lines, origin, u64::MAX) {
            Ok(h) if h.end < WINDOW => h,
            _ => return Ok(None),
        }
    };
    let splittable =
        matches!(header.layout.kind, Kind::Long { .. }) && header.layout.unit.is_none();
    if !splittable {
        return Ok(None);
    }
    let middle = size / 2;
    let split = {
        let mut f = File::open(path)?;
        f.seek(std::io::SeekFrom::Start(middle))?;
        let mut window = Vec::with_capacity(1 << 16);
        f.take(1 << 16).read_to_end(&mut window)?;
        match memchr::memchr(b'\n', &window) {
            Some(i) => middle + i as u64 + 1,
            None => return Ok(None),
        }
    };
    if split >= size || split <= header.end {
        return Ok(None);
    }
    // Set when one half stops (a quote in the first, a limit in either): the other
    // then stops too, and the file is read in one go.
    let stop = AtomicBool::new(false);
    let gave_up = |part: Result<Part, Vec<Problem>>| {
        if part.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        part
    };
    let (first, later) = rayon::join(
        || -> std::io::Result<_> {
            let f = File::open(path)?.take(split);
            let stretch = Stretch::First(&stop);
            Ok(gave_up(read_part(
                bar.wrap_read(f),
                origin,
                stem,
                LIMITS,
                stretch,
            )))
        },
        || -> std::io::Result<_> {
            let mut f = File::open(path)?;
            f.seek(std::io::SeekFrom::Start(split))?;
            let f = f.take(size - split);
            let stretch = Stretch::Later(&header, &stop);
            Ok(gave_up(read_part(
                bar.wrap_read(f),
                origin,
                stem,
                LIMITS,
                stretch,
            )))
        },
    );
    let (Ok(first), Ok(later)) = (first?, later?) else {
        return Ok(None);
    };
    let scenarios = first.groups.names.len() + later.groups.names.len();
    let values = first.groups.values.saturating_add(later.groups.values);
    if first.quoted || values > LIMITS.values || scenarios > LIMITS.scenarios {
        return Ok(None);
    }
    let mut problems = first.problems;
    for mut p in later.problems.into_vec() {
        p.line = p.line.map(|l| l.saturating_add(first.lines));
        problems.push(p);
    }
    let later = Later {
        groups: later.groups,
        line_offset: first.lines,
    };
    Ok(Some(Loaded::new(
        origin,
        first.groups,
        problems,
        Some(later),
    )))
}

/// A file read: its values, grouped by scenario, and the problems of its rows. Its
/// scenarios are taken in batches of consecutive ones ([`Loaded::next_batch`]), each
/// sorted and checked (SPEC §2) as it is taken.
pub struct Loaded {
    origin: String,
    store: Store,
    /// Problems of single rows, in line order.
    problems: Vec<Problem>,
    next: usize,
}

impl Loaded {
    fn new(origin: &str, groups: Groups, mut problems: Problems, later: Option<Later>) -> Loaded {
        let values = groups
            .values
            .saturating_add(later.as_ref().map_or(0, |l| l.groups.values));
        if values == 0 && problems.is_empty() {
            problems.push(Problem::new(origin, "has a header but no data rows"));
        }
        Loaded {
            origin: origin.to_string(),
            store: Store::new(groups, later),
            problems: problems.into_vec(),
            next: 0,
        }
    }

    /// The file as given (`scenarios/base.csv`, `-`).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Every scenario's name, in order of first appearance (including scenarios
    /// whose every value was wrong).
    pub fn names(&self) -> &[String] {
        self.store.names()
    }

    /// The problems of single rows; taken once.
    pub fn take_problems(&mut self) -> Vec<Problem> {
        std::mem::take(&mut self.problems)
    }

    /// The next batch of scenarios, sorted and checked on every core, and the
    /// problems of those that break SPEC §2's rules; `None` after the last.
    pub fn next_batch(&mut self) -> Option<(Vec<Scenario>, Vec<Problem>)> {
        if self.next >= self.store.batch_count() {
            return None;
        }
        let batch = self.store.take_batch(self.next);
        self.next += 1;
        let origin = self.origin.as_str();
        let checked: Vec<(String, Checked)> = batch
            .into_par_iter()
            .map(|(name, periods, check_gaps)| {
                let checked = check_periods(origin, &name, periods, check_gaps);
                (name, checked)
            })
            .collect();
        let mut scenarios = Vec::with_capacity(checked.len());
        let mut problems = Vec::new();
        for (name, checked) in checked {
            match checked {
                Ok(periods) => scenarios.push(Scenario {
                    name,
                    source: self.origin.clone(),
                    periods,
                }),
                Err(p) => problems.extend(p),
            }
        }
        Some((scenarios, problems))
    }

    /// All scenarios, or every problem of the file (rows first, then scenarios).
    pub fn into_scenarios(mut self) -> Result<Vec<Scenario>, Vec<Problem>> {
        let mut problems = Problems::new();
        problems.extend(self.take_problems());
        let mut scenarios = Vec::new();
        while let Some((mut s, p)) = self.next_batch() {
            scenarios.append(&mut s);
            problems.extend(p);
        }
        if problems.is_empty() {
            Ok(scenarios)
        } else {
            Err(problems.into_vec())
        }
    }
}

fn csv_reader<R: Read>(reader: R) -> csv::Reader<R> {
    // No `Trim::All`: it rebuilds every record; the cells used are trimmed instead.
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(reader)
}

/// A file's header: its column names and what they say.
struct Header {
    names: Vec<String>,
    layout: Layout,
    /// The byte offset after the header row.
    end: u64,
}

/// The header is the first row with something in it (csv skips empty lines, but not
/// lines of spaces or of commas).
fn read_header<R: Read>(
    rdr: &mut csv::Reader<R>,
    lines: &mut Lines,
    origin: &str,
    max_bytes: u64,
) -> Result<Header, Vec<Problem>> {
    let problem = |msg: &str| Problem::new(origin, msg);
    let mut record = csv::StringRecord::new();
    let header = loop {
        match rdr.read_record(&mut record) {
            Ok(false) => {
                if lines.bytes_read() > max_bytes {
                    return Err(vec![problem(&too_large(None))]);
                }
                return Err(vec![problem(
                    "is empty (expected a header row with a \"period\" column)",
                )]);
            }
            Err(e) => return Err(vec![csv_problem(origin, &e, lines)]),
            Ok(true)
                if record
                    .iter()
                    .all(|c| c.trim().trim_start_matches('\u{feff}').trim().is_empty()) => {}
            Ok(true) => break record,
        }
    };
    let line = header.position().map_or(1, |p| lines.of(p));
    let names: Vec<String> = header
        .iter()
        .enumerate()
        // A UTF-8 byte-order mark is not whitespace, so csv's trim keeps it.
        .map(|(i, h)| {
            if i == 0 {
                h.trim().trim_start_matches('\u{feff}').trim().to_string()
            } else {
                h.trim().to_string()
            }
        })
        .collect();
    match Layout::from_header(&names) {
        Ok(layout) => Ok(Header {
            names,
            layout,
            end: rdr.position().byte(),
        }),
        Err((msg, value)) => {
            let p = problem(&msg).line(line);
            Err(vec![match value {
                Some(v) => p.value(&v),
                None => p,
            }])
        }
    }
}

/// What reading one stretch of a file gave.
struct Part {
    groups: Groups,
    problems: Problems,
    /// Line ends read (the next stretch starts on line `lines + 1`).
    lines: u64,
    /// A `"` was read.
    quoted: bool,
}

/// Which stretch of a file a reader reads.
#[derive(Clone, Copy)]
enum Stretch<'a> {
    /// The whole file.
    Whole,
    /// The first half (header included): gives up at the first `"`, or when `stop`
    /// is set.
    First(&'a AtomicBool),
    /// A later half, from a line start after the file's header; lines are counted
    /// from the stretch's start. Gives up when `stop` is set.
    Later(&'a Header, &'a AtomicBool),
}

/// Reads a stretch of a file. `Err` stops the file: no header, over a limit, or (with
/// no problem in it) a half that gave up.
fn read_part<R: Read>(
    reader: R,
    origin: &str,
    stem: &str,
    limits: Limits,
    stretch: Stretch,
) -> Result<Part, Vec<Problem>> {
    let max_bytes = limits.bytes;
    // Read no more than the limit (plus one byte, to tell "at the limit" from "over
    // it"), counting lines as the bytes stream past (see `lines::Counting`).
    let index = Rc::new(RefCell::new(LineIndex::default()));
    let counting = Counting {
        inner: reader.take(max_bytes.saturating_add(1)),
        index: Rc::clone(&index),
    };
    let mut lines = Lines(index);
    let mut rdr = csv_reader(counting);
    let read;
    let header = match stretch {
        Stretch::Later(h, _) => h,
        Stretch::Whole | Stretch::First(_) => {
            read = read_header(&mut rdr, &mut lines, origin, max_bytes)?;
            &read
        }
    };
    let mut rows = RowReader {
        origin,
        stem,
        names: &header.names,
        layout: &header.layout,
        unit_seen: None,
        units_reported: HashSet::new(),
        unnamed_reported: HashSet::new(),
        groups: Groups::default(),
        problems: Problems::new(),
    };
    if let Kind::Wide { scenarios, .. } = &header.layout.kind {
        // One group per scenario column, in column order, found by position.
        for &i in scenarios {
            rows.groups
                .add_column(header.names.get(i).cloned().unwrap_or_default());
        }
    }
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                rows.problems.push(csv_problem(origin, &e, &mut lines));
                rows.groups.all_tainted = true;
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        match stretch {
            Stretch::First(stop) if lines.quoted() => {
                stop.store(true, Ordering::Relaxed);
                return Err(Vec::new());
            }
            Stretch::First(stop) | Stretch::Later(_, stop) if stop.load(Ordering::Relaxed) => {
                return Err(Vec::new());
            }
            _ => {}
        }
        let line = record.position().map_or(0, |p| lines.of(p));
        rows.row(&record, line);
        if rows.groups.names.len() > limits.scenarios {
            return Err(vec![too_many_scenarios(origin, limits)]);
        }
        if rows.groups.values > limits.values {
            rows.problems.push(
                Problem::new(origin, format!(
                    "has more than {} values (a scenario's revenue in a period is one value; revcap keeps them all in memory: split the file)",
                    limits.values
                ))
                .line(line),
            );
            return Err(rows.problems.into_vec());
        }
    }
    if lines.bytes_read() > max_bytes {
        return Err(vec![Problem::new(origin, too_large(None))]);
    }
    rows.groups.flush();
    if rows.groups.names.len() > limits.scenarios {
        return Err(vec![too_many_scenarios(origin, limits)]);
    }
    Ok(Part {
        groups: rows.groups,
        problems: rows.problems,
        lines: lines.ends_read(),
        quoted: lines.quoted(),
    })
}

/// `str::trim`, with a shortcut for the common cell that starts and ends with a
/// printable ASCII character (Unicode whitespace is never ASCII beyond the ASCII
/// whitespace checked here).
fn trim(cell: &str) -> &str {
    let b = cell.as_bytes();
    let plain = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_graphic());
    if plain(b.first()) && plain(b.last()) {
        cell
    } else {
        cell.trim()
    }
}

/// Scenarios are numbered in 24 bits while loading ([`rows::MAX_SCENARIOS`]).
fn too_many_scenarios(origin: &str, limits: Limits) -> Problem {
    Problem::new(
        origin,
        format!(
            "has more than {} scenarios (revcap reads at most that many per file: split the file)",
            limits.scenarios
        ),
    )
}

/// Turns data rows into grouped values and problems.
struct RowReader<'a> {
    origin: &'a str,
    stem: &'a str,
    names: &'a [String],
    layout: &'a Layout,
    /// The first unit seen (as written, lowercased, line) and the units already reported.
    unit_seen: Option<(String, String, u64)>,
    units_reported: HashSet<String>,
    unnamed_reported: HashSet<usize>,
    groups: Groups,
    problems: Problems,
}

impl RowReader<'_> {
    fn row(&mut self, record: &csv::StringRecord, line: u64) {
        let (origin, names, layout) = (self.origin, self.names, self.layout);
        let problem = |msg: &str| Problem::new(origin, msg);
        // Spreadsheets export blank rows as a line of commas; they carry nothing.
        if record.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        // Fewer fields is fine: hand-edited files often leave trailing empty cells
        // out, and a missing required cell is reported as empty below. More fields
        // than names means the row does not line up with the header.
        if record.len() > names.len() {
            self.problems.push(
                problem(&format!(
                    "has {} fields, but the header has {} (a stray or missing comma? quote values containing commas)",
                    record.len(),
                    names.len()
                ))
                .line(line),
            );
            self.groups.all_tainted = true;
            return;
        }
        let cell = |i: usize| record.get(i).map_or("", trim);
        let at = |i: usize, msg: String| {
            problem(&msg)
                .line(line)
                .column(names.get(i).map_or("", String::as_str))
                .value(cell(i))
        };
        let problems = &mut self.problems;
        if let Some(i) = layout.unit {
            let unit = cell(i);
            let lower = unit.to_lowercase();
            match &self.unit_seen {
                _ if unit.is_empty() => {}
                None => self.unit_seen = Some((unit.to_string(), lower, line)),
                Some((first, first_lower, first_line)) => {
                    if *first_lower != lower && !self.units_reported.contains(&lower) {
                        problems.push(at(
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
        let period = match parse::period(cell(layout.period)) {
            Ok(p) => Some(p),
            Err(msg) => {
                problems.push(at(layout.period, msg));
                None
            }
        };
        let rate = match layout.rate {
            Some(i) if !cell(i).is_empty() => match parse::rate(cell(i)) {
                Ok(r) => Some(r),
                Err(msg) => {
                    problems.push(at(i, msg));
                    None
                }
            },
            _ => None,
        };
        let revenue = |i: usize, problems: &mut Problems| -> Option<Decimal> {
            match parse::amount(cell(i)) {
                Ok(v) if v.is_sign_negative() && !v.is_zero() => {
                    problems.push(at(i, "is negative (revenue must be ≥ 0)".into()));
                    None
                }
                Ok(v) => Some(v.abs()),
                Err(msg) => {
                    problems.push(at(i, msg));
                    None
                }
            }
        };
        let groups = &mut self.groups;
        match &layout.kind {
            Kind::Long {
                revenue: rev_col,
                scenario,
            } => {
                let name = match scenario {
                    Some(i) if cell(*i).is_empty() => {
                        problems.push(at(*i, "is empty (expected a scenario name)".into()));
                        // Whose row was lost is unknown: no gap is reported anywhere.
                        groups.all_tainted = true;
                        return;
                    }
                    Some(i) => cell(*i),
                    None => self.stem,
                };
                let value = match (period, revenue(*rev_col, problems)) {
                    (Some(period), Some(revenue)) => Some((period, revenue, rate)),
                    _ => None,
                };
                groups.push_named(name, value, line);
            }
            Kind::Wide { scenarios, unnamed } => {
                for &i in unnamed {
                    if !cell(i).is_empty() && !self.unnamed_reported.contains(&i) {
                        let mut p = problem(
                            "is in a column with no name (in a wide file every column after period names a scenario: name the column or empty it)",
                        )
                        .line(line)
                        .value(cell(i));
                        p.field = Some(format!("column {}", i + 1));
                        problems.push(p);
                        self.unnamed_reported.insert(i);
                    }
                }
                for (slot, &i) in scenarios.iter().enumerate() {
                    let slot = u32::try_from(slot).unwrap_or(u32::MAX);
                    let revenue = revenue(i, problems);
                    match (period, revenue) {
                        (Some(period), Some(revenue)) => {
                            groups.push(slot, period, revenue, rate, line)
                        }
                        _ => groups.taint(slot),
                    }
                }
            }
        }
    }
}

/// Which column holds what.
struct Layout {
    period: usize,
    rate: Option<usize>,
    /// A `unit`, `units` or `currency` column, checked for one unit throughout.
    unit: Option<usize>,
    kind: Kind,
}

enum Kind {
    Long {
        revenue: usize,
        scenario: Option<usize>,
    },
    Wide {
        scenarios: Vec<usize>,
        /// Columns with an empty header cell: fine while empty, an error with a value.
        unnamed: Vec<usize>,
    },
}

impl Layout {
    /// The layout a header gives, or what is wrong with it and the offending text.
    fn from_header(names: &[String]) -> Result<Layout, (String, Option<String>)> {
        if !names.iter().any(|n| n.eq_ignore_ascii_case("period")) {
            return Err(no_period(names));
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        // Columns without a name are ignored in a long file (spreadsheets export
        // trailing empty columns) and checked for values in a wide one.
        for (i, name) in names.iter().enumerate().filter(|(_, n)| !n.is_empty()) {
            if let Some(first) = seen.insert(name.to_lowercase(), i) {
                return Err((
                    format!(
                        "header has column {} twice (columns {} and {}); names must be unique",
                        quote(name),
                        first + 1,
                        i + 1
                    ),
                    None,
                ));
            }
        }
        let find = |n: &str| seen.get(n).copied();
        let Some(period) = find("period") else {
            return Err(no_period(names));
        };
        let rate = find("rate");
        let unit = UNIT_COLUMNS.iter().find_map(|n| find(n));
        let kind = match (find("revenue"), find("scenario")) {
            (Some(revenue), scenario) => Kind::Long { revenue, scenario },
            (None, Some(_)) => {
                return Err(("has a \"scenario\" column but no \"revenue\" column (a long file needs both period and revenue)".into(), None))
            }
            (None, None) => {
                let mut scenarios = Vec::new();
                let mut unnamed = Vec::new();
                for (i, name) in names.iter().enumerate() {
                    let lower = name.to_lowercase();
                    if i == period
                        || Some(i) == rate
                        || ANNOTATION_COLUMNS.contains(&lower.as_str())
                        || UNIT_COLUMNS.contains(&lower.as_str())
                    {
                        continue;
                    }
                    if name.is_empty() {
                        unnamed.push(i);
                    } else {
                        scenarios.push(i);
                    }
                }
                if scenarios.is_empty() {
                    return Err(("has no \"revenue\" column and no scenario columns (expected period,revenue or period,base,bull,...)".into(), None));
                }
                Kind::Wide { scenarios, unnamed }
            }
        };
        Ok(Layout {
            period,
            rate,
            unit,
            kind,
        })
    }
}

/// What to say about a first row without a `period` column: a header separated by
/// semicolons or tabs (a spreadsheet's regional CSV), a title row above the header, or
/// simply the columns found.
fn no_period(names: &[String]) -> (String, Option<String>) {
    const RESAVE: &str =
        "revcap reads comma-separated CSV (save as \"CSV UTF-8 (comma delimited)\")";
    for (sep, what) in [(';', "semicolons"), ('\t', "tabs")] {
        if let Some(cell) = names.iter().find(|n| {
            n.split(sep)
                .any(|part| part.trim().eq_ignore_ascii_case("period"))
        }) {
            return (
                format!("separates columns with {what}; {RESAVE}"),
                Some(cell.clone()),
            );
        }
    }
    let mut filled = names.iter().filter(|n| !n.is_empty());
    if let (Some(only), None) = (filled.next(), filled.next()) {
        let known = ["revenue", "scenario", "rate"]
            .iter()
            .chain(UNIT_COLUMNS)
            .chain(ANNOTATION_COLUMNS);
        if !known.clone().any(|k| only.eq_ignore_ascii_case(k)) {
            return (
                "looks like a title: the first row must be the header; remove the title row above it".into(),
                Some(only.clone()),
            );
        }
    }
    // A header of a million columns must not make a message of megabytes.
    const SHOWN: usize = 10;
    let mut found: Vec<String> = names.iter().take(SHOWN).map(|n| quote(n)).collect();
    if names.len() > SHOWN {
        found.push(format!("and {} more", names.len() - SHOWN));
    }
    (
        format!(
            "has no \"period\" column (found {}; expected e.g. period,revenue or period,base,bull)",
            found.join(", ")
        ),
        None,
    )
}

/// A scenario's periods, sorted, or what is wrong with them.
type Checked = Result<Vec<PeriodInput>, Vec<Problem>>;

/// Sorts a scenario's periods and checks SPEC §2's rules: one granularity, no
/// repeats, no gaps; the problems found when some rule is broken.
fn check_periods(
    origin: &str,
    name: &str,
    mut periods: Vec<PeriodInput>,
    check_gaps: bool,
) -> Checked {
    let mut problems = Vec::new();
    let Some(first) = periods.first() else {
        return Ok(periods);
    };
    let (granularity, first_line) = (first.period.granularity(), first.line);
    let at = |p: &PeriodInput| {
        Problem::new(origin, "")
            .line(p.line)
            .column("period")
            .value(&p.period.to_string())
    };
    periods.retain(|p| {
        if p.period.granularity() == granularity {
            return true;
        }
        let mut pr = at(p);
        pr.message = format!(
            "is a {}, but scenario {} uses {}s (line {first_line}); one scenario has one granularity",
            p.period.granularity(),
            quote(name),
            granularity
        );
        problems.push(pr);
        false
    });
    periods.sort_by_key(|p| p.period);
    for pair in periods.windows(2) {
        let [a, b] = pair else {
            continue;
        };
        if a.period == b.period {
            let (first, again) = if a.line <= b.line { (a, b) } else { (b, a) };
            let mut pr = at(again);
            pr.message = format!(
                "repeats line {} for scenario {}; each period appears once",
                first.line,
                quote(name)
            );
            problems.push(pr);
        } else if check_gaps && a.period.next() != Some(b.period) {
            let mut pr = at(b);
            pr.message = format!(
                "leaves a gap in scenario {}: {} is missing after {} (line {})",
                quote(name),
                missing(a.period, b.period),
                a.period,
                a.line
            );
            problems.push(pr);
        }
    }
    if problems.is_empty() {
        Ok(periods)
    } else {
        Err(problems)
    }
}

/// `2028`, or `2028 to 2029` when several periods are missing.
fn missing(before: Period, after: Period) -> String {
    let Some(first) = before.next() else {
        return String::new();
    };
    let mut last = first;
    let mut steps = 0;
    while let Some(n) = last.next() {
        if n >= after || steps > 10_000 {
            break;
        }
        last = n;
        steps += 1;
    }
    if first == last {
        first.to_string()
    } else {
        format!("{first} to {last}")
    }
}

fn csv_problem(origin: &str, e: &csv::Error, lines: &mut Lines) -> Problem {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(s: &str) -> Result<Vec<Scenario>, Vec<Problem>> {
        load(s.as_bytes(), "t.csv", "t")
    }
    fn messages(s: &str) -> Vec<String> {
        load_str(s)
            .unwrap_err()
            .iter()
            .map(Problem::to_string)
            .collect()
    }

    #[test]
    fn long_file_with_bom_crlf_spaces_and_any_order() {
        let s = load_str(
            "\u{feff}Period , REVENUE,note\r\n2028, 3B ,x\r\n2026,\"$1,000\",\r\n2027,\"2,000\",y\r\n",
        )
        .unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].name, "t");
        let got: Vec<String> = s[0]
            .periods
            .iter()
            .map(|p| format!("{} {}", p.period, p.revenue))
            .collect();
        assert_eq!(got, ["2026 1000", "2027 2000", "2028 3000000000"]);
        // Lines are those of the file (the header is line 1).
        assert_eq!(s[0].periods[0].line, 3);
    }

    #[test]
    fn long_file_with_scenarios_and_rates() {
        let s = load_str(
            "scenario,period,revenue,rate\nb,2027-Q1,1,\na,2027Q1,2,15%\nb,2027Q2,3,0.1\n",
        )
        .unwrap();
        assert_eq!(
            s.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["b", "a"]
        );
        assert_eq!(s[0].periods[1].rate, Some(Decimal::new(1, 1)));
        assert_eq!(s[1].periods[0].rate, Some(Decimal::new(15, 2)));
    }

    #[test]
    fn wide_file_one_scenario_per_column() {
        let s = load_str("period,base,bull,note\n2027-01,1,2,n\n2027-02,3,4,\n").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].name, "bull");
        assert_eq!(s[1].periods[1].revenue, Decimal::from(4));
    }

    #[test]
    fn every_problem_is_reported_with_line_column_and_value() {
        let m = messages("period,revenue\n2026,12..7\n2027,-5\nabc,1\n");
        assert_eq!(
            m,
            [
                r#"t.csv: line 2, column "revenue": "12..7" is not a number (expected e.g. 12700000000, 12.7B or "$12,700,000,000")"#,
                r#"t.csv: line 3, column "revenue": "-5" is negative (revenue must be ≥ 0)"#,
                r#"t.csv: line 4, column "period": "abc" is not a period (expected a year 2027, a quarter 2027Q3 or 2027-Q3, or a month 2027-03)"#,
            ]
        );
    }

    #[test]
    fn period_rules_gap_repeat_granularity() {
        assert_eq!(
            messages("period,revenue\n2026,1\n2029,1\n"),
            [
                r#"t.csv: line 3, column "period": "2029" leaves a gap in scenario "t": 2027 to 2028 is missing after 2026 (line 2)"#
            ]
        );
        assert_eq!(
            messages("period,revenue\n2026,1\n2026,2\n"),
            [
                r#"t.csv: line 3, column "period": "2026" repeats line 2 for scenario "t"; each period appears once"#
            ]
        );
        assert_eq!(
            messages("period,revenue\n2026,1\n2027Q1,2\n"),
            [
                r#"t.csv: line 3, column "period": "2027Q1" is a quarter, but scenario "t" uses years (line 2); one scenario has one granularity"#
            ]
        );
    }

    /// The first row in file order sets a scenario's granularity; rows of another
    /// are reported against it, in file order, and the rest is still checked for
    /// repeats and gaps (a regression: rows were once sorted before this check).
    #[test]
    fn mixed_granularity_is_judged_by_the_first_row() {
        assert_eq!(
            messages("period,revenue\n2026,1\n2026-01,2\n2027,3\n2026,4\n2030,5\n2026Q2,6\n"),
            [
                r#"t.csv: line 3, column "period": "2026-01" is a month, but scenario "t" uses years (line 2); one scenario has one granularity"#,
                r#"t.csv: line 7, column "period": "2026Q2" is a quarter, but scenario "t" uses years (line 2); one scenario has one granularity"#,
                r#"t.csv: line 5, column "period": "2026" repeats line 2 for scenario "t"; each period appears once"#,
                r#"t.csv: line 6, column "period": "2030" leaves a gap in scenario "t": 2028 to 2029 is missing after 2027 (line 4)"#,
            ]
        );
        assert_eq!(
            messages("period,revenue\n2027-01,1\n2026,2\n"),
            [
                r#"t.csv: line 3, column "period": "2026" is a year, but scenario "t" uses months (line 2); one scenario has one granularity"#
            ]
        );
    }

    #[test]
    fn header_problems() {
        assert_eq!(
            messages(""),
            [r#"t.csv: is empty (expected a header row with a "period" column)"#]
        );
        assert!(messages("year,revenue\n2026,1\n")[0].contains(r#"has no "period" column"#));
        assert!(messages("period,revenue,Revenue\n")[0].contains("twice"));
        assert_eq!(
            messages("period,revenue\n"),
            ["t.csv: has a header but no data rows"]
        );
        assert!(
            messages("period,revenue\n2026,1,2\n")[0].starts_with("t.csv: line 2: has 3 fields")
        );
    }

    // Regression: csv's `Position::line` reported CRLF rows one line early and
    // ignored skipped blank lines and CR-only line ends (rust-csv #395).
    #[test]
    fn lines_are_right_with_crlf_cr_and_blank_lines() {
        for text in [
            "period,revenue\n2026,1\n\n\n2027,x\n",
            "period,revenue\r\n2026,1\r\n\r\n\r\n2027,x\r\n",
            "period,revenue\r2026,1\r\r\r2027,x\r",
            "\n\nperiod,revenue\n2026,1\n2027,x",
        ] {
            let m = messages(text);
            assert_eq!(m.len(), 1, "{text:?}");
            assert!(
                m[0].starts_with("t.csv: line 5, column \"revenue\": \"x\""),
                "{text:?}: {m:?}"
            );
        }
        // A quoted field spanning lines counts its line breaks.
        let m = messages("period,revenue\r\n2025,\"1\r\n0\"\r\n2026,x\r\n");
        assert!(m[1].starts_with("t.csv: line 4,"), "{m:?}");
    }

    #[test]
    fn crlf_and_cr_files_report_true_lines() {
        for eol in ["\r\n", "\r", "\n"] {
            let text = ["period,revenue", "2026,1", "2027,x", ""].join(eol);
            let e = load(text.as_bytes(), "t.csv", "t").unwrap_err();
            assert_eq!(e[0].line, Some(3), "line ending {eol:?}");
        }
        // A CR LF split across two reads still counts as one line end.
        let reader = std::io::Read::chain(&b"period,revenue\r"[..], &b"\n2026,x\r\n"[..]);
        assert_eq!(load(reader, "t.csv", "t").unwrap_err()[0].line, Some(2));
    }

    #[test]
    fn a_unit_column_must_hold_one_unit() {
        // Agreeing rows (any case, blanks allowed): ignored like a note, in both layouts.
        let s = load_str("period,revenue,unit\n2026,1,USD\n2027,2,usd\n2028,3,\n").unwrap();
        assert_eq!(s[0].periods.len(), 3);
        let s = load_str("period,currency,base,bull\n2026,EUR,1,2\n").unwrap();
        assert_eq!(
            s.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["base", "bull"]
        );
        // Each other unit is reported once, at its first row.
        assert_eq!(
            messages("period,revenue,units\n2026,1,USD\n2027,2,EUR\n2028,3,EUR\n2029,4,GBP\n"),
            [
                r#"t.csv: line 3, column "units": "EUR" differs from "USD" on line 2; revcap never converts units (convert the amounts to one unit, or split the file by unit)"#,
                r#"t.csv: line 5, column "units": "GBP" differs from "USD" on line 2; revcap never converts units (convert the amounts to one unit, or split the file by unit)"#,
            ]
        );
    }

    // Regression: the units and unnamed columns already reported were kept in lists
    // searched for every row, quadratic in a file of many distinct units or many
    // unnamed columns (seconds to hours); now sets.
    #[test]
    fn many_units_or_unnamed_columns_stay_linear() {
        let start = std::time::Instant::now();
        let mut text = String::from("period,revenue,unit\n");
        for m in 0..40_000 {
            text.push_str(&format!("{:04}-{:02},1,U{m}\n", 1000 + m / 12, m % 12 + 1));
        }
        let e = load_str(&text).unwrap_err();
        assert_eq!(e.iter().map(Problem::count).sum::<u64>(), 39_999);
        let mut text = format!("period,base{}\n", ",".repeat(20_000));
        for y in 2000..2020 {
            text.push_str(&format!("{y},1{}\n", ",7".repeat(20_000)));
        }
        let e = load_str(&text).unwrap_err();
        assert_eq!(e.iter().map(Problem::count).sum::<u64>(), 20_000);
        assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
    }

    #[test]
    fn spreadsheet_headers_title_rows_and_separators() {
        let title = r#"t.csv: line 1: "Revenue (USD bn)" looks like a title: the first row must be the header; remove the title row above it"#;
        assert_eq!(
            messages("Revenue (USD bn)\nperiod,revenue\n2026,1\n"),
            [title]
        );
        // Exported with the table's width of empty cells.
        assert_eq!(
            messages("Revenue (USD bn),,\nperiod,revenue\n2026,1\n"),
            [title]
        );
        assert_eq!(
            messages("period;revenue\n2026;12,7\n"),
            [
                r#"t.csv: line 1: "period;revenue" separates columns with semicolons; revcap reads comma-separated CSV (save as "CSV UTF-8 (comma delimited)")"#
            ]
        );
        assert!(messages("period\trevenue\n")[0].contains("separates columns with tabs"));
        // A lone known column name is not mistaken for a title.
        assert!(messages("revenue\n1\n")[0].contains(r#"has no "period" column"#));
        // Lines of spaces or commas before the header are skipped like blank lines.
        let s = load_str("  \n,,\nperiod,revenue\n2026,1\n2027,x\n").unwrap_err();
        assert_eq!(s[0].line, Some(5));
        assert_eq!(
            messages(" \n , \n"),
            [r#"t.csv: is empty (expected a header row with a "period" column)"#]
        );
        // Unnamed columns: ignored in a long file, an error in a wide one only with a value.
        assert!(load_str("period,revenue,,\n2026,1,,\n2027,1,x,\n").is_ok());
        assert_eq!(
            messages("period,base,,\n2026,1,,\n2027,1,5,\n2028,1,6,\n"),
            [
                r#"t.csv: line 3, column 3: "5" is in a column with no name (in a wide file every column after period names a scenario: name the column or empty it)"#
            ]
        );
    }

    #[test]
    fn a_header_of_many_columns_is_summed_up() {
        let header: Vec<String> = (0..1000).map(|i| format!("c{i}")).collect();
        let m = messages(&format!("{}\n", header.join(",")));
        assert_eq!(
            m,
            [
                r#"t.csv: line 1: has no "period" column (found "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", and 990 more; expected e.g. period,revenue or period,base,bull)"#
            ]
        );
    }

    #[test]
    fn only_the_first_problems_are_kept_but_all_are_counted() {
        let mut text = String::from("period,revenue\n");
        for y in 1000..1250 {
            text.push_str(&format!("{y},x\n"));
        }
        let e = load_str(&text).unwrap_err();
        assert_eq!(e.len(), crate::error::MAX_LISTED + 1);
        assert_eq!(e.iter().map(Problem::count).sum::<u64>(), 250);
        assert_eq!(
            e.last().map(ToString::to_string).as_deref(),
            Some("t.csv: ... and 150 more problems (only the first 100 of each file are listed)")
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// Random long files (a few scenarios, good and bad values and periods, blank
        /// lines, CRLF or LF, a rate column or not) read as two halves give exactly
        /// what one read gives: scenarios, values, lines and every message.
        #[test]
        fn random_files_read_as_halves_like_the_whole(
            rows in proptest::collection::vec(
                (0usize..5, 0usize..8, 0usize..100, proptest::bool::weighted(0.1)),
                1..80,
            ),
            crlf in proptest::bool::ANY,
            rate in proptest::bool::ANY,
        ) {
            let names = ["a", "b", "c", "a-very-long-scenario-name", ""];
            let periods = ["2026-01", "2026-02", "2026-03", "2026-05", "2027", "2026Q1", "x", "2026-02"];
            let values = ["1", "2.50", "1e3", "-4", "", "123456789012345678.9"];
            // Quoted values now and then: a quote in the first half means one read.
            let value = |v: usize| match v {
                0..=1 => "\"1,000\"",
                2 => "\"2\n0\"",
                _ => values[v % values.len()],
            };
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = format!("scenario,period,revenue{}{eol}", if rate { ",rate" } else { "" });
            for (n, p, v, blank) in rows {
                if blank {
                    text.push_str(eol);
                }
                let r = if rate && n == 1 { ",0.1" } else if rate { "," } else { "" };
                text.push_str(&format!("{},{},{}{r}{eol}", names[n], periods[p], value(v)));
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("t.csv");
            std::fs::write(&path, &text).unwrap();
            let bar = indicatif::ProgressBar::hidden();
            let size = text.len() as u64;
            let whole = read_file_from(&path, "t.csv", "t", size, &bar, u64::MAX)
                .and_then(Loaded::into_scenarios);
            let halves = read_file_from(&path, "t.csv", "t", size, &bar, 0)
                .and_then(Loaded::into_scenarios);
            proptest::prop_assert_eq!(whole, halves);
        }

        /// The trimming shortcut trims exactly as `str::trim`.
        #[test]
        fn trim_is_str_trim(s in "[ \\t\u{a0}\u{3000}a-z0-9.,$é\"]{0,12}") {
            proptest::prop_assert_eq!(trim(&s), s.trim());
        }
    }

    fn load_limited(
        reader: &[u8],
        origin: &str,
        stem: &str,
        limits: Limits,
    ) -> Result<Vec<Scenario>, Vec<Problem>> {
        read_limited(reader, origin, stem, limits)?.into_scenarios()
    }

    /// A file read as two halves gives what one read gives: the same scenarios in the
    /// same order, the same problems with the same lines, whichever half a scenario,
    /// a repeat, a gap or a bad value falls in; files that may not be cut (quotes in
    /// the first half, a unit column, wide files) are read whole.
    #[test]
    fn halves_read_like_the_whole() {
        let mut texts: Vec<String> = vec![
            "scenario,period,revenue\na,2026-01,1\nb,2026-01,2\na,2026-02,3\nc,2026-01,4\nb,2026-02,5\nc,2026-02,6\n".into(),
            "scenario,period,revenue\r\na,2026-01,1\r\n\r\nb,2026-01,2\r\na,2026-02,3\r\nc,2026-01,x\r\nb,2026-02,5\r\n".into(),
            "scenario,period,revenue,rate\na,2026,1,\nb,2026,2,0.1\na,2027,3,\nb,2028,4,\na,2027,5,0.2\nd,2026,1e40,\n".into(),
            "\n\nscenario,period,revenue\na,2026,1\na,2027,2\n,2028,3\nb,2026,4\nb,2028,5\nb,2029,-1\n".into(),
            "scenario,period,revenue\na,2026,\"1\"\nb,2026,2\na,2027,3\nb,2027,\"4\n\"\nc,2026,1\n".into(),
            "scenario,period,revenue,unit\na,2026,1,USD\nb,2026,2,EUR\na,2027,3,usd\nb,2027,4,EUR\n".into(),
            "period,a,b\n2026,1,2\n2027,3,4\n2028,5,x\n2029,7,8\n".into(),
            "scenario,period,revenue\na,2026,1\na,2027,2\na,2028,3\na,2029,4\na,2030,5,6\n".into(),
        ];
        // Many scenarios, each spread over both halves, one gap and one repeat.
        let mut big = String::from("scenario,period,revenue\n");
        for m in 1..=12 {
            for s in 0..40 {
                if !(s == 7 && m == 5) {
                    big.push_str(&format!("s{s},2026-{m:02},{s}.{m}\n"));
                }
            }
        }
        big.push_str("s3,2026-01,9\n");
        texts.push(big);
        // A header longer than the 1 MiB read ahead for the second half: read whole.
        let columns: String = (0..140_000).map(|i| format!(",c{i:06}")).collect();
        let mut wide_header = format!("scenario,period,revenue{columns}\n");
        // Rows as wide as the header (more fields than its first MiB names), with
        // short ones around the middle so that the file is cut there.
        for i in 0..2012 {
            let commas = if (2..2002).contains(&i) { 0 } else { 140_000 };
            wide_header.push_str(&format!("s{i},2026,1{}\n", ",".repeat(commas)));
        }
        texts.push(wide_header);
        let dir = tempfile::tempdir().unwrap();
        let bar = indicatif::ProgressBar::hidden();
        for (i, text) in texts.iter().enumerate() {
            let path = dir.path().join(format!("{i}.csv"));
            std::fs::write(&path, text).unwrap();
            let size = text.len() as u64;
            let whole = read_file_from(&path, "t.csv", "t", size, &bar, u64::MAX)
                .and_then(Loaded::into_scenarios);
            let halves =
                read_file_from(&path, "t.csv", "t", size, &bar, 0).and_then(Loaded::into_scenarios);
            assert!(whole == halves, "text {i}");
            // The halves were really read apart where the file may be cut.
            let cut = read_halves(&path, "t.csv", "t", size, &bar)
                .unwrap()
                .is_some();
            assert_eq!(cut, ![4, 5, 6, 9].contains(&i), "text {i}");
        }
    }

    #[test]
    fn inputs_over_the_limits_get_a_message() {
        let limits = Limits {
            bytes: 22, // exactly the first text
            values: 3,
            scenarios: 10,
        };
        let text = "period,revenue\n2026,1\n";
        assert!(load_limited(text.as_bytes(), "t.csv", "t", limits).is_ok());
        let long = "period,revenue\n2026,1\n2027,1\n";
        assert_eq!(
            load_limited(long.as_bytes(), "t.csv", "t", limits).unwrap_err()[0].to_string(),
            "t.csv: is too large (more than 1 GiB; revcap takes at most 1 GiB per file: split it into several files, e.g. one per scenario)"
        );
        let limits = Limits {
            bytes: 1000,
            values: 3,
            scenarios: 10,
        };
        let wide = "period,a,b\n2026,1,1\n2027,1,1\n2028,1,1\n";
        assert_eq!(
            load_limited(wide.as_bytes(), "t.csv", "t", limits).unwrap_err()[0].to_string(),
            "t.csv: line 3: has more than 3 values (a scenario's revenue in a period is one value; revcap keeps them all in memory: split the file)"
        );
        let limits = Limits {
            bytes: 1000,
            values: 100,
            scenarios: 2,
        };
        let long = "scenario,period,revenue\na,2026,1\nb,2026,1\na,2027,1\nc,2026,1\n";
        let three = "t.csv: has more than 2 scenarios (revcap reads at most that many per file: split the file)";
        assert_eq!(
            load_limited(long.as_bytes(), "t.csv", "t", limits).unwrap_err()[0].to_string(),
            three
        );
        let wide = "period,a,b,c\n2026,1,1,1\n";
        assert_eq!(
            load_limited(wide.as_bytes(), "t.csv", "t", limits).unwrap_err()[0].to_string(),
            three
        );
        let two = "scenario,period,revenue\na,2026,1\nb,2026,1\na,2027,1\n";
        assert!(load_limited(two.as_bytes(), "t.csv", "t", limits).is_ok());
    }

    /// Names kept inline in the lookup (≤ 15 bytes) and longer ones, names that differ
    /// only by a trailing NUL or by length, all group apart and in order.
    #[test]
    fn scenario_names_group_exactly() {
        let names = [
            "a",
            "a\0",
            "abcdefghijklmno",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "b",
        ];
        let mut text = String::from("scenario,period,revenue\n");
        for year in [2026, 2027] {
            for n in names {
                text.push_str(&format!("\"{n}\",{year},1\n"));
            }
        }
        let s = load_str(&text).unwrap();
        let got: Vec<(&str, usize)> = s
            .iter()
            .map(|s| (s.name.as_str(), s.periods.len()))
            .collect();
        assert_eq!(got, names.map(|n| (n, 2)));
    }

    /// A bad cell in one scenario does not hide another scenario's gap; it only hides
    /// the gap its own dropped row would make.
    #[test]
    fn gaps_are_checked_per_scenario() {
        let m = messages("scenario,period,revenue\na,2026,x\na,2027,1\nb,2026,1\nb,2028,1\n");
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(m[0].contains(r#""x" is not a number"#), "{m:?}");
        assert!(m[1].contains(r#"leaves a gap in scenario "b""#), "{m:?}");
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let bytes = b"period,revenue\n2026,1\n2027,\xff\n";
        let e = load(&bytes[..], "t.csv", "t").unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "t.csv: line 3: is not valid UTF-8 text (save the file as UTF-8 CSV)"
        );
    }
}
