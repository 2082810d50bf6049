//! `revcap solve`: the README's examples, answers plugged back into `revcap run`, a
//! target out of reach as a row that says so, and the errors' exact words.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::Workdir;
use serde_json::Value;

const FEB2026: &str = include_str!("../scenarios/feb2026.csv");
const TERMS: [&str; 6] = ["--rate", "20%", "--cap", "38B", "--from", "2026-04-27"];

/// A folder with feb2026's projection as `s.csv` (no terms.toml beside it).
fn workdir() -> Workdir {
    let wd = Workdir::new();
    wd.write("s.csv", FEB2026);
    wd
}

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["solve"];
    a.extend_from_slice(extra);
    a.push("s.csv");
    a.extend_from_slice(&TERMS);
    a
}

/// The CSV's one data row, by column.
fn row(wd: &Workdir, extra: &[&str]) -> Vec<String> {
    let mut a = args(extra);
    a.extend(["--format", "csv"]);
    let out = wd.ok(&a);
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "scenario,input,target,value,achieved,exact,note"
    );
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let rec = r.records().next().unwrap().unwrap();
    rec.iter().map(str::to_string).collect()
}

/// `revcap run s.csv` with the terms and `extra` flags: the summary.
fn summary(wd: &Workdir, extra: &[&str]) -> Value {
    let mut a = vec!["run", "s.csv", "--format", "json", "--no-files"];
    a.extend_from_slice(&TERMS);
    a.extend_from_slice(extra);
    let j = wd.json(&a);
    j["scenarios"][0]["summary"].clone()
}

#[test]
fn the_cap_that_binds_by_a_day_binds_then_and_a_cent_more_does_not() {
    let wd = workdir();
    let r = row(&wd, &["--for", "cap", "--binds-by", "2028-12-31"]);
    assert_eq!(&r[..3], ["s", "cap", "binds_by 2028-12-31"]);
    assert_eq!((r[4].as_str(), r[5].as_str()), ("2028-12-31", "true"));
    let cap = &r[3];
    // 2026-04-27 to 2026-12-31 of 2026's $30B (249 of 365 days), and 2027 and 2028 in
    // full, at 20%: 4,093,150,684.931506849315 + 12.4B + 20B.
    assert_eq!(cap, "36493150684.931506849315");
    // `run` at that cap (in place of 38B), and a cent above it.
    let run_at = |cap: &str| {
        let j = wd.json(&[
            "run",
            "s.csv",
            "--format",
            "json",
            "--no-files",
            "--rate",
            "20%",
            "--from",
            "2026-04-27",
            "--cap",
            cap,
        ]);
        j["scenarios"][0]["summary"]["binding_date"].clone()
    };
    assert_eq!(run_at(cap), "2028-12-31");
    assert_eq!(run_at("36493150684.941506849315"), "2029-01-01");
}

#[test]
fn the_revenue_factor_for_the_reported_uncapped_total_is_a_division() {
    let wd = workdir();
    let r = row(&wd, &["--for", "revenue", "--uncapped-total", "135B"]);
    assert_eq!(&r[..3], ["s", "revenue", "uncapped_total 135000000000"]);
    assert_eq!(r[5], "true");
    let factor: f64 = r[3].parse().unwrap();
    // At base, uncapped payments are $125.96B: 135 / 125.96 ≈ 1.0718.
    let base = summary(&wd, &[]);
    let uncapped: f64 = base["uncapped_total"].as_str().unwrap().parse().unwrap();
    assert!((factor - 135e9 / uncapped).abs() < 1e-12);
    let achieved: f64 = r[4].parse().unwrap();
    assert!((achieved - 135e9).abs() < 0.01, "{achieved}");
}

#[test]
fn the_table_says_what_is_solved_under_which_terms() {
    let wd = workdir();
    let out = wd.ok(&args(&["--for", "cap", "--binds-by", "2028-12-31"]));
    assert_eq!(
        out,
        "Solving for cap so that the cap binds by 2028-12-31, under rate 20%, term 2026-04-27 to 2030-12-31.\n\
         \n\
         scenario  cap                 binds on    exact  note\n\
         s         $36,493,150,684.93  2028-12-31  yes    the largest cap that binds by 2028-12-31: already paid + uncapped payments through 2028-12-31\n"
    );
}

#[test]
fn a_rate_found_by_bisection_binds_and_a_step_less_does_not() {
    let wd = workdir();
    let r = row(&wd, &["--for", "rate", "--binds-by", "2028-06-30"]);
    assert_eq!(r[5], "false");
    assert!(r[6].starts_with("bisection"), "{}", r[6]);
    let rate: rust_decimal::Decimal = r[3].parse().unwrap();
    let at = |rate: rust_decimal::Decimal| {
        let j = wd.json(&[
            "run",
            "s.csv",
            "--format",
            "json",
            "--no-files",
            "--cap",
            "38B",
            "--from",
            "2026-04-27",
            "--rate",
            &rate.to_string(),
        ]);
        j["scenarios"][0]["summary"]["binding_date"].clone()
    };
    let on = at(rate);
    assert!(on.as_str().unwrap() <= "2028-06-30", "{on}");
    let below = at(rate - rust_decimal::Decimal::new(1, 12));
    assert!(below.as_str().unwrap() > "2028-06-30", "{below}");
}

