//! The table view as GitHub Markdown, for pasting into notes and issues.

use super::table::{compare_view, ledger, Style};
use super::{common_from, summary_sentences, terms_line, CompareView, Render, RunView};
use crate::model::{ScenarioResult, Terms};

/// `--format markdown`.
pub struct Markdown;

impl Render for Markdown {
    fn run(&self, view: &RunView) -> Result<Vec<String>, String> {
        Ok(vec![render(view.results, view.terms, view.unit)])
    }

    fn compare(&self, view: &CompareView) -> Result<Vec<String>, String> {
        Ok(vec![compare_view(view, Style::Markdown)])
    }
}

/// `run`'s view as Markdown.
pub fn render(results: &[ScenarioResult], terms: &Terms, unit: Option<&str>) -> String {
    let mut out = format!(
        "**Terms:** {}",
        terms_line(terms, common_from(terms, results).map(|d| d.to_string()))
    );
    if let Some(unit) = unit {
        out.push_str(&format!("; amounts in {unit}"));
    }
    out.push('\n');
    for r in results {
        out.push_str(&format!("\n### {} (`{}`)\n\n", r.name, r.source));
        out.push_str(&ledger(r, terms, Style::Markdown).to_string());
        out.push_str("\n\n");
        for s in summary_sentences(r, terms, unit) {
            out.push_str(&format!("- {s}\n"));
        }
    }
    out
}
