//! Presentation of results: the output formats of `--format`, one file each behind
//! [`Render`] (like hyperfine's `src/export/`), plus the number formatting the
//! human-readable formats share. Machine formats (CSV, JSON) keep full precision.
//!
//! A new format is a file here with a type implementing [`Render`], and in this file
//! its `mod` line, a [`Format`] variant and its arm in [`Format::renderer`].

pub mod csv;
pub mod distribution;
pub mod html;
pub mod json;
pub mod layout;
pub mod markdown;
pub mod sensitivity;
pub mod table;
pub mod xlsx;

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::model::{CompareRow, Date, Gap, ScenarioResult, Terms, Thresholds};
use crate::unit::{Scale, Unit};

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
    /// How amounts are shown (`--unit`, `--exact`) and where each term came from.
    pub shown: &'a Shown,
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
    /// Per scenario whose data leaves part of the term uncovered, in scenario order:
    /// its name and the gaps (docs/spec.md §4.6), said under the table.
    pub coverage: &'a [(String, Vec<Gap>)],
    pub shown: &'a Shown,
}

/// What the views say besides the results: the unit of the amounts, whether to show
/// them exactly, and where each term came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shown {
    /// `--unit`; `None` when not given (the human views then show dollars).
    pub unit: Option<Unit>,
    /// `--exact`: every amount in full, 2 decimals, at the unit's own scale.
    pub exact: bool,
    pub sources: TermSources,
}

impl Shown {
    /// These views for inputs whose headers say `currency`: with no `--unit`, a
    /// header's currency is shown instead of dollars (`Revenue (€)` data is not
    /// labelled `$`), and headers that disagree get no currency at all
    /// (docs/spec.md §5.5). `--unit` always wins.
    pub fn for_headers(&self, currency: crate::load::HeaderCurrency) -> Shown {
        use crate::load::HeaderCurrency;
        let unit = match (&self.unit, currency) {
            (Some(u), _) => Some(u.clone()),
            (None, HeaderCurrency::Unsaid) => None,
            (None, HeaderCurrency::One(c)) => Some(Unit::written_in(Some(c))),
            (None, HeaderCurrency::Mixed) => Some(Unit::written_in(None)),
        };
        Shown {
            unit,
            ..self.clone()
        }
    }

    /// How the human views write amounts.
    pub fn amounts(&self) -> Amounts {
        Amounts {
            unit: self.unit.clone().unwrap_or_else(Unit::dollars),
            exact: self.exact,
        }
    }
}

/// Where each term's value came from, by terms-file key (`rate`, `rate_step`, `cap`,
/// `already_paid`, `from`, `through`, `discount_rate`): a flag (`--cap`), a terms
/// file's path, or `default`. JSON's `terms.sources`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TermSources(pub BTreeMap<&'static str, String>);

impl TermSources {
    /// Where `key`'s value came from; `default` when not recorded.
    pub fn of(&self, key: &str) -> &str {
        self.0.get(key).map_or("default", String::as_str)
    }

    /// The source most terms come from: the terms file if one gave any, else the
    /// defaults (flags are always marked).
    fn main(&self) -> &str {
        self.0
            .values()
            .find(|s| *s != "default" && !s.starts_with("--"))
            .map_or("default", String::as_str)
    }

    /// How the terms line opens: `terms from scenarios/terms.toml`, `terms from the
    /// defaults`.
    pub fn opening(&self) -> String {
        match self.main() {
            "default" => "from the defaults".to_string(),
            file => format!("from {}", crate::error::printable(file)),
        }
    }

    /// ` (--cap)` after a term from elsewhere than [`TermSources::opening`] names;
    /// nothing after one from there.
    fn mark(&self, key: &str) -> String {
        let source = self.of(key);
        if source == self.main() {
            String::new()
        } else {
            format!(" ({})", crate::error::printable(source))
        }
    }
}

