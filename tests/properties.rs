//! Invariants of the engine (docs/spec.md §4) on random scenarios and terms: the cap walk,
//! the totals, the binding date, and that splitting a year into its months with
//! revenue in proportion to days changes nothing (or only by the 12-place rounding of
//! its segments, with the bound stated exactly).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use revcap::engine::compute;
use revcap::model::{Date, Period, PeriodInput, RateStep, Scenario, ScenarioResult, Terms};
use rust_decimal::Decimal;

const CASES: u32 = 256;

/// Day `n` after 2023-01-01.
fn day(n: i64) -> Date {
    Date::from_ymd(2023, 1, 1).unwrap().add_days(n).unwrap()
}

fn consecutive(first: Period, n: usize) -> Vec<Period> {
    let mut out = vec![first];
    while out.len() < n {
        let next = out.last().unwrap().next().unwrap();
        out.push(next);
    }
    out
}

fn scenario(inputs: Vec<(Period, Decimal, Option<Decimal>)>) -> Scenario {
    Scenario {
        name: "p".into(),
        source: "p.csv".into(),
        periods: inputs
            .into_iter()
            .enumerate()
            .map(|(i, (period, revenue, rate))| PeriodInput {
                period,
                revenue,
                rate,
                line: i as u64 + 2,
            })
            .collect(),
    }
}

/// Years, quarters or months from 2024–2029, 1 to 40 of them, revenues from integers
/// with a scale (up to 10^13 with 0–6 decimals), some with a rate of their own.
fn arb_scenario() -> impl Strategy<Value = Scenario> {
    (
        0..3u8,
        2024..2030i32,
        0..12u32,
        1..=40usize,
        vec((0..10_000_000_000_000i64, 0..=6u32), 40),
        vec(option::weighted(0.15, 0..=100i64), 40),
    )
        .prop_map(|(gran, y, sub, n, revs, rates)| {
            let (first, n) = match gran {
                0 => (Period::year(y).unwrap(), n.min(8)),
                1 => (Period::quarter(y, sub % 4 + 1).unwrap(), n.min(24)),
                _ => (Period::month(y, sub + 1).unwrap(), n),
            };
            scenario(
                consecutive(first, n)
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let (m, s) = revs[i];
                        (p, Decimal::new(m, s), rates[i].map(|r| Decimal::new(r, 2)))
                    })
                    .collect(),
            )
        })
}

/// Rate steps on distinct days in 2023–2033, sorted (as config guarantees), with
/// rates of `scale` decimals.
fn arb_steps(scale: u32) -> impl Strategy<Value = Vec<RateStep>> {
    vec((0..4000i64, 0..=10_i64.pow(scale)), 0..=3).prop_map(move |raw| {
        let mut steps: Vec<RateStep> = raw
            .into_iter()
            .map(|(d, r)| RateStep {
                from: day(d),
                rate: Decimal::new(r, scale),
            })
            .collect();
        steps.sort_by_key(|s| s.from);
        steps.dedup_by_key(|s| s.from);
        steps
    })
}

/// Terms with a random rate, steps, cap (often binding), already paid, and a term
/// that may start and end anywhere from 2023 to 2033 (`from` ≤ `through`).
fn arb_terms() -> impl Strategy<Value = Terms> {
    (
        0..=10_000i64,
        arb_steps(4),
        option::weighted(0.8, (0..3_000_000_000_000i64, 0..=3u32)),
        prop_oneof![
            3 => Just(None),
            1 => (0..2_000_000_000_000i64, 0..=3u32).prop_map(Some)
        ],
        option::weighted(0.7, 0..3650i64),
        0..3650i64,
        option::weighted(0.3, 0..=2_000i64),
    )
        .prop_map(|(rate, rate_steps, cap, paid, from, len, discount)| {
            let from = from.map(day);
            let through = from.unwrap_or(day(365)).add_days(len).unwrap();
            Terms {
                rate: Decimal::new(rate, 4),
                rate_steps,
                cap: cap.map(|(m, s)| Decimal::new(m, s)),
                already_paid: paid.map_or(Decimal::ZERO, |(m, s)| Decimal::new(m, s)),
                from,
                through,
                discount_rate: discount.map(|d| Decimal::new(d, 4)),
            }
        })
}

/// What may still be paid: cap − already paid, `None` without a cap.
fn budget(t: &Terms) -> Option<Decimal> {
    t.cap.map(|c| c - t.already_paid)
}

