//! A scenario file's header: finding the header row, the layout its names give (long
//! or wide, which column holds what), the names as people write them (`Revenue ($)`,
//! `Year`: docs/spec.md §2.1), and what to say about a header without a `period`
//! column (semicolons, tabs, a title row above it) or whose wide columns look like
//! other measures.

use std::collections::HashMap;
use std::io::Read;

use super::delimiter::{named, CANDIDATES};
use super::lines::Lines;
use super::reader::csv_problem;
use super::row::not_utf8;
use super::too_large;
use crate::error::{quote, Problem};
use crate::parse::{currency_of, Currency};

/// Columns a wide file may carry besides scenarios; they are ignored like extra
/// columns in a long file.
const ANNOTATION_COLUMNS: &[&str] = &["note", "notes", "source", "sources", "comment", "comments"];

/// Columns that say which unit the amounts are in. revcap never converts units: such a
/// column is ignored when every row agrees, and an error when rows differ.
const UNIT_COLUMNS: &[&str] = &["unit", "units", "currency"];

/// A file's header: its column names and what they say.
pub(super) struct Header {
    pub(super) names: Vec<String>,
    pub(super) layout: Layout,
    /// What the header may have got wrong without being an error (docs/errors.md,
    /// "Columns taken as scenarios"), for the file's [`super::Loaded::warnings`].
    pub(super) warnings: Vec<Problem>,
    /// The byte offset after the header row.
    pub(super) end: u64,
    /// What separates its columns (`delimiter`), for a stretch read after it.
    pub(super) delimiter: u8,
}

