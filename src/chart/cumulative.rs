//! Cumulative payments over time: one scenario with and without the cap
//! (`<scenario>-cumulative`), and every scenario's capped payments together
//! (`scenarios-cumulative`).
//!
//! The curves are exact within the drawing: the engine's segments accrue evenly per
//! day, so each cumulative curve is linear between segment boundaries, and in the
//! segment where the cap binds, payments follow the uncapped pace until the cap is
//! used up and then stop. That kink is drawn where it happens, inside the binding
//! date, not at a period end.
//!
//! Choice on `already_paid`: the curves show payments *within the term* (from 0 at
//! the term start, as the ledger's `cumulative` does), and the cap line is drawn at
//! what is left of the cap, `cap − already_paid`, so the capped curve meets it where
//! the cap binds. Its label says so (`cap $38B less $5B already paid`).

use plotters::prelude::*;
use rust_decimal::Decimal;

use super::axes::{MoneyPlot, Scale};
use super::layout::{interpolate, Frame, Obstacles, Rect};
use super::render::{
    along_line, around, label_bounds, leader, plot_with_legend, Described, Drawn, Plotted,
    WithLegend,
};
use super::render::{framed, place_legend, Description, Room};
use super::style::{
    clip, count, f, scenario_color, scenario_dashed, scenario_line, shade, terms_title, tint,
    Canvas, Money, Swatch, CAP, INK, MUTED,
};
use super::Chart;
use crate::error::Error;
use crate::model::{Date, ScenarioResult, Terms};

/// `<scenario>-cumulative`: paid under the cap (solid), due with no cap (dashed), the
/// foregone area between them, the cap line and the binding date.
pub struct Scenario<'a> {
    pub result: &'a ScenarioResult,
    pub terms: &'a Terms,
    pub money: &'a Money,
    pub color: RGBColor,
}

/// `scenarios-cumulative`: every scenario's capped cumulative payments, the cap line
/// and each scenario's binding marker, with a legend.
pub struct All<'a> {
    pub results: &'a [ScenarioResult],
    pub terms: &'a Terms,
    pub money: &'a Money,
}

/// A scenario's cumulative curves as `(days from origin, amount)` points; a day `d`
/// spans `[d, d + 1)`, so a value at `d + 1` is the value at the end of day `d`.
#[derive(Debug, Clone, PartialEq)]
pub struct Curves {
    pub uncapped: Vec<(f64, f64)>,
    pub paid: Vec<(f64, f64)>,
    /// Where the curves end: the end of the last day in the term.
    pub end: f64,
}

/// The curves of `r`, with x in days from `origin` (its term start or earlier).
pub fn curves(r: &ScenarioResult, origin: Date) -> Curves {
    let start = origin.days_until(r.from) as f64;
    let mut uncapped = vec![(start, 0.0)];
    let mut paid = vec![(start, 0.0)];
    let (mut cu, mut cp) = (0.0, 0.0);
    for seg in &r.segments {
        let xs = origin.days_until(seg.start) as f64;
        let xe = origin.days_until(seg.end) as f64 + 1.0;
        if uncapped.last().map(|p| p.0) != Some(xs) {
            uncapped.push((xs, cu));
            paid.push((xs, cp));
        }
        let (nu, np) = (f(seg.cumulative_uncapped), f(seg.cumulative_paid));
        if seg.paid < seg.uncapped && seg.paid > Decimal::ZERO {
            // The cap runs out inside this segment: the uncapped pace until then.
            let share = f(seg.paid) / f(seg.uncapped);
            paid.push((xs + (xe - xs) * share, np));
        }
        uncapped.push((xe, nu));
        paid.push((xe, np));
        (cu, cp) = (nu, np);
    }
    let end = uncapped.last().map_or(start, |p| p.0);
    Curves {
        uncapped,
        paid,
        end,
    }
}

