//! Columns separated by commas, semicolons, tabs or pipes (docs/spec.md §2): the
//! delimiter sniffed from the header row, `--delimiter` forcing one, `*.tsv` and
//! `*.txt` files in folders, and what a delimiter does not change (decimal commas).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{fixture, Workdir};

/// A folder holding `tests/fixtures/delimiters/NAME` as `NAME`, for each name.
fn with(names: &[&str]) -> Workdir {
    let w = Workdir::new();
    for name in names {
        w.write(name, fixture(&format!("delimiters/{name}")));
    }
    w
}

fn ledger(w: &Workdir, name: &str, more: &[&str]) -> String {
    let mut args = vec![
        "run",
        name,
        "--cap",
        "1000",
        "--format",
        "csv",
        "--no-files",
    ];
    args.extend_from_slice(more);
    w.ok_warned(&args, &uncovered(name))
}

/// The warnings a run of `NAME` prints under the default term (to 2030-12-31): the
/// long files' scenarios end on different days, so no one term covers them all, and
/// the ledgers compared here are the default term's; and the scale in a header.
fn uncovered(name: &str) -> String {
    let ends: &[(&str, &str)] = if name.starts_with("long") {
        &[("low", "2027-12-31"), ("high", "2026-06-30")]
    } else if name.starts_with("wide") {
        &[("base", "2028-12-31"), ("bull", "2028-12-31")]
    } else {
        &[("unit_with_comma", "2027-12-31")]
    };
    // `Revenue (USD, bn)` names a scale, which is not applied.
    let scale = if name.starts_with("unit_with_comma") {
        format!("warning: {name}: column \"Revenue (USD, bn)\" names a scale (billions), which revcap does not apply: 30 is read as 30, not 30 billion; give the cap in billions too ($38B is --cap 38) or write the amounts with their scale (30B)\n")
    } else {
        String::new()
    };
    scale
        + &ends
            .iter()
            .map(|(scenario, end)| {
                format!(
                    "warning: {name}: scenario \"{scenario}\": data ends {end}, before the term ends (2030-12-31): payments after it are not counted\n"
                )
            })
            .collect::<String>()
}

const LONG: [&str; 4] = [
    "long.csv",
    "long_semicolon.csv",
    "long_tab.tsv",
    "long_pipe.txt",
];
const WIDE: [&str; 4] = [
    "wide.csv",
    "wide_semicolon.csv",
    "wide_tab.tsv",
    "wide_pipe.txt",
];

#[test]
fn every_delimiter_gives_what_the_comma_file_gives() {
    for files in [LONG, WIDE] {
        let w = with(&files);
        let comma = ledger(&w, files[0], &[]);
        // The files hold quoted cells, a thousands comma and a rate column: a sanity
        // check that the comma file is read in full before comparing with it.
        assert_eq!(
            comma.lines().count(),
            1 + 4 + usize::from(files == WIDE) * 2
        );
        for f in &files[1..] {
            assert_eq!(ledger(&w, f, &[]), comma, "{f}");
        }
    }
}

#[test]
fn the_long_ledger_is_right() {
    let w = with(&["long_semicolon.csv"]);
    assert_eq!(
        ledger(&w, "long_semicolon.csv", &[]),
        "scenario,period,start,end,revenue,eligible_revenue,uncapped_payment,payment,cumulative,remaining_cap,capped,present_value,rate
low,2026,2026-01-01,2026-12-31,100,100,20,20,20,980,false,,0.2
low,2027,2027-01-01,2027-12-31,1000,1000,100,100,120,880,false,,0.1
high,2026Q1,2026-01-01,2026-03-31,2000,2000,400,400,400,600,false,,0.2
high,2026Q2,2026-04-01,2026-06-30,250.5,250.5,37.575,37.575,437.575,562.425,false,,0.15
"
    );
}

#[test]
fn forcing_the_delimiter_reads_the_same() {
    let w = with(&[
        "long_tab.tsv",
        "long_semicolon.csv",
        "wide_pipe.txt",
        "long.csv",
    ]);
    let comma = ledger(&w, "long.csv", &[]);
    for (file, flag) in [
        ("long_tab.tsv", "tab"),
        ("long_tab.tsv", "\\t"),
        ("long_tab.tsv", "\t"),
        ("long_semicolon.csv", ";"),
        ("long.csv", ","),
    ] {
        assert_eq!(
            ledger(&w, file, &["--delimiter", flag]),
            comma,
            "{file} {flag:?}"
        );
    }
    let sniffed = ledger(&w, "wide_pipe.txt", &[]);
    assert_eq!(ledger(&w, "wide_pipe.txt", &["--delimiter", "|"]), sniffed);
    // validate and compare take it too.
    w.ok(&[
        "validate",
        "long_semicolon.csv",
        "--delimiter",
        ";",
        "--through",
        "2026-06-30",
    ]);
    w.ok_warned(
        &[
            "compare",
            "long_semicolon.csv",
            "--delimiter",
            ";",
            "--cap",
            "1000",
            "--no-files",
        ],
        &uncovered("long_semicolon.csv"),
    );
}

