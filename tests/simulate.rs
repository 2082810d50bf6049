//! `revcap simulate` through the real binary: the CSV it writes, its names and
//! rounding, seeds, the file written atomically, reading it back with `run` and
//! `validate`, and every error with its exit code and exact message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::Workdir;

const BASE: &str = "period,revenue\n2025,13.1B\n2026,30B\n2027,62B\n2028,100B\n";

fn workdir() -> Workdir {
    let w = Workdir::new();
    w.write("base.csv", BASE);
    w
}

fn lines(s: &str) -> Vec<&str> {
    s.lines().collect()
}

/// The note of a `simulate` that nothing gave a start: the paths start on each
/// base's first day (`day` for the first base, `name`).
fn first_day(day: &str, name: &str) -> String {
    format!("note: paths start on each base's first day ({day} for {name}), so every period is drawn; --start DATE (or from in the terms) keeps the periods before it as given\n")
}

/// Runs a `simulate` that nothing gave a start, expects success and that note alone
/// on stderr (its day and base checked by the file test below), returns stdout.
fn drawn(w: &Workdir, args: &[&str]) -> String {
    let out = w.cmd(args).assert().success().get_output().clone();
    let err = String::from_utf8_lossy(&out.stderr);
    let note = first_day("DAY", "NAME");
    let (head, tail) = note.split_once("DAY for NAME").unwrap();
    assert!(
        err.starts_with(head) && err.ends_with(tail) && err.lines().count() == 1,
        "{args:?}: {err}"
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn writes_a_long_csv_with_one_row_per_path_and_period() {
    let w = workdir();
    let out = w.ok(&[
        "simulate",
        "base.csv",
        "--paths",
        "3",
        "--volatility",
        "30%",
        "--start",
        "2026-04-27",
        "--seed",
        "7",
    ]);
    let l = lines(&out);
    assert_eq!(l[0], "scenario,period,revenue");
    assert_eq!(l.len(), 1 + 3 * 4);
    // 2025 ends before the start: copied as given; the rest have 2 decimal places.
    for (i, n) in ["base.1", "base.2", "base.3"].iter().enumerate() {
        let rows = &l[1 + 4 * i..5 + 4 * i];
        assert_eq!(rows[0], format!("{n},2025,13100000000"));
        for (r, period) in rows[1..].iter().zip(["2026", "2027", "2028"]) {
            let cells: Vec<&str> = r.split(',').collect();
            assert_eq!(&cells[..2], &[*n, period]);
            assert_eq!(cells[2].split_once('.').unwrap().1.len(), 2, "{r}");
        }
    }
    // The documented generator, seed derivation and rounding give these bytes on
    // every machine (docs/montecarlo.md); a change here changes every user's paths.
    assert_eq!(l[2], "base.1,2026,23499364337.94");
    assert_eq!(l[12], "base.3,2028,136996336558.70");
}

#[test]
fn names_are_zero_padded_to_the_width_of_the_count() {
    let w = workdir();
    let out = drawn(
        &w,
        &[
            "simulate",
            "base.csv",
            "--paths",
            "10",
            "--volatility",
            "0.3",
        ],
    );
    let names: Vec<&str> = out
        .lines()
        .skip(1)
        .step_by(4)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(names.first(), Some(&"base.01"));
    assert_eq!(names.last(), Some(&"base.10"));
    assert_eq!(names.len(), 10);
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_others() {
    let w = workdir();
    let run = |seed: &str, paths: &str| {
        drawn(
            &w,
            &[
                "simulate",
                "base.csv",
                "--paths",
                paths,
                "--volatility",
                "30%",
                "--seed",
                seed,
            ],
        )
    };
    let a = run("11", "50");
    assert_eq!(a, run("11", "50"));
    assert_ne!(a, run("12", "50"));
    // Path n does not depend on how many paths are drawn (only its name's width).
    let short = run("11", "5");
    let long_rows: Vec<String> = a
        .lines()
        .skip(1)
        .take(20)
        .map(|l| l.replacen(".0", ".", 1))
        .collect();
    let short_rows: Vec<&str> = short.lines().skip(1).collect();
    assert_eq!(long_rows, short_rows);
    // The default seed is 1.
    assert_eq!(
        run("1", "5"),
        drawn(
            &w,
            &[
                "simulate",
                "base.csv",
                "--paths",
                "5",
                "--volatility",
                "30%"
            ]
        )
    );
}

#[test]
fn zero_volatility_gives_the_base_at_the_rounding() {
    let w = workdir();
    let out = drawn(
        &w,
        &[
            "simulate",
            "base.csv",
            "--paths",
            "2",
            "--volatility",
            "0",
            "--decimals",
            "0",
        ],
    );
    assert_eq!(
        lines(&out)[1..5],
        [
            "base.1,2025,13100000000",
            "base.1,2026,30000000000",
            "base.1,2027,62000000000",
            "base.1,2028,100000000000"
        ]
    );
}

#[test]
fn a_file_is_written_whole_and_reads_back_with_run_and_validate() {
    let w = workdir();
    let stdout = drawn(
        &w,
        &[
            "simulate",
            "base.csv",
            "--paths",
            "40",
            "--volatility",
            "30%",
        ],
    );
    let args = [
        "simulate",
        "base.csv",
        "--paths",
        "40",
        "--volatility",
        "30%",
        "--output",
        "p.csv",
    ];
    let out = w.cmd(&args).assert().success().get_output().clone();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "{}wrote 40 paths of 1 base to p.csv\n",
            first_day("2025-01-01", "base")
        )
    );
    assert_eq!(w.read("p.csv"), stdout);
    // Nothing but the file is left in the folder (no temporary file).
    let mut names: Vec<String> = std::fs::read_dir(w.path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["base.csv", "p.csv"]);
    let ledger = w.ok(&[
        "run",
        "p.csv",
        "--cap",
        "38B",
        "--from",
        "2026-04-27",
        "--through",
        "2028-12-31",
        "--format",
        "csv",
        "--no-files",
    ]);
    // A header and 4 periods for each of 40 paths.
    assert_eq!(ledger.lines().count(), 1 + 40 * 4);
    assert!(ledger.lines().nth(1).unwrap().starts_with("base.01,2025,"));
    assert_eq!(
        w.ok(&["validate", "p.csv", "--through", "2028-12-31"]),
        "ok: 40 scenarios in 1 file\n"
    );
}

#[test]
fn every_scenario_of_every_input_is_a_base() {
    let w = workdir();
    w.write(
        "wide.csv",
        "period,bull,bear\n2027,80B,45B\n2028,120B,60B\n",
    );
    let out = drawn(
        &w,
        &[
            "simulate",
            "base.csv",
            "wide.csv",
            "--paths",
            "2",
            "--volatility",
            "30%",
        ],
    );
    let names: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let mut distinct = names.clone();
    distinct.dedup();
    assert_eq!(
        distinct,
        ["base.1", "base.2", "bull.1", "bull.2", "bear.1", "bear.2"]
    );
}

#[test]
fn a_rate_column_is_carried_over() {
    let w = Workdir::new();
    w.write("r.csv", "period,revenue,rate\n2026,30B,10%\n2027,62B,\n");
    let out = drawn(
        &w,
        &["simulate", "r.csv", "--paths", "1", "--volatility", "0"],
    );
    assert_eq!(
        out,
        "scenario,period,revenue,rate\nr.1,2026,30000000000.00,0.10\nr.1,2027,62000000000.00,\n"
    );
}

#[test]
fn volatility_from_percentiles_is_solved_and_said() {
    let w = workdir();
    let out = w
        .cmd(&[
            "simulate",
            "base.csv",
            "--paths",
            "2",
            "--volatility-from",
            "2028=80B:125B",
            "--start",
            "2026-01-01",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    // ln(125/80) / (2 × 1.6448536 × √(1095/365)) = 0.0783243..., kept to 6 places.
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "note: base: --volatility-from 2028=80B:125B gives a volatility of 7.8324% (2028 ends 3.00 years after the start, 2026-01-01)\n"
    );
    // A base at the range's top: the range sets the spread, the base the centre, and
    // the note says where the percentiles then fall: 100B × exp(∓ln(100/60)/2).
    let top = w
        .cmd(&[
            "simulate",
            "base.csv",
            "--paths",
            "1",
            "--volatility-from",
            "2028=60B:100B",
            "--start",
            "2026-01-01",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(
        String::from_utf8_lossy(&top.stderr),
        "note: base: --volatility-from 2028=60B:100B gives a volatility of 8.9651% (2028 ends 3.00 years after the start, 2026-01-01); centred on the base's 100B, 2028's p5 and p95 are about 77.46B and 129.1B\n"
    );
    // The same paths as that volatility given outright.
    let given = w.ok(&[
        "simulate",
        "base.csv",
        "--paths",
        "2",
        "--volatility",
        "0.078324",
        "--start",
        "2026-01-01",
    ]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), given);
}

#[test]
fn bad_values_exit_1_with_every_problem() {
    let w = workdir();
    let err = w.fails(
        &[
            "simulate",
            "base.csv",
            "--paths",
            "0",
            "--volatility",
            "30%",
            "--seed",
            "x",
            "--decimals",
            "13",
            "--start",
            "2026-13-01",
        ],
        1,
    );
    assert_eq!(
        err,
        "error: --paths: \"0\" is not a number of paths (expected a whole number from 1 to 10000000)\n\
         error: --seed: \"x\" is not a seed (expected a whole number from 0 to 18446744073709551615)\n\
         error: --decimals: \"13\" is not a number of decimal places (expected 0 to 12)\n\
         error: --start: \"2026-13-01\" is not a date (expected YYYY-MM-DD, e.g. 2026-04-27)\n"
    );
    let err = w.fails(&["simulate", "base.csv", "--volatility=-5%"], 1);
    assert_eq!(
        err,
        "error: --volatility: \"-5%\" is not a volatility (expected e.g. 30% or 0.3, from 0 to 1000%)\n"
    );
    let err = w.fails(
        &["simulate", "base.csv", "--volatility-from", "2027=80B:60B"],
        1,
    );
    assert_eq!(
        err,
        "error: --volatility-from: \"2027=80B:60B\" needs 0 < LOW < HIGH (expected PERIOD=LOW:HIGH, e.g. 2030=174B:280B)\n"
    );
    let err = w.fails(
        &[
            "simulate",
            "base.csv",
            "--volatility-from",
            "2030=174B:280B",
        ],
        1,
    );
    assert_eq!(
        err,
        "error: base.csv: scenario \"base\": --volatility-from: the base has no period 2030\n"
    );
    let err = w.fails(
        &["simulate", "base.csv", "--volatility-from", "2027=80B:100B"],
        1,
    );
    assert_eq!(
        err,
        "error: base.csv: scenario \"base\": --volatility-from: the base's 2027 revenue, 62000000000, is not between 80000000000 and 100000000000\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    let w = workdir();
    let err = w.fails(&["simulate", "base.csv"], 2);
    assert!(
        err.starts_with(
            "error: the following required arguments were not provided:\n  <--volatility <RATE>|--volatility-from <PERIOD=LOW:HIGH>>\n"
        ),
        "{err}"
    );
    let err = w.fails(
        &[
            "simulate",
            "base.csv",
            "--volatility",
            "1",
            "--volatility-from",
            "2027=1:2",
        ],
        2,
    );
    assert!(
        err.starts_with("error: the argument '--volatility <RATE>' cannot be used with '--volatility-from <PERIOD=LOW:HIGH>'"),
        "{err}"
    );
    let err = w.fails(&["simulate", "--volatility", "1"], 2);
    assert!(err.contains("<BASE>..."), "{err}");
}

#[test]
fn never_writes_over_an_input_or_a_folder_and_a_failure_leaves_the_file() {
    let w = workdir();
    let err = w.fails(
        &[
            "simulate",
            "base.csv",
            "--volatility",
            "30%",
            "--output",
            "base.csv",
        ],
        1,
    );
    assert_eq!(
        err,
        "error: base.csv: cannot write: is one of the inputs; refusing to overwrite it (choose another --output)\n"
    );
    assert_eq!(w.read("base.csv"), BASE);
    let err = w.fails(
        &[
            "simulate",
            "base.csv",
            "--volatility",
            "30%",
            "--output",
            ".",
        ],
        1,
    );
    assert_eq!(
        err,
        "error: .: cannot write: is a folder (expected a file name, or -)\n"
    );
    // A path whose revenue leaves Decimal's range fails midway: the earlier file stays
    // as it was and no temporary file is left.
    w.write(
        "huge.csv",
        "period,revenue\n2026,1\n2027,1\n2028,70000000000000000000000000000\n",
    );
    w.write("p.csv", "before\n");
    let err = w.fails(
        &[
            "simulate",
            "huge.csv",
            "--volatility",
            "30%",
            "--paths",
            "200",
            "--output",
            "p.csv",
        ],
        1,
    );
    assert!(
        err.starts_with("error: huge.csv: line 4, scenario \"huge\": path "),
        "{err}"
    );
    assert!(err.ends_with(
        " revenue × exp(volatility × W) leaves Decimal's range or 28 digits in period 2028 (lower the volatility or the revenue's precision)\n"
    ), "{err}");
    assert_eq!(w.read("p.csv"), "before\n");
    let leftovers = std::fs::read_dir(w.path(""))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".revcap-tmp")
        })
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn help_has_examples() {
    let w = workdir();
    let help = w.ok(&["simulate", "--help"]);
    assert!(help.contains(
        "revcap simulate scenarios/feb2026.csv --paths 1000 --volatility 30% > paths.csv"
    ));
}

#[test]
fn the_start_defaults_to_the_term_start_of_the_terms_beside_the_base() {
    let w = Workdir::new();
    w.write("d/base.csv", BASE);
    let args = [
        "simulate",
        "d/base.csv",
        "--paths",
        "1",
        "--volatility",
        "30%",
    ];
    // No terms: the term starts on the base's first day, so 2025 is drawn too.
    let free = drawn(&w, &args);
    assert_ne!(lines(&free)[1], "base.1,2025,13100000000");
    // A terms.toml beside it starting the term on 2026-04-27: 2025 is copied, and the
    // paths are those of --start 2026-04-27.
    w.write("d/terms.toml", "from = 2026-04-27\n");
    let out = w.cmd(&args).assert().success().get_output().clone();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "note: terms from d/terms.toml (beside the input file; --terms FILE to use others)\n"
    );
    let termed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(lines(&termed)[1], "base.1,2025,13100000000");
    let mut with_start = args.to_vec();
    with_start.extend(["--start", "2026-04-27"]);
    assert_eq!(w.ok(&with_start), termed);
}

/// A file is summarized as paths only when its names are what `simulate` writes:
/// `<base>.1` to `<base>.N`, zero-padded to the width of N; then stderr says so. A
/// projection named by its year, or numbered plans that skip one, are scenarios of
/// their own (no distribution, no note).
#[test]
fn only_files_named_as_simulate_names_paths_are_paths() {
    let w = workdir();
    let table = |file: &str| {
        let out = w
            .cmd(&[
                "run",
                file,
                "--cap",
                "38B",
                "--from",
                "2026-04-27",
                "--no-files",
            ])
            .assert()
            .success()
            .get_output()
            .clone();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    w.write("openai.2026.csv", "period,revenue\n2026,30B\n2027,62B\n");
    w.write(
        "plans.csv",
        "scenario,period,revenue\nplan.1,2026,30B\nplan.3,2026,31B\n",
    );
    w.write(
        "padded.csv",
        "scenario,period,revenue\nx.01,2026,30B\nx.2,2026,31B\n",
    );
    for file in ["openai.2026.csv", "plans.csv", "padded.csv"] {
        let (stdout, stderr) = table(file);
        assert!(!stdout.contains(" paths"), "{file}: {stdout}");
        assert!(!stderr.contains("note:"), "{file}: {stderr}");
    }
    w.cmd(&[
        "simulate",
        "base.csv",
        "--paths",
        "12",
        "--volatility",
        "30%",
        "--output",
        "p.csv",
    ])
    .assert()
    .success();
    let (stdout, stderr) = table("p.csv");
    assert!(stdout.contains("base: 12 paths"), "{stdout}");
    assert!(
        stderr.contains("note: p.csv: scenarios named <base>.1 to <base>.N, as revcap simulate names paths: summarized as the paths of 1 base\n"),
        "{stderr}"
    );
}
