//! The fast loader (`revcap::load`: packed rows, a name table, two halves on two
//! cores) against a naive one written from README.md's "Scenario files" with plain
//! `csv` and a `HashMap`, on random long and wide files: both accept the same files;
//! on those they give equal scenarios (names, periods, revenues with their scale,
//! rates, lines), and on the others problems on the same set of lines. The reference
//! has its own header matching, line counting, grouping and period checks; single
//! cells it reads with the library's own `parse::{amount, rate, period}`, which have
//! their own unit tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::cell::Cell;
use std::collections::{BTreeSet, HashMap, HashSet};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use revcap::model::{Period, PeriodInput, Scenario};
use revcap::parse;

/// Lines of a rejected file's problems (`None`: a problem of the whole file).
type Lines = BTreeSet<Option<u64>>;

/// The line a record at byte `pos` starts on: line ends (CRLF, CR or LF) before it,
/// after stepping over line ends at `pos` (csv places a record after a blank line's).
fn line_at(text: &[u8], mut pos: usize) -> u64 {
    while matches!(text.get(pos), Some(b'\r' | b'\n')) {
        pos += 1;
    }
    let ends = (0..pos)
        .filter(|&i| text[i] == b'\r' || (text[i] == b'\n' && (i == 0 || text[i - 1] != b'\r')));
    1 + ends.count() as u64
}

