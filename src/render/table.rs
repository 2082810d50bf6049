//! The default terminal view: per scenario, an aligned ledger and a summary in words.

use super::layout::{Columns, Sheet};
use super::{
    common_from, compare_terms_line, percent, percent2, summary_sentences, terms_line, CompareView,
    Render, RunView, Shown,
};
use crate::error::printable;
use crate::model::{CompareRow, PeriodResult, ScenarioResult, Segment, Terms, Thresholds};
use rust_decimal::Decimal;

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
pub enum Style {
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
    let mut out = run_head(terms, common_from(terms, view.results), shown);
    for r in view.results {
        out.push_str(&run_block(r, terms, shown));
    }
    out
}

/// The first line of `run`'s terminal view: the terms, with the term start every
/// scenario shares (`from`).
pub fn run_head(terms: &Terms, from: Option<crate::model::Date>, shown: &Shown) -> String {
    format!(
        "terms {}: {}\n",
        shown.sources.opening(),
        terms_line(terms, from, shown)
    )
}

/// One scenario of `run`'s terminal view: its name, its ledger and its summary.
pub fn run_block(r: &ScenarioResult, terms: &Terms, shown: &Shown) -> String {
    let mut out = format!("\n{} ({})\n", printable(&r.name), printable(&r.source));
    ledger(r, terms, shown, Style::Terminal).draw(&mut out);
    for s in summary_sentences(r, terms, shown) {
        out.push_str(&format!("  {s}\n"));
    }
    out
}

/// The ledger of one scenario as a table, its amounts at the scale of its largest.
pub(crate) fn ledger(r: &ScenarioResult, terms: &Terms, shown: &Shown, style: Style) -> Sheet {
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
    let h = |name: &str| style.header(&column, name);
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
    let right: Vec<usize> = (1..header.len()).collect();
    let mut t = Sheet::new(style, header, &right);
    let mut segments = r.segments.as_slice();
    let mut buf = String::new();
    // Each cell is written straight into the table's text: a large run shows millions.
    let column = &column;
    let money = |v: Decimal| move |s: &mut String| column.push_cell(s, v);
    let mut shown_rates = Rates::default();
    for p in &r.periods {
        t.push_with(|s| super::csv::push_period(s, &mut buf, p.period));
        t.push_with(money(p.revenue));
        t.push_with(money(p.eligible_revenue));
        t.push(shown_rates.of(p, &mut segments));
        t.push_with(money(p.uncapped_payment));
        t.push_with(money(p.payment));
        t.push_with(money(p.cumulative));
        if terms.cap.is_some() {
            match p.remaining_cap {
                Some(v) => t.push_with(money(v)),
                None => t.push(""),
            }
            t.push(if p.capped { "yes" } else { "" });
        }
        if terms.discount_rate.is_some() {
            match p.present_value {
                Some(v) => t.push_with(money(v)),
                None => t.push(""),
            }
        }
    }
    t
}

/// The rate cells of a ledger, the last one kept: a rate changes at a step, not
/// every period, and writing it as a percent takes a multiplication, a rounding and a
/// formatter.
#[derive(Default)]
struct Rates {
    last: Option<(Vec<Decimal>, String)>,
}

impl Rates {
    /// [`rates`]`(p, segments)`.
    fn of(&mut self, p: &PeriodResult, segments: &mut &[Segment]) -> &str {
        let start = *segments;
        let taken = start
            .iter()
            .take_while(|s| s.start <= p.end)
            .map(|s| s.rate);
        let same = match &self.last {
            Some((last, _)) => !last.is_empty() && last.iter().copied().eq(taken.clone()),
            None => false,
        };
        if same {
            *segments = start.get(taken.count()..).unwrap_or_default();
        } else {
            let text = rates(p, segments);
            self.last = Some((taken.collect(), text));
        }
        self.last.as_ref().map_or("", |(_, text)| text.as_str())
    }
}

