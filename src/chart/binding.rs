//! When the cap binds, over many paths: `binding-probability`, the share of paths in
//! which the cap has bound by each date (one line per group, and per cap in
//! `compare`), and `<group>-binding-by-cap` (`compare`), the share bound by each
//! year-end against the cap, one line per year-end.
//!
//! Also the plot both share (and the foregone histogram uses): an x scale with a
//! y axis of plain ticks ([`ticked`]), here shares of paths from 0% to 100%.

use plotters::prelude::*;
use rust_decimal::Decimal;

use super::axes::{axis, Along, Scale};
use super::layout::{nice_ticks, time_unit, Frame, Obstacles, Rect, TimeUnit};
use super::render::{around, label_bounds, place_legend, Described, Description, Plotted, Room};
use super::style::{
    f, line_height, scenario_color, shade, Canvas, Money, Swatch, AXIS, GRID, INK, MUTED,
};
use super::Chart;
use crate::error::Error;
use crate::model::Date;
use crate::montecarlo::distribution::{rank, Group, Probability};

/// Lays out a plot in `room` with `x` along the bottom (`x_rows` rows of labels) and
/// `y_ticks` (value, label) up the left with `caption` above them, from 0 to `y_max`;
/// draws both axes and returns the frame.
pub fn ticked<DB: DrawingBackend>(
    c: &Canvas<DB>,
    room: Room,
    (x, x_min, x_max, x_rows): (Scale, f64, f64, f64),
    y_max: f64,
    y_ticks: &[(f64, String)],
    caption: &str,
) -> Result<Frame, Error> {
    let t = c.theme;
    let caption_h = line_height(t.small()) + t.px(14.0);
    let axis_h = x_rows * (line_height(t.label()) + t.px(10.0)) + t.px(12.0);
    let top = room.top + t.px(26.0) + caption_h;
    let bottom = (room.bottom - t.px(18.0) - axis_h).max(top + t.px(60.0));
    let mut label_w: f64 = 0.0;
    for (_, l) in y_ticks {
        label_w = label_w.max(c.measure(l, t.label(), false)?.0);
    }
    let plot = Rect {
        x0: t.margin() + label_w + t.px(14.0),
        y0: top,
        x1: (t.width - t.margin()).max(t.margin() + label_w + t.px(80.0)),
        y1: bottom,
    };
    let frame = Frame {
        plot,
        x_min,
        x_max: if x_max > x_min { x_max } else { x_min + 1.0 },
        y_min: 0.0,
        y_max: if y_max > 0.0 { y_max } else { 1.0 },
    };
    for (v, label) in y_ticks {
        let y = frame.y(*v);
        let color = if *v == 0.0 { AXIS } else { GRID };
        c.line(&[(plot.x0, y), (plot.x1, y)], color.to_rgba(), t.px(1.5))?;
        let at = (plot.x0 - t.px(14.0), y - line_height(t.label()) / 2.0);
        c.text_right(label, at, t.label(), false, MUTED)?;
    }
    let h = line_height(t.small());
    c.text(
        caption,
        (t.margin(), top - t.px(26.0) - h),
        t.small(),
        false,
        MUTED,
    )?;
    axis(c, &frame, Along::X, x)?;
    Ok(frame)
}

/// The ticks of a share axis: 0% to 100% by 20%.
fn share_ticks() -> Vec<(f64, String)> {
    (0..=5)
        .map(|i| (f64::from(i) * 0.2, format!("{}%", i * 20)))
        .collect()
}

/// Rows of labels under a calendar axis (the years under quarters or months).
fn calendar_rows(days: i64) -> f64 {
    if time_unit(days) == TimeUnit::Year {
        1.0
    } else {
        2.0
    }
}

/// The share of paths bound by each date, one line per group.
pub struct Cdf<'a> {
    pub groups: &'a [Group],
    pub through: Date,
    pub money: &'a Money,
    /// The cap drawn thickest and named first (the reported one), if among them.
    pub highlight: Option<Decimal>,
}

/// A line's name: the group, and the variant when there is one; with `rated` (a
/// rate × cap grid, whose caps recur under each rate) the variant's rate too.
fn name(g: &Group, money: &Money, rated: bool) -> String {
    match (g.variant.is_empty(), g.cap, g.rate.filter(|_| rated)) {
        (true, ..) => g.group.clone(),
        (false, Some(cap), Some(rate)) => format!(
            "{} at {}, {}",
            g.group,
            crate::config::percent(rate),
            money.exact(f(cap))
        ),
        (false, Some(cap), None) => format!("{} at {}", g.group, money.exact(f(cap))),
        (false, None, _) => format!("{} ({})", g.group, g.variant),
    }
}

