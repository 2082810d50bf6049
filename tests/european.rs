//! Numbers and files as European spreadsheets and Excel's "Unicode Text" export them
//! (docs/spec.md §2.1, §2.4): a decimal comma decided per file from its first rows,
//! currency signs where the unit names the currency, UTF-16 decoded, with the exact
//! messages when a file cannot be read so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::Workdir;

const TWIN: &str = "period,revenue,rate\n2026,12.7,20.5%\n2027,1234.56,\n2028,1234567,\n";

/// stdout of `run --format json --no-files` on `name`, with `more` flags.
fn json(w: &Workdir, name: &str, more: &[&str]) -> String {
    let mut args = vec![
        "run",
        name,
        "--format",
        "json",
        "--no-files",
        "--through",
        "2026-12-31",
    ];
    args.extend(more);
    w.ok(&args).replace(name, "FILE")
}

fn json_warned(w: &Workdir, name: &str, more: &[&str], stderr: &str) -> String {
    let mut args = vec![
        "run",
        name,
        "--format",
        "json",
        "--no-files",
        "--through",
        "2026-12-31",
    ];
    args.extend(more);
    w.ok_warned(&args, stderr).replace(name, "FILE")
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let text: String = bom
        .then_some('\u{feff}')
        .into_iter()
        .chain(text.chars())
        .collect();
    text.encode_utf16()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

#[test]
fn a_semicolon_file_with_decimal_commas_reads_like_its_twin() {
    let w = Workdir::new();
    w.write("twin.csv", TWIN);
    w.write(
        "de.csv",
        "period;revenue;rate\r\n2026;12,7;20,5%\r\n2027;1.234,56;\r\n2028;1.234.567;\r\n",
    );
    let twin = json(&w, "twin.csv", &[]);
    let de = json_warned(
        &w,
        "de.csv",
        &[],
        "note: de.csv: numbers read with a decimal comma (line 2: \"12,7\" is 12.7); --decimal-point to read them otherwise\n",
    );
    assert_eq!(de.replace("\"de\"", "\"twin\""), twin);
    // Given, the mark is not told.
    let given = json(&w, "de.csv", &["--decimal-comma"]);
    assert_eq!(given, de);
}

#[test]
fn an_ambiguous_file_needs_the_flag() {
    let w = Workdir::new();
    w.write("amb.csv", "period;revenue\n2026;1.234\n2027;2.500\n");
    assert_eq!(
        w.fails(&["run", "amb.csv", "--no-files"], 1),
        "error: amb.csv: line 2, column \"revenue\": \"1.234\" reads as 1.234 with a decimal point or as 1234 with a decimal comma, and no number in the first 200 rows tells which (pass --decimal-point or --decimal-comma)\n"
    );
    let comma = json(&w, "amb.csv", &["--decimal-comma"]);
    assert!(comma.contains("\"revenue\": \"1234\""), "{comma}");
    let point = json(&w, "amb.csv", &["--decimal-point"]);
    assert!(point.contains("\"revenue\": \"1.234\""), "{point}");
}

/// A cell that decides the mark, or leaves it undecided, but cannot be read (a unit
/// revcap does not take) is named without a number: the messages read "is )" and
/// "reads as  with a decimal point" before. Its own error follows once the mark is
/// known.
#[test]
fn an_unreadable_cell_is_named_without_numbers() {
    let w = Workdir::new();
    w.write(
        "eu.csv",
        "period;revenue
2026;30,5 Mrd
2027;62,0
",
    );
    assert_eq!(
        w.fails(&["run", "eu.csv", "--no-files"], 1),
        "note: eu.csv: numbers read with a decimal comma (line 2: \"30,5 Mrd\"); --decimal-point to read them otherwise\n\
error: eu.csv: line 2, column \"revenue\": \"30,5 Mrd\" has a unit \"Mrd\" (write the number alone, with at most a K, M, B or T suffix; revcap never converts units)\n"
    );
    w.write(
        "amb.csv",
        "period;revenue
2026;1,234 Mrd
2027;62
",
    );
    assert_eq!(
        w.fails(&["run", "amb.csv", "--no-files"], 1),
        "error: amb.csv: line 2, column \"revenue\": \"1,234 Mrd\" may have a decimal point or a decimal comma, and no number in the first 200 rows tells which (pass --decimal-point or --decimal-comma)\n"
    );
    assert_eq!(
        w.fails(&["run", "amb.csv", "--no-files", "--decimal-comma"], 1),
        "error: amb.csv: line 2, column \"revenue\": \"1,234 Mrd\" has a unit \"Mrd\" (write the number alone, with at most a K, M, B or T suffix; revcap never converts units)\n"
    );
}

#[test]
fn a_cell_against_the_decided_mark_is_an_error() {
    let w = Workdir::new();
    w.write(
        "mixed.csv",
        "period;revenue\n2026;12,7\n2027;1,234\n2028;3.5\n",
    );
    assert_eq!(
        w.fails(&["run", "mixed.csv", "--no-files"], 1),
        "note: mixed.csv: numbers read with a decimal comma (line 2: \"12,7\" is 12.7); --decimal-point to read them otherwise\n\
error: mixed.csv: line 4, column \"revenue\": \"3.5\" has a decimal point, but this file's numbers have a decimal comma (line 2: \"12,7\"); write it with a decimal comma, or pass --decimal-point if line 2 is the odd one\n"
    );
    // Nothing in the first rows: a point, and a later decimal comma says so.
    let mut late = String::from("period|revenue\n");
    for m in 1..=12 {
        late.push_str(&format!("2026-{m:02}|1\n"));
    }
    for y in 2027..2045 {
        for m in 1..=12 {
            late.push_str(&format!("{y}-{m:02}|1\n"));
        }
    }
    late.push_str("2045-01|2,5\n2045-02|1,500\n");
    w.write("late.txt", &late);
    assert_eq!(
        w.fails(&["validate", "late.txt"], 1),
        "error: late.txt: line 230, column \"revenue\": \"2,5\" has a decimal comma, but this file's numbers are read with a decimal point (none of its first 200 rows has a decimal comma); pass --decimal-comma to read them with one\n\
error: late.txt: line 231, column \"revenue\": \"1,500\" reads as 1500 with a decimal point or as 1.500 with a decimal comma, and no number in the first 200 rows tells which (pass --decimal-point or --decimal-comma)\n\
2 problems in 1 file\n"
    );
    // A comma file's quoted decimal comma is refused, with the number as it would be
    // written with a point; the flag reads it.
    w.write("comma.csv", "period,revenue\n2026,\"12,7\"\n");
    assert_eq!(
        w.fails(&["run", "comma.csv", "--no-files"], 1),
        "error: comma.csv: line 2, column \"revenue\": \"12,7\" has a decimal comma (write 12.7, or pass --decimal-comma to read this file's numbers with one)\n"
    );
    let read = json(&w, "comma.csv", &["--decimal-comma"]);
    assert!(read.contains("\"revenue\": \"12.7\""), "{read}");
}

#[test]
fn currency_signs_only_where_the_unit_says_that_currency() {
    let w = Workdir::new();
    w.write("eur.csv", "period;revenue\n2026;12,7 €\n");
    assert_eq!(
        w.fails(&["run", "eur.csv", "--no-files"], 1),
        "note: eur.csv: numbers read with a decimal comma (line 2: \"12,7 €\" is 12.7); --decimal-point to read them otherwise\n\
error: eur.csv: line 2, column \"revenue\": \"12,7 €\" has a currency sign \"€\", but nothing says the amounts are in EUR (pass --unit EUR, or write the currency in the header, e.g. Revenue (€); revcap never converts)\n"
    );
    let note = "note: eur.csv: numbers read with a decimal comma (line 2: \"12,7 €\" is 12.7); --decimal-point to read them otherwise\n";
    let with_unit = json_warned(&w, "eur.csv", &["--unit", "EUR"], note);
    assert!(with_unit.contains("\"revenue\": \"12.7\""), "{with_unit}");
    // The header says it as well; then a dollar is the wrong currency.
    w.write(
        "header.csv",
        "period,Revenue (€),note\n2026,€12.7,\n2027,$5,\n",
    );
    assert_eq!(
        w.fails(&["validate", "header.csv"], 1),
        "error: header.csv: line 3, column \"Revenue (€)\": \"$5\" has a currency sign \"$\", but the amounts are in EUR (revcap never converts: write every amount in one currency)\n1 problem in 1 file\n"
    );
    w.write("gbp.csv", "period,revenue_gbp\n2026,£12.7\n");
    w.ok(&["validate", "gbp.csv", "--through", "2026-12-31"]);
}

#[test]
fn utf16_reads_like_its_utf8_twin() {
    let w = Workdir::new();
    let text = "period\trevenue\r\n2026\t12.7\r\n2027\t2027Q1\r\n";
    w.write("twin.txt", text);
    let want = w
        .fails(&["validate", "twin.txt"], 1)
        .replace("twin.txt", "FILE");
    assert!(want.contains("line 3, column \"revenue\""), "{want}");
    for (name, big_endian, bom) in [
        ("le_bom.txt", false, true),
        ("be_bom.txt", true, true),
        ("le.txt", false, false),
        ("be.txt", true, false),
    ] {
        w.write(name, utf16(text, big_endian, bom));
        let got = w.fails(&["validate", name], 1).replace(name, "FILE");
        assert_eq!(got, want, "{name}");
    }
    let good = "period\trevenue\n2026\t12,7\n";
    w.write("good.txt", utf16(good, false, true));
    w.write("good8.txt", good);
    let note = |n: &str| {
        format!("note: {n}: numbers read with a decimal comma (line 2: \"12,7\" is 12.7); --decimal-point to read them otherwise\n")
    };
    assert_eq!(
        json_warned(&w, "good.txt", &[], &note("good.txt")).replace("\"good\"", "\"x\""),
        json_warned(&w, "good8.txt", &[], &note("good8.txt")).replace("\"good8\"", "\"x\"")
    );
}

#[test]
fn broken_utf16_is_told() {
    let w = Workdir::new();
    let mut odd = utf16("period\trevenue\n2026\t1\n", false, true);
    odd.push(b'\n');
    w.write("odd.txt", odd);
    assert_eq!(
        w.fails(&["validate", "odd.txt"], 1),
        "error: odd.txt: is UTF-16 text with an odd number of bytes (47): its end is cut off (save it again, or as UTF-8 CSV)\n1 problem in 1 file\n"
    );
}

#[test]
fn a_decimal_comma_file_read_as_halves_reads_like_the_whole() {
    // The mark is decided from the file's start and both halves are read with it: a
    // cell in the second half written with a point is the same error either way.
    let mut text = String::from("scenario;period;revenue\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "s{};{};1.{:03},5\n",
            i % 7,
            2000 + i / 7,
            i % 1000
        ));
    }
    let broken = format!("{text}s0;3000;2.5\n");
    let w = Workdir::new();
    for name in ["good.csv", "broken.csv"] {
        let body = if name == "good.csv" { &text } else { &broken };
        w.write(name, body);
        let path = w.path(name);
        let size = std::fs::metadata(&path).unwrap().len();
        let bar = indicatif::ProgressBar::hidden();
        let once = revcap::load::load(body.as_bytes(), name, "t");
        let halves = revcap::load::read_file_from(&path, name, "t", size, &bar, 0).unwrap();
        assert!(halves.was_cut(), "{name}");
        assert_eq!(
            halves.note(),
            Some(
                format!("{name}: numbers read with a decimal comma (line 2: \"1.000,5\" is 1000.5); --decimal-point to read them otherwise")
                    .as_str()
            )
        );
        let halves = halves.into_scenarios();
        assert_eq!(format!("{once:?}"), format!("{halves:?}"), "{name}");
        if name == "broken.csv" {
            assert_eq!(
                once.unwrap_err()[0].to_string(),
                "broken.csv: line 3002, column \"revenue\": \"2.5\" has a decimal point, but this file's numbers have a decimal comma (line 2: \"1.000,5\"); write it with a decimal comma, or pass --decimal-point if line 2 is the odd one"
            );
        }
    }
}

