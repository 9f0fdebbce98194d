//! The single-run calculator: one job on one kind of device at one site.
//!
//! It reproduces the Machine Learning Emissions Calculator (Lacoste et al.
//! 2019) and corrects it in two ways: the data centre's PUE is applied, and
//! nothing is rounded inside the computation.
//!
//! ```text
//! device_hours = count × hours            (or given directly)
//! device_kwh   = device_hours × power_watts × utilization / 1000
//! energy_kwh   = (device_kwh + extra_kwh) × pue
//! emissions_kg = energy_kwh × intensity_g_per_kwh / 1000
//! offset_kg    = emissions_kg × offset_pct / 100   (shown, never subtracted)
//! ```
//!
//! `extra_kwh` is energy outside the devices (idle nodes, networking), as
//! published footprints report it. Off the cloud (a country grid, a zone or
//! a given intensity) the PUE defaults to [`PRIVATE_PUE`] in every command.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::{Catalog, Country, Device, Region};
use crate::embodied::{Lifecycle, Overrides};
use crate::error::{Error, Given, Result};
use crate::hourly::{self, Instant, Profile};

#[cfg(test)]
mod tests;

use crate::units::{GPerKwh, Hours, KgCo2e, Kwh, Watts};

/// Energy drawn by devices running for some device-hours, at the wall
/// plug: device_hours × power × utilization × PUE.
pub fn energy(device_hours: Hours, power: Watts, utilization: f64, pue: f64) -> Kwh {
    (power * device_hours) * (utilization * pue)
}

/// Emissions of some energy at a grid carbon intensity.
pub fn emissions(energy: Kwh, intensity: GPerKwh) -> KgCo2e {
    energy * intensity
}

/// Default PUE of private infrastructure (any site that is not a cloud
/// region), for `estimate` and `plan` alike: the industry average of the
/// Uptime Institute 2024 global survey, as Green Algorithms uses it.
pub const PRIVATE_PUE: f64 = 1.56;

/// Where [`PRIVATE_PUE`] comes from.
pub const PRIVATE_PUE_SOURCE: &str =
    "default for private infrastructure: industry average 1.56 (Uptime Institute 2024 survey, via Green Algorithms)";

/// Where a run draws its power from.
#[derive(Debug, Clone, Copy)]
pub enum Site<'a> {
    /// A cloud region of the catalog.
    Region(&'a Region),
    /// A country or sub-national grid (private infrastructure).
    Country(&'a Country),
    /// A carbon intensity given directly, g CO2eq/kWh.
    Intensity(GPerKwh),
}

/// What the user asked for.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The device.
    pub device: &'a Device,
    /// How many devices ran.
    pub count: u32,
    /// Wall-clock hours each device ran.
    pub hours: Hours,
    /// Device-hours given directly, as published footprints give them;
    /// replaces `count` × `hours` when set.
    pub device_hours: Option<Hours>,
    /// Energy outside the devices (idle nodes, networking), kWh at the IT
    /// load, added before PUE.
    pub extra_kwh: f64,
    /// Where.
    pub site: Site<'a>,
    /// PUE override; else the region's figure, or [`PRIVATE_PUE`] off the cloud.
    pub pue: Option<f64>,
    /// Power override; else the device's TDP.
    pub power: Option<Watts>,
    /// Average draw as a fraction of `power`.
    pub utilization: f64,
    /// Offset override, percent; else the provider's share, or 0.
    pub offset_pct: Option<f64>,
    /// Add embodied emissions, with these overrides, when set.
    pub embodied: Option<Overrides>,
    /// Integrate over an hourly intensity profile from a start time.
    pub timing: Option<Timing<'a>>,
}

/// When a run starts, on which hourly profile, and how long it may wait.
#[derive(Debug, Clone, Copy)]
pub struct Timing<'a> {
    /// The grid zone's hourly profile.
    pub profile: &'a Profile,
    /// The run's start.
    pub start: Instant,
    /// Also search every start in [start, start + window] hours.
    pub window_hours: Option<f64>,
}

