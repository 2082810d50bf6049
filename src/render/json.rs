//! The version-1 JSON documents of docs/spec.md §5.7. Decimals are strings holding exact values
//! (rust_decimal's `serde-with-str`), dates `YYYY-MM-DD`, absent values `null`.

use serde::Serialize;

use rust_decimal::Decimal;

use super::{common_from, CompareView, Render, RunView, Shown, TermSources};
use crate::model::{CompareRow, Date, ScenarioResult, Terms, Thresholds};

/// A `Decimal` as rust_decimal serializes it (its text, as a JSON string), written by
/// [`super::csv::push_decimal`] rather than rust_decimal's digit-at-a-time division: a
/// run's document holds about eight amounts a period. Named by `serialize_with` on
/// the amounts of `PeriodResult`, `Summary`, `CompareRow` and `Thresholds`; pinned by
/// `decimals_serialize_as_rust_decimal_does`.
pub fn decimal<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    thread_local! {
        static TEXT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    TEXT.with_borrow_mut(|text| {
        text.clear();
        super::csv::push_decimal(text, d);
        s.serialize_str(text)
    })
}

/// [`decimal`] for an amount that may be absent (`null`).
pub fn opt_decimal<S: serde::Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => decimal(d, s),
        None => s.serialize_none(),
    }
}

/// `--format json`: one document, also `result.json` and `compare.json`.
pub struct Json;

impl Render for Json {
    fn run(&self, view: &RunView) -> Result<Vec<String>, String> {
        Ok(vec![render(view.results, view.terms, view.shown)?])
    }

    fn compare(&self, view: &CompareView) -> Result<Vec<String>, String> {
        Ok(vec![compare(
            view.rows,
            view.terms,
            view.from,
            view.thresholds,
            view.shown,
        )?])
    }
}

/// The terms as reported: `from` is the resolved term start when every scenario
/// shares one, `null` otherwise (each scenario then starts at its first period);
/// then the unit of the amounts and where each term came from.
#[derive(Serialize)]
struct Reported<'a> {
    #[serde(flatten)]
    terms: Terms,
    /// The currency of `--unit` as written; `null` without one.
    unit: Option<&'a str>,
    /// What an amount is multiplied by to be in `unit`: `1000000` for `$M`.
    scale: Decimal,
    sources: &'a TermSources,
}

fn reported<'a>(terms: &Terms, from: Option<Date>, shown: &'a Shown) -> Reported<'a> {
    let unit = shown.unit.as_ref();
    let exponent = unit.map_or(0, |u| u.scale.exponent());
    Reported {
        terms: Terms {
            from,
            ..terms.clone()
        },
        unit: unit
            .and_then(|u| u.currency.as_ref())
            .map(|c| c.text.as_str()),
        scale: Decimal::from_i128_with_scale(10i128.pow(exponent), 0),
        sources: &shown.sources,
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    terms: Reported<'a>,
    scenarios: &'a [ScenarioResult],
}

/// `run --format json`: the terms and every scenario's result.
pub fn render(results: &[ScenarioResult], terms: &Terms, shown: &Shown) -> Result<String, String> {
    let doc = Document {
        version: 1,
        terms: reported(terms, common_from(terms, results), shown),
        scenarios: results,
    };
    let mut s = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}

#[derive(Serialize)]
struct CompareDocument<'a> {
    version: u32,
    terms: Reported<'a>,
    results: &'a [CompareRow],
    #[serde(skip_serializing_if = "Option::is_none")]
    thresholds: Option<&'a [Thresholds]>,
}

/// `compare --format json`: the shared terms, one result per (scenario, variant), and
/// the thresholds when asked for.
pub fn compare(
    rows: &[CompareRow],
    terms: &Terms,
    from: Option<Date>,
    thresholds: Option<&[Thresholds]>,
    shown: &Shown,
) -> Result<String, String> {
    let doc = CompareDocument {
        version: 1,
        terms: reported(terms, from, shown),
        results: rows,
        thresholds,
    };
    let mut s = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}

