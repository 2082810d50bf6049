//! The real `revcap` binary: formats, files written, exit codes and the exact error
//! messages of docs/spec.md §6 and docs/errors.md. Each test works in its own
//! temporary folder (`Workdir`, after xsv's harness), so nothing is ever written into
//! the repository.
//!
//! Tests that check the exact set of files written pass `--no-charts`, so that set is
//! the data files alone; the charts are checked in `tests/charts.rs` and
//! `tests/chart_snapshots.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::io::BufRead;
use std::process::Stdio;

use common::{fixture, Workdir, BIN};
use rust_decimal::Decimal;
use serde_json::Value;

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

fn sorted(mut k: Vec<&str>) -> Vec<&str> {
    k.sort_unstable();
    k
}

const AMOUNT: &str = r#"(expected e.g. 12700000000, 12.7B or "$12,700,000,000")"#;
const LEDGER_HEADER: &str = "scenario,period,start,end,revenue,eligible_revenue,uncapped_payment,payment,cumulative,remaining_cap,capped,present_value,rate";
const SUMMARY_HEADER: &str = "scenario,eligible_revenue,uncapped_total,total_paid,foregone,cap_binds,binding_period,binding_date,effective_rate,present_value,covered_from,covered_through";
const LONG_UNCOVERED: &str = "warning: long.csv: scenario \"long\": data ends 2028-12-31, before the term ends (2030-12-31): payments after it are not counted\n";

// ---------------------------------------------------------------- formats

#[test]
fn run_csv_is_the_full_precision_ledger() {
    // Wide file, 20%, cap 150. base: 20 a year. bull: 40, 60, then 150 − 100 = 50 of
    // 80 (capped); the cap binds in 2029: r·d = 50·365 = 18250 = 80·228.125, so
    // k = 229: 2029-01-01 + 228 days = 2029-08-17.
    let w = Workdir::new();
    w.fixture("wide.csv");
    let out = w.ok(&[
        "run",
        "wide.csv",
        "--through",
        "2029-12-31",
        "--cap",
        "150",
        "--format",
        "csv",
        "--no-files",
    ]);
    assert_eq!(
        out,
        format!(
            "{LEDGER_HEADER}
base,2027,2027-01-01,2027-12-31,100,100,20,20,20,130,false,,0.2
base,2028,2028-01-01,2028-12-31,100,100,20,20,40,110,false,,0.2
base,2029,2029-01-01,2029-12-31,100,100,20,20,60,90,false,,0.2
bull,2027,2027-01-01,2027-12-31,200,200,40,40,40,110,false,,0.2
bull,2028,2028-01-01,2028-12-31,300,300,60,60,100,50,false,,0.2
bull,2029,2029-01-01,2029-12-31,400,400,80,50,150,0,true,,0.2
"
        )
    );
    let j = w.json(&[
        "run",
        "wide.csv",
        "--through",
        "2029-12-31",
        "--cap",
        "150",
        "--format",
        "json",
        "--no-files",
    ]);
    let bull = &j["scenarios"][1]["summary"];
    assert_eq!(bull["binding_date"], "2029-08-17");
    assert_eq!(bull["binding_period"], "2029");
    assert_eq!(j["scenarios"][0]["summary"]["cap_binds"], false);
}

#[test]
fn run_table_is_the_default_view() {
    let w = Workdir::new();
    w.fixture("long.csv");
    let out = w.ok_warned(&["run", "long.csv", "--no-files"], LONG_UNCOVERED);
    assert_eq!(
        out,
        w.ok_warned(
            &["run", "long.csv", "--no-files", "--format", "table"],
            LONG_UNCOVERED
        )
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "terms from the defaults: rate 20%, no cap, term 2026-01-01 (first period) to 2030-12-31"
    );
    assert_eq!(lines[2], "long (long.csv)");
    // Amounts in billions, the unit under each amount's column name.
    assert_eq!(
        lines[4].split_whitespace().collect::<Vec<_>>(),
        [
            "period",
            "revenue",
            "eligible",
            "rate",
            "uncapped",
            "paid",
            "cumulative"
        ]
    );
    assert_eq!(lines[5].split_whitespace().collect::<Vec<_>>(), ["$B"; 5]);
    assert_eq!(
        lines[8].split_whitespace().collect::<Vec<_>>(),
        ["2027", "20.00", "20.00", "20%", "4.00", "4.00", "6.00"]
    );
    assert!(out.ends_with(
        "  no cap: everything due through 2030-12-31 is paid\n  paid $12B on $60B eligible revenue (effective rate 20.00%)\n"
    ), "{out}");
}

#[test]
fn run_markdown_is_a_github_table() {
    let w = Workdir::new();
    w.fixture("long.csv");
    let out = w.ok_warned(
        &["run", "long.csv", "--no-files", "--format", "markdown"],
        LONG_UNCOVERED,
    );
    assert!(out.starts_with(
        "**Terms from the defaults:** rate 20%, no cap, term 2026-01-01 (first period) to 2030-12-31\n\n### long (`long.csv`)\n\n| period | revenue ($B) |"
    ), "{out}");
    assert!(out.contains("\n| 2028   |        30.00 |"), "{out}");
    assert!(
        out.ends_with("- paid $12B on $60B eligible revenue (effective rate 20.00%)\n"),
        "{out}"
    );
}

