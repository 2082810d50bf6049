//! Workbooks as scenario files (docs/spec.md §2.7): one sheet of an `.xlsx`, `.xlsm`,
//! `.xls` or `.ods` file (read with calamine) turned into the CSV text a spreadsheet
//! would export, read by the CSV path itself, and every problem's line and column
//! turned back into the sheet's cell (`sheet Revenue, cell B7`).
//!
//! Going through CSV text means every header, period and number rule is the CSV
//! one, not a second copy: a text cell is exactly a CSV cell; a number cell is
//! written as the shortest decimal that reads back as its binary float (as TOML floats
//! are: `config`), so `0.1` stays `0.1`; a date cell is written `YYYY-MM-DD`, which
//! the CSV rules read as the period that ends that day; an error cell (`#DIV/0!`) is
//! written as its text, which the CSV rules refuse as a spreadsheet error, naming the
//! cell.
//!
//! Hostile files are bounded before calamine sees them: an `.xlsx` or `.ods` is a zip
//! archive, and each of its parts is decompressed once, counting, and refused past the
//! input limit ([`super::MAX_WORKBOOK_BYTES`]), so a zip bomb costs at most that much
//! work; the CSV text is held to the same limit, and the CSV path then applies its own
//! (line length, values, scenarios).

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use calamine::{Data, DataRef, Reader, SheetVisible};

use super::decimal::{DecimalMark, Reading};
use super::delimiter::Delimiter;
use super::Loaded;
use crate::error::{quote, Problem};
use crate::parse::Mark;

/// The extensions read as workbooks, in any case.
pub const EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// Whether `path` is named like a workbook (`.xlsx`, `.xlsm`, `.xls`, `.ods`).
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| EXTENSIONS.iter().any(|e| x.eq_ignore_ascii_case(e)))
}

