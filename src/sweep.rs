//! Evaluation of every option: strategy × hardware × site.
//!
//! The work is factored so that each trial is evaluated once per strategy,
//! whatever the number of devices and regions:
//!
//! 1. One parallel pass over a strategy's trials (rayon, over fixed chunks
//!    of indices) evaluates the cost formulas and yields Σ devices × work
//!    and the list of (work, devices) pairs the scheduler needs.
//! 2. The schedule is computed once, in work units (see [`makespan`]).
//! 3. Each option is then O(1): a device scales work to hours by a
//!    constant (see [`crate::cost`]), so device-hours and wall-clock hours
//!    are the strategy's totals times that constant; a site scales energy
//!    by PUE and carbon intensity.
//!
//! Chunks are combined in index order, so sums are identical on any number
//! of threads.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use crate::catalog::{Device, Region};
use crate::cost::{Cost, TrialError};
use crate::error::{Error, Result};
use crate::estimate;
use crate::scenario::Scenario;
use crate::space::{self, JobSet, Level, Strategy};
use crate::units::{GPerKwh, Hours, Watts};

/// Trials evaluated per parallel task.
const CHUNK: u64 = 1 << 14;

/// What one strategy costs, before a device or site is chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyTotals {
    /// The strategy.
    pub strategy: Strategy,
    /// Trials run (Hyperband: one per configuration per rung).
    pub trials: u64,
    /// Distinct configurations tried.
    pub configurations: u64,
    /// Σ over trials of devices × work.
    pub device_work: f64,
    /// Schedule length on the cluster, in work units.
    pub makespan_work: f64,
    /// Probability that a trial lands in the best `top_fraction` of the space.
    pub quality: f64,
}

/// One option: a strategy run on one kind of device at one site.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    /// Index into the plan's strategies.
    pub strategy: usize,
    /// Index into the scenario's hardware.
    pub hardware: usize,
    /// Index into the scenario's sites.
    pub site: usize,
    /// Trials.
    pub trials: u64,
    /// Device-hours, h.
    pub device_hours: f64,
    /// Wall-clock hours of the whole strategy on the cluster, h.
    pub wall_hours: f64,
    /// Energy at the wall plug, PUE included, kWh.
    pub energy_kwh: f64,
    /// Operational emissions, kg CO2eq.
    pub emissions_kg: f64,
    /// Part of the emissions the provider offsets or matches, kg CO2eq.
    pub offset_kg: f64,
    /// Embodied emissions of the device-hours used, kg CO2eq (see [`crate::embodied`]).
    pub embodied_kg: f64,
}

/// A trial whose cost could not be computed, with its parameters.
fn trial_error(scenario: &Scenario, set: &JobSet, index: u64, e: &TrialError) -> Error {
    let mut slots = vec![0.0; scenario.params.len()];
    let info = set.trial(index, &mut slots);
    let params: Vec<String> = scenario
        .params
        .iter()
        .zip(&slots)
        .map(|(p, &v)| match p.label(v) {
            Level::Num(x) => format!("{} = {x}", p.name),
            Level::Text(t) => format!("{} = \"{t}\"", p.name),
        })
        .collect();
    let rung = info
        .bracket_rung
        .map_or(String::new(), |(b, r)| format!(", bracket {b} rung {r}"));
    let (line, column) = scenario.work_at;
    let key = if e.formula == "devices" {
        "devices"
    } else {
        scenario.cost.work_key()
    };
    Error::input(format!(
        "{}:{line}:{column}: `{key}` gives {} for trial {index} of {}{rung} ({}); it {}",
        scenario.path.display(),
        e.value,
        set_name(set),
        params.join(", "),
        e.problem
    ))
}

fn set_name(set: &JobSet) -> &'static str {
    if set.rungs().is_some() {
        "hyperband"
    } else {
        "the job set"
    }
}

