//! The scenario file as written: one struct per table, unknown keys
//! refused, every value keeping its position for messages.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use super::{imports, model, tables};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    pub(super) scenario: RawMeta,
    #[serde(default)]
    pub(super) space: IndexMap<String, Spanned<RawParam>>,
    pub(super) trial: Spanned<RawTrial>,
    pub(super) strategies: Option<Spanned<RawStrategies>>,
    pub(super) hardware: Spanned<RawCandidates>,
    pub(super) regions: Spanned<RawRegions>,
    #[serde(default)]
    pub(super) execution: RawExecution,
    pub(super) embodied: Option<Spanned<RawEmbodied>>,
    #[serde(default)]
    pub(super) uncertainty: crate::uncertainty::spread::Raw,
    pub(super) import: Option<Spanned<imports::RawImport>>,
    #[serde(default)]
    pub(super) baseline: super::baseline::RawBaseline,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEmbodied {
    pub(super) device_kg: Option<f64>,
    pub(super) server_kg: Option<f64>,
    pub(super) devices_per_server: Option<f64>,
    pub(super) lifetime_years: Option<f64>,
    pub(super) lifetime_utilization: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMeta {
    pub(super) name: String,
    #[serde(default)]
    pub(super) description: Option<String>,
    pub(super) seed: Option<Spanned<i64>>,
    pub(super) top_fraction: Option<Spanned<f64>>,
    pub(super) quality_target: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawParam {
    pub(super) values: Option<Spanned<Vec<toml::Value>>>,
    pub(super) value: Option<Spanned<toml::Value>>,
    pub(super) min: Option<Spanned<toml::Value>>,
    pub(super) max: Option<Spanned<toml::Value>>,
    pub(super) distribution: Option<Spanned<String>>,
    pub(super) q: Option<Spanned<f64>>,
    pub(super) grid_points: Option<Spanned<i64>>,
    pub(super) continuous: Option<Spanned<bool>>,
    pub(super) role: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTrial {
    pub(super) reference_hardware: Option<Spanned<String>>,
    pub(super) hours: Option<Spanned<toml::Value>>,
    pub(super) flops: Option<Spanned<toml::Value>>,
    pub(super) mfu: Option<Spanned<toml::Value>>,
    pub(super) precision: Option<Spanned<String>>,
    pub(super) devices: Option<Spanned<toml::Value>>,
    pub(super) utilization: Option<Spanned<f64>>,
    pub(super) pilot: Option<Spanned<RawPilot>>,
    pub(super) workload: Option<Spanned<String>>,
    pub(super) threads: Option<Spanned<i64>>,
    pub(super) replicates: Option<Spanned<i64>>,
    pub(super) overhead_hours: Option<Spanned<f64>>,
    #[serde(default)]
    pub(super) tables: tables::RawTables,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPilot {
    pub(super) emissions_csv: String,
    #[serde(default)]
    pub(super) params: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStrategies {
    pub(super) grid: Option<Spanned<toml::Table>>,
    pub(super) random: Option<Spanned<RawSampled>>,
    pub(super) sobol: Option<Spanned<RawSampled>>,
    pub(super) latin_hypercube: Option<Spanned<RawSampled>>,
    pub(super) hyperband: Option<Spanned<RawHyperband>>,
    pub(super) asha: Option<Spanned<model::RawAsha>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSampled {
    pub(super) trials: Option<Spanned<i64>>,
    pub(super) target: Option<Spanned<RawTarget>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTarget {
    pub(super) top_fraction: f64,
    pub(super) confidence: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHyperband {
    pub(super) resource: Spanned<String>,
    pub(super) max_resource: Spanned<f64>,
    pub(super) eta: Option<Spanned<i64>>,
    #[serde(default)]
    pub(super) resume: bool,
    pub(super) brackets: Option<Spanned<String>>,
    pub(super) fidelity_correlation: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCandidates {
    pub(super) candidates: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegions {
    pub(super) candidates: Spanned<Vec<Spanned<String>>>,
    pub(super) private_pue: Option<Spanned<f64>>,
    pub(super) year: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExecution {
    pub(super) max_concurrent_devices: Option<Spanned<i64>>,
    pub(super) start: Option<Spanned<String>>,
    pub(super) deadline_hours: Option<Spanned<f64>>,
    pub(super) dispatch: Option<Spanned<String>>,
    pub(super) capacity: Option<Spanned<String>>,
    pub(super) idle_fraction: Option<Spanned<f64>>,
    pub(super) queue_wait_hours: Option<Spanned<f64>>,
    pub(super) failure_rate_per_device_hour: Option<Spanned<f64>>,
    pub(super) checkpoint_hours: Option<Spanned<f64>>,
    pub(super) restart_hours: Option<Spanned<f64>>,
}
