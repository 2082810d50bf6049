//! `revcap solve`: the value of one input at which a target holds, for one scenario.
//!
//! Where the relation is a threshold or linear the value is found in closed form
//! (`exact`): the cap and already paid against any target (the cap rule makes total
//! paid `min(max(cap − already paid, 0), uncapped)` and the cap binds by a day exactly
//! when cap − already paid ≤ the cumulative uncapped payment through that day), and
//! the rate and revenue against money targets (uncapped payments are linear in each:
//! `f(0) + v·(f(1) − f(0))`, found from two engine runs). Otherwise (the rate or
//! revenue against a binding date, `from` against anything) every metric is monotone
//! in the input, and a bisection over engine runs finds the boundary to a stated
//! tolerance. Every answer is checked by running the engine at the value found
//! (`achieved`). Pinned by `tests/solve.rs` and the unit tests below, which plug every
//! input × target answer back into [`crate::engine::compute`].

use rust_decimal::Decimal;

use super::{at, cumulative_through, summary_at, Input, Value};
use crate::engine::{self, without_cap};
use crate::error::Error;
use crate::model::{Date, Scenario, Summary, Terms};

/// The inputs `solve` can solve for.
pub const INPUTS: [Input; 5] = [
    Input::Cap,
    Input::Rate,
    Input::Revenue,
    Input::AlreadyPaid,
    Input::From,
];

/// What must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The cap binds on or before this day.
    BindsBy(Date),
    TotalPaid(Decimal),
    UncappedTotal(Decimal),
    Foregone(Decimal),
}

impl Target {
    /// `binds_by 2028-12-31`, `total_paid 38000000000`: the `target` column.
    pub fn describe(&self) -> String {
        match self {
            Target::BindsBy(d) => format!("binds_by {d}"),
            Target::TotalPaid(x) => format!("total_paid {}", x.normalize()),
            Target::UncappedTotal(x) => format!("uncapped_total {}", x.normalize()),
            Target::Foregone(x) => format!("foregone {}", x.normalize()),
        }
    }

    /// The target's own measure of a summary.
    pub fn achieved(&self, s: &Summary) -> Achieved {
        match self {
            Target::BindsBy(_) => Achieved::Binding(s.binding_date),
            Target::TotalPaid(_) => Achieved::Amount(s.total_paid),
            Target::UncappedTotal(_) => Achieved::Amount(s.uncapped_total),
            Target::Foregone(_) => Achieved::Amount(s.foregone),
        }
    }
}

/// What the target's measure is at the solved value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Achieved {
    /// The binding date, `None` when the cap does not bind.
    Binding(Option<Date>),
    Amount(Decimal),
}

impl Achieved {
    /// As the outputs give it: a date, `does not bind`, or a plain amount.
    pub fn plain(&self) -> String {
        match self {
            Achieved::Binding(Some(d)) => d.to_string(),
            Achieved::Binding(None) => "does not bind".into(),
            Achieved::Amount(a) => a.normalize().to_string(),
        }
    }
}

/// One scenario's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Solved {
    /// The input's value, the target's measure there, whether it was found in closed
    /// form, and what it means (which of several values, or the tolerance).
    Found {
        value: Value,
        achieved: Achieved,
        exact: bool,
        note: String,
    },
    /// The target holds whatever the input (it does not depend on it).
    Always(String),
    /// No value of the input meets the target: why.
    Unreachable(String),
}

/// The tolerance of a bisection on the rate or the revenue factor.
pub fn tolerance() -> Decimal {
    Decimal::new(1, 12)
}

/// A cent: how close a money target must be met.
fn cent() -> Decimal {
    Decimal::new(1, 2)
}

/// Whether `s` meets `target`: binds by the day, or the amount within a cent.
pub fn holds(target: &Target, s: &Summary) -> bool {
    match (target, target.achieved(s)) {
        (Target::BindsBy(d), Achieved::Binding(b)) => b.is_some_and(|b| b <= *d),
        (
            Target::TotalPaid(x) | Target::UncappedTotal(x) | Target::Foregone(x),
            Achieved::Amount(a),
        ) => (a - *x).abs() <= cent(),
        _ => false,
    }
}

/// Solves for `input` so that `target` holds for `scenario` under `terms` (whose
/// value of `input` is replaced).
pub fn solve(
    scenario: &Scenario,
    terms: &Terms,
    input: Input,
    target: Target,
) -> Result<Solved, Error> {
    if let Target::BindsBy(day) = target {
        let from = engine::term_start(scenario, terms);
        if day < from && input != Input::From {
            return Ok(Solved::Unreachable(format!(
                "the term starts on {from}, after {day}: the cap cannot bind before the term starts"
            )));
        }
    }
    match input {
        Input::Cap => solve_cap(scenario, terms, target),
        Input::AlreadyPaid => solve_already_paid(scenario, terms, target),
        Input::Rate | Input::Revenue => solve_linear(scenario, terms, input, target),
        Input::From => solve_from(scenario, terms, target),
        Input::Through | Input::DiscountRate => {
            Err(Error::Internal(format!("solve does not solve for {input}")))
        }
    }
}

