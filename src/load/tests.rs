//! The loader's unit tests: layouts, messages, lines, limits, and the two-halves read.

use rust_decimal::Decimal;

use super::row::trim;
use super::*;

fn load_str(s: &str) -> Result<Vec<Scenario>, Vec<Problem>> {
    load(s.as_bytes(), "t.csv", "t")
}
fn messages(s: &str) -> Vec<String> {
    load_str(s)
        .unwrap_err()
        .iter()
        .map(Problem::to_string)
        .collect()
}

#[test]
fn long_file_with_bom_crlf_spaces_and_any_order() {
    let s = load_str(
        "\u{feff}Period , REVENUE,note\r\n2028, 3B ,x\r\n2026,\"$1,000\",\r\n2027,\"2,000\",y\r\n",
    )
    .unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].name, "t");
    let got: Vec<String> = s[0]
        .periods
        .iter()
        .map(|p| format!("{} {}", p.period, p.revenue))
        .collect();
    assert_eq!(got, ["2026 1000", "2027 2000", "2028 3000000000"]);
    // Lines are those of the file (the header is line 1).
    assert_eq!(s[0].periods[0].line, 3);
}

#[test]
fn long_file_with_scenarios_and_rates() {
    let s =
        load_str("scenario,period,revenue,rate\nb,2027-Q1,1,\na,2027Q1,2,15%\nb,2027Q2,3,0.1\n")
            .unwrap();
    assert_eq!(
        s.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["b", "a"]
    );
    assert_eq!(s[0].periods[1].rate, Some(Decimal::new(1, 1)));
    assert_eq!(s[1].periods[0].rate, Some(Decimal::new(15, 2)));
}

#[test]
fn wide_file_one_scenario_per_column() {
    let s = load_str("period,base,bull,note\n2027-01,1,2,n\n2027-02,3,4,\n").unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s[1].name, "bull");
    assert_eq!(s[1].periods[1].revenue, Decimal::from(4));
}

#[test]
fn every_problem_is_reported_with_line_column_and_value() {
    let m = messages("period,revenue\n2026,12..7\n2027,-5\nabc,1\n");
    assert_eq!(
        m,
        [
            r#"t.csv: line 2, column "revenue": "12..7" is not a number (expected e.g. 12700000000, 12.7B or "$12,700,000,000")"#,
            r#"t.csv: line 3, column "revenue": "-5" is negative (revenue must be ≥ 0)"#,
            r#"t.csv: line 4, column "period": "abc" is not a period (expected a year 2027, a quarter 2027Q3 or 2027-Q3, or a month 2027-03)"#,
        ]
    );
}

#[test]
fn period_rules_gap_repeat_overlap() {
    assert_eq!(
        messages("period,revenue\n2026,1\n2029,1\n"),
        [
            r#"t.csv: line 3, column "period": "2029" leaves a gap in scenario "t": 2027 to 2028 is missing after 2026 (line 2)"#
        ]
    );
    assert_eq!(
        messages("period,revenue\n2026,1\n2026,2\n"),
        [
            r#"t.csv: line 3, column "period": "2026" repeats line 2 for scenario "t"; each period appears once"#
        ]
    );
    // Lengths may differ; the days between them must not be missing.
    assert_eq!(
        messages("period,revenue\n2026,1\n2027Q2,2\n"),
        [
            r#"t.csv: line 3, column "period": "2027Q2" leaves a gap in scenario "t": 2027-01-01 to 2027-03-31 is missing after 2026 (line 2)"#
        ]
    );
}

/// Periods of several lengths are sorted by start; each overlap is reported at the
/// later line, against the period reaching furthest before it, and the rest is still
/// checked for repeats and gaps.
#[test]
fn mixed_lengths_are_sorted_and_checked_for_overlaps() {
    assert_eq!(
        messages("period,revenue\n2026,1\n2026-01,2\n2027,3\n2026,4\n2030,5\n2026Q2,6\n"),
        [
            r#"t.csv: line 3, column "period": "2026-01" overlaps "2026" (line 2) in scenario "t": 2026-01-01 to 2026-01-31 would be counted twice; each day belongs to one period"#,
            r#"t.csv: line 5, column "period": "2026" repeats line 2 for scenario "t"; each period appears once"#,
            r#"t.csv: line 7, column "period": "2026Q2" overlaps "2026" (line 2) in scenario "t": 2026-04-01 to 2026-06-30 would be counted twice; each day belongs to one period"#,
            r#"t.csv: line 6, column "period": "2030" leaves a gap in scenario "t": 2028 to 2029 is missing after 2027 (line 4)"#,
        ]
    );
    // Quarters, then years; months, then quarters: in any row order.
    let s = load_str("period,revenue\n2027,5\n2026Q1,1\n2026Q3,1\n2026Q2,1\n2028,6\n2026Q4,1\n")
        .unwrap();
    let got: Vec<String> = s[0].periods.iter().map(|p| p.period.to_string()).collect();
    assert_eq!(
        got,
        ["2026Q1", "2026Q2", "2026Q3", "2026Q4", "2027", "2028"]
    );
    let s =
        load_str("period,revenue\n2026-01,1\n2026-02,1\n2026-03,1\n2026Q2,3\n2026H2,6\n").unwrap();
    let got: Vec<String> = s[0].periods.iter().map(|p| p.period.to_string()).collect();
    assert_eq!(got, ["2026-01", "2026-02", "2026-03", "2026Q2", "2026H2"]);
}

