//! Revenue paths around a base scenario (docs/montecarlo.md): each path multiplies
//! the base's revenue by `exp(X(t))`, `X` a Brownian motion with annual volatility σ
//! started at 0 on the simulation start, `t` the end of each period in years
//! (days / 365) since the start. Periods that end on or before the start are copied.
//!
//! Every step is specified so that one seed gives the same bytes on any machine:
//!
//! 1. the generator is ChaCha20 (`rand_chacha::ChaCha20Rng`, whose output the
//!    ChaCha20 algorithm fixes), keyed per base from the seed and the base's name,
//!    one stream per path ([`key`]), so paths are independent of batching and threads;
//! 2. uniforms are the top 53 bits of a `u64`; normals come from the Box–Muller
//!    transform with `libm`'s `log`, `sqrt`, `cos`, `sin` (pure Rust, not the
//!    platform's libm, whose last bits differ between systems) ([`normals`]);
//! 3. the multiplier `exp(X)` (libm) becomes a Decimal with 12 decimal places,
//!    `round(m × 10¹²) / 10¹²` in f64 ([`multiplier`]);
//! 4. revenue × multiplier is exact in Decimal, then rounded half-even to
//!    [`Simulation::decimals`] places (2 by default) ([`Base::revenues`]).
//!
//! Pinned by the tests at the end of this file and `tests/simulate.rs`.

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::error::{Error, Problem};
use crate::model::{Date, PeriodInput, Scenario};

/// The seed when none is given (`--seed`).
pub const DEFAULT_SEED: u64 = 1;

/// Decimal places of simulated revenue when none are given (`--decimals`): cents.
pub const DEFAULT_DECIMALS: u32 = 2;

/// The most decimal places simulated revenue may have: the multiplier has 12.
pub const MAX_DECIMALS: u32 = 12;

/// Φ⁻¹(0.95): the 95th percentile of a standard normal, for `--volatility-from`.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// Decimal places of the multiplier (step 3 above).
const MULTIPLIER_DP: u32 = 12;

/// How paths are drawn: the volatility, the seed and the rounding of revenue.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// Annual volatility σ as given (`0.30` for `30%`).
    pub volatility: Decimal,
    pub seed: u64,
    /// Decimal places of simulated revenue (rounded half-even).
    pub decimals: u32,
}

impl Simulation {
    /// σ as an f64: the nearest double to the decimal, as Rust's parser (correctly
    /// rounded) reads its text.
    fn sigma(&self) -> f64 {
        self.volatility.to_string().parse().unwrap_or(f64::NAN)
    }
}

/// One simulated period of a base: its index among the base's periods and the
/// standard deviation of the Brownian increment since the period before, √Δt.
#[derive(Debug, Clone, Copy)]
struct Step {
    index: usize,
    sqrt_dt: f64,
}

/// A base scenario ready to draw paths from.
#[derive(Debug, Clone)]
pub struct Base<'a> {
    scenario: &'a Scenario,
    /// The simulation start: X = 0 on this day.
    pub start: Date,
    key: [u8; 32],
    sigma: f64,
    decimals: u32,
    steps: Vec<Step>,
}

/// The ChaCha20 key for a base: the seed (8 bytes, little-endian), then the 64-bit
/// FNV-1a hash of the base's name in UTF-8 (8 bytes, little-endian), then 16 zero
/// bytes. A path's stream is its number (from 1), so path n of a base is the same
/// whichever other bases or how many paths are drawn.
pub fn key(seed: u64, name: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let hash = fnv1a64(name.as_bytes());
    for (k, b) in key
        .iter_mut()
        .zip(seed.to_le_bytes().into_iter().chain(hash.to_le_bytes()))
    {
        *k = b;
    }
    key
}

/// 64-bit FNV-1a: a fixed, documented hash (std's `Hasher`s promise no stable output).
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A uniform draw in [0, 1): the top 53 bits of the next `u64`, times 2⁻⁵³.
fn uniform(rng: &mut ChaCha20Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
}

