//! Turns the parsed command line and TOML terms files into a validated [`Config`].
//! No clap type is seen past this module.
//!
//! Terms come from three layers (docs/spec.md §3.3): the defaults, then a terms file (`--terms`,
//! or a folder's `terms.toml`), then the flags, each overriding the one before.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use crate::cli::{self, Cli, Command, OutputArgs, TermFlags};
use crate::error::{quote, Error, Problem};
use crate::load::{DecimalMark, Delimiter, Reading};
use crate::model::{Date, FiscalStart, RateStep, Terms};
use crate::parse;
use crate::render::{Format, TermSources};
use crate::unit::Unit;

/// Everything a command needs, validated.
#[derive(Debug)]
pub struct Config {
    pub inputs: Vec<Input>,
    pub action: Action,
}

#[derive(Debug)]
pub enum Action {
    Run {
        terms: Terms,
        output: Output,
        /// Distributions (docs/montecarlo.md).
        distribution: Distribution,
    },
    Compare {
        /// The terms shared by `--cap`/`--caps` variants (and reported in JSON).
        terms: Terms,
        variants: Vec<Variant>,
        thresholds: bool,
        /// What the heatmaps of a rate × cap grid show.
        metric: cli::HeatMetric,
        output: Output,
        /// Distributions (docs/montecarlo.md).
        distribution: Distribution,
    },
    Validate {
        /// Problems already found in the paths and terms; loading adds the files'.
        problems: Vec<Problem>,
        /// Inputs, wrong paths and terms files in the order given: problems are
        /// reported grouped by these, in this order.
        order: Vec<String>,
        json: bool,
        /// The terms `run` would use on these inputs with no term flags, to check each
        /// scenario's coverage against; `None` when they do not resolve (a problem
        /// already reported).
        terms: Option<Terms>,
        /// Warnings fail the check too.
        strict: bool,
        /// Folder entries skipped (not scenario files though named like one): warnings.
        skipped: Vec<Problem>,
    },
    /// Print the completion script for a shell (docs/spec.md §5.10). The shell stays
    /// clap_complete's type: the script is generated from the clap definition itself.
    Completions { shell: clap_complete::Shell },
    /// Print the man page, or write every page into a folder (docs/spec.md §5.10).
    Man { dir: Option<PathBuf> },
    /// List the built-in scenarios and terms, or write them into a folder.
    Scenarios { export: Option<PathBuf> },
    /// The value of one input at which a target holds, per scenario (docs/spec.md §5.11).
    Solve {
        terms: Terms,
        input: crate::analysis::Input,
        target: crate::analysis::solve::Target,
        format: cli::SolveFormat,
    },
    /// Each input swung low and high around `terms` (docs/spec.md §5.12).
    Sensitivity {
        terms: Terms,
        swings: Vec<crate::analysis::sensitivity::Swing>,
        metrics: Vec<crate::analysis::sensitivity::Metric>,
        output: Output,
    },
    /// Draw Monte Carlo paths around the inputs' scenarios (docs/montecarlo.md).
    Simulate(Simulate),
}

/// One set of terms to compare, with its display name (`38B`, `none`, a file stem).
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    pub terms: Terms,
    /// Whether it is a whole terms file (`--terms`) rather than a cap on the shared terms.
    pub from_file: bool,
}

/// A scenario source, with how its columns are separated (docs/spec.md §2) and the
/// month its fiscal years start in (§2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin(Reading),
    /// A file, and for a workbook the sheet named (`book.xlsx:SHEET` or `--sheet`; the
    /// first visible sheet when `None`).
    File(PathBuf, Reading, Option<String>),
    /// A bundled scenario file compiled into the binary ([`crate::builtin`]), read
    /// where `scenarios/` does not exist.
    Builtin(&'static crate::builtin::File, Reading),
}

