//! The look every chart shares: fonts, sizes, colours, marker shapes,
//! the frame (title, subtitle, legend, footer) and small text helpers.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontStyle};

use crate::plan::Metric;
use crate::report::marks::{Mark, Scope};
use crate::report::summary::OptionRow;
use crate::report::{pct, thousands};

use super::*;

// Font sizes in pixels at 1200×800, large enough to read when the chart is
// shrunk to one column of a paper.
pub(super) const TITLE: f64 = 32.0;
pub(super) const SUBTITLE: f64 = 20.0;
pub(super) const AXIS: f64 = 24.0;
pub(super) const TICK: f64 = 21.0;
pub(super) const TEXT: f64 = 20.0;
pub(super) const SMALL: f64 = 17.0;
pub(super) const FOOTER: f64 = 14.0;

/// Credits for the data behind every chart.
pub(super) const ATTRIBUTION: &str = "Data: Electricity Maps (ODbL), Ember, Cloud Carbon Footprint, ML Emissions Calculator, Green Algorithms; chart: co2sweep";

/// The width of the widest of `texts`, px.
pub(super) fn widest<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    texts: &[String],
    font: &TextStyle,
) -> Drawn<i32, DB> {
    texts.iter().try_fold(0, |m, t| {
        Ok(m.max(area.estimate_text_size(t, font)?.0 as i32))
    })
}

/// DejaVu Sans (see `data/fonts/LICENSE-DejaVu.txt`), so PNG text needs no system font.
pub(super) static DEJAVU_SANS: &[u8] = include_bytes!("../../../data/fonts/DejaVuSans.ttf");

/// Register the embedded font as plotters' "sans-serif", once per process.
pub(super) fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is a constant of the build; a failure would show as
        // missing text in every test, not as a panic here.
        let _ = register_font("sans-serif", FontStyle::Normal, DEJAVU_SANS);
    });
}

// Okabe & Ito (2008), "Color Universal Design": distinguishable by
// colour-blind readers.
pub(super) const BLUE: RGBColor = RGBColor(0, 114, 178);
pub(super) const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub(super) const GREEN: RGBColor = RGBColor(0, 158, 115);
pub(super) const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub(super) const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub(super) const SKY: RGBColor = RGBColor(86, 180, 233);
pub(super) const YELLOW: RGBColor = RGBColor(240, 228, 66);
pub(super) const INK: RGBColor = RGBColor(25, 25, 25);
pub(super) const GREY: RGBColor = RGBColor(90, 90, 90);

/// A marker shape, drawn as a polygon so SVG and PNG agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    Circle,
    Square,
    Triangle,
    Diamond,
    TriangleDown,
}

impl Shape {
    /// The outline around `c`, of about the area of a circle of radius `r`.
    pub(super) fn outline(self, c: (i32, i32), r: f64) -> Vec<(i32, i32)> {
        let polar = |n: usize, radius: f64, turn: f64| -> Vec<(f64, f64)> {
            (0..n)
                .map(|i| {
                    let a = turn + i as f64 * std::f64::consts::TAU / n as f64;
                    (radius * a.sin(), -radius * a.cos())
                })
                .collect()
        };
        let pts = match self {
            Shape::Circle => polar(24, r, 0.0),
            Shape::Square => polar(4, r * 1.25, std::f64::consts::FRAC_PI_4),
            Shape::Triangle => polar(3, r * 1.45, 0.0),
            Shape::TriangleDown => polar(3, r * 1.45, std::f64::consts::PI),
            Shape::Diamond => polar(4, r * 1.3, 0.0),
        };
        let at = |v: f64, o: i32| o + v.round() as i32;
        pts.into_iter()
            .map(|(x, y)| (at(x, c.0), at(y, c.1)))
            .collect()
    }
}

/// The fixed colours of the strategies co2sweep knows, so a strategy keeps
/// its colour across the charts of different scenarios: Okabe–Ito hues far
/// apart (no two oranges), the most common strategies the most distinct.
pub(super) const KNOWN: [(&str, RGBColor); 5] = [
    ("grid", BLUE),
    ("random", ORANGE),
    ("hyperband", GREEN),
    ("sobol", PURPLE),
    ("latin_hypercube", SKY),
];

/// Marker shapes of the devices, in order of first appearance.
pub(super) const SHAPES: [Shape; 5] = [
    Shape::Circle,
    Shape::Square,
    Shape::Triangle,
    Shape::Diamond,
    Shape::TriangleDown,
];

