//! Monte Carlo: revenue paths drawn around a base scenario ([`paths`]) and the
//! distributions of results over many scenarios ([`distribution`]).
//!
//! The model, the generator, the seed derivation and the rounding are written out in
//! docs/montecarlo.md; the code says where each step lives.

pub mod distribution;
pub mod paths;

pub use distribution::{Distributions, Metric, Probability, Summary as DistributionSummary};
pub use paths::{Base, Simulation};