/// The result at `value`, as a [`Solved::Found`].
fn found(
    scenario: &Scenario,
    terms: &Terms,
    input: Input,
    value: Value,
    target: &Target,
    exact: bool,
    note: String,
) -> Result<Solved, Error> {
    let s = summary_at(scenario, terms, input, value)?;
    Ok(Solved::Found {
        value,
        achieved: target.achieved(&s),
        exact,
        note,
    })
}

/// Money shown in a message, to 2 decimals at its own scale: `$38B`, `$88.77B`.
fn amount(v: Decimal) -> String {
    crate::render::Shown::default().amounts().one(v)
}

/// The cap (docs/spec.md §4.4): total paid is `min(max(budget, 0), uncapped)` with
/// budget = cap − already paid, and the cap binds by a day exactly when the budget is
/// at most the cumulative uncapped payment through it.
fn solve_cap(scenario: &Scenario, terms: &Terms, target: Target) -> Result<Solved, Error> {
    let uncapped = engine::compute(scenario, &without_cap(terms))?;
    let u = uncapped.summary.uncapped_total;
    let paid = terms.already_paid;
    let overflow = || engine::overflow(scenario, None, "the cap");
    let cap = |v: Decimal| Value::Amount(v.normalize());
    let go =
        |v: Decimal, note: String| found(scenario, terms, Input::Cap, cap(v), &target, true, note);
    match target {
        Target::BindsBy(day) => {
            let c = cumulative_through(&uncapped, day).ok_or_else(overflow)?;
            let v = paid.checked_add(c).ok_or_else(overflow)?;
            go(
                v,
                format!("the largest cap that binds by {day}: already paid + uncapped payments through {day}"),
            )
        }
        Target::TotalPaid(x) if x > u => Ok(Solved::Unreachable(format!(
            "uncapped payments are {}: no cap lets more be paid",
            amount(u)
        ))),
        Target::TotalPaid(x) => {
            let note = if x == u {
                "the smallest cap that lets every uncapped payment be made".to_string()
            } else {
                "already paid + the total paid".to_string()
            };
            go(paid.checked_add(x).ok_or_else(overflow)?, note)
        }
        Target::Foregone(x) if x > u => Ok(Solved::Unreachable(format!(
            "uncapped payments are {}: no cap forgoes more",
            amount(u)
        ))),
        Target::Foregone(x) => {
            let note = if x.is_zero() {
                "the smallest cap that forgoes nothing".to_string()
            } else if x == u {
                "the largest cap that forgoes everything (already paid)".to_string()
            } else {
                "already paid + uncapped payments − the foregone amount".to_string()
            };
            let v = paid
                .checked_add(u)
                .and_then(|v| v.checked_sub(x))
                .ok_or_else(overflow)?;
            go(v, note)
        }
        Target::UncappedTotal(x) => Ok(not_affected("the cap", x, u)),
    }
}

/// The answer for an input that does not change uncapped payments (`u`).
fn not_affected(what: &str, x: Decimal, u: Decimal) -> Solved {
    if (u - x).abs() <= cent() {
        Solved::Always(format!(
            "uncapped payments are {} whatever {what}",
            amount(u)
        ))
    } else {
        Solved::Unreachable(format!(
            "{what} does not change uncapped payments, which are {}",
            amount(u)
        ))
    }
}

