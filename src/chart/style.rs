//! The look every chart shares, for `run`'s charts and any added later: the embedded
//! fonts, the Okabe–Ito palette (colour by scenario index), sizes that scale with the
//! canvas, money labels in readable units (`$38B`, `750M USD`), the title line, the
//! header and footer, legends, and [`Canvas`], which draws in pixels on any plotters
//! backend and maps its errors to [`Error::Chart`].

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontDesc, FontFamily, FontStyle, RGBAColor};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::coverage::through_text;
use super::layout::Rect;
use crate::error::Error;
use crate::model::{Date, Terms};
use crate::render::percent;
use crate::unit::Unit;

/// The one font family the charts name; both styles are embedded.
pub const FONT: &str = "sans-serif";
static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the embedded DejaVu Sans (regular and bold) as [`FONT`], once per
/// process. Charts then render the same with or without system fonts.
pub fn register_fonts() -> Result<(), Error> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        // `InvalidFont` has neither Debug nor Display: say which file it was.
        register_font(FONT, FontStyle::Normal, REGULAR)
            .map_err(|_| "embedded font DejaVuSans.ttf is not a valid font".to_string())?;
        register_font(FONT, FontStyle::Bold, BOLD)
            .map_err(|_| "embedded font DejaVuSans-Bold.ttf is not a valid font".to_string())
    })
    .clone()
    .map_err(Error::Chart)
}

/// Okabe & Ito's colour-blind-safe palette, in the order scenarios take it (black is
/// left out: it is the cap's colour).
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(240, 228, 66),  // yellow
];

/// The colour of the scenario at `index` in the run, the same in every chart.
pub fn scenario_color(index: usize) -> RGBColor {
    PALETTE
        .get(index % PALETTE.len())
        .copied()
        .unwrap_or(PALETTE[0])
}

/// Whether the scenario at `index` draws dashed lines in multi-scenario charts: the
/// second round through the palette, so colours that repeat stay distinct.
pub fn scenario_dashed(index: usize) -> bool {
    (index / PALETTE.len()) % 2 == 1
}

pub const INK: RGBColor = RGBColor(33, 33, 33);
pub const MUTED: RGBColor = RGBColor(100, 100, 100);
pub const GRID: RGBColor = RGBColor(228, 228, 228);
pub const AXIS: RGBColor = RGBColor(120, 120, 120);
/// The cap line and its label.
pub const CAP: RGBColor = RGBColor(40, 40, 40);

/// `c` mixed with white: `amount` 0 is `c`, 1 is white. Opaque, so it looks the same
/// in PNG and SVG.
pub fn tint(c: RGBColor, amount: f64) -> RGBColor {
    let mix = |v: u8| (f64::from(v) + (255.0 - f64::from(v)) * amount).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// `c` mixed with black: for text in a scenario's colour on a light ground.
pub fn shade(c: RGBColor, amount: f64) -> RGBColor {
    let mix = |v: u8| (f64::from(v) * (1.0 - amount)).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// Whether labels on a fill of colour `c` should be white rather than near-black.
pub fn is_dark(c: RGBColor) -> bool {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let lum = |c: RGBColor| 0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2);
    let l = lum(c);
    let on_white = 1.05 / (l + 0.05);
    let on_ink = (l + 0.05) / (lum(INK) + 0.05);
    // White reads well enough for bold labels from 3:1 (WCAG large text), and
    // looks better on the saturated colours, unless near-black is far better.
    on_white >= 3.0 && on_white * 1.6 >= on_ink
}

/// Sizes for a canvas: everything is designed at 1600×1000 and scaled with it, by
/// the side that shrinks most, but never below [`Theme::MIN_SCALE`] (eased down
/// below 600×400), so text stays legible on small charts (footnotes 11 px high at
/// 600×400, not 7).
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub width: f64,
    pub height: f64,
    /// Scale against the 1600×1000 design.
    pub s: f64,
}

impl Theme {
    /// The smallest scale from 600×400 up: the design's 18 px footnotes become
    /// 11 px, its 22 px labels 13.6 px. Below 1000×620 the text takes a larger
    /// share of the canvas rather than shrinking out of reach.
    pub const MIN_SCALE: f64 = 0.62;

