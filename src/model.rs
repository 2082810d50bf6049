//! The data revcap works on: calendar dates, periods, scenarios, terms and results.
//!
//! Everything here is plain data. Parsing lives in `parse`/`load`/`config`, arithmetic in
//! `engine`, presentation in `render`/`chart`. The result types are `Serialize` and
//! their field docs are the data dictionary for the CSV and JSON outputs.

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// A proleptic Gregorian calendar date, stored as days since 1970-01-01 so that day
/// counts are a subtraction. Only years 1..=9999 can be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

impl Date {
    /// The date for `year-month-day`, or `None` if it does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date(days_from_civil(year, month, day)))
    }

    /// `(year, month, day)`.
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// The date `n` days later (earlier for negative `n`); `None` outside 1..=9999.
    pub fn add_days(self, n: i64) -> Option<Date> {
        let d = i64::from(self.0).checked_add(n)?;
        let d = i32::try_from(d).ok()?;
        let (y, _, _) = civil_from_days(d);
        (1..=9999).contains(&y).then_some(Date(d))
    }

    /// Days from `self` to `later` (negative if `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        i64::from(later.0) - i64::from(self.0)
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let y = i32::try_from(num(0..4)?).ok()?;
        Date::from_ymd(y, num(5..7)?, num(8..10)?)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Date {
    /// The `Display` text, without a formatter where the year has four digits: a
    /// run's JSON document holds two dates a period.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (y, m, d) = self.ymd();
        match date_text(y, m, d).as_ref().map(|t| std::str::from_utf8(t)) {
            Some(Ok(text)) => s.serialize_str(text),
            _ => s.collect_str(self),
        }
    }
}

/// `YYYY-MM-DD` for a year of at most four digits, else `None`.
pub(crate) fn date_text(y: i32, m: u32, day: u32) -> Option<[u8; 10]> {
    let Ok(y @ 0..=9999) = u32::try_from(y) else {
        return None;
    };
    let digit = |v: u32| b'0' + (v % 10) as u8;
    Some([
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(day / 10),
        digit(day),
    ])
}

pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days: exact integer algorithms for
// the proleptic Gregorian calendar (http://howardhinnant.github.io/date_algorithms.html).
const fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let m = m as i32;
    let mp = if m > 2 { m - 3 } else { m + 9 }; // [0, 11]
    let doy = (153 * mp + 2) / 5 + d as i32 - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The first month [`MONTH_STARTS`] holds, as months since January of year 0.
const MONTH_STARTS_FROM: i32 = 1900 * 12;

/// The first day of every month from January 1900 to January 2201, computed when
/// the program is built. Every walk asks for the first and last day of every
/// period, and a look-up here costs a few instructions where the calendar
/// arithmetic costs dozens; months outside it are computed. Pinned by
/// `tests::month_starts_are_the_calendars`.
#[allow(clippy::indexing_slicing)]
const MONTH_STARTS: [i32; 301 * 12 + 1] = {
    let mut t = [0i32; 301 * 12 + 1];
    let mut i = 0;
    while i < t.len() {
        let n = MONTH_STARTS_FROM + i as i32;
        t[i] = days_from_civil(n.div_euclid(12), n.rem_euclid(12) as u32 + 1, 1);
        i += 1;
    }
    t
};

/// The first day of month `n` (months since January of year 0).
#[inline]
fn month_start(n: i32) -> i32 {
    match usize::try_from(n - MONTH_STARTS_FROM)
        .ok()
        .and_then(|i| MONTH_STARTS.get(i))
    {
        Some(&d) => d,
        None => days_from_civil(n.div_euclid(12), n.rem_euclid(12) as u32 + 1, 1),
    }
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// How long a period is. A scenario may mix them as long as its periods neither
/// overlap nor leave gaps (docs/spec.md §2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Granularity {
    Year,
    HalfYear,
    Quarter,
    Month,
}

impl fmt::Display for Granularity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Granularity::Year => "year",
            Granularity::HalfYear => "half-year",
            Granularity::Quarter => "quarter",
            Granularity::Month => "month",
        })
    }
}

/// The month a fiscal year starts in (`--fiscal-year-start`); January by default,
/// when a fiscal year is the calendar year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FiscalStart(u8);

impl FiscalStart {
    /// Fiscal years that are calendar years (the default).
    pub const JANUARY: FiscalStart = FiscalStart(0);

