//! Command-line arguments (clap derive only; no logic). Doc comments become `--help`.
//!
//! Values are kept as text here and parsed once in `config`, so a bad amount or date
//! gets revcap's own message and exit code 1 (wrong terms), while clap keeps exit 2 for
//! usage errors such as an unknown flag.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::render::Format;

const EXAMPLES: &str = "\
Examples:
  revcap run                                  # bundled scenarios/ with scenarios/terms.toml
  revcap run scenarios/feb2026.csv --terms scenarios/terms/reported.toml --format json
  revcap run scenarios/hsbc.csv --rate 20% --rate-step 2029-01-01=15% --from 2026-04-27
  revcap compare --caps 20B:60B:5B --no-charts
  revcap validate scenarios/";

/// Revenue share under a total cap: what is paid, when the cap binds, what it saves.
///
/// Reads revenue projections (CSV), applies a rate (or a rate schedule) under a total
/// cap, and reports per-period ledgers, totals, the exact binding date and charts.
#[derive(Debug, Parser)]
#[command(name = "revcap", version, after_help = EXAMPLES, arg_required_else_help = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compute ledgers and summaries for every scenario under one set of terms.
    #[command(after_help = "Examples:
  revcap run
  revcap run scenarios/feb2026.csv --terms scenarios/terms/reported.toml --format json
  revcap run - --format csv --no-files < scenarios/feb2026.csv
  revcap run scenarios/ --cap none --discount-rate 8% --output reports/")]
    Run(RunArgs),
    /// Evaluate every scenario under several caps or term sets, side by side.
    #[command(after_help = "Examples:
  revcap compare --cap 25B --cap 38B --cap none
  revcap compare --caps 20B:60B:5B
  revcap compare --terms scenarios/terms/reported.toml --terms scenarios/terms/rate-cut.toml
  revcap compare --thresholds")]
    Compare(CompareArgs),
    /// Check scenario files and terms, reporting every problem found.
    #[command(after_help = "Examples:
  revcap validate
  revcap validate scenarios/feb2026.csv --terms scenarios/terms/pre2026-counts.toml --format json")]
    Validate(ValidateArgs),
    /// Print a completion script: bash, zsh, fish, powershell or elvish.
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the man page, or write a page per command into a folder.
    #[command(after_help = "Examples:
  revcap man > revcap.1                     # then: man -l revcap.1
  revcap man --output ~/.local/share/man/man1")]
    Man(ManArgs),
    /// List the built-in scenarios and terms, or write them into a folder.
    #[command(after_help = "Examples:
  revcap scenarios
  revcap scenarios --export my-scenarios")]
    Scenarios(ScenariosArgs),
}

#[derive(Debug, Args)]
pub struct ScenariosArgs {
    /// Write the built-in scenarios, terms.toml, terms/ and README.md into DIR
    /// (created if needed; existing files are not replaced).
    #[arg(long, value_name = "DIR")]
    pub export: Option<PathBuf>,
}

/// Where each shell looks for the script. Every line runs as written (in bash, and
/// `$PROFILE` in PowerShell), so the folders are created first.
const COMPLETIONS_HELP: &str = "\
Where the script goes (once; completions work in shells started afterwards):
  bash        mkdir -p ~/.local/share/bash-completion/completions
              revcap completions bash > ~/.local/share/bash-completion/completions/revcap
  zsh         mkdir -p ~/.zfunc && revcap completions zsh > ~/.zfunc/_revcap
              (and in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath))
  fish        mkdir -p ~/.config/fish/completions
              revcap completions fish > ~/.config/fish/completions/revcap.fish
  powershell  revcap completions powershell >> $PROFILE
  elvish      mkdir -p ~/.config/elvish
              revcap completions elvish >> ~/.config/elvish/rc.elv

Examples:
  revcap completions bash > revcap.bash
  source <(revcap completions bash)         # bash, this shell only";

