//! Presentation of results: the output formats of `--format`, one file each behind
//! [`Render`] (like hyperfine's `src/export/`), plus the number formatting the
//! human-readable formats share. Machine formats (CSV, JSON) keep full precision.
//!
//! A new format is a file here with a type implementing [`Render`], and in this file
//! its `mod` line, a [`Format`] variant and its arm in [`Format::renderer`].

pub mod csv;
pub mod json;
pub mod markdown;
pub mod table;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::{CompareRow, Date, ScenarioResult, Terms, Thresholds};

/// What `--format` prints on stdout; clap's value names are the variants' names in
/// lower case.
// No doc comment on the variants: clap would show them in `--help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
}

impl Format {
    /// What renders this format.
    pub fn renderer(self) -> &'static dyn Render {
        match self {
            Format::Table => &table::Table,
            Format::Csv => &csv::Csv,
            Format::Json => &json::Json,
            Format::Markdown => &markdown::Markdown,
        }
    }
}

/// What `run` presents: every scenario's result under one set of terms.
pub struct RunView<'a> {
    pub results: &'a [ScenarioResult],
    pub terms: &'a Terms,
    /// Label for money amounts (`--unit`).
    pub unit: Option<&'a str>,
}

/// What `compare` presents: one row per (scenario, variant).
pub struct CompareView<'a> {
    pub rows: &'a [CompareRow],
    /// The terms shared by the cap variants (reported as JSON's `terms`).
    pub terms: &'a Terms,
    /// Which terms the variants share, for the header line of the text formats.
    pub shared: SharedTerms<'a>,
    /// The term start shared by every scenario, if they share one.
    pub from: Option<Date>,
    /// Per scenario, when asked for (`--thresholds`).
    pub thresholds: Option<&'a [Thresholds]>,
    pub unit: Option<&'a str>,
}

/// One output format: what it prints for each command, as pieces to be written in
/// order (pieces let a large output be rendered on every core and never joined). A
/// machine format's pieces are also the bytes of its file (`ledger.csv`,
/// `compare.json`, ...), rendered once for both.
pub trait Render {
    /// `revcap run`.
    fn run(&self, view: &RunView) -> Result<Vec<String>, String>;
    /// `revcap compare`.
    fn compare(&self, view: &CompareView) -> Result<Vec<String>, String>;
}

/// Money for people: rounded half-even to 2 decimals, with thousands separators.
pub fn money(v: Decimal) -> String {
    let r = v.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
    let s = format!("{:.2}", r.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3 + 4);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if r.is_sign_negative() && !r.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}.{frac}")
}

/// A rate as a percent with up to 4 decimals: `0.2` → `20%`, `0.0471...` → `4.7123%`.
pub fn percent(v: Decimal) -> String {
    // Rates lie in [0, 1]; a value too large to scale is shown as it is.
    let Some(p) = v.checked_mul(Decimal::ONE_HUNDRED) else {
        return v.to_string();
    };
    let p = p.round_dp_with_strategy(4, RoundingStrategy::MidpointNearestEven);
    format!("{}%", p.normalize())
}

/// A result rate as a percent with 2 decimals: `0.0603370...` → `6.03%`.
pub fn percent2(v: Decimal) -> String {
    let Some(p) = v.checked_mul(Decimal::ONE_HUNDRED) else {
        return v.to_string();
    };
    let p = p.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
    format!("{p:.2}%")
}

/// One line describing the terms, e.g. `rate 20% (15% from 2029-01-01), cap 38,000,000,000.00, 2026-04-27 to 2030-12-31`.
pub fn terms_line(terms: &Terms, from: Option<String>) -> String {
    let cap = terms
        .cap
        .map_or_else(|| "no cap".to_string(), |c| format!("cap {}", money(c)));
    terms_line_with_cap(terms, from, &cap)
}

