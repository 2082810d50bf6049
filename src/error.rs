//! Errors: what went wrong, where (file, line, column or key) and with which value.
//!
//! A [`Problem`] is one thing wrong with the input or the terms; loading and
//! validation collect every problem they find, so `revcap validate` can report them
//! all at once. [`Error`] is what `run` returns; `main` maps it to an exit code.

use std::fmt;
use std::path::PathBuf;

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
}

impl Problem {
    pub fn new(origin: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            origin: origin.into(),
            line: None,
            field: None,
            value: None,
            message: message.into(),
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
            c if c.is_control() => out.push_str(&c.escape_default().to_string()),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.origin)?;
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
        write!(f, " {}", self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Wrong input or terms; one or more problems, each printed on its own line.
    #[error("{}", display_problems(.0))]
    Problems(Vec<Problem>),

    /// A computation overflowed Decimal's range.
    #[error("scenario {}: {what} overflows in period {period} (amounts must stay below 7.9e28)", quote(.scenario))]
    Overflow {
        scenario: String,
        period: String,
        what: &'static str,
    },

    /// An input or terms file could not be read.
    #[error("{}: cannot read: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    /// An output could not be written.
    #[error("{}: cannot write: {message}", .path.display())]
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

fn display_problems(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
    lines.join("\nerror: ")
}

impl Error {
    /// Exit code: 2 for usage errors, 1 for everything else (SPEC §6).
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
}
