//! The strategies chart: each search strategy at its lowest-emission option.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::Result;
use crate::report::summary::OptionRow;

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
    let best: Vec<(&Series, &OptionRow)> = series
        .iter()
        .filter_map(|s| lowest_of(rows, &s.rows, "strategy-lowest").map(|r| (s, r)))
        .collect();
    let sub = "Each search strategy at its lowest-emission option";
    let body = frame(root, &ui, &title_of(rows), sub, &[])?;
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
    let bars = |f: fn(&OptionRow) -> f64| -> Vec<Option<Bar>> {
        best.iter()
            .map(|(s, r)| {
                Some(Bar {
                    value: f(r),
                    color: s.color,
                })
            })
            .collect()
    };
    let slots = bar_panel(
        &left,
        &ui,
        &emissions_label(rows),
        &bars(OptionRow::metric_kg),
    )?;
    bar_panel(&right, &ui, "Device-hours (h)", &bars(|r| r.device_hours))?;
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
