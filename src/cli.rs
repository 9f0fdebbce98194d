//! The command line, as clap types and nothing else.
//!
//! Help text is written once, here, as doc comments. `main.rs` turns these
//! values into checked requests for the core modules, which never see clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod embodied;
pub mod given;
pub use embodied::EmbodiedArgs;

/// Estimate the energy, time and CO2eq of machine-learning runs and
/// hyperparameter sweeps before you launch them.
#[derive(Debug, Parser)]
#[command(name = "co2sweep", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 success, 2 bad input or usage, 1 any other failure (an I/O error, say)."
)]
pub struct Cli {
    /// A directory whose CSV files (hardware.csv, regions.csv, countries.csv,
    /// equivalents.csv, and hourly/ZONE.csv profiles) add rows to the bundled catalog, or
    /// replace the bundled rows of the same name (device name, provider:region, country code, key).
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Estimate one run: hardware × hours at a region, country or intensity.
    Estimate(Box<EstimateArgs>),
    /// List the catalog: hardware, cloud regions or country grids.
    Catalog(CatalogArgs),
    /// Validate a scenario and print, per strategy, its trials, device-hours and quality.
    ///
    /// The scenario format (every key, its meaning and default) is described in
    /// README.md, section "Scenario files"; `co2sweep init` writes a commented template.
    Check(CheckArgs),
    /// Stream a strategy's job set (one line per trial) for a launcher.
    Expand(ExpandArgs),
    /// Evaluate every strategy × hardware × region option, rank them and report.
    Plan(PlanArgs),
    /// Summarise a measured pilot run from CodeCarbon's emissions.csv.
    Calibrate(CalibrateArgs),
    /// Redraw the charts (pareto, strategies, regions; SVG and PNG) and report.html from a saved options.csv.
    Chart(ChartArgs),
    /// Write a strategy as a W&B sweep configuration or a Slurm job array.
    Export(ExportArgs),
    /// Write a commented scenario template that `check` accepts as written.
    Init(InitArgs),
}

/// `co2sweep export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,

    /// The strategy to export (see `co2sweep check`).
    #[arg(long, value_name = "NAME")]
    pub strategy: String,

    /// What to write: a W&B sweep YAML, or an sbatch script with its trials file.
    #[arg(long, value_enum)]
    pub to: ExportTarget,

    /// Write to FILE instead of stdout (slurm: required; the trials go to STEM.trials.jsonl beside it).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,

    /// Accept a grid, or a random or Bayesian search, of more than
    /// 10,000,000 trials (searches up to 100,000,000).
    #[arg(long)]
    pub allow_large: bool,
}

/// Targets of `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportTarget {
    /// A W&B sweep configuration (`wandb sweep FILE`).
    Wandb,
    /// A Slurm job array (`sbatch FILE`) and its trials file.
    Slurm,
}

/// `co2sweep init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the template (refused if it exists).
    #[arg(default_value = "scenario.toml")]
    pub path: PathBuf,

    /// Start from a W&B sweep configuration: the template imports it with `[import] wandb`.
    #[arg(long, value_name = "FILE", conflicts_with = "hydra")]
    pub wandb: Option<PathBuf>,

    /// Start from a Hydra multirun configuration: the template imports it with `[import] hydra`.
    #[arg(long, value_name = "FILE")]
    pub hydra: Option<PathBuf>,
}

/// `co2sweep chart`.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// An options.csv written by `co2sweep plan --out`.
    pub options_csv: PathBuf,

    /// Directory for the charts (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Replace charts that already exist in --out.
    #[arg(long)]
    pub force: bool,

    /// Chart size in pixels, WIDTHxHEIGHT.
    #[arg(long, value_name = "WxH", default_value = "1200x800")]
    pub chart_size: String,
}

/// `co2sweep calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// CodeCarbon's emissions.csv (2.x or 3.x columns; one row per run).
    pub emissions_csv: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
}

/// `co2sweep check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,

    /// Accept a grid, or a random or Bayesian search, of more than
    /// 10,000,000 trials (searches up to 100,000,000).
    #[arg(long)]
    pub allow_large: bool,
}

/// `co2sweep expand`.
#[derive(Debug, Args)]
pub struct ExpandArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,

    /// The strategy to expand: grid, random, sobol, latin_hypercube or hyperband.
    #[arg(long, value_name = "NAME")]
    pub strategy: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ExpandFormat::Csv)]
    pub format: ExpandFormat,

    /// Accept a grid, or a random or Bayesian search, of more than
    /// 10,000,000 trials (searches up to 100,000,000).
    #[arg(long)]
    pub allow_large: bool,
}

/// Output formats of `expand`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExpandFormat {
    /// CSV with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// `co2sweep plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,

    /// Write options.csv, front.csv, summary.json, report.md and the charts into DIR (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Replace files that already exist in --out.
    #[arg(long)]
    pub force: bool,

    /// What to print on stdout: a readable report, or the summary as JSON.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,

    /// Accept a grid, or a random or Bayesian search, of more than
    /// 10,000,000 trials (searches up to 100,000,000).
    #[arg(long)]
    pub allow_large: bool,

    /// Chart size in pixels, WIDTHxHEIGHT (charts are written with --out).
    #[arg(long, value_name = "WxH", default_value = "1200x800")]
    pub chart_size: String,

    /// Year of the grid figures; overrides `[regions] year` [default: the newest complete year].
    #[arg(long, value_name = "YEAR")]
    pub year: Option<u16>,

    /// What the ranking and charts minimise besides time: operational emissions (as the
    /// original calculator) or operational plus embodied emissions.
    #[arg(long, value_enum, default_value_t = MetricArg::Operational)]
    pub metric: MetricArg,

    /// Objectives of the Pareto ranking: two or three of time, emissions, cost, quality.
    #[arg(long, value_name = "LIST", default_value = "time,emissions")]
    pub front: String,

    /// Pair every device with every region, even where the region does not offer it.
    #[arg(long)]
    pub any_hardware: bool,
    /// Monte Carlo draws for the ranges and the probability of each finding (default: the
    /// scenario's [uncertainty] draws, else 10,000); 0 gives point figures only.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub draws: Option<u32>,
}