    /// The floor of the scale for a `w`×`h` canvas at `density`: [`Theme::MIN_SCALE`]
    /// from 600×400 up; below that it eases down with the square root of the size
    /// (0.51 at 400×300), so the smallest charts keep room for their plot.
    fn min_scale(w: f64, h: f64, density: f64) -> f64 {
        let density = density.max(1.0);
        let small = (w / density / 600.0).min(h / density / 400.0).min(1.0);
        Theme::MIN_SCALE * small.sqrt() * density
    }

    /// The theme of a `width`×`height` canvas drawn at `density` canvas pixels per
    /// pixel of the image shown (2 for a PNG drawn at twice its size and scaled
    /// down), so the floor applies to what is seen.
    pub fn new(width: u32, height: u32, density: f64) -> Theme {
        let (w, h) = (f64::from(width), f64::from(height));
        Theme {
            width: w,
            height: h,
            s: (w / 1600.0)
                .min(h / 1000.0)
                .max(Theme::min_scale(w, h, density)),
        }
    }
    /// `v` design pixels at this scale.
    pub fn px(&self, v: f64) -> f64 {
        v * self.s
    }
    pub fn title(&self) -> f64 {
        self.px(38.0)
    }
    pub fn subtitle(&self) -> f64 {
        self.px(25.0)
    }
    pub fn label(&self) -> f64 {
        self.px(22.0)
    }
    pub fn small(&self) -> f64 {
        self.px(18.0)
    }
    /// Outer margin of the canvas.
    pub fn margin(&self) -> f64 {
        self.px(36.0)
    }
}

/// Money labels in the run's unit: `$38B` by default, `38B USD` with `--unit USD`, a
/// symbol like `€` in front (`€38B`). Amounts are multiplied by the unit's scale
/// (`--unit '$M'`: 38000 is `$38B`), then shown in K, M, B or T from their own size.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    prefix: String,
    suffix: String,
    /// The unit's scale: what an amount is multiplied by before it is shown.
    factor: f64,
}

impl Money {
    pub fn new(unit: Option<&Unit>) -> Money {
        let factor = unit.map_or(1.0, Unit::factor);
        match unit.map(|u| u.currency.as_ref()) {
            None => Money {
                prefix: "$".into(),
                suffix: String::new(),
                factor,
            },
            Some(Some(c)) if c.symbol => Money {
                prefix: c.text.clone(),
                suffix: String::new(),
                factor,
            },
            Some(Some(c)) => Money {
                prefix: String::new(),
                suffix: format!(" {}", c.text),
                factor,
            },
            // A scale without a currency: plain numbers.
            Some(None) => Money {
                prefix: String::new(),
                suffix: String::new(),
                factor,
            },
        }
    }

    /// An amount to 3 significant digits: `$88B`, `$4.09B`, `$126B`, `12.3B USD`.
    pub fn amount(&self, v: f64) -> String {
        let v = v * self.factor;
        format!("{}{}{}", self.sign(v), self.prefix, short(v.abs(), 3)) + &self.suffix
    }

    /// An amount as typed in terms, to 4 significant digits: `$38B`, `$37.25B`.
    pub fn exact(&self, v: f64) -> String {
        let v = v * self.factor;
        format!("{}{}{}", self.sign(v), self.prefix, short(v.abs(), 4)) + &self.suffix
    }

    /// An axis tick: like [`Money::exact`] but without a suffix unit, which the
    /// axis caption carries instead ([`Money::caption`]).
    pub fn tick(&self, v: f64) -> String {
        let v = v * self.factor;
        format!("{}{}{}", self.sign(v), self.prefix, short(v.abs(), 4))
    }

    /// A caption for a money axis: `what` plus the unit when ticks do not show it.
    pub fn caption(&self, what: &str) -> String {
        if self.suffix.is_empty() {
            what.to_string()
        } else {
            format!("{what} ({})", self.suffix.trim())
        }
    }

    fn sign(&self, v: f64) -> &'static str {
        if v < 0.0 && short(v.abs(), 4) != "0" {
            "-"
        } else {
            ""
        }
    }
}

