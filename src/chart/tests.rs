//! Charts rendered to in-memory SVG, checked for the labels a reader relies on.
//! Results come from the real engine on small hand-computed scenarios.

use rust_decimal::Decimal;

use super::cumulative::{curves, All, Scenario as CumulativeChart};
use super::payments::Payments;
use super::style::{register_fonts, scenario_color, Money};
use super::{file_stems, run_charts, sanitize, svg, Chart};
use crate::config::ChartOptions;
use crate::engine::compute;
use crate::model::{Date, Period, PeriodInput, Scenario, ScenarioResult, Terms};

pub(super) const B: i64 = 1_000_000_000;

pub(super) fn scenario(name: &str, revenue_b: &[(i32, i64)]) -> Scenario {
    Scenario {
        name: name.into(),
        source: format!("scenarios/{name}.csv"),
        periods: revenue_b
            .iter()
            .map(|(y, r)| PeriodInput {
                period: Period::year(*y).unwrap(),
                revenue: Decimal::from(r * B),
                rate: None,
                line: 0,
            })
            .collect(),
    }
}

pub(super) fn terms(cap_b: Option<i64>) -> Terms {
    Terms {
        cap: cap_b.map(|c| Decimal::from(c * B)),
        ..Terms::default()
    }
}

/// 2027–2030 revenue of 50B, 100B, 150B, 200B at 20%: payments 10B, 20B, 30B, 40B.
/// Under a 38B cap, 30B is paid by the end of 2028 and 8B of 2029's 30B remains:
/// k = ceil(8 × 365 / 30) = ceil(97.33) = 98, so the cap binds on 2029's 98th day,
/// 2029-04-08 (31 + 28 + 31 = 90 days to the end of March, plus 8). Foregone:
/// 100B uncapped − 38B paid = 62B.
pub(super) fn base() -> Scenario {
    scenario("base", &[(2027, 50), (2028, 100), (2029, 150), (2030, 200)])
}

fn run(s: &Scenario, t: &Terms) -> ScenarioResult {
    compute(s, t).unwrap()
}

pub(super) fn render(chart: &impl Chart) -> String {
    register_fonts().unwrap();
    svg(chart, 1600, 1000).unwrap()
}

/// The text of every `<text>` element, trimmed.
pub(super) fn texts(svg: &str) -> Vec<String> {
    svg.split("</text>")
        .filter_map(|part| part.rsplit_once('>').map(|(_, t)| unescape(t.trim())))
        .filter(|t| !t.is_empty())
        .collect()
}

