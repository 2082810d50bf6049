//! `revcap scenarios`: the bundled scenarios and terms compiled into the binary
//! ([`crate::builtin`]), listed with where their figures come from, or written into
//! a folder with `--export DIR`.

use std::io::Write;
use std::path::Path;

use crate::builtin::{self, File};
use crate::config::{parse_terms, short_amount};
use crate::error::Error;
use crate::output;
use crate::render::percent;

/// Prints the list, or, given `export`, writes every built-in file there (all of
/// them or, on failure, none: [`output::Staged`]) and says so on stderr.
pub fn scenarios(export: Option<&Path>, stdout: &mut dyn Write) -> Result<(), Error> {
    match export {
        None => output::print(stdout, &list()?),
        Some(dir) => write_out(dir),
    }
}

/// Every built-in file: the scenarios, `terms.toml`, the presets, the README.
fn all_files() -> Vec<&'static File> {
    builtin::SCENARIOS
        .iter()
        .chain([&builtin::TERMS])
        .chain(&builtin::PRESETS)
        .chain([&builtin::README])
        .collect()
}

/// The listing: each scenario with its periods, last revenue and source; the terms;
/// the presets.
fn list() -> Result<String, Error> {
    let mut out = String::from(
        "Built-in scenarios (used where there is no scenarios/ folder; named built-in:FILE):\n\n",
    );
    let rows: Vec<[String; 4]> = builtin::SCENARIOS
        .iter()
        .map(|f| {
            let (first, last, n) = periods(f.text);
            [
                f.name.to_string(),
                format!("{}-{} ({n} periods)", first.0, last.0),
                format!("{}: {}", last.0, last.1),
                f.about.to_string(),
            ]
        })
        .collect();
    let header = [
        "file".to_string(),
        "periods".into(),
        "last revenue".into(),
        "source".into(),
    ];
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            std::iter::once(&header)
                .chain(&rows)
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(&format!("  {}\n", cells.join("  ").trim_end()));
    }
    let terms = parse_terms(builtin::TERMS.text, &builtin::TERMS.origin())?
        .resolve()
        .map_err(Error::from)?;
    out.push_str(&format!(
        "\nTerms ({}): {} of revenue, cap {}, {} to {}: {}.\n",
        builtin::TERMS.name,
        percent(terms.rate),
        terms.cap.map_or_else(|| "none".into(), short_amount),
        terms
            .from
            .map_or_else(|| "the first period".into(), |d| d.to_string()),
        terms.through,
        builtin::TERMS.about
    ));
    out.push_str("\nTerm presets (--terms scenarios/terms/NAME.toml):\n");
    let w = builtin::PRESETS
        .iter()
        .map(|f| f.name.len())
        .max()
        .unwrap_or(0);
    for f in &builtin::PRESETS {
        out.push_str(&format!("  {:<w$}  {}\n", f.name, f.about));
    }
    out.push_str(
        "\nSources and assumptions: README.md, written with the rest by `revcap scenarios --export DIR`.\n",
    );
    Ok(out)
}

/// The first and last `(period, revenue)` of a bundled CSV (the first two columns
/// of the lines after the header), and how many periods it has.
fn periods(text: &str) -> ((&str, &str), (&str, &str), usize) {
    let rows: Vec<(&str, &str)> = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut cells = l.split(',');
            (
                cells.next().unwrap_or_default(),
                cells.next().unwrap_or_default(),
            )
        })
        .collect();
    let first = rows.first().copied().unwrap_or_default();
    let last = rows.last().copied().unwrap_or_default();
    (first, last, rows.len())
}

/// Writes every built-in file into `dir`, refusing to replace any file there.
fn write_out(dir: &Path) -> Result<(), Error> {
    let files = all_files();
    for f in &files {
        let target = dir.join(f.name);
        if target.exists() {
            return Err(Error::Write {
                path: target,
                message: "already exists; revcap scenarios --export never replaces a file (choose an empty folder)".into(),
            });
        }
    }
    // The folder is --export's here, not --output's.
    let mut staged = output::Staged::new(dir).map_err(|e| match e {
        Error::Write { path, message } => Error::Write {
            path,
            message: message.replace("--output", "--export"),
        },
        e => e,
    })?;
    for f in &files {
        staged.add(f.name, f.text.as_bytes())?;
    }
    // The presets' `terms/` is staged with the rest: the set appears whole.
    staged.commit()?;
    let _ = writeln!(
        std::io::stderr(),
        "wrote {} files to {}",
        files.len(),
        dir.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_reads_the_first_and_last_rows() {
        let (first, last, n) = periods(builtin::SCENARIOS[1].text);
        assert_eq!((first, last, n), (("2024", "3.7B"), ("2030", "280B"), 7));
    }
}
