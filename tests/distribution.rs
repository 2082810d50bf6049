//! Properties of the Monte Carlo paths and of the distributions over them, through
//! the library: the median of each simulated period tends to the base, the spread of
//! ln(revenue / base) is σ√t, and every quantile, mean and binding probability equals
//! a brute-force computation over the per-scenario summaries, however the scenarios
//! are split into batches.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use rust_decimal::prelude::*;

use revcap::engine::compute;
use revcap::model::{Date, Period, PeriodInput, Scenario, Summary, Terms};
use revcap::montecarlo::distribution::{
    rank, year_ends, Distributions, Key, Metric, Value, PERCENTILES,
};
use revcap::montecarlo::paths::{batches, Base, Simulation};

fn base() -> Scenario {
    let years = [
        (2025, "13.1"),
        (2026, "30"),
        (2027, "62"),
        (2028, "100"),
        (2029, "167.33"),
        (2030, "280"),
    ];
    Scenario {
        name: "feb".into(),
        source: "feb.csv".into(),
        periods: years
            .iter()
            .map(|(y, b)| PeriodInput {
                period: Period::year(*y).unwrap(),
                revenue: Decimal::from_str(b).unwrap() * Decimal::from(1_000_000_000),
                rate: None,
                line: 1,
            })
            .collect(),
    }
}

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// On 100,000 paths, for each simulated period: the median revenue is within 1% of
/// the base, and the standard deviation of ln(revenue / base) within 1.5% of σ√t
/// (its standard error is about σ√t / √(2n), 0.22%).
#[test]
fn medians_tend_to_the_base_and_log_spread_is_sigma_root_t() {
    let s = base();
    let sigma = 0.3;
    let sim = Simulation {
        volatility: Decimal::from_str("0.3").unwrap(),
        seed: 2024,
        decimals: 2,
    };
    let start = d("2026-04-27");
    let b = Base::new(&s, start, &sim);
    let n = 100_000u64;
    let periods = s.periods.len();
    let mut logs: Vec<Vec<f64>> = vec![Vec::with_capacity(n as usize); periods];
    let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(n as usize); periods];
    let (mut rev, mut scratch) = (Vec::new(), Vec::new());
    for path in 1..=n {
        b.revenues(path, &mut rev, &mut scratch).unwrap();
        for (i, (r, p)) in rev.iter().zip(&s.periods).enumerate() {
            let (r, base) = (r.to_f64().unwrap(), p.revenue.to_f64().unwrap());
            logs[i].push((r / base).ln());
            values[i].push(r);
        }
    }
    for (i, t) in b.times().into_iter().enumerate() {
        let base = s.periods[i].revenue.to_f64().unwrap();
        let v = &mut values[i];
        v.sort_by(f64::total_cmp);
        let median = v[rank(50, v.len()) - 1];
        if t <= 0.0 {
            // Copied as given.
            assert!(v.iter().all(|x| *x == base));
            continue;
        }
        assert!(
            (median / base - 1.0).abs() < 0.01,
            "period {i}: median {median} vs {base}"
        );
        let l = &logs[i];
        let mean = l.iter().sum::<f64>() / l.len() as f64;
        let sd = (l.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (l.len() - 1) as f64).sqrt();
        let want = sigma * t.sqrt();
        assert!(
            (sd / want - 1.0).abs() < 0.015,
            "period {i}: sd {sd} vs σ√t {want}"
        );
        assert!(mean.abs() < 0.01, "period {i}: mean of logs {mean}");
    }
}

/// The brute-force reference: sort the values, take rank ⌈p·n/100⌉ (found by
/// counting, not by the library's formula), mean = exact sum / n rounded half-even.
fn brute_quantile<T: Clone>(sorted: &[T], p: u32) -> T {
    let n = sorted.len();
    let mut k = 1;
    while 100 * k < p as usize * n {
        k += 1;
    }
    sorted[k - 1].clone()
}

/// A summary with the amounts and binding date given.
fn summary(paid: i64, foregone: i64, bind: Option<Date>) -> Summary {
    Summary {
        eligible_revenue: Decimal::new(paid * 5 + 7, 2),
        uncapped_total: Decimal::new(paid + foregone, 2),
        total_paid: Decimal::new(paid, 2),
        foregone: Decimal::new(foregone, 2),
        cap_binds: bind.is_some(),
        binding_period: None,
        binding_date: bind,
        effective_rate: None,
        present_value: None,
        covered_from: d("2026-01-01"),
        covered_through: d("2030-12-31"),
    }
}

