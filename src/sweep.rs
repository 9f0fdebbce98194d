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
use crate::hourly;
use crate::scenario::{self, Scenario};
use crate::space::{self, JobSet, Strategy};
use crate::units::{GPerKwh, Hours, Watts};

pub mod adaptive;
pub mod dispatch;
pub mod execution;
mod options;
mod queue;
mod ranks;
pub mod simulate;
mod slots;
pub mod tally;
pub use options::{options, start_time, StartTime, MAX_OPTIONS};

use tally::Tally;

/// What the evaluation reports as it goes: strategy name, trials
/// evaluated so far, trials in all. The library never prints; the CLI
/// renders this (a progress bar on a terminal).
pub type Progress<'a> = &'a (dyn Fn(&str, u64, u64) + Sync);

/// Most trials scheduled one by one (when trials hold different numbers of
/// devices, equal trials cannot be placed in bulk).
pub const MIXED_SCHEDULE_LIMIT: u64 = 1_000_000;

/// Most device assignments (trials × the devices each holds) of a schedule
/// computed trial by trial: each is a heap operation.
pub const MIXED_DEVICE_LIMIT: u64 = 5_000_000;

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
    /// Probability that a trial lands in the best `top_fraction` of the
    /// space: the ranked value (`quality_low`, or the Monte Carlo value of a
    /// stated fidelity model; see [`space::quality()`]).
    pub quality: f64,
    /// Schedule lengths, in work units, on `k` × the cluster's devices, for
    /// each `k` CPU trials per socket that some candidate needs (`[trial] threads`).
    pub slot_makespans: Vec<(u32, f64)>,
    /// Lower bound of the quality.
    pub quality_low: f64,
    /// Upper bound of the quality.
    pub quality_high: f64,
    /// What the quality figures are ("coverage model", "upper bound", ...).
    pub quality_model: &'static str,
    /// The ranked quality is below `[scenario] quality_target`.
    pub below_target: bool,
    /// 10th and 90th percentiles of device work (simulated strategies; else equal to it).
    pub device_work_p10: f64,
    /// See `device_work_p10`.
    pub device_work_p90: f64,
    /// Device work when the cheapest jobs are promoted (adaptive strategies; else equal).
    pub device_work_low: f64,
    /// Device work when the most expensive jobs are promoted.
    pub device_work_high: f64,
    /// 10th and 90th percentiles of the schedule length.
    pub makespan_p10: f64,
    /// See `makespan_p10`.
    pub makespan_p90: f64,
    /// How the schedule length was obtained ("random dispatch: median of 11
    /// permutations", "optimistic bound (longest first)", ...).
    pub schedule_model: String,
    /// Mean devices per launch (for per-launch overhead and rework).
    pub launch_devices: f64,
    /// Launches on the longest dependency chain: 1, or the rungs of an adaptive ladder.
    pub chain_launches: u64,
    /// Launches (trials, rungs and resumes started): `trials`, or for an
    /// adaptive strategy the mean of its simulated runs (ASHA promotes at
    /// most, not exactly, the top 1/η of a rung).
    pub launches: f64,
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
    /// Hours to result: waiting for a cleaner grid, then the whole strategy on the cluster, h.
    pub wall_hours: f64,
    /// Energy at the wall plug, PUE included, kWh.
    pub energy_kwh: f64,
    /// Operational emissions, kg CO2eq.
    pub emissions_kg: f64,
    /// Part of the emissions the provider offsets or matches, kg CO2eq.
    pub offset_kg: f64,
    /// Embodied emissions of the device-hours used, kg CO2eq (see [`crate::embodied`]).
    pub embodied_kg: f64,
    /// Hours waited for a cleaner grid before starting (0 without `[execution] start`).
    pub wait_hours: f64,
    /// Grid intensity applied: the region's annual figure, or the mean of
    /// its hourly profile over the run, g CO2eq/kWh.
    pub intensity_g_per_kwh: f64,
    /// Whether the sweep ends by `[execution] deadline_hours` (true without one).
    pub meets_deadline: bool,
    /// Whether the region offers the device (see [`crate::offer`]).
    pub availability: crate::catalog::Availability,
    /// Device-hours × on-demand USD per device-hour, where the price is known.
    pub cost_usd: Option<f64>,
    /// Whether the device's speed-up is measured or modelled.
    pub speed_basis: crate::cost::SpeedBasis,
    /// Busy device-hours / (cluster devices × run hours) (see [`execution`]).
    pub utilization: f64,
    /// Device-hours charged embodied emissions and price: the busy ones, or
    /// all reserved ones under `[execution] capacity = "reserved"`.
    pub charged_device_hours: f64,
}