/// Evaluate a strategy's trials once: totals, and the schedule length.
pub fn totals(scenario: &Scenario, strategy: &Strategy) -> Result<StrategyTotals> {
    let set = JobSet::new(&scenario.params, strategy, scenario.seed).map_err(Error::input)?;
    let resource = match strategy {
        Strategy::Hyperband { resource, .. } => Some(*resource),
        _ => None,
    };
    let costs = evaluate_all(scenario, &set, resource)?;
    let device_work: f64 = costs.iter().map(|c| f64::from(c.devices) * c.work).sum();
    let capacity = scenario.max_concurrent_devices;
    if let Some(c) = costs.iter().find(|c| c.devices > capacity) {
        return Err(Error::input(format!(
            "a trial holds {} devices but [execution] max_concurrent_devices is {capacity}; raise it or lower `devices`",
            c.devices
        )));
    }
    let makespan_work = match set.rungs() {
        // Rungs are barriers, run one after another, brackets in order.
        Some(rungs) => rungs
            .iter()
            .map(|r| {
                let start = r.first_trial as usize;
                makespan(costs[start..start + r.configs as usize].to_vec(), capacity)
            })
            .sum(),
        None => makespan(costs, capacity),
    };
    let trials = set.len();
    let configurations = match set.rungs() {
        Some(rungs) => rungs
            .iter()
            .filter(|r| r.rung == 0)
            .map(|r| r.configs)
            .sum(),
        None => trials,
    };
    Ok(StrategyTotals {
        strategy: strategy.clone(),
        trials,
        configurations,
        device_work,
        makespan_work,
        quality: space::quality(&scenario.params, strategy, trials, scenario.top_fraction),
    })
}

/// Cost of every trial, in index order, evaluated in parallel chunks. The
/// first failing trial (lowest index) is reported, whatever the threads.
fn evaluate_all(scenario: &Scenario, set: &JobSet, resource: Option<usize>) -> Result<Vec<Cost>> {
    let n = set.len();
    let chunks: Vec<std::result::Result<Vec<Cost>, (u64, TrialError)>> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut slots = vec![0.0; scenario.params.len()];
            let (start, end) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
            (start..end)
                .map(|i| {
                    let info = set.trial(i, &mut slots);
                    scenario
                        .cost
                        .evaluate(&mut slots, &info, resource)
                        .map_err(|e| (i, e))
                })
                .collect()
        })
        .collect();
    let mut costs = Vec::with_capacity(n as usize);
    for chunk in chunks {
        costs.extend(chunk.map_err(|(i, e)| trial_error(scenario, set, i, &e))?);
    }
    Ok(costs)
}

/// Length of the schedule of `trials` on `capacity` devices, in work units.
///
/// The rule: trials start longest first (ties in index order); each waits
/// until as many devices as it holds are free, and takes the devices that
/// freed up first. When every trial holds the same number of devices d,
/// this is longest-processing-time list scheduling on capacity / d slots.
pub fn makespan(mut trials: Vec<Cost>, capacity: u32) -> f64 {
    if trials.is_empty() {
        return 0.0;
    }
    // Stable sort: equal lengths keep index order.
    trials.sort_by(|a, b| b.work.total_cmp(&a.work));
    let uniform = trials.iter().all(|t| t.devices == trials[0].devices);
    // Positive finite floats order like their bit patterns.
    let key = |x: f64| Reverse(x.to_bits());
    let time = |k: Reverse<u64>| f64::from_bits(k.0);
    let mut end = 0.0f64;
    if uniform {
        let slots = (capacity / trials[0].devices).max(1) as usize;
        if slots >= trials.len() {
            return trials[0].work;
        }
        let mut free: BinaryHeap<Reverse<u64>> = (0..slots).map(|_| key(0.0)).collect();
        for t in &trials {
            let start = time(free.pop().expect("slots > 0"));
            let finish = start + t.work;
            end = end.max(finish);
            free.push(key(finish));
        }
    } else {
        let mut free: BinaryHeap<Reverse<u64>> = (0..capacity).map(|_| key(0.0)).collect();
        let mut taken = Vec::new();
        for t in &trials {
            taken.clear();
            for _ in 0..t.devices {
                taken.push(time(free.pop().expect("devices ≤ capacity")));
            }
            let start = taken.iter().copied().fold(0.0, f64::max);
            let finish = start + t.work;
            end = end.max(finish);
            for _ in 0..t.devices {
                free.push(key(finish));
            }
        }
    }
    end
}

