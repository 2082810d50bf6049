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
    common_from, compare_terms_line, percent, percent2, summary_sentences, terms_line, CompareView,
    Render, RunView, Shown,
};
use crate::error::printable;
use crate::model::{PeriodResult, ScenarioResult, Segment, Terms};

/// `--format table`, the default.
pub struct Table;

impl Render for Table {
    fn run(&self, view: &RunView) -> Result<Vec<String>, String> {
        Ok(vec![render(view)])
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

impl Style {
    /// A header with its unit: under the name in the terminal (so the columns stay
    /// narrow), in brackets after it in Markdown.
    fn header(self, column: &super::Column, name: &str) -> String {
        column.header(name, self == Style::Terminal)
    }
}

/// `run`'s terminal view.
pub fn render(view: &RunView) -> String {
    let (terms, shown) = (view.terms, view.shown);
    let mut out = format!(
        "terms {}: {}\n",
        shown.sources.opening(),
        terms_line(terms, common_from(terms, view.results), shown)
    );
    for r in view.results {
        out.push_str(&format!(
            "\n{} ({})\n",
            printable(&r.name),
            printable(&r.source)
        ));
        out.push_str(&ledger(r, terms, shown, Style::Terminal).to_string());
        out.push('\n');
        for s in summary_sentences(r, terms, shown) {
            out.push_str(&format!("  {s}\n"));
        }
    }
    out
}

/// The ledger of one scenario as a table, its amounts at the scale of its largest.
pub(crate) fn ledger(r: &ScenarioResult, terms: &Terms, shown: &Shown, style: Style) -> Grid {
    let amounts = shown.amounts();
    let column = amounts.column(r.periods.iter().flat_map(|p| {
        [
            p.revenue,
            p.eligible_revenue,
            p.uncapped_payment,
            p.payment,
            p.cumulative,
        ]
        .into_iter()
        .chain(p.remaining_cap)
        .chain(p.present_value)
    }));
    let money = |v| column.cell(v);
    let h = |name: &str| style.header(&column, name);
    let mut t = new_table(style);
    let mut header = vec![
        "period".to_string(),
        h("revenue"),
        h("eligible"),
        "rate".to_string(),
        h("uncapped"),
        h("paid"),
        h("cumulative"),
    ];
    if terms.cap.is_some() {
        header.extend([h("cap left"), "capped".to_string()]);
    }
    if terms.discount_rate.is_some() {
        header.push(h("present value"));
    }
    t.set_header(header.clone());
    let mut segments = r.segments.as_slice();
    for p in &r.periods {
        let mut row = vec![
            p.period.to_string(),
            money(p.revenue),
            money(p.eligible_revenue),
            rates(p, &mut segments),
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

/// The rates of period `p`'s in-term days, in order: `20%`, or `20%→15%` when a rate
/// step falls inside it; empty when none of its days is in the term. `segments` are
/// the scenario's, from `p` on; the ones of `p` are taken off the front.
fn rates(p: &PeriodResult, segments: &mut &[Segment]) -> String {
    let mut shown: Vec<String> = Vec::new();
    while let Some((s, rest)) = segments.split_first() {
        if s.start > p.end {
            break;
        }
        let rate = percent(s.rate);
        if shown.last() != Some(&rate) {
            shown.push(rate);
        }
        *segments = rest;
    }
    if shown.is_empty() {
        // A result without segments (built by hand) still shows its rate.
        return p.rate.map(percent).unwrap_or_default();
    }
    shown.join("→")
}

/// `compare`'s table: one row per (scenario, variant), then the sentences of the
/// scenarios whose data leaves part of the term uncovered, then the thresholds if
/// given.
pub(crate) fn compare_view(view: &CompareView, style: Style) -> String {
    let md = style == Style::Markdown;
    let shown = view.shown;
    let line = compare_terms_line(&view.shared, view.from, shown);
    let (rows, thresholds) = (view.rows, view.thresholds);
    // Terms that every variant brings from its own file came from nowhere shared.
    let opening = match view.shared {
        super::SharedTerms::None => String::new(),
        _ => format!(" {}", shown.sources.opening()),
    };
    let mut out = if md {
        format!("**Terms{opening}:** {line}")
    } else {
        format!("terms{opening}: {line}")
    };
    out.push_str("\n\n");
    let pv = rows.iter().any(|r| r.summary.present_value.is_some());
    let amounts = shown.amounts();
    let column = amounts.column(rows.iter().flat_map(|r| {
        let s = &r.summary;
        [s.total_paid, s.foregone]
            .into_iter()
            .chain(r.cap)
            .chain(s.present_value)
    }));
    let money = |v| column.cell(v);
    let h = |name: &str| style.header(&column, name);
    let mut t = new_table(style);
    let mut header = vec![
        "scenario".to_string(),
        "variant".to_string(),
        h("cap"),
        h("total paid"),
        h("foregone"),
        "cap binds".to_string(),
        "period".to_string(),
        "effective rate".to_string(),
    ];
    if pv {
        header.push(h("present value"));
    }
    t.set_header(header.clone());
    for r in rows {
        let s = &r.summary;
        let mut row = vec![
            printable(&r.scenario).into_owned(),
            printable(&r.variant).into_owned(),
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
    // The same sentences as `run`'s summaries (docs/spec.md §4.6), named by scenario.
    if !view.coverage.is_empty() {
        out.push('\n');
        for (name, gaps) in view.coverage {
            for g in gaps {
                let name = printable(name);
                if md {
                    out.push_str(&format!("- {name}: {g}\n"));
                } else {
                    out.push_str(&format!("  {name}: {g}\n"));
                }
            }
        }
    }
    if let Some(thresholds) = thresholds {
        out.push_str(if md {
            "\n**Thresholds:** the cap binds by each date if it is at most\n\n"
        } else {
            "\nthresholds: the cap binds by each date if it is at most\n"
        });
        let column = amounts.column(
            thresholds
                .iter()
                .flat_map(|th| th.by.iter().map(|b| b.cap).chain([th.never_binds_above])),
        );
        let mut t = new_table(style);
        t.set_header(vec![
            "scenario".to_string(),
            "binds by".to_string(),
            style.header(&column, "if the cap is at most"),
        ]);
        for th in thresholds {
            for b in &th.by {
                t.add_row(vec![
                    printable(&th.scenario).into_owned(),
                    b.date.to_string(),
                    column.cell(b.cap),
                ]);
            }
            t.add_row(vec![
                printable(&th.scenario).into_owned(),
                "never".into(),
                format!("above {}", column.cell(th.never_binds_above)),
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
