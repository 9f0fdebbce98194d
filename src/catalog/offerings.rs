//! What cloud regions offer (`offerings.csv`, `offer_coverage.csv`): device,
//! instance type and on-demand price.
//!
//! A (provider, region, kind) listed in `offer_coverage.csv` is complete:
//! a device of that kind missing from `offerings.csv` there is not offered.
//! A device that a provider lists in none of its covered regions, although
//! that provider's offer of the device's kind is known somewhere, is not
//! offered anywhere by that provider (MI300X at AWS): a provider's covered
//! regions hold every instance family it sells (AWS us-east-1, 57 Azure
//! regions, every Google Cloud region). Anything else not covered is
//! *unknown*: the planner keeps it and says so.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{Device, Kind, Region};

/// One row of `offerings.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offering {
    /// Provider id.
    pub provider: String,
    /// Region id.
    pub region: String,
    /// Catalog device name.
    pub hardware: String,
    /// Instance (machine) type, or the accelerator type when only availability is known.
    pub instance_type: String,
    /// Devices in one instance (empty without a price).
    pub devices_per_instance: Option<f64>,
    /// On-demand price of one instance, USD per hour (empty when unknown).
    pub usd_per_hour: Option<f64>,
    /// Date of the price or availability.
    pub price_date: String,
    /// Where it comes from.
    pub source: String,
}

impl Offering {
    /// On-demand USD per device-hour, when priced.
    pub fn usd_per_device_hour(&self) -> Option<f64> {
        match (self.usd_per_hour, self.devices_per_instance) {
            (Some(p), Some(n)) if n > 0.0 => Some(p / n),
            _ => None,
        }
    }
}

/// One row of `offer_coverage.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Provider id.
    pub provider: String,
    /// Region id.
    pub region: String,
    /// The kind of device whose offer is complete there.
    pub kind: Kind,
    /// Why it is complete.
    pub source: String,
}

/// Whether a region offers a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Availability {
    /// Listed in `offerings.csv` (or a `country:` site, which takes any device).
    Offered,
    /// The catalog does not know.
    Unknown,
    /// Covered, and not listed: the pair is left out.
    NotOffered,
}

impl Availability {
    /// The name as in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Availability::Offered => "offered",
            Availability::Unknown => "unknown",
            Availability::NotOffered => "not offered",
        }
    }
}

/// What a site offers of a device, and the offering used for its price:
/// the lowest USD per device-hour, ties to the instance with more devices,
/// then file order. For many lookups, build an [`Index`] once.
pub fn lookup<'a>(
    offerings: &'a [Offering],
    coverage: &'a [Coverage],
    device: &Device,
    site: &Region,
) -> (Availability, Option<&'a Offering>) {
    Index::new(offerings, coverage).lookup(device, site)
}

/// The offerings and coverage rows keyed for [`Index::lookup`]: every
/// device × site pair of a plan is looked up, and scanning every row for
/// each pair was most of a small plan's time.
pub struct Index<'a> {
    /// Offerings by (provider, region), in file order.
    by_site: HashMap<(&'a str, &'a str), Vec<&'a Offering>>,
    /// (provider, region, kind) whose offer is complete.
    covered: HashSet<(&'a str, &'a str, Kind)>,
    /// (provider, kind) complete in some region.
    known: HashSet<(&'a str, Kind)>,
    /// (provider, device name) listed in some region.
    sold: HashSet<(&'a str, &'a str)>,
}

impl<'a> Index<'a> {
    /// Key the rows once.
    pub fn new(offerings: &'a [Offering], coverage: &'a [Coverage]) -> Index<'a> {
        let mut by_site: HashMap<_, Vec<&Offering>> = HashMap::new();
        for o in offerings {
            by_site
                .entry((o.provider.as_str(), o.region.as_str()))
                .or_default()
                .push(o);
        }
        Index {
            by_site,
            covered: coverage
                .iter()
                .map(|c| (c.provider.as_str(), c.region.as_str(), c.kind))
                .collect(),
            known: coverage
                .iter()
                .map(|c| (c.provider.as_str(), c.kind))
                .collect(),
            sold: offerings
                .iter()
                .map(|o| (o.provider.as_str(), o.hardware.as_str()))
                .collect(),
        }
    }

    /// What `site` offers of `device`, and the offering used for its price
    /// (see [`lookup`]).
    pub fn lookup(&self, device: &Device, site: &Region) -> (Availability, Option<&'a Offering>) {
        self.at(site).lookup(device)
    }

    /// The rows of one site, keyed once for the lookup of every device.
    pub fn at<'s>(&'s self, site: &'s Region) -> SiteOffers<'s, 'a> {
        let provider = site.provider.as_str();
        SiteOffers {
            index: self,
            provider,
            country: provider == "country",
            here: (self.by_site.get(&(provider, site.region.as_str()))).map_or(&[], Vec::as_slice),
            covered: KINDS.map(|k| (self.covered).contains(&(provider, site.region.as_str(), k))),
            known: KINDS.map(|k| self.known.contains(&(provider, k))),
        }
    }
}

