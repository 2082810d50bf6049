//! The proration of docs/spec.md §4.3 against an exact reference in big integers: at
//! every size a prorated amount is the true half-even rounding to 12 places of
//! `revenue × rate × d / D`, or `None` (an overflow error) exactly when that rounding
//! is not a Decimal (it needs more than 28–29 significant digits).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::str::FromStr;

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use proptest::prelude::*;
use revcap::engine::{add_exact, div_round12, prorate, prorate_down, sub_exact};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn big(x: Decimal) -> BigInt {
    BigInt::from(x.mantissa())
}

fn ten(e: u32) -> BigInt {
    BigInt::from(10).pow(e)
}

/// `num / den` (den > 0) rounded half-even to a whole number.
fn half_even(num: &BigInt, den: &BigInt) -> BigInt {
    let (q, r): (BigInt, BigInt) = num.div_mod_floor(den);
    // num/den = q + r/den with 0 ≤ r < den.
    match (r * BigInt::from(2)).cmp(den) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal if q.is_even() => q,
        std::cmp::Ordering::Equal => q + 1,
    }
}

/// `units × 10^-12` as a Decimal, if one holds it exactly (with as few places as
/// needed, trailing zeros dropped until the digits fit 96 bits).
fn decimal_of_units(units: BigInt) -> Option<Decimal> {
    decimal_of(units, 12)
}

/// `m × 10^-scale` as a Decimal, if one holds it exactly.
fn decimal_of(m: BigInt, scale: u32) -> Option<Decimal> {
    let mut m = m;
    let mut scale = scale;
    let zero = BigInt::from(0);
    let ten = BigInt::from(10);
    while scale > 0 && (&m % &ten) == zero && (m.bits() > 96 || scale > 28) {
        m /= &ten;
        scale -= 1;
    }
    if m.bits() > 96 || scale > 28 {
        return None;
    }
    let (sign, digits) = m.to_u32_digits();
    let mut parts = [0u32; 3];
    parts[..digits.len()].copy_from_slice(&digits);
    Some(Decimal::from_parts(
        parts[0],
        parts[1],
        parts[2],
        sign == Sign::Minus,
        scale,
    ))
}

/// The exact half-even rounding to 12 places of `revenue × rate × days / period`.
fn reference(revenue: Decimal, rate: Decimal, days: i64, period: i64) -> Option<Decimal> {
    let num = big(revenue) * big(rate) * BigInt::from(days) * ten(12);
    let den = ten(revenue.scale() + rate.scale()) * BigInt::from(period);
    decimal_of_units(half_even(&num, &den))
}

/// `amount × days / period` rounded toward zero to 12 places, exactly.
fn reference_down(amount: Decimal, days: i64, period: i64) -> Option<Decimal> {
    let num = big(amount) * BigInt::from(days) * ten(12);
    let den = ten(amount.scale()) * BigInt::from(period);
    // BigInt's `/` truncates toward zero.
    decimal_of_units(num / den)
}

/// The exact half-even rounding to 12 places of `n / m` (m > 0).
fn reference_div(n: Decimal, m: Decimal) -> Option<Decimal> {
    let num = big(n) * ten(m.scale()) * ten(12);
    let den = big(m) * ten(n.scale());
    decimal_of_units(half_even(&num, &den))
}

fn prorated(revenue: &str, rate: &str, days: i64, period: i64) -> Option<Decimal> {
    prorate(
        d(revenue),
        d(rate),
        Decimal::from(days),
        Decimal::from(period),
    )
}

