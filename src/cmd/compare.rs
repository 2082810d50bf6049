//! `revcap compare`: every scenario under every variant; files, then stdout.
//!
//! Scenarios are taken from the files, checked and compared a batch at a time, so a
//! file of millions of values never exists as scenarios all at once; only the charts
//! keep them. Every problem of every file is still found before anything is printed
//! or written (`each_batch`). CSV on stdout alone keeps no row (`stream_csv`);
//! every other output keeps the rows, to render them at the end (`keep_rows`).

use std::io::Write;

use super::{
    chart_options, gap_warnings, note_skipped_charts, note_written, print_warnings, Rendered,
};
use crate::config::{Input, Output, Variant};
use crate::error::Error;
use crate::load::{self, Opened};
use crate::model::{CompareRow, Date, Gap, Scenario, Terms, Threshold, Thresholds};
use crate::render::{Format, Shown};
use crate::{chart, engine, output, render};

/// What `compare` is asked for (the command's part of the validated config).
pub struct Request<'a> {
    pub inputs: &'a [Input],
    /// The terms shared by the cap variants, the thresholds and the JSON `terms`.
    pub terms: &'a Terms,
    pub variants: &'a [Variant],
    pub thresholds: bool,
    pub output: &'a Output,
}

/// Compares every scenario of the inputs under every variant, then writes and prints.
pub fn compare(req: &Request, stdout: &mut dyn Write) -> Result<(), Error> {
    if req.output.dir.is_none() && req.output.format == Format::Csv {
        stream_csv(req, stdout)
    } else {
        keep_rows(req, stdout)
    }
}

/// `--format csv` with no files: each batch is printed into text as it is computed,
/// so memory follows the text, not the rows behind it.
fn stream_csv(req: &Request, stdout: &mut dyn Write) -> Result<(), Error> {
    let opened = load::open_all(req.inputs);
    let plan = Plan::new(req.terms, req.variants, opened.scenarios());
    let mut text = Vec::new();
    let mut warnings = Vec::new();
    let done = each_batch(opened, |batch| {
        text.append(&mut plan.csv_lines(&batch)?);
        warnings.extend(plan.gap_warnings(&batch));
        Ok(())
    });
    plan.finish();
    done?;
    print_warnings(&warnings);
    text.insert(0, render::csv::compare_header().map_err(Error::Internal)?);
    output::print_then_commit(stdout, &text, None)
}

/// What every other output needs of every batch.
struct Kept {
    rows: Vec<CompareRow>,
    thresholds: Vec<Thresholds>,
    /// Each scenario's term start, for the shared one the outputs report.
    starts: Vec<Date>,
    /// Only when charts are drawn.
    scenarios: Vec<Scenario>,
    /// How many scenarios the inputs name.
    count: usize,
    /// The scenarios' coverage warnings, printed once every batch is computed.
    warnings: Vec<String>,
    /// The gaps behind them, per scenario that has any, for the table's sentences.
    coverage: Vec<(String, Vec<Gap>)>,
}

/// Every output but `--format csv` alone: the rows of every batch are kept, then
/// rendered ([`present`]).
fn keep_rows(req: &Request, stdout: &mut dyn Write) -> Result<(), Error> {
    let opened = load::open_all(req.inputs);
    let count = opened.scenarios();
    let shown = req.output.shown.for_headers(opened.currency());
    let charts = req.output.dir.is_some()
        && (chart_options(req.output, count).is_some()
            || (req.output.report && chart::skipped(count).is_none()));
    let plan = Plan::new(req.terms, req.variants, count);
    let mut kept = Kept {
        rows: Vec::with_capacity(count.saturating_mul(req.variants.len())),
        thresholds: Vec::new(),
        starts: Vec::new(),
        scenarios: Vec::new(),
        count,
        warnings: Vec::new(),
        coverage: Vec::new(),
    };
    let done = each_batch(opened, |batch| {
        let (mut rows, mut thresholds) = plan.rows(&batch)?;
        kept.rows.append(&mut rows);
        kept.thresholds.append(&mut thresholds);
        kept.warnings.extend(plan.gap_warnings(&batch));
        for s in batch.iter() {
            let gaps = plan.gaps(s);
            if !gaps.is_empty() {
                kept.coverage.push((s.name.clone(), gaps));
            }
        }
        kept.starts
            .extend(batch.iter().map(|s| engine::term_start(s, req.terms)));
        if charts {
            kept.scenarios.extend(batch);
        }
        Ok(())
    });
    plan.finish();
    done?;
    print_warnings(&kept.warnings);
    present(req, kept, &shown, stdout)
}

