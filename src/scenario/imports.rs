//! `[import]`: a W&B or Hydra sweep file supplies the parameters and the
//! search method; the scenario may add or override `[space.X]` entries
//! (an entry with only `grid_points` adds grid levels to an imported
//! continuous parameter) and add `[strategies]`.
//!
//! The file's method becomes a strategy named `grid`, `random` or `bayes`;
//! W&B's `early_terminate` adds `<method>+hyperband` beside it. Runs come
//! from the file (`run_cap`, `n_trials`) or `[import] trials`; the length of
//! a full trial for early termination from `[import] iterations`.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use super::{Checker, Options, RawParam, GRID_LIMIT};
use crate::early_stop::Halving;
use crate::error::Result;
use crate::import::{self, Imported, Method, Source};
use crate::space::{self, Count, Domain, Param, Strategy};

/// `[import]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawImport {
    wandb: Option<Spanned<String>>,
    hydra: Option<Spanned<String>>,
    trials: Option<Spanned<i64>>,
    iterations: Option<Spanned<i64>>,
}

impl Checker<'_> {
    /// Read the imported file named by `[import]`.
    pub(super) fn import(&self, raw: &Spanned<RawImport>) -> Result<Imported> {
        let r = raw.get_ref();
        let (file, source) = match (&r.wandb, &r.hydra) {
            (Some(f), None) => (f, Source::Wandb),
            (None, Some(f)) => (f, Source::Hydra),
            (Some(_), Some(h)) => {
                return Err(self.err(
                    h.span().start,
                    "[import] takes `wandb` or `hydra`, not both",
                ))
            }
            (None, None) => {
                return Err(self.err(
                    raw.span().start,
                    "[import] needs `wandb = \"sweep.yaml\"` or `hydra = \"config.yaml\"`",
                ))
            }
        };
        let dir = self.path.parent().unwrap_or(std::path::Path::new("."));
        let path = dir.join(file.get_ref());
        if !path.is_file() {
            return Err(self.err(
                file.span().start,
                format!(
                    "cannot read '{}' (paths are relative to the scenario)",
                    path.display()
                ),
            ));
        }
        import::load(&path, source)
    }

    /// Imported parameters, with the scenario's `[space]` entries applied.
    pub(super) fn merge_space(
        &self,
        imported: &mut Imported,
        space: IndexMap<String, Spanned<RawParam>>,
    ) -> Result<Vec<Param>> {
        let mut params: Vec<Param> = imported.params.iter().map(|p| p.param.clone()).collect();
        for (name, raw) in space {
            let at = raw.span().start;
            let r = raw.get_ref();
            let only_grid = r.grid_points.is_some()
                && r.values.is_none()
                && r.value.is_none()
                && r.min.is_none()
                && r.max.is_none()
                && r.distribution.is_none()
                && r.q.is_none();
            let Some(k) = params.iter().position(|p| p.name == name) else {
                params.push(self.param(name, raw)?);
                continue;
            };
            if only_grid {
                let g = r.grid_points.as_ref().map_or(0, |g| *g.get_ref());
                match &mut params[k].domain {
                    Domain::Range { grid_points, .. } if (1..=i64::from(u32::MAX)).contains(&g) => {
                        *grid_points = Some(g as u32);
                    }
                    Domain::Range { .. } => {
                        return Err(self.err(at, "grid_points must be at least 1"))
                    }
                    _ => {
                        return Err(self.err(
                            at,
                            format!("'{name}' lists its values, so grid_points does not apply"),
                        ))
                    }
                }
            } else {
                params[k] = self.param(name, raw)?;
                // Overridden: export writes the new domain, not the file's.
                imported.params[k].spec = None;
            }
            imported.params[k].param = params[k].clone();
        }
        Ok(params)
    }

    /// The strategies the imported method stands for.
    pub(super) fn import_strategies(
        &self,
        imported: &Imported,
        raw: &Spanned<RawImport>,
        params: &[Param],
        options: Options,
    ) -> Result<Vec<Strategy>> {
        let r = raw.get_ref();
        let at = raw.span().start;
        let (runs_key, file) = match imported.source {
            Source::Wandb => ("run_cap", "the W&B sweep"),
            Source::Hydra => ("n_trials", "the Hydra sweeper"),
        };
        let scenario_trials = self.import_trials(imported, r, runs_key, file)?;
        let trials = imported.trials.or(scenario_trials);
        let base = match imported.method {
            Method::Grid => {
                let n = space::count(params, &Strategy::Grid).map_err(|m| {
                    self.err(
                        at,
                        format!("{m} (add `[space.NAME] grid_points = N` to the scenario)"),
                    )
                })?;
                match trials {
                    Some(cap) if cap < n => Strategy::CappedGrid(cap),
                    _ if n > GRID_LIMIT && !options.allow_large => {
                        return Err(self.err(at, format!("grid search would run {n} trials, more than the {GRID_LIMIT} allowed without --allow-large")))
                    }
                    _ => Strategy::Grid,
                }
            }
            method => {
                let Some(n) = trials else {
                    return Err(self.err(at, format!(
                        "{file} has no {runs_key}, so the number of {} runs is unknown: add `trials = N` to [import]",
                        method.name()
                    )));
                };
                if n > space::HARD_LIMIT {
                    return Err(self.err(
                        at,
                        format!("{n} runs is above the limit of {}", space::HARD_LIMIT),
                    ));
                }
                match method {
                    Method::Bayes => Strategy::Bayes(Count::Trials(n)),
                    _ => Strategy::Random(Count::Trials(n)),
                }
            }
        };
        let mut out = vec![base.clone()];
        if let Some(stop) = self.import_early_stop(imported, r, at, base)? {
            out.push(stop);
        }
        Ok(out)
    }

    /// `[import] trials`, checked against the file's own run count.
    fn import_trials(
        &self,
        imported: &Imported,
        r: &RawImport,
        runs_key: &str,
        file: &str,
    ) -> Result<Option<u64>> {
        match &r.trials {
            Some(t) if *t.get_ref() < 1 || *t.get_ref() as u64 > space::HARD_LIMIT => {
                Err(self.err(t.span().start, format!("[import] trials must be within 1 to {}", space::HARD_LIMIT)))
            }
            Some(t) if imported.trials.is_some() => {
                Err(self.err(t.span().start, format!("{file} already sets {runs_key} = {}; remove [import] trials or the file's {runs_key}", imported.trials.unwrap_or(0))))
            }
            Some(t) => Ok(Some(*t.get_ref() as u64)),
            None => Ok(None),
        }
    }

    /// Hyperband early stopping of the `base` strategy, when the W&B sweep
    /// has `early_terminate` (`[import] iterations` is then required, and
    /// refused otherwise).
    fn import_early_stop(
        &self,
        imported: &Imported,
        r: &RawImport,
        at: usize,
        base: Strategy,
    ) -> Result<Option<Strategy>> {
        if let Some(et) = &imported.early_terminate {
            let Some(iterations) = &r.iterations else {
                return Err(self.err(at, "the W&B sweep stops runs early (early_terminate), so the plan needs the iterations of a full run: add `iterations = N` to [import]"));
            };
            let n = *iterations.get_ref();
            if n < 1 {
                return Err(self.err(
                    iterations.span().start,
                    "[import] iterations must be at least 1",
                ));
            }
            let halving = Halving::new(et.min_iter, et.max_iter, et.s, et.eta, n as u64)
                .map_err(|m| self.err(iterations.span().start, m))?;
            Ok(Some(Strategy::EarlyStop(Box::new(base), halving)))
        } else if let Some(i) = &r.iterations {
            Err(self.err(
                i.span().start,
                "[import] iterations applies only to sweeps with early_terminate",
            ))
        } else {
            Ok(None)
        }
    }
}
