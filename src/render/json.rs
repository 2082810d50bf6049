//! The version-1 JSON document of SPEC §5. Decimals are strings holding exact values
//! (rust_decimal's `serde-with-str`), dates `YYYY-MM-DD`, absent values `null`.

use serde::Serialize;

use super::common_from;
use crate::model::{CompareRow, Date, ScenarioResult, Terms, Thresholds};

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
