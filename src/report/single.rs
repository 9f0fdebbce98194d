//! Rendering of a single-run estimate for the terminal.
//!
//! Each line gives a figure, its unit, the formula that made it and the
//! source of its inputs, so a reader can redo the arithmetic.

use std::fmt::Write as _;

use crate::catalog::Catalog;
use crate::estimate::Estimate;
use crate::report::{num, pct};

/// The estimate as readable text.
pub fn text(e: &Estimate, catalog: &Catalog) -> String {
    let mut s = String::new();
    heading(&mut s, e);
    inputs(&mut s, e);
    arithmetic(&mut s, e);
    embodied(&mut s, e);
    timed(&mut s, e);
    equivalents(&mut s, e, catalog);
    cleaner(&mut s, e);
    s
}

/// The first line: what runs where.
fn heading(s: &mut String, e: &Estimate) {
    let site = match (&e.region, &e.country) {
        (Some(r), _) => format!("{}:{} ({}, {})", r.provider, r.region, r.name, r.country),
        (None, Some(c)) => format!("{} grid ({})", c.name, c.code),
        (None, None) => "a grid of the given intensity".to_string(),
    };
    let _ = match (e.count, e.hours) {
        (Some(count), Some(hours)) => writeln!(
            s,
            "{count} × {} for {} h in {site}\n",
            e.hardware,
            num(hours)
        ),
        _ => writeln!(
            s,
            "{} device-hours of {} in {site}\n",
            num(e.device_hours),
            e.hardware
        ),
    };
}

/// The inputs: power, utilization, PUE and grid intensity, with sources.
fn inputs(s: &mut String, e: &Estimate) {
    let _ = writeln!(
        s,
        "  power        {} W per device ({})",
        num(e.power_watts),
        e.power_source
    );
    let _ = writeln!(s, "  utilization  {}", num(e.utilization));
    let _ = writeln!(s, "  PUE          {} ({})", num(e.pue), e.pue_source);
    let year = e.intensity_year.map_or(String::new(), |y| format!(", {y}"));
    let _ = writeln!(
        s,
        "  intensity    {} g CO2eq/kWh ({}{year})",
        num(e.intensity_g_per_kwh),
        e.intensity_source
    );
}

/// Device energy, extra energy, wall-plug energy, emissions and the
/// provider's offset, each with its formula.
fn arithmetic(s: &mut String, e: &Estimate) {
    let work = match (e.count, e.hours) {
        (Some(count), Some(hours)) => format!("{count} × {} h", num(hours)),
        _ => format!("{} device-h", num(e.device_hours)),
    };
    let _ = writeln!(
        s,
        "  devices      {} kWh = {work} × {} W × {} / 1000",
        num(e.device_kwh),
        num(e.power_watts),
        num(e.utilization),
    );
    if e.extra_kwh > 0.0 {
        let _ = writeln!(
            s,
            "  extra        {} kWh outside the devices (given with --extra-kwh)",
            num(e.extra_kwh)
        );
    }
    let _ = writeln!(
        s,
        "  energy       {} kWh = ({} + {} kWh) × PUE {}",
        num(e.energy_kwh),
        num(e.device_kwh),
        num(e.extra_kwh),
        num(e.pue)
    );
    let _ = writeln!(
        s,
        "  emissions    {} kg CO2eq = {} kWh × {} g/kWh / 1000",
        num(e.emissions_kg),
        num(e.energy_kwh),
        num(e.intensity_g_per_kwh)
    );
    if e.region.is_some() {
        let _ = writeln!(
            s,
            "  offset       {} kg CO2eq ({} offset or matched by the provider; included above, not subtracted)",
            num(e.offset_kg),
            pct(e.offset_pct)
        );
    }
}

/// Embodied emissions and the total, when lifecycle figures are known.
fn embodied(s: &mut String, e: &Estimate) {
    if let (Some(emb), Some(total), Some(l)) = (e.embodied_kg, e.total_kg, &e.lifecycle) {
        let _ = writeln!(
            s,
            "  embodied     {} kg CO2eq = {} device-h × ({} + {} / {}) kg / ({} y × 8,760 h × {})",
            num(emb),
            num(e.device_hours),
            num(l.device_kg),
            num(l.server_kg),
            num(l.devices_per_server),
            num(l.lifetime_years),
            num(l.lifetime_utilization)
        );
        let _ = writeln!(
            s,
            "  total        {} kg CO2eq (operational + embodied)",
            num(total)
        );
    }
}

/// The start on an hourly profile and the best start, when timed.
fn timed(s: &mut String, e: &Estimate) {
    if let Some(t) = &e.timed {
        let _ = writeln!(
            s,
            "  start        {} on the {} hourly profile",
            t.start, t.grid_zone
        );
        if let Some(m) = &t.mapped_to {
            let _ = writeln!(
                s,
                "               (outside the profile's year: mapped to {m}, the same weekday and hour of the same week)"
            );
        }
        if let (Some(b), Some(ci), Some(kg), Some(pc)) = (
            &t.best_start,
            t.best_intensity_g_per_kwh,
            t.best_emissions_kg,
            t.saving_pct,
        ) {
            let _ = writeln!(
                s,
                "  best start   {b}: {} g CO2eq/kWh on average, {} kg CO2eq, {} less",
                num(ci),
                num(kg),
                pct(pc)
            );
        }
        if let Some(note) = &t.scaling {
            let _ = writeln!(s, "               ({note})");
        }
        let _ = writeln!(s, "               {}", t.attribution);
    }
}

/// The emissions as everyday equivalents.
fn equivalents(s: &mut String, e: &Estimate, catalog: &Catalog) {
    let _ = writeln!(s, "\n  That is as much CO2eq as:");
    for eq in &catalog.equivalents {
        if let Some(amount) = e.equivalents.get(&eq.key) {
            let _ = writeln!(
                s,
                "    {:>10}  {} ({}, {})",
                num(*amount),
                eq.description,
                eq.source,
                eq.year
            );
        }
    }
}

/// A cleaner region of the same provider, or that there is none.
fn cleaner(s: &mut String, e: &Estimate) {
    if let Some(alt) = &e.cleaner_region {
        let _ = writeln!(s);
        if alt.saving_pct > 0.0 {
            let _ = writeln!(
                s,
                "  Cleaner: {}:{} ({}) at {} g/kWh, PUE {} would emit {} kg CO2eq, {} less.",
                alt.provider,
                alt.region,
                alt.name,
                num(alt.intensity_g_per_kwh),
                num(alt.pue),
                num(alt.emissions_kg),
                pct(alt.saving_pct)
            );
        } else {
            let _ = writeln!(
                s,
                "  This is already the cleanest region of {}.",
                alt.provider
            );
        }
    }
}
