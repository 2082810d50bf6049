//! Geometry for charts, independent of any drawing backend: pixel rectangles, the
//! obstacle map that keeps labels off the data and off each other, the mapping from
//! data to pixels, "nice" axis ticks, and the calendar intervals of a time axis.

use crate::model::Date;

/// An axis-aligned rectangle in pixels; `x0 <= x1`, `y0 <= y1` (y grows downwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect {
            x0: x,
            y0: y,
            x1: x + w,
            y1: y + h,
        }
    }

    /// The square of half-side `half` centred on `c`: the room a point of a
    /// polyline or a marker takes in the obstacle map.
    pub fn square(c: (f64, f64), half: f64) -> Rect {
        Rect::new(c.0 - half, c.1 - half, 2.0 * half, 2.0 * half)
    }

    /// The rectangle spanning two corners, in any order.
    pub fn span(a: (f64, f64), b: (f64, f64)) -> Rect {
        Rect {
            x0: a.0.min(b.0),
            y0: a.1.min(b.1),
            x1: a.0.max(b.0),
            y1: a.1.max(b.1),
        }
    }

    pub fn w(&self) -> f64 {
        self.x1 - self.x0
    }

    pub fn h(&self) -> f64 {
        self.y1 - self.y0
    }

    pub fn center(&self) -> (f64, f64) {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }

    /// Grown by `d` on every side (shrunk for negative `d`).
    pub fn inflate(&self, d: f64) -> Rect {
        Rect {
            x0: self.x0 - d,
            y0: self.y0 - d,
            x1: self.x1 + d,
            y1: self.y1 + d,
        }
    }

    pub fn intersects(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    pub fn contains(&self, inner: &Rect) -> bool {
        self.x0 <= inner.x0 && self.y0 <= inner.y0 && inner.x1 <= self.x1 && inner.y1 <= self.y1
    }

    /// The point of the rectangle's border nearest to `p` (for leader lines).
    pub fn nearest_point(&self, p: (f64, f64)) -> (f64, f64) {
        (p.0.clamp(self.x0, self.x1), p.1.clamp(self.y0, self.y1))
    }
}

/// Everything already drawn that a label must not cover, as small rectangles.
#[derive(Debug, Default, Clone)]
pub struct Obstacles {
    rects: Vec<Rect>,
}

impl Obstacles {
    pub fn new() -> Obstacles {
        Obstacles::default()
    }

    pub fn add_rect(&mut self, r: Rect) {
        self.rects.push(r);
    }

    /// A stroked polyline of half-width `hw`, sampled every 2 pixels.
    pub fn add_polyline(&mut self, pts: &[(f64, f64)], hw: f64) {
        if let [only] = pts {
            self.rects.push(Rect::square(*only, hw));
        }
        for w in pts.windows(2) {
            let &[a, b] = w else { continue };
            let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
            let steps = (len / 2.0).ceil().max(1.0) as usize;
            for i in 0..=steps {
                let t = i as f64 / steps as f64;
                let (x, y) = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
                self.rects.push(Rect::square((x, y), hw));
            }
        }
    }

    /// A filled region given as pixel columns `(x, top, bottom)`, each `step` wide.
    pub fn add_band(&mut self, columns: impl IntoIterator<Item = (f64, f64, f64)>, step: f64) {
        for (x, top, bottom) in columns {
            let (t, b) = (top.min(bottom), top.max(bottom));
            self.rects.push(Rect {
                x0: x - step / 2.0,
                y0: t,
                x1: x + step / 2.0,
                y1: b,
            });
        }
    }

    /// How many obstacles `r` touches.
    pub fn hits(&self, r: &Rect) -> usize {
        self.rects.iter().filter(|o| o.intersects(r)).count()
    }

    /// The first candidate that lies inside `bounds` and touches nothing, which is
    /// then claimed (added as an obstacle). `None` when every candidate is blocked.
    pub fn place(&mut self, candidates: &[Rect], bounds: &Rect) -> Option<Rect> {
        let found = candidates
            .iter()
            .find(|c| bounds.contains(c) && self.hits(c) == 0)
            .copied()?;
        self.rects.push(found);
        Some(found)
    }

