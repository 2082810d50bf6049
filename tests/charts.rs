//! `revcap run` draws its charts: every expected file is written, PNGs decode to
//! the requested size, SVGs carry their labels, and `--no-charts` draws nothing.
//! Runs the real binary on the bundled `scenarios/`, writing into a temporary folder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use assert_cmd::Command;

const BIN: &str = env!("CARGO_BIN_EXE_revcap");
const SCENARIOS: [&str; 4] = ["apr2025", "feb2026", "hsbc", "sep2025"];

/// `revcap run scenarios/ --output DIR ARGS` from the repository root.
fn run(dir: &Path, args: &[&str]) {
    Command::new(BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_BACKTRACE")
        .args(["run", "scenarios", "--format", "csv", "--output"])
        .arg(dir)
        .args(args)
        .assert()
        .success();
}

/// Chart stems of a run on the bundled scenarios.
fn chart_stems() -> Vec<String> {
    let mut stems: Vec<String> = SCENARIOS
        .iter()
        .flat_map(|s| [format!("{s}-cumulative"), format!("{s}-payments")])
        .collect();
    stems.push("scenarios-cumulative".into());
    stems
}

fn files_with(dir: &Path, ext: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(ext))
        .collect();
    names.sort();
    names
}

fn assert_pngs(dir: &Path, size: (u32, u32)) {
    for stem in chart_stems() {
        let path = dir.join(format!("{stem}.png"));
        let img = image::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!((img.width(), img.height()), size, "{}", path.display());
        // Not blank: a chart has ink (dark pixels) as well as a white ground.
        let rgb = img.to_rgb8();
        let dark = rgb.pixels().filter(|p| p.0.iter().all(|c| *c < 80)).count();
        assert!(dark > 1000, "{} looks empty", path.display());
    }
}

#[test]
fn run_writes_every_chart_as_png_at_the_default_size() {
    let out = tempfile::tempdir().unwrap();
    run(out.path(), &[]);
    assert_pngs(out.path(), (1600, 1000));
    let mut expected: Vec<String> = chart_stems().iter().map(|s| format!("{s}.png")).collect();
    expected.sort();
    assert_eq!(files_with(out.path(), ".png"), expected);
    assert!(files_with(out.path(), ".svg").is_empty());
    // The data files are still there beside the charts.
    assert!(out.path().join("ledger.csv").exists());
}

#[test]
fn chart_size_sets_the_png_size() {
    let out = tempfile::tempdir().unwrap();
    run(out.path(), &["--chart-size", "800x500"]);
    assert_pngs(out.path(), (800, 500));
}

