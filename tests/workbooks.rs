//! Workbooks as scenario files (docs/spec.md §2.7): the bundled scenarios saved as
//! `.xlsx` (written here with rust_xlsxwriter) and `.ods` (a minimal OpenDocument zip
//! written here by hand) give exactly the outputs of the CSV files; sheets are chosen
//! by `FILE:SHEET` and `--sheet`; every problem names its sheet and cell; hostile
//! workbooks get clear errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::io::Write;
use std::path::Path;

use common::{wrote, Workdir};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

/// One cell of a sheet made here.
#[derive(Clone, Debug)]
enum Cell {
    Text(String),
    Number(f64),
    /// A date cell (year, month, day).
    Date(u16, u8, u8),
    /// A formula and its cached result.
    Formula(String, String),
    Empty,
}

use Cell::*;

fn t(s: &str) -> Cell {
    Text(s.to_string())
}

type Sheet = (String, Vec<Vec<Cell>>, bool);

fn sheet(name: &str, rows: Vec<Vec<Cell>>) -> Sheet {
    (name.to_string(), rows, false)
}

/// A CSV file's cells, as someone who typed it into a spreadsheet would have them:
/// plain numbers (the years) as numbers, and, with `amounts`, `3.7B` as the number
/// 3700000000 too; anything else as text.
fn cells_of(csv_text: &str, amounts: bool) -> Vec<Vec<Cell>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    rdr.records()
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|c| {
                    if let Ok(n) = c.parse::<f64>() {
                        return Number(n);
                    }
                    if amounts {
                        if let Some(b) = c.strip_suffix('B') {
                            if let Ok(n) = format!("{b}e9").parse::<f64>() {
                                return Number(n);
                            }
                        }
                    }
                    if c.is_empty() {
                        Empty
                    } else {
                        t(c)
                    }
                })
                .collect()
        })
        .collect()
}

/// An `.xlsx` workbook of `sheets` (name, rows, hidden).
fn xlsx(sheets: &[Sheet]) -> Vec<u8> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut active = false;
    for (name, rows, hidden) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(name).unwrap();
        if *hidden {
            ws.set_hidden(true);
        } else if !active {
            // A hidden sheet cannot be the one a workbook opens on.
            ws.set_active(true);
            active = true;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Text(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    Number(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    Date(y, m, d) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
                    }
                    Formula(f, result) => {
                        ws.write_formula(r, c, Formula::new(f).set_result(result))
                            .unwrap();
                    }
                    Empty => {}
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A minimal `.ods` workbook of `sheets`: the mimetype, a manifest and content.xml,
/// as OpenDocument requires and LibreOffice writes them.
fn ods(sheets: &[Sheet]) -> Vec<u8> {
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table-ooo="http://openoffice.org/2009/table" office:version="1.2"><office:body><office:spreadsheet>"#,
    );
    for (name, rows, hidden) in sheets {
        let _ = hidden; // ODS hides a sheet through its style; not needed here.
        content.push_str(&format!(
            r#"<table:table table:name="{}">"#,
            xml_escape(name)
        ));
        for row in rows {
            content.push_str("<table:table-row>");
            for cell in row {
                content.push_str(&match cell {
                    Text(s) => format!(
                        r#"<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
                        xml_escape(s)
                    ),
                    Number(n) => format!(
                        r#"<table:table-cell office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>"#
                    ),
                    Date(y, m, d) => format!(
                        r#"<table:table-cell office:value-type="date" office:date-value="{y:04}-{m:02}-{d:02}"><text:p>{y:04}-{m:02}-{d:02}</text:p></table:table-cell>"#
                    ),
                    Formula(f, result) => format!(
                        r#"<table:table-cell table:formula="of:={}" office:value-type="string" office:string-value="{}"><text:p>{}</text:p></table:table-cell>"#,
                        xml_escape(f),
                        xml_escape(result),
                        xml_escape(result)
                    ),
                    Empty => "<table:table-cell/>".to_string(),
                });
            }
            content.push_str("</table:table-row>");
        }
        content.push_str("</table:table>");
    }
    content.push_str("</office:spreadsheet></office:body></office:document-content>");
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("META-INF/manifest.xml", stored).unwrap();
        zip.write_all(manifest.as_bytes()).unwrap();
        zip.start_file("content.xml", stored).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
        zip.finish().unwrap();
    }
    buf.into_inner()
}

const BUNDLED: [&str; 4] = ["apr2025", "feb2026", "hsbc", "sep2025"];

fn bundled(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.csv"));
    std::fs::read_to_string(p).unwrap()
}

