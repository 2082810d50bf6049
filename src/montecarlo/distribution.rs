//! Distributions of results over many scenarios (docs/montecarlo.md, "Distributions"):
//! fed per-scenario summaries a batch at a time, keyed by (group, variant), they give
//! per metric the count, the exact mean, and nearest-rank quantiles, and the
//! probability that the cap has bound by each year-end of the term.
//!
//! Per scenario only its few metric values are kept (about 100 bytes), never its
//! ledger; with `bands`, also its cumulative payments at each period end as `f32`,
//! for the fan chart only (the chart is where amounts become floats anyway: a
//! float's 24 bits are far finer than a pixel). Those are most of what a
//! distribution holds (8 bytes a value: 48 MB for 6M values), so they wait in a
//! temporary file, written per period end in chunks, and are read back one period
//! end at a time on each core when the fan chart is drawn ([`Group::bands`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::engine::div_round12;
use crate::error::{Error, Problem};
use crate::model::{Date, ScenarioResult, Summary as ScenarioSummary};
use crate::output::spool_err;

/// The percentiles reported between min and max, in order.
pub const PERCENTILES: [u32; 7] = [5, 10, 25, 50, 75, 90, 95];

/// A metric of docs/montecarlo.md, named as in `distribution.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    TotalPaid,
    Foregone,
    UncappedTotal,
    EligibleRevenue,
    PresentValue,
    BindingDate,
}

impl Metric {
    /// Every metric, in the order of the outputs.
    pub const ALL: [Metric; 6] = [
        Metric::TotalPaid,
        Metric::Foregone,
        Metric::UncappedTotal,
        Metric::EligibleRevenue,
        Metric::PresentValue,
        Metric::BindingDate,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Metric::TotalPaid => "total_paid",
            Metric::Foregone => "foregone",
            Metric::UncappedTotal => "uncapped_total",
            Metric::EligibleRevenue => "eligible_revenue",
            Metric::PresentValue => "present_value",
            Metric::BindingDate => "binding_date",
        }
    }

    /// The amount of a path for this metric (`None` for the binding date, or a
    /// present value without a discount rate).
    fn amount(self, p: &Path) -> Option<Decimal> {
        match self {
            Metric::TotalPaid => Some(p.total_paid),
            Metric::Foregone => Some(p.foregone),
            Metric::UncappedTotal => Some(p.uncapped_total),
            Metric::EligibleRevenue => Some(p.eligible_revenue),
            Metric::PresentValue => p.present_value,
            Metric::BindingDate => None,
        }
    }
}

impl Serialize for Metric {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// A figure one path produced: an amount, or a binding date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Amount(Decimal),
    Date(Date),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Amount(v) => write!(f, "{v}"),
            Value::Date(d) => write!(f, "{d}"),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One row of `distribution.csv`: a metric over a group's paths.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub group: String,
    pub variant: String,
    pub metric: Metric,
    pub paths: u64,
    /// Exact mean, rounded half-even to 12 places; `None` for the binding date.
    pub mean: Option<Decimal>,
    /// The value at rank 1; for the binding date `None` when no path binds.
    pub min: Option<Value>,
    /// The values at the [`PERCENTILES`], by nearest rank; a binding date that falls
    /// among the paths that never bind is `None` ("not reached by the term end").
    pub percentiles: [Option<Value>; 7],
    /// The value at rank n; for the binding date `None` when some path never binds.
    pub max: Option<Value>,
}

/// One row of `binding_probability.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Probability {
    pub group: String,
    pub variant: String,
    /// A year-end inside the term, or the term end.
    pub by: Date,
    pub paths: u64,
    /// Paths whose binding date is on or before `by`.
    pub bound: u64,
    /// bound / paths, rounded half-even to 12 places.
    pub probability: Decimal,
}

/// What is kept of one scenario.
#[derive(Debug, Clone, Copy)]
struct Path {
    total_paid: Decimal,
    foregone: Decimal,
    uncapped_total: Decimal,
    eligible_revenue: Decimal,
    present_value: Option<Decimal>,
    binding_date: Option<Date>,
}

impl Path {
    /// A path as written to the temporary file: four amounts (`Decimal::serialize`,
    /// 16 bytes each, every bit kept), the present value (a flag, 16 bytes) and the
    /// binding date (a flag, days after 0001-01-01 as 4 bytes).
    const BYTES: usize = 4 * 16 + 17 + 5;

