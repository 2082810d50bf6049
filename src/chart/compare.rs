//! The charts of `revcap compare` over the caps: what each scenario pays
//! (`compare-total-paid`) and when its cap binds (`compare-binding-date`), as
//! functions of the cap, plus [`Compare`], the data every compare chart shares.
//!
//! Only variants with a numeric cap on the shared terms lie on a cap axis: `none`,
//! terms-file variants (their own rate, term...) and a grid's caps at another rate
//! are left out of these two charts, and the footer says so. The lines are exact between the caps compared:
//! with `b = cap − already paid`, a scenario pays `min(max(b, 0), uncapped total)`,
//! and its cap binds on the day its cumulative uncapped payments reach `b`, so the
//! binding-date line is the uncapped cumulative curve with its axes swapped. Dots
//! mark the caps compared (values from the compare rows, not the lines). Above the
//! binding dates, a "not reached" band holds a lane per scenario, from its
//! threshold on.
//!
//! Choice on the x range: from 0 to the largest cap compared, stretched to show
//! each scenario's threshold (already paid + uncapped total, above which the cap
//! never binds) when it is within 5× the largest cap; farther thresholds are given
//! in words (legend, lane) rather than squeezing the caps compared into a corner.

use std::collections::HashMap;

use plotters::prelude::*;

use super::axes::{axis, date_y_labels_width, Along, MoneyPlot, Scale};
use super::cumulative::{curves, Curves};
use super::layout::{nice_ticks, Frame, Obstacles, Rect};
use super::render::{
    around, label_bounds, leader, plot_with_legend, Described, Drawn, Plotted, WithLegend,
};
use super::render::{place_legend, Description, Room};
use super::style::clip;
use super::style::{
    count, f, line_height, list, rate_text, scenario_color, scenario_dashed, scenario_line, shade,
    tint, uncapped_terms_title, Canvas, Money, Swatch, Theme, AXIS, CAP, INK, MUTED,
};
use super::Chart;
use crate::config::Variant;
use crate::engine;
use crate::error::Error;
use crate::model::{CompareRow, Date, Scenario, ScenarioResult, Terms};

/// How far beyond the largest cap compared the x axis stretches to show thresholds.
const STRETCH: f64 = 5.0;

/// What the compare charts share: the scenarios, the variants, the shared terms, each
/// scenario's results under the shared terms with no cap, and the compare rows.
pub struct Compare<'a> {
    pub scenarios: &'a [Scenario],
    pub variants: &'a [Variant],
    /// The terms the `--cap`/`--caps` variants share.
    pub terms: &'a Terms,
    pub money: Money,
    /// Each scenario under the shared terms with no cap (for thresholds and curves).
    pub uncapped: Vec<ScenarioResult>,
    /// Row of scenario `s` under variant `v` at `s × variants + v`.
    cells: Vec<&'a CompareRow>,
}

