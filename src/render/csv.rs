//! CSV, for `--format csv` and the CSV files, with the fixed column names of
//! docs/spec.md §5.6: the ledger and the summary of `run`, the rows of `compare`.
//!
//! Every line goes through one writer, [`RowWriter`]: fields one by one through one
//! buffer, amounts by [`push_decimal`]. A ledger or a sweep runs to millions of lines,
//! and a `Vec<String>` per row (or serde) was most of their rendering time. The unit
//! tests pin each file to what serde or `Display` would write.

use rust_decimal::Decimal;

use super::{CompareView, Render, RunView};
use crate::model::{CompareRow, Date, Period, ScenarioResult, Summary};

/// `--format csv`: `run`'s ledger, `compare`'s rows.
pub struct Csv;

impl Render for Csv {
    fn run(&self, view: &RunView) -> Result<Vec<String>, String> {
        ledger(view.results)
    }

    fn compare(&self, view: &CompareView) -> Result<Vec<String>, String> {
        compare(view.rows)
    }
}

/// `scenario,period,start,end,revenue,eligible_revenue,uncapped_payment,payment,
/// cumulative,remaining_cap,capped,present_value,rate`
///
/// In pieces to be written in order: a ledger can run to millions of lines, so its
/// scenarios are rendered on every core, and the pieces are never joined (which would
/// hold the text twice). The header comes first when there is a row.
pub fn ledger(results: &[ScenarioResult]) -> Result<Vec<String>, String> {
    use rayon::prelude::*;
    // 16 scenarios a piece: `run` hands over parts of about 4,096 values, some 68
    // scenarios of 60 periods, which pieces of 256 left to one core.
    let pieces: Vec<String> = results
        .par_chunks(16)
        .map_init(RowWriter::new, RowWriter::ledger)
        .collect::<Result<_, _>>()?;
    if pieces.iter().all(String::is_empty) {
        return Ok(pieces);
    }
    let header = RowWriter::new().header(&LEDGER_HEADER)?;
    Ok(std::iter::once(header).chain(pieces).collect())
}

/// The ledger's columns, in order (pinned by the unit test `ledger_is_what_serde_writes`).
const LEDGER_HEADER: [&str; 13] = [
    "scenario",
    "period",
    "start",
    "end",
    "revenue",
    "eligible_revenue",
    "uncapped_payment",
    "payment",
    "cumulative",
    "remaining_cap",
    "capped",
    "present_value",
    // Last, so that scripts reading the earlier columns by position still work.
    "rate",
];

/// `scenario,eligible_revenue,uncapped_total,total_paid,foregone,cap_binds,
/// binding_period,binding_date,effective_rate,present_value,covered_from,covered_through`
pub fn summary(results: &[ScenarioResult]) -> Result<String, String> {
    let mut out = summary_header()?;
    out.push_str(&summary_rows(results)?);
    Ok(out)
}

/// The header line of [`summary`].
pub fn summary_header() -> Result<String, String> {
    RowWriter::new().header(&SUMMARY_HEADER)
}

/// The lines of [`summary`] after its header: one a scenario.
pub fn summary_rows(results: &[ScenarioResult]) -> Result<String, String> {
    RowWriter::new().summaries(results)
}

pub const SUMMARY_HEADER: [&str; 12] = [
    "scenario",
    "eligible_revenue",
    "uncapped_total",
    "total_paid",
    "foregone",
    "cap_binds",
    "binding_period",
    "binding_date",
    "effective_rate",
    "present_value",
    "covered_from",
    "covered_through",
];

/// A summary's fields after the scenario's name, in [`SUMMARY_HEADER`]'s order;
/// absent values are empty. The unit test `summary_columns_match_json_fields` keeps it
/// in step with `Summary`.
fn summary_fields(s: &Summary) -> [Option<Field<'_>>; 11] {
    [
        Some(Field::Amount(s.eligible_revenue)),
        Some(Field::Amount(s.uncapped_total)),
        Some(Field::Amount(s.total_paid)),
        Some(Field::Amount(s.foregone)),
        Some(Field::Str(bool_text(s.cap_binds))),
        s.binding_period.map(Field::Period),
        s.binding_date.map(Field::Date),
        s.effective_rate.map(Field::Amount),
        s.present_value.map(Field::Amount),
        Some(Field::Date(s.covered_from)),
        Some(Field::Date(s.covered_through)),
    ]
}

