//! The loader's row store: every value of a file in 16 bytes, grouped by scenario into
//! buckets of consecutive scenarios, so a large file becomes scenarios a batch at a
//! time and memory stays near the size of the values, not a multiple of it.
//!
//! Rows are appended in file order while reading (one sequential stream, no per-row
//! allocation), then dealt into buckets by scenario; a bucket is sorted by scenario
//! only when its batch is taken. See `bench/README.md` for what each step saved.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::error::{quote, Problem};
use crate::model::{Period, PeriodInput};

/// One value as read, in 16 bytes: the scenario's slot (24 bits), the line (31), the
/// period (20, [`Period::to_bits`]) and the value (53, [`Value`]). Six million rows
/// are 96 MB.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Row(u128);

/// The most scenarios one file may hold (slots fit in 24 bits).
pub(super) const MAX_SCENARIOS: usize = 1 << 24;

impl Row {
    const SLOT: u32 = 0;
    const LINE: u32 = 24;
    const PERIOD: u32 = 55;
    const VALUE: u32 = 75;

    fn new(slot: u32, line: u32, period: Period, value: u64) -> Row {
        Row(0)
            .with_slot(slot)
            .with_line(line)
            .with_bits(Row::PERIOD, 20, u64::from(period.to_bits()))
            .with_value(value)
    }

    fn bits(self, at: u32, width: u32) -> u64 {
        ((self.0 >> at) & ((1u128 << width) - 1)) as u64
    }

    /// The row with `width` bits at `at` replaced by `v` (cut to `width` bits).
    fn with_bits(self, at: u32, width: u32, v: u64) -> Row {
        let mask = ((1u128 << width) - 1) << at;
        Row((self.0 & !mask) | ((u128::from(v) << at) & mask))
    }

    fn slot(self) -> u32 {
        self.bits(Row::SLOT, 24) as u32
    }

    /// Slots are below [`MAX_SCENARIOS`] (the loader stops before).
    fn with_slot(self, slot: u32) -> Row {
        self.with_bits(Row::SLOT, 24, u64::from(slot))
    }

    fn line(self) -> u32 {
        self.bits(Row::LINE, 31) as u32
    }

    /// A file is at most 1 GiB, so its lines fit in 31 bits.
    fn with_line(self, line: u32) -> Row {
        self.with_bits(Row::LINE, 31, u64::from(line.min((1 << 31) - 1)))
    }

    fn period(self) -> Period {
        Period::from_bits(self.bits(Row::PERIOD, 20) as u32)
    }

    fn value(self) -> u64 {
        self.bits(Row::VALUE, 53)
    }

    fn with_value(self, value: u64) -> Row {
        self.with_bits(Row::VALUE, 53, value)
    }
}

/// A revenue of at most 47 bits of mantissa with no per-row rate is stored inline
/// (mantissa, scale: $1.4 trillion with cents); anything else (a rate, a larger
/// number) is stored whole in a side table and the row holds its index. Revenue is
/// never negative here.
struct Value;

impl Value {
    const SIDE: u64 = 1 << 52;
    const SCALE_SHIFT: u32 = 47;
    const MANTISSA: u64 = (1 << 47) - 1;

    fn encode(revenue: Decimal, rate: Option<Decimal>, side: &mut Vec<Side>) -> u64 {
        if rate.is_none() && !revenue.is_sign_negative() {
            if let Ok(m) = u64::try_from(revenue.mantissa()) {
                if m <= Value::MANTISSA {
                    return m | (u64::from(revenue.scale()) << Value::SCALE_SHIFT);
                }
            }
        }
        let i = side.len() as u64;
        side.push(Side { revenue, rate });
        Value::SIDE | i
    }

