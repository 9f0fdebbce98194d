//! Spreads: how uncertain each input of a plan is, from the scenario's
//! `[uncertainty]` table or the documented defaults below.
//!
//! A *relative spread* r says that 90 % of draws of a factor fall within
//! ×/÷ (1 + r) of the planned figure: the factor is log-normal with median
//! 1 and σ = ln(1 + r) / 1.645 (the planned figure stays the median). The
//! power spread is a range instead: the real draw is uniform between two
//! fractions of the planned power.
//!
//! Defaults and their sources (README, "Uncertainty"):
//!
//! - **intensity**: per grid zone, σ = the sample standard deviation of
//!   ln(annual life-cycle intensity) over the years the catalog's grid table
//!   holds (2021–2025, Electricity Maps via CO2.js, `data/grid.csv`),
//!   computed when the scenario is read (see [`super::zones`]); a site whose
//!   zone is unknown takes its country's zone, else the median over zones
//!   whose figure changes between years (σ = 0.064, ×/÷ 1.11). With
//!   `intensity = "hourly"`, a profiled zone's spread over the run window.
//! - **power**: real draw 55–100 % of TDP (Zeus, You et al. NSDI 2023:
//!   ResNet-50 and BERT average GPU power at the full power limit is 0.57–0.97
//!   of it over four GPUs and all batch sizes; Patterson et al. 2021 via
//!   LLMCarbon: TPUv3 runs at 0.54–0.69 of TDP). A stated `utilization` u
//!   keeps the same relative width (±29 %) around u, never above TDP; a
//!   calibrated pilot's measured power has no spread.
//! - **speedup**: r = 0.5 between two devices (measured speed-ups differ
//!   from peak ratios by 20–44 %: A100/V100 ResNet-50 AMP 2.0× vs 2.5× peak,
//!   NVIDIA DeepLearningExamples; H100/A100 bf16 LLM 2.2× vs 3.17×, MosaicML
//!   llm-foundry); 0 for the reference device (or the pilot's) itself.
//! - **trial_hours**: r = 0.14, the seed-to-seed spread of time to a target
//!   metric (Zeus NSDI'23 training traces: median σ = 0.08 of ln(epochs to
//!   target) over 57 configurations); 0 with a calibrated pilot.
//! - **pue**: r = 0.5 on the overhead PUE − 1 (Google's 2008 disclosure:
//!   campus overheads 12–21 % around a 19 % trailing-year fleet figure, with
//!   seasonal swings).
//! - **embodied**: r = 1.0 (×/÷ 2): the catalog's figures are per-class
//!   approximations, and lifetimes of 4–6 years at 60–85 % utilisation alone
//!   change the per-hour figure 2.1-fold.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::zones::Zones;
use crate::catalog::{Catalog, Region};
use crate::cost::Work;
use crate::scenario::{Scenario, Window};

/// z of the 95th percentile of the standard normal: a relative spread is a
/// 90 % interval.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// Default number of draws.
pub const DRAWS: u32 = 10_000;

/// Most draws accepted.
pub const MAX_DRAWS: u32 = 1_000_000;

/// Default real-to-TDP power range (see the module docs).
pub const POWER_OF_TDP: (f64, f64) = (0.55, 1.0);

/// Default relative spread of a device's speed-up over the reference.
pub const SPEEDUP: f64 = 0.5;

/// Default relative spread of the trial-hours estimate.
pub const TRIAL_HOURS: f64 = 0.14;

/// Default relative spread of the PUE overhead (PUE − 1).
pub const PUE: f64 = 0.5;

/// Default relative spread of embodied figures.
pub const EMBODIED: f64 = 1.0;

/// Where the intensity spread comes from.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Intensity {
    /// Each zone's spread over the years the data hold (the default).
    #[default]
    Yearly,
    /// Each profiled zone's spread over the run window's hours; the
    /// yearly spread elsewhere.
    Hourly,
    /// One relative spread for every site.
    Relative(f64),
}

/// The `[uncertainty]` table as checked: `None` takes the default.
#[derive(Debug, Clone, PartialEq)]
pub struct Spreads {
    /// Monte Carlo draws; 0 gives the point figures only.
    pub draws: u32,
    /// Grid intensity.
    pub intensity: Intensity,
    /// Real power as fractions of the planned power, (low, high).
    pub power: Option<(f64, f64)>,
    /// Relative spread of a device's speed-up over the reference device.
    pub speedup: Option<f64>,
    /// Relative spread of trial hours.
    pub trial_hours: Option<f64>,
    /// Relative spread of the PUE overhead.
    pub pue: Option<f64>,
    /// Relative spread of embodied figures.
    pub embodied: Option<f64>,
    /// Every grid zone's yearly spread, from the catalog (see [`Spreads::resolve`]).
    pub zones: Zones,
    /// With [`Intensity::Hourly`]: σ by profiled zone over the run window.
    pub hourly: BTreeMap<String, f64>,
}

