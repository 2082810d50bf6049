//! Scenario files (docs/spec.md §2): long and wide CSV from any `Read` into validated,
//! sorted [`Scenario`]s, collecting every problem rather than stopping at the first.
//!
//! Numbers are read as strings and parsed by `parse` (csv + serde would route them
//! through `f64`); columns are found by header name so every message can name its
//! column, and lines come from each record's position (`lines`).
//!
//! The stages, each in its own module:
//! 1. `header`: the first row with something in it, and the layout its names give
//!    (long or wide, which column holds what), or what is wrong with it;
//! 2. `reader`: csv records with their true lines (`lines`) through the row reader
//!    (`row`), which parses each cell and groups values by scenario into a compact
//!    store (`rows`: 16 bytes a value), within the limits;
//! 3. `halves`: a large regular file is read as two halves on two cores
//!    ([`read_file`]) when, and only when, it may be cut; halves of plain lines (no
//!    quote, no lone `\r`) are split by hand (`plain`) rather than by csv;
//! 4. a [`Loaded`] file gives its scenarios a batch at a time, each scenario's periods
//!    settled, sorted and checked (`periods`: fiscal years, dates, repeats, overlaps,
//!    gaps). `run` takes all its scenarios at once (but for CSV on stdout alone);
//!    `validate` and `compare` take them a batch at a time, so a file of millions of
//!    values never exists as scenarios all at once. The line limit (`lines`) bounds
//!    what reading costs; docs/memory.md says what grows with what.

mod decimal;
mod delimiter;
mod halves;
mod header;
mod lines;
mod open;
mod periods;
mod plain;
mod reader;
mod row;
mod rows;
mod utf16;
mod workbook;

use std::io::Read;
use std::path::Path;

use rayon::prelude::*;

use crate::error::{quote, Problem, Problems};
use crate::model::{FiscalStart, Scenario};
pub use decimal::{DecimalMark, Reading};
pub use delimiter::Delimiter;
pub use open::{load_all, open, open_all, open_inputs, HeaderCurrency, Opened, ReadWarnings};
use periods::{check_periods, Checked};
use reader::Whole;
pub use rows::Names;
use rows::{Groups, Later, Store};
pub use workbook::{is_workbook, split_sheet};

/// The largest CSV input read: far more than a disk holds, a guard against feeding
/// revcap a device. Lines are counted as the bytes stream past and rows go to disk
/// past [`MEMORY_BUDGET`], so the file is never held whole; what bounds a file is
/// its lines ([`MAX_LINES`]), values ([`MAX_VALUES`]) and scenarios.
pub const MAX_INPUT_BYTES: u64 = 1 << 40;

/// The largest workbook read: a workbook's sheet is held as CSV text while it is
/// read (`workbook`), so it keeps the limit that text needs.
pub const MAX_WORKBOOK_BYTES: u64 = 1 << 30;

/// The most lines one file may have: each value keeps its line in 31 bits
/// (`rows::Row`).
pub const MAX_LINES: u64 = rows::MAX_LINES;

/// The most values (one scenario's revenue in one period) one file may hold. Each
/// takes 16 bytes once read (`rows::Row`; about 40 more, kept in memory, for a row with
/// its own rate or a revenue too large to store inline), in memory up to
/// [`MEMORY_BUDGET`] and on disk past it (twice over while they are dealt into
/// batches: 64 GiB at this limit). As many as lines can hold.
pub const MAX_VALUES: usize = 1 << 31;

/// The memory a file's rows, scenario names and side values may take before its
/// rows go to disk (`rows`): above the 6 million rows of the bench file (96 MB of rows),
/// which stay in memory, so a file ten times that holds about as much as it does.
/// Files read as two halves give each half half of it.
pub const MEMORY_BUDGET: usize = 112 << 20;

/// Files at least this large are read as two halves on two cores ([`read_file`]).
const SPLIT_FROM: u64 = 16 << 20;

/// How much one file may hold, and hold in memory.
#[derive(Debug, Clone, Copy)]
struct Limits {
    bytes: u64,
    lines: u64,
    values: usize,
    scenarios: usize,
    /// See [`MEMORY_BUDGET`].
    budget: usize,
}

const LIMITS: Limits = Limits {
    bytes: MAX_INPUT_BYTES,
    lines: MAX_LINES,
    values: MAX_VALUES,
    scenarios: rows::MAX_SCENARIOS,
    budget: MEMORY_BUDGET,
};

/// A size limit in words: `1 TiB`, `1 GiB`.
fn size_words(limit: u64) -> String {
    if limit >= 1 << 40 && limit.is_multiple_of(1 << 40) {
        format!("{} TiB", limit >> 40)
    } else {
        format!("{} GiB", limit >> 30)
    }
}