/// Standard normal draws by the Box–Muller transform, both of each pair used in turn:
/// from uniforms u₁, u₂, `r = √(−2 ln(1 − u₁))` (1 − u₁ is in (0, 1], so the log is
/// finite), `z₀ = r cos(2π u₂)`, `z₁ = r sin(2π u₂)`.
fn normals(rng: &mut ChaCha20Rng, out: &mut Vec<f64>, count: usize) {
    out.clear();
    while out.len() < count {
        let u1 = uniform(rng);
        let u2 = uniform(rng);
        let r = libm::sqrt(-2.0 * libm::log(1.0 - u1));
        let theta = std::f64::consts::TAU * u2;
        out.push(r * libm::cos(theta));
        if out.len() < count {
            out.push(r * libm::sin(theta));
        }
    }
}

/// `exp(x)` as a Decimal of 12 decimal places: `round(exp(x) × 10¹²)` in f64 (round
/// half away from zero), over 10¹². `None` when it is not finite or too large for a
/// Decimal (x above about 41).
pub fn multiplier(x: f64) -> Option<Decimal> {
    let units = (libm::exp(x) * 1e12).round();
    if !units.is_finite() || units >= 7.9e27 {
        return None;
    }
    Decimal::try_from_i128_with_scale(units as i128, MULTIPLIER_DP).ok()
}

impl<'a> Base<'a> {
    /// Prepares `scenario` to be drawn from, X = 0 on `start`.
    pub fn new(scenario: &'a Scenario, start: Date, sim: &Simulation) -> Base<'a> {
        let mut steps = Vec::new();
        let mut last_days = 0i64;
        for (index, p) in scenario.periods.iter().enumerate() {
            let days = start.days_until(p.period.end());
            if days <= 0 {
                continue;
            }
            let dt = (days - last_days) as f64 / 365.0;
            steps.push(Step {
                index,
                sqrt_dt: libm::sqrt(dt),
            });
            last_days = days;
        }
        Base {
            scenario,
            start,
            key: key(sim.seed, &scenario.name),
            sigma: sim.sigma(),
            decimals: sim.decimals,
            steps,
        }
    }

    pub fn scenario(&self) -> &Scenario {
        self.scenario
    }

    /// Years from the start to the end of each period (days / 365), ≤ 0 for the
    /// periods copied unchanged.
    pub fn times(&self) -> Vec<f64> {
        self.scenario
            .periods
            .iter()
            .map(|p| self.start.days_until(p.period.end()) as f64 / 365.0)
            .collect()
    }

    /// The revenue of path `n` (from 1) for every period of the base, in order, into
    /// `out`; `scratch` holds the draws. A period that ends on or before the start keeps
    /// the base's revenue as given.
    pub fn revenues(
        &self,
        n: u64,
        out: &mut Vec<Decimal>,
        scratch: &mut Vec<f64>,
    ) -> Result<(), Error> {
        let mut rng = ChaCha20Rng::from_seed(self.key);
        rng.set_stream(n);
        normals(&mut rng, scratch, self.steps.len());
        out.clear();
        out.extend(self.scenario.periods.iter().map(|p| p.revenue));
        let mut x = 0.0f64;
        for (step, z) in self.steps.iter().zip(scratch.iter()) {
            x += self.sigma * step.sqrt_dt * z;
            let Some(slot) = out.get_mut(step.index) else {
                continue;
            };
            let at = self.scenario.periods.get(step.index);
            *slot = self.scale(*slot, x).ok_or_else(|| self.overflow(n, at))?;
        }
        Ok(())
    }

    /// `revenue × exp(x)`, exact, rounded half-even to the simulation's places.
    fn scale(&self, revenue: Decimal, x: f64) -> Option<Decimal> {
        let m = multiplier(x)?;
        let product = revenue.checked_mul(m)?;
        // Decimal multiplies exactly or, past its 96 bits, drops digits: refuse the
        // latter rather than round twice. A zero product is exact, whatever its scale
        // (Decimal gives it scale 0): a period of no revenue stays at none
        // (`a_period_of_no_revenue_stays_at_none`).
        if !product.is_zero() && product.scale() < (revenue.scale() + MULTIPLIER_DP).min(28) {
            return None;
        }
        let mut r =
            product.round_dp_with_strategy(self.decimals, RoundingStrategy::MidpointNearestEven);
        // Always `decimals` places in the text, whatever the digits.
        r.rescale(self.decimals);
        Some(r)
    }

    fn overflow(&self, n: u64, at: Option<&PeriodInput>) -> Error {
        let mut p = Problem::new(
            &self.scenario.source,
            format!(
                "path {n}: revenue × exp(volatility × W) leaves Decimal's range or 28 digits{} (lower the volatility or the revenue's precision)",
                at.map(|a| format!(" in period {}", a.period)).unwrap_or_default()
            ),
        )
        .scenario(&self.scenario.name);
        if let Some(a) = at {
            p = p.line(a.line);
        }
        p.into()
    }

    /// Path `n` as a scenario named `name`, with the base's periods and rates.
    pub fn path(&self, n: u64, name: String) -> Result<Scenario, Error> {
        let mut revenue = Vec::with_capacity(self.scenario.periods.len());
        self.revenues(n, &mut revenue, &mut Vec::new())?;
        Ok(Scenario {
            name,
            source: self.scenario.source.clone(),
            periods: self
                .scenario
                .periods
                .iter()
                .zip(revenue)
                .map(|(p, revenue)| PeriodInput {
                    revenue,
                    ..p.clone()
                })
                .collect(),
        })
    }
}

/// The name of path `n` of `base` among `count`: `base.007` (n zero-padded to the
/// width of `count`).
pub fn path_name(base: &str, n: u64, count: u64) -> String {
    let width = count.to_string().len();
    format!("{base}.{n:0width$}")
}

/// The paths of `base`, `count` of them, `batch` at a time (a batch drawn on every
/// core): what `run --paths` computes in-process without writing them. Paths are
/// numbered from 1 and named by [`path_name`].
pub fn batches<'b>(
    base: &'b Base<'b>,
    count: u64,
    batch: u64,
) -> impl Iterator<Item = Result<Vec<Scenario>, Error>> + 'b {
    use rayon::prelude::*;
    let batch = batch.max(1);
    let mut next = 1u64;
    std::iter::from_fn(move || {
        if next > count {
            return None;
        }
        let end = next.saturating_add(batch).min(count.saturating_add(1));
        let range = next..end;
        next = end;
        let name = &base.scenario.name;
        Some(
            range
                .into_par_iter()
                .map(|n| base.path(n, path_name(name, n, count)))
                .collect(),
        )
    })
}