/// `book.xlsx:Revenue` split into the workbook and the sheet, when `raw` names one so
/// (the part before the colon ends in a workbook extension). Excel forbids `:` in
/// sheet names, so the first colon after the extension is the one.
pub fn split_sheet(raw: &str) -> Option<(&str, &str)> {
    let lower = raw.to_ascii_lowercase();
    EXTENSIONS.iter().find_map(|e| {
        let pattern = format!(".{e}:");
        let at = lower.find(&pattern)? + pattern.len() - 1;
        let (file, sheet) = (raw.get(..at)?, raw.get(at + 1..)?);
        (!sheet.is_empty()).then_some((file, sheet))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Xlsx,
    Xls,
    Ods,
}

impl Kind {
    fn of(path: &Path) -> Kind {
        let ext = path
            .extension()
            .map(|x| x.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("xls") => Kind::Xls,
            Some("ods") => Kind::Ods,
            _ => Kind::Xlsx,
        }
    }
}

/// Reads sheet `sheet` of the workbook at `path` (the first visible sheet when
/// `None`) as a scenario file named `origin`.
pub(super) fn read(
    path: &Path,
    origin: &str,
    stem: &str,
    sheet: Option<&str>,
    reading: Reading,
) -> Result<Loaded, Vec<Problem>> {
    let one = |m: String| vec![Problem::new(origin, m)];
    let mut file = File::open(path).map_err(|e| super::cannot_read(origin, e))?;
    let kind = Kind::of(path);
    check_signature(&mut file, kind).map_err(one)?;
    match kind {
        Kind::Xlsx => {
            let sizes = check_parts(&mut file).map_err(one)?;
            check_shared_strings(&mut file, &sizes).map_err(one)?;
        }
        Kind::Ods => {
            check_parts(&mut file).map_err(one)?;
            check_ods_grids(&mut file).map_err(one)?;
        }
        Kind::Xls => check_xls_dimensions(&mut file).map_err(one)?,
    }
    let file = BufReader::new(file);
    let (text, chosen, note) = guarded(origin, || read_sheet(file, kind, origin, sheet, reading))??;
    let places = text.places(&chosen);
    // Sniffed, as a CSV file's is: the text quotes every cell with a `;`, tab or `|`
    // in it, so the comma always wins, and a header of one cell (a title above the
    // table) gets the CSV rules' message rather than one about `--delimiter`.
    let csv_reading = Reading {
        delimiter: Delimiter::Sniff,
        ..reading
    };
    let mut loaded = super::read_with(text.buf.as_slice(), origin, stem, csv_reading)
        .map_err(|problems| places.all(problems))?;
    loaded.problems = places.all(std::mem::take(&mut loaded.problems));
    loaded.warnings = places.all(std::mem::take(&mut loaded.warnings));
    loaded.note = note;
    loaded.places = Some(places);
    Ok(loaded)
}

/// Runs `f` (calamine's reading), turning a panic in it into a problem of the file
/// rather than a crash: calamine is fuzzed here (fuzz/README.md), but a panic in a
/// dependency must still end as a message naming the file. The panic's own message
/// is not printed.
fn guarded<T>(origin: &str, f: impl FnOnce() -> T) -> Result<T, Vec<Problem>> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    result.map_err(|_| {
        vec![Problem::new(
            origin,
            "is not a readable workbook (the workbook reader failed on it: save it again from a spreadsheet, or as CSV)",
        )]
    })
}

/// The CSV text of the sheet chosen, its name, and the note saying which it is.
type Chosen = (Text, String, Option<String>);

fn read_sheet(
    file: BufReader<File>,
    kind: Kind,
    origin: &str,
    sheet: Option<&str>,
    reading: Reading,
) -> Result<Chosen, Vec<Problem>> {
    let one = |m: String| vec![Problem::new(origin, m)];
    Ok(match kind {
        Kind::Xlsx => {
            let mut book = calamine::Xlsx::new(file).map_err(|e| one(not_read(&e)))?;
            let (name, note) = choose(book.sheets_metadata(), sheet, origin).map_err(one)?;
            let text = xlsx_text(&mut book, &name, reading).map_err(|e| e.at(origin, &name))?;
            (text, name, note)
        }
        Kind::Ods => {
            let mut book = calamine::Ods::new(file).map_err(|e| one(not_read(&e)))?;
            let (name, note) = choose(book.sheets_metadata(), sheet, origin).map_err(one)?;
            // Unlike .xls (always saved by a spreadsheet), an .ods may hold formulas
            // with no value.
            let text = range_text(&mut book, &name, reading, Formulas::Check)
                .map_err(|e| e.at(origin, &name))?;
            (text, name, note)
        }
        Kind::Xls => {
            let mut book = calamine::Xls::new(file).map_err(|e| one(not_read(&e)))?;
            let (name, note) = choose(book.sheets_metadata(), sheet, origin).map_err(one)?;
            let text = range_text(&mut book, &name, reading, Formulas::Trust)
                .map_err(|e| e.at(origin, &name))?;
            (text, name, note)
        }
    })
}

/// The most strings a shared-strings part may claim per byte of it: each takes at
/// least `<si></si>`, 9 bytes. calamine reserves room for the count the part claims
/// before reading a string, so a claim of 10^16 strings in a few bytes would abort.
fn check_shared_strings(file: &mut File, sizes: &[(String, u64)]) -> Result<(), String> {
    use quick_xml::events::Event;
    let result = (|| {
        let Some((name, size)) = sizes
            .iter()
            .find(|(n, _)| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        else {
            return Ok(());
        };
        let mut zip = zip::ZipArchive::new(&mut *file).map_err(|e| not_zip(&e))?;
        let part = zip.by_name(name).map_err(|e| not_zip(&e))?;
        let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
        let mut buf = Vec::new();
        loop {
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                    let claimed = e
                        .attributes()
                        .flatten()
                        .filter(|a| {
                            let k = a.key.local_name();
                            k.as_ref() == "uniqueCount" || k.as_ref() == "count"
                        })
                        .filter_map(|a| a.value.trim().parse::<u128>().ok())
                        .max()
                        .unwrap_or(0);
                    if claimed > u128::from(*size) / 9 + 1 {
                        return Err(format!(
                            "is not a readable workbook (its shared strings claim {claimed} strings in {size} bytes)"
                        ));
                    }
                    return Ok(());
                }
                // calamine reports a part it cannot read.
                Ok(Event::Eof) | Err(_) => return Ok(()),
                Ok(_) => {}
            }
            buf.clear();
        }
    })();
    file.rewind().map_err(|e| format!("cannot read: {e}"))?;
    result
}

/// Refuses an `.xls` whose DIMENSIONS records claim more than [`MAX_GRID_CELLS`]
/// cells, or a last row or column before the first: calamine reserves the claimed
/// grid before reading a cell, and an impossible one underflows. The records are
/// found by their header bytes in the file as it is (a BIFF record's type and
/// length), which finds every one not split across two of the file's sectors; the
/// `guarded` call catches what a split one could still do short of an allocation.
fn check_xls_dimensions(file: &mut File) -> Result<(), String> {
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    file.rewind().map_err(|e| format!("cannot read: {e}"))?;
    let u16_at = |b: &[u8], i: usize| {
        b.get(i..i + 2)
            .and_then(|s| s.try_into().ok())
            .map_or(0, |a: [u8; 2]| u32::from(u16::from_le_bytes(a)))
    };
    let u32_at = |b: &[u8], i: usize| {
        b.get(i..i + 4)
            .and_then(|s| s.try_into().ok())
            .map_or(0, u32::from_le_bytes)
    };
    for (i, w) in bytes.windows(4).enumerate() {
        let [0x00, 0x02, len, 0x00] = *w else {
            continue;
        };
        let data = bytes.get(i + 4..).unwrap_or_default();
        let (rf, rl, cf, cl) = match len {
            10 => (
                u16_at(data, 0),
                u16_at(data, 2),
                u16_at(data, 4),
                u16_at(data, 6),
            ),
            14 | 16 => (
                u32_at(data, 0),
                u32_at(data, 4),
                u16_at(data, 8),
                u16_at(data, 10),
            ),
            _ => continue,
        };
        // As calamine reads them (`parse_dimensions`).
        let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
        if rl == 0 || cl == 0 {
            continue;
        }
        let (rows, cols) = match ((rl - 1).checked_sub(rf), (cl - 1).checked_sub(cf)) {
            (Some(r), Some(c)) => (u64::from(r) + 1, u64::from(c) + 1),
            _ => {
                return Err(
                    "is not a readable workbook (a sheet's dimensions end before they start)"
                        .to_string(),
                )
            }
        };
        let cells = rows.saturating_mul(cols);
        if cells > MAX_GRID_CELLS {
            return Err(format!(
                "has a sheet of {rows} rows by {cols} columns ({cells} cells; revcap reads .xls sheets of at most {MAX_GRID_CELLS}: save it as .xlsx or CSV)"
            ));
        }
    }
    Ok(())
}

