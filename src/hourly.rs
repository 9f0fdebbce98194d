//! Hourly grid carbon intensity: when in the year a run starts changes its
//! emissions, and this module says by how much.
//!
//! A [`Profile`] holds one zone's intensity for every hour of one year, in
//! g CO2eq/kWh on the *life-cycle* basis, the basis of the catalog's annual
//! figures. Hour `h` of a profile covers `[h, h + 1)` hours after 00:00 UTC
//! on 1 January; the intensity is taken as constant within the hour.
//! Bundled profiles (`data/hourly/<ZONE>_<YEAR>.csv`, built by
//! `tools/build_hourly.py`) cover 2023 for eight Electricity Maps zones and
//! 2021–2024 for six more; `--data DIR` adds or replaces zone-years with
//! `DIR/hourly/<ZONE>_<YEAR>.csv`.
//!
//! A run uses the profile of its start's year, else the zone's nearest
//! profile year ([`load`]). [`Profile::scale_to`] then scales the hourly
//! shape to the catalog's annual mean for the year, so a whole calendar
//! year reproduces the annual figure; the factor is kept in
//! [`Profile::scaling`] so outputs can say so.
//!
//! Guarantees:
//!
//! - a loaded profile has exactly one value per hour of its year (8760, or
//!   8784 in a leap year), each finite and within 0..=2000 g/kWh; a file
//!   that breaks this is reported with its path and line;
//! - [`Profile::mean`] is exact up to floating-point rounding, O(1) (prefix
//!   sums), and weights a partly covered hour by the covered fraction;
//! - **wrap-around**: a run that passes the end of the year continues at the
//!   start of the same profile, as if every year repeated it (a start is
//!   taken modulo the profile's length, and a run longer than a year wraps
//!   as often as needed);
//! - [`Profile::best_start`] is the earliest best start among the candidates
//!   it documents, in O(candidates);
//! - **year mapping**: an [`Instant`] outside the profile's year is moved by
//!   a whole number of weeks into it ([`position`]), keeping its weekday and
//!   time of day, so weekly patterns (weekend demand) line up.
//!
//! Any output that uses the bundled numbers must carry [`ATTRIBUTION`]; the
//! data are under the Open Database License (see `data/hourly/README.md`).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::catalog::{read_limited, Catalog};
use crate::error::{Error, Result};
use crate::suggest;

/// The credit line outputs using the bundled hourly data must print.
pub const ATTRIBUTION: &str = "Carbon intensity data: Electricity Maps (2021–2025), ODbL";

/// Highest intensity accepted, g/kWh: above any real grid (lignite is about
/// 1,100), low enough to catch a file in kg/MWh×1000 or similar.
pub const MAX_G_PER_KWH: f64 = 2000.0;

/// Means closer than this, g/kWh, count as ties in [`Profile::best_start`],
/// so rounding in the prefix sums never moves a start later.
pub const TIE_G_PER_KWH: f64 = 1e-6;

const HEADER: &str = "g_per_kwh";
const SECONDS_PER_HOUR: i64 = 3600;
const SECONDS_PER_DAY: i64 = 86_400;

macro_rules! bundled {
    ($zone:literal, $year:literal) => {
        (
            $zone,
            $year,
            include_str!(concat!("../data/hourly/", $zone, "_", $year, ".csv")),
        )
    };
}

/// The bundled profiles: (zone, year, file text), sorted.
const BUNDLED: [(&str, i32, &str); 32] = [
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

/// An hourly intensity profile for one grid zone over one year.
#[derive(Clone)]
pub struct Profile {
    /// Zone name, as in the file name (`GB`, `US-CAL-CISO`).
    pub zone: String,
    /// Calendar year the profile describes; hour 0 starts 1 January 00:00 UTC.
    pub year: i32,
    /// How the hourly shape was scaled to an annual figure, if it was.
    pub scaling: Option<Scaling>,
    /// Intensity of each hour, g CO2eq/kWh.
    values: Vec<f64>,
    /// `prefix[h]` = sum of `values[..h]`, g·h/kWh; length `values.len() + 1`.
    prefix: Vec<f64>,
}

/// How a profile's hourly shape was brought to the annual level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scaling {
    /// Mean of the hourly file over its year, g CO2eq/kWh.
    pub hourly_mean: f64,
    /// The annual figure it was scaled to, g CO2eq/kWh.
    pub annual: f64,
    /// The year of that annual figure.
    pub annual_year: u16,
    /// `annual / hourly_mean`.
    pub factor: f64,
}

