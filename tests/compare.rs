//! `revcap compare` through the real binary: each variant source, each format, the
//! thresholds, bad variants, and agreement with `revcap run` for every single cap.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use assert_cmd::Command;
use rust_decimal::Decimal;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_revcap");
const REPO: &str = env!("CARGO_MANIFEST_DIR");

fn revcap(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir).env_remove("RUST_BACKTRACE").args(args);
    c
}

/// Runs in `dir`, expects success with a silent stderr, returns stdout.
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = revcap(dir, args).assert().success().get_output().clone();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "stderr of {args:?}"
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs in `dir`, expects exit 1 and nothing on stdout, returns stderr.
fn fails(dir: &Path, args: &[&str]) -> String {
    let out = revcap(dir, args).assert().code(1).get_output().clone();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "",
        "stdout of {args:?}"
    );
    String::from_utf8(out.stderr).unwrap()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

/// The README's cap range (`compare --caps 20B:60B:5B`) on the bundled scenarios writes
/// compare.csv and compare.json, and every row agrees with `run` for that cap.
#[test]
fn cap_range_on_bundled_scenarios_agrees_with_run() {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().to_str().unwrap();
    let repo = Path::new(REPO);
    let args = [
        "compare",
        "--caps",
        "20B:60B:5B",
        "--output",
        out_dir,
        "--no-charts",
    ];
    let done = revcap(repo, &args).assert().success().get_output().clone();
    // The one line on stderr names the files written and the folder as given.
    assert_eq!(
        String::from_utf8_lossy(&done.stderr),
        format!("wrote 2 files to {out_dir}\n")
    );
    let table = String::from_utf8(done.stdout).unwrap();
    assert!(table.contains("feb2026    45B"), "{table}");
    let mut written: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    assert_eq!(written, ["compare.csv", "compare.json"]);

    let doc = json(&std::fs::read_to_string(out.path().join("compare.json")).unwrap());
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 4 * 9);
    let csv = std::fs::read_to_string(out.path().join("compare.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 4 * 9);

    for cap in [
        "20B", "25B", "30B", "35B", "40B", "45B", "50B", "55B", "60B",
    ] {
        let run = json(&ok(
            repo,
            &["run", "--cap", cap, "--format", "json", "--no-files"],
        ));
        for scenario in run["scenarios"].as_array().unwrap() {
            let row = results
                .iter()
                .find(|r| r["scenario"] == scenario["name"] && r["variant"] == cap)
                .unwrap_or_else(|| panic!("no row for {} {cap}", scenario["name"]));
            assert_eq!(
                row["summary"], scenario["summary"],
                "{} under {cap}",
                scenario["name"]
            );
            assert_eq!(row["cap"], run["terms"]["cap"]);
        }
    }
}

/// The bundled feb2026.csv copied into a folder of its own: no `terms.toml` beside it,
/// so it runs under the default terms.
fn feb2026_alone() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(REPO).join("scenarios/feb2026.csv"),
        dir.path().join("feb2026.csv"),
    )
    .unwrap();
    let path = dir.path().to_path_buf();
    (dir, path)
}

#[test]
fn repeated_caps_keep_their_names_and_none_has_no_cap() {
    let (_dir, alone) = feb2026_alone();
    let doc = json(&ok(
        &alone,
        &[
            "compare",
            "feb2026.csv",
            "--cap",
            "25B",
            "--cap",
            "none",
            "--cap",
            "38000000000",
            "--format",
            "json",
            "--no-files",
        ],
    ));
    let rows = doc["results"].as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["variant"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["25B", "none", "38000000000"]);
    assert_eq!(rows[0]["cap"], "25000000000");
    assert_eq!(rows[1]["cap"], Value::Null);
    assert_eq!(rows[1]["summary"]["cap_binds"], false);
    assert_eq!(dec(&rows[1]["summary"]["foregone"]), Decimal::ZERO);
    assert_eq!(rows[2]["summary"]["binding_date"], "2028-10-24");
    // Shared terms with no variant cap: the document's terms have none either.
    assert_eq!(doc["version"], 1);
    assert_eq!(doc.get("thresholds"), None);
}

