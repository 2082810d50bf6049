//! The distribution charts rendered to in-memory SVG from real paths through the
//! engine, checked for the labels a reader relies on, and their file names.

use rust_decimal::Decimal;

use super::binding::{ByCap, Cdf};
use super::fan::Fan;
use super::foregone::Foregone;
use super::style::{scenario_color, Money};
use super::tests::{render, texts};
use crate::config::ChartOptions;
use crate::engine::compute;
use crate::model::{Date, Terms};
use crate::montecarlo::distribution::{Distributions, Key};
use crate::montecarlo::paths::{batches, Base, Simulation};

const B: i64 = 1_000_000_000;

/// The tests' terms (20% from 2027-01-01) with a cap of `cap` billion.
fn terms_capped(cap: i64) -> Terms {
    Terms {
        cap: Some(Decimal::from(cap * B)),
        from: Some(Date::from_ymd(2027, 1, 1).unwrap()),
        ..Terms::default()
    }
}

/// 400 paths of a base like the tests' (50B to 200B a year, 2027–2030) at 30%, seed 3,
/// under caps of 30B, 38B and 46B from 2027-01-01, the 38B one also as `run`'s.
fn distributions() -> (Distributions, Distributions) {
    let s = super::tests::base();
    let from = Date::from_ymd(2027, 1, 1).unwrap();
    let sim = Simulation {
        volatility: Decimal::new(3, 1),
        seed: 3,
        decimals: 2,
    };
    let base = Base::new(&s, from, &sim);
    let terms = |cap: i64| Terms {
        cap: Some(Decimal::from(cap * B)),
        from: Some(from),
        ..Terms::default()
    };
    let mut run = Distributions::new(terms(38).through, true);
    let mut compare = Distributions::new(terms(38).through, true);
    for batch in batches(&base, 400, 100) {
        let batch = batch.unwrap();
        for cap in [30, 38, 46] {
            let t = terms(cap);
            let results: Vec<_> = batch.iter().map(|p| compute(p, &t).unwrap()).collect();
            let name = format!("{cap}B");
            let key = Key {
                group: "base",
                variant: &name,
                cap: t.cap,
                rate: Some(t.rate),
            };
            compare.add_results(&key, &results);
            if cap == 38 {
                let key = Key {
                    group: "base",
                    variant: "",
                    cap: t.cap,
                    rate: None,
                };
                run.add_results(&key, &results);
            }
        }
    }
    (run, compare)
}

#[test]
fn the_fan_names_the_median_the_bands_the_cap_and_the_binding_dates() {
    let (run, _) = distributions();
    let money = Money::new(None);
    let g = &run.groups()[0];
    let rows = run.summaries().unwrap();
    let probs = run.probabilities().unwrap();
    let bands = g.bands().unwrap();
    let chart = Fan {
        group: g,
        bands: &bands,
        rows: &rows,
        bound_by_end: probs.last().map(|p| p.probability),
        through: run.through(),
        already_paid: Decimal::ZERO,
        money: &money,
        color: scenario_color(0),
    };
    let t = texts(&render(&chart));
    assert!(
        t.contains(&"base: cumulative payments across 400 paths".to_string()),
        "{t:?}"
    );
    assert!(
        t.iter()
            .any(|l| l.starts_with("Median paid $38B; the $38B cap binds by 2030-12-31 in ")),
        "{t:?}"
    );
    assert!(
        t.iter().any(|l| l.starts_with("cap binds: median 20")),
        "{t:?}"
    );
    for label in [
        "cap $38B",
        "median paid",
        "middle 50% of paths",
        "middle 90% of paths",
        "median due with no cap",
    ] {
        assert!(t.contains(&label.to_string()), "{label}: {t:?}");
    }
}

