//! The cap sweep of `compare`: many caps over one scenario from one uncapped walk,
//! each answered by the engine's cap rule (`cap.rs`) at the segment a binary search
//! finds.

use rust_decimal::prelude::*;

use super::walk::{walk_with, Record};
use super::{add_exact, cap, fixed, overflow, present_value, sub_exact, without_cap};
use crate::error::Error;
use crate::model::{Date, Period, PeriodResult, Scenario, Segment, Summary, Terms};

/// Many caps over one scenario without re-running the walk: the uncapped
/// cumulative path is computed once, and each cap is answered by a binary search on
/// it, so C caps over P segments cost O(P + C log P). Results are identical to
/// [`compute`](super::compute) with the same terms and that cap: pinned by the property test
/// `sweep_matches_engine` in `tests/sweep.rs`.
pub struct Sweep {
    /// What the search needs of the uncapped walk (not its ledger rows).
    path: Path,
    /// The uncapped walk's summary, unnormalized.
    summary: Summary,
    /// The resolved term start.
    from: Date,
    terms: Terms,
}

/// The uncapped walk as the sweep keeps it ([`Record`]): per segment its days and its
/// payment with the cumulative payment at its end; per period its label and last day;
/// and, with a discount rate, the periods' present values summed before each period.
#[derive(Default)]
struct Path {
    steps: Vec<Step>,
    periods: Vec<(Period, Date)>,
    /// Sum of the periods' present values before period i (i = 0..=P), summed in the
    /// engine's order so that the totals match it exactly; kept with a discount rate.
    pv_prefix: Option<Vec<Decimal>>,
    /// The first period whose present value took the sum out of Decimal's range.
    pv_overflow: Option<Period>,
}

/// One segment of the uncapped path.
struct Step {
    start: Date,
    end: Date,
    uncapped: Decimal,
    /// Cumulative uncapped payments at the segment's end (from the term start).
    cumulative: Decimal,
    /// The index of the segment's period in [`Path::periods`].
    period: usize,
}

// Inlined into the walks always: called once per period with a large struct, of
// which the sweep keeps a few fields; a call made the caller write it all out to
// memory, and reading it back cost more than the rest of the period's work.
impl Record for Path {
    #[inline(always)]
    fn segment(&mut self, s: Segment) {
        // Segments come before the period they are part of: it is the next one.
        self.steps.push(Step {
            start: s.start,
            end: s.end,
            uncapped: s.uncapped,
            cumulative: s.cumulative_uncapped,
            period: self.periods.len(),
        });
    }

    #[inline(always)]
    fn period(&mut self, p: PeriodResult) {
        self.periods.push((p.period, p.end));
        if let Some(prefix) = &mut self.pv_prefix {
            let sum = prefix
                .last()
                .and_then(|acc| acc.checked_add(p.present_value.unwrap_or_default()));
            match sum {
                Some(sum) => prefix.push(sum),
                None => {
                    self.pv_overflow.get_or_insert(p.period);
                    prefix.push(Decimal::ZERO);
                }
            }
        }
    }
}

impl Sweep {
    /// Prepares the sweep of `scenario` under `terms` (whose cap is ignored).
    pub fn new(scenario: &Scenario, terms: &Terms) -> Result<Sweep, Error> {
        let terms = without_cap(terms);
        let n = scenario.periods.len();
        let path = || Path {
            steps: Vec::with_capacity(n),
            periods: Vec::with_capacity(n),
            pv_prefix: terms.discount_rate.map(|_| {
                let mut prefix = Vec::with_capacity(n + 1);
                prefix.push(Decimal::ZERO);
                prefix
            }),
            pv_overflow: None,
        };
        // Unnormalized: `summary` normalizes what it returns. A plain scenario takes
        // the fixed-point walk (`fixed.rs`: the same Decimals), in one pass when its
        // periods all lie in the term; any other the ledger's.
        let in_term = fixed::walk_in_term(scenario, &terms, |period, s| Step {
            start: s.start,
            end: s.end,
            uncapped: s.uncapped,
            cumulative: s.cumulative_uncapped,
            period,
        });
        if let Some((steps, summary, from)) = in_term {
            // Every period has its segment (no discount rate: no present values).
            let periods = steps
                .iter()
                .zip(&scenario.periods)
                .map(|(s, input)| (input.period, s.end))
                .collect();
            return Ok(Sweep {
                path: Path {
                    steps,
                    periods,
                    pv_prefix: None,
                    pv_overflow: None,
                },
                summary,
                from,
                terms,
            });
        }
        let walked = match fixed::walk(scenario, &terms, path()) {
            Some(walked) => walked,
            None => walk_with(scenario, &terms, path())?,
        };
        if let Some(period) = walked.record.pv_overflow {
            let input = scenario.periods.iter().find(|i| i.period == period);
            return Err(overflow(scenario, input, "present value"));
        }
        Ok(Sweep {
            path: walked.record,
            summary: walked.summary,
            from: walked.from,
            terms,
        })
    }

