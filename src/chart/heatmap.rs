//! `<scenario>-heatmap`: one scenario under a rate × cap grid (`compare --rates`),
//! rates as rows (lowest on top), caps as columns, each cell coloured by the metric
//! `--metric` chooses (the binding date by default; total paid, foregone or present
//! value) and labelled with its value where the label fits.
//!
//! Colours: viridis (sequential, colour-blind safe, readable in grey), dark for the
//! earliest date or smallest amount to light for the latest or largest, over the cells
//! where the cap binds. A cell where the cap does not bind is pale grey with grey
//! hatching, not a colour of the scale (its amount, when the metric is one, is still
//! written in it). With distributions (`compare --paths`), `<group>-distribution-heatmap`
//! draws a group's paths the same way: each cell the median binding date of the paths
//! at that rate and cap (hatched, "not reached", when the median path does not bind),
//! or with `--metric probability:YEAR` the share of paths bound by YEAR-12-31 on a
//! fixed 0–100% scale. Cells narrower than `MIN_CELL` are not drawn: the first rows and
//! columns that fit are, and the footer says how many were left out.

use plotters::prelude::*;

use super::grid::{hatch, viridis, NOT_REACHED};
use super::layout::Rect;
use super::render::{Described, Description, Plotted, Room};
use super::style::{clip, f, is_dark, line_height, Canvas, Money, INK, MUTED};
use super::Chart;
use crate::cli::GridMetric;
use crate::config::{percent, Variant};
use crate::model::{CompareRow, Date};
use crate::montecarlo::{DistributionSummary, Probability};

/// The narrowest (and lowest) a cell may be, in design pixels.
const MIN_CELL: f64 = 5.0;

/// One heatmap: a scenario under one base of terms (the shared terms, or a terms
/// file), its rates and caps in the order given.
pub struct Heatmap<'a> {
    pub scenario: &'a str,
    /// The terms file's stem, when the grid has terms files.
    pub base: Option<String>,
    pub rates: Vec<rust_decimal::Decimal>,
    /// The caps, as the columns' labels and values (`None`: no cap).
    pub caps: Vec<Option<rust_decimal::Decimal>>,
    /// Row `r`, column `c` at `r × caps + c`.
    pub cells: Vec<Option<Cell>>,
    pub shows: Shows,
    pub money: Money,
    /// The term's end and the sources, for the footnote.
    pub note: String,
}

/// What a heatmap's cells are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shows {
    /// A metric of each cell's compare row.
    Grid(GridMetric),
    /// The median (p50) binding date of a group's paths, over so many paths.
    Median(u64),
    /// The share of a group's paths bound by this year-end.
    Probability(Date),
}

/// One cell: whether it is on the colour scale, its value there, its label.
#[derive(Debug, Clone)]
pub struct Cell {
    /// The cap binds (the median path binds; always for a probability).
    pub binds: bool,
    pub value: Option<f64>,
    pub label: String,
}

/// A base of terms (the shared terms, or a terms file) and its variants' indices,
/// rates and caps in the order given.
struct Base {
    name: Option<String>,
    list: Vec<usize>,
    rates: Vec<rust_decimal::Decimal>,
    caps: Vec<Option<rust_decimal::Decimal>>,
}

/// The bases of a grid's variants (named `RATE · CAP`, or `FILE · RATE · CAP`).
fn bases(variants: &[Variant]) -> Vec<Base> {
    let mut bases: Vec<Base> = Vec::new();
    for (i, v) in variants.iter().enumerate() {
        let name = v
            .from_file
            .then(|| v.name.split(" · ").next().unwrap_or_default().to_string());
        let k = match bases.iter().position(|b| b.name == name) {
            Some(k) => k,
            None => {
                bases.push(Base {
                    name,
                    list: Vec::new(),
                    rates: Vec::new(),
                    caps: Vec::new(),
                });
                bases.len() - 1
            }
        };
        if let Some(b) = bases.get_mut(k) {
            b.list.push(i);
            if !b.rates.contains(&v.terms.rate) {
                b.rates.push(v.terms.rate);
            }
            if !b.caps.contains(&v.terms.cap) {
                b.caps.push(v.terms.cap);
            }
        }
    }
    bases
}

