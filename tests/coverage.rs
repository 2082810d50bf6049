//! Term coverage (docs/spec.md §4.6): a scenario whose data does not cover the whole
//! term is computed as before, but its summary says which days the data covers, a
//! warning names the uncovered dates, and the table says so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{wrote, Workdir};
use serde_json::Value;

const ENDS_EARLY: &str = "warning: short.csv: scenario \"short\": data ends 2028-12-31, \
before the term ends (2030-12-31): payments after it are not counted\n";
const STARTS_LATE: &str = "warning: late.csv: scenario \"late\": data starts 2027-01-01, \
after the term starts (2026-04-27): payments before it are not counted\n";

fn workdir() -> Workdir {
    let w = Workdir::new();
    w.write("short.csv", common::fixture("coverage/short.csv"));
    w.write("late.csv", common::fixture("coverage/late.csv"));
    w
}

/// Runs, expects success, returns (stdout, stderr).
fn run(w: &Workdir, args: &[&str]) -> (String, String) {
    let out = w.cmd(args).assert().success().get_output().clone();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn data_ending_before_the_term_is_flagged() {
    let w = workdir();
    let (out, err) = run(&w, &["run", "short.csv", "--cap", "38B"]);
    assert_eq!(err, ENDS_EARLY.to_string() + &wrote(6, "output"));
    assert!(
        out.contains(
            "\n  data ends 2028-12-31, before the term ends (2030-12-31): payments after it are not counted\n  cap of $38B not reached: the data ends first (2028-12-31), with "
        ),
        "{out}"
    );
    // Markdown says it the same way.
    let (out, err) = run(
        &w,
        &["run", "short.csv", "--cap", "38B", "--format", "markdown"],
    );
    assert_eq!(err, ENDS_EARLY.to_string() + &wrote(6, "output"));
    assert!(
        out.contains("\n- data ends 2028-12-31, before the term ends (2030-12-31)"),
        "{out}"
    );
}

#[test]
fn data_starting_after_the_term_is_flagged() {
    let w = workdir();
    let (out, err) = run(&w, &["run", "late.csv", "--from", "2026-04-27"]);
    assert_eq!(err, STARTS_LATE.to_string() + &wrote(6, "output"));
    assert!(
        out.contains("\n  data starts 2027-01-01, after the term starts (2026-04-27): payments before it are not counted\n  no cap:"),
        "{out}"
    );
    // Without --from the term starts with the data: covered.
    let (out, err) = run(&w, &["run", "late.csv"]);
    assert_eq!(err, wrote(6, "output"));
    assert!(!out.contains("data starts"), "{out}");
}

#[test]
fn both_ends_are_flagged_start_first() {
    let w = workdir();
    let (_, err) = run(
        &w,
        &[
            "run",
            "short.csv",
            "--from",
            "2025-07-01",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        err,
        "warning: short.csv: scenario \"short\": data starts 2026-01-01, after the term starts \
(2025-07-01): payments before it are not counted\n"
            .to_string()
            + ENDS_EARLY
            + &wrote(6, "output")
    );
}

#[test]
fn summaries_give_the_covered_days() {
    let w = workdir();
    let (_, err) = run(
        &w,
        &[
            "run",
            "short.csv",
            "late.csv",
            "--cap",
            "38B",
            "--output",
            "out",
        ],
    );
    assert_eq!(err, ENDS_EARLY.to_string() + &wrote(8, "out"));
    let csv = w.read("out/summary.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "scenario,eligible_revenue,uncapped_total,total_paid,foregone,cap_binds,binding_period,\
binding_date,effective_rate,present_value,covered_from,covered_through"
    );
    assert!(lines[1].starts_with("short,"), "{csv}");
    assert!(lines[1].ends_with(",2026-01-01,2028-12-31"), "{csv}");
    assert!(lines[2].ends_with(",2027-01-01,2030-12-31"), "{csv}");
    let json: Value = serde_json::from_str(&w.read("out/result.json")).unwrap();
    let s = &json["scenarios"][0]["summary"];
    assert_eq!(s["covered_from"], "2026-01-01");
    assert_eq!(s["covered_through"], "2028-12-31");
}

#[test]
fn compare_warns_once_per_scenario_and_prints_the_fields() {
    let w = workdir();
    let (out, err) = run(
        &w,
        &[
            "compare",
            "short.csv",
            "--cap",
            "38B",
            "--cap",
            "20B",
            "--format",
            "csv",
        ],
    );
    assert_eq!(err, ENDS_EARLY.to_string() + &wrote(6, "output"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "scenario,variant,rate,cap,eligible_revenue,uncapped_total,total_paid,foregone,cap_binds,\
binding_period,binding_date,effective_rate,present_value,covered_from,covered_through"
    );
    assert_eq!(lines.len(), 3);
    assert!(lines[1..]
        .iter()
        .all(|l| l.ends_with(",2026-01-01,2028-12-31")));
    // The rows kept for JSON and files warn alike.
    let (out, err) = run(
        &w,
        &[
            "compare",
            "short.csv",
            "--cap",
            "38B",
            "--cap",
            "20B",
            "--format",
            "json",
        ],
    );
    assert_eq!(err, ENDS_EARLY.to_string() + &wrote(6, "output"));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json["results"][1]["summary"]["covered_through"],
        "2028-12-31"
    );
}

#[test]
fn covered_scenarios_stay_silent() {
    let w = Workdir::new();
    w.write(
        "full.csv",
        "period,revenue\n2026,30B\n2027,62B\n2028,42B\n2029,50B\n2030,60B\n",
    );
    let out = w.ok_wrote(&["run", "full.csv", "--cap", "38B"], 6, "output");
    assert!(!out.contains("data ends"), "{out}");
    w.ok_wrote(&["compare", "full.csv", "--cap", "38B"], 4, "output");
}

/// `validate` gives `run`'s coverage warnings, and they do not fail the check.
#[test]
fn validate_warns_of_data_that_ends_early_and_says_ok() {
    let w = workdir();
    let out = w.cmd(&["validate", "short.csv"]).assert().success();
    let out = out.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stderr), ENDS_EARLY);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ok: 1 scenario in 1 file (1 warning)\n"
    );
}

