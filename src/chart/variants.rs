//! `<scenario>-compare-cumulative`: one scenario's cumulative payments under up to
//! [`MAX_VARIANTS`] variants (the first ones given), with each variant's cap line and
//! binding date.
//!
//! Styles: within one scenario the lines are told apart by variant, so variants take
//! [`VARIANT_STYLES`] by their order: an Okabe–Ito colour (yellow left out: too
//! light for a line) paired with its own dash pattern, so that they stay apart in
//! grey print and for every common form of colour blindness. Scenario colours do
//! not apply here.
//!
//! Under caps on the shared terms, every variant pays the same until its cap binds,
//! and then runs flat along its cap: the shared rise is drawn once, in dark grey
//! (dashed past the last binding point, where it is only what would be due with no
//! cap), and each variant is drawn from its binding point on. A variant with its own
//! terms (a terms file) is drawn whole; `none` (no cap) is the shared rise itself,
//! drawn in its own style.

use plotters::prelude::*;

use super::axes::{MoneyPlot, Scale};
use super::compare::Compare;
use super::cumulative::{binding_point, budget, curves, headroom, Curves};
use super::layout::{interpolate, Obstacles, Rect};
use super::render::{around, leader, plot_with_legend, Described, Drawn, Plotted, WithLegend};
use super::render::{Description, Room};
use super::style::clip;
use super::style::{count, list};
use super::style::{f, terms_title, uncapped_terms_title, Canvas, Swatch, Theme, INK, PALETTE};
use super::Chart;
use crate::config::Variant;
use crate::engine;
use crate::error::Error;
use crate::model::{Scenario, ScenarioResult};

/// At most this many variants share one scenario's chart.
pub const MAX_VARIANTS: usize = 6;

/// Variant `i`'s colour and dash pattern `(dash, gap)` in design pixels (`None`:
/// solid).
pub const VARIANT_STYLES: [(RGBColor, Option<(f64, f64)>); MAX_VARIANTS] = [
    (PALETTE[0], None),               // blue, solid
    (PALETTE[1], Some((26.0, 9.0))),  // vermillion, long dashes
    (PALETTE[2], Some((9.0, 8.0))),   // bluish green, short dashes
    (PALETTE[3], Some((44.0, 10.0))), // reddish purple, very long dashes
    (PALETTE[4], Some((4.0, 7.0))),   // orange, dots
    (PALETTE[5], Some((16.0, 18.0))), // sky blue, sparse dashes
];

/// Variant `i`'s colour and dash pattern (see [`VARIANT_STYLES`]), repeating past
/// [`MAX_VARIANTS`].
fn variant_style(i: usize) -> (RGBColor, Option<(f64, f64)>) {
    VARIANT_STYLES
        .get(i % MAX_VARIANTS)
        .copied()
        .unwrap_or(VARIANT_STYLES[0])
}

/// The part of a rising curve at or below `top`, cut where it crosses it.
fn clip_top(pts: &[(f64, f64)], top: f64) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for q in pts {
        if q.1 <= top {
            out.push(*q);
            continue;
        }
        if let Some(a) = out.last().copied() {
            if q.1 > a.1 {
                out.push((a.0 + (q.0 - a.0) * (top - a.1) / (q.1 - a.1), top));
            }
        }
        break;
    }
    out
}

/// Zoom the money axis to the variants when what is due with no cap is more than
/// this many times the largest cap drawn.
const ZOOM: f64 = 2.5;

/// The shared rise: dark grey.
const SHARED: RGBColor = RGBColor(90, 90, 90);

pub struct VariantsCumulative<'a> {
    pub data: &'a Compare<'a>,
    /// The scenario.
    pub scenario: &'a Scenario,
    /// The scenario under the shared terms with no cap.
    pub reference: &'a ScenarioResult,
    /// The variants drawn, in order, and the scenario's results under each.
    pub results: Vec<(&'a Variant, ScenarioResult)>,
}