/// A folder `dir` with the bundled scenarios as `ext` files (made by `make` from each
/// CSV file's cells) and the bundled terms.toml.
fn bundled_folder(w: &Workdir, dir: &str, ext: &str, make: &dyn Fn(&str) -> Vec<u8>) {
    for name in BUNDLED {
        w.write(&format!("{dir}/{name}.{ext}"), make(&bundled(name)));
    }
    let terms = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/terms.toml");
    w.write(&format!("{dir}/terms.toml"), std::fs::read(terms).unwrap());
}

/// The ledger (`run --format csv --no-files`) and summary.csv of a folder.
fn outputs(w: &Workdir, dir: &str) -> (String, String) {
    // CSV on stdout: stderr names the folder's terms.
    let ledger = w.ok_warned(
        &["run", dir, "--format", "csv", "--no-files"],
        &format!(
            "note: terms from {dir}/terms.toml (in the input folder; --terms FILE to use others)\n"
        ),
    );
    let out = format!("out-{dir}");
    w.ok_wrote(&["run", dir, "--output", &out, "--no-charts"], 3, &out);
    (ledger, w.read(&format!("{out}/summary.csv")))
}

#[test]
fn bundled_scenarios_as_workbooks_give_the_csv_outputs() {
    let w = Workdir::new();
    bundled_folder(&w, "csv", "csv", &|text| text.as_bytes().to_vec());
    bundled_folder(&w, "xlsx", "xlsx", &|text| {
        xlsx(&[sheet("Sheet1", cells_of(text, false))])
    });
    bundled_folder(&w, "xlsx-numbers", "xlsx", &|text| {
        xlsx(&[sheet("Sheet1", cells_of(text, true))])
    });
    bundled_folder(&w, "ods", "ods", &|text| {
        ods(&[sheet("Sheet1", cells_of(text, false))])
    });
    bundled_folder(&w, "ods-numbers", "ods", &|text| {
        ods(&[sheet("Sheet1", cells_of(text, true))])
    });
    let (ledger, summary) = outputs(&w, "csv");
    assert!(ledger.lines().count() > 20, "{ledger}");
    for dir in ["xlsx", "xlsx-numbers", "ods", "ods-numbers"] {
        let (l, s) = outputs(&w, dir);
        assert_eq!(l, ledger, "ledger of {dir}");
        assert_eq!(s, summary, "summary.csv of {dir}");
    }
}

