//! Axes shared by the charts: [`MoneyPlot`], a plot with money up its y axis (its
//! layout between header and footer, and both its axes drawn at once), and one
//! [`axis`] function drawing a [`Scale`] (money, calendar or categories) along
//! either side of the plot ([`Along`]). Money along y has grid lines, tick labels in
//! readable units and a caption above; along x (the `compare` charts' caps) tick
//! marks, thinned labels and a caption beneath. A calendar along x has years, or
//! quarters/months with the year beneath; along y (binding dates) one label per
//! interval. Grid lines, ticks and base lines of both orientations are one shape,
//! a line across an axis (`across`).
use plotters::prelude::*;

use super::layout::{intervals, nice_ticks, time_unit, Frame, Rect, TimeUnit};
use super::render::Room;
use super::style::{line_height, Canvas, Money, AXIS, GRID, INK, MUTED};
use crate::error::Error;
use crate::model::Date;

/// Which side of the plot an axis runs along: x (below it) or y (left of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Along {
    X,
    Y,
}

/// What an axis shows.
#[derive(Debug, Clone, Copy)]
pub enum Scale<'a> {
    /// Money at `ticks`, with `caption` (and the unit, when ticks lack it).
    Money {
        ticks: &'a [f64],
        money: &'a Money,
        caption: &'a str,
    },
    /// Calendar time, in days from `origin`, `days` long.
    Calendar { origin: Date, days: i64 },
    /// One label per slot `[i, i + 1)` (along x only).
    Categories(&'a [String]),
    /// One label per span `[from, to)` of any width, centred on it (along x only):
    /// bars as wide as periods of several lengths.
    Spans(&'a [(f64, f64, String)]),
}

/// Draws `scale` along one side of `frame`.
pub fn axis<DB: DrawingBackend>(
    c: &Canvas<DB>,
    frame: &Frame,
    along: Along,
    scale: Scale,
) -> Result<(), Error> {
    match (along, scale) {
        (
            Along::Y,
            Scale::Money {
                ticks,
                money,
                caption,
            },
        ) => money_y(c, frame, ticks, money, caption),
        (
            Along::X,
            Scale::Money {
                ticks,
                money,
                caption,
            },
        ) => money_x(c, frame, ticks, money, caption),
        (Along::X, Scale::Calendar { origin, days }) => time_x(c, frame, origin, days),
        (Along::Y, Scale::Calendar { origin, days }) => time_y(c, frame, origin, days),
        (Along::X, Scale::Categories(labels)) => category_x(c, frame, labels),
        (Along::Y, Scale::Categories(_)) => {
            Err(Error::Chart("no chart has categories along y".into()))
        }
        (Along::X, Scale::Spans(spans)) => span_x(c, frame, spans),
        (Along::Y, Scale::Spans(_)) => Err(Error::Chart("no chart has spans along y".into())),
    }
}

/// A line across the `along` axis at its pixel `at`, from `from` to `to` in the
/// other coordinate: the one shape behind grid lines, ticks and base lines.
fn across<DB: DrawingBackend>(
    c: &Canvas<DB>,
    along: Along,
    at: f64,
    (from, to): (f64, f64),
    color: RGBColor,
) -> Result<(), Error> {
    let pts = match along {
        Along::X => [(at, from), (at, to)],
        Along::Y => [(from, at), (to, at)],
    };
    c.line(&pts, color.to_rgba(), c.theme.px(1.5))
}

/// The plot's extent across the `along` axis: top to bottom for x, left to right
/// for y.
fn extent(frame: &Frame, along: Along) -> (f64, f64) {
    let p = frame.plot;
    match along {
        Along::X => (p.y0, p.y1),
        Along::Y => (p.x0, p.x1),
    }
}

/// A grid line across the plot at pixel `at` of the `along` axis.
fn rule<DB: DrawingBackend>(
    c: &Canvas<DB>,
    frame: &Frame,
    along: Along,
    at: f64,
    color: RGBColor,
) -> Result<(), Error> {
    across(c, along, at, extent(frame, along), color)
}

/// A tick mark `len` long outside the plot at pixel `at` of the `along` axis.
fn tick<DB: DrawingBackend>(
    c: &Canvas<DB>,
    frame: &Frame,
    along: Along,
    at: f64,
    len: f64,
) -> Result<(), Error> {
    let (near, far) = extent(frame, along);
    let span = match along {
        Along::X => (far, far + len),
        Along::Y => (near - len, near),
    };
    across(c, along, at, span, AXIS)
}

/// The plot's edge on the `along` side.
fn base_line<DB: DrawingBackend>(c: &Canvas<DB>, frame: &Frame, along: Along) -> Result<(), Error> {
    let p = frame.plot;
    match along {
        Along::X => across(c, Along::Y, p.y1, (p.x0, p.x1), AXIS),
        Along::Y => across(c, Along::X, p.x0, (p.y0, p.y1), AXIS),
    }
}

/// The width of the widest of `labels` at the label size.
fn widest<DB: DrawingBackend, S: AsRef<str>>(
    c: &Canvas<DB>,
    labels: impl IntoIterator<Item = S>,
) -> Result<f64, Error> {
    let mut w: f64 = 0.0;
    for l in labels {
        w = w.max(c.measure(l.as_ref(), c.theme.label(), false)?.0);
    }
    Ok(w)
}

/// A plot with money up its y axis, as its axes read: the room it is laid out in,
/// what runs along x (from 0 to `x_max`), the largest value it must show, and the
/// money axis's caption. Every chart but the grid and the binding dates is one.
#[derive(Debug, Clone, Copy)]
pub struct MoneyPlot<'a> {
    pub room: Room,
    pub x: Scale<'a>,
    pub x_max: f64,
    pub y_max: f64,
    pub money: &'a Money,
    pub caption: &'a str,
}