/// What the term leaves of the cap: `cap − already_paid`, not below 0.
pub fn budget(terms: &Terms) -> Option<f64> {
    terms
        .cap
        .map(|c| f(c.checked_sub(terms.already_paid).unwrap_or(c)).max(0.0))
}

/// The point where the capped curve reaches the cap (the kink), if the cap binds.
pub fn binding_point(
    r: &ScenarioResult,
    paid: &[(f64, f64)],
    budget: f64,
    origin: Date,
) -> Option<(f64, f64)> {
    let date = r.summary.binding_date?;
    let eps = budget.abs() * 1e-12;
    paid.iter()
        .find(|p| p.1 >= budget - eps)
        .copied()
        .or(Some((origin.days_until(date) as f64 + 1.0, budget)))
}

/// The cap line's label: `cap $38B`, or `cap $38B less $5B already paid`.
pub fn cap_label(terms: &Terms, money: &Money) -> Option<String> {
    let cap = terms.cap?;
    Some(if terms.already_paid.is_zero() {
        format!("cap {}", money.exact(f(cap)))
    } else if terms.already_paid >= cap {
        format!(
            "cap {} used up by {} already paid",
            money.exact(f(cap)),
            money.exact(f(terms.already_paid))
        )
    } else {
        format!(
            "cap {} less {} already paid",
            money.exact(f(cap)),
            money.exact(f(terms.already_paid))
        )
    })
}

/// The last day of the term that the chart shows.
pub(super) fn last_day(origin: Date, end: f64) -> Date {
    origin.add_days(end as i64 - 1).unwrap_or(origin)
}

/// The headline under a scenario's title: what is paid, when the cap binds, what is
/// foregone.
pub fn headline(r: &ScenarioResult, terms: &Terms, money: &Money, last: Date) -> String {
    let s = &r.summary;
    let paid = money.amount(f(s.total_paid));
    let eff = s
        .effective_rate
        .map(|e| {
            format!(
                " ({} of eligible revenue)",
                super::style::rounded_percent(e)
            )
        })
        .unwrap_or_default();
    if r.segments.is_empty() {
        return format!(
            "Nothing paid: no day of the scenario's periods falls in the term ({} to {})",
            r.from, terms.through
        );
    }
    match terms.cap {
        Some(cap) if terms.already_paid >= cap => format!(
            "Nothing paid: {} paid before {} already reaches the {} cap; {} foregone",
            money.amount(f(terms.already_paid)),
            r.from,
            money.exact(f(cap)),
            money.amount(f(s.foregone))
        ),
        Some(_) if s.cap_binds => format!(
            "Paid {paid}{eff}; cap binds {}; {} foregone of {} due without a cap",
            s.binding_date.map_or_else(String::new, |d| d.to_string()),
            money.amount(f(s.foregone)),
            money.amount(f(s.uncapped_total))
        ),
        Some(_) => format!(
            "Paid {paid}{eff}; cap not reached by {last}: {} headroom; nothing foregone",
            money.amount(headroom(r, terms))
        ),
        None => format!("Paid {paid}{eff}; no cap, nothing foregone"),
    }
}

/// Cap left at the end of the term.
pub(super) fn headroom(r: &ScenarioResult, terms: &Terms) -> f64 {
    let left = budget(terms).unwrap_or(0.0) - f(r.summary.total_paid);
    left.max(0.0)
}

/// What the one-scenario chart plots: its curves over `days` from its term start,
/// the cap line's amount and the binding point.
pub struct ScenarioPlot {
    cv: Curves,
    days: i64,
    last: Date,
    budget: Option<f64>,
    kink: Option<(f64, f64)>,
    /// No segment falls in the term: nothing is drawn but the axes and a note.
    empty: bool,
}

/// The cap line's y and the binding marker, as drawn.
type CapAndMarker = (Option<f64>, Option<(f64, f64)>);

/// A label placed in the plot: its text and box.
type Placed = Option<(String, Rect)>;

