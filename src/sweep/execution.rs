//! Execution overheads and reserved capacity: what a sweep costs beyond
//! its trials' compute.
//!
//! Given one option's compute (busy device-hours `H₀` and run wall-clock
//! `W₀` from the schedule), the scenario's `[trial] overhead_hours` o,
//! `[execution] queue_wait_hours` q, `failure_rate_per_device_hour` λ,
//! `checkpoint_hours` c, `restart_hours` r and `capacity`, with n launches
//! of d̄ devices on average, C devices (`max_concurrent_devices`) and k
//! trials per device (CPU sockets with `threads`; else 1):
//!
//! - **Overhead** (start-up, data loading, every launch: each trial, each
//!   rung of Hyperband and ASHA, each resume; for those two, n and d̄ are the
//!   means over the simulated runs): o · n · d̄ / k device-hours;
//!   in wall-clock o · L, with L = max(⌈n · d̄ / (C · k)⌉, chain) launches
//!   per slot, `chain` being the launches on the longest dependency chain
//!   (1 for independent trials, the rungs of a Hyperband or ASHA ladder).
//!   L is exact for equal trials without barriers and an estimate otherwise.
//! - **Rework** (first-order, Young 1974; Daly 2006): failures arrive at λ
//!   per device-hour, so F = λ · H expected failures over the H = H₀ +
//!   overhead device-hours held. Each loses on average half a checkpoint
//!   interval of work (half a trial, T̄ = H · k / (n · d̄) hours, without
//!   checkpointing; the interval is capped at T̄) plus the restart, on the
//!   trial's d̄ devices: rework = F · (min(c, T̄)/2 + r) · d̄ / k
//!   device-hours. Every trial is stretched by the same expected share, so
//!   wall-clock grows by the factor 1 + rework / H.
//! - **Queue wait** q is added once to the wall-clock (waiting for the
//!   first allocation); it uses no energy.
//! - **Reserved capacity** holds the C devices for the whole run: reserved
//!   device-hours R = C · W (W the run's wall-clock, waiting excluded); the
//!   idle device-hours R − busy draw idle power, and embodied emissions
//!   (and the price) are charged on all of R. Shared capacity charges only
//!   the busy device-hours.
//!
//! `utilization` = busy / (C · W) in both cases: under `reserved`, the
//! share of the reservation used; under `shared`, the share a reservation
//! would have used.

/// Share of TDP an idle accelerator draws when neither the catalog
/// (`idle_watts`) nor the scenario (`[execution] idle_fraction`) gives one:
/// Cloud Carbon Footprint's coefficients (Teads dataset,
/// `ccf-coefficients/data/aws-instances.csv`, 2021) put one V100 at 34.8 W
/// idle against 305.6 W at full load, and T4 and A100 at the same ratio,
/// 0.114.
pub const GPU_IDLE_FRACTION: f64 = 0.114;

/// Who pays for the cluster's idle time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Capacity {
    /// Devices are taken from a shared pool and given back: only busy
    /// device-hours are charged (the default).
    #[default]
    Shared,
    /// `max_concurrent_devices` devices are held for the whole run.
    Reserved,
}

impl Capacity {
    /// Its name in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Capacity::Shared => "shared",
            Capacity::Reserved => "reserved",
        }
    }
}

/// `[trial] overhead_hours` and the `[execution]` keys of this module; all
/// zero (or absent) by default, which leaves the compute figures unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Execution {
    /// Hours of start-up per launch, h.
    pub overhead_hours: f64,
    /// Hours waited in the queue before the sweep starts, h.
    pub queue_wait_hours: f64,
    /// Failures per device-hour.
    pub failure_rate_per_device_hour: f64,
    /// Hours between checkpoints; `None`: no checkpointing (a failed trial restarts from scratch).
    pub checkpoint_hours: Option<f64>,
    /// Hours to restart a failed trial, h.
    pub restart_hours: f64,
    /// Shared or reserved capacity.
    pub capacity: Capacity,
    /// `[execution] idle_fraction`: overrides the default share of TDP drawn idle.
    pub idle_fraction: Option<f64>,
}

