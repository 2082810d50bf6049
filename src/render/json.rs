//! The version-1 JSON document of SPEC §5. Decimals are strings holding exact values
//! (rust_decimal's `serde-with-str`), dates `YYYY-MM-DD`, absent values `null`.

use rust_decimal::Decimal;
use serde::Serialize;

use super::common_from;
use crate::model::{Date, RateStep, ScenarioResult, Terms};

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
    pub fn new(terms: &'a Terms, results: &[ScenarioResult]) -> TermsJson<'a> {
        TermsJson {
            rate: terms.rate,
            rate_steps: &terms.rate_steps,
            cap: terms.cap,
            already_paid: terms.already_paid,
            from: common_from(terms, results),
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
        terms: TermsJson::new(terms, results),
        scenarios: results,
    };
    let mut s = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}