/// A problem of the whole sheet (`sheet Revenue: ...`).
fn place_message(origin: &str, sheet: &str, message: String) -> Vec<Problem> {
    let mut p = Problem::new(origin, message);
    p.field = Some(sheet_name(sheet));
    vec![p]
}

/// `sheet Revenue`, or `sheet "Q1 plan"` when the name is more than letters, digits,
/// `_` and `-`.
fn sheet_name(sheet: &str) -> String {
    if !sheet.is_empty()
        && sheet
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        format!("sheet {sheet}")
    } else {
        format!("sheet {}", quote(sheet))
    }
}

/// Refuses a file that is not the format its extension says before calamine reads
/// it (a CSV file saved as `.xlsx`, a truncated download), with a message that says so.
fn check_signature(file: &mut File, kind: Kind) -> Result<(), String> {
    let mut head = [0u8; 8];
    let mut got = 0;
    while got < head.len() {
        match file.read(head.get_mut(got..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("cannot read: {e}")),
        }
    }
    file.rewind().map_err(|e| format!("cannot read: {e}"))?;
    let head = head.get(..got).unwrap_or_default();
    let ok = match kind {
        Kind::Xlsx | Kind::Ods => {
            head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
        }
        Kind::Xls => head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
    };
    if ok {
        return Ok(());
    }
    let (what, saved) = match kind {
        Kind::Xlsx => ("an .xlsx workbook is a zip archive", "zip"),
        Kind::Ods => ("an .ods workbook is a zip archive", "zip"),
        Kind::Xls => ("an .xls workbook is an OLE compound file", "OLE"),
    };
    let hint = if got == 0 {
        "it is empty".to_string()
    } else if looks_like_text(head) {
        "it looks like text: a CSV file with a workbook's name? rename it .csv".to_string()
    } else {
        format!("its first bytes are not {saved}'s")
    };
    Err(format!("is not a workbook ({what}; {hint})"))
}

fn looks_like_text(head: &[u8]) -> bool {
    head.iter()
        .all(|&b| b == b'\t' || b == b'\n' || b == b'\r' || (0x20..0x7f).contains(&b) || b >= 0x80)
}

/// The most parts a workbook's zip may have: a workbook has a few dozen; a zip of
/// millions of entries would cost calamine memory for its directory alone.
const MAX_PARTS: usize = 10_000;

/// Decompresses every part of a zip workbook once, counting, and refuses a part or a
/// whole over [`super::MAX_WORKBOOK_BYTES`] (a zip bomb), before calamine reads a byte of
/// it; the sizes the archive declares are not trusted.
fn check_parts(file: &mut File) -> Result<Vec<(String, u64)>, String> {
    let limit = super::MAX_WORKBOOK_BYTES;
    let result = (|| {
        let mut zip = zip::ZipArchive::new(&mut *file).map_err(|e| not_zip(&e))?;
        if zip.len() > MAX_PARTS {
            return Err(format!(
                "is not a workbook revcap reads: its zip has {} parts (at most {MAX_PARTS})",
                zip.len()
            ));
        }
        let mut total: u64 = 0;
        let mut sizes = Vec::with_capacity(zip.len());
        for i in 0..zip.len() {
            let mut part = zip.by_index(i).map_err(|e| not_zip(&e))?;
            let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
            let left = limit.saturating_sub(total);
            let n = std::io::copy(
                &mut (&mut part).take(left.saturating_add(1)),
                &mut std::io::sink(),
            )
            .map_err(|e| format!("is not a readable workbook: part {}: {e}", quote(&name)))?;
            total = total.saturating_add(n);
            if total > limit {
                return Err(format!(
                    "is too large uncompressed (part {} takes it past 1 GiB; revcap takes at most 1 GiB per file, a workbook's parts counted uncompressed: is it a zip bomb? otherwise save the scenarios as several files)",
                    quote(&name)
                ));
            }
            sizes.push((name, n));
        }
        Ok(sizes)
    })();
    file.rewind().map_err(|e| format!("cannot read: {e}"))?;
    result
}

/// The most cells calamine may build for one `.ods` sheet: it holds a sheet as a
/// grid from A1 to its last cell, so this bounds its memory (about 60 bytes a cell).
pub(super) const MAX_GRID_CELLS: u64 = 10_000_000;