impl<'a> Compare<'a> {
    pub fn new(
        scenarios: &'a [Scenario],
        variants: &'a [Variant],
        rows: &'a [CompareRow],
        terms: &'a Terms,
        unit: Option<&crate::unit::Unit>,
    ) -> Result<Compare<'a>, Error> {
        let shared = Terms {
            cap: None,
            ..terms.clone()
        };
        let uncapped = scenarios
            .iter()
            .map(|s| engine::compute(s, &shared))
            .collect::<Result<Vec<_>, _>>()?;
        let nv = variants.len().max(1);
        // `compare` lists rows scenario by scenario, variants in order; look them up
        // by name only if they come otherwise.
        let aligned = rows.len() == scenarios.len() * variants.len()
            && rows.chunks(nv).zip(scenarios).all(|(chunk, s)| {
                chunk
                    .iter()
                    .zip(variants)
                    .all(|(r, v)| *r.scenario == *s.name && *r.variant == *v.name)
            });
        let cells = if aligned {
            rows.iter().collect()
        } else {
            let map: HashMap<(&str, &str), &CompareRow> = rows
                .iter()
                .map(|r| ((&*r.scenario, &*r.variant), r))
                .collect();
            let mut out = Vec::with_capacity(scenarios.len() * variants.len());
            for s in scenarios {
                for v in variants {
                    let row = map
                        .get(&(s.name.as_str(), v.name.as_str()))
                        .ok_or_else(|| {
                            Error::Chart(format!(
                                "no compare result for {} under {}",
                                s.name, v.name
                            ))
                        })?;
                    out.push(*row);
                }
            }
            out
        };
        Ok(Compare {
            scenarios,
            variants,
            terms,
            money: Money::new(unit),
            uncapped,
            cells,
        })
    }

    /// Scenario `s` under variant `v` (`None` past the last scenario or variant).
    pub fn cell(&self, s: usize, v: usize) -> Option<&'a CompareRow> {
        if v >= self.variants.len() {
            return None;
        }
        self.cells.get(s * self.variants.len() + v).copied()
    }

    /// Each scenario in order, with its index and its results under the shared terms
    /// with no cap.
    pub fn each(&self) -> impl Iterator<Item = (usize, &'a Scenario, &ScenarioResult)> + '_ {
        self.scenarios
            .iter()
            .zip(&self.uncapped)
            .enumerate()
            .map(|(s, (scenario, uncapped))| (s, scenario, uncapped))
    }

    /// Above this cap, the scenario with these `uncapped` results never binds:
    /// already paid + uncapped total.
    pub fn threshold(&self, uncapped: &ScenarioResult) -> f64 {
        f(self.terms.already_paid) + f(uncapped.summary.uncapped_total)
    }

    /// The variants on a cap axis (a numeric cap on the shared terms), with their
    /// caps as numbers.
    pub fn cap_variants(&self) -> Vec<(usize, f64)> {
        self.variants
            .iter()
            .enumerate()
            .filter(|(_, var)| on_cap_axis(var, self.terms))
            .filter_map(|(v, var)| var.terms.cap.map(|cap| (v, f(cap))))
            .collect()
    }

    /// The compare rows on a cap axis, `(scenario, cap, row)`, variant by variant.
    pub fn compared(&self) -> impl Iterator<Item = (usize, f64, &'a CompareRow)> + '_ {
        let n = self.scenarios.len();
        self.cap_variants()
            .into_iter()
            .flat_map(move |(v, cap)| (0..n).filter_map(move |s| Some((s, cap, self.cell(s, v)?))))
    }

    /// The caps on a cap axis, as numbers.
    fn caps(&self) -> Vec<f64> {
        self.cap_variants()
            .into_iter()
            .map(|(_, cap)| cap)
            .collect()
    }

    /// The earliest term start of any scenario (the origin of date axes).
    pub fn origin(&self) -> Date {
        self.uncapped
            .iter()
            .map(|r| r.from)
            .min()
            .unwrap_or(self.terms.through)
    }

    /// `Sources: a.csv, b.csv. Term 2026-04-27 to 2030-12-31`; without the term
    /// when every variant is a terms file (their terms are footnoted instead).
    pub fn sources_and_term(&self) -> String {
        let mut sources: Vec<&str> = self.scenarios.iter().map(|s| s.source.as_str()).collect();
        sources.dedup();
        let sources = format!(
            "Source{}: {}",
            if sources.len() == 1 { "" } else { "s" },
            sources.join(", ")
        );
        if self.variants.iter().all(|v| v.from_file) {
            return sources;
        }
        let term = match crate::render::common_from(self.terms, &self.uncapped) {
            Some(d) => format!("Term {d} to {}", self.terms.through),
            None => format!(
                "Term from each scenario's first period to {}",
                self.terms.through
            ),
        };
        if self.variants.iter().any(|v| v.from_file) {
            format!("{sources}. Caps on the shared terms: {term}")
        } else {
            format!("{sources}. {term}")
        }
    }

    /// The footnotes for the ends of the shared term the scenarios' data leaves
    /// uncovered ([`super::coverage::notes`]).
    pub fn coverage_notes(&self) -> Vec<String> {
        let results: Vec<&ScenarioResult> = self.uncapped.iter().collect();
        super::coverage::notes(&results, self.terms.through)
    }

    /// The last day the scenarios' data covers, when before the shared term's end.
    pub fn data_end(&self) -> Option<Date> {
        let results: Vec<&ScenarioResult> = self.uncapped.iter().collect();
        super::coverage::data_end(&results, self.terms.through)
    }

    /// `4 scenarios` or `1 scenario`.
    pub fn scenario_count(&self) -> String {
        count(self.scenarios.len(), "scenario")
    }

    /// The variants a cap axis leaves out, for a footnote; `None` if none is.
    fn left_out(&self) -> Option<String> {
        let out: Vec<String> = self
            .variants
            .iter()
            .filter(|v| !on_cap_axis(v, self.terms))
            .map(|v| {
                let why = if v.from_file {
                    "terms file".to_string()
                } else if v.terms.cap.is_none() {
                    "no cap".to_string()
                } else {
                    rate_text(&v.terms)
                };
                format!("{} ({why})", clip(&v.name, 24))
            })
            .collect();
        (!out.is_empty()).then(|| format!("Not on the cap axis: {}.", list(&out)))
    }
}

/// Whether variant `v` lies on the cap axis of the compare charts drawn for the
/// shared `terms`: a numeric cap, and otherwise the shared terms (a rate × cap
/// grid's other rates are not: the axis's lines are the shared rate's). Pinned by
/// `compare_tests::a_grid_plots_only_the_shared_rate_on_the_cap_axis`.
pub fn on_cap_axis(v: &Variant, terms: &Terms) -> bool {
    !v.from_file && v.terms.cap.is_some() && super::on_shared(v, terms)
}

/// The caps compared, in words: `cap $38B`, `caps $25B and $38B`, `9 caps from $20B
/// to $60B in $5B steps`.
pub fn caps_text(caps: &[f64], money: &Money) -> String {
    let mut v = caps.to_vec();
    v.sort_by(f64::total_cmp);
    v.dedup();
    match v.as_slice() {
        [] => "no caps".into(),
        [a] => format!("cap {}", money.exact(*a)),
        [a, b] => format!("caps {} and {}", money.exact(*a), money.exact(*b)),
        [lo, second, .., hi] => {
            let (lo, hi) = (*lo, *hi);
            let step = second - lo;
            let even = v
                .iter()
                .zip(v.iter().skip(1))
                .all(|(a, b)| ((b - a) - step).abs() <= step.abs() * 1e-9);
            if even {
                format!(
                    "{} caps from {} to {} in {} steps",
                    v.len(),
                    money.exact(lo),
                    money.exact(hi),
                    money.exact(step)
                )
            } else if v.len() <= 5 {
                let items: Vec<String> = v.iter().map(|c| money.exact(*c)).collect();
                format!("caps {}", list(&items))
            } else {
                format!(
                    "{} caps from {} to {}",
                    v.len(),
                    money.exact(lo),
                    money.exact(hi)
                )
            }
        }
    }
}

/// Whether `compare-total-paid` and `compare-binding-date` are drawn: at least two
/// distinct numeric caps on the shared terms.
pub fn has_cap_axis(data: &Compare) -> bool {
    let mut caps = data.caps();
    caps.sort_by(f64::total_cmp);
    caps.dedup();
    caps.len() >= 2
}

/// The x range of a cap axis: the data maximum (largest cap compared, stretched to
/// the thresholds within [`STRETCH`] of it), then ticks over it.
fn cap_axis(data: &Compare, t: &Theme) -> (f64, Vec<f64>) {
    let max_cap = data.caps().into_iter().fold(0.0, f64::max);
    let x_data = data
        .each()
        .map(|(_, _, r)| data.threshold(r))
        .filter(|th| *th <= STRETCH * max_cap)
        .fold(max_cap, f64::max);
    let target = ((t.width - 2.0 * t.margin()) / t.px(170.0))
        .round()
        .clamp(3.0, 10.0) as usize;
    nice_ticks(x_data * 1.04, target)
}

/// Dots for the caps compared only when they stand apart.
fn dots_fit(caps: &[f64], frame: &Frame, t: &Theme) -> bool {
    let mut xs: Vec<f64> = caps.iter().map(|c| frame.x(*c)).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    xs.iter()
        .zip(xs.iter().skip(1))
        .all(|(a, b)| b - a >= t.px(12.0))
}

fn scenario_swatch(s: usize) -> Swatch {
    Swatch::Dot(scenario_color(s), scenario_dashed(s))
}

/// A small marker for a cap compared: a dot with a white ring.
fn small_dot<DB: DrawingBackend>(
    c: &Canvas<DB>,
    p: (f64, f64),
    color: RGBColor,
) -> Result<(), Error> {
    c.dot(p, c.theme.px(4.5), color)
}

/// `compare-total-paid`: total paid (y) against the cap (x), a line per scenario.
pub struct TotalPaid<'a> {
    pub data: &'a Compare<'a>,
}

