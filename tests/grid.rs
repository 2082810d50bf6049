//! `revcap compare` rate × cap grids through the real binary: every cell equal to a
//! separate `revcap run` at that rate and cap, the `rate` column, the heatmaps, and
//! the grid's configuration errors with their exact messages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use assert_cmd::Command;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_revcap");
const REPO: &str = env!("CARGO_MANIFEST_DIR");

fn revcap(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(REPO).env_remove("RUST_BACKTRACE").args(args);
    c
}

fn json(text: &[u8]) -> Value {
    serde_json::from_slice(text).unwrap()
}

/// Runs, expects exit `code` and nothing on stdout, returns stderr.
fn fails(args: &[&str], code: i32) -> String {
    let out = revcap(args).assert().code(code).get_output().clone();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "",
        "stdout of {args:?}"
    );
    String::from_utf8(out.stderr).unwrap()
}

/// The grid on the bundled scenarios: 5 rates × 5 caps per scenario, each
/// cell's summary equal to `revcap run --rate R --cap C` for that scenario, and the
/// rows' `rate` and `cap` those of the cell.
#[test]
fn grid_on_bundled_scenarios_equals_each_cell_run_alone() {
    let out = revcap(&[
        "compare",
        "--rates",
        "10%:30%:5%",
        "--caps",
        "20B:60B:10B",
        "--format",
        "json",
        "--no-files",
    ])
    .assert()
    .success()
    .get_output()
    .clone();
    let doc = json(&out.stdout);
    let results = doc["results"].as_array().unwrap();
    let rates = ["10%", "15%", "20%", "25%", "30%"];
    let caps = ["20B", "30B", "40B", "50B", "60B"];
    assert_eq!(results.len(), 4 * rates.len() * caps.len());
    let mut checked = 0;
    for (ri, rate) in rates.iter().enumerate() {
        for (ci, cap) in caps.iter().enumerate() {
            let run = revcap(&[
                "run",
                "--rate",
                rate,
                "--cap",
                cap,
                "--format",
                "json",
                "--no-files",
            ])
            .assert()
            .success()
            .get_output()
            .clone();
            let run = json(&run.stdout);
            let variant = format!("{rate} · {cap}");
            for (si, scenario) in run["scenarios"].as_array().unwrap().iter().enumerate() {
                // Rows come scenario by scenario, rates then caps in order.
                let row = &results[si * 25 + ri * 5 + ci];
                assert_eq!(row["scenario"], scenario["name"]);
                assert_eq!(row["variant"], variant.as_str());
                assert_eq!(row["summary"], scenario["summary"], "{variant}");
                assert_eq!(row["cap"], run["terms"]["cap"]);
                let rate_fraction: rust_decimal::Decimal =
                    run["terms"]["rate"].as_str().unwrap().parse().unwrap();
                assert_eq!(row["rate"], rate_fraction.normalize().to_string().as_str());
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 100);
}

/// compare.csv gains `rate` after `variant`; with a single rate it is the shared one.
#[test]
fn compare_csv_has_a_rate_column_after_variant() {
    let out = revcap(&[
        "compare",
        "scenarios/feb2026.csv",
        "--cap",
        "38B",
        "--format",
        "csv",
        "--no-files",
    ])
    .assert()
    .success()
    .get_output()
    .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "scenario,variant,rate,cap,eligible_revenue,uncapped_total,total_paid,foregone,cap_binds,binding_period,binding_date,effective_rate,present_value,covered_from,covered_through"
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("feb2026,38B,0.2,38000000000,"),
        "{text}"
    );
}

/// Repeated `--rate`s cross with `--cap`s, `none` included, in the order given.
#[test]
fn repeated_rates_cross_with_caps() {
    let out = revcap(&[
        "compare",
        "scenarios/feb2026.csv",
        "--rate",
        "15%",
        "--rate",
        "0.25",
        "--cap",
        "38B",
        "--cap",
        "none",
        "--format",
        "csv",
        "--no-files",
    ])
    .assert()
    .success()
    .get_output()
    .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    let cells: Vec<(String, String, String)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[1].to_string(), f[2].to_string(), f[3].to_string())
        })
        .collect();
    let want = [
        ("15% · 38B", "0.15", "38000000000"),
        ("15% · none", "0.15", ""),
        ("25% · 38B", "0.25", "38000000000"),
        ("25% · none", "0.25", ""),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(cells, want);
}