    fn encode(&self, out: &mut Vec<u8>) {
        for d in [
            self.total_paid,
            self.foregone,
            self.uncapped_total,
            self.eligible_revenue,
        ] {
            out.extend_from_slice(&d.serialize());
        }
        out.push(u8::from(self.present_value.is_some()));
        out.extend_from_slice(&self.present_value.unwrap_or_default().serialize());
        out.push(u8::from(self.binding_date.is_some()));
        let days = self
            .binding_date
            .zip(first_day())
            .map_or(0, |(d, first)| first.days_until(d));
        out.extend_from_slice(&i32::try_from(days).unwrap_or(0).to_le_bytes());
    }

    /// The path [`Path::encode`] wrote into `b`.
    fn decode(b: &[u8]) -> Option<Path> {
        let decimal = |at: usize| -> Option<Decimal> {
            Some(Decimal::deserialize(b.get(at..at + 16)?.try_into().ok()?))
        };
        let present_value = match b.get(64)? {
            0 => None,
            _ => Some(decimal(65)?),
        };
        let binding_date = match b.get(81)? {
            0 => None,
            _ => {
                let days = i32::from_le_bytes(b.get(82..86)?.try_into().ok()?);
                Some(first_day()?.add_days(i64::from(days))?)
            }
        };
        Some(Path {
            total_paid: decimal(0)?,
            foregone: decimal(16)?,
            uncapped_total: decimal(32)?,
            eligible_revenue: decimal(48)?,
            present_value,
            binding_date,
        })
    }
}

/// 0001-01-01, from which a written binding date counts its days.
fn first_day() -> Option<Date> {
    Date::from_ymd(1, 1, 1)
}

/// One distribution: the paths of a group under a variant.
#[derive(Debug, Clone)]
pub struct Group {
    pub group: String,
    pub variant: String,
    /// The variant's cap, for the charts.
    pub cap: Option<Decimal>,
    /// The variant's rate (`compare`), for the charts: a grid's by-cap chart takes
    /// the variants of one rate.
    pub rate: Option<Decimal>,
    /// The earliest term start of its paths.
    pub from: Date,
    /// Its paths in feeding order: chunks written to the temporary file (where each
    /// starts, and how many paths), then those still in memory.
    path_chunks: Vec<(u64, usize)>,
    paths: Vec<Path>,
    /// Paths in all, written or not.
    path_count: usize,
    /// Per period end: each path's cumulative payments, capped and uncapped.
    bands: BTreeMap<Date, Values>,
    /// The temporary file the chunks of `bands` are in, once one is written.
    spill: Option<Arc<std::fs::File>>,
}

/// The fan chart's values at one period end: chunks written to the temporary file,
/// then the last values, still in memory.
#[derive(Debug, Clone, Default)]
struct Values {
    /// Values in all, written or not.
    count: usize,
    /// Where each written chunk starts in the file, and its values: `n` capped
    /// cumulative payments then `n` uncapped, as little-endian `f32`.
    chunks: Vec<(u64, usize)>,
    paid: Vec<f32>,
    uncapped: Vec<f32>,
}

/// A period end's values are written to the temporary file in chunks of this many
/// (32 KiB a chunk).
const CHUNK: usize = 4096;

/// At most this many values of every group and period end wait in memory together
/// (2 MiB) before all of them are written out.
const IN_MEMORY: usize = 1 << 18;

/// At most this many paths of every group wait in memory together (about 5.6 MB)
/// before all of them are written out: a million scenarios under three caps would
/// otherwise hold about 290 MB of exact totals for the quantiles.
const PATHS_IN_MEMORY: usize = 1 << 16;

impl Values {
    fn push(&mut self, paid: f32, uncapped: f32) {
        self.count += 1;
        self.paid.push(paid);
        self.uncapped.push(uncapped);
    }

    /// Appends the values in memory to `file` as one chunk, and forgets them.
    fn write(&mut self, file: &std::fs::File) -> std::io::Result<()> {
        use std::io::{Seek, SeekFrom, Write};
        if self.paid.is_empty() {
            return Ok(());
        }
        let mut bytes = Vec::with_capacity(self.paid.len() * 8);
        for v in self.paid.iter().chain(&self.uncapped) {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        let mut f = file;
        // The end, not where a read left the file: chunks are only ever appended.
        let at = f.seek(SeekFrom::End(0))?;
        f.write_all(&bytes)?;
        self.chunks.push((at, self.paid.len()));
        self.paid.clear();
        self.uncapped.clear();
        Ok(())
    }

    /// Every value, capped and uncapped, in no particular order: the chunks read
    /// back from `file`, then those in memory.
    fn read(&self, file: Option<&std::fs::File>) -> std::io::Result<(Vec<f32>, Vec<f32>)> {
        use std::os::unix::fs::FileExt;
        let mut paid = Vec::with_capacity(self.count);
        let mut uncapped = Vec::with_capacity(self.count);
        let mut bytes = Vec::new();
        for &(at, n) in &self.chunks {
            let f = file.ok_or_else(|| std::io::Error::other("no temporary file"))?;
            bytes.resize(n * 8, 0);
            // At its offset, not through the file's shared position: groups are read
            // on several cores at once.
            f.read_exact_at(&mut bytes, at)?;
            let mut floats = bytes
                .chunks_exact(4)
                .filter_map(|b| <[u8; 4]>::try_from(b).ok())
                .map(f32::from_le_bytes);
            paid.extend(floats.by_ref().take(n));
            uncapped.extend(floats);
        }
        paid.extend_from_slice(&self.paid);
        uncapped.extend_from_slice(&self.uncapped);
        Ok((paid, uncapped))
    }
}

/// The quantiles of the fan chart at one date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub date: Date,
    /// Cumulative payments: p5, p25, p50, p75, p95.
    pub paid: [f64; 5],
    /// The median of the cumulative uncapped payments.
    pub uncapped_median: f64,
}

