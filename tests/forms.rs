//! Periods and numbers as people and spreadsheets write them (docs/spec.md §2.3,
//! §2.4), through the real binary: every written form reaches the outputs under its
//! canonical label and exact value. The refused forms, with their exact messages, are
//! cases of `tests/hostile.rs` (which keeps `docs/errors.md` in step).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::Workdir;
use serde_json::Value;

/// `(scenario, [(period label, revenue)])` of a `run --format json`.
fn periods(json: &Value) -> Vec<(String, Vec<(String, String)>)> {
    json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let rows = s["periods"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p["period"].as_str().unwrap().to_string(),
                        p["revenue"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            (s["name"].as_str().unwrap().to_string(), rows)
        })
        .collect()
}

fn run_json(w: &Workdir, file: &str, extra: &[&str]) -> Value {
    let mut args = vec!["run", file, "--format", "json", "--no-files"];
    args.extend_from_slice(extra);
    w.json(&args)
}

#[test]
fn quarters_as_people_write_them() {
    let w = Workdir::new();
    w.write("quarters.csv", common::fixture("forms/quarters.csv"));
    let got = periods(&run_json(&w, "quarters.csv", &["--through", "2026-12-31"]));
    let names = [
        "q_space_year",
        "year_space_q",
        "q_dash_year",
        "nq_short",
        "q_short",
        "nq_long",
        "canonical",
    ];
    assert_eq!(got.len(), names.len());
    for ((name, rows), want) in got.iter().zip(names) {
        assert_eq!(name, want);
        assert_eq!(
            rows,
            &[
                ("2026Q3".to_string(), "1".to_string()),
                ("2026Q4".to_string(), "2".to_string())
            ],
            "{name}"
        );
    }
}

#[test]
fn half_years_as_people_write_them() {
    let w = Workdir::new();
    w.write("halves.csv", common::fixture("forms/halves.csv"));
    let got = periods(&run_json(&w, "halves.csv", &["--through", "2026-12-31"]));
    let names = [
        "h_space_year",
        "year_space_h",
        "h_dash_year",
        "nh_short",
        "nh_long",
        "canonical",
        "half_end_dates",
    ];
    assert_eq!(got.len(), names.len());
    for ((name, rows), want) in got.iter().zip(names) {
        assert_eq!(name, want);
        assert_eq!(
            rows,
            &[
                ("2026H1".to_string(), "1".to_string()),
                ("2026H2".to_string(), "2".to_string())
            ],
            "{name}"
        );
    }
}

#[test]
fn months_as_people_write_them() {
    let w = Workdir::new();
    w.write("months.csv", common::fixture("forms/months.csv"));
    let got = periods(&run_json(&w, "months.csv", &["--through", "2026-10-31"]));
    let names = [
        "abbr_dash",
        "abbr_space",
        "full_name",
        "short_year",
        "slash",
        "slash_one_digit",
        "sept",
        // The year last, as spreadsheets export months and month-end dates.
        "month_year",
        "month_year_dash",
        "day_first_end",
        "month_first_end",
        "dotted_end",
        "canonical",
    ];
    assert_eq!(got.len(), names.len());
    for ((name, rows), want) in got.iter().zip(names) {
        assert_eq!(name, want);
        assert_eq!(
            rows,
            &[
                ("2026-09".to_string(), "1".to_string()),
                ("2026-10".to_string(), "2".to_string())
            ],
            "{name}"
        );
    }
}

/// The labels in CSV outputs are the canonical ones too, and `validate` accepts the
/// written forms.
#[test]
fn written_periods_are_labelled_canonically_in_csv_and_validate() {
    let w = Workdir::new();
    w.write("t.csv", "period,revenue\nQ4 2026,1\n1Q27,2\nQ2-2027,3\n");
    let csv = w.ok(&[
        "run",
        "t.csv",
        "--through",
        "2027-06-30",
        "--format",
        "csv",
        "--no-files",
    ]);
    let labels: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(labels, ["2026Q4", "2027Q1", "2027Q2"]);
    w.ok(&["validate", "t.csv", "--through", "2027-06-30"]);
}

#[test]
fn numbers_as_spreadsheets_export_them() {
    let w = Workdir::new();
    w.write("numbers.csv", common::fixture("forms/numbers.csv"));
    let json = run_json(&w, "numbers.csv", &["--rate", "0.1"]);
    let got = periods(&json);
    assert_eq!(
        got[0].1,
        [
            ("2026", "500000000"),
            ("2027", "30000"),
            ("2028", "30000.00"),
            ("2029", "1000"),
            ("2030", "250000000"),
        ]
        .map(|(p, r)| (p.to_string(), r.to_string()))
    );
    // `.2` and `.25` in the rate column replace the terms' 10%; empty cells use it.
    let paid: Vec<&str> = json["scenarios"][0]["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["payment"].as_str().unwrap())
        .collect();
    assert_eq!(paid, ["100000000", "3000", "3000", "250", "25000000"]);
}

#[test]
fn leading_dot_rate_and_cap_flags() {
    let w = Workdir::new();
    w.write("t.csv", "period,revenue\n2026,10\n");
    let json = run_json(
        &w,
        "t.csv",
        &["--rate", ".2", "--cap", "$ .5K", "--through", "2026-12-31"],
    );
    assert_eq!(json["terms"]["rate"], "0.2");
    assert_eq!(json["terms"]["cap"], "500");
    assert_eq!(json["scenarios"][0]["periods"][0]["payment"], "2");
}
