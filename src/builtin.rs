//! The bundled scenarios and terms (`scenarios/` in the repository), compiled into the
//! binary so that an installed `revcap` works anywhere: where a command names
//! `scenarios/` (the default), `scenarios/NAME.csv`, `scenarios/terms.toml` or
//! `scenarios/terms/NAME.toml` and no such file or folder exists, it reads the
//! built-in copy and says so on stderr (docs/spec.md §5.1). Built-in files are
//! named `built-in:NAME` wherever a path would be (messages, outputs), so nothing
//! pretends a file exists on disk. `revcap scenarios` lists them and can write them
//! out.

use std::path::Path;

/// One built-in file: its name under `scenarios/`, its text, and where its figures
/// or terms come from (scenarios/README.md).
#[derive(Debug, PartialEq, Eq)]
pub struct File {
    /// The path under `scenarios/`: `feb2026.csv`, `terms.toml`, `terms/reported.toml`.
    pub name: &'static str,
    pub text: &'static str,
    pub about: &'static str,
}

impl File {
    /// How messages and outputs name it: `built-in:feb2026.csv`.
    pub fn origin(&self) -> String {
        format!("{PREFIX}{}", self.name)
    }

    /// The file name without its folder and extension: `feb2026`, `reported`.
    pub fn stem(&self) -> &'static str {
        let base = self.name.rsplit('/').next().unwrap_or(self.name);
        base.split('.').next().unwrap_or(base)
    }
}

/// What built-in files are named by, in place of a path.
pub const PREFIX: &str = "built-in:";

/// The folder the built-in files stand in for.
pub const FOLDER: &str = "scenarios";

/// The scenario files, in name order (as a folder of them is read).
pub static SCENARIOS: [File; 4] = [
    File {
        name: "apr2025.csv",
        text: include_str!("../scenarios/apr2025.csv"),
        about: "The Information, April 2025",
    },
    File {
        name: "feb2026.csv",
        text: include_str!("../scenarios/feb2026.csv"),
        about: "CNBC, February 2026 (2028: October 2025 reporting)",
    },
    File {
        name: "hsbc.csv",
        text: include_str!("../scenarios/hsbc.csv"),
        about: "HSBC street case (\"over $213B\" in 2030)",
    },
    File {
        name: "sep2025.csv",
        text: include_str!("../scenarios/sep2025.csv"),
        about: "The Information, September 2025 (2030 only)",
    },
];

/// The scenarios' `terms.toml`.
pub static TERMS: File = File {
    name: "terms.toml",
    text: include_str!("../scenarios/terms.toml"),
    about: "as reported; the start, the restructure date, is an assumption",
};

/// The term presets for `--terms`.
pub static PRESETS: [File; 3] = [
    File {
        name: "terms/pre2026-counts.toml",
        text: include_str!("../scenarios/terms/pre2026-counts.toml"),
        about:
            "as reported, with payments before 2026 counted: already_paid = 3.36B (an assumption)",
    },
    File {
        name: "terms/rate-cut.toml",
        text: include_str!("../scenarios/terms/rate-cut.toml"),
        about: "as reported, with the rate stepping down to 15% from 2029-01-01 (a what-if)",
    },
    File {
        name: "terms/reported.toml",
        text: include_str!("../scenarios/terms/reported.toml"),
        about: "the reported terms, as in terms.toml (Reuters, The Information, CNBC)",
    },
];

/// The folder's README: sources, interpolation and assumptions.
pub static README: File = File {
    name: "README.md",
    text: include_str!("../scenarios/README.md"),
    about: "where every figure comes from",
};

/// `raw` without a leading `./` and trailing `/`s, as compared with built-in paths.
fn tidy(raw: &str) -> &str {
    let raw = raw.strip_prefix("./").unwrap_or(raw);
    raw.trim_end_matches('/')
}

/// The name under `scenarios/` that `raw` gives (`scenarios/feb2026.csv` gives
/// `feb2026.csv`), or the name after `built-in:`.
fn under_folder(raw: &str) -> Option<&str> {
    let raw = tidy(raw);
    raw.strip_prefix(PREFIX)
        .or_else(|| raw.strip_prefix(FOLDER).and_then(|r| r.strip_prefix('/')))
}

/// Whether `raw` names the scenarios folder (`scenarios`, `scenarios/`,
/// `./scenarios/`) and no such folder exists here: the built-in scenarios stand in.
pub fn folder(raw: &str) -> bool {
    tidy(raw) == FOLDER && !Path::new(raw).exists()
}

/// The built-in scenario file `raw` names (`scenarios/feb2026.csv`,
/// `built-in:feb2026.csv` or `built-in:feb2026`) when no such file exists here.
pub fn scenario(raw: &str) -> Option<&'static File> {
    if Path::new(raw).exists() {
        return None;
    }
    let name = under_folder(raw)?;
    // Asked for by its built-in name, a file may go without its `.csv`
    // (`built-in:feb2026`); a path under `scenarios/` must be exact, so that a
    // mistyped path is an error, not a built-in file.
    let by_name = tidy(raw).starts_with(PREFIX);
    SCENARIOS
        .iter()
        .find(|f| f.name == name || (by_name && f.name.strip_suffix(".csv") == Some(name)))
}

/// The built-in terms file `path` names (`scenarios/terms.toml`,
/// `scenarios/terms/reported.toml`, or `built-in:` with those names) when no such
/// file exists here.
pub fn terms(path: &Path) -> Option<&'static File> {
    if path.exists() {
        return None;
    }
    let name = under_folder(path.to_str()?)?;
    std::iter::once(&TERMS)
        .chain(&PRESETS)
        .find(|f| f.name == name)
}

/// The note a command prints on stderr when `raw` stands for built-in files.
pub fn note(raw: &str) -> String {
    if tidy(raw) == FOLDER {
        format!("note: {raw} not found here: using the built-in scenarios (revcap scenarios lists them)")
    } else {
        format!("note: {raw} not found here: using the built-in copy (revcap scenarios lists it)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_built_in_files_only_when_absent() {
        // The tests run in the repository, where scenarios/ exists.
        assert!(!folder("scenarios/"));
        assert_eq!(scenario("scenarios/feb2026.csv"), None);
        assert_eq!(
            scenario("built-in:feb2026.csv").map(|f| f.name),
            Some("feb2026.csv")
        );
        assert_eq!(scenario("built-in:nope.csv"), None);
        assert_eq!(
            terms(Path::new("built-in:terms/reported.toml")).map(File::stem),
            Some("reported")
        );
        assert_eq!(terms(Path::new("scenarios/terms/reported.toml")), None);
        assert_eq!(SCENARIOS[1].origin(), "built-in:feb2026.csv");
    }

    #[test]
    fn built_in_files_match_the_folder() {
        // Every CSV in scenarios/ is built in, and nothing else is.
        let mut on_disk: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"))
                .unwrap()
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.ends_with(".csv"))
                .collect();
        on_disk.sort();
        let built_in: Vec<&str> = SCENARIOS.iter().map(|f| f.name).collect();
        assert_eq!(on_disk, built_in);
        let mut presets: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/terms"))
                .unwrap()
                .filter_map(|e| Some(format!("terms/{}", e.ok()?.file_name().into_string().ok()?)))
                .collect();
        presets.sort();
        let built_in: Vec<&str> = PRESETS.iter().map(|f| f.name).collect();
        assert_eq!(presets, built_in);
    }
}