/// The message for a workbook, or its sheet's text, over
/// [`super::MAX_WORKBOOK_BYTES`]; `bytes` is its size when known.
pub(super) fn too_large(bytes: Option<u64>) -> String {
    super::too_large_for(
        bytes,
        super::MAX_WORKBOOK_BYTES,
        "split it into several files, e.g. one per scenario",
    )
}

/// Measures each `.ods` sheet's grid (rows to its last cell with something in it,
/// times columns to its widest such cell, repeats counted) as its XML streams, and
/// refuses one over [`MAX_GRID_CELLS`] before calamine builds it: a few bytes of
/// `number-rows-repeated` and `number-columns-repeated` can stand for billions of
/// cells. Empty cells repeated to the sheet's edge, which LibreOffice writes in every
/// file, cost nothing.
fn check_ods_grids(file: &mut File) -> Result<(), String> {
    use quick_xml::events::Event;
    let result =
        (|| {
            let mut zip = zip::ZipArchive::new(&mut *file).map_err(|e| not_zip(&e))?;
            // No content: calamine says so.
            let Ok(part) = zip.by_name("content.xml") else {
                return Ok(());
            };
            let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
            let mut buf = Vec::new();
            let mut grid = Grid::default();
            // Elements open: calamine loops for ever on a content.xml that ends inside
            // a sheet (found by the fuzz loop of fuzz/README.md), so a cut one is refused.
            let mut open: u64 = 0;
            loop {
                let event = xml
                    .read_event_into(&mut buf)
                    .map_err(|e| format!("is not a readable workbook: content.xml: {e}"))?;
                // A row written `<table:table-row/>` ends where it starts.
                let closed = matches!(event, Event::Empty(_));
                match event {
                    Event::Start(_) => open = open.saturating_add(1),
                    Event::End(_) => open = open.saturating_sub(1),
                    _ => {}
                }
                match event {
                    Event::Start(e) | Event::Empty(e) => {
                        let number = |name: &str| {
                            e.attributes()
                                .flatten()
                                .find(|a| a.key.local_name().as_ref() == name)
                                .and_then(|a| a.value.trim().parse::<u64>().ok())
                                .unwrap_or(1)
                        };
                        let has = |name: &str| {
                            e.attributes()
                                .flatten()
                                .any(|a| a.key.local_name().as_ref() == name)
                        };
                        match e.local_name().as_ref() {
                            "table" => {
                                grid = Grid::default();
                                grid.name = e
                                    .attributes()
                                    .flatten()
                                    .find(|a| a.key.local_name().as_ref() == "name")
                                    .map(|a| a.value.to_string())
                                    .unwrap_or_default();
                            }
                            "table-row" => {
                                grid.row_start(number("number-rows-repeated"));
                                if closed {
                                    grid.row_end();
                                }
                            }
                            "table-cell" | "covered-table-cell" => grid.cell(
                                number("number-columns-repeated"),
                                has("value-type") || has("formula"),
                            ),
                            _ => {}
                        }
                    }
                    Event::End(e) => match e.local_name().as_ref() {
                        "table-row" => grid.row_end(),
                        "table" => grid.check()?,
                        _ => {}
                    },
                    Event::Eof if open > 0 => return Err(
                        "is not a readable workbook (its content.xml is cut short: save it again)"
                            .to_string(),
                    ),
                    Event::Eof => break,
                    _ => {}
                }
                buf.clear();
            }
            Ok(())
        })();
    file.rewind().map_err(|e| format!("cannot read: {e}"))?;
    result
}

/// One `.ods` sheet's grid as its rows stream past.
#[derive(Default)]
struct Grid {
    /// Rows so far, repeats counted.
    rows: u64,
    /// The repeats of the row being read, and its columns so far.
    repeats: u64,
    col: u64,
    /// Where the row being read has its last cell with something in it.
    row_width: u64,
    /// Rows to the last one with something in it, and the widest of those.
    height: u64,
    width: u64,
    /// The sheet's name.
    name: String,
}

impl Grid {
    fn row_start(&mut self, repeats: u64) {
        self.repeats = repeats;
        self.col = 0;
        self.row_width = 0;
    }

    fn cell(&mut self, repeats: u64, filled: bool) {
        self.col = self.col.saturating_add(repeats);
        if filled {
            self.row_width = self.col;
        }
    }

    fn row_end(&mut self) {
        self.rows = self.rows.saturating_add(self.repeats);
        if self.row_width > 0 {
            self.height = self.rows;
            self.width = self.width.max(self.row_width);
        }
        self.repeats = 0;
    }

    fn check(&self) -> Result<(), String> {
        let cells = self.height.saturating_mul(self.width);
        if cells > MAX_GRID_CELLS {
            return Err(format!(
                "has a sheet, {}, of {} rows by {} columns to its last cell ({cells} cells; revcap reads .ods sheets of at most {MAX_GRID_CELLS}: save it as .xlsx or CSV, or clear the far cells)",
                quote(&self.name), self.height, self.width
            ));
        }
        Ok(())
    }
}

