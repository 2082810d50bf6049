//! Scenario files (SPEC §2): long and wide CSV from any `Read` into validated,
//! sorted [`Scenario`]s, collecting every problem rather than stopping at the first.
//!
//! Numbers are read as strings and parsed by `parse` (csv + serde would route them
//! through `f64`); columns are found by header name so every message can name its
//! column, and lines come from each record's position.

use std::collections::HashMap;
use std::io::Read;

use rust_decimal::Decimal;

use crate::error::{quote, Problem};
use crate::model::{Period, PeriodInput, Scenario};
use crate::parse;

/// Columns a wide file may carry besides scenarios; they are ignored like extra
/// columns in a long file.
const ANNOTATION_COLUMNS: &[&str] = &["note", "notes", "source", "sources", "comment", "comments"];

/// Reads one CSV file. `origin` names it in messages (`scenarios/base.csv`, `-`);
/// `stem` names its scenario when a long file has no `scenario` column.
pub fn load<R: Read>(
    mut reader: R,
    origin: &str,
    stem: &str,
) -> Result<Vec<Scenario>, Vec<Problem>> {
    let problem = |msg: &str| Problem::new(origin, msg);
    // Read whole so lines can be counted from byte offsets (see `Lines`).
    let mut bytes = Vec::new();
    if let Err(e) = reader.read_to_end(&mut bytes) {
        return Err(vec![problem(&format!("cannot be read: {e}"))]);
    }
    let mut lines = Lines::new(&bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    let mut problems = Vec::new();

    let mut records = rdr.records();
    let header = match records.next() {
        None => {
            return Err(vec![problem(
                "is empty (expected a header row with a \"period\" column)",
            )])
        }
        Some(Err(e)) => return Err(vec![csv_problem(origin, &e, &mut lines)]),
        Some(Ok(h)) => h,
    };
    let header_line = header.position().map_or(1, |p| lines.of(p));
    let names: Vec<String> = header
        .iter()
        .enumerate()
        // A UTF-8 byte-order mark is not whitespace, so csv's trim keeps it.
        .map(|(i, h)| {
            if i == 0 {
                h.trim_start_matches('\u{feff}').trim().to_string()
            } else {
                h.to_string()
            }
        })
        .collect();
    let layout = match Layout::from_header(&names) {
        Ok(l) => l,
        Err(msg) => return Err(vec![problem(&msg).line(header_line)]),
    };

    // Rows grouped by scenario, in order of first appearance.
    let mut order: Vec<String> = Vec::new();
    let mut rows: HashMap<String, Vec<PeriodInput>> = HashMap::new();
    let mut push = |name: &str, input: PeriodInput| {
        if !rows.contains_key(name) {
            order.push(name.to_string());
        }
        rows.entry(name.to_string()).or_default().push(input);
    };

    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(csv_problem(origin, &e, &mut lines));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        };
        let line = record.position().map_or(0, |p| lines.of(p));
        // Spreadsheets export blank rows as a line of commas; they carry nothing.
        if record.iter().all(str::is_empty) {
            continue;
        }
        // Fewer fields is fine: hand-edited files often leave trailing empty cells
        // out, and a missing required cell is reported as empty below. More fields
        // than names means the row does not line up with the header.
        if record.len() > names.len() {
            problems.push(
                problem(&format!(
                    "has {} fields, but the header has {} (a stray or missing comma? quote values containing commas)",
                    record.len(),
                    names.len()
                ))
                .line(line),
            );
            continue;
        }
        let cell = |i: usize| record.get(i).unwrap_or("");
        let at = |i: usize, msg: String| {
            problem(&msg)
                .line(line)
                .column(names.get(i).map_or("", String::as_str))
                .value(cell(i))
        };
        let period = match parse::period(cell(layout.period)) {
            Ok(p) => Some(p),
            Err(msg) => {
                problems.push(at(layout.period, msg));
                None
            }
        };
        let rate = match layout.rate {
            Some(i) if !cell(i).is_empty() => match parse::rate(cell(i)) {
                Ok(r) => Some(r),
                Err(msg) => {
                    problems.push(at(i, msg));
                    None
                }
            },
            _ => None,
        };
        let revenue = |i: usize, problems: &mut Vec<Problem>| -> Option<Decimal> {
            match parse::amount(cell(i)) {
                Ok(v) if v.is_sign_negative() && !v.is_zero() => {
                    problems.push(at(i, "is negative (revenue must be ≥ 0)".into()));
                    None
                }
                Ok(v) => Some(v.abs()),
                Err(msg) => {
                    problems.push(at(i, msg));
                    None
                }
            }
        };
        match &layout.kind {
            Kind::Long {
                revenue: rev_col,
                scenario,
            } => {
                let name = match scenario {
                    Some(i) if cell(*i).is_empty() => {
                        problems.push(at(*i, "is empty (expected a scenario name)".into()));
                        continue;
                    }
                    Some(i) => cell(*i),
                    None => stem,
                };
                let revenue = revenue(*rev_col, &mut problems);
                if let (Some(period), Some(revenue)) = (period, revenue) {
                    push(
                        name,
                        PeriodInput {
                            period,
                            revenue,
                            rate,
                            line,
                        },
                    );
                }
            }
            Kind::Wide { scenarios } => {
                for &i in scenarios {
                    let revenue = revenue(i, &mut problems);
                    if let (Some(period), Some(revenue)) = (period, revenue) {
                        push(
                            &names[i],
                            PeriodInput {
                                period,
                                revenue,
                                rate,
                                line,
                            },
                        );
                    }
                }
            }
        }
    }

    if order.is_empty() && problems.is_empty() {
        problems.push(problem("has a header but no data rows"));
    }
    // A row dropped for a bad value would show up again as a gap: don't report it twice.
    let check_gaps = problems.is_empty();
    let mut scenarios = Vec::with_capacity(order.len());
    for name in order {
        let periods = rows.remove(&name).unwrap_or_default();
        match check_periods(origin, &name, periods, check_gaps) {
            Ok(periods) => scenarios.push(Scenario {
                name,
                source: origin.to_string(),
                periods,
            }),
            Err(mut p) => problems.append(&mut p),
        }
    }
    if problems.is_empty() {
        Ok(scenarios)
    } else {
        Err(problems)
    }
}

