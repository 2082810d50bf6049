//! `revcap sensitivity`: each input swung from a low to a high value around the base
//! terms, one at a time, for every scenario; the metrics at each end, and how far
//! apart they are (the swing). Each value is one [`crate::engine::compute`] run with
//! that one input changed ([`super::at`]), so a row equals a separate `run` at that
//! value (pinned by `tests/sensitivity.rs` and the unit tests below).

use rust_decimal::Decimal;

use super::{at, Input, Value};
use crate::engine;
use crate::error::{Error, Problem};
use crate::model::{Date, Scenario, Summary, Terms};

/// What is measured at each end of a swing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// The binding date; swings are in days.
    BindingDate,
    TotalPaid,
    Foregone,
    PresentValue,
}

impl Metric {
    pub const ALL: [Metric; 4] = [
        Metric::BindingDate,
        Metric::TotalPaid,
        Metric::Foregone,
        Metric::PresentValue,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Metric::BindingDate => "binding_date",
            Metric::TotalPaid => "total_paid",
            Metric::Foregone => "foregone",
            Metric::PresentValue => "present_value",
        }
    }

    pub fn named(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name.trim())
    }

    /// The metric of a summary.
    pub fn of(self, s: &Summary) -> Measure {
        match self {
            Metric::BindingDate => Measure::Date(s.binding_date),
            Metric::TotalPaid => Measure::Amount(Some(s.total_paid)),
            Metric::Foregone => Measure::Amount(Some(s.foregone)),
            Metric::PresentValue => Measure::Amount(s.present_value),
        }
    }
}

/// A metric's value: a binding date (`None`: the cap does not bind) or an amount
/// (`None`: no present value without a discount rate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Date(Option<Date>),
    Amount(Option<Decimal>),
}

impl Measure {
    /// As the outputs give it: a date, `does not bind`, a plain amount, or empty.
    pub fn plain(&self) -> String {
        match self {
            Measure::Date(Some(d)) => d.to_string(),
            Measure::Date(None) => "does not bind".into(),
            Measure::Amount(Some(a)) => a.normalize().to_string(),
            Measure::Amount(None) => String::new(),
        }
    }
}

/// One end of a swing as given: a value of the input, or relative to the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Value(Value),
    /// The base value times (1 + this): `-25%` is −0.25. For the revenue, the factor
    /// 1 + this.
    Relative(Decimal),
    /// Whole years from the base date (a 29 February lands on the 28th).
    Years(i32),
    /// Days from the base date.
    Days(i64),
}

impl Bound {
    /// As `--swing` writes it.
    pub fn text(&self) -> String {
        match self {
            Bound::Value(Value::Rate(r)) => crate::render::percent(*r),
            Bound::Value(Value::Amount(a)) => crate::config::short_amount(*a),
            Bound::Value(v) => v.plain(),
            Bound::Relative(r) => {
                let p = (*r * Decimal::ONE_HUNDRED).normalize();
                if p.is_sign_negative() {
                    format!("{p}%")
                } else {
                    format!("+{p}%")
                }
            }
            Bound::Years(y) => format!("{y:+}y"),
            Bound::Days(d) => format!("{d:+}d"),
        }
    }
}

/// An input and how far it is swung.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Swing {
    pub input: Input,
    pub low: Bound,
    pub high: Bound,
}

/// The default swings (docs/spec.md §5.12): rate 15%:25%, cap −25%:+25%, revenue
/// −25%:+25%, from 2026-01-01:2027-01-01, through one year earlier:later,
/// already_paid 0:5B, discount_rate −25%:+25% (only when the terms have one).
pub fn default_swings() -> Vec<Swing> {
    let quarter = Decimal::new(25, 2);
    let rel = |input| Swing {
        input,
        low: Bound::Relative(-quarter),
        high: Bound::Relative(quarter),
    };
    let date =
        |y| Date::from_ymd(y, 1, 1).map_or(Bound::Years(0), |d| Bound::Value(Value::Date(d)));
    vec![
        Swing {
            input: Input::Rate,
            low: Bound::Value(Value::Rate(Decimal::new(15, 2))),
            high: Bound::Value(Value::Rate(Decimal::new(25, 2))),
        },
        rel(Input::Cap),
        rel(Input::Revenue),
        Swing {
            input: Input::From,
            low: date(2026),
            high: date(2027),
        },
        Swing {
            input: Input::Through,
            low: Bound::Years(-1),
            high: Bound::Years(1),
        },
        Swing {
            input: Input::AlreadyPaid,
            low: Bound::Value(Value::Amount(Decimal::ZERO)),
            high: Bound::Value(Value::Amount(Decimal::new(5_000_000_000, 0))),
        },
        rel(Input::DiscountRate),
    ]
}

