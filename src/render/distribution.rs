//! Distributions over many scenarios ([`crate::montecarlo::distribution`]) in every
//! form: `distribution.csv`, `binding_probability.csv`, a JSON value for
//! `result.json`, and a table per group for the terminal (docs/montecarlo.md).

use rust_decimal::Decimal;
use serde_json::{json, Value as Json};

use super::{percent2, Shown};
use crate::montecarlo::distribution::{Metric, Probability, Summary, Value, PERCENTILES};

/// The columns of `distribution.csv`.
pub const DISTRIBUTION_HEADER: [&str; 14] = [
    "group", "variant", "metric", "paths", "mean", "min", "p5", "p10", "p25", "p50", "p75", "p90",
    "p95", "max",
];

/// The columns of `binding_probability.csv`.
pub const PROBABILITY_HEADER: [&str; 6] =
    ["group", "variant", "by", "paths", "bound", "probability"];

fn text(v: Option<Value>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn csv_text(rows: impl Iterator<Item = Vec<String>>, header: &[&str]) -> Result<String, String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(header).map_err(|e| e.to_string())?;
    for r in rows {
        w.write_record(&r).map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// `distribution.csv`: one row per (group, variant, metric); an absent value (the
/// binding date's mean, a quantile among paths that never bind) is an empty cell.
pub fn distribution_csv(rows: &[Summary]) -> Result<String, String> {
    csv_text(
        rows.iter().map(|s| {
            let mut r = vec![
                s.group.clone(),
                s.variant.clone(),
                s.metric.name().to_string(),
                s.paths.to_string(),
                s.mean.map(|m| m.to_string()).unwrap_or_default(),
                text(s.min),
            ];
            r.extend(s.percentiles.iter().map(|v| text(*v)));
            r.push(text(s.max));
            r
        }),
        &DISTRIBUTION_HEADER,
    )
}

/// `binding_probability.csv`: one row per (group, variant, date).
pub fn probability_csv(rows: &[Probability]) -> Result<String, String> {
    csv_text(
        rows.iter().map(|p| {
            vec![
                p.group.clone(),
                p.variant.clone(),
                p.by.to_string(),
                p.paths.to_string(),
                p.bound.to_string(),
                p.probability.to_string(),
            ]
        }),
        &PROBABILITY_HEADER,
    )
}

/// `{"distributions": [...], "binding_probabilities": [...]}`: the CSV rows as
/// objects, decimals and dates as strings, absent values `null`.
pub fn json(rows: &[Summary], probabilities: &[Probability]) -> Json {
    let value = |v: Option<Value>| v.map_or(Json::Null, |v| Json::String(v.to_string()));
    let distributions: Vec<Json> = rows
        .iter()
        .map(|s| {
            let mut o = serde_json::Map::new();
            o.insert("group".into(), json!(s.group));
            o.insert("variant".into(), json!(s.variant));
            o.insert("metric".into(), json!(s.metric.name()));
            o.insert("paths".into(), json!(s.paths));
            o.insert(
                "mean".into(),
                s.mean.map_or(Json::Null, |m| Json::String(m.to_string())),
            );
            o.insert("min".into(), value(s.min));
            for (p, v) in PERCENTILES.iter().zip(s.percentiles) {
                o.insert(format!("p{p}"), value(v));
            }
            o.insert("max".into(), value(s.max));
            Json::Object(o)
        })
        .collect();
    let probabilities: Vec<Json> = probabilities
        .iter()
        .map(|p| {
            json!({
                "group": p.group,
                "variant": p.variant,
                "by": p.by.to_string(),
                "paths": p.paths,
                "bound": p.bound,
                "probability": p.probability.to_string(),
            })
        })
        .collect();
    json!({"distributions": distributions, "binding_probabilities": probabilities})
}

/// The `distributions` and `binding_probabilities` arrays of `result.json` and
/// `compare.json`, each after a comma, as the document's pretty printer lays out
/// its top-level arrays: written after the document's last array, before its end.
pub fn json_tail(rows: &[Summary], probabilities: &[Probability]) -> Result<String, String> {
    let value = json(rows, probabilities);
    let mut out = String::new();
    for key in ["distributions", "binding_probabilities"] {
        let items = value
            .get(key)
            .and_then(Json::as_array)
            .map_or(&[][..], Vec::as_slice);
        out.push_str(&format!(",\n  \"{key}\": ["));
        out.push_str(&super::json::items(items, true)?);
        out.push_str(super::json::close_array(items.is_empty()));
    }
    Ok(out)
}

/// The terminal view: per group, the binding date's and the amounts' quantiles, then
/// the probability that the cap has bound by each year-end and the term end.
pub fn table(rows: &[Summary], probabilities: &[Probability], shown: &Shown) -> String {
    let amounts = shown.amounts();
    let mut out = String::new();
    let mut i = 0;
    while let Some(first) = rows.get(i) {
        let same = |s: &Summary| s.group == first.group && s.variant == first.variant;
        let group: Vec<&Summary> = rows.iter().skip(i).take_while(|s| same(s)).collect();
        i += group.len();
        let name = crate::error::printable(&first.group);
        let title = if first.variant.is_empty() {
            format!("{name}: {} paths", first.paths)
        } else {
            let v = crate::error::printable(&first.variant);
            format!("{name} under {v}: {} paths", first.paths)
        };
        out.push_str(&title);
        out.push('\n');
        let mut header = vec![String::new(), "min".into()];
        header.extend(PERCENTILES.iter().map(|p| format!("p{p}")));
        header.push("max".into());
        let mut lines = vec![header];
        let mut unreached = false;
        for s in &group {
            let label = match s.metric {
                Metric::BindingDate => "binding date",
                Metric::TotalPaid => "total paid",
                Metric::Foregone => "foregone",
                Metric::UncappedTotal => "uncapped",
                Metric::EligibleRevenue => "eligible revenue",
                Metric::PresentValue => "present value",
            };
            let mut cell = |v: Option<Value>| match v {
                Some(Value::Amount(a)) => amounts.one(a),
                Some(Value::Date(d)) => d.to_string(),
                None => {
                    unreached = true;
                    "not reached".into()
                }
            };
            let mut line = vec![label.to_string(), cell(s.min)];
            for v in s.percentiles {
                line.push(cell(v));
            }
            line.push(cell(s.max));
            lines.push(line);
        }
        out.push_str(&aligned(&lines));
        let probs: Vec<&Probability> = probabilities
            .iter()
            .filter(|p| p.group == first.group && p.variant == first.variant)
            .collect();
        if !probs.is_empty() {
            let mut dates = vec!["P(cap binds by)".to_string()];
            dates.extend(probs.iter().map(|p| p.by.to_string()));
            let mut shares = vec![String::new()];
            shares.extend(probs.iter().map(|p| percent2(p.probability)));
            out.push_str(&aligned(&[dates, shares]));
        }
        if unreached {
            if let Some(end) = probs.last() {
                out.push_str(&format!(
                    "  not reached: the cap does not bind by the term end ({}) at that percentile\n",
                    end.by
                ));
            }
        }
        out.push('\n');
    }
    out
}

/// `compare`'s question, per group with two or more variants: the probability that
/// the cap has bound by each year-end and the term end, one column per variant
/// ("P(binds by 2028-12-31) at 25B / 38B / 50B" read across a line).
pub fn by_cap(probabilities: &[Probability], _shown: &Shown) -> String {
    let mut out = String::new();
    let mut groups: Vec<&str> = Vec::new();
    for p in probabilities {
        if !groups.contains(&p.group.as_str()) {
            groups.push(&p.group);
        }
    }
    for g in groups {
        let own: Vec<&Probability> = probabilities.iter().filter(|p| p.group == g).collect();
        let mut variants: Vec<&str> = Vec::new();
        let mut dates: Vec<crate::model::Date> = Vec::new();
        for p in &own {
            if !variants.contains(&p.variant.as_str()) {
                variants.push(&p.variant);
            }
            if !dates.contains(&p.by) {
                dates.push(p.by);
            }
        }
        if variants.len() < 2 {
            continue;
        }
        dates.sort_unstable();
        out.push_str(&format!(
            "{}: P(cap binds by) at each cap, {} paths\n",
            crate::error::printable(g),
            own.first().map_or(0, |p| p.paths)
        ));
        let mut header = vec!["by".to_string()];
        header.extend(
            variants
                .iter()
                .map(|v| crate::error::printable(v).to_string()),
        );
        let mut lines = vec![header];
        for d in &dates {
            let mut line = vec![d.to_string()];
            for v in &variants {
                line.push(
                    own.iter()
                        .find(|p| p.variant == *v && p.by == *d)
                        .map_or(String::new(), |p| percent2(p.probability)),
                );
            }
            lines.push(line);
        }
        out.push_str(&aligned(&lines));
        out.push('\n');
    }
    out
}

/// Rows of cells, the first column left-aligned, the others right-aligned, two
/// spaces apart, indented by two.
fn aligned(lines: &[Vec<String>]) -> String {
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            lines
                .iter()
                .map(|l| l.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for l in lines {
        let mut line = String::from(" ");
        for (c, (cell, w)) in l.iter().zip(&widths).enumerate() {
            line.push(' ');
            if c == 0 {
                line.push_str(&format!("{cell:<w$}"));
            } else {
                line.push_str(&format!(" {cell:>w$}"));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A probability as the share of paths, for the charts' labels: `0.35` → `35%`.
pub fn share(p: Decimal) -> String {
    percent2(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Date, Summary as ScenarioSummary};
    use crate::montecarlo::distribution::{Distributions, Key};

    /// Four paths: three bind (2028-03-01, 2029-06-30, 2029-12-31), one never does.
    fn four() -> Distributions {
        let d = |s: &str| Date::parse(s).unwrap();
        let mut dist = Distributions::new(d("2030-12-31"), false);
        let key = Key {
            group: "g,1",
            variant: "",
            cap: None,
            rate: None,
        };
        for (paid, bind) in [
            (38, Some("2029-06-30")),
            (30, None),
            (38, Some("2028-03-01")),
            (38, Some("2029-12-31")),
        ] {
            let s = ScenarioSummary {
                eligible_revenue: Decimal::from(paid * 5),
                uncapped_total: Decimal::from(paid + 1),
                total_paid: Decimal::from(paid),
                foregone: Decimal::ONE,
                cap_binds: bind.is_some(),
                binding_period: None,
                binding_date: bind.map(d),
                effective_rate: None,
                present_value: None,
                covered_from: d("2026-01-01"),
                covered_through: d("2030-12-31"),
            };
            dist.add(&key, d("2026-04-27"), &s);
        }
        dist
    }

    #[test]
    fn csv_rows_follow_the_nearest_rank_rule() {
        let dist = four();
        let text = distribution_csv(&dist.summaries().unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "group,variant,metric,paths,mean,min,p5,p10,p25,p50,p75,p90,p95,max"
        );
        // Ranks of 4: p5, p10, p25 → 1; p50 → 2; p75 → 3; p90, p95 → 4.
        assert_eq!(
            lines[1],
            "\"g,1\",,total_paid,4,36,30,30,30,30,38,38,38,38,38"
        );
        assert_eq!(
            lines[5],
            "\"g,1\",,binding_date,4,,2028-03-01,2028-03-01,2028-03-01,2028-03-01,2029-06-30,2029-12-31,,,"
        );
        let probs = probability_csv(&dist.probabilities().unwrap()).unwrap();
        assert_eq!(
            probs,
            "group,variant,by,paths,bound,probability\n\
             \"g,1\",,2026-12-31,4,0,0\n\
             \"g,1\",,2027-12-31,4,0,0\n\
             \"g,1\",,2028-12-31,4,1,0.25\n\
             \"g,1\",,2029-12-31,4,3,0.75\n\
             \"g,1\",,2030-12-31,4,3,0.75\n"
        );
    }

    #[test]
    fn json_and_table_say_the_same() {
        let dist = four();
        let rows = dist.summaries().unwrap();
        let probs = dist.probabilities().unwrap();
        let j = json(&rows, &probs);
        assert_eq!(j["distributions"][4]["metric"], "binding_date");
        assert_eq!(j["distributions"][4]["p90"], serde_json::Value::Null);
        assert_eq!(j["distributions"][4]["mean"], serde_json::Value::Null);
        assert_eq!(j["distributions"][0]["mean"], "36");
        assert_eq!(j["binding_probabilities"][3]["probability"], "0.75");
        assert_eq!(j["binding_probabilities"][3]["bound"], 3);
        let t = table(&rows, &probs, &Shown::default());
        assert!(t.starts_with("g,1: 4 paths\n"), "{t}");
        assert!(t.contains("  binding date  "), "{t}");
        assert!(t.contains("not reached"), "{t}");
        assert!(t.contains("75.00%"), "{t}");
        assert!(t.contains("  not reached: the cap does not bind by the term end (2030-12-31) at that percentile\n"), "{t}");
    }
}
