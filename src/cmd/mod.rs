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

/// Prints `lines` on stderr, one a line (commands whose warnings are few: `solve`,
/// `sensitivity`; `run` and `compare` spool theirs, [`Warnings`]).
fn print_warnings(lines: &[String]) {
    let mut err = std::io::stderr().lock();
    for l in lines {
        let _ = writeln!(err, "{l}");
    }
}

/// One output of a command that takes the results a batch at a time, in input
/// order: a file being written, text kept for stdout, the warnings, what the charts
/// draw. A command's loop is "for each batch: compute, then hand the batch's results
/// to each output" (docs/architecture.md); an output keeps what it needs of a batch
/// (text in a spool or a staged file, a few numbers) and nothing more, and is
/// finished by the command once every batch is in.
pub(crate) trait Consumer<B: ?Sized> {
    fn take(&mut self, batch: &B) -> Result<(), crate::error::Error>;
}

/// The coverage warnings of every batch (docs/spec.md §4.6), printed on stderr once
/// every batch is computed; spooled, as a file of millions of scenarios short of the
/// term has millions of them.
#[derive(Default)]
struct Warnings(crate::output::Spool);

impl Warnings {
    /// Adds `lines`, one a line.
    fn add(&mut self, lines: impl IntoIterator<Item = String>) -> Result<(), Error> {
        for l in lines {
            self.0.write(l.as_bytes())?;
            self.0.write(b"\n")?;
        }
        Ok(())
    }

    /// Prints them on stderr.
    fn print(mut self) {
        let mut err = std::io::stderr().lock();
        let _ = self.0.copy_to(&mut err, Error::Stdout);
    }
}

/// The term start every scenario shares, if they share one, gathered a batch at a
/// time: [`crate::engine::common_start`] of every scenario's start.
struct Start<'a> {
    terms: &'a crate::model::Terms,
    first: Option<crate::model::Date>,
    same: bool,
}

impl<'a> Start<'a> {
    fn new(terms: &'a crate::model::Terms) -> Start<'a> {
        Start {
            terms,
            first: None,
            same: true,
        }
    }

    fn add(&mut self, starts: impl IntoIterator<Item = crate::model::Date>) {
        for s in starts {
            match self.first {
                None => self.first = Some(s),
                Some(f) => self.same &= f == s,
            }
        }
    }

    fn shared(&self) -> Option<crate::model::Date> {
        crate::engine::common_start(self.terms, self.first.filter(|_| self.same))
    }
}
