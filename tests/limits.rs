//! The limit on a line's length (docs/spec.md §7): enforced while reading, so input
//! with no line end stops after its first MiB rather than being held whole, and named
//! in the message with the line it stops at.

mod common;

use common::Workdir;

const MIB: usize = 1 << 20;

const TOO_LONG: &str =
    "is longer than 1 MiB (revcap reads lines of at most 1 MiB: is this a CSV file?)";

fn too_long(origin: &str, line: u64) -> String {
    format!("error: {origin}: line {line}: {TOO_LONG}\n")
}

/// A long file whose row `period,revenue` for `line` is `row`, every other line a
/// good row of its own scenario.
fn with_row_at(lines: usize, line: usize, row: &str) -> String {
    let mut text = String::from("scenario,period,revenue\n");
    for l in 2..=lines {
        if l == line {
            text.push_str(row);
        } else {
            text.push_str(&format!("s{l:07},2026,1B"));
        }
        text.push('\n');
    }
    text
}

#[test]
fn nul_bytes_on_stdin_stop_at_the_first_line() {
    let w = Workdir::new();
    let out = w
        .cmd(&["run", "-"])
        .write_stdin(vec![0u8; 3 * MIB])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(String::from_utf8_lossy(&out.stderr), too_long("-", 1));
    assert!(out.stdout.is_empty());
}

#[test]
fn a_line_of_1_mib_is_read_and_one_byte_more_is_not() {
    let w = Workdir::new();
    let cell = |n: usize| "x".repeat(n - "2026,1,".len());
    w.write(
        "at.csv",
        format!("period,revenue,notes\n2026,1,{}\n", cell(MIB)),
    )
    .write(
        "over.csv",
        format!("period,revenue,notes\n2026,1,{}\n", cell(MIB + 1)),
    );
    assert_eq!(
        w.fails(&["validate", "over.csv"], 1),
        too_long("over.csv", 2) + "1 problem in 1 file\n"
    );
    // The line end is not counted: a CRLF line of 1 MiB is read too.
    w.write(
        "crlf.csv",
        format!("period,revenue,notes\r\n2026,1,{}\r\n", cell(MIB)),
    );
    for file in ["at.csv", "crlf.csv"] {
        let out = w
            .cmd(&["validate", file])
            .assert()
            .success()
            .get_output()
            .clone();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "ok: 1 scenario in 1 file (1 warning)\n"
        );
    }
}

#[test]
fn a_header_over_the_limit_is_refused_before_its_columns_are_looked_at() {
    let w = Workdir::new();
    let names: Vec<String> = (0..200_000).map(|i| format!("c{i}")).collect();
    w.write("t.csv", format!("period,{}\n2026,1\n", names.join(",")));
    assert_eq!(w.fails(&["run", "t.csv"], 1), too_long("t.csv", 1));
}

#[test]
fn the_problems_before_a_long_line_are_listed_and_nothing_after_it() {
    let w = Workdir::new();
    let long = format!("2027,{}", "1".repeat(MIB));
    w.write(
        "t.csv",
        format!("period,revenue\r\n2026,abc\r\n{long}\r\n2028,?\r\n"),
    );
    assert_eq!(
        w.fails(&["run", "t.csv", "--no-files"], 1),
        "error: t.csv: line 2, column \"revenue\": \"abc\" is not a number (expected e.g. 12700000000, 12.7B or \"$12,700,000,000\")\n"
            .to_string()
            + &too_long("t.csv", 3)
    );
}

/// A file large enough to be read as two halves (16 MiB) stops at the line a read in
/// one go names, wherever that line lies.
#[test]
fn a_long_line_in_either_half_of_a_large_file_is_named_by_its_line() {
    let lines = 700_000; // about 17 MiB
    let long = format!("s9,2026,{}", "1".repeat(MIB + 1));
    for line in [1_000, 600_000] {
        let w = Workdir::new();
        w.write("big.csv", with_row_at(lines, line, &long));
        assert_eq!(
            w.fails(&["validate", "big.csv"], 1),
            too_long("big.csv", line as u64) + "1 problem in 1 file\n"
        );
    }
}

/// `run --format csv --no-files` computes and renders a batch of scenarios at a time:
/// its stdout is the ledger file byte for byte, over several files and over a file of
/// several batches (of about 65,536 rows each), its header once.
#[test]
fn csv_on_stdout_is_the_ledger_file_rendered_batch_by_batch() {
    let w = Workdir::new();
    let mut big = String::from("scenario,period,revenue\n");
    for i in 0..150_000 {
        big.push_str(&format!("s{i:06},{},{}M\n", 2026 + i % 3, i % 1000));
    }
    w.write("big.csv", big)
        .write("a.csv", "period,revenue\n2026,40B\n2027,50B\n")
        .write(
            "b.csv",
            "scenario,period,revenue\nx,2026-Q1,1B\ny,2030,70B\n",
        );
    let args = ["a.csv", "big.csv", "b.csv", "--cap", "38B"];
    let files = w
        .cmd(&[&["run"], &args[..], &["--output", "out", "--no-charts"]].concat())
        .assert()
        .success()
        .get_output()
        .clone();
    let streamed = w
        .cmd(&[&["run"], &args[..], &["--format", "csv", "--no-files"]].concat())
        .assert()
        .success()
        .get_output()
        .clone();
    let ledger = std::fs::read(w.path("out/ledger.csv")).unwrap();
    assert_eq!(ledger.len(), streamed.stdout.len());
    assert!(ledger == streamed.stdout, "the streamed ledger differs");
    assert_eq!(
        ledger.iter().filter(|&&b| b == b'\n').count(),
        1 + 2 + 150_000 + 2
    );
    // The same warnings, in the same order, less the line saying files were written
    // (over 50 scenarios, distribution.csv and binding_probability.csv too).
    let stderr = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(
        stderr(&files).replace("wrote 5 files to out\n", ""),
        stderr(&streamed)
    );
}

/// The streamed CSV stops on the same errors: every problem of every file, before a
/// computation's.
#[test]
fn csv_on_stdout_fails_as_a_run_with_files_does() {
    let w = Workdir::new();
    w.write("a.csv", "period,revenue\n2026,x\n")
        .write("b.csv", "period,revenue\n2026,1\n2026,2\n");
    let with_files = w.fails(&["run", "a.csv", "b.csv", "--no-charts"], 1);
    assert!(with_files.contains("a.csv") && with_files.contains("b.csv"));
    assert_eq!(
        w.fails(
            &["run", "a.csv", "b.csv", "--format", "csv", "--no-files"],
            1
        ),
        with_files
    );
}
