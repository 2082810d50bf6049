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
  revcap run tests/fixtures/workbooks/plan.xlsx --sheet Wide --no-files
  revcap run scenarios/ --cap none --discount-rate 8% --output reports/")]
    Run(RunArgs),
    /// Evaluate every scenario under several caps or term sets, side by side.
    #[command(after_help = "Examples:
  revcap compare --cap 25B --cap 38B --cap none
  revcap compare --caps 20B:60B:5B
  revcap compare --rates 10%:30%:5% --caps 20B:60B:10B
  revcap compare --rate 15% --rate 20% --cap 38B --cap none --format csv --no-files
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
    /// Solve for the value of one input at which a target holds, for each scenario.
    #[command(after_help = SOLVE_HELP)]
    Solve(SolveArgs),
    /// Swing each input low and high around the terms: which moves the results most.
    #[command(after_help = SENSITIVITY_HELP)]
    Sensitivity(SensitivityArgs),
    /// Draw Monte Carlo revenue paths around base scenarios into a long CSV.
    ///
    /// Each path multiplies a base's revenue by exp(W(t)), W a Brownian motion with
    /// annual volatility --volatility, W = 0 on the start, t in years (days / 365) to
    /// each period's end; periods ending on or before the start are copied. The same
    /// seed gives the same bytes on any machine (docs/montecarlo.md).
    #[command(after_help = SIMULATE_HELP)]
    Simulate(SimulateArgs),
}

const SIMULATE_HELP: &str = "\
Examples:
  revcap simulate scenarios/feb2026.csv --paths 1000 --volatility 30% > paths.csv
  revcap simulate scenarios/ --paths 100 --volatility 30% --seed 7
  revcap simulate scenarios/feb2026.csv --paths 100 --volatility-from 2030=174B:280B
  revcap simulate scenarios/feb2026.csv --paths 100 --volatility 30% | revcap run - --terms scenarios/terms.toml --format csv --no-files

--output FILE writes FILE whole or not at all (never over an input); run, compare and
validate read it back like any scenario file.";

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("sigma").args(["volatility", "volatility_from"]).required(true)))]
pub struct SimulateArgs {
    /// Base scenario files or folders (every scenario in them is a base), or - for stdin.
    #[arg(value_name = "BASE", required = true)]
    pub paths: Vec<String>,
    /// How many paths to draw per base, e.g. 1000.
    #[arg(long = "paths", value_name = "N", default_value = "1000")]
    pub count: String,
    #[command(flatten)]
    pub draw: DrawArgs,
    /// Terms file (TOML) whose from is the default start.
    #[arg(long, value_name = "FILE")]
    pub terms: Option<PathBuf>,
    /// File to write (atomically; never an input), or - for stdout.
    #[arg(long, value_name = "FILE|-", default_value = "-")]
    pub output: String,
    /// Fail, not skip, when a folder's *.csv is no regular file.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub input: InputFlags,
}

/// How Monte Carlo paths are drawn around a base: shared by `simulate` and by
/// `run --paths` and `compare --paths` (docs/montecarlo.md).
#[derive(Debug, Args)]
pub struct DrawArgs {
    /// Annual volatility of ln(revenue), e.g. 30% or 0.3.
    #[arg(long, value_name = "RATE", conflicts_with = "volatility_from")]
    pub volatility: Option<String>,
    /// PERIOD=LOW:HIGH: the volatility that puts that period's 5th and 95th
    /// percentiles LOW and HIGH apart, e.g. 2030=174B:280B (printed on stderr).
    #[arg(long, value_name = "PERIOD=LOW:HIGH")]
    pub volatility_from: Option<String>,
    /// Seed of the generator, a whole number [default: 1].
    #[arg(long, value_name = "S")]
    pub seed: Option<String>,
    /// Day on which W = 0, YYYY-MM-DD [default: the term start: from in the terms,
    /// else each base's first day].
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// Decimal places of simulated revenue, 0 to 12 (rounded half-even) [default: 2].
    #[arg(long, value_name = "N")]
    pub decimals: Option<String>,
}

