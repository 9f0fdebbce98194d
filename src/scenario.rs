//! Scenario files: TOML in, a checked [`Scenario`] out.
//!
//! Parsing goes in two steps, as ripgrep does with its flags: serde reads
//! the file into raw structs that mirror it key for key (keeping each
//! value's position), then [`Scenario::from_raw`] checks every rule and
//! resolves names against the catalog. Every mistake is reported with the
//! file, line and column, and unknown keys and names get a "did you mean".
//!
//! Parameter keys are those of Weights & Biases sweep configurations
//! (`values`, `value`, `min`, `max`, `distribution`, `q`) plus
//! `grid_points`, so sweep authors recognise them at a glance.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use rayon::prelude::*;
use serde::Deserialize;
use toml::Spanned;

use crate::calibrate;

mod device_keys;
use crate::catalog::{Catalog, Device, Kind, Region};
use crate::cost::{precision_name, Calibration, TrialCost, Work};
use crate::embodied::Overrides;
use crate::error::{Error, Result};
use crate::formula::{Formula, FormulaError};
use crate::hourly::{self, Instant, Profile};
use crate::space::{self, Count, Distribution, Domain, Level, Param, Strategy};
use crate::suggest;
pub use device_keys::Exclusion;

pub mod model;

pub use model::{Brackets, Dispatch, Model};
pub mod baseline;
mod execution_keys;
mod imports;
mod tables;

/// Largest scenario file read. Real scenarios are a few KB; a million-entry
/// `values` list is about 8 MB.
pub const MAX_SCENARIO_BYTES: u64 = 16 * 1024 * 1024;

/// Largest grid expanded without `--allow-large`.
pub const GRID_LIMIT: u64 = 10_000_000;

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
    /// Accept grids above [`GRID_LIMIT`] trials.
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
    /// `[embodied]`: overrides of the catalog's lifecycle figures.
    pub embodied: Overrides,
    /// When the sweep may run, for carbon-aware start times.
    pub window: Option<Window>,
    /// Devices the precision excludes, with the reason.
    pub excluded: Vec<Exclusion>,
    /// The (hardware, site) pairs evaluated, in hardware then site order.
    pub pairs: Vec<crate::offer::SitePair>,
    /// Pairs left out because the region does not offer the device.
    pub left_out: Vec<Exclusion>,
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

