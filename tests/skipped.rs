//! What revcap does not read, and what it does not print raw: entries of an input
//! folder named like scenario files that are not regular files (a subfolder, a FIFO,
//! a link to nothing, a link that loops) are skipped with a warning, never opened
//! (docs/spec.md §5.1); names from the inputs reach the terminal with their control
//! characters escaped, and CSV and JSON keep them exactly (§6). Also the cap range that
//! ends at the largest amount.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::os::unix::fs::symlink;
use std::time::Duration;

use common::Workdir;

/// Two years of data, the term cut to them so no coverage warning joins stderr.
const GOOD: &str = "period,revenue\n2026,1B\n2027,2B\n";
const TERM: [&str; 2] = ["--through", "2027-12-31"];

/// `sc/` with one scenario file and one entry of each kind revcap skips.
fn folder_with_odd_entries() -> Workdir {
    let w = Workdir::new();
    w.write("sc/a.csv", GOOD);
    w.write("sc/x.csv/keep.txt", "a folder named like a scenario file");
    let made = std::process::Command::new("mkfifo")
        .arg(w.path("sc/pipe.csv"))
        .status()
        .unwrap();
    assert!(made.success());
    symlink("archive/old.csv", w.path("sc/old.csv")).unwrap();
    symlink("loop.tsv", w.path("sc/loop.tsv")).unwrap();
    // Not named like a scenario file: not looked at, not mentioned.
    symlink("nowhere", w.path("sc/notes.md")).unwrap();
    w
}

const SKIPPED: &str = "warning: sc/loop.tsv: skipped: a link that loops
warning: sc/old.csv: skipped: a link to nothing (archive/old.csv)
warning: sc/pipe.csv: skipped: a FIFO, not a regular file
warning: sc/x.csv: skipped: a folder, not a file
";

/// Runs `args` in `w`, at most 60 s (a FIFO opened would block for ever), expecting
/// `code` and exactly `stderr`; returns stdout.
fn run(w: &Workdir, args: &[&str], code: i32, stderr: &str) -> String {
    let out = w
        .cmd(args)
        .timeout(Duration::from_secs(60))
        .assert()
        .code(code)
        .get_output()
        .clone();
    assert_eq!(String::from_utf8_lossy(&out.stderr), stderr, "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn run_warns_about_each_skipped_entry_and_reads_the_rest() {
    let w = folder_with_odd_entries();
    let mut args = vec!["run", "sc", "--no-files", "--format", "csv"];
    args.extend(TERM);
    let skipped = run(&w, &args, 0, SKIPPED);
    // The scenario file is read as if the odd entries were not there.
    let w2 = Workdir::new();
    w2.write("sc/a.csv", GOOD);
    assert_eq!(skipped, run(&w2, &args, 0, ""));
    assert!(skipped.contains("\na,2027,"), "{skipped}");
}

#[test]
fn compare_warns_too() {
    let w = folder_with_odd_entries();
    let mut args = vec![
        "compare",
        "sc",
        "--cap",
        "1B",
        "--no-files",
        "--format",
        "csv",
    ];
    args.extend(TERM);
    run(&w, &args, 0, SKIPPED);
}

#[test]
fn strict_refuses_them() {
    let w = folder_with_odd_entries();
    let mut args = vec!["run", "sc", "--strict", "--no-files"];
    args.extend(TERM);
    run(
        &w,
        &args,
        1,
        "error: sc/loop.tsv: not read: a link that loops (--strict)
error: sc/old.csv: not read: a link to nothing (archive/old.csv) (--strict)
error: sc/pipe.csv: not read: a FIFO, not a regular file (--strict)
error: sc/x.csv: not read: a folder, not a file (--strict)
",
    );
    // A folder of regular files passes --strict silently.
    let clean = Workdir::new();
    clean.write("sc/a.csv", GOOD);
    run(&clean, &args, 0, "");
}

#[test]
fn validate_counts_them_as_warnings() {
    let w = folder_with_odd_entries();
    let mut args = vec!["validate", "sc"];
    args.extend(TERM);
    let out = run(&w, &args, 0, SKIPPED);
    assert_eq!(out, "ok: 1 scenario in 1 file (4 warnings)\n");
    args.push("--strict");
    let out = run(
        &w,
        &args,
        1,
        &format!("{SKIPPED}4 warnings in 4 files; --strict makes warnings fail the check\n"),
    );
    assert_eq!(out, "");
    let mut args = vec!["validate", "sc", "--format", "json"];
    args.extend(TERM);
    let doc: serde_json::Value = serde_json::from_str(&run(&w, &args, 0, "")).unwrap();
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["warning_count"], 4);
    assert_eq!(doc["files"], serde_json::json!(["sc/a.csv"]));
    assert_eq!(
        doc["warnings"][1],
        serde_json::json!({
            "origin": "sc/old.csv",
            "line": null,
            "field": null,
            "value": null,
            "message": "skipped: a link to nothing (archive/old.csv)",
        })
    );
}