impl Input {
    /// How messages and outputs name it: the path as given, or `-`.
    pub fn origin(&self) -> String {
        match self {
            Input::Stdin(..) => "-".into(),
            Input::File(p, ..) => p.display().to_string(),
            Input::Builtin(f, _) => f.origin(),
        }
    }
    /// The scenario name a long file without a `scenario` column gets.
    pub fn stem(&self) -> String {
        match self {
            Input::Stdin(..) => "stdin".into(),
            Input::Builtin(f, _) => f.stem().into(),
            Input::File(p, ..) => p
                .file_stem()
                .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// What to print on stdout.
    pub format: Format,
    /// Folder for files; `None` with `--no-files`.
    pub dir: Option<PathBuf>,
    /// `None` with `--no-charts` (or `--no-files`).
    pub charts: Option<ChartOptions>,
    /// The unit of the amounts (`--unit`), whether to show them exactly (`--exact`),
    /// and where each shared term came from, for the printed views.
    pub shown: crate::render::Shown,
    /// `--no-wait`: fail at once when another run is writing to `dir`.
    pub no_wait: bool,
    /// `--report`: write report.html (not with `--no-files`).
    pub report: bool,
    /// `--xlsx`: write revcap.xlsx (not with `--no-files`).
    pub xlsx: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartOptions {
    pub png: bool,
    pub svg: bool,
    pub width: u32,
    pub height: u32,
}

/// Terms as given by one layer: `None` means "not given here".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartialTerms {
    pub rate: Option<Decimal>,
    pub rate_steps: Option<Vec<RateStep>>,
    pub cap: Option<Option<Decimal>>,
    pub already_paid: Option<Decimal>,
    pub from: Option<Date>,
    pub through: Option<Date>,
    pub discount_rate: Option<Option<Decimal>>,
    /// Which layer gave each term that is given, by its terms-file key (`rate_step`
    /// for the steps), so a message can blame the value's real source (docs/spec.md
    /// §3.3); a key absent here is the default.
    pub sources: BTreeMap<&'static str, Source>,
}

/// Where one term's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Not given anywhere: revcap's default.
    Default,
    /// A flag, e.g. `--from`.
    Flag(&'static str),
    /// A key of a terms file (given with `--terms` or found beside the inputs).
    File { path: String, line: u64 },
}

impl Source {
    /// How a message names this source when it mentions `key`'s value in passing.
    fn describe(&self, key: &str) -> String {
        match self {
            Source::Default => format!("the default {key}"),
            Source::Flag(flag) => (*flag).to_string(),
            Source::File { path, line } => format!("{key} in {path}, line {line}"),
        }
    }

    /// How much a layer overrides: a flag beats a file beats the default.
    fn rank(&self) -> u8 {
        match self {
            Source::Default => 0,
            Source::File { .. } => 1,
            Source::Flag(_) => 2,
        }
    }

    /// A problem with `key`'s value, blamed on this source.
    fn problem(&self, key: &str, message: String) -> Problem {
        match self {
            Source::Default => Problem::new("terms", message),
            Source::Flag(flag) => Problem::new(*flag, message),
            Source::File { path, line } => {
                Problem::new(path.as_str(), message).line(*line).key(key)
            }
        }
    }
}

impl PartialTerms {
    /// `self` with every value `over` gives replacing this one's.
    pub fn overridden_by(mut self, over: &PartialTerms) -> PartialTerms {
        macro_rules! take {
            ($($f:ident),*) => { $( if over.$f.is_some() { self.$f = over.$f.clone(); } )* };
        }
        take!(
            rate,
            rate_steps,
            cap,
            already_paid,
            from,
            through,
            discount_rate
        );
        // `over` has a source for exactly the terms it gives.
        for (key, source) in &over.sources {
            self.sources.insert(key, source.clone());
        }
        self
    }

    /// Where every term's value comes from, as the printed views and JSON name it
    /// (docs/spec.md §5.5): a flag, a terms file's path, or `default`.
    pub fn sources(&self) -> TermSources {
        TermSources(
            KEYS.iter()
                .map(|key| {
                    let text = match self.source(key) {
                        Source::Default => "default".to_string(),
                        Source::Flag(flag) => flag.to_string(),
                        Source::File { path, .. } => path,
                    };
                    (*key, text)
                })
                .collect(),
        )
    }

    /// Where `key`'s value comes from.
    pub fn source(&self, key: &str) -> Source {
        self.sources.get(key).cloned().unwrap_or(Source::Default)
    }

    /// Fills in the defaults and checks that the whole makes sense. A problem names
    /// the layer that gave the offending value (docs/spec.md §3.3).
    pub fn resolve(self) -> Result<Terms, Problem> {
        let d = Terms::default();
        let mut steps = self.rate_steps.clone().unwrap_or_default();
        steps.sort_by_key(|s| s.from);
        let repeated = steps.windows(2).find_map(|w| match w {
            [a, b] if a.from == b.from => Some(a.from),
            _ => None,
        });
        if let Some(date) = repeated {
            return Err(self.source("rate_step").problem(
                "rate_step",
                format!("has two rate steps from {date}; give each date once"),
            ));
        }
        let terms = Terms {
            rate: self.rate.unwrap_or(d.rate),
            rate_steps: steps,
            cap: self.cap.unwrap_or(d.cap),
            already_paid: self.already_paid.unwrap_or(d.already_paid),
            from: self.from.or(d.from),
            through: self.through.unwrap_or(d.through),
            discount_rate: self.discount_rate.unwrap_or(d.discount_rate),
        };
        if let Some(from) = terms.from {
            if from > terms.through {
                return Err(self.term_backwards(from, terms.through));
            }
        }
        Ok(terms)
    }

    /// The problem of a term that starts after it ends, blamed on the layer that gave
    /// the later word: a flag over a file, a file over the default, `--from` when both
    /// are flags. The other date's source is named in brackets.
    fn term_backwards(&self, from: Date, through: Date) -> Problem {
        let (from_src, through_src) = (self.source("from"), self.source("through"));
        if let (
            Source::File {
                path: a,
                line: from_line,
            },
            Source::File {
                path: b,
                line: through_line,
            },
        ) = (&from_src, &through_src)
        {
            if a == b {
                // Both in one file: at the later of the two keys, naming the other's line.
                let (line, key, other) = if through_line >= from_line {
                    (
                        *through_line,
                        "through",
                        format!("from on line {from_line}"),
                    )
                } else {
                    (
                        *from_line,
                        "from",
                        format!("through on line {through_line}"),
                    )
                };
                return Problem::new(a.as_str(), format!(
                    "the term starts on {from}, after it ends on {through} ({other}); from must not be after through"
                ))
                .line(line)
                .key(key);
            }
        }
        if from_src.rank() >= through_src.rank() {
            from_src
                .problem(
                    "from",
                    format!(
                        "is after the term's end, {through} ({}); from must not be after through",
                        through_src.describe("through")
                    ),
                )
                .value(&from.to_string())
        } else {
            through_src
                .problem(
                    "through",
                    format!(
                        "is before the term's start, {from} ({}); through must not be before from",
                        from_src.describe("from")
                    ),
                )
                .value(&through.to_string())
        }
    }
}

impl TryFrom<Cli> for Config {
    type Error = Error;

    fn try_from(cli: Cli) -> Result<Config, Error> {
        match cli.command {
            Command::Run(a) => {
                let (inputs, folder_terms) = expand_paths(
                    &a.paths,
                    reading(&a.input, a.output.unit.as_deref())?,
                    a.input.sheet.as_deref(),
                    a.strict,
                )?;
                note_built_in_terms(&a.terms);
                let flags = flag_terms(&a.term_flags, a.cap.as_deref())?;
                let (terms, sources) = shared_terms(a.terms.as_deref(), &folder_terms, &flags)?;
                let mut output = output(&a.output)?;
                note_folder_terms_unshown(a.terms.as_deref(), &folder_terms, &output);
                output.shown.sources = sources;
                refuse_output_among_inputs(&a.paths, &output)?;
                let distribution = distribution(&a.distribution, terms.from)?;
                Ok(Config {
                    inputs,
                    action: Action::Run {
                        terms,
                        output,
                        distribution,
                    },
                })
            }
            Command::Compare(a) => {
                let (inputs, folder_terms) = expand_paths(
                    &a.paths,
                    reading(&a.input, a.output.unit.as_deref())?,
                    a.input.sheet.as_deref(),
                    a.strict,
                )?;
                note_built_in_terms(&a.terms);
                // Several rates (or a range) make a grid: then no --rate is a shared term.
                let grid = a.term_flags.rate.len() > 1 || a.rates.is_some();
                let flags = flag_terms_in(&a.term_flags, None, grid)?;
                // Terms files are variants here, not shared terms: the folder's
                // terms.toml (or the defaults) with the flags on top is what every
                // --cap/--caps variant, the thresholds and the JSON "terms" use.
                let (shared, sources) = shared_terms(None, &folder_terms, &flags)?;
                let mut output = output(&a.output)?;
                note_folder_terms_unshown(None, &folder_terms, &output);
                // A cap's short name reads at the unit's scale: 30000 in $M is `30B`.
                let scale = output.shown.unit.as_ref().map_or(0, |u| u.scale.exponent());
                let name = |cap: Decimal| {
                    let power = Decimal::from_i128_with_scale(10i128.pow(scale), 0);
                    short_amount(cap.checked_mul(power).unwrap_or(cap))
                };
                let variants = if grid {
                    let rates = grid_rates(&a.term_flags.rate, a.rates.as_deref())?;
                    grid_variants(
                        &rates,
                        &a.cap,
                        a.caps.as_deref(),
                        &a.terms,
                        &shared,
                        &flags,
                        &name,
                    )?
                } else {
                    variants(&a.cap, a.caps.as_deref(), &a.terms, &shared, &flags, &name)?
                };
                output.shown.sources = sources;
                refuse_output_among_inputs(&a.paths, &output)?;
                if a.distribution.path_files {
                    return Err(Error::Usage(
                        "error: --path-files is for run (compare --paths writes the bases' rows only)"
                            .into(),
                    ));
                }
                let distribution = distribution(&a.distribution, shared.from)?;
                Ok(Config {
                    inputs,
                    action: Action::Compare {
                        terms: shared,
                        variants,
                        thresholds: a.thresholds,
                        metric: a.metric,
                        output,
                        distribution,
                    },
                })
            }
            Command::Validate(a) => {
                // Paths that are missing are problems like any other: the paths that
                // exist are still checked, so one pass reports everything.
                let Found {
                    inputs,
                    terms: folder_terms,
                    mut problems,
                    mut order,
                    skipped,
                } = find_inputs(
                    &a.paths,
                    reading(&a.input, a.unit.as_deref())?,
                    a.input.sheet.as_deref(),
                )?;
                note_built_in_terms(&a.terms);
                let mut files: Vec<PathBuf> = a.terms.iter().cloned().collect();
                // Only when every terms file reads: otherwise its problems are reported
                // and coverage is not checked.
                let mut terms_problems = Vec::new();
                let term_flags = TermFlags {
                    from: a.from.clone(),
                    through: a.through.clone(),
                    ..TermFlags::default()
                };
                let flags = flag_terms(&term_flags, None).unwrap_or_else(|e| {
                    if let Error::Problems(mut p) = e {
                        terms_problems.append(&mut p);
                    }
                    PartialTerms::default()
                });
                let coverage_terms = |problems: &[Problem]| {
                    problems.is_empty().then(|| {
                        shared_terms(a.terms.as_deref(), &folder_terms, &flags)
                            .ok()
                            .map(|(terms, _)| terms)
                    })
                };
                for f in folder_terms.iter().flatten() {
                    if !files.contains(&f.path) {
                        files.push(f.path.clone());
                    }
                }
                for f in &files {
                    match read_terms_file(f) {
                        Ok(t) => {
                            if let Err(p) = t.resolve() {
                                terms_problems.push(p);
                            }
                        }
                        Err(Error::Problems(mut p)) => terms_problems.append(&mut p),
                        Err(Error::Read { path, source }) => terms_problems.push(Problem::new(
                            path.display().to_string(),
                            format!("cannot read: {source}"),
                        )),
                        Err(e) => return Err(e),
                    }
                }
                let terms = coverage_terms(&terms_problems).flatten();
                problems.append(&mut terms_problems);
                let json = a.format == cli::ValidateFormat::Json;
                order.extend(files.iter().map(|f| f.display().to_string()));
                Ok(Config {
                    inputs,
                    action: Action::Validate {
                        problems,
                        order,
                        json,
                        terms,
                        strict: a.strict,
                        skipped,
                    },
                })
            }
            // These read no inputs: they describe revcap itself, so they work anywhere.
            Command::Completions(a) => Ok(Config {
                inputs: Vec::new(),
                action: Action::Completions { shell: a.shell },
            }),
            Command::Man(a) => Ok(Config {
                inputs: Vec::new(),
                action: Action::Man { dir: a.output },
            }),
            Command::Scenarios(a) => Ok(Config {
                inputs: Vec::new(),
                action: Action::Scenarios { export: a.export },
            }),
            Command::Solve(a) => solve_config(a),
            Command::Sensitivity(a) => sensitivity_config(a),
            Command::Simulate(a) => simulate(a),
        }
    }
}

/// A `terms.toml` beside an input (docs/spec.md §3.3).
#[derive(Debug, Clone)]
struct FolderTerms {
    /// As messages name it: the folder as given, or a named file's folder, joined with
    /// `terms.toml`.
    path: PathBuf,
    /// Whether the input was found by naming its folder; if not, the user may not know
    /// these terms apply, so a run says so.
    folder_named: bool,
}

impl FolderTerms {
    /// The bundled `terms.toml`, beside the built-in scenarios; [`read_terms_file`]
    /// reads it from the binary.
    fn built_in(folder_named: bool) -> FolderTerms {
        FolderTerms {
            path: PathBuf::from(crate::builtin::TERMS.origin()),
            folder_named,
        }
    }

    /// The `terms.toml` in `folder`, if there is one.
    fn find(folder: &Path, folder_named: bool) -> Option<FolderTerms> {
        let path = folder.join("terms.toml");
        path.is_file().then_some(FolderTerms { path, folder_named })
    }

    /// Names the same file as `other`, however each was reached
    /// (`scenarios/terms.toml`, `./scenarios/terms.toml`).
    fn same_file(&self, other: &FolderTerms) -> bool {
        let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        self.path == other.path || real(&self.path) == real(&other.path)
    }
}

/// Expands PATHS into inputs, remembering for each input the `terms.toml` of the
/// folder it is in (if any); fails if any path is wrong.
/// Entries of a folder that are skipped are warned about on stderr, or, with
/// `strict`, are problems too.
fn expand_paths(
    paths: &[String],
    reading: Reading,
    sheet: Option<&str>,
    strict: bool,
) -> Result<(Vec<Input>, Vec<Option<FolderTerms>>), Error> {
    let mut found = find_inputs(paths, reading, sheet)?;
    if strict {
        found
            .problems
            .extend(found.skipped.into_iter().map(|mut p| {
                p.message = match p.message.strip_prefix("skipped: ") {
                    Some(why) => format!("not read: {why} (--strict)"),
                    None => p.message,
                };
                p
            }));
    } else {
        let mut err = std::io::stderr().lock();
        for p in &found.skipped {
            let _ = writeln!(err, "warning: {p}");
        }
    }
    if found.problems.is_empty() {
        Ok((found.inputs, found.terms))
    } else {
        Err(found.problems.into())
    }
}

/// Whether a file in a folder named as a path is a scenario file: `*.csv`, `*.tsv` or
/// `*.txt`, whichever their delimiter (docs/spec.md §2), or a workbook (`*.xlsx`,
/// `*.xlsm`, `*.xls`, `*.ods`: §2.7).
fn is_scenario_file(path: &Path) -> bool {
    path.extension().is_some_and(|x| {
        ["csv", "tsv", "txt"]
            .iter()
            .any(|e| x.eq_ignore_ascii_case(e))
    }) || crate::load::is_workbook(path)
}

/// Whether `path` is the lock file Excel keeps beside a workbook it has open
/// (`~$book.xlsx`): named like a workbook, but no workbook.
fn is_lock_file(path: &Path) -> bool {
    crate::load::is_workbook(path)
        && path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("~$"))
}

/// How the files are read: the delimiter, the decimal mark (`--decimal-comma`,
/// `--decimal-point`, or decided per file) and the currency `--unit` names, whose
/// sign amount cells may carry (docs/spec.md §2.4), and the month fiscal years start in
/// (§2.3).
fn reading(a: &cli::InputFlags, unit: Option<&str>) -> Result<Reading, Error> {
    let decimal = match (a.decimal_comma, a.decimal_point) {
        (true, _) => DecimalMark::Given(crate::parse::Mark::Comma),
        (_, true) => DecimalMark::Given(crate::parse::Mark::Point),
        _ => DecimalMark::Sniff,
    };
    let fiscal = match a.fiscal_year_start.as_deref() {
        None => FiscalStart::default(),
        Some(raw) => parse::fiscal_start(raw)
            .map_err(|m| Error::from(Problem::new("--fiscal-year-start", m).value(raw)))?,
    };
    Ok(Reading {
        delimiter: delimiter(a)?,
        decimal,
        currency: unit.and_then(crate::parse::currency_of),
        fiscal,
        unit_scale: unit
            .and_then(|u| crate::unit::Unit::parse(u).ok())
            .filter(|u| u.scale != crate::unit::Scale::One)
            // In the singular, as the header's scales are named (`million`).
            .map(|u| u.scale.word().trim_end_matches('s')),
    })
}

/// `--delimiter` as given, or sniffing from each file's header when absent.
fn delimiter(a: &cli::InputFlags) -> Result<Delimiter, Error> {
    match a.delimiter.as_deref() {
        None => Ok(Delimiter::Sniff),
        Some(raw) => Delimiter::parse(raw).ok_or_else(|| {
            Problem::new(
                "--delimiter",
                "is not a delimiter (expected , ';' tab or '|')",
            )
            .value(raw)
            .into()
        }),
    }
}

/// What PATHS name.
struct Found {
    inputs: Vec<Input>,
    /// For each input, its folder's `terms.toml`, if any.
    terms: Vec<Option<FolderTerms>>,
    /// One for each path that names no input.
    problems: Vec<Problem>,
    /// Inputs and wrong paths as messages name them, in the order given.
    order: Vec<String>,
    /// One for each entry of a folder that is named like a scenario file but is not
    /// one (a subfolder, a FIFO, a broken link), in the order found.
    skipped: Vec<Problem>,
}

/// How the built-in scenarios are read whatever the flags say: they are comma
/// separated, with decimal points and calendar years (a `--decimal-comma` meant for the
/// user's files must not turn their 3.7B into 37B).
const BUILT_IN_READING: Reading = Reading {
    delimiter: Delimiter::Sniff,
    decimal: DecimalMark::Given(crate::parse::Mark::Point),
    currency: None,
    fiscal: FiscalStart::JANUARY,
    unit_scale: None,
};

/// The inputs PATHS name (with each one's folder `terms.toml`), and a problem for each
/// path that names none. Only a usage error (stdin twice) fails outright.
fn find_inputs(paths: &[String], reading: Reading, sheet: Option<&str>) -> Result<Found, Error> {
    let sheet = sheet.map(str::to_string);
    let mut inputs = Vec::new();
    let mut terms = Vec::new();
    let mut problems: Vec<Problem> = Vec::new();
    let mut order: Vec<String> = Vec::new();
    let mut skipped: Vec<Problem> = Vec::new();
    let mut stdin_seen = false;
    for raw in paths {
        if raw == "-" {
            if stdin_seen {
                return Err(Error::Usage(
                    "error: - (stdin) given twice; stdin can be read once".into(),
                ));
            }
            stdin_seen = true;
            inputs.push(Input::Stdin(reading));
            terms.push(None);
            order.push(raw.clone());
            continue;
        }
        let path = PathBuf::from(raw);
        if crate::builtin::folder(raw) {
            // No scenarios/ here: the bundled scenarios and their terms.toml stand in.
            note_built_in(raw);
            let terms_file = FolderTerms::built_in(true);
            for f in &crate::builtin::SCENARIOS {
                let input = Input::Builtin(f, BUILT_IN_READING);
                order.push(input.origin());
                inputs.push(input);
                terms.push(Some(terms_file.clone()));
            }
            continue;
        }
        if let Some(f) = crate::builtin::scenario(raw) {
            note_built_in(raw);
            inputs.push(Input::Builtin(f, BUILT_IN_READING));
            terms.push(Some(FolderTerms::built_in(false)));
            order.push(raw.clone());
            continue;
        }
        if path.is_dir() {
            let entries = match std::fs::read_dir(&path) {
                Ok(e) => e,
                Err(e) => {
                    problems.push(Problem::new(raw, format!("cannot read folder: {e}")));
                    order.push(raw.clone());
                    continue;
                }
            };
            let mut named: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| is_scenario_file(p))
                .collect();
            named.sort();
            // An entry named like a scenario file that is not a readable regular file
            // is skipped, but said (docs/spec.md §2): never opened, so a FIFO cannot
            // block.
            let mut csvs = Vec::with_capacity(named.len());
            for p in named {
                if is_lock_file(&p) {
                    skipped.push(Problem::new(
                        p.display().to_string(),
                        "skipped: an Excel lock file (its workbook is open in Excel)",
                    ));
                    continue;
                }
                match unreadable_entry(&p) {
                    None => csvs.push(p),
                    Some(why) => skipped.push(Problem::new(
                        p.display().to_string(),
                        format!("skipped: {why}"),
                    )),
                }
            }
            if csvs.is_empty() {
                problems.push(Problem::new(
                    raw,
                    "is a folder with no *.csv, *.tsv, *.txt, *.xlsx, *.xlsm, *.xls or *.ods files",
                ));
                order.push(raw.clone());
            }
            let folder_terms = FolderTerms::find(&path, true);
            skip_odd_terms(&path, &mut skipped);
            for f in csvs {
                let input = Input::File(f, reading, sheet.clone());
                order.push(input.origin());
                inputs.push(input);
                terms.push(folder_terms.clone());
            }
        } else if path.is_file() {
            // A file's folder is its parent; a bare `x.csv` is in the current folder,
            // whose `terms.toml` joins as plain `terms.toml`.
            let folder = path.parent().unwrap_or_else(|| Path::new(""));
            terms.push(FolderTerms::find(folder, false));
            skip_odd_terms(folder, &mut skipped);
            inputs.push(Input::File(path, reading, sheet.clone()));
            order.push(raw.clone());
        } else if let Some((file, named)) = crate::load::split_sheet(raw)
            .filter(|(file, _)| !path.exists() && Path::new(file).is_file())
        {
            // `book.xlsx:Revenue`: that sheet of the workbook, whatever --sheet says.
            let file = PathBuf::from(file);
            let folder = file.parent().unwrap_or_else(|| Path::new(""));
            terms.push(FolderTerms::find(folder, false));
            skip_odd_terms(folder, &mut skipped);
            inputs.push(Input::File(file, reading, Some(named.to_string())));
            order.push(raw.clone());
        } else if path.exists() {
            problems.push(Problem::new(raw, "is neither a file nor a folder"));
            order.push(raw.clone());
        } else {
            problems.push(Problem::new(
                raw,
                "does not exist (expected a CSV file or workbook, a folder of them, or -)",
            ));
            order.push(raw.clone());
        }
    }
    Ok(Found {
        inputs,
        terms,
        problems,
        order,
        skipped,
    })
}

