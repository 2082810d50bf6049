//! report.html, made through the library (render::html) from the bundled scenarios:
//! its sections, its charts, its escaping of hostile names, its limits, its footer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::str::FromStr;

use revcap::analysis::sensitivity::{self as sens, Metric};
use revcap::config::Variant;
use revcap::model::{CompareRow, Date, Scenario, ScenarioResult, Terms, Thresholds};
use revcap::montecarlo::distribution::{Distributions, Key};
use revcap::render::html::{
    self, CompareParts, Distributed, Figure, InputFile, Report, SensitivityParts,
};
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
        sensitivity: None,
        distributions: None,
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

/// A ledger row whose period a rate step falls inside shows both rates, as the table
/// does (`20%→15%`), not only its last day's: beside that period's uncapped payment,
/// 15% alone would not add up.
#[test]
fn a_rate_step_inside_a_period_shows_both_rates_in_the_ledger() {
    let mut terms = terms();
    terms.rate_steps = vec![revcap::model::RateStep {
        from: Date::parse("2027-07-01").unwrap(),
        rate: d("0.15"),
    }];
    let scenarios = scenarios();
    let results = revcap::compute_all(&scenarios[..1], &terms).unwrap();
    let report = html::report(&Report {
        command: "run",
        terms: &terms,
        shown: &shown(),
        results: &results,
        compare: None,
        sensitivity: None,
        distributions: None,
        figures: &[],
        no_figures: None,
        inputs: &[],
        command_line: "revcap run --report",
        date: Date::parse("2026-12-01"),
    })
    .unwrap();
    let doc = Html::parse_document(&report);
    let rate = |period: &str| {
        let rows = select(&doc, "details tbody tr");
        let row = rows
            .iter()
            .find(|r| text(r).starts_with(period))
            .unwrap_or_else(|| panic!("{period}"));
        let cells: Vec<String> = row
            .select(&Selector::parse("td").unwrap())
            .map(|c| text(&c))
            .collect();
        cells.last().unwrap().clone()
    };
    assert_eq!(rate("2027"), "20%→15%");
    assert_eq!(rate("2028"), "15%");
    assert_eq!(rate("2026"), "20%");
    assert_eq!(rate("2024"), "–");
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

/// A rate × cap grid's report names its rates, not the terms' one rate: in its
/// question, its Rate row and its thresholds (made at the terms' rate).
#[test]
fn a_grid_report_names_its_rates() {
    let scenarios = scenarios();
    let variants: Vec<Variant> = ["0.15", "0.25"]
        .iter()
        .map(|rate| Variant {
            name: format!("{rate} · 38B"),
            terms: Terms {
                rate: d(rate),
                ..terms()
            },
            from_file: false,
        })
        .collect();
    let doc = compare_page(&scenarios, &variants, &terms());
    let page = text(&select(&doc, "body")[0]);
    assert!(
        page.contains("How much does a revenue share at each rate and cap compared pay"),
        "{page}"
    );
    let terms_text = text(&select(&doc, "#terms")[0]);
    assert!(terms_text.contains("per variant: 15%, 25%"), "{terms_text}");
    assert!(!terms_text.contains("20%"), "{terms_text}");
    assert!(
        page.contains("At the terms' rate, 20%, whatever the variants' rates."),
        "{page}"
    );
}

/// `variants` compared over `scenarios` under [`terms`]: the rows, the thresholds and
/// the report's figures (heatmaps of the binding date).
fn compared(
    scenarios: &[Scenario],
    variants: &[Variant],
) -> (Vec<CompareRow>, Vec<Thresholds>, Vec<Figure>) {
    let (rows, thresholds) = revcap::compare_all(scenarios, &terms(), variants).unwrap();
    let figures = html::compare_figures(
        scenarios,
        variants,
        &rows,
        &terms(),
        revcap::cli::GridMetric::BindingDate,
        &shown(),
    )
    .unwrap();
    (rows, thresholds, figures)
}

/// A grid's report draws what its chart files are: the compare charts of its row at
/// the terms' rate (whose lines they are; none when the grid leaves that rate out)
/// and each scenario's heatmap, described in words.
#[test]
fn a_grid_report_draws_the_grids_charts() {
    let scenarios = scenarios();
    for (rates, shared) in [
        (&["0.15", "0.25"][..], false),
        (&["0.15", "0.2", "0.25"][..], true),
    ] {
        let variants = common::grid_variants(rates, &["20", "38"], &terms());
        let (_, _, figures) = compared(&scenarios, &variants);
        let named = |n: &str| figures.iter().find(|f| f.name == n);
        let heatmaps: Vec<&Figure> = figures
            .iter()
            .filter(|f| f.name.ends_with("-heatmap"))
            .collect();
        assert_eq!(heatmaps.len(), scenarios.len(), "{rates:?}");
        assert_eq!(heatmaps[1].scenario, Some(1));
        assert_eq!(
            heatmaps[1].alt,
            "Heatmap of feb2026's binding date by rate (rows) and cap (columns); compare.csv has every cell."
        );
        assert_eq!(named("compare-total-paid").is_some(), shared, "{rates:?}");
        if let Some(f) = named("compare-total-paid") {
            assert!(
                f.alt.ends_with("for caps 0.2 · 20B, 0.2 · 38B."),
                "{}",
                f.alt
            );
            assert!(f.svg.contains("Compared: caps $20B and $38B"));
        }
    }
}

#[test]
fn a_compare_report_has_the_grid_the_thresholds_and_the_charts() {
    let scenarios = scenarios();
    let variants = common::cap_variants(&["20B", "38B", "none"], &terms());
    let (rows, thresholds, figures) = compared(&scenarios, &variants);
    assert!(figures.iter().any(|f| f.name == "compare-grid"));
    // The hostile scenario's data ends in 2028: the page says so, under the grid.
    let coverage: Vec<(String, revcap::model::Gap)> = scenarios
        .iter()
        .flat_map(|s| {
            revcap::engine::scenario_gaps(s, &terms())
                .into_iter()
                .map(|g| (s.name.clone(), g))
        })
        .collect();
    assert_eq!(coverage.len(), 1);
    let raw = html::report(&Report {
        command: "compare",
        terms: &terms(),
        shown: &shown(),
        results: &[],
        compare: Some(CompareParts {
            rows: &rows,
            variants: variants.iter().map(|v| v.name.clone()).collect(),
            thresholds: Some(&thresholds),
            coverage: (&coverage, 1),
        }),
        sensitivity: None,
        distributions: None,
        figures: &figures,
        no_figures: None,
        inputs: &[],
        command_line: "revcap compare",
        date: None,
    })
    .unwrap();
    let doc = Html::parse_document(&raw);
    assert_eq!(select(&doc, "svg").len(), figures.len());
    assert_eq!(select(&doc, "#coverage").len(), 1);
    let said: Vec<String> = select(&doc, "#compare li").iter().map(text).collect();
    assert_eq!(
        said,
        [format!("{HOSTILE}: data ends 2028-12-31, before the term ends (2030-12-31): payments after it are not counted")]
    );
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
    compare_charts_read_the_cap_and_the_measure(&w.path("cmp/revcap.xlsx"));
    let doc = Html::parse_document(&w.read("cmp/report.html"));
    assert_eq!(select(&doc, "#grid tbody tr").len(), 4);
    assert_eq!(select(&doc, "#thresholds").len(), 1);
    // total paid, binding date, grid, and one per scenario.
    assert_eq!(select(&doc, "svg").len(), 3 + 4);
}

/// The workbook's Compare charts plot the cap (x) against total paid and the binding
/// date (y): the columns of those names on the Compare sheet, whatever columns come
/// before them (a `rate` column once shifted them by one, onto the rate and the
/// uncapped total).
fn compare_charts_read_the_cap_and_the_measure(book: &std::path::Path) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut sheet: calamine::Xlsx<_> = calamine::open_workbook(book).unwrap();
    use calamine::Reader;
    let compare = sheet.worksheet_range("Compare").unwrap();
    let header: Vec<String> = compare
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let letter = |name: &str| {
        let i = header.iter().position(|h| h == name).unwrap();
        char::from(b'A' + u8::try_from(i).unwrap())
    };
    for (part, measure) in [
        ("xl/charts/chart1.xml", "total_paid"),
        ("xl/charts/chart2.xml", "binding_date"),
    ] {
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(part).unwrap(), &mut xml).unwrap();
        let x = format!("Compare!${}$2:${}$", letter("cap"), letter("cap"));
        let y = format!("Compare!${}$2:${}$", letter(measure), letter(measure));
        assert!(
            xml.contains(&x) && xml.contains(&y),
            "{part}: {x} {y}\n{xml}"
        );
    }
}

