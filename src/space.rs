//! Search spaces and the job sets search strategies draw from them.
//!
//! A [`JobSet`] is random-access: trial `i` is computed from `i` alone (a
//! mixed-radix decode for the grid, a generator seeded from `(seed, i)` for
//! random search, the `i`-th Sobol point, ...). Nothing is materialised, any
//! range of trials can be evaluated on any thread, and the result never
//! depends on the thread count.
//!
//! A trial is a row of `f64` slots, one per parameter in file order. A
//! numeric parameter's slot holds its value; a categorical one's holds the
//! index of its value (formulas cannot read categorical parameters).

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

pub mod asha;
pub mod dist;

use crate::early_stop::{Halving, Survival};
mod chacha;
mod jobset;
pub mod quality;
mod sampler;
pub mod subset;

use sampler::Sampler;

pub use asha::Asha;
pub use jobset::{
    count, limit, JobSet, ASHA_LIMIT, HARD_LIMIT, LHS_LIMIT, RANDOM_LIMIT, SOBOL_LIMIT,
    SOBOL_MAX_PARAMS,
};

/// One value of a `values` list.
#[derive(Debug, Clone, PartialEq)]
pub enum Level {
    /// A number.
    Num(f64),
    /// A category: a string.
    Text(String),
    /// A category: a boolean.
    Bool(bool),
    /// A category: null (None in Python).
    Null,
    /// A category: a list or mapping, as compact JSON text.
    Raw(String),
}

impl Level {
    /// The level as JSON text: numbers, strings, booleans and null keep
    /// their types; lists and mappings are written as they were read.
    pub fn json(&self) -> String {
        match self {
            Level::Num(x) if x.is_finite() => x.to_string(),
            Level::Num(_) | Level::Null => "null".into(),
            Level::Text(t) => serde_json::to_string(t).unwrap_or_default(),
            Level::Bool(b) => b.to_string(),
            Level::Raw(r) => r.clone(),
        }
    }

    /// The level as plain text (a CSV cell): strings unquoted, null empty.
    pub fn text(&self) -> String {
        match self {
            Level::Text(t) => t.clone(),
            Level::Null => String::new(),
            other => other.json(),
        }
    }
}

/// How a `min`/`max` parameter is distributed (Weights & Biases names).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Distribution {
    /// `uniform`: real numbers, uniform on [min, max].
    Uniform,
    /// `int_uniform`: integers, uniform on {min, ..., max}.
    IntUniform,
    /// `q_uniform`: uniform, rounded to a multiple of q.
    QUniform(f64),
    /// `log_uniform_values`: log-uniform on [min, max].
    LogUniform,
    /// `q_log_uniform_values`: log-uniform, rounded to a multiple of q.
    QLogUniform(f64),
    /// `normal`, `log_normal`, `beta` and their `q_` variants (see [`dist`]);
    /// `min` and `max` of such a range are its 0.1% and 99.9% quantiles,
    /// for display only.
    Shaped(dist::Shaped),
}

/// The values a parameter may take.
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    /// `value`: a constant.
    Constant(Level),
    /// `values`: a list, numeric or categorical.
    Values(Vec<Level>),
    /// `min`/`max` with a distribution; `grid_points` levels for grid search.
    Range {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
        /// Distribution.
        distribution: Distribution,
        /// Levels grid search uses (required for continuous distributions).
        grid_points: Option<u32>,
    },
}

/// A named hyperparameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Name, as in the scenario file.
    pub name: String,
    /// Its values.
    pub domain: Domain,
}

impl Param {
    /// Can formulas read this parameter? (Not if any of its values is text.)
    pub fn is_numeric(&self) -> bool {
        match &self.domain {
            Domain::Constant(l) => matches!(l, Level::Num(_)),
            Domain::Values(v) => v.iter().all(|l| matches!(l, Level::Num(_))),
            Domain::Range { .. } => true,
        }
    }

    /// Slot value of a level: the number, or the index of a category.
    fn slot(levels: &[Level], index: usize) -> f64 {
        match &levels[index] {
            Level::Num(x) => *x,
            _ => index as f64,
        }
    }

