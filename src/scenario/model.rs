//! The modelling choices a scenario states: the quality target, parameter
//! roles, how adaptive strategies run (concurrent or sequential brackets,
//! ASHA, fidelity correlation) and how trials are dispatched.

use serde::Deserialize;
use toml::Spanned;

use super::{Checker, RawExecution, RawStrategies};
use crate::error::Result;
use crate::space::quality::Roles;
use crate::space::{Asha, Count, Domain, Level, Param, Strategy};
use crate::suggest;

/// How Hyperband's brackets share the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Brackets {
    /// All brackets at once, each with rung barriers (the default).
    #[default]
    Concurrent,
    /// One bracket after another (Li et al. 2017's loop).
    Sequential,
}

/// The order trials are handed to free devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dispatch {
    /// Generation order of a randomised sampler: the median (p50) over
    /// seeded permutations is the figure, p10 and p90 beside it (default).
    #[default]
    Random,
    /// Index (generation) order, exactly.
    Index,
    /// Longest processing time first: an optimistic bound.
    Lpt,
}

impl Dispatch {
    /// Its name in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Dispatch::Random => "random",
            Dispatch::Index => "index",
            Dispatch::Lpt => "lpt",
        }
    }
}

/// Default `[scenario] quality_target`.
pub const QUALITY_TARGET: f64 = 0.95;

/// Correlation between short and full-budget scores used to simulate which
/// configurations are promoted when the scenario states none: it decides
/// only which costs are charged, never the ranked quality.
pub const DEFAULT_COST_CORRELATION: f64 = 0.5;

/// The modelling choices of a scenario.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Model {
    /// `[scenario] quality_target`: strategies whose ranked quality is below
    /// it are `below_target` (default 0.95).
    pub quality_target: f64,
    /// Parameter roles in the quality model.
    pub roles: Roles,
    /// Each configuration runs this many times (`[trial] replicates`, times
    /// the levels of `role = "seed"` parameters outside grid search).
    pub replicates: u64,
    /// `[strategies.hyperband] brackets`.
    pub brackets: Brackets,
    /// `[strategies.hyperband] fidelity_correlation`.
    pub hyperband_fidelity: Option<f64>,
    /// `[strategies.asha] fidelity_correlation`.
    pub asha_fidelity: Option<f64>,
    /// `[execution] dispatch`.
    pub dispatch: Dispatch,
}

impl Model {
    /// The stated fidelity correlation of an adaptive strategy.
    pub fn fidelity(&self, strategy: &Strategy) -> Option<f64> {
        match strategy {
            Strategy::Hyperband { .. } => self.hyperband_fidelity,
            Strategy::Asha(_) => self.asha_fidelity,
            _ => None,
        }
    }

    /// Runs per configuration of a strategy: grid search enumerates seed
    /// parameters itself, other strategies repeat each configuration once
    /// per seed level.
    pub fn runs_per_config(&self, params: &[Param], strategy: &Strategy) -> u64 {
        if *strategy == Strategy::Grid {
            return self.replicates;
        }
        params
            .iter()
            .zip(&self.roles.seed)
            .filter(|(_, &s)| s)
            .fold(self.replicates, |acc, (p, _)| {
                acc.saturating_mul(p.grid_len().unwrap_or(1))
            })
    }
}

/// `continuous` and `role` of one parameter, as written.
pub(super) type RoleKeys = (Option<Spanned<bool>>, Option<Spanned<String>>);

/// `[strategies.asha]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAsha {
    resource: Spanned<String>,
    min_resource: Spanned<f64>,
    max_resource: Spanned<f64>,
    eta: Option<Spanned<i64>>,
    configurations: Option<Spanned<i64>>,
    target: Option<Spanned<super::RawTarget>>,
    brackets: Option<Spanned<i64>>,
    fidelity_correlation: Option<Spanned<f64>>,
}

