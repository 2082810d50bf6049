//! `revcap simulate`: Monte Carlo revenue paths around base scenarios
//! ([`crate::montecarlo::paths`]), written as a long CSV `scenario,period,revenue`
//! that `run`, `compare` and `validate` read back.
//!
//! Paths are drawn a chunk at a time on every core and written in order as they
//! come, so memory does not grow with `--paths`. A file is written beside its final
//! name and renamed over it once complete (never half-written, never over an input).

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::config::{Input, Simulate, Volatility};
use crate::engine;
use crate::error::{Error, Problem};
use crate::load;
use crate::model::Scenario;
use crate::montecarlo::paths::{self, Base, Simulation};

/// Paths drawn (and their text made) at once; a chunk of 60-month paths is about
/// 10 MB of text.
const CHUNK: u64 = 4096;

/// Reads the bases, draws `request.count` paths of each, writes them.
pub fn simulate(inputs: &[Input], request: &Simulate, stdout: &mut dyn Write) -> Result<(), Error> {
    let (scenarios, _) = load::load_all(inputs)?;
    if let Some(out) = &request.output {
        refuse_input(inputs, out)?;
    }
    let plans = plans(&scenarios, request)?;
    let with_rate = scenarios
        .iter()
        .any(|s| s.periods.iter().any(|p| p.rate.is_some()));
    match &request.output {
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
            write_all(&plans, request.count, with_rate, &mut out)
                .and_then(|()| out.flush())
                .map_err(|e| failed(e, Error::Stdout))?;
            drop(out);
            note_default_start(&scenarios, request);
            Ok(())
        }
        Some(path) => {
            write_file(path, |w| write_all(&plans, request.count, with_rate, w))?;
            note_default_start(&scenarios, request);
            let bases = if plans.len() == 1 { "base" } else { "bases" };
            let _ = writeln!(
                std::io::stderr(),
                "wrote {} paths of {} {bases} to {}",
                request.count,
                plans.len(),
                path.display()
            );
            Ok(())
        }
    }
}

/// Says on stderr, once the paths are written, that they start on each base's first
/// day when nothing chose the start (`--start`, or `from` in the terms): the start
/// decides which periods are drawn, and `run --from` of the file does not move it.
fn note_default_start(scenarios: &[Scenario], request: &Simulate) {
    if request.start.is_some() {
        return;
    }
    let example = scenarios.first().map_or_else(String::new, |s| {
        let first = engine::term_start(s, &crate::model::Terms::default());
        format!(" ({first} for {})", crate::error::printable(&s.name))
    });
    let _ = writeln!(
        std::io::stderr(),
        "note: paths start on each base's first day{example}, so every period is drawn; --start DATE (or from in the terms) keeps the periods before it as given"
    );
}

/// Each base with its start and volatility, ready to draw from (a volatility solved
/// by `--volatility-from` is said on stderr). `run --paths` can draw from these in
/// process with [`paths::batches`].
pub fn plans<'a>(scenarios: &'a [Scenario], request: &Simulate) -> Result<Vec<Base<'a>>, Error> {
    let mut out = Vec::with_capacity(scenarios.len());
    for s in scenarios {
        let start = request.start.unwrap_or_else(|| {
            // The term start of `run` under terms without `from`: the first day.
            engine::term_start(s, &crate::model::Terms::default())
        });
        let volatility = match &request.volatility {
            Volatility::Given(v) => *v,
            Volatility::From { period, low, high } => {
                let v = solved(s, start, *period, *low, *high)?;
                let years = start.days_until(period.end()) as f64 / 365.0;
                let _ = writeln!(
                    std::io::stderr(),
                    "note: {}: --volatility-from {period}={}:{} gives a volatility of {} ({period} ends {years:.2} years after the start, {start}){}",
                    crate::error::printable(&s.name),
                    crate::config::short_amount(*low),
                    crate::config::short_amount(*high),
                    crate::render::percent(v),
                    centred(s, (*period, *low, *high), v, years),
                );
                v
            }
        };
        let sim = Simulation {
            volatility,
            seed: request.seed,
            decimals: request.decimals,
        };
        out.push(Base::new(s, start, &sim));
    }
    Ok(out)
}