    /// Like [`Obstacles::place`], but when every candidate is blocked, takes the one
    /// inside `bounds` touching the fewest obstacles (the first among equals).
    pub fn place_best(&mut self, candidates: &[Rect], bounds: &Rect) -> Option<Rect> {
        if let Some(r) = self.place(candidates, bounds) {
            return Some(r);
        }
        let best = candidates
            .iter()
            .filter(|c| bounds.contains(c))
            .min_by_key(|c| self.hits(c))
            .copied()?;
        self.rects.push(best);
        Some(best)
    }
}

/// Maps data coordinates to pixels inside the plot rectangle.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    pub plot: Rect,
    pub x_min: f64,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
}

impl Frame {
    pub fn x(&self, x: f64) -> f64 {
        self.plot.x0 + share(x - self.x_min, self.x_max - self.x_min) * self.plot.w()
    }

    pub fn y(&self, y: f64) -> f64 {
        self.plot.y1 - share(y - self.y_min, self.y_max - self.y_min) * self.plot.h()
    }

    /// The data x at pixel column `px` (the inverse of [`Frame::x`]).
    pub fn data_x(&self, px: f64) -> f64 {
        self.x_min + share(px - self.plot.x0, self.plot.w()) * (self.x_max - self.x_min)
    }

    pub fn px(&self, p: (f64, f64)) -> (f64, f64) {
        (self.x(p.0), self.y(p.1))
    }

    pub fn pxs(&self, pts: &[(f64, f64)]) -> Vec<(f64, f64)> {
        pts.iter().map(|p| self.px(*p)).collect()
    }
}

/// `part / whole`, or 0 for an empty (or inverted) `whole`.
fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        part / whole
    } else {
        0.0
    }
}

/// Ticks from 0 for an axis that must show `max`: a step of 1, 2, 2.5 or 5 times a
/// power of ten giving at most `target` intervals, and the axis top (a multiple of
/// the step, at least `max`). A non-positive or non-finite `max` gives `(1, [0, 1])`.
pub fn nice_ticks(max: f64, target: usize) -> (f64, Vec<f64>) {
    if !max.is_finite() || max <= 0.0 {
        return (1.0, vec![0.0, 1.0]);
    }
    let target = target.max(2) as f64;
    let raw = max / target;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * mag);
    let n = (max / step - 1e-9).ceil().max(1.0) as usize;
    let ticks = (0..=n).map(|i| i as f64 * step).collect();
    (n as f64 * step, ticks)
}

/// Value of a piecewise-linear curve (points sorted by x) at `x`, held flat beyond
/// its ends; 0 for an empty curve.
pub fn interpolate(pts: &[(f64, f64)], x: f64) -> f64 {
    let Some(first) = pts.first() else {
        return 0.0;
    };
    if x <= first.0 {
        return first.1;
    }
    for w in pts.windows(2) {
        let &[a, b] = w else { continue };
        if x <= b.0 {
            if b.0 - a.0 <= 0.0 {
                return b.1;
            }
            return a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0);
        }
    }
    pts.last().map_or(0.0, |p| p.1)
}

/// How a time axis is divided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    Year,
    Quarter,
    Month,
}

/// One calendar interval of a time axis: `[start, end)` as days from the axis
/// origin, and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    pub start: f64,
    pub end: f64,
    pub label: String,
    /// The calendar year it belongs to.
    pub year: i32,
}

