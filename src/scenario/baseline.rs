//! `[baseline]`: the strategy, device and site findings compare against,
//! each optional (the median candidate stands in for any not given).

use serde::Deserialize;
use toml::Spanned;

use super::Checker;
use crate::catalog::{normalize, Device, Region};
use crate::error::Result;
use crate::space::Strategy;
use crate::suggest;

/// `[baseline]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBaseline {
    strategy: Option<Spanned<String>>,
    device: Option<Spanned<String>>,
    region: Option<Spanned<String>>,
}

/// The baseline, as indices into the scenario's strategies, hardware and sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Baseline {
    /// Index into the strategies.
    pub strategy: Option<usize>,
    /// Index into the hardware.
    pub hardware: Option<usize>,
    /// Index into the sites.
    pub site: Option<usize>,
}

impl Checker<'_> {
    /// Resolve `[baseline]` against the scenario's candidates.
    pub(super) fn baseline(
        &self,
        raw: &RawBaseline,
        strategies: &[Strategy],
        hardware: &[Device],
        sites: &[Region],
    ) -> Result<Baseline> {
        let strategy_names: Vec<String> = strategies.iter().map(|s| s.name().to_string()).collect();
        let device_names: Vec<String> = hardware.iter().map(|d| d.name.clone()).collect();
        let site_names: Vec<String> = sites.iter().map(Region::key).collect();
        Ok(Baseline {
            strategy: self.pick(&raw.strategy, "strategy", &strategy_names, |q, i| {
                strategy_names[i] == q
            })?,
            hardware: self.pick(&raw.device, "device", &device_names, |q, i| {
                let d = &hardware[i];
                std::iter::once(&d.name)
                    .chain(&d.aliases)
                    .any(|n| normalize(n) == normalize(q))
            })?,
            site: self.pick(&raw.region, "region", &site_names, |q, i| {
                site_names[i].eq_ignore_ascii_case(q)
            })?,
        })
    }

    /// The index of the candidate a baseline key names, with a "did you mean".
    fn pick(
        &self,
        v: &Option<Spanned<String>>,
        key: &str,
        names: &[String],
        matches: impl Fn(&str, usize) -> bool,
    ) -> Result<Option<usize>> {
        let Some(v) = v else { return Ok(None) };
        if let Some(i) = (0..names.len()).find(|&i| matches(v.get_ref(), i)) {
            return Ok(Some(i));
        }
        let hint = suggest::closest(v.get_ref(), names.iter().map(String::as_str))
            .map_or(String::new(), |s| format!(" (did you mean '{s}'?)"));
        Err(self.err(
            v.span().start,
            format!(
                "baseline {key} '{}' is not among the scenario's candidates{hint}; they are {}",
                v.get_ref(),
                names.join(", ")
            ),
        ))
    }
}
