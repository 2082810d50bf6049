//! `revcap validate`: every problem in every file and terms file, then a count.

use std::io::Write;

use crate::config::Input;
use crate::error::{self, Error, Problem};
use crate::load::{self, Opened};
use crate::output;

/// Checks every input, adding its problems to those `config` found in the paths and
/// terms files (`problems`, grouped by `order`), and reports them all.
pub fn validate(
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
    let (scenarios, file_problems) = count_every(inputs);
    grouped.extend(file_problems.into_vec());
    let count = grouped.count();
    let problems = grouped.into_vec();
    if json {
        print_json(inputs, scenarios, count, &problems, stdout)?;
        return if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Reported)
        };
    }
    if problems.is_empty() {
        let n = inputs.len();
        return output::print(
            stdout,
            &format!(
                "ok: {scenarios} scenario{} in {n} file{}\n",
                plural(scenarios),
                plural(n)
            ),
        );
    }
    report(&problems, count);
    Err(Error::Reported)
}

/// `validate --format json` on stdout.
fn print_json(
    inputs: &[Input],
    scenarios: usize,
    problem_count: u64,
    problems: &[Problem],
    stdout: &mut dyn Write,
) -> Result<(), Error> {
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
        scenarios,
        problem_count,
        problems,
    };
    let mut text =
        serde_json::to_string_pretty(&doc).map_err(|e| Error::Internal(e.to_string()))?;
    text.push('\n');
    output::print(stdout, &text)
}

/// Every problem on stderr, then how many there are in how many files.
fn report(problems: &[Problem], count: u64) {
    let files = {
        let mut origins: Vec<&str> = problems.iter().map(|p| p.origin.as_str()).collect();
        origins.dedup();
        origins.len()
    };
    let mut err = std::io::stderr().lock();
    for p in problems {
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
}

/// What loading every input finds, counting the scenarios that load (from the files
/// that do) instead of keeping them: `validate` needs no more, and a batch is dropped
/// as soon as it is checked.
fn count_every(inputs: &[Input]) -> (usize, error::Problems) {
    let Opened {
        files,
        mut problems,
        repeated,
    } = load::open_all(inputs);
    let mut count = 0;
    for mut file in files {
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

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
