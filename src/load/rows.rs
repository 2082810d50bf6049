//! The loader's row store: every value of a file in 16 bytes, grouped by scenario into
//! buckets of consecutive scenarios, so a large file becomes scenarios a batch at a
//! time and memory stays near the size of the values, not a multiple of it.
//!
//! Rows are appended in file order while reading (one sequential stream, no per-row
//! allocation), then dealt into buckets by scenario; a bucket is sorted by scenario
//! only when its batch is taken. See `bench/README.md` for what each step saved.
//!
//! A file larger than its memory budget goes to disk ([`Disk`]: an anonymous
//! temporary file in `TMPDIR`): once the rows, names and side values held pass the
//! budget, the rows read go to disk a chunk at a time; dealing reads them back in
//! order and writes each bucket's full chunks to disk; taking a batch reads its
//! bucket back. Memory then holds the names, one chunk being read, one open chunk
//! per bucket and one batch, whatever the number of rows (docs/memory.md).

use std::collections::HashSet;
use std::io::{self, Read, Seek, SeekFrom, Write};

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

/// The most lines one file may have (lines fit in 31 bits).
pub(super) const MAX_LINES: u64 = (1 << 31) - 1;

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

    /// Lines fit in 31 bits: the loader stops past [`MAX_LINES`].
    fn with_line(self, line: u32) -> Row {
        self.with_bits(Row::LINE, 31, u64::from(line).min(MAX_LINES))
    }

    fn period(self) -> Period {
        Period::from_bits(self.bits(Row::PERIOD, 20) as u32)
    }

    /// The ordinal of the row's period when it is a settled month
    /// ([`Period::month_ordinal_of_bits`]).
    fn month_ordinal(self) -> Option<i32> {
        Period::month_ordinal_of_bits(self.bits(Row::PERIOD, 20) as u32)
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

/// Rows per chunk while reading: a bucket chunk's (64 KB), so that dealing hands
/// each chunk it has emptied to a bucket (`deal`) instead of freeing it while the
/// buckets allocate as much again. Chunks, not one growing list: a list of millions
/// of rows regrown by doubling copies itself and briefly needs half as much memory
/// again. In unit tests a few rows, so that the small files read with a budget of 0
/// really put their rows on disk (rows go there a full chunk at a time) and read them
/// back: `tests::halves_read_like_the_whole`.
const CHUNK: usize = if cfg!(test) { 3 } else { BUCKET_CHUNK };

/// Rows per bucket chunk (64 KB), small because every bucket keeps one half-full.
const BUCKET_CHUNK: usize = 1 << 12;

/// Rows per bucket chunk when the buckets go to disk (8 KB): every bucket keeps one
/// open in memory in each half, and a file large enough to go to disk has many
/// buckets (the 60M-row bench file 916: 15 MB of open chunks; 16 KB chunks made the
/// peak 9 MB higher). (A few rows in unit tests, as [`CHUNK`].)
const DISK_BUCKET_CHUNK: usize = if cfg!(test) { 2 } else { 1 << 9 };

/// About this many rows make a bucket (1 MB of rows; the batch made from it holds
/// them as `PeriodInput`s, 3.5 MB). Smaller than it was (131,072): the 6M-row
/// compare took 8 % less time and 6 MB less memory, as a batch stays nearer the
/// cores' caches while it is written and read, and the next batch, taken while one
/// is computed, leaves a core idle for less time at the end. Half as many again
/// (32,768 and 16,384) were slower.
const BUCKET_ROWS: usize = 1 << 16;

/// Bytes a row takes on disk.
const ROW_BYTES: u64 = 16;

/// Rows kept in an anonymous temporary file in `TMPDIR` (removed as it is made, so
/// nothing is left behind however the process ends), 16 bytes each, appended in
/// order and read back by place.
pub(super) struct Disk {
    file: std::fs::File,
    rows: u64,
}

impl Disk {
    fn new() -> io::Result<Disk> {
        Ok(Disk {
            file: tempfile::tempfile()?,
            rows: 0,
        })
    }

    /// Appends `rows` (`bytes` is room to lay them out in); gives the place of the
    /// first.
    fn append(&mut self, rows: &[Row], bytes: &mut Vec<u8>) -> io::Result<u64> {
        bytes.clear();
        for r in rows {
            bytes.extend_from_slice(&r.0.to_le_bytes());
        }
        let at = self.rows;
        let mut f = &self.file;
        f.seek(SeekFrom::Start(at * ROW_BYTES))?;
        f.write_all(bytes)?;
        self.rows += rows.len() as u64;
        Ok(at)
    }

    /// Appends the `n` rows from place `at` to `out`.
    fn read(&self, at: u64, n: usize, bytes: &mut Vec<u8>, out: &mut Vec<Row>) -> io::Result<()> {
        bytes.resize(n * ROW_BYTES as usize, 0);
        let mut f = &self.file;
        f.seek(SeekFrom::Start(at * ROW_BYTES))?;
        f.read_exact(bytes)?;
        out.extend(bytes.chunks_exact(ROW_BYTES as usize).map(|c| {
            Row(u128::from_le_bytes(
                <[u8; 16]>::try_from(c).unwrap_or_default(),
            ))
        }));
        Ok(())
    }
}

/// One part's rows in file order: those on disk (once the part went over its memory
/// budget) before those held.
#[derive(Default)]
pub(super) struct Rows {
    disk: Option<Disk>,
    held: Vec<Vec<Row>>,
}

impl Rows {
    /// Whether some of the rows are on disk.
    pub(super) fn spilled(&self) -> bool {
        self.disk.is_some()
    }
}

/// The rows of one part of a file grouped by scenario, in order of first appearance.
#[derive(Default)]
pub(super) struct Groups {
    /// Scenario names by slot.
    names: Names,
    /// Slot by name (long files; a wide file's slots are its columns).
    table: NameTable,
    /// Rows of a long file waiting for their scenario's slot (see [`Groups::push_named`]),
    /// their long names (a short one is its key) one after another in `pending_text`.
    pending: Vec<Pending>,
    pending_text: String,
    /// Every row so far, in file order, in chunks of [`CHUNK`] rows.
    rows: Rows,
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
    /// The memory the rows, names and side values may take before the rows go to
    /// disk (`None`: no limit).
    budget: Option<usize>,
    /// Why rows could not go to disk: the read stops.
    spill_error: Option<io::Error>,
    /// Room to lay rows out as bytes for the disk.
    bytes: Vec<u8>,
}

/// Scenario names by slot, in order of first appearance, in one string: a name costs
/// its bytes and 8 more, where a `String` each would cost 24 more and an allocation
/// (a million names: 15 MB rather than 50).
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct Names {
    text: String,
    /// Where each name ends in `text`.
    ends: Vec<u64>,
}

impl Names {
    /// How many names.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The name in slot `i`.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = usize::try_from(*self.ends.get(i)?).ok()?;
        let start = match i.checked_sub(1) {
            Some(j) => usize::try_from(*self.ends.get(j)?).ok()?,
            None => 0,
        };
        self.text.get(start..end)
    }

    /// Every name, in slot order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }

    fn push(&mut self, name: &str) {
        self.text.push_str(name);
        self.ends.push(self.text.len() as u64);
    }

    /// The memory they take.
    fn bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 8
    }
}

