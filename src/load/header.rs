//! A scenario file's header: finding the header row, the layout its names give (long
//! or wide, which column holds what), and what to say about a header without a
//! `period` column (semicolons, tabs, a title row above it).

use std::collections::HashMap;
use std::io::Read;

use super::lines::Lines;
use super::reader::csv_problem;
use super::too_large;
use crate::error::{quote, Problem};

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
    /// The byte offset after the header row.
    pub(super) end: u64,
}

/// The header is the first row with something in it (csv skips empty lines, but not
/// lines of spaces or of commas).
pub(super) fn read_header<R: Read>(
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

/// Which column holds what.
pub(super) struct Layout {
    pub(super) period: usize,
    pub(super) rate: Option<usize>,
    /// A `unit`, `units` or `currency` column, checked for one unit throughout.
    pub(super) unit: Option<usize>,
    pub(super) kind: Kind,
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