/// A `terms.toml` in `folder` that is there but is not a regular file (a broken link,
/// a folder) gives no terms: said once among the skipped entries, not passed over in
/// silence for the defaults.
fn skip_odd_terms(folder: &Path, skipped: &mut Vec<Problem>) {
    let path = folder.join("terms.toml");
    if std::fs::symlink_metadata(&path).is_err() {
        skip_terms_in_other_case(folder, skipped);
        return;
    }
    if let Some(why) = unreadable_entry(&path) {
        let p = Problem::new(path.display().to_string(), format!("skipped: {why}"));
        if !skipped.contains(&p) {
            skipped.push(p);
        }
    }
}

/// A `Terms.toml` (or any other case of the name) where no `terms.toml` is: only the
/// lower-case name is read, so the run takes the defaults; said among the skipped
/// entries rather than left to the terms line (`tests/cli.rs::a_terms_file_named_in_another_case_is_warned_of`).
fn skip_terms_in_other_case(folder: &Path, skipped: &mut Vec<Problem>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if name != "terms.toml" && name.eq_ignore_ascii_case("terms.toml") {
            let p = Problem::new(
                e.path().display().to_string(),
                "skipped: terms are read from terms.toml, in lower case (rename it, or pass --terms FILE)",
            );
            if !skipped.contains(&p) {
                skipped.push(p);
            }
        }
    }
}