/// One line of the share-bound chart.
struct CdfLine {
    /// Its steps: (x, share bound).
    pts: Vec<(f64, f64)>,
    name: String,
    /// Its group (the start of its name).
    group: String,
    /// The median binding x, when half its paths bind.
    median: Option<f64>,
    /// Whether it is the highlighted cap.
    strong: bool,
    /// Its colour's index: its place among the lines as made, kept when lines that
    /// coincide are merged ([`merge_coinciding`]), so the others keep their colours.
    color: usize,
}

/// Lines with the very same steps, one drawn over the other, showed one colour under
/// two labels: each such set is drawn once, in the first's colour, named by all of
/// them ("g at 20%, $40B and at 15%, $30B"; past three, "and N more"). Whether any
/// were merged. Pinned by `coinciding_lines_are_drawn_once_and_named_together`.
fn merge_coinciding(lines: &mut Vec<CdfLine>) -> bool {
    let mut merged: Vec<(CdfLine, Vec<String>)> = Vec::with_capacity(lines.len());
    for line in lines.drain(..) {
        match merged.iter_mut().find(|(m, _)| m.pts == line.pts) {
            Some((m, names)) => {
                m.strong |= line.strong;
                // Of the first's group, the group is said once.
                let short = if line.group == m.group {
                    line.name
                        .strip_prefix(&m.group)
                        .map(str::trim_start)
                        .filter(|rest| !rest.is_empty())
                        .map(str::to_string)
                } else {
                    None
                };
                names.push(short.unwrap_or(line.name));
            }
            None => merged.push((line, Vec::new())),
        }
    }
    let mut any = false;
    for (mut line, others) in merged {
        // Three names at most: a grid in which no cap binds draws every line flat at
        // 0 %, and a label naming them all fitted nowhere, so the line went unnamed.
        match others.as_slice() {
            [] => {}
            [one] => line.name = format!("{} and {one}", line.name),
            [one, two] => line.name = format!("{}, {one} and {two}", line.name),
            [one, more @ ..] => line.name = format!("{}, {one} and {} more", line.name, more.len()),
        }
        any |= !others.is_empty();
        lines.push(line);
    }
    any
}

pub struct CdfPlot {
    origin: Date,
    days: i64,
    lines: Vec<CdfLine>,
}

