//! The tornado chart of `revcap sensitivity`: for one scenario and one metric, a bar
//! per input from the metric at the input's low value to the metric at its high
//! value, around a line at the base value; the input with the largest swing on top.
//! Each half of a bar is coloured by the end it comes from (low or high input value)
//! and labelled with that input value. A binding date that does not come (the cap
//! stops binding) is drawn past the term's end, in a band labelled as such, never as
//! a date.

use plotters::prelude::*;

use super::axes::{axis, Along, Scale};
use super::layout::{Frame, Rect};
use super::render::{Chart, Described, Description, Plotted, Room};
use super::style::{
    f, line_height, shade, terms_title, tint, Canvas, Money, Swatch, GRID, INK, MUTED, PALETTE,
};
use crate::analysis::sensitivity::{Measure, Metric, Row};
use crate::analysis::Value;
use crate::error::Error;
use crate::model::{Date, Terms};

/// One scenario's rows for one metric, as [`crate::analysis::sensitivity`] sorted them.
pub struct Tornado<'a> {
    pub scenario: &'a str,
    pub metric: Metric,
    pub rows: &'a [Row],
    pub terms: &'a Terms,
    pub money: &'a Money,
    /// The day the scenario's data ends, when that is before the term's end: a cap
    /// not reached by then is not reached by the data's end.
    pub data_end: Option<Date>,
}

/// Where one end of a bar lies: a value on the x axis, or past the term's end (the
/// cap does not bind).
#[derive(Debug, Clone, Copy, PartialEq)]
enum End {
    At(f64),
    NoBinding,
}

/// The plot's data: x values (days from `origin` for dates, money otherwise).
pub struct TornadoPlot {
    /// For binding dates: day 0 of the x axis.
    origin: Option<Date>,
    base: End,
    /// Per input: its name, and each end (low, high) with its label.
    bars: Vec<Bar>,
    /// The x range of the values that are numbers, base included.
    lo: f64,
    hi: f64,
    /// For binding dates: the term's last day, in days from `origin`.
    term_end: Option<f64>,
}

/// An input's name and its two ends, each with its label.
type Bar = (String, (End, String), (End, String));

const LOW: RGBColor = PALETTE[0];
const HIGH: RGBColor = PALETTE[1];

impl Tornado<'_> {
    fn what(&self) -> &'static str {
        match self.metric {
            Metric::BindingDate => "binding date",
            Metric::TotalPaid => "total paid",
            Metric::Foregone => "amount foregone",
            Metric::PresentValue => "present value of payments",
        }
    }

    /// The metric's x position, from `origin` for dates.
    fn end(&self, m: Measure, origin: Option<Date>) -> End {
        match (m, origin) {
            (Measure::Date(Some(d)), Some(o)) => End::At(o.days_until(d) as f64),
            (Measure::Amount(Some(a)), _) => End::At(f(a)),
            _ => End::NoBinding,
        }
    }

    fn measure_text(&self, m: Measure) -> String {
        match m {
            Measure::Date(Some(d)) => d.to_string(),
            Measure::Date(None) => "does not bind".into(),
            Measure::Amount(Some(a)) => self.money.exact(f(a)),
            Measure::Amount(None) => "-".into(),
        }
    }

    fn input_text(&self, v: &Value) -> String {
        match v {
            Value::Amount(a) => self.money.exact(f(*a)),
            v => v.shown(),
        }
    }

    /// The end label: the input value, and for dates the days from the base.
    fn end_label(&self, r: &Row, m: Measure, v: &Value) -> String {
        let input = self.input_text(v);
        match (r.days_from_base(m), m) {
            (Some(0), _) => format!("{input}: no change"),
            (Some(n), _) => format!("{input}: {n:+} d"),
            (None, Measure::Date(None)) => format!("{input}: does not bind"),
            (None, Measure::Date(Some(d))) => format!("{input}: {d}"),
            (None, _) if m == r.base => format!("{input}: no change"),
            (None, _) => input,
        }
    }
}