/// Runs `args` on `csv` and on `book` (a workbook of the same scenarios), expects
/// success from both, and the same stdout and stderr (the file names aside).
fn same_as_csv(w: &Workdir, csv: &str, book: &str, args: &[&str]) -> String {
    let run = |file: &str| {
        let mut all = vec!["run", file, "--format", "csv", "--no-files"];
        all.extend(args);
        let out = w.cmd(&all).assert().success().get_output().clone();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (want, want_err) = run(csv);
    let (got, got_err) = run(book);
    assert_eq!(got, want, "stdout of {book}");
    let stem = |f: &str| {
        Path::new(f)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    };
    let book_file = book.split(':').next().unwrap();
    assert_eq!(
        got_err.replace(book_file, csv).replace(
            &format!("\"{}\"", stem(book_file)),
            &format!("\"{}\"", stem(csv))
        ),
        want_err,
        "stderr of {book}"
    );
    want
}

/// A long sheet of two years for scenario file `name`.
fn two_years(revenue: Cell) -> Vec<Vec<Cell>> {
    vec![
        vec![t("period"), t("revenue")],
        vec![Number(2026.0), Number(30e9)],
        vec![Number(2027.0), revenue],
    ]
}

const TWO_YEARS_CSV: &str = "period,revenue\n2026,30B\n2027,62B\n";

#[test]
fn a_sheet_is_chosen_by_name_and_the_first_visible_by_default() {
    let w = Workdir::new();
    w.write("plain.csv", TWO_YEARS_CSV);
    let through = ["--through", "2027-12-31"];
    let want = w.ok(&[
        "run",
        "plain.csv",
        "--format",
        "csv",
        "--no-files",
        "--through",
        "2027-12-31",
    ]);
    let mut hidden = sheet("Old", vec![vec![t("nothing here")]]);
    hidden.2 = true;
    w.write(
        "plain.xlsx",
        xlsx(&[
            hidden,
            sheet("Revenue", two_years(Number(62e9))),
            sheet(
                "Other",
                vec![
                    vec![t("period"), t("revenue")],
                    vec![Number(2026.0), t("1B")],
                ],
            ),
        ]),
    );
    // The first visible sheet, with a note naming the others.
    let got = w.ok_warned(
        &["run", "plain.xlsx", "--format", "csv", "--no-files", "--through", "2027-12-31"],
        "note: plain.xlsx: read its first sheet, \"Revenue\", of 2 (\"Revenue\", \"Other\"); name another with plain.xlsx:SHEET or --sheet\n",
    );
    assert_eq!(got, want);
    // Named by FILE:SHEET or --sheet: no note.
    assert_eq!(
        same_as_csv(&w, "plain.csv", "plain.xlsx:Revenue", &through),
        want
    );
    assert_eq!(
        same_as_csv(
            &w,
            "plain.csv",
            "plain.xlsx",
            &["--sheet", "Revenue", "--through", "2027-12-31"]
        ),
        want
    );
    // A hidden sheet is read when named.
    assert_eq!(
        w.fails(&["run", "plain.xlsx:Old", "--no-files"], 1),
        "error: plain.xlsx: sheet Old, row 1: \"nothing here\" looks like a title: the first row must be the header; remove the title row above it\n"
    );
    assert_eq!(
        w.fails(&["run", "plain.xlsx", "--sheet", "Nope", "--no-files"], 1),
        "error: plain.xlsx: has no sheet \"Nope\" (its sheets: \"Old\" (hidden), \"Revenue\", \"Other\")\n"
    );
}

#[test]
fn folders_read_workbooks_beside_csv_files_and_skip_excel_lock_files() {
    let w = Workdir::new();
    w.write("sc/a.csv", TWO_YEARS_CSV);
    w.write("sc/b.xlsx", xlsx(&[sheet("S", two_years(Number(62e9)))]));
    w.write("sc/c.ods", ods(&[sheet("S", two_years(Number(62e9)))]));
    w.write("sc/~$b.xlsx", b"owner lock");
    let out = w.ok_warned(
        &[
            "run",
            "sc",
            "--format",
            "csv",
            "--no-files",
            "--through",
            "2027-12-31",
        ],
        "warning: sc/~$b.xlsx: skipped: an Excel lock file (its workbook is open in Excel)\n",
    );
    let a: Vec<&str> = out.lines().filter(|l| l.starts_with("a,")).collect();
    let b: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with("b,"))
        .map(|l| l.replacen("b,", "a,", 1))
        .collect();
    let c: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with("c,"))
        .map(|l| l.replacen("c,", "a,", 1))
        .collect();
    assert_eq!(a.len(), 2);
    assert_eq!(a, b);
    assert_eq!(a, c);
}

#[test]
fn wide_sheets_and_date_cells_read_like_csv() {
    let w = Workdir::new();
    w.write(
        "wide.csv",
        "period,Base,Bull\n2026-03-31,10B,12B\n2026-06-30,11B,14B\n2026-09-30,12B,16B\n2026-12-31,13B,18B\n",
    );
    let rows = vec![
        vec![t("period"), t("Base"), t("Bull")],
        vec![Date(2026, 3, 31), Number(10e9), Number(12e9)],
        vec![Date(2026, 6, 30), Number(11e9), Number(14e9)],
        vec![Date(2026, 9, 30), Number(12e9), Number(16e9)],
        vec![Date(2026, 12, 31), Number(13e9), Number(18e9)],
    ];
    w.write("wide.xlsx", xlsx(&[sheet("Q", rows.clone())]));
    w.write("wide.ods", ods(&[sheet("Q", rows)]));
    let want = same_as_csv(&w, "wide.csv", "wide.xlsx", &[]);
    same_as_csv(&w, "wide.csv", "wide.ods", &[]);
    assert!(want.contains("Base,2026Q1,"), "{want}");
}

#[test]
fn a_sheet_may_start_anywhere() {
    let w = Workdir::new();
    w.write("plain.csv", TWO_YEARS_CSV);
    let rows: Vec<Vec<Cell>> = std::iter::repeat_n(Vec::new(), 3)
        .chain(two_years(Number(62e9)).into_iter().map(|r| {
            let mut r2 = vec![Empty, Empty];
            r2.extend(r);
            r2
        }))
        .collect();
    w.write("plain.xlsx", xlsx(&[sheet("S", rows.clone())]));
    same_as_csv(&w, "plain.csv", "plain.xlsx", &[]);
    // And its problems name the cell where it is.
    let mut bad = rows;
    bad[5][3] = t("62 billion");
    w.write("bad.xlsx", xlsx(&[sheet("S", bad)]));
    let err = w.fails(&["run", "bad.xlsx", "--no-files"], 1);
    assert!(
        err.starts_with("error: bad.xlsx: sheet S, cell D6: \"62 billion\" "),
        "{err}"
    );
}