fn check_ledger(r: &ScenarioResult, t: &Terms) -> Result<(), TestCaseError> {
    let budget = budget(t);
    let (mut prev, mut eligible, mut uncapped) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for p in &r.periods {
        // Cumulative payment never decreases, and moves by exactly the payment.
        prop_assert!(p.payment >= Decimal::ZERO);
        prop_assert!(p.payment <= p.uncapped_payment);
        prop_assert_eq!(p.cumulative, prev + p.payment);
        prop_assert!(p.cumulative >= prev);
        prop_assert_eq!(p.capped, p.payment < p.uncapped_payment);
        match budget {
            Some(b) => {
                // Never above cap − already paid; nothing at all when that is < 0.
                prop_assert!(
                    p.cumulative <= b.max(Decimal::ZERO),
                    "{} > {}",
                    p.cumulative,
                    b
                );
                prop_assert_eq!(p.remaining_cap, Some((b - p.cumulative).max(Decimal::ZERO)));
            }
            None => {
                prop_assert_eq!(p.remaining_cap, None);
                prop_assert!(!p.capped);
            }
        }
        prop_assert_eq!(p.present_value.is_some(), t.discount_rate.is_some());
        prev = p.cumulative;
        eligible += p.eligible_revenue;
        uncapped += p.uncapped_payment;
    }
    let s = &r.summary;
    prop_assert_eq!(s.eligible_revenue, eligible);
    prop_assert_eq!(s.uncapped_total, uncapped);
    prop_assert_eq!(s.total_paid, prev);
    prop_assert_eq!(s.foregone, s.uncapped_total - s.total_paid);
    // total paid = min(uncapped total, max(cap − already paid, 0)).
    let expected = match budget {
        Some(b) => s.uncapped_total.min(b.max(Decimal::ZERO)),
        None => s.uncapped_total,
    };
    prop_assert_eq!(s.total_paid, expected);

    // Segments tile the in-term days in order.
    let mut last_end: Option<Date> = None;
    for seg in &r.segments {
        prop_assert!(seg.start <= seg.end);
        prop_assert!(r.from <= seg.start && seg.end <= t.through);
        if let Some(e) = last_end {
            prop_assert!(e < seg.start);
        }
        last_end = Some(seg.end);
    }
    Ok(())
}

fn check_binding(r: &ScenarioResult, t: &Terms) -> Result<(), TestCaseError> {
    let s = &r.summary;
    let from = r.from;
    let in_term = from <= t.through;
    let should_bind = match budget(t) {
        None => false,
        Some(b) => in_term && (b <= Decimal::ZERO || s.uncapped_total >= b),
    };
    prop_assert_eq!(s.cap_binds, should_bind);
    prop_assert_eq!(s.cap_binds, s.binding_date.is_some());
    let (Some(date), Some(b)) = (s.binding_date, budget(t)) else {
        prop_assert_eq!(s.binding_period, None);
        return Ok(());
    };
    // The binding date lies in the term, and the binding period contains it.
    prop_assert!(
        from <= date && date <= t.through,
        "{} outside {}..{}",
        date,
        from,
        t.through
    );
    let containing = r
        .periods
        .iter()
        .map(|p| p.period)
        .find(|p| p.contains(date));
    prop_assert_eq!(s.binding_period, containing);
    if b <= Decimal::ZERO {
        prop_assert_eq!(date, from);
        prop_assert_eq!(s.total_paid, Decimal::ZERO);
        return Ok(());
    }
    // Cumulative uncapped payments reach the cap in the binding date's segment and
    // not before it; inside it, the day is the smallest k ≥ 1 with u·k ≥ r·d.
    let seg = r
        .segments
        .iter()
        .find(|g| g.start <= date && date <= g.end)
        .expect("the binding date lies in a segment");
    let before = seg.cumulative_uncapped - seg.uncapped;
    prop_assert!(before < b && b <= seg.cumulative_uncapped);
    let remaining = b - before;
    let d = Decimal::from(seg.start.days_until(seg.end) + 1);
    let k = Decimal::from(seg.start.days_until(date) + 1);
    prop_assert!(seg.uncapped * k >= remaining * d);
    prop_assert!(k == Decimal::ONE || seg.uncapped * (k - Decimal::ONE) < remaining * d);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn cap_walk_and_totals_hold(s in arb_scenario(), t in arb_terms()) {
        let r = compute(&s, &t).unwrap();
        prop_assert_eq!(r.periods.len(), s.periods.len());
        check_ledger(&r, &t)?;
        check_binding(&r, &t)?;
    }
}

/// A run of years with revenue `k·D` (D the year's days), and the same as months with
/// revenue `k·d` (d the month's days): identical daily revenue `k`.
fn years_and_months(first: i32, ks: &[Decimal]) -> (Scenario, Scenario) {
    let years = consecutive(Period::year(first).unwrap(), ks.len());
    let year_rows = years
        .iter()
        .zip(ks)
        .map(|(p, k)| (*p, *k * Decimal::from(p.days()), None))
        .collect();
    let month_rows = years
        .iter()
        .zip(ks)
        .flat_map(|(p, k)| {
            let y = p.start().year();
            (1..=12).map(move |m| {
                let month = Period::month(y, m).unwrap();
                (month, *k * Decimal::from(month.days()), None)
            })
        })
        .collect();
    (scenario(year_rows), scenario(month_rows))
}

