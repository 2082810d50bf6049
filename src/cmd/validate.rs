//! `revcap validate`: every problem in every file and terms file, then a count; and
//! the warnings `run` would give (how a file was read, data that does not cover the
//! term).

use std::io::Write;

use crate::config::Input;
use crate::engine;
use crate::error::{self, Error, Problem};
use crate::load::{self, Opened};
use crate::model::Terms;
use crate::output;

/// What `validate` was asked: the checks beyond the files themselves.
pub struct Checks<'a> {
    /// The terms `run` would use, to check coverage against (docs/spec.md §5.4).
    pub terms: Option<&'a Terms>,
    /// Whether warnings fail the check.
    pub strict: bool,
    pub json: bool,
    /// Folder entries named like scenario files that are not (docs/spec.md §2):
    /// warnings, listed before those of the scenarios.
    pub skipped: Vec<Problem>,
}

/// Checks every input, adding its problems to those `config` found in the paths and
/// terms files (`problems`, grouped by `order`), and reports them all, warnings first.
pub fn validate(
    inputs: &[Input],
    problems: Vec<Problem>,
    order: &[String],
    checks: &Checks,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    // Grouped by file (terms files included) in the order given, each capped at
    // MAX_LISTED.
    let mut grouped = error::Problems::new();
    for origin in order {
        grouped.register(origin);
    }
    grouped.extend(problems);
    let Counted {
        scenarios,
        problems: file_problems,
        warnings,
    } = count_every(inputs, checks.terms);
    let mut all_warnings = error::Problems::new();
    all_warnings.extend(checks.skipped.iter().cloned());
    all_warnings.extend(warnings.into_vec());
    let warnings = all_warnings;
    grouped.extend(file_problems.into_vec());
    let count = grouped.count();
    let problems = grouped.into_vec();
    let warning_count = warnings.count();
    let warnings = warnings.into_vec();
    let failed = !problems.is_empty() || (checks.strict && warning_count > 0);
    if checks.json {
        let doc = Report {
            inputs,
            scenarios,
            problem_count: count,
            problems: &problems,
            warning_count,
            warnings: &warnings,
            ok: !failed,
        };
        print_json(&doc, stdout)?;
        return if failed { Err(Error::Reported) } else { Ok(()) };
    }
    print_list(&warnings, "warning: ");
    if !problems.is_empty() {
        print_list(&problems, "error: ");
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            tally(count, "problem", files(&problems))
        );
        return Err(Error::Reported);
    }
    if failed {
        let _ = writeln!(
            std::io::stderr(),
            "{}; --strict makes warnings fail the check",
            tally(warning_count, "warning", files(&warnings))
        );
        return Err(Error::Reported);
    }
    let n = inputs.len();
    let warned = match warning_count {
        0 => String::new(),
        w => format!(" ({w} warning{})", plural(usize::try_from(w).unwrap_or(2))),
    };
    output::print(
        stdout,
        &format!(
            "ok: {scenarios} scenario{} in {n} file{}{warned}\n",
            plural(scenarios),
            plural(n)
        ),
    )
}

/// What `validate --format json` reports.
struct Report<'a> {
    inputs: &'a [Input],
    scenarios: usize,
    problem_count: u64,
    problems: &'a [Problem],
    warning_count: u64,
    warnings: &'a [Problem],
    ok: bool,
}

/// `validate --format json` on stdout.
fn print_json(r: &Report, stdout: &mut dyn Write) -> Result<(), Error> {
    /// `validate --format json`, fields in the documented order.
    #[derive(serde::Serialize)]
    struct ValidateDoc<'a> {
        version: u32,
        ok: bool,
        files: Vec<String>,
        scenarios: usize,
        problem_count: u64,
        problems: &'a [Problem],
        warning_count: u64,
        warnings: &'a [Problem],
    }
    let doc = ValidateDoc {
        version: 1,
        ok: r.ok,
        files: r.inputs.iter().map(Input::origin).collect(),
        scenarios: r.scenarios,
        problem_count: r.problem_count,
        problems: r.problems,
        warning_count: r.warning_count,
        warnings: r.warnings,
    };
    let mut text =
        serde_json::to_string_pretty(&doc).map_err(|e| Error::Internal(e.to_string()))?;
    text.push('\n');
    output::print(stdout, &text)
}

/// Every problem (or warning) on stderr, each line after `prefix`.
fn print_list(problems: &[Problem], prefix: &str) {
    let mut err = std::io::stderr().lock();
    for p in problems {
        // The closing "... and N more" line of a long list is not an item of its own.
        let prefix = if p.omitted > 0 { "" } else { prefix };
        let _ = writeln!(err, "{prefix}{p}");
    }
}

/// How many files `problems` name (they come grouped by file); a flag (`--through`)
/// is not a file.
fn files(problems: &[Problem]) -> usize {
    let mut origins: Vec<&str> = problems
        .iter()
        .map(|p| p.origin.as_str())
        .filter(|o| !o.starts_with("--"))
        .collect();
    origins.dedup();
    origins.len()
}

/// `3 problems in 2 files`, or `1 problem` when only flags are wrong.
fn tally(count: u64, what: &str, files: usize) -> String {
    let count_s = plural(usize::try_from(count).unwrap_or(usize::MAX));
    match files {
        0 => format!("{count} {what}{count_s}"),
        _ => format!("{count} {what}{count_s} in {files} file{}", plural(files)),
    }
}

/// What [`count_every`] finds.
struct Counted {
    scenarios: usize,
    problems: error::Problems,
    /// The warnings `run` would give: how each file was read, and for the scenarios
    /// that load, a term their data does not cover (docs/spec.md §4.6).
    warnings: error::Problems,
}

/// What loading every input finds, counting the scenarios that load (from the files
/// that do) instead of keeping them: `validate` needs no more, and a batch is dropped
/// as soon as it is checked.
fn count_every(inputs: &[Input], terms: Option<&Terms>) -> Counted {
    let Opened {
        files,
        mut problems,
        repeated,
    } = load::open_inputs(inputs, load::ReadWarnings::Keep);
    let mut count = 0;
    let mut warnings = error::Problems::new();
    for mut file in files {
        // How the file was read (a scale its header names, columns taken as
        // scenarios): said whether or not it has problems, as every command says it.
        warnings.extend(file.warnings().iter().cloned());
        // Capped like every list of problems (the first 100 kept, the rest counted),
        // so a file of millions of bad rows does not fill memory.
        let mut found = error::Problems::new();
        found.extend(file.take_problems());
        let mut scenarios = 0;
        let mut gaps = error::Problems::new();
        while let Some((batch, p)) = file.next_batch() {
            scenarios += batch.len();
            found.extend(p);
            // A file with problems gives no warnings: only its problems are reported.
            let Some(terms) = terms.filter(|_| found.is_empty()) else {
                continue;
            };
            for s in &batch {
                gaps.extend(
                    engine::scenario_gaps(s, terms)
                        .into_iter()
                        .map(|g| Problem::new(&s.source, g.to_string()).scenario(&s.name)),
                );
            }
        }
        if found.is_empty() {
            count += scenarios;
            warnings.extend(gaps.into_vec());
        } else {
            problems.extend(found.into_vec());
        }
    }
    problems.extend(repeated);
    Counted {
        scenarios: count,
        problems,
        warnings,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