impl Scaling {
    /// One sentence for outputs, e.g. "hourly shape of GB 2023 (mean 187.5
    /// g/kWh) scaled ×1.067 to the 2023 annual mean, 200 g/kWh".
    pub fn describe(&self, zone: &str, profile_year: i32) -> String {
        format!(
            "hourly shape of {zone} {profile_year} (mean {:.1} g/kWh) scaled ×{:.3} to the {} annual mean, {} g/kWh",
            self.hourly_mean, self.factor, self.annual_year, self.annual
        )
    }
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("zone", &self.zone)
            .field("year", &self.year)
            .field("hours", &self.hours())
            .finish_non_exhaustive()
    }
}

impl Profile {
    /// Parse a `hour,g_per_kwh` table covering every hour of `year`: the
    /// header, then one row per hour numbered from 0, each value finite and
    /// within 0..=[`MAX_G_PER_KWH`]. A byte-order mark, `\r\n` line ends and
    /// blank lines are accepted. `path_for_messages` names the file in
    /// errors, which give its line and column.
    pub fn from_csv(
        zone: &str,
        path_for_messages: &Path,
        text: &str,
        year: i32,
    ) -> Result<Profile> {
        let path = path_for_messages;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let expected = hours_in_year(year);
        let mut lines = line_offsets(text).filter(|&(_, _, l)| !l.trim().is_empty());
        match lines.next() {
            Some((_, _, header)) if header.split(',').map(str::trim).eq(HEADER.split(',')) => {}
            Some((_, offset, header)) => {
                return Err(Error::at(
                    path,
                    text,
                    offset,
                    format!("the header is '{header}'; it must be '{HEADER}'"),
                ))
            }
            None => {
                return Err(Error::at_line(
                    path,
                    1,
                    1,
                    format!("the file is empty; it must start with '{HEADER}'"),
                ))
            }
        }
        let mut values = Vec::with_capacity(expected);
        let mut last_line = 1;
        for (number, offset, line) in lines {
            last_line = number;
            if values.len() == expected {
                return Err(Error::at(
                    path,
                    text,
                    offset,
                    format!(
                        "too many rows: {year} has {expected} hours (0 to {})",
                        expected - 1
                    ),
                ));
            }
            values.push(parse_row(path, text, offset, line, values.len())?);
        }
        if values.len() < expected {
            return Err(Error::at_line(
                path,
                last_line + 1,
                1,
                format!(
                    "the file ends after {} hourly rows; {year} needs {expected} (hours 0 to {})",
                    values.len(),
                    expected - 1
                ),
            ));
        }
        Ok(Profile::from_values(zone, year, values))
    }

    /// A profile of any non-empty length, unchecked; for `from_csv` and tests.
    pub(crate) fn from_values(zone: &str, year: i32, values: Vec<f64>) -> Profile {
        assert!(!values.is_empty(), "a profile needs at least one hour");
        let mut prefix = Vec::with_capacity(values.len() + 1);
        let mut sum = 0.0;
        prefix.push(sum);
        for v in &values {
            sum += v;
            prefix.push(sum);
        }
        Profile {
            zone: zone.to_string(),
            year,
            scaling: None,
            values,
            prefix,
        }
    }

    /// The profile scaled so its mean over the whole year is `annual`
    /// (g CO2eq/kWh, the catalog's figure for `annual_year`). The shape is
    /// kept; every hour is multiplied by `annual / mean`. A profile whose
    /// mean is 0 is returned unscaled.
    pub fn scale_to(mut self, annual: f64, annual_year: u16) -> Profile {
        let hourly_mean = self.prefix[self.hours()] / self.hours() as f64;
        if hourly_mean <= 0.0 {
            return self;
        }
        let factor = annual / hourly_mean;
        for v in &mut self.values {
            *v *= factor;
        }
        for p in &mut self.prefix {
            *p *= factor;
        }
        self.scaling = Some(Scaling {
            hourly_mean,
            annual,
            annual_year,
            factor,
        });
        self
    }

    /// Number of hours covered (8760, or 8784 in a leap year).
    pub fn hours(&self) -> usize {
        self.values.len()
    }

    /// The intensity of each hour, g CO2eq/kWh.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The instant hour 0 begins: 1 January of `year`, 00:00 UTC.
    pub fn start(&self) -> Instant {
        Instant::start_of_year(self.year)
    }

    /// Mean intensity, g CO2eq/kWh, over `[start, start + duration)`, both
    /// in hours from the profile's start. A partly covered hour counts with
    /// the covered fraction. The run wraps around the end of the profile
    /// (see the module docs), so any finite `start` is allowed. O(1).
    ///
    /// # Panics
    /// If `duration` is not a positive finite number.
    pub fn mean(&self, start: f64, duration: f64) -> f64 {
        assert!(
            duration > 0.0 && duration.is_finite(),
            "duration must be positive, not {duration}"
        );
        (self.integral(start + duration) - self.integral(start)) / duration
    }