impl Chart for Cdf<'_> {
    type Plot = CdfPlot;

    fn describe<DB: DrawingBackend>(&self, _: &Canvas<DB>) -> Described<CdfPlot> {
        let Some(origin) = self.groups.iter().map(|g| g.from).min() else {
            return Ok(None);
        };
        let days = (origin.days_until(self.through) + 1).max(1);
        let x_of = |d: Date| origin.days_until(d) as f64 + 1.0;
        let mut lines = Vec::new();
        let rated = self
            .groups
            .iter()
            .any(|g| g.rate != self.groups.first().and_then(|f| f.rate));
        for g in self.groups {
            let n = g.paths().max(1) as f64;
            let mut dates: Vec<Date> = g.binding_dates()?.into_iter().flatten().collect();
            dates.sort_unstable();
            let mut pts = vec![(origin.days_until(g.from) as f64, 0.0)];
            let mut bound = 0usize;
            let mut i = 0;
            while let Some(d) = dates.get(i) {
                let same = dates.iter().skip(i).take_while(|x| *x == d).count();
                let x = x_of(*d);
                pts.push((x, bound as f64 / n));
                bound += same;
                pts.push((x, bound as f64 / n));
                i += same;
            }
            pts.push((days as f64, bound as f64 / n));
            let median = (bound >= rank(50, g.paths() as usize))
                .then(|| {
                    dates
                        .get(rank(50, g.paths() as usize) - 1)
                        .map(|d| x_of(*d))
                })
                .flatten();
            let several = self.groups.iter().any(|o| o.cap != g.cap);
            let strong = several && self.highlight.is_some() && g.cap == self.highlight;
            lines.push(CdfLine {
                pts,
                name: name(g, self.money, rated),
                group: g.group.clone(),
                median,
                strong,
                color: lines.len(),
            });
        }
        let merged = merge_coinciding(&mut lines);
        // Worth pointing out only among lines of other caps.
        let several = self
            .groups
            .iter()
            .any(|g| g.cap != self.groups.first().and_then(|f| f.cap));
        let highlight = self
            .highlight
            .filter(|h| several && self.groups.iter().any(|g| g.cap == Some(*h)))
            .map(|h| format!("; the thick lines are the {} cap", self.money.exact(f(h))))
            .unwrap_or_default();
        let total: u64 = self.groups.iter().map(Group::paths).sum();
        let first = self.groups.first().map_or(0, Group::paths);
        let paths = if self.groups.iter().all(|g| g.paths() == first) {
            format!(
                "{first} {} a line",
                if first == 1 { "path" } else { "paths" }
            )
        } else {
            format!("{total} paths in all")
        };
        Ok(Some(Description {
            title: "Share of paths in which the cap has bound, by date".into(),
            headline: format!(
                "Each line climbs as its paths reach the cap; where it ends is the share that binds by {}{highlight}",
                self.through
            ),
            notes: vec![format!(
                "{paths}; a line is one group of paths{}. Dots: the median binding date (half the paths have bound).{}",
                if self.groups.iter().any(|g| !g.variant.is_empty()) { " under one cap" } else { "" },
                if merged { " Lines that coincide are drawn once and named together." } else { "" }
            )],
            plot: CdfPlot {
                origin,
                days,
                lines,
            },
        }))
    }

    fn plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, room: Room, d: CdfPlot) -> Plotted {
        let t = c.theme;
        let x = Scale::Calendar {
            origin: d.origin,
            days: d.days,
        };
        let frame = ticked(
            c,
            room,
            (x, 0.0, d.days as f64, calendar_rows(d.days)),
            1.0,
            &share_ticks(),
            "share of paths in which the cap has bound",
        )?;
        let p = frame.plot;
        let mut obs = Obstacles::new();
        let half = frame.y(0.5);
        c.dashed(
            &[(p.x0, half), (p.x1, half)],
            MUTED.to_rgba(),
            t.px(1.5),
            t.px(6.0),
            t.px(6.0),
        )?;
        let mut medians = Vec::new();
        // The highlighted lines last, over the others.
        let mut order: Vec<usize> = (0..d.lines.len()).collect();
        order.sort_by_key(|i| d.lines.get(*i).is_some_and(|l| l.strong));
        for i in order {
            let Some(line) = d.lines.get(i) else {
                continue;
            };
            let color = scenario_color(line.color);
            let px = frame.pxs(&line.pts);
            let width = if line.strong { t.px(6.0) } else { t.px(3.5) };
            c.line(&px, color.to_rgba(), width)?;
            obs.add_polyline(&px, t.px(4.0));
            if let Some(m) = line.median {
                medians.push((line.color, frame.px((m, 0.5))));
            }
        }
        let bounds = label_bounds(c, &frame);
        // Each line labelled next to its median dot, no label over another; when one
        // cannot be (many groups of few paths: lines from 0 to 100 % side by side),
        // a legend names every line instead, and when the legend does not fit either
        // (a grid's two dozen lines), the lines that could be labelled keep their
        // labels. Pinned by `many_lines_get_a_legend_rather_than_labels_over_each_other`
        // and `too_many_lines_for_a_legend_keep_the_labels_that_fit`.
        let texts: Vec<(String, (f64, f64), bool, usize)> = d
            .lines
            .iter()
            .map(|l| {
                let (name, strong) = (&l.name, l.strong);
                let end = l.pts.last().copied().unwrap_or((0.0, 0.0));
                match l.median {
                    Some(m) => {
                        let date = d.origin.add_days(m as i64 - 1).unwrap_or(d.origin);
                        (
                            format!("{name}: median {date}"),
                            frame.px((m, 0.5)),
                            strong,
                            l.color,
                        )
                    }
                    None => (
                        format!("{name}: {:.0}% by {}", end.1 * 100.0, self.through),
                        frame.px(end),
                        strong,
                        l.color,
                    ),
                }
            })
            .collect();
        let mut tried = obs.clone();
        let mut labels = Vec::new();
        let mut placed: Vec<Rect> = Vec::new();
        for (text, at, strong, i) in &texts {
            let size = c.measure(text, t.label(), *strong)?;
            let clear = |r: &Rect| !placed.iter().any(|b| b.inflate(t.px(2.0)).intersects(r));
            let cands: Vec<Rect> = around(*at, size, t.px(14.0), &[1.0, 2.0, 3.5, 5.0, 8.0, 12.0])
                .into_iter()
                .filter(clear)
                .collect();
            if let Some(b) = tried.place_best(&cands, &bounds) {
                placed.push(b);
                labels.push((text.clone(), b, *at, *i, *strong));
            }
        }
        let mut legend = None;
        if labels.len() < texts.len() {
            let entries: Vec<(Swatch, String)> = texts
                .iter()
                .map(|(text, _, _, i)| (Swatch::Line(scenario_color(*i)), text.clone()))
                .collect();
            legend = place_legend(c, &mut obs, &entries, &p, &bounds)?.map(|b| (b, entries));
        }
        if legend.is_some() {
            labels.clear();
        } else {
            obs = tried;
        }
        let hl = c.measure("half of paths", t.small(), false)?;
        let hb = Rect::new(p.x0 + t.px(10.0), half - hl.1 - t.px(6.0), hl.0, hl.1);
        if obs.hits(&hb) == 0 {
            c.text("half of paths", (hb.x0, hb.y0), t.small(), false, MUTED)?;
        }
        for (i, at) in medians {
            c.dot(at, t.px(7.0), scenario_color(i))?;
        }
        for (text, b, at, i, strong) in labels {
            super::render::leader(c, at, &b)?;
            c.label(&text, b, t.label(), strong, shade(scenario_color(i), 0.35))?;
        }
        if let Some((b, entries)) = legend {
            c.legend(b, &entries)?;
        }
        Ok(())
    }
}

