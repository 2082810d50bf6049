//! The exact computation of docs/spec.md §4: segments, proration by days, the cap walk, the
//! binding date and present values. Pure: no I/O, no formatting.
//!
//! The cap rule is written once, per segment, in `cap.rs`: the ledger walk
//! (`walk.rs`, behind [`compute`]) pays every segment through it; the cap sweep
//! ([`Sweep`], `sweep.rs`) answers many caps from one uncapped walk with what follows
//! from the rule, taking the binding day from `cap.rs` too; the sweep walks a plain
//! scenario on integer mantissas (`fixed.rs`), to the same `Decimal`s. Every amount is
//! a `Decimal`; the only rounding is the half-even rounding to 12 decimal places of
//! each segment's prorated revenue and payment ([`prorate`]: exact at every size, done
//! on integer mantissas, or an overflow error), plus Decimal's own 28 significant
//! digits in the present value's power and the effective rate's division. Sums of
//! amounts are exact or an overflow error ([`add_exact`]).

mod cap;
mod fixed;
mod sweep;
#[cfg(test)]
mod tests;
mod walk;

use rust_decimal::prelude::*;
use rust_decimal::MathematicalOps;

use crate::error::{Error, Problem};
use crate::model::{
    Date, Gap, PeriodInput, PeriodResult, Scenario, ScenarioResult, Summary, Terms,
};

pub use sweep::Sweep;

/// Decimal places kept by the proration of docs/spec.md §4.3.
pub const PRORATION_DP: u32 = 12;

/// Computes one scenario under `terms`.
///
/// Periods must be sorted and neither overlap nor leave gaps (the loader guarantees it;
/// their lengths may differ); the result lists every input period, in order.
pub fn compute(scenario: &Scenario, terms: &Terms) -> Result<ScenarioResult, Error> {
    let mut r = walk::walk(scenario, terms)?;
    r.periods = r
        .periods
        .into_iter()
        .map(PeriodResult::normalized)
        .collect();
    r.summary = r.summary.normalized();
    Ok(r)
}

/// What [`overflow`] calls the cap left after the payments so far.
pub(crate) const REMAINING_CAP: &str = "remaining cap";

/// A result that left Decimal's range, named like an input problem: the file, the
/// line of the period where it happened (if one), and the scenario.
pub fn overflow(scenario: &Scenario, at: Option<&PeriodInput>, what: &str) -> Error {
    // A remaining cap leaves Decimal's digits, not its range: a cap from 7.9e16 up
    // less payments to 12 places needs more than 28 (errors.md "Out of range").
    let limit = match what {
        REMAINING_CAP => "the cap less payments to 12 decimal places must fit in 28 digits: a cap below 7.9e16; for no cap, --cap none",
        _ => "amounts must stay below 7.9e28",
    };
    let p = Problem::new(
        &scenario.source,
        match at {
            Some(i) => format!("{what} overflows in period {} ({limit})", i.period),
            None => format!("{what} overflows ({limit})"),
        },
    );
    let p = match at {
        Some(i) => p.line(i.line),
        None => p,
    };
    p.scenario(&scenario.name).into()
}

/// The term start for a scenario: `terms.from`, or its earliest period's first day.
pub fn term_start(scenario: &Scenario, terms: &Terms) -> Date {
    terms.from.unwrap_or_else(|| {
        scenario
            .periods
            .first()
            .map_or(terms.through, |p: &PeriodInput| p.period.start())
    })
}

/// The parts of the term `from..=through` that a summary's data does not cover
/// (docs/spec.md §4.6), start first; empty when the data covers the whole term.
pub fn gaps(summary: &Summary, from: Date, through: Date) -> Vec<Gap> {
    uncovered(
        (summary.covered_from, summary.covered_through),
        (from, through),
    )
}