/// A document too large to hold is written in parts: its head ([`run_head`],
/// [`compare_head`]) once what it reports of the terms is known, its arrays' items a
/// batch at a time ([`items`]), each array closed by [`close_array`], and [`END`].
/// The bytes are those of the whole document (`serde_json`'s pretty printer, which
/// indents an item of a top-level array by 4 spaces and never breaks a string across
/// lines); pinned by the unit test `parts_make_the_whole_document`.
pub fn run_head(terms: &Terms, from: Option<Date>, shown: &Shown) -> Result<String, String> {
    head(&Document {
        version: 1,
        terms: reported(terms, from, shown),
        scenarios: &[],
    })
}

/// `compare`'s head, up to its `results` array.
pub fn compare_head(terms: &Terms, from: Option<Date>, shown: &Shown) -> Result<String, String> {
    head(&CompareDocument {
        version: 1,
        terms: reported(terms, from, shown),
        results: &[],
        thresholds: None,
    })
}

/// The document up to its last array's opening `[`, left out.
fn head(doc: &impl Serialize) -> Result<String, String> {
    let s = serde_json::to_string_pretty(doc).map_err(|e| e.to_string())?;
    s.strip_suffix("[]\n}")
        .map(str::to_string)
        .ok_or_else(|| "a JSON document ends in something else than its array".to_string())
}

/// The key of `compare`'s thresholds array, after its results array is closed.
pub const THRESHOLDS_KEY: &str = ",\n  \"thresholds\": ";

/// The end of a document, after its last array.
pub const END: &str = "\n}\n";

/// The items of a top-level array, each after a comma unless it is the array's first
/// (`first`), rendered on every core.
pub fn items<T: Serialize + Sync>(items: &[T], first: bool) -> Result<String, String> {
    Ok(item_parts(items, first, 256)?.concat())
}

/// [`items`] in parts of `per_part` items each, in order: the same text once joined.
/// A caller that writes the parts one by one never holds the text twice (a `run`
/// result's item is about 27 KB at 60 periods).
pub fn item_parts<T: Serialize + Sync>(
    items: &[T],
    first: bool,
    per_part: usize,
) -> Result<Vec<String>, String> {
    parts(items, first, per_part, |out, item| {
        let mut ser = serde_json::Serializer::with_formatter(out, Nested::new(2));
        item.serialize(&mut ser).map_err(|e| e.to_string())
    })
}

/// [`item_parts`] for `run`'s results, each item written by [`push_result`]: the same
/// text (pinned by `results_are_written_as_serde_writes_them`), without serde's work
/// for every field of every period (60 periods of 12 fields a scenario): the 6M-row
/// `run --format json` takes 0.81 of the CPU it took through serde.
pub fn result_parts(
    results: &[ScenarioResult],
    first: bool,
    per_part: usize,
) -> Result<Vec<String>, String> {
    parts(results, first, per_part, push_result)
}

/// The items of a top-level array in parts of `per_part`, each written by `write`
/// after its comma and new line, on every core.
fn parts<T: Sync>(
    items: &[T],
    first: bool,
    per_part: usize,
    write: impl Fn(&mut Vec<u8>, &T) -> Result<(), String> + Sync,
) -> Result<Vec<String>, String> {
    use rayon::prelude::*;
    items
        .par_chunks(per_part.max(1))
        .enumerate()
        .map(|(n, chunk)| {
            let mut out = Vec::new();
            for (i, item) in chunk.iter().enumerate() {
                let comma = !(first && n == 0 && i == 0);
                out.extend_from_slice(if comma { b",\n    " } else { b"\n    " });
                write(&mut out, item)?;
            }
            String::from_utf8(out).map_err(|e| e.to_string())
        })
        .collect()
}

