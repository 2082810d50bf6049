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

use crate::chart;
use crate::config::{ChartOptions, Output};
use crate::error::{Error, Problem};
use crate::model::Gap;
use crate::render::{csv::Csv, json::Json, Format, Render};

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

/// Prints `lines` on stderr, one a line.
fn print_warnings(lines: &[String]) {
    let mut err = std::io::stderr().lock();
    for l in lines {
        let _ = writeln!(err, "{l}");
    }
}

/// One view rendered in the formats a command writes and prints, each at most once:
/// the CSV and JSON files' text when files are written, reused for stdout when it
/// asks for the same format.
struct Rendered<F> {
    /// Renders the view in one format (`|f| f.run(&view)`).
    render: F,
    csv: Option<Vec<String>>,
    json: Option<Vec<String>>,
}

impl<F: Fn(&dyn Render) -> Result<Vec<String>, String>> Rendered<F> {
    /// Renders the files' formats now if `output` writes files.
    fn new(output: &Output, render: F) -> Result<Self, Error> {
        let files = output.dir.is_some();
        let once = |f: &dyn Render| files.then(|| render(f)).transpose();
        let (csv, json) = (once(&Csv), once(&Json));
        Ok(Rendered {
            csv: csv.map_err(Error::Internal)?,
            json: json.map_err(Error::Internal)?,
            render,
        })
    }

    /// The text of a file's format (empty without files).
    fn csv(&self) -> &[String] {
        self.csv.as_deref().unwrap_or_default()
    }

    fn json(&self) -> &[String] {
        self.json.as_deref().unwrap_or_default()
    }

    /// What stdout prints in `format`: a file's text when there is one, else rendered.
    fn stdout(self, format: Format) -> Result<Vec<String>, Error> {
        match (format, self.csv, self.json) {
            (Format::Csv, Some(text), _) | (Format::Json, _, Some(text)) => Ok(text),
            (format, ..) => (self.render)(format.renderer()).map_err(Error::Internal),
        }
    }
}