/// A polyline in pixels.
type Pixels = Vec<(f64, f64)>;

/// What the total-paid chart draws in its plot, in pixels.
struct TotalPaidGeometry {
    obs: Obstacles,
    /// The shared rise, `paid = cap − already paid`.
    diagonal: Pixels,
    /// Per scenario: its flat part from the kink on, and the kink.
    flats: Vec<Option<(Pixels, (f64, f64))>>,
}

impl Drawn for TotalPaidGeometry {
    fn obstacles(&mut self) -> &mut Obstacles {
        &mut self.obs
    }
}

impl TotalPaid<'_> {
    fn geometry(&self, frame: &Frame, t: &Theme) -> TotalPaidGeometry {
        let d = self.data;
        let ap = f(d.terms.already_paid);
        let x_top = frame.x_max;
        let mut obs = Obstacles::new();
        // The shared rise reaches the farthest kink in view, or the axis end.
        let ths: Vec<f64> = d.each().map(|(_, _, r)| d.threshold(r)).collect();
        let x_end = if ths.iter().any(|th| *th > x_top) {
            x_top
        } else {
            ths.iter().copied().fold(ap, f64::max)
        };
        let mut diagonal = vec![(0.0, 0.0)];
        if ap > 0.0 {
            diagonal.push((ap.min(x_top), 0.0));
        }
        if x_end > ap {
            diagonal.push((x_end, x_end - ap));
        }
        let diagonal = frame.pxs(&diagonal);
        obs.add_polyline(&diagonal, t.px(4.0));
        let mut flats = Vec::new();
        for ((_, _, r), th) in d.each().zip(&ths) {
            if *th > x_top {
                flats.push(None);
                continue;
            }
            let ut = f(r.summary.uncapped_total);
            let k = frame.px((*th, ut));
            let pts = vec![k, frame.px((x_top, ut))];
            obs.add_polyline(&pts, t.px(4.0));
            obs.add_rect(Rect::square(k, t.px(12.0)));
            flats.push(Some((pts, k)));
        }
        TotalPaidGeometry {
            obs,
            diagonal,
            flats,
        }
    }

    fn headline(&self) -> String {
        let d = self.data;
        let money = &d.money;
        let ap = d.terms.already_paid;
        let n = d.scenarios.len();
        let mut ths: Vec<(f64, &str)> = d
            .each()
            .map(|(_, scenario, r)| (d.threshold(r), scenario.name.as_str()))
            .collect();
        ths.sort_by(|a, b| a.0.total_cmp(&b.0));
        let in_full = if ap.is_zero() {
            "The whole cap is paid".to_string()
        } else {
            format!(
                "The cap less the {} already paid is paid",
                money.exact(f(ap))
            )
        };
        match (ths.first(), ths.last()) {
            (Some(lo), Some(_)) if n == 1 => format!(
                "{in_full} up to a {} cap ({}'s threshold); higher caps never bind",
                money.amount(lo.0),
                clip(lo.1, 24)
            ),
            (Some(lo), Some(hi)) if money.amount(lo.0) == money.amount(hi.0) => format!(
                "{in_full} up to a {} cap in every scenario; higher caps never bind",
                money.amount(lo.0)
            ),
            (Some(lo), Some(hi)) => format!(
                "{in_full} up to each scenario's threshold, from {} ({}) to {} ({}); higher caps never bind",
                money.amount(lo.0),
                clip(lo.1, 24),
                money.amount(hi.0),
                clip(hi.1, 24)
            ),
            _ => "No scenarios".into(),
        }
    }
}