/// The header is the first row with something in it (csv skips empty lines, but not
/// lines of spaces or of delimiters). `rdr` separates columns with `delimiter`;
/// `given` says it came from `--delimiter` rather than from the header itself.
pub(super) fn read_header<R: Read>(
    rdr: &mut csv::Reader<R>,
    lines: &mut Lines,
    origin: &str,
    max_bytes: u64,
    delimiter: u8,
    given: bool,
    unit_scale: Option<&'static str>,
) -> Result<Header, Vec<Problem>> {
    let problem = |msg: &str| Problem::new(origin, msg);
    let mut record = csv::ByteRecord::new();
    let header = loop {
        match rdr.read_byte_record(&mut record) {
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
                if record.iter().all(|c| {
                    std::str::from_utf8(c)
                        .is_ok_and(|c| c.trim().trim_start_matches('\u{feff}').trim().is_empty())
                }) => {}
            Ok(true) => break record,
        }
    };
    let line = header.position().map_or(1, |p| lines.of(p));
    // Read as bytes, so a name that is not UTF-8 is reported by its column; a csv
    // error would name only the line.
    let bad: Vec<Problem> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| std::str::from_utf8(h).is_err())
        .map(|(i, h)| {
            let mut p = not_utf8(problem("").line(line), h);
            p.field = Some(format!("column {}", i + 1));
            p
        })
        .collect();
    if !bad.is_empty() {
        return Err(bad);
    }
    let header = csv::StringRecord::from_byte_record_lossy(header);
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
    let layout = match names.as_slice() {
        // A sniffed delimiter splits the header as much as any could: only a given one
        // can leave a header that other delimiters would split.
        [only] if given => Err((
            format!(
                "is one column when split at {} (--delimiter {}): give the delimiter the file uses, or leave --delimiter out to detect it",
                named(delimiter).0,
                named(delimiter).1
            ),
            Some(only.clone()),
        )),
        _ => Layout::from_header(&names, delimiter),
    };
    match layout {
        Ok(layout) => Ok(Header {
            warnings: layout
                .scale_warning(&names, origin, unit_scale)
                .into_iter()
                .chain(layout.wide_scale_warnings(&names, origin, unit_scale))
                .chain(layout.measures_warning(&names, origin))
                .chain(layout.totals_warning(&names, origin))
                .collect(),
            names,
            layout,
            end: rdr.position().byte(),
            delimiter,
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

/// Which column holds what.
pub(super) struct Layout {
    pub(super) period: usize,
    pub(super) rate: Option<usize>,
    /// A `unit`, `units` or `currency` column, checked for one unit throughout.
    pub(super) unit: Option<usize>,
    pub(super) kind: Kind,
    /// The currency the revenue column's name gives (`Revenue (€)`, `revenue_eur`):
    /// its sign is then taken in amount cells (docs/spec.md §2.4).
    pub(super) currency: Option<Currency>,
    /// The scale the revenue column's name gives (`Revenue ($B)`: billion), which is
    /// not applied ([`Layout::scale_warning`]).
    pub(super) scale: Option<&'static str>,
}

pub(super) enum Kind {
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
    ///
    /// A column is known by its name as [`known_name`] reads it; a name written exactly
    /// (ignoring case) comes first, so `period,Year,...` keeps `Year` as it was (a
    /// scenario, or ignored), and two names that read as the same role without one of
    /// them being exact are an error rather than a guess.
    fn from_header(names: &[String], delimiter: u8) -> Result<Layout, (String, Option<String>)> {
        let known: Vec<Option<&'static str>> = names.iter().map(|n| known_name(n)).collect();
        if !known.contains(&Some("period")) {
            return Err(no_period(names, delimiter));
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
        // The column of a role: its exact name, else the one name that reads as it.
        let find = |role: &str| -> Result<Option<usize>, (String, Option<String>)> {
            if let Some(&i) = seen.get(role) {
                return Ok(Some(i));
            }
            let mut read_as = (0..names.len()).filter(|&i| known.get(i) == Some(&Some(role)));
            match (read_as.next(), read_as.next()) {
                (Some(a), Some(b)) => Err((
                    format!(
                        "header has columns {} and {} (columns {} and {}), both read as {}; name the one to use {}",
                        quote(names.get(a).map_or("", String::as_str)),
                        quote(names.get(b).map_or("", String::as_str)),
                        a + 1,
                        b + 1,
                        quote(role),
                        quote(role),
                    ),
                    None,
                )),
                (first, _) => Ok(first),
            }
        };
        let Some(period) = find("period")? else {
            return Err(no_period(names, delimiter));
        };
        let rate = find("rate")?;
        let is_unit_column = |k: &Option<&str>| k.is_some_and(|k| UNIT_COLUMNS.contains(&k));
        let unit = UNIT_COLUMNS
            .iter()
            .find_map(|n| seen.get(*n).copied())
            .or_else(|| known.iter().position(is_unit_column));
        let kind = match (find("revenue")?, find("scenario")?) {
            (Some(revenue), scenario) => Kind::Long { revenue, scenario },
            (None, Some(_)) => {
                return Err(("has a \"scenario\" column but no \"revenue\" column (a long file needs both period and revenue)".into(), None))
            }
            (None, None) => {
                let mut scenarios = Vec::new();
                let mut unnamed = Vec::new();
                for (i, name) in names.iter().enumerate() {
                    let ignored = known.get(i).copied().flatten().is_some_and(|k| {
                        ANNOTATION_COLUMNS.contains(&k) || UNIT_COLUMNS.contains(&k)
                    });
                    if i == period || Some(i) == rate || ignored {
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
        // The name's unit was dropped to recognise it; its currency is kept.
        let revenue_name = match &kind {
            Kind::Long { revenue, .. } => names.get(*revenue),
            Kind::Wide { .. } => None,
        };
        Ok(Layout {
            period,
            rate,
            unit,
            currency: revenue_name.and_then(|n| currency_of(n)),
            scale: revenue_name.and_then(|n| scale_named(n)),
            kind,
        })
    }

    /// A warning when the revenue column's name gives a scale (`Revenue ($B)`), which
    /// is dropped to recognise the name but never applied (docs/spec.md §2.1): a cell
    /// `12.7` under it is 12.7, not 12.7 billion. Amounts in billions work with a cap
    /// in billions (`--cap 38`); under the terms' $38B cap they would never reach it,
    /// and nothing else would say so.
    /// Pinned by `tests/headers.rs`, `a_scale_in_the_revenue_name_is_warned_of`.
    fn scale_warning(
        &self,
        names: &[String],
        origin: &str,
        unit_scale: Option<&'static str>,
    ) -> Option<Problem> {
        let Kind::Long { revenue, .. } = &self.kind else {
            return None;
        };
        let (name, scale) = (names.get(*revenue)?, self.scale?);
        let said = scale_said(scale, unit_scale)?;
        Some(Problem::new(
            origin,
            format!("column {} names a scale ({said}", quote(name)),
        ))
    }

    /// A warning per scale named by a wide file's scenario columns in brackets
    /// (`base ($B)`, `bull (USD m)`): their names are the scenarios', units and all,
    /// and their amounts are read as written, as under a revenue column so named
    /// ([`Layout::scale_warning`]). A lone letter (`Plan (B)`) may be a name, and is
    /// not taken for a scale. Pinned by `tests/headers.rs`,
    /// `a_scale_in_the_revenue_name_is_warned_of`.
    fn wide_scale_warnings(
        &self,
        names: &[String],
        origin: &str,
        unit_scale: Option<&'static str>,
    ) -> Vec<Problem> {
        let Kind::Wide { scenarios, .. } = &self.kind else {
            return Vec::new();
        };
        let mut by_scale: Vec<(&'static str, Vec<&String>)> = Vec::new();
        for name in scenarios.iter().filter_map(|&i| names.get(i)) {
            let Some(scale) = scale_bracketed(name) else {
                continue;
            };
            match by_scale.iter_mut().find(|(s, _)| *s == scale) {
                Some((_, columns)) => columns.push(name),
                None => by_scale.push((scale, vec![name])),
            }
        }
        by_scale
            .into_iter()
            .filter_map(|(scale, columns)| {
                let said = scale_said(scale, unit_scale)?;
                let (subject, verb) = match columns.as_slice() {
                    [one] => (format!("column {}", quote(one)), "names"),
                    _ => (format!("columns {}", listed(&columns)), "name"),
                };
                Some(Problem::new(
                    origin,
                    format!("{subject} {verb} a scale ({said}"),
                ))
            })
            .collect()
    }

    /// A warning when a wide file's scenario columns are named like other measures
    /// (`Costs`, `Headcount`): a spreadsheet's columns side by side read as scenarios,
    /// each paid on, which no error would reveal.
    fn measures_warning(&self, names: &[String], origin: &str) -> Option<Problem> {
        let measures = self.scenario_columns(names, 1, looks_like_measure);
        let listed = listed(&measures);
        let message = match measures.len() {
            0 => return None,
            1 => format!("column {listed} was taken as a scenario; if it is not revenue, name the revenue column \"revenue\" (a long file) or remove it"),
            _ => format!("columns {listed} were taken as scenarios; if they are not revenue, name the revenue column \"revenue\" (a long file) or remove them"),
        };
        Some(Problem::new(origin, message))
    }

    /// A wide file's scenario columns whose names `named` picks, when it has at least
    /// `at_least` of them; none for a long file.
    fn scenario_columns<'n>(
        &self,
        names: &'n [String],
        at_least: usize,
        named: fn(&str) -> bool,
    ) -> Vec<&'n String> {
        let Kind::Wide { scenarios, .. } = &self.kind else {
            return Vec::new();
        };
        if scenarios.len() < at_least {
            return Vec::new();
        }
        scenarios
            .iter()
            .filter_map(|&i| names.get(i))
            .filter(|n| named(n))
            .collect()
    }

    /// A warning when a wide file's scenario column is named as a total of the others
    /// (`Total`, `Sum`, `Total revenue`): a spreadsheet's totals column, paid on as a
    /// scenario of its own, as a totals row would be were it not refused.
    fn totals_warning(&self, names: &[String], origin: &str) -> Option<Problem> {
        // A total needs two columns at least to add up: `Year,Total revenue ($B)` is
        // one company's revenue.
        let totals = self.scenario_columns(names, 3, looks_like_total);
        let listed = listed(&totals);
        let message = match totals.len() {
            0 => return None,
            1 => format!("column {listed} looks like a total of the others, and was taken as a scenario of its own; remove it if it is one"),
            _ => format!("columns {listed} look like totals of the others, and were taken as scenarios of their own; remove them if they are"),
        };
        Some(Problem::new(origin, message))
    }
}

/// Whether a column name reads as a total of other columns (`Total`, `SUM`, `Total
/// revenue`): its words, units aside, are all such words or revenue's, and one at least
/// is a total's. An average or mean may be a consensus scenario (`low,mean,high`).
fn looks_like_total(name: &str) -> bool {
    const TOTALS: &[&str] = &["total", "totals", "sum", "subtotal", "aggregate"];
    const WITH: &[&str] = &[
        "grand", "all", "overall", "combined", "revenue", "sales", "of",
    ];
    words_of(name, TOTALS, WITH)
}

/// Whether `name`'s words, units aside, are all `key` words or words that go `with`
/// them, and one at least is a `key` word: a column named as a measure, or a total.
fn words_of(name: &str, key: &[&str], with: &[&str]) -> bool {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !is_unit_word(w))
        .collect();
    words.iter().any(|w| key.contains(w))
        && words.iter().all(|w| key.contains(w) || with.contains(w))
}

/// Column names quoted, one after another; past ten, how many more (a header of a
/// million columns must not make a message of megabytes).
fn listed(names: &[&String]) -> String {
    const SHOWN: usize = 10;
    let mut listed: Vec<String> = names.iter().take(SHOWN).map(|n| quote(n)).collect();
    if names.len() > SHOWN {
        listed.push(format!("and {} more", names.len() - SHOWN));
    }
    listed.join(", ")
}

/// The scale in a name's trailing brackets (`base ($B)`, `bull [USD m]`, `base (USD)
/// (m)`), in a word as [`scale_named`] gives it; `None` without one, and for a lone
/// letter alone in brackets (`(B)`).
fn scale_bracketed(name: &str) -> Option<&'static str> {
    let lower = name.trim().to_lowercase();
    let (_, brackets) = bracketed_units(&lower);
    fn words(unit: &str) -> Vec<&str> {
        unit.split(is_separator).filter(|w| !w.is_empty()).collect()
    }
    // A lone letter alone in brackets may end a name (`Plan (B)`); beside another unit
    // (`base (USD) (m)`, `base (B) (USD)`) it is a unit too.
    if let [only] = brackets.as_slice() {
        if matches!(words(only).as_slice(), [one] if one.chars().count() == 1) {
            return None;
        }
    }
    scale_among(brackets.iter().flat_map(|unit| words(unit)))
}

/// The known column a header name reads as (docs/spec.md §2.1): `period` (also
/// `year`, `quarter`, `month`, `date`), `revenue`, `scenario`, `rate`, a unit or an
/// annotation column, compared after trimming and case folding, with a trailing unit
/// in parentheses or brackets (`Revenue ($)`, `Revenue [EUR]`) and unit words after
/// the name (`revenue_musd`, `revenue_usd_m`) dropped. `None` for any other name:
/// units are dropped only to recognise these names, so a wide file's `base_usd` stays
/// the scenario `base_usd`.
pub(super) fn known_name(name: &str) -> Option<&'static str> {
    let lower = name.trim().to_lowercase();
    let (bare, _) = bracketed_units(&lower);
    let mut words = bare.split(is_separator).filter(|w| !w.is_empty());
    let first = words.next()?;
    if !words.all(is_unit_word) {
        return None;
    }
    match first {
        "year" | "quarter" | "month" | "date" => Some("period"),
        _ => ["period", "revenue", "scenario", "rate"]
            .iter()
            .chain(UNIT_COLUMNS)
            .chain(ANNOTATION_COLUMNS)
            .find(|k| **k == first)
            .copied(),
    }
}

/// The scale a column's name gives its amounts, in a word (`Revenue ($B)`,
/// `revenue_musd`, `Revenue (in thousands)`: billion, million, thousand), found
/// among the units [`known_name`] drops; `None` without one.
fn scale_named(name: &str) -> Option<&'static str> {
    let lower = name.trim().to_lowercase();
    let (bare, brackets) = bracketed_units(&lower);
    let words = brackets
        .into_iter()
        .flat_map(|unit| unit.split(is_separator));
    scale_among(words.chain(bare.split(is_separator).filter(|w| !w.is_empty()).skip(1)))
}

/// A lower-case name without its trailing units in parentheses or brackets
/// (`revenue ($) [m]`: `revenue`), and those units, the last first.
fn bracketed_units(lower: &str) -> (&str, Vec<&str>) {
    let mut bare = lower;
    let mut units = Vec::new();
    loop {
        let bracketed = bare
            .strip_suffix(')')
            .and_then(|r| r.rsplit_once('('))
            .or_else(|| bare.strip_suffix(']').and_then(|r| r.rsplit_once('[')));
        match bracketed {
            Some((before, unit)) if is_unit(unit) => {
                units.push(unit);
                bare = before.trim_end();
            }
            _ => return (bare, units),
        }
    }
}

/// The scale a unit column's cell names (`USD bn`, `$M`, `thousands`), in a word as
/// [`scale_named`] gives it; `None` without one (`EUR`, `$`).
pub(super) fn scale_in_unit(unit: &str) -> Option<&'static str> {
    scale_among(unit.to_lowercase().split(is_separator))
}

/// What a warning of `scale` says from its name on (after "names a scale ("), or
/// `None` when `--unit` names the same scale (`unit_scale`: the amounts are known to be
/// in it). With no `--unit` scale, that it is not applied ([`scale_advice`]); with
/// another, that the two contradict each other (`--unit M` over `bear ($B)`). Pinned by
/// `tests/headers.rs`, `a_scale_in_the_revenue_name_is_warned_of`.
pub(super) fn scale_said(scale: &str, unit_scale: Option<&str>) -> Option<String> {
    match unit_scale {
        None => Some(format!("{scale}s), {}", scale_advice(scale))),
        Some(u) if u == scale => None,
        Some(u) => Some(format!(
            "{scale}s), but --unit says the amounts are in {u}s; revcap applies neither: 30 is read as 30 (give --unit the scale the amounts are in)"
        )),
    }
}

/// What the warnings for a scale say after naming it: that it is not applied, the cap
/// in that scale (the reported $38B) and how amounts are written with it. Whole numbers
/// only, so the example holds under either decimal mark; `--unit`, which quiets it, is
/// left to the docs, as `solve` and `simulate` have none.
pub(super) fn scale_advice(scale: &str) -> String {
    let (suffix, cap) = match scale {
        "thousand" => ("K", "38000000"),
        "million" => ("M", "38000"),
        "billion" => ("B", "38"),
        _ => ("T", "0.038"),
    };
    format!(
        "which revcap does not apply: 30 is read as 30, not 30 {scale}; give the cap in {scale}s too ($38B is --cap {cap}) or write the amounts with their scale (30{suffix})"
    )
}

/// The first scale among unit `words` (lower case), in a word.
fn scale_among<'w>(words: impl IntoIterator<Item = &'w str>) -> Option<&'static str> {
    words.into_iter().find_map(|word| {
        let rest = word.trim_start_matches(['$', '€', '£', '¥']);
        let scale = if SCALES.contains(&rest) {
            rest
        } else {
            CURRENCIES.iter().find_map(|c| {
                [rest.strip_prefix(c), rest.strip_suffix(c)]
                    .into_iter()
                    .flatten()
                    .find(|s| SCALES.contains(s))
            })?
        };
        match scale {
            "k" | "th" | "thousand" | "thousands" => Some("thousand"),
            "m" | "mm" | "mn" | "million" | "millions" => Some("million"),
            "b" | "bn" | "billion" | "billions" => Some("billion"),
            "t" => Some("trillion"),
            _ => None,
        }
    })
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '_' | '-' | ',' | '/')
}

