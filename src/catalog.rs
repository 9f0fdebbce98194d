//! The hardware and grid catalog: devices, cloud regions, country grids and
//! everyday equivalents.
//!
//! The bundled CSV files under `data/` are compiled into the binary, so the
//! tool runs anywhere with no set-up. `--data DIR` replaces any of them with
//! a file of the same name and columns. Every row is checked on load; a
//! malformed file is reported with its path, line and column.
//!
//! Name lookup is forgiving about case, spaces, dashes and vendor prefixes
//! ("Tesla V100-SXM2-16GB" finds "V100 SXM2 16GB") but never guesses between
//! two devices: an ambiguous or unknown name is an error listing the closest
//! names.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::suggest;
use crate::units::{GPerKwh, Watts};

pub mod offerings;
pub mod precision;
pub mod throughput;

pub use offerings::{Availability, Coverage, Offering};
pub use throughput::{Measurement, Workload};
mod grid;
pub use grid::{GridYear, BASIS};

/// What every device's default power means (`tdp_watts`), printed with
/// each estimate.
pub const POWER_DEFINITION: &str =
    "maximum power of one device: the vendor's TDP (board power for cards), \
or the vendor's measured maximum where no TDP is published (TPU v3, v4)";

/// Largest catalog file read under `--data`: far above any real table, low
/// enough that a wrong path (a disk image, say) fails at once.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The catalog's file names, each also the name of its bundled copy.
pub const FILES: [&str; 8] = [
    "hardware.csv",
    "regions.csv",
    "countries.csv",
    "equivalents.csv",
    "throughput.csv",
    "offerings.csv",
    "offer_coverage.csv",
    "grid.csv",
];

const BUNDLED_HARDWARE: &str = include_str!("../data/hardware.csv");
const BUNDLED_REGIONS: &str = include_str!("../data/regions.csv");
const BUNDLED_COUNTRIES: &str = include_str!("../data/countries.csv");
const BUNDLED_EQUIVALENTS: &str = include_str!("../data/equivalents.csv");
const BUNDLED_THROUGHPUT: &str = include_str!("../data/throughput.csv");
const BUNDLED_OFFERINGS: &str = include_str!("../data/offerings.csv");
const BUNDLED_COVERAGE: &str = include_str!("../data/offer_coverage.csv");
const BUNDLED_GRID: &str = include_str!("../data/grid.csv");

/// What a device is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A graphics processor.
    Gpu,
    /// A Google tensor processing unit.
    Tpu,
    /// A server or desktop CPU (one chip).
    Cpu,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Gpu => "gpu",
            Kind::Tpu => "tpu",
            Kind::Cpu => "cpu",
        })
    }
}

/// Numeric precision a workload runs at, selecting which peak applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// 32-bit floating point, non-tensor peak.
    #[default]
    Fp32,
    /// bfloat16 tensor math.
    Bf16,
    /// IEEE half-precision tensor math.
    Fp16,
    /// TF32 tensor math (FP32 storage, 10-bit mantissa products): NVIDIA Ampere and later, AMD CDNA3.
    Tf32,
    /// 8-bit floating point tensor math: NVIDIA Hopper and Ada, AMD CDNA3.
    Fp8,
}

/// One device of `hardware.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// Canonical name, unique in the catalog.
    pub name: String,
    /// Other names it is known by, `;`-separated in the file.
    #[serde(with = "semicolon_list")]
    pub aliases: Vec<String>,
    /// Maker.
    pub vendor: String,
    /// gpu, tpu or cpu.
    pub kind: Kind,
    /// Thermal design power of one device, W.
    pub tdp_watts: f64,
    /// Peak dense non-tensor FP32 throughput, TFLOPS.
    pub fp32_tflops: Option<f64>,
    /// Peak dense 16-bit tensor throughput (bf16, else fp16), TFLOPS.
    pub tensor16_tflops: Option<f64>,
    /// Which 16-bit format `tensor16_tflops` is: bf16 or fp16.
    pub tensor16_format: Option<String>,
    /// Device memory, GB.
    pub memory_gb: Option<f64>,
    /// CPU cores (CPUs only).
    pub cores: Option<u32>,
    /// Year of release.
    pub release_year: u16,
    /// Where the figures come from.
    pub source: String,
    /// Embodied (manufacturing) emissions of one device, kg CO2eq.
    pub embodied_device_kg: f64,
    /// Embodied emissions of the host server, kg CO2eq.
    pub embodied_server_kg: f64,
    /// Devices one host server holds.
    pub devices_per_server: f64,
    /// Where the embodied figures come from.
    pub embodied_source: String,
    /// Peak device-memory bandwidth, GB/s (accelerators).
    #[serde(default)]
    pub memory_bandwidth_gbs: Option<f64>,
    /// Peak dense TF32 tensor throughput, TFLOPS, where the device has TF32.
    #[serde(default)]
    pub tf32_tflops: Option<f64>,
    /// Peak dense FP8 tensor throughput, TFLOPS, where the device has FP8.
    #[serde(default)]
    pub fp8_tflops: Option<f64>,
    /// Base clock of one core, GHz (CPUs): the per-core speed figure.
    #[serde(default)]
    pub core_ghz: Option<f64>,
    /// Where the bandwidth, TF32, FP8 and clock figures come from.
    #[serde(default)]
    pub extras_source: String,
    /// Power one idle device draws, W, where measured (reserved capacity
    /// charges it on idle device-hours; else a share of TDP is taken).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_watts: Option<f64>,
}

