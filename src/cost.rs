//! The cost of one trial, as formulas over its hyperparameters, and how
//! that cost moves from one device to another.
//!
//! A trial's cost factors into a device-independent *work* figure and a
//! per-device *multiplier*:
//!
//! ```text
//! reference-hours mode: work = hours formula (h on the reference device)
//!                       multiplier(D) = peak(reference) / peak(D)
//! FLOPs mode:           work = flops formula / devices (FLOP per device)
//!                       multiplier(D) = 1 / (peak(D) × 1e12 × mfu × 3600)
//! hours on D = work × multiplier(D)
//! ```
//!
//! Peaks are the catalog's dense figures at the scenario's precision: FP32
//! (non-tensor) or the 16-bit tensor peak for bf16/fp16. A device with no
//! published peak at that precision cannot take part, except CPUs when the
//! reference is a CPU: their runtime scales by core count instead (a job
//! parallel over cores). Because the multiplier is a constant per device,
//! every schedule and sum over trials is computed once per strategy and
//! scaled per device: the heart of `plan`'s speed.

use crate::catalog::{Device, Kind, Precision, Workload};
use crate::formula::Formula;
use crate::space::TrialInfo;

pub mod mfu;
pub mod speed;

pub use mfu::Mfu;
pub use speed::{Speed, SpeedBasis};

/// Share of its full power a CPU socket draws with every core idle, for
/// `[trial] threads`: SPECpower_ssj2008 results of 2019–2023 two-socket
/// servers put active idle at roughly 20–35 % of full load; 0.3 is taken.
pub const CPU_IDLE_SHARE: f64 = 0.3;

/// What one trial does, independent of the device.
#[derive(Debug, Clone)]
pub enum Work {
    /// Wall-clock hours on a reference device, as a formula.
    ReferenceHours {
        /// The reference device.
        device: Box<Device>,
        /// Hours of one trial on it.
        hours: Formula,
    },
    /// Floating-point operations of one trial, and the achieved fraction of peak.
    Flops {
        /// FLOP of one trial.
        flops: Formula,
        /// Model FLOPs utilization per device (see [`Mfu`]).
        mfu: Mfu,
    },
}

/// The cost model of a scenario's trials.
#[derive(Debug, Clone)]
pub struct TrialCost {
    /// What a trial does.
    pub work: Work,
    /// Devices one trial holds, as a formula (a constant is a formula too).
    pub devices: Formula,
    /// Average power draw as a fraction of TDP.
    pub utilization: f64,
    /// Precision selecting the peak throughput.
    pub precision: Precision,
    /// A measured pilot run the cost model is calibrated to, if any.
    pub calibration: Option<Calibration>,
    /// What the trials train (`[trial] workload`).
    pub workload: Workload,
    /// Speed between devices: measured ratios and the fitted roofline.
    pub speed: Speed,
    /// Cores one CPU trial uses (`[trial] threads`); `None`: the whole chip.
    pub threads: Option<u32>,
}

/// A cost model calibrated to a measured pilot trial (CodeCarbon).
///
/// Time: every trial's work is multiplied by `work_scale`, chosen so that
/// the pilot's parameters give exactly the measured mean duration on the
/// pilot's device. Power: the measured average power per device replaces
/// TDP × utilization on the pilot's device; other devices scale it by
/// their TDP ratio.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// The emissions file.
    pub file: std::path::PathBuf,
    /// Runs in it.
    pub runs: usize,
    /// Mean measured duration of one run, h.
    pub measured_hours: f64,
    /// The device the pilot ran on.
    pub device: Device,
    /// Devices the pilot used.
    pub devices: u32,
    /// Measured average power per device (whole machine's draw shared out), W.
    pub watts_per_device: f64,
    /// Factor applied to every trial's work.
    pub work_scale: f64,
    /// The pilot's parameters, as given.
    pub params: Vec<(String, f64)>,
}

/// Why a trial's cost is not usable.
#[derive(Debug, Clone, PartialEq)]
pub struct TrialError {
    /// Which formula: `hours`, `flops` or `devices`.
    pub formula: &'static str,
    /// What it gave.
    pub value: f64,
    /// What is wrong with it.
    pub problem: &'static str,
}

/// One trial's cost, before the device is chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    /// Device-independent work (see the module docs).
    pub work: f64,
    /// Devices the trial holds.
    pub devices: u32,
}

impl TrialCost {
    /// The formula that gives the work.
    pub fn work_formula(&self) -> &Formula {
        match &self.work {
            Work::ReferenceHours { hours, .. } => hours,
            Work::Flops { flops, .. } => flops,
        }
    }