/// The parts of the term that `scenario`'s data does not cover under `terms`: what
/// [`gaps`] gives for its result, without computing it.
pub fn scenario_gaps(scenario: &Scenario, terms: &Terms) -> Vec<Gap> {
    let (Some(first), Some(last)) = (scenario.periods.first(), scenario.periods.last()) else {
        return Vec::new();
    };
    let data = (first.period.start(), last.period.end());
    uncovered(data, (term_start(scenario, terms), terms.through))
}

/// The ends of the term `(from, through)` that the data's days `(first, last)` leave
/// uncovered.
fn uncovered((first, last): (Date, Date), (from, through): (Date, Date)) -> Vec<Gap> {
    let mut out = Vec::new();
    if first > from {
        out.push(Gap::StartsAfter {
            data: first,
            term: from,
        });
    }
    if last < through {
        out.push(Gap::EndsBefore {
            data: last,
            term: through,
        });
    }
    out
}

/// The term start every scenario shares: `terms.from`, or the scenarios' own starts
/// (`starts`, from [`term_start`]) when they are all the same day.
pub fn common_start(terms: &Terms, starts: impl IntoIterator<Item = Date>) -> Option<Date> {
    terms.from.or_else(|| {
        let mut starts = starts.into_iter();
        let first = starts.next()?;
        starts.all(|s| s == first).then_some(first)
    })
}

/// The terms without their cap: what the variants of a cap sweep share.
pub fn without_cap(terms: &Terms) -> Terms {
    Terms {
        cap: None,
        ..terms.clone()
    }
}

// The proration arithmetic below is called for every segment from `walk.rs` and `sweep.rs`,
// which the release build may compile apart from this file (another codegen unit):
// `#[inline]` keeps it inlinable there, as it was when the engine was one file.

/// The rate in force on `date` from the terms (the last step on or before it).
#[inline]
pub fn rate_on(terms: &Terms, date: Date) -> Decimal {
    terms
        .rate_steps
        .iter()
        .rev()
        .find(|s| s.from <= date)
        .map_or(terms.rate, |s| s.rate)
}

/// `revenue × rate × d / D`, multiplied first and divided last, rounded half-even to
/// 12 decimal places (docs/spec.md §4.3): exactly, at every size. `None` when that
/// rounding is not a Decimal (it needs more than 28–29 significant digits, or
/// `D ≤ 0`). Pinned against a big-integer reference by `tests/exact_proration.rs`.
#[inline]
pub fn prorate(revenue: Decimal, rate: Decimal, d: Decimal, big_d: Decimal) -> Option<Decimal> {
    if d == big_d {
        return prorate_whole(revenue, rate);
    }
    if big_d <= Decimal::ZERO {
        return None;
    }
    // R·r·d / D = (mR·mr·md / mD) · 10^(sD − sR − sr − sd), in units of 10^-12.
    let exp = i64::from(PRORATION_DP) + i64::from(big_d.scale())
        - i64::from(revenue.scale())
        - i64::from(rate.scale())
        - i64::from(d.scale());
    ratio12(
        revenue.is_sign_negative() ^ rate.is_sign_negative() ^ d.is_sign_negative(),
        [mantissa(revenue), mantissa(rate), mantissa(d)],
        mantissa(big_d),
        exp,
        Rounding::HalfEven,
    )
}

/// `amount × d / D` rounded toward zero to 12 decimal places, exactly at every size
/// (no product rounded first): what a segment of `D` days has accrued after `d` of
/// them, never more. `None` when `D ≤ 0` or the result is not a Decimal. Pinned
/// against a big-integer reference by `tests/exact_proration.rs`.
pub fn prorate_down(amount: Decimal, d: Decimal, big_d: Decimal) -> Option<Decimal> {
    if big_d <= Decimal::ZERO {
        return None;
    }
    let exp = i64::from(PRORATION_DP) + i64::from(big_d.scale())
        - i64::from(amount.scale())
        - i64::from(d.scale());
    ratio12(
        amount.is_sign_negative() ^ d.is_sign_negative(),
        [mantissa(amount), mantissa(d), 1],
        mantissa(big_d),
        exp,
        Rounding::TowardZero,
    )
}