impl Chart for Tornado<'_> {
    type Plot = TornadoPlot;

    fn describe<DB: DrawingBackend>(&self, _: &Canvas<DB>) -> Described<TornadoPlot> {
        let Some(first) = self.rows.first() else {
            return Ok(None);
        };
        let dates = self.metric == Metric::BindingDate;
        // Dates are days from the earliest date shown (an axis of calendar years).
        let origin = if dates {
            let all = self
                .rows
                .iter()
                .flat_map(|r| [r.base, r.at_low, r.at_high])
                .filter_map(|m| match m {
                    Measure::Date(d) => d,
                    Measure::Amount(_) => None,
                });
            Some(
                all.min()
                    .unwrap_or(self.terms.through)
                    .min(self.terms.through),
            )
        } else {
            None
        };
        let base = self.end(first.base, origin);
        let bars = self
            .rows
            .iter()
            .map(|r| {
                (
                    r.input.name().replace('_', " "),
                    (
                        self.end(r.at_low, origin),
                        self.end_label(r, r.at_low, &r.low),
                    ),
                    (
                        self.end(r.at_high, origin),
                        self.end_label(r, r.at_high, &r.high),
                    ),
                )
            })
            .collect::<Vec<_>>();
        let numbers: Vec<f64> = std::iter::once(base)
            .chain(bars.iter().flat_map(|(_, l, h)| [l.0, h.0]))
            .filter_map(|e| match e {
                End::At(x) => Some(x),
                End::NoBinding => None,
            })
            .collect();
        let term_end = origin.map(|o| o.days_until(self.terms.through) as f64);
        let lo = numbers.iter().copied().fold(f64::INFINITY, f64::min);
        let mut hi = numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if let Some(te) = term_end {
            if bars
                .iter()
                .any(|(_, l, h)| l.0 == End::NoBinding || h.0 == End::NoBinding)
                || base == End::NoBinding
            {
                hi = hi.max(te);
            }
        }
        let (lo, hi) = if lo.is_finite() && hi.is_finite() {
            (lo, hi)
        } else {
            (0.0, term_end.unwrap_or(1.0))
        };
        let headline = format!(
            "{}: {} at base; bars swing one input each, largest swing on top",
            capitalized(self.what()),
            self.measure_text(first.base)
        );
        let mut base_terms = terms_title(self.terms, self.money, None);
        if let Some(from) = self.terms.from {
            base_terms = format!("{base_terms}, from {from}");
        }
        if let Some(r) = self.terms.discount_rate {
            base_terms = format!(
                "{base_terms}, discounted at {} a year",
                crate::render::percent(r)
            );
        }
        let mut notes = vec![format!(
            "Base terms: {base_terms}; each bar runs from the result at the input's low value to the result at its high value, the other inputs at base."
        )];
        if dates {
            notes.push(match self.data_end {
                Some(end) => format!(
                    "Days are counted from the base binding date; \"does not bind\" means the cap is not reached by {end}, where the data ends (the term runs to {}).",
                    self.terms.through
                ),
                None => "Days are counted from the base binding date; \"does not bind\" means the cap is not reached by the term's end."
                    .into(),
            });
        }
        notes.push(
            "revcap sensitivity: every bar end is a full run of the engine at that input value."
                .into(),
        );
        Ok(Some(Description {
            title: format!("{}: what moves the {} most", self.scenario, self.what()),
            headline,
            notes,
            plot: TornadoPlot {
                origin,
                base,
                bars,
                lo,
                hi,
                term_end,
            },
        }))
    }

    fn plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, room: Room, p: TornadoPlot) -> Plotted {
        let t = c.theme;
        let label = t.label();
        // Input names on the left, legend on top, axis below.
        let mut name_w: f64 = 0.0;
        for (name, ..) in &p.bars {
            name_w = name_w.max(c.measure(name, label, true)?.0);
        }
        let legend = [
            (
                Swatch::Area(LOW, LOW),
                "result at the input's low value".to_string(),
            ),
            (
                Swatch::Area(HIGH, HIGH),
                "result at the input's high value".to_string(),
            ),
        ];
        let legend_h = line_height(label) + t.px(30.0);
        let x0 = t.margin() + name_w + t.px(24.0);
        let x1 = t.width - t.margin();
        let axis_h = (line_height(label) + t.px(10.0)) * 2.0 + t.px(24.0);
        let plot = Rect {
            x0,
            y0: room.top + legend_h + t.px(8.0),
            x1,
            y1: room.bottom - axis_h,
        };
        // Room for end labels beyond the bars, and a band past the term's end for
        // "does not bind".
        let span = (p.hi - p.lo).max(if p.origin.is_some() { 30.0 } else { 1.0 });
        let no_binding = p
            .bars
            .iter()
            .any(|(_, l, h)| l.0 == End::NoBinding || h.0 == End::NoBinding);
        let band = if no_binding { span * 0.22 } else { 0.0 };
        let pad = span * 0.3;
        let frame = Frame {
            plot,
            x_min: p.lo - pad,
            x_max: p.hi + band + pad * if no_binding { 0.15 } else { 1.0 },
            y_min: 0.0,
            y_max: 1.0,
        };
        let no_bind_x = p.hi + band * 0.55;
        let xpos = |e: End| match e {
            End::At(x) => frame.x(x),
            End::NoBinding => frame.x(no_bind_x),
        };
        // Legend: two swatches in a row above the plot.
        let mut lx = plot.x0;
        for (sw, text) in &legend {
            let Swatch::Area(col, _) = sw else { continue };
            let ly = room.top + t.px(14.0);
            let sq = Rect::new(
                lx,
                ly + t.px(4.0),
                t.px(28.0),
                line_height(label) - t.px(4.0),
            );
            c.fill(sq, col.to_rgba())?;
            let r = c.text(text, (sq.x1 + t.px(10.0), ly), label, false, INK)?;
            lx = r.x1 + t.px(36.0);
        }
        // Axis.
        match p.origin {
            Some(origin) => {
                axis(
                    c,
                    &frame,
                    Along::X,
                    Scale::Calendar {
                        origin,
                        // Dates stop at the band past the last binding date: a year
                        // labelled under "does not bind" would read as a date.
                        days: if no_binding { p.hi } else { frame.x_max }.ceil() as i64,
                    },
                )?;
            }
            None => {
                let ticks = ticks(frame.x_min.max(0.0), frame.x_max);
                axis(
                    c,
                    &frame,
                    Along::X,
                    Scale::Money {
                        ticks: &ticks,
                        money: self.money,
                        caption: self.what(),
                    },
                )?;
            }
        }
        // The band past the last binding date shown (the term's end, unless the
        // `through` swing moves it later): where "does not bind" is drawn.
        if no_binding {
            let bx = frame.x(p.hi);
            c.fill(
                Rect {
                    x0: bx,
                    y0: plot.y0,
                    x1: plot.x1,
                    y1: plot.y1,
                },
                GRID.mix(0.45),
            )?;
            c.dashed(
                &[(bx, plot.y0), (bx, plot.y1)],
                MUTED.to_rgba(),
                t.px(2.0),
                t.px(8.0),
                t.px(6.0),
            )?;
            if p.term_end == Some(p.hi) {
                let text = format!("term ends {}", self.terms.through);
                let (w, _) = c.measure(&text, t.small(), false)?;
                // At the foot of the line, inside the band where it fits (the
                // base's label is at the top, its line may be close by).
                let h = line_height(t.small());
                let x = if plot.x1 - bx >= w + t.px(16.0) {
                    bx + t.px(8.0)
                } else {
                    bx - w - t.px(8.0)
                };
                let r = Rect::new(x, plot.y1 - h - t.px(6.0), w, h);
                c.label(&text, r, t.small(), false, MUTED)?;
            }
            // The band's heading, unless the base's own label ("base: does not
            // bind") stands there already.
            if p.base != End::NoBinding {
                let nb = "does not bind";
                let (w, _) = c.measure(nb, t.small(), true)?;
                c.text(
                    nb,
                    ((bx + plot.x1 - w) / 2.0, plot.y0 + t.px(4.0)),
                    t.small(),
                    true,
                    MUTED,
                )?;
            }
        }
        // Bars, largest swing on top.
        let n = p.bars.len().max(1) as f64;
        let top = plot.y0 + line_height(t.small()) + t.px(12.0);
        let row_h = (plot.y1 - top) / n;
        let bar_h = (row_h * 0.56).min(t.px(70.0));
        let base_x = match p.base {
            End::At(x) => Some(frame.x(x)),
            End::NoBinding => p.term_end.map(|_| frame.x(no_bind_x)),
        };
        // Drawn last, over the base line.
        let mut end_labels: Vec<(String, Rect, RGBColor)> = Vec::new();
        for (i, (name, low, high)) in p.bars.iter().enumerate() {
            let mid = top + row_h * (i as f64 + 0.5);
            let (nw, _) = c.measure(name, label, true)?;
            c.text(
                name,
                (x0 - t.px(24.0) - nw, mid - line_height(label) / 2.0),
                label,
                true,
                INK,
            )?;
            c.line(
                &[(plot.x0, mid + row_h / 2.0), (plot.x1, mid + row_h / 2.0)],
                GRID.mix(0.6),
                t.px(1.0),
            )?;
            let Some(bx) = base_x else { continue };
            let (y0, y1) = (mid - bar_h / 2.0, mid + bar_h / 2.0);
            // The longer half first, so a shorter half on the same side stays seen.
            let mut halves = [(low, LOW), (high, HIGH)];
            halves.sort_by(|a, b| {
                let d = |e: &End| (xpos(*e) - bx).abs();
                d(&b.0 .0).total_cmp(&d(&a.0 .0))
            });
            let same_side = (xpos(low.0) - bx) * (xpos(high.0) - bx) > 0.0;
            for (k, ((end, _), col)) in halves.iter().enumerate() {
                let ex = xpos(*end);
                let (a, b) = (bx.min(ex), bx.max(ex));
                let (ya, yb) = if same_side && k == 1 {
                    // The shorter half on the same side: thinner, over the longer.
                    (mid - bar_h / 4.0, mid + bar_h / 4.0)
                } else {
                    (y0, y1)
                };
                if b - a < t.px(2.0) {
                    c.fill(
                        Rect {
                            x0: ex - t.px(1.5),
                            y0: ya,
                            x1: ex + t.px(1.5),
                            y1: yb,
                        },
                        col.to_rgba(),
                    )?;
                } else {
                    let fill = if *end == End::NoBinding {
                        tint(*col, 0.35)
                    } else {
                        *col
                    };
                    c.fill(
                        Rect {
                            x0: a,
                            y0: ya,
                            x1: b,
                            y1: yb,
                        },
                        fill.to_rgba(),
                    )?;
                }
            }
            // Labels at the outer ends. An end at the base goes on the side away
            // from the other end; both at the base share one label.
            let (lx, hx) = (xpos(low.0), xpos(high.0));
            let at_base = |x: f64| (x - bx).abs() < 0.5;
            let labels: Vec<(f64, String, RGBColor, bool)> = if at_base(lx) && at_base(hx) {
                let text = format!(
                    "{} to {}: no change",
                    low.1.trim_end_matches(": no change"),
                    high.1.trim_end_matches(": no change")
                );
                vec![(bx, text, INK, true)]
            } else {
                [(low, LOW, hx), (high, HIGH, lx)]
                    .into_iter()
                    .map(|((end, text), col, other)| {
                        let ex = xpos(*end);
                        let right = if at_base(ex) { other < bx } else { ex > bx };
                        (ex, text.clone(), col, right)
                    })
                    .collect()
            };
            let mut placed: Vec<Rect> = Vec::new();
            for (ex, text, col, right) in labels {
                let (w, h) = c.measure(&text, t.small(), false)?;
                let mut y = mid - h / 2.0;
                let x = if ex >= frame.x(no_bind_x) - 0.5 && no_binding {
                    // Inside the band past the last binding date, after its edge.
                    (frame.x(p.hi) + t.px(10.0)).min(plot.x1 - w - t.px(4.0))
                } else if right {
                    ex + t.px(8.0)
                } else {
                    ex - t.px(8.0) - w
                };
                let mut r = Rect::new(x, y, w, h);
                while placed.iter().any(|o| o.intersects(&r)) {
                    y += h * 1.05;
                    r = Rect::new(x, y, w, h);
                }
                end_labels.push((text, r, shade(col, 0.3)));
                placed.push(r);
            }
        }
        // The base line over the bars, under the end labels (which it would cross
        // where an end is at the base, "does not bind" in the band).
        if let Some(bx) = base_x {
            c.line(
                &[(bx, top - t.px(6.0)), (bx, plot.y1)],
                INK.to_rgba(),
                t.px(2.5),
            )?;
            let text = match (self.rows.first(), p.base) {
                (Some(r), End::At(_)) => format!("base {}", self.measure_text(r.base)),
                _ => "base: does not bind".into(),
            };
            let (w, _) = c.measure(&text, t.small(), true)?;
            let x = (bx - w / 2.0).clamp(plot.x0, plot.x1 - w);
            c.text(&text, (x, plot.y0 + t.px(2.0)), t.small(), true, INK)?;
        }
        for (text, r, ink) in &end_labels {
            c.label(text, *r, t.small(), false, *ink)?;
        }
        Ok(())
    }
}