/// Why the folder entry `path` (named like a scenario file) is not read, or `None`
/// when it is a regular file (or a link to one). Only metadata is asked: a FIFO is
/// never opened.
fn unreadable_entry(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => None,
        Ok(m) if m.is_dir() => Some("a folder, not a file".into()),
        Ok(m) => {
            use std::os::unix::fs::FileTypeExt;
            let t = m.file_type();
            Some(if t.is_fifo() {
                "a FIFO, not a regular file".into()
            } else if t.is_socket() {
                "a socket, not a regular file".into()
            } else {
                "a device, not a regular file".into()
            })
        }
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => Some("a link that loops".into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match std::fs::read_link(path) {
            Ok(target) => Some(format!("a link to nothing ({})", target.display())),
            Err(_) => Some("removed while being read".into()),
        },
        Err(e) => Some(format!("cannot read: {e}")),
    }
}

/// The one set of terms a run uses: `--terms` if given, otherwise the `terms.toml`
/// beside the inputs (which must agree), with the flags on top. Says on stderr when
/// that `terms.toml` is in a folder the user did not name.
fn shared_terms(
    terms_file: Option<&Path>,
    folder_terms: &[Option<FolderTerms>],
    flags: &PartialTerms,
) -> Result<(Terms, TermSources), Error> {
    let mut note = None;
    let base = match terms_file {
        Some(f) => read_terms_file(f)?,
        None => {
            let mut distinct: Vec<&Option<FolderTerms>> = Vec::new();
            for t in folder_terms {
                let seen = distinct.iter().any(|d| match (d, t) {
                    (Some(a), Some(b)) => a.same_file(b),
                    (None, None) => true,
                    _ => false,
                });
                if !seen {
                    distinct.push(t);
                }
            }
            match distinct.as_slice() {
                [] | [None] => PartialTerms::default(),
                [Some(f)] => {
                    if !folder_terms.iter().flatten().any(|t| t.folder_named) {
                        let inputs = if folder_terms.len() == 1 {
                            "the input file"
                        } else {
                            "the input files"
                        };
                        note = Some(format!(
                            "note: terms from {} (beside {inputs}; --terms FILE to use others)",
                            crate::error::printable(&f.path.display().to_string())
                        ));
                    }
                    read_terms_file(&f.path)?
                }
                _ => {
                    let names: Vec<String> = distinct
                        .iter()
                        .map(|t| {
                            t.as_ref().map_or_else(
                                || "the defaults".into(),
                                |t| t.path.display().to_string(),
                            )
                        })
                        .collect();
                    return Err(Problem::new(
                        "terms",
                        format!(
                            "the inputs come under different terms ({}); run them separately or pass --terms FILE",
                            names.join(", ")
                        ),
                    )
                    .into());
                }
            }
        }
    };
    let layered = base.overridden_by(flags);
    let sources = layered.sources();
    let terms = layered.resolve()?;
    if let Some(note) = note {
        // Like the loader's warnings: a line on stderr, the run goes on.
        let _ = writeln!(std::io::stderr(), "{note}");
    }
    Ok((terms, sources))
}

/// Says on stderr which `terms.toml` a named folder gave when stdout is CSV, which has
/// no terms line to say it (the table's first line and the JSON's sources do): the
/// cap of a CSV piped elsewhere may come from a file nobody named. Beside files
/// named one by one, [`shared_terms`] says it whatever the format.
fn note_folder_terms_unshown(
    terms_file: Option<&Path>,
    folder_terms: &[Option<FolderTerms>],
    output: &Output,
) {
    if terms_file.is_some() || output.format != crate::render::Format::Csv {
        return;
    }
    if let Some(t) = folder_terms.iter().flatten().find(|t| t.folder_named) {
        if folder_terms.iter().flatten().all(|f| f.same_file(t)) {
            let _ = writeln!(
                std::io::stderr(),
                "note: terms from {} (in the input folder; --terms FILE to use others)",
                crate::error::printable(&t.path.display().to_string())
            );
        }
    }
}

/// Says on stderr that `raw`, which does not exist here, stands for built-in files.
/// A `built-in:NAME` asked for by that name needs no note.
fn note_built_in(raw: &str) {
    if !raw.starts_with(crate::builtin::PREFIX) {
        let _ = writeln!(std::io::stderr(), "{}", crate::builtin::note(raw));
    }
}

/// Says on stderr which of the terms files `files` are read from the binary
/// ([`read_terms_file`]).
fn note_built_in_terms<'a>(files: impl IntoIterator<Item = &'a PathBuf>) {
    for f in files {
        if crate::builtin::terms(f).is_some() {
            note_built_in(&f.display().to_string());
        }
    }
}

/// The terms given as flags. `cap` is `run`'s single `--cap`.
fn flag_terms(f: &TermFlags, cap: Option<&str>) -> Result<PartialTerms, Error> {
    flag_terms_in(f, cap, false)
}

/// [`flag_terms`]; with `grid` (`compare` given several rates or `--rates`) the
/// `--rate`s are the grid's rates, read by [`grid_rates`], not a shared term. Outside
/// `compare` a repeated `--rate` is refused.
fn flag_terms_in(f: &TermFlags, cap: Option<&str>, grid: bool) -> Result<PartialTerms, Error> {
    let mut problems = Vec::new();
    let one_rate = match f.rate.as_slice() {
        [] => None,
        _ if grid => None,
        [one] => Some(one.as_str()),
        [_, more @ ..] => {
            return Err(Problem::new(
                "--rate",
                format!(
                    "is given {} times; only compare takes several rates (a rate × cap grid)",
                    more.len() + 1
                ),
            )
            .into())
        }
    };
    let rate = flag(&mut problems, "--rate", one_rate, parse::rate);
    let cap = flag(&mut problems, "--cap", cap, parse::cap);
    let already_paid = flag(
        &mut problems,
        "--already-paid",
        f.already_paid.as_deref(),
        parse::non_negative,
    );
    let from = flag(&mut problems, "--from", f.from.as_deref(), parse::date);
    let through = flag(
        &mut problems,
        "--through",
        f.through.as_deref(),
        parse::date,
    );
    let discount_rate = flag(
        &mut problems,
        "--discount-rate",
        f.discount_rate.as_deref(),
        optional_rate,
    );
    let mut steps = Vec::new();
    for raw in &f.rate_steps {
        match rate_step(raw) {
            Ok(s) => steps.push(s),
            Err(msg) => problems.push(Problem::new("--rate-step", msg).value(raw)),
        }
    }
    if !problems.is_empty() {
        return Err(problems.into());
    }
    let rate_steps = (!f.rate_steps.is_empty()).then_some(steps);
    let given = [
        ("rate", "--rate", rate.is_some()),
        ("rate_step", "--rate-step", rate_steps.is_some()),
        ("cap", "--cap", cap.is_some()),
        ("already_paid", "--already-paid", already_paid.is_some()),
        ("from", "--from", from.is_some()),
        ("through", "--through", through.is_some()),
        ("discount_rate", "--discount-rate", discount_rate.is_some()),
    ];
    let sources = given
        .into_iter()
        .filter(|(_, _, is)| *is)
        .map(|(key, flag, _)| (key, Source::Flag(flag)))
        .collect();
    Ok(PartialTerms {
        rate,
        rate_steps,
        cap,
        already_paid,
        from,
        through,
        discount_rate,
        sources,
    })
}