/// The devices in order of first appearance, each with its marker shape
/// and whether the marker is hollow (past the fifth device, shapes repeat
/// hollow, so ten devices stay apart).
pub(super) fn devices_of(rows: &[OptionRow]) -> Vec<(String, Shape, bool)> {
    first_appearances(rows.iter().map(|r| r.hardware.as_str()))
        .into_iter()
        .enumerate()
        .map(|(i, d)| (d, SHAPES[i % SHAPES.len()], (i / SHAPES.len()) % 2 == 1))
        .collect()
}

/// A provider's colour: fixed for the providers co2sweep knows, so charts
/// of different scenarios agree; the others take the colours left, in
/// order of appearance.
pub(super) fn provider_colour(providers: &[String], name: &str) -> RGBColor {
    const KNOWN: [(&str, RGBColor); 4] = [
        ("gcp", BLUE),
        ("aws", ORANGE),
        ("azure", PURPLE),
        ("country", GREEN),
    ];
    if let Some(&(_, c)) = KNOWN.iter().find(|k| k.0 == name) {
        return c;
    }
    let rest = [VERMILLION, SKY, YELLOW, INK];
    let unknown = providers
        .iter()
        .filter(|p| !KNOWN.iter().any(|k| k.0 == p.as_str()));
    let i = unknown.take_while(|p| p.as_str() != name).count();
    rest[i % rest.len()]
}

/// The rows of one strategy, in row order.
pub(super) struct Series {
    pub(super) name: String,
    pub(super) color: RGBColor,
    pub(super) rows: Vec<usize>,
}

impl Series {
    pub(super) fn entry(&self) -> Entry {
        Entry {
            label: display(&self.name),
            color: self.color,
            swatch: Swatch::Block,
        }
    }
}

/// The strategies in order of first appearance, with their look.
pub(super) fn series_of(rows: &[OptionRow]) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    // Each name's series, looked up (a scan of the series made 20,000
    // distinct strategies quadratic).
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut unknown = 0;
    for (i, r) in rows.iter().enumerate() {
        if let Some(&k) = index.get(r.strategy.as_str()) {
            out[k].rows.push(i);
            continue;
        }
        index.insert(&r.strategy, out.len());
        let color = match KNOWN.iter().find(|k| k.0 == r.strategy) {
            Some(&(_, c)) => c,
            None => {
                unknown += 1;
                [VERMILLION, INK, YELLOW][(unknown - 1) % 3]
            }
        };
        out.push(Series {
            name: r.strategy.clone(),
            color,
            rows: vec![i],
        });
    }
    out
}

/// Sizes for 1200×800, scaled to the chart.
pub(super) struct Ui {
    pub(super) scale: f64,
}

impl Ui {
    pub(super) fn of<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>) -> Ui {
        register_fonts();
        let (w, h) = root.dim_in_pixel();
        Ui {
            scale: (f64::from(w) / 1200.0).min(f64::from(h) / 800.0).max(0.05),
        }
    }
    pub(super) fn pt(&self, v: f64) -> f64 {
        v * self.scale
    }
    pub(super) fn px(&self, v: f64) -> i32 {
        (v * self.scale).round().max(1.0) as i32
    }
    pub(super) fn text(&self, size: f64, color: RGBColor) -> TextStyle<'static> {
        FontDesc::new(FontFamily::SansSerif, self.pt(size), FontStyle::Normal).color(&color)
    }
}

/// `style` shrunk so `text` fits in `width` pixels.
pub(super) fn fitted<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: TextStyle<'static>,
    width: i32,
) -> Drawn<TextStyle<'static>, DB> {
    let w = area.estimate_text_size(text, &style)?.0 as f64;
    let size = style.font.get_size();
    if w <= f64::from(width.max(1)) {
        return Ok(style);
    }
    let font = FontDesc::new(
        FontFamily::SansSerif,
        size * f64::from(width.max(1)) / w,
        FontStyle::Normal,
    );
    Ok(TextStyle { font, ..style })
}

/// One legend entry.
pub(super) struct Entry {
    pub(super) label: String,
    pub(super) color: RGBColor,
    pub(super) swatch: Swatch,
}

/// What a legend entry shows before its label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Swatch {
    /// A filled square (a colour: strategy, provider).
    Block,
    /// A marker (a shape: device), hollow if `true`.
    Marker(Shape, bool),
    /// A line (the front).
    Line,
    /// No swatch: the label is a grey heading, starting a new row.
    Heading,
    /// No swatch: a grey note in the row ("and 12 more").
    Note,
}

