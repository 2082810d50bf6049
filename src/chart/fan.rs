//! `<group>-fan`: a distribution of paths' cumulative payments over time: the middle
//! 90% and 50% of paths at each period end as bands, the median paid, the median due
//! with no cap (dashed), the cap line, and where the binding dates fall, drawn on
//! the cap line (p5–p95 whisker, p25–p75 box, median dot) with a drop line from the
//! median to the date axis.
//!
//! The bands are per date (nearest-rank percentiles across paths at each period
//! end), not single paths: the median curve is the median at each date. Between
//! period ends they are drawn straight.

use plotters::prelude::*;
use rust_decimal::Decimal;

use super::axes::{MoneyPlot, Scale};
use super::layout::{Obstacles, Rect};
use super::render::Plotted;
use super::render::{along_line, framed, label_bounds, place_legend, Described, Description, Room};
use super::style::{f, shade, tint, Canvas, Money, Swatch, CAP, INK, MUTED};
use super::Chart;
use crate::model::Date;
use crate::montecarlo::distribution::{Band, Group, Metric, Summary, Value};

/// One group's fan chart.
pub struct Fan<'a> {
    pub group: &'a Group,
    /// The group's quantiles at each period end ([`Group::bands`]).
    pub bands: &'a [Band],
    /// The group's metric rows ([`crate::montecarlo::Distributions::summaries`]).
    pub rows: &'a [Summary],
    /// P(bound by the term end), for the headline.
    pub bound_by_end: Option<Decimal>,
    pub through: Date,
    pub already_paid: Decimal,
    pub money: &'a Money,
    pub color: RGBColor,
}

/// What the plot needs, in days from the group's start and amounts.
pub struct FanPlot {
    days: i64,
    /// (x, [p5, p25, p50, p75, p95], uncapped median), from (0, 0).
    points: Vec<(f64, [f64; 5], f64)>,
    budget: Option<f64>,
    /// Binding dates at p5, p25, p50, p75, p95 as x, `None` past the term end.
    binding: Option<[Option<f64>; 5]>,
}

impl Fan<'_> {
    fn metric(&self, m: Metric) -> Option<&Summary> {
        self.rows.iter().find(|r| r.metric == m)
    }

    fn x_of(&self, d: Date) -> f64 {
        self.group.from.days_until(d) as f64 + 1.0
    }
}

fn value_date(v: Option<Value>) -> Option<Date> {
    match v {
        Some(Value::Date(d)) => Some(d),
        _ => None,
    }
}

fn value_amount(v: Option<Value>) -> Option<f64> {
    match v {
        Some(Value::Amount(a)) => Some(f(a)),
        _ => None,
    }
}

