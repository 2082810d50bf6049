//! The ledger walk of docs/spec.md §4, in steps: per period, split its in-term days into
//! stretches at the rate steps, prorate each stretch, pay it against the cap
//! (`cap::pay`), accumulate; then the summary.

use rust_decimal::prelude::*;

use super::{cap, overflow, present_value, prorate, prorate_whole, rate_on, round12, term_start};
use crate::error::Error;
use crate::model::{
    Date, Period, PeriodInput, PeriodResult, Scenario, ScenarioResult, Segment, Summary, Terms,
};

/// [`compute`](super::compute) without dropping trailing zeros from the amounts: every
/// period and segment, for the ledger.
pub(super) fn walk(scenario: &Scenario, terms: &Terms) -> Result<ScenarioResult, Error> {
    let n = scenario.periods.len();
    let full = Full {
        // One segment a period unless a rate step cuts one: sized once, not grown by
        // doubling (a reallocation and copy per doubling, per scenario).
        periods: Vec::with_capacity(n),
        segments: Vec::with_capacity(n),
    };
    let walked = walk_with(scenario, terms, full)?;
    Ok(ScenarioResult {
        name: scenario.name.clone(),
        source: scenario.source.clone(),
        periods: walked.record.periods,
        summary: walked.summary,
        from: walked.from,
        segments: walked.record.segments,
    })
}

/// The walk of `scenario` under `terms`, keeping of each period and segment what
/// `record` keeps; amounts unnormalized.
pub(super) fn walk_with<R: Record>(
    scenario: &Scenario,
    terms: &Terms,
    record: R,
) -> Result<Walked<R>, Error> {
    let at = |input, o: Overflow| overflow(scenario, input, o.0);
    let mut ledger = Ledger::start(scenario, terms, record).map_err(|o| at(None, o))?;
    for input in &scenario.periods {
        ledger.period(input).map_err(|o| at(Some(input), o))?;
    }
    ledger.finish().map_err(|o| at(scenario.periods.last(), o))
}

/// What the walk keeps of each segment and period, in walking order (each segment
/// before the period it is part of). The ledger keeps every row ([`Full`]); the cap
/// sweep keeps only the cumulative path it searches (`sweep.rs`), a fraction of the
/// memory written per scenario for the same walk.
pub(super) trait Record {
    fn segment(&mut self, segment: Segment);
    fn period(&mut self, period: PeriodResult);
}

/// Every period and segment ([`walk`]).
pub(super) struct Full {
    periods: Vec<PeriodResult>,
    segments: Vec<Segment>,
}

impl Record for Full {
    #[inline]
    fn segment(&mut self, segment: Segment) {
        self.segments.push(segment);
    }

    #[inline]
    fn period(&mut self, period: PeriodResult) {
        self.periods.push(period);
    }
}

/// A finished walk: what its record kept, the summary and the resolved term start.
pub(super) struct Walked<R> {
    pub(super) record: R,
    pub(super) summary: Summary,
    pub(super) from: Date,
}

/// Which amount left Decimal's range. The walk's steps return it, and [`walk`] turns it
/// into the [`Error`] that names the scenario and the period where it happened
/// ([`overflow`]). Small on purpose: every checked addition returns a `Result` with
/// it; with the full `Error` there, the addition helpers were not inlined in the
/// release build (a profile of `compare` showed them as a function of their own).
#[derive(Clone, Copy)]
struct Overflow(&'static str);

type Checked<T> = Result<T, Overflow>;

#[inline(always)]
fn ok<T>(x: Option<T>, what: &'static str) -> Checked<T> {
    x.ok_or(Overflow(what))
}

#[inline(always)]
fn add(a: Decimal, b: Decimal, what: &'static str) -> Checked<Decimal> {
    ok(super::add_exact(a, b), what)
}

#[inline(always)]
fn sub(a: Decimal, b: Decimal, what: &'static str) -> Checked<Decimal> {
    ok(super::sub_exact(a, b), what)
}

/// One period's amounts, summed over its segments.
struct Sums {
    eligible: Decimal,
    uncapped: Decimal,
    paid: Decimal,
    /// The rate of the last segment walked.
    rate: Option<Decimal>,
}

/// The walk's state between periods.
struct Ledger<'a, R> {
    scenario: &'a Scenario,
    terms: &'a Terms,
    from: Date,
    /// What may still be paid, cap − already paid; `None` without a cap.
    budget: Option<Decimal>,
    record: R,
    /// The periods' present values summed in order from zero, as the summary's total;
    /// `None` once the sum left Decimal's range (an error only with a discount rate,
    /// raised at the end, as summing the kept periods there would).
    pv_total: Option<Decimal>,
    cum_uncapped: Decimal,
    cum_paid: Decimal,
    /// Eligible revenue and uncapped payments, summed over the periods.
    totals: (Decimal, Decimal),
    /// The day cumulative payments reach the cap, and the period containing it (if
    /// that day falls in one of the scenario's periods).
    binding: Option<(Date, Option<Period>)>,
    /// One list of in-term stretches, refilled per period (a period has one unless a
    /// rate step cuts it).
    stretches: Vec<(Date, Date)>,
}

