//! Which (device, site) pairs a plan evaluates: a device is paired with a
//! cloud region only where the region offers it (`offerings.csv`), kept as
//! `unknown` where the catalog does not know, and always with `country:`
//! sites; `any_hardware` pairs everything. Each pair carries its on-demand
//! price per device-hour, when known.

use rayon::prelude::*;

use crate::catalog::offerings::{self, Availability, SiteOffers};
use crate::catalog::{Catalog, Device, Region};

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

/// A (device, site) pair left out: the site does not offer the device
/// (`offerings.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeftOut {
    /// Index into the scenario's hardware.
    pub hardware: usize,
    /// Index into the scenario's sites.
    pub site: usize,
}

/// The pairs to evaluate, hardware then site order, and the pairs left out.
/// An error when nothing is left. Devices are paired in parallel; the
/// pairs come out in the same order.
pub fn pairs(
    catalog: &Catalog,
    hardware: &[Device],
    sites: &[Region],
    any_hardware: bool,
) -> Result<(Vec<SitePair>, Vec<LeftOut>), String> {
    let index = offerings::Index::new(&catalog.offerings, &catalog.coverage);
    let offers: Vec<SiteOffers> = sites.iter().map(|s| index.at(s)).collect();
    let per_device: Vec<(Vec<SitePair>, Vec<LeftOut>)> = hardware
        .par_iter()
        .enumerate()
        .map(|(h, device)| device_pairs((h, device), &offers, any_hardware))
        .collect();
    let mut kept = Vec::new();
    let mut left_out = Vec::new();
    for (k, l) in per_device {
        kept.extend(k);
        left_out.extend(l);
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

/// Device `h`'s pairs with the sites (their offers), and those left out.
fn device_pairs(
    (h, device): (usize, &Device),
    offers: &[SiteOffers],
    any_hardware: bool,
) -> (Vec<SitePair>, Vec<LeftOut>) {
    let mut kept = Vec::new();
    let mut left_out = Vec::new();
    for (r, site) in offers.iter().enumerate() {
        let (availability, offer) = site.lookup(device);
        if availability == Availability::NotOffered && !any_hardware {
            left_out.push(LeftOut {
                hardware: h,
                site: r,
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
    (kept, left_out)
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
