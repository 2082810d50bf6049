//! `revcap.xlsx` (`--xlsx`): the results as an Excel workbook, written with
//! rust_xlsxwriter. One sheet per CSV file, with its columns in its order (`Summary`
//! as summary.csv, `Ledger` as ledger.csv, `Compare` as compare.csv), typed cells
//! (numbers, dates, booleans), number formats, frozen headers, autofilters, and a
//! native line chart of each scenario's payments against the cap that stays live in
//! Excel.
//!
//! Excel keeps numbers as binary floats: each amount becomes the float nearest its
//! exact decimal (through its decimal text, so the rounding is the correct one), and
//! the `Terms` sheet says the exact values are in the CSV and JSON files.
//! tests/xlsx.rs reads the workbook back and checks every cell against the CSV files.

use std::path::PathBuf;

use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLine, ChartLineDashType, ChartMarker, ChartMarkerType, ChartSolidFill,
    ChartType, ExcelDateTime, Format, Workbook as Book, Worksheet, XlsxError,
};

use super::csv::SUMMARY_HEADER;
use super::distribution::{DISTRIBUTION_HEADER, PROBABILITY_HEADER};
use super::{percent, Shown};
use crate::analysis::sensitivity::{Measure, Metric, Row};
use crate::analysis::Value;
use crate::error::Error;
use crate::model::{CompareRow, Date, ScenarioResult, Summary, Terms, Thresholds};
use crate::montecarlo::distribution::{Probability, Summary as DistSummary, Value as DistValue};

/// The file's name in the output folder.
pub const FILE: &str = "revcap.xlsx";

/// What the workbook holds; each command fills what it has.
pub struct Workbook<'a> {
    pub terms: &'a Terms,
    /// Where each term came from (the `Terms` sheet's third column).
    pub shown: &'a Shown,
    /// `run`'s results: the `Summary` and `Ledger` sheets and the charts.
    pub results: &'a [ScenarioResult],
    /// `compare`'s rows: the `Compare` sheet.
    pub compare: Option<&'a [CompareRow]>,
    /// With `compare`: whether each variant, in order, has a place on the cap axis of
    /// the `Compare charts` sheet ([`crate::chart::compare::on_cap_axis`]: a cap of its
    /// own on the shared terms, as the PNG charts draw). A grid's other rates and
    /// terms files would be points of other lines.
    pub on_cap_axis: &'a [bool],
    /// `compare --thresholds`: the `Thresholds` sheet.
    pub thresholds: Option<&'a [Thresholds]>,
    /// `sensitivity`'s rows: the `Sensitivity` sheet (sensitivity.csv's columns).
    pub sensitivity: Option<&'a [Row]>,
    /// Distributions over many paths: the `Distributions` sheet (distribution.csv's
    /// columns) and the `Binding probability` sheet (binding_probability.csv's).
    pub distributions: Option<(&'a [DistSummary], &'a [Probability])>,
}

/// A sheet holds at most this many rows (Excel's limit), its header included.
pub const MAX_ROWS: usize = 1_048_576;

/// Charts are drawn for at most this many scenarios, as the PNG charts are.
pub const MAX_CHARTS: usize = crate::chart::MAX_SCENARIOS;

/// The most series one chart may have (Excel's limit).
const MAX_SERIES: usize = 255;

/// The ledger's columns (ledger.csv's).
pub const LEDGER_HEADER: [&str; 13] = [
    "scenario",
    "period",
    "start",
    "end",
    "revenue",
    "eligible_revenue",
    "uncapped_payment",
    "payment",
    "cumulative",
    "remaining_cap",
    "capped",
    "present_value",
    "rate",
];

/// The most UTF-16 units a cell's text may have (Excel's limit); a longer text (a
/// scenario name) is cut to it and the `Terms` sheet says so.
pub const MAX_TEXT: usize = 32_767;

