//! Charts (PNG and SVG) of cumulative payments, per-period payments and where the cap
//! binds, for `run` and `compare`. The only place a `Decimal` becomes an `f64`, and only to draw.
//!
//! Each chart kind implements [`Chart`] in two steps: [`Chart::describe`] returns its
//! page as plain data (title, headline, footnotes, and what its plot needs, e.g. the
//! curves in days and money), and [`Chart::plot`] draws that data into the room the
//! page leaves. No kind draws its own page: one renderer ([`render::draw`]) clears
//! the canvas, draws the header and the footer, and hands the room between them to
//! `plot`; [`png`] and [`svg`] pick the backend.
//!
//! - [`render`]: the renderer, the [`Chart`] trait, and what plots share: a money
//!   plot laid out with its two axes, with room for its legend where it has one,
//!   legends in a free corner, label candidates and leader lines;
//! - [`style`]: fonts, palette, money labels, header/footer/legend drawing ([`style::Canvas`]);
//! - [`layout`]: pixel geometry, the obstacle map labels avoid, axis ticks;
//! - [`axes`]: [`axes::MoneyPlot`] (a plot's layout and both its axes) and one
//!   [`axes::axis`] for money, calendar or category scales along x or y;
//! - [`cumulative`]: a scenario's cumulative payments, and all scenarios together;
//! - [`payments`]: a scenario's per-period payments, paid and foregone stacked;
//! - [`compare`], [`grid`], [`variants`]: the charts of `revcap compare` (total paid
//!   and binding date by cap, the scenarios × variants grid, and each scenario's
//!   cumulative payments under several variants).
//! - [`fan`], [`binding`], [`foregone`]: the charts of distributions over many
//!   paths (a fan of cumulative payments, when the cap binds, what it saves).
//!
//! Each chart draws on any plotters backend ([`Chart::draw`]), so tests render SVG
//! into a string and check its labels, and `run` renders PNG into memory.
pub mod axes;
pub mod binding;
pub mod compare;
pub mod coverage;
pub mod cumulative;
pub mod fan;
pub mod foregone;
pub mod grid;
pub mod heatmap;
pub mod layout;
pub mod payments;
pub mod render;
pub mod style;
pub mod tornado;
pub mod variants;

use std::collections::HashSet;

use plotters::prelude::*;

use crate::config::ChartOptions;
use crate::error::Error;
use crate::model::{ScenarioResult, Terms};
use style::Money;

/// Charts are drawn for at most this many scenarios. More lines than this cannot be
/// told apart on one chart, and one chart per scenario takes about 50 ms: a file of
/// 100,000 scenarios would take hours for pictures nobody could read.
pub const MAX_SCENARIOS: usize = 50;

/// The note that says why no chart is drawn for `scenarios` scenarios, if none is.
/// Pinned by the CLI test `charts_are_skipped_for_many_scenarios`.
pub fn skipped(scenarios: usize) -> Option<String> {
    (scenarios > MAX_SCENARIOS).then(|| {
        format!(
            "note: no charts drawn: {scenarios} scenarios (charts are drawn for at most {MAX_SCENARIOS}; every other output is complete)"
        )
    })
}

pub use render::Chart;

/// Renders the charts of `revcap run`: `(file name, bytes)` pairs, for each scenario
/// `<name>-cumulative` and `<name>-payments`, then `scenarios-cumulative`, each as
/// `.png` and/or `.svg` per `opts`.
pub fn run_charts(
    results: &[ScenarioResult],
    terms: &Terms,
    opts: &ChartOptions,
    unit: Option<&crate::unit::Unit>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    style::register_fonts()?;
    let money = Money::new(unit);
    let mut out = Vec::new();
    if results.is_empty() {
        return Ok(out);
    }
    let stems = file_stems(results.iter().map(|r| r.name.as_str()));
    for (i, (r, stem)) in results.iter().zip(&stems).enumerate() {
        let chart = cumulative::Scenario {
            result: r,
            terms,
            money: &money,
            color: style::scenario_color(i),
        };
        emit(&mut out, &format!("{stem}-cumulative"), &chart, opts)?;
        let chart = payments::Payments::of(&chart);
        emit(&mut out, &format!("{stem}-payments"), &chart, opts)?;
    }
    let chart = cumulative::All {
        results,
        terms,
        money: &money,
    };
    emit(&mut out, "scenarios-cumulative", &chart, opts)?;
    Ok(out)
}

