//! The commands, one module each, like xsv's `src/cmd/`: each takes its part of a
//! validated [`crate::config::Config`] to printed text and committed files.
//!
//! A new command gets a file here with one public entry point, a variant of
//! [`crate::config::Action`], and an arm in [`crate::run`]. What more than one command
//! needs lives below; reading the inputs is [`crate::load::open_all`], printing and
//! committing files is [`crate::output`].

pub mod compare;
pub mod completions;
pub mod man;
pub mod run;
pub mod scenarios;
pub mod sensitivity;
pub mod simulate;
pub mod solve;
pub mod validate;

use std::io::Write;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
use std::sync::atomic::{AtomicU64, Ordering};

use crate::chart;
use crate::config::{ChartOptions, Output};
use crate::error::{quote, Error, Problem};
use crate::model::Gap;

/// The chart options when charts are to be drawn for `scenarios` scenarios: not when
/// there are too many of them to draw ([`chart::MAX_SCENARIOS`]).
fn chart_options(output: &Output, scenarios: usize) -> Option<&ChartOptions> {
    output
        .charts
        .as_ref()
        .filter(|_| chart::skipped(scenarios).is_none())
}

/// Says on stderr that charts were asked for but not drawn, and why, once the run
/// has succeeded (the note says every other output is complete).
fn note_skipped_charts(done: &Result<(), Error>, output: &Output, scenarios: usize) {
    if done.is_ok() && output.dir.is_some() && output.charts.is_some() {
        if let Some(note) = chart::skipped(scenarios) {
            let _ = writeln!(std::io::stderr(), "{note}");
        }
    }
}

/// Says on stderr how many files a run wrote, and where (the folder as given:
/// `wrote 11 files to output`), once they are in place; nothing with `--no-files`
/// (docs/spec.md §5.8).
fn note_written(done: &Result<(), Error>, output: &Output, files: Option<usize>) {
    if let (Ok(()), Some(dir), Some(n)) = (done, &output.dir, files) {
        let files = if n == 1 { "file" } else { "files" };
        let _ = writeln!(std::io::stderr(), "wrote {n} {files} to {}", dir.display());
    }
}

/// The warning for each part of a term a scenario's data does not cover
/// (docs/spec.md §4.6), as `warning:` lines for stderr.
fn gap_warnings<'a>(
    source: &'a str,
    name: &'a str,
    gaps: impl IntoIterator<Item = Gap> + 'a,
) -> impl Iterator<Item = String> + 'a {
    gaps.into_iter().map(move |g| {
        format!(
            "warning: {}",
            Problem::new(source, g.to_string()).scenario(name)
        )
    })
}

/// Whether every cap of a run is tiny next to what it caps: under a millionth of the
/// scenario's uncapped payments, as when a cap meant in billions is written without
/// its `B` (`--cap 38` against revenue in dollars). The result is right for the cap
/// given, and nothing else would say it is almost surely not the cap meant. One cap
/// that is not tiny (a sweep's larger caps) says nothing. Pinned by `tests/cli.rs`,
/// `a_cap_far_below_the_payments_is_warned_of`.
struct TinyCaps {
    /// Every cap seen so far is tiny.
    every: bool,
    /// The first tiny cap, the uncapped payments it was seen against and whose.
    first: Option<(rust_decimal::Decimal, rust_decimal::Decimal, String)>,
    /// Another cap than the first was seen.
    several: bool,
}

impl Default for TinyCaps {
    fn default() -> Self {
        TinyCaps {
            every: true,
            first: None,
            several: false,
        }
    }
}

impl TinyCaps {
    /// A cap under a millionth of the payments it caps.
    const RATIO: i64 = 1_000_000;

    /// Notes `scenario`'s `summary` under `cap` (none, or 0, says nothing).
    fn add(
        &mut self,
        scenario: &str,
        cap: Option<rust_decimal::Decimal>,
        summary: &crate::model::Summary,
    ) {
        let Some(cap) = cap.filter(|c| self.every && !c.is_zero()) else {
            return;
        };
        let uncapped = summary.uncapped_total;
        if uncapped.is_zero() {
            return;
        }
        // An overflow is a cap far from tiny.
        let tiny = cap
            .checked_mul(rust_decimal::Decimal::from(Self::RATIO))
            .is_some_and(|c| c < uncapped);
        match &self.first {
            _ if !tiny => self.every = false,
            None => self.first = Some((cap, uncapped, scenario.to_string())),
            Some((first, ..)) => self.several |= *first != cap,
        }
    }