    /// The text of a slot value, for `expand` output.
    pub fn label(&self, slot: f64) -> Level {
        let pick = |levels: &[Level]| match levels.get(slot as usize) {
            Some(Level::Num(_)) | None => Level::Num(slot),
            Some(other) => other.clone(),
        };
        match &self.domain {
            Domain::Constant(l) => l.clone(),
            Domain::Values(v) if !self.is_numeric() => pick(v),
            _ => Level::Num(slot),
        }
    }

    /// Number of grid levels, computed without listing them.
    pub fn grid_len(&self) -> Result<u64, String> {
        // Level counts of ranges are computed in f64 and checked before any
        // conversion: a range of 2e19 integers must not wrap to 0 levels.
        let n: f64 = match &self.domain {
            Domain::Constant(_) => 1.0,
            Domain::Values(v) => v.len() as f64,
            Domain::Range { min, max, distribution, grid_points } => match (distribution, grid_points) {
                (_, Some(n)) => f64::from(*n),
                (Distribution::IntUniform, None) => max.floor() - min.ceil() + 1.0,
                (Distribution::QUniform(q), None) => q_steps(*max, *q).floor() - q_steps(*min, *q).ceil() + 1.0,
                _ => {
                    return Err(format!(
                        "parameter '{}' is continuous: grid search needs `grid_points` (the number of levels to try)",
                        self.name
                    ))
                }
            },
        };
        if n.is_nan() || n > MAX_LEVELS as f64 {
            return Err(format!(
                "parameter '{}' has {} grid levels; grid search takes at most {MAX_LEVELS} per parameter \
                 (lower grid_points, or narrow the range)",
                self.name,
                if n.is_finite() { format!("{n:.0}") } else { "too many".to_string() }
            ));
        }
        let n = n.max(0.0) as u64;
        // Rounding to q can merge neighbouring levels: count what remains.
        match &self.domain {
            Domain::Range {
                distribution:
                    Distribution::QUniform(_)
                    | Distribution::QLogUniform(_)
                    | Distribution::IntUniform
                    | Distribution::Shaped(_),
                grid_points: Some(_),
                ..
            } => Ok(self.grid_levels().len() as u64),
            _ => Ok(n),
        }
    }

    /// The slot values grid search tries, in increasing order for ranges.
    /// Only called after `grid_len` succeeded and the grid size was checked.
    pub fn grid_levels(&self) -> Vec<f64> {
        match &self.domain {
            Domain::Constant(l) => vec![Param::slot(std::slice::from_ref(l), 0)],
            Domain::Values(v) => (0..v.len()).map(|i| Param::slot(v, i)).collect(),
            Domain::Range {
                min,
                max,
                distribution,
                grid_points,
            } => {
                let (min, max) = (*min, *max);
                let n = grid_points.unwrap_or(0);
                match (distribution, grid_points) {
                    (Distribution::IntUniform, None) => {
                        let lo = min.ceil();
                        (0..self.grid_len().unwrap_or(0))
                            .map(|k| lo + k as f64)
                            .collect()
                    }
                    (Distribution::QUniform(q), None) => {
                        let lo = q_steps(min, *q).ceil();
                        (0..self.grid_len().unwrap_or(0))
                            .map(|k| (lo + k as f64) * q)
                            .collect()
                    }
                    (Distribution::Shaped(d), Some(n)) => d.grid(*n),
                    (Distribution::LogUniform | Distribution::QLogUniform(_), Some(_)) => {
                        let levels =
                            spaced(min.ln(), max.ln(), n).map(|l| round_significant(l.exp(), 12));
                        snap(levels, distribution)
                    }
                    _ => snap(spaced(min, max, n), distribution),
                }
            }
        }
    }

    /// Does grid search try every value this parameter can take?
    pub fn grid_is_exhaustive(&self) -> bool {
        match &self.domain {
            Domain::Constant(_) | Domain::Values(_) => true,
            Domain::Range {
                distribution,
                grid_points,
                ..
            } => {
                grid_points.is_none()
                    && matches!(
                        distribution,
                        Distribution::IntUniform | Distribution::QUniform(_)
                    )
            }
        }
    }

