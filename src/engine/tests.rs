//! Hand-computed cases of the engine. Each comment shows the arithmetic, done by hand
//! (long division to 13+ places) independently of the code; `D` is the period's days,
//! `d` a segment's days, `u` its uncapped payment, `r` the cap remaining at its start.

use std::str::FromStr;

use super::*;
use crate::model::{Period, RateStep};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}
fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}
fn year(y: i32) -> Period {
    Period::year(y).unwrap()
}
/// Consecutive periods from `first`, one revenue each.
fn scenario(first: Period, revenues: &[&str]) -> Scenario {
    let mut p = first;
    let mut periods = Vec::new();
    for (i, r) in revenues.iter().enumerate() {
        periods.push(PeriodInput {
            period: p,
            revenue: d(r),
            rate: None,
            line: i as u64 + 2,
        });
        p = p.next().unwrap();
    }
    Scenario {
        name: "t".into(),
        source: "t.csv".into(),
        periods,
    }
}
fn capped_at(cap: &str) -> Terms {
    Terms {
        cap: Some(d(cap)),
        ..Terms::default()
    }
}
fn run(s: &Scenario, t: &Terms) -> ScenarioResult {
    compute(s, t).unwrap()
}
/// One column of the ledger as text without trailing zeros, e.g.
/// `col(&r, |p| p.payment)`.
fn col(r: &ScenarioResult, f: impl Fn(&PeriodResult) -> Decimal) -> Vec<String> {
    r.periods
        .iter()
        .map(|p| f(p).normalize().to_string())
        .collect()
}
fn capped(r: &ScenarioResult) -> Vec<bool> {
    r.periods.iter().map(|p| p.capped).collect()
}

#[test]
fn cap_reached_exactly_at_a_period_end_binds_on_its_last_day() {
    // 2026..2028, 100 a year at 20%: u = 20 a year. Cap 40.
    // 2026: r = 40, pays 20 (u < r). 2027: r = 20 = u: pays all 20, so the period
    // is not cut (capped = false), and k = min k with 20·k ≥ 20·365 = 365: the
    // cap binds on day 365, 2027-12-31. 2028: r = 0, pays 0, cut.
    let r = run(
        &scenario(year(2026), &["100", "100", "100"]),
        &capped_at("40"),
    );
    assert_eq!(col(&r, |p| p.uncapped_payment), ["20", "20", "20"]);
    assert_eq!(col(&r, |p| p.payment), ["20", "20", "0"]);
    assert_eq!(col(&r, |p| p.cumulative), ["20", "40", "40"]);
    assert_eq!(col(&r, |p| p.remaining_cap.unwrap()), ["20", "0", "0"]);
    assert_eq!(capped(&r), [false, false, true]);
    let s = &r.summary;
    assert!(s.cap_binds);
    assert_eq!(s.binding_period, Some(year(2027)));
    assert_eq!(s.binding_date, Some(date("2027-12-31")));
    assert_eq!(s.total_paid, d("40"));
    assert_eq!(s.uncapped_total, d("60"));
    assert_eq!(s.foregone, d("20"));
    // 40 / 300 to Decimal's 28 significant digits.
    assert_eq!(s.effective_rate, Some(d("0.1333333333333333333333333333")));

    // The cap reached exactly as the term ends also binds (docs/spec.md §4.5), with
    // nothing foregone. Term through 2027-12-31, so 2028 lies wholly outside it:
    // eligible 0, uncapped 0, paid 0, and not cut (0 < 0 is false).
    let t = Terms {
        through: date("2027-12-31"),
        ..capped_at("40")
    };
    let r = run(&scenario(year(2026), &["100", "100", "100"]), &t);
    assert_eq!(col(&r, |p| p.eligible_revenue), ["100", "100", "0"]);
    assert_eq!(col(&r, |p| p.payment), ["20", "20", "0"]);
    assert_eq!(capped(&r), [false, false, false]);
    assert!(r.summary.cap_binds);
    assert_eq!(r.summary.binding_date, Some(date("2027-12-31")));
    assert_eq!(r.summary.foregone, d("0"));
}

