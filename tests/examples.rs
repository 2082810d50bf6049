//! Runs every `revcap` example shown in README.md and in the `--help` texts, as written,
//! from the repository root: an example that names a file that does not ship, or that
//! fails, fails this test.
//!
//! An example is a line starting with `revcap ` (after indentation or `$ `) in one of
//! README.md's code blocks (indented or fenced) or in the examples of `revcap --help`,
//! `revcap run --help`, `compare --help`, `validate --help`, `scenarios --help`,
//! `solve --help` and `sensitivity --help`. A
//! trailing `# comment` is dropped. So that nothing is written into the repository, a
//! `run`, `compare` or `sensitivity` that passes `--output DIR` (or `scenarios --export DIR`) writes into
//! a temporary folder instead (without charts, which take seconds each in a debug build
//! and have their own tests), and one that passes neither `--output` nor `--no-files`
//! gets `--no-files`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_revcap");

/// Examples documented as failing, with their exit code: (example as written, code).
/// Every entry must still be shown somewhere, so the list cannot go stale.
const EXPECTED_FAILURES: &[(&str, i32)] = &[];

/// The help texts whose examples are run.
const HELP: &[&[&str]] = &[
    &["--help"],
    &["run", "--help"],
    &["compare", "--help"],
    &["validate", "--help"],
    &["scenarios", "--help"],
    &["solve", "--help"],
    &["sensitivity", "--help"],
    &["simulate", "--help"],
];

/// What a command that reads `-` gets on stdin when the example does not redirect it.
const STDIN_CSV: &str = "period,revenue\n2026,30B\n2027,62B\n2028,100B\n2029,160B\n2030,280B\n";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `revcap ...` if `line` is an example line (after indentation or `$ `).
fn example(line: &str) -> Option<String> {
    let line = line.trim_start();
    let line = line.strip_prefix("$ ").unwrap_or(line);
    line.starts_with("revcap ")
        .then(|| line.trim_end().to_owned())
}

/// The example lines of README.md's indented and fenced code blocks.
fn readme_examples(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut fenced = false;
    let mut prev_blank_or_code = true;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        let indented = line.starts_with("    ") || line.starts_with('\t');
        let in_code = fenced || (indented && prev_blank_or_code);
        if in_code {
            found.extend(example(line));
        }
        prev_blank_or_code = line.trim().is_empty() || in_code;
    }
    found
}

/// The example lines of one `--help` text.
fn help_examples(args: &[&str]) -> Vec<String> {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(out.status.success(), "revcap {}: {:?}", args.join(" "), out);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(example)
        .collect()
}

/// A usage synopsis (`revcap run [PATHS...] [TERMS] ...`) shows the shape of a command,
/// not a command to run.
fn is_synopsis(line: &str) -> bool {
    line.contains("...]")
}

/// Splits a command line as a POSIX shell would for the simple forms examples use:
/// words, single and double quotes, and a `#` comment at the start of a word. Returns
/// each word with whether any of it was quoted (quoted words are never redirections).
fn words(line: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut word: Option<(String, bool)> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => out.extend(word.take()),
            '#' if word.is_none() => break,
            '\'' | '"' => {
                let w = word.get_or_insert_with(|| (String::new(), false));
                w.1 = true;
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    w.0.push(q);
                }
            }
            _ => word.get_or_insert_with(|| (String::new(), false)).0.push(c),
        }
    }
    out.extend(word);
    out
}

/// Expands a word with one `*` in its last component, as the shell would.
fn glob(word: &str) -> Vec<String> {
    let (dir, pattern) = word.rsplit_once('/').unwrap_or((".", word));
    let (prefix, suffix) = pattern.split_once('*').unwrap();
    let mut names: Vec<String> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(prefix) && n.ends_with(suffix) && n.len() >= pattern.len() - 1)
        .map(|n| if dir == "." { n } else { format!("{dir}/{n}") })
        .collect();
    names.sort();
    assert!(!names.is_empty(), "{word} matches nothing");
    names
}

/// How one example is run.
struct Invocation {
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
}