impl Group {
    pub fn paths(&self) -> u64 {
        self.path_count as u64
    }

    /// `f` of every path, in feeding order: the written chunks read back one at a
    /// time, then the paths in memory. Only the column asked for is held whole.
    fn column<T>(&self, f: impl Fn(&Path) -> T) -> Result<Vec<T>, Error> {
        use std::os::unix::fs::FileExt;
        let mut out = Vec::with_capacity(self.path_count);
        let mut bytes = Vec::new();
        for &(at, n) in &self.path_chunks {
            let file = self
                .spill
                .as_deref()
                .ok_or_else(|| spool_err("no temporary file"))?;
            bytes.resize(n * Path::BYTES, 0);
            // At its offset, not through the file's shared position: columns are read
            // on several cores at once ([`Distributions::summaries`]).
            file.read_exact_at(&mut bytes, at).map_err(spool_err)?;
            for record in bytes.chunks_exact(Path::BYTES) {
                out.push(f(
                    &Path::decode(record).ok_or_else(|| spool_err("a damaged record"))?
                ));
            }
        }
        out.extend(self.paths.iter().map(f));
        Ok(out)
    }

    /// Whether the fan chart's cumulative payments were kept for this group.
    pub fn has_bands(&self) -> bool {
        self.bands.values().any(|v| v.count > 0)
    }

    /// Each path's binding date, `None` for those that never bind, in feeding order.
    pub fn binding_dates(&self) -> Result<Vec<Option<Date>>, Error> {
        self.column(|p| p.binding_date)
    }

    /// Each path's foregone amount, in feeding order.
    pub fn foregone(&self) -> Result<Vec<Decimal>, Error> {
        self.column(|p| p.foregone)
    }

    /// The fan chart's quantiles (nearest rank, as everywhere) at each period end,
    /// over the paths that have that period; one period end's values are read back
    /// and sorted at a time (sorted by `total_cmp`, whose equal values are the same
    /// bits: the order they were kept in makes no difference).
    ///
    /// Period ends on every core, each reading its values at their offsets: the
    /// 6M-row file's fan chart sorts 60 period ends of 100,000 values twice over.
    pub fn bands(&self) -> Result<Vec<Band>, Error> {
        let ends: Vec<(&Date, &Values)> = self.bands.iter().filter(|(_, v)| v.count > 0).collect();
        let bands: Vec<Result<Band, Error>> = each(&ends, |&(date, values)| {
            let (mut paid, mut uncapped) = values.read(self.spill.as_deref()).map_err(spool_err)?;
            // Equal values are the same bits: an unstable sort gives the same.
            paid.sort_unstable_by(f32::total_cmp);
            uncapped.sort_unstable_by(f32::total_cmp);
            let at = |v: &[f32], p: u32| {
                v.get(rank(p, v.len()).saturating_sub(1))
                    .map_or(0.0, |x| f64::from(*x))
            };
            Ok(Band {
                date: *date,
                paid: [5, 25, 50, 75, 95].map(|p| at(&paid, p)),
                uncapped_median: at(&uncapped, 50),
            })
        });
        // The first error in date order, as one core would meet them.
        bands.into_iter().collect()
    }

    /// The year-ends inside the term (from the group's start to `through`, excluded),
    /// then `through`.
    pub fn year_ends(&self, through: Date) -> Vec<Date> {
        year_ends(self.from, through)
    }
}

/// The 1-based nearest rank of the p-th percentile among n values: ⌈p·n / 100⌉, at
/// least 1.
pub fn rank(p: u32, n: usize) -> usize {
    (((p as usize).saturating_mul(n)).div_ceil(100)).max(1)
}