/// Renders the charts of distributions over many paths ([`crate::montecarlo`]): per
/// group `<group>-fan` (`run`: cumulative payments kept) and `<group>-foregone`, then `binding-probability`, and, when
/// a group has two or more capped variants (`compare`), `<group>-binding-by-cap`.
/// `terms` are the shared terms: what was already paid, the cap to make easy to find
/// (theirs), and the rate whose variants a grid's by-cap chart takes. These charts
/// have no limit on paths.
pub fn distribution_charts(
    dist: &crate::montecarlo::Distributions,
    terms: &Terms,
    opts: &ChartOptions,
    unit: Option<&crate::unit::Unit>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    use crate::montecarlo::distribution::Metric;
    style::register_fonts()?;
    let money = Money::new(unit);
    let mut out = Vec::new();
    let (already_paid, highlight) = (terms.already_paid, terms.cap);
    let groups = dist.groups();
    if groups.is_empty() {
        return Ok(out);
    }
    let rows = dist.summaries()?;
    let probabilities = dist.probabilities()?;
    let names: Vec<String> = groups
        .iter()
        .map(|g| {
            if g.variant.is_empty() {
                g.group.clone()
            } else {
                format!("{}-{}", g.group, g.variant)
            }
        })
        .collect();
    let stems = file_stems(names.iter().map(String::as_str));
    for (i, (g, stem)) in groups.iter().zip(&stems).enumerate() {
        let own: Vec<_> = rows
            .iter()
            .filter(|r| r.group == g.group && r.variant == g.variant)
            .cloned()
            .collect();
        let bound_by_end = probabilities
            .iter()
            .rfind(|p| p.group == g.group && p.variant == g.variant)
            .map(|p| p.probability);
        let color = style::scenario_color(i);
        let bands = g.bands()?;
        let fan = fan::Fan {
            group: g,
            bands: &bands,
            rows: &own,
            bound_by_end,
            through: dist.through(),
            already_paid,
            money: &money,
            color,
        };
        // `compare` keeps no cumulative payments (its caps are swept, not run period
        // by period): a group without them gets no fan chart.
        if g.has_bands() {
            emit(&mut out, &format!("{stem}-fan"), &fan, opts)?;
        }
        if own.iter().any(|r| r.metric == Metric::Foregone) {
            let chart = foregone::Foregone {
                group: g,
                money: &money,
                color,
            };
            emit(&mut out, &format!("{stem}-foregone"), &chart, opts)?;
        }
    }
    let cdf = binding::Cdf {
        groups,
        through: dist.through(),
        money: &money,
        highlight,
    };
    emit(&mut out, "binding-probability", &cdf, opts)?;
    let mut seen: Vec<&str> = Vec::new();
    for g in groups {
        if seen.contains(&g.group.as_str()) {
            continue;
        }
        seen.push(&g.group);
        let capped: Vec<_> = groups
            .iter()
            .filter(|v| v.group == g.group && !v.variant.is_empty() && v.cap.is_some())
            .collect();
        // A rate × cap grid: the variants at the shared rate, as the grid's compare
        // charts take them (every rate against the cap would draw each cap's rates as
        // a vertical zigzag); none when the grid leaves that rate out (its heatmap is
        // the chart to read). Pinned by `a_grid_by_cap_takes_the_shared_rate`.
        let rates: HashSet<_> = capped.iter().map(|v| v.rate).collect();
        let one_rate = rates.len() <= 1;
        let points: Vec<_> = capped
            .into_iter()
            .filter(|v| one_rate || v.rate == Some(terms.rate))
            .filter_map(|v| v.cap.map(|cap| (cap, v)))
            .flat_map(|(cap, v)| {
                probabilities
                    .iter()
                    .filter(move |p| p.group == v.group && p.variant == v.variant)
                    .map(move |p| (cap, p))
            })
            .collect();
        let caps = {
            let mut c: Vec<_> = points.iter().map(|(c, _)| *c).collect();
            c.dedup();
            c.len()
        };
        if caps >= 2 {
            let chart = binding::ByCap {
                group: &g.group,
                points,
                money: &money,
                highlight,
                rate: (!one_rate).then_some(terms.rate),
            };
            let stem = file_stems([g.group.as_str()]).concat();
            emit(&mut out, &format!("{stem}-binding-by-cap"), &chart, opts)?;
        }
    }
    Ok(out)
}

