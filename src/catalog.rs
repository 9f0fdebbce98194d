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
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::suggest;

pub mod offerings;
pub mod precision;
pub mod throughput;

pub use offerings::{Availability, Coverage, Offering};
pub use throughput::{Measurement, Workload};
mod grid;
pub use grid::{GridYear, BASIS};
mod device;
mod rows;
mod site;
#[cfg(test)]
mod tests;

pub use device::{Device, Kind, Precision};
pub use rows::parse_rows;
pub(crate) use rows::read_limited;
use rows::{
    check_country, check_device, check_equivalent, check_region, finite_in, key, nonempty, Tables,
};
pub use site::{Country, Equivalent, Region};

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

/// Where one catalog file was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "from", content = "path")]
pub enum Origin {
    /// The copy compiled into the binary.
    Bundled,
    /// A file under `--data`.
    File(PathBuf),
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

/// Refuse a `--data` file whose name is within two edits of a catalog
/// file's without being it: a misspelt `hardwares.csv` was skipped without
/// a word, and the bundled rows used instead. Files named otherwise (notes,
/// an `emissions.csv`, `hourly/`) are left alone.
fn check_names(dir: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(()); // unreadable: each table's own read reports it
    };
    let mut typos: Vec<(String, &str)> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| !FILES.contains(&n.as_str()))
        .filter_map(|n| {
            let near = FILES.into_iter().find(|f| suggest::distance(&n, f) <= 2)?;
            Some((n, near))
        })
        .collect();
    typos.sort();
    let Some((name, near)) = typos.first() else {
        return Ok(());
    };
    Err(Error::input(format!(
        "--data '{}': '{name}' is not a catalog table (did you mean '{near}'?); the tables are {}",
        dir.display(),
        FILES.join(", ")
    )))
}

/// The first half of the tables: devices, places and grid intensities.
struct DevicesAndGrid {
    origins: Vec<(&'static str, Origin)>,
    hardware: Vec<Device>,
    regions: Vec<Region>,
    countries: Vec<Country>,
    equivalents: Vec<Equivalent>,
    grid: Vec<GridYear>,
}

fn devices_and_grid(dir: Option<&Path>) -> Result<DevicesAndGrid> {
    let mut t = Tables::new(dir);
    let hardware = t.read("hardware.csv", BUNDLED_HARDWARE, check_device, key::device)?;
    let regions = t.read("regions.csv", BUNDLED_REGIONS, check_region, key::region)?;
    let countries = t.read(
        "countries.csv",
        BUNDLED_COUNTRIES,
        check_country,
        key::country,
    )?;
    let equivalents = t.read(
        "equivalents.csv",
        BUNDLED_EQUIVALENTS,
        check_equivalent,
        key::equivalent,
    )?;
    let grid = t.read("grid.csv", BUNDLED_GRID, grid::check_row, key::grid)?;
    Ok(DevicesAndGrid {
        origins: t.origins,
        hardware,
        regions,
        countries,
        equivalents,
        grid,
    })
}

/// The second half of the tables: measured speeds and cloud offerings.
struct SpeedsAndOffers {
    origins: Vec<(&'static str, Origin)>,
    throughput: Vec<Measurement>,
    offerings: Vec<Offering>,
    coverage: Vec<Coverage>,
}

fn speeds_and_offers(dir: Option<&Path>) -> Result<SpeedsAndOffers> {
    let mut t = Tables::new(dir);
    let throughput = t.read(
        "throughput.csv",
        BUNDLED_THROUGHPUT,
        throughput::check,
        key::measurement,
    )?;
    let offerings = t.read(
        "offerings.csv",
        BUNDLED_OFFERINGS,
        offerings::check,
        key::offering,
    )?;
    let coverage = t.read(
        "offer_coverage.csv",
        BUNDLED_COVERAGE,
        offerings::check_coverage,
        key::coverage,
    )?;
    Ok(SpeedsAndOffers {
        origins: t.origins,
        throughput,
        offerings,
        coverage,
    })
}

impl Catalog {
    /// The bundled catalog.
    pub fn bundled() -> Result<Catalog> {
        Catalog::load(None)
    }

    /// The catalog, with the rows of files under `dir` adding to or
    /// replacing the bundled rows of the same name (see `merge`).
    pub fn load(dir: Option<&Path>) -> Result<Catalog> {
        if let Some(d) = dir {
            if !d.is_dir() {
                return Err(Error::input(format!(
                    "--data '{}' is not a directory; it should hold some of {}",
                    d.display(),
                    FILES.join(", ")
                )));
            }
        }
        if let Some(d) = dir {
            check_names(d)?;
        }
        // Two halves of about the same size, read at once; the first
        // half's tables come first, so the first error is the same as in
        // a serial read.
        let (first, second) = rayon::join(|| devices_and_grid(dir), || speeds_and_offers(dir));
        let DevicesAndGrid {
            mut origins,
            hardware,
            regions,
            countries,
            equivalents,
            grid,
        } = first?;
        let SpeedsAndOffers {
            origins: more,
            throughput,
            offerings,
            coverage,
        } = second?;
        origins.extend(more);
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

    /// The device one of whose names `name` is (compared normalized), if
    /// any: [`Catalog::device`] without the error and its suggestions.
    pub fn device_named(&self, name: &str) -> Option<&Device> {
        let i = self.device_index.get(&normalize(name))?;
        Some(&self.hardware[*i])
    }

    /// The device a user-typed name denotes, or an error listing the
    /// closest names when it is unknown or could mean several devices.
    pub fn device(&self, query: &str) -> Result<&Device> {
        short_name("hardware", query)?;
        if let Some(d) = self.device_named(query) {
            return Ok(d);
        }
        let key = normalize(query);
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

mod merge;
