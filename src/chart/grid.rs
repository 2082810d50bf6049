//! `compare-grid`: a heatmap of scenarios (rows) × variants (columns), each cell
//! coloured by the year its cap binds and labelled with the binding date, or `—`
//! when the cap is not reached by the term end (or there is none).
//!
//! Colours: viridis (sequential, colour-blind safe, readable in grey), dark for the
//! term's first year to light for its last; "not reached" is a pale grey with grey
//! hatching, so it stays distinct from the lightest year even without colour.
//!
//! Readability with many variants: columns narrower than `MIN_CELL` are not drawn
//! (the first ones that fit are, and the footer says how many were left out); column
//! labels thin to every `k`-th; cell text is dropped when it does not fit its cell.

use plotters::prelude::*;

use super::compare::Compare;
use super::layout::Rect;
use super::render::{Described, Description, Plotted, Room};
use super::style::clip;
use super::style::{count, list};
use super::style::{
    f, is_dark, line_height, terms_title, uncapped_terms_title, Canvas, INK, MUTED,
};
use super::Chart;
use crate::config::Variant;
use crate::error::Error;
use crate::model::{Date, Scenario};

/// The narrowest (and lowest) a cell may be, in design pixels.
const MIN_CELL: f64 = 7.0;

/// Viridis at nine even stops (matplotlib's values).
const VIRIDIS: [(f64, f64, f64); 9] = [
    (68.0, 1.0, 84.0),
    (72.0, 40.0, 120.0),
    (62.0, 73.0, 137.0),
    (49.0, 104.0, 142.0),
    (38.0, 130.0, 142.0),
    (31.0, 158.0, 137.0),
    (53.0, 183.0, 121.0),
    (110.0, 206.0, 88.0),
    (253.0, 231.0, 37.0),
];

/// Viridis at `t` in [0, 1].
pub fn viridis(t: f64) -> RGBColor {
    let x = t.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let u = x - i as f64;
    // `i` is at most the last pair's start, so the fallback (the top stop) is not used.
    let Some(&[a, b]) = VIRIDIS.get(i..=i + 1) else {
        return RGBColor(253, 231, 37);
    };
    let mix = |p: f64, q: f64| (p + (q - p) * u).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The colour of year `index` of `years` (0 the first): viridis up to 0.9, which
/// keeps the last year a saturated yellow-green, apart from the pale "not reached".
pub fn year_color(index: usize, years: usize) -> RGBColor {
    if years <= 1 {
        return viridis(0.45);
    }
    viridis(0.9 * index as f64 / (years - 1) as f64)
}

/// A cell whose cap is not reached (or that has no cap).
pub const NOT_REACHED: RGBColor = RGBColor(243, 243, 243);
const HATCH: RGBColor = RGBColor(196, 196, 196);

pub struct Grid<'a> {
    pub data: &'a Compare<'a>,
}

/// Diagonal hatching inside `r` (lines rising to the right, `step` apart).
pub fn hatch<DB: DrawingBackend>(c: &Canvas<DB>, r: Rect, step: f64) -> Result<(), Error> {
    let (w, h) = (r.w(), r.h());
    let mut k = step;
    while k < w + h {
        let a = if k <= h {
            (r.x0, r.y1 - k)
        } else {
            (r.x0 + k - h, r.y0)
        };
        let b = if k <= w {
            (r.x0 + k, r.y1)
        } else {
            (r.x1, r.y1 - (k - w))
        };
        c.line(&[a, b], HATCH.to_rgba(), c.theme.px(1.2))?;
        k += step;
    }
    Ok(())
}

