//! Header names as spreadsheets write them (docs/spec.md §2.1): units in brackets and
//! suffixes, `Year`/`Date` as the period column, and the warning for a wide file whose
//! columns look like other measures (docs/errors.md, "Columns taken as scenarios").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{fixture, Workdir};

const LEDGER_HEADER: &str = "scenario,period,start,end,revenue,eligible_revenue,uncapped_payment,payment,cumulative,remaining_cap,capped,present_value,rate";

/// A folder holding `tests/fixtures/headers/NAME` as `NAME`.
fn with(name: &str) -> Workdir {
    let w = Workdir::new();
    w.write(name, fixture(&format!("headers/{name}")));
    w
}

fn run_csv(w: &Workdir, name: &str) -> String {
    run_csv_warned(w, name, "")
}

/// [`run_csv`], expecting exactly `stderr`.
fn run_csv_warned(w: &Workdir, name: &str, stderr: &str) -> String {
    // Every file here ends with 2027, so the run covers its term.
    w.ok_warned(
        &[
            "run",
            name,
            "--through",
            "2027-12-31",
            "--cap",
            "1000",
            "--format",
            "csv",
            "--no-files",
        ],
        stderr,
    )
}

/// The ledger of a long file of revenue 100 and 200 in 2026 and 2027, named `stem`.
fn long_ledger(stem: &str) -> String {
    format!(
        "{LEDGER_HEADER}
{stem},2026,2026-01-01,2026-12-31,100,100,20,20,20,980,false,,0.2
{stem},2027,2027-01-01,2027-12-31,200,200,40,40,60,940,false,,0.2
"
    )
}

/// The warning for a revenue column named with a scale (docs/errors.md, "A scale in
/// the revenue column's name"): `scale` in words (plural), the `--cap` for $38B in it
/// and the suffix that writes it.
fn scale_warning(file: &str, column: &str, scale: &str, cap: &str, suffix: &str) -> String {
    let one = scale.trim_end_matches('s');
    format!("warning: {file}: column \"{column}\" names a scale ({scale}), which revcap does not apply: 30 is read as 30, not 30 {one}; give the cap in {scale} too ($38B is --cap {cap}) or write the amounts with their scale (30{suffix})\n")
}