/// Device kinds, in the order of [`SiteOffers`]' flags.
const KINDS: [Kind; 3] = [Kind::Gpu, Kind::Tpu, Kind::Cpu];

/// The place of `kind` in [`KINDS`].
fn slot(kind: Kind) -> usize {
    match kind {
        Kind::Gpu => 0,
        Kind::Tpu => 1,
        Kind::Cpu => 2,
    }
}

/// The offerings of one site and what its provider covers, by device kind
/// (see [`Index::at`]).
pub struct SiteOffers<'s, 'a> {
    index: &'s Index<'a>,
    provider: &'s str,
    /// A country's grid: every device is available.
    country: bool,
    /// The site's offerings, in file order.
    here: &'s [&'a Offering],
    /// Whether the site's offer of each kind is complete.
    covered: [bool; 3],
    /// Whether the provider's offer of each kind is complete somewhere.
    known: [bool; 3],
}

impl<'a> SiteOffers<'_, 'a> {
    /// What the site offers of `device`, and the offering used for its
    /// price (see [`lookup`]).
    pub fn lookup(&self, device: &Device) -> (Availability, Option<&'a Offering>) {
        if self.country {
            return (Availability::Offered, None);
        }
        let listed: Vec<&'a Offering> = (self.here.iter())
            .filter(|o| o.hardware == device.name)
            .copied()
            .collect();
        if !listed.is_empty() {
            return (Availability::Offered, cheapest(&listed));
        }
        let kind = slot(device.kind);
        // The site covers the device's kind, or the provider covers the
        // kind somewhere yet lists the device nowhere.
        let not_offered = self.covered[kind]
            || (self.known[kind]
                && !(self.index.sold).contains(&(self.provider, device.name.as_str())));
        if not_offered {
            (Availability::NotOffered, None)
        } else {
            (Availability::Unknown, None)
        }
    }
}

/// The priced offering of lowest USD per device-hour (within a relative
/// 1e-9), ties to more devices per instance, then the first listed.
fn cheapest<'a>(listed: &[&'a Offering]) -> Option<&'a Offering> {
    listed
        .iter()
        .filter(|o| o.usd_per_device_hour().is_some())
        .min_by(|a, b| {
            let (pa, pb) = (a.usd_per_device_hour(), b.usd_per_device_hour());
            let close = pa
                .zip(pb)
                .is_some_and(|(x, y)| (x - y).abs() <= 1e-9 * x.max(y));
            let by_price = if close {
                std::cmp::Ordering::Equal
            } else {
                pa.partial_cmp(&pb).unwrap_or(std::cmp::Ordering::Equal)
            };
            by_price.then(
                b.devices_per_instance
                    .partial_cmp(&a.devices_per_instance)
                    .unwrap_or(std::cmp::Ordering::Equal),
            )
        })
        .copied()
}

/// Checks one offering row on load.
pub fn check(o: &Offering) -> Result<(), String> {
    if o.provider.trim().is_empty() || o.region.trim().is_empty() || o.source.trim().is_empty() {
        return Err("provider, region and source must not be empty".into());
    }
    for (v, what) in [
        (o.usd_per_hour, "usd_per_hour"),
        (o.devices_per_instance, "devices_per_instance"),
    ] {
        if let Some(v) = v {
            if !(v.is_finite() && v > 0.0) {
                return Err(format!("{what} is {v}; it must be positive"));
            }
        }
    }
    Ok(())
}