/// `n` with thousands separators: `1,048,575`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `text` cut to its first [`MAX_TEXT`] UTF-16 units (never inside a character), or
/// `None` when it fits.
fn cut_text(text: &str) -> Option<&str> {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        units += c.len_utf16();
        if units > MAX_TEXT {
            return text.get(..i);
        }
    }
    None
}

/// The note on the `Terms` sheet (docs/spec.md §5.8).
pub const FLOAT_NOTE: &str = "Excel keeps numbers as binary floating point: amounts here are the nearest float to the exact values (about 15 significant digits). The exact values are in the CSV and JSON files.";

fn fail(e: XlsxError) -> Error {
    Error::Write {
        path: PathBuf::from(FILE),
        message: e.to_string(),
    }
}

/// The cell formats.
struct Formats {
    header: Format,
    money: Format,
    rate: Format,
    date: Format,
    wrap: Format,
    count: Format,
    days: Format,
    /// Texts cut to [`MAX_TEXT`], for the note on the `Terms` sheet.
    cut: std::cell::Cell<usize>,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold().set_background_color("F0F3F6"),
            money: Format::new().set_num_format("#,##0.00"),
            rate: Format::new().set_num_format("0.00%"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            wrap: Format::new().set_text_wrap(),
            count: Format::new().set_num_format("#,##0"),
            // Days from the base binding date, signed as sensitivity.csv writes them.
            days: Format::new().set_num_format("+0;-0;0"),
            cut: std::cell::Cell::new(0),
        }
    }
}

/// One typed cell.
enum Cell<'a> {
    Text(&'a str),
    Owned(String),
    Money(Decimal),
    Rate(Decimal),
    Date(Date),
    Bool(bool),
    /// A plain number (a revenue factor).
    Number(Decimal),
    /// A count of paths.
    Count(u64),
    /// Days, signed (`+31`, `-212`).
    Days(i64),
    Empty,
}

/// The float nearest `d`: through its decimal text, which Rust's parser rounds
/// correctly (`Decimal::to_f64` may be one unit off in the last place).
pub fn float(d: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_string()
        .parse::<f64>()
        .ok()
        .or_else(|| d.to_f64())
        .unwrap_or(f64::NAN)
}

fn excel_date(d: Date) -> Result<ExcelDateTime, XlsxError> {
    let (y, m, day) = d.ymd();
    // Excel's dates start in 1900; an earlier one is written as text.
    ExcelDateTime::from_ymd(
        u16::try_from(y).unwrap_or(0),
        u8::try_from(m).unwrap_or(0),
        u8::try_from(day).unwrap_or(0),
    )
}

fn write(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    col: u16,
    cell: &Cell,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(s) => text(ws, f, row, col, s)?,
        Cell::Owned(s) => text(ws, f, row, col, s)?,
        Cell::Number(d) => {
            ws.write_number(row, col, float(*d))?;
        }
        Cell::Count(n) => {
            ws.write_number_with_format(row, col, *n as f64, &f.count)?;
        }
        Cell::Days(n) => {
            ws.write_number_with_format(row, col, *n as f64, &f.days)?;
        }
        Cell::Money(d) => {
            ws.write_number_with_format(row, col, float(*d), &f.money)?;
        }
        Cell::Rate(d) => {
            ws.write_number_with_format(row, col, float(*d), &f.rate)?;
        }
        Cell::Date(d) => match excel_date(*d) {
            Ok(x) if d.year() >= 1900 => {
                ws.write_datetime_with_format(row, col, x, &f.date)?;
            }
            _ => {
                ws.write_string(row, col, d.to_string())?;
            }
        },
        Cell::Bool(b) => {
            ws.write_boolean(row, col, *b)?;
        }
        Cell::Empty => {}
    }
    Ok(())
}

/// A text cell, cut to Excel's limit when longer (counted for the note).
fn text(ws: &mut Worksheet, f: &Formats, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
    match cut_text(s) {
        Some(cut) => {
            f.cut.set(f.cut.get() + 1);
            ws.write_string(row, col, cut)?;
        }
        None => {
            ws.write_string(row, col, s)?;
        }
    }
    Ok(())
}