#[test]
fn the_share_bound_names_each_line_by_its_median() {
    let (run, compare) = distributions();
    let money = Money::new(None);
    let chart = Cdf {
        groups: run.groups(),
        through: run.through(),
        money: &money,
        highlight: Some(Decimal::from(38 * B)),
    };
    let t = texts(&render(&chart));
    assert!(t.iter().any(|l| l.starts_with("base: median 20")), "{t:?}");
    // One cap only: no line is singled out.
    assert!(!t.iter().any(|l| l.contains("thick")), "{t:?}");
    let chart = Cdf {
        groups: compare.groups(),
        through: compare.through(),
        money: &money,
        highlight: Some(Decimal::from(38 * B)),
    };
    let t = texts(&render(&chart));
    for cap in ["$30B", "$38B", "$46B"] {
        assert!(
            t.iter().any(|l| l.starts_with(&format!("base at {cap}: "))),
            "{cap}: {t:?}"
        );
    }
    assert!(
        t.iter()
            .any(|l| l.ends_with("the thick lines are the $38B cap")),
        "{t:?}"
    );
}

#[test]
fn the_share_by_cap_has_a_line_per_year_end_and_marks_the_terms_cap() {
    let (_, compare) = distributions();
    let money = Money::new(None);
    let probs = compare.probabilities().unwrap();
    let points = compare
        .groups()
        .iter()
        .flat_map(|g| {
            probs
                .iter()
                .filter(move |p| p.variant == g.variant)
                .map(move |p| (g.cap.unwrap(), p))
        })
        .collect();
    let chart = ByCap {
        group: "base",
        points,
        money: &money,
        highlight: Some(Decimal::from(38 * B)),
        rate: None,
    };
    let t = texts(&render(&chart));
    assert!(t.iter().any(|l| l.starts_with("At $38B: ")), "{t:?}");
    assert!(t.contains(&"the terms' cap, $38B".to_string()), "{t:?}");
    let lines = t.iter().filter(|l| l.starts_with("by 20")).count();
    assert!(lines >= 3, "{t:?}");
}

#[test]
fn the_foregone_histogram_says_the_median_and_the_spread() {
    let (run, _) = distributions();
    let money = Money::new(None);
    let chart = Foregone {
        group: &run.groups()[0],
        money: &money,
        color: scenario_color(0),
    };
    let t = texts(&render(&chart));
    assert!(
        t.iter().any(|l| l.starts_with("Median foregone $")),
        "{t:?}"
    );
    assert!(t.iter().any(|l| l.starts_with("median $")), "{t:?}");
    assert!(
        t.contains(&"base: what the cap saves across 400 paths".to_string()),
        "{t:?}"
    );
}

#[test]
fn distribution_charts_are_named_by_group() {
    let (run, compare) = distributions();
    let opts = ChartOptions {
        png: false,
        svg: true,
        width: 800,
        height: 500,
    };
    let names = |d: &Distributions| -> Vec<String> {
        super::distribution_charts(d, &terms_capped(38), &opts, None)
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect()
    };
    assert_eq!(
        names(&run),
        [
            "base-fan.svg",
            "base-foregone.svg",
            "binding-probability.svg"
        ]
    );
    let c = names(&compare);
    assert!(c.contains(&"base-38B-fan.svg".to_string()), "{c:?}");
    assert!(c.contains(&"base-binding-by-cap.svg".to_string()), "{c:?}");
    assert_eq!(c.len(), 3 * 2 + 2);
}

