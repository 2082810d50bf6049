//! The bundled scenarios built into the binary (docs/spec.md §5.1): from a folder with
//! no `scenarios/`, `run`, `compare` and `validate` read the built-in copies and say
//! so on stderr; `revcap scenarios` lists them and `--export` writes them out; a
//! `scenarios/` of one's own is read instead, silently.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use common::{wrote, Workdir};

const FOLDER_NOTE: &str =
    "note: scenarios/ not found here: using the built-in scenarios (revcap scenarios lists them)\n";

/// CSV on stdout has no terms line: stderr names the folder's terms.
fn folder_terms_note(path: &str) -> String {
    format!("note: terms from {path} (in the input folder; --terms FILE to use others)\n")
}

fn copy_note(path: &str) -> String {
    format!("note: {path} not found here: using the built-in copy (revcap scenarios lists it)\n")
}

/// `revcap ARGS` run in the repository, where `scenarios/` exists.
fn in_repo(args: &[&str]) -> String {
    let out = assert_cmd::Command::new(common::BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_BACKTRACE")
        .args(args)
        .assert()
        .success()
        .get_output()
        .clone();
    String::from_utf8(out.stdout).unwrap()
}

/// The run's text with each input's name as the repository's run gives it.
fn as_on_disk(text: &str) -> String {
    text.replace("built-in:", "scenarios/")
}

#[test]
fn run_without_scenarios_folder_uses_the_built_in_ones() {
    let w = Workdir::new();
    let args = ["run", "--no-files", "--format", "json"];
    let out = w.ok_warned(&args, FOLDER_NOTE);
    assert!(
        out.contains("\"source\": \"built-in:feb2026.csv\""),
        "{out}"
    );
    // The same numbers as the files on disk give, named built-in:FILE.
    assert_eq!(as_on_disk(&out), in_repo(&args));
    // Files: the same set as in the repository, and the line saying so.
    let out = w.ok_warned(
        &["run", "--format", "csv"],
        &format!(
            "{FOLDER_NOTE}{}{}",
            folder_terms_note("built-in:terms.toml"),
            wrote(12, "output")
        ),
    );
    assert!(out.starts_with("scenario,period,"));
    let files = w.files("output");
    assert!(
        files.contains(&"feb2026-cumulative.png".to_string()),
        "{files:?}"
    );
    assert_eq!(files.len(), 12);
    assert!(w.read("output/summary.csv").contains("feb2026,"));
}

#[test]
fn named_built_in_files_and_presets_fall_back_with_a_note_each() {
    let w = Workdir::new();
    let args = [
        "run",
        "scenarios/feb2026.csv",
        "--terms",
        "scenarios/terms/rate-cut.toml",
        "--no-files",
        "--format",
        "csv",
    ];
    let out = w.ok_warned(
        &args,
        &(copy_note("scenarios/feb2026.csv") + &copy_note("scenarios/terms/rate-cut.toml")),
    );
    assert_eq!(out, in_repo(&args));
    // Without --terms, the built-in terms.toml beside the file applies, as on disk.
    let args = ["run", "scenarios/hsbc.csv", "--no-files", "--format", "csv"];
    let out = w.ok_warned(
        &args,
        &(copy_note("scenarios/hsbc.csv")
            + "note: terms from built-in:terms.toml (beside the input file; --terms FILE to use others)\n"),
    );
    assert_eq!(out, in_repo(&args));
    // Built-in files can be named as outputs name them, with no note for that.
    let args = [
        "run",
        "built-in:hsbc.csv",
        "--terms",
        "built-in:terms/reported.toml",
        "--no-files",
        "--format",
        "csv",
    ];
    assert_eq!(
        w.ok(&args),
        in_repo(&[
            "run",
            "scenarios/hsbc.csv",
            "--terms",
            "scenarios/terms/reported.toml",
            "--no-files",
            "--format",
            "csv"
        ])
    );
    // A file that is not bundled is still an error.
    let err = w.fails(&["run", "scenarios/nope.csv", "--no-files"], 1);
    assert_eq!(
        err,
        "error: scenarios/nope.csv: does not exist (expected a CSV file or workbook, a folder of them, or -)\n"
    );
}

#[test]
fn compare_and_validate_use_them_too() {
    let w = Workdir::new();
    let args = ["compare", "--caps", "20B:60B:10B", "--no-files"];
    let out = w.ok_warned(&args, FOLDER_NOTE);
    // The terms line names the built-in terms file the terms came from.
    assert!(out.starts_with("terms from built-in:terms.toml: "), "{out}");
    assert_eq!(as_on_disk(&out), in_repo(&args));
    let args = [
        "compare",
        "--terms",
        "scenarios/terms/reported.toml",
        "--cap",
        "30B",
        "--no-files",
        "--format",
        "csv",
    ];
    let out = w.ok_warned(
        &args,
        &(FOLDER_NOTE.to_string()
            + &copy_note("scenarios/terms/reported.toml")
            + &folder_terms_note("built-in:terms.toml")),
    );
    assert_eq!(as_on_disk(&out), in_repo(&args));
    let out = w.ok_warned(&["validate"], FOLDER_NOTE);
    assert_eq!(out, "ok: 4 scenarios in 4 files\n");
}

#[test]
fn an_own_scenarios_folder_is_read_silently() {
    let w = Workdir::new();
    w.write(
        "scenarios/mine.csv",
        "period,revenue\n2026,1B\n2027,2B\n2028,3B\n2029,4B\n2030,5B\n",
    );
    let out = w.ok(&[
        "run",
        "--no-files",
        "--format",
        "csv",
        "--from",
        "2026-01-01",
    ]);
    assert!(out.contains("\nmine,2026,"), "{out}");
    assert!(!out.contains("feb2026"), "{out}");
}

#[test]
fn scenarios_lists_the_built_in_files_with_their_sources() {
    let w = Workdir::new();
    let out = w.ok(&["scenarios"]);
    for (file, last, source) in [
        ("apr2025.csv", "2030: 174B", "The Information, April 2025"),
        ("feb2026.csv", "2030: 280B", "CNBC, February 2026"),
        ("hsbc.csv", "2030: 213B", "HSBC street case"),
        (
            "sep2025.csv",
            "2030: 200B",
            "The Information, September 2025",
        ),
    ] {
        let line = out
            .lines()
            .find(|l| l.trim_start().starts_with(file))
            .unwrap_or_else(|| panic!("{file} in {out}"));
        assert!(line.contains("2024-2030 (7 periods)"), "{line}");
        assert!(line.contains(last), "{line}");
        assert!(line.contains(source), "{line}");
    }
    assert!(out.contains("Terms (terms.toml): 20% of revenue, cap 38B, 2026-04-27 to 2030-12-31"));
    for preset in [
        "terms/reported.toml",
        "terms/rate-cut.toml",
        "terms/pre2026-counts.toml",
    ] {
        assert!(out.contains(&format!("  {preset}  ")), "{preset}");
    }
}

#[test]
fn scenarios_export_writes_them_out_once() {
    let w = Workdir::new();
    w.ok_warned(
        &["scenarios", "--export", "mine"],
        "wrote 9 files to mine\n",
    );
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let files = w.files("mine");
    assert_eq!(
        files,
        [
            "README.md",
            "apr2025.csv",
            "feb2026.csv",
            "hsbc.csv",
            "sep2025.csv",
            "terms.toml",
            "terms/pre2026-counts.toml",
            "terms/rate-cut.toml",
            "terms/reported.toml",
        ]
    );
    for f in &files {
        assert_eq!(
            w.read(&format!("mine/{f}")),
            std::fs::read_to_string(repo.join(f)).unwrap(),
            "{f}"
        );
    }
    // The exported folder runs like the repository's, from disk: no note but the
    // folder's terms.
    let args = ["run", "mine", "--no-files", "--format", "csv"];
    assert_eq!(
        w.ok_warned(&args, &folder_terms_note("mine/terms.toml")),
        in_repo(&["run", "scenarios", "--no-files", "--format", "csv"])
    );
    // A second export replaces nothing and writes nothing.
    let err = w.fails(&["scenarios", "--export", "mine"], 1);
    assert_eq!(
        err,
        "error: mine/apr2025.csv: cannot write: already exists; revcap scenarios --export never replaces a file (choose an empty folder)\n"
    );
    // A file where the folder should be: the flag named is --export.
    assert_eq!(
        w.fails(&["scenarios", "--export", "mine/apr2025.csv"], 1),
        "error: mine/apr2025.csv: cannot write: exists and is not a folder (give --export a folder)\n"
    );
}

#[test]
fn a_built_in_file_is_named_with_or_without_its_extension() {
    // The listing names `feb2026.csv`; `built-in:feb2026` is the same file.
    let args = |name: &str| {
        vec![
            "run".to_string(),
            name.to_string(),
            "--no-files".to_string(),
            "--format".to_string(),
            "csv".to_string(),
        ]
    };
    let with = in_repo(
        &args("built-in:feb2026.csv")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let without = in_repo(
        &args("built-in:feb2026")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(with.contains("feb2026,"), "{with}");
    assert_eq!(with, without);
}