#[test]
fn dates_end_periods_the_scenario_says() {
    let labels = |text: &str| -> Vec<String> {
        load_str(text).unwrap()[0]
            .periods
            .iter()
            .map(|p| p.period.to_string())
            .collect()
    };
    // All dates: their spacing says the length.
    assert_eq!(
        labels("period,revenue\n2026-03-31,1\n2026-06-30,1\n2026/09/30,1\n"),
        ["2026Q1", "2026Q2", "2026Q3"]
    );
    assert_eq!(
        labels("period,revenue\n2026-12-31,1\n2027-12-31,1\n"),
        ["2026", "2027"]
    );
    assert_eq!(
        labels("period,revenue\n2026-01-31,1\n2026-02-28,1\n"),
        ["2026-01", "2026-02"]
    );
    // Other periods of one length say it, wherever the date is.
    assert_eq!(
        labels("period,revenue\n2026H1,1\n2026-12-31,1\n2027H1,1\n"),
        ["2026H1", "2026H2", "2027H1"]
    );
    // A missing quarter between dates is a gap, not another length.
    assert_eq!(
        messages("period,revenue\n2026-03-31,1\n2026-06-30,1\n2026-12-31,1\n"),
        [
            r#"t.csv: line 4, column "period": "2026-12-31" leaves a gap in scenario "t": 2026Q3 is missing after 2026Q2 (line 3)"#
        ]
    );
    assert_eq!(
        messages("period,revenue\n2026-09-30,1\n"),
        [
            r#"t.csv: line 2, column "period": "2026-09-30" is a date, and scenario "t" has no other period to say how long a period ends on it; write the period instead, e.g. 2026Q3 or 2026-09"#
        ]
    );
    assert_eq!(
        messages("period,revenue\n2026,1\n2027Q1,1\n2027-06-30,1\n"),
        [
            r#"t.csv: line 4, column "period": "2027-06-30" is a date, and the other periods of scenario "t" differ in length, so which period ends on it is unclear; write the period instead, e.g. 2027H1, 2027Q2 or 2027-06"#
        ]
    );
    assert_eq!(
        messages("period,revenue\n2026-01-31,1\n2026-03-31,1\n"),
        [
            r#"t.csv: line 2, column "period": "2026-01-31" is a date, and the dates of scenario "t" are 2 months apart at the least; a date is read as the end of a period of 1, 3, 6 or 12 months, so write the period instead, e.g. 2026-01"#,
            r#"t.csv: line 3, column "period": "2026-03-31" is a date, and the dates of scenario "t" are 2 months apart at the least; a date is read as the end of a period of 1, 3, 6 or 12 months, so write the period instead, e.g. 2026Q1 or 2026-03"#,
        ]
    );
    assert_eq!(
        messages("period,revenue\n2026Q1,1\n2026-05-31,1\n"),
        [
            r#"t.csv: line 3, column "period": "2026-05-31" is a date that ends the 3 months from 2026-03-01, which are not a calendar quarter; write the periods instead, e.g. 2026-05"#
        ]
    );
    assert_eq!(
        messages("period,revenue\n2026-06-30,1\n2027-06-30,1\n"),
        [
            r#"t.csv: line 2, column "period": "2026-06-30" is a date that ends the 12 months from 2025-07-01, which are not a calendar year, nor a fiscal year (fiscal years start in January; --fiscal-year-start July reads it as FY2026); write the periods instead, e.g. 2026H1, 2026Q2 or 2026-06"#,
            r#"t.csv: line 3, column "period": "2027-06-30" is a date that ends the 12 months from 2026-07-01, which are not a calendar year, nor a fiscal year (fiscal years start in January; --fiscal-year-start July reads it as FY2027); write the periods instead, e.g. 2027H1, 2027Q2 or 2027-06"#,
        ]
    );
}