impl MoneyPlot<'_> {
    /// Rows of labels the x axis takes below the plot: two for a calendar by
    /// quarter or month (the years beneath) and for money (the caption beneath).
    fn x_rows(&self) -> f64 {
        match self.x {
            Scale::Calendar { days, .. } if time_unit(days) != TimeUnit::Year => 2.0,
            Scale::Money { .. } => 2.0,
            _ => 1.0,
        }
    }

    /// Lays out the plot rectangle in the room, leaving room for the money caption
    /// above, the tick labels left and the x axis below; `right` pixels are kept
    /// free right of the plot (for a legend). Returns the frame and the money ticks.
    pub fn layout<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        right: f64,
    ) -> Result<(Frame, Vec<f64>), Error> {
        let t = c.theme;
        let caption_h = line_height(t.small()) + t.px(14.0);
        let axis_h = self.x_rows() * (line_height(t.label()) + t.px(10.0)) + t.px(12.0);
        let plot_top = self.room.top + t.px(26.0) + caption_h;
        let plot_bottom = (self.room.bottom - t.px(18.0) - axis_h).max(plot_top + t.px(60.0));
        let target = ((plot_bottom - plot_top) / t.px(95.0))
            .round()
            .clamp(3.0, 8.0) as usize;
        // A little air above the data so nothing touches the top edge.
        let (top_value, ticks) = nice_ticks(self.y_max * 1.04, target);
        let label_w = widest(c, ticks.iter().map(|v| self.money.tick(*v)))?;
        let plot = Rect {
            x0: t.margin() + label_w + t.px(14.0),
            y0: plot_top,
            x1: (t.width - t.margin() - right).max(t.margin() + label_w + t.px(80.0)),
            y1: plot_bottom,
        };
        let frame = Frame {
            plot,
            x_min: 0.0,
            x_max: if self.x_max > 0.0 { self.x_max } else { 1.0 },
            y_min: 0.0,
            y_max: top_value,
        };
        Ok((frame, ticks))
    }

    /// Draws both axes of `frame`: money at `ticks` along y, then the x scale.
    pub fn draw<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        frame: &Frame,
        ticks: &[f64],
    ) -> Result<(), Error> {
        let y = Scale::Money {
            ticks,
            money: self.money,
            caption: self.caption,
        };
        axis(c, frame, Along::Y, y)?;
        axis(c, frame, Along::X, self.x)
    }
}

/// Horizontal grid lines with money labels on the left and `caption` above them.
fn money_y<DB: DrawingBackend>(
    c: &Canvas<DB>,
    frame: &Frame,
    ticks: &[f64],
    money: &Money,
    caption: &str,
) -> Result<(), Error> {
    let t = c.theme;
    let p = frame.plot;
    for v in ticks {
        let y = frame.y(*v);
        rule(c, frame, Along::Y, y, if *v == 0.0 { AXIS } else { GRID })?;
        let label = money.tick(*v);
        let at = (p.x0 - t.px(14.0), y - line_height(t.label()) / 2.0);
        c.text_right(&label, at, t.label(), false, MUTED)?;
    }
    let caption = money.caption(caption);
    let h = line_height(t.small());
    c.text(
        &caption,
        (t.margin(), p.y0 - t.px(26.0) - h),
        t.small(),
        false,
        MUTED,
    )?;
    Ok(())
}