/// With terms files: each file × each rate × each cap, named after the file.
#[test]
fn terms_files_cross_with_rates_and_caps() {
    let out = revcap(&[
        "compare",
        "scenarios/feb2026.csv",
        "--terms",
        "scenarios/terms/reported.toml",
        "--rates",
        "15%:20%:5%",
        "--cap",
        "30B",
        "--format",
        "csv",
        "--no-files",
    ])
    .assert()
    .success()
    .get_output()
    .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    let variants: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(variants, ["reported · 15% · 30B", "reported · 20% · 30B"]);
}

/// A grid writes one heatmap per scenario beside the other compare charts; a single
/// rate writes none.
#[test]
fn grid_writes_a_heatmap_per_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    revcap(&[
        "compare",
        "--rates",
        "10%:30%:5%",
        "--caps",
        "20B:60B:10B",
        "--metric",
        "total_paid",
        "--output",
        out,
    ])
    .assert()
    .success()
    .stderr(format!("wrote 13 files to {out}\n"));
    for s in ["apr2025", "feb2026", "hsbc", "sep2025"] {
        let png = std::fs::read(dir.path().join(format!("{s}-heatmap.png"))).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{s}");
    }
    assert!(dir.path().join("compare-grid.png").exists());
    let single = tempfile::tempdir().unwrap();
    let out = single.path().to_str().unwrap();
    revcap(&["compare", "--caps", "20B:60B:10B", "--output", out])
        .assert()
        .success();
    assert!(!single.path().join("feb2026-heatmap.png").exists());
}

#[test]
fn bad_rate_ranges_are_named() {
    let cases = [
        ("30%:10%:5%", "starts above its end (30% > 10%); expected START ≤ END"),
        ("10%:30%:0", "has a step of 0 (expected a step > 0, e.g. 10%:30%:5%)"),
        ("10%:30%", "is not START:END:STEP (expected e.g. 10%:30%:5%)"),
        (
            "10%:130%:5%",
            "end \"130%\" is above 100% (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)",
        ),
        ("0:100%:0.001%", "gives 100001 rates; at most 10000 (use a larger step)"),
    ];
    for (range, message) in cases {
        assert_eq!(
            fails(&["compare", "--rates", range, "--no-files"], 1),
            format!("error: --rates: \"{range}\" {message}\n")
        );
    }
}

#[test]
fn too_many_cells_and_repeats_are_refused() {
    assert_eq!(
        fails(&["compare", "--rates", "0:100%:0.02%", "--caps", "1B:1000B:1B", "--no-files"], 1),
        "error: compare: the grid has 5001000 cells (1 terms × 5001 rates × 1000 caps); at most 1000000 (use fewer rates or caps)\n"
    );
    assert_eq!(
        fails(&["compare", "--rate", "20%", "--rate", "0.2", "--no-files"], 1),
        "error: compare: variant \"20% · 38B\" is given twice; give each rate, cap or terms file once\n"
    );
    assert_eq!(
        fails(&["run", "--rate", "20%", "--rate", "25%", "--no-files"], 1),
        "error: --rate: is given 2 times; only compare takes several rates (a rate × cap grid)\n"
    );
    let usage = fails(
        &[
            "compare",
            "--rates",
            "10%:20%:5%",
            "--metric",
            "soon",
            "--no-files",
        ],
        2,
    );
    assert!(
        usage.starts_with("error: invalid value 'soon' for '--metric <METRIC>'"),
        "{usage}"
    );
}

/// The text lines of an SVG chart (each label is one line between its tags).
fn svg_texts(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('<'))
        .map(String::from)
        .collect()
}

