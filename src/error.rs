//! Errors: what went wrong, where (file, line, column or key) and with which value.
//!
//! A [`Problem`] is one thing wrong with the input or the terms; loading and
//! validation collect every problem they find, so `revcap validate` can report them
//! all at once. [`Error`] is what `run` returns; `main` maps it to an exit code.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

/// The most problems listed per file (or flag, or terms file); the rest are counted
/// and summed up in one line, so a garbage file cannot flood the terminal or memory.
pub const MAX_LISTED: usize = 100;

/// One thing wrong with an input file, a terms file or a flag.
///
/// Displays as `scenarios/base.csv: line 4, column "revenue": "12..7" is not a
/// number (expected ...)`; parts that do not apply are left out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The file as given on the command line, `-` for stdin, or a flag like `--cap`.
    pub origin: String,
    pub line: Option<u64>,
    /// `column "revenue"`, `key "cap"`, `scenario "base"`: whatever names the place.
    pub field: Option<String>,
    /// The offending text, exactly as found (after trimming).
    pub value: Option<String>,
    /// What is wrong and what was expected, e.g. `is not a number (expected ...)`.
    pub message: String,
    /// Not 0 only for the line that closes a long list: this many more problems were
    /// found in `origin` and not listed (see [`MAX_LISTED`]).
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Problem {
    pub fn new(origin: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            origin: origin.into(),
            line: None,
            field: None,
            value: None,
            message: message.into(),
            omitted: 0,
        }
    }

    /// The line that stands for `n` problems in `origin` that were not listed.
    pub fn omitted(origin: impl Into<String>, n: u64) -> Problem {
        let mut p = Problem::new(
            origin,
            format!(
                "... and {n} more problem{} (only the first {MAX_LISTED} of each file are listed)",
                if n == 1 { "" } else { "s" }
            ),
        );
        p.omitted = n;
        p
    }

    /// How many problems this stands for: 1, or the count of an omitted-problems line.
    pub fn count(&self) -> u64 {
        if self.omitted > 0 {
            self.omitted
        } else {
            1
        }
    }
    pub fn line(mut self, line: u64) -> Problem {
        self.line = Some(line);
        self
    }
    pub fn column(mut self, name: &str) -> Problem {
        self.field = Some(format!("column {}", quote(name)));
        self
    }
    pub fn key(mut self, name: &str) -> Problem {
        self.field = Some(format!("key {}", quote(name)));
        self
    }
    pub fn scenario(mut self, name: &str) -> Problem {
        self.field = Some(format!("scenario {}", quote(name)));
        self
    }
    pub fn value(mut self, value: &str) -> Problem {
        self.value = Some(value.to_string());
        self
    }
}

/// Whether `c` must not reach a terminal as itself: a control character (C0, DEL,
/// C1: an escape sequence could recolour, move the cursor or retitle the window) or a
/// bidirectional override or isolate (it could make text read in another order).
fn unprintable(c: char) -> bool {
    c.is_control()
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// `s` as it may be shown on a terminal (docs/spec.md §6): every character
/// [`unprintable`] escaped as Rust writes it (`\t`, `\n`, `\r`, `\u{1b}`), the rest
/// as is. Names, paths and values from files pass through here on their way to the
/// table, Markdown and stderr; CSV and JSON keep the exact text.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unprintable) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unprintable(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Quotes a value for a message, escaping quotes and control characters and cutting
/// very long values so one bad cell cannot flood the terminal.
pub fn quote(s: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::from("\"");
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push_str("...");
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if unprintable(c) => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", printable(&self.origin))?;
        let mut sep = " ";
        if let Some(line) = self.line {
            write!(f, "{sep}line {line}")?;
            sep = ", ";
        }
        if let Some(field) = &self.field {
            write!(f, "{sep}{field}")?;
        }
        if self.line.is_some() || self.field.is_some() {
            f.write_str(":")?;
        }
        if let Some(value) = &self.value {
            write!(f, " {}", quote(value))?;
        }
        write!(f, " {}", printable(&self.message))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Wrong input or terms; one or more problems, each printed on its own line.
    #[error("{}", display_problems(.0))]
    Problems(Vec<Problem>),

    /// An input or terms file could not be read.
    #[error("{}: cannot read: {source}", printable(&.path.display().to_string()))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    /// An output could not be written.
    #[error("{}: cannot write: {}", printable(&.path.display().to_string()), printable(.message))]
    Write { path: PathBuf, message: String },

    /// A chart could not be drawn or encoded.
    #[error("cannot draw charts: {0}")]
    Chart(String),

    /// Writing the printed output failed (a closed pipe is not an error: see main).
    #[error("cannot write to stdout: {0}")]
    Stdout(std::io::Error),

    /// A bug: something that cannot fail did (rendering to memory, say).
    #[error("internal error: {0} (please report this with the input that caused it)")]
    Internal(String),

    /// Already reported on stderr (validate's list); exit 1 without another message.
    #[error("input has problems")]
    Reported,

    /// The arguments make no sense together (exit 2, like clap's own usage errors).
    #[error("{0}")]
    Usage(String),
}

/// One problem a line; `main` puts `error: ` before the first, and every other real
/// problem gets its own (the closing "... and N more" line of a file gets none).
fn display_problems(problems: &[Problem]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push_str(if p.omitted > 0 { "\n" } else { "\nerror: " });
        }
        out.push_str(&p.to_string());
    }
    out
}