/// Rows whose widths set the columns': widths are set before any row is written, as
/// constant-memory sheets need, so they follow the first rows only.
const WIDTH_SAMPLE: usize = 1000;

/// How many characters `cell` shows.
fn shown_width(cell: &Cell) -> usize {
    match cell {
        Cell::Text(s) => s.chars().count(),
        Cell::Owned(s) => s.chars().count(),
        Cell::Money(d) => super::money(*d).len(),
        Cell::Rate(_) | Cell::Bool(_) => 7,
        Cell::Date(_) => 10,
        Cell::Number(d) => d.normalize().to_string().len(),
        Cell::Count(n) => thousands(*n as usize).len(),
        Cell::Days(n) => n.to_string().len() + 1,
        Cell::Empty => 0,
    }
}

/// A sheet of `header` and `rows`, written in order: frozen header, autofilter,
/// column widths from the widest text of the first rows (8 to 40 characters). At
/// most [`MAX_ROWS`]; returns how many rows were left out.
fn table<'r>(
    ws: &mut Worksheet,
    f: &Formats,
    header: &[&str],
    mut rows: impl Iterator<Item = Vec<Cell<'r>>>,
) -> Result<usize, XlsxError> {
    let first: Vec<Vec<Cell>> = rows.by_ref().take(WIDTH_SAMPLE).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len() + 2).collect();
    for cells in &first {
        for (cell, w) in cells.iter().zip(widths.iter_mut()) {
            *w = (*w).max(shown_width(cell) + 1);
        }
    }
    for (c, w) in (0u16..).zip(&widths) {
        ws.set_column_width(c, (*w).clamp(8, 40) as f64)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (c, h) in (0u16..).zip(header) {
        ws.write_string_with_format(0, c, *h, &f.header)?;
    }
    let mut row = 0u32;
    let mut left_out = 0;
    for cells in first.into_iter().chain(rows) {
        if row as usize + 1 >= MAX_ROWS {
            left_out += 1;
            continue;
        }
        row += 1;
        for (c, cell) in (0u16..).zip(&cells) {
            write(ws, f, row, c, cell)?;
        }
    }
    let last = u16::try_from(header.len().saturating_sub(1)).unwrap_or(0);
    ws.autofilter(0, 0, row, last)?;
    Ok(left_out)
}

fn opt<'a>(v: Option<Decimal>, cell: fn(Decimal) -> Cell<'a>) -> Cell<'a> {
    v.map_or(Cell::Empty, cell)
}

/// A summary's cells after the scenario's name, in summary.csv's order.
fn summary_cells(s: &Summary) -> Vec<Cell<'static>> {
    vec![
        Cell::Money(s.eligible_revenue),
        Cell::Money(s.uncapped_total),
        Cell::Money(s.total_paid),
        Cell::Money(s.foregone),
        Cell::Bool(s.cap_binds),
        s.binding_period
            .map_or(Cell::Empty, |p| Cell::Owned(p.to_string())),
        s.binding_date.map_or(Cell::Empty, Cell::Date),
        opt(s.effective_rate, Cell::Rate),
        opt(s.present_value, Cell::Money),
        Cell::Date(s.covered_from),
        Cell::Date(s.covered_through),
    ]
}

/// The columns of the Compare sheet, which its charts refer to by place.
fn compare_header() -> Vec<&'static str> {
    let mut header = vec!["scenario", "variant", "rate", "cap"];
    header.extend(SUMMARY_HEADER.get(1..).unwrap_or_default());
    header
}

/// The workbook's bytes.
pub fn workbook(w: &Workbook) -> Result<Vec<u8>, Error> {
    build(w).map_err(fail)
}