/// The base value of `input` for `scenario` under `terms`; `None` for a cap or
/// discount rate the terms do not have.
pub fn base_value(scenario: &Scenario, terms: &Terms, input: Input) -> Option<Value> {
    Some(match input {
        Input::Rate => Value::Rate(terms.rate),
        Input::Cap => Value::Amount(terms.cap?),
        Input::Revenue => Value::Scale(Decimal::ONE),
        Input::From => Value::Date(engine::term_start(scenario, terms)),
        Input::Through => Value::Date(terms.through),
        Input::AlreadyPaid => Value::Amount(terms.already_paid),
        Input::DiscountRate => Value::Rate(terms.discount_rate?),
    })
}

/// The value `bound` stands for, from the base value. `Err` says what is wrong.
fn resolve(input: Input, base: Value, bound: Bound) -> Result<Value, String> {
    let v = match (base, bound) {
        (_, Bound::Value(v)) => v,
        (Value::Rate(b), Bound::Relative(r)) => Value::Rate(relative(b, r)?),
        (Value::Amount(b), Bound::Relative(r)) => Value::Amount(relative(b, r)?),
        (Value::Scale(b), Bound::Relative(r)) => Value::Scale(relative(b, r)?),
        (Value::Date(d), Bound::Years(y)) => {
            Value::Date(add_years(d, y).ok_or("is past year 9999")?)
        }
        (Value::Date(d), Bound::Days(n)) => Value::Date(d.add_days(n).ok_or("is past year 9999")?),
        _ => return Err(format!("is not a swing of {input}")),
    };
    match v {
        Value::Rate(r) if r > Decimal::ONE || r < Decimal::ZERO => Err(format!(
            "gives a rate of {}, outside 0%..100%",
            crate::render::percent(r)
        )),
        Value::Amount(a) | Value::Scale(a) if a < Decimal::ZERO => {
            Err(format!("gives {}, below 0", a.normalize()))
        }
        v => Ok(v),
    }
}

fn relative(base: Decimal, r: Decimal) -> Result<Decimal, String> {
    Decimal::ONE
        .checked_add(r)
        .and_then(|f| base.checked_mul(f))
        .ok_or_else(|| "is out of range".to_string())
}

/// `d` moved by whole years; 29 February lands on the 28th in a common year.
pub fn add_years(d: Date, years: i32) -> Option<Date> {
    let (y, m, day) = d.ymd();
    let y = y.checked_add(years)?;
    Date::from_ymd(y, m, day).or_else(|| Date::from_ymd(y, m, day - 1))
}

/// One input's swing for one scenario and metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub scenario: String,
    pub metric: Metric,
    pub input: Input,
    pub base_input: Value,
    pub low: Value,
    pub high: Value,
    pub base: Measure,
    pub at_low: Measure,
    pub at_high: Measure,
}

impl Row {
    /// How far apart the two ends are: an amount, or days for the binding date.
    /// `None` when one end binds and the other does not (the swing has no size: such
    /// rows sort first).
    pub fn swing(&self) -> Option<Decimal> {
        match (self.at_low, self.at_high) {
            (Measure::Date(Some(a)), Measure::Date(Some(b))) => {
                Some(Decimal::from(a.days_until(b).abs()))
            }
            (Measure::Date(None), Measure::Date(None)) => Some(Decimal::ZERO),
            (Measure::Amount(Some(a)), Measure::Amount(Some(b))) => Some((b - a).abs()),
            _ => None,
        }
    }

    /// A binding date as days from the base binding date; `None` when either does
    /// not bind or this is not the binding date.
    pub fn days_from_base(&self, m: Measure) -> Option<i64> {
        match (self.base, m) {
            (Measure::Date(Some(b)), Measure::Date(Some(d))) => Some(b.days_until(d)),
            _ => None,
        }
    }

    /// A value column: amounts plain; binding dates as days from the base binding
    /// date (`-212`, `+31`), the date itself when the base does not bind, or `does
    /// not bind`.
    pub fn value_cell(&self, m: Measure) -> String {
        match (self.days_from_base(m), m) {
            (Some(n), _) => format!("{n:+}"),
            (None, m) => m.plain(),
        }
    }
}

