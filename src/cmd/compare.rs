//! `revcap compare`: every scenario under every variant; files, then stdout.
//!
//! Scenarios are taken from the files, checked and compared a batch at a time
//! ([`each_batch`]), and each batch's rows are handed to every output a piece at a
//! time as they are computed ([`Plan::each_piece`]): `compare.csv` is written into
//! its staged file as it comes, and what can only be put together at the end (the
//! text for stdout, the JSON document's arrays, the table's rows until its column
//! widths are known, the warnings) waits in a [`Spool`], on disk once it is large.
//! Only the charts keep scenarios and rows, and only when they are drawn. Every
//! problem of every file is still found before anything is printed or written.

use std::io::Write;
use std::sync::Arc;

use super::{
    chart_options, gap_warnings, note_skipped_charts, note_written, Consumer, Dist, DistOutputs,
    Start, TinyCaps, Warnings,
};
use crate::cli::{GridMetric, HeatMetric};
use crate::config::{Input, Output, Variant};
use crate::error::Error;
use crate::load::{self, Opened};
use crate::model::{CompareRow, Gap, Scenario, Terms, Threshold, Thresholds};
use crate::output::{Spool, Staged, StagedFile};
use crate::render::table::{CompareLine, Layout, Style, ThresholdLine};
use crate::render::{Format, Shown};
use crate::{chart, engine, output, render};

/// What `compare` is asked for (the command's part of the validated config).
pub struct Request<'a> {
    pub inputs: &'a [Input],
    /// The terms shared by the cap variants, the thresholds and the JSON `terms`.
    pub terms: &'a Terms,
    pub variants: &'a [Variant],
    pub thresholds: bool,
    /// What the heatmaps of a rate × cap grid show.
    pub metric: crate::cli::HeatMetric,
    pub output: &'a Output,
    /// Distributions per cap variant (docs/montecarlo.md).
    pub distribution: &'a crate::config::Distribution,
}

/// Compares every scenario of the inputs under every variant, a batch at a time,
/// handing each piece of rows to every output; then writes and prints.
pub fn compare(req: &Request, stdout: &mut dyn Write) -> Result<(), Error> {
    let opened = load::open_all(req.inputs);
    let count = opened.scenarios();
    let shown = req.output.shown.for_headers(opened.currency());
    let output = req.output;
    let files = output.dir.is_some();
    // The report draws the charts too (as SVG), with or without chart files.
    let charts = files
        && (chart_options(output, count).is_some()
            || (output.report && chart::skipped(count).is_none()));
    let style = match output.format {
        Format::Table => Some(Style::Terminal),
        Format::Markdown => Some(Style::Markdown),
        Format::Csv | Format::Json => None,
    };
    let mut plan = Plan::new(req.terms, req.variants, count);
    plan.keep_thresholds = req.thresholds;
    let mut dist = Dist::new(&opened, req.distribution, output, req.terms.through, false);
    if let (HeatMetric::Probability(_), None) = (req.metric, &dist) {
        return Err(Error::Usage(
            "error: --metric probability:YEAR needs distributions: give --paths N (with --volatility) or --distribution".into(),
        ));
    }
    let paths = req.distribution.paths.as_ref();
    let mut outs = Outputs {
        start: Start::new(req.terms),
        warnings: Warnings::default(),
        tiny: TinyCaps::default(),
        csv: CsvRows {
            file: output.dir.clone().map(|dir| (dir, None)),
            stdout: (!files && output.format == Format::Csv).then(
                || match output::StdoutFile::open(req.inputs) {
                    Some(file) => StdoutRows::Direct(file),
                    None => StdoutRows::Spooled(Spool::new()),
                },
            ),
            failed: None,
        },
        json: (files || output.format == Format::Json).then(JsonParts::default),
        // With --paths, stdout is the distributions' table.
        table: style
            .filter(|_| paths.is_none())
            .map(|style| TableParts::new(style, &shown)),
        // At most chart::MAX_SCENARIOS scenarios: their rows are reserved at once, as
        // growing by doubling would hold up to twice them (and, while growing, the
        // old rows beside the new) with a sweep of many caps.
        charts: charts.then(|| {
            (
                Vec::with_capacity(count),
                Vec::with_capacity(count.saturating_mul(req.variants.len())),
            )
        }),
        laid_out: (files && (output.report || output.xlsx)).then(LaidOut::default),
    };
    let csv = outs.csv.file.is_some() || outs.csv.stdout.is_some();
    let json = outs.json.is_some();
    // What each piece's table text counts its amounts into, when there is a table.
    let table = outs.table.as_ref().map(TableParts::counters);
    let mut bases = Vec::new();
    let done = each_batch(opened, |batch| {
        outs.scenarios(&plan, &batch)?;
        let from_file = dist.as_mut().filter(|_| paths.is_none());
        let mut fed = from_file.map(|d| DistFeed::new(d, &batch, req.variants));
        plan.each_piece(
            &batch,
            // The plan makes the thresholds only when they are asked for (and checks
            // them in every mode: an overflow fails alike).
            |rows, thresholds| Piece::new(rows, thresholds, csv, json, table.as_ref()),
            |piece| {
                if let Some(f) = &mut fed {
                    f.add(&piece.rows);
                }
                outs.take(&piece)
            },
        )?;
        if paths.is_some() {
            bases.extend(batch.iter().cloned());
        }
        if let Some((scenarios, _)) = &mut outs.charts {
            scenarios.extend(batch);
        } else {
            // Freed on whichever core is free, not here: a batch's scenarios are a
            // few thousand allocations, and freeing them here left the other core
            // idle at the end of every batch (bench/README.md).
            rayon::spawn(move || drop(batch));
        }
        Ok(())
    });
    let drawn = match (done, paths, &mut dist) {
        (Ok(()), Some(request), Some(d)) => draw_paths(&plan, &bases, request, req.variants, d),
        (done, ..) => done,
    };
    plan.finish();
    drawn?;
    let dist = match dist {
        Some(d) => {
            let finished = d.finish()?;
            Some((d, finished))
        }
        None => None,
    };
    outs.finish(req, &shown, count, dist, stdout)
}

