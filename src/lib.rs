//! revcap: revenue-share payments under a total cap, computed exactly.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`cli`]: the command line as clap parses it (no logic);
//! 2. [`config`]: arguments and TOML terms become a validated [`config::Config`];
//! 3. [`load`]: CSV scenario files become a compact store of values (parsed by
//!    [`parse`]), then sorted, checked [`model::Scenario`]s, a batch at a time;
//! 4. [`engine`]: the exact computation of docs/spec.md §4, one scenario at a time;
//! 5. [`render`] (table, CSV, JSON, Markdown) and [`chart`] present the results;
//! 6. [`output`] prints, then writes files atomically.
//!
//! [`cmd`] holds the commands, one module each, which run that pipeline from a
//! validated config; [`run`] picks one.

pub mod analysis;
pub mod builtin;
pub mod chart;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod engine;
pub mod error;
pub mod load;
pub mod model;
pub mod montecarlo;
pub mod output;
pub mod parse;
pub mod render;
pub mod unit;

use std::io::Write;

pub use cmd::compare::compare_all;
pub use cmd::run::compute_all;
pub use load::load_all;

use config::{Action, Config};
use error::Error;

/// Runs a command, printing its main output to `stdout`.
pub fn run(config: Config, stdout: &mut dyn Write) -> Result<(), Error> {
    let inputs = &config.inputs;
    if let Action::Run { output, .. } | Action::Compare { output, .. } = &config.action {
        output::set_no_wait(output.no_wait);
    }
    match config.action {
        Action::Run {
            terms,
            output,
            distribution,
        } => cmd::run::run(inputs, &terms, &output, &distribution, stdout),
        Action::Compare {
            terms,
            variants,
            thresholds,
            metric,
            output,
            distribution,
        } => {
            let request = cmd::compare::Request {
                inputs,
                terms: &terms,
                variants: &variants,
                thresholds,
                metric,
                output: &output,
                distribution: &distribution,
            };
            cmd::compare::compare(&request, stdout)
        }
        Action::Validate {
            problems,
            order,
            json,
            terms,
            strict,
            skipped,
        } => {
            let checks = cmd::validate::Checks {
                terms: terms.as_ref(),
                strict,
                json,
                skipped,
            };
            cmd::validate::validate(inputs, problems, &order, &checks, stdout)
        }
        Action::Completions { shell } => cmd::completions::completions(shell, stdout),
        Action::Man { dir } => cmd::man::man(dir.as_deref(), stdout),
        Action::Scenarios { export } => cmd::scenarios::scenarios(export.as_deref(), stdout),
        Action::Solve {
            terms,
            input,
            target,
            format,
        } => cmd::solve::solve(inputs, &terms, input, target, format, stdout),
        Action::Sensitivity {
            terms,
            swings,
            metrics,
            output,
        } => {
            output::set_no_wait(output.no_wait);
            cmd::sensitivity::sensitivity(inputs, &terms, &swings, &metrics, &output, stdout)
        }
        Action::Simulate(request) => cmd::simulate::simulate(inputs, &request, stdout),
    }
}