fn unescape(t: &str) -> String {
    t.replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Whether some text element contains `part`.
pub(super) fn has_text(svg: &str, part: &str) -> bool {
    texts(svg).iter().any(|t| t.contains(part))
}

/// Whether some text element is exactly `label`.
pub(super) fn has_label(svg: &str, label: &str) -> bool {
    texts(svg).iter().any(|t| t == label)
}

fn cumulative_svg(r: &ScenarioResult, t: &Terms, unit: Option<&str>) -> String {
    let unit = unit.map(|u| crate::unit::Unit::parse(u).unwrap());
    let money = Money::new(unit.as_ref());
    render(&CumulativeChart {
        result: r,
        terms: t,
        money: &money,
        color: scenario_color(0),
    })
}

fn payments_svg(r: &ScenarioResult, t: &Terms) -> String {
    let money = Money::new(None);
    render(&Payments {
        result: r,
        terms: t,
        money: &money,
        color: scenario_color(0),
    })
}

#[test]
fn engine_binds_where_the_fixture_says() {
    let r = run(&base(), &terms(Some(38)));
    assert_eq!(r.summary.binding_date, Date::parse("2029-04-08"));
    assert_eq!(r.summary.foregone, Decimal::from(62 * B));
}

#[test]
fn cumulative_chart_has_title_cap_binding_date_and_legend() {
    let t = terms(Some(38));
    let svg = cumulative_svg(&run(&base(), &t), &t, None);
    assert!(
        svg.contains(
            "base: cumulative payments at 20% of revenue, capped at $38B, through 2030-12-31"
        ),
        "title missing"
    );
    assert!(svg.contains("Paid $38B"), "headline missing");
    assert!(svg.contains("$62B foregone of $100B due without a cap"));
    assert!(has_label(&svg, "cap $38B"), "cap label missing");
    assert!(
        has_label(&svg, "cap binds 2029-04-08"),
        "binding label missing"
    );
    for entry in [
        "paid under the cap",
        "due with no cap",
        "foregone: cut by the cap",
    ] {
        assert!(has_label(&svg, entry), "legend entry {entry:?} missing");
    }
    assert!(!svg.contains("not reached"));
    // Years on the time axis, money in billions on the other.
    for label in ["2027", "2030", "$40B"] {
        assert!(has_label(&svg, label), "axis label {label} missing");
    }
    assert!(!svg.contains("e10"), "raw scientific notation on an axis");
}

#[test]
fn a_cap_never_reached_says_so_with_its_headroom() {
    // 100B is paid in all; a 1T cap leaves 900B.
    let t = terms(Some(1000));
    let svg = cumulative_svg(&run(&base(), &t), &t, None);
    assert!(has_label(
        &svg,
        "cap not reached by 2030-12-31: $900B headroom"
    ));
    assert!(!svg.contains("cap binds"));
    assert!(!svg.contains("foregone: cut by the cap"));
}

#[test]
fn no_cap_gets_a_note_and_no_cap_line() {
    let t = terms(None);
    let svg = cumulative_svg(&run(&base(), &t), &t, None);
    assert!(has_label(
        &svg,
        "no cap: all that is due through 2030-12-31 is paid"
    ));
    assert!(svg.contains("20% of revenue, no cap, through 2030-12-31"));
    assert!(!svg.contains("cap binds"));
    assert!(!svg.contains("due with no cap"));
}

#[test]
fn already_paid_lowers_the_cap_line_and_says_why() {
    let mut t = terms(Some(38));
    t.already_paid = Decimal::from(5 * B);
    let svg = cumulative_svg(&run(&base(), &t), &t, None);
    assert!(has_label(&svg, "cap $38B less $5B already paid"));
    assert!(svg.contains("the line marks the $33B left"));
}

#[test]
fn a_unit_label_replaces_the_dollar_sign() {
    let t = terms(Some(38));
    let svg = cumulative_svg(&run(&base(), &t), &t, Some("USD"));
    assert!(has_label(&svg, "cap 38B USD"));
    assert!(svg.contains("cumulative payments (USD)"));
    assert!(!svg.contains("$38B"));
}

#[test]
fn all_scenarios_chart_has_a_legend_entry_per_scenario() {
    let t = terms(Some(38));
    let slow = scenario("slow", &[(2027, 10), (2028, 10), (2029, 10), (2030, 10)]);
    let results = vec![run(&base(), &t), run(&slow, &t)];
    let money = Money::new(None);
    let svg = render(&All {
        results: &results,
        terms: &t,
        money: &money,
    });
    assert!(svg.contains("2 scenarios: cumulative payments at 20% of revenue, capped at $38B"));
    assert!(has_label(&svg, "base: cap binds 2029-04-08"));
    // slow pays 4 × 2B = 8B: 30B of headroom.
    assert!(has_label(&svg, "slow: not reached, $30B headroom"));
    assert!(has_label(&svg, "cap $38B"));
    assert!(svg.contains("cap binds in 1 of 2"));
}

#[test]
fn payments_chart_stacks_paid_and_foregone_and_marks_the_binding_period() {
    let t = terms(Some(38));
    let svg = payments_svg(&run(&base(), &t), &t);
    assert!(svg.contains("base: payments per year at 20% of revenue, capped at $38B"));
    for label in ["2027", "2028", "2029", "2030"] {
        assert!(has_label(&svg, label), "period label {label} missing");
    }
    assert!(has_label(&svg, "cap binds 2029-04-08"));
    assert!(has_label(&svg, "paid"));
    assert!(svg.contains("foregone: cut by the cap"));
    // 2029 pays the 8B left and forgoes 22B; 2030 pays nothing and forgoes 40B.
    assert!(has_label(&svg, "$8B"));
    assert!(svg.contains("$22B foregone"));
    assert!(svg.contains("$40B foregone"));
}

#[test]
fn payments_chart_omits_periods_outside_the_term_and_stars_partial_ones() {
    let mut t = terms(Some(38));
    t.from = Date::parse("2027-07-01");
    let s = scenario("base", &[(2025, 10), (2026, 20), (2027, 50), (2028, 100)]);
    let svg = payments_svg(&run(&s, &t), &t);
    assert!(!has_label(&svg, "2025") && !has_label(&svg, "2026"));
    assert!(has_label(&svg, "2027*"));
    assert!(svg.contains("2027 counts only days from 2027-07-01 (term start)"));
}

#[test]
fn the_kink_sits_inside_the_binding_day_not_at_a_period_end() {
    let t = terms(Some(38));
    let r = run(&base(), &t);
    let cv = curves(&r, r.from);
    let budget = 38e9;
    let kink = cv.paid.iter().find(|p| p.1 >= budget).unwrap();
    let day = r.from.days_until(Date::parse("2029-04-08").unwrap()) as f64;
    assert!(
        kink.0 > day && kink.0 <= day + 1.0,
        "kink at {}, day {day}",
        kink.0
    );
    // The uncapped curve keeps rising to 100B at the end of 2030.
    assert_eq!(cv.uncapped.last().unwrap().1, 100e9);
    assert_eq!(cv.paid.last().unwrap().1, budget);
}

#[test]
fn run_charts_names_files_per_scenario_and_format() {
    let t = terms(Some(38));
    let mut other = base();
    other.name = "bull case/2026".into();
    let results = vec![run(&base(), &t), run(&other, &t)];
    let opts = ChartOptions {
        png: true,
        svg: true,
        width: 800,
        height: 500,
    };
    let files = run_charts(&results, &t, &opts, None).unwrap();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "base-cumulative.png",
            "base-cumulative.svg",
            "base-payments.png",
            "base-payments.svg",
            "bull_case_2026-cumulative.png",
            "bull_case_2026-cumulative.svg",
            "bull_case_2026-payments.png",
            "bull_case_2026-payments.svg",
            "scenarios-cumulative.png",
            "scenarios-cumulative.svg",
        ]
    );
    let png = image::load_from_memory(&files[0].1).unwrap();
    assert_eq!((png.width(), png.height()), (800, 500));
}