    /// The warning, when every cap was tiny.
    fn warning(&self) -> Option<String> {
        let (cap, uncapped, scenario) = self.first.as_ref().filter(|_| self.every)?;
        // The scale that would make the cap the largest it can be without passing the
        // payments: the one most likely meant. A tiny cap leaves room for a thousand.
        let (suffix, scale, _) = [
            ("T", "trillion", 12),
            ("B", "billion", 9),
            ("M", "million", 6),
            ("K", "thousand", 3),
        ]
        .into_iter()
        .find(|&(_, _, e)| {
            cap.checked_mul(rust_decimal::Decimal::from(10i64.pow(e)))
                .is_some_and(|c| c <= *uncapped)
        })?;
        let (cap, uncapped) = (cap.normalize(), uncapped.round_dp(2).normalize());
        let subject = if self.several {
            format!("every cap is under a millionth of the payments it caps ({cap} against")
        } else {
            format!("the cap {cap} is under a millionth of the payments it caps (against")
        };
        Some(format!(
            "warning: {subject} {uncapped} uncapped for scenario {}): a cap is in the revenue's unit, so {cap} is {cap}, not {cap} {scale} (write {cap}{suffix} for that)",
            quote(scenario)
        ))
    }
}

/// [`TinyCaps`] over `scenarios` under `terms`, for the commands that hold their
/// scenarios at once (`solve`, `sensitivity`): a scenario that does not compute is
/// left to the command to report.
fn tiny_cap_warning(
    scenarios: &[crate::model::Scenario],
    terms: &crate::model::Terms,
) -> Option<String> {
    terms.cap?;
    let mut tiny = TinyCaps::default();
    for s in scenarios {
        if let Ok(r) = crate::engine::compute(s, terms) {
            tiny.add(&s.name, terms.cap, &r.summary);
        }
    }
    tiny.warning()
}

/// Prints `lines` on stderr, one a line (commands whose warnings are few: `solve`,
/// `sensitivity`; `run` and `compare` spool theirs, [`Warnings`]).
fn print_warnings(lines: &[String]) {
    let mut err = std::io::stderr().lock();
    for l in lines {
        let _ = writeln!(err, "{l}");
    }
}

/// One output of a command that takes the results a batch at a time, in input
/// order: a file being written, text kept for stdout, the warnings, what the charts
/// draw. A command's loop is "for each batch: compute, then hand the batch's results
/// to each output" (docs/architecture.md); an output keeps what it needs of a batch
/// (text in a spool or a staged file, a few numbers) and nothing more, and is
/// finished by the command once every batch is in.
pub(crate) trait Consumer<B: ?Sized> {
    fn take(&mut self, batch: &B) -> Result<(), crate::error::Error>;
}

/// The coverage warnings of every batch (docs/spec.md §4.6), printed on stderr once
/// every batch is computed; spooled, as a file of millions of scenarios short of the
/// term has millions of them.
#[derive(Default)]
struct Warnings(crate::output::Spool);

impl Warnings {
    /// Adds `lines`, one a line.
    fn add(&mut self, lines: impl IntoIterator<Item = String>) -> Result<(), Error> {
        for l in lines {
            self.0.write(l.as_bytes())?;
            self.0.write(b"\n")?;
        }
        Ok(())
    }

    /// Prints them on stderr.
    fn print(mut self) {
        let mut err = std::io::stderr().lock();
        let _ = self.0.copy_to(&mut err, Error::Stdout);
    }
}

/// The term start every scenario shares, if they share one, gathered a batch at a
/// time: [`crate::engine::common_start`] of every scenario's start.
struct Start<'a> {
    terms: &'a crate::model::Terms,
    first: Option<crate::model::Date>,
    same: bool,
}