/// `scenario,variant,rate,cap,` then the summary's columns after `scenario`; in pieces to
/// be written in order, the header first.
pub fn compare(rows: &[CompareRow]) -> Result<Vec<String>, String> {
    let parts = compare_rows(rows)?;
    let mut out = Vec::with_capacity(parts.len() + 1);
    out.push(compare_header()?);
    out.extend(parts);
    Ok(out)
}

/// The header line of [`compare`].
pub fn compare_header() -> Result<String, String> {
    let mut header = vec!["scenario", "variant", "rate", "cap"];
    header.extend(SUMMARY_HEADER.get(1..).unwrap_or_default());
    RowWriter::new().header(&header)
}

/// The lines of [`compare`] after its header, in pieces to be printed in order,
/// rendered on every core.
pub fn compare_rows(rows: &[CompareRow]) -> Result<Vec<String>, String> {
    use rayon::prelude::*;
    rows.par_chunks(2048)
        .map_init(RowWriter::new, |w, chunk| w.rows(chunk))
        .collect()
}

/// The one CSV writer: writes lines, reusing its buffers from one call to the next.
/// Fields are written one by one through one buffer.
pub struct RowWriter {
    /// The lines written since the last [`RowWriter::take`], as bytes: every field
    /// is ASCII or a `str`'s bytes, so the text is made once a piece
    /// ([`RowWriter::take`]) rather than checked a `char` at a time.
    out: Vec<u8>,
    /// Bytes of the current line so far (a line of no bytes is written `""`).
    line_start: usize,
    /// Whether the current line has a field (the next one is preceded by a comma).
    in_line: bool,
    buf: String,
}

/// A field: an amount, text as it is, a date or a period.
enum Field<'a> {
    Amount(Decimal),
    Str(&'a str),
    /// A date, written without a formatter (as `Date`'s `Display` writes it).
    Date(Date),
    /// A period, a month written without a formatter (as `Period`'s `Display`
    /// writes it).
    Period(Period),
}