    fn decode(v: u64, side: &[Side]) -> (Decimal, Option<Decimal>) {
        if v & Value::SIDE == 0 {
            let m = v & Value::MANTISSA;
            // A scale comes from a Decimal (≤ 28); `min` keeps `from_parts` panic-free.
            let scale = u32::try_from((v >> Value::SCALE_SHIFT) & 0x1f)
                .unwrap_or(0)
                .min(28);
            // The mantissa is below 2^47: its low and middle 32-bit words.
            let (lo, mid) = (m as u32, (m >> 32) as u32);
            (Decimal::from_parts(lo, mid, 0, false, scale), None)
        } else {
            let i = usize::try_from(v & !Value::SIDE).unwrap_or(usize::MAX);
            side.get(i)
                .map_or((Decimal::ZERO, None), |s| (s.revenue, s.rate))
        }
    }
}

/// A value stored whole: a row with its own rate, or a revenue too large to inline.
#[derive(Clone, Copy, Debug)]
pub(super) struct Side {
    revenue: Decimal,
    rate: Option<Decimal>,
}

/// One value as read: its period, revenue and rate (if the row gave one).
pub(super) type Given = (Period, Decimal, Option<Decimal>);

/// Rows per chunk while reading (1 MB). Chunks, not one growing list: a
/// list of millions of rows regrown by doubling copies itself and briefly needs half
/// as much memory again.
const CHUNK: usize = 1 << 16;

/// Rows per bucket chunk (64 KB), small because every bucket keeps one half-full.
const BUCKET_CHUNK: usize = 1 << 12;

/// About this many rows make a bucket (2 MB of rows; the batch made from it holds
/// them as `PeriodInput`s, 6 MB).
const BUCKET_ROWS: usize = 1 << 17;

/// The rows of one part of a file grouped by scenario, in order of first appearance.
#[derive(Default)]
pub(super) struct Groups {
    /// Scenario names by slot.
    names: Vec<String>,
    /// Slot by name (long files; a wide file's slots are its columns): names of at
    /// most 15 bytes inside [`ShortTable`]'s entries (comparing a key then reads
    /// memory the lookup has already touched, where a `String` key sends every row to
    /// a different corner of the heap), longer ones by `String`.
    short: ShortTable,
    long: HashMap<String, u32, BuildHasherDefault<FxHasher>>,
    /// Rows of a long file waiting for their scenario's slot (see [`Groups::push_named`]).
    pending: Vec<Pending>,
    /// Every row so far, in file order, in chunks of [`CHUNK`] rows.
    rows: Vec<Vec<Row>>,
    side: Vec<Side>,
    /// Values pushed in all.
    values: usize,
    /// Scenarios that lost a row to a bad value: a gap in them is that row again,
    /// already reported, so their gaps are not checked.
    tainted: HashSet<u32>,
    /// A row was lost without knowing whose (a bad row, an empty scenario name).
    all_tainted: bool,
    /// A wide file's empty cells: (slot, period, line), judged once every row is read
    /// ([`Store::new`]).
    empties: Vec<(u32, Period, u64)>,
}

/// Slots by short name: open addressing with linear probing over one array of
/// (name, slot) entries, at most 7/8 full. A lookup reads one or two neighbouring
/// cache lines; a general hash table reads its control bytes, then its entry, two
/// dependent trips to memory per row once the table outgrows the cache.
#[derive(Default)]
struct ShortTable {
    /// `slot == EMPTY` marks a free entry; the length is a power of two (or 0).
    entries: Vec<Entry>,
    len: usize,
}

#[derive(Clone, Copy)]
struct Entry {
    key: ShortName,
    slot: u32,
}

const EMPTY: u32 = u32::MAX;