impl<'a> Start<'a> {
    fn new(terms: &'a crate::model::Terms) -> Start<'a> {
        Start {
            terms,
            first: None,
            same: true,
        }
    }

    fn add(&mut self, starts: impl IntoIterator<Item = crate::model::Date>) {
        for s in starts {
            match self.first {
                None => self.first = Some(s),
                Some(f) => self.same &= f == s,
            }
        }
    }

    fn shared(&self) -> Option<crate::model::Date> {
        crate::engine::common_start(self.terms, self.first.filter(|_| self.same))
    }
}

/// Distributions over the scenarios of a `run` or a `compare` (docs/montecarlo.md):
/// whether they are reported, which group each scenario is in, and the accumulator
/// fed a batch at a time ([`crate::montecarlo::Distributions`]).
pub(crate) struct Dist {
    /// Input origins whose every scenario is named `<base>.<n>`, as `revcap simulate`
    /// names paths: their scenarios form one group per base, the same groups as
    /// `--paths` draws in process. Other scenarios form one group per input file.
    simulated: std::collections::HashSet<String>,
    pub dist: crate::montecarlo::Distributions,
}

/// Above this many scenarios, distributions are reported without being asked for.
pub(crate) const DISTRIBUTION_ABOVE: usize = 50;

impl Dist {
    /// The distributions of this run, if they are reported: with `--paths` or
    /// `--distribution`, above [`DISTRIBUTION_ABOVE`] scenarios, or when every input
    /// is a file of paths written by `revcap simulate`. `bands` keeps what the fan
    /// chart needs.
    ///
    /// The automatic cases only when something shows them: CSV on stdout without
    /// files (`--format csv --no-files`) prints rows alone, so summarizing a million
    /// scenarios there would be work nobody sees (pinned by
    /// `tests/distribution.rs::csv_without_files_skips_automatic_distributions`).
    pub(crate) fn new(
        opened: &crate::load::Opened,
        request: &crate::config::Distribution,
        output: &crate::config::Output,
        through: crate::model::Date,
        bands: bool,
    ) -> Option<Dist> {
        let simulated: Vec<(String, usize)> = opened
            .files
            .iter()
            .filter_map(|f| Some((f.origin().to_string(), simulated_bases(f.names())?)))
            .collect();
        let all_simulated = !opened.files.is_empty() && simulated.len() == opened.files.len();
        let shown = output.dir.is_some() || output.format != crate::render::Format::Csv;
        let on = request.forced
            || request.paths.is_some()
            || (shown && (opened.scenarios() > DISTRIBUTION_ABOVE || all_simulated));
        if !on {
            return None;
        }
        // How a file's scenarios were grouped rests on their names alone: said.
        for (origin, bases) in &simulated {
            let _ = writeln!(
                std::io::stderr(),
                "note: {origin}: scenarios named <base>.1 to <base>.N, as revcap simulate names paths: summarized as the paths of {bases} base{}",
                if *bases == 1 { "" } else { "s" }
            );
        }
        Some(Dist {
            simulated: simulated.into_iter().map(|(origin, _)| origin).collect(),
            dist: crate::montecarlo::Distributions::new(through, bands),
        })
    }

    /// The group of a scenario read from `source`.
    pub(crate) fn group<'a>(&self, name: &'a str, source: &'a str) -> &'a str {
        if self.simulated.contains(source) {
            simulated_base(name).unwrap_or(name)
        } else {
            source
        }
    }

    /// Adds a batch of `run`'s results, each to its group, under `cap`.
    pub(crate) fn add_results(
        &mut self,
        results: &[crate::model::ScenarioResult],
        cap: Option<rust_decimal::Decimal>,
    ) {
        let mut rest = results;
        while let Some(first) = rest.first() {
            let group = self.group(&first.name, &first.source).to_string();
            let n = rest
                .iter()
                .take_while(|r| self.group(&r.name, &r.source) == group)
                .count()
                .max(1);
            let (same, tail) = rest.split_at(n.min(rest.len()));
            let key = crate::montecarlo::distribution::Key {
                group: &group,
                variant: "",
                cap,
                rate: None,
            };
            self.dist.add_results(&key, same);
            rest = tail;
        }
    }

    /// The rows, probabilities and text of the distributions, once every batch is in.
    pub(crate) fn finish(&self) -> Result<DistOutputs, Error> {
        Ok(DistOutputs {
            rows: self.dist.summaries()?,
            probabilities: self.dist.probabilities()?,
        })
    }
}

/// Returns memory freed since the last call to the system.
///
/// glibc's allocator keeps what a thread frees in that thread's arena for its next
/// allocations, and gives back only the free space at the top of each heap: after
/// the loaded file's buckets are freed one batch at a time and each batch's results
/// come and go on every core, tens of MB that nothing holds stay resident (the
/// 6M-row file's `run` with files: about 45 MB; docs/memory.md). `malloc_trim`
/// releases the free pages of every arena.
pub(crate) fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim takes no pointer and only releases free memory.
        unsafe {
            libc::malloc_trim(0);
        }
        AFTER_TRIM.store(resident_bytes().unwrap_or(0), Ordering::Relaxed);
    }
}