#[test]
fn large_canvases_render_without_supersampling() {
    // 2900 × 2800 is over the supersampling limit: drawn at its own size.
    let t = terms(Some(38));
    let r = run(&base(), &t);
    let money = Money::new(None);
    let chart = Payments {
        result: &r,
        terms: &t,
        money: &money,
        color: scenario_color(0),
    };
    let png = super::png(&chart, 2900, 2800).unwrap();
    let img = image::load_from_memory(&png).unwrap();
    assert_eq!((img.width(), img.height()), (2900, 2800));
}

#[test]
fn downsampling_averages_each_block() {
    // A 4×2 image: a black 2×2 block and a block of two white and two black pixels.
    let mut rgb = vec![0u8; 4 * 2 * 3];
    for i in [2usize, 7] {
        rgb[i * 3..i * 3 + 3].copy_from_slice(&[255, 255, 255]);
    }
    assert_eq!(super::downsample(&rgb, 4, 2), [0, 0, 0, 128, 128, 128]);
}

#[test]
fn downsample_is_the_rounded_mean_of_each_block() {
    // A plain box filter to check against: columns and rows past the last whole
    // block are left out.
    fn reference(rgb: &[u8], w: usize, factor: usize) -> Vec<u8> {
        let (ow, oh) = (w / factor, rgb.len() / 3 / w / factor);
        let n = (factor * factor) as u32;
        let mut out = Vec::new();
        for oy in 0..oh {
            for ox in 0..ow {
                for c in 0..3 {
                    let mut sum = 0u32;
                    for y in oy * factor..(oy + 1) * factor {
                        for x in ox * factor..(ox + 1) * factor {
                            sum += u32::from(rgb[(y * w + x) * 3 + c]);
                        }
                    }
                    out.push(((sum + n / 2) / n) as u8);
                }
            }
        }
        out
    }
    let mut seed = 7u32;
    for (w, h, factor) in [
        (6, 4, 2),
        (7, 5, 2),
        (9, 9, 3),
        (10, 7, 4),
        (5, 3, 1),
        (1, 1, 2),
    ] {
        let rgb: Vec<u8> = (0..w * h * 3)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (seed >> 16) as u8
            })
            .collect();
        assert_eq!(
            super::downsample(&rgb, w, factor),
            reference(&rgb, w, factor),
            "{w}×{h} by {factor}"
        );
    }
}

#[test]
fn file_stems_are_safe_and_unique() {
    assert_eq!(sanitize("a b/c:d"), "a_b_c_d");
    assert_eq!(sanitize(".hidden"), "_hidden");
    assert_eq!(sanitize(""), "_");
    assert_eq!(sanitize("ok-1.2_x"), "ok-1.2_x");
    // A run of replaced characters is one `_` (a grid variant's group name).
    assert_eq!(sanitize("apr2025 · 15% · 30B"), "apr2025_15_30B");
    assert_eq!(sanitize("a_ b"), "a__b");
    // `scenarios` is the all-scenarios chart's; names that collide get a suffix.
    assert_eq!(
        file_stems(["scenarios", "a b", "a_b", "A_B"]),
        ["scenarios-2", "a_b", "a_b-2", "A_B-3"]
    );
}

#[test]
fn a_scenario_wholly_outside_the_term_still_renders() {
    let mut t = terms(Some(38));
    t.from = Date::parse("2031-01-01");
    let s = scenario("late", &[(2027, 50)]);
    let r = run(&s, &t);
    assert!(r.segments.is_empty());
    let svg = cumulative_svg(&r, &t, None);
    assert!(svg.contains("late: cumulative payments"));
    assert!(has_text(
        &svg,
        "Nothing paid: no day of the scenario's periods falls in the term"
    ));
    assert!(has_label(&svg, "no revenue in the term: nothing is paid"));
    let _ = payments_svg(&r, &t);
}