#[test]
fn report_and_xlsx_need_files() {
    let w = bundled();
    for flag in ["--report", "--xlsx"] {
        let err = w.fails(&["run", flag, "--no-files"], 2);
        assert!(err.contains("cannot be used with"), "{err}");
    }
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
            coverage: (&[], 0),
        }),
        sensitivity: None,
        distributions: None,
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
    let doc = compare_page(&many, &common::cap_variants(&caps, &terms()), &terms());
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
    let doc = compare_page(&s, &common::cap_variants(&["20B", "38B"], &terms()), &t);
    let head: Vec<String> = select(&doc, "#compare table")[1]
        .select(&Selector::parse("thead th").unwrap())
        .map(|e| text(&e))
        .collect();
    assert_eq!(head, ["Scenario", "By", "Cap"]);
    let rows = select(&doc, "#compare table")[1]
        .select(&Selector::parse("tbody tr").unwrap())
        .count();
    let (_, th) = revcap::compare_all(&s, &t, &common::cap_variants(&["20B"], &terms())).unwrap();
    assert_eq!(rows, th.iter().map(|t| t.by.len() + 1).sum::<usize>());
}

/// The bundled scenarios and the hostile one swung by the default swings, measured
/// by three metrics.
fn sensitivity_page() -> (Html, Vec<String>, sens::Sensitivity, Vec<Figure>) {
    let scenarios = scenarios();
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    let metrics = [Metric::BindingDate, Metric::TotalPaid, Metric::Foregone];
    let swings = sens::default_swings();
    let found = sens::sensitivity(&scenarios, &terms(), &swings, &metrics).unwrap();
    let figures = html::sensitivity_figures(&names, &found, &metrics, &terms(), &shown()).unwrap();
    let raw = html::report(&Report {
        command: "sensitivity",
        terms: &terms(),
        shown: &shown(),
        results: &[],
        compare: None,
        sensitivity: Some(SensitivityParts {
            names: &names,
            found: &found,
            metrics: &metrics,
            swings: &swings,
            figures: &figures,
        }),
        distributions: None,
        figures: &[],
        no_figures: None,
        inputs: &[],
        command_line: "revcap sensitivity --report",
        date: Date::parse("2026-12-01"),
    })
    .unwrap();
    let owned = names.iter().map(|n| n.to_string()).collect();
    (Html::parse_document(&raw), owned, found, figures)
}

