//! Which (device, site) pairs a plan evaluates: a device is paired with a
//! cloud region only where the region offers it (`offerings.csv`), kept as
//! `unknown` where the catalog does not know, and always with `country:`
//! sites; `any_hardware` pairs everything. Each pair carries its on-demand
//! price per device-hour, when known.

use crate::catalog::offerings::{self, Availability};
use crate::catalog::{Catalog, Device, Region};
use crate::scenario::Exclusion;

/// One evaluated (device, site) pair.
#[derive(Debug, Clone, PartialEq)]
pub struct SitePair {
    /// Index into the scenario's hardware.
    pub hardware: usize,
    /// Index into the scenario's sites.
    pub site: usize,
    /// Offered, or unknown.
    pub availability: Availability,
    /// On-demand USD per device-hour (instance price / devices per instance).
    pub usd_per_device_hour: Option<f64>,
    /// The instance type priced.
    pub instance_type: Option<String>,
}

/// The pairs to evaluate, hardware then site order, and the pairs left out.
/// An error when nothing is left.
pub fn pairs(
    catalog: &Catalog,
    hardware: &[Device],
    sites: &[Region],
    any_hardware: bool,
) -> Result<(Vec<SitePair>, Vec<Exclusion>), String> {
    let mut kept = Vec::new();
    let mut left_out = Vec::new();
    let index = offerings::Index::new(&catalog.offerings, &catalog.coverage);
    for (h, device) in hardware.iter().enumerate() {
        for (r, site) in sites.iter().enumerate() {
            let (availability, offer) = index.lookup(device, site);
            if availability == Availability::NotOffered && !any_hardware {
                left_out.push(Exclusion {
                    hardware: device.name.clone(),
                    region: Some(site.key()),
                    reason: format!("{} does not offer it (offerings.csv)", site.key()),
                });
                continue;
            }
            kept.push(SitePair {
                hardware: h,
                site: r,
                availability: match availability {
                    Availability::NotOffered => Availability::Unknown,
                    a => a,
                },
                usd_per_device_hour: offer.and_then(|o| o.usd_per_device_hour()),
                instance_type: offer.map(|o| o.instance_type.clone()),
            });
        }
    }
    if kept.is_empty() {
        return Err(format!(
            "no candidate device is offered in any candidate region ({} pairs left out); \
             add regions that offer them, or plan with any hardware",
            left_out.len()
        ));
    }
    Ok((kept, left_out))
}

/// The distinct numbers of CPU trials per socket above 1 that the
/// scenario's devices need (`[trial] threads`), ascending.
pub fn slot_factors(scenario: &crate::scenario::Scenario) -> Vec<u32> {
    let mut k: Vec<u32> = scenario
        .hardware
        .iter()
        .map(|d| scenario.cost.trials_per_device(d))
        .filter(|&k| k > 1)
        .collect();
    k.sort_unstable();
    k.dedup();
    k
}