impl Checker<'_> {
    /// The modelling choices of a scenario.
    pub(super) fn model(
        &self,
        (target, strategies, execution): (
            &Option<Spanned<f64>>,
            Option<&RawStrategies>,
            &RawExecution,
        ),
        roles: Roles,
        replicates: u64,
    ) -> Result<Model> {
        let quality_target = match target {
            None => QUALITY_TARGET,
            Some(p) if *p.get_ref() > 0.0 && *p.get_ref() <= 1.0 => *p.get_ref(),
            Some(p) => {
                return Err(self.err(
                    p.span().start,
                    format!(
                        "quality_target must be above 0 and at most 1, not {}",
                        p.get_ref()
                    ),
                ))
            }
        };
        let hyperband = strategies
            .and_then(|s| s.hyperband.as_ref())
            .map(|h| h.get_ref());
        let asha = strategies
            .and_then(|s| s.asha.as_ref())
            .map(|a| a.get_ref());
        let brackets = match hyperband {
            Some(h) => self.choice(
                &h.brackets,
                "brackets",
                &[
                    ("concurrent", Brackets::Concurrent),
                    ("sequential", Brackets::Sequential),
                ],
                Brackets::Concurrent,
            )?,
            None => Brackets::Concurrent,
        };
        let dispatch = self.choice(
            &execution.dispatch,
            "dispatch",
            &[
                ("random", Dispatch::Random),
                ("index", Dispatch::Index),
                ("lpt", Dispatch::Lpt),
            ],
            Dispatch::Random,
        )?;
        Ok(Model {
            quality_target,
            roles,
            replicates,
            brackets,
            hyperband_fidelity: match hyperband {
                Some(h) => self.correlation(&h.fidelity_correlation)?,
                None => None,
            },
            asha_fidelity: match asha {
                Some(a) => self.correlation(&a.fidelity_correlation)?,
                None => None,
            },
            dispatch,
        })
    }

    /// A correlation in [0, 1].
    pub(super) fn correlation(&self, v: &Option<Spanned<f64>>) -> Result<Option<f64>> {
        match v {
            None => Ok(None),
            Some(r) if (0.0..=1.0).contains(r.get_ref()) => Ok(Some(*r.get_ref())),
            Some(r) => Err(self.err(
                r.span().start,
                format!(
                    "fidelity_correlation must be between 0 and 1, not {}",
                    r.get_ref()
                ),
            )),
        }
    }

    /// One of a few names, with a "did you mean".
    pub(super) fn choice<T: Copy>(
        &self,
        v: &Option<Spanned<String>>,
        key: &str,
        choices: &[(&str, T)],
        default: T,
    ) -> Result<T> {
        let Some(v) = v else { return Ok(default) };
        if let Some((_, t)) = choices.iter().find(|(n, _)| *n == v.get_ref()) {
            return Ok(*t);
        }
        let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
        let hint = suggest::closest(v.get_ref(), names.iter().copied())
            .map_or(String::new(), |s| format!(" (did you mean '{s}'?)"));
        Err(self.err(
            v.span().start,
            format!(
                "{key} must be one of {}, not '{}'{hint}",
                names.join(", "),
                v.get_ref()
            ),
        ))
    }

    /// Roles of the parameters: `continuous = true`, `role = "seed"`.
    pub(super) fn roles(&self, raw: &[RoleKeys], params: &[Param]) -> Result<Roles> {
        let mut roles = Roles::plain(params.len());
        for (i, ((continuous, role), param)) in raw.iter().zip(params).enumerate() {
            let name = &param.name;
            if let Some(c) = continuous {
                let numeric_list = matches!(param.domain, Domain::Values(_)) && param.is_numeric();
                if !numeric_list {
                    return Err(self.err(
                        c.span().start,
                        format!("`continuous` applies only to numeric `values` lists ('{name}'); ranges are continuous already"),
                    ));
                }
                roles.continuous[i] = *c.get_ref();
            }
            roles.seed[i] =
                self.choice(role, "role", &[("seed", true), ("search", false)], false)?;
        }
        Ok(roles)
    }

    /// `[strategies.asha]`.
    pub(super) fn asha(&self, raw: &Spanned<RawAsha>, params: &[Param]) -> Result<Strategy> {
        let at = raw.span().start;
        let a = raw.get_ref();
        let resource = self.resource_param(&a.resource, params, "asha")?;
        let eta = match &a.eta {
            None => 4,
            Some(e) if (2..=1_000_000).contains(e.get_ref()) => *e.get_ref() as u32,
            Some(e) => {
                return Err(self.err(
                    e.span().start,
                    format!("asha eta must be at least 2, not {}", e.get_ref()),
                ))
            }
        };
        let (min, max) = (*a.min_resource.get_ref(), *a.max_resource.get_ref());
        if !(min > 0.0 && min.is_finite()) {
            return Err(self.err(
                a.min_resource.span().start,
                "asha min_resource must be positive",
            ));
        }
        if !(max >= min && max <= 1e12) {
            return Err(self.err(
                a.max_resource.span().start,
                "asha max_resource must be at least min_resource",
            ));
        }
        let brackets = match &a.brackets {
            None => 1,
            Some(b) if (1..=64).contains(b.get_ref()) => *b.get_ref() as u32,
            Some(b) => {
                return Err(self.err(b.span().start, "asha brackets must be between 1 and 64"))
            }
        };
        let configurations = match (&a.configurations, &a.target) {
            (Some(n), None) if *n.get_ref() >= 1 => Count::Trials(*n.get_ref() as u64),
            (Some(n), None) => {
                return Err(self.err(n.span().start, "asha: configurations must be at least 1"))
            }
            (None, Some(t)) => {
                let (q, p) = (t.get_ref().top_fraction, t.get_ref().confidence);
                if !(q > 0.0 && q < 1.0 && p > 0.0 && p < 1.0) {
                    return Err(self.err(t.span().start, "asha: target top_fraction and confidence must be between 0 and 1 (exclusive)"));
                }
                Count::Target { top_fraction: q, confidence: p }
            }
            (Some(n), Some(_)) => {
                return Err(self.err(n.span().start, "asha: give `configurations` or `target`, not both"))
            }
            (None, None) => {
                return Err(self.err(at, "asha needs `configurations = N` or `target = { top_fraction = 0.05, confidence = 0.95 }`"))
            }
        };
        if let Count::Trials(n) = configurations {
            if n > 100_000_000 {
                return Err(self.err(at, "asha configurations are limited to 100,000,000"));
            }
        }
        self.check_max_resource(resource, max, params, "asha");
        Ok(Strategy::Asha(Asha {
            resource,
            min_resource: min,
            max_resource: max,
            eta,
            configurations,
            brackets,
        }))
    }

    /// The resource parameter of an adaptive strategy: a numeric parameter.
    pub(super) fn resource_param(
        &self,
        name: &Spanned<String>,
        params: &[Param],
        strategy: &str,
    ) -> Result<usize> {
        let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        let Some(resource) = names.iter().position(|n| *n == name.get_ref()) else {
            let hint = suggest::closest(name.get_ref(), names.iter().copied())
                .map_or(String::new(), |s| format!(" (did you mean '{s}'?)"));
            return Err(self.err(
                name.span().start,
                format!("{strategy} resource '{}' is not a parameter of the space{hint}; the parameters are {}", name.get_ref(), names.join(", ")),
            ));
        };
        if !params[resource].is_numeric() {
            return Err(self.err(
                name.span().start,
                format!("{strategy} resource '{}' must be numeric", name.get_ref()),
            ));
        }
        Ok(resource)
    }

    /// Warn when `max_resource` is not the resource parameter's declared maximum.
    pub(super) fn check_max_resource(
        &self,
        resource: usize,
        max: f64,
        params: &[Param],
        strategy: &str,
    ) {
        let declared = match &params[resource].domain {
            Domain::Range { max, .. } => Some(*max),
            Domain::Values(v) => v
                .iter()
                .filter_map(|l| match l {
                    Level::Num(x) => Some(*x),
                    Level::Text(_) => None,
                })
                .reduce(f64::max),
            Domain::Constant(Level::Num(x)) => Some(*x),
            Domain::Constant(_) => None,
        };
        if let Some(d) = declared.filter(|d| (d - max).abs() > 1e-9 * d.abs().max(1.0)) {
            self.warn(format!(
                "{strategy} max_resource is {max} but parameter '{}' goes up to {d}: full-budget trials will run at {max}",
                params[resource].name
            ));
        }
    }

    /// Warn when a Sobol sample is not a power of two (its balance holds in blocks of 2^k).
    pub(super) fn check_sobol(&self, count: &Count) {
        if let Count::Trials(n) = count {
            if !n.is_power_of_two() {
                self.warn(format!(
                    "sobol trials = {n} is not a power of two: Sobol points are balanced in blocks of 2^k; use {} or {}",
                    n.next_power_of_two() / 2,
                    n.next_power_of_two()
                ));
            }
        }
    }

    fn warn(&self, message: String) {
        self.warnings.borrow_mut().push(message);
    }
}