impl Scenario<'_> {
    /// The data: the foregone area, the cap line, the two curves and the binding
    /// marker's drop line, each claiming its room in `obs`. Returns the cap line's y
    /// and the marker.
    fn data<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        frame: &Frame,
        d: &ScenarioPlot,
        obs: &mut Obstacles,
    ) -> Result<CapAndMarker, Error> {
        let t = c.theme;
        let (p, cv) = (frame.plot, &d.cv);
        if f(self.result.summary.foregone) > 0.0 {
            // The foregone area between the two curves.
            let mut xs: Vec<f64> = cv.uncapped.iter().chain(&cv.paid).map(|q| q.0).collect();
            xs.sort_by(f64::total_cmp);
            xs.dedup();
            let mut poly: Vec<(f64, f64)> = xs
                .iter()
                .map(|x| frame.px((*x, interpolate(&cv.uncapped, *x))))
                .collect();
            poly.extend(
                xs.iter()
                    .rev()
                    .map(|x| frame.px((*x, interpolate(&cv.paid, *x)))),
            );
            c.polygon(&poly, tint(self.color, 0.78).to_rgba())?;
            let step = t.px(3.0);
            let mut px = p.x0;
            let mut cols = Vec::new();
            while px <= p.x1 {
                let x = frame.data_x(px);
                let (hi, lo) = (interpolate(&cv.uncapped, x), interpolate(&cv.paid, x));
                if hi > lo {
                    cols.push((px, frame.y(hi), frame.y(lo)));
                }
                px += step;
            }
            obs.add_band(cols, step);
        }
        // The cap line (what the term leaves of the cap).
        let cap_y = d.budget.map(|b| frame.y(b));
        if let Some(y) = cap_y {
            c.line(&[(p.x0, y), (p.x1, y)], CAP.to_rgba(), t.px(2.0))?;
            obs.add_polyline(&[(p.x0, y), (p.x1, y)], t.px(2.0));
        }
        // Uncapped (dashed) under paid (solid), so they share a line until the cap binds.
        let up = frame.pxs(&cv.uncapped);
        let pp = frame.pxs(&cv.paid);
        if f(self.result.summary.foregone) > 0.0 {
            c.dashed(&up, self.color.to_rgba(), t.px(3.5), t.px(16.0), t.px(10.0))?;
            obs.add_polyline(&up, t.px(4.0));
        }
        c.line(&pp, self.color.to_rgba(), t.px(5.0))?;
        obs.add_polyline(&pp, t.px(4.0));
        // The binding marker, with a drop line to the date axis.
        let marker = d.kink.map(|k| frame.px(k));
        if let Some((mx, my)) = marker {
            let drop = [(mx, my), (mx, p.y1)];
            c.dashed(&drop, MUTED.to_rgba(), t.px(1.5), t.px(5.0), t.px(5.0))?;
            obs.add_polyline(&drop, t.px(1.5));
            obs.add_rect(Rect::square((mx, my), t.px(12.0)));
        }
        Ok((cap_y, marker))
    }

    /// The legend: the paid curve and, when something is foregone, the uncapped
    /// curve and the area between them.
    fn entries(&self) -> Vec<(Swatch, String)> {
        let paid = if self.terms.cap.is_some() {
            "paid under the cap"
        } else {
            "paid"
        };
        let mut entries = vec![(Swatch::Line(self.color), paid.to_string())];
        // With nothing foregone the two curves are one: no dashed line, no legend.
        if f(self.result.summary.foregone) > 0.0 {
            entries.push((Swatch::Dashed(self.color), "due with no cap".into()));
            entries.push((
                Swatch::Area(tint(self.color, 0.78), self.color),
                "foregone: cut by the cap".into(),
            ));
        }
        entries
    }

    /// A note when the cap does not bind (with a bracket from the curve's end up
    /// to the cap, drawn now, showing the headroom), or there is none, or nothing
    /// falls in the term.
    fn note<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        frame: &Frame,
        d: &ScenarioPlot,
        obs: &mut Obstacles,
        bounds: &Rect,
    ) -> Result<Placed, Error> {
        let t = c.theme;
        let (p, last) = (frame.plot, d.last);
        let mut note = None;
        let paid_end = d.cv.paid.last().map_or(0.0, |q| q.1);
        if let (Some(b), false, false) = (d.budget, self.result.summary.cap_binds, d.empty) {
            let text = format!(
                "cap not reached by {last}: {} headroom",
                self.money.amount(headroom(self.result, self.terms))
            );
            let size = c.measure(&text, t.label(), false)?;
            let (top_y, bot_y) = (frame.y(b), frame.y(paid_end));
            let bx = frame.x(d.cv.end) - t.px(14.0);
            if bot_y - top_y > t.px(12.0) {
                let (tick, w) = (t.px(7.0), t.px(2.0));
                c.line(
                    &[(bx - tick, top_y), (bx + tick, top_y)],
                    MUTED.to_rgba(),
                    w,
                )?;
                c.line(&[(bx, top_y), (bx, bot_y)], MUTED.to_rgba(), w)?;
                c.line(
                    &[(bx - tick, bot_y), (bx + tick, bot_y)],
                    MUTED.to_rgba(),
                    w,
                )?;
                obs.add_polyline(&[(bx, top_y), (bx, bot_y)], t.px(tick));
            }
            let mid = (top_y + bot_y) / 2.0 - size.1 / 2.0;
            let gap = t.px(14.0);
            let mut cands = vec![
                Rect::new(bx - gap - size.0, mid, size.0, size.1),
                Rect::new(bx - gap - size.0, top_y + gap, size.0, size.1),
            ];
            cands.extend(along_line(&p, top_y, size, t.px(10.0)));
            cands.extend(c.corners(&p, size));
            note = obs.place_best(&cands, bounds).map(|b| (text, b));
        } else if self.terms.cap.is_none() {
            let text = format!("no cap: all that is due through {last} is paid");
            let size = c.measure(&text, t.label(), false)?;
            note = obs
                .place_best(&c.corners(&p, size), bounds)
                .map(|b| (text, b));
        }
        if d.empty {
            let text = "no revenue in the term: nothing is paid".to_string();
            let size = c.measure(&text, t.label(), false)?;
            note = obs
                .place_best(&c.corners(&p, size), bounds)
                .map(|b| (text, b));
        }
        Ok(note)
    }

    /// The foregone amount inside its area, where it fits clear of `placed`.
    fn foregone_label<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        frame: &Frame,
        cv: &Curves,
        marker: Option<(f64, f64)>,
        placed: &[Rect],
        bounds: &Rect,
    ) -> Result<Placed, Error> {
        let t = c.theme;
        let p = frame.plot;
        if f(self.result.summary.foregone) <= 0.0 {
            return Ok(None);
        }
        let text = format!(
            "{} foregone",
            self.money.amount(f(self.result.summary.foregone))
        );
        let (w, h) = c.measure(&text, t.label(), true)?;
        let (k0, end_px) = (marker.map_or(p.x0, |m| m.0), frame.x(cv.end));
        let pad = t.px(10.0);
        for share in [0.7, 0.6, 0.8, 0.5, 0.88, 0.4, 0.3] {
            let cx = k0 + (end_px - k0) * share;
            let (x0, x1) = (cx - w / 2.0 - pad, cx + w / 2.0 + pad);
            if x0 < p.x0 || x1 > end_px {
                continue;
            }
            // The band's inner edges over the label's width.
            let mut hi: f64 = f64::MIN; // lowest pixel of the upper curve
            let mut lo: f64 = f64::MAX; // highest pixel of the lower curve
            let mut px = x0;
            while px <= x1 {
                let x = frame.data_x(px);
                hi = hi.max(frame.y(interpolate(&cv.uncapped, x)));
                lo = lo.min(frame.y(interpolate(&cv.paid, x)));
                px += t.px(2.0);
            }
            if lo - hi < h + 2.0 * pad {
                continue;
            }
            let b = Rect::new(cx - w / 2.0, (hi + lo) / 2.0 - h / 2.0, w, h);
            if bounds.contains(&b) && !placed.iter().any(|o| o.intersects(&b.inflate(pad))) {
                return Ok(Some((text, b)));
            }
        }
        Ok(None)
    }
}