fn build(w: &Workbook) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut book = Book::new();
    let mut notes: Vec<String> = Vec::new();
    // Terms first, so it opens there; its notes are added once every sheet is known.
    book.add_worksheet().set_name("Terms")?;
    if !w.results.is_empty() {
        let ws = book.add_worksheet().set_name("Summary")?;
        let rows = w.results.iter().map(|r| {
            let mut cells = vec![Cell::Text(r.name.as_str())];
            cells.extend(summary_cells(&r.summary));
            cells
        });
        table(ws, &f, &SUMMARY_HEADER, rows)?;
        let ws = book
            .add_worksheet_with_constant_memory()?
            .set_name("Ledger")?;
        let rows = w.results.iter().flat_map(|r| {
            r.periods.iter().map(|p| {
                vec![
                    Cell::Text(r.name.as_str()),
                    Cell::Owned(p.period.to_string()),
                    Cell::Date(p.start),
                    Cell::Date(p.end),
                    Cell::Money(p.revenue),
                    Cell::Money(p.eligible_revenue),
                    Cell::Money(p.uncapped_payment),
                    Cell::Money(p.payment),
                    Cell::Money(p.cumulative),
                    opt(p.remaining_cap, Cell::Money),
                    Cell::Bool(p.capped),
                    opt(p.present_value, Cell::Money),
                    opt(p.rate, Cell::Rate),
                ]
            })
        });
        let cut = table(ws, &f, &LEDGER_HEADER, rows)?;
        if cut > 0 {
            notes.push(format!(
                "The Ledger sheet holds the first {} rows, Excel's limit; {} more are in ledger.csv.",
                thousands(MAX_ROWS - 1),
                thousands(cut)
            ));
        }
    }
    if let Some(rows) = w.compare {
        let ws = book
            .add_worksheet_with_constant_memory()?
            .set_name("Compare")?;
        let header = compare_header();
        let cells = rows.iter().map(|r| {
            let mut cells = vec![
                Cell::Text(&r.scenario),
                Cell::Text(&r.variant),
                Cell::Rate(r.rate),
                opt(r.cap, Cell::Money),
            ];
            cells.extend(summary_cells(&r.summary));
            cells
        });
        let cut = table(ws, &f, &header, cells)?;
        if cut > 0 {
            notes.push(format!(
                "The Compare sheet holds the first {} rows, Excel's limit; {} more are in compare.csv.",
                thousands(MAX_ROWS - 1),
                thousands(cut)
            ));
        }
    }
    if let Some(th) = w.thresholds {
        let ws = book.add_worksheet().set_name("Thresholds")?;
        let rows = th.iter().flat_map(|t| {
            t.by.iter().map(move |b| {
                vec![
                    Cell::Text(t.scenario.as_str()),
                    Cell::Date(b.date),
                    Cell::Money(b.cap),
                    Cell::Money(t.never_binds_above),
                ]
            })
        });
        table(
            ws,
            &f,
            &["scenario", "by", "cap", "never_binds_above"],
            rows,
        )?;
    }
    if let Some(rows) = w.compare {
        notes.extend(compare_charts(&mut book, rows, w.on_cap_axis)?);
    }
    if let Some(rows) = w.sensitivity {
        let ws = book
            .add_worksheet_with_constant_memory()?
            .set_name("Sensitivity")?;
        let cut = table(
            ws,
            &f,
            &super::sensitivity::HEADER,
            rows.iter().map(sensitivity_cells),
        )?;
        if cut > 0 {
            notes.push(format!(
                "The Sensitivity sheet holds the first {} rows, Excel's limit; {} more are in sensitivity.csv.",
                thousands(MAX_ROWS - 1),
                thousands(cut)
            ));
        }
    }
    if let Some((rows, probabilities)) = w.distributions {
        let ws = book.add_worksheet().set_name("Distributions")?;
        let cells = rows.iter().map(|s| {
            let mut cells = vec![
                Cell::Text(s.group.as_str()),
                Cell::Text(s.variant.as_str()),
                Cell::Text(s.metric.name()),
                Cell::Count(s.paths),
                opt(s.mean, Cell::Money),
                dist_cell(s.min),
            ];
            cells.extend(s.percentiles.iter().map(|v| dist_cell(*v)));
            cells.push(dist_cell(s.max));
            cells
        });
        table(ws, &f, &DISTRIBUTION_HEADER, cells)?;
        let ws = book
            .add_worksheet_with_constant_memory()?
            .set_name("Binding probability")?;
        let cells = probabilities.iter().map(|p| {
            vec![
                Cell::Text(p.group.as_str()),
                Cell::Text(p.variant.as_str()),
                Cell::Date(p.by),
                Cell::Count(p.paths),
                Cell::Count(p.bound),
                Cell::Rate(p.probability),
            ]
        });
        let cut = table(ws, &f, &PROBABILITY_HEADER, cells)?;
        if cut > 0 {
            notes.push(format!(
                "The Binding probability sheet holds the first {} rows, Excel's limit; {} more are in binding_probability.csv.",
                thousands(MAX_ROWS - 1),
                thousands(cut)
            ));
        }
    }
    if !w.results.is_empty() {
        if w.results.len() <= MAX_CHARTS {
            charts(&mut book, &f, w)?;
        } else {
            notes.push(format!(
                "No chart: {} scenarios (charts are drawn for at most {MAX_CHARTS}).",
                w.results.len()
            ));
        }
    }
    if f.cut.get() > 0 {
        notes.push(format!(
            "{} cells are cut to their first {} characters, Excel's limit (a scenario name longer than that); the CSV and JSON files have them whole.",
            thousands(f.cut.get()),
            thousands(MAX_TEXT)
        ));
    }
    terms_sheet(book.worksheet_from_name("Terms")?, &f, w, &notes)?;
    book.save_to_buffer()
}

