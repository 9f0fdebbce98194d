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
use std::path::Path;

use crate::error::{Error, Result};

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

mod files;
mod instant;
#[cfg(test)]
mod tests;

pub use files::{for_run, has_profile, load, zones};
use files::{line_offsets, parse_row};
pub use instant::{hours_in_year, position, Instant};

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