impl Chart for Scenario<'_> {
    type Plot = ScenarioPlot;

    fn describe<DB: DrawingBackend>(&self, _: &Canvas<DB>) -> Described<ScenarioPlot> {
        let (r, terms, money) = (self.result, self.terms, self.money);
        let origin = r.from;
        let cv = curves(r, origin);
        let empty = r.segments.is_empty();
        let days = if empty {
            // Nothing to draw: show the term itself.
            (origin.days_until(terms.through) + 1).clamp(1, 366 * 100)
        } else {
            (cv.end.round() as i64).max(1)
        };
        let last = last_day(origin, days as f64);
        let budget = budget(terms);
        let kink = budget.and_then(|b| binding_point(r, &cv.paid, b, origin));
        let mut notes = vec![format!(
            "Source: {}. Term {} to {}; revenue accrues evenly over the days of each period.",
            r.source, r.from, terms.through
        )];
        notes.extend(super::coverage::notes(&[r], terms.through));
        if !terms.already_paid.is_zero() {
            notes.push(format!(
                "Payments within the term only; {} paid before {} counts toward the cap, so the line marks the {} left.",
                money.exact(f(terms.already_paid)),
                r.from,
                money.amount(budget.unwrap_or(0.0))
            ));
        }
        Ok(Some(Description {
            title: format!(
                "{}: cumulative payments at {}",
                r.name,
                terms_title(terms, money, super::coverage::data_end(&[r], terms.through))
            ),
            headline: headline(r, terms, money, last),
            notes,
            plot: ScenarioPlot {
                cv,
                days,
                last,
                budget,
                kink,
                empty,
            },
        }))
    }

    fn plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, room: Room, d: ScenarioPlot) -> Plotted {
        let (origin, days) = (self.result.from, d.days);
        let y_max =
            d.cv.uncapped
                .iter()
                .map(|p| p.1)
                .fold(0.0, f64::max)
                .max(d.budget.unwrap_or(0.0));
        let plot = MoneyPlot {
            room,
            x: Scale::Calendar { origin, days },
            x_max: days as f64,
            y_max,
            money: self.money,
            caption: "cumulative payments",
        };
        let (frame, _) = framed(c, &plot)?;

        let mut obs = Obstacles::new();
        let drawn = self.data(c, &frame, &d, &mut obs)?;
        let labels = self.place_labels(c, &frame, &d, drawn, &mut obs)?;
        self.draw_labels(c, labels)
    }
}