/// The `Compare charts` sheet: total paid and the binding date against the cap, a
/// line per scenario through its variants on the cap axis (`on_axis`, per variant),
/// in the sheet's order and broken where a variant off the axis lies between or the
/// cap falls, drawn from the `Compare` sheet (so they follow any edit made there).
/// Only when two or more variants are on the axis, for at most [`MAX_CHARTS`]
/// scenarios. Returns notes for the `Terms` sheet: the variants left off the charts,
/// or why there are none (too many scenarios, or too many lines); nothing when a chart
/// makes no sense (fewer than two variants on the axis). Pinned by `tests/xlsx.rs`
/// `compare_charts_draw_the_variants_on_the_cap_axis`.
fn compare_charts(
    book: &mut Book,
    rows: &[CompareRow],
    on_axis: &[bool],
) -> Result<Vec<String>, XlsxError> {
    // A scenario's rows are consecutive, in variant order (docs/spec.md §5.3).
    let mut blocks: Vec<(&str, u32, u32)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let Ok(at) = u32::try_from(i + 1) else {
            return Ok(Vec::new());
        };
        match blocks.last_mut() {
            Some((name, _, last)) if *name == &*r.scenario => *last = at,
            _ => blocks.push((&*r.scenario, at, at)),
        }
    }
    let variants = on_axis.len();
    let whole = |&(_, first, last): &(&str, u32, u32)| {
        usize::try_from(last - first + 1).is_ok_and(|n| n == variants)
    };
    if on_axis.iter().filter(|&&on| on).count() < 2
        || rows.len() >= MAX_ROWS
        || !blocks.iter().all(whole)
    {
        return Ok(Vec::new());
    }
    if blocks.len() > MAX_CHARTS {
        return Ok(vec![format!(
            "No chart on the Compare sheet's figures: {} scenarios (charts are drawn for at most {MAX_CHARTS}).",
            thousands(blocks.len())
        )]);
    }
    // The runs of consecutive variants on the axis with rising caps, as offsets in a
    // scenario's rows: a grid's row at the shared rate is one run; a `--cap none`
    // between caps, or a cap below the one before (Excel joins a scatter's points in
    // the sheet's order), starts another. Each run is a series (a range of the sheet
    // is one run of rows), all of a scenario's in its colour and marker, the first
    // alone in the legend.
    let caps: Vec<Option<Decimal>> = rows.iter().take(variants).map(|r| r.cap).collect();
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for (i, &on) in on_axis.iter().enumerate() {
        let Ok(at) = u32::try_from(i) else {
            return Ok(Vec::new());
        };
        let rising = i.checked_sub(1).is_some_and(|j| caps.get(j) < caps.get(i));
        match runs.last_mut() {
            Some((_, last)) if on && rising && *last + 1 == at => *last = at,
            _ if on => runs.push((at, at)),
            _ => {}
        }
    }
    let lines = blocks.len().saturating_mul(runs.len());
    if lines > MAX_SERIES {
        return Ok(vec![format!(
            "No chart on the Compare sheet's figures: its caps, in the order given, make {} lines, more than a chart holds ({MAX_SERIES}); give the caps in rising order.",
            thousands(lines)
        )]);
    }
    // The sheet's own columns, so that the charts follow them
    // (`compare_charts_read_the_cap_and_the_measure`).
    let header = compare_header();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .and_then(|i| u16::try_from(i).ok())
    };
    let (Some(cap), Some(paid), Some(date)) =
        (column("cap"), column("total_paid"), column("binding_date"))
    else {
        return Ok(Vec::new());
    };
    let chart_of = |title: &str, col: u16, y_name: &str, y_format: &str| {
        let mut chart = Chart::new(ChartType::ScatterStraightWithMarkers);
        chart.title().set_name(title);
        let mut unnamed = Vec::new();
        for (i, (name, first, _)) in blocks.iter().enumerate() {
            let c = crate::chart::style::scenario_color(i);
            let colour = format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2);
            // Set, not left to Excel, which would give each series of a split line
            // its own.
            let marker = ChartMarker::new()
                .set_type(ChartMarkerType::Circle)
                .set_size(6)
                .set_format(
                    ChartFormat::new()
                        .set_solid_fill(ChartSolidFill::new().set_color(colour.as_str()))
                        .set_border(ChartLine::new().set_color(colour.as_str())),
                )
                .clone();
            for (k, &(lo, hi)) in runs.iter().enumerate() {
                if k > 0 {
                    unnamed.push(i * runs.len() + k);
                }
                let (top, bottom) = (first + lo, first + hi);
                chart
                    .add_series()
                    .set_name(&short_name(name))
                    .set_categories(("Compare", top, cap, bottom, cap))
                    .set_values(("Compare", top, col, bottom, col))
                    .set_format(ChartLine::new().set_color(colour.as_str()))
                    .set_marker(&marker);
            }
        }
        chart.legend().delete_entries(&unnamed);
        chart.x_axis().set_name("cap").set_num_format("#,##0");
        chart.y_axis().set_name(y_name).set_num_format(y_format);
        chart.set_width(720).set_height(400);
        chart
    };
    let sheet = book.add_worksheet().set_name("Compare charts")?;
    let paid_chart = chart_of("Total paid by cap", paid, "total paid", "#,##0");
    let date_chart = chart_of(
        "When the cap binds, by cap (no point: it does not bind)",
        date,
        "binding date",
        "yyyy-mm",
    );
    sheet.insert_chart(0, 0, &paid_chart)?;
    sheet.insert_chart(21, 0, &date_chart)?;
    let off: Vec<String> = rows
        .iter()
        .zip(on_axis)
        .filter(|(_, &on)| !on)
        .map(|(r, _)| r.variant.to_string())
        .collect();
    Ok(if off.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "The Compare charts draw the caps on the shared terms. Not on the cap axis: {}.",
            crate::chart::style::list(&off)
        )]
    })
}