impl TotalPaid<'_> {
    /// The legend: the shared rise, then each scenario's threshold.
    fn entries(&self, x_top: f64) -> Vec<(Swatch, String)> {
        let d = self.data;
        let money = &d.money;
        let ap = f(d.terms.already_paid);
        let mut entries = vec![(
            Swatch::Line(CAP),
            if ap > 0.0 {
                format!("cap binds: paid = cap − {} already paid", money.exact(ap))
            } else {
                "cap binds: paid = cap".to_string()
            },
        )];
        for (s, scenario, r) in d.each() {
            let th = d.threshold(r);
            let ut = f(r.summary.uncapped_total);
            let name = clip(&scenario.name, 24);
            let mut text = if ap > 0.0 {
                format!(
                    "{name}: flat at {} above a {} cap",
                    money.amount(ut),
                    money.amount(th)
                )
            } else {
                format!("{name}: flat above {}", money.amount(th))
            };
            if th > x_top {
                text.push_str(" (off the chart)");
            }
            entries.push((scenario_swatch(s), text));
        }
        entries
    }
}

impl Chart for TotalPaid<'_> {
    type Plot = ();

    fn describe<DB: DrawingBackend>(&self, _: &Canvas<DB>) -> Described<()> {
        let d = self.data;
        let money = &d.money;
        let ap = f(d.terms.already_paid);
        let caps = d.caps();
        let title = format!(
            "{}: total paid by cap at {}",
            d.scenario_count(),
            uncapped_terms_title(d.terms, money, d.data_end())
        );
        let mut notes = vec![format!(
            "{}; revenue accrues evenly over the days of each period.",
            d.sources_and_term()
        )];
        let rule = if ap > 0.0 {
            "paid = min(cap − already paid, uncapped total)"
        } else {
            "paid = min(cap, uncapped total)"
        };
        let mut compared = format!(
            "Compared: {}; the lines follow {rule}.",
            caps_text(&caps, money)
        );
        if let Some(left_out) = d.left_out() {
            compared = format!("{compared} {left_out}");
        }
        notes.push(compared);
        notes.extend(d.coverage_notes());
        Ok(Some(Description {
            title,
            headline: self.headline(),
            notes,
            plot: (),
        }))
    }

    fn plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, room: Room, _: ()) -> Plotted {
        let t = c.theme;
        let d = self.data;
        let ap = f(d.terms.already_paid);
        let (x_top, x_ticks) = cap_axis(d, &t);
        let paid_at =
            |r: &ScenarioResult, x: f64| (x - ap).max(0.0).min(f(r.summary.uncapped_total));
        let y_max = d
            .uncapped
            .iter()
            .map(|r| paid_at(r, x_top))
            .fold(0.0, f64::max);
        let (entries, show_dots) = self.legend(&t, x_top);
        let plot = MoneyPlot {
            room,
            x: cap_scale(&x_ticks, &d.money),
            x_max: x_top,
            y_max,
            money: &d.money,
            caption: "total paid in the term",
        };
        let WithLegend {
            frame,
            mut geo,
            bounds,
            legend,
            ..
        } = plot_with_legend(c, c.legend_size(&entries)?, &plot, |frame| {
            self.geometry(frame, &t)
        })?;
        self.lines(c, &frame, &geo, show_dots)?;
        self.kink_labels(c, &mut geo, &bounds)?;
        c.legend(legend, &entries)?;
        Ok(())
    }
}

