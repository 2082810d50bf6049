//! `--unit` with a scale and `--exact` (docs/spec.md §5.5): the human views show real
//! magnitudes (`38000` in `$M` is `$38B`), the machine outputs keep the values as
//! computed and say what they are in; the terms line says where each term came from.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::{Workdir, BIN};
use serde_json::{json, Value};

/// Revenue in millions of dollars: 30,000 is $30B.
const MILLIONS: &str =
    "period,revenue\n2026,30000\n2027,62000\n2028,100000\n2029,167332\n2030,280000\n";

/// Revenue in billions, ending in 2028 (the runs end the term there).
const BILLIONS: &str = "period,revenue\n2026,30\n2027,62\n2028,100\n";

/// comfy-table pads its last column; the expected texts below are written without.
fn trimmed(s: &str) -> String {
    s.lines().map(|l| l.trim_end().to_string() + "\n").collect()
}

fn workdir() -> Workdir {
    let w = Workdir::new();
    w.write("m.csv", MILLIONS);
    w.write("b.csv", BILLIONS);
    w
}

const M_RUN: [&str; 7] = [
    "run",
    "m.csv",
    "--cap",
    "38000",
    "--unit",
    "$M",
    "--no-files",
];

#[test]
fn millions_read_as_billions_in_the_table() {
    let w = workdir();
    assert_eq!(
        trimmed(&w.ok(&M_RUN)),
        "\
terms from the defaults: rate 20%, cap $38B (--cap), term 2026-01-01 (first period) to 2030-12-31

m (m.csv)
────────────────────────────────────────────────────────────────────────────────────────
 period   revenue   eligible   rate   uncapped    paid   cumulative   cap left   capped
               $B         $B                $B      $B           $B         $B
────────────────────────────────────────────────────────────────────────────────────────
 2026       30.00      30.00    20%       6.00    6.00         6.00      32.00
 2027       62.00      62.00    20%      12.40   12.40        18.40      19.60
 2028      100.00     100.00    20%      20.00   19.60        38.00       0.00      yes
 2029      167.33     167.33    20%      33.47    0.00        38.00       0.00      yes
 2030      280.00     280.00    20%      56.00    0.00        38.00       0.00      yes
────────────────────────────────────────────────────────────────────────────────────────
  cap of $38B binds on 2028-12-24 (2028); $89.87B foregone against $127.87B uncapped
  paid $38B on $639.33B eligible revenue (effective rate 5.94%)
"
    );
}

#[test]
fn exact_shows_every_amount_in_the_units_of_the_data() {
    let w = workdir();
    let out = w.ok(&[&M_RUN[..], &["--exact", "--format", "markdown"]].concat());
    assert_eq!(
        out,
        "\
**Terms from the defaults:** rate 20%, cap $38,000.00M (--cap), term 2026-01-01 (first period) to 2030-12-31

### m (`m.csv`)

| period | revenue ($M) | eligible ($M) | rate | uncapped ($M) | paid ($M) | cumulative ($M) | cap left ($M) | capped |
|--------|--------------|---------------|------|---------------|-----------|-----------------|---------------|--------|
| 2026   |    30,000.00 |     30,000.00 |  20% |      6,000.00 |  6,000.00 |        6,000.00 |     32,000.00 |        |
| 2027   |    62,000.00 |     62,000.00 |  20% |     12,400.00 | 12,400.00 |       18,400.00 |     19,600.00 |        |
| 2028   |   100,000.00 |    100,000.00 |  20% |     20,000.00 | 19,600.00 |       38,000.00 |          0.00 |    yes |
| 2029   |   167,332.00 |    167,332.00 |  20% |     33,466.40 |      0.00 |       38,000.00 |          0.00 |    yes |
| 2030   |   280,000.00 |    280,000.00 |  20% |     56,000.00 |      0.00 |       38,000.00 |          0.00 |    yes |

- cap of $38,000.00M binds on 2028-12-24 (2028); $89,866.40M foregone against $127,866.40M uncapped
- paid $38,000.00M on $639,332.00M eligible revenue (effective rate 5.94%)
"
    );
}

