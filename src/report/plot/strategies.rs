//! The strategies chart: each search strategy at its lowest-emission option,
//! operational and embodied emissions stacked, the 90 % interval of the
//! operational part as a whisker where drawn.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::Result;
use crate::report::marks::Scope;
use crate::report::summary::OptionRow;
use crate::report::{mass, num, thousands};

use super::axes::*;
use super::style::*;

/// Each strategy at its lowest-emission option: emissions and device-hours
/// side by side, one bar per strategy, with its trials and quality.
pub fn strategies<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    rows: &[OptionRow],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let ui = Ui::of(root);
    let series = series_of(rows);
    let all: Vec<(&Series, &OptionRow)> = series
        .iter()
        .filter_map(|s| lowest_of(rows, &s.rows, Scope::Strategy).map(|r| (s, r)))
        .collect();
    let best = lowest_few(&all);
    let sub = subtitle(&best, all.len());
    let legend = [
        Entry {
            label: "operational".into(),
            color: GREY,
            swatch: Swatch::Block,
        },
        Entry {
            label: "embodied (manufacturing share)".into(),
            color: RGBColor(200, 200, 200),
            swatch: Swatch::Block,
        },
    ];
    let body = frame(root, &ui, &title_of(rows), &sub, &legend)?;
    if best.is_empty() {
        return empty(root, &body, &ui, "No options to chart");
    }
    let names: Vec<String> = best.iter().map(|(s, _)| display(&s.name)).collect();
    let notes: Vec<String> = best.iter().map(|(_, r)| trials_note(r)).collect();
    let (name_font, note_font) = (ui.text(AXIS - 2.0, INK), ui.text(SMALL, GREY));
    let col =
        widest(root, &names, &name_font)?.max(widest(root, &notes, &note_font)?) + ui.px(24.0);
    let (cats, panels) = body.split_horizontally(col.min(body.dim_in_pixel().0 as i32 / 2));
    let (left, right) = panels.split_horizontally(panels.dim_in_pixel().0 / 2);
    let emissions: Vec<Option<Bar>> = best
        .iter()
        .map(|(s, r)| Some(stacked(r, s.color)))
        .collect();
    let hours: Vec<Option<Bar>> = best
        .iter()
        .map(|(s, r)| {
            Some(Bar::plain(
                r.device_hours,
                s.color,
                format!("{} h", num(r.device_hours)),
            ))
        })
        .collect();
    let heading = "Emissions incl. embodied (kg CO2eq)";
    let slots = bar_panel(&left, &ui, heading, &emissions)?;
    bar_panel(&right, &ui, "Device-hours (h)", &hours)?;
    let right_edge = cats.dim_in_pixel().0 as i32 - ui.px(14.0);
    for (i, slot) in slots.centres.iter().enumerate() {
        let gap = ui.pt(3.0) as i32;
        let name = name_font.pos(Pos::new(HPos::Right, VPos::Bottom));
        cats.draw(&Text::new(
            names[i].as_str(),
            (right_edge, slot - gap),
            name,
        ))?;
        let note = note_font.pos(Pos::new(HPos::Right, VPos::Top));
        cats.draw(&Text::new(
            notes[i].as_str(),
            (right_edge, slot + gap),
            note,
        ))?;
    }
    root.present()
}

/// What the chart shows of `all` strategies, with whiskers if any of the
/// `shown` has an interval.
fn subtitle(shown: &[(&Series, &OptionRow)], all: usize) -> String {
    let mut sub = if shown.len() < all {
        format!(
            "The {} lowest-emission of {} search strategies, each at its lowest-emission option",
            shown.len(),
            thousands(all as f64)
        )
    } else {
        "Each search strategy at its lowest-emission option".to_string()
    };
    sub.push_str("; emissions are operational (solid) plus embodied (light)");
    if shown.iter().any(|(_, r)| operational_interval(r).is_some()) {
        sub.push_str("; whiskers: 90 % intervals of operational emissions");
    }
    sub
}

/// Most strategies the chart shows (each takes two lines of labels; as
/// many as the regions chart's cleanest): past it, the lowest-emission
/// ones, in their order.
const MAX_BARS: usize = super::regions::HEAD;

/// The [`MAX_BARS`] strategies of lowest emissions among `all` (ties in
/// order), kept in the order of `all`.
fn lowest_few<'a>(all: &[(&'a Series, &'a OptionRow)]) -> Vec<(&'a Series, &'a OptionRow)> {
    if all.len() <= MAX_BARS {
        return all.to_vec();
    }
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by(|&a, &b| all[a].1.metric_kg().total_cmp(&all[b].1.metric_kg()));
    order.truncate(MAX_BARS);
    order.sort_unstable();
    order.into_iter().map(|i| all[i]).collect()
}

/// Operational then embodied emissions of `r` as one bar, labelled with
/// the total and, when there is embodied, the operational part.
fn stacked(r: &OptionRow, color: RGBColor) -> Bar {
    let total = r.emissions_kg + r.embodied_kg.max(0.0);
    let text = if r.embodied_kg > 0.0 {
        format!("{} ({} operational)", mass(total), mass(r.emissions_kg))
    } else {
        mass(total)
    };
    Bar {
        value: total,
        part: Some(r.emissions_kg),
        color,
        text,
        range: operational_interval(r),
    }
}

/// The 90 % interval (p5, p95) of operational emissions, which the bar's
/// solid part shows, where not a single point.
fn operational_interval(r: &OptionRow) -> Option<(f64, f64)> {
    match (r.emissions_kg_p5, r.emissions_kg_p95) {
        (Some(lo), Some(hi)) if lo < hi => Some((lo, hi)),
        _ => None,
    }
}