/// The one-scenario chart's labels, placed: the foregone amount, the binding date
/// (with its marker), the cap's amount, the note, and the legend.
struct Labels {
    foregone: Placed,
    binding: Option<(String, Rect, (f64, f64))>,
    cap: Placed,
    note: Placed,
    legend: Option<(Rect, Vec<(Swatch, String)>)>,
}

impl Scenario<'_> {
    /// Places the labels, most important first, each clear of the data in `obs`
    /// and of the labels before it.
    fn place_labels<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        frame: &Frame,
        d: &ScenarioPlot,
        (cap_y, marker): CapAndMarker,
        obs: &mut Obstacles,
    ) -> Result<Labels, Error> {
        let t = c.theme;
        let p = frame.plot;
        let bounds = label_bounds(c, frame);
        let mut placed: Vec<Rect> = Vec::new();
        // 1. The binding date, next to the marker and off the curves.
        let mut binding = None;
        if let (Some(m), Some(date)) = (marker, self.result.summary.binding_date) {
            let text = format!("cap binds {date}");
            let size = c.measure(&text, t.label(), true)?;
            let cands = around(m, size, t.px(18.0), &[1.0, 2.0, 3.5, 6.0, 10.0]);
            if let Some(b) = obs.place_best(&cands, &bounds) {
                placed.push(b);
                binding = Some((text, b, m));
            }
        }
        // 2. The legend, in a free corner.
        let entries = self.entries();
        let legend = if entries.len() > 1 {
            place_legend(c, obs, &entries, &p, &bounds)?
        } else {
            None
        };
        placed.extend(legend);
        // 3. The cap's amount on its line.
        let cap = cap_text(
            c,
            obs,
            &p,
            cap_y,
            cap_label(self.terms, self.money),
            &bounds,
        )?;
        placed.extend(cap.as_ref().map(|l| l.1));
        // 4. A note when the cap does not bind, or there is none.
        let note = self.note(c, frame, d, obs, &bounds)?;
        placed.extend(note.as_ref().map(|n| n.1));
        // 5. The foregone amount inside its area, where it fits.
        let foregone = self.foregone_label(c, frame, &d.cv, marker, &placed, &bounds)?;
        Ok(Labels {
            foregone,
            binding,
            cap,
            note,
            legend: legend.map(|b| (b, entries)),
        })
    }

    /// Draws the labels, last, over the data.
    fn draw_labels<DB: DrawingBackend>(&self, c: &Canvas<DB>, l: Labels) -> Result<(), Error> {
        let t = c.theme;
        if let Some((text, b)) = l.foregone {
            let ink = shade(self.color, 0.45);
            c.text(&text, (b.x0, b.y0), t.label(), true, ink)?;
        }
        if let Some((text, b, m)) = l.binding {
            c.dot(m, t.px(8.0), self.color)?;
            leader(c, m, &b)?;
            c.label(&text, b, t.label(), true, INK)?;
        }
        if let Some((text, b)) = l.cap {
            c.label(&text, b, t.label(), true, CAP)?;
        }
        if let Some((text, b)) = l.note {
            c.label(&text, b, t.label(), false, INK)?;
        }
        if let Some((b, entries)) = l.legend {
            c.legend(b, &entries)?;
        }
        Ok(())
    }
}