/// stderr of `args`, which must succeed.
fn stderr_of(w: &Workdir, args: &[&str]) -> String {
    let out = w.cmd(args).assert().success().get_output().clone();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_unit_after_revenue_keeps_the_file_long() {
    // Before, each of these read as a wide file of three scenarios, each paid on.
    for stem in ["revenue_dollar", "revenue_usd"] {
        let name = format!("{stem}.csv");
        let w = with(&name);
        assert_eq!(run_csv(&w, &name), long_ledger(stem), "{name}");
    }
    // Millions: read as written, and said.
    let w = with("revenue_musd.csv");
    let out = run_csv_warned(
        &w,
        "revenue_musd.csv",
        &scale_warning("revenue_musd.csv", "revenue_musd", "millions", "38000", "M"),
    );
    assert_eq!(out, long_ledger("revenue_musd"));
}

/// A scale in the revenue column's name is dropped to recognise the column, never
/// applied: a file in billions under the terms' $38B cap would never reach it, so the
/// scale is warned of; a currency alone, or no unit, is not; nor with `--unit`. A wide
/// file's scenario columns with a scale in brackets are warned of alike (docs/errors.md,
/// "A scale in the revenue column's name").
#[test]
fn a_scale_in_the_revenue_name_is_warned_of() {
    let w = Workdir::new();
    // (name, scale, cap for $38B in it, suffix)
    let warned = [
        ("Revenue ($B)", "billions", "38", "B"),
        ("revenue_bn", "billions", "38", "B"),
        ("Revenue (USD m)", "millions", "38000", "M"),
        ("Revenue $M", "millions", "38000", "M"),
        ("revenue_usdm", "millions", "38000", "M"),
        ("Revenue (in thousands)", "thousands", "38000000", "K"),
        ("Revenue [EUR k]", "thousands", "38000000", "K"),
    ];
    for (header, scale, cap, suffix) in warned {
        w.write("t.csv", format!("period,{header}\n2026,12.7\n"));
        assert_eq!(
            stderr_of(&w, &["validate", "t.csv", "--through", "2026-12-31"]),
            scale_warning("t.csv", header, scale, cap, suffix),
            "{header}"
        );
    }
    for header in [
        "Revenue ($)",
        "revenue_usd",
        "Revenue [EUR]",
        "revenue",
        "Revenue (%)",
    ] {
        w.write("t.csv", format!("period,{header}\n2026,12.7\n"));
        assert_eq!(
            stderr_of(&w, &["validate", "t.csv", "--through", "2026-12-31"]),
            "",
            "{header}"
        );
    }
    // Said with `--unit`, the scale is known: nothing to warn of.
    w.write("t.csv", "period,Revenue (USD m)\n2026,12.7\n");
    assert_eq!(
        stderr_of(
            &w,
            &[
                "validate",
                "t.csv",
                "--through",
                "2026-12-31",
                "--unit",
                "$M",
            ]
        ),
        ""
    );
    // Nor for a wide file's columns.
    w.write("wu.csv", "period,base ($B)\n2026,12.7\n");
    assert_eq!(
        stderr_of(
            &w,
            &[
                "validate",
                "wu.csv",
                "--through",
                "2026-12-31",
                "--unit",
                "$B"
            ]
        ),
        ""
    );
    // A wide file's scenarios are named as written: a word after the name may be
    // part of it (`base_bn`, `Plan (B)`), but a unit in brackets is a scale read as
    // written, warned of once per scale.
    w.write(
        "w.csv",
        "period,base_bn,Plan (B),base ($B),bull ($B),bear (in millions)\n2026,1,2,3,4,5\n",
    );
    assert_eq!(
        stderr_of(&w, &["validate", "w.csv", "--through", "2026-12-31"]),
        scale_warning("w.csv", "base ($B)", "billions", "38", "B").replace(
            "column \"base ($B)\" names",
            "columns \"base ($B)\", \"bull ($B)\" name"
        ) + &scale_warning("w.csv", "bear (in millions)", "millions", "38000", "M")
    );
    // --unit in one scale: the columns in it are not warned of, those in another are,
    // as contradicting it.
    let conflict = |file: &str, column: &str, scale: &str| {
        format!("warning: {file}: column \"{column}\" names a scale ({scale}), but --unit says the amounts are in millions; revcap applies neither: 30 is read as 30 (give --unit the scale the amounts are in)\n")
    };
    let in_millions = ["--through", "2026-12-31", "--unit", "M"];
    assert_eq!(
        stderr_of(&w, &[&["validate", "w.csv"][..], &in_millions].concat()),
        conflict("w.csv", "base ($B)", "billions").replace(
            "column \"base ($B)\" names",
            "columns \"base ($B)\", \"bull ($B)\" name"
        )
    );
    w.write("rb.csv", "period,Revenue ($B)\n2026,12.7\n");
    assert_eq!(
        stderr_of(&w, &[&["validate", "rb.csv"][..], &in_millions].concat()),
        conflict("rb.csv", "Revenue ($B)", "billions")
    );
    // A lone letter beside another unit is a unit too, in either order.
    w.write(
        "w2.csv",
        "period,base (USD) (m),bull (B) (USD),bear (B)\n2026,1,2,3\n",
    );
    assert_eq!(
        stderr_of(&w, &["validate", "w2.csv", "--through", "2026-12-31"]),
        scale_warning("w2.csv", "base (USD) (m)", "millions", "38000", "M")
            + &scale_warning("w2.csv", "bull (B) (USD)", "billions", "38", "B")
    );
}

#[test]
fn year_is_the_period_column() {
    let w = with("year.csv");
    assert_eq!(run_csv(&w, "year.csv"), long_ledger("year"));
}

#[test]
fn date_is_the_period_column_and_a_month_end_date_is_its_month() {
    let w = with("date.csv");
    // Among months, 2026-03-31 is the month it ends (docs/spec.md §2.3).
    let csv = w.ok_warned(
        &[
            "run",
            "date.csv",
            "--no-files",
            "--format",
            "csv",
            "--through",
            "2026-03-31",
        ],
        &scale_warning("date.csv", "Revenue (USD m)", "millions", "38000", "M"),
    );
    assert!(
        csv.contains("\ndate,2026-03,2026-03-01,2026-03-31,300,"),
        "{csv}"
    );
    // A day that ends no month is still refused.
    w.write(
        "mid.csv",
        "Date,Revenue (USD m)\n2026-01,100\n2026-03-15,300\n",
    );
    assert_eq!(
        w.fails(&["run", "mid.csv", "--no-files"], 1),
        scale_warning("mid.csv", "Revenue (USD m)", "millions", "38000", "M")
            + "error: mid.csv: line 3, column \"Date\": \"2026-03-15\" is a date that does not end a month (a date is read as the last day of a period; write the period instead, e.g. 2026-03 or 2026Q1)\n"
    );
}

#[test]
fn messages_name_the_column_as_written() {
    let w = Workdir::new();
    w.write("t.csv", "Period,Revenue ($)\n2026,abc\n");
    assert_eq!(
        w.fails(&["run", "t.csv", "--no-files"], 1),
        "error: t.csv: line 2, column \"Revenue ($)\": \"abc\" is not a number (expected e.g. 12700000000, 12.7B or \"$12,700,000,000\")\n"
    );
}

const MEASURES_WARNING: &str = "warning: measures.csv: columns \"Costs ($)\", \"Headcount\" were taken as scenarios; if they are not revenue, name the revenue column \"revenue\" (a long file) or remove them\n";

#[test]
fn wide_columns_named_like_measures_are_warned_of() {
    let w = with("measures.csv");
    let out = w
        .cmd(&[
            "run",
            "measures.csv",
            "--through",
            "2027-12-31",
            "--format",
            "csv",
            "--no-files",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(String::from_utf8(out.stderr).unwrap(), MEASURES_WARNING);
    // Read as before: three scenarios.
    let stdout = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Sales",
            "Sales",
            "Costs ($)",
            "Costs ($)",
            "Headcount",
            "Headcount"
        ]
    );
}

/// How a file was read is one of `validate`'s warnings: listed, counted, failing
/// `--strict`, and in the JSON report.
#[test]
fn validate_counts_how_a_file_was_read_with_its_warnings() {
    let w = with("measures.csv");
    let args = ["validate", "measures.csv", "--through", "2027-12-31"];
    let out = w.cmd(&args).assert().code(0).get_output().clone();
    assert_eq!(String::from_utf8(out.stderr).unwrap(), MEASURES_WARNING);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "ok: 3 scenarios in 1 file (1 warning)\n"
    );
    let strict = [&args[..], &["--strict"]].concat();
    assert_eq!(
        w.fails(&strict, 1),
        format!("{MEASURES_WARNING}1 warning in 1 file; --strict makes warnings fail the check\n")
    );
    // A scale the header names but revcap does not apply, in JSON.
    w.write("b.csv", "period,Revenue ($B)\n2026,30\n2027,40\n");
    let json = [
        "validate",
        "b.csv",
        "--through",
        "2027-12-31",
        "--format",
        "json",
    ];
    let out = w.cmd(&json).assert().code(0).get_output().clone();
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["ok"].clone(), v["warning_count"].clone()),
        (true.into(), 1.into())
    );
    assert_eq!(v["warnings"][0]["origin"], "b.csv");
    assert!(
        v["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("column \"Revenue ($B)\" names a scale (billions)"),
        "{v}"
    );
    let out = w
        .cmd(&[&json[..], &["--strict"]].concat())
        .assert()
        .code(1)
        .get_output()
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    // --unit in billions says the amounts are in billions: nothing to warn of.
    assert_eq!(
        w.ok(&[
            "validate",
            "b.csv",
            "--through",
            "2027-12-31",
            "--unit",
            "B",
            "--strict"
        ]),
        "ok: 1 scenario in 1 file\n"
    );
}

