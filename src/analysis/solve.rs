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

use super::{cumulative_through, summary_at, Input, Value};
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
    let slope = f1 - f0;
    if slope.is_zero() {
        return Ok(if (need - f0).abs() <= cent() {
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
        return Ok(Solved::Unreachable(format!(
            "even at a {word} of 0, uncapped payments are {}",
            amount(f0)
        )));
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
    // A value at which it binds: 100% for the rate; for revenue, factors doubled
    // from 1 (a factor past Decimal's range is out of reach).
    let mut hi = Decimal::ONE;
    let mut tries = 0;
    while !binds(hi)? {
        if input == Input::Rate || tries >= 40 {
            let what = match input {
                Input::Rate => "even at a rate of 100%".to_string(),
                _ => format!("even with revenue ×{}", hi.normalize()),
            };
            return Ok(Solved::Unreachable(format!(
                "the cap does not bind by {day} {what}"
            )));
        }
        hi = match hi.checked_mul(Decimal::TWO) {
            Some(h) => h,
            None => {
                return Ok(Solved::Unreachable(format!(
                    "the cap does not bind by {day}"
                )))
            }
        };
        tries += 1;
    }
    let mut lo = Decimal::ZERO;
    let tol = tolerance();
    while hi - lo > tol {
        let mid = ((lo + hi) / Decimal::TWO).round_dp(13);
        if mid <= lo || mid >= hi {
            break;
        }
        if binds(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    // The smallest value found to bind, rounded up to the tolerance's places (still
    // within it of the boundary, and still binding: larger binds no later).
    let v = hi.round_dp_with_strategy(12, rust_decimal::RoundingStrategy::AwayFromZero);
    let v = if binds(v)? { v } else { hi };
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

/// The term start: every metric is monotone in it (a later start counts fewer days,
/// so less is paid and the cap binds later). A search over whole days for the latest
/// start at which the target holds, from the data's first day to the term's end.
fn solve_from(scenario: &Scenario, terms: &Terms, target: Target) -> Result<Solved, Error> {
    let Some(first) = scenario.periods.first().map(|p| p.period.start()) else {
        return Ok(Solved::Unreachable("the scenario has no periods".into()));
    };
    let lo_day = first.min(terms.through);
    let at_day = |d: Date| summary_at(scenario, terms, Input::From, Value::Date(d));
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
    // Latest day in [lo, hi] with `ok`, found by halving the days between.
    let (mut lo, mut hi) = (0i64, lo_day.days_until(terms.through));
    let day = |n: i64| lo_day.add_days(n).unwrap_or(lo_day);
    if ok(&at_day(day(hi))?) {
        lo = hi;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if ok(&at_day(day(mid))?) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let best = day(lo);
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

fn target_amount(t: &Target) -> Decimal {
    match t {
        Target::TotalPaid(x) | Target::UncappedTotal(x) | Target::Foregone(x) => *x,
        Target::BindsBy(_) => Decimal::ZERO,
    }
}