/// [`give_back_freed_memory`] once a batch is done, when the resident size has grown
/// by more than [`REGROWTH`] since memory was last given back.
///
/// Not after every batch: what is given back is touched again by the next batch, and
/// faulting it in again cost more than the work (the 6M-row `compare --format csv
/// --no-files`: 190,000 page faults and 0.4 s of system time with a trim per batch,
/// 57,000 and 0.13 s without). Compare's CSV on stdout frees about as much as it
/// allocates and never grows that much; the modes that write files do, and are
/// trimmed every few batches, so their peak stays within [`REGROWTH`] of the resident
/// size after the last trim (memory freed and never needed again, once nothing grows,
/// stays resident until the last batch is done, when `compare::each_batch` gives it
/// back: that is the trade).
pub(crate) fn give_back_if_grown() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let limit = AFTER_TRIM.load(Ordering::Relaxed).saturating_add(REGROWTH);
        if resident_bytes().is_none_or(|now| now > limit) {
            give_back_freed_memory();
        }
    }
}

/// How much the resident size may grow past what it was after the last trim.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const REGROWTH: u64 = 16 << 20;

/// The resident size after the last [`give_back_freed_memory`], in bytes.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
static AFTER_TRIM: AtomicU64 = AtomicU64::new(0);

/// The process's resident size in bytes (`/proc/self/statm`), or `None` when it
/// cannot be read (then every batch trims, as if it had grown).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    // SAFETY: sysconf only reads a constant of the system.
    let page = u64::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
    let pages = statm.split_whitespace().nth(1)?.parse::<u64>().ok()?;
    Some(pages.saturating_mul(page))
}