#[test]
fn numbers_are_read_through_their_shortest_decimal_and_text_like_csv() {
    let w = Workdir::new();
    // 0.1 + 0.2 in a spreadsheet is the float 0.30000000000000004, read as exactly
    // that decimal; 1.1 is read as 1.1, not its binary expansion.
    w.write(
        "f.xlsx",
        xlsx(&[sheet(
            "S",
            vec![
                vec![t("period"), t("revenue")],
                vec![Number(2026.0), Number(1.1)],
                vec![t("2027"), t("2,5B")],
            ],
        )]),
    );
    let err = w.fails(&["run", "f.xlsx", "--no-files"], 1);
    assert!(
        err.starts_with("error: f.xlsx: sheet S, cell B3: \"2,5B\" "),
        "{err}"
    );
    w.write(
        "g.xlsx",
        xlsx(&[sheet(
            "S",
            vec![
                vec![t("period"), t("revenue")],
                vec![Number(2026.0), Number(1.1)],
                vec![t("2027"), Number(0.1 + 0.2)],
            ],
        )]),
    );
    let out = w.ok(&[
        "run",
        "g.xlsx",
        "--format",
        "csv",
        "--no-files",
        "--through",
        "2027-12-31",
    ]);
    assert!(out.contains("g,2026,2026-01-01,2026-12-31,1.1,"), "{out}");
    assert!(out.contains(",0.30000000000000004,"), "{out}");
}

#[test]
fn a_formula_error_cell_is_named() {
    let w = Workdir::new();
    w.write(
        "e.xlsx",
        xlsx(&[sheet(
            "Revenue",
            vec![
                vec![t("period"), t("revenue")],
                vec![Number(2026.0), Formula("1/0".into(), "#DIV/0!".into())],
                vec![Number(2027.0), Formula("2*31".into(), "62".into())],
            ],
        )]),
    );
    assert_eq!(
        w.fails(&["run", "e.xlsx", "--no-files"], 1),
        "error: e.xlsx: sheet Revenue, cell B2: \"#DIV/0!\" is a spreadsheet error value, not a number (fix the formula or write 0)\n"
    );
}

/// A formula whose value was never saved (a workbook written by a script, never
/// opened in a spreadsheet) is an error at its cell, in `.xlsx` and `.ods`: read as
/// empty, the last rows of a wide sheet would be taken for where its data ends.
#[test]
fn a_formula_with_no_saved_value_is_an_error() {
    let w = Workdir::new();
    let rows = vec![
        vec![t("period"), t("base"), t("bull")],
        vec![Number(2026.0), Number(30e9), Number(40e9)],
        vec![Number(2027.0), Number(62e9), Number(80e9)],
        vec![
            Number(2028.0),
            Formula("B3*1.6".into(), "99200000000".into()),
            Number(100e9),
        ],
    ];
    // rust_xlsxwriter always saves a value: the one of B4 is taken out of the XML.
    let book = xlsx(&[sheet("Wide", rows.clone())]);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let part = "xl/worksheets/sheet1.xml";
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(part).unwrap(), &mut xml).unwrap();
    let saved = xml.clone();
    let start = xml.find("<v>99200000000</v>").unwrap();
    xml.replace_range(start..start + "<v>99200000000</v>".len(), "");
    w.write("saved.xlsx", rezip(&mut zip, part, saved.as_bytes()));
    w.write("unsaved.xlsx", rezip(&mut zip, part, xml.as_bytes()));
    let args = |f: &'static str| ["validate", f, "--through", "2028-12-31"];
    assert_eq!(w.ok(&args("saved.xlsx")), "ok: 2 scenarios in 1 file\n");
    let message = "is a formula with no saved value (the file was written by a program that does not compute formulas: open it in a spreadsheet and save it, or write the values)";
    assert_eq!(
        w.fails(&args("unsaved.xlsx"), 1),
        format!("error: unsaved.xlsx: sheet Wide, cell B4: {message}\n1 problem in 1 file\n")
    );
    // In .ods: a table:formula with no office:value.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(ods(&[sheet("Wide", rows)]))).unwrap();
    let mut doc = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("content.xml").unwrap(), &mut doc).unwrap();
    let cached = r#" office:value-type="string" office:string-value="99200000000"><text:p>99200000000</text:p></table:table-cell>"#;
    assert!(doc.contains(cached));
    doc = doc.replace(cached, "/>");
    w.write(
        "unsaved.ods",
        rezip(&mut zip, "content.xml", doc.as_bytes()),
    );
    assert_eq!(
        w.fails(&args("unsaved.ods"), 1),
        format!("error: unsaved.ods: sheet Wide, cell B4: {message}\n1 problem in 1 file\n")
    );
}