/// [`prorate`] of a whole period (`d == D`): `revenue × rate`, rounded half-even to
/// 12 decimal places. The ledger walk calls it directly when its integer day counts
/// are equal. `None` when the rounding is not a Decimal.
#[inline]
pub(crate) fn prorate_whole(revenue: Decimal, rate: Decimal) -> Option<Decimal> {
    // No division, so no rounding beyond 12 places. Revenue at a rate of one
    // (eligible revenue) is itself, scale included: no product.
    if rate == Decimal::ONE {
        return round12(revenue);
    }
    // The product as Decimal's own when it fits 96 bits and 28 places (the common
    // case: cents times a rate), built from the exact mantissa product, bit for bit
    // what `checked_mul` gives (a zero product is its scale-0 zero). Decimal's
    // `checked_mul` itself would round a longer product instead of failing.
    let negative = revenue.is_sign_negative() ^ rate.is_sign_negative();
    let scale = revenue.scale() + rate.scale();
    let (a, b) = (mantissa(revenue), mantissa(rate));
    if let Some(m) = a.checked_mul(b) {
        if m == 0 {
            return Some(Decimal::ZERO);
        }
        if scale <= 28 {
            if let Some(x) = decimal(negative, m, scale) {
                return round12(x);
            }
        }
    }
    ratio12(
        negative,
        [a, b, 1],
        1,
        i64::from(PRORATION_DP) - i64::from(scale),
        Rounding::HalfEven,
    )
}

/// `x` rounded half-even to 12 decimal places: one rounding of an exact value.
#[inline]
fn round12(x: Decimal) -> Option<Decimal> {
    if x.scale() <= PRORATION_DP {
        // Nothing beyond 12 places to round (the common case: cents times a rate).
        return Some(x);
    }
    Some(x.round_dp_with_strategy(PRORATION_DP, RoundingStrategy::MidpointNearestEven))
}

/// `n / d` rounded half-even to 12 decimal places, exactly: the true rounding of the
/// rational n/d, not of Decimal's 28-digit quotient. `None` when `d ≤ 0` or the
/// rounding is not a Decimal. Pinned by `tests::div_round12_is_exact_half_even` and,
/// at every size, by `tests/exact_proration.rs`.
#[inline]
pub fn div_round12(n: Decimal, d: Decimal) -> Option<Decimal> {
    if d <= Decimal::ZERO {
        return None;
    }
    // n / d = (mn / md) · 10^(sd − sn), in units of 10^-12.
    let exp = i64::from(PRORATION_DP) + i64::from(d.scale()) - i64::from(n.scale());
    ratio12(
        n.is_sign_negative(),
        [mantissa(n), 1, 1],
        mantissa(d),
        exp,
        Rounding::HalfEven,
    )
}

/// A Decimal's mantissa without its sign (below 2^96).
#[inline]
fn mantissa(x: Decimal) -> u128 {
    x.mantissa().unsigned_abs()
}

/// `±m × 10^-scale` as a Decimal; `None` when `m` needs more than 96 bits (or the
/// scale is over 28). A zero is never negative.
#[inline]
fn decimal(negative: bool, m: u128, scale: u32) -> Option<Decimal> {
    let m = i128::try_from(m).ok()?;
    // rust_decimal's own check: at most 96 bits, a scale of at most 28.
    Decimal::try_from_i128_with_scale(if negative { -m } else { m }, scale).ok()
}

/// How [`ratio12`] rounds its quotient to a whole number of units.
#[derive(Clone, Copy)]
enum Rounding {
    /// To the nearest, a half to the even neighbour (docs/spec.md §4.3).
    HalfEven,
    /// Toward zero: the magnitude never grows.
    TowardZero,
}