impl Device {
    /// Thermal design power as a quantity.
    pub fn tdp(&self) -> Watts {
        Watts(self.tdp_watts)
    }

    /// Peak dense throughput at a precision, TFLOPS, if published.
    /// bf16 and fp16 both read the 16-bit tensor peak: a device whose
    /// 16-bit format is the other one runs the workload in that format.
    pub fn peak_tflops(&self, precision: Precision) -> Option<f64> {
        match precision {
            Precision::Fp32 => self.fp32_tflops,
            Precision::Bf16 | Precision::Fp16 => self.tensor16_tflops,
            Precision::Tf32 => self.tf32_tflops,
            Precision::Fp8 => self.fp8_tflops,
        }
    }
}

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

/// Where one catalog file was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "from", content = "path")]
pub enum Origin {
    /// The copy compiled into the binary.
    Bundled,
    /// A file under `--data`.
    File(PathBuf),
}

/// One catalog table: the bundled rows, with the rows of `dir/file` (if
/// any) adding to or replacing them by `key`; records where rows came from.
fn table<T>(
    dir: Option<&Path>,
    file: &'static str,
    bundled: &'static str,
    check: fn(&T) -> Result<(), String>,
    origins: &mut Vec<(&'static str, Origin)>,
    key: impl Fn(&T) -> String,
) -> Result<Vec<T>>
where
    T: for<'de> Deserialize<'de>,
{
    let base = parse_rows(&Path::new("data").join(file), bundled, check)?;
    match dir.map(|d| d.join(file)).filter(|p| p.exists()) {
        Some(path) => {
            let text = read_limited(&path)?;
            if text.trim().is_empty() {
                return Err(Error::input(format!(
                    "'{}' is empty; a data file needs at least its header line (see data/{file})",
                    path.display()
                )));
            }
            let extra = parse_rows(&path, &text, check)?;
            origins.push((file, Origin::File(path)));
            Ok(merge::by_key(base, extra, key))
        }
        None => {
            origins.push((file, Origin::Bundled));
            Ok(base)
        }
    }
}

/// The whole catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// Devices, in file order.
    pub hardware: Vec<Device>,
    /// Cloud regions, in file order.
    pub regions: Vec<Region>,
    /// Country and sub-national grids, in file order.
    pub countries: Vec<Country>,
    /// Everyday equivalents, in file order.
    pub equivalents: Vec<Equivalent>,
    /// Measured training throughput, in file order.
    pub throughput: Vec<Measurement>,
    /// What cloud regions offer, in file order.
    pub offerings: Vec<Offering>,
    /// Where `offerings` is complete.
    pub coverage: Vec<Coverage>,
    /// Annual intensity of every grid zone and year, one basis (`grid.csv`).
    pub grid: Vec<GridYear>,
    /// The year the region and country figures describe.
    pub year: u16,
    /// Where each file came from, by file name.
    pub origins: Vec<(&'static str, Origin)>,
    /// `--data DIR`, which may also hold hourly profiles (`DIR/hourly/`).
    pub data_dir: Option<PathBuf>,
    device_index: HashMap<String, usize>,
}

impl Catalog {
    /// The bundled catalog.
    pub fn bundled() -> Result<Catalog> {
        Catalog::load(None)
    }

    /// The catalog, with the rows of files under `dir` adding to or
    /// replacing the bundled rows of the same name (see `merge`).
    pub fn load(dir: Option<&Path>) -> Result<Catalog> {
        let mut origins = Vec::new();
        if let Some(d) = dir {
            if !d.is_dir() {
                return Err(Error::input(format!(
                    "--data '{}' is not a directory; it should hold some of {}",
                    d.display(),
                    FILES.join(", ")
                )));
            }
        }
        let hardware = table(
            dir,
            "hardware.csv",
            BUNDLED_HARDWARE,
            check_device,
            &mut origins,
            |d: &Device| normalize(&d.name),
        )?;
        let regions = table(
            dir,
            "regions.csv",
            BUNDLED_REGIONS,
            check_region,
            &mut origins,
            |r: &Region| r.key().to_lowercase(),
        )?;
        let countries = table(
            dir,
            "countries.csv",
            BUNDLED_COUNTRIES,
            check_country,
            &mut origins,
            |c: &Country| c.code.to_uppercase(),
        )?;
        let equivalents = table(
            dir,
            "equivalents.csv",
            BUNDLED_EQUIVALENTS,
            check_equivalent,
            &mut origins,
            |e: &Equivalent| e.key.clone(),
        )?;
        let grid = table(
            dir,
            "grid.csv",
            BUNDLED_GRID,
            grid::check_row,
            &mut origins,
            |g: &GridYear| format!("{}|{}", g.zone.to_uppercase(), g.year),
        )?;
        let throughput = table(
            dir,
            "throughput.csv",
            BUNDLED_THROUGHPUT,
            throughput::check,
            &mut origins,
            |m: &Measurement| {
                format!(
                    "{}|{}|{}|{}",
                    m.workload,
                    normalize(&m.device),
                    m.precision,
                    m.group
                )
            },
        )?;
        let offerings = table(
            dir,
            "offerings.csv",
            BUNDLED_OFFERINGS,
            offerings::check,
            &mut origins,
            |o: &Offering| {
                format!(
                    "{}|{}|{}|{}",
                    o.provider,
                    o.region,
                    normalize(&o.hardware),
                    o.instance_type
                )
            },
        )?;
        let coverage = table(
            dir,
            "offer_coverage.csv",
            BUNDLED_COVERAGE,
            offerings::check_coverage,
            &mut origins,
            |c: &Coverage| format!("{}|{}|{:?}", c.provider, c.region, c.kind),
        )?;
        let device_index = index_devices(&hardware)?;
        check_unique_regions(&regions)?;
        let year = grid::default_year(&grid);
        Ok(Catalog {
            hardware,
            regions,
            countries,
            equivalents,
            throughput,
            offerings,
            coverage,
            grid,
            year,
            origins,
            data_dir: dir.map(Path::to_path_buf),
            device_index,
        })
    }

    /// The device a user-typed name denotes, or an error listing the
    /// closest names when it is unknown or could mean several devices.
    pub fn device(&self, query: &str) -> Result<&Device> {
        short_name("hardware", query)?;
        let key = normalize(query);
        if let Some(&i) = self.device_index.get(&key) {
            return Ok(&self.hardware[i]);
        }
        let mut partial: Vec<usize> = self
            .device_index
            .iter()
            .filter(|(k, _)| !key.is_empty() && k.contains(&key))
            .map(|(_, &i)| i)
            .collect();
        partial.sort_unstable();
        partial.dedup();
        match partial.as_slice() {
            // One row contains the name but the name is not one of the row's
            // names ("Xeon E5-2650" in "Xeon E5-2650 v2"): never guess.
            [i] => Err(Error::input(format!(
                "hardware '{query}' is not a full name; did you mean '{}'? (see `co2sweep catalog hardware`)",
                self.hardware[*i].name
            ))),
            [] => Err(Error::input(format!(
                "unknown hardware '{query}'; the closest names are {} (see `co2sweep catalog hardware`)",
                suggest::or_list(&suggest::ranked(query, self.hardware.iter().map(|d| d.name.as_str()), 5))
            ))),
            many => {
                let names: Vec<&str> = many.iter().map(|&i| self.hardware[i].name.as_str()).collect();
                Err(Error::input(format!(
                    "hardware '{query}' is ambiguous: it could be {}; give the full name",
                    suggest::or_list(&names)
                )))
            }
        }
    }

    /// The region named `provider:region` (case-insensitive; the display
    /// name works in place of the id).
    pub fn region(&self, query: &str) -> Result<&Region> {
        short_name("region", query)?;
        let Some((provider, id)) = query.split_once(':') else {
            let matches: Vec<&Region> = self
                .regions
                .iter()
                .filter(|r| r.region.eq_ignore_ascii_case(query.trim()))
                .collect();
            return match matches.as_slice() {
                [one] => Ok(one),
                _ => Err(Error::input(format!(
                    "region '{query}' needs a provider, as PROVIDER:REGION; {}",
                    self.region_suggestions(query)
                ))),
            };
        };
        let provider = canonical_provider(provider);
        let id = id.trim();
        if !self.regions.iter().any(|r| r.provider == provider) {
            return Err(Error::input(format!(
                "unknown provider '{provider}'; the providers are {}",
                suggest::or_list(&self.providers())
            )));
        }
        self.regions
            .iter()
            .filter(|r| r.provider == provider)
            .find(|r| r.region.eq_ignore_ascii_case(id) || normalize(&r.name) == normalize(id))
            .ok_or_else(|| {
                Error::input(format!(
                    "unknown region '{query}'; {}",
                    self.region_suggestions(&format!("{provider}:{id}"))
                ))
            })
    }

    fn region_suggestions(&self, query: &str) -> String {
        let keys: Vec<String> = self.regions.iter().map(Region::key).collect();
        let close = suggest::ranked(query, keys.iter().map(String::as_str), 5);
        format!(
            "the closest are {} (see `co2sweep catalog regions`)",
            suggest::or_list(&close)
        )
    }

    /// Provider ids, sorted.
    pub fn providers(&self) -> Vec<&str> {
        let mut providers: Vec<&str> = self.regions.iter().map(|r| r.provider.as_str()).collect();
        providers.sort_unstable();
        providers.dedup();
        providers
    }

    /// The grid of a country or sub-national code, or of a country name.
    pub fn country(&self, query: &str) -> Result<&Country> {
        short_name("country", query)?;
        let q = query.trim();
        self.countries
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(q))
            .or_else(|| self.countries.iter().find(|c| normalize(&c.name) == normalize(q)))
            .ok_or_else(|| {
                let names = self
                    .countries
                    .iter()
                    .flat_map(|c| [c.code.as_str(), c.name.as_str()]);
                Error::input(format!(
                    "unknown country or grid '{query}'; the closest are {} (see `co2sweep catalog countries`)",
                    suggest::or_list(&suggest::ranked(q, names, 5))
                ))
            })
    }

    /// The region of the same provider with the lowest intensity × PUE
    /// (ties: the first in file order).
    pub fn cleanest_region(&self, provider: &str) -> Option<&Region> {
        self.regions
            .iter()
            .filter(|r| r.provider == provider)
            .min_by(|a, b| {
                (a.intensity_g_per_kwh * a.pue).total_cmp(&(b.intensity_g_per_kwh * b.pue))
            })
    }
}

