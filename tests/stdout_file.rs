//! `compare --format csv` with stdout redirected to a file writes its rows into the file
//! as they are made, and cuts the file back to where it began when the run fails or is
//! interrupted (src/output/stdout_file.rs, docs/spec.md §5.8): the file ends as a spool
//! would leave it. Anything it cannot cut back exactly (stderr in the same file, an
//! input, a `>>` of a file with text in it) is spooled as before.
//!
//! Which way a run took shows in the fault hook's count (`REVCAP_FAULT=count`, debug
//! builds: src/output/fault.rs): each write into the file is a step named on stderr.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Workdir, BIN};

/// What the file held before the run.
const BEFORE: &str = "kept from before\n";

/// The fault hook's line for one write into the file.
const STEP: &str = "write rows into the file stdout is";

/// `n` scenarios of 12 months: a row of about 150 bytes each, so a few thousand make
/// several writes of 64 KiB.
fn scenarios(n: usize) -> String {
    let mut s = String::from("scenario,period,revenue\n");
    for i in 0..n {
        for m in 1..=12 {
            s.push_str(&format!("s{i:05},2026-{m:02},{}\n", 1_000_000_000 + i));
        }
    }
    s
}

const ARGS: [&str; 8] = [
    "compare",
    "data.csv",
    "--cap",
    "1B",
    "--format",
    "csv",
    "--no-files",
    "--through=2026-12-31",
];

/// `out` holding [`BEFORE`], opened for writing at its end (`>` after an `echo`).
fn at_end(w: &Workdir, out: &str) -> File {
    w.write(out, BEFORE);
    let mut f = OpenOptions::new().write(true).open(w.path(out)).unwrap();
    f.seek(SeekFrom::End(0)).unwrap();
    f
}

/// `revcap ARGS` in `w` with stdout into `stdout`, `fault` as `REVCAP_FAULT`.
fn command(w: &Workdir, args: &[&str], stdout: File, fault: Option<&str>) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(w.path(""))
        .env_remove("RUST_BACKTRACE")
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::piped());
    if let Some(f) = fault {
        c.env("REVCAP_FAULT", f);
    }
    c
}

fn run(w: &Workdir, args: &[&str], stdout: File, fault: Option<&str>) -> Output {
    command(w, args, stdout, fault).output().unwrap()
}

/// What the same run prints into a pipe.
fn piped(w: &Workdir, args: &[&str]) -> String {
    let out = w.cmd(args).assert().success().get_output().clone();
    String::from_utf8(out.stdout).unwrap()
}

/// How many writes into the file the fault hook counted.
fn writes(o: &Output) -> usize {
    String::from_utf8_lossy(&o.stderr).matches(STEP).count()
}

/// [`ARGS`] into `stdout` (`out.csv`) under `fault`, sent `sig` once rows are in the
/// file (no signal when `sig` is empty: the fault ends the run).
fn stopped(w: &Workdir, stdout: File, fault: &str, sig: &str) -> Output {
    let child = command(w, &ARGS, stdout, Some(fault)).spawn().unwrap();
    if !sig.is_empty() {
        let start = Instant::now();
        while w.read("out.csv").len() == BEFORE.len() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{fault}: no rows"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        signal(&child, sig);
    }
    child.wait_with_output().unwrap()
}

/// Sends `sig` (`-INT`, say) to `child`.
fn signal(child: &std::process::Child, sig: &str) {
    let sent = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

#[test]
fn rows_go_into_the_file_as_a_pipe_gets_them() {
    let w = Workdir::new();
    w.write("data.csv", scenarios(6000));
    let expected = piped(&w, &ARGS);
    assert!(
        expected.len() > 4 << 16,
        "several writes: {}",
        expected.len()
    );
    let o = run(&w, &ARGS, at_end(&w, "out.csv"), Some("count"));
    assert!(o.status.success());
    assert!(writes(&o) >= 4, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(w.read("out.csv"), format!("{BEFORE}{expected}"));
    // Without the hook, stderr is silent and the file the same.
    let o = run(&w, &ARGS, at_end(&w, "out.csv"), None);
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    assert_eq!(w.read("out.csv"), format!("{BEFORE}{expected}"));
}

#[test]
fn a_failure_after_rows_were_written_cuts_them_off() {
    let w = Workdir::new();
    w.write("data.csv", scenarios(6000));
    // A write that fails (the disk full, say) after one went in.
    let o = run(&w, &ARGS, at_end(&w, "out.csv"), Some("2:fail"));
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("injected fault at step 2"), "{err}");
    assert_eq!(w.read("out.csv"), BEFORE);
    // A problem found in a later batch, after the first batch's rows were written
    // (about 65,536 values to a batch).
    let mut data = scenarios(7000);
    data.push_str("s06999,2026-12,5\n");
    w.write("data.csv", data);
    let o = run(&w, &ARGS, at_end(&w, "out.csv"), Some("count"));
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("\"2026-12\" repeats line"), "{err}");
    assert!(
        writes(&o) >= 1,
        "rows were written before the problem: {err}"
    );
    assert_eq!(w.read("out.csv"), BEFORE);
}