fn emit(
    out: &mut Vec<(String, Vec<u8>)>,
    stem: &str,
    chart: &impl Chart,
    opts: &ChartOptions,
) -> Result<(), Error> {
    let with_name = |e: Error| match e {
        Error::Chart(m) => Error::Chart(format!("{stem}: {m}")),
        e => e,
    };
    if opts.png {
        let png = png(chart, opts.width, opts.height).map_err(with_name)?;
        out.push((format!("{stem}.png"), png));
    }
    if opts.svg {
        let svg = svg(chart, opts.width, opts.height).map_err(with_name)?;
        out.push((format!("{stem}.svg"), svg.into_bytes()));
    }
    Ok(())
}

/// PNG rendering draws at twice the size and scales down: plotters' bitmap lines are
/// not anti-aliased, and this smooths them. Canvases over [`SUPERSAMPLE_MAX_PIXELS`]
/// are drawn at their own size (their lines are thick enough, and 2× would need
/// gigabytes at 8000×8000).
const SUPERSAMPLE: u32 = 2;
const SUPERSAMPLE_MAX_PIXELS: u64 = 8_000_000;

/// Renders `chart` as PNG bytes of `width`×`height` pixels.
pub fn png(chart: &impl Chart, width: u32, height: u32) -> Result<Vec<u8>, Error> {
    use image::ImageEncoder;
    style::register_fonts()?;
    let factor = if u64::from(width) * u64::from(height) <= SUPERSAMPLE_MAX_PIXELS {
        SUPERSAMPLE
    } else {
        1
    };
    let (w, h) = (width * factor, height * factor);
    let len = (w as usize) * (h as usize) * 3;
    let mut buf = vec![255u8; len];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        chart.draw_at(&root, f64::from(factor))?;
        root.present()
            .map_err(|e| Error::Chart(format!("cannot render: {e}")))?;
    }
    let small = if factor == 1 {
        buf
    } else {
        downsample(&buf, w as usize, factor as usize)
    };
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(&small, width, height, image::ColorType::Rgb8)
        .map_err(|e| Error::Chart(format!("cannot encode PNG: {e}")))?;
    Ok(bytes)
}

/// An RGB image `w` pixels wide scaled down by a whole `factor`, each output pixel
/// the rounded mean of its `factor`×`factor` block (a box filter: exact
/// anti-aliasing for supersampling, and fast even in unoptimised test builds).
fn downsample(rgb: &[u8], w: usize, factor: usize) -> Vec<u8> {
    let (ow, oh) = (w / factor, rgb.len() / 3 / w / factor);
    let n = (factor * factor) as u32;
    let row = w * 3;
    let mut out = Vec::with_capacity(ow * oh * 3);
    // `while` loops over plain counters and slice patterns: range iterators and
    // `get` are slow in unoptimised (test) builds, where this ran for seconds per
    // chart.
    let mut band = rgb; // the rows not yet read
    let mut lines: Vec<&[u8]> = Vec::with_capacity(factor);
    let mut oy = 0;
    while oy < oh {
        // The band's `factor` rows, each read left to right a block at a time.
        lines.clear();
        while lines.len() < factor {
            let Some((line, rest)) = band.split_at_checked(row) else {
                break;
            };
            lines.push(line);
            band = rest;
        }
        let mut ox = 0;
        while ox < ow {
            let (mut r, mut g, mut b) = (0u32, 0u32, 0u32);
            for line in lines.iter_mut() {
                let mut dx = 0;
                while dx < factor {
                    if let [pr, pg, pb, rest @ ..] = *line {
                        r += u32::from(*pr);
                        g += u32::from(*pg);
                        b += u32::from(*pb);
                        *line = rest;
                    }
                    dx += 1;
                }
            }
            out.push(((r + n / 2) / n) as u8);
            out.push(((g + n / 2) / n) as u8);
            out.push(((b + n / 2) / n) as u8);
            ox += 1;
        }
        oy += 1;
    }
    out
}

/// Renders `chart` as an SVG document of `width`×`height` pixels.
pub fn svg(chart: &impl Chart, width: u32, height: u32) -> Result<String, Error> {
    style::register_fonts()?;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (width, height)).into_drawing_area();
        chart.draw(&root)?;
        root.present()
            .map_err(|e| Error::Chart(format!("cannot render: {e}")))?;
    }
    Ok(s)
}

/// A file-system-safe stem for each scenario name: `[A-Za-z0-9._-]` kept, each run
/// of anything else one `_` ([`sanitize`]), no leading dot, at most 100 characters;
/// unique among the run's names and never `scenarios` (taken by the all-scenarios
/// chart), by appending `-2`, `-3`...
pub fn file_stems<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::from(["scenarios".to_string()]);
    let mut out = Vec::new();
    for name in names {
        let base = sanitize(name);
        let mut stem = base.clone();
        let mut n = 2;
        while taken.contains(&stem.to_ascii_lowercase()) {
            stem = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(stem.to_ascii_lowercase());
        out.push(stem);
    }
    out
}

