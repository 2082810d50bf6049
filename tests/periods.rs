//! Periods as people write them (docs/spec.md §2.3, §2.5), through the real binary:
//! half-years, fiscal years (`--fiscal-year-start`), month-end dates read as the
//! periods they end, and scenarios that change length (quarters, then years) without
//! overlaps or gaps; the exact messages when they do not fit. Also checks that
//! splitting years into halves, quarters and months as a file (revenue in proportion to
//! days) changes no total.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::Workdir;
use proptest::collection::vec;
use proptest::prelude::*;
use revcap::engine::compute;
use revcap::model::{Date, Period, Terms};
use rust_decimal::Decimal;
use serde_json::Value;

/// `(period, start, end)` of each period of the first scenario of a JSON run.
fn ledger(json: &Value) -> Vec<(String, String, String)> {
    json["scenarios"][0]["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap().to_string();
            (s("period"), s("start"), s("end"))
        })
        .collect()
}

fn labels(json: &Value) -> Vec<String> {
    ledger(json).into_iter().map(|(p, _, _)| p).collect()
}

#[test]
fn quarters_then_years_in_any_row_order() {
    let w = Workdir::new();
    w.write(
        "p.csv",
        "period,revenue\n2027,40\n2026Q3,10\n2026Q1,10\n2026Q2,10\n2026Q4,10\n2028,40\n",
    );
    let j = w.json(&[
        "run",
        "p.csv",
        "--format",
        "json",
        "--no-files",
        "--through",
        "2028-12-31",
    ]);
    assert_eq!(
        labels(&j),
        ["2026Q1", "2026Q2", "2026Q3", "2026Q4", "2027", "2028"]
    );
    assert_eq!(j["scenarios"][0]["summary"]["total_paid"], "24");
}

#[test]
fn half_years_in_every_form() {
    let w = Workdir::new();
    w.write(
        "h.csv",
        "period,revenue\nH1 2026,1\n2026 H2,1\n1H27,1\n2h27,1\nH1-2028,1\n2028h2,1\n2029-H1,1\n",
    );
    let j = w.json(&[
        "run",
        "h.csv",
        "--format",
        "json",
        "--no-files",
        "--through",
        "2029-06-30",
    ]);
    assert_eq!(
        labels(&j),
        ["2026H1", "2026H2", "2027H1", "2027H2", "2028H1", "2028H2", "2029H1"]
    );
    assert_eq!(
        ledger(&j)[5],
        ("2028H2".into(), "2028-07-01".into(), "2028-12-31".into())
    );
}

#[test]
fn fiscal_years_start_in_the_month_given_on_every_command() {
    let w = Workdir::new();
    w.write("f.csv", "period,revenue\nFY2026,10\nFY27,10\nFY 2028,10\n");
    let args = |month: &'static str| {
        vec![
            "run",
            "f.csv",
            "--format",
            "json",
            "--no-files",
            "--through",
            "2028-06-30",
            "--fiscal-year-start",
            month,
        ]
    };
    let j = w.json(&args("July"));
    assert_eq!(
        ledger(&j),
        [
            ("FY2026".into(), "2025-07-01".into(), "2026-06-30".into()),
            ("FY2027".into(), "2026-07-01".into(), "2027-06-30".into()),
            ("FY2028".into(), "2027-07-01".into(), "2028-06-30".into()),
        ]
    );
    for same in ["Jul", "july", "7", "07"] {
        assert_eq!(w.json(&args(same)), j, "{same}");
    }
    // January (the default) makes fiscal years the calendar years.
    let j = w.json(&[
        "run",
        "f.csv",
        "--format",
        "json",
        "--no-files",
        "--through",
        "2028-12-31",
    ]);
    assert_eq!(labels(&j), ["2026", "2027", "2028"]);
    // validate and compare take the flag too.
    assert_eq!(
        w.ok(&[
            "validate",
            "f.csv",
            "--fiscal-year-start",
            "July",
            "--through",
            "2028-06-30"
        ]),
        "ok: 1 scenario in 1 file\n"
    );
    w.ok(&[
        "compare",
        "f.csv",
        "--cap",
        "1",
        "--no-files",
        "--fiscal-year-start",
        "Jul",
        "--through",
        "2028-06-30",
    ]);
    assert_eq!(
        w.fails(&["validate", "f.csv", "--fiscal-year-start", "13"], 1),
        "error: --fiscal-year-start: \"13\" is not a month (expected a month's name or number, e.g. July, Jul or 7)\n"
    );
}

