//! Asynchronous successive halving (ASHA; Li et al. 2020), as Ray Tune's
//! `ASHAScheduler` and Optuna's `SuccessiveHalvingPruner` run it.
//!
//! A configuration starts at `min_resource` and is checked at milestones
//! r·η^k below `max_resource`; at each it continues only if it is in the
//! top 1/η of the configurations that reached that milestone; survivors of
//! the last milestone train to `max_resource`. Training continues from the
//! checkpoint, so a promoted configuration is charged only its extra budget.
//!
//! The job set lists the nominal rungs (rung k holds floor(n / η^k) of a
//! bracket's n configurations, promoted as a prefix). The costs of `plan`
//! come from the seeded simulation of [`crate::sweep::simulate`], which
//! promotes asynchronously.

use super::{random_trials_for, Count, Rung};

/// `[strategies.asha]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Asha {
    /// Slot of the resource parameter.
    pub resource: usize,
    /// Budget of the first milestone (Ray's `grace_period`).
    pub min_resource: f64,
    /// Largest budget (Ray's `max_t`).
    pub max_resource: f64,
    /// Reduction factor (Ray and Optuna default 4).
    pub eta: u32,
    /// Configurations started, or a quality target.
    pub configurations: Count,
    /// Brackets (early-stopping rates s = 0, 1, ...); Ray's default 1.
    pub brackets: u32,
}

/// Most milestones a bracket may have.
const MAX_MILESTONES: usize = 64;

impl Asha {
    /// The budgets of bracket b: r·η^(b + k) while below R, then R.
    pub fn budgets(&self, bracket: u32) -> Vec<f64> {
        let eta = f64::from(self.eta.max(2));
        let mut out = Vec::new();
        let mut r = self.min_resource * eta.powi(bracket as i32);
        while r < self.max_resource * (1.0 - 1e-12) && out.len() < MAX_MILESTONES {
            out.push(r);
            r *= eta;
        }
        out.push(self.max_resource);
        out
    }

    /// Rungs for `n` configurations, dealt round-robin over the brackets.
    pub fn rungs_for(&self, n: u64) -> Vec<Rung> {
        let b = u64::from(self.brackets.max(1));
        let eta = u64::from(self.eta.max(2));
        let mut out = Vec::new();
        for bracket in 0..self.brackets.max(1) {
            let n_b = n / b + u64::from(u64::from(bracket) < n % b);
            let budgets = self.budgets(bracket).into_iter();
            super::push_bracket(&mut out, bracket, n_b, eta, budgets);
        }
        out
    }

    /// Configurations started: N, or for a target the fewest for which
    /// 1 − (1 − q)^(n_R) ≥ p over the n_R configurations reaching the
    /// full budget (ρ-free lower bound, so it holds under any stated ρ ≥ 0).
    pub fn configurations(&self) -> u64 {
        match self.configurations {
            Count::Trials(n) => n,
            Count::Target {
                top_fraction,
                confidence,
            } => {
                let need = random_trials_for(top_fraction, confidence);
                let full = |n: u64| -> u64 {
                    let rungs = self.rungs_for(n);
                    super::quality::rung_counts(&rungs, self.max_resource).0
                };
                // full(n) grows with n; bracket 0 reaches R after
                // `milestones` halvings, so this bound is enough.
                let halvings = self.budgets(0).len() as u32 - 1;
                let mut hi = need
                    .saturating_mul(u64::from(self.eta).saturating_pow(halvings))
                    .saturating_mul(u64::from(self.brackets.max(1)))
                    .max(1);
                let mut lo = 1u64;
                if full(hi) < need {
                    return hi;
                }
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if full(mid) >= need {
                        hi = mid;
                    } else {
                        lo = mid + 1;
                    }
                }
                hi
            }
        }
    }

    /// The nominal rungs of this configuration.
    pub fn rungs(&self) -> Vec<Rung> {
        self.rungs_for(self.configurations())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asha(n: Count, brackets: u32) -> Asha {
        Asha {
            resource: 0,
            min_resource: 1.0,
            max_resource: 81.0,
            eta: 4,
            configurations: n,
            brackets,
        }
    }

    #[test]
    fn milestones_and_rungs_by_hand() {
        // η = 4 from 1 below 81: 1, 4, 16, 64, then 81.
        let a = asha(Count::Trials(256), 1);
        assert_eq!(a.budgets(0), vec![1.0, 4.0, 16.0, 64.0, 81.0]);
        let counts: Vec<u64> = a.rungs().iter().map(|r| r.configs).collect();
        // 256, 64, 16, 4, 1.
        assert_eq!(counts, vec![256, 64, 16, 4, 1]);
        // Two brackets: 128 each; bracket 1 starts at 4: 4, 16, 64, 81.
        let two = asha(Count::Trials(256), 2).rungs();
        let b1: Vec<(u64, f64)> = two
            .iter()
            .filter(|r| r.bracket == 1)
            .map(|r| (r.configs, r.resource))
            .collect();
        assert_eq!(b1, vec![(128, 4.0), (32, 16.0), (8, 64.0), (2, 81.0)]);
    }

    #[test]
    fn target_sizes_the_full_budget_configurations() {
        // 59 configurations must reach 81 after 4 halvings by 4: 59 × 256 = 15,104.
        let a = asha(
            Count::Target {
                top_fraction: 0.05,
                confidence: 0.95,
            },
            1,
        );
        assert_eq!(a.configurations(), 15_104);
    }
}