#[test]
fn the_reference_rounds_half_even() {
    // The reference itself, on hand-checked values: 1/3 → …333, 2/3 → …667,
    // 0.0000000000005 (a tie, 0 even) → 0, 0.0000000000015 → …002.
    assert_eq!(reference(d("1"), d("1"), 1, 3), Some(d("0.333333333333")));
    assert_eq!(reference(d("2"), d("1"), 1, 3), Some(d("0.666666666667")));
    assert_eq!(reference(d("0.000000000001"), d("0.5"), 1, 1), Some(d("0")));
    assert_eq!(
        reference(d("0.000000000003"), d("0.5"), 1, 1),
        Some(d("0.000000000002"))
    );
    // 7.9e28 whole is itself, and so is a third of it (its mantissa is divisible by
    // 3); half of it ends in .5: 29 digits and a place, no Decimal.
    let max = Decimal::MAX;
    assert_eq!(reference(max, d("1"), 7, 7), Some(max));
    assert_eq!(
        reference(max, d("1"), 1, 3),
        Some(d("26409387504754779197847983445"))
    );
    assert_eq!(reference(max, d("1"), 1, 2), None);
}

/// Inputs where the rounding was wrong before proration was made exact. Each expected
/// value is the reference's, checked independently with Python's `fractions`.
#[test]
fn large_amounts_with_many_places_round_exactly() {
    // The numerator `revenue × rate × d` needs more than 28 significant digits, so
    // Decimal's product rounded it before the division: 3496424539147985.451745588868
    // × 0.2 × 14 / 76 = 128815640915978.41138010064263…, which rounds to …643 (it
    // gave …642); 1819401058868796.23348419670 × 60 / 139 =
    // 785352975051278.94970540864748…, → …647 (it gave …648).
    assert_eq!(
        prorated("3496424539147985.451745588868", "0.2", 14, 76),
        Some(d("128815640915978.411380100643"))
    );
    assert_eq!(
        prorated("1819401058868796.23348419670", "1", 60, 139),
        Some(d("785352975051278.949705408647"))
    );
    // A quotient above 10^16, where the remainder's own product `c × D` rounded: the
    // correction was 3 units of the 12th place off (…394 for …397).
    assert_eq!(
        prorated("406616447063285248.509132579", "0.2", 128, 142),
        Some(d("73305500315634523.674885873397"))
    );
    // Toward zero (`prorate_down`): 2/3 → 0.666666666666; 100000000000000000.1 ×
    // 364 / 365 = 99726027397260274.0723287671232…, 29 digits with 12 places: `None`.
    assert_eq!(
        prorate_down(d("2"), d("1"), d("3")),
        Some(d("0.666666666666"))
    );
    assert_eq!(
        prorate_down(d("100000000000000000.1"), d("364"), d("365")),
        None
    );
    // 475617545928745447.9392 × 35 / 208 = 80031558306855724.8781086538…: 29
    // significant digits with its 12 places, more than a Decimal holds: `None`, the
    // overflow error (it gave a 28-digit rounding).
    assert_eq!(prorated("475617545928745447.9392", "1", 35, 208), None);
    for (revenue, rate, days, period) in [
        ("3496424539147985.451745588868", "0.2", 14, 76),
        ("406616447063285248.509132579", "0.2", 128, 142),
        ("475617545928745447.9392", "1", 35, 208),
        ("1234567.890123456789012345678", "0.123456789", 100, 365),
        (
            "0.9999999999999999999999999999",
            "0.9999999999999999999999999999",
            1,
            3,
        ),
    ] {
        assert_eq!(
            prorated(revenue, rate, days, period),
            reference(d(revenue), d(rate), days, period),
            "{revenue} × {rate} × {days} / {period}"
        );
    }
}