/// A value of a distribution: an amount, a date, or empty (absent).
fn dist_cell(v: Option<DistValue>) -> Cell<'static> {
    match v {
        Some(DistValue::Amount(a)) => Cell::Money(a),
        Some(DistValue::Date(d)) => Cell::Date(d),
        None => Cell::Empty,
    }
}

/// An input's value: a rate, an amount, a revenue factor or a date.
fn value_cell(v: &Value) -> Cell<'static> {
    match v {
        Value::Rate(r) => Cell::Rate(*r),
        Value::Amount(a) => Cell::Money(*a),
        Value::Scale(x) => Cell::Number(*x),
        Value::Date(d) => Cell::Date(*d),
    }
}

/// A metric's value: a date, `does not bind`, an amount, or empty.
fn measure_cell(m: Measure) -> Cell<'static> {
    match m {
        Measure::Date(Some(d)) => Cell::Date(d),
        Measure::Date(None) => Cell::Text("does not bind"),
        Measure::Amount(Some(a)) => Cell::Money(a),
        Measure::Amount(None) => Cell::Empty,
    }
}

/// A row of sensitivity.csv as cells: binding dates at either end as days from the
/// base binding date when it binds ([`Row::value_cell`]), swings in days or money.
fn sensitivity_cells(r: &Row) -> Vec<Cell<'_>> {
    let at = |m: Measure| match r.days_from_base(m) {
        Some(n) => Cell::Days(n),
        None => measure_cell(m),
    };
    let swing = match (r.swing(), r.metric) {
        (None, _) => Cell::Empty,
        (Some(s), Metric::BindingDate) => Cell::Number(s),
        (Some(s), _) => Cell::Money(s),
    };
    vec![
        Cell::Text(&r.scenario),
        Cell::Text(r.metric.name()),
        Cell::Text(r.input.name()),
        value_cell(&r.low),
        value_cell(&r.high),
        measure_cell(r.base),
        at(r.at_low),
        at(r.at_high),
        swing,
    ]
}

