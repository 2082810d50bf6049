//! `revcap run`: every scenario under one set of terms; files, then stdout.
//!
//! Scenarios are taken, computed and handed to each output a batch at a time
//! ([`super::compare::each_batch`]), in every mode: the ledger, the summary and the
//! JSON document are written into their staged files as they come ([`JsonFile`]), and
//! what is printed only at the end (the table or Markdown view, the CSV or JSON for
//! stdout without files, the warnings) waits in a [`Spool`], on disk once it is large. Only the charts keep results, and
//! only when they are drawn (at most [`crate::chart::MAX_SCENARIOS`] scenarios).

use std::io::Write;

use super::{
    chart_options, gap_warnings, note_skipped_charts, note_written, Consumer, Dist, DistOutputs,
    Start, TinyCaps, Warnings,
};
use crate::config::{Input, Output};
use crate::error::Error;
use crate::model::{Scenario, ScenarioResult, Terms};
use crate::output::{Spool, Staged, StagedFile};
use crate::render::{self, Format, Shown};
use crate::{chart, engine, load, output};

/// Loads every input, computes every scenario a batch at a time and hands each batch
/// to every output, then finishes the files, prints, commits.
pub fn run(
    inputs: &[Input],
    terms: &Terms,
    output: &Output,
    distribution: &crate::config::Distribution,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let opened = load::open_all(inputs);
    let count = opened.scenarios();
    let shown = output.shown.for_headers(opened.currency());
    // The fan chart needs each path's cumulative payments at every period end: kept
    // when the chart files are drawn, or when the report draws them (whatever
    // `--no-charts` says of the files).
    let bands = output.dir.is_some() && (output.charts.is_some() || output.report);
    let paths = distribution.paths.as_ref();
    let dist =
        Dist::new(&opened, distribution, output, terms.through, bands).map(|dist| Summaries {
            dist,
            cap: terms.cap,
            // With --paths the scenarios read are bases: only their paths are summarized.
            of_batches: paths.is_none(),
        });
    let json_head = |from| render::json::run_head(terms, from, &shown).map_err(Error::Internal);
    let mut outs = Outputs {
        start: Start::new(terms),
        warnings: RunWarnings {
            terms,
            lines: Warnings::default(),
            tiny: TinyCaps::default(),
        },
        files: output.dir.clone().map(|dir| Files {
            dir,
            open: None,
            failed: None,
            terms,
            json_head: &json_head,
            printed: output.format,
        }),
        // With files, the scenarios go straight into `result.json` (`Files::take_items`).
        json: (output.dir.is_none() && output.format == Format::Json).then(JsonScenarios::default),
        text: Text::new(output, terms, &shown, paths.is_none()),
        kept: (output.dir.is_some()
            && (chart_options(output, count).is_some() || output.report || output.xlsx))
            .then(Vec::new),
        dist,
    };
    // With --paths the scenarios read are bases: their own results go to the usual
    // outputs, their paths only to the distributions.
    let mut bases = Vec::new();
    super::compare::each_batch(opened, |batch| {
        // A result and its text take far more room than the values behind it: a
        // batch is computed and handed on a part at a time.
        for part in parts(&batch, VALUES_PER_PART) {
            outs.take(compute_all(part, terms)?)?;
        }
        if paths.is_some() {
            bases.extend(batch);
        }
        Ok(())
    })?;
    if let (Some(request), Some(d)) = (paths, &mut outs.dist) {
        let files = outs.files.as_mut().filter(|_| distribution.path_files);
        draw_paths(&bases, request, terms, &mut d.dist, files)?;
    }
    outs.finish(inputs, terms, &shown, output, count, stdout)
}