/// Distributions in `run` and `compare` (docs/montecarlo.md): paths drawn in process,
/// or summaries of the scenarios read.
#[derive(Debug, Args)]
pub struct DistributionArgs {
    /// Draw N Monte Carlo paths around each scenario read (a base) and report their
    /// distributions instead of each path (needs --volatility or --volatility-from).
    #[arg(long = "paths", value_name = "N", help_heading = "Monte Carlo")]
    pub count: Option<String>,
    /// Report distributions over the scenarios read, however few (automatic above 50
    /// scenarios, and for files written by `revcap simulate`).
    #[arg(long, help_heading = "Monte Carlo")]
    pub distribution: bool,
    /// With --paths: also write ledger.csv and summary.csv rows of every path.
    #[arg(long, requires = "count", help_heading = "Monte Carlo")]
    pub path_files: bool,
    #[command(flatten, next_help_heading = "Monte Carlo")]
    pub draw: DrawArgs,
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
    /// CSV files, workbooks or folders (every *.csv, *.tsv, *.txt, *.xlsx, *.xlsm, *.xls
    /// and *.ods in name order), or - for stdin.
    #[arg(value_name = "PATHS", default_value = "scenarios/")]
    pub paths: Vec<String>,
    /// Terms file (TOML); replaces a folder's terms.toml. Flags override it.
    #[arg(long, value_name = "FILE")]
    pub terms: Option<PathBuf>,
    /// Total cap on payments, e.g. 38B, 38000000000, or none.
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true, value_parser = signed_value)]
    pub cap: Option<String>,
    /// Fail, not skip, when a folder's *.csv is no regular file.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub input: InputFlags,
    #[command(flatten)]
    pub term_flags: TermFlags,
    #[command(flatten)]
    pub distribution: DistributionArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// CSV files, workbooks or folders (every *.csv, *.tsv, *.txt, *.xlsx, *.xlsm, *.xls
    /// and *.ods in name order), or - for stdin.
    #[arg(value_name = "PATHS", default_value = "scenarios/")]
    pub paths: Vec<String>,
    /// A whole set of terms as one variant, named by the file's stem (repeatable).
    #[arg(long, value_name = "FILE")]
    pub terms: Vec<PathBuf>,
    /// A cap to compare, e.g. 25B or none (repeatable).
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true, value_parser = signed_value)]
    pub cap: Vec<String>,
    /// A range of caps START:END:STEP, ends included, e.g. 10B:100B:5B.
    #[arg(long, value_name = "START:END:STEP")]
    pub caps: Option<String>,
    /// A range of rates START:END:STEP, ends included, e.g. 10%:30%:5%: each rate
    /// crossed with every cap (and terms file) into a grid, drawn as heatmaps.
    #[arg(long, value_name = "START:END:STEP")]
    pub rates: Option<String>,
    /// What the grid's heatmaps show: binding_date (default), total_paid, foregone or
    /// present_value; with distributions also probability:YEAR, P(binds by YEAR-12-31).
    #[arg(long, value_name = "METRIC", default_value = "binding_date", value_parser = heat_metric)]
    pub metric: HeatMetric,
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
    pub distribution: DistributionArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// What `compare --metric` asks of a grid's heatmaps: a metric of each cell, or (with
/// distributions only, checked in config and compare) P(binds by YEAR-12-31).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeatMetric {
    Grid(GridMetric),
    Probability(i32),
}

/// Parses `--metric`: a [`GridMetric`] name or `probability:YEAR`.
fn heat_metric(s: &str) -> Result<HeatMetric, String> {
    if let Some(year) = s.strip_prefix("probability:") {
        return match year.parse::<i32>() {
            Ok(y) if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(HeatMetric::Probability(y))
            }
            _ => Err(format!(
                "'{year}' is not a year (expected probability:YEAR, e.g. probability:2028)"
            )),
        };
    }
    GridMetric::from_str(s, false)
        .map(HeatMetric::Grid)
        .map_err(|_| {
            "expected binding_date, total_paid, foregone, present_value or probability:YEAR".into()
        })
}

/// What a rate × cap grid's heatmaps show in their cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum GridMetric {
    BindingDate,
    TotalPaid,
    Foregone,
    PresentValue,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// CSV files, workbooks or folders (every *.csv, *.tsv, *.txt, *.xlsx, *.xlsm, *.xls
    /// and *.ods in name order), or - for stdin.
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
    /// The sheet read from each workbook (.xlsx, .xls, .ods) [default: its first visible
    /// sheet]; BOOK.xlsx:SHEET names one for one file.
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

/// The terms of docs/spec.md §3.1 other than the cap (whose meaning differs by command).
#[derive(Debug, Args, Default)]
pub struct TermFlags {
    /// Share of revenue paid: 0.20 or 20% [default: 0.20]. Repeatable in `compare`
    /// only: several rates make a rate × cap grid.
    #[arg(long, value_name = "RATE", action = clap::ArgAction::Append, allow_hyphen_values = true, value_parser = signed_value)]
    pub rate: Vec<String>,
    /// The rate from a date on, DATE=RATE, e.g. 2029-01-01=15% (repeatable).
    #[arg(long = "rate-step", value_name = "DATE=RATE")]
    pub rate_steps: Vec<String>,
    /// Paid toward the cap before the term start, e.g. 5B [default: 0].
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true, value_parser = signed_value)]
    pub already_paid: Option<String>,
    /// Term start, YYYY-MM-DD [default: first day of each scenario's earliest period].
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Term end, inclusive, YYYY-MM-DD [default: 2030-12-31].
    #[arg(long, value_name = "DATE")]
    pub through: Option<String>,
    /// Annual discount rate for present values, e.g. 0.08 or 8% [default: none].
    #[arg(long, value_name = "RATE", allow_hyphen_values = true, value_parser = signed_value)]
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

