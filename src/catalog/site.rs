//! Sites and comparisons: cloud regions (`regions.csv`), country grids
//! (`countries.csv`) and everyday equivalents (`equivalents.csv`).

use serde::{Deserialize, Serialize};

use crate::units::GPerKwh;

/// One cloud region of `regions.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// Provider id: gcp, aws, azure, ...
    pub provider: String,
    /// The provider's region id, e.g. `europe-north1`.
    pub region: String,
    /// Display name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// City or state.
    pub location: String,
    /// Grid carbon intensity, g CO2eq/kWh.
    pub intensity_g_per_kwh: f64,
    /// Year the intensity describes.
    pub intensity_year: u16,
    /// Where the intensity comes from.
    pub intensity_source: String,
    /// Power usage effectiveness of the region's data centres.
    pub pue: f64,
    /// Where the PUE comes from (the region's own, else the provider average).
    pub pue_source: String,
    /// Share of energy the provider offsets or matches, percent.
    pub offset_pct: f64,
    /// Electricity Maps zone serving the region; its figure is the zone's.
    pub grid_zone: Option<String>,
    /// Why the region is on that zone (the map used, or the judgement made).
    #[serde(default)]
    pub zone_source: String,
    /// The provider's own published intensity (a note, never ranked), g CO2eq/kWh.
    #[serde(default)]
    pub provider_intensity_g_per_kwh: Option<f64>,
    /// Year of the provider's figure.
    #[serde(default)]
    pub provider_intensity_year: Option<u16>,
    /// Basis of the provider's figure (e.g. direct).
    #[serde(default)]
    pub provider_intensity_basis: Option<String>,
    /// Carbon-free energy share the provider reports for the region, percent.
    #[serde(default)]
    pub provider_cfe_pct: Option<f64>,
}

impl Region {
    /// `provider:region`, the form users type.
    pub fn key(&self) -> String {
        format!("{}:{}", self.provider, self.region)
    }

    /// Carbon intensity as a quantity.
    pub fn intensity(&self) -> GPerKwh {
        GPerKwh(self.intensity_g_per_kwh)
    }
}

/// One grid of `countries.csv`: a country or a sub-national grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code, or `CC-SUB` for a sub-national grid.
    pub code: String,
    /// Display name.
    pub name: String,
    /// `country` or `subnational`.
    pub kind: String,
    /// Grid carbon intensity, g CO2eq/kWh.
    pub intensity_g_per_kwh: f64,
    /// Year the intensity describes.
    pub year: u16,
    /// Where the intensity comes from.
    pub source: String,
    /// Electricity Maps zone the figure is taken from (none for Ember-only rows).
    #[serde(default)]
    pub grid_zone: Option<String>,
}

impl Country {
    /// Carbon intensity as a quantity.
    pub fn intensity(&self) -> GPerKwh {
        GPerKwh(self.intensity_g_per_kwh)
    }
}

/// One everyday equivalent of `equivalents.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Equivalent {
    /// Stable key used in JSON output, e.g. `car_km`.
    pub key: String,
    /// What one unit is, for text output.
    pub description: String,
    /// kg CO2eq per unit.
    pub kg_co2_per_unit: f64,
    /// The unit counted.
    pub unit: String,
    /// Where the factor comes from.
    pub source: String,
    /// Year of the factor.
    pub year: u16,
}
