//! `[hardware]` and `[regions]` candidates: device and site patterns
//! expanded against the catalog.

use std::borrow::Cow;

use toml::Spanned;

use super::raw::{RawCandidates, RawRegions};
use super::{Checker, Exclusion, Options, PRIVATE_PUE};
use crate::catalog::{Catalog, Country, Device, Kind, Region};
use crate::cost::{precision_name, TrialCost};
use crate::error::{Error, Result};
use crate::suggest;

impl Checker<'_> {
    pub(super) fn hardware(
        &self,
        raw: Spanned<RawCandidates>,
        cost: &TrialCost,
    ) -> Result<(Vec<Device>, Vec<Exclusion>)> {
        let list = raw.into_inner().candidates;
        if list.get_ref().is_empty() {
            return Err(self.err(
                list.span().start,
                "[hardware] candidates is empty; name at least one device, or \"*\"",
            ));
        }
        let mut out: Vec<Device> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut patterns = std::collections::HashSet::new();
        let mut excluded: Vec<Exclusion> = Vec::new();
        let mut exclude = |d: &Device| match crate::catalog::precision::support(d, cost.precision) {
            Err(reason) if !excluded.iter().any(|e| e.hardware == d.name) => {
                excluded.push(Exclusion {
                    hardware: d.name.clone(),
                    region: None,
                    reason,
                });
                true
            }
            Err(_) => true,
            Ok(()) => false,
        };
        for item in list.get_ref() {
            let pattern = item.get_ref().trim();
            if !patterns.insert(pattern) {
                continue;
            }
            let at = item.span().start;
            let kind = device_kind(pattern);
            let picked: Vec<&Device> = match kind {
                // Patterns keep the devices whose runtime can be scaled.
                Some(k) => self
                    .catalog
                    .hardware
                    .iter()
                    .filter(|d| k.is_none_or(|k| d.kind == k))
                    .filter(|d| !exclude(d) && cost.multiplier(d).is_ok())
                    .collect(),
                None => {
                    let d = self
                        .catalog
                        .device(pattern)
                        .map_err(|e| self.err(at, e.to_string()))?;
                    if exclude(d) {
                        continue;
                    }
                    cost.multiplier(d).map_err(|m| self.err(at, m))?;
                    vec![d]
                }
            };
            if picked.is_empty() && kind.is_some() {
                return Err(self.err(
                    at,
                    format!(
                        "'{pattern}' matches no device whose runtime can be scaled at {}",
                        precision_name(cost.precision)
                    ),
                ));
            }
            for d in picked {
                if seen.insert(d.name.clone()) {
                    out.push(d.clone());
                }
            }
        }
        if out.is_empty() {
            return Err(self.no_device(list.span().start, cost, &excluded));
        }
        Ok((out, excluded))
    }

    /// No candidate device is left: the precision excluded them all.
    fn no_device(&self, at: usize, cost: &TrialCost, excluded: &[Exclusion]) -> Error {
        let reasons: Vec<&str> = excluded.iter().map(|e| e.reason.as_str()).collect();
        self.err(
            at,
            format!(
                "no candidate device can run {}: {}",
                precision_name(cost.precision),
                reasons.join("; ")
            ),
        )
    }

    /// The catalog for the grid year: `Options::year` (the command line),
    /// else `[regions] year`, else the catalog's own.
    pub(super) fn year_catalog(
        &self,
        raw: &Spanned<RawRegions>,
        options: Options,
    ) -> Result<Cow<'_, Catalog>> {
        let raw = raw.get_ref();
        match (options.year, &raw.year) {
            (Some(y), _) => self.catalog.for_year(y).map(Cow::Owned),
            (None, Some(y)) => {
                let at = y.span().start;
                let year = u16::try_from(*y.get_ref())
                    .map_err(|_| self.err(at, "year must be a calendar year, e.g. 2024"))?;
                self.catalog
                    .for_year(year)
                    .map(Cow::Owned)
                    .map_err(|e| self.err(at, e.to_string()))
            }
            (None, None) => Ok(Cow::Borrowed(self.catalog)),
        }
    }

    pub(super) fn sites(&self, raw: Spanned<RawRegions>, catalog: &Catalog) -> Result<Vec<Region>> {
        let raw = raw.into_inner();
        let private_pue = match &raw.private_pue {
            None => PRIVATE_PUE,
            Some(p) if (1.0..=3.0).contains(p.get_ref()) => *p.get_ref(),
            Some(p) => {
                return Err(self.err(p.span().start, "private_pue must be within 1.0 to 3.0"))
            }
        };
        let list = raw.candidates;
        if list.get_ref().is_empty() {
            return Err(self.err(
                list.span().start,
                "[regions] candidates is empty; name at least one region, or \"*\"",
            ));
        }
        let mut out: Vec<Region> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut patterns = std::collections::HashSet::new();
        for item in list.get_ref() {
            let pattern = item.get_ref().trim();
            if !patterns.insert(pattern) {
                continue;
            }
            let at = item.span().start;
            let picked: Vec<Region> = if pattern == "*" {
                catalog.regions.clone()
            } else if let Some(code) = pattern.strip_prefix("country:") {
                let c = catalog
                    .country(code)
                    .map_err(|e| self.err(at, e.to_string()))?;
                vec![country_site(c, private_pue, raw.private_pue.is_some())]
            } else if let Some(provider) = pattern.strip_suffix(":*") {
                let regions: Vec<Region> = catalog
                    .regions
                    .iter()
                    .filter(|r| r.provider.eq_ignore_ascii_case(provider))
                    .cloned()
                    .collect();
                if regions.is_empty() {
                    let providers = catalog.providers();
                    let hint = suggest::closest(provider, providers.iter().copied())
                        .map_or(String::new(), |s| format!(" (did you mean '{s}:*'?)"));
                    return Err(self.err(
                        at,
                        format!(
                            "unknown provider '{provider}'{hint}; the providers are {}",
                            providers.join(", ")
                        ),
                    ));
                }
                regions
            } else {
                vec![catalog
                    .region(pattern)
                    .map_err(|e| self.err(at, e.to_string()))?
                    .clone()]
            };
            for r in picked {
                if seen.insert((r.provider.clone(), r.region.clone())) {
                    out.push(r);
                }
            }
        }
        Ok(out)
    }
}