    /// The start for `month` (1 = January), or `None` outside 1..=12.
    pub fn month(month: u32) -> Option<FiscalStart> {
        (1..=12)
            .contains(&month)
            .then(|| FiscalStart(u8::try_from(month - 1).unwrap_or(0)))
    }
    /// Months after January (0..=11).
    pub fn month0(self) -> u32 {
        u32::from(self.0)
    }
}

/// A calendar year, half-year, quarter or month, or a fiscal year (twelve months
/// from a start month other than January, which may cross a calendar year). Ordered by
/// start date, then length.
///
/// A period may also be *pending*: read from the file but not yet known in full until
/// its scenario is gathered (`load::periods`). A pending period is either a fiscal
/// year `FY2026` (kept as the twelve months of its end year until the fiscal start
/// is applied) or a date `2026-09-30` (kept as the month it ends, until the scenario's
/// other periods say how long a period it ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    // Small fields: a large file holds millions of periods (see `PeriodInput`).
    year: i16,
    /// Months since the start of `year` at which the period starts (0..=11),
    /// followed by its length in months (1, 3, 6 or 12); together they order periods
    /// by start.
    start_month0: u8,
    months: u8,
    pending: bool,
}

/// The lengths a period may have, in months.
const LENGTHS: [u32; 4] = [1, 3, 6, 12];

impl Period {
    pub fn year(year: i32) -> Option<Period> {
        Period::new(year, 0, 12)
    }
    pub fn half(year: i32, h: u32) -> Option<Period> {
        (1..=2).contains(&h).then_some(())?;
        Period::new(year, (h - 1) * 6, 6)
    }
    pub fn quarter(year: i32, q: u32) -> Option<Period> {
        (1..=4).contains(&q).then_some(())?;
        Period::new(year, (q - 1) * 3, 3)
    }
    pub fn month(year: i32, m: u32) -> Option<Period> {
        (1..=12).contains(&m).then_some(())?;
        Period::new(year, m - 1, 1)
    }
    /// The fiscal year that ends in calendar year `end_year`: with a July start,
    /// `FY2026` is 2025-07-01 to 2026-06-30; with a January start it is the calendar
    /// year 2026.
    pub fn fiscal_year(end_year: i32, start: FiscalStart) -> Option<Period> {
        if start.month0() == 0 {
            Period::year(end_year)
        } else {
            Period::new(end_year.checked_sub(1)?, start.month0(), 12)
        }
    }
    /// The period of `months` months (1, 3, 6 or 12) whose last month is `month`
    /// (1-12) of `year`. Any start month makes a period; [`Period::is_named`] says
    /// whether it has a label that reads back.
    pub fn ending(year: i32, month: u32, months: u32) -> Option<Period> {
        if !(1..=12).contains(&month) || !LENGTHS.contains(&months) {
            return None;
        }
        let start = (year.checked_mul(12)?).checked_add(month as i32 - months as i32)?;
        Period::new(start.div_euclid(12), start.rem_euclid(12) as u32, months)
    }
    /// A fiscal year `FY{end_year}` whose start month is not yet applied (pending).
    pub fn pending_fiscal_year(end_year: i32) -> Option<Period> {
        Period::year(end_year).map(Period::as_pending)
    }
    /// A date that ends month `month` of `year`, standing for the period that ends on
    /// it once its length is known (pending).
    pub fn pending_end(year: i32, month: u32) -> Option<Period> {
        Period::month(year, month).map(Period::as_pending)
    }
    /// Every kind of period the constructors make for `year`: its months, quarters,
    /// halves, fiscal years (one from each month), the year itself, quarters and
    /// half-years off the calendar's phase (`Period::ending`, shown `2027-02+3m`),
    /// and the pending fiscal year and month ends. The tests go through them.
    #[cfg(test)]
    pub(crate) fn every_kind_in(year: i32) -> Vec<Period> {
        (1..=12)
            .filter_map(|m| Period::month(year, m))
            .chain((1..=4).filter_map(|q| Period::quarter(year, q)))
            .chain((1..=2).filter_map(|h| Period::half(year, h)))
            .chain(
                (1..=12)
                    .filter_map(FiscalStart::month)
                    .filter_map(|f| Period::fiscal_year(year, f)),
            )
            .chain(Period::year(year))
            .chain(
                (1..=12)
                    .flat_map(|m| [3, 6].map(|n| Period::ending(year, m, n)))
                    .flatten(),
            )
            .chain(Period::pending_fiscal_year(year))
            .chain((1..=12).filter_map(|m| Period::pending_end(year, m)))
            .collect()
    }
    fn as_pending(self) -> Period {
        Period {
            pending: true,
            ..self
        }
    }
    /// Whether this is a pending fiscal year or date (see [`Period`]).
    pub fn is_pending(&self) -> bool {
        self.pending
    }
    /// For a pending fiscal year, the calendar year it ends in.
    pub fn pending_fiscal(&self) -> Option<i32> {
        (self.pending && self.months == 12).then(|| self.y())
    }
    /// For a pending date, the year and month (1-12) it ends.
    pub fn pending_month_end(&self) -> Option<(i32, u32)> {
        (self.pending && self.months == 1).then(|| (self.y(), self.sm() + 1))
    }
    /// Whether the period has a label that reads back: a month; a calendar quarter,
    /// half-year or year; or twelve months from another month (a fiscal year).
    pub fn is_named(&self) -> bool {
        match self.ms() {
            1 | 12 => true,
            m => self.sm().is_multiple_of(m),
        }
    }
    fn y(&self) -> i32 {
        i32::from(self.year)
    }
    fn sm(&self) -> u32 {
        u32::from(self.start_month0)
    }
    fn ms(&self) -> u32 {
        u32::from(self.months)
    }
    /// Months since January of year 0 at which the period starts. Periods are whole
    /// months, so comparing these orders them as their first days would, without
    /// building dates (the checks of every loaded period use this).
    pub fn start_index(&self) -> i32 {
        self.y() * 12 + self.sm() as i32
    }
    /// Months since January of year 0 of the period's last month.
    pub fn end_index(&self) -> i32 {
        self.start_index() + self.ms() as i32 - 1
    }