/// Most entries of one group (strategies, devices) a legend names; past
/// it, a note counts the rest, which the chart still draws.
pub(super) const LEGEND_MAX: usize = 30;

/// The first [`LEGEND_MAX`] of `entries`, then a note of how many more.
pub(super) fn capped(entries: impl ExactSizeIterator<Item = Entry>) -> Vec<Entry> {
    let n = entries.len();
    let mut out: Vec<Entry> = entries.take(LEGEND_MAX).collect();
    if n > LEGEND_MAX {
        out.push(Entry {
            label: format!("and {} more", thousands((n - LEGEND_MAX) as f64)),
            color: GREY,
            swatch: Swatch::Note,
        });
    }
    out
}

/// White background, title, subtitle, legend and footer; returns the body.
pub(super) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ui: &Ui,
    title: &str,
    subtitle: &str,
    legend: &[Entry],
) -> Drawn<DrawingArea<DB, Shift>, DB> {
    root.fill(&WHITE)?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let pad = ui.px(18.0);
    let avail = w - 2 * pad;
    let top = Pos::new(HPos::Center, VPos::Top);
    let mut y = pad;
    for (text, size, color, lead) in [(title, TITLE, INK, 1.35), (subtitle, SUBTITLE, GREY, 1.5)] {
        if !text.is_empty() {
            let style = fitted(root, text, ui.text(size, color), avail)?;
            let step = style.font.get_size() * lead;
            root.draw(&Text::new(text, (w / 2, y), style.pos(top)))?;
            y += step.round() as i32;
        }
    }
    if !legend.is_empty() {
        y += draw_legend(root, ui, legend, y, avail)? + ui.px(6.0);
    }
    let foot = fitted(root, ATTRIBUTION, ui.text(FOOTER, GREY), avail)?;
    let foot_h = (foot.font.get_size() * 1.5) as i32 + pad / 2;
    let at = (w - pad, h - pad / 2);
    root.draw(&Text::new(
        ATTRIBUTION,
        at,
        foot.pos(Pos::new(HPos::Right, VPos::Bottom)),
    ))?;
    let body = ((w - 2 * pad).max(1) as u32, (h - y - foot_h).max(1) as u32);
    Ok(root.clone().shrink((pad, y), body))
}

/// Legend entries in centred rows from `y`; returns the height used.
pub(super) fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ui: &Ui,
    entries: &[Entry],
    y: i32,
    avail: i32,
) -> Drawn<i32, DB> {
    let font = ui.text(TEXT, INK);
    let (gap, sep, row_h) = (ui.px(8.0), ui.px(32.0), ui.px(34.0));
    let swatch = |e: &Entry| match e.swatch {
        Swatch::Line => ui.px(44.0),
        Swatch::Heading | Swatch::Note => -gap,
        _ => ui.px(22.0),
    };
    let mut widths = Vec::new();
    for e in entries {
        widths.push(swatch(e) + gap + root.estimate_text_size(&e.label, &font)?.0 as i32);
    }
    let mut lines: Vec<(Vec<usize>, i32)> = vec![(Vec::new(), 0)];
    for (i, &wi) in widths.iter().enumerate() {
        let line = lines.last_mut().expect("never empty");
        let heading = entries[i].swatch == Swatch::Heading;
        if !line.0.is_empty() && (heading || line.1 + sep + wi > avail) {
            lines.push((vec![i], wi));
        } else {
            line.1 += if line.0.is_empty() { wi } else { sep + wi };
            line.0.push(i);
        }
    }
    let width = root.dim_in_pixel().0 as i32;
    for (k, (line, total)) in lines.iter().enumerate() {
        let cy = y + k as i32 * row_h + row_h / 2;
        let mut x = (width - total) / 2;
        for &i in line {
            let e = &entries[i];
            draw_swatch(root, ui, e, (x, cy), swatch(e))?;
            let font = match e.swatch {
                Swatch::Heading | Swatch::Note => ui.text(TEXT, GREY),
                _ => font.clone(),
            };
            let style = font.pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(
                e.label.as_str(),
                (x + swatch(e) + gap, cy),
                style,
            ))?;
            x += widths[i] + sep;
        }
    }
    Ok(lines.len() as i32 * row_h)
}