    /// The slot value at quantile `u` in [0, 1): inverse-CDF sampling.
    pub fn sample(&self, u: f64) -> f64 {
        match &self.domain {
            Domain::Constant(l) => Param::slot(std::slice::from_ref(l), 0),
            Domain::Values(v) => Param::slot(v, ((u * v.len() as f64) as usize).min(v.len() - 1)),
            Domain::Range {
                min,
                max,
                distribution,
                ..
            } => {
                let (min, max) = (*min, *max);
                match *distribution {
                    Distribution::Uniform => min + u * (max - min),
                    Distribution::IntUniform => {
                        let (lo, hi) = (min.ceil(), max.floor());
                        (lo + (u * (hi - lo + 1.0)).floor()).min(hi)
                    }
                    Distribution::QUniform(q) => round_to(min + u * (max - min), q),
                    Distribution::LogUniform => (min.ln() + u * (max.ln() - min.ln())).exp(),
                    Distribution::QLogUniform(q) => {
                        round_to((min.ln() + u * (max.ln() - min.ln())).exp(), q)
                    }
                    Distribution::Shaped(d) => d.ppf(u),
                }
            }
        }
    }
}

/// `n` evenly spaced points from `a` to `b` inclusive; one point is the midpoint.
fn spaced(a: f64, b: f64, n: u32) -> impl Iterator<Item = f64> {
    (0..n).map(move |k| {
        if n == 1 {
            (a + b) / 2.0
        } else {
            a + (b - a) * f64::from(k) / f64::from(n - 1)
        }
    })
}

/// Round grid levels to the distribution's lattice, dropping repeats.
fn snap(levels: impl Iterator<Item = f64>, distribution: &Distribution) -> Vec<f64> {
    let mut out: Vec<f64> = levels
        .map(|x| match *distribution {
            Distribution::IntUniform => x.round(),
            Distribution::QUniform(q) | Distribution::QLogUniform(q) => round_to(x, q),
            _ => x,
        })
        .collect();
    out.dedup();
    out
}

/// `x` rounded to `digits` significant digits: log-spaced levels computed
/// through exp(ln x) come out as 0.009999999999999998; this gives 0.01.
fn round_significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    if scale.is_finite() && scale > 0.0 {
        (x * scale).round() / scale
    } else {
        x
    }
}

/// x / q, snapped to the nearest whole number when within floating-point
/// noise of it (0.5 / 0.1 is 5, not 5.000000000000001).
pub fn q_steps(x: f64, q: f64) -> f64 {
    let steps = x / q;
    let whole = steps.round();
    if (steps - whole).abs() < 1e-9 * whole.abs().max(1.0) {
        whole
    } else {
        steps
    }
}

/// `x` rounded to the nearest multiple of `q` (W&B's q_ distributions).
fn round_to(x: f64, q: f64) -> f64 {
    (x / q).round() * q
}

/// Most grid levels one parameter may have (their values are held in memory:
/// 80 MB at most).
pub const MAX_LEVELS: u64 = 10_000_000;

/// How many trials a sampled strategy draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Count {
    /// `trials = N`.
    Trials(u64),
    /// `target = { top_fraction, confidence }`.
    Target {
        /// Fraction q of the space counted as "good".
        top_fraction: f64,
        /// Probability p of drawing at least one good trial.
        confidence: f64,
    },
}

/// A search strategy, as configured.
#[derive(Debug, Clone, PartialEq)]
pub enum Strategy {
    /// The Cartesian product of every parameter's grid levels.
    Grid,
    /// Independent uniform draws through each parameter's inverse CDF.
    Random(Count),
    /// Owen-scrambled Sobol points.
    Sobol(Count),
    /// A Latin hypercube: each parameter's range cut in N strata, one draw per stratum.
    LatinHypercube(Count),
    /// W&B's `bayes`: planned as its N trials, drawn as random search draws
    /// them (a Bayesian optimiser's proposals depend on results unknown
    /// before the run).
    Bayes(Count),
    /// A grid cut to its first `cap` trials (W&B's `run_cap` on a grid).
    CappedGrid(u64),
    /// Another strategy whose runs are stopped early by W&B's Hyperband
    /// rule (see [`crate::early_stop`]); named `<strategy>+hyperband`.
    EarlyStop(Box<Strategy>, Halving),
    /// Hyperband (Li et al. 2017) over a resource parameter.
    Hyperband {
        /// Slot of the resource parameter.
        resource: usize,
        /// R: the largest budget one configuration gets.
        max_resource: f64,
        /// eta: the halving rate.
        eta: u32,
        /// Charge a promoted configuration only its extra budget.
        resume: bool,
    },
    /// Asynchronous successive halving (Li et al. 2020), see [`asha`].
    Asha(Asha),
}

