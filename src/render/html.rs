//! `report.html`: one self-contained page for people (`--report`): the question and
//! the terms with where each came from, the headline per scenario, every chart inline
//! as SVG, the comparison grid and thresholds, the ledgers, the assumptions and
//! sources, and how to reproduce it all.
//!
//! Built with maud, whose `html!` escapes every value it is given: scenario names,
//! notes and file names reach the page only as text. The one raw insertion is a
//! chart's SVG, which plotters writes with its text escaped (pinned by
//! tests/report.rs, `hostile_names_are_text`). No script, no external file: the page
//! opens from an e-mail attachment and prints with a page per scenario.

use std::fmt::Write as _;
use std::io::Read;

use maud::{html, Markup, PreEscaped, DOCTYPE};
use rust_decimal::Decimal;

use super::sensitivity::{base_text, input_text, measure_text, metric_text, swing_text};
use super::{percent, percent2, Amounts, Shown};
use crate::analysis::sensitivity::{Metric, Sensitivity, Swing};
use crate::config::{ChartOptions, Input, Variant};
use crate::error::Error;
use crate::model::{CompareRow, Date, Gap, Scenario, ScenarioResult, Terms, Thresholds};
use crate::montecarlo::distribution::{
    Metric as DistMetric, Probability, Summary as DistSummary, Value as DistValue, PERCENTILES,
};
use crate::montecarlo::Distributions;

/// Ledgers are shown for at most this many scenarios: each is a table of every
/// period, and a page of thousands of them helps nobody (ledger.csv has them all).
pub const MAX_LEDGERS: usize = 20;

/// Rows of one ledger shown at most (a monthly scenario over centuries has more).
pub const MAX_LEDGER_ROWS: usize = 1200;

/// Rows of the headline table and of the comparison grid shown at most.
pub const MAX_ROWS: usize = 500;

/// Variants (columns) of the comparison grid shown at most.
pub const MAX_VARIANTS: usize = 40;

/// Rows of a file's notes shown at most.
pub const MAX_NOTES: usize = 100;

/// Scenarios of a sensitivity run, and groups of distributions, shown at most (each
/// is a few tables and charts; sensitivity.csv and distribution.csv have them all).
pub const MAX_SECTIONS: usize = crate::chart::MAX_SCENARIOS;

/// Everything the report shows; each command fills what it has.
pub struct Report<'a> {
    /// `run` or `compare`.
    pub command: &'a str,
    /// The terms every scenario is computed under (compare: the shared terms).
    pub terms: &'a Terms,
    /// How amounts are shown and where each term came from.
    pub shown: &'a Shown,
    /// Each scenario under [`Report::terms`]: the headline table, the per-scenario
    /// sections and their ledgers. For `compare`, may be empty.
    pub results: &'a [ScenarioResult],
    /// `compare`'s rows and thresholds.
    pub compare: Option<CompareParts<'a>>,
    /// `sensitivity`'s rows, swings and tornado charts.
    pub sensitivity: Option<SensitivityParts<'a>>,
    /// Distributions over many paths (Monte Carlo), when the run made them.
    pub distributions: Option<&'a Distributed<'a>>,
    /// The charts, in the order they are drawn.
    pub figures: &'a [Figure],
    /// Why no chart is shown, when none is (too many scenarios, say).
    pub no_figures: Option<String>,
    /// The input files (scenarios and terms), with their hashes and notes.
    pub inputs: &'a [InputFile],
    /// The command line, as typed (arguments joined by spaces, quoted where needed).
    pub command_line: &'a str,
    /// The day the report was made (UTC), if known.
    pub date: Option<Date>,
}

/// What `compare` adds to the report.
pub struct CompareParts<'a> {
    pub rows: &'a [CompareRow],
    /// The variants' names, in order (the grid's columns).
    pub variants: Vec<String>,
    /// With `--thresholds`.
    pub thresholds: Option<&'a [Thresholds]>,
    /// As [`CompareInput::coverage`].
    pub coverage: (&'a [(String, Gap)], usize),
}

/// What `sensitivity` adds to the report.
pub struct SensitivityParts<'a> {
    /// The scenarios' names, in input order: the sections' order, and the tornado
    /// charts' stems ([`crate::chart::file_stems`]).
    pub names: &'a [&'a str],
    pub found: &'a Sensitivity,
    pub metrics: &'a [Metric],
    /// The swings asked for (defaults and `--swing`), as given.
    pub swings: &'a [Swing],
    /// The tornado charts ([`sensitivity_figures`]); empty when none is drawn.
    pub figures: &'a [Figure],
}

/// Distributions over many paths, finished: the rows `distribution.csv` and
/// `binding_probability.csv` are made from
/// ([`crate::montecarlo::Distributions::summaries`] and `::probabilities`), and
/// their charts as figures ([`distribution_figures`]; may be empty).
pub struct Distributed<'a> {
    pub rows: &'a [DistSummary],
    pub probabilities: &'a [Probability],
    pub figures: Vec<Figure>,
}

/// One chart: its file stem (as written beside the report), its text alternative and
/// its SVG document.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub name: String,
    /// The scenario the chart belongs to (its section), or `None` for a chart of
    /// every scenario.
    pub scenario: Option<usize>,
    pub alt: String,
    pub svg: String,
}

/// One input file as the footer and the sources section name it.
#[derive(Debug, Clone, PartialEq)]
pub struct InputFile {
    /// As messages name it: the path as given, `built-in:feb2026.csv`, `-`.
    pub name: String,
    /// Lower-case hex; `None` for stdin, which cannot be read again.
    pub sha256: Option<String>,
    /// What scenarios/README.md says of a bundled file (its source).
    pub bundled: Option<&'static str>,
    /// The file's `note`/`source` cells: (row label, text).
    pub notes: Vec<(String, String)>,
    /// How many more notes the file has than are kept.
    pub more_notes: usize,
}

/// The size the report's charts are drawn at, whatever `--chart-size` (which sizes
/// the chart files): the page's widest chart box (60rem, 960 CSS pixels), so on a
/// desktop a chart is shown at its own size and its text at the sizes the charts
/// design for it (labels about 14 px). Narrower screens scale it down to no less
/// than [`CHART_MIN_WIDTH`] and scroll it sideways (docs/spec.md §5.14).
pub const CHART_SIZE: (u32, u32) = (960, 600);

/// The narrowest a chart is shown (CSS pixels): at 390 px a chart scrolls sideways
/// rather than shrink its labels below about 10 px (footnotes 8 px, titles 18 px).
pub const CHART_MIN_WIDTH: u32 = 720;

fn svg_only() -> ChartOptions {
    ChartOptions {
        png: false,
        svg: true,
        width: CHART_SIZE.0,
        height: CHART_SIZE.1,
    }
}

/// The charts of `run` as figures, with text alternatives from the results; none for
/// more than [`crate::chart::MAX_SCENARIOS`] scenarios.
pub fn run_figures(
    results: &[ScenarioResult],
    terms: &Terms,
    shown: &Shown,
) -> Result<Vec<Figure>, Error> {
    if results.len() > crate::chart::MAX_SCENARIOS {
        return Ok(Vec::new());
    }
    let charts = crate::chart::run_charts(results, terms, &svg_only(), shown.unit.as_ref())?;
    let stems = crate::chart::file_stems(results.iter().map(|r| r.name.as_str()));
    let mut out = Vec::new();
    for (name, bytes) in charts {
        let stem = name.strip_suffix(".svg").unwrap_or(&name).to_string();
        let svg = String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))?;
        let (scenario, alt) = if stem == "scenarios-cumulative" {
            (None, all_alt(results, shown))
        } else {
            let i = stems
                .iter()
                .position(|s| stem == format!("{s}-cumulative") || stem == format!("{s}-payments"));
            let r = i.and_then(|i| results.get(i));
            let alt = r.map_or_else(String::new, |r| {
                if stem.ends_with("-payments") {
                    format!(
                        "Bar chart of {}'s payment in each period, the part the cap cuts stacked on top. {}",
                        r.name,
                        sentences(r, terms, shown)
                    )
                } else {
                    format!(
                        "Line chart of {}'s cumulative payments over the term against the cap. {}",
                        r.name,
                        sentences(r, terms, shown)
                    )
                }
            });
            (i, alt)
        };
        out.push(Figure {
            name: stem,
            scenario,
            alt,
            svg,
        });
    }
    Ok(out)
}