/// The cap's amount `text` on the cap line at `cap_y`, placed clear of `obs`.
fn cap_text<DB: DrawingBackend>(
    c: &Canvas<DB>,
    obs: &mut Obstacles,
    plot: &Rect,
    cap_y: Option<f64>,
    text: Option<String>,
    bounds: &Rect,
) -> Result<Placed, Error> {
    let (Some(y), Some(text)) = (cap_y, text) else {
        return Ok(None);
    };
    let size = c.measure(&text, c.theme.label(), true)?;
    let cands = along_line(plot, y, size, c.theme.px(10.0));
    Ok(obs.place_best(&cands, bounds).map(|b| (text, b)))
}

/// What the all-scenarios chart plots: every scenario's curves over `days` from
/// the earliest term start, the cap line's amount, the money axis's top and the
/// legend.
pub struct AllPlot {
    origin: Date,
    all: Vec<Curves>,
    days: i64,
    budget: Option<f64>,
    y_max: f64,
    entries: Vec<(Swatch, String)>,
}

impl All<'_> {
    /// A legend entry per scenario: its binding date, or its headroom, or what it
    /// pays with no cap.
    fn entries(&self) -> Vec<(Swatch, String)> {
        let (terms, money) = (self.terms, self.money);
        self.results
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (color, dashed) = (scenario_color(i), scenario_dashed(i));
                let line = if dashed {
                    Swatch::Dashed(color)
                } else {
                    Swatch::Line(color)
                };
                let s = &r.summary;
                let name = clip(&r.name, 28);
                match (terms.cap, s.binding_date) {
                    (Some(_), Some(d)) => {
                        (Swatch::Dot(color, dashed), format!("{name}: cap binds {d}"))
                    }
                    (Some(_), None) => (
                        line,
                        format!(
                            "{name}: not reached, {} headroom",
                            money.amount(headroom(r, terms))
                        ),
                    ),
                    (None, _) => (
                        line,
                        format!("{name}: paid {}", money.amount(f(s.total_paid))),
                    ),
                }
            })
            .collect()
    }
}