/// Whether a data cell is a unit alone (`$B`, `(USD)`, `[EUR m]`, `billions`), as in a
/// row of units under a spreadsheet's header.
pub(super) fn is_unit_cell(cell: &str) -> bool {
    let lower = cell.trim().to_lowercase();
    let inner = lower
        .strip_prefix('(')
        .and_then(|c| c.strip_suffix(')'))
        .or_else(|| lower.strip_prefix('[').and_then(|c| c.strip_suffix(']')))
        .unwrap_or(&lower);
    is_unit(inner)
}

/// Whether the text in a trailing bracket is a unit: `$`, `USD m`, `EUR`, `%`, `in $M`.
fn is_unit(text: &str) -> bool {
    let mut words = text
        .split(is_separator)
        .filter(|w| !w.is_empty())
        .peekable();
    if words.peek() == Some(&"in") {
        words.next();
    }
    words.peek().is_some() && words.all(is_unit_word)
}

/// Currency codes a unit word may hold (`usd`, `musd`, `usdm`).
const CURRENCIES: &[&str] = &["usd", "eur", "gbp", "chf", "jpy", "cad", "aud", "cny"];

/// Scales a unit word may be or hold (`m`, `bn`, `$m`, `musd`).
const SCALES: &[&str] = &[
    "k",
    "m",
    "mm",
    "mn",
    "b",
    "bn",
    "t",
    "th",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
];