    /// ∫₀ᵗ intensity, g·h/kWh, with the profile repeated forever both ways.
    fn integral(&self, t: f64) -> f64 {
        let n = self.hours() as f64;
        let total = self.prefix[self.hours()];
        let laps = (t / n).floor();
        // Rounding can put the rest a hair outside the lap; it is an end of it.
        let rest = (t - laps * n).clamp(0.0, n);
        let hour = rest.floor() as usize;
        let within = match self.values.get(hour) {
            Some(v) => self.prefix[hour] + (rest - hour as f64) * v,
            None => total,
        };
        laps * total + within
    }

    /// The start minimising [`mean`](Profile::mean)`(start, duration)` among
    /// `from` itself and every whole hour `h` (an integer number of hours
    /// from the profile's start) with `from < h <= from + window`; ties
    /// (means within [`TIE_G_PER_KWH`]) go to the earliest. Returns
    /// `(start, mean)`, the start not reduced modulo the year.
    ///
    /// For runs of whole hours the mean changes linearly between whole
    /// hours, so no start between two candidates beats both of them.
    /// Candidates more than a year after `from` repeat earlier ones and are
    /// skipped, so the cost is O(min(window, hours)).
    ///
    /// # Panics
    /// If `from` or `window` is not finite, `window` is negative, or
    /// `duration` is not positive.
    pub fn best_start(&self, from: f64, window: f64, duration: f64) -> (f64, f64) {
        assert!(from.is_finite(), "from must be finite, not {from}");
        assert!(
            window >= 0.0 && window.is_finite(),
            "window must be zero or more, not {window}"
        );
        let last = from + window.min(self.hours() as f64);
        let mut best = (from, self.mean(from, duration));
        let mut h = from.floor() + 1.0;
        while h <= last {
            let m = self.mean(h, duration);
            if m < best.1 - TIE_G_PER_KWH {
                best = (h, m);
            }
            h += 1.0;
        }
        best
    }
}

