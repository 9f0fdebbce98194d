//! Scenario files: TOML in, a checked [`Scenario`] out.
//!
//! Parsing goes in two steps, as ripgrep does with its flags: serde reads
//! the file into raw structs that mirror it key for key (keeping each
//! value's position), then the checker (`check.rs` and one file per
//! table) checks every rule and resolves names against the catalog. Every mistake is reported with the
//! file, line and column, and unknown keys and names get a "did you mean".
//!
//! Parameter keys are those of Weights & Biases sweep configurations
//! (`values`, `value`, `min`, `max`, `distribution`, `q`) plus
//! `grid_points`, so sweep authors recognise them at a glance.

use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::catalog::{Device, Region};
use crate::cost::TrialCost;
use crate::embodied::Overrides;
use crate::error::{Error, Result};
use crate::hourly::{Instant, Profile};
use crate::space::{Param, Strategy};

pub mod baseline;
mod candidates;
mod check;
mod device_keys;
mod execution_keys;
mod formulas;
mod imports;
mod loaded;
pub mod model;
mod params;
pub mod place;
mod raw;
mod strategies;
mod syntax;
mod tables;
#[cfg(test)]
mod tests;
mod trial;
mod window;

pub use device_keys::Exclusion;
pub use model::{Brackets, Dispatch, Model};
use raw::{RawExecution, RawFile, RawParam, RawStrategies, RawTarget};
use syntax::toml_error;

/// Largest scenario file read. Real scenarios are a few KB; a million-entry
/// `values` list is about 8 MB.
pub const MAX_SCENARIO_BYTES: u64 = 16 * 1024 * 1024;

/// Largest grid expanded without `--allow-large`.
pub const GRID_LIMIT: u64 = 10_000_000;

/// Largest random or Bayesian search planned without `--allow-large`
/// (with it, up to [`crate::space::RANDOM_LIMIT`]).
pub const SAMPLED_LIMIT: u64 = 10_000_000;

/// Default PUE of private infrastructure (`country:CODE` sites): the same
/// as `estimate --country` ([`crate::estimate::PRIVATE_PUE`]).
pub const PRIVATE_PUE: f64 = crate::estimate::PRIVATE_PUE;

/// Largest `[execution] max_concurrent_devices`: schedules keep one entry
/// per device.
pub const MAX_CONCURRENT_DEVICES: i64 = 1_000_000;

/// Default fraction of the space counted as "good" by the quality measure.
pub const TOP_FRACTION: f64 = 0.05;

/// Options that change how strictly a scenario is checked.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Accept grids above [`GRID_LIMIT`] trials, and random and Bayesian
    /// searches above [`SAMPLED_LIMIT`].
    pub allow_large: bool,
    /// Pair every device with every region, offered there or not.
    pub any_hardware: bool,
    /// Grid year from the command line; overrides `[regions] year`.
    pub year: Option<u16>,
}

/// `[execution] start` and `deadline_hours`: when the sweep may run.
#[derive(Debug, Clone)]
pub struct Window {
    /// The earliest start.
    pub start: Instant,
    /// Hours from `start` by which the whole sweep must be done.
    pub deadline_hours: f64,
    /// Hourly profiles of the sites' grid zones, by zone.
    pub profiles: std::collections::BTreeMap<String, Profile>,
}

