//! Totals of adaptive strategies (Hyperband, ASHA): the cost of every
//! configuration at every rung, then up to [`SIMULATIONS`] seeded runs of the
//! [`simulate`] engine, plus the two promotion bounds.

use rayon::prelude::*;

use super::simulate::{self, Ladder, Outcome, Promote, Schedule, Setup};
use super::StrategyTotals;
use crate::error::{Error, Result};
use crate::scenario::{model::DEFAULT_COST_CORRELATION, Brackets, Scenario};
use crate::space::TrialInfo;
use crate::space::{self, Count, JobSet, Rung, Strategy};

/// Seeded simulations behind the mean and the 10th–90th percentiles: the
/// nearest-rank p10 and p90 of 20 runs are the 2nd and 18th.
pub const SIMULATIONS: u64 = 20;

/// Jobs simulated in all score-promoted runs together, at most: large
/// sweeps get fewer runs (never under [`MIN_SIMULATIONS`]) so the trial
/// limit holds in time. Their runs also vary least (many jobs per run).
pub const SIMULATED_JOBS: u64 = 2_000_000;

/// The fewest seeded runs, whatever the sweep's size.
pub const MIN_SIMULATIONS: u64 = 3;

/// Score-promoted runs for a sweep of `jobs` jobs per run.
pub fn simulations(jobs: u64) -> u64 {
    (SIMULATED_JOBS / jobs.max(1)).clamp(MIN_SIMULATIONS, SIMULATIONS)
}

/// The brackets of a list of rungs, in order.
pub fn ladders(rungs: &[Rung]) -> Vec<Ladder> {
    let mut out: Vec<Ladder> = Vec::new();
    for r in rungs {
        if r.rung == 0 {
            out.push(Ladder {
                first_config: r.first_config,
                configs: Vec::new(),
            });
        }
        if let Some(l) = out.last_mut() {
            l.configs.push(r.configs);
        }
    }
    out
}

/// Work and devices of every configuration at every rung of its bracket,
/// evaluated in parallel and stored in configuration order.
fn cost_table(
    scenario: &Scenario,
    strategy: &Strategy,
    rungs: &[Rung],
    runs: u64,
) -> Result<Vec<Vec<(f64, u32)>>> {
    let resource = strategy.resource().unwrap_or(0);
    let resume = match strategy {
        Strategy::Hyperband { resume, .. } => *resume,
        _ => true,
    };
    let configs: u64 = rungs
        .iter()
        .filter(|r| r.rung == 0)
        .map(|r| r.configs)
        .sum();
    // Configurations are independent draws: random search's trials.
    let draws = JobSet::new(
        &scenario.params,
        &Strategy::Random(Count::Trials(configs.max(1))),
        scenario.seed,
    )
    .map_err(Error::input)?;
    let per_config: Vec<(u64, Vec<&Rung>)> = ladders_with_rungs(rungs);
    per_config
        .par_iter()
        .map(|(config, ladder)| {
            let mut slots = vec![0.0; scenario.params.len()];
            ladder
                .iter()
                .map(|r| {
                    draws.trial(*config, &mut slots);
                    slots[resource] = r.resource;
                    let info = TrialInfo {
                        bracket_rung: Some((r.bracket, r.rung)),
                        config: *config,
                        resumed_from: (resume && r.rung > 0).then_some(r.previous_resource),
                        stopped: None,
                    };
                    let c = scenario.cost.evaluate(&mut slots, &info, Some(resource)).map_err(|e| {
                        let ((line, column), key) = scenario.formula_at(e.formula);
                        Error::input(format!(
                            "{}:{line}:{column}: `{key}` gives {} for {} configuration {config} at {} = {} (bracket {} rung {}); it {}",
                            scenario.path.display(),
                            e.value,
                            strategy.name(),
                            scenario.params[resource].name,
                            r.resource,
                            r.bracket,
                            r.rung,
                            e.problem
                        ))
                    })?;
                    Ok((c.work * runs as f64, c.devices))
                })
                .collect::<Result<Vec<_>>>()
        })
        // Every configuration's result first, then the first error in
        // configuration order: rayon's own collect into `Result` keeps
        // whichever error a thread met first, so the message varied.
        .collect::<Vec<Result<Vec<_>>>>()
        .into_iter()
        .collect()
}

