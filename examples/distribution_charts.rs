//! Draws the distribution charts of the bundled scenarios into a folder, to look at
//! them: `cargo run --example distribution_charts -- OUTDIR [PATHS]`. Each bundled
//! vintage is a base; PATHS paths (default 2000) at 30% volatility, seed 1, are
//! computed under the reported terms (`run`'s charts) and under caps of 25B to 50B
//! (`compare`'s).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use revcap::chart::distribution_charts;
use revcap::config::ChartOptions;
use revcap::model::{Date, Terms};
use revcap::montecarlo::distribution::{Distributions, Key};
use revcap::montecarlo::paths::{batches, Base, Simulation};
use rust_decimal::Decimal;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("OUTDIR"));
    let paths: u64 = args.next().map_or(2000, |n| n.parse().unwrap());
    std::fs::create_dir_all(&dir).unwrap();
    let b = Decimal::from(1_000_000_000i64);
    let from = Date::parse("2026-04-27").unwrap();
    let terms = Terms {
        cap: Some(Decimal::from(38) * b),
        from: Some(from),
        ..Terms::default()
    };
    let sim = Simulation {
        volatility: "0.3".parse().unwrap(),
        seed: 1,
        decimals: 2,
    };
    let opts = ChartOptions {
        png: true,
        svg: false,
        width: 1600,
        height: 1000,
    };
    let mut run = Distributions::new(terms.through, true);
    let mut compare = Distributions::new(terms.through, true);
    let caps: Vec<Decimal> = [25, 30, 38, 45, 50]
        .into_iter()
        .map(|c| Decimal::from(c) * b)
        .collect();
    for f in &revcap::builtin::SCENARIOS {
        let scenarios = revcap::load::load(f.text.as_bytes(), &f.origin(), f.stem()).unwrap();
        for s in &scenarios {
            let base = Base::new(s, from, &sim);
            for batch in batches(&base, paths, 1000) {
                let batch = batch.unwrap();
                let results: Vec<_> = batch
                    .iter()
                    .map(|p| revcap::engine::compute(p, &terms).unwrap())
                    .collect();
                let key = Key {
                    group: &s.name,
                    variant: "",
                    cap: terms.cap,
                    rate: None,
                };
                run.add_results(&key, &results);
                if s.name == "feb2026" {
                    for cap in &caps {
                        let t = Terms {
                            cap: Some(*cap),
                            ..terms.clone()
                        };
                        let results: Vec<_> = batch
                            .iter()
                            .map(|p| revcap::engine::compute(p, &t).unwrap())
                            .collect();
                        let name = revcap::config::short_amount(*cap);
                        let key = Key {
                            group: &s.name,
                            variant: &name,
                            cap: Some(*cap),
                            rate: Some(t.rate),
                        };
                        compare.add_results(&key, &results);
                    }
                }
            }
        }
    }
    for (prefix, dist) in [("run-", &run), ("compare-", &compare)] {
        for (name, bytes) in distribution_charts(dist, &terms, &opts, None).unwrap() {
            std::fs::write(dir.join(format!("{prefix}{name}")), bytes).unwrap();
        }
    }
    let rows = run.summaries().unwrap();
    let probs = run.probabilities().unwrap();
    print!(
        "{}",
        revcap::render::distribution::table(&rows, &probs, &revcap::render::Shown::default())
    );
}