impl<'a> VariantsCumulative<'a> {
    /// Computes scenario `s` under the first [`MAX_VARIANTS`] variants.
    pub fn new(data: &'a Compare<'a>, s: usize) -> Result<VariantsCumulative<'a>, Error> {
        let (Some(scenario), Some(reference)) = (data.scenarios.get(s), data.uncapped.get(s))
        else {
            return Err(Error::Chart(format!("no scenario {s} to chart")));
        };
        let results = data
            .variants
            .iter()
            .take(MAX_VARIANTS)
            .map(|var| Ok((var, engine::compute(scenario, &var.terms)?)))
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(VariantsCumulative {
            data,
            scenario,
            reference,
            results,
        })
    }

    fn draw_styled<DB: DrawingBackend>(
        c: &Canvas<DB>,
        pts: &[(f64, f64)],
        i: usize,
        width: f64,
    ) -> Result<(), Error> {
        let (color, dash) = variant_style(i);
        match dash {
            None => c.line(pts, color.to_rgba(), width),
            Some((d, g)) => c.dashed(pts, color.to_rgba(), width, c.theme.px(d), c.theme.px(g)),
        }
    }

    /// What the variant is, briefly: `cap $25B`, `no cap`, or the file's name.
    fn describe(&self, var: &Variant) -> String {
        match (var.from_file, var.terms.cap) {
            (true, _) => clip(&var.name, 20),
            (false, Some(cap)) => format!("cap {}", self.data.money.exact(f(cap))),
            (false, None) => "no cap".into(),
        }
    }

    fn headline(&self) -> String {
        let d = self.data;
        let money = &d.money;
        let mut paid: Vec<(f64, &Variant, &ScenarioResult)> = self
            .results
            .iter()
            .map(|(var, r)| (f(r.summary.total_paid), *var, r))
            .collect();
        paid.sort_by(|a, b| a.0.total_cmp(&b.0));
        let desc = |(p, var, r): &(f64, &Variant, &ScenarioResult)| {
            let amount = money.amount(*p);
            let what = match (var.from_file, var.terms.cap, r.summary.binding_date) {
                (false, Some(cap), Some(b)) if money.amount(f(cap)) == amount => {
                    format!("cap binds {b}")
                }
                (false, Some(cap), Some(b)) => format!("cap {} binds {b}", money.exact(f(cap))),
                (false, Some(cap), None) => format!("cap {} not reached", money.exact(f(cap))),
                (false, None, _) => "no cap".into(),
                (true, _, Some(b)) => format!("{}, binds {b}", clip(&var.name, 20)),
                (true, _, None) => clip(&var.name, 20),
            };
            format!("{amount} ({what})")
        };
        let mut out = match (paid.first(), paid.last()) {
            (Some(a), Some(_)) if paid.len() == 1 => format!("Paid {}", desc(a)),
            (Some(a), Some(z)) => format!("Paid {} to {}", desc(a), desc(z)),
            _ => String::new(),
        };
        if !self.none_shown() && self.results.iter().any(|(var, _)| !var.from_file) {
            out.push_str(&format!(
                "; {} due with no cap",
                money.amount(f(self.reference.summary.uncapped_total))
            ));
        }
        out
    }
}

/// A polyline in pixels.
type Pixels = Vec<(f64, f64)>;

/// One variant as drawn, in pixels.
struct VariantLine {
    /// Index into [`VARIANT_STYLES`].
    style: usize,
    /// Its own line (from its binding point on, for a cap on the shared terms).
    line: Pixels,
    /// Its cap line's y.
    cap_y: Option<f64>,
    /// Its binding point.
    kink: Option<(f64, f64)>,
}

/// What the chart draws in its plot, in pixels.
struct Geometry {
    obs: Obstacles,
    /// The shared rise: solid part, dashed part.
    shared: Option<(Pixels, Pixels)>,
    lines: Vec<VariantLine>,
}

impl Drawn for Geometry {
    fn obstacles(&mut self) -> &mut Obstacles {
        &mut self.obs
    }
}