#[test]
fn run_json_document_has_the_documented_shape() {
    let w = Workdir::new();
    w.fixture("long.csv");
    // Everything given: cap, step, term start, discount rate. The term's end is
    // pinned below, so the run stays uncovered and warns.
    let j: Value = serde_json::from_str(&w.ok_warned(
        &[
            "run",
            "long.csv",
            "--cap",
            "10B",
            "--from",
            "2026-07-01",
            "--rate-step",
            "2028-01-01=15%",
            "--discount-rate",
            "8%",
            "--format",
            "json",
            "--no-files",
        ],
        LONG_UNCOVERED,
    ))
    .unwrap();
    assert_eq!(keys(&j), ["scenarios", "terms", "version"]);
    assert_eq!(j["version"], 1);
    let t = &j["terms"];
    assert_eq!(
        keys(t),
        sorted(vec![
            "rate",
            "rate_steps",
            "cap",
            "already_paid",
            "from",
            "through",
            "discount_rate",
            "unit",
            "scale",
            "sources"
        ])
    );
    assert_eq!(t["rate"], "0.20");
    // No --unit: no currency, amounts as they are.
    assert_eq!(t["unit"], Value::Null);
    assert_eq!(t["scale"], "1");
    assert_eq!(
        t["sources"],
        serde_json::json!({
            "rate": "default",
            "rate_step": "--rate-step",
            "cap": "--cap",
            "already_paid": "default",
            "from": "--from",
            "through": "default",
            "discount_rate": "--discount-rate"
        })
    );
    assert_eq!(
        t["rate_steps"],
        serde_json::json!([{"from": "2028-01-01", "rate": "0.15"}])
    );
    assert_eq!(t["cap"], "10000000000");
    assert_eq!(t["already_paid"], "0");
    assert_eq!(t["from"], "2026-07-01");
    assert_eq!(t["through"], "2030-12-31");
    assert_eq!(t["discount_rate"], "0.08");

    let scenarios = j["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 1);
    let s = &scenarios[0];
    assert_eq!(keys(s), ["name", "periods", "source", "summary"]);
    assert_eq!(s["name"], "long");
    assert_eq!(s["source"], "long.csv");
    let periods = s["periods"].as_array().unwrap();
    assert_eq!(periods.len(), 3);
    let period_keys = sorted(vec![
        "period",
        "start",
        "end",
        "revenue",
        "eligible_revenue",
        "uncapped_payment",
        "payment",
        "cumulative",
        "remaining_cap",
        "capped",
        "present_value",
        "rate",
    ]);
    for p in periods {
        assert_eq!(keys(p), period_keys);
        assert!(p["capped"].is_boolean());
        for k in period_keys.iter().filter(|k| **k != "capped") {
            assert!(p[*k].is_string(), "{k} is a string: {p}");
        }
    }
    // 2026 from 2026-07-01: d = 184 (Jul–Dec), D = 365.
    // eligible = 10e9·184/365 = 1840e9/365 = 5041095890.4109589041095… → …410958904110
    // uncapped = 2e9·184/365 = 368e9/365 = 1008219178.0821917808219… → …082191780822
    let p = &periods[0];
    assert_eq!(p["period"], "2026");
    assert_eq!(p["start"], "2026-01-01");
    assert_eq!(p["end"], "2026-12-31");
    assert_eq!(p["revenue"], "10000000000");
    assert_eq!(p["eligible_revenue"], "5041095890.41095890411");
    assert_eq!(p["uncapped_payment"], "1008219178.082191780822");
    assert_eq!(p["payment"], "1008219178.082191780822");
    assert_eq!(p["remaining_cap"], "8991780821.917808219178");
    assert_eq!(p["capped"], false);
    // 2028 at the 15% step: 30e9·0.15 = 4.5e9.
    assert_eq!(periods[2]["uncapped_payment"], "4500000000");

    let sum = &s["summary"];
    assert_eq!(
        keys(sum),
        sorted(vec![
            "eligible_revenue",
            "uncapped_total",
            "total_paid",
            "foregone",
            "cap_binds",
            "binding_period",
            "binding_date",
            "effective_rate",
            "present_value",
            "covered_from",
            "covered_through",
        ])
    );
    assert_eq!(sum["cap_binds"], false);
    assert_eq!(sum["binding_period"], Value::Null);
    assert_eq!(sum["binding_date"], Value::Null);
    // 1008219178.082191780822 + 4e9 + 4.5e9
    assert_eq!(sum["total_paid"], "9508219178.082191780822");
    for k in [
        "eligible_revenue",
        "uncapped_total",
        "total_paid",
        "foregone",
        "effective_rate",
        "present_value",
    ] {
        assert!(sum[k].is_string(), "{k}: {sum}");
    }

    // Nothing optional given: absent values are null.
    let j = w.json(&[
        "run",
        "long.csv",
        "--through",
        "2028-12-31",
        "--format",
        "json",
        "--no-files",
    ]);
    let t = &j["terms"];
    assert_eq!(t["cap"], Value::Null);
    assert_eq!(t["discount_rate"], Value::Null);
    assert_eq!(t["rate_steps"], serde_json::json!([]));
    assert_eq!(t["from"], "2026-01-01");
    let p = &j["scenarios"][0]["periods"][0];
    assert_eq!(p["remaining_cap"], Value::Null);
    assert_eq!(p["present_value"], Value::Null);
    let sum = &j["scenarios"][0]["summary"];
    assert_eq!(sum["present_value"], Value::Null);
    assert_eq!(sum["effective_rate"], "0.2"); // 12e9 / 60e9
}

// ---------------------------------------------------------------- files

#[test]
fn run_writes_ledger_summary_and_json_into_output() {
    let w = Workdir::new();
    w.fixture("wide.csv");
    let printed = w.ok_wrote(
        &[
            "run",
            "wide.csv",
            "--through",
            "2029-12-31",
            "--cap",
            "150",
            "--no-charts",
        ],
        3,
        "output",
    );
    assert!(printed.starts_with("terms from the defaults: "));
    assert_eq!(
        w.files("output"),
        ["ledger.csv", "result.json", "summary.csv"]
    );
    // The files hold what the machine formats print.
    let csv = w.ok(&[
        "run",
        "wide.csv",
        "--through",
        "2029-12-31",
        "--cap",
        "150",
        "--format",
        "csv",
        "--no-files",
    ]);
    assert_eq!(w.read("output/ledger.csv"), csv);
    let json = w.ok(&[
        "run",
        "wide.csv",
        "--through",
        "2029-12-31",
        "--cap",
        "150",
        "--format",
        "json",
        "--no-files",
    ]);
    assert_eq!(w.read("output/result.json"), json);
    assert_eq!(
        w.read("output/summary.csv"),
        format!(
            "{SUMMARY_HEADER}
base,300,60,60,0,false,,,0.2,,2027-01-01,2029-12-31
bull,900,180,150,30,true,2029,2029-08-17,0.1666666666666666666666666667,,2027-01-01,2029-12-31
"
        )
    );
    // Only the inputs and output/ are in the folder.
    assert_eq!(
        w.files(""),
        [
            "output/ledger.csv",
            "output/result.json",
            "output/summary.csv",
            "wide.csv"
        ]
    );
}

#[test]
fn run_writes_into_the_output_dir_given() {
    let w = Workdir::new();
    w.fixture("long.csv");
    w.ok_wrote(
        &[
            "run",
            "long.csv",
            "--through",
            "2028-12-31",
            "--output",
            "reports/q3",
            "--no-charts",
            "--format",
            "json",
        ],
        3,
        "reports/q3",
    );
    assert_eq!(
        w.files("reports/q3"),
        ["ledger.csv", "result.json", "summary.csv"]
    );
    assert!(!w.path("output").exists());
}

#[test]
fn no_files_writes_nothing() {
    let w = Workdir::new();
    w.fixture("long.csv");
    w.ok(&["run", "long.csv", "--through", "2028-12-31", "--no-files"]);
    w.ok(&[
        "run",
        "long.csv",
        "--through",
        "2028-12-31",
        "--no-files",
        "--output",
        "elsewhere",
    ]);
    assert_eq!(w.files(""), ["long.csv"]);
}

#[test]
fn a_failed_run_writes_nothing_and_keeps_earlier_outputs() {
    let w = Workdir::new();
    w.fixture("long.csv").fixture("bad_number.csv");
    // One good file and one bad: exit 1, no output folder at all.
    let err = w.fails(&["run", "long.csv", "bad_number.csv", "--no-charts"], 1);
    assert!(err.starts_with("error: bad_number.csv: line 4"), "{err}");
    assert!(!w.path("output").exists());
    // After a good run, a failing one leaves its files as they were.
    w.ok_wrote(
        &["run", "long.csv", "--through", "2028-12-31", "--no-charts"],
        3,
        "output",
    );
    let before: Vec<String> = ["ledger.csv", "summary.csv", "result.json"]
        .iter()
        .map(|f| w.read(&format!("output/{f}")))
        .collect();
    w.fails(&["run", "long.csv", "--cap", "abc", "--no-charts"], 1);
    w.fails(&["run", "long.csv", "bad_number.csv", "--no-charts"], 1);
    let after: Vec<String> = ["ledger.csv", "summary.csv", "result.json"]
        .iter()
        .map(|f| w.read(&format!("output/{f}")))
        .collect();
    assert_eq!(before, after);
    assert_eq!(
        w.files("output"),
        ["ledger.csv", "result.json", "summary.csv"]
    );
}

#[test]
fn an_input_is_never_overwritten() {
    // Regression guard: --output pointing at the inputs' folder must not replace
    // an input that happens to be called ledger.csv.
    let w = Workdir::new();
    w.write("data/ledger.csv", fixture("long.csv"));
    let err = w.fails(
        &[
            "run",
            "data/ledger.csv",
            "--through",
            "2028-12-31",
            "--output",
            "data",
            "--no-charts",
        ],
        1,
    );
    assert_eq!(
        err,
        "error: data/ledger.csv: cannot write: is one of the inputs; refusing to overwrite it (choose another --output)\n"
    );
    assert_eq!(w.read("data/ledger.csv").as_bytes(), fixture("long.csv"));
    assert_eq!(w.files("data"), ["ledger.csv"]);
}

// ---------------------------------------------------------------- inputs

#[test]
fn stdin_is_read_with_a_dash() {
    let w = Workdir::new();
    let out = w
        .cmd(&["run", "-", "--format", "csv", "--no-files"])
        .write_stdin(fixture("long.csv"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(
        out.lines().nth(1),
        Some("stdin,2026,2026-01-01,2026-12-31,10000000000,10000000000,2000000000,2000000000,2000000000,,false,,0.2")
    );
    let j: Value = serde_json::from_slice(
        &w.cmd(&["run", "-", "--format", "json", "--no-files"])
            .write_stdin(fixture("long.csv"))
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    assert_eq!(j["scenarios"][0]["source"], "-");
    // Errors from stdin are named "-".
    let err = w
        .cmd(&["run", "-", "--no-files"])
        .write_stdin(fixture("bad_number.csv"))
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert_eq!(
        String::from_utf8(err).unwrap(),
        format!("error: -: line 4, column \"revenue\": \"12..7\" is not a number {AMOUNT}\n")
    );
}

#[test]
fn folder_terms_toml_applies_and_terms_and_flags_override_it() {
    let w = Workdir::new();
    w.write("data/a.csv", fixture("long.csv"))
        .write("data/b.csv", "period,revenue\n2026,1\n2027,1\n2028,1\n")
        .write(
            "data/terms.toml",
            "rate = \"10%\"\ncap = \"1B\"\nfrom = 2026-07-01\n",
        )
        .write("other.toml", "cap = \"2B\"\n");
    let terms = |args: &[&str]| {
        let mut a = vec![
            "run",
            "data",
            "--through",
            "2028-12-31",
            "--format",
            "json",
            "--no-files",
        ];
        a.extend_from_slice(args);
        w.json(&a)["terms"].clone()
    };
    // The folder's terms apply to its scenarios (every *.csv in name order).
    let j = w.json(&[
        "run",
        "data",
        "--through",
        "2028-12-31",
        "--format",
        "json",
        "--no-files",
    ]);
    let names: Vec<&str> = j["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "b"]);
    let t = terms(&[]);
    assert_eq!(
        (&t["rate"], &t["cap"], &t["from"]),
        (&"0.10".into(), &"1000000000".into(), &"2026-07-01".into())
    );
    // --terms replaces the folder's file entirely: default rate and start.
    let t = terms(&["--terms", "other.toml"]);
    assert_eq!(
        (&t["rate"], &t["cap"], &t["from"]),
        (&"0.20".into(), &"2000000000".into(), &"2026-01-01".into())
    );
    // A flag overrides the file, key by key.
    let t = terms(&["--cap", "none"]);
    assert_eq!(
        (&t["rate"], &t["cap"], &t["from"]),
        (&"0.10".into(), &Value::Null, &"2026-07-01".into())
    );
    let t = terms(&["--terms", "other.toml", "--cap", "3B", "--rate", "0.25"]);
    assert_eq!(
        (&t["rate"], &t["cap"]),
        (&"0.25".into(), &"3000000000".into())
    );
}

#[test]
fn long_files_with_scenarios_and_rate_columns() {
    let w = Workdir::new();
    w.fixture("long_scenarios.csv");
    let out = w.ok(&[
        "run",
        "long_scenarios.csv",
        "--through",
        "2028-12-31",
        "--format",
        "csv",
        "--no-files",
    ]);
    // low 2028 at its own 10%: 10; high 2028 at 0.15: 30; others at 20%.
    let uncapped: Vec<(&str, &str, &str)> = out
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0], f[1], f[6])
        })
        .collect();
    assert_eq!(
        uncapped,
        [
            ("low", "2027", "20"),
            ("low", "2028", "10"),
            ("high", "2027", "40"),
            ("high", "2028", "30"),
        ]
    );
}

#[test]
fn monthly_and_quarterly_data_bind_on_the_same_day() {
    // Both files earn 1 a day through 2027 (revenue = the period's days), so 0.2 a
    // day at 20%. A cap of 10 is reached after 50 days: 2027-02-19. For the months:
    // January pays 6.2; February has r = 3.8, u = 5.6, d = 28: r·d = 106.4, and
    // 5.6·18 = 100.8 < 106.4 ≤ 5.6·19 = 106.4, so k = 19. For the quarters: Q1 has
    // u = 18, d = 90, r·d = 900 = 18·50, so k = 50 (Jan 31 + 19 days).
    let w = Workdir::new();
    w.fixture("monthly.csv").fixture("quarterly.csv");
    let j = w.json(&[
        "run",
        "monthly.csv",
        "quarterly.csv",
        "--through",
        "2027-12-31",
        "--cap",
        "10",
        "--format",
        "json",
        "--no-files",
    ]);
    let (m, q) = (&j["scenarios"][0], &j["scenarios"][1]);
    assert_eq!(m["summary"]["binding_date"], "2027-02-19");
    assert_eq!(m["summary"]["binding_period"], "2027-02");
    assert_eq!(q["summary"]["binding_date"], "2027-02-19");
    assert_eq!(q["summary"]["binding_period"], "2027Q1");
    // Quarters given out of order, in three spellings, come out sorted.
    let labels: Vec<&str> = q["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]);
    assert_eq!(m["periods"].as_array().unwrap().len(), 12);
    // 365 days of revenue at 20%: 73 uncapped either way.
    assert_eq!(m["summary"]["uncapped_total"], "73");
    assert_eq!(q["summary"]["uncapped_total"], "73");
}

#[test]
fn bom_crlf_and_every_number_form_are_read() {
    let w = Workdir::new();
    w.fixture("bom_crlf.csv").fixture("number_forms.csv");
    // The two files cover different years, so no one term covers both.
    let j: Value = serde_json::from_str(&w.ok_warned(
        &[
            "run",
            "bom_crlf.csv",
            "number_forms.csv",
            "--from",
            "2024-01-01",
            "--format",
            "json",
            "--no-files",
        ],
        "warning: bom_crlf.csv: scenario \"bom_crlf\": data starts 2026-01-01, after the term starts (2024-01-01): payments before it are not counted
warning: bom_crlf.csv: scenario \"bom_crlf\": data ends 2027-12-31, before the term ends (2030-12-31): payments after it are not counted
warning: number_forms.csv: scenario \"number_forms\": data ends 2029-12-31, before the term ends (2030-12-31): payments after it are not counted
",
    ))
    .unwrap();
    // Compared as numbers: the forms keep different scales (a suffix drops trailing
    // zeros, `1.27e10` keeps the mantissa's two places).
    let revenues = |i: usize| -> Vec<Decimal> {
        j["scenarios"][i]["periods"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["revenue"].as_str().unwrap().parse().unwrap())
            .collect()
    };
    assert_eq!(j["scenarios"][0]["name"], "bom_crlf");
    assert_eq!(
        revenues(0),
        [
            Decimal::from(1_500_000_000u64),
            Decimal::from(2_500_000_000u64)
        ]
    );
    assert_eq!(revenues(1), vec![Decimal::from(12_700_000_000u64); 6]);
}

#[test]
fn bundled_scenarios_run_from_the_repository() {
    // Reported terms (scenarios/terms.toml): 20% from 2026-04-27 through 2030, cap
    // 38B. Binding dates, checked against an independent exact computation; by hand
    // for feb2026: 2026 has d = 249 (from Apr 27), u = 6e9·249/365 =
    // 4093150684.931506849315; with 12.4e9 (2027) and 20e9 (2028) paid, r = 38e9 −
    // 36493150684.931506849315 = 1506849315.068493150685 for 2029, where u =
    // 33.4664e9 and d = 365: r·d ≈ 550e9 (a hair above), 550e9 / 33.4664e9 = 16.43…,
    // so k = 17: 2029-01-17.
    let repo = env!("CARGO_MANIFEST_DIR");
    let out = std::process::Command::new(BIN)
        .current_dir(repo)
        .env_remove("RUST_BACKTRACE")
        .args(["run", "--format", "json", "--no-files"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["terms"]["cap"], "38000000000");
    assert_eq!(j["terms"]["from"], "2026-04-27");
    let got: Vec<(&str, &str, &str)> = j["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap(),
                s["summary"]["binding_date"].as_str().unwrap(),
                s["summary"]["total_paid"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("apr2025", "2029-05-12", "38000000000"),
            ("feb2026", "2029-01-17", "38000000000"),
            ("hsbc", "2029-07-13", "38000000000"),
            ("sep2025", "2029-08-04", "38000000000"),
        ]
    );
    assert_eq!(
        j["scenarios"][1]["summary"]["foregone"],
        "87959550684.931506849315"
    );

    // Files go to the --output given, never into the repository.
    let w = Workdir::new();
    let dir = w.path("out");
    std::process::Command::new(BIN)
        .current_dir(repo)
        .env_remove("RUST_BACKTRACE")
        .args(["run", "--no-charts", "--output"])
        .arg(&dir)
        .output()
        .map(|o| assert!(o.status.success(), "{o:?}"))
        .unwrap();
    assert_eq!(w.files("out"), ["ledger.csv", "result.json", "summary.csv"]);
    let validate = std::process::Command::new(BIN)
        .current_dir(repo)
        .args(["validate"])
        .output()
        .unwrap();
    assert!(validate.status.success());
    assert_eq!(
        String::from_utf8_lossy(&validate.stdout),
        "ok: 4 scenarios in 4 files\n"
    );
}

// ---------------------------------------------------------------- validate

#[test]
fn validate_ok_counts_scenarios_and_files() {
    let w = Workdir::new();
    w.fixture("long.csv").fixture("wide.csv");
    // The fixtures end before the default term end: `run`'s coverage warnings, which
    // do not fail the check.
    let long = "warning: long.csv: scenario \"long\": data ends 2028-12-31, before the term ends (2030-12-31): payments after it are not counted\n";
    let wide = "warning: wide.csv: scenario \"base\": data ends 2029-12-31, before the term ends (2030-12-31): payments after it are not counted\n\
warning: wide.csv: scenario \"bull\": data ends 2029-12-31, before the term ends (2030-12-31): payments after it are not counted\n";
    assert_eq!(
        w.ok_warned(
            &["validate", "long.csv", "wide.csv"],
            &format!("{long}{wide}")
        ),
        "ok: 3 scenarios in 2 files (3 warnings)\n"
    );
    assert_eq!(
        w.ok_warned(&["validate", "long.csv"], long),
        "ok: 1 scenario in 1 file (1 warning)\n"
    );
}

#[test]
fn validate_reports_every_problem_then_a_count() {
    let w = Workdir::new();
    w.fixture("bad_many.csv")
        .fixture("bad_rate.csv")
        .fixture("long.csv");
    let err = w.fails(&["validate", "bad_many.csv", "long.csv", "bad_rate.csv"], 1);
    assert_eq!(
        err,
        format!(
            r#"warning: long.csv: scenario "long": data ends 2028-12-31, before the term ends (2030-12-31): payments after it are not counted
error: bad_many.csv: line 2, column "revenue": "abc" is not a number {AMOUNT}
error: bad_many.csv: line 3, column "revenue": "-1" is negative (revenue must be ≥ 0)
error: bad_many.csv: line 4, column "period": "2028x" is not a period (expected a year 2027, a quarter 2027Q3 or 2027-Q3, or a month 2027-03)
error: bad_many.csv: line 5: has 3 fields, but the header has 2 (a stray or missing comma? quote values containing commas)
error: bad_rate.csv: line 2, column "rate": "20" is above 1 (a rate is a fraction: did you mean 20%?)
error: bad_rate.csv: line 3, column "rate": "120%" is above 100% (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)
6 problems in 2 files
"#
        )
    );
    // Terms problems are counted too.
    w.write("t.toml", "capp = 5\n");
    let err = w.fails(&["validate", "long.csv", "--terms", "t.toml"], 1);
    assert_eq!(
        err,
        "error: t.toml: line 1, key \"capp\": unknown key (expected one of rate, rate_step, cap, already_paid, from, through, discount_rate)\n1 problem in 1 file\n"
    );
}

// ------------------------------------------------------- errors (docs/spec.md §6)

/// `revcap run FILE` on a fixture: exit 1, exactly `expected` on stderr, and no
/// output folder left behind.
fn run_fails_with(name: &str, expected: &str) {
    let w = Workdir::new();
    w.fixture(name);
    let err = w.fails(&["run", name, "--no-charts"], 1);
    assert_eq!(err, expected, "{name}");
    assert!(!w.path("output").exists(), "{name} wrote output/");
}

#[test]
fn not_a_number() {
    run_fails_with(
        "bad_number.csv",
        &format!("error: bad_number.csv: line 4, column \"revenue\": \"12..7\" is not a number {AMOUNT}\n"),
    );
    // The example of docs/spec.md §6, as a file named t.csv.
    let w = Workdir::new();
    w.write("t.csv", "period,revenue\n2026,1\n2027,2\n2028,12..7\n");
    assert_eq!(
        w.fails(&["run", "t.csv", "--no-files"], 1),
        format!("error: t.csv: line 4, column \"revenue\": \"12..7\" is not a number {AMOUNT}\n")
    );
}

#[test]
fn negative_revenue() {
    run_fails_with(
        "bad_negative.csv",
        "error: bad_negative.csv: line 3, column \"revenue\": \"-5\" is negative (revenue must be ≥ 0)\n",
    );
}

#[test]
fn bad_period() {
    run_fails_with(
        "bad_period.csv",
        "error: bad_period.csv: line 3, column \"period\": \"2027Q5\" is not a period (expected a year 2027, a quarter 2027Q3 or 2027-Q3, or a month 2027-03): quarters are Q1 to Q4\n",
    );
}

#[test]
fn gap() {
    run_fails_with(
        "bad_gap.csv",
        "error: bad_gap.csv: line 3, column \"period\": \"2029\" leaves a gap in scenario \"bad_gap\": 2027 to 2028 is missing after 2026 (line 2)\n",
    );
}

#[test]
fn duplicate_period() {
    run_fails_with(
        "bad_duplicate.csv",
        "error: bad_duplicate.csv: line 4, column \"period\": \"2026\" repeats line 2 for scenario \"bad_duplicate\"; each period appears once\n",
    );
}

#[test]
fn mixed_lengths_must_not_leave_a_gap() {
    run_fails_with(
        "bad_mixed.csv",
        "error: bad_mixed.csv: line 3, column \"period\": \"2027-03\" leaves a gap in scenario \"bad_mixed\": 2027-01-01 to 2027-02-28 is missing after 2026 (line 2)\n",
    );
}

#[test]
fn rate_out_of_range() {
    run_fails_with(
        "bad_rate.csv",
        "error: bad_rate.csv: line 2, column \"rate\": \"20\" is above 1 (a rate is a fraction: did you mean 20%?)
error: bad_rate.csv: line 3, column \"rate\": \"120%\" is above 100% (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)\n",
    );
    let w = Workdir::new();
    w.fixture("long.csv");
    assert_eq!(
        w.fails(&["run", "long.csv", "--rate", "1.5"], 1),
        "error: --rate: \"1.5\" is above 1 (a rate is a fraction: did you mean 1.5%?)\n"
    );
}

#[test]
fn missing_period_column() {
    run_fails_with(
        "bad_no_period.csv",
        "error: bad_no_period.csv: line 1: has no \"period\" column (found \"when\", \"revenue\"; expected e.g. period,revenue or period,base,bull)\n",
    );
}

#[test]
fn empty_file() {
    run_fails_with(
        "bad_empty.csv",
        "error: bad_empty.csv: is empty (expected a header row with a \"period\" column)\n",
    );
}

#[test]
fn invalid_utf8() {
    run_fails_with(
        "bad_utf8.csv",
        "error: bad_utf8.csv: line 3, column \"revenue\": \"\u{fffd}\u{fffd}\" is not valid UTF-8 text (byte 0xFF; save the file as UTF-8 CSV)\n",
    );
}

#[test]
fn crlf_lines_are_counted_right() {
    // Regression: CRLF files (and blank lines) used to report the line before.
    run_fails_with(
        "bad_crlf.csv",
        &format!(
            "error: bad_crlf.csv: line 4, column \"revenue\": \"oops\" is not a number {AMOUNT}\n"
        ),
    );
}

#[test]
fn unknown_terms_key() {
    let w = Workdir::new();
    w.fixture("long.csv")
        .write("t.toml", "rate = \"20%\"\ncapp = \"38B\"\n");
    assert_eq!(
        w.fails(&["run", "long.csv", "--terms", "t.toml"], 1),
        "error: t.toml: line 2, key \"capp\": unknown key (expected one of rate, rate_step, cap, already_paid, from, through, discount_rate)\n"
    );
    assert!(!w.path("output").exists());
}

#[test]
fn bad_flag_value_is_exit_1() {
    let w = Workdir::new();
    w.fixture("long.csv");
    assert_eq!(
        w.fails(&["run", "long.csv", "--cap", "abc"], 1),
        "error: --cap: \"abc\" is not a number (expected none or e.g. 12700000000, 12.7B or \"$12,700,000,000\")\n"
    );
    assert_eq!(
        w.fails(&["run", "long.csv", "--from", "2026-02-30"], 1),
        "error: --from: \"2026-02-30\" is not a date (expected YYYY-MM-DD, e.g. 2026-04-27)\n"
    );
    assert!(!w.path("output").exists());
}

#[test]
fn unknown_flag_is_a_usage_error_exit_2() {
    let w = Workdir::new();
    w.fixture("long.csv");
    let err = w.fails(&["run", "long.csv", "--bogus"], 2);
    assert!(
        err.starts_with("error: unexpected argument '--bogus' found\n"),
        "{err}"
    );
    assert!(err.contains("Usage: revcap run"), "{err}");
    assert!(!w.path("output").exists());
}

#[test]
fn nonexistent_path_is_exit_1() {
    let w = Workdir::new();
    assert_eq!(
        w.fails(&["run", "nope.csv"], 1),
        "error: nope.csv: does not exist (expected a CSV file or workbook, a folder of them, or -)\n"
    );
    assert!(!w.path("output").exists());
}

#[test]
fn from_after_through_is_exit_1() {
    let w = Workdir::new();
    w.fixture("long.csv");
    assert_eq!(
        w.fails(
            &["run", "long.csv", "--from", "2027-01-01", "--through", "2026-12-31"],
            1
        ),
        "error: --from: \"2027-01-01\" is after the term's end, 2026-12-31 (--through); from must not be after through\n"
    );
    assert!(!w.path("output").exists());
}

// ---------------------------------------------------------------- pipes

#[test]
fn a_closed_pipe_is_success() {
    // `revcap run ... | head -1`: 12,000 monthly rows make a ledger of about 1.5 MB,
    // far more than a pipe holds, so revcap is still writing when the reader leaves
    // and its write fails with EPIPE. That must exit 0 with nothing on stderr.
    let w = Workdir::new();
    let mut csv = String::from("period,revenue\n");
    for y in 1000..2000 {
        for m in 1..=12 {
            csv.push_str(&format!("{y}-{m:02},1000\n"));
        }
    }
    w.write("big.csv", csv);
    let mut child = std::process::Command::new(BIN)
        .current_dir(w.path(""))
        .env_remove("RUST_BACKTRACE")
        .args([
            "run",
            "big.csv",
            "--from",
            "1000-01-01",
            "--through",
            "1999-12-31",
            "--format",
            "csv",
            "--no-files",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first.trim_end(), LEDGER_HEADER);
    // The reader (and with it the pipe's read end) is dropped here.
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert!(out.status.success(), "{:?}", out.status);
}

/// A cap under a millionth of what it caps, as when `$38B` is written `38`, is warned
/// of in `run` and `compare`, with the scale most likely meant; a sweep whose larger
/// caps are not tiny, no cap and a cap of 0 say nothing.
#[test]
fn a_cap_far_below_the_payments_is_warned_of() {
    let w = Workdir::new();
    w.write(
        "t.csv",
        "period,revenue\n2026,13B\n2027,30B\n2028,60B\n2029,100B\n2030,180B\n",
    );
    let warning = |cap: &str, scale: &str, suffix: &str| {
        format!("warning: the cap {cap} is under a millionth of the payments it caps (against 76600000000 uncapped for scenario \"t\"): a cap is in the revenue's unit, so {cap} is {cap}, not {cap} {scale} (write {cap}{suffix} for that)\n")
    };
    let run = |cap: &str| {
        [
            "run",
            "t.csv",
            "--cap",
            cap,
            "--from",
            "2026-01-01",
            "--no-files",
            "--format",
            "csv",
        ]
        .map(String::from)
    };
    let args = run("38");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    w.ok_warned(&args, &warning("38", "billion", "B"));
    let args = run("38000");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    w.ok_warned(&args, &warning("38000", "million", "M"));
    let compare = [
        "compare",
        "t.csv",
        "--from",
        "2026-01-01",
        "--no-files",
        "--format",
        "csv",
    ];
    w.ok_warned(
        &[&compare[..], &["--cap", "38", "--cap", "50"]].concat(),
        &warning("38", "billion", "B").replace(
            "the cap 38 is under a millionth of the payments it caps (against",
            "every cap is under a millionth of the payments it caps (38 against",
        ),
    );
    // A cap that is not tiny among them, no cap, a cap of 0: nothing to say.
    for caps in [
        &["--cap", "38", "--cap", "38B"][..],
        &["--caps", "1M:100B:1M"],
        &["--cap", "none"],
        &["--cap", "0"],
    ] {
        w.ok_warned(&[&compare[..], caps].concat(), "");
    }
    // solve and sensitivity rest on the cap too (but solving for the cap replaces it).
    let terms = ["t.csv", "--from", "2026-01-01", "--cap", "38"];
    let solve = [
        &["solve", "--for", "rate", "--binds-by", "2029-12-31"][..],
        &terms,
    ]
    .concat();
    let out = w.cmd(&solve).assert().success().get_output().clone();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        warning("38", "billion", "B")
    );
    let solve_cap = [
        &["solve", "--for", "cap", "--binds-by", "2029-12-31"][..],
        &terms,
    ]
    .concat();
    let out = w.cmd(&solve_cap).assert().success().get_output().clone();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let sensitivity = [&["sensitivity", "--no-files"][..], &terms].concat();
    let out = w.cmd(&sensitivity).assert().success().get_output().clone();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&warning("38", "billion", "B")),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Only `terms.toml` in lower case is read beside the inputs: a `Terms.toml` is
/// skipped, and said to be, whether the folder or a file in it is named (with
/// `--strict`, an error), rather than the run taking the defaults in silence.
#[test]
fn a_terms_file_named_in_another_case_is_warned_of() {
    let w = Workdir::new();
    w.write(
        "d/s.csv",
        "period,revenue\n2026,30B\n2027,62B\n2028,100B\n2029,167B\n2030,280B\n",
    );
    w.write("d/Terms.toml", "cap = \"12B\"\n");
    let warning = "warning: d/Terms.toml: skipped: terms are read from terms.toml, in lower case (rename it, or pass --terms FILE)\n";
    for input in ["d/", "d/s.csv"] {
        let out = w.ok_warned(&["run", input, "--format", "csv", "--no-files"], warning);
        assert!(out.lines().nth(1).unwrap().starts_with("s,2026,"), "{out}");
    }
    let err = w.fails(&["run", "d/s.csv", "--strict", "--no-files"], 1);
    assert_eq!(
        err,
        "error: d/Terms.toml: not read: terms are read from terms.toml, in lower case (rename it, or pass --terms FILE) (--strict)\n"
    );
    // The lower-case file is read, and no warning given, once it is there.
    w.write("d/terms.toml", "cap = \"12B\"\n");
    let out = w.ok_warned(
        &["run", "d/", "--format", "csv", "--no-files"],
        "note: terms from d/terms.toml (in the input folder; --terms FILE to use others)\n",
    );
    assert!(out.contains(",12000000000,"), "{out}");
}

/// A negative rate or amount after its flag (`--discount-rate -50%`) reaches revcap,
/// which says it is negative, rather than being taken for a flag of its own; a flag
/// whose value is missing (`--rate --cap 38B`) is still a usage error naming it.
#[test]
fn negative_term_values_are_said_to_be_negative() {
    let w = Workdir::new();
    w.write(
        "t.csv",
        "period,revenue\n2026,30B\n2027,62B\n2028,100B\n2029,167B\n2030,280B\n",
    );
    for (flag, value, why) in [
        (
            "--discount-rate",
            "-50%",
            "is negative (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)",
        ),
        (
            "--rate",
            "-5%",
            "is negative (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)",
        ),
        ("--cap", "-5B", "is negative (a cap must be ≥ 0, or none)"),
        (
            "--already-paid",
            "-1B",
            "is negative (expected an amount ≥ 0)",
        ),
    ] {
        let err = w.fails(&["run", "t.csv", flag, value, "--no-files"], 1);
        assert_eq!(err, format!("error: {flag}: \"{value}\" {why}\n"));
    }
    let err = w.fails(&["compare", "t.csv", "--cap", "-5B", "--no-files"], 1);
    assert!(err.contains("error: --cap: \"-5B\" is negative"), "{err}");
    let err = w.fails(&["run", "t.csv", "--rate", "--cap", "38B"], 2);
    assert!(
        err.starts_with("error: invalid value '--cap' for '--rate <RATE>': looks like the next flag: this flag's value is missing\n"),
        "{err}"
    );
}

/// Files an earlier run of the same command wrote, and this one does not, stay in the
/// folder (as every file the run does not write does) and are warned of: a chart of a
/// scenario no longer read, a report this run did not make. `run` then `compare` into
/// one folder keep their own files without a word.
#[test]
fn files_an_earlier_run_left_in_the_folder_are_warned_of() {
    let w = Workdir::new();
    let rows = "period,revenue\n2026,30B\n2027,62B\n2028,100B\n2029,167B\n2030,280B\n";
    w.write("d/a.csv", rows);
    w.write("d/b.csv", rows);
    w.ok_wrote(&["run", "d/", "--report", "--output", "out"], 9, "out");
    let warned = w.ok_warned(
        &["run", "d/a.csv", "--output", "out"],
        &format!(
            "warning: out: 3 files of an earlier run stay beside this run's (b-cumulative.png, b-payments.png, report.html): they describe that run, not this one (remove them, or write to a new --output)\n{}",
            common::wrote(6, "out")
        ),
    );
    assert!(!warned.is_empty());
    // compare writes none of run's files: run's stay, unremarked.
    w.ok_wrote(&["run", "d/", "--output", "both"], 8, "both");
    w.ok_wrote(
        &[
            "compare", "d/", "--cap", "38B", "--cap", "50B", "--output", "both",
        ],
        7,
        "both",
    );
    assert!(w.files("both").contains(&"ledger.csv".to_string()));
}
