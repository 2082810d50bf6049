//! revcap.xlsx read back with calamine: every sheet's cells are the CSV files' fields
//! (summary.csv, ledger.csv, compare.csv, sensitivity.csv, distribution.csv,
//! binding_probability.csv), typed: numbers as the nearest float to the
//! CSV's decimal, dates as dates, booleans as booleans, absent values as empty cells.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::Cursor;
use std::str::FromStr;

mod common;

use calamine::{Data, Reader, Xlsx};
use revcap::config::Variant;
use revcap::model::{Date, Scenario, Terms};
use revcap::render::xlsx::{self, Workbook};
use revcap::render::{Shown, TermSources};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn terms() -> Terms {
    Terms {
        rate: d("0.2"),
        cap: Some(d("38000000000")),
        from: Date::parse("2026-04-27"),
        through: Date::parse("2030-12-31").unwrap(),
        // Present values and their column too.
        discount_rate: Some(d("0.08")),
        ..Terms::default()
    }
}

fn scenarios() -> Vec<Scenario> {
    let mut out = Vec::new();
    for name in ["apr2025", "feb2026", "hsbc", "sep2025"] {
        let path = format!("scenarios/{name}.csv");
        let text = std::fs::read(&path).unwrap();
        out.extend(revcap::load::load(&text[..], &path, name).unwrap());
    }
    // Quarters, a name with a comma and a quote, and data that stops short of the
    // term (empty binding date and period).
    let odd =
        "scenario,period,revenue\n\"a, \"\"b\"\"\",2027Q1,1.5B\n\"a, \"\"b\"\"\",2027Q2,2.25B\n";
    out.extend(revcap::load::load(odd.as_bytes(), "odd.csv", "odd").unwrap());
    out
}

/// Whether each variant has a place on the cap axis, as `compare` decides it.
fn on_axis(variants: &[Variant], terms: &Terms) -> Vec<bool> {
    variants
        .iter()
        .map(|v| revcap::chart::compare::on_cap_axis(v, terms))
        .collect()
}

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

/// A cell as the CSV would write it: the float back to the CSV's decimal is checked
/// by the caller.
fn same(cell: &Data, field: &str, at: &str) {
    let epoch = Date::from_ymd(1899, 12, 30).unwrap();
    match cell {
        Data::Empty => assert_eq!(field, "", "{at}"),
        Data::String(s) => assert_eq!(s, field, "{at}"),
        Data::Bool(b) => assert_eq!(b.to_string(), field, "{at}"),
        Data::Float(f) => {
            // The nearest float to the exact decimal.
            let exact: f64 = field.parse().unwrap_or_else(|_| panic!("{at}: {field}"));
            assert_eq!(*f, exact, "{at}: {field}");
        }
        Data::Int(i) => assert_eq!(i.to_string(), field, "{at}"),
        Data::DateTime(t) => {
            let days = t.as_f64();
            assert_eq!(days.fract(), 0.0, "{at}");
            let date = epoch.add_days(days as i64).unwrap();
            assert_eq!(date.to_string(), field, "{at}");
        }
        other => panic!("{at}: unexpected cell {other:?} for {field}"),
    }
}

/// Every cell of `sheet` against the lines of `csv`.
fn sheet_is_csv(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str, csv_text: &str) {
    let range = book.worksheet_range(sheet).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(range.height(), records.len(), "{sheet}: rows");
    for (r, (row, record)) in range.rows().zip(&records).enumerate() {
        assert_eq!(row.len(), record.len(), "{sheet}: row {r}");
        for (c, (cell, field)) in row.iter().zip(record.iter()).enumerate() {
            same(cell, field, &format!("{sheet}!R{}C{}", r + 1, c + 1));
        }
    }
}

fn shown() -> Shown {
    let mut sources = TermSources::default();
    sources.0.insert("cap", "--cap".to_string());
    Shown {
        sources,
        ..Shown::default()
    }
}