// ---------------------------------------------------------------------------
// Raw file structure: one struct per table, unknown keys refused.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    scenario: RawMeta,
    #[serde(default)]
    space: IndexMap<String, Spanned<RawParam>>,
    trial: Spanned<RawTrial>,
    strategies: Option<Spanned<RawStrategies>>,
    hardware: Spanned<RawCandidates>,
    regions: Spanned<RawRegions>,
    #[serde(default)]
    execution: RawExecution,
    embodied: Option<Spanned<RawEmbodied>>,
    #[serde(default)]
    uncertainty: crate::uncertainty::spread::Raw,
    import: Option<Spanned<imports::RawImport>>,
    #[serde(default)]
    baseline: baseline::RawBaseline,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEmbodied {
    device_kg: Option<f64>,
    server_kg: Option<f64>,
    devices_per_server: Option<f64>,
    lifetime_years: Option<f64>,
    lifetime_utilization: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    name: String,
    #[serde(default)]
    description: Option<String>,
    seed: Option<Spanned<i64>>,
    top_fraction: Option<Spanned<f64>>,
    quality_target: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParam {
    values: Option<Spanned<Vec<toml::Value>>>,
    value: Option<Spanned<toml::Value>>,
    min: Option<Spanned<toml::Value>>,
    max: Option<Spanned<toml::Value>>,
    distribution: Option<Spanned<String>>,
    q: Option<Spanned<f64>>,
    grid_points: Option<Spanned<i64>>,
    continuous: Option<Spanned<bool>>,
    role: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrial {
    reference_hardware: Option<Spanned<String>>,
    hours: Option<Spanned<toml::Value>>,
    flops: Option<Spanned<toml::Value>>,
    mfu: Option<Spanned<toml::Value>>,
    precision: Option<Spanned<String>>,
    devices: Option<Spanned<toml::Value>>,
    utilization: Option<Spanned<f64>>,
    pilot: Option<Spanned<RawPilot>>,
    workload: Option<Spanned<String>>,
    threads: Option<Spanned<i64>>,
    replicates: Option<Spanned<i64>>,
    overhead_hours: Option<Spanned<f64>>,
    #[serde(default)]
    tables: tables::RawTables,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPilot {
    emissions_csv: String,
    #[serde(default)]
    params: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStrategies {
    grid: Option<Spanned<toml::Table>>,
    random: Option<Spanned<RawSampled>>,
    sobol: Option<Spanned<RawSampled>>,
    latin_hypercube: Option<Spanned<RawSampled>>,
    hyperband: Option<Spanned<RawHyperband>>,
    asha: Option<Spanned<model::RawAsha>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSampled {
    trials: Option<Spanned<i64>>,
    target: Option<Spanned<RawTarget>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    top_fraction: f64,
    confidence: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHyperband {
    resource: Spanned<String>,
    max_resource: Spanned<f64>,
    eta: Option<Spanned<i64>>,
    #[serde(default)]
    resume: bool,
    brackets: Option<Spanned<String>>,
    fidelity_correlation: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCandidates {
    candidates: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegions {
    candidates: Spanned<Vec<Spanned<String>>>,
    private_pue: Option<Spanned<f64>>,
    year: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExecution {
    max_concurrent_devices: Option<Spanned<i64>>,
    start: Option<Spanned<String>>,
    deadline_hours: Option<Spanned<f64>>,
    dispatch: Option<Spanned<String>>,
    capacity: Option<Spanned<String>>,
    idle_fraction: Option<Spanned<f64>>,
    queue_wait_hours: Option<Spanned<f64>>,
    failure_rate_per_device_hour: Option<Spanned<f64>>,
    checkpoint_hours: Option<Spanned<f64>>,
    restart_hours: Option<Spanned<f64>>,
}

// ---------------------------------------------------------------------------

/// Read a scenario file and check it.
pub fn load(path: &Path, catalog: &Catalog, options: Options) -> Result<Scenario> {
    let text = crate::input::read_text(path, "scenario file", MAX_SCENARIO_BYTES)?;
    parse(path, &text, catalog, options)
}

/// Check scenario text; `path` is only used in messages.
pub fn parse(path: &Path, text: &str, catalog: &Catalog, options: Options) -> Result<Scenario> {
    let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    Checker {
        path,
        text,
        catalog,
        warnings: std::cell::RefCell::new(Vec::new()),
        tables: raw.trial.get_ref().tables.clone(),
    }
    .scenario(raw, options)
}

/// A TOML or serde error, located, with unknown keys explained.
fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let offset = e.span().map_or(0, |s| s.start);
    let message = e.message().trim().to_string();
    let message = explain_unknown_key(&message)
        .or_else(|| {
            message
                .strip_prefix("missing field `")
                .and_then(|m| m.split_once('`'))
                .map(|(key, _)| format!("missing key '{key}'"))
        })
        .unwrap_or(message);
    let message = plain(&message);
    let message = if message.is_empty() {
        "this is not valid TOML here".to_string()
    } else {
        message
    };
    Error::at(path, text, offset, message)
}

/// The TOML parser's and serde's wording, in the tool's words.
fn plain(message: &str) -> String {
    if message.contains("__toml_private_datetime") {
        return "a date or time is not allowed here; write it as a string in quotes".to_string();
    }
    // serde: "invalid type: string \"x\", expected a sequence".
    let mut m = match message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.rsplit_once(", expected "))
    {
        Some((found, expected)) => format!("expected {expected}, found {found}"),
        None => message.to_string(),
    };
    for (from, to) in [
        ("expected a borrowed string", "expected a string"),
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected a table"),
        ("found floating point `", "found the number `"),
        ("found integer `", "found the whole number `"),
        ("found sequence", "found a list"),
        ("found map", "found a table"),
    ] {
        m = m.replace(from, to);
    }
    if m.contains("number too large") || m.contains("out of range") || m.contains("overflow") {
        return format!("the number is too large: {m}");
    }
    m
}

/// serde says "unknown field `x`, expected one of `a`, `b`"; say it as a
/// person would, with a suggestion.
fn explain_unknown_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let hint = match suggest::closest(key, expected.iter().copied()) {
        Some(best) => format!(" (did you mean '{best}'?)"),
        None => String::new(),
    };
    let valid = if expected.is_empty() {
        "this table takes no keys".to_string()
    } else {
        format!("valid keys here: {}", expected.join(", "))
    };
    Some(format!("unknown key '{key}'{hint}; {valid}"))
}

struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
    catalog: &'a Catalog,
    warnings: std::cell::RefCell<Vec<String>>,
    /// `[trial.tables]`, callable in formulas.
    tables: tables::RawTables,
}

impl Checker<'_> {
    fn err(&self, offset: usize, message: impl Into<String>) -> Error {
        Error::at(self.path, self.text, offset, message)
    }

    fn scenario(&self, raw: RawFile, options: Options) -> Result<Scenario> {
        let seed = match raw.scenario.seed {
            Some(s) if *s.get_ref() < 0 => {
                return Err(self.err(s.span().start, "seed must be zero or more"))
            }
            Some(s) => *s.get_ref() as u64,
            None => 0,
        };
        let top_fraction = match raw.scenario.top_fraction {
            Some(q) => self.fraction(&q, "top_fraction")?,
            None => TOP_FRACTION,
        };
        let _ = raw.scenario.description;
        let mut import = raw.import.as_ref().map(|i| self.import(i)).transpose()?;
        let mut params = Vec::with_capacity(raw.space.len());
        let mut space = raw.space;
        let mut role_by_name: std::collections::HashMap<String, model::RoleKeys> = space
            .iter_mut()
            .map(|(name, p)| {
                let p = p.get_mut();
                (name.clone(), (p.continuous.take(), p.role.take()))
            })
            .collect();
        match &mut import {
            Some(imported) => params = self.merge_space(imported, space)?,
            None => {
                for (name, p) in space {
                    params.push(self.param(name, p)?);
                }
            }
        }
        let role_keys: Vec<model::RoleKeys> = params
            .iter()
            .map(|p| role_by_name.remove(&p.name).unwrap_or_default())
            .collect();
        let roles = self.roles(&role_keys, &params)?;
        let replicates = match &raw.trial.get_ref().replicates {
            None => 1,
            Some(r) if (1..=1_000_000).contains(r.get_ref()) => *r.get_ref() as u64,
            Some(r) => {
                return Err(self.err(r.span().start, "replicates must be between 1 and 1,000,000"))
            }
        };
        let model = self.model(
            (
                &raw.scenario.quality_target,
                raw.strategies.as_ref().map(|s| s.get_ref()),
                &raw.execution,
            ),
            roles,
            replicates,
        )?;
        let execution = self.execution(&raw.execution, &raw.trial.get_ref().overhead_hours)?;
        let (cost, work_at) = self.trial(raw.trial, &params)?;
        let mut strategies = match (&import, &raw.import) {
            (Some(imported), Some(r)) => self.import_strategies(imported, r, &params, options)?,
            _ => Vec::new(),
        };
        if import.is_none() || raw.strategies.is_some() {
            let at = self.text.find("[strategies").unwrap_or(0);
            for s in self.strategies(raw.strategies, &params, options)? {
                if strategies.iter().any(|t| t.name() == s.name()) {
                    return Err(self.err(
                        at,
                        format!(
                            "strategy '{}' is already given by the imported file",
                            s.name()
                        ),
                    ));
                }
                strategies.push(s);
            }
        }
        let (hardware, excluded) = self.hardware(raw.hardware, &cost)?;
        let patterns: Vec<String> = (raw.regions.get_ref().candidates.get_ref().iter())
            .map(|p| p.get_ref().clone())
            .collect();
        let catalog = self.year_catalog(&raw.regions, options)?;
        let sites = self.sites(raw.regions, &catalog)?;
        let places = place::places(&catalog, &patterns, &sites);
        let (pairs, left_out) =
            crate::offer::pairs(self.catalog, &hardware, &sites, options.any_hardware)
                .map_err(|m| self.err(0, m))?;
        let max_concurrent_devices = match &raw.execution.max_concurrent_devices {
            None => 8,
            Some(m) => {
                let v = *m.get_ref();
                if v < 1 {
                    return Err(
                        self.err(m.span().start, "max_concurrent_devices must be at least 1")
                    );
                }
                if v > MAX_CONCURRENT_DEVICES {
                    return Err(self.err(
                        m.span().start,
                        format!("max_concurrent_devices {v} is too large: at most {MAX_CONCURRENT_DEVICES} (a million devices)"),
                    ));
                }
                v as u32
            }
        };
        let window = self.window(&raw.execution, &sites, &catalog)?;
        let (embodied_at, e) = match raw.embodied {
            Some(e) => (e.span().start, e.into_inner()),
            None => (0, RawEmbodied::default()),
        };
        let embodied = Overrides {
            device_kg: e.device_kg,
            server_kg: e.server_kg,
            devices_per_server: e.devices_per_server,
            lifetime_years: e.lifetime_years,
            lifetime_utilization: e.lifetime_utilization,
        };
        embodied
            .check(|n| {
                format!(
                    "[embodied] {}",
                    n.trim_start_matches("embodied-").replace('-', "_")
                )
            })
            .map_err(|e| self.err(embodied_at, e.to_string()))?;
        let (uncertainty, note) = (raw.uncertainty.check())
            .map_err(|(offset, m)| self.err(offset, m))?
            .resolve(&catalog, &sites, window.as_ref());
        self.warnings.borrow_mut().extend(note);
        let baseline = self.baseline(&raw.baseline, &strategies, &hardware, &sites)?;
        Ok(Scenario {
            baseline,
            execution,
            import,
            places,
            window,
            embodied,
            uncertainty,
            path: self.path.to_path_buf(),
            name: raw.scenario.name,
            seed,
            top_fraction,
            params,
            cost,
            strategies,
            hardware,
            sites,
            max_concurrent_devices,
            work_at,
            excluded,
            pairs,
            left_out,
            model,
            warnings: self.warnings.take(),
        })
    }

    fn window(
        &self,
        e: &RawExecution,
        sites: &[Region],
        catalog: &Catalog,
    ) -> Result<Option<Window>> {
        let (start, deadline) =
            match (&e.start, &e.deadline_hours) {
                (None, None) => return Ok(None),
                (Some(s), Some(d)) => (s, d),
                (Some(s), None) => return Err(self.err(
                    s.span().start,
                    "`start` needs `deadline_hours`: how long the sweep may take, waiting included",
                )),
                (None, Some(d)) => {
                    return Err(self.err(
                        d.span().start,
                        "`deadline_hours` needs `start`, e.g. start = \"2023-03-01T00:00Z\"",
                    ))
                }
            };
        let instant = Instant::parse(start.get_ref())
            .map_err(|m| self.err(start.span().start, m.to_string()))?;
        let hours = *deadline.get_ref();
        if !(hours.is_finite() && hours > 0.0 && hours <= 1e6) {
            return Err(self.err(
                deadline.span().start,
                "deadline_hours must be a positive number of hours",
            ));
        }
        let data_dir = catalog.data_dir.as_deref();
        let zones: std::collections::BTreeSet<&String> = sites
            .iter()
            .filter_map(|r| r.grid_zone.as_ref())
            .filter(|z| hourly::has_profile(z, data_dir))
            .collect();
        // Profiles are parsed in parallel; the map keeps a fixed order.
        let loaded: Vec<Result<(String, Profile)>> = zones
            .into_par_iter()
            .map(|zone| hourly::for_run(catalog, zone, instant).map(|p| (zone.clone(), p)))
            .collect();
        let mut profiles = std::collections::BTreeMap::new();
        for item in loaded {
            let (zone, profile) = item.map_err(|m| self.err(start.span().start, m.to_string()))?;
            profiles.insert(zone, profile);
        }
        Ok(Some(Window {
            start: instant,
            deadline_hours: hours,
            profiles,
        }))
    }

    fn fraction(&self, v: &Spanned<f64>, what: &str) -> Result<f64> {
        let x = *v.get_ref();
        if x > 0.0 && x < 1.0 {
            Ok(x)
        } else {
            Err(self.err(
                v.span().start,
                format!("{what} must be between 0 and 1 (exclusive), not {x}"),
            ))
        }
    }

    fn param(&self, name: String, raw: Spanned<RawParam>) -> Result<Param> {
        let at = raw.span().start;
        let p = raw.into_inner();
        let domain = match (&p.values, &p.value, &p.min, &p.max) {
            (Some(v), None, None, None) => {
                if v.get_ref().is_empty() {
                    return Err(self.err(
                        v.span().start,
                        format!("parameter '{name}' has an empty `values` list"),
                    ));
                }
                let levels = v
                    .get_ref()
                    .iter()
                    .map(|x| self.level(x, v.span().start, &name))
                    .collect::<Result<Vec<_>>>()?;
                Domain::Values(levels)
            }
            (None, Some(v), None, None) => {
                Domain::Constant(self.level(v.get_ref(), v.span().start, &name)?)
            }
            (None, None, Some(min), Some(max)) => return self.range(name, &p, min, max),
            (None, None, None, None) => {
                return Err(self.err(
                    at,
                    format!("parameter '{name}' needs `values`, `value`, or `min` and `max`"),
                ))
            }
            (None, None, Some(m), None) | (None, None, None, Some(m)) => {
                return Err(self.err(
                    m.span().start,
                    format!("parameter '{name}' needs both `min` and `max`"),
                ))
            }
            _ => {
                let second = [&p.value, &p.min, &p.max]
                    .iter()
                    .filter_map(|x| x.as_ref().map(|s| s.span().start))
                    .max()
                    .unwrap_or(at);
                return Err(self.err(
                    second,
                    format!("parameter '{name}' mixes `values`, `value` and `min`/`max`; use one of them"),
                ));
            }
        };
        for (key, span) in [
            (
                "distribution",
                p.distribution.as_ref().map(|s| s.span().start),
            ),
            ("q", p.q.as_ref().map(|s| s.span().start)),
            (
                "grid_points",
                p.grid_points.as_ref().map(|s| s.span().start),
            ),
        ] {
            if let Some(offset) = span {
                return Err(self.err(
                    offset,
                    format!("`{key}` applies only to `min`/`max` parameters ('{name}')"),
                ));
            }
        }
        Ok(Param { name, domain })
    }

    fn level(&self, v: &toml::Value, at: usize, name: &str) -> Result<Level> {
        match v {
            toml::Value::Integer(i) => Ok(Level::Num(*i as f64)),
            toml::Value::Float(f) if f.is_finite() => Ok(Level::Num(*f)),
            toml::Value::String(s) => Ok(Level::Text(s.clone())),
            toml::Value::Boolean(b) => Ok(Level::Bool(*b)),
            other => Err(self.err(
                at,
                format!(
                    "parameter '{name}': values must be numbers, strings or booleans, not {other}"
                ),
            )),
        }
    }

    fn number(&self, v: &Spanned<toml::Value>, key: &str, name: &str) -> Result<(f64, bool)> {
        match v.get_ref() {
            toml::Value::Integer(i) => Ok((*i as f64, true)),
            toml::Value::Float(f) if f.is_finite() => Ok((*f, false)),
            other => Err(self.err(
                v.span().start,
                format!("`{key}` of parameter '{name}' must be a finite number, not {other}"),
            )),
        }
    }

    fn range(
        &self,
        name: String,
        p: &RawParam,
        min: &Spanned<toml::Value>,
        max: &Spanned<toml::Value>,
    ) -> Result<Param> {
        let (lo, lo_int) = self.number(min, "min", &name)?;
        let (hi, hi_int) = self.number(max, "max", &name)?;
        if lo >= hi {
            return Err(self.err(
                min.span().start,
                format!("parameter '{name}' has min {lo} ≥ max {hi}; min must be below max"),
            ));
        }
        const DISTRIBUTIONS: [&str; 5] = [
            "uniform",
            "int_uniform",
            "q_uniform",
            "log_uniform_values",
            "q_log_uniform_values",
        ];
        let q = |p: &RawParam| -> Result<f64> {
            match &p.q {
                Some(q) if *q.get_ref() > 0.0 && q.get_ref().is_finite() => Ok(*q.get_ref()),
                Some(q) => Err(self.err(q.span().start, "`q` must be a positive number")),
                None => Err(self.err(
                    p.distribution.as_ref().map_or(0, |d| d.span().start),
                    format!("parameter '{name}': this distribution needs `q`, the step values are rounded to"),
                )),
            }
        };
        let distribution =
            match &p.distribution {
                // As W&B does: integer bounds mean integers.
                None if lo_int && hi_int => Distribution::IntUniform,
                None => Distribution::Uniform,
                Some(d) => match d.get_ref().as_str() {
                    "uniform" => Distribution::Uniform,
                    "int_uniform" => Distribution::IntUniform,
                    "q_uniform" => Distribution::QUniform(q(p)?),
                    "log_uniform_values" => Distribution::LogUniform,
                    "q_log_uniform_values" => Distribution::QLogUniform(q(p)?),
                    "log_uniform" => return Err(self.err(
                        d.span().start,
                        "'log_uniform' takes its bounds as exponents in W&B; co2sweep supports \
                         'log_uniform_values' (bounds as values): use that",
                    )),
                    other => {
                        let hint = suggest::closest(other, DISTRIBUTIONS)
                            .map_or(String::new(), |s| format!(" (did you mean '{s}'?)"));
                        return Err(self.err(
                            d.span().start,
                            format!(
                                "unknown distribution '{other}'{hint}; choose {}",
                                suggest::or_list(&DISTRIBUTIONS)
                            ),
                        ));
                    }
                },
            };
        if matches!(
            distribution,
            Distribution::LogUniform | Distribution::QLogUniform(_)
        ) && lo <= 0.0
        {
            return Err(self.err(
                min.span().start,
                format!("parameter '{name}' is log-distributed, so min must be positive, not {lo}"),
            ));
        }
        if p.q.is_some()
            && !matches!(
                distribution,
                Distribution::QUniform(_) | Distribution::QLogUniform(_)
            )
        {
            let at = p.q.as_ref().map_or(0, |q| q.span().start);
            return Err(self.err(
                at,
                format!("`q` applies only to q_uniform and q_log_uniform_values ('{name}')"),
            ));
        }
        let grid_points = match &p.grid_points {
            None => None,
            Some(g) if (1..=i64::from(u32::MAX)).contains(g.get_ref()) => Some(*g.get_ref() as u32),
            Some(g) if *g.get_ref() < 1 => {
                return Err(self.err(g.span().start, "grid_points must be at least 1"))
            }
            Some(g) => {
                return Err(self.err(
                    g.span().start,
                    format!(
                        "grid_points {} is too large: grid search takes at most {} levels per parameter",
                        g.get_ref(),
                        space::MAX_LEVELS
                    ),
                ))
            }
        };
        if distribution == Distribution::IntUniform && (hi.floor() < lo.ceil()) {
            return Err(self.err(
                min.span().start,
                format!("parameter '{name}' has no integer within [{lo}, {hi}]"),
            ));
        }
        if let Distribution::QUniform(q) | Distribution::QLogUniform(q) = distribution {
            // Values are rounded through x / q: beyond 2^53 steps that is
            // neither exact nor finite.
            let steps = lo.abs().max(hi.abs()) / q;
            if steps.is_nan() || steps > 9.007_199_254_740_992e15 {
                return Err(self.err(
                    p.q.as_ref().map_or(min.span().start, |q| q.span().start),
                    format!("`q` = {q} is too small for [{lo}, {hi}]: values would need more than 2^53 steps of q"),
                ));
            }
        }
        if let Distribution::QUniform(q) = distribution {
            if space::q_steps(hi, q).floor() < space::q_steps(lo, q).ceil() {
                return Err(self.err(
                    min.span().start,
                    format!("parameter '{name}' has no multiple of {q} within [{lo}, {hi}]"),
                ));
            }
        }
        Ok(Param {
            name,
            domain: Domain::Range {
                min: lo,
                max: hi,
                distribution,
                grid_points,
            },
        })
    }

    /// A formula value: a TOML number or a string to parse.
    fn formula(&self, v: &Spanned<toml::Value>, key: &str, params: &[Param]) -> Result<Formula> {
        let numeric: Vec<&str> = params
            .iter()
            .filter(|p| p.is_numeric())
            .map(|p| p.name.as_str())
            .collect();
        // Every slot is a parameter, so the formula's variable index is the slot.
        let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        let (source, base) = match v.get_ref() {
            toml::Value::String(s) => (s.clone(), self.string_start(v.span())),
            toml::Value::Integer(i) => (i.to_string(), Some(v.span().start)),
            toml::Value::Float(f) if !f.is_finite() => {
                return Err(self.err(
                    v.span().start,
                    format!("`{key}` must be a finite number, not {f}"),
                ))
            }
            toml::Value::Float(f) => (format!("{f:e}"), Some(v.span().start)),
            other => {
                return Err(self.err(
                    v.span().start,
                    format!("`{key}` must be a number or a formula string, not {other}"),
                ))
            }
        };
        let tables: Vec<&str> = self.tables.keys().map(String::as_str).collect();
        let mut formula = Formula::parse_with_tables(&source, &names, &tables)
            .map_err(|e| self.formula_error(&e, base, v.span().start, key, &numeric))?;
        let lookups = self.lookups(&formula, key, (base, v.span().start), params)?;
        formula.bind_tables(lookups);
        for &slot in formula.variables_loaded() {
            if !params[slot].is_numeric() {
                return Err(self.err(
                    v.span().start,
                    format!(
                        "`{key}` reads '{}', which is categorical; formulas can read only numeric parameters ({}), or a category through a [trial.tables.NAME] lookup, NAME({0})",
                        params[slot].name,
                        numeric.join(", ")
                    ),
                ));
            }
        }
        Ok(formula)
    }

    /// Where a string's content starts in the file, when file offsets map
    /// one to one onto the content (no escape sequences); `None` otherwise.
    fn string_start(&self, span: std::ops::Range<usize>) -> Option<usize> {
        let raw = self.text.get(span.clone())?;
        let (skip, escapes) = if raw.starts_with("\"\"\"") {
            (3, true)
        } else if raw.starts_with("'''") {
            (3, false)
        } else if raw.starts_with('"') {
            (1, true)
        } else if raw.starts_with('\'') {
            (1, false)
        } else {
            return None;
        };
        if escapes && raw.contains('\\') {
            return None;
        }
        let mut start = span.start + skip;
        // A newline right after an opening triple quote is not content.
        if skip == 3 {
            let rest = &self.text[start..];
            start += if rest.starts_with("\r\n") {
                2
            } else {
                usize::from(rest.starts_with('\n'))
            };
        }
        Some(start)
    }

    fn formula_error(
        &self,
        e: &FormulaError,
        base: Option<usize>,
        value_at: usize,
        key: &str,
        numeric: &[&str],
    ) -> Error {
        let known = if numeric.is_empty() {
            "the space has no numeric parameters".to_string()
        } else {
            format!("the numeric parameters are {}", numeric.join(", "))
        };
        let extra = match e {
            FormulaError::UnknownVariable { .. } => format!("; {known}"),
            _ => String::new(),
        };
        match base {
            Some(base) => Error::at_span(
                self.path,
                self.text,
                base + e.offset(),
                e.len(),
                format!("in `{key}`: {e}{extra}"),
            ),
            // Escapes make file and formula offsets differ: point at the
            // string and say where in the formula.
            None => self.err(
                value_at,
                format!(
                    "in `{key}`, at character {} of the formula: {e}{extra}",
                    e.offset() + 1
                ),
            ),
        }
    }

    fn trial(
        &self,
        raw: Spanned<RawTrial>,
        params: &[Param],
    ) -> Result<(TrialCost, (usize, usize))> {
        let at = raw.span().start;
        let t = raw.into_inner();
        let precision = self.precision(&t.precision)?;
        let workload = self.workload(&t.workload)?;
        let threads = self.threads(&t.threads)?;
        let utilization = match &t.utilization {
            None => 1.0,
            Some(u) if *u.get_ref() > 0.0 && *u.get_ref() <= 1.0 => *u.get_ref(),
            Some(u) => {
                return Err(self.err(
                    u.span().start,
                    "utilization is a fraction of TDP within (0, 1]",
                ))
            }
        };
        let devices = match &t.devices {
            None => Formula::parse("1", &[]).expect("a literal parses"),
            Some(d) => self.formula(d, "devices", params)?,
        };
        let (work, work_span) = match (&t.reference_hardware, &t.hours, &t.flops) {
            (Some(dev), Some(hours), None) => {
                if let Some(m) = &t.mfu {
                    return Err(self.err(
                        m.span().start,
                        "`mfu` belongs to the FLOPs model (`flops`), not to `hours`",
                    ));
                }
                let device = self
                    .catalog
                    .device(dev.get_ref())
                    .map_err(|e| self.err(dev.span().start, e.to_string()))?;
                (
                    Work::ReferenceHours {
                        device: Box::new(device.clone()),
                        hours: self.formula(hours, "hours", params)?,
                    },
                    hours.span(),
                )
            }
            (_, None, Some(flops)) => {
                if let Some(r) = &t.reference_hardware {
                    return Err(self.err(
                        r.span().start,
                        "`reference_hardware` belongs with `hours`; the FLOPs model needs none",
                    ));
                }
                let mfu = match &t.mfu {
                    Some(m) => self.mfu(m)?,
                    None => return Err(self.err(
                        flops.span().start,
                        "the FLOPs model needs `mfu`, the achieved fraction of peak (e.g. 0.35)",
                    )),
                };
                (
                    Work::Flops {
                        flops: self.formula(flops, "flops", params)?,
                        mfu,
                    },
                    flops.span(),
                )
            }
            (_, Some(h), Some(_)) => return Err(self.err(
                h.span().start,
                "give either `hours` (with `reference_hardware`) or `flops` (with `mfu`), not both",
            )),
            (None, Some(h), None) => {
                return Err(self.err(
                    h.span().start,
                    "`hours` needs `reference_hardware`: the device those hours were measured on",
                ))
            }
            (_, None, None) => {
                return Err(self.err(
                    at,
                    "[trial] needs `hours` with `reference_hardware`, or `flops` with `mfu`",
                ))
            }
        };
        let work_at = crate::error::line_col(self.text, work_span.start);
        let mut cost = TrialCost {
            work,
            devices,
            utilization,
            precision,
            calibration: None,
            workload,
            speed: crate::cost::Speed::new(self.catalog, workload, precision),
            threads,
        };
        if let Some(pilot) = &t.pilot {
            cost.calibration = Some(self.calibration(pilot, &cost, params)?);
        }
        Ok((cost, work_at))
    }

    /// Calibrate the cost model to a CodeCarbon pilot run (see [`crate::cost::Calibration`]).
    fn calibration(
        &self,
        raw: &Spanned<RawPilot>,
        cost: &TrialCost,
        params: &[Param],
    ) -> Result<Calibration> {
        let at = raw.span().start;
        let p = raw.get_ref();
        let base = self.path.parent().unwrap_or(Path::new("."));
        let file = base.join(&p.emissions_csv);
        let pilot = calibrate::read(&file, self.catalog)
            .map_err(|e| self.err(at, format!("pilot: {e}")))?;
        let device_name = pilot.total.device.clone().ok_or_else(|| {
            self.err(
                at,
                "pilot: the emissions file names no GPU or CPU model that the catalog knows",
            )
        })?;
        let device = self
            .catalog
            .device(&device_name)
            .map_err(|e| self.err(at, e.to_string()))?
            .clone();
        let mut slots = vec![f64::NAN; params.len()];
        let mut given = Vec::new();
        for (key, value) in &p.params {
            let Some(i) = params.iter().position(|q| &q.name == key) else {
                let names: Vec<&str> = params.iter().map(|q| q.name.as_str()).collect();
                let hint = suggest::closest(key, names.iter().copied())
                    .map_or(String::new(), |s| format!(" (did you mean '{s}'?)"));
                return Err(self.err(
                    at,
                    format!("pilot params: '{key}' is not a parameter{hint}"),
                ));
            };
            let v = match value {
                toml::Value::Integer(n) => *n as f64,
                toml::Value::Float(f) => *f,
                _ => return Err(self.err(at, format!("pilot params: '{key}' must be a number"))),
            };
            slots[i] = v;
            given.push((key.clone(), v));
        }
        let needed: Vec<&str> = cost
            .work_formula()
            .variables_used()
            .iter()
            .chain(cost.devices.variables_used())
            .filter(|&&i| slots[i].is_nan())
            .map(|&i| params[i].name.as_str())
            .collect();
        if !needed.is_empty() {
            return Err(self.err(
                at,
                format!(
                    "pilot params must give {} (the cost formulas read them)",
                    needed.join(", ")
                ),
            ));
        }
        let c = cost
            .evaluate(&mut slots, &crate::space::TrialInfo::default(), None)
            .map_err(|e| {
                self.err(
                    at,
                    format!(
                        "pilot: `{}` gives {} at the pilot's parameters; it {}",
                        e.formula, e.value, e.problem
                    ),
                )
            })?;
        let multiplier = cost
            .multiplier(&device)
            .map_err(|m| self.err(at, format!("pilot: {m}")))?;
        let measured_hours = pilot.total.duration_hours / pilot.total.runs as f64;
        let predicted = c.work * multiplier;
        let devices = pilot.total.gpu_count.unwrap_or(c.devices).max(1);
        Ok(Calibration {
            file,
            runs: pilot.total.runs,
            measured_hours,
            watts_per_device: pilot.total.avg_power_watts / f64::from(devices),
            device,
            devices,
            work_scale: measured_hours / predicted,
            params: given,
        })
    }

    fn sampled(&self, raw: &Spanned<RawSampled>, name: &str) -> Result<Count> {
        match (&raw.get_ref().trials, &raw.get_ref().target) {
            (Some(n), None) => {
                if *n.get_ref() < 1 {
                    return Err(self.err(n.span().start, format!("{name}: trials must be at least 1")));
                }
                Ok(Count::Trials(*n.get_ref() as u64))
            }
            (None, Some(t)) => {
                let q = t.get_ref().top_fraction;
                let p = t.get_ref().confidence;
                for (x, what) in [(q, "top_fraction"), (p, "confidence")] {
                    if !(x > 0.0 && x < 1.0) {
                        return Err(self.err(t.span().start, format!("{name}: target {what} must be between 0 and 1 (exclusive), not {x}")));
                    }
                }
                Ok(Count::Target { top_fraction: q, confidence: p })
            }
            (Some(n), Some(_)) => Err(self.err(n.span().start, format!("{name}: give `trials` or `target`, not both"))),
            (None, None) => Err(self.err(
                raw.span().start,
                format!("{name} needs `trials = N` or `target = {{ top_fraction = 0.05, confidence = 0.95 }}`"),
            )),
        }
    }

    fn strategies(
        &self,
        raw: Option<Spanned<RawStrategies>>,
        params: &[Param],
        options: Options,
    ) -> Result<Vec<Strategy>> {
        let Some(s) = raw else {
            return Err(self.err(
                self.text.len(),
                "the scenario has no [strategies]; add at least one, e.g. [strategies.random] trials = 60",
            ));
        };
        let at = s.span().start;
        let s = s.into_inner();
        // Each strategy with the position of its own table, for messages.
        let mut out = Vec::new();
        let mut spans = Vec::new();
        if let Some(g) = &s.grid {
            if let Some(key) = g.get_ref().keys().next() {
                return Err(self.err(
                    g.span().start,
                    format!("unknown key '{key}' in [strategies.grid]; grid search takes no keys"),
                ));
            }
            let n =
                space::count(params, &Strategy::Grid).map_err(|m| self.err(g.span().start, m))?;
            if n > GRID_LIMIT && !options.allow_large {
                return Err(self.err(
                    g.span().start,
                    format!(
                        "grid search would run {} trials, more than the {} allowed without --allow-large; \
                         random search reaches the same quality with far fewer (try [strategies.random] \
                         target = {{ top_fraction = 0.05, confidence = 0.95 }}: 59 trials)",
                        crate::report::thousands(n as f64),
                        crate::report::thousands(GRID_LIMIT as f64)
                    ),
                ));
            }
            // Larger grids are planned by factoring (see sweep::totals),
            // which bounds the work by the parameters the cost reads.
            out.push(Strategy::Grid);
            spans.push(g.span().start);
        }
        if let Some(r) = &s.random {
            out.push(Strategy::Random(self.sampled(r, "random")?));
            spans.push(r.span().start);
        }
        if let Some(r) = &s.sobol {
            let count = self.sampled(r, "sobol")?;
            self.check_sobol(&count);
            out.push(Strategy::Sobol(count));
            spans.push(r.span().start);
        }
        if let Some(r) = &s.latin_hypercube {
            out.push(Strategy::LatinHypercube(
                self.sampled(r, "latin_hypercube")?,
            ));
            spans.push(r.span().start);
        }
        if let Some(h) = &s.hyperband {
            spans.push(h.span().start);
            let h = h.get_ref();
            let resource = self.resource_param(&h.resource, params, "hyperband")?;
            let eta = match &h.eta {
                None => 3,
                Some(e) if (2..=1_000_000).contains(e.get_ref()) => *e.get_ref() as u32,
                Some(e) => {
                    return Err(self.err(
                        e.span().start,
                        if *e.get_ref() < 2 {
                            format!("hyperband eta must be at least 2, not {}", e.get_ref())
                        } else {
                            format!(
                                "hyperband eta {} is too large: at most 1,000,000",
                                e.get_ref()
                            )
                        },
                    ))
                }
            };
            let max_resource = *h.max_resource.get_ref();
            if !(1.0..=1e12).contains(&max_resource) {
                return Err(self.err(
                    h.max_resource.span().start,
                    if max_resource > 1e12 {
                        format!("hyperband max_resource {max_resource} is too large: at most 10^12")
                    } else {
                        format!("hyperband max_resource must be at least 1, not {max_resource}")
                    },
                ));
            }
            self.check_max_resource(resource, max_resource, params, "hyperband");
            out.push(Strategy::Hyperband {
                resource,
                max_resource,
                eta,
                resume: h.resume,
            });
        }
        if let Some(a) = &s.asha {
            out.push(self.asha(a, params)?);
        }
        if out.is_empty() {
            return Err(self.err(
                at,
                "[strategies] is empty; add grid, random, sobol, latin_hypercube, hyperband or asha",
            ));
        }
        for (strategy, &at) in out
            .iter()
            .zip(&spans)
            .filter(|(s, _)| **s != Strategy::Grid)
        {
            let n = space::count(params, strategy).map_err(|m| self.err(at, m))?;
            if n > space::HARD_LIMIT {
                return Err(self.err(
                    at,
                    format!(
                        "{} would run {n} trials, above the limit of {}",
                        strategy.name(),
                        space::HARD_LIMIT
                    ),
                ));
            }
            if matches!(strategy, Strategy::Sobol(_)) && n > space::SOBOL_LIMIT {
                return Err(self.err(
                    at,
                    format!(
                        "sobol would run {n} trials, above its limit of {}",
                        space::SOBOL_LIMIT
                    ),
                ));
            }
            if matches!(strategy, Strategy::Sobol(_)) && params.len() > space::SOBOL_MAX_PARAMS {
                return Err(self.err(
                    at,
                    format!(
                        "sobol supports at most {} parameters; this space has {}",
                        space::SOBOL_MAX_PARAMS,
                        params.len()
                    ),
                ));
            }
            if matches!(strategy, Strategy::LatinHypercube(_)) && n > space::LHS_LIMIT {
                return Err(self.err(
                    at,
                    format!(
                        "latin_hypercube would run {n} trials, above its limit of {}",
                        space::LHS_LIMIT
                    ),
                ));
            }
        }
        Ok(out)
    }

    fn hardware(
        &self,
        raw: Spanned<RawCandidates>,
        cost: &TrialCost,
    ) -> Result<(Vec<Device>, Vec<Exclusion>)> {
        let list = raw.into_inner().candidates;
        if list.get_ref().is_empty() {
            return Err(self.err(
                list.span().start,
                "[hardware] candidates is empty; name at least one device, or \"*\"",
            ));
        }
        let mut out: Vec<Device> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut patterns = std::collections::HashSet::new();
        let mut excluded: Vec<Exclusion> = Vec::new();
        let mut exclude = |d: &Device| match crate::catalog::precision::support(d, cost.precision) {
            Err(reason) if !excluded.iter().any(|e| e.hardware == d.name) => {
                excluded.push(Exclusion {
                    hardware: d.name.clone(),
                    region: None,
                    reason,
                });
                true
            }
            Err(_) => true,
            Ok(()) => false,
        };
        for item in list.get_ref() {
            let pattern = item.get_ref().trim();
            if !patterns.insert(pattern) {
                continue;
            }
            let at = item.span().start;
            let kind = match pattern {
                "*" => Some(None),
                "kind:gpu" => Some(Some(Kind::Gpu)),
                "kind:tpu" => Some(Some(Kind::Tpu)),
                "kind:cpu" => Some(Some(Kind::Cpu)),
                _ => None,
            };
            let picked: Vec<&Device> = match kind {
                // Patterns keep the devices whose runtime can be scaled.
                Some(k) => self
                    .catalog
                    .hardware
                    .iter()
                    .filter(|d| k.is_none_or(|k| d.kind == k))
                    .filter(|d| !exclude(d) && cost.multiplier(d).is_ok())
                    .collect(),
                None => {
                    let d = self
                        .catalog
                        .device(pattern)
                        .map_err(|e| self.err(at, e.to_string()))?;
                    if exclude(d) {
                        continue;
                    }
                    cost.multiplier(d).map_err(|m| self.err(at, m))?;
                    vec![d]
                }
            };
            if picked.is_empty() && kind.is_some() {
                return Err(self.err(
                    at,
                    format!(
                        "'{pattern}' matches no device whose runtime can be scaled at {}",
                        precision_name(cost.precision)
                    ),
                ));
            }
            for d in picked {
                if seen.insert(d.name.clone()) {
                    out.push(d.clone());
                }
            }
        }
        if out.is_empty() {
            let reasons: Vec<&str> = excluded.iter().map(|e| e.reason.as_str()).collect();
            return Err(self.err(
                list.span().start,
                format!(
                    "no candidate device can run {}: {}",
                    precision_name(cost.precision),
                    reasons.join("; ")
                ),
            ));
        }
        Ok((out, excluded))
    }

    /// The catalog for the grid year: `Options::year` (the command line),
    /// else `[regions] year`, else the catalog's own.
    fn year_catalog(&self, raw: &Spanned<RawRegions>, options: Options) -> Result<Catalog> {
        let raw = raw.get_ref();
        match (options.year, &raw.year) {
            (Some(y), _) => self.catalog.for_year(y),
            (None, Some(y)) => {
                let at = y.span().start;
                let year = u16::try_from(*y.get_ref())
                    .map_err(|_| self.err(at, "year must be a calendar year, e.g. 2024"))?;
                self.catalog
                    .for_year(year)
                    .map_err(|e| self.err(at, e.to_string()))
            }
            (None, None) => Ok(self.catalog.clone()),
        }
    }

    fn sites(&self, raw: Spanned<RawRegions>, catalog: &Catalog) -> Result<Vec<Region>> {
        let raw = raw.into_inner();
        let private_pue = match &raw.private_pue {
            None => PRIVATE_PUE,
            Some(p) if (1.0..=3.0).contains(p.get_ref()) => *p.get_ref(),
            Some(p) => {
                return Err(self.err(p.span().start, "private_pue must be within 1.0 to 3.0"))
            }
        };
        let list = raw.candidates;
        if list.get_ref().is_empty() {
            return Err(self.err(
                list.span().start,
                "[regions] candidates is empty; name at least one region, or \"*\"",
            ));
        }
        let mut out: Vec<Region> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut patterns = std::collections::HashSet::new();
        for item in list.get_ref() {
            let pattern = item.get_ref().trim();
            if !patterns.insert(pattern) {
                continue;
            }
            let at = item.span().start;
            let picked: Vec<Region> = if pattern == "*" {
                catalog.regions.clone()
            } else if let Some(code) = pattern.strip_prefix("country:") {
                let c = catalog
                    .country(code)
                    .map_err(|e| self.err(at, e.to_string()))?;
                vec![Region {
                    provider: "country".into(),
                    region: c.code.clone(),
                    name: c.name.clone(),
                    country: c.code.split('-').next().unwrap_or(&c.code).to_string(),
                    location: c.name.clone(),
                    intensity_g_per_kwh: c.intensity_g_per_kwh,
                    intensity_year: c.year,
                    intensity_source: c.source.clone(),
                    pue: private_pue,
                    pue_source: if raw.private_pue.is_some() {
                        "[regions] private_pue".into()
                    } else {
                        crate::estimate::PRIVATE_PUE_SOURCE.into()
                    },
                    offset_pct: 0.0,
                    grid_zone: c.grid_zone.clone(),
                    zone_source: format!("the grid of {}", c.code),
                    provider_intensity_g_per_kwh: None,
                    provider_intensity_year: None,
                    provider_intensity_basis: None,
                    provider_cfe_pct: None,
                }]
            } else if let Some(provider) = pattern.strip_suffix(":*") {
                let regions: Vec<Region> = catalog
                    .regions
                    .iter()
                    .filter(|r| r.provider.eq_ignore_ascii_case(provider))
                    .cloned()
                    .collect();
                if regions.is_empty() {
                    let providers = catalog.providers();
                    let hint = suggest::closest(provider, providers.iter().copied())
                        .map_or(String::new(), |s| format!(" (did you mean '{s}:*'?)"));
                    return Err(self.err(
                        at,
                        format!(
                            "unknown provider '{provider}'{hint}; the providers are {}",
                            providers.join(", ")
                        ),
                    ));
                }
                regions
            } else {
                vec![catalog
                    .region(pattern)
                    .map_err(|e| self.err(at, e.to_string()))?
                    .clone()]
            };
            for r in picked {
                if seen.insert((r.provider.clone(), r.region.clone())) {
                    out.push(r);
                }
            }
        }
        Ok(out)
    }
}

pub mod place;

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the scenario issue, verbatim.
    pub(crate) const EXAMPLE: &str = r#"
[scenario]
name = "ResNet-50 on ImageNet"
seed = 7

[space.learning_rate]
distribution = "log_uniform_values"
min = 1e-4
max = 1e-1
grid_points = 4            # levels grid search uses for a continuous parameter

[space.batch_size]
values = [256, 512, 1024]

[space.epochs]
values = [30, 60, 90]

[space.optimizer]
values = ["sgd", "lamb"]

[trial]
reference_hardware = "V100 SXM2 16GB"
hours = "3.2 * epochs / 90 * (256 / batch_size) ^ 0.1"  # wall-clock hours of one trial on the reference hardware
devices = 8                # devices per trial: a number or a formula
utilization = 0.8          # average draw as a fraction of TDP

[strategies.grid]

[strategies.random]
trials = 60                # or: target = { top_fraction = 0.05, confidence = 0.95 }

[strategies.hyperband]
resource = "epochs"        # the parameter used as the budget
max_resource = 81
eta = 3

[hardware]
candidates = ["V100 SXM2 16GB", "A100 SXM4 40GB", "H100 SXM"]   # or ["*"]

[regions]
candidates = ["gcp:*", "aws:us-east-1", "country:FR"]

[execution]
max_concurrent_devices = 64
"#;

    fn check(text: &str) -> Result<Scenario> {
        parse(
            Path::new("s.toml"),
            text,
            &Catalog::bundled().unwrap(),
            Options::default(),
        )
    }

    fn error(text: &str) -> String {
        check(text).unwrap_err().to_string()
    }

    #[test]
    fn regions_year_and_private_pue_match_estimate() {
        // country:FR gets the private-site PUE of `estimate --country` (1.56)
        // and France's 2025 figure (31 g/kWh); with `year = 2023`, 49 g/kWh
        // (Electricity Maps yearly_2023.json), as gcp:europe-west9 (Paris).
        let fr = |s: &Scenario| {
            s.sites
                .iter()
                .find(|r| r.provider == "country")
                .unwrap()
                .clone()
        };
        let s = check(EXAMPLE).unwrap();
        assert_eq!((fr(&s).pue, fr(&s).intensity_g_per_kwh), (1.56, 31.0));
        let text = EXAMPLE.replace(
            "candidates = [\"gcp:*\", \"aws:us-east-1\", \"country:FR\"]",
            "candidates = [\"gcp:*\", \"aws:us-east-1\", \"country:FR\"]\nyear = 2023",
        );
        let s = check(&text).unwrap();
        assert_eq!(
            (fr(&s).intensity_g_per_kwh, fr(&s).intensity_year),
            (49.0, 2023)
        );
        let paris = s.sites.iter().find(|r| r.region == "europe-west9").unwrap();
        assert_eq!(paris.intensity_g_per_kwh, 49.0);
        let e = error(&text.replace("year = 2023", "year = 2019"));
        assert!(e.contains("no grid data for 2019"), "{e}");
    }

    #[test]
    fn the_issue_example_parses() {
        let s = check(EXAMPLE).unwrap();
        assert_eq!(s.name, "ResNet-50 on ImageNet");
        assert_eq!(s.seed, 7);
        let names: Vec<&str> = s.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["learning_rate", "batch_size", "epochs", "optimizer"]
        );
        assert_eq!(s.strategies.len(), 3);
        // 4 × 3 × 3 × 2 = 72 grid trials.
        assert_eq!(space::count(&s.params, &s.strategies[0]), Ok(72));
        assert_eq!(s.hardware.len(), 3);
        assert!(s
            .sites
            .iter()
            .any(|r| r.provider == "country" && r.region == "FR"));
        assert_eq!(s.max_concurrent_devices, 64);
    }

    #[test]
    fn unknown_key_suggests_the_right_one() {
        let text = EXAMPLE.replace("grid_points = 4", "grid_point = 4");
        let e = error(&text);
        assert!(
            e.starts_with("s.toml:10:1: unknown key 'grid_point' (did you mean 'grid_points'?)"),
            "{e}"
        );
    }

    #[test]
    fn formula_errors_point_at_the_spot() {
        let text = EXAMPLE.replace("3.2 * epochs / 90", "3.2 * epoch / 90");
        let e = error(&text);
        // Line 23; the formula starts at column 10 (after `hours = "`), 'epoch' 6 chars in.
        assert!(
            e.starts_with("s.toml:23:16: in `hours`: unknown parameter 'epoch'"),
            "{e}"
        );
        assert!(e.contains("did you mean 'epochs'"), "{e}");
    }

    #[test]
    fn categorical_parameters_cannot_be_read() {
        let text = EXAMPLE.replace("3.2 * epochs / 90", "3.2 * optimizer / 90");
        assert!(error(&text).contains("'optimizer', which is categorical"));
    }

    #[test]
    fn min_not_below_max() {
        let text = EXAMPLE.replace("max = 1e-1", "max = 1e-5");
        let e = error(&text);
        assert!(
            e.starts_with("s.toml:8:7: parameter 'learning_rate' has min 0.0001 ≥ max 0.00001"),
            "{e}"
        );
    }

    #[test]
    fn large_grid_is_refused_with_its_size() {
        let text = EXAMPLE.replace("grid_points = 4", "grid_points = 2000000");
        let e = error(&text);
        assert!(e.contains("grid search would run 36,000,000 trials"), "{e}");
        let s = parse(
            Path::new("s.toml"),
            &text,
            &Catalog::bundled().unwrap(),
            Options {
                allow_large: true,
                any_hardware: false,
                ..Options::default()
            },
        );
        assert!(s.is_ok());
    }
}