#[test]
fn a_forced_delimiter_that_does_not_split_the_header_is_refused() {
    let w = with(&["long_semicolon.csv"]);
    assert_eq!(
        w.fails(
            &[
                "run",
                "long_semicolon.csv",
                "--delimiter",
                ",",
                "--no-files"
            ],
            1
        ),
        r#"error: long_semicolon.csv: line 1: "scenario;period;revenue;rate;note" is one column when split at commas (--delimiter ,): give the delimiter the file uses, or leave --delimiter out to detect it
"#
    );
    w.write("t.csv", "period,revenue\n2026,1\n");
    assert_eq!(
        w.fails(&["run", "t.csv", "--delimiter", "tab", "--no-files"], 1),
        r#"error: t.csv: line 1: "period,revenue" is one column when split at tabs (--delimiter tab): give the delimiter the file uses, or leave --delimiter out to detect it
"#
    );
}

#[test]
fn an_unknown_delimiter_is_refused() {
    let w = with(&["long.csv"]);
    assert_eq!(
        w.fails(&["run", "long.csv", "--delimiter", ":", "--no-files"], 1),
        "error: --delimiter: \":\" is not a delimiter (expected , ';' tab or '|')\n"
    );
}

#[test]
fn a_tie_goes_to_the_comma_and_the_flag_settles_it() {
    // `Revenue (USD, bn)` splits the header at its comma as often as at the semicolon.
    let w = with(&["unit_with_comma.csv"]);
    assert_eq!(
        w.fails(&["run", "unit_with_comma.csv", "--no-files"], 1),
        r#"error: unit_with_comma.csv: line 1: "Period;Revenue (USD" separates columns with semicolons; read it with --delimiter ';'
"#
    );
    assert_eq!(
        ledger(&w, "unit_with_comma.csv", &["--delimiter", ";"]),
        "scenario,period,start,end,revenue,eligible_revenue,uncapped_payment,payment,cumulative,remaining_cap,capped,present_value,rate
unit_with_comma,2026,2026-01-01,2026-12-31,10,10,2,2,2,998,false,,0.2
unit_with_comma,2027,2027-01-01,2027-12-31,12.5,12.5,2.5,2.5,4.5,995.5,false,,0.2
"
    );
}

#[test]
fn a_decimal_comma_in_a_semicolon_file_is_read_and_said() {
    // A semicolon file's decimal mark is decided from its first rows (tests/european.rs
    // has the rest); with --decimal-point its decimal comma is refused.
    let w = with(&["decimal_comma.csv"]);
    w.ok_warned(
        &["run", "decimal_comma.csv", "--no-files", "--through", "2027-12-31"],
        r#"note: decimal_comma.csv: numbers read with a decimal comma (line 3: "12,7" is 12.7); --decimal-point to read them otherwise
"#,
    );
    assert_eq!(
        w.fails(
            &["run", "decimal_comma.csv", "--no-files", "--decimal-point"],
            1
        ),
        r#"error: decimal_comma.csv: line 3, column "bull": "12,7" has a decimal comma, but --decimal-point reads numbers with a decimal point (write it with a decimal point, or pass --decimal-comma)
"#
    );
}

#[test]
fn a_folder_takes_csv_tsv_and_txt_files_in_name_order() {
    let w = Workdir::new();
    w.write("dir/b.tsv", "period\trevenue\n2026\t2\n");
    w.write("dir/a.csv", "period,revenue\n2026,1\n");
    w.write("dir/c.TXT", "period|revenue\n2026|3\n");
    w.write("dir/d.md", "# not a scenario\n");
    w.write("dir/e.dat", "period,revenue\n2026,9\n");
    let out = w.ok(&[
        "run",
        "dir",
        "--through",
        "2026-12-31",
        "--format",
        "csv",
        "--no-files",
    ]);
    let names: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(
        w.ok(&["validate", "dir", "--through", "2026-12-31"]),
        "ok: 3 scenarios in 3 files\n"
    );
}

#[test]
fn a_semicolon_file_read_as_halves_reads_like_the_whole() {
    // Many rows with quoted cells after the cut, so both halves are read with the
    // header's delimiter (a comma would turn every row into one cell).
    let mut text = String::from("scenario;period;revenue;note\n");
    for i in 0..2000 {
        text.push_str(&format!(
            "s{};{};1,{:03}.5;\"a;b\"\n",
            i % 7,
            2000 + i / 7,
            i % 1000
        ));
    }
    // The quote in the first half stops the cut; a file without quotes is cut.
    let plain = text.replace(";\"a;b\"", ";x");
    let w = Workdir::new();
    for (name, body, cut) in [("quoted.csv", &text, false), ("plain.csv", &plain, true)] {
        w.write(name, body);
        let path = w.path(name);
        let size = std::fs::metadata(&path).unwrap().len();
        let bar = indicatif::ProgressBar::hidden();
        let once = revcap::load::load(body.as_bytes(), name, "t");
        let halves = revcap::load::read_file_from(&path, name, "t", size, &bar, 0).unwrap();
        assert_eq!(halves.was_cut(), cut, "{name}");
        let halves = halves.into_scenarios();
        assert_eq!(format!("{once:?}"), format!("{halves:?}"), "{name}");
        assert_eq!(once.unwrap().len(), 7, "{name}");
    }
}