/// Slots by name: open addressing with linear probing over one array of 12-byte
/// entries (a name's [`Key`] and its slot), at most 7/8 full. A name of at most 7
/// bytes is its key, so finding it reads one or two neighbouring cache lines of the
/// table and nothing else; a longer one's key is a hash of it, and a match is
/// confirmed against its text in [`Names`]. A general hash table reads its control
/// bytes, then its entry, two dependent trips to memory per row once it outgrows the
/// cache; 12 bytes an entry rather than a 32-byte inline name keep a million names'
/// table at 24 MB.
#[derive(Default)]
struct NameTable {
    /// `slot == EMPTY` marks a free entry; the length is a power of two (or 0).
    entries: Vec<Entry>,
    len: usize,
}

/// 12 bytes: aligned to 4, so the key's 8 bytes are read unaligned.
#[derive(Clone, Copy)]
#[repr(C, packed(4))]
struct Entry {
    key: u64,
    slot: u32,
}

const EMPTY: u32 = u32::MAX;

/// Held while a [`NameTable`] grows (see [`NameTable::insert`]).
static GROWING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A name as the table keys it: a name of at most 7 bytes is its bytes with its
/// length in the last (so `a` and `a\0` differ); a longer one is a 64-bit hash of it
/// (the Fx hash, rustc's, with a final mix) whose last byte is 0xFF, which no short
/// name's length is. Scenario names are not chosen by an adversary who could make
/// hashes collide, and a collision costs only a comparison with the text.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key(u64);

impl Key {
    const LONG: u64 = 0xFF << 56;

    fn of(name: &str) -> Key {
        let bytes = name.as_bytes();
        if bytes.len() < 8 {
            // Shifted into a register, not copied into an array read back whole:
            // that read waited for the copy's stores, a stall on every row.
            let mut k = (bytes.len() as u64) << 56;
            for (i, &b) in bytes.iter().enumerate() {
                k |= u64::from(b) << (8 * i);
            }
            return Key(k);
        }
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut h = bytes.len() as u64;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(<[u8; 8]>::try_from(c).unwrap_or_default());
            h = (h.rotate_left(5) ^ w).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            if let Some(head) = w.get_mut(..rest.len()) {
                head.copy_from_slice(rest);
            }
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        Key(h | Key::LONG)
    }

    /// Whether the key is a hash, to be confirmed against the name's text.
    fn is_hash(self) -> bool {
        self.0 & Key::LONG == Key::LONG
    }

    /// The name a key that is not a hash holds (its bytes and their number), in
    /// `buf`; `None` for a hash.
    fn short_name(self, buf: &mut [u8; 7]) -> Option<&str> {
        if self.is_hash() {
            return None;
        }
        let len = usize::try_from(self.0 >> 56).ok()?;
        let bytes = buf.get_mut(..len)?;
        bytes.copy_from_slice(self.0.to_le_bytes().get(..len)?);
        std::str::from_utf8(bytes).ok()
    }
}

