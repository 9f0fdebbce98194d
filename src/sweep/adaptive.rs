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
                        Error::input(format!(
                            "{}:{}:{}: `{}` gives {} for {} configuration {config} at {} = {} (bracket {} rung {}); it {}",
                            scenario.path.display(),
                            scenario.work_at.0,
                            scenario.work_at.1,
                            if e.formula == "devices" { "devices" } else { scenario.cost.work_key() },
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
        return Err(Error::input(format!(
            "a trial holds {d} devices but [execution] max_concurrent_devices is {capacity}; raise it or lower `devices`"
        )));
    }
    let ladders = ladders(&rungs);
    let cost = |c: u64, k: usize| table[c as usize].get(k).copied().unwrap_or((0.0, 1));
    let (schedule, eta, label) = match strategy {
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
    };
    let fidelity = scenario.model.fidelity(strategy);
    let setup = Setup {
        ladders: &ladders,
        cost: &cost,
        capacity,
        eta,
        schedule,
        correlation: fidelity.unwrap_or(DEFAULT_COST_CORRELATION),
        dispatch: scenario.model.dispatch,
    };
    let jobs: u64 = rungs.iter().map(|r| r.configs).sum();
    let n = simulations(jobs);
    // Runs 0..n promote by score; the last two are the promotion bounds.
    let mut runs: Vec<Outcome> = (0..n + 2)
        .into_par_iter()
        .map(|s| match s.checked_sub(n) {
            None => simulate::run(&setup, Promote::Score, scenario.seed, s),
            Some(0) => simulate::run(&setup, Promote::Cheapest, scenario.seed, 0),
            Some(_) => simulate::run(&setup, Promote::Dearest, scenario.seed, 0),
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
    let (work, span) = (sorted(|o| o.device_work), sorted(|o| o.makespan));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
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
        trials: rungs.iter().map(|r| r.configs).sum::<u64>().saturating_mul(scenario.model.runs_per_config(&scenario.params, strategy)),
        configurations,
        device_work: mean(&work),
        makespan_work: mean(&span),
        quality: quality.ranked,
        quality_low: quality.low,
        quality_high: quality.high,
        quality_model: quality.model,
        below_target: quality.ranked < scenario.model.quality_target - 1e-12,
        device_work_p10: rank(&work, 0.1),
        device_work_p90: rank(&work, 0.9),
        device_work_low: low.device_work.min(rank(&work, 0.0)),
        device_work_high: high.device_work.max(rank(&work, 1.0)),
        makespan_p10: rank(&span, 0.1),
        makespan_p90: rank(&span, 0.9),
        schedule_model: format!(
            "simulated, {label}: mean of {n} seeded runs, promotions drawn at fidelity correlation {}",
            fidelity.unwrap_or(DEFAULT_COST_CORRELATION)
        ),
    })
}