/// The form names are compared in: lowercase letters and digits only, with
/// vendor and brand prefixes dropped.
pub fn normalize(name: &str) -> String {
    let mut s: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    const PREFIXES: [&str; 7] = [
        "nvidia", "tesla", "geforce", "amd", "instinct", "google", "intel",
    ];
    while let Some(p) = PREFIXES
        .iter()
        .find(|p| s.starts_with(*p) && s.len() > p.len())
    {
        s.drain(..p.len());
    }
    s
}

/// Common spellings of provider ids.
fn canonical_provider(provider: &str) -> String {
    let p = provider.trim().to_ascii_lowercase();
    match p.as_str() {
        "google" | "googlecloud" | "google-cloud" | "gcloud" => "gcp".into(),
        "amazon" | "amazon-web-services" => "aws".into(),
        "microsoft" | "microsoft-azure" => "azure".into(),
        _ => p,
    }
}

fn index_devices(hardware: &[Device]) -> Result<HashMap<String, usize>> {
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, device) in hardware.iter().enumerate() {
        for name in std::iter::once(&device.name).chain(&device.aliases) {
            if let Some(&j) = index.get(&normalize(name)) {
                if j != i {
                    return Err(Error::input(format!(
                        "hardware.csv: the name '{name}' of '{}' also names '{}'; names and aliases must be unique",
                        device.name, hardware[j].name
                    )));
                }
            }
            index.insert(normalize(name), i);
        }
    }
    Ok(index)
}