/// Which column holds what.
struct Layout {
    period: usize,
    rate: Option<usize>,
    kind: Kind,
}

enum Kind {
    Long {
        revenue: usize,
        scenario: Option<usize>,
    },
    Wide {
        scenarios: Vec<usize>,
    },
}

impl Layout {
    fn from_header(names: &[String]) -> Result<Layout, String> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            if let Some(first) = seen.insert(name.to_lowercase(), i) {
                return Err(format!(
                    "header has column {} twice (columns {} and {}); names must be unique",
                    quote(name),
                    first + 1,
                    i + 1
                ));
            }
        }
        let find = |n: &str| seen.get(n).copied();
        let Some(period) = find("period") else {
            return Err(format!(
                "has no \"period\" column (found {}; expected e.g. period,revenue or period,base,bull)",
                names.iter().map(|n| quote(n)).collect::<Vec<_>>().join(", ")
            ));
        };
        let rate = find("rate");
        let kind = match (find("revenue"), find("scenario")) {
            (Some(revenue), scenario) => Kind::Long { revenue, scenario },
            (None, Some(_)) => {
                return Err("has a \"scenario\" column but no \"revenue\" column (a long file needs both period and revenue)".into())
            }
            (None, None) => {
                let mut scenarios = Vec::new();
                for (i, name) in names.iter().enumerate() {
                    let lower = name.to_lowercase();
                    if i == period || Some(i) == rate || ANNOTATION_COLUMNS.contains(&lower.as_str()) {
                        continue;
                    }
                    if name.is_empty() {
                        return Err(format!(
                            "header: column {} has no name (in a wide file every column after period names a scenario)",
                            i + 1
                        ));
                    }
                    scenarios.push(i);
                }
                if scenarios.is_empty() {
                    return Err("has no \"revenue\" column and no scenario columns (expected period,revenue or period,base,bull,...)".into());
                }
                Kind::Wide { scenarios }
            }
        };
        Ok(Layout { period, rate, kind })
    }
}

/// Sorts a scenario's periods and checks SPEC §2's rules: one granularity, no
/// repeats, no gaps.
fn check_periods(
    origin: &str,
    name: &str,
    mut periods: Vec<PeriodInput>,
    check_gaps: bool,
) -> Result<Vec<PeriodInput>, Vec<Problem>> {
    let mut problems = Vec::new();
    let Some(first) = periods.first() else {
        return Ok(periods);
    };
    let (granularity, first_line) = (first.period.granularity(), first.line);
    let at = |p: &PeriodInput| {
        Problem::new(origin, "")
            .line(p.line)
            .column("period")
            .value(&p.period.to_string())
    };
    periods.retain(|p| {
        if p.period.granularity() == granularity {
            return true;
        }
        let mut pr = at(p);
        pr.message = format!(
            "is a {}, but scenario {} uses {}s (line {first_line}); one scenario has one granularity",
            p.period.granularity(),
            quote(name),
            granularity
        );
        problems.push(pr);
        false
    });
    periods.sort_by_key(|p| p.period);
    for pair in periods.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.period == b.period {
            let (first, again) = if a.line <= b.line { (a, b) } else { (b, a) };
            let mut pr = at(again);
            pr.message = format!(
                "repeats line {} for scenario {}; each period appears once",
                first.line,
                quote(name)
            );
            problems.push(pr);
        } else if check_gaps && a.period.next() != Some(b.period) {
            let mut pr = at(b);
            pr.message = format!(
                "leaves a gap in scenario {}: {} is missing after {} (line {})",
                quote(name),
                missing(a.period, b.period),
                a.period,
                a.line
            );
            problems.push(pr);
        }
    }
    if problems.is_empty() {
        Ok(periods)
    } else {
        Err(problems)
    }
}

