//! Opening the inputs a command names: the size check, the progress bar and the call
//! into the reader for one input ([`open`]), and every input at once with the scenario
//! names repeated across files ([`open_all`]), which no single file can see.

use std::collections::HashMap;

use crate::config::Input;
use crate::error::{self, quote, Error, Problem};
use crate::model::Scenario;

use super::Loaded;

/// Reads one input (not yet turned into scenarios). A file over
/// [`super::MAX_INPUT_BYTES`] (a workbook over [`super::MAX_WORKBOOK_BYTES`]) is
/// refused before a byte of it is read.
pub fn open(input: &Input) -> Result<Loaded, Vec<Problem>> {
    let origin = input.origin();
    let stem = input.stem();
    let (Input::Stdin(reading) | Input::File(_, reading, _) | Input::Builtin(_, reading)) = input;
    let fiscal = reading.fiscal;
    match input {
        Input::Stdin(reading) => {
            super::read_with(std::io::stdin().lock(), &origin, &stem, *reading)
        }
        // Compiled into the binary (crate::builtin): small, so no size check or bar.
        Input::Builtin(f, reading) => super::read_with(f.text.as_bytes(), &origin, &stem, *reading),
        Input::File(path, reading, sheet) => {
            let cannot_read = |e| super::cannot_read(&origin, e);
            // Refuse a file over the limit before reading a byte of it.
            let size = std::fs::metadata(path).map_err(cannot_read)?.len();
            if size > super::MAX_INPUT_BYTES {
                return Err(vec![Problem::new(&origin, super::too_large(Some(size)))]);
            }
            if super::is_workbook(path) {
                if size > super::MAX_WORKBOOK_BYTES {
                    return Err(vec![Problem::new(
                        &origin,
                        super::workbook::too_large(Some(size)),
                    )]);
                }
                let sheet = sheet.as_deref();
                return super::workbook::read(path, &origin, &stem, sheet, *reading)
                    .map(|loaded| loaded.with_fiscal_start(fiscal));
            }
            let bar = read_progress(size, &origin);
            let result = super::read_file(path, &origin, &stem, size, &bar, *reading);
            bar.finish_and_clear();
            result
        }
    }
    .map(|loaded| loaded.with_fiscal_start(fiscal))
}

/// Every input opened: the files read, the problems of those that cannot be, and,
/// apart, those of scenario names defined in two files (reported after each file's
/// own problems, which are only found as its scenarios are taken).
pub struct Opened {
    pub files: Vec<Loaded>,
    /// Grouped by file in the order given.
    pub problems: error::Problems,
    pub repeated: Vec<Problem>,
}

impl Opened {
    /// How many scenarios the files name (including those that will not load).
    pub fn scenarios(&self) -> usize {
        self.files.iter().map(|l| l.names().len()).sum()
    }

    /// The currency the files' headers name ([`Loaded::currency`]).
    pub fn currency(&self) -> HeaderCurrency {
        header_currency(self.files.iter().map(Loaded::currency))
    }
}

/// What the inputs' headers say of their currency (`Revenue (€)`), for the printed
/// views when `--unit` says nothing (docs/spec.md §5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderCurrency {
    /// No header names one: the views assume dollars, as they always have.
    Unsaid,
    /// Every header that names one names this one.
    One(crate::parse::Currency),
    /// Headers name different currencies: the views name none.
    Mixed,
}

fn header_currency(
    currencies: impl Iterator<Item = Option<crate::parse::Currency>>,
) -> HeaderCurrency {
    let mut found = HeaderCurrency::Unsaid;
    for c in currencies.flatten() {
        found = match found {
            HeaderCurrency::Unsaid => HeaderCurrency::One(c),
            HeaderCurrency::One(d) if d == c => found,
            _ => HeaderCurrency::Mixed,
        };
    }
    found
}

/// What [`open_inputs`] does with the warnings of how each file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadWarnings {
    /// Printed on stderr as each file opens (every command but `validate`).
    Print,
    /// Kept in each file ([`Loaded::warnings`]) for the caller to report: `validate`
    /// lists and counts them with its other warnings.
    Keep,
}

/// Opens every input, in the order given, printing the warnings of how each was read.
pub fn open_all(inputs: &[Input]) -> Opened {
    open_inputs(inputs, ReadWarnings::Print)
}

/// Opens every input, in the order given; `warnings` says what becomes of the
/// warnings of how each file was read. Notes are printed either way.
pub fn open_inputs(inputs: &[Input], warnings: ReadWarnings) -> Opened {
    let mut files = Vec::with_capacity(inputs.len());
    let mut problems = error::Problems::new();
    for input in inputs {
        // Problems are grouped by file in the order given.
        problems.register(&input.origin());
        match open(input) {
            Ok(l) => {
                // Every command opens its inputs here, so each warning is said once.
                if warnings == ReadWarnings::Print {
                    for w in l.warnings() {
                        eprintln!("warning: {w}");
                    }
                }
                if let Some(n) = l.note() {
                    eprintln!("note: {}", crate::error::printable(n));
                }
                files.push(l)
            }
            Err(p) => problems.extend(p),
        }
    }
    let repeated = repeated_names(&files);
    Opened {
        files,
        problems,
        repeated,
    }
}

/// A problem for each scenario name already defined in an earlier file.
fn repeated_names(files: &[Loaded]) -> Vec<Problem> {
    let mut repeated = Vec::new();
    // One file's names are its own, each once: only names across files can repeat
    // (and a million names in a map would cost more than the file's rows).
    if files.len() < 2 {
        return repeated;
    }
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for file in files {
        for name in file.names().iter() {
            if let Some(first) = seen.insert(name, file.origin()) {
                repeated.push(Problem::new(
                    file.origin(),
                    format!(
                        "scenario {} is also defined in {first}; scenario names must be unique (rename a file or its scenario column)",
                        quote(name)
                    ),
                ));
                // Name the first file, not the latest repeat, in later messages too.
                seen.insert(name, first);
            }
        }
    }
    repeated
}

/// Reads every input into scenarios, collecting the problems of all files (grouped by
/// file, at most [`error::MAX_LISTED`] listed per file) before failing.
pub fn load_all(inputs: &[Input]) -> Result<(Vec<Scenario>, HeaderCurrency), Error> {
    let opened = open_all(inputs);
    let currency = opened.currency();
    let Opened {
        files,
        mut problems,
        repeated,
    } = opened;
    let mut scenarios: Vec<Scenario> = Vec::new();
    for file in files {
        match file.into_scenarios() {
            Ok(mut s) => scenarios.append(&mut s),
            Err(p) => problems.extend(p),
        }
    }
    problems.extend(repeated);
    if problems.is_empty() {
        Ok((scenarios, currency))
    } else {
        Err(Error::Problems(problems.into_vec()))
    }
}

/// A bar on stderr while a large file is read, shown only on a terminal (a few
/// seconds for a file of hundreds of MB); hidden otherwise, so scripts and tests see
/// nothing.
fn read_progress(size: u64, origin: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    const LARGE: u64 = 32 << 20;
    if size < LARGE || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(size);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "reading {msg} {bar:40} {bytes}/{total_bytes} {eta}",
    ) {
        bar.set_style(style);
    }
    bar.set_message(origin.to_string());
    bar
}