/// `v ≥ 0` with a K/M/B/T suffix and at most `sig` significant digits, trailing
/// zeros dropped: `short(87.96e9, 3)` is `88B`, `short(999.96e9, 3)` is `1T`.
pub fn short(v: f64, sig: usize) -> String {
    const UNITS: [(f64, &str); 5] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"), (1.0, "")];
    if !v.is_finite() || v <= 0.0 {
        return "0".into();
    }
    // The largest unit at or below `v` (no suffix below 1).
    let (idx, unit) = UNITS
        .iter()
        .copied()
        .enumerate()
        .find(|(_, (scale, _))| v >= *scale)
        .unwrap_or((UNITS.len() - 1, (1.0, "")));
    let fmt = |(scale, suffix): (f64, &'static str)| {
        let x = v / scale;
        let int_digits = if x >= 1.0 {
            x.log10().floor() as usize + 1
        } else {
            1
        };
        let decimals = sig.saturating_sub(int_digits).min(6);
        let mut s = format!("{x:.decimals$}");
        if s.contains('.') {
            s = s.trim_end_matches('0').trim_end_matches('.').to_string();
        }
        (s, suffix)
    };
    let (mut s, mut suffix) = fmt(unit);
    // Rounding can carry into the next unit: 999.96B → 1000B → 1T.
    if let Some(&larger) = idx.checked_sub(1).and_then(|i| UNITS.get(i)) {
        if s.parse::<f64>().is_ok_and(|x| x >= 1000.0) {
            (s, suffix) = fmt(larger);
        }
    }
    format!("{s}{suffix}")
}

/// A Decimal as f64, for drawing only (0 if it cannot be represented).
pub fn f(v: Decimal) -> f64 {
    v.to_f64().unwrap_or(0.0)
}

/// A share as a percent rounded to 2 decimals for headlines: `0.060337` → `6.03%`.
pub fn rounded_percent(v: Decimal) -> String {
    let p = (v * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointNearestEven);
    format!("{}%", p.normalize())
}

/// The terms in a title: `20% of revenue, capped at $38B, through 2030-12-31`, with
/// rate steps (`20% of revenue (15% from 2029-01-01)`), an amount already paid
/// (`capped at $38B, $5B already paid`) and the day the data ends when that is
/// before the term's (`through 2030-12-31 (data ends 2028-12-31)`).
pub fn terms_title(terms: &Terms, money: &Money, data_end: Option<Date>) -> String {
    let rate = rate_text(terms);
    let cap = match terms.cap {
        Some(c) if terms.already_paid.is_zero() => format!("capped at {}", money.exact(f(c))),
        Some(c) => format!(
            "capped at {} ({} already paid)",
            money.exact(f(c)),
            money.exact(f(terms.already_paid))
        ),
        None => "no cap".into(),
    };
    format!("{rate}, {cap}, {}", through_text(terms.through, data_end))
}

/// The rate in a title: `20% of revenue`, `20% of revenue (15% from 2029-01-01)`.
pub fn rate_text(terms: &Terms) -> String {
    let rate = format!("{} of revenue", percent(terms.rate));
    if terms.rate_steps.is_empty() {
        return rate;
    }
    let steps: Vec<String> = terms
        .rate_steps
        .iter()
        .map(|s| format!("{} from {}", percent(s.rate), s.from))
        .collect();
    format!("{rate} ({})", steps.join(", "))
}

/// The terms in a title when the cap is what varies (the `compare` charts):
/// `20% of revenue, through 2030-12-31`, with `$5B already paid` when there is, and
/// the day the data ends as in [`terms_title`].
pub fn uncapped_terms_title(terms: &Terms, money: &Money, data_end: Option<Date>) -> String {
    let mut s = rate_text(terms);
    if !terms.already_paid.is_zero() {
        s = format!("{s}, {} already paid", money.exact(f(terms.already_paid)));
    }
    format!("{s}, {}", through_text(terms.through, data_end))
}

/// `name` cut to `max` characters with an ellipsis, for legends.
pub fn clip(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        name.chars().take(max - 1).collect::<String>() + "…"
    }
}