/// December 31 of each year from `from`'s on, on or after `from` and before `through`,
/// then `through`.
pub fn year_ends(from: Date, through: Date) -> Vec<Date> {
    let mut out: Vec<Date> = (from.year()..=through.year())
        .filter_map(|y| Date::from_ymd(y, 12, 31))
        .filter(|d| *d >= from && *d < through)
        .collect();
    out.push(through);
    out
}

/// Identifies a distribution: the group (a base scenario, or an input file), the
/// variant (`""` in `run`) and the variant's cap.
#[derive(Debug, Clone, Copy)]
pub struct Key<'a> {
    pub group: &'a str,
    pub variant: &'a str,
    pub cap: Option<Decimal>,
    /// The variant's rate (its terms' rate, steps aside), where variants are
    /// compared (`compare`); `None` for `run`.
    pub rate: Option<Decimal>,
}

/// Distributions being accumulated, in the order their groups were first fed.
#[derive(Debug, Clone)]
pub struct Distributions {
    through: Date,
    keep_bands: bool,
    groups: Vec<Group>,
    /// Each group's index in `groups`, by group and then variant: looked up by the
    /// names as given, without making a key of them for every path.
    index: HashMap<String, HashMap<String, usize>>,
    /// The temporary file of the fan chart's values, once a chunk is written.
    spill: Option<Arc<std::fs::File>>,
    /// The fan chart's values in memory, of every group and period end.
    in_memory: usize,
    /// Paths in memory, of every group; past `path_limit` they are written out.
    paths_in_memory: usize,
    path_limit: usize,
    /// Why the fan chart's values could not be written: reported by
    /// [`Distributions::summaries`], once every batch is in.
    failed: Option<String>,
    /// What [`Distributions::summaries`] and [`Distributions::probabilities`] gave,
    /// kept until a path is added: the files, the table, the charts and the report
    /// all ask, and each asking sorted every column of every group again.
    summaries_made: OnceLock<Arc<Vec<Summary>>>,
    probabilities_made: OnceLock<Arc<Vec<Probability>>>,
}

impl Distributions {
    /// Empty; `through` is the term end; `bands` keeps what the fan chart needs.
    pub fn new(through: Date, bands: bool) -> Distributions {
        Distributions {
            through,
            keep_bands: bands,
            groups: Vec::new(),
            index: HashMap::new(),
            spill: None,
            in_memory: 0,
            paths_in_memory: 0,
            path_limit: PATHS_IN_MEMORY,
            failed: None,
            summaries_made: OnceLock::new(),
            probabilities_made: OnceLock::new(),
        }
    }

    /// The same, writing paths out past `limit` in memory (tests: any limit gives
    /// the same results).
    #[cfg(test)]
    fn with_path_limit(mut self, limit: usize) -> Distributions {
        self.path_limit = limit;
        self
    }

    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    pub fn through(&self) -> Date {
        self.through
    }

    /// The index of the group of `key`, created on first sight; its start moved to
    /// `from` when earlier.
    fn group(&mut self, key: &Key, from: Date) -> usize {
        // Every path comes through here: what was summarized before it is stale.
        self.summaries_made = OnceLock::new();
        self.probabilities_made = OnceLock::new();
        let found = self
            .index
            .get(key.group)
            .and_then(|variants| variants.get(key.variant))
            .copied();
        let groups = &mut self.groups;
        let i = found.unwrap_or_else(|| {
            groups.push(Group {
                group: key.group.to_string(),
                variant: key.variant.to_string(),
                cap: key.cap,
                rate: key.rate,
                from,
                path_chunks: Vec::new(),
                paths: Vec::new(),
                path_count: 0,
                bands: BTreeMap::new(),
                spill: None,
            });
            let i = groups.len() - 1;
            self.index
                .entry(key.group.to_string())
                .or_default()
                .insert(key.variant.to_string(), i);
            i
        });
        if let Some(g) = self.groups.get_mut(i) {
            g.from = g.from.min(from);
        }
        i
    }

    /// Adds one scenario's summary; `from` is its term start.
    pub fn add(&mut self, key: &Key, from: Date, s: &ScenarioSummary) {
        let i = self.group(key, from);
        let Some(g) = self.groups.get_mut(i) else {
            return;
        };
        g.paths.push(Path {
            total_paid: s.total_paid,
            foregone: s.foregone,
            uncapped_total: s.uncapped_total,
            eligible_revenue: s.eligible_revenue,
            present_value: s.present_value,
            binding_date: s.binding_date,
        });
        g.path_count += 1;
        self.paths_in_memory += 1;
        if self.paths_in_memory >= self.path_limit {
            self.write_paths();
        }
    }

