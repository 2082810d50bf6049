//! revcap: revenue-share payments under a total cap, computed exactly.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`cli`]: the command line as clap parses it (no logic);
//! 2. [`config`]: arguments and TOML terms become a validated [`config::Config`];
//! 3. [`load`]: CSV scenario files become a compact store of values (parsed by
//!    [`parse`]), then sorted, checked [`model::Scenario`]s, a batch at a time;
//! 4. [`engine`]: the exact computation of SPEC §4, one scenario at a time;
//! 5. [`render`] (table, CSV, JSON, Markdown) and [`chart`] present the results, and
//!    [`output`] writes files atomically.

pub mod chart;
pub mod cli;
pub mod config;
pub mod engine;
pub mod error;
pub mod load;
pub mod model;
pub mod output;
pub mod parse;
pub mod render;

use std::collections::HashMap;
use std::io::Write;

use config::{Action, Config, Input, Output, OutputFormat};
use error::{quote, Error, Problem};
use model::{Scenario, ScenarioResult, Terms};

/// Runs a command, printing its main output to `stdout`.
pub fn run(config: Config, stdout: &mut dyn Write) -> Result<(), Error> {
    match config.action {
        Action::Run { terms, output } => run_scenarios(&config.inputs, &terms, &output, stdout),
        Action::Compare {
            terms,
            variants,
            thresholds,
            output,
        } => compare(
            &config.inputs,
            &terms,
            &variants,
            thresholds,
            &output,
            stdout,
        ),
        Action::Validate {
            problems,
            order,
            json,
        } => validate(&config.inputs, problems, &order, json, stdout),
    }
}

/// `revcap run`: every scenario under one set of terms; files, then stdout.
fn run_scenarios(
    inputs: &[Input],
    terms: &Terms,
    output: &Output,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let scenarios = load_all(inputs)?;
    let results = compute_all(&scenarios, terms)?;
    let unit = output.unit.as_deref();
    let files = output.dir.is_some();
    // Each machine format is rendered once, for the file and for stdout alike.
    let ledger = (files || output.format == OutputFormat::Csv)
        .then(|| render::csv::ledger(&results))
        .transpose()
        .map_err(Error::Internal)?;
    let json = (files || output.format == OutputFormat::Json)
        .then(|| render::json::render(&results, terms))
        .transpose()
        .map_err(Error::Internal)?;
    let staged = if let Some(dir) = &output.dir {
        let mut staged = output::Staged::new(dir)?;
        staged.add_parts("ledger.csv", ledger.as_deref().unwrap_or_default())?;
        staged.add(
            "summary.csv",
            render::csv::summary(&results)
                .map_err(Error::Internal)?
                .as_bytes(),
        )?;
        staged.add(
            "result.json",
            json.as_deref().unwrap_or_default().as_bytes(),
        )?;
        if let Some(opts) = chart_options(output, results.len()) {
            for (name, bytes) in chart::run_charts(&results, terms, opts, unit)? {
                staged.add(&name, &bytes)?;
            }
        }
        refuse_overwriting_inputs(inputs, &staged)?;
        Some(staged)
    } else {
        None
    };
    let text = match output.format {
        OutputFormat::Table => vec![render::table::render(&results, terms, unit)],
        OutputFormat::Markdown => vec![render::markdown::render(&results, terms, unit)],
        OutputFormat::Csv => ledger.unwrap_or_default(),
        OutputFormat::Json => vec![json.unwrap_or_default()],
    };
    let done = print_then_commit(stdout, &text, staged);
    note_skipped_charts(&done, output, results.len());
    done
}