fn terms_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    w: &Workbook,
    notes: &[String],
) -> Result<(), XlsxError> {
    let t = w.terms;
    let src = &w.shown.sources;
    let mut rows: Vec<Vec<Cell>> = vec![vec![
        Cell::Text("rate"),
        Cell::Rate(t.rate),
        Cell::Text(src.of("rate")),
    ]];
    for s in &t.rate_steps {
        rows.push(vec![
            Cell::Text("rate_step"),
            Cell::Owned(format!("{} from {}", percent(s.rate), s.from)),
            Cell::Text(src.of("rate_step")),
        ]);
    }
    let cap = match (w.compare.is_some(), t.cap) {
        (true, _) => Cell::Text("per variant (Compare sheet)"),
        (false, Some(c)) => Cell::Money(c),
        (false, None) => Cell::Text("none"),
    };
    rows.push(vec![Cell::Text("cap"), cap, Cell::Text(src.of("cap"))]);
    rows.push(vec![
        Cell::Text("already_paid"),
        Cell::Money(t.already_paid),
        Cell::Text(src.of("already_paid")),
    ]);
    rows.push(vec![
        Cell::Text("from"),
        t.from
            .map_or(Cell::Text("each scenario's first period"), Cell::Date),
        Cell::Text(src.of("from")),
    ]);
    rows.push(vec![
        Cell::Text("through"),
        Cell::Date(t.through),
        Cell::Text(src.of("through")),
    ]);
    rows.push(vec![
        Cell::Text("discount_rate"),
        opt(t.discount_rate, Cell::Rate),
        Cell::Text(src.of("discount_rate")),
    ]);
    // Every amount of the workbook is a plain number in the inputs' unit: which one is
    // said here, as the JSON's `unit` and the table's headers say it (a cap of 38000
    // in $M is $38B).
    let unit = match &w.shown.unit {
        Some(u) => Cell::Owned(format!("{u} (every amount on every sheet)")),
        None => Cell::Text("as written in the inputs (no unit given)"),
    };
    rows.push(vec![Cell::Text("unit"), unit, Cell::Text("")]);
    table(ws, f, &["term", "value", "source"], rows.into_iter())?;
    ws.set_column_width(1, 28)?;
    let last = u32::try_from(t.rate_steps.len()).unwrap_or(0) + 8;
    let mut row = last + 1;
    for note in std::iter::once(FLOAT_NOTE).chain(notes.iter().map(String::as_str)) {
        ws.merge_range(row, 0, row, 2, note, &f.wrap)?;
        ws.set_row_height(row, 48)?;
        row += 1;
    }
    let version = format!("revcap {}", env!("CARGO_PKG_VERSION"));
    ws.write_string(row, 0, version)?;
    Ok(())
}