#[test]
fn month_end_dates_are_the_periods_they_end() {
    let w = Workdir::new();
    // Quarter ends, as Excel exports them with slashes.
    w.write(
        "q.csv",
        "Date,base\n2026/03/31,1\n2026/06/30,1\n2026/09/30,1\n2026/12/31,1\n",
    );
    let j = w.json(&[
        "run",
        "q.csv",
        "--format",
        "json",
        "--no-files",
        "--through",
        "2026-12-31",
    ]);
    assert_eq!(labels(&j), ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]);
    // Among months, a date is a month; among years, a year.
    w.write(
        "m.csv",
        "period,revenue\n2026-01,1\n2026-02-28,1\n2026-03,1\n",
    );
    let j = w.json(&[
        "run",
        "m.csv",
        "--format",
        "json",
        "--no-files",
        "--through",
        "2026-03-31",
    ]);
    assert_eq!(labels(&j), ["2026-01", "2026-02", "2026-03"]);
    w.write("y.csv", "period,revenue\n2026,1\n2027-12-31,1\n");
    let j = w.json(&[
        "run",
        "y.csv",
        "--format",
        "json",
        "--no-files",
        "--through",
        "2027-12-31",
    ]);
    assert_eq!(labels(&j), ["2026", "2027"]);
    // Dates a year apart ending in June are July fiscal years when the start says so.
    w.write("f.csv", "period,revenue\n2026-06-30,1\n2027-06-30,1\n");
    let j = w.json(&[
        "run",
        "f.csv",
        "--format",
        "json",
        "--no-files",
        "--through",
        "2027-06-30",
        "--fiscal-year-start",
        "July",
    ]);
    assert_eq!(labels(&j), ["FY2026", "FY2027"]);
}

