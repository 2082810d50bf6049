//! `revcap sensitivity`: each input swung low and high around the terms for every
//! scenario (the computing is [`crate::analysis::sensitivity`]); `sensitivity.csv`,
//! `sensitivity.json`, a tornado chart per scenario and metric, and with `--report`
//! and `--xlsx` report.html and revcap.xlsx, staged and committed together, then the
//! chosen view on stdout.

use std::io::Write;

use serde_json::json;

use super::{
    chart_options, gap_warnings, note_skipped_charts, note_written, print_warnings,
    tiny_cap_warning,
};
use crate::analysis::sensitivity::{self, Measure, Metric, Row, Sensitivity, Swing};
use crate::config::{Input as Source, Output};
use crate::error::Error;
use crate::model::Terms;
use crate::render::sensitivity::{base_text, input_text, measure_text, metric_text, swing_text};
use crate::render::{Amounts, Format};
use crate::{chart, engine, load, output, render};

/// Loads every input, swings every input for every scenario, stages the files,
/// prints, commits.
pub fn sensitivity(
    inputs: &[Source],
    terms: &Terms,
    swings: &[Swing],
    metrics: &[Metric],
    output: &Output,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let (scenarios, currency) = load::load_all(inputs)?;
    let shown = output.shown.for_headers(currency);
    let warnings: Vec<String> = scenarios
        .iter()
        .flat_map(|s| gap_warnings(&s.source, &s.name, engine::scenario_gaps(s, terms)))
        .chain(tiny_cap_warning(&scenarios, terms))
        .collect();
    print_warnings(&warnings);
    let found = sensitivity::sensitivity(&scenarios, terms, swings, metrics)?;
    print_warnings(&found.notes);
    let csv_text = csv(&found.rows)?;
    let json_text = json_text(&found, terms)?;
    let staged = if let Some(dir) = &output.dir {
        let mut staged = output::Staged::new(dir)?;
        staged.own_outputs(output::sensitivity_output);
        staged.add("sensitivity.csv", csv_text.as_bytes())?;
        staged.add("sensitivity.json", json_text.as_bytes())?;
        let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
        if let Some(opts) = chart_options(output, scenarios.len()) {
            for (name, bytes) in
                chart::tornado_charts(&names, &found, metrics, terms, opts, shown.unit.as_ref())?
            {
                staged.add(&name, &bytes)?;
            }
        }
        let asked = render::html::SensitivityInput {
            inputs,
            names: &names,
            found: &found,
            metrics,
            swings,
            terms,
        };
        for (name, bytes) in render::html::sensitivity_files(&asked, output, &shown)? {
            staged.add(&name, &bytes)?;
        }
        output::refuse_overwriting_inputs(inputs, &staged)?;
        Some(staged)
    } else {
        None
    };
    let text = match output.format {
        Format::Csv => csv_text,
        Format::Json => json_text,
        Format::Table => table(&found.rows, &shown.amounts(), false),
        Format::Markdown => table(&found.rows, &shown.amounts(), true),
    };
    let files = staged.as_ref().map(|s| s.targets().count());
    let done = output::print_then_commit(stdout, &[text], staged);
    note_skipped_charts(&done, output, scenarios.len());
    note_written(&done, output, files);
    done
}

/// The swing column: an amount, or days for the binding date; empty when one end
/// binds and the other does not.
fn swing_cell(r: &Row) -> String {
    r.swing()
        .map_or_else(String::new, |s| s.normalize().to_string())
}

/// `sensitivity.csv`: `scenario,metric,input,low,high,base_value,value_at_low,value_at_high,swing`.
pub fn csv(rows: &[Row]) -> Result<String, Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| Error::Internal(e.to_string());
    w.write_record(crate::render::sensitivity::HEADER)
        .map_err(internal)?;
    for r in rows {
        w.write_record([
            r.scenario.as_str(),
            r.metric.name(),
            r.input.name(),
            &r.low.plain(),
            &r.high.plain(),
            &r.base.plain(),
            &r.value_cell(r.at_low),
            &r.value_cell(r.at_high),
            &swing_cell(r),
        ])
        .map_err(internal)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))
}

/// `sensitivity.json`: the terms, and the rows with the CSV's columns (binding dates
/// given both as days from the base and as dates).
pub fn json_text(found: &Sensitivity, terms: &Terms) -> Result<String, Error> {
    let rows: Vec<serde_json::Value> = found
        .rows
        .iter()
        .map(|r| {
            let value = |m: Measure| -> serde_json::Value {
                match m {
                    Measure::Amount(Some(a)) => json!(a.normalize().to_string()),
                    Measure::Amount(None) => serde_json::Value::Null,
                    Measure::Date(_) => json!(r.value_cell(m)),
                }
            };
            let date = |m: Measure| match m {
                Measure::Date(Some(d)) => json!(d.to_string()),
                Measure::Date(None) => json!("does not bind"),
                Measure::Amount(_) => serde_json::Value::Null,
            };
            let mut row = json!({
                "scenario": r.scenario,
                "metric": r.metric.name(),
                "input": r.input.name(),
                "base_input": r.base_input.plain(),
                "low": r.low.plain(),
                "high": r.high.plain(),
                "base_value": r.base.plain(),
                "value_at_low": value(r.at_low),
                "value_at_high": value(r.at_high),
                "swing": r.swing().map(|s| s.normalize().to_string()),
            });
            if r.metric == Metric::BindingDate {
                if let Some(obj) = row.as_object_mut() {
                    obj.insert("date_at_low".into(), date(r.at_low));
                    obj.insert("date_at_high".into(), date(r.at_high));
                }
            }
            row
        })
        .collect();
    let doc = json!({ "version": 1, "terms": terms, "notes": found.notes, "rows": rows });
    let mut s = serde_json::to_string_pretty(&doc).map_err(|e| Error::Internal(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

/// The table (or Markdown): a block per scenario and metric, inputs by swing.
pub fn table(rows: &[Row], amounts: &Amounts, markdown: bool) -> String {
    let mut out = String::new();
    let mut start = 0;
    while let Some(first) = rows.get(start) {
        let len = rows
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|r| r.scenario == first.scenario && r.metric == first.metric)
            .count();
        let group = rows.get(start..start + len).unwrap_or_default();
        start += len;
        let base = base_text(first.base, amounts);
        let title = format!(
            "{}: {} (base {base})",
            first.scenario,
            metric_text(first.metric)
        );
        let header = [
            "input".to_string(),
            "low".into(),
            "high".into(),
            "at low".into(),
            "at high".into(),
            "swing".into(),
        ];
        let cells: Vec<[String; 6]> = group
            .iter()
            .map(|r| {
                [
                    r.input.name().to_string(),
                    input_text(&r.low, amounts),
                    input_text(&r.high, amounts),
                    measure_text(r, r.at_low, amounts),
                    measure_text(r, r.at_high, amounts),
                    swing_text(r, amounts),
                ]
            })
            .collect();
        if !out.is_empty() {
            out.push('\n');
        }
        if markdown {
            out.push_str(&format!("### {title}\n\n"));
            out.push_str(&format!("| {} |\n", header.join(" | ")));
            out.push_str("|---|---|---|---|---|---|\n");
            for c in &cells {
                let escaped: Vec<String> = c.iter().map(|x| x.replace('|', "\\|")).collect();
                out.push_str(&format!("| {} |\n", escaped.join(" | ")));
            }
        } else {
            out.push_str(&format!("{title}\n"));
            let body = super::solve::aligned(&header, &cells);
            for line in body.lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
    }
    out
}