impl Rounding {
    /// Whether a quotient `q` with remainder `r` (of `den`) rounds up to `q + 1`:
    /// `rest = den − r`, `odd` whether `q` is.
    #[inline]
    fn up<T: PartialOrd>(self, r: &T, rest: &T, odd: bool) -> bool {
        match self {
            Rounding::HalfEven => r > rest || (r == rest && odd),
            Rounding::TowardZero => false,
        }
    }
}

/// `a·b·c × 10^exp / den`, rounded (`how`) to a whole number of units of 10^-12, as a
/// Decimal with the sign `negative`: the one rounding of docs/spec.md §4.3, done on
/// integers, so nothing is rounded before it. `den > 0`.
///
/// Ordinary amounts stay in u128 (a product of cents, a rate and a day count, times
/// 10^12, is far below 2^128); the rest (up to 96 + 96 + 96 + 133 bits) is done in
/// big integers. The result is `None` when `den` is 0 or the units do not fit a
/// Decimal (96 bits) even with their trailing zeros dropped.
#[inline]
fn ratio12(
    negative: bool,
    [a, b, c]: [u128; 3],
    den: u128,
    exp: i64,
    how: Rounding,
) -> Option<Decimal> {
    if den == 0 {
        return None;
    }
    let fast = a
        .checked_mul(b)
        .and_then(|n| n.checked_mul(c))
        .and_then(|n| match u32::try_from(exp) {
            Ok(e) => Some((n.checked_mul(10u128.checked_pow(e)?)?, den)),
            Err(_) => {
                let e = u32::try_from(exp.checked_neg()?).ok()?;
                Some((n, den.checked_mul(10u128.checked_pow(e)?)?))
            }
        });
    let units = match fast {
        Some((n, den)) => {
            let q = n / den;
            // n − q·den < den: no overflow.
            let r = n - q * den;
            if how.up(&r, &(den - r), q % 2 == 1) {
                q + 1
            } else {
                q
            }
        }
        None => return ratio12_big(negative, [a, b, c], den, exp, how),
    };
    units_to_decimal(negative, units)
}

/// [`ratio12`] in big integers, for products past 128 bits.
#[cold]
#[inline(never)]
fn ratio12_big(
    negative: bool,
    [a, b, c]: [u128; 3],
    den: u128,
    exp: i64,
    how: Rounding,
) -> Option<Decimal> {
    use num_bigint::BigUint;
    // |exp| ≤ 12 + 4 × 28: scales are at most 28.
    let power = BigUint::from(10u32).pow(u32::try_from(exp.unsigned_abs()).ok()?);
    let mut n = BigUint::from(a) * b * c;
    let mut den = BigUint::from(den);
    if exp >= 0 {
        n *= power;
    } else {
        den *= power;
    }
    let q = &n / &den;
    let r = n - &q * &den;
    let rest = &den - &r;
    let mut q = if how.up(&r, &rest, q.bit(0)) {
        q + 1u32
    } else {
        q
    };
    // Drop trailing zeros (fewer places) until the units fit 128 bits, if they can.
    let scale = drop_zeros_big(&mut q);
    let units = u128::try_from(&q).ok()?;
    units_to_decimal_at(negative, units, scale)
}

/// Divides `q` by 10 while it is past 128 bits, ends in 0 and has places left to
/// drop; returns the scale that leaves.
fn drop_zeros_big(q: &mut num_bigint::BigUint) -> u32 {
    let mut scale = PRORATION_DP;
    let ten = num_bigint::BigUint::from(10u32);
    while scale > 0 && q.bits() > 128 {
        let (d, r) = (&*q / &ten, &*q % &ten);
        if r != num_bigint::BigUint::ZERO {
            break;
        }
        *q = d;
        scale -= 1;
    }
    scale
}