#[test]
fn a_signal_cuts_the_rows_off_and_sigkill_leaves_them() {
    let w = Workdir::new();
    w.write("data.csv", scenarios(6000));
    let whole = format!("{BEFORE}{}", piped(&w, &ARGS));
    // Paused (or killed) before the third write: two are in the file.
    for (fault, sig, code) in [
        ("3:pause", "-INT", Some(130)),
        ("3:pause", "-TERM", Some(143)),
        ("3:pause", "-HUP", Some(129)),
        ("3:kill", "", None),
    ] {
        let o = stopped(&w, at_end(&w, "out.csv"), fault, sig);
        assert_eq!(o.status.code(), code, "{fault} {sig}");
        let left = w.read("out.csv");
        if sig.is_empty() {
            // What the module says it does not keep: SIGKILL leaves the two writes'
            // rows, the start of the output.
            assert!(left.len() > BEFORE.len() + (2 << 16), "{fault}");
            assert!(whole.starts_with(&left), "{fault}");
            assert!(whole.len() > left.len(), "{fault}");
        } else {
            assert_eq!(left, BEFORE, "{fault} {sig}");
        }
    }
}

/// What is written into the file after the run, through the same open file, follows
/// what it held before (`{ revcap …; echo done; } > f`): the cut puts the offset back
/// with the length, rather than leave a hole of zeros where the rows were. A run that
/// wrote nothing cuts nothing: what another writer added meanwhile stays.
#[test]
fn the_offset_goes_back_and_a_run_that_wrote_nothing_cuts_nothing() {
    use std::io::Write;
    let w = Workdir::new();
    w.write("data.csv", scenarios(6000));
    // The signal's cut, and the failure's (a write that fails after one went in).
    for (fault, sig) in [("3:pause", "-TERM"), ("2:fail", "")] {
        let mut ours = at_end(&w, "out.csv");
        let o = stopped(&w, ours.try_clone().unwrap(), fault, sig);
        assert!(!o.status.success(), "{fault}");
        ours.write_all(b"done\n").unwrap();
        assert_eq!(w.read("out.csv"), format!("{BEFORE}done\n"), "{fault}");
    }
    // Paused before its first write while another writer adds a line, then stopped.
    let mut ours = at_end(&w, "out.csv");
    let child = command(&w, &ARGS, ours.try_clone().unwrap(), Some("1:pause"))
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    ours.write_all(b"another\n").unwrap();
    signal(&child, "-INT");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130));
    assert_eq!(w.read("out.csv"), format!("{BEFORE}another\n"));
}

#[test]
fn what_cannot_be_cut_back_exactly_is_spooled() {
    let w = Workdir::new();
    w.write("data.csv", scenarios(6000));
    let expected = piped(&w, &ARGS);
    // stderr in the same file (`> out 2>&1`): the count's lines, printed as the
    // run goes, would be cut with the rows; spooled, they all come before them.
    let f = at_end(&w, "both.txt");
    let err = f.try_clone().unwrap();
    let o = command(&w, &ARGS, f, Some("count"))
        .stderr(err)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(w.read("both.txt"), format!("{BEFORE}{expected}"));
    // Opened to append (`>>`), empty or not, at its end or not: how several writers
    // share a file, whose lines a cut would take.
    for (before, to_end) in [("", false), (BEFORE, false), (BEFORE, true)] {
        w.write("appended.csv", before);
        let mut f = OpenOptions::new()
            .append(true)
            .open(w.path("appended.csv"))
            .unwrap();
        if to_end {
            f.seek(SeekFrom::End(0)).unwrap();
        }
        let o = run(&w, &ARGS, f, Some("count"));
        assert!(o.status.success());
        assert_eq!(writes(&o), 0, "{before:?} {to_end}");
        assert_eq!(w.read("appended.csv"), format!("{before}{expected}"));
    }
    // stdout the input itself, at its end: read whole first, then appended to.
    let data = w.read("data.csv");
    let mut f = OpenOptions::new()
        .write(true)
        .open(w.path("data.csv"))
        .unwrap();
    f.seek(SeekFrom::End(0)).unwrap();
    let o = run(&w, &ARGS, f, Some("count"));
    assert!(o.status.success());
    assert_eq!(writes(&o), 0);
    assert_eq!(w.read("data.csv"), format!("{data}{expected}"));
}