#[test]
fn a_link_to_a_file_is_read_and_a_named_fifo_is_never_opened() {
    let w = Workdir::new();
    w.write("data/a.csv", GOOD);
    w.write("sc/b.csv", GOOD);
    symlink("../data/a.csv", w.path("sc/a.csv")).unwrap();
    let mut args = vec!["validate", "sc"];
    args.extend(TERM);
    assert_eq!(run(&w, &args, 0, ""), "ok: 2 scenarios in 2 files\n");
    // A FIFO named on the command line is refused as before, without blocking.
    let made = std::process::Command::new("mkfifo")
        .arg(w.path("p.csv"))
        .status()
        .unwrap();
    assert!(made.success());
    run(
        &w,
        &["validate", "p.csv"],
        1,
        "error: p.csv: is neither a file nor a folder\n1 problem in 1 file\n",
    );
}

/// Scenario names with an escape sequence, a tab and a right-to-left override.
const HOSTILE_NAMES: &str =
    "scenario,period,revenue\n\"red\x1b[31mX\tY\",2026,1B\n\"\u{202e}evil\",2026,2B\n";

/// What `args` print for [`HOSTILE_NAMES`]' data under the plain names `A` and `B`.
fn plain_view(args: &[&str]) -> String {
    let w = Workdir::new();
    w.write("n.csv", "scenario,period,revenue\nA,2026,1B\nB,2026,2B\n");
    run(&w, args, 0, "")
}

#[test]
fn the_table_escapes_control_characters_in_names() {
    let w = Workdir::new();
    w.write("n.csv", HOSTILE_NAMES);
    let out = run(
        &w,
        &["run", "n.csv", "--no-files", "--through", "2026-12-31"],
        0,
        "",
    );
    // Exactly the view of plain names, with the names escaped.
    assert_eq!(
        out,
        plain_view(&["run", "n.csv", "--no-files", "--through", "2026-12-31"])
            .replace("\nA (n.csv)\n", "\nred\\u{1b}[31mX\\tY (n.csv)\n")
            .replace("\nB (n.csv)\n", "\n\\u{202e}evil (n.csv)\n")
    );
    let out = run(
        &w,
        &[
            "compare",
            "n.csv",
            "--cap",
            "1B",
            "--no-files",
            "--through",
            "2026-12-31",
        ],
        0,
        "",
    );
    assert!(
        out.contains("\n red\\u{1b}[31mX\\tY   1B  "),
        "compare table:\n{out}"
    );
    assert!(out.contains("\n \\u{202e}evil        1B  "), "{out}");
}

#[test]
fn markdown_escapes_them_too() {
    let w = Workdir::new();
    w.write("n.csv", HOSTILE_NAMES);
    let args = [
        "run",
        "n.csv",
        "--no-files",
        "--format",
        "markdown",
        "--through",
        "2026-12-31",
    ];
    let out = run(&w, &args, 0, "");
    assert_eq!(
        out,
        plain_view(&args)
            .replace(
                "\n### A (`n.csv`)\n",
                "\n### red\\u{1b}[31mX\\tY (`n.csv`)\n"
            )
            .replace("\n### B (`n.csv`)\n", "\n### \\u{202e}evil (`n.csv`)\n")
    );
}