impl VariantsCumulative<'_> {
    /// How far the shared rise is drawn, in days: to the last binding point of the
    /// caps on the shared terms (infinity when one of them is never reached);
    /// `None` when no variant has a cap on the shared terms.
    fn shared_rise(&self, cvs: &[Curves], origin: crate::model::Date) -> Option<f64> {
        let mut solid_to: Option<f64> = None;
        for ((var, r), cv) in self.results.iter().zip(cvs) {
            if var.from_file || var.terms.cap.is_none() {
                continue;
            }
            let kink = budget(&var.terms).and_then(|b| binding_point(r, &cv.paid, b, origin));
            let to = kink.map_or(f64::INFINITY, |k| k.0);
            solid_to = Some(solid_to.map_or(to, |s| s.max(to)));
        }
        solid_to
    }

    /// Whether `none` (no cap on the shared terms) is among the variants drawn.
    fn none_shown(&self) -> bool {
        self.results
            .iter()
            .any(|(var, _)| !var.from_file && var.terms.cap.is_none())
    }

    fn geometry(
        &self,
        frame: &super::layout::Frame,
        reference: &Curves,
        cvs: &[Curves],
        solid_to: Option<f64>,
        origin: crate::model::Date,
        t: &Theme,
    ) -> Geometry {
        let p = frame.plot;
        let none_shown = self.none_shown();
        let mut obs = Obstacles::new();
        let mut lines = Vec::new();
        for (i, ((var, r), cv)) in self.results.iter().zip(cvs).enumerate() {
            let b = budget(&var.terms);
            let kink = b.and_then(|b| binding_point(r, &cv.paid, b, origin));
            let cap_y = b.map(|b| frame.y(b));
            if let Some(y) = cap_y {
                obs.add_polyline(&[(p.x0, y), (p.x1, y)], t.px(1.5));
            }
            // A variant on the shared terms draws from its binding point on (before
            // it, it is the shared rise); `none` and terms files draw whole.
            let pts: Vec<(f64, f64)> = match kink {
                Some(k) if !var.from_file => std::iter::once(k)
                    .chain(cv.paid.iter().copied().filter(|q| q.0 > k.0))
                    .collect(),
                None if !var.from_file && var.terms.cap.is_some() => Vec::new(),
                // `none` goes on from where the shared rise stops.
                None if !var.from_file && solid_to.is_some_and(f64::is_finite) => {
                    let to = solid_to.unwrap_or(0.0);
                    std::iter::once((to, interpolate(&cv.paid, to)))
                        .chain(cv.paid.iter().copied().filter(|q| q.0 > to))
                        .collect()
                }
                _ => cv.paid.clone(),
            };
            let px = frame.pxs(&clip_top(&pts, frame.y_max));
            obs.add_polyline(&px, t.px(4.0));
            let kink_px = kink.map(|k| frame.px(k));
            if let Some(m) = kink_px {
                obs.add_rect(Rect::square(m, t.px(12.0)));
            }
            lines.push(VariantLine {
                style: i,
                line: px,
                cap_y,
                kink: kink_px,
            });
        }
        let shared = solid_to.map(|to| {
            let at = |x: f64| (x, interpolate(&reference.uncapped, x));
            let solid: Vec<(f64, f64)> = reference
                .uncapped
                .iter()
                .copied()
                .filter(|q| q.0 < to)
                .chain(to.is_finite().then(|| at(to)))
                .collect();
            let dashed: Vec<(f64, f64)> = if to.is_finite() && !none_shown {
                std::iter::once(at(to))
                    .chain(reference.uncapped.iter().copied().filter(|q| q.0 > to))
                    .collect()
            } else {
                Vec::new()
            };
            let (s, dd) = (
                frame.pxs(&clip_top(&solid, frame.y_max)),
                frame.pxs(&clip_top(&dashed, frame.y_max)),
            );
            obs.add_polyline(&s, t.px(4.0));
            obs.add_polyline(&dd, t.px(4.0));
            (s, dd)
        });
        Geometry { obs, shared, lines }
    }
}

