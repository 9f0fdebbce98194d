//! The regions chart: emissions by region for the best device and strategy.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::Result;
use crate::report::summary::OptionRow;

use super::axes::*;
use super::style::*;

/// Emissions by region for the best hardware and strategy (those of the
/// overall lowest-emission option), cleanest first, coloured by provider.
pub fn regions<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    rows: &[OptionRow],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let ui = Ui::of(root);
    let (best, shown, hidden) = regions_of(rows);
    let providers = first_appearances(shown.iter().flatten().map(|r| r.provider.as_str()));
    let colour = |p: &str| provider_colour(&providers, p);
    let entries: Vec<Entry> = providers
        .iter()
        .map(|p| Entry {
            label: p.clone(),
            color: colour(p),
            shape: None,
        })
        .collect();
    let sub = match best {
        Some(b) => format!(
            "{} search on {}, by region (cleanest first)",
            capital(&display(&b.strategy)),
            b.hardware
        ),
        None => "Emissions by region".to_string(),
    };
    let body = frame(root, &ui, &title_of(rows), &sub, &entries)?;
    if shown.is_empty() {
        return empty(root, &body, &ui, "No options to chart");
    }
    let names: Vec<String> = shown
        .iter()
        .map(|r| r.map_or(String::new(), |r| format!("{}:{}", r.provider, r.region)))
        .collect();
    let font = ui.text(TEXT, INK);
    let col = (widest(root, &names, &font)? + ui.px(24.0)).min(body.dim_in_pixel().0 as i32 / 2);
    let (cats, panel) = body.split_horizontally(col);
    let bars: Vec<Option<Bar>> = shown
        .iter()
        .map(|r| {
            r.map(|r| Bar {
                value: r.metric_kg(),
                color: colour(&r.provider),
            })
        })
        .collect();
    let slots = bar_panel(&panel, &ui, &emissions_label(rows), &bars)?;
    let size = font.font.get_size().min(slots.height as f64 * 0.8);
    let style = ui
        .text(size / ui.scale, INK)
        .pos(Pos::new(HPos::Right, VPos::Center));
    let right_edge = col - ui.px(14.0);
    for (name, &y) in names.iter().zip(&slots.centres) {
        cats.draw(&Text::new(name.as_str(), (right_edge, y), style.clone()))?;
    }
    if let Some(gap) = shown.iter().position(Option::is_none) {
        let note = format!("… {hidden} regions not shown …");
        let style = ui
            .text(size / ui.scale, GREY)
            .pos(Pos::new(HPos::Center, VPos::Center));
        let x = panel.dim_in_pixel().0 as i32 / 2;
        panel.draw(&Text::new(note, (x, slots.centres[gap]), style))?;
    }
    root.present()
}

/// The rows `regions` shows: the best option (marked `lowest`), the
/// options of its hardware and strategy by emissions, ties in row order,
/// with the middle ones left out (`None`) past thirty; and how many are.
pub(super) fn regions_of(
    rows: &[OptionRow],
) -> (Option<&OptionRow>, Vec<Option<&OptionRow>>, usize) {
    const SHOW: usize = 15;
    let all: Vec<usize> = (0..rows.len()).collect();
    let Some(best) = lowest_of(rows, &all, "lowest") else {
        return (None, Vec::new(), 0);
    };
    let mut chosen: Vec<(usize, &OptionRow)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.hardware == best.hardware && r.strategy == best.strategy && ok(r.metric_kg())
        })
        .collect();
    chosen.sort_by(|a, b| {
        a.1.metric_kg()
            .total_cmp(&b.1.metric_kg())
            .then(a.0.cmp(&b.0))
    });
    let hidden = chosen.len().saturating_sub(2 * SHOW);
    let shown = if hidden > 0 {
        let (head, tail) = (&chosen[..SHOW], &chosen[chosen.len() - SHOW..]);
        head.iter()
            .map(|c| Some(c.1))
            .chain([None])
            .chain(tail.iter().map(|c| Some(c.1)))
            .collect()
    } else {
        chosen.iter().map(|c| Some(c.1)).collect()
    };
    (Some(best), shown, hidden)
}
