//! The `compare` charts rendered to in-memory SVG from real engine results, checked
//! for the labels a reader relies on.
//!
//! Fixture (see `tests.rs`): `base` earns 50B, 100B, 150B, 200B in 2027–2030, so at
//! 20% it pays 10B, 20B, 30B, 40B: 100B uncapped, its threshold. `slow` earns 10B a
//! year: 2B a year, 8B uncapped. Term: 2027-01-01 (first period) to 2030-12-31.
//!
//! Binding dates of `base`, by hand (`k = ceil(r × d / u)`, day `k` of the period):
//! - cap 20B: 10B left after 2027; 2028 (366 days) pays 20B: k = ceil(10 × 366 / 20)
//!   = 183 → 2028-07-01 (31+29+31+30+31+30 = 182 days to the end of June).
//! - cap 38B: 2029-04-08 (see `tests.rs`).
//! - cap 60B: 30B left after 2028; 2029 pays 30B: k = ceil(30 × 365 / 30) = 365
//!   → 2029-12-31.
//! - terms file `cut` (cap 38B, 15% from 2029-01-01): 8B left after 2028; 2029 pays
//!   150B × 15% = 22.5B: k = ceil(8 × 365 / 22.5) = ceil(129.8) = 130 → 2029-05-10
//!   (31+28+31+30 = 120 days to the end of April).
//!
//! `slow` (8B in all) reaches none of these caps.

use rust_decimal::Decimal;

use super::compare::{caps_text, BindingDate, Compare, TotalPaid};
use super::grid::Grid;
use super::style::Money;
use super::tests::{base, has_label, has_text, render, scenario, texts, B};
use super::variants::VariantsCumulative;
use super::{compare_charts, svg};
use crate::config::{ChartOptions, Variant};
use crate::model::{CompareRow, Date, RateStep, Scenario, Terms};

fn slow() -> Scenario {
    scenario("slow", &[(2027, 10), (2028, 10), (2029, 10), (2030, 10)])
}

/// A cap on the shared terms, named as `--caps` names it.
fn cap(shared: &Terms, cap_b: Option<i64>) -> Variant {
    Variant {
        name: cap_b.map_or_else(|| "none".to_string(), |c| format!("{c}B")),
        terms: Terms {
            cap: cap_b.map(|c| Decimal::from(c * B)),
            ..shared.clone()
        },
        from_file: false,
    }
}

/// The terms file `cut`: 38B cap, 15% from 2029-01-01.
fn cut() -> Variant {
    Variant {
        name: "cut".into(),
        terms: Terms {
            cap: Some(Decimal::from(38 * B)),
            rate_steps: vec![RateStep {
                from: Date::parse("2029-01-01").unwrap(),
                rate: Decimal::new(15, 2),
            }],
            ..Terms::default()
        },
        from_file: true,
    }
}

/// 20B, 38B, 60B, none and the terms file `cut`.
fn mixed(shared: &Terms) -> Vec<Variant> {
    vec![
        cap(shared, Some(20)),
        cap(shared, Some(38)),
        cap(shared, Some(60)),
        cap(shared, None),
        cut(),
    ]
}

fn rows(scenarios: &[Scenario], shared: &Terms, variants: &[Variant]) -> Vec<CompareRow> {
    crate::compare_all(scenarios, shared, variants).unwrap().0
}

/// The files `compare_charts` writes for `variants` over `scenarios`, as 800 × 500
/// SVG.
fn chart_files(
    scenarios: &[Scenario],
    variants: &[Variant],
    shared: &Terms,
) -> Vec<(String, Vec<u8>)> {
    let opts = ChartOptions {
        png: false,
        svg: true,
        width: 800,
        height: 500,
    };
    let all = rows(scenarios, shared, variants);
    compare_charts(scenarios, variants, &all, shared, &opts, None).unwrap()
}

/// The names of `files`.
fn names(files: &[(String, Vec<u8>)]) -> Vec<&str> {
    files.iter().map(|(n, _)| n.as_str()).collect()
}

/// What `compare_charts` draws when no cap axis is: the grid and each scenario's
/// cumulative payments.
const WITHOUT_CAP_AXIS: [&str; 3] = [
    "compare-grid.svg",
    "base-compare-cumulative.svg",
    "slow-compare-cumulative.svg",
];

#[test]
fn engine_binds_where_the_fixture_says() {
    let shared = Terms::default();
    let scenarios = vec![base(), slow()];
    let variants = mixed(&shared);
    let rows = rows(&scenarios, &shared, &variants);
    let dates: Vec<Option<Date>> = rows.iter().map(|r| r.summary.binding_date).collect();
    let d = |s: &str| Date::parse(s);
    assert_eq!(
        dates[..5],
        [
            d("2028-07-01"),
            d("2029-04-08"),
            d("2029-12-31"),
            None,
            d("2029-05-10")
        ]
    );
    assert!(dates[5..].iter().all(Option::is_none));
}

