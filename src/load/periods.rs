//! A scenario's periods checked against the rules of docs/spec.md §2.5 once its rows are gathered:
//! one granularity (set by its first row in file order), no repeats, no gaps; then
//! sorted.

use crate::error::{quote, Problem};
use crate::model::{Period, PeriodInput};

/// A scenario's periods, sorted, or what is wrong with them.
pub(super) type Checked = Result<Vec<PeriodInput>, Vec<Problem>>;

/// Sorts a scenario's periods and checks the rules of docs/spec.md §2.5: one granularity, no
/// repeats, no gaps; the problems found when some rule is broken.
pub(super) fn check_periods(
    origin: &str,
    name: &str,
    mut periods: Vec<PeriodInput>,
    check_gaps: bool,
) -> Checked {
    let mut problems = Vec::new();
    let Some(first) = periods.first() else {
        return Ok(periods);
    };
    let (granularity, first_line) = (first.period.granularity(), first.line);
    let at = |p: &PeriodInput| {
        Problem::new(origin, "")
            .line(p.line)
            .column("period")
            .value(&p.period.to_string())
    };
    periods.retain(|p| {
        if p.period.granularity() == granularity {
            return true;
        }
        let mut pr = at(p);
        pr.message = format!(
            "is a {}, but scenario {} uses {}s (line {first_line}); one scenario has one granularity",
            p.period.granularity(),
            quote(name),
            granularity
        );
        problems.push(pr);
        false
    });
    periods.sort_by_key(|p| p.period);
    for pair in periods.windows(2) {
        let [a, b] = pair else {
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
        } else if check_gaps && a.period.next() != Some(b.period) {
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
    }
    if problems.is_empty() {
        Ok(periods)
    } else {
        Err(problems)
    }
}

/// `2028`, or `2028 to 2029` when several periods are missing.
fn missing(before: Period, after: Period) -> String {
    let Some(first) = before.next() else {
        return String::new();
    };
    let mut last = first;
    let mut steps = 0;
    while let Some(n) = last.next() {
        if n >= after || steps > 10_000 {
            break;
        }
        last = n;
        steps += 1;
    }
    if first == last {
        first.to_string()
    } else {
        format!("{first} to {last}")
    }
}