    /// Writes every group's paths kept in memory to the temporary file, one chunk a
    /// group. A failure is kept for [`Distributions::summaries`] to report, and the
    /// paths stay in memory.
    fn write_paths(&mut self) {
        use std::io::{Seek, SeekFrom, Write};
        let Some(file) = self.spill_file() else {
            return;
        };
        let mut bytes = Vec::new();
        for g in &mut self.groups {
            if g.paths.is_empty() {
                continue;
            }
            g.spill.get_or_insert_with(|| Arc::clone(&file));
            bytes.clear();
            for p in &g.paths {
                p.encode(&mut bytes);
            }
            let mut f = &*file;
            // The end, not where a read left the file: chunks are only ever appended.
            let written = f
                .seek(SeekFrom::End(0))
                .and_then(|at| f.write_all(&bytes).map(|()| at));
            match written {
                Ok(at) => {
                    g.path_chunks.push((at, g.paths.len()));
                    g.paths.clear();
                }
                Err(e) => {
                    self.failed = Some(e.to_string());
                    return;
                }
            }
        }
        self.paths_in_memory = 0;
    }

    /// The temporary file (created on first use), or `None` once writing failed.
    fn spill_file(&mut self) -> Option<Arc<std::fs::File>> {
        if self.failed.is_some() {
            return None;
        }
        match &self.spill {
            Some(f) => Some(Arc::clone(f)),
            None => match tempfile::tempfile() {
                Ok(f) => Some(Arc::clone(self.spill.insert(Arc::new(f)))),
                Err(e) => {
                    self.failed = Some(e.to_string());
                    None
                }
            },
        }
    }

    /// Adds a batch of results of one group and variant (with the fan chart's
    /// cumulative payments when kept).
    pub fn add_results(&mut self, key: &Key, results: &[ScenarioResult]) {
        let keep = self.keep_bands;
        for r in results {
            self.add(key, r.from, &r.summary);
            if keep {
                let i = self.group(key, r.from);
                let Some(g) = self.groups.get_mut(i) else {
                    continue;
                };
                let mut uncapped = 0.0f64;
                let mut full = Vec::new();
                for p in &r.periods {
                    uncapped += to_f64(p.uncapped_payment);
                    let e = g.bands.entry(p.end).or_default();
                    e.push(to_f64(p.cumulative) as f32, uncapped as f32);
                    if e.paid.len() >= CHUNK {
                        full.push(p.end);
                    }
                }
                self.in_memory += r.periods.len();
                for date in full {
                    self.write_bands(i, Some(date));
                }
                if self.in_memory >= IN_MEMORY {
                    for i in 0..self.groups.len() {
                        self.write_bands(i, None);
                    }
                    self.in_memory = 0;
                }
            }
        }
    }

    /// Writes the fan chart's values of group `i` kept in memory to the temporary
    /// file (created on first use): those of `date`, or of every period end. A
    /// failure is kept for [`Distributions::summaries`] to report, and the values
    /// stay in memory.
    fn write_bands(&mut self, i: usize, date: Option<Date>) {
        let Some(file) = self.spill_file() else {
            return;
        };
        let Some(g) = self.groups.get_mut(i) else {
            return;
        };
        g.spill.get_or_insert_with(|| Arc::clone(&file));
        let mut written = 0;
        let mut result = Ok(());
        for (d, values) in g.bands.iter_mut() {
            if date.is_none_or(|date| date == *d) {
                written += values.paid.len();
                result = values.write(&file);
                if result.is_err() {
                    break;
                }
            }
        }
        self.in_memory = self.in_memory.saturating_sub(written);
        if let Err(e) = result {
            self.failed = Some(e.to_string());
        }
    }

    /// Every metric of every group, groups in feeding order; `present_value` only
    /// when every path of the group has one.
    ///
    /// Each (group, metric) is summarized on its own core, one column of the group's
    /// paths held at a time by each (a compare of three caps has eighteen to sort).
    /// What it gives is kept, shared, until a path is added: the files, the table,
    /// the charts and the report all ask. At a million paths a group (the 60M-row
    /// file) the columns on rayon's threads, each in its own thread's heap, raise the
    /// peak by 13 to 19 MB; summarized one after another on the calling thread, the
    /// 60M default `compare` took 12.8 times its 6M time (bench/README.md).
    pub fn summaries(&self) -> Result<Arc<Vec<Summary>>, Error> {
        if let Some(e) = &self.failed {
            return Err(spool_err(e));
        }
        if let Some(made) = self.summaries_made.get() {
            return Ok(Arc::clone(made));
        }
        let work: Vec<(&Group, Metric)> = self
            .groups
            .iter()
            .flat_map(|g| Metric::ALL.map(|m| (g, m)))
            .collect();
        let done = each(&work, |&(g, metric)| summarize(g, metric));
        // The first error in order, as one core would meet them.
        let done: Vec<Option<Summary>> = done.into_iter().collect::<Result<_, _>>()?;
        let made = Arc::new(done.into_iter().flatten().collect());
        Ok(Arc::clone(self.summaries_made.get_or_init(|| made)))
    }