/// What the chart plots: the scenario's curves (under the shared terms with no cap,
/// and under each variant) over `days` from `origin`, how far the shared rise is
/// solid, the money axis's top, and the legend.
pub struct VariantsPlot {
    origin: crate::model::Date,
    reference: Curves,
    cvs: Vec<Curves>,
    days: i64,
    solid_to: Option<f64>,
    y_max: f64,
    entries: Vec<(Swatch, String)>,
}

impl Chart for VariantsCumulative<'_> {
    type Plot = VariantsPlot;

    fn describe<DB: DrawingBackend>(&self, _: &Canvas<DB>) -> Described<VariantsPlot> {
        let shared_shown = self.results.iter().any(|(var, _)| !var.from_file);
        let origin = self
            .results
            .iter()
            .map(|(_, r)| r.from)
            .chain(shared_shown.then_some(self.reference.from))
            .min()
            .unwrap_or(self.reference.from);
        let reference = curves(self.reference, origin);
        let cvs: Vec<Curves> = self
            .results
            .iter()
            .map(|(_, r)| curves(r, origin))
            .collect();
        let end = cvs
            .iter()
            .map(|cv| cv.end)
            .fold(reference.end, f64::max)
            .max(1.0);
        let days = (end.round() as i64).max(1);
        let mut notes = self.notes(shared_shown);
        let (y_max, zoomed) = self.zoom(&reference, &cvs, shared_shown, &mut notes);
        let solid_to = self.shared_rise(&cvs, origin);
        Ok(Some(Description {
            title: self.title(),
            headline: self.headline(),
            notes,
            plot: VariantsPlot {
                origin,
                entries: self.entries(&reference, solid_to, zoomed),
                reference,
                cvs,
                days,
                solid_to,
                y_max,
            },
        }))
    }

    fn plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, room: Room, v: VariantsPlot) -> Plotted {
        let t = c.theme;
        let money = &self.data.money;
        let VariantsPlot {
            origin,
            reference,
            cvs,
            days,
            solid_to,
            y_max,
            entries,
        } = v;
        let legend_size = c.legend_size(&entries)?;
        let plot = MoneyPlot {
            room,
            x: Scale::Calendar { origin, days },
            x_max: days as f64,
            y_max,
            money,
            caption: "cumulative payments",
        };
        let WithLegend {
            frame,
            geo,
            bounds,
            legend,
            ..
        } = plot_with_legend(c, legend_size, &plot, |frame| {
            self.geometry(frame, &reference, &cvs, solid_to, origin, &t)
        })?;
        let p = frame.plot;

        // Cap lines (thin), the shared rise, then each variant's own line on top.
        for l in &geo.lines {
            if let Some(y) = &l.cap_y {
                let (color, _) = variant_style(l.style);
                c.line(&[(p.x0, *y), (p.x1, *y)], color.to_rgba(), t.px(1.5))?;
            }
        }
        if let Some((solid, dashed)) = &geo.shared {
            if dashed.len() > 1 {
                c.dashed(dashed, SHARED.to_rgba(), t.px(3.0), t.px(14.0), t.px(9.0))?;
            }
            if solid.len() > 1 {
                c.line(solid, SHARED.to_rgba(), t.px(4.5))?;
            }
        }
        // In order, so the first (solid) is at the bottom and the dashed lines over it
        // show where variants run together.
        for l in &geo.lines {
            if l.line.len() > 1 {
                Self::draw_styled(c, &l.line, l.style, t.px(4.5))?;
            }
        }
        for l in &geo.lines {
            if let Some(m) = l.kink {
                c.dot(m, t.px(7.5), variant_style(l.style).0)?;
            }
        }

        let marks: Vec<((f64, f64), String)> = geo
            .lines
            .iter()
            .zip(&self.results)
            .filter_map(|(l, (_, r))| Some((l.kink?, r.summary.binding_date?.to_string())))
            .collect();
        for (text, bx, m, fs) in self.date_labels(c, &geo.obs, &marks, &bounds)? {
            leader(c, m, &bx)?;
            c.label(&text, bx, fs, true, INK)?;
        }
        c.legend(legend, &entries)?;
        Ok(())
    }
}