/// A checked scenario, ready to expand and evaluate.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file it was read from.
    pub path: PathBuf,
    /// `[scenario] name`.
    pub name: String,
    /// `[scenario] seed` (default 0).
    pub seed: u64,
    /// `[scenario] top_fraction`: the quality measure's q (default 0.05).
    pub top_fraction: f64,
    /// The search space, in file order.
    pub params: Vec<Param>,
    /// The cost model of one trial.
    pub cost: TrialCost,
    /// Strategies, in the fixed order grid, random, sobol, latin_hypercube, hyperband.
    pub strategies: Vec<Strategy>,
    /// Candidate devices, in the order given (patterns expanded in catalog order).
    pub hardware: Vec<Device>,
    /// Candidate sites: cloud regions, and country grids as provider `country`.
    pub sites: Vec<Region>,
    /// Devices the cluster runs at once.
    pub max_concurrent_devices: u32,
    /// Where the work formula is in the file (for messages about trials).
    pub work_at: (usize, usize),
    /// Where `[trial] devices` is in the file (the work formula's place
    /// when it is not given: then every trial holds one device).
    pub devices_at: (usize, usize),
    /// `[embodied]`: overrides of the catalog's lifecycle figures.
    pub embodied: Overrides,
    /// When the sweep may run, for carbon-aware start times.
    pub window: Option<Window>,
    /// Devices the precision excludes, with the reason.
    pub excluded: Vec<Exclusion>,
    /// The (hardware, site) pairs evaluated, in hardware then site order.
    pub pairs: Vec<crate::offer::SitePair>,
    /// Pairs left out because the region does not offer the device, in
    /// hardware then site order.
    pub left_out: Vec<crate::offer::LeftOut>,
    /// Quality target, parameter roles, brackets, dispatch (see [`model`]).
    pub model: Model,
    /// Things worth knowing that are not mistakes, one sentence each.
    pub warnings: Vec<String>,
    /// `[uncertainty]`: the spreads of the inputs and the number of draws.
    pub uncertainty: crate::uncertainty::Spreads,
    /// The W&B or Hydra file of `[import]`, as read (for export).
    pub import: Option<crate::import::Imported>,
    /// Per site (same order): its place name, and whether it was named explicitly.
    pub places: Vec<place::Place>,
    /// Overheads, failures and capacity (`[trial] overhead_hours`, `[execution]`).
    pub execution: crate::sweep::execution::Execution,
    /// `[baseline]`: what findings compare against (else the median candidate).
    pub baseline: baseline::Baseline,
}

/// Read a scenario file and check it.
pub fn load(path: &Path, catalog: &Catalog, options: Options) -> Result<Scenario> {
    let text = crate::input::read_text(path, "scenario file", MAX_SCENARIO_BYTES)?;
    parse(path, &text, catalog, options)
}

impl Scenario {
    /// Where the formula a trial error names is written, and its key:
    /// `devices`, or the work formula (`hours` or `flops`).
    pub fn formula_at(&self, formula: &str) -> ((usize, usize), &str) {
        if formula == "devices" {
            (self.devices_at, "devices")
        } else {
            (self.work_at, self.cost.work_key())
        }
    }
}

/// Check scenario text; `path` is only used in messages.
pub fn parse(path: &Path, text: &str, catalog: &Catalog, options: Options) -> Result<Scenario> {
    let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let checker = Checker {
        path,
        text,
        catalog,
        warnings: std::cell::RefCell::new(Vec::new()),
        tables: raw.trial.get_ref().tables.clone(),
        pilot: loaded::pilot(path, &raw, catalog),
    };
    let mut sited = checker.sited(raw, options)?;
    if let Some((window, at)) = &mut sited.window {
        window.profiles = loaded::profiles(&sited.catalog, &sited.sites, window.start)
            .map_err(|m| checker.err(*at, m.to_string()))?;
    }
    checker.scenario(sited)
}

/// Checks the raw file table by table; each table's checks live in the
/// child module named after it.
struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
    catalog: &'a Catalog,
    warnings: std::cell::RefCell<Vec<String>>,
    /// `[trial.tables]`, callable in formulas.
    tables: tables::RawTables,
    /// The pilot file `[trial] pilot` names, read before the checks.
    pilot: Option<loaded::PilotFile>,
}

impl Checker<'_> {
    fn err(&self, offset: usize, message: impl Into<String>) -> Error {
        Error::at(self.path, self.text, offset, message)
    }
}