/// A workbook named `.csv`, or piped in, is read as text: said to be a workbook at
/// once, rather than refused at its first cell shown as binary.
#[test]
fn a_workbook_read_as_text_is_named() {
    let w = Workdir::new();
    let book = xlsx(&[sheet("S", two_years(Number(30e9)))]);
    w.write("book.csv", &book);
    let message = "looks like a workbook (a zip file, as .xlsx and .ods files are), not CSV text: give it as a file named for what it is (revcap reads a workbook by its extension: .xlsx, .xlsm, .xls or .ods), or export the sheet as CSV";
    assert_eq!(
        w.fails(&["run", "book.csv", "--no-files"], 1),
        format!("error: book.csv: {message}\n")
    );
    let out = w
        .cmd(&["validate", "-"])
        .write_stdin(book)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("error: -: {message}\n1 problem in 1 file\n")
    );
}

/// A row with more cells than the header has names, in a sheet, comes of a header cell
/// merged across columns, and is said in a sheet's words, not a CSV file's commas.
#[test]
fn a_merged_header_cell_is_named_as_such() {
    let w = Workdir::new();
    w.write(
        "m.xlsx",
        xlsx(&[sheet(
            "S",
            vec![
                vec![t("period"), t("Scenarios")],
                vec![Number(2026.0), Number(30e9), Number(40e9), Number(50e9)],
            ],
        )]),
    );
    let err = w.fails(&["run", "m.xlsx", "--no-files"], 1);
    assert!(
        err.contains("error: m.xlsx: sheet S, row 2: has 4 cells, but the header has 2 (a header cell merged across columns? give every column its own name in the header row)\n"),
        "{err}"
    );
}