/// The swatch of `e`, `width` wide, from `at` (left end, centre line).
fn draw_swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ui: &Ui,
    e: &Entry,
    at: (i32, i32),
    width: i32,
) -> Drawn<(), DB> {
    let (x, cy) = at;
    let c = (x + width / 2, cy);
    match e.swatch {
        Swatch::Line => {
            let t = ui.px(1.5);
            root.draw(&Rectangle::new(
                [(x, cy - t), (x + width, cy + t)],
                e.color.filled(),
            ))
        }
        Swatch::Marker(shape, hollow) => {
            draw_marker(
                root,
                shape,
                c,
                ui.pt(9.0),
                e.color.filled(),
                Some(ui.pt(2.0)),
            )?;
            if hollow {
                draw_marker(root, shape, c, ui.pt(5.0), WHITE.filled(), None)?;
            }
            Ok(())
        }
        Swatch::Block => {
            let s = ui.px(11.0);
            root.draw(&Rectangle::new(
                [(c.0 - s, cy - s), (c.0 + s, cy + s)],
                e.color.filled(),
            ))
        }
        Swatch::Heading | Swatch::Note => Ok(()),
    }
}

/// A chart with nothing to show: a note in the middle of the body.
pub(super) fn empty<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    body: &DrawingArea<DB, Shift>,
    ui: &Ui,
    note: &str,
) -> Drawn<(), DB> {
    let (w, h) = body.dim_in_pixel();
    let style = ui
        .text(AXIS, GREY)
        .pos(Pos::new(HPos::Center, VPos::Center));
    body.draw(&Text::new(note, (w as i32 / 2, h as i32 / 2), style))?;
    root.present()
}

/// Draw a marker, with a white halo of `halo` pixels if given.
pub(super) fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    shape: Shape,
    c: (i32, i32),
    r: f64,
    style: ShapeStyle,
    halo: Option<f64>,
) -> Drawn<(), DB> {
    if let Some(h) = halo {
        area.draw(&Polygon::new(shape.outline(c, r + h), WHITE.filled()))?;
    }
    area.draw(&Polygon::new(shape.outline(c, r), style))
}

/// "Lowest emissions, knee" for a row carrying overall marks.
pub(super) fn overall_marks(r: &OptionRow) -> Option<String> {
    let names: Vec<&str> = (r.marks.overall())
        .map(|m| match m {
            Mark::Lowest => "lowest emissions",
            Mark::Fastest => "fastest",
            Mark::Knee => "knee",
        })
        .collect();
    Some(capital(&names.join(", "))).filter(|t| !t.is_empty())
}

/// `text` with its first letter in upper case.
pub(super) fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

/// The row of `among` marked lowest in `scope`, or else its lowest-emission row.
pub(super) fn lowest_of<'r>(
    rows: &'r [OptionRow],
    among: &[usize],
    scope: Scope,
) -> Option<&'r OptionRow> {
    let marked = among
        .iter()
        .map(|&i| &rows[i])
        .find(|r| r.marks.has(scope, Mark::Lowest));
    marked.or_else(|| {
        among
            .iter()
            .map(|&i| &rows[i])
            .filter(|r| ok(r.metric_kg()))
            .min_by(|a, b| a.metric_kg().total_cmp(&b.metric_kg()))
    })
}

/// Distinct names in order of first appearance.
pub(super) fn first_appearances<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
    }
    out
}

/// The scenario's name, the title of every chart.
pub(super) fn title_of(rows: &[OptionRow]) -> String {
    rows.iter()
        .map(|r| r.scenario.trim())
        .find(|s| !s.is_empty())
        .unwrap_or("co2sweep")
        .to_string()
}

/// The emissions axis: what the ranking minimised.
pub(super) fn emissions_label(rows: &[OptionRow]) -> String {
    match rows.first().map(|r| r.metric) {
        Some(Metric::Total) => "Emissions incl. embodied (kg CO2eq)".into(),
        _ => "Emissions (kg CO2eq)".into(),
    }
}

/// "59 trials · quality 95%".
pub(super) fn trials_note(r: &OptionRow) -> String {
    let trials = thousands(r.trials as f64);
    if ok(r.quality) {
        format!("{trials} trials · quality {}", pct(r.quality * 100.0))
    } else {
        format!("{trials} trials")
    }
}

/// A strategy's name for people: "latin_hypercube" → "latin hypercube".
pub(super) fn display(name: &str) -> String {
    name.replace('_', " ")
}

pub(super) fn ok(v: f64) -> bool {
    v.is_finite()
}
