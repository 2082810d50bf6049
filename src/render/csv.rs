//! CSV outputs with the fixed column names of SPEC §5: the ledger and the summary.
//! One flat `Serialize` row per file, so the columns cannot drift from the JSON fields.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::{CompareRow, Date, Period, ScenarioResult, Summary};

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
}

/// `scenario,period,start,end,revenue,eligible_revenue,uncapped_payment,payment,
/// cumulative,remaining_cap,capped,present_value`
///
/// In pieces to be written in order: a ledger can run to millions of lines, so its
/// scenarios are rendered on every core, and the pieces are never joined (which would
/// hold the text twice). The header comes first when there is a row (as serde writes
/// it before the first row of one writer).
pub fn ledger(results: &[ScenarioResult]) -> Result<Vec<String>, String> {
    use rayon::prelude::*;
    let pieces: Vec<String> = results
        .par_chunks(256)
        .map(ledger_piece)
        .collect::<Result<_, _>>()?;
    if pieces.iter().all(String::is_empty) {
        return Ok(pieces);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(LEDGER_HEADER).map_err(|e| e.to_string())?;
    Ok(std::iter::once(finish(w)?).chain(pieces).collect())
}

/// The ledger's columns: `LedgerRow`'s fields, in order (pinned by the unit test
/// `ledger_header_is_the_rows_fields`).
const LEDGER_HEADER: [&str; 12] = [
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
];

fn ledger_piece(results: &[ScenarioResult]) -> Result<String, String> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for r in results {
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
            })
            .map_err(|e| e.to_string())?;
        }
    }
    finish(w)
}

/// `scenario,eligible_revenue,uncapped_total,total_paid,foregone,cap_binds,
/// binding_period,binding_date,effective_rate,present_value`
pub fn summary(results: &[ScenarioResult]) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(SUMMARY_HEADER).map_err(|e| e.to_string())?;
    for r in results {
        w.write_record(summary_fields(&r.name, &r.summary))
            .map_err(|e| e.to_string())?;
    }
    finish(w)
}

pub const SUMMARY_HEADER: [&str; 10] = [
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
];

/// A summary as CSV fields, first the scenario's name; absent values are empty.
// Written by hand because csv cannot serialize a flattened struct; the unit test
// `summary_columns_match_json_fields` keeps it in step with `Summary`.
pub fn summary_fields(name: &str, s: &Summary) -> Vec<String> {
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
    ]
}

/// `scenario,variant,cap,` then the summary's columns after `scenario`.
pub fn compare(rows: &[CompareRow]) -> Result<String, String> {
    let parts = compare_rows(rows)?;
    let mut out = compare_header()?;
    out.reserve(parts.iter().map(String::len).sum());
    for p in parts {
        out.push_str(&p);
    }
    Ok(out)
}

/// The header line of [`compare`].
pub fn compare_header() -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["scenario", "variant", "cap"];
    header.extend(&SUMMARY_HEADER[1..]);
    w.write_record(&header).map_err(|e| e.to_string())?;
    finish(w)
}

/// The lines of [`compare`] after its header, in pieces to be printed in order,
/// rendered on every core.
pub fn compare_rows(rows: &[CompareRow]) -> Result<Vec<String>, String> {
    use rayon::prelude::*;
    rows.par_chunks(2048)
        .map_init(RowWriter::new, |w, chunk| w.rows(chunk))
        .collect()
}

/// Writes compare rows as CSV lines, reusing its buffers from one call to the next.
/// Fields are written one by one through one buffer: a sweep prints hundreds of
/// thousands of rows, and a `Vec<String>` per row was most of its rendering time.
pub struct RowWriter {
    w: csv::Writer<Sink>,
    /// What `w` has written, shared with it so each call can take its lines.
    out: std::rc::Rc<std::cell::RefCell<Vec<u8>>>,
    buf: String,
}