    /// The name of the work formula's key.
    pub fn work_key(&self) -> &'static str {
        match &self.work {
            Work::ReferenceHours { .. } => "hours",
            Work::Flops { .. } => "flops",
        }
    }

    /// Evaluate one trial. `resource` is the slot of Hyperband's resource
    /// parameter: when the trial resumes from an earlier budget, the work
    /// charged is work(budget) − work(earlier budget). `slots` is restored.
    pub fn evaluate(
        &self,
        slots: &mut [f64],
        info: &TrialInfo,
        resource: Option<usize>,
    ) -> Result<Cost, TrialError> {
        let devices = self.devices.eval(slots);
        check_devices(devices)?;
        let total = checked(self.work_key(), self.work_formula().eval(slots))?;
        let mut work = total;
        if let (Some(previous), Some(slot)) = (info.resumed_from, resource) {
            let budget = slots[slot];
            slots[slot] = previous;
            let before = self.work_formula().eval(slots);
            slots[slot] = budget;
            work = checked(self.work_key(), total - before).map_err(|e| TrialError {
                problem: "must grow with the resource when resuming",
                ..e
            })?;
        }
        if let Some((share, _)) = info.stopped {
            work *= share;
        }
        Ok(self.scaled(work, devices))
    }

    /// The cost of each plain trial (no resume, no early stop) of a batch,
    /// in order, from the values of its `devices` and work formulas
    /// (`totals`): [`TrialCost::evaluate`] without evaluating them, for
    /// callers that evaluate formulas in batches. `each(t, cost)` takes
    /// trial t's cost. The devices check and rounding run once per
    /// run of equal device values (a formula's value is usually the same for
    /// every trial). The error is the first failing trial's, with its place.
    pub fn plain_batch(
        &self,
        devices: &[f64],
        totals: &[f64],
        mut each: impl FnMut(usize, Cost),
    ) -> Result<(), (usize, TrialError)> {
        let mut checked_bits = None;
        let mut rounded = 0;
        for (t, (&d, &total)) in devices.iter().zip(totals).enumerate() {
            if checked_bits != Some(d.to_bits()) {
                check_devices(d).map_err(|e| (t, e))?;
                (checked_bits, rounded) = (Some(d.to_bits()), d.round() as u32);
            }
            let work = checked(self.work_key(), total).map_err(|e| (t, e))?;
            each(t, self.scaled_as(work, d, rounded));
        }
        Ok(())
    }

    /// Work per device and calibration applied.
    fn scaled(&self, work: f64, devices: f64) -> Cost {
        self.scaled_as(work, devices, devices.round() as u32)
    }

    /// [`TrialCost::scaled`] with the devices already rounded.
    fn scaled_as(&self, mut work: f64, devices: f64, rounded: u32) -> Cost {
        if let Work::Flops { .. } = self.work {
            work /= devices;
        }
        if let Some(c) = &self.calibration {
            work *= c.work_scale;
        }
        Cost {
            work,
            devices: rounded,
        }
    }

    /// Average power one device draws while a trial runs, W: TDP ×
    /// utilization, or the calibrated measurement scaled by TDP.
    /// A CPU socket shared by trials of `threads` cores draws its used
    /// share plus [`CPU_IDLE_SHARE`] of the rest: × (idle + (1 − idle) ×
    /// min(1, trials × threads / cores)).
    pub fn power_watts(&self, device: &Device) -> f64 {
        let full = match &self.calibration {
            Some(c) => c.watts_per_device * device.tdp_watts / c.device.tdp_watts,
            None => device.tdp_watts * self.utilization,
        };
        match (self.threads, device.kind, device.cores) {
            (Some(n), Kind::Cpu, Some(cores)) if cores > 0 => {
                let used = f64::from(self.trials_per_device(device) * n) / f64::from(cores);
                full * (CPU_IDLE_SHARE + (1.0 - CPU_IDLE_SHARE) * used.min(1.0))
            }
            _ => full,
        }
    }

    /// Trials one device runs at once: floor(cores / threads) on a CPU
    /// with `threads` (at least 1), else 1.
    pub fn trials_per_device(&self, device: &Device) -> u32 {
        match (self.threads, device.kind, device.cores) {
            (Some(n), Kind::Cpu, Some(cores)) => (cores / n.max(1)).max(1),
            _ => 1,
        }
    }

    /// Hours of one unit of work on `device`, or why the runtime cannot be
    /// scaled to it.
    pub fn multiplier(&self, device: &Device) -> Result<f64, String> {
        self.scale(device).map(|(m, _)| m)
    }

    /// [`TrialCost::multiplier`] with whether the speed is measured or modelled.
    pub fn scale(&self, device: &Device) -> Result<(f64, SpeedBasis), String> {
        crate::catalog::precision::support(device, self.precision)?;
        match &self.work {
            Work::ReferenceHours {
                device: reference, ..
            } => {
                if reference.kind == Kind::Cpu || device.kind == Kind::Cpu {
                    return self.cpu_scale(reference, device);
                }
                crate::catalog::precision::support(reference, self.precision)?;
                self.speed.relative_time(reference, device).ok_or_else(|| {
                    format!(
                        "'{}' or '{}' lacks a {} peak or a memory bandwidth in the catalog, \
                         so its runtime cannot be estimated",
                        reference.name,
                        device.name,
                        precision_name(self.precision)
                    )
                })
            }
            Work::Flops { mfu, .. } => {
                let peak = device.peak_tflops(self.precision).ok_or_else(|| {
                    format!(
                        "'{}' has no published {} peak in the catalog, so its runtime cannot be estimated",
                        device.name,
                        precision_name(self.precision)
                    )
                })?;
                let (mfu, basis) = mfu.of(device, &self.speed)?;
                Ok((1.0 / (peak * 1e12 * mfu * 3600.0), basis))
            }
        }
    }

    /// Between CPUs: per-core speed (base clock) × the cores a trial can
    /// use, min(threads, cores). Without a clock, per-core speeds are taken
    /// as equal.
    fn cpu_scale(&self, reference: &Device, device: &Device) -> Result<(f64, SpeedBasis), String> {
        match (reference.kind, device.kind, reference.cores, device.cores) {
            (Kind::Cpu, Kind::Cpu, Some(a), Some(b)) if a > 0 && b > 0 => {
                let used = |c: u32| f64::from(self.threads.map_or(c, |n| n.min(c)));
                let clock = match (reference.core_ghz, device.core_ghz) {
                    (Some(r), Some(d)) => r / d,
                    _ => 1.0,
                };
                let basis = if reference.name == device.name {
                    SpeedBasis::Measured
                } else {
                    SpeedBasis::Modelled
                };
                Ok((clock * used(a) / used(b), basis))
            }
            (Kind::Cpu, Kind::Cpu, _, _) => Err(format!(
                "'{}' or '{}' has no core count in the catalog",
                reference.name, device.name
            )),
            _ => Err(format!(
                "cannot scale runtime between a CPU and an accelerator ('{}' and '{}'); \
                 list CPUs only, or accelerators only",
                reference.name, device.name
            )),
        }
    }
}

