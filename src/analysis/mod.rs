//! What-if analysis over the engine: the value of one input at which a target holds
//! ([`solve`]) and each input swung low and high around the base terms
//! ([`sensitivity`]). Pure: every answer is one or more [`crate::engine::compute`]
//! calls with one input changed ([`at`]), so it is the engine's answer, not a model of it.

pub mod sensitivity;
pub mod solve;

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;

use crate::engine;
use crate::error::Error;
use crate::model::{Date, Scenario, ScenarioResult, Summary, Terms};

/// An input of the terms or the scenario that an analysis changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Input {
    Rate,
    Cap,
    /// A factor on every period's revenue (1 is the scenario as given).
    Revenue,
    From,
    Through,
    AlreadyPaid,
    DiscountRate,
}

impl Input {
    /// Every input, in the order tables list them.
    pub const ALL: [Input; 7] = [
        Input::Rate,
        Input::Cap,
        Input::Revenue,
        Input::From,
        Input::Through,
        Input::AlreadyPaid,
        Input::DiscountRate,
    ];

    /// The name used on the command line and in the outputs.
    pub fn name(self) -> &'static str {
        match self {
            Input::Rate => "rate",
            Input::Cap => "cap",
            Input::Revenue => "revenue",
            Input::From => "from",
            Input::Through => "through",
            Input::AlreadyPaid => "already_paid",
            Input::DiscountRate => "discount_rate",
        }
    }

    /// The input called `name`, if there is one.
    pub fn named(name: &str) -> Option<Input> {
        Input::ALL.into_iter().find(|i| i.name() == name.trim())
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A value of an [`Input`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// A rate as a fraction (rate, discount_rate).
    Rate(Decimal),
    /// An amount (cap, already_paid).
    Amount(Decimal),
    /// A revenue factor.
    Scale(Decimal),
    /// A date (from, through).
    Date(Date),
}

impl Value {
    /// The value as the CSV and JSON outputs give it: a plain decimal (a rate as a
    /// fraction) or a date.
    pub fn plain(&self) -> String {
        match self {
            Value::Rate(v) | Value::Amount(v) | Value::Scale(v) => v.normalize().to_string(),
            Value::Date(d) => d.to_string(),
        }
    }

    /// The value as a person reads it: `20%`, `$38B`, `×1.25`, a date.
    pub fn shown(&self) -> String {
        match self {
            Value::Rate(v) => crate::render::percent(*v),
            Value::Amount(v) => format!("${}", crate::config::short_amount(*v)),
            Value::Scale(v) => {
                let r = v
                    .round_dp_with_strategy(6, rust_decimal::RoundingStrategy::MidpointNearestEven);
                format!("×{}", r.normalize())
            }
            Value::Date(d) => d.to_string(),
        }
    }
}

/// The scenario and terms with `input` set to `value`: the scenario is borrowed
/// unless its revenue is scaled. Fails on a value of the wrong kind or a scaled
/// revenue past Decimal's range.
pub fn apply<'a>(
    scenario: &'a Scenario,
    terms: &Terms,
    input: Input,
    value: Value,
) -> Result<(Cow<'a, Scenario>, Terms), Error> {
    let mut t = terms.clone();
    let wrong = || {
        Error::Internal(format!(
            "{} cannot take the value {}",
            input.name(),
            value.plain()
        ))
    };
    match (input, value) {
        (Input::Rate, Value::Rate(r)) => t.rate = r,
        (Input::DiscountRate, Value::Rate(r)) => t.discount_rate = Some(r),
        (Input::Cap, Value::Amount(a)) => t.cap = Some(a),
        (Input::AlreadyPaid, Value::Amount(a)) => t.already_paid = a,
        (Input::From, Value::Date(d)) => t.from = Some(d),
        (Input::Through, Value::Date(d)) => t.through = d,
        (Input::Revenue, Value::Scale(s)) => return Ok((Cow::Owned(scaled(scenario, s)?), t)),
        _ => return Err(wrong()),
    }
    Ok((Cow::Borrowed(scenario), t))
}

/// `scenario` with every period's revenue multiplied by `factor`.
pub fn scaled(scenario: &Scenario, factor: Decimal) -> Result<Scenario, Error> {
    let mut s = scenario.clone();
    for p in &mut s.periods {
        p.revenue = p
            .revenue
            .checked_mul(factor)
            .ok_or_else(|| engine::overflow(scenario, None, "revenue scaled by the factor"))?;
    }
    Ok(s)
}

/// The engine's result for `scenario` under `terms` with `input` set to `value`.
pub fn at(
    scenario: &Scenario,
    terms: &Terms,
    input: Input,
    value: Value,
) -> Result<ScenarioResult, Error> {
    let (s, t) = apply(scenario, terms, input, value)?;
    engine::compute(&s, &t)
}

/// [`at`]'s summary.
pub fn summary_at(
    scenario: &Scenario,
    terms: &Terms,
    input: Input,
    value: Value,
) -> Result<Summary, Error> {
    at(scenario, terms, input, value).map(|r| r.summary)
}

/// The largest amount ≤ the cumulative uncapped payment through the end of day `day`
/// of `uncapped` (a result computed without a cap), to 12 decimal places: whole
/// segments up to `day`, and of the segment containing it the part of its days up to
/// and including `day`, as the engine's cap rule accrues it (`u/d` a day). A cap
/// leaving this much (cap − already paid) binds on or before `day`; a budget of one
/// unit in the 12th decimal place more binds after it. `None` on overflow.
pub fn cumulative_through(uncapped: &ScenarioResult, day: Date) -> Option<Decimal> {
    let mut cum = Decimal::ZERO;
    for s in &uncapped.segments {
        if s.end <= day {
            cum = s.cumulative_uncapped;
            continue;
        }
        if s.start <= day {
            let k = Decimal::from(s.start.days_until(day) + 1);
            let d = Decimal::from(s.start.days_until(s.end) + 1);
            cum = engine::add_exact(cum, engine::prorate_down(s.uncapped, k, d)?)?;
        }
        break;
    }
    Some(cum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_read_back_by_name() {
        for i in Input::ALL {
            assert_eq!(Input::named(i.name()), Some(i));
        }
        assert_eq!(Input::named("volatility"), None);
    }
}