/// One data row: a single value in range.
fn parse_row(path: &Path, text: &str, offset: usize, line: &str, _index: usize) -> Result<f64> {
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
fn line_offsets(text: &str) -> impl Iterator<Item = (u64, usize, &str)> {
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
enum Source {
    Bundled(&'static str),
    File(PathBuf),
}

/// Every zone-year: the bundled ones, replaced or joined by `DIR/hourly/`.
fn available(data_dir: Option<&Path>) -> Vec<(String, i32, Source)> {
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
fn dir_files(data_dir: Option<&Path>) -> Vec<(String, i32, PathBuf)> {
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

/// A moment in UTC, to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    /// Seconds since 1970-01-01T00:00Z (negative before).
    seconds: i64,
}

impl Instant {
    /// Parse `2023-06-01T00:00Z`, `2023-06-01T00:00:00Z`,
    /// `2023-06-01T00:00+00:00` or `2023-06-01 00:00Z`. A time zone is
    /// required: `Z`, or an offset such as `+02:00` or `-05:00`, which is
    /// converted to UTC.
    pub fn parse(s: &str) -> Result<Instant> {
        parse_instant(s.trim()).map_err(|why| {
            Error::input(format!(
                "invalid time '{s}': {why}; write it as 2023-06-01T00:00Z (UTC), \
                 or with an offset, as 2023-06-01T02:00+02:00"
            ))
        })
    }

    /// The instant `seconds` after 1970-01-01T00:00Z.
    pub fn from_seconds(seconds: i64) -> Instant {
        Instant { seconds }
    }

    /// Seconds since 1970-01-01T00:00Z.
    pub fn seconds(&self) -> i64 {
        self.seconds
    }

    /// 1 January of `year`, 00:00 UTC.
    pub fn start_of_year(year: i32) -> Instant {
        Instant::from_seconds(days_from_civil(i64::from(year), 1, 1) * SECONDS_PER_DAY)
    }

    /// The calendar year, in UTC.
    pub fn year(&self) -> i32 {
        civil_from_days(self.days()).0 as i32
    }

    /// Day of the week in UTC: 0 = Monday ... 6 = Sunday.
    pub fn weekday(&self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        (self.days() + 3).rem_euclid(7) as u32
    }

    /// The instant `h` hours later (earlier if negative), to the nearest second.
    pub fn plus_hours(&self, h: f64) -> Instant {
        Instant::from_seconds(self.seconds + (h * SECONDS_PER_HOUR as f64).round() as i64)
    }

    /// Whole days since 1970-01-01.
    fn days(&self) -> i64 {
        self.seconds.div_euclid(SECONDS_PER_DAY)
    }
}

impl fmt::Display for Instant {
    /// `2023-06-01T00:00Z`, with `:SS` only when the seconds are not zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.days());
        let s = self.seconds.rem_euclid(SECONDS_PER_DAY);
        write!(f, "{y:04}-{m:02}-{d:02}T{:02}:{:02}", s / 3600, s / 60 % 60)?;
        if s % 60 != 0 {
            write!(f, ":{:02}", s % 60)?;
        }
        f.write_str("Z")
    }
}

/// The instant, or why the text is not one.
fn parse_instant(s: &str) -> std::result::Result<Instant, String> {
    let mut c = Cursor(s.as_bytes());
    let date_form = "the date must be YYYY-MM-DD";
    let year = c.digits(4).ok_or(date_form)?;
    c.expect(b"-").ok_or(date_form)?;
    let month = c.digits(2).ok_or(date_form)?;
    c.expect(b"-").ok_or(date_form)?;
    let day = c.digits(2).ok_or(date_form)?;
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is not 1 to 12"));
    }
    let last_day = days_in_month(year, month as u32);
    if !(1..=i64::from(last_day)).contains(&day) {
        return Err(format!(
            "day {day} is not 1 to {last_day} in {year}-{month:02}"
        ));
    }
    c.expect(b"T")
        .or_else(|| c.expect(b"t"))
        .or_else(|| c.expect(b" "))
        .ok_or("the time must follow the date, separated by T, as in 2023-06-01T12:00Z")?;
    let time_form = "the time must follow the date as THH:MM or THH:MM:SS";
    let hour = c.digits(2).ok_or(time_form)?;
    c.expect(b":").ok_or(time_form)?;
    let minute = c.digits(2).ok_or(time_form)?;
    let second = if c.expect(b":").is_some() {
        c.digits(2).ok_or(time_form)?
    } else {
        0
    };
    if hour > 23 || minute > 59 || second > 59 {
        return Err(format!(
            "{hour:02}:{minute:02}:{second:02} is not a time of day (00:00:00 to 23:59:59)"
        ));
    }
    let offset = match c.0.first() {
        None => {
            return Err(
                "the time zone is missing: end with Z for UTC, or an offset such as +02:00".into(),
            )
        }
        Some(b'Z' | b'z') => {
            c.0 = &c.0[1..];
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            c.0 = &c.0[1..];
            let zone_form = "the offset must be +HH:MM or -HH:MM";
            let oh = c.digits(2).ok_or(zone_form)?;
            c.expect(b":").ok_or(zone_form)?;
            let om = c.digits(2).ok_or(zone_form)?;
            if oh > 23 || om > 59 {
                return Err(zone_form.into());
            }
            let magnitude = oh * SECONDS_PER_HOUR + om * 60;
            if sign == b'+' {
                magnitude
            } else {
                -magnitude
            }
        }
        Some(_) => {
            return Err(format!(
                "unexpected '{}' after the time",
                String::from_utf8_lossy(c.0)
            ))
        }
    };
    if !c.0.is_empty() {
        return Err(format!(
            "unexpected '{}' at the end",
            String::from_utf8_lossy(c.0)
        ));
    }
    let local = days_from_civil(year, month as u32, day as u32) * SECONDS_PER_DAY
        + hour * SECONDS_PER_HOUR
        + minute * 60
        + second;
    Ok(Instant::from_seconds(local - offset))
}

/// The unparsed rest of a string.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    /// Exactly `n` ASCII digits, as a number.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let head = self.0.get(..n)?;
        if !head.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.0 = &self.0[n..];
        Some(
            head.iter()
                .fold(0, |acc, &b| acc * 10 + i64::from(b - b'0')),
        )
    }

    /// Consume `token` if the rest starts with it.
    fn expect(&mut self, token: &[u8]) -> Option<()> {
        self.0 = self.0.strip_prefix(token)?;
        Some(())
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Hours in a calendar year: 8760, or 8784 in a leap year.
pub fn hours_in_year(year: i32) -> usize {
    if is_leap(i64::from(year)) {
        8784
    } else {
        8760
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`, chrono-compatible algorithms).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01, as (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Where `at` falls in the profile's year, in hours from its start, and
/// whether it had to be moved there (`true` when `at` is in another year).
///
/// An instant in another year is moved by the whole number of weeks that
/// brings it nearest to the same calendar date in the profile's year
/// (29 February counting as 28 February), then by one more week if that
/// lands outside the year. So the result has the same weekday and time of
/// day, and lies within 3 days of the same date (within 6 days in the first
/// and last days of the year). Example: 2024-06-05 12:00 (a Wednesday) maps
/// to 2023-06-07 12:00, also a Wednesday: 52 weeks earlier.
pub fn position(profile: &Profile, at: Instant) -> (f64, bool) {
    let start = Instant::start_of_year(profile.year).seconds;
    let end = Instant::start_of_year(profile.year + 1).seconds;
    let hours = |s: i64| (s - start) as f64 / SECONDS_PER_HOUR as f64;
    if (start..end).contains(&at.seconds) {
        return (hours(at.seconds), false);
    }
    let (_, month, day) = civil_from_days(at.days());
    let day = day.min(days_in_month(i64::from(profile.year), month));
    let target = days_from_civil(i64::from(profile.year), month, day);
    let week = 7 * SECONDS_PER_DAY;
    let weeks = ((at.days() - target) as f64 / 7.0).round() as i64;
    let mut moved = at.seconds - weeks * week;
    if moved < start {
        moved += week;
    } else if moved >= end {
        moved -= week;
    }
    (hours(moved), true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{prop_assert, prop_assert_eq, prop_oneof, proptest, Just, Strategy};

    fn profile(values: &[f64]) -> Profile {
        Profile::from_values("TEST", 2023, values.to_vec())
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn at(s: &str) -> Instant {
        Instant::parse(s).unwrap()
    }

    #[test]
    fn mean_of_a_whole_two_hour_run() {
        // (100 + 300) / 2 = 200
        assert_eq!(profile(&[100.0, 300.0]).mean(0.0, 2.0), 200.0);
    }

    #[test]
    fn mean_weights_a_fractional_end() {
        // (100 + 0.5 × 300) / 1.5 = 250 / 1.5 = 166.67
        let m = profile(&[100.0, 300.0]).mean(0.0, 1.5);
        assert!(close(m, 250.0 / 1.5), "{m}");
        assert_eq!(format!("{m:.2}"), "166.67");
    }

    #[test]
    fn mean_weights_a_fractional_start() {
        // (0.5 × 100 + 0.5 × 300) / 1 = 200
        assert_eq!(profile(&[100.0, 300.0]).mean(0.5, 1.0), 200.0);
    }

    #[test]
    fn mean_wraps_around_the_end_of_the_year() {
        let p = profile(&[100.0, 300.0, 500.0]);
        // Hour 2 then hour 0: (0.5 × 500 + 0.5 × 100) / 1 = 300
        assert!(close(p.mean(2.5, 1.0), 300.0));
        // 500 + 100 + 300 + 500 over 4 hours = 350
        assert!(close(p.mean(2.0, 4.0), 350.0));
        // Starts a year apart are the same run: -1 ≡ 2.
        assert!(close(p.mean(-1.0, 1.0), 500.0));
        assert!(close(p.mean(5.0, 1.0), 500.0));
        // Seven hours from 0: two laps (900 each) then 100, / 7 = 271.43
        assert!(close(p.mean(0.0, 7.0), 1900.0 / 7.0));
    }

    #[test]
    fn best_start_tries_from_then_whole_hours() {
        let p = profile(&[100.0, 300.0, 500.0, 100.0, 900.0]);
        // Candidates 0.5 (0.5×100 + 0.5×300 = 200), 1 (300), 2 (500), 3 (100).
        assert_eq!(p.best_start(0.5, 3.0, 1.0), (3.0, 100.0));
        // Hour 3 is past the window's end (0.5 + 2.4 = 2.9): 0.5 wins with 200.
        assert_eq!(p.best_start(0.5, 2.4, 1.0), (0.5, 200.0));
        // Window 0: only `from`.
        assert_eq!(p.best_start(1.0, 0.0, 1.0), (1.0, 300.0));
    }

    #[test]
    fn best_start_ties_go_to_the_earliest() {
        let p = profile(&[200.0; 24]);
        assert_eq!(p.best_start(3.25, 20.0, 2.0), (3.25, 200.0));
        let p = profile(&[100.0, 500.0, 100.0, 500.0]);
        // Hours 0 and 2 both average 100 over one hour: 0 comes first.
        assert_eq!(p.best_start(0.0, 3.0, 1.0), (0.0, 100.0));
        // From 0.5 (300): hours 2 and 4 (≡ 0) both give 100; 2 comes first.
        assert_eq!(p.best_start(0.5, 10.0, 1.0), (2.0, 100.0));
    }

    /// Mean by walking the hours one by one, independent of the prefix sums.
    fn brute_mean(values: &[f64], start: f64, duration: f64) -> f64 {
        let n = values.len() as f64;
        let (mut t, end, mut sum) = (start, start + duration, 0.0);
        while t < end {
            let next = (t.floor() + 1.0).min(end);
            sum += (next - t) * values[t.floor().rem_euclid(n) as usize];
            t = next;
        }
        sum / duration
    }

    fn brute_best(values: &[f64], from: f64, window: f64, duration: f64) -> (f64, f64) {
        let hours = (0..)
            .map(|k| from.floor() + f64::from(k))
            .skip_while(|&h| h <= from)
            .take_while(|&h| h <= from + window);
        let mut best = (from, brute_mean(values, from, duration));
        for s in hours {
            let m = brute_mean(values, s, duration);
            if m < best.1 - TIE_G_PER_KWH {
                best = (s, m);
            }
        }
        best
    }

    fn intensities() -> impl Strategy<Value = Vec<f64>> {
        let value = prop_oneof![
            0.0f64..=2000.0,
            // Few distinct values: many exact ties.
            (0u8..4).prop_map(|v| f64::from(v) * 100.0),
        ];
        proptest::collection::vec(value, 24..200)
    }

    proptest! {
        #[test]
        fn best_start_matches_brute_force(
            values in intensities(),
            from in prop_oneof![0.0f64..400.0, (0u16..400).prop_map(f64::from)],
            window in prop_oneof![0.0f64..300.0, (0u16..300).prop_map(f64::from), Just(0.0)],
            duration in prop_oneof![0.1f64..48.0, (1u8..48).prop_map(f64::from)],
        ) {
            let p = profile(&values);
            let (start, mean) = p.best_start(from, window, duration);
            let (brute_start, brute_mean) = brute_best(&values, from, window, duration);
            prop_assert_eq!(start, brute_start);
            prop_assert!((mean - brute_mean).abs() < 1e-7, "{} vs {}", mean, brute_mean);
        }

        #[test]
        fn position_keeps_weekday_and_time_of_day(seconds in -2_000_000_000i64..5_000_000_000) {
            let p = profile(&[1.0]);
            let instant = Instant::from_seconds(seconds);
            let (hours, mapped) = position(&p, instant);
            let moved = Instant::start_of_year(2023).plus_hours(hours);
            prop_assert_eq!(moved.year(), 2023);
            prop_assert_eq!(mapped, instant.year() != 2023);
            prop_assert_eq!(moved.weekday(), instant.weekday());
            prop_assert_eq!((moved.seconds() - instant.seconds()).rem_euclid(7 * 86_400), 0);
            // Within 6 days of the same calendar date in 2023.
            let (_, m, d) = civil_from_days(instant.days());
            let target = days_from_civil(2023, m, d.min(days_in_month(2023, m)));
            prop_assert!((moved.days() - target).abs() <= 6);
        }
    }

    #[test]
    fn from_csv_reads_a_full_year() {
        let mut text = String::from("g_per_kwh\r\n");
        for h in 0..8760 {
            text.push_str(&format!("{}\r\n", h % 24));
        }
        let p = Profile::from_csv("X", Path::new("x.csv"), &text, 2023).unwrap();
        assert_eq!(p.hours(), 8760);
        // Every day is 0..=23: mean 11.5
        assert!(close(p.mean(0.0, 8760.0), 11.5));
        let err = Profile::from_csv("X", Path::new("x.csv"), &text, 2024)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("x.csv:8762:1: the file ends after 8760 hourly rows; 2024 needs 8784"),
            "{err}"
        );
    }

    fn csv_error(text: &str) -> String {
        Profile::from_csv("X", Path::new("z/X.csv"), text, 2023)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn from_csv_errors_name_file_line_and_column() {
        let e = csv_error("gco2\n1\n");
        assert!(
            e.starts_with("z/X.csv:1:1: the header is 'gco2'; it must be 'g_per_kwh'"),
            "{e}"
        );
        let e = csv_error("g_per_kwh\n1\n2500\n");
        assert!(
            e.starts_with("z/X.csv:3:1: g_per_kwh is '2500'; it must be"),
            "{e}"
        );
        let e = csv_error("g_per_kwh\nNaN\n");
        assert!(e.starts_with("z/X.csv:2:1: g_per_kwh is 'NaN'"), "{e}");
        let e = csv_error("g_per_kwh\n-1\n");
        assert!(e.starts_with("z/X.csv:2:1: g_per_kwh is '-1'"), "{e}");
        let e = csv_error("g_per_kwh\n0,1\n");
        assert!(
            e.starts_with("z/X.csv:2:2: this row has more than one field"),
            "{e}"
        );
        let e = csv_error("");
        assert!(e.starts_with("z/X.csv:1:1: the file is empty"), "{e}");
        let e = csv_error("g_per_kwh\n1\n1\n");
        assert!(
            e.starts_with("z/X.csv:4:1: the file ends after 2 hourly rows; 2023 needs 8760"),
            "{e}"
        );
        let long = format!("g_per_kwh\n{}", "1\n".repeat(8761));
        let e = csv_error(&long);
        assert!(
            e.starts_with("z/X.csv:8762:1: too many rows: 2023 has 8760 hours"),
            "{e}"
        );
    }

    #[test]
    fn every_bundled_profile_loads_with_its_published_lca_mean() {
        // Life-cycle means from PROVENANCE.md of the 2021-2024 files, and GB
        // 2023 (187.5, issue #12); whole-gram rounding moves a mean < 0.5 g.
        for (zone, year, mean) in [
            ("GB", 2023, 187.5),
            ("KR", 2021, 489.6),
            ("ZA", 2024, 713.1),
            ("US-NY-NYIS", 2022, 281.2),
            ("BR-CS", 2023, 90.3),
            ("CL-SEN", 2024, 238.1),
            ("AU-VIC", 2022, 541.4),
        ] {
            let p = load(zone, year, None).unwrap();
            assert_eq!((p.zone.as_str(), p.year), (zone, year));
            assert_eq!(p.hours(), hours_in_year(year));
            let m = p.mean(0.0, p.hours() as f64);
            assert!((m - mean).abs() <= 0.5, "{zone} {year}: {m} vs {mean}");
        }
        assert_eq!(zones(None).len(), 14);
        assert_eq!(BUNDLED.len(), 32);
    }

    #[test]
    fn a_year_without_a_profile_takes_the_nearest() {
        // GB has only 2023; KR has 2021-2024: 2025 → 2024, 2019 → 2021.
        assert_eq!(load("GB", 2021, None).unwrap().year, 2023);
        assert_eq!(load("KR", 2025, None).unwrap().year, 2024);
        assert_eq!(load("KR", 2019, None).unwrap().year, 2021);
    }

    #[test]
    fn scaling_brings_the_year_to_the_annual_figure() {
        // GB 2023: hourly LCA mean 187.5, Electricity Maps' yearly 200 g/kWh:
        // factor 200 / 187.5 ≈ 1.067; the scaled year's mean is 200.
        let p = load("GB", 2023, None).unwrap().scale_to(200.0, 2023);
        let s = p.scaling.unwrap();
        assert!((s.factor - 200.0 / s.hourly_mean).abs() < 1e-12);
        assert!((s.hourly_mean - 187.5).abs() <= 0.5, "{}", s.hourly_mean);
        assert!((p.mean(0.0, 8760.0) - 200.0).abs() < 1e-9);
        assert!(
            s.describe("GB", 2023).contains("scaled ×1.06"),
            "{}",
            s.describe("GB", 2023)
        );
    }

    #[test]
    fn load_is_case_insensitive_and_suggests_zones() {
        assert_eq!(load("us-tex-erco", 2023, None).unwrap().zone, "US-TEX-ERCO");
        let e = load("GBR", 2023, None).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let e = e.to_string();
        assert!(e.contains("grid zone 'GBR'; did you mean 'GB'?"), "{e}");
        assert!(e.contains("'AU-NSW', 'AU-VIC'"), "{e}");
        assert!(e.contains("or 'ZA'"), "{e}");
    }

    #[test]
    fn data_dir_adds_and_replaces_zones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("hourly")).unwrap();
        let flat = format!("{HEADER}\n{}", "50\n".repeat(8760));
        std::fs::write(dir.path().join("hourly/gb_2023.csv"), &flat).unwrap();
        std::fs::write(dir.path().join("hourly/FR_2023.csv"), &flat).unwrap();
        std::fs::write(dir.path().join("hourly/NO_2023.csv"), "g_per_kwh\n-3\n").unwrap();
        let z = zones(Some(dir.path()));
        assert_eq!(z.len(), 16);
        assert!(z.contains(&"FR".to_string()) && z.contains(&"GB".to_string()));
        assert_eq!(
            load("GB", 2023, Some(dir.path())).unwrap().mean(0.0, 24.0),
            50.0
        );
        assert_eq!(load("fr", 2023, Some(dir.path())).unwrap().zone, "FR");
        assert_eq!(load("SG", 2023, Some(dir.path())).unwrap().hours(), 8760);
        let e = load("NO", 2023, Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains("NO_2023.csv:2:1: g_per_kwh is '-3'"), "{e}");
        let e = load("NL", 2023, Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains("'FR', 'GB'"), "{e}");
    }

    #[test]
    fn instant_parses_every_documented_form() {
        let utc = at("2023-06-01T00:00Z");
        for s in [
            "2023-06-01T00:00:00Z",
            "2023-06-01T00:00+00:00",
            "2023-06-01 00:00Z",
            "2023-06-01T02:00+02:00",
            "2023-05-31T19:00-05:00",
            " 2023-06-01t00:00z ",
        ] {
            assert_eq!(at(s), utc, "{s}");
        }
        // 2023-06-01 is 19,509 days after 1970-01-01.
        assert_eq!(utc.seconds(), 19_509 * 86_400);
    }

    #[test]
    fn instant_rejects_malformed_and_impossible_times() {
        for (s, why) in [
            ("2023-02-30T00:00Z", "day 30 is not 1 to 28 in 2023-02"),
            ("2023-02-29T00:00Z", "day 29 is not 1 to 28"),
            ("2023-13-01T00:00Z", "month 13 is not 1 to 12"),
            ("2023-00-01T00:00Z", "month 0"),
            ("2023-06-01T24:00Z", "24:00:00 is not a time of day"),
            ("2023-06-01T12:60Z", "12:60:00 is not a time of day"),
            ("2023-06-01T00:00", "the time zone is missing"),
            ("2023-06-01", "the time must follow the date"),
            ("2023-06-0112:00Z", "separated by T"),
            ("2023-6-1T00:00Z", "the date must be YYYY-MM-DD"),
            ("2023-06-01T00:00+2", "the offset must be +HH:MM"),
            ("2023-06-01T00:00Zx", "unexpected 'x' at the end"),
            ("2023-06-01T00:00 UTC", "unexpected ' UTC' after the time"),
            ("", "the date must be YYYY-MM-DD"),
        ] {
            let e = Instant::parse(s).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            let e = e.to_string();
            assert!(e.contains(why), "{s}: {e}");
            assert!(e.contains("write it as 2023-06-01T00:00Z"), "{e}");
        }
    }

    #[test]
    fn leap_years() {
        assert_eq!(at("2024-02-29T00:00Z").to_string(), "2024-02-29T00:00Z");
        assert!(Instant::parse("2100-02-29T00:00Z").is_err());
        assert!(Instant::parse("2000-02-29T00:00Z").is_ok());
        assert_eq!((hours_in_year(2023), hours_in_year(2024)), (8760, 8784));
    }

    #[test]
    fn weekdays_years_and_display() {
        assert_eq!(at("2023-01-01T00:00Z").weekday(), 6); // a Sunday
        assert_eq!(at("1970-01-01T00:00Z").weekday(), 3); // a Thursday
        assert_eq!(at("1969-12-31T23:59Z").weekday(), 2);
        assert_eq!(at("2023-12-31T23:30-01:00").year(), 2024);
        for s in [
            "2023-06-01T00:00Z",
            "2024-02-29T23:59:59Z",
            "1969-07-20T20:17:40Z",
        ] {
            assert_eq!(at(s).to_string(), s);
        }
        // 1.5 h = 5400 s later.
        assert_eq!(
            at("2023-06-01T00:00Z").plus_hours(1.5).to_string(),
            "2023-06-01T01:30Z"
        );
        assert_eq!(Instant::start_of_year(2023), at("2023-01-01T00:00Z"));
    }

    #[test]
    fn position_inside_the_year_is_not_mapped() {
        let p = profile(&[1.0]);
        // 31 + 28 + 31 + 30 + 31 = 151 days before 1 June: 151 × 24 = 3624 h.
        assert_eq!(position(&p, at("2023-06-01T00:00Z")), (3624.0, false));
        assert_eq!(position(&p, at("2023-12-31T23:30Z")), (8759.5, false));
    }

    #[test]
    fn position_maps_another_year_to_the_same_weekday() {
        let p = profile(&[1.0]);
        let wednesday = at("2024-06-05T12:00Z");
        assert_eq!(wednesday.weekday(), 2);
        // 52 weeks earlier: 2023-06-07 12:00, day 151 + 6 = 157: 157 × 24 + 12 = 3780 h.
        let (hours, mapped) = position(&p, wednesday);
        assert_eq!((hours, mapped), (3780.0, true));
        let moved = p.start().plus_hours(hours);
        assert_eq!(
            (moved.to_string(), moved.weekday()),
            ("2023-06-07T12:00Z".into(), 2)
        );
        // 2024-12-31 (a Tuesday) would land on 2024-01-02; one week back: 2023-12-26.
        let (hours, _) = position(&p, at("2024-12-31T06:00Z"));
        assert_eq!(p.start().plus_hours(hours).to_string(), "2023-12-26T06:00Z");
        // 2022-01-01 (a Saturday) lands on 2022-12-31, one week on: 2023-01-07.
        let (hours, _) = position(&p, at("2022-01-01T00:00Z"));
        assert_eq!(p.start().plus_hours(hours).to_string(), "2023-01-07T00:00Z");
    }
}