#[test]
fn a_sensitivity_report_has_a_table_and_a_tornado_per_scenario_and_metric() {
    let (doc, names, found, figures) = sensitivity_page();
    assert_eq!(text(&select(&doc, "h1")[0]), "revcap sensitivity report");
    assert_eq!(select(&doc, "#sensitivity").len(), 1);
    // The swings asked: no discount rate in the terms, so none swung or listed.
    let swings: Vec<String> = select(&doc, "#swings tbody th").iter().map(text).collect();
    assert_eq!(
        swings,
        ["rate", "cap", "revenue", "from", "through", "already_paid"]
    );
    // A chart per scenario and metric, inline, each in its scenario's section.
    assert_eq!(figures.len(), names.len() * 3);
    assert_eq!(select(&doc, "svg").len(), figures.len());
    let sections = select(&doc, "section.scenario");
    assert_eq!(sections.len(), names.len());
    let table = Selector::parse("table.sensitivity").unwrap();
    let row = Selector::parse("tbody tr").unwrap();
    let cell = Selector::parse("th, td").unwrap();
    for (section, name) in sections.iter().zip(&names) {
        assert!(text(
            &section
                .select(&Selector::parse("h2").unwrap())
                .next()
                .unwrap()
        )
        .ends_with(&format!("Sensitivity of {name}")));
        assert_eq!(section.select(&Selector::parse("svg").unwrap()).count(), 3);
        let tables: Vec<_> = section.select(&table).collect();
        assert_eq!(tables.len(), 3, "{name}");
        for (t, metric) in
            tables
                .iter()
                .zip([Metric::BindingDate, Metric::TotalPaid, Metric::Foregone])
        {
            let inputs: Vec<String> = t
                .select(&row)
                .map(|r| text(&r.select(&cell).next().unwrap()))
                .collect();
            let expected: Vec<&str> = found
                .rows
                .iter()
                .filter(|r| r.scenario == *name && r.metric == metric)
                .map(|r| r.input.name())
                .collect();
            assert_eq!(inputs, expected, "{name} {metric:?}");
        }
    }
    // A cell against a separate computation: feb2026's binding date at a 15% rate.
    let at_15 = revcap::compute_all(
        &scenarios()[1..2],
        &Terms {
            rate: d("0.15"),
            ..terms()
        },
    )
    .unwrap()[0]
        .summary
        .binding_date
        .unwrap()
        .to_string();
    let feb = sections[1].select(&table).next().unwrap();
    let rate_row = feb
        .select(&row)
        .find(|r| text(&r.select(&cell).next().unwrap()) == "rate")
        .unwrap();
    let cells: Vec<String> = rate_row.select(&cell).map(|c| text(&c)).collect();
    assert_eq!(cells[1], "15%");
    assert!(cells[3].starts_with(&at_15), "{cells:?} {at_15}");
    // The hostile name is text, in its heading and its charts.
    assert!(select(&doc, "script").is_empty());
    let last = text(sections.last().unwrap());
    assert!(last.contains(&format!("Sensitivity of {HOSTILE}")));
    // The note on the through swing, without its `note: ` prefix.
    let notes = text(&select(&doc, "#sensitivity ul")[0]);
    assert!(
        notes.starts_with("the through swing reaches past"),
        "{notes}"
    );
}