/// Every option of a scenario, given each strategy's totals: strategies in
/// order, then hardware, then sites.
pub fn options(scenario: &Scenario, totals: &[StrategyTotals]) -> Result<Vec<Evaluated>> {
    let embodied: Vec<f64> = scenario
        .hardware
        .iter()
        .map(|d| scenario.embodied.lifecycle(d).kg_per_device_hour())
        .collect();
    let multipliers: Vec<f64> = scenario
        .hardware
        .iter()
        .map(|d| scenario.cost.multiplier(d).map_err(Error::input))
        .collect::<Result<_>>()?;
    let per_strategy = scenario.hardware.len() * scenario.sites.len();
    let options = (0..totals.len() * per_strategy)
        .into_par_iter()
        .map(|k| {
            let (s, rest) = (k / per_strategy, k % per_strategy);
            let (h, r) = (rest / scenario.sites.len(), rest % scenario.sites.len());
            let device = (&scenario.hardware[h], multipliers[h], embodied[h]);
            evaluate_option(scenario, &totals[s], (s, h, r), device, &scenario.sites[r])
        })
        .collect();
    Ok(options)
}

fn evaluate_option(
    scenario: &Scenario,
    totals: &StrategyTotals,
    (strategy, hardware, site): (usize, usize, usize),
    (device, multiplier, kg_per_device_hour): (&Device, f64, f64),
    region: &Region,
) -> Evaluated {
    let device_hours = Hours(totals.device_work * multiplier);
    let power = Watts(scenario.cost.power_watts(device));
    let energy = estimate::energy(device_hours, power, 1.0, region.pue);
    let emissions = estimate::emissions(energy, GPerKwh(region.intensity_g_per_kwh));
    Evaluated {
        strategy,
        hardware,
        site,
        trials: totals.trials,
        device_hours: device_hours.get(),
        wall_hours: totals.makespan_work * multiplier,
        energy_kwh: energy.get(),
        emissions_kg: emissions.get(),
        offset_kg: emissions.get() * region.offset_pct / 100.0,
        embodied_kg: device_hours.get() * kg_per_device_hour,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(work: f64, devices: u32) -> Cost {
        Cost { work, devices }
    }

    #[test]
    fn makespan_longest_first() {
        // Two slots, jobs 5, 4, 3, 3: slot A takes 5, slot B 4; then 3 goes to B (free at 4)
        // ending at 7, the last 3 to A (free at 5) ending at 8.
        let jobs = vec![cost(3.0, 1), cost(5.0, 1), cost(4.0, 1), cost(3.0, 1)];
        assert_eq!(makespan(jobs, 2), 8.0);
        // Enough devices for all: the longest job.
        assert_eq!(makespan(vec![cost(2.0, 8), cost(1.0, 8)], 64), 2.0);
        // One slot: the sum.
        assert_eq!(makespan(vec![cost(2.0, 8), cost(1.0, 8)], 8), 3.0);
    }

    #[test]
    fn makespan_with_mixed_device_counts() {
        // Capacity 4. Sorted: 6 h on 2, 4 h on 4, 1 h on 1.
        // The 6 h job takes two devices [0, 6). The 4 h job needs all four:
        // it starts when the second-last frees, at 6, ending at 10. The 1 h
        // job then starts at 10, ending 11.
        let jobs = vec![cost(4.0, 4), cost(6.0, 2), cost(1.0, 1)];
        assert_eq!(makespan(jobs, 4), 11.0);
    }
}