#[test]
fn hostile_workbooks_get_clear_errors() {
    let w = Workdir::new();
    w.write("text.xlsx", TWO_YEARS_CSV);
    assert_eq!(
        w.fails(&["run", "text.xlsx", "--no-files"], 1),
        "error: text.xlsx: is not a workbook (an .xlsx workbook is a zip archive; it looks like text: a CSV file with a workbook's name? rename it .csv)\n"
    );
    w.write("empty.ods", b"");
    assert_eq!(
        w.fails(&["run", "empty.ods", "--no-files"], 1),
        "error: empty.ods: is not a workbook (an .ods workbook is a zip archive; it is empty)\n"
    );
    w.write("junk.xls", [0u8, 1, 2, 3, 200, 201, 7, 8, 9]);
    assert_eq!(
        w.fails(&["run", "junk.xls", "--no-files"], 1),
        "error: junk.xls: is not a workbook (an .xls workbook is an OLE compound file; its first bytes are not OLE's)\n"
    );
    // A zip that is cut short.
    let whole = xlsx(&[sheet("S", two_years(Number(62e9)))]);
    w.write("cut.xlsx", &whole[..whole.len() / 2]);
    let err = w.fails(&["run", "cut.xlsx", "--no-files"], 1);
    assert!(
        err.starts_with(
            "error: cut.xlsx: is not a readable workbook (its zip archive is damaged: "
        ),
        "{err}"
    );
    // A zip of the right parts but no workbook in it.
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        zip.start_file("hello.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"hi").unwrap();
        zip.finish().unwrap();
    }
    w.write("zip.xlsx", buf.into_inner());
    let err = w.fails(&["run", "zip.xlsx", "--no-files"], 1);
    assert!(
        err.starts_with("error: zip.xlsx: is not a readable workbook: "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_merged_title_above_the_header_is_an_error_naming_the_row() {
    let w = Workdir::new();
    let mut book = Workbook::new();
    let ws = book.add_worksheet().set_name("Plan").unwrap();
    ws.merge_range(0, 0, 0, 1, "OpenAI revenue plan", &Format::new())
        .unwrap();
    ws.write_string(1, 0, "period").unwrap();
    ws.write_string(1, 1, "revenue").unwrap();
    ws.write_number(2, 0, 2026).unwrap();
    ws.write_number(2, 1, 30e9).unwrap();
    w.write("merged.xlsx", book.save_to_buffer().unwrap());
    assert_eq!(
        w.fails(&["run", "merged.xlsx", "--no-files"], 1),
        "error: merged.xlsx: sheet Plan, row 1: \"OpenAI revenue plan\" looks like a title: the first row must be the header; remove the title row above it\n"
    );
}

#[test]
fn a_sheet_of_a_million_rows_is_read_within_the_limits() {
    // 1,048,576 rows (Excel's most) of one scenario's months: read, and refused only
    // as the CSV path refuses so many periods (the term's months), never a hang.
    let w = Workdir::new();
    let mut book = Workbook::new();
    let ws = book.add_worksheet().set_name("Big").unwrap();
    ws.write_string(0, 0, "period").unwrap();
    ws.write_string(0, 1, "revenue").unwrap();
    ws.write_string(1_048_575, 0, "2026").unwrap();
    ws.write_number(1_048_575, 1, 1e9).unwrap();
    w.write("big.xlsx", book.save_to_buffer().unwrap());
    let out = w.ok(&[
        "run",
        "big.xlsx",
        "--format",
        "csv",
        "--no-files",
        "--through",
        "2026-12-31",
    ]);
    assert!(out.contains("big,2026,"), "{out}");
    // A cell in the last column and row with one in A1: never a dense grid.
    let mut book = Workbook::new();
    let ws = book.add_worksheet().set_name("Far").unwrap();
    ws.write_string(0, 0, "period").unwrap();
    ws.write_string(0, 1, "revenue").unwrap();
    ws.write_number(1, 0, 2026).unwrap();
    ws.write_number(1, 1, 1e9).unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    w.write("far.xlsx", book.save_to_buffer().unwrap());
    let err = w.fails(&["run", "far.xlsx", "--no-files"], 1);
    assert!(
        err.starts_with("error: far.xlsx: sheet Far, row 1048576"),
        "{err}"
    );
}

#[test]
fn validate_reads_workbooks_and_names_cells() {
    let w = Workdir::new();
    w.write(
        "v.xlsx",
        xlsx(&[sheet(
            "Revenue",
            vec![
                vec![t("period"), t("revenue")],
                vec![Number(2026.0), Number(30e9)],
                vec![Number(2026.0), t("oops")],
                vec![t("2028"), Number(1e9)],
            ],
        )]),
    );
    let out = w
        .cmd(&["validate", "v.xlsx"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("v.xlsx: sheet Revenue, cell B3: \"oops\" "),
        "{err}"
    );
    let _ = wrote(1, "x");
}

#[test]
fn an_ods_sheet_whose_repeats_make_a_huge_grid_is_refused_before_it_is_built() {
    // Six thousand rows of 16,384 filled cells, in a few hundred bytes of XML:
    // calamine would build 98 million cells (gigabytes).
    let w = Workdir::new();
    let cell = r#"<table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>"#;
    let huge = ods(&[sheet("S", vec![vec![t("period"), t("revenue")]])]);
    // The same sheet with a repeated row added by hand (the helper writes cells one
    // by one).
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(huge)).unwrap();
    let mut content = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("content.xml").unwrap(), &mut content).unwrap();
    let content = content.replace(
        "</table:table>",
        &format!(r#"<table:table-row table:number-rows-repeated="6000">{cell}</table:table-row></table:table>"#),
    );
    w.write(
        "rep.ods",
        rezip(&mut zip, "content.xml", content.as_bytes()),
    );
    assert_eq!(
        w.fails(&["run", "rep.ods", "--no-files"], 1),
        "error: rep.ods: has a sheet, \"S\", of 6001 rows by 16384 columns to its last cell (98320384 cells; revcap reads .ods sheets of at most 10000000: save it as .xlsx or CSV, or clear the far cells)\n"
    );
}

/// `zip`'s parts, stored, with part `name` replaced by `with`.
fn rezip<R: std::io::Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    with: &[u8],
) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut out = zip::ZipWriter::new(&mut buf);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for i in 0..zip.len() {
            let mut part = zip.by_index(i).unwrap();
            let part_name = part.name().unwrap().to_string();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut part, &mut bytes).unwrap();
            out.start_file(part_name.as_str(), stored).unwrap();
            out.write_all(if part_name == name { with } else { &bytes })
                .unwrap();
        }
        out.finish().unwrap();
    }
    buf.into_inner()
}

