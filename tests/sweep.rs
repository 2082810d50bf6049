//! The cap sweep of `compare` (engine::Sweep) against the engine itself, and the
//! thresholds' meaning: a cap at or below a year-end threshold binds by that date, one
//! above it does not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use revcap::engine::{compute, Sweep};
use revcap::model::{Date, Period, PeriodInput, RateStep, Scenario, Terms};
use rust_decimal::Decimal;

fn scenario(
    granularity: u8,
    start_year: i32,
    revenues: Vec<(i64, u32)>,
    rates: Vec<Option<u32>>,
) -> Scenario {
    let mut periods = Vec::new();
    let mut p = match granularity {
        0 => Period::year(start_year),
        1 => Period::quarter(start_year, 1),
        _ => Period::month(start_year, 1),
    }
    .unwrap();
    for (i, (m, scale)) in revenues.into_iter().enumerate() {
        let rate = rates
            .get(i)
            .copied()
            .flatten()
            .map(|r| Decimal::new(i64::from(r), 2));
        periods.push(PeriodInput {
            period: p,
            revenue: Decimal::new(m, scale),
            rate,
            line: i as u64 + 2,
        });
        p = p.next().unwrap();
    }
    Scenario {
        name: "s".into(),
        source: "s.csv".into(),
        periods,
    }
}

fn date(days_after_2026: i64) -> Date {
    Date::from_ymd(2026, 1, 1)
        .unwrap()
        .add_days(days_after_2026)
        .unwrap()
}

prop_compose! {
    fn arb_case()(
        granularity in 0u8..3,
        revenues in prop::collection::vec((0i64..2_000_000_000_000, 0u32..4), 1..30),
        rates in prop::collection::vec(prop::option::weighted(0.15, 0u32..=100), 0..30),
        from in prop::option::of(-400i64..1500),
        through_len in 0i64..2500,
        steps in prop::collection::vec((0i64..2000, 0u32..=100), 0..3),
        already in 0i64..50_000_000_000,
        discount in prop::option::weighted(0.3, 1u32..20),
        caps in prop::collection::vec(prop::option::weighted(0.8, 0i64..600_000_000_000), 1..12),
    ) -> (Scenario, Terms, Vec<Option<Decimal>>) {
        let s = scenario(granularity, 2026, revenues, rates);
        let start = from.map(date);
        let through = start.unwrap_or(date(0)).add_days(through_len).unwrap();
        let mut rate_steps: Vec<RateStep> = steps
            .into_iter()
            .map(|(d, r)| RateStep { from: date(d), rate: Decimal::new(i64::from(r), 2) })
            .collect();
        rate_steps.sort_by_key(|s| s.from);
        rate_steps.dedup_by_key(|s| s.from);
        let terms = Terms {
            rate: Decimal::new(20, 2),
            rate_steps,
            cap: None,
            already_paid: Decimal::new(already, 2),
            from: start,
            through,
            discount_rate: discount.map(|d| Decimal::new(i64::from(d), 2)),
        };
        let caps = caps.into_iter().map(|c| c.map(|c| Decimal::new(c, 1))).collect();
        (s, terms, caps)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn sweep_matches_engine((s, terms, caps) in arb_case()) {
        let sweep = Sweep::new(&s, &terms).unwrap();
        // Caps that land exactly on the cumulative path (and a hair either side) are
        // where an off-by-one in the search would show.
        let mut caps = caps;
        for cumulative in sweep.cumulative().take(6) {
            let exact = terms.already_paid + cumulative;
            let tiny = Decimal::new(1, 12);
            caps.extend([Some(exact), Some(exact - tiny), Some(exact + tiny)]);
        }
        for cap in caps {
            let engine = compute(&s, &Terms { cap, ..terms.clone() }).unwrap().summary;
            // Printed forms too, not just values: `==` on Decimal ignores the scale,
            // and `run` and `compare` must print one value one way.
            let fast = sweep.summary(cap).unwrap();
            prop_assert_eq!(serde_json::to_string(&fast).unwrap(), serde_json::to_string(&engine).unwrap(), "cap {:?}", cap);
            prop_assert_eq!(fast, engine, "cap {:?}", cap);
        }
    }

    #[test]
    fn thresholds_split_binding_by_each_date((s, terms, _caps) in arb_case()) {
        let sweep = Sweep::new(&s, &terms).unwrap();
        let tiny = Decimal::new(1, 12);
        for (day, threshold) in sweep.thresholds().unwrap() {
            // At the threshold the cap binds on or before `day`...
            let at = compute(&s, &Terms { cap: Some(threshold), ..terms.clone() }).unwrap().summary;
            prop_assert!(at.cap_binds && at.binding_date.unwrap() <= day, "{} at {}: {:?}", day, threshold, at);
            // ...and just above it, not by then.
            let above = compute(&s, &Terms { cap: Some(threshold + tiny), ..terms.clone() }).unwrap().summary;
            prop_assert!(above.binding_date.is_none_or(|d| d > day), "{} above {}: {:?}", day, threshold, above);
        }
    }
}

/// Hand-computed thresholds: 100 a year at 20% from 2026 through 2028 with 5 already
/// paid: 5 + 20 = 25 by 2026-12-31, 45 by 2027-12-31, 65 by 2028-12-31.
#[test]
fn thresholds_hand_computed() {
    let s = scenario(0, 2026, vec![(100, 0); 3], vec![]);
    let terms = Terms {
        already_paid: Decimal::from(5),
        through: Date::from_ymd(2028, 12, 31).unwrap(),
        ..Terms::default()
    };
    let got: Vec<(String, String)> = Sweep::new(&s, &terms)
        .unwrap()
        .thresholds()
        .unwrap()
        .into_iter()
        .map(|(d, c)| (d.to_string(), c.normalize().to_string()))
        .collect();
    let want = [
        ("2026-12-31", "25"),
        ("2027-12-31", "45"),
        ("2028-12-31", "65"),
    ];
    assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    /// A rate × cap grid (`compare --rates ... --caps ...`): every cell's row equals the
    /// engine run alone with that rate and cap, printed form included. The grid walks
    /// once per rate and answers the caps of that rate by the sweep.
    #[test]
    fn grid_matches_engine_per_cell(
        (s, terms, caps) in arb_case(),
        rates in prop::collection::vec(0u32..=1000, 1..5),
    ) {
        use revcap::config::Variant;
        let mut variants = Vec::new();
        for r in &rates {
            let rate = Decimal::new(i64::from(*r), 3);
            for (j, cap) in caps.iter().enumerate() {
                let name = format!("{r} · {j}");
                if variants.iter().any(|v: &Variant| v.name == name) {
                    continue;
                }
                variants.push(Variant {
                    name,
                    terms: Terms { rate, cap: *cap, ..terms.clone() },
                    from_file: false,
                });
            }
        }
        let (rows, _) =
            revcap::cmd::compare::compare_all(std::slice::from_ref(&s), &terms, &variants).unwrap();
        prop_assert_eq!(rows.len(), variants.len());
        for (row, v) in rows.iter().zip(&variants) {
            let engine = compute(&s, &v.terms).unwrap().summary;
            prop_assert_eq!(serde_json::to_string(&row.summary).unwrap(), serde_json::to_string(&engine).unwrap(), "{}", v.name);
            prop_assert_eq!(row.rate, v.terms.rate.normalize());
        }
    }
}