/// A trial whose cost could not be computed, with its parameters.
fn trial_error(
    scenario: &Scenario,
    strategy: &Strategy,
    set: &JobSet,
    index: u64,
    e: &TrialError,
) -> Error {
    let mut slots = vec![0.0; scenario.params.len()];
    let info = set.trial(index, &mut slots);
    let params: Vec<String> = scenario
        .params
        .iter()
        .zip(&slots)
        .map(|(p, &v)| format!("{} = {}", p.name, p.label(v).json()))
        .collect();
    // A factored grid's sub-trial: find its index in the full grid.
    let index = match strategy {
        Strategy::Grid => scenario
            .params
            .iter()
            .zip(&slots)
            .fold(0u64, |acc, (p, &v)| {
                let levels = p.grid_levels();
                let at = levels
                    .iter()
                    .position(|&l| l.to_bits() == v.to_bits())
                    .unwrap_or(0);
                acc.saturating_mul(levels.len() as u64)
                    .saturating_add(at as u64)
            }),
        _ => index,
    };
    let rung = info
        .bracket_rung
        .map_or(String::new(), |(b, r)| format!(", bracket {b} rung {r}"));
    let ((line, column), key) = scenario.formula_at(e.formula);
    Error::input(format!(
        "{}:{line}:{column}: `{key}` gives {} for {} trial {index}{rung} ({}); it {}",
        scenario.path.display(),
        e.value,
        strategy.name(),
        params.join(", "),
        e.problem
    ))
}

/// A trial holds `devices`, more than the cluster runs at once: where
/// `devices` is written.
pub(crate) fn too_many_devices(scenario: &Scenario, devices: u32) -> Error {
    let (line, column) = scenario.devices_at;
    Error::input(format!(
        "{}:{line}:{column}: {}",
        scenario.path.display(),
        devices_above(devices, scenario.max_concurrent_devices)
    ))
}

/// The words of [`too_many_devices`], for the scenario checker too.
pub(crate) fn devices_above(devices: impl std::fmt::Display, capacity: u32) -> String {
    format!("a trial holds {devices} devices but [execution] max_concurrent_devices is {capacity}; raise it or lower `devices`")
}

/// Trials of equal cost, merged: `count` trials of `work` on `devices`
/// devices, the first of them at index `first`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Group {
    /// Work of one trial (see [`crate::cost`]).
    pub work: f64,
    /// Devices one trial holds.
    pub devices: u32,
    /// Trials in the group.
    pub count: u64,
    /// Lowest trial index in the group (orders ties).
    pub first: u64,
}

/// Evaluate a strategy's trials once: totals, and the schedule length.
///
/// A grid is factored first: trials that differ only in parameters the
/// cost formulas do not read cost the same, so only the sub-grid of the
/// parameters they read is evaluated, each sub-trial weighted by the number
/// of trials it stands for. Equal costs are then merged into groups, and
/// the schedule is computed over groups (see [`makespan`]).
pub fn totals(scenario: &Scenario, strategy: &Strategy) -> Result<StrategyTotals> {
    totals_with(scenario, strategy, &|_, _, _| {})
}

/// [`totals`], telling `progress` how far the evaluation has got.
pub fn totals_with(
    scenario: &Scenario,
    strategy: &Strategy,
    progress: Progress,
) -> Result<StrategyTotals> {
    if *strategy == Strategy::Grid {
        return grid_totals(scenario, progress);
    }
    if strategy.resource().is_some() {
        return adaptive::totals(scenario, strategy);
    }
    let full = JobSet::new(&scenario.params, strategy, scenario.seed).map_err(Error::input)?;
    let runs = scenario.model.runs_per_config(&scenario.params, strategy);
    let phases = vec![evaluate(scenario, strategy, &full, runs, progress)?];
    summarise(scenario, strategy, &phases, runs, full.len())
}

