//! Output sets are all or nothing (docs/spec.md §5.8): a run killed or failing at any
//! filesystem step leaves the folder with one run's complete set; signals clean up and
//! exit 128 + the signal; one writer at a time; outputs never among the inputs.
//!
//! The fault hook (`REVCAP_FAULT`, read by debug builds only: src/output/fault.rs)
//! fails, kills or pauses the process at a chosen step.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Workdir, BIN};

/// A folder's files: relative path to contents.
type Set = BTreeMap<String, Vec<u8>>;

const DATA: &str = "period,revenue\n2026,100B\n2027,200B\n";

/// A run of `cap` into `out`, data files only.
fn run_args<'a>(cap: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "run",
        "sc",
        "--through",
        "2027-12-31",
        "--cap",
        cap,
        "--output",
        out,
        "--no-charts",
        "--format",
        "csv",
    ]
}

/// Every file under `dir`, relative path to contents (empty if missing).
fn snapshot(dir: &Path) -> Set {
    fn walk(root: &Path, dir: &Path, out: &mut Set) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

/// Names in `dir` (not recursive) that revcap uses for staging, locks or temp files.
fn revcap_leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("revcap-"))
        .collect()
}

fn assert_no_leftovers(w: &Workdir) {
    assert_eq!(revcap_leftovers(&w.path("")), Vec::<String>::new());
    assert_eq!(revcap_leftovers(&w.path("out")), Vec::<String>::new());
}

/// A workdir with the input and the two reference sets (38B and 20B runs).
fn setup() -> (Workdir, Set, Set) {
    let w = Workdir::new();
    w.write("sc/base.csv", DATA);
    w.ok_wrote(&run_args("38B", "ref_old"), 3, "ref_old");
    w.ok_wrote(&run_args("20B", "ref_new"), 3, "ref_new");
    let old = snapshot(&w.path("ref_old"));
    let new = snapshot(&w.path("ref_new"));
    assert_ne!(old, new, "the two reference runs must differ");
    assert_eq!(old.len(), 3);
    (w, old, new)
}

/// `out` as a previous run left it, plus files of other programs (one in a subfolder).
fn reset_out(w: &Workdir, old: &Set) -> Set {
    let _ = std::fs::remove_dir_all(w.path("out"));
    for (name, bytes) in old {
        w.write(&format!("out/{name}"), bytes);
    }
    w.write("out/notes.txt", "mine, not revcap's");
    w.write("out/keep/inner.txt", "mine too");
    let mut foreign = BTreeMap::new();
    foreign.insert("notes.txt".to_string(), b"mine, not revcap's".to_vec());
    foreign.insert("keep/inner.txt".to_string(), b"mine too".to_vec());
    foreign
}

fn with(a: &Set, b: &Set) -> Set {
    a.iter()
        .chain(b)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Makes `out` hold exactly `files`.
fn put_out(w: &Workdir, files: &Set) {
    let _ = std::fs::remove_dir_all(w.path("out"));
    std::fs::create_dir(w.path("out")).unwrap();
    for (name, bytes) in files {
        w.write(&format!("out/{name}"), bytes);
    }
}

/// The steps of `args` run on `out` holding `before`, as the fault hook counts them.
fn count_steps(w: &Workdir, args: &[&str], before: &Set, fault: &str) -> Vec<String> {
    put_out(w, before);
    let out = w
        .cmd(args)
        .env("REVCAP_FAULT", fault)
        .assert()
        .success()
        .get_output()
        .clone();
    String::from_utf8(out.stderr)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("fault step "))
        .map(|l| l.split_once(": ").unwrap().1.to_string())
        .collect()
}

