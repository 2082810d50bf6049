//! `revcap sensitivity`: each row's values equal a separate `revcap run` at that
//! input value; the files written together; the errors' exact words.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::Workdir;
use serde_json::Value;

const FEB2026: &str = include_str!("../scenarios/feb2026.csv");
const HSBC: &str = include_str!("../scenarios/hsbc.csv");
const TERMS: [&str; 6] = ["--rate", "20%", "--cap", "38B", "--from", "2026-04-27"];

fn workdir() -> Workdir {
    let wd = Workdir::new();
    wd.write("in/feb2026.csv", FEB2026);
    wd.write("in/hsbc.csv", HSBC);
    wd
}

/// What stderr says when the default `through` swing (a year later) passes the end of
/// both scenarios' data.
/// With a discount rate, the default metrics include the present value and the
/// default swings the start.
const PV_FROM: &str = "note: present values are discounted to the term start, so each end of the from swing is discounted to its own start\n";
const PAST_DATA: &str = "note: the through swing reaches past the end of the data (\"feb2026\" and \"hsbc\"): payments after the data are not counted\n";

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["sensitivity", "in/"];
    a.extend_from_slice(&TERMS);
    a.extend_from_slice(extra);
    a
}

/// `revcap run` on one scenario with `flags` replacing the terms' (the flags of
/// TERMS not replaced are kept): its summary.
fn run(wd: &Workdir, scenario: &str, flags: &[(&str, String)]) -> Value {
    let path = format!("in/{scenario}.csv");
    let mut a: Vec<String> = vec![
        "run".into(),
        path,
        "--format".into(),
        "json".into(),
        "--no-files".into(),
    ];
    if !flags.iter().any(|(f, _)| *f == "--discount-rate") {
        a.extend(["--discount-rate".into(), "8%".into()]);
    }
    for pair in TERMS.chunks(2) {
        if !flags.iter().any(|(f, _)| *f == pair[0]) {
            a.extend([pair[0].to_string(), pair[1].to_string()]);
        }
    }
    for (f, v) in flags {
        a.extend([f.to_string(), v.clone()]);
    }
    let refs: Vec<&str> = a.iter().map(String::as_str).collect();
    // A swung term may leave part of it uncovered (a warning): stderr is not checked.
    let out = wd.cmd(&refs).assert().success().get_output().clone();
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    j["scenarios"][0]["summary"].clone()
}

/// The day `n` days from `base` (YYYY-MM-DD).
fn add_days(base: &str, n: i64) -> String {
    let d = revcap::model::Date::parse(base).unwrap();
    d.add_days(n).unwrap().to_string()
}

#[test]
fn every_row_equals_a_separate_run_at_that_input_value() {
    let wd = workdir();
    let out = wd.ok_warned(
        &args(&["--discount-rate", "8%", "--format", "csv", "--no-files"]),
        &format!("{PV_FROM}{PAST_DATA}"),
    );
    let mut r = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "scenario",
            "metric",
            "input",
            "low",
            "high",
            "base_value",
            "value_at_low",
            "value_at_high",
            "swing"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    // 2 scenarios × 4 metrics × 7 inputs.
    assert_eq!(rows.len(), 56);
    for row in &rows {
        let (scenario, metric, input) = (&row[0], &row[1], &row[2]);
        for (value, expected) in [(&row[3], &row[6]), (&row[4], &row[7])] {
            let flag = match input {
                // Revenue is a factor: the scenario file scaled by it.
                "revenue" => {
                    let factor: rust_decimal::Decimal = value.parse().unwrap();
                    let text = if scenario == "hsbc" { HSBC } else { FEB2026 };
                    let mut scaled = String::from("period,revenue\n");
                    for line in text.lines().skip(1) {
                        let mut cells = line.split(',');
                        let period = cells.next().unwrap();
                        let revenue = revcap::parse::amount(cells.next().unwrap()).unwrap();
                        scaled.push_str(&format!("{period},{}\n", revenue * factor));
                    }
                    wd.write(&format!("in/{scenario}-scaled.csv"), scaled);
                    None
                }
                "discount_rate" => Some("--discount-rate"),
                "already_paid" => Some("--already-paid"),
                other => Some(match other {
                    "rate" => "--rate",
                    "cap" => "--cap",
                    "from" => "--from",
                    "through" => "--through",
                    _ => panic!("{other}"),
                }),
            };
            let summary = match flag {
                Some(f) => run(&wd, scenario, &[(f, value.to_string())]),
                None => run(&wd, &format!("{scenario}-scaled"), &[]),
            };
            if flag.is_none() {
                std::fs::remove_file(wd.path(&format!("in/{scenario}-scaled.csv"))).unwrap();
            }
            let got = match metric {
                "binding_date" => match summary["binding_date"].as_str() {
                    None => "does not bind".to_string(),
                    Some(d) => {
                        // Days from the base date, signed.
                        let base = &row[5];
                        let n = (0..)
                            .map(|k: i64| k)
                            .find(|k| add_days(base, *k) == d || add_days(base, -k) == d)
                            .unwrap();
                        let n = if add_days(base, n) == d { n } else { -n };
                        format!("{n:+}")
                    }
                },
                m => summary[m].as_str().unwrap().to_string(),
            };
            assert_eq!(&got, expected, "{scenario} {metric} {input}={value}");
        }
    }
}