/// Parses one flag's value, recording a problem (and giving `None`) if it is bad.
fn flag<T>(
    problems: &mut Vec<Problem>,
    name: &str,
    raw: Option<&str>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<T> {
    let raw = raw?;
    parse(raw)
        .map_err(|msg| problems.push(Problem::new(name, msg).value(raw)))
        .ok()
}

/// A rate, or `none`.
fn optional_rate(raw: &str) -> Result<Option<Decimal>, String> {
    if raw.trim().eq_ignore_ascii_case("none") {
        Ok(None)
    } else {
        parse::rate(raw).map(Some)
    }
}

fn rate_step(raw: &str) -> Result<RateStep, String> {
    let (date, rate) = raw
        .split_once('=')
        .ok_or("is not DATE=RATE (expected e.g. 2029-01-01=0.15 or 2029-01-01=15%)")?;
    Ok(RateStep {
        from: parse::date(date).map_err(|m| format!("{m}, before the ="))?,
        rate: parse::rate(rate).map_err(|m| format!("{m}, after the ="))?,
    })
}

/// The keys of a terms file, in the order messages list them.
const KEYS: [&str; 7] = [
    "rate",
    "rate_step",
    "cap",
    "already_paid",
    "from",
    "through",
    "discount_rate",
];
const TERM_KEYS: &str = "rate, rate_step, cap, already_paid, from, through, discount_rate";

/// Reads a TOML terms file (docs/spec.md §3.2). Values may be strings (`cap = "38B"`,
/// `rate = "20%"`) or TOML numbers and dates. A TOML float is a binary float, so it is
/// read through its shortest decimal form, which is the number as written for up to
/// 15 significant digits; quote longer numbers.
///
/// A path to one of the bundled terms files that does not exist here
/// (`scenarios/terms/reported.toml` run elsewhere) reads the built-in copy
/// ([`crate::builtin::terms`]); [`note_built_in_terms`] says so.
pub fn read_terms_file(path: &Path) -> Result<PartialTerms, Error> {
    if let Some(f) = crate::builtin::terms(path) {
        return parse_terms(f.text, &f.origin());
    }
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_terms(&text, &path.display().to_string())
}

/// Parses the text of a terms file; `origin` names it in messages.
pub fn parse_terms(text: &str, origin: &str) -> Result<PartialTerms, Error> {
    type Spanned<T> = toml::Spanned<T>;
    let line_of = |pos: usize| {
        text.get(..pos)
            .map_or(1, |t| t.matches('\n').count() as u64 + 1)
    };
    let table: BTreeMap<Spanned<String>, Spanned<toml::Value>> =
        toml::from_str(text).map_err(|e| {
            if let Some((p, at)) = e.span().and_then(|span| toml_overflow(text, span, origin)) {
                return Error::from(p.line(line_of(at)));
            }
            let mut p = Problem::new(origin, format!("is not valid TOML: {}", e.message()));
            if let Some(span) = e.span() {
                p = p.line(line_of(span.start));
            }
            Error::from(p)
        })?;
    let mut out = PartialTerms::default();
    let mut problems = Vec::new();
    // In file order, so problems are reported line by line.
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    for (key, value) in entries {
        let line = line_of(key.span().start);
        let (k, v) = (key.get_ref().as_str(), value.get_ref());
        let at = |msg: String, t: &str| Problem::new(origin, msg).line(line).key(k).value(t);
        if let Some(key) = KEYS.iter().find(|key| **key == k) {
            out.sources.insert(
                key,
                Source::File {
                    path: origin.to_string(),
                    line,
                },
            );
        }
        if k == "rate_step" {
            match rate_steps_toml(v) {
                Ok(s) => out.rate_steps = Some(s),
                Err((n, m)) => {
                    // An entry's problem at its own `[[rate_step]]` header, when it has one.
                    let line = n
                        .and_then(|n| table_header_line(text, k, n))
                        .unwrap_or(line);
                    problems.push(Problem::new(origin, m).line(line).key(k));
                }
            }
            continue;
        }
        if ![
            "rate",
            "cap",
            "already_paid",
            "from",
            "through",
            "discount_rate",
        ]
        .contains(&k)
        {
            problems.push(
                Problem::new(origin, format!("unknown key (expected one of {TERM_KEYS})"))
                    .line(line)
                    .key(k),
            );
            continue;
        }
        let Some(t) = scalar_text(v) else {
            problems.push(at(
                "must be a string, number or date".into(),
                &v.to_string(),
            ));
            continue;
        };
        let result: Result<(), String> = match k {
            "rate" => parse::rate(&t).map(|x| out.rate = Some(x)),
            "cap" => parse::cap(&t).map(|x| out.cap = Some(x)),
            "already_paid" => parse::non_negative(&t).map(|x| out.already_paid = Some(x)),
            "from" => parse::date(&t).map(|x| out.from = Some(x)),
            "through" => parse::date(&t).map(|x| out.through = Some(x)),
            _ => optional_rate(&t).map(|x| out.discount_rate = Some(x)),
        };
        if let Err(m) = result {
            problems.push(at(m, &t));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems.into())
    }
}

/// A number too large for TOML (an integer past 2⁶³ − 1, a float past f64), named by
/// its key with the limits that apply: revcap's largest amount, and quotes to carry
/// a large amount past TOML's integers; with the position of its line. Told by the
/// value the error points at (the toml crate words this error in several ways);
/// `None` for any other TOML error.
fn toml_overflow(
    text: &str,
    span: std::ops::Range<usize>,
    origin: &str,
) -> Option<(Problem, usize)> {
    let value = text.get(span.clone())?.trim();
    let bare = value.replace('_', "");
    let digits = bare.strip_prefix(['+', '-']).unwrap_or(&bare);
    let integer = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    let too_large = if integer {
        bare.parse::<i64>().is_err()
    } else {
        digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b"eE.+-".contains(&b))
            && bare.parse::<f64>().is_ok_and(f64::is_infinite)
    };
    if !too_large {
        return None;
    }
    let line_start = text.get(..span.start)?.rfind('\n').map_or(0, |i| i + 1);
    let key = text
        .get(line_start..span.start)?
        .trim_end()
        .strip_suffix('=')?;
    let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
    // A Decimal takes it (as any amount): only TOML's integers are too small.
    let fits = integer && digits.parse::<Decimal>().is_ok();
    let message = if fits {
        format!(
            "is beyond what a TOML integer holds (±{}); quote it: {key} = \"{bare}\"",
            i64::MAX
        )
    } else if ["cap", "already_paid"].contains(&key) {
        format!(
            "is beyond the largest amount, {} (about 7.9e28)",
            Decimal::MAX
        )
    } else {
        "is beyond the largest number TOML holds (about 1.8e308)".into()
    };
    Some((
        Problem::new(origin, message).key(key).value(value),
        line_start,
    ))
}

/// The text of a scalar TOML value, as revcap's parsers take it.
fn scalar_text(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(i) => Some(i.to_string()),
        // Rust prints the shortest text that reads back as the same f64.
        toml::Value::Float(f) if f.is_finite() => Some(format!("{f}")),
        toml::Value::Datetime(d) => Some(d.to_string()),
        _ => None,
    }
}

/// The rate steps of a terms file, or what is wrong with them and in which entry
/// (from 1; `None` when the key is not an array).
fn rate_steps_toml(v: &toml::Value) -> Result<Vec<RateStep>, (Option<usize>, String)> {
    let toml::Value::Array(items) = v else {
        return Err((
            None,
            "must be an array of tables: [[rate_step]] with from and rate".into(),
        ));
    };
    let mut steps = Vec::new();
    for (n, item) in items.iter().enumerate() {
        let n = n + 1;
        let entry = |m: String| (Some(n), m);
        let toml::Value::Table(t) = item else {
            return Err(entry(format!(
                "entry {n} must be a table with from and rate"
            )));
        };
        if let Some(k) = t.keys().find(|k| *k != "from" && *k != "rate") {
            return Err(entry(format!(
                "entry {n}: unknown key {} (expected from and rate)",
                quote(k)
            )));
        }
        let get = |k: &str| {
            t.get(k)
                .and_then(scalar_text)
                .ok_or_else(|| entry(format!("entry {n} needs {k}")))
        };
        let from = get("from")?;
        let rate = get("rate")?;
        steps.push(RateStep {
            from: parse::date(&from)
                .map_err(|m| entry(format!("entry {n}: from {} {m}", quote(&from))))?,
            rate: parse::rate(&rate)
                .map_err(|m| entry(format!("entry {n}: rate {} {m}", quote(&rate))))?,
        });
    }
    Ok(steps)
}

/// The line of the `n`th (from 1) `[[key]]` header of a TOML `text`, or `None` when
/// the array is written inline (`key = [...]`). A header inside a multi-line string
/// would be miscounted; a terms file has none.
fn table_header_line(text: &str, key: &str, n: usize) -> Option<u64> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.trim();
            let name = l
                .strip_prefix("[[")
                .and_then(|r| r.split_once("]]"))
                .map(|(name, _)| name.trim());
            name.is_some_and(|name| name == key || name.trim_matches('"') == key)
        })
        .nth(n.checked_sub(1)?)
        .map(|(i, _)| i as u64 + 1)
}

/// The variants `compare` evaluates, in the order given: `--cap`s, then `--caps`, then
/// terms files. With none, the shared terms are the only variant.
fn variants(
    caps: &[String],
    range: Option<&str>,
    terms_files: &[PathBuf],
    shared: &Terms,
    flags: &PartialTerms,
    short_amount: &dyn Fn(Decimal) -> String,
) -> Result<Vec<Variant>, Error> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for raw in caps {
        match parse::cap(raw) {
            Ok(cap) => out.push(Variant {
                name: raw.trim().to_string(),
                terms: Terms {
                    cap,
                    ..shared.clone()
                },
                from_file: false,
            }),
            Err(m) => problems.push(Problem::new("--cap", m).value(raw)),
        }
    }
    if let Some(raw) = range {
        match cap_range(raw) {
            Ok(values) => out.extend(values.into_iter().map(|cap| Variant {
                name: short_amount(cap),
                terms: Terms {
                    cap: Some(cap),
                    ..shared.clone()
                },
                from_file: false,
            })),
            Err(m) => problems.push(Problem::new("--caps", m).value(raw)),
        }
    }
    for f in terms_files {
        match read_terms_file(f) {
            Ok(t) => match t.overridden_by(flags).resolve() {
                Ok(terms) => out.push(Variant {
                    name: f.file_stem().map_or_else(
                        || f.display().to_string(),
                        |s| s.to_string_lossy().into_owned(),
                    ),
                    terms,
                    from_file: true,
                }),
                Err(p) => problems.push(p),
            },
            Err(Error::Problems(mut p)) => problems.append(&mut p),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(problems.into());
    }
    if out.is_empty() {
        out.push(Variant {
            name: shared.cap.map_or_else(|| "none".into(), short_amount),
            terms: shared.clone(),
            from_file: false,
        });
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = out.iter().find(|v| !seen.insert(v.name.clone())) {
        return Err(Problem::new(
            "compare",
            format!(
                "variant {} is given twice; give each cap or terms file once",
                quote(&dup.name)
            ),
        )
        .into());
    }
    Ok(out)
}

/// The most rates one `--rates` range may expand to: each rate is a walk of every
/// scenario (the caps of one rate share it).
pub const MAX_RANGE_RATES: u64 = 10_000;

/// The most variants (terms files × rates × caps) one rate × cap grid may have.
pub const MAX_GRID_CELLS: u64 = 1_000_000;

/// The rates of a grid, in the order given: the `--rate`s, then the `--rates` range.
fn grid_rates(given: &[String], range: Option<&str>) -> Result<Vec<Decimal>, Error> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for raw in given {
        match parse::rate(raw) {
            Ok(r) => out.push(r),
            Err(m) => problems.push(Problem::new("--rate", m).value(raw)),
        }
    }
    if let Some(raw) = range {
        match rate_range(raw) {
            Ok(mut r) => out.append(&mut r),
            Err(m) => problems.push(Problem::new("--rates", m).value(raw)),
        }
    }
    if !problems.is_empty() {
        return Err(problems.into());
    }
    Ok(out)
}

