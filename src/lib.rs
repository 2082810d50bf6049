//! revcap: revenue-share payments under a total cap, computed exactly.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`cli`]: the command line as clap parses it (no logic);
//! 2. [`config`]: arguments and TOML terms become a validated [`config::Config`];
//! 3. [`load`]: CSV scenario files become sorted, checked [`model::Scenario`]s
//!    (values parsed by [`parse`]);
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

use std::collections::HashSet;
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
        Action::Validate { problems, json } => validate(&config.inputs, problems, json, stdout),
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
    if let Some(dir) = &output.dir {
        let mut staged = output::Staged::new(dir)?;
        staged.add(
            "ledger.csv",
            ledger.as_deref().unwrap_or_default().as_bytes(),
        )?;
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
        if let Some(opts) = &output.charts {
            for (name, bytes) in chart::run_charts(&results, terms, opts, unit)? {
                staged.add(&name, &bytes)?;
            }
        }
        refuse_overwriting_inputs(inputs, &staged)?;
        staged.commit()?;
    }
    let text = match output.format {
        OutputFormat::Table => render::table::render(&results, terms, unit),
        OutputFormat::Markdown => render::markdown::render(&results, terms, unit),
        OutputFormat::Csv => ledger.unwrap_or_default(),
        OutputFormat::Json => json.unwrap_or_default(),
    };
    print(stdout, &text)
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
    let scenarios = load_all(inputs)?;
    let (rows, ths) = compare_all(&scenarios, terms, variants)?;
    let ths = thresholds.then_some(ths.as_slice());
    let from = shared_from(&scenarios, terms);
    let unit = output.unit.as_deref();
    let files = output.dir.is_some();
    let csv = (files || output.format == OutputFormat::Csv)
        .then(|| render::csv::compare(&rows))
        .transpose()
        .map_err(Error::Internal)?;
    let json = (files || output.format == OutputFormat::Json)
        .then(|| render::json::compare(&rows, terms, from, ths))
        .transpose()
        .map_err(Error::Internal)?;
    if let Some(dir) = &output.dir {
        let mut staged = output::Staged::new(dir)?;
        staged.add("compare.csv", csv.as_deref().unwrap_or_default().as_bytes())?;
        staged.add(
            "compare.json",
            json.as_deref().unwrap_or_default().as_bytes(),
        )?;
        if let Some(opts) = &output.charts {
            for (name, bytes) in
                chart::compare_charts(&scenarios, variants, &rows, terms, opts, unit)?
            {
                staged.add(&name, &bytes)?;
            }
        }
        refuse_overwriting_inputs(inputs, &staged)?;
        staged.commit()?;
    }
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
    print(stdout, &text)
}

/// Writes to stdout; a closed pipe surfaces as `Error::Stdout` for `main` to treat as
/// success.
fn print(stdout: &mut dyn Write, text: &str) -> Result<(), Error> {
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(Error::Stdout)
}

