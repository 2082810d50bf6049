//! The exact computation of SPEC §4: segments, proration by days, the cap walk, the
//! binding date and present values. Pure: no I/O, no formatting.
//!
//! The cap rule lives here alone (`walk`). Every amount is a `Decimal`; the only
//! rounding is the half-even rounding to 12 decimal places of each segment's prorated
//! revenue and payment ([`div_round12`]), plus Decimal's own 28 significant digits in
//! the present value's power and the effective rate's division.

use rust_decimal::prelude::*;
use rust_decimal::MathematicalOps;

use crate::error::{Error, Problem};
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
    let mut r = walk(scenario, terms)?;
    r.periods = r
        .periods
        .into_iter()
        .map(PeriodResult::normalized)
        .collect();
    r.summary = r.summary.normalized();
    Ok(r)
}

/// [`compute`] without dropping trailing zeros from the amounts: the same values,
/// for callers that only compute with them ([`Sweep`]).
fn walk(scenario: &Scenario, terms: &Terms) -> Result<ScenarioResult, Error> {
    let overflow_at = |input: &PeriodInput, what: &str| overflow(scenario, Some(input), what);
    let from = term_start(scenario, terms);
    let through = terms.through;
    // An explicit `from` after `through` is refused with the terms. A default one (the
    // scenario's first day) can still be after it: then no day is in the term, every
    // period earns nothing, and the cap does not bind (there is no term for it to bind
    // in). Pinned by `chart::tests::a_scenario_wholly_outside_the_term_still_renders`.
    // What may still be paid; `None` without a cap.
    let budget = match terms.cap {
        Some(cap) => Some(
            cap.checked_sub(terms.already_paid)
                .ok_or_else(|| overflow(scenario, None, "cap minus already paid"))?,
        ),
        None => None,
    };

    let mut segments = Vec::new();
    let mut periods = Vec::with_capacity(scenario.periods.len());
    let mut cum_uncapped = Decimal::ZERO;
    let mut cum_paid = Decimal::ZERO;
    // Eligible revenue and uncapped payments, summed over the periods.
    let mut totals = (Decimal::ZERO, Decimal::ZERO);
    // The day cumulative payments reach the cap, and the period containing it (if that
    // day falls in one of the scenario's periods).
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

    // One list of in-term stretches, refilled per period (a period has one unless a
    // rate step cuts it).
    let mut stretches = Vec::with_capacity(1);
    for input in &scenario.periods {
        let p = &input.period;
        // Each period's calendar is worked out once.
        let (p_start, p_end) = (p.start(), p.end());
        let big_d = Decimal::from(p_start.days_until(p_end) + 1);
        let (mut eligible, mut uncapped, mut paid) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        split(p_start.max(from), p_end.min(through), terms, &mut stretches);
        for &(start, end) in &stretches {
            let rate = input.rate.unwrap_or_else(|| rate_on(terms, start));
            let d = Decimal::from(start.days_until(end) + 1);
            let seg_eligible = prorate(input.revenue, Decimal::ONE, d, big_d)
                .ok_or_else(|| overflow_at(input, "eligible revenue"))?;
            let seg_uncapped = prorate(input.revenue, rate, d, big_d)
                .ok_or_else(|| overflow_at(input, "payment"))?;
            // The cap walk (SPEC §4.4): pay min(uncapped, max(remaining, 0)).
            let seg_paid = match budget {
                None => seg_uncapped,
                Some(b) => {
                    let remaining = b
                        .checked_sub(cum_paid)
                        .ok_or_else(|| overflow_at(input, "remaining cap"))?;
                    let remaining = remaining.max(Decimal::ZERO);
                    if binding.is_none()
                        && seg_uncapped > Decimal::ZERO
                        && seg_uncapped >= remaining
                    {
                        let k = binding_day(seg_uncapped, remaining, d)
                            .ok_or_else(|| overflow_at(input, "binding date"))?;
                        let date = start
                            .add_days(k - 1)
                            .ok_or_else(|| overflow_at(input, "binding date"))?;
                        binding = Some((date, Some(*p)));
                    }
                    seg_uncapped.min(remaining)
                }
            };
            eligible = eligible
                .checked_add(seg_eligible)
                .ok_or_else(|| overflow_at(input, "eligible revenue"))?;
            uncapped = uncapped
                .checked_add(seg_uncapped)
                .ok_or_else(|| overflow_at(input, "payment"))?;
            paid = paid
                .checked_add(seg_paid)
                .ok_or_else(|| overflow_at(input, "payment"))?;
            cum_uncapped = cum_uncapped
                .checked_add(seg_uncapped)
                .ok_or_else(|| overflow_at(input, "cumulative payment"))?;
            cum_paid = cum_paid
                .checked_add(seg_paid)
                .ok_or_else(|| overflow_at(input, "cumulative payment"))?;
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
            .ok_or_else(|| overflow_at(input, "eligible revenue"))?;
        totals.1 = totals
            .1
            .checked_add(uncapped)
            .ok_or_else(|| overflow_at(input, "payment"))?;
        let remaining_cap = match budget {
            Some(b) => Some(
                b.checked_sub(cum_paid)
                    .ok_or_else(|| overflow_at(input, "remaining cap"))?
                    .max(Decimal::ZERO),
            ),
            None => None,
        };
        let present_value = match terms.discount_rate {
            Some(r) => Some(
                present_value(paid, r, from.days_until(p_end))
                    .ok_or_else(|| overflow_at(input, "present value"))?,
            ),
            None => None,
        };
        periods.push(PeriodResult {
            period: *p,
            start: p_start,
            end: p_end,
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

    let overflow_total = || overflow(scenario, scenario.periods.last(), "total");
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

/// A result that left Decimal's range, named like an input problem: the file, the
/// line of the period where it happened (if one), and the scenario.
pub fn overflow(scenario: &Scenario, at: Option<&PeriodInput>, what: &str) -> Error {
    const LIMIT: &str = "amounts must stay below 7.9e28";
    let p = Problem::new(
        &scenario.source,
        match at {
            Some(i) => format!("{what} overflows in period {} ({LIMIT})", i.period),
            None => format!("{what} overflows ({LIMIT})"),
        },
    );
    let p = match at {
        Some(i) => p.line(i.line),
        None => p,
    };
    p.scenario(&scenario.name).into()
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

/// The term start every scenario shares: `terms.from`, or the scenarios' own starts
/// (`starts`, from [`term_start`]) when they are all the same day.
pub fn common_start(terms: &Terms, starts: impl IntoIterator<Item = Date>) -> Option<Date> {
    terms.from.or_else(|| {
        let mut starts = starts.into_iter();
        let first = starts.next()?;
        starts.all(|s| s == first).then_some(first)
    })
}

/// The terms without their cap: what the variants of a cap sweep share.
pub fn without_cap(terms: &Terms) -> Terms {
    Terms {
        cap: None,
        ..terms.clone()
    }
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

/// `revenue × rate × d / D`, multiplied first and divided last, rounded half-even to
/// 12 decimal places (SPEC §4.3). `None` on overflow.
pub fn prorate(revenue: Decimal, rate: Decimal, d: Decimal, big_d: Decimal) -> Option<Decimal> {
    if d == big_d {
        // A whole period: no division, so no rounding beyond 12 places. Revenue at a
        // rate of one (eligible revenue) is itself, scale included: no product.
        if rate == Decimal::ONE {
            return round12(revenue);
        }
        return round12(revenue.checked_mul(rate)?);
    }
    let numerator = revenue.checked_mul(rate)?.checked_mul(d)?;
    div_round12(numerator, big_d)
}

fn round12(x: Decimal) -> Option<Decimal> {
    if x.scale() <= PRORATION_DP {
        // Nothing beyond 12 places to round (the common case: cents times a rate).
        return Some(x);
    }
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
                    let before = cumulative_before(segs, i);
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
                            let paid_before = cumulative_before(segs, first_seg);
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
        Some(
            Summary {
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
            }
            .normalized(),
        )
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

// Hand-computed cases. Each comment shows the arithmetic, done by hand (long
// division to 13+ places) independently of the code above; `D` is the period's days,
// `d` a segment's days, `u` its uncapped payment, `r` the cap remaining at its start.
#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::model::RateStep;

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

        // The cap reached exactly as the term ends also binds (SPEC §4.5), with
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
}
