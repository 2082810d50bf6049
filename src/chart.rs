//! Charts (PNG and SVG) of cumulative payments and where the cap binds. The only
//! place a `Decimal` becomes an `f64`.

use crate::config::ChartOptions;
use crate::error::Error;
use crate::model::{ScenarioResult, Terms};

/// Renders the charts of `revcap run`: `(file name, bytes)` pairs.
pub fn run_charts(
    _results: &[ScenarioResult],
    _terms: &Terms,
    _opts: &ChartOptions,
    _unit: Option<&str>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    // Not built yet: see issue 3.
    Ok(Vec::new())
}

/// Renders the charts of `revcap compare`.
pub fn compare_charts(
    _scenarios: &[crate::model::Scenario],
    _variants: &[crate::config::Variant],
    _rows: &[crate::model::CompareRow],
    _opts: &ChartOptions,
    _unit: Option<&str>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    // Not built yet: see issue 4.
    Ok(Vec::new())
}