/// `--paths`: each base's paths, drawn and computed a batch at a time, into the
/// distributions (and, with `--path-files`, the ledger and summary files); no
/// path is kept.
fn draw_paths(
    bases: &[Scenario],
    request: &crate::config::Simulate,
    terms: &Terms,
    dist: &mut Dist,
    mut files: Option<&mut Files<'_>>,
) -> Result<(), Error> {
    super::each_path_batch(bases, request, |base, batch| {
        let group = base.scenario().name.clone();
        for part in parts(&batch, VALUES_PER_PART) {
            let results = compute_all(part, terms)?;
            let key = crate::montecarlo::distribution::Key {
                group: &group,
                variant: "",
                cap: terms.cap,
                rate: None,
            };
            dist.dist.add_results(&key, &results);
            if let Some(files) = &mut files {
                files.take(&results)?;
            }
        }
        Ok(())
    })
}

/// About this many values' results are computed and handed to the outputs at once:
/// enough for every core, few enough that their results (a few hundred bytes a value)
/// and text stay small next to the loaded file.
const VALUES_PER_PART: usize = 4_096;

/// `scenarios` cut into runs of about `values` values (at least one scenario each).
fn parts(scenarios: &[Scenario], values: usize) -> impl Iterator<Item = &[Scenario]> {
    let mut rest = scenarios;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut sum = 0usize;
        let n = rest
            .iter()
            .take_while(|s| {
                let fits = sum == 0 || sum + s.periods.len() <= values;
                sum += s.periods.len().max(1);
                fits
            })
            .count()
            .max(1);
        let (part, tail) = rest.split_at(n.min(rest.len()));
        rest = tail;
        Some(part)
    })
}

/// Every output of one `run`, each handed every batch of results in turn.
struct Outputs<'a> {
    /// The term start the scenarios share, for the terms the views report.
    start: Start<'a>,
    warnings: RunWarnings<'a>,
    /// `ledger.csv`, `summary.csv` and `result.json`, with files.
    files: Option<Files<'a>>,
    /// The scenarios of `--format json` without files.
    json: Option<JsonScenarios>,
    /// What stdout prints when it is not a file's text.
    text: Text<'a>,
    /// The results the charts draw, when they are drawn, or that `--report` and
    /// `--xlsx` lay out (every result: docs/memory.md).
    kept: Option<Vec<ScenarioResult>>,
    /// The distributions, when reported (docs/montecarlo.md).
    dist: Option<Summaries>,
}