#[test]
fn terms_files_are_whole_named_variants() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("s.csv"),
        "period,revenue\n2026,100\n2027,200\n2028,300\n",
    )
    .unwrap();
    std::fs::write(
        d.join("reported.toml"),
        "rate = \"20%\"\ncap = 50\nthrough = 2028-12-31\n",
    )
    .unwrap();
    std::fs::write(
        d.join("cut.toml"),
        "rate = 0.2\nthrough = 2028-12-31\n[[rate_step]]\nfrom = 2027-01-01\nrate = \"8%\"\n",
    )
    .unwrap();
    let doc = json(&ok(
        d,
        &[
            "compare",
            "s.csv",
            "--terms",
            "reported.toml",
            "--terms",
            "cut.toml",
            "--format",
            "json",
            "--no-files",
        ],
    ));
    let rows = doc["results"].as_array().unwrap();
    // reported: 20 + 40 = 60 ≥ 50, so the cap binds in 2027 on day k of 365 with
    // 40·k ≥ 30·365 → k = 274 → 2027-10-01.
    assert_eq!(rows[0]["variant"], "reported");
    assert_eq!(rows[0]["summary"]["binding_date"], "2027-10-01");
    assert_eq!(dec(&rows[0]["summary"]["total_paid"]), Decimal::from(50));
    // cut: 20 + 8% of 200 + 8% of 300 = 20 + 16 + 24 = 60, no cap.
    assert_eq!(rows[1]["variant"], "cut");
    assert_eq!(rows[1]["cap"], Value::Null);
    assert_eq!(dec(&rows[1]["summary"]["total_paid"]), Decimal::from(60));
    // No variant uses the shared terms, and the table says so.
    let table = ok(
        d,
        &[
            "compare",
            "s.csv",
            "--terms",
            "reported.toml",
            "--terms",
            "cut.toml",
            "--no-files",
        ],
    );
    assert!(
        table.starts_with("terms: each variant's own, from its terms file\n"),
        "{table}"
    );
}

#[test]
fn every_format_prints_the_same_rows() {
    let (_dir, alone) = feb2026_alone();
    let repo = alone.as_path();
    let args = ["compare", "feb2026.csv", "--cap", "38B", "--no-files"];
    let with = |f: &str| ok(repo, &[&args[..], &["--format", f]].concat());
    let csv = with("csv");
    assert_eq!(
        csv.lines().next().unwrap(),
        "scenario,variant,rate,cap,eligible_revenue,uncapped_total,total_paid,foregone,cap_binds,binding_period,binding_date,effective_rate,present_value,covered_from,covered_through"
    );
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("feb2026,38B,0.2,38000000000,"),
        "{csv}"
    );
    let table = with("table");
    assert!(table.contains(" feb2026    38B       38.00 "), "{table}");
    let md = with("markdown");
    assert!(
        md.starts_with("**Terms from the defaults:** rate 20%, cap per variant, term 2024-01-01 (first period) to 2030-12-31\n"),
        "{md}"
    );
    assert!(
        md.contains("| scenario | variant | cap ($B) | total paid ($B) |"),
        "{md}"
    );
    assert!(md.contains("| feb2026  | 38B     |"), "{md}");
    let doc = json(&with("json"));
    assert_eq!(doc["results"][0]["summary"]["binding_date"], "2028-10-24");
}

#[test]
fn thresholds_in_table_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 100 a year at 20% from 2026 through 2028, 5 already paid:
    // binds by 2026-12-31 if cap ≤ 5 + 20 = 25, by 2027 if ≤ 45, by 2028 if ≤ 65.
    std::fs::write(
        d.join("s.csv"),
        "period,revenue\n2026,100\n2027,100\n2028,100\n",
    )
    .unwrap();
    let args = [
        "compare",
        "s.csv",
        "--already-paid",
        "5",
        "--through",
        "2028-12-31",
        "--thresholds",
        "--no-files",
    ];
    let table = ok(d, &args);
    assert!(
        table.contains(" s          2027-12-31                   45.00 "),
        "{table}"
    );
    assert!(
        table.contains(" s          never                  above 65.00 "),
        "{table}"
    );
    let doc = json(&ok(d, &[&args[..], &["--format", "json"]].concat()));
    let th = &doc["thresholds"][0];
    assert_eq!(th["scenario"], "s");
    let by: Vec<(String, Decimal)> = th["by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["date"].as_str().unwrap().to_string(), dec(&b["cap"])))
        .collect();
    assert_eq!(
        by,
        [
            ("2026-12-31".to_string(), Decimal::from(25)),
            ("2027-12-31".to_string(), Decimal::from(45)),
            ("2028-12-31".to_string(), Decimal::from(65))
        ]
    );
    assert_eq!(dec(&th["never_binds_above"]), Decimal::from(65));
}