/// What a sensitivity run found: the rows, sorted, and notes on inputs left out.
#[derive(Debug, Clone, Default)]
pub struct Sensitivity {
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
    /// The scenarios whose data ends before the term does, and the day it ends: a
    /// cap not reached there is not reached by the data's end, not the term's.
    pub data_ends: Vec<(String, Date)>,
}

/// Swings every input of `swings` for every scenario and measures `metrics`.
/// Rows are grouped by scenario (in input order) and metric (in the order given),
/// and within a group sorted by swing, largest first (a swing with no size, where
/// the cap stops or starts binding, first of all).
pub fn sensitivity(
    scenarios: &[Scenario],
    terms: &Terms,
    swings: &[Swing],
    metrics: &[Metric],
) -> Result<Sensitivity, Error> {
    use rayon::prelude::*;
    let mut notes = Vec::new();
    // Without a discount rate there is nothing to swing, as documented; without a
    // cap, the cap's relative swing has nothing to be relative to: said.
    if terms.cap.is_none() && swings.iter().any(|s| s.input == Input::Cap) {
        notes.push("note: cap not swung: the terms have no cap".to_string());
    }
    let swung = |input: Input| swings.iter().any(|s| s.input == input);
    // The rate swung is the terms' rate: rate steps and a rate column keep theirs, so
    // its swing is smaller than "the rate" suggests where they cover the term.
    let rate_column = scenarios
        .iter()
        .any(|s| s.periods.iter().any(|p| p.rate.is_some()));
    if swung(Input::Rate) && (!terms.rate_steps.is_empty() || rate_column) {
        let kept = match (terms.rate_steps.is_empty(), rate_column) {
            (false, true) => "the rate steps and the rate column keep their rates",
            (false, false) => "the rate steps keep their rates",
            _ => "the rate column keeps its rates",
        };
        notes.push(format!(
            "note: the rate swing moves the terms' rate only ({}); {kept}",
            crate::render::percent(terms.rate)
        ));
    }
    // Present values are discounted to the term start: each end of a `from` swing
    // to its own.
    if swung(Input::From) && metrics.contains(&Metric::PresentValue) {
        notes.push(
            "note: present values are discounted to the term start, so each end of the from swing is discounted to its own start".to_string(),
        );
    }
    let per: Vec<Result<Vec<Row>, Error>> = scenarios
        .par_iter()
        .map(|s| scenario_rows(s, terms, swings, metrics))
        .collect();
    let mut rows = Vec::new();
    for r in per {
        rows.extend(r?);
    }
    // A term swung past a scenario's data counts nothing there (docs/spec.md §4.6),
    // so an end that changes nothing may be the data, not the terms: said once.
    let short: Vec<&str> = scenarios
        .iter()
        .filter(|s| {
            let end = s.periods.last().map(|p| p.period.end());
            rows.iter().any(|r| {
                // Either end: a swing may be given high to low.
                r.scenario == s.name
                    && r.input == Input::Through
                    && [r.low, r.high]
                        .iter()
                        .any(|v| matches!(v, Value::Date(d) if end.is_some_and(|e| *d > e)))
            })
        })
        .map(|s| s.name.as_str())
        .collect();
    if !short.is_empty() {
        notes.push(format!(
            "note: the through swing reaches past the end of the data ({}): payments after the data are not counted",
            crate::chart::style::list(&short.iter().map(|n| crate::error::quote(n)).collect::<Vec<_>>())
        ));
    }
    let data_ends = scenarios
        .iter()
        .filter_map(|s| {
            let end = s.periods.last()?.period.end();
            (end < terms.through).then(|| (s.name.clone(), end))
        })
        .collect();
    Ok(Sensitivity {
        rows,
        notes,
        data_ends,
    })
}