/// The charts of `compare` as figures, the chart files' (a rate × cap grid's:
/// [`crate::chart::grid_charts`], its heatmaps of `metric` included); none for more
/// than [`crate::chart::MAX_SCENARIOS`] scenarios.
pub fn compare_figures(
    scenarios: &[Scenario],
    variants: &[Variant],
    rows: &[CompareRow],
    terms: &Terms,
    metric: crate::cli::GridMetric,
    shown: &Shown,
) -> Result<Vec<Figure>, Error> {
    if scenarios.len() > crate::chart::MAX_SCENARIOS {
        return Ok(Vec::new());
    }
    let unit = shown.unit.as_ref();
    let grid = crate::chart::is_grid(variants);
    let charts = if grid {
        crate::chart::grid_charts(scenarios, variants, rows, terms, metric, &svg_only(), unit)?
    } else {
        crate::chart::compare_charts(scenarios, variants, rows, terms, &svg_only(), unit)?
    };
    let stems = crate::chart::file_stems(scenarios.iter().map(|s| s.name.as_str()));
    // A grid's compare charts are its row at the shared rate.
    let drawn: Vec<&Variant> = variants
        .iter()
        .filter(|v| !grid || crate::chart::on_shared(v, terms))
        .collect();
    let names: Vec<&str> = drawn.iter().map(|v| v.name.as_str()).collect();
    // The two cap-axis charts plot only the caps on the shared terms.
    let on_axis: Vec<&str> = drawn
        .iter()
        .filter(|v| crate::chart::compare::on_cap_axis(v, terms))
        .map(|v| v.name.as_str())
        .collect();
    let mut out = Vec::new();
    for (name, bytes) in charts {
        let stem = name.strip_suffix(".svg").unwrap_or(&name).to_string();
        let svg = String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))?;
        let scenario = stems
            .iter()
            .position(|s| {
                stem == format!("{s}-compare-cumulative") || stem == format!("{s}-heatmap")
            })
            .or_else(|| {
                stems
                    .iter()
                    .position(|s| stem.starts_with(&format!("{s}-")) && stem.ends_with("-heatmap"))
            });
        let alt = match (stem.as_str(), scenario.and_then(|i| scenarios.get(i))) {
            (_, Some(s)) if stem.ends_with("-heatmap") => format!(
                "Heatmap of {}'s {} by rate (rows) and cap (columns); compare.csv has every cell.",
                s.name,
                metric_words(metric)
            ),
            ("compare-total-paid", _) => format!(
                "Line chart of each scenario's total paid against the cap, for caps {}.",
                on_axis.join(", ")
            ),
            ("compare-binding-date", _) => format!(
                "Line chart of the date each scenario's cap binds against the cap, for caps {}.",
                on_axis.join(", ")
            ),
            ("compare-grid", _) if grid => {
                "Grid of scenarios by cap at the terms' rate: each cell when the cap binds (the table below gives every rate's figures).".to_string()
            }
            ("compare-grid", _) => {
                "Grid of scenarios by variant: each cell the total paid and when the cap binds (the table below gives the same figures).".to_string()
            }
            (_, Some(s)) => format!(
                "Line chart of {}'s cumulative payments under each variant ({}).",
                s.name,
                names.join(", ")
            ),
            _ => stem.clone(),
        };
        out.push(Figure {
            name: stem,
            scenario,
            alt,
            svg,
        });
    }
    Ok(out)
}

/// What a grid's heatmaps show, in words.
fn metric_words(metric: crate::cli::GridMetric) -> &'static str {
    use crate::cli::GridMetric;
    match metric {
        GridMetric::BindingDate => "binding date",
        GridMetric::TotalPaid => "total paid",
        GridMetric::Foregone => "amount foregone",
        GridMetric::PresentValue => "present value of payments",
    }
}

/// The tornado charts of `sensitivity` as figures, one per scenario and metric, each
/// tied to its scenario's index in `names`; none for more than
/// [`crate::chart::MAX_SCENARIOS`] scenarios.
pub fn sensitivity_figures(
    names: &[&str],
    found: &Sensitivity,
    metrics: &[Metric],
    terms: &Terms,
    shown: &Shown,
) -> Result<Vec<Figure>, Error> {
    if names.len() > crate::chart::MAX_SCENARIOS {
        return Ok(Vec::new());
    }
    let amounts = shown.amounts();
    let charts = crate::chart::tornado_charts(
        names,
        found,
        metrics,
        terms,
        &svg_only(),
        shown.unit.as_ref(),
    )?;
    let stems = crate::chart::file_stems(names.iter().copied());
    let mut out = Vec::new();
    for (name, bytes) in charts {
        let stem = name.strip_suffix(".svg").unwrap_or(&name).to_string();
        let svg = String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))?;
        let found_at = stems.iter().enumerate().find_map(|(i, s)| {
            metrics
                .iter()
                .find(|m| stem == tornado_stem(s, **m))
                .map(|m| (i, *m))
        });
        let alt = found_at.map_or_else(String::new, |(i, metric)| {
            let scenario = names.get(i).copied().unwrap_or_default();
            let rows: Vec<_> = found
                .rows
                .iter()
                .filter(|r| r.scenario == scenario && r.metric == metric)
                .collect();
            let base = rows
                .first()
                .map_or_else(String::new, |r| base_text(r.base, &amounts));
            let top = rows.first().map_or_else(String::new, |r| {
                format!(
                    " The widest swing is {input}'s: {} with {input} at {}, {} with it at {}.",
                    measure_text(r, r.at_low, &amounts),
                    input_text(&r.low, &amounts),
                    measure_text(r, r.at_high, &amounts),
                    input_text(&r.high, &amounts),
                    input = r.input,
                )
            });
            format!(
                "Tornado chart of {scenario}'s {} (base {base}): a bar per input from its value at the input's low end to its value at the high end, widest on top.{top}",
                metric_text(metric)
            )
        });
        out.push(Figure {
            name: stem,
            scenario: found_at.map(|(i, _)| i),
            alt,
            svg,
        });
    }
    Ok(out)
}

/// The stem of the tornado chart of `metric` for the scenario of stem `scenario`.
fn tornado_stem(scenario: &str, metric: Metric) -> String {
    format!("{scenario}-tornado-{}", metric.name().replace('_', "-"))
}

/// A group's name as the report says it: `feb2026`, `feb2026 under cap 30B`.
fn group_name(group: &str, variant: &str) -> String {
    if variant.is_empty() {
        group.to_string()
    } else {
        format!("{group} under {variant}")
    }
}