#[test]
fn bad_variants_exit_1_with_a_clear_message_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("s.csv"), "period,revenue\n2026,100\n").unwrap();
    std::fs::write(d.join("bad.toml"), "rate = 0.2\ncapp = 5\n").unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&["--caps", "10B:5B:1B"], "error: --caps: \"10B:5B:1B\" starts above its end (10B > 5B); expected START ≤ END\n"),
        (&["--caps", "1B:5B:0"], "error: --caps: \"1B:5B:0\" has a step of 0 (expected a step > 0, e.g. 10B:100B:5B)\n"),
        (&["--caps", "1B-5B"], "error: --caps: \"1B-5B\" is not START:END:STEP (expected e.g. 10B:100B:5B)\n"),
        (&["--cap", "lots"], "error: --cap: \"lots\" is not a number (expected none or e.g. 12700000000, 12.7B or \"$12,700,000,000\")\n"),
        (
            &["--terms", "bad.toml"],
            "error: bad.toml: line 2, key \"capp\": unknown key (expected one of rate, rate_step, cap, already_paid, from, through, discount_rate)\n",
        ),
        (&["--cap", "5", "--cap", "5"], "error: compare: variant \"5\" is given twice; give each cap or terms file once\n"),
    ];
    for (extra, want) in cases {
        let args = [&["compare", "s.csv", "--output", "out"][..], extra].concat();
        assert_eq!(fails(d, &args), want, "{extra:?}");
        assert!(!d.join("out").exists(), "{extra:?} wrote output");
    }
}

/// `--cap` variants beside `--terms` variants keep the folder's terms.toml (its term
/// start here), like `--cap` variants alone.
#[test]
fn cap_variants_keep_the_folder_terms_beside_terms_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("s")).unwrap();
    std::fs::write(d.join("s/a.csv"), "period,revenue\n2026,365\n2027,365\n").unwrap();
    std::fs::write(
        d.join("s/terms.toml"),
        "from = 2027-01-01\nthrough = 2027-12-31\n",
    )
    .unwrap();
    std::fs::write(d.join("other.toml"), "rate = 0.1\nthrough = 2027-12-31\n").unwrap();
    let doc = json(&ok(
        d,
        &[
            "compare",
            "s",
            "--cap",
            "none",
            "--terms",
            "other.toml",
            "--format",
            "json",
            "--no-files",
        ],
    ));
    // From 2027-01-01: only 2027 counts, 20% of 365 = 73.
    assert_eq!(doc["results"][0]["variant"], "none");
    assert_eq!(doc["results"][0]["summary"]["total_paid"], "73");
    assert_eq!(doc["terms"]["from"], "2027-01-01");
    // The terms file is its own variant: 10% of both years.
    assert_eq!(doc["results"][1]["summary"]["total_paid"], "73");
    assert_eq!(doc["results"][1]["summary"]["eligible_revenue"], "730");
}

/// `validate --format json` keeps the documented key order.
#[test]
fn validate_json_keys_in_documented_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("t.csv"), "period,revenue\n2026,1\n").unwrap();
    let out = ok(d, &["validate", "t.csv", "--format", "json"]);
    let keys: Vec<usize> = [
        "\"version\"",
        "\"ok\"",
        "\"files\"",
        "\"scenarios\"",
        "\"problem_count\"",
        "\"problems\"",
    ]
    .iter()
    .map(|k| out.find(k).unwrap())
    .collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "{out}");
}

/// An amount out of Decimal's range fails the compare in every output mode, CSV on
/// stdout (where the thresholds are not printed) included, and prints nothing.
#[test]
fn an_overflow_fails_every_mode_alike() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.csv"),
        "period,revenue\n2026,1e27\n2027,1e27\n",
    )
    .unwrap();
    for format in ["csv", "json", "table"] {
        let err = fails(
            dir.path(),
            &[
                "compare",
                "t.csv",
                "--cap",
                "38B",
                "--already-paid",
                "79000000000000000000000000000",
                "--format",
                format,
                "--no-files",
            ],
        );
        assert_eq!(
            err,
            "error: t.csv: scenario \"t\": payment overflows (amounts must stay below 7.9e28)\n",
            "--format {format}"
        );
    }
}