#[test]
fn a_utf16_file_is_not_cut_and_reads_like_the_whole() {
    let mut text = String::from("period\trevenue\n");
    for i in 0..2000 {
        text.push_str(&format!("{}\t{},5\n", 2000 + i, i));
    }
    let w = Workdir::new();
    w.write("u.txt", utf16(&text, false, true));
    let path = w.path("u.txt");
    let size = std::fs::metadata(&path).unwrap().len();
    let bar = indicatif::ProgressBar::hidden();
    let halves = revcap::load::read_file_from(&path, "u.txt", "u", size, &bar, 0).unwrap();
    assert!(!halves.was_cut());
    let once = revcap::load::load(text.as_bytes(), "u.txt", "u");
    assert_eq!(
        format!("{:?}", halves.into_scenarios()),
        format!("{once:?}")
    );
}

/// The spreadsheet exports of `tests/fixtures/real/numbers-*` are all
/// `scenarios/feb2026.csv` written another way, as each `.why` says: their summaries
/// must be that scenario's, byte for byte. (tests/golden.rs checks each against its
/// `.expected.csv` and `.expected.stderr`; this checks those are feb2026's.)
#[test]
fn spreadsheet_exports_give_their_expected_summaries() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/fixtures/real");
    let mut inputs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with("numbers-") && [".csv", ".tsv", ".txt"].iter().any(|x| n.ends_with(x))
        })
        .filter(|n| !n.ends_with(".expected.csv"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 8, "{inputs:?}");
    let feb2026 = {
        let out = tempfile::tempdir().unwrap();
        assert_cmd::Command::new(common::BIN)
            .current_dir(root)
            .env_remove("RUST_BACKTRACE")
            .args(["run", "scenarios/feb2026.csv", "--no-charts", "--output"])
            .arg(out.path())
            .assert()
            .success();
        std::fs::read_to_string(out.path().join("summary.csv")).unwrap()
    };
    for input in inputs {
        let stem = input.rsplit_once('.').unwrap().0;
        let read = |ext: &str| std::fs::read_to_string(dir.join(format!("{stem}{ext}")));
        let args: Vec<String> = read(".args")
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect();
        let out = tempfile::tempdir().unwrap();
        assert_cmd::Command::new(common::BIN)
            .current_dir(root)
            .env_remove("RUST_BACKTRACE")
            .arg("run")
            .arg(format!("tests/fixtures/real/{input}"))
            .args(&args)
            .arg("--output")
            .arg(out.path())
            .arg("--no-charts")
            .assert()
            .success();
        let summary = std::fs::read_to_string(out.path().join("summary.csv")).unwrap();
        assert_eq!(summary, read(".expected.csv").unwrap(), "{input}");
        // As every .why says: the bundled scenario's summary, byte for byte.
        assert_eq!(summary, feb2026, "{input}");
        assert!(read(".why").is_ok(), "{input} has no .why");
    }
}
