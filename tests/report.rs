//! report.html, made through the library (render::html) from the bundled scenarios:
//! its sections, its charts, its escaping of hostile names, its limits, its footer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::str::FromStr;

use revcap::config::Variant;
use revcap::model::{Date, Scenario, ScenarioResult, Terms};
use revcap::render::html::{self, CompareParts, Figure, InputFile, Report};
use revcap::render::{Shown, TermSources};
use rust_decimal::Decimal;
use scraper::{Html, Selector};

const HOSTILE: &str = "<script>alert(1)</script>";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn terms() -> Terms {
    Terms {
        rate: d("0.2"),
        cap: Some(d("38000000000")),
        from: Date::parse("2026-04-27"),
        through: Date::parse("2030-12-31").unwrap(),
        ..Terms::default()
    }
}

fn shown() -> Shown {
    let mut sources = TermSources::default();
    for key in ["rate", "cap", "from", "through", "already_paid"] {
        sources.0.insert(key, "scenarios/terms.toml".to_string());
    }
    Shown {
        sources,
        ..Shown::default()
    }
}

/// The bundled scenarios, and one with a hostile name.
fn scenarios() -> Vec<Scenario> {
    let mut out = Vec::new();
    for name in ["apr2025", "feb2026", "hsbc", "sep2025"] {
        let path = format!("scenarios/{name}.csv");
        let text = std::fs::read(&path).unwrap();
        out.extend(revcap::load::load(&text[..], &path, name).unwrap());
    }
    let hostile = format!(
        "scenario,period,revenue,note\n\"{HOSTILE}\",2026,30B,\"<b>bold</b> & more\"\n\"{HOSTILE}\",2027,90B,\n\"{HOSTILE}\",2028,120B,\n"
    );
    out.extend(revcap::load::load(hostile.as_bytes(), "hostile.csv", "hostile").unwrap());
    out
}

fn results() -> Vec<ScenarioResult> {
    revcap::compute_all(&scenarios(), &terms()).unwrap()
}