/// Decimal's own sum rounds one of more than 28–29 digits; `add_exact` does not.
#[test]
fn a_sum_past_28_digits_is_none() {
    let (a, b) = (d("100000000000000000"), d("0.000000000001"));
    assert_eq!(
        a.checked_add(b),
        Some(a),
        "Decimal rounds 1e17 + 1e-12 to 1e17"
    );
    assert_eq!(add_exact(a, b), None);
    assert_eq!(sub_exact(a, b), None);
    // Dropping only zeros is exact: 7.9e28 − 0.5 needs 30 digits, 4e28 + 0.0 none.
    assert_eq!(sub_exact(Decimal::MAX, d("0.5")), None);
    assert_eq!(
        add_exact(d("40000000000000000000000000000"), d("0.0")),
        Some(d("4e28"))
    );
    assert_eq!(add_exact(d("0.1"), d("0.2")), Some(d("0.3")));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// Random revenue up to the largest the loader accepts with 0–28 decimal places,
    /// a rate in [0, 1] with 0–28 places, d ≤ D ≤ 366: `prorate` is the exact
    /// rounding, or `None` exactly when that is not a Decimal.
    #[test]
    fn prorate_is_the_exact_half_even_rounding(
        (revenue, rate, days, period) in proration()
    ) {
        prop_assert_eq!(
            prorate(revenue, rate, Decimal::from(days), Decimal::from(period)),
            reference(revenue, rate, days, period),
            "{} × {} × {} / {}", revenue, rate, days, period
        );
    }

    /// `prorate_down` (what a segment has accrued after some of its days) at any
    /// size: the exact rounding toward zero, or `None` when that is not a Decimal.
    #[test]
    fn prorate_down_is_the_exact_rounding_toward_zero(
        (amount, _, days, period) in proration()
    ) {
        prop_assert_eq!(
            prorate_down(amount, Decimal::from(days), Decimal::from(period)),
            reference_down(amount, days, period),
            "{} × {} / {}", amount, days, period
        );
    }

    /// `add_exact` and `sub_exact`: the exact sum and difference, or `None` exactly
    /// when no Decimal holds them.
    #[test]
    fn sums_are_exact_or_none(a in decimal(), b in decimal()) {
        let at = |x: Decimal| big(x) * ten(28 - x.scale());
        prop_assert_eq!(add_exact(a, b), decimal_of(at(a) + at(b), 28), "{} + {}", a, b);
        prop_assert_eq!(sub_exact(a, b), decimal_of(at(a) - at(b), 28), "{} - {}", a, b);
    }

    /// `div_round12` at any size: the exact rounding of n/m, or `None` when it is not
    /// a Decimal.
    #[test]
    fn div_round12_is_the_exact_half_even_rounding(
        n in decimal(), m in decimal().prop_filter("m > 0", |m| *m > Decimal::ZERO)
    ) {
        prop_assert_eq!(div_round12(n, m), reference_div(n, m), "{} / {}", n, m);
    }
}

/// A decimal of 1–29 digits at a scale 0..=28, either sign: many places, the
/// largest values, zero.
fn decimal() -> impl Strategy<Value = Decimal> {
    (any::<u128>(), 1u32..=29, 0u32..=28, any::<bool>()).prop_map(|(m, digits, scale, neg)| {
        let m = m % 10u128.pow(digits);
        let m = m % 79_228_162_514_264_337_593_543_950_336u128;
        let mut x = Decimal::from_i128_with_scale(m as i128, scale);
        x.set_sign_negative(neg);
        x
    })
}

/// Revenue ≥ 0 (up to the largest Decimal, 0–28 places), a rate in [0, 1] (0–28
/// places, with 0.2 and 1 often), days ≤ period ≤ 366.
fn proration() -> impl Strategy<Value = (Decimal, Decimal, i64, i64)> {
    let rate = prop_oneof![
        Just(Decimal::ONE),
        Just(Decimal::new(2, 1)),
        Just(Decimal::new(20, 2)),
        (any::<u128>(), 0u32..=28).prop_map(|(m, scale)| {
            // A fraction: m < 10^scale.
            Decimal::from_i128_with_scale((m % 10u128.pow(scale)) as i128, scale)
        }),
    ];
    (decimal().prop_map(|x| x.abs()), rate, 1i64..=366).prop_flat_map(|(revenue, rate, period)| {
        (Just(revenue), Just(rate), 1i64..=period, Just(period))
    })
}
