//! Distributions in `run` and `compare` (docs/montecarlo.md): `--paths N` draws paths
//! in process, a file written by `revcap simulate` gives the same distributions byte
//! for byte, and every quantile and probability equals a brute-force computation over
//! the per-path summaries.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice
)]

mod common;

use common::Workdir;

const BUILTIN_NOTE: &str =
    "note: scenarios/ not found here: using the built-in scenarios (revcap scenarios lists them)\n";

/// Every line of a CSV file, split on commas (the files here quote nothing).
fn rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// The done-when run: 10,000 paths around each bundled vintage print, per vintage,
/// the binding date's percentiles and P(binds by each year-end), and write the
/// distribution files (charts are checked with fewer paths below).
#[test]
fn ten_thousand_paths_around_the_bundled_scenarios() {
    let w = Workdir::new();
    let out = w
        .cmd(&[
            "run",
            "--paths",
            "10000",
            "--volatility",
            "30%",
            "--seed",
            "1",
            "--no-charts",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr, format!("{BUILTIN_NOTE}wrote 5 files to output\n"));
    for vintage in ["apr2025", "feb2026", "hsbc", "sep2025"] {
        let at = stdout
            .find(&format!("{vintage}: 10000 paths\n"))
            .unwrap_or_else(|| panic!("no table for {vintage}:\n{stdout}"));
        let block = &stdout[at..];
        let block = &block[..block.find("\n\n").unwrap()];
        assert!(block.contains("\n  binding date "), "{block}");
        assert!(block.contains("p5 ") && block.contains("p95"), "{block}");
        assert!(
            block.contains(
                "P(cap binds by)  2026-12-31  2027-12-31  2028-12-31  2029-12-31  2030-12-31"
            ),
            "{block}"
        );
    }
    // No per-path table is printed.
    assert!(!stdout.contains("feb2026.00001"));
    assert_eq!(
        w.files("output"),
        [
            "binding_probability.csv",
            "distribution.csv",
            "ledger.csv",
            "result.json",
            "summary.csv"
        ]
    );
    // The ledger and summary are the bases', not the paths'.
    let summary = w.read("output/summary.csv");
    assert_eq!(summary.lines().count(), 1 + 4, "{summary}");
    let dist = rows(&w.read("output/distribution.csv"));
    assert_eq!(
        dist[0].join(","),
        "group,variant,metric,paths,mean,min,p5,p10,p25,p50,p75,p90,p95,max"
    );
    // 4 groups × 5 metrics (no discount rate, no present value).
    assert_eq!(dist.len(), 1 + 4 * 5);
    assert!(dist[1..].iter().all(|r| r[3] == "10000"));
    let probs = rows(&w.read("output/binding_probability.csv"));
    assert_eq!(probs.len(), 1 + 4 * 5);
    let json: serde_json::Value = serde_json::from_str(&w.read("output/result.json")).unwrap();
    assert_eq!(json["distributions"].as_array().unwrap().len(), 20);
    assert_eq!(json["binding_probabilities"].as_array().unwrap().len(), 20);
    assert_eq!(json["scenarios"].as_array().unwrap().len(), 4);
}

/// With charts: a fan and a foregone histogram per vintage, the CDF of binding
/// dates, and the bases' own charts.
#[test]
fn paths_draw_the_distribution_charts() {
    let w = Workdir::new();
    w.cmd(&["run", "--paths", "300", "--volatility", "30%"])
        .assert()
        .success();
    let files = w.files("output");
    for f in [
        "binding-probability.png",
        "feb2026-fan.png",
        "feb2026-foregone.png",
        "hsbc-fan.png",
        "feb2026-cumulative.png",
    ] {
        assert!(files.contains(&f.to_string()), "{f} missing: {files:?}");
    }
}

/// `simulate` then `run` of the written file gives the same distributions, byte for
/// byte, as `run --paths`; so does `compare` under several caps.
#[test]
fn simulated_file_and_paths_in_process_agree() {
    let w = Workdir::new();
    w.cmd(&["scenarios", "--export", "s"]).assert().success();
    let draw = [
        "--paths",
        "150",
        "--volatility",
        "25%",
        "--seed",
        "7",
        "--start",
        "2026-04-27",
    ];
    w.cmd(
        &[
            &[
                "simulate",
                "s/feb2026.csv",
                "s/hsbc.csv",
                "--output",
                "s/p.csv",
            ],
            &draw[..],
        ]
        .concat(),
    )
    .assert()
    .success();
    let terms = ["--terms", "s/terms.toml", "--no-charts"];
    w.cmd(
        &[
            &["run", "s/feb2026.csv", "s/hsbc.csv", "--output", "a"],
            &terms[..],
            &draw[..],
        ]
        .concat(),
    )
    .assert()
    .success();
    // The file of paths gets distributions without being asked: it is simulate's. It
    // is in the bases' folder, so that the same terms.toml applies to both.
    w.cmd(&[&["run", "s/p.csv", "--output", "b"], &terms[..]].concat())
        .assert()
        .success();
    for f in ["distribution.csv", "binding_probability.csv"] {
        let (a, b) = (w.read(&format!("a/{f}")), w.read(&format!("b/{f}")));
        assert!(a.lines().count() > 5, "{a}");
        assert_eq!(a, b, "{f}");
    }
    let caps = [
        "--cap",
        "25B",
        "--cap",
        "38B",
        "--cap",
        "50B",
        "--no-charts",
    ];
    w.cmd(
        &[
            &["compare", "s/feb2026.csv", "s/hsbc.csv", "--output", "c"],
            &caps[..],
            &draw[..],
        ]
        .concat(),
    )
    .assert()
    .success();
    let out = w
        .cmd(&[&["compare", "s/p.csv", "--output", "d"], &caps[..]].concat())
        .assert()
        .success()
        .get_output()
        .clone();
    for f in ["distribution.csv", "binding_probability.csv"] {
        assert_eq!(w.read(&format!("c/{f}")), w.read(&format!("d/{f}")), "{f}");
    }
    let probs = w.read("c/binding_probability.csv");
    assert!(probs.contains("\nfeb2026,25B,2028-12-31,150,"), "{probs}");
    // The question people ask, per cap.
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("feb2026: P(cap binds by) at each cap, 150 paths\n  by              25B      38B     50B\n  2026-12-31"),
        "{stdout}"
    );
}