    fn new(year: i32, start_month0: u32, months: u32) -> Option<Period> {
        if start_month0 > 11 || !LENGTHS.contains(&months) {
            return None;
        }
        // The period must start and end within years 1..=9999.
        let last = year
            .checked_mul(12)?
            .checked_add(i32::try_from(start_month0 + months).ok()? - 1)?;
        if !(1..=9999).contains(&year) || !(1..=9999).contains(&last.div_euclid(12)) {
            return None;
        }
        Some(Period {
            year: i16::try_from(year).ok()?,
            start_month0: u8::try_from(start_month0).ok()?,
            months: u8::try_from(months).ok()?,
            pending: false,
        })
    }

    pub fn granularity(&self) -> Granularity {
        match self.ms() {
            12 => Granularity::Year,
            6 => Granularity::HalfYear,
            3 => Granularity::Quarter,
            _ => Granularity::Month,
        }
    }

    /// How many months long the period is: 1, 3, 6 or 12.
    pub fn months(&self) -> u32 {
        self.ms()
    }

    pub fn start(&self) -> Date {
        // Constructors guarantee a valid year and month, so this cannot fail; the
        // fallback keeps the code panic-free all the same.
        if (1..=9999).contains(&self.y()) {
            Date(month_start(self.start_index()))
        } else {
            Date(0)
        }
    }

    pub fn end(&self) -> Date {
        // The day before the next month's first: one look-up (`month_start`), no
        // month lengths (every walk asks this of every period). Pinned by
        // `tests::period_end_is_the_last_day_of_its_last_month`.
        let last = self.end_index();
        // Dates are years 1 to 9999 (as `Date::from_ymd` has them).
        if (1..=9999).contains(&self.y()) && (1..=9999).contains(&last.div_euclid(12)) {
            Date(month_start(last + 1) - 1)
        } else {
            Date(0)
        }
    }

    /// Number of days in the period, counted inclusively (leap days count).
    pub fn days(&self) -> i64 {
        self.start().days_until(self.end()) + 1
    }

    /// The period right after this one, of the same length.
    pub fn next(&self) -> Option<Period> {
        let next = self.start_index() + self.ms() as i32;
        Period::new(next.div_euclid(12), next.rem_euclid(12) as u32, self.ms())
    }

    /// The period in 20 bits, for compact storage: months since year 0 at which it
    /// starts (17 bits), its length (2 bits: 1, 3, 6 or 12 months) and whether it is
    /// pending (1 bit). [`Period::from_bits`] gives it back.
    pub fn to_bits(self) -> u32 {
        let length = match self.months {
            1 => 0,
            3 => 1,
            6 => 2,
            _ => 3,
        };
        (self.start_index().max(0) as u32 & 0x1_ffff) | length << 17 | u32::from(self.pending) << 19
    }