impl Strategy {
    /// The strategy's name in scenario files and outputs.
    pub fn name(&self) -> &'static str {
        match self {
            Strategy::Grid => "grid",
            Strategy::Random(_) => "random",
            Strategy::Sobol(_) => "sobol",
            Strategy::LatinHypercube(_) => "latin_hypercube",
            Strategy::Hyperband { .. } => "hyperband",
            Strategy::Bayes(_) => "bayes",
            Strategy::CappedGrid(_) => "grid",
            Strategy::EarlyStop(base, _) => match base.name() {
                "grid" => "grid+hyperband",
                "random" => "random+hyperband",
                "bayes" => "bayes+hyperband",
                _ => "early-stopped",
            },
            Strategy::Asha(_) => "asha",
        }
    }

    /// Slot of the resource parameter of an adaptive strategy.
    pub fn resource(&self) -> Option<usize> {
        match self {
            Strategy::Hyperband { resource, .. } => Some(*resource),
            Strategy::Asha(a) => Some(a.resource),
            _ => None,
        }
    }
}

/// Random search trials for a target: N = ceil(ln(1 − p) / ln(1 − q)).
/// q = 0.05, p = 0.95: ln 0.05 / ln 0.95 = 58.4, so 59.
pub fn random_trials_for(top_fraction: f64, confidence: f64) -> u64 {
    ceil_exact((1.0 - confidence).ln() / (1.0 - top_fraction).ln())
}

/// Latin hypercube trials for a target: the random-search count, since the
/// quality displayed (and ranked) for quasi-random designs is the i.i.d.
/// lower bound (see [`quality()`]): 59 for q = 0.05, p = 0.95.
pub fn lhs_trials_for(top_fraction: f64, confidence: f64) -> u64 {
    random_trials_for(top_fraction, confidence)
}

/// Sobol trials for a target: the power of two at or above the
/// random-search count, since Sobol points are balanced in blocks of 2^k
/// (64 for q = 0.05, p = 0.95; 256 for p = 0.999).
pub fn sobol_trials_for(top_fraction: f64, confidence: f64) -> u64 {
    random_trials_for(top_fraction, confidence).next_power_of_two()
}

/// Rungs and full budget of an adaptive strategy (Hyperband, ASHA).
pub fn adaptive_rungs(_params: &[Param], strategy: &Strategy) -> Option<(Vec<Rung>, f64)> {
    match strategy {
        Strategy::Hyperband {
            max_resource, eta, ..
        } => Some((hyperband_rungs(*max_resource, *eta), *max_resource)),
        Strategy::Asha(a) => Some((a.rungs(), a.max_resource)),
        _ => None,
    }
}

/// Ceiling that forgives floating-point noise (40.000000000000007 → 40).
/// Counts too large for u64 (a target with q = 1e-300 asks for infinitely
/// many trials) saturate to u64::MAX, which every limit then refuses.
fn ceil_exact(x: f64) -> u64 {
    if !x.is_finite() || x >= 1e18 {
        return u64::MAX;
    }
    let r = x.round();
    if (x - r).abs() < 1e-9 * r.max(1.0) {
        r as u64
    } else {
        x.ceil() as u64
    }
}

/// Probability that n independent uniform trials include one in the best
/// fraction q: 1 − (1 − q)^n.
pub fn hit_probability(top_fraction: f64, n: f64) -> f64 {
    1.0 - (1.0 - top_fraction).powf(n)
}

