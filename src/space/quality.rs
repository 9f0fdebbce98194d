//! The quality model: the chance that a strategy tries at least one
//! configuration in the best fraction q of the space, as an interval.
//!
//! One model for every strategy (Bergstra & Bengio 2012): one parameter
//! decides quality, its response is smooth, and the good configurations are
//! an interval of width q of its (quantile-scaled) range, at an unknown
//! position.
//!
//! - random: n independent draws hit it with probability 1 − (1 − q)^n
//!   (exact; low = high);
//! - grid: L_p endpoint-inclusive levels are 1 / (L_p − 1) apart, so an
//!   interval of width q contains one with probability
//!   c_p = min(1, (L_p − 1)·q) (a single midpoint level: q). Not knowing
//!   which parameter matters, the grid's quality is the minimum over the
//!   searched continuous parameters (exhaustive lists count 1). low = high;
//! - Sobol and Latin hypercube: the i.i.d. value is the lower bound; every
//!   one-dimensional projection is uniform, so the expected number of points
//!   in the interval is n·q and the hit probability is at most min(1, n·q)
//!   (Markov), the upper bound;
//! - Hyperband and ASHA: low = 1 − (1 − q)^(n_R) over the configurations
//!   trained to the full budget, high = 1 − (1 − q)^C over all C
//!   configurations (early rungs ranking perfectly), and with a stated
//!   fidelity correlation ρ, a seeded Monte Carlo value (see [`fidelity`]).
//!
//! The ranked value (`quality`) is `low`, or the Monte Carlo value when a
//! fidelity correlation is stated.

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use rayon::prelude::*;

use super::{hit_probability, Domain, Param, Rung, Strategy};

/// A strategy's quality under the model, with the label of its bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quality {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// The value ranked on.
    pub ranked: f64,
    /// What the figures are: "exact (i.i.d. draws)", "coverage model", ...
    pub model: &'static str,
}

/// How each parameter takes part in the quality model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roles {
    /// `continuous = true` on a numeric `values` list: its levels sample a
    /// continuum, so the coverage model applies to it.
    pub continuous: Vec<bool>,
    /// `role = "seed"`: a replicate index, not a hyperparameter; excluded
    /// from search quality.
    pub seed: Vec<bool>,
}

impl Roles {
    /// Plain roles for `n` parameters.
    pub fn plain(n: usize) -> Roles {
        Roles {
            continuous: vec![false; n],
            seed: vec![false; n],
        }
    }
}

/// Coverage of L endpoint-inclusive levels: min(1, (L − 1)·q); q for a
/// single (midpoint) level. 4 levels, q = 0.05: 0.15; 21 levels: 1.
pub fn coverage(levels: u64, top_fraction: f64) -> f64 {
    if levels <= 1 {
        top_fraction
    } else {
        ((levels - 1) as f64 * top_fraction).min(1.0)
    }
}

/// Grid quality: min over searched continuous parameters of c_p (1 if none).
pub fn grid(params: &[Param], roles: &Roles, top_fraction: f64) -> f64 {
    params
        .iter()
        .enumerate()
        .filter(|(i, _)| !roles.seed.get(*i).copied().unwrap_or(false))
        .filter(|(i, p)| match &p.domain {
            Domain::Values(_) => roles.continuous.get(*i).copied().unwrap_or(false),
            _ => !p.grid_is_exhaustive(),
        })
        .map(|(_, p)| coverage(p.grid_len().unwrap_or(0), top_fraction))
        .fold(1.0, f64::min)
}

/// Coverage of a grid cut to its first `cap` trials (W&B's `run_cap` on a
/// grid). Trial i is i in mixed radix, last parameter fastest, so parameter
/// p sees only its first min(L_p, ceil(cap / stride_p)) levels, stride_p
/// being the product of the level counts after it. Each parameter's
/// coverage scales by the share of its levels tried: c_p · tried / L_p, with
/// c_p = 1 for an enumerated list and the coverage model otherwise. When
/// the cap cuts nothing this is [`grid`]. Each parameter may see all its
/// levels while combinations are left out (two of two levels each, capped
/// at 3 of the 4 pairs): the best combination is then among the first
/// `cap` of `n` with probability cap / n, so the figure is at most
/// [`grid`] × cap / n.
pub fn capped_grid(params: &[Param], roles: &Roles, top_fraction: f64, cap: u64) -> f64 {
    let n = (params.iter()).fold(1u64, |n, p| n.saturating_mul(p.grid_len().unwrap_or(0)));
    let share = (cap.min(n) as f64 / n.max(1) as f64).min(1.0);
    marginal(params, roles, top_fraction, cap).min(grid(params, roles, top_fraction) * share)
}

