//! The whole-file check: each table's checker in turn, assembled into a
//! [`Scenario`].

use std::borrow::Cow;

use indexmap::IndexMap;
use toml::Spanned;

use super::baseline::RawBaseline;
use super::imports::RawImport;
use super::raw::{RawEmbodied, RawFile, RawParam, RawStrategies};
use super::{
    model, place, Checker, Exclusion, Options, Scenario, Window, MAX_CONCURRENT_DEVICES,
    TOP_FRACTION,
};
use crate::catalog::{Catalog, Device, Region};
use crate::cost::TrialCost;
use crate::embodied::Overrides;
use crate::error::{Error, Result};
use crate::import::Imported;
use crate::offer::SitePair;
use crate::space::quality::Roles;
use crate::space::{Param, Strategy};
use crate::sweep::execution::Execution;

/// A scenario checked up to its sites and run window: what the checks
/// after the hourly profiles are loaded need.
pub(super) struct Sited<'c> {
    name: String,
    seed: u64,
    top_fraction: f64,
    import: Option<Imported>,
    params: Vec<Param>,
    model: model::Model,
    execution: Execution,
    cost: TrialCost,
    work_at: (usize, usize),
    devices_at: (usize, usize),
    strategies: Vec<Strategy>,
    hardware: Vec<Device>,
    excluded: Vec<Exclusion>,
    /// The catalog of the scenario's grid year.
    pub catalog: Cow<'c, Catalog>,
    pub sites: Vec<Region>,
    places: Vec<place::Place>,
    pairs: Vec<SitePair>,
    left_out: Vec<crate::offer::LeftOut>,
    max_concurrent_devices: u32,
    /// The run window (profiles not yet loaded) and where `start` is.
    pub window: Option<(Window, usize)>,
    embodied: Option<Spanned<RawEmbodied>>,
    uncertainty: crate::uncertainty::spread::Raw,
    baseline: RawBaseline,
}