/// A grid's totals, factored over the parameters the cost reads.
fn grid_totals(scenario: &Scenario, progress: Progress) -> Result<StrategyTotals> {
    let strategy = &Strategy::Grid;
    let used = used_params(scenario);
    let (sub, multiplicity) =
        JobSet::grid_factored(&scenario.params, &used).map_err(Error::input)?;
    let multiplicity = multiplicity.saturating_mul(scenario.model.replicates);
    let phases = vec![evaluate(scenario, strategy, &sub, multiplicity, progress)?];
    summarise(scenario, strategy, &phases, multiplicity, sub.len())
}

/// The parameters the cost formulas (work and devices) read.
fn used_params(scenario: &Scenario) -> Vec<bool> {
    let mut used = vec![false; scenario.params.len()];
    for &i in scenario
        .cost
        .work_formula()
        .variables_used()
        .iter()
        .chain(scenario.cost.devices.variables_used())
    {
        used[i] = true;
    }
    used
}

/// Refuse schedules the scheduler cannot compute: a trial wider than the
/// cluster, or too many trials of mixed widths.
fn check_widths(
    scenario: &Scenario,
    strategy: &Strategy,
    phases: &[Tally],
    trials: u64,
) -> Result<()> {
    let capacity = scenario.max_concurrent_devices;
    let (fewest, most) = phases.iter().fold((u32::MAX, 0), |(lo, hi), p| {
        (lo.min(p.devices.0), hi.max(p.devices.1))
    });
    let uniform = fewest >= most;
    let (path, (line, column)) = (scenario.path.display(), scenario.devices_at);
    if !uniform && trials > MIXED_SCHEDULE_LIMIT {
        return Err(Error::input(format!(
            "{path}:{line}:{column}: {} has {} trials holding different numbers of devices; such schedules are computed trial by trial, \
             up to {} trials (make `devices` a constant, or sample fewer trials)",
            strategy.name(),
            crate::units::thousands(trials as f64),
            crate::units::thousands(MIXED_SCHEDULE_LIMIT as f64)
        )));
    }
    let assignments = assignments(phases);
    if !uniform && assignments > MIXED_DEVICE_LIMIT {
        return Err(Error::input(format!(
            "{path}:{line}:{column}: {} has trials holding different numbers of devices, {} device assignments in all; such schedules \
             are computed trial by trial, up to {} (make `devices` a constant, or sample fewer trials)",
            strategy.name(),
            crate::units::thousands(assignments as f64),
            crate::units::thousands(MIXED_DEVICE_LIMIT as f64)
        )));
    }
    if most > capacity {
        return Err(too_many_devices(scenario, most));
    }
    Ok(())
}

/// Totals of a non-adaptive strategy: `phases` of evaluated trials, each
/// standing for `multiplicity` trials; `configurations` distinct ones.
fn summarise(
    scenario: &Scenario,
    strategy: &Strategy,
    phases: &[Tally],
    multiplicity: u64,
    configurations: u64,
) -> Result<StrategyTotals> {
    let trials = phases
        .iter()
        .map(|p| p.len)
        .sum::<u64>()
        .saturating_mul(multiplicity);
    check_widths(scenario, strategy, phases, trials)?;
    // One phase: its sum in index order is the sum over all trials.
    let device_work: f64 = phases.iter().map(|p| p.device_work).sum::<f64>() * multiplicity as f64;
    if !device_work.is_finite() {
        let (line, column) = scenario.work_at;
        return Err(Error::input(format!(
            "{}:{line}:{column}: {}: the trials' `{}` add up to more than a floating-point number holds; it is far too large",
            scenario.path.display(),
            strategy.name(),
            scenario.cost.work_key()
        )));
    }
    let rule = scenario.model.dispatch;
    // The cluster, then each CPU slot factor k: k × its devices.
    let factors = crate::offer::slot_factors(scenario);
    let capacities: Vec<u32> = std::iter::once(1)
        .chain(factors.iter().copied())
        .map(|k| scenario.max_concurrent_devices.saturating_mul(k))
        .collect();
    let spreads = dispatch::spreads(phases, multiplicity, &capacities, rule, scenario.seed);
    let spread = spreads[0];
    let configurations = if *strategy == Strategy::Grid {
        trials
    } else {
        configurations
    };
    let quality = space::quality::of(
        &scenario.params,
        &scenario.model.roles,
        strategy,
        configurations,
        scenario.top_fraction,
        None,
    );
    let slot_makespans = factors
        .into_iter()
        .zip(&spreads[1..])
        .map(|(k, s)| (k, s.p50))
        .collect();
    Ok(StrategyTotals {
        slot_makespans,
        strategy: strategy.clone(),
        trials,
        configurations,
        device_work,
        makespan_work: spread.p50,
        quality: quality.ranked,
        quality_low: quality.low,
        quality_high: quality.high,
        quality_model: quality.model,
        below_target: quality.ranked < scenario.model.quality_target - 1e-12,
        device_work_p10: device_work,
        device_work_p90: device_work,
        device_work_low: device_work,
        device_work_high: device_work,
        makespan_p10: spread.p10,
        makespan_p90: spread.p90,
        schedule_model: schedule_label(rule, dispatch::order(phases, multiplicity, &capacities)),
        launch_devices: mean_devices(phases),
        chain_launches: 1,
        launches: trials as f64,
    })
}