/// Checks one coverage row on load.
pub fn check_coverage(c: &Coverage) -> Result<(), String> {
    if c.provider.trim().is_empty() || c.region.trim().is_empty() {
        return Err("provider and region must not be empty".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    /// The oracle: every row scanned for one pair, as the rules read.
    fn by_scan<'a>(
        c: &'a Catalog,
        d: &Device,
        site: &Region,
    ) -> (Availability, Option<&'a Offering>) {
        if site.provider == "country" {
            return (Availability::Offered, None);
        }
        let listed: Vec<&Offering> = c
            .offerings
            .iter()
            .filter(|o| {
                o.provider == site.provider && o.region == site.region && o.hardware == d.name
            })
            .collect();
        if !listed.is_empty() {
            return (Availability::Offered, cheapest(&listed));
        }
        let covers = |region: Option<&str>| {
            c.coverage.iter().any(|v| {
                v.provider == site.provider
                    && v.kind == d.kind
                    && region.is_none_or(|r| v.region == r)
            })
        };
        let listed_anywhere = c
            .offerings
            .iter()
            .any(|o| o.provider == site.provider && o.hardware == d.name);
        if covers(Some(&site.region)) || (covers(None) && !listed_anywhere) {
            (Availability::NotOffered, None)
        } else {
            (Availability::Unknown, None)
        }
    }

    #[test]
    fn index_agrees_with_a_scan_on_every_bundled_pair() {
        let c = Catalog::bundled().unwrap();
        let index = Index::new(&c.offerings, &c.coverage);
        let mut seen = [0usize; 3];
        for d in &c.hardware {
            for site in &c.regions {
                let (a, o) = index.lookup(d, site);
                let (b, p) = by_scan(&c, d, site);
                assert_eq!(a, b, "{} in {}", d.name, site.key());
                assert!(std::ptr::eq(
                    o.map_or(std::ptr::null(), |o| o),
                    p.map_or(std::ptr::null(), |p| p)
                ));
                seen[a as usize] += 1;
            }
        }
        // Every verdict occurs, so the comparison covers each branch.
        assert!(seen.iter().all(|&n| n > 0), "{seen:?}");
    }

    #[test]
    fn h100_in_us_central1_is_a3_highgpu_8g_over_eight() {
        let c = Catalog::bundled().unwrap();
        let (a, o) = lookup(
            &c.offerings,
            &c.coverage,
            c.device("H100 SXM").unwrap(),
            c.region("gcp:us-central1").unwrap(),
        );
        let o = o.unwrap();
        assert_eq!(
            (a, o.instance_type.as_str()),
            (Availability::Offered, "a3-highgpu-8g")
        );
        // Google's on-demand a3-highgpu-8g in us-central1: 88.49 USD/h for 8 GPUs = 11.06125.
        assert!((o.usd_per_device_hour().unwrap() - 88.49 / 8.0).abs() < 1e-9);
    }

    #[test]
    fn mi300x_is_sold_by_neither_gcp_nor_aws_and_uncovered_aws_h100_is_unknown() {
        let c = Catalog::bundled().unwrap();
        let mi = c.device("MI300X").unwrap();
        for r in c.regions.iter().filter(|r| r.provider == "gcp") {
            let (a, _) = lookup(&c.offerings, &c.coverage, mi, r);
            assert_eq!(a, Availability::NotOffered, "{}", r.key());
        }
        // AWS covers only four regions (Karpenter's tables), eu-north-1 not
        // among them; but AWS lists MI300X in none of its covered regions,
        // so it sells it nowhere.
        let north = c.region("aws:eu-north-1").unwrap();
        let (a, _) = lookup(&c.offerings, &c.coverage, mi, north);
        assert_eq!(a, Availability::NotOffered);
        // H100 SXM is listed in us-east-1 (p5): in eu-north-1 it stays unknown.
        let h100 = c.device("H100 SXM").unwrap();
        let (a, _) = lookup(&c.offerings, &c.coverage, h100, north);
        assert_eq!(a, Availability::Unknown);
        // AWS us-east-1 is covered and lists no MI300X instance: not offered.
        let (a, _) = lookup(
            &c.offerings,
            &c.coverage,
            mi,
            c.region("aws:us-east-1").unwrap(),
        );
        assert_eq!(a, Availability::NotOffered);
    }

    #[test]
    fn azure_h100_nvl_price_is_the_cheapest_instance_over_its_gpus() {
        let c = Catalog::bundled().unwrap();
        let (a, o) = lookup(
            &c.offerings,
            &c.coverage,
            c.device("H100 NVL").unwrap(),
            c.region("azure:eastus").unwrap(),
        );
        let o = o.unwrap();
        // Azure eastus, 2026-06-18: NC40ads_H100_v5 6.98 USD/h for 1 GPU = 6.98;
        // NC80adis_H100_v5 13.96 / 2 = 6.98, a tie: the instance with more GPUs wins.
        assert_eq!(
            (a, o.instance_type.as_str()),
            (Availability::Offered, "Standard_NC80adis_H100_v5")
        );
        assert!((o.usd_per_device_hour().unwrap() - 13.96 / 2.0).abs() < 1e-9);
    }

    #[test]
    fn tpus_are_offered_where_google_lists_them_and_nowhere_else() {
        let c = Catalog::bundled().unwrap();
        let at = |d: &str, r: &str| {
            lookup(
                &c.offerings,
                &c.coverage,
                c.device(d).unwrap(),
                c.region(r).unwrap(),
            )
            .0
        };
        // Cloud TPU regions and zones: v4 only in us-central2; v2 in asia-east1.
        assert_eq!(at("TPU v4", "gcp:us-central2"), Availability::Offered);
        assert_eq!(at("TPU v4", "gcp:us-central1"), Availability::NotOffered);
        assert_eq!(at("TPU v2", "gcp:asia-east1"), Availability::Offered);
        assert_eq!(at("TPU v3", "gcp:asia-east1"), Availability::NotOffered);
        assert_eq!(at("TPU v3", "azure:westeurope"), Availability::NotOffered);
    }
}