/// The charts of distributions over many paths as figures: each group's fan and
/// foregone charts tied to the group's index in [`Distributions::groups`], its
/// binding-by-cap chart to the group's first variant at the terms' rate (else its
/// first), the binding probability of every group to none. `terms` are the shared
/// terms (as for the chart files).
pub fn distribution_figures(
    dist: &Distributions,
    terms: &crate::model::Terms,
    shown: &Shown,
) -> Result<Vec<Figure>, Error> {
    let charts = crate::chart::distribution_charts(dist, terms, &svg_only(), shown.unit.as_ref())?;
    let groups = dist.groups();
    let names: Vec<String> = groups
        .iter()
        .map(|g| {
            if g.variant.is_empty() {
                g.group.clone()
            } else {
                format!("{}-{}", g.group, g.variant)
            }
        })
        .collect();
    let stems = crate::chart::file_stems(names.iter().map(String::as_str));
    let mut out = Vec::new();
    for (name, bytes) in charts {
        let stem = name.strip_suffix(".svg").unwrap_or(&name).to_string();
        let svg = String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))?;
        let own = |suffix: &str| stems.iter().position(|s| stem == format!("{s}-{suffix}"));
        let is_by_cap = |g: &crate::montecarlo::distribution::Group| {
            stem == format!(
                "{}-binding-by-cap",
                crate::chart::file_stems([g.group.as_str()]).concat()
            )
        };
        // Beside the group's first variant at the terms' rate (a grid's by-cap chart
        // draws that rate), else its first.
        let by_cap = groups
            .iter()
            .position(|g| is_by_cap(g) && g.rate.is_none_or(|r| r == terms.rate))
            .or_else(|| groups.iter().position(is_by_cap));
        let (scenario, alt) = match (own("fan"), own("foregone"), by_cap) {
            (Some(i), _, _) => {
                let g = groups.get(i);
                let name = g.map_or_else(String::new, |g| group_name(&g.group, &g.variant));
                let paths = g.map_or(0, |g| g.paths());
                (
                    Some(i),
                    format!(
                        "Fan chart of {name}'s cumulative payments over {paths} paths: the middle 90% and 50% of paths as bands, the median paid, the median due with no cap, the cap, and where the binding dates fall (the tables give the figures)."
                    ),
                )
            }
            (_, Some(i), _) => {
                let name = groups
                    .get(i)
                    .map_or_else(String::new, |g| group_name(&g.group, &g.variant));
                (
                    Some(i),
                    format!("Histogram of what the cap saves across {name}'s paths, with the median and the middle 90% marked."),
                )
            }
            (_, _, Some(i)) => {
                let name = groups.get(i).map_or("", |g| g.group.as_str());
                (
                    Some(i),
                    format!("Line chart of the share of {name}'s paths in which the cap has bound by each year-end, against the cap."),
                )
            }
            _ => (
                None,
                "Line chart of the share of paths in which the cap has bound by each date, a line per group (the tables give the share at each year-end).".to_string(),
            ),
        };
        out.push(Figure {
            name: stem,
            scenario,
            alt,
            svg,
        });
    }
    Ok(out)
}

fn sentences(r: &ScenarioResult, terms: &Terms, shown: &Shown) -> String {
    let mut s = super::summary_sentences(r, terms, shown).join("; ");
    if let Some(first) = s.get(..1) {
        let upper = first.to_uppercase();
        s.replace_range(..1, &upper);
    }
    s.push('.');
    s
}

fn all_alt(results: &[ScenarioResult], shown: &Shown) -> String {
    let amounts = shown.amounts();
    let each: Vec<String> = results
        .iter()
        .map(|r| {
            let when = r
                .summary
                .binding_date
                .map_or_else(|| "does not bind".to_string(), |d| format!("binds {d}"));
            format!(
                "{}: {} paid, cap {when}",
                r.name,
                amounts.one(r.summary.total_paid)
            )
        })
        .collect();
    format!(
        "Line chart of every scenario's cumulative payments against the cap. {}.",
        each.join("; ")
    )
}

/// What [`InputFile`]s the inputs and the terms files are: each read once to hash
/// (stdin is not hashed: it cannot be read again), with its notes.
pub fn input_files(inputs: &[Input], shown: &Shown) -> Vec<InputFile> {
    let mut out = Vec::new();
    for input in inputs {
        let name = input.origin();
        match input {
            Input::Stdin(_) => out.push(InputFile {
                name,
                sha256: None,
                bundled: None,
                notes: Vec::new(),
                more_notes: 0,
            }),
            Input::Builtin(f, _) => out.push(file_of(name, Some(f.text.as_bytes()), Some(f.about))),
            Input::File(path, ..) => {
                let bundled = bundled_about(path);
                out.push(read_file_of(name, path, bundled));
            }
        }
    }
    // The terms files, each once, after the scenario files.
    let mut terms: Vec<&str> = shown
        .sources
        .0
        .values()
        .map(String::as_str)
        .filter(|s| *s != "default" && !s.starts_with("--"))
        .collect();
    terms.sort_unstable();
    terms.dedup();
    for t in terms {
        if out.iter().any(|f| f.name == t) {
            continue;
        }
        let path = std::path::Path::new(t);
        let mut f = match crate::builtin::terms(path) {
            Some(b) => file_of(t.to_string(), Some(b.text.as_bytes()), None),
            None => read_file_of(t.to_string(), path, None),
        };
        f.notes.clear();
        out.push(f);
    }
    out
}

/// Files larger than this are hashed but not searched for notes.
const NOTES_MAX_BYTES: usize = 4 << 20;

/// A file's SHA-256 and, when it is at most [`NOTES_MAX_BYTES`], its bytes (for its
/// notes): read a block at a time, so a file of gigabytes is hashed in little memory.
/// `None` if it cannot be read (it was read a moment ago; the footer then says so).
fn read_hashed(path: &std::path::Path) -> Option<(String, Option<Vec<u8>>)> {
    use sha2::Digest;
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = sha2::Sha256::new();
    let mut kept = Some(Vec::new());
    let mut block = vec![0u8; 1 << 16];
    loop {
        let n = match file.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        let read = block.get(..n).unwrap_or_default();
        hasher.update(read);
        if let Some(k) = &mut kept {
            if k.len() + n > NOTES_MAX_BYTES {
                kept = None;
            } else {
                k.extend_from_slice(read);
            }
        }
    }
    Some((hex(&hasher.finalize()), kept))
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn file_of(name: String, bytes: Option<&[u8]>, bundled: Option<&'static str>) -> InputFile {
    use sha2::Digest;
    let sha256 = bytes.map(|b| hex(&sha2::Sha256::digest(b)));
    with_notes(name, sha256, bytes, bundled)
}

fn read_file_of(name: String, path: &std::path::Path, bundled: Option<&'static str>) -> InputFile {
    match read_hashed(path) {
        Some((sha256, bytes)) => with_notes(name, Some(sha256), bytes.as_deref(), bundled),
        None => with_notes(name, None, None, bundled),
    }
}

fn with_notes(
    name: String,
    sha256: Option<String>,
    bytes: Option<&[u8]>,
    bundled: Option<&'static str>,
) -> InputFile {
    let (notes, more_notes) = bytes.map(notes_of).unwrap_or_default();
    InputFile {
        name,
        sha256,
        bundled,
        notes,
        more_notes,
    }
}

/// What scenarios/README.md says of `path` when it is one of the bundled scenario
/// files in a `scenarios` folder.
fn bundled_about(path: &std::path::Path) -> Option<&'static str> {
    let file = path.file_name()?.to_str()?;
    let folder = path.parent()?.file_name()?.to_str()?;
    if folder != crate::builtin::FOLDER {
        return None;
    }
    crate::builtin::SCENARIOS
        .iter()
        .find(|f| f.name == file)
        .map(|f| f.about)
}

/// The `note`, `notes`, `source` or `sources` cells of a delimited file, with the
/// row's scenario and period as its label; at most [`MAX_NOTES`], and how many more.
fn notes_of(bytes: &[u8]) -> (Vec<(String, String)>, usize) {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let Ok(header) = reader.headers().cloned() else {
        return (Vec::new(), 0);
    };
    let find = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.contains(&h.trim().to_ascii_lowercase().as_str()))
    };
    let notes: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            matches!(
                h.trim().to_ascii_lowercase().as_str(),
                "note" | "notes" | "source" | "sources"
            )
        })
        .map(|(i, _)| i)
        .collect();
    if notes.is_empty() {
        return (Vec::new(), 0);
    }
    let scenario = find(&["scenario", "name"]);
    let period = find(&["period", "year", "date"]);
    let (mut out, mut more) = (Vec::new(), 0);
    for record in reader.records().flatten() {
        let text: Vec<&str> = notes
            .iter()
            .filter_map(|&i| record.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if text.is_empty() {
            continue;
        }
        if out.len() >= MAX_NOTES {
            more += 1;
            continue;
        }
        let label: Vec<&str> = [scenario, period]
            .into_iter()
            .flatten()
            .filter_map(|i| record.get(i))
            .map(str::trim)
            .collect();
        out.push((label.join(" "), text.join("; ")));
    }
    (out, more)
}