#[test]
fn chart_format_svg_writes_svg_only_with_labels() {
    let out = tempfile::tempdir().unwrap();
    run(
        out.path(),
        &["--chart-format", "svg", "--chart-size", "1200x800"],
    );
    assert!(files_with(out.path(), ".png").is_empty());
    assert_eq!(files_with(out.path(), ".svg").len(), chart_stems().len());
    let svg = std::fs::read_to_string(out.path().join("feb2026-cumulative.svg")).unwrap();
    assert!(svg.contains(r#"width="1200" height="800""#));
    assert!(svg.contains("feb2026: cumulative payments at 20% of revenue, capped at $38B"));
    assert!(svg.contains("cap binds 2029-01-17"));
    let all = std::fs::read_to_string(out.path().join("scenarios-cumulative.svg")).unwrap();
    for s in SCENARIOS {
        assert!(
            all.contains(&format!("{s}: cap binds")),
            "legend entry for {s}"
        );
    }
}

#[test]
fn chart_format_both_writes_both() {
    let out = tempfile::tempdir().unwrap();
    run(
        out.path(),
        &["--chart-format", "both", "--chart-size", "800x500"],
    );
    assert_eq!(files_with(out.path(), ".png").len(), chart_stems().len());
    assert_eq!(files_with(out.path(), ".svg").len(), chart_stems().len());
    assert_pngs(out.path(), (800, 500));
}

#[test]
fn no_charts_draws_nothing() {
    let out = tempfile::tempdir().unwrap();
    run(out.path(), &["--no-charts"]);
    assert!(files_with(out.path(), ".png").is_empty());
    assert!(files_with(out.path(), ".svg").is_empty());
    assert!(out.path().join("summary.csv").exists());
}

#[test]
fn unit_label_reaches_the_charts() {
    let out = tempfile::tempdir().unwrap();
    run(out.path(), &["--chart-format", "svg", "--unit", "USD"]);
    let svg = std::fs::read_to_string(out.path().join("hsbc-payments.svg")).unwrap();
    assert!(svg.contains("capped at 38B USD"));
    assert!(svg.contains("payments per year (USD)"));
}

/// Chart stems of `compare` with numeric caps on the bundled scenarios.
fn compare_stems() -> Vec<String> {
    let mut stems: Vec<String> = ["compare-total-paid", "compare-binding-date", "compare-grid"]
        .map(String::from)
        .to_vec();
    stems.extend(SCENARIOS.iter().map(|s| format!("{s}-compare-cumulative")));
    stems
}

/// `compare --caps 20B:60B:5B` on the bundled scenarios (the README's example) draws
/// every compare chart as a PNG of the requested size, beside compare.csv and
/// compare.json.
#[test]
fn compare_writes_every_chart_as_png() {
    let out = tempfile::tempdir().unwrap();
    Command::new(BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_BACKTRACE")
        .args(["compare", "--caps", "20B:60B:5B", "--format", "csv"])
        .args(["--chart-size", "800x500", "--output"])
        .arg(out.path())
        .assert()
        .success();
    let mut expected: Vec<String> = compare_stems().iter().map(|s| format!("{s}.png")).collect();
    expected.sort();
    assert_eq!(files_with(out.path(), ".png"), expected);
    for name in &expected {
        let path = out.path().join(name);
        let img = image::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!((img.width(), img.height()), (800, 500), "{name}");
        let rgb = img.to_rgb8();
        let dark = rgb.pixels().filter(|p| p.0.iter().all(|c| *c < 80)).count();
        assert!(dark > 500, "{name} looks empty");
    }
    assert!(out.path().join("compare.csv").exists());
    assert!(out.path().join("compare.json").exists());
}

/// Past `chart::MAX_SCENARIOS` scenarios no chart is drawn (one per scenario would take
/// hours for a Monte Carlo file, and many lines on one chart cannot be told apart): a
/// note on stderr says so, and every other output is written. `--no-charts` needs no
/// note.
#[test]
fn charts_are_skipped_for_many_scenarios() {
    assert_eq!(revcap::chart::skipped(revcap::chart::MAX_SCENARIOS), None);
    let dir = tempfile::tempdir().unwrap();
    let n = revcap::chart::MAX_SCENARIOS + 1;
    let names: Vec<String> = (0..n).map(|i| format!("s{i}")).collect();
    let mut csv = format!("period,{}\n", names.join(","));
    for y in 2026..=2030 {
        csv.push_str(&format!("{y},{}\n", vec!["1000"; n].join(",")));
    }
    std::fs::write(dir.path().join("many.csv"), csv).unwrap();
    let note = "note: no charts drawn: 51 scenarios (charts are drawn for at most 50; every other output is complete)\n";
    let cases: [(&[&str], &[&str]); 2] = [
        (&["run"], &["ledger.csv", "result.json", "summary.csv"]),
        (
            &["compare", "--cap", "500"],
            &["compare.csv", "compare.json"],
        ),
    ];
    for (command, files) in cases {
        for (extra, expected_note) in [(None, note), (Some("--no-charts"), "")] {
            let out = tempfile::tempdir().unwrap();
            let assert = Command::new(BIN)
                .current_dir(dir.path())
                .args(command)
                .args(["many.csv", "--format", "csv", "--output"])
                .arg(out.path())
                .args(extra)
                .assert()
                .success();
            let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
            assert_eq!(stderr, expected_note, "{command:?} {extra:?}");
            let mut written = files_with(out.path(), "");
            written.retain(|f| !f.starts_with('.'));
            assert_eq!(written, files, "{command:?} {extra:?}");
        }
    }
}
