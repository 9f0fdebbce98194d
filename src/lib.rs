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
//! - [`uncertainty`]: spreads of the inputs, Monte Carlo ranges and the
//!   probability that a ranking holds;
//! - [`units`]: the physical quantities, as types;
//! - [`input`]: the one bounded reader of every input file.
//!
//! ```
//! use co2sweep::catalog::Catalog;
//! use co2sweep::estimate::{estimate, Request, Site};
//! use co2sweep::units::{GPerKwh, Hours, Watts};
//!
//! let catalog = Catalog::bundled()?;
//! let req = Request {
//!     device: catalog.device("V100 PCIe 16GB")?,
//!     count: 1,
//!     hours: Hours(100.0),
//!     device_hours: None,
//!     extra_kwh: 0.0,
//!     site: Site::Intensity(GPerKwh(429.0)),
//!     pue: Some(1.0),
//!     power: Some(Watts(250.0)),
//!     utilization: 1.0,
//!     offset_pct: None,
//!     embodied: None,
//!     timing: None,
//! };
//! // 250 W × 100 h × PUE 1 = 25 kWh; × 429 g/kWh = 10.725 kg CO2eq.
//! let e = estimate(&catalog, &req)?;
//! assert!((e.energy_kwh - 25.0).abs() < 1e-12);
//! assert!((e.emissions_kg - 10.725).abs() < 1e-12);
//! # Ok::<(), co2sweep::Error>(())
//! ```

// The library never prints: it returns values and typed errors, and the
// binary (src/main.rs, src/app.rs) writes them. Tests may print.
#![cfg_attr(not(test), warn(clippy::print_stdout, clippy::print_stderr))]

pub mod calibrate;
pub mod catalog;
pub mod cost;
pub mod early_stop;
pub mod embodied;
pub mod error;
pub mod escape;
pub mod estimate;
pub mod expand;
pub mod export;
pub mod formula;
pub mod front;
pub mod hourly;
pub mod import;
pub mod input;
pub mod offer;
pub mod pareto;
pub mod plan;
pub mod report;
pub mod scenario;
pub mod space;
pub mod suggest;
pub mod sweep;
pub mod template;
pub mod uncertainty;
pub mod units;

pub use error::{Error, Result};