/// The launches of one strategy, whatever the device.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Launches {
    /// Trials launched (n).
    pub count: f64,
    /// Mean devices per launch (d̄).
    pub devices: f64,
    /// Launches on the longest dependency chain.
    pub chain: u64,
}

/// One option's compute, as the schedule gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Compute {
    /// Busy device-hours of the trials alone (H₀).
    pub device_hours: f64,
    /// Wall-clock of the run (W₀), h.
    pub run_hours: f64,
    /// Devices of the cluster (C).
    pub devices: f64,
    /// Trials per device (k).
    pub per_device: f64,
}

/// One option with overheads, rework and capacity applied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Run {
    /// Busy device-hours: compute, overhead and rework.
    pub busy_device_hours: f64,
    /// Wall-clock of the run, queue wait excluded, h.
    pub run_hours: f64,
    /// Device-hours charged embodied emissions and price: busy (shared) or reserved.
    pub charged_device_hours: f64,
    /// Reserved device-hours not busy (0 under shared capacity).
    pub idle_device_hours: f64,
    /// Busy / (devices × run hours), in [0, 1].
    pub utilization: f64,
}

impl Execution {
    /// Apply overheads, rework and capacity to one option's compute.
    pub fn run(&self, launches: Launches, compute: Compute) -> Run {
        let Compute {
            device_hours: h0,
            run_hours: w0,
            devices: c,
            per_device: k,
        } = compute;
        let (n, d) = (launches.count, launches.devices);
        let overhead_dh = self.overhead_hours * n * d / k;
        let per_slot = if n > 0.0 {
            (n * d / (c * k)).ceil().max(launches.chain as f64)
        } else {
            0.0
        };
        let held = h0 + overhead_dh;
        let rework = self.rework(held, n, d, k);
        let stretch = if held > 0.0 { 1.0 + rework / held } else { 1.0 };
        let run_hours = (w0 + self.overhead_hours * per_slot) * stretch;
        let busy = held + rework;
        let slots_hours = c * run_hours;
        let utilization = if slots_hours > 0.0 {
            (busy / slots_hours).min(1.0)
        } else {
            1.0
        };
        let (charged, idle) = match self.capacity {
            Capacity::Shared => (busy, 0.0),
            Capacity::Reserved => (slots_hours.max(busy), (slots_hours - busy).max(0.0)),
        };
        Run {
            busy_device_hours: busy,
            run_hours,
            charged_device_hours: charged,
            idle_device_hours: idle,
            utilization,
        }
    }

    /// Expected rework device-hours of `held` device-hours in n launches of
    /// d̄ devices, k trials per device (see the module documentation).
    fn rework(&self, held: f64, n: f64, d: f64, k: f64) -> f64 {
        if self.failure_rate_per_device_hour == 0.0 || n == 0.0 || d == 0.0 {
            return 0.0;
        }
        let failures = self.failure_rate_per_device_hour * held;
        let trial_hours = held * k / (n * d);
        let lost = self
            .checkpoint_hours
            .map_or(trial_hours, |c| c.min(trial_hours))
            / 2.0;
        failures * (lost + self.restart_hours) * d / k
    }

    /// Watts one idle device draws: the catalog's `idle_watts`, else
    /// `idle_fraction` (the scenario's, or the default for its kind) × TDP.
    pub fn idle_watts(&self, device: &crate::catalog::Device) -> f64 {
        if let Some(w) = device.idle_watts {
            return w;
        }
        let fraction = self.idle_fraction.unwrap_or(match device.kind {
            crate::catalog::Kind::Cpu => crate::cost::CPU_IDLE_SHARE,
            _ => GPU_IDLE_FRACTION,
        });
        fraction * device.tdp_watts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * b.abs().max(1.0)
    }

    const TEN: Launches = Launches {
        count: 10.0,
        devices: 2.0,
        chain: 1,
    };
    const COMPUTE: Compute = Compute {
        device_hours: 40.0,
        run_hours: 5.0,
        devices: 8.0,
        per_device: 1.0,
    };