impl Outputs<'_> {
    /// Hands one batch's results to every output.
    fn take(&mut self, results: Vec<ScenarioResult>) -> Result<(), Error> {
        let mut outs: Vec<&mut dyn Consumer<[ScenarioResult]>> =
            vec![&mut self.start, &mut self.warnings, &mut self.text];
        if let Some(files) = &mut self.files {
            outs.push(files);
        }
        if let Some(json) = &mut self.json {
            outs.push(json);
        }
        if let Some(dist) = &mut self.dist {
            outs.push(dist);
        }
        for out in outs {
            out.take(&results)?;
        }
        if let Some(files) = &mut self.files {
            files.take_items(&results)?;
        }
        if let Some(kept) = &mut self.kept {
            kept.extend(results);
        }
        Ok(())
    }

    /// Prints the warnings, finishes and stages the files, prints, commits.
    fn finish(
        self,
        inputs: &[Input],
        terms: &Terms,
        shown: &Shown,
        output: &Output,
        count: usize,
        stdout: &mut dyn Write,
    ) -> Result<(), Error> {
        let dist: Option<(Dist, DistOutputs)> = match self.dist {
            Some(d) => {
                let finished = d.dist.finish()?;
                Some((d.dist, finished))
            }
            None => None,
        };
        let from = self.start.shared();
        let json_tail = match &dist {
            Some((_, d)) => d.json_tail()?,
            None => String::new(),
        };
        let mut lines = self.warnings.lines;
        lines.add(self.warnings.tiny.warning())?;
        lines.print();
        let json_head = || render::json::run_head(terms, from, shown).map_err(Error::Internal);
        let mut printed: Option<std::fs::File> = None;
        let mut scenarios = self.json;
        let staged = if let Some(files) = self.files {
            if let Some(e) = files.failed {
                return Err(e);
            }
            let (mut staged, ledger, summary, items) = match files.open {
                Some(open) => (open.staged, open.ledger, open.summary, open.json),
                None => {
                    let (staged, ledger, summary) = Files::start(&files.dir, files.printed)?;
                    (staged, ledger, summary, None)
                }
            };
            let ledger = ledger.finish()?;
            summary.finish()?;
            let (mut json, any) = JsonFile::finish(
                items,
                &mut staged,
                &json_head()?,
                files.printed == Format::Json,
            )?;
            json.write(render::json::close_array(!any).as_bytes())?;
            json.write(json_tail.as_bytes())?;
            json.write(render::json::END.as_bytes())?;
            let json = json.finish()?;
            if let Some((d, finished)) = &dist {
                finished.stage(&mut staged, d, terms, output)?;
            }
            if let (Some(results), Some(opts)) = (&self.kept, chart_options(output, count)) {
                for (name, bytes) in chart::run_charts(results, terms, opts, shown.unit.as_ref())? {
                    staged.add(&name, &bytes)?;
                }
            }
            if let Some(results) = &self.kept {
                let distributed = super::distributed(dist.as_ref(), terms, output, shown)?;
                for (name, bytes) in render::html::run_files(
                    inputs,
                    results,
                    terms,
                    output,
                    shown,
                    distributed.as_ref(),
                )? {
                    staged.add(&name, &bytes)?;
                }
            }
            output::refuse_overwriting_inputs(inputs, &staged)?;
            printed = match output.format {
                Format::Csv => Some(ledger),
                Format::Json => Some(json),
                _ => None,
            };
            Some(staged)
        } else {
            None
        };
        let files = staged.as_ref().map(|s| s.targets().count());
        let mut text = self.text;
        let done = output::print_with_then_commit(
            stdout,
            |out| {
                if let Some(mut file) = printed {
                    return copy_file(&mut file, out);
                }
                match (output.format, &mut scenarios) {
                    (Format::Json, Some(parts)) => {
                        out.write_all(json_head()?.as_bytes())
                            .map_err(Error::Stdout)?;
                        out.write_all(b"[").map_err(Error::Stdout)?;
                        parts.items.copy_to(out, Error::Stdout)?;
                        let end = render::json::close_array(parts.items.is_empty());
                        out.write_all(end.as_bytes()).map_err(Error::Stdout)?;
                        out.write_all(json_tail.as_bytes()).map_err(Error::Stdout)?;
                        out.write_all(render::json::END.as_bytes())
                            .map_err(Error::Stdout)
                    }
                    _ => {
                        text.print(from, out)?;
                        match (&dist, output.format) {
                            (Some((_, d)), Format::Table | Format::Markdown) => out
                                .write_all(
                                    super::dist_text(d.table(shown), output.format).as_bytes(),
                                )
                                .map_err(Error::Stdout),
                            _ => Ok(()),
                        }
                    }
                }
            },
            staged,
        );
        if dist.is_some() {
            super::note_distribution_charts(&done, output, count);
        } else {
            note_skipped_charts(&done, output, count);
        }
        note_written(&done, output, files);
        done
    }
}

/// Copies a staged file, as written, to stdout (past a quarter of memory, leaving the
/// page cache as it goes: [`output::behind::copy`]).
pub(super) fn copy_file(file: &mut std::fs::File, out: &mut dyn Write) -> Result<(), Error> {
    output::behind::copy(file, out).map_err(|e| match e {
        output::behind::CopyError::Read(e) => {
            Error::Internal(format!("cannot read back a staged file: {e}"))
        }
        output::behind::CopyError::Write(e) => Error::Stdout(e),
    })
}

impl Consumer<[ScenarioResult]> for Start<'_> {
    fn take(&mut self, results: &[ScenarioResult]) -> Result<(), Error> {
        self.add(results.iter().map(|r| r.from));
        Ok(())
    }
}

/// The distributions over the scenarios' totals, fed each batch of results, each to
/// its group ([`Dist::add_results`]); with `--paths`, fed the paths instead.
struct Summaries {
    dist: Dist,
    cap: Option<rust_decimal::Decimal>,
    of_batches: bool,
}