/// `compare`: the share of one group's paths bound by each year-end, against the cap.
pub struct ByCap<'a> {
    pub group: &'a str,
    /// The group's probabilities, each with its variant's cap.
    pub points: Vec<(Decimal, &'a Probability)>,
    pub money: &'a Money,
    pub highlight: Option<Decimal>,
    /// In a rate × cap grid, the one rate whose variants are drawn (said in a note).
    pub rate: Option<Decimal>,
}

pub struct ByCapPlot {
    x_min: f64,
    x_max: f64,
    ticks: Vec<f64>,
    /// Per year-end: its date and (cap, share) points by cap.
    lines: Vec<(Date, Vec<(f64, f64)>)>,
}

impl Chart for ByCap<'_> {
    type Plot = ByCapPlot;

    fn describe<DB: DrawingBackend>(&self, _: &Canvas<DB>) -> Described<ByCapPlot> {
        let mut by: Vec<Date> = self.points.iter().map(|(_, p)| p.by).collect();
        by.sort_unstable();
        by.dedup();
        let mut lines = Vec::new();
        for d in by {
            let mut pts: Vec<(f64, f64)> = self
                .points
                .iter()
                .filter(|(_, p)| p.by == d)
                .map(|(cap, p)| (f(*cap), f(p.probability)))
                .collect();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            lines.push((d, pts));
        }
        let cap_max = self.points.iter().map(|(c, _)| f(*c)).fold(0.0, f64::max);
        let cap_min = self
            .points
            .iter()
            .map(|(c, _)| f(*c))
            .fold(cap_max, f64::min);
        // The axis from the tick at or below the smallest cap: the caps fill the plot.
        let (x_max, all) = nice_ticks(cap_max, 8);
        let step = match all.as_slice() {
            [a, b, ..] => b - a,
            _ => x_max,
        };
        let x_min = if step > 0.0 {
            (cap_min / step).floor() * step
        } else {
            0.0
        };
        let ticks: Vec<f64> = all
            .into_iter()
            .filter(|t| *t >= x_min - step * 1e-9)
            .collect();
        let paths = self.points.first().map_or(0, |(_, p)| p.paths);
        let end = lines.last().map(|l| l.0);
        let compared = self
            .highlight
            .filter(|h| self.points.iter().any(|(c, _)| c == h));
        let headline = match (compared, end) {
            (Some(h), Some(end)) => {
                let at = self
                    .points
                    .iter()
                    .filter(|(c, p)| *c == h && p.by <= end)
                    .map(|(_, p)| {
                        let (_, m, d) = p.by.ymd();
                        let by = if (m, d) == (12, 31) {
                            p.by.year().to_string()
                        } else {
                            p.by.to_string()
                        };
                        format!("{} by {by}", super::style::rounded_percent(p.probability))
                    })
                    .collect::<Vec<_>>();
                format!("At {}: {}", self.money.exact(f(h)), at.join(", "))
            }
            _ => {
                "A lower cap binds sooner: each line is the share of paths bound by its date".into()
            }
        };
        Ok(Some(Description {
            title: format!(
                "{}: share of {paths} paths in which the cap binds, by cap",
                self.group
            ),
            headline,
            notes: std::iter::once(
                "One line per year-end of the term (and the term end); a dot per cap compared."
                    .to_string(),
            )
            .chain(self.rate.map(|r| {
                format!(
                    "The caps at the terms' rate, {}; the distribution heatmap shows every rate.",
                    crate::config::percent(r)
                )
            }))
            .collect(),
            plot: ByCapPlot {
                x_min,
                x_max,
                ticks,
                lines,
            },
        }))
    }

    fn plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, room: Room, d: ByCapPlot) -> Plotted {
        let t = c.theme;
        let x = Scale::Money {
            ticks: &d.ticks,
            money: self.money,
            caption: "cap",
        };
        let frame = ticked(
            c,
            room,
            (x, d.x_min, d.x_max, 2.0),
            1.0,
            &share_ticks(),
            "share of paths in which the cap has bound",
        )?;
        let p = frame.plot;
        let mut obs = Obstacles::new();
        let mut marked = None;
        if let Some(h) = self.highlight {
            let hx = frame.x(f(h));
            if hx >= p.x0 && hx <= p.x1 {
                c.dashed(
                    &[(hx, p.y0), (hx, p.y1)],
                    INK.to_rgba(),
                    t.px(2.0),
                    t.px(8.0),
                    t.px(6.0),
                )?;
                obs.add_polyline(&[(hx, p.y0), (hx, p.y1)], t.px(2.0));
                marked = Some((hx, format!("the terms' cap, {}", self.money.exact(f(h)))));
            }
        }
        let bounds = label_bounds(c, &frame);
        let mut labels = Vec::new();
        for (i, (date, pts)) in d.lines.iter().enumerate() {
            let color = scenario_color(i);
            let px = frame.pxs(pts);
            c.line(&px, color.to_rgba(), t.px(4.0))?;
            obs.add_polyline(&px, t.px(4.0));
            for q in &px {
                c.dot(*q, t.px(5.0), color)?;
            }
            // Labelled where the line is steepest: where that year-end changes most.
            let at = px
                .windows(2)
                .max_by(|a, b| {
                    let da = a.get(1).map_or(0.0, |q| q.1) - a.first().map_or(0.0, |q| q.1);
                    let db = b.get(1).map_or(0.0, |q| q.1) - b.first().map_or(0.0, |q| q.1);
                    da.abs().total_cmp(&db.abs())
                })
                .and_then(|w| {
                    Some((
                        (w.first()?.0 + w.get(1)?.0) / 2.0,
                        (w.first()?.1 + w.get(1)?.1) / 2.0,
                    ))
                })
                .or_else(|| px.first().copied());
            if let Some(at) = at {
                labels.push((format!("by {date}"), at, color));
            }
        }
        if let Some((hx, text)) = marked {
            let size = c.measure(&text, t.label(), true)?;
            let gap = t.px(10.0);
            let cands: Vec<Rect> = (0..12)
                .flat_map(|row| {
                    let y = p.y0 + gap + row as f64 * (size.1 + gap);
                    [
                        Rect::new(hx + gap, y, size.0, size.1),
                        Rect::new(hx - gap - size.0, y, size.0, size.1),
                    ]
                })
                .collect();
            if let Some(b) = obs.place_best(&cands, &bounds) {
                c.label(&text, b, t.label(), true, INK)?;
            }
        }
        for (text, at, color) in labels {
            let size = c.measure(&text, t.label(), true)?;
            let cands = around(at, size, t.px(12.0), &[1.0, 2.0, 3.5, 5.0, 8.0]);
            if let Some(b) = obs.place_best(&cands, &bounds) {
                c.label(&text, b, t.label(), true, shade(color, 0.35))?;
            }
        }
        Ok(())
    }
}