/// A bool as its `Display` writes it, without a formatter (a value a row).
fn bool_text(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// Appends `d` as `Date`'s `Display` writes it (`2027-03-31`), without a formatter:
/// a large compare prints three dates a row. Pinned by `push_date_is_display`.
pub(super) fn push_date(out: &mut impl Sink, d: Date) {
    let (y, m, day) = d.ymd();
    match crate::model::date_text(y, m, day) {
        Some(text) => out.ascii(&text),
        // Dates are years 1 to 9999 (`Date::from_ymd`); anything else goes the long way.
        None => out.text(&d.to_string()),
    }
}

/// Where the writers below append: a `String` (the JSON document's values, the
/// table's cells) or [`RowWriter`]'s bytes.
pub(super) trait Sink {
    /// Appends ASCII bytes.
    fn ascii(&mut self, bytes: &[u8]);
    /// Appends text.
    fn text(&mut self, text: &str);
    /// Appends `n` zeros.
    fn zeros(&mut self, n: usize);
}

impl Sink for String {
    /// Room made once, each pushed without a UTF-8 check (a `str::from_utf8` of a
    /// date's ten bytes cost twice the rest of writing it).
    fn ascii(&mut self, bytes: &[u8]) {
        self.reserve(bytes.len());
        for &b in bytes {
            self.push(char::from(b));
        }
    }
    fn text(&mut self, text: &str) {
        self.push_str(text);
    }
    fn zeros(&mut self, n: usize) {
        self.extend(std::iter::repeat_n('0', n));
    }
}

impl Sink for Vec<u8> {
    /// ASCII bytes are text as they are.
    fn ascii(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    fn text(&mut self, text: &str) {
        self.extend_from_slice(text.as_bytes());
    }
    fn zeros(&mut self, n: usize) {
        self.resize(self.len().saturating_add(n), b'0');
    }
}

/// Appends `p` as `Period`'s `Display` writes it: a month (`2029-05`, the binding
/// period of nearly every row of a large compare, and every period of a monthly
/// ledger) without a formatter, anything else through `buf`. Pinned by
/// `push_period_is_display`.
pub(super) fn push_period(out: &mut impl Sink, buf: &mut String, p: Period) {
    if let Some(text) = p.month_text() {
        out.ascii(&text);
    } else {
        use std::fmt::Write as _;
        buf.clear();
        let _ = write!(buf, "{p}");
        push_text(out, buf);
    }
}

/// Appends `d` exactly as its `Display` writes it (a sign for negative values,
/// including negative zero; `0.5`, not `.5`; `scale` decimals), without a formatter:
/// a sweep prints millions of amounts. Pinned by the property test
/// `push_decimal_is_display`.
pub(super) fn push_decimal(out: &mut impl Sink, d: &Decimal) {
    // itoa: two digits a step from a table, and a 128-bit mantissa (a 28-digit
    // effective rate) cut into 64-bit parts rather than divided by ten as a whole;
    // one that fits in 64 bits (nearly every amount) as a `u64`, which skips those cuts.
    let mut buffer = itoa::Buffer::new();
    let m = d.mantissa().unsigned_abs();
    let digits = match u64::try_from(m) {
        Ok(0) => "",
        Ok(m) => buffer.format(m),
        Err(_) => buffer.format(m),
    };
    let scale = d.scale() as usize;
    if d.is_sign_negative() {
        out.ascii(b"-");
    }
    match digits.len().checked_sub(scale).filter(|&whole| whole > 0) {
        Some(whole) => {
            let (int, frac) = digits.split_at_checked(whole).unwrap_or((digits, ""));
            out.text(int);
            if !frac.is_empty() {
                out.ascii(b".");
                out.text(frac);
            }
        }
        None => {
            out.ascii(b"0");
            if scale > 0 {
                out.ascii(b".");
                out.zeros(scale - digits.len());
                out.text(digits);
            }
        }
    }
}

impl Default for RowWriter {
    fn default() -> Self {
        RowWriter::new()
    }
}

impl RowWriter {
    pub fn new() -> RowWriter {
        RowWriter {
            out: Vec::new(),
            line_start: 0,
            in_line: false,
            buf: String::new(),
        }
    }

    /// The lines of `rows`, as [`compare`] prints them.
    pub fn rows(&mut self, rows: &[CompareRow]) -> Result<String, String> {
        for r in rows {
            self.fields([
                Some(Field::Str(&r.scenario)),
                Some(Field::Str(&r.variant)),
                Some(Field::Amount(r.rate)),
                r.cap.map(Field::Amount),
            ])?;
            self.fields(summary_fields(&r.summary))?;
            self.end()?;
        }
        self.take()
    }

    /// The ledger lines of `results`, without the header.
    fn ledger(&mut self, results: &[ScenarioResult]) -> Result<String, String> {
        for r in results {
            for p in &r.periods {
                self.fields([
                    Some(Field::Str(&r.name)),
                    Some(Field::Period(p.period)),
                    Some(Field::Date(p.start)),
                    Some(Field::Date(p.end)),
                    Some(Field::Amount(p.revenue)),
                    Some(Field::Amount(p.eligible_revenue)),
                    Some(Field::Amount(p.uncapped_payment)),
                    Some(Field::Amount(p.payment)),
                    Some(Field::Amount(p.cumulative)),
                    p.remaining_cap.map(Field::Amount),
                    Some(Field::Str(bool_text(p.capped))),
                    p.present_value.map(Field::Amount),
                    p.rate.map(Field::Amount),
                ])?;
                self.end()?;
            }
        }
        self.take()
    }

    /// The summary lines of `results`, without the header.
    fn summaries(&mut self, results: &[ScenarioResult]) -> Result<String, String> {
        for r in results {
            self.fields([Some(Field::Str(&r.name))])?;
            self.fields(summary_fields(&r.summary))?;
            self.end()?;
        }
        self.take()
    }

    /// A header line.
    fn header(&mut self, names: &[&str]) -> Result<String, String> {
        self.fields(names.iter().map(|n| Some(Field::Str(n))))?;
        self.end()?;
        self.take()
    }

    /// Writes `fields` into the current line; `None` is an empty field. Written as the
    /// csv crate's writer writes them (its defaults: a comma, quotes only where
    /// needed, doubled inside): amounts and dates straight into the line, as they
    /// never need quotes; text checked first. Pinned by `lines_are_the_csv_crates`.
    fn fields<'f>(
        &mut self,
        fields: impl IntoIterator<Item = Option<Field<'f>>>,
    ) -> Result<(), String> {
        for f in fields {
            if self.in_line {
                self.out.push(b',');
            }
            self.in_line = true;
            match f {
                Some(Field::Str(s)) => push_text(&mut self.out, s),
                Some(Field::Amount(d)) => push_decimal(&mut self.out, &d),
                Some(Field::Date(d)) => push_date(&mut self.out, d),
                Some(Field::Period(p)) => push_period(&mut self.out, &mut self.buf, p),
                None => {}
            }
        }
        Ok(())
    }

    /// Ends the current line.
    fn end(&mut self) -> Result<(), String> {
        // A line of no bytes at all (one empty field) would read back as no field.
        if self.out.len() == self.line_start {
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.push(b'\n');
        self.line_start = self.out.len();
        self.in_line = false;
        Ok(())
    }

    /// The lines written since the last call.
    fn take(&mut self) -> Result<String, String> {
        self.line_start = 0;
        // Cannot fail: every byte came from a `str` or is ASCII.
        String::from_utf8(std::mem::take(&mut self.out)).map_err(|e| e.to_string())
    }
}

/// Appends a text field, in quotes (its quotes doubled) when it holds a comma, a
/// quote or a line end, as the csv crate quotes.
fn push_text(out: &mut impl Sink, text: &str) {
    if text
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.ascii(b"\"");
        // Each quote doubled: the text between quotes, then two quotes.
        for (i, part) in text.split('"').enumerate() {
            if i > 0 {
                out.ascii(b"\"\"");
            }
            out.text(part);
        }
        out.ascii(b"\"");
    } else {
        out.text(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Date, Period, PeriodResult};
    use serde::Serialize;

    fn finish(w: csv::Writer<Vec<u8>>) -> String {
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    /// The CSV summary has the same fields as the JSON summary, in the same order
    /// (the order in which serde writes `Summary`'s fields).
    #[test]
    fn summary_columns_match_json_fields() {
        let s = Summary {
            eligible_revenue: Decimal::ONE,
            uncapped_total: Decimal::ONE,
            total_paid: Decimal::ONE,
            foregone: Decimal::ZERO,
            cap_binds: false,
            binding_period: None,
            binding_date: None,
            effective_rate: None,
            present_value: None,
            covered_from: Date::from_ymd(2026, 1, 1).unwrap(),
            covered_through: Date::from_ymd(2028, 12, 31).unwrap(),
        };
        let json = serde_json::to_value(&s).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected: Vec<&str> = SUMMARY_HEADER[1..].to_vec();
        // The same names ...
        expected.sort_unstable();
        keys.sort_unstable();
        assert_eq!(keys, expected);
        // ... in the same order: each name appears in the JSON text after the one
        // before it.
        let text = serde_json::to_string(&s).unwrap();
        let at: Vec<usize> = SUMMARY_HEADER[1..]
            .iter()
            .map(|k| text.find(&format!("\"{k}\":")).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    }

    fn full_summary() -> Summary {
        Summary {
            eligible_revenue: Decimal::new(12345, 2),
            uncapped_total: Decimal::new(2469, 2),
            total_paid: Decimal::from(20),
            foregone: Decimal::new(469, 2),
            cap_binds: true,
            binding_period: Period::quarter(2027, 3),
            binding_date: Date::from_ymd(2027, 8, 14),
            effective_rate: Some(Decimal::new(162, 3)),
            present_value: Some(Decimal::new(1999, 2)),
            covered_from: Date::from_ymd(2026, 1, 1).unwrap(),
            covered_through: Date::from_ymd(2028, 12, 31).unwrap(),
        }
    }

    fn empty_summary() -> Summary {
        Summary {
            cap_binds: false,
            binding_period: None,
            binding_date: None,
            effective_rate: None,
            present_value: None,
            ..full_summary()
        }
    }

    /// A summary's cells as `Display` writes them, absent ones empty.
    fn displayed(name: &str, s: &Summary) -> Vec<String> {
        let opt = |v: Option<String>| v.unwrap_or_default();
        vec![
            name.to_string(),
            s.eligible_revenue.to_string(),
            s.uncapped_total.to_string(),
            s.total_paid.to_string(),
            s.foregone.to_string(),
            s.cap_binds.to_string(),
            opt(s.binding_period.map(|p| p.to_string())),
            opt(s.binding_date.map(|d| d.to_string())),
            opt(s.effective_rate.map(|d| d.to_string())),
            opt(s.present_value.map(|d| d.to_string())),
            s.covered_from.to_string(),
            s.covered_through.to_string(),
        ]
    }

    /// A compare row prints the summary's fields in the summary's order, after the
    /// scenario, variant, rate and cap, as `Display` writes them, quoted as csv quotes them.
    #[test]
    fn compare_rows_print_the_summary_fields() {
        let rows = [
            CompareRow {
                scenario: "a, \"quoted\"".into(),
                variant: "38B".into(),
                rate: Decimal::new(2, 1),
                cap: Some(Decimal::from(38)),
                summary: full_summary(),
            },
            CompareRow {
                scenario: "line\nbreak\r".into(),
                variant: "none".into(),
                rate: Decimal::new(125, 3),
                cap: None,
                summary: empty_summary(),
            },
        ];
        let mut w = csv::Writer::from_writer(Vec::new());
        for r in &rows {
            let mut fields = displayed(&r.scenario, &r.summary);
            let cap = r.cap.map(|c| c.to_string()).unwrap_or_default();
            fields.splice(1..1, [r.variant.to_string(), r.rate.to_string(), cap]);
            w.write_record(&fields).unwrap();
        }
        let expected = finish(w);
        assert_eq!(compare_rows(&rows).unwrap().concat(), expected);
        assert!(compare(&rows).unwrap().concat().ends_with(&expected));
    }

    fn result(name: &str, summary: Summary, periods: Vec<PeriodResult>) -> ScenarioResult {
        let from = Date::from_ymd(2026, 1, 1).unwrap();
        ScenarioResult {
            name: name.into(),
            source: "s.csv".into(),
            from,
            periods,
            summary,
            segments: Vec::new(),
        }
    }

    /// summary.csv is what `csv` writes for the summaries' cells as `Display` writes
    /// them.
    #[test]
    fn summary_is_displayed_cells() {
        let results = [
            result("a, \"quoted\"", full_summary(), Vec::new()),
            result("line\nbreak\r", empty_summary(), Vec::new()),
        ];
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(SUMMARY_HEADER).unwrap();
        for r in &results {
            w.write_record(displayed(&r.name, &r.summary)).unwrap();
        }
        assert_eq!(summary(&results).unwrap(), finish(w));
    }

    /// A ledger row as serde would write it: the ledger's bytes are pinned to it.
    #[derive(Serialize)]
    struct LedgerRow<'a> {
        scenario: &'a str,
        period: Period,
        start: Date,
        end: Date,
        revenue: Decimal,
        eligible_revenue: Decimal,
        uncapped_payment: Decimal,
        payment: Decimal,
        cumulative: Decimal,
        remaining_cap: Option<Decimal>,
        capped: bool,
        present_value: Option<Decimal>,
        rate: Option<Decimal>,
    }

    /// The ledger (header included) is what csv's serde writes for one flat row per
    /// period, so its columns cannot drift from the JSON fields.
    #[test]
    fn ledger_is_what_serde_writes() {
        let date = Date::from_ymd(2026, 1, 1).unwrap();
        let period = |n: i64, capped: bool| PeriodResult {
            period: Period::year(2026).unwrap(),
            start: date,
            end: Date::from_ymd(2026, 12, 31).unwrap(),
            revenue: Decimal::new(-n * 1001, 3),
            eligible_revenue: Decimal::new(n, 0),
            uncapped_payment: Decimal::new(n, 1),
            payment: Decimal::ZERO,
            cumulative: Decimal::from_parts(0, 0, 0, true, 2),
            remaining_cap: capped.then(|| Decimal::new(5, 0)),
            capped,
            present_value: (!capped).then(|| Decimal::new(123_456, 4)),
            rate: capped.then(|| Decimal::new(15, 2)),
        };
        let results = [
            result(
                "x, \"y\"",
                empty_summary(),
                vec![period(1, true), period(2, false)],
            ),
            result("z", empty_summary(), vec![period(3, false)]),
        ];
        let mut w = csv::Writer::from_writer(Vec::new());
        for r in &results {
            for p in &r.periods {
                w.serialize(LedgerRow {
                    scenario: &r.name,
                    period: p.period,
                    start: p.start,
                    end: p.end,
                    revenue: p.revenue,
                    eligible_revenue: p.eligible_revenue,
                    uncapped_payment: p.uncapped_payment,
                    payment: p.payment,
                    cumulative: p.cumulative,
                    remaining_cap: p.remaining_cap,
                    capped: p.capped,
                    present_value: p.present_value,
                    rate: p.rate,
                })
                .unwrap();
            }
        }
        assert_eq!(ledger(&results).unwrap().concat(), finish(w));
        assert_eq!(ledger(&[]).unwrap().concat(), "");
    }

    proptest::proptest! {
        /// `push_decimal` writes what `Display` writes, for any sign, mantissa and scale,
        /// into text and into the CSV writer's bytes alike.
        #[test]
        fn push_decimal_is_display(lo in proptest::prelude::any::<u32>(), mid in proptest::prelude::any::<u32>(), hi in proptest::prelude::any::<u32>(), wide in 0u8..3, negative in proptest::prelude::any::<bool>(), scale in 0u32..=28) {
            // Small mantissas are the common case: cover them as often as wide ones.
            let (mid, hi) = match wide { 0 => (0, 0), 1 => (mid, 0), _ => (mid, hi) };
            let d = Decimal::from_parts(lo, mid, hi, negative, scale);
            let mut out = String::new();
            push_decimal(&mut out, &d);
            proptest::prop_assert_eq!(&out, &d.to_string());
            let mut bytes = Vec::new();
            push_decimal(&mut bytes, &d);
            proptest::prop_assert_eq!(bytes, out.into_bytes());
        }
    }

    proptest::proptest! {
        /// The writer's lines are what the csv crate's writer writes for the same
        /// fields: quoting, doubled quotes, empty fields and one-empty-field lines.
        #[test]
        fn lines_are_the_csv_crates(lines in proptest::collection::vec(
            proptest::collection::vec("[a,\"\r\n é]{0,4}", 1..5), 0..4)) {
            let mut ours = RowWriter::new();
            let mut theirs = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
            for line in &lines {
                ours.fields(line.iter().map(|t| Some(Field::Str(t)))).unwrap();
                ours.end().unwrap();
                theirs.write_record(line).unwrap();
            }
            proptest::prop_assert_eq!(ours.take().unwrap(), finish(theirs));
        }
    }

    #[test]
    fn push_period_is_display() {
        let (mut out, mut buf) = (String::new(), String::new());
        for y in (1..=30)
            .chain(990..=1010)
            .chain(1990..=2040)
            .chain(9980..=9999)
        {
            for p in Period::every_kind_in(y) {
                out.clear();
                out.push_str("x,");
                push_period(&mut out, &mut buf, p);
                assert_eq!(out, format!("x,{p}"), "{p:?}");
                let mut bytes = b"x,".to_vec();
                push_period(&mut bytes, &mut buf, p);
                assert_eq!(bytes, out.as_bytes(), "{p:?}");
            }
        }
    }

    #[test]
    fn push_date_is_display() {
        let mut day = Date::from_ymd(1, 1, 1).unwrap();
        let last = Date::from_ymd(9999, 12, 31).unwrap();
        let mut out = String::new();
        loop {
            out.clear();
            push_date(&mut out, day);
            assert_eq!(out, day.to_string());
            let mut bytes = Vec::new();
            push_date(&mut bytes, day);
            assert_eq!(bytes, out.as_bytes());
            if day >= last {
                break;
            }
            // Every day of a few years, then a stride across the whole range.
            let step = if day.year() < 1905 || day.year() > 2025 && day.year() < 2035 {
                1
            } else {
                17
            };
            day = day.add_days(step).unwrap_or(last).min(last);
        }
    }

    #[test]
    fn push_decimal_edges() {
        for text in [
            "0",
            "0.00",
            "0.5",
            "1",
            "10",
            "123.456",
            "-0.001",
            "79228162514264337593543950335",
            "0.0000000000000000000000000001",
        ] {
            let d: Decimal = text.parse().unwrap();
            let mut out = String::new();
            push_decimal(&mut out, &d);
            assert_eq!(out, d.to_string());
        }
        let negative_zero = Decimal::from_parts(0, 0, 0, true, 2);
        let mut out = String::new();
        push_decimal(&mut out, &negative_zero);
        assert_eq!(out, negative_zero.to_string());
    }
}
