//! `<scenario>-payments`: per-period payments as bars, what is paid (solid) with what
//! the cap cuts (foregone = uncapped payment − payment, tinted) stacked on top, so
//! the period where the cap cuts in stands out.
//!
//! Periods wholly before the term starts or after it ends (no eligible revenue) are
//! left out at both ends; a period only partly in the term is starred and
//! footnoted.

use plotters::prelude::*;

use super::axes::{MoneyPlot, Scale};
use super::cumulative::headline;
use super::layout::{Frame, Obstacles, Rect};
use super::render::{framed, place_legend, Described, Description, Plotted, Room};
use super::style::{f, is_dark, shade, terms_title, tint, Canvas, Money, Swatch, INK, MUTED};
use super::Chart;
use crate::error::Error;
use crate::model::{PeriodResult, ScenarioResult, Terms};

pub struct Payments<'a> {
    pub result: &'a ScenarioResult,
    pub terms: &'a Terms,
    pub money: &'a Money,
    pub color: RGBColor,
}

/// The periods to draw: without the runs of periods outside the term at either end
/// (all of them if none is in the term).
pub fn shown_periods(r: &ScenarioResult) -> &[PeriodResult] {
    let inside = |p: &PeriodResult| !p.eligible_revenue.is_zero();
    match (
        r.periods.iter().position(inside),
        r.periods.iter().rposition(inside),
    ) {
        (Some(a), Some(b)) => r.periods.get(a..=b).unwrap_or(&r.periods),
        _ => &r.periods,
    }
}

/// What the payments chart plots: the periods shown, their axis labels, and the
/// period's name (`year`, `quarter`...).
pub struct Bars<'a> {
    periods: &'a [PeriodResult],
    labels: Vec<String>,
    unit: String,
    /// When the periods differ in length: each one's extent along x, in periods of
    /// the shortest length (a year after quarters spans four slots). Its bar is drawn
    /// as wide as that, at its average per shortest period, so its area is its
    /// payment. Empty when all have one length (one slot each).
    spans: Vec<(f64, f64, String)>,
}

/// Each period's extent in slots of the shortest period, when lengths differ.
fn spans(periods: &[PeriodResult], labels: &[String]) -> Vec<(f64, f64, String)> {
    let shortest = periods.iter().map(|p| p.period.months()).min().unwrap_or(1);
    if periods.iter().all(|p| p.period.months() == shortest) {
        return Vec::new();
    }
    let mut at = 0.0;
    periods
        .iter()
        .zip(labels)
        .map(|(p, l)| {
            let from = at;
            at += f64::from(p.period.months()) / f64::from(shortest.max(1));
            (from, at, l.clone())
        })
        .collect()
}

/// Each bar's top centre, in pixels.
type BarTops = Vec<(f64, f64)>;

/// The binding label: its text, box, and the top of the bar it points to.
type Binding = (String, Rect, (f64, f64));

/// One bar, in pixels: its centre, width and slot's width, and the heights of its
/// base, of the top of its paid part and of its top.
struct Bar {
    cx: f64,
    w: f64,
    slot: f64,
    base: f64,
    paid: f64,
    top: f64,
}

/// A text placed in the plot: its text, box, size, boldness and colour.
type Placed = (String, Rect, f64, bool, RGBColor);

/// A bar's paid amount, where it would go.
enum Label {
    /// Inside the top of the paid part.
    Inside(Placed),
    /// Just above the paid part (claims its room from the obstacles).
    Above(Placed),
    /// The bar pays nothing, so it has no paid amount to show.
    None,
    /// The amount fits neither inside nor above the bar.
    Missing,
}

