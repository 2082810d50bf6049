//! `run` and `compare` hand their results to every output a batch at a time, writing
//! files into the staging folder as they go and keeping stdout's text and the
//! warnings in spools (docs/memory.md). What must still hold: a failure in a late
//! batch, after files were started, prints nothing and leaves earlier outputs as they
//! were; text larger than a spool keeps in memory comes out whole and in order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::Workdir;

/// More one-period scenarios than one batch holds (about 65,536 values), so the
/// last lines are taken, checked and computed after the files were started.
const MANY: usize = 140_000;

/// `MANY` one-period scenarios, then `last` (lines of a last scenario).
fn many(last: &str) -> String {
    let mut s = String::from("scenario,period,revenue\n");
    for i in 0..MANY {
        s.push_str(&format!("s{i:06},2026,1B\n"));
    }
    s.push_str(last);
    s
}

/// Every file under `dir`, relative path to contents.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            out.insert(name, std::fs::read(&p).unwrap());
        }
    }
    out
}

/// Nothing of revcap's staging beside or inside `out`.
fn no_leftovers(w: &Workdir) {
    for dir in ["", "out"] {
        for e in std::fs::read_dir(w.path(dir)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.contains("revcap-staging"), "left over: {name}");
        }
    }
}

#[test]
fn a_failure_in_the_last_batch_prints_nothing_and_keeps_the_old_outputs() {
    let w = Workdir::new();
    w.write("small.csv", "scenario,period,revenue\nold,2026,5B\n");
    // A problem found only when the last batch is taken (a period given twice), and
    // a computation that fails only in the last batch (an overflow).
    w.write("repeat.csv", many("zlast,2026,1B\nzlast,2026,2B\n"));
    let huge = "79228162514264337593543950335";
    w.write(
        "overflow.csv",
        many(&format!("zlast,2026,{huge}\nzlast,2027,{huge}\n")),
    );
    let through = ["--through", "2027-12-31", "--no-charts"];
    // Each command and input in two of its modes (every mode takes the same path up
    // to its outputs; a run of this size takes seconds in a debug build).
    let cases = [
        ("run", "repeat.csv", "table"),
        ("run", "overflow.csv", "json"),
        ("compare", "repeat.csv", "csv"),
        ("compare", "overflow.csv", "markdown"),
    ];
    for (command, input, format) in cases {
        let base = [command, "small.csv", "--output", "out"];
        let args: Vec<&str> = base.iter().chain(&through).copied().collect();
        let _ = std::fs::remove_dir_all(w.path("out"));
        w.cmd(&args).assert().success();
        let old = snapshot(&w.path("out"));
        assert!(old.contains_key("summary.csv") || old.contains_key("compare.json"));
        let mut args = vec![command, input, "--output", "out", "--format", format];
        args.extend(through);
        let err = w.fails(&args, 1);
        assert!(err.contains("zlast"), "{command} {input} {format}: {err}");
        assert!(
            !err.contains("warning"),
            "{command} {input} {format}: {err}"
        );
        assert_eq!(snapshot(&w.path("out")), old, "{command} {input} {format}");
        no_leftovers(&w);
    }
}