/// The naive loader: the scenarios of `text`, or the lines of its problems.
fn reference(text: &str, stem: &str) -> Result<Vec<Scenario>, Lines> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = rdr.records().map(|r| {
        let r = r.unwrap();
        let cells: Vec<String> = r.iter().map(|c| c.trim().to_string()).collect();
        (
            line_at(text.as_bytes(), r.position().unwrap().byte() as usize),
            cells,
        )
    });
    let blank = |cells: &[String]| cells.iter().all(String::is_empty);
    let no_bom = |c: &String| c.trim_start_matches('\u{feff}').trim().is_empty();
    let Some((header_line, mut names)) = records.by_ref().find(|(_, c)| !c.iter().all(no_bom))
    else {
        return Err(BTreeSet::from([None]));
    };
    names[0] = names[0].trim_start_matches('\u{feff}').trim().to_string();
    let lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    let bad_header = Err(BTreeSet::from([Some(header_line)]));
    let named: Vec<&String> = lower.iter().filter(|n| !n.is_empty()).collect();
    if named.iter().collect::<HashSet<_>>().len() != named.len() {
        return bad_header;
    }
    let col = |n: &str| lower.iter().position(|l| l == n);
    let (Some(period), rate) = (col("period"), col("rate")) else {
        return bad_header;
    };
    let ignored = [
        "note", "notes", "source", "sources", "comment", "comments", "unit", "units", "currency",
    ];
    let wide: Vec<usize> = (0..names.len())
        .filter(|&i| i != period && Some(i) != rate && !ignored.contains(&lower[i].as_str()))
        .collect();
    let (revenue, scenario) = (col("revenue"), col("scenario"));
    if revenue.is_none() && (scenario.is_some() || wide.iter().all(|&i| names[i].is_empty())) {
        return bad_header;
    }
    let mut problems: Lines = BTreeSet::new();
    let mut by_name: HashMap<String, Vec<PeriodInput>> = HashMap::new();
    let (mut order, mut tainted, mut all_tainted, mut values) =
        (Vec::new(), HashSet::new(), false, 0);
    let mut unnamed_reported = HashSet::new();
    // A wide file's empty cells: (scenario, period, line).
    let mut empties = Vec::new();
    for (line, cells) in records {
        if blank(&cells) {
            continue;
        }
        if cells.len() > names.len() {
            problems.insert(Some(line));
            all_tainted = true;
            continue;
        }
        let cell = |i: usize| cells.get(i).map_or("", String::as_str);
        let bad = Cell::new(false);
        let p = parse::period(cell(period)).ok();
        let r = rate
            .filter(|&i| !cell(i).is_empty())
            .map(|i| parse::rate(cell(i)).ok());
        bad.set(p.is_none() || r.is_some_and(|r| r.is_none()));
        let r = r.flatten();
        let amount = |i: usize| {
            let v = parse::amount(cell(i))
                .ok()
                .filter(|v| !v.is_sign_negative() || v.is_zero());
            bad.set(bad.get() || v.is_none());
            v.map(|v| v.abs())
        };
        // (scenario name, its revenue) for each value of the row.
        let got: Vec<(String, Option<_>)> = match revenue {
            Some(rev) => match scenario.map(cell) {
                Some("") => {
                    problems.insert(Some(line));
                    all_tainted = true;
                    continue;
                }
                name => vec![(name.unwrap_or(stem).to_string(), amount(rev))],
            },
            None => {
                // A wide file's scenarios are its columns, in column order.
                for &i in wide.iter().filter(|&&i| !names[i].is_empty()) {
                    if !by_name.contains_key(&names[i]) {
                        order.push(names[i].clone());
                        by_name.insert(names[i].clone(), Vec::new());
                    }
                }
                // An empty cell is no value: judged by period once every row is read.
                let values: Vec<_> = wide
                    .iter()
                    .filter(|&&i| !names[i].is_empty())
                    .filter(|&&i| {
                        if !cell(i).is_empty() {
                            return true;
                        }
                        match p {
                            Some(period) => empties.push((names[i].clone(), period, line)),
                            None => drop(tainted.insert(names[i].clone())),
                        }
                        false
                    })
                    .map(|&i| (names[i].clone(), amount(i)))
                    .collect();
                for &i in wide
                    .iter()
                    .filter(|&&i| names[i].is_empty() && !cell(i).is_empty())
                {
                    if unnamed_reported.insert(i) {
                        problems.insert(Some(line));
                    }
                }
                values
            }
        };
        if bad.get() {
            problems.insert(Some(line));
        }
        for (name, v) in got {
            if !by_name.contains_key(&name) {
                order.push(name.clone());
            }
            let rows = by_name.entry(name.clone()).or_default();
            match (p, v) {
                (Some(period), Some(revenue)) => {
                    values += 1;
                    rows.push(PeriodInput {
                        period,
                        revenue,
                        rate: r,
                        line,
                    });
                }
                _ => drop(tainted.insert(name)),
            }
        }
    }
    // An empty cell between a scenario's first and last value is a hole (its gaps are
    // then not checked); a scenario with no value at all is reported at its first
    // empty cell, unless its other cells were wrong.
    let mut holes = BTreeSet::new();
    let mut first_empty: HashMap<String, u64> = HashMap::new();
    for (name, period, line) in &empties {
        let rows = &by_name[name];
        let lo = rows.iter().map(|r| r.period).min();
        let hi = rows.iter().map(|r| r.period).max();
        match (lo, hi) {
            (Some(lo), Some(hi)) if lo < *period && *period < hi => {
                holes.insert(Some(*line));
                tainted.insert(name.clone());
            }
            (Some(_), _) => {}
            _ => {
                let l = first_empty.entry(name.clone()).or_insert(*line);
                *l = (*l).min(*line);
            }
        }
    }
    for (name, line) in first_empty {
        if !all_tainted && !tainted.contains(&name) {
            holes.insert(Some(line));
        }
    }
    if values == 0 && problems.is_empty() && holes.is_empty() {
        problems.insert(None);
    }
    problems.extend(holes);
    let mut scenarios = Vec::new();
    for name in order {
        let mut rows = by_name.remove(&name).unwrap();
        if rows.is_empty() {
            continue;
        }
        rows.sort_by_key(|r| r.period);
        let gaps = !all_tainted && !tainted.contains(&name);
        // Each period must start the day after the furthest-reaching one before it
        // ends: a repeat or an overlap is reported at its later line, a gap at the
        // period after it.
        let mut reach: Option<(Period, u64)> = None;
        for r in &rows {
            if let Some((a, line)) = reach {
                if r.period.start() <= a.end() {
                    problems.insert(Some(line.max(r.line)));
                } else if gaps && a.next().map(|n| n.start()) != Some(r.period.start()) {
                    problems.insert(Some(r.line));
                }
                if r.period.end() <= a.end() {
                    continue;
                }
            }
            reach = Some((r.period, r.line));
        }
        scenarios.push(Scenario {
            name,
            source: "t.csv".into(),
            periods: rows,
        });
    }
    if problems.is_empty() {
        Ok(scenarios)
    } else {
        Err(problems)
    }
}

/// A small deterministic generator, so one `u64` from proptest is one whole file.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            xs.swap(i, self.below(i + 1));
        }
    }
}

/// The `k`th period from 2020 of granularity `g` (year, quarter, month), as written.
fn period(rng: &mut Rng, g: usize, k: usize) -> String {
    match g {
        0 => format!("{}", 2020 + k),
        1 if rng.chance(50) => format!("{}Q{}", 2020 + k / 4, k % 4 + 1),
        1 => format!("{}-Q{}", 2020 + k / 4, k % 4 + 1),
        _ => format!("{}-{:02}", 2020 + k / 12, k % 12 + 1),
    }
}

