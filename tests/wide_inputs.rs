//! Files as spreadsheets export them (docs/spec.md §2.1, §2.2): a wide file whose
//! scenarios have different lengths (empty cells before a scenario's first value or
//! after its last), and bytes that are not UTF-8 in a column revcap does not read.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{fixture, Workdir};

/// A folder holding `tests/fixtures/wide_inputs/NAME` as `NAME`.
fn with(name: &str) -> Workdir {
    let w = Workdir::new();
    w.write(name, fixture(&format!("wide_inputs/{name}")));
    w
}

/// Each ledger row's scenario and period, under the default term; `warned` is the
/// coverage warnings the run prints (scenarios here end on different days, so no
/// one term covers them all).
fn periods(w: &Workdir, name: &str, warned: &str) -> Vec<String> {
    let out = w.ok_warned(
        &[
            "run",
            name,
            "--cap",
            "1000B",
            "--format",
            "csv",
            "--no-files",
        ],
        warned,
    );
    out.lines()
        .skip(1)
        .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn scenarios_of_different_lengths_load_with_their_own_periods() {
    // Rows out of order: bull's trailing empty cells are 2028 to 2030 by period, not
    // by line (its 2028 row comes first).
    let w = with("lengths.csv");
    assert_eq!(
        periods(&w, "lengths.csv", "warning: lengths.csv: scenario \"bull\": data ends 2027-12-31, before the term ends (2030-12-31): payments after it are not counted\n"),
        [
            "base 2026",
            "base 2027",
            "base 2028",
            "base 2029",
            "base 2030",
            "bull 2026",
            "bull 2027"
        ]
    );
    assert_eq!(
        w.ok_warned(
            &["validate", "lengths.csv"],
            "warning: lengths.csv: scenario \"bull\": data ends 2027-12-31, before the term ends (2030-12-31): payments after it are not counted\n"
        ),
        "ok: 2 scenarios in 1 file (1 warning)\n"
    );
}

#[test]
fn a_scenario_may_start_later() {
    let w = with("starts_later.csv");
    assert_eq!(
        periods(&w, "starts_later.csv", "warning: starts_later.csv: scenario \"base\": data ends 2029-12-31, before the term ends (2030-12-31): payments after it are not counted\nwarning: starts_later.csv: scenario \"bull\": data ends 2029-12-31, before the term ends (2030-12-31): payments after it are not counted\n"),
        [
            "base 2026",
            "base 2027",
            "base 2028",
            "base 2029",
            "bull 2028",
            "bull 2029"
        ]
    );
}

#[test]
fn an_empty_cell_between_values_is_an_error() {
    let w = with("hole.csv");
    assert_eq!(
        w.fails(&["validate", "hole.csv"], 1),
        "error: hole.csv: line 3, column \"bull\": \"\" is empty in 2027, between values of scenario \"bull\" (2026 to 2028); only cells before a scenario's first value or after its last may be empty (write 0 for none)\n1 problem in 1 file\n"
    );
}

#[test]
fn a_hole_is_found_whatever_the_row_order() {
    let w = Workdir::new();
    w.write(
        "t.csv",
        "period,base,bull\n2028,30B,35B\n2027,20B,\n2026,10B,15B\n2029,40B,\n",
    );
    assert_eq!(
        w.fails(&["validate", "t.csv"], 1),
        "error: t.csv: line 3, column \"bull\": \"\" is empty in 2027, between values of scenario \"bull\" (2026 to 2028); only cells before a scenario's first value or after its last may be empty (write 0 for none)\n1 problem in 1 file\n"
    );
}

#[test]
fn a_gap_in_a_shorter_scenario_is_still_a_gap() {
    // bull ends early, and base skips 2028: the row store's gap check still sees it.
    let w = Workdir::new();
    w.write("t.csv", "period,base,bull\n2026,1,5\n2027,2,\n2029,4,\n");
    assert_eq!(
        w.fails(&["validate", "t.csv"], 1),
        "error: t.csv: line 4, column \"period\": \"2029\" leaves a gap in scenario \"base\": 2028 is missing after 2027 (line 3)\n1 problem in 1 file\n"
    );
}

#[test]
fn latin1_in_an_ignored_column_is_accepted() {
    let w = with("latin1_notes.csv");
    assert_eq!(
        periods(&w, "latin1_notes.csv", "warning: latin1_notes.csv: scenario \"latin1_notes\": data ends 2027-12-31, before the term ends (2030-12-31): payments after it are not counted\n"),
        ["latin1_notes 2026", "latin1_notes 2027"]
    );
    // A long file's other columns are ignored too, whatever their name.
    let w = Workdir::new();
    w.write(
        "t.csv",
        &b"period,revenue,analyst\n2026,1,Ren\xe9\n2027,2,Zo\xeb\n"[..],
    );
    assert_eq!(
        w.ok(&["validate", "t.csv", "--through", "2027-12-31"]),
        "ok: 1 scenario in 1 file\n"
    );
}

#[test]
fn latin1_in_a_used_cell_names_the_cell() {
    let w = with("latin1_revenue.csv");
    assert_eq!(
        w.fails(&["validate", "latin1_revenue.csv"], 1),
        "error: latin1_revenue.csv: line 3, column \"revenue\": \"2\u{fffd}B\" is not valid UTF-8 text (byte 0xE9; save the file as UTF-8 CSV)\n1 problem in 1 file\n"
    );
    // In a wide file's scenario name (its header cell).
    let w = Workdir::new();
    w.write("t.csv", &b"period,base,caf\xe9\n2026,1,2\n"[..]);
    assert_eq!(
        w.fails(&["validate", "t.csv"], 1),
        "error: t.csv: line 1, column 3: \"caf\u{fffd}\" is not valid UTF-8 text (byte 0xE9; save the file as UTF-8 CSV)\n1 problem in 1 file\n"
    );
}