    /// The period of [`Period::to_bits`]. Bits that no period gave still make a
    /// period (fields are clamped into range), so this cannot fail.
    pub fn from_bits(bits: u32) -> Period {
        let months = LENGTHS
            .get(((bits >> 17) & 3) as usize)
            .copied()
            .unwrap_or(1);
        let start = Period::start_of_bits(bits, months);
        Period {
            year: i16::try_from(start / 12).unwrap_or(1),
            start_month0: (start % 12) as u8,
            months: months as u8,
            pending: bits >> 19 & 1 == 1,
        }
    }

    /// The months since year 0 at which the period of `bits` starts, for a period of
    /// `months` months: clamped into range, as [`Period::from_bits`] reads it.
    fn start_of_bits(bits: u32, months: u32) -> i32 {
        let start = (bits & 0x1_ffff) as i32;
        // Starts from January of year 1 to the last that ends within year 9999.
        start.clamp(12, 9999 * 12 + 12 - months as i32)
    }

    /// `from_bits(bits).ordinal()` when the period of `bits` is a settled month (the
    /// period of nearly every row of a large file), without building the period or
    /// dividing; `None` for any other period. Every settled month is of one kind
    /// ([`Period::same_kind`]). Pinned by `tests::month_ordinals_from_bits`.
    pub fn month_ordinal_of_bits(bits: u32) -> Option<i32> {
        // Length 0 (one month) and not pending: the top three of the 20 bits clear.
        (bits & !0x1_ffff == 0).then(|| Period::start_of_bits(bits, 1))
    }

    /// The period's place in a count of periods of its length and phase (months,
    /// quarters, half-years or years since year 0): consecutive periods of one length
    /// and start month have consecutive numbers.
    pub fn ordinal(&self) -> i32 {
        self.start_index() / self.ms().max(1) as i32
    }

    /// Whether `other` has this period's length and phase (both settled): calendar
    /// quarters with calendar quarters, July fiscal years with July fiscal years.
    /// Periods of one kind follow each other by [`Period::next`], their ordinals
    /// counting up by one.
    pub fn same_kind(&self, other: &Period) -> bool {
        !self.pending
            && !other.pending
            && self.months == other.months
            && self.sm() % self.ms().max(1) == other.sm() % other.ms().max(1)
    }

    /// Whether `date` falls in this period.
    pub fn contains(&self, date: Date) -> bool {
        self.start() <= date && date <= self.end()
    }
}

/// Canonical label: `2027`, `FY2027` (a fiscal year not starting in January, named by
/// the year it ends in), `2027H2`, `2027Q3` or `2027-03`. A pending date shows as the
/// date (`2027-03-31`), a pending fiscal year as `FY2027`. A quarter or half-year
/// that is not a calendar one (never built by the loader) shows as its first month
/// and length (`2027-02+3m`).
impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(year) = self.pending_fiscal() {
            return write!(f, "FY{year:04}");
        }
        if self.pending {
            return write!(f, "{}", self.end());
        }
        if !self.is_named() {
            return write!(f, "{:04}-{:02}+{}m", self.y(), self.sm() + 1, self.ms());
        }
        match self.granularity() {
            Granularity::Year if self.sm() == 0 => write!(f, "{:04}", self.y()),
            Granularity::Year => write!(f, "FY{:04}", self.y() + 1),
            Granularity::HalfYear => write!(f, "{:04}H{}", self.y(), self.sm() / 6 + 1),
            Granularity::Quarter => write!(f, "{:04}Q{}", self.y(), self.sm() / 3 + 1),
            Granularity::Month => write!(f, "{:04}-{:02}", self.y(), self.sm() + 1),
        }
    }
}

impl Serialize for Period {
    /// The `Display` text, a month without a formatter (every period of a monthly
    /// ledger).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.month_text().as_ref().map(|t| std::str::from_utf8(t)) {
            Some(Ok(text)) => s.serialize_str(text),
            _ => s.collect_str(self),
        }
    }
}

