//! A scenario's periods settled and checked against the rules of docs/spec.md §2.5 once
//! its rows are gathered: fiscal years get their months from the fiscal start, dates
//! become the periods they end (their length said by the scenario's other periods);
//! then the periods are sorted by start and must neither repeat, overlap nor leave
//! gaps. Lengths may be mixed (quarters, then years).

use std::collections::HashMap;

use crate::error::{quote, Problem};
use crate::model::{FiscalStart, Period, PeriodInput};

/// A scenario's periods, sorted, or what is wrong with them.
pub(super) type Checked = Result<Vec<PeriodInput>, Vec<Problem>>;

/// Settles a scenario's pending periods (fiscal years, dates), sorts its periods by
/// start and checks the rules of docs/spec.md §2.5: no repeats, no overlaps, no gaps;
/// the problems found when some rule is broken.
pub(super) fn check_periods(
    origin: &str,
    name: &str,
    mut periods: Vec<PeriodInput>,
    check_gaps: bool,
    fiscal: FiscalStart,
) -> Checked {
    let mut problems = Vec::new();
    // A settled date is named in messages as written (`2026-09-30`), by its line:
    // each line gives a scenario one value.
    let mut written: HashMap<u64, String> = HashMap::new();
    let mut check_gaps = check_gaps;
    if periods.iter().any(|p| p.period.is_pending()) {
        // A period that cannot be settled is reported and dropped; the gap it
        // leaves is not reported as well.
        check_gaps &= !settle(
            origin,
            name,
            &mut periods,
            fiscal,
            check_gaps,
            &mut written,
            &mut problems,
        );
    }
    let at = |p: &PeriodInput| {
        let value = written
            .get(&p.line)
            .cloned()
            .unwrap_or_else(|| p.period.to_string());
        Problem::new(origin, "")
            .line(p.line)
            .column("period")
            .value(&value)
    };
    periods.sort_by_key(|p| p.period);
    // The period reaching furthest so far: a later one must start the day after it
    // ends.
    let mut reach: Option<&PeriodInput> = None;
    for b in &periods {
        let Some(a) = reach else {
            reach = Some(b);
            continue;
        };
        if a.period == b.period {
            let (first, again) = if a.line <= b.line { (a, b) } else { (b, a) };
            let mut pr = at(again);
            pr.message = format!(
                "repeats line {} for scenario {}; each period appears once",
                first.line,
                quote(name)
            );
            problems.push(pr);
        } else if b.period.start_index() <= a.period.end_index() {
            // Whole months: `b` starts on or before the last day of `a`.
            let (first, again) = if a.line <= b.line { (a, b) } else { (b, a) };
            let both_end = a.period.end().min(b.period.end());
            let mut pr = at(again);
            pr.message = format!(
                "overlaps {} (line {}) in scenario {}: {} to {} would be counted twice; each day belongs to one period",
                quote(&at(first).value.unwrap_or_default()),
                first.line,
                quote(name),
                b.period.start(),
                both_end,
            );
            problems.push(pr);
        } else if check_gaps && a.period.end_index() + 1 != b.period.start_index() {
            // Whole months: `b` does not start the day after `a` ends.
            let mut pr = at(b);
            pr.message = format!(
                "leaves a gap in scenario {}: {} is missing after {} (line {})",
                quote(name),
                missing(a.period, b.period),
                a.period,
                a.line
            );
            problems.push(pr);
        }
        if b.period.end_index() > a.period.end_index() {
            reach = Some(b);
        }
    }
    if problems.is_empty() {
        Ok(periods)
    } else {
        Err(problems)
    }
}

/// What is missing between `before` and `after`: `2028`, or `2028 to 2029` when
/// several periods of their length are; the days (`2026-07-01 to 2026-09-30`) when
/// the two differ in length or phase, or the missing stretch is not whole periods.
fn missing(before: Period, after: Period) -> String {
    let days = || {
        let from = before.end().add_days(1).unwrap_or(before.end());
        let to = after.start().add_days(-1).unwrap_or(after.start());
        format!("{from} to {to}")
    };
    let Some(first) = before.next() else {
        return days();
    };
    if !before.same_kind(&after) {
        return days();
    }
    let mut last = first;
    let mut steps = 0;
    while let Some(n) = last.next() {
        if n >= after || steps > 10_000 {
            break;
        }
        last = n;
        steps += 1;
    }
    if last.next() != Some(after) {
        return days();
    }
    if first == last {
        first.to_string()
    } else {
        format!("{first} to {last}")
    }
}

