//! The exact computation of SPEC §4: segments, proration by days, the cap walk, the
//! binding date and present values. Pure: no I/O, no formatting.
//!
//! The cap rule lives here alone (`walk`). Every amount is a `Decimal`; the only
//! rounding is the half-even rounding to 12 decimal places of each segment's prorated
//! revenue and payment ([`div_round12`]), plus Decimal's own 28 significant digits in
//! the present value's power and the effective rate's division.

use rust_decimal::prelude::*;
use rust_decimal::MathematicalOps;

use crate::error::Error;
use crate::model::{
    Date, Period, PeriodInput, PeriodResult, Scenario, ScenarioResult, Segment, Summary, Terms,
};

/// Decimal places kept by the proration of step 3.
pub const PRORATION_DP: u32 = 12;

/// Computes one scenario under `terms`.
///
/// Periods must be sorted and of one granularity (the loader guarantees it); the
/// result lists every input period, in order.
pub fn compute(scenario: &Scenario, terms: &Terms) -> Result<ScenarioResult, Error> {
    let overflow = |period: &Period, what: &'static str| Error::Overflow {
        scenario: scenario.name.clone(),
        period: period.to_string(),
        what,
    };
    let from = term_start(scenario, terms);
    let through = terms.through;
    // What may still be paid; `None` without a cap.
    let budget = match terms.cap {
        Some(cap) => Some(
            cap.checked_sub(terms.already_paid)
                .ok_or_else(|| Error::Overflow {
                    scenario: scenario.name.clone(),
                    period: "(terms)".into(),
                    what: "cap minus already paid",
                })?,
        ),
        None => None,
    };

    let mut segments = Vec::new();
    let mut periods = Vec::with_capacity(scenario.periods.len());
    let mut cum_uncapped = Decimal::ZERO;
    let mut cum_paid = Decimal::ZERO;
    let mut totals = (Decimal::ZERO, Decimal::ZERO); // eligible, uncapped
                                                     // The day cumulative payments reach the cap, and the period containing it (if
                                                     // that day falls in one of the scenario's periods).
    let mut binding: Option<(Date, Option<Period>)> = None;

    // SPEC §4.5: with nothing left to pay, the cap binds on the term's first day.
    // Pinned by `tests::already_paid_at_or_over_cap_binds_on_from`.
    if budget.is_some_and(|b| b <= Decimal::ZERO) && from <= through {
        let containing = scenario
            .periods
            .iter()
            .map(|i| i.period)
            .find(|p| p.contains(from));
        binding = Some((from, containing));
    }

    for input in &scenario.periods {
        let p = &input.period;
        let (mut eligible, mut uncapped, mut paid) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        for (start, end) in split(p, from, through, terms) {
            let rate = input.rate.unwrap_or_else(|| rate_on(terms, start));
            let d = Decimal::from(start.days_until(end) + 1);
            let big_d = Decimal::from(p.days());
            let seg_eligible = prorate(input.revenue, Decimal::ONE, d, big_d)
                .ok_or_else(|| overflow(p, "eligible revenue"))?;
            let seg_uncapped =
                prorate(input.revenue, rate, d, big_d).ok_or_else(|| overflow(p, "payment"))?;
            // The cap walk (SPEC §4.4): pay min(uncapped, max(remaining, 0)).
            let seg_paid = match budget {
                None => seg_uncapped,
                Some(b) => {
                    let remaining = b
                        .checked_sub(cum_paid)
                        .ok_or_else(|| overflow(p, "remaining cap"))?;
                    let remaining = remaining.max(Decimal::ZERO);
                    if binding.is_none()
                        && seg_uncapped > Decimal::ZERO
                        && seg_uncapped >= remaining
                    {
                        let k = binding_day(seg_uncapped, remaining, d)
                            .ok_or_else(|| overflow(p, "binding date"))?;
                        let date = start
                            .add_days(k - 1)
                            .ok_or_else(|| overflow(p, "binding date"))?;
                        binding = Some((date, Some(*p)));
                    }
                    seg_uncapped.min(remaining)
                }
            };
            eligible = eligible
                .checked_add(seg_eligible)
                .ok_or_else(|| overflow(p, "eligible revenue"))?;
            uncapped = uncapped
                .checked_add(seg_uncapped)
                .ok_or_else(|| overflow(p, "payment"))?;
            paid = paid
                .checked_add(seg_paid)
                .ok_or_else(|| overflow(p, "payment"))?;
            cum_uncapped = cum_uncapped
                .checked_add(seg_uncapped)
                .ok_or_else(|| overflow(p, "cumulative payment"))?;
            cum_paid = cum_paid
                .checked_add(seg_paid)
                .ok_or_else(|| overflow(p, "cumulative payment"))?;
            segments.push(Segment {
                start,
                end,
                rate,
                uncapped: seg_uncapped,
                paid: seg_paid,
                cumulative_uncapped: cum_uncapped,
                cumulative_paid: cum_paid,
            });
        }
        totals.0 = totals
            .0
            .checked_add(eligible)
            .ok_or_else(|| overflow(p, "eligible revenue"))?;
        totals.1 = totals
            .1
            .checked_add(uncapped)
            .ok_or_else(|| overflow(p, "payment"))?;
        let remaining_cap = match budget {
            Some(b) => Some(
                b.checked_sub(cum_paid)
                    .ok_or_else(|| overflow(p, "remaining cap"))?
                    .max(Decimal::ZERO),
            ),
            None => None,
        };
        let present_value = match terms.discount_rate {
            Some(r) => Some(
                present_value(paid, r, from.days_until(p.end()))
                    .ok_or_else(|| overflow(p, "present value"))?,
            ),
            None => None,
        };
        periods.push(PeriodResult {
            period: *p,
            start: p.start(),
            end: p.end(),
            revenue: input.revenue,
            eligible_revenue: eligible,
            uncapped_payment: uncapped,
            payment: paid,
            cumulative: cum_paid,
            remaining_cap,
            capped: paid < uncapped,
            present_value,
        });
    }

    let last = scenario.periods.last().map(|p| p.period);
    let overflow_total = || Error::Overflow {
        scenario: scenario.name.clone(),
        period: last.map_or_else(String::new, |p| p.to_string()),
        what: "total",
    };
    let present_value = match terms.discount_rate {
        Some(_) => Some(
            periods
                .iter()
                .try_fold(Decimal::ZERO, |acc, p| {
                    acc.checked_add(p.present_value.unwrap_or_default())
                })
                .ok_or_else(overflow_total)?,
        ),
        None => None,
    };
    let (eligible_revenue, uncapped_total) = totals;
    let summary = Summary {
        eligible_revenue,
        uncapped_total,
        total_paid: cum_paid,
        foregone: uncapped_total
            .checked_sub(cum_paid)
            .ok_or_else(overflow_total)?,
        cap_binds: binding.is_some(),
        binding_period: binding.and_then(|(_, p)| p),
        binding_date: binding.map(|(d, _)| d),
        effective_rate: if eligible_revenue.is_zero() {
            None
        } else {
            Some(
                cum_paid
                    .checked_div(eligible_revenue)
                    .ok_or_else(overflow_total)?,
            )
        },
        present_value,
    };
    Ok(ScenarioResult {
        name: scenario.name.clone(),
        source: scenario.source.clone(),
        periods,
        summary,
        from,
        segments,
    })
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