/// The volatility that puts the 5th and 95th percentiles of a period's revenue `low`
/// and `high` apart, `t` years from the start: under the model ln(revenue / base) is
/// normal with standard deviation σ√t, so the two percentiles are
/// base × exp(∓1.6449 σ√t) and `σ = ln(high / low) / (2 × 1.6449 × √t)`. Exact when
/// the base is their geometric mean √(low × high); otherwise the spread is right and
/// the percentiles move with the base. `None` unless 0 < low < high and t > 0.
pub fn volatility_for(low: f64, high: f64, t: f64) -> Option<f64> {
    (low > 0.0 && high > low && t > 0.0)
        .then(|| libm::log(high / low) / (2.0 * Z95 * libm::sqrt(t)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Period;

    fn base(values: &[(i32, i64)]) -> Scenario {
        Scenario {
            name: "b".into(),
            source: "b.csv".into(),
            periods: values
                .iter()
                .map(|(y, v)| PeriodInput {
                    period: Period::year(*y).unwrap(),
                    revenue: Decimal::from(*v),
                    rate: None,
                    line: 1,
                })
                .collect(),
        }
    }

    fn sim(vol: &str, seed: u64) -> Simulation {
        Simulation {
            volatility: vol.parse().unwrap(),
            seed,
            decimals: 2,
        }
    }

    #[test]
    fn the_generator_and_key_are_the_documented_ones() {
        // FNV-1a's published test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        let k = key(1, "");
        assert_eq!(&k[..8], &[1, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&k[8..16], &0xcbf2_9ce4_8422_2325u64.to_le_bytes());
        assert_eq!(&k[16..], &[0u8; 16]);
        // ChaCha20 with an all-zero key, nonce and counter: the first block's first
        // word is 0xade0b876 (RFC 7539's test vector 1, keystream 76 b8 e0 ad ...).
        let mut rng = ChaCha20Rng::from_seed([0; 32]);
        assert_eq!(rng.next_u32(), 0xade0_b876);
    }

    #[test]
    fn periods_ending_by_the_start_are_copied_and_later_ones_scaled() {
        let s = base(&[(2025, 13_100), (2026, 30_000), (2027, 62_000)]);
        let start = Date::from_ymd(2026, 4, 27).unwrap();
        let b = Base::new(&s, start, &sim("0.3", 1));
        let p = b.path(1, "b.1".into()).unwrap();
        let rev: Vec<Decimal> = p.periods.iter().map(|p| p.revenue).collect();
        assert_eq!(rev[0], Decimal::from(13_100));
        assert_eq!(rev[0].scale(), 0);
        assert_eq!(rev[1].scale(), 2);
        assert_ne!(rev[1], Decimal::from(30_000));
        // The same path again is the same; another path differs.
        assert_eq!(b.path(1, "x".into()).unwrap().periods, p.periods);
        assert_ne!(b.path(2, "x".into()).unwrap().periods, p.periods);
        // Zero volatility: every path is the base (at 2 places).
        let flat = Base::new(&s, start, &sim("0", 9))
            .path(3, "f".into())
            .unwrap();
        assert_eq!(flat.periods[2].revenue.to_string(), "62000.00");
    }

    #[test]
    fn names_are_zero_padded_to_the_count() {
        assert_eq!(path_name("feb2026", 7, 1000), "feb2026.0007");
        assert_eq!(path_name("feb2026", 1000, 1000), "feb2026.1000");
        assert_eq!(path_name("x", 1, 9), "x.1");
    }

    #[test]
    fn batches_do_not_change_the_paths() {
        let s = base(&[(2026, 30_000), (2027, 62_000), (2028, 100_000)]);
        let start = Date::from_ymd(2026, 1, 1).unwrap();
        let sim = sim("0.5", 42);
        let b = Base::new(&s, start, &sim);
        let one: Vec<Scenario> = batches(&b, 10, 3)
            .collect::<Result<Vec<_>, _>>()
            .unwrap()
            .concat();
        let all: Vec<Scenario> = batches(&b, 10, 100).next().unwrap().unwrap();
        assert_eq!(one, all);
        assert_eq!(one.len(), 10);
        assert_eq!(one[9].name, "b.10");
        assert_eq!(one[0].name, "b.01");
    }

    #[test]
    fn the_product_is_exact_then_rounded_half_even() {
        let s = base(&[(2026, 1)]);
        let b = Base::new(&s, Date::from_ymd(2025, 1, 1).unwrap(), &sim("0", 1));
        // exp(0) = 1 exactly: 1 × 1.000000000000 = 1.00.
        assert_eq!(b.scale(Decimal::ONE, 0.0).unwrap().to_string(), "1.00");
        // A revenue of 28 significant digits cannot be multiplied exactly.
        let big: Decimal = "1234567890123456789012345678".parse().unwrap();
        assert_eq!(b.scale(big, 0.1), None);
        assert_eq!(multiplier(1000.0), None);
        assert_eq!(multiplier(0.0), Some(Decimal::new(1_000_000_000_000, 12)));
    }

    /// A period of no revenue (the README's "write 0 for none") is none on every
    /// path, at the simulation's places, whatever the scale its 0 was written with.
    #[test]
    fn a_period_of_no_revenue_stays_at_none() {
        let s = base(&[(2026, 30_000), (2027, 0), (2028, 62_000)]);
        let start = Date::from_ymd(2026, 1, 1).unwrap();
        for vol in ["0", "0.3"] {
            let p = Base::new(&s, start, &sim(vol, 1))
                .path(1, "b.1".into())
                .unwrap();
            assert_eq!(p.periods[1].revenue.to_string(), "0.00", "{vol}");
        }
        let b = Base::new(&s, start, &sim("0.3", 1));
        for zero in ["0", "0.00", "0.000000"] {
            let z: Decimal = zero.parse().unwrap();
            assert_eq!(b.scale(z, 0.7).unwrap().to_string(), "0.00", "{zero}");
        }
    }

    #[test]
    fn volatility_from_percentiles() {
        // 174B and 280B, 4.68 years out: ln(280/174) / (2 × 1.6449 × √4.68).
        let v = volatility_for(174.0, 280.0, 4.68).unwrap();
        assert!((v - 0.066_847_364).abs() < 1e-8, "{v}");
        assert_eq!(volatility_for(280.0, 174.0, 1.0), None);
        assert_eq!(volatility_for(1.0, 2.0, 0.0), None);
    }
}