/// Feeds the rows of one batch to the distributions: each row to its scenario's
/// group, under its variant and cap, from the variant's term start.
struct DistFeed<'d, 'b> {
    dist: &'d mut Dist,
    scenarios: std::collections::HashMap<&'b str, &'b Scenario>,
    variants: std::collections::HashMap<&'b str, &'b Variant>,
    /// Every row's group (`--paths`: the base), else each scenario's own.
    group: Option<String>,
}

impl<'d, 'b> DistFeed<'d, 'b> {
    fn new(dist: &'d mut Dist, batch: &'b [Scenario], variants: &'b [Variant]) -> Self {
        DistFeed {
            dist,
            scenarios: batch.iter().map(|s| (s.name.as_str(), s)).collect(),
            variants: variants.iter().map(|v| (v.name.as_str(), v)).collect(),
            group: None,
        }
    }

    fn add(&mut self, rows: &[CompareRow]) {
        for row in rows {
            let (Some(s), Some(v)) = (
                self.scenarios.get(&*row.scenario),
                self.variants.get(&*row.variant),
            ) else {
                continue;
            };
            let group = match &self.group {
                Some(g) => g.as_str(),
                None => self.dist.group(&s.name, &s.source),
            };
            let key = crate::montecarlo::distribution::Key {
                group,
                variant: &row.variant,
                cap: row.cap,
                rate: Some(v.terms.rate),
            };
            let from = engine::term_start(s, &v.terms);
            self.dist.dist.add(&key, from, &row.summary);
        }
    }
}

/// `--paths`: each base's paths, drawn and compared under every variant a batch at
/// a time, into the distributions only (group: the base; no path is kept).
fn draw_paths(
    plan: &Plan,
    bases: &[Scenario],
    request: &crate::config::Simulate,
    variants: &[Variant],
    dist: &mut Dist,
) -> Result<(), Error> {
    super::each_path_batch(bases, request, |base, batch| {
        let mut feed = DistFeed::new(dist, &batch, variants);
        feed.group = Some(base.scenario().name.clone());
        plan.each_piece(
            &batch,
            |rows, _| Ok(rows),
            |rows| {
                feed.add(&rows);
                Ok(())
            },
        )
    })
}

/// One piece of a batch's work, as computed on a core: its rows, its scenarios'
/// thresholds, and their text in the machine formats when those are written.
struct Piece {
    rows: Vec<CompareRow>,
    thresholds: Vec<Thresholds>,
    csv: String,
    /// The rows as items of the JSON `results` array, each after a comma, in parts
    /// (written one by one, never joined: the text is held once).
    json: Vec<String>,
    /// The thresholds as items of the JSON `thresholds` array, each after a comma.
    json_thresholds: Vec<String>,
    /// The table's cells of the rows and thresholds, when there is a table.
    table: Option<TableText>,
}