/// The chart options when charts are to be drawn for `scenarios` scenarios: not when
/// there are too many of them to draw ([`chart::MAX_SCENARIOS`]).
fn chart_options(output: &Output, scenarios: usize) -> Option<&config::ChartOptions> {
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

/// `revcap compare`: every scenario under every variant; files, then stdout.
fn compare(
    inputs: &[Input],
    terms: &Terms,
    variants: &[config::Variant],
    thresholds: bool,
    output: &Output,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let unit = output.unit.as_deref();
    let files = output.dir.is_some();

    // Scenarios are taken from the files, checked and compared a batch at a time, so
    // a file of millions of values never exists as scenarios all at once; only the
    // charts keep them. Every problem of every file is still found before anything
    // is printed or written.
    let (mut loaded, mut problems, repeated) = read_every(inputs);
    let count: usize = loaded.iter().map(|l| l.names().len()).sum();
    let charts = files && chart_options(output, count).is_some();
    let sweepable = sweepable(terms, variants);
    let progress = progress_bar(count, variants.len());
    // CSV on stdout alone keeps no row: each batch is printed into text as it is
    // computed, so memory follows the text, not the rows behind it.
    let stream = !files && output.format == OutputFormat::Csv;
    let mut text = Vec::new();
    let mut rows = Vec::with_capacity(if stream {
        0
    } else {
        count.saturating_mul(variants.len())
    });
    let (mut ths, mut starts, mut scenarios) = (Vec::new(), Vec::new(), Vec::new());
    let mut failed = None;
    for file in &mut loaded {
        problems.extend(file.take_problems());
        let mut next = file.next_batch();
        while let Some((batch, p)) = next.take() {
            problems.extend(p);
            let skip = !problems.is_empty() || !repeated.is_empty() || failed.is_some();
            // The next batch is taken (sorted and checked) while this one is compared:
            // taking a batch is partly one core's work.
            let (done, following) = rayon::join(
                || {
                    if skip {
                        return None;
                    }
                    Some(compare_some(
                        &batch, terms, variants, &sweepable, &progress, stream,
                    ))
                },
                || file.next_batch(),
            );
            next = following;
            match done {
                None => continue,
                Some(Ok(Compared::Text(mut parts))) => text.append(&mut parts),
                Some(Ok(Compared::Rows(mut r, mut t))) => {
                    rows.append(&mut r);
                    ths.append(&mut t);
                }
                Some(Err(e)) => failed = Some(e),
            }
            starts.extend(batch.iter().map(|s| engine::term_start(s, terms)));
            if charts {
                scenarios.extend(batch);
            }
        }
    }
    progress.finish_and_clear();
    problems.extend(repeated);
    if !problems.is_empty() {
        return Err(Error::Problems(problems.into_vec()));
    }
    if let Some(e) = failed {
        return Err(e);
    }
    if stream {
        text.insert(0, render::csv::compare_header().map_err(Error::Internal)?);
        return print_then_commit(stdout, &text, None);
    }
    let ths = thresholds.then_some(ths.as_slice());
    let from = engine::common_start(terms, starts);
    let csv = (files || output.format == OutputFormat::Csv)
        .then(|| render::csv::compare(&rows))
        .transpose()
        .map_err(Error::Internal)?;
    let json = (files || output.format == OutputFormat::Json)
        .then(|| render::json::compare(&rows, terms, from, ths))
        .transpose()
        .map_err(Error::Internal)?;
    let staged = if let Some(dir) = &output.dir {
        let mut staged = output::Staged::new(dir)?;
        staged.add("compare.csv", csv.as_deref().unwrap_or_default().as_bytes())?;
        staged.add(
            "compare.json",
            json.as_deref().unwrap_or_default().as_bytes(),
        )?;
        if let Some(opts) = chart_options(output, count) {
            for (name, bytes) in
                chart::compare_charts(&scenarios, variants, &rows, terms, opts, unit)?
            {
                staged.add(&name, &bytes)?;
            }
        }
        refuse_overwriting_inputs(inputs, &staged)?;
        Some(staged)
    } else {
        None
    };
    let shown_terms = match variants.iter().filter(|v| !v.from_file).count() {
        0 => render::SharedTerms::None,
        n if n == variants.len() => render::SharedTerms::All(terms),
        _ => render::SharedTerms::Some(terms),
    };
    let from_text = from.map(|d| d.to_string());
    let text = match output.format {
        OutputFormat::Table => render::table::compare(&rows, &shown_terms, from_text, ths, unit),
        OutputFormat::Markdown => {
            render::markdown::compare(&rows, &shown_terms, from_text, ths, unit)
        }
        OutputFormat::Csv => csv.unwrap_or_default(),
        OutputFormat::Json => json.unwrap_or_default(),
    };
    let done = print_then_commit(stdout, &[text], staged);
    note_skipped_charts(&done, output, count);
    done
}

/// One batch of `compare`, as kept: printed text, or rows and thresholds.
enum Compared {
    Text(Vec<String>),
    Rows(Vec<model::CompareRow>, Vec<model::Thresholds>),
}

/// Prints, then renames the staged files into place, so that a run that fails,
/// printing included, leaves earlier outputs as they were. A closed pipe is not a
/// failure (`revcap run | head`): the files are still written.
fn print_then_commit(
    stdout: &mut dyn Write,
    text: &[impl AsRef<str>],
    staged: Option<output::Staged>,
) -> Result<(), Error> {
    let printed = print_all(stdout, text);
    if let Err(Error::Stdout(e)) = &printed {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return printed;
        }
    }
    if let Some(staged) = staged {
        staged.commit()?;
    }
    printed
}