impl Consumer<[ScenarioResult]> for Summaries {
    fn take(&mut self, results: &[ScenarioResult]) -> Result<(), Error> {
        if self.of_batches {
            self.dist.add_results(results, self.cap);
        }
        Ok(())
    }
}

/// The warning for each scenario whose data leaves part of the term uncovered.
struct RunWarnings<'a> {
    terms: &'a Terms,
    lines: Warnings,
    tiny: TinyCaps,
}

impl Consumer<[ScenarioResult]> for RunWarnings<'_> {
    fn take(&mut self, results: &[ScenarioResult]) -> Result<(), Error> {
        for r in results {
            let gaps = engine::gaps(&r.summary, r.from, self.terms.through);
            self.lines.add(gap_warnings(&r.source, &r.name, gaps))?;
            self.tiny.add(&r.name, self.terms.cap, &r.summary);
        }
        Ok(())
    }
}

/// `ledger.csv`, `summary.csv` and `result.json`, written a batch at a time into the
/// staged set, which is started with the first batch: once the inputs have shown no
/// problem so far and a batch has been computed.
struct Files<'a> {
    dir: std::path::PathBuf,
    open: Option<OpenFiles>,
    /// Why the files could not be written (the folder is a file, say): reported once
    /// every batch is computed and the warnings are printed, as when the files were
    /// written at the end, so that a problem or a computation's error comes first.
    failed: Option<Error>,
    terms: &'a Terms,
    /// The JSON document's head for a term start.
    json_head: &'a (dyn Fn(Option<crate::model::Date>) -> Result<String, Error> + Sync),
    /// The format printed: its file (the ledger for CSV, `result.json` for JSON) is
    /// read back at the end, the others are not ([`create`]).
    printed: Format,
}

/// Creates `name`, staged to be read back for stdout when `printed`; else written to
/// disk and let go of as it is written ([`Staged::create_unkept`]).
fn create(staged: &mut Staged, name: &str, printed: bool) -> Result<StagedFile, Error> {
    if printed {
        staged.create(name)
    } else {
        staged.create_unkept(name)
    }
}

struct OpenFiles {
    staged: Staged,
    ledger: StagedFile,
    /// Whether the ledger's header is written (before its first line).
    header: bool,
    summary: StagedFile,
    /// `result.json`, from the first batch with a scenario on.
    json: Option<JsonFile>,
}

/// `result.json` as it is written: its head, then the scenarios as they come.
///
/// The head names the term start every scenario shares, known only at the end; it is
/// written for the start the first batch's scenarios share, which the whole run
/// almost always shares too, so that the scenarios go straight into the file rather
/// than through a temporary one as large (`--format json` of millions of periods
/// writes tens of gigabytes). When a later scenario starts on another day, the head
/// is rewritten at the end, the scenarios copied behind it through a temporary file
/// as large as they are ([`JsonFile::finish`];
/// `tests/streaming.rs::a_later_scenario_starting_elsewhere_rewrites_the_json_head`).
struct JsonFile {
    file: StagedFile,
    /// The head written, before the scenarios' `[`.
    head: String,
}

impl JsonFile {
    /// `result.json` under the finished run's `head`, its scenarios written, ready for
    /// the end of their array; and whether it has any scenario. `printed`: it is read
    /// back for stdout ([`create`]).
    fn finish(
        json: Option<JsonFile>,
        staged: &mut Staged,
        head: &str,
        printed: bool,
    ) -> Result<(StagedFile, bool), Error> {
        let items = match json {
            Some(json) if json.head == head => return Ok((json.file, true)),
            Some(json) => {
                let mut items = Spool::new();
                json.file
                    .read_back(json.head.len() as u64 + 1, &mut items)?;
                Some(items)
            }
            None => None,
        };
        let mut file = create(staged, "result.json", printed)?;
        file.write(head.as_bytes())?;
        file.write(b"[")?;
        if let Some(mut items) = items {
            file.append(&mut items)?;
            return Ok((file, true));
        }
        Ok((file, false))
    }
}