fn check_unique_regions(regions: &[Region]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    match regions.iter().find(|r| !seen.insert(r.key())) {
        Some(r) => Err(Error::input(format!(
            "regions.csv: region '{}' appears twice",
            r.key()
        ))),
        None => Ok(()),
    }
}

/// Most rows of one catalog table (the bundled ones hold a few hundred).
pub const MAX_ROWS: usize = 20_000;

/// Longest name looked up, in bytes: no catalog name comes near it, and
/// longer ones would be slow to compare and long to echo.
pub const MAX_NAME_BYTES: usize = 256;

/// Refuse a name too long to be one, echoing only its start.
fn short_name(kind: &str, query: &str) -> Result<()> {
    if query.len() <= MAX_NAME_BYTES {
        return Ok(());
    }
    let start: String = query.chars().take(40).collect();
    Err(Error::input(format!(
        "unknown {kind} '{start}…': the name is {} bytes long, too long for any {kind} name (at most {MAX_NAME_BYTES})",
        query.len()
    )))
}

/// A data file's text, refused at once when larger than [`MAX_FILE_BYTES`]
/// and located (file, line, column) when it is not UTF-8.
pub(crate) fn read_limited(path: &Path) -> Result<String> {
    crate::input::read_text(path, "data file", MAX_FILE_BYTES)
}