/// What the percentiles of `period` are around the base, when that is not the range
/// asked for: the range sets the spread, the base the centre, so a base at one end
/// moves both (`; centred on the base's 280B, 2030's p5 and p95 are about 220.7B and
/// 355.2B`). Four significant digits of the model's `base × exp(∓1.645 σ √t)`, a
/// description in f64, not an amount computed with; empty when they are the range's
/// own to those digits.
fn centred(
    s: &Scenario,
    (period, low, high): (crate::model::Period, Decimal, Decimal),
    sigma: Decimal,
    years: f64,
) -> String {
    let Some(base) = s
        .periods
        .iter()
        .find(|p| p.period == period)
        .map(|p| p.revenue)
    else {
        return String::new();
    };
    let spread = paths::Z95 * as_f64(sigma) * libm::sqrt(years);
    let at = |x: f64| {
        Decimal::from_f64_retain(as_f64(base) * libm::exp(x))
            .and_then(|d| d.round_sf(4))
            .map(crate::config::short_amount)
    };
    let short = crate::config::short_amount;
    match (at(-spread), at(spread)) {
        // The range's own ends, to the same four digits: nothing to add.
        (Some(p5), Some(p95))
            if Some(p5.as_str()) == low.round_sf(4).map(short).as_deref()
                && Some(p95.as_str()) == high.round_sf(4).map(short).as_deref() =>
        {
            String::new()
        }
        (Some(p5), Some(p95)) => format!(
            "; centred on the base's {}, {period}'s p5 and p95 are about {p5} and {p95}",
            crate::config::short_amount(base)
        ),
        _ => String::new(),
    }
}

/// `d` as the nearest f64, read from its text: for the model's percentiles and
/// volatility (docs/montecarlo.md §1), never for an amount computed with.
fn as_f64(d: Decimal) -> f64 {
    d.to_string().parse::<f64>().unwrap_or(f64::NAN)
}

/// The volatility `--volatility-from` gives for base `s`, rounded half-even to 6
/// decimal places (0.066847, i.e. 6.6847%): the σ printed is the σ used.
fn solved(
    s: &Scenario,
    start: crate::model::Date,
    period: crate::model::Period,
    low: Decimal,
    high: Decimal,
) -> Result<Decimal, Error> {
    let problem = |m: String| -> Error {
        Problem::new(&s.source, format!("--volatility-from: {m}"))
            .scenario(&s.name)
            .into()
    };
    let Some(p) = s.periods.iter().find(|p| p.period == period) else {
        return Err(problem(format!("the base has no period {period}")));
    };
    let days = start.days_until(period.end());
    if days <= 0 {
        return Err(problem(format!(
            "{period} ends on or before the start ({start}), so it is not simulated"
        )));
    }
    if p.revenue < low || p.revenue > high {
        return Err(problem(format!(
            "the base's {period} revenue, {}, is not between {low} and {high}",
            p.revenue
        )));
    }
    let sigma = paths::volatility_for(as_f64(low), as_f64(high), days as f64 / 365.0)
        .and_then(Decimal::from_f64_retain)
        .map(|v| v.round_dp_with_strategy(6, rust_decimal::RoundingStrategy::MidpointNearestEven))
        .ok_or_else(|| problem("no volatility fits".into()))?;
    Ok(sigma.normalize())
}