/// Writes to stdout; a closed pipe surfaces as `Error::Stdout` for `main` to treat as
/// success.
fn print(stdout: &mut dyn Write, text: &str) -> Result<(), Error> {
    print_all(stdout, &[text])
}

/// [`print`] for text in pieces.
fn print_all(stdout: &mut dyn Write, parts: &[impl AsRef<str>]) -> Result<(), Error> {
    parts
        .iter()
        .try_for_each(|p| stdout.write_all(p.as_ref().as_bytes()))
        .and_then(|()| stdout.flush())
        .map_err(Error::Stdout)
}

/// Reads every input, collecting the problems of all files (grouped by file, at most
/// [`error::MAX_LISTED`] listed per file) before failing.
pub fn load_all(inputs: &[Input]) -> Result<Vec<Scenario>, Error> {
    let (scenarios, problems) = load_every(inputs);
    if problems.is_empty() {
        Ok(scenarios)
    } else {
        Err(Error::Problems(problems.into_vec()))
    }
}

/// The scenarios of every input that loads, and the problems of those that do not.
fn load_every(inputs: &[Input]) -> (Vec<Scenario>, error::Problems) {
    let (loaded, mut problems, repeated) = read_every(inputs);
    let mut scenarios: Vec<Scenario> = Vec::new();
    for file in loaded {
        match file.into_scenarios() {
            Ok(mut s) => scenarios.append(&mut s),
            Err(p) => problems.extend(p),
        }
    }
    problems.extend(repeated);
    (scenarios, problems)
}

/// What [`load_every`] finds, counting the scenarios that load (from the files that
/// do) instead of keeping them: `validate` needs no more, and a batch is dropped as
/// soon as it is checked.
fn count_every(inputs: &[Input]) -> (usize, error::Problems) {
    let (loaded, mut problems, repeated) = read_every(inputs);
    let mut count = 0;
    for mut file in loaded {
        // Capped like every list of problems (the first 100 kept, the rest counted),
        // so a file of millions of bad rows does not fill memory.
        let mut found = error::Problems::new();
        found.extend(file.take_problems());
        let mut scenarios = 0;
        while let Some((batch, p)) = file.next_batch() {
            scenarios += batch.len();
            found.extend(p);
        }
        if found.is_empty() {
            count += scenarios;
        } else {
            problems.extend(found.into_vec());
        }
    }
    problems.extend(repeated);
    (count, problems)
}

/// Every input read (not yet turned into scenarios), the problems of those that cannot
/// be read, and, apart, those of scenario names defined in two files (reported after
/// each file's own problems).
fn read_every(inputs: &[Input]) -> (Vec<load::Loaded>, error::Problems, Vec<Problem>) {
    let mut loaded = Vec::with_capacity(inputs.len());
    let mut problems = error::Problems::new();
    for input in inputs {
        // Problems are grouped by file in the order given.
        problems.register(&input.origin());
        match read_one(input) {
            Ok(l) => loaded.push(l),
            Err(p) => problems.extend(p),
        }
    }
    let mut repeated = Vec::new();
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for file in &loaded {
        for name in file.names() {
            if let Some(first) = seen.insert(name, file.origin()) {
                repeated.push(Problem::new(
                    file.origin(),
                    format!(
                        "scenario {} is also defined in {first}; scenario names must be unique (rename a file or its scenario column)",
                        quote(name)
                    ),
                ));
                // Name the first file, not the latest repeat, in later messages too.
                seen.insert(name, first);
            }
        }
    }
    (loaded, problems, repeated)
}

fn read_one(input: &Input) -> Result<load::Loaded, Vec<Problem>> {
    let origin = input.origin();
    let stem = input.stem();
    match input {
        Input::Stdin => load::read(std::io::stdin().lock(), &origin, &stem),
        Input::File(path) => {
            let cannot_read =
                |e: std::io::Error| vec![Problem::new(&origin, format!("cannot read: {e}"))];
            // Refuse a file over the limit before reading a byte of it.
            let size = std::fs::metadata(path).map_err(cannot_read)?.len();
            if size > load::MAX_INPUT_BYTES {
                return Err(vec![Problem::new(&origin, load::too_large(Some(size)))]);
            }
            let bar = read_progress(size, &origin);
            let result = load::read_file(path, &origin, &stem, size, &bar);
            bar.finish_and_clear();
            result
        }
    }
}

