//! The plan's paragraph for a paper or proposal, shared by `report.md` and
//! `report.html`: the chosen option (the balanced knee, or the lowest-
//! emission option on fronts too short for a knee) in words, with its
//! quality, schedule model and 90 % interval where drawn; intensity in
//! g CO2eq/kWh, "grid search" and "electricity grid" spelled out so the
//! two grids are never confused, and the total with embodied emissions
//! whenever they exceed the operational ones.

use crate::report::paper::{provider_name, Markup};
use crate::report::summary::{quality_text, OptionRow, Summary};
use crate::report::{duration, mass, num, pct, ranges, thousands};

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

/// "1.2 kg CO2eq, 90 % interval 0.9–1.6 kg", or "1.2 kg CO2eq operational
/// (13.4 kg CO2eq including the embodied emissions of the hardware)" when
/// embodied exceed operational; the interval only where drawn.
pub fn emissions_phrase(r: &OptionRow) -> String {
    if r.embodied_kg > r.emissions_kg {
        format!(
            "{} CO2eq operational{} ({} CO2eq including the embodied emissions of the hardware)",
            mass(r.emissions_kg),
            ranges::mass_interval(r.emissions_kg, r.emissions_kg_p5, r.emissions_kg_p95),
            mass(r.emissions_kg + r.embodied_kg)
        )
    } else {
        ranges::mass(r.emissions_kg, r.emissions_kg_p5, r.emissions_kg_p95)
    }
}

/// "95% (coverage model)": the quality with what it is, said once.
fn quality_phrase(r: &OptionRow) -> String {
    let q = quality_text(
        r.quality,
        r.quality_low,
        r.quality_high,
        &r.quality_model,
        r.below_target,
    );
    if r.quality_model.is_empty() || q.contains(&r.quality_model) {
        q
    } else {
        format!("{q} ({})", r.quality_model)
    }
}

/// The paragraph, with its citation in `markup`.
pub fn paragraph(s: &Summary, markup: Markup) -> String {
    let k = s.overall.chosen();
    let strategy = k.strategy.replace('_', " ");
    format!(
        "We plan a hyperparameter search of {} trials by {strategy} search, which finds a configuration in the best {} of the space with probability {}, run on {} in {}, where the electricity grid emits {} g CO2eq/kWh (data-centre PUE {}). \
         It takes an estimated {} device-hours and {} of wall-clock time on {} devices ({}{}), drawing {} kWh and emitting {}{}. \
         Estimates were made with co2sweep, following the method of the Machine Learning Emissions Calculator {}.",
        thousands(k.trials as f64),
        pct(s.top_fraction * 100.0),
        quality_phrase(k),
        k.hardware,
        where_(k),
        num(k.intensity_g_per_kwh),
        num(k.pue),
        num(k.device_hours),
        duration(k.wall_hours),
        s.max_concurrent_devices,
        k.schedule_model,
        crate::report::execution::capacity_phrase(&s.capacity, k.utilization),
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
        let k = summary.overall.chosen();
        assert!(p.contains("electricity grid emits"), "{p}");
        assert!(
            p.contains(&format!("{} g CO2eq/kWh", num(k.intensity_g_per_kwh))),
            "{p}"
        );
        assert!(!p.contains("kg CO2eq/kWh"), "{p}");
        assert!(p.contains(" search, which finds"), "{p}");
    }
}