/// How the human views write amounts: in a unit (dollars without `--unit`), at a
/// scale chosen from the amounts, or exactly (`--exact`).
pub struct Amounts {
    unit: Unit,
    exact: bool,
}

/// A column of amounts, all at one scale: its header's unit and its cells.
pub struct Column {
    /// Powers of ten the amounts move by (the unit's scale minus the shown scale).
    shift: i64,
    /// What the column is in: `$B`, `B EUR`, `billions`, or empty.
    pub label: String,
}

impl Amounts {
    /// One amount in words: `$38B`, `$50.77B`, `12.5K EUR` (its own scale, up to 2
    /// decimals, trailing zeros dropped); with `--exact`, `$38,000,000,000.00`,
    /// `$38,000.00M`, `1,234.50 EUR`.
    pub fn one(&self, v: Decimal) -> String {
        let exponent = self.unit.scale.exponent();
        if !self.exact {
            let mut shown = magnitude(v).map_or(Scale::One, |m| readable(m + i64::from(exponent)));
            // Rounding can carry into the next scale: 999.996B is $1T, not $1,000B.
            let rounded = |shown: Scale| {
                let shift = i64::from(exponent) - i64::from(shown.exponent());
                shifted(v, shift)
                    .map(|x| x.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven))
            };
            if rounded(shown).is_some_and(|x| x.abs() >= Decimal::ONE_THOUSAND) {
                shown = readable(i64::from(shown.exponent()) + 3);
            }
            if let Some(x) = rounded(shown) {
                let number = money(x);
                let number = if shown == Scale::One {
                    number
                        .strip_suffix(".00")
                        .map(str::to_string)
                        .unwrap_or(number)
                } else {
                    trim_zeros(&number)
                };
                return self.unit.write(&number, shown);
            }
        }
        self.unit.write(&money(v), self.unit.scale)
    }

    /// The column for `values`: at the scale of the largest (2 decimals at that
    /// scale: `29.40` in `$B`), or a smaller one if that would show an amount of a
    /// unit or more with fewer than 2 significant digits (a payment of $80 is not
    /// `0.00` in `$M`); with `--exact`, as given.
    pub fn column(&self, values: impl IntoIterator<Item = Decimal>) -> Column {
        let mut seen = self.magnitudes();
        if !self.exact {
            values.into_iter().for_each(|v| seen.add(v));
        }
        self.column_of(&seen)
    }

    /// What [`Amounts::column_of`] needs to know of the amounts of a column, gathered a
    /// batch at a time ([`Magnitudes::add`]).
    pub fn magnitudes(&self) -> Magnitudes {
        Magnitudes {
            exponent: i64::from(self.unit.scale.exponent()),
            largest: None,
            smallest_unit: None,
        }
    }

    /// [`Amounts::column`] for the amounts `seen` was given.
    pub fn column_of(&self, seen: &Magnitudes) -> Column {
        let exponent = i64::from(self.unit.scale.exponent());
        let scale = if self.exact {
            self.unit.scale
        } else {
            let largest = readable(seen.largest.unwrap_or(0));
            seen.smallest_unit
                .map_or(largest, |m| largest.min(readable(m + 1)))
        };
        Column {
            shift: exponent - i64::from(scale.exponent()),
            label: self.unit.label(scale),
        }
    }
}

/// The powers of ten of a column's amounts (in its unit), as far as the scale of the
/// column depends on them: the largest, and the smallest of an amount of a unit or
/// more (below a unit is dust: it shows as 0.00 at any scale). Zeros have none: they
/// show as 0.00 at any scale.
#[derive(Debug, Clone)]
pub struct Magnitudes {
    exponent: i64,
    largest: Option<i64>,
    smallest_unit: Option<i64>,
}

impl Magnitudes {
    /// Counts `v` in.
    pub fn add(&mut self, v: Decimal) {
        let Some(m) = magnitude(v).map(|m| m + self.exponent) else {
            return;
        };
        self.largest = Some(self.largest.map_or(m, |l| l.max(m)));
        if m >= 0 {
            self.smallest_unit = Some(self.smallest_unit.map_or(m, |s| s.min(m)));
        }
    }