#[test]
fn one_measure_column_is_warned_of_in_the_singular() {
    let w = Workdir::new();
    w.write("t.csv", "period,base,Gross margin %\n2026,1,2\n");
    let out = w
        .cmd(&["validate", "t.csv", "--through", "2026-12-31"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "warning: t.csv: column \"Gross margin %\" was taken as a scenario; if it is not revenue, name the revenue column \"revenue\" (a long file) or remove it\n"
    );
}

/// A wide sheet's totals column is paid on as a scenario of its own unless removed:
/// warned of, as a totals row is refused.
#[test]
fn a_totals_column_is_warned_of() {
    let w = Workdir::new();
    w.write(
        "t.csv",
        "period,OpenAI,Anthropic,Total\n2026,30B,10B,40B\n2027,30B,10B,40B\n",
    );
    let out = w
        .cmd(&[
            "validate",
            "t.csv",
            "--from",
            "2026-01-01",
            "--through",
            "2027-12-31",
        ])
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "warning: t.csv: column \"Total\" looks like a total of the others, and was taken as a scenario of its own; remove it if it is one\n"
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "ok: 3 scenarios in 1 file (1 warning)\n"
    );
    // Beside one other column a total adds nothing up: not warned of.
    w.write(
        "two.csv",
        "period,OpenAI,Total\n2026,30B,30B\n2027,30B,30B\n",
    );
    assert_eq!(
        w.ok(&[
            "validate",
            "two.csv",
            "--from",
            "2026-01-01",
            "--through",
            "2027-12-31"
        ]),
        "ok: 2 scenarios in 1 file\n"
    );
}