/// With `--strict` the warnings fail the check, after being listed.
#[test]
fn validate_strict_fails_on_coverage_warnings() {
    let w = workdir();
    let err = w.fails(&["validate", "short.csv", "--strict"], 1);
    assert_eq!(
        err,
        format!("{ENDS_EARLY}1 warning in 1 file; --strict makes warnings fail the check\n")
    );
    // Data that covers the term passes --strict.
    w.write(
        "full.csv",
        "period,revenue\n2026,30B\n2027,62B\n2028,100B\n2029,150B\n2030,200B\n",
    );
    assert_eq!(
        w.ok(&["validate", "full.csv", "--strict"]),
        "ok: 1 scenario in 1 file\n"
    );
}

/// `validate` checks against the terms `run` would use: the folder's terms.toml gives
/// the term start that `late.csv` begins after.
#[test]
fn validate_checks_coverage_against_the_folder_terms() {
    let w = Workdir::new();
    w.write("deal/late.csv", common::fixture("coverage/late.csv"));
    w.write("deal/terms.toml", "from = 2026-04-27\ncap = \"38B\"\n");
    let out = w.cmd(&["validate", "deal/"]).assert().success();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stderr),
        "warning: deal/late.csv: scenario \"late\": data starts 2027-01-01, after the term \
starts (2026-04-27): payments before it are not counted\n"
    );
    // With terms that start with the data, nothing to warn of.
    w.write("later.toml", "from = 2027-01-01\n");
    assert_eq!(
        w.ok(&["validate", "deal/", "--terms", "later.toml"]),
        "ok: 1 scenario in 1 file\n"
    );
}

/// In JSON the warnings are listed like problems; `ok` is false only with --strict.
#[test]
fn validate_json_lists_warnings() {
    let w = workdir();
    let v: Value =
        serde_json::from_str(&w.ok_warned(&["validate", "short.csv", "--format", "json"], ""))
            .unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["warning_count"], 1);
    assert_eq!(v["warnings"][0]["field"], "scenario \"short\"");
    assert_eq!(
        v["warnings"][0]["message"],
        "data ends 2028-12-31, before the term ends (2030-12-31): payments after it are not counted"
    );
    let out = w
        .cmd(&["validate", "short.csv", "--format", "json", "--strict"])
        .assert()
        .code(1);
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["problem_count"], 0);
}

/// `validate --from/--through` check coverage against another term; a wrong date is a
/// problem of the flag, not of a file.
#[test]
fn validate_takes_the_term_to_check_against() {
    let w = workdir();
    assert_eq!(
        w.ok(&["validate", "short.csv", "--through", "2028-12-31"]),
        "ok: 1 scenario in 1 file\n"
    );
    assert_eq!(
        w.ok_warned(
            &["validate", "late.csv", "--from", "2026-04-27"],
            STARTS_LATE
        ),
        "ok: 1 scenario in 1 file (1 warning)\n"
    );
    assert_eq!(
        w.fails(&["validate", "short.csv", "--through", "2026-13-01"], 1),
        "error: --through: \"2026-13-01\" is not a date (expected YYYY-MM-DD, e.g. 2026-04-27)\n1 problem\n"
    );
}

#[test]
fn compare_table_says_what_the_data_leaves_uncovered() {
    let w = workdir();
    let args = [
        "compare",
        "short.csv",
        "late.csv",
        "--from",
        "2026-04-27",
        "--no-files",
    ];
    let (out, err) = run(&w, &[&args[..], &["--cap", "38B", "--cap", "20B"]].concat());
    assert_eq!(err, ENDS_EARLY.to_string() + STARTS_LATE);
    // Under the table, once per scenario whatever the number of variants, in the
    // words of run's summaries, named by scenario.
    let after = out
        .split_once("\n\n")
        .unwrap()
        .1
        .split_once("\n\n")
        .unwrap()
        .1;
    assert_eq!(
        after,
        "  short: data ends 2028-12-31, before the term ends (2030-12-31): payments after it are not counted\n  \
late: data starts 2027-01-01, after the term starts (2026-04-27): payments before it are not counted\n"
    );
    let (md, _) = run(
        &w,
        &[&args[..], &["--cap", "38B", "--format", "markdown"]].concat(),
    );
    assert!(
        md.ends_with("|\n\n- short: data ends 2028-12-31, before the term ends (2030-12-31): payments after it are not counted\n- late: data starts 2027-01-01, after the term starts (2026-04-27): payments before it are not counted\n"),
        "{md}"
    );
    // A covered scenario adds nothing under the table.
    w.write(
        "full.csv",
        "period,revenue\n2026,30B\n2027,62B\n2028,42B\n2029,50B\n2030,60B\n",
    );
    let (out, _) = run(&w, &["compare", "full.csv", "--cap", "38B", "--no-files"]);
    assert!(out.ends_with("───\n"), "{out}");
}
