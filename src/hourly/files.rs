//! Where profiles come from: the bundled files, `DIR/hourly/` files that
//! replace or add zone-years, and reading one file's rows.

use std::path::{Path, PathBuf};

use super::{Instant, Profile, HEADER, MAX_G_PER_KWH};
use crate::catalog::{read_limited, Catalog};
use crate::error::{Error, Result};
use crate::suggest;

macro_rules! bundled {
    ($zone:literal, $year:literal) => {
        (
            $zone,
            $year,
            include_str!(concat!("../../data/hourly/", $zone, "_", $year, ".csv")),
        )
    };
}

/// The bundled profiles: (zone, year, file text), sorted.
pub(super) const BUNDLED: [(&str, i32, &str); 32] = [
    bundled!("AU-NSW", 2023),
    bundled!("AU-VIC", 2021),
    bundled!("AU-VIC", 2022),
    bundled!("AU-VIC", 2023),
    bundled!("AU-VIC", 2024),
    bundled!("BR-CS", 2021),
    bundled!("BR-CS", 2022),
    bundled!("BR-CS", 2023),
    bundled!("BR-CS", 2024),
    bundled!("CA-ON", 2023),
    bundled!("CL-SEN", 2021),
    bundled!("CL-SEN", 2022),
    bundled!("CL-SEN", 2023),
    bundled!("CL-SEN", 2024),
    bundled!("DE", 2023),
    bundled!("GB", 2023),
    bundled!("KR", 2021),
    bundled!("KR", 2022),
    bundled!("KR", 2023),
    bundled!("KR", 2024),
    bundled!("SG", 2023),
    bundled!("US-CAL-CISO", 2023),
    bundled!("US-MIDA-PJM", 2023),
    bundled!("US-NY-NYIS", 2021),
    bundled!("US-NY-NYIS", 2022),
    bundled!("US-NY-NYIS", 2023),
    bundled!("US-NY-NYIS", 2024),
    bundled!("US-TEX-ERCO", 2023),
    bundled!("ZA", 2021),
    bundled!("ZA", 2022),
    bundled!("ZA", 2023),
    bundled!("ZA", 2024),
];

/// One data row: a single value in range.
pub(super) fn parse_row(
    path: &Path,
    text: &str,
    offset: usize,
    line: &str,
    _index: usize,
) -> Result<f64> {
    if let Some(comma) = line.find(',') {
        return Err(Error::at(
            path,
            text,
            offset + comma,
            format!("this row has more than one field; rows are one '{HEADER}' value per hour"),
        ));
    }
    match line.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=MAX_G_PER_KWH).contains(&v) => Ok(v),
        _ => Err(Error::at(
            path,
            text,
            offset,
            format!(
                "g_per_kwh is '{}'; it must be a number of g CO2eq/kWh within 0 to {MAX_G_PER_KWH}",
                line.trim()
            ),
        )),
    }
}

/// Each line of `text` (without its `\n` or `\r\n`) with its 1-based
/// number and byte offset.
pub(super) fn line_offsets(text: &str) -> impl Iterator<Item = (u64, usize, &str)> {
    let mut offset = 0;
    (1..)
        .zip(text.split_inclusive('\n'))
        .map(move |(number, raw)| {
            let start = offset;
            offset += raw.len();
            let line = raw.strip_suffix('\n').unwrap_or(raw);
            (number, start, line.strip_suffix('\r').unwrap_or(line))
        })
}