/// A small, deterministic generator for the fuzz loop (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Mutates `bytes` a few times: flips, sets interesting bytes, deletes, duplicates
/// or truncates.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    const INTERESTING: &[u8] = b"<>\"'&=/:0123456789-.eE#\n\r\t \0\xff";
    for _ in 0..=rng.below(4) {
        if bytes.is_empty() {
            bytes.push(b'<');
        }
        let at = rng.below(bytes.len());
        match rng.below(6) {
            0 => bytes[at] ^= 1 << rng.below(8),
            1 => bytes[at] = INTERESTING[rng.below(INTERESTING.len())],
            2 => {
                let end = (at + rng.below(64)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(64)).min(bytes.len());
                let piece = bytes[at..end].to_vec();
                let to = rng.below(bytes.len());
                bytes.splice(to..to, piece);
            }
            4 => bytes.truncate(at),
            _ => {
                // A digit run made long: repeats and positions past every limit.
                let digits = b"99999999999999999999";
                bytes.splice(at..at, digits[..rng.below(digits.len())].iter().copied());
            }
        }
    }
}

/// The fuzz loop of fuzz/README.md: fixture workbooks mutated (the zip's bytes, or
/// one XML part's text re-zipped so the mutation gets past the zip's checksums) and
/// read in-process, for `REVCAP_FUZZ_SECS` seconds (a couple of seconds by default,
/// so every `cargo test` runs a few hundred cases). Any panic fails it, with the
/// input saved in the temporary folder named by the message.
#[test]
fn fuzz_the_workbook_reader() {
    let secs: u64 = std::env::var("REVCAP_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let seed: u64 = std::env::var("REVCAP_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234_abcd_ef01);
    let w = Workdir::new();
    let wide = vec![
        vec![t("period"), t("Base"), t("Bull")],
        vec![Date(2026, 3, 31), Number(10e9), t("12B")],
        vec![
            Date(2026, 6, 30),
            Formula("1/0".into(), "#DIV/0!".into()),
            Number(14e9),
        ],
    ];
    let long = cells_of(&bundled("feb2026"), true);
    let seeds: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "xlsx",
            xlsx(&[sheet("Long", long.clone()), sheet("Wide", wide.clone())]),
            "xl/worksheets/sheet1.xml",
        ),
        (
            "xlsx",
            xlsx(&[sheet("Wide", wide.clone())]),
            "xl/sharedStrings.xml",
        ),
        (
            "xlsx",
            xlsx(&[sheet("Wide", wide.clone())]),
            "xl/workbook.xml",
        ),
        (
            "ods",
            ods(&[sheet("Long", long), sheet("Wide", wide)]),
            "content.xml",
        ),
    ];
    let mut rng = Rng(seed);
    // A hang cannot be caught in-process: a watchdog ends the run when one case takes
    // a minute, naming the input (left in the temporary folder).
    let done = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    {
        let done = std::sync::Arc::clone(&done);
        let folder = w.path("");
        std::thread::spawn(move || {
            let mut last = (u64::MAX, std::time::Instant::now());
            loop {
                std::thread::sleep(std::time::Duration::from_secs(1));
                let now = done.load(std::sync::atomic::Ordering::Relaxed);
                if now == u64::MAX {
                    return;
                }
                if now != last.0 {
                    last = (now, std::time::Instant::now());
                } else if last.1.elapsed().as_secs() > 60 {
                    eprintln!(
                        "fuzz: case {now} hangs: its input is {}case.*",
                        folder.display()
                    );
                    std::process::abort();
                }
            }
        });
    }
    let start = std::time::Instant::now();
    let mut cases = 0u64;
    let mut read = 0u64;
    while start.elapsed().as_secs() < secs || cases < 50 {
        let (ext, bytes, part) = &seeds[rng.below(seeds.len())];
        let mutated = if rng.below(3) == 0 {
            let mut b = bytes.clone();
            mutate(&mut rng, &mut b);
            b
        } else {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
            let mut text = Vec::new();
            std::io::Read::read_to_end(&mut zip.by_name(part).unwrap(), &mut text).unwrap();
            mutate(&mut rng, &mut text);
            rezip(&mut zip, part, &text)
        };
        let path = w.path(&format!("case.{ext}"));
        std::fs::write(&path, &mutated).unwrap();
        let input = revcap::config::Input::File(path.clone(), Default::default(), None);
        let outcome = std::panic::catch_unwind(|| {
            revcap::load::open(&input)
                .and_then(|l| l.into_scenarios())
                .is_ok()
        });
        match outcome {
            Ok(ok) => read += u64::from(ok),
            Err(_) => {
                let keep = w.path(&format!("panic-{cases}.{ext}"));
                std::fs::write(&keep, &mutated).unwrap();
                panic!("the workbook reader panicked on {}", keep.display());
            }
        }
        cases += 1;
        done.store(cases, std::sync::atomic::Ordering::Relaxed);
    }
    done.store(u64::MAX, std::sync::atomic::Ordering::Relaxed);
    eprintln!(
        "fuzz: {cases} cases in {:?}, {read} read as scenarios",
        start.elapsed()
    );
    assert!(cases >= 50);
}

