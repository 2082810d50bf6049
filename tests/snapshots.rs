//! Snapshots of the human views (table and Markdown) on small fixed scenarios, checked
//! by eye when written. Money is shown at a scale chosen from the amounts (here
//! plain dollars), rounded to 2 decimals with thousands separators;
//! the exact values behind them are pinned by the engine's unit tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::str::FromStr;

use revcap::engine::compute;
use revcap::model::{Date, Period, PeriodInput, RateStep, Scenario, ScenarioResult, Terms};
use revcap::render::{self, RunView, Shown};
use revcap::unit::Unit;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn scenario(name: &str, first: i32, revenues: &[&str]) -> Scenario {
    Scenario {
        name: name.into(),
        source: format!("data/{name}.csv"),
        periods: revenues
            .iter()
            .enumerate()
            .map(|(i, r)| PeriodInput {
                period: Period::year(first + i as i32).unwrap(),
                revenue: d(r),
                rate: None,
                line: i as u64 + 2,
            })
            .collect(),
    }
}

/// Two scenarios under a cap of 700 from 2026-07-01 through 2028-12-31.
///
/// base: 2026 has d = 184 of 365: eligible 1000·184/365 = 504.109589…, uncapped
/// 100.821917…; 2027 pays 400 (cumulative 500.821917…); 2028 is due 600 but only
/// 199.178082… is left: cut. r·d = 199.178082191781·366 = 72899.18…, / 600 = 121.5,
/// so k = 122: 2028-05-01.
/// small: 20.16… + 40 + 60 = 120.16… < 700: not reached, 579.84 left.
fn capped() -> (Vec<ScenarioResult>, Terms) {
    let terms = Terms {
        cap: Some(d("700")),
        from: Some(date("2026-07-01")),
        // The last period's end, so the data covers the term.
        through: date("2028-12-31"),
        ..Terms::default()
    };
    let results = [
        scenario("base", 2026, &["1000", "2000", "3000"]),
        scenario("small", 2026, &["200", "200", "300"]),
    ]
    .iter()
    .map(|s| compute(s, &terms).unwrap())
    .collect();
    (results, terms)
}

/// No cap, a rate step to 15% on 2028-01-01, present values at 10% and a unit. The
/// term keeps its default end and starts the day before the data (the present values
/// count from it), so the views show the coverage sentences.
/// 2027 pays 220 on 2027-12-31, 365 days after 2026-12-31: 220 / 1.1 = 200.
/// 2028 pays 1210·0.15 = 181.5 on 2028-12-31, 731 days after (2028 is a leap year):
/// 181.5 / 1.1^(731/365) = 181.5 / 1.210315… = 149.96.
fn discounted() -> (Vec<ScenarioResult>, Terms) {
    let terms = Terms {
        from: Some(date("2026-12-31")),
        rate_steps: vec![RateStep {
            from: date("2028-01-01"),
            rate: d("0.15"),
        }],
        discount_rate: Some(d("0.1")),
        ..Terms::default()
    };
    let results = vec![compute(&scenario("pv", 2027, &["1100", "1210"]), &terms).unwrap()];
    (results, terms)
}

/// The views as `run` prints them, without `--unit` or `--exact`.
fn plain() -> Shown {
    Shown::default()
}

/// With `--unit USD`, terms from `terms.toml` but for `--from` and `--rate-step`.
fn usd() -> Shown {
    let mut sources = render::TermSources::default();
    for key in ["rate", "cap", "already_paid", "through", "discount_rate"] {
        sources.0.insert(key, "terms.toml".into());
    }
    sources.0.insert("from", "--from".into());
    sources.0.insert("rate_step", "--rate-step".into());
    Shown {
        unit: Some(Unit::parse("USD").unwrap()),
        sources,
        ..Shown::default()
    }
}

fn table(results: &[ScenarioResult], terms: &Terms, shown: &Shown) -> String {
    strip_trailing_spaces(&render::table::render(&RunView {
        results,
        terms,
        shown,
    }))
}

fn markdown(results: &[ScenarioResult], terms: &Terms, shown: &Shown) -> String {
    render::markdown::render(&RunView {
        results,
        terms,
        shown,
    })
}

/// comfy-table pads the last column with spaces; they are dropped so the snapshot
/// survives editors that strip trailing whitespace.
fn strip_trailing_spaces(s: &str) -> String {
    s.lines().map(str::trim_end).collect::<Vec<_>>().join("\n")
}