#[test]
fn cap_reached_mid_period_binds_on_the_day() {
    // 2026, revenue 365 at 20%: u = 73, d = 365 (0.2 a day).
    // Cap 30.1: r·d = 30.1·365 = 10986.5; 73·150 = 10950 < 10986.5 ≤ 73·151 =
    // 11023, so k = 151: 2026-01-01 + 150 days = 2026-05-31
    // (Jan 31 + Feb 28 + Mar 31 + Apr 30 = 120 days, day 151 is May 31).
    let s = scenario(year(2026), &["365"]);
    let r = run(&s, &capped_at("30.1"));
    assert_eq!(r.summary.binding_date, Some(date("2026-05-31")));
    assert_eq!(r.summary.binding_period, Some(year(2026)));
    assert_eq!(col(&r, |p| p.payment), ["30.1"]);
    assert_eq!(capped(&r), [true]);
    assert_eq!(r.summary.foregone, d("42.9")); // 73 − 30.1

    // Cap 30: r·d = 10950 = 73·150 exactly, so k = 150: reached at the end of
    // day 150, 2026-05-30 (150 days × 0.2 = 30), not the day after.
    let r = run(&s, &capped_at("30"));
    assert_eq!(r.summary.binding_date, Some(date("2026-05-30")));

    // In a later period: 2026 pays 100·0.2 = 20 of a cap of 97, leaving r = 77
    // for 2027 (revenue 1000, u = 200, d = 365). r·d = 77·365 = 28105;
    // 200·140 = 28000 < 28105 ≤ 200·141 = 28200, so k = 141:
    // 2027-01-01 + 140 days = 2027-05-21 (120 days to Apr 30, day 141 = May 21).
    let r = run(&scenario(year(2026), &["100", "1000"]), &capped_at("97"));
    assert_eq!(col(&r, |p| p.payment), ["20", "77"]);
    assert_eq!(capped(&r), [false, true]);
    assert_eq!(r.summary.binding_period, Some(year(2027)));
    assert_eq!(r.summary.binding_date, Some(date("2027-05-21")));
    assert_eq!(r.summary.foregone, d("123")); // 220 − 97

    // A month: 2027-02 (D = 28), revenue 28 at 20%: u = 5.6. Cap 2.9:
    // r·d = 2.9·28 = 81.2; 5.6·14 = 78.4 < 81.2 ≤ 5.6·15 = 84, so k = 15: 2027-02-15.
    let r = run(
        &scenario(Period::month(2027, 2).unwrap(), &["28"]),
        &capped_at("2.9"),
    );
    assert_eq!(r.summary.binding_date, Some(date("2027-02-15")));
    assert_eq!(
        r.summary.binding_period,
        Some(Period::month(2027, 2).unwrap())
    );
}