/// One rung of a Hyperband bracket.
#[derive(Debug, Clone, PartialEq)]
pub struct Rung {
    /// Bracket s (s_max first).
    pub bracket: u32,
    /// Rung i within the bracket (0 first).
    pub rung: u32,
    /// Configurations evaluated in this rung.
    pub configs: u64,
    /// Budget each gets, in resource units.
    pub resource: f64,
    /// Budget they already had in the previous rung (0 for rung 0).
    pub previous_resource: f64,
    /// Global id of the bracket's first configuration.
    pub first_config: u64,
    /// Index of this rung's first trial in the job set.
    pub first_trial: u64,
}

/// Hyperband's brackets and rungs for R and eta.
///
/// s_max is the largest s with eta^s ≤ R, found with integer arithmetic.
/// Bracket s starts n_s = ceil((s_max + 1) / (s + 1) × eta^s) configurations
/// at r_s = R × eta^(−s); rung i keeps floor(n_s × eta^(−i)) of them at
/// r_s × eta^i. R = 81, eta = 3 gives 143 configurations in 5 brackets.
pub fn hyperband_rungs(max_resource: f64, eta: u32) -> Vec<Rung> {
    let eta64 = u64::from(eta.max(2));
    let mut s_max = 0u32;
    let mut power = 1u64;
    while let Some(next) = power.checked_mul(eta64) {
        if next as f64 > max_resource {
            break;
        }
        power = next;
        s_max += 1;
    }
    let mut rungs = Vec::new();
    for s in (0..=s_max).rev() {
        let eta_s = eta64.pow(s);
        // ceil((s_max + 1) × eta^s / (s + 1)) in integers.
        let n = (u64::from(s_max + 1) * eta_s).div_ceil(u64::from(s + 1));
        let r = max_resource / eta_s as f64;
        let budgets = (0..=s).map(|i| r * eta64.pow(i) as f64);
        push_bracket(&mut rungs, s, n, eta64, budgets);
    }
    rungs
}

/// Append bracket `bracket` of `n` configurations: rung k keeps
/// floor(n / eta^k) of them at the k-th of `budgets`. Configurations and
/// trials are numbered on from the rungs already in `rungs`.
fn push_bracket(
    rungs: &mut Vec<Rung>,
    bracket: u32,
    n: u64,
    eta: u64,
    budgets: impl Iterator<Item = f64>,
) {
    let (first_config, mut first_trial) = match rungs.last() {
        // Rung 0 of the previous bracket (rungs count up from 0) holds all
        // its configurations.
        Some(last) => (
            last.first_config + rungs[rungs.len() - 1 - last.rung as usize].configs,
            last.first_trial + last.configs,
        ),
        None => (0, 0),
    };
    let mut previous = 0.0;
    for (k, resource) in budgets.enumerate() {
        let configs = eta.checked_pow(k as u32).map_or(0, |d| n / d);
        rungs.push(Rung {
            bracket,
            rung: k as u32,
            configs,
            resource,
            previous_resource: previous,
            first_config,
            first_trial,
        });
        first_trial += configs;
        previous = resource;
    }
}

/// What `JobSet::trial` says about a trial besides its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TrialInfo {
    /// Hyperband bracket and rung, when the strategy has them.
    pub bracket_rung: Option<(u32, u32)>,
    /// The configuration id (equal to the trial index outside Hyperband).
    pub config: u64,
    /// Resource already spent by this configuration in earlier rungs, to be
    /// subtracted from the cost when resuming (Hyperband with `resume`).
    pub resumed_from: Option<f64>,
    /// Share of its full work the trial runs before it is stopped early,
    /// and the iterations it runs (W&B's Hyperband early termination).
    pub stopped: Option<(f64, u64)>,
}

/// The ranked quality of a strategy with plain roles and no fidelity
/// model (see [`quality::of`] for the interval and its labels).
pub fn quality(params: &[Param], strategy: &Strategy, trials: u64, top_fraction: f64) -> f64 {
    quality::of(
        params,
        &quality::Roles::plain(params.len()),
        strategy,
        trials,
        top_fraction,
        None,
    )
    .ranked
}

#[cfg(test)]
mod tests;