impl<'a, R: Record> Ledger<'a, R> {
    fn start(scenario: &'a Scenario, terms: &'a Terms, record: R) -> Checked<Ledger<'a, R>> {
        let from = term_start(scenario, terms);
        // An explicit `from` after `through` is refused with the terms. A default one
        // (the scenario's first day) can still be after it: then no day is in the term,
        // every period earns nothing, and the cap does not bind (there is no term for it
        // to bind in). Pinned by
        // `chart::tests::a_scenario_wholly_outside_the_term_still_renders`.
        let budget = match terms.cap {
            Some(cap) => Some(sub(cap, terms.already_paid, "cap minus already paid")?),
            None => None,
        };
        // docs/spec.md §4.5: with nothing left to pay, the cap binds on the term's first day.
        // Pinned by `tests::already_paid_at_or_over_cap_binds_on_from`.
        let binding = budget
            .and_then(|b| cap::binds_at_start(b, from, terms.through))
            .map(|day| {
                let mut periods = scenario.periods.iter().map(|i| i.period);
                (day, periods.find(|p| p.contains(day)))
            });
        Ok(Ledger {
            scenario,
            terms,
            from,
            budget,
            record,
            pv_total: Some(Decimal::ZERO),
            cum_uncapped: Decimal::ZERO,
            cum_paid: Decimal::ZERO,
            totals: (Decimal::ZERO, Decimal::ZERO),
            binding,
            stretches: Vec::with_capacity(1),
        })
    }

    /// Walks one period: its segments, then its row of the ledger.
    fn period(&mut self, input: &PeriodInput) -> Checked<()> {
        let p = &input.period;
        // Each period's calendar is worked out once.
        let (p_start, p_end) = (p.start(), p.end());
        // Days as integers: compared as such (a whole period needs no division), made
        // a `Decimal` only where a stretch is part of the period.
        let big_d = p_start.days_until(p_end) + 1;
        let mut sums = Sums {
            eligible: Decimal::ZERO,
            uncapped: Decimal::ZERO,
            paid: Decimal::ZERO,
            rate: None,
        };
        // Taken out while the segments borrow the ledger; no allocation.
        let mut stretches = std::mem::take(&mut self.stretches);
        let (lo, hi) = (p_start.max(self.from), p_end.min(self.terms.through));
        split(lo, hi, self.terms, &mut stretches);
        for &stretch in &stretches {
            self.segment(input, stretch, big_d, &mut sums)?;
        }
        self.stretches = stretches;

        let Sums {
            eligible,
            uncapped,
            paid,
            rate,
        } = sums;
        self.totals.0 = add(self.totals.0, eligible, "eligible revenue")?;
        self.totals.1 = add(self.totals.1, uncapped, "payment")?;
        let remaining_cap = match self.budget {
            Some(b) => Some(sub(b, self.cum_paid, super::REMAINING_CAP)?.max(Decimal::ZERO)),
            None => None,
        };
        let present_value = match self.terms.discount_rate {
            Some(r) => Some(ok(
                present_value(paid, r, self.from.days_until(p_end)),
                "present value",
            )?),
            None => None,
        };
        if let Some(pv) = present_value {
            // Present values keep Decimal's 28 digits (docs/spec.md §4.8): summed as
            // Decimal sums them, rounding included, as the sweep's prefix sums do.
            self.pv_total = self.pv_total.and_then(|t| t.checked_add(pv));
        }
        self.record.period(PeriodResult {
            period: *p,
            start: p_start,
            end: p_end,
            revenue: input.revenue,
            eligible_revenue: eligible,
            uncapped_payment: uncapped,
            payment: paid,
            cumulative: self.cum_paid,
            remaining_cap,
            // Without a cap every segment pays its uncapped amount: nothing to compare.
            capped: self.budget.is_some() && paid < uncapped,
            present_value,
            rate,
        });
        Ok(())
    }

    /// One in-term stretch `(start, end)` of `input`'s period (of `big_d` days):
    /// prorated, paid against the cap, added to the period's `sums` and to the
    /// cumulatives, and recorded as a segment.
    #[inline]
    fn segment(
        &mut self,
        input: &PeriodInput,
        (start, end): (Date, Date),
        big_d: i64,
        sums: &mut Sums,
    ) -> Checked<()> {
        let rate = input.rate.unwrap_or_else(|| rate_on(self.terms, start));
        let days = start.days_until(end) + 1;
        let d = Decimal::from(days);
        // A whole period (the common case) is `prorate`'s first branch, taken here on
        // the integer days; `tests::whole_period_shortcut_is_prorate` pins the two.
        let (eligible, uncapped) = if days == big_d {
            (
                ok(round12(input.revenue), "eligible revenue")?,
                ok(prorate_whole(input.revenue, rate), "payment")?,
            )
        } else {
            let big_d = Decimal::from(big_d);
            (
                ok(
                    prorate(input.revenue, Decimal::ONE, d, big_d),
                    "eligible revenue",
                )?,
                ok(prorate(input.revenue, rate, d, big_d), "payment")?,
            )
        };
        let paid = match self.budget {
            None => uncapped,
            Some(b) => {
                let remaining = sub(b, self.cum_paid, super::REMAINING_CAP)?;
                let bound = self.binding.is_some();
                let paid = ok(
                    cap::pay(uncapped, d, start, remaining, bound),
                    "binding date",
                )?;
                if let Some(day) = paid.binds_on {
                    self.binding = Some((day, Some(input.period)));
                }
                paid.amount
            }
        };
        sums.eligible = add(sums.eligible, eligible, "eligible revenue")?;
        sums.uncapped = add(sums.uncapped, uncapped, "payment")?;
        sums.paid = add(sums.paid, paid, "payment")?;
        sums.rate = Some(rate);
        self.cum_uncapped = add(self.cum_uncapped, uncapped, "cumulative payment")?;
        self.cum_paid = add(self.cum_paid, paid, "cumulative payment")?;
        self.record.segment(Segment {
            start,
            end,
            rate,
            uncapped,
            paid,
            cumulative_uncapped: self.cum_uncapped,
            cumulative_paid: self.cum_paid,
        });
        Ok(())
    }

    /// The scenario's summary over the walked periods.
    fn finish(self) -> Checked<Walked<R>> {
        let present_value = match self.terms.discount_rate {
            Some(_) => Some(ok(self.pv_total, "total")?),
            None => None,
        };
        let (eligible_revenue, uncapped_total) = self.totals;
        let totals = Totals {
            eligible_revenue,
            uncapped_total,
            total_paid: self.cum_paid,
            binding: self.binding,
            present_value,
        };
        let summary = ok(
            totals.summary(self.scenario, self.from, self.terms.through),
            "total",
        )?;
        Ok(Walked {
            record: self.record,
            summary,
            from: self.from,
        })
    }
}

