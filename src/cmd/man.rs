//! `revcap man`: the man pages, rendered by clap_mangen from the definition that
//! parses the command line ([`crate::cli::Cli`]): `revcap.1`, and with a folder one page
//! per command as well (`revcap-run.1`, ...), named as `man revcap-run` looks them up.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;
use clap_mangen::Man;

use crate::cli::Cli;
use crate::error::Error;
use crate::output;

/// Prints `revcap.1`, or, given `dir`, writes every page there (all of them or, on
/// failure, none: [`output::Staged`]) and names them on stderr.
pub fn man(dir: Option<&Path>, stdout: &mut dyn Write) -> Result<(), Error> {
    // No `help` subcommand page: `revcap help` is clap's, and `--help` is on every page.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // Built, the subcommands know their full names (`revcap-run`), which become the
    // pages' titles and file names.
    cmd.build();
    let Some(dir) = dir else {
        return output::print(stdout, &render(&Man::new(cmd))?);
    };
    // Every page's footer names revcap and its version, not the subcommand alone.
    let source = format!("revcap {}", cmd.get_version().unwrap_or_default());
    let mut pages = Vec::new();
    collect(cmd, &source, &mut pages);
    let mut staged = output::Staged::new(dir)?;
    let mut names = Vec::with_capacity(pages.len());
    for page in &pages {
        let name = page.get_filename();
        staged.add(&name, render(page)?.as_bytes())?;
        names.push(name);
    }
    staged.commit()?;
    let _ = writeln!(
        std::io::stderr(),
        "wrote {} man pages to {}: {}",
        names.len(),
        dir.display(),
        names.join(", ")
    );
    Ok(())
}

/// The page of `cmd`, then those of its visible subcommands, depth first.
fn collect(cmd: clap::Command, source: &str, pages: &mut Vec<Man>) {
    let subcommands: Vec<clap::Command> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect();
    pages.push(Man::new(cmd).source(source));
    for sub in subcommands {
        collect(sub, source, pages);
    }
}

/// The page's roff, its `.TH` title line first: clap_mangen puts the definition of the
/// apostrophe string (`.ie \n(.g .ds Aq ...`, used only further down) before it, and
/// tools that read a page's title (`file`, `lexgrog`, `whatis` indexers) look for `.TH`
/// at the top. Rendered by groff, the page is the same either way.
fn render(page: &Man) -> Result<String, Error> {
    let internal = |e: &dyn std::fmt::Display| {
        Error::Internal(format!("rendering {}: {e}", page.get_filename()))
    };
    let mut roff = Vec::new();
    page.render(&mut roff).map_err(|e| internal(&e))?;
    let roff = String::from_utf8(roff).map_err(|e| internal(&e))?;
    Ok(title_first(&roff))
}

/// `roff` with its `.TH` line moved to the top, when only `.ie`/`.el` requests (the
/// string definitions) come before it; otherwise unchanged.
fn title_first(roff: &str) -> String {
    let lines: Vec<&str> = roff.split_inclusive('\n').collect();
    match lines.iter().position(|l| l.starts_with(".TH ")) {
        Some(at)
            if lines
                .iter()
                .take(at)
                .all(|l| l.starts_with(".ie ") || l.starts_with(".el ")) =>
        {
            let (before, rest) = lines.split_at(at);
            let (title, after) = rest.split_at(1);
            title.iter().chain(before).chain(after).copied().collect()
        }
        _ => roff.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::title_first;

    #[test]
    fn title_moves_above_the_string_definitions_only() {
        let page = ".ie a\n.el b\n.TH revcap 1\n.SH NAME\n";
        assert_eq!(title_first(page), ".TH revcap 1\n.ie a\n.el b\n.SH NAME\n");
        let other = ".de X\n.TH revcap 1\n";
        assert_eq!(title_first(other), other);
    }
}