#[test]
fn table_shows_where_the_cap_binds() {
    let (r, t) = capped();
    insta::assert_snapshot!(table(&r, &t, &plain()), @r#"
    terms from the defaults: rate 20%, cap $700, term 2026-07-01 to 2028-12-31

    base (data/base.csv)
    ──────────────────────────────────────────────────────────────────────────────────────────
     period    revenue   eligible   rate   uncapped     paid   cumulative   cap left   capped
                     $          $                 $        $            $          $
    ──────────────────────────────────────────────────────────────────────────────────────────
     2026     1,000.00     504.11    20%     100.82   100.82       100.82     599.18
     2027     2,000.00   2,000.00    20%     400.00   400.00       500.82     199.18
     2028     3,000.00   3,000.00    20%     600.00   199.18       700.00       0.00      yes
    ──────────────────────────────────────────────────────────────────────────────────────────
      cap of $700 binds on 2028-05-01 (2028); $400.82 foregone against $1,100.82 uncapped
      paid $700 on $5,504.11 eligible revenue (effective rate 12.72%)

    small (data/small.csv)
    ────────────────────────────────────────────────────────────────────────────────────────
     period   revenue   eligible   rate   uncapped    paid   cumulative   cap left   capped
                    $          $                 $       $            $          $
    ────────────────────────────────────────────────────────────────────────────────────────
     2026      200.00     100.82    20%      20.16   20.16        20.16     679.84
     2027      200.00     200.00    20%      40.00   40.00        60.16     639.84
     2028      300.00     300.00    20%      60.00   60.00       120.16     579.84
    ────────────────────────────────────────────────────────────────────────────────────────
      cap of $700 not reached: the term ends first (2028-12-31), with $579.84 headroom left
      paid $120.16 on $600.82 eligible revenue (effective rate 20.00%)
    "#);
}

#[test]
fn markdown_shows_where_the_cap_binds() {
    let (r, t) = capped();
    insta::assert_snapshot!(markdown(&r, &t, &plain()), @r#"
    **Terms from the defaults:** rate 20%, cap $700, term 2026-07-01 to 2028-12-31

    ### base (`data/base.csv`)

    | period | revenue ($) | eligible ($) | rate | uncapped ($) | paid ($) | cumulative ($) | cap left ($) | capped |
    |--------|-------------|--------------|------|--------------|----------|----------------|--------------|--------|
    | 2026   |    1,000.00 |       504.11 |  20% |       100.82 |   100.82 |         100.82 |       599.18 |        |
    | 2027   |    2,000.00 |     2,000.00 |  20% |       400.00 |   400.00 |         500.82 |       199.18 |        |
    | 2028   |    3,000.00 |     3,000.00 |  20% |       600.00 |   199.18 |         700.00 |         0.00 |    yes |

    - cap of $700 binds on 2028-05-01 (2028); $400.82 foregone against $1,100.82 uncapped
    - paid $700 on $5,504.11 eligible revenue (effective rate 12.72%)

    ### small (`data/small.csv`)

    | period | revenue ($) | eligible ($) | rate | uncapped ($) | paid ($) | cumulative ($) | cap left ($) | capped |
    |--------|-------------|--------------|------|--------------|----------|----------------|--------------|--------|
    | 2026   |      200.00 |       100.82 |  20% |        20.16 |    20.16 |          20.16 |       679.84 |        |
    | 2027   |      200.00 |       200.00 |  20% |        40.00 |    40.00 |          60.16 |       639.84 |        |
    | 2028   |      300.00 |       300.00 |  20% |        60.00 |    60.00 |         120.16 |       579.84 |        |

    - cap of $700 not reached: the term ends first (2028-12-31), with $579.84 headroom left
    - paid $120.16 on $600.82 eligible revenue (effective rate 20.00%)
    "#);
}

#[test]
fn table_with_rate_step_present_values_and_unit() {
    let (r, t) = discounted();
    insta::assert_snapshot!(table(&r, &t, &usd()), @r#"
    terms from terms.toml: rate 20% then 15% from 2028-01-01 (--rate-step), no cap, term 2026-12-31 (--from) to 2030-12-31, discounted at 10%

    pv (data/pv.csv)
    ──────────────────────────────────────────────────────────────────────────────────────
     period    revenue   eligible   rate   uncapped     paid   cumulative   present value
                   USD        USD               USD      USD          USD             USD
    ──────────────────────────────────────────────────────────────────────────────────────
     2027     1,100.00   1,100.00    20%     220.00   220.00       220.00          200.00
     2028     1,210.00   1,210.00    15%     181.50   181.50       401.50          149.96
    ──────────────────────────────────────────────────────────────────────────────────────
      data starts 2027-01-01, after the term starts (2026-12-31): payments before it are not counted
      data ends 2028-12-31, before the term ends (2030-12-31): payments after it are not counted
      no cap: everything due through 2030-12-31 is paid
      paid 401.50 USD on 2,310 USD eligible revenue (effective rate 17.38%)
      present value at 10%: 349.96 USD
    "#);
}

#[test]
fn markdown_with_rate_step_present_values_and_unit() {
    let (r, t) = discounted();
    insta::assert_snapshot!(markdown(&r, &t, &usd()), @r#"
    **Terms from terms.toml:** rate 20% then 15% from 2028-01-01 (--rate-step), no cap, term 2026-12-31 (--from) to 2030-12-31, discounted at 10%

    ### pv (`data/pv.csv`)

    | period | revenue (USD) | eligible (USD) | rate | uncapped (USD) | paid (USD) | cumulative (USD) | present value (USD) |
    |--------|---------------|----------------|------|----------------|------------|------------------|---------------------|
    | 2027   |      1,100.00 |       1,100.00 |  20% |         220.00 |     220.00 |           220.00 |              200.00 |
    | 2028   |      1,210.00 |       1,210.00 |  15% |         181.50 |     181.50 |           401.50 |              149.96 |

    - data starts 2027-01-01, after the term starts (2026-12-31): payments before it are not counted
    - data ends 2028-12-31, before the term ends (2030-12-31): payments after it are not counted
    - no cap: everything due through 2030-12-31 is paid
    - paid 401.50 USD on 2,310 USD eligible revenue (effective rate 17.38%)
    - present value at 10%: 349.96 USD
    "#);
}