/// `name` with each run of characters outside `[A-Za-z0-9._-]` replaced by one `_`
/// (`15% · 30B` → `15_30B`, not `15____30B`).
pub fn sanitize(name: &str) -> String {
    let mut s = String::new();
    let mut replaced = false;
    for c in name.chars().take(100) {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            s.push(c);
            replaced = false;
        } else if !replaced {
            s.push('_');
            replaced = true;
        }
    }
    if s.is_empty() {
        s.push('_');
    }
    if s.starts_with('.') {
        s.replace_range(0..1, "_");
    }
    s
}

/// Renders the charts of `revcap compare` (see `docs/charts.md`): `compare-total-paid`
/// and `compare-binding-date` when at least two numeric caps on the shared `terms`
/// are compared, `compare-grid`, and `<scenario>-compare-cumulative` for each
/// scenario, each as `.png` and/or `.svg` per `opts`.
pub fn compare_charts(
    scenarios: &[crate::model::Scenario],
    variants: &[crate::config::Variant],
    rows: &[crate::model::CompareRow],
    terms: &Terms,
    opts: &ChartOptions,
    unit: Option<&crate::unit::Unit>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    style::register_fonts()?;
    let mut out = Vec::new();
    if scenarios.is_empty() || variants.is_empty() {
        return Ok(out);
    }
    let data = compare::Compare::new(scenarios, variants, rows, terms, unit)?;
    if compare::has_cap_axis(&data) {
        emit(
            &mut out,
            "compare-total-paid",
            &compare::TotalPaid { data: &data },
            opts,
        )?;
        emit(
            &mut out,
            "compare-binding-date",
            &compare::BindingDate { data: &data },
            opts,
        )?;
    }
    emit(&mut out, "compare-grid", &grid::Grid { data: &data }, opts)?;
    let stems = file_stems(scenarios.iter().map(|s| s.name.as_str()));
    for (i, stem) in stems.iter().enumerate() {
        let chart = variants::VariantsCumulative::new(&data, i)?;
        emit(
            &mut out,
            &format!("{stem}-compare-cumulative"),
            &chart,
            opts,
        )?;
    }
    Ok(out)
}

/// Whether `variants` make a rate × cap grid: more than one rate among them.
pub fn is_grid(variants: &[crate::config::Variant]) -> bool {
    variants.iter().any(|v| {
        variants
            .first()
            .is_some_and(|a| a.terms.rate != v.terms.rate)
    })
}

/// Whether variant `v` is the shared `terms` with a cap of its own: in a rate × cap
/// grid, a cell of the row at the shared rate.
pub fn on_shared(v: &crate::config::Variant, terms: &Terms) -> bool {
    crate::engine::without_cap(&v.terms) == crate::engine::without_cap(terms)
}

/// The variants of a rate × cap grid on the shared `terms` (the row at the shared
/// rate, when the grid has it), and their rows of `rows` (scenario by scenario,
/// `variants` in order, for `scenarios` scenarios): what [`compare_charts`] draws of
/// a grid, whose lines are the shared terms'.
pub fn on_shared_terms(
    scenarios: usize,
    variants: &[crate::config::Variant],
    rows: &[crate::model::CompareRow],
    terms: &Terms,
) -> (Vec<crate::config::Variant>, Vec<crate::model::CompareRow>) {
    let on_shared: Vec<usize> = variants
        .iter()
        .enumerate()
        .filter(|(_, v)| on_shared(v, terms))
        .map(|(i, _)| i)
        .collect();
    let nv = variants.len();
    let sub_variants = on_shared
        .iter()
        .filter_map(|&i| variants.get(i).cloned())
        .collect();
    let sub_rows = (0..scenarios)
        .flat_map(|s| on_shared.iter().map(move |&i| s * nv + i))
        .filter_map(|k| rows.get(k).cloned())
        .collect();
    (sub_variants, sub_rows)
}