impl Piece {
    /// With `table`, the counters the table's text counts its amounts into.
    fn new(
        rows: Vec<CompareRow>,
        thresholds: Vec<Thresholds>,
        csv: bool,
        json: bool,
        table: Option<&(render::Magnitudes, render::Magnitudes)>,
    ) -> Result<Piece, Error> {
        let csv = if csv {
            render::csv::RowWriter::new()
                .rows(&rows)
                .map_err(Error::Internal)?
        } else {
            String::new()
        };
        let (json, json_thresholds) = if json {
            (
                render::json::item_parts(&rows, false, 256).map_err(Error::Internal)?,
                render::json::item_parts(&thresholds, false, 256).map_err(Error::Internal)?,
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let table = match table {
            Some(seen) => Some(TableText::new(&rows, &thresholds, seen)?),
            None => None,
        };
        Ok(Piece {
            rows,
            thresholds,
            csv,
            json,
            json_thresholds,
            table,
        })
    }
}

/// One piece's part of the table: its rows' and thresholds' cells as CSV text (what
/// the table spools and lays out at the end), and what their amounts add to the
/// columns' scales. Made on the core that computed the piece, like the CSV and JSON
/// text.
struct TableText {
    rows: Vec<u8>,
    seen: render::Magnitudes,
    /// Whether any row has a present value.
    pv: bool,
    thresholds: Vec<u8>,
    thresholds_seen: render::Magnitudes,
}

impl TableText {
    fn new(
        rows: &[CompareRow],
        thresholds: &[Thresholds],
        (seen, thresholds_seen): &(render::Magnitudes, render::Magnitudes),
    ) -> Result<TableText, Error> {
        let (mut seen, mut thresholds_seen) = (seen.clone(), thresholds_seen.clone());
        let mut pv = false;
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let text = |d: Option<rust_decimal::Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
        for r in rows {
            let l = CompareLine::of(r);
            l.amounts().for_each(|v| seen.add(v));
            pv |= l.present_value.is_some();
            w.write_record([
                l.scenario.as_str(),
                &l.variant,
                &text(l.cap),
                &l.total_paid.to_string(),
                &l.foregone.to_string(),
                &l.binds,
                &l.period,
                &l.effective_rate,
                &text(l.present_value),
            ])
            .map_err(internal)?;
        }
        let rows = w.into_inner().map_err(internal)?;
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        for th in thresholds {
            for l in ThresholdLine::of(th) {
                thresholds_seen.add(l.cap);
                w.write_record([
                    l.scenario.as_str(),
                    l.by.as_deref().unwrap_or_default(),
                    &l.cap.to_string(),
                ])
                .map_err(internal)?;
            }
        }
        Ok(TableText {
            rows,
            seen,
            pv,
            thresholds: w.into_inner().map_err(internal)?,
            thresholds_seen,
        })
    }
}

/// Every output of one `compare`, each handed every piece of rows in turn.
struct Outputs<'a> {
    /// The term start the scenarios share, for the terms the views report.
    start: Start<'a>,
    warnings: Warnings,
    tiny: TinyCaps,
    csv: CsvRows,
    /// `compare.json` or `--format json`.
    json: Option<JsonParts>,
    /// The table or Markdown view.
    table: Option<TableParts<'a>>,
    /// The scenarios and rows the charts draw, when they are drawn.
    charts: Option<(Vec<Scenario>, Vec<CompareRow>)>,
    /// The rows and thresholds `--report` and `--xlsx` lay out (every row:
    /// docs/memory.md).
    laid_out: Option<LaidOut>,
}

/// What `--report` and `--xlsx` lay out: every row and threshold, and the report's
/// sentences on data that does not cover the term (as many as it shows scenarios).
#[derive(Default)]
struct LaidOut {
    rows: Vec<CompareRow>,
    thresholds: Vec<Thresholds>,
    coverage: Vec<(String, Gap)>,
    /// Scenarios whose data leaves part of a term uncovered, all of them.
    uncovered: usize,
}

impl Outputs<'_> {
    /// What is said of each scenario of a batch, whatever its rows: its coverage
    /// warnings and sentences, its term start.
    fn scenarios(&mut self, plan: &Plan, batch: &[Scenario]) -> Result<(), Error> {
        self.warnings.add(plan.gap_warnings(batch))?;
        self.start
            .add(batch.iter().map(|s| engine::term_start(s, plan.terms)));
        if let Some(table) = &mut self.table {
            for s in batch {
                for g in plan.gaps(s) {
                    table.coverage(&s.name, &g)?;
                }
            }
        }
        if let Some(l) = &mut self.laid_out {
            for s in batch {
                let gaps = plan.gaps(s);
                if !gaps.is_empty() {
                    l.uncovered += 1;
                    if l.uncovered <= render::html::MAX_ROWS {
                        l.coverage
                            .extend(gaps.into_iter().map(|g| (s.name.clone(), g)));
                    }
                }
            }
        }
        Ok(())
    }

    /// Hands one piece to every output.
    fn take(&mut self, piece: &Piece) -> Result<(), Error> {
        let mut outs: Vec<&mut dyn Consumer<Piece>> = vec![&mut self.csv];
        if let Some(json) = &mut self.json {
            outs.push(json);
        }
        if let Some(table) = &mut self.table {
            outs.push(table);
        }
        for out in outs {
            out.take(piece)?;
        }
        for r in &piece.rows {
            self.tiny.add(&r.scenario, r.cap, &r.summary);
        }
        if let Some((_, rows)) = &mut self.charts {
            rows.extend(piece.rows.iter().cloned());
        }
        if let Some(l) = &mut self.laid_out {
            l.rows.extend(piece.rows.iter().cloned());
            l.thresholds.extend(piece.thresholds.iter().cloned());
        }
        Ok(())
    }