/// The time-resolved part of an estimate.
#[derive(Debug, Clone, Serialize)]
pub struct Timed {
    /// Electricity Maps zone of the profile.
    pub grid_zone: String,
    /// The start asked for.
    pub start: String,
    /// When the start lies outside the profile's year: the instant of the
    /// profile it was mapped to (same weekday and hour of the same week).
    pub mapped_to: Option<String>,
    /// Best start within the window (with --window-hours).
    pub best_start: Option<String>,
    /// Mean intensity over the run at the best start, g CO2eq/kWh.
    pub best_intensity_g_per_kwh: Option<f64>,
    /// Emissions at the best start, kg CO2eq.
    pub best_emissions_kg: Option<f64>,
    /// Saving of the best start against starting at `start`, percent.
    pub saving_pct: Option<f64>,
    /// How the hourly shape was scaled to the annual figure, when it was.
    pub scaling: Option<String>,
    /// The credit line the data's licence asks for.
    pub attribution: &'static str,
}

/// The result of one estimate, with every input that produced it.
#[derive(Debug, Clone, Serialize)]
pub struct Estimate {
    /// Canonical device name.
    pub hardware: String,
    /// Devices (none when device-hours were given).
    pub count: Option<u32>,
    /// Wall-clock hours (none when device-hours were given).
    pub hours: Option<f64>,
    /// Device-hours: count × hours, or as given.
    pub device_hours: f64,
    /// Power of one device, W.
    pub power_watts: f64,
    /// Where the power figure comes from.
    pub power_source: String,
    /// Average draw as a fraction of power.
    pub utilization: f64,
    /// Power usage effectiveness applied.
    pub pue: f64,
    /// Where the PUE comes from.
    pub pue_source: String,
    /// Grid carbon intensity, g CO2eq/kWh.
    pub intensity_g_per_kwh: f64,
    /// Where the intensity comes from.
    pub intensity_source: String,
    /// Year the intensity describes, when known.
    pub intensity_year: Option<u16>,
    /// Energy of the devices at the IT load, kWh.
    pub device_kwh: f64,
    /// Energy outside the devices at the IT load, kWh.
    pub extra_kwh: f64,
    /// Energy at the wall, kWh: (device_kwh + extra_kwh) × pue.
    pub energy_kwh: f64,
    /// Emissions, kg CO2eq.
    pub emissions_kg: f64,
    /// Share the provider offsets, percent.
    pub offset_pct: f64,
    /// The part of the emissions the provider offsets, kg CO2eq (included in `emissions_kg`).
    pub offset_kg: f64,
    /// The cloud region, or null off the cloud.
    pub region: Option<RegionInfo>,
    /// The country grid, when one was chosen.
    pub country: Option<CountryInfo>,
    /// Everyday equivalents of `emissions_kg`, by key, in their units.
    pub equivalents: BTreeMap<String, f64>,
    /// The cleanest region of the same provider, and the saving there.
    pub cleaner_region: Option<Alternative>,
    /// Embodied emissions, kg CO2eq (with `--embodied`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embodied_kg: Option<f64>,
    /// Operational plus embodied emissions, kg CO2eq (with `--embodied`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_kg: Option<f64>,
    /// The figures the embodied emissions were amortised with (with `--embodied`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Lifecycle>,
    /// Start, best start and saving (with `--start`); `intensity_g_per_kwh`
    /// is then the mean over the run.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub timed: Option<Timed>,
}

/// A region, as shown in an estimate.
#[derive(Debug, Clone, Serialize)]
pub struct RegionInfo {
    /// Provider id.
    pub provider: String,
    /// Region id.
    pub region: String,
    /// Display name.
    pub name: String,
    /// ISO country code.
    pub country: String,
}