/// Reads every input, collecting the problems of all files before failing.
pub fn load_all(inputs: &[Input]) -> Result<Vec<Scenario>, Error> {
    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut problems = Vec::new();
    for input in inputs {
        match load_one(input) {
            Ok(mut s) => scenarios.append(&mut s),
            Err(Error::Problems(mut p)) => problems.append(&mut p),
            Err(e) => return Err(e),
        }
    }
    let mut seen: HashSet<&str> = HashSet::new();
    for s in &scenarios {
        if !seen.insert(&s.name) {
            let first = scenarios
                .iter()
                .find(|o| o.name == s.name)
                .map_or("", |o| o.source.as_str());
            problems.push(Problem::new(
                &s.source,
                format!(
                    "scenario {} is also defined in {first}; scenario names must be unique (rename a file or its scenario column)",
                    quote(&s.name)
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(scenarios)
    } else {
        Err(problems.into())
    }
}

fn load_one(input: &Input) -> Result<Vec<Scenario>, Error> {
    let origin = input.origin();
    let stem = input.stem();
    let result = match input {
        Input::Stdin => load::load(std::io::stdin().lock(), &origin, &stem),
        Input::File(path) => {
            let file = std::fs::File::open(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            load::load(std::io::BufReader::new(file), &origin, &stem)
        }
    };
    result.map_err(Error::Problems)
}

/// Computes every scenario under `terms`.
pub fn compute_all(scenarios: &[Scenario], terms: &Terms) -> Result<Vec<ScenarioResult>, Error> {
    scenarios
        .iter()
        .map(|s| engine::compute(s, terms))
        .collect()
}

/// The term start every scenario shares, if they share one.
fn shared_from(scenarios: &[Scenario], terms: &Terms) -> Option<model::Date> {
    terms.from.or_else(|| {
        let first = engine::term_start(scenarios.first()?, terms);
        scenarios
            .iter()
            .all(|s| engine::term_start(s, terms) == first)
            .then_some(first)
    })
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
    use rayon::prelude::*;

    let no_cap = |t: &Terms| Terms {
        cap: None,
        ..t.clone()
    };
    let shared = no_cap(terms);
    // Decided once per variant, not per (scenario, variant).
    let sweepable: Vec<bool> = variants
        .iter()
        .map(|v| no_cap(&v.terms) == shared)
        .collect();
    let progress = progress_bar(scenarios.len(), variants.len());
    // Scenarios are independent: compute them on every core, then keep input order.
    let per_scenario: Vec<Result<(Vec<model::CompareRow>, model::Thresholds), Error>> = scenarios
        .par_iter()
        .map(|s| {
            let result = compare_one(s, terms, variants, &sweepable);
            progress.inc(1);
            result
        })
        .collect();
    progress.finish_and_clear();
    let mut rows = Vec::with_capacity(scenarios.len().saturating_mul(variants.len()));
    let mut thresholds = Vec::with_capacity(scenarios.len());
    for r in per_scenario {
        let (mut r, t) = r?;
        rows.append(&mut r);
        thresholds.push(t);
    }
    Ok((rows, thresholds))
}

/// One scenario under every variant, and its thresholds.
fn compare_one(
    s: &Scenario,
    terms: &Terms,
    variants: &[config::Variant],
    sweepable: &[bool],
) -> Result<(Vec<model::CompareRow>, model::Thresholds), Error> {
    let sweep = engine::Sweep::new(s, terms)?;
    let overflow = || Error::Overflow {
        scenario: s.name.clone(),
        period: "(sweep)".into(),
        what: "payment",
    };
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
    let by = sweep.thresholds().ok_or_else(overflow)?;
    let thresholds = model::Thresholds {
        scenario: s.name.clone(),
        by: by
            .into_iter()
            .map(|(date, cap)| model::Threshold { date, cap })
            .collect(),
        never_binds_above: terms
            .already_paid
            .checked_add(sweep.uncapped().summary.uncapped_total)
            .ok_or_else(overflow)?,
    };
    Ok((rows, thresholds))
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
    mut problems: Vec<Problem>,
    json: bool,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let mut scenario_count = 0;
    match load_all(inputs) {
        Ok(s) => scenario_count = s.len(),
        Err(Error::Problems(mut p)) => problems.append(&mut p),
        Err(e) => return Err(e),
    }
    let files: HashSet<&str> = problems.iter().map(|p| p.origin.as_str()).collect();
    if json {
        let doc = serde_json::json!({
            "version": 1,
            "ok": problems.is_empty(),
            "files": inputs.iter().map(Input::origin).collect::<Vec<_>>(),
            "scenarios": scenario_count,
            "problems": problems,
        });
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
        let _ = writeln!(err, "error: {p}");
    }
    let _ = writeln!(
        err,
        "{} problem{} in {} file{}",
        problems.len(),
        plural(problems.len()),
        files.len(),
        plural(files.len())
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