#[test]
fn run_sheets_are_the_csv_files() {
    let results = revcap::compute_all(&scenarios(), &terms()).unwrap();
    let bytes = xlsx::workbook(&Workbook {
        terms: &terms(),
        shown: &shown(),
        results: &results,
        compare: None,
        on_cap_axis: &[],
        thresholds: None,
        sensitivity: None,
        distributions: None,
    })
    .unwrap();
    let mut book = open(bytes);
    assert_eq!(
        book.sheet_names(),
        ["Terms", "Summary", "Ledger", "Chart data", "Charts"]
    );
    let summary = revcap::render::csv::summary(&results).unwrap();
    sheet_is_csv(&mut book, "Summary", &summary);
    let ledger = revcap::render::csv::ledger(&results).unwrap().concat();
    sheet_is_csv(&mut book, "Ledger", &ledger);
    // Typed cells, not text that reads the same.
    let mut kinds = |sheet: &str, row: usize| -> String {
        let range = book.worksheet_range(sheet).unwrap();
        range
            .rows()
            .nth(row)
            .unwrap()
            .iter()
            .map(|c| match c {
                Data::String(_) => 's',
                Data::Float(_) => 'n',
                Data::Bool(_) => 'b',
                Data::DateTime(_) => 'd',
                Data::Empty => '-',
                _ => '?',
            })
            .collect()
    };
    assert_eq!(kinds("Summary", 1), "snnnnbsdnndd");
    // 2026, the first period in the term (2024 has no rate: no day of it is in the term).
    assert_eq!(kinds("Ledger", 3), "ssddnnnnnnbnn");
    // The Terms sheet: each term with its source, and the note on floats.
    let terms_sheet = book.worksheet_range("Terms").unwrap();
    let cells: Vec<String> = terms_sheet.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(cells.iter().any(|c| c == xlsx::FLOAT_NOTE));
    let cap_row = terms_sheet
        .rows()
        .find(|r| r[0] == Data::String("cap".into()))
        .unwrap();
    assert_eq!(cap_row[1], Data::Float(38e9));
    assert_eq!(cap_row[2], Data::String("--cap".into()));
    // The unit of every amount: none given here; in $M, said (a cap of 38000 is $38B).
    let unit_of = |book: &mut Xlsx<Cursor<Vec<u8>>>| {
        let sheet = book.worksheet_range("Terms").unwrap();
        let row = sheet
            .rows()
            .find(|r| r[0] == Data::String("unit".into()))
            .unwrap();
        row[1].to_string()
    };
    assert_eq!(
        unit_of(&mut book),
        "as written in the inputs (no unit given)"
    );
    let mut in_millions = shown();
    in_millions.unit = Some(revcap::unit::Unit::parse("$M").unwrap());
    let bytes = xlsx::workbook(&Workbook {
        terms: &terms(),
        shown: &in_millions,
        results: &results,
        compare: None,
        on_cap_axis: &[],
        thresholds: None,
        sensitivity: None,
        distributions: None,
    })
    .unwrap();
    assert_eq!(
        unit_of(&mut open(bytes)),
        "$M (every amount on every sheet)"
    );
    // Chart data: what is paid toward the cap at each period end, and the cap.
    let data = book.worksheet_range("Chart data").unwrap();
    assert_eq!(
        data.height(),
        1 + results.iter().map(|r| r.periods.len()).sum::<usize>()
    );
}

#[test]
fn compare_sheets_are_the_csv_files() {
    let scenarios = scenarios();
    let variants = common::cap_variants(&["20B", "38B", "none"], &terms());
    let (rows, thresholds) = revcap::compare_all(&scenarios, &terms(), &variants).unwrap();
    let bytes = xlsx::workbook(&Workbook {
        terms: &terms(),
        shown: &shown(),
        results: &[],
        compare: Some(&rows),
        on_cap_axis: &on_axis(&variants, &terms()),
        thresholds: Some(&thresholds),
        sensitivity: None,
        distributions: None,
    })
    .unwrap();
    let mut book = open(bytes);
    // `none` has no place on the cap axis; 20B and 38B are drawn.
    assert_eq!(
        book.sheet_names(),
        ["Terms", "Compare", "Thresholds", "Compare charts"]
    );
    let compare = revcap::render::csv::compare(&rows).unwrap().concat();
    sheet_is_csv(&mut book, "Compare", &compare);
    // Thresholds: a row per (scenario, year-end), as compare.json's.
    let mut text = String::from("scenario,by,cap,never_binds_above\n");
    for t in &thresholds {
        for b in &t.by {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                t.scenario.clone(),
                b.date.to_string(),
                b.cap.to_string(),
                t.never_binds_above.to_string(),
            ])
            .unwrap();
            text.push_str(&String::from_utf8(w.into_inner().unwrap()).unwrap());
        }
    }
    sheet_is_csv(&mut book, "Thresholds", &text);
}