impl Period {
    /// `YYYY-MM`, the `Display` text of a month of a four-digit year; `None` for any
    /// other period (written through `Display`). A month is its first day's first
    /// seven characters.
    pub(crate) fn month_text(self) -> Option<[u8; 7]> {
        let (y, m, _) = self.start().ymd();
        let day = date_text(y, m, 1).filter(|_| Period::month(y, m) == Some(self))?;
        let [a, b, c, d, e, f, g, ..] = day;
        Some([a, b, c, d, e, f, g])
    }
}

/// One input row: what a scenario earns in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodInput {
    pub period: Period,
    pub revenue: Decimal,
    /// A rate that replaces the terms' rate (and rate steps) for this period only.
    pub rate: Option<Decimal>,
    /// 1-based line in the source file, for messages.
    pub line: u64,
}

/// A named revenue projection: periods sorted by start, neither overlapping nor
/// leaving gaps.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    /// Where it was read from, as given (`scenarios/base.csv`, `-` for stdin).
    pub source: String,
    pub periods: Vec<PeriodInput>,
}

/// From `from` on, the rate is `rate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RateStep {
    pub from: Date,
    pub rate: Decimal,
}

/// The terms of docs/spec.md §3, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Terms {
    /// Share of revenue paid, as a fraction in [0, 1].
    pub rate: Decimal,
    /// Rate changes, sorted by date, dates unique.
    pub rate_steps: Vec<RateStep>,
    /// Total cap on payments; `None` for no cap.
    pub cap: Option<Decimal>,
    /// Paid toward the cap before `from`.
    pub already_paid: Decimal,
    /// Term start; `None` means the first day of each scenario's earliest period.
    pub from: Option<Date>,
    /// Term end, inclusive.
    pub through: Date,
    /// Annual discount rate for present values; `None` for no present values.
    pub discount_rate: Option<Decimal>,
}

impl Default for Terms {
    fn default() -> Terms {
        Terms {
            rate: Decimal::new(20, 2),
            rate_steps: Vec::new(),
            cap: None,
            already_paid: Decimal::ZERO,
            from: None,
            // 2030-12-31 always exists.
            through: Date::from_ymd(2030, 12, 31).unwrap_or(Date(0)),
            discount_rate: None,
        }
    }
}

/// One row of the ledger: a period's revenue and payments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodResult {
    /// Period label: `2027`, `FY2027`, `2027H2`, `2027Q3` or `2027-03`.
    pub period: Period,
    /// First day of the period.
    pub start: Date,
    /// Last day of the period (inclusive).
    pub end: Date,
    /// Revenue earned in the whole period, as given.
    #[serde(serialize_with = "crate::render::json::decimal")]
    pub revenue: Decimal,
    /// The part of the revenue earned on days inside the term.
    #[serde(serialize_with = "crate::render::json::decimal")]
    pub eligible_revenue: Decimal,
    /// What the rate would take from the eligible revenue with no cap.
    #[serde(serialize_with = "crate::render::json::decimal")]
    pub uncapped_payment: Decimal,
    /// What is actually paid once the cap is applied.
    #[serde(serialize_with = "crate::render::json::decimal")]
    pub payment: Decimal,
    /// Payments so far in the term, this period included (excludes `already_paid`).
    #[serde(serialize_with = "crate::render::json::decimal")]
    pub cumulative: Decimal,
    /// Cap left after this period: cap − already paid − cumulative, never below 0;
    /// `None` without a cap.
    #[serde(serialize_with = "crate::render::json::opt_decimal")]
    pub remaining_cap: Option<Decimal>,
    /// Whether the cap cut this period's payment (payment < uncapped payment).
    pub capped: bool,
    /// The payment, made on the period's last day, discounted to the term start;
    /// `None` without a discount rate.
    #[serde(serialize_with = "crate::render::json::opt_decimal")]
    pub present_value: Option<Decimal>,
    /// The rate applied on the period's last day in the term (a rate step inside
    /// the period changes it from that day); `None` when no day of the period is in
    /// the term.
    #[serde(serialize_with = "crate::render::json::opt_decimal")]
    pub rate: Option<Decimal>,
}

