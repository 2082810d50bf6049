//! `revcap solve`: for each scenario, the value of one input at which a target holds
//! (the solving is [`crate::analysis::solve`]), printed as a table, CSV or JSON. It
//! writes no files. A target out of reach is a row that says why, not a failure.

use std::io::Write;

use rust_decimal::Decimal;
use serde_json::json;

use super::{gap_warnings, print_warnings, tiny_cap_warning};
use crate::analysis::solve::{self, Achieved, Solved, Target};
use crate::analysis::{Input, Value};
use crate::cli::SolveFormat;
use crate::config::Input as Source;
use crate::error::Error;
use crate::model::{Scenario, Terms};
use crate::{engine, load, output, render};

/// One scenario's answer, for the views.
pub struct Answer {
    pub scenario: String,
    pub solved: Solved,
}

/// Loads every input, solves each scenario, prints.
pub fn solve(
    inputs: &[Source],
    terms: &Terms,
    input: Input,
    target: Target,
    format: SolveFormat,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let (scenarios, _) = load::load_all(inputs)?;
    let mut warnings: Vec<String> = scenarios
        .iter()
        .flat_map(|s| gap_warnings(&s.source, &s.name, engine::scenario_gaps(s, terms)))
        .collect();
    // Solving for the cap replaces it: only another input's answer rests on it.
    if input != Input::Cap {
        warnings.extend(tiny_cap_warning(&scenarios, terms));
    }
    print_warnings(&warnings);
    let answers = answers(&scenarios, terms, input, target)?;
    let text = match format {
        SolveFormat::Table => table(&answers, terms, input, &target),
        SolveFormat::Csv => csv(&answers, input, &target)?,
        SolveFormat::Json => json_text(&answers, terms, input, &target)?,
    };
    output::print(stdout, &text)
}

/// Every scenario's answer, in input order (solved on every core).
pub fn answers(
    scenarios: &[Scenario],
    terms: &Terms,
    input: Input,
    target: Target,
) -> Result<Vec<Answer>, Error> {
    use rayon::prelude::*;
    let solved: Vec<Result<Solved, Error>> = scenarios
        .par_iter()
        .map(|s| solve::solve(s, terms, input, target))
        .collect();
    scenarios
        .iter()
        .zip(solved)
        .map(|(s, r)| {
            Ok(Answer {
                scenario: s.name.clone(),
                solved: r?,
            })
        })
        .collect()
}

/// The machine columns of one answer: value, achieved, exact, note.
fn cells(solved: &Solved) -> [String; 4] {
    match solved {
        Solved::Found {
            value,
            achieved,
            exact,
            note,
        } => [
            value.plain(),
            achieved.plain(),
            exact.to_string(),
            note.clone(),
        ],
        Solved::Always(why) => [
            String::new(),
            String::new(),
            String::new(),
            format!("any value: {why}"),
        ],
        Solved::Unreachable(why) => [
            String::new(),
            String::new(),
            String::new(),
            format!("no solution: {why}"),
        ],
    }
}

/// `scenario,input,target,value,achieved,exact,note`.
pub fn csv(answers: &[Answer], input: Input, target: &Target) -> Result<String, Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| Error::Internal(e.to_string());
    w.write_record([
        "scenario", "input", "target", "value", "achieved", "exact", "note",
    ])
    .map_err(internal)?;
    for a in answers {
        let [value, achieved, exact, note] = cells(&a.solved);
        w.write_record([
            a.scenario.as_str(),
            input.name(),
            &target.describe(),
            &value,
            &achieved,
            &exact,
            &note,
        ])
        .map_err(internal)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))
}