/// `START:END:STEP` → the rates START, START+STEP, … up to END inclusive; each part a
/// rate (`10%`, `0.1`).
pub fn rate_range(raw: &str) -> Result<Vec<Decimal>, String> {
    let r = Range::parse(raw, "10%:30%:5%", parse::rate)?;
    // Rates are at most 1 and the step is above 0: the count is a Decimal.
    let count = r.count.unwrap_or(Decimal::MAX);
    if count > Decimal::from(MAX_RANGE_RATES) {
        return Err(format!(
            "gives {count} rates; at most {MAX_RANGE_RATES} (use a larger step)"
        ));
    }
    Ok(r.values().map(|v| v.normalize()).collect())
}

/// A `START:END:STEP` range of `--caps` or `--rates`, its parts read and checked
/// (a step above 0, START ≤ END), before its count is held to a limit.
struct Range {
    start: Decimal,
    end: Decimal,
    step: Decimal,
    /// How many values it gives, when that can be written (a Decimal).
    count: Option<Decimal>,
}

impl Range {
    /// Reads `raw`, each part with `num`; `example` shows the form in messages.
    fn parse(
        raw: &str,
        example: &str,
        num: fn(&str) -> Result<Decimal, String>,
    ) -> Result<Range, String> {
        let parts: Vec<&str> = raw.split(':').collect();
        let [start, end, step] = parts.as_slice() else {
            return Err(format!("is not START:END:STEP (expected e.g. {example})"));
        };
        let num = |what: &str, t: &str| num(t).map_err(|m| format!("{what} {} {m}", quote(t)));
        let (start_text, end_text) = (start.trim(), end.trim());
        let (start, end, step) = (num("start", start)?, num("end", end)?, num("step", step)?);
        if step.is_zero() {
            return Err(format!(
                "has a step of 0 (expected a step > 0, e.g. {example})"
            ));
        }
        if start > end {
            return Err(format!(
                "starts above its end ({start_text} > {end_text}); expected START ≤ END"
            ));
        }
        let count = end
            .checked_sub(start)
            .and_then(|span| span.checked_div(step))
            .and_then(|n| n.floor().checked_add(Decimal::ONE));
        Ok(Range {
            start,
            end,
            step,
            count,
        })
    }

    /// START, START+STEP, … up to END inclusive.
    fn values(&self) -> impl Iterator<Item = Decimal> + '_ {
        // Past the largest amount is past END too: the range is complete.
        std::iter::successors(Some(self.start), |v| v.checked_add(self.step))
            .take_while(|v| *v <= self.end)
    }
}

/// A rate as a percent, as people write it: `20%`, `12.5%`.
pub fn percent(rate: Decimal) -> String {
    let p = rate.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(rate);
    format!("{}%", p.normalize())
}

