//! `revcap run`: every scenario under one set of terms; files, then stdout.
//!
//! CSV on stdout alone (`--format csv --no-files`) is computed and rendered a batch
//! of scenarios at a time (`stream_csv`), so memory follows the ledger's text, not
//! the scenarios and results behind it; every other output keeps every result.

use std::io::Write;

use super::{
    chart_options, gap_warnings, note_skipped_charts, note_written, print_warnings, Rendered,
};
use crate::config::{Input, Output};
use crate::error::Error;
use crate::model::{Scenario, ScenarioResult, Terms};
use crate::render::Format;
use crate::{chart, engine, load, output, render};

/// Loads every input, computes every scenario, stages the files, prints, commits.
pub fn run(
    inputs: &[Input],
    terms: &Terms,
    output: &Output,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    if output.dir.is_none() && output.format == Format::Csv {
        return stream_csv(inputs, terms, stdout);
    }
    let (scenarios, currency) = load::load_all(inputs)?;
    let shown = output.shown.for_headers(currency);
    let results = compute_all(&scenarios, terms)?;
    // Every output is made from the results.
    drop(scenarios);
    let warnings: Vec<String> = results
        .iter()
        .flat_map(|r| {
            let gaps = engine::gaps(&r.summary, r.from, terms.through);
            gap_warnings(&r.source, &r.name, gaps)
        })
        .collect();
    print_warnings(&warnings);
    let view = render::RunView {
        results: &results,
        terms,
        shown: &shown,
    };
    let rendered = Rendered::new(output, |f| f.run(&view))?;
    let staged = if let Some(dir) = &output.dir {
        let mut staged = output::Staged::new(dir)?;
        staged.add_parts("ledger.csv", rendered.csv())?;
        staged.add(
            "summary.csv",
            render::csv::summary(&results)
                .map_err(Error::Internal)?
                .as_bytes(),
        )?;
        staged.add_parts("result.json", rendered.json())?;
        if let Some(opts) = chart_options(output, results.len()) {
            for (name, bytes) in chart::run_charts(&results, terms, opts, shown.unit.as_ref())? {
                staged.add(&name, &bytes)?;
            }
        }
        for (name, bytes) in render::html::run_files(inputs, &results, terms, output, &shown)? {
            staged.add(&name, &bytes)?;
        }
        output::refuse_overwriting_inputs(inputs, &staged)?;
        Some(staged)
    } else {
        None
    };
    let text = rendered.stdout(output.format)?;
    let files = staged.as_ref().map(|s| s.targets().count());
    let done = output::print_then_commit(stdout, &text, staged);
    note_skipped_charts(&done, output, results.len());
    note_written(&done, output, files);
    done
}

/// `--format csv` with no files: each batch's ledger lines are rendered as it is
/// computed, and its results dropped. The same bytes as rendering all results at once
/// (`render::csv::ledger` renders scenario by scenario; its header comes first when
/// there is a row), and the same errors (`each_batch` lists every problem of every
/// file before a computation's error, which is the first in input order).
fn stream_csv(inputs: &[Input], terms: &Terms, stdout: &mut dyn Write) -> Result<(), Error> {
    let opened = load::open_all(inputs);
    let mut text = Vec::new();
    // One text, not a string a warning: a file of millions of scenarios short of the
    // term has millions of them.
    let mut warnings = String::new();
    let mut header = false;
    super::compare::each_batch(opened, |batch| {
        let results = compute_all(&batch, terms)?;
        drop(batch);
        for r in &results {
            let gaps = engine::gaps(&r.summary, r.from, terms.through);
            for w in gap_warnings(&r.source, &r.name, gaps) {
                warnings.push_str(&w);
                warnings.push('\n');
            }
        }
        let mut lines = render::csv::ledger(&results).map_err(Error::Internal)?;
        // The header is kept once, from the first batch with a row.
        if lines.iter().any(|l| !l.is_empty()) {
            if header {
                lines.remove(0);
            }
            header = true;
        }
        text.append(&mut lines);
        Ok(())
    })?;
    let _ = std::io::stderr().lock().write_all(warnings.as_bytes());
    output::print_then_commit(stdout, &text, None)
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
