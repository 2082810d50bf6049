//! The cap rule (docs/spec.md §4.4–4.5), written once, per segment. A segment with
//! uncapped payment `u` over `d` days, with `r` of the cap remaining at its start (cap −
//! already paid − what earlier segments paid):
//!
//! - pays `min(u, max(r, 0))`;
//! - is where the cap binds if it is the first with `0 < u ≥ max(r, 0)`: on its first
//!   day + (k − 1), `k` the smallest whole number ≥ 1 with `u × k ≥ r × d` (the day the
//!   cumulative payments, u/d a day, reach the cap);
//! - and with already paid ≥ cap, the cap binds on the term start, before any segment
//!   (if the term has a day at all, `from ≤ through`).
//!
//! Pinned by `tests::pay_pays_one_segment_against_the_cap`,
//! `tests::cap_reached_mid_period_binds_on_the_day`,
//! `tests::cap_reached_exactly_at_a_period_end_binds_on_its_last_day`,
//! `tests::already_paid_at_or_over_cap_binds_on_from`, and `sweep_matches_engine` in
//! `tests/sweep.rs`. The ledger walk (`walk.rs`) pays every segment through [`pay`].
//! The cap sweep (`sweep.rs`) answers many caps from the uncapped path with what
//! follows from the rule (segments before the binding one pay in full, it pays what
//! is left, later ones nothing; it is the first whose cumulative uncapped payment
//! reaches the cap) and takes the day itself from [`binding_date`] and
//! [`binds_at_start`]; `sweep_matches_engine` holds the two to the same answers.

use rust_decimal::prelude::*;

use crate::model::Date;

/// With already paid ≥ cap (a `budget`, cap − already paid, ≤ 0) the cap binds on the
/// term's first day `from`, if the term has a day at all (`from ≤ through`).
#[inline]
pub(super) fn binds_at_start(budget: Decimal, from: Date, through: Date) -> Option<Date> {
    (budget <= Decimal::ZERO && from <= through).then_some(from)
}

/// What one segment pays, and the day the cap binds if it binds in this segment.
pub(super) struct Paid {
    pub amount: Decimal,
    pub binds_on: Option<Date>,
}

/// Pays one segment, `u` over `d` days from `first`, against `r` remaining (possibly
/// below 0): `min(u, max(r, 0))`, and, unless the cap has already `bound`, the
/// [`binding_date`] when `0 < u ≥ max(r, 0)`. `None` when that date overflows.
#[inline]
pub(super) fn pay(u: Decimal, d: Decimal, first: Date, r: Decimal, bound: bool) -> Option<Paid> {
    let r = r.max(Decimal::ZERO);
    let binds_on = if !bound && u > Decimal::ZERO && u >= r {
        Some(binding_date(u, r, d, first)?)
    } else {
        None
    };
    Some(Paid {
        amount: u.min(r),
        binds_on,
    })
}

/// The day a segment of `u` over `d` days from `first` reaches a remaining cap `r`:
/// `first + (k − 1)`, `k` the smallest whole number ≥ 1 with `u × k ≥ r × d` (the
/// segment pays u/d a day). Requires `u > 0` and `u ≥ r`, which makes `k ≤ d`.
/// `None` on overflow.
pub(super) fn binding_date(u: Decimal, r: Decimal, d: Decimal, first: Date) -> Option<Date> {
    first.add_days(binding_day(u, r, d)? - 1)
}

/// The `k` of [`binding_date`]: `ceil(r·d / u)` within `1..=d`, on the integer
/// mantissas brought to one scale, so the comparison `u × k ≥ r × d` is exact at
/// every size (Decimal's products round past 28–29 digits). Pinned by
/// `tests::binding_day_compares_exact_products`.
fn binding_day(u: Decimal, r: Decimal, d: Decimal) -> Option<i64> {
    let days = d.to_i64()?;
    if u <= Decimal::ZERO || r <= Decimal::ZERO {
        return Some(1);
    }
    let scale = u.scale().max(r.scale());
    let (mu, mr) = (u.mantissa().unsigned_abs(), r.mantissa().unsigned_abs());
    let (eu, er) = (scale - u.scale(), scale - r.scale());
    let days_u = u128::try_from(days.max(1)).ok()?;
    // u·10^eu·k ≥ r·10^er·d: in u128 while the products fit (ordinary amounts),
    // otherwise in big integers.
    let k = match (
        10u128.checked_pow(eu).and_then(|p| mu.checked_mul(p)),
        10u128
            .checked_pow(er)
            .and_then(|p| mr.checked_mul(p))
            .and_then(|x| x.checked_mul(days_u)),
    ) {
        (Some(u), Some(target)) => target.div_ceil(u),
        _ => {
            use num_bigint::BigUint;
            let ten = |e: u32| BigUint::from(10u32).pow(e);
            let u = BigUint::from(mu) * ten(eu);
            let target = BigUint::from(mr) * ten(er) * days_u;
            let k = (target + &u - 1u32) / u;
            u128::try_from(&k).unwrap_or(u128::MAX)
        }
    };
    let k = i64::try_from(k).unwrap_or(i64::MAX);
    Some(k.clamp(1, days.max(1)))
}
