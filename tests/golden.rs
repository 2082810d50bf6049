//! The golden set: spreadsheet-style files as Excel, Google Sheets, Numbers and
//! LibreOffice export them (tests/fixtures/real/), each with the summary revcap must
//! give for it.
//!
//! Each case is `NAME.<ext>` (the input) with:
//! - `NAME.expected.csv`: the exact `summary.csv` of
//!   `revcap run NAME.<ext> [args] --output out --no-charts`;
//! - `NAME.args` (optional): the extra arguments, one per line;
//! - `NAME.expected.stderr` (optional): the exact stderr (empty when absent), apart from
//!   the one line that says which files were written (pinned by the CLI tests);
//! - `NAME.why`: why the expected summary is right, independently of revcap (most cases
//!   write the revenue of a bundled scenario another way, so the figures must be those
//!   of that scenario; the others give the arithmetic).
//!
//! Each input is copied alone into a fresh folder and run there by its bare name, so
//! the names in the summary and in warnings do not depend on where the tests run, and
//! no terms file beside the fixtures applies.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::Workdir;

const DIR: &str = "tests/fixtures/real";

/// Every case of the golden set: its input file and the stem of its companions.
fn cases() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(DIR).expect("tests/fixtures/real exists") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let companion = [".expected.csv", ".expected.stderr", ".args", ".why"]
            .iter()
            .any(|s| name.ends_with(s));
        if companion || !path.is_file() {
            continue;
        }
        let stem = match name.rsplit_once('.') {
            Some((stem, _)) => stem.to_string(),
            None => name.clone(),
        };
        out.push((path, stem));
    }
    out.sort();
    out
}

fn companion(stem: &str, suffix: &str) -> Option<String> {
    let p = Path::new(DIR).join(format!("{stem}{suffix}"));
    p.is_file()
        .then(|| String::from_utf8(fs::read(&p).unwrap()).expect("companion files are UTF-8"))
}

/// Whether `line` is the note of which files a run wrote into `out`.
fn is_wrote_line(line: &str) -> bool {
    line.starts_with("wrote ") && (line.ends_with(" to out") || line.ends_with(" to out/"))
}

#[test]
fn every_golden_file_gives_its_expected_summary() {
    let cases = cases();
    assert!(
        cases.len() >= 30,
        "the golden set has {} cases; it should have at least 30",
        cases.len()
    );
    let mut failures = Vec::new();
    for (input, stem) in &cases {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let expected = companion(stem, ".expected.csv")
            .unwrap_or_else(|| panic!("{name}: no {stem}.expected.csv"));
        assert!(
            companion(stem, ".why").is_some(),
            "{name}: no {stem}.why saying why the expected summary is right"
        );
        let want_err = companion(stem, ".expected.stderr").unwrap_or_default();
        let args: Vec<String> = companion(stem, ".args")
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();

        let wd = Workdir::new();
        wd.write(&name, fs::read(input).unwrap());
        let mut argv = vec!["run", name.as_str()];
        argv.extend(args.iter().map(String::as_str));
        argv.extend(["--output", "out", "--no-charts"]);
        let out = wd.cmd(&argv).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let got_err: String = stderr
            .lines()
            .filter(|l| !is_wrote_line(l))
            .map(|l| format!("{l}\n"))
            .collect();
        if !out.status.success() {
            failures.push(format!("{name}: exit {:?}\n{stderr}", out.status.code()));
            continue;
        }
        let got = fs::read_to_string(wd.path("out/summary.csv")).unwrap_or_default();
        if got != expected {
            failures.push(format!(
                "{name}: summary.csv differs\n--- expected\n{expected}--- got\n{got}"
            ));
        }
        if got_err != want_err {
            failures.push(format!(
                "{name}: stderr differs\n--- expected\n{want_err}--- got\n{got_err}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