impl Grid<'_> {
    /// The years the colour scale spans: every term's first to last year, and any
    /// binding year.
    fn years(&self) -> (i32, i32) {
        let d = self.data;
        let (mut lo, mut hi) = (i32::MAX, i32::MIN);
        let mut span = |from: Date, through: Date| {
            lo = lo.min(from.year());
            hi = hi.max(through.year());
        };
        if d.variants.iter().any(|v| !v.from_file) {
            span(d.origin(), d.terms.through);
        }
        for v in d.variants.iter().filter(|v| v.from_file) {
            for s in d.scenarios {
                span(crate::engine::term_start(s, &v.terms), v.terms.through);
            }
        }
        for s in 0..d.scenarios.len() {
            for v in 0..d.variants.len() {
                if let Some(b) = d.cell(s, v).and_then(|row| row.summary.binding_date) {
                    lo = lo.min(b.year());
                    hi = hi.max(b.year());
                }
            }
        }
        if lo > hi {
            let y = d.terms.through.year();
            return (y, y);
        }
        (lo, hi)
    }

    /// A column's label: the cap in money for a cap on the shared terms, else the
    /// variant's name.
    fn column_label(&self, var: &Variant) -> String {
        match var.terms.cap {
            Some(cap) if !var.from_file => self.data.money.tick(f(cap)),
            None if !var.from_file => "no cap".into(),
            _ => clip(&var.name, 16),
        }
    }

    fn headline(&self) -> String {
        let d = self.data;
        // The earliest and the latest binding date with its scenario and variant
        // (their indices order equal dates), and how many pairs bind: two pairs are
        // kept, not one a pair (a sweep of 100,000 caps has 400,000 of them).
        type Bind<'d> = (Date, usize, usize, &'d Scenario, &'d Variant);
        let mut first: Option<Bind> = None;
        let mut last: Option<Bind> = None;
        let mut count = 0usize;
        let total = d.scenarios.len() * d.variants.len();
        for (s, scenario) in d.scenarios.iter().enumerate() {
            for (v, var) in d.variants.iter().enumerate() {
                if let Some(b) = d.cell(s, v).and_then(|row| row.summary.binding_date) {
                    let bind = (b, s, v, scenario, var);
                    count += 1;
                    if first.is_none_or(|f| (b, s, v) < (f.0, f.1, f.2)) {
                        first = Some(bind);
                    }
                    if last.is_none_or(|l| (b, s, v) > (l.0, l.1, l.2)) {
                        last = Some(bind);
                    }
                }
            }
        }
        let pairs = if total == 1 {
            "the 1 pair".to_string()
        } else {
            format!("{total} pairs")
        };
        let at = |(b, _, _, scenario, var): (Date, usize, usize, &Scenario, &Variant)| {
            let how = if var.from_file || var.terms.cap.is_none() {
                "under"
            } else {
                "at"
            };
            format!(
                "{b} ({} {how} {})",
                clip(&scenario.name, 20),
                self.column_label(var)
            )
        };
        match (first, last) {
            (Some(a), Some(z)) if count == 1 || a.0 == z.0 => {
                format!("Cap binds in {count} of {pairs}, on {}", at(a))
            }
            (Some(a), Some(z)) => format!(
                "Cap binds in {count} of {pairs}: earliest {}, latest {}",
                at(a),
                at(z)
            ),
            _ => format!("Cap not reached in any of the {pairs}"),
        }
    }
}

/// How the grid is laid out, as far as the page decides it: the row labels'
/// width, the grid's left edge, width and top, how many columns and rows are
/// drawn, the key's height, and what the columns are (`cap` or `variant`).
pub struct GridPlot {
    left_w: f64,
    grid_x0: f64,
    grid_w: f64,
    grid_top: f64,
    cols: usize,
    rows: usize,
    key_h: f64,
    what: &'static str,
}

/// The cells' geometry: the grid, a cell's size, the gap between cells.
struct Cells {
    grid: Rect,
    cell_w: f64,
    cell_h: f64,
    gap: f64,
}