/// A bar on stderr while a large file is read, shown only on a terminal (a few
/// seconds for a file of hundreds of MB); hidden otherwise, so scripts and tests see
/// nothing.
fn read_progress(size: u64, origin: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    const LARGE: u64 = 32 << 20;
    if size < LARGE || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(size);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "reading {msg} {bar:40} {bytes}/{total_bytes} {eta}",
    ) {
        bar.set_style(style);
    }
    bar.set_message(origin.to_string());
    bar
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

/// Every scenario under every variant, scenario by scenario, and each scenario's
/// thresholds under the shared terms.
///
/// Variants that differ from the shared terms only in their cap are answered by one
/// [`engine::Sweep`] per scenario (a binary search per cap); other variants (whole
/// terms files) run the engine.
pub fn compare_all(
    scenarios: &[Scenario],
    terms: &Terms,
    variants: &[config::Variant],
) -> Result<(Vec<model::CompareRow>, Vec<model::Thresholds>), Error> {
    let progress = progress_bar(scenarios.len(), variants.len());
    let sweepable = sweepable(terms, variants);
    let result = compare_some(scenarios, terms, variants, &sweepable, &progress, false);
    progress.finish_and_clear();
    match result? {
        Compared::Rows(rows, thresholds) => Ok((rows, thresholds)),
        Compared::Text(_) => Err(Error::Internal("compare_all printed its rows".into())),
    }
}

/// Which variants a [`engine::Sweep`] answers: those whose terms differ from the shared
/// ones in their cap alone. Decided once per variant, not per (scenario, variant).
fn sweepable(terms: &Terms, variants: &[config::Variant]) -> Vec<bool> {
    let shared = engine::without_cap(terms);
    variants
        .iter()
        .map(|v| engine::without_cap(&v.terms) == shared)
        .collect()
}

/// Variants per piece of work in a long sweep: one scenario's rows are computed and
/// printed this many at a time, so no more are held at once per core.
const VARIANTS_PER_PIECE: usize = 4096;

/// About this many rows make a piece when variants are few: scenarios are grouped so
/// that a piece is worth printing on its own, and pieces stay small enough to share
/// out evenly between the cores.
const ROWS_PER_PIECE: usize = 1024;

/// [`compare_all`] for some of the scenarios, on every core, counting them on
/// `progress`: as rows and thresholds, or, with `text`, as the CSV lines of the rows
/// alone (each piece printed as soon as it is computed, so no row is kept).
fn compare_some(
    scenarios: &[Scenario],
    terms: &Terms,
    variants: &[config::Variant],
    sweepable: &[bool],
    progress: &indicatif::ProgressBar,
    text: bool,
) -> Result<Compared, Error> {
    use rayon::prelude::*;
    // (first scenario, scenarios, first variant, variants): several scenarios under
    // every variant, or one scenario under some of them.
    let n = variants.len();
    let per_scenario = (ROWS_PER_PIECE / n.max(1)).max(1);
    let pieces: Vec<(usize, usize, usize, usize)> = if n > VARIANTS_PER_PIECE {
        (0..scenarios.len())
            .flat_map(|i| {
                (0..n)
                    .step_by(VARIANTS_PER_PIECE)
                    .map(move |v| (i, 1, v, VARIANTS_PER_PIECE))
            })
            .collect()
    } else {
        (0..scenarios.len())
            .step_by(per_scenario)
            .map(|i| (i, per_scenario, 0, n))
            .collect()
    };
    // Pieces are independent: compute them on every core, then keep their order.
    let done: Vec<Result<Compared, Error>> = pieces
        .par_iter()
        .map_init(
            render::csv::RowWriter::new,
            |writer, &(first, count, from, len)| {
                let to = from.saturating_add(len).min(n);
                let (vs, fast) = (
                    variants.get(from..to).unwrap_or_default(),
                    sweepable.get(from..to).unwrap_or_default(),
                );
                let end = first.saturating_add(count).min(scenarios.len());
                let mut rows = Vec::with_capacity((end - first).saturating_mul(vs.len()));
                let mut thresholds = Vec::new();
                for s in scenarios.get(first..end).unwrap_or_default() {
                    // Thresholds once per scenario, in every mode: printed or not,
                    // a threshold out of Decimal's range fails the compare alike.
                    let (mut r, t) = compare_one(s, terms, vs, fast, from == 0)?;
                    rows.append(&mut r);
                    thresholds.extend(t);
                    if to == n {
                        progress.inc(1);
                    }
                }
                Ok(if text {
                    Compared::Text(vec![writer.rows(&rows).map_err(Error::Internal)?])
                } else {
                    Compared::Rows(rows, thresholds)
                })
            },
        )
        .collect();
    let mut all = if text {
        Compared::Text(Vec::with_capacity(done.len()))
    } else {
        Compared::Rows(
            Vec::with_capacity(scenarios.len().saturating_mul(n)),
            Vec::with_capacity(scenarios.len()),
        )
    };
    for piece in done {
        match (&mut all, piece?) {
            (Compared::Text(all), Compared::Text(mut t)) => all.append(&mut t),
            (Compared::Rows(all, all_t), Compared::Rows(mut r, mut t)) => {
                all.append(&mut r);
                all_t.append(&mut t);
            }
            _ => {}
        }
    }
    Ok(all)
}