/// Runs `args` on `out` holding `before`, killed, then failed, at each step in turn;
/// after each, `out` holds `before` or `after` exactly, and the next run completes
/// and leaves nothing behind. Both outcomes must happen (killed before the exchange,
/// the old set; after it, the new).
fn at_every_step(w: &Workdir, args: &[&str], before: &Set, after: &Set) -> Vec<String> {
    let steps = count_steps(w, args, before, "count");
    assert!(steps.contains(&"exchange".to_string()), "{steps:?}");
    let (mut saw_old, mut saw_new) = (0, 0);
    for n in 1..=steps.len() {
        for action in ["kill", "fail"] {
            put_out(w, before);
            let status = w
                .cmd(args)
                .env("REVCAP_FAULT", format!("{n}:{action}"))
                .output()
                .unwrap()
                .status;
            let step = &steps[n - 1];
            if action == "kill" {
                assert_eq!(status.code(), None, "step {n} ({step})");
            }
            let got = snapshot(&w.path("out"));
            if &got == before {
                saw_old += 1;
            } else if &got == after {
                saw_new += 1;
            } else {
                panic!(
                    "{action} at step {n} ({step}): a mixed set: {:?}",
                    got.keys()
                );
            }
            w.cmd(args).assert().success();
            assert_eq!(&snapshot(&w.path("out")), after, "after step {n} ({step})");
            assert_no_leftovers(w);
        }
    }
    assert!(saw_old > 0 && saw_new > 0, "{saw_old} old, {saw_new} new");
    steps
}

#[test]
fn a_kill_or_failure_at_any_step_leaves_one_complete_set() {
    let (w, old, new) = setup();
    let foreign = reset_out(&w, &old);
    let steps = at_every_step(
        &w,
        &run_args("20B", "out"),
        &with(&old, &foreign),
        &with(&new, &foreign),
    );
    assert!(
        steps.contains(&"carry over notes.txt".to_string()),
        "{steps:?}"
    );
}

/// In every format the files are written into the staging folder a batch at a time
/// (stdout's text waits in a spool, or is read back from a staged file): a kill or a
/// failure at any step, the first file's creation included, still leaves one set,
/// and a failure while staging prints nothing.
#[test]
fn streamed_files_in_every_format_are_all_or_nothing() {
    let (w, old, new) = setup();
    let foreign = reset_out(&w, &old);
    for format in ["table", "json", "markdown"] {
        let mut args = run_args("20B", "out");
        *args.last_mut().unwrap() = format;
        let steps = at_every_step(&w, &args, &with(&old, &foreign), &with(&new, &foreign));
        for file in ["ledger.csv", "summary.csv", "result.json"] {
            assert!(steps.contains(&format!("write {file}")), "{steps:?}");
        }
        // Staging steps come before anything is printed (committing comes after).
        let staging = steps
            .iter()
            .take_while(|s| s.starts_with("write ") || s.contains("staging"))
            .count();
        assert!(staging >= 4, "{steps:?}");
        let mut failed = 0;
        for n in 1..=staging {
            put_out(&w, &with(&old, &foreign));
            let out = w
                .cmd(&args)
                .env("REVCAP_FAULT", format!("{n}:fail"))
                .output()
                .unwrap();
            // (A staging folder that cannot be made beside the folder is made inside.)
            if !out.status.success() {
                assert!(out.stdout.is_empty(), "{format}: fail at step {n}");
                failed += 1;
            }
        }
        assert!(failed >= 3, "{format}: {steps:?}");
    }
}

#[test]
fn compare_with_charts_beside_a_runs_files_is_all_or_nothing_too() {
    let (w, old, _) = setup();
    let args = |out| {
        [
            "compare",
            "sc",
            "--through",
            "2027-12-31",
            "--cap",
            "20B",
            "--cap",
            "38B",
            "--output",
            out,
            "--chart-format",
            "svg",
            "--format",
            "csv",
        ]
    };
    w.cmd(&args("ref_cmp")).assert().success();
    let compare = snapshot(&w.path("ref_cmp"));
    assert!(
        compare.keys().filter(|k| k.ends_with(".svg")).count() >= 2,
        "{compare:?}"
    );
    let foreign = reset_out(&w, &old);
    let before = with(&old, &foreign);
    // compare's files join the run's, which stay.
    at_every_step(&w, &args("out"), &before, &with(&before, &compare));
}

#[test]
fn without_the_exchange_files_are_renamed_one_by_one() {
    let (w, old, new) = setup();
    let foreign = reset_out(&w, &old);
    let steps = count_steps(
        &w,
        &run_args("20B", "out"),
        &with(&old, &foreign),
        "count,noexchange",
    );
    assert!(
        steps.contains(&"rename ledger.csv".to_string()),
        "{steps:?}"
    );
    assert_eq!(snapshot(&w.path("out")), with(&new, &foreign));
    assert_no_leftovers(&w);
}