/// `text` with its first letter in upper case.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Round money ticks from `lo` to `hi`, about six of them.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(1.0);
    let raw = span / 6.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut out = Vec::new();
    let mut v = (lo / step).ceil() * step;
    while v <= hi + step * 1e-9 {
        out.push(v);
        v += step;
    }
    out
}

/// Renders a tornado chart per scenario and metric: `<scenario>-tornado-<metric>`.
pub fn tornado_charts(
    names: &[&str],
    rows: &[Row],
    data_ends: &[(String, Date)],
    metrics: &[Metric],
    terms: &Terms,
    money: &Money,
    mut emit: impl FnMut(String, &Tornado) -> Result<(), Error>,
) -> Result<(), Error> {
    let stems = super::file_stems(names.iter().copied());
    for (name, stem) in names.iter().zip(&stems) {
        for &metric in metrics {
            let start = rows
                .iter()
                .position(|r| r.scenario == *name && r.metric == metric);
            let Some(start) = start else { continue };
            let len = rows
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|r| r.scenario == *name && r.metric == metric)
                .count();
            let chart = Tornado {
                scenario: name,
                metric,
                rows: rows.get(start..start + len).unwrap_or_default(),
                terms,
                money,
                data_end: data_ends
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|&(_, end)| end),
            };
            emit(
                format!("{stem}-tornado-{}", metric.name().replace('_', "-")),
                &chart,
            )?;
        }
    }
    Ok(())
}
