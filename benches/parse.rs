//! Number and period parsing: what the loader does for every cell (bench/README.md).
//!
//!     CARGO_TARGET_DIR=/work/target-bench cargo bench --bench parse
// A benchmark tool, not the product: panics here are fine.
#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

/// Amounts as they appear in scenario files: the generator's plain decimals first,
/// then the forms people type.
const AMOUNTS: &[(&str, &str)] = &[
    ("cents", "2034567890.12"),
    ("whole", "2034567890"),
    ("suffix", "12.7B"),
    ("dollar_commas", "$12,700,000,000"),
    ("scientific", "1.27e10"),
];

fn amounts(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse::amount");
    g.throughput(Throughput::Elements(1));
    for (name, s) in AMOUNTS {
        g.bench_function(*name, |b| b.iter(|| revcap::parse::amount(black_box(s))));
    }
    g.finish();
}

fn periods(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse::period");
    g.throughput(Throughput::Elements(1));
    for (name, s) in [
        ("month", "2027-03"),
        ("quarter", "2027Q3"),
        ("year", "2027"),
    ] {
        g.bench_function(name, |b| b.iter(|| revcap::parse::period(black_box(s))));
    }
    g.finish();
}

criterion_group!(benches, amounts, periods);
criterion_main!(benches);
