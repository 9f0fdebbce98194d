//! co2sweep: energy, time and CO2eq of machine-learning runs and
//! hyperparameter sweeps, estimated before they are launched.
//!
//! The library is what the `co2sweep` binary drives, and what `benches/`
//! and the tests call directly:
//!
//! - [`catalog`]: devices, cloud regions, country grids (bundled `data/`);
//! - [`estimate`]: the single-run calculator of Lacoste et al. (2019), with
//!   PUE applied and no intermediate rounding;
//! - [`scenario`]: scenario files (TOML) checked into a [`scenario::Scenario`];
//! - [`space`]: search spaces and the job sets of grid, random, Sobol,
//!   Latin hypercube and Hyperband search, random-access and lazy;
//! - [`formula`] and [`cost`]: the per-trial cost model;
//! - [`sweep`], [`pareto`] and [`plan`]: parallel evaluation of every
//!   strategy × hardware × region option, Pareto ranks, the knee;
//! - [`expand`]: streaming a job set for a launcher;
//! - [`report`]: text, CSV, JSON, Markdown and paper-ready paragraphs;
//! - [`units`]: the physical quantities, as types.

pub mod calibrate;
pub mod catalog;
pub mod cost;
pub mod embodied;
pub mod error;
pub mod estimate;
pub mod expand;
pub mod formula;
pub mod hourly;
pub mod pareto;
pub mod plan;
pub mod report;
pub mod scenario;
pub mod space;
pub mod suggest;
pub mod sweep;
pub mod units;

pub use error::{Error, Result};