    /// For every group, the share of paths bound by each year-end and the term end;
    /// groups on every core as in [`Distributions::summaries`], and kept alike.
    pub fn probabilities(&self) -> Result<Arc<Vec<Probability>>, Error> {
        if let Some(e) = &self.failed {
            return Err(spool_err(e));
        }
        if let Some(made) = self.probabilities_made.get() {
            return Ok(Arc::clone(made));
        }
        let done = each(&self.groups, |g| probabilities_of(g, self.through));
        let done: Vec<Vec<Probability>> = done.into_iter().collect::<Result<_, _>>()?;
        let made = Arc::new(done.into_iter().flatten().collect());
        Ok(Arc::clone(self.probabilities_made.get_or_init(|| made)))
    }
}

/// `f` of each item, in order, on every core, one item a task.
fn each<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().with_max_len(1).map(f).collect()
}

/// The share of `g`'s paths bound by each year-end and the term end `through`.
fn probabilities_of(g: &Group, through: Date) -> Result<Vec<Probability>, Error> {
    let mut dates: Vec<Date> = g.binding_dates()?.into_iter().flatten().collect();
    dates.sort_unstable();
    let paths = g.paths();
    let mut out = Vec::new();
    for by in g.year_ends(through) {
        let bound = dates.partition_point(|d| *d <= by) as u64;
        let probability = div_round12(Decimal::from(bound), Decimal::from(paths))
            .ok_or_else(|| overflow(g, "binding probability"))?;
        out.push(Probability {
            group: g.group.clone(),
            variant: g.variant.clone(),
            by,
            paths,
            bound,
            probability: probability.normalize(),
        });
    }
    Ok(out)
}

/// An amount as a float, for the charts only.
fn to_f64(v: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    v.to_f64().unwrap_or(0.0)
}

/// A failure of the temporary file of the fan chart's values, as the spools of
/// [`crate::output`] report theirs.
fn overflow(g: &Group, what: &str) -> Error {
    let name = if g.variant.is_empty() {
        g.group.clone()
    } else {
        format!("{} under {}", g.group, g.variant)
    };
    Problem::new(
        "distribution",
        format!("the {what} of {name} overflows (amounts must stay below 7.9e28)"),
    )
    .into()
}