impl NameTable {
    fn home(&self, key: Key) -> usize {
        // A multiplicative hash; the high bits pick the entry.
        let h = key.0.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let bits = self.entries.len().trailing_zeros();
        if bits == 0 {
            0
        } else {
            usize::try_from(h >> (64 - bits.min(64))).unwrap_or(0)
        }
    }

    /// Asks the processor to bring the entry where the search for `key` starts into
    /// its cache, without waiting for it: the look-up follows a few rows later
    /// ([`Groups::flush`]).
    #[inline(always)]
    fn prefetch(&self, key: Key) {
        #[cfg(target_arch = "x86_64")]
        if let Some(e) = self.entries.get(self.home(key)) {
            use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            // SAFETY: a prefetch reads nothing the program sees and cannot fault; the
            // address is that of an entry of the table.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(e).cast()) }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = key;
    }

    /// The slot of `name` (whose key is `key`), its text found in `names`.
    fn get(&self, key: Key, name: &str, names: &Names) -> Option<u32> {
        let mask = self.entries.len().checked_sub(1)?;
        let mut i = self.home(key);
        loop {
            let e = *self.entries.get(i)?;
            if e.slot == EMPTY {
                return None;
            }
            if e.key == key.0 && (!key.is_hash() || names.get(e.slot as usize) == Some(name)) {
                return Some(e.slot);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a name (not yet present) by its key, with `slot` (not [`EMPTY`]).
    fn insert(&mut self, key: Key, slot: u32) {
        if (self.len + 1) * 8 > self.entries.len() * 7 {
            // One table grows at a time: while it grows the old table and the new
            // one, twice as large, are both held, and the two halves of a shuffled
            // file reach the same number of names at the same moment (1M names: 12
            // and 24 MB in each half at once, the 60M-row file's peak 129 to 141 MB
            // with the timing; one at a time, the other half waits a few ms).
            let _one_at_a_time = GROWING
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let size = (self.entries.len() * 2).max(1 << 10);
            let old = std::mem::replace(
                &mut self.entries,
                vec![
                    Entry {
                        key: 0,
                        slot: EMPTY
                    };
                    size
                ],
            );
            self.len = 0;
            for e in old.into_iter().filter(|e| e.slot != EMPTY) {
                self.place(Key(e.key), e.slot);
            }
        }
        self.place(key, slot);
    }

    /// Puts a name (not yet present) in the first free entry from its home; the
    /// table has room.
    fn place(&mut self, key: Key, slot: u32) {
        let mask = self.entries.len() - 1;
        let mut i = self.home(key);
        while let Some(e) = self.entries.get_mut(i) {
            if e.slot == EMPTY {
                *e = Entry { key: key.0, slot };
                self.len += 1;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// The memory it takes.
    fn bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Entry>()
    }
}

impl Groups {
    /// Rows go to disk once the rows, names and side values held take more than
    /// `budget` bytes.
    pub(super) fn set_budget(&mut self, budget: usize) {
        self.budget = Some(budget);
    }

    /// Why rows could not go to disk, if they could not: the read stops.
    pub(super) fn spill_error(&self) -> Option<&io::Error> {
        self.spill_error.as_ref()
    }

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
        self.names.push(&name);
    }

    /// The slot of scenario `name`, added if new.
    pub(super) fn slot(&mut self, name: &str) -> u32 {
        self.slot_of(Key::of(name), name)
    }

    /// The slot of scenario `name` (whose key is `key`), added if new.
    fn slot_of(&mut self, key: Key, name: &str) -> u32 {
        if let Some(slot) = self.table.get(key, name, &self.names) {
            return slot;
        }
        // Slots stay below MAX_SCENARIOS (the loader stops past it); saturating keeps
        // this panic-free all the same.
        let slot = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.table.insert(key, slot);
        self.names.push(name);
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
        let key = Key::of(name);
        // A short name is its key, which gives it back when it is new (`flush`):
        // only a long one's text is kept for the look-up.
        if key.is_hash() {
            self.pending_text.push_str(name);
        }
        // Encoded now, its slot added once found: side values keep file order.
        let row = value.map(|given| self.encode(given, line));
        // Its entry is fetched while the next rows are read: looked up at once, a
        // large table's entry (1M names: 24 MB) cost a wait on memory every row.
        self.table.prefetch(key);
        self.pending.push(Pending {
            key,
            end: self.pending_text.len(),
            row,
        });
        if self.pending.len() >= PENDING {
            self.flush();
        }
    }

    /// Gives the waiting rows their slots, in order, so names keep the order in which
    /// they first appear.
    pub(super) fn flush(&mut self) {
        let mut pending = std::mem::take(&mut self.pending);
        let mut text = std::mem::take(&mut self.pending_text);
        // Every lookup first: independent loads whose cache misses overlap.
        let mut found = [None; PENDING];
        let mut start = 0;
        for (f, p) in found.iter_mut().zip(&pending) {
            let name = text.get(start..p.end).unwrap_or_default();
            *f = self.table.get(p.key, name, &self.names);
            start = p.end;
        }
        start = 0;
        for (p, found) in pending.drain(..).zip(found) {
            let name = text.get(start..p.end).unwrap_or_default();
            start = p.end;
            // New (or first seen earlier in this list): added in order.
            let slot = found.unwrap_or_else(|| {
                let mut buf = [0; 7];
                let name = p.key.short_name(&mut buf).unwrap_or(name);
                self.slot_of(p.key, name)
            });
            match p.row {
                Some(row) => self.store(row.with_slot(slot)),
                None => self.taint(slot),
            }
        }
        text.clear();
        self.pending = pending;
        self.pending_text = text;
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
        let row = self.encode(value, line).with_slot(slot);
        self.store(row);
    }

    /// The row of a value on `line`, its slot still 0.
    fn encode(&mut self, (period, revenue, rate): Given, line: u64) -> Row {
        Row::new(
            0,
            u32::try_from(line).unwrap_or(u32::MAX),
            period,
            Value::encode(revenue, rate, &mut self.side),
        )
    }

    fn store(&mut self, row: Row) {
        match self.rows.held.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(row),
            _ => self.next_chunk(row),
        }
    }

    /// The last chunk is full (or there is none): `row` starts the next. Over the
    /// budget, the chunks held go to disk first, and every chunk after them as it
    /// fills, one chunk's memory reused.
    #[cold]
    fn next_chunk(&mut self, row: Row) {
        if self.spill_error.is_none() && (self.rows.disk.is_some() || self.over_budget()) {
            if let Err(e) = self.spill() {
                self.spill_error = Some(e);
            }
        }
        match self.rows.held.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(row),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(row);
                self.rows.held.push(chunk);
            }
        }
    }

    /// Whether the rows, names and side values held take more than the budget.
    fn over_budget(&self) -> bool {
        let Some(budget) = self.budget else {
            return false;
        };
        let rows = self.rows.held.len() * CHUNK * ROW_BYTES as usize;
        let side = self.side.capacity() * std::mem::size_of::<Side>();
        rows + side + self.names.bytes() + self.table.bytes() > budget
    }

    /// Writes the chunks held to disk, keeping one chunk's memory, emptied.
    fn spill(&mut self) -> io::Result<()> {
        let mut held = std::mem::take(&mut self.rows.held);
        let disk = match &mut self.rows.disk {
            Some(d) => d,
            None => self.rows.disk.insert(Disk::new()?),
        };
        for chunk in &held {
            disk.append(chunk, &mut self.bytes)?;
        }
        held.truncate(1);
        if let Some(chunk) = held.first_mut() {
            chunk.clear();
        }
        self.rows.held = held;
        Ok(())
    }
}

/// Rows looked up together (see [`Groups::push_named`]).
const PENDING: usize = 32;

/// A long file's row waiting for its scenario's slot (`None`: a row whose value was
/// wrong); its name, unless its key holds it, ends at `end` in
/// [`Groups::pending_text`], where the previous
/// one's ends.
struct Pending {
    key: Key,
    end: usize,
    row: Option<Row>,
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

/// Part of a bucket: rows held, or rows on disk (`disk` 0 for the first part's, 1 for
/// the later part's), `rows` of them from place `at`.
enum Piece {
    Held(Vec<Row>),
    Disk { disk: usize, at: u64, rows: usize },
}

/// A file's rows dealt into buckets of consecutive slots, ready to be taken a batch
/// at a time.
pub(super) struct Store {
    names: Names,
    check_gaps: Vec<bool>,
    /// Bucket `k` holds the rows of slots `k * per_bucket ..` up to the next bucket's,
    /// in file order.
    buckets: Vec<Vec<Piece>>,
    /// Where the buckets' rows on disk are, when the file went over its memory budget.
    disks: [Option<Disk>; 2],
    per_bucket: usize,
    side: Vec<Side>,
}

/// The disk a piece's rows are on.
fn disk_of(disks: &[Option<Disk>; 2], i: usize) -> io::Result<&Disk> {
    disks
        .get(i)
        .and_then(Option::as_ref)
        .ok_or_else(|| io::Error::other("rows missing from the temporary file"))
}

impl Store {
    /// Deals the rows of `first` and, when the file was read in two parts, of `later`
    /// into buckets, giving the later part's scenarios the slots the first part gave
    /// them (new ones after), its lines their place in the file, and its side values
    /// their place in one table. Each part's chunks are reused or freed as they are
    /// dealt. When either part's rows went to disk, the buckets go to disk too (every
    /// full bucket chunk written as it fills), and are read back as their batch is
    /// taken.
    ///
    /// A wide file's empty cells are judged here, by period, across both parts: one
    /// between two values of its scenario is a hole and reported (its scenario's gaps
    /// are then not checked: the hole is that gap); one before the first value or
    /// after the last is where the scenario starts or ends (docs/spec.md §2.2).
    ///
    /// An `Err` is the temporary file's (rows that could not go to disk or come back).
    pub(super) fn new(
        mut first: Groups,
        later: Option<Later>,
        origin: &str,
    ) -> io::Result<(Store, Vec<Problem>)> {
        first.flush();
        let mut remap = Vec::new();
        let (mut later_rows, mut line_offset, mut side_offset) = (Rows::default(), 0u32, 0u64);
        if let Some(Later {
            mut groups,
            line_offset: offset,
        }) = later
        {
            groups.flush();
            if let Some(e) = groups.spill_error.take() {
                return Err(e);
            }
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
            later_rows = std::mem::take(&mut groups.rows);
            line_offset = u32::try_from(offset).unwrap_or(u32::MAX);
        }
        if let Some(e) = first.spill_error.take() {
            return Err(e);
        }
        // Names are found by slot from here on: the table is no longer needed.
        first.table = NameTable::default();
        let slots = first.names.len();
        let count = first.values.div_ceil(BUCKET_ROWS).clamp(1, slots.max(1));
        let per_bucket = slots.div_ceil(count).max(1);
        let first_rows = std::mem::take(&mut first.rows);
        let to_disk = first_rows.spilled() || later_rows.spilled();
        // Each scenario's range of periods, for judging a wide file's empty cells:
        // kept while dealing, which sees every row, rather than read again after.
        let ranges = (!first.empties.is_empty()).then_some(slots);
        let (dealt, later_dealt) = rayon::join(
            || {
                deal(
                    first_rows,
                    count,
                    per_bucket,
                    to_disk.then_some(0),
                    ranges,
                    |r| r,
                )
            },
            || {
                deal(
                    later_rows,
                    count,
                    per_bucket,
                    to_disk.then_some(1),
                    ranges,
                    |mut r| {
                        r = r.with_slot(remap.get(r.slot() as usize).copied().unwrap_or(0));
                        r = r.with_line(r.line().saturating_add(line_offset));
                        let v = r.value();
                        if v & Value::SIDE != 0 {
                            r = r.with_value(v.saturating_add(side_offset));
                        }
                        r
                    },
                )
            },
        );
        let (mut buckets, first_disk, mut range) = dealt?;
        let (later_buckets, later_disk, later_range) = later_dealt?;
        for (b, mut later) in buckets.iter_mut().zip(later_buckets) {
            b.append(&mut later);
        }
        for (r, later) in range.iter_mut().zip(later_range) {
            *r = widen(*r, later);
        }
        let disks = [first_disk, later_disk];
        let problems = holes(&mut first, &range, origin);
        let (tainted, all_tainted) = (&first.tainted, first.all_tainted);
        let check_gaps = (0..slots)
            .map(|s| !all_tainted && !u32::try_from(s).is_ok_and(|s| tainted.contains(&s)))
            .collect();
        let store = Store {
            names: first.names,
            check_gaps,
            buckets,
            disks,
            per_bucket,
            side: first.side,
        };
        Ok((store, problems))
    }

    /// Whether the rows have a temporary file (the file was over its memory budget
    /// when a chunk filled). Rows are written a full chunk at a time ([`CHUNK`]), so a
    /// file of fewer rows has the file but may write no row to it.
    pub(super) fn on_disk(&self) -> bool {
        self.disks.iter().any(Option::is_some)
    }

    /// Scenario names in order of first appearance.
    pub(super) fn names(&self) -> &Names {
        &self.names
    }

    pub(super) fn batch_count(&self) -> usize {
        self.buckets.len()
    }

    /// Bucket `k`'s scenarios, in slot order, each with its rows (in period order
    /// when they are consecutive periods, in file order otherwise) and whether its gaps
    /// are to be checked; the bucket's memory is freed. Scenarios without rows are left
    /// out. Taking a bucket twice gives nothing the second time. An `Err` is the
    /// temporary file's.
    pub(super) fn take_batch(&mut self, k: usize) -> io::Result<Vec<Taken>> {
        let Some(bucket) = self.buckets.get_mut(k) else {
            return Ok(Vec::new());
        };
        let pieces = std::mem::take(bucket);
        let mut chunks: Vec<Vec<Row>> = Vec::with_capacity(pieces.len());
        let mut bytes = Vec::new();
        for p in pieces {
            match p {
                Piece::Held(rows) => chunks.push(rows),
                Piece::Disk { disk, at, rows } => {
                    let mut chunk = Vec::with_capacity(rows);
                    disk_of(&self.disks, disk)?.read(at, rows, &mut bytes, &mut chunk)?;
                    chunks.push(chunk);
                }
            }
        }
        drop(bytes);
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
            return Ok(Vec::new());
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
        let names = &self.names;
        let gaps = self.check_gaps.get(start..end).unwrap_or_default();
        let side = &self.side;
        Ok(lists
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
                // Sized first: the placed rows' filter would otherwise make the
                // list grow by doubling, copying itself four times for 60 periods.
                let mut periods = Vec::with_capacity(rows.len());
                let order = consecutive(rows);
                let in_order = order.is_some();
                match (order, rows.first()) {
                    // Every index is a row's (`place` fills each place once), so the
                    // first row never stands in for one; a map of the whole list,
                    // where a filter was, lets `extend` write the rows without
                    // checking its room for each (a tenth of taking a batch).
                    (Some(order), Some(first)) => periods.extend(
                        order
                            .iter()
                            .map(|&j| decode(rows.get(j as usize).unwrap_or(first))),
                    ),
                    // File order: `check_periods` settles pending periods, sorts
                    // and reports repeats, overlaps and gaps.
                    _ => periods.extend(rows.iter().map(decode)),
                }
                Taken {
                    name: names.get(start + i).unwrap_or_default().to_string(),
                    periods,
                    check_gaps: gaps.get(i).copied().unwrap_or(true),
                    in_order,
                }
            })
            .collect())
    }
}

/// One scenario of a batch ([`Store::take_batch`]).
#[derive(Debug, PartialEq)]
pub(super) struct Taken {
    pub(super) name: String,
    /// In period order when `in_order`, else in file order.
    pub(super) periods: Vec<PeriodInput>,
    /// Whether its gaps are to be checked.
    pub(super) check_gaps: bool,
    /// Its periods are settled, of one length and phase, each once, none missing
    /// between them, and in order (`consecutive`): `check_periods` would find
    /// nothing in them and leave them as they are.
    pub(super) in_order: bool,
}

/// The problems of a wide file's empty cells (see [`Store::new`]), in line order, by
/// each scenario's first and last period with a value (`range`, by slot); the
/// scenarios with a hole are tainted. A scenario with no value at all is reported
/// once, at its first empty cell. Costs nothing for a file without empty cells.
fn holes(groups: &mut Groups, range: &[Range], origin: &str) -> Vec<Problem> {
    if groups.empties.is_empty() {
        return Vec::new();
    }
    let mut empties = std::mem::take(&mut groups.empties);
    empties.sort_by_key(|&(slot, _, line)| (line, slot));
    let mut problems = Vec::new();
    let mut reported = HashSet::new();
    for (slot, period, line) in empties {
        let name = groups.names.get(slot as usize).unwrap_or_default();
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
        let problem = Problem::new(origin, message)
            .line(line)
            .column(name)
            .value("");
        groups.tainted.insert(slot);
        problems.push(problem);
    }
    problems
}

/// A scenario's first and last period with a value, if it has one.
type Range = Option<(Period, Period)>;

/// The range that holds both `a` and `b`.
fn widen(a: Range, b: Range) -> Range {
    match (a, b) {
        (Some((lo, hi)), Some((l, h))) => Some((lo.min(l), hi.max(h))),
        (a, None) => a,
        (None, b) => b,
    }
}

/// When `rows` are settled periods of one length and phase, each once, with none missing between
/// them (a valid scenario), the index of the row of each period in period order: a
/// placement in one pass instead of a sort. `None` otherwise.
fn consecutive(rows: &[Row]) -> Option<Vec<u32>> {
    let first = rows.first()?.period();
    // Months, the common case, read from their bits: no period is built, and no
    // ordinal divided, three times a row (about 2 % of a large compare's work).
    if let Some(low) = rows
        .iter()
        .try_fold(i32::MAX, |low, r| Some(low.min(r.month_ordinal()?)))
    {
        return place(rows, low, |r| r.month_ordinal());
    }
    let low = rows.iter().map(|r| r.period().ordinal()).min()?;
    // Pending periods (fiscal years, dates) and mixed lengths take the sorting path
    // of `check_periods`.
    place(rows, low, |r| {
        let p = r.period();
        p.same_kind(&first).then(|| p.ordinal())
    })
}

/// The index of each row by its `ordinal` counted from `low`, or `None` when a row
/// has none, two rows have one, or one is missing ([`consecutive`]).
fn place(rows: &[Row], low: i32, ordinal: impl Fn(&Row) -> Option<i32>) -> Option<Vec<u32>> {
    let mut order = vec![u32::MAX; rows.len()];
    for (j, r) in rows.iter().enumerate() {
        let at = usize::try_from(ordinal(r)? - low).ok()?;
        let place = order.get_mut(at)?;
        if *place != u32::MAX {
            return None;
        }
        *place = u32::try_from(j).ok()?;
    }
    Some(order)
}

/// Buckets being dealt: each bucket's pieces and its open chunk.
struct Dealing {
    pieces: Vec<Vec<Piece>>,
    open: Vec<Vec<Row>>,
    per_bucket: usize,
    /// Where full bucket chunks go (and the number [`Piece::Disk`] gives it), or
    /// `None` to hold them.
    disk: Option<(Disk, usize)>,
    chunk: usize,
    bytes: Vec<u8>,
    /// Each slot's [`Range`], when kept (empty otherwise).
    range: Vec<Range>,
    /// Read chunks already dealt, emptied, with a bucket chunk's room: the next
    /// bucket chunks opened. Freed instead, they went back to the heap of the
    /// thread that read them while the dealing thread's heap grew by as much, each
    /// page new to the process (on the 6M-row bench file, 21,000 page faults: more
    /// than a third of the command's).
    spare: Vec<Vec<Row>>,
}

impl Dealing {
    fn put(&mut self, row: Row) -> io::Result<()> {
        if let Some(r) = self.range.get_mut(row.slot() as usize) {
            *r = widen(*r, Some((row.period(), row.period())));
        }
        let k = (row.slot() as usize / self.per_bucket).min(self.open.len().saturating_sub(1));
        let (Some(open), Some(pieces)) = (self.open.get_mut(k), self.pieces.get_mut(k)) else {
            return Ok(());
        };
        if open.capacity() == 0 {
            // A read chunk already has a bucket chunk's room (the few rows of a unit
            // test's do not, and grow here).
            *open = self.spare.pop().unwrap_or_default();
            open.reserve_exact(self.chunk);
        }
        open.push(row);
        if open.len() >= self.chunk {
            match &mut self.disk {
                Some((disk, i)) => {
                    let at = disk.append(open, &mut self.bytes)?;
                    pieces.push(Piece::Disk {
                        disk: *i,
                        at,
                        rows: open.len(),
                    });
                    open.clear();
                }
                None => pieces.push(Piece::Held(std::mem::take(open))),
            }
        }
        Ok(())
    }
}

/// What [`deal`] gives: each bucket's pieces, the temporary file of those on disk, and
/// each slot's [`Range`] when kept.
type Dealt = (Vec<Vec<Piece>>, Option<Disk>, Vec<Range>);

/// Deals `rows` (consumed: those held freed one chunk at a time, those on disk read
/// back a chunk at a time) into `count` buckets of `per_bucket` consecutive slots
/// each, after `f` has given each row its final form. With `to_disk` (the number
/// [`Piece::Disk`] gives the disk), full bucket chunks go to a new temporary file,
/// given back with the buckets. With `ranges` (the number of slots), each slot's
/// [`Range`] is kept as its rows pass, and given back too (empty otherwise).
fn deal(
    rows: Rows,
    count: usize,
    per_bucket: usize,
    to_disk: Option<usize>,
    ranges: Option<usize>,
    f: impl Fn(Row) -> Row,
) -> io::Result<Dealt> {
    let disk = match to_disk {
        Some(i) => Some((Disk::new()?, i)),
        None => None,
    };
    let mut dealing = Dealing {
        pieces: (0..count).map(|_| Vec::new()).collect(),
        open: (0..count).map(|_| Vec::new()).collect(),
        per_bucket,
        chunk: if disk.is_some() {
            DISK_BUCKET_CHUNK
        } else {
            BUCKET_CHUNK
        },
        disk,
        bytes: Vec::new(),
        range: vec![None; ranges.unwrap_or(0)],
        spare: Vec::new(),
    };
    let Rows { disk: from, held } = rows;
    if let Some(from) = from {
        let (mut chunk, mut bytes) = (Vec::with_capacity(CHUNK), Vec::new());
        let mut at = 0;
        while at < from.rows {
            let n = usize::try_from((from.rows - at).min(CHUNK as u64)).unwrap_or(CHUNK);
            chunk.clear();
            from.read(at, n, &mut bytes, &mut chunk)?;
            for &row in &chunk {
                dealing.put(f(row))?;
            }
            at += n as u64;
        }
    }
    for mut chunk in held {
        for &row in &chunk {
            dealing.put(f(row))?;
        }
        // Not for buckets bound for disk: they keep one open chunk each, emptied
        // as it is written.
        if dealing.disk.is_none() {
            chunk.clear();
            dealing.spare.push(chunk);
        }
    }
    let Dealing {
        mut pieces,
        open,
        disk,
        range,
        ..
    } = dealing;
    for (p, open) in pieces.iter_mut().zip(open) {
        if !open.is_empty() {
            p.push(Piece::Held(open));
        }
    }
    Ok((pieces, disk.map(|(d, _)| d), range))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_row_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Row>(), 16);
    }

    /// Every period comes back from its bits, and its bits from it.
    #[test]
    fn periods_round_trip_through_bits() {
        for y in 1..=9999 {
            for p in Period::every_kind_in(y) {
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

        /// A scenario taken in order (`Taken::in_order`) is what `check_periods`
        /// would give back with no problem, so the check is skipped for it: random
        /// months, quarters, halves, years, fiscal years and dates (both pending) of
        /// a few scenarios in any order, repeated, with gaps, mixed, or tainted by a
        /// row without a value (gaps not checked), and one scenario of every month in
        /// shuffled order.
        #[test]
        fn periods_in_order_are_what_the_check_gives(
            rows in proptest::collection::vec((0usize..5, 0u32..7, 0u32..8), 1..60),
            shuffle in any::<u64>(),
        ) {
            let mut g = Groups::default();
            let mut line = 1;
            // A row of `name` in `period`, or with no value (`None`).
            let mut push = |g: &mut Groups, name: &str, period: Option<Period>| {
                line += 1;
                g.push_named(name, period.map(|p| (p, Decimal::from(line), None)), line);
            };
            let ends = ["03-31", "06-30", "09-30", "12-31"];
            for (n, kind, i) in rows {
                let written = match kind {
                    0 => format!("2026-{:02}", i + 1),
                    1 => format!("2026Q{}", i % 4 + 1),
                    2 => format!("{}", 2026 + i),
                    3 => format!("2026H{}", i % 2 + 1),
                    4 => format!("FY{}", 2026 + i),
                    5 => format!("2026-{}", ends[(i % 4) as usize]),
                    _ => {
                        // A row whose value was wrong: its scenario's gaps are not
                        // checked.
                        push(&mut g, &format!("s{n}"), None);
                        continue;
                    }
                };
                push(&mut g, &format!("s{n}"), Some(crate::parse::period(&written).unwrap()));
            }
            let mut months: Vec<u32> = (1..=12).collect();
            let mut x = shuffle | 1;
            for i in (1..months.len()).rev() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                months.swap(i, (x % (i as u64 + 1)) as usize);
            }
            for m in months {
                push(&mut g, "every month", Period::month(2027, m));
            }
            let mut store = Store::new(g, None, "t.csv").unwrap().0;
            let mut in_order = 0;
            for k in 0..store.batch_count() {
                for t in store.take_batch(k).unwrap() {
                    let checked = crate::load::periods::check_periods(
                        "t.csv",
                        &t.name,
                        t.periods.clone(),
                        t.check_gaps,
                        crate::model::FiscalStart::JANUARY,
                    );
                    if t.in_order {
                        in_order += 1;
                        prop_assert_eq!(checked, Ok(t.periods));
                    }
                }
            }
            prop_assert!(in_order >= 1);
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

    /// The name table finds every name added, and no other, across growth; names of
    /// any length, the empty one and names that share a prefix included.
    #[test]
    fn name_table_finds_what_was_added() {
        let mut g = Groups::default();
        let name = |i: u32| match i % 3 {
            0 => format!("s{i}"),
            1 => format!("a rather long scenario name number {i}"),
            _ => "x".repeat(i as usize % 40),
        };
        let mut slots = std::collections::HashMap::new();
        for i in 0..5000 {
            let n = name(i);
            let next = slots.len() as u32;
            let slot = *slots.entry(n.clone()).or_insert(next);
            assert_eq!(g.slot(&n), slot, "{n}");
        }
        assert_eq!(g.names.len(), slots.len());
        for (n, &slot) in &slots {
            assert_eq!(g.table.get(Key::of(n), n, &g.names), Some(slot));
            assert_eq!(g.names.get(slot as usize), Some(n.as_str()));
        }
        assert_eq!(g.table.get(Key::of("s5001"), "s5001", &g.names), None);
        assert_eq!(std::mem::size_of::<Entry>(), 12);
        // Short names differ by length even when their bytes are zeros.
        assert!(Key::of("a") != Key::of("a\0"));
        assert!(!Key::of("1234567").is_hash() && Key::of("12345678").is_hash());
        // A short name comes back from its key, bytes and length; a long one does not.
        let mut buf = [0; 7];
        for n in ["", "a", "a\0", "\0", "s52430", "é", "日本", "1234567"] {
            assert_eq!(Key::of(n).short_name(&mut buf), Some(n), "{n:?}");
        }
        assert_eq!(Key::of("12345678").short_name(&mut buf), None);
    }

    /// Rows over a budget go to disk and come back the same, in order, whatever the
    /// budget: with no budget, one that spills after a few chunks, and one that
    /// spills from the first.
    #[test]
    fn rows_on_disk_come_back_as_held() {
        let rows: Vec<(String, u32, u64)> = (0..300_000u64)
            .map(|i| {
                (
                    format!("s{}", (i * 7919) % 5000),
                    (i % 12) as u32 + 1,
                    i + 2,
                )
            })
            .collect();
        let take = |budget: Option<usize>| {
            let mut g = Groups::default();
            if let Some(b) = budget {
                g.set_budget(b);
            }
            for (name, m, line) in &rows {
                let p = Period::month(2026, *m).unwrap();
                g.push_named(name, Some((p, Decimal::from(*line), None)), *line);
            }
            let spilled = {
                g.flush();
                g.rows.spilled()
            };
            let mut s = Store::new(g, None, "t.csv").unwrap().0;
            let all = (0..s.batch_count())
                .flat_map(|k| s.take_batch(k).unwrap())
                .collect::<Vec<_>>();
            (spilled, all)
        };
        let (held, whole) = take(None);
        assert!(!held);
        assert_eq!(whole.len(), 5000);
        for budget in [3 << 20, 0] {
            let (spilled, back) = take(Some(budget));
            assert!(spilled, "{budget}");
            assert_eq!(back, whole, "{budget}");
        }
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
        let mut one = Store::new(whole, None, "t.csv").unwrap().0;
        let mut two = Store::new(
            first,
            Some(Later {
                groups: later,
                line_offset: 3,
            }),
            "t.csv",
        )
        .unwrap()
        .0;
        assert_eq!(one.names(), two.names());
        let take = |s: &mut Store| {
            (0..s.batch_count())
                .flat_map(|k| s.take_batch(k).unwrap())
                .collect::<Vec<_>>()
        };
        let (a, b) = (take(&mut one), take(&mut two));
        assert_eq!(a.len(), 3);
        assert_eq!(a, b);
        // Lines are the file's; scenario "a" has its rows of lines 2 and 4 in order.
        assert_eq!(
            a[0].periods.iter().map(|p| p.line).collect::<Vec<_>>(),
            [2, 4]
        );
    }
}