/// `*` and `kind:gpu|tpu|cpu`: `Some(kind)` for a pattern over the
/// catalog (`Some(None)` for every kind), `None` for a device name.
fn device_kind(pattern: &str) -> Option<Option<Kind>> {
    match pattern {
        "*" => Some(None),
        "kind:gpu" => Some(Some(Kind::Gpu)),
        "kind:tpu" => Some(Some(Kind::Tpu)),
        "kind:cpu" => Some(Some(Kind::Cpu)),
        _ => None,
    }
}

/// A `country:CODE` site: private infrastructure on that grid, at
/// `private_pue` (`given`: set by `[regions] private_pue`).
fn country_site(c: &Country, private_pue: f64, given: bool) -> Region {
    Region {
        provider: "country".into(),
        region: c.code.clone(),
        name: c.name.clone(),
        country: c.code.split('-').next().unwrap_or(&c.code).to_string(),
        location: c.name.clone(),
        intensity_g_per_kwh: c.intensity_g_per_kwh,
        intensity_year: c.year,
        intensity_source: c.source.clone(),
        pue: private_pue,
        pue_source: if given {
            "[regions] private_pue".into()
        } else {
            crate::estimate::PRIVATE_PUE_SOURCE.into()
        },
        offset_pct: 0.0,
        grid_zone: c.grid_zone.clone(),
        zone_source: format!("the grid of {}", c.code),
        provider_intensity_g_per_kwh: None,
        provider_intensity_year: None,
        provider_intensity_basis: None,
        provider_cfe_pct: None,
    }
}
