//! `revcap run`: every scenario under one set of terms; files, then stdout.

use std::io::Write;

use super::{
    chart_options, gap_warnings, note_skipped_charts, note_written, print_warnings, Rendered,
};
use crate::config::{Input, Output};
use crate::error::Error;
use crate::model::{Scenario, ScenarioResult, Terms};
use crate::{chart, engine, load, output, render};

/// Loads every input, computes every scenario, stages the files, prints, commits.
pub fn run(
    inputs: &[Input],
    terms: &Terms,
    output: &Output,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let scenarios = load::load_all(inputs)?;
    let results = compute_all(&scenarios, terms)?;
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
        shown: &output.shown,
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
            for (name, bytes) in
                chart::run_charts(&results, terms, opts, output.shown.unit.as_ref())?
            {
                staged.add(&name, &bytes)?;
            }
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
