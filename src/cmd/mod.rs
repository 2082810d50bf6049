//! The commands, one module each, like xsv's `src/cmd/`: each takes its part of a
//! validated [`crate::config::Config`] to printed text and committed files.
//!
//! A new command gets a file here with one public entry point, a variant of
//! [`crate::config::Action`], and an arm in [`crate::run`]. What more than one command
//! needs lives below; reading the inputs is [`crate::load::open_all`], printing and
//! committing files is [`crate::output`].

pub mod compare;
pub mod run;
pub mod validate;

use std::io::Write;

use crate::chart;
use crate::config::{ChartOptions, Output};
use crate::error::Error;

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