/// What a walk sums up, made into its [`Summary`] by [`Totals::summary`]: one rule
/// for the ledger walk and the fixed-point one (`fixed.rs`).
pub(super) struct Totals {
    pub(super) eligible_revenue: Decimal,
    pub(super) uncapped_total: Decimal,
    pub(super) total_paid: Decimal,
    /// The day the cap binds and its period.
    pub(super) binding: Option<(Date, Option<Period>)>,
    pub(super) present_value: Option<Decimal>,
}

impl Totals {
    /// The summary of `scenario` walked from `from` through `through`; `None` when
    /// the foregone amount or the effective rate is out of `Decimal`'s range.
    pub(super) fn summary(self, scenario: &Scenario, from: Date, through: Date) -> Option<Summary> {
        let Totals {
            eligible_revenue,
            uncapped_total,
            total_paid,
            binding,
            present_value,
        } = self;
        Some(Summary {
            eligible_revenue,
            uncapped_total,
            total_paid,
            foregone: super::sub_exact(uncapped_total, total_paid)?,
            cap_binds: binding.is_some(),
            binding_period: binding.and_then(|(_, p)| p),
            binding_date: binding.map(|(d, _)| d),
            effective_rate: if eligible_revenue.is_zero() {
                None
            } else {
                Some(total_paid.checked_div(eligible_revenue)?)
            },
            present_value,
            // Without periods (no scenario loads so) the data covers nothing; the
            // term's own bounds keep the fields dates.
            covered_from: scenario.periods.first().map_or(from, |p| p.period.start()),
            covered_through: scenario.periods.last().map_or(through, |p| p.period.end()),
        })
    }
}