impl Default for Spreads {
    fn default() -> Spreads {
        Spreads {
            draws: DRAWS,
            intensity: Intensity::Yearly,
            power: None,
            speedup: None,
            trial_hours: None,
            pue: None,
            embodied: None,
            zones: Zones::default(),
            hourly: BTreeMap::new(),
        }
    }
}

impl Spreads {
    /// Every spread zero: the draws repeat the point figures.
    pub fn zero(draws: u32) -> Spreads {
        Spreads {
            draws,
            intensity: Intensity::Relative(0.0),
            power: Some((1.0, 1.0)),
            speedup: Some(0.0),
            trial_hours: Some(0.0),
            pue: Some(0.0),
            embodied: Some(0.0),
            zones: Zones::default(),
            hourly: BTreeMap::new(),
        }
    }

    /// Attach the zone spreads the intensity factor needs: every zone's
    /// yearly spread from the catalog's grid table and, for `"hourly"`,
    /// each profiled zone's spread over the run window. Returns a note
    /// when `"hourly"` falls back to the yearly spread for some sites.
    pub fn resolve(
        mut self,
        catalog: &Catalog,
        sites: &[Region],
        window: Option<&Window>,
    ) -> (Spreads, Option<String>) {
        self.zones = Zones::yearly(&catalog.grid);
        if self.intensity != Intensity::Hourly {
            return (self, None);
        }
        let Some(w) = window else {
            let note =
                "[uncertainty] intensity = \"hourly\" needs a run window ([execution] start and \
                        deadline_hours); every site takes its zone's yearly spread";
            return (self, Some(note.into()));
        };
        self.hourly = Zones::hourly(w);
        let mut yearly: Vec<String> = sites
            .iter()
            .map(|r| self.zones.of(r).0)
            .filter(|z| !self.hourly.contains_key(z))
            .collect();
        yearly.sort();
        yearly.dedup();
        let note = (!yearly.is_empty()).then(|| {
            let n = yearly.len();
            let shown = yearly.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
            let more = if n > 5 { format!(" and {} more", n - 5) } else { String::new() };
            format!(
                "[uncertainty] intensity = \"hourly\": no hourly profile for {n} grid zone{} ({shown}{more}); \
                 their sites take the zone's yearly spread",
                if n == 1 { "" } else { "s" }
            )
        });
        (self, note)
    }
}

/// The `[uncertainty]` table as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    draws: Option<toml::Spanned<i64>>,
    intensity: Option<toml::Spanned<toml::Value>>,
    power: Option<toml::Spanned<Vec<f64>>>,
    speedup: Option<toml::Spanned<f64>>,
    trial_hours: Option<toml::Spanned<f64>>,
    pue: Option<toml::Spanned<f64>>,
    embodied: Option<toml::Spanned<f64>>,
}

impl Raw {
    /// Check the table; an error carries the byte offset of the bad value.
    pub fn check(self) -> Result<Spreads, (usize, String)> {
        let relative = |v: Option<toml::Spanned<f64>>, key: &str| {
            match v {
            None => Ok(None),
            Some(s) if s.get_ref().is_finite() && (0.0..=100.0).contains(s.get_ref()) => {
                Ok(Some(*s.get_ref()))
            }
            Some(s) => Err((
                s.span().start,
                format!("[uncertainty] {key} is a relative spread from 0 to 100 (0.2: 90 % of draws within ×/÷ 1.2)"),
            )),
        }
        };
        let draws = match self.draws {
            None => DRAWS,
            Some(d) if (0..=i64::from(MAX_DRAWS)).contains(d.get_ref()) => *d.get_ref() as u32,
            Some(d) => {
                return Err((
                    d.span().start,
                    format!("[uncertainty] draws must be from 0 to {MAX_DRAWS}"),
                ))
            }
        };
        let intensity = match self.intensity {
            None => Intensity::Yearly,
            Some(v) => match v.get_ref() {
                toml::Value::String(s) if s == "yearly" => Intensity::Yearly,
                toml::Value::String(s) if s == "hourly" => Intensity::Hourly,
                toml::Value::Float(x) if x.is_finite() && (0.0..=100.0).contains(x) => {
                    Intensity::Relative(*x)
                }
                toml::Value::Integer(i) if (0..=100).contains(i) => Intensity::Relative(*i as f64),
                _ => {
                    return Err((
                        v.span().start,
                        "[uncertainty] intensity is \"yearly\" (each zone's spread over the years), \"hourly\" (over the run window) or a relative spread such as 0.2".into(),
                    ))
                }
            },
        };
        let power = match self.power {
            None => None,
            Some(p) => match p.get_ref().as_slice() {
                &[lo, hi] if lo.is_finite() && hi.is_finite() && 0.0 < lo && lo <= hi && hi <= 10.0 => Some((lo, hi)),
                _ => {
                    return Err((
                        p.span().start,
                        "[uncertainty] power is [low, high]: the real draw as fractions of the planned power, 0 < low ≤ high, e.g. [0.8, 1.0]".into(),
                    ))
                }
            },
        };
        Ok(Spreads {
            draws,
            intensity,
            power,
            speedup: relative(self.speedup, "speedup")?,
            trial_hours: relative(self.trial_hours, "trial_hours")?,
            pue: relative(self.pue, "pue")?,
            embodied: relative(self.embodied, "embodied")?,
            zones: Zones::default(),
            hourly: BTreeMap::new(),
        })
    }
}