/// The rates of period `p`'s in-term days, in order: `20%`, or `20%→15%` when a rate
/// step falls inside it; empty when none of its days is in the term. `segments` are
/// the scenario's, from `p` on; the ones of `p` are taken off the front. The report's
/// ledger shows the same.
pub(crate) fn rates(p: &PeriodResult, segments: &mut &[Segment]) -> String {
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
    let shown = view.shown;
    let mut out = compare_opening(&view.shared, view.from, shown, style);
    let (rows, thresholds) = (view.rows, view.thresholds);
    let pv = rows.iter().any(|r| r.summary.present_value.is_some());
    let amounts = shown.amounts();
    let lines: Vec<CompareLine> = rows.iter().map(CompareLine::of).collect();
    let column = amounts.column(lines.iter().flat_map(CompareLine::amounts));
    let mut t = Sheet::new(style, compare_header(style, &column, pv), &COMPARE_RIGHT);
    for l in &lines {
        l.cells(&column, pv).iter().for_each(|c| t.push(c));
    }
    t.draw(&mut out);
    // The same sentences as `run`'s summaries (docs/spec.md §4.6), named by scenario.
    if !view.coverage.is_empty() {
        out.push('\n');
        for (name, gaps) in view.coverage {
            for g in gaps {
                out.push_str(&coverage_line(name, g, style));
            }
        }
    }
    if let Some(thresholds) = thresholds {
        out.push_str(&thresholds_intro(style, &view.shared));
        let lines: Vec<ThresholdLine> = thresholds.iter().flat_map(ThresholdLine::of).collect();
        let column = amounts.column(lines.iter().map(|l| l.cap));
        let mut t = Sheet::new(style, thresholds_header(style, &column), &THRESHOLDS_RIGHT);
        for l in &lines {
            l.cells(&column).iter().for_each(|c| t.push(c));
        }
        t.draw(&mut out);
    }
    out
}

/// The opening of `compare`'s table: the terms line and a blank line.
pub fn compare_opening(
    shared: &super::SharedTerms,
    from: Option<crate::model::Date>,
    shown: &Shown,
    style: Style,
) -> String {
    let line = compare_terms_line(shared, from, shown);
    // Terms that every variant brings from its own file came from nowhere shared.
    let opening = match shared {
        super::SharedTerms::None => String::new(),
        _ => format!(" {}", shown.sources.opening()),
    };
    if style == Style::Markdown {
        format!("**Terms{opening}:** {line}\n\n")
    } else {
        format!("terms{opening}: {line}\n\n")
    }
}

/// The columns of `compare`'s table aligned right.
pub const COMPARE_RIGHT: [usize; 5] = [2, 3, 4, 7, 8];

/// The header of `compare`'s table; a present-value column when any row has one (`pv`).
pub fn compare_header(style: Style, column: &super::Column, pv: bool) -> Vec<String> {
    let h = |name: &str| style.header(column, name);
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
    header
}

/// One row of `compare`'s table before its amounts are written in their column (whose
/// scale depends on every row): what a long table keeps of a row until it is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareLine {
    pub scenario: String,
    pub variant: String,
    pub cap: Option<Decimal>,
    pub total_paid: Decimal,
    pub foregone: Decimal,
    /// The binding date, or `not reached`.
    pub binds: String,
    pub period: String,
    pub effective_rate: String,
    pub present_value: Option<Decimal>,
}

impl CompareLine {
    pub fn of(r: &CompareRow) -> CompareLine {
        let s = &r.summary;
        CompareLine {
            scenario: r.scenario.to_string(),
            variant: r.variant.to_string(),
            cap: r.cap,
            total_paid: s.total_paid,
            foregone: s.foregone,
            binds: s
                .binding_date
                .map_or_else(|| "not reached".into(), |d| d.to_string()),
            period: s.binding_period.map(|p| p.to_string()).unwrap_or_default(),
            effective_rate: s.effective_rate.map(percent2).unwrap_or_default(),
            present_value: s.present_value,
        }
    }

    /// The amounts of the row's column.
    pub fn amounts(&self) -> impl Iterator<Item = Decimal> {
        [self.total_paid, self.foregone]
            .into_iter()
            .chain(self.cap)
            .chain(self.present_value)
    }

    /// The row's cells, its amounts in `column`.
    pub fn cells(&self, column: &super::Column, pv: bool) -> Vec<String> {
        let money = |v| column.cell(v);
        let mut row = vec![
            printable(&self.scenario).into_owned(),
            printable(&self.variant).into_owned(),
            self.cap.map_or_else(|| "none".into(), money),
            money(self.total_paid),
            money(self.foregone),
            self.binds.clone(),
            self.period.clone(),
            self.effective_rate.clone(),
        ];
        if pv {
            row.push(self.present_value.map(money).unwrap_or_default());
        }
        row
    }
}

/// A sentence under `compare`'s table: a part of the term a scenario's data does not
/// cover.
pub fn coverage_line(name: &str, gap: &crate::model::Gap, style: Style) -> String {
    let name = printable(name);
    if style == Style::Markdown {
        format!("- {name}: {gap}\n")
    } else {
        format!("  {name}: {gap}\n")
    }
}

/// What comes before the thresholds' table; in a rate × cap grid, whose variants
/// each have their own rate, it says the thresholds are at the terms' rate.
pub fn thresholds_intro(style: Style, shared: &super::SharedTerms) -> String {
    let at = match shared {
        super::SharedTerms::Grid(t) => {
            format!(" at the terms' rate ({})", super::rate_with_steps(t))
        }
        _ => String::new(),
    };
    if style == Style::Markdown {
        format!("\n**Thresholds{at}:** the cap binds by each date if it is at most\n\n")
    } else {
        format!("\nthresholds{at}: the cap binds by each date if it is at most\n")
    }
}