/// A rate × cap grid's by-cap chart draws the caps at the terms' rate, as a compare of
/// those caps alone would, and says so; the variants at other rates (which would stack
/// each cap's rates as a vertical zigzag) are left to the heatmap.
#[test]
fn a_grid_by_cap_takes_the_shared_rate() {
    let s = super::tests::base();
    let sim = Simulation {
        volatility: Decimal::new(3, 1),
        seed: 3,
        decimals: 2,
    };
    let base = Base::new(&s, Date::from_ymd(2027, 1, 1).unwrap(), &sim);
    let shared = terms_capped(38);
    // The caps alone at the shared rate, and the grid of them at 15%, 20%, 25%.
    let mut alone = Distributions::new(shared.through, false);
    let mut grid = Distributions::new(shared.through, false);
    for batch in batches(&base, 200, 100) {
        let batch = batch.unwrap();
        for rate in [15, 20, 25] {
            for cap in [30, 38, 46] {
                let t = Terms {
                    rate: Decimal::new(rate, 2),
                    ..terms_capped(cap)
                };
                let results: Vec<_> = batch.iter().map(|p| compute(p, &t).unwrap()).collect();
                let name = format!("{rate}% · {cap}B");
                let key = Key {
                    group: "base",
                    variant: &name,
                    cap: t.cap,
                    rate: Some(t.rate),
                };
                grid.add_results(&key, &results);
                if t.rate == shared.rate {
                    alone.add_results(&key, &results);
                }
            }
        }
    }
    let opts = ChartOptions {
        png: false,
        svg: true,
        width: 800,
        height: 500,
    };
    let by_cap = |d: &Distributions| -> Vec<String> {
        let charts = super::distribution_charts(d, &shared, &opts, None).unwrap();
        let (_, svg) = charts
            .into_iter()
            .find(|(n, _)| n == "base-binding-by-cap.svg")
            .unwrap();
        texts(&String::from_utf8(svg).unwrap())
    };
    let grid_dist = grid;
    let (alone, grid) = (by_cap(&alone), by_cap(&grid_dist));
    let note = "The caps at the terms' rate, 20%; the distribution heatmap shows every rate.";
    assert!(grid.contains(&note.to_string()), "{grid:?}");
    assert!(!alone.contains(&note.to_string()), "{alone:?}");
    // Every other text (the headline's shares at $38B, the lines' labels) is the
    // chart of the caps alone.
    let without: Vec<_> = grid.iter().filter(|t| *t != note).cloned().collect();
    assert_eq!(without, alone);
    // A grid without the terms' rate (30% here) draws no by-cap chart.
    let other = Terms {
        rate: Decimal::new(30, 2),
        ..shared.clone()
    };
    let charts = super::distribution_charts(&grid_dist, &other, &opts, None).unwrap();
    assert!(!charts.iter().any(|(n, _)| n == "base-binding-by-cap.svg"));
}

/// The binding-probability chart of `lines` one-path groups with long names, the
/// `i`th under a cap of 20 + 2i billion, the reported cap (38B) highlighted.
fn one_path_groups(lines: i64) -> String {
    let s = super::tests::base();
    let mut dist = Distributions::new(terms_capped(38).through, false);
    for (i, cap) in (20..20 + 2 * lines).step_by(2).enumerate() {
        let t = terms_capped(cap);
        let result = compute(&s, &t).unwrap();
        let (group, variant) = (format!("scenarios/g{i:02}.csv"), format!("{cap}B"));
        let key = Key {
            group: &group,
            variant: &variant,
            cap: t.cap,
            rate: Some(t.rate),
        };
        dist.add_results(&key, &[result]);
    }
    let money = Money::new(None);
    render(&Cdf {
        groups: dist.groups(),
        through: dist.through(),
        money: &money,
        highlight: Some(Decimal::from(38 * B)),
    })
}

/// Twenty lines of one path each, with long names, cannot each be labelled clear of
/// the others: a legend names every line (its text starting at one x), where labels
/// used to be drawn over each other.
#[test]
fn many_lines_get_a_legend_rather_than_labels_over_each_other() {
    let svg = one_path_groups(20);
    // Each line's text once, and where it starts.
    let starts: Vec<(String, f64)> = svg
        .split("<text")
        .skip(1)
        .filter_map(|part| {
            let x = part.split("x=\"").nth(1)?.split('"').next()?.parse().ok()?;
            let text = part.split_once('>')?.1.split("</text>").next()?.trim();
            text.contains(": median ").then(|| (text.to_string(), x))
        })
        .collect();
    assert_eq!(starts.len(), 20, "{starts:?}");
    for (i, cap) in (20..60).step_by(2).enumerate() {
        let name = format!("scenarios/g{i:02}.csv at ${cap}B: median 20");
        assert_eq!(
            starts.iter().filter(|(t, _)| t.starts_with(&name)).count(),
            1,
            "{name}: {starts:?}"
        );
    }
    let x0 = starts[0].1;
    assert!(
        starts.iter().all(|(_, x)| (x - x0).abs() < 0.5),
        "{starts:?}"
    );
}