impl Chart for All<'_> {
    type Plot = AllPlot;

    fn describe<DB: DrawingBackend>(&self, _: &Canvas<DB>) -> Described<AllPlot> {
        let (terms, money) = (self.terms, self.money);
        let Some(origin) = self.results.iter().map(|r| r.from).min() else {
            return Ok(None);
        };
        let all: Vec<Curves> = self.results.iter().map(|r| curves(r, origin)).collect();
        let end = all.iter().map(|cv| cv.end).fold(1.0, f64::max);
        let days = (end.round() as i64).max(1);
        let last = last_day(origin, days as f64);
        let budget = budget(terms);
        let n = self.results.len();
        let from = match crate::render::common_from(terms, self.results) {
            Some(d) => format!("Term {d} to {}", terms.through),
            None => format!(
                "Term from each scenario's first period to {}",
                terms.through
            ),
        };
        let mut sources: Vec<&str> = self.results.iter().map(|r| r.source.as_str()).collect();
        sources.dedup();
        let paid_max = all
            .iter()
            .flat_map(|cv| cv.paid.iter().map(|p| p.1))
            .fold(0.0, f64::max);
        let results: Vec<&ScenarioResult> = self.results.iter().collect();
        let mut notes = vec![format!(
            "Sources: {}. {from}; revenue accrues evenly over the days of each period.",
            sources.join(", ")
        )];
        notes.extend(super::coverage::notes(&results, terms.through));
        let data_end = super::coverage::data_end(&results, terms.through);
        Ok(Some(Description {
            title: format!(
                "{}: cumulative payments at {}",
                count(n, "scenario"),
                terms_title(terms, money, data_end)
            ),
            headline: all_headline(self.results, terms, money, last),
            notes,
            plot: AllPlot {
                origin,
                days,
                budget,
                // Air above the cap line for its label and the markers.
                y_max: paid_max.max(budget.unwrap_or(0.0)) * 1.08,
                entries: self.entries(),
                all,
            },
        }))
    }

    fn plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, room: Room, d: AllPlot) -> Plotted {
        let t = c.theme;
        let (terms, money) = (self.terms, self.money);
        let (origin, days) = (d.origin, d.days);
        let plot = MoneyPlot {
            room,
            x: Scale::Calendar { origin, days },
            x_max: days as f64,
            y_max: d.y_max,
            money,
            caption: "cumulative payments",
        };
        let legend_size = c.legend_size(&d.entries)?;
        let WithLegend {
            frame,
            mut geo,
            bounds,
            legend,
            ..
        } = plot_with_legend(c, legend_size, &plot, |frame| {
            self.geometry(frame, &d.all, d.budget, origin, t)
        })?;

        let p = frame.plot;
        if let Some(y) = geo.cap_y {
            c.line(&[(p.x0, y), (p.x1, y)], CAP.to_rgba(), t.px(2.0))?;
        }
        for (pts, s) in &geo.lines {
            scenario_line(c, pts, *s, t.px(4.5))?;
        }
        for (m, color) in &geo.markers {
            c.dot(*m, t.px(8.0), *color)?;
        }
        let text = cap_label(terms, money);
        if let Some((text, b)) = cap_text(c, &mut geo.obs, &p, geo.cap_y, text, &bounds)? {
            c.label(&text, b, t.label(), true, CAP)?;
        }
        c.legend(legend, &d.entries)?;
        Ok(())
    }
}

/// A scenario's rise to the cap (or whole curve) in pixels, and its index (for its
/// colour and dashes).
type ScenarioLine = (Vec<(f64, f64)>, usize);

/// What the all-scenarios chart draws in its plot, in pixels.
struct AllGeometry {
    obs: Obstacles,
    lines: Vec<ScenarioLine>,
    markers: Vec<((f64, f64), RGBColor)>,
    cap_y: Option<f64>,
}

