//! `<group>-foregone`: a histogram of what the cap saves across a group's paths,
//! with the median and the middle 90% marked. Paths where the cap does not bind
//! forego nothing; their count is said rather than drawn as one tall bar at 0.

use plotters::prelude::*;

use super::axes::Scale;
use super::binding::ticked;
use super::layout::{nice_ticks, Obstacles, Rect};
use super::render::{label_bounds, Described, Description, Plotted, Room};
use super::style::{f, shade, tint, Canvas, Money, INK, MUTED};
use super::Chart;
use crate::montecarlo::distribution::{rank, Group};

/// Bars across the axis: fine enough to show the shape, coarse enough that each
/// holds paths at a few thousand.
const BINS: usize = 40;

pub struct Foregone<'a> {
    pub group: &'a Group,
    pub money: &'a Money,
    pub color: RGBColor,
}

pub struct ForegonePlot {
    x_max: f64,
    ticks: Vec<f64>,
    /// Paths per bin of width x_max / BINS, over the paths that forego something.
    counts: Vec<u64>,
    /// p5, p50, p95 over all paths.
    marks: [f64; 3],
}

impl Chart for Foregone<'_> {
    type Plot = ForegonePlot;

    fn describe<DB: DrawingBackend>(&self, _: &Canvas<DB>) -> Described<ForegonePlot> {
        let g = self.group;
        let mut v: Vec<f64> = g.foregone()?.into_iter().map(f).collect();
        if v.is_empty() {
            return Ok(None);
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let at = |p: u32| v.get(rank(p, n) - 1).copied().unwrap_or(0.0);
        let marks = [at(5), at(50), at(95)];
        let max = v.last().copied().unwrap_or(0.0);
        let (x_max, ticks) = nice_ticks(max, 8);
        let width = x_max / BINS as f64;
        let mut counts = vec![0u64; BINS];
        let zero = v.iter().filter(|x| **x <= 0.0).count();
        for x in v.iter().filter(|x| **x > 0.0) {
            let i = ((x / width) as usize).min(BINS - 1);
            if let Some(c) = counts.get_mut(i) {
                *c += 1;
            }
        }
        let m = |x: f64| self.money.amount(x);
        let mut headline = format!(
            "Median foregone {}; 90% of paths between {} and {}",
            m(marks[1]),
            m(marks[0]),
            m(marks[2])
        );
        if zero > 0 {
            headline.push_str(&format!(
                "; {zero} of {n} paths forego nothing (the cap does not bind)"
            ));
        }
        let name = if g.variant.is_empty() {
            g.group.clone()
        } else {
            format!("{} under {}", g.group, g.variant)
        };
        Ok(Some(Description {
            title: format!("{name}: what the cap saves across {n} paths"),
            headline,
            notes: vec![format!(
                "Foregone: due with no cap less paid under it, per path. Bars of {} each; paths foregoing nothing are not drawn.",
                m(width)
            )],
            plot: ForegonePlot {
                x_max,
                ticks,
                counts,
                marks,
            },
        }))
    }

    fn plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, room: Room, d: ForegonePlot) -> Plotted {
        let t = c.theme;
        let top = d.counts.iter().copied().max().unwrap_or(0) as f64;
        let (y_max, y) = nice_ticks(top * 1.08, 6);
        let y_ticks: Vec<(f64, String)> = y.iter().map(|v| (*v, format!("{v}"))).collect();
        let x = Scale::Money {
            ticks: &d.ticks,
            money: self.money,
            caption: "foregone",
        };
        let frame = ticked(c, room, (x, 0.0, d.x_max, 2.0), y_max, &y_ticks, "paths")?;
        let p = frame.plot;
        let mut obs = Obstacles::new();
        let width = d.x_max / BINS as f64;
        let fill = tint(self.color, 0.35);
        for (i, n) in d.counts.iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let (x0, x1) = (frame.x(i as f64 * width), frame.x((i + 1) as f64 * width));
            let y0 = frame.y(*n as f64);
            let r = Rect {
                x0: x0 + t.px(1.0),
                y0,
                x1: x1 - t.px(1.0),
                y1: p.y1,
            };
            c.fill(r, fill.to_rgba())?;
            obs.add_rect(r);
        }
        let bounds = label_bounds(c, &frame);
        let ink = shade(self.color, 0.45);
        let m = |x: f64| self.money.amount(x);
        for (k, (value, text)) in [
            (d.marks[0], format!("p5 {}", m(d.marks[0]))),
            (d.marks[1], format!("median {}", m(d.marks[1]))),
            (d.marks[2], format!("p95 {}", m(d.marks[2]))),
        ]
        .into_iter()
        .enumerate()
        {
            let x = frame.x(value);
            let (color, wide) = if k == 1 {
                (INK, t.px(3.0))
            } else {
                (MUTED, t.px(2.0))
            };
            c.dashed(
                &[(x, p.y0), (x, p.y1)],
                color.to_rgba(),
                wide,
                t.px(8.0),
                t.px(6.0),
            )?;
            let size = c.measure(&text, t.label(), k == 1)?;
            let gap = t.px(10.0);
            let cands: Vec<Rect> = (0..8)
                .flat_map(|row| {
                    let y = p.y0 + gap + row as f64 * (size.1 + gap);
                    [
                        Rect::new(x + gap, y, size.0, size.1),
                        Rect::new(x - gap - size.0, y, size.0, size.1),
                    ]
                })
                .collect();
            if let Some(b) = obs.place_best(&cands, &bounds) {
                c.label(
                    &text,
                    b,
                    t.label(),
                    k == 1,
                    if k == 1 { ink } else { MUTED },
                )?;
            }
        }
        Ok(())
    }
}