/// A currency, a scale or both, in one word (lower case): `usd`, `$`, `m`, `bn`,
/// `musd`, `usdm`, `$m`, `eur`, `millions`, `%`.
fn is_unit_word(word: &str) -> bool {
    const PERCENT: &[&str] = &["%", "pct", "percent"];
    let rest = word.trim_start_matches(['$', '€', '£', '¥']);
    if rest.is_empty() {
        return !word.is_empty();
    }
    let scale_or_none = |s: &str| s.is_empty() || SCALES.contains(&s);
    PERCENT.contains(&word)
        || SCALES.contains(&rest)
        || CURRENCIES.iter().any(|c| {
            rest.strip_suffix(c).is_some_and(scale_or_none)
                || rest.strip_prefix(c).is_some_and(scale_or_none)
        })
}

/// Whether a column name reads as a measure other than revenue (`Costs ($)`,
/// `Headcount (FTE)`, `Gross margin %`): its words, units aside, are all measure words
/// or their qualifiers, and one at least is a measure. A scenario named with such a
/// word among others (`high_growth`, `cost_cut`) is not one.
fn looks_like_measure(name: &str) -> bool {
    const MEASURES: &[&str] = &[
        "cost",
        "costs",
        "expense",
        "expenses",
        "opex",
        "capex",
        "cogs",
        "spend",
        "spending",
        "headcount",
        "employees",
        "staff",
        "fte",
        "ftes",
        "margin",
        "margins",
        "profit",
        "profits",
        "ebitda",
        "ebit",
        "income",
        "earnings",
        "users",
        "customers",
        "subscribers",
        "price",
        "prices",
        "units",
        "volume",
        "growth",
        "churn",
        "arpu",
        "cash",
        "burn",
        "debt",
        "capital",
        "salaries",
        "wages",
        "payroll",
    ];
    const QUALIFIERS: &[&str] = &[
        "gross",
        "net",
        "operating",
        "total",
        "annual",
        "monthly",
        "quarterly",
        "yoy",
        "qoq",
        "mom",
        "revenue",
        "sales",
        "per",
        "user",
        "unit",
        "avg",
        "average",
        "free",
        "flow",
        "active",
        "paying",
        "paid",
        "count",
        "rate",
        "of",
        "r",
        "d",
    ];
    words_of(name, MEASURES, QUALIFIERS)
}

