//! A folder's `terms.toml` applies to the files in it however they were named, and term
//! problems blame the layer that gave the value (docs/spec.md §3.3).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::{Workdir, BIN};

const HEADER: &str = "scenario,period,start,end,revenue,eligible_revenue,uncapped_payment,payment,cumulative,remaining_cap,capped,present_value,rate\n";

/// `deal/` (q.csv, q2.csv, terms.toml: 10%, cap 15), `other/` (r.csv, terms.toml: 5%),
/// `plain/` (s.csv, no terms) and `alt.toml` (50%).
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terms_beside")
}

/// `revcap ARGS` run in `dir`; gives exit code, stdout and stderr.
fn revcap(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn in_fixtures(args: &[&str]) -> (i32, String, String) {
    revcap(&fixtures(), args)
}

fn in_repo(args: &[&str]) -> (i32, String, String) {
    revcap(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// The fixtures end before the default term does; the ledgers here are the default
/// term's, so the runs warn (docs/errors.md, "Data that does not cover the term").
const Q_SHORT: &str = "warning: deal/q.csv: scenario \"q\": data ends 2027-12-31, before the term ends (2030-12-31): payments after it are not counted\n";

const Q_UNDER_DEAL: &str = "\
q,2026,2026-01-01,2026-12-31,100,100,10,10,10,5,false,,0.1
q,2027,2027-01-01,2027-12-31,100,100,10,5,15,0,true,,0.1
";

#[test]
fn a_file_named_alone_takes_its_folders_terms_and_says_so() {
    let (code, out, err) = in_fixtures(&["run", "deal/q.csv", "--format", "csv", "--no-files"]);
    assert_eq!(code, 0);
    assert_eq!(out, format!("{HEADER}{Q_UNDER_DEAL}"));
    assert_eq!(
        err,
        format!(
            "note: terms from deal/terms.toml (beside the input file; --terms FILE to use others)\n{Q_SHORT}"
        )
    );
}

#[test]
/// The same terms; the table's first line names them, so only CSV, which has no
/// such line, gets the note (a table run of a folder is silent: below).
fn naming_the_folder_gives_the_same_terms_and_csv_notes_them() {
    let (code, out, err) = in_fixtures(&["run", "deal", "--format", "csv", "--no-files"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!(
            "{HEADER}{Q_UNDER_DEAL}q2,2028,2028-01-01,2028-12-31,100,100,10,10,10,5,false,,0.1\n"
        )
    );
    assert_eq!(err, format!("note: terms from deal/terms.toml (in the input folder; --terms FILE to use others)\n{Q_SHORT}warning: deal/q2.csv: scenario \"q2\": data ends 2028-12-31, before the term ends (2030-12-31): payments after it are not counted\n"));
}

#[test]
fn two_files_of_one_folder_share_its_terms_however_the_folder_is_spelled() {
    let (code, out, err) = in_fixtures(&[
        "run",
        "deal/q.csv",
        "./deal/q2.csv",
        "--format",
        "csv",
        "--no-files",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!(
            "{HEADER}{Q_UNDER_DEAL}q2,2028,2028-01-01,2028-12-31,100,100,10,10,10,5,false,,0.1\n"
        )
    );
    assert_eq!(
        err,
        format!(
            "note: terms from deal/terms.toml (beside the input files; --terms FILE to use others)\n{Q_SHORT}warning: ./deal/q2.csv: scenario \"q2\": data ends 2028-12-31, before the term ends (2030-12-31): payments after it are not counted\n"
        )
    );
}

#[test]
fn the_bundled_file_named_alone_runs_under_the_bundled_terms() {
    let (code, out, err) = in_repo(&["run", "scenarios/feb2026.csv", "--cap", "38B", "--no-files"]);
    assert_eq!(code, 0);
    assert_eq!(
        err,
        "note: terms from scenarios/terms.toml (beside the input file; --terms FILE to use others)\n"
    );
    assert!(
        out.starts_with(
            "terms from scenarios/terms.toml: rate 20%, cap $38B (--cap), term 2026-04-27 to 2030-12-31\n"
        ),
        "{out}"
    );
    assert!(out.contains("binds on 2029-01-17"), "{out}");
    // Byte for byte what naming the terms file gives.
    let (_, named, named_err) = in_repo(&[
        "run",
        "scenarios/feb2026.csv",
        "--cap",
        "38B",
        "--terms",
        "scenarios/terms.toml",
        "--no-files",
    ]);
    assert_eq!(out, named);
    assert_eq!(named_err, "");
}

#[test]
fn the_bundled_folder_run_says_nothing_more() {
    let (code, _, err) = in_repo(&["run", "scenarios", "--no-files"]);
    assert_eq!(code, 0);
    assert_eq!(err, "");
}

#[test]
fn files_from_folders_under_different_terms_stop() {
    let (code, out, err) = in_fixtures(&["run", "deal/q.csv", "other/r.csv", "--no-files"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(err, "error: terms: the inputs come under different terms (deal/terms.toml, other/terms.toml); run them separately or pass --terms FILE\n");
    let (code, _, err) = in_fixtures(&["run", "deal/q.csv", "plain/s.csv", "--no-files"]);
    assert_eq!(code, 1);
    assert_eq!(err, "error: terms: the inputs come under different terms (deal/terms.toml, the defaults); run them separately or pass --terms FILE\n");
    // --terms settles it.
    let (code, _, err) = in_fixtures(&[
        "run",
        "deal/q.csv",
        "other/r.csv",
        "--terms",
        "alt.toml",
        "--no-files",
    ]);
    assert_eq!(
        (code, err),
        (0, format!("{Q_SHORT}warning: other/r.csv: scenario \"r\": data ends 2026-12-31, before the term ends (2030-12-31): payments after it are not counted\n"))
    );
}

#[test]
fn terms_file_replaces_the_folders_terms() {
    let (code, out, err) = in_fixtures(&[
        "run",
        "deal/q.csv",
        "--terms",
        "alt.toml",
        "--format",
        "csv",
        "--no-files",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!(
            "{HEADER}q,2026,2026-01-01,2026-12-31,100,100,50,50,50,,false,,0.5\nq,2027,2027-01-01,2027-12-31,100,100,50,50,100,,false,,0.5\n"
        )
    );
    assert_eq!(err, Q_SHORT);
}

#[test]
fn flags_override_the_folders_terms() {
    let (code, out, err) = in_fixtures(&[
        "run",
        "deal/q.csv",
        "--rate",
        "1%",
        "--format",
        "csv",
        "--no-files",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!(
            "{HEADER}q,2026,2026-01-01,2026-12-31,100,100,1,1,1,14,false,,0.01\nq,2027,2027-01-01,2027-12-31,100,100,1,1,2,13,false,,0.01\n"
        )
    );
    assert_eq!(
        err,
        format!(
            "note: terms from deal/terms.toml (beside the input file; --terms FILE to use others)\n{Q_SHORT}"
        )
    );
}

#[test]
fn compare_takes_the_shared_terms_from_beside_the_file() {
    let (code, out, err) = in_fixtures(&["compare", "deal/q.csv", "--format", "csv", "--no-files"]);
    assert_eq!(code, 0);
    let (_, named, _) = in_fixtures(&[
        "compare",
        "deal/q.csv",
        "--cap",
        "15",
        "--rate",
        "10%",
        "--format",
        "csv",
        "--no-files",
    ]);
    assert_eq!(out, named);
    assert_eq!(
        err,
        format!(
            "note: terms from deal/terms.toml (beside the input file; --terms FILE to use others)\n{Q_SHORT}"
        )
    );
}

#[test]
fn stdin_has_no_folder() {
    let out = Command::new(BIN)
        .current_dir(fixtures().join("deal"))
        .env_remove("RUST_BACKTRACE")
        .args([
            "run",
            "-",
            "--through",
            "2026-12-31",
            "--format",
            "csv",
            "--no-files",
        ])
        .write_stdin("period,revenue\n2026,100\n")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{HEADER}stdin,2026,2026-01-01,2026-12-31,100,100,20,20,20,,false,,0.2\n")
    );
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
}

#[test]
fn a_flag_date_is_blamed_on_the_flag() {
    let (code, out, err) = in_repo(&["run", "--from", "2031-01-01", "--no-files"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(err, "error: --from: \"2031-01-01\" is after the term's end, 2030-12-31 (through in scenarios/terms.toml, line 8); from must not be after through\n");
    let (code, _, err) = in_repo(&[
        "run",
        "--from",
        "2031-01-01",
        "--through",
        "2026-12-31",
        "--no-files",
    ]);
    assert_eq!(code, 1);
    assert_eq!(err, "error: --from: \"2031-01-01\" is after the term's end, 2026-12-31 (--through); from must not be after through\n");
    let (code, _, err) = in_repo(&["run", "--through", "2026-01-01", "--no-files"]);
    assert_eq!(code, 1);
    assert_eq!(err, "error: --through: \"2026-01-01\" is before the term's start, 2026-04-27 (from in scenarios/terms.toml, line 13); through must not be before from\n");
}

#[test]
fn a_terms_file_value_is_blamed_on_the_file_and_key() {
    let w = Workdir::new();
    w.write("d/x.csv", "period,revenue\n2026,100\n");
    // A value that is wrong in itself: the file, line and key.
    w.write("d/terms.toml", "rate = \"20%\"\nfrom = \"2026-13-01\"\n");
    assert_eq!(
        w.fails(&["run", "d/x.csv", "--no-files"], 1),
        "error: d/terms.toml: line 2, key \"from\": \"2026-13-01\" is not a date (expected YYYY-MM-DD, e.g. 2026-04-27)\n"
    );
    // A start after the default end: the file's key, and the default named.
    w.write("d/terms.toml", "rate = \"20%\"\nfrom = 2031-01-01\n");
    assert_eq!(
        w.fails(&["run", "d/x.csv", "--no-files"], 1),
        "error: d/terms.toml: line 2, key \"from\": \"2031-01-01\" is after the term's end, 2030-12-31 (the default through); from must not be after through\n"
    );
    // Both dates from the file: the file, as before.
    w.write("d/terms.toml", "from = 2027-01-01\nthrough = 2026-12-31\n");
    assert_eq!(
        w.fails(&["run", "d", "--no-files"], 1),
        "error: d/terms.toml: line 2, key \"through\": the term starts on 2027-01-01, after it ends on 2026-12-31 (from on line 1); from must not be after through\n"
    );
    // validate checks the terms.toml beside a file it is given.
    w.write("d/terms.toml", "cap = \"lots\"\n");
    let err = w.fails(&["validate", "d/x.csv"], 1);
    assert!(
        err.starts_with("error: d/terms.toml: line 1, key \"cap\": \"lots\" is not a number"),
        "{err}"
    );
}