impl VariantsCumulative<'_> {
    /// What the variants are: `cap` when all are caps on the shared terms, else
    /// `variant`.
    fn what(&self) -> &'static str {
        if self.data.variants.iter().any(|v| v.from_file) {
            "variant"
        } else {
            "cap"
        }
    }

    fn title(&self) -> String {
        let d = self.data;
        let (name, variants) = (
            clip(&self.scenario.name, 32),
            count(self.results.len(), self.what()),
        );
        if self.results.iter().any(|(var, _)| var.from_file) {
            format!("{name}: cumulative payments under {variants}")
        } else {
            format!(
                "{name}: cumulative payments under {variants} at {}",
                uncapped_terms_title(
                    d.terms,
                    &d.money,
                    super::coverage::data_end(&[self.reference], d.terms.through)
                )
            )
        }
    }

    /// The footnotes: the source (and the shared term when it is drawn), the
    /// variants left out, the terms files' terms, and what already paid means.
    fn notes(&self, shared_shown: bool) -> Vec<String> {
        let d = self.data;
        let money = &d.money;
        let source = &self.scenario.source;
        let mut notes = vec![if shared_shown {
            format!(
                "Source: {source}. Term {} to {}; revenue accrues evenly over the days of each period.",
                self.reference.from, d.terms.through
            )
        } else {
            format!("Source: {source}. Revenue accrues evenly over the days of each period.")
        }];
        if d.variants.len() > MAX_VARIANTS {
            let omitted: Vec<String> = d
                .variants
                .iter()
                .skip(MAX_VARIANTS)
                .map(|v| clip(&v.name, 16))
                .collect();
            notes.push(format!(
                "Showing the first {MAX_VARIANTS} of {} {}s; not shown: {}.",
                d.variants.len(),
                self.what(),
                list(&omitted)
            ));
        }
        if self.results.iter().any(|(var, _)| var.from_file) {
            for (var, _) in self.results.iter().filter(|(var, _)| var.from_file).take(3) {
                notes.push(format!(
                    "{} (terms file): {}.",
                    clip(&var.name, 24),
                    terms_title(&var.terms, money, None)
                ));
            }
            if shared_shown {
                notes.push(format!(
                    "Caps on: {}.",
                    uncapped_terms_title(d.terms, money, None)
                ));
            }
        }
        if !d.terms.already_paid.is_zero() && shared_shown {
            notes.push(format!(
                "Payments within the term only; {} paid before counts toward each cap, so cap lines mark what is left.",
                money.exact(f(d.terms.already_paid))
            ));
        }
        if shared_shown {
            notes.extend(super::coverage::notes(&[self.reference], d.terms.through));
        }
        notes
    }

    /// The money axis's top: it covers everything drawn, unless what is due with no
    /// cap dwarfs the caps; then it is zoomed to the caps (that curve runs off the
    /// top, and a note in `notes` says so). Returns the top and whether it zoomed.
    fn zoom(
        &self,
        reference: &Curves,
        cvs: &[Curves],
        shared_shown: bool,
        notes: &mut Vec<String>,
    ) -> (f64, bool) {
        let mut full = if shared_shown {
            reference.uncapped.iter().map(|q| q.1).fold(0.0, f64::max)
        } else {
            0.0
        };
        let mut own: f64 = 0.0;
        for ((var, _), cv) in self.results.iter().zip(cvs) {
            let paid = cv.paid.iter().map(|q| q.1).fold(0.0, f64::max);
            full = full.max(paid);
            if let Some(b) = budget(&var.terms) {
                own = own.max(b).max(paid);
            }
        }
        let zoomed = own > 0.0 && full > ZOOM * own;
        if zoomed {
            notes.push(format!(
                "Scale zoomed to the caps: payments with no cap ({} by the term end) run off the top.",
                self.data.money.amount(full)
            ));
        }
        // Headroom above the caps for the legend.
        (if zoomed { own * 1.9 } else { full.max(own) }, zoomed)
    }

    /// The legend: the shared rise (drawn up to `solid_to`, if at all), then each
    /// variant.
    fn entries(
        &self,
        reference: &Curves,
        solid_to: Option<f64>,
        zoomed: bool,
    ) -> Vec<(Swatch, String)> {
        let money = &self.data.money;
        let mut entries = Vec::new();
        if let Some(to) = solid_to {
            let any_binds = self
                .results
                .iter()
                .any(|(var, r)| !var.from_file && r.summary.binding_date.is_some());
            entries.push((
                Swatch::Line(SHARED),
                if any_binds {
                    "paid until each cap binds".to_string()
                } else {
                    "paid: no cap is reached".to_string()
                },
            ));
            if to < reference.end && !self.none_shown() {
                entries.push((
                    Swatch::Dashed(SHARED),
                    format!(
                        "due with no cap ({}{})",
                        money.amount(f(self.reference.summary.uncapped_total)),
                        if zoomed { ", off the top" } else { "" }
                    ),
                ));
            }
        }
        for (i, (var, r)) in self.results.iter().enumerate() {
            let (color, dash) = variant_style(i);
            entries.push((Swatch::Pattern(color, dash), self.entry(var, r)));
        }
        entries
    }

    /// A variant's legend entry: what it is, and when it binds or what it leaves.
    fn entry(&self, var: &Variant, r: &ScenarioResult) -> String {
        let money = &self.data.money;
        let name = self.describe(var);
        match (var.terms.cap, r.summary.binding_date) {
            (_, Some(b)) => format!("{name}: binds {b}"),
            (Some(_), None) => format!(
                "{name}: not reached, {} headroom",
                money.amount(headroom(r, &var.terms))
            ),
            (None, None) if var.from_file => format!(
                "{name}: no cap, {} paid",
                money.amount(f(r.summary.total_paid))
            ),
            (None, None) => format!("no cap: {} paid", money.amount(f(r.summary.total_paid))),
        }
    }
}