#[test]
fn already_paid_at_or_over_cap_binds_on_from() {
    // Nothing is left to pay, so the cap binds on the term's first day and every
    // period with something due is cut to 0. 2026 from 2026-04-27: d = 365 − 116
    // = 249 (Jan 1 to Apr 26 is 31 + 28 + 31 + 26 = 116 days), u = 100·0.2·249/365
    // = 4980/365 = 13.6438356164383561… → 13.643835616438; 2027: u = 20.
    let s = scenario(year(2026), &["100", "100"]);
    for already_paid in ["10", "12"] {
        let t = Terms {
            already_paid: d(already_paid),
            from: Some(date("2026-04-27")),
            ..capped_at("10")
        };
        let r = run(&s, &t);
        assert_eq!(col(&r, |p| p.uncapped_payment), ["13.643835616438", "20"]);
        assert_eq!(col(&r, |p| p.payment), ["0", "0"]);
        assert_eq!(col(&r, |p| p.remaining_cap.unwrap()), ["0", "0"]);
        assert_eq!(capped(&r), [true, true]);
        let sum = &r.summary;
        assert!(sum.cap_binds, "already paid {already_paid}");
        assert_eq!(sum.binding_date, Some(date("2026-04-27")));
        assert_eq!(sum.binding_period, Some(year(2026)));
        assert_eq!(sum.total_paid, d("0"));
        assert_eq!(sum.foregone, d("33.643835616438"));
    }
    // A cap of 0 with nothing paid is the same case; `from` defaults to the
    // first period's first day.
    let r = run(&s, &capped_at("0"));
    assert_eq!(r.summary.binding_date, Some(date("2026-01-01")));
    assert_eq!(r.summary.total_paid, d("0"));
    // A term starting before the first period: binds on `from`, in no period.
    let t = Terms {
        already_paid: d("10"),
        from: Some(date("2025-06-01")),
        ..capped_at("10")
    };
    let r = run(&s, &t);
    assert_eq!(r.summary.binding_date, Some(date("2025-06-01")));
    assert_eq!(r.summary.binding_period, None);
}

#[test]
fn term_starting_mid_leap_year_prorates_by_days() {
    // 2028 is a leap year: D = 366. From 2028-03-01: d = 366 − 31 − 29 = 306.
    // eligible = 1000·306/366 = 306000/366 = 836.06557377049180327… → 836.065573770492
    // uncapped = 1000·0.2·306/366 = 61200/366 = 167.21311475409836065… → 167.213114754098
    // 2027 lies before the term: nothing. 2029 is whole: 1000 and 200.
    let t = Terms {
        from: Some(date("2028-03-01")),
        ..Terms::default()
    };
    let r = run(&scenario(year(2027), &["1000", "1000", "1000"]), &t);
    assert_eq!(
        col(&r, |p| p.eligible_revenue),
        ["0", "836.065573770492", "1000"]
    );
    assert_eq!(
        col(&r, |p| p.uncapped_payment),
        ["0", "167.213114754098", "200"]
    );
    assert_eq!(r.segments[0].start, date("2028-03-01"));
    assert_eq!(r.segments[0].end, date("2028-12-31"));
    assert_eq!(r.summary.eligible_revenue, d("1836.065573770492"));
    assert_eq!(r.summary.uncapped_total, d("367.213114754098"));

    // The leap day counts: 2028-02 has D = 29; from 2028-02-15, d = 15.
    // Revenue 29: eligible 29·15/29 = 15, uncapped 29·0.2·15/29 = 3.
    let t = Terms {
        from: Some(date("2028-02-15")),
        ..Terms::default()
    };
    let r = run(&scenario(Period::month(2028, 2).unwrap(), &["29"]), &t);
    assert_eq!(col(&r, |p| p.eligible_revenue), ["15"]);
    assert_eq!(col(&r, |p| p.uncapped_payment), ["3"]);
}

#[test]
fn rate_step_inside_a_period_splits_it_and_rounds_each_segment() {
    // 2027 (D = 365), revenue 3, 20% then 15% from 2027-07-01:
    // Jan 1–Jun 30: d = 31+28+31+30+31+30 = 181; Jul 1–Dec 31: d = 184.
    // u1 = 3·0.2·181/365  = 108.6/365 = 0.29753424657534246… → 0.297534246575
    // u2 = 3·0.15·184/365 =  82.8/365 = 0.22684931506849315… → 0.226849315068
    // period = u1 + u2 = 0.524383561643. (Rounding the period's exact total,
    // 191.4/365 = 0.52438356164383561…, would give …644: segments round apart.)
    // eligible: 543/365 = 1.48767123287671232… → 1.487671232877 and
    //           552/365 = 1.51232876712328767… → 1.512328767123; sum 3.000000000000.
    // 2028: the step to 10% on 2028-01-01 is at its first day: one segment, 3·0.1.
    let t = Terms {
        rate_steps: vec![
            RateStep {
                from: date("2027-07-01"),
                rate: d("0.15"),
            },
            RateStep {
                from: date("2028-01-01"),
                rate: d("0.1"),
            },
        ],
        ..Terms::default()
    };
    let r = run(&scenario(year(2027), &["3", "3"]), &t);
    assert_eq!(col(&r, |p| p.uncapped_payment), ["0.524383561643", "0.3"]);
    assert_eq!(col(&r, |p| p.eligible_revenue), ["3", "3"]);
    let segs: Vec<String> = r
        .segments
        .iter()
        .map(|s| {
            format!(
                "{} {} {} {}",
                s.start,
                s.end,
                s.rate.normalize(),
                s.uncapped
            )
        })
        .collect();
    assert_eq!(
        segs,
        [
            "2027-01-01 2027-06-30 0.2 0.297534246575",
            "2027-07-01 2027-12-31 0.15 0.226849315068",
            "2028-01-01 2028-12-31 0.1 0.3",
        ]
    );
}