impl TotalPaid<'_> {
    /// The legend's entries, and whether the caps compared are dotted (only when
    /// the dots stand apart; then the legend says what they are).
    fn legend(&self, t: &Theme, x_top: f64) -> (Vec<(Swatch, String)>, bool) {
        let mut entries = self.entries(x_top);
        // Whether the dots stand apart depends on the plot's width; the legend may
        // narrow it a little, which this estimate ignores.
        let probe = Frame {
            plot: Rect::new(0.0, 0.0, t.width * 0.75, 1.0),
            x_min: 0.0,
            x_max: x_top,
            y_min: 0.0,
            y_max: 1.0,
        };
        let show_dots = dots_fit(&self.data.caps(), &probe, t);
        if show_dots {
            entries.push((Swatch::Marker(CAP), "caps compared".to_string()));
        }
        (entries, show_dots)
    }

    /// The shared rise, then each scenario's flat part, the caps compared (at the
    /// totals the compare rows give), and each scenario's kink.
    fn lines<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        frame: &Frame,
        geo: &TotalPaidGeometry,
        show_dots: bool,
    ) -> Result<(), Error> {
        let t = c.theme;
        c.line(&geo.diagonal, CAP.to_rgba(), t.px(4.5))?;
        for (s, flat) in geo.flats.iter().enumerate() {
            if let Some((pts, _)) = flat {
                scenario_line(c, pts, s, t.px(4.5))?;
            }
        }
        if show_dots {
            for (s, cap, row) in self.data.compared() {
                let color = if row.summary.cap_binds {
                    CAP
                } else {
                    scenario_color(s)
                };
                small_dot(c, frame.px((cap, f(row.summary.total_paid))), color)?;
            }
        }
        for (s, flat) in geo.flats.iter().enumerate() {
            if let Some((_, k)) = flat {
                c.dot(*k, t.px(8.0), scenario_color(s))?;
            }
        }
        Ok(())
    }

    /// Each kink labelled with its scenario and threshold, off the lines.
    fn kink_labels<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        geo: &mut TotalPaidGeometry,
        bounds: &Rect,
    ) -> Result<(), Error> {
        let t = c.theme;
        let d = self.data;
        let mut labels: Vec<(String, Rect, (f64, f64), usize)> = Vec::new();
        for ((s, scenario, r), flat) in d.each().zip(&geo.flats) {
            let Some((_, k)) = flat else { continue };
            let text = format!(
                "{}: {}",
                clip(&scenario.name, 24),
                d.money.amount(d.threshold(r))
            );
            let size = c.measure(&text, t.label(), true)?;
            let cands = around(*k, size, t.px(16.0), &[1.0, 1.6, 2.5, 4.0, 6.0, 9.0]);
            // Kinks close together (thresholds a few billion apart, or a small
            // chart) must not have a leader run across an earlier label: prefer the
            // spots whose leader crosses none.
            // Among the spots inside the plot, the first touching nothing with a
            // clear leader; else the one touching fewest whose leader crosses no
            // label (a line under a label's white ground still reads; a leader
            // through a label does not); else the one touching fewest.
            let placed: Vec<Rect> = labels.iter().map(|l| l.1.inflate(t.px(3.0))).collect();
            let spot = cands
                .iter()
                .filter(|b| bounds.contains(b))
                .min_by_key(|b| (crosses(*k, b, &placed), geo.obs.hits(b)))
                .copied();
            if let Some(b) = spot {
                // Room for the label's white ground and its leader, so the next
                // label keeps clear of both.
                geo.obs.add_rect(b.inflate(t.px(5.0)));
                geo.obs.add_polyline(&[*k, b.nearest_point(*k)], t.px(2.0));
                labels.push((text, b, *k, s));
            }
        }
        for (text, b, k, s) in labels {
            leader(c, k, &b)?;
            c.label(&text, b, t.label(), true, shade(scenario_color(s), 0.35))?;
        }
        Ok(())
    }
}

/// Whether the leader from `k` to the label box `b` passes through any of `placed`.
fn crosses(k: (f64, f64), b: &Rect, placed: &[Rect]) -> bool {
    let end = b.nearest_point(k);
    let steps = 24;
    (0..=steps).any(|i| {
        let t = f64::from(i) / f64::from(steps);
        let p = (k.0 + (end.0 - k.0) * t, k.1 + (end.1 - k.1) * t);
        placed
            .iter()
            .any(|r| r.x0 < p.0 && p.0 < r.x1 && r.y0 < p.1 && p.1 < r.y1)
    })
}