/// Years for spans over three years, quarters down to about nine months, months
/// below that.
pub fn time_unit(days: i64) -> TimeUnit {
    if days > 3 * 365 {
        TimeUnit::Year
    } else if days > 270 {
        TimeUnit::Quarter
    } else {
        TimeUnit::Month
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The calendar intervals of `unit` overlapping `[origin, origin + days)`, clipped
/// to it, as days from `origin`.
pub fn intervals(origin: Date, days: i64, unit: TimeUnit) -> Vec<Interval> {
    let (y0, m0, _) = origin.ymd();
    let step = match unit {
        TimeUnit::Year => 12,
        TimeUnit::Quarter => 3,
        TimeUnit::Month => 1,
    };
    // First month of the interval containing the origin (0-based from January).
    let mut year = y0;
    let mut month0 = (m0 - 1) / step * step;
    let mut out = Vec::new();
    while let Some(start) = Date::from_ymd(year, month0 + 1, 1) {
        let (ny, nm0) = if month0 + step >= 12 {
            (year + 1, month0 + step - 12)
        } else {
            (year, month0 + step)
        };
        let end = Date::from_ymd(ny, nm0 + 1, 1);
        let s = origin.days_until(start) as f64;
        let e = end.map_or(days as f64, |e| origin.days_until(e) as f64);
        if s >= days as f64 {
            break;
        }
        let label = match unit {
            TimeUnit::Year => year.to_string(),
            TimeUnit::Quarter => format!("Q{}", month0 / 3 + 1),
            TimeUnit::Month => MONTHS
                .get(month0 as usize)
                .map_or_else(|| (month0 + 1).to_string(), |m| m.to_string()),
        };
        out.push(Interval {
            start: s.max(0.0),
            end: e.min(days as f64),
            label,
            year,
        });
        if end.is_none() {
            break;
        }
        year = ny;
        month0 = nm0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_cover_the_maximum_with_round_steps() {
        let (top, ticks) = nice_ticks(126.0e9, 6);
        // 126e9 / 6 = 21e9 → step 25e9 → top 150e9.
        assert_eq!(top, 150.0e9);
        assert_eq!(ticks.len(), 7);
        assert_eq!(ticks[1], 25.0e9);
        let (top, ticks) = nice_ticks(38.0, 5);
        // 38 / 5 = 7.6 → step 10 → top 40.
        assert_eq!((top, ticks.len()), (40.0, 5));
        assert_eq!(nice_ticks(0.0, 5), (1.0, vec![0.0, 1.0]));
    }

    #[test]
    fn intervals_are_clipped_calendar_spans() {
        let from = Date::from_ymd(2026, 4, 27).unwrap();
        let end = Date::from_ymd(2031, 1, 1).unwrap();
        let years = intervals(from, from.days_until(end), TimeUnit::Year);
        let labels: Vec<_> = years.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["2026", "2027", "2028", "2029", "2030"]);
        assert_eq!(years[0].start, 0.0);
        // 2026-04-27 to 2027-01-01 is 249 days.
        assert_eq!(years[1].start, 249.0);
        assert_eq!(years[4].end, from.days_until(end) as f64);
        let quarters = intervals(from, 200, TimeUnit::Quarter);
        assert_eq!(quarters[0].label, "Q2");
        assert_eq!(quarters.last().unwrap().label, "Q4");
        assert_eq!(time_unit(4 * 365), TimeUnit::Year);
        assert_eq!(time_unit(365), TimeUnit::Quarter);
        assert_eq!(time_unit(90), TimeUnit::Month);
    }

    #[test]
    fn placement_skips_blocked_candidates() {
        let mut obs = Obstacles::new();
        obs.add_polyline(&[(0.0, 50.0), (100.0, 50.0)], 1.0);
        let bounds = Rect::new(0.0, 0.0, 100.0, 100.0);
        let blocked = Rect::new(10.0, 40.0, 20.0, 20.0);
        let free = Rect::new(10.0, 10.0, 20.0, 20.0);
        assert_eq!(obs.place(&[blocked, free], &bounds), Some(free));
        // The placed label is now an obstacle itself.
        assert_eq!(obs.place(&[free], &bounds), None);
        let outside = Rect::new(90.0, 10.0, 20.0, 20.0);
        assert_eq!(obs.place(&[outside], &bounds), None);
    }

    #[test]
    fn interpolation_is_piecewise_linear_and_flat_outside() {
        let pts = [(0.0, 0.0), (10.0, 100.0), (20.0, 100.0)];
        assert_eq!(interpolate(&pts, 5.0), 50.0);
        assert_eq!(interpolate(&pts, 15.0), 100.0);
        assert_eq!(interpolate(&pts, -1.0), 0.0);
        assert_eq!(interpolate(&pts, 99.0), 100.0);
    }
}
