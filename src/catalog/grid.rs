//! Annual grid intensity by zone and year, on one basis: the table every
//! region's and country's figure is read from (`data/grid.csv`).
//!
//! A region or country names its Electricity Maps zone (`grid_zone`); its
//! intensity for year Y is the zone's row for Y. The bundled table holds
//! life-cycle means from Electricity Maps (2021–2025, ODbL) and, for
//! countries Electricity Maps lacks, Ember's latest year (CC BY-SA 4.0).
//! [`Catalog::for_year`] re-reads every figure for another year, so no two
//! places on the same zone can differ for the same year.

use serde::{Deserialize, Serialize};

use super::{finite_in, nonempty, Catalog};
use crate::error::{Error, Result};

/// The basis of every bundled figure.
pub const BASIS: &str = "life-cycle";

/// One row of `grid.csv`: a zone's annual mean intensity in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridYear {
    /// Electricity Maps zone id (or ISO code for an Ember-only country).
    pub zone: String,
    /// Display name of the zone.
    pub name: String,
    /// Calendar year the mean describes.
    pub year: u16,
    /// Annual mean carbon intensity, g CO2eq/kWh.
    pub intensity_g_per_kwh: f64,
    /// `life-cycle` (the only basis bundled).
    pub basis: String,
    /// `electricitymaps` or `ember`.
    pub source: String,
}

pub(super) fn check_row(r: &GridYear) -> std::result::Result<(), String> {
    nonempty(&r.zone, "zone")?;
    nonempty(&r.basis, "basis")?;
    finite_in(f64::from(r.year), 1990.0, 2100.0, "year")?;
    finite_in(r.intensity_g_per_kwh, 0.0, 2000.0, "intensity_g_per_kwh")
}

/// The newest year of the table's Electricity Maps rows (else of any row).
pub(super) fn default_year(grid: &[GridYear]) -> u16 {
    let newest = |em: bool| {
        grid.iter()
            .filter(|r| !em || r.source == "electricitymaps")
            .map(|r| r.year)
            .max()
    };
    newest(true).or_else(|| newest(false)).unwrap_or(0)
}

impl Catalog {
    /// A zone's annual mean intensity in `year`, g CO2eq/kWh, if the table has it.
    pub fn annual(&self, zone: &str, year: u16) -> Option<f64> {
        self.grid
            .iter()
            .find(|r| r.year == year && r.zone.eq_ignore_ascii_case(zone))
            .map(|r| r.intensity_g_per_kwh)
    }

    /// Years the table holds for some Electricity Maps zone, sorted.
    pub fn grid_years(&self) -> Vec<u16> {
        let mut years: Vec<u16> = self
            .grid
            .iter()
            .filter(|r| r.source == "electricitymaps")
            .map(|r| r.year)
            .collect();
        years.sort_unstable();
        years.dedup();
        years
    }

    /// The catalog with every region's and country's intensity read from its
    /// zone for `year`. A place whose zone has no figure for that year (an
    /// Ember-only country) keeps its figure and its own year. A year no zone
    /// has is an error listing the years available.
    pub fn for_year(&self, year: u16) -> Result<Catalog> {
        let years = self.grid_years();
        if !years.contains(&year) {
            let list: Vec<String> = years.iter().map(u16::to_string).collect();
            return Err(Error::input(format!(
                "no grid data for {year}; the years available are {}",
                list.join(", ")
            )));
        }
        let mut c = self.clone();
        c.year = year;
        for r in &mut c.regions {
            if let Some(g) = r.grid_zone.as_deref().and_then(|z| self.annual(z, year)) {
                r.intensity_g_per_kwh = g;
                r.intensity_year = year;
            }
        }
        for k in &mut c.countries {
            if let Some(g) = k.grid_zone.as_deref().and_then(|z| self.annual(z, year)) {
                k.intensity_g_per_kwh = g;
                k.year = year;
            }
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::bundled().expect("the bundled catalog loads")
    }

    #[test]
    fn no_two_places_on_one_zone_differ_in_any_year() {
        let base = catalog();
        for year in base.grid_years() {
            let c = base.for_year(year).unwrap();
            let mut seen = std::collections::HashMap::new();
            let places = c
                .regions
                .iter()
                .map(|r| (r.key(), r.grid_zone.clone(), r.intensity_g_per_kwh))
                .chain(
                    c.countries
                        .iter()
                        .map(|k| (k.code.clone(), k.grid_zone.clone(), k.intensity_g_per_kwh)),
                );
            for (name, zone, g) in places {
                let zone = zone.unwrap_or_else(|| panic!("{name} has no grid zone"));
                let first = seen.entry(zone.clone()).or_insert((name.clone(), g));
                assert_eq!(first.1, g, "{year}: {name} and {} on {zone}", first.0);
            }
        }
    }

    #[test]
    fn every_region_is_on_a_zone_of_the_table() {
        let c = catalog();
        for r in &c.regions {
            let zone = r.grid_zone.as_deref().unwrap_or("");
            assert!(
                c.annual(zone, c.year).is_some(),
                "{}: zone '{zone}'",
                r.key()
            );
            assert!(!r.zone_source.is_empty(), "{}", r.key());
        }
    }

    #[test]
    fn quebec_and_france_agree_across_providers() {
        // Electricity Maps life-cycle means, 2025: CA-QC 41, FR 31 g/kWh;
        // 2023: CA-QC 31, FR 49 (yearly_2023.json).
        let c = catalog();
        assert_eq!(c.year, 2025);
        for (year, qc, fr) in [(2025, 41.0, 31.0), (2023, 31.0, 49.0)] {
            let c = c.for_year(year).unwrap();
            for key in [
                "aws:ca-central-1",
                "gcp:northamerica-northeast1",
                "azure:canadaeast",
            ] {
                assert_eq!(
                    c.region(key).unwrap().intensity_g_per_kwh,
                    qc,
                    "{key} {year}"
                );
            }
            let french: Vec<&crate::catalog::Region> =
                c.regions.iter().filter(|r| r.country == "FR").collect();
            assert!(french.len() >= 5, "{}", french.len());
            for r in french {
                assert_eq!(r.intensity_g_per_kwh, fr, "{} {year}", r.key());
            }
            assert_eq!(c.country("FR").unwrap().intensity_g_per_kwh, fr);
        }
    }

    #[test]
    fn a_year_outside_the_data_lists_the_years() {
        let e = catalog().for_year(2019).unwrap_err().to_string();
        assert!(e.contains("no grid data for 2019"), "{e}");
        assert!(e.contains("2021, 2022, 2023, 2024, 2025"), "{e}");
    }
}
