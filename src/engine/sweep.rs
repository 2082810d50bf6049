//! The cap sweep of `compare`: many caps over one scenario from one uncapped walk,
//! each answered by the engine's cap rule (`cap.rs`) at the segment a binary search
//! finds.

use rust_decimal::prelude::*;

use super::walk::walk;
use super::{cap, overflow, present_value, without_cap};
use crate::error::Error;
use crate::model::{Date, Scenario, ScenarioResult, Segment, Summary, Terms};

/// Many caps over one scenario without re-running the walk: the uncapped
/// cumulative path is computed once, and each cap is answered by a binary search on
/// it, so C caps over P segments cost O(P + C log P). Results are identical to
/// [`compute`](super::compute) with the same terms and that cap: pinned by the property test
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
        let terms = without_cap(terms);
        // Unnormalized: `summary` normalizes what it returns.
        let uncapped = walk(scenario, &terms)?;
        let mut segment_period = Vec::with_capacity(uncapped.segments.len());
        let mut next = 0;
        for (i, p) in uncapped.periods.iter().enumerate() {
            while uncapped
                .segments
                .get(next)
                .is_some_and(|s| p.start <= s.start && s.start <= p.end)
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
                .ok_or_else(|| {
                    let input = scenario.periods.iter().find(|i| i.period == p.period);
                    overflow(scenario, input, "present value")
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

    /// The scenario's results with no cap (amounts not normalized: compare values,
    /// do not print them).
    pub fn uncapped(&self) -> &ScenarioResult {
        &self.uncapped
    }

    /// The summary the engine gives for this scenario under the sweep's terms with
    /// `cap`; `None` only on arithmetic overflow.
    pub fn summary(&self, cap: Option<Decimal>) -> Option<Summary> {
        let base = &self.uncapped.summary;
        let Some(cap) = cap else {
            return Some(base.clone().normalized());
        };
        let budget = cap.checked_sub(self.terms.already_paid)?;
        let Outcome {
            binding,
            paid,
            present_value,
        } = self.outcome(budget)?;
        Some(
            Summary {
                eligible_revenue: base.eligible_revenue,
                uncapped_total: base.uncapped_total,
                total_paid: paid,
                foregone: base.uncapped_total.checked_sub(paid)?,
                cap_binds: binding.is_some(),
                binding_period: binding
                    .and_then(|(_, p)| p)
                    .and_then(|i| self.uncapped.periods.get(i))
                    .map(|p| p.period),
                binding_date: binding.map(|(d, _)| d),
                effective_rate: if base.eligible_revenue.is_zero() {
                    None
                } else {
                    Some(paid.checked_div(base.eligible_revenue)?)
                },
                present_value,
                covered_from: base.covered_from,
                covered_through: base.covered_through,
            }
            .normalized(),
        )
    }

    /// Where a cap leaving `budget` (cap − already paid) binds, what it lets be paid
    /// and that payment's present value, by the engine's cap rule (`cap.rs`).
    fn outcome(&self, budget: Decimal) -> Option<Outcome> {
        let (from, periods) = (self.uncapped.from, &self.uncapped.periods);
        if budget <= Decimal::ZERO {
            let binding = cap::binds_at_start(budget, from, self.terms.through)
                .map(|day| (day, periods.iter().position(|p| p.period.contains(day))));
            return Some(Outcome {
                binding,
                paid: Decimal::ZERO,
                present_value: self.terms.discount_rate.map(|_| Decimal::ZERO),
            });
        }
        // The first segment whose cumulative uncapped payment reaches the budget: there
        // `0 < remaining ≤ u` holds for the first time, so `cap::pay` binds in it, on
        // its `cap::binding_date`. (Called directly: the search has already found the
        // segment, and nothing before it was cut by the cap.)
        let segs = &self.uncapped.segments;
        let i = segs.partition_point(|s| s.cumulative_uncapped < budget);
        let Some(seg) = segs.get(i) else {
            let base = &self.uncapped.summary;
            return Some(Outcome {
                binding: None,
                paid: base.total_paid,
                present_value: base.present_value,
            });
        };
        let remaining = budget.checked_sub(cumulative_before(segs, i))?;
        let d = Decimal::from(seg.start.days_until(seg.end) + 1);
        let date = cap::binding_date(seg.uncapped, remaining, d, seg.start)?;
        let pi = *self.segment_period.get(i)?;
        let present_value = match self.terms.discount_rate {
            None => None,
            Some(r) => Some(self.present_value_binding_in(pi, budget, r)?),
        };
        Some(Outcome {
            binding: Some((date, Some(pi))),
            paid: budget,
            present_value,
        })
    }

    /// The present value of all that is paid when the cap binds in period `pi`:
    /// earlier periods pay in full, the binding period pays the cap left at its start,
    /// later periods pay nothing.
    fn present_value_binding_in(&self, pi: usize, budget: Decimal, r: Decimal) -> Option<Decimal> {
        let segs = &self.uncapped.segments;
        let period = self.uncapped.periods.get(pi)?;
        let first_seg = self.segment_period.iter().position(|&p| p == pi)?;
        let paid_before = cumulative_before(segs, first_seg);
        let period_paid = budget.checked_sub(paid_before)?;
        let pv_period = present_value(period_paid, r, self.uncapped.from.days_until(period.end))?;
        self.pv_prefix.get(pi)?.checked_add(pv_period)
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
            let cum = cumulative_before(&self.uncapped.segments, n);
            out.push((day, self.terms.already_paid.checked_add(cum)?));
            if day >= through {
                break;
            }
            year += 1;
        }
        Some(out)
    }
}

/// Cumulative uncapped payments before segment `i`: at the end of segment `i - 1`, or 0
/// for the first.
fn cumulative_before(segs: &[Segment], i: usize) -> Decimal {
    i.checked_sub(1)
        .and_then(|j| segs.get(j))
        .map_or(Decimal::ZERO, |s| s.cumulative_uncapped)
}

/// What a cap leads to, for [`Sweep::summary`].
struct Outcome {
    /// The binding date and the index of its period (if the date falls in one).
    binding: Option<(Date, Option<usize>)>,
    /// Total paid.
    paid: Decimal,
    present_value: Option<Decimal>,
}
