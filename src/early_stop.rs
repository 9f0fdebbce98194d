//! W&B's Hyperband early termination, costed as successive halving.
//!
//! A W&B sweep with `early_terminate: {type: hyperband}` runs its method's
//! trials as usual, but checks every running trial at fixed *milestones*
//! (W&B calls them bands), in iterations:
//!
//! ```text
//! min_iter = m, eta:      m, m·eta, m·eta², …            (as integers)
//! max_iter = M, s, eta:   M/eta^s, …, M/eta², M/eta     (as integers, those ≥ 1)
//! ```
//!
//! At a milestone W&B sorts the metric of the runs that reached it and
//! keeps a run iff it is no worse than the value at position
//! floor(n / eta) of that sorted list: of n runs that reach a milestone,
//! floor(n / eta) + 1 continue (all n if fewer). Which ones depends on
//! results unknown before the run; the plan lets continue the runs of
//! lowest *rank* (i × g) mod N, g the integer nearest 0.618·N that is
//! coprime with N (N trials, i the trial index). The ranks are a
//! permutation of the trials that spreads survivors evenly over a grid's
//! index order, so the plan is deterministic and unbiased for a grid.
//!
//! A trial stopped at milestone m costs m / iterations of a full trial,
//! `iterations` being the full trial's length (`[import] iterations`);
//! milestones at or beyond it never stop anything.

/// The early-termination settings of a sweep, with the milestones they give.
#[derive(Debug, Clone, PartialEq)]
pub struct Halving {
    /// `min_iter`, when given.
    pub min_iter: Option<u64>,
    /// `max_iter`, when given.
    pub max_iter: Option<u64>,
    /// `s`, when given.
    pub s: Option<u64>,
    /// `eta` (W&B's default 3).
    pub eta: f64,
    /// Iterations of a full trial.
    pub iterations: u64,
    /// Milestones below `iterations`, ascending.
    pub milestones: Vec<u64>,
}

/// Which trials of a job set stop where.
#[derive(Debug, Clone, PartialEq)]
pub struct Survival {
    trials: u64,
    stride: u64,
    /// Runs that continue past milestone k.
    continuing: Vec<u64>,
    /// Milestones, as (share of a full trial, iterations).
    stops: Vec<(f64, u64)>,
    iterations: u64,
}

impl Halving {
    /// The settings and their milestones; `Err` says what is wrong.
    pub fn new(
        min_iter: Option<u64>,
        max_iter: Option<u64>,
        s: Option<u64>,
        eta: f64,
        iterations: u64,
    ) -> Result<Halving, String> {
        if !(eta.is_finite() && eta > 1.0) {
            return Err(format!("eta must be above 1, not {eta}"));
        }
        if iterations == 0 {
            return Err("iterations must be at least 1".into());
        }
        let mut milestones = Vec::new();
        match (min_iter, max_iter) {
            (Some(m), _) => {
                if m == 0 {
                    return Err("min_iter must be at least 1".into());
                }
                let mut band = m as f64;
                while band < iterations as f64 {
                    milestones.push(band as u64);
                    band *= eta;
                }
            }
            (None, Some(max)) => {
                let Some(s) = s else {
                    return Err("max_iter needs s, the number of milestones".into());
                };
                let mut band = max as f64;
                for _ in 0..s.min(64) {
                    band /= eta;
                    if band < 1.0 {
                        break;
                    }
                    milestones.push(band as u64);
                }
                milestones.sort_unstable();
            }
            (None, None) => return Err("hyperband needs min_iter, or max_iter and s".into()),
        }
        milestones.retain(|&m| m >= 1 && m < iterations);
        milestones.dedup();
        Ok(Halving {
            min_iter,
            max_iter,
            s,
            eta,
            iterations,
            milestones,
        })
    }

    /// Runs continuing past each milestone when `n` runs start:
    /// of r runs reaching it, min(r, floor(r / eta) + 1).
    pub fn continuing(&self, n: u64) -> Vec<u64> {
        let mut reached = n;
        self.milestones
            .iter()
            .map(|_| {
                reached = reached.min((reached as f64 / self.eta).floor() as u64 + 1);
                reached
            })
            .collect()
    }

    /// The survival table of a job set of `trials` trials.
    pub fn survival(&self, trials: u64) -> Survival {
        Survival {
            trials,
            stride: stride(trials),
            continuing: self.continuing(trials),
            stops: self
                .milestones
                .iter()
                .map(|&m| (m as f64 / self.iterations as f64, m))
                .collect(),
            iterations: self.iterations,
        }
    }
}

impl Survival {
    /// Share of a full trial that trial `index` runs, and its iterations.
    pub fn stop(&self, index: u64) -> (f64, u64) {
        let rank =
            (u128::from(index) * u128::from(self.stride) % u128::from(self.trials.max(1))) as u64;
        for (&keep, &stop) in self.continuing.iter().zip(&self.stops) {
            if rank >= keep {
                return stop;
            }
        }
        (1.0, self.iterations)
    }
}

/// The integer nearest 0.618·n that is coprime with n (1 for n ≤ 2).
fn stride(n: u64) -> u64 {
    if n <= 2 {
        return 1;
    }
    let mut g = ((n as f64) * 0.618_033_988_749_895).round().max(1.0) as u64;
    while gcd(g, n) != 1 {
        g += 1;
    }
    g
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_iter_milestones_and_survivors() {
        // min_iter 3, eta 3, 100 iterations: 3, 9, 27, 81 (243 is past the end).
        let h = Halving::new(Some(3), None, None, 3.0, 100).unwrap();
        assert_eq!(h.milestones, vec![3, 9, 27, 81]);
        // 50 runs: 50/3 → 16 + 1 = 17; 17/3 → 5 + 1 = 6; 6/3 → 2 + 1 = 3; 3/3 → 1 + 1 = 2.
        assert_eq!(h.continuing(50), vec![17, 6, 3, 2]);
    }

    #[test]
    fn max_iter_milestones() {
        // max_iter 27, s 2, eta 3: 27/3 = 9, 9/3 = 3 → [3, 9].
        let h = Halving::new(None, Some(27), Some(2), 3.0, 27).unwrap();
        assert_eq!(h.milestones, vec![3, 9]);
        assert!(Halving::new(None, Some(27), None, 3.0, 27).is_err());
        assert!(Halving::new(None, None, None, 3.0, 27).is_err());
    }

    #[test]
    fn each_trial_stops_once_and_counts_match() {
        let h = Halving::new(Some(1), None, None, 2.0, 8).unwrap();
        // Milestones 1, 2, 4; 10 runs: 10/2 → 6, 6/2 → 4, 4/2 → 3 continue.
        assert_eq!(h.continuing(10), vec![6, 4, 3]);
        let s = h.survival(10);
        let stops: Vec<u64> = (0..10).map(|i| s.stop(i).1).collect();
        let count = |m| stops.iter().filter(|&&x| x == m).count();
        // 4 stop at 1, 2 at 2, 1 at 4, 3 run all 8 iterations.
        assert_eq!((count(1), count(2), count(4), count(8)), (4, 2, 1, 3));
        // Cost in full trials: (4·1 + 2·2 + 1·4 + 3·8) / 8 = 36 / 8 = 4.5.
        let cost: f64 = (0..10).map(|i| s.stop(i).0).sum();
        assert!((cost - 4.5).abs() < 1e-12);
    }
}
