//! The geometry of every chart kind, pinned: each kind drawn as SVG from fixed inputs
//! (the bundled scenarios and `tests/fixtures/monthly.csv`) through the real binary and
//! compared byte for byte with a reviewed snapshot in `tests/snapshots/`. A change to
//! how charts are built that moves a line, a label or a colour fails here; if the
//! change is meant, look at the new picture and accept it with `cargo insta review`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use assert_cmd::Command;

const BIN: &str = env!("CARGO_BIN_EXE_revcap");

/// Runs `revcap ARGS --output DIR --chart-format svg` from the repository root.
fn draw(dir: &Path, args: &[&str]) {
    Command::new(BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_BACKTRACE")
        .args(args)
        .args(["--format", "csv", "--chart-format", "svg", "--output"])
        .arg(dir)
        .assert()
        .success();
}

fn svg(dir: &Path, stem: &str) -> String {
    let path = dir.join(format!("{stem}.svg"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn run_charts_keep_their_geometry() {
    let out = tempfile::tempdir().unwrap();
    draw(out.path(), &["run", "scenarios"]);
    // A scenario's cumulative payments, its yearly payments, all scenarios together.
    insta::assert_snapshot!("run-cumulative", svg(out.path(), "feb2026-cumulative"));
    insta::assert_snapshot!("run-payments", svg(out.path(), "feb2026-payments"));
    insta::assert_snapshot!("run-all", svg(out.path(), "scenarios-cumulative"));
}

#[test]
fn monthly_payment_bars_keep_their_geometry() {
    let out = tempfile::tempdir().unwrap();
    draw(
        out.path(),
        &["run", "tests/fixtures/monthly.csv", "--cap", "1000"],
    );
    insta::assert_snapshot!("run-payments-monthly", svg(out.path(), "monthly-payments"));
}

#[test]
fn compare_charts_keep_their_geometry() {
    let out = tempfile::tempdir().unwrap();
    draw(
        out.path(),
        &[
            "compare",
            "scenarios",
            "--caps",
            "20B:60B:5B",
            "--thresholds",
        ],
    );
    insta::assert_snapshot!("compare-total-paid", svg(out.path(), "compare-total-paid"));
    insta::assert_snapshot!(
        "compare-binding-date",
        svg(out.path(), "compare-binding-date")
    );
    insta::assert_snapshot!("compare-grid", svg(out.path(), "compare-grid"));
    insta::assert_snapshot!(
        "compare-cumulative",
        svg(out.path(), "feb2026-compare-cumulative")
    );
}