/// Today's date in UTC, for the footer; `None` if the clock is before 1970.
pub fn today() -> Option<Date> {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs()
        / 86_400;
    Date::from_ymd(1970, 1, 1)?.add_days(i64::try_from(days).ok()?)
}

/// The command line of this process, each argument quoted for a POSIX shell where it
/// needs to be, for the footer.
pub fn command_line() -> String {
    std::env::args_os()
        .enumerate()
        .map(|(i, a)| {
            let a = a.to_string_lossy().into_owned();
            let a = if i == 0 { "revcap".to_string() } else { a };
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=%,+@".contains(c))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The stylesheet: readable from a 320 px phone to a desktop, printable with a page
/// per scenario, and no wider than the screen (wide tables scroll in their own box).
const STYLE: &str = r#"
:root{--ink:#212121;--muted:#555;--rule:#d0d0d0;--band:#f4f6f8;--accent:#0072b2}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0 auto;max-width:72rem;padding:1rem;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:#fff}
p,li,dd,figcaption,h1,h2,h3,summary{overflow-wrap:anywhere}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0}
h2{font-size:1.3rem;margin:2rem 0 .5rem;border-bottom:2px solid var(--rule);padding-bottom:.2rem}
h3{font-size:1.1rem;margin:1.25rem 0 .4rem}
p,ul{max-width:48rem}
.question{font-size:1.1rem}
.muted,figcaption{color:var(--muted)}
.scroll{overflow-x:auto;max-width:100%;margin:.5rem 0 1rem}
table{border-collapse:collapse;overflow-wrap:normal;font-variant-numeric:tabular-nums;font-size:.92rem}
th,td{padding:.3rem .55rem;border-bottom:1px solid var(--rule);vertical-align:top}
thead th{background:var(--band);text-align:left;border-bottom:2px solid var(--rule)}
th[scope=row]{text-align:left;font-weight:600;min-width:8em;max-width:22em;overflow-wrap:anywhere}
td.n,th.n{text-align:right;white-space:nowrap}
td.t{white-space:nowrap}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.35em;vertical-align:-.05em;forced-color-adjust:none}
figure{margin:1rem 0}
.chart svg{display:block;width:100%;height:auto;max-width:60rem}
details{margin:.5rem 0 1rem;border:1px solid var(--rule);border-radius:4px;padding:.3rem .6rem}
summary{cursor:pointer;font-weight:600}
code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.88em}
footer{margin-top:2.5rem;border-top:2px solid var(--rule);font-size:.9rem}
footer dl{display:grid;grid-template-columns:minmax(0,max-content) minmax(0,1fr);gap:.2rem 1rem}
footer dt{font-weight:600}
footer dd{margin:0}
.hash{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.8em;word-break:break-all}
caption{text-align:left;font-weight:600;padding:.2rem 0}
table.sensitivity th[scope=row]{min-width:0;white-space:nowrap}
@media (max-width:40rem){.chart{overflow-x:auto}.chart svg{min-width:CHARTMINpx}body{padding:.6rem;font-size:15px}h1{font-size:1.35rem}th,td{padding:.25rem .4rem}footer dl{grid-template-columns:minmax(0,1fr)}footer dd{margin-bottom:.4rem}}
@media print{
 body{max-width:none;padding:0;font-size:11pt}
 .scenario{break-before:page}
 h2,h3{break-after:avoid}
 figure,tr{break-inside:avoid}
 details{border:none;padding:0}
 details>summary{list-style:none}
 details::details-content{content-visibility:visible;display:block}
 .scroll{overflow:visible}
 table{font-size:8pt}
 th,td{padding:.15rem .3rem}
 a{color:inherit;text-decoration:none}
}
"#;

/// The whole page.
pub fn report(r: &Report) -> Result<String, Error> {
    let amounts = r.shown.amounts();
    let title = format!("revcap {} report", r.command);
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(format!("revcap {}", env!("CARGO_PKG_VERSION")));
                title { (title) }
                style { (PreEscaped(STYLE.replace("CHARTMIN", &CHART_MIN_WIDTH.to_string()))) }
            }
            body {
                header {
                    h1 { (title) }
                    p.question { (question(r)) }
                }
                main {
                    (terms_section(r))
                    (headline_section(r, &amounts))
                    @if let Some(c) = &r.compare { (compare_section(r, c, &amounts)) }
                    @if let Some(sens) = &r.sensitivity { (sensitivity_section(sens, &amounts)) }
                    @if let Some(d) = r.distributions { (distribution_section(d, &amounts)) }
                    (scenario_sections(r, &amounts))
                    (sources_section(r))
                }
                (footer(r))
            }
        }
    };
    Ok(page.into_string())
}

/// The rates of a compare's variants, in order of first appearance, when they are
/// not all the terms' rate (a rate × cap grid); empty otherwise. A scenario's rows
/// are its variants, in order (docs/spec.md §5.3): the first scenario's are read,
/// not a sweep's every row.
fn variant_rates(r: &Report) -> Vec<Decimal> {
    let rows = r.compare.as_ref().map_or(&[][..], |c| c.rows);
    let first = rows.first().map(|row| &*row.scenario);
    let mut seen = std::collections::HashSet::new();
    let rates: Vec<Decimal> = rows
        .iter()
        .take_while(|row| Some(&*row.scenario) == first)
        .map(|row| row.rate)
        .filter(|rate| seen.insert(*rate))
        .collect();
    if rates.iter().all(|&x| x == r.terms.rate) {
        return Vec::new();
    }
    rates
}

/// A rate, or the rates of a grid: `20%`, `per variant: 15%, 20%, 25%`.
fn rate_text(r: &Report) -> String {
    let rates = variant_rates(r);
    if rates.is_empty() {
        percent(r.terms.rate)
    } else {
        let all: Vec<String> = rates.iter().map(|&x| percent(x)).collect();
        format!("per variant: {}", all.join(", "))
    }
}

fn question(r: &Report) -> String {
    let amounts = r.shown.amounts();
    let cap = match (&r.compare, r.terms.cap) {
        (Some(_), _) => "under each variant compared (its cap, or its terms file)".to_string(),
        (None, Some(c)) => format!("under a total cap of {}", amounts.one(c)),
        (None, None) => "with no cap".to_string(),
    };
    if r.sensitivity.is_some() {
        return format!(
            "A revenue share of {} {cap} through {}: how far do the binding date and the payments move when each input is swung from a low to a high value, the others held?",
            percent(r.terms.rate),
            r.terms.through
        );
    }
    if !variant_rates(r).is_empty() {
        return format!(
            "How much does a revenue share at each rate and cap compared pay through {}, when does the cap bind, and what does it save the payer?",
            r.terms.through
        );
    }
    format!(
        "How much does a revenue share of {} {cap} pay through {}, when does the cap bind, and what does it save the payer?",
        percent(r.terms.rate),
        r.terms.through
    )
}