#[test]
fn per_period_rate_overrides_rate_steps_for_that_period_only() {
    // Step to 15% on 2027-07-01; 2027's row says 10%. 2026 is at 20%: 200.
    // 2027 still splits at the step (181 + 184 days) but both parts use 10%:
    //   1000·0.1·181/365 = 18100/365 = 49.58904109589041095… → 49.589041095890
    //   1000·0.1·184/365 = 18400/365 = 50.41095890410958904… → 50.410958904110
    //   sum 100.000000000000
    // 2028 has no override, so the step's 15% applies: 150.
    let mut s = scenario(year(2026), &["1000", "1000", "1000"]);
    s.periods[1].rate = Some(d("0.1"));
    let t = Terms {
        rate_steps: vec![RateStep {
            from: date("2027-07-01"),
            rate: d("0.15"),
        }],
        ..Terms::default()
    };
    let r = run(&s, &t);
    assert_eq!(col(&r, |p| p.uncapped_payment), ["200", "100", "150"]);
    assert_eq!(r.segments.len(), 4);
    assert!(r.segments[1..3].iter().all(|s| s.rate == d("0.1")));
}

#[test]
fn no_cap_term_end_mid_period_and_a_period_outside_the_term() {
    // 365 a year at 20%, through 2030-06-30, no cap.
    // 2029: 73. 2030: d = 31+28+31+30+31+30 = 181 of 365: eligible 181, u = 36.2.
    // 2031: after the term, nothing. Totals: eligible 365 + 181 = 546,
    // paid 73 + 36.2 = 109.2, effective rate 109.2/546 = 0.2.
    let t = Terms {
        through: date("2030-06-30"),
        ..Terms::default()
    };
    let r = run(&scenario(year(2029), &["365", "365", "365"]), &t);
    assert_eq!(col(&r, |p| p.eligible_revenue), ["365", "181", "0"]);
    assert_eq!(col(&r, |p| p.payment), ["73", "36.2", "0"]);
    assert_eq!(col(&r, |p| p.cumulative), ["73", "109.2", "109.2"]);
    assert!(r.periods.iter().all(|p| p.remaining_cap.is_none()));
    assert_eq!(capped(&r), [false, false, false]);
    let s = &r.summary;
    assert_eq!(s.eligible_revenue, d("546"));
    assert_eq!(s.uncapped_total, d("109.2"));
    assert_eq!(s.total_paid, d("109.2"));
    assert_eq!(s.foregone, d("0"));
    assert!(!s.cap_binds);
    assert_eq!((s.binding_period, s.binding_date), (None, None));
    assert_eq!(s.effective_rate, Some(d("0.2")));
    assert_eq!(s.present_value, None);
    assert!(r.periods.iter().all(|p| p.present_value.is_none()));
}