/// The base of a path named `<base>.<n>` (n decimal digits), as `revcap simulate`
/// names them.
pub(crate) fn simulated_base(name: &str) -> Option<&str> {
    let (base, n) = name.rsplit_once('.')?;
    (!base.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(base)
}

/// How many bases a file's scenarios are paths of, when they are named as `revcap
/// simulate` names them: every name `<base>.<n>`, and each base's numbers exactly 1
/// to its count, zero-padded to the width of the count (`paths::path_name`). A file
/// of projections named by year (`openai.2026`) or a few numbered plans that skip one
/// is not taken for paths (`tests/simulate.rs::only_files_named_as_simulate_names_paths_are_paths`).
fn simulated_bases(names: &crate::load::Names) -> Option<usize> {
    // Per base: how many, the largest number, and the width of every number.
    let mut bases: std::collections::HashMap<&str, (u64, u64, usize)> =
        std::collections::HashMap::new();
    for name in names.iter() {
        let base = simulated_base(name)?;
        let digits = name.get(base.len() + 1..)?;
        let n: u64 = digits.parse().ok()?;
        let (count, max, width) = bases.entry(base).or_insert((0, 0, digits.len()));
        if *width != digits.len() || n == 0 {
            return None;
        }
        *count += 1;
        *max = (*max).max(n);
    }
    // Names are distinct: numbers from 1, as many as the largest, are 1 to it.
    let paths =
        |&(count, max, width): &(u64, u64, usize)| count == max && width == max.to_string().len();
    (!bases.is_empty() && bases.values().all(paths)).then_some(bases.len())
}

/// The distributions of a finished run in every form.
pub(crate) struct DistOutputs {
    /// Shared with the distributions, which keep what they gave (the charts ask too).
    pub rows: std::sync::Arc<Vec<crate::montecarlo::DistributionSummary>>,
    pub probabilities: std::sync::Arc<Vec<crate::montecarlo::Probability>>,
}

impl DistOutputs {
    /// Stages `distribution.csv`, `binding_probability.csv` and, when charts are
    /// drawn, the distribution charts (which have no limit on scenarios).
    pub(crate) fn stage(
        &self,
        staged: &mut crate::output::Staged,
        dist: &Dist,
        terms: &crate::model::Terms,
        output: &Output,
    ) -> Result<(), Error> {
        use crate::render::distribution as r;
        let csv = r::distribution_csv(&self.rows).map_err(Error::Internal)?;
        staged.add("distribution.csv", csv.as_bytes())?;
        let csv = r::probability_csv(&self.probabilities).map_err(Error::Internal)?;
        staged.add("binding_probability.csv", csv.as_bytes())?;
        if let Some(opts) = &output.charts {
            for (name, bytes) in
                chart::distribution_charts(&dist.dist, terms, opts, output.shown.unit.as_ref())?
            {
                staged.add(&name, &bytes)?;
            }
        }
        Ok(())
    }

    /// The JSON document's `distributions` and `binding_probabilities` arrays, with
    /// the comma before them: written after its last array, before its end.
    pub(crate) fn json_tail(&self) -> Result<String, Error> {
        crate::render::distribution::json_tail(&self.rows, &self.probabilities)
            .map_err(Error::Internal)
    }

    /// The table for stdout, per group (and per cap variant in `compare`).
    pub(crate) fn table(&self, shown: &crate::render::Shown) -> String {
        crate::render::distribution::table(&self.rows, &self.probabilities, shown)
    }

    /// Per group with two or more capped variants, P(binds by each date) per cap.
    pub(crate) fn by_cap(&self, shown: &crate::render::Shown) -> String {
        crate::render::distribution::by_cap(&self.probabilities, shown)
    }
}

/// The distributions' aligned text for a `format` on stdout: in Markdown inside a code
/// fence, where its columns stay columns (as prose they run together).
pub(crate) fn dist_text(text: String, format: crate::render::Format) -> String {
    match format {
        crate::render::Format::Markdown if !text.is_empty() => {
            format!("\n```text\n{}\n```\n", text.trim_end_matches('\n'))
        }
        _ => text,
    }
}

/// What the report and the workbook show of a run's distributions, when both exist:
/// the rows of `distribution.csv` and `binding_probability.csv`, and for the report
/// the distribution charts as SVG.
fn distributed<'a>(
    dist: Option<&'a (Dist, DistOutputs)>,
    terms: &crate::model::Terms,
    output: &Output,
    shown: &crate::render::Shown,
) -> Result<Option<crate::render::html::Distributed<'a>>, Error> {
    let Some((d, finished)) = dist.filter(|_| output.report || output.xlsx) else {
        return Ok(None);
    };
    let figures = if output.report {
        crate::render::html::distribution_figures(&d.dist, terms, shown)?
    } else {
        Vec::new()
    };
    Ok(Some(crate::render::html::Distributed {
        rows: &finished.rows,
        probabilities: &finished.probabilities,
        figures,
    }))
}

/// Says on stderr that per-scenario charts were not drawn for so many scenarios
/// while the distribution charts were, once the run has succeeded.
fn note_distribution_charts(done: &Result<(), Error>, output: &Output, scenarios: usize) {
    if done.is_ok()
        && output.dir.is_some()
        && output.charts.is_some()
        && chart::skipped(scenarios).is_some()
    {
        let _ = writeln!(
            std::io::stderr(),
            "note: no per-scenario charts drawn: {scenarios} scenarios (drawn for at most {}); the distribution charts are drawn",
            chart::MAX_SCENARIOS
        );
    }
}

/// Draws the paths of each base in `bases` (`--paths`) a batch at a time and hands
/// every batch to `each`: no path is written or kept.
pub(crate) fn each_path_batch(
    bases: &[crate::model::Scenario],
    request: &crate::config::Simulate,
    mut each: impl FnMut(&crate::montecarlo::Base, Vec<crate::model::Scenario>) -> Result<(), Error>,
) -> Result<(), Error> {
    let plans = simulate::plans(bases, request)?;
    for base in &plans {
        // About PATH_VALUES_PER_BATCH values a batch: a path's results are a few hundred
        // bytes a period.
        let periods = base.scenario().periods.len().max(1);
        let batch = (PATH_VALUES_PER_BATCH / periods).max(1) as u64;
        for paths in crate::montecarlo::paths::batches(base, request.count, batch) {
            each(base, paths?)?;
        }
    }
    Ok(())
}

/// About this many values' paths are drawn and computed at once with `--paths`.
const PATH_VALUES_PER_BATCH: usize = 65_536;