/// Renders the rows kept, stages the files, prints, commits.
fn present(req: &Request, kept: Kept, shown: &Shown, stdout: &mut dyn Write) -> Result<(), Error> {
    let (terms, variants, output) = (req.terms, req.variants, req.output);
    let view = render::CompareView {
        rows: &kept.rows,
        terms,
        shared: shared_terms(terms, variants),
        from: engine::common_start(terms, kept.starts),
        thresholds: req.thresholds.then_some(kept.thresholds.as_slice()),
        coverage: &kept.coverage,
        shown,
    };
    let rendered = Rendered::new(output, |f| f.compare(&view))?;
    let staged = if let Some(dir) = &output.dir {
        let mut staged = output::Staged::new(dir)?;
        staged.add_parts("compare.csv", rendered.csv())?;
        staged.add_parts("compare.json", rendered.json())?;
        if let Some(opts) = chart_options(output, kept.count) {
            for (name, bytes) in chart::compare_charts(
                &kept.scenarios,
                variants,
                view.rows,
                terms,
                opts,
                shown.unit.as_ref(),
            )? {
                staged.add(&name, &bytes)?;
            }
        }
        let extra = render::html::CompareInput {
            inputs: req.inputs,
            scenarios: &kept.scenarios,
            count: kept.count,
            variants,
            rows: view.rows,
            thresholds: view.thresholds,
            terms,
        };
        for (name, bytes) in render::html::compare_files(&extra, output, shown)? {
            staged.add(&name, &bytes)?;
        }
        output::refuse_overwriting_inputs(req.inputs, &staged)?;
        Some(staged)
    } else {
        None
    };
    let text = rendered.stdout(output.format)?;
    let files = staged.as_ref().map(|s| s.targets().count());
    let done = output::print_then_commit(stdout, &text, staged);
    note_skipped_charts(&done, output, kept.count);
    note_written(&done, output, files);
    done
}

/// Which terms the variants share, for the header line of the text formats.
fn shared_terms<'a>(terms: &'a Terms, variants: &[Variant]) -> render::SharedTerms<'a> {
    match variants.iter().filter(|v| !v.from_file).count() {
        0 => render::SharedTerms::None,
        n if n == variants.len() => render::SharedTerms::All(terms),
        _ => render::SharedTerms::Some(terms),
    }
}

/// Takes every batch of every file, handing each to `each` while the next is taken
/// (sorted and checked: partly one core's work). Once a problem is found or `each`
/// fails, no more batch is handed over, but every file is still checked to the end,
/// so the error lists every problem; `each`'s error is returned only if there is none.
pub(super) fn each_batch(
    opened: Opened,
    mut each: impl FnMut(Vec<Scenario>) -> Result<(), Error> + Send,
) -> Result<(), Error> {
    let Opened {
        mut files,
        mut problems,
        repeated,
    } = opened;
    let mut failed = None;
    for file in &mut files {
        problems.extend(file.take_problems());
        let mut next = file.next_batch();
        while let Some((batch, p)) = next.take() {
            problems.extend(p);
            let skip = !problems.is_empty() || !repeated.is_empty() || failed.is_some();
            let (done, following) = rayon::join(
                || if skip { Ok(()) } else { each(batch) },
                || file.next_batch(),
            );
            next = following;
            if let Err(e) = done {
                failed = Some(e);
            }
        }
    }
    problems.extend(repeated);
    if !problems.is_empty() {
        return Err(Error::Problems(problems.into_vec()));
    }
    failed.map_or(Ok(()), Err)
}

/// Every scenario under every variant, scenario by scenario, and each scenario's
/// thresholds under the shared terms.
///
/// Variants that differ from the shared terms only in their cap are answered by one
/// [`engine::Sweep`] per scenario (a binary search per cap); other variants (whole
/// terms files) run the engine.
pub fn compare_all(
    scenarios: &[Scenario],
    terms: &Terms,
    variants: &[Variant],
) -> Result<(Vec<CompareRow>, Vec<Thresholds>), Error> {
    let plan = Plan::new(terms, variants, scenarios.len());
    let result = plan.rows(scenarios);
    plan.finish();
    result
}

