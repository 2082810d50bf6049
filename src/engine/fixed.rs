//! The uncapped walk of a plain scenario on integer mantissas: the cap sweep's fast
//! path, giving the very `Decimal`s (value and scale) the ledger walk gives, or nothing
//! when the scenario is not plain and the ledger walk must run.
//!
//! Plain: no rate steps, no discount rate, no cap, no negative revenue, and every
//! period either wholly inside the term or wholly outside it (no proration). Then each
//! period's payment is one product, `revenue × rate`, and every sum is an addition of
//! non-negative decimals with at most 12 places. Each is done here on `i128` mantissas
//! by `rust_decimal`'s own rules (a product's scale is the sum of the scales; a sum
//! takes the larger scale; a zero operand gives back the other one, and a zero
//! product is the scale-0 zero), committing only where `rust_decimal` would keep
//! every digit (a mantissa below 2^96, a scale at most 28). Anything else returns
//! `None` and the ledger walk computes the scenario instead, overflow errors included.
//!
//! Why: a `Decimal` addition costs dozens of instructions of scale and limb handling;
//! on a large `compare` the walk was a fifth of all the work. Pinned against the
//! ledger walk, bit for bit, by `tests::fixed_walk_is_the_ledger_walk`.

use rust_decimal::Decimal;

use super::walk::{Record, Totals, Walked};
use super::{term_start, PRORATION_DP};
use crate::model::{Date, PeriodInput, PeriodResult, Scenario, Segment, Summary, Terms};

/// A non-negative decimal as `rust_decimal` holds it: mantissa and scale.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Fx {
    m: i128,
    s: u32,
}

/// `rust_decimal` keeps a mantissa below 2^96; past it, it rounds.
const LIMIT: i128 = 1 << 96;

/// The largest scale `rust_decimal` keeps.
const MAX_SCALE: u32 = 28;