impl Files<'_> {
    /// Starts the staged set and its two CSV files, the summary's header written.
    fn start(
        dir: &std::path::Path,
        printed: Format,
    ) -> Result<(Staged, StagedFile, StagedFile), Error> {
        let mut staged = Staged::new(dir)?;
        staged.own_outputs(output::run_output);
        let ledger = create(&mut staged, "ledger.csv", printed == Format::Csv)?;
        // Never printed: the summary table on stdout is made from the results.
        let mut summary = staged.create_unkept("summary.csv")?;
        summary.write(
            render::csv::summary_header()
                .map_err(Error::Internal)?
                .as_bytes(),
        )?;
        Ok((staged, ledger, summary))
    }
}

impl Consumer<[ScenarioResult]> for Files<'_> {
    fn take(&mut self, results: &[ScenarioResult]) -> Result<(), Error> {
        if self.failed.is_none() {
            if let Err(e) = self.write(results) {
                // The staging folder goes with the files.
                self.open = None;
                self.failed = Some(e);
            }
        }
        Ok(())
    }
}

impl Files<'_> {
    /// Writes the scenarios of `results` into `result.json` (which [`Files::take`]
    /// leaves out: the paths of `--path-files` go to the CSV files only). A failure is
    /// kept as there.
    fn take_items(&mut self, results: &[ScenarioResult]) -> Result<(), Error> {
        if self.failed.is_none() && !results.is_empty() {
            if let Err(e) = self.write_items(results) {
                self.open = None;
                self.failed = Some(e);
            }
        }
        Ok(())
    }

    fn write_items(&mut self, results: &[ScenarioResult]) -> Result<(), Error> {
        let Some(open) = &mut self.open else {
            return Ok(());
        };
        let first = open.json.is_none();
        let json = match &mut open.json {
            Some(json) => json,
            None => {
                let mut start = Start::new(self.terms);
                start.add(results.iter().map(|r| r.from));
                let head = (self.json_head)(start.shared())?;
                let printed = self.printed == Format::Json;
                let mut file = create(&mut open.staged, "result.json", printed)?;
                file.write(head.as_bytes())?;
                file.write(b"[")?;
                open.json.insert(JsonFile { file, head })
            }
        };
        for part in render::json::result_parts(results, first, 8).map_err(Error::Internal)? {
            json.file.write(part.as_bytes())?;
        }
        Ok(())
    }

    fn write(&mut self, results: &[ScenarioResult]) -> Result<(), Error> {
        let open = match &mut self.open {
            Some(open) => open,
            None => {
                let (staged, ledger, summary) = Files::start(&self.dir, self.printed)?;
                self.open.insert(OpenFiles {
                    staged,
                    ledger,
                    header: false,
                    summary,
                    json: None,
                })
            }
        };
        for piece in ledger_lines(results, &mut open.header)? {
            open.ledger.write(piece.as_bytes())?;
        }
        let lines = render::csv::summary_rows(results).map_err(Error::Internal)?;
        open.summary.write(lines.as_bytes())
    }
}

/// The ledger lines of `results`, in pieces, the header first if `header` says it is
/// not written yet and there is a line: the same bytes as rendering every result at
/// once (`render::csv::ledger` renders scenario by scenario, its header first when
/// there is a row).
fn ledger_lines(results: &[ScenarioResult], header: &mut bool) -> Result<Vec<String>, Error> {
    let mut lines = render::csv::ledger(results).map_err(Error::Internal)?;
    if lines.iter().any(|l| !l.is_empty()) {
        if *header && !lines.is_empty() {
            lines.remove(0);
        }
        *header = true;
    }
    Ok(lines)
}

/// The items of the JSON document's `scenarios` array, the head of the document
/// (whose `from` depends on every scenario) written in front of them at the end.
#[derive(Default)]
struct JsonScenarios {
    items: Spool,
}

impl Consumer<[ScenarioResult]> for JsonScenarios {
    fn take(&mut self, results: &[ScenarioResult]) -> Result<(), Error> {
        let first = self.items.is_empty();
        // A few scenarios a part, each written and dropped in turn: the part's text
        // is held once, not again joined.
        for part in render::json::result_parts(results, first, 8).map_err(Error::Internal)? {
            self.items.write(part.as_bytes())?;
        }
        Ok(())
    }
}