/// [`capped_grid`] by each parameter's levels alone.
fn marginal(params: &[Param], roles: &Roles, top_fraction: f64, cap: u64) -> f64 {
    let levels: Vec<u64> = params.iter().map(|p| p.grid_len().unwrap_or(0)).collect();
    let mut stride = 1u64;
    let mut tried = vec![0u64; params.len()];
    for (i, &l) in levels.iter().enumerate().rev() {
        tried[i] = l.min(cap.div_ceil(stride.max(1)));
        stride = stride.saturating_mul(l);
    }
    params
        .iter()
        .enumerate()
        .filter(|(i, _)| !roles.seed.get(*i).copied().unwrap_or(false))
        .map(|(i, p)| {
            let full = match &p.domain {
                Domain::Values(_) if !roles.continuous.get(i).copied().unwrap_or(false) => 1.0,
                _ if p.grid_is_exhaustive() => 1.0,
                _ => coverage(levels[i], top_fraction),
            };
            full * tried[i] as f64 / levels[i].max(1) as f64
        })
        .fold(1.0, f64::min)
}

/// Configurations that reach the full budget, and all configurations, of a
/// set of Hyperband or ASHA rungs.
pub fn rung_counts(rungs: &[Rung], max_resource: f64) -> (u64, u64) {
    let full = rungs
        .iter()
        .filter(|r| r.resource >= max_resource * (1.0 - 1e-12))
        .map(|r| r.configs)
        .sum();
    let all = rungs
        .iter()
        .filter(|r| r.rung == 0)
        .map(|r| r.configs)
        .sum();
    (full, all)
}

/// The quality interval of a strategy with `trials` trials (or the rungs
/// of an adaptive one), for fraction q; `fidelity` is the stated
/// correlation ρ between short and full-budget scores, `seed` the seed of
/// its Monte Carlo estimate.
pub fn of(
    params: &[Param],
    roles: &Roles,
    strategy: &Strategy,
    trials: u64,
    top_fraction: f64,
    fidelity: Option<(f64, u64)>,
) -> Quality {
    let q = top_fraction;
    let iid = hit_probability(q, trials as f64);
    match strategy {
        Strategy::Grid => {
            let c = grid(params, roles, q);
            Quality {
                low: c,
                high: c,
                ranked: c,
                model: "coverage model",
            }
        }
        Strategy::Random(_) => Quality {
            low: iid,
            high: iid,
            ranked: iid,
            model: "exact (i.i.d. draws)",
        },
        Strategy::Bayes(_) => Quality {
            low: iid,
            high: iid,
            ranked: iid,
            model: "random search's value, a lower bound for bayes",
        },
        Strategy::CappedGrid(cap) => {
            let c = capped_grid(params, roles, q, *cap);
            Quality {
                low: c,
                high: c,
                ranked: c,
                model: "coverage model (grid cut by run_cap)",
            }
        }
        Strategy::EarlyStop(base, halving) => {
            let whole = of(params, roles, base, trials, top_fraction, fidelity);
            let full = halving.continuing(trials).last().copied().unwrap_or(trials);
            let low = hit_probability(q, full as f64).min(whole.low);
            Quality {
                low,
                high: whole.high,
                ranked: low,
                model: "interval: runs not stopped early to upper bound",
            }
        }
        Strategy::Sobol(_) | Strategy::LatinHypercube(_) => Quality {
            low: iid,
            high: (trials as f64 * q).min(1.0),
            ranked: iid,
            model: "coverage model; i.i.d. lower bound",
        },
        Strategy::Hyperband { .. } | Strategy::Asha(_) => {
            let (rungs, max) = super::adaptive_rungs(params, strategy).unwrap_or_default();
            let (full, all) = rung_counts(&rungs, max);
            let low = hit_probability(q, full as f64);
            let high = hit_probability(q, all as f64);
            match fidelity {
                Some((rho, seed)) => Quality {
                    low,
                    high,
                    ranked: self::fidelity(&rungs, max, q, rho, seed).clamp(low, high),
                    model: "Monte Carlo at the stated fidelity correlation",
                },
                None => Quality {
                    low,
                    high,
                    ranked: low,
                    model: "interval: full-budget configurations to upper bound",
                },
            }
        }
    }
}