fn check(all: &[Summary], from: Date, through: Date, batch: usize) {
    let key = Key {
        group: "g",
        variant: "38B",
        cap: None,
        rate: None,
    };
    let mut dist = Distributions::new(through, false);
    for chunk in all.chunks(batch.max(1)) {
        for s in chunk {
            dist.add(&key, from, s);
        }
    }
    let rows = dist.summaries().unwrap();
    let n = all.len();
    // No present value without a discount rate: five metrics.
    assert_eq!(rows.len(), 5);
    for row in rows.iter() {
        assert_eq!(row.paths, n as u64);
        if row.metric == Metric::BindingDate {
            // Never binding sorts after every date.
            let mut dates: Vec<Option<Date>> = all.iter().map(|s| s.binding_date).collect();
            dates.sort_by_key(|d| (d.is_none(), *d));
            let at = |p| brute_quantile(&dates, p).map(Value::Date);
            assert_eq!(row.min, dates[0].map(Value::Date));
            assert_eq!(row.max, dates[n - 1].map(Value::Date));
            for (i, p) in PERCENTILES.iter().enumerate() {
                assert_eq!(row.percentiles[i], at(*p), "binding p{p}");
            }
            assert_eq!(row.mean, None);
            continue;
        }
        let get = |s: &Summary| match row.metric {
            Metric::TotalPaid => s.total_paid,
            Metric::Foregone => s.foregone,
            Metric::UncappedTotal => s.uncapped_total,
            Metric::EligibleRevenue => s.eligible_revenue,
            _ => unreachable!(),
        };
        let mut v: Vec<Decimal> = all.iter().map(get).collect();
        let sum: Decimal = v.iter().sum();
        v.sort();
        assert_eq!(row.min, Some(Value::Amount(v[0])));
        assert_eq!(row.max, Some(Value::Amount(v[n - 1])));
        for (i, p) in PERCENTILES.iter().enumerate() {
            assert_eq!(
                row.percentiles[i],
                Some(Value::Amount(brute_quantile(&v, *p)))
            );
        }
        // Independent of the library's exact division: Decimal's 28-digit quotient,
        // rounded (a tie at the 12th place would need 16 more digits of 0s).
        let mean = (sum / Decimal::from(n))
            .round_dp_with_strategy(12, RoundingStrategy::MidpointNearestEven);
        assert_eq!(row.mean.unwrap(), mean.normalize(), "{:?}", row.metric);
    }
    let probs = dist.probabilities().unwrap();
    let ends = year_ends(from, through);
    assert_eq!(probs.len(), ends.len());
    for (p, by) in probs.iter().zip(ends) {
        assert_eq!(p.by, by);
        let bound = all
            .iter()
            .filter(|s| s.binding_date.is_some_and(|b| b <= by))
            .count();
        assert_eq!(p.bound, bound as u64);
        let exact = Decimal::from(bound) / Decimal::from(n);
        assert_eq!(
            p.probability,
            exact
                .round_dp_with_strategy(12, RoundingStrategy::MidpointNearestEven)
                .normalize()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn quantiles_and_probabilities_match_brute_force(
        rows in prop::collection::vec((0i64..5_000, 0i64..5_000, prop::option::of(0i64..2000)), 1..300),
        batch in 1usize..50,
    ) {
        let from = d("2026-04-27");
        let all: Vec<Summary> = rows
            .iter()
            .map(|(p, f, b)| summary(*p, *f, b.map(|b| from.add_days(b).unwrap())))
            .collect();
        check(&all, from, d("2030-12-31"), batch);
    }
}

/// Paths through the engine under a 38B cap, fed a batch at a time as `run --paths`
/// will: the same as brute force over their summaries.
#[test]
fn simulated_paths_through_the_engine_match_brute_force() {
    let s = base();
    let sim = Simulation {
        volatility: Decimal::from_str("0.4").unwrap(),
        seed: 9,
        decimals: 2,
    };
    let terms = Terms {
        cap: Some(Decimal::from(38_000_000_000i64)),
        from: Some(d("2026-04-27")),
        ..Terms::default()
    };
    let b = Base::new(&s, d("2026-04-27"), &sim);
    let key = Key {
        group: "feb",
        variant: "",
        cap: terms.cap,
        rate: None,
    };
    let mut dist = Distributions::new(terms.through, true);
    let mut summaries = Vec::new();
    for batch in batches(&b, 600, 37) {
        let results: Vec<_> = batch
            .unwrap()
            .iter()
            .map(|p| compute(p, &terms).unwrap())
            .collect();
        dist.add_results(&key, &results);
        summaries.extend(results.into_iter().map(|r| r.summary));
    }
    check_one(&dist, &summaries);
    // The fan chart's bands: one per period end, ordered p5 ≤ p25 ≤ p50 ≤ p75 ≤ p95.
    let bands = dist.groups()[0].bands().unwrap();
    assert_eq!(bands.len(), s.periods.len());
    for band in &bands {
        assert!(band.paid.windows(2).all(|w| w[0] <= w[1]), "{band:?}");
        assert!(band.paid[4] <= 38e9 * (1.0 + 1e-6));
    }
    // With a discount rate, present values are a sixth metric.
    let discounted = Terms {
        discount_rate: Some(Decimal::from_str("0.08").unwrap()),
        ..terms.clone()
    };
    let mut pv = Distributions::new(terms.through, false);
    let batch = batches(&b, 50, 50).next().unwrap().unwrap();
    let results: Vec<_> = batch
        .iter()
        .map(|p| compute(p, &discounted).unwrap())
        .collect();
    pv.add_results(&key, &results);
    let rows = pv.summaries().unwrap();
    assert_eq!(rows.len(), 6);
    let row = rows
        .iter()
        .find(|r| r.metric == Metric::PresentValue)
        .unwrap();
    let mut values: Vec<Decimal> = results
        .iter()
        .map(|r| r.summary.present_value.unwrap())
        .collect();
    values.sort();
    assert_eq!(
        row.percentiles[3],
        Some(Value::Amount(brute_quantile(&values, 50)))
    );
    // Some paths bind and some do not at σ = 40%: both ends are exercised.
    assert!(summaries.iter().any(|s| s.binding_date.is_some()));
    assert!(summaries.iter().any(|s| s.binding_date.is_none()));
}

fn check_one(dist: &Distributions, all: &[Summary]) {
    let mut single = Distributions::new(dist.through(), false);
    let key = Key {
        group: "g",
        variant: "38B",
        cap: None,
        rate: None,
    };
    for s in all {
        single.add(&key, d("2026-04-27"), s);
    }
    let strip = |rows: std::sync::Arc<Vec<revcap::montecarlo::distribution::Summary>>| {
        rows.iter()
            .cloned()
            .map(|mut r| {
                r.group.clear();
                r.variant.clear();
                r
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip(dist.summaries().unwrap()),
        strip(single.summaries().unwrap())
    );
    check(all, d("2026-04-27"), dist.through(), 64);
}