/// What stdout prints when it is not a file's text: the table or Markdown view (each
/// scenario's part as it comes; the terms line, which names the shared term start,
/// in front at the end), or the ledger's CSV without files.
struct Text<'a> {
    format: Format,
    /// Nothing to keep: stdout prints a file (or the JSON document).
    none: bool,
    terms: &'a Terms,
    shown: &'a Shown,
    body: Spool,
    /// Whether the ledger's header is written (CSV).
    header: bool,
}

impl<'a> Text<'a> {
    /// `blocks`: each scenario's part is printed (not with `--paths`, whose stdout
    /// is the distributions' table after the head).
    fn new(output: &Output, terms: &'a Terms, shown: &'a Shown, blocks: bool) -> Text<'a> {
        let none = match output.format {
            Format::Json => true,
            Format::Csv => output.dir.is_some(),
            Format::Table | Format::Markdown => !blocks,
        };
        Text {
            format: output.format,
            none,
            terms,
            shown,
            body: Spool::new(),
            header: false,
        }
    }

    /// Prints the text, its head first.
    fn print(
        &mut self,
        from: Option<crate::model::Date>,
        out: &mut dyn Write,
    ) -> Result<(), Error> {
        let head = match self.format {
            Format::Table => render::table::run_head(self.terms, from, self.shown),
            Format::Markdown => render::markdown::run_head(self.terms, from, self.shown),
            Format::Csv | Format::Json => String::new(),
        };
        out.write_all(head.as_bytes()).map_err(Error::Stdout)?;
        self.body.copy_to(out, Error::Stdout)
    }
}

impl Consumer<[ScenarioResult]> for Text<'_> {
    fn take(&mut self, results: &[ScenarioResult]) -> Result<(), Error> {
        use rayon::prelude::*;
        if self.none {
            return Ok(());
        }
        let (terms, shown) = (self.terms, self.shown);
        let pieces: Vec<String> = match self.format {
            Format::Csv => ledger_lines(results, &mut self.header)?,
            Format::Table => results
                .par_iter()
                .map(|r| render::table::run_block(r, terms, shown))
                .collect(),
            Format::Markdown => results
                .par_iter()
                .map(|r| render::markdown::run_block(r, terms, shown))
                .collect(),
            Format::Json => Vec::new(),
        };
        for p in pieces {
            self.body.write(p.as_bytes())?;
        }
        Ok(())
    }
}

/// Computes every scenario under `terms`, on every core; the error is the first
/// scenario's in input order, as one after another would give.
pub fn compute_all(scenarios: &[Scenario], terms: &Terms) -> Result<Vec<ScenarioResult>, Error> {
    use rayon::prelude::*;
    let results: Vec<Result<ScenarioResult, Error>> = scenarios
        .par_iter()
        .map(|s| engine::compute(s, terms))
        .collect();
    results.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Period, PeriodInput};

    fn scenario(values: usize) -> Scenario {
        let period = PeriodInput {
            period: Period::year(2026).unwrap(),
            revenue: rust_decimal::Decimal::ONE,
            rate: None,
            line: 2,
        };
        Scenario {
            name: String::new(),
            source: String::new(),
            periods: vec![period; values],
        }
    }

    /// Parts hold about the values asked for, every scenario once, in order; a
    /// scenario larger than a part is a part of its own.
    #[test]
    fn parts_cut_a_batch_by_values() {
        let sizes = [3, 3, 3, 10, 1, 0, 2, 4];
        let batch: Vec<Scenario> = sizes.iter().map(|&n| scenario(n)).collect();
        let cut: Vec<Vec<usize>> = parts(&batch, 6)
            .map(|p| p.iter().map(|s| s.periods.len()).collect())
            .collect();
        assert_eq!(cut, [vec![3, 3], vec![3], vec![10], vec![1, 0, 2], vec![4]]);
        assert_eq!(parts(&[], 6).count(), 0);
    }
}