#[derive(Debug, Args)]
pub struct RunArgs {
    /// CSV files or folders (every *.csv, *.tsv and *.txt in name order), or - for stdin.
    #[arg(value_name = "PATHS", default_value = "scenarios/")]
    pub paths: Vec<String>,
    /// Terms file (TOML); replaces a folder's terms.toml. Flags override it.
    #[arg(long, value_name = "FILE")]
    pub terms: Option<PathBuf>,
    /// Total cap on payments, e.g. 38B, 38000000000, or none.
    #[arg(long, value_name = "AMOUNT")]
    pub cap: Option<String>,
    /// Fail, not skip, when a folder's *.csv is no regular file.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub input: InputFlags,
    #[command(flatten)]
    pub term_flags: TermFlags,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// CSV files or folders (every *.csv, *.tsv and *.txt in name order), or - for stdin.
    #[arg(value_name = "PATHS", default_value = "scenarios/")]
    pub paths: Vec<String>,
    /// A whole set of terms as one variant, named by the file's stem (repeatable).
    #[arg(long, value_name = "FILE")]
    pub terms: Vec<PathBuf>,
    /// A cap to compare, e.g. 25B or none (repeatable).
    #[arg(long, value_name = "AMOUNT")]
    pub cap: Vec<String>,
    /// A range of caps START:END:STEP, ends included, e.g. 10B:100B:5B.
    #[arg(long, value_name = "START:END:STEP")]
    pub caps: Option<String>,
    /// Also print, per scenario, the cap below which it binds by each year-end.
    #[arg(long)]
    pub thresholds: bool,
    /// Fail, not skip, when a folder's *.csv is no regular file.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub input: InputFlags,
    #[command(flatten)]
    pub term_flags: TermFlags,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// CSV files or folders (every *.csv, *.tsv and *.txt in name order), or - for stdin.
    #[arg(value_name = "PATHS", default_value = "scenarios/")]
    pub paths: Vec<String>,
    /// Terms file (TOML) to check as well.
    #[arg(long, value_name = "FILE")]
    pub terms: Option<PathBuf>,
    /// How to report: text (default) or json.
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
    /// Fail (exit 1) on warnings too, e.g. data that stops before the term ends, or a
    /// skipped folder entry.
    #[arg(long)]
    pub strict: bool,
    /// Term start to check coverage against, YYYY-MM-DD [default: as `run`'s].
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Term end to check coverage against, YYYY-MM-DD [default: as `run`'s].
    #[arg(long, value_name = "DATE")]
    pub through: Option<String>,
    /// The amounts' currency, e.g. EUR: its sign (€) is then taken in amount cells.
    #[arg(long, value_name = "LABEL")]
    pub unit: Option<String>,
    #[command(flatten)]
    pub input: InputFlags,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write revcap.1 and a page per command (revcap-run.1, ...) into DIR instead of
    /// printing revcap.1.
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

/// How the scenario files are read (docs/spec.md §2).
#[derive(Debug, Args, Default)]
pub struct InputFlags {
    /// Column delimiter: , ';' tab or '|' (quote ; and | in a shell) [default: detected
    /// from each file's header row].
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Read numbers with a decimal comma (12,7 and 1.234,56) [default: decided per
    /// file from its first rows when its columns are not separated by commas].
    #[arg(long, conflicts_with = "decimal_point")]
    pub decimal_comma: bool,
    /// Read numbers with a decimal point (12.7 and 1,234.56), whatever the file.
    #[arg(long)]
    pub decimal_point: bool,
    /// The month fiscal years (FY2026) start in: a name (July, Jul) or number 1-12;
    /// FY2026 is the fiscal year that ends in 2026 [default: January].
    #[arg(long, value_name = "MONTH")]
    pub fiscal_year_start: Option<String>,
}

/// The terms of docs/spec.md §3.1 other than the cap (whose meaning differs by command).
#[derive(Debug, Args, Default)]
pub struct TermFlags {
    /// Share of revenue paid: 0.20 or 20% [default: 0.20].
    #[arg(long, value_name = "RATE")]
    pub rate: Option<String>,
    /// The rate from a date on, DATE=RATE, e.g. 2029-01-01=15% (repeatable).
    #[arg(long = "rate-step", value_name = "DATE=RATE")]
    pub rate_steps: Vec<String>,
    /// Paid toward the cap before the term start, e.g. 5B [default: 0].
    #[arg(long, value_name = "AMOUNT")]
    pub already_paid: Option<String>,
    /// Term start, YYYY-MM-DD [default: first day of each scenario's earliest period].
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Term end, inclusive, YYYY-MM-DD [default: 2030-12-31].
    #[arg(long, value_name = "DATE")]
    pub through: Option<String>,
    /// Annual discount rate for present values, e.g. 0.08 or 8% [default: none].
    #[arg(long, value_name = "RATE")]
    pub discount_rate: Option<String>,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Folder for the files written.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub output: PathBuf,
    /// Write no files; print only.
    #[arg(long)]
    pub no_files: bool,
    /// Write the data files but no charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Chart file format.
    #[arg(long, value_enum, default_value_t = ChartFormat::Png)]
    pub chart_format: ChartFormat,
    /// Chart size in pixels, WIDTHxHEIGHT.
    #[arg(long, value_name = "WxH", default_value = "1600x1000")]
    pub chart_size: String,
    /// What the amounts are in: a currency, a scale or both, e.g. $, USD, $M, 'USD m',
    /// €bn, thousands. Tables and charts show real magnitudes ($M data: 38000 reads
    /// $38B); CSV and JSON values stay as computed.
    #[arg(long, value_name = "UNIT")]
    pub unit: Option<String>,
    /// Show every amount of the table and Markdown views in full (2 decimals, at the
    /// unit's scale) instead of at a scale chosen from the amounts.
    #[arg(long)]
    pub exact: bool,
    /// Fail at once, not wait, while another run writes to --output.
    #[arg(long)]
    pub no_wait: bool,
    /// Also write report.html: one self-contained page with the terms, the headline,
    /// every chart, the ledgers and the sources.
    #[arg(long, conflicts_with = "no_files")]
    pub report: bool,
    /// Also write revcap.xlsx: the CSV files' tables as Excel sheets, with live charts.
    #[arg(long, conflicts_with = "no_files")]
    pub xlsx: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChartFormat {
    Png,
    Svg,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    Text,
    Json,
}