/// Σ over the phases' trials of devices held (saturating).
fn assignments(phases: &[Tally]) -> u64 {
    phases
        .iter()
        .fold(0u64, |a, p| a.saturating_add(p.assigned))
}

/// Mean devices per evaluated trial (each trial is one launch).
fn mean_devices(phases: &[Tally]) -> f64 {
    let trials: u64 = phases.iter().map(|p| p.len).sum();
    assignments(phases) as f64 / trials.max(1) as f64
}

/// How a non-adaptive strategy's wall-clock figure was obtained.
fn schedule_label(rule: scenario::Dispatch, order: dispatch::Order) -> String {
    match (rule, order) {
        (_, dispatch::Order::Bounds) => {
            "Graham's list-scheduling bound: every dispatch order ends by then (p10: the lower bound max(W/k, longest trial))"
                .into()
        }
        (scenario::Dispatch::Lpt, _) => "optimistic bound (longest first)".into(),
        (_, dispatch::Order::TooMany) => {
            "optimistic bound (longest first; p90: Graham's list-scheduling bound)".into()
        }
        (_, dispatch::Order::Negligible) => {
            "longest first: any dispatch order is within 0.01 % of it (p90: Graham's list-scheduling bound)"
                .into()
        }
        (_, dispatch::Order::Simulated) => match rule {
            scenario::Dispatch::Index => "index order".into(),
            _ => format!(
                "random dispatch: median of {} seeded permutations",
                dispatch::PERMUTATIONS
            ),
        },
    }
}

/// Tally the cost of every trial of a job set, evaluated in parallel
/// chunks (see [`tally`]). The first failing trial (lowest index) is
/// reported, whatever the number of threads. Each trial's code is kept
/// only for an order-dependent schedule.
fn evaluate(
    scenario: &Scenario,
    strategy: &Strategy,
    set: &JobSet,
    multiplicity: u64,
    progress: Progress,
) -> Result<Tally> {
    let n = set.len();
    let ordered = scenario.model.dispatch != scenario::Dispatch::Lpt
        && n.saturating_mul(multiplicity) <= dispatch::EXPAND_LIMIT;
    let keep_codes = ordered || scenario.cost.devices.as_constant().is_none();
    let name = strategy.name();
    let report = |done: u64| progress(name, done, n);
    let used = used_params(scenario);
    tally::evaluate(scenario, set, (0, n), (None, &used), keep_codes, &report)
        .map_err(|(i, e)| trial_error(scenario, strategy, set, i, &e))
}

/// Merge trials of equal cost; groups come out longest first, ties by
/// index. Each trial stands for `multiplicity` trials (a factored grid's
/// sub-trials, whose ties are then broken in sub-grid order).
///
/// When every trial holds the same number of devices, trials of equal work
/// all merge, so the groups are the tally's distinct costs, sorted; else
/// the trials are listed in index order (bounded by
/// [`MIXED_SCHEDULE_LIMIT`]) and merged as neighbours.
fn groups(tally: &Tally, multiplicity: u64) -> Vec<Group> {
    if !tally.uniform() {
        return merge_records(tally.records(), multiplicity);
    }
    let mut out: Vec<Group> = (0..tally.costs.len())
        .map(|g| Group {
            work: tally.costs[g].work,
            devices: tally.costs[g].devices,
            count: tally.counts[g].saturating_mul(multiplicity),
            first: tally.first[g],
        })
        .collect();
    out.sort_by(|a, b| b.work.total_cmp(&a.work));
    out
}