/// Load the profile of a zone (case-insensitive) for `year`, or for the
/// zone's nearest profile year when it has none for `year` (a tie goes to
/// the later year). `DIR/hourly/<ZONE>_<YEAR>.csv` under `data_dir`
/// replaces or adds a zone-year. An unknown zone is an error listing the
/// zones available, with a did-you-mean.
pub fn load(zone: &str, year: i32, data_dir: Option<&Path>) -> Result<Profile> {
    let query = zone.trim();
    let all = available(data_dir);
    let mut years: Vec<&(String, i32, Source)> = all
        .iter()
        .filter(|(z, _, _)| z.eq_ignore_ascii_case(query))
        .collect();
    if years.is_empty() {
        let names = zones(data_dir);
        let hint = suggest::closest(query, names.iter().map(String::as_str))
            .map_or(String::new(), |c| format!("did you mean '{c}'? "));
        return Err(Error::input(format!(
            "no hourly intensity for grid zone '{query}'; {hint}the zones with hourly data are {} \
             (add one as DIR/hourly/<ZONE>_<YEAR>.csv and pass --data DIR)",
            suggest::or_list(&names)
        )));
    }
    years.sort_by_key(|(_, y, _)| ((y - year).abs(), -y));
    let (name, y, source) = years[0];
    match source {
        Source::File(path) => Profile::from_csv(name, path, &read_limited(path)?, *y),
        Source::Bundled(text) => {
            let path = Path::new("data/hourly").join(format!("{name}_{y}.csv"));
            Profile::from_csv(name, &path, text, *y)
        }
    }
}

/// The profile a run starting at `start` uses on `zone`: the start year's
/// profile (else the nearest year's, see [`load`]), scaled to the
/// catalog's annual mean of the zone for the start's year when the catalog
/// has one, else for the catalog's year ([`Catalog::year`]). Unscaled when
/// the catalog has no figure for the zone.
pub fn for_run(catalog: &Catalog, zone: &str, start: Instant) -> Result<Profile> {
    let profile = load(zone, start.year(), catalog.data_dir.as_deref())?;
    let start_year = u16::try_from(start.year()).unwrap_or(0);
    let annual = catalog
        .annual(zone, start_year)
        .map(|g| (g, start_year))
        .or_else(|| {
            catalog
                .annual(zone, catalog.year)
                .map(|g| (g, catalog.year))
        });
    Ok(match annual {
        Some((g, year)) => profile.scale_to(g, year),
        None => profile,
    })
}

/// Where a zone-year's file is.
pub(super) enum Source {
    Bundled(&'static str),
    File(PathBuf),
}

/// Every zone-year: the bundled ones, replaced or joined by `DIR/hourly/`.
pub(super) fn available(data_dir: Option<&Path>) -> Vec<(String, i32, Source)> {
    let mut all: Vec<(String, i32, Source)> = BUNDLED
        .iter()
        .map(|&(z, y, text)| (z.to_string(), y, Source::Bundled(text)))
        .collect();
    for (zone, year, path) in dir_files(data_dir) {
        let name = all
            .iter()
            .find(|(z, _, _)| z.eq_ignore_ascii_case(&zone))
            .map_or(zone, |(z, _, _)| z.clone());
        all.retain(|(z, y, _)| !(z.eq_ignore_ascii_case(&name) && *y == year));
        all.push((name, year, Source::File(path)));
    }
    all
}

/// Zones with at least one profile year, sorted.
pub fn zones(data_dir: Option<&Path>) -> Vec<String> {
    let mut all: Vec<String> = available(data_dir).into_iter().map(|(z, _, _)| z).collect();
    all.sort();
    all.dedup();
    all
}

/// Whether a zone has any profile (case-insensitive).
pub fn has_profile(zone: &str, data_dir: Option<&Path>) -> bool {
    zones(data_dir).iter().any(|z| z.eq_ignore_ascii_case(zone))
}

/// `(zone, year, path)` of each `<ZONE>_<YEAR>.csv` under `DIR/hourly/`;
/// none when unreadable. Other file names are ignored.
pub(super) fn dir_files(data_dir: Option<&Path>) -> Vec<(String, i32, PathBuf)> {
    let Some(entries) = data_dir.and_then(|d| std::fs::read_dir(d.join("hourly")).ok()) else {
        return Vec::new();
    };
    let mut files: Vec<(String, i32, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "csv"))
        .filter_map(|p| {
            let stem = p.file_stem()?.to_str()?.to_string();
            let (zone, year) = stem.rsplit_once('_')?;
            let year: i32 = year.parse().ok().filter(|y| (1900..=2200).contains(y))?;
            Some((zone.to_string(), year, p))
        })
        .collect();
    files.sort();
    files
}