    /// Counts in what `other` counted (with the same unit): the same as adding its
    /// values here. Pinned by `merged_magnitudes_are_added_ones`.
    pub fn merge(&mut self, other: &Magnitudes) {
        debug_assert_eq!(self.exponent, other.exponent, "counters of one unit");
        let (largest, smallest) = (other.largest, other.smallest_unit);
        self.largest = self.largest.max(largest);
        self.smallest_unit = match (self.smallest_unit, smallest) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

impl Column {
    /// A cell: `29.40`; as given (`money`) if the shift leaves Decimal's range.
    pub fn cell(&self, v: Decimal) -> String {
        let mut out = String::with_capacity(24);
        self.push_cell(&mut out, v);
        out
    }

    /// Appends [`Column::cell`]`(v)`. A shift down moves the decimal point by the
    /// scale alone where the scale allows: exact, and no division. Pinned by the
    /// property test `push_cell_is_shifted_money`.
    pub fn push_cell(&self, out: &mut String, v: Decimal) {
        let down = u32::try_from(-self.shift)
            .ok()
            .and_then(|down| v.scale().checked_add(down))
            .filter(|&scale| scale <= 28);
        let v = match down {
            Some(scale) => Decimal::from_i128_with_scale(v.mantissa(), scale),
            None => shifted(v, self.shift).unwrap_or(v),
        };
        push_money(out, v);
    }

    /// A header with its unit: `revenue ($B)`, or on two lines for the terminal.
    pub fn header(&self, name: &str, two_lines: bool) -> String {
        match (self.label.is_empty(), two_lines) {
            (true, _) => name.to_string(),
            (false, true) => format!("{name}\n{}", self.label),
            (false, false) => format!("{name} ({})", self.label),
        }
    }
}

/// The scale that shows an amount whose leading digit is `10^exponent`: M, B or T
/// from a million on; below that, amounts are short enough to show in full, and a
/// scale of thousands would hide their cents.
fn readable(exponent: i64) -> Scale {
    if exponent < 6 {
        Scale::One
    } else {
        Scale::at_most(exponent)
    }
}

/// The power of ten of `v`'s leading digit: 0 for `1`–`9.99`, 9 for 38 billion, -2
/// for `0.05`; `None` for 0.
fn magnitude(v: Decimal) -> Option<i64> {
    let digits = v.mantissa().unsigned_abs().checked_ilog10()?;
    Some(i64::from(digits) - i64::from(v.scale()))
}

/// `v · 10^shift`, or `None` out of Decimal's range.
fn shifted(v: Decimal, shift: i64) -> Option<Decimal> {
    let power = Decimal::from_i128_with_scale(
        10i128.checked_pow(shift.unsigned_abs().try_into().ok()?)?,
        0,
    );
    if shift >= 0 {
        v.checked_mul(power)
    } else {
        v.checked_div(power)
    }
}

/// `38.00` → `38`, `50.70` → `50.7`.
fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
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
    let mut out = String::with_capacity(24);
    push_money(&mut out, v);
    out
}

/// Appends [`money`]`(v)`, worked out on the mantissa (a table view of a large run
/// shows tens of millions of amounts): the same text as rounding with rust_decimal
/// and formatting it, pinned by the property test `push_money_is_rounded_and_formatted`.
pub fn push_money(out: &mut String, v: Decimal) {
    let m = v.mantissa().unsigned_abs();
    let scale = v.scale();
    // A mantissa is below 2^96 and a scale at most 28: neither product overflows.
    let cents = match scale.checked_sub(2) {
        None => m * 10u128.pow(2 - scale),
        Some(cut) => {
            let d = 10u128.pow(cut);
            let (q, r) = (m / d, m % d);
            // Half to even.
            if r * 2 > d || (r * 2 == d && q % 2 == 1) {
                q + 1
            } else {
                q
            }
        }
    };
    if v.is_sign_negative() && cents != 0 {
        out.push('-');
    }
    let mut buffer = itoa::Buffer::new();
    let int = buffer.format(cents / 100).as_bytes();
    for (i, &b) in int.iter().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(char::from(b));
    }
    let frac = (cents % 100) as u8;
    out.push('.');
    out.push(char::from(b'0' + frac / 10));
    out.push(char::from(b'0' + frac % 10));
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

/// One line describing the terms and where each came from (docs/spec.md §5.5), after
/// `terms from scenarios/terms.toml: ` ([`TermSources::opening`]): `rate 20%, cap $38B
/// (--cap), term 2026-04-27 to 2030-12-31 (default)`; a term from elsewhere than the
/// opening names says where.
pub fn terms_line(terms: &Terms, from: Option<Date>, shown: &Shown) -> String {
    let src = &shown.sources;
    let cap = terms.cap.map_or_else(
        || format!("no cap{}", src.mark("cap")),
        |c| format!("cap {}{}", shown.amounts().one(c), src.mark("cap")),
    );
    terms_line_with_cap(terms, from, &cap, shown)
}

/// Which terms the variants of `compare` share, for its header line.
pub enum SharedTerms<'a> {
    /// Every variant is these terms with its own cap.
    All(&'a Terms),
    /// The cap variants are; the terms-file variants have their own.
    Some(&'a Terms),
    /// Every variant comes from a terms file.
    None,
    /// A rate × cap grid on these terms: each variant has its own rate and cap.
    Grid(&'a Terms),
}

/// The header line of `compare`.
pub fn compare_terms_line(shared: &SharedTerms, from: Option<Date>, shown: &Shown) -> String {
    match shared {
        SharedTerms::All(t) => terms_line_with_cap(t, from, "cap per variant", shown),
        SharedTerms::Some(t) => format!(
            "{}; terms-file variants use their own",
            terms_line_with_cap(t, from, "cap per variant", shown)
        ),
        SharedTerms::None => "each variant's own, from its terms file".to_string(),
        SharedTerms::Grid(t) => {
            let grid = Terms {
                rate_steps: Vec::new(),
                ..(*t).clone()
            };
            let line = terms_line_with_cap(&grid, from, "cap per variant", shown);
            // The rate of these terms is no variant's: say so, and keep any steps.
            let rest = line
                .split_once(", ")
                .map_or(line.as_str(), |(_, rest)| rest);
            match steps_text(t) {
                None => format!("rate per variant, {rest}"),
                Some(steps) => format!("rate per variant then {steps}, {rest}"),
            }
        }
    }
}

/// The terms' rate with its steps, as the terms line writes them: `20%`, `20% then 10%
/// from 2029-01-01`.
pub fn rate_with_steps(terms: &Terms) -> String {
    match steps_text(terms) {
        None => percent(terms.rate),
        Some(steps) => format!("{} then {steps}", percent(terms.rate)),
    }
}

/// The terms' rate steps as the terms line writes them (`10% from 2029-01-01, 5% from
/// 2030-01-01`), `None` without any.
fn steps_text(terms: &Terms) -> Option<String> {
    let steps: Vec<String> = terms
        .rate_steps
        .iter()
        .map(|s| format!("{} from {}", percent(s.rate), s.from))
        .collect();
    (!steps.is_empty()).then(|| steps.join(", "))
}

fn terms_line_with_cap(terms: &Terms, from: Option<Date>, cap: &str, shown: &Shown) -> String {
    let src = &shown.sources;
    let mut rate = format!("{}{}", percent(terms.rate), src.mark("rate"));
    if let Some(steps) = steps_text(terms) {
        rate = format!("{rate} then {steps}{}", src.mark("rate_step"));
    }
    let paid = if terms.already_paid.is_zero() {
        String::new()
    } else {
        format!(
            ", {} already paid{}",
            shown.amounts().one(terms.already_paid),
            src.mark("already_paid")
        )
    };
    // Without a `from`, the term starts with each scenario's data.
    let from = match (terms.from, from) {
        (Some(d), _) => format!("{d}{}", src.mark("from")),
        (None, Some(d)) => format!("{d} (first period)"),
        (None, None) => "each scenario's first period".into(),
    };
    let pv = terms.discount_rate.map_or_else(String::new, |r| {
        format!(
            ", discounted at {}{}",
            percent(r),
            src.mark("discount_rate")
        )
    });
    format!(
        "rate {rate}, {cap}{paid}, term {from} to {}{}{pv}",
        terms.through,
        src.mark("through")
    )
}

/// The term start shared by all results, if they share one.
pub fn common_from(terms: &Terms, results: &[ScenarioResult]) -> Option<crate::model::Date> {
    crate::engine::common_start(terms, results.iter().map(|r| r.from))
}

/// The plain-words summary of one scenario (the table and Markdown views).
pub fn summary_sentences(r: &ScenarioResult, terms: &Terms, shown: &Shown) -> Vec<String> {
    let s = &r.summary;
    let amounts = shown.amounts();
    let u = |v: Decimal| amounts.one(v);
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
            // What ends first: the data, when it stops before the term does (its
            // days after earn nothing), else the term.
            let first = if s.covered_through < terms.through {
                format!("the data ends first ({})", s.covered_through)
            } else {
                format!("the term ends first ({})", terms.through)
            };
            out.push(format!(
                "cap of {} not reached: {first}, with {} headroom left",
                u(cap),
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

    /// `money` as it was first written: rust_decimal rounds, `format!` writes.
    fn money_by_formatting(v: Decimal) -> String {
        let r = v.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
        let s = format!("{:.2}", r.abs());
        let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i).is_multiple_of(3) {
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

    /// Any decimal: a mantissa of up to 96 bits (or a short one, so that halves and
    /// small values come up), any scale, either sign.
    fn any_decimal() -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            0u8..4,
            any::<bool>(),
            0u32..=28,
        )
            .prop_map(|(lo, mid, hi, width, negative, scale)| {
                let (mid, hi) = match width {
                    0 => (0, 0),
                    1 => (mid, 0),
                    2 => (mid, hi % 16),
                    _ => (mid, hi),
                };
                // Some mantissas end in 5 followed by zeros: exact halves at 2 places.
                let lo = if width == 0 && lo % 3 == 0 {
                    lo / 1000 * 1000 + 500
                } else {
                    lo
                };
                Decimal::from_parts(lo, mid, hi, negative, scale)
            })
    }

    proptest::proptest! {
        #[test]
        fn push_money_is_rounded_and_formatted(v in any_decimal()) {
            proptest::prop_assert_eq!(money(v), money_by_formatting(v));
        }

        #[test]
        fn push_cell_is_shifted_money(v in any_decimal(), shift in -24i64..=4) {
            let column = Column { shift, label: String::new() };
            let by_dividing = money_by_formatting(shifted(v, shift).unwrap_or(v));
            proptest::prop_assert_eq!(column.cell(v), by_dividing);
        }

        /// Amounts counted in pieces (`compare`'s table, a piece per core) and merged
        /// give the counts of the amounts added to one counter, in any split and with
        /// a unit; an empty piece changes nothing.
        #[test]
        fn merged_magnitudes_are_added_ones(
            values in proptest::collection::vec(any_decimal(), 0..24),
            cut in 0usize..24,
            millions in proptest::bool::ANY,
        ) {
            let a = amounts(millions.then_some("$M"), false);
            let cut = cut.min(values.len());
            let (mut whole, mut first, mut second) = (a.magnitudes(), a.magnitudes(), a.magnitudes());
            values.iter().for_each(|v| whole.add(*v));
            values[..cut].iter().for_each(|v| first.add(*v));
            values[cut..].iter().for_each(|v| second.add(*v));
            first.merge(&second);
            first.merge(&a.magnitudes());
            proptest::prop_assert_eq!(
                (first.largest, first.smallest_unit),
                (whole.largest, whole.smallest_unit)
            );
            proptest::prop_assert_eq!(a.column_of(&first).label, a.column_of(&whole).label);
        }
    }

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

    fn amounts(unit: Option<&str>, exact: bool) -> Amounts {
        Shown {
            unit: unit.map(|u| Unit::parse(u).unwrap()),
            exact,
            ..Shown::default()
        }
        .amounts()
    }

    #[test]
    fn amounts_in_words_take_their_own_scale() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let dollars = amounts(None, false);
        assert_eq!(dollars.one(d("38000000000")), "$38B");
        assert_eq!(dollars.one(d("50768887671.23")), "$50.77B");
        assert_eq!(dollars.one(d("629797753424.66")), "$629.8B");
        assert_eq!(dollars.one(d("1500000")), "$1.5M");
        assert_eq!(dollars.one(d("999996000000")), "$1T");
        assert_eq!(dollars.one(d("400.82")), "$400.82");
        assert_eq!(dollars.one(d("700")), "$700");
        assert_eq!(dollars.one(d("0")), "$0");
        let millions = amounts(Some("$M"), false);
        assert_eq!(millions.one(d("38000")), "$38B");
        assert_eq!(millions.one(d("0.5")), "$500,000");
        assert_eq!(millions.one(d("0")), "$0");
        assert_eq!(millions.one(d("0.05")), "$50,000");
        assert_eq!(amounts(Some("EUR bn"), false).one(d("1.5")), "1.5B EUR");
        assert_eq!(amounts(Some("k"), false).one(d("38000000")), "38B");
        // --exact: in full, at the unit's own scale.
        assert_eq!(
            amounts(None, true).one(d("38000000000")),
            "$38,000,000,000.00"
        );
        assert_eq!(amounts(Some("$M"), true).one(d("38000")), "$38,000.00M");
        assert_eq!(amounts(Some("EUR"), true).one(d("1234.5")), "1,234.50 EUR");
    }

    #[test]
    fn a_column_takes_the_scale_of_its_largest_amount() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let values = [d("29400000000"), d("280000000000"), d("1506849315.07")];
        let c = amounts(None, false).column(values);
        assert_eq!(c.label, "$B");
        assert_eq!(c.cell(values[0]), "29.40");
        assert_eq!(c.cell(values[2]), "1.51");
        assert_eq!(c.header("paid", false), "paid ($B)");
        assert_eq!(c.header("paid", true), "paid\n$B");
        // Below a million, in full.
        let c = amounts(None, false).column([d("999999.99")]);
        assert_eq!(
            (c.label.as_str(), c.cell(d("504.109"))),
            ("$", "504.11".into())
        );
        // A unit's scale counts: 38,000 in $M is 38 in $B.
        let c = amounts(Some("$M"), false).column([d("38000"), d("6000")]);
        assert_eq!((c.label.as_str(), c.cell(d("6000"))), ("$B", "6.00".into()));
        let c = amounts(Some("thousands"), false).column([d("5000000")]);
        assert_eq!(
            (c.label.as_str(), c.cell(d("5000000"))),
            ("billions", "5.00".into())
        );
        // ... unless that hides an amount: $80 next to $20M is not 0.00 in $M.
        let c = amounts(None, false).column([d("20000000"), d("80"), d("0"), d("0.4")]);
        assert_eq!((c.label.as_str(), c.cell(d("80"))), ("$", "80.00".into()));
        let c = amounts(None, false).column([d("280000000000"), d("82000000")]);
        assert_eq!(
            (c.label.as_str(), c.cell(d("82000000"))),
            ("$M", "82.00".into())
        );
        let c = amounts(Some("$M"), true).column([d("38000")]);
        assert_eq!(
            (c.label.as_str(), c.cell(d("38000"))),
            ("$M", "38,000.00".into())
        );
        assert_eq!(amounts(None, false).column([]).label, "$");
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