impl Base {
    /// The cells of this base, each variant's from `cell` (by the variant's index).
    fn cells(
        &self,
        variants: &[Variant],
        mut cell: impl FnMut(usize) -> Option<Cell>,
    ) -> Vec<Option<Cell>> {
        let mut cells = vec![None; self.rates.len() * self.caps.len()];
        for &i in &self.list {
            let Some(v) = variants.get(i) else { continue };
            let r = self.rates.iter().position(|x| *x == v.terms.rate);
            let c = self.caps.iter().position(|x| *x == v.terms.cap);
            if let (Some(r), Some(c)) = (r, c) {
                if let Some(slot) = cells.get_mut(r * self.caps.len() + c) {
                    *slot = cell(i);
                }
            }
        }
        cells
    }
}

/// The heatmaps of a grid: for each scenario, one per base of terms (variants named
/// `RATE · CAP`, or `FILE · RATE · CAP`), in the variants' order. `rows` are scenario
/// by scenario, variants in order (as `compare` lists them); `notes` each scenario's
/// first footnote (its source and term).
pub fn heatmaps<'a>(
    scenarios: &[&'a str],
    variants: &[Variant],
    rows: &'a [CompareRow],
    metric: GridMetric,
    money: &Money,
    notes: &[String],
) -> Vec<Heatmap<'a>> {
    let bases = bases(variants);
    let nv = variants.len();
    let mut out = Vec::new();
    for (s, &scenario) in scenarios.iter().enumerate() {
        for base in &bases {
            let cells = base.cells(variants, |i| {
                rows.get(s * nv + i).map(|row| Cell {
                    binds: row.summary.cap_binds,
                    value: value(metric, row),
                    label: label(metric, row, money),
                })
            });
            out.push(Heatmap {
                scenario,
                base: base.name.clone(),
                rates: base.rates.clone(),
                caps: base.caps.clone(),
                cells,
                shows: Shows::Grid(metric),
                money: money.clone(),
                note: notes.get(s).cloned().unwrap_or_default(),
            });
        }
    }
    out
}

/// The heatmaps of a grid's distributions: one per group and base, each cell the
/// median binding date of the group's paths under that variant (`at` `None`), or the
/// share bound by `at` — the rows of `distribution.csv` and `binding_probability.csv`.
pub fn distribution_heatmaps<'a>(
    groups: &[&'a str],
    variants: &[Variant],
    rows: &[DistributionSummary],
    probabilities: &[Probability],
    at: Option<Date>,
    money: &Money,
    note: &str,
) -> Vec<Heatmap<'a>> {
    use crate::montecarlo::distribution::{Metric, Value};
    let bases = bases(variants);
    let mut out = Vec::new();
    for &group in groups {
        for base in &bases {
            let mut paths = 0;
            let cells = base.cells(variants, |i| {
                let name = &variants.get(i)?.name;
                match at {
                    None => {
                        let row = rows.iter().find(|r| {
                            r.group == group
                                && r.variant == *name
                                && r.metric == Metric::BindingDate
                        })?;
                        paths = paths.max(row.paths);
                        // The 50th of the reported percentiles.
                        let median = match row.percentiles.get(3).copied().flatten() {
                            Some(Value::Date(d)) => Some(d),
                            _ => None,
                        };
                        Some(Cell {
                            binds: median.is_some(),
                            value: median.and_then(|d| Some(epoch()?.days_until(d) as f64)),
                            label: median.map_or_else(|| "not reached".into(), |d| d.to_string()),
                        })
                    }
                    Some(by) => {
                        let p = probabilities
                            .iter()
                            .find(|p| p.group == group && p.variant == *name && p.by == by)?;
                        paths = paths.max(p.paths);
                        Some(Cell {
                            binds: true,
                            value: Some(f(p.probability)),
                            label: share(p.probability),
                        })
                    }
                }
            });
            if cells.iter().all(Option::is_none) {
                continue;
            }
            out.push(Heatmap {
                scenario: group,
                base: base.name.clone(),
                rates: base.rates.clone(),
                caps: base.caps.clone(),
                cells,
                shows: at.map_or(Shows::Median(paths), Shows::Probability),
                money: money.clone(),
                note: note.to_string(),
            });
        }
    }
    out
}

