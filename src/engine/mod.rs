//! The exact computation of docs/spec.md §4: segments, proration by days, the cap walk, the
//! binding date and present values. Pure: no I/O, no formatting.
//!
//! The cap rule is written once, per segment, in `cap.rs`: the ledger walk
//! (`walk.rs`, behind [`compute`]) pays every segment through it; the cap sweep
//! ([`Sweep`], `sweep.rs`) answers many caps from one uncapped walk with what follows
//! from the rule, taking the binding day from `cap.rs` too. Every amount is a `Decimal`; the only
//! rounding is the half-even rounding to 12 decimal places of each segment's prorated
//! revenue and payment ([`div_round12`]), plus Decimal's own 28 significant digits in
//! the present value's power and the effective rate's division.

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

/// A result that left Decimal's range, named like an input problem: the file, the
/// line of the period where it happened (if one), and the scenario.
pub fn overflow(scenario: &Scenario, at: Option<&PeriodInput>, what: &str) -> Error {
    const LIMIT: &str = "amounts must stay below 7.9e28";
    let p = Problem::new(
        &scenario.source,
        match at {
            Some(i) => format!("{what} overflows in period {} ({LIMIT})", i.period),
            None => format!("{what} overflows ({LIMIT})"),
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
/// 12 decimal places (docs/spec.md §4.3). `None` on overflow.
#[inline]
pub fn prorate(revenue: Decimal, rate: Decimal, d: Decimal, big_d: Decimal) -> Option<Decimal> {
    if d == big_d {
        return prorate_whole(revenue, rate);
    }
    let numerator = revenue.checked_mul(rate)?.checked_mul(d)?;
    div_round12(numerator, big_d)
}

/// [`prorate`] of a whole period (`d == D`): `revenue × rate`, rounded half-even to
/// 12 decimal places. The ledger walk calls it directly when its integer day counts
/// are equal. `None` on overflow.
#[inline]
pub(crate) fn prorate_whole(revenue: Decimal, rate: Decimal) -> Option<Decimal> {
    // No division, so no rounding beyond 12 places. Revenue at a rate of one
    // (eligible revenue) is itself, scale included: no product.
    if rate == Decimal::ONE {
        return round12(revenue);
    }
    round12(revenue.checked_mul(rate)?)
}

#[inline]
fn round12(x: Decimal) -> Option<Decimal> {
    if x.scale() <= PRORATION_DP {
        // Nothing beyond 12 places to round (the common case: cents times a rate).
        return Some(x);
    }
    Some(x.round_dp_with_strategy(PRORATION_DP, RoundingStrategy::MidpointNearestEven))
}

/// `n / d` rounded half-even to 12 decimal places, exactly.
///
/// Decimal's division keeps 28 significant digits, so rounding its quotient again
/// could round twice. The candidate is therefore checked against the exact remainder
/// `n − c·d` (all products exact) and moved by one unit when it is off, which makes
/// the result the true half-even rounding of the rational n/d.
/// Pinned by `tests::div_round12_is_exact_half_even`.
#[inline]
pub fn div_round12(n: Decimal, d: Decimal) -> Option<Decimal> {
    if d <= Decimal::ZERO {
        return None;
    }
    let ulp = Decimal::new(1, PRORATION_DP);
    let half_ulp_d = Decimal::new(5, PRORATION_DP + 1).checked_mul(d)?;
    let mut c = round12(n.checked_div(d)?)?;
    // err = n − c·d; the exact quotient is c + err/d.
    for _ in 0..3 {
        let err = n.checked_sub(c.checked_mul(d)?)?;
        if err > half_ulp_d {
            c = c.checked_add(ulp)?;
        } else if -err > half_ulp_d {
            c = c.checked_sub(ulp)?;
        } else if err.abs() == half_ulp_d {
            // A tie: keep whichever neighbour has an even 12th decimal.
            let units = c.checked_mul(Decimal::from(1_000_000_000_000i64))?;
            if !units.checked_rem(Decimal::TWO)?.is_zero() {
                c = if err > Decimal::ZERO {
                    c.checked_add(ulp)?
                } else {
                    c.checked_sub(ulp)?
                };
            }
            return Some(c);
        } else {
            return Some(c);
        }
    }
    Some(c)
}

/// `payment / (1 + rate)^(days / 365)`: paid `days` after the term start.
fn present_value(payment: Decimal, rate: Decimal, days: i64) -> Option<Decimal> {
    if payment.is_zero() || days <= 0 {
        return Some(payment);
    }
    payment.checked_div(discount_factor(rate, days)?)
}

/// `(1 + rate)^(days / 365)`; an exact integer power when `days` is whole years.
fn discount_factor(rate: Decimal, days: i64) -> Option<Decimal> {
    let base = Decimal::ONE.checked_add(rate)?;
    if days % 365 == 0 {
        base.checked_powi(days / 365)
    } else {
        base.checked_powd(Decimal::from(days).checked_div(Decimal::from(365))?)
    }
}