fn not_zip(e: &zip::result::ZipError) -> String {
    format!("is not a readable workbook (its zip archive is damaged: {e})")
}

fn not_read(e: &dyn std::fmt::Display) -> String {
    format!("is not a readable workbook: {e}")
}

/// The sheet to read: the one named (`--sheet`, `book.xlsx:SHEET`), or the first
/// visible one, with a note when there are others.
fn choose(
    sheets: &[calamine::Sheet],
    named: Option<&str>,
    origin: &str,
) -> Result<(String, Option<String>), String> {
    let list = |sheets: &[calamine::Sheet]| {
        sheets
            .iter()
            .map(|s| {
                let shown = quote(&s.name);
                match s.visible {
                    SheetVisible::Visible => shown,
                    SheetVisible::Hidden | SheetVisible::VeryHidden => format!("{shown} (hidden)"),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(name) = named {
        return match sheets.iter().find(|s| s.name == name) {
            Some(s) => Ok((s.name.clone(), None)),
            None if sheets.is_empty() => {
                Err(format!("has no sheet {} (it has no sheets)", quote(name)))
            }
            None => Err(format!(
                "has no sheet {} (its sheets: {})",
                quote(name),
                list(sheets)
            )),
        };
    }
    let visible: Vec<&calamine::Sheet> = sheets
        .iter()
        .filter(|s| s.visible == SheetVisible::Visible)
        .collect();
    let Some(first) = visible.first() else {
        return Err(if sheets.is_empty() {
            "has no sheets".to_string()
        } else {
            format!(
                "has no visible sheet (its sheets: {}): name one with {origin}:SHEET or --sheet",
                list(sheets)
            )
        });
    };
    let note = (visible.len() > 1).then(|| {
        format!(
            "{origin}: read its first sheet, {}, of {} ({}); name another with {origin}:SHEET or --sheet",
            quote(&first.name),
            visible.len(),
            visible.iter().map(|s| quote(&s.name)).collect::<Vec<_>>().join(", ")
        )
    });
    Ok((first.name.clone(), note))
}

/// Why a sheet was not read: a problem of the whole sheet, or of one cell.
enum SheetError {
    Sheet(String),
    Cell((u32, u32), String),
}

impl From<String> for SheetError {
    fn from(m: String) -> Self {
        SheetError::Sheet(m)
    }
}

impl SheetError {
    fn at(self, origin: &str, sheet: &str) -> Vec<Problem> {
        match self {
            SheetError::Sheet(m) => place_message(origin, sheet, m),
            SheetError::Cell((row, col), m) => {
                let mut p = Problem::new(origin, m);
                p.field = Some(format!(
                    "{}, cell {}",
                    sheet_name(sheet),
                    cell_name(row, col)
                ));
                vec![p]
            }
        }
    }

    /// A formula whose value was never saved: a program that writes workbooks without
    /// computing them (openpyxl, a script) leaves the value out, and the cell would
    /// otherwise read as empty, which at the end of a wide sheet is where data ends
    /// (`tests/workbooks.rs::a_formula_with_no_saved_value_is_an_error`).
    fn unsaved(at: (u32, u32)) -> SheetError {
        SheetError::Cell(
            at,
            "is a formula with no saved value (the file was written by a program that does not compute formulas: open it in a spreadsheet and save it, or write the values)".into(),
        )
    }
}

/// Whether [`range_text`] looks for formula cells with no saved value.
#[derive(Clone, Copy, PartialEq)]
enum Formulas {
    Check,
    Trust,
}

/// The first formula cell of `formulas` whose cell in `values` holds nothing, as a
/// problem ([`SheetError::unsaved`]).
fn unsaved_formula(
    values: &calamine::Range<Data>,
    formulas: &calamine::Range<String>,
) -> Result<(), SheetError> {
    let (top, left) = formulas.start().unwrap_or((0, 0));
    for (r, c, f) in formulas.used_cells() {
        let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else {
            continue;
        };
        if f.is_empty() {
            continue;
        }
        let at = (top.saturating_add(r), left.saturating_add(c));
        if values
            .get_value(at)
            .is_none_or(|v| matches!(v, Data::Empty))
        {
            return Err(SheetError::unsaved(at));
        }
    }
    Ok(())
}

/// An `.xlsx` sheet, cell by cell as its XML streams (never the whole grid, which a
/// sheet with one cell in A1 and one in XFD1048576 would make 17 billion cells).
fn xlsx_text<RS: Read + Seek>(
    book: &mut calamine::Xlsx<RS>,
    sheet: &str,
    reading: Reading,
) -> Result<Text, SheetError> {
    let mut cells = book
        .worksheet_cells_reader(sheet)
        .map_err(|e| format!("cannot be read: {e}"))?;
    let mut text = Text::new(reading);
    while let Some(cell) = cells
        .next_cell_with_formula_metadata()
        .map_err(|e| format!("cannot be read: {e}"))?
    {
        let (row, col) = cell.pos;
        let value = match &cell.value {
            DataRef::Int(i) => Value::Text(i.to_string()),
            DataRef::Float(f) => Value::Number(*f),
            DataRef::String(s) => Value::Text(s.clone()),
            DataRef::SharedString(s) => Value::Text((*s).to_string()),
            DataRef::Bool(b) => Value::Text(if *b { "TRUE" } else { "FALSE" }.to_string()),
            DataRef::DateTime(d) => date_time(d),
            DataRef::DateTimeIso(s) => Value::Text(iso_date(s)),
            DataRef::DurationIso(s) => Value::Text(s.clone()),
            DataRef::Error(e) => Value::Text(e.to_string()),
            DataRef::Empty if cell.formula.is_some() => {
                return Err(SheetError::unsaved((row, col)))
            }
            DataRef::Empty => continue,
        };
        text.cell(row, col, value)?;
    }
    Ok(text.finish())
}

/// An `.ods` or `.xls` sheet: calamine reads these whole, within its own caps.
fn range_text<RS, R>(
    book: &mut R,
    sheet: &str,
    reading: Reading,
    formulas: Formulas,
) -> Result<Text, SheetError>
where
    RS: Read + Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let range = book
        .worksheet_range(sheet)
        .map_err(|e| format!("cannot be read: {e}"))?;
    if formulas == Formulas::Check {
        if let Ok(f) = book.worksheet_formula(sheet) {
            unsaved_formula(&range, &f)?;
        }
    }
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut text = Text::new(reading);
    for (r, c, data) in range.used_cells() {
        let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else {
            return Err("has more rows or columns than a workbook may"
                .to_string()
                .into());
        };
        let value = match data {
            Data::Int(i) => Value::Text(i.to_string()),
            Data::Float(f) => Value::Number(*f),
            Data::String(s) => Value::Text(s.clone()),
            Data::Bool(b) => Value::Text(if *b { "TRUE" } else { "FALSE" }.to_string()),
            Data::DateTime(d) => date_time(d),
            Data::DateTimeIso(s) => Value::Text(iso_date(s)),
            Data::DurationIso(s) => Value::Text(s.clone()),
            Data::Error(e) => Value::Text(e.to_string()),
            Data::Empty => continue,
        };
        text.cell(top.saturating_add(r), left.saturating_add(c), value)?;
    }
    Ok(text.finish())
}

/// A date cell as `YYYY-MM-DD` (with its time, when it has one, so a date and time
/// is refused as a period rather than read as its day); a duration as its number of
/// days.
fn date_time(d: &calamine::ExcelDateTime) -> Value {
    if d.is_duration() {
        return Value::Number(d.as_f64());
    }
    let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
    if (h, mi, s, ms) == (0, 0, 0, 0) {
        Value::Text(format!("{y:04}-{mo:02}-{day:02}"))
    } else {
        Value::Text(format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}"))
    }
}

/// An ODS date (`2026-12-31T00:00:00`) without a midnight time, as a date cell is.
fn iso_date(s: &str) -> String {
    s.strip_suffix("T00:00:00")
        .or_else(|| s.strip_suffix("T00:00:00.000"))
        .unwrap_or(s)
        .to_string()
}

/// A cell's value as it becomes CSV text.
enum Value {
    Text(String),
    /// A binary float: written as the shortest decimal that reads back as it.
    Number(f64),
}

/// The CSV text of a sheet being built, row by row, and where each of its lines
/// came from.
struct Text {
    buf: Vec<u8>,
    /// The sheet row (1-based) of each CSV line, in order: only rows with a cell are
    /// written, so lines and rows differ.
    rows: Vec<u32>,
    /// Where each record starts in `buf`.
    starts: Vec<usize>,
    /// The row being written and how many fields it has so far.
    row: Option<u32>,
    fields: u32,
    /// The leftmost column with a cell: the columns left of it are not written.
    left: u32,
    comma: bool,
}

impl Text {
    fn new(reading: Reading) -> Text {
        Text {
            buf: Vec::new(),
            rows: Vec::new(),
            starts: Vec::new(),
            row: None,
            fields: 0,
            left: u32::MAX,
            // Numbers are written with the decimal mark the CSV path will read.
            comma: reading.decimal == DecimalMark::Given(Mark::Comma),
        }
    }

    /// Adds the cell at 0-based `row`, `col`; cells come row by row, left to right.
    fn cell(&mut self, row: u32, col: u32, value: Value) -> Result<(), String> {
        let written = match value {
            Value::Text(s) => s,
            Value::Number(f) if f.is_finite() => {
                let s = format!("{f}");
                if self.comma {
                    s.replace('.', ",")
                } else {
                    s
                }
            }
            Value::Number(_) => "not a number".to_string(),
        };
        // Blank as the CSV rules see it (they trim cells): a row of spaces is no
        // header, and is not written.
        if written.trim().is_empty() {
            return Ok(());
        }
        match self.row {
            Some(r) if r == row => {
                if col < self.fields {
                    return Err(format!(
                        "has its cells out of order (cell {} comes after cell {} in the file): save it again from a spreadsheet",
                        cell_name(row, col),
                        cell_name(row, self.fields.saturating_sub(1))
                    ));
                }
            }
            Some(r) if r > row => {
                return Err(format!(
                    "has its rows out of order (row {} comes after row {} in the file): save it again from a spreadsheet",
                    u64::from(row) + 1,
                    u64::from(r) + 1
                ));
            }
            _ => {
                if self.row.is_some() {
                    self.buf.push(b'\n');
                }
                self.row = Some(row);
                self.fields = 0;
                self.starts.push(self.buf.len());
                self.rows.push(row.saturating_add(1));
            }
        }
        self.left = self.left.min(col);
        while self.fields < col {
            if self.fields > 0 {
                self.buf.push(b',');
            }
            self.fields += 1;
        }
        if self.fields > 0 {
            self.buf.push(b',');
        }
        self.fields = col.saturating_add(1);
        self.write_field(&written);
        if self.buf.len() as u64 > super::MAX_WORKBOOK_BYTES {
            return Err(too_large(None));
        }
        Ok(())
    }

    /// Writes `s` as one CSV field, quoted when it must be, noting each line end in
    /// it (CR, LF or CRLF, as the CSV path counts them) as another line of this row.
    fn write_field(&mut self, s: &str) {
        // Quoted too when it holds another delimiter, so the sniffing of the CSV
        // rules always finds the comma.
        let quoted = s.contains([',', '"', '\n', '\r', ';', '\t', '|']);
        if !quoted {
            self.buf.extend_from_slice(s.as_bytes());
            return;
        }
        self.buf.push(b'"');
        let row = self.rows.last().copied().unwrap_or(1);
        let mut after_cr = false;
        for b in s.bytes() {
            match b {
                b'"' => self.buf.extend_from_slice(b"\"\""),
                b => self.buf.push(b),
            }
            if b == b'\r' || (b == b'\n' && !after_cr) {
                self.rows.push(row);
            }
            after_cr = b == b'\r';
        }
        self.buf.push(b'"');
    }

    /// Ends the last row and drops the empty columns left of the leftmost cell (each
    /// record starts with at least that many commas: one for each empty field).
    fn finish(mut self) -> Text {
        if self.row.is_some() {
            self.buf.push(b'\n');
        }
        if self.left == u32::MAX {
            self.left = 0;
        }
        let skip = self.left as usize;
        if skip > 0 {
            let mut out = 0;
            let mut starts = self.starts.clone();
            starts.push(self.buf.len());
            for pair in starts.windows(2) {
                let [from, to] = pair else { continue };
                let from = from.saturating_add(skip).min(*to);
                self.buf.copy_within(from..*to, out);
                out += to - from;
            }
            self.buf.truncate(out);
        }
        self
    }

    /// How to name this sheet's cells in messages.
    fn places(&self, sheet: &str) -> Places {
        // The header is the first record with something in it (as `header` finds it):
        // its names as the problems quote them, each with its column.
        let header = self
            .buf
            .split(|&b| b == b'\n')
            .next()
            .map(|first| {
                let mut rdr = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(first);
                let mut record = csv::StringRecord::new();
                match rdr.read_record(&mut record) {
                    Ok(true) => record
                        .iter()
                        .map(|n| format!("column {}", quote(n.trim())))
                        .collect(),
                    _ => Vec::new(),
                }
            })
            .unwrap_or_default();
        Places {
            sheet: sheet_name(sheet),
            rows: self.rows.clone(),
            left: self.left,
            header,
        }
    }
}

/// A CSV message in a sheet's words: a row has cells, not fields between commas, and
/// cells that do not line up with the header come of a merged header cell, not of a
/// stray comma (`tests/workbooks.rs::a_merged_header_cell_is_named_as_such`).
fn workbook_words(message: &str) -> String {
    const CSV_HINT: &str = " (a stray or missing comma? quote values containing commas)";
    match message.strip_suffix(CSV_HINT) {
        Some(head) => format!(
            "{} (a header cell merged across columns? give every column its own name in the header row)",
            head.replacen(" fields, but", " cells, but", 1)
        ),
        None => message.to_string(),
    }
}

/// `B7` for 0-based row 6, column 1.
fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), u64::from(row) + 1)
}