#[test]
fn a_new_folder_appears_whole_and_a_failed_one_leaves_nothing() {
    let (w, _, new) = setup();
    w.ok_wrote(&run_args("20B", "deep/er/out"), 3, "deep/er/out");
    assert_eq!(snapshot(&w.path("deep/er/out")), new);
    assert_eq!(revcap_leftovers(&w.path("deep/er")), Vec::<String>::new());
    w.cmd(&run_args("20B", "fresh/out"))
        .env("REVCAP_FAULT", "3:fail")
        .assert()
        .code(1);
    assert!(
        !w.path("fresh").exists(),
        "folders created are removed again"
    );
    assert_eq!(revcap_leftovers(&w.path("")), Vec::<String>::new());
}

#[test]
fn a_folder_where_a_file_goes_keeps_the_whole_old_set() {
    // The reproduction: summary.csv replaced by a folder, then a run with another cap.
    let w = Workdir::new();
    w.write("sc/base.csv", DATA);
    w.ok_wrote(&run_args("38B", "cm"), 3, "cm");
    let before = snapshot(&w.path("cm"));
    std::fs::remove_file(w.path("cm/summary.csv")).unwrap();
    std::fs::create_dir(w.path("cm/summary.csv")).unwrap();
    let err = w.fails(&run_args("20B", "cm"), 1);
    assert_eq!(
        err,
        "error: cm/summary.csv: cannot write: is a folder; refusing to replace it with a file (move or remove it)\n"
    );
    for name in ["ledger.csv", "result.json"] {
        assert_eq!(
            std::fs::read(w.path(&format!("cm/{name}"))).unwrap(),
            before[name],
            "{name} is still the 38B run's"
        );
    }
    assert!(w.path("cm/summary.csv").is_dir());
    assert_eq!(revcap_leftovers(&w.path("")), Vec::<String>::new());
}