/// Simulations behind the Monte Carlo quality: the standard error of a
/// probability near 0.7 is then √(0.21 / 4096) ≈ 0.007.
pub const FIDELITY_SIMULATIONS: u64 = 4096;

/// Monte Carlo quality of successive halving over `rungs` when the score of
/// a short run correlates ρ with the full-budget score.
///
/// Each configuration has a full-budget score z ~ N(0, 1); a rung below the
/// full budget observes ρ·z + √(1 − ρ²)·ε with fresh noise ε ~ N(0, 1), and
/// the rung's best by observed score are promoted (as many as the next rung
/// holds). A run succeeds when a configuration trained to the full budget
/// has z above the (1 − q) quantile. Simulation k draws from ChaCha8 keyed
/// by `seed` on stream k, so the value does not depend on thread count.
pub fn fidelity(rungs: &[Rung], max_resource: f64, q: f64, rho: f64, seed: u64) -> f64 {
    let threshold = normal_quantile(1.0 - q);
    let noise = (1.0 - rho * rho).max(0.0).sqrt();
    let hits: u64 = (0..FIDELITY_SIMULATIONS)
        .into_par_iter()
        .map(|k| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(k);
            u64::from(one_run(
                rungs,
                max_resource,
                threshold,
                (rho, noise),
                &mut rng,
            ))
        })
        .sum();
    hits as f64 / FIDELITY_SIMULATIONS as f64
}

/// One simulated run of every bracket: does a full-budget configuration
/// land in the top q?
fn one_run(
    rungs: &[Rung],
    max_resource: f64,
    threshold: f64,
    (rho, noise): (f64, f64),
    rng: &mut ChaCha8Rng,
) -> bool {
    let mut hit = false;
    let mut alive: Vec<f64> = Vec::new();
    for r in rungs {
        if r.rung == 0 {
            alive = (0..r.configs).map(|_| normal(rng)).collect();
        } else {
            alive.truncate(r.configs as usize);
        }
        if r.resource >= max_resource * (1.0 - 1e-12) {
            hit |= alive.iter().any(|&z| z > threshold);
            continue;
        }
        // Observe, then keep the best first (promotion takes a prefix).
        let mut seen: Vec<(f64, f64)> = alive
            .iter()
            .map(|&z| (rho * z + noise * normal(rng), z))
            .collect();
        seen.sort_by(|a, b| b.0.total_cmp(&a.0));
        alive = seen.into_iter().map(|(_, z)| z).collect();
    }
    hit
}