#[test]
fn files_are_written_together_with_a_tornado_chart_per_scenario_and_metric() {
    let wd = workdir();
    let out = wd.ok_warned(
        &args(&[
            "--output",
            "out",
            "--chart-format",
            "svg",
            "--metric",
            "binding_date",
        ]),
        &format!("{PAST_DATA}{}", common::wrote(4, "out")),
    );
    assert_eq!(
        wd.files("out"),
        [
            "feb2026-tornado-binding-date.svg",
            "hsbc-tornado-binding-date.svg",
            "sensitivity.csv",
            "sensitivity.json"
        ]
    );
    // The table: dates with their days from the base, largest swing first.
    assert!(
        out.starts_with(
            "feb2026: binding date (base 2029-01-17)\n  input         low         high        at low               at high              swing\n  cap           $28.5B      $47.5B      2028-08-07 (-163 d)  2029-05-01 (+104 d)  267 days\n"
        ),
        "{out}"
    );
    let svg = wd.read("out/feb2026-tornado-binding-date.svg");
    for label in [
        "feb2026: what moves the binding date most",
        "$28.5B: -163 d",
        "base 2029-01-17",
    ] {
        assert!(svg.contains(label), "{label}");
    }
    let j: Value = serde_json::from_str(&wd.read("out/sensitivity.json")).unwrap();
    let first = &j["rows"][0];
    assert_eq!(first["input"], "cap");
    assert_eq!(first["value_at_low"], "-163");
    assert_eq!(first["date_at_low"], "2028-08-07");
    assert_eq!(first["swing"], "267");
}

#[test]
fn a_cap_that_stops_binding_is_said_not_numbered() {
    let wd = workdir();
    let out = wd.ok_warned(
        &args(&[
            "--swing",
            "cap=-25%:+200%",
            "--metric",
            "binding_date",
            "--format",
            "csv",
            "--no-files",
        ]),
        PAST_DATA,
    );
    let hsbc: Vec<&str> = out.lines().filter(|l| l.starts_with("hsbc,")).collect();
    assert_eq!(
        hsbc[0],
        "hsbc,binding_date,cap,28500000000,114000000000,2029-07-13,-142,does not bind,"
    );
    let out = wd.ok_warned(
        &args(&[
            "--swing",
            "cap=-25%:+200%",
            "--metric",
            "binding_date",
            "--no-files",
        ]),
        PAST_DATA,
    );
    assert!(
        out.contains("  cap           $28.5B      $114B       2029-02-21 (-142 d)  does not bind        binds / does not\n"),
        "{out}"
    );
}

#[test]
fn swings_given_replace_the_defaults() {
    let wd = workdir();
    let out = wd.ok_warned(
        &args(&[
            "--swing",
            "rate=10%:30%",
            "--swing",
            "through=2029-06-30:+6y",
            "--metric",
            "total_paid",
            "--format",
            "csv",
            "--no-files",
        ]),
        PAST_DATA,
    );
    // Within the data, no note.
    wd.ok(&args(&[
        "--swing",
        "through=2029-06-30:2030-06-30",
        "--metric",
        "total_paid",
        "--no-files",
    ]));
    assert!(out.contains("feb2026,total_paid,rate,0.1,0.3,"), "{out}");
    assert!(
        out.contains("feb2026,total_paid,through,2029-06-30,2036-12-31,"),
        "{out}"
    );
}

