//! The one renderer every chart goes through. A chart kind *describes* itself
//! ([`Chart::describe`]: title, headline, footnotes and the data its plot needs, as
//! plain values) and *plots* into the room the page leaves it ([`Chart::plot`]);
//! [`draw`] owns the frame around that (a white canvas, the header, the footer) and
//! this module owns what the plots share: a money plot laid out with its two axes
//! ([`framed`]) or with room for its legend as well ([`plot_with_legend`]), legends
//! placed in a free corner ([`place_legend`]), and the candidate boxes and leader
//! lines of labels that keep off the data.
//!
//! The backends (PNG, SVG) are chosen by [`super::png`] and [`super::svg`]; every
//! drawing operation goes through [`Canvas`], so both see the same operations in the
//! same order.
use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::MoneyPlot;
use super::layout::{Frame, Obstacles, Rect};
use super::style::{Canvas, Swatch, MUTED};
use crate::error::Error;

/// What a chart says around its plot, and what its plot needs: plain data.
pub struct Description<P> {
    pub title: String,
    /// The headline under the title (the numbers that matter).
    pub headline: String,
    /// Footnote lines, top to bottom.
    pub notes: Vec<String>,
    /// The chart kind's own data for [`Chart::plot`].
    pub plot: P,
}

/// What plotting returns: nothing, or why drawing failed.
pub type Plotted = Result<(), Error>;

/// What describing returns: the page, `None` for a blank page, or why it failed.
pub type Described<P> = Result<Option<Description<P>>, Error>;

/// The room the page leaves the plot: between the header's bottom and the footer's top.
#[derive(Debug, Clone, Copy)]
pub struct Room {
    pub top: f64,
    pub bottom: f64,
}

/// A chart that can draw itself on any backend: it describes its page and plots
/// into the room left; [`draw`] does the rest.
pub trait Chart {
    /// What [`Chart::describe`] hands [`Chart::plot`].
    type Plot;

    /// The page's texts and the plot's data; `None` for a blank page (nothing to
    /// show). `c` is for measuring text only (the grid sizes its rows from the
    /// header's height); nothing is drawn yet.
    fn describe<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> Described<Self::Plot>;

    /// Draws the plot (axes, data, labels, legend) in `room`.
    fn plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, room: Room, plot: Self::Plot) -> Plotted;

    /// Draws the whole chart on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), Error> {
        draw(self, root, 1.0)
    }

    /// Draws the whole chart on `root`, which has `density` pixels per pixel of
    /// the image shown (see [`super::style::Theme::new`]).
    fn draw_at<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        density: f64,
    ) -> Result<(), Error> {
        draw(self, root, density)
    }
}

/// Draws `chart` on `root`: a white canvas, the header, the footer, then the plot.
pub fn draw<C: Chart + ?Sized, DB: DrawingBackend>(
    chart: &C,
    root: &DrawingArea<DB, Shift>,
    density: f64,
) -> Result<(), Error> {
    let c = Canvas::blank(root, density)?;
    let Some(d) = chart.describe(&c)? else {
        return Ok(());
    };
    let top = c.header(&d.title, &d.headline)?;
    let bottom = c.footer(&d.notes)?;
    chart.plot(&c, Room { top, bottom }, d.plot)
}

/// Candidate boxes of `size` around a point at distances `steps × o`: below-right,
/// above-left, below-left, above-right.
pub fn around((mx, my): (f64, f64), (w, h): (f64, f64), o: f64, steps: &[f64]) -> Vec<Rect> {
    let mut out = Vec::new();
    for k in steps {
        let d = o * k;
        out.push(Rect::new(mx + d, my + d * 0.6, w, h));
        out.push(Rect::new(mx - d - w, my - d * 0.6 - h, w, h));
        out.push(Rect::new(mx - d - w, my + d * 0.6, w, h));
        out.push(Rect::new(mx + d, my - d * 0.6 - h, w, h));
    }
    out
}

/// Candidate boxes for a label on a horizontal line at `y`: above and below it at
/// its left end, then at its right end.
pub fn along_line(plot: &Rect, y: f64, (w, h): (f64, f64), gap: f64) -> Vec<Rect> {
    let (l, r) = (plot.x0 + gap * 1.5, plot.x1 - gap * 1.5 - w);
    vec![
        Rect::new(l, y - gap - h, w, h),
        Rect::new(l, y + gap, w, h),
        Rect::new(r, y - gap - h, w, h),
        Rect::new(r, y + gap, w, h),
        Rect::new((l + r) / 2.0, y - gap - h, w, h),
        Rect::new((l + r) / 2.0, y + gap, w, h),
    ]
}