/// `compare-binding-date`: the binding date (y) against the cap (x), a line per
/// scenario ending where the cap is no longer reached within the term; above that,
/// a lane per scenario in a "not reached" band.
pub struct BindingDate<'a> {
    pub data: &'a Compare<'a>,
}

impl BindingDate<'_> {
    /// `Cap binds later as it rises: at $20B from 2028-03-05 (feb2026) to ...`.
    fn headline(&self) -> String {
        let d = self.data;
        let money = &d.money;
        let vs = d.cap_variants();
        let lo = vs.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1));
        let hi = vs.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1));
        let at = |(v, cap): (usize, f64)| {
            let mut dates: Vec<(Date, &str)> = d
                .scenarios
                .iter()
                .enumerate()
                .filter_map(|(s, scenario)| {
                    d.cell(s, v)?
                        .summary
                        .binding_date
                        .map(|b| (b, scenario.name.as_str()))
                })
                .collect();
            dates.sort();
            let n = d.scenarios.len();
            let missing = n - dates.len();
            let binds = match (dates.first(), dates.last()) {
                (Some(a), Some(_)) if n == 1 => format!("{}", a.0),
                (Some(a), Some(_)) if dates.len() == 1 => format!("{} ({})", a.0, clip(a.1, 24)),
                (Some(a), Some(b)) if a.0 == b.0 => format!("{} in {} scenarios", a.0, dates.len()),
                (Some(a), Some(b)) => {
                    format!("{} ({}) to {} ({})", a.0, clip(a.1, 24), b.0, clip(b.1, 24))
                }
                _ => String::new(),
            };
            let cap = money.exact(cap);
            match (binds.is_empty(), missing) {
                (true, _) => format!("a {cap} cap is not reached"),
                (false, 0) => format!("a {cap} cap binds {binds}"),
                (false, m) => format!("a {cap} cap binds {binds}, not reached in {m}"),
            }
        };
        match (lo, hi) {
            (Some(lo), Some(hi)) => {
                let first = at(lo);
                let mut chars = first.chars();
                let first = chars
                    .next()
                    .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
                    .unwrap_or_default();
                format!("{first}; {}", at(hi))
            }
            _ => String::new(),
        }
    }
}

/// What the binding-date chart plots: the caps compared, and each scenario's
/// uncapped cumulative curve in days from `origin`, the longest ending at `end`
/// (`days` whole days).
pub struct DatePlot {
    caps: Vec<f64>,
    origin: Date,
    all: Vec<Curves>,
    end: f64,
    days: i64,
}

/// The binding-date chart's layout: the dates' frame, the "not reached" band above
/// it (a lane per scenario), and the width the labels left of both may take.
struct Band {
    frame: Frame,
    strip: Rect,
    lane_h: f64,
    label_w: f64,
}

/// The band's own label, left of it.
const STRIP_LABEL: &str = "not reached";
/// The band's ground: a light grey, so lanes and their text stand on it.
const STRIP_GROUND: RGBColor = RGBColor(246, 246, 246);

impl Chart for BindingDate<'_> {
    type Plot = DatePlot;

    fn describe<DB: DrawingBackend>(&self, _: &Canvas<DB>) -> Described<DatePlot> {
        let d = self.data;
        let money = &d.money;
        let caps = d.caps();
        let origin = d.origin();
        let all: Vec<_> = d.uncapped.iter().map(|r| curves(r, origin)).collect();
        let end = all.iter().map(|cv| cv.end).fold(1.0, f64::max);
        let days = (end.round() as i64).max(1);
        let title = format!(
            "{}: when the cap binds, by cap, at {}",
            d.scenario_count(),
            uncapped_terms_title(d.terms, money, d.data_end())
        );
        let mut compared = format!(
            "Compared: {} (dots); the lines give the exact date for every cap between.",
            caps_text(&caps, money)
        );
        if let Some(left_out) = d.left_out() {
            compared = format!("{compared} {left_out}");
        }
        let mut notes = vec![
            format!(
                "{}; the cap binds on the day cumulative payments reach it.",
                d.sources_and_term()
            ),
            compared,
        ];
        notes.extend(d.coverage_notes());
        Ok(Some(Description {
            title,
            headline: self.headline(),
            notes,
            plot: DatePlot {
                caps,
                origin,
                all,
                end,
                days,
            },
        }))
    }

    fn plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, room: Room, p: DatePlot) -> Plotted {
        let d = self.data;
        let (x_top, x_ticks) = cap_axis(d, &c.theme);
        let band = self.band(c, room, &p, x_top)?;
        self.axes(c, &band, &p, &x_ticks)?;
        let mut obs = self.lines(c, &band.frame, &p, x_top)?;
        self.lanes(c, &band, x_top)?;
        // Legend in a free corner of the dates, else to the right of them.
        let entries: Vec<(Swatch, String)> = d
            .scenarios
            .iter()
            .enumerate()
            .map(|(s, scenario)| (scenario_swatch(s), clip(&scenario.name, 28)))
            .collect();
        let plot = band.frame.plot;
        if let Some(b) = place_legend(c, &mut obs, &entries, &plot, &label_bounds(c, &band.frame))?
        {
            c.legend(b, &entries)?;
        }
        Ok(())
    }
}