impl Chart for Grid<'_> {
    type Plot = GridPlot;

    fn describe<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> Described<GridPlot> {
        let t = c.theme;
        let d = self.data;
        let (ns, nv) = (d.scenarios.len(), d.variants.len());
        let what = if d.variants.iter().any(|v| v.from_file) {
            "variant"
        } else {
            "cap"
        };
        let title = self.title(what);
        let headline = self.headline();
        let top = c.header_bottom(&title, &headline)?;
        // Room for the grid decides how many columns and rows can be drawn.
        let left_w = self.row_labels_width(c, what)?;
        let grid_x0 = t.margin() + left_w + t.px(16.0);
        let grid_w = t.width - t.margin() - grid_x0;
        let max_cols = ((grid_w / t.px(MIN_CELL)).floor() as usize).max(1);
        let cols = nv.min(max_cols);
        let mut notes = self.notes(c, grid_w, cols)?;
        // Rows: as many as fit at the minimum height (decided below).
        let key_h = line_height(t.label()) + t.px(12.0);
        let col_label_h = line_height(t.label());
        let draft_bottom = t.height - t.margin() - (notes.len() as f64 + 1.0) * t.px(26.0);
        let grid_top = top + t.px(30.0) + col_label_h + t.px(10.0);
        let avail_h = (draft_bottom - t.px(28.0) - key_h - t.px(20.0) - grid_top).max(t.px(40.0));
        let max_rows = ((avail_h / t.px(MIN_CELL)).floor() as usize).max(1);
        let rows = ns.min(max_rows);
        if cols < nv || rows < ns {
            notes.push(shown((cols, nv), (rows, ns), what));
        }
        Ok(Some(Description {
            title,
            headline,
            notes,
            plot: GridPlot {
                left_w,
                grid_x0,
                grid_w,
                grid_top,
                cols,
                rows,
                key_h,
                what,
            },
        }))
    }

    fn plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, room: Room, g: GridPlot) -> Plotted {
        let t = c.theme;
        let GridPlot {
            left_w,
            grid_x0,
            grid_w,
            grid_top,
            cols,
            rows,
            key_h,
            what,
        } = g;
        let avail_h = (room.bottom - t.px(28.0) - key_h - t.px(20.0) - grid_top).max(t.px(40.0));
        let cell_w = (grid_w / cols.max(1) as f64).min(t.px(320.0));
        // A narrow grid sits in the middle of the width.
        let grid_x0 = grid_x0 + ((grid_w - cell_w * cols as f64) / 2.0).max(0.0);
        let cell_h = (avail_h / rows.max(1) as f64).min(t.px(130.0));
        // A short grid sits in the middle of the room, its key beneath it.
        let grid_top = grid_top + ((avail_h - cell_h * rows as f64) / 2.0).max(0.0) * 0.6;
        let gap = if cell_w >= t.px(14.0) && cell_h >= t.px(14.0) {
            t.px(2.0)
        } else {
            0.0
        };
        let grid = Rect::new(
            grid_x0,
            grid_top,
            cell_w * cols as f64,
            cell_h * rows as f64,
        );
        let cells = Cells {
            grid,
            cell_w,
            cell_h,
            gap,
        };
        let (y_lo, y_hi) = self.years();
        self.cells(c, &cells, rows, cols, (y_lo, y_hi))?;
        self.row_labels(c, &cells, rows, left_w)?;
        self.column_labels(c, &cells, cols, what)?;
        self.key(c, &cells, (y_lo, y_hi))
    }
}

impl Grid<'_> {
    fn title(&self, what: &str) -> String {
        let d = self.data;
        let nv = d.variants.len();
        if d.variants.iter().any(|v| v.from_file) {
            format!(
                "When the cap binds: {} × {}",
                d.scenario_count(),
                count(nv, what)
            )
        } else {
            format!(
                "When the cap binds: {} × {} at {}",
                d.scenario_count(),
                count(nv, what),
                uncapped_terms_title(d.terms, &d.money, d.data_end())
            )
        }
    }

    /// The width the row labels (and the columns' caption `what` over them) take.
    fn row_labels_width<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        what: &str,
    ) -> Result<f64, Error> {
        let t = c.theme;
        let mut w = c.measure(what, t.label(), false)?.0;
        for s in self.data.scenarios {
            w = w.max(c.measure(&clip(&s.name, 24), t.label(), false)?.0);
        }
        Ok(w.min(t.width * 0.3))
    }

    /// The footnotes: sources and term, what a cell shows (the date, or only its
    /// colour when `cols` columns in `grid_w` are too narrow for dates), and the
    /// terms of each kind of variant.
    fn notes<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        grid_w: f64,
        cols: usize,
    ) -> Result<Vec<String>, Error> {
        let t = c.theme;
        let d = self.data;
        let money = &d.money;
        // Whether the cells are wide enough for their dates (at the smaller size).
        let date_w = c.measure("2030-12-31", t.small(), false)?.0 + t.px(12.0);
        let dates_fit = (grid_w / cols.max(1) as f64).min(t.px(320.0)) - t.px(2.0) >= date_w;
        let mut notes = vec![
            format!("{}.", d.sources_and_term()),
            format!(
                "{}{}.",
                if dates_fit {
                    "Cells: the binding date; — when the cap is not reached by the term end"
                } else {
                    "Cells too narrow for dates (compare.csv has each): colour gives the year; hatched when the cap is not reached by the term end"
                },
                if d.variants.iter().any(|v| v.terms.cap.is_none()) {
                    " or there is no cap"
                } else {
                    ""
                }
            ),
        ];
        if d.variants.iter().any(|v| v.from_file) {
            let shared: Vec<String> = d
                .variants
                .iter()
                .filter(|v| !v.from_file)
                .map(|v| clip(&v.name, 16))
                .collect();
            if !shared.is_empty() {
                notes.push(format!(
                    "{}: {}.",
                    list(&shared),
                    uncapped_terms_title(d.terms, money, d.data_end())
                ));
            }
            for v in d.variants.iter().filter(|v| v.from_file).take(3) {
                notes.push(format!(
                    "{} (terms file): {}.",
                    clip(&v.name, 24),
                    terms_title(&v.terms, money, None)
                ));
            }
        }
        notes.extend(d.coverage_notes());
        Ok(notes)
    }
}