/// One metric of one group; `None` for a metric the group has no value of (a present
/// value without a discount rate) or a group with no paths.
fn summarize(g: &Group, metric: Metric) -> Result<Option<Summary>, Error> {
    let n = g.path_count;
    if n == 0 {
        return Ok(None);
    }
    // The value at each rank, from the sorted values themselves (a list of every
    // value as a `Value` would be another copy of the column).
    let row = |mean, at: &dyn Fn(usize) -> Option<Value>| Summary {
        group: g.group.clone(),
        variant: g.variant.clone(),
        metric,
        paths: n as u64,
        mean,
        min: at(1),
        percentiles: PERCENTILES.map(|p| at(rank(p, n))),
        max: at(n),
    };
    if metric == Metric::BindingDate {
        // Never binding sorts after every date: `None` last.
        let mut dates = g.binding_dates()?;
        dates.sort_unstable_by(|a, b| match (a, b) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        let at = |r: usize| {
            dates
                .get(r.saturating_sub(1))
                .copied()
                .flatten()
                .map(Value::Date)
        };
        return Ok(Some(row(None, &at)));
    }
    let Some(mut values) = g
        .column(|p| metric.amount(p))?
        .into_iter()
        .collect::<Option<Vec<Decimal>>>()
    else {
        return Ok(None);
    };
    let mut sum = Decimal::ZERO;
    for v in &values {
        sum = sum
            .checked_add(*v)
            .ok_or_else(|| overflow(g, metric.name()))?;
    }
    let mean = div_round12(sum, Decimal::from(n as u64))
        .ok_or_else(|| overflow(g, metric.name()))?
        .normalize();
    values.sort_unstable();
    let at = |r: usize| values.get(r.saturating_sub(1)).copied().map(Value::Amount);
    Ok(Some(row(Some(mean), &at)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunks written between reads (which move the file's position) are still
    /// appended, and every value reads back, the written ones first.
    #[test]
    fn spilled_values_read_back_as_kept() {
        let file = tempfile::tempfile().unwrap();
        let mut v = Values::default();
        let (mut paid, mut uncapped) = (Vec::new(), Vec::new());
        for i in 0..(2 * CHUNK + 17) {
            let (p, u) = ((i * 7919 % 10007) as f32 * 0.5, -(i as f32));
            v.push(p, u);
            paid.push(p);
            uncapped.push(u);
            if v.paid.len() >= CHUNK {
                v.write(&file).unwrap();
                assert_eq!(
                    v.read(Some(&file)).unwrap(),
                    (paid.clone(), uncapped.clone())
                );
            }
        }
        assert_eq!(v.chunks.len(), 2);
        v.write(&file).unwrap();
        assert_eq!(v.chunks.len(), 3);
        assert!(v.paid.is_empty());
        assert_eq!(v.read(Some(&file)).unwrap(), (paid, uncapped));
        assert!(Values {
            count: 1,
            chunks: vec![(0, 1)],
            ..Values::default()
        }
        .read(None)
        .is_err());
    }

    /// A group of more paths than a chunk has its fan chart's values in the
    /// temporary file, and the same quantiles as sorting every value kept in memory.
    #[test]
    fn spilled_bands_are_the_quantiles_of_every_value() {
        use crate::model::{Period, PeriodInput, Scenario, Terms};
        use crate::montecarlo::paths::{batches, Base, Simulation};
        let b = Decimal::from(1_000_000_000i64);
        let periods = [(2027, 50), (2028, 100), (2029, 150), (2030, 200)]
            .iter()
            .enumerate()
            .map(|(i, &(y, r))| PeriodInput {
                period: Period::year(y).unwrap(),
                revenue: Decimal::from(r) * b,
                rate: None,
                line: i as u64 + 2,
            })
            .collect();
        let s = Scenario {
            name: "base".into(),
            source: "t.csv".into(),
            periods,
        };
        let from = Date::from_ymd(2027, 1, 1).unwrap();
        let sim = Simulation {
            volatility: Decimal::new(3, 1),
            seed: 5,
            decimals: 2,
        };
        let base = Base::new(&s, from, &sim);
        let terms = Terms {
            cap: Some(Decimal::from(38) * b),
            from: Some(from),
            ..Terms::default()
        };
        let key = Key {
            group: "base",
            variant: "",
            cap: terms.cap,
            rate: None,
        };
        let mut dist = Distributions::new(terms.through, true);
        let mut kept: BTreeMap<Date, (Vec<f32>, Vec<f32>)> = BTreeMap::new();
        for batch in batches(&base, 2 * CHUNK as u64 + 123, 1000) {
            let results: Vec<ScenarioResult> = batch
                .unwrap()
                .iter()
                .map(|p| crate::engine::compute(p, &terms).unwrap())
                .collect();
            dist.add_results(&key, &results);
            for r in &results {
                let mut u = 0.0f64;
                for p in &r.periods {
                    u += to_f64(p.uncapped_payment);
                    let e = kept.entry(p.end).or_default();
                    e.0.push(to_f64(p.cumulative) as f32);
                    e.1.push(u as f32);
                }
            }
        }
        let g = &dist.groups()[0];
        assert!(
            g.spill.is_some(),
            "nothing was written to the temporary file"
        );
        assert!(g.bands.values().all(|v| v.chunks.len() == 2));
        let expected: Vec<Band> = kept
            .into_iter()
            .map(|(date, (mut paid, mut uncapped))| {
                paid.sort_by(f32::total_cmp);
                uncapped.sort_by(f32::total_cmp);
                let at = |v: &[f32], p: u32| f64::from(v[rank(p, v.len()) - 1]);
                Band {
                    date,
                    paid: [5, 25, 50, 75, 95].map(|p| at(&paid, p)),
                    uncapped_median: at(&uncapped, 50),
                }
            })
            .collect();
        assert_eq!(expected.len(), 4);
        assert_eq!(g.bands().unwrap(), expected);
    }

    /// Paths written to the temporary file (every few, across groups) give the same
    /// rows, probabilities, binding dates and foregone amounts as paths kept in
    /// memory, every bit of every amount included.
    #[test]
    fn written_paths_read_back_as_kept() {
        let d = |s: &str| Date::parse(s).unwrap();
        let through = d("2030-12-31");
        let mut kept = Distributions::new(through, false);
        let mut written = Distributions::new(through, false).with_path_limit(3);
        let mut seed = 7u64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        for i in 0..1000 {
            let key = Key {
                group: ["a.csv", "b.csv"][(i % 2) as usize],
                variant: ["25B", "38B", "50B"][next(3) as usize],
                cap: None,
                rate: None,
            };
            let total = Decimal::new(next(50_000_000_000_000) as i64, next(13) as u32);
            let uncapped = total + Decimal::new(next(1_000_000) as i64, 2);
            let s = ScenarioSummary {
                eligible_revenue: Decimal::new(next(1 << 50) as i64, 2),
                uncapped_total: uncapped,
                total_paid: total,
                foregone: uncapped - total,
                cap_binds: next(2) == 0,
                binding_period: None,
                binding_date: (next(3) > 0)
                    .then(|| d("2026-01-01").add_days(next(1800) as i64).unwrap()),
                effective_rate: None,
                present_value: (i % 7 != 3).then(|| Decimal::new(next(1 << 40) as i64, 9)),
                covered_from: d("2026-01-01"),
                covered_through: through,
            };
            let from = d("2026-01-01").add_days(next(30) as i64).unwrap();
            kept.add(&key, from, &s);
            written.add(&key, from, &s);
        }
        assert!(written.groups.iter().all(|g| !g.path_chunks.is_empty()));
        let bits = |x: &[Decimal]| x.iter().map(|d| d.serialize()).collect::<Vec<_>>();
        for (k, w) in kept.groups.iter().zip(&written.groups) {
            assert_eq!(k.paths(), w.paths());
            assert_eq!(k.binding_dates().unwrap(), w.binding_dates().unwrap());
            assert_eq!(bits(&k.foregone().unwrap()), bits(&w.foregone().unwrap()));
        }
        let text = |x: Arc<Vec<Summary>>| format!("{x:?}");
        assert_eq!(
            text(kept.summaries().unwrap()),
            text(written.summaries().unwrap())
        );
        assert_eq!(
            kept.probabilities().unwrap(),
            written.probabilities().unwrap()
        );
    }

    /// What was summarized is kept for the next asking (the files, the table and the
    /// charts all ask), and forgotten when a path is added: the summaries and the
    /// probabilities then count it, as a distribution fed every path at once does.
    #[test]
    fn summaries_are_made_again_after_a_path_is_added() {
        let d = |s: &str| Date::parse(s).unwrap();
        let through = d("2030-12-31");
        let summary = |paid: i64, binds: Option<&str>| ScenarioSummary {
            eligible_revenue: Decimal::from(paid * 5),
            uncapped_total: Decimal::from(paid + 7),
            total_paid: Decimal::from(paid),
            foregone: Decimal::from(7),
            cap_binds: binds.is_some(),
            binding_period: None,
            binding_date: binds.map(d),
            effective_rate: None,
            present_value: None,
            covered_from: d("2026-01-01"),
            covered_through: through,
        };
        let key = Key {
            group: "a.csv",
            variant: "38B",
            cap: None,
            rate: None,
        };
        let from = d("2026-01-01");
        let (mut fed, mut all) = (
            Distributions::new(through, false),
            Distributions::new(through, false),
        );
        for (paid, binds) in [(10, None), (30, Some("2029-03-01"))] {
            fed.add(&key, from, &summary(paid, binds));
            all.add(&key, from, &summary(paid, binds));
        }
        let before = fed.summaries().unwrap();
        assert_eq!(fed.summaries().unwrap(), before);
        let bound_before = fed.probabilities().unwrap();
        fed.add(&key, from, &summary(50, Some("2027-06-30")));
        all.add(&key, from, &summary(50, Some("2027-06-30")));
        let after = fed.summaries().unwrap();
        assert_ne!(after, before);
        assert!(after.iter().all(|s| s.paths == 3));
        assert_eq!(after, all.summaries().unwrap());
        let bound_after = fed.probabilities().unwrap();
        assert_ne!(bound_after, bound_before);
        assert_eq!(bound_after, all.probabilities().unwrap());
    }

    #[test]
    fn nearest_rank_is_the_ceiling_of_p_n() {
        assert_eq!(rank(5, 100), 5);
        assert_eq!(rank(5, 101), 6);
        assert_eq!(rank(50, 1), 1);
        assert_eq!(rank(95, 20), 19);
        assert_eq!(rank(100, 7), 7);
        assert_eq!(rank(0, 7), 1);
    }

    #[test]
    fn year_ends_inside_the_term_then_its_end() {
        let d = |s: &str| Date::parse(s).unwrap();
        let got: Vec<String> = year_ends(d("2026-04-27"), d("2030-12-31"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            got,
            [
                "2026-12-31",
                "2027-12-31",
                "2028-12-31",
                "2029-12-31",
                "2030-12-31"
            ]
        );
        assert_eq!(
            year_ends(d("2026-04-27"), d("2026-06-30")),
            [d("2026-06-30")]
        );
    }
}