/// Draws a leader line from `point` to the box `r` (a gap left at both ends).
pub fn leader<DB: DrawingBackend>(
    c: &Canvas<DB>,
    point: (f64, f64),
    r: &Rect,
) -> Result<(), Error> {
    let target = r.inflate(c.theme.px(4.0)).nearest_point(point);
    let (dx, dy) = (target.0 - point.0, target.1 - point.1);
    let len = (dx * dx + dy * dy).sqrt();
    let gap = c.theme.px(11.0);
    if len <= gap * 1.5 {
        return Ok(());
    }
    let from = (point.0 + dx / len * gap, point.1 + dy / len * gap);
    c.line(&[from, target], MUTED.to_rgba(), c.theme.px(1.5))
}

/// The pixel rectangle labels may use: the plot, inset a little.
pub fn label_bounds<DB: DrawingBackend>(c: &Canvas<DB>, frame: &Frame) -> Rect {
    frame.plot.inflate(-c.theme.px(6.0))
}

/// A legend of `entries` in the free spot of `plot` touching the fewest obstacles
/// (claimed in `obs`); `None` when no spot lies inside `bounds`.
pub fn place_legend<DB: DrawingBackend>(
    c: &Canvas<DB>,
    obs: &mut Obstacles,
    entries: &[(Swatch, String)],
    plot: &Rect,
    bounds: &Rect,
) -> Result<Option<Rect>, Error> {
    let size = c.legend_size(entries)?;
    Ok(obs.place_best(&c.corners(plot, size), bounds))
}

/// What a chart draws in its plot, seen as the obstacles labels must avoid, so
/// [`plot_with_legend`] can claim the legend's box in it.
pub trait Drawn {
    fn obstacles(&mut self) -> &mut Obstacles;
}

/// A plot laid out with room for its legend (see [`plot_with_legend`]).
pub struct WithLegend<G> {
    pub frame: Frame,
    /// The money ticks.
    pub ticks: Vec<f64>,
    /// What the plot draws, for this frame, with the legend's box as an obstacle.
    pub geo: G,
    /// Where labels may go ([`label_bounds`]).
    pub bounds: Rect,
    /// The legend's box.
    pub legend: Rect,
}

/// Lays out `plot` (no legend) and draws its two axes. Returns the frame and the
/// money ticks.
pub fn framed<DB: DrawingBackend>(
    c: &Canvas<DB>,
    plot: &MoneyPlot,
) -> Result<(Frame, Vec<f64>), Error> {
    let (frame, ticks) = plot.layout(c, 0.0)?;
    plot.draw(c, &frame, &ticks)?;
    Ok((frame, ticks))
}

/// Lays out `plot` and puts a legend of `size` in a free corner of it, clear of
/// what `geometry` draws, then draws the plot's two axes. When no corner is free,
/// the plot is narrowed and the legend goes to its right; the geometry is then
/// computed again, since its pixels follow the frame.
pub fn plot_with_legend<DB: DrawingBackend, G: Drawn>(
    c: &Canvas<DB>,
    size: (f64, f64),
    plot: &MoneyPlot,
    geometry: impl Fn(&Frame) -> G,
) -> Result<WithLegend<G>, Error> {
    let (mut frame, mut ticks) = plot.layout(c, 0.0)?;
    let mut geo = geometry(&frame);
    let mut bounds = label_bounds(c, &frame);
    let corner = geo
        .obstacles()
        .place(&c.corners(&frame.plot, size), &bounds);
    let legend = match corner {
        Some(legend) => legend,
        None => {
            let gap = c.theme.px(24.0);
            (frame, ticks) = plot.layout(c, size.0 + gap)?;
            geo = geometry(&frame);
            bounds = label_bounds(c, &frame);
            let legend = Rect::new(frame.plot.x1 + gap, frame.plot.y0, size.0, size.1);
            // Outside `bounds`, so no label can land on it anyway; claimed all the
            // same, so the obstacles hold the legend in either case.
            geo.obstacles().add_rect(legend);
            legend
        }
    };
    plot.draw(c, &frame, &ticks)?;
    Ok(WithLegend {
        frame,
        ticks,
        geo,
        bounds,
        legend,
    })
}