/// A country grid, as shown in an estimate.
#[derive(Debug, Clone, Serialize)]
pub struct CountryInfo {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// The same run elsewhere.
#[derive(Debug, Clone, Serialize)]
pub struct Alternative {
    /// Provider id.
    pub provider: String,
    /// Region id.
    pub region: String,
    /// Display name.
    pub name: String,
    /// Its intensity, g CO2eq/kWh.
    pub intensity_g_per_kwh: f64,
    /// Its PUE.
    pub pue: f64,
    /// Emissions there, kg CO2eq.
    pub emissions_kg: f64,
    /// Saving against the run as asked, percent.
    pub saving_pct: f64,
}

impl RegionInfo {
    fn of(r: &Region) -> RegionInfo {
        RegionInfo {
            provider: r.provider.clone(),
            region: r.region.clone(),
            name: r.name.clone(),
            country: r.country.clone(),
        }
    }
}

/// Check that a given figure is a positive, finite number.
pub fn positive(value: f64, given: Given) -> Result<f64> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(Error::value(
            given,
            format!("must be a positive number, not {value}"),
        ))
    }
}

fn check(req: &Request) -> Result<()> {
    match req.device_hours {
        Some(h) => {
            positive(h.get(), Given::DeviceHours)?;
        }
        None => {
            positive(req.hours.get(), Given::Hours)?;
            if req.count == 0 {
                return Err(Error::value(Given::Count, "must be at least 1"));
            }
        }
    }
    if !(req.extra_kwh.is_finite() && req.extra_kwh >= 0.0) {
        return Err(Error::input(format!(
            "the extra energy must be zero or more kWh, not {}",
            req.extra_kwh
        )));
    }
    positive(req.utilization, Given::Utilization)?;
    if req.utilization > 1.0 {
        return Err(Error::value(
            Given::Utilization,
            format!(
                "is a fraction of the power figure within (0, 1], not {}",
                req.utilization
            ),
        ));
    }
    if let Some(pue) = req.pue {
        if !(pue.is_finite() && (1.0..=3.0).contains(&pue)) {
            return Err(Error::value(
                Given::Pue,
                format!("must be within 1.0 to 3.0, not {pue}"),
            ));
        }
    }
    if let Some(p) = req.power {
        positive(p.get(), Given::PowerWatts)?;
    }
    if let Some(o) = req.offset_pct {
        if !(o.is_finite() && (0.0..=100.0).contains(&o)) {
            return Err(Error::value(
                Given::OffsetPct,
                format!("must be within 0 to 100, not {o}"),
            ));
        }
    }
    if let Site::Intensity(g) = req.site {
        if !(g.get().is_finite() && g.get() >= 0.0) {
            return Err(Error::value(
                Given::Intensity,
                format!("must be zero or more g CO2eq/kWh, not {}", g.get()),
            ));
        }
    }
    if let (Some(t), None) = (&req.timing, req.device_hours) {
        if let Some(w) = t.window_hours {
            if !(w.is_finite() && w >= 0.0) {
                return Err(Error::value(
                    Given::WindowHours,
                    format!("must be zero or more hours, not {w}"),
                ));
            }
        }
    }
    Ok(())
}

/// The site's intensity, its source and year, and its PUE and source.
fn site_figures(req: &Request) -> (GPerKwh, String, Option<u16>, f64, String) {
    let (intensity, source, year) = match req.site {
        Site::Region(r) => (
            r.intensity(),
            r.intensity_source.clone(),
            Some(r.intensity_year),
        ),
        Site::Country(c) => (c.intensity(), c.source.clone(), Some(c.year)),
        Site::Intensity(g) => (g, "given with --intensity".to_string(), None),
    };
    let (pue, pue_source) = match (req.pue, req.site) {
        (Some(p), _) => (p, "given with --pue".to_string()),
        (None, Site::Region(r)) => (r.pue, r.pue_source.clone()),
        (None, _) => (PRIVATE_PUE, PRIVATE_PUE_SOURCE.to_string()),
    };
    (intensity, source, year, pue, pue_source)
}

/// The run's start on its profile: (hours into the profile, mean, mapped-to).
fn timing_mean(t: &Timing, hours: f64) -> (f64, f64, Option<String>) {
    let (at, mapped) = hourly::position(t.profile, t.start);
    let mean = t.profile.mean(at, hours);
    let mapped_to = mapped.then(|| t.profile.start().plus_hours(at).to_string());
    (at, mean, mapped_to)
}