#[test]
fn total_paid_chart_marks_each_threshold() {
    let shared = Terms::default();
    let scenarios = vec![base(), slow()];
    let variants = mixed(&shared);
    let rows = rows(&scenarios, &shared, &variants);
    let data = Compare::new(&scenarios, &variants, &rows, &shared, None).unwrap();
    let svg = render(&TotalPaid { data: &data });
    assert!(has_label(
        &svg,
        "2 scenarios: total paid by cap at 20% of revenue, through 2030-12-31"
    ));
    assert!(has_label(
        &svg,
        "The whole cap is paid up to each scenario's threshold, from $8B (slow) to $100B (base); higher caps never bind"
    ));
    // The kinks, labelled with scenario and threshold.
    assert!(has_label(&svg, "base: $100B"));
    assert!(has_label(&svg, "slow: $8B"));
    for entry in [
        "cap binds: paid = cap",
        "base: flat above $100B",
        "slow: flat above $8B",
        "caps compared",
    ] {
        assert!(has_label(&svg, entry), "legend entry {entry:?} missing");
    }
    // Money on both axes, in readable units.
    for label in ["cap", "total paid in the term", "$0", "$60B", "$120B"] {
        assert!(has_label(&svg, label), "axis label {label:?} missing");
    }
    assert!(!svg.contains("e10"), "raw scientific notation");
    assert!(has_text(&svg, "Compared: caps $20B, $38B and $60B"));
    assert!(has_text(
        &svg,
        "Not on the cap axis: none (no cap) and cut (terms file)."
    ));
}

/// A rate × cap grid's variants at another rate than the shared terms' are not dots
/// on the cap axis, whose lines are the shared rate's: they are named as left out,
/// and a grid without the shared rate draws no cap-axis chart at all.
#[test]
fn a_grid_plots_only_the_shared_rate_on_the_cap_axis() {
    let shared = Terms::default();
    let at = |rate: i64, cap_b: i64| Variant {
        name: format!("{rate}% {cap_b}B"),
        terms: Terms {
            rate: Decimal::new(rate, 2),
            cap: Some(Decimal::from(cap_b * B)),
            ..shared.clone()
        },
        from_file: false,
    };
    let scenarios = vec![base(), slow()];
    let variants = vec![at(15, 20), at(15, 60), at(20, 20), at(20, 60)];
    let all = rows(&scenarios, &shared, &variants);
    let data = Compare::new(&scenarios, &variants, &all, &shared, None).unwrap();
    assert_eq!(data.cap_variants(), [(2, 20e9), (3, 60e9)]);
    let svg = render(&TotalPaid { data: &data });
    assert!(has_text(&svg, "Compared: caps $20B and $60B"));
    assert!(has_text(
        &svg,
        "Not on the cap axis: 15% 20B (15% of revenue) and 15% 60B (15% of revenue)."
    ));
    // The dots are the 20% rows': base binds a $20B cap on 2028-07-01 at 20%.
    let svg = render(&BindingDate { data: &data });
    assert!(has_label(
        &svg,
        "A $20B cap binds 2028-07-01 (base), not reached in 1; a $60B cap binds 2029-12-31 (base), not reached in 1"
    ));

    let variants = vec![at(15, 20), at(15, 60), at(25, 20), at(25, 60)];
    let files = chart_files(&scenarios, &variants, &shared);
    assert_eq!(names(&files), WITHOUT_CAP_AXIS);
}

#[test]
fn total_paid_chart_says_what_already_paid_does() {
    let shared = Terms {
        already_paid: Decimal::from(5 * B),
        ..Terms::default()
    };
    let scenarios = vec![base()];
    let variants = vec![cap(&shared, Some(20)), cap(&shared, Some(38))];
    let rows = rows(&scenarios, &shared, &variants);
    let usd = crate::unit::Unit::parse("USD").unwrap();
    let data = Compare::new(&scenarios, &variants, &rows, &shared, Some(&usd)).unwrap();
    let svg = render(&TotalPaid { data: &data });
    assert!(has_text(
        &svg,
        "at 20% of revenue, 5B USD already paid, through"
    ));
    // 5B already paid + 100B uncapped: the cap stops binding above 105B.
    assert!(has_label(&svg, "base: 105B USD"));
    assert!(has_label(
        &svg,
        "cap binds: paid = cap − 5B USD already paid"
    ));
    assert!(has_label(
        &svg,
        "base: flat at 100B USD above a 105B USD cap"
    ));
    assert!(has_label(&svg, "cap (USD)"));
    assert!(!svg.contains('$'));
}

