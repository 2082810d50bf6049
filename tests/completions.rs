//! `revcap completions` and `revcap man` (docs/spec.md §5.10): both describe revcap
//! itself, so they run in an empty folder (no `scenarios/`, no inputs) and exit 0; and
//! the `--help` examples of both commands run as written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{Workdir, BIN};

const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "powershell", "elvish"];

/// The page of each command `revcap man --output` writes, in the order written.
const PAGES: [&str; 10] = [
    "revcap.1",
    "revcap-run.1",
    "revcap-compare.1",
    "revcap-validate.1",
    "revcap-completions.1",
    "revcap-man.1",
    "revcap-scenarios.1",
    "revcap-solve.1",
    "revcap-sensitivity.1",
    "revcap-simulate.1",
];

// ---------------------------------------------------------------- completions

#[test]
fn every_shell_gets_a_script_naming_the_commands_and_flags() {
    let w = Workdir::new();
    for shell in SHELLS {
        let script = w.ok(&["completions", shell]);
        assert!(!script.trim().is_empty(), "{shell}: empty script");
        for word in ["run", "compare", "validate", "completions", "man"] {
            assert!(script.contains(word), "{shell}: the script lacks {word}");
        }
        for flag in ["caps", "thresholds", "cap", "rate-step", "output"] {
            // fish names long flags as `-l caps`; the others as `--caps`.
            let flag = if shell == "fish" {
                format!("-l {flag} ")
            } else {
                format!("--{flag}")
            };
            assert!(script.contains(&flag), "{shell}: the script lacks {flag}");
        }
    }
    // Nothing read, nothing written.
    assert!(w.files("").is_empty(), "{:?}", w.files(""));
}

#[test]
fn the_bash_script_is_valid_bash() {
    let w = Workdir::new();
    w.write("revcap.bash", w.ok(&["completions", "bash"]));
    let out = Command::new("bash")
        .args(["-n", "revcap.bash"])
        .current_dir(w.path(""))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_bash_script_completes_the_commands() {
    // Loaded into bash, the completion function offers the subcommands after `revcap `
    // and the flags of `compare` after `revcap compare --thr`.
    let w = Workdir::new();
    w.write("revcap.bash", w.ok(&["completions", "bash"]));
    let complete = |line: &str| {
        let words: Vec<&str> = line.split(' ').collect();
        let script = format!(
            "source ./revcap.bash
COMP_WORDS=({words})
COMP_CWORD={cword}
COMP_LINE='{line}'
COMP_POINT={point}
_revcap revcap \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"
printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            words = words
                .iter()
                .map(|w| format!("'{w}'"))
                .collect::<Vec<_>>()
                .join(" "),
            cword = words.len() - 1,
            point = line.len(),
        );
        let out = Command::new("bash")
            .args(["-c", &script])
            .current_dir(w.path(""))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let commands = complete("revcap ");
    for c in ["run", "compare", "validate", "completions", "man"] {
        assert!(commands.lines().any(|l| l == c), "{c} in {commands:?}");
    }
    assert_eq!(
        complete("revcap compare --thr"),
        "--thresholds\n--through\n"
    );
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let w = Workdir::new();
    assert_eq!(
        w.fails(&["completions", "tcsh"], 2),
        "error: invalid value 'tcsh' for '<SHELL>'
  [possible values: bash, elvish, fish, powershell, zsh]

  tip: a similar value exists: 'zsh'

For more information, try '--help'.
"
    );
    assert!(w.fails(&["completions"], 2).starts_with(
        "error: the following required arguments were not provided:
  <SHELL>
"
    ));
}

// ---------------------------------------------------------------- man

#[test]
fn man_prints_revcaps_page() {
    let w = Workdir::new();
    let page = w.ok(&["man"]);
    assert!(page.starts_with(".TH revcap 1 "), "{page}");
    assert!(page.contains("\n.SH SUBCOMMANDS\n"), "{page}");
    for c in ["run", "compare", "validate", "completions", "man"] {
        assert!(
            page.contains(&format!("\nrevcap\\-{c}(1)\n")),
            "{c}: {page}"
        );
    }
    assert!(
        page.contains(
            "revcap\\-run(1)\nCompute ledgers and summaries for every scenario under one set of terms\n"
        ),
        "{page}"
    );
    assert!(w.files("").is_empty(), "{:?}", w.files(""));
}

#[test]
fn man_output_writes_a_page_per_command() {
    let w = Workdir::new();
    let out = w.cmd(&["man", "--output", "man/man1"]).assert().success();
    let out = out.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "wrote {} man pages to man/man1: {}\n",
            PAGES.len(),
            PAGES.join(", ")
        )
    );
    let mut sorted = PAGES.map(String::from).to_vec();
    sorted.sort();
    assert_eq!(w.files("man/man1"), sorted);
    // The top page is the one `revcap man` prints.
    assert_eq!(w.read("man/man1/revcap.1"), w.ok(&["man"]));
    let run = w.read("man/man1/revcap-run.1");
    assert!(run.starts_with(".TH revcap-run 1  \"revcap "), "{run}");
    for flag in ["\\-\\-cap", "\\-\\-rate\\-step", "\\-\\-output"] {
        assert!(run.contains(flag), "{flag}: {run}");
    }
    let compare = w.read("man/man1/revcap-compare.1");
    assert!(compare.contains("\\-\\-thresholds"), "{compare}");
    assert!(compare.contains("\\-\\-caps"), "{compare}");
    // Written again, the pages are replaced in place.
    w.cmd(&["man", "--output", "man/man1"]).assert().success();
    assert_eq!(w.files("man/man1"), sorted);
}

