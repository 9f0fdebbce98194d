//! Model FLOPs utilization per device, for the FLOPs model.
//!
//! `mfu = 0.4` or `mfu = { default = 0.4, "H100 SXM" = 0.38 }`. A device's
//! MFU is its own entry in the table if any, else the median measured MFU
//! for the workload and precision (`throughput.csv`: LLM Foundry reports
//! 51–64 % on A100 and 38–46 % on H100 for the same models), else the
//! default (a plain number is the default).

use crate::catalog::Device;

use super::speed::{Speed, SpeedBasis};

/// `[trial] mfu`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mfu {
    /// For devices with neither an entry nor a measurement.
    pub default: Option<f64>,
    /// Entries by canonical device name, in file order.
    pub per_device: Vec<(String, f64)>,
}

impl Mfu {
    /// One figure for every device without a measurement.
    pub fn uniform(value: f64) -> Mfu {
        Mfu {
            default: Some(value),
            per_device: Vec::new(),
        }
    }

    /// The MFU of a device and where it comes from: an entry or a
    /// measurement is `Measured` only when measured; entries and the
    /// default are `Modelled`.
    pub fn of(&self, device: &Device, speed: &Speed) -> Result<(f64, SpeedBasis), String> {
        if let Some((_, v)) = self.per_device.iter().find(|(n, _)| *n == device.name) {
            return Ok((*v, SpeedBasis::Modelled));
        }
        if let Some(v) = speed.measured_mfu(device) {
            return Ok((v, SpeedBasis::Measured));
        }
        self.default
            .map(|v| (v, SpeedBasis::Modelled))
            .ok_or_else(|| {
                format!(
                "no mfu for '{}': nothing is measured for it, and the mfu table has no `default`",
                device.name
            )
            })
    }
}