/// One scenario's rows: each swing's two runs, measured by every metric.
fn scenario_rows(
    scenario: &Scenario,
    terms: &Terms,
    swings: &[Swing],
    metrics: &[Metric],
) -> Result<Vec<Row>, Error> {
    let base = engine::compute(scenario, terms)?.summary;
    let mut ends = Vec::new();
    for sw in swings {
        let Some(b) = base_value(scenario, terms, sw.input) else {
            continue;
        };
        let value = |bound: Bound| {
            let v = resolve(sw.input, b, bound).map_err(|m| {
                Error::from(
                    Problem::new("--swing", m)
                        .value(&format!(
                            "{}={}:{}",
                            sw.input,
                            sw.low.text(),
                            sw.high.text()
                        ))
                        .scenario(&scenario.name),
                )
            })?;
            check_term(scenario, terms, sw.input, v)?;
            Ok::<Value, Error>(v)
        };
        let (low, high) = (value(sw.low)?, value(sw.high)?);
        let s_low = at(scenario, terms, sw.input, low)?.summary;
        let s_high = at(scenario, terms, sw.input, high)?.summary;
        ends.push((sw.input, b, low, high, s_low, s_high));
    }
    let mut rows = Vec::new();
    for &metric in metrics {
        let mut group: Vec<Row> = ends
            .iter()
            .map(|(input, b, low, high, s_low, s_high)| Row {
                scenario: scenario.name.clone(),
                metric,
                input: *input,
                base_input: *b,
                low: *low,
                high: *high,
                base: metric.of(&base),
                at_low: metric.of(s_low),
                at_high: metric.of(s_high),
            })
            .collect();
        // Stable: equal swings keep the inputs' order.
        group.sort_by(|a, b| match (a.swing(), b.swing()) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => y.cmp(&x),
        });
        rows.extend(group);
    }
    Ok(rows)
}

/// A swung `from` or `through` must leave a term: from ≤ through.
fn check_term(scenario: &Scenario, terms: &Terms, input: Input, v: Value) -> Result<(), Error> {
    let (from, through) = match (input, v) {
        (Input::From, Value::Date(d)) => (d, terms.through),
        (Input::Through, Value::Date(d)) => (engine::term_start(scenario, terms), d),
        _ => return Ok(()),
    };
    if from > through {
        return Err(Problem::new(
            "--swing",
            format!(
                "{input} {v} leaves no term (it starts on {from}, after it ends on {through}); choose a narrower swing",
                v = v.plain()
            ),
        )
        .scenario(&scenario.name)
        .into());
    }
    Ok(())
}

/// Parses one `--swing NAME=LOW:HIGH`. Each end is a value of the input (`15%`,
/// `30B`, `0.9` for the revenue factor, `2026-01-01`), a signed percentage relative
/// to the base (`-25%`, `+25%`; not for dates), or for dates signed years or days
/// (`-1y`, `+90d`).
pub fn parse_swing(raw: &str) -> Result<Swing, String> {
    let (name, range) = raw
        .split_once('=')
        .ok_or("is not NAME=LOW:HIGH (expected e.g. rate=15%:25% or cap=-25%:+25%)")?;
    let input = Input::named(name).ok_or_else(|| {
        format!(
            "names no input {} (expected rate, cap, revenue, from, through, already_paid or discount_rate)",
            crate::error::quote(name.trim())
        )
    })?;
    let (low, high) = range
        .split_once(':')
        .ok_or("is not NAME=LOW:HIGH (expected e.g. rate=15%:25% or cap=-25%:+25%)")?;
    let low = parse_bound(input, low).map_err(|m| format!("low end {m}"))?;
    let high = parse_bound(input, high).map_err(|m| format!("high end {m}"))?;
    Ok(Swing { input, low, high })
}