#[test]
fn warnings_and_text_beyond_memory_come_out_whole_and_in_order() {
    let w = Workdir::new();
    // Every scenario is short of the term: one warning each, about 6 MB of them,
    // more than a spool keeps in memory.
    let n = 40_000;
    let mut data = String::from("scenario,period,revenue\n");
    for i in 0..n {
        data.push_str(&format!("s{i:05},2026,1B\n"));
    }
    w.write("short.csv", &data);
    let out = w
        .cmd(&["run", "short.csv", "--format", "csv", "--no-files"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), n);
    for (i, line) in warnings.iter().enumerate() {
        assert!(
            line.starts_with(&format!("warning: short.csv: scenario \"s{i:05}\": ")),
            "{i}: {line}"
        );
    }
    // Where no temporary file can be made, the run fails once its text outgrows
    // memory, printing and writing nothing (docs/errors.md).
    let gone = w.path("gone");
    let err = w
        .cmd(&["run", "short.csv", "--format", "csv", "--output", "out"])
        .env("TMPDIR", &gone)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(err.stdout, b"");
    assert_eq!(
        String::from_utf8(err.stderr).unwrap(),
        format!(
            "error: {}: cannot write: temporary file: No such file or directory (os error 2)\n",
            gone.display()
        )
    );
    assert!(!w.path("out").exists());
    let ledger = String::from_utf8(out.stdout).unwrap();
    assert_eq!(ledger.lines().count(), n + 1);
    assert!(ledger.starts_with("scenario,period,"));
    // The same ledger with files, printed from the staged file.
    let printed = w
        .cmd(&["run", "short.csv", "--format", "csv", "--output", "out"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(String::from_utf8(printed).unwrap(), ledger);
    assert_eq!(w.read("out/ledger.csv"), ledger);
    assert_eq!(w.read("out/summary.csv").lines().count(), n + 1);
    // The JSON document, its `scenarios` written a batch at a time.
    let json: serde_json::Value = serde_json::from_str(&w.read("out/result.json")).unwrap();
    assert_eq!(json["scenarios"].as_array().unwrap().len(), n);
    assert_eq!(json["scenarios"][n - 1]["name"], format!("s{:05}", n - 1));
    // Every scenario starts with its data, on one date: the terms report it.
    assert_eq!(json["terms"]["from"], "2026-01-01");
}

#[test]
fn a_long_table_is_laid_out_as_one() {
    let w = Workdir::new();
    // 2 scenarios × 2,500 caps: more rows than one chunk of the layout (4,096), with
    // the widest cell and the smallest amount in the last chunk.
    w.write(
        "sc/a.csv",
        "period,revenue\n2026,100B\n2027,200B\n2028,300B\n",
    );
    w.write("sc/b.csv", "period,revenue\n2026,1B\n2027,2B\n2028,3B\n");
    let table = w.ok(&[
        "compare",
        "sc",
        "--caps",
        "1B:2500B:1B",
        "--through",
        "2028-12-31",
        "--no-files",
    ]);
    let lines: Vec<&str> = table.lines().collect();
    // The terms, a blank line, the top rule, two header lines, the rule under them,
    // 5,000 rows, the bottom rule.
    assert_eq!(lines.len(), 2 + 4 + 5000 + 1, "{}", lines[..8].join("\n"));
    let width = lines[2].chars().count();
    for (i, l) in lines[2..].iter().enumerate() {
        assert_eq!(l.chars().count(), width, "line {i}: {l}");
    }
    assert!(lines[6].contains("1.00"), "{}", lines[6]);
    assert!(
        lines[lines.len() - 2].contains("2,500.00"),
        "{}",
        lines[lines.len() - 2]
    );
}

/// `result.json` is written as the results come, its head naming the term start the
/// first part's scenarios share; a scenario past that part starting on another day
/// leaves no shared start, and the head is rewritten: the file is the document
/// `--format json` prints without files, whole and parsable.
#[test]
fn a_later_scenario_starting_elsewhere_rewrites_the_json_head() {
    let w = Workdir::new();
    // More values than a part of a batch computes at once (4,096), all starting on
    // 2026-01-01, then one starting a year later.
    let mut data = String::from("scenario,period,revenue\n");
    for i in 0..5_000 {
        data.push_str(&format!("s{i:05},2026,1B\n"));
    }
    let same = data.clone();
    data.push_str("zlate,2027,1B\n");
    w.write("late.csv", &data);
    w.write("same.csv", &same);
    // The first part's own scenarios start on two days: no shared start from the
    // first, and no rewrite.
    w.write(
        "mixed.csv",
        format!("{same}zlate,2027,1B\n").replacen("2026", "2027", 2),
    );
    for (input, from, terms_from) in [
        ("late.csv", serde_json::Value::Null, None),
        ("same.csv", "2026-01-01".into(), None),
        ("mixed.csv", serde_json::Value::Null, None),
        // The terms' own start is every scenario's, whatever their data.
        ("late.csv", "2025-07-01".into(), Some("2025-07-01")),
    ] {
        let _ = std::fs::remove_dir_all(w.path("out"));
        let mut args = vec!["run", input, "--format", "json", "--no-charts"];
        if let Some(f) = terms_from {
            args.extend(["--from", f]);
        }
        let alone = w.cmd(&args).arg("--no-files").assert().success();
        let alone = String::from_utf8(alone.get_output().stdout.clone()).unwrap();
        let printed = w.cmd(&args).args(["--output", "out"]).assert().success();
        let printed = String::from_utf8(printed.get_output().stdout.clone()).unwrap();
        let file = w.read("out/result.json");
        assert_eq!(file, alone, "{input}");
        assert_eq!(printed, alone, "{input}");
        let json: serde_json::Value = serde_json::from_str(&file).unwrap();
        assert_eq!(json["terms"]["from"], from, "{input}");
        let n = json["scenarios"].as_array().unwrap().len();
        assert_eq!(n, 5_000 + usize::from(input != "same.csv"), "{input}");
    }
}

/// Past the outputs' share of memory, staged files and spools go to disk as they are
/// written and leave the page cache (`src/output/behind.rs`): the same bytes in every
/// file and on stdout. Debug builds take the share and the step from
/// `REVCAP_WRITE_BEHIND`; here every file writes behind from its first byte, in steps
/// of 4 KiB, then only the files not printed (a share no run reaches: the files
/// `run` does not read back write behind from their start all the same).
#[test]
fn writing_behind_keeps_every_byte() {
    let w = Workdir::new();
    // Without files, the JSON document and the table (about 5 MB each) outgrow a
    // spool's memory and go to its temporary file.
    let mut data = String::from("scenario,period,revenue\n");
    for i in 0..4_000 {
        data.push_str(&format!("s{i:05},2026,1B\ns{i:05},2027,2B\n"));
    }
    w.write("in.csv", &data);
    for (format, files) in [
        ("json", true),
        ("csv", true),
        ("table", true),
        ("json", false),
        ("table", false),
    ] {
        let mut seen = Vec::new();
        for behind in [None, Some("0,4096"), Some("1000000000000,4096")] {
            let _ = std::fs::remove_dir_all(w.path("out"));
            let mut cmd = w.cmd(&["run", "in.csv", "--format", format]);
            if files {
                cmd.args(["--output", "out"]);
            } else {
                cmd.arg("--no-files");
            }
            if let Some(b) = behind {
                cmd.env("REVCAP_WRITE_BEHIND", b);
            }
            let stdout = cmd.assert().success().get_output().stdout.clone();
            let written = files.then(|| snapshot(&w.path("out")));
            seen.push((stdout, written));
        }
        assert!(seen[0].0.len() > 4 << 20 || files, "{format}");
        assert!(seen[0] == seen[1], "{format} {files}");
        assert!(seen[0] == seen[2], "{format} {files}");
    }
}