/// Every message of a period that does not fit, exactly.
#[test]
fn periods_that_do_not_fit_are_refused_with_exact_messages() {
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "period,revenue\n2026Q1,1\n2026Q2,1\n2026,4\n",
            &[],
            "error: t.csv: line 4, column \"period\": \"2026\" overlaps \"2026Q1\" (line 2) in scenario \"t\": 2026-01-01 to 2026-03-31 would be counted twice; each day belongs to one period\n\
             error: t.csv: line 4, column \"period\": \"2026\" overlaps \"2026Q2\" (line 3) in scenario \"t\": 2026-04-01 to 2026-06-30 would be counted twice; each day belongs to one period\n",
        ),
        (
            "period,revenue\n2026Q1,1\n2026Q2,1\n2027,4\n",
            &[],
            "error: t.csv: line 4, column \"period\": \"2027\" leaves a gap in scenario \"t\": 2026-07-01 to 2026-12-31 is missing after 2026Q2 (line 3)\n",
        ),
        (
            "period,revenue\n2026H1,1\n2026H1,1\n",
            &[],
            "error: t.csv: line 3, column \"period\": \"2026H1\" repeats line 2 for scenario \"t\"; each period appears once\n",
        ),
        (
            "period,revenue\nFY2026,1\nFY2027,1\n2027,1\n",
            &["--fiscal-year-start", "Oct"],
            "error: t.csv: line 4, column \"period\": \"2027\" overlaps \"FY2027\" (line 3) in scenario \"t\": 2027-01-01 to 2027-09-30 would be counted twice; each day belongs to one period\n",
        ),
        (
            "period,revenue\n2026-09-30,1\n",
            &[],
            "error: t.csv: line 2, column \"period\": \"2026-09-30\" is a date, and scenario \"t\" has no other period to say how long a period ends on it; write the period instead, e.g. 2026Q3 or 2026-09\n",
        ),
        (
            "period,revenue\n2026-09-15,1\n2026-10,1\n",
            &[],
            "error: t.csv: line 2, column \"period\": \"2026-09-15\" is a date that does not end a month (a date is read as the last day of a period; write the period instead, e.g. 2026-09 or 2026Q3)\n",
        ),
        (
            "period,revenue\n2026-03-01,1\n",
            &[],
            "error: t.csv: line 2, column \"period\": \"2026-03-01\" is a date, not a period (did a spreadsheet turn 2026-03 into a date? write the period as text: 2026-03, 2026Q1 or 2026)\n",
        ),
        (
            "period,revenue\n2026Q1,1\n2026Q2,1\n2026-12-31,1\n2027,1\n",
            &[],
            "error: t.csv: line 4, column \"period\": \"2026-12-31\" is a date, and the other periods of scenario \"t\" differ in length, so which period ends on it is unclear; write the period instead, e.g. 2026, 2026H2, 2026Q4 or 2026-12\n",
        ),
        (
            "period,revenue\n2026-04-30,1\n2026-08-31,1\n",
            &[],
            "error: t.csv: line 2, column \"period\": \"2026-04-30\" is a date, and the dates of scenario \"t\" are 4 months apart at the least; a date is read as the end of a period of 1, 3, 6 or 12 months, so write the period instead, e.g. 2026-04\n\
             error: t.csv: line 3, column \"period\": \"2026-08-31\" is a date, and the dates of scenario \"t\" are 4 months apart at the least; a date is read as the end of a period of 1, 3, 6 or 12 months, so write the period instead, e.g. 2026-08\n",
        ),
        (
            "period,revenue\n2026-06-30,1\n2027-06-30,1\n",
            &["--fiscal-year-start", "April"],
            "error: t.csv: line 2, column \"period\": \"2026-06-30\" is a date that ends the 12 months from 2025-07-01, which are not a calendar year, nor a fiscal year (fiscal years start in April; --fiscal-year-start July reads it as FY2026); write the periods instead, e.g. 2026H1, 2026Q2 or 2026-06\n\
             error: t.csv: line 3, column \"period\": \"2027-06-30\" is a date that ends the 12 months from 2026-07-01, which are not a calendar year, nor a fiscal year (fiscal years start in April; --fiscal-year-start July reads it as FY2027); write the periods instead, e.g. 2027H1, 2027Q2 or 2027-06\n",
        ),
        (
            "period,revenue\nH3 2026,1\n",
            &[],
            "error: t.csv: line 2, column \"period\": \"H3 2026\" is not a period: half-years are H1 and H2 (e.g. 2026H1 or H1 2026)\n",
        ),
        (
            "period,revenue\nFY2026 Q1,1\n",
            &[],
            "error: t.csv: line 2, column \"period\": \"FY2026 Q1\" is not a period: a fiscal year is FY and its year, e.g. FY2026 or FY26\n",
        ),
    ];
    for (text, extra, stderr) in cases {
        let w = Workdir::new();
        w.write("t.csv", text);
        let mut args = vec!["run", "t.csv"];
        args.extend_from_slice(extra);
        assert_eq!(&w.fails(&args, 1), stderr, "{text}");
        // validate reports the same, and says how many.
        let mut args = vec!["validate", "t.csv"];
        args.extend_from_slice(extra);
        assert!(w.fails(&args, 1).starts_with(stderr), "{text}");
    }
}

