//! Hostile inputs against the real binary: broken numbers, periods and rates,
//! malformed files, wrong terms and flags, bad paths and outputs, and inputs at the
//! limits. Every case checks the exit code, the exact message (file, line, column,
//! value, what was expected) and that the folder holds exactly the files it was given,
//! byte for byte: nothing written, nothing overwritten, no output folder left behind.
//!
//! `docs/errors.md` is the catalogue of these messages: `the_catalogue_shows_every_message`
//! checks that every message here appears in it verbatim, and that every example in it
//! is a message some case here produces.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Workdir, BIN};

/// What a case puts in a file.
enum Content {
    Text(&'static str),
    Bytes(&'static [u8]),
    /// Made when the case runs (large inputs).
    Made(fn() -> Vec<u8>),
    /// A sparse file of this many bytes: large on paper, nothing on disk or in memory.
    Sparse(u64),
    /// A symbolic link to this target (which need not exist).
    Link(&'static str),
    /// A FIFO (named pipe): opening it would block.
    Fifo,
}

struct Case {
    name: &'static str,
    files: Vec<(&'static str, Content)>,
    args: Vec<&'static str>,
    stdin: Option<&'static str>,
    code: i32,
    /// All of stderr; for usage errors (exit 2) its first line, clap's usage follows.
    stderr: &'static str,
}

fn case(name: &'static str, args: &[&'static str], code: i32, stderr: &'static str) -> Case {
    Case {
        name,
        files: Vec::new(),
        args: args.to_vec(),
        stdin: None,
        code,
        stderr,
    }
}

impl Case {
    fn file(mut self, path: &'static str, text: &'static str) -> Case {
        self.files.push((path, Content::Text(text)));
        self
    }
    fn content(mut self, path: &'static str, content: Content) -> Case {
        self.files.push((path, content));
        self
    }
    fn stdin(mut self, text: &'static str) -> Case {
        self.stdin = Some(text);
        self
    }
}

/// `revcap run t.csv` on one small file.
fn run_csv(name: &'static str, text: &'static str, stderr: &'static str) -> Case {
    case(name, &["run", "t.csv"], 1, stderr).file("t.csv", text)
}

const GOOD: &str = "period,revenue\n2026,1\n2027,2\n";

fn cases() -> Vec<Case> {
    vec![
        // ------------------------------------------------------------ numbers
        run_csv("not a number", "period,revenue\n2026,1\n2027,2\n2028,12..7\n",
            r#"error: t.csv: line 4, column "revenue": "12..7" is not a number (expected e.g. 12700000000, 12.7B or "$12,700,000,000")
"#),
        run_csv("negative revenue", "period,revenue\n2026,1\n2027,-5\n",
            r#"error: t.csv: line 3, column "revenue": "-5" is negative (revenue must be ≥ 0)
"#),
        run_csv("#N/A", "period,revenue\n2026,#N/A\n",
            r##"error: t.csv: line 2, column "revenue": "#N/A" is a spreadsheet error value, not a number (fix the formula or write 0)
"##),
        run_csv("#DIV/0!", "period,base,bull\n2026,1,#DIV/0!\n",
            r##"error: t.csv: line 2, column "bull": "#DIV/0!" is a spreadsheet error value, not a number (fix the formula or write 0)
"##),
        run_csv("empty cell", "period,revenue\n2026,\n2027,1\n",
            r#"error: t.csv: line 2, column "revenue": "" is empty (expected e.g. 12700000000, 12.7B or "$12,700,000,000"; write 0 for none)
"#),
        run_csv("a wide scenario with no value", "period,base,bull\n2026,1\n",
            r#"error: t.csv: line 2, column "bull": "" is empty, and so is every cell of scenario "bull" (expected e.g. 12700000000, 12.7B or "$12,700,000,000"; write 0 for none)
"#),
        run_csv("a hole in a wide scenario", "period,base,bull\n2026,1,5\n2028,3,7\n2027,2,\n",
            r#"error: t.csv: line 4, column "bull": "" is empty in 2027, between values of scenario "bull" (2026 to 2028); only cells before a scenario's first value or after its last may be empty (write 0 for none)
"#),
        run_csv("accounting negative", "period,revenue\n2026,\"(1,234)\"\n",
            r#"error: t.csv: line 2, column "revenue": "(1,234)" is a negative amount in accounting style (revenue must be ≥ 0)
"#),
        run_csv("accounting negative with a dollar sign", "period,revenue\n2026,\" $ (1,234.00) \"\n",
            r#"error: t.csv: line 2, column "revenue": "$ (1,234.00)" is a negative amount in accounting style (revenue must be ≥ 0)
"#),
        run_csv("accounting dash", "period,revenue\n2026, $ -   \n",
            r#"error: t.csv: line 2, column "revenue": "$ -" is an accounting dash, which a spreadsheet shows for zero (write 0 if that is meant)
"#),
        run_csv("negative after a spaced dollar sign", "period,revenue\n2026,$ -5\n",
            r#"error: t.csv: line 2, column "revenue": "$ -5" is negative (revenue must be ≥ 0)
"#),
        run_csv("accounting negative, unquoted", "period,revenue\n2026,(1,234)\n",
            "error: t.csv: line 2: has 3 fields, but the header has 2 (a stray or missing comma? quote values containing commas)\n"),
        run_csv("decimal comma", "period,revenue\n2026,\"12,7\"\n",
            r#"error: t.csv: line 2, column "revenue": "12,7" has a decimal comma (write 12.7, or pass --decimal-comma to read this file's numbers with one)
"#),
        run_csv("decimal comma after thousands point", "period,revenue\n2026,\"1.234,5\"\n",
            r#"error: t.csv: line 2, column "revenue": "1.234,5" has a decimal comma (write 1234.5, or pass --decimal-comma to read this file's numbers with one)
"#),
        run_csv("misplaced thousands separators", "period,revenue\n2026,\"1,00,000\"\n",
            r#"error: t.csv: line 2, column "revenue": "1,00,000" has misplaced thousands separators (expected groups of three digits, e.g. 12,700,000)
"#),
        run_csv("unit words around the number", "period,revenue\n2026,USD 12 bn\n",
            r#"error: t.csv: line 2, column "revenue": "USD 12 bn" has a unit "USD bn" (write the number alone, with at most a K, M, B or T suffix; revcap never converts units)
"#),
        run_csv("unit word", "period,revenue\n2026,12 USD\n",
            r#"error: t.csv: line 2, column "revenue": "12 USD" has a unit "USD" (write the number alone, with at most a K, M, B or T suffix; revcap never converts units)
"#),
        run_csv("unit suffix bn", "period,revenue\n2026,12.7bn\n",
            r#"error: t.csv: line 2, column "revenue": "12.7bn" has a unit "bn" (write the number alone, with at most a K, M, B or T suffix; revcap never converts units)
"#),
        run_csv("currency sign", "period,revenue\n2026,€12\n",
            r#"error: t.csv: line 2, column "revenue": "€12" has a currency sign "€", but nothing says the amounts are in EUR (pass --unit EUR, or write the currency in the header, e.g. Revenue (€); revcap never converts)
"#),
        run_csv("currency sign against the header", "period,Revenue (€)\n2026,€5\n2027,$5\n",
            r#"error: t.csv: line 3, column "Revenue (€)": "$5" has a currency sign "$", but the amounts are in EUR (revcap never converts: write every amount in one currency)
"#),
        run_csv("percent as revenue", "period,revenue\n2026,12%\n",
            r#"error: t.csv: line 2, column "revenue": "12%" is a percent, not an amount (expected an amount in money)
"#),
        run_csv("missing value", "period,revenue\n2026,n/a\n",
            r#"error: t.csv: line 2, column "revenue": "n/a" is not a number (a missing value? write 0 for none)
"#),
        run_csv("too large", "period,revenue\n2026,100000000000000000000000000000\n",
            r#"error: t.csv: line 2, column "revenue": "100000000000000000000000000000" is too large (amounts must stay below 7.9e28)
"#),
        run_csv("too many decimal places", "period,revenue\n2026,0.00000000000000000000000000001\n",
            r#"error: t.csv: line 2, column "revenue": "0.00000000000000000000000000001" has more than 28 decimal places
"#),
        run_csv("quote never closed", "period,revenue\n2026,\"12\n2027,5\n",
            r#"error: t.csv: line 2, column "revenue": "12\n2027,5" runs over several lines (a quote opened and never closed? check the quotes on this line)
"#),
        run_csv("sum overflows", "period,revenue\n2026,79228162514264337593543950335\n2027,79228162514264337593543950335\n",
            r#"error: t.csv: line 3, scenario "t": eligible revenue overflows in period 2027 (amounts must stay below 7.9e28)
"#),
        case("a prorated amount past 28 digits", &["run", "t.csv", "--from", "2026-01-02"], 1,
            r#"error: t.csv: line 2, scenario "t": eligible revenue overflows in period 2026 (amounts must stay below 7.9e28)
"#).file("t.csv", "period,revenue\n2026,100000000000000000.1\n"),
        case("a cap past 28 digits less the payments", &["run", "t.csv", "--cap", "1e17", "--from", "2026-04-27"], 1,
            r#"error: t.csv: line 2, scenario "t": remaining cap overflows in period 2026 (the cap less payments to 12 decimal places must fit in 28 digits: a cap below 7.9e16; for no cap, --cap none)
"#).file("t.csv", "period,revenue\n2026,20B\n"),
        // ------------------------------------------------------------ periods
        run_csv("quarter out of range", "period,revenue\n2026Q4,1\n2027Q5,2\n",
            r#"error: t.csv: line 3, column "period": "2027Q5" is not a period (expected a year 2027, a quarter 2027Q3 or 2027-Q3, or a month 2027-03): quarters are Q1 to Q4
"#),
        run_csv("month out of range", "period,revenue\n2027-13,1\n",
            r#"error: t.csv: line 2, column "period": "2027-13" is not a period (expected a year 2027, a quarter 2027Q3 or 2027-Q3, or a month 2027-03): months are 01 to 12
"#),
        run_csv("not a period", "period,revenue\nP07 2027,1\n",
            r#"error: t.csv: line 2, column "period": "P07 2027" is not a period (expected a year 2027, a quarter 2027Q3 or 2027-Q3, or a month 2027-03)
"#),
        run_csv("month and two-digit year, ambiguous", "period,revenue\nSep 26,1\n",
            r#"error: t.csv: line 2, column "period": "Sep 26" is ambiguous (a month and a two-digit year, or a day? write the year in full, e.g. Sep 2026, or 2026-09)
"#),
        run_csv("written-out quarter out of range", "period,revenue\nQ5 2026,1\n",
            r#"error: t.csv: line 2, column "period": "Q5 2026" is not a period (expected a year 2027, a quarter 2027Q3 or 2027-Q3, or a month 2027-03): quarters are Q1 to Q4
"#),
        run_csv("a date for a period", "period,revenue\n2027-03-01,1\n",
            r#"error: t.csv: line 2, column "period": "2027-03-01" is a date, not a period (did a spreadsheet turn 2027-03 into a date? write the period as text: 2027-03, 2027Q1 or 2027)
"#),
        run_csv("total row", "period,base,bull\n2026,1,2\n2027,1,2\nTotal,2,4\n",
            r#"error: t.csv: line 4, column "period": "Total" looks like a total row; remove it (revcap sums the periods itself)
"#),
        run_csv("header repeated", "scenario,Period,Revenue ($)\nb,2026,1\nScenario, period ,REVENUE ($)\nb,2027,2\n",
            r#"error: t.csv: line 3: repeats the header row (files joined together? remove the line)
"#),
        run_csv("empty period", "period,revenue\n2026,1\n,2\n",
            r#"error: t.csv: line 3, column "period": "" is empty (expected a period such as 2027, 2027Q3 or 2027-03)
"#),
        run_csv("gap", "period,revenue\n2026,1\n2029,2\n",
            r#"error: t.csv: line 3, column "period": "2029" leaves a gap in scenario "t": 2027 to 2028 is missing after 2026 (line 2)
"#),
        run_csv("repeated period", "period,revenue\n2026,1\n2027,2\n2026,3\n",
            r#"error: t.csv: line 4, column "period": "2026" repeats line 2 for scenario "t"; each period appears once
"#),
        run_csv("a year then a month, with a gap", "period,revenue\n2026,1\n2027-03,2\n",
            r#"error: t.csv: line 3, column "period": "2027-03" leaves a gap in scenario "t": 2027-01-01 to 2027-02-28 is missing after 2026 (line 2)
"#),
        run_csv("a year over its quarter", "period,revenue\n2026,1\n2026Q2,2\n",
            r#"error: t.csv: line 3, column "period": "2026Q2" overlaps "2026" (line 2) in scenario "t": 2026-04-01 to 2026-06-30 would be counted twice; each day belongs to one period
"#),
        // ---------------------------------------- half-years, fiscal years, dates
        run_csv("half-year 3", "period,revenue\n2026H1,1\n2026H3,2\n",
            r#"error: t.csv: line 3, column "period": "2026H3" is not a period: half-years are H1 and H2 (e.g. 2026H1 or H1 2026)
"#),
        run_csv("fiscal quarter", "period,revenue\nFY2026Q1,1\n",
            r#"error: t.csv: line 2, column "period": "FY2026Q1" is not a period: a fiscal year is FY and its year, e.g. FY2026 or FY26
"#),
        case("fiscal year before year 1", &["run", "t.csv", "--fiscal-year-start", "July"], 1,
            r#"error: t.csv: line 2, column "period": "FY0001" is not a period (a fiscal year must lie within years 1 to 9999)
"#).file("t.csv", "period,revenue\nFY0001,1\nFY0002,1\n"),
        case("unknown fiscal start", &["run", "t.csv", "--fiscal-year-start", "Jully"], 1,
            "error: --fiscal-year-start: \"Jully\" is not a month (expected a month's name or number, e.g. July, Jul or 7)\n")
            .file("t.csv", GOOD),
        run_csv("date mid-month", "period,revenue\n2026-08-31,1\n2026-09-15,2\n",
            r#"error: t.csv: line 3, column "period": "2026-09-15" is a date that does not end a month (a date is read as the last day of a period; write the period instead, e.g. 2026-09 or 2026Q3)
"#),
        run_csv("date either way round", "period,revenue\n2026-08-31,1\n02/03/2026,2\n",
            r#"error: t.csv: line 3, column "period": "02/03/2026" is a date that does not end a month, read day first or month first (a date is read as the last day of a period; write the period instead, e.g. 2026-03 or 2026-02)
"#),
        run_csv("lone date", "period,revenue\n2026-09-30,1\n",
            r#"error: t.csv: line 2, column "period": "2026-09-30" is a date, and scenario "t" has no other period to say how long a period ends on it; write the period instead, e.g. 2026Q3 or 2026-09
"#),
        run_csv("date among lengths", "period,revenue\n2026,1\n2027Q1,1\n2027-06-30,1\n",
            r#"error: t.csv: line 4, column "period": "2027-06-30" is a date, and the other periods of scenario "t" differ in length, so which period ends on it is unclear; write the period instead, e.g. 2027H1, 2027Q2 or 2027-06
"#),
        run_csv("dates two months apart", "period,revenue\n2026-10-31,1\n2026-12-31,1\n",
            r#"error: t.csv: line 2, column "period": "2026-10-31" is a date, and the dates of scenario "t" are 2 months apart at the least; a date is read as the end of a period of 1, 3, 6 or 12 months, so write the period instead, e.g. 2026-10
error: t.csv: line 3, column "period": "2026-12-31" is a date, and the dates of scenario "t" are 2 months apart at the least; a date is read as the end of a period of 1, 3, 6 or 12 months, so write the period instead, e.g. 2026, 2026H2, 2026Q4 or 2026-12
"#),
        run_csv("date ends no quarter", "period,revenue\n2026Q1,1\n2026-05-31,1\n",
            r#"error: t.csv: line 3, column "period": "2026-05-31" is a date that ends the 3 months from 2026-03-01, which are not a calendar quarter; write the periods instead, e.g. 2026-05
"#),
        run_csv("date ends no half-year", "period,revenue\n2026H1,1\n2026-09-30,1\n",
            r#"error: t.csv: line 3, column "period": "2026-09-30" is a date that ends the 6 months from 2026-04-01, which are not a calendar half-year; write the periods instead, e.g. 2026Q3 or 2026-09
"#),
        run_csv("date ends no year", "period,revenue\n2026,1\n2027-06-30,1\n",
            r#"error: t.csv: line 3, column "period": "2027-06-30" is a date that ends the 12 months from 2026-07-01, which are not a calendar year, nor a fiscal year (fiscal years start in January; --fiscal-year-start July reads it as FY2027); write the periods instead, e.g. 2027H1, 2027Q2 or 2027-06
"#),
        run_csv("date before year 1", "period,revenue\n0001-02-28,1\n0001-05-31,1\n",
            r#"error: t.csv: line 2, column "period": "0001-02-28" is not a period (the period that ends on it would start before year 1); write the period instead, e.g. 0001-02
error: t.csv: line 3, column "period": "0001-05-31" is a date that ends the 3 months from 0001-03-01, which are not a calendar quarter; write the periods instead, e.g. 0001-05
"#),
        case("fiscal year over its calendar year", &["run", "t.csv", "--fiscal-year-start", "7"], 1,
            r#"error: t.csv: line 3, column "period": "2026" overlaps "FY2026" (line 2) in scenario "t": 2026-01-01 to 2026-06-30 would be counted twice; each day belongs to one period
"#).file("t.csv", "period,revenue\nFY2026,1\n2026,1\n"),
        run_csv("dates with a quarter missing", "period,revenue\n2026-03-31,1\n2026-06-30,1\n2026-12-31,1\n",
            r#"error: t.csv: line 4, column "period": "2026-12-31" leaves a gap in scenario "t": 2026Q3 is missing after 2026Q2 (line 3)
"#),
        // ------------------------------------------------------------ rates
        run_csv("rate above 1", "period,revenue,rate\n2026,1,20\n",
            r#"error: t.csv: line 2, column "rate": "20" is above 1 (a rate is a fraction: did you mean 20%?)
"#),
        run_csv("rate above 100%", "period,revenue,rate\n2026,1,120%\n",
            r#"error: t.csv: line 2, column "rate": "120%" is above 100% (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)
"#),
        run_csv("negative rate", "period,revenue,rate\n2026,1,-0.1\n",
            r#"error: t.csv: line 2, column "rate": "-0.1" is negative (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)
"#),
        run_csv("rate with a decimal comma", "period,revenue,rate\n2026,1,\"0,2\"\n",
            r#"error: t.csv: line 2, column "rate": "0,2" has a decimal comma (write 0.2, or pass --decimal-comma to read this file's numbers with one)
"#),
        run_csv("rate missing value", "period,revenue,rate\n2026,1,n/a\n",
            r#"error: t.csv: line 2, column "rate": "n/a" is not a rate (a missing value? leave the cell empty to use the terms' rate)
"#),
        run_csv("rate accounting negative", "period,revenue,rate\n2026,1,(20%)\n",
            r#"error: t.csv: line 2, column "rate": "(20%)" is a negative rate in accounting style (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)
"#),
        run_csv("rate not a number", "period,revenue,rate\n2026,1,high\n",
            r#"error: t.csv: line 2, column "rate": "high" is not a rate (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)
"#),
        // ------------------------------------------------------------ structure
        run_csv("empty file", "",
            "error: t.csv: is empty (expected a header row with a \"period\" column)\n"),
        run_csv("only blank lines", "\n  \n,,\n",
            "error: t.csv: is empty (expected a header row with a \"period\" column)\n"),
        run_csv("header only", "period,revenue\n",
            "error: t.csv: has a header but no data rows\n"),
        run_csv("periods across the columns", "scenario,2026,2027,2028,2029\nbase,13B,20B,30B,40B\n",
            r#"error: t.csv: line 1: has periods across its columns ("2026", "2027", "2028", ...): revcap reads periods down a column; transpose the table (a row per period: period,base,bull) or write a row per scenario and period (scenario,period,revenue)
"#),
        run_csv("a row of units", "period,base,bull\n,$B,(USD bn)\n2026,13,15\n",
            r#"error: t.csv: line 2: is a row of units under the header; revcap reads amounts as written and applies no unit (remove the row; a unit may go in the column's name, e.g. Revenue ($B))
"#),
        run_csv("no header", "2026,1500\n2027,1800\n",
            r#"error: t.csv: line 1: has no "period" column (found "2026", "1500"; expected e.g. period,revenue or period,base,bull)
"#),
        run_csv("header repeated with its unit and byte order mark", "\u{feff}period,revenue,unit\n2026,1,USD\n\u{feff}Period,Revenue,Unit\n2027,2,USD\n",
            r#"error: t.csv: line 3: repeats the header row (files joined together? remove the line)
"#),
        run_csv("no period column", "when,revenue\n2026,1\n",
            r#"error: t.csv: line 1: has no "period" column (found "when", "revenue"; expected e.g. period,revenue or period,base,bull)
"#),
        run_csv("title row above the header", "OpenAI revenue projections (USD),,\nperiod,base,bull\n2026,1,2\n",
            r#"error: t.csv: line 1: "OpenAI revenue projections (USD)" looks like a title: the first row must be the header; remove the title row above it
"#),
        run_csv("Excel's sep= line above the header", "sep=;\r\nperiod;revenue\r\n2026;30000000000\r\n",
            r#"error: t.csv: line 1: "sep=" is Excel's line naming the delimiter (sep=), not the header: remove the line (revcap finds the delimiter from the header, or pass --delimiter)
"#),
        // Read with the delimiter sniffed from the header, and the decimal mark decided
        // from the first rows (docs/spec.md §2.4).
        run_csv("semicolon-separated, a point against the decided comma", "period;revenue\n2026;12,7\n2027;3.5\n",
            r#"note: t.csv: numbers read with a decimal comma (line 2: "12,7" is 12.7); --decimal-point to read them otherwise
error: t.csv: line 3, column "revenue": "3.5" has a decimal point, but this file's numbers have a decimal comma (line 2: "12,7"); write it with a decimal comma, or pass --decimal-point if line 2 is the odd one
"#),
        run_csv("tab-separated, a mark nothing decides", "period\trevenue\n2026\t1,234\n",
            r#"error: t.csv: line 2, column "revenue": "1,234" reads as 1234 with a decimal point or as 1.234 with a decimal comma, and no number in the first 200 rows tells which (pass --decimal-point or --decimal-comma)
"#),
        // A cell that cannot be read either way is named without a number.
        run_csv("semicolon-separated, the deciding cell has a unit", "period;revenue\n2026;30,5 Mrd\n",
            r#"note: t.csv: numbers read with a decimal comma (line 2: "30,5 Mrd"); --decimal-point to read them otherwise
error: t.csv: line 2, column "revenue": "30,5 Mrd" has a unit "Mrd" (write the number alone, with at most a K, M, B or T suffix; revcap never converts units)
"#),
        run_csv("tab-separated, an undecided cell with a unit", "period\trevenue\n2026\t1,234 Mrd\n",
            r#"error: t.csv: line 2, column "revenue": "1,234 Mrd" may have a decimal point or a decimal comma, and no number in the first 200 rows tells which (pass --decimal-point or --decimal-comma)
"#),
        case("a decimal comma against --decimal-point", &["run", "t.csv", "--decimal-point"], 1,
            r#"error: t.csv: line 2, column "revenue": "12,7" has a decimal comma, but --decimal-point reads numbers with a decimal point (write it with a decimal point, or pass --decimal-comma)
"#)
            .file("t.csv", "period;revenue\n2026;12,7\n"),
        case("a decimal point against --decimal-comma", &["run", "t.csv", "--decimal-comma"], 1,
            r#"error: t.csv: line 2, column "revenue": "12.7" has a decimal point, but --decimal-comma reads numbers with a decimal comma (write it with a decimal comma, or pass --decimal-point)
"#)
            .file("t.csv", "period;revenue\n2026;12.7\n"),
        case("a decimal comma after rows of none", &["run", "t.csv"], 1,
            r#"error: t.csv: line 203, column "revenue": "2,5" has a decimal comma, but this file's numbers are read with a decimal point (none of its first 200 rows has a decimal comma); pass --decimal-comma to read them with one
"#)
            .content("t.csv", Content::Made(|| {
                let mut text = String::from("scenario;period;revenue\n");
                for i in 0..201 {
                    text.push_str(&format!("s{i};2026;1\n"));
                }
                text.push_str("s;2026;2,5\n");
                text.into_bytes()
            })),
        case("UTF-16 of odd length", &["run", "t.txt"], 1,
            "error: t.txt: is UTF-16 text with an odd number of bytes (25): its end is cut off (save it again, or as UTF-8 CSV)\n")
            .content("t.txt", Content::Bytes(b"\xff\xfep\x00e\x00r\x00i\x00o\x00d\x00\t\x00r\x00e\x00v\x00\n\x00x")),
        case("UTF-16 with an unpaired surrogate", &["run", "t.txt"], 1,
            "error: t.txt: is not valid UTF-16 text (an unpaired surrogate 0xD800 at byte 2; save the file as UTF-8 CSV)\n")
            .content("t.txt", Content::Bytes(b"\xff\xfe\x00\xd8p\x00e\x00r\x00i\x00o\x00d\x00\n\x00")),
        case("forced delimiter splits nothing", &["run", "t.csv", "--delimiter", ","], 1,
            r#"error: t.csv: line 1: "period;revenue" is one column when split at commas (--delimiter ,): give the delimiter the file uses, or leave --delimiter out to detect it
"#)
            .file("t.csv", "period;revenue\n2026;1\n"),
        case("period found at another delimiter", &["run", "t.csv", "--delimiter", "|"], 1,
            r#"error: t.csv: line 1: "period;revenue" separates columns with semicolons; read it with --delimiter ';'
"#)
            .file("t.csv", "period;revenue|notes\n2026;1|x\n"),
        case("unknown delimiter", &["run", "t.csv", "--delimiter", ":"], 1,
            "error: --delimiter: \":\" is not a delimiter (expected , ';' tab or '|')\n")
            .file("t.csv", GOOD),
        run_csv("column twice", "period,revenue,Revenue\n2026,1,2\n",
            r#"error: t.csv: line 1: header has column "Revenue" twice (columns 2 and 3); names must be unique
"#),
        run_csv("two columns read as period", "Year,Quarter,Revenue\n2026,Q1,1\n",
            r#"error: t.csv: line 1: header has columns "Year" and "Quarter" (columns 1 and 2), both read as "period"; name the one to use "period"
"#),
        run_csv("scenario without revenue", "scenario,period\nbase,2026\n",
            r#"error: t.csv: line 1: has a "scenario" column but no "revenue" column (a long file needs both period and revenue)
"#),
        run_csv("no scenario columns", "period,note\n2026,x\n",
            r#"error: t.csv: line 1: has no "revenue" column and no scenario columns (expected period,revenue or period,base,bull,...)
"#),
        run_csv("value in an unnamed column", "period,base,\n2026,1,\n2027,2,5\n",
            r#"error: t.csv: line 3, column 3: "5" is in a column with no name (in a wide file every column after period names a scenario: name the column or empty it)
"#),
        run_csv("too many fields", "period,revenue\n2026,1\n2027,1,2\n",
            "error: t.csv: line 3: has 3 fields, but the header has 2 (a stray or missing comma? quote values containing commas)\n"),
        case("not UTF-8", &["run", "t.csv"], 1,
            "error: t.csv: line 3, column \"revenue\": \"2\u{fffd}\" is not valid UTF-8 text (byte 0xE9; save the file as UTF-8 CSV)\n")
            .content("t.csv", Content::Bytes(b"period,revenue,notes\n2026,1,caf\xe9\n2027,2\xe9,x\n")),
        case("a header not UTF-8", &["run", "t.csv"], 1,
            "error: t.csv: line 1, column 3: \"not\u{fffd}s\" is not valid UTF-8 text (byte 0xE9; save the file as UTF-8 CSV)\n")
            .content("t.csv", Content::Bytes(b"period,revenue,not\xe9s\n2026,1,x\n")),
        run_csv("units differ", "period,revenue,unit\n2026,1,USD\n2027,2,usd\n2028,3,EUR\n2029,4,EUR\n",
            r#"error: t.csv: line 4, column "unit": "EUR" differs from "USD" on line 2; revcap never converts units (convert the amounts to one unit, or split the file by unit)
"#),
        run_csv("a unit unlike the revenue name's currency", "period,Revenue (€),unit\n2026,1,USD\n",
            r#"error: t.csv: line 2, column "unit": "USD" is not the currency (EUR) that column "Revenue (€)" names; revcap never converts units (make the column's name and its unit cells agree)
"#),
        run_csv("a unit unlike the revenue name's scale", "period,Revenue ($B),unit\n2026,1,USD m\n",
            r#"warning: t.csv: column "Revenue ($B)" names a scale (billions), which revcap does not apply: 30 is read as 30, not 30 billion; give the cap in billions too ($38B is --cap 38) or write the amounts with their scale (30B)
error: t.csv: line 2, column "unit": "USD m" is not the scale (billions) that column "Revenue ($B)" names; revcap never converts units (make the column's name and its unit cells agree)
"#),
        run_csv("empty scenario name", "scenario,period,revenue\n,2026,1\n",
            r#"error: t.csv: line 2, column "scenario": "" is empty (expected a scenario name)
"#),
        case("scenario in two files", &["run", "a/base.csv", "b/base.csv"], 1,
            r#"error: b/base.csv: scenario "base" is also defined in a/base.csv; scenario names must be unique (rename a file or its scenario column)
"#)
            .file("a/base.csv", GOOD)
            .file("b/base.csv", GOOD),
        case("one good file, one bad", &["run", "good.csv", "bad.csv"], 1,
            r#"error: bad.csv: line 2, column "revenue": "x" is not a number (expected e.g. 12700000000, 12.7B or "$12,700,000,000")
"#)
            .file("good.csv", GOOD)
            .file("bad.csv", "period,revenue\n2026,x\n"),
        case("stdin", &["run", "-"], 1,
            r#"error: -: line 3, column "revenue": "1..0" is not a number (expected e.g. 12700000000, 12.7B or "$12,700,000,000")
"#)
            .stdin("period,revenue\n2026,1\n2027,1..0\n"),
        case("validate: every problem in every file, then a count", &["validate", "a.csv", "missing.csv", "b.csv", "--terms", "t.toml"], 1,
            r#"error: a.csv: line 2, column "revenue": "abc" is not a number (expected e.g. 12700000000, 12.7B or "$12,700,000,000")
error: a.csv: line 3, column "period": "2027Q5" is not a period (expected a year 2027, a quarter 2027Q3 or 2027-Q3, or a month 2027-03): quarters are Q1 to Q4
error: missing.csv: does not exist (expected a CSV file or workbook, a folder of them, or -)
error: b.csv: line 1: has no "period" column (found "when", "revenue"; expected e.g. period,revenue or period,base,bull)
error: t.toml: line 1, key "cap": "lots" is not a number (expected none or e.g. 12700000000, 12.7B or "$12,700,000,000")
5 problems in 4 files
"#)
            .file("a.csv", "period,revenue\n2026,abc\n2027Q5,1\n")
            .file("b.csv", "when,revenue\n2026,1\n")
            .file("t.toml", "cap = \"lots\"\n"),
        // ------------------------------------------------------------ terms and flags
        case("--rate above 1", &["run", "t.csv", "--rate", "1.5"], 1,
            "error: --rate: \"1.5\" is above 1 (a rate is a fraction: did you mean 1.5%?)\n")
            .file("t.csv", GOOD),
        case("--rate not a rate", &["run", "t.csv", "--rate", "twenty"], 1,
            "error: --rate: \"twenty\" is not a rate (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)\n")
            .file("t.csv", GOOD),
        case("--cap negative", &["run", "t.csv", "--cap=-5"], 1,
            "error: --cap: \"-5\" is negative (a cap must be ≥ 0, or none)\n")
            .file("t.csv", GOOD),
        case("--cap with a unit", &["run", "t.csv", "--cap", "38bn"], 1,
            "error: --cap: \"38bn\" has a unit \"bn\" (write the number alone, with at most a K, M, B or T suffix; revcap never converts units)\n")
            .file("t.csv", GOOD),
        case("--already-paid accounting negative", &["run", "t.csv", "--already-paid", "(5)"], 1,
            "error: --already-paid: \"(5)\" is a negative amount in accounting style (expected an amount ≥ 0)\n")
            .file("t.csv", GOOD),
        case("--cap accounting negative", &["run", "t.csv", "--cap", "(5B)"], 1,
            "error: --cap: \"(5B)\" is a negative amount in accounting style (a cap must be ≥ 0, or none)\n")
            .file("t.csv", GOOD),
        case("--cap missing value", &["run", "t.csv", "--cap", "n/a"], 1,
            "error: --cap: \"n/a\" is not a number (a missing value? write none for no cap)\n")
            .file("t.csv", GOOD),
        case("--rate missing value", &["run", "t.csv", "--rate", "n/a"], 1,
            "error: --rate: \"n/a\" is not a rate (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)\n")
            .file("t.csv", GOOD),
        case("--from not a date", &["run", "t.csv", "--from", "2026-13-01"], 1,
            "error: --from: \"2026-13-01\" is not a date (expected YYYY-MM-DD, e.g. 2026-04-27)\n")
            .file("t.csv", GOOD),
        case("--from after --through", &["run", "t.csv", "--from", "2027-01-01", "--through", "2026-12-31"], 1,
            "error: --from: \"2027-01-01\" is after the term's end, 2026-12-31 (--through); from must not be after through\n")
            .file("t.csv", GOOD),
        case("--from after the file's through", &["run", "t.csv", "--terms", "t.toml", "--from", "2031-01-01"], 1,
            "error: --from: \"2031-01-01\" is after the term's end, 2030-12-31 (through in t.toml, line 2); from must not be after through\n")
            .file("t.csv", GOOD)
            .file("t.toml", "rate = \"20%\"\nthrough = 2030-12-31\n"),
        case("--through before the file's from", &["run", "t.csv", "--terms", "t.toml", "--through", "2026-01-01"], 1,
            "error: --through: \"2026-01-01\" is before the term's start, 2026-04-27 (from in t.toml, line 1); through must not be before from\n")
            .file("t.csv", GOOD)
            .file("t.toml", "from = 2026-04-27\n"),
        case("terms: from after the default through", &["run", "t.csv", "--terms", "t.toml"], 1,
            "error: t.toml: line 1, key \"from\": \"2031-01-01\" is after the term's end, 2030-12-31 (the default through); from must not be after through\n")
            .file("t.csv", GOOD)
            .file("t.toml", "from = 2031-01-01\n"),
        case("terms: from after through", &["run", "t.csv", "--terms", "t.toml"], 1,
            "error: t.toml: line 2, key \"through\": the term starts on 2027-01-01, after it ends on 2026-12-31 (from on line 1); from must not be after through\n")
            .file("t.csv", GOOD)
            .file("t.toml", "from = 2027-01-01\nthrough = 2026-12-31\n"),
        case("--rate-step without =", &["run", "t.csv", "--rate-step", "2029-01-01"], 1,
            "error: --rate-step: \"2029-01-01\" is not DATE=RATE (expected e.g. 2029-01-01=0.15 or 2029-01-01=15%)\n")
            .file("t.csv", GOOD),
        case("--rate-step with a bad rate", &["run", "t.csv", "--rate-step", "2029-01-01=15"], 1,
            "error: --rate-step: \"2029-01-01=15\" is above 1 (a rate is a fraction: did you mean 15%?), after the =\n")
            .file("t.csv", GOOD),
        case("--rate-step date twice", &["run", "t.csv", "--rate-step", "2029-01-01=15%", "--rate-step", "2029-01-01=10%"], 1,
            "error: --rate-step: has two rate steps from 2029-01-01; give each date once\n")
            .file("t.csv", GOOD),
        case("every bad flag at once", &["run", "t.csv", "--rate", "x", "--cap", "y", "--discount-rate", "150%"], 1,
            r#"error: --rate: "x" is not a rate (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)
error: --cap: "y" is not a number (expected none or e.g. 12700000000, 12.7B or "$12,700,000,000")
error: --discount-rate: "150%" is above 100% (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)
"#)
            .file("t.csv", GOOD),
        case("terms: not TOML", &["run", "t.csv", "--terms", "t.toml"], 1,
            "error: t.toml: line 2: is not valid TOML: string values must be quoted, expected literal string\n")
            .file("t.csv", GOOD)
            .file("t.toml", "rate = 0.2\ncap = 38B\n"),
        case("terms: unknown key", &["run", "t.csv", "--terms", "t.toml"], 1,
            "error: t.toml: line 2, key \"capp\": unknown key (expected one of rate, rate_step, cap, already_paid, from, through, discount_rate)\n")
            .file("t.csv", GOOD)
            .file("t.toml", "rate = \"20%\"\ncapp = \"38B\"\n"),
        case("terms: wrong type", &["run", "t.csv", "--terms", "t.toml"], 1,
            "error: t.toml: line 1, key \"cap\": \"true\" must be a string, number or date\n")
            .file("t.csv", GOOD)
            .file("t.toml", "cap = true\n"),
        case("terms: an integer past TOML's", &["run", "t.csv", "--terms", "t.toml"], 1,
            "error: t.toml: line 2, key \"cap\": \"99999999999999999999\" is beyond what a TOML integer holds (±9223372036854775807); quote it: cap = \"99999999999999999999\"\n")
            .file("t.csv", GOOD)
            .file("t.toml", "rate = 0.2\ncap = 99999999999999999999\n"),
        case("terms: a cap past the largest amount", &["run", "t.csv", "--terms", "t.toml"], 1,
            "error: t.toml: line 1, key \"cap\": \"99999999999999999999999999999999999999999\" is beyond the largest amount, 79228162514264337593543950335 (about 7.9e28)\n")
            .file("t.csv", GOOD)
            .file("t.toml", "cap = 99999999999999999999999999999999999999999\n"),
        case("terms: a rate past any number", &["run", "t.csv", "--terms", "t.toml"], 1,
            "error: t.toml: line 1, key \"discount_rate\": \"1e400\" is beyond the largest number TOML holds (about 1.8e308)\n")
            .file("t.csv", GOOD)
            .file("t.toml", "discount_rate = 1e400\n"),
        case("--from after --through beside a terms.toml", &["run", "sc", "--from", "2027-01-01", "--through", "2026-12-31"], 1,
            "error: --from: \"2027-01-01\" is after the term's end, 2026-12-31 (--through); from must not be after through\n")
            .file("sc/t.csv", GOOD)
            .file("sc/terms.toml", "from = 2026-04-27\nthrough = 2030-12-31\n"),
        case("terms: rate_step not a table", &["run", "t.csv", "--terms", "t.toml"], 1,
            "error: t.toml: line 1, key \"rate_step\": must be an array of tables: [[rate_step]] with from and rate\n")
            .file("t.csv", GOOD)
            .file("t.toml", "rate_step = \"2029-01-01=15%\"\n"),
        case("terms: rate_step without rate", &["run", "t.csv", "--terms", "t.toml"], 1,
            "error: t.toml: line 1, key \"rate_step\": entry 1 needs rate\n")
            .file("t.csv", GOOD)
            .file("t.toml", "[[rate_step]]\nfrom = 2029-01-01\n"),
        case("terms: a later rate_step entry wrong", &["run", "t.csv", "--terms", "t.toml"], 1,
            "error: t.toml: line 4, key \"rate_step\": entry 2: rate \"abc\" is not a rate (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)\n")
            .file("t.csv", GOOD)
            .file("t.toml", "[[rate_step]]\nfrom = 2029-01-01\nrate = \"15%\"\n[[rate_step]]\nfrom = 2030-01-01\nrate = \"abc\"\n"),
        case("terms: file missing", &["run", "t.csv", "--terms", "nope.toml"], 1,
            "error: nope.toml: cannot read: No such file or directory (os error 2)\n")
            .file("t.csv", GOOD),
        case("terms: a folder", &["run", "t.csv", "--terms", "dir"], 1,
            "error: dir: cannot read: Is a directory (os error 21)\n")
            .file("t.csv", GOOD)
            .file("dir/x.txt", ""),
        case("folders under different terms", &["run", "a", "b"], 1,
            "error: terms: the inputs come under different terms (a/terms.toml, b/terms.toml); run them separately or pass --terms FILE\n")
            .file("a/x.csv", GOOD)
            .file("a/terms.toml", "cap = \"1B\"\n")
            .file("b/y.csv", GOOD)
            .file("b/terms.toml", "cap = \"2B\"\n"),
        case("--caps backwards", &["compare", "t.csv", "--caps", "10B:5B:1B"], 1,
            "error: --caps: \"10B:5B:1B\" starts above its end (10B > 5B); expected START ≤ END\n")
            .file("t.csv", GOOD),
        case("--caps too many", &["compare", "t.csv", "--caps", "0:1T:1"], 1,
            "error: --caps: \"0:1T:1\" gives 1000000000001 caps; at most 1000000 (use a larger step)\n")
            .file("t.csv", GOOD),
        case("--caps past any count", &["compare", "t.csv", "--caps", "0:79228162514264337593543950335:1"], 1,
            "error: --caps: \"0:79228162514264337593543950335:1\" gives more caps than a number holds (past 7.9e28); at most 1000000 (use a larger step)\n")
            .file("t.csv", GOOD),
        case("--caps with a count past 2^64", &["compare", "t.csv", "--caps", "0:79228162514264337593543950:1000"], 1,
            "error: --caps: \"0:79228162514264337593543950:1000\" gives 79228162514264337593544 caps; at most 1000000 (use a larger step)\n")
            .file("t.csv", GOOD),
        case("--rates backwards", &["compare", "t.csv", "--rates", "30%:10%:5%"], 1,
            "error: --rates: \"30%:10%:5%\" starts above its end (30% > 10%); expected START ≤ END\n")
            .file("t.csv", GOOD),
        case("--rates step 0", &["compare", "t.csv", "--rates", "10%:30%:0"], 1,
            "error: --rates: \"10%:30%:0\" has a step of 0 (expected a step > 0, e.g. 10%:30%:5%)\n")
            .file("t.csv", GOOD),
        case("--rates two parts", &["compare", "t.csv", "--rates", "10%:30%"], 1,
            "error: --rates: \"10%:30%\" is not START:END:STEP (expected e.g. 10%:30%:5%)\n")
            .file("t.csv", GOOD),
        case("--rates end above 100%", &["compare", "t.csv", "--rates", "10%:130%:5%"], 1,
            "error: --rates: \"10%:130%:5%\" end \"130%\" is above 100% (expected a fraction between 0 and 1 or a percent, e.g. 0.2 or 20%)\n")
            .file("t.csv", GOOD),
        case("--rates too many", &["compare", "t.csv", "--rates", "0:100%:0.001%"], 1,
            "error: --rates: \"0:100%:0.001%\" gives 100001 rates; at most 10000 (use a larger step)\n")
            .file("t.csv", GOOD),
        case("grid too many cells", &["compare", "t.csv", "--rates", "0:100%:0.02%", "--caps", "1B:1000B:1B"], 1,
            "error: compare: the grid has 5001000 cells (1 terms × 5001 rates × 1000 caps); at most 1000000 (use fewer rates or caps)\n")
            .file("t.csv", GOOD),
        case("grid: variant twice", &["compare", "t.csv", "--rate", "20%", "--rate", "0.2", "--cap", "38B"], 1,
            "error: compare: variant \"20% · 38B\" is given twice; give each rate, cap or terms file once\n")
            .file("t.csv", GOOD),
        case("grid: probability without distributions", &["compare", "t.csv", "--rates", "15%:25%:5%", "--metric", "probability:2028"], 2,
            "error: --metric probability:YEAR needs distributions: give --paths N (with --volatility) or --distribution\n")
            .file("t.csv", GOOD),
        case("grid: probability after the term", &["compare", "t.csv", "--paths", "5", "--volatility", "30%", "--rates", "15%:25%:5%", "--metric", "probability:2031"], 2,
            "error: --metric probability:2031: 2031-12-31 is not a year-end inside the term (years 2026 to 2030 are year-ends inside the term)\n")
            .file("t.csv", GOOD),
        case("run: --rate twice", &["run", "t.csv", "--rate", "20%", "--rate", "25%"], 1,
            "error: --rate: is given 2 times; only compare takes several rates (a rate × cap grid)\n")
            .file("t.csv", GOOD),
        case("compare --cap not a number", &["compare", "t.csv", "--cap", "38B", "--cap", "lots"], 1,
            "error: --cap: \"lots\" is not a number (expected none or e.g. 12700000000, 12.7B or \"$12,700,000,000\")\n")
            .file("t.csv", GOOD),
        case("compare: variant twice", &["compare", "t.csv", "--cap", "38B", "--cap", "38B"], 1,
            "error: compare: variant \"38B\" is given twice; give each cap or terms file once\n")
            .file("t.csv", GOOD),
        case("--chart-size too small", &["run", "t.csv", "--chart-size", "10x10"], 1,
            "error: --chart-size: \"10x10\" is not WIDTHxHEIGHT between 400x300 and 8000x8000 (expected e.g. 1600x1000)\n")
            .file("t.csv", GOOD),
        case("--unit with two scales", &["run", "t.csv", "--unit", "M bn"], 1,
            "error: --unit: \"M bn\" gives two scales (expected one currency and at most one scale, e.g. $M)\n")
            .file("t.csv", GOOD),
        case("--unit in brackets with nothing in them", &["run", "t.csv", "--unit", "()"], 1,
            "error: --unit: \"()\" is empty (expected a currency and/or a scale, e.g. $M, USD m, €bn, thousands)\n")
            .file("t.csv", GOOD),
        case("unknown flag", &["run", "t.csv", "--bogus"], 2,
            "error: unexpected argument '--bogus' found\n")
            .file("t.csv", GOOD),
        case("bad --format", &["run", "t.csv", "--format", "xml"], 2,
            "error: invalid value 'xml' for '--format <FORMAT>'\n")
            .file("t.csv", GOOD),
        case("stdin twice", &["run", "-", "-"], 2,
            "error: - (stdin) given twice; stdin can be read once\n")
            .stdin(GOOD),
        // ------------------------------------------------------------ paths and outputs
        case("path missing", &["run", "nope.csv"], 1,
            "error: nope.csv: does not exist (expected a CSV file or workbook, a folder of them, or -)\n"),
        case("folder without CSV files", &["run", "dir"], 1,
            "error: dir: is a folder with no *.csv, *.tsv, *.txt, *.xlsx, *.xlsm, *.xls or *.ods files\n")
            .file("dir/notes.md", "x"),
        case("not a file", &["run", "/dev/null"], 1,
            "error: /dev/null: is neither a file nor a folder\n"),
        case("read error", &["run", "/proc/self/mem"], 1,
            "error: /proc/self/mem: cannot read: Input/output error (os error 5)\n"),
        case("--output is a file", &["run", "t.csv", "--through", "2027-12-31", "--output", "out.txt"], 1,
            "error: out.txt: cannot write: exists and is not a folder (give --output a folder)\n")
            .file("t.csv", GOOD)
            .file("out.txt", "keep me"),
        case("--output under a file", &["run", "t.csv", "--through", "2027-12-31", "--output", "t.csv/out"], 1,
            "error: t.csv/out: cannot write: Not a directory (os error 20)\n")
            .file("t.csv", GOOD),
        case("--export where a file is already", &["scenarios", "--export", "ex"], 1,
            "error: ex/apr2025.csv: cannot write: already exists; revcap scenarios --export never replaces a file (choose an empty folder)\n")
            .file("ex/apr2025.csv", GOOD),
        case("--output is an input folder", &["run", "sc2", "--through", "2027-12-31", "--output", "sc2"], 2,
            "error: --output sc2 is the input folder sc2: its files would be read as scenarios (choose an --output outside the input folders)\n")
            .file("sc2/base.csv", GOOD),
        case("--output inside an input folder", &["run", "sc2", "--through", "2027-12-31", "--output", "sc2/reports"], 2,
            "error: --output sc2/reports is inside the input folder sc2: its files would be read as scenarios (choose an --output outside the input folders)\n")
            .file("sc2/base.csv", GOOD),
        case("--report with --no-files", &["run", "t.csv", "--report", "--no-files"], 2,
            "error: the argument '--report' cannot be used with '--no-files'\n")
            .file("t.csv", GOOD),
        case("--xlsx with --no-files", &["compare", "t.csv", "--xlsx", "--no-files"], 2,
            "error: the argument '--xlsx' cannot be used with '--no-files'\n")
            .file("t.csv", GOOD),
        // A name longer than an Excel cell is cut, not refused: tests/xlsx.rs.
        case("a folder where an output file goes", &["run", "t.csv", "--through", "2027-12-31", "--output", "cm", "--no-charts"], 1,
            "error: cm/summary.csv: cannot write: is a folder; refusing to replace it with a file (move or remove it)\n")
            .file("t.csv", GOOD)
            .file("cm/summary.csv/keep.txt", "mine"),
        case("--output onto an input", &["run", "data/ledger.csv", "--through", "2027-12-31", "--output", "data", "--no-charts"], 1,
            "error: data/ledger.csv: cannot write: is one of the inputs; refusing to overwrite it (choose another --output)\n")
            .file("data/ledger.csv", GOOD),
        case("--output a link to nothing", &["run", "t.csv", "--through", "2027-12-31", "--output", "out"], 1,
            "error: out: cannot write: a link to nothing (x/y); create its target or choose another --output\n")
            .file("t.csv", GOOD)
            .content("out", Content::Link("x/y")),
        case("--output a link that loops", &["run", "t.csv", "--through", "2027-12-31", "--output", "out"], 1,
            "error: out: cannot write: a link that loops; point it at a folder or choose another --output\n")
            .file("t.csv", GOOD)
            .content("out", Content::Link("out")),
        // Entries named like scenario files that are not: skipped with a warning
        // (tests/skipped.rs), refused with --strict.
        case("--strict: entries that are not scenario files", &["run", "sc", "--strict", "--through", "2027-12-31"], 1,
            "error: sc/loop.csv: not read: a link that loops (--strict)
error: sc/old.csv: not read: a link to nothing (archive/old.csv) (--strict)
error: sc/pipe.csv: not read: a FIFO, not a regular file (--strict)
error: sc/x.csv: not read: a folder, not a file (--strict)
")
            .file("sc/a.csv", GOOD)
            .content("sc/loop.csv", Content::Link("loop.csv"))
            .content("sc/old.csv", Content::Link("archive/old.csv"))
            .content("sc/pipe.csv", Content::Fifo)
            .file("sc/x.csv/keep.txt", "mine"),
        case("compare --strict: a folder named x.csv", &["compare", "sc", "--strict"], 1,
            "error: sc/x.csv: not read: a folder, not a file (--strict)\n")
            .file("sc/a.csv", GOOD)
            .file("sc/x.csv/keep.txt", "mine"),
        case("validate --strict: skipped entries", &["validate", "sc", "--strict", "--through", "2027-12-31"], 1,
            "warning: sc/pipe.csv: skipped: a FIFO, not a regular file
warning: sc/x.csv: skipped: a folder, not a file
2 warnings in 2 files; --strict makes warnings fail the check
")
            .file("sc/a.csv", GOOD)
            .content("sc/pipe.csv", Content::Fifo)
            .file("sc/x.csv/keep.txt", "mine"),
        // Data short of the term warns (once per scenario) before the run fails on
        // its output, so both messages show, in order.
        case("data short of the term, then an output that is a file",
            &["run", "short.csv", "late.csv", "--from", "2026-04-27", "--output", "out.txt"], 1,
            "warning: short.csv: scenario \"short\": data ends 2028-12-31, before the term ends (2030-12-31): payments after it are not counted
warning: late.csv: scenario \"late\": data starts 2027-01-01, after the term starts (2026-04-27): payments before it are not counted
error: out.txt: cannot write: exists and is not a folder (give --output a folder)
")
            .file("short.csv", "period,revenue\n2026,1\n2027,1\n2028,1\n")
            .file("late.csv", "period,revenue\n2027,1\n2028,1\n2029,1\n2030,1\n")
            .file("out.txt", "keep me"),
        // ------------------------------------------------------------ limits
        case("a 1 MB number", &["run", "t.csv"], 1,
            r#"error: t.csv: line 2, column "revenue": "11111111111111111111111111111111111111111111111111111111111111111111111111111111..." is too large (amounts must stay below 7.9e28)
"#)
            .content("t.csv", Content::Made(|| {
                let mut v = b"period,revenue\n2026,".to_vec();
                v.resize(v.len() + 1_000_000, b'1');
                v.push(b'\n');
                v
            })),
        case("a 10 MB line of text", &["run", "t.csv"], 1,
            "error: t.csv: line 1: is longer than 1 MiB (revcap reads lines of at most 1 MiB: is this a CSV file?)\n")
            .content("t.csv", Content::Made(|| vec![b'x'; 10_000_000])),
        case("a hundred thousand columns", &["run", "t.csv"], 1,
            r#"error: t.csv: line 1: has no "period" column (found "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", and 99990 more; expected e.g. period,revenue or period,base,bull)
"#)
            .content("t.csv", Content::Made(|| {
                let names: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
                format!("{}\n1\n", names.join(",")).into_bytes()
            })),
        case("a file over 1 TiB", &["run", "big.csv"], 1,
            "error: big.csv: is too large (1100000000000 bytes; revcap takes at most 1 TiB per file: split it into several files, e.g. one per scenario)\n")
            .content("big.csv", Content::Sparse(1_100_000_000_000)),
        // A workbook's sheet is held as text while it is read: 1 GiB at most.
        case("a workbook over 1 GiB", &["run", "big.xlsx"], 1,
            "error: big.xlsx: is too large (1100000000 bytes; revcap takes at most 1 GiB per file: split it into several files, e.g. one per scenario)\n")
            .content("big.xlsx", Content::Sparse(1_100_000_000)),
        // A CSV file over the old 1 GiB limit is read (its rows go to disk): this one
        // has no line end, so it stops at the line limit, after its first MiB.
        case("a CSV file over 1 GiB", &["run", "t.csv"], 1,
            "error: t.csv: line 1: is longer than 1 MiB (revcap reads lines of at most 1 MiB: is this a CSV file?)\n")
            .content("t.csv", Content::Sparse(1_100_000_000)),
        case("a garbage file: the first 100 problems and a count", &["validate", "t.csv"], 1,
            GARBAGE_STDERR)
            .content("t.csv", Content::Made(garbage)),
        // Workbooks (docs/spec.md §2.7; the fixtures are made by tests/workbooks.rs).
        case("a workbook's formula error cell", &["run", "t.xlsx"], 1,
            "error: t.xlsx: sheet Revenue, cell B3: \"#DIV/0!\" is a spreadsheet error value, not a number (fix the formula or write 0)\n")
            .content("t.xlsx", Content::Bytes(include_bytes!("fixtures/workbooks/errors.xlsx"))),
        case("a workbook's sheet that is not there", &["run", "t.xlsx", "--sheet", "Plan"], 1,
            "error: t.xlsx: has no sheet \"Plan\" (its sheets: \"Revenue\")\n")
            .content("t.xlsx", Content::Bytes(include_bytes!("fixtures/workbooks/errors.xlsx"))),
        case("a CSV file named .xlsx", &["run", "t.xlsx"], 1,
            "error: t.xlsx: is not a workbook (an .xlsx workbook is a zip archive; it looks like text: a CSV file with a workbook's name? rename it .csv)\n")
            .file("t.xlsx", GOOD),
        case("an .xls that is not one", &["run", "t.xls"], 1,
            "error: t.xls: is not a workbook (an .xls workbook is an OLE compound file; its first bytes are not OLE's)\n")
            .content("t.xls", Content::Bytes(b"\x00\x01\x02\x03\xc8\xc9\x07\x08")),
        case("an .ods whose repeats make a grid of 98 million cells", &["run", "t.ods"], 1,
            "error: t.ods: has a sheet, \"S\", of 6001 rows by 16384 columns to its last cell (98320384 cells; revcap reads .ods sheets of at most 10000000: save it as .xlsx or CSV, or clear the far cells)\n")
            .content("t.ods", Content::Bytes(include_bytes!("fixtures/workbooks/repeats.ods"))),
        case("a workbook zip bomb", &["run", "t.xlsx"], 1,
            "error: t.xlsx: is too large uncompressed (part \"xl/worksheets/sheet1.xml\" takes it past 1 GiB; revcap takes at most 1 GiB per file, a workbook's parts counted uncompressed: is it a zip bomb? otherwise save the scenarios as several files)\n")
            .content("t.xlsx", Content::Made(zip_bomb)),
        case("an .xls whose dimensions claim a billion cells", &["run", "t.xls"], 1,
            "error: t.xls: has a sheet of 4000000 rows by 256 columns (1024000000 cells; revcap reads .xls sheets of at most 10000000: save it as .xlsx or CSV)\n")
            .content("t.xls", Content::Bytes(include_bytes!("fixtures/workbooks/dims.xls"))),
        case("an .ods whose content.xml is cut short", &["run", "t.ods"], 1,
            "error: t.ods: is not a readable workbook (its content.xml is cut short: save it again)\n")
            .content("t.ods", Content::Made(cut_ods)),
        // ------------------------------------------------------------ simulate
        case("simulate: bad flags", &["simulate", "t.csv", "--paths", "0", "--volatility", "30%", "--seed", "x", "--decimals", "13", "--start", "2026-13-01"], 1,
            "error: --paths: \"0\" is not a number of paths (expected a whole number from 1 to 10000000)\nerror: --seed: \"x\" is not a seed (expected a whole number from 0 to 18446744073709551615)\nerror: --decimals: \"13\" is not a number of decimal places (expected 0 to 12)\nerror: --start: \"2026-13-01\" is not a date (expected YYYY-MM-DD, e.g. 2026-04-27)\n")
            .file("t.csv", GOOD),
        case("simulate: bad volatility", &["simulate", "t.csv", "--volatility", "lots"], 1,
            "error: --volatility: \"lots\" is not a volatility (expected e.g. 30% or 0.3, from 0 to 1000%)\n")
            .file("t.csv", GOOD),
        case("simulate: volatility-from without =", &["simulate", "t.csv", "--volatility-from", "2027"], 1,
            "error: --volatility-from: \"2027\" is not PERIOD=LOW:HIGH (expected PERIOD=LOW:HIGH, e.g. 2030=174B:280B)\n")
            .file("t.csv", GOOD),
        case("simulate: volatility-from without :", &["simulate", "t.csv", "--volatility-from", "2027=1"], 1,
            "error: --volatility-from: \"2027=1\" has no : between LOW and HIGH (expected PERIOD=LOW:HIGH, e.g. 2030=174B:280B)\n")
            .file("t.csv", GOOD),
        case("simulate: volatility-from not a number", &["simulate", "t.csv", "--volatility-from", "2027=x:2"], 1,
            "error: --volatility-from: \"2027=x:2\" is not a number (expected e.g. 12700000000, 12.7B or \"$12,700,000,000\"), before the :\n")
            .file("t.csv", GOOD),
        case("run: drawing flags without --paths", &["run", "t.csv", "--volatility", "30%"], 2,
            "error: --volatility, --volatility-from, --seed, --start and --decimals draw paths: give --paths N too\n")
            .file("t.csv", GOOD),
        case("compare: --paths without a volatility", &["compare", "t.csv", "--paths", "10"], 2,
            "error: --paths needs --volatility or --volatility-from\n")
            .file("t.csv", GOOD),
        case("compare: --path-files", &["compare", "t.csv", "--paths", "10", "--volatility", "30%", "--path-files"], 2,
            "error: --path-files is for run (compare --paths writes the bases' rows only)\n")
            .file("t.csv", GOOD),
        case("simulate: volatility-from backwards", &["simulate", "t.csv", "--volatility-from", "2027=2:1"], 1,
            "error: --volatility-from: \"2027=2:1\" needs 0 < LOW < HIGH (expected PERIOD=LOW:HIGH, e.g. 2030=174B:280B)\n")
            .file("t.csv", GOOD),
        case("simulate: volatility-from a period the base lacks", &["simulate", "t.csv", "--volatility-from", "2030=1:2"], 1,
            "error: t.csv: scenario \"t\": --volatility-from: the base has no period 2030\n")
            .file("t.csv", GOOD),
        case("simulate: volatility-from a period before the start", &["simulate", "t.csv", "--volatility-from", "2026=1:2", "--start", "2027-01-01"], 1,
            "error: t.csv: scenario \"t\": --volatility-from: 2026 ends on or before the start (2027-01-01), so it is not simulated\n")
            .file("t.csv", GOOD),
        case("simulate: volatility-from around another revenue", &["simulate", "t.csv", "--volatility-from", "2027=3:4"], 1,
            "error: t.csv: scenario \"t\": --volatility-from: the base's 2027 revenue, 2, is not between 3 and 4\n")
            .file("t.csv", GOOD),
        case("simulate: revenue past Decimal", &["simulate", "huge.csv", "--volatility", "30%", "--output", "p.csv"], 1,
            "error: huge.csv: line 3, scenario \"huge\": path 1: revenue × exp(volatility × W) leaves Decimal's range or 28 digits in period 2027 (lower the volatility or the revenue's precision)\n")
            .file("huge.csv", "period,revenue\n2026,1\n2027,70000000000000000000000000000\n"),
        case("simulate: output over an input", &["simulate", "t.csv", "--volatility", "30%", "--output", "t.csv"], 1,
            "error: t.csv: cannot write: is one of the inputs; refusing to overwrite it (choose another --output)\n")
            .file("t.csv", GOOD),
        case("simulate: output a folder", &["simulate", "t.csv", "--volatility", "30%", "--output", "."], 1,
            "error: .: cannot write: is a folder (expected a file name, or -)\n")
            .file("t.csv", GOOD),
    ]
}

/// The bundled feb2026 as `.ods` with its content.xml cut in its third row (calamine
/// looped for ever on one).
fn cut_ods() -> Vec<u8> {
    use std::io::{Read, Write};
    let book: &[u8] = include_bytes!("fixtures/workbooks/feb2026.ods");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut out = zip::ZipWriter::new(&mut buf);
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        if name == "content.xml" {
            let third = String::from_utf8(bytes.clone())
                .unwrap()
                .match_indices("<table:table-row>")
                .nth(2)
                .unwrap()
                .0;
            bytes.truncate(third);
        }
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
    buf.into_inner()
}

/// An `.xlsx` of about 1 MB whose one part inflates past 1 GiB.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("xl/worksheets/sheet1.xml", deflated)
        .unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..1025 {
        zip.write_all(&spaces).unwrap();
    }
    zip.finish().unwrap();
    buf.into_inner()
}

/// 250 rows with a bad number each: listed up to 100, then counted.
fn garbage() -> Vec<u8> {
    let mut text = String::from("period,revenue\n");
    for y in 2000..2250 {
        text.push_str(&format!("{y},?\n"));
    }
    text.into_bytes()
}

const GARBAGE_STDERR: &str = "error: t.csv: line 2, column \"revenue\": \"?\" is not a number (expected e.g. 12700000000, 12.7B or \"$12,700,000,000\")
(... 98 more like it ...)
error: t.csv: line 101, column \"revenue\": \"?\" is not a number (expected e.g. 12700000000, 12.7B or \"$12,700,000,000\")
t.csv: ... and 150 more problems (only the first 100 of each file are listed)
250 problems in 1 file
";

/// Every file under `root`, relative, with its bytes (large files as their length).
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            let kind = std::fs::symlink_metadata(&p).unwrap().file_type();
            if kind.is_symlink() {
                // A link is its target, not what it leads to (perhaps nothing).
                let target = std::fs::read_link(&p).unwrap();
                out.insert(
                    format!("{rel} ->"),
                    target.display().to_string().into_bytes(),
                );
            } else if !kind.is_dir() && !kind.is_file() {
                out.insert(format!("{rel} (special)"), Vec::new());
            } else if p.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(root, &p, out);
            } else {
                let len = p.metadata().unwrap().len();
                let bytes = if len > 50_000_000 {
                    len.to_string().into_bytes()
                } else {
                    std::fs::read(&p).unwrap()
                };
                out.insert(rel, bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// Runs one case: exit code, exact stderr, empty stdout, and the folder unchanged.
fn check(c: &Case) {
    let w = Workdir::new();
    for (path, content) in &c.files {
        match content {
            Content::Text(t) => {
                w.write(path, t);
            }
            Content::Bytes(b) => {
                w.write(path, b);
            }
            Content::Made(f) => {
                w.write(path, f());
            }
            Content::Sparse(len) => {
                std::fs::File::create(w.path(path))
                    .unwrap()
                    .set_len(*len)
                    .unwrap();
            }
            Content::Link(target) => {
                std::fs::create_dir_all(w.path(path).parent().unwrap()).unwrap();
                std::os::unix::fs::symlink(target, w.path(path)).unwrap();
            }
            Content::Fifo => {
                std::fs::create_dir_all(w.path(path).parent().unwrap()).unwrap();
                let made = std::process::Command::new("mkfifo")
                    .arg(w.path(path))
                    .status()
                    .unwrap();
                assert!(made.success(), "mkfifo {path}");
            }
        }
    }
    let before = snapshot(&w.path(""));
    let mut args = c.args.clone();
    // Point outputs at a folder of the case's own, which must not appear.
    if matches!(args.first(), Some(&"run" | &"compare")) && !args.contains(&"--output") {
        args.extend(["--output", "out"]);
    }
    let mut cmd = w.cmd(&args);
    if let Some(input) = c.stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(c.code),
        "{}: exit code; stderr: {stderr}",
        c.name
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "",
        "{}: stdout",
        c.name
    );
    if c.code == 2 {
        let first = stderr.lines().next().unwrap_or_default();
        assert_eq!(format!("{first}\n"), c.stderr, "{}", c.name);
    } else if c.stderr == GARBAGE_STDERR {
        let lines: Vec<&str> = stderr.lines().collect();
        let expected: Vec<&str> = c.stderr.lines().collect();
        assert_eq!(lines.len(), 102, "{}: {stderr}", c.name);
        assert_eq!(lines[0], expected[0]);
        assert_eq!(lines[99], expected[2]);
        assert_eq!(lines[100..], expected[3..]);
    } else {
        assert_eq!(stderr, c.stderr, "{}", c.name);
    }
    assert_eq!(
        snapshot(&w.path("")),
        before,
        "{}: files were written or changed",
        c.name
    );
}

#[test]
fn hostile_inputs_fail_with_exact_messages_and_write_nothing() {
    let all = cases();
    assert!(all.len() >= 40, "{} cases", all.len());
    let mut names = std::collections::HashSet::new();
    let mut failed = Vec::new();
    for c in &all {
        assert!(names.insert(c.name), "case {:?} twice", c.name);
        // Every case runs; the failures are reported together.
        if let Err(e) = std::panic::catch_unwind(|| check(c)) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failed.push(format!("{}: {msg}", c.name));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases failed:\n{}",
        failed.len(),
        all.len(),
        failed.join("\n\n")
    );
}

/// What a run prints when stdout is a full disk.
const STDOUT_FULL: &str = "error: cannot write to stdout: No space left on device (os error 28)\n";

/// What `--no-wait` says while another run writes to `output/`; it takes two runs at
/// once, so tests/atomic.rs (`a_second_run_waits_for_the_first_or_fails_with_no_wait`)
/// checks it.
const NO_WAIT: &str = "error: output: cannot write: another revcap run is writing to this folder (not waiting for it: --no-wait)\n";

/// The messages of the suite, line by line (the sample line of the garbage case aside),
/// and of the tests below the table.
fn expected_lines() -> Vec<String> {
    let stderrs: Vec<&str> = cases().iter().map(|c| c.stderr).collect();
    stderrs
        .into_iter()
        .chain([STDOUT_FULL, NO_WAIT])
        .flat_map(str::lines)
        .filter(|l| !l.starts_with("(..."))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_catalogue_shows_every_message() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap();
    let doc_lines: Vec<&str> = doc.lines().collect();
    let expected = expected_lines();
    let missing: Vec<&String> = expected
        .iter()
        .filter(|l| !doc_lines.contains(&l.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/errors.md lacks these messages (as whole lines):\n{}",
        missing
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    // And every example in the catalogue is a message some case produces.
    let invented: Vec<&str> = doc_lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("error: ") && !l.contains('<'))
        .filter(|l| !expected.iter().any(|e| e == l))
        .collect();
    assert!(
        invented.is_empty(),
        "docs/errors.md shows messages no case in tests/hostile.rs produces:\n{}",
        invented.join("\n")
    );
}

// ---------------------------------------------------------------- beyond the table

/// Inputs at the limits that work: a 100 KB scenario name, 10,000 scenarios.
#[test]
fn large_but_valid_inputs_work() {
    let w = Workdir::new();
    let name = "n".repeat(100_000);
    w.write(
        "long_name.csv",
        format!("scenario,period,revenue\n{name},2026,1\n"),
    );
    let out = w.ok(&[
        "run",
        "long_name.csv",
        "--through",
        "2026-12-31",
        "--format",
        "csv",
        "--no-files",
    ]);
    assert!(out
        .lines()
        .nth(1)
        .unwrap()
        .starts_with(&format!("{name},2026,")));

    let scenarios: Vec<String> = (0..10_000).map(|i| format!("s{i}")).collect();
    let mut wide = format!("period,{}\n", scenarios.join(","));
    for y in 2026..=2030 {
        wide.push_str(&format!("{y},{}\n", vec!["1000"; 10_000].join(",")));
    }
    w.write("wide.csv", wide);
    assert_eq!(
        w.ok(&["validate", "wide.csv"]),
        "ok: 10000 scenarios in 1 file\n"
    );
    let out = w.ok(&[
        "run",
        "wide.csv",
        "--cap",
        "500",
        "--format",
        "csv",
        "--no-files",
    ]);
    assert_eq!(out.lines().count(), 1 + 50_000);
}

/// A hundred thousand scenarios (one per column, a header of 690 KB, within the 1 MiB
/// of a line): works, but takes seconds in a debug build.
/// Run by hand: `cargo test --release --test hostile -- --ignored`.
#[test]
#[ignore = "seconds in a debug build; run by hand"]
fn a_hundred_thousand_scenario_columns_validate() {
    let w = Workdir::new();
    let names: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
    w.write(
        "t.csv",
        format!(
            "period,{}\n2026,{}\n",
            names.join(","),
            vec!["1"; 100_000].join(",")
        ),
    );
    assert_eq!(
        w.ok(&["validate", "t.csv"]),
        "ok: 100000 scenarios in 1 file\n"
    );
}

#[test]
fn validate_json_reports_every_problem_and_the_count() {
    let w = Workdir::new();
    w.write("a.csv", "period,revenue\n2026,abc\n2027Q5,1\n")
        .write("b.csv", GOOD)
        .write("t.toml", "cap = \"lots\"\n");
    let out = w
        .cmd(&[
            "validate", "a.csv", "b.csv", "--terms", "t.toml", "--format", "json",
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["ok"], false);
    assert_eq!(j["problem_count"], 3);
    assert_eq!(j["scenarios"], 1);
    assert_eq!(j["files"], serde_json::json!(["a.csv", "b.csv"]));
    assert_eq!(j["problems"][0]["origin"], "a.csv");
    assert_eq!(j["problems"][1]["line"], 3);
    assert_eq!(
        j["problems"][2],
        serde_json::json!({
            "origin": "t.toml", "line": 1, "field": "key \"cap\"", "value": "lots",
            "message": "is not a number (expected none or e.g. 12700000000, 12.7B or \"$12,700,000,000\")"
        })
    );
    // A garbage file: 100 problems listed, the rest counted.
    w.write("g.csv", garbage());
    let out = w
        .cmd(&["validate", "g.csv", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["problem_count"], 250);
    let problems = j["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 101);
    assert_eq!(problems[100]["omitted"], 150);
    // All good: ok, no problems.
    let j: serde_json::Value =
        serde_json::from_str(&w.ok(&["validate", "b.csv", "--format", "json"])).unwrap();
    assert_eq!(j["ok"], true);
    assert_eq!(j["problem_count"], 0);
    assert_eq!(j["problems"], serde_json::json!([]));
}

/// A failed run, for whatever reason, leaves the previous `output/` byte-identical.
#[test]
fn a_failed_run_leaves_the_previous_output_byte_identical() {
    let w = Workdir::new();
    w.write("t.csv", GOOD)
        .write("bad.csv", "period,revenue\n2026,x\n");
    // GOOD ends with 2027: every run here covers its term, so stderr holds only
    // the failures.
    w.ok_wrote(
        &[
            "run",
            "t.csv",
            "--through",
            "2027-12-31",
            "--cap",
            "1",
            "--no-charts",
        ],
        3,
        "output",
    );
    let before = snapshot(&w.path("output"));
    assert_eq!(before.len(), 3, "{:?}", before.keys());
    for args in [
        &[
            "run",
            "t.csv",
            "bad.csv",
            "--through",
            "2027-12-31",
            "--no-charts",
        ][..],
        &[
            "run",
            "t.csv",
            "--through",
            "2027-12-31",
            "--cap",
            "abc",
            "--no-charts",
        ],
        &[
            "run",
            "t.csv",
            "--through",
            "2027-12-31",
            "--terms",
            "missing.toml",
            "--no-charts",
        ],
        &["compare", "bad.csv", "--no-charts", "--output", "output"],
    ] {
        w.cmd(args).assert().code(1);
        assert_eq!(snapshot(&w.path("output")), before, "{args:?}");
    }
    // stdout failing (a full disk) fails the run before any file is put in place.
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    if let Ok(full) = full {
        let out = std::process::Command::new(BIN)
            .current_dir(w.path(""))
            .env_remove("RUST_BACKTRACE")
            .args([
                "run",
                "t.csv",
                "--through",
                "2027-12-31",
                "--cap",
                "2",
                "--no-charts",
            ])
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(String::from_utf8_lossy(&out.stderr), STDOUT_FULL);
        assert_eq!(snapshot(&w.path("output")), before);
    }
    // A good run does replace them.
    w.ok_wrote(
        &[
            "run",
            "t.csv",
            "--through",
            "2027-12-31",
            "--cap",
            "2",
            "--no-charts",
        ],
        3,
        "output",
    );
    assert_ne!(snapshot(&w.path("output")), before);
}

/// The guard in main: a panic becomes one line, `error: internal error: ...`, exit 1.
/// (Debug builds panic on purpose when REVCAP_TEST_PANIC is set.)
#[test]
fn a_panic_is_reported_as_an_internal_error() {
    let w = Workdir::new();
    let out = std::process::Command::new(BIN)
        .current_dir(w.path(""))
        .env_remove("RUST_BACKTRACE")
        .env("REVCAP_TEST_PANIC", "1")
        .args(["validate", "x.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(
            "error: internal error: deliberate panic (REVCAP_TEST_PANIC is set) at src/main.rs:"
        ),
        "{err}"
    );
    assert!(
        err.ends_with(" (please report this with the input that caused it)\n"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