#[test]
fn sensitivity_writes_the_report_and_the_workbook() {
    let w = bundled();
    let out = w
        .cmd(&[
            "sensitivity",
            "--report",
            "--xlsx",
            "--no-charts",
            "--output",
            "sens",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.ends_with(&common::wrote(4, "sens")), "{stderr}");
    assert_eq!(
        w.files("sens"),
        [
            "report.html",
            "revcap.xlsx",
            "sensitivity.csv",
            "sensitivity.json"
        ]
    );
    let doc = Html::parse_document(&w.read("sens/report.html"));
    // --no-charts: no chart file, but a tornado per scenario and metric on the page.
    assert_eq!(select(&doc, "svg").len(), 4 * 3);
    assert_eq!(select(&doc, "table.sensitivity").len(), 4 * 3);
    let footer = text(&select(&doc, "footer")[0]);
    assert!(footer.contains("revcap sensitivity --report --xlsx --no-charts --output sens"));
    assert!(footer.contains("scenarios/hsbc.csv") && footer.contains("scenarios/terms.toml"));
    let book: calamine::Xlsx<_> = calamine::open_workbook(w.path("sens/revcap.xlsx")).unwrap();
    use calamine::Reader;
    assert_eq!(book.sheet_names(), ["Terms", "Sensitivity"]);
}

/// Distributions of the bundled scenarios' results (group `bundled`), and of the
/// same under a 20B cap (a group with the hostile name, variant `20B`).
fn distributions() -> Distributions {
    let scenarios = scenarios();
    let bundled = &scenarios[..4];
    let mut dist = Distributions::new(terms().through, true);
    let results = revcap::compute_all(bundled, &terms()).unwrap();
    let key = Key {
        group: "bundled",
        variant: "",
        cap: terms().cap,
        rate: None,
    };
    dist.add_results(&key, &results);
    let low = Terms {
        cap: Some(d("20000000000")),
        ..terms()
    };
    let results = revcap::compute_all(bundled, &low).unwrap();
    let key = Key {
        group: HOSTILE,
        variant: "20B",
        cap: low.cap,
        rate: Some(low.rate),
    };
    dist.add_results(&key, &results);
    dist
}

#[test]
fn distributions_show_percentiles_probabilities_and_charts_per_group() {
    let dist = distributions();
    let rows = dist.summaries().unwrap();
    let probabilities = dist.probabilities().unwrap();
    let figures = html::distribution_figures(&dist, &terms(), &shown()).unwrap();
    let distributed = Distributed {
        rows: &rows,
        probabilities: &probabilities,
        figures,
    };
    let raw = html::report(&Report {
        command: "run",
        terms: &terms(),
        shown: &shown(),
        results: &[],
        compare: None,
        sensitivity: None,
        distributions: Some(&distributed),
        figures: &[],
        no_figures: None,
        inputs: &[],
        command_line: "revcap run --paths 4 --report",
        date: Date::parse("2026-12-01"),
    })
    .unwrap();
    let doc = Html::parse_document(&raw);
    assert_eq!(select(&doc, "#distributions").len(), 1);
    // Every chart inline: a fan and a foregone histogram per group, and the binding
    // probability of both.
    assert_eq!(distributed.figures.len(), 2 * 2 + 1);
    assert_eq!(select(&doc, "svg").len(), distributed.figures.len());
    let groups = select(&doc, "section.group");
    assert_eq!(groups.len(), 2);
    assert!(text(&groups[0]).starts_with("bundled: 4 paths"));
    assert!(text(&groups[1]).contains(&format!("{HOSTILE} under 20B: 4 paths")));
    assert!(select(&doc, "script").is_empty());
    // The tables against distribution.csv and binding_probability.csv.
    let csv_text = revcap::render::distribution::distribution_csv(&rows).unwrap();
    let mut csv_rows = csv::Reader::from_reader(csv_text.as_bytes());
    let records: Vec<csv::StringRecord> = csv_rows.records().map(Result::unwrap).collect();
    let cell = Selector::parse("th, td").unwrap();
    let row = Selector::parse("table.percentiles tbody tr").unwrap();
    for (g, group) in groups.iter().zip(["bundled", HOSTILE]) {
        let shown_rows: Vec<Vec<String>> = g
            .select(&row)
            .map(|r| r.select(&cell).map(|c| text(&c)).collect())
            .collect();
        // The binding date first, then the amounts (no present value: no discount rate).
        let labels: Vec<&str> = shown_rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            labels,
            [
                "Binding date",
                "Total paid",
                "Foregone",
                "Uncapped",
                "Eligible revenue"
            ]
        );
        let dates = records
            .iter()
            .find(|r| &r[0] == group && &r[2] == "binding_date")
            .unwrap();
        // mean (none), then min, p5..p95, max: dates as in the CSV, or not reached.
        assert_eq!(shown_rows[0][1], "–");
        for (shown, field) in shown_rows[0][2..].iter().zip(dates.iter().skip(5)) {
            let expected = if field.is_empty() {
                "not reached"
            } else {
                field
            };
            assert_eq!(shown, expected, "{group}");
        }
        let probs: Vec<Vec<String>> = g
            .select(&Selector::parse("table.probability tbody tr").unwrap())
            .map(|r| r.select(&cell).map(|c| text(&c)).collect())
            .collect();
        let own: Vec<_> = probabilities.iter().filter(|p| p.group == group).collect();
        assert_eq!(probs.len(), own.len());
        for (shown, p) in probs.iter().zip(&own) {
            assert_eq!(shown[0], p.by.to_string());
            assert_eq!(shown[1], format!("{} of 4", p.bound));
            let pct = p.probability * Decimal::ONE_HUNDRED;
            assert_eq!(shown[2], format!("{:.2}%", pct));
        }
    }
    // A lower cap binds no later: by each year-end at least as many paths, and by
    // some strictly more.
    let bound = |g: &str| -> Vec<u64> {
        probabilities
            .iter()
            .filter(|p| p.group == g)
            .map(|p| p.bound)
            .collect()
    };
    let (low, high) = (bound(HOSTILE), bound("bundled"));
    assert!(
        low.iter().zip(&high).all(|(l, h)| l >= h),
        "{low:?} {high:?}"
    );
    assert!(
        low.iter().zip(&high).any(|(l, h)| l > h),
        "{low:?} {high:?}"
    );
}