/// One result as an item of the document's `scenarios` array (two levels deep), laid
/// out as `serde_json`'s pretty printer lays it out: its name and source escaped by
/// serde_json, its summary written by serde, its periods here, field by field. A
/// period's texts (its label, dates and amounts) are digits, letters, `-` and `.`,
/// which JSON strings hold as they are.
fn push_result(out: &mut Vec<u8>, r: &ScenarioResult) -> Result<(), String> {
    let err = |e: serde_json::Error| e.to_string();
    out.extend_from_slice(b"{\n      \"name\": ");
    serde_json::to_writer(&mut *out, &r.name).map_err(err)?;
    out.extend_from_slice(b",\n      \"source\": ");
    serde_json::to_writer(&mut *out, &r.source).map_err(err)?;
    out.extend_from_slice(b",\n      \"periods\": [");
    let (mut text, mut buf) = (String::with_capacity(48), String::new());
    for (i, p) in r.periods.iter().enumerate() {
        out.extend_from_slice(if i == 0 {
            b"\n        {"
        } else {
            b",\n        {"
        });
        // The CSV writer's label and dates are their `Display` texts, as serde's are.
        key(out, true, "period");
        text.clear();
        super::csv::push_period(&mut text, &mut buf, p.period);
        quoted(out, text.as_bytes());
        for (name, date) in [("start", p.start), ("end", p.end)] {
            key(out, false, name);
            text.clear();
            super::csv::push_date(&mut text, date);
            quoted(out, text.as_bytes());
        }
        let amounts = [
            ("revenue", Some(p.revenue)),
            ("eligible_revenue", Some(p.eligible_revenue)),
            ("uncapped_payment", Some(p.uncapped_payment)),
            ("payment", Some(p.payment)),
            ("cumulative", Some(p.cumulative)),
            ("remaining_cap", p.remaining_cap),
        ];
        for (name, amount) in amounts {
            key(out, false, name);
            decimal_value(out, &mut text, amount);
        }
        key(out, false, "capped");
        out.extend_from_slice(if p.capped { b"true" } else { b"false" });
        key(out, false, "present_value");
        decimal_value(out, &mut text, p.present_value);
        key(out, false, "rate");
        decimal_value(out, &mut text, p.rate);
        out.extend_from_slice(b"\n        }");
    }
    out.extend_from_slice(if r.periods.is_empty() {
        b"]"
    } else {
        b"\n      ]"
    });
    out.extend_from_slice(b",\n      \"summary\": ");
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, Nested::new(3));
    r.summary.serialize(&mut ser).map_err(err)?;
    out.extend_from_slice(b"\n    }");
    Ok(())
}

/// A period's field name, on its own line after the field before it (`first`: none).
fn key(out: &mut Vec<u8>, first: bool, name: &str) {
    out.extend_from_slice(if first {
        b"\n          \""
    } else {
        b",\n          \""
    });
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\": ");
}

fn quoted(out: &mut Vec<u8>, text: &[u8]) {
    out.push(b'"');
    out.extend_from_slice(text);
    out.push(b'"');
}

/// An amount as [`decimal`] writes it, or `null`.
fn decimal_value(out: &mut Vec<u8>, text: &mut String, d: Option<Decimal>) {
    match d {
        Some(d) => {
            text.clear();
            super::csv::push_decimal(text, &d);
            quoted(out, text.as_bytes());
        }
        None => out.extend_from_slice(b"null"),
    }
}

