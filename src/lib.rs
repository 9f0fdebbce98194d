//! co2sweep: energy, time and CO2eq of machine-learning runs and
//! hyperparameter sweeps, estimated before they are launched.
//!
//! The library is what the `co2sweep` binary drives, and what `benches/`
//! and the tests call directly:
//!
//! - [`catalog`]: devices, cloud regions, country grids (bundled `data/`);
//! - [`estimate`]: the single-run calculator of Lacoste et al. (2019), with
//!   PUE applied and no intermediate rounding;
//! - [`units`]: the physical quantities, as types;
//! - [`report`]: text, tables and paper-ready paragraphs.

pub mod catalog;
pub mod error;
pub mod estimate;
pub mod report;
pub mod space;
pub mod suggest;
pub mod units;

pub use error::{Error, Result};