impl Chart for Fan<'_> {
    type Plot = FanPlot;

    fn describe<DB: DrawingBackend>(&self, _: &Canvas<DB>) -> Described<FanPlot> {
        let g = self.group;
        let days = (g.from.days_until(self.through) + 1).max(1);
        let mut points = vec![(0.0, [0.0; 5], 0.0)];
        for Band {
            date,
            paid,
            uncapped_median,
        } in self.bands.iter().copied()
        {
            let x = self.x_of(date);
            if x <= 0.0 {
                continue;
            }
            points.push((x.min(days as f64), paid, uncapped_median));
        }
        let budget = g
            .cap
            .map(|c| f(c.checked_sub(self.already_paid).unwrap_or(c)).max(0.0));
        let dates = self.metric(Metric::BindingDate);
        let binding = match (budget, dates) {
            (Some(_), Some(s)) => {
                let q = |i: usize| value_date(s.percentiles.get(i).copied().flatten());
                // p5, p25, p50, p75, p95 are PERCENTILES[0, 2, 3, 4, 6].
                Some([q(0), q(2), q(3), q(4), q(6)].map(|d| d.map(|d| self.x_of(d))))
            }
            _ => None,
        };
        let paid = self.metric(Metric::TotalPaid);
        let median_paid = paid.and_then(|s| value_amount(s.percentiles.get(3).copied().flatten()));
        let mut headline = format!(
            "Median paid {}",
            self.money.amount(median_paid.unwrap_or(0.0))
        );
        if let (Some(cap), Some(p)) = (g.cap, self.bound_by_end) {
            let median = dates.and_then(|s| value_date(s.percentiles.get(3).copied().flatten()));
            headline.push_str(&format!(
                "; the {} cap binds by {} in {} of paths{}",
                self.money.exact(f(cap)),
                self.through,
                super::style::rounded_percent(p),
                median.map_or_else(
                    || " (fewer than half)".to_string(),
                    |d| format!(", median {d}")
                )
            ));
        }
        let name = if g.variant.is_empty() {
            g.group.clone()
        } else {
            format!("{} under {}", g.group, g.variant)
        };
        Ok(Some(Description {
            title: format!("{name}: cumulative payments across {} paths", g.paths()),
            headline,
            notes: vec![
                format!(
                    "Bands: the middle 90% and 50% of paths at each period end (nearest-rank percentiles across paths, so the median line is no single path). Term {} to {}.",
                    g.from, self.through
                ),
                "On the cap line: when the cap binds, p5 to p95 (whisker), p25 to p75 (box) and the median (dot); an open whisker runs past the term end where paths never bind.".into(),
            ],
            plot: FanPlot {
                days,
                points,
                budget,
                binding,
            },
        }))
    }

    fn plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, room: Room, d: FanPlot) -> Plotted {
        let t = c.theme;
        let y_max = d
            .points
            .iter()
            .map(|p| p.1[4].max(p.2))
            .fold(0.0, f64::max)
            .max(d.budget.unwrap_or(0.0));
        let plot = MoneyPlot {
            room,
            x: Scale::Calendar {
                origin: self.group.from,
                days: d.days,
            },
            x_max: d.days as f64,
            y_max,
            money: self.money,
            caption: "cumulative payments",
        };
        let (frame, _) = framed(c, &plot)?;
        let p = frame.plot;
        let mut obs = Obstacles::new();
        let at = |q: [f64; 5], i: usize| q.get(i).copied().unwrap_or(0.0);
        let band = |lo: usize, hi: usize| -> Vec<(f64, f64)> {
            let mut poly: Vec<(f64, f64)> = d
                .points
                .iter()
                .map(|q| frame.px((q.0, at(q.1, hi))))
                .collect();
            poly.extend(d.points.iter().rev().map(|q| frame.px((q.0, at(q.1, lo)))));
            poly
        };
        let outer = tint(self.color, 0.8);
        let inner = tint(self.color, 0.5);
        c.polygon(&band(0, 4), outer.to_rgba())?;
        c.polygon(&band(1, 3), inner.to_rgba())?;
        for q in &d.points {
            let (x, top) = frame.px((q.0, q.1[4]));
            let bottom = frame.y(q.1[0]);
            obs.add_rect(Rect::new(x - t.px(6.0), top, t.px(12.0), bottom - top));
        }
        let uncapped: Vec<(f64, f64)> = d.points.iter().map(|q| frame.px((q.0, q.2))).collect();
        let median: Vec<(f64, f64)> = d.points.iter().map(|q| frame.px((q.0, q.1[2]))).collect();
        let diverges = d.points.iter().any(|q| q.2 > q.1[2] * (1.0 + 1e-9));
        if diverges {
            c.dashed(
                &uncapped,
                self.color.to_rgba(),
                t.px(3.5),
                t.px(16.0),
                t.px(10.0),
            )?;
            obs.add_polyline(&uncapped, t.px(4.0));
        }
        c.line(&median, shade(self.color, 0.2).to_rgba(), t.px(5.0))?;
        obs.add_polyline(&median, t.px(4.0));
        let bounds = label_bounds(c, &frame);
        // The cap line, its label, and the binding dates on it.
        let mut cap_label = None;
        let mut binding_label = None;
        if let Some(b) = d.budget {
            let y = frame.y(b);
            c.line(&[(p.x0, y), (p.x1, y)], CAP.to_rgba(), t.px(2.0))?;
            obs.add_polyline(&[(p.x0, y), (p.x1, y)], t.px(2.0));
            if let Some(q) = d.binding {
                let x = |v: Option<f64>| v.map_or(p.x1, |v| frame.x(v));
                let ink = shade(self.color, 0.35);
                let (w5, w95) = (x(q[0]), x(q[4]));
                if q[0].is_some() {
                    c.line(&[(w5, y), (w95, y)], ink.to_rgba(), t.px(4.0))?;
                    for (end, reached) in [(w5, true), (w95, q[4].is_some())] {
                        if reached {
                            c.line(
                                &[(end, y - t.px(10.0)), (end, y + t.px(10.0))],
                                ink.to_rgba(),
                                t.px(3.0),
                            )?;
                        }
                    }
                    if q[1].is_some() {
                        let bx = Rect {
                            x0: x(q[1]),
                            y0: y - t.px(9.0),
                            x1: x(q[3]),
                            y1: y + t.px(9.0),
                        };
                        c.fill(bx, tint(self.color, 0.25).to_rgba())?;
                        c.outline(bx, ink.to_rgba(), t.px(2.0))?;
                    }
                    obs.add_rect(Rect::new(w5, y - t.px(12.0), w95 - w5, t.px(24.0)));
                }
                if let Some(m) = q[2] {
                    let mx = frame.x(m);
                    let drop = [(mx, y), (mx, p.y1)];
                    c.dashed(&drop, MUTED.to_rgba(), t.px(1.5), t.px(5.0), t.px(5.0))?;
                    obs.add_polyline(&drop, t.px(1.5));
                    c.dot((mx, y), t.px(8.0), self.color)?;
                }
                let date = |v: Option<f64>| {
                    v.and_then(|v| self.group.from.add_days(v as i64 - 1))
                        .map_or_else(|| "never".to_string(), |d| d.to_string())
                };
                let text = match (q[2], q[1]) {
                    (Some(_), Some(_)) => format!(
                        "cap binds: median {}, middle half {} to {}",
                        date(q[2]),
                        date(q[1]),
                        if q[3].is_some() {
                            date(q[3])
                        } else {
                            "not by the term end".into()
                        }
                    ),
                    _ if q[0].is_some() => format!(
                        "cap binds in fewer than half of the paths by {}",
                        self.through
                    ),
                    _ => format!(
                        "cap binds in fewer than 5% of the paths by {}",
                        self.through
                    ),
                };
                let size = c.measure(&text, t.label(), true)?;
                let gap = t.px(16.0);
                let mid = q[2].map_or((p.x0 + p.x1) / 2.0, |m| frame.x(m));
                let mut cands = vec![
                    Rect::new(mid - size.0 / 2.0, y - gap - size.1, size.0, size.1),
                    Rect::new(mid - size.0 / 2.0, y + gap, size.0, size.1),
                    Rect::new(mid - size.0, y - gap - size.1, size.0, size.1),
                    Rect::new(mid, y - gap - size.1, size.0, size.1),
                    Rect::new(mid - size.0, y + gap, size.0, size.1),
                    Rect::new(mid, y + gap, size.0, size.1),
                ];
                cands.extend(along_line(&p, y, size, t.px(10.0)));
                binding_label = obs.place_best(&cands, &bounds).map(|b| (text, b));
            }
            if let Some(cap) = self.group.cap {
                let text = if self.already_paid.is_zero() {
                    format!("cap {}", self.money.exact(f(cap)))
                } else {
                    format!(
                        "cap {} less {} already paid",
                        self.money.exact(f(cap)),
                        self.money.exact(f(self.already_paid))
                    )
                };
                let size = c.measure(&text, t.label(), true)?;
                cap_label = obs
                    .place_best(&along_line(&p, y, size, t.px(10.0)), &bounds)
                    .map(|b| (text, b));
            }
        }
        let mut entries = vec![
            (
                Swatch::Line(shade(self.color, 0.2)),
                "median paid".to_string(),
            ),
            (Swatch::Area(inner, inner), "middle 50% of paths".into()),
            (Swatch::Area(outer, outer), "middle 90% of paths".into()),
        ];
        if diverges {
            entries.push((Swatch::Dashed(self.color), "median due with no cap".into()));
        }
        let legend = place_legend(c, &mut obs, &entries, &p, &bounds)?;
        if let Some((text, b)) = binding_label {
            c.label(&text, b, t.label(), true, INK)?;
        }
        if let Some((text, b)) = cap_label {
            c.label(&text, b, t.label(), true, CAP)?;
        }
        if let Some(b) = legend {
            c.legend(b, &entries)?;
        }
        Ok(())
    }
}