#[test]
fn nothing_eligible_gives_no_effective_rate() {
    // Every period lies after the term: 0 eligible, so no rate (not a division by 0).
    let t = Terms {
        from: Some(date("2026-01-01")),
        through: date("2026-12-31"),
        ..capped_at("5")
    };
    let r = run(&scenario(year(2027), &["100"]), &t);
    assert_eq!(r.summary.eligible_revenue, d("0"));
    assert_eq!(r.summary.effective_rate, None);
    assert!(!r.summary.cap_binds);
}

#[test]
fn present_value_discounts_whole_years_exactly() {
    // From 2025-12-31 at 10%. 2026 pays 1100·0.2 = 220 on 2026-12-31, 365 days
    // later: 220 / 1.1 = 200. 2027 pays 1210·0.2 = 242 on 2027-12-31, 730 days
    // later: 242 / 1.1² = 242 / 1.21 = 200. Total 400.
    let t = Terms {
        from: Some(date("2025-12-31")),
        discount_rate: Some(d("0.1")),
        ..Terms::default()
    };
    let r = run(&scenario(year(2026), &["1100", "1210"]), &t);
    assert_eq!(col(&r, |p| p.payment), ["220", "242"]);
    let pv: Vec<Decimal> = r.periods.iter().map(|p| p.present_value.unwrap()).collect();
    assert_eq!(pv, [d("200"), d("200")]);
    assert_eq!(r.summary.present_value, Some(d("400")));
}

#[test]
fn div_round12_is_exact_half_even() {
    let q = |n: &str, den: i64| div_round12(d(n), Decimal::from(den)).unwrap().to_string();
    // Exact ties: the 13th decimal is 5 and nothing follows.
    // 1e-12 / 2 = 0.0000000000005: 12th decimal 0 is even, stays 0.
    assert_eq!(q("0.000000000001", 2), "0.000000000000");
    // 3e-12 / 2 = 0.0000000000015: 12th decimal 1 is odd, goes up to 2.
    assert_eq!(q("0.000000000003", 2), "0.000000000002");
    // 5e-12 / 2 = 0.0000000000025: 2 is even, stays.
    assert_eq!(q("0.000000000005", 2), "0.000000000002");
    // 4.00000000001 / 4 = 1.0000000000025 → 1.000000000002 (even).
    assert_eq!(q("4.00000000001", 4), "1.000000000002");
    // 4.00000000003 / 4 = 1.0000000000075 → 1.000000000008 (7 is odd).
    assert_eq!(q("4.00000000003", 4), "1.000000000008");
    // Not ties: 2/3 = 0.6666666666666… → …667; 1/3 → …333.
    assert_eq!(q("2", 3), "0.666666666667");
    assert_eq!(q("1", 3), "0.333333333333");

    // Where 28 significant digits are not enough and rounding the quotient
    // again would round twice. With T = 800000000000000.0000000000005 (15
    // integer digits and 13 decimals: 28 digits, the most Decimal holds here):
    // n = 3·T + 1e-13 = 2400000000000000.0000000000016, and n/3 = T + 1e-13/3
    // = 800000000000000.00000000000053333…: just above the tie, so it rounds
    // up to …001. Decimal's quotient is T itself, whose half-even rounding
    // would give …000.
    assert_eq!(
        q("2400000000000000.0000000000016", 3),
        "800000000000000.000000000001"
    );
    // And just below a tie with an odd 12th decimal: T = …0015, n = 3·T − 1e-13
    // = 2400000000000000.0000000000044, n/3 = 800000000000000.00000000000146666…
    // rounds down to …001 (the quotient rounds to T, whose half-even rounding
    // would give …002).
    assert_eq!(
        q("2400000000000000.0000000000044", 3),
        "800000000000000.000000000001"
    );
    // The ties themselves at that size: 3·T / 3 = T exactly.
    assert_eq!(
        q("2400000000000000.0000000000015", 3),
        "800000000000000.000000000000"
    );
    assert_eq!(
        q("2400000000000000.0000000000045", 3),
        "800000000000000.000000000002"
    );
    // A zero or negative divisor is refused, not a panic.
    assert_eq!(div_round12(Decimal::ONE, Decimal::ZERO), None);
}