fn page(results: &[ScenarioResult], figures: &[Figure], inputs: &[InputFile]) -> String {
    html::report(&Report {
        command: "run",
        terms: &terms(),
        shown: &shown(),
        results,
        compare: None,
        figures,
        no_figures: None,
        inputs,
        command_line: "revcap run --report",
        date: Date::parse("2026-12-01"),
    })
    .unwrap()
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

fn text(e: &scraper::ElementRef) -> String {
    e.text().collect::<String>()
}

#[test]
fn a_run_report_has_every_section_and_every_chart() {
    let results = results();
    let figures = html::run_figures(&results, &terms(), &shown()).unwrap();
    // Two per scenario and one of them all.
    assert_eq!(figures.len(), 2 * results.len() + 1);
    let inputs = vec![InputFile {
        name: "scenarios/feb2026.csv".into(),
        sha256: Some("ab".repeat(32)),
        bundled: Some("CNBC, February 2026"),
        notes: vec![("2026".into(), "CNBC".into())],
        more_notes: 0,
    }];
    let doc = Html::parse_document(&page(&results, &figures, &inputs));
    for id in ["terms", "headline", "sources", "repro"] {
        assert_eq!(select(&doc, &format!("#{id}")).len(), 1, "#{id}");
    }
    assert_eq!(text(&select(&doc, "h1")[0]), "revcap run report");
    // Every chart, inline as SVG, with a text alternative.
    for f in &figures {
        let id = format!("#fig-{}", revcap::chart::sanitize(&f.name));
        let fig = select(&doc, &id);
        assert_eq!(fig.len(), 1, "{id}");
        let chart = fig[0]
            .select(&Selector::parse("div.chart[role=img]").unwrap())
            .next()
            .unwrap();
        assert!(!chart.value().attr("aria-label").unwrap().is_empty());
        assert_eq!(chart.select(&Selector::parse("svg").unwrap()).count(), 1);
    }
    assert_eq!(select(&doc, "svg").len(), figures.len());
    // The headline: a row per scenario, headers with their scope.
    let rows = select(&doc, "#headline tbody tr");
    assert_eq!(rows.len(), results.len());
    assert!(text(&rows[1]).contains("2029-01-17"), "{}", text(&rows[1]));
    assert!(select(&doc, "th")
        .iter()
        .all(|th| th.value().attr("scope").is_some()));
    // The terms say where each came from.
    let terms_text = text(&select(&doc, "#terms")[0]);
    assert!(terms_text.contains("scenarios/terms.toml") && terms_text.contains("default"));
    // A section per scenario, each with its ledger, a row per period.
    let sections = select(&doc, "section.scenario");
    assert_eq!(sections.len(), results.len());
    for (s, r) in sections.iter().zip(&results) {
        let rows = s
            .select(&Selector::parse("details tbody tr").unwrap())
            .count();
        assert_eq!(rows, r.periods.len());
    }
    // Sources and the footer.
    let sources = text(&select(&doc, "#sources")[0]);
    assert!(sources.contains("geometric interpolation") && sources.contains("CNBC, February 2026"));
    let footer = text(&select(&doc, "footer")[0]);
    assert!(footer.contains("revcap run --report") && footer.contains(&"ab".repeat(32)));
    assert!(footer.contains("2026-12-01") && footer.contains(env!("CARGO_PKG_VERSION")));
    // No script, no external file.
    assert!(select(&doc, "script, link, img, iframe").is_empty());
}

#[test]
fn hostile_names_are_text() {
    let results = results();
    let figures = html::run_figures(&results, &terms(), &shown()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A file name cannot hold the `/` of `</script>`.
    let file = "<svg onload=alert(1)>.csv";
    let path = dir.path().join(file);
    std::fs::write(
        &path,
        "scenario,period,revenue,note\nx,2026,1B,\"<img src=x onerror=alert(1)>\"\n",
    )
    .unwrap();
    let input = revcap::config::Input::File(path.clone(), Default::default(), None);
    let inputs = html::input_files(&[input], &shown());
    let raw = page(&results, &figures, &inputs);
    let doc = Html::parse_document(&raw);
    // Not one element came from a name, a note or a file name (the charts' SVG included).
    assert!(select(&doc, "script, img, b, svg[onload]").is_empty());
    assert!(!raw.contains("<script>") && !raw.contains("<img"));
    // The name reads as written: in the headline, its section and its chart.
    let headline = text(&select(&doc, "#headline")[0]);
    assert!(headline.contains(HOSTILE), "{headline}");
    let section = text(select(&doc, "section.scenario").last().unwrap());
    assert!(section.contains(&format!("Scenario {HOSTILE}")));
    let svg = select(&doc, "svg");
    assert!(svg.iter().any(|s| text(s).contains(HOSTILE)));
    // The file's name and note, as text.
    let sources = text(&select(&doc, "#sources")[0]);
    assert!(
        sources.contains("<img src=x onerror=alert(1)>"),
        "{sources}"
    );
    let footer = text(&select(&doc, "footer")[0]);
    assert!(footer.contains(file), "{footer}");
}

#[test]
fn input_files_are_hashed_and_their_notes_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.csv");
    std::fs::write(&path, "period;revenue;Source\n2026;1B;Reuters\n2027;2B;\n").unwrap();
    let files = html::input_files(
        &[revcap::config::Input::File(path, Default::default(), None)],
        &Shown::default(),
    );
    assert_eq!(files.len(), 1);
    // sha256 of the bytes above (sha256sum agrees).
    let expected = {
        use sha2::Digest;
        let d = sha2::Sha256::digest(b"period;revenue;Source\n2026;1B;Reuters\n2027;2B;\n");
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    assert_eq!(files[0].sha256.as_deref(), Some(expected.as_str()));
    assert_eq!(
        files[0].notes,
        vec![("2026".to_string(), "Reuters".to_string())]
    );
    assert_eq!(files[0].bundled, None);
    // The bundled files say where their figures come from.
    let bundled = html::input_files(
        &[revcap::config::Input::File(
            "scenarios/hsbc.csv".into(),
            Default::default(),
            None,
        )],
        &shown(),
    );
    assert!(bundled[0].bundled.unwrap().contains("HSBC"));
    // ... and the terms file is listed after the inputs, hashed.
    assert_eq!(bundled[1].name, "scenarios/terms.toml");
    assert_eq!(bundled[1].sha256.as_ref().map(String::len), Some(64));
}

#[test]
fn many_scenarios_show_the_first_ledgers_and_say_so() {
    let one = &scenarios()[1];
    let many: Vec<Scenario> = (0..html::MAX_LEDGERS + 5)
        .map(|i| Scenario {
            name: format!("s{i}"),
            ..one.clone()
        })
        .collect();
    let results = revcap::compute_all(&many, &terms()).unwrap();
    let doc = Html::parse_document(&page(&results, &[], &[]));
    assert_eq!(select(&doc, "section.scenario").len(), html::MAX_LEDGERS);
    assert_eq!(select(&doc, "#headline tbody tr").len(), results.len());
    let note = text(&select(&doc, "#ledgers-note")[0]);
    assert!(note.contains(&format!("first {} of {}", html::MAX_LEDGERS, results.len())));
}

#[test]
fn a_compare_report_has_the_grid_the_thresholds_and_the_charts() {
    let scenarios = scenarios();
    let variants: Vec<Variant> = ["20B", "38B", "none"]
        .iter()
        .map(|name| Variant {
            name: name.to_string(),
            terms: Terms {
                cap: (*name != "none").then(|| d(&name.replace('B', "000000000"))),
                ..terms()
            },
            from_file: false,
        })
        .collect();
    let (rows, thresholds) = revcap::compare_all(&scenarios, &terms(), &variants).unwrap();
    let figures = html::compare_figures(&scenarios, &variants, &rows, &terms(), &shown()).unwrap();
    assert!(figures.iter().any(|f| f.name == "compare-grid"));
    let raw = html::report(&Report {
        command: "compare",
        terms: &terms(),
        shown: &shown(),
        results: &[],
        compare: Some(CompareParts {
            rows: &rows,
            variants: variants.iter().map(|v| v.name.clone()).collect(),
            thresholds: Some(&thresholds),
        }),
        figures: &figures,
        no_figures: None,
        inputs: &[],
        command_line: "revcap compare",
        date: None,
    })
    .unwrap();
    let doc = Html::parse_document(&raw);
    assert_eq!(select(&doc, "svg").len(), figures.len());
    let grid = select(&doc, "#grid")[0];
    let head: Vec<String> = grid
        .select(&Selector::parse("thead th").unwrap())
        .map(|e| text(&e))
        .collect();
    assert_eq!(head, ["Scenario", "20B", "38B", "none"]);
    let body = grid.select(&Selector::parse("tbody tr").unwrap()).count();
    assert_eq!(body, scenarios.len());
    let all = text(&doc.root_element());
    assert!(all.contains(HOSTILE));
    assert_eq!(select(&doc, "#thresholds").len(), 1);
    assert!(select(&doc, "script").is_empty());
}

/// The bundled scenarios and terms, copied into a work folder.
fn bundled() -> common::Workdir {
    let w = common::Workdir::new();
    for f in [
        "apr2025.csv",
        "feb2026.csv",
        "hsbc.csv",
        "sep2025.csv",
        "terms.toml",
    ] {
        w.write(
            &format!("scenarios/{f}"),
            std::fs::read(format!("scenarios/{f}")).unwrap(),
        );
    }
    w
}

#[test]
fn run_and_compare_write_the_report_and_the_workbook() {
    let w = bundled();
    w.ok_wrote(
        &[
            "run",
            "--report",
            "--xlsx",
            "--no-charts",
            "--output",
            "out",
        ],
        5,
        "out",
    );
    assert_eq!(
        w.files("out"),
        [
            "ledger.csv",
            "report.html",
            "result.json",
            "revcap.xlsx",
            "summary.csv"
        ]
    );
    let doc = Html::parse_document(&w.read("out/report.html"));
    // --no-charts writes no chart file, but the report still shows every chart.
    assert_eq!(select(&doc, "svg").len(), 9);
    let footer = text(&select(&doc, "footer")[0]);
    assert!(footer.contains("revcap run --report --xlsx --no-charts --output out"));
    assert!(footer.contains("scenarios/feb2026.csv") && footer.contains("scenarios/terms.toml"));
    let book: calamine::Xlsx<_> = calamine::open_workbook(w.path("out/revcap.xlsx")).unwrap();
    use calamine::Reader;
    assert_eq!(book.sheet_names()[..3], ["Terms", "Summary", "Ledger"]);

    w.ok_wrote(
        &[
            "compare",
            "--caps",
            "20B:60B:5B",
            "--thresholds",
            "--report",
            "--xlsx",
            "--no-charts",
            "--output",
            "cmp",
        ],
        4,
        "cmp",
    );
    let doc = Html::parse_document(&w.read("cmp/report.html"));
    assert_eq!(select(&doc, "#grid tbody tr").len(), 4);
    assert_eq!(select(&doc, "#thresholds").len(), 1);
    // total paid, binding date, grid, and one per scenario.
    assert_eq!(select(&doc, "svg").len(), 3 + 4);
}

#[test]
fn report_and_xlsx_need_files() {
    let w = bundled();
    for flag in ["--report", "--xlsx"] {
        let err = w.fails(&["run", flag, "--no-files"], 2);
        assert!(err.contains("cannot be used with"), "{err}");
    }
}

fn variants(caps: &[&str]) -> Vec<Variant> {
    caps.iter()
        .map(|name| Variant {
            name: name.to_string(),
            terms: Terms {
                cap: (*name != "none").then(|| d(&name.replace('B', "000000000"))),
                ..terms()
            },
            from_file: false,
        })
        .collect()
}

fn compare_page(scenarios: &[Scenario], variants: &[Variant], terms: &Terms) -> Html {
    let (rows, thresholds) = revcap::compare_all(scenarios, terms, variants).unwrap();
    let raw = html::report(&Report {
        command: "compare",
        terms,
        shown: &shown(),
        results: &[],
        compare: Some(CompareParts {
            rows: &rows,
            variants: variants.iter().map(|v| v.name.clone()).collect(),
            thresholds: Some(&thresholds),
        }),
        figures: &[],
        no_figures: None,
        inputs: &[],
        command_line: "revcap compare",
        date: None,
    })
    .unwrap();
    Html::parse_document(&raw)
}

#[test]
fn a_large_compare_shows_the_first_rows_and_columns_and_says_so() {
    let one = &scenarios()[1];
    let many: Vec<Scenario> = (0..html::MAX_ROWS + 2)
        .map(|i| Scenario {
            name: format!("s{i}"),
            ..one.clone()
        })
        .collect();
    let caps: Vec<String> = (0..html::MAX_VARIANTS + 3)
        .map(|i| format!("{}B", 10 + i))
        .collect();
    let caps: Vec<&str> = caps.iter().map(String::as_str).collect();
    let doc = compare_page(&many, &variants(&caps), &terms());
    assert_eq!(select(&doc, "#grid tbody tr").len(), html::MAX_ROWS);
    assert_eq!(select(&doc, "#grid thead th").len(), 1 + html::MAX_VARIANTS);
    // The last cell shown is the last variant shown, of the last scenario shown.
    let last = select(&doc, "#grid tbody tr").pop().unwrap();
    let cells: Vec<String> = last
        .select(&Selector::parse("td").unwrap())
        .map(|e| text(&e))
        .collect();
    assert_eq!(cells.len(), html::MAX_VARIANTS);
    assert!(cells.iter().all(|c| c.starts_with('$')), "{cells:?}");
    let said = text(&select(&doc, "#compare > p")[0]);
    assert!(said.contains(&format!(
        "first {} of {} scenarios",
        html::MAX_ROWS,
        many.len()
    )));
    assert!(said.contains(&format!(
        "first {} of {} variants",
        html::MAX_VARIANTS,
        caps.len()
    )));
}

#[test]
fn thresholds_of_different_year_ends_are_a_row_each() {
    // No shared term start: each scenario starts with its data, so their year-ends
    // differ and the thresholds are listed, not gridded.
    let t = Terms {
        from: None,
        ..terms()
    };
    let mut s = scenarios();
    s.truncate(1);
    let late = "period,revenue\n2028,50B\n2029,90B\n2030,120B\n";
    s.extend(revcap::load::load(late.as_bytes(), "late.csv", "late").unwrap());
    let doc = compare_page(&s, &variants(&["20B", "38B"]), &t);
    let head: Vec<String> = select(&doc, "#compare table")[1]
        .select(&Selector::parse("thead th").unwrap())
        .map(|e| text(&e))
        .collect();
    assert_eq!(head, ["Scenario", "By", "Cap"]);
    let rows = select(&doc, "#compare table")[1]
        .select(&Selector::parse("tbody tr").unwrap())
        .count();
    let (_, th) = revcap::compare_all(&s, &t, &variants(&["20B"])).unwrap();
    assert_eq!(rows, th.iter().map(|t| t.by.len() + 1).sum::<usize>());
}