/// Already paid: the cap's mirror image (budget = cap − already paid), within
/// already paid ≥ 0.
fn solve_already_paid(scenario: &Scenario, terms: &Terms, target: Target) -> Result<Solved, Error> {
    let uncapped = engine::compute(scenario, &without_cap(terms))?;
    let u = uncapped.summary.uncapped_total;
    let Some(cap) = terms.cap else {
        return Ok(match target {
            Target::UncappedTotal(x) => not_affected("already paid", x, u),
            _ => {
                Solved::Unreachable("there is no cap: what was already paid changes nothing".into())
            }
        });
    };
    let overflow = || engine::overflow(scenario, None, "already paid");
    let go = |v: Decimal, note: String| {
        found(
            scenario,
            terms,
            Input::AlreadyPaid,
            Value::Amount(v.normalize()),
            &target,
            true,
            note,
        )
    };
    match target {
        Target::BindsBy(day) => {
            let c = cumulative_through(&uncapped, day).ok_or_else(overflow)?;
            let v = cap.checked_sub(c).ok_or_else(overflow)?;
            if v <= Decimal::ZERO {
                go(
                    Decimal::ZERO,
                    format!("binds by {day} with nothing already paid"),
                )
            } else {
                go(
                    v,
                    format!("the least already paid with which the cap binds by {day}: cap − uncapped payments through {day}"),
                )
            }
        }
        Target::TotalPaid(x) => {
            let most = cap.min(u);
            if x > most {
                return Ok(Solved::Unreachable(format!(
                    "with nothing already paid, {} is paid (cap {}, uncapped payments {}): already paid only lowers it",
                    amount(most),
                    amount(cap),
                    amount(u)
                )));
            }
            let note = if x == u {
                "the most already paid with which every uncapped payment is made".into()
            } else {
                "cap − the total paid".to_string()
            };
            go(cap.checked_sub(x).ok_or_else(overflow)?, note)
        }
        Target::Foregone(x) => {
            let least = u.checked_sub(cap).ok_or_else(overflow)?.max(Decimal::ZERO);
            if x > u || x < least {
                return Ok(Solved::Unreachable(format!(
                    "the foregone amount can only be from {} (nothing already paid) to {} (the cap used up)",
                    amount(least),
                    amount(u)
                )));
            }
            let v = cap
                .checked_sub(u)
                .and_then(|v| v.checked_add(x))
                .ok_or_else(overflow)?;
            let note = if x == least && u < cap {
                "the most already paid with which nothing is foregone".to_string()
            } else {
                "cap − uncapped payments + the foregone amount".to_string()
            };
            go(v, note)
        }
        Target::UncappedTotal(x) => Ok(not_affected("already paid", x, u)),
    }
}

/// The value of a linear input `input` (the rate, the revenue factor) at `v`.
fn linear(input: Input, v: Decimal) -> Value {
    match input {
        Input::Rate => Value::Rate(v),
        _ => Value::Scale(v),
    }
}

/// The rate and the revenue factor. Money targets: uncapped payments are linear in
/// either, `f0 + v·slope`, and total paid and foregone follow from them and the cap's
/// budget. Binding by a day: a bisection, as the day the cap binds moves in whole
/// days and each segment's proration rounds.
fn solve_linear(
    scenario: &Scenario,
    terms: &Terms,
    input: Input,
    target: Target,
) -> Result<Solved, Error> {
    let word = match input {
        Input::Rate => "rate",
        _ => "revenue factor",
    };
    let budget = match terms.cap {
        Some(cap) => Some(
            cap.checked_sub(terms.already_paid)
                .ok_or_else(|| engine::overflow(scenario, None, "cap minus already paid"))?,
        ),
        None => None,
    };
    if let Target::BindsBy(day) = target {
        return bisect_binding(scenario, terms, input, day, budget);
    }
    let uncapped = |v: Decimal| -> Result<Decimal, Error> {
        Ok(summary_at(scenario, &without_cap(terms), input, linear(input, v))?.uncapped_total)
    };
    let f0 = uncapped(Decimal::ZERO)?;
    let f1 = uncapped(Decimal::ONE)?;
    // The uncapped total the target needs, and what the value then means.
    let (need, note): (Decimal, String) = match (target, budget) {
        (Target::UncappedTotal(x), _) => (x, "uncapped payments are linear in it".into()),
        (Target::TotalPaid(x), None) => (x, "no cap: total paid is the uncapped total".into()),
        (Target::Foregone(x), None) => {
            return Ok(if x.is_zero() {
                Solved::Always("there is no cap: nothing is ever foregone".into())
            } else {
                Solved::Unreachable("there is no cap: nothing is foregone".into())
            })
        }
        (Target::TotalPaid(x), Some(b)) if b <= Decimal::ZERO => {
            return Ok(if x.is_zero() {
                Solved::Always("already paid uses up the cap: nothing is paid".into())
            } else {
                Solved::Unreachable("already paid uses up the cap: nothing is paid".into())
            })
        }
        (Target::TotalPaid(x), Some(b)) if x > b => {
            return Ok(Solved::Unreachable(format!(
                "the cap lets at most {} be paid (cap − already paid)",
                amount(b)
            )))
        }
        (Target::TotalPaid(x), Some(b)) if x == b => (
            x,
            format!("the smallest {word} at which the cap is reached"),
        ),
        (Target::TotalPaid(x), Some(_)) => {
            (x, "below the cap, total paid is the uncapped total".into())
        }
        (Target::Foregone(x), Some(b)) if b <= Decimal::ZERO => (
            x,
            "already paid uses up the cap: every uncapped payment is foregone".into(),
        ),
        (Target::Foregone(x), Some(b)) => {
            let need = b
                .checked_add(x)
                .ok_or_else(|| engine::overflow(scenario, None, "the target"))?;
            let note = if x.is_zero() {
                format!("the largest {word} at which nothing is foregone (the cap is just reached)")
            } else {
                "foregone is the uncapped total above the cap".into()
            };
            (need, note)
        }
        (Target::BindsBy(_), _) => {
            return Err(Error::Internal(
                "a binding target reached the money solver".into(),
            ))
        }
    };
    // Total paid at the cap holds for any uncapped total from the budget up; every
    // other target needs the uncapped total exactly.
    let or_more = matches!((target, budget), (Target::TotalPaid(x), Some(b)) if x == b);
    let slope = f1 - f0;
    if slope.is_zero() {
        return Ok(if (need - f0).abs() <= cent() || (or_more && f0 >= need) {
            Solved::Always(format!("the {word} does not change the payments"))
        } else {
            Solved::Unreachable(format!(
                "the {word} does not change uncapped payments, which are {}",
                amount(f0)
            ))
        });
    }
    let v = need
        .checked_sub(f0)
        .and_then(|n| n.checked_div(slope))
        .ok_or_else(|| engine::overflow(scenario, None, "the solved value"))?;
    if v < Decimal::ZERO {
        // Payments that stay at a value of 0 (rate steps, a rate column) already
        // pass what the target needs.
        return Ok(match or_more {
            true => Solved::Always(format!(
                "even at a {word} of 0, uncapped payments are {}: the cap is reached",
                amount(f0)
            )),
            false => Solved::Unreachable(format!(
                "even at a {word} of 0, uncapped payments are {}, more than the {} this target needs",
                amount(f0),
                amount(need)
            )),
        });
    }
    if input == Input::Rate && v > Decimal::ONE {
        return Ok(Solved::Unreachable(format!(
            "it would take a rate of {}, above 100%",
            crate::render::percent(v)
        )));
    }
    found(
        scenario,
        terms,
        input,
        linear(input, v),
        &target,
        true,
        note,
    )
}

