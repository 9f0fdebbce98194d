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
pub mod quality;
mod sampler;

use sampler::Sampler;

pub use asha::Asha;

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
    let (mut first_config, mut first_trial) = (0u64, 0u64);
    for s in (0..=s_max).rev() {
        let eta_s = eta64.pow(s);
        // ceil((s_max + 1) × eta^s / (s + 1)) in integers.
        let n = (u64::from(s_max + 1) * eta_s).div_ceil(u64::from(s + 1));
        let r = max_resource / eta_s as f64;
        let mut previous = 0.0;
        for i in 0..=s {
            let configs = n / eta64.pow(i);
            let resource = r * eta64.pow(i) as f64;
            rungs.push(Rung {
                bracket: s,
                rung: i,
                configs,
                resource,
                previous_resource: previous,
                first_config,
                first_trial,
            });
            first_trial += configs;
            previous = resource;
        }
        first_config += n;
    }
    rungs
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

/// A strategy applied to a space: a random-access list of trials.
#[derive(Debug, Clone)]
pub struct JobSet<'a> {
    params: &'a [Param],
    seed: u64,
    /// ChaCha8 keyed by the seed; each trial clones it onto its own stream.
    base: ChaCha8Rng,
    /// The same key, for drawing a trial's words block by block.
    key: chacha::Key,
    /// Each parameter's sampler, its constants worked out once.
    samplers: Vec<Sampler>,
    plan: Plan,
    len: u64,
    /// Early termination: which trials stop where.
    survival: Option<Survival>,
}

#[derive(Debug, Clone)]
enum Plan {
    /// Levels per parameter; trial i is i in mixed radix, last parameter fastest.
    Grid(Vec<Vec<f64>>),
    Random,
    Sobol,
    /// One permutation of strata per parameter.
    LatinHypercube(Vec<Vec<u32>>),
    Hyperband {
        rungs: Vec<Rung>,
        resource: usize,
        resume: bool,
    },
}

/// Largest job set evaluated or expanded, even with `--allow-large` (a
/// grid's factored sub-grid included): each evaluated trial's cost is held
/// in memory. 10^9 took minutes and 12 GB; 10^6 stays within seconds and
/// a few hundred MB even on a slow, shared machine.
pub const HARD_LIMIT: u64 = 1_000_000;

/// Most parameters of a Sobol design (dimensions of `sobol_burley`).
pub const SOBOL_MAX_PARAMS: usize = sobol_burley::NUM_DIMENSIONS as usize;

/// Largest Sobol design: `sobol_burley` computes 2^16 points per sequence.
pub const SOBOL_LIMIT: u64 = 1 << 16;

/// Largest Latin hypercube (its strata permutations are held in memory).
pub const LHS_LIMIT: u64 = 1_000_000;

/// Number of trials of a strategy over a space, without expanding it.
/// `Err` when it cannot be counted (a continuous parameter with no
/// grid_points) or overflows u64.
pub fn count(params: &[Param], strategy: &Strategy) -> Result<u64, String> {
    match strategy {
        Strategy::Grid => params.iter().try_fold(1u64, |acc, p| {
            let n = p.grid_len()?;
            acc.checked_mul(n).ok_or_else(|| {
                "the grid has more than 18,446,744,073,709,551,615 trials".to_string()
            })
        }),
        Strategy::Random(c) | Strategy::Bayes(c) => Ok(sampled(*c, random_trials_for)),
        Strategy::CappedGrid(cap) => Ok(count(params, &Strategy::Grid)?.min(*cap)),
        Strategy::EarlyStop(base, _) => count(params, base),
        Strategy::LatinHypercube(c) => Ok(sampled(*c, lhs_trials_for)),
        Strategy::Sobol(c) => Ok(sampled(*c, sobol_trials_for)),
        Strategy::Hyperband { .. } | Strategy::Asha(_) => Ok(adaptive_rungs(params, strategy)
            .map_or(0, |(rungs, _)| rungs.iter().map(|r| r.configs).sum())),
    }
}

fn sampled(count: Count, target: fn(f64, f64) -> u64) -> u64 {
    match count {
        Count::Trials(n) => n,
        Count::Target {
            top_fraction,
            confidence,
        } => target(top_fraction, confidence),
    }
}