fn invocation(line: &str, out_dir: &Path) -> Invocation {
    let mut args = Vec::new();
    let mut stdin = None;
    let mut it = words(line).into_iter().skip(1); // `revcap`
    while let Some((w, quoted)) = it.next() {
        match w.as_str() {
            "<" if !quoted => {
                let file = it.next().expect("a file after <").0;
                stdin = Some(std::fs::read(root().join(&file)).expect(&file));
            }
            // stdout and stderr are captured anyway; the target is not written.
            ">" | ">>" | "2>" | "&>" if !quoted => {
                it.next();
            }
            // What follows a pipe reads revcap's output; revcap alone is what is tested.
            "|" if !quoted => break,
            _ if !quoted && w.contains('*') => args.extend(glob(&w)),
            _ => args.push(w),
        }
    }
    // Whatever an example writes goes into the temporary folder (`man --output
    // ~/...` and `scenarios --export DIR` included: no shell expands `~` here, so it would land in the repository).
    for flag in ["--output", "--export"] {
        if let Some(i) = args.iter().position(|a| a == flag) {
            *args.get_mut(i + 1).expect("a folder after the flag") = out_dir.display().to_string();
        }
    }
    let writes = matches!(
        args.first().map(String::as_str),
        Some("run" | "compare" | "sensitivity")
    );
    if writes && !args.iter().any(|a| a == "--no-files") {
        if args.iter().any(|a| a == "--output") {
            args.push("--no-charts".into());
        } else {
            args.push("--no-files".into());
        }
    }
    if stdin.is_none() && args.iter().any(|a| a == "-") {
        stdin = Some(STDIN_CSV.as_bytes().to_vec());
    }
    Invocation { args, stdin }
}

fn run(inv: &Invocation) -> std::process::Output {
    let mut child = Command::new(BIN)
        .current_dir(root())
        .env_remove("RUST_BACKTRACE")
        .args(&inv.args)
        .stdin(if inv.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = &inv.stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn all_examples() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut found: Vec<(String, String)> = readme_examples(&readme)
        .into_iter()
        .map(|e| ("README.md".to_owned(), e))
        .collect();
    for args in HELP {
        let source = format!("revcap {}", args.join(" "));
        found.extend(help_examples(args).into_iter().map(|e| (source.clone(), e)));
    }
    found.retain(|(_, e)| !is_synopsis(e));
    found
}

#[test]
fn every_example_in_the_readme_and_help_runs_as_written() {
    let examples = all_examples();
    // Guards the extraction itself: the help texts alone show more than this.
    assert!(
        examples.len() >= 15,
        "only {} examples found",
        examples.len()
    );
    for (expected, _) in EXPECTED_FAILURES {
        assert!(
            examples.iter().any(|(_, e)| e == expected),
            "{expected:?} is allowed to fail but no longer shown"
        );
    }
    let mut failures = Vec::new();
    for (source, line) in &examples {
        let out_dir = tempfile::tempdir().unwrap();
        let inv = invocation(line, out_dir.path());
        let out = run(&inv);
        let expected = EXPECTED_FAILURES
            .iter()
            .find(|(e, _)| e == line)
            .map_or(0, |&(_, code)| code);
        if out.status.code() != Some(expected) {
            failures.push(format!(
                "{source}: {line}\n  ran: revcap {:?}\n  exit {:?}, expected {expected}\n  stderr: {}",
                inv.args,
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn examples_are_extracted_from_code_blocks_only() {
    let text = "Prose with revcap run in it.\n\n    revcap run --cap 1B   # a comment\n\
                text\n    revcap not-code\n\n```sh\n$ revcap compare --thresholds\n```\n";
    assert_eq!(
        readme_examples(text),
        [
            "revcap run --cap 1B   # a comment",
            "revcap compare --thresholds"
        ]
    );
}

#[test]
fn example_lines_become_arguments_as_a_shell_would_split_them() {
    let out = PathBuf::from("/tmp/out");
    let inv = invocation(
        "revcap run - --unit 'USD m' --format csv < scenarios/feb2026.csv  # note",
        &out,
    );
    assert_eq!(
        inv.args,
        [
            "run",
            "-",
            "--unit",
            "USD m",
            "--format",
            "csv",
            "--no-files"
        ]
    );
    assert!(inv.stdin.unwrap().starts_with(b"period,revenue"));

    let inv = invocation("revcap run scenarios/ --output reports/ | head", &out);
    assert_eq!(
        inv.args,
        ["run", "scenarios/", "--output", "/tmp/out", "--no-charts"]
    );
    assert!(inv.stdin.is_none());

    let inv = invocation("revcap validate scenarios/f*.csv", &out);
    assert_eq!(inv.args, ["validate", "scenarios/feb2026.csv"]);
    assert!(is_synopsis("revcap run      [PATHS...] [TERMS]"));
}