/// The `Charts` sheet: for each scenario a line chart of what is paid toward the cap
/// (already paid plus the term's cumulative payments) at each period's end, with the
/// cap as a dashed line. Its figures are on the `Chart data` sheet, so the charts
/// follow any edit made there.
fn charts(book: &mut Book, f: &Formats, w: &Workbook) -> Result<(), XlsxError> {
    let t = w.terms;
    let data = book.add_worksheet().set_name("Chart data")?;
    let header = ["scenario", "end", "paid_toward_cap", "cap"];
    let mut blocks = Vec::new();
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for r in w.results {
        let first = u32::try_from(rows.len()).unwrap_or(0) + 1;
        for p in &r.periods {
            let toward = t
                .already_paid
                .checked_add(p.cumulative)
                .unwrap_or(p.cumulative);
            rows.push(vec![
                Cell::Text(r.name.as_str()),
                Cell::Date(p.end),
                Cell::Money(toward),
                opt(t.cap, Cell::Money),
            ]);
        }
        let last = u32::try_from(rows.len()).unwrap_or(0);
        if last >= first {
            blocks.push((r.name.as_str(), first, last));
        }
    }
    table(data, f, &header, rows.into_iter())?;
    let sheet = book.add_worksheet().set_name("Charts")?;
    for (i, (name, first, last)) in (0u32..).zip(blocks) {
        let mut chart = Chart::new(ChartType::Line);
        chart
            .title()
            .set_name(&format!("{}: paid toward the cap", short_name(name)));
        chart
            .add_series()
            .set_name("paid toward the cap")
            .set_categories(("Chart data", first, 1, last, 1))
            .set_values(("Chart data", first, 2, last, 2));
        if t.cap.is_some() {
            chart
                .add_series()
                .set_name("cap")
                .set_categories(("Chart data", first, 1, last, 1))
                .set_values(("Chart data", first, 3, last, 3))
                .set_format(
                    ChartLine::new()
                        .set_dash_type(ChartLineDashType::Dash)
                        .set_color("#282828"),
                );
        }
        // A date axis spaces the period ends by time, whatever their lengths.
        chart
            .x_axis()
            .set_date_axis(true)
            .set_name("period end")
            .set_num_format("yyyy-mm");
        chart.y_axis().set_name("paid").set_num_format("#,##0");
        chart.set_width(720).set_height(400);
        sheet.insert_chart(i * 21, 0, &chart)?;
    }
    Ok(())
}

/// A scenario's name for a chart's title: at most 100 characters, then `…`.
fn short_name(name: &str) -> String {
    match name.char_indices().nth(100) {
        Some((i, _)) => format!("{}…", name.get(..i).unwrap_or(name)),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_048_575), "1,048,575");
    }

    #[test]
    fn texts_are_cut_at_excels_limit_between_characters() {
        let fits = "a".repeat(MAX_TEXT);
        assert_eq!(cut_text(&fits), None);
        // A two-unit character that would straddle the limit is left out whole.
        let over = format!("{}😀", "a".repeat(MAX_TEXT - 1));
        assert_eq!(cut_text(&over), Some("a".repeat(MAX_TEXT - 1).as_str()));
    }
}