/// The variants of a rate × cap grid: each terms file (or the shared terms when none
/// is given) × each rate × each cap (`--cap`s then `--caps`; the file's or shared cap
/// when none is given), in that order, named `RATE · CAP` (`20% · 38B`), after the
/// file's stem when there are files (`reported · 20% · 38B`).
fn grid_variants(
    rates: &[Decimal],
    caps: &[String],
    range: Option<&str>,
    terms_files: &[PathBuf],
    shared: &Terms,
    flags: &PartialTerms,
    short_amount: &dyn Fn(Decimal) -> String,
) -> Result<Vec<Variant>, Error> {
    let mut problems = Vec::new();
    // (name, cap) for each cap given; empty: each base keeps its own cap.
    let mut cap_list: Vec<(String, Option<Decimal>)> = Vec::new();
    for raw in caps {
        match parse::cap(raw) {
            Ok(cap) => cap_list.push((raw.trim().to_string(), cap)),
            Err(m) => problems.push(Problem::new("--cap", m).value(raw)),
        }
    }
    if let Some(raw) = range {
        match cap_range(raw) {
            Ok(values) => cap_list.extend(values.into_iter().map(|c| (short_amount(c), Some(c)))),
            Err(m) => problems.push(Problem::new("--caps", m).value(raw)),
        }
    }
    let mut bases: Vec<(Option<String>, Terms)> = Vec::new();
    for f in terms_files {
        match read_terms_file(f) {
            Ok(t) => match t.overridden_by(flags).resolve() {
                Ok(terms) => bases.push((
                    Some(f.file_stem().map_or_else(
                        || f.display().to_string(),
                        |s| s.to_string_lossy().into_owned(),
                    )),
                    terms,
                )),
                Err(p) => problems.push(p),
            },
            Err(Error::Problems(mut p)) => problems.append(&mut p),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(problems.into());
    }
    if bases.is_empty() {
        bases.push((None, shared.clone()));
    }
    let cells = (bases.len() as u64)
        .saturating_mul(rates.len() as u64)
        .saturating_mul(cap_list.len().max(1) as u64);
    if cells > MAX_GRID_CELLS {
        return Err(Problem::new(
            "compare",
            format!(
                "the grid has {cells} cells ({} terms × {} rates × {} caps); at most {MAX_GRID_CELLS} (use fewer rates or caps)",
                bases.len(),
                rates.len(),
                cap_list.len().max(1)
            ),
        )
        .into());
    }
    let mut out = Vec::new();
    for (stem, base) in &bases {
        for &rate in rates {
            let own = [(
                base.cap.map_or_else(|| "none".into(), short_amount),
                base.cap,
            )];
            let caps = if cap_list.is_empty() {
                &own[..]
            } else {
                &cap_list[..]
            };
            for (cap_name, cap) in caps {
                let name = match stem {
                    Some(stem) => format!("{stem} · {} · {cap_name}", percent(rate)),
                    None => format!("{} · {cap_name}", percent(rate)),
                };
                out.push(Variant {
                    name,
                    terms: Terms {
                        rate,
                        cap: *cap,
                        ..base.clone()
                    },
                    from_file: stem.is_some(),
                });
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = out.iter().find(|v| !seen.insert(v.name.clone())) {
        return Err(Problem::new(
            "compare",
            format!(
                "variant {} is given twice; give each rate, cap or terms file once",
                quote(&dup.name)
            ),
        )
        .into());
    }
    Ok(out)
}

/// The most caps one `--caps` range may expand to.
pub const MAX_RANGE_CAPS: u64 = 1_000_000;

/// `START:END:STEP` → the caps START, START+STEP, … up to END inclusive.
pub fn cap_range(raw: &str) -> Result<Vec<Decimal>, String> {
    let r = Range::parse(raw, "10B:100B:5B", parse::non_negative)?;
    // The count exactly when it can be written (a Decimal), else only that it is
    // too many: a quotient past Decimal's range is far past the limit.
    match r.count {
        Some(n) if n <= Decimal::from(MAX_RANGE_CAPS) => {}
        Some(n) => {
            return Err(format!(
                "gives {n} caps; at most {MAX_RANGE_CAPS} (use a larger step)"
            ))
        }
        None => {
            return Err(format!(
                "gives more caps than a number holds (past 7.9e28); at most {MAX_RANGE_CAPS} (use a larger step)"
            ))
        }
    }
    Ok(r.values().collect())
}

/// An amount in the short form people type: `38B`, `12.5B`, `750M`, `1.2T`.
pub fn short_amount(v: Decimal) -> String {
    let units = [(12u32, "T"), (9, "B"), (6, "M"), (3, "K")];
    for (exp, suffix) in units {
        let scale = Decimal::from_i128_with_scale(10i128.pow(exp), 0);
        if v.abs() >= scale {
            if let Some(short) = v.checked_div(scale) {
                return format!("{}{suffix}", short.normalize());
            }
        }
    }
    v.normalize().to_string()
}

fn output(a: &OutputArgs) -> Result<Output, Error> {
    let (width, height) = chart_size(&a.chart_size)
        .map_err(|m| Error::from(Problem::new("--chart-size", m).value(&a.chart_size)))?;
    let charts = (!a.no_charts && !a.no_files).then_some(ChartOptions {
        png: a.chart_format != cli::ChartFormat::Svg,
        svg: a.chart_format != cli::ChartFormat::Png,
        width,
        height,
    });
    let unit = match a.unit.as_deref() {
        // An empty --unit is no unit, as it always was (e.g. `--unit "$UNIT"` unset).
        None => None,
        Some(raw) if raw.trim().is_empty() => None,
        Some(raw) => {
            Some(Unit::parse(raw).map_err(|m| Error::from(Problem::new("--unit", m).value(raw)))?)
        }
    };
    Ok(Output {
        format: a.format,
        dir: (!a.no_files).then(|| a.output.clone()),
        charts,
        shown: crate::render::Shown {
            unit,
            exact: a.exact,
            sources: TermSources::default(),
        },
        no_wait: a.no_wait,
        report: a.report && !a.no_files,
        xlsx: a.xlsx && !a.no_files,
    })
}

/// Refuses an output folder that is an input folder or inside one: its files would
/// be mixed with the inputs, and the next run would read them as scenarios.
fn refuse_output_among_inputs(paths: &[String], output: &Output) -> Result<(), Error> {
    let Some(dir) = &output.dir else {
        return Ok(());
    };
    let Some(out) = resolve(dir) else {
        return Ok(());
    };
    for raw in paths {
        let input = Path::new(raw);
        if raw == "-" || !input.is_dir() {
            continue;
        }
        let Ok(folder) = std::fs::canonicalize(input) else {
            continue;
        };
        if out.starts_with(&folder) {
            let how = if out == folder { "is" } else { "is inside" };
            return Err(Error::Usage(format!(
                "error: --output {} {how} the input folder {raw}: its files would be read as scenarios (choose an --output outside the input folders)",
                dir.display()
            )));
        }
    }
    Ok(())
}

/// `path` made absolute with links followed, for a path that may not exist yet: its
/// deepest existing ancestor resolved, the rest appended.
fn resolve(path: &Path) -> Option<PathBuf> {
    use std::path::Component;
    let mut rest = Vec::new();
    let mut at = path;
    loop {
        if let Ok(mut out) = std::fs::canonicalize(at) {
            for c in rest.iter().rev() {
                match c {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(n) => out.push(n),
                    _ => {}
                }
            }
            return Some(out);
        }
        if at == Path::new(".") {
            return None;
        }
        let mut parts = at.components();
        rest.push(parts.next_back()?);
        at = parts.as_path();
        if at.as_os_str().is_empty() {
            at = Path::new(".");
        }
    }
}

fn chart_size(raw: &str) -> Result<(u32, u32), String> {
    let msg = "is not WIDTHxHEIGHT between 400x300 and 8000x8000 (expected e.g. 1600x1000)";
    let (w, h) = raw.trim().split_once(['x', 'X']).ok_or(msg)?;
    let w: u32 = w.trim().parse().map_err(|_| msg)?;
    let h: u32 = h.trim().parse().map_err(|_| msg)?;
    if !(400..=8000).contains(&w) || !(300..=8000).contains(&h) {
        return Err(msg.into());
    }
    Ok((w, h))
}

// `revcap solve` and `revcap sensitivity`: their inputs and terms are read as
// `run`'s; what they add is checked here.

/// The config of `revcap solve`: `run`'s inputs and terms, the input to solve for and
/// the target.
fn solve_config(a: cli::SolveArgs) -> Result<Config, Error> {
    use crate::analysis::{solve::Target, Input};
    let (inputs, folder_terms) = expand_paths(
        &a.paths,
        reading(&a.input_flags, None)?,
        a.input_flags.sheet.as_deref(),
        a.strict,
    )?;
    note_built_in_terms(&a.terms);
    let flags = flag_terms(&a.term_flags, a.cap.as_deref())?;
    let (terms, _) = shared_terms(a.terms.as_deref(), &folder_terms, &flags)?;
    let amount = |flag: &str, raw: &str| {
        parse::non_negative(raw).map_err(|m| Error::from(Problem::new(flag, m).value(raw)))
    };
    let target = match (&a.binds_by, &a.total_paid, &a.uncapped_total, &a.foregone) {
        (Some(raw), ..) => Target::BindsBy(
            parse::date(raw).map_err(|m| Error::from(Problem::new("--binds-by", m).value(raw)))?,
        ),
        (_, Some(raw), ..) => Target::TotalPaid(amount("--total-paid", raw)?),
        (_, _, Some(raw), _) => Target::UncappedTotal(amount("--uncapped-total", raw)?),
        (.., Some(raw)) => Target::Foregone(amount("--foregone", raw)?),
        // clap requires one of the group.
        (None, None, None, None) => {
            return Err(Error::Usage(
                "error: give a target: --binds-by, --total-paid, --uncapped-total or --foregone"
                    .into(),
            ))
        }
    };
    let input = match a.input {
        cli::SolveFor::Cap => Input::Cap,
        cli::SolveFor::Rate => Input::Rate,
        cli::SolveFor::Revenue => Input::Revenue,
        cli::SolveFor::AlreadyPaid => Input::AlreadyPaid,
        cli::SolveFor::From => Input::From,
    };
    Ok(Config {
        inputs,
        action: Action::Solve {
            terms,
            input,
            target,
            format: a.format,
        },
    })
}

/// The config of `revcap sensitivity`: `run`'s inputs, terms and outputs, the swings
/// (the defaults with each `--swing` replacing its input's) and the metrics.
fn sensitivity_config(a: cli::SensitivityArgs) -> Result<Config, Error> {
    use crate::analysis::sensitivity::{default_swings, parse_swing, Metric};
    let (inputs, folder_terms) = expand_paths(
        &a.paths,
        reading(&a.input, a.output.unit.as_deref())?,
        a.input.sheet.as_deref(),
        a.strict,
    )?;
    note_built_in_terms(&a.terms);
    let flags = flag_terms(&a.term_flags, a.cap.as_deref())?;
    let (terms, sources) = shared_terms(a.terms.as_deref(), &folder_terms, &flags)?;
    let mut problems = Vec::new();
    let mut swings = default_swings();
    let mut given = std::collections::HashSet::new();
    for raw in &a.swing {
        match parse_swing(raw) {
            Ok(s) => {
                if !given.insert(s.input) {
                    problems.push(
                        Problem::new(
                            "--swing",
                            format!("swings {} twice; give each input once", s.input),
                        )
                        .value(raw),
                    );
                }
                if s.input == crate::analysis::Input::DiscountRate && terms.discount_rate.is_none()
                {
                    problems.push(
                        Problem::new(
                            "--swing",
                            "swings discount_rate, but the terms have no discount rate (give --discount-rate, or discount_rate in the terms)",
                        )
                        .value(raw),
                    );
                }
                if let Some(slot) = swings.iter_mut().find(|d| d.input == s.input) {
                    *slot = s;
                }
            }
            Err(m) => problems.push(Problem::new("--swing", m).value(raw)),
        }
    }
    let mut metrics = Vec::new();
    for raw in &a.metric {
        match Metric::named(raw) {
            Some(m) if m == Metric::PresentValue && terms.discount_rate.is_none() => problems.push(
                Problem::new(
                    "--metric",
                    "needs a discount rate (--discount-rate, or discount_rate in the terms)",
                )
                .value(raw),
            ),
            Some(m) if !metrics.contains(&m) => metrics.push(m),
            Some(_) => {}
            None => problems.push(
                Problem::new(
                    "--metric",
                    "is not a metric (expected binding_date, total_paid, foregone or present_value)",
                )
                .value(raw),
            ),
        }
    }
    if !problems.is_empty() {
        return Err(problems.into());
    }
    if metrics.is_empty() {
        metrics = Metric::ALL
            .into_iter()
            .filter(|m| *m != Metric::PresentValue || terms.discount_rate.is_some())
            .collect();
    }
    let mut output = output(&a.output)?;
    output.shown.sources = sources;
    refuse_output_among_inputs(&a.paths, &output)?;
    Ok(Config {
        inputs,
        action: Action::Sensitivity {
            terms,
            swings,
            metrics,
            output,
        },
    })
}

// ---- revcap simulate -------------------------------------------------------------

/// `revcap simulate`, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulate {
    /// Paths per base (`--paths`).
    pub count: u64,
    pub seed: u64,
    /// Decimal places of simulated revenue.
    pub decimals: u32,
    pub volatility: Volatility,
    /// `--start`, else the terms' `from`; `None`: each base's first day.
    pub start: Option<Date>,
    /// The file to write; `None` for stdout (`-`).
    pub output: Option<PathBuf>,
}

/// How the volatility is given.
#[derive(Debug, Clone, PartialEq)]
pub enum Volatility {
    /// `--volatility 30%`: σ as a fraction.
    Given(Decimal),
    /// `--volatility-from 2030=174B:280B`: solved per base from that period's 5th and
    /// 95th percentiles (docs/montecarlo.md).
    From {
        period: crate::model::Period,
        low: Decimal,
        high: Decimal,
    },
}

/// The most paths per base: more could not be read back (docs/spec.md §7, values per
/// file).
pub const MAX_PATHS: u64 = 10_000_000;

fn simulate(a: cli::SimulateArgs) -> Result<Config, Error> {
    let (inputs, folder_terms) = expand_paths(
        &a.paths,
        reading(&a.input, None)?,
        a.input.sheet.as_deref(),
        a.strict,
    )?;
    let drawn = draws(&a.count, &a.draw)?;
    let Some(volatility) = drawn.volatility else {
        // clap requires one of the two.
        return Err(Error::Usage(
            "error: --volatility or --volatility-from is required".into(),
        ));
    };
    note_built_in_terms(&a.terms);
    // The start defaults to the term start: the terms are read only when needed.
    let start = match drawn.start {
        Some(d) => Some(d),
        None => {
            shared_terms(a.terms.as_deref(), &folder_terms, &PartialTerms::default())?
                .0
                .from
        }
    };
    let output = (a.output != "-").then(|| PathBuf::from(&a.output));
    Ok(Config {
        inputs,
        action: Action::Simulate(Simulate {
            count: drawn.count,
            seed: drawn.seed,
            decimals: drawn.decimals,
            volatility,
            start,
            output,
        }),
    })
}

/// The flags of [`cli::DrawArgs`] and a number of paths, parsed; every problem at once.
struct Draws {
    count: u64,
    seed: u64,
    decimals: u32,
    start: Option<Date>,
    volatility: Option<Volatility>,
}

fn draws(count: &str, a: &cli::DrawArgs) -> Result<Draws, Error> {
    let mut problems = Vec::new();
    let count = flag(&mut problems, "--paths", Some(count), |raw| {
        raw.trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=MAX_PATHS).contains(n))
            .ok_or_else(|| {
                format!("is not a number of paths (expected a whole number from 1 to {MAX_PATHS})")
            })
    });
    let seed = flag(&mut problems, "--seed", a.seed.as_deref(), |raw| {
        raw.trim().parse::<u64>().map_err(|_| {
            "is not a seed (expected a whole number from 0 to 18446744073709551615)".to_string()
        })
    });
    let decimals = flag(&mut problems, "--decimals", a.decimals.as_deref(), |raw| {
        raw.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= crate::montecarlo::paths::MAX_DECIMALS)
            .ok_or_else(|| "is not a number of decimal places (expected 0 to 12)".to_string())
    });
    let start = flag(&mut problems, "--start", a.start.as_deref(), parse::date);
    let given = flag(
        &mut problems,
        "--volatility",
        a.volatility.as_deref(),
        volatility,
    );
    let from = flag(
        &mut problems,
        "--volatility-from",
        a.volatility_from.as_deref(),
        volatility_from,
    );
    if !problems.is_empty() {
        return Err(problems.into());
    }
    Ok(Draws {
        count: count.unwrap_or(1000),
        seed: seed.unwrap_or(crate::montecarlo::paths::DEFAULT_SEED),
        decimals: decimals.unwrap_or(crate::montecarlo::paths::DEFAULT_DECIMALS),
        start,
        volatility: given.map(Volatility::Given).or(from),
    })
}