fn parse_bound(input: Input, raw: &str) -> Result<Bound, String> {
    let t = raw.trim();
    let q = crate::error::quote(t);
    let signed = t.starts_with('+') || t.starts_with('-');
    match input {
        Input::From | Input::Through => {
            if signed {
                let (n, unit) = t.split_at(t.len().saturating_sub(1));
                let n: i64 = n.trim_start_matches('+').parse().map_err(|_| {
                    format!(
                        "{q} is not a date or a signed number of years or days (e.g. -1y, +90d)"
                    )
                })?;
                return match unit {
                    "y" => i32::try_from(n)
                        .map(Bound::Years)
                        .map_err(|_| format!("{q} is too many years")),
                    "d" => Ok(Bound::Days(n)),
                    _ => Err(format!(
                        "{q} is not a date or a signed number of years or days (e.g. -1y, +90d)"
                    )),
                };
            }
            crate::parse::date(t)
                .map(|d| Bound::Value(Value::Date(d)))
                .map_err(|m| format!("{q} {m}"))
        }
        _ if signed && t.ends_with('%') => {
            let n = t.trim_end_matches('%').trim_start_matches('+');
            let p: Decimal = n
                .parse()
                .map_err(|_| format!("{q} is not a signed percentage (e.g. -25%)"))?;
            Ok(Bound::Relative(p / Decimal::ONE_HUNDRED))
        }
        Input::Rate | Input::DiscountRate => crate::parse::rate(t)
            .map(|r| Bound::Value(Value::Rate(r)))
            .map_err(|m| format!("{q} {m}")),
        Input::Cap | Input::AlreadyPaid => crate::parse::non_negative(t)
            .map(|a| Bound::Value(Value::Amount(a)))
            .map_err(|m| format!("{q} {m}")),
        Input::Revenue => {
            let f: Decimal = crate::parse::plain_decimal(t)
                .filter(|f| !f.is_sign_negative())
                .ok_or_else(|| {
                    format!(
                        "{q} is not a factor ≥ 0 (e.g. 0.75) or a signed percentage (e.g. -25%)"
                    )
                })?;
            Ok(Bound::Value(Value::Scale(f)))
        }
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

    /// The terms and scenario a row's end stands for, built by hand here (not with
    /// `analysis::apply`), so the check is independent of the code under test.
    fn by_hand(s: &Scenario, terms: &Terms, input: Input, v: Value) -> Summary {
        let mut t = terms.clone();
        let mut s = s.clone();
        match v {
            Value::Rate(r) if input == Input::Rate => t.rate = r,
            Value::Rate(r) => t.discount_rate = Some(r),
            Value::Amount(a) if input == Input::Cap => t.cap = Some(a),
            Value::Amount(a) => t.already_paid = a,
            Value::Date(d) if input == Input::From => t.from = Some(d),
            Value::Date(d) => t.through = d,
            Value::Scale(f) => {
                for p in &mut s.periods {
                    p.revenue *= f;
                }
            }
        }
        engine::compute(&s, &t).unwrap().summary
    }

    #[test]
    fn every_row_equals_a_separate_run_at_its_values() {
        let (scenarios, mut terms) = bundled();
        terms.discount_rate = Some(dec("0.08"));
        let found = sensitivity(&scenarios, &terms, &default_swings(), &Metric::ALL).unwrap();
        // 4 scenarios × 4 metrics × 7 inputs.
        assert_eq!(found.rows.len(), 4 * 4 * 7);
        assert_eq!(
            found.notes,
            [
                "note: present values are discounted to the term start, so each end of the from swing is discounted to its own start",
                "note: the through swing reaches past the end of the data (\"apr2025\", \"feb2026\", \"hsbc\" and \"sep2025\"): payments after the data are not counted"
            ]
        );
        for r in &found.rows {
            let s = scenarios.iter().find(|s| s.name == r.scenario).unwrap();
            let base = engine::compute(s, &terms).unwrap().summary;
            assert_eq!(r.base, r.metric.of(&base));
            assert_eq!(r.at_low, r.metric.of(&by_hand(s, &terms, r.input, r.low)));
            assert_eq!(r.at_high, r.metric.of(&by_hand(s, &terms, r.input, r.high)));
        }
        // The defaults as documented, for feb2026 (term from 2026-04-27).
        let row = |input| {
            found
                .rows
                .iter()
                .find(|r| r.scenario == "feb2026" && r.input == input)
                .unwrap()
        };
        let d = |s| Value::Date(Date::parse(s).unwrap());
        assert_eq!(
            (row(Input::Rate).low, row(Input::Rate).high),
            (Value::Rate(dec("0.15")), Value::Rate(dec("0.25")))
        );
        assert_eq!(
            (row(Input::Cap).low, row(Input::Cap).high),
            (Value::Amount(dec("28.5e9")), Value::Amount(dec("47.5e9")))
        );
        assert_eq!(
            (row(Input::Revenue).low, row(Input::Revenue).high),
            (Value::Scale(dec("0.75")), Value::Scale(dec("1.25")))
        );
        assert_eq!(
            (row(Input::From).low, row(Input::From).high),
            (d("2026-01-01"), d("2027-01-01"))
        );
        assert_eq!(
            (row(Input::Through).low, row(Input::Through).high),
            (d("2029-12-31"), d("2031-12-31"))
        );
        assert_eq!(
            (row(Input::AlreadyPaid).low, row(Input::AlreadyPaid).high),
            (Value::Amount(dec("0")), Value::Amount(dec("5e9")))
        );
        assert_eq!(
            (row(Input::DiscountRate).low, row(Input::DiscountRate).high),
            (Value::Rate(dec("0.06")), Value::Rate(dec("0.1")))
        );
    }

    #[test]
    fn rows_sort_by_swing_with_a_cap_that_stops_binding_first() {
        let (scenarios, terms) = bundled();
        let mut swings = default_swings();
        swings[1] = parse_swing("cap=-25%:+150%").unwrap();
        let found = sensitivity(&scenarios[..1], &terms, &swings, &[Metric::BindingDate]).unwrap();
        assert_eq!(found.rows[0].input, Input::Cap);
        assert_eq!(found.rows[0].at_high, Measure::Date(None));
        assert_eq!(found.rows[0].swing(), None);
        assert_eq!(
            found.rows[0].value_cell(found.rows[0].at_high),
            "does not bind"
        );
        let swings: Vec<Decimal> = found.rows[1..].iter().map(|r| r.swing().unwrap()).collect();
        assert!(swings.windows(2).all(|w| w[0] >= w[1]), "{swings:?}");
        // Without a cap or a discount rate, those inputs are left out and said so.
        let mut no_cap = terms.clone();
        no_cap.cap = None;
        let found = sensitivity(
            &scenarios[..1],
            &no_cap,
            &default_swings(),
            &[Metric::TotalPaid],
        )
        .unwrap();
        assert_eq!(found.rows.len(), 5);
        assert_eq!(found.notes[0], "note: cap not swung: the terms have no cap");
        assert_eq!(found.notes.len(), 2);
    }

    /// What a swing's row cannot show is said: the rate swung is the terms' rate
    /// alone, a present value is discounted to each end's own start, and a through
    /// swing given high to low still reaches past the data.
    #[test]
    fn swings_that_mean_less_than_they_say_are_noted() {
        let (scenarios, terms) = bundled();
        let one = &scenarios[..1];
        let notes = |terms: &Terms, swings: &[Swing], metric: Metric| {
            sensitivity(one, terms, swings, &[metric]).unwrap().notes
        };
        let rate = [parse_swing("rate=15%:25%").unwrap()];
        assert!(notes(&terms, &rate, Metric::Foregone).is_empty());
        let mut stepped = terms.clone();
        stepped.rate_steps = vec![crate::model::RateStep {
            from: Date::parse("2027-01-01").unwrap(),
            rate: dec("0.15"),
        }];
        assert_eq!(
            notes(&stepped, &rate, Metric::Foregone),
            ["note: the rate swing moves the terms' rate only (20%); the rate steps keep their rates"]
        );
        let from = [parse_swing("from=2026-01-01:2027-01-01").unwrap()];
        let mut discounted = terms.clone();
        discounted.discount_rate = Some(dec("0.08"));
        assert!(notes(&discounted, &from, Metric::TotalPaid).is_empty());
        assert_eq!(
            notes(&discounted, &from, Metric::PresentValue),
            ["note: present values are discounted to the term start, so each end of the from swing is discounted to its own start"]
        );
        let end = scenarios[0].periods.last().unwrap().period.end();
        let past = end.add_days(180).unwrap();
        let before = end.add_days(-180).unwrap();
        let high_to_low = [parse_swing(&format!("through={past}:{before}")).unwrap()];
        assert_eq!(notes(&terms, &high_to_low, Metric::TotalPaid).len(), 1);
    }

    #[test]
    fn swings_parse_values_and_relative_ends() {
        let s = parse_swing("rate=10%:0.3").unwrap();
        assert_eq!(
            (s.input, s.low, s.high),
            (
                Input::Rate,
                Bound::Value(Value::Rate(dec("0.1"))),
                Bound::Value(Value::Rate(dec("0.3")))
            )
        );
        let s = parse_swing("through=-1y:+90d").unwrap();
        assert_eq!((s.low, s.high), (Bound::Years(-1), Bound::Days(90)));
        let s = parse_swing("revenue=-10%:1.5").unwrap();
        assert_eq!(
            (s.low, s.high),
            (
                Bound::Relative(dec("-0.1")),
                Bound::Value(Value::Scale(dec("1.5")))
            )
        );
        let s = parse_swing("cap=30B:+10%").unwrap();
        assert_eq!(s.low, Bound::Value(Value::Amount(dec("30e9"))));
        assert_eq!(
            parse_swing("volatility=1:2").unwrap_err(),
            "names no input \"volatility\" (expected rate, cap, revenue, from, through, already_paid or discount_rate)"
        );
        assert!(parse_swing("rate=15%").is_err());
        assert!(parse_swing("from=x:2027-01-01").is_err());
        // 29 February a year on is the 28th.
        let leap = Date::parse("2028-02-29").unwrap();
        assert_eq!(add_years(leap, 1), Date::parse("2029-02-28"));
    }
}