/// `serde_json`'s pretty layout (two spaces a level) for a value nested `depth` levels
/// deep in a document: the same text as the value alone with every line after its
/// first indented by `depth` levels, written once rather than re-indented.
/// (`nested_values_are_laid_out_as_indented_alone` pins it.)
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn new(depth: usize) -> Nested {
        Nested {
            depth,
            has_value: false,
        }
    }

    fn new_line<W: ?Sized + std::io::Write>(&self, w: &mut W, comma: bool) -> std::io::Result<()> {
        w.write_all(if comma { b",\n" } else { b"\n" })?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.new_line(w, false)?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.new_line(w, !first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.new_line(w, false)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.new_line(w, !first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// How an array ends: `[` + its items + `\n  ]`, or `[]` without any. `[` is written
/// before the items, this after them.
pub fn close_array(empty: bool) -> &'static str {
    if empty {
        "]"
    } else {
        "\n  ]"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Threshold;
    use rust_decimal::Decimal;

    /// The items as they were first written: each rendered alone, then every line
    /// re-indented.
    fn reindented(items: &[serde_json::Value], first: bool) -> String {
        let mut out = String::new();
        for item in items {
            let text = serde_json::to_string_pretty(item).unwrap();
            out.push_str(",\n    ");
            out.push_str(&text.replace('\n', "\n    "));
        }
        if first && !out.is_empty() {
            out.remove(0);
        }
        out
    }

    proptest::proptest! {
        /// `decimal` writes what rust_decimal's own `Serialize` writes, for any
        /// mantissa, scale and sign (negative zero included).
        #[test]
        fn decimals_serialize_as_rust_decimal_does(
            lo in proptest::prelude::any::<u32>(),
            mid in proptest::prelude::any::<u32>(),
            hi in proptest::prelude::any::<u32>(),
            wide in 0u8..3,
            negative in proptest::prelude::any::<bool>(),
            scale in 0u32..=28,
        ) {
            let (mid, hi) = match wide { 0 => (0, 0), 1 => (mid, 0), _ => (mid, hi) };
            let d = Decimal::from_parts(lo, mid, hi, negative, scale);
            let mut ours = serde_json::Serializer::new(Vec::new());
            super::decimal(&d, &mut ours).unwrap();
            proptest::prop_assert_eq!(ours.into_inner(), serde_json::to_vec(&d).unwrap());
            let mut none = serde_json::Serializer::new(Vec::new());
            super::opt_decimal(&None, &mut none).unwrap();
            proptest::prop_assert_eq!(none.into_inner(), b"null".to_vec());
        }
    }

    /// A result with `periods` periods of every kind (in years of one to four
    /// digits), amounts of any scale and sign, each optional field present or not, and
    /// a name needing escapes.
    fn result_of(seed: u64, periods: usize) -> ScenarioResult {
        use crate::model::{Period, PeriodResult, Summary};
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let year = [1, 42, 999, 2027, 9999][(seed % 5) as usize];
        let kinds = Period::every_kind_in(year);
        let amount = |next: &mut dyn FnMut() -> u64| {
            let v = next();
            let d = Decimal::from_parts(
                v as u32,
                (v >> 40) as u32 % 7,
                0,
                v.is_multiple_of(5),
                (v % 29) as u32,
            );
            Some(d).filter(|_| !v.is_multiple_of(3))
        };
        let day = |n: u64| Date::from_ymd(year, (n % 12) as u32 + 1, (n % 28) as u32 + 1).unwrap();
        let mut rows = Vec::new();
        for i in 0..periods {
            let n = next();
            rows.push(PeriodResult {
                period: kinds[(n as usize + i) % kinds.len()],
                start: day(n),
                end: day(n >> 8),
                revenue: amount(&mut next).unwrap_or_default(),
                eligible_revenue: amount(&mut next).unwrap_or_default(),
                uncapped_payment: amount(&mut next).unwrap_or_default(),
                payment: amount(&mut next).unwrap_or_default(),
                cumulative: amount(&mut next).unwrap_or_default(),
                remaining_cap: amount(&mut next),
                capped: n % 2 == 0,
                present_value: amount(&mut next),
                rate: amount(&mut next),
            });
        }
        ScenarioResult {
            name: ["s1", "a \"quoted\"\nname\t\u{1}", "Zürich → 2030 \\"][(seed % 3) as usize]
                .into(),
            source: "in \"dir\"/b.csv".into(),
            periods: rows,
            summary: Summary {
                eligible_revenue: Decimal::new(123_456, 2),
                uncapped_total: Decimal::new(-5, 0),
                total_paid: Decimal::ZERO,
                foregone: Decimal::new(1, 28),
                cap_binds: seed.is_multiple_of(2),
                binding_period: kinds.first().copied().filter(|_| seed.is_multiple_of(2)),
                binding_date: Some(day(seed)).filter(|_| seed % 4 < 2),
                effective_rate: amount(&mut next),
                present_value: amount(&mut next),
                covered_from: day(seed),
                covered_through: day(seed >> 3),
            },
            from: day(seed),
            segments: Vec::new(),
        }
    }

    proptest::proptest! {
        /// `result_parts` writes what serde writes through `item_parts`, in any split
        /// into parts, with and without a first item.
        #[test]
        fn results_are_written_as_serde_writes_them(
            seeds in proptest::collection::vec(proptest::prelude::any::<u64>(), 0..5),
            periods in 0usize..70,
            per_part in 1usize..4,
            first in proptest::prelude::any::<bool>(),
        ) {
            let results: Vec<ScenarioResult> = seeds
                .iter()
                .enumerate()
                .map(|(i, &s)| result_of(s, if i == 0 { periods } else { periods % 7 }))
                .collect();
            proptest::prop_assert_eq!(
                result_parts(&results, first, per_part).unwrap().concat(),
                item_parts(&results, first, per_part).unwrap().concat()
            );
        }
    }

    /// Dates and periods serialize as their `Display` text, every kind of period, in
    /// years of one to four digits.
    #[test]
    fn dates_and_periods_serialize_as_displayed() {
        use crate::model::Period;
        for y in (1..=30)
            .chain(990..=1010)
            .chain(1990..=2040)
            .chain(9980..=9999)
        {
            for p in Period::every_kind_in(y) {
                assert_eq!(
                    serde_json::to_string(&p).unwrap(),
                    format!("\"{p}\""),
                    "{p:?}"
                );
                for d in [p.start(), p.end()] {
                    assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{d}\""));
                }
            }
        }
    }

    #[test]
    fn nested_values_are_laid_out_as_indented_alone() {
        let items = vec![
            serde_json::json!({"a": 1, "b": [], "c": {}, "d": [[1, 2], [], [{"e": null}]]}),
            serde_json::json!("a line\nand another"),
            serde_json::json!([]),
            serde_json::json!({"x": {"y": {"z": ["deep", {"w": true}]}}}),
            serde_json::json!(12.5),
        ];
        for first in [true, false] {
            for per_part in [1, 2, 8] {
                let parts = item_parts(&items, first, per_part).unwrap();
                assert_eq!(parts.len(), items.len().div_ceil(per_part));
                assert_eq!(
                    parts.concat(),
                    reindented(&items, first),
                    "{first} {per_part}"
                );
            }
        }
        assert!(item_parts::<serde_json::Value>(&[], true, 8)
            .unwrap()
            .is_empty());
    }

    fn threshold(name: &str, n: i64) -> Thresholds {
        Thresholds {
            scenario: name.to_string(),
            by: (0..n)
                .map(|i| Threshold {
                    date: Date::from_ymd(2026 + i32::try_from(i).unwrap(), 1, 1).unwrap(),
                    cap: Decimal::new(i * 1000 + 5, 1),
                })
                .collect(),
            never_binds_above: Decimal::new(123_456, 2),
        }
    }

    /// The head, the items in any split, and the closing parts make exactly the
    /// document rendered whole, with and without items and thresholds.
    #[test]
    fn parts_make_the_whole_document() {
        let terms = Terms::default();
        let shown = Shown::default();
        let ths: Vec<Thresholds> = (0..5).map(|i| threshold(&format!("s\"{i}\n"), i)).collect();
        for n in [0, 1, 2, 5] {
            let ths = ths.get(..n).unwrap();
            for with in [false, true] {
                let whole = compare(&[], &terms, None, with.then_some(ths), &shown).unwrap();
                for split in 0..=n {
                    let (a, b) = ths.split_at(split);
                    let mut doc = compare_head(&terms, None, &shown).unwrap();
                    doc.push('[');
                    doc.push_str(close_array(true));
                    if with {
                        doc.push_str(THRESHOLDS_KEY);
                        doc.push('[');
                        let first = items(a, true).unwrap();
                        doc.push_str(&first);
                        doc.push_str(&items(b, first.is_empty()).unwrap());
                        doc.push_str(close_array(n == 0));
                    }
                    doc.push_str(END);
                    assert_eq!(doc, whole, "{n} thresholds, split at {split}");
                }
            }
        }
        let whole = render(&[], &terms, &shown).unwrap();
        let doc = format!(
            "{}[{}{END}",
            run_head(&terms, None, &shown).unwrap(),
            close_array(true)
        );
        assert_eq!(doc, whole);
    }
}