/// The device power and where it comes from: given, else the device's TDP.
fn power_figures(req: &Request<'_>) -> (Watts, String) {
    match req.power {
        Some(p) => (p, "given with --power-watts".to_string()),
        None => (
            req.device.tdp(),
            format!(
                "{}; {}",
                crate::catalog::POWER_DEFINITION,
                req.device.source
            ),
        ),
    }
}

/// With a start time (and wall-clock hours), the intensity becomes the
/// hourly profile's mean over the run; returns the start on the profile.
fn timed_intensity<'a>(
    req: &'a Request<'_>,
    intensity: &mut GPerKwh,
    intensity_source: &mut String,
    intensity_year: &mut Option<u16>,
) -> Option<(&'a Timing<'a>, f64, Option<String>)> {
    let t = req.timing.as_ref()?;
    let (at, mean, mapped_to) = timing_mean(t, req.hours.get());
    *intensity = GPerKwh(mean);
    *intensity_source = format!(
        "mean of the {} hourly profile over the run; {}",
        t.profile.zone,
        hourly::ATTRIBUTION
    );
    // The year of the annual level the shape was scaled to, else the profile's.
    *intensity_year = Some(
        t.profile
            .scaling
            .map_or(t.profile.year as u16, |s| s.annual_year),
    );
    Some((t, at, mapped_to))
}

/// The share offset: given, else the region's, else none.
fn offset_pct(req: &Request<'_>) -> f64 {
    match (req.offset_pct, req.site) {
        (Some(o), _) => o,
        (None, Site::Region(r)) => r.offset_pct,
        (None, _) => 0.0,
    }
}

/// Refuse figures that overflow: each input is finite, but their product
/// (hours × count × power, energy × intensity, ...) may not be. The first
/// figure that overflows is named with the inputs it multiplies.
fn finite(
    device_hours: f64,
    energy_kwh: f64,
    emissions_kg: f64,
    embodied_kg: Option<f64>,
) -> Result<()> {
    let embodied = embodied_kg.unwrap_or(0.0);
    let (figure, value, inputs) = if !device_hours.is_finite() {
        (
            "device-hours",
            device_hours,
            "hours × count, or the device-hours given",
        )
    } else if !energy_kwh.is_finite() {
        (
            "energy",
            energy_kwh,
            "device-hours × power × PUE, plus the extra energy",
        )
    } else if !emissions_kg.is_finite() {
        ("emissions", emissions_kg, "energy × carbon intensity")
    } else if !embodied.is_finite() {
        (
            "embodied emissions",
            embodied,
            "device-hours × manufacturing kg / (lifetime years × lifetime utilization)",
        )
    } else {
        return Ok(());
    };
    Err(Error::input(format!(
        "the {figure} overflow ({value:e}): {inputs} is beyond what a number holds; one of them is far too large"
    )))
}