#[test]
fn a_target_out_of_reach_is_a_row_not_a_failure() {
    let wd = workdir();
    let r = row(&wd, &["--for", "cap", "--total-paid", "500B"]);
    assert_eq!(
        r,
        [
            "s",
            "cap",
            "total_paid 500000000000",
            "",
            "",
            "",
            "no solution: uncapped payments are $125.96B: no cap lets more be paid"
        ]
    );
    let r = row(&wd, &["--for", "from", "--binds-by", "2026-01-01"]);
    assert_eq!(
        r[6],
        "no solution: even from the data's first day, 2024-01-01, the cap binds on 2028-10-24"
    );
    let r = row(&wd, &["--for", "already_paid", "--binds-by", "2026-03-01"]);
    assert_eq!(
        r[6],
        "no solution: the term starts on 2026-04-27, after 2026-03-01: the cap cannot bind before the term starts"
    );
    let out = wd.ok(&args(&["--for", "rate", "--total-paid", "40B"]));
    assert!(
        out.ends_with("s         no solution                   the cap lets at most $38B be paid (cap − already paid)\n"),
        "{out}"
    );
}

/// Rate steps pay on whatever the base rate `solve` varies: a target met at a rate of
/// 0 is met by every rate, and one that nothing paid by its day can meet is out of
/// reach, not an overflow of revenue scaled ever larger.
#[test]
fn rate_steps_that_pay_at_a_rate_of_0_are_said() {
    let wd = workdir();
    let step = ["--rate-step", "2029-01-01=25%"];
    let r = row(
        &wd,
        &[&["--for", "rate", "--binds-by", "2029-12-31"][..], &step].concat(),
    );
    assert_eq!(
        r[3..],
        [
            "",
            "",
            "",
            "any value: the cap binds by 2029-12-31 even at a rate of 0"
        ]
    );
    let r = row(
        &wd,
        &[&["--for", "rate", "--total-paid", "38B"][..], &step].concat(),
    );
    assert_eq!(
        r[6],
        "any value: even at a rate of 0, uncapped payments are $111.83B: the cap is reached"
    );
    // A cap too large to subtract exactly fails as run fails with it, not as a
    // revenue "out of reach".
    let err = wd.fails(
        &[
            "solve",
            "--for",
            "revenue",
            "--binds-by",
            "2028-12-31",
            "s.csv",
            "--cap",
            "1e17",
            "--from",
            "2026-04-27",
        ],
        1,
    );
    assert!(
        err.contains("remaining cap overflows in period 2026"),
        "{err}"
    );
    let grace = [
        "--rate-step",
        "2026-01-01=0%",
        "--rate-step",
        "2027-01-01=20%",
    ];
    let r = row(
        &wd,
        &[
            &["--for", "revenue", "--binds-by", "2026-12-31"][..],
            &grace,
        ]
        .concat(),
    );
    assert_eq!(
        r[6],
        "no solution: nothing is paid by 2026-12-31 whatever the revenue (no data, or a revenue or rate of 0, until then)"
    );
}

#[test]
fn json_gives_every_column_and_the_terms() {
    let wd = workdir();
    let mut a = args(&["--for", "already_paid", "--total-paid", "30B"]);
    a.extend(["--format", "json"]);
    let j = wd.json(&a);
    assert_eq!(j["terms"]["cap"], "38000000000");
    let r = &j["rows"][0];
    assert_eq!(r["outcome"], "solved");
    assert_eq!(r["value"], "8000000000");
    assert_eq!(r["achieved"], "30000000000");
    assert_eq!(r["exact"], true);
}

#[test]
fn bad_targets_and_inputs_are_refused_with_their_words() {
    let wd = workdir();
    assert_eq!(
        wd.fails(&args(&["--for", "cap", "--binds-by", "2028-13-01"]), 1),
        "error: --binds-by: \"2028-13-01\" is not a date (expected YYYY-MM-DD, e.g. 2026-04-27)\n"
    );
    assert_eq!(
        wd.fails(&args(&["--for", "cap", "--foregone=-5B"]), 1),
        "error: --foregone: \"-5B\" is negative (expected an amount ≥ 0)\n"
    );
    // No target, two targets, an unknown input: usage errors.
    let err = wd.fails(&args(&["--for", "cap"]), 2);
    assert!(err.starts_with("error: the following required arguments were not provided:"));
    let err = wd.fails(
        &args(&["--for", "cap", "--total-paid", "1B", "--foregone", "1B"]),
        2,
    );
    assert!(err.contains("cannot be used with"), "{err}");
    let err = wd.fails(&args(&["--for", "volatility", "--total-paid", "1B"]), 2);
    assert!(
        err.starts_with("error: invalid value 'volatility' for '--for <INPUT>'"),
        "{err}"
    );
}