#[test]
fn man_output_into_a_file_writes_nothing() {
    let w = Workdir::new();
    w.write("taken", "not a folder\n");
    assert_eq!(
        w.fails(&["man", "--output", "taken"], 1),
        "error: taken: cannot write: exists and is not a folder (give --output a folder)\n"
    );
    assert_eq!(w.read("taken"), "not a folder\n");
    assert_eq!(w.files(""), ["taken"]);
}

// ---------------------------------------------------------------- --help examples

/// The command lines of a `--help` text's block after `heading`: indented lines that
/// run something, with a leading shell name (the install table) and `# ...` comments
/// dropped.
fn commands(help: &str, heading: &str) -> Vec<String> {
    let block = help
        .split_once(heading)
        .unwrap_or_else(|| panic!("no {heading:?} in {help}"))
        .1;
    block
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| {
            let l = l.trim();
            let l = SHELLS
                .iter()
                .find_map(|s| l.strip_prefix(s))
                .map_or(l, str::trim_start);
            l.split_once(" #").map_or(l, |(c, _)| c).trim().to_string()
        })
        .filter(|l| l.starts_with("revcap ") || l.starts_with("mkdir ") || l.starts_with("source "))
        .collect()
}

/// Runs `line` in bash in `w`, with `revcap` on the PATH and a home of its own.
fn run_in_bash(w: &Workdir, line: &str) {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["-c", line])
        .current_dir(w.path(""))
        .env("HOME", w.path("home"))
        .env("PROFILE", w.path("home/profile.ps1"))
        .env("PATH", path)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{line}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_completions_help_examples_run() {
    let w = Workdir::new();
    std::fs::create_dir_all(w.path("home")).unwrap();
    let help = w.ok(&["completions", "--help"]);
    let install = commands(&help, "Where the script goes");
    let examples = commands(&help, "Examples:");
    assert_eq!(install.len(), 8, "{install:?}");
    assert_eq!(examples.len(), 2, "{examples:?}");
    for line in install.iter().chain(&examples) {
        run_in_bash(&w, line);
    }
    for (file, shell) in [
        (
            "home/.local/share/bash-completion/completions/revcap",
            "bash",
        ),
        ("home/.zfunc/_revcap", "zsh"),
        ("home/.config/fish/completions/revcap.fish", "fish"),
        ("home/profile.ps1", "powershell"),
        ("home/.config/elvish/rc.elv", "elvish"),
    ] {
        assert_eq!(w.read(file), w.ok(&["completions", shell]), "{file}");
    }
    assert_eq!(w.read("revcap.bash"), w.ok(&["completions", "bash"]));
}

#[test]
fn the_man_help_examples_run() {
    let w = Workdir::new();
    std::fs::create_dir_all(w.path("home")).unwrap();
    let help = w.ok(&["man", "--help"]);
    let examples = commands(&help, "Examples:");
    assert_eq!(examples.len(), 2, "{examples:?}");
    for line in &examples {
        run_in_bash(&w, line);
    }
    assert_eq!(w.read("revcap.1"), w.ok(&["man"]));
    assert_eq!(w.files("home/.local/share/man/man1").len(), PAGES.len());
}
