//! The harness the CLI test files share: a temporary folder to run `revcap` in (after
//! xsv's `tests/workdir.rs`), so nothing is ever written into the repository.
#![allow(
    dead_code, // each test file uses its own part of the harness
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use revcap::config::Variant;
use revcap::model::Terms;
use rust_decimal::Decimal;
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_revcap");

/// A temporary folder to run `revcap` in.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes `contents` to `rel`, creating folders as needed.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Workdir {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
        self
    }

    /// Copies `tests/fixtures/NAME` to `NAME` in the folder.
    pub fn fixture(&self, name: &str) -> &Workdir {
        self.write(name, fixture(name))
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// `revcap ARGS` in this folder, without the backtrace setting of this machine.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.current_dir(self.dir.path())
            .env_remove("RUST_BACKTRACE")
            .args(args);
        c
    }

    /// Runs, expects success and a silent stderr, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args).assert().success().get_output().clone();
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "",
            "stderr of {args:?}"
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs, expects success and exactly `stderr` (e.g. a coverage warning), returns stdout.
    pub fn ok_warned(&self, args: &[&str], stderr: &str) -> String {
        let out = self.cmd(args).assert().success().get_output().clone();
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            stderr,
            "stderr of {args:?}"
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that writes files (`run`, `compare`), expects success and a
    /// stderr of exactly the line saying it wrote `files` files into `dir`
    /// ([`wrote`]), returns stdout.
    pub fn ok_wrote(&self, args: &[&str], files: usize, dir: &str) -> String {
        self.ok_warned(args, &wrote(files, dir))
    }

    /// Runs, expects exit `code` and an empty stdout, returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.cmd(args).assert().code(code).get_output().clone();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "",
            "stdout of {args:?}"
        );
        String::from_utf8(out.stderr).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// Every file under `rel`, as sorted relative paths; empty if it does not exist.
    pub fn files(&self, rel: &str) -> Vec<String> {
        let root = self.path(rel);
        let mut out = Vec::new();
        collect(&root, &root, &mut out);
        out.sort();
        out
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(root, &p, out);
        } else {
            out.push(p.strip_prefix(root).unwrap().display().to_string());
        }
    }
}

/// The line `run` and `compare` end stderr with once they have written `files` files
/// into `dir`, the folder as given (docs/spec.md §5.8).
pub fn wrote(files: usize, dir: &str) -> String {
    let noun = if files == 1 { "file" } else { "files" };
    format!("wrote {files} {noun} to {dir}\n")
}

pub fn fixture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `n` billion, exactly.
fn billions(n: &str) -> Decimal {
    format!("{n}000000000").parse().unwrap()
}

/// A variant per cap named `20B` (or `none`: no cap) on `base`, as `--cap` makes them.
pub fn cap_variants(caps: &[&str], base: &Terms) -> Vec<Variant> {
    caps.iter()
        .map(|name| Variant {
            name: name.to_string(),
            terms: Terms {
                cap: name.strip_suffix('B').map(billions),
                ..base.clone()
            },
            from_file: false,
        })
        .collect()
}

/// A rate × cap grid on `base`, rate by rate as `--rates` makes it: each rate (`0.15`)
/// with each cap in billions (`20`), named `0.15 · 20B`.
pub fn grid_variants(rates: &[&str], caps: &[&str], base: &Terms) -> Vec<Variant> {
    rates
        .iter()
        .flat_map(|rate| {
            caps.iter().map(move |cap| Variant {
                name: format!("{rate} · {cap}B"),
                terms: Terms {
                    rate: rate.parse().unwrap(),
                    cap: Some(billions(cap)),
                    ..base.clone()
                },
                from_file: false,
            })
        })
        .collect()
}