impl VariantsCumulative<'_> {
    /// Binding dates beside their markers, where there is room: left of the
    /// marker just above its cap line (on a rising curve that side is free, and
    /// it stays under the next cap line up), else farther around it. One size
    /// for all: the larger one if every label fits beside its marker.
    #[allow(clippy::type_complexity)]
    fn date_labels<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        placed: &Obstacles,
        marks: &[((f64, f64), String)],
        bounds: &Rect,
    ) -> Result<Vec<(String, Rect, (f64, f64), f64)>, Error> {
        let t = c.theme;
        let bounds = *bounds;
        let tight = |m: (f64, f64), (w, h): (f64, f64)| {
            vec![
                Rect::new(m.0 - t.px(14.0) - w, m.1 - h - t.px(4.0), w, h),
                Rect::new(m.0 - t.px(40.0) - w, m.1 - h - t.px(4.0), w, h),
                Rect::new(m.0 + t.px(14.0), m.1 + t.px(4.0), w, h),
            ]
        };
        let mut labels = Vec::new();
        for (pass, fs) in [t.label(), t.small()].into_iter().enumerate() {
            let mut obs = placed.clone();
            let mut placed = Vec::new();
            let mut all = true;
            for (m, text) in marks {
                let size = c.measure(text, fs, true)?;
                let mut found = obs.place(&tight(*m, size), &bounds);
                if found.is_none() && pass == 1 {
                    found = obs.place(
                        &around(*m, size, t.px(14.0), &[1.0, 1.7, 2.6, 4.0]),
                        &bounds,
                    );
                }
                match found {
                    Some(bx) => {
                        obs.add_rect(bx.inflate(t.px(4.0)));
                        placed.push((text.clone(), bx, *m, fs));
                    }
                    None => all = false,
                }
            }
            if all || pass == 1 {
                labels = placed;
                break;
            }
        }
        Ok(labels)
    }
}