impl<'a> Payments<'a> {
    /// The payments chart of the scenario `chart` shows, in the same money and
    /// colour.
    pub fn of(chart: &super::cumulative::Scenario<'a>) -> Payments<'a> {
        Payments {
            result: chart.result,
            terms: chart.terms,
            money: chart.money,
            color: chart.color,
        }
    }

    /// A period only partly in the term (starred and footnoted).
    fn partial(&self, p: &PeriodResult) -> bool {
        let r = self.result;
        !p.eligible_revenue.is_zero() && (p.start < r.from || p.end > self.terms.through)
    }

    /// The footnote of a starred period: which of its days count.
    fn star_note(&self, p: &PeriodResult) -> String {
        let (r, terms) = (self.result, self.terms);
        if p.start < r.from && p.end > terms.through {
            format!("{} counts only {} to {}", p.period, r.from, terms.through)
        } else if p.start < r.from {
            format!("{} counts only days from {} (term start)", p.period, r.from)
        } else {
            format!(
                "{} counts only days through {} (term end)",
                p.period, terms.through
            )
        }
    }

    /// Each bar, and its amounts by the one rule of docs/charts.md ("Bar labels"):
    /// a kind of amount (paid, foregone) is written on every bar that has one or on
    /// none, so a reader never wonders why one bar has a number and its neighbour
    /// not; when one bar's amount cannot fit, the ledger has them all. The bars (and
    /// labels above them) claim their room in `obs`. Returns the labels and each
    /// bar's top `(x, y)`.
    fn bars<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        frame: &Frame,
        periods: &[PeriodResult],
        spans: &[(f64, f64, String)],
        obs: &mut Obstacles,
    ) -> Result<(Vec<Placed>, BarTops), Error> {
        let t = c.theme;
        let unit = frame.x(1.0) - frame.x(0.0);
        let fill = tint(self.color, 0.72);
        let mut bars = Vec::with_capacity(periods.len());
        let mut bar_tops = Vec::new();
        for (i, pr) in periods.iter().enumerate() {
            // One slot each, or (lengths differing) as many as the period spans, drawn
            // at its average per slot.
            let (from, to) = spans
                .get(i)
                .map_or((i as f64, i as f64 + 1.0), |(a, b, _)| (*a, *b));
            let (slot, per) = (frame.x(to) - frame.x(from), (to - from).max(1.0));
            let bar_w = if spans.is_empty() {
                (slot * 0.66).min(t.px(210.0))
            } else {
                slot - unit * 0.34
            };
            let cx = frame.x((from + to) / 2.0);
            let (x0, x1) = (cx - bar_w / 2.0, cx + bar_w / 2.0);
            let paid = f(pr.payment);
            let cut = (f(pr.uncapped_payment) - paid).max(0.0);
            let (y0, yp, yt) = (
                frame.y(0.0),
                frame.y(paid / per),
                frame.y((paid + cut) / per),
            );
            if paid > 0.0 {
                let r = Rect {
                    x0,
                    y0: yp,
                    x1,
                    y1: y0,
                };
                c.fill(r, self.color.to_rgba())?;
            }
            if cut > 0.0 {
                let r = Rect {
                    x0,
                    y0: yt,
                    x1,
                    y1: yp,
                };
                c.fill(r, fill.to_rgba())?;
                c.outline(r, self.color.to_rgba(), t.px(1.5))?;
            }
            obs.add_rect(Rect {
                x0,
                y0: yt.min(y0 - 1.0),
                x1,
                y1: y0,
            });
            bar_tops.push((cx, yt));
            let bar = Bar {
                cx,
                w: bar_w,
                slot,
                base: y0,
                paid: yp,
                top: yt,
            };
            bars.push((bar, paid, cut));
        }
        let mut texts: Vec<Placed> = Vec::new();
        // Paid amounts: every bar that pays has one, or none does.
        let mut paid_labels = Vec::with_capacity(bars.len());
        for (bar, paid, cut) in &bars {
            paid_labels.push(self.paid_label(c, bar, *paid, *cut)?);
        }
        let all_paid = paid_labels.iter().all(|l| !matches!(l, Label::Missing));
        let mut tops = Vec::with_capacity(bars.len());
        for ((bar, ..), label) in bars.iter().zip(paid_labels) {
            let mut top_used = bar.paid;
            match label {
                Label::Inside(p) if all_paid => texts.push(p),
                Label::Above(p) if all_paid => {
                    obs.add_rect(p.1);
                    top_used = p.1.y0;
                    texts.push(p);
                }
                _ => {}
            }
            tops.push(top_used);
        }
        // Foregone amounts: the same rule among the bars the cap cuts.
        let mut foregone = Vec::new();
        for ((bar, _, cut), top_used) in bars.iter().zip(&tops) {
            if *cut > 0.0 {
                foregone.push(self.foregone_label(c, bar, *cut, *top_used)?);
            }
        }
        if foregone.iter().all(Option::is_some) {
            texts.extend(foregone.into_iter().flatten());
        }
        Ok((texts, bar_tops))
    }