#[test]
fn a_sensitivity_of_many_scenarios_shows_the_first_and_says_so() {
    let one = &scenarios()[1];
    let many: Vec<Scenario> = (0..html::MAX_SECTIONS + 3)
        .map(|i| Scenario {
            name: format!("s{i}"),
            ..one.clone()
        })
        .collect();
    let names: Vec<&str> = many.iter().map(|s| s.name.as_str()).collect();
    let metrics = [Metric::TotalPaid];
    let swings = sens::default_swings();
    let found = sens::sensitivity(&many, &terms(), &swings, &metrics).unwrap();
    // Too many scenarios for charts, as for the chart files.
    let figures = html::sensitivity_figures(&names, &found, &metrics, &terms(), &shown()).unwrap();
    assert!(figures.is_empty());
    let raw = html::report(&Report {
        command: "sensitivity",
        terms: &terms(),
        shown: &shown(),
        results: &[],
        compare: None,
        sensitivity: Some(SensitivityParts {
            names: &names,
            found: &found,
            metrics: &metrics,
            swings: &swings,
            figures: &figures,
        }),
        distributions: None,
        figures: &[],
        no_figures: None,
        inputs: &[],
        command_line: "revcap sensitivity --report",
        date: None,
    })
    .unwrap();
    let doc = Html::parse_document(&raw);
    assert_eq!(select(&doc, "section.scenario").len(), html::MAX_SECTIONS);
    let more = text(&select(&doc, "#sensitivity-more")[0]);
    assert!(more.contains(&format!("first {} of {}", html::MAX_SECTIONS, many.len())));
    let section = text(&select(&doc, "#sensitivity")[0]);
    assert!(
        section.contains("no charts drawn: 53 scenarios"),
        "{section}"
    );
    assert!(select(&doc, "svg").is_empty());
}