    /// The scenario's total payments with no cap (not normalized: compare it, do not
    /// print it).
    pub fn uncapped_total(&self) -> Decimal {
        self.summary.uncapped_total
    }

    /// The cumulative uncapped payment at the end of each segment, in order (not
    /// normalized).
    pub fn cumulative(&self) -> impl Iterator<Item = Decimal> + '_ {
        self.path.steps.iter().map(|s| s.cumulative)
    }

    /// The summary the engine gives for this scenario under the sweep's terms with
    /// `cap`; `None` only on arithmetic overflow.
    pub fn summary(&self, cap: Option<Decimal>) -> Option<Summary> {
        let base = &self.summary;
        let Some(cap) = cap else {
            return Some(base.clone().normalized());
        };
        let budget = sub_exact(cap, self.terms.already_paid)?;
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
                foregone: sub_exact(base.uncapped_total, paid)?,
                cap_binds: binding.is_some(),
                binding_period: binding
                    .and_then(|(_, p)| p)
                    .and_then(|i| self.path.periods.get(i))
                    .map(|&(p, _)| p),
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
        let (from, periods) = (self.from, &self.path.periods);
        if budget <= Decimal::ZERO {
            let binding = cap::binds_at_start(budget, from, self.terms.through)
                .map(|day| (day, periods.iter().position(|(p, _)| p.contains(day))));
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
        let segs = &self.path.steps;
        let bound = Bound::of(budget);
        let i = segs.partition_point(|s| bound.above(s.cumulative));
        let Some(seg) = segs.get(i) else {
            let base = &self.summary;
            return Some(Outcome {
                binding: None,
                paid: base.total_paid,
                present_value: base.present_value,
            });
        };
        let remaining = sub_exact(budget, cumulative_before(segs, i))?;
        let d = Decimal::from(seg.start.days_until(seg.end) + 1);
        let date = cap::binding_date(seg.uncapped, remaining, d, seg.start)?;
        let pi = seg.period;
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
        let segs = &self.path.steps;
        let &(_, end) = self.path.periods.get(pi)?;
        let first_seg = segs.partition_point(|s| s.period < pi);
        let paid_before = cumulative_before(segs, first_seg);
        let period_paid = sub_exact(budget, paid_before)?;
        let pv_period = present_value(period_paid, r, self.from.days_until(end))?;
        self.path
            .pv_prefix
            .as_ref()?
            .get(pi)?
            .checked_add(pv_period)
    }

    /// For each year-end in the term (and the term end), the largest cap that binds by
    /// then: already paid + cumulative uncapped payments through that day. A cap at or
    /// below it binds on or before that day; above it, later or never.
    pub fn thresholds(&self) -> Option<Vec<(Date, Decimal)>> {
        let from = self.from;
        let through = self.terms.through;
        if from > through {
            return Some(Vec::new());
        }
        let mut out = Vec::with_capacity(
            usize::try_from(through.year() - from.year() + 1).unwrap_or_default(),
        );
        let mut year = from.year();
        loop {
            let day = Date::from_ymd(year, 12, 31)?.min(through);
            // Segments never straddle a year end (periods are calendar years, quarters
            // or months), so the cumulative at `day` is that of the last segment
            // ending on or before it.
            let n = self.path.steps.partition_point(|s| s.end <= day);
            let cum = cumulative_before(&self.path.steps, n);
            out.push((day, add_exact(self.terms.already_paid, cum)?));
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
fn cumulative_before(segs: &[Step], i: usize) -> Decimal {
    i.checked_sub(1)
        .and_then(|j| segs.get(j))
        .map_or(Decimal::ZERO, |s| s.cumulative)
}

/// A positive amount as the cap search compares each cumulative payment with it: on
/// mantissas, exactly. `Decimal`'s own comparison first brings both to one scale in
/// its 96-bit words, and a cap (`38B`, scale 0) against a cumulative in cents (scale
/// 2 or 4) paid that on each of the search's steps (bench/README.md, "Less work a row
/// in the batches"). Pinned to `Decimal`'s order by `tests::bound_is_decimal_order`.
#[derive(Clone, Copy)]
struct Bound {
    m: u128,
    s: u32,
}

impl Bound {
    /// `b`, which must be positive (the caller has checked `budget > 0`).
    fn of(b: Decimal) -> Bound {
        Bound {
            m: b.mantissa().unsigned_abs(),
            s: b.scale(),
        }
    }

    /// Whether `c < self`.
    #[inline]
    fn above(self, c: Decimal) -> bool {
        if c.is_sign_negative() {
            // Below zero (or a negative zero): below any positive bound.
            return true;
        }
        let cm = c.mantissa().unsigned_abs();
        let cs = c.scale();
        // Both brought to the larger scale. A mantissa below 2^96 times 10^k, k ≤ 28,
        // may pass 2^128; then it is past the other mantissa (below 2^96) for sure.
        let up = |m: u128, k: u32| {
            let p = fixed::POW10.get(k as usize).map(|&p| p.unsigned_abs())?;
            m.checked_mul(p)
        };
        match cs.cmp(&self.s) {
            std::cmp::Ordering::Equal => cm < self.m,
            std::cmp::Ordering::Less => up(cm, self.s - cs).is_some_and(|c| c < self.m),
            std::cmp::Ordering::Greater => up(self.m, cs - self.s).is_none_or(|b| cm < b),
        }
    }
}

/// What a cap leads to, for [`Sweep::summary`].
struct Outcome {
    /// The binding date and the index of its period (if the date falls in one).
    binding: Option<(Date, Option<usize>)>,
    /// Total paid.
    paid: Decimal,
    present_value: Option<Decimal>,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::Bound;

    /// Any decimal of up to 28 digits at any scale: small and wide mantissas, both
    /// signs, zeros (a negative one too).
    fn decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (-1_000_000_000_000i64..1_000_000_000_000, 0u32..=12)
                .prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<u128>(), any::<bool>(), 0u32..=28).prop_map(|(m, neg, s)| {
                let m = (m % (1u128 << 96)) as i128;
                Decimal::from_i128_with_scale(if neg { -m } else { m }, s)
            }),
            (0u32..=28, any::<bool>()).prop_map(|(s, neg)| {
                let mut z = Decimal::new(0, s);
                z.set_sign_negative(neg);
                z
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The search's comparison is `Decimal`'s: for every decimal and every
        /// positive bound, equal values at other scales included.
        #[test]
        fn bound_is_decimal_order(c in decimal(), b in decimal(), rescale in 0u32..=28) {
            // A positive bound: a zero drawn stands for the smallest one at its scale.
            let b = if b.is_zero() { Decimal::new(1, b.scale()) } else { b.abs() };
            prop_assert_eq!(Bound::of(b).above(c), c < b);
            // The same value at a larger scale, where it still fits.
            let mut same = c;
            same.rescale(c.scale().saturating_add(rescale).min(28));
            if same == c {
                prop_assert_eq!(Bound::of(b).above(same), same < b);
                prop_assert_eq!(Bound::of(c.abs().max(Decimal::new(1, 28))).above(same),
                    same < c.abs().max(Decimal::new(1, 28)));
            }
        }
    }
}