/// The nearest-rank value at percentile `p` of sorted `values`.
fn nearest<T: Clone>(values: &[T], p: usize) -> T {
    let rank = (p * values.len()).div_ceil(100).max(1);
    values[rank - 1].clone()
}

/// Every quantile, mean and probability of `distribution.csv` and
/// `binding_probability.csv` equals a brute-force computation over the paths' own
/// summaries (`--path-files` writes them).
#[test]
fn distributions_equal_brute_force_over_path_summaries() {
    use rust_decimal::Decimal;
    use std::str::FromStr;
    let w = Workdir::new();
    w.cmd(&[
        "run",
        "--paths",
        "237",
        "--volatility",
        "40%",
        "--seed",
        "3",
        "--path-files",
        "--no-charts",
        "--discount-rate",
        "8%",
    ])
    .assert()
    .success();
    let summary = rows(&w.read("output/summary.csv"));
    let header = &summary[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    // The paths go to the CSV files only: the JSON document holds the bases.
    let json: serde_json::Value = serde_json::from_str(&w.read("output/result.json")).unwrap();
    let names: Vec<&str> = json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["apr2025", "feb2026", "hsbc", "sep2025"]);
    let dist = rows(&w.read("output/distribution.csv"));
    let probs = rows(&w.read("output/binding_probability.csv"));
    let mut checked = 0;
    for vintage in ["apr2025", "feb2026", "hsbc", "sep2025"] {
        let paths: Vec<&Vec<String>> = summary[1..]
            .iter()
            .filter(|r| r[0].starts_with(&format!("{vintage}.")))
            .collect();
        assert_eq!(paths.len(), 237);
        for metric in [
            "total_paid",
            "foregone",
            "uncapped_total",
            "eligible_revenue",
            "present_value",
        ] {
            let mut v: Vec<Decimal> = paths
                .iter()
                .map(|r| Decimal::from_str(&r[col(metric)]).unwrap())
                .collect();
            let sum: Decimal = v.iter().sum();
            v.sort();
            let row = dist
                .iter()
                .find(|r| r[0] == vintage && r[2] == metric)
                .unwrap();
            let mean = (sum / Decimal::from(v.len()))
                .round_dp_with_strategy(12, rust_decimal::RoundingStrategy::MidpointNearestEven)
                .normalize();
            assert_eq!(
                Decimal::from_str(&row[4]).unwrap(),
                mean,
                "{vintage} {metric}"
            );
            let mut want = vec![v[0]];
            want.extend([5, 10, 25, 50, 75, 90, 95].map(|p| nearest(&v, p)));
            want.push(v[v.len() - 1]);
            let got: Vec<Decimal> = row[5..]
                .iter()
                .map(|c| Decimal::from_str(c).unwrap())
                .collect();
            assert_eq!(got, want, "{vintage} {metric}");
            checked += 1;
        }
        // Binding dates: never binding sorts last, as an empty cell.
        let mut dates: Vec<Option<String>> = paths
            .iter()
            .map(|r| Some(r[col("binding_date")].clone()).filter(|d| !d.is_empty()))
            .collect();
        dates.sort_by(|a, b| match (a, b) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        let row = dist
            .iter()
            .find(|r| r[0] == vintage && r[2] == "binding_date")
            .unwrap();
        let mut want = vec![dates[0].clone()];
        want.extend([5, 10, 25, 50, 75, 90, 95].map(|p| nearest(&dates, p)));
        want.push(dates[dates.len() - 1].clone());
        let got: Vec<Option<String>> = row[5..]
            .iter()
            .map(|c| Some(c.clone()).filter(|c| !c.is_empty()))
            .collect();
        assert_eq!(got, want, "{vintage} binding_date");
        for p in probs.iter().filter(|r| r[0] == vintage) {
            let bound = dates
                .iter()
                .filter(|d| d.as_deref().is_some_and(|d| d <= p[2].as_str()))
                .count();
            assert_eq!(p[4], bound.to_string(), "{vintage} by {}", p[2]);
            let share = (Decimal::from(bound) / Decimal::from(237))
                .round_dp_with_strategy(12, rust_decimal::RoundingStrategy::MidpointNearestEven)
                .normalize();
            assert_eq!(Decimal::from_str(&p[5]).unwrap(), share);
            checked += 1;
        }
    }
    assert_eq!(checked, 4 * 5 + 4 * 5);
}

/// `--distribution` forces distributions on a file of a few scenarios, one group per
/// file; without it, a few scenarios get none (their outputs as before).
#[test]
fn distribution_is_forced_or_automatic() {
    let w = Workdir::new();
    w.write(
        "few.csv",
        "scenario,period,revenue\na,2026,100B\na,2027,200B\nb,2026,50B\nb,2027,60B\n",
    );
    let args = [
        "run",
        "few.csv",
        "--cap",
        "38B",
        "--through",
        "2027-12-31",
        "--no-charts",
    ];
    w.cmd(&[&args[..], &["--output", "plain"]].concat())
        .assert()
        .success();
    assert_eq!(
        w.files("plain"),
        ["ledger.csv", "result.json", "summary.csv"]
    );
    let stdout = w.ok_wrote(
        &[&args[..], &["--output", "d", "--distribution"]].concat(),
        5,
        "d",
    );
    assert!(stdout.contains("few.csv: 2 paths\n"), "{stdout}");
    assert_eq!(
        w.read("d/binding_probability.csv"),
        "group,variant,by,paths,bound,probability\n\
         few.csv,,2026-12-31,2,0,0\n\
         few.csv,,2027-12-31,2,1,0.5\n"
    );
}

/// `compare --paths` opens with the terms line, as its table would (stdout holds the
/// distributions alone); in Markdown the aligned distributions are a code block, in
/// `run` too, so that their columns stay columns.
#[test]
fn paths_on_stdout_say_their_terms_and_keep_their_columns_in_markdown() {
    let w = Workdir::new();
    w.write(
        "b.csv",
        "period,revenue\n2026,30B\n2027,62B\n2028,100B\n2029,167B\n2030,280B\n",
    );
    let compare = [
        "compare",
        "b.csv",
        "--cap",
        "25B",
        "--cap",
        "38B",
        "--from",
        "2026-04-27",
        "--paths",
        "20",
        "--volatility",
        "30%",
        "--no-files",
    ];
    let out = w.ok_warned(&compare, "");
    assert!(
        out.starts_with("terms from the defaults: rate 20%, cap per variant, term 2026-04-27 (--from) to 2030-12-31\n\nb under 25B: 20 paths\n"),
        "{out}"
    );
    let out = w.ok_warned(&[&compare[..], &["--format", "markdown"]].concat(), "");
    assert!(out.starts_with("**Terms from the defaults:**"), "{out}");
    assert!(out.contains("\n```text\nb under 25B: 20 paths\n"), "{out}");
    assert!(out.ends_with("\n```\n"), "{out}");
    let run = [
        "run",
        "b.csv",
        "--cap",
        "38B",
        "--from",
        "2026-04-27",
        "--paths",
        "20",
        "--volatility",
        "30%",
        "--no-files",
        "--format",
        "markdown",
    ];
    let out = w.ok_warned(&run, "");
    assert!(out.contains("\n```text\nb: 20 paths\n"), "{out}");
    assert!(out.ends_with("\n```\n"), "{out}");
}

/// Drawing flags without --paths, and --paths without a volatility, are usage errors.
#[test]
fn paths_flags_need_each_other() {
    let w = Workdir::new();
    let err = w.fails(&["run", "--volatility", "30%"], 2);
    assert!(err.contains("give --paths N too"), "{err}");
    let err = w.fails(&["compare", "--paths", "10"], 2);
    assert!(
        err.contains("--paths needs --volatility or --volatility-from"),
        "{err}"
    );
    let err = w.fails(&["run", "--paths", "0", "--volatility", "30%"], 1);
    assert!(
        err.contains("--paths: \"0\" is not a number of paths"),
        "{err}"
    );
}