/// A probability as a percentage with two decimals, as the distributions' table shows it.
fn share(p: rust_decimal::Decimal) -> String {
    let pct = (p * rust_decimal::Decimal::ONE_HUNDRED).round_dp(2);
    format!("{pct:.2}%")
}

/// What a heatmap's cells are called in titles and keys.
pub fn shows_name(s: Shows) -> String {
    match s {
        Shows::Grid(m) => metric_name(m).to_string(),
        Shows::Median(_) => "median binding date".to_string(),
        Shows::Probability(by) => format!("P(binds by {by})"),
    }
}

/// What a metric is called in titles and keys.
pub fn metric_name(m: GridMetric) -> &'static str {
    match m {
        GridMetric::BindingDate => "binding date",
        GridMetric::TotalPaid => "total paid",
        GridMetric::Foregone => "foregone",
        GridMetric::PresentValue => "present value",
    }
}

/// A cell's value: the binding date as days since 0001-01-01, or an amount; `None`
/// when the metric has none (no binding date; no present value without a discount rate).
fn value(m: GridMetric, row: &CompareRow) -> Option<f64> {
    let s = &row.summary;
    match m {
        GridMetric::BindingDate => Some(epoch()?.days_until(s.binding_date?) as f64),
        GridMetric::TotalPaid => Some(f(s.total_paid)),
        GridMetric::Foregone => Some(f(s.foregone)),
        GridMetric::PresentValue => s.present_value.map(f),
    }
}

/// The day binding dates are counted from, as numbers on the colour scale.
fn epoch() -> Option<crate::model::Date> {
    crate::model::Date::from_ymd(2000, 1, 1)
}

/// A grid cell's label: its binding date or amount, "—" when it has none.
fn label(m: GridMetric, row: &CompareRow, money: &Money) -> String {
    match m {
        GridMetric::BindingDate => row
            .summary
            .binding_date
            .map_or_else(|| "—".into(), |d| d.to_string()),
        m => value(m, row).map_or_else(|| "—".into(), |v| money.amount(v)),
    }
}

impl Heatmap<'_> {
    fn cell(&self, r: usize, c: usize) -> Option<&Cell> {
        self.cells
            .get(r * self.caps.len() + c)
            .and_then(Option::as_ref)
    }

    fn cap_label(&self, cap: Option<rust_decimal::Decimal>) -> String {
        cap.map_or_else(|| "no cap".into(), |c| self.money.tick(f(c)))
    }

    /// The scale's ends, over the cells where the cap binds; a probability's always
    /// 0 to 1, so that maps of different years compare.
    fn range(&self) -> Option<(f64, f64)> {
        if let Shows::Probability(_) = self.shows {
            return Some((0.0, 1.0));
        }
        let vals = self
            .cells
            .iter()
            .flatten()
            .filter(|c| c.binds)
            .filter_map(|c| c.value);
        vals.fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
    }

    fn value_text(&self, v: f64) -> String {
        match self.shows {
            Shows::Grid(GridMetric::BindingDate) | Shows::Median(_) => epoch()
                .and_then(|e| e.add_days(v.round() as i64))
                .map_or_else(String::new, |d| d.to_string()),
            Shows::Probability(_) => format!("{:.0}%", v * 100.0),
            Shows::Grid(_) => self.money.amount(v),
        }
    }
}