#[test]
fn the_sensitivity_sheet_is_sensitivity_csv() {
    use revcap::analysis::sensitivity::{self as sens, Metric};
    let scenarios = scenarios();
    // Every metric (present values: the terms have a discount rate), and a revenue
    // swing wide enough that the odd scenario's cap stops binding at one end.
    let mut swings = sens::default_swings();
    for s in &mut swings {
        if s.input == revcap::analysis::Input::Revenue {
            *s = sens::parse_swing("revenue=0.5:3").unwrap();
        }
    }
    let found = sens::sensitivity(&scenarios, &terms(), &swings, &Metric::ALL).unwrap();
    let bytes = xlsx::workbook(&Workbook {
        terms: &terms(),
        shown: &shown(),
        results: &[],
        compare: None,
        on_cap_axis: &[],
        thresholds: None,
        sensitivity: Some(&found.rows),
        distributions: None,
    })
    .unwrap();
    let mut book = open(bytes);
    assert_eq!(book.sheet_names(), ["Terms", "Sensitivity"]);
    let csv_text = revcap::cmd::sensitivity::csv(&found.rows).unwrap();
    // Every kind of cell is there: days, "does not bind", empty swings, dates.
    assert!(csv_text.contains(",does not bind,") || csv_text.contains(",does not bind\n"));
    assert!(csv_text.contains(",+") && csv_text.contains(",-"));
    sheet_is_csv(&mut book, "Sensitivity", &csv_text);
    // Typed: the rate row of the first binding-date block.
    let range = book.worksheet_range("Sensitivity").unwrap();
    let rate = range
        .rows()
        .find(|r| {
            r[1] == Data::String("binding_date".into()) && r[2] == Data::String("rate".into())
        })
        .unwrap();
    assert_eq!(rate[3], Data::Float(0.15));
    assert!(matches!(rate[5], Data::DateTime(_)), "{:?}", rate[5]);
    assert!(matches!(rate[6], Data::Float(_)), "{:?}", rate[6]);
}

#[test]
fn the_distribution_sheets_are_the_csv_files() {
    use revcap::montecarlo::distribution::{Distributions, Key};
    let scenarios = scenarios();
    let mut dist = Distributions::new(terms().through, false);
    for (group, cap) in [("38B", "38000000000"), ("a, \"b\"", "20000000000")] {
        let t = Terms {
            cap: Some(d(cap)),
            ..terms()
        };
        let results = revcap::compute_all(&scenarios, &t).unwrap();
        let key = Key {
            group,
            variant: if group == "38B" { "" } else { "20B" },
            cap: t.cap,
            rate: None,
        };
        dist.add_results(&key, &results);
    }
    let rows = dist.summaries().unwrap();
    let probabilities = dist.probabilities().unwrap();
    let bytes = xlsx::workbook(&Workbook {
        terms: &terms(),
        shown: &shown(),
        results: &[],
        compare: None,
        on_cap_axis: &[],
        thresholds: None,
        sensitivity: None,
        distributions: Some((&rows, &probabilities)),
    })
    .unwrap();
    let mut book = open(bytes);
    assert_eq!(
        book.sheet_names(),
        ["Terms", "Distributions", "Binding probability"]
    );
    let dist_csv = revcap::render::distribution::distribution_csv(&rows).unwrap();
    // Present values (a discount rate), and a binding date not reached (the odd
    // scenario stops short of the term).
    assert!(dist_csv.contains(",present_value,") && dist_csv.contains(",,\n"));
    sheet_is_csv(&mut book, "Distributions", &dist_csv);
    let prob_csv = revcap::render::distribution::probability_csv(&probabilities).unwrap();
    sheet_is_csv(&mut book, "Binding probability", &prob_csv);
}

#[test]
fn a_name_longer_than_excel_allows_is_cut_and_said() {
    let one = scenarios()[1].clone();
    // 'é' is one UTF-16 unit, '😀' two: the cut never splits a character.
    let name = format!("é{}", "😀".repeat(20_000));
    let long = revcap::model::Scenario {
        name: name.clone(),
        ..one
    };
    let results = revcap::compute_all(&[long], &terms()).unwrap();
    let bytes = xlsx::workbook(&Workbook {
        terms: &terms(),
        shown: &shown(),
        results: &results,
        compare: None,
        on_cap_axis: &[],
        thresholds: None,
        sensitivity: None,
        distributions: None,
    })
    .unwrap();
    let mut book = open(bytes);
    let summary = book.worksheet_range("Summary").unwrap();
    let Data::String(cut) = &summary.rows().nth(1).unwrap()[0] else {
        panic!("no name")
    };
    assert_eq!(cut.encode_utf16().count(), xlsx::MAX_TEXT);
    assert!(name.starts_with(cut.as_str()));
    let terms_sheet = book.worksheet_range("Terms").unwrap();
    let notes: Vec<String> = terms_sheet.cells().map(|(_, _, c)| c.to_string()).collect();
    // The Summary, Ledger and Chart data sheets each have the name.
    let periods = results[0].periods.len();
    let expected = format!(
        "{} cells are cut to their first 32,767 characters",
        1 + 2 * periods
    );
    assert!(notes.iter().any(|n| n.starts_with(&expected)), "{notes:?}");
}