#[test]
fn fiscal_years_start_in_the_month_given() {
    let read = |text: &str, month: u32| {
        read(text.as_bytes(), "t.csv", "t")
            .unwrap()
            .with_fiscal_start(crate::model::FiscalStart::month(month).unwrap())
            .into_scenarios()
    };
    let s = read("period,revenue\nFY27,1\nfy 2026,1\n", 7).unwrap();
    let got: Vec<String> = s[0]
        .periods
        .iter()
        .map(|p| format!("{} {} {}", p.period, p.period.start(), p.period.end()))
        .collect();
    assert_eq!(
        got,
        [
            "FY2026 2025-07-01 2026-06-30",
            "FY2027 2026-07-01 2027-06-30"
        ]
    );
    // With a January start a fiscal year is the calendar year.
    let s = read("period,revenue\nFY2026,1\n2027,1\n", 1).unwrap();
    assert_eq!(s[0].periods[0].period.to_string(), "2026");
    // A plain year stays the calendar year, and overlaps July fiscal years.
    let e = read("period,revenue\nFY2026,1\n2026,1\n", 7).unwrap_err();
    assert_eq!(
        e[0].to_string(),
        r#"t.csv: line 3, column "period": "2026" overlaps "FY2026" (line 2) in scenario "t": 2026-01-01 to 2026-06-30 would be counted twice; each day belongs to one period"#
    );
    // Dates a year apart that end the month before the fiscal start are fiscal years.
    let s = read("period,revenue\n2026-06-30,1\n2027-06-30,1\n", 7).unwrap();
    assert_eq!(s[0].periods[1].period.to_string(), "FY2027");
}

