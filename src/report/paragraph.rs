//! The plan's paragraph for a paper or proposal, shared by `report.md` and
//! `report.html`: the balanced (knee) option in words, intensity in
//! g CO2eq/kWh, "grid search" and "electricity grid" spelled out so the
//! two grids are never confused, and the total with embodied emissions
//! whenever they exceed the operational ones.

use crate::report::paper::{provider_name, Markup};
use crate::report::summary::{OptionRow, Summary};
use crate::report::{duration, mass, num, thousands};

/// Where an option runs, in words.
pub fn where_(r: &OptionRow) -> String {
    let place = if r.place.trim().is_empty() {
        String::new()
    } else {
        format!(" ({})", r.place)
    };
    if r.provider == "country" {
        format!(
            "private infrastructure on the {} electricity grid",
            r.region
        )
    } else {
        format!("{} region {}{place}", provider_name(&r.provider), r.region)
    }
}

/// "1.2 kg CO2eq", or "1.2 kg CO2eq operational (13.4 kg with embodied
/// emissions)" when embodied exceed operational.
pub fn emissions_phrase(r: &OptionRow) -> String {
    if r.embodied_kg > r.emissions_kg {
        format!(
            "{} CO2eq operational ({} CO2eq including the embodied emissions of the hardware)",
            mass(r.emissions_kg),
            mass(r.emissions_kg + r.embodied_kg)
        )
    } else {
        format!("{} CO2eq", mass(r.emissions_kg))
    }
}

/// The paragraph, with its citation in `markup`.
pub fn paragraph(s: &Summary, markup: Markup) -> String {
    let k = &s.overall.knee;
    let strategy = k.strategy.replace('_', " ");
    format!(
        "We plan a hyperparameter search of {} trials by {strategy} search, run on {} in {}, where the electricity grid emits {} g CO2eq/kWh (data-centre PUE {}). \
         It takes an estimated {} device-hours and {} of wall-clock time on {} devices, drawing {} kWh and emitting {}{}. \
         Estimates were made with co2sweep, following the method of the Machine Learning Emissions Calculator {}.",
        thousands(k.trials as f64),
        k.hardware,
        where_(k),
        num(k.intensity_g_per_kwh),
        num(k.pue),
        num(k.device_hours),
        duration(k.wall_hours),
        s.max_concurrent_devices,
        num(k.energy_kwh),
        emissions_phrase(k),
        if k.offset_kg > 0.0 {
            format!(", of which {} are offset or matched by the provider", mass(k.offset_kg))
        } else {
            String::new()
        },
        markup.cite()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_names_both_grids_in_full_and_uses_g_per_kwh() {
        let catalog = crate::catalog::Catalog::bundled().unwrap();
        let s = crate::scenario::load(
            std::path::Path::new("scenarios/resnet50-imagenet.toml"),
            &catalog,
            Default::default(),
        )
        .unwrap();
        let plan = crate::plan::Plan::build(s, crate::plan::Metric::Operational).unwrap();
        let summary = Summary::of(&plan, &catalog);
        let p = paragraph(&summary, Markup::Markdown);
        let k = &summary.overall.knee;
        assert!(p.contains("electricity grid emits"), "{p}");
        assert!(
            p.contains(&format!("{} g CO2eq/kWh", num(k.intensity_g_per_kwh))),
            "{p}"
        );
        assert!(!p.contains("kg CO2eq/kWh"), "{p}");
        assert!(p.contains(" search, run on"), "{p}");
    }
}