    /// Prints the warnings, finishes and stages the files, prints, commits.
    fn finish(
        self,
        req: &Request,
        shown: &Shown,
        count: usize,
        dist: Option<(Dist, DistOutputs)>,
        stdout: &mut dyn Write,
    ) -> Result<(), Error> {
        let (terms, output) = (req.terms, req.output);
        if let (HeatMetric::Probability(year), Some((_, d))) = (req.metric, &dist) {
            check_year(year, d)?;
        }
        let from = self.start.shared();
        let json_tail = match &dist {
            Some((_, d)) => d.json_tail()?,
            None => String::new(),
        };
        // The distributions' table, after the compare table (or alone with --paths,
        // under the terms line the compare table would have opened with).
        let dist_table = match (&dist, output.format) {
            (Some((_, d)), Format::Table | Format::Markdown) => {
                let mut t = match (req.distribution.paths.is_some(), output.format) {
                    (false, _) => String::new(),
                    (true, format) => {
                        let style = match format {
                            Format::Markdown => Style::Markdown,
                            _ => Style::Terminal,
                        };
                        render::table::compare_opening(
                            &shared_terms(terms, req.variants),
                            from,
                            shown,
                            style,
                        )
                    }
                };
                let mut drawn = d.table(shown);
                drawn.push_str(&d.by_cap(shown));
                t.push_str(&super::dist_text(drawn, output.format));
                Some(t)
            }
            _ => None,
        };
        let mut warnings = self.warnings;
        warnings.add(self.tiny.warning())?;
        warnings.print();
        let mut json = self.json;
        let mut document = |out: &mut dyn FnMut(&[u8]) -> Result<(), Error>,
                            append: &mut dyn FnMut(&mut Spool) -> Result<(), Error>|
         -> Result<(), Error> {
            let mut parts = json.take().unwrap_or_default();
            let head = render::json::compare_head(terms, from, shown).map_err(Error::Internal)?;
            out(head.as_bytes())?;
            out(b"[")?;
            append(&mut parts.results)?;
            out(render::json::close_array(parts.results.is_empty()).as_bytes())?;
            if req.thresholds {
                out(render::json::THRESHOLDS_KEY.as_bytes())?;
                out(b"[")?;
                append(&mut parts.thresholds)?;
                out(render::json::close_array(parts.thresholds.is_empty()).as_bytes())?;
            }
            out(json_tail.as_bytes())?;
            out(render::json::END.as_bytes())
        };
        if let Some(e) = self.csv.failed {
            return Err(e);
        }
        let Outputs {
            csv: csv_rows,
            charts: drawn,
            laid_out,
            table,
            ..
        } = self;
        // The files are staged (the JSON document copied in, the distributions
        // summarized and drawn) on one core while the table is laid out from its
        // spool on the other: one after the other on one core, they were the last
        // 1.5 s of the 6M-row file's default compare (3.3 s, sampled). Not when the
        // scenarios' charts are drawn: they hold every row of their few scenarios (a
        // sweep of 100,000 caps: 400,000), and the layout's memory beside them raised
        // that sweep's peak by 10-20 MB. The files' error comes first, as when they
        // were made first.
        let stage = || {
            stage_files(
                req,
                shown,
                count,
                dist.as_ref(),
                csv_rows.file,
                drawn.as_ref(),
                laid_out.as_ref(),
                &mut document,
            )
        };
        let lay_out = || match table {
            Some(t) => t
                .finish(&shared_terms(terms, req.variants), from, req.thresholds)
                .map(Some),
            None => Ok(None),
        };
        let (staged, table) = if drawn.is_none() {
            rayon::join(stage, lay_out)
        } else {
            let staged = stage();
            // The files' error is the one reported: no table is laid out after it.
            let table = if staged.is_ok() { lay_out() } else { Ok(None) };
            (staged, table)
        };
        let (staged, printed) = staged?;
        let mut table = table?;
        let mut csv = csv_rows.stdout;
        let files = staged.as_ref().map(|s| s.targets().count());
        let done = output::print_with_then_commit(
            stdout,
            |out| {
                if let Some(mut file) = printed {
                    return super::run::copy_file(&mut file, out);
                }
                let printed = match (table.as_mut(), csv.take()) {
                    (Some(text), _) => text.copy_to(out, Error::Stdout).map(|()| true),
                    (None, Some(rows)) => rows.print(out).map(|()| true),
                    (None, None) => Ok(false),
                };
                if printed? {
                    if let Some(t) = &dist_table {
                        out.write_all(t.as_bytes()).map_err(Error::Stdout)?;
                    }
                    return Ok(());
                }
                if let Some(t) = &dist_table {
                    return out.write_all(t.as_bytes()).map_err(Error::Stdout);
                }
                let out = std::cell::RefCell::new(out);
                document(
                    &mut |bytes| out.borrow_mut().write_all(bytes).map_err(Error::Stdout),
                    &mut |spool| spool.copy_to(*out.borrow_mut(), Error::Stdout),
                )
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

/// What `document` writes the JSON document with: its pieces, then its spooled parts.
type Document<'f> = dyn FnMut(
        &mut dyn FnMut(&[u8]) -> Result<(), Error>,
        &mut dyn FnMut(&mut Spool) -> Result<(), Error>,
    ) -> Result<(), Error>
    + Send
    + 'f;

/// Stages the output folder's files, when there is one (`file`: the folder and
/// `compare.csv` as written so far): `compare.csv`, `compare.json` (by `document`),
/// the distributions' files and charts, the scenarios' charts, the report and the
/// workbook. Also gives the file stdout prints, for `--format csv` or `json`.
#[allow(clippy::too_many_arguments)]
fn stage_files(
    req: &Request,
    shown: &Shown,
    count: usize,
    dist: Option<&(Dist, DistOutputs)>,
    file: Option<(std::path::PathBuf, Option<(Staged, StagedFile)>)>,
    drawn: Option<&(Vec<Scenario>, Vec<CompareRow>)>,
    laid_out: Option<&LaidOut>,
    document: &mut Document<'_>,
) -> Result<(Option<Staged>, Option<std::fs::File>), Error> {
    let (terms, output) = (req.terms, req.output);
    let mut printed: Option<std::fs::File> = None;
    let staged = if let Some((dir, open)) = file {
        let (mut staged, csv) = match open {
            Some(open) => open,
            None => CsvRows::start(&dir)?,
        };
        let csv = csv.finish()?;
        let file = std::cell::RefCell::new(staged.create("compare.json")?);
        document(&mut |bytes| file.borrow_mut().write(bytes), &mut |spool| {
            file.borrow_mut().append(spool)
        })?;
        let json = file.into_inner().finish()?;
        if let Some((d, finished)) = dist {
            finished.stage(&mut staged, d, terms, output)?;
            // With distributions, a grid's heatmaps per group: the median binding
            // date, or P(binds by a year-end), of each cell's paths.
            if let (Some(opts), true) = (&output.charts, chart::is_grid(req.variants)) {
                for (name, bytes) in chart::distribution_heatmaps(
                    finished,
                    req.variants,
                    req.metric,
                    terms,
                    opts,
                    shown.unit.as_ref(),
                )? {
                    staged.add(&name, &bytes)?;
                }
            }
        }
        if let (Some((scenarios, rows)), Some(opts)) = (drawn, chart_options(output, count)) {
            let charts = if chart::is_grid(req.variants) {
                chart::grid_charts(
                    scenarios,
                    req.variants,
                    rows,
                    terms,
                    scenario_heatmaps(req.metric),
                    opts,
                    shown.unit.as_ref(),
                )?
            } else {
                chart::compare_charts(
                    scenarios,
                    req.variants,
                    rows,
                    terms,
                    opts,
                    shown.unit.as_ref(),
                )?
            };
            for (name, bytes) in charts {
                staged.add(&name, &bytes)?;
            }
        }
        if let Some(l) = laid_out {
            let extra = render::html::CompareInput {
                inputs: req.inputs,
                scenarios: drawn.map_or(&[], |(s, _)| s.as_slice()),
                count,
                variants: req.variants,
                rows: &l.rows,
                thresholds: req.thresholds.then_some(l.thresholds.as_slice()),
                coverage: (&l.coverage, l.uncovered),
                terms,
                metric: scenario_heatmaps(req.metric),
            };
            let distributed = super::distributed(dist, terms, output, shown)?;
            for (name, bytes) in
                render::html::compare_files(&extra, output, shown, distributed.as_ref())?
            {
                staged.add(&name, &bytes)?;
            }
        }
        output::refuse_overwriting_inputs(req.inputs, &staged)?;
        printed = match output.format {
            Format::Csv => Some(csv),
            Format::Json => Some(json),
            _ => None,
        };
        Some(staged)
    } else {
        None
    };
    Ok((staged, printed))
}

/// Refuses `--metric probability:YEAR` unless YEAR-12-31 is a date of
/// `binding_probability.csv` (a year-end inside the term), naming the years that are.
fn check_year(year: i32, d: &DistOutputs) -> Result<(), Error> {
    let mut years: Vec<i32> = Vec::new();
    for p in d.probabilities.iter() {
        let y = p.by.year();
        if crate::model::Date::from_ymd(y, 12, 31) == Some(p.by) && !years.contains(&y) {
            years.push(y);
        }
    }
    if years.contains(&year) {
        return Ok(());
    }
    years.sort_unstable();
    let allowed = match (years.first(), years.last()) {
        (Some(a), Some(b)) if a == b => format!("the only year-end inside the term is {a}"),
        (Some(a), Some(b)) => format!("years {a} to {b} are year-ends inside the term"),
        _ => "the term has no year-end".to_string(),
    };
    Err(Error::Usage(format!(
        "error: --metric probability:{year}: {year}-12-31 is not a year-end inside the term ({allowed})"
    )))
}

/// `compare.csv`, written a piece at a time into the staged set (started with the
/// first batch, once the inputs have shown no problem so far), and the same lines
/// for stdout without files.
struct CsvRows {
    file: Option<(std::path::PathBuf, Option<(Staged, StagedFile)>)>,
    stdout: Option<StdoutRows>,
    /// Why the file could not be written (the folder is a file, say): reported once
    /// every batch is compared and the warnings are printed, as when the files were
    /// written at the end, so that a problem or a computation's error comes first.
    failed: Option<Error>,
}

impl CsvRows {
    /// Starts the staged set and `compare.csv`, its header written.
    fn start(dir: &std::path::Path) -> Result<(Staged, StagedFile), Error> {
        let mut staged = Staged::new(dir)?;
        staged.own_outputs(output::compare_output);
        let mut csv = staged.create("compare.csv")?;
        csv.write(header()?.as_bytes())?;
        Ok((staged, csv))
    }
}

/// Where the CSV lines for stdout go: a spool printed once every problem is known, or
/// the file stdout is redirected to, cut back if the run fails
/// ([`output::StdoutFile`]).
enum StdoutRows {
    Spooled(Spool),
    Direct(output::StdoutFile),
}

impl StdoutRows {
    fn is_empty(&self) -> bool {
        match self {
            StdoutRows::Spooled(s) => s.is_empty(),
            StdoutRows::Direct(f) => f.is_empty(),
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        match self {
            StdoutRows::Spooled(s) => s.write(bytes),
            StdoutRows::Direct(f) => f.write(bytes),
        }
    }

    /// Prints the lines: copies the spool to `out`, or keeps what is in the file.
    fn print(self, out: &mut dyn Write) -> Result<(), Error> {
        match self {
            StdoutRows::Spooled(mut s) => s.copy_to(out, Error::Stdout),
            StdoutRows::Direct(f) => f.keep(),
        }
    }
}

fn header() -> Result<String, Error> {
    render::csv::compare_header().map_err(Error::Internal)
}

impl Consumer<Piece> for CsvRows {
    fn take(&mut self, piece: &Piece) -> Result<(), Error> {
        if let (Some((dir, open)), None) = (&mut self.file, &self.failed) {
            let written = match open {
                Some((_, file)) => file.write(piece.csv.as_bytes()),
                None => CsvRows::start(dir).and_then(|(staged, mut file)| {
                    file.write(piece.csv.as_bytes())?;
                    *open = Some((staged, file));
                    Ok(())
                }),
            };
            if let Err(e) = written {
                // The staging folder goes with the file.
                *open = None;
                self.failed = Some(e);
            }
        }
        if let Some(spool) = &mut self.stdout {
            if spool.is_empty() {
                spool.write(header()?.as_bytes())?;
            }
            spool.write(piece.csv.as_bytes())?;
        }
        Ok(())
    }
}

/// The items of the JSON document's arrays, the head of the document (whose `from`
/// depends on every scenario) written in front of them at the end.
#[derive(Default)]
struct JsonParts {
    results: Spool,
    thresholds: Spool,
}

/// Appends items rendered each after a comma, the first one's comma left out.
fn append_items(spool: &mut Spool, items: &str) -> Result<(), Error> {
    let items = if spool.is_empty() {
        items.strip_prefix(',').unwrap_or(items)
    } else {
        items
    };
    spool.write(items.as_bytes())
}

impl Consumer<Piece> for JsonParts {
    fn take(&mut self, piece: &Piece) -> Result<(), Error> {
        for part in &piece.json {
            append_items(&mut self.results, part)?;
        }
        for part in &piece.json_thresholds {
            append_items(&mut self.thresholds, part)?;
        }
        Ok(())
    }
}

/// The table or Markdown view, a piece at a time: its rows and thresholds wait in
/// spools until every amount is known (the scale of a column depends on all of
/// them), then are laid out in two passes ([`Layout`]).
struct TableParts<'a> {
    style: Style,
    shown: &'a Shown,
    amounts: render::Amounts,
    rows: Spool,
    seen: render::Magnitudes,
    /// Whether any row has a present value (it then gets a column).
    pv: bool,
    coverage: Spool,
    thresholds: Spool,
    thresholds_seen: render::Magnitudes,
}

/// Rows laid out in one chunk, each pass.
const TABLE_CHUNK: usize = 4096;

impl<'a> TableParts<'a> {
    /// Empty counters of the rows' and the thresholds' amounts, for [`TableText`].
    fn counters(&self) -> (render::Magnitudes, render::Magnitudes) {
        (self.amounts.magnitudes(), self.amounts.magnitudes())
    }

    fn new(style: Style, shown: &'a Shown) -> TableParts<'a> {
        let amounts = shown.amounts();
        TableParts {
            style,
            shown,
            seen: amounts.magnitudes(),
            thresholds_seen: amounts.magnitudes(),
            amounts,
            rows: Spool::new(),
            pv: false,
            coverage: Spool::new(),
            thresholds: Spool::new(),
        }
    }

    /// One sentence under the table.
    fn coverage(&mut self, name: &str, gap: &Gap) -> Result<(), Error> {
        let line = render::table::coverage_line(name, gap, self.style);
        self.coverage.write(line.as_bytes())
    }

    /// The whole view, laid out, in a spool.
    fn finish(
        mut self,
        shared: &render::SharedTerms,
        from: Option<crate::model::Date>,
        thresholds: bool,
    ) -> Result<Spool, Error> {
        let style = self.style;
        let mut out = Spool::new();
        let opening = render::table::compare_opening(shared, from, self.shown, style);
        out.write(opening.as_bytes())?;
        let column = self.amounts.column_of(&self.seen);
        let header = render::table::compare_header(style, &column, self.pv);
        let pv = self.pv;
        lay_out(
            &mut self.rows,
            Layout::new(style, header, &render::table::COMPARE_RIGHT),
            |r| Ok(compare_line(r)?.cells(&column, pv)),
            &mut out,
        )?;
        if !self.coverage.is_empty() {
            out.write(b"\n")?;
            out.append(&mut self.coverage)?;
        }
        if thresholds {
            out.write(render::table::thresholds_intro(style, shared).as_bytes())?;
            let column = self.amounts.column_of(&self.thresholds_seen);
            let header = render::table::thresholds_header(style, &column);
            lay_out(
                &mut self.thresholds,
                Layout::new(style, header, &render::table::THRESHOLDS_RIGHT),
                |r| Ok(threshold_line(r)?.cells(&column)),
                &mut out,
            )?;
        }
        Ok(out)
    }
}

impl Consumer<Piece> for TableParts<'_> {
    fn take(&mut self, piece: &Piece) -> Result<(), Error> {
        let Some(t) = &piece.table else {
            return Err(Error::Internal("a piece without its table text".into()));
        };
        self.seen.merge(&t.seen);
        self.thresholds_seen.merge(&t.thresholds_seen);
        self.pv |= t.pv;
        self.rows.write(&t.rows)?;
        self.thresholds.write(&t.thresholds)
    }
}

/// A bug: text written to memory, or read back from a spool, that fails.
fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(e.to_string())
}

/// A decimal written by its `Display`, read back exactly.
fn decimal(s: &str) -> Result<rust_decimal::Decimal, Error> {
    s.parse().map_err(internal)
}

fn optional(s: &str) -> Result<Option<rust_decimal::Decimal>, Error> {
    (!s.is_empty()).then(|| decimal(s)).transpose()
}

/// A row of the table read back from its spool.
fn compare_line(r: &csv::StringRecord) -> Result<CompareLine, Error> {
    let f = |i: usize| r.get(i).unwrap_or_default();
    Ok(CompareLine {
        scenario: f(0).to_string(),
        variant: f(1).to_string(),
        cap: optional(f(2))?,
        total_paid: decimal(f(3))?,
        foregone: decimal(f(4))?,
        binds: f(5).to_string(),
        period: f(6).to_string(),
        effective_rate: f(7).to_string(),
        present_value: optional(f(8))?,
    })
}

/// A row of the thresholds' table read back from its spool.
fn threshold_line(r: &csv::StringRecord) -> Result<ThresholdLine, Error> {
    let f = |i: usize| r.get(i).unwrap_or_default();
    Ok(ThresholdLine {
        scenario: f(0).to_string(),
        by: (!f(1).is_empty()).then(|| f(1).to_string()),
        cap: decimal(f(2))?,
    })
}

/// Lays out the rows spooled in `rows` (read back by `cells`) with `layout`, in two
/// passes of [`TABLE_CHUNK`] rows: the widths, then the lines, into `out`.
fn lay_out(
    rows: &mut Spool,
    mut layout: Layout,
    cells: impl Fn(&csv::StringRecord) -> Result<Vec<String>, Error>,
    out: &mut Spool,
) -> Result<(), Error> {
    let chunks =
        |rows: &mut Spool, each: &mut dyn FnMut(Vec<Vec<String>>, bool) -> Result<(), Error>| {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(rows.reader()?);
            let mut chunk = Vec::new();
            let mut record = csv::StringRecord::new();
            while reader.read_record(&mut record).map_err(internal)? {
                chunk.push(cells(&record)?);
                if chunk.len() == TABLE_CHUNK {
                    each(std::mem::take(&mut chunk), false)?;
                }
            }
            each(chunk, true)
        };
    chunks(rows, &mut |chunk, _| {
        layout.widen(chunk);
        Ok(())
    })?;
    let mut first = true;
    chunks(rows, &mut |chunk, last| {
        let text = layout.draw(chunk, first, last);
        first = false;
        out.write(text.as_bytes())
    })
}

/// Which terms the variants share, for the header line of the text formats.
/// What the scenarios' heatmaps of a grid show for `--metric`: theirs have no
/// probability (the distributions' heatmaps do), so that one shows the binding date.
fn scenario_heatmaps(metric: HeatMetric) -> GridMetric {
    match metric {
        HeatMetric::Grid(m) => m,
        HeatMetric::Probability(_) => GridMetric::BindingDate,
    }
}

fn shared_terms<'a>(terms: &'a Terms, variants: &[Variant]) -> render::SharedTerms<'a> {
    if chart::is_grid(variants) && variants.iter().all(|v| !v.from_file) {
        return render::SharedTerms::Grid(terms);
    }
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
    // What reading freed (its parsed chunks, once dealt into the store) goes back
    // before the first batch is computed.
    super::give_back_freed_memory();
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
            super::give_back_if_grown();
        }
    }
    // What the batches freed goes back before the outputs are finished (the table
    // laid out, the files written, the charts drawn), which allocate on top of it:
    // freed a batch at a time in every thread's heap, it stayed resident (the
    // resident size did not grow, so no trim was due) and raised the default
    // compare's peak on the 6M-row file by 20 MB.
    super::give_back_freed_memory();
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