#[test]
fn bad_swings_and_metrics_are_refused_with_their_words() {
    let wd = workdir();
    assert_eq!(
        wd.fails(&args(&["--swing", "volatility=1:2"]), 1),
        "error: --swing: \"volatility=1:2\" names no input \"volatility\" (expected rate, cap, revenue, from, through, already_paid or discount_rate)\n"
    );
    assert_eq!(
        wd.fails(&args(&["--swing", "rate=15%"]), 1),
        "error: --swing: \"rate=15%\" is not NAME=LOW:HIGH (expected e.g. rate=15%:25% or cap=-25%:+25%)\n"
    );
    assert_eq!(
        wd.fails(&args(&["--swing", "cap=lots:40B"]), 1),
        "error: --swing: \"cap=lots:40B\" low end \"lots\" is not a number (expected e.g. 12700000000, 12.7B or \"$12,700,000,000\")\n"
    );
    assert_eq!(
        wd.fails(&args(&["--metric", "present_value"]), 1),
        "error: --metric: \"present_value\" needs a discount rate (--discount-rate, or discount_rate in the terms)\n"
    );
    assert_eq!(
        wd.fails(&args(&["--metric", "npv"]), 1),
        "error: --metric: \"npv\" is not a metric (expected binding_date, total_paid, foregone or present_value)\n"
    );
    assert_eq!(
        wd.fails(&args(&["--swing", "rate=+500%:25%", "--no-files"]), 1),
        "error: --swing: scenario \"feb2026\": \"rate=+500%:25%\" gives a rate of 120%, outside 0%..100%\n"
    );
    assert_eq!(
        wd.fails(&args(&["--swing", "from=2031-01-01:2032-01-01", "--no-files"]), 1),
        "error: --swing: scenario \"feb2026\": from 2031-01-01 leaves no term (it starts on 2031-01-01, after it ends on 2030-12-31); choose a narrower swing\n"
    );
    // Nothing was written.
    assert!(wd.files("output").is_empty());
}

#[test]
fn a_cap_that_stops_binding_is_drawn_past_the_term_and_markdown_has_a_table_per_block() {
    let wd = workdir();
    wd.ok_warned(
        &args(&[
            "--swing",
            "cap=-25%:+200%",
            "--metric",
            "binding_date",
            "--output",
            "out",
            "--chart-format",
            "svg",
        ]),
        &format!("{PAST_DATA}{}", common::wrote(4, "out")),
    );
    let svg = wd.read("out/hsbc-tornado-binding-date.svg");
    for label in [
        "$114B: does not bind",
        "does not bind",
        "term ends 2030-12-31",
    ] {
        assert!(svg.contains(label), "{label}");
    }
    let j: Value = serde_json::from_str(&wd.read("out/sensitivity.json")).unwrap();
    assert_eq!(j["version"], 1);
    let out = wd.ok_warned(
        &args(&[
            "--metric",
            "total_paid",
            "--format",
            "markdown",
            "--no-files",
        ]),
        PAST_DATA,
    );
    assert!(
        out.starts_with(
            "### feb2026: total paid (base $38B)\n\n| input | low | high | at low | at high | swing |\n|---|---|---|---|---|---|\n| cap | $28.5B | $47.5B | $28.5B | $47.5B | $19B |\n"
        ),
        "{out}"
    );
}

/// Where the base itself does not bind, its tornado's band is headed by the base's
/// label alone (a second "does not bind" there overlapped it), the end labels are
/// drawn over the base line, and no year past the term's end is labelled under the
/// band (a date there would read as one the cap binds on).
#[test]
fn a_tornado_whose_base_does_not_bind_says_it_once() {
    let wd = Workdir::new();
    wd.write(
        "short.csv",
        "period,revenue\n2026,30B\n2027,62B\n2028,100B\n",
    );
    let args = [
        "sensitivity",
        "short.csv",
        "--cap",
        "38B",
        "--from",
        "2026-04-27",
        "--metric",
        "binding_date",
        "--chart-format",
        "svg",
        "--output",
        "out",
    ];
    wd.cmd(&args).assert().success();
    let svg = wd.read("out/short-tornado-binding-date.svg");
    // Every text element's content, in drawing order.
    let texts: Vec<String> = svg
        .split("<text")
        .skip(1)
        .filter_map(|t| {
            Some(
                t.split_once('>')?
                    .1
                    .split_once("</text>")?
                    .0
                    .trim()
                    .to_string(),
            )
        })
        .collect();
    let count = |s: &str| texts.iter().filter(|t| *t == s).count();
    assert_eq!(count("base: does not bind"), 1, "{texts:?}");
    assert_eq!(count("does not bind"), 0, "{texts:?}");
    assert_eq!(count("2031"), 0, "{texts:?}");
    assert_eq!(count("2030"), 1, "{texts:?}");
    // The end labels come after the base's label: drawn over its line.
    let base = texts.iter().position(|t| t == "base: does not bind");
    let end = texts.iter().position(|t| t == "15%: does not bind");
    assert!(base < end && end.is_some(), "{texts:?}");
    // The data ends in 2028: "does not bind" is said of its end, not the term's.
    let all = texts.join(" ");
    assert!(
        all.contains("the cap is not reached by 2028-12-31, where the data ends (the term runs to 2030-12-31)."),
        "{all}"
    );
}