/// `A`, `B`, …, `Z`, `AA`, … for 0-based column `col`.
fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let d = ((n - 1) % 26) as u8;
        out.push(b'A' + d);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Turns the CSV path's places (`line 7, column "revenue"`) into the sheet's
/// (`sheet Revenue, cell B7`).
pub(super) struct Places {
    sheet: String,
    /// The sheet row of each CSV line.
    rows: Vec<u32>,
    /// The sheet column of the CSV's first.
    left: u32,
    /// `column "NAME"` for each header column, as problems name it.
    header: Vec<String>,
}

impl Places {
    pub(super) fn all(&self, problems: Vec<Problem>) -> Vec<Problem> {
        problems.into_iter().map(|p| self.place(p)).collect()
    }

    fn row(&self, line: u64) -> Option<u32> {
        let i = usize::try_from(line.checked_sub(1)?).ok()?;
        self.rows.get(i).copied()
    }

    /// The CSV column a `column "NAME"` or `column N` field names.
    fn column(&self, field: &str) -> Option<u32> {
        if let Some(i) = self.header.iter().position(|h| h == field) {
            return u32::try_from(i).ok();
        }
        let n: u32 = field.strip_prefix("column ")?.parse().ok()?;
        n.checked_sub(1)
    }

    pub(super) fn place(&self, mut p: Problem) -> Problem {
        if p.omitted > 0 {
            return p;
        }
        let row = p.line.and_then(|l| self.row(l));
        let field = p.field.take();
        let col = field.as_deref().and_then(|f| self.column(f));
        let mut at = self.sheet.clone();
        match (row, col, field) {
            (Some(r), Some(c), _) => {
                at.push_str(&format!(
                    ", cell {}",
                    cell_name(r.saturating_sub(1), self.left.saturating_add(c))
                ));
            }
            (Some(r), None, f) => {
                at.push_str(&format!(", row {r}"));
                if let Some(f) = f {
                    at.push_str(&format!(", {f}"));
                }
            }
            (None, _, Some(f)) => at.push_str(&format!(", {f}")),
            (None, _, None) => {}
        }
        p.line = None;
        p.field = Some(at);
        p.message = workbook_words(&self.rows_in(&p.message));
        p
    }