/// Renders the charts of a rate × cap grid (see `docs/charts.md`): the charts of
/// [`compare_charts`] for the grid's variants on the shared `terms` (the row at the
/// shared rate, when the grid has it), then `<scenario>-heatmap` for each scenario
/// (`<scenario>-<file>-heatmap` for each terms file with `--terms`), showing `metric`.
pub fn grid_charts(
    scenarios: &[crate::model::Scenario],
    variants: &[crate::config::Variant],
    rows: &[crate::model::CompareRow],
    terms: &Terms,
    metric: crate::cli::GridMetric,
    opts: &ChartOptions,
    unit: Option<&crate::unit::Unit>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut out = Vec::new();
    let (sub_variants, sub_rows) = on_shared_terms(scenarios.len(), variants, rows, terms);
    if !sub_variants.is_empty() {
        out = compare_charts(scenarios, &sub_variants, &sub_rows, terms, opts, unit)?;
    }
    style::register_fonts()?;
    let money = Money::new(unit);
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    let notes: Vec<String> = scenarios
        .iter()
        .map(|s| {
            let from = crate::engine::term_start(s, terms);
            format!(
                "Source: {}. Term {from} to {}; rows: rates, columns: caps; every other term as in compare.json.",
                s.source, terms.through
            )
        })
        .collect();
    let maps = heatmap::heatmaps(&names, variants, rows, metric, &money, &notes);
    let stems = file_stems(names.iter().copied());
    let per = maps.len() / names.len().max(1);
    for (k, map) in maps.iter().enumerate() {
        let stem = stems.get(k / per.max(1)).cloned().unwrap_or_default();
        let name = match &map.base {
            Some(b) => format!("{stem}-{}-heatmap", sanitize(b)),
            None => format!("{stem}-heatmap"),
        };
        emit(&mut out, &name, map, opts)?;
    }
    Ok(out)
}

/// Renders the heatmaps of a grid's distributions (see `docs/charts.md`):
/// `<group>-distribution-heatmap` (`<group>-<file>-distribution-heatmap` with terms
/// files) for each group, each cell the median binding date of its paths, or with
/// `--metric probability:YEAR` the share bound by YEAR-12-31. None for the other
/// metrics: their distributions are in distribution.csv.
pub(crate) fn distribution_heatmaps(
    finished: &crate::cmd::DistOutputs,
    variants: &[crate::config::Variant],
    metric: crate::cli::HeatMetric,
    terms: &Terms,
    opts: &ChartOptions,
    unit: Option<&crate::unit::Unit>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    use crate::cli::{GridMetric, HeatMetric};
    let at = match metric {
        HeatMetric::Grid(GridMetric::BindingDate) => None,
        HeatMetric::Probability(year) => crate::model::Date::from_ymd(year, 12, 31),
        HeatMetric::Grid(_) => return Ok(Vec::new()),
    };
    style::register_fonts()?;
    let money = Money::new(unit);
    let mut groups: Vec<&str> = Vec::new();
    for r in finished.rows.iter() {
        if !groups.contains(&r.group.as_str()) {
            groups.push(&r.group);
        }
    }
    let note = format!(
        "Term to {}; rows: rates, columns: caps; every cell's paths in distribution.csv and binding_probability.csv.",
        terms.through
    );
    let maps = heatmap::distribution_heatmaps(
        &groups,
        variants,
        &finished.rows,
        &finished.probabilities,
        at,
        &money,
        &note,
    );
    let mut out = Vec::new();
    for map in &maps {
        let stem = sanitize(map.scenario);
        let name = match &map.base {
            Some(b) => format!("{stem}-{}-distribution-heatmap", sanitize(b)),
            None => format!("{stem}-distribution-heatmap"),
        };
        emit(&mut out, &name, map, opts)?;
    }
    Ok(out)
}

/// Renders the tornado charts of `revcap sensitivity` (see `docs/charts.md`):
/// `<scenario>-tornado-<metric>` for each scenario and metric, each as `.png` and/or
/// `.svg` per `opts`.
pub fn tornado_charts(
    names: &[&str],
    found: &crate::analysis::sensitivity::Sensitivity,
    metrics: &[crate::analysis::sensitivity::Metric],
    terms: &Terms,
    opts: &ChartOptions,
    unit: Option<&crate::unit::Unit>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    style::register_fonts()?;
    let money = Money::new(unit);
    let mut out = Vec::new();
    tornado::tornado_charts(
        names,
        &found.rows,
        &found.data_ends,
        metrics,
        terms,
        &money,
        |stem, chart| emit(&mut out, &stem, chart, opts),
    )?;
    Ok(out)
}

#[cfg(test)]
mod compare_tests;
#[cfg(test)]
mod distribution_tests;
#[cfg(test)]
mod tests;