/// Parse a CSV table into rows, checking the header names every required
/// column and each row with `check`. Errors carry file, line and column.
pub fn parse_rows<T>(path: &Path, text: &str, check: fn(&T) -> Result<(), String>) -> Result<Vec<T>>
where
    T: for<'de> Deserialize<'de>,
{
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| csv_error(path, &[], e))?
        .clone();
    let header_names: Vec<String> = headers.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &header_names, e))?;
        let row: T = record
            .deserialize(Some(&headers))
            .map_err(|e| csv_error(path, &header_names, e))?;
        let line = record.position().map_or(0, |p| p.line());
        check(&row).map_err(|message| Error::at_line(path, line, 1, message))?;
        if rows.len() >= MAX_ROWS {
            return Err(Error::at_line(
                path,
                line,
                1,
                format!("too many rows: a catalog table holds at most {MAX_ROWS}"),
            ));
        }
        rows.push(row);
    }
    Ok(rows)
}

fn csv_error(path: &Path, headers: &[String], error: csv::Error) -> Error {
    let line = error.position().map_or(1, |p| p.line());
    match error.kind() {
        csv::ErrorKind::Deserialize { err, .. } => {
            let field = err.field().map_or(0, |f| f as usize);
            let column = headers
                .get(field)
                .map_or(String::new(), |h| format!(" ('{h}')"));
            let message = match err.kind() {
                csv::DeserializeErrorKind::Message(m) if m.starts_with("missing field") => {
                    format!("{m}; the header must name every column of the bundled file")
                }
                _ => format!("column {}{column}: {}", field + 1, err.kind()),
            };
            Error::at_line(path, line, field as u64 + 1, message)
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Error::at_line(
            path,
            line,
            1,
            format!("this row has {len} fields but the header has {expected_len}"),
        ),
        csv::ErrorKind::Utf8 { err, .. } => Error::at_line(
            path,
            line,
            err.field() as u64 + 1,
            "the field is not valid UTF-8 text",
        ),
        _ => Error::at_line(path, line, 1, error.to_string()),
    }
}

fn finite_in(value: f64, low: f64, high: f64, what: &str) -> Result<(), String> {
    if value.is_finite() && (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "{what} is {value}; it must be within {low} to {high}"
        ))
    }
}

fn nonempty(value: &str, what: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        Err(format!("{what} is empty"))
    } else {
        Ok(())
    }
}

fn check_device(d: &Device) -> Result<(), String> {
    nonempty(&d.name, "name")?;
    nonempty(&d.source, "source")?;
    finite_in(d.tdp_watts, f64::MIN_POSITIVE, 100_000.0, "tdp_watts")?;
    for (value, what) in [
        (d.fp32_tflops, "fp32_tflops"),
        (d.tensor16_tflops, "tensor16_tflops"),
        (d.memory_bandwidth_gbs, "memory_bandwidth_gbs"),
        (d.tf32_tflops, "tf32_tflops"),
        (d.fp8_tflops, "fp8_tflops"),
        (d.core_ghz, "core_ghz"),
    ] {
        if let Some(v) = value {
            finite_in(v, f64::MIN_POSITIVE, 1e6, what)?;
        }
    }
    if let Some(w) = d.idle_watts {
        finite_in(w, 0.0, d.tdp_watts, "idle_watts")?;
    }
    finite_in(d.embodied_device_kg, 0.0, 1e6, "embodied_device_kg")?;
    finite_in(d.embodied_server_kg, 0.0, 1e7, "embodied_server_kg")?;
    finite_in(d.devices_per_server, 1.0, 1e4, "devices_per_server")?;
    Ok(())
}