/// The header's cells after the first when they are periods that follow each other
/// (`2026`, `2027`; `Jan-26`, `Feb-26`; `FY2026`, `FY2027`) and the first is not one:
/// a table with its periods across. Empty otherwise, so that a file without a header
/// (`2026,1500`: a period, then an amount that reads as a year) is not taken for one.
/// Pinned by `tests/hostile.rs`, "periods across the columns" and "no header".
fn periods_across(names: &[String]) -> Vec<&String> {
    use crate::parse::period;
    let Some((first, rest)) = names.split_first() else {
        return Vec::new();
    };
    let rest: Vec<&String> = rest.iter().filter(|n| !n.trim().is_empty()).collect();
    let parsed: Option<Vec<crate::model::Period>> = rest.iter().map(|n| period(n).ok()).collect();
    let follow = |a: &crate::model::Period, b: &crate::model::Period| {
        (a.same_kind(b) && a.ordinal() < b.ordinal())
            || a.pending_fiscal()
                .zip(b.pending_fiscal())
                .is_some_and(|(x, y)| x < y)
    };
    match parsed {
        Some(p)
            if period(first).is_err()
                && p.windows(2).all(|w| matches!(w, [a, b] if follow(a, b))) =>
        {
            rest
        }
        _ => Vec::new(),
    }
}

