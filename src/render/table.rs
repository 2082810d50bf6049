//! The default terminal view: per scenario, an aligned ledger and a summary in words.

use comfy_table::{presets, CellAlignment, ContentArrangement, LineStyle, Table, TableStyle};

/// Rules above, under the header and below; none between rows, so long ledgers stay
/// easy to scan.
const TERMINAL: TableStyle = TableStyle::new()
    .top_border(LineStyle::none().fill('─').junction('─'))
    .header_separator(LineStyle::none().fill('─').junction('─'))
    .bottom_border(LineStyle::none().fill('─').junction('─'));

use super::{common_from, money, summary_sentences, terms_line};
use crate::model::{ScenarioResult, Terms};

/// Which table style: the terminal view or GitHub Markdown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Terminal,
    Markdown,
}

pub fn render(results: &[ScenarioResult], terms: &Terms, unit: Option<&str>) -> String {
    let mut out = format!(
        "terms: {}\n",
        terms_line(terms, common_from(terms, results).map(|d| d.to_string()))
    );
    if let Some(unit) = unit {
        out.push_str(&format!("amounts in {unit}\n"));
    }
    for r in results {
        out.push_str(&format!("\n{} ({})\n", r.name, r.source));
        out.push_str(&ledger(r, terms, Style::Terminal).to_string());
        out.push('\n');
        for s in summary_sentences(r, terms, unit) {
            out.push_str(&format!("  {s}\n"));
        }
    }
    out
}

/// The ledger of one scenario as a table.
pub(crate) fn ledger(r: &ScenarioResult, terms: &Terms, style: Style) -> Table {
    let mut t = Table::new();
    t.load_style(match style {
        Style::Terminal => TERMINAL,
        Style::Markdown => presets::ASCII_MARKDOWN,
    });
    t.set_content_arrangement(ContentArrangement::Disabled);
    let mut header = vec![
        "period",
        "revenue",
        "eligible",
        "uncapped",
        "paid",
        "cumulative",
    ];
    if terms.cap.is_some() {
        header.extend(["cap left", "capped"]);
    }
    if terms.discount_rate.is_some() {
        header.push("present value");
    }
    t.set_header(header.clone());
    for p in &r.periods {
        let mut row = vec![
            p.period.to_string(),
            money(p.revenue),
            money(p.eligible_revenue),
            money(p.uncapped_payment),
            money(p.payment),
            money(p.cumulative),
        ];
        if terms.cap.is_some() {
            row.push(p.remaining_cap.map(money).unwrap_or_default());
            row.push(if p.capped { "yes" } else { "" }.to_string());
        }
        if let Some(pv) = p.present_value {
            row.push(money(pv));
        }
        t.add_row(row);
    }
    for i in 1..header.len() {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}