fn check_region(r: &Region) -> Result<(), String> {
    nonempty(&r.provider, "provider")?;
    nonempty(&r.region, "region")?;
    nonempty(&r.intensity_source, "intensity_source")?;
    finite_in(r.intensity_g_per_kwh, 0.0, 2000.0, "intensity_g_per_kwh")?;
    finite_in(r.pue, 1.0, 3.0, "pue")?;
    finite_in(r.offset_pct, 0.0, 100.0, "offset_pct")
}

fn check_country(c: &Country) -> Result<(), String> {
    nonempty(&c.code, "code")?;
    nonempty(&c.source, "source")?;
    finite_in(c.intensity_g_per_kwh, 0.0, 2000.0, "intensity_g_per_kwh")
}

fn check_equivalent(e: &Equivalent) -> Result<(), String> {
    nonempty(&e.key, "key")?;
    finite_in(e.kg_co2_per_unit, f64::MIN_POSITIVE, 1e9, "kg_co2_per_unit")
}

mod merge;

mod semicolon_list {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(list: &[String], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&list.join(";"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        let text = String::deserialize(d)?;
        Ok(text
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::bundled().expect("the bundled catalog loads")
    }

    #[test]
    fn normalize_drops_case_punctuation_and_prefixes() {
        assert_eq!(normalize("Tesla V100-SXM2-16GB"), "v100sxm216gb");
        assert_eq!(normalize("NVIDIA A100-SXM4-40GB"), "a100sxm440gb");
        assert_eq!(normalize("v100 sxm2 16gb"), "v100sxm216gb");
    }

    #[test]
    fn device_lookup_is_forgiving() {
        let c = catalog();
        let d = c.device("tesla v100-sxm2-16gb").unwrap();
        assert_eq!(d.name, "V100 SXM2 16GB");
    }

    #[test]
    fn ambiguous_device_is_an_error_naming_the_choices() {
        let c = catalog();
        let message = c.device("V100").unwrap_err().to_string();
        assert!(message.contains("ambiguous"), "{message}");
        assert!(message.contains("V100 SXM2 16GB"), "{message}");
        assert!(message.contains("V100 PCIe"), "{message}");
    }

    #[test]
    fn unknown_device_suggests_close_names() {
        let message = catalog().device("H101 SXM").unwrap_err().to_string();
        assert!(message.contains("unknown hardware 'H101 SXM'"), "{message}");
        assert!(message.contains("H100 SXM"), "{message}");
    }

    #[test]
    fn region_lookup() {
        let c = catalog();
        assert_eq!(c.region("GCP:europe-north1").unwrap().country, "FI");
        assert_eq!(c.region("google:europe-north1").unwrap().provider, "gcp");
        let message = c.region("gcp:europe-north9").unwrap_err().to_string();
        assert!(message.contains("gcp:europe-north1"), "{message}");
        let message = c.region("gpc:us-east1").unwrap_err().to_string();
        assert!(message.contains("unknown provider 'gpc'"), "{message}");
    }

    #[test]
    fn country_lookup_by_code_or_name() {
        let c = catalog();
        assert_eq!(c.country("fr").unwrap().code, "FR");
        assert_eq!(c.country("France").unwrap().code, "FR");
        assert!(c
            .country("Frnace")
            .unwrap_err()
            .to_string()
            .contains("France"));
    }

    #[test]
    fn malformed_csv_names_file_line_and_column() {
        let text = "key,description,kg_co2_per_unit,unit,source,year\n\
                    car_km,a car,0.4,km,EPA,2024\n\
                    coal_kg,coal,lots,kg,EPA,2024\n";
        let err = parse_rows::<Equivalent>(Path::new("x/equivalents.csv"), text, check_equivalent)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("x/equivalents.csv:3:3: column 3 ('kg_co2_per_unit')"),
            "{err}"
        );
    }

    #[test]
    fn out_of_range_value_names_its_line() {
        let text =
            "key,description,kg_co2_per_unit,unit,source,year\ncar_km,a car,-1,km,EPA,2024\n";
        let err = parse_rows::<Equivalent>(Path::new("e.csv"), text, check_equivalent)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("e.csv:2:1: kg_co2_per_unit is -1"), "{err}");
    }
}