#[test]
fn pay_pays_one_segment_against_the_cap() {
    // The segment of `cap_reached_mid_period_binds_on_the_day`: u = 73 over d = 365
    // days from 2026-01-01.
    let first = date("2026-01-01");
    let pay = |u: &str, r: &str, bound: bool| {
        let p = cap::pay(d(u), d("365"), first, d(r), bound).unwrap();
        (p.amount.normalize().to_string(), p.binds_on)
    };
    // r = 30.1 ≤ u: pays 30.1 and binds on day k = 151, 2026-05-31.
    assert_eq!(
        pay("73", "30.1", false),
        ("30.1".into(), Some(date("2026-05-31")))
    );
    // The same once the cap has bound: no second binding day.
    assert_eq!(pay("73", "30.1", true), ("30.1".into(), None));
    // r > u: pays all of u and does not bind; r = u binds on the last day.
    assert_eq!(pay("73", "80", false), ("73".into(), None));
    assert_eq!(
        pay("73", "73", false),
        ("73".into(), Some(date("2026-12-31")))
    );
    // r below 0 (paid past the cap) pays 0; u = 0 never binds.
    assert_eq!(pay("73", "-5", true), ("0".into(), None));
    assert_eq!(pay("0", "10", false), ("0".into(), None));
}

#[test]
fn binding_day_compares_exact_products() {
    // u = 45000000000000000.000000000001 over d = 3 days, r = 30000000000000000.000000000001
    // remaining. u × 2 = 90000000000000000.000000000002 < r × 3 =
    // 90000000000000000.000000000003 ≤ u × 3, so k = 3: the third day. Both products
    // need 29 digits past 2^96, so Decimal's products round both to 9e16, and the
    // comparison made on them found k = 2.
    let first = date("2026-01-01");
    let u = d("45000000000000000.000000000001");
    let r = d("30000000000000000.000000000001");
    assert_eq!(
        cap::binding_date(u, r, d("3"), first),
        Some(date("2026-01-03"))
    );
    // One unit of the 12th place less remaining: r × 3 = …0000 < u × 2, so k = 2.
    assert_eq!(
        cap::binding_date(u, d("30000000000000000"), d("3"), first),
        Some(date("2026-01-02"))
    );
    // A remaining cap near the largest amount: r × d leaves Decimal's range, which
    // was an overflow error; the day is still defined (here the last, u = r).
    let max = Decimal::MAX;
    assert_eq!(
        cap::binding_date(max, max, d("365"), first),
        Some(date("2026-12-31"))
    );
}

#[test]
fn prorating_past_28_digits_is_an_overflow_error() {
    // 100000000000000000.1 over 364 of 2026's 365 days (from 2026-01-02) is
    // 99726027397260274.0723287671232…: with 12 places, 29 digits past 2^96, no
    // Decimal. The walk reports the overflow, naming the period, instead of a rounded
    // amount.
    let s = scenario(year(2026), &["100000000000000000.1"]);
    let t = Terms {
        from: Some(date("2026-01-02")),
        ..Terms::default()
    };
    let e = compute(&s, &t).unwrap_err().to_string();
    assert!(
        e.contains("eligible revenue overflows in period 2026"),
        "{e}"
    );
}

mod binding_day_at_every_size {
    use num_bigint::BigInt;
    use proptest::prelude::*;

    use super::*;

    /// A decimal ≥ 0 of 1–29 digits at a scale 0..=28: the largest values, many
    /// places.
    fn amount() -> impl Strategy<Value = Decimal> {
        (any::<u128>(), 1u32..=29, 0u32..=28).prop_map(|(m, digits, scale)| {
            let m = m % 10u128.pow(digits) % 79_228_162_514_264_337_593_543_950_336u128;
            Decimal::from_i128_with_scale(m as i128, scale)
        })
    }