    #[test]
    fn defaults_change_nothing_but_report_utilization() {
        // 10 trials of 2 devices × 2 h = 40 device-hours on 8 devices in 5 h:
        // utilization 40 / (8 × 5) = 1.0.
        let r = Execution::default().run(TEN, COMPUTE);
        assert_eq!((r.busy_device_hours, r.run_hours), (40.0, 5.0));
        assert_eq!((r.charged_device_hours, r.idle_device_hours), (40.0, 0.0));
        assert!(close(r.utilization, 1.0));
    }

    #[test]
    fn overhead_per_launch_in_device_hours_and_per_slot_in_wall_clock() {
        // o = 0.25 h: 10 launches × 2 devices × 0.25 = 5 device-hours → 45.
        // Launches per slot ⌈10 × 2 / 8⌉ = 3 → wall 5 + 3 × 0.25 = 5.75 h.
        let e = Execution {
            overhead_hours: 0.25,
            ..Execution::default()
        };
        let r = e.run(TEN, COMPUTE);
        assert!(close(r.busy_device_hours, 45.0));
        assert!(close(r.run_hours, 5.75));
        // A chain of 4 rungs dominates ⌈20 / 8⌉ = 3: 5 + 4 × 0.25 = 6 h.
        let r = e.run(Launches { chain: 4, ..TEN }, COMPUTE);
        assert!(close(r.run_hours, 6.0));
    }

    #[test]
    fn rework_follows_young_first_order_model() {
        // λ = 0.01 per device-hour on 40 device-hours: 0.4 failures.
        // Trial length T̄ = 40 / (10 × 2) = 2 h; checkpoint every 1 h loses
        // 0.5 h, restart 0.1 h: 0.6 h on 2 devices = 1.2 device-hours each,
        // rework 0.4 × 1.2 = 0.48 → busy 40.48; wall 5 × 40.48 / 40 = 5.06.
        let e = Execution {
            failure_rate_per_device_hour: 0.01,
            checkpoint_hours: Some(1.0),
            restart_hours: 0.1,
            ..Execution::default()
        };
        let r = e.run(TEN, COMPUTE);
        assert!(close(r.busy_device_hours, 40.48));
        assert!(close(r.run_hours, 5.06));
        // Without checkpointing half a trial (1 h) is lost: 0.4 × 1.1 × 2 = 0.88.
        let r = Execution {
            checkpoint_hours: None,
            ..e
        }
        .run(TEN, COMPUTE);
        assert!(close(r.busy_device_hours, 40.88));
        // A checkpoint interval longer than the trial is capped at the trial.
        let r = Execution {
            checkpoint_hours: Some(10.0),
            ..e
        }
        .run(TEN, COMPUTE);
        assert!(close(r.busy_device_hours, 40.88));
    }

    #[test]
    fn reserved_capacity_charges_the_idle_device_hours() {
        // 8 devices reserved for 10 h = 80 device-hours, 40 busy: 40 idle,
        // utilization 0.5, 80 charged for embodied emissions.
        let compute = Compute {
            run_hours: 10.0,
            ..COMPUTE
        };
        let e = Execution {
            capacity: Capacity::Reserved,
            ..Execution::default()
        };
        let r = e.run(TEN, compute);
        assert_eq!(
            (r.charged_device_hours, r.idle_device_hours, r.utilization),
            (80.0, 40.0, 0.5)
        );
        // Shared: the same utilization, nothing idle charged.
        let r = Execution::default().run(TEN, compute);
        assert_eq!(
            (r.charged_device_hours, r.idle_device_hours, r.utilization),
            (40.0, 0.0, 0.5)
        );
    }

    #[test]
    fn idle_power_from_catalog_else_fraction_of_tdp() {
        let catalog = crate::catalog::Catalog::bundled().unwrap();
        let mut v100 = catalog.device("V100 SXM2 16GB").unwrap().clone();
        // 0.114 × 300 W = 34.2 W (CCF: 34.8 W of 305.6 W).
        assert!(close(Execution::default().idle_watts(&v100), 34.2));
        let e = Execution {
            idle_fraction: Some(0.2),
            ..Execution::default()
        };
        assert!(close(e.idle_watts(&v100), 60.0));
        v100.idle_watts = Some(40.0);
        assert_eq!(e.idle_watts(&v100), 40.0);
    }
}