/// Variants per piece of work in a long sweep: one scenario's rows are computed and
/// printed this many at a time, so no more are held at once per core.
const VARIANTS_PER_PIECE: usize = 4096;

/// About this many rows make a piece when variants are few: scenarios are grouped so
/// that a piece is worth printing on its own, and pieces stay small enough to share
/// out evenly between the cores.
const ROWS_PER_PIECE: usize = 1024;

/// What every batch of a compare shares: the variants, which of them a sweep answers
/// (decided once per variant, not per scenario), and the progress bar.
struct Plan<'a> {
    terms: &'a Terms,
    variants: &'a [Variant],
    sweepable: Vec<bool>,
    /// One variant's terms for each term (start and end) the variants use: what the
    /// coverage of a scenario is checked against, once per distinct term.
    spans: Vec<&'a Terms>,
    progress: indicatif::ProgressBar,
}

impl<'a> Plan<'a> {
    /// For `scenarios` scenarios in all (the progress bar's length).
    fn new(terms: &'a Terms, variants: &'a [Variant], scenarios: usize) -> Plan<'a> {
        Plan {
            terms,
            variants,
            sweepable: sweepable(terms, variants),
            spans: spans(variants),
            progress: progress_bar(scenarios, variants.len()),
        }
    }

    /// The coverage warnings of `scenarios` (docs/spec.md §4.6).
    fn gap_warnings(&self, scenarios: &[Scenario]) -> Vec<String> {
        scenarios
            .iter()
            .flat_map(|s| gap_warnings(&s.source, &s.name, self.gaps(s)).collect::<Vec<_>>())
            .collect()
    }

    /// Each part of a term that `s`'s data does not cover, once however many
    /// variants share it.
    fn gaps(&self, s: &Scenario) -> Vec<Gap> {
        let mut gaps = Vec::new();
        for t in &self.spans {
            for g in engine::scenario_gaps(s, t) {
                if !gaps.contains(&g) {
                    gaps.push(g);
                }
            }
        }
        gaps
    }

    /// Clears the progress bar.
    fn finish(&self) {
        self.progress.finish_and_clear();
    }

    /// The rows of `scenarios` under every variant, and their thresholds, in order.
    fn rows(&self, scenarios: &[Scenario]) -> Result<(Vec<CompareRow>, Vec<Thresholds>), Error> {
        let pieces = self.pieces(scenarios, || (), |(), rows, ths| Ok((rows, ths)))?;
        let mut rows = Vec::with_capacity(scenarios.len().saturating_mul(self.variants.len()));
        let mut thresholds = Vec::with_capacity(scenarios.len());
        for (mut r, mut t) in pieces {
            rows.append(&mut r);
            thresholds.append(&mut t);
        }
        Ok((rows, thresholds))
    }

    /// The CSV lines of the rows of `scenarios` alone, in pieces: each piece is
    /// printed into text as soon as it is computed, so no row is kept.
    fn csv_lines(&self, scenarios: &[Scenario]) -> Result<Vec<String>, Error> {
        self.pieces(scenarios, render::csv::RowWriter::new, |writer, rows, _| {
            writer.rows(&rows).map_err(Error::Internal)
        })
    }

    /// Computes the pieces of `scenarios` ([`Plan::split`]) on every core, counting
    /// scenarios on the progress bar, and gives what `keep` makes of each piece's rows
    /// and thresholds (with a state from `init` per worker), in order; the error is
    /// the first piece's in order.
    fn pieces<S, T: Send>(
        &self,
        scenarios: &[Scenario],
        init: impl Fn() -> S + Sync + Send,
        keep: impl Fn(&mut S, Vec<CompareRow>, Vec<Thresholds>) -> Result<T, Error> + Sync + Send,
    ) -> Result<Vec<T>, Error> {
        use rayon::prelude::*;
        let n = self.variants.len();
        let done: Vec<Result<T, Error>> = self
            .split(scenarios.len())
            .par_iter()
            .map_init(init, |state, &(first, count, from, len)| {
                let to = from.saturating_add(len).min(n);
                let (vs, fast) = (
                    self.variants.get(from..to).unwrap_or_default(),
                    self.sweepable.get(from..to).unwrap_or_default(),
                );
                let end = first.saturating_add(count).min(scenarios.len());
                let mut rows = Vec::with_capacity((end - first).saturating_mul(vs.len()));
                let mut thresholds = Vec::new();
                for s in scenarios.get(first..end).unwrap_or_default() {
                    // Thresholds once per scenario, in every mode: printed or not,
                    // a threshold out of Decimal's range fails the compare alike.
                    let (mut r, t) = compare_one(s, self.terms, vs, fast, from == 0)?;
                    rows.append(&mut r);
                    thresholds.extend(t);
                    if to == n {
                        self.progress.inc(1);
                    }
                }
                keep(state, rows, thresholds)
            })
            .collect();
        done.into_iter().collect()
    }

    /// The pieces of work for `scenarios` scenarios, as (first scenario, scenarios,
    /// first variant, variants): several scenarios under every variant, or one
    /// scenario under some of them.
    fn split(&self, scenarios: usize) -> Vec<(usize, usize, usize, usize)> {
        let n = self.variants.len();
        let per_scenario = (ROWS_PER_PIECE / n.max(1)).max(1);
        if n > VARIANTS_PER_PIECE {
            (0..scenarios)
                .flat_map(|i| {
                    (0..n)
                        .step_by(VARIANTS_PER_PIECE)
                        .map(move |v| (i, 1, v, VARIANTS_PER_PIECE))
                })
                .collect()
        } else {
            (0..scenarios)
                .step_by(per_scenario)
                .map(|i| (i, per_scenario, 0, n))
                .collect()
        }
    }
}

