//! The version-1 JSON documents of docs/spec.md §5.7. Decimals are strings holding exact values
//! (rust_decimal's `serde-with-str`), dates `YYYY-MM-DD`, absent values `null`.

use serde::Serialize;

use rust_decimal::Decimal;

use super::{common_from, CompareView, Render, RunView, Shown, TermSources};
use crate::model::{CompareRow, Date, ScenarioResult, Terms, Thresholds};

/// `--format json`: one document, also `result.json` and `compare.json`.
pub struct Json;

impl Render for Json {
    fn run(&self, view: &RunView) -> Result<Vec<String>, String> {
        Ok(vec![render(view.results, view.terms, view.shown)?])
    }

    fn compare(&self, view: &CompareView) -> Result<Vec<String>, String> {
        Ok(vec![compare(
            view.rows,
            view.terms,
            view.from,
            view.thresholds,
            view.shown,
        )?])
    }
}

/// The terms as reported: `from` is the resolved term start when every scenario
/// shares one, `null` otherwise (each scenario then starts at its first period);
/// then the unit of the amounts and where each term came from.
#[derive(Serialize)]
struct Reported<'a> {
    #[serde(flatten)]
    terms: Terms,
    /// The currency of `--unit` as written; `null` without one.
    unit: Option<&'a str>,
    /// What an amount is multiplied by to be in `unit`: `1000000` for `$M`.
    scale: Decimal,
    sources: &'a TermSources,
}

fn reported<'a>(terms: &Terms, from: Option<Date>, shown: &'a Shown) -> Reported<'a> {
    let unit = shown.unit.as_ref();
    let exponent = unit.map_or(0, |u| u.scale.exponent());
    Reported {
        terms: Terms {
            from,
            ..terms.clone()
        },
        unit: unit
            .and_then(|u| u.currency.as_ref())
            .map(|c| c.text.as_str()),
        scale: Decimal::from_i128_with_scale(10i128.pow(exponent), 0),
        sources: &shown.sources,
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    terms: Reported<'a>,
    scenarios: &'a [ScenarioResult],
}

/// `run --format json`: the terms and every scenario's result.
pub fn render(results: &[ScenarioResult], terms: &Terms, shown: &Shown) -> Result<String, String> {
    let doc = Document {
        version: 1,
        terms: reported(terms, common_from(terms, results), shown),
        scenarios: results,
    };
    let mut s = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}

#[derive(Serialize)]
struct CompareDocument<'a> {
    version: u32,
    terms: Reported<'a>,
    results: &'a [CompareRow],
    #[serde(skip_serializing_if = "Option::is_none")]
    thresholds: Option<&'a [Thresholds]>,
}

/// `compare --format json`: the shared terms, one result per (scenario, variant), and
/// the thresholds when asked for.
pub fn compare(
    rows: &[CompareRow],
    terms: &Terms,
    from: Option<Date>,
    thresholds: Option<&[Thresholds]>,
    shown: &Shown,
) -> Result<String, String> {
    let doc = CompareDocument {
        version: 1,
        terms: reported(terms, from, shown),
        results: rows,
        thresholds,
    };
    let mut s = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}
