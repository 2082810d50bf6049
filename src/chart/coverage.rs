//! What a chart says when a scenario's data does not cover its whole term
//! (docs/spec.md §4.6): a footnote for each uncovered end, in the words of the
//! warning `run` prints, and the day the data ends, which titles give beside the
//! term's end so no chart claims a term its axis does not reach.

use crate::engine;
use crate::model::{Date, ScenarioResult};

/// Footnotes shown at most; past them one line counts the rest.
const MAX_NOTES: usize = 3;

/// The footnotes for the ends of the term `from..=through` that the data of
/// `results` leaves uncovered: `Data ends 2028-12-31, before the term ends
/// (2030-12-31): payments after it are not counted.` for one scenario, each line
/// led by the scenario's name for several; none when the data covers the term.
pub fn notes(results: &[&ScenarioResult], through: Date) -> Vec<String> {
    let one = results.len() == 1;
    let lines: Vec<String> = results
        .iter()
        .flat_map(|r| {
            engine::gaps(&r.summary, r.from, through)
                .into_iter()
                .map(move |g| {
                    if one {
                        let text = g.to_string();
                        let mut chars = text.chars();
                        chars.next().map_or_else(String::new, |c| {
                            format!("{}{}.", c.to_uppercase(), chars.as_str())
                        })
                    } else {
                        format!("{}: {g}.", r.name)
                    }
                })
        })
        .collect();
    if lines.len() <= MAX_NOTES {
        return lines;
    }
    let rest = lines.len() - (MAX_NOTES - 1);
    let mut out: Vec<String> = lines.into_iter().take(MAX_NOTES - 1).collect();
    out.push(format!(
        "{rest} more ends of the term are not covered by their scenario's data (the warnings on stderr list them)."
    ));
    out
}

/// The last day any of `results`' data covers, when that is before `through`: the
/// chart's time axis then stops there, and its title says so.
pub fn data_end(results: &[&ScenarioResult], through: Date) -> Option<Date> {
    results
        .iter()
        .map(|r| r.summary.covered_through)
        .max()
        .filter(|d| *d < through)
}

/// `through 2030-12-31`, or `through 2030-12-31 (data ends 2028-12-31)` when the
/// data ends first.
pub fn through_text(through: Date, data_end: Option<Date>) -> String {
    match data_end {
        Some(d) if d < through => format!("through {through} (data ends {d})"),
        _ => format!("through {through}"),
    }
}