#[test]
fn binding_date_chart_shows_dates_and_where_the_cap_is_never_reached() {
    let shared = Terms::default();
    let scenarios = vec![base(), slow()];
    let variants = mixed(&shared);
    let rows = rows(&scenarios, &shared, &variants);
    let data = Compare::new(&scenarios, &variants, &rows, &shared, None).unwrap();
    let svg = render(&BindingDate { data: &data });
    assert!(has_label(
        &svg,
        "2 scenarios: when the cap binds, by cap, at 20% of revenue, through 2030-12-31"
    ));
    assert!(has_label(
        &svg,
        "A $20B cap binds 2028-07-01 (base), not reached in 1; a $60B cap binds 2029-12-31 (base), not reached in 1"
    ));
    assert!(has_label(&svg, "not reached"));
    assert!(has_label(&svg, "by 2030-12-31"));
    assert!(has_label(&svg, "base: not reached above $100B"));
    assert!(has_label(&svg, "slow: not reached above $8B"));
    // Dates up the side, caps along the bottom, a legend of scenarios.
    for label in [
        "2027",
        "2028",
        "2029",
        "2030",
        "binding date",
        "cap",
        "$100B",
    ] {
        assert!(has_label(&svg, label), "axis label {label:?} missing");
    }
    assert!(has_label(&svg, "base") && has_label(&svg, "slow"));
}

#[test]
fn grid_labels_each_cell_with_its_date_or_a_dash() {
    let shared = Terms::default();
    let scenarios = vec![base(), slow()];
    let variants = mixed(&shared);
    let rows = rows(&scenarios, &shared, &variants);
    let data = Compare::new(&scenarios, &variants, &rows, &shared, None).unwrap();
    let svg = render(&Grid { data: &data });
    assert!(has_label(
        &svg,
        "When the cap binds: 2 scenarios × 5 variants"
    ));
    assert!(has_label(
        &svg,
        "Cap binds in 4 of 10 pairs: earliest 2028-07-01 (base at $20B), latest 2029-12-31 (base at $60B)"
    ));
    for cell in ["2028-07-01", "2029-04-08", "2029-12-31", "2029-05-10"] {
        assert!(has_label(&svg, cell), "cell {cell} missing");
    }
    let dashes = texts(&svg).iter().filter(|t| *t == "—").count();
    assert_eq!(dashes, 6, "slow's 5 cells and base without a cap");
    for column in ["$20B", "$38B", "$60B", "no cap", "cut", "variant"] {
        assert!(has_label(&svg, column), "column label {column:?} missing");
    }
    for row in ["base", "slow"] {
        assert!(has_label(&svg, row), "row label {row:?} missing");
    }
    for key in [
        "cap binds in",
        "2027",
        "2028",
        "2029",
        "2030",
        "not reached",
    ] {
        assert!(has_label(&svg, key), "key entry {key:?} missing");
    }
    assert!(has_text(
        &svg,
        "cut (terms file): 20% of revenue (15% from 2029-01-01), capped at $38B, through 2030-12-31."
    ));
}

/// (x, text) of each `<text>` element whose text is a money tick like `$10B`.
fn money_labels(svg: &str) -> Vec<(f64, String)> {
    svg.split("<text")
        .skip(1)
        .filter_map(|el| {
            let x = el.split("x=\"").nth(1)?.split('"').next()?.parse().ok()?;
            let text = el.split('>').nth(1)?.split('<').next()?.trim().to_string();
            (text.starts_with('$') && text.ends_with('B')).then_some((x, text))
        })
        .collect()
}

#[test]
fn a_grid_of_many_caps_stays_readable() {
    // 100 columns: cells too narrow for dates, every 10th cap labelled, on round caps.
    let shared = Terms::default();
    let scenarios = vec![base(), slow()];
    let variants: Vec<Variant> = (1..=100).map(|c| cap(&shared, Some(c))).collect();
    let rows = rows(&scenarios, &shared, &variants);
    let data = Compare::new(&scenarios, &variants, &rows, &shared, None).unwrap();
    let svg = render(&Grid { data: &data });
    assert!(has_label(
        &svg,
        "When the cap binds: 2 scenarios × 100 caps at 20% of revenue, through 2030-12-31"
    ));
    assert!(
        !has_label(&svg, "2028-07-01"),
        "dates drawn in narrow cells"
    );
    assert!(has_text(&svg, "Cells too narrow for dates"));
    let labels = money_labels(&svg);
    let names: Vec<&str> = labels.iter().map(|(_, t)| t.as_str()).collect();
    assert!(
        names.contains(&"$10B") && names.contains(&"$50B"),
        "{names:?}"
    );
    assert!(!names.contains(&"$11B") && labels.len() <= 10, "{names:?}");
    // No two column labels overlap: each starts well right of the previous one.
    for w in labels.windows(2) {
        assert!(w[1].0 - w[0].0 >= 70.0, "labels too close: {w:?}");
    }
}