/// `2028`, or `2028 to 2029` when several periods are missing.
fn missing(before: Period, after: Period) -> String {
    let Some(first) = before.next() else {
        return String::new();
    };
    let mut last = first;
    let mut steps = 0;
    while let Some(n) = last.next() {
        if n >= after || steps > 10_000 {
            break;
        }
        last = n;
        steps += 1;
    }
    if first == last {
        first.to_string()
    } else {
        format!("{first} to {last}")
    }
}

/// 1-based line numbers from csv's byte offsets, which are exact where its own
/// `Position::line` is not: that counts only `\n`, and a record's position lies
/// before the terminator's `\n` of a CRLF file and before skipped blank lines, so
/// CRLF and blank lines shifted every line reported (rust-csv issue #395).
/// Offsets must be asked in increasing order (records come in file order).
struct Lines<'a> {
    bytes: &'a [u8],
    /// Bytes before `at` have been counted; `line` is the line at `at`.
    at: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Lines<'a> {
        Lines {
            bytes,
            at: 0,
            line: 1,
        }
    }

    /// The line on which the record at `pos` starts: the first byte at or after its
    /// offset that is not a line terminator. `\r\n`, `\r` and `\n` each end a line.
    fn of(&mut self, pos: &csv::Position) -> u64 {
        let b = self.bytes;
        let mut start = usize::try_from(pos.byte()).unwrap_or(b.len()).min(b.len());
        while start < b.len() && matches!(b[start], b'\r' | b'\n') {
            start += 1;
        }
        while self.at < start {
            match b[self.at] {
                b'\n' => self.line += 1,
                b'\r' => {
                    self.line += 1;
                    if b.get(self.at + 1) == Some(&b'\n') {
                        self.at += 1;
                    }
                }
                _ => {}
            }
            self.at += 1;
        }
        self.line
    }
}

fn csv_problem(origin: &str, e: &csv::Error, lines: &mut Lines) -> Problem {
    let line = e.position().map(|p| lines.of(p));
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "is not valid UTF-8 text (save the file as UTF-8 CSV)".to_string()
        }
        csv::ErrorKind::Io(io) => format!("cannot be read: {io}"),
        _ => format!("is not valid CSV: {e}"),
    };
    let p = Problem::new(origin, message);
    match line {
        Some(l) => p.line(l),
        None => p,
    }
}

#[cfg(test)]
mod tests {
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
        let s = load_str(
            "scenario,period,revenue,rate\nb,2027-Q1,1,\na,2027Q1,2,15%\nb,2027Q2,3,0.1\n",
        )
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
    fn period_rules_gap_repeat_granularity() {
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
        assert_eq!(
            messages("period,revenue\n2026,1\n2027Q1,2\n"),
            [
                r#"t.csv: line 3, column "period": "2027Q1" is a quarter, but scenario "t" uses years (line 2); one scenario has one granularity"#
            ]
        );
    }

    #[test]
    fn header_problems() {
        assert_eq!(
            messages(""),
            [r#"t.csv: is empty (expected a header row with a "period" column)"#]
        );
        assert!(messages("year,revenue\n2026,1\n")[0].contains(r#"has no "period" column"#));
        assert!(messages("period,revenue,Revenue\n")[0].contains("twice"));
        assert_eq!(
            messages("period,revenue\n"),
            ["t.csv: has a header but no data rows"]
        );
        assert!(
            messages("period,revenue\n2026,1,2\n")[0].starts_with("t.csv: line 2: has 3 fields")
        );
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
    fn invalid_utf8_names_the_line() {
        let bytes = b"period,revenue\n2026,1\n2027,\xff\n";
        let e = load(&bytes[..], "t.csv", "t").unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "t.csv: line 3: is not valid UTF-8 text (save the file as UTF-8 CSV)"
        );
    }
}