/// The smallest rate or revenue factor at which the cap binds by `day`, to
/// [`tolerance`]: binding earlier is monotone in either (payments only grow).
fn bisect_binding(
    scenario: &Scenario,
    terms: &Terms,
    input: Input,
    day: Date,
    budget: Option<Decimal>,
) -> Result<Solved, Error> {
    let target = Target::BindsBy(day);
    let Some(budget) = budget else {
        return Ok(Solved::Unreachable("there is no cap to bind".into()));
    };
    if budget <= Decimal::ZERO {
        return Ok(Solved::Always(
            "already paid uses up the cap: it binds on the term's first day".into(),
        ));
    }
    let binds = |v: Decimal| -> Result<bool, Error> {
        Ok(holds(
            &target,
            &summary_at(scenario, terms, input, linear(input, v))?,
        ))
    };
    let word = match input {
        Input::Rate => "rate",
        _ => "revenue factor",
    };
    // A rate of 0 can still bind (rate steps, or a rate column, pay on): then every
    // value does, payments only growing with it.
    if binds(Decimal::ZERO)? {
        return Ok(Solved::Always(format!(
            "the cap binds by {day} even at a {word} of 0"
        )));
    }
    // A value at which it binds: 100% for the rate. For revenue, payments through
    // the day are proportional to the factor (but for rounding in the 12th place):
    // the factor that pays the budget by then, doubled while it falls short.
    let mut hi = Decimal::ONE;
    // The terms as given, at ×1 and 100%: an error there (a cap too large to subtract
    // exactly, say) is the file's or the terms', and is reported as such; past this,
    // an error of revenue scaled up is the scale's (below).
    if !binds(hi)? {
        if input == Input::Rate {
            return Ok(Solved::Unreachable(format!(
                "the cap does not bind by {day} even at a rate of 100%"
            )));
        }
        let by_day = cumulative_through(
            &at(scenario, &without_cap(terms), input, linear(input, hi))?,
            day,
        )
        .ok_or_else(|| engine::overflow(scenario, None, "payments through the day"))?;
        if by_day <= Decimal::ZERO {
            return Ok(Solved::Unreachable(format!(
                "nothing is paid by {day} whatever the revenue (no data, or a revenue or rate of 0, until then)"
            )));
        }
        hi = match budget.checked_div(by_day) {
            Some(f) if f > hi => {
                f.round_dp_with_strategy(12, rust_decimal::RoundingStrategy::AwayFromZero)
            }
            Some(_) => hi.saturating_mul(Decimal::TWO),
            None => return Ok(past_range(day)),
        };
        let mut tries = 0;
        loop {
            match binds(hi) {
                Ok(true) => break,
                Ok(false) if tries < 40 => {}
                Ok(false) => {
                    return Ok(Solved::Unreachable(format!(
                        "the cap does not bind by {day} even with revenue ×{}",
                        hi.normalize()
                    )))
                }
                // Revenue scaled past what the engine computes exactly: out of
                // reach, not an error of the file's (its own amounts were computed at
                // ×1 above).
                Err(_) => return Ok(past_range(day)),
            }
            hi = match hi.checked_mul(Decimal::TWO) {
                Some(h) => h,
                None => return Ok(past_range(day)),
            };
            tries += 1;
        }
    }
    // On the grid of the tolerance (12 decimal places): `lo` does not bind, `hi`
    // does, until they are one step apart.
    let mut lo = Decimal::ZERO;
    let tol = tolerance();
    while hi - lo > tol {
        let mid = ((lo + hi) / Decimal::TWO)
            .round_dp_with_strategy(12, rust_decimal::RoundingStrategy::ToZero);
        if binds(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let v = hi;
    found(
        scenario,
        terms,
        input,
        linear(input, v.normalize()),
        &target,
        false,
        format!("bisection: binds by {day} at this value, not at 1e-12 below it"),
    )
}

/// Binding by `day` would take revenue scaled past the amounts revcap computes.
fn past_range(day: Date) -> Solved {
    Solved::Unreachable(format!(
        "the cap would bind by {day} only with revenue scaled past the amounts revcap computes exactly (docs/errors.md, \"Out of range\")"
    ))
}

/// The term start: every metric is monotone in it (a later start counts fewer days,
/// so less is paid and the cap binds later). A search over whole days for the latest
/// start at which the target holds, from the data's first day to the term's end.
fn solve_from(scenario: &Scenario, terms: &Terms, target: Target) -> Result<Solved, Error> {
    let Some(first) = scenario.periods.first().map(|p| p.period.start()) else {
        return Ok(Solved::Unreachable("the scenario has no periods".into()));
    };
    let lo_day = first.min(terms.through);
    let at_day = |d: Date| summary_at(scenario, terms, Input::From, Value::Date(d));
    if let Target::Foregone(x) = target {
        if x <= cent() {
            if terms.cap.is_none() {
                return Ok(Solved::Always(
                    "there is no cap: nothing is ever foregone".into(),
                ));
            }
            return from_forgoing_nothing(lo_day, terms.through, x, at_day);
        }
    }
    // At least the target (money), or binding by the day: true for early starts.
    let ok = |s: &Summary| match (target, target.achieved(s)) {
        (Target::BindsBy(day), Achieved::Binding(b)) => b.is_some_and(|b| b <= day),
        (_, Achieved::Amount(a)) => match target {
            Target::TotalPaid(x) | Target::UncappedTotal(x) | Target::Foregone(x) => {
                a >= x - cent()
            }
            Target::BindsBy(_) => false,
        },
        _ => false,
    };
    let first_summary = at_day(lo_day)?;
    if !ok(&first_summary) {
        let what = match target.achieved(&first_summary) {
            Achieved::Binding(Some(d)) => format!("the cap binds on {d}"),
            Achieved::Binding(None) => "the cap does not bind".into(),
            Achieved::Amount(a) => format!("it is {}", amount(a)),
        };
        return Ok(Solved::Unreachable(format!(
            "even from the data's first day, {lo_day}, {what}"
        )));
    }
    // Latest day in [lo, hi] with `ok`: the day before the first without it.
    let hi = lo_day.days_until(terms.through);
    let day = |n: i64| lo_day.add_days(n).unwrap_or(lo_day);
    let best = if ok(&at_day(day(hi))?) {
        day(hi)
    } else {
        day(first_holding(0, hi, |n| Ok(!ok(&at_day(day(n))?)))? - 1)
    };
    let s = at_day(best)?;
    let achieved = target.achieved(&s);
    let (exact, note) = match (target, achieved) {
        (Target::BindsBy(d), _) => (
            true,
            format!("the latest start with which the cap binds by {d}"),
        ),
        (_, Achieved::Amount(a)) if (a - target_amount(&target)).abs() <= cent() => {
            (true, "the latest start at which the target is met".into())
        }
        _ => {
            let next = match best.add_days(1) {
                Some(n) if n <= terms.through => {
                    let later = target.achieved(&at_day(n)?).plain();
                    format!("; from {n} it is {later}")
                }
                _ => String::new(),
            };
            (
                false,
                format!("to a day: the latest start at which it is at least the target{next}"),
            )
        }
    };
    Ok(Solved::Found {
        value: Value::Date(best),
        achieved,
        exact,
        note,
    })
}

/// `--foregone 0` for the term start: nothing is foregone from some start on, to the
/// term's last day, so the answer is where that begins (the cap just reached, as for
/// the other inputs), not the latest start, which would be the term's end. Pinned by
/// `tests::nothing_foregone_from_the_earliest_start`.
fn from_forgoing_nothing(
    lo_day: Date,
    through: Date,
    x: Decimal,
    at_day: impl Fn(Date) -> Result<Summary, Error>,
) -> Result<Solved, Error> {
    let target = Target::Foregone(x);
    let none = |d: Date| -> Result<bool, Error> {
        Ok(matches!(target.achieved(&at_day(d)?), Achieved::Amount(a) if a <= x + cent()))
    };
    if none(lo_day)? {
        return Ok(Solved::Always(format!(
            "nothing is foregone from any start: the cap is not reached even from the data's first day, {lo_day}"
        )));
    }
    if !none(through)? {
        let what = match target.achieved(&at_day(through)?) {
            Achieved::Amount(a) => amount(a),
            other => other.plain(),
        };
        return Ok(Solved::Unreachable(format!(
            "even from the term's last day, {through}, {what} is foregone"
        )));
    }
    // Earliest day with nothing foregone.
    let day = |n: i64| lo_day.add_days(n).unwrap_or(lo_day);
    let best = day(first_holding(0, lo_day.days_until(through), |n| {
        none(day(n))
    })?);
    Ok(Solved::Found {
        value: Value::Date(best),
        achieved: target.achieved(&at_day(best)?),
        exact: true,
        note: "the earliest start at which nothing is foregone (the cap is just reached)".into(),
    })
}

/// The first of `lo + 1 ..= hi` at which `holds` is true, found by halving: it must be
/// false at `lo` and true at `hi`, and change once between (the term start's search
/// over days, every metric being monotone in it).
fn first_holding(
    mut lo: i64,
    mut hi: i64,
    mut holds: impl FnMut(i64) -> Result<bool, Error>,
) -> Result<i64, Error> {
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if holds(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}

fn target_amount(t: &Target) -> Decimal {
    match t {
        Target::TotalPaid(x) | Target::UncappedTotal(x) | Target::Foregone(x) => *x,
        Target::BindsBy(_) => Decimal::ZERO,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    /// The bundled scenarios and terms (rate 20%, cap 38B, from 2026-04-27).
    fn bundled() -> (Vec<Scenario>, Terms) {
        let scenarios = crate::builtin::SCENARIOS
            .iter()
            .flat_map(|f| crate::load::load(f.text.as_bytes(), f.name, f.stem()).unwrap())
            .collect();
        let terms = crate::config::parse_terms(crate::builtin::TERMS.text, "terms.toml")
            .unwrap()
            .resolve()
            .unwrap();
        (scenarios, terms)
    }

    fn targets() -> Vec<Target> {
        vec![
            Target::BindsBy(date("2026-03-01")), // before the term: out of reach
            Target::BindsBy(date("2026-04-27")), // the term's first day
            Target::BindsBy(date("2028-02-29")),
            Target::BindsBy(date("2028-12-31")),
            Target::BindsBy(date("2030-12-31")),
            Target::TotalPaid(dec("0")),
            Target::TotalPaid(dec("30e9")),
            Target::TotalPaid(dec("38e9")),
            Target::TotalPaid(dec("500e9")),
            Target::UncappedTotal(dec("100e9")),
            Target::UncappedTotal(dec("135e9")),
            Target::UncappedTotal(dec("5000e9")),
            Target::Foregone(dec("0")),
            Target::Foregone(dec("40e9")),
            Target::Foregone(dec("900e9")),
        ]
    }

    /// A value `step` further in the direction that should break a binding target:
    /// a larger cap, less already paid, a lower rate or revenue, a later start.
    fn past(input: Input, v: Value, step: Decimal) -> Option<Value> {
        Some(match v {
            Value::Amount(a) if input == Input::Cap => Value::Amount(a + step),
            Value::Amount(a) if a >= step => Value::Amount(a - step),
            Value::Rate(r) if r >= step => Value::Rate(r - step),
            Value::Scale(s) if s >= step => Value::Scale(s - step),
            Value::Date(d) => Value::Date(d.add_days(1)?),
            _ => return None,
        })
    }

    /// Values of each input to try where a target is said to be out of reach (or
    /// always met).
    fn samples(input: Input, terms: &Terms) -> Vec<Value> {
        match input {
            Input::Cap | Input::AlreadyPaid => ["0", "1e9", "20e9", "38e9", "100e9", "1000e9"]
                .iter()
                .map(|s| Value::Amount(dec(s)))
                .collect(),
            Input::Rate => ["0", "0.05", "0.2", "0.5", "1"]
                .iter()
                .map(|s| Value::Rate(dec(s)))
                .collect(),
            Input::Revenue => ["0", "0.5", "1", "3", "40"]
                .iter()
                .map(|s| Value::Scale(dec(s)))
                .collect(),
            _ => ["2024-01-01", "2026-04-27", "2028-06-30", "2030-12-31"]
                .iter()
                .map(|s| Value::Date(date(s)))
                .filter(|v| matches!(v, Value::Date(d) if *d <= terms.through))
                .collect(),
        }
    }

    /// Every input × target pair on every bundled scenario, plugged back into the
    /// engine: a solved value meets the target (and the engine's measure there is
    /// the `achieved` reported); for a binding date, one step past the value does
    /// not; a target out of reach (or always met) is out of reach (met) at every
    /// sampled value. Under the bundled terms, and with rate steps that keep paying
    /// at a rate of 0 (`solve` swings the base rate only) or pay nothing before 2027.
    #[test]
    fn every_input_and_target_holds_in_the_engine() {
        let (scenarios, terms) = bundled();
        let (found, unreachable) = every_input_and_target(&scenarios, &terms);
        // Both kinds of answer are exercised.
        assert!(found > 100 && unreachable > 30, "{found} {unreachable}");
        let step = |from: &str, rate: &str| crate::model::RateStep {
            from: date(from),
            rate: dec(rate),
        };
        let mut stepped = terms.clone();
        stepped.rate_steps = vec![step("2029-01-01", "0.25")];
        every_input_and_target(&scenarios, &stepped);
        let mut grace = terms;
        grace.rate_steps = vec![step("2026-01-01", "0"), step("2027-01-01", "0.2")];
        every_input_and_target(&scenarios, &grace);
    }

    /// [`every_input_and_target_holds_in_the_engine`] under `terms`: the answers
    /// found and those out of reach.
    fn every_input_and_target(scenarios: &[Scenario], terms: &Terms) -> (usize, usize) {
        let terms = terms.clone();
        let mut found = 0;
        let mut unreachable = 0;
        for s in scenarios {
            for input in INPUTS {
                for target in targets() {
                    let what = format!("{} {input} {}", s.name, target.describe());
                    let solved =
                        solve(s, &terms, input, target).unwrap_or_else(|e| panic!("{what}: {e}"));
                    match solved {
                        Solved::Found {
                            value,
                            achieved,
                            exact,
                            ..
                        } => {
                            found += 1;
                            let r = at(s, &terms, input, value).unwrap().summary;
                            assert_eq!(target.achieved(&r), achieved, "{what}");
                            if input == Input::From
                                && matches!(target, Target::Foregone(x) if x <= cent())
                            {
                                // The earliest start that forgoes nothing; a day
                                // earlier something is foregone.
                                assert!(holds(&target, &r), "{what}");
                                let Value::Date(d) = value else { panic!() };
                                let first = s.periods[0].period.start();
                                let before = d.add_days(-1).filter(|b| *b >= first).unwrap();
                                let earlier = at(s, &terms, input, Value::Date(before));
                                let Achieved::Amount(a) =
                                    target.achieved(&earlier.unwrap().summary)
                                else {
                                    panic!()
                                };
                                assert!(a > cent(), "{what}: {before} forgoes {a}");
                                continue;
                            }
                            if input == Input::From && !matches!(target, Target::BindsBy(_)) {
                                // The latest start at which the amount is at least
                                // the target; a day later it is below.
                                let Achieved::Amount(a) = achieved else {
                                    panic!()
                                };
                                let x = target_amount(&target);
                                assert!(a >= x - cent(), "{what}");
                                assert_eq!(exact, (a - x).abs() <= cent(), "{what}");
                                if let Some(next) = past(input, value, Decimal::ONE) {
                                    let later = at(s, &terms, input, next).unwrap().summary;
                                    if let Value::Date(d) = next {
                                        if d <= terms.through {
                                            let Achieved::Amount(b) = target.achieved(&later)
                                            else {
                                                panic!()
                                            };
                                            assert!(b < x - cent() || exact, "{what}");
                                        }
                                    }
                                }
                                continue;
                            }
                            assert!(holds(&target, &r), "{what}: {achieved:?}");
                            if let Target::BindsBy(day) = target {
                                // One step past: a cent for money, 1e-12 for rates
                                // and factors (the tolerance), a day for a start.
                                let steps = match input {
                                    Input::Cap | Input::AlreadyPaid => {
                                        vec![Decimal::new(1, 12), cent()]
                                    }
                                    _ => vec![tolerance()],
                                };
                                for step in steps {
                                    let Some(next) = past(input, value, step) else {
                                        continue;
                                    };
                                    if value == Value::Amount(Decimal::ZERO)
                                        && input == Input::AlreadyPaid
                                    {
                                        continue;
                                    }
                                    if let Value::Date(d) = next {
                                        if d > terms.through {
                                            continue;
                                        }
                                    }
                                    let r2 = at(s, &terms, input, next).unwrap().summary;
                                    assert!(
                                        r2.binding_date.is_none_or(|b| b > day),
                                        "{what}: {next:?} still binds by {day}"
                                    );
                                }
                            }
                        }
                        Solved::Unreachable(_) | Solved::Always(_) => {
                            let always = matches!(solved, Solved::Always(_));
                            unreachable += usize::from(!always);
                            for v in samples(input, &terms) {
                                let r = at(s, &terms, input, v).unwrap().summary;
                                assert_eq!(holds(&target, &r), always, "{what} at {v:?}");
                            }
                        }
                    }
                }
            }
        }
        (found, unreachable)
    }

    /// `--foregone 0` for the term start answers the earliest start that forgoes
    /// nothing, where the cap is just reached, not the term's last day (every later
    /// start forgoes nothing too).
    #[test]
    fn nothing_foregone_from_the_earliest_start() {
        let (scenarios, terms) = bundled();
        let feb = scenarios.iter().find(|s| s.name == "feb2026").unwrap();
        let Solved::Found {
            value: Value::Date(d),
            exact: true,
            note,
            ..
        } = solve(feb, &terms, Input::From, Target::Foregone(Decimal::ZERO)).unwrap()
        else {
            panic!()
        };
        assert!(d < terms.through, "{d}");
        assert!(note.starts_with("the earliest start"), "{note}");
        let foregone = |d: Date| {
            at(feb, &terms, Input::From, Value::Date(d))
                .unwrap()
                .summary
                .foregone
        };
        assert!(foregone(d).is_zero());
        assert!(foregone(d.add_days(-1).unwrap()) > Decimal::ZERO);
    }

    /// The README's examples: the revenue factor at which feb2026's uncapped
    /// payments are the reported $135B is a division, and the cap that binds by
    /// 2028-12-31 is the cumulative uncapped payment through that day.
    #[test]
    fn readme_examples_are_exact() {
        let (scenarios, terms) = bundled();
        let feb = scenarios.iter().find(|s| s.name == "feb2026").unwrap();
        let Solved::Found {
            value: Value::Scale(f),
            exact: true,
            ..
        } = solve(
            feb,
            &terms,
            Input::Revenue,
            Target::UncappedTotal(dec("135e9")),
        )
        .unwrap()
        else {
            panic!()
        };
        let base = engine::compute(feb, &terms).unwrap().summary.uncapped_total;
        assert_eq!(f.round_dp(20), (dec("135e9") / base).round_dp(20));
        let Solved::Found {
            value: Value::Amount(cap),
            achieved,
            exact: true,
            ..
        } = solve(feb, &terms, Input::Cap, Target::BindsBy(date("2028-12-31"))).unwrap()
        else {
            panic!()
        };
        assert_eq!(achieved, Achieved::Binding(Some(date("2028-12-31"))));
        // 2026-04-27..2026-12-31 of 2026's $30B, and all of 2027 and 2028, at 20%.
        let by_hand =
            dec("6e9") * Decimal::from(249) / Decimal::from(365) + dec("12.4e9") + dec("20e9");
        assert!((cap - by_hand).abs() < dec("1e-11"), "{cap} {by_hand}");
    }

    /// The cap threshold through every day of a stretch with a rate step inside a
    /// period and a leap day: binds by that day, and a unit more binds after it.
    #[test]
    fn cap_thresholds_hold_day_by_day() {
        let (scenarios, mut terms) = bundled();
        terms.rate_steps = vec![crate::model::RateStep {
            from: date("2028-02-15"),
            rate: dec("0.15"),
        }];
        terms.already_paid = dec("1.5e9");
        let s = &scenarios[0];
        let mut day = date("2028-01-20");
        while day <= date("2028-03-10") {
            let Solved::Found {
                value: Value::Amount(cap),
                ..
            } = solve(s, &terms, Input::Cap, Target::BindsBy(day)).unwrap()
            else {
                panic!()
            };
            let at_cap = at(s, &terms, Input::Cap, Value::Amount(cap))
                .unwrap()
                .summary;
            assert!(at_cap.binding_date.is_some_and(|b| b <= day), "{day}");
            let above = Value::Amount(cap + Decimal::new(1, 12));
            let r = at(s, &terms, Input::Cap, above).unwrap().summary;
            assert!(r.binding_date.is_some_and(|b| b > day), "{day}");
            day = day.add_days(1).unwrap();
        }
    }

    #[test]
    fn no_cap_and_used_up_caps_are_said() {
        let (scenarios, mut terms) = bundled();
        let s = &scenarios[1];
        terms.cap = None;
        let r = solve(s, &terms, Input::Rate, Target::BindsBy(date("2029-01-01"))).unwrap();
        assert_eq!(r, Solved::Unreachable("there is no cap to bind".into()));
        let r = solve(s, &terms, Input::AlreadyPaid, Target::TotalPaid(dec("1"))).unwrap();
        assert!(matches!(r, Solved::Unreachable(_)));
        let r = solve(s, &terms, Input::Revenue, Target::Foregone(dec("0"))).unwrap();
        assert!(matches!(r, Solved::Always(_)));
        terms.cap = Some(dec("1e9"));
        terms.already_paid = dec("2e9");
        let r = solve(s, &terms, Input::Rate, Target::BindsBy(date("2029-01-01"))).unwrap();
        assert!(matches!(r, Solved::Always(_)));
    }
}