/// The calendar axis under `frame`, whose x is days from `origin`: boundary ticks
/// with light vertical grid lines, and labels centred in each interval's visible
/// part (years; or quarters or months with the years in a second row).
fn time_x<DB: DrawingBackend>(
    c: &Canvas<DB>,
    frame: &Frame,
    origin: Date,
    days: i64,
) -> Result<(), Error> {
    let t = c.theme;
    let p = frame.plot;
    let unit = time_unit(days);
    let row_h = line_height(t.label()) + t.px(10.0);
    let y_text = p.y1 + t.px(14.0);
    let spans = intervals(origin, days, unit);
    // Grid lines and ticks at interval starts; longer ticks at year starts.
    for iv in &spans {
        if iv.start <= frame.x_min {
            continue;
        }
        let x = frame.x(iv.start);
        let year_start = unit == TimeUnit::Year || iv.label == "Q1" || iv.label == "Jan";
        rule(c, frame, Along::X, x, GRID)?;
        let len = if year_start && unit != TimeUnit::Year {
            t.px(10.0) + row_h
        } else {
            t.px(10.0)
        };
        tick(c, frame, Along::X, x, len)?;
    }
    label_row(c, frame, &spans, y_text, unit == TimeUnit::Year)?;
    if unit != TimeUnit::Year {
        let years = intervals(origin, days, TimeUnit::Year);
        label_row(c, frame, &years, y_text + row_h, true)?;
    }
    Ok(())
}

/// Labels centred in the visible part of each interval; when a label does not fit
/// its interval, every `k`-th label is shown on the interval's start instead.
fn label_row<DB: DrawingBackend>(
    c: &Canvas<DB>,
    frame: &Frame,
    spans: &[super::layout::Interval],
    y: f64,
    strong: bool,
) -> Result<(), Error> {
    let t = c.theme;
    let color = if strong { INK } else { MUTED };
    let pad = t.px(8.0);
    let widest = widest(c, spans.iter().map(|iv| &iv.label))?;
    let full: Vec<f64> = spans
        .iter()
        .map(|iv| frame.x(iv.end) - frame.x(iv.start))
        .collect();
    let typical = full.iter().copied().fold(0.0, f64::max);
    if typical >= widest + 2.0 * pad {
        for (iv, w) in spans.iter().zip(&full) {
            let (tw, _) = c.measure(&iv.label, t.label(), false)?;
            if *w >= tw + 2.0 * pad {
                let x = (frame.x(iv.start) + frame.x(iv.end)) / 2.0 - tw / 2.0;
                c.text(&iv.label, (x, y), t.label(), false, color)?;
            }
        }
        return Ok(());
    }
    // Too narrow: label every k-th boundary, k from 1, 2, 5, 10, 20, 50...
    let k = [1usize, 2, 5, 10, 20, 50, 100, 200, 500]
        .into_iter()
        .find(|k| typical * (*k as f64) >= (widest + 2.0 * pad) * 1.2)
        .unwrap_or(1000);
    for (i, iv) in spans.iter().enumerate() {
        let keep = if strong {
            iv.year.rem_euclid(k as i32) == 0
        } else {
            i % k == 0
        };
        if iv.start <= frame.x_min || !keep {
            continue;
        }
        let (tw, _) = c.measure(&iv.label, t.label(), false)?;
        let x = frame.x(iv.start) - tw / 2.0;
        if x >= frame.plot.x0 - tw / 2.0 && x + tw <= t.width {
            c.text(&iv.label, (x, y), t.label(), false, color)?;
        }
    }
    Ok(())
}

/// Category labels under slots `0..labels.len()` (slot `i` spans `[i, i + 1)`);
/// when they do not fit, every `k`-th is shown.
fn category_x<DB: DrawingBackend>(
    c: &Canvas<DB>,
    frame: &Frame,
    labels: &[String],
) -> Result<(), Error> {
    let t = c.theme;
    let p = frame.plot;
    let pad = t.px(8.0);
    let slot = frame.x(1.0) - frame.x(0.0);
    let widest = widest(c, labels)?;
    let k = (1..=labels.len().max(1))
        .find(|k| slot * (*k as f64) >= widest + 2.0 * pad)
        .unwrap_or(labels.len().max(1));
    for (i, l) in labels.iter().enumerate() {
        if i % k != 0 {
            continue;
        }
        let (tw, _) = c.measure(l, t.label(), false)?;
        let x = frame.x(i as f64 + 0.5) - tw / 2.0;
        c.text(l, (x, p.y1 + t.px(14.0)), t.label(), false, INK)?;
    }
    Ok(())
}

/// Each span's label under its centre, left out where it would touch the one before.
fn span_x<DB: DrawingBackend>(
    c: &Canvas<DB>,
    frame: &Frame,
    spans: &[(f64, f64, String)],
) -> Result<(), Error> {
    let t = c.theme;
    let p = frame.plot;
    let pad = t.px(8.0);
    let mut free_from = f64::NEG_INFINITY;
    for (from, to, l) in spans {
        let (tw, _) = c.measure(l, t.label(), false)?;
        let x = (frame.x(*from) + frame.x(*to)) / 2.0 - tw / 2.0;
        if x < free_from {
            continue;
        }
        c.text(l, (x, p.y1 + t.px(14.0)), t.label(), false, INK)?;
        free_from = x + tw + pad;
    }
    Ok(())
}

