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
            "\n  data ends 2028-12-31, before the term ends (2030-12-31): payments after it are not counted\n  cap of 38,000,000,000.00 not reached"
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
        "scenario,variant,cap,eligible_revenue,uncapped_total,total_paid,foregone,cap_binds,\
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