/// `n thing` or `n things`.
pub fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// `a`, `a and b`, `a, b and c`; past five items, the first four and `N more`.
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [a, b, c, d, rest @ ..] if rest.len() > 1 => {
            format!("{a}, {b}, {c}, {d}, and {} more", rest.len())
        }
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Draws a scenario line, dashed on the palette's second round.
pub fn scenario_line<DB: DrawingBackend>(
    c: &Canvas<DB>,
    pts: &[(f64, f64)],
    s: usize,
    width: f64,
) -> Result<(), Error> {
    let t = c.theme;
    if scenario_dashed(s) {
        c.dashed(
            pts,
            scenario_color(s).to_rgba(),
            width,
            t.px(16.0),
            t.px(9.0),
        )
    } else {
        c.line(pts, scenario_color(s).to_rgba(), width)
    }
}

/// One entry of a legend: its swatch and text.
#[derive(Debug, Clone)]
pub enum Swatch {
    Line(RGBColor),
    Dashed(RGBColor),
    /// A filled box with an outline colour.
    Area(RGBColor, RGBColor),
    /// A line (dashed or not) with a marker on it.
    Dot(RGBColor, bool),
    /// A thick line with a dash pattern `(dash, gap)` in design pixels (solid for
    /// `None`): the `compare` charts' per-variant styles.
    Pattern(RGBColor, Option<(f64, f64)>),
    /// A small marker alone (points of data, such as the caps compared).
    Marker(RGBColor),
}

/// Maps a plotters drawing error to ours.
fn draw_err<E: std::error::Error + Send + Sync>(
    e: plotters::drawing::DrawingAreaErrorKind<E>,
) -> Error {
    Error::Chart(e.to_string())
}

/// Pixel drawing on a plotters area (any backend), with the theme's sizes.
pub struct Canvas<'a, DB: DrawingBackend> {
    pub area: &'a DrawingArea<DB, Shift>,
    pub theme: Theme,
}

/// The height of a line of text of font size `size`, ink and a little air.
pub fn line_height(size: f64) -> f64 {
    size * 0.98
}

fn ipt(p: (f64, f64)) -> (i32, i32) {
    (p.0.round() as i32, p.1.round() as i32)
}