/// The variants' terms, one for each distinct (start, end) of the term, in order.
fn spans(variants: &[Variant]) -> Vec<&Terms> {
    let mut out: Vec<&Terms> = Vec::new();
    for v in variants {
        let t = &v.terms;
        if !out
            .iter()
            .any(|o| (o.from, o.through) == (t.from, t.through))
        {
            out.push(t);
        }
    }
    out
}

/// Which variants a [`engine::Sweep`] answers: those whose terms differ from the shared
/// ones in their cap alone.
fn sweepable(terms: &Terms, variants: &[Variant]) -> Vec<bool> {
    let shared = engine::without_cap(terms);
    variants
        .iter()
        .map(|v| engine::without_cap(&v.terms) == shared)
        .collect()
}

/// One scenario under `variants`, and, when asked, its thresholds.
fn compare_one(
    s: &Scenario,
    terms: &Terms,
    variants: &[Variant],
    sweepable: &[bool],
    with_thresholds: bool,
) -> Result<(Vec<CompareRow>, Option<Thresholds>), Error> {
    let sweep = engine::Sweep::new(s, terms)?;
    let overflow = || engine::overflow(s, None, "payment");
    let mut rows = Vec::with_capacity(variants.len());
    for (v, &fast) in variants.iter().zip(sweepable) {
        let summary = if fast {
            sweep.summary(v.terms.cap).ok_or_else(overflow)?
        } else {
            engine::compute(s, &v.terms)?.summary
        };
        rows.push(CompareRow {
            scenario: s.name.clone(),
            variant: v.name.clone(),
            cap: v.terms.cap,
            summary,
        });
    }
    if !with_thresholds {
        return Ok((rows, None));
    }
    let by = sweep.thresholds().ok_or_else(overflow)?;
    let thresholds = Thresholds {
        scenario: s.name.clone(),
        by: by
            .into_iter()
            .map(|(date, cap)| Threshold {
                date,
                cap: cap.normalize(),
            })
            .collect(),
        // Normalized like every computed amount, so one value prints one way.
        never_binds_above: terms
            .already_paid
            .checked_add(sweep.uncapped().summary.uncapped_total)
            .ok_or_else(overflow)?
            .normalize(),
    };
    Ok((rows, Some(thresholds)))
}

/// A progress bar on stderr for long sweeps, shown only on a terminal.
fn progress_bar(scenarios: usize, variants: usize) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if scenarios.saturating_mul(variants) < 1_000_000 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(scenarios as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} scenarios {eta}")
    {
        bar.set_style(style);
    }
    bar
}