    /// `message` with each `line N` in it named as the sheet row it is (`row 7`).
    fn rows_in(&self, message: &str) -> String {
        let mut out = String::with_capacity(message.len());
        let mut rest = message;
        while let Some(at) = rest.find("line ") {
            let (before, after) = rest.split_at(at);
            out.push_str(before);
            let digits = after
                .get(5..)
                .unwrap_or_default()
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            let number = after.get(5..5 + digits).unwrap_or_default();
            match number.parse::<u64>().ok().and_then(|l| self.row(l)) {
                Some(r) if digits > 0 => {
                    out.push_str(&format!("row {r}"));
                    rest = after.get(5 + digits..).unwrap_or_default();
                }
                _ => {
                    out.push_str("line ");
                    rest = after.get(5..).unwrap_or_default();
                }
            }
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(column_letters(16_383), "XFD");
    }

    #[test]
    fn a_sheet_may_follow_the_file() {
        assert_eq!(split_sheet("b.xlsx:Rev"), Some(("b.xlsx", "Rev")));
        assert_eq!(
            split_sheet("dir/B.ODS:Q1 plan"),
            Some(("dir/B.ODS", "Q1 plan"))
        );
        assert_eq!(split_sheet("b.xlsx:"), None);
        assert_eq!(split_sheet("b.csv:x"), None);
    }

    fn text_of(cells: &[(u32, u32, &str)]) -> Text {
        let mut t = Text::new(Reading::default());
        for (r, c, s) in cells {
            t.cell(*r, *c, Value::Text(s.to_string())).unwrap();
        }
        t.finish()
    }

    #[test]
    fn rows_become_records_and_lines_map_back_to_rows() {
        let t = text_of(&[
            (2, 1, "period"),
            (2, 2, "revenue"),
            (4, 1, "2026"),
            (4, 3, "a,\"b\"\nc"),
            (5, 2, "1"),
        ]);
        assert_eq!(
            String::from_utf8(t.buf.clone()).unwrap(),
            "period,revenue\n2026,,\"a,\"\"b\"\"\nc\"\n,1\n"
        );
        assert_eq!(t.rows, vec![3, 5, 5, 6]);
        assert_eq!(t.left, 1);
        let places = t.places("Revenue");
        let p = Problem::new("b.xlsx", "is not a number")
            .line(4)
            .column("revenue");
        assert_eq!(
            places.place(p).to_string(),
            "b.xlsx: sheet Revenue, cell C6: is not a number"
        );
        let p = Problem::new("b.xlsx", "repeats line 2 for scenario").line(4);
        assert_eq!(
            places.place(p).to_string(),
            "b.xlsx: sheet Revenue, row 6: repeats row 5 for scenario"
        );
    }

    #[test]
    fn numbers_are_their_shortest_decimal() {
        let mut t = Text::new(Reading::default());
        t.cell(0, 0, Value::Number(0.1)).unwrap();
        t.cell(0, 1, Value::Number(3.7e9)).unwrap();
        t.cell(0, 2, Value::Number(1e21)).unwrap();
        let t = t.finish();
        assert_eq!(
            String::from_utf8(t.buf).unwrap(),
            "0.1,3700000000,1000000000000000000000\n"
        );
    }

    #[test]
    fn cells_out_of_order_are_refused() {
        let mut t = Text::new(Reading::default());
        t.cell(3, 0, Value::Text("a".into())).unwrap();
        assert!(t
            .cell(1, 0, Value::Text("b".into()))
            .unwrap_err()
            .contains("row 2 comes after row 4"));
        t.cell(3, 2, Value::Text("c".into())).unwrap();
        assert!(t
            .cell(3, 1, Value::Text("d".into()))
            .unwrap_err()
            .contains("cell B4 comes after cell C4"));
    }
}
