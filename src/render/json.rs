//! The version-1 JSON documents of docs/spec.md §5.7. Decimals are strings holding exact values
//! (rust_decimal's `serde-with-str`), dates `YYYY-MM-DD`, absent values `null`.

use serde::Serialize;

use super::{common_from, CompareView, Render, RunView};
use crate::model::{CompareRow, Date, ScenarioResult, Terms, Thresholds};

/// `--format json`: one document, also `result.json` and `compare.json`.
pub struct Json;

impl Render for Json {
    fn run(&self, view: &RunView) -> Result<Vec<String>, String> {
        Ok(vec![render(view.results, view.terms)?])
    }

    fn compare(&self, view: &CompareView) -> Result<Vec<String>, String> {
        Ok(vec![compare(
            view.rows,
            view.terms,
            view.from,
            view.thresholds,
        )?])
    }
}

/// The terms as reported: `from` is the resolved term start when every scenario
/// shares one, `null` otherwise (each scenario then starts at its first period).
fn reported(terms: &Terms, from: Option<Date>) -> Terms {
    Terms {
        from,
        ..terms.clone()
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    terms: Terms,
    scenarios: &'a [ScenarioResult],
}

/// `run --format json`: the terms and every scenario's result.
pub fn render(results: &[ScenarioResult], terms: &Terms) -> Result<String, String> {
    let doc = Document {
        version: 1,
        terms: reported(terms, common_from(terms, results)),
        scenarios: results,
    };
    let mut s = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}

#[derive(Serialize)]
struct CompareDocument<'a> {
    version: u32,
    terms: Terms,
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
) -> Result<String, String> {
    let doc = CompareDocument {
        version: 1,
        terms: reported(terms, from),
        results: rows,
        thresholds,
    };
    let mut s = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}