impl ShortTable {
    fn home(&self, key: ShortName) -> usize {
        // A multiplicative hash of both halves; the high bits pick the entry.
        let (lo, hi) = (key.0 as u64, (key.0 >> 64) as u64);
        let h = (lo ^ hi.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let bits = self.entries.len().trailing_zeros();
        if bits == 0 {
            0
        } else {
            usize::try_from(h >> (64 - bits)).unwrap_or(0)
        }
    }

    fn get(&self, key: ShortName) -> Option<u32> {
        let mask = self.entries.len().checked_sub(1)?;
        let mut i = self.home(key);
        loop {
            let e = self.entries.get(i)?;
            if e.slot == EMPTY {
                return None;
            }
            if e.key == key {
                return Some(e.slot);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds `key` (not yet present) with `slot` (not [`EMPTY`]).
    fn insert(&mut self, key: ShortName, slot: u32) {
        if (self.len + 1) * 8 > self.entries.len() * 7 {
            let size = (self.entries.len() * 2).max(1 << 10);
            let old = std::mem::replace(
                &mut self.entries,
                vec![
                    Entry {
                        key: ShortName(0),
                        slot: EMPTY,
                    };
                    size
                ],
            );
            self.len = 0;
            for e in old.into_iter().filter(|e| e.slot != EMPTY) {
                self.insert(e.key, e.slot);
            }
        }
        let mask = self.entries.len() - 1;
        let mut i = self.home(key);
        while let Some(e) = self.entries.get_mut(i) {
            if e.slot == EMPTY {
                *e = Entry { key, slot };
                self.len += 1;
                return;
            }
            i = (i + 1) & mask;
        }
    }
}

/// A scenario name of at most 15 bytes, stored inline as one number (its bytes and
/// its length), so a lookup compares two integers.
#[derive(PartialEq, Eq, Clone, Copy)]
struct ShortName(u128);

impl ShortName {
    fn new(name: &str) -> Option<ShortName> {
        let mut bytes = [0u8; 16];
        bytes
            .get_mut(..name.len())?
            .copy_from_slice(name.as_bytes());
        // The last byte holds the length (≤ 15): `a` and `a\0` differ.
        *bytes.get_mut(15)? = u8::try_from(name.len()).ok().filter(|&n| n < 16)?;
        Some(ShortName(u128::from_le_bytes(bytes)))
    }

    /// The name again.
    fn text(&self) -> String {
        let bytes = self.0.to_le_bytes();
        let len = usize::from(bytes.get(15).copied().unwrap_or(0));
        String::from_utf8_lossy(bytes.get(..len).unwrap_or_default()).into_owned()
    }
}

impl Groups {
    /// Scenarios so far (names waiting in the pending list not yet counted).
    pub(super) fn scenarios(&self) -> usize {
        self.names.len()
    }

    /// Values pushed in all (counted as they are pushed, pending or not).
    pub(super) fn values(&self) -> usize {
        self.values
    }

    /// A row was lost without knowing whose (a bad row, an empty scenario name): no
    /// scenario's gaps are checked.
    pub(super) fn taint_all(&mut self) {
        self.all_tainted = true;
    }

    /// Adds a scenario found by position (a wide file's column), not by name.
    pub(super) fn add_column(&mut self, name: String) {
        self.names.push(name);
    }

    /// The slot of scenario `name`, added if new.
    pub(super) fn slot(&mut self, name: &str) -> u32 {
        match ShortName::new(name) {
            Some(key) => self.slot_of(&Name::Short(key), name),
            None => self.slot_of(&Name::Long(name.to_string()), name),
        }
    }

    fn find(&self, key: &Name) -> Option<u32> {
        match key {
            Name::Short(k) => self.short.get(*k),
            Name::Long(n) => self.long.get(n).copied(),
        }
    }

    /// The slot of the scenario `key` stands for (`name` is its text), added if new.
    fn slot_of(&mut self, key: &Name, name: &str) -> u32 {
        if let Some(slot) = self.find(key) {
            return slot;
        }
        // Slots stay below MAX_SCENARIOS (the loader stops past it); saturating keeps
        // this panic-free all the same.
        let slot = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        match key {
            Name::Short(k) => self.short.insert(*k, slot),
            Name::Long(n) => {
                self.long.insert(n.clone(), slot);
            }
        }
        self.names.push(name.to_string());
        slot
    }

    /// A long file's row of scenario `name`: its value, or `None` when the row's value
    /// was wrong (the scenario's gaps are then not checked).
    ///
    /// Rows wait in a short list and are looked up [`PENDING`] at a time: the table of
    /// a large file's names does not fit in a core's cache, and a lookup right after
    /// parsing each row stalls on memory with nothing else to do, where lookups one
    /// after another overlap their waits. Values are counted at once (limits).
    pub(super) fn push_named(&mut self, name: &str, value: Option<Given>, line: u64) {
        if value.is_some() {
            self.values += 1;
        }
        let key = match ShortName::new(name) {
            Some(k) => Name::Short(k),
            None => Name::Long(name.to_string()),
        };
        self.pending.push(Pending { key, value, line });
        if self.pending.len() >= PENDING {
            self.flush();
        }
    }

    /// Gives the waiting rows their slots, in order, so names keep the order in which
    /// they first appear.
    pub(super) fn flush(&mut self) {
        let mut pending = std::mem::take(&mut self.pending);
        // Every lookup first: independent loads whose cache misses overlap.
        let mut found = [None; PENDING];
        for (f, p) in found.iter_mut().zip(&pending) {
            *f = self.find(&p.key);
        }
        for (p, found) in pending.drain(..).zip(found) {
            let slot = match found {
                Some(slot) => slot,
                // New (or first seen earlier in this list): added in order.
                None => {
                    let name = match &p.key {
                        Name::Short(k) => k.text(),
                        Name::Long(n) => n.clone(),
                    };
                    self.slot_of(&p.key, &name)
                }
            };
            match p.value {
                Some(value) => self.store(slot, value, p.line),
                None => self.taint(slot),
            }
        }
        self.pending = pending;
    }

    /// An empty cell of the scenario in `slot` (a wide file's column) in `period`.
    pub(super) fn empty(&mut self, slot: u32, period: Period, line: u64) {
        self.empties.push((slot, period, line));
    }

    pub(super) fn taint(&mut self, slot: u32) {
        self.tainted.insert(slot);
    }

    /// A value of the scenario in `slot` (a wide file's column).
    pub(super) fn push(&mut self, slot: u32, value: Given, line: u64) {
        self.values += 1;
        self.store(slot, value, line);
    }

    fn store(&mut self, slot: u32, (period, revenue, rate): Given, line: u64) {
        let row = Row::new(
            slot,
            u32::try_from(line).unwrap_or(u32::MAX),
            period,
            Value::encode(revenue, rate, &mut self.side),
        );
        match self.rows.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(row),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(row);
                self.rows.push(chunk);
            }
        }
    }
}

/// Rows looked up together (see [`Groups::push_named`]).
const PENDING: usize = 32;

/// A long file's row waiting for its scenario's slot.
struct Pending {
    key: Name,
    value: Option<Given>,
    line: u64,
}

/// A scenario name as looked up: short ones inline.
enum Name {
    Short(ShortName),
    Long(String),
}

/// A later part of the same file, read on its own: its lines are counted from its own
/// start, `line_offset` lines into the file.
pub(super) struct Later {
    groups: Groups,
    line_offset: u64,
}

impl Later {
    pub(super) fn new(groups: Groups, line_offset: u64) -> Later {
        Later {
            groups,
            line_offset,
        }
    }

    /// Values pushed in the later part.
    pub(super) fn values(&self) -> usize {
        self.groups.values
    }
}

/// A file's rows dealt into buckets of consecutive slots, ready to be taken a batch
/// at a time.
pub(super) struct Store {
    names: Vec<String>,
    check_gaps: Vec<bool>,
    /// Bucket `k` holds the rows of slots `k * per_bucket ..` up to the next bucket's.
    buckets: Vec<Vec<Vec<Row>>>,
    per_bucket: usize,
    side: Vec<Side>,
}

impl Store {
    /// Deals the rows of `first` and, when the file was read in two parts, of `later`
    /// into buckets, giving the later part's scenarios the slots the first part gave
    /// them (new ones after), its lines their place in the file, and its side values
    /// their place in one table. Each part's chunks are freed as they are dealt.
    ///
    /// A wide file's empty cells are judged here, by period, across both parts: one
    /// between two values of its scenario is a hole and reported (its scenario's gaps
    /// are then not checked: the hole is that gap); one before the first value or
    /// after the last is where the scenario starts or ends (docs/spec.md §2.2).
    pub(super) fn new(
        mut first: Groups,
        later: Option<Later>,
        origin: &str,
    ) -> (Store, Vec<Problem>) {
        first.flush();
        let mut remap = Vec::new();
        let (mut later_rows, mut line_offset, mut side_offset) = (Vec::new(), 0u32, 0u64);
        if let Some(Later {
            mut groups,
            line_offset: offset,
        }) = later
        {
            groups.flush();
            remap = groups.names.iter().map(|n| first.slot(n)).collect();
            for t in &groups.tainted {
                if let Some(&s) = remap.get(*t as usize) {
                    first.tainted.insert(s);
                }
            }
            first.all_tainted |= groups.all_tainted;
            first.values += groups.values;
            for (slot, period, line) in groups.empties.drain(..) {
                let slot = remap.get(slot as usize).copied().unwrap_or(0);
                first
                    .empties
                    .push((slot, period, line.saturating_add(offset)));
            }
            side_offset = first.side.len() as u64;
            first.side.append(&mut groups.side);
            later_rows = groups.rows;
            line_offset = u32::try_from(offset).unwrap_or(u32::MAX);
        }
        let slots = first.names.len();
        let count = first.values.div_ceil(BUCKET_ROWS).clamp(1, slots.max(1));
        let per_bucket = slots.div_ceil(count).max(1);
        let first_rows = std::mem::take(&mut first.rows);
        let (mut buckets, later_buckets) = rayon::join(
            || deal(first_rows, count, per_bucket, |r| r),
            || {
                deal(later_rows, count, per_bucket, |mut r| {
                    r = r.with_slot(remap.get(r.slot() as usize).copied().unwrap_or(0));
                    r = r.with_line(r.line().saturating_add(line_offset));
                    let v = r.value();
                    if v & Value::SIDE != 0 {
                        r = r.with_value(v.saturating_add(side_offset));
                    }
                    r
                })
            },
        );
        for (b, mut later) in buckets.iter_mut().zip(later_buckets) {
            b.append(&mut later);
        }
        let problems = holes(&mut first, &buckets, origin);
        let (tainted, all_tainted) = (&first.tainted, first.all_tainted);
        let check_gaps = (0..slots)
            .map(|s| !all_tainted && !u32::try_from(s).is_ok_and(|s| tainted.contains(&s)))
            .collect();
        let store = Store {
            names: first.names,
            check_gaps,
            buckets,
            per_bucket,
            side: first.side,
        };
        (store, problems)
    }

    /// Scenario names in order of first appearance.
    pub(super) fn names(&self) -> &[String] {
        &self.names
    }

    pub(super) fn batch_count(&self) -> usize {
        self.buckets.len()
    }

    /// Bucket `k`'s scenarios, in slot order, each with its rows (in period order
    /// when they are consecutive periods, in file order otherwise) and whether its gaps
    /// are to be checked; the bucket's memory is freed. Scenarios without rows are left
    /// out. Taking a bucket twice gives nothing the second time.
    pub(super) fn take_batch(&mut self, k: usize) -> Vec<(String, Vec<PeriodInput>, bool)> {
        let Some(bucket) = self.buckets.get_mut(k) else {
            return Vec::new();
        };
        let chunks = std::mem::take(bucket);
        let start = k.saturating_mul(self.per_bucket).min(self.names.len());
        let end = start.saturating_add(self.per_bucket).min(self.names.len());
        let index = |r: &Row| (r.slot() as usize).checked_sub(start);
        // A counting sort by slot into one list: stable, so each scenario's rows stay
        // in file order.
        let mut counts = vec![0usize; end - start];
        for r in chunks.iter().flatten() {
            if let Some(c) = index(r).and_then(|i| counts.get_mut(i)) {
                *c += 1;
            }
        }
        let Some(&filler) = chunks.iter().flatten().next() else {
            return Vec::new();
        };
        let mut sorted = vec![filler; counts.iter().sum()];
        let mut at: Vec<usize> = counts
            .iter()
            .scan(0, |sum, &n| {
                let first = *sum;
                *sum += n;
                Some(first)
            })
            .collect();
        for chunk in chunks {
            for r in chunk {
                if let Some(a) = index(&r).and_then(|i| at.get_mut(i)) {
                    if let Some(place) = sorted.get_mut(*a) {
                        *place = r;
                    }
                    *a += 1;
                }
            }
        }
        // Each scenario's rows, on every core: placed in period order when they are
        // consecutive periods (a valid scenario), else left in file order for
        // `check_periods` to sort and report on; then decoded.
        let mut lists: Vec<(usize, &[Row])> = Vec::with_capacity(counts.len());
        let mut rest: &[Row] = &sorted;
        for (i, &n) in counts.iter().enumerate() {
            let Some((head, tail)) = rest.split_at_checked(n) else {
                break;
            };
            if !head.is_empty() {
                lists.push((i, head));
            }
            rest = tail;
        }
        let names = self.names.get(start..end).unwrap_or_default();
        let gaps = self.check_gaps.get(start..end).unwrap_or_default();
        let side = &self.side;
        lists
            .into_par_iter()
            .map(|(i, rows)| {
                let decode = |r: &Row| {
                    let (revenue, rate) = Value::decode(r.value(), side);
                    PeriodInput {
                        period: r.period(),
                        revenue,
                        rate,
                        line: u64::from(r.line()),
                    }
                };
                let periods = match consecutive(rows) {
                    Some(order) => order
                        .iter()
                        .filter_map(|&j| rows.get(j as usize))
                        .map(decode)
                        .collect(),
                    // File order: `check_periods` settles pending periods, sorts
                    // and reports repeats, overlaps and gaps.
                    None => rows.iter().map(decode).collect(),
                };
                let name = names.get(i).cloned().unwrap_or_default();
                (name, periods, gaps.get(i).copied().unwrap_or(true))
            })
            .collect()
    }
}

/// The problems of a wide file's empty cells (see [`Store::new`]), in line order; the
/// scenarios with a hole are tainted. A scenario with no value at all is reported
/// once, at its first empty cell. Costs nothing for a file without empty cells.
fn holes(groups: &mut Groups, buckets: &[Vec<Vec<Row>>], origin: &str) -> Vec<Problem> {
    if groups.empties.is_empty() {
        return Vec::new();
    }
    // Each scenario's first and last period with a value.
    let mut range: Vec<Option<(Period, Period)>> = vec![None; groups.names.len()];
    for r in buckets.iter().flatten().flatten() {
        if let Some(x) = range.get_mut(r.slot() as usize) {
            let p = r.period();
            *x = Some(x.map_or((p, p), |(lo, hi)| (lo.min(p), hi.max(p))));
        }
    }
    let mut empties = std::mem::take(&mut groups.empties);
    empties.sort_by_key(|&(slot, _, line)| (line, slot));
    let mut problems = Vec::new();
    let mut reported = HashSet::new();
    for (slot, period, line) in empties {
        let name = groups.names.get(slot as usize).map_or("", String::as_str);
        let message = match range.get(slot as usize).copied().flatten() {
            Some((lo, hi)) if lo < period && period < hi => format!(
                "is empty in {period}, between values of scenario {} ({lo} to {hi}); only cells before a scenario's first value or after its last may be empty (write 0 for none)",
                quote(name)
            ),
            Some(_) => continue,
            // A scenario whose other cells were wrong has had those reported.
            None if !groups.all_tainted
                && !groups.tainted.contains(&slot)
                && reported.insert(slot) => format!(
                "is empty, and so is every cell of scenario {} (expected e.g. 12700000000, 12.7B or \"$12,700,000,000\"; write 0 for none)",
                quote(name)
            ),
            None => continue,
        };
        groups.tainted.insert(slot);
        problems.push(
            Problem::new(origin, message)
                .line(line)
                .column(name)
                .value(""),
        );
    }
    problems
}

/// When `rows` are settled periods of one length and phase, each once, with none missing between
/// them (a valid scenario), the index of the row of each period in period order: a
/// placement in one pass instead of a sort. `None` otherwise.
fn consecutive(rows: &[Row]) -> Option<Vec<u32>> {
    let first = rows.first()?.period();
    let low = rows.iter().map(|r| r.period().ordinal()).min()?;
    let mut order = vec![u32::MAX; rows.len()];
    for (j, r) in rows.iter().enumerate() {
        // Pending periods (fiscal years, dates) and mixed lengths take the sorting
        // path of `check_periods`.
        if !r.period().same_kind(&first) {
            return None;
        }
        let at = usize::try_from(r.period().ordinal() - low).ok()?;
        let place = order.get_mut(at)?;
        if *place != u32::MAX {
            return None;
        }
        *place = u32::try_from(j).ok()?;
    }
    Some(order)
}

/// Deals `chunks` (consumed and freed one by one) into `count` buckets of
/// `per_bucket` consecutive slots each, after `f` has given each row its final form.
fn deal(
    chunks: Vec<Vec<Row>>,
    count: usize,
    per_bucket: usize,
    f: impl Fn(Row) -> Row,
) -> Vec<Vec<Vec<Row>>> {
    let mut buckets: Vec<Vec<Vec<Row>>> = (0..count).map(|_| Vec::new()).collect();
    for chunk in chunks {
        for row in chunk {
            let row = f(row);
            let k = (row.slot() as usize / per_bucket).min(count.saturating_sub(1));
            let Some(bucket) = buckets.get_mut(k) else {
                continue;
            };
            match bucket.last_mut() {
                Some(c) if c.len() < BUCKET_CHUNK => c.push(row),
                _ => {
                    let mut c = Vec::with_capacity(BUCKET_CHUNK);
                    c.push(row);
                    bucket.push(c);
                }
            }
        }
    }
    buckets
}

/// The Fx hash (rustc's): a multiply and a rotate per word, for names over 15 bytes.
/// Scenario names are not chosen by an adversary who could make them collide, and a
/// file of long names hashes one per row, so the standard library's DoS-resistant
/// SipHash is more than this needs.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FiscalStart;
    use proptest::prelude::*;

    #[test]
    fn a_row_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Row>(), 16);
    }

    /// Every period comes back from its bits, and its bits from it.
    #[test]
    fn periods_round_trip_through_bits() {
        for y in 1..=9999 {
            let all = (1..=12)
                .filter_map(|m| Period::month(y, m))
                .chain((1..=4).filter_map(|q| Period::quarter(y, q)))
                .chain((1..=2).filter_map(|h| Period::half(y, h)))
                .chain(
                    (1..=12)
                        .filter_map(FiscalStart::month)
                        .filter_map(|f| Period::fiscal_year(y, f)),
                )
                .chain(Period::year(y))
                .chain(Period::pending_fiscal_year(y))
                .chain((1..=12).filter_map(|m| Period::pending_end(y, m)));
            for p in all {
                assert_eq!(Period::from_bits(p.to_bits()), p);
                assert!(p.to_bits() < 1 << 20);
            }
        }
    }

    proptest! {
        /// Each field of a row comes back as stored, whatever the others hold.
        #[test]
        fn rows_round_trip(slot in 0u32..1 << 24, line in any::<u32>(), year in 1i32..=9999, m in 1u32..=12, value in 0u64..1 << 53) {
            let period = Period::month(year, m).unwrap();
            let r = Row::new(slot, line, period, value);
            prop_assert_eq!(r.slot(), slot);
            prop_assert_eq!(r.line(), line.min((1 << 31) - 1));
            prop_assert_eq!(r.period(), period);
            prop_assert_eq!(r.value(), value);
            let moved = r.with_slot(7).with_line(9).with_value(3);
            prop_assert_eq!((moved.slot(), moved.line(), moved.period(), moved.value()), (7, 9, period, 3));
        }

        /// Whatever the value, it comes back exactly, scale included.
        #[test]
        fn values_round_trip(m in any::<u64>(), hi in any::<u32>(), scale in 0u32..=28, wide in any::<bool>(), rate in proptest::option::of(0u32..=1000)) {
            let hi = if wide { hi } else { 0 };
            let revenue = Decimal::from_parts(m as u32, (m >> 32) as u32, hi, false, scale);
            let rate = rate.map(|r| Decimal::new(i64::from(r), 3));
            let mut side = Vec::new();
            let v = Value::encode(revenue, rate, &mut side);
            let (r2, rate2) = Value::decode(v, &side);
            prop_assert_eq!(r2, revenue);
            prop_assert_eq!(r2.scale(), revenue.scale());
            prop_assert_eq!(rate2, rate);
        }
    }

    /// The short-name table finds every name added, and no other, across growth.
    #[test]
    fn short_table_finds_what_was_added() {
        let mut t = ShortTable::default();
        let key = |i: u32| ShortName::new(&format!("s{i}")).unwrap();
        assert_eq!(t.get(key(0)), None);
        for i in 0..5000 {
            assert_eq!(t.get(key(i)), None);
            t.insert(key(i), i);
        }
        for i in 0..5000 {
            assert_eq!(t.get(key(i)), Some(i));
        }
        assert_eq!(t.get(key(5000)), None);
        assert_eq!(t.get(ShortName::new("").unwrap()), None);
        assert_eq!(key(17).text(), "s17");
    }

    fn groups_of(rows: &[(&str, u32, u64)]) -> Groups {
        let mut g = Groups::default();
        for &(name, m, line) in rows {
            let slot = g.slot(name);
            let p = Period::month(2026, m).unwrap();
            g.push(slot, (p, Decimal::from(m), None), line);
        }
        g
    }

    /// Two parts merge as one read would have: the later part's scenarios keep the
    /// first part's slots, new ones come after, lines shift by the first part's.
    #[test]
    fn two_parts_deal_like_one() {
        let whole = groups_of(&[
            ("a", 1, 2),
            ("b", 1, 3),
            ("a", 2, 4),
            ("c", 1, 5),
            ("b", 2, 6),
        ]);
        let first = groups_of(&[("a", 1, 2), ("b", 1, 3)]);
        let later = groups_of(&[("a", 2, 1), ("c", 1, 2), ("b", 2, 3)]);
        let mut one = Store::new(whole, None, "t.csv").0;
        let mut two = Store::new(
            first,
            Some(Later {
                groups: later,
                line_offset: 3,
            }),
            "t.csv",
        )
        .0;
        assert_eq!(one.names(), two.names());
        let take = |s: &mut Store| {
            (0..s.batch_count())
                .flat_map(|k| s.take_batch(k))
                .collect::<Vec<_>>()
        };
        let (a, b) = (take(&mut one), take(&mut two));
        assert_eq!(a.len(), 3);
        assert_eq!(a, b);
        // Lines are the file's; scenario "a" has its rows of lines 2 and 4 in order.
        assert_eq!(a[0].1.iter().map(|p| p.line).collect::<Vec<_>>(), [2, 4]);
    }
}