/// [`groups`] of trials listed one by one.
fn merge_records(mut costs: Vec<(Cost, u64)>, multiplicity: u64) -> Vec<Group> {
    // Longest first, ties in index order: the scheduling order. Only
    // neighbours in that order merge, so the order is kept exactly.
    costs.sort_by(|(a, i), (b, j)| b.work.total_cmp(&a.work).then(i.cmp(j)));
    let mut out: Vec<Group> = Vec::new();
    for (c, i) in costs {
        match out.last_mut() {
            Some(g) if g.work.to_bits() == c.work.to_bits() && g.devices == c.devices => {
                g.count += multiplicity;
            }
            _ => out.push(Group {
                work: c.work,
                devices: c.devices,
                count: multiplicity,
                first: i,
            }),
        }
    }
    out
}

/// Length of the schedule of `groups` (longest first) on `capacity`
/// devices, in work units.
///
/// The rule: trials start longest first (ties in index order); each waits
/// until as many devices as it holds are free, and takes the devices that
/// freed up first. When every trial holds the same number of devices d,
/// this is longest-processing-time list scheduling on capacity / d slots;
/// equal trials are then placed a whole round at a time whenever no slot
/// is more than one trial behind another (a round then gives every slot
/// one trial and keeps their order), so a group of a million equal trials
/// costs a few heap operations, not a million.
pub fn makespan(groups: &[Group], capacity: u32) -> f64 {
    let Some(first) = groups.first() else {
        return 0.0;
    };
    // Positive finite floats order like their bit patterns.
    let key = |x: f64| Reverse(x.to_bits());
    let time = |k: Reverse<u64>| f64::from_bits(k.0);
    // Every trial starts at once when the cluster holds them all (groups
    // come longest first).
    let demand = groups.iter().fold(0u64, |a, g| {
        a.saturating_add(g.count.saturating_mul(u64::from(g.devices)))
    });
    if demand <= u64::from(capacity) {
        return first.work;
    }
    if groups.iter().all(|g| g.devices == first.devices) {
        let slots = (capacity / first.devices).max(1) as usize;
        // Slot free times relative to `base`; slots not yet in the heap are free at 0.
        let mut free: BinaryHeap<Reverse<u64>> = BinaryHeap::with_capacity(slots);
        let (mut base, mut latest, mut end) = (0.0f64, 0.0f64, 0.0f64);
        for g in groups {
            let mut left = g.count;
            while left > 0 {
                let full = free.len() == slots;
                let earliest = if full {
                    free.peek().map_or(0.0, |&k| time(k))
                } else {
                    0.0
                };
                if full && left >= slots as u64 && latest - earliest <= g.work {
                    // When no slot is more than one trial behind another, a
                    // round of `slots` equal trials gives each slot one, and
                    // keeps their order: place whole rounds at once.
                    let rounds = left / slots as u64;
                    base += rounds as f64 * g.work;
                    end = end.max(base + latest);
                    left -= rounds * slots as u64;
                    continue;
                }
                let start = if full {
                    time(free.pop().expect("full"))
                } else {
                    0.0
                };
                let finish = start + g.work;
                latest = latest.max(finish);
                end = end.max(base + finish);
                free.push(key(finish));
                left -= 1;
            }
        }
        return end;
    }
    let mut free: BinaryHeap<Reverse<u64>> = (0..capacity).map(|_| key(0.0)).collect();
    let mut taken = Vec::new();
    let mut end = 0.0f64;
    for g in groups {
        for _ in 0..g.count {
            taken.clear();
            for _ in 0..g.devices {
                taken.push(time(free.pop().expect("devices ≤ capacity")));
            }
            let start = taken.iter().copied().fold(0.0, f64::max);
            let finish = start + g.work;
            end = end.max(finish);
            for _ in 0..g.devices {
                free.push(key(finish));
            }
        }
    }
    end
}

#[cfg(test)]
mod tests;