/// Pieces computed at once per core before they are handed on, in order: enough to
/// keep the cores busy when pieces differ in cost, few enough to hold. One group of
/// them is handed on while the next is computed, so twice this many are held at
/// most (as many as when 4 were computed, then handed on: a sweep of 100,000 caps
/// holds 4,096 rows a piece, with their text).
const PIECES_PER_CORE: usize = 2;

/// About this many rows make a piece when variants are few: scenarios are grouped so
/// that a piece is worth printing on its own, and pieces stay small enough to share
/// out evenly between the cores.
const ROWS_PER_PIECE: usize = 1024;

/// What every batch of a compare shares: the variants, which of them a sweep answers
/// (decided once per variant, not per scenario), and the progress bar.
struct Plan<'a> {
    terms: &'a Terms,
    variants: &'a [Variant],
    /// Each variant's sweep: an index into `sweeps`, or `None` to run the engine.
    sweepable: Vec<Option<usize>>,
    /// The distinct terms (without their cap) the variants' sweeps walk.
    sweeps: Vec<Terms>,
    /// One variant's terms for each term (start and end) the variants use: what the
    /// coverage of a scenario is checked against, once per distinct term.
    spans: Vec<&'a Terms>,
    progress: indicatif::ProgressBar,
    /// Whether the thresholds are made, or only checked (they are not printed).
    keep_thresholds: bool,
}