/// What `run` and `compare` report of distributions (docs/montecarlo.md).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Distribution {
    /// `--distribution`: over the scenarios read, however few.
    pub forced: bool,
    /// `--paths N`: paths drawn around each scenario read, in process.
    pub paths: Option<Simulate>,
    /// `--path-files`: the paths' ledger and summary rows written too.
    pub path_files: bool,
}

/// `--paths` and its flags for `run` and `compare`; the start defaults to the term
/// start `from` (each base's first day without one).
fn distribution(a: &cli::DistributionArgs, from: Option<Date>) -> Result<Distribution, Error> {
    let d = &a.draw;
    let drawing = d.volatility.is_some()
        || d.volatility_from.is_some()
        || d.seed.is_some()
        || d.start.is_some()
        || d.decimals.is_some();
    let Some(count) = &a.count else {
        if drawing {
            return Err(Error::Usage(
                "error: --volatility, --volatility-from, --seed, --start and --decimals draw paths: give --paths N too".into(),
            ));
        }
        return Ok(Distribution {
            forced: a.distribution,
            paths: None,
            path_files: false,
        });
    };
    let drawn = draws(count, d)?;
    let Some(volatility) = drawn.volatility else {
        return Err(Error::Usage(
            "error: --paths needs --volatility or --volatility-from".into(),
        ));
    };
    Ok(Distribution {
        forced: a.distribution,
        paths: Some(Simulate {
            count: drawn.count,
            seed: drawn.seed,
            decimals: drawn.decimals,
            volatility,
            start: drawn.start.or(from),
            output: None,
        }),
        path_files: a.path_files,
    })
}

/// A volatility: a fraction (`0.3`) or a percent (`30%`), from 0 to 10 (1000%).
fn volatility(raw: &str) -> Result<Decimal, String> {
    let msg = || "is not a volatility (expected e.g. 30% or 0.3, from 0 to 1000%)".to_string();
    let t = raw.trim();
    let (number, percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim_end(), true),
        None => (t, false),
    };
    let v = Decimal::from_str_exact(number).map_err(|_| msg())?;
    let v = if percent {
        v.checked_div(Decimal::ONE_HUNDRED).ok_or_else(msg)?
    } else {
        v
    };
    if v.is_sign_negative() && !v.is_zero() || v > Decimal::TEN {
        return Err(msg());
    }
    Ok(v.abs())
}

/// `PERIOD=LOW:HIGH`, e.g. `2030=174B:280B`, with 0 < LOW < HIGH.
fn volatility_from(raw: &str) -> Result<Volatility, String> {
    let form = "(expected PERIOD=LOW:HIGH, e.g. 2030=174B:280B)";
    let (period, range) = raw
        .split_once('=')
        .ok_or_else(|| format!("is not PERIOD=LOW:HIGH {form}"))?;
    let period = parse::period(period.trim()).map_err(|m| format!("{m}, before the ="))?;
    let (low, high) = range
        .split_once(':')
        .ok_or_else(|| format!("has no : between LOW and HIGH {form}"))?;
    let low = parse::non_negative(low).map_err(|m| format!("{m}, before the :"))?;
    let high = parse::non_negative(high).map_err(|m| format!("{m}, after the :"))?;
    if low.is_zero() || high <= low {
        return Err(format!("needs 0 < LOW < HIGH {form}"));
    }
    Ok(Volatility::From { period, low, high })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn a_toml_number_too_large_names_its_key_however_toml_words_it() {
        let message = |text: &str| match parse_terms(text, "t.toml") {
            Err(Error::Problems(p)) => p.iter().map(ToString::to_string).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        let quote_it = |v: &str, line: u64| {
            vec![format!(
                "t.toml: line {line}, key \"cap\": \"{v}\" is beyond what a TOML integer holds (±9223372036854775807); quote it: cap = \"{v}\""
            )]
        };
        // The toml crate says "u64 value was too large", "invalid type: integer ... as
        // i128" or "integer number overflowed" depending on the digits and what follows.
        assert_eq!(
            message("cap = 10000000000000000000\n"),
            quote_it("10000000000000000000", 1)
        );
        assert_eq!(
            message("rate = 0.1\ncap=99999999999999999999 # x\n"),
            quote_it("99999999999999999999", 2)
        );
        assert_eq!(
            message("\"cap\" = -99999999999999999999\n"),
            quote_it("-99999999999999999999", 1)
        );
        assert_eq!(
            message("cap = 1_000_000_000_000_000_000_000_000_000_000\n"),
            vec!["t.toml: line 1, key \"cap\": \"1_000_000_000_000_000_000_000_000_000_000\" is beyond the largest amount, 79228162514264337593543950335 (about 7.9e28)".to_string()]
        );
        // Other TOML errors on numbers keep TOML's own words.
        assert_eq!(
            message("cap = 01\n"),
            vec![
                "t.toml: line 1: is not valid TOML: unexpected leading zero, expected nothing"
                    .to_string()
            ]
        );
        // And a quoted large amount is taken.
        let t = parse_terms("cap = \"99999999999999999999\"\n", "t.toml").unwrap();
        assert_eq!(t.cap, Some(Decimal::from_str("99999999999999999999").ok()));
    }

    #[test]
    fn terms_file_with_every_key() {
        let t = parse_terms(
            "rate = 0.20\ncap = \"38B\"\nalready_paid = 0\nfrom = 2026-04-27\nthrough = \"2030-12-31\"\ndiscount_rate = \"8%\"\n[[rate_step]]\nfrom = 2029-01-01\nrate = \"15%\"\n",
            "t.toml",
        )
        .unwrap()
        .resolve()
        .unwrap();
        assert_eq!(t.rate, Decimal::from_str("0.2").unwrap());
        assert_eq!(t.cap, Some(Decimal::from(38_000_000_000u64)));
        assert_eq!(t.from.unwrap().to_string(), "2026-04-27");
        assert_eq!(t.discount_rate, Some(Decimal::from_str("0.08").unwrap()));
        assert_eq!(t.rate_steps.len(), 1);
        assert_eq!(t.rate_steps[0].rate, Decimal::from_str("0.15").unwrap());
    }

    #[test]
    fn terms_file_problems_name_line_and_key() {
        let e = parse_terms("rate = 0.2\ncapp = 5\ncap = \"lots\"\n", "t.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(r#"t.toml: line 2, key "capp": unknown key"#),
            "{e}"
        );
        assert!(
            e.contains(r#"t.toml: line 3, key "cap": "lots" is not a number"#),
            "{e}"
        );
        let e = parse_terms("rate = \n", "t.toml").unwrap_err().to_string();
        assert!(e.starts_with("t.toml: line 1: is not valid TOML"), "{e}");
    }

    #[test]
    fn flags_override_file() {
        let file = PartialTerms {
            cap: Some(Some(Decimal::ONE)),
            rate: Some(Decimal::ONE),
            ..Default::default()
        };
        let flags = PartialTerms {
            cap: Some(None),
            ..Default::default()
        };
        let t = file.overridden_by(&flags).resolve().unwrap();
        assert_eq!(t.cap, None);
        assert_eq!(t.rate, Decimal::ONE);
    }

    #[test]
    fn cap_ranges() {
        let caps = cap_range("10B:20B:5B").unwrap();
        assert_eq!(
            caps.iter().map(|c| short_amount(*c)).collect::<Vec<_>>(),
            ["10B", "15B", "20B"]
        );
        assert!(cap_range("10B:5B:1B")
            .unwrap_err()
            .contains("starts above its end"));
        assert!(cap_range("1:5:0").unwrap_err().contains("step of 0"));
        assert!(cap_range("1:5").is_err());
        assert!(cap_range("0:1T:1").unwrap_err().contains("at most"));
        assert_eq!(
            short_amount(Decimal::from_str("12500000000").unwrap()),
            "12.5B"
        );
    }

    #[test]
    fn chart_sizes() {
        assert_eq!(chart_size("1600x1000"), Ok((1600, 1000)));
        assert!(chart_size("10x10").is_err());
        assert!(chart_size("big").is_err());
    }
}