// ------------------------------------------------------------ committed fixtures

const FIXTURES: &str = "tests/fixtures/workbooks";

/// The workbooks committed under tests/fixtures/workbooks/ (for README and `--help`
/// examples and tests/hostile.rs), made here: `REVCAP_WRITE_FIXTURES=1 cargo test
/// --test workbooks committed_fixtures` writes them again.
fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
    let long = cells_of(&bundled("feb2026"), true);
    let hsbc = cells_of(&bundled("hsbc"), true);
    // The wide sheet: each year's end as a date cell, a column per scenario.
    let mut wide = vec![vec![t("period"), t("feb2026"), t("hsbc")]];
    for (a, b) in long.iter().zip(&hsbc).skip(1) {
        let Number(year) = a[0] else { panic!("a year") };
        wide.push(vec![Date(year as u16, 12, 31), a[1].clone(), b[1].clone()]);
    }
    let errors = vec![
        vec![t("period"), t("revenue")],
        vec![Number(2026.0), Number(30e9)],
        vec![Number(2027.0), Formula("62E9/0".into(), "#DIV/0!".into())],
    ];
    let mut repeats = {
        let book = ods(&[sheet("S", vec![vec![t("period"), t("revenue")]])]);
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
        let mut content = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("content.xml").unwrap(), &mut content)
            .unwrap();
        let cell = r#"<table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>"#;
        let content = content.replace(
            "</table:table>",
            &format!(r#"<table:table-row table:number-rows-repeated="6000">{cell}</table:table-row></table:table>"#),
        );
        rezip(&mut zip, "content.xml", content.as_bytes())
    };
    repeats.shrink_to_fit();
    vec![
        ("feb2026.xlsx", xlsx(&[sheet("Revenue", long.clone())])),
        ("feb2026.ods", ods(&[sheet("Revenue", long.clone())])),
        (
            "plan.xlsx",
            xlsx(&[sheet("Long", long), sheet("Wide", wide)]),
        ),
        ("errors.xlsx", xlsx(&[sheet("Revenue", errors)])),
        ("repeats.ods", repeats),
    ]
}

#[test]
fn committed_fixtures_are_those_made_here_and_read_as_their_csv() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES);
    if std::env::var_os("REVCAP_WRITE_FIXTURES").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in fixtures() {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
    }
    for (name, _) in fixtures() {
        let p = dir.join(name);
        let len = std::fs::metadata(&p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .len();
        assert!(len < 16 << 10, "{name} is {len} bytes: keep fixtures small");
    }
    // The long sheets read as the bundled CSV file (a copy named like them, so the
    // scenario is `feb2026` in both).
    let w = Workdir::new();
    w.write("csv/feb2026.csv", bundled("feb2026"));
    for name in ["feb2026.xlsx", "feb2026.ods"] {
        w.write(
            &format!("book/{name}"),
            std::fs::read(dir.join(name)).unwrap(),
        );
        same_as_csv(&w, "csv/feb2026.csv", &format!("book/{name}"), &[]);
    }
    w.write(
        "book/plan.xlsx",
        std::fs::read(dir.join("plan.xlsx")).unwrap(),
    );
    w.cmd(&["run", "book/plan.xlsx:Long", "--no-files"])
        .assert()
        .success();
    // The .xls fixtures, made by make_xls.py beside them (no .xls writer in Rust):
    // numbers, text and, on "Dates", year-end date cells.
    for name in ["feb2026.xls", "feb2026.xls:Dates"] {
        let file = name.split(':').next().unwrap();
        w.write(
            &format!("book/{file}"),
            std::fs::read(dir.join(file)).unwrap(),
        );
        same_as_csv(
            &w,
            "csv/feb2026.csv",
            &format!("book/{name}"),
            &["--sheet", "Revenue"],
        );
    }
    // The wide sheet: both scenarios, as their CSV files give them.
    w.write("csv/hsbc.csv", bundled("hsbc"));
    let wide = w.ok(&[
        "run",
        "book/plan.xlsx:Wide",
        "--format",
        "csv",
        "--no-files",
    ]);
    let apart = w.ok(&[
        "run",
        "csv/feb2026.csv",
        "csv/hsbc.csv",
        "--format",
        "csv",
        "--no-files",
    ]);
    assert_eq!(wide, apart);
}