/// `sensitivity`: the swings asked for, then per scenario and metric a table of each
/// input's two ends, widest swing first, and its tornado chart.
fn sensitivity_section(sens: &SensitivityParts, amounts: &Amounts) -> Markup {
    let shown = sens.names.len().min(MAX_SECTIONS);
    let stems = crate::chart::file_stems(sens.names.iter().copied());
    html! {
        section #sensitivity aria-labelledby="sensitivity-h" {
            h2 #sensitivity-h { "Sensitivity" }
            p {
                "Each input is swung from a low to a high value, one at a time, the other terms held at the values above; each end is a separate computation under the same rules. "
                "The swing is how far apart the two ends are (days for the binding date); within a metric the widest swing comes first, and an input whose one end binds the cap while the other does not comes before all. "
                "sensitivity.csv and sensitivity.json hold the exact values."
            }
            @if !sens.swings.is_empty() {
                div.scroll {
                    table #swings {
                        thead { tr { th scope="col" { "Input" } th scope="col" { "Low" } th scope="col" { "High" } } }
                        tbody {
                            // Only inputs swung: no cap or discount rate, nothing to swing.
                            @for sw in sens.swings.iter().filter(|sw| sens.found.rows.iter().any(|r| r.input == sw.input)) {
                                tr { th scope="row" { (sw.input) } td.t { (sw.low.text()) } td.t { (sw.high.text()) } }
                            }
                        }
                    }
                }
            }
            @if !sens.found.notes.is_empty() {
                ul.notes { @for n in &sens.found.notes { li { (n.strip_prefix("note: ").unwrap_or(n)) } } }
            }
            @if sens.figures.is_empty() { @if let Some(why) = crate::chart::skipped(sens.names.len()) { p.muted { (why) } } }
            @if sens.names.len() > MAX_SECTIONS {
                p.muted #sensitivity-more {
                    "The first " (MAX_SECTIONS) " of " (sens.names.len()) " scenarios are shown below; sensitivity.csv has them all."
                }
            }
        }
        @for (i, (name, stem)) in sens.names.iter().zip(&stems).take(shown).enumerate() {
            section.scenario id=(format!("sens-{i}")) aria-labelledby=(format!("sens-{i}-h")) {
                h2 id=(format!("sens-{i}-h")) { (swatch(i)) "Sensitivity of " (name) }
                @for metric in sens.metrics {
                    @let rows: Vec<&crate::analysis::sensitivity::Row> = sens.found.rows.iter().filter(|r| r.scenario == *name && r.metric == *metric).collect();
                    @if let Some(first) = rows.first() {
                        h3 { (capitalize(&metric_text(*metric))) " (base " (base_text(first.base, amounts)) ")" }
                        div.scroll {
                            table.sensitivity {
                                thead { tr {
                                    th scope="col" { "Input" }
                                    th scope="col" .n { "Low" }
                                    th scope="col" .n { "High" }
                                    th scope="col" .n { "At low" }
                                    th scope="col" .n { "At high" }
                                    th scope="col" .n { "Swing" }
                                } }
                                tbody {
                                    @for row in &rows {
                                        tr {
                                            th scope="row" { (row.input) }
                                            td.n { (input_text(&row.low, amounts)) }
                                            td.n { (input_text(&row.high, amounts)) }
                                            td.n { (measure_text(row, row.at_low, amounts)) }
                                            td.n { (measure_text(row, row.at_high, amounts)) }
                                            td.n { (swing_text(row, amounts)) }
                                        }
                                    }
                                }
                            }
                        }
                        @for f in sens.figures.iter().filter(|f| f.scenario == Some(i) && f.name == tornado_stem(stem, *metric)) { (figure(f)) }
                    }
                }
            }
        }
    }
}

/// `text` with its first letter in upper case.
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// A distribution's value for people: an amount, a date, or `not reached` (a
/// binding date among the paths that never bind).
fn dist_value(v: Option<DistValue>, amounts: &Amounts) -> String {
    match v {
        Some(DistValue::Amount(a)) => amounts.one(a),
        Some(DistValue::Date(d)) => d.to_string(),
        None => "not reached".into(),
    }
}

fn dist_metric(m: DistMetric) -> &'static str {
    match m {
        DistMetric::BindingDate => "Binding date",
        DistMetric::TotalPaid => "Total paid",
        DistMetric::Foregone => "Foregone",
        DistMetric::UncappedTotal => "Uncapped",
        DistMetric::EligibleRevenue => "Eligible revenue",
        DistMetric::PresentValue => "Present value",
    }
}

