//! The table view as GitHub Markdown, for pasting into notes and issues.

use super::table::{compare_view, ledger, Style};
use crate::error::printable;

use super::{common_from, summary_sentences, terms_line, CompareView, Render, RunView, Shown};
use crate::model::{Date, ScenarioResult, Terms};

/// `--format markdown`.
pub struct Markdown;

impl Render for Markdown {
    fn run(&self, view: &RunView) -> Result<Vec<String>, String> {
        Ok(vec![render(view)])
    }

    fn compare(&self, view: &CompareView) -> Result<Vec<String>, String> {
        Ok(vec![compare_view(view, Style::Markdown)])
    }
}

/// `run`'s view as Markdown: the table view's terms, ledgers (each header with its
/// unit) and sentences.
pub fn render(view: &RunView) -> String {
    let (terms, shown) = (view.terms, view.shown);
    let mut out = run_head(terms, common_from(terms, view.results), shown);
    for r in view.results {
        out.push_str(&run_block(r, terms, shown));
    }
    out
}

/// The first line of `run`'s Markdown: the terms, with the term start every scenario
/// shares (`from`).
pub fn run_head(terms: &Terms, from: Option<Date>, shown: &Shown) -> String {
    format!(
        "**Terms {}:** {}\n",
        shown.sources.opening(),
        terms_line(terms, from, shown)
    )
}

/// One scenario of `run`'s Markdown: its heading, its ledger and its summary.
pub fn run_block(r: &ScenarioResult, terms: &Terms, shown: &Shown) -> String {
    let mut out = format!(
        "\n### {} (`{}`)\n\n",
        printable(&r.name),
        printable(&r.source)
    );
    ledger(r, terms, shown, Style::Markdown).draw(&mut out);
    out.push('\n');
    for s in summary_sentences(r, terms, shown) {
        out.push_str(&format!("- {s}\n"));
    }
    out
}
