//! CSV outputs with the fixed column names of SPEC §5: the ledger and the summary.
//! One flat `Serialize` row per file, so the columns cannot drift from the JSON fields.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::{CompareRow, Date, Period, ScenarioResult, Summary};

#[derive(Serialize)]
struct LedgerRow<'a> {
    scenario: &'a str,
    period: Period,
    start: Date,
    end: Date,
    revenue: Decimal,
    eligible_revenue: Decimal,
    uncapped_payment: Decimal,
    payment: Decimal,
    cumulative: Decimal,
    remaining_cap: Option<Decimal>,
    capped: bool,
    present_value: Option<Decimal>,
}

/// `scenario,period,start,end,revenue,eligible_revenue,uncapped_payment,payment,
/// cumulative,remaining_cap,capped,present_value`
pub fn ledger(results: &[ScenarioResult]) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in results {
        for p in &r.periods {
            w.serialize(LedgerRow {
                scenario: &r.name,
                period: p.period,
                start: p.start,
                end: p.end,
                revenue: p.revenue,
                eligible_revenue: p.eligible_revenue,
                uncapped_payment: p.uncapped_payment,
                payment: p.payment,
                cumulative: p.cumulative,
                remaining_cap: p.remaining_cap,
                capped: p.capped,
                present_value: p.present_value,
            })
            .map_err(|e| e.to_string())?;
        }
    }
    finish(w)
}

/// `scenario,eligible_revenue,uncapped_total,total_paid,foregone,cap_binds,
/// binding_period,binding_date,effective_rate,present_value`
pub fn summary(results: &[ScenarioResult]) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(SUMMARY_HEADER).map_err(|e| e.to_string())?;
    for r in results {
        w.write_record(summary_fields(&r.name, &r.summary))
            .map_err(|e| e.to_string())?;
    }
    finish(w)
}

pub const SUMMARY_HEADER: [&str; 10] = [
    "scenario",
    "eligible_revenue",
    "uncapped_total",
    "total_paid",
    "foregone",
    "cap_binds",
    "binding_period",
    "binding_date",
    "effective_rate",
    "present_value",
];

/// A summary as CSV fields, first the scenario's name; absent values are empty.
// Written by hand because csv cannot serialize a flattened struct; the unit test
// `summary_columns_match_json_fields` keeps it in step with `Summary`.
pub fn summary_fields(name: &str, s: &Summary) -> Vec<String> {
    let opt = |v: Option<String>| v.unwrap_or_default();
    vec![
        name.to_string(),
        s.eligible_revenue.to_string(),
        s.uncapped_total.to_string(),
        s.total_paid.to_string(),
        s.foregone.to_string(),
        s.cap_binds.to_string(),
        opt(s.binding_period.map(|p| p.to_string())),
        opt(s.binding_date.map(|d| d.to_string())),
        opt(s.effective_rate.map(|d| d.to_string())),
        opt(s.present_value.map(|d| d.to_string())),
    ]
}

/// `scenario,variant,cap,` then the summary's columns after `scenario`.
pub fn compare(rows: &[CompareRow]) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["scenario", "variant", "cap"];
    header.extend(&SUMMARY_HEADER[1..]);
    w.write_record(&header).map_err(|e| e.to_string())?;
    for r in rows {
        let mut fields = summary_fields(&r.scenario, &r.summary);
        fields.splice(
            1..1,
            [
                r.variant.clone(),
                r.cap.map(|c| c.to_string()).unwrap_or_default(),
            ],
        );
        w.write_record(&fields).map_err(|e| e.to_string())?;
    }
    finish(w)
}

pub(crate) fn finish(w: csv::Writer<Vec<u8>>) -> Result<String, String> {
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CSV summary has the same fields as the JSON summary (names only: both
    /// lists are sorted; the column order is pinned by the CLI tests' exact header).
    #[test]
    fn summary_columns_match_json_fields() {
        let s = Summary {
            eligible_revenue: Decimal::ONE,
            uncapped_total: Decimal::ONE,
            total_paid: Decimal::ONE,
            foregone: Decimal::ZERO,
            cap_binds: false,
            binding_period: None,
            binding_date: None,
            effective_rate: None,
            present_value: None,
        };
        let json = serde_json::to_value(&s).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected: Vec<&str> = SUMMARY_HEADER[1..].to_vec();
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
    }
}