impl<'a> Plan<'a> {
    /// For `scenarios` scenarios in all (the progress bar's length).
    fn new(terms: &'a Terms, variants: &'a [Variant], scenarios: usize) -> Plan<'a> {
        let (sweeps, sweepable) = sweep_terms(terms, variants);
        Plan {
            terms,
            variants,
            sweeps,
            sweepable,
            spans: spans(variants),
            progress: progress_bar(scenarios, variants.len()),
            keep_thresholds: true,
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
        let mut rows = Vec::with_capacity(scenarios.len().saturating_mul(self.variants.len()));
        let mut thresholds = Vec::with_capacity(scenarios.len());
        self.each_piece(
            scenarios,
            |r, t| Ok((r, t)),
            |(mut r, mut t)| {
                rows.append(&mut r);
                thresholds.append(&mut t);
                Ok(())
            },
        )?;
        Ok((rows, thresholds))
    }

    /// Computes the pieces of `scenarios` ([`Plan::split`]) on every core, a few at a
    /// time, counting scenarios on the progress bar; `make` turns each piece's rows and
    /// thresholds into what `take` is then given, piece by piece in order. So no more
    /// than a few pieces are held at once, however many rows a batch has (a sweep of a
    /// million caps). The error is the first piece's in order.
    fn each_piece<T: Send>(
        &self,
        scenarios: &[Scenario],
        make: impl Fn(Vec<CompareRow>, Vec<Thresholds>) -> Result<T, Error> + Sync + Send,
        mut take: impl FnMut(T) -> Result<(), Error> + Send,
    ) -> Result<(), Error> {
        use rayon::prelude::*;
        let n = self.variants.len();
        let pieces = self.split(scenarios.len());
        let at_once = rayon::current_num_threads()
            .max(1)
            .saturating_mul(PIECES_PER_CORE);
        let compute = |group: &[(usize, usize, usize, usize)]| -> Vec<Result<T, Error>> {
            group
                .par_iter()
                .map(|&(first, count, from, len)| {
                    let to = from.saturating_add(len).min(n);
                    let (vs, fast) = (
                        self.variants.get(from..to).unwrap_or_default(),
                        self.sweepable.get(from..to).unwrap_or_default(),
                    );
                    let end = first.saturating_add(count).min(scenarios.len());
                    let mut rows = Vec::with_capacity((end - first).saturating_mul(vs.len()));
                    let mut thresholds = Vec::new();
                    let labels: Vec<Label> = vs.iter().map(Label::of).collect();
                    for s in scenarios.get(first..end).unwrap_or_default() {
                        // Thresholds once per scenario, in every mode: printed or not,
                        // a threshold out of Decimal's range fails the compare alike.
                        let (mut r, t) = compare_one(
                            s,
                            self.terms,
                            vs,
                            &labels,
                            fast,
                            &self.sweeps,
                            (from == 0).then_some(self.keep_thresholds),
                        )?;
                        rows.append(&mut r);
                        thresholds.extend(t);
                    }
                    // Once a piece: the bar's count is shared between the cores.
                    if to == n {
                        self.progress.inc((end - first) as u64);
                    }
                    make(rows, thresholds)
                })
                .collect()
        };
        // Each group's pieces are handed on while the next group is computed: handing
        // on (spooling the CSV and JSON text, the table's cells, the distributions)
        // is one core's work, which left the other idle for about half of the
        // default compare's batches. Two groups are held at most; the first error in
        // order is still the one returned.
        let mut groups = pieces.chunks(at_once);
        let mut ready = groups.next().map(compute);
        while let Some(done) = ready.take() {
            let following = groups.next();
            let (taken, next) = rayon::join(
                || -> Result<(), Error> {
                    for piece in done {
                        take(piece?)?;
                    }
                    Ok(())
                },
                || following.map(compute),
            );
            taken?;
            ready = next;
        }
        Ok(())
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

/// Which variants a [`engine::Sweep`] answers, and the terms (without cap) of each
/// sweep, the shared terms first: a variant whose terms differ from the shared ones in
/// their cap alone, or from another variant's in their cap alone (a rate × cap grid's
/// row: one walk per rate, its caps answered by binary searches). A variant alone
/// with its terms (a terms file) runs the engine.
fn sweep_terms(terms: &Terms, variants: &[Variant]) -> (Vec<Terms>, Vec<Option<usize>>) {
    let mut keys = vec![engine::without_cap(terms)];
    let mut counts = vec![0usize];
    let mut index = Vec::with_capacity(variants.len());
    // Variants of one grid row come together: the last key is tried first.
    let mut last = 0;
    for v in variants {
        let key = engine::without_cap(&v.terms);
        let i = if keys.get(last) == Some(&key) {
            last
        } else if let Some(i) = keys.iter().position(|k| *k == key) {
            i
        } else {
            keys.push(key);
            counts.push(0);
            keys.len() - 1
        };
        if let Some(c) = counts.get_mut(i) {
            *c += 1;
        }
        last = i;
        index.push(i);
    }
    let swept = index
        .into_iter()
        .map(|i| (i == 0 || counts.get(i).is_some_and(|&c| c > 1)).then_some(i))
        .collect();
    (keys, swept)
}

/// What each row of a variant says of it, made once a piece of work: its name
/// (shared by the rows) and its rate.
struct Label {
    name: Arc<str>,
    /// Normalized like every amount, so one rate prints one way.
    rate: rust_decimal::Decimal,
}

impl Label {
    fn of(v: &Variant) -> Label {
        Label {
            name: Arc::from(v.name.as_str()),
            rate: v.terms.rate.normalize(),
        }
    }
}

/// One scenario under `variants`, and its thresholds: with `thresholds`
/// `Some(true)` made, `Some(false)` only checked (computed, and an amount out of
/// Decimal's range an error, but not kept), `None` not computed (the scenario's later
/// variants, whose first piece has them).
fn compare_one(
    s: &Scenario,
    terms: &Terms,
    variants: &[Variant],
    labels: &[Label],
    sweepable: &[Option<usize>],
    sweep_terms: &[Terms],
    thresholds: Option<bool>,
) -> Result<(Vec<CompareRow>, Option<Thresholds>), Error> {
    let sweep = engine::Sweep::new(s, terms)?;
    // The other sweeps (a grid's rates), each walked when first needed (and the
    // list made only then: most compares have one sweep).
    let mut others: Vec<Option<engine::Sweep>> = Vec::new();
    let overflow = || engine::overflow(s, None, "payment");
    let mut rows = Vec::with_capacity(variants.len());
    let scenario: Arc<str> = Arc::from(s.name.as_str());
    for ((v, &fast), label) in variants.iter().zip(sweepable).zip(labels) {
        let summary = match fast {
            Some(0) => sweep.summary(v.terms.cap).ok_or_else(overflow)?,
            Some(i) => {
                if others.is_empty() {
                    others.resize_with(sweep_terms.len(), || None);
                }
                let slot = others.get_mut(i).ok_or_else(overflow)?;
                let other = match slot {
                    Some(other) => other,
                    None => slot.insert(engine::Sweep::new(s, &v.terms)?),
                };
                other.summary(v.terms.cap).ok_or_else(overflow)?
            }
            None => engine::compute(s, &v.terms)?.summary,
        };
        rows.push(CompareRow {
            scenario: Arc::clone(&scenario),
            variant: Arc::clone(&label.name),
            rate: label.rate,
            cap: v.terms.cap,
            summary,
        });
    }
    let Some(keep) = thresholds else {
        return Ok((rows, None));
    };
    let by = sweep.thresholds().ok_or_else(overflow)?;
    let never_binds_above =
        engine::add_exact(terms.already_paid, sweep.uncapped_total()).ok_or_else(overflow)?;
    if !keep {
        // Checked, so that one out of Decimal's range fails the compare alike, but
        // not normalized, named and kept: nothing prints them.
        return Ok((rows, None));
    }
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
        never_binds_above: never_binds_above.normalize(),
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