/// One scenario under `variants`, and, when asked, its thresholds.
fn compare_one(
    s: &Scenario,
    terms: &Terms,
    variants: &[config::Variant],
    sweepable: &[bool],
    with_thresholds: bool,
) -> Result<(Vec<model::CompareRow>, Option<model::Thresholds>), Error> {
    let sweep = engine::Sweep::new(s, terms)?;
    let overflow = || engine::overflow(s, None, "payment");
    let mut rows = Vec::with_capacity(variants.len());
    for (v, &fast) in variants.iter().zip(sweepable) {
        let summary = if fast {
            sweep.summary(v.terms.cap).ok_or_else(overflow)?
        } else {
            engine::compute(s, &v.terms)?.summary
        };
        rows.push(model::CompareRow {
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
    let thresholds = model::Thresholds {
        scenario: s.name.clone(),
        by: by
            .into_iter()
            .map(|(date, cap)| model::Threshold {
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

/// An output must never replace an input file.
fn refuse_overwriting_inputs(inputs: &[Input], staged: &output::Staged) -> Result<(), Error> {
    let canon = |p: &std::path::Path| std::fs::canonicalize(p).ok();
    let inputs: Vec<_> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::File(p) => canon(p),
            Input::Stdin => None,
        })
        .collect();
    for target in staged.targets() {
        if let Some(t) = canon(target) {
            if inputs.contains(&t) {
                return Err(Error::Write {
                    path: target.to_path_buf(),
                    message:
                        "is one of the inputs; refusing to overwrite it (choose another --output)"
                            .into(),
                });
            }
        }
    }
    Ok(())
}

/// `revcap validate`: every problem in every file and terms file, then a count.
fn validate(
    inputs: &[Input],
    problems: Vec<Problem>,
    order: &[String],
    json: bool,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    // Grouped by file (terms files included) in the order given, each capped at
    // MAX_LISTED.
    let mut grouped = error::Problems::new();
    for origin in order {
        grouped.register(origin);
    }
    grouped.extend(problems);
    let (scenario_count, file_problems) = count_every(inputs);
    grouped.extend(file_problems.into_vec());
    let count = grouped.count();
    let problems = grouped.into_vec();
    let files = {
        let mut origins: Vec<&str> = problems.iter().map(|p| p.origin.as_str()).collect();
        origins.dedup();
        origins.len()
    };
    if json {
        /// `validate --format json`, fields in the documented order.
        #[derive(serde::Serialize)]
        struct ValidateDoc<'a> {
            version: u32,
            ok: bool,
            files: Vec<String>,
            scenarios: usize,
            problem_count: u64,
            problems: &'a [Problem],
        }
        let doc = ValidateDoc {
            version: 1,
            ok: problems.is_empty(),
            files: inputs.iter().map(Input::origin).collect(),
            scenarios: scenario_count,
            problem_count: count,
            problems: &problems,
        };
        let mut text =
            serde_json::to_string_pretty(&doc).map_err(|e| Error::Internal(e.to_string()))?;
        text.push('\n');
        print(stdout, &text)?;
        return if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Reported)
        };
    }
    if problems.is_empty() {
        let n = inputs.len();
        return print(
            stdout,
            &format!(
                "ok: {scenario_count} scenario{} in {n} file{}\n",
                plural(scenario_count),
                plural(n)
            ),
        );
    }
    let mut err = std::io::stderr().lock();
    for p in &problems {
        // The closing "... and N more" line of a long list is not an error of its own.
        let prefix = if p.omitted > 0 { "" } else { "error: " };
        let _ = writeln!(err, "{prefix}{p}");
    }
    let _ = writeln!(
        err,
        "{count} problem{} in {files} file{}",
        plural(usize::try_from(count).unwrap_or(usize::MAX)),
        plural(files)
    );
    Err(Error::Reported)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