/// σ of the log-normal factor of a relative spread r.
pub fn sigma(r: f64) -> f64 {
    (1.0 + r).ln() / Z95
}

/// The spreads of one device's factors.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceSpread {
    /// Names the device's generator streams.
    pub key: String,
    /// σ of the speed-up factor.
    pub speedup: f64,
    /// Real power as fractions of the planned power.
    pub power: (f64, f64),
    /// σ of the embodied factor.
    pub embodied: f64,
}

/// The spreads of one site's factors.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteSpread {
    /// Names the site's PUE stream.
    pub key: String,
    /// The planned PUE.
    pub pue: f64,
    /// σ of the PUE overhead factor.
    pub pue_sigma: f64,
    /// Index into the model's zones.
    pub zone: usize,
}

/// A grid zone, whose intensity factor every site on it shares.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneSpread {
    /// Electricity Maps zone id, or the site's key where the zone is unknown.
    pub key: String,
    /// σ of the intensity factor.
    pub sigma: f64,
}

/// Every factor of a plan with its spread, resolved from the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Draws.
    pub draws: u32,
    /// Seed of every generator stream.
    pub seed: u64,
    /// σ of the trial-hours factor.
    pub trial_hours: f64,
    /// The scenario's devices, in order.
    pub devices: Vec<DeviceSpread>,
    /// The scenario's sites, in order.
    pub sites: Vec<SiteSpread>,
    /// Distinct grid zones, in order of first use.
    pub zones: Vec<ZoneSpread>,
}

impl Model {
    /// Resolve a scenario's spreads against its devices and sites.
    pub fn new(scenario: &Scenario) -> Model {
        let s = &scenario.uncertainty;
        let calibrated = scenario.cost.calibration.as_ref();
        let reference = match (&scenario.cost.work, calibrated) {
            (_, Some(c)) => Some(c.device.name.clone()),
            (Work::ReferenceHours { device, .. }, None) => Some(device.name.clone()),
            (Work::Flops { .. }, None) => None,
        };
        let power = s.power.unwrap_or_else(|| match calibrated {
            Some(_) => (1.0, 1.0),
            None => default_power(scenario.cost.utilization),
        });
        let trial = s.trial_hours.unwrap_or(if calibrated.is_some() {
            0.0
        } else {
            TRIAL_HOURS
        });
        let devices = scenario
            .hardware
            .iter()
            .map(|d| DeviceSpread {
                key: format!("device:{}", d.name),
                speedup: if reference.as_deref() == Some(d.name.as_str()) {
                    0.0
                } else {
                    sigma(s.speedup.unwrap_or(SPEEDUP))
                },
                power,
                embodied: sigma(s.embodied.unwrap_or(EMBODIED)),
            })
            .collect();
        let mut zones: Vec<ZoneSpread> = Vec::new();
        let sites = scenario
            .sites
            .iter()
            .map(|r| {
                let (key, yearly) = s.zones.of(r);
                let zone_sigma = match s.intensity {
                    Intensity::Yearly => yearly,
                    Intensity::Hourly => s.hourly.get(&key).copied().unwrap_or(yearly),
                    Intensity::Relative(x) => sigma(x),
                };
                let zone = zones.iter().position(|z| z.key == key).unwrap_or_else(|| {
                    zones.push(ZoneSpread {
                        key,
                        sigma: zone_sigma,
                    });
                    zones.len() - 1
                });
                SiteSpread {
                    key: format!("pue:{}", r.key()),
                    pue: r.pue,
                    pue_sigma: sigma(s.pue.unwrap_or(PUE)),
                    zone,
                }
            })
            .collect();
        Model {
            draws: s.draws,
            seed: scenario.seed,
            trial_hours: sigma(trial),
            devices,
            sites,
            zones,
        }
    }
}