/// The rate in force on `date` from the terms (the last step on or before it).
pub fn rate_on(terms: &Terms, date: Date) -> Decimal {
    terms
        .rate_steps
        .iter()
        .rev()
        .find(|s| s.from <= date)
        .map_or(terms.rate, |s| s.rate)
}

/// The in-term part of a period, cut at every rate step: `(first day, last day)` pairs
/// in date order. Empty when the period lies wholly outside [from, through].
fn split(p: &Period, from: Date, through: Date, terms: &Terms) -> Vec<(Date, Date)> {
    let lo = p.start().max(from);
    let hi = p.end().min(through);
    if lo > hi {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(1);
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
    out
}

/// `revenue × rate × d / D`, multiplied first and divided last, rounded half-even to
/// 12 decimal places (SPEC §4.3). `None` on overflow.
pub fn prorate(revenue: Decimal, rate: Decimal, d: Decimal, big_d: Decimal) -> Option<Decimal> {
    if d == big_d {
        // A whole period: no division, so no rounding beyond 12 places.
        return round12(revenue.checked_mul(rate)?);
    }
    let numerator = revenue.checked_mul(rate)?.checked_mul(d)?;
    div_round12(numerator, big_d)
}

fn round12(x: Decimal) -> Option<Decimal> {
    Some(x.round_dp_with_strategy(PRORATION_DP, RoundingStrategy::MidpointNearestEven))
}

/// `n / d` rounded half-even to 12 decimal places, exactly.
///
/// Decimal's division keeps 28 significant digits, so rounding its quotient again
/// could round twice. The candidate is therefore checked against the exact remainder
/// `n − c·d` (all products exact) and moved by one unit when it is off, which makes
/// the result the true half-even rounding of the rational n/d.
/// Pinned by `tests::div_round12_is_exact_half_even`.
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

/// The smallest whole `k ≥ 1` with `u × k ≥ r × d`: the day of the segment on which
/// cumulative payments reach the cap (SPEC §4.5), found without dividing.
/// Requires `u > 0` and `u ≥ r`, which makes `k ≤ d`.
fn binding_day(u: Decimal, r: Decimal, d: Decimal) -> Option<i64> {
    let target = r.checked_mul(d)?;
    let days = d.to_i64()?;
    // An estimate from division, then exact correction by multiplication.
    let mut k = target
        .checked_div(u)?
        .ceil()
        .to_i64()?
        .clamp(1, days.max(1));
    while k > 1 && u.checked_mul(Decimal::from(k - 1))? >= target {
        k -= 1;
    }
    while k < days && u.checked_mul(Decimal::from(k))? < target {
        k += 1;
    }
    Some(k)
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

/// Many caps over one scenario without re-running the walk (issue 4): the uncapped
/// cumulative path is computed once, and each cap is answered by a binary search on
/// it, so C caps over P segments cost O(P + C log P). Results are identical to
/// [`compute`] with the same terms and that cap: pinned by the property test
/// `sweep_matches_engine` in `tests/sweep.rs`.
pub struct Sweep {
    /// The scenario computed with no cap.
    uncapped: ScenarioResult,
    terms: Terms,
    /// For each segment, the index of its period in `uncapped.periods`.
    segment_period: Vec<usize>,
    /// Sum of the periods' present values before period i (i = 0..=P), summed in the
    /// engine's order so that the totals match it exactly.
    pv_prefix: Vec<Decimal>,
}

impl Sweep {
    /// Prepares the sweep of `scenario` under `terms` (whose cap is ignored).
    pub fn new(scenario: &Scenario, terms: &Terms) -> Result<Sweep, Error> {
        let terms = Terms {
            cap: None,
            ..terms.clone()
        };
        let uncapped = compute(scenario, &terms)?;
        let mut segment_period = Vec::with_capacity(uncapped.segments.len());
        let mut next = 0;
        for (i, p) in uncapped.periods.iter().enumerate() {
            while next < uncapped.segments.len() && p.period.contains(uncapped.segments[next].start)
            {
                segment_period.push(i);
                next += 1;
            }
        }
        let mut pv_prefix = Vec::with_capacity(uncapped.periods.len() + 1);
        let mut acc = Decimal::ZERO;
        pv_prefix.push(acc);
        for p in &uncapped.periods {
            acc = acc
                .checked_add(p.present_value.unwrap_or_default())
                .ok_or_else(|| Error::Overflow {
                    scenario: scenario.name.clone(),
                    period: p.period.to_string(),
                    what: "present value",
                })?;
            pv_prefix.push(acc);
        }
        Ok(Sweep {
            uncapped,
            terms,
            segment_period,
            pv_prefix,
        })
    }

    /// The scenario's results with no cap.
    pub fn uncapped(&self) -> &ScenarioResult {
        &self.uncapped
    }

    /// The summary the engine gives for this scenario under the sweep's terms with
    /// `cap`; `None` only on arithmetic overflow.
    pub fn summary(&self, cap: Option<Decimal>) -> Option<Summary> {
        let base = &self.uncapped.summary;
        let Some(cap) = cap else {
            return Some(base.clone());
        };
        let terms = &self.terms;
        let from = self.uncapped.from;
        let budget = cap.checked_sub(terms.already_paid)?;
        let segs = &self.uncapped.segments;
        let periods = &self.uncapped.periods;
        let nothing_paid_pv = terms.discount_rate.map(|_| Decimal::ZERO);
        // (binding date and the index of its period, what is paid, its present value)
        let (binding, paid, pv) = if budget <= Decimal::ZERO {
            // SPEC §4.5: already paid ≥ cap binds on the term start.
            let binding = (from <= terms.through)
                .then(|| (from, periods.iter().position(|p| p.period.contains(from))));
            (binding, Decimal::ZERO, nothing_paid_pv)
        } else {
            // The first segment whose cumulative uncapped payment reaches the budget:
            // there the engine's walk finds `u ≥ remaining` for the first time.
            let i = segs.partition_point(|s| s.cumulative_uncapped < budget);
            match segs.get(i) {
                None => (None, base.total_paid, base.present_value),
                Some(seg) => {
                    let before = if i == 0 {
                        Decimal::ZERO
                    } else {
                        segs[i - 1].cumulative_uncapped
                    };
                    let remaining = budget.checked_sub(before)?;
                    let d = Decimal::from(seg.start.days_until(seg.end) + 1);
                    let k = binding_day(seg.uncapped, remaining, d)?;
                    let date = seg.start.add_days(k - 1)?;
                    let pi = *self.segment_period.get(i)?;
                    let pv = match terms.discount_rate {
                        None => None,
                        Some(r) => {
                            // The binding period pays the cap left at its start; later
                            // periods pay nothing, earlier ones pay in full.
                            let period = periods.get(pi)?;
                            let first_seg = self.segment_period.iter().position(|&p| p == pi)?;
                            let paid_before = if first_seg == 0 {
                                Decimal::ZERO
                            } else {
                                segs[first_seg - 1].cumulative_uncapped
                            };
                            let period_paid = budget.checked_sub(paid_before)?;
                            let pv_period =
                                present_value(period_paid, r, from.days_until(period.end))?;
                            Some(self.pv_prefix.get(pi)?.checked_add(pv_period)?)
                        }
                    };
                    (Some((date, Some(pi))), budget, pv)
                }
            }
        };
        Some(Summary {
            eligible_revenue: base.eligible_revenue,
            uncapped_total: base.uncapped_total,
            total_paid: paid,
            foregone: base.uncapped_total.checked_sub(paid)?,
            cap_binds: binding.is_some(),
            binding_period: binding
                .and_then(|(_, p)| p)
                .and_then(|i| periods.get(i))
                .map(|p| p.period),
            binding_date: binding.map(|(d, _)| d),
            effective_rate: if base.eligible_revenue.is_zero() {
                None
            } else {
                Some(paid.checked_div(base.eligible_revenue)?)
            },
            present_value: pv,
        })
    }

    /// For each year-end in the term (and the term end), the largest cap that binds by
    /// then: already paid + cumulative uncapped payments through that day. A cap at or
    /// below it binds on or before that day; above it, later or never.
    pub fn thresholds(&self) -> Option<Vec<(Date, Decimal)>> {
        let from = self.uncapped.from;
        let through = self.terms.through;
        if from > through {
            return Some(Vec::new());
        }
        let mut out = Vec::new();
        let mut year = from.year();
        loop {
            let day = Date::from_ymd(year, 12, 31)?.min(through);
            // Segments never straddle a year end (periods are calendar years, quarters
            // or months), so the cumulative at `day` is that of the last segment
            // ending on or before it.
            let n = self.uncapped.segments.partition_point(|s| s.end <= day);
            let cum = if n == 0 {
                Decimal::ZERO
            } else {
                self.uncapped.segments[n - 1].cumulative_uncapped
            };
            out.push((day, self.terms.already_paid.checked_add(cum)?));
            if day >= through {
                break;
            }
            year += 1;
        }
        Some(out)
    }
}