/// Which terms the variants of `compare` share, for its header line.
pub enum SharedTerms<'a> {
    /// Every variant is these terms with its own cap.
    All(&'a Terms),
    /// The cap variants are; the terms-file variants have their own.
    Some(&'a Terms),
    /// Every variant comes from a terms file.
    None,
}

/// The header line of `compare`.
pub fn compare_terms_line(shared: &SharedTerms, from: Option<String>) -> String {
    match shared {
        SharedTerms::All(t) => terms_line_with_cap(t, from, "cap per variant"),
        SharedTerms::Some(t) => format!(
            "{}; terms-file variants use their own",
            terms_line_with_cap(t, from, "cap per variant")
        ),
        SharedTerms::None => "each variant's own, from its terms file".to_string(),
    }
}

fn terms_line_with_cap(terms: &Terms, from: Option<String>, cap: &str) -> String {
    let mut rate = percent(terms.rate);
    if !terms.rate_steps.is_empty() {
        let steps: Vec<String> = terms
            .rate_steps
            .iter()
            .map(|s| format!("{} from {}", percent(s.rate), s.from))
            .collect();
        rate = format!("{rate} ({})", steps.join(", "));
    }
    let paid = if terms.already_paid.is_zero() {
        String::new()
    } else {
        format!(" ({} already paid)", money(terms.already_paid))
    };
    let from = from.unwrap_or_else(|| "each scenario's first period".into());
    let pv = terms
        .discount_rate
        .map_or_else(String::new, |r| format!(", discounted at {}", percent(r)));
    format!(
        "rate {rate}, {cap}{paid}, term {from} to {}{pv}",
        terms.through
    )
}

/// The term start shared by all results, if they share one.
pub fn common_from(terms: &Terms, results: &[ScenarioResult]) -> Option<crate::model::Date> {
    crate::engine::common_start(terms, results.iter().map(|r| r.from))
}

/// The plain-words summary of one scenario (the table and Markdown views).
pub fn summary_sentences(r: &ScenarioResult, terms: &Terms, unit: Option<&str>) -> Vec<String> {
    let s = &r.summary;
    let u = |v: Decimal| match unit {
        Some(unit) => format!("{} {unit}", money(v)),
        None => money(v),
    };
    // Only a scenario whose data leaves part of the term uncovered says so
    // (docs/spec.md §4.6); a covered one reads as it always has.
    let mut out: Vec<String> = crate::engine::gaps(s, r.from, terms.through)
        .iter()
        .map(ToString::to_string)
        .collect();
    match terms.cap {
        Some(cap) if s.cap_binds => {
            let when = match (s.binding_date, s.binding_period) {
                (Some(d), Some(p)) => format!("binds on {d} ({p})"),
                (Some(d), None) => format!("binds on {d}"),
                _ => "binds".into(),
            };
            if terms.already_paid >= cap {
                out.push(format!(
                    "cap of {} already reached by {} paid before the term: {when}; nothing more is paid",
                    u(cap),
                    u(terms.already_paid)
                ));
            } else {
                out.push(format!(
                    "cap of {} {when}; {} foregone against {} uncapped",
                    u(cap),
                    u(s.foregone),
                    u(s.uncapped_total)
                ));
            }
        }
        Some(cap) => {
            let headroom = r
                .periods
                .last()
                .and_then(|p| p.remaining_cap)
                .unwrap_or(cap);
            out.push(format!(
                "cap of {} not reached: the term ends first ({}), with {} headroom left",
                u(cap),
                terms.through,
                u(headroom)
            ));
        }
        None => out.push(format!(
            "no cap: everything due through {} is paid",
            terms.through
        )),
    }
    let rate = s.effective_rate.map_or_else(String::new, |e| {
        format!(" (effective rate {})", percent2(e))
    });
    out.push(format!(
        "paid {} on {} eligible revenue{rate}",
        u(s.total_paid),
        u(s.eligible_revenue)
    ));
    if let (Some(pv), Some(dr)) = (s.present_value, terms.discount_rate) {
        out.push(format!("present value at {}: {}", percent(dr), u(pv)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_rounds_half_even_and_groups_thousands() {
        let m = |s: &str| money(Decimal::from_str(s).unwrap());
        assert_eq!(m("135012345678.905"), "135,012,345,678.90");
        assert_eq!(m("135012345678.915"), "135,012,345,678.92");
        assert_eq!(m("0"), "0.00");
        assert_eq!(m("999.999"), "1,000.00");
        assert_eq!(m("-1234.5"), "-1,234.50");
        assert_eq!(m("-0.001"), "0.00");
        assert_eq!(m("100"), "100.00");
    }

    #[test]
    fn percents() {
        assert_eq!(percent(Decimal::from_str("0.20").unwrap()), "20%");
        assert_eq!(
            percent(Decimal::from_str("0.047123456").unwrap()),
            "4.7123%"
        );
    }
}