/// The rows of a CSV file written by revcap, header first.
fn csv_rows(path: &std::path::Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

/// With distributions, a grid draws one heatmap per group: each cell the median
/// binding date of its paths (the p50 of distribution.csv), or with
/// `--metric probability:YEAR` the share bound by YEAR-12-31 (binding_probability.csv).
#[test]
fn grid_with_distributions_draws_median_and_probability_heatmaps() {
    let grid = [
        "compare",
        "scenarios/feb2026.csv",
        "--paths",
        "200",
        "--volatility",
        "30%",
        "--rates",
        "15%:25%:5%",
        "--caps",
        "30B:40B:10B",
        "--chart-format",
        "both",
    ];
    let variants = [
        "15% · 30B",
        "15% · 40B",
        "20% · 30B",
        "20% · 40B",
        "25% · 30B",
        "25% · 40B",
    ];
    let median = tempfile::tempdir().unwrap();
    let mut args = grid.to_vec();
    args.extend(["--output", median.path().to_str().unwrap()]);
    revcap(&args).assert().success();
    let png = std::fs::read(median.path().join("feb2026-distribution-heatmap.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    // The scenario's own heatmap is still drawn beside it.
    assert!(median.path().join("feb2026-heatmap.png").exists());
    let texts = svg_texts(&median.path().join("feb2026-distribution-heatmap.svg"));
    let rows = csv_rows(&median.path().join("distribution.csv"));
    let p50 = rows[0].iter().position(|h| h == "p50").unwrap();
    for v in variants {
        let row = rows
            .iter()
            .find(|r| r[0] == "feb2026" && r[1] == v && r[2] == "binding_date")
            .unwrap_or_else(|| panic!("no binding_date row for {v}"));
        assert!(!row[p50].is_empty(), "{v}: the median binds here");
        assert!(
            texts.contains(&row[p50]),
            "{v}: {} not in {texts:?}",
            row[p50]
        );
    }
    assert!(texts
        .iter()
        .any(|t| t.starts_with("feb2026: median binding date by rate and cap")));

    let prob = tempfile::tempdir().unwrap();
    let mut args = grid.to_vec();
    args.extend([
        "--metric",
        "probability:2028",
        "--output",
        prob.path().to_str().unwrap(),
    ]);
    revcap(&args).assert().success();
    let texts = svg_texts(&prob.path().join("feb2026-distribution-heatmap.svg"));
    let rows = csv_rows(&prob.path().join("binding_probability.csv"));
    for v in variants {
        let row = rows
            .iter()
            .find(|r| r[0] == "feb2026" && r[1] == v && r[2] == "2028-12-31")
            .unwrap_or_else(|| panic!("no 2028-12-31 row for {v}"));
        let shown = format!("{:.2}%", row[5].parse::<f64>().unwrap() * 100.0);
        assert!(texts.contains(&shown), "{v}: {shown} not in {texts:?}");
    }
    assert!(texts
        .iter()
        .any(|t| t.starts_with("feb2026: P(binds by 2028-12-31)")));
}

#[test]
fn probability_metric_needs_distributions_and_a_year_end_in_the_term() {
    let err = fails(
        &[
            "compare",
            "scenarios/feb2026.csv",
            "--rates",
            "15%:25%:5%",
            "--caps",
            "30B:40B:10B",
            "--metric",
            "probability:2028",
            "--no-files",
        ],
        2,
    );
    assert!(
        err.ends_with("error: --metric probability:YEAR needs distributions: give --paths N (with --volatility) or --distribution\n"),
        "{err}"
    );
    let err = fails(
        &[
            "compare",
            "scenarios/feb2026.csv",
            "--paths",
            "20",
            "--volatility",
            "30%",
            "--rates",
            "15%:25%:5%",
            "--caps",
            "30B:40B:10B",
            "--metric",
            "probability:2031",
            "--no-files",
        ],
        2,
    );
    assert!(
        err.ends_with("error: --metric probability:2031: 2031-12-31 is not a year-end inside the term (years 2026 to 2030 are year-ends inside the term)\n"),
        "{err}"
    );
    let err = fails(
        &["compare", "--metric", "probability:soon", "--no-files"],
        2,
    );
    assert!(
        err.starts_with(
            "error: invalid value 'probability:soon' for '--metric <METRIC>': 'soon' is not a year"
        ),
        "{err}"
    );
}

/// A grid's thresholds are at the terms' rate, which need not be one of its rates:
/// the table and Markdown say so; a compare of caps alone needs no such word.
#[test]
fn a_grids_thresholds_say_whose_rate_they_are_at() {
    let text = |args: &[&str]| {
        let out = revcap(args).assert().success().get_output().stdout.clone();
        String::from_utf8(out).unwrap()
    };
    let grid = [
        "compare",
        "scenarios/",
        "--rate",
        "15%",
        "--rate",
        "25%",
        "--cap",
        "38B",
        "--thresholds",
        "--no-files",
    ];
    assert!(text(&grid).contains(
        "\nthresholds at the terms' rate (20%): the cap binds by each date if it is at most\n"
    ));
    let markdown = [&grid[..], &["--format", "markdown"]].concat();
    assert!(text(&markdown)
        .contains("\n**Thresholds at the terms' rate (20%):** the cap binds by each date"));
    // With a rate step the thresholds are the stepped rate's, and say so.
    let stepped = [&grid[..], &["--rate-step", "2029-01-01=10%"]].concat();
    assert!(text(&stepped)
        .contains("\nthresholds at the terms' rate (20% then 10% from 2029-01-01): the cap binds"));
    let caps = [
        "compare",
        "scenarios/",
        "--cap",
        "38B",
        "--thresholds",
        "--no-files",
    ];
    assert!(text(&caps).contains("\nthresholds: the cap binds by each date if it is at most\n"));
}