// `revcap solve` and `revcap sensitivity` (what-if analysis, `crate::analysis`).

const SOLVE_HELP: &str = "\
Targets (give one): --binds-by DATE, --total-paid AMOUNT, --uncapped-total AMOUNT,
--foregone AMOUNT. The value is exact where the relation is linear or a threshold, and
found by bisection otherwise (to a day for dates, 1e-12 for rates and revenue factors);
a target out of reach is said in the output, not an error.

Examples:
  revcap solve --for revenue --uncapped-total 135B scenarios/feb2026.csv
  revcap solve --for cap --binds-by 2028-12-31 scenarios/feb2026.csv
  revcap solve --for rate --binds-by 2029-06-30 --format csv";

const SENSITIVITY_HELP: &str = "\
Default swings: rate=15%:25%, cap=-25%:+25%, revenue=-25%:+25% (every period scaled),
from=2026-01-01:2027-01-01, through=-1y:+1y, already_paid=0:5B, and
discount_rate=-25%:+25% when the terms have one. A signed percentage is relative to the
base value; dates take signed years or days (-1y, +90d).

Examples:
  revcap sensitivity
  revcap sensitivity scenarios/feb2026.csv --metric binding_date --no-charts
  revcap sensitivity --swing rate=10%:30% --swing cap=30B:46B --format csv --no-files";

/// The input `solve` solves for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SolveFor {
    Cap,
    Rate,
    /// A factor on every period's revenue.
    Revenue,
    #[value(name = "already_paid")]
    AlreadyPaid,
    From,
}

/// What `solve` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SolveFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).multiple(false)))]
pub struct SolveArgs {
    /// The input to solve for.
    #[arg(long = "for", value_enum, value_name = "INPUT")]
    pub input: SolveFor,
    /// Target: the cap binds on or before DATE (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", group = "target")]
    pub binds_by: Option<String>,
    /// Target: the total paid under the cap, e.g. 30B.
    #[arg(long, value_name = "AMOUNT", group = "target")]
    pub total_paid: Option<String>,
    /// Target: the total that would be paid with no cap, e.g. 135B.
    #[arg(long, value_name = "AMOUNT", group = "target")]
    pub uncapped_total: Option<String>,
    /// Target: uncapped total minus total paid, e.g. 50B.
    #[arg(long, value_name = "AMOUNT", group = "target")]
    pub foregone: Option<String>,
    /// CSV files, workbooks or folders (every *.csv, *.tsv, *.txt, *.xlsx, *.xlsm, *.xls
    /// and *.ods in name order), or - for stdin.
    #[arg(value_name = "PATHS", default_value = "scenarios/")]
    pub paths: Vec<String>,
    /// Terms file (TOML); replaces a folder's terms.toml. Flags override it.
    #[arg(long, value_name = "FILE")]
    pub terms: Option<PathBuf>,
    /// Total cap on payments, e.g. 38B, 38000000000, or none.
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true, value_parser = signed_value)]
    pub cap: Option<String>,
    /// What to print.
    #[arg(long, value_enum, default_value_t = SolveFormat::Table)]
    pub format: SolveFormat,
    /// Fail, not skip, when a folder's *.csv is no regular file.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub input_flags: InputFlags,
    #[command(flatten)]
    pub term_flags: TermFlags,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// CSV files, workbooks or folders (every *.csv, *.tsv, *.txt, *.xlsx, *.xlsm, *.xls
    /// and *.ods in name order), or - for stdin.
    #[arg(value_name = "PATHS", default_value = "scenarios/")]
    pub paths: Vec<String>,
    /// Terms file (TOML); replaces a folder's terms.toml. Flags override it.
    #[arg(long, value_name = "FILE")]
    pub terms: Option<PathBuf>,
    /// Total cap on payments, e.g. 38B, 38000000000, or none.
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true, value_parser = signed_value)]
    pub cap: Option<String>,
    /// An input's swing, NAME=LOW:HIGH, replacing its default (repeatable), e.g.
    /// rate=10%:30%, cap=-25%:+25%, revenue=0.5:1.5, through=-1y:+1y.
    #[arg(long, value_name = "NAME=LOW:HIGH")]
    pub swing: Vec<String>,
    /// What to measure (repeatable): binding_date, total_paid, foregone, present_value
    /// [default: all, present_value only with a discount rate].
    #[arg(long, value_name = "METRIC")]
    pub metric: Vec<String>,
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

/// A value that may start with `-` (`--rate -5%` is then said to be negative, not taken
/// for a flag), but not with `--`: that is the next flag, and this one's value missing.
fn signed_value(raw: &str) -> Result<String, String> {
    if raw.starts_with("--") {
        return Err("looks like the next flag: this flag's value is missing".into());
    }
    Ok(raw.to_string())
}