/// A random long or wide file: mostly valid scenarios of consecutive periods, rows
/// shuffled, header names in any case and order, and now and then a BOM, blank lines,
/// lines of commas, quoted values (some holding a comma or a line end, in a value or a note), and bad rows
/// (a bad value, period or rate, a dropped or repeated row, a stray or missing field,
/// an empty scenario name).
fn random_file(seed: u64, wide: bool, crlf: bool) -> String {
    let mut rng = Rng(seed | 1);
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut cols: Vec<&str> = if wide {
        let mut c = vec!["period", "base", "Bull"];
        c.extend(rng.chance(40).then_some("bear case"));
        c.extend(rng.chance(20).then_some(""));
        c
    } else {
        let mut c = vec!["period", "revenue"];
        c.extend(rng.chance(70).then_some("scenario"));
        c
    };
    cols.extend(rng.chance(40).then_some("rate"));
    cols.extend(rng.chance(30).then_some("note"));
    rng.shuffle(&mut cols);
    // Each row: its cells by column; a long file's scenarios each their own run.
    let mut rows: Vec<Vec<String>> = Vec::new();
    let runs = if wide { 1 } else { 1 + rng.below(3) };
    for _ in 0..runs {
        let name = rng.pick(&["a", "b", "base case", "a-very-long-scenario-name", "\"q\""]);
        let (g, start, count) = (rng.below(3), rng.below(8), 1 + rng.below(7));
        // A wide file's scenarios of different lengths: each column may start later
        // or end earlier than the rows (empty cells), or have a hole.
        let ends: Vec<(usize, usize)> = cols
            .iter()
            .map(|_| match rng.below(10) {
                0..=1 => (start + rng.below(count), start + count),
                2..=3 => (start, start + 1 + rng.below(count)),
                _ => (start, start + count),
            })
            .collect();
        for k in start..start + count {
            let p = period(&mut rng, g, k);
            let row = cols.iter().zip(&ends).map(|(&c, &(from, to))| match c {
                "period" => p.clone(),
                "scenario" => name.to_string(),
                "rate" => rng.pick(&["", "", "0.1", "15%", " 0.2 "]).to_string(),
                // A quoted line end: a file may not be cut there.
                "note" => rng
                    .pick(&["", "", "CNBC", "x y", "\"see\nabove\""])
                    .to_string(),
                "" => String::new(),
                _ if wide && !(from..to).contains(&k) => String::new(),
                _ if rng.chance(4) => rng.pick(&["\"1,000\"", "\"$12,700\"", "\"7\""]).to_string(),
                _ => rng
                    .pick(&[
                        "1",
                        "2.50",
                        "1e3",
                        "$1.5K",
                        "12700000000",
                        "0",
                        "-0",
                        " 7 ",
                        "123456789012345678.9",
                        "12.7B",
                        // Many places and the largest mantissas: the row store keeps
                        // these whole (scale up to 28) or in its side table.
                        "0.123456789012345",
                        "1.0000000000000000000000000001",
                        "79228162514264337593543950335",
                    ])
                    .to_string(),
            });
            rows.push(row.collect());
        }
    }
    rng.shuffle(&mut rows);
    let at = |name: &str| cols.iter().position(|&c| c == name);
    let mut i = 0;
    while i < rows.len() {
        if rng.chance(8) {
            let cell = match rng.below(8) {
                0 => at("period"),
                1 => at("rate"),
                2 => at("scenario"),
                3 => at(""),
                _ => at("revenue").or(at("base")),
            };
            match (rng.below(7), cell) {
                (0, _) if rows.len() > 1 => drop(rows.remove(i)),
                (1, _) => rows.insert(i, rows[i].clone()),
                (2, _) => rows[i].push("z".into()),
                (3, _) => drop(rows[i].pop()),
                (_, Some(c)) => {
                    rows[i][c] = rng
                        .pick(&["x", "-4", "", "12..7", "\"2\n0\"", "2", "2031-05", "2031"])
                        .to_string()
                }
                _ => {}
            }
        }
        i += 1;
    }
    let mut text = String::new();
    if rng.chance(20) {
        text.push('\u{feff}');
    }
    if rng.chance(10) {
        text.push_str(eol);
    }
    let header: Vec<String> = cols
        .iter()
        .map(|c| match rng.below(4) {
            0 => c.to_uppercase(),
            1 => format!(" {c} "),
            _ => c.to_string(),
        })
        .collect();
    text.push_str(&header.join(","));
    for row in rows {
        text.push_str(eol);
        if rng.chance(5) {
            text.push_str(rng.pick(&["", ",,", "  "]));
            text.push_str(eol);
        }
        text.push_str(&row.join(","));
    }
    if rng.chance(70) {
        text.push_str(eol);
    }
    text
}