#[test]
fn machine_outputs_keep_the_values_and_say_their_unit() {
    let w = workdir();
    let j = w.json(&[&M_RUN[..], &["--format", "json"]].concat());
    let t = &j["terms"];
    assert_eq!(t["cap"], "38000");
    assert_eq!(t["unit"], "$");
    assert_eq!(t["scale"], "1000000");
    assert_eq!(t["sources"]["cap"], "--cap");
    assert_eq!(t["sources"]["rate"], "default");
    assert_eq!(j["scenarios"][0]["summary"]["foregone"], "89866.4");
    let csv = w.ok(&[&M_RUN[..], &["--format", "csv"]].concat());
    assert_eq!(
        csv.lines().nth(3),
        Some("m,2028,2028-01-01,2028-12-31,100000,100000,20000,19600,38000,0,true,,0.2")
    );
    // A scale without a currency, and a code: JSON says so.
    let j = w.json(&[
        "run",
        "b.csv",
        "--unit",
        "EUR bn",
        "--through",
        "2028-12-31",
        "--format",
        "json",
        "--no-files",
    ]);
    assert_eq!(j["terms"]["unit"], "EUR");
    assert_eq!(j["terms"]["scale"], "1000000000");
    let j = w.json(&[
        "run",
        "b.csv",
        "--unit",
        "thousands",
        "--through",
        "2028-12-31",
        "--format",
        "json",
        "--no-files",
    ]);
    assert_eq!(j["terms"]["unit"], Value::Null);
    assert_eq!(j["terms"]["scale"], "1000");
    // compare's document says the same of its shared terms.
    let j = w.json(&[
        "compare",
        "m.csv",
        "--cap",
        "38000",
        "--unit",
        "$M",
        "--format",
        "json",
        "--no-files",
    ]);
    assert_eq!(j["terms"]["unit"], "$");
    assert_eq!(j["terms"]["scale"], "1000000");
    assert_eq!(j["terms"]["sources"]["cap"], "default");
    assert_eq!(j["results"][0]["cap"], "38000");
    // A range's caps are named at the unit's scale; without a unit, as before.
    let names = |unit: &[&str]| -> Vec<String> {
        let args = [
            "compare",
            "m.csv",
            "--caps",
            "30000:40000:10000",
            "--no-files",
        ];
        let j = w.json(&[&args[..], unit, &["--format", "json"]].concat());
        j["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["variant"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&["--unit", "$M"]), ["30B", "40B"]);
    assert_eq!(names(&[]), ["30K", "40K"]);
}

/// The texts of an SVG's `<text>` elements.
fn texts(svg: &str) -> Vec<String> {
    svg.split("</text>")
        .filter_map(|part| part.rsplit_once('>').map(|(_, t)| t.trim().to_string()))
        .filter(|t| !t.is_empty())
        .collect()
}

#[test]
fn charts_label_real_magnitudes() {
    let w = workdir();
    w.ok_wrote(
        &[
            "run",
            "m.csv",
            "--cap",
            "38000",
            "--unit",
            "$M",
            "--chart-format",
            "svg",
        ],
        6,
        "output",
    );
    let svg = w.read("output/m-cumulative.svg");
    let texts = texts(&svg);
    assert!(texts.iter().any(|t| t == "cap $38B"), "{texts:?}");
    assert!(
        texts
            .iter()
            .any(|t| t
                == "m: cumulative payments at 20% of revenue, capped at $38B, through 2030-12-31"),
        "{texts:?}"
    );
    assert!(!svg.contains("$38K"), "{texts:?}");
    // Written as a code and a scale, as `--unit 'USD m'` once gave "38K USD m".
    w.ok_wrote(
        &[
            "run",
            "m.csv",
            "--cap",
            "38000",
            "--unit",
            "USD m",
            "--chart-format",
            "svg",
            "--output",
            "usd",
        ],
        6,
        "usd",
    );
    let usd = self::texts(&w.read("usd/m-cumulative.svg"));
    assert!(usd.iter().any(|t| t == "cap 38B USD"), "{usd:?}");
    assert!(!usd.iter().any(|t| t.contains("USD m")), "{usd:?}");
}

#[test]
fn a_currency_symbol_goes_first_and_a_code_after() {
    let w = workdir();
    let out = w.ok(&[
        "run",
        "b.csv",
        "--unit",
        "€bn",
        "--cap",
        "38",
        "--through",
        "2028-12-31",
        "--rate-step",
        "2027-07-01=15%",
        "--no-files",
    ]);
    assert_eq!(
        trimmed(&out),
        "\
terms from the defaults: rate 20% then 15% from 2027-07-01 (--rate-step), cap €38B (--cap), term 2026-01-01 (first period) to 2028-12-31 (--through)

b (b.csv)
───────────────────────────────────────────────────────────────────────────────────────────
 period   revenue   eligible      rate   uncapped    paid   cumulative   cap left   capped
               €B         €B                   €B      €B           €B         €B
───────────────────────────────────────────────────────────────────────────────────────────
 2026       30.00      30.00       20%       6.00    6.00         6.00      32.00
 2027       62.00      62.00   20%→15%      10.84   10.84        16.84      21.16
 2028      100.00     100.00       15%      15.00   15.00        31.84       6.16
───────────────────────────────────────────────────────────────────────────────────────────
  cap of €38B not reached: the term ends first (2028-12-31), with €6.16B headroom left
  paid €31.84B on €192B eligible revenue (effective rate 16.58%)
"
    );
    // The ledger's rate is the one of the period's last day in the term.
    let csv = w.ok(&[
        "run",
        "b.csv",
        "--through",
        "2028-12-31",
        "--rate-step",
        "2027-07-01=15%",
        "--from",
        "2026-07-01",
        "--format",
        "csv",
        "--no-files",
    ]);
    let rates: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(rates, ["0.2", "0.15", "0.15"]);
    // A code goes after the amount.
    let out = w.ok(&[
        "run",
        "b.csv",
        "--unit",
        "EUR bn",
        "--cap",
        "38",
        "--through",
        "2028-12-31",
        "--no-files",
    ]);
    assert!(out.starts_with("terms from the defaults: rate 20%, cap 38B EUR (--cap),"));
    assert!(out.contains("\n            B EUR      B EUR "), "{out}");
    assert!(out.ends_with(
        "  cap of 38B EUR binds on 2028-12-24 (2028); 400M EUR foregone against 38.4B EUR uncapped\n  paid 38B EUR on 192B EUR eligible revenue (effective rate 19.79%)\n"
    ), "{out}");
}

#[test]
fn a_plain_currency_with_exact_prints_every_cent() {
    let w = workdir();
    w.write("d.csv", "period,revenue\n2026,30B\n2027,62B\n2028,100B\n");
    let args = ["run", "d.csv", "--cap", "38B", "--through", "2028-12-31"];
    let exact = w.ok(&[&args[..], &["--unit", "$", "--exact", "--no-files"]].concat());
    assert!(exact.starts_with("terms from the defaults: rate 20%, cap $38,000,000,000.00 (--cap),"));
    assert!(
        exact.ends_with("  cap of $38,000,000,000.00 binds on 2028-12-24 (2028); $400,000,000.00 foregone against $38,400,000,000.00 uncapped\n  paid $38,000,000,000.00 on $192,000,000,000.00 eligible revenue (effective rate 19.79%)\n"),
        "{exact}"
    );
    assert!(exact.contains(" 2027      62,000,000,000.00 "), "{exact}");
    // Without --exact, the same run at its scale; `--unit '$'` is what no --unit shows.
    let scaled = w.ok(&[&args[..], &["--unit", "$", "--no-files"]].concat());
    assert!(
        scaled.ends_with("  cap of $38B binds on 2028-12-24 (2028); $400M foregone against $38.4B uncapped\n  paid $38B on $192B eligible revenue (effective rate 19.79%)\n"),
        "{scaled}"
    );
    assert_eq!(scaled, w.ok(&[&args[..], &["--no-files"]].concat()));
    // A code after the amount.
    let eur = w.ok(&[&args[..], &["--unit", "EUR", "--exact", "--no-files"]].concat());
    assert!(
        eur.contains("paid 38,000,000,000.00 EUR on 192,000,000,000.00 EUR"),
        "{eur}"
    );
}

#[test]
fn the_terms_line_names_where_each_term_came_from() {
    let w = Workdir::new();
    w.write("deal/q.csv", BILLIONS);
    w.write(
        "deal/terms.toml",
        "rate = \"10%\"\ncap = \"15B\"\nthrough = 2028-12-31\n",
    );
    w.write("other.toml", "rate = \"5%\"\nfrom = 2026-07-01\n");
    let first = |args: &[&str]| {
        let out = w.cmd(args).assert().success().get_output().stdout.clone();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    // The folder's terms; a flag says so.
    assert_eq!(
        first(&["run", "deal", "--cap", "20B", "--no-files"]),
        "terms from deal/terms.toml: rate 10%, cap $20B (--cap), term 2026-01-01 (first period) to 2028-12-31"
    );
    // --terms replaces the folder's; what it does not give is the default.
    assert_eq!(
        first(&["run", "deal", "--terms", "other.toml", "--through", "2028-12-31", "--no-files"]),
        "terms from other.toml: rate 5%, no cap (default), term 2026-07-01 to 2028-12-31 (--through)"
    );
    assert_eq!(
        first(&["run", "deal", "--terms", "other.toml", "--through", "2028-12-31", "--format", "markdown", "--no-files"]),
        "**Terms from other.toml:** rate 5%, no cap (default), term 2026-07-01 to 2028-12-31 (--through)"
    );
    // JSON names every term's source; CSV stays pure CSV.
    let j = w.json(&[
        "run",
        "deal",
        "--already-paid",
        "1B",
        "--format",
        "json",
        "--no-files",
    ]);
    assert_eq!(
        j["terms"]["sources"],
        json!({
            "rate": "deal/terms.toml",
            "rate_step": "default",
            "cap": "deal/terms.toml",
            "already_paid": "--already-paid",
            "from": "default",
            "through": "deal/terms.toml",
            "discount_rate": "default"
        })
    );
    let csv = w.ok_warned(
        &["run", "deal", "--format", "csv", "--no-files"],
        "note: terms from deal/terms.toml (in the input folder; --terms FILE to use others)\n",
    );
    assert!(csv.starts_with("scenario,period,"), "{csv}");
    // compare names the shared terms' sources.
    assert_eq!(
        first(&["compare", "deal", "--cap", "20B", "--rate", "15%", "--no-files"]),
        "terms from deal/terms.toml: rate 15% (--rate), cap per variant, term 2026-01-01 (first period) to 2028-12-31"
    );
}

#[test]
fn the_bundled_run_fits_in_100_columns() {
    let out = Command::new(BIN)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(["run", "--no-files"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let widest = out.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 100, "{widest} columns:\n{out}");
    assert!(
        out.contains("\n  cap of $38B binds on 2029-05-12 (2029); $50.77B foregone against $88.77B uncapped\n"),
        "{out}"
    );
}

#[test]
fn a_unit_with_two_scales_is_refused() {
    let w = workdir();
    assert_eq!(
        w.fails(&["run", "m.csv", "--unit", "M bn", "--no-files"], 1),
        "error: --unit: \"M bn\" gives two scales (expected one currency and at most one scale, e.g. $M)\n"
    );
    // An empty unit is no unit.
    let plain = ["run", "b.csv", "--through", "2028-12-31", "--no-files"];
    assert_eq!(w.ok(&[&plain[..], &["--unit", " "]].concat()), w.ok(&plain));
}

#[test]
fn each_ledger_takes_its_own_scale_and_hides_no_payment() {
    let w = Workdir::new();
    w.write(
        "w.csv",
        "Year,Small,Big\n2026,0.4,30000\n2027,1.2,62000\n2028,2.5,100000\n",
    );
    let out = w.ok(&[
        "run",
        "w.csv",
        "--unit",
        "USD thousands",
        "--through",
        "2028-12-31",
        "--cap",
        "20000",
        "--no-files",
    ]);
    // Small pays $80 next to a $20M cap: in full, not 0.00 in millions.
    assert!(
        out.contains("\n 2026       400.00     400.00    20%      80.00    80.00        80.00   19,999,920.00 "),
        "{out}"
    );
    // Big is in millions.
    assert!(
        out.contains(
            "\n 2026       30.00      30.00    20%       6.00    6.00         6.00      14.00 "
        ),
        "{out}"
    );
    assert!(
        out.contains("\n            M USD      M USD             M USD "),
        "{out}"
    );
}

/// With no `--unit`, a header's currency labels the amounts (`Revenue (€)` data is not
/// shown as dollars); headers that disagree get no currency; `--unit` always wins.
#[test]
fn a_headers_currency_labels_the_views_when_unit_says_nothing() {
    let w = Workdir::new();
    w.write("eu.csv", "period,Revenue (€)\n2026,€30B\n2027,€62B\n");
    w.write("gb.csv", "period,revenue_gbp\n2026,£30B\n2027,£62B\n");
    let args = ["--cap", "38B", "--through", "2027-12-31", "--no-files"];
    let eu = w.ok(&[&["run", "eu.csv"][..], &args].concat());
    assert!(
        eu.starts_with("terms from the defaults: rate 20%, cap €38B (--cap), "),
        "{eu}"
    );
    assert!(
        eu.contains("  paid €18.4B on €92B eligible revenue"),
        "{eu}"
    );
    assert!(!eu.contains('$'), "{eu}");
    // --unit wins over the header.
    let given = w.ok(&[&["run", "eu.csv", "--unit", "EUR"][..], &args].concat());
    assert!(
        given.contains("  paid 18.4B EUR on 92B EUR eligible revenue"),
        "{given}"
    );
    // Two currencies: amounts are shown in no named currency.
    let mixed = w.ok(&[&["compare", "eu.csv", "gb.csv"][..], &args].concat());
    assert!(mixed.contains(" billions "), "{mixed}");
    assert!(
        !mixed.contains('€') && !mixed.contains('£') && !mixed.contains('$'),
        "{mixed}"
    );
}