/// The default power range for a planned utilization u of TDP: 55–100 % of
/// TDP at u = 1; otherwise the same relative width around u, at most TDP.
pub fn default_power(u: f64) -> (f64, f64) {
    let (lo, hi) = POWER_OF_TDP;
    if u >= 1.0 {
        return (lo, hi);
    }
    let half = (hi - lo) / (hi + lo);
    (1.0 - half, (1.0 + half).min(1.0 / u))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_spread_is_a_90_percent_interval() {
        // r = 0.2: exp(1.645 σ) = 1.2, so σ = ln 1.2 / 1.645 = 0.18232 / 1.64485 = 0.110843.
        assert!((sigma(0.2) - 0.110_843).abs() < 1e-6);
        assert_eq!(sigma(0.0), 0.0);
    }

    #[test]
    fn default_power_follows_the_stated_utilization() {
        assert_eq!(default_power(1.0), (0.55, 1.0));
        // Half-width 0.45 / 1.55 = 0.29032: u = 0.7 gives [0.70968, 1.29032]
        // (1/0.7 = 1.4286 caps nothing); u = 0.9 caps the top at 1/0.9 = 1.1111.
        let (lo, hi) = default_power(0.7);
        assert!((lo - 0.709_677).abs() < 1e-6 && (hi - 1.290_323).abs() < 1e-6);
        assert!((default_power(0.9).1 - 1.111_111).abs() < 1e-6);
    }

    /// A small scenario on France and Germany, with `extra` appended.
    fn scenario(extra: &str) -> Scenario {
        let text = format!(
            "[scenario]\nname = \"t\"\n[space.epochs]\nvalues = [1, 2]\n\
             [trial]\nreference_hardware = \"V100 SXM2 16GB\"\nhours = \"epochs\"\n\
             [strategies.grid]\n[hardware]\ncandidates = [\"V100 SXM2 16GB\"]\n\
             [regions]\ncandidates = [\"country:FR\", \"country:DE\"]\n{extra}"
        );
        let catalog = Catalog::bundled().unwrap();
        let path = std::path::Path::new("s.toml");
        crate::scenario::parse(path, &text, &catalog, Default::default()).unwrap()
    }

    fn zone_sigma(m: &Model, key: &str) -> f64 {
        m.zones.iter().find(|z| z.key == key).unwrap().sigma
    }

    #[test]
    fn yearly_spread_comes_from_the_catalog_grid() {
        // FR 2021–2025 = 60, 91, 49, 33, 31 g/kWh: σ of ln = 0.444384
        // (hand computation in zones.rs).
        let m = Model::new(&scenario(""));
        assert!((zone_sigma(&m, "FR") - 0.444_384).abs() < 1e-6);
        assert_eq!(m.zones.len(), 2);
    }

    #[test]
    fn hourly_spread_where_a_profile_exists_else_yearly_with_a_note() {
        let window = "[execution]\nstart = \"2023-03-01T00:00Z\"\ndeadline_hours = 48\n";
        let s = scenario(&format!("{window}[uncertainty]\nintensity = \"hourly\"\n"));
        let m = Model::new(&s);
        // DE has a bundled hourly profile: its σ is the window's, not the
        // yearly one; FR has none and keeps the yearly 0.444384.
        let de = zone_sigma(&m, "DE");
        assert_eq!(de, s.uncertainty.hourly["DE"]);
        assert_ne!(de, s.uncertainty.zones.sigma["DE"]);
        assert!((zone_sigma(&m, "FR") - 0.444_384).abs() < 1e-6);
        let note = s.warnings.iter().find(|w| w.contains("hourly")).unwrap();
        assert!(note.contains("1 grid zone (FR)"), "{note}");
        // Without a window every zone is yearly, and the note says why.
        let s = scenario("[uncertainty]\nintensity = \"hourly\"\n");
        assert!((zone_sigma(&Model::new(&s), "FR") - 0.444_384).abs() < 1e-6);
        assert!(s.warnings.iter().any(|w| w.contains("needs a run window")));
    }
}