/// A compare row's field: an amount, or anything else that displays.
enum Field<'a> {
    Amount(Decimal),
    Text(&'a dyn std::fmt::Display),
}

/// Appends `d` exactly as its `Display` writes it (a sign for negative values,
/// including negative zero; `0.5`, not `.5`; `scale` decimals), without a formatter:
/// a sweep prints millions of amounts. Pinned by the property test
/// `push_decimal_is_display`.
pub fn push_decimal(out: &mut String, d: &Decimal) {
    // Digits from the right; 96 bits are at most 29 digits.
    let mut digits = [0u8; 40];
    let mut start = digits.len();
    let mut put = |digit: u8| {
        start -= 1;
        if let Some(slot) = digits.get_mut(start) {
            *slot = b'0' + digit;
        }
    };
    let m = d.mantissa().unsigned_abs();
    match u64::try_from(m) {
        // One machine word divides far faster than 128 bits.
        Ok(mut v) => {
            while v > 0 {
                put((v % 10) as u8);
                v /= 10;
            }
        }
        Err(_) => {
            let mut v = m;
            while v > 0 {
                put((v % 10) as u8);
                v /= 10;
            }
        }
    }
    let digits = std::str::from_utf8(digits.get(start..).unwrap_or_default()).unwrap_or("");
    let scale = d.scale() as usize;
    if d.is_sign_negative() {
        out.push('-');
    }
    match digits.len().checked_sub(scale).filter(|&whole| whole > 0) {
        Some(whole) => {
            let (int, frac) = digits.split_at_checked(whole).unwrap_or((digits, ""));
            out.push_str(int);
            if !frac.is_empty() {
                out.push('.');
                out.push_str(frac);
            }
        }
        None => {
            out.push('0');
            if scale > 0 {
                out.push('.');
                out.extend(std::iter::repeat_n('0', scale - digits.len()));
                out.push_str(digits);
            }
        }
    }
}