    /// The paid amount: inside the bar's top when it fits, else just above the paid
    /// part (saying "paid" when that is inside the foregone part), [`Label::Missing`]
    /// when it fits neither. [`Label::None`] for a period that pays nothing: its bar
    /// is all foregone.
    fn paid_label<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        &Bar {
            cx,
            w: bar_w,
            slot,
            base: y0,
            paid: yp,
            ..
        }: &Bar,
        paid: f64,
        cut: f64,
    ) -> Result<Label, Error> {
        let t = c.theme;
        let (size, pad) = (t.label(), t.px(7.0));
        if paid <= 0.0 && cut > 0.0 {
            return Ok(Label::None);
        }
        let text = self.money.amount(paid);
        let (w, h) = c.measure(&text, size, true)?;
        if y0 - yp >= h + 2.0 * pad && w + 2.0 * pad <= bar_w {
            let ink = if is_dark(self.color) { WHITE } else { INK };
            let b = Rect::new(cx - w / 2.0, yp + pad, w, h);
            return Ok(Label::Inside((text, b, size, true, ink)));
        }
        let text = if cut > 0.0 {
            format!("{text} paid")
        } else {
            text
        };
        let (w, h) = c.measure(&text, size, true)?;
        if w > slot - pad {
            return Ok(Label::Missing);
        }
        let b = Rect::new(cx - w / 2.0, yp - pad - h, w, h);
        Ok(Label::Above((text, b, size, true, INK)))
    }

    /// The foregone amount, centred in what is left of its part above `top_used`;
    /// `None` when it does not fit there.
    fn foregone_label<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        &Bar {
            cx,
            w: bar_w,
            top: yt,
            ..
        }: &Bar,
        cut: f64,
        top_used: f64,
    ) -> Result<Option<Placed>, Error> {
        let t = c.theme;
        let (size, pad) = (t.label(), t.px(7.0));
        let room = (top_used - pad) - yt;
        let amount = self.money.amount(cut);
        let tries = [
            (format!("{amount} foregone"), size),
            (format!("{amount} foregone"), t.small()),
            (amount.clone(), size),
            (amount, t.small()),
        ];
        for (text, sz) in tries {
            let (w, h) = c.measure(&text, sz, false)?;
            if w + 2.0 * pad <= bar_w && room >= h + 2.0 * pad {
                let y = yt + (room - h) / 2.0;
                let b = Rect::new(cx - w / 2.0, y, w, h);
                return Ok(Some((text, b, sz, false, shade(self.color, 0.5))));
            }
        }
        Ok(None)
    }

    /// Where the cap binds: a label above its bar, clear of the neighbours, and the
    /// bar's top.
    fn binding<DB: DrawingBackend>(
        &self,
        c: &Canvas<DB>,
        frame: &Frame,
        periods: &[PeriodResult],
        bar_tops: &[(f64, f64)],
        obs: &mut Obstacles,
        bounds: &Rect,
    ) -> Result<Option<Binding>, Error> {
        let t = c.theme;
        let s = &self.result.summary;
        let (Some(date), Some(bp)) = (s.binding_date, s.binding_period) else {
            return Ok(None);
        };
        let Some((cx, top)) = periods
            .iter()
            .zip(bar_tops)
            .find(|(q, _)| q.period == bp)
            .map(|(_, top)| *top)
        else {
            return Ok(None);
        };
        let slot = frame.x(1.0) - frame.x(0.0);
        let bar_w = (slot * 0.66).min(t.px(210.0));
        let text = format!("cap binds {date}");
        let (w, h) = c.measure(&text, t.label(), true)?;
        let mut cands = Vec::new();
        for k in 0..24 {
            let y = top - t.px(14.0) - h - k as f64 * t.px(14.0);
            cands.push(Rect::new(cx - w / 2.0, y, w, h));
            cands.push(Rect::new(cx - w + bar_w / 2.0, y, w, h));
            cands.push(Rect::new(cx - bar_w / 2.0, y, w, h));
        }
        Ok(obs.place_best(&cands, bounds).map(|b| (text, b, (cx, top))))
    }
}

impl<'a> Chart for Payments<'a> {
    type Plot = Bars<'a>;

