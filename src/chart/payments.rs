//! `<scenario>-payments`: per-period payments as bars, what is paid (solid) with what
//! the cap cuts (foregone = uncapped payment − payment, tinted) stacked on top, so
//! the period where the cap cuts in stands out.
//!
//! Periods wholly before the term starts or after it ends (no eligible revenue) are
//! left out at both ends; a period only partly in the term is starred and
//! footnoted.

use plotters::prelude::*;

use super::axes::{category_axis, money_axis, plot_frame, XAxis};
use super::cumulative::headline;
use super::layout::{Obstacles, Rect};
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

impl Chart for Payments<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, plotters::coord::Shift>,
    ) -> Result<(), Error> {
        let c = Canvas::blank(root)?;
        let t = c.theme;
        let (r, terms, money) = (self.result, self.terms, self.money);

        let periods = shown_periods(r);
        let unit = periods.first().map_or_else(
            || "period".to_string(),
            |p| p.period.granularity().to_string(),
        );
        let last = r.segments.last().map_or(terms.through, |s| s.end);
        let title = format!(
            "{}: payments per {unit} at {}",
            r.name,
            terms_title(terms, money)
        );
        let top = c.header(&title, &headline(r, terms, money, last))?;

        let partial = |p: &PeriodResult| {
            !p.eligible_revenue.is_zero() && (p.start < r.from || p.end > terms.through)
        };
        let labels: Vec<String> = periods
            .iter()
            .map(|p| {
                if partial(p) {
                    format!("{}*", p.period)
                } else {
                    p.period.to_string()
                }
            })
            .collect();
        let mut notes = vec![format!(
            "Source: {}. Foregone: what the rate would take with no cap, minus what is paid.",
            r.source
        )];
        let starred: Vec<String> = periods
            .iter()
            .filter(|p| partial(p))
            .map(|p| {
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
            })
            .collect();
        if !starred.is_empty() {
            notes.push(format!("* {}.", starred.join("; ")));
        }
        let bottom = c.footer(&notes)?;

        let n = periods.len().max(1);
        let y_max = periods
            .iter()
            .map(|p| f(p.uncapped_payment).max(f(p.payment)))
            .fold(0.0, f64::max);
        let (frame, ticks) = plot_frame(
            &c,
            top,
            bottom,
            (0.0, n as f64),
            y_max * 1.06,
            money,
            XAxis::Categories,
            0.0,
        )?;
        money_axis(&c, &frame, &ticks, money, &format!("payments per {unit}"))?;
        category_axis(&c, &frame, &labels)?;

        let p = frame.plot;
        let slot = frame.x(1.0) - frame.x(0.0);
        let bar_w = (slot * 0.66).min(t.px(210.0));
        let fill = tint(self.color, 0.72);
        let mut obs = Obstacles::new();
        let mut texts: Vec<(String, Rect, f64, bool, RGBColor)> = Vec::new();
        let size = t.label();
        let pad = t.px(7.0);
        let mut bar_tops = Vec::new();

        for (i, pr) in periods.iter().enumerate() {
            let cx = frame.x(i as f64 + 0.5);
            let (x0, x1) = (cx - bar_w / 2.0, cx + bar_w / 2.0);
            let paid = f(pr.payment);
            let cut = (f(pr.uncapped_payment) - paid).max(0.0);
            let (y0, yp, yt) = (frame.y(0.0), frame.y(paid), frame.y(paid + cut));
            if paid > 0.0 {
                c.fill(
                    Rect {
                        x0,
                        y0: yp,
                        x1,
                        y1: y0,
                    },
                    self.color.to_rgba(),
                )?;
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
            let bar = Rect {
                x0,
                y0: yt.min(y0 - 1.0),
                x1,
                y1: y0,
            };
            obs.add_rect(bar);
            bar_tops.push((cx, yt));

            // The paid amount: inside the bar's top when it fits, else just above the
            // paid part (saying "paid" when that is inside the foregone part). No
            // label for a period that pays nothing: its bar is all foregone.
            let mut top_used = yp;
            if paid > 0.0 || cut <= 0.0 {
                let text = money.amount(paid);
                let (w, h) = c.measure(&text, size, true)?;
                if y0 - yp >= h + 2.0 * pad && w + 2.0 * pad <= bar_w {
                    let ink = if is_dark(self.color) { WHITE } else { INK };
                    texts.push((
                        text,
                        Rect::new(cx - w / 2.0, yp + pad, w, h),
                        size,
                        true,
                        ink,
                    ));
                } else {
                    let text = if cut > 0.0 {
                        format!("{text} paid")
                    } else {
                        text
                    };
                    let (w, h) = c.measure(&text, size, true)?;
                    if w <= slot - pad {
                        let b = Rect::new(cx - w / 2.0, yp - pad - h, w, h);
                        top_used = b.y0;
                        obs.add_rect(b);
                        texts.push((text, b, size, true, INK));
                    }
                }
            }
            // The foregone amount, centred in what is left of its part.
            if cut > 0.0 {
                let room = (top_used - pad) - yt;
                let amount = money.amount(cut);
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
                        texts.push((text, b, sz, false, shade(self.color, 0.5)));
                        break;
                    }
                }
            }
        }

        let bounds = p.inflate(-t.px(6.0));
        // Where the cap binds: above its bar, clear of the neighbours.
        let mut binding = None;
        if let (Some(date), Some(bp)) = (r.summary.binding_date, r.summary.binding_period) {
            let bar_top = periods
                .iter()
                .zip(&bar_tops)
                .find(|(q, _)| q.period == bp)
                .map(|(_, top)| *top);
            if let Some((cx, top)) = bar_top {
                let text = format!("cap binds {date}");
                let (w, h) = c.measure(&text, size, true)?;
                let mut cands = Vec::new();
                for k in 0..24 {
                    let y = top - t.px(14.0) - h - k as f64 * t.px(14.0);
                    cands.push(Rect::new(cx - w / 2.0, y, w, h));
                    cands.push(Rect::new(cx - w + bar_w / 2.0, y, w, h));
                    cands.push(Rect::new(cx - bar_w / 2.0, y, w, h));
                }
                if let Some(b) = obs.place_best(&cands, &bounds) {
                    binding = Some((text, b, (cx, top)));
                }
            }
        }

        let mut entries = vec![(Swatch::Area(self.color, self.color), "paid".to_string())];
        if periods.iter().any(|q| q.capped) {
            entries.push((
                Swatch::Area(fill, self.color),
                "foregone: cut by the cap".to_string(),
            ));
        }
        let lsize = c.legend_size(&entries)?;
        let legend = obs.place_best(&c.corners(&p, lsize), &bounds);

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
            c.label(&text, b, size, true, INK)?;
        }
        if let Some(b) = legend {
            c.legend(b, &entries)?;
        }
        Ok(())
    }
}