#[test]
fn wide_files_with_scenario_names_are_unchanged() {
    // Units are dropped only to recognise the known columns: `base_usd` stays a
    // scenario, and a bracket that is not a unit (`Revenue (base)`) keeps its name.
    let w = with("scenarios.csv");
    let out = w.ok(&[
        "run",
        "scenarios.csv",
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
    assert_eq!(
        names,
        [
            "base",
            "bull",
            "bear",
            "base_usd",
            "high_growth",
            "Revenue (base)"
        ]
    );
}

#[test]
fn an_exact_name_comes_before_one_read_as_it() {
    // `revenue` is the revenue column; `Revenue (USD)` is ignored as any other column.
    let w = Workdir::new();
    w.write(
        "t.csv",
        "period,Revenue (USD),revenue\n2026,5,100\n2027,5,200\n",
    );
    assert_eq!(run_csv(&w, "t.csv"), long_ledger("t"));
}

#[test]
fn two_names_read_as_one_column_are_an_error() {
    let w = Workdir::new();
    w.write("t.csv", "Year,Quarter,Revenue\n2026,Q1,100\n");
    assert_eq!(
        w.fails(&["run", "t.csv", "--no-files"], 1),
        "error: t.csv: line 1: header has columns \"Year\" and \"Quarter\" (columns 1 and 2), both read as \"period\"; name the one to use \"period\"\n"
    );
}

/// A unit column says what the amounts are in, as a header can: a scale in it (`USD
/// bn`) is not applied and is warned of, at its first cell, unless `--unit` gives one;
/// its currency labels the views (`EUR`: €), as a header's does.
#[test]
fn a_unit_column_with_a_scale_is_warned_of_and_its_currency_labels_the_views() {
    let w = Workdir::new();
    w.write(
        "u.csv",
        "period,revenue,unit\n2026,12.7,USD bn\n2027,20,USD bn\n",
    );
    let args = ["run", "u.csv", "--through", "2027-12-31", "--no-files"];
    let out = w.cmd(&args).assert().success().get_output().clone();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "warning: u.csv: line 2, column \"unit\": \"USD bn\" names a scale (billions), which revcap does not apply: 30 is read as 30, not 30 billion; give the cap in billions too ($38B is --cap 38) or write the amounts with their scale (30B)\n"
    );
    let said = [&args[..], &["--unit", "USD bn"]].concat();
    let out = w.cmd(&said).assert().success().get_output().clone();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("paid 6.54B USD on 32.7B USD"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    w.write("e.csv", "period,revenue,currency\n2026,12.7,EUR\n");
    let table = w.ok(&["run", "e.csv", "--through", "2026-12-31", "--no-files"]);
    assert!(
        table.contains("paid €2.54 on €12.70 eligible revenue"),
        "{table}"
    );
    // --unit in another scale than the unit column's: the two contradict each other.
    assert_eq!(
        stderr_of(&w, &[&args[..], &["--unit", "M"]].concat()),
        "warning: u.csv: line 2, column \"unit\": \"USD bn\" names a scale (billions), but --unit says the amounts are in millions; revcap applies neither: 30 is read as 30 (give --unit the scale the amounts are in)\n"
    );
    // The header and the unit column naming the same scale: said once.
    w.write("both.csv", "period,Revenue ($B),unit\n2026,12.7,USD bn\n");
    assert_eq!(
        stderr_of(&w, &["validate", "both.csv", "--through", "2026-12-31"]),
        scale_warning("both.csv", "Revenue ($B)", "billions", "38", "B")
    );
}

/// A unit column that says another currency or scale than the revenue column's name
/// is an error at its first cell, as two units in the column are: which one the
/// amounts are in is not guessed (before, `Revenue (€)` over `USD` cells printed € in
/// silence, and `Revenue ($M)` over `USD bn` gave two warnings that disagreed).
#[test]
fn a_unit_column_unlike_the_revenue_name_is_an_error() {
    let w = Workdir::new();
    let cases = [
        ("Revenue (€)", "USD", "currency", "EUR"),
        ("Revenue ($M)", "USD bn", "scale", "millions"),
        // Both differ: the currency is named.
        ("Revenue (€M)", "usd bn", "currency", "EUR"),
    ];
    for (column, unit, what, named) in cases {
        w.write(
            "t.csv",
            format!("period,{column},unit\n2026,12.7,\n2027,20,{unit}\n2028,30,{unit}\n"),
        );
        let err = w.fails(&["run", "t.csv", "--no-files"], 1);
        let error = format!(
            "error: t.csv: line 3, column \"unit\": \"{unit}\" is not the {what} ({named}) that column \"{column}\" names; revcap never converts units (make the column's name and its unit cells agree)\n"
        );
        assert!(err.ends_with(&error), "{column}, {unit}:\n{err}");
        assert_eq!(err.matches("error:").count(), 1, "{err}");
        // The unit's own scale warning is not given beside the error (it can be given
        // only where the unit names a scale the header does not: the second case).
        assert!(!err.contains("names a scale (billions)"), "{err}");
    }
    // Units that agree with the name, or say nothing it does not: read as before.
    for (column, unit) in [
        ("Revenue (€)", "EUR"),
        ("Revenue ($M)", "USD m"),
        ("Revenue ($)", "bn"),
        ("Revenue", "EUR"),
    ] {
        w.write("t.csv", format!("period,{column},unit\n2026,12.7,{unit}\n"));
        w.cmd(&["validate", "t.csv", "--through", "2026-12-31"])
            .assert()
            .success();
    }
}

/// Scenario names that differ only in case are two scenarios, and said to be: the
/// one seems to have a gap that the other fills.
#[test]
fn names_differing_only_in_case_are_warned_of() {
    let w = Workdir::new();
    w.write(
        "t.csv",
        "scenario,period,revenue\nbull,2026,1\nbase,2026,1\nBase,2027,2\nBASE,2028,3\nbear,2026,1\n",
    );
    let args = ["validate", "t.csv", "--through", "2026-12-31"];
    assert_eq!(
        w.ok_warned(&args, "warning: t.csv: scenarios \"base\", \"Base\", \"BASE\" differ only in case; each is read as a scenario of its own (write one name if they are one)\n"),
        "ok: 5 scenarios in 1 file (1 warning)\n"
    );
    // More than three groups: three named, the rest counted.
    let rows: String = ["a", "A", "b", "B", "c", "C", "d", "D", "e", "E"]
        .iter()
        .map(|n| format!("{n},2026,1\n"))
        .collect();
    w.write("many.csv", format!("scenario,period,revenue\n{rows}"));
    assert_eq!(
        stderr_of(&w, &["validate", "many.csv", "--through", "2026-12-31"]),
        "warning: many.csv: scenarios \"a\" and \"A\"; \"b\" and \"B\"; \"c\" and \"C\"; 2 more such groups differ only in case; each is read as a scenario of its own (write one name if they are one)\n"
    );
    // Names that differ otherwise, or capitals without a twin: nothing to say.
    w.write(
        "ok.csv",
        "scenario,period,revenue\nBase,2026,1\nbase2,2026,1\nBull,2026,1\n",
    );
    assert_eq!(
        stderr_of(&w, &["validate", "ok.csv", "--through", "2026-12-31"]),
        ""
    );
}