/// 10^k for k ≤ 28. (The tables are built at compile time, where an index out of
/// bounds fails the build: it cannot panic at run time.)
#[allow(clippy::indexing_slicing)]
pub(super) const POW10: [i128; 29] = {
    let mut t = [1i128; 29];
    let mut k = 1;
    while k < 29 {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

/// The largest mantissa that stays below [`LIMIT`] once multiplied by 10^k.
#[allow(clippy::indexing_slicing)]
const FITS: [i128; 29] = {
    let mut t = [0i128; 29];
    let mut k = 0;
    while k < 29 {
        t[k] = (LIMIT - 1) / POW10[k];
        k += 1;
    }
    t
};

/// `m × 10^k` when it stays below [`LIMIT`] (m ≥ 0).
#[inline]
fn rescale(m: i128, k: u32) -> Option<i128> {
    if k == 0 {
        return Some(m);
    }
    let i = usize::try_from(k).ok()?;
    // Checked against the bound first, so the product cannot overflow.
    (m <= *FITS.get(i)?).then(|| m * POW10.get(i).copied().unwrap_or(1))
}

impl Fx {
    /// The scale-0 zero ([`Decimal::ZERO`]).
    const ZERO: Fx = Fx { m: 0, s: 0 };

    /// `d` when it is not negative (a negative zero included).
    fn of(d: Decimal) -> Option<Fx> {
        (!d.is_sign_negative()).then(|| Fx {
            m: d.mantissa(),
            s: d.scale(),
        })
    }

    /// The `Decimal` with this mantissa and scale.
    fn dec(self) -> Decimal {
        // m is below 2^96 and not negative: its three 32-bit words.
        Decimal::from_parts(
            self.m as u32,
            (self.m >> 32) as u32,
            (self.m >> 64) as u32,
            false,
            self.s,
        )
    }

    /// `self + o` as `Decimal::checked_add` gives it when nothing is rounded.
    #[inline]
    fn add(self, o: Fx) -> Option<Fx> {
        // The common case first: one scale (then a zero operand gives back the other
        // one all the same).
        if self.s == o.s {
            let m = self.m + o.m;
            return (m < LIMIT).then_some(Fx { m, s: self.s });
        }
        if self.m == 0 {
            return Some(o);
        }
        if o.m == 0 {
            return Some(self);
        }
        let s = self.s.max(o.s);
        let a = rescale(self.m, s - self.s)?;
        let b = rescale(o.m, s - o.s)?;
        // Both below 2^96: the sum cannot overflow an i128.
        let m = a + b;
        (m < LIMIT).then_some(Fx { m, s })
    }

    /// `self × o` as `Decimal::checked_mul` gives it when nothing is rounded.
    #[inline]
    fn mul(self, o: Fx) -> Option<Fx> {
        if self.m == 0 || o.m == 0 {
            return Some(Fx::ZERO);
        }
        let s = self.s + o.s;
        // Mantissas of up to 64 bits (revenue to the cent below $1.8 × 10^17, any
        // rate): one widening multiplication, which cannot overflow.
        let (a, b) = (u64::try_from(self.m).ok()?, u64::try_from(o.m).ok()?);
        let m = i128::try_from(u128::from(a) * u128::from(b)).ok()?;
        (s <= MAX_SCALE && m < LIMIT).then_some(Fx { m, s })
    }

    /// `round12` where it has nothing to round.
    #[inline]
    fn round12(self) -> Option<Fx> {
        (self.s <= PRORATION_DP).then_some(self)
    }
}

/// A period wholly in the term: its eligible revenue and its uncapped payment, as
/// the ledger's `prorate_whole` gives them; `None` when they are not plain.
/// `terms_rate` is the terms' rate as the walks keep it: `None` when it is one.
/// (Inlined always: called once a period, and a call passed its result through memory.)
#[inline(always)]
fn whole_period(input: &PeriodInput, terms_rate: Option<Option<Fx>>) -> Option<(Fx, Fx)> {
    let rate_fx = match input.rate {
        None => terms_rate,
        Some(r) => (r != Decimal::ONE).then(|| Fx::of(r)),
    };
    let revenue = Fx::of(input.revenue)?;
    let eligible = revenue.round12()?;
    // `prorate_whole`: a rate of one takes the revenue as it is.
    let uncapped = match rate_fx {
        None => eligible,
        Some(r) => revenue.mul(r?)?.round12()?,
    };
    Some((eligible, uncapped))
}

/// The uncapped walk of `scenario` under `terms` into `record`, as
/// [`walk_with`](super::walk::walk_with) gives it, when the scenario is plain (see the
/// module); `None` otherwise.
pub(super) fn walk<R: Record>(
    scenario: &Scenario,
    terms: &Terms,
    mut record: R,
) -> Option<Walked<R>> {
    if terms.cap.is_some() || !terms.rate_steps.is_empty() || terms.discount_rate.is_some() {
        return None;
    }
    let from = term_start(scenario, terms);
    // The terms' rate (no steps: the rate of every day), `None` when it is one.
    let terms_rate = (terms.rate != Decimal::ONE).then(|| Fx::of(terms.rate));
    let through = terms.through;
    // Summed as the ledger walk sums them: the eligible revenue and the uncapped total
    // per period (a period outside the term adds the scale-0 zero, which can change a
    // zero's scale: pinned by `tests::a_zero_past_the_term_gives_the_uncapped_total_its_scale`),
    // the cumulative payment per segment.
    let (mut eligible_total, mut uncapped_total) = (Fx::ZERO, Fx::ZERO);
    let mut cumulative = Fx::ZERO;
    for input in &scenario.periods {
        let p = input.period;
        let (start, end) = (p.start(), p.end());
        let (eligible, uncapped, rate) = if end < from || start > through {
            // Wholly outside the term: no segment, nothing earned.
            (Fx::ZERO, Fx::ZERO, None)
        } else if from <= start && end <= through {
            let rate = input.rate.unwrap_or(terms.rate);
            let (eligible, uncapped) = whole_period(input, terms_rate)?;
            cumulative = cumulative.add(uncapped)?;
            // Each Decimal made once (the record may keep several copies of one).
            let (u, cum) = (uncapped.dec(), cumulative.dec());
            record.segment(Segment {
                start,
                end,
                rate,
                uncapped: u,
                paid: u,
                cumulative_uncapped: cum,
                cumulative_paid: cum,
            });
            (eligible, uncapped, Some(rate))
        } else {
            // Partly in the term: prorated by the ledger walk.
            return None;
        };
        eligible_total = eligible_total.add(eligible)?;
        uncapped_total = uncapped_total.add(uncapped)?;
        let (e, u) = (eligible.dec(), uncapped.dec());
        record.period(PeriodResult {
            period: p,
            start,
            end,
            revenue: input.revenue,
            eligible_revenue: e,
            uncapped_payment: u,
            payment: u,
            cumulative: cumulative.dec(),
            remaining_cap: None,
            capped: false,
            present_value: None,
            rate,
        });
    }
    // Without a cap every payment is paid: the total paid is the cumulative payment.
    let summary = Totals {
        eligible_revenue: eligible_total.dec(),
        uncapped_total: uncapped_total.dec(),
        total_paid: cumulative.dec(),
        binding: None,
        present_value: None,
    }
    .summary(scenario, from, through)?;
    Some(Walked {
        record,
        summary,
        from,
    })
}

/// [`walk`] for a plain scenario whose every period lies wholly in the term (a
/// scenario that covers the term and no more: the common case), its segments made by
/// `make` (with their period's index) and collected in one pass, and the walk's
/// summary and term start; `None` otherwise (then [`walk`] takes it).
///
/// Why: the sweep keeps a few fields of each segment in a list; pushed one by one,
/// each push checked its room and the walk's running sums went out to memory and
/// back around it (bench/README.md, "Less work a row in the batches"). Collected from
/// a map over the periods, the list is sized once. Pinned to the ledger walk by
/// `tests::in_term_walk_is_the_ledger_walk`.
pub(super) fn walk_in_term<T>(
    scenario: &Scenario,
    terms: &Terms,
    mut make: impl FnMut(usize, Segment) -> T,
) -> Option<(Vec<T>, Summary, Date)> {
    if terms.cap.is_some() || !terms.rate_steps.is_empty() || terms.discount_rate.is_some() {
        return None;
    }
    let from = term_start(scenario, terms);
    let through = terms.through;
    let terms_rate = (terms.rate != Decimal::ONE).then(|| Fx::of(terms.rate));
    // Every period is in the term, so the uncapped total sums what the cumulative
    // payment sums, in the same order: it is the cumulative payment, bit for bit (a
    // period past the term would add a zero, which can change a zero's scale).
    let (mut eligible_total, mut cumulative) = (Fx::ZERO, Fx::ZERO);
    let mut plain = true;
    let made = scenario
        .periods
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let p = input.period;
            let (start, end) = (p.start(), p.end());
            let rate = input.rate.unwrap_or(terms.rate);
            // The period's payment, the sums moved on; `None` where it is not plain.
            let mut step = || {
                if start < from || end > through {
                    return None;
                }
                let (eligible, uncapped) = whole_period(input, terms_rate)?;
                cumulative = cumulative.add(uncapped)?;
                eligible_total = eligible_total.add(eligible)?;
                Some(uncapped)
            };
            // Once not plain, the rest is made all the same (and thrown away): an
            // early return would leave `collect` without its exact length.
            let uncapped = step().unwrap_or_else(|| {
                plain = false;
                Fx::ZERO
            });
            let (u, cum) = (uncapped.dec(), cumulative.dec());
            make(
                i,
                Segment {
                    start,
                    end,
                    rate,
                    uncapped: u,
                    paid: u,
                    cumulative_uncapped: cum,
                    cumulative_paid: cum,
                },
            )
        })
        .collect();
    if !plain {
        return None;
    }
    let summary = Totals {
        eligible_revenue: eligible_total.dec(),
        uncapped_total: cumulative.dec(),
        total_paid: cumulative.dec(),
        binding: None,
        present_value: None,
    }
    .summary(scenario, from, through)?;
    Some((made, summary, from))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::super::walk::{walk_with, Record};
    use super::Fx;
    use crate::model::{Date, Period, PeriodInput, PeriodResult, Scenario, Segment, Terms};

    /// Every segment and period as printed with `{:?}`: a `Decimal` prints its scale
    /// (`1.50` is not `1.5`), so equal text is equal bits.
    #[derive(Default)]
    struct Rows(Vec<String>);

    impl Record for Rows {
        fn segment(&mut self, s: Segment) {
            self.0.push(format!("{s:?}"));
        }
        fn period(&mut self, p: PeriodResult) {
            self.0.push(format!("{p:?}"));
        }
    }

    fn date(days_after_2026: i64) -> Date {
        Date::from_ymd(2026, 1, 1)
            .and_then(|d| d.add_days(days_after_2026))
            .unwrap_or_else(|| unreachable!())
    }

    prop_compose! {
        /// Scenarios and terms around the plain case: whole months, quarters or years;
        /// revenue with 0 to 4 places, zeros and amounts too wide for the fixed path
        /// among them; the terms' rate one, zero or a fraction, sometimes a row's own;
        /// terms that leave periods outside or cut one (the ledger walk then).
        fn arb_plain()(
            granularity in 0u8..3,
            revenues in prop::collection::vec(prop_oneof![
                8 => (0i64..2_000_000_000_000, 0u32..5),
                1 => Just((0i64, 2u32)),
                1 => (any::<i64>().prop_map(i64::abs), 0u32..15),
            ], 0..30),
            row_rates in prop::collection::vec(prop::option::weighted(0.1, 0u32..=100), 0..30),
            rate in prop_oneof![Just(Decimal::ONE), Just(Decimal::new(100, 2)), Just(Decimal::ZERO),
                Just(Decimal::new(2, 1)), Just(Decimal::new(20, 2)), Just(Decimal::new(125, 3))],
            from in prop::option::weighted(0.3, -400i64..1500),
            through in prop_oneof![Just(1825i64), -100i64..2500],
        ) -> (Scenario, Terms) {
            let mut p = match granularity {
                0 => Period::year(2026),
                1 => Period::quarter(2026, 1),
                _ => Period::month(2026, 1),
            }.unwrap_or_else(|| unreachable!());
            let mut periods = Vec::new();
            for (i, (m, scale)) in revenues.into_iter().enumerate() {
                periods.push(PeriodInput {
                    period: p,
                    revenue: Decimal::new(m, scale),
                    rate: row_rates.get(i).copied().flatten().map(|r| Decimal::new(i64::from(r), 2)),
                    line: i as u64 + 2,
                });
                p = p.next().unwrap_or(p);
            }
            let s = Scenario { name: "s".into(), source: "s.csv".into(), periods };
            let terms = Terms {
                rate,
                from: from.map(date),
                through: date(through),
                ..Terms::default()
            };
            (s, terms)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Where the fixed walk runs, it gives the ledger walk's every segment, period
        /// and summary with the same bits.
        #[test]
        fn fixed_walk_is_the_ledger_walk((s, terms) in arb_plain()) {
            if let Some(fixed) = super::walk(&s, &terms, Rows::default()) {
                let ledger = walk_with(&s, &terms, Rows::default());
                prop_assert!(ledger.is_ok());
                if let Ok(ledger) = ledger {
                    prop_assert_eq!(fixed.record.0, ledger.record.0);
                    prop_assert_eq!(format!("{:?}", fixed.summary), format!("{:?}", ledger.summary));
                    prop_assert_eq!(fixed.from, ledger.from);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Where the one-pass walk runs, it gives the ledger walk's every segment (with
        /// its period's index) and summary with the same bits; and it runs wherever
        /// the fixed walk does and every period lies in the term.
        #[test]
        fn in_term_walk_is_the_ledger_walk((s, terms) in arb_plain()) {
            let in_term = super::walk_in_term(&s, &terms, |i, seg| format!("{i} {seg:?}"));
            let fixed = super::walk(&s, &terms, Rows::default());
            let from = super::term_start(&s, &terms);
            let all_in = s.periods.iter().all(|p| from <= p.period.start() && p.period.end() <= terms.through);
            prop_assert_eq!(in_term.is_some(), fixed.is_some() && all_in);
            if let Some((made, summary, from)) = in_term {
                let ledger = walk_with(&s, &terms, Segments::default());
                prop_assert!(ledger.is_ok());
                if let Ok(ledger) = ledger {
                    prop_assert_eq!(made, ledger.record.0);
                    prop_assert_eq!(format!("{summary:?}"), format!("{:?}", ledger.summary));
                    prop_assert_eq!(from, ledger.from);
                }
            }
        }
    }

    /// Each segment as printed with `{:?}`, after its period's index.
    #[derive(Default)]
    struct Segments(Vec<String>, usize);

    impl Record for Segments {
        fn segment(&mut self, s: Segment) {
            self.0.push(format!("{} {s:?}", self.1));
        }
        fn period(&mut self, _: PeriodResult) {
            self.1 += 1;
        }
    }

    /// Zeros with places in the term, then a period past it: the ledger's uncapped
    /// total takes the past period's scale-0 zero (`0.00 + 0` is `0` in rust_decimal),
    /// where the cumulative payment keeps `0.00`; so the two are summed apart.
    #[test]
    fn a_zero_past_the_term_gives_the_uncapped_total_its_scale() {
        let month = |m| Period::month(2026, m).unwrap_or_else(|| unreachable!());
        let periods = (1..=3)
            .map(|m| PeriodInput {
                period: month(m),
                revenue: Decimal::new(0, 2),
                rate: None,
                line: u64::from(m) + 1,
            })
            .collect();
        let s = Scenario {
            name: "s".into(),
            source: "s.csv".into(),
            periods,
        };
        for rate in [Decimal::ONE, Decimal::new(2, 1)] {
            // Through the end of February: March lies wholly past the term.
            let terms = Terms {
                rate,
                through: date(58),
                ..Terms::default()
            };
            let fixed = super::walk(&s, &terms, Rows::default());
            let ledger = walk_with(&s, &terms, Rows::default());
            let (Some(fixed), Ok(ledger)) = (fixed, ledger) else {
                panic!("both walks run at rate {rate}");
            };
            assert_eq!(fixed.record.0, ledger.record.0);
            assert_eq!(
                format!("{:?}", fixed.summary),
                format!("{:?}", ledger.summary)
            );
        }
    }

    /// The bundled scenarios under the default terms take the fixed walk: the test
    /// above is about the path that runs.
    #[test]
    fn bundled_scenarios_are_plain() {
        for file in &crate::builtin::SCENARIOS {
            let scenarios = crate::load::load(file.text.as_bytes(), file.name, "s");
            let Ok(scenarios) = scenarios else {
                panic!("{} does not load", file.name);
            };
            for s in &scenarios {
                assert!(
                    super::walk(s, &Terms::default(), Rows::default()).is_some(),
                    "{}",
                    s.name
                );
            }
        }
    }

    /// A non-negative decimal of up to 28 digits at any scale, small and large, zeros
    /// at several scales included.
    fn decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (0i64..1_000_000_000_000, 0u32..=12).prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<u128>(), 0u32..=28).prop_map(|(m, s)| {
                let m = (m % (1u128 << 96)) as i128;
                Decimal::from_i128_with_scale(m, s)
            }),
            (0u32..=28).prop_map(|s| Decimal::new(0, s)),
        ]
    }

    proptest! {
        /// Where the fixed path commits, it is `rust_decimal`'s own result, bit for
        /// bit (`serialize`: flags, scale and mantissa).
        #[test]
        fn fixed_arithmetic_is_decimals(a in decimal(), b in decimal()) {
            let (fa, fb) = (Fx::of(a).unwrap(), Fx::of(b).unwrap());
            if let Some(sum) = fa.add(fb) {
                prop_assert_eq!(sum.dec().serialize(), a.checked_add(b).unwrap().serialize());
            }
            if let Some(product) = fa.mul(fb) {
                prop_assert_eq!(product.dec().serialize(), a.checked_mul(b).unwrap().serialize());
            }
            // Small operands always commit.
            if a.scale() <= 12 && b.scale() <= 12 && a < Decimal::from(1_000_000_000_000i64)
                && b < Decimal::from(1_000_000_000_000i64) {
                prop_assert!(fa.add(fb).is_some());
            }
        }
    }
}