impl Checker<'_> {
    /// Every table up to the sites and the run window's keys.
    pub(super) fn sited(&self, raw: RawFile, options: Options) -> Result<Sited<'_>> {
        let seed = self.seed(raw.scenario.seed)?;
        let top_fraction = match raw.scenario.top_fraction {
            Some(q) => self.fraction(&q, "top_fraction")?,
            None => TOP_FRACTION,
        };
        let _ = raw.scenario.description;
        let mut import = raw.import.as_ref().map(|i| self.import(i)).transpose()?;
        let (params, roles) = self.space(raw.space, &mut import)?;
        let replicates = self.replicates(&raw.trial.get_ref().replicates)?;
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
        let devices_at = (raw.trial.get_ref().devices.as_ref()).map(|d| d.span().start);
        let (cost, work_at) = self.trial(raw.trial, &params)?;
        let strategies = self.all_strategies(
            (import.as_ref(), &raw.import),
            raw.strategies,
            &params,
            options,
        )?;
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
        let max_concurrent_devices =
            self.max_concurrent_devices(&raw.execution.max_concurrent_devices)?;
        self.devices_fit(&cost, devices_at, max_concurrent_devices)?;
        let devices_at = devices_at.map_or(work_at, |at| crate::error::line_col(self.text, at));
        let window = self.window(&raw.execution)?;
        Ok(Sited {
            name: raw.scenario.name,
            seed,
            top_fraction,
            import,
            params,
            model,
            execution,
            cost,
            work_at,
            devices_at,
            strategies,
            hardware,
            excluded,
            catalog,
            sites,
            places,
            pairs,
            left_out,
            max_concurrent_devices,
            window,
            embodied: raw.embodied,
            uncertainty: raw.uncertainty,
            baseline: raw.baseline,
        })
    }

    /// The tables checked after the hourly profiles are loaded (into
    /// `s.window`): `[embodied]`, `[uncertainty]`, `[baseline]`.
    pub(super) fn scenario(&self, s: Sited) -> Result<Scenario> {
        let window = s.window.map(|(w, _)| w);
        let embodied = self.embodied(s.embodied)?;
        let (uncertainty, note) = (s.uncertainty.check())
            .map_err(|(offset, m)| self.err(offset, m))?
            .resolve(&s.catalog, &s.sites, window.as_ref());
        self.warnings.borrow_mut().extend(note);
        let baseline = self.baseline(&s.baseline, &s.strategies, &s.hardware, &s.sites)?;
        Ok(Scenario {
            baseline,
            execution: s.execution,
            import: s.import,
            places: s.places,
            window,
            embodied,
            uncertainty,
            path: self.path.to_path_buf(),
            name: s.name,
            seed: s.seed,
            top_fraction: s.top_fraction,
            params: s.params,
            cost: s.cost,
            strategies: s.strategies,
            hardware: s.hardware,
            sites: s.sites,
            max_concurrent_devices: s.max_concurrent_devices,
            work_at: s.work_at,
            devices_at: s.devices_at,
            excluded: s.excluded,
            pairs: s.pairs,
            left_out: s.left_out,
            model: s.model,
            warnings: self.warnings.take(),
        })
    }

    /// `[space]` (merged into an imported file's space, if any) and each
    /// parameter's role keys.
    fn space(
        &self,
        mut space: IndexMap<String, Spanned<RawParam>>,
        import: &mut Option<Imported>,
    ) -> Result<(Vec<Param>, Roles)> {
        let mut params = Vec::with_capacity(space.len());
        let mut role_by_name: std::collections::HashMap<String, model::RoleKeys> = space
            .iter_mut()
            .map(|(name, p)| {
                let p = p.get_mut();
                (name.clone(), (p.continuous.take(), p.role.take()))
            })
            .collect();
        match import {
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
        Ok((params, roles))
    }

    /// `[scenario] seed`, zero or more (default 0).
    fn seed(&self, seed: Option<Spanned<i64>>) -> Result<u64> {
        Ok(match seed {
            Some(s) if *s.get_ref() < 0 => {
                return Err(self.err(s.span().start, "seed must be zero or more"))
            }
            Some(s) => *s.get_ref() as u64,
            None => 0,
        })
    }

    /// `[trial] replicates`, 1 to 1,000,000 (default 1).
    fn replicates(&self, replicates: &Option<Spanned<i64>>) -> Result<u64> {
        Ok(match replicates {
            None => 1,
            Some(r) if (1..=1_000_000).contains(r.get_ref()) => *r.get_ref() as u64,
            Some(r) => {
                return Err(self.err(r.span().start, "replicates must be between 1 and 1,000,000"))
            }
        })
    }

    /// The imported file's strategies, then `[strategies]`; a strategy
    /// given by both is an error.
    fn all_strategies(
        &self,
        (import, raw_import): (Option<&Imported>, &Option<Spanned<RawImport>>),
        raw: Option<Spanned<RawStrategies>>,
        params: &[Param],
        options: Options,
    ) -> Result<Vec<Strategy>> {
        let mut strategies = match (import, raw_import) {
            (Some(imported), Some(r)) => self.import_strategies(imported, r, params, options)?,
            _ => Vec::new(),
        };
        if import.is_none() || raw.is_some() {
            let at = self.text.find("[strategies").unwrap_or(0);
            for s in self.strategies(raw, params, options)? {
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
        Ok(strategies)
    }

    /// `[execution] max_concurrent_devices`, 1 to a million (default 8).
    fn max_concurrent_devices(&self, m: &Option<Spanned<i64>>) -> Result<u32> {
        Ok(match m {
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
        })
    }

    /// A constant `devices` (at `at`) above the cluster's devices, refused
    /// where it is written; a formula's values are checked as trials are
    /// evaluated.
    fn devices_fit(&self, cost: &TrialCost, at: Option<usize>, capacity: u32) -> Result<()> {
        let (Some(d), Some(at)) = (cost.devices.as_constant(), at) else {
            return Ok(());
        };
        if d == d.round() && d > f64::from(capacity) && d <= f64::from(u32::MAX) {
            return Err(self.err(at, crate::sweep::devices_above(d, capacity)));
        }
        Ok(())
    }

    /// `[embodied]`: overrides of the catalog's lifecycle figures.
    fn embodied(&self, raw: Option<Spanned<RawEmbodied>>) -> Result<Overrides> {
        let (embodied_at, e) = match raw {
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
        embodied.check().map_err(|e| match e {
            Error::Value { given, problem } => self.err(
                embodied_at,
                format!("[embodied] {} {problem}", given.name()),
            ),
            e => self.err(embodied_at, e.to_string()),
        })?;
        Ok(embodied)
    }

    pub(super) fn fraction(&self, v: &Spanned<f64>, what: &str) -> Result<f64> {
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
}