#[test]
fn per_scenario_chart_names_each_variant_and_its_binding_date() {
    let shared = Terms::default();
    let scenarios = vec![base(), slow()];
    let variants = mixed(&shared);
    let rows = rows(&scenarios, &shared, &variants);
    let data = Compare::new(&scenarios, &variants, &rows, &shared, None).unwrap();
    let svg = render(&VariantsCumulative::new(&data, 0).unwrap());
    assert!(has_label(
        &svg,
        "base: cumulative payments under 5 variants"
    ));
    assert!(has_label(
        &svg,
        "Paid $20B (cap binds 2028-07-01) to $100B (no cap)"
    ));
    for entry in [
        "paid until each cap binds",
        "cap $20B: binds 2028-07-01",
        "cap $38B: binds 2029-04-08",
        "cap $60B: binds 2029-12-31",
        "no cap: $100B paid",
        "cut: binds 2029-05-10",
    ] {
        assert!(has_label(&svg, entry), "legend entry {entry:?} missing");
    }
    // Binding dates beside their markers (as well as in the legend).
    assert!(has_label(&svg, "2029-04-08"));
    assert!(has_label(&svg, "2028-07-01"));
    for label in ["2027", "2030", "$100B", "cumulative payments"] {
        assert!(has_label(&svg, label), "axis label {label:?} missing");
    }

    let svg = render(&VariantsCumulative::new(&data, 1).unwrap());
    assert!(has_label(&svg, "paid: no cap is reached"));
    assert!(has_label(&svg, "cap $20B: not reached, $12B headroom"));
}

#[test]
fn per_scenario_chart_draws_six_variants_and_names_the_rest() {
    let shared = Terms::default();
    let scenarios = vec![base()];
    let variants: Vec<Variant> = (1..=8).map(|c| cap(&shared, Some(10 * c))).collect();
    let rows = rows(&scenarios, &shared, &variants);
    let data = Compare::new(&scenarios, &variants, &rows, &shared, None).unwrap();
    let chart = VariantsCumulative::new(&data, 0).unwrap();
    assert_eq!(chart.results.len(), 6);
    let svg = render(&chart);
    assert!(has_label(
        &svg,
        "base: cumulative payments under 6 caps at 20% of revenue, through 2030-12-31"
    ));
    assert!(has_label(&svg, "cap $60B: binds 2029-12-31"));
    assert!(!has_text(&svg, "cap $70B"));
    assert!(has_text(
        &svg,
        "Showing the first 6 of 8 caps; not shown: 70B and 80B."
    ));
}

#[test]
fn compare_charts_names_files_and_skips_cap_axes_without_two_caps() {
    let shared = Terms::default();
    let scenarios = vec![base(), slow()];
    let variants = mixed(&shared);
    let files = chart_files(&scenarios, &variants, &shared);
    assert_eq!(
        names(&files),
        [
            "compare-total-paid.svg",
            "compare-binding-date.svg",
            "compare-grid.svg",
            "base-compare-cumulative.svg",
            "slow-compare-cumulative.svg",
        ]
    );
    let first = String::from_utf8(files[0].1.clone()).unwrap();
    assert!(first.contains(r#"width="800" height="500""#));

    // One numeric cap (and no cap): no cap axis to draw along.
    let variants = vec![cap(&shared, Some(38)), cap(&shared, None)];
    let files = chart_files(&scenarios, &variants, &shared);
    assert_eq!(names(&files), WITHOUT_CAP_AXIS);
}

#[test]
fn caps_are_described_in_words() {
    let m = Money::new(None);
    assert_eq!(caps_text(&[38e9], &m), "cap $38B");
    assert_eq!(caps_text(&[38e9, 25e9], &m), "caps $25B and $38B");
    let range: Vec<f64> = (0..9).map(|i| 20e9 + 5e9 * f64::from(i)).collect();
    assert_eq!(
        caps_text(&range, &m),
        "9 caps from $20B to $60B in $5B steps"
    );
    assert_eq!(
        caps_text(&[20e9, 38e9, 60e9], &m),
        "caps $20B, $38B and $60B"
    );
}

#[test]
fn compare_charts_render_small_canvases_as_png() {
    let shared = Terms::default();
    let scenarios = vec![base()];
    let variants = vec![cap(&shared, Some(20)), cap(&shared, Some(38))];
    let rows = rows(&scenarios, &shared, &variants);
    let data = Compare::new(&scenarios, &variants, &rows, &shared, None).unwrap();
    let png = super::png(&Grid { data: &data }, 400, 300).unwrap();
    let img = image::load_from_memory(&png).unwrap();
    assert_eq!((img.width(), img.height()), (400, 300));
    let _ = svg(&BindingDate { data: &data }, 400, 300).unwrap();
}