/// `±units × 10^-12` as a Decimal: at 12 places when the units fit 96 bits (as
/// [`round12`] leaves a quotient), otherwise with trailing zeros dropped until they
/// do; `None` when no scale holds them exactly.
#[inline]
fn units_to_decimal(negative: bool, units: u128) -> Option<Decimal> {
    units_to_decimal_at(negative, units, PRORATION_DP)
}

fn units_to_decimal_at(negative: bool, mut units: u128, mut scale: u32) -> Option<Decimal> {
    while units >> 96 != 0 && scale > 0 && units.is_multiple_of(10) {
        units /= 10;
        scale -= 1;
    }
    decimal(negative, units, scale)
}

/// `a + b`, or `None` when no Decimal holds it exactly. Decimal's own `checked_add`
/// fails only past 7.9e28: a sum that needs more than 28–29 significant digits
/// (1e17 + 1e-12) it rounds to fewer places. That is the one case where the sum's
/// scale drops below its operands', and only then is the sum checked, in big
/// integers. Pinned by `tests/exact_proration.rs`.
#[inline]
pub fn add_exact(a: Decimal, b: Decimal) -> Option<Decimal> {
    let c = a.checked_add(b)?;
    if c.scale() >= a.scale().max(b.scale()) {
        return Some(c);
    }
    sum_is(c, a, b).then_some(c)
}

/// `a − b`, or `None` when no Decimal holds it exactly (as [`add_exact`]).
#[inline]
pub fn sub_exact(a: Decimal, b: Decimal) -> Option<Decimal> {
    add_exact(a, -b)
}

/// Whether `c` is exactly `a + b`.
#[cold]
#[inline(never)]
fn sum_is(c: Decimal, a: Decimal, b: Decimal) -> bool {
    use num_bigint::BigInt;
    let scale = a.scale().max(b.scale()).max(c.scale());
    let at = |x: Decimal| BigInt::from(x.mantissa()) * BigInt::from(10u32).pow(scale - x.scale());
    at(a) + at(b) == at(c)
}

/// `payment / (1 + rate)^(days / 365)`: paid `days` after the term start.
fn present_value(payment: Decimal, rate: Decimal, days: i64) -> Option<Decimal> {
    if payment.is_zero() || days <= 0 {
        return Some(payment);
    }
    payment.checked_div(discount_factor(rate, days)?)
}

/// `(1 + rate)^(days / 365)`, remembered by each thread for the last few thousand
/// (rate, days): every scenario of a run is paid on the same few days, and the
/// fractional power took ten times the rest of a run. The key is the rate's exact
/// representation (`0.08` and `0.080` give factors of different scales, which
/// divide into different digits), so a
/// remembered factor is the one [`discount_factor_of`] gives: pinned by
/// `engine::tests::discount_factors_are_remembered_as_computed`.
fn discount_factor(rate: Decimal, days: i64) -> Option<Decimal> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    type Known = HashMap<([u8; 16], i64), Option<Decimal>>;
    thread_local! {
        static KNOWN: RefCell<Known> = RefCell::new(HashMap::new());
    }
    const KEEP: usize = 4096;
    let key = (rate.serialize(), days);
    if let Some(known) = KNOWN.with(|k| k.borrow().get(&key).copied()) {
        return known;
    }
    let factor = discount_factor_of(rate, days);
    KNOWN.with(|k| {
        let mut k = k.borrow_mut();
        if k.len() >= KEEP {
            k.clear();
        }
        k.insert(key, factor);
    });
    factor
}

/// `(1 + rate)^(days / 365)`; an exact integer power when `days` is whole years.
fn discount_factor_of(rate: Decimal, days: i64) -> Option<Decimal> {
    let base = Decimal::ONE.checked_add(rate)?;
    if days % 365 == 0 {
        base.checked_powi(days / 365)
    } else {
        base.checked_powd(Decimal::from(days).checked_div(Decimal::from(365))?)
    }
}