/// More lines than a legend can hold in the plot (40): the lines whose labels stand
/// clear of the others keep them, rather than none being named.
#[test]
fn too_many_lines_for_a_legend_keep_the_labels_that_fit() {
    let svg = one_path_groups(40);
    let labels: Vec<&str> = svg
        .split("<text")
        .skip(1)
        .filter_map(|part| part.split_once('>')?.1.split("</text>").next())
        .map(str::trim)
        .filter(|text| text.contains(": median "))
        .collect();
    assert!(!labels.is_empty() && labels.len() < 40, "{labels:?}");
    for (i, label) in labels.iter().enumerate() {
        assert!(
            !labels[i + 1..].contains(label),
            "{label} twice: {labels:?}"
        );
    }
}

/// One path of the tests' base per (rate %, cap in billions) variant of a grid, as
/// the group `scenarios/g.csv`.
fn grid(variants: &[(i64, i64)]) -> Distributions {
    let s = super::tests::base();
    let mut dist = Distributions::new(terms_capped(38).through, false);
    for &(rate, cap) in variants {
        let t = Terms {
            rate: Decimal::new(rate, 2),
            ..terms_capped(cap)
        };
        let result = compute(&s, &t).unwrap();
        let variant = format!("{rate}% · {cap}B");
        let key = Key {
            group: "scenarios/g.csv",
            variant: &variant,
            cap: t.cap,
            rate: Some(t.rate),
        };
        dist.add_results(&key, &[result]);
    }
    dist
}

/// The binding-probability chart of [`grid`]`(variants)`, nothing highlighted.
fn grid_chart(variants: &[(i64, i64)]) -> String {
    let dist = grid(variants);
    let money = Money::new(None);
    render(&Cdf {
        groups: dist.groups(),
        through: dist.through(),
        money: &money,
        highlight: None,
    })
}

/// In a rate × cap grid each cap recurs under every rate: a line's name says its
/// rate too, so no two lines are named alike.
#[test]
fn a_grid_names_each_line_by_rate_and_cap() {
    let svg = grid_chart(&[(15, 30), (15, 60), (20, 30), (20, 60)]);
    for name in [
        "at 15%, $30B",
        "at 15%, $60B",
        "at 20%, $30B",
        "at 20%, $60B",
    ] {
        assert!(svg.contains(&format!("scenarios/g.csv {name}")), "{name}");
    }
    // No two of them coincide: nothing is said about it.
    assert!(!svg.contains("coincide"));
}

/// 15% under $30B and 20% under $40B bind once the same revenue is reached, on the
/// same day: their lines coincide, and one drawn over the other showed one colour
/// under two labels. They are drawn once, named together, and a note says so.
#[test]
fn coinciding_lines_are_drawn_once_and_named_together() {
    let svg = grid_chart(&[(15, 30), (20, 40), (20, 30)]);
    let t = texts(&svg);
    let named = |prefix: &str| t.iter().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(
        named("scenarios/g.csv at 15%, $30B and at 20%, $40B: median 20"),
        1,
        "{t:?}"
    );
    assert_eq!(named("scenarios/g.csv at 20%, $40B"), 0, "{t:?}");
    assert_eq!(named("scenarios/g.csv at 20%, $30B: median 20"), 1, "{t:?}");
    assert!(
        t.iter()
            .any(|l| l.ends_with("Lines that coincide are drawn once and named together.")),
        "{t:?}"
    );
    // Two lines drawn: the merged one in the first's colour, the other in its own.
    let stroke = |i: usize| {
        let c = scenario_color(i);
        format!("stroke=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2)
    };
    let lines = |i: usize| {
        svg.matches(&format!(
            "<polyline fill=\"none\" opacity=\"1\" {}",
            stroke(i)
        ))
        .count()
    };
    assert_eq!((lines(0), lines(1), lines(2)), (1, 0, 1), "{svg}");
}

/// Where no cap binds, every line of a grid lies flat at 0 %: one line, and a label
/// naming two of its variants and counting the rest, short enough to be placed (one
/// naming all of a 6 × 6 grid fitted nowhere and left the line unnamed).
#[test]
fn many_coinciding_lines_are_named_by_two_and_counted() {
    let svg = grid_chart(&[(15, 900), (20, 900), (15, 1000), (20, 1000)]);
    let t = texts(&svg);
    assert!(
        t.iter()
            .any(|l| l
                .starts_with("scenarios/g.csv at 15%, $900B, at 20%, $900B and 2 more: 0% by ")),
        "{t:?}"
    );
}