/// `--metric` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MetricArg {
    /// emissions_kg: energy × grid intensity.
    Operational,
    /// total_kg: operational plus embodied.
    Total,
}

/// Output formats of `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Readable tables and findings.
    Text,
    /// The summary as one JSON object.
    Json,
}

/// `co2sweep estimate`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("site").args(["region", "country", "intensity"]))]
pub struct EstimateArgs {
    /// Device name, e.g. "V100 SXM2 16GB" or "a100-sxm4-40gb" (see `co2sweep catalog hardware`).
    #[arg(long, value_name = "NAME")]
    pub hardware: String,

    /// Wall-clock hours the devices ran.
    #[arg(
        long,
        value_name = "H",
        allow_negative_numbers = true,
        required_unless_present = "device_hours"
    )]
    pub hours: Option<f64>,

    /// Number of devices.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        allow_negative_numbers = true
    )]
    pub count: u32,

    /// Device-hours as published (e.g. GPT-3's 3,552,000 V100-hours), instead of --hours × --count.
    #[arg(
        long,
        value_name = "H",
        allow_negative_numbers = true,
        conflicts_with_all = ["hours", "count", "start"]
    )]
    pub device_hours: Option<f64>,

    /// Energy outside the devices (idle nodes, networking), kWh, added before PUE and intensity.
    #[arg(
        long,
        value_name = "KWH",
        allow_negative_numbers = true,
        default_value_t = 0.0
    )]
    pub extra_kwh: f64,

    /// Year of the grid figures [default: the newest complete year of the data].
    #[arg(long, value_name = "YEAR")]
    pub year: Option<u16>,

    /// Cloud region as PROVIDER:REGION, e.g. gcp:europe-north1 (see `co2sweep catalog regions`).
    #[arg(long, value_name = "PROVIDER:REGION")]
    pub region: Option<String>,

    /// Private infrastructure in a country or sub-national grid: ISO code (FR, US-CA) or name.
    #[arg(long, value_name = "CODE")]
    pub country: Option<String>,

    /// Grid carbon intensity in g CO2eq/kWh, given directly.
    #[arg(
        long,
        value_name = "G_PER_KWH",
        allow_negative_numbers = true,
        conflicts_with = "start"
    )]
    pub intensity: Option<f64>,

    /// Power usage effectiveness [default: the region's figure; 1.56, the industry average, off the cloud].
    #[arg(long, value_name = "P", allow_negative_numbers = true)]
    pub pue: Option<f64>,

    /// Power of one device in watts [default: its TDP].
    #[arg(long, value_name = "W", allow_negative_numbers = true)]
    pub power_watts: Option<f64>,

    /// Average draw as a fraction of the power figure, within (0, 1].
    #[arg(
        long,
        value_name = "U",
        default_value_t = 1.0,
        allow_negative_numbers = true
    )]
    pub utilization: f64,

    /// Share of the energy offset or matched, percent [default: the provider's share; 0 off the cloud].
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    pub offset_pct: Option<f64>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = EstimateFormat::Text)]
    pub format: EstimateFormat,

    /// `--embodied` and the lifecycle figures it may override.
    #[command(flatten)]
    pub lifecycle: EmbodiedArgs,

    /// Start of the run (UTC), e.g. 2023-06-01T00:00Z: integrate over the hourly intensity
    /// of the site's grid zone (Electricity Maps 2021-2024, scaled to the annual figure;
    /// other years map to the same week of the nearest profile year).
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,

    /// Electricity Maps grid zone, e.g. GB or US-CAL-CISO: the site on its own (private
    /// infrastructure), or the hourly profile of a region [default: the site's zone].
    #[arg(long, value_name = "ZONE")]
    pub grid_zone: Option<String>,

    /// Also find the cleanest start within this many hours after --start.
    #[arg(
        long,
        value_name = "W",
        requires = "start",
        allow_negative_numbers = true
    )]
    pub window_hours: Option<f64>,
}

/// Output formats of `estimate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EstimateFormat {
    /// Readable text with formulas and sources.
    Text,
    /// One JSON object.
    Json,
    /// A paper-ready paragraph and BibTeX entry, in Markdown.
    Markdown,
    /// A paper-ready paragraph and BibTeX entry, in LaTeX.
    Latex,
}

/// `co2sweep catalog`.
#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// Which table to list.
    #[arg(value_enum)]
    pub table: CatalogTable,

    /// Keep rows whose name, id, country or vendor contains TEXT (case-insensitive).
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,

    /// Year of the grid figures [default: the newest complete year of the data].
    #[arg(long, value_name = "YEAR")]
    pub year: Option<u16>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// Tables of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogTable {
    /// Devices: GPUs, TPUs and CPUs.
    Hardware,
    /// Cloud regions.
    Regions,
    /// Country and sub-national grids.
    Countries,
}

/// Output formats of listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns.
    Text,
    /// CSV with the catalog's columns.
    Csv,
    /// A JSON array.
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