fn json_text(
    answers: &[Answer],
    terms: &Terms,
    input: Input,
    target: &Target,
) -> Result<String, Error> {
    let rows: Vec<serde_json::Value> = answers
        .iter()
        .map(|a| {
            let [value, achieved, _, note] = cells(&a.solved);
            let outcome = match a.solved {
                Solved::Found { .. } => "solved",
                Solved::Always(_) => "any value",
                Solved::Unreachable(_) => "no solution",
            };
            let opt = |s: String| (!s.is_empty()).then_some(s);
            json!({
                "scenario": a.scenario,
                "input": input.name(),
                "target": target.describe(),
                "outcome": outcome,
                "value": opt(value),
                "achieved": opt(achieved),
                "exact": match a.solved { Solved::Found { exact, .. } => Some(exact), _ => None },
                "note": note,
            })
        })
        .collect();
    let doc = json!({ "version": 1, "terms": terms, "rows": rows });
    let mut s = serde_json::to_string_pretty(&doc).map_err(|e| Error::Internal(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

/// A value for the table: a money amount in full, a rate, a factor, a date.
fn shown_value(v: &Value) -> String {
    match v {
        Value::Amount(a) => format!("${}", render::money(*a)),
        Value::Scale(f) => format!("×{}", f.round_dp(9).normalize()),
        Value::Rate(r) => {
            let p = (*r * Decimal::ONE_HUNDRED).round_dp(8).normalize();
            format!("{p}%")
        }
        v => v.plain(),
    }
}

fn shown_achieved(a: &Achieved) -> String {
    match a {
        Achieved::Amount(x) => format!("${}", render::money(*x)),
        a => a.plain(),
    }
}

/// The table: a line saying what is solved under which terms, then one row per
/// scenario.
pub fn table(answers: &[Answer], terms: &Terms, input: Input, target: &Target) -> String {
    let goal = match target {
        Target::BindsBy(d) => format!("the cap binds by {d}"),
        Target::TotalPaid(x) => format!("total paid is ${}", render::money(*x)),
        Target::UncappedTotal(x) => format!("uncapped payments are ${}", render::money(*x)),
        Target::Foregone(x) => format!("${} is foregone", render::money(*x)),
    };
    let what = match input {
        Input::Revenue => "revenue (a factor on every period)".to_string(),
        i => i.name().replace('_', " "),
    };
    let mut out = format!(
        "Solving for {what} so that {goal}, under {}.\n\n",
        terms_text(terms, input)
    );
    let header = [
        "scenario".to_string(),
        input.name().to_string(),
        match target {
            Target::BindsBy(_) => "binds on".to_string(),
            _ => "achieved".into(),
        },
        "exact".into(),
        "note".into(),
    ];
    let rows: Vec<[String; 5]> = answers
        .iter()
        .map(|a| match &a.solved {
            Solved::Found {
                value,
                achieved,
                exact,
                note,
            } => [
                a.scenario.clone(),
                shown_value(value),
                shown_achieved(achieved),
                if *exact { "yes" } else { "no" }.into(),
                note.clone(),
            ],
            Solved::Always(why) => [
                a.scenario.clone(),
                "any".into(),
                String::new(),
                String::new(),
                why.clone(),
            ],
            Solved::Unreachable(why) => [
                a.scenario.clone(),
                "no solution".into(),
                String::new(),
                String::new(),
                why.clone(),
            ],
        })
        .collect();
    out.push_str(&aligned(&header, &rows));
    out
}

/// The terms in one line, the input solved for left out.
fn terms_text(terms: &Terms, input: Input) -> String {
    let mut parts = Vec::new();
    if input != Input::Rate {
        parts.push(format!("rate {}", render::percent(terms.rate)));
    }
    if !terms.rate_steps.is_empty() {
        let steps: Vec<String> = terms
            .rate_steps
            .iter()
            .map(|s| format!("{} from {}", render::percent(s.rate), s.from))
            .collect();
        parts.push(steps.join(", "));
    }
    if input != Input::Cap {
        parts.push(match terms.cap {
            Some(c) => format!("cap ${}", crate::config::short_amount(c)),
            None => "no cap".into(),
        });
    }
    if input != Input::AlreadyPaid && !terms.already_paid.is_zero() {
        parts.push(format!(
            "${} already paid",
            crate::config::short_amount(terms.already_paid)
        ));
    }
    let from = match (input, terms.from) {
        (Input::From, _) => "the start solved for".to_string(),
        (_, Some(d)) => d.to_string(),
        (_, None) => "each scenario's first period".into(),
    };
    parts.push(format!("term {from} to {}", terms.through));
    parts.join(", ")
}

/// Rows under a header, columns left-aligned two spaces apart.
pub fn aligned<const N: usize>(header: &[String; N], rows: &[[String; N]]) -> String {
    let widths: Vec<usize> = (0..N)
        .map(|i| {
            std::iter::once(header)
                .chain(rows)
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in std::iter::once(header).chain(rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}