/// Every how many rows or columns (of `n`, each `cell` long) a label goes, so that
/// labels `need` apart fit: a round step (1, 2, 5, 10...).
fn nice_step(cell: f64, need: f64, n: usize) -> usize {
    [
        1usize, 2, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000,
    ]
    .into_iter()
    .find(|k| cell * (*k as f64) >= need)
    .unwrap_or(n.max(1))
}

/// The first of `values` (evenly spaced) to label every `k`-th from, so labels fall
/// on round values: with 0.2% steps and `k` = 10, 10%, 12%... rather than 10.2%, 12.2%.
fn round_start(values: &[f64], k: usize) -> usize {
    match (values.first(), values.get(1)) {
        (Some(a), Some(b)) if k > 1 && b > a => {
            let unit = (b - a) * k as f64;
            (0..k)
                .find(|&o| {
                    values.get(o).is_some_and(|v| {
                        let r = v / unit;
                        (r - r.round()).abs() < 1e-6
                    })
                })
                .unwrap_or(0)
        }
        _ => 0,
    }
}

/// How the heatmap is laid out: rows and columns drawn, the grid's box.
pub struct HeatPlot {
    rows: usize,
    cols: usize,
}

impl Chart for Heatmap<'_> {
    type Plot = HeatPlot;

    fn describe<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> Described<HeatPlot> {
        let t = c.theme;
        let (nr, nc) = (self.rates.len(), self.caps.len());
        if nr == 0 || nc == 0 {
            return Ok(None);
        }
        let name = match &self.base {
            Some(b) => format!("{} ({})", clip(self.scenario, 30), clip(b, 24)),
            None => clip(self.scenario, 30),
        };
        let shown = shows_name(self.shows);
        let title = match self.shows {
            Shows::Median(n) => format!("{name}: {shown} by rate and cap ({n} paths)"),
            _ => format!("{name}: {shown} by rate and cap"),
        };
        let binds = self.cells.iter().flatten().filter(|c| c.binds).count();
        let total = self.cells.iter().flatten().count();
        let headline = match (self.shows, self.range()) {
            (Shows::Probability(_), _) => {
                let vals: Vec<f64> = self
                    .cells
                    .iter()
                    .flatten()
                    .filter_map(|c| c.value)
                    .collect();
                let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                format!(
                    "{shown} from {} to {} over the {total} cells",
                    self.value_text(lo),
                    self.value_text(hi)
                )
            }
            (Shows::Median(_), Some((lo, hi))) => format!(
                "The median path binds in {binds} of {total} cells; from {} to {}",
                self.value_text(lo),
                self.value_text(hi)
            ),
            (Shows::Median(_), None) => {
                format!("The median path does not bind in any of the {total} cells")
            }
            (_, Some((lo, hi))) => format!(
                "The cap binds in {binds} of {total} cells; {} from {} to {}",
                shown,
                self.value_text(lo),
                self.value_text(hi)
            ),
            (_, None) if binds == 0 => format!("The cap does not bind in any of the {total} cells"),
            (_, None) => format!("The cap binds in {binds} of {total} cells"),
        };
        let top = c.header_bottom(&title, &headline)?;
        let grid_w = t.width - 2.0 * t.margin() - t.px(90.0);
        let grid_h = t.height - top - t.px(300.0);
        let cols = nc.min(((grid_w / t.px(MIN_CELL)).floor() as usize).max(1));
        let rows = nr.min(((grid_h / t.px(MIN_CELL)).floor() as usize).max(1));
        let mut notes = vec![self.note.clone()];
        notes.push(match self.shows {
            Shows::Median(_) => "Cells: the median (p50) binding date of the paths (distribution.csv); hatched, not reached, where the median path does not bind by the term end.".to_string(),
            Shows::Probability(by) => format!("Cells: the share of paths whose cap binds on or before {by} (binding_probability.csv); scale 0% to 100%."),
            Shows::Grid(GridMetric::BindingDate) => "Cells: the day the cap binds; hatched with — where it does not bind by the term end.".to_string(),
            _ => format!(
                "Cells: {}; hatched where the cap does not bind by the term end (then nothing is foregone).",
                shown
            ),
        });
        if cols < nc || rows < nr {
            notes.push(format!(
                "Showing the first {rows} of {nr} rates and {cols} of {nc} caps (all are in compare.csv)."
            ));
        }
        Ok(Some(Description {
            title,
            headline,
            notes,
            plot: HeatPlot { rows, cols },
        }))
    }

    fn plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, room: Room, p: HeatPlot) -> Plotted {
        let t = c.theme;
        let HeatPlot { rows, cols } = p;
        // Row labels (rates) on the left, column labels (caps) above, key below.
        let mut left_w = c.measure("rate", t.label(), false)?.0;
        for &r in self.rates.iter().take(rows) {
            left_w = left_w.max(c.measure(&percent(r), t.label(), false)?.0);
        }
        let lh = line_height(t.label());
        let x0 = t.margin() + left_w + t.px(14.0);
        let top = room.top + t.px(24.0) + 2.0 * lh + t.px(10.0);
        let key_h = t.px(20.0) + lh * 2.0 + t.px(16.0);
        let avail_w = t.width - t.margin() - x0;
        let avail_h = (room.bottom - top - key_h - t.px(12.0)).max(t.px(40.0));
        let cell_w = (avail_w / cols.max(1) as f64).min(t.px(220.0));
        let cell_h = (avail_h / rows.max(1) as f64).min(t.px(100.0));
        let x0 = x0 + ((avail_w - cell_w * cols as f64) / 2.0).max(0.0);
        // A short grid sits a little lower in its room, its key beneath it.
        let top = top + ((avail_h - cell_h * rows as f64) / 2.0).max(0.0) * 0.5;
        let grid = Rect::new(x0, top, cell_w * cols as f64, cell_h * rows as f64);
        let gap = if cell_w >= t.px(14.0) && cell_h >= t.px(14.0) {
            t.px(2.0)
        } else {
            0.0
        };
        let range = self.range();
        let pad = t.px(5.0);
        // No label is shorter than "—" or "$0": below that, none is measured.
        let shortest = c.measure("—", t.small(), false)?;
        let labelled = shortest.0 + 2.0 * pad <= cell_w && shortest.1 + pad <= cell_h;
        for r in 0..rows {
            for col in 0..cols {
                let Some(cell) = self.cell(r, col) else {
                    continue;
                };
                let rect = Rect::new(
                    grid.x0 + col as f64 * cell_w,
                    grid.y0 + r as f64 * cell_h,
                    cell_w,
                    cell_h,
                )
                .inflate(-gap / 2.0);
                let shaded = cell.binds.then_some(cell.value).flatten().zip(range);
                let fill = match shaded {
                    Some((v, (lo, hi))) => viridis(if hi > lo {
                        0.9 * (v - lo) / (hi - lo)
                    } else {
                        0.45
                    }),
                    None => NOT_REACHED,
                };
                c.fill(rect, fill.to_rgba())?;
                if shaded.is_none() {
                    hatch(c, rect, t.px(9.0))?;
                }
                if !labelled {
                    continue;
                }
                let text = &cell.label;
                let ink = if shaded.is_some() && is_dark(fill) {
                    WHITE
                } else {
                    INK
                };
                for size in [t.label(), t.small()] {
                    let (w, h) = c.measure(text, size, false)?;
                    if w + 2.0 * pad <= rect.w() && h + pad <= rect.h() {
                        let (cx, cy) = rect.center();
                        if shaded.is_none() {
                            c.fill(
                                Rect::new(cx - w / 2.0, cy - h / 2.0, w, h).inflate(t.px(3.0)),
                                NOT_REACHED.to_rgba(),
                            )?;
                        }
                        c.text(text, (cx - w / 2.0, cy - h / 2.0), size, false, ink)?;
                        break;
                    }
                }
            }
        }
        // Row labels: every k-th when rows are low.
        let row_k = nice_step(cell_h, lh * 1.5, rows);
        let rates: Vec<f64> = self.rates.iter().map(|&r| f(r)).collect();
        let first = round_start(&rates, row_k);
        for (r, &rate) in self
            .rates
            .iter()
            .enumerate()
            .take(rows)
            .skip(first)
            .step_by(row_k)
        {
            let cy = grid.y0 + (r as f64 + 0.5) * cell_h;
            c.text_right(
                &percent(rate),
                (grid.x0 - t.px(10.0), cy - lh / 2.0),
                t.label(),
                false,
                INK,
            )?;
        }
        // Column labels: every k-th when columns are narrow.
        let labels: Vec<String> = self
            .caps
            .iter()
            .take(cols)
            .map(|&cap| self.cap_label(cap))
            .collect();
        let mut widest: f64 = 0.0;
        for l in &labels {
            widest = widest.max(c.measure(l, t.label(), false)?.0);
        }
        let col_k = nice_step(cell_w, widest + t.px(14.0), cols);
        let caps: Vec<f64> = self.caps.iter().map(|c| c.map_or(f64::NAN, f)).collect();
        let first = round_start(&caps, col_k);
        let label_y = grid.y0 - t.px(8.0) - lh;
        for (col, label) in labels.iter().enumerate().skip(first).step_by(col_k) {
            let (w, _) = c.measure(label, t.label(), false)?;
            let cx = grid.x0 + (col as f64 + 0.5) * cell_w;
            let x = (cx - w / 2.0).clamp(t.margin(), t.width - t.margin() - w);
            c.text(label, (x, label_y), t.label(), false, INK)?;
        }
        // What rows and columns are, in the corner.
        c.text_right(
            &self.money.caption("rate \\ cap"),
            (grid.x0 - t.px(10.0), label_y - lh),
            t.small(),
            false,
            MUTED,
        )?;
        // The key: a colour bar from the scale's low end to its high end, then the
        // "does not bind" swatch.
        let key_y = grid.y1 + t.px(22.0);
        let intro = shows_name(self.shows);
        let (iw, ih) = c.measure(&intro, t.label(), false)?;
        c.text(&intro, (grid.x0, key_y), t.label(), false, MUTED)?;
        let mut x = grid.x0 + iw + t.px(14.0);
        if let Some((lo, hi)) = range {
            let bar_w = t.px(280.0);
            let steps = 56;
            for i in 0..steps {
                let u = i as f64 / (steps - 1) as f64;
                let r = Rect::new(
                    x + bar_w * i as f64 / steps as f64,
                    key_y - t.px(3.0),
                    bar_w / steps as f64 + 0.5,
                    ih + t.px(6.0),
                );
                c.fill(r, viridis(0.9 * u).to_rgba())?;
            }
            let (lo_t, hi_t) = (self.value_text(lo), self.value_text(hi));
            let below = key_y + ih + t.px(8.0);
            c.text(&lo_t, (x, below), t.small(), false, MUTED)?;
            let (hw, _) = c.measure(&hi_t, t.small(), false)?;
            c.text(&hi_t, (x + bar_w - hw, below), t.small(), false, MUTED)?;
            x += bar_w + t.px(24.0);
        }
        if let Shows::Probability(_) = self.shows {
            // Every cell is on the scale: no "does not bind" swatch.
            return Ok(());
        }
        let nr_text = match self.shows {
            Shows::Median(_) => "not reached",
            _ => "does not bind",
        };
        let (nrw, _) = c.measure(nr_text, t.label(), false)?;
        let r = Rect::new(x, key_y - t.px(3.0), nrw + 2.0 * pad, ih + t.px(6.0));
        c.fill(r, NOT_REACHED.to_rgba())?;
        hatch(c, r, t.px(9.0))?;
        c.fill(
            Rect::new(x + pad, key_y, nrw, ih).inflate(t.px(2.0)),
            NOT_REACHED.to_rgba(),
        )?;
        c.text(nr_text, (x + pad, key_y), t.label(), false, INK)?;
        Ok(())
    }
}