/// Per-scenario totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Revenue earned inside the term.
    #[serde(serialize_with = "crate::render::json::decimal")]
    pub eligible_revenue: Decimal,
    /// What would be paid with no cap.
    #[serde(serialize_with = "crate::render::json::decimal")]
    pub uncapped_total: Decimal,
    /// What is paid under the cap.
    #[serde(serialize_with = "crate::render::json::decimal")]
    pub total_paid: Decimal,
    /// uncapped_total − total_paid: what the cap saves the payer.
    #[serde(serialize_with = "crate::render::json::decimal")]
    pub foregone: Decimal,
    /// Whether payments reach the cap within the term.
    pub cap_binds: bool,
    /// The period containing the binding date, if it is one of the scenario's periods.
    pub binding_period: Option<Period>,
    /// The day on which cumulative payments reach the cap.
    pub binding_date: Option<Date>,
    /// total_paid ÷ eligible_revenue; `None` when there is no eligible revenue.
    #[serde(serialize_with = "crate::render::json::opt_decimal")]
    pub effective_rate: Option<Decimal>,
    /// Sum of the periods' present values; `None` without a discount rate.
    #[serde(serialize_with = "crate::render::json::opt_decimal")]
    pub present_value: Option<Decimal>,
    /// The first day of the scenario's first period, as the data gives it (not clipped
    /// to the term): after the term start, the days before it earn nothing
    /// (docs/spec.md §4.6).
    pub covered_from: Date,
    /// The last day of the scenario's last period, as the data gives it: before the
    /// term end, the days after it earn nothing.
    pub covered_through: Date,
}

impl PeriodResult {
    /// Computed amounts without trailing zeros, so one value always prints one way
    /// (`20000000000`, not `20000000000.000000000000`) whichever path computed it.
    /// The revenue stays as given.
    pub fn normalized(mut self) -> PeriodResult {
        for v in [
            &mut self.eligible_revenue,
            &mut self.uncapped_payment,
            &mut self.payment,
            &mut self.cumulative,
        ] {
            *v = v.normalize();
        }
        self.remaining_cap = self.remaining_cap.map(|v| v.normalize());
        self.present_value = self.present_value.map(|v| v.normalize());
        self.rate = self.rate.map(|v| v.normalize());
        self
    }
}

impl Summary {
    /// Amounts without trailing zeros (see [`PeriodResult::normalized`]).
    pub fn normalized(mut self) -> Summary {
        for v in [
            &mut self.eligible_revenue,
            &mut self.uncapped_total,
            &mut self.total_paid,
            &mut self.foregone,
        ] {
            *v = v.normalize();
        }
        self.effective_rate = self.effective_rate.map(|v| v.normalize());
        self.present_value = self.present_value.map(|v| v.normalize());
        self
    }
}

/// A part of the term the scenario's data does not cover (docs/spec.md §4.6): the
/// scenario is computed all the same, but nothing is counted there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// The data starts on `data`, after the term starts on `term`.
    StartsAfter { data: Date, term: Date },
    /// The data ends on `data`, before the term ends on `term`.
    EndsBefore { data: Date, term: Date },
}

/// The words of the warning and of the summary sentence (docs/errors.md).
impl fmt::Display for Gap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Gap::StartsAfter { data, term } => write!(
                f,
                "data starts {data}, after the term starts ({term}): payments before it are not counted"
            ),
            Gap::EndsBefore { data, term } => write!(
                f,
                "data ends {data}, before the term ends ({term}): payments after it are not counted"
            ),
        }
    }
}

/// A stretch of days inside one period with one rate: the unit the cap walk steps
/// through. Not part of the machine outputs; charts use it to draw per-day accrual.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub start: Date,
    pub end: Date,
    pub rate: Decimal,
    pub uncapped: Decimal,
    pub paid: Decimal,
    /// Cumulative uncapped payments at the segment's end (from the term start).
    pub cumulative_uncapped: Decimal,
    /// Cumulative payments at the segment's end (from the term start).
    pub cumulative_paid: Decimal,
}

/// Everything computed for one scenario under one set of terms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioResult {
    pub name: String,
    pub source: String,
    pub periods: Vec<PeriodResult>,
    pub summary: Summary,
    /// The resolved term start for this scenario.
    #[serde(skip)]
    pub from: Date,
    #[serde(skip)]
    pub segments: Vec<Segment>,
}

/// One (scenario, variant) cell of `revcap compare`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareRow {
    /// The scenario's name. (Shared by the scenario's rows rather than copied into
    /// each: a large compare makes millions of rows.)
    #[serde(serialize_with = "serialize_shared")]
    pub scenario: Arc<str>,
    /// The variant's name: its cap as given (`38B`, `none`) or its terms file's stem.
    /// (Shared by the variant's rows in one piece of work.)
    #[serde(serialize_with = "serialize_shared")]
    pub variant: Arc<str>,
    /// The variant's rate: its terms' `rate` (with rate steps, the rate before the
    /// first step).
    #[serde(serialize_with = "crate::render::json::decimal")]
    pub rate: Decimal,
    /// The variant's cap; `None` for no cap.
    #[serde(serialize_with = "crate::render::json::opt_decimal")]
    pub cap: Option<Decimal>,
    pub summary: Summary,
}