impl BindingDate<'_> {
    /// Layout: the date caption above, the "not reached" band on top of the dates,
    /// the cap axis (ticks and caption) below.
    fn band<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        room: Room,
        p: &DatePlot,
        x_top: f64,
    ) -> Result<Band, Error> {
        let t = c.theme;
        let n = self.data.scenarios.len();
        let caption_h = line_height(t.small()) + t.px(14.0);
        let axis_h = 2.0 * (line_height(t.label()) + t.px(10.0)) + t.px(12.0);
        let area_top = room.top + t.px(26.0) + caption_h;
        let area_bottom = (room.bottom - t.px(18.0) - axis_h).max(area_top + t.px(120.0));
        let label_w = date_y_labels_width(c, p.origin, p.days)?
            .max(c.measure(STRIP_LABEL, t.label(), false)?.0);
        let lane_full = line_height(t.small()) + t.px(10.0);
        let lane_h = lane_full.min((area_bottom - area_top) * 0.3 / n.max(1) as f64);
        let strip_h = lane_h * n as f64 + t.px(12.0);
        let plot = Rect {
            x0: t.margin() + label_w + t.px(14.0),
            y0: area_top + strip_h,
            x1: t.width - t.margin(),
            y1: area_bottom,
        };
        let frame = Frame {
            plot,
            x_min: 0.0,
            x_max: x_top,
            y_min: 0.0,
            y_max: p.end,
        };
        let strip = Rect {
            x0: plot.x0,
            y0: area_top,
            x1: plot.x1,
            y1: plot.y0,
        };
        Ok(Band {
            frame,
            strip,
            lane_h,
            label_w,
        })
    }

    /// The band's ground, the date axis left and the cap axis below, the band's
    /// edges, and the captions: the date axis's above the band, the band's own
    /// label beside it.
    fn axes<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        band: &Band,
        p: &DatePlot,
        x_ticks: &[f64],
    ) -> Result<(), Error> {
        let t = c.theme;
        let (frame, strip) = (&band.frame, band.strip);
        let plot = frame.plot;
        c.fill(strip, STRIP_GROUND.to_rgba())?;
        let (origin, days) = (p.origin, p.days);
        axis(c, frame, Along::Y, Scale::Calendar { origin, days })?;
        axis(c, frame, Along::X, cap_scale(x_ticks, &self.data.money))?;
        for edge in [
            [(strip.x0, strip.y0), (strip.x0, strip.y1)],
            [(plot.x0, plot.y0), (plot.x1, plot.y0)],
        ] {
            c.line(&edge, AXIS.to_rgba(), t.px(1.5))?;
        }
        let caption_y = strip.y0 - t.px(26.0) - line_height(t.small());
        c.text(
            "binding date",
            (t.margin(), caption_y),
            t.small(),
            false,
            MUTED,
        )?;
        let sh = line_height(t.label());
        let by = format!("by {}", self.data.terms.through);
        let (bw, bh) = c.measure(&by, t.small(), false)?;
        let right = plot.x0 - t.px(14.0);
        if strip.h() >= sh + bh + t.px(4.0) && bw <= band.label_w {
            let y = (strip.y0 + strip.y1 - sh - bh) / 2.0;
            c.text_right(STRIP_LABEL, (right, y), t.label(), false, INK)?;
            c.text(&by, (right - bw, y + sh), t.small(), false, MUTED)?;
        } else {
            let y = (strip.y0 + strip.y1 - sh) / 2.0;
            c.text_right(STRIP_LABEL, (right, y), t.label(), false, INK)?;
        }
        Ok(())
    }

    /// Each scenario's line: its uncapped cumulative curve with the axes swapped,
    /// cut at the axis end; then the caps compared, at the dates the compare rows
    /// give. Returns what they cover, for the legend to avoid.
    fn lines<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        frame: &Frame,
        p: &DatePlot,
        x_top: f64,
    ) -> Result<Obstacles, Error> {
        let t = c.theme;
        let d = self.data;
        let ap = f(d.terms.already_paid);
        let mut obs = Obstacles::new();
        let mut lines = Vec::new();
        for cv in &p.all {
            let px = frame.pxs(&swapped(cv, ap, x_top));
            obs.add_polyline(&px, t.px(4.0));
            lines.push(px);
        }
        for (s, px) in lines.iter().enumerate() {
            scenario_line(c, px, s, t.px(4.5))?;
        }
        if dots_fit(&p.caps, frame, &t) {
            for (s, cap, row) in d.compared() {
                if let Some(date) = row.summary.binding_date {
                    let y = p.origin.days_until(date) as f64 + 0.5;
                    let dot = frame.px((cap, y));
                    obs.add_rect(Rect::square(dot, t.px(8.0)));
                    small_dot(c, dot, scenario_color(s))?;
                }
            }
        }
        Ok(obs)
    }

    /// The "not reached" lanes: from each threshold to the axis end. First the
    /// dotted risers from each line's end (at the term end) up to its lane, then
    /// the lanes over them, so a riser never runs through a lane's text.
    fn lanes<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        band: &Band,
        x_top: f64,
    ) -> Result<(), Error> {
        let t = c.theme;
        let d = self.data;
        let (frame, plot) = (&band.frame, band.frame.plot);
        let lane_top = |s: usize| band.strip.y0 + t.px(6.0) + s as f64 * band.lane_h;
        for (s, _, r) in d.each() {
            let th = d.threshold(r);
            if th <= x_top {
                let x = frame.x(th);
                c.dashed(
                    &[(x, plot.y0), (x, lane_top(s) + band.lane_h * 0.5)],
                    scenario_color(s).to_rgba(),
                    t.px(1.5),
                    t.px(3.0),
                    t.px(3.0),
                )?;
            }
        }
        for (s, scenario, r) in d.each() {
            let y0 = lane_top(s);
            let lane = Rect {
                x0: plot.x0,
                y0: y0 + band.lane_h * 0.08,
                x1: plot.x1,
                y1: y0 + band.lane_h * 0.92,
            };
            self.lane(c, frame, lane, s, &scenario.name, d.threshold(r))?;
        }
        Ok(())
    }

    /// Scenario `s`'s lane: a bar from its threshold `th` to the axis end, with its
    /// text inside the bar or before it; or, when the threshold is off the axis, the
    /// text at the lane's right end with an arrow.
    fn lane<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        frame: &Frame,
        lane: Rect,
        s: usize,
        name: &str,
        th: f64,
    ) -> Result<(), Error> {
        let t = c.theme;
        let money = &self.data.money;
        let (plot, pad) = (frame.plot, t.px(8.0));
        let color = scenario_color(s);
        let long = format!("{}: not reached above {}", clip(name, 24), money.amount(th));
        let short = format!("above {}", money.amount(th));
        let ink = shade(color, 0.45);
        let fits = |text: &str, room: f64| -> Result<Option<(f64, f64)>, Error> {
            let (w, h) = c.measure(text, t.small(), false)?;
            Ok((w + 2.0 * pad <= room && h <= lane.h() + t.px(3.0)).then_some((w, h)))
        };
        // A text of `size` at `x` on `ground`, centred in `row`.
        let put = |text: &str, x: f64, (w, h): (f64, f64), row: Rect, ground: RGBColor| {
            let r = Rect::new(x, (row.y0 + row.y1 - h) / 2.0, w, h);
            c.fill(r.inflate(t.px(2.0)), ground.to_rgba())?;
            c.text(text, (r.x0, r.y0), t.small(), false, ink)
                .map(|_| ())
        };
        if frame.x_max < th {
            let text = format!("{long} →");
            if let Some((w, h)) = fits(&text, plot.w())? {
                put(&text, plot.x1 - pad - w, (w, h), lane, STRIP_GROUND)?;
            }
            return Ok(());
        }
        let x = frame.x(th);
        let bar = Rect { x0: x, ..lane };
        c.fill(bar, tint(color, 0.7).to_rgba())?;
        c.line(&[(x, bar.y0), (x, bar.y1)], color.to_rgba(), t.px(3.0))?;
        c.dot((x, plot.y0), t.px(7.0), color)?;
        for text in [&long, &short] {
            if let Some(size) = fits(text, bar.w())? {
                return put(text, x + pad, size, bar, tint(color, 0.7));
            }
            if let Some(size) = fits(text, x - plot.x0)? {
                return put(text, x - pad - size.0, size, bar, STRIP_GROUND);
            }
        }
        Ok(())
    }
}

/// The cap axis along x: money at `ticks`, captioned `cap`.
fn cap_scale<'a>(ticks: &'a [f64], money: &'a Money) -> Scale<'a> {
    Scale::Money {
        ticks,
        money,
        caption: "cap",
    }
}

/// A scenario's binding-date line: its uncapped cumulative curve `cv` with the axes
/// swapped (x the cap, `ap` + paid so far; y the day), cut at the cap axis's end
/// `x_top`.
fn swapped(cv: &Curves, ap: f64, x_top: f64) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = Vec::new();
    if let Some(first) = cv.uncapped.first().filter(|_| ap > 0.0) {
        pts.push((0.0, first.0));
    }
    for w in cv.uncapped.iter() {
        let x = ap + w.1;
        if x > x_top {
            if let Some(prev) = pts.last().copied() {
                if x > prev.0 {
                    let y = prev.1 + (w.0 - prev.1) * (x_top - prev.0) / (x - prev.0);
                    pts.push((x_top, y));
                }
            }
            break;
        }
        pts.push((x, w.0));
    }
    pts
}
