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
    // Over 50 scenarios, the file's distributions are reported, and their charts
    // (which have no limit) drawn.
    let note = "note: no per-scenario charts drawn: 51 scenarios (drawn for at most 50); the distribution charts are drawn\n";
    let cases: [(&[&str], &[&str], &[&str]); 2] = [
        (
            &["run"],
            &[
                "binding_probability.csv",
                "distribution.csv",
                "ledger.csv",
                "result.json",
                "summary.csv",
            ],
            &[
                "binding-probability.png",
                "many.csv-fan.png",
                "many.csv-foregone.png",
            ],
        ),
        (
            &["compare", "--cap", "500"],
            &[
                "binding_probability.csv",
                "compare.csv",
                "compare.json",
                "distribution.csv",
            ],
            &["binding-probability.png", "many.csv-500-foregone.png"],
        ),
    ];
    for (command, data, charts) in cases {
        for (extra, expected_note) in [(None, note), (Some("--no-charts"), "")] {
            let mut files: Vec<&str> = data.to_vec();
            if extra.is_none() {
                files.extend(charts);
                files.sort_unstable();
            }
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
            let wrote = format!("wrote {} files to {}\n", files.len(), out.path().display());
            assert_eq!(
                stderr,
                format!("{expected_note}{wrote}"),
                "{command:?} {extra:?}"
            );
            let mut written = files_with(out.path(), "");
            written.retain(|f| !f.starts_with('.'));
            assert_eq!(written, files, "{command:?} {extra:?}");
        }
    }
}

/// `revcap ARGS --format csv --chart-format svg --output DIR` from the repository
/// root; returns stderr.
fn draw_svg(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_BACKTRACE")
        .args(args)
        .args(["--format", "csv", "--chart-format", "svg", "--output"])
        .arg(dir)
        .assert()
        .success()
        .get_output()
        .clone();
    String::from_utf8(out.stderr).unwrap()
}