/// What to say about a first row without a `period` column: a header whose columns
/// are separated by another delimiter than the one read with (given, or sniffed on a
/// tie), a title row above the header, or simply the columns found.
fn no_period(names: &[String], delimiter: u8) -> (String, Option<String>) {
    for sep in CANDIDATES.into_iter().filter(|&c| c != delimiter) {
        if let Some(cell) = names.iter().find(|n| {
            n.split(char::from(sep))
                .any(|part| known_name(part) == Some("period"))
        }) {
            return (
                format!(
                    "separates columns with {}; read it with --delimiter {}",
                    named(sep).0,
                    named(sep).1
                ),
                Some(cell.clone()),
            );
        }
    }
    let mut filled = names.iter().filter(|n| !n.is_empty());
    if let (Some(only), None) = (filled.next(), filled.next()) {
        // Excel's `sep=;` line above the header names the delimiter for Excel alone.
        let lower = only.to_ascii_lowercase();
        if lower.starts_with("sep=") && lower.len() <= 5 {
            return (
                "is Excel's line naming the delimiter (sep=), not the header: remove the line (revcap finds the delimiter from the header, or pass --delimiter)".into(),
                Some(only.clone()),
            );
        }
        // Only a name written exactly: `Revenue (USD bn)` above a table is a title.
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
    // Periods across the columns (`scenario,2026,2027`), as forecasts are often laid
    // out: revcap reads them down a column, and says so rather than listing columns.
    let periods = periods_across(names);
    if periods.len() >= 2 {
        let shown: Vec<String> = periods.iter().take(3).map(|n| quote(n)).collect();
        let more = if periods.len() > 3 { ", ..." } else { "" };
        return (
            format!(
                "has periods across its columns ({}{more}): revcap reads periods down a column; transpose the table (a row per period: period,base,bull) or write a row per scenario and period (scenario,period,revenue)",
                shown.join(", ")
            ),
            None,
        );
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

#[cfg(test)]
mod tests {
    use super::{known_name, looks_like_measure, looks_like_total};

    #[test]
    fn names_read_as_known_columns() {
        for (name, known) in [
            ("Revenue ($)", Some("revenue")),
            ("Revenue (USD m)", Some("revenue")),
            ("Revenue [EUR]", Some("revenue")),
            ("revenue_usd", Some("revenue")),
            ("revenue_musd", Some("revenue")),
            ("revenue_usd_m", Some("revenue")),
            ("Revenue $M", Some("revenue")),
            ("revenue_bn", Some("revenue")),
            ("Rate (%)", Some("rate")),
            (" YEAR ", Some("period")),
            ("Month", Some("period")),
            ("Notes (in USD)", Some("notes")),
            ("Fiscal year", None),
            ("base_usd", None),
            ("Revenue (base)", None),
            ("revenue_base", None),
            ("(USD)", None),
        ] {
            assert_eq!(known_name(name), known, "{name}");
        }
    }

    #[test]
    fn totals_are_told_from_scenarios() {
        for name in ["Total", "SUM", "Total revenue ($B)", "grand total"] {
            assert!(looks_like_total(name), "{name}");
        }
        for name in [
            "base",
            "total_upside",
            "bull",
            "Sumitomo",
            "mean",
            "Average",
        ] {
            assert!(!looks_like_total(name), "{name}");
        }
    }

    #[test]
    fn measures_are_told_from_scenarios() {
        for name in [
            "Costs",
            "Costs ($)",
            "Headcount (FTE)",
            "Gross margin %",
            "opex_musd",
        ] {
            assert!(looks_like_measure(name), "{name}");
        }
        for name in [
            "base",
            "high_growth",
            "cost_cut",
            "Sales",
            "price war",
            "bear",
        ] {
            assert!(!looks_like_measure(name), "{name}");
        }
    }
}