#[test]
fn runs_with_paths_put_their_distributions_in_the_report_and_the_workbook() {
    let w = bundled();
    w.ok_wrote(
        &[
            "run",
            "--paths",
            "200",
            "--volatility",
            "30%",
            "--report",
            "--xlsx",
            "--no-charts",
            "--output",
            "mc",
        ],
        7,
        "mc",
    );
    let doc = Html::parse_document(&w.read("mc/report.html"));
    assert_eq!(select(&doc, "#distributions").len(), 1);
    let groups = select(&doc, "section.group");
    assert_eq!(groups.len(), 4);
    assert!(
        text(&groups[1]).starts_with("feb2026: 200 paths"),
        "{}",
        text(&groups[1])
    );
    // --no-charts writes no chart file, but the page still has every distribution
    // chart: a fan and a foregone histogram per group, and the share bound by date.
    assert_eq!(select(&doc, "#distributions svg").len(), 4 * 2 + 1);
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(w.path("mc/revcap.xlsx")).unwrap();
    let names = book.sheet_names();
    assert!(names.contains(&"Distributions".to_string()), "{names:?}");
    // A row per line of distribution.csv, under the header.
    let sheet = book.worksheet_range("Distributions").unwrap();
    let lines = w.read("mc/distribution.csv").lines().count();
    assert_eq!(sheet.rows().count(), lines);

    // compare: the same per cap variant.
    w.ok_wrote(
        &[
            "compare",
            "--paths",
            "200",
            "--volatility",
            "30%",
            "--caps",
            "25B:50B:25B",
            "--report",
            "--no-charts",
            "--output",
            "mcc",
        ],
        5,
        "mcc",
    );
    let doc = Html::parse_document(&w.read("mcc/report.html"));
    assert_eq!(select(&doc, "#distributions").len(), 1);
    assert_eq!(select(&doc, "section.group").len(), 4 * 2);
}