#[test]
fn messages_escape_names_and_paths() {
    let w = Workdir::new();
    // A coverage warning names the scenario; a file name carries an escape too.
    w.write("n\x1b[2J.csv", HOSTILE_NAMES);
    run(
        &w,
        &["run", "n\x1b[2J.csv", "--no-files", "--format", "csv"],
        0,
        "warning: n\\u{1b}[2J.csv: scenario \"red\\u{1b}[31mX\\tY\": data ends 2026-12-31, before the term ends (2030-12-31): payments after it are not counted
warning: n\\u{1b}[2J.csv: scenario \"\\u{202e}evil\": data ends 2026-12-31, before the term ends (2030-12-31): payments after it are not counted
",
    );
    // A skipped entry's name, and a link's target.
    let w = Workdir::new();
    w.write("sc/a.csv", GOOD);
    symlink("\u{2066}gone", w.path("sc/\x07bell.csv")).unwrap();
    let mut args = vec!["validate", "sc"];
    args.extend(TERM);
    run(
        &w,
        &args,
        0,
        "warning: sc/\\u{7}bell.csv: skipped: a link to nothing (\\u{2066}gone)\n",
    );
    // A problem in a file whose name holds a newline.
    let w = Workdir::new();
    w.write("a\nb.csv", "period,revenue\n2026,x\n");
    run(
        &w,
        &["validate", "a\nb.csv"],
        1,
        "error: a\\nb.csv: line 2, column \"revenue\": \"x\" is not a number (expected e.g. 12700000000, 12.7B or \"$12,700,000,000\")\n1 problem in 1 file\n",
    );
}

#[test]
fn csv_and_json_keep_the_exact_names() {
    let w = Workdir::new();
    w.write("n.csv", HOSTILE_NAMES);
    let args = ["run", "n.csv", "--through", "2026-12-31", "--no-charts"];
    run(&w, &args, 0, &common::wrote(3, "output"));
    let ledger = w.read("output/ledger.csv");
    assert!(ledger.contains("\nred\x1b[31mX\tY,2026,"), "{ledger}");
    assert!(ledger.contains("\n\u{202e}evil,2026,"), "{ledger}");
    let doc: serde_json::Value = serde_json::from_str(&w.read("output/result.json")).unwrap();
    let names: Vec<&str> = doc["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["red\x1b[31mX\tY", "\u{202e}evil"]);
}

#[test]
fn a_cap_range_at_the_largest_amount_is_one_cap() {
    let w = Workdir::new();
    w.write("t.csv", GOOD);
    let max = "79228162514264337593543950335";
    let range = format!("{max}:{max}:1");
    let mut args = vec![
        "compare",
        "t.csv",
        "--caps",
        &range,
        "--no-files",
        "--format",
        "csv",
    ];
    args.extend(TERM);
    let out = run(&w, &args, 0, "");
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{out}");
    assert!(rows[0].contains(&format!(",{max},")), "{out}");
    // Steps past the end near the largest amount stop there too.
    let range = format!("79228162514264337593543950333:{max}:2");
    let mut args = vec![
        "compare",
        "t.csv",
        "--caps",
        &range,
        "--no-files",
        "--format",
        "csv",
    ];
    args.extend(TERM);
    assert_eq!(run(&w, &args, 0, "").lines().count(), 1 + 2);
}

#[test]
fn a_folder_terms_toml_that_is_no_file_is_said_not_passed_over() {
    let w = Workdir::new();
    w.write("sc/a.csv", GOOD);
    w.write("sc/b.csv", GOOD.replace("1B", "3B"));
    symlink("../common/terms.toml", w.path("sc/terms.toml")).unwrap();
    let warning = "warning: sc/terms.toml: skipped: a link to nothing (../common/terms.toml)\n";
    let mut args = vec!["run", "sc", "--no-files", "--format", "csv"];
    args.extend(TERM);
    let skipped = run(&w, &args, 0, warning);
    // Said once, however many files of the folder are named.
    let mut by_file = vec![
        "run",
        "sc/a.csv",
        "sc/b.csv",
        "--no-files",
        "--format",
        "csv",
    ];
    by_file.extend(TERM);
    assert_eq!(run(&w, &by_file, 0, warning), skipped);
    // The defaults apply, as with no terms.toml at all.
    std::fs::remove_file(w.path("sc/terms.toml")).unwrap();
    assert_eq!(run(&w, &args, 0, ""), skipped);
    // With --strict, an error; validate warns.
    w.write("sc/terms.toml/x", "a folder");
    let mut strict = args.clone();
    strict.push("--strict");
    run(
        &w,
        &strict,
        1,
        "error: sc/terms.toml: not read: a folder, not a file (--strict)\n",
    );
    let mut args = vec!["validate", "sc"];
    args.extend(TERM);
    assert_eq!(
        run(
            &w,
            &args,
            0,
            "warning: sc/terms.toml: skipped: a folder, not a file\n"
        ),
        "ok: 2 scenarios in 2 files (1 warning)\n"
    );
}