#[test]
fn a_compare_of_caps_gets_native_charts_and_one_with_no_cap_does_not() {
    let scenarios = scenarios();
    let book_of = |caps: &[&str]| {
        let variants = common::cap_variants(caps, &terms());
        let (rows, _) = revcap::compare_all(&scenarios, &terms(), &variants).unwrap();
        open(
            xlsx::workbook(&Workbook {
                terms: &terms(),
                shown: &shown(),
                results: &[],
                compare: Some(&rows),
                on_cap_axis: &on_axis(&variants, &terms()),
                thresholds: None,
                sensitivity: None,
                distributions: None,
            })
            .unwrap(),
        )
    };
    assert_eq!(
        book_of(&["20B", "30B", "38B"]).sheet_names(),
        ["Terms", "Compare", "Compare charts"]
    );
    // A cap of none has no place on a cap axis: one cap left is no line.
    assert_eq!(
        book_of(&["20B", "none"]).sheet_names(),
        ["Terms", "Compare"]
    );
    assert_eq!(book_of(&["20B"]).sheet_names(), ["Terms", "Compare"]);
}

#[test]
fn a_run_with_a_name_longer_than_a_cell_writes_its_workbook() {
    let w = common::Workdir::new();
    let name = "n".repeat(40_000);
    w.write(
        "t.csv",
        format!("scenario,period,revenue\n{name},2026,1\n{name},2027,2\n"),
    );
    w.ok_wrote(
        &[
            "run",
            "t.csv",
            "--through",
            "2027-12-31",
            "--xlsx",
            "--no-charts",
            "--output",
            "out",
        ],
        4,
        "out",
    );
    let mut book: Xlsx<_> = calamine::open_workbook(w.path("out/revcap.xlsx")).unwrap();
    let summary = book.worksheet_range("Summary").unwrap();
    assert_eq!(
        summary.rows().nth(1).unwrap()[0],
        Data::String("n".repeat(xlsx::MAX_TEXT))
    );
    // summary.csv keeps the name whole.
    assert!(w.read("out/summary.csv").contains(&name));
}