impl<'a> JobSet<'a> {
    /// The job set of `strategy` over `params`. The caller has checked the
    /// size with [`count`]; this only builds the small per-strategy tables.
    pub fn new(params: &'a [Param], strategy: &Strategy, seed: u64) -> Result<JobSet<'a>, String> {
        let len = count(params, strategy)?;
        if len > HARD_LIMIT {
            return Err(format!(
                "{} has {len} trials, above the hard limit of {HARD_LIMIT}",
                strategy.name()
            ));
        }
        let plan = match strategy {
            Strategy::Grid | Strategy::CappedGrid(_) => {
                Plan::Grid(params.iter().map(Param::grid_levels).collect())
            }
            Strategy::Random(_) | Strategy::Bayes(_) => Plan::Random,
            Strategy::EarlyStop(base, halving) => {
                let mut set = JobSet::new(params, base, seed)?;
                set.survival = Some(halving.survival(set.len));
                return Ok(set);
            }
            Strategy::Sobol(_) => {
                if params.len() > sobol_burley::NUM_DIMENSIONS as usize {
                    return Err(format!(
                        "sobol supports at most {} parameters",
                        sobol_burley::NUM_DIMENSIONS
                    ));
                }
                if len > SOBOL_LIMIT {
                    return Err(format!(
                        "sobol has {len} trials; sobol supports at most {SOBOL_LIMIT}"
                    ));
                }
                Plan::Sobol
            }
            Strategy::LatinHypercube(_) => {
                if len > LHS_LIMIT {
                    return Err(format!(
                        "latin_hypercube supports at most {LHS_LIMIT} trials"
                    ));
                }
                Plan::LatinHypercube(lhs_strata(params.len(), len, seed))
            }
            Strategy::Hyperband {
                resource,
                max_resource,
                eta,
                resume,
            } => Plan::Hyperband {
                rungs: hyperband_rungs(*max_resource, *eta),
                resource: *resource,
                resume: *resume,
            },
            Strategy::Asha(a) => Plan::Hyperband {
                rungs: a.rungs(),
                resource: a.resource,
                resume: true,
            },
        };
        Ok(JobSet {
            params,
            seed,
            base: ChaCha8Rng::seed_from_u64(seed),
            key: chacha::Key::from_seed(seed),
            samplers: params.iter().map(Sampler::of).collect(),
            plan,
            len,
            survival: None,
        })
    }

    /// The grid restricted to the parameters in `used`; every other
    /// parameter is held at its first level. Returns the sub-grid and how
    /// many trials of the full grid each of its trials stands for (the
    /// product of the other parameters' level counts).
    ///
    /// When the cost formulas read only some parameters, every trial that
    /// differs only in the others costs the same: evaluating the sub-grid
    /// once per combination, weighted by this multiplicity, gives exactly
    /// the full grid's totals, without visiting its trials.
    pub fn grid_factored(params: &'a [Param], used: &[bool]) -> Result<(JobSet<'a>, u64), String> {
        let full = count(params, &Strategy::Grid)?;
        let mut levels = Vec::with_capacity(params.len());
        let mut multiplicity = 1u64;
        for (p, &u) in params.iter().zip(used) {
            let lv = p.grid_levels();
            if u {
                levels.push(lv);
            } else {
                multiplicity = multiplicity.saturating_mul(lv.len() as u64);
                levels.push(lv.into_iter().take(1).collect());
            }
        }
        let sub: u64 = levels.iter().map(|l| l.len() as u64).product();
        if sub > HARD_LIMIT {
            return Err(format!(
                "the grid's cost formulas read parameters with {sub} combinations, above the limit of {HARD_LIMIT}; use random search"
            ));
        }
        let len = full / multiplicity.max(1);
        Ok((
            JobSet {
                params,
                seed: 0,
                base: ChaCha8Rng::seed_from_u64(0),
                key: chacha::Key::from_seed(0),
                samplers: Vec::new(),
                plan: Plan::Grid(levels),
                len,
                survival: None,
            },
            multiplicity,
        ))
    }

    /// Number of trials.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Is the job set empty?
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The parameters, in file order.
    pub fn params(&self) -> &[Param] {
        self.params
    }

    /// The Hyperband rungs, if this is a Hyperband job set.
    pub fn rungs(&self) -> Option<&[Rung]> {
        match &self.plan {
            Plan::Hyperband { rungs, .. } => Some(rungs),
            _ => None,
        }
    }

    /// Write trial `index`'s slot values into `slots` (one per parameter).
    pub fn trial(&self, index: u64, slots: &mut [f64]) -> TrialInfo {
        let mut info = TrialInfo {
            config: index,
            stopped: self.survival.as_ref().map(|s| s.stop(index)),
            ..TrialInfo::default()
        };
        match &self.plan {
            Plan::Grid(levels) => {
                let mut rest = index;
                for (slot, lv) in slots.iter_mut().zip(levels).rev() {
                    let n = lv.len() as u64;
                    *slot = lv[(rest % n) as usize];
                    rest /= n;
                }
            }
            Plan::Random => self.draw(index, slots),
            Plan::Sobol => {
                for (d, (slot, p)) in slots.iter_mut().zip(&self.samplers).enumerate() {
                    let u = sobol_burley::sample(index as u32, d as u32, sobol_seed(self.seed));
                    *slot = p.sample(f64::from(u));
                }
            }
            Plan::LatinHypercube(strata) => {
                let mut rng = self.stream(index);
                let n = self.len as f64;
                for ((slot, p), perm) in slots.iter_mut().zip(&self.samplers).zip(strata) {
                    let u = (f64::from(perm[index as usize]) + unit(&mut rng)) / n;
                    *slot = p.sample(u);
                }
            }
            Plan::Hyperband {
                rungs,
                resource,
                resume,
            } => {
                let at = rungs.partition_point(|r| r.first_trial <= index) - 1;
                let rung = &rungs[at];
                // Promoted configurations are taken to be the bracket's first
                // ones: which survive depends on results unknown before the run.
                let config = rung.first_config + (index - rung.first_trial);
                self.draw(config, slots);
                slots[*resource] = rung.resource;
                info.config = config;
                info.bracket_rung = Some((rung.bracket, rung.rung));
                if *resume && rung.rung > 0 {
                    info.resumed_from = Some(rung.previous_resource);
                }
            }
        }
        info
    }

    /// The generator of one trial (see [`stream`]), without re-keying.
    fn stream(&self, index: u64) -> ChaCha8Rng {
        let mut rng = self.base.clone();
        rng.set_stream(index);
        rng.set_word_pos(0);
        rng
    }

    /// Independent draws for one configuration, from its own stream: the
    /// parameter `p` takes the stream's 64-bit word `p`, computed from the
    /// one ChaCha8 block that holds it (eight words a block).
    fn draw(&self, config: u64, slots: &mut [f64]) {
        let blocks = slots.chunks_mut(8).zip(self.samplers.chunks(8));
        for (counter, (slots, samplers)) in blocks.enumerate() {
            let block = self.key.block(config, counter as u64);
            for ((slot, p), pair) in slots.iter_mut().zip(samplers).zip(block.chunks_exact(2)) {
                let word = u64::from(pair[0]) | (u64::from(pair[1]) << 32);
                *slot = p.sample(unit_of(word));
            }
        }
    }
}

/// The generator of one trial: ChaCha8 keyed by the scenario seed, on the
/// stream numbered by the trial, so trials are independent of each other,
/// of evaluation order and of thread count.
fn stream(seed: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}

/// The 32-bit scrambling seed `sobol_burley` takes, from the 64-bit scenario
/// seed: the low half XOR a mix of the high half (SplitMix64's finaliser,
/// which maps 0 to 0). Seeds below 2^32 keep their design; seeds that
/// differ only above bit 31 (1 and 2^32 + 1) no longer share one.
fn sobol_seed(seed: u64) -> u32 {
    let mut z = seed >> 32;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (seed as u32) ^ (z as u32) ^ ((z >> 32) as u32)
}

/// A uniform draw in [0, 1) with 53 random bits.
fn unit(rng: &mut ChaCha8Rng) -> f64 {
    unit_of(rng.next_u64())
}

/// The uniform in [0, 1) made of a word's top 53 bits.
fn unit_of(word: u64) -> f64 {
    (word >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// One random permutation of 0..n per parameter (Fisher–Yates), from
/// streams reserved for the purpose (counting down from u64::MAX, far from
/// any trial's stream).
fn lhs_strata(dims: usize, n: u64, seed: u64) -> Vec<Vec<u32>> {
    (0..dims)
        .map(|d| {
            let mut rng = stream(seed, u64::MAX - d as u64);
            let mut perm: Vec<u32> = (0..n as u32).collect();
            for i in (1..perm.len()).rev() {
                let j = (rng.next_u64() % (i as u64 + 1)) as usize;
                perm.swap(i, j);
            }
            perm
        })
        .collect()
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
mod tests {
    use super::*;
    use proptest::prelude::{prop_assert, prop_assert_eq, proptest};

    fn values(name: &str, v: &[f64]) -> Param {
        Param {
            name: name.into(),
            domain: Domain::Values(v.iter().map(|&x| Level::Num(x)).collect()),
        }
    }

    fn range(
        name: &str,
        min: f64,
        max: f64,
        distribution: Distribution,
        grid_points: Option<u32>,
    ) -> Param {
        Param {
            name: name.into(),
            domain: Domain::Range {
                min,
                max,
                distribution,
                grid_points,
            },
        }
    }

    #[test]
    fn target_counts_match_the_issue() {
        // ln(0.05) / ln(0.95) = −2.9957 / −0.05129 = 58.4 → 59.
        assert_eq!(random_trials_for(0.05, 0.95), 59);
        // Latin hypercube is sized like random search: 59.
        assert_eq!(lhs_trials_for(0.05, 0.95), 59);
        // Next power of two at or above 59 is 64.
        assert_eq!(sobol_trials_for(0.05, 0.95), 64);
        // p = 0.999: ln 0.001 / ln 0.95 = 134.7 → 135, and 256 for Sobol.
        assert_eq!(lhs_trials_for(0.05, 0.999), 135);
        assert_eq!(sobol_trials_for(0.05, 0.999), 256);
    }

    #[test]
    fn hyperband_81_3_has_143_configurations_in_5_brackets() {
        // s_max = 4 (3^4 = 81 ≤ 81). n_s = ceil(5/(s+1) × 3^s):
        // s=4: 81, s=3: ceil(5/4 × 27) = 34, s=2: ceil(5/3 × 9) = 15,
        // s=1: ceil(5/2 × 3) = 8, s=0: 5. 81 + 34 + 15 + 8 + 5 = 143.
        let rungs = hyperband_rungs(81.0, 3);
        let firsts: Vec<u64> = rungs
            .iter()
            .filter(|r| r.rung == 0)
            .map(|r| r.configs)
            .collect();
        assert_eq!(firsts, vec![81, 34, 15, 8, 5]);
        // Bracket 4 rungs: 81 at 1, 27 at 3, 9 at 9, 3 at 27, 1 at 81.
        let b4: Vec<(u64, f64)> = rungs
            .iter()
            .filter(|r| r.bracket == 4)
            .map(|r| (r.configs, r.resource))
            .collect();
        assert_eq!(
            b4,
            vec![(81, 1.0), (27, 3.0), (9, 9.0), (3, 27.0), (1, 81.0)]
        );
        // Trials over all rungs: bracket 4: 121, 3: 34+11+3+1 = 49, 2: 15+5+1 = 21, 1: 8+2 = 10, 0: 5 → 206.
        let total: u64 = rungs.iter().map(|r| r.configs).sum();
        assert_eq!(total, 206);
    }

    #[test]
    fn grid_decodes_mixed_radix_last_fastest() {
        let params = vec![values("a", &[1.0, 2.0]), values("b", &[10.0, 20.0, 30.0])];
        let set = JobSet::new(&params, &Strategy::Grid, 0).unwrap();
        assert_eq!(set.len(), 6);
        let mut slots = [0.0; 2];
        let rows: Vec<[f64; 2]> = (0..6)
            .map(|i| {
                set.trial(i, &mut slots);
                slots
            })
            .collect();
        assert_eq!(rows[0], [1.0, 10.0]);
        assert_eq!(rows[1], [1.0, 20.0]);
        assert_eq!(rows[3], [2.0, 10.0]);
        assert_eq!(rows[5], [2.0, 30.0]);
    }

    #[test]
    fn grid_levels_of_ranges() {
        // Log-spaced: 1e-4, 1e-3, 1e-2, 1e-1.
        let lr = range("lr", 1e-4, 1e-1, Distribution::LogUniform, Some(4));
        let levels = lr.grid_levels();
        for (got, want) in levels.iter().zip([1e-4, 1e-3, 1e-2, 1e-1]) {
            assert!((got / want - 1.0).abs() < 1e-12, "{levels:?}");
        }
        // int_uniform 2..=5 enumerates 2, 3, 4, 5.
        assert_eq!(
            range("k", 2.0, 5.0, Distribution::IntUniform, None).grid_levels(),
            vec![2.0, 3.0, 4.0, 5.0]
        );
        // q_uniform 0..=1 step 0.25: 0, 0.25, 0.5, 0.75, 1.
        assert_eq!(
            range("d", 0.0, 1.0, Distribution::QUniform(0.25), None).grid_len(),
            Ok(5)
        );
        // uniform with 3 points: 0, 0.5, 1.
        assert_eq!(
            range("u", 0.0, 1.0, Distribution::Uniform, Some(3)).grid_levels(),
            vec![0.0, 0.5, 1.0]
        );
        assert!(range("u", 0.0, 1.0, Distribution::Uniform, None)
            .grid_len()
            .is_err());
    }

    #[test]
    fn inverse_cdf_sampling() {
        let lr = range("lr", 1e-4, 1e-1, Distribution::LogUniform, None);
        // u = 0.5 → exp((ln 1e-4 + ln 1e-1) / 2) = 10^-2.5 = 0.0031623.
        assert!((lr.sample(0.5) - 10f64.powf(-2.5)).abs() < 1e-15);
        let k = range("k", 2.0, 5.0, Distribution::IntUniform, None);
        // 4 integers: u in [0.75, 1) → 5; u = 0.25 → 2 + floor(1.0) = 3.
        assert_eq!(k.sample(0.999), 5.0);
        assert_eq!(k.sample(0.25), 3.0);
        let v = values("b", &[256.0, 512.0, 1024.0]);
        assert_eq!(v.sample(0.0), 256.0);
        assert_eq!(v.sample(0.7), 1024.0);
    }

    #[test]
    fn random_is_reproducible_and_order_free() {
        let params = vec![
            range("lr", 1e-4, 1e-1, Distribution::LogUniform, None),
            values("b", &[1.0, 2.0]),
        ];
        let set = JobSet::new(&params, &Strategy::Random(Count::Trials(10)), 7).unwrap();
        let mut a = [0.0; 2];
        let mut b = [0.0; 2];
        set.trial(9, &mut a);
        for i in 0..10 {
            set.trial(i, &mut b);
        }
        set.trial(9, &mut b);
        assert_eq!(a, b);
        let other = JobSet::new(&params, &Strategy::Random(Count::Trials(10)), 8).unwrap();
        other.trial(9, &mut b);
        assert_ne!(a, b);
    }

    #[test]
    fn latin_hypercube_puts_one_trial_per_stratum() {
        let params = vec![range("x", 0.0, 1.0, Distribution::Uniform, None)];
        let set = JobSet::new(&params, &Strategy::LatinHypercube(Count::Trials(40)), 3).unwrap();
        let mut slot = [0.0];
        let mut strata: Vec<usize> = (0..40)
            .map(|i| {
                set.trial(i, &mut slot);
                (slot[0] * 40.0) as usize
            })
            .collect();
        strata.sort_unstable();
        assert_eq!(strata, (0..40).collect::<Vec<_>>());
    }

    #[test]
    fn hyperband_sets_the_resource_and_keeps_configs() {
        let params = vec![
            values("epochs", &[30.0, 60.0, 90.0]),
            range("lr", 1e-4, 1e-1, Distribution::LogUniform, None),
        ];
        let hb = Strategy::Hyperband {
            resource: 0,
            max_resource: 81.0,
            eta: 3,
            resume: true,
        };
        let set = JobSet::new(&params, &hb, 1).unwrap();
        assert_eq!(set.len(), 206);
        let mut first = [0.0; 2];
        let mut promoted = [0.0; 2];
        let a = set.trial(0, &mut first);
        // Trial 81 is bracket 4, rung 1: configuration 0 again, at budget 3.
        let b = set.trial(81, &mut promoted);
        assert_eq!(
            (a.bracket_rung, b.bracket_rung),
            (Some((4, 0)), Some((4, 1)))
        );
        assert_eq!(b.config, 0);
        assert_eq!(first[1], promoted[1]);
        assert_eq!((first[0], promoted[0]), (1.0, 3.0));
        assert_eq!(b.resumed_from, Some(1.0));
    }

    #[test]
    fn grid_quality_follows_the_important_continuous_parameter() {
        let params = vec![
            range("lr", 1e-4, 1e-1, Distribution::LogUniform, Some(4)),
            values("b", &[1.0, 2.0, 3.0]),
        ];
        // Only lr is continuous, with 4 levels: min(1, 3 × 0.05) = 0.15.
        let q = quality(&params, &Strategy::Grid, 12, 0.05);
        assert!((q - 0.15).abs() < 1e-12);
        // 59 random trials: 1 − 0.95^59 = 0.9515.
        let r = quality(&params, &Strategy::Random(Count::Trials(59)), 59, 0.05);
        assert!((r - (1.0 - 0.95f64.powi(59))).abs() < 1e-12);
    }

    #[test]
    fn factored_grid_keeps_only_used_parameters() {
        let params = vec![
            values("a", &[1.0, 2.0]),
            values("b", &[10.0, 20.0, 30.0]),
            values("c", &[5.0, 6.0]),
        ];
        // Formulas read only b: 3 sub-trials, each standing for 2 × 2 = 4 trials.
        let (set, multiplicity) = JobSet::grid_factored(&params, &[false, true, false]).unwrap();
        assert_eq!((set.len(), multiplicity), (3, 4));
        let mut slots = [0.0; 3];
        set.trial(2, &mut slots);
        assert_eq!(slots, [1.0, 30.0, 5.0]);
    }

    /// Any well-typed parameter.
    fn any_param() -> impl proptest::strategy::Strategy<Value = Param> {
        use proptest::prelude::*;
        let dist = prop_oneof![
            Just(Distribution::Uniform),
            Just(Distribution::IntUniform),
            (0.01f64..10.0).prop_map(Distribution::QUniform),
            Just(Distribution::LogUniform),
            (0.001f64..1.0).prop_map(Distribution::QLogUniform),
        ];
        prop_oneof![
            proptest::collection::vec(-1e6f64..1e6, 1..5)
                .prop_map(|v| Domain::Values(v.into_iter().map(Level::Num).collect())),
            proptest::collection::vec("[a-z]{1,4}", 1..4)
                .prop_map(|v| Domain::Values(v.into_iter().map(Level::Text).collect())),
            (-1e3f64..1e3).prop_map(|x| Domain::Constant(Level::Num(x))),
            (1e-6f64..1e3, 1.0f64..1e3, dist, 1u32..6).prop_map(|(lo, span, distribution, n)| {
                Domain::Range {
                    min: lo,
                    max: lo + span,
                    distribution,
                    grid_points: Some(n),
                }
            }),
        ]
        .prop_map(|domain| Param {
            name: "p".into(),
            domain,
        })
    }

    proptest! {
        #[test]
        fn expanding_any_well_typed_space_never_panics(
            params in proptest::collection::vec(any_param(), 1..5),
            which in 0usize..5,
            n in 1u64..50,
            seed in proptest::num::u64::ANY,
        ) {
            let strategy = match which {
                0 => Strategy::Grid,
                1 => Strategy::Random(Count::Trials(n)),
                2 => Strategy::Sobol(Count::Trials(n)),
                3 => Strategy::LatinHypercube(Count::Trials(n)),
                _ => Strategy::Hyperband { resource: 0, max_resource: n as f64, eta: 3, resume: n % 2 == 0 },
            };
            let set = JobSet::new(&params, &strategy, seed).unwrap();
            let mut slots = vec![0.0; params.len()];
            for i in 0..set.len().min(500) {
                set.trial(i, &mut slots);
                for (p, &v) in params.iter().zip(&slots) {
                    let _ = p.label(v);
                    if let Domain::Range { min, max, distribution, .. } = &p.domain {
                        // Samples stay within the range, give or take q-rounding.
                        let slack = match distribution {
                            Distribution::QUniform(q) | Distribution::QLogUniform(q) => *q,
                            _ => 1e-9 * max.abs().max(1.0),
                        };
                        if which != 0 && !(which == 4 && std::ptr::eq(p, &params[0])) {
                            prop_assert!(v >= min - slack && v <= max + slack, "{v} outside [{min}, {max}]");
                        }
                    }
                }
            }
            prop_assert!(quality(&params, &strategy, set.len(), 0.05).is_finite());
        }

        #[test]
        fn grid_size_is_the_product_of_levels(sizes in proptest::collection::vec(1usize..6, 0..5)) {
            let params: Vec<Param> = sizes
                .iter()
                .enumerate()
                .map(|(i, &n)| values(&format!("p{i}"), &(0..n).map(|x| x as f64).collect::<Vec<_>>()))
                .collect();
            let expected: usize = sizes.iter().product();
            let set = JobSet::new(&params, &Strategy::Grid, 0).unwrap();
            prop_assert_eq!(set.len(), expected as u64);
            // Every combination appears exactly once.
            let mut seen = std::collections::HashSet::new();
            let mut slots = vec![0.0; params.len()];
            for i in 0..set.len() {
                set.trial(i, &mut slots);
                prop_assert!(seen.insert(slots.iter().map(|x| *x as u64).collect::<Vec<_>>()));
            }
        }
    }
}