#[test]
fn header_problems() {
    assert_eq!(
        messages(""),
        [r#"t.csv: is empty (expected a header row with a "period" column)"#]
    );
    assert!(messages("when,revenue\n2026,1\n")[0].contains(r#"has no "period" column"#));
    assert!(messages("period,revenue,Revenue\n")[0].contains("twice"));
    assert_eq!(
        messages("period,revenue\n"),
        ["t.csv: has a header but no data rows"]
    );
    assert!(messages("period,revenue\n2026,1,2\n")[0].starts_with("t.csv: line 2: has 3 fields"));
}

// Regression: csv's `Position::line` reported CRLF rows one line early and
// ignored skipped blank lines and CR-only line ends (rust-csv #395).
#[test]
fn lines_are_right_with_crlf_cr_and_blank_lines() {
    for text in [
        "period,revenue\n2026,1\n\n\n2027,x\n",
        "period,revenue\r\n2026,1\r\n\r\n\r\n2027,x\r\n",
        "period,revenue\r2026,1\r\r\r2027,x\r",
        "\n\nperiod,revenue\n2026,1\n2027,x",
    ] {
        let m = messages(text);
        assert_eq!(m.len(), 1, "{text:?}");
        assert!(
            m[0].starts_with("t.csv: line 5, column \"revenue\": \"x\""),
            "{text:?}: {m:?}"
        );
    }
    // A quoted field spanning lines counts its line breaks.
    let m = messages("period,revenue\r\n2025,\"1\r\n0\"\r\n2026,x\r\n");
    assert!(m[1].starts_with("t.csv: line 4,"), "{m:?}");
}

#[test]
fn crlf_and_cr_files_report_true_lines() {
    for eol in ["\r\n", "\r", "\n"] {
        let text = ["period,revenue", "2026,1", "2027,x", ""].join(eol);
        let e = load(text.as_bytes(), "t.csv", "t").unwrap_err();
        assert_eq!(e[0].line, Some(3), "line ending {eol:?}");
    }
    // A CR LF split across two reads still counts as one line end.
    let reader = std::io::Read::chain(&b"period,revenue\r"[..], &b"\n2026,x\r\n"[..]);
    assert_eq!(load(reader, "t.csv", "t").unwrap_err()[0].line, Some(2));
}

#[test]
fn a_unit_column_must_hold_one_unit() {
    // Agreeing rows (any case, blanks allowed): ignored like a note, in both layouts.
    let s = load_str("period,revenue,unit\n2026,1,USD\n2027,2,usd\n2028,3,\n").unwrap();
    assert_eq!(s[0].periods.len(), 3);
    let s = load_str("period,currency,base,bull\n2026,EUR,1,2\n").unwrap();
    assert_eq!(
        s.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["base", "bull"]
    );
    // Each other unit is reported once, at its first row.
    assert_eq!(
        messages("period,revenue,units\n2026,1,USD\n2027,2,EUR\n2028,3,EUR\n2029,4,GBP\n"),
        [
            r#"t.csv: line 3, column "units": "EUR" differs from "USD" on line 2; revcap never converts units (convert the amounts to one unit, or split the file by unit)"#,
            r#"t.csv: line 5, column "units": "GBP" differs from "USD" on line 2; revcap never converts units (convert the amounts to one unit, or split the file by unit)"#,
        ]
    );
}

// Regression: the units and unnamed columns already reported were kept in lists
// searched for every row, quadratic in a file of many distinct units or many
// unnamed columns (seconds to hours); now sets.
#[test]
fn many_units_or_unnamed_columns_stay_linear() {
    let start = std::time::Instant::now();
    let mut text = String::from("period,revenue,unit\n");
    for m in 0..40_000 {
        text.push_str(&format!("{:04}-{:02},1,U{m}\n", 1000 + m / 12, m % 12 + 1));
    }
    let e = load_str(&text).unwrap_err();
    assert_eq!(e.iter().map(Problem::count).sum::<u64>(), 39_999);
    let mut text = format!("period,base{}\n", ",".repeat(20_000));
    for y in 2000..2020 {
        text.push_str(&format!("{y},1{}\n", ",7".repeat(20_000)));
    }
    let e = load_str(&text).unwrap_err();
    assert_eq!(e.iter().map(Problem::count).sum::<u64>(), 20_000);
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
}

#[test]
fn spreadsheet_headers_title_rows_and_separators() {
    let title = r#"t.csv: line 1: "Revenue (USD bn)" looks like a title: the first row must be the header; remove the title row above it"#;
    assert_eq!(
        messages("Revenue (USD bn)\nperiod,revenue\n2026,1\n"),
        [title]
    );
    // Exported with the table's width of empty cells.
    assert_eq!(
        messages("Revenue (USD bn),,\nperiod,revenue\n2026,1\n"),
        [title]
    );
    // Semicolons and tabs are read (the delimiter is sniffed), and so is a decimal
    // comma where commas do not separate columns (docs/spec.md §2.4); in a comma file
    // a quoted one is an error.
    let semicolons = load_str("period;revenue\n2026;12,7\n").unwrap();
    assert_eq!(semicolons[0].periods[0].revenue.to_string(), "12.7");
    assert_eq!(
        messages("period,revenue\n2026,\"12,7\"\n"),
        [
            r#"t.csv: line 2, column "revenue": "12,7" has a decimal comma (write 12.7, or pass --decimal-comma to read this file's numbers with one)"#
        ]
    );
    assert!(load_str("period\trevenue\n2026\t1\n").is_ok());
    // A tie goes to the comma, and the hint names the other delimiter.
    assert_eq!(
        messages("period\trevenue,x\n2026\t1\n"),
        [
            r#"t.csv: line 1: "period\trevenue" separates columns with tabs; read it with --delimiter tab"#
        ]
    );
    // A lone known column name is not mistaken for a title.
    assert!(messages("revenue\n1\n")[0].contains(r#"has no "period" column"#));
    // Lines of spaces or commas before the header are skipped like blank lines.
    let s = load_str("  \n,,\nperiod,revenue\n2026,1\n2027,x\n").unwrap_err();
    assert_eq!(s[0].line, Some(5));
    assert_eq!(
        messages(" \n , \n"),
        [r#"t.csv: is empty (expected a header row with a "period" column)"#]
    );
    // Unnamed columns: ignored in a long file, an error in a wide one only with a value.
    assert!(load_str("period,revenue,,\n2026,1,,\n2027,1,x,\n").is_ok());
    assert_eq!(
        messages("period,base,,\n2026,1,,\n2027,1,5,\n2028,1,6,\n"),
        [
            r#"t.csv: line 3, column 3: "5" is in a column with no name (in a wide file every column after period names a scenario: name the column or empty it)"#
        ]
    );
}

#[test]
fn a_header_of_many_columns_is_summed_up() {
    let header: Vec<String> = (0..1000).map(|i| format!("c{i}")).collect();
    let m = messages(&format!("{}\n", header.join(",")));
    assert_eq!(
        m,
        [
            r#"t.csv: line 1: has no "period" column (found "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", and 990 more; expected e.g. period,revenue or period,base,bull)"#
        ]
    );
}

#[test]
fn only_the_first_problems_are_kept_but_all_are_counted() {
    let mut text = String::from("period,revenue\n");
    for y in 1000..1250 {
        text.push_str(&format!("{y},x\n"));
    }
    let e = load_str(&text).unwrap_err();
    assert_eq!(e.len(), crate::error::MAX_LISTED + 1);
    assert_eq!(e.iter().map(Problem::count).sum::<u64>(), 250);
    assert_eq!(
        e.last().map(ToString::to_string).as_deref(),
        Some("t.csv: ... and 150 more problems (only the first 100 of each file are listed)")
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    /// Random long files (a few scenarios, good and bad values and periods, blank
    /// lines, CRLF or LF, a rate column or not) read as two halves give exactly
    /// what one read gives: scenarios, values, lines and every message.
    #[test]
    fn random_files_read_as_halves_like_the_whole(
        rows in proptest::collection::vec(
            (0usize..5, 0usize..8, 0usize..100, proptest::bool::weighted(0.1)),
            1..80,
        ),
        crlf in proptest::bool::ANY,
        rate in proptest::bool::ANY,
    ) {
        let names = ["a", "b", "c", "a-very-long-scenario-name", ""];
        let periods = ["2026-01", "2026-02", "2026-03", "2026-05", "2027", "2026Q1", "x", "2026-02"];
        let values = ["1", "2.50", "1e3", "-4", "", "123456789012345678.9"];
        // Quoted values now and then: a quote in the first half means one read.
        let value = |v: usize| match v {
            0..=1 => "\"1,000\"",
            2 => "\"2\n0\"",
            _ => values[v % values.len()],
        };
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("scenario,period,revenue{}{eol}", if rate { ",rate" } else { "" });
        for (n, p, v, blank) in rows {
            if blank {
                text.push_str(eol);
            }
            let r = if rate && n == 1 { ",0.1" } else if rate { "," } else { "" };
            text.push_str(&format!("{},{},{}{r}{eol}", names[n], periods[p], value(v)));
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, &text).unwrap();
        let bar = indicatif::ProgressBar::hidden();
        let size = text.len() as u64;
        let whole = read_file_from(&path, "t.csv", "t", size, &bar, u64::MAX)
            .and_then(Loaded::into_scenarios);
        let halves = read_file_from(&path, "t.csv", "t", size, &bar, 0)
            .and_then(Loaded::into_scenarios);
        proptest::prop_assert_eq!(whole, halves);
    }

    /// Plain lines read at once when they are the common long line
    /// (`RowReader::quick_row`) give what csv's records read by `RowReader::row`
    /// give: random files of cells on either side of each of its conditions (spaces
    /// around a cell, a field short or over, months and amounts nearly plain, an
    /// amount of 19 digits or more, a name that is not ASCII), with the columns in
    /// any order, read as plain halves and in one go by csv.
    #[test]
    fn quick_lines_read_like_records(
        rows in proptest::collection::vec(
            (0usize..8, 0usize..12, 0usize..19, 0usize..10),
            1..60,
        ),
        order in 0usize..3,
    ) {
        let names = ["a", "b", "a-longer-name-of-a-scenario", " a", "b ", "", "a b", "\u{e9}"];
        let periods = [
            "2026-01", "2026-02", "2026-03", "2026-13", "2026-00", "2026-1", " 2026-04",
            "2026-05 ", "2026", "2026Q3", "2026-06-30", "x",
        ];
        let amounts = [
            "1", "2.50", "0", "007.5", "1234567890123456789", "12345678901234567890",
            "123456789012345678.9", ".5", "5.", "1.2.3", "1,5", "-4", " 3", "3 ", "", "1e3",
            "$5", "0.000000000000000000001", "1.234",
        ];
        let header = ["scenario,period,revenue", "revenue,scenario,period", "period,revenue,scenario,note"][order];
        let mut text = format!("{header}\n");
        for (n, p, a, shape) in rows {
            let (n, p, a) = (names[n], periods[p], amounts[a]);
            let mut cells = match order {
                0 => vec![n, p, a],
                1 => vec![a, n, p],
                _ => vec![p, a, n, "note"],
            };
            // Now and then a field short or one over.
            match shape {
                0 => { cells.pop(); }
                1 => cells.push("over"),
                _ => {}
            }
            text.push_str(&cells.join(","));
            text.push('\n');
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, &text).unwrap();
        let bar = indicatif::ProgressBar::hidden();
        let size = text.len() as u64;
        let whole = read_file_from(&path, "t.csv", "t", size, &bar, u64::MAX);
        let halves = read_file_from(&path, "t.csv", "t", size, &bar, 0);
        // Cut, a file here is read as plain lines (it has no quote).
        if let Ok(h) = &halves {
            proptest::prop_assert_eq!(h.was_cut(), h.was_plain());
        }
        let said = |l: &Result<Loaded, Vec<Problem>>| {
            l.as_ref()
                .map(|l| format!("{:?} {:?}", l.warnings(), l.note()))
                .unwrap_or_default()
        };
        proptest::prop_assert_eq!(said(&whole), said(&halves));
        let whole = whole.and_then(Loaded::into_scenarios);
        let halves = halves.and_then(Loaded::into_scenarios);
        proptest::prop_assert_eq!(format!("{whole:?}"), format!("{halves:?}"));
    }

    /// The trimming shortcut trims exactly as `str::trim`.
    #[test]
    fn trim_is_str_trim(s in "[ \\t\u{a0}\u{3000}a-z0-9.,$é\"]{0,12}") {
        proptest::prop_assert_eq!(trim(&s), s.trim());
    }
}

fn load_limited(
    reader: &[u8],
    origin: &str,
    stem: &str,
    limits: Limits,
) -> Result<Vec<Scenario>, Vec<Problem>> {
    read_limited(reader, origin, stem, limits, Reading::default())?.into_scenarios()
}

/// A file read as two halves gives what one read gives: the same scenarios in the
/// same order, the same problems with the same lines, whichever half a scenario,
/// a repeat, a gap or a bad value falls in; files that may not be cut (quotes in
/// the first half, a unit column, wide files) are read whole.
#[test]
fn halves_read_like_the_whole() {
    let mut texts: Vec<String> = vec![
        "scenario,period,revenue\na,2026-01,1\nb,2026-01,2\na,2026-02,3\nc,2026-01,4\nb,2026-02,5\nc,2026-02,6\n".into(),
        "scenario,period,revenue\r\na,2026-01,1\r\n\r\nb,2026-01,2\r\na,2026-02,3\r\nc,2026-01,x\r\nb,2026-02,5\r\n".into(),
        "scenario,period,revenue,rate\na,2026,1,\nb,2026,2,0.1\na,2027,3,\nb,2028,4,\na,2027,5,0.2\nd,2026,1e40,\n".into(),
        "\n\nscenario,period,revenue\na,2026,1\na,2027,2\n,2028,3\nb,2026,4\nb,2028,5\nb,2029,-1\n".into(),
        "scenario,period,revenue\na,2026,\"1\"\nb,2026,2\na,2027,3\nb,2027,\"4\n\"\nc,2026,1\n".into(),
        "scenario,period,revenue,unit\na,2026,1,USD\nb,2026,2,EUR\na,2027,3,usd\nb,2027,4,EUR\n".into(),
        "period,a,b\n2026,1,2\n2027,3,4\n2028,5,x\n2029,7,8\n".into(),
        "scenario,period,revenue\na,2026,1\na,2027,2\na,2028,3\na,2029,4\na,2030,5,6\n".into(),
    ];
    // Many scenarios, each spread over both halves, one gap and one repeat.
    let mut big = String::from("scenario,period,revenue\n");
    for m in 1..=12 {
        for s in 0..40 {
            if !(s == 7 && m == 5) {
                big.push_str(&format!("s{s},2026-{m:02},{s}.{m}\n"));
            }
        }
    }
    big.push_str("s3,2026-01,9\n");
    texts.push(big);
    // A header longer than the 1 MiB read ahead for the second half: read whole.
    let columns: String = (0..140_000).map(|i| format!(",c{i:06}")).collect();
    let mut wide_header = format!("scenario,period,revenue{columns}\n");
    // Rows as wide as the header (more fields than its first MiB names), with
    // short ones around the middle so that the file is cut there.
    for i in 0..2012 {
        let commas = if (2..2002).contains(&i) { 0 } else { 140_000 };
        wide_header.push_str(&format!("s{i},2026,1{}\n", ",".repeat(commas)));
    }
    texts.push(wide_header);
    let dir = tempfile::tempdir().unwrap();
    let bar = indicatif::ProgressBar::hidden();
    for (i, text) in texts.iter().enumerate() {
        let path = dir.path().join(format!("{i}.csv"));
        std::fs::write(&path, text).unwrap();
        let size = text.len() as u64;
        let whole = read_file_from(&path, "t.csv", "t", size, &bar, u64::MAX)
            .and_then(Loaded::into_scenarios);
        let halves = read_file_from(&path, "t.csv", "t", size, &bar, 0);
        // The halves were really read apart where the file may be cut.
        let cut = halves.as_ref().is_ok_and(Loaded::was_cut);
        let halves = halves.and_then(Loaded::into_scenarios);
        assert!(whole == halves, "text {i}");
        assert_eq!(cut, ![4, 5, 6, 9].contains(&i), "text {i}");
        // Through the disk (no memory budget: every row goes to disk), whole and as
        // halves: the same scenarios, and the same problems, word for word.
        for (split_from, held) in [(u64::MAX, &whole), (0, &halves)] {
            let disk = read_file_within(&path, "t.csv", "t", size, &bar, split_from, 0);
            if let Ok(loaded) = &disk {
                assert!(loaded.went_to_disk(), "text {i}");
            }
            let disk = disk.and_then(Loaded::into_scenarios);
            assert!(
                format!("{disk:?}") == format!("{held:?}"),
                "text {i}, split from {split_from}"
            );
        }
    }
}

#[test]
fn inputs_over_the_limits_get_a_message() {
    let limits = Limits {
        bytes: 22, // exactly the first text
        values: 3,
        scenarios: 10,
        ..LIMITS
    };
    let text = "period,revenue\n2026,1\n";
    assert!(load_limited(text.as_bytes(), "t.csv", "t", limits).is_ok());
    let long = "period,revenue\n2026,1\n2027,1\n";
    assert_eq!(
        load_limited(long.as_bytes(), "t.csv", "t", limits).unwrap_err()[0].to_string(),
        "t.csv: is too large (more than 1 TiB; revcap takes at most 1 TiB per file: split it into several files, e.g. one per scenario)"
    );
    let limits = Limits {
        bytes: 1000,
        values: 3,
        scenarios: 10,
        ..LIMITS
    };
    let wide = "period,a,b\n2026,1,1\n2027,1,1\n2028,1,1\n";
    assert_eq!(
        load_limited(wide.as_bytes(), "t.csv", "t", limits).unwrap_err()[0].to_string(),
        "t.csv: line 3: has more than 3 values (a scenario's revenue in a period is one value; revcap keeps them all, in memory or in a temporary file: split the file)"
    );
    // Lines are kept in 31 bits: past the line limit the file stops, with the
    // problems found before it.
    let limits = Limits { lines: 3, ..LIMITS };
    let text = "period,revenue\n2026,1\n2027,x\n";
    assert!(load_limited(text.as_bytes(), "t.csv", "t", limits).is_err_and(|p| p.len() == 1));
    let text = "period,revenue\n2026,1\n2027,x\n2028,1\n";
    let problems: Vec<String> = load_limited(text.as_bytes(), "t.csv", "t", limits)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(problems.len(), 2);
    assert_eq!(
        problems[1],
        "t.csv: has more than 3 lines (revcap numbers lines in 31 bits: split the file)"
    );
    let limits = Limits {
        bytes: 1000,
        values: 100,
        scenarios: 2,
        ..LIMITS
    };
    let long = "scenario,period,revenue\na,2026,1\nb,2026,1\na,2027,1\nc,2026,1\n";
    let three = "t.csv: has more than 2 scenarios (revcap reads at most that many per file: split the file)";
    assert_eq!(
        load_limited(long.as_bytes(), "t.csv", "t", limits).unwrap_err()[0].to_string(),
        three
    );
    let wide = "period,a,b,c\n2026,1,1,1\n";
    assert_eq!(
        load_limited(wide.as_bytes(), "t.csv", "t", limits).unwrap_err()[0].to_string(),
        three
    );
    let two = "scenario,period,revenue\na,2026,1\nb,2026,1\na,2027,1\n";
    assert!(load_limited(two.as_bytes(), "t.csv", "t", limits).is_ok());
}

/// Names kept inline in the lookup (≤ 15 bytes) and longer ones, names that differ
/// only by a trailing NUL or by length, all group apart and in order.
#[test]
fn scenario_names_group_exactly() {
    let names = [
        "a",
        "a\0",
        "abcdefghijklmno",
        "abcdefghijklmnop",
        "abcdefghijklmnopq",
        "b",
    ];
    let mut text = String::from("scenario,period,revenue\n");
    for year in [2026, 2027] {
        for n in names {
            text.push_str(&format!("\"{n}\",{year},1\n"));
        }
    }
    let s = load_str(&text).unwrap();
    let got: Vec<(&str, usize)> = s
        .iter()
        .map(|s| (s.name.as_str(), s.periods.len()))
        .collect();
    assert_eq!(got, names.map(|n| (n, 2)));
}

/// A bad cell in one scenario does not hide another scenario's gap; it only hides
/// the gap its own dropped row would make.
#[test]
fn gaps_are_checked_per_scenario() {
    let m = messages("scenario,period,revenue\na,2026,x\na,2027,1\nb,2026,1\nb,2028,1\n");
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(m[0].contains(r#""x" is not a number"#), "{m:?}");
    assert!(m[1].contains(r#"leaves a gap in scenario "b""#), "{m:?}");
}

#[test]
fn invalid_utf8_names_the_line() {
    let bytes = b"period,revenue\n2026,1\n2027,\xff\n";
    let e = load(&bytes[..], "t.csv", "t").unwrap_err();
    assert_eq!(
        e[0].to_string(),
        "t.csv: line 3, column \"revenue\": \"\u{fffd}\" is not valid UTF-8 text (byte 0xFF; save the file as UTF-8 CSV)"
    );
}

#[test]
fn a_character_split_across_two_cells_is_not_utf8() {
    // The record's bytes are UTF-8 as a whole ("1" + "é" + "x"), its cells are not.
    let bytes = b"period,revenue,notes\n2026,1\xc3,\xa9x\n";
    let e = load(&bytes[..], "t.csv", "t").unwrap_err();
    assert_eq!(
        e[0].to_string(),
        "t.csv: line 2, column \"revenue\": \"1\u{fffd}\" is not valid UTF-8 text (byte 0xC3; save the file as UTF-8 CSV)"
    );
}

#[test]
fn latin1_in_every_ignored_cell_is_accepted() {
    let mut text = b"period,revenue,notes\n".to_vec();
    for y in 2000..2400 {
        text.extend_from_slice(format!("{y},1,caf").as_bytes());
        text.extend_from_slice(b"\xe9\n");
    }
    let s = load(&text[..], "t.csv", "t").unwrap();
    assert_eq!(s[0].periods.len(), 400);
}

/// Halves read as plain lines, split by hand (`plain`), give what csv gives reading
/// the file in one go: the same scenarios, problems (with their lines), warnings and
/// note, whatever the line ends, blank lines, delimiter or bytes; a file with a quote
/// or a lone `\r` after its header is read by csv instead, with the same result.
#[test]
fn plain_halves_read_like_csv() {
    // A file of `rows` data lines under `header`, line ends `eol`, with `early` and
    // `late` put in after the second line and before the last two.
    fn file(header: &str, eol: &str, sep: &str, early: &[u8], late: &[u8], end: bool) -> Vec<u8> {
        let mut out = format!("{header}{eol}").into_bytes();
        for i in 0..60 {
            if i == 2 {
                out.extend_from_slice(early);
            }
            if i == 58 {
                out.extend_from_slice(late);
            }
            let line = format!("s{}{sep}2026-{:02}{sep}{}.5", i % 7, i / 7 + 1, i * 3);
            out.extend_from_slice(line.as_bytes());
            if i < 59 || end {
                out.extend_from_slice(eol.as_bytes());
            }
        }
        out
    }
    let h = "scenario,period,revenue";
    let cases: Vec<(&str, Vec<u8>, bool)> = vec![
        ("lf", file(h, "\n", ",", b"", b"", true), true),
        (
            "no last line end",
            file(h, "\n", ",", b"", b"", false),
            true,
        ),
        (
            "crlf, blank lines, bad values",
            file(
                h,
                "\r\n",
                ",",
                b"\r\n\r\ns1,2026-01,x\r\n",
                b"\n\ns2,2026-01,-1\r\n",
                true,
            ),
            true,
        ),
        (
            "lines of delimiters or spaces, short and long rows",
            file(
                h,
                "\n",
                ",",
                b",,\n  \ns3,2026-02\n",
                b"s4,2026-03,1,\n,2026-04,1\n",
                true,
            ),
            true,
        ),
        (
            "blank lines right after a CRLF header",
            file(&format!("{h}\r\n\r\n\n"), "\r\n", ",", b"", b"", true),
            true,
        ),
        (
            "BOM and a quoted header",
            file(
                "\u{feff}\"scenario\",\"period\",\"revenue\"",
                "\r\n",
                ",",
                b"",
                b"",
                true,
            ),
            true,
        ),
        (
            "not UTF-8, and not ASCII",
            file(
                "scenario,period,revenue,note",
                "\n",
                ",",
                b"s5,2026-01,1,caf\xe9\nd\xc3\xa9j\xc3\xa0,2026-01,2,\xc3\xa9t\xc3\xa9\n",
                b"s\xff,2026-01,3\n",
                true,
            ),
            true,
        ),
        (
            "semicolons",
            file(
                "scenario;period;revenue",
                "\n",
                ";",
                b"",
                b"s1;2026-12;1,5\n",
                true,
            ),
            true,
        ),
        (
            "tabs",
            file("scenario\tperiod\trevenue", "\n", "\t", b"", b"", true),
            true,
        ),
        (
            "a quote late",
            file(h, "\n", ",", b"", b"s6,2026-01,\"1\"\n", true),
            false,
        ),
        // A quote in the first half: not cut at all.
        (
            "a quote early",
            file(h, "\n", ",", b"s6,2026-01,\"1\"\n", b"", true),
            false,
        ),
        (
            "a lone CR",
            file(h, "\n", ",", b"", b"s6,2026-01,1\rs6,2026-02,1\n", true),
            false,
        ),
        (
            "a last line ending in CR",
            [file(h, "\n", ",", b"", b"", false), b"\r".to_vec()].concat(),
            false,
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let bar = indicatif::ProgressBar::hidden();
    for (name, text, plain) in cases {
        let path = dir.path().join("t.csv");
        std::fs::write(&path, &text).unwrap();
        let size = text.len() as u64;
        let whole = read_file_from(&path, "t.csv", "t", size, &bar, u64::MAX);
        let halves = read_file_from(&path, "t.csv", "t", size, &bar, 0);
        match &halves {
            Ok(h) => {
                let cut = !matches!(name, "a quote early" | "a line over 1 MiB");
                assert_eq!(h.was_cut(), cut, "{name}");
                assert_eq!(h.was_plain(), plain, "{name}");
            }
            Err(p) => panic!("{name}: {p:?}"),
        }
        let said = |l: &Result<Loaded, Vec<Problem>>| {
            l.as_ref()
                .map(|l| format!("{:?} {:?}", l.warnings(), l.note()))
                .unwrap_or_default()
        };
        assert_eq!(said(&whole), said(&halves), "{name}");
        let whole = whole.and_then(Loaded::into_scenarios);
        let halves = halves.and_then(Loaded::into_scenarios);
        assert_eq!(format!("{whole:?}"), format!("{halves:?}"), "{name}");
    }
}

/// The eight-bytes-at-a-time split finds every delimiter and tells ASCII from not,
/// as a byte-by-byte look does, wherever the delimiters and high bytes fall.
#[test]
fn split_finds_every_delimiter() {
    let mut seed = 7u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet = [
        b',', b';', b'a', b'0', b' ', 0x80, 0xff, 0x2b, 0x2d, 0x0c, 0xac,
    ];
    let mut ends = Vec::new();
    for _ in 0..20_000 {
        let len = (next() % 40) as usize;
        let text: Vec<u8> = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        for delimiter in [b',', b';', 0xac] {
            let ascii = super::plain::split(&text, delimiter, &mut ends);
            let mut want: Vec<usize> = (0..len).filter(|&i| text[i] == delimiter).collect();
            want.push(len);
            assert_eq!(ends, want, "{text:?}");
            assert_eq!(ascii, text.is_ascii(), "{text:?}");
        }
    }
}