/// The Compare charts draw a line per scenario through its variants on the cap axis
/// only: in a rate × cap grid, the row at the shared rate (other rates' totals on the
/// same line made it zigzag); a `--cap none` between caps splits a line into two
/// series of one colour, one legend entry. The Terms sheet names those left off.
#[test]
fn compare_charts_draw_the_variants_on_the_cap_axis() {
    let scenarios: Vec<Scenario> = scenarios().into_iter().take(2).collect();
    let chart_of = |variants: &[Variant]| {
        let (rows, _) = revcap::compare_all(&scenarios, &terms(), variants).unwrap();
        let bytes = xlsx::workbook(&Workbook {
            terms: &terms(),
            shown: &shown(),
            results: &[],
            compare: Some(&rows),
            on_cap_axis: &on_axis(variants, &terms()),
            thresholds: None,
            sensitivity: None,
            distributions: None,
        })
        .unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/charts/chart1.xml").unwrap(), &mut xml)
            .unwrap();
        let mut book = open(bytes);
        let notes: Vec<String> = book
            .worksheet_range("Terms")
            .unwrap()
            .rows()
            .flat_map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
            .collect();
        (xml, notes)
    };
    // Rates 15%, 20% (the shared one), 25%, each with caps 20B and 38B: a scenario's
    // rows 2-7 (the first's), the shared rate's caps its third and fourth.
    let grid = common::grid_variants(&["0.15", "0.2", "0.25"], &["20", "38"], &terms());
    let (xml, notes) = chart_of(&grid);
    assert_eq!(xml.matches("<c:ser>").count(), 2, "{xml}");
    for range in ["Compare!$D$4:$D$5", "Compare!$D$10:$D$11"] {
        assert!(xml.contains(range), "{range}\n{xml}");
    }
    assert!(!xml.contains("Compare!$D$2:"), "{xml}");
    let note = notes
        .iter()
        .find(|n| n.starts_with("The Compare charts draw the caps on the shared terms."))
        .expect("a note naming the variants left off");
    assert!(
        note.ends_with("Not on the cap axis: 0.15 · 20B, 0.15 · 38B, 0.25 · 20B and 0.25 · 38B."),
        "{note}"
    );

    // 20B, none, 38B: two series a scenario, the second of each out of the legend.
    let (xml, notes) = chart_of(&common::cap_variants(&["20B", "none", "38B"], &terms()));
    assert_eq!(xml.matches("<c:ser>").count(), 4, "{xml}");
    for cell in [
        "Compare!$D$2",
        "Compare!$D$4",
        "Compare!$D$5",
        "Compare!$D$7",
    ] {
        assert!(xml.contains(&format!("<c:f>{cell}</c:f>")), "{cell}\n{xml}");
    }
    // Each scenario's second series is out of the legend: series 1 and 3.
    for idx in [1, 3] {
        let entry = format!("<c:legendEntry><c:idx val=\"{idx}\"/><c:delete val=\"1\"/>");
        assert!(xml.contains(&entry), "{entry}\n{xml}");
    }
    assert_eq!(xml.matches("<c:legendEntry>").count(), 2, "{xml}");
    // Both series of a scenario in its colour, line and marker alike.
    let series: Vec<&str> = xml.split("<c:ser>").skip(1).collect();
    let colour = |ser: &str| {
        let colours: Vec<&str> = ser
            .match_indices("<a:srgbClr val=\"")
            .filter_map(|(at, m)| ser.get(at + m.len()..at + m.len() + 6))
            .collect();
        assert!(colours.len() >= 3, "line, marker fill and border: {ser}");
        assert!(colours.iter().all(|c| *c == colours[0]), "{ser}");
        colours[0].to_string()
    };
    assert_eq!(colour(series[0]), colour(series[1]));
    assert_eq!(colour(series[2]), colour(series[3]));
    assert_ne!(colour(series[0]), colour(series[2]));
    assert!(
        notes
            .iter()
            .any(|n| n.ends_with("Not on the cap axis: none.")),
        "{notes:?}"
    );

    // A cap below the one before starts a new series: Excel joins points in the
    // sheet's order, which would draw a line back to it.
    let (xml, _) = chart_of(&common::cap_variants(&["38B", "20B", "30B"], &terms()));
    assert_eq!(xml.matches("<c:ser>").count(), 4, "{xml}");
    assert!(xml.contains("<c:f>Compare!$D$2</c:f>"), "{xml}");
    assert!(xml.contains("Compare!$D$3:$D$4"), "{xml}");

    // Caps falling all the way: a line a cap and scenario, past Excel's 255 series
    // for 5 scenarios × 60 caps, so no chart, and the note says why.
    let falling: Vec<String> = (1..=60).rev().map(|b| format!("{b}B")).collect();
    let falling: Vec<&str> = falling.iter().map(String::as_str).collect();
    let (rows, _) = revcap::compare_all(
        &crate::scenarios(),
        &terms(),
        &common::cap_variants(&falling, &terms()),
    )
    .unwrap();
    let mut book = open(
        xlsx::workbook(&Workbook {
            terms: &terms(),
            shown: &shown(),
            results: &[],
            compare: Some(&rows),
            on_cap_axis: &on_axis(&common::cap_variants(&falling, &terms()), &terms()),
            thresholds: None,
            sensitivity: None,
            distributions: None,
        })
        .unwrap(),
    );
    assert_eq!(book.sheet_names(), ["Terms", "Compare"]);
    let terms_sheet = book.worksheet_range("Terms").unwrap();
    assert!(
        terms_sheet.rows().flatten().any(|c| c
            .to_string()
            .contains("make 300 lines, more than a chart holds (255)")),
        "{terms_sheet:?}"
    );

    // Caps alone: one series a scenario over all its rows, no note.
    let (xml, notes) = chart_of(&common::cap_variants(&["20B", "30B", "38B"], &terms()));
    assert_eq!(xml.matches("<c:ser>").count(), 2, "{xml}");
    assert!(xml.contains("Compare!$D$2:$D$4"), "{xml}");
    assert!(!notes
        .iter()
        .any(|n| n.starts_with("The Compare charts draw")));
}