fn read_svg(dir: &Path, stem: &str) -> String {
    let path = dir.join(format!("{stem}.svg"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `font-size` in an SVG.
fn font_sizes(svg: &str) -> Vec<f64> {
    svg.split("font-size=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect()
}

/// The texts of an SVG drawn in bold.
fn bold_texts(svg: &str) -> Vec<String> {
    svg.split("<text ")
        .skip(1)
        .filter(|t| t.contains("font-weight=\"bold\""))
        .map(|t| {
            let body = t.split_once('>').unwrap().1;
            body.split("</text>").next().unwrap().trim().to_string()
        })
        .collect()
}

/// Text scales with `--chart-size` but not below a legible floor: at 600×400 no
/// text of any chart is smaller than 9.3 px, and at 2400×1600 text is larger than at
/// the default size. (plotters writes an SVG `font-size` as the size drawn ÷ 1.24:
/// the floor is 7.5 there. When text shrank with the canvas, 600×400 footnotes were
/// drawn at 7.6 px, `font-size` 6.1, and shrunk further to fit.)
#[test]
fn chart_text_stays_legible_at_small_sizes_and_grows_with_large_ones() {
    let sizes = |size: &str| {
        let out = tempfile::tempdir().unwrap();
        let mut all = Vec::new();
        draw_svg(out.path(), &["run", "scenarios", "--chart-size", size]);
        for stem in chart_stems() {
            all.push((stem.clone(), font_sizes(&read_svg(out.path(), &stem))));
        }
        let cmp = tempfile::tempdir().unwrap();
        let args = ["compare", "scenarios", "--caps", "20B:60B:10B"];
        draw_svg(cmp.path(), &[&args[..], &["--chart-size", size]].concat());
        for stem in compare_stems() {
            all.push((stem.clone(), font_sizes(&read_svg(cmp.path(), &stem))));
        }
        all
    };
    let min = |all: &[(String, Vec<f64>)]| {
        all.iter()
            .map(|(stem, s)| (stem.clone(), s.iter().copied().fold(f64::MAX, f64::min)))
            .collect::<Vec<_>>()
    };
    for (stem, smallest) in min(&sizes("600x400")) {
        assert!(smallest >= 7.5, "{stem}: font-size {smallest} at 600x400");
    }
    let default = min(&sizes("1600x1000"));
    for ((stem, big), (_, normal)) in min(&sizes("2400x1600")).into_iter().zip(default) {
        assert!(
            big > normal * 1.4,
            "{stem}: {big} px at 2400x1600, {normal} at 1600x1000"
        );
    }
}

/// Bar amounts follow one rule (docs/charts.md, "Bar labels"): every bar carries its
/// amount, or none does. Twenty quarterly bars too narrow for `$1.52B` get none
/// (only the binding label is bold); twelve monthly bars wide enough all get theirs.
#[test]
fn bars_are_labelled_all_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("period,revenue\n");
    let mut v = 3.0f64;
    for y in 2026..=2030 {
        for q in 1..=4 {
            csv.push_str(&format!("{y}-Q{q},{v:.3}B\n"));
            v *= 1.17;
        }
    }
    let file = dir.path().join("q20.csv");
    std::fs::write(&file, csv).unwrap();
    let file = file.to_str().unwrap();
    for (cap, bold) in [("none", vec![]), ("10B", vec!["cap binds 2028-02-19"])] {
        let out = tempfile::tempdir().unwrap();
        draw_svg(out.path(), &["run", file, "--cap", cap]);
        let svg = read_svg(out.path(), "q20-payments");
        let labels: Vec<String> = bold_texts(&svg)
            .into_iter()
            .filter(|t| !t.starts_with("q20:"))
            .collect();
        assert_eq!(labels, bold, "--cap {cap}");
    }
    let out = tempfile::tempdir().unwrap();
    let stderr = draw_svg(out.path(), &["run", "tests/fixtures/monthly.csv"]);
    assert!(stderr.contains("data ends 2027-12-31"), "{stderr}");
    let svg = read_svg(out.path(), "monthly-payments");
    let amounts = bold_texts(&svg)
        .into_iter()
        .filter(|t| t.starts_with('$'))
        .count();
    assert_eq!(amounts, 12);
}

/// A scenario whose data ends before the term does says so on every chart: its
/// title gives the day the data ends beside the term's end, and a footnote repeats
/// the warning; a scenario that covers its term shows neither.
#[test]
fn charts_say_when_the_data_does_not_cover_the_term() {
    let short = "tests/fixtures/coverage/short.csv";
    let note = "Data ends 2028-12-31, before the term ends (2030-12-31): payments after it are not counted.";
    let out = tempfile::tempdir().unwrap();
    draw_svg(out.path(), &["run", short, "--cap", "30B"]);
    for stem in ["short-cumulative", "short-payments"] {
        let svg = read_svg(out.path(), stem);
        assert!(svg.contains("(data ends 2028-12-31)"), "{stem} title");
        assert!(svg.contains(note), "{stem} note");
    }
    let all = read_svg(out.path(), "scenarios-cumulative");
    assert!(all.contains("(data ends 2028-12-31)"));
    assert!(all.contains(note));

    let cmp = tempfile::tempdir().unwrap();
    draw_svg(cmp.path(), &["compare", short, "--caps", "10B:30B:10B"]);
    for stem in ["compare-total-paid", "compare-binding-date", "compare-grid"] {
        let svg = read_svg(cmp.path(), stem);
        assert!(svg.contains("(data ends 2028-12-31)"), "{stem} title");
        assert!(svg.contains(note), "{stem} note");
    }
    let svg = read_svg(cmp.path(), "short-compare-cumulative");
    assert!(svg.contains(note), "compare-cumulative note");

    // With several scenarios, each note names its scenario.
    let two = tempfile::tempdir().unwrap();
    draw_svg(two.path(), &["run", short, "tests/fixtures/quarterly.csv"]);
    let all = read_svg(two.path(), "scenarios-cumulative");
    assert!(all.contains("short: data ends 2028-12-31, before the term ends"));
    assert!(all.contains("quarterly: data ends 2027-12-31, before the term ends"));
    assert!(all.contains("(data ends 2028-12-31)"), "the latest end");

    let covered = tempfile::tempdir().unwrap();
    draw_svg(covered.path(), &["run", "scenarios"]);
    let svg = read_svg(covered.path(), "feb2026-cumulative");
    assert!(!svg.contains("data ends"));
}