/// The columns of the thresholds' table aligned right.
pub const THRESHOLDS_RIGHT: [usize; 1] = [2];

/// The header of the thresholds' table.
pub fn thresholds_header(style: Style, column: &super::Column) -> Vec<String> {
    vec![
        "scenario".to_string(),
        "binds by".to_string(),
        style.header(column, "if the cap is at most"),
    ]
}

/// One row of the thresholds' table before its amount is written in its column.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdLine {
    pub scenario: String,
    /// The date, or `None` for the last row (`never` binds above the amount).
    pub by: Option<String>,
    pub cap: Decimal,
}

impl ThresholdLine {
    /// The rows of one scenario's thresholds.
    pub fn of(th: &Thresholds) -> Vec<ThresholdLine> {
        th.by
            .iter()
            .map(|b| ThresholdLine {
                scenario: th.scenario.clone(),
                by: Some(b.date.to_string()),
                cap: b.cap,
            })
            .chain([ThresholdLine {
                scenario: th.scenario.clone(),
                by: None,
                cap: th.never_binds_above,
            }])
            .collect()
    }

    pub fn cells(&self, column: &super::Column) -> Vec<String> {
        let scenario = printable(&self.scenario).into_owned();
        match &self.by {
            Some(date) => vec![scenario, date.clone(), column.cell(self.cap)],
            None => vec![
                scenario,
                "never".into(),
                format!("above {}", column.cell(self.cap)),
            ],
        }
    }
}

/// A table too long to hold, laid out from its rows a chunk at a time, the same as
/// the whole table at once: every chunk first widens the columns
/// ([`Layout::widen`]), then each is drawn in order with those widths
/// ([`Layout::draw`]). Pinned by the unit test `chunks_draw_the_whole_table`.
pub struct Layout {
    header: Vec<String>,
    columns: Columns,
}

impl Layout {
    pub fn new(style: Style, header: Vec<String>, right: &[usize]) -> Layout {
        let mut columns = Columns::new(style, header.len(), right);
        for (i, h) in header.iter().enumerate() {
            columns.widen(i, h);
        }
        Layout { header, columns }
    }

    /// Makes the columns wide enough for `rows`.
    pub fn widen(&mut self, rows: Vec<Vec<String>>) {
        for row in &rows {
            for (i, cell) in row.iter().enumerate() {
                self.columns.widen(i, cell);
            }
        }
    }

    /// The lines of `rows` (each ended by a line end), with the header and the top
    /// rule before them if they are the `first` chunk, the bottom rule after them if
    /// the `last`.
    pub fn draw(&self, rows: Vec<Vec<String>>, first: bool, last: bool) -> String {
        let mut out = String::new();
        if first {
            self.columns.head(&mut out, &self.header);
        }
        for row in &rows {
            self.columns.row(&mut out, row);
        }
        if last {
            self.columns.foot(&mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table drawn in chunks, widened by every chunk first, is the table drawn
    /// whole: in both styles, with a two-line header, and with the widest cell of a
    /// column in a late chunk.
    #[test]
    fn chunks_draw_the_whole_table() {
        let header = vec![
            "scenario".to_string(),
            "paid\n$B".to_string(),
            "binds".to_string(),
        ];
        let rows: Vec<Vec<String>> = (0..23)
            .map(|i| {
                vec![
                    format!("s{i}"),
                    format!("{}.00", i * i * 1000),
                    if i == 19 {
                        "not reached".into()
                    } else {
                        "2027".into()
                    },
                ]
            })
            .collect();
        for style in [Style::Terminal, Style::Markdown] {
            let drawn_whole = |rows: &[Vec<String>]| {
                let mut sheet = Sheet::new(style, header.clone(), &[1]);
                rows.iter().flatten().for_each(|c| sheet.push(c));
                let mut out = String::new();
                sheet.draw(&mut out);
                out
            };
            let whole = drawn_whole(&rows);
            for size in [1, 5, 22, 23, 40] {
                let chunks: Vec<Vec<Vec<String>>> = rows.chunks(size).map(<[_]>::to_vec).collect();
                let mut layout = Layout::new(style, header.clone(), &[1]);
                for c in &chunks {
                    layout.widen(c.clone());
                }
                let mut drawn = String::new();
                for (i, c) in chunks.iter().enumerate() {
                    drawn.push_str(&layout.draw(c.clone(), i == 0, i + 1 == chunks.len()));
                }
                assert_eq!(drawn, whole, "chunks of {size}");
            }
            // No rows at all: the header alone, as drawn whole.
            let layout = Layout::new(style, header.clone(), &[1]);
            assert_eq!(layout.draw(Vec::new(), true, true), drawn_whole(&[]));
        }
    }
}