impl Drawn for AllGeometry {
    fn obstacles(&mut self) -> &mut Obstacles {
        &mut self.obs
    }
}

impl All<'_> {
    fn geometry(
        &self,
        frame: &Frame,
        all: &[Curves],
        budget: Option<f64>,
        origin: Date,
        t: super::style::Theme,
    ) -> AllGeometry {
        let p = frame.plot;
        let mut obs = Obstacles::new();
        let cap_y = budget.map(|b| frame.y(b));
        if let Some(y) = cap_y {
            obs.add_polyline(&[(p.x0, y), (p.x1, y)], t.px(2.0));
        }
        let mut lines = Vec::new();
        let mut markers = Vec::new();
        for (i, (r, cv)) in self.results.iter().zip(all).enumerate() {
            // Once the cap binds, a scenario's payments run along the cap line, where
            // they would hide each other: each curve stops at its binding marker.
            let kink = budget.and_then(|b| binding_point(r, &cv.paid, b, origin));
            let rise: Vec<(f64, f64)> = match kink {
                Some(k) => cv
                    .paid
                    .iter()
                    .copied()
                    .filter(|p| p.0 < k.0)
                    .chain([k])
                    .collect(),
                None => cv.paid.clone(),
            };
            let pp = frame.pxs(&rise);
            obs.add_polyline(&pp, t.px(4.0));
            if let Some(k) = kink {
                let m = frame.px(k);
                obs.add_rect(Rect::square(m, t.px(12.0)));
                markers.push((m, scenario_color(i)));
            }
            lines.push((pp, i));
        }
        AllGeometry {
            obs,
            lines,
            markers,
            cap_y,
        }
    }
}

/// The headline under the all-scenarios title: where the cap binds first and last,
/// and the range of what is paid and foregone.
fn all_headline(results: &[ScenarioResult], terms: &Terms, money: &Money, last: Date) -> String {
    let range = |vals: Vec<(f64, &str)>| -> String {
        let lo = vals.iter().copied().min_by(|a, b| a.0.total_cmp(&b.0));
        let hi = vals.iter().copied().max_by(|a, b| a.0.total_cmp(&b.0));
        match (lo, hi) {
            (Some(lo), Some(hi)) if money.amount(lo.0) == money.amount(hi.0) => money.amount(lo.0),
            (Some(lo), Some(hi)) if lo.0 <= 0.0 => {
                format!("up to {} ({})", money.amount(hi.0), hi.1)
            }
            (Some(lo), Some(hi)) => format!(
                "{} ({}) to {} ({})",
                money.amount(lo.0),
                lo.1,
                money.amount(hi.0),
                hi.1
            ),
            _ => money.amount(0.0),
        }
    };
    let paid = range(
        results
            .iter()
            .map(|r| (f(r.summary.total_paid), r.name.as_str()))
            .collect(),
    );
    let mut parts = vec![format!("Paid {paid}")];
    if terms.cap.is_some() {
        let mut binds: Vec<(Date, &str)> = results
            .iter()
            .filter_map(|r| r.summary.binding_date.map(|d| (d, r.name.as_str())))
            .collect();
        binds.sort();
        let n = results.len();
        parts.push(match (binds.first(), binds.last()) {
            (Some(a), Some(_)) if binds.len() == 1 && n == 1 => format!("cap binds {}", a.0),
            (Some(a), Some(b)) if a.0 == b.0 => {
                format!("cap binds in {} of {n} on {}", binds.len(), a.0)
            }
            (Some(a), Some(b)) => format!(
                "cap binds in {} of {n}: first {} ({}), last {} ({})",
                binds.len(),
                a.0,
                a.1,
                b.0,
                b.1
            ),
            _ => format!("cap not reached by {last} in any scenario"),
        });
        let foregone = range(
            results
                .iter()
                .map(|r| (f(r.summary.foregone), r.name.as_str()))
                .collect(),
        );
        parts.push(format!("foregone {foregone}"));
    }
    parts.join("; ")
}