impl<'a, DB: DrawingBackend> Canvas<'a, DB> {
    /// A canvas on `area`, drawn at `density` (see [`Theme::new`]).
    pub fn new(area: &'a DrawingArea<DB, Shift>, density: f64) -> Canvas<'a, DB> {
        let (w, h) = area.dim_in_pixel();
        Canvas {
            area,
            theme: Theme::new(w, h, density),
        }
    }

    /// A canvas on `area` cleared to white: every chart starts from one, whatever
    /// the backend's buffer held before.
    pub fn blank(area: &'a DrawingArea<DB, Shift>, density: f64) -> Result<Canvas<'a, DB>, Error> {
        let c = Canvas::new(area, density);
        let t = c.theme;
        c.fill(Rect::new(0.0, 0.0, t.width, t.height), WHITE.to_rgba())?;
        Ok(c)
    }

    fn style(&self, size: f64, bold: bool, color: RGBColor) -> TextStyle<'static> {
        // `FontDesc::style` keeps the regular face's glyphs (plotters 0.3.7), so the
        // bold face must be chosen when the description is made.
        let style = if bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        FontDesc::new(FontFamily::Name(FONT), size, style)
            .color(&color)
            .pos(Pos::new(HPos::Left, VPos::Top))
    }

    /// The box `text` occupies when drawn with its top-left corner at the origin.
    pub fn measure(&self, text: &str, size: f64, bold: bool) -> Result<(f64, f64), Error> {
        let style = self.style(size, bold, INK);
        let (w, _) = self
            .area
            .estimate_text_size(text, &style)
            .map_err(draw_err)?;
        Ok((f64::from(w), line_height(size)))
    }

    /// Draws `text` with the top-left of its box at `(x, y)`; returns the box.
    pub fn text(
        &self,
        text: &str,
        (x, y): (f64, f64),
        size: f64,
        bold: bool,
        color: RGBColor,
    ) -> Result<Rect, Error> {
        let (w, h) = self.measure(text, size, bold)?;
        let style = self.style(size, bold, color);
        // The embedded font's ink starts about 0.13 em above the anchor in bitmaps;
        // shifting the anchor down keeps the ink inside the box in both backends.
        self.area
            .draw(&Text::new(
                text.to_string(),
                ipt((x, y + size * 0.14)),
                style,
            ))
            .map_err(draw_err)?;
        Ok(Rect::new(x, y, w, h))
    }

    /// Draws `text` right-aligned: the top-right of its box at `(x, y)`.
    pub fn text_right(
        &self,
        text: &str,
        (x, y): (f64, f64),
        size: f64,
        bold: bool,
        color: RGBColor,
    ) -> Result<Rect, Error> {
        let (w, _) = self.measure(text, size, bold)?;
        self.text(text, (x - w, y), size, bold, color)
    }

    /// Draws `text` inside `r` (from [`Canvas::measure`]), over a white ground so
    /// no grid line runs through it.
    pub fn label(
        &self,
        text: &str,
        r: Rect,
        size: f64,
        bold: bool,
        color: RGBColor,
    ) -> Result<(), Error> {
        self.fill(r.inflate(self.theme.px(3.0)), WHITE.mix(0.85))?;
        self.text(text, (r.x0, r.y0), size, bold, color)?;
        Ok(())
    }

    /// Shrinks `text` from `size` down to 70% to fit `max_w`, then cuts it with an
    /// ellipsis. Returns the text and the size to draw it at.
    pub fn fit(
        &self,
        text: &str,
        size: f64,
        bold: bool,
        max_w: f64,
    ) -> Result<(String, f64), Error> {
        let mut s = size;
        while s >= size * 0.7 {
            if self.measure(text, s, bold)?.0 <= max_w {
                return Ok((text.to_string(), s));
            }
            s -= size * 0.05;
        }
        let s = size * 0.7;
        Ok((self.ellipsize(text, s, bold, max_w)?, s))
    }

    /// `text` as is when it fits `max_w` at `size`, else cut with an ellipsis.
    fn ellipsize(&self, text: &str, size: f64, bold: bool, max_w: f64) -> Result<String, Error> {
        if self.measure(text, size, bold)?.0 <= max_w {
            return Ok(text.to_string());
        }
        let chars: Vec<char> = text.chars().collect();
        for n in (1..chars.len()).rev() {
            let cut: String = chars.iter().take(n).collect::<String>() + "…";
            if self.measure(&cut, size, bold)?.0 <= max_w {
                return Ok(cut);
            }
        }
        Ok("…".into())
    }

    /// `text` in at most `max_lines` lines of width `max_w`, rather than shrunk out
    /// of reach or cut short as [`Canvas::fit`] would: on one line when it fits at
    /// 85% of `size` or more (as large as fits), else wrapped at word breaks at
    /// `size`, else (too long even so) wrapped
    /// at 85% of `size`, the last line cut with an ellipsis if need be. Small charts
    /// so keep their whole titles and footnotes. Returns the lines and their size.
    pub fn wrap(
        &self,
        text: &str,
        size: f64,
        bold: bool,
        max_w: f64,
        max_lines: usize,
    ) -> Result<(Vec<String>, f64), Error> {
        let (one, s) = self.fit(text, size, bold, max_w)?;
        if max_lines < 2 || (one == text && s >= size * 0.85 - 1e-9) {
            return Ok((vec![one], s));
        }
        let lines = self.break_lines(text, size, bold, max_w, max_lines)?;
        let mut fits = true;
        for line in &lines {
            fits &= self.measure(line, size, bold)?.0 <= max_w;
        }
        if fits {
            return Ok((lines, size));
        }
        let s = size * 0.85;
        let mut out = Vec::new();
        for line in self.break_lines(text, s, bold, max_w, max_lines)? {
            // A lone word wider than the canvas, or the last line's rest, is cut.
            out.push(self.ellipsize(&line, s, bold, max_w)?);
        }
        Ok((out, s))
    }

    /// `text` broken greedily at spaces into lines of width `max_w` at `size`; the
    /// `max_lines`-th line takes all the rest.
    fn break_lines(
        &self,
        text: &str,
        size: f64,
        bold: bool,
        max_w: f64,
        max_lines: usize,
    ) -> Result<Vec<String>, Error> {
        let mut lines: Vec<String> = Vec::new();
        for word in text.split(' ') {
            let full = lines.len() == max_lines;
            let Some(last) = lines.last_mut() else {
                lines.push(word.to_string());
                continue;
            };
            let joined = format!("{last} {word}");
            if full || self.measure(&joined, size, bold)?.0 <= max_w {
                *last = joined;
            } else {
                lines.push(word.to_string());
            }
        }
        Ok(lines)
    }

    pub fn line(&self, pts: &[(f64, f64)], color: RGBAColor, width: f64) -> Result<(), Error> {
        let pts: Vec<(i32, i32)> = pts.iter().map(|p| ipt(*p)).collect();
        let style = color.stroke_width(width.round().max(1.0) as u32);
        self.area
            .draw(&PathElement::new(pts, style))
            .map_err(draw_err)
    }

    pub fn dashed(
        &self,
        pts: &[(f64, f64)],
        color: RGBAColor,
        width: f64,
        dash: f64,
        gap: f64,
    ) -> Result<(), Error> {
        let pts: Vec<(i32, i32)> = pts.iter().map(|p| ipt(*p)).collect();
        let style = color.stroke_width(width.round().max(1.0) as u32);
        self.area
            .draw(&plotters::element::DashedPathElement::new(
                pts,
                dash.round().max(1.0) as i32,
                gap.round().max(1.0) as i32,
                style,
            ))
            .map_err(draw_err)
    }

    pub fn fill(&self, r: Rect, color: RGBAColor) -> Result<(), Error> {
        self.area
            .draw(&Rectangle::new(
                [ipt((r.x0, r.y0)), ipt((r.x1, r.y1))],
                color.filled(),
            ))
            .map_err(draw_err)
    }

    pub fn outline(&self, r: Rect, color: RGBAColor, width: f64) -> Result<(), Error> {
        self.area
            .draw(&Rectangle::new(
                [ipt((r.x0, r.y0)), ipt((r.x1, r.y1))],
                color.stroke_width(width.round().max(1.0) as u32),
            ))
            .map_err(draw_err)
    }

    pub fn polygon(&self, pts: &[(f64, f64)], color: RGBAColor) -> Result<(), Error> {
        let pts: Vec<(i32, i32)> = pts.iter().map(|p| ipt(*p)).collect();
        self.area
            .draw(&Polygon::new(pts, color.filled()))
            .map_err(draw_err)
    }

    /// A filled dot with a white ring, for markers on a curve.
    pub fn dot(&self, c: (f64, f64), r: f64, color: RGBColor) -> Result<(), Error> {
        let ring = (r + self.theme.px(2.5)).round() as i32;
        self.area
            .draw(&Circle::new(ipt(c), ring, WHITE.filled()))
            .map_err(draw_err)?;
        self.area
            .draw(&Circle::new(ipt(c), r.round() as i32, color.filled()))
            .map_err(draw_err)
    }

    /// Title (bold) and subtitle (muted) at the top-left; returns the y below them.
    pub fn header(&self, title: &str, subtitle: &str) -> Result<f64, Error> {
        self.header_at(title, subtitle, true)
    }

    /// The y below the header [`Canvas::header`] would draw, drawing nothing.
    pub fn header_bottom(&self, title: &str, subtitle: &str) -> Result<f64, Error> {
        self.header_at(title, subtitle, false)
    }

    fn header_at(&self, title: &str, subtitle: &str, draw: bool) -> Result<f64, Error> {
        let t = self.theme;
        let x = t.margin();
        let max_w = t.width - 2.0 * t.margin();
        let mut y = t.margin() * 0.8;
        let (lines, size) = self.wrap(title, t.title(), true, max_w, 2)?;
        for line in &lines {
            if draw {
                self.text(line, (x, y), size, true, INK)?;
            }
            y += line_height(size);
        }
        y += t.px(10.0);
        if !subtitle.is_empty() {
            let (lines, size) = self.wrap(subtitle, t.subtitle(), false, max_w, 2)?;
            for line in &lines {
                if draw {
                    self.text(line, (x, y), size, false, MUTED)?;
                }
                y += line_height(size);
            }
        }
        Ok(y)
    }

    /// Footnote lines (small, muted) at the bottom-left; returns the y above them.
    pub fn footer(&self, lines: &[String]) -> Result<f64, Error> {
        let t = self.theme;
        let size = t.small();
        let max_w = t.width - 2.0 * t.margin();
        let mut y = t.height - t.margin() * 0.7;
        for line in lines.iter().rev() {
            let (wrapped, s) = self.wrap(line, size, false, max_w, 3)?;
            for text in wrapped.iter().rev() {
                y -= line_height(s) + t.px(4.0);
                self.text(text, (t.margin(), y), s, false, MUTED)?;
            }
        }
        Ok(y)
    }

    /// The size of a legend box holding `entries`.
    pub fn legend_size(&self, entries: &[(Swatch, String)]) -> Result<(f64, f64), Error> {
        let t = self.theme;
        let size = t.label();
        let mut w: f64 = 0.0;
        for (_, text) in entries {
            w = w.max(self.measure(text, size, false)?.0);
        }
        let pad = t.px(14.0);
        let swatch = t.px(44.0);
        let row = line_height(size) + t.px(10.0);
        Ok((
            pad * 2.0 + swatch + t.px(12.0) + w,
            pad * 2.0 + row * entries.len() as f64 - t.px(10.0),
        ))
    }

    /// Draws a legend in `r` (sized by [`Canvas::legend_size`]): white ground, thin
    /// border, one row per entry.
    pub fn legend(&self, r: Rect, entries: &[(Swatch, String)]) -> Result<(), Error> {
        let t = self.theme;
        let size = t.label();
        let pad = t.px(14.0);
        let swatch = t.px(44.0);
        let row = line_height(size) + t.px(10.0);
        self.fill(r, WHITE.mix(0.92))?;
        self.outline(r, GRID.to_rgba(), t.px(1.5))?;
        for (i, (sw, text)) in entries.iter().enumerate() {
            let y = r.y0 + pad + i as f64 * row;
            let mid = y + line_height(size) / 2.0;
            let (x0, x1) = (r.x0 + pad, r.x0 + pad + swatch);
            match sw {
                Swatch::Line(c) => self.line(&[(x0, mid), (x1, mid)], c.to_rgba(), t.px(4.0))?,
                Swatch::Dashed(c) => self.dashed(
                    &[(x0, mid), (x1, mid)],
                    c.to_rgba(),
                    t.px(3.0),
                    t.px(10.0),
                    t.px(6.0),
                )?,
                Swatch::Area(fill, edge) => {
                    let b = Rect {
                        x0,
                        y0: y + t.px(2.0),
                        x1,
                        y1: y + line_height(size) - t.px(2.0),
                    };
                    self.fill(b, fill.to_rgba())?;
                    self.outline(b, edge.to_rgba(), t.px(1.5))?;
                }
                Swatch::Dot(c, dashed) => {
                    if *dashed {
                        self.dashed(
                            &[(x0, mid), (x1, mid)],
                            c.to_rgba(),
                            t.px(3.0),
                            t.px(10.0),
                            t.px(6.0),
                        )?;
                    } else {
                        self.line(&[(x0, mid), (x1, mid)], c.to_rgba(), t.px(4.0))?;
                    }
                    self.dot(((x0 + x1) / 2.0, mid), t.px(7.0), *c)?;
                }
                Swatch::Marker(c) => self.dot(((x0 + x1) / 2.0, mid), t.px(4.5), *c)?,
                Swatch::Pattern(c, None) => {
                    self.line(&[(x0, mid), (x1, mid)], c.to_rgba(), t.px(4.0))?
                }
                Swatch::Pattern(c, Some((dash, gap))) => self.dashed(
                    &[(x0, mid), (x1, mid)],
                    c.to_rgba(),
                    t.px(4.0),
                    t.px(*dash),
                    t.px(*gap),
                )?,
            }
            self.text(text, (x1 + t.px(12.0), y), size, false, INK)?;
        }
        Ok(())
    }

    /// Candidate boxes of size `(w, h)` for a legend or note inside `plot`: the
    /// corners (top-left, top-right, bottom-right, bottom-left), the middles of the
    /// top and bottom edges, then every spot of a grid, nearest a corner first.
    pub fn corners(&self, plot: &Rect, (w, h): (f64, f64)) -> Vec<Rect> {
        let inset = self.theme.px(18.0);
        let (l, r) = (plot.x0 + inset, plot.x1 - inset - w);
        let (t, b) = (plot.y0 + inset, plot.y1 - inset - h);
        let mid = plot.x0 + (plot.w() - w) / 2.0;
        let mut out = vec![
            Rect::new(l, t, w, h),
            Rect::new(r, t, w, h),
            Rect::new(r, b, w, h),
            Rect::new(l, b, w, h),
            Rect::new(mid, t, w, h),
            Rect::new(mid, b, w, h),
        ];
        if r < l || b < t {
            return out;
        }
        let step = self.theme.px(20.0);
        let mut grid = Vec::new();
        let mut y = t;
        while y <= b {
            let mut x = l;
            while x <= r {
                // Distance to the nearest corner, in steps.
                let d = (x - l).min(r - x) + (y - t).min(b - y);
                grid.push(((d / step).round() as i64, Rect::new(x, y, w, h)));
                x += step;
            }
            y += step;
        }
        grid.sort_by_key(|(d, _)| *d);
        out.extend(grid.into_iter().map(|(_, r)| r));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_use_readable_units() {
        let m = Money::new(None);
        assert_eq!(m.amount(38e9), "$38B");
        assert_eq!(m.amount(87_959_550_684.93), "$88B");
        assert_eq!(m.amount(4_093_150_684.93), "$4.09B");
        assert_eq!(m.amount(1.2e12), "$1.2T");
        assert_eq!(m.amount(750e6), "$750M");
        assert_eq!(m.amount(999.96e9), "$1T");
        assert_eq!(m.amount(0.0), "$0");
        assert_eq!(m.exact(37.25e9), "$37.25B");
        assert_eq!(m.tick(2.5e9), "$2.5B");
        let unit = |u: &str| Unit::parse(u).unwrap();
        let usd = Money::new(Some(&unit("USD")));
        assert_eq!(usd.amount(38e9), "38B USD");
        assert_eq!(usd.tick(38e9), "38B");
        assert_eq!(usd.caption("paid"), "paid (USD)");
        assert_eq!(Money::new(Some(&unit("€"))).amount(38e9), "€38B");
        assert_eq!(m.caption("paid"), "paid");
        // The unit's scale applies first: 38000 in $M is $38B.
        let millions = Money::new(Some(&unit("$M")));
        assert_eq!(millions.exact(38_000.0), "$38B");
        assert_eq!(millions.tick(-2.5), "-$2.5M");
        assert_eq!(Money::new(Some(&unit("EUR bn"))).amount(1500.0), "1.5T EUR");
        assert_eq!(Money::new(Some(&unit("thousands"))).amount(38e6), "38B");
        let share = Decimal::from_str_exact("0.0603371").unwrap();
        assert_eq!(rounded_percent(share), "6.03%");
    }

    #[test]
    fn palette_is_stable_by_index_and_readable() {
        assert_eq!(scenario_color(0), RGBColor(0, 114, 178));
        assert_eq!(scenario_color(7), scenario_color(0));
        assert!(is_dark(PALETTE[0]));
        assert!(!is_dark(PALETTE[6]));
        assert!(is_dark(PALETTE[1]));
        assert!(!is_dark(PALETTE[3]));
        assert!(!is_dark(PALETTE[4]));
        assert_eq!(tint(RGBColor(0, 0, 0), 1.0), RGBColor(255, 255, 255));
    }

    #[test]
    fn terms_title_names_rate_cap_and_end() {
        let mut terms = Terms {
            cap: Some(Decimal::from(38_000_000_000i64)),
            ..Terms::default()
        };
        let m = Money::new(None);
        assert_eq!(
            terms_title(&terms, &m, None),
            "20% of revenue, capped at $38B, through 2030-12-31"
        );
        terms.already_paid = Decimal::from(5_000_000_000i64);
        assert!(terms_title(&terms, &m, None).contains("$5B already paid"));
        terms.cap = None;
        assert!(terms_title(&terms, &m, None).contains("no cap"));
    }
}