/// A standard normal draw (Box–Muller, one of the pair).
pub fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = ((rng.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
    let u2 = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Inverse of the standard normal CDF (Acklam's rational approximation,
/// relative error below 1.2e-9). normal_quantile(0.95) = 1.644854.
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::{hyperband_rungs, Distribution, Level};

    fn lr(points: u32) -> Param {
        Param {
            name: "lr".into(),
            domain: Domain::Range {
                min: 1e-4,
                max: 1e-1,
                distribution: Distribution::LogUniform,
                grid_points: Some(points),
            },
        }
    }

    #[test]
    fn a_capped_grid_counts_the_combinations_left_out() {
        // Two lists of two values: every value is tried in the first 3 of
        // the 4 pairs, but the best pair is among them with probability
        // 3/4 (was 1). Capped at 4 or more: the whole grid, 1.
        let pair = |name: &str| Param {
            name: name.into(),
            domain: Domain::Values(vec![Level::Num(0.0), Level::Num(1.0)]),
        };
        let params = [pair("a"), pair("b")];
        let roles = Roles::plain(2);
        assert_eq!(capped_grid(&params, &roles, 0.05, 3), 0.75);
        assert_eq!(capped_grid(&params, &roles, 0.05, 4), 1.0);
        assert_eq!(capped_grid(&params, &roles, 0.05, 10), 1.0);
        // lr of 21 log-spaced points (coverage 1) capped at 7: 7/21 of the
        // levels, and of the combinations: 1/3.
        let third = capped_grid(&[lr(21)], &Roles::plain(1), 0.05, 7);
        assert!((third - 1.0 / 3.0).abs() < 1e-15, "{third}");
    }

    #[test]
    fn grid_coverage_follows_the_issue() {
        // (4 − 1) × 0.05 = 0.15; (21 − 1) × 0.05 = 1.0.
        let roles = Roles::plain(1);
        assert!((grid(&[lr(4)], &roles, 0.05) - 0.15).abs() < 1e-12);
        assert_eq!(grid(&[lr(21)], &roles, 0.05), 1.0);
        // The same 4 levels as a list: exhaustive (1) unless `continuous`.
        let list = Param {
            name: "lr".into(),
            domain: Domain::Values(
                [1e-4, 1e-3, 1e-2, 1e-1]
                    .iter()
                    .map(|&x| Level::Num(x))
                    .collect(),
            ),
        };
        assert_eq!(grid(std::slice::from_ref(&list), &roles, 0.05), 1.0);
        let continuous = Roles {
            continuous: vec![true],
            seed: vec![false],
        };
        assert!((grid(&[list], &continuous, 0.05) - 0.15).abs() < 1e-12);
        // A seed parameter does not count.
        let seed = Roles {
            continuous: vec![false],
            seed: vec![true],
        };
        assert_eq!(grid(&[lr(4)], &seed, 0.05), 1.0);
    }

    #[test]
    fn hyperband_81_3_interval() {
        // Full budget (81): brackets 4..0 end with 1, 1, 1, 2, 5 configurations = 10.
        // 1 − 0.95^10 = 0.401263; 1 − 0.95^143 = 0.999349.
        let rungs = hyperband_rungs(81.0, 3);
        assert_eq!(rung_counts(&rungs, 81.0), (10, 143));
        let hb = Strategy::Hyperband {
            resource: 0,
            max_resource: 81.0,
            eta: 3,
            resume: false,
        };
        let epochs = Param {
            name: "epochs".into(),
            domain: Domain::Values(vec![Level::Num(81.0)]),
        };
        let q = of(&[epochs], &Roles::plain(1), &hb, 206, 0.05, None);
        assert!((q.low - 0.4013).abs() < 5e-5, "{q:?}");
        assert!((q.high - 0.9993).abs() < 5e-5, "{q:?}");
        assert_eq!(q.ranked, q.low);
    }

    #[test]
    fn fidelity_monte_carlo_lies_between_the_bounds_and_grows_with_rho() {
        let rungs = hyperband_rungs(81.0, 3);
        let at = |rho| fidelity(&rungs, 81.0, 0.05, rho, 1);
        let (low, mid, perfect) = (at(0.0), at(0.3), at(0.999_999));
        // ρ = 0: promotion is blind, so 10 random configurations: 0.4013 ± 3 s.e. (0.023).
        assert!((low - 0.4013).abs() < 0.03, "{low}");
        // ρ → 1: early rungs rank perfectly: the upper bound, 0.9993.
        assert!(perfect > 0.99, "{perfect}");
        // The issue's independent simulation gives about 0.68 at ρ = 0.3.
        assert!((mid - 0.68).abs() < 0.05, "{mid}");
        // Deterministic for a seed.
        assert_eq!(mid, at(0.3));
    }

    #[test]
    fn quantile_by_hand() {
        // Φ⁻¹(0.95) = 1.6448536, Φ⁻¹(0.5) = 0, Φ⁻¹(0.001) = −3.0902323.
        assert!((normal_quantile(0.95) - 1.644_853_6).abs() < 1e-6);
        assert!(normal_quantile(0.5).abs() < 1e-12);
        assert!((normal_quantile(0.001) + 3.090_232_3).abs() < 1e-6);
    }
}