/// Every configuration with the rungs of its bracket.
fn ladders_with_rungs(rungs: &[Rung]) -> Vec<(u64, Vec<&Rung>)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < rungs.len() {
        let end = (start + 1..rungs.len())
            .find(|&i| rungs[i].rung == 0)
            .unwrap_or(rungs.len());
        let bracket: Vec<&Rung> = rungs[start..end].iter().collect();
        for c in 0..rungs[start].configs {
            out.push((rungs[start].first_config + c, bracket.clone()));
        }
        start = end;
    }
    out
}

/// Nearest-rank percentile of sorted values.
fn rank(sorted: &[f64], p: f64) -> f64 {
    sorted[((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Totals of Hyperband or ASHA by simulation.
pub fn totals(scenario: &Scenario, strategy: &Strategy) -> Result<StrategyTotals> {
    let (rungs, _) = space::adaptive_rungs(&scenario.params, strategy)
        .ok_or_else(|| Error::input("not an adaptive strategy"))?;
    let runs = scenario.model.runs_per_config(&scenario.params, strategy);
    let table = cost_table(scenario, strategy, &rungs, runs)?;
    let capacity = scenario.max_concurrent_devices;
    if let Some(&(_, d)) = table.iter().flatten().find(|(_, d)| *d > capacity) {
        return Err(super::too_many_devices(scenario, d));
    }
    let ladders = ladders(&rungs);
    let flat = Flat::of(&table);
    let cost = |c: u64, k: usize| flat.get(c, k);
    let (schedule, eta, label) = schedule(scenario, strategy);
    let fidelity = scenario.model.fidelity(strategy);
    let setup = Setup {
        ladders: &ladders,
        cost: &cost,
        devices: flat.uniform_devices(),
        capacity,
        eta,
        schedule,
        correlation: fidelity.unwrap_or(DEFAULT_COST_CORRELATION),
        dispatch: scenario.model.dispatch,
    };
    let jobs: u64 = rungs.iter().map(|r| r.configs).sum();
    let n = simulations(jobs);
    let sims = Simulations::run(&setup, scenario.seed, n);
    let configurations: u64 = ladders
        .iter()
        .map(|l| l.configs.first().copied().unwrap_or(0))
        .sum();
    let quality = space::quality::of(
        &scenario.params,
        &scenario.model.roles,
        strategy,
        configurations,
        scenario.top_fraction,
        fidelity.map(|r| (r, scenario.seed)),
    );
    Ok(StrategyTotals {
        // CPU sockets running several trials are not simulated per slot
        // count: options fall back to one trial per socket (a longer,
        // pessimistic wall-clock figure; energy is unaffected).
        slot_makespans: Vec::new(),
        strategy: strategy.clone(),
        trials: jobs.saturating_mul(runs),
        configurations,
        device_work: mean(&sims.work),
        makespan_work: mean(&sims.span),
        quality: quality.ranked,
        quality_low: quality.low,
        quality_high: quality.high,
        quality_model: quality.model,
        below_target: quality.ranked < scenario.model.quality_target - 1e-12,
        device_work_p10: rank(&sims.work, 0.1),
        device_work_p90: rank(&sims.work, 0.9),
        device_work_low: sims.low.device_work.min(rank(&sims.work, 0.0)),
        device_work_high: sims.high.device_work.max(rank(&sims.work, 1.0)),
        makespan_p10: rank(&sims.span, 0.1),
        makespan_p90: rank(&sims.span, 0.9),
        schedule_model: format!(
            "simulated, {label}: mean of {n} seeded runs, promotions drawn at fidelity correlation {}",
            fidelity.unwrap_or(DEFAULT_COST_CORRELATION)
        ),
        launch_devices: sims.launch_devices,
        chain_launches: ladders.iter().map(|l| l.configs.len() as u64).max().unwrap_or(1),
        launches: sims.launches * runs as f64,
    })
}

/// Mean of a non-empty list.
fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// How the strategy's rungs share the cluster, its η and its label.
fn schedule(scenario: &Scenario, strategy: &Strategy) -> (Schedule, u32, &'static str) {
    match strategy {
        Strategy::Asha(a) => (
            Schedule::Asynchronous,
            a.eta,
            "ASHA (asynchronous promotion)",
        ),
        Strategy::Hyperband { eta, .. } => match scenario.model.brackets {
            Brackets::Concurrent => (Schedule::Concurrent, *eta, "concurrent brackets"),
            Brackets::Sequential => (Schedule::Sequential, *eta, "sequential brackets"),
        },
        _ => unreachable!("adaptive strategies only"),
    }
}

/// The cost table as one flat array, configuration c's rungs from
/// `offsets[c]`: a look-up is one load, not a pointer chase into a small
/// vector per configuration.
struct Flat {
    offsets: Vec<usize>,
    costs: Vec<(f64, u32)>,
}

impl Flat {
    fn of(table: &[Vec<(f64, u32)>]) -> Flat {
        let offsets = std::iter::once(0)
            .chain(table.iter().scan(0, |at, t| {
                *at += t.len();
                Some(*at)
            }))
            .collect();
        Flat {
            offsets,
            costs: table.iter().flatten().copied().collect(),
        }
    }

    /// Work and devices of configuration `c` at rung `k`.
    fn get(&self, c: u64, k: usize) -> (f64, u32) {
        let (from, to) = (self.offsets[c as usize], self.offsets[c as usize + 1]);
        self.costs[from..to].get(k).copied().unwrap_or((0.0, 1))
    }

    /// The devices every job holds, if all hold the same number.
    fn uniform_devices(&self) -> Option<u32> {
        let first = self.costs.first().map_or(1, |&(_, d)| d);
        self.costs.iter().all(|&(_, d)| d == first).then_some(first)
    }
}

/// What the seeded runs of one strategy gave.
struct Simulations {
    /// Device work of the score-promoted runs, sorted.
    work: Vec<f64>,
    /// Makespans of the score-promoted runs, sorted.
    span: Vec<f64>,
    /// Mean jobs launched per score-promoted run.
    launches: f64,
    /// Mean devices per launched job.
    launch_devices: f64,
    /// Cheapest-first promotion (device-hours lower bound).
    low: Outcome,
    /// Most-expensive-first promotion (upper bound).
    high: Outcome,
}

impl Simulations {
    /// Runs 0..n promote by score; two more promote cheapest and dearest
    /// first (the bounds).
    fn run(setup: &Setup, seed: u64, n: u64) -> Simulations {
        let mut runs: Vec<Outcome> = (0..n + 2)
            .into_par_iter()
            .map(|s| match s.checked_sub(n) {
                None => simulate::run(setup, Promote::Score, seed, s),
                Some(0) => simulate::run(setup, Promote::Cheapest, seed, 0),
                Some(_) => simulate::run(setup, Promote::Dearest, seed, 0),
            })
            .collect();
        let (high, low) = (
            runs.pop().unwrap_or_default(),
            runs.pop().unwrap_or_default(),
        );
        let sorted = |f: fn(&Outcome) -> f64| {
            let mut v: Vec<f64> = runs.iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            v
        };
        let jobs: u64 = runs.iter().map(|o| o.jobs).sum();
        let devices: u64 = runs.iter().map(|o| o.job_devices).sum();
        Simulations {
            work: sorted(|o| o.device_work),
            span: sorted(|o| o.makespan),
            launches: jobs as f64 / runs.len().max(1) as f64,
            launch_devices: devices as f64 / jobs.max(1) as f64,
            low,
            high,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Dispatch;

    #[test]
    fn launches_are_the_simulated_jobs_not_the_ladder() {
        // ASHA, 9 → 3 configurations, η = 3, every job 1 h on 2 devices,
        // 4 devices: whatever a run promotes, the launches are the mean of
        // the runs' own job counts and every launch holds 2 devices.
        let ladders = [Ladder {
            first_config: 0,
            configs: vec![9, 3],
        }];
        let cost = |c: u64, k: usize| (1.0 + (c % 4) as f64 * (k as f64), 2);
        let setup = Setup {
            ladders: &ladders,
            cost: &cost,
            devices: None,
            capacity: 4,
            eta: 3,
            schedule: Schedule::Asynchronous,
            correlation: 0.3,
            dispatch: Dispatch::Index,
        };
        let sims = Simulations::run(&setup, 7, 5);
        let jobs: Vec<u64> = (0..5)
            .map(|s| simulate::run(&setup, Promote::Score, 7, s).jobs)
            .collect();
        assert_eq!(sims.launches, jobs.iter().sum::<u64>() as f64 / 5.0);
        assert_eq!(sims.launch_devices, 2.0);
        // Nine first-rung jobs, and at least the 9 / 3 = 3 promotions.
        assert!(jobs.iter().all(|&j| j >= 12), "{jobs:?}");
        assert_eq!((sims.work.len(), sims.span.len()), (5, 5));
    }
}