/// The bytes a [`RowWriter`]'s csv writer writes, kept where the `RowWriter` can take
/// them (csv's writer owns its sink and only gives it back for good).
struct Sink(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Default for RowWriter {
    fn default() -> Self {
        RowWriter::new()
    }
}

impl RowWriter {
    pub fn new() -> RowWriter {
        let out = std::rc::Rc::default();
        RowWriter {
            w: csv::Writer::from_writer(Sink(std::rc::Rc::clone(&out))),
            out,
            buf: String::new(),
        }
    }

    /// The lines of `rows`, as [`compare`] prints them.
    pub fn rows(&mut self, rows: &[CompareRow]) -> Result<String, String> {
        use std::fmt::Write as _;
        let (w, buf) = (&mut self.w, &mut self.buf);
        let err = |e: csv::Error| e.to_string();
        for r in rows {
            let s = &r.summary;
            w.write_field(&r.scenario).map_err(err)?;
            w.write_field(&r.variant).map_err(err)?;
            let amount = |d: &'_ Decimal| Field::Amount(*d);
            let fields: [Option<Field>; 10] = [
                r.cap.as_ref().map(amount),
                Some(amount(&s.eligible_revenue)),
                Some(amount(&s.uncapped_total)),
                Some(amount(&s.total_paid)),
                Some(amount(&s.foregone)),
                Some(Field::Text(&s.cap_binds)),
                s.binding_period.as_ref().map(|p| Field::Text(p)),
                s.binding_date.as_ref().map(|d| Field::Text(d)),
                s.effective_rate.as_ref().map(amount),
                s.present_value.as_ref().map(amount),
            ];
            for f in fields {
                buf.clear();
                match f {
                    Some(Field::Amount(d)) => push_decimal(buf, &d),
                    Some(Field::Text(v)) => {
                        let _ = write!(buf, "{v}");
                    }
                    None => {}
                }
                w.write_field(&*buf).map_err(err)?;
            }
            w.write_record(None::<&[u8]>).map_err(err)?;
        }
        w.flush().map_err(|e| e.to_string())?;
        let bytes = std::mem::take(&mut *self.out.borrow_mut());
        String::from_utf8(bytes).map_err(|e| e.to_string())
    }
}

pub(crate) fn finish(w: csv::Writer<Vec<u8>>) -> Result<String, String> {
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CSV summary has the same fields as the JSON summary (names only: both
    /// lists are sorted; the column order is pinned by the CLI tests' exact header).
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
        };
        let json = serde_json::to_value(&s).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected: Vec<&str> = SUMMARY_HEADER[1..].to_vec();
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
    }

    /// A compare row prints the summary's fields in the summary's order, after the
    /// scenario, variant and cap: the same cells `summary_fields` gives, quoted alike.
    #[test]
    fn compare_rows_print_the_summary_fields() {
        let full = Summary {
            eligible_revenue: Decimal::new(12345, 2),
            uncapped_total: Decimal::new(2469, 2),
            total_paid: Decimal::from(20),
            foregone: Decimal::new(469, 2),
            cap_binds: true,
            binding_period: Period::quarter(2027, 3),
            binding_date: Date::from_ymd(2027, 8, 14),
            effective_rate: Some(Decimal::new(162, 3)),
            present_value: Some(Decimal::new(1999, 2)),
        };
        let empty = Summary {
            cap_binds: false,
            binding_period: None,
            binding_date: None,
            effective_rate: None,
            present_value: None,
            ..full.clone()
        };
        let rows = [
            CompareRow {
                scenario: "a, \"quoted\"".into(),
                variant: "38B".into(),
                cap: Some(Decimal::from(38)),
                summary: full,
            },
            CompareRow {
                scenario: "b".into(),
                variant: "none".into(),
                cap: None,
                summary: empty,
            },
        ];
        let mut w = csv::Writer::from_writer(Vec::new());
        for r in &rows {
            let mut fields = summary_fields(&r.scenario, &r.summary);
            let cap = r.cap.map(|c| c.to_string()).unwrap_or_default();
            fields.splice(1..1, [r.variant.clone(), cap]);
            w.write_record(&fields).unwrap();
        }
        let expected = finish(w).unwrap();
        assert_eq!(compare_rows(&rows).unwrap().concat(), expected);
        assert!(compare(&rows).unwrap().ends_with(&expected));
    }

    /// The header written before the ledger's pieces is the one serde writes for
    /// `LedgerRow`.
    #[test]
    fn ledger_header_is_the_rows_fields() {
        let date = Date::from_ymd(2026, 1, 1).unwrap();
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(LedgerRow {
            scenario: "s",
            period: Period::year(2026).unwrap(),
            start: date,
            end: date,
            revenue: Decimal::ONE,
            eligible_revenue: Decimal::ONE,
            uncapped_payment: Decimal::ONE,
            payment: Decimal::ONE,
            cumulative: Decimal::ONE,
            remaining_cap: None,
            capped: false,
            present_value: None,
        })
        .unwrap();
        let text = finish(w).unwrap();
        assert_eq!(text.lines().next().unwrap(), LEDGER_HEADER.join(","));
    }

    proptest::proptest! {
        /// `push_decimal` writes what `Display` writes, for any sign, mantissa and scale.
        #[test]
        fn push_decimal_is_display(lo in proptest::prelude::any::<u32>(), mid in proptest::prelude::any::<u32>(), hi in proptest::prelude::any::<u32>(), wide in 0u8..3, negative in proptest::prelude::any::<bool>(), scale in 0u32..=28) {
            // Small mantissas are the common case: cover them as often as wide ones.
            let (mid, hi) = match wide { 0 => (0, 0), 1 => (mid, 0), _ => (mid, hi) };
            let d = Decimal::from_parts(lo, mid, hi, negative, scale);
            let mut out = String::new();
            push_decimal(&mut out, &d);
            proptest::prop_assert_eq!(out, d.to_string());
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