/// A quarters-then-years payments chart says how it draws bars of several lengths.
#[test]
fn the_payments_chart_of_mixed_lengths_says_how_it_draws_them() {
    let w = Workdir::new();
    w.write(
        "p.csv",
        "period,revenue\n2026Q1,10B\n2026Q2,10B\n2026Q3,10B\n2026Q4,10B\n2027,50B\n2028,60B\n",
    );
    w.ok_wrote(
        &[
            "run",
            "p.csv",
            "--cap",
            "15B",
            "--through",
            "2028-12-31",
            "--chart-format",
            "svg",
            "--output",
            "out",
        ],
        6,
        "out",
    );
    let svg = w.read("out/p-payments.svg");
    assert!(svg.contains("payments per period"), "title");
    assert!(svg.contains("average payments per quarter"), "caption");
    assert!(svg.contains("each bar is as wide as its period"), "note");
    // One length: the chart is as before.
    w.write("q.csv", "period,revenue\n2026Q1,10B\n2026Q2,10B\n");
    w.ok_wrote(
        &[
            "run",
            "q.csv",
            "--through",
            "2026-06-30",
            "--chart-format",
            "svg",
            "--output",
            "out2",
        ],
        6,
        "out2",
    );
    let svg = w.read("out2/q-payments.svg");
    assert!(svg.contains("payments per quarter") && !svg.contains("average"));
}

/// How one year is written in a split file: whole, halves, quarters, months, or H1 as
/// quarters and H2 as months.
fn split_year(y: i32, how: u8) -> Vec<Period> {
    match how {
        0 => vec![Period::year(y).unwrap()],
        1 => (1..=2).map(|h| Period::half(y, h).unwrap()).collect(),
        2 => (1..=4).map(|q| Period::quarter(y, q).unwrap()).collect(),
        3 => (1..=12).map(|m| Period::month(y, m).unwrap()).collect(),
        _ => (1..=2)
            .map(|q| Period::quarter(y, q).unwrap())
            .chain((7..=12).map(|m| Period::month(y, m).unwrap()))
            .collect(),
    }
}

/// A file of `periods` with revenue `k·days` each, rows in reverse order.
fn file(periods: &[(Period, Decimal)]) -> String {
    let mut s = String::from("period,revenue\n");
    for (p, k) in periods.iter().rev() {
        s.push_str(&format!("{p},{}\n", *k * Decimal::from(p.days())));
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Years split in any mix of halves, quarters and months, with revenue in
    /// proportion to days (daily revenue k with at most 10 decimals, a 2-decimal rate:
    /// nothing is rounded), load as one scenario and change no total and no binding
    /// date.
    #[test]
    fn splitting_years_as_a_file_changes_no_total(
        first in 2024..2030i32,
        years in vec((0..1_000_000_000_000i64, 0..=10u32, 0..5u8), 1..=4),
        rate in 0..=100i64,
        cap in proptest::option::of(0..2_000_000_000_000i64),
    ) {
        let whole: Vec<(Period, Decimal)> = years
            .iter()
            .enumerate()
            .map(|(i, (m, s, _))| (Period::year(first + i as i32).unwrap(), Decimal::new(*m, *s)))
            .collect();
        let split: Vec<(Period, Decimal)> = years
            .iter()
            .enumerate()
            .flat_map(|(i, (m, s, how))| {
                split_year(first + i as i32, *how)
                    .into_iter()
                    .map(move |p| (p, Decimal::new(*m, *s)))
            })
            .collect();
        let load = |text: String| revcap::load::load(text.as_bytes(), "t.csv", "t").unwrap().remove(0);
        let (a, b) = (load(file(&whole)), load(file(&split)));
        let last = first + years.len() as i32 - 1;
        let terms = Terms {
            rate: Decimal::new(rate, 2),
            cap: cap.map(Decimal::from),
            from: Some(Date::from_ymd(first, 1, 1).unwrap()),
            through: Date::from_ymd(last, 12, 31).unwrap(),
            ..Terms::default()
        };
        let (x, y) = (compute(&a, &terms).unwrap(), compute(&b, &terms).unwrap());
        let (xs, ys) = (&x.summary, &y.summary);
        prop_assert_eq!(xs.eligible_revenue, ys.eligible_revenue);
        prop_assert_eq!(xs.uncapped_total, ys.uncapped_total);
        prop_assert_eq!(xs.total_paid, ys.total_paid);
        prop_assert_eq!(xs.binding_date, ys.binding_date);
        prop_assert_eq!(y.periods.len(), split.len());
    }
}
