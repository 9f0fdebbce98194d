//! Embodied emissions: the share of a device's and its server's
//! manufacturing emissions that a run "uses up".
//!
//! ```text
//! embodied_kg = device_hours × (device_kg + server_kg / devices_per_server)
//!               / (lifetime_years × 8,760 × lifetime_utilization)
//! ```
//!
//! Defaults: a 6-year lifetime at 85% utilization, the assumptions Luccioni,
//! Viguier & Ligozat (2023, "Estimating the Carbon Footprint of BLOOM",
//! JMLR 24(253)) used to amortise their GPUs and servers. Per-device figures
//! come from `hardware.csv` (`embodied_device_kg`, `embodied_server_kg`,
//! `devices_per_server`, with sources in `embodied_source`).

use serde::Serialize;

use crate::catalog::Device;
use crate::error::{Error, Given, Result};
use crate::units::{Hours, KgCo2e};

/// Default service life of a device, years (Luccioni et al. 2023).
pub const LIFETIME_YEARS: f64 = 6.0;

/// Default share of its life a device is busy (Luccioni et al. 2023).
pub const LIFETIME_UTILIZATION: f64 = 0.85;

/// Hours in a (non-leap) year.
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// The figures embodied emissions are amortised with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Lifecycle {
    /// Manufacturing emissions of one device, kg CO2eq.
    pub device_kg: f64,
    /// Manufacturing emissions of its host server, kg CO2eq.
    pub server_kg: f64,
    /// Devices per server.
    pub devices_per_server: f64,
    /// Service life, years.
    pub lifetime_years: f64,
    /// Share of the service life the device is busy, in (0, 1].
    pub lifetime_utilization: f64,
}

/// Overrides of the catalog's and the default figures; `None` keeps them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Overrides {
    /// kg CO2eq per device.
    pub device_kg: Option<f64>,
    /// kg CO2eq per server.
    pub server_kg: Option<f64>,
    /// Devices per server.
    pub devices_per_server: Option<f64>,
    /// Years.
    pub lifetime_years: Option<f64>,
    /// Fraction.
    pub lifetime_utilization: Option<f64>,
}

impl Overrides {
    /// Check the overrides' ranges; an error names the figure
    /// ([`Error::Value`]), for the caller to word as a flag or a key.
    pub fn check(&self) -> Result<()> {
        let bad = |given: Given, v: f64, rule: &str| {
            Error::value(given, format!("must be {rule}, not {v}"))
        };
        for (given, v) in [
            (Given::DeviceKg, self.device_kg),
            (Given::ServerKg, self.server_kg),
        ] {
            if let Some(v) = v.filter(|v| !(v.is_finite() && *v >= 0.0)) {
                return Err(bad(given, v, "zero or more kg CO2eq"));
            }
        }
        if let Some(v) = self
            .devices_per_server
            .filter(|v| !(v.is_finite() && *v >= 1.0))
        {
            return Err(bad(Given::DevicesPerServer, v, "at least 1"));
        }
        if let Some(v) = self.lifetime_years.filter(|v| !(v.is_finite() && *v > 0.0)) {
            return Err(bad(Given::LifetimeYears, v, "a positive number of years"));
        }
        if let Some(v) = self
            .lifetime_utilization
            .filter(|v| !(v.is_finite() && *v > 0.0 && *v <= 1.0))
        {
            return Err(bad(
                Given::LifetimeUtilization,
                v,
                "a fraction within (0, 1]",
            ));
        }
        Ok(())
    }

    /// The lifecycle figures of a device, with these overrides applied.
    pub fn lifecycle(&self, device: &Device) -> Lifecycle {
        Lifecycle {
            device_kg: self.device_kg.unwrap_or(device.embodied_device_kg),
            server_kg: self.server_kg.unwrap_or(device.embodied_server_kg),
            devices_per_server: self.devices_per_server.unwrap_or(device.devices_per_server),
            lifetime_years: self.lifetime_years.unwrap_or(LIFETIME_YEARS),
            lifetime_utilization: self.lifetime_utilization.unwrap_or(LIFETIME_UTILIZATION),
        }
    }
}

impl Lifecycle {
    /// kg CO2eq per device-hour.
    pub fn kg_per_device_hour(&self) -> f64 {
        (self.device_kg + self.server_kg / self.devices_per_server)
            / (self.lifetime_years * HOURS_PER_YEAR * self.lifetime_utilization)
    }

    /// Embodied emissions of some device-hours.
    pub fn embodied(&self, device_hours: Hours) -> KgCo2e {
        KgCo2e(device_hours.get() * self.kg_per_device_hour())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_example() {
        // 1,000 GPU-hours × (150 + 2,500 / 8) / (6 × 8,760 × 0.85)
        // = 1,000 × 462.5 / 44,676 = 10.352 kg.
        let l = Lifecycle {
            device_kg: 150.0,
            server_kg: 2500.0,
            devices_per_server: 8.0,
            lifetime_years: 6.0,
            lifetime_utilization: 0.85,
        };
        let kg = l.embodied(Hours(1000.0)).get();
        assert!((kg - 462_500.0 / 44_676.0).abs() < 1e-12);
        assert!((kg - 10.35).abs() < 0.005);
    }

    #[test]
    fn overrides_are_checked() {
        let o = Overrides {
            lifetime_utilization: Some(1.5),
            ..Overrides::default()
        };
        match o.check().unwrap_err() {
            Error::Value { given, problem } => {
                assert_eq!(given, Given::LifetimeUtilization);
                assert_eq!(problem, "must be a fraction within (0, 1], not 1.5");
            }
            e => panic!("not a value error: {e}"),
        }
        assert!(Overrides::default().check().is_ok());
    }
}