/// Terms for a split test of the years `first..first + n`: whole years, or a term
/// starting and ending on random days in or around them.
fn split_terms(first: i32, n: usize, rate_scale: u32) -> impl Strategy<Value = (Terms, bool)> {
    let span = 366 * (n as i64 + 2);
    let origin = Date::from_ymd(first - 1, 1, 1).unwrap();
    let whole_from = Date::from_ymd(first, 1, 1).unwrap();
    let whole_through = Date::from_ymd(first + n as i32 - 1, 12, 31).unwrap();
    (
        any::<bool>(),
        0..=10_i64.pow(rate_scale),
        arb_steps(rate_scale),
        option::weighted(0.8, (0..2_000_000_000_000i64, 0..=3u32)),
        prop_oneof![3 => Just(0i64), 1 => 0..500_000_000_000i64],
        0..span,
        0..span,
    )
        .prop_map(move |(whole, rate, steps, cap, paid, a, b)| {
            let (from, through) = if whole {
                (whole_from, whole_through)
            } else {
                let (a, b) = (a.min(b), a.max(b));
                (origin.add_days(a).unwrap(), origin.add_days(b).unwrap())
            };
            let terms = Terms {
                rate: Decimal::new(rate, rate_scale),
                // A whole-year term has one rate; otherwise steps fall anywhere.
                rate_steps: if whole { Vec::new() } else { steps },
                cap: cap.map(|(m, s)| Decimal::new(m, s)),
                already_paid: Decimal::new(paid, 0),
                from: Some(from),
                through,
                discount_rate: None,
            };
            (terms, whole)
        })
}

fn arb_split_case(
    k_scale: std::ops::RangeInclusive<u32>,
    rate_scale: u32,
) -> impl Strategy<Value = (i32, Vec<Decimal>, Terms, bool)> {
    (
        2024..2030i32,
        vec((0..1_000_000_000_000i64, k_scale), 1..=4),
    )
        .prop_flat_map(move |(first, ks)| {
            let ks: Vec<Decimal> = ks.into_iter().map(|(m, s)| Decimal::new(m, s)).collect();
            let n = ks.len();
            split_terms(first, n, rate_scale)
                .prop_map(move |(t, whole)| (first, ks.clone(), t, whole))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// Daily revenue k with at most 10 decimals and rates with at most 2 make every
    /// segment's payment k·rate·d exact at 12 places (revenue·rate·d/D = k·rate·d), so
    /// nothing is rounded and the split changes nothing at all: not the totals, not
    /// the binding date, whether the term is whole years or starts, ends and changes
    /// rate mid-year.
    #[test]
    fn splitting_years_into_months_changes_nothing_when_exact(
        (first, ks, t, _whole) in arb_split_case(0..=10, 2)
    ) {
        let (years, months) = years_and_months(first, &ks);
        let y = compute(&years, &t).unwrap();
        let m = compute(&months, &t).unwrap();
        let (ys, ms) = (&y.summary, &m.summary);
        prop_assert_eq!(ys.eligible_revenue, ms.eligible_revenue);
        prop_assert_eq!(ys.uncapped_total, ms.uncapped_total);
        prop_assert_eq!(ys.total_paid, ms.total_paid);
        prop_assert_eq!(ys.foregone, ms.foregone);
        prop_assert_eq!(ys.cap_binds, ms.cap_binds);
        prop_assert_eq!(ys.binding_date, ms.binding_date);
        // The month that binds lies in the year that binds.
        if let (Some(yp), Some(mp)) = (ys.binding_period, ms.binding_period) {
            prop_assert!(yp.start() <= mp.start() && mp.end() <= yp.end());
        } else {
            prop_assert_eq!(ys.binding_period.is_some(), ms.binding_period.is_some());
        }
        // Each year's cumulative payment equals that of its December.
        for (i, yr) in y.periods.iter().enumerate() {
            prop_assert_eq!(yr.cumulative, m.periods[12 * i + 11].cumulative);
        }
    }

    /// With daily revenue of up to 16 decimals and a 4-decimal rate, segment payments
    /// are rounded. Both scenarios cover the same days at the same daily rate, so the
    /// exact (unrounded) totals are equal, and each side's total is a sum of segments
    /// each rounded half-even to 12 places, so within half a unit in the 12th place of
    /// its exact value. Hence, exactly:
    ///     |total(years) − total(months)| ≤ (segments(years) + segments(months)) × 0.5e-12
    /// for eligible revenue and uncapped payment, and for the total paid, which is
    /// min(uncapped, budget) on each side (min moves by at most its argument's change).
    #[test]
    fn splitting_years_into_months_changes_totals_only_by_segment_rounding(
        (first, ks, t, _whole) in arb_split_case(0..=16, 4)
    ) {
        let (years, months) = years_and_months(first, &ks);
        let y = compute(&years, &t).unwrap();
        let m = compute(&months, &t).unwrap();
        let segments = Decimal::from(y.segments.len() + m.segments.len());
        let tolerance = segments * Decimal::new(5, 13);
        let (ys, ms) = (&y.summary, &m.summary);
        for (what, a, b) in [
            ("eligible", ys.eligible_revenue, ms.eligible_revenue),
            ("uncapped", ys.uncapped_total, ms.uncapped_total),
            ("paid", ys.total_paid, ms.total_paid),
        ] {
            prop_assert!((a - b).abs() <= tolerance, "{}: {} vs {} (tolerance {})", what, a, b, tolerance);
        }
    }
}