/// The in-term part of a period, `lo..=hi` (its first and last days within [from,
/// through]), cut at every rate step: `(first day, last day)` pairs in date order, into
/// `out`. Empty when the period lies wholly outside the term (`lo > hi`).
fn split(lo: Date, hi: Date, terms: &Terms, out: &mut Vec<(Date, Date)>) {
    out.clear();
    if lo > hi {
        return;
    }
    let mut start = lo;
    for step in &terms.rate_steps {
        if step.from > start && step.from <= hi {
            // `step.from > start >= 0001-01-01`, so the day before exists.
            if let Some(end) = step.from.add_days(-1) {
                out.push((start, end));
                start = step.from;
            }
        }
    }
    out.push((start, hi));
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::super::{div_round12, prorate, prorate_whole, round12};

    /// A decimal of up to 28 digits at any scale 0..=28, either sign: values near the
    /// limits, with many places, zero.
    fn decimal() -> impl Strategy<Value = Decimal> {
        (any::<i128>(), 0u32..=28).prop_map(|(m, scale)| {
            let m = m % 79_228_162_514_264_337_593_543_950_335i128;
            Decimal::from_i128_with_scale(m, scale)
        })
    }

    proptest! {
        /// The walk takes a whole period (equal integer day counts) straight to
        /// `round12` (eligible revenue) and `prorate_whole` (payment): the same bits
        /// (`serialize`: sign, scale, mantissa) as `prorate` with `d == D`, overflow
        /// included.
        #[test]
        fn whole_period_shortcut_is_prorate(
            revenue in decimal(),
            rate in prop_oneof![decimal(), Just(Decimal::ONE), Just(Decimal::new(2, 1))],
            days in 1i64..=366,
        ) {
            let d = Decimal::from(days);
            let bits = |x: Option<Decimal>| x.map(|x| x.serialize());
            prop_assert_eq!(
                bits(round12(revenue)),
                bits(prorate(revenue, Decimal::ONE, d, d))
            );
            prop_assert_eq!(
                bits(prorate_whole(revenue, rate)),
                bits(prorate(revenue, rate, d, d))
            );
            // And the value of multiplying by d, dividing by D and rounding half-even
            // (`div_round12`, exact at every size), where the two products are
            // exact: Decimal's `checked_mul` rounds a product of more than 28 digits.
            let general = revenue
                .checked_mul(rate)
                .filter(|x| x.scale() == revenue.scale() + rate.scale())
                .and_then(|x| x.checked_mul(d).filter(|n| n.scale() == x.scale()))
                .and_then(|n| div_round12(n, d));
            if let (Some(whole), Some(general)) = (prorate_whole(revenue, rate), general) {
                prop_assert_eq!(whole, general);
            }
        }
    }
}