/// The note saying which columns and rows are drawn, when not all are: `cols` of
/// `nv` variants (`what`s), `rows` of `ns` scenarios.
fn shown((cols, nv): (usize, usize), (rows, ns): (usize, usize), what: &str) -> String {
    let mut parts = Vec::new();
    if cols < nv {
        parts.push(format!("the first {cols} of {nv} {what}s"));
    }
    if rows < ns {
        parts.push(format!("the first {rows} of {ns} scenarios"));
    }
    format!(
        "Showing {} (too many to draw legibly at this size; all are in compare.csv).",
        list(&parts)
    )
}

impl Grid<'_> {
    /// Each cell: its year's colour (hatched when not reached) and its date or `—`
    /// where they fit.
    fn cells<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        &Cells {
            grid,
            cell_w,
            cell_h,
            gap,
        }: &Cells,
        rows: usize,
        cols: usize,
        (y_lo, y_hi): (i32, i32),
    ) -> Result<(), Error> {
        let t = c.theme;
        let d = self.data;
        let n_years = (y_hi - y_lo + 1) as usize;
        let pad = t.px(6.0);
        // Cells.
        for s in 0..rows {
            for v in 0..cols {
                let r = Rect::new(
                    grid.x0 + v as f64 * cell_w,
                    grid.y0 + s as f64 * cell_h,
                    cell_w,
                    cell_h,
                )
                .inflate(-gap / 2.0);
                let Some(row) = d.cell(s, v) else {
                    continue;
                };
                let summary = &row.summary;
                let (fill, text) = match summary.binding_date {
                    Some(b) => (
                        year_color((b.year() - y_lo).max(0) as usize, n_years),
                        b.to_string(),
                    ),
                    None => (NOT_REACHED, "—".to_string()),
                };
                c.fill(r, fill.to_rgba())?;
                if summary.binding_date.is_none() {
                    hatch(c, r, t.px(9.0))?;
                }
                let ink = if summary.binding_date.is_some() && is_dark(fill) {
                    WHITE
                } else {
                    INK
                };
                for size in [t.label(), t.small()] {
                    let (w, h) = c.measure(&text, size, summary.binding_date.is_none())?;
                    if w + 2.0 * pad <= r.w() && h + pad <= r.h() {
                        let (cx, cy) = r.center();
                        if summary.binding_date.is_none() {
                            // The dash over a clear patch of the hatching.
                            c.fill(
                                Rect::new(cx - w / 2.0, cy - h / 2.0, w, h).inflate(t.px(3.0)),
                                NOT_REACHED.to_rgba(),
                            )?;
                        }
                        c.text(
                            &text,
                            (cx - w / 2.0, cy - h / 2.0),
                            size,
                            summary.binding_date.is_none(),
                            ink,
                        )?;
                        break;
                    }
                }
            }
        }

        Ok(())
    }

    /// Row labels, every k-th when rows are low.
    fn row_labels<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        &Cells { grid, cell_h, .. }: &Cells,
        rows: usize,
        left_w: f64,
    ) -> Result<(), Error> {
        let t = c.theme;
        let d = self.data;
        let row_k = (1..=rows.max(1))
            .find(|k| cell_h * (*k as f64) >= line_height(t.label()))
            .unwrap_or(1);
        for (s, scenario) in d.scenarios.iter().enumerate().take(rows).step_by(row_k) {
            let name = clip(&scenario.name, 24);
            let (name, size) = c.fit(&name, t.label(), false, left_w)?;
            let cy = grid.y0 + (s as f64 + 0.5) * cell_h;
            let at = (grid.x0 - t.px(16.0), cy - line_height(size) / 2.0);
            c.text_right(&name, at, size, false, INK)?;
        }

        Ok(())
    }

    /// Column labels above the grid, every k-th when columns are narrow, and what
    /// the columns are in the corner over the row labels.
    fn column_labels<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        &Cells { grid, cell_w, .. }: &Cells,
        cols: usize,
        what: &str,
    ) -> Result<(), Error> {
        let t = c.theme;
        let d = self.data;
        let money = &d.money;
        let col_label_h = line_height(t.label());
        let labels: Vec<String> = d
            .variants
            .iter()
            .take(cols)
            .map(|var| self.column_label(var))
            .collect();
        let mut widest: f64 = 0.0;
        for l in &labels {
            widest = widest.max(c.measure(l, t.label(), false)?.0);
        }
        let col_k = [1usize, 2, 4, 5, 10, 20, 25, 50, 100, 200, 500, 1000]
            .into_iter()
            .find(|k| cell_w * (*k as f64) >= widest + t.px(14.0))
            .unwrap_or(cols.max(1));
        // Thinned labels start where the caps are round: every 10th of $1B steps
        // labels $10B, $20B... rather than $1B, $11B...
        let caps: Vec<Option<f64>> = d
            .variants
            .iter()
            .take(cols)
            .map(|var| var.terms.cap.filter(|_| !var.from_file).map(f))
            .collect();
        let first = match (caps.first(), caps.get(1)) {
            (Some(Some(a)), Some(Some(b))) if col_k > 1 && b > a => {
                let unit = (b - a) * col_k as f64;
                (0..col_k)
                    .find(|&o| {
                        caps.get(o).copied().flatten().is_some_and(|c| {
                            let r = c / unit;
                            (r - r.round()).abs() < 1e-6
                        })
                    })
                    .unwrap_or(0)
            }
            _ => 0,
        };
        let label_y = grid.y0 - t.px(10.0) - col_label_h;
        let mut right_edge = f64::MIN;
        for (v, label) in labels.iter().enumerate().skip(first).step_by(col_k) {
            let (w, _) = c.measure(label, t.label(), false)?;
            let cx = grid.x0 + (v as f64 + 0.5) * cell_w;
            let x = (cx - w / 2.0).clamp(grid.x0 - t.px(8.0), t.width - t.margin() - w);
            // A label pushed in from the edge must not run into its neighbour.
            if x < right_edge + t.px(10.0) {
                continue;
            }
            right_edge = x + w;
            c.text(label, (x, label_y), t.label(), false, INK)?;
            if col_k > 1 {
                c.line(
                    &[(cx, grid.y0 - t.px(7.0)), (cx, grid.y0 - t.px(1.0))],
                    MUTED.to_rgba(),
                    t.px(1.5),
                )?;
            }
        }
        // What the columns are, in the corner over the row labels.
        let caption = money.caption(what);
        let at = (grid.x0 - t.px(16.0), label_y + t.px(3.0));
        c.text_right(&caption, at, t.small(), false, MUTED)?;

        Ok(())
    }

    /// The key under the grid: one swatch per year, then "not reached".
    fn key<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        &Cells { grid, .. }: &Cells,
        (y_lo, y_hi): (i32, i32),
    ) -> Result<(), Error> {
        let t = c.theme;
        let n_years = (y_hi - y_lo + 1) as usize;
        let pad = t.px(6.0);
        let key_y = grid.y1 + t.px(28.0);
        let intro = "cap binds in";
        let (iw, ih) = c.measure(intro, t.label(), false)?;
        c.text(intro, (grid.x0, key_y), t.label(), false, MUTED)?;
        let mut x = grid.x0 + iw + t.px(14.0);
        let nr_text = "not reached";
        let (nrw, _) = c.measure(nr_text, t.label(), false)?;
        let year_w = c.measure("0000", t.label(), false)?.0 + 2.0 * pad;
        let room = t.width - t.margin() - x - (nrw + 2.0 * pad + t.px(20.0));
        let sw = (room / n_years as f64).min(year_w);
        let with_text = sw >= year_w;
        for (i, year) in (y_lo..=y_hi).enumerate() {
            let color = year_color(i, n_years);
            let r = Rect::new(x, key_y - t.px(3.0), sw, ih + t.px(6.0));
            c.fill(r, color.to_rgba())?;
            let label = year.to_string();
            let show = with_text || i == 0 || i + 1 == n_years;
            if show {
                let (w, _) = c.measure(&label, t.label(), false)?;
                if with_text {
                    let ink = if is_dark(color) { WHITE } else { INK };
                    c.text(&label, (x + (sw - w) / 2.0, key_y), t.label(), false, ink)?;
                } else if i == 0 {
                    // Narrow swatches: the end years beneath.
                    c.text(&label, (x, key_y + ih + t.px(6.0)), t.small(), false, MUTED)?;
                } else {
                    c.text(
                        &label,
                        (x + sw - w, key_y + ih + t.px(6.0)),
                        t.small(),
                        false,
                        MUTED,
                    )?;
                }
            }
            x += sw;
        }
        x += t.px(20.0);
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
