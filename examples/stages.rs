//! Where `revcap compare ... --format csv --no-files` spends its time and memory,
//! stage by stage, through the library's public API (issue 6's profile).
//!
//!     cargo run --release --example stages -- compare FILE --cap 25B --cap 38B --cap 50B
//!     cargo run --release --example stages -- compare scenarios/ --caps 1M:100B:1M
//!
//! Takes exactly `revcap`'s arguments (only `compare` is supported) and prints, per
//! stage, the wall time and the process's peak RSS so far (VmHWM): loading (read,
//! split, parse, group, sort and check periods), the compare (`compare_all`: a `Sweep`
//! per scenario, then one summary per cap), and the CSV rendering. The output itself
//! goes nowhere.
// A benchmark tool, not the product: panics here are fine.
#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use clap::Parser;
use revcap::cli::Cli;
use revcap::config::{Action, Config};

fn main() {
    if let Err(e) = run() {
        eprintln!("stages: {e}");
        std::process::exit(1);
    }
}

/// Peak resident set size so far, in MB (Linux; 0 elsewhere).
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn run() -> Result<(), String> {
    let cli =
        Cli::try_parse_from(std::iter::once("revcap".to_string()).chain(std::env::args().skip(1)))
            .map_err(|e| e.to_string())?;
    let config = Config::try_from(cli).map_err(|e| e.to_string())?;
    let Action::Compare {
        terms, variants, ..
    } = config.action
    else {
        return Err("only `compare` is supported".into());
    };
    let size: u64 = config
        .inputs
        .iter()
        .filter_map(|i| match i {
            revcap::config::Input::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            revcap::config::Input::Stdin => None,
        })
        .sum();
    println!(
        "{} input file(s), {:.1} MB; {} variant(s)",
        config.inputs.len(),
        size as f64 / 1e6,
        variants.len()
    );
    println!("{:<28} {:>8} {:>14}", "stage", "wall s", "peak RSS MB");
    let all = Instant::now();
    let stage = |name: &str, t: Instant| {
        println!(
            "{name:<28} {:>8.3} {:>14.0}",
            t.elapsed().as_secs_f64(),
            peak_rss_mb()
        );
    };

    let t = Instant::now();
    let scenarios = revcap::load_all(&config.inputs).map_err(|e| format!("load: {e}"))?;
    stage("load (csv+parse+group)", t);
    let periods: usize = scenarios.iter().map(|s| s.periods.len()).sum();
    let n_scenarios = scenarios.len();

    let t = Instant::now();
    let (rows, _thresholds) =
        revcap::compare_all(&scenarios, &terms, &variants).map_err(|e| format!("compare: {e}"))?;
    stage("compare_all (sweeps)", t);

    let t = Instant::now();
    let text = revcap::render::csv::compare(&rows)?;
    stage("render csv", t);
    let out_bytes = text.len();

    let t = Instant::now();
    drop(text);
    drop(rows);
    drop(scenarios);
    stage("drop everything", t);
    stage("total", all);
    println!(
        "{n_scenarios} scenarios, {periods} periods; {:.1} MB of CSV output",
        out_bytes as f64 / 1e6
    );
    Ok(())
}
