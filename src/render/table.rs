//! The default terminal view: per scenario, an aligned ledger and a summary in words.

use comfy_table::{presets, CellAlignment, ContentArrangement, LineStyle, TableStyle};
// comfy_table's table, not the format `Table` below.
use comfy_table::Table as Grid;

/// Rules above, under the header and below; none between rows, so long ledgers stay
/// easy to scan.
const TERMINAL: TableStyle = TableStyle::new()
    .top_border(LineStyle::none().fill('─').junction('─'))
    .header_separator(LineStyle::none().fill('─').junction('─'))
    .bottom_border(LineStyle::none().fill('─').junction('─'));

use super::{
    common_from, compare_terms_line, money, percent2, summary_sentences, terms_line, CompareView,
    Render, RunView,
};
use crate::model::{ScenarioResult, Terms};

/// `--format table`, the default.
pub struct Table;

impl Render for Table {
    fn run(&self, view: &RunView) -> Result<Vec<String>, String> {
        Ok(vec![render(view.results, view.terms, view.unit)])
    }

    fn compare(&self, view: &CompareView) -> Result<Vec<String>, String> {
        Ok(vec![compare_view(view, Style::Terminal)])
    }
}

/// Which table style: the terminal view or GitHub Markdown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Terminal,
    Markdown,
}

/// `run`'s terminal view.
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
pub(crate) fn ledger(r: &ScenarioResult, terms: &Terms, style: Style) -> Grid {
    let mut t = new_table(style);
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
    align_right(&mut t, &(1..header.len()).collect::<Vec<_>>());
    t
}

/// `compare`'s table: one row per (scenario, variant), then the thresholds if given.
pub(crate) fn compare_view(view: &CompareView, style: Style) -> String {
    let md = style == Style::Markdown;
    let line = compare_terms_line(&view.shared, view.from.map(|d| d.to_string()));
    let (rows, thresholds, unit) = (view.rows, view.thresholds, view.unit);
    let mut out = if md {
        format!("**Terms:** {line}")
    } else {
        format!("terms: {line}")
    };
    if let Some(unit) = unit {
        out.push_str(&format!(
            "{}amounts in {unit}",
            if md { "; " } else { "\n" }
        ));
    }
    out.push_str("\n\n");
    let pv = rows.iter().any(|r| r.summary.present_value.is_some());
    let mut t = new_table(style);
    let mut header = vec![
        "scenario",
        "variant",
        "cap",
        "total paid",
        "foregone",
        "cap binds",
        "period",
        "effective rate",
    ];
    if pv {
        header.push("present value");
    }
    t.set_header(header.clone());
    for r in rows {
        let s = &r.summary;
        let mut row = vec![
            r.scenario.clone(),
            r.variant.clone(),
            r.cap.map_or_else(|| "none".into(), money),
            money(s.total_paid),
            money(s.foregone),
            s.binding_date
                .map_or_else(|| "not reached".into(), |d| d.to_string()),
            s.binding_period.map(|p| p.to_string()).unwrap_or_default(),
            s.effective_rate.map(percent2).unwrap_or_default(),
        ];
        if pv {
            row.push(s.present_value.map(money).unwrap_or_default());
        }
        t.add_row(row);
    }
    align_right(&mut t, &[2, 3, 4, 7, 8]);
    out.push_str(&t.to_string());
    out.push('\n');
    if let Some(thresholds) = thresholds {
        out.push_str(if md {
            "\n**Thresholds:** the cap binds by each date if it is at most\n\n"
        } else {
            "\nthresholds: the cap binds by each date if it is at most\n"
        });
        let mut t = new_table(style);
        t.set_header(vec!["scenario", "binds by", "if the cap is at most"]);
        for th in thresholds {
            for b in &th.by {
                t.add_row(vec![th.scenario.clone(), b.date.to_string(), money(b.cap)]);
            }
            t.add_row(vec![
                th.scenario.clone(),
                "never".into(),
                format!("above {}", money(th.never_binds_above)),
            ]);
        }
        align_right(&mut t, &[2]);
        out.push_str(&t.to_string());
        out.push('\n');
    }
    out
}

fn new_table(style: Style) -> Grid {
    let mut t = Grid::new();
    t.load_style(match style {
        Style::Terminal => TERMINAL,
        Style::Markdown => presets::ASCII_MARKDOWN,
    });
    t.set_content_arrangement(ContentArrangement::Disabled);
    t
}

fn align_right(t: &mut Grid, columns: &[usize]) {
    for &i in columns {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
}