/// The message for an input over [`MAX_INPUT_BYTES`]; `bytes` is its size when known.
pub fn too_large(bytes: Option<u64>) -> String {
    too_large_for(
        bytes,
        MAX_INPUT_BYTES,
        "split it into several files, e.g. one per scenario",
    )
}

/// The message for an input over `limit` bytes; `bytes` is its size when known.
pub(crate) fn too_large_for(bytes: Option<u64>, limit: u64, advice: &str) -> String {
    let words = size_words(limit);
    let size = bytes.map_or_else(|| format!("more than {words}"), |b| format!("{b} bytes"));
    format!("is too large ({size}; revcap takes at most {words} per file: {advice})")
}

/// The message for rows that could not go to disk, or come back from it: the
/// temporary folder (`TMPDIR`) is named, as the place to make room in.
fn spill_problem(origin: &str, e: &std::io::Error) -> Problem {
    Problem::new(
        origin,
        format!(
            "cannot keep its rows in a temporary file in {} (TMPDIR; the file is larger than revcap holds in memory): {e}; make room there or set TMPDIR to a folder with room",
            std::env::temp_dir().display()
        ),
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
    read_with(reader, origin, stem, Reading::default())
}

/// [`read`], its columns separated and its numbers read as `reading` says.
pub fn read_with<R: Read>(
    reader: R,
    origin: &str,
    stem: &str,
    reading: Reading,
) -> Result<Loaded, Vec<Problem>> {
    read_limited(reader, origin, stem, LIMITS, reading)
}

fn read_limited<R: Read>(
    reader: R,
    origin: &str,
    stem: &str,
    limits: Limits,
    reading: Reading,
) -> Result<Loaded, Vec<Problem>> {
    let part = reader::read_part(reader, origin, stem, limits, None, reading, None, Whole)?;
    let note = part.decided.note(origin);
    Ok(Loaded::new(origin, part.groups, part.problems, None)?
        .with_warnings(part.warnings)
        .with_note(note)
        .with_currency(part.currency))
}

/// Reads a regular file of `size` bytes, like [`read`] but on two cores when it is
/// large: the header is read first, the file is cut at the first line end after its
/// middle, and each half is read on its own core; the second half's scenarios, lines
/// and problems are then placed after the first's, as one read would have placed them.
///
/// Only what can be cut safely is (see `halves` for the rules); anything else is read
/// in one go, which gives the messages a whole read gives.
/// Pinned by `tests::halves_read_like_the_whole`.
pub fn read_file(
    path: &Path,
    origin: &str,
    stem: &str,
    size: u64,
    bar: &indicatif::ProgressBar,
    reading: Reading,
) -> Result<Loaded, Vec<Problem>> {
    // One core reads the halves one after the other: no faster than reading once.
    let split_from = if rayon::current_num_threads() > 1 {
        SPLIT_FROM
    } else {
        u64::MAX
    };
    read_file_with(path, origin, stem, size, bar, split_from, LIMITS, reading)
}

/// A file that cannot be opened or read, as the one problem of that file.
pub(super) fn cannot_read(origin: &str, e: std::io::Error) -> Vec<Problem> {
    let message = match utf16::message(&e) {
        Some(m) => m.to_string(),
        None => format!("cannot read: {e}"),
    };
    vec![Problem::new(origin, message)]
}

/// [`read_file`], cutting files of at least `split_from` bytes when they may be cut.
/// Public for `tests/loader_reference.rs`, which reads small files as halves with
/// `split_from` 0; not part of the API.
#[doc(hidden)]
pub fn read_file_from(
    path: &Path,
    origin: &str,
    stem: &str,
    size: u64,
    bar: &indicatif::ProgressBar,
    split_from: u64,
) -> Result<Loaded, Vec<Problem>> {
    read_file_within(path, origin, stem, size, bar, split_from, MEMORY_BUDGET)
}

/// [`read_file_from`], its rows going to disk past `budget` bytes held (see
/// [`MEMORY_BUDGET`]). Public for `tests/loader_reference.rs`, which reads small files
/// through the disk with a tiny budget; not part of the API.
#[doc(hidden)]
pub fn read_file_within(
    path: &Path,
    origin: &str,
    stem: &str,
    size: u64,
    bar: &indicatif::ProgressBar,
    split_from: u64,
    budget: usize,
) -> Result<Loaded, Vec<Problem>> {
    let limits = Limits { budget, ..LIMITS };
    read_file_with(
        path,
        origin,
        stem,
        size,
        bar,
        split_from,
        limits,
        Reading::default(),
    )
}

#[allow(clippy::too_many_arguments)]
fn read_file_with(
    path: &Path,
    origin: &str,
    stem: &str,
    size: u64,
    bar: &indicatif::ProgressBar,
    split_from: u64,
    limits: Limits,
    reading: Reading,
) -> Result<Loaded, Vec<Problem>> {
    if let Some(loaded) = halves::read(path, origin, stem, size, bar, split_from, limits, reading)?
    {
        return Ok(loaded);
    }
    let file = std::fs::File::open(path).map_err(|e| cannot_read(origin, e))?;
    read_limited(bar.wrap_read(file), origin, stem, limits, reading)
}

/// `text` in lower case, character by character (no allocation): how names that
/// differ only in case are compared.
fn folded(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().flat_map(char::to_lowercase)
}

/// A warning when scenario names differ only in case (`base`, `Base`): each is a
/// scenario of its own, which a hand-typed name makes easy to miss (the one then
/// seems to have a gap that the other fills). Nothing is allocated per name: names
/// are keyed by a hash of their lower case, only when some name has a capital, and
/// names whose keys meet are compared. Pinned by `tests/headers.rs`,
/// `names_differing_only_in_case_are_warned_of`.
fn names_differing_in_case(names: &Names, origin: &str) -> Option<Problem> {
    let capital = |n: &str| n.chars().any(char::is_uppercase);
    let key = |n: &str| {
        folded(n).fold(0xcbf2_9ce4_8422_2325u64, |h, c| {
            (h ^ u64::from(c)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    // The keys of the names with a capital, then of the names without one that meet
    // them: a name's twin in another case has a capital, or it has one.
    let mut keyed: Vec<(u64, usize)> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| capital(n))
        .map(|(i, n)| (key(n), i))
        .collect();
    if keyed.is_empty() {
        return None;
    }
    keyed.sort_unstable();
    let met: Vec<(u64, usize)> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| !capital(n))
        .map(|(i, n)| (key(n), i))
        .filter(|(k, _)| keyed.binary_search_by_key(k, |&(k, _)| k).is_ok())
        .collect();
    keyed.extend(met);
    keyed.sort_unstable();
    // Names of one key that are one name in lower case, in the order they appear.
    let name = |i: usize| names.get(i).unwrap_or_default();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for same_key in keyed.chunk_by(|a, b| a.0 == b.0) {
        let mut left: Vec<usize> = same_key.iter().map(|&(_, i)| i).collect();
        while let Some((&first, rest)) = left.split_first() {
            let (twins, others): (Vec<usize>, Vec<usize>) = rest
                .iter()
                .partition(|&&j| folded(name(first)).eq(folded(name(j))));
            if !twins.is_empty() {
                groups.push(std::iter::once(first).chain(twins).collect());
            }
            left = others;
        }
    }
    groups.sort_unstable();
    const SHOWN: usize = 3;
    let mut listed: Vec<String> = groups
        .iter()
        .take(SHOWN)
        .map(|g| {
            let quoted: Vec<String> = g.iter().map(|&i| quote(name(i))).collect();
            match quoted.as_slice() {
                [a, b] => format!("{a} and {b}"),
                _ => quoted.join(", "),
            }
        })
        .collect();
    match groups.len() {
        0 => return None,
        n if n > SHOWN => listed.push(format!("{} more such groups", n - SHOWN)),
        _ => {}
    }
    Some(Problem::new(
        origin,
        format!(
            "scenarios {} differ only in case; each is read as a scenario of its own (write one name if they are one)",
            listed.join("; ")
        ),
    ))
}

/// A file read: its values, grouped by scenario, and the problems of its rows. Its
/// scenarios are taken in batches of consecutive ones ([`Loaded::next_batch`]), each
/// sorted and checked (docs/spec.md §2.5) as it is taken.
pub struct Loaded {
    origin: String,
    store: Store,
    /// Problems of single rows, in line order.
    problems: Vec<Problem>,
    next: usize,
    /// Whether the file was read as two halves.
    cut: bool,
    /// Whether those halves were read as plain lines (`plain`).
    plain: bool,
    /// What may be wrong without being an error (`header`), printed as `warning:`.
    warnings: Vec<Problem>,
    /// How the file was read where that is worth saying (its numbers read with a
    /// decimal comma: `decimal`), printed as `note:`.
    note: Option<String>,
    /// The month fiscal years (`FY2026`) start in (`--fiscal-year-start`).
    fiscal: FiscalStart,
    /// The currency the revenue column's name gives (`Revenue (€)`), which the
    /// printed views show when `--unit` does not say one.
    currency: Option<crate::parse::Currency>,
    /// For a workbook's sheet (`workbook`): how its problems name cells (`sheet
    /// Revenue, cell B7`) rather than CSV lines.
    places: Option<workbook::Places>,
}

impl Loaded {
    /// An `Err` is rows that could not go to disk ([`spill_problem`]).
    fn new(
        origin: &str,
        groups: Groups,
        mut problems: Problems,
        later: Option<Later>,
    ) -> Result<Loaded, Vec<Problem>> {
        let values = groups
            .values()
            .saturating_add(later.as_ref().map_or(0, Later::values));
        let cut = later.is_some();
        let (store, holes) =
            Store::new(groups, later, origin).map_err(|e| vec![spill_problem(origin, &e)])?;
        if values == 0 && problems.is_empty() && holes.is_empty() {
            problems.push(Problem::new(origin, "has a header but no data rows"));
        }
        problems.extend(holes);
        Ok(Loaded {
            origin: origin.to_string(),
            cut,
            plain: false,
            store,
            problems: problems.into_vec(),
            next: 0,
            warnings: Vec::new(),
            note: None,
            fiscal: FiscalStart::default(),
            currency: None,
            places: None,
        })
    }

    fn with_currency(mut self, currency: Option<crate::parse::Currency>) -> Loaded {
        self.currency = currency;
        self
    }

    /// The currency the revenue column's name gives (`Revenue (€)`), if any.
    pub fn currency(&self) -> Option<crate::parse::Currency> {
        self.currency
    }

    fn with_note(mut self, note: Option<String>) -> Loaded {
        self.note = note;
        self
    }

    /// How the file was read, when that is worth saying (its numbers read with a
    /// decimal comma); the commands print it once, on stderr, as `note: ...`.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    fn with_plain(mut self, plain: bool) -> Loaded {
        self.plain = plain;
        self
    }

    /// The header's `warnings`, then one for scenario names that differ only in case.
    fn with_warnings(mut self, warnings: Vec<Problem>) -> Loaded {
        self.warnings = warnings;
        self.warnings
            .extend(names_differing_in_case(self.store.names(), &self.origin));
        self
    }

    /// Reads fiscal years (`FY2026`) as starting in `fiscal`'s month (January, the
    /// calendar year, unless set); applied as scenarios are taken.
    pub fn with_fiscal_start(mut self, fiscal: FiscalStart) -> Loaded {
        self.fiscal = fiscal;
        self
    }

    /// What may be wrong with the file without being an error (a wide file's columns
    /// named like other measures: docs/errors.md); the commands print each once, on
    /// stderr, as `warning: ...`, and the file is read all the same.
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// Whether the file was read as two halves on two cores (`halves`); what it gives
    /// is the same either way.
    pub fn was_cut(&self) -> bool {
        self.cut
    }

    /// Whether the file's halves were read as plain lines, split by hand (`plain`);
    /// what it gives is the same either way. For tests.
    #[doc(hidden)]
    pub fn was_plain(&self) -> bool {
        self.plain
    }

    /// Whether the file's rows have a temporary file, the file being larger than its
    /// memory budget ([`MEMORY_BUDGET`]) when a chunk of rows filled; what it gives
    /// is the same either way. For tests.
    #[doc(hidden)]
    pub fn went_to_disk(&self) -> bool {
        self.store.on_disk()
    }

    /// The file as given (`scenarios/base.csv`, `-`).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Every scenario's name, in order of first appearance (including scenarios
    /// whose every value was wrong).
    pub fn names(&self) -> &Names {
        self.store.names()
    }

    /// The problems of single rows; taken once.
    pub fn take_problems(&mut self) -> Vec<Problem> {
        std::mem::take(&mut self.problems)
    }

    /// The next batch of scenarios, sorted and checked on every core, and the
    /// problems of those that break the rules of docs/spec.md §2.5; `None` after the last.
    pub fn next_batch(&mut self) -> Option<(Vec<Scenario>, Vec<Problem>)> {
        if self.next >= self.store.batch_count() {
            return None;
        }
        let batch = match self.store.take_batch(self.next) {
            Ok(batch) => batch,
            // The rows on disk cannot be read back: the file stops here.
            Err(e) => {
                self.next = self.store.batch_count();
                return Some((Vec::new(), vec![spill_problem(&self.origin, &e)]));
            }
        };
        self.next += 1;
        let origin = self.origin.as_str();
        let fiscal = self.fiscal;
        let checked: Vec<(String, Checked)> = batch
            .into_par_iter()
            .map(|t| {
                // Periods in order, one after another, are what the check would
                // give back with no problem: not checked again (pinned by
                // `rows::tests::periods_in_order_are_what_the_check_gives`).
                let checked = if t.in_order {
                    Ok(t.periods)
                } else {
                    check_periods(origin, &t.name, t.periods, t.check_gaps, fiscal)
                };
                (t.name, checked)
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
        if let Some(places) = &self.places {
            problems = places.all(problems);
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

#[cfg(test)]
mod tests;
