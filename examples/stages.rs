//! Where `revcap compare ... --format csv --no-files` spends its time and memory,
//! stage by stage, through the library's public API (bench/README.md, "Stages now"): reading,
//! then per batch of scenarios taking it (sort and check), comparing and rendering.
//!
//!     cargo run --release --example stages -- compare FILE --cap 25B --cap 38B --cap 50B
//!     cargo run --release --example stages -- compare scenarios/ --caps 1M:100B:1M
//!
//! Takes exactly `revcap`'s arguments (only `compare` is supported) and prints, per
//! stage, the wall time and the process's peak RSS so far (VmHWM): reading (split,
//! parse, group into the row store), taking batches (scenarios sorted and checked),
//! the compare (`compare_all`: a `Sweep` per scenario, then one summary per cap), and
//! the CSV rendering; the last three are summed over the batches. The output itself
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
            revcap::config::Input::File(p, ..) => std::fs::metadata(p).ok().map(|m| m.len()),
            revcap::config::Input::Builtin(f, _) => Some(f.text.len() as u64),
            revcap::config::Input::Stdin(_) => None,
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

    // Like `revcap compare --format csv --no-files`, one stage at a time (the command
    // itself takes the next batch while comparing one).
    let t = Instant::now();
    let mut files = Vec::new();
    for input in &config.inputs {
        let revcap::config::Input::File(path, reading, _) = input else {
            return Err("stdin is not supported here".into());
        };
        let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
        let hidden = indicatif::ProgressBar::hidden();
        let file = revcap::load::read_file(
            path,
            &input.origin(),
            &input.stem(),
            size,
            &hidden,
            *reading,
        )
        .map_err(|p| format!("load: {} problem(s), first: {}", p.len(), p[0]))?
        .with_fiscal_start(reading.fiscal);
        files.push(file);
    }
    stage("read (csv+parse+group)", t);

    let (mut take, mut compare, mut render) = (0.0, 0.0, 0.0);
    let (mut n_scenarios, mut periods, mut out_bytes) = (0, 0, 0);
    for file in &mut files {
        loop {
            let t = Instant::now();
            let Some((batch, problems)) = file.next_batch() else {
                break;
            };
            take += t.elapsed().as_secs_f64();
            if let Some(p) = problems.first() {
                return Err(format!("load: {p}"));
            }
            n_scenarios += batch.len();
            periods += batch.iter().map(|s| s.periods.len()).sum::<usize>();
            let t = Instant::now();
            let (rows, _thresholds) = revcap::compare_all(&batch, &terms, &variants)
                .map_err(|e| format!("compare: {e}"))?;
            compare += t.elapsed().as_secs_f64();
            let t = Instant::now();
            let text = revcap::render::csv::compare_rows(&rows)?;
            out_bytes += text.iter().map(String::len).sum::<usize>();
            render += t.elapsed().as_secs_f64();
        }
    }
    for (name, secs) in [
        ("take batches (sort+check)", take),
        ("compare_all (sweeps)", compare),
        ("render csv", render),
    ] {
        println!("{name:<28} {secs:>8.3} {:>14.0}", peak_rss_mb());
    }
    stage("total", all);
    println!(
        "{n_scenarios} scenarios, {periods} periods; {:.1} MB of CSV output",
        out_bytes as f64 / 1e6
    );
    Ok(())
}