/// Compute an estimate. Inputs are checked; nothing is rounded.
pub fn estimate(catalog: &Catalog, req: &Request) -> Result<Estimate> {
    check(req)?;
    let (power, power_source) = power_figures(req);
    let (mut intensity, mut intensity_source, mut intensity_year, pue, pue_source) =
        site_figures(req);
    let wall = req.device_hours.is_none();
    let (source, year) = (&mut intensity_source, &mut intensity_year);
    let timed_at = wall
        .then(|| timed_intensity(req, &mut intensity, source, year))
        .flatten();
    let offset_pct = offset_pct(req);
    if let Some(o) = &req.embodied {
        o.check()?;
    }
    let device_hours = req.device_hours.unwrap_or(req.hours * f64::from(req.count));
    let lifecycle = req.embodied.map(|o| o.lifecycle(req.device));
    let embodied_kg = lifecycle.map(|l| l.embodied(device_hours).get());
    let device_kwh = energy(device_hours, power, req.utilization, 1.0);
    let energy_kwh = Kwh((device_kwh.get() + req.extra_kwh) * pue);
    let emissions_kg = emissions(energy_kwh, intensity);
    finite(
        device_hours.get(),
        energy_kwh.get(),
        emissions_kg.get(),
        embodied_kg,
    )?;
    let timed =
        timed_at.map(|(t, at, mapped_to)| timed(t, at, mapped_to, req, energy_kwh, emissions_kg));
    let equivalents = catalog
        .equivalents
        .iter()
        .map(|e| (e.key.clone(), emissions_kg.get() / e.kg_co2_per_unit))
        .collect();
    let it_kwh = device_kwh.get() + req.extra_kwh;
    let cleaner_region = match req.site {
        Site::Region(r) => catalog
            .cleanest_region(&r.provider)
            .map(|best| alternative(best, req.pue, it_kwh, emissions_kg.get())),
        _ => None,
    };
    Ok(Estimate {
        hardware: req.device.name.clone(),
        count: wall.then_some(req.count),
        hours: wall.then_some(req.hours.get()),
        device_hours: device_hours.get(),
        power_watts: power.get(),
        power_source,
        utilization: req.utilization,
        pue,
        pue_source,
        intensity_g_per_kwh: intensity.get(),
        intensity_source,
        intensity_year,
        device_kwh: device_kwh.get(),
        extra_kwh: req.extra_kwh,
        energy_kwh: energy_kwh.get(),
        emissions_kg: emissions_kg.get(),
        offset_pct,
        offset_kg: emissions_kg.get() * offset_pct / 100.0,
        region: match req.site {
            Site::Region(r) => Some(RegionInfo::of(r)),
            _ => None,
        },
        country: match req.site {
            Site::Country(c) => Some(CountryInfo {
                code: c.code.clone(),
                name: c.name.clone(),
            }),
            _ => None,
        },
        equivalents,
        cleaner_region,
        embodied_kg,
        total_kg: embodied_kg.map(|e| e + emissions_kg.get()),
        lifecycle,
        timed,
    })
}

/// The time-resolved part: start, mapping, best start within the window.
fn timed(
    t: &Timing,
    at: f64,
    mapped_to: Option<String>,
    req: &Request,
    energy_kwh: Kwh,
    emissions_kg: KgCo2e,
) -> Timed {
    let best = t.window_hours.map(|w| {
        let (best_at, best_mean) = t.profile.best_start(at, w, req.hours.get());
        let best_kg = emissions(energy_kwh, GPerKwh(best_mean)).get();
        (t.start.plus_hours(best_at - at), best_mean, best_kg)
    });
    Timed {
        grid_zone: t.profile.zone.clone(),
        start: t.start.to_string(),
        mapped_to,
        best_start: best.map(|b| b.0.to_string()),
        best_intensity_g_per_kwh: best.map(|b| b.1),
        best_emissions_kg: best.map(|b| b.2),
        saving_pct: best.map(|b| saving_pct(emissions_kg.get(), b.2)),
        scaling: t
            .profile
            .scaling
            .map(|s| s.describe(&t.profile.zone, t.profile.year)),
        attribution: hourly::ATTRIBUTION,
    }
}

/// The same IT energy in `best`, at its own PUE unless the user fixed one.
fn alternative(best: &Region, pue: Option<f64>, it_kwh: f64, emissions_kg: f64) -> Alternative {
    let best_pue = pue.unwrap_or(best.pue);
    let there = emissions(Kwh(it_kwh * best_pue), best.intensity());
    Alternative {
        provider: best.provider.clone(),
        region: best.region.clone(),
        name: best.name.clone(),
        intensity_g_per_kwh: best.intensity_g_per_kwh,
        pue: best_pue,
        emissions_kg: there.get(),
        saving_pct: saving_pct(emissions_kg, there.get()),
    }
}

/// How much less `to` is than `from`, percent (0 when `from` is 0).
pub fn saving_pct(from: f64, to: f64) -> f64 {
    if from > 0.0 {
        (from - to) / from * 100.0
    } else {
        0.0
    }
}