    /// `x × k` exactly, as a big integer scaled by 10^28.
    fn scaled(x: Decimal, k: i64) -> BigInt {
        BigInt::from(x.mantissa()) * BigInt::from(10).pow(28 - x.scale()) * k
    }

    proptest! {
        /// `cap::binding_date`'s k is the smallest k ≥ 1 with u·k ≥ r·d, checked in
        /// big integers: u·k ≥ r·d and, unless k = 1, u·(k − 1) < r·d (u > 0,
        /// u ≥ r ≥ 0, as `cap::pay` calls it).
        #[test]
        fn the_smallest_k_with_u_k_at_least_r_d(
            (a, b) in (amount(), amount()),
            days in 1i64..=366,
        ) {
            let (u, r) = if a >= b { (a, b) } else { (b, a) };
            prop_assume!(u > Decimal::ZERO);
            let first = date("2026-01-01");
            let day = cap::binding_date(u, r, Decimal::from(days), first).unwrap();
            let k = first.days_until(day) + 1;
            prop_assert!((1..=days).contains(&k));
            let target = scaled(r, days);
            prop_assert!(scaled(u, k) >= target, "u·k < r·d: {} {} {} k={}", u, r, days, k);
            if k > 1 {
                prop_assert!(scaled(u, k - 1) < target, "not the smallest: {} {} {} k={}", u, r, days, k);
            }
        }
    }
}

proptest::proptest! {
    /// `prorate_whole` keeps the bits (sign, scale, mantissa) of Decimal's own product
    /// wherever that product is exact (it keeps the sum of the scales), then rounded
    /// once to 12 places: what the engine gave before it worked on mantissas, and
    /// what a bit-for-bit copy of the walk may rely on.
    #[test]
    fn prorate_whole_keeps_decimals_exact_product(
        (rm, rs) in (proptest::prelude::any::<u64>(), 0u32..=20),
        (tm, ts) in (0u64..=1_000_000, 0u32..=8),
    ) {
        let revenue = Decimal::new(i64::try_from(rm >> 1).unwrap(), rs);
        let rate = Decimal::new(i64::try_from(tm).unwrap(), ts);
        let product = revenue.checked_mul(rate).unwrap();
        proptest::prop_assume!(product.is_zero() || product.scale() == rs + ts);
        let expected = if rate == Decimal::ONE { round12(revenue) } else { round12(product) };
        proptest::prop_assert_eq!(
            prorate_whole(revenue, rate).map(|x| x.serialize()),
            expected.map(|x| x.serialize())
        );
    }
}

#[test]
fn a_zero_whole_payment_is_decimals_zero() {
    // Decimal's product of a zero is its scale-0 zero; so is `prorate_whole`'s.
    for (revenue, rate) in [("12.50", "0.00"), ("0.000", "0.2"), ("0", "0.15")] {
        assert_eq!(
            prorate_whole(d(revenue), d(rate)).unwrap().serialize(),
            Decimal::ZERO.serialize()
        );
    }
}

/// A remembered discount factor is the one computed: for rates at several scales
/// (equal values included: `0.08` and `0.080`), whole and partial years, asked for
/// twice and past the number kept.
#[test]
fn discount_factors_are_remembered_as_computed() {
    let rates = [
        "0.08",
        "0.080",
        "0.0800000000000000000001",
        "0.05",
        "0.1234567",
        "0",
    ];
    for round in 0..2 {
        for r in rates {
            for days in [1, 30, 365, 400, 730, 1826, 36_500] {
                let got = super::discount_factor(d(r), days).map(|f| f.serialize());
                let want = super::discount_factor_of(d(r), days).map(|f| f.serialize());
                assert_eq!(got, want, "rate {r}, {days} days, round {round}");
            }
        }
        // Past the number kept, the table starts again.
        for days in 0..5000 {
            let _ = super::discount_factor(d("0.07"), days);
        }
    }
}
