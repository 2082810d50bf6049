//! The version-1 JSON document of SPEC §5. Decimals are strings holding exact values
//! (rust_decimal's `serde-with-str`), dates `YYYY-MM-DD`, absent values `null`.

use rust_decimal::Decimal;
use serde::Serialize;

use super::common_from;
use crate::model::{CompareRow, Date, RateStep, ScenarioResult, Terms, Thresholds};

/// The terms as reported: `from` is the resolved term start when every scenario
/// shares one, `null` otherwise (each scenario then starts at its first period).
#[derive(Serialize)]
pub struct TermsJson<'a> {
    rate: Decimal,
    rate_steps: &'a [RateStep],
    cap: Option<Decimal>,
    already_paid: Decimal,
    from: Option<Date>,
    through: Date,
    discount_rate: Option<Decimal>,
}

impl<'a> TermsJson<'a> {
    /// `from`: the term start shared by every scenario, if there is one.
    pub fn new(terms: &'a Terms, from: Option<Date>) -> TermsJson<'a> {
        TermsJson {
            rate: terms.rate,
            rate_steps: &terms.rate_steps,
            cap: terms.cap,
            already_paid: terms.already_paid,
            from,
            through: terms.through,
            discount_rate: terms.discount_rate,
        }
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    terms: TermsJson<'a>,
    scenarios: &'a [ScenarioResult],
}

pub fn render(results: &[ScenarioResult], terms: &Terms) -> Result<String, String> {
    let doc = Document {
        version: 1,
        terms: TermsJson::new(terms, common_from(terms, results)),
        scenarios: results,
    };
    let mut s = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}

#[derive(Serialize)]
struct CompareDocument<'a> {
    version: u32,
    terms: TermsJson<'a>,
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
        terms: TermsJson::new(terms, from),
        results: rows,
        thresholds,
    };
    let mut s = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}