#[test]
fn the_folder_keeps_its_mode_and_a_symlink_stays_a_symlink() {
    let (w, _, new) = setup();
    std::fs::create_dir(w.path("real")).unwrap();
    std::fs::set_permissions(w.path("real"), std::fs::Permissions::from_mode(0o750)).unwrap();
    std::os::unix::fs::symlink("real", w.path("out")).unwrap();
    w.ok_wrote(&run_args("38B", "out"), 3, "out");
    w.ok_wrote(&run_args("20B", "out"), 3, "out");
    assert!(std::fs::symlink_metadata(w.path("out"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(snapshot(&w.path("real")), new);
    let mode = std::fs::metadata(w.path("real"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o7777, 0o750);
    assert_eq!(revcap_leftovers(&w.path("")), Vec::<String>::new());
}

#[test]
fn the_current_folder_as_output_gets_its_files_one_by_one() {
    let (w, _, new) = setup();
    std::fs::create_dir(w.path("here")).unwrap();
    w.write("here/sc/base.csv", DATA);
    let mut cmd = Command::new(BIN);
    cmd.current_dir(w.path("here"))
        .args(run_args("20B", "."))
        .stdout(Stdio::null());
    assert!(cmd.status().unwrap().success());
    let got = snapshot(&w.path("here"));
    for (name, bytes) in &new {
        assert_eq!(&got[name], bytes, "{name}");
    }
    assert_eq!(revcap_leftovers(&w.path("here")), Vec::<String>::new());
    assert_eq!(revcap_leftovers(&w.path("")), Vec::<String>::new());
}

#[test]
fn leftovers_of_dead_runs_are_removed_and_a_live_runs_are_kept() {
    let (w, old, new) = setup();
    let foreign = reset_out(&w, &old);
    // A pid that was alive once and is no more.
    let mut gone = Command::new("true").spawn().unwrap();
    gone.wait().unwrap();
    let dead = gone.id();
    let live = std::process::id();
    w.write(&format!(".out.revcap-staging-{dead}/ledger.csv"), "half");
    w.write(&format!(".out.revcap-staging-{live}/ledger.csv"), "busy");
    w.write(&format!("out/.revcap-staging-{dead}/ledger.csv"), "half");
    w.write("out/.revcap-Ab12Cd.tmp", "an older version's temp file");
    w.ok_wrote(&run_args("20B", "out"), 3, "out");
    assert_eq!(snapshot(&w.path("out")), with(&new, &foreign));
    assert_eq!(
        revcap_leftovers(&w.path("")),
        [format!(".out.revcap-staging-{live}")]
    );
}

/// Spawns a run into `out` that pauses (holding the lock, its staging folder made)
/// before writing its first file, and waits until it is there.
fn paused_run(w: &Workdir, cap: &str, out: &str) -> Child {
    let child = Command::new(BIN)
        .current_dir(w.path(""))
        .env_remove("RUST_BACKTRACE")
        .env("REVCAP_FAULT", "3:pause")
        .args(run_args(cap, out))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !revcap_leftovers(&w.path(""))
        .iter()
        .any(|n| n.contains("revcap-staging"))
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no staging folder"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

#[test]
fn signals_remove_the_staging_folder_and_exit_128_plus_the_signal() {
    let (w, old, _) = setup();
    for (sig, code) in [("-INT", 130), ("-TERM", 143), ("-HUP", 129)] {
        let foreign = reset_out(&w, &old);
        let child = paused_run(&w, "20B", "out");
        signal(&child, sig);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{sig}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{sig}");
        assert_eq!(snapshot(&w.path("out")), with(&old, &foreign), "{sig}");
        assert_no_leftovers(&w);
    }
}

#[test]
fn a_second_run_waits_for_the_first_or_fails_with_no_wait() {
    let (w, old, new) = setup();
    // The folder is `output` here, as in docs/errors.md.
    std::fs::rename(w.path("ref_old"), w.path("output")).unwrap();
    let first = paused_run(&w, "38B", "output");
    let mut args = run_args("20B", "output");
    args.push("--no-wait");
    let err = w.fails(&args, 1);
    assert_eq!(
        err,
        "error: output: cannot write: another revcap run is writing to this folder (not waiting for it: --no-wait)\n"
    );
    assert_eq!(
        snapshot(&w.path("output")),
        old,
        "the folder is the first run's"
    );
    // Without --no-wait the second run waits, says so once, and runs once the first
    // is gone.
    let mut second = Command::new(BIN)
        .current_dir(w.path(""))
        .env_remove("RUST_BACKTRACE")
        .args(run_args("20B", "output"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(second.stderr.take().unwrap());
    let mut note = String::new();
    stderr.read_line(&mut note).unwrap();
    assert_eq!(
        note,
        "note: waiting for another revcap run writing to output/ (--no-wait to fail instead)\n"
    );
    assert!(second.try_wait().unwrap().is_none(), "still waiting");
    signal(&first, "-TERM");
    assert_eq!(first.wait_with_output().unwrap().status.code(), Some(143));
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, common::wrote(3, "output"));
    assert!(second.wait().unwrap().success());
    assert_eq!(snapshot(&w.path("output")), new);
    assert_eq!(revcap_leftovers(&w.path("")), Vec::<String>::new());
}

#[test]
fn an_output_in_an_input_folder_is_refused() {
    // The reproduction: `revcap run sc2 --output sc2`, then a second run.
    let w = Workdir::new();
    w.write("sc2/base.csv", DATA);
    for (out, how) in [("sc2", "is"), ("sc2/reports", "is inside")] {
        let err = w.fails(
            &["run", "sc2", "--through", "2027-12-31", "--output", out],
            2,
        );
        assert_eq!(
            err,
            format!("error: --output {out} {how} the input folder sc2: its files would be read as scenarios (choose an --output outside the input folders)\n")
        );
        assert_eq!(w.files("sc2"), ["base.csv"]);
    }
    let err = w.fails(
        &[
            "compare",
            "./sc2/",
            "--cap",
            "20B",
            "--output",
            "sc2/../sc2/c",
        ],
        2,
    );
    assert_eq!(
        err,
        "error: --output sc2/../sc2/c is inside the input folder ./sc2/: its files would be read as scenarios (choose an --output outside the input folders)\n"
    );
    // Without files there is nothing to refuse; an input file's folder is not an
    // input folder.
    w.ok(&["run", "sc2", "--through", "2027-12-31", "--no-files"]);
    w.ok_wrote(
        &[
            "run",
            "sc2/base.csv",
            "--through",
            "2027-12-31",
            "--output",
            "sc2/out",
            "--no-charts",
        ],
        3,
        "sc2/out",
    );
}
