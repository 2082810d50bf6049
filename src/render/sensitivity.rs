//! How `revcap sensitivity`'s values read for people, shared by its terminal table
//! (src/cmd/sensitivity.rs) and its report section (src/render/html.rs): inputs as
//! `20%`, `$38B`, `×1.25` or a date; binding dates with their days from the base;
//! swings as amounts or days.

use super::Amounts;
use crate::analysis::sensitivity::{Measure, Metric, Row};
use crate::analysis::Value;

/// The columns of `sensitivity.csv` (and of the workbook's `Sensitivity` sheet).
pub const HEADER: [&str; 9] = [
    "scenario",
    "metric",
    "input",
    "low",
    "high",
    "base_value",
    "value_at_low",
    "value_at_high",
    "swing",
];

/// An input's value for people: `20%`, `$38B`, `×1.25`, a date.
pub fn input_text(v: &Value, amounts: &Amounts) -> String {
    match v {
        Value::Amount(a) => amounts.one(*a),
        v => v.shown(),
    }
}

/// A metric's value for people: an amount, a date with its days from the base
/// (`2028-09-01 (+79 d)`), or `does not bind`.
pub fn measure_text(r: &Row, m: Measure, amounts: &Amounts) -> String {
    match m {
        Measure::Amount(Some(a)) => amounts.one(a),
        Measure::Amount(None) => "-".into(),
        Measure::Date(Some(d)) => match r.days_from_base(m) {
            Some(0) => format!("{d} (same)"),
            Some(n) => format!("{d} ({n:+} d)"),
            None => d.to_string(),
        },
        Measure::Date(None) => "does not bind".into(),
    }
}

/// A metric's base value for people: a date, `does not bind`, an amount, `-`.
pub fn base_text(m: Measure, amounts: &Amounts) -> String {
    match m {
        Measure::Date(Some(d)) => d.to_string(),
        m @ Measure::Date(None) => m.plain(),
        Measure::Amount(Some(a)) => amounts.one(a),
        Measure::Amount(None) => "-".into(),
    }
}

/// A row's swing for people: an amount, `N days`, or `binds / does not` when one
/// end binds and the other does not.
pub fn swing_text(r: &Row, amounts: &Amounts) -> String {
    match (r.swing(), r.metric) {
        (None, _) => "binds / does not".into(),
        (Some(s), Metric::BindingDate) => format!("{} days", s.normalize()),
        (Some(s), _) => amounts.one(s),
    }
}

/// A metric's name for people: `binding date`, `total paid`...
pub fn metric_text(m: Metric) -> String {
    m.name().replace('_', " ")
}