/// Collects problems from several sources, grouped by origin (file, flag or terms
/// file) in order of first appearance, keeping the first [`MAX_LISTED`] of each origin
/// in full and only counting the rest, so memory stays bounded however bad the input.
#[derive(Debug, Default)]
pub struct Problems {
    /// Origins in order of first appearance, each with its listed problems and how many
    /// more were found.
    groups: Vec<(String, Vec<Problem>, u64)>,
    index: HashMap<String, usize>,
}

impl Problems {
    pub fn new() -> Problems {
        Problems::default()
    }

    /// Places `origin`'s problems, if any come, after those of the origins expected or
    /// seen before it.
    pub fn register(&mut self, origin: &str) {
        self.group(origin);
    }

    fn group(&mut self, origin: &str) -> usize {
        match self.index.get(origin) {
            Some(&i) => i,
            None => {
                self.index.insert(origin.to_string(), self.groups.len());
                self.groups.push((origin.to_string(), Vec::new(), 0));
                self.groups.len() - 1
            }
        }
    }

    pub fn push(&mut self, p: Problem) {
        let i = self.group(&p.origin);
        let Some((_, listed, more)) = self.groups.get_mut(i) else {
            return;
        };
        if p.omitted > 0 {
            *more = more.saturating_add(p.omitted);
        } else if listed.len() < MAX_LISTED {
            listed.push(p);
        } else {
            *more = more.saturating_add(1);
        }
    }

    pub fn extend(&mut self, problems: impl IntoIterator<Item = Problem>) {
        for p in problems {
            self.push(p);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.groups
            .iter()
            .all(|(_, listed, more)| listed.is_empty() && *more == 0)
    }

    /// Every problem found, listed or not.
    pub fn count(&self) -> u64 {
        self.groups
            .iter()
            .map(|(_, listed, more)| (listed.len() as u64).saturating_add(*more))
            .fold(0, u64::saturating_add)
    }

    /// The listed problems grouped by origin, each group closed by an
    /// omitted-problems line when some were not listed.
    pub fn into_vec(self) -> Vec<Problem> {
        let mut out = Vec::new();
        for (origin, listed, more) in self.groups {
            out.extend(listed);
            if more > 0 {
                out.push(Problem::omitted(origin, more));
            }
        }
        out
    }
}

impl Error {
    /// Exit code: 2 for usage errors, 1 for everything else (docs/spec.md §6).
    pub fn code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }
}

impl From<Problem> for Error {
    fn from(p: Problem) -> Error {
        Error::Problems(vec![p])
    }
}

impl From<Vec<Problem>> for Error {
    fn from(p: Vec<Problem>) -> Error {
        Error::Problems(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_names_file_line_column_and_value() {
        let p = Problem::new("scenarios/base.csv", "is not a number")
            .line(4)
            .column("revenue")
            .value("12..7");
        assert_eq!(
            p.to_string(),
            r#"scenarios/base.csv: line 4, column "revenue": "12..7" is not a number"#
        );
        let p = Problem::new("--cap", "is not a number").value("x");
        assert_eq!(p.to_string(), r#"--cap: "x" is not a number"#);
    }

    #[test]
    fn quote_escapes_and_truncates() {
        assert_eq!(quote("a\"b\n"), r#""a\"b\n""#);
        assert_eq!(quote(&"x".repeat(200)).len(), 80 + 2 + 3);
    }

    #[test]
    fn printable_escapes_controls_and_bidi_only() {
        assert!(matches!(
            printable("plain €, ü"),
            Cow::Borrowed("plain €, ü")
        ));
        assert_eq!(
            printable("a\x1b[31m\tb\nc\u{7f}\u{85}\u{202e}\u{2066}d\\"),
            r"a\u{1b}[31m\tb\nc\u{7f}\u{85}\u{202e}\u{2066}d\"
        );
        assert_eq!(quote("\u{2069}"), r#""\u{2069}""#);
        let p = Problem::new("a\x1b.csv", "names \x07").value("\x1b");
        assert_eq!(p.to_string(), r#"a\u{1b}.csv: "\u{1b}" names \u{7}"#);
    }

    #[test]
    fn problems_are_grouped_by_origin_and_capped() {
        let mut all = Problems::new();
        for i in 0..150u64 {
            all.push(Problem::new("a.csv", "is bad").line(i + 1));
            if i < 2 {
                all.push(Problem::new("b.csv", "is bad"));
            }
        }
        all.push(Problem::omitted("b.csv", 7));
        assert_eq!(all.count(), 150 + 2 + 7);
        let v = all.into_vec();
        let origins: Vec<&str> = v.iter().map(|p| p.origin.as_str()).collect();
        assert_eq!(origins.len(), MAX_LISTED + 1 + 2 + 1);
        assert!(origins.iter().take(MAX_LISTED + 1).all(|o| *o == "a.csv"));
        assert_eq!(
            v.get(MAX_LISTED).map(ToString::to_string).as_deref(),
            Some("a.csv: ... and 50 more problems (only the first 100 of each file are listed)")
        );
        assert_eq!(v.iter().map(Problem::count).sum::<u64>(), 159);
        let shown = Error::Problems(v).to_string();
        assert!(
            shown.contains("line 100: is bad\na.csv: ... and 50 more"),
            "{shown}"
        );
        assert!(
            shown.ends_with(
                "\nb.csv: ... and 7 more problems (only the first 100 of each file are listed)"
            ),
            "{shown}"
        );
    }
}
