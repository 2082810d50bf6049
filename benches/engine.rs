//! The engine on one 60-month scenario, the cap sweep, and the loader (bench/README.md).
//!
//!     CARGO_TARGET_DIR=/work/target-bench cargo bench --bench engine
// A benchmark tool, not the product: panics here are fine.
#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rust_decimal::Decimal;
use std::hint::black_box;

use revcap::engine::{compute, Sweep};
use revcap::model::{Period, PeriodInput, Scenario, Terms};

/// 2026-01..2030-12, revenue from $2B growing 3 % a month, with cents.
fn scenario() -> Scenario {
    let mut periods = Vec::with_capacity(60);
    let mut cents: i64 = 200_000_000_037;
    for i in 0..60u32 {
        let Some(period) = Period::month(2026 + (i / 12) as i32, i % 12 + 1) else {
            unreachable!("valid month")
        };
        periods.push(PeriodInput {
            period,
            revenue: Decimal::new(cents, 2),
            rate: None,
            line: u64::from(i) + 2,
        });
        cents = cents * 103 / 100 + 11;
    }
    Scenario {
        name: "bench".into(),
        source: "bench.csv".into(),
        periods,
    }
}

fn billions(b: i64) -> Decimal {
    Decimal::from(b) * Decimal::from(1_000_000_000i64)
}

fn engine(c: &mut Criterion) {
    let s = scenario();
    let mut g = c.benchmark_group("engine::compute");
    g.throughput(Throughput::Elements(60));
    for (name, cap, from) in [
        ("60 months, no cap", None, None),
        ("60 months, cap 38B", Some(billions(38)), None),
        // A term start inside a month: one prorated period (a division).
        (
            "60 months, cap 38B, from 2026-04-27",
            Some(billions(38)),
            revcap::model::Date::from_ymd(2026, 4, 27),
        ),
    ] {
        let terms = Terms {
            cap,
            from,
            ..Terms::default()
        };
        g.bench_function(name, |b| {
            b.iter(|| compute(black_box(&s), black_box(&terms)))
        });
    }
    g.finish();
}

fn sweep(c: &mut Criterion) {
    let s = scenario();
    let terms = Terms::default();
    // 1,000 caps from 100M to 100B: most bind, the largest do not.
    let caps: Vec<Option<Decimal>> = (1..=1000i64)
        .map(|i| Some(Decimal::from(i) * Decimal::from(100_000_000i64)))
        .collect();
    let mut g = c.benchmark_group("engine::Sweep");
    g.bench_function("new (60 months)", |b| {
        b.iter(|| Sweep::new(black_box(&s), black_box(&terms)))
    });
    let Ok(sw) = Sweep::new(&s, &terms) else {
        unreachable!("the bench scenario computes")
    };
    g.throughput(Throughput::Elements(caps.len() as u64));
    g.bench_function("summary x 1000 caps", |b| {
        b.iter(|| {
            for cap in &caps {
                black_box(sw.summary(black_box(*cap)));
            }
        })
    });
    g.finish();
}

/// The loader on 1,000 generated scenarios × 60 months held in memory: parsing,
/// period checks and grouping without the disk.
fn load(c: &mut Criterion) {
    let mut text = String::from("scenario,period,revenue\n");
    let mut state: u64 = 7;
    for m in 0..60u32 {
        for s in 0..1000u32 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let cents = 200_000_000_000 + (state >> 33) % 100_000_000_000;
            text.push_str(&format!(
                "s{s:04},{}-{:02},{}.{:02}\n",
                2026 + m / 12,
                m % 12 + 1,
                cents / 100,
                cents % 100
            ));
        }
    }
    let mut g = c.benchmark_group("load");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(20);
    g.bench_function("60k rows (1000 scenarios)", |b| {
        b.iter_batched(
            || text.as_bytes(),
            |bytes| revcap::load::load(bytes, "bench.csv", "bench"),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, engine, sweep, load);
criterion_main!(benches);
