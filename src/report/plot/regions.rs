//! The regions chart: emissions by region for the best device and strategy.
//!
//! Bars run cleanest first, coloured by provider (hues far apart). Each
//! region is named by its place ("Paris, France") with its id in small
//! grey type. Past [`ALL`] regions the middle ones are left out, except the
//! regions the scenario listed by name, which are always shown. Bars that
//! span more than 100× get a log axis, and every bar carries its value.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::Result;
use crate::report::marks::Scope;
use crate::report::mass;
use crate::report::summary::OptionRow;

use super::axes::*;
use super::style::*;
use super::Drawn;

/// Up to this many regions, all are shown.
pub(super) const ALL: usize = 30;
/// Past [`ALL`]: the cleanest this many, and the dirtiest [`TAIL`].
pub(super) const HEAD: usize = 12;
/// The dirtiest shown past [`ALL`].
pub(super) const TAIL: usize = 8;

/// One slot of the chart: a region's option, or a gap of `n` left out.
#[derive(Debug, Clone, Copy)]
pub(super) enum Slot<'r> {
    Row(&'r OptionRow),
    Gap(usize),
}

/// Emissions by region for the best hardware and strategy (those of the
/// overall lowest-emission option), cleanest first, coloured by provider.
pub fn regions<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    rows: &[OptionRow],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let ui = Ui::of(root);
    let (best, slots) = regions_of(rows);
    let shown: Vec<&OptionRow> = slots
        .iter()
        .filter_map(|s| match s {
            Slot::Row(r) => Some(*r),
            Slot::Gap(_) => None,
        })
        .collect();
    let providers = first_appearances(shown.iter().map(|r| r.provider.as_str()));
    let colour = |p: &str| provider_colour(&providers, p);
    let entries: Vec<Entry> = providers
        .iter()
        .map(|p| Entry {
            label: p.clone(),
            color: colour(p),
            swatch: Swatch::Block,
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
    let bars: Vec<Option<Bar>> = slots
        .iter()
        .map(|s| match s {
            Slot::Row(r) => Some(Bar::plain(
                r.metric_kg(),
                colour(&r.provider),
                mass(r.metric_kg()),
            )),
            Slot::Gap(_) => None,
        })
        .collect();
    let names = Names::of(root, &ui, &slots)?;
    let col = (names.width + ui.px(24.0)).min(body.dim_in_pixel().0 as i32 / 2);
    let (cats, panel) = body.split_horizontally(col);
    let placed = bar_panel(&panel, &ui, &emissions_label(rows), &bars)?;
    names.draw(&cats, &panel, &slots, &placed, col - ui.px(14.0))?;
    root.present()
}

/// The category labels: place in text type, id in small grey type.
struct Names {
    place: TextStyle<'static>,
    id: TextStyle<'static>,
    gap: i32,
    width: i32,
}

impl Names {
    /// Styles and the widest label of `slots`.
    fn of<DB: DrawingBackend>(
        root: &DrawingArea<DB, Shift>,
        ui: &Ui,
        slots: &[Slot],
    ) -> Drawn<Names, DB> {
        let n = slots.len().max(1) as f64;
        // Shrink with many slots so names stay apart: about 70% of a slot.
        let room = f64::from(root.dim_in_pixel().1) * 0.7 / n / ui.scale;
        let (text, small) = (TEXT.min(room), SMALL.min(room * 0.85));
        let mut names = Names {
            place: ui.text(text, INK),
            id: ui.text(small, GREY),
            gap: ui.px(8.0),
            width: 0,
        };
        for s in slots {
            if let Slot::Row(r) = s {
                let (p, i) = (place_of(r), id_of(r));
                let wp = root.estimate_text_size(&p, &names.place)?.0 as i32;
                let wi = root.estimate_text_size(&i, &names.id)?.0 as i32;
                names.width = names.width.max(wp + names.gap + wi);
            }
        }
        Ok(names)
    }

    /// Each name right-aligned at `right` in `cats`; gaps noted in `panel`.
    fn draw<DB: DrawingBackend>(
        &self,
        cats: &DrawingArea<DB, Shift>,
        panel: &DrawingArea<DB, Shift>,
        slots: &[Slot],
        placed: &Slots,
        right: i32,
    ) -> Drawn<(), DB> {
        let at = Pos::new(HPos::Right, VPos::Center);
        for (s, &y) in slots.iter().zip(&placed.centres) {
            match s {
                Slot::Row(r) => {
                    let id = id_of(r);
                    let wi = cats.estimate_text_size(&id, &self.id)?.0 as i32;
                    cats.draw(&Text::new(id, (right, y), self.id.pos(at)))?;
                    let x = right - wi - self.gap;
                    cats.draw(&Text::new(place_of(r), (x, y), self.place.pos(at)))?;
                }
                Slot::Gap(n) => {
                    let note = format!("… {n} more regions, not shown …");
                    let style = self.id.pos(Pos::new(HPos::Center, VPos::Center));
                    let x = panel.dim_in_pixel().0 as i32 / 2;
                    panel.draw(&Text::new(note, (x, y), style))?;
                }
            }
        }
        Ok(())
    }
}

/// "Paris, France", or the id when the row has no place (an old CSV).
fn place_of(r: &OptionRow) -> String {
    if r.place.trim().is_empty() {
        format!("{}:{}", r.provider, r.region)
    } else {
        r.place.clone()
    }
}

/// "gcp:europe-west9", or nothing when the place already is the id.
fn id_of(r: &OptionRow) -> String {
    if r.place.trim().is_empty() {
        String::new()
    } else {
        format!("{}:{}", r.provider, r.region)
    }
}

/// The best option (marked `lowest`) and the slots `regions` shows: the
/// options of its hardware and strategy by emissions, ties in row order;
/// past [`ALL`], the cleanest [`HEAD`], the dirtiest [`TAIL`] and every
/// region named in the scenario, with gaps for the rest.
pub(super) fn regions_of(rows: &[OptionRow]) -> (Option<&OptionRow>, Vec<Slot<'_>>) {
    let all: Vec<usize> = (0..rows.len()).collect();
    let Some(best) = lowest_of(rows, &all, Scope::Overall) else {
        return (None, Vec::new());
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
    let n = chosen.len();
    let keep = |i: usize| n <= ALL || i < HEAD || i >= n - TAIL || chosen[i].1.named;
    let mut slots = Vec::new();
    let mut left_out = 0;
    for (i, c) in chosen.iter().enumerate() {
        if keep(i) {
            if left_out > 0 {
                slots.push(Slot::Gap(left_out));
                left_out = 0;
            }
            slots.push(Slot::Row(c.1));
        } else {
            left_out += 1;
        }
    }
    (Some(best), slots)
}