/// Whether the fast loader's result `got` agrees with the reference's `want`.
fn agree(
    want: &Result<Vec<Scenario>, Lines>,
    got: &Result<Vec<Scenario>, Vec<revcap::error::Problem>>,
) -> Result<(), String> {
    match (want, got) {
        // Debug as well: it shows each revenue's scale, which `==` ignores.
        (Ok(w), Ok(g)) if w == g && format!("{w:?}") == format!("{g:?}") => Ok(()),
        (Err(w), Err(g)) => {
            let listed: Lines = g
                .iter()
                .filter(|p| p.omitted == 0)
                .map(|p| p.line)
                .collect();
            // Past the first 100 problems the rest are only counted.
            let cut_short = g.iter().any(|p| p.omitted > 0);
            if listed == *w || (cut_short && listed.is_subset(w)) {
                Ok(())
            } else {
                Err(format!("problems on lines {w:?} expected, got {g:#?}"))
            }
        }
        _ => Err(format!("expected {want:#?}\ngot {got:#?}")),
    }
}

/// The fast loader, read once and read as two halves, agrees with the reference on
/// random long and wide files, and reads through the disk exactly as in memory.
#[test]
fn the_fast_loader_agrees_with_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    let bar = indicatif::ProgressBar::hidden();
    let (cut, accepted, spilled, cases) = (Cell::new(0), Cell::new(0), Cell::new(0), 256);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let files = (any::<u64>(), any::<bool>(), any::<bool>());
    runner
        .run(&files, |(seed, wide, crlf)| {
            let text = random_file(seed, wide, crlf);
            let want = reference(&text, "t");
            let once = revcap::load::load(text.as_bytes(), "t.csv", "t");
            agree(&want, &once)
                .map_err(|e| TestCaseError::fail(format!("one read of {text:?}: {e}")))?;
            std::fs::write(&path, &text).unwrap();
            let size = text.len() as u64;
            let halves = revcap::load::read_file_from(&path, "t.csv", "t", size, &bar, 0);
            let was_cut = halves.as_ref().is_ok_and(revcap::load::Loaded::was_cut);
            let halves = halves.and_then(revcap::load::Loaded::into_scenarios);
            agree(&want, &halves)
                .map_err(|e| TestCaseError::fail(format!("halves of {text:?}: {e}")))?;
            // With a budget of 0, read once and as halves: exactly what the reads in
            // memory gave, messages included. (Rows go to disk a full chunk of 65,536
            // at a time, so these small files only make the temporary file;
            // `load::tests::halves_read_like_the_whole` reads small files through the
            // disk with chunks of a few rows.)
            let held = revcap::load::read_file_from(&path, "t.csv", "t", size, &bar, u64::MAX)
                .and_then(revcap::load::Loaded::into_scenarios);
            for (split_from, held) in [(u64::MAX, &held), (0, &halves)] {
                let read = revcap::load::read_file_within(&path, "t.csv", "t", size, &bar, split_from, 0);
                spilled.set(spilled.get() + usize::from(read.as_ref().is_ok_and(revcap::load::Loaded::went_to_disk)));
                let disk = read.and_then(revcap::load::Loaded::into_scenarios);
                if format!("{disk:?}") != format!("{held:?}") {
                    return Err(TestCaseError::fail(format!(
                        "through the disk, split from {split_from}, {text:?}: got {disk:#?}, in memory {held:#?}"
                    )));
                }
            }
            cut.set(cut.get() + usize::from(was_cut));
            accepted.set(accepted.get() + usize::from(want.is_ok()));
            Ok(())
        })
        .unwrap();
    // The files exercise both answers and the two-halves read.
    let (cut, accepted, spilled) = (cut.get(), accepted.get(), spilled.get());
    let cases = cases as usize;
    assert!(
        spilled > cases,
        "only {spilled} of {} reads went to disk",
        2 * cases
    );
    assert!(
        cut > cases / 8,
        "only {cut} of {cases} files read as halves"
    );
    assert!(
        accepted > cases / 5 && accepted < cases * 4 / 5,
        "{accepted} of {cases} files accepted"
    );
}