/// Distributions over many paths: the share of paths bound by each date for every
/// group, then per group its percentiles (binding date first, then the amounts), the
/// probability the cap binds by each year-end, and its charts.
fn distribution_section(d: &Distributed, amounts: &Amounts) -> Markup {
    // The groups in order, each with its rows (consecutive, as distribution.csv's).
    let mut groups: Vec<(&str, &str, Vec<&DistSummary>)> = Vec::new();
    for row in d.rows {
        match groups.last_mut() {
            Some((g, v, rows)) if *g == row.group && *v == row.variant => rows.push(row),
            _ => groups.push((&row.group, &row.variant, vec![row])),
        }
    }
    let count = groups.len();
    let all = d.figures.iter().filter(|f| f.scenario.is_none());
    html! {
        section #distributions aria-labelledby="distributions-h" {
            h2 #distributions-h { "Distributions" }
            p {
                "Over many paths: per group, each metric's mean and its percentiles (nearest rank: the p-th percentile of n paths is the ⌈p·n/100⌉-th smallest), and the share of paths in which the cap has bound by each year-end of the term. "
                "A binding date shown as “not reached” falls among the paths whose cap does not bind by the term's end. "
                "distribution.csv and binding_probability.csv hold the exact values."
                @if count > MAX_SECTIONS { " The first " (MAX_SECTIONS) " of " (count) " groups are shown." }
            }
            @for f in all { (figure(f)) }
            @for (i, (group, variant, rows)) in groups.iter().enumerate().take(MAX_SECTIONS) {
                @let name = group_name(group, variant);
                @let paths = rows.first().map_or(0, |r| r.paths);
                @let ordered: Vec<&&DistSummary> = rows.iter().filter(|r| r.metric == DistMetric::BindingDate).chain(rows.iter().filter(|r| r.metric != DistMetric::BindingDate)).collect();
                section.group id=(format!("dist-{i}")) aria-labelledby=(format!("dist-{i}-h")) {
                    h3 id=(format!("dist-{i}-h")) { (swatch(i)) (name) ": " (paths) " paths" }
                    div.scroll {
                        table.percentiles {
                            thead { tr {
                                th scope="col" { "Metric" }
                                th scope="col" .n { "Mean" }
                                th scope="col" .n { "Min" }
                                @for p in PERCENTILES { th scope="col" .n { "p" (p) } }
                                th scope="col" .n { "Max" }
                            } }
                            tbody {
                                @for r in &ordered {
                                    tr {
                                        th scope="row" { (dist_metric(r.metric)) }
                                        td.n { (r.mean.map_or_else(|| "–".to_string(), |m| amounts.one(m))) }
                                        td.n { (dist_value(r.min, amounts)) }
                                        @for v in r.percentiles { td.n { (dist_value(v, amounts)) } }
                                        td.n { (dist_value(r.max, amounts)) }
                                    }
                                }
                            }
                        }
                    }
                    @let probs: Vec<&Probability> = d.probabilities.iter().filter(|p| p.group == *group && p.variant == *variant).collect();
                    @if !probs.is_empty() {
                        div.scroll {
                            table.probability {
                                caption { "Probability the cap binds by each year-end" }
                                thead { tr {
                                    th scope="col" { "By" }
                                    th scope="col" .n { "Paths bound" }
                                    th scope="col" .n { "Probability" }
                                } }
                                tbody {
                                    @for p in &probs {
                                        tr {
                                            th scope="row" { (p.by) }
                                            td.n { (p.bound) " of " (p.paths) }
                                            td.n { (percent2(p.probability)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @for f in d.figures.iter().filter(|f| f.scenario == Some(i)) { (figure(f)) }
                }
            }
        }
    }
}

fn terms_section(r: &Report) -> Markup {
    let t = r.terms;
    let src = &r.shown.sources;
    let amounts = r.shown.amounts();
    let from = match (t.from, super::common_from(t, r.results)) {
        (Some(d), _) => d.to_string(),
        (None, Some(d)) => format!("{d} (first period)"),
        (None, None) => "each scenario's first period".to_string(),
    };
    let cap = match (&r.compare, t.cap) {
        (Some(c), _) => format!("per variant: {}", c.variants.join(", ")),
        (None, Some(c)) => amounts.one(c),
        (None, None) => "none".to_string(),
    };
    let mut rows: Vec<(&str, String, &str)> = vec![
        (
            "Rate",
            rate_text(r),
            if variant_rates(r).is_empty() {
                src.of("rate")
            } else {
                "the command line"
            },
        ),
        (
            "Cap",
            cap,
            if r.compare.is_some() {
                "the command line"
            } else {
                src.of("cap")
            },
        ),
    ];
    for s in &t.rate_steps {
        rows.push((
            "Rate step",
            format!("{} from {}", percent(s.rate), s.from),
            src.of("rate_step"),
        ));
    }
    rows.push((
        "Already paid",
        amounts.one(t.already_paid),
        src.of("already_paid"),
    ));
    rows.push(("Term start", from, src.of("from")));
    rows.push(("Term end", t.through.to_string(), src.of("through")));
    rows.push((
        "Discount rate",
        t.discount_rate.map_or_else(|| "none".to_string(), percent),
        src.of("discount_rate"),
    ));
    html! {
        section #terms aria-labelledby="terms-h" {
            h2 #terms-h { "Terms" }
            p { "Every term, and where its value came from: a flag, a terms file, or revcap's default." }
            div.scroll {
                table {
                    thead { tr { th scope="col" { "Term" } th scope="col" { "Value" } th scope="col" { "From" } } }
                    tbody {
                        @for (name, value, from) in &rows {
                            tr {
                                th scope="row" { (name) }
                                // Short values (dates) on one line; a list of caps wraps.
                                td class=[(value.len() < 24).then_some("t")] { (value) }
                                td { code { (from) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn swatch(i: usize) -> Markup {
    let c = crate::chart::style::scenario_color(i);
    html! { span.swatch aria-hidden="true" style=(format!("background:#{:02x}{:02x}{:02x}", c.0, c.1, c.2)) {} }
}

fn headline_section(r: &Report, amounts: &Amounts) -> Markup {
    let all = r.figures.iter().find(|f| f.name == "scenarios-cumulative");
    let shown = r.results.iter().take(MAX_ROWS);
    html! {
        @if !r.results.is_empty() {
            section #headline aria-labelledby="headline-h" {
                h2 #headline-h { "Headline" }
                p {
                    "Per scenario under the terms above. Amounts are rounded for reading; ledger.csv and result.json hold the exact values."
                    @if r.results.len() > MAX_ROWS {
                        " The first " (MAX_ROWS) " of " (r.results.len()) " scenarios are shown; summary.csv has them all."
                    }
                }
                div.scroll {
                    table {
                        thead { tr {
                            th scope="col" { "Scenario" }
                            th scope="col" { "Cap binds on" }
                            th scope="col" .n { "Total paid" }
                            th scope="col" .n { "Foregone" }
                            th scope="col" .n { "Effective rate" }
                            th scope="col" .n { "Uncapped" }
                        } }
                        tbody {
                            @for (i, s) in shown.enumerate() {
                                tr {
                                    th scope="row" {
                                        (swatch(i))
                                        @if i < MAX_LEDGERS { a href=(format!("#s{i}")) { (s.name) } } @else { (s.name) }
                                    }
                                    td.t { (s.summary.binding_date.map_or_else(|| "does not bind".to_string(), |d| d.to_string())) }
                                    td.n { (amounts.one(s.summary.total_paid)) }
                                    td.n { (amounts.one(s.summary.foregone)) }
                                    td.n { (s.summary.effective_rate.map_or_else(|| "–".to_string(), percent2)) }
                                    td.n { (amounts.one(s.summary.uncapped_total)) }
                                }
                            }
                        }
                    }
                }
                @if let Some(f) = all { (figure(f)) }
                @if let Some(why) = &r.no_figures { p.muted { (why) } }
            }
        }
    }
}

fn figure(f: &Figure) -> Markup {
    // The SVG's own size gives way to the stylesheet's, so it scales to the page.
    let svg = f.svg.replacen(
        &format!(r#"<svg width="{}" height="{}""#, CHART_SIZE.0, CHART_SIZE.1),
        r#"<svg focusable="false" aria-hidden="true""#,
        1,
    );
    let id = format!("fig-{}", crate::chart::sanitize(&f.name));
    html! {
        figure id=(id) {
            div.chart role="img" aria-label=(f.alt) { (PreEscaped(svg)) }
            figcaption { (f.alt) }
        }
    }
}

fn compare_section(r: &Report, c: &CompareParts, amounts: &Amounts) -> Markup {
    // A scenario's rows are consecutive, in variant order (docs/spec.md §5.3): the
    // grid takes the first rows of the first scenarios, by position, so a sweep of a
    // million caps costs no more than the cells shown.
    let mut scenarios: Vec<(&str, &[CompareRow])> = Vec::new();
    let mut count = 0;
    let mut rest = c.rows;
    while let Some(first) = rest.first() {
        let n = rest
            .iter()
            .position(|row| row.scenario != first.scenario)
            .unwrap_or(rest.len());
        let (group, after) = rest.split_at(n);
        if scenarios.len() < MAX_ROWS {
            scenarios.push((&first.scenario, group));
        }
        count += 1;
        rest = after;
    }
    let variants: Vec<&String> = c.variants.iter().take(MAX_VARIANTS).collect();
    let cell = |group: &'_ [CompareRow], j: usize, v: &str| {
        group.get(j).filter(|row| &*row.variant == v).cloned()
    };
    // The thresholds as a grid when every scenario has the same year-ends (a shared
    // term start), else a row per scenario and date.
    let dates = |t: &Thresholds| t.by.iter().map(|b| b.date).collect::<Vec<_>>();
    let same_dates = c.thresholds.is_some_and(|th| {
        th.windows(2)
            .all(|w| w.first().map(dates) == w.get(1).map(dates))
    });
    let figures = r.figures.iter().filter(|f| f.name.starts_with("compare-"));
    html! {
        section #compare aria-labelledby="compare-h" {
            h2 #compare-h { "Comparison" }
            p {
                "Total paid under each variant (columns) for each scenario (rows), and the day the cap binds, or that it does not bind by the term's end. compare.csv holds the exact values."
                @if count > MAX_ROWS { " The first " (MAX_ROWS) " of " (count) " scenarios are shown." }
                @if c.variants.len() > MAX_VARIANTS { " The first " (MAX_VARIANTS) " of " (c.variants.len()) " variants are shown." }
            }
            div.scroll {
                table #grid {
                    thead { tr {
                        th scope="col" { "Scenario" }
                        @for v in &variants { th scope="col" .n { (v) } }
                    } }
                    tbody {
                        @for (i, (s, group)) in scenarios.iter().enumerate() {
                            tr {
                                th scope="row" { (swatch(i)) (s) }
                                @for (j, v) in variants.iter().enumerate() {
                                    td.n {
                                        @if let Some(row) = cell(group, j, v) {
                                            (amounts.one(row.summary.total_paid))
                                            br;
                                            span.muted { (row.summary.binding_date.map_or_else(|| "no bind".to_string(), |d| d.to_string())) }
                                        } @else { "–" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !c.coverage.0.is_empty() {
                p #coverage { "Data that does not cover the whole term; its days outside earn nothing:" }
                ul {
                    @for (name, gap) in c.coverage.0 { li { (name) ": " (gap) } }
                }
                @if c.coverage.1 > MAX_ROWS { p { "The first " (MAX_ROWS) " of " (c.coverage.1) " such scenarios are listed." } }
            }
            @for f in figures { (figure(f)) }
            @if r.results.is_empty() { @if let Some(why) = &r.no_figures { p.muted { (why) } } }
            @if let Some(th) = c.thresholds {
                h3 #thresholds { "Thresholds" }
                p {
                    "For each year-end of the term: a cap at or below the amount shown binds on or before that date. A cap above the last column never binds."
                    @if !variant_rates(r).is_empty() { " At the terms' rate, " (super::rate_with_steps(r.terms)) ", whatever the variants' rates." }
                }
                @if !same_dates {
                    div.scroll {
                        table {
                            thead { tr {
                                th scope="col" { "Scenario" }
                                th scope="col" { "By" }
                                th scope="col" .n { "Cap" }
                            } }
                            tbody {
                                @for t in th.iter().take(MAX_ROWS) {
                                    @for b in &t.by {
                                        tr { th scope="row" { (t.scenario) } td.t { (b.date) } td.n { (amounts.one(b.cap)) } }
                                    }
                                    tr { th scope="row" { (t.scenario) } td { "never above" } td.n { (amounts.one(t.never_binds_above)) } }
                                }
                            }
                        }
                    }
                }
                @if same_dates { div.scroll {
                    table {
                        thead { tr {
                            th scope="col" { "Scenario" }
                            @if let Some(first) = th.first() {
                                @for b in &first.by { th scope="col" .n { "by " (b.date) } }
                            }
                            th scope="col" .n { "Never binds above" }
                        } }
                        tbody {
                            @for t in th.iter().take(MAX_ROWS) {
                                tr {
                                    th scope="row" { (t.scenario) }
                                    @for b in &t.by { td.n { (amounts.one(b.cap)) } }
                                    td.n { (amounts.one(t.never_binds_above)) }
                                }
                            }
                        }
                    }
                } }
            }
        }
    }
}

fn scenario_sections(r: &Report, amounts: &Amounts) -> Markup {
    let shown = r.results.len().min(MAX_LEDGERS);
    html! {
        @if !r.results.is_empty() {
            @if r.results.len() > MAX_LEDGERS {
                p.muted #ledgers-note {
                    "Scenarios in detail: the first " (MAX_LEDGERS) " of " (r.results.len())
                    " are shown below; ledger.csv and result.json have every ledger."
                }
            }
            @for (i, s) in r.results.iter().take(shown).enumerate() {
                section.scenario id=(format!("s{i}")) aria-labelledby=(format!("s{i}-h")) {
                    h2 id=(format!("s{i}-h")) { (swatch(i)) "Scenario " (s.name) }
                    p.muted { "From " code { (s.source) } ", term from " (s.from) " to " (r.terms.through) "." }
                    ul {
                        @for line in super::summary_sentences(s, r.terms, r.shown) { li { (line) } }
                    }
                    @for f in r.figures.iter().filter(|f| f.scenario == Some(i) && !f.name.starts_with("compare-")) { (figure(f)) }
                    @for f in r.figures.iter().filter(|f| f.scenario == Some(i) && f.name.ends_with("-compare-cumulative")) { (figure(f)) }
                    (ledger(s, amounts))
                }
            }
        }
        @if r.results.is_empty() {
            @for group in by_scenario(r.figures) {
                section.scenario { @for f in group { (figure(f)) } }
            }
        }
    }
}

/// `compare`'s charts of one scenario each (its cumulative payments, and a grid's
/// heatmaps), grouped by scenario in order: a section each.
fn by_scenario(figures: &[Figure]) -> Vec<Vec<&Figure>> {
    let mut groups: Vec<(usize, Vec<&Figure>)> = Vec::new();
    let own = figures
        .iter()
        .filter(|f| f.name.ends_with("-compare-cumulative") || f.name.ends_with("-heatmap"));
    for f in own {
        let i = f.scenario.unwrap_or(usize::MAX);
        match groups.iter_mut().find(|(g, _)| *g == i) {
            Some((_, group)) => group.push(f),
            None => groups.push((i, vec![f])),
        }
    }
    groups.sort_by_key(|(i, _)| *i);
    groups.into_iter().map(|(_, g)| g).collect()
}

fn ledger(s: &ScenarioResult, amounts: &Amounts) -> Markup {
    let p = &s.periods;
    let col = |f: fn(&crate::model::PeriodResult) -> Option<Decimal>| {
        amounts.column(p.iter().filter_map(f))
    };
    let revenue = col(|x| Some(x.revenue));
    let eligible = col(|x| Some(x.eligible_revenue));
    let uncapped = col(|x| Some(x.uncapped_payment));
    let paid = col(|x| Some(x.payment));
    let cumulative = col(|x| Some(x.cumulative));
    let remaining = col(|x| x.remaining_cap);
    let pv = col(|x| x.present_value);
    let has_cap = p.iter().any(|x| x.remaining_cap.is_some());
    let has_pv = p.iter().any(|x| x.present_value.is_some());
    let opt =
        |c: &super::Column, v: Option<Decimal>| v.map_or_else(|| "–".to_string(), |v| c.cell(v));
    // Each period's rates as the table shows them (`20%→15%` where a step falls
    // inside it), not only the rate of its last day.
    let mut segments = s.segments.as_slice();
    let rates: Vec<String> = p
        .iter()
        .take(MAX_LEDGER_ROWS)
        .map(|x| match super::table::rates(x, &mut segments) {
            r if r.is_empty() => "–".to_string(),
            r => r,
        })
        .collect();
    html! {
        details {
            summary { "Ledger of " (s.name) " (" (p.len()) " periods)" }
            @if p.len() > MAX_LEDGER_ROWS {
                p { "The first " (MAX_LEDGER_ROWS) " periods are shown; ledger.csv has all " (p.len()) "." }
            }
            div.scroll {
                table {
                    thead { tr {
                        th scope="col" { "Period" }
                        th scope="col" { "Start" }
                        th scope="col" { "End" }
                        th scope="col" .n { (revenue.header("Revenue", false)) }
                        th scope="col" .n { (eligible.header("Eligible", false)) }
                        th scope="col" .n { (uncapped.header("Uncapped", false)) }
                        th scope="col" .n { (paid.header("Paid", false)) }
                        th scope="col" .n { (cumulative.header("Cumulative", false)) }
                        @if has_cap { th scope="col" .n { (remaining.header("Cap left", false)) } }
                        th scope="col" { "Capped" }
                        @if has_pv { th scope="col" .n { (pv.header("Present value", false)) } }
                        th scope="col" .n { "Rate" }
                    } }
                    tbody {
                        @for (x, rate) in p.iter().take(MAX_LEDGER_ROWS).zip(&rates) {
                            tr {
                                th scope="row" { (x.period) }
                                td.t { (x.start) }
                                td.t { (x.end) }
                                td.n { (revenue.cell(x.revenue)) }
                                td.n { (eligible.cell(x.eligible_revenue)) }
                                td.n { (uncapped.cell(x.uncapped_payment)) }
                                td.n { (paid.cell(x.payment)) }
                                td.n { (cumulative.cell(x.cumulative)) }
                                @if has_cap { td.n { (opt(&remaining, x.remaining_cap)) } }
                                td { @if x.capped { "yes" } @else { "no" } }
                                @if has_pv { td.n { (opt(&pv, x.present_value)) } }
                                td.n { (rate) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What scenarios/README.md says of every bundled scenario file.
const BUNDLED_FACTS: [&str; 4] = [
    "Projections of OpenAI's annual revenue in US dollars, one file per vintage; each starts with the reported actuals (2024 $3.7B, 2025 about $13.1B, Reuters).",
    "Where a vintage gives no figure for a year, the year is filled by geometric interpolation between its neighbours (constant growth rate), rounded to $1M; its note says \"interpolated\".",
    "Figures reported as \"over $X\" use X, a lower bound.",
    "The bundled terms (20%, cap $38B, through 2030-12-31) are as reported, not confirmed by the companies; the term start 2026-04-27 (the restructure date) is an assumption: whether revenue or payments before it count toward the cap was not disclosed.",
];

fn sources_section(r: &Report) -> Markup {
    let bundled: Vec<&InputFile> = r.inputs.iter().filter(|f| f.bundled.is_some()).collect();
    let noted: Vec<&InputFile> = r.inputs.iter().filter(|f| !f.notes.is_empty()).collect();
    html! {
        section #sources aria-labelledby="sources-h" {
            h2 #sources-h { "Assumptions and sources" }
            ul {
                li { "Payments accrue day by day: a period's revenue is spread evenly over its days, and the cap can bind on any day (docs/spec.md §4)." }
                li { "Revenue earned outside the term earns nothing; a scenario whose data does not cover the whole term is computed all the same, and says so above." }
                li { "Amounts on this page are rounded for reading; the CSV and JSON files hold the exact values." }
            }
            @if !bundled.is_empty() {
                h3 { "The bundled scenarios" }
                p { "From scenarios/README.md:" }
                ul {
                    @for fact in BUNDLED_FACTS { li { (fact) } }
                    @for f in &bundled { li { code { (f.name) } ": " (f.bundled.unwrap_or_default()) } }
                }
            }
            @for f in &noted {
                h3 { "Notes in " code { (f.name) } }
                @if f.more_notes > 0 { p { "The first " (f.notes.len()) " notes; " (f.more_notes) " more are in the file." } }
                div.scroll {
                    table {
                        thead { tr { th scope="col" { "Row" } th scope="col" { "Note or source" } } }
                        tbody {
                            @for (label, text) in &f.notes { tr { th scope="row" { (label) } td { (text) } } }
                        }
                    }
                }
            }
        }
    }
}

fn footer(r: &Report) -> Markup {
    html! {
        footer {
            h2 #repro { "Reproduce" }
            dl {
                dt { "Command" } dd { code { (r.command_line) } }
                dt { "revcap" } dd { (env!("CARGO_PKG_VERSION")) }
                dt { "Made on" } dd { @match r.date { Some(d) => { (d) " (UTC)" }, None => { "unknown" } } }
                @for f in r.inputs {
                    dt { code { (f.name) } }
                    dd.hash {
                        @match (&f.sha256, f.name.as_str()) {
                            (Some(h), _) => { "SHA-256 " (h) },
                            (None, "-") => { "standard input (not hashed)" },
                            (None, _) => { "not hashed: could not be read again" },
                        }
                    }
                }
            }
        }
    }
}

/// The files `--report` and `--xlsx` ask `run` for: `(file name, bytes)` pairs to
/// stage beside the others. `distributions`, when the run made them, add the
/// report's "Distributions" section and the workbook's `Distributions` and
/// `Binding probability` sheets. `results` may be empty (no headline, no ledgers).
pub fn run_files(
    inputs: &[Input],
    results: &[ScenarioResult],
    terms: &Terms,
    output: &crate::config::Output,
    shown: &Shown,
    distributions: Option<&Distributed>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut out = Vec::new();
    if output.report {
        let figures = run_figures(results, terms, shown)?;
        let files = input_files(inputs, shown);
        let page = report(&Report {
            command: "run",
            terms,
            shown,
            results,
            compare: None,
            sensitivity: None,
            distributions,
            figures: &figures,
            no_figures: crate::chart::skipped(results.len()),
            inputs: &files,
            command_line: &command_line(),
            date: today(),
        })?;
        out.push(("report.html".to_string(), page.into_bytes()));
    }
    if output.xlsx {
        let book = super::xlsx::workbook(&super::xlsx::Workbook {
            terms,
            shown,
            results,
            compare: None,
            on_cap_axis: &[],
            thresholds: None,
            sensitivity: None,
            distributions: distributions.map(|d| (d.rows, d.probabilities)),
        })?;
        out.push((super::xlsx::FILE.to_string(), book));
    }
    Ok(out)
}

/// What `compare` has for [`compare_files`].
pub struct CompareInput<'a> {
    pub inputs: &'a [Input],
    /// The scenarios, for the charts; may be empty (no chart is drawn then).
    pub scenarios: &'a [Scenario],
    /// How many scenarios were compared.
    pub count: usize,
    pub variants: &'a [Variant],
    pub rows: &'a [CompareRow],
    pub thresholds: Option<&'a [Thresholds]>,
    /// The first scenarios' parts of a term their data does not cover, and how many
    /// scenarios have such a part in all.
    pub coverage: (&'a [(String, Gap)], usize),
    pub terms: &'a Terms,
    /// What a rate × cap grid's heatmaps show.
    pub metric: crate::cli::GridMetric,
}

/// The files `--report` and `--xlsx` ask `compare` for: `(file name, bytes)` pairs
/// to stage beside the others, with the distributions when the comparison made them
/// (as [`run_files`]).
pub fn compare_files(
    c: &CompareInput,
    output: &crate::config::Output,
    shown: &Shown,
    distributions: Option<&Distributed>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut out = Vec::new();
    if output.report {
        let figures = compare_figures(c.scenarios, c.variants, c.rows, c.terms, c.metric, shown)?;
        let files = input_files(c.inputs, shown);
        let page = report(&Report {
            command: "compare",
            terms: c.terms,
            shown,
            results: &[],
            compare: Some(CompareParts {
                rows: c.rows,
                variants: c.variants.iter().map(|v| v.name.clone()).collect(),
                thresholds: c.thresholds,
                coverage: c.coverage,
            }),
            sensitivity: None,
            distributions,
            figures: &figures,
            no_figures: crate::chart::skipped(c.count),
            inputs: &files,
            command_line: &command_line(),
            date: today(),
        })?;
        out.push(("report.html".to_string(), page.into_bytes()));
    }
    if output.xlsx {
        let on_axis: Vec<bool> = c
            .variants
            .iter()
            .map(|v| crate::chart::compare::on_cap_axis(v, c.terms))
            .collect();
        let book = super::xlsx::workbook(&super::xlsx::Workbook {
            terms: c.terms,
            shown,
            results: &[],
            compare: Some(c.rows),
            on_cap_axis: &on_axis,
            thresholds: c.thresholds,
            sensitivity: None,
            distributions: distributions.map(|d| (d.rows, d.probabilities)),
        })?;
        out.push((super::xlsx::FILE.to_string(), book));
    }
    Ok(out)
}

/// What `sensitivity` has for [`sensitivity_files`].
pub struct SensitivityInput<'a> {
    pub inputs: &'a [Input],
    /// The scenarios' names, in input order.
    pub names: &'a [&'a str],
    pub found: &'a Sensitivity,
    pub metrics: &'a [Metric],
    pub swings: &'a [Swing],
    pub terms: &'a Terms,
}

/// The files `--report` and `--xlsx` ask `sensitivity` for: `(file name, bytes)`
/// pairs to stage beside the others.
pub fn sensitivity_files(
    s: &SensitivityInput,
    output: &crate::config::Output,
    shown: &Shown,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut out = Vec::new();
    if output.report {
        let figures = sensitivity_figures(s.names, s.found, s.metrics, s.terms, shown)?;
        let files = input_files(s.inputs, shown);
        let page = report(&Report {
            command: "sensitivity",
            terms: s.terms,
            shown,
            results: &[],
            compare: None,
            sensitivity: Some(SensitivityParts {
                names: s.names,
                found: s.found,
                metrics: s.metrics,
                swings: s.swings,
                figures: &figures,
            }),
            distributions: None,
            figures: &[],
            no_figures: crate::chart::skipped(s.names.len()),
            inputs: &files,
            command_line: &command_line(),
            date: today(),
        })?;
        out.push(("report.html".to_string(), page.into_bytes()));
    }
    if output.xlsx {
        let book = super::xlsx::workbook(&super::xlsx::Workbook {
            terms: s.terms,
            shown,
            results: &[],
            compare: None,
            on_cap_axis: &[],
            thresholds: None,
            sensitivity: Some(&s.found.rows),
            distributions: None,
        })?;
        out.push((super::xlsx::FILE.to_string(), book));
    }
    Ok(out)
}