/// The header, then every path of every base, in order.
fn write_all(
    plans: &[Base],
    count: u64,
    with_rate: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let header = if with_rate {
        "scenario,period,revenue,rate\n"
    } else {
        "scenario,period,revenue\n"
    };
    out.write_all(header.as_bytes())?;
    for base in plans {
        let mut first = 1u64;
        while first <= count {
            let last = first.saturating_add(CHUNK - 1).min(count);
            let texts: Vec<Result<String, Error>> = (first..=last)
                .into_par_iter()
                .map_init(
                    || (Vec::new(), Vec::new()),
                    |(revenue, scratch), n| {
                        base.revenues(n, revenue, scratch)?;
                        Ok(path_text(base, n, count, revenue, with_rate))
                    },
                )
                .collect();
            for t in texts {
                let t = t.map_err(|e| std::io::Error::other(Failed(e)))?;
                out.write_all(t.as_bytes())?;
            }
            first = last + 1;
        }
    }
    Ok(())
}

/// A drawing error carried through `io::Error` and taken out again by [`write_file`].
#[derive(Debug)]
struct Failed(Error);

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Failed {}

/// The drawing error `e` carries, or `e` as `other` says.
fn failed(e: std::io::Error, other: impl FnOnce(std::io::Error) -> Error) -> Error {
    if e.get_ref().is_some_and(|i| i.is::<Failed>()) {
        if let Some(inner) = e.into_inner() {
            if let Ok(f) = inner.downcast::<Failed>() {
                return f.0;
            }
        }
        return Error::Internal("a drawing error was lost".into());
    }
    other(e)
}

/// The rows of path `n`.
fn path_text(base: &Base, n: u64, count: u64, revenue: &[Decimal], with_rate: bool) -> String {
    let name = field(&paths::path_name(&base.scenario().name, n, count));
    let mut s = String::with_capacity(revenue.len() * (name.len() + 32));
    for (p, r) in base.scenario().periods.iter().zip(revenue) {
        s.push_str(&name);
        s.push(',');
        s.push_str(&p.period.to_string());
        s.push(',');
        s.push_str(&r.to_string());
        if with_rate {
            s.push(',');
            if let Some(rate) = p.rate {
                s.push_str(&rate.to_string());
            }
        }
        s.push('\n');
    }
    s
}

/// A CSV field: quoted when it holds a comma, a quote or a line end.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Refuses an output file that is one of the inputs.
fn refuse_input(inputs: &[Input], out: &Path) -> Result<(), Error> {
    let Ok(target) = std::fs::canonicalize(out) else {
        return Ok(());
    };
    for i in inputs {
        if let Input::File(p, ..) = i {
            if std::fs::canonicalize(p).is_ok_and(|p| p == target) {
                return Err(Error::Write {
                    path: out.to_path_buf(),
                    message:
                        "is one of the inputs; refusing to overwrite it (choose another --output)"
                            .into(),
                });
            }
        }
    }
    Ok(())
}

/// Writes `path` through a temporary file in its folder, renamed over it once
/// complete (mode 0644); on failure the temporary file is removed and `path` is as
/// it was.
fn write_file(
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    let err = |e| failed(e, |e: std::io::Error| write_error(path, &e.to_string()));
    if path.is_dir() {
        return Err(write_error(
            path,
            "is a folder (expected a file name, or -)",
        ));
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "paths".into(), |n| n.to_string_lossy().into_owned());
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".revcap-tmp")
        .tempfile_in(&folder)
        .map_err(|e| write_error(path, &e.to_string()))?;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file());
        body(&mut w).map_err(err)?;
        w.flush().map_err(|e| write_error(path, &e.to_string()))?;
    }
    use std::os::unix::fs::PermissionsExt;
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o644))
        .map_err(|e| write_error(path, &e.to_string()))?;
    tmp.persist(path)
        .map_err(|e| write_error(path, &e.error.to_string()))?;
    Ok(())
}

fn write_error(path: &Path, message: &str) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_when_they_must_be() {
        assert_eq!(field("a.1"), "a.1");
        assert_eq!(field("a,b.1"), "\"a,b.1\"");
        assert_eq!(field("say \"x\".1"), "\"say \"\"x\"\".1\"");
    }
}