/// A shared name serialized as its text, as a `String` was (what serde's `rc` feature
/// would do, without turning it on for two fields).
fn serialize_shared<S: serde::Serializer>(text: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(text)
}

/// The caps at which a scenario's cap binds by each year-end of the term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Thresholds {
    pub scenario: String,
    /// For each year-end (and the term end): a cap at or below `cap` binds on or
    /// before `date`.
    pub by: Vec<Threshold>,
    /// A cap above this (already paid + uncapped total) never binds.
    #[serde(serialize_with = "crate::render::json::decimal")]
    pub never_binds_above: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Threshold {
    pub date: Date,
    #[serde(serialize_with = "crate::render::json::decimal")]
    pub cap: Decimal,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A month's ordinal read from its bits is the ordinal of the period the bits
    /// make, for every 20-bit value; any other period has none.
    #[test]
    fn month_ordinals_from_bits() {
        for bits in 0..1u32 << 20 {
            let p = Period::from_bits(bits);
            let month = p.months == 1 && !p.pending;
            assert_eq!(
                Period::month_ordinal_of_bits(bits),
                month.then(|| p.ordinal()),
                "{bits:#x}"
            );
        }
    }

    /// The table of month starts gives what the calendar arithmetic gives, in
    /// the table's years and outside them.
    #[test]
    fn month_starts_are_the_calendars() {
        for year in 1..=9999 {
            for month in 1..=12 {
                let n = year * 12 + month as i32 - 1;
                assert_eq!(Some(Date(month_start(n))), Date::from_ymd(year, month, 1));
            }
        }
        // January 10000 (the day after the last date), outside the table too.
        assert_eq!(month_start(10000 * 12), days_from_civil(10000, 1, 1));
        let first = Period::month(1900, 1).map(|p| p.start());
        let last = Period::month(2200, 12).map(|p| (p.start(), p.end()));
        assert_eq!(first, Date::from_ymd(1900, 1, 1));
        assert_eq!(
            last,
            Date::from_ymd(2200, 12, 1).zip(Date::from_ymd(2200, 12, 31))
        );
    }

    /// `Period::end` is the last day of the period's last month, as the month's
    /// length gives it, for every month of every year and every length.
    #[test]
    fn period_end_is_the_last_day_of_its_last_month() {
        for year in 1..=9999 {
            for month in 1..=12 {
                for months in [1, 3, 6, 12] {
                    let Some(p) = Period::ending(year, month, months) else {
                        continue;
                    };
                    let last = p.end_index();
                    let (y, m) = (last.div_euclid(12), last.rem_euclid(12) as u32 + 1);
                    let expected = Date::from_ymd(y, m, days_in_month(y, m)).unwrap_or(Date(0));
                    assert_eq!(p.end(), expected, "{p:?}");
                }
            }
        }
    }

    #[test]
    fn dates_round_trip_and_count_leap_days() {
        let d = Date::from_ymd(2028, 2, 29).unwrap();
        assert_eq!(d.to_string(), "2028-02-29");
        assert_eq!(Date::parse("2028-02-29"), Some(d));
        assert_eq!(Date::from_ymd(2027, 2, 29), None);
        assert_eq!(Date::parse("2027-2-01"), None);
        assert_eq!(d.add_days(1).unwrap().to_string(), "2028-03-01");
        assert_eq!(Date::from_ymd(1970, 1, 1).unwrap(), Date(0));
        // Every day from 1900 to 2100 round-trips through the civil conversion.
        let mut day = Date::from_ymd(1900, 1, 1).unwrap();
        let end = Date::from_ymd(2100, 12, 31).unwrap();
        while day <= end {
            let (y, m, dd) = day.ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Some(day));
            day = day.add_days(1).unwrap();
        }
    }

    #[test]
    fn periods_have_calendar_bounds() {
        let q = Period::quarter(2028, 1).unwrap();
        assert_eq!(q.to_string(), "2028Q1");
        assert_eq!(q.end().to_string(), "2028-03-31");
        assert_eq!(q.days(), 91); // 31 + 29 + 31, leap year
        assert_eq!(Period::year(2028).unwrap().days(), 366);
        assert_eq!(Period::month(2027, 2).unwrap().days(), 28);
        assert_eq!(
            Period::month(2027, 12).unwrap().next().unwrap().to_string(),
            "2028-01"
        );
        assert_eq!(
            Period::quarter(2027, 4)
                .unwrap()
                .next()
                .unwrap()
                .to_string(),
            "2028Q1"
        );
        assert!(Period::year(2027).unwrap() < Period::year(2028).unwrap());
        // Labels read back: four-digit years even before 1000.
        assert_eq!(Period::month(987, 3).unwrap().to_string(), "0987-03");
    }

    #[test]
    fn half_and_fiscal_years_cross_boundaries() {
        let h = Period::half(2028, 1).unwrap();
        assert_eq!(h.to_string(), "2028H1");
        assert_eq!(
            (h.start().to_string(), h.end().to_string()),
            ("2028-01-01".into(), "2028-06-30".into())
        );
        assert_eq!(h.days(), 182); // leap year
        assert_eq!(
            Period::half(2027, 2).unwrap().next().unwrap().to_string(),
            "2028H1"
        );
        assert_eq!(Period::half(2027, 3), None);
        let july = FiscalStart::month(7).unwrap();
        let fy = Period::fiscal_year(2026, july).unwrap();
        assert_eq!(fy.to_string(), "FY2026");
        assert_eq!(fy.start().to_string(), "2025-07-01");
        assert_eq!(fy.end().to_string(), "2026-06-30");
        assert_eq!(fy.days(), 365);
        assert_eq!(fy.next().unwrap().to_string(), "FY2027");
        assert_eq!(fy.next().unwrap().ordinal(), fy.ordinal() + 1);
        assert!(fy.contains(Date::from_ymd(2025, 12, 31).unwrap()));
        assert!(!fy.contains(Date::from_ymd(2026, 7, 1).unwrap()));
        // A January start is the calendar year; a fiscal year must fit years 1..=9999.
        let jan = FiscalStart::month(1).unwrap();
        assert_eq!(Period::fiscal_year(2026, jan), Period::year(2026));
        assert_eq!(Period::fiscal_year(1, july), None);
        assert_eq!(FiscalStart::month(13), None);
        // A February fiscal year ends in January of the year it is named for.
        let feb = Period::fiscal_year(2027, FiscalStart::month(2).unwrap()).unwrap();
        assert_eq!(feb.end().to_string(), "2027-01-31");
        // Periods ending a month; whether they have a label.
        let q = Period::ending(2027, 2, 3).unwrap();
        assert_eq!(
            (q.start().to_string(), q.is_named()),
            ("2026-12-01".into(), false)
        );
        assert_eq!(Period::ending(2027, 9, 3), Period::quarter(2027, 3));
        assert_eq!(Period::ending(2027, 12, 6), Period::half(2027, 2));
        assert_eq!(Period::ending(2027, 6, 12), Period::fiscal_year(2027, july));
        assert_eq!(Period::ending(2027, 6, 2), None);
        // Pending periods show as written and keep their flag through the bits.
        let d = Period::pending_end(2024, 2).unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        assert_eq!(d.pending_month_end(), Some((2024, 2)));
        assert_eq!(Period::from_bits(d.to_bits()), d);
        let f = Period::pending_fiscal_year(2026).unwrap();
        assert_eq!(
            (f.to_string(), f.pending_fiscal()),
            ("FY2026".into(), Some(2026))
        );
        assert_eq!(Period::from_bits(f.to_bits()), f);
        assert!(!f.same_kind(&Period::year(2026).unwrap()));
        assert!(!fy.same_kind(&Period::year(2026).unwrap()));
        assert!(fy.same_kind(&Period::fiscal_year(2030, july).unwrap()));
        // Ordered by start, then length.
        let mut all = [
            Period::year(2026).unwrap(),
            Period::quarter(2026, 1).unwrap(),
            fy,
        ];
        all.sort();
        let labels: Vec<String> = all.iter().map(ToString::to_string).collect();
        assert_eq!(labels, ["FY2026", "2026Q1", "2026"]);
        // Any bits make a period, in range.
        for bits in [0, u32::MAX, 0x1_ffff, 1 << 19] {
            let p = Period::from_bits(bits);
            assert!(p.start() <= p.end());
        }
    }
}