/// Gives pending periods their months: a fiscal year from `fiscal`; a date the period
/// that ends on it, as long as the scenario's other periods say (docs/spec.md §2.3).
/// Those that cannot be settled are reported and dropped (the result says whether
/// any was); a lone date is not reported
/// in a scenario that is not `complete` (it lost a row to a bad value, reported
/// already, which may have been the period to say).
fn settle(
    origin: &str,
    name: &str,
    periods: &mut Vec<PeriodInput>,
    fiscal: FiscalStart,
    complete: bool,
    written: &mut HashMap<u64, String>,
    problems: &mut Vec<Problem>,
) -> bool {
    let problem = |p: &PeriodInput, message: String| {
        Problem::new(origin, message)
            .line(p.line)
            .column("period")
            .value(&p.period.to_string())
    };
    let mut bad: Vec<u64> = Vec::new();
    for p in periods.iter_mut() {
        if let Some(year) = p.period.pending_fiscal() {
            match Period::fiscal_year(year, fiscal) {
                Some(settled) => p.period = settled,
                None => {
                    problems.push(problem(
                        p,
                        "is not a period (a fiscal year must lie within years 1 to 9999)".into(),
                    ));
                    bad.push(p.line);
                }
            }
        }
    }
    // How long a period each date ends: the length of the other periods, when they
    // have one; else, when every period is a date, the spacing of the dates.
    let mut lengths: Vec<u32> = periods
        .iter()
        .filter(|p| !p.period.is_pending() && !bad.contains(&p.line))
        .map(|p| p.period.months())
        .collect();
    lengths.sort_unstable();
    lengths.dedup();
    let mut ends: Vec<i32> = periods
        .iter()
        .filter_map(|p| p.period.pending_month_end())
        .map(|(y, m)| y * 12 + m as i32)
        .collect();
    ends.sort_unstable();
    ends.dedup();
    let spacing = ends
        .windows(2)
        .filter_map(|w| w.get(1)?.checked_sub(*w.first()?))
        .min();
    let length: Result<u32, String> = match (lengths.as_slice(), spacing) {
        ([one], _) => Ok(*one),
        ([], Some(d)) => match u32::try_from(d) {
            Ok(d @ (1 | 3 | 6 | 12)) => Ok(d),
            _ => Err(format!(
                "is a date, and the dates of scenario {} are {d} months apart at the least; a date is read as the end of a period of 1, 3, 6 or 12 months, so write the period instead",
                quote(name)
            )),
        },
        ([], None) => Err(format!(
            "is a date, and scenario {} has no other period to say how long a period ends on it; write the period instead",
            quote(name)
        )),
        _ => Err(format!(
            "is a date, and the other periods of scenario {} differ in length, so which period ends on it is unclear; write the period instead",
            quote(name)
        )),
    };
    for p in periods.iter_mut() {
        let Some((y, m)) = p.period.pending_month_end() else {
            continue;
        };
        let settled = match &length {
            Ok(months) => ending(y, m, *months, fiscal),
            Err(why) => Err(why.clone()),
        };
        match settled {
            Ok(period) => {
                written.insert(p.line, p.period.to_string());
                p.period = period;
            }
            Err(why) => {
                if complete || lengths.len() + ends.len() > 1 {
                    problems.push(problem(p, format!("{why}, e.g. {}", choices(y, m))));
                }
                bad.push(p.line);
            }
        }
    }
    if !bad.is_empty() {
        periods.retain(|p| !bad.contains(&p.line));
    }
    !bad.is_empty()
}

/// The period of `months` months that ends with month `m` of `y`, if it is one revcap
/// can name: a month, a calendar quarter or half-year, a calendar year, or a fiscal
/// year of `fiscal`.
fn ending(y: i32, m: u32, months: u32, fiscal: FiscalStart) -> Result<Period, String> {
    let out_of_range = || {
        "is not a period (the period that ends on it would start before year 1); write the period instead".to_string()
    };
    let period = Period::ending(y, m, months).ok_or_else(out_of_range)?;
    let fiscal_year = months == 12 && period.start().ymd().1 == fiscal.month0() + 1;
    if period.is_named() && (months != 12 || m == 12 || fiscal_year) {
        return Ok(period);
    }
    let (what, hint) = match months {
        3 => ("a calendar quarter", String::new()),
        6 => ("a calendar half-year", String::new()),
        _ => (
            "a calendar year, nor a fiscal year (fiscal years start in ",
            format!(
                "{}; --fiscal-year-start {} reads it as FY{y:04})",
                MONTHS.get(fiscal.month0() as usize).unwrap_or(&""),
                MONTHS.get(m as usize % 12).unwrap_or(&"")
            ),
        ),
    };
    Err(format!(
        "is a date that ends the {months} months from {}, which are not {what}{hint}; write the periods instead",
        period.start()
    ))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The periods that end with month `m` of `y`, longest first: `2026Q3 or 2026-09`.
fn choices(y: i32, m: u32) -> String {
    let mut all = Vec::new();
    if m == 12 {
        all.push(format!("{y:04}"));
    }
    if m.is_multiple_of(6) {
        all.push(format!("{y:04}H{}", m / 6));
    }
    if m.is_multiple_of(3) {
        all.push(format!("{y:04}Q{}", m / 3));
    }
    all.push(format!("{y:04}-{m:02}"));
    match all.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