/// Vertical grid lines at `ticks` (money along x), their labels under the plot
/// (every `k`-th when they would touch), and `caption` right-aligned beneath them.
fn money_x<DB: DrawingBackend>(
    c: &Canvas<DB>,
    frame: &Frame,
    ticks: &[f64],
    money: &Money,
    caption: &str,
) -> Result<(), Error> {
    let t = c.theme;
    let p = frame.plot;
    let widest = widest(c, ticks.iter().map(|v| money.tick(*v)))?;
    let spacing = match ticks {
        [a, b, ..] => frame.x(*b) - frame.x(*a),
        _ => f64::INFINITY,
    };
    let k = (1..=ticks.len().max(1))
        .find(|k| spacing * (*k as f64) >= widest + t.px(20.0))
        .unwrap_or(1);
    let y_text = p.y1 + t.px(14.0);
    for (i, v) in ticks.iter().enumerate() {
        let x = frame.x(*v);
        if x > p.x0 + 0.5 {
            rule(c, frame, Along::X, x, GRID)?;
        }
        tick(c, frame, Along::X, x, t.px(8.0))?;
        if i % k == 0 {
            let label = money.tick(*v);
            let (w, _) = c.measure(&label, t.label(), false)?;
            c.text(&label, (x - w / 2.0, y_text), t.label(), false, MUTED)?;
        }
    }
    base_line(c, frame, Along::X)?;
    let caption = money.caption(caption);
    let (w, _) = c.measure(&caption, t.small(), false)?;
    let row_h = line_height(t.label()) + t.px(10.0);
    c.text(
        &caption,
        (p.x1 - w, y_text + row_h),
        t.small(),
        false,
        MUTED,
    )?;
    Ok(())
}

/// The label of a calendar interval on a vertical axis, where there is no second
/// row for the year: `2027`, `Q3 2027`, `Mar 2027`.
fn y_label(iv: &super::layout::Interval, unit: TimeUnit) -> String {
    match unit {
        TimeUnit::Year => iv.label.clone(),
        _ => format!("{} {}", iv.label, iv.year),
    }
}

/// The widest label a calendar along y draws for `days` from `origin`.
pub fn date_y_labels_width<DB: DrawingBackend>(
    c: &Canvas<DB>,
    origin: Date,
    days: i64,
) -> Result<f64, Error> {
    let unit = time_unit(days);
    widest(
        c,
        intervals(origin, days, unit)
            .iter()
            .map(|iv| y_label(iv, unit)),
    )
}

/// The calendar axis left of `frame`, whose y is days from `origin` (later dates
/// higher): horizontal grid lines at interval starts, labels centred in each
/// interval; when intervals are too short for a label, every `k`-th start is
/// labelled instead.
fn time_y<DB: DrawingBackend>(
    c: &Canvas<DB>,
    frame: &Frame,
    origin: Date,
    days: i64,
) -> Result<(), Error> {
    let t = c.theme;
    let p = frame.plot;
    let unit = time_unit(days);
    let spans = intervals(origin, days, unit);
    let h = line_height(t.label());
    let right = p.x0 - t.px(14.0);
    for iv in &spans {
        if iv.start > frame.y_min {
            let y = frame.y(iv.start);
            rule(c, frame, Along::Y, y, GRID)?;
            tick(c, frame, Along::Y, y, t.px(8.0))?;
        }
    }
    let tallest = spans
        .iter()
        .map(|iv| frame.y(iv.start) - frame.y(iv.end))
        .fold(0.0, f64::max);
    if tallest >= h + t.px(6.0) {
        for iv in &spans {
            let (y0, y1) = (frame.y(iv.end), frame.y(iv.start));
            if y1 - y0 < h + t.px(2.0) {
                continue;
            }
            let label = y_label(iv, unit);
            let color = if unit == TimeUnit::Year { INK } else { MUTED };
            c.text_right(
                &label,
                (right, (y0 + y1 - h) / 2.0),
                t.label(),
                false,
                color,
            )?;
        }
    } else {
        let k = [1usize, 2, 3, 4, 6, 12, 24, 60, 120]
            .into_iter()
            .find(|k| tallest * (*k as f64) >= (h + t.px(6.0)) * 1.3)
            .unwrap_or(240);
        for (i, iv) in spans.iter().enumerate() {
            if iv.start <= frame.y_min || i % k != 0 {
                continue;
            }
            let label = y_label(iv, unit);
            let at = (right, frame.y(iv.start) - h / 2.0);
            c.text_right(&label, at, t.label(), false, MUTED)?;
        }
    }
    base_line(c, frame, Along::Y)?;
    Ok(())
}
