//! Deterministic generator of long-format scenario files for the benchmarks (bench/README.md).
//!
//!     cargo run --release --example gen -- --scenarios 100000 --seed 42 --out FILE
//!
//! Writes `scenario,period,revenue` with N scenarios × 60 monthly periods
//! (2026-01..2030-12), the rows shuffled. Monthly revenue starts near $2B and grows
//! 1.5–4 % a month with ±6 % noise (so up to about $20B a month by 2030), and a
//! scenario's payments at 20 % total roughly $30B–$115B: caps of 25B, 38B and 50B
//! bind in different months, or not at all.
//! Amounts are plain decimals with at most 2 decimal places.
//!
//! The output depends only on N and the seed: a splitmix64 generator drives
//! everything, and the float arithmetic is limited to `+ - * /` and `round`, which
//! IEEE 754 makes identical on every platform.
// A benchmark tool, not the product: panics here are fine.
#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufWriter, Write};

const FIRST_YEAR: u32 = 2026;
const MONTHS: usize = 60;

/// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, good enough for test data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [lo, hi).
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// Uniform in 0..n (n > 0), by Lemire's multiply-shift (bias < 2^-32 for our n).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

struct Args {
    scenarios: usize,
    seed: u64,
    out: String,
}

fn parse_args() -> Result<Args, String> {
    let usage = "usage: gen --scenarios N --seed S --out FILE";
    let mut scenarios = None;
    let mut seed = 42u64;
    let mut out = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value; {usage}"))?;
        match flag.as_str() {
            "--scenarios" => {
                scenarios = Some(
                    value
                        .parse::<usize>()
                        .map_err(|e| format!("--scenarios: {e}"))?,
                )
            }
            "--seed" => seed = value.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => out = Some(value),
            _ => return Err(format!("unknown argument {flag}; {usage}")),
        }
    }
    Ok(Args {
        scenarios: scenarios.ok_or(usage)?,
        seed,
        out: out.ok_or(usage)?,
    })
}

/// Revenue in cents for every (scenario, month), scenario-major.
fn revenues(n: usize, rng: &mut SplitMix64) -> Vec<u64> {
    let mut cents = Vec::with_capacity(n * MONTHS);
    for _ in 0..n {
        let mut level = rng.range(1.5e9, 2.5e9);
        let growth = rng.range(0.015, 0.04);
        for _ in 0..MONTHS {
            let noisy = level * rng.range(0.94, 1.06);
            // About one value in ten is whole dollars, the rest carry cents.
            let c = if rng.unit() < 0.1 {
                (noisy.round() * 100.0) as u64
            } else {
                (noisy * 100.0).round() as u64
            };
            cents.push(c);
            level *= 1.0 + growth;
        }
    }
    cents
}

fn main() {
    if let Err(e) = run() {
        eprintln!("gen: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let n = args.scenarios;
    if n == 0 || n > 10_000_000 {
        return Err("--scenarios must be in 1..=10000000".into());
    }
    let mut rng = SplitMix64(args.seed);
    let cents = revenues(n, &mut rng);

    // Row order: a Fisher–Yates shuffle of (scenario, month) indices.
    let rows = n * MONTHS;
    let mut order: Vec<u32> = (0..rows as u32).collect();
    for i in (1..rows).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }

    let width = n.saturating_sub(1).to_string().len().max(4);
    let file = std::fs::File::create(&args.out).map_err(|e| format!("{}: {e}", args.out))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let io = |e: std::io::Error| format!("{}: {e}", args.out);
    w.write_all(b"scenario,period,revenue\n").map_err(io)?;
    for &r in &order {
        let r = r as usize;
        let (s, m) = (r / MONTHS, r % MONTHS);
        let year = FIRST_YEAR + (m / 12) as u32;
        let month = m % 12 + 1;
        let c = cents[r];
        if c.is_multiple_of(100) {
            writeln!(w, "s{s:0width$},{year}-{month:02},{}", c / 100).map_err(io)?;
        } else {
            writeln!(
                w,
                "s{s:0width$},{year}-{month:02},{}.{:02}",
                c / 100,
                c % 100
            )
            .map_err(io)?;
        }
    }
    w.flush().map_err(io)?;
    eprintln!(
        "gen: wrote {rows} rows ({n} scenarios × {MONTHS} months) to {}",
        args.out
    );
    Ok(())
}