    fn describe<DB: DrawingBackend>(&self, _: &Canvas<DB>) -> Described<Bars<'a>> {
        let (r, terms, money) = (self.result, self.terms, self.money);
        let periods = shown_periods(r);
        // The shortest period's name: the bars' height is per one of those.
        let unit = periods
            .iter()
            .map(|p| p.period)
            .min_by_key(|p| p.months())
            .map_or_else(
                || "period".to_string(),
                |p| match p.to_string().starts_with("FY") {
                    true => "fiscal year".to_string(),
                    false => p.granularity().to_string(),
                },
            );
        let last = r.segments.last().map_or(terms.through, |s| s.end);
        let labels: Vec<String> = periods
            .iter()
            .map(|p| {
                if self.partial(p) {
                    format!("{}*", p.period)
                } else {
                    p.period.to_string()
                }
            })
            .collect();
        let spans = spans(periods, &labels);
        let mut notes = vec![format!(
            "Source: {}. Foregone: what the rate would take with no cap, minus what is paid.",
            r.source
        )];
        let starred: Vec<String> = periods
            .iter()
            .filter(|p| self.partial(p))
            .map(|p| self.star_note(p))
            .collect();
        if !starred.is_empty() {
            notes.push(format!("* {}.", starred.join("; ")));
        }
        if !spans.is_empty() {
            notes.push(format!(
                "Periods differ in length: each bar is as wide as its period and as tall as its average per {unit}, so its area is its payment; the labels are each period's total."
            ));
        }
        notes.extend(super::coverage::notes(&[r], terms.through));
        Ok(Some(Description {
            title: format!(
                "{}: payments per {} at {}",
                r.name,
                if spans.is_empty() { &unit } else { "period" },
                terms_title(terms, money, super::coverage::data_end(&[r], terms.through))
            ),
            headline: headline(r, terms, money, last),
            notes,
            plot: Bars {
                periods,
                labels,
                unit,
                spans,
            },
        }))
    }

    fn plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, room: Room, bars: Bars<'a>) -> Plotted {
        let t = c.theme;
        let (money, periods) = (self.money, bars.periods);
        let n = periods.len().max(1);
        // Heights per slot: a period spanning several is drawn at its average.
        let per = |i: usize| bars.spans.get(i).map_or(1.0, |(a, b, _)| (b - a).max(1.0));
        let y_max = periods
            .iter()
            .enumerate()
            .map(|(i, p)| f(p.uncapped_payment).max(f(p.payment)) / per(i))
            .fold(0.0, f64::max);
        let caption = match bars.spans.is_empty() {
            true => format!("payments per {}", bars.unit),
            false => format!("average payments per {}", bars.unit),
        };
        let (x, x_max) = match bars.spans.last() {
            Some((_, end, _)) => (Scale::Spans(&bars.spans), *end),
            None => (Scale::Categories(&bars.labels), n as f64),
        };
        let plot = MoneyPlot {
            room,
            x,
            x_max,
            y_max: y_max * 1.06,
            money,
            caption: &caption,
        };
        let (frame, _) = framed(c, &plot)?;

        let mut obs = Obstacles::new();
        let (texts, bar_tops) = self.bars(c, &frame, periods, &bars.spans, &mut obs)?;
        let bounds = frame.plot.inflate(-t.px(6.0));
        let binding = self.binding(c, &frame, periods, &bar_tops, &mut obs, &bounds)?;

        let mut entries = vec![(Swatch::Area(self.color, self.color), "paid".to_string())];
        if periods.iter().any(|q| q.capped) {
            entries.push((
                Swatch::Area(tint(self.color, 0.72), self.color),
                "foregone: cut by the cap".to_string(),
            ));
        }
        let legend = place_legend(c, &mut obs, &entries, &frame.plot, &bounds)?;

        for (text, b, sz, bold, color) in &texts {
            c.text(text, (b.x0, b.y0), *sz, *bold, *color)?;
        }
        if let Some((text, b, (cx, top))) = binding {
            let y = b.y1 + t.px(4.0);
            if top - y > t.px(24.0) {
                c.line(
                    &[(cx, y), (cx, top - t.px(4.0))],
                    MUTED.to_rgba(),
                    t.px(1.5),
                )?;
            }
            c.label(&text, b, t.label(), true, INK)?;
        }
        if let Some(b) = legend {
            c.legend(b, &entries)?;
        }
        Ok(())
    }
}