/// A `devices` value must be a whole number of at least 1.
fn check_devices(devices: f64) -> Result<(), TrialError> {
    if !(devices.is_finite() && devices >= 1.0) {
        return Err(TrialError {
            formula: "devices",
            value: devices,
            problem: "must be at least 1",
        });
    }
    if (devices - devices.round()).abs() > 1e-9 || devices > f64::from(u32::MAX) {
        return Err(TrialError {
            formula: "devices",
            value: devices,
            problem: "must be a whole number (wrap the formula in ceil() to round up)",
        });
    }
    Ok(())
}

fn checked(formula: &'static str, value: f64) -> Result<f64, TrialError> {
    if !value.is_finite() {
        Err(TrialError {
            formula,
            value,
            problem: "must be a finite number",
        })
    } else if value <= 0.0 {
        Err(TrialError {
            formula,
            value,
            problem: "must be positive",
        })
    } else {
        Ok(value)
    }
}

/// The precision's name as users write it.
pub fn precision_name(p: Precision) -> &'static str {
    match p {
        Precision::Fp32 => "fp32",
        Precision::Bf16 => "bf16",
        Precision::Fp16 => "fp16",
        Precision::Tf32 => "tf32",
        Precision::Fp8 => "fp8",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn model(hours: &str, devices: &str) -> TrialCost {
        let catalog = Catalog::bundled().unwrap();
        TrialCost {
            work: Work::ReferenceHours {
                device: Box::new(catalog.device("V100 SXM2 16GB").unwrap().clone()),
                hours: Formula::parse(hours, &["epochs"]).unwrap(),
            },
            devices: Formula::parse(devices, &["epochs"]).unwrap(),
            utilization: 1.0,
            precision: Precision::Fp32,
            calibration: None,
            workload: Workload::Generic,
            speed: Speed::new(&catalog, Workload::Generic, Precision::Fp32),
            threads: None,
        }
    }

    #[test]
    fn reference_hours_scale_by_peak_ratio() {
        let catalog = Catalog::bundled().unwrap();
        let cost = model("2 * epochs", "8");
        let v100 = catalog.device("V100 SXM2 16GB").unwrap();
        let a100 = catalog.device("A100 SXM4 40GB").unwrap();
        assert_eq!(cost.multiplier(v100).unwrap(), 1.0);
        // Nothing is measured at fp32 for `generic`: the roofline
        // (1/19.5 + 2 rho/1.555) / (1/15.7 + 2 rho/0.900), TFLOPS and TB/s,
        // fp32 elements being twice 16-bit ones.
        let rho = cost.speed.rho;
        let expected = (1.0 / 19.5 + 2.0 * rho / 1.555) / (1.0 / 15.7 + 2.0 * rho / 0.9);
        let (m, basis) = cost.scale(a100).unwrap();
        assert!((m - expected).abs() < 1e-12, "{m} {expected}");
        assert_eq!(basis, SpeedBasis::Modelled);
        // 2 × 3 epochs = 6 h on the reference, 8 devices.
        let c = cost
            .evaluate(&mut [3.0], &TrialInfo::default(), None)
            .unwrap();
        assert_eq!(
            c,
            Cost {
                work: 6.0,
                devices: 8
            }
        );
    }

    #[test]
    fn batch_costs_are_the_trial_costs_and_stop_at_the_first_bad_one() {
        // devices = epochs (one formula value per trial), hours = 2 × epochs.
        // Runs of equal device values share one check; the oracle is
        // evaluate, trial by trial.
        let cost = model("2 * epochs", "epochs");
        let epochs = [2.0, 2.0, 3.0, 3.0, 2.0, 1.5, 4.0];
        let totals: Vec<f64> = epochs.iter().map(|e| 2.0 * e).collect();
        let mut got = Vec::new();
        let failed = cost.plain_batch(&epochs, &totals, |t, c| got.push((t, c)));
        // Trial 5 holds 1.5 devices: not a whole number, so it stops there.
        let (at, e) = failed.unwrap_err();
        assert_eq!((at, e.formula, e.value), (5, "devices", 1.5));
        assert_eq!(got.len(), 5);
        for (t, c) in got {
            let want = cost.evaluate(&mut [epochs[t]], &TrialInfo::default(), None);
            assert_eq!(Ok(c), want, "trial {t}");
        }
        // Work checked after devices: a zero total fails as hours.
        let (at, e) = cost
            .plain_batch(&[2.0, 2.0], &[4.0, 0.0], |_, _| {})
            .unwrap_err();
        assert_eq!((at, e.formula), (1, "hours"));
    }

    #[test]
    fn resume_charges_only_the_extra_budget() {
        let cost = model("2 * epochs", "1");
        let info = TrialInfo {
            resumed_from: Some(3.0),
            ..TrialInfo::default()
        };
        let mut slots = [9.0];
        // 2 × 9 − 2 × 3 = 12 h.
        assert_eq!(
            cost.evaluate(&mut slots, &info, Some(0)).unwrap().work,
            12.0
        );
        assert_eq!(slots, [9.0]);
    }

    #[test]
    fn bad_values_are_reported() {
        let cost = model("epochs - 5", "1");
        let err = cost
            .evaluate(&mut [5.0], &TrialInfo::default(), None)
            .unwrap_err();
        assert_eq!(
            (err.formula, err.value, err.problem),
            ("hours", 0.0, "must be positive")
        );
        let cost = model("1", "epochs / 2");
        let err = cost
            .evaluate(&mut [3.0], &TrialInfo::default(), None)
            .unwrap_err();
        assert_eq!(err.formula, "devices");
        assert!(err.problem.contains("whole number"));
    }

    #[test]
    fn flops_mode_divides_by_devices_and_peak() {
        let catalog = Catalog::bundled().unwrap();
        let h100 = catalog.device("H100 SXM").unwrap();
        let cost = TrialCost {
            work: Work::Flops {
                flops: Formula::parse("3.6e18", &[]).unwrap(),
                mfu: Mfu::uniform(0.5),
            },
            devices: Formula::parse("2", &[]).unwrap(),
            utilization: 1.0,
            precision: Precision::Bf16,
            calibration: None,
            workload: Workload::Generic,
            speed: Speed::new(&catalog, Workload::Generic, Precision::Bf16),
            threads: None,
        };
        let c = cost.evaluate(&mut [], &TrialInfo::default(), None).unwrap();
        // 3.6e18 FLOP over 2 devices = 1.8e18 each.
        assert_eq!(c.work, 1.8e18);
        // hours = 1.8e18 / (peak × 1e12 × 0.5 × 3600)
        let hours = c.work * cost.multiplier(h100).unwrap();
        let expected = 1.8e18 / (h100.tensor16_tflops.unwrap() * 1e12 * 0.5 * 3600.0);
        assert!((hours / expected - 1.0).abs() < 1e-12);
    }
}
