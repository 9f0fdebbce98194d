//! Options: each strategy's totals on every (device, site) pair, with
//! energy, emissions, wall-clock, embodied share and, where a window and an
//! hourly profile allow, the chosen start time.

use super::*;

/// Most options (strategy × device × site placement) a plan evaluates.
pub const MAX_OPTIONS: usize = 200_000;

/// Every option of a scenario, given each strategy's totals: strategies in
/// order, then hardware, then sites.
pub fn options(scenario: &Scenario, totals: &[StrategyTotals]) -> Result<Vec<Evaluated>> {
    let embodied: Vec<f64> = scenario
        .hardware
        .iter()
        .map(|d| scenario.embodied.lifecycle(d).kg_per_device_hour())
        .collect();
    let multipliers: Vec<(f64, crate::cost::SpeedBasis)> = scenario
        .hardware
        .iter()
        .map(|d| scenario.cost.scale(d).map_err(Error::input))
        .collect::<Result<_>>()?;
    // Each site once, starting at once; a site with an hourly profile also
    // a second time, at its best start within the deadline, so the front
    // shows what waiting buys.
    let placements: Vec<(usize, bool)> = (0..scenario.sites.len())
        .flat_map(|r| {
            let profiled = scenario.window.as_ref().is_some_and(|w| {
                scenario.sites[r]
                    .grid_zone
                    .as_ref()
                    .is_some_and(|z| w.profiles.contains_key(z))
            });
            std::iter::once((r, false)).chain(profiled.then_some((r, true)))
        })
        .collect();
    // Evaluated pairs in hardware then site order, each site with its placements.
    let jobs: Vec<(&crate::offer::SitePair, bool)> = scenario
        .pairs
        .iter()
        .flat_map(|p| {
            placements
                .iter()
                .filter(move |(r, _)| *r == p.site)
                .map(move |&(_, wait)| (p, wait))
        })
        .collect();
    let per_strategy = jobs.len();
    let count = totals.len().saturating_mul(per_strategy);
    if count > MAX_OPTIONS {
        return Err(Error::input(format!(
            "{} strategies × {per_strategy} hardware–site placements make {count} options, above the limit of {MAX_OPTIONS}; name fewer hardware or region candidates",
            totals.len(),
        )));
    }
    let options: Vec<Evaluated> = (0..totals.len() * per_strategy)
        .into_par_iter()
        .map(|k| {
            let (s, (pair, wait)) = (k / per_strategy, jobs[k % per_strategy]);
            let (h, r) = (pair.hardware, pair.site);
            let device = (&scenario.hardware[h], multipliers[h].0, embodied[h]);
            let mut o = evaluate_option(
                scenario,
                &totals[s],
                (s, h, r),
                device,
                &scenario.sites[r],
                wait,
            );
            o.availability = pair.availability;
            o.cost_usd = pair.usd_per_device_hour.map(|p| p * o.charged_device_hours);
            o.speed_basis = multipliers[h].1;
            o
        })
        .collect();
    // A best start that is the start itself repeats the start-at-once option.
    let mut keep = vec![false; options.len()];
    for (i, o) in options.iter().enumerate() {
        keep[i] = o.wait_hours > 0.0 || i == 0 || !same_option(&options[i - 1], o);
    }
    Ok(options
        .into_iter()
        .zip(keep)
        .filter(|(_, keep)| *keep)
        .map(|(o, _)| o)
        .collect())
}

/// Same strategy, device and site.
fn same_option(a: &Evaluated, b: &Evaluated) -> bool {
    (a.strategy, a.hardware, a.site) == (b.strategy, b.hardware, b.site)
}

fn evaluate_option(
    scenario: &Scenario,
    totals: &StrategyTotals,
    (strategy, hardware, site): (usize, usize, usize),
    (device, multiplier, kg_per_device_hour): (&Device, f64, f64),
    region: &Region,
    wait: bool,
) -> Evaluated {
    // A CPU socket running k trials at once: socket-hours are trial-hours / k,
    // and the schedule has k slots per socket.
    let k = scenario.cost.trials_per_device(device);
    let makespan_work = totals
        .slot_makespans
        .iter()
        .find(|(f, _)| *f == k)
        .map_or(totals.makespan_work, |(_, m)| *m);
    let run = scenario.execution.run(
        execution::Launches {
            count: totals.launches,
            devices: totals.launch_devices,
            chain: totals.chain_launches,
        },
        execution::Compute {
            device_hours: totals.device_work * multiplier / f64::from(k),
            run_hours: makespan_work * multiplier,
            devices: f64::from(scenario.max_concurrent_devices),
            per_device: f64::from(k),
        },
    );
    let device_hours = Hours(run.busy_device_hours);
    let power = Watts(scenario.cost.power_watts(device));
    let idle = Watts(scenario.execution.idle_watts(device));
    let energy = estimate::energy(device_hours, power, 1.0, region.pue)
        + estimate::energy(Hours(run.idle_device_hours), idle, 1.0, region.pue);
    let run_hours = run.run_hours;
    let timing = start_time(scenario, region, run_hours, wait);
    let intensity = timing.map_or(region.intensity_g_per_kwh, |t| t.intensity);
    let emissions = estimate::emissions(energy, GPerKwh(intensity));
    let wait_hours = timing.map_or(0.0, |t| t.wait_hours);
    let wall_hours = wait_hours + scenario.execution.queue_wait_hours + run_hours;
    Evaluated {
        strategy,
        hardware,
        site,
        trials: totals.trials,
        device_hours: device_hours.get(),
        wall_hours,
        energy_kwh: energy.get(),
        emissions_kg: emissions.get(),
        offset_kg: emissions.get() * region.offset_pct / 100.0,
        embodied_kg: run.charged_device_hours * kg_per_device_hour,
        wait_hours,
        intensity_g_per_kwh: intensity,
        meets_deadline: scenario
            .window
            .as_ref()
            .is_none_or(|w| wall_hours <= w.deadline_hours),
        availability: crate::catalog::Availability::Offered,
        cost_usd: None,
        speed_basis: crate::cost::SpeedBasis::Modelled,
        utilization: run.utilization,
        charged_device_hours: run.charged_device_hours,
    }
}

/// The chosen start of a sweep in a region with an hourly profile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StartTime {
    /// Hours waited after `[execution] start`.
    pub wait_hours: f64,
    /// Mean intensity over the run from that start, g CO2eq/kWh.
    pub intensity: f64,
}

/// With `[execution] start` and `deadline_hours`, and an hourly profile for
/// the region: starting at once (`wait` false), or at the start that
/// minimises emissions while the sweep still ends by the deadline (whole
/// hours after `start`; O(1) per candidate by prefix sums). Power is taken
/// as constant over the run. A sweep longer than the deadline starts at
/// once. `None` without a window or a profile.
pub fn start_time(
    scenario: &Scenario,
    region: &Region,
    run_hours: f64,
    wait: bool,
) -> Option<StartTime> {
    let window = scenario.window.as_ref()?;
    let profile = window.profiles.get(region.grid_zone.as_ref()?)?;
    if !(run_hours.is_finite() && run_hours > 0.0) {
        return None;
    }
    let (from, _) = hourly::position(profile, window.start);
    let slack = window.deadline_hours - run_hours;
    if slack < 0.0 || !wait {
        return Some(StartTime {
            wait_hours: 0.0,
            intensity: profile.mean(from, run_hours),
        });
    }
    let (best, intensity) = profile.best_start(from, slack, run_hours);
    Some(StartTime {
        wait_hours: best - from,
        intensity,
    })
}
