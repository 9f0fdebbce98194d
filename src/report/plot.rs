//! Charts of a plan, as SVG and PNG, drawn from the option rows alone.
//!
//! `plan --out` draws them from its rows and `co2sweep chart` from the rows
//! read back from `options.csv`, so both give the same bytes: every chart is
//! a pure function of the rows and the size. Nothing here reads the clock,
//! the system fonts or the file system: PNG text is drawn with DejaVu Sans,
//! embedded in the binary, and PNGs are encoded in memory.
//!
//! Each chart is a short function generic over the plotters backend, so
//! tests render SVG into a `String`. Colours are the Okabe–Ito palette,
//! safe for colour-blind readers; each strategy also has its own marker
//! shape, so the charts survive greyscale printing. Sizes are given for
//! 1200×800 and scale with the chart.

use std::fmt;
use std::str::FromStr;
use std::sync::Once;

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontStyle};

use crate::error::{Error, Result};
use crate::plan::Metric;
use crate::report::files::Output;
use crate::report::summary::OptionRow;
use crate::report::{num, pct, thousands};

/// Chart size in pixels (SVG user units and PNG pixels), default 1200×800.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartSize {
    /// Width, px.
    pub width: u32,
    /// Height, px.
    pub height: u32,
}

impl Default for ChartSize {
    fn default() -> ChartSize {
        ChartSize {
            width: 1200,
            height: 800,
        }
    }
}

impl fmt::Display for ChartSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

impl FromStr for ChartSize {
    type Err = Error;

    /// "1200x800" (also `X` or `×`), each side 200 to 8000 pixels.
    fn from_str(s: &str) -> Result<ChartSize> {
        const EXPECTED: &str = "expected WIDTHxHEIGHT, e.g. 1200x800";
        let bad = || Error::input(format!("invalid chart size '{s}': {EXPECTED}"));
        let (w, h) = s.trim().split_once(['x', 'X', '×']).ok_or_else(bad)?;
        let side = |t: &str| t.trim().parse::<u32>().map_err(|_| bad());
        let size = ChartSize {
            width: side(w)?,
            height: side(h)?,
        };
        for (name, v) in [("width", size.width), ("height", size.height)] {
            if !(200..=8000).contains(&v) {
                return Err(Error::input(format!(
                    "invalid chart size '{s}': {name} {v} is outside 200 to 8000 pixels; {EXPECTED}"
                )));
            }
        }
        Ok(size)
    }
}

/// Every chart as files: pareto.svg, pareto.png, strategies.svg,
/// strategies.png, regions.svg, regions.png (in that order).
pub fn render_all(rows: &[OptionRow], size: ChartSize) -> Result<Vec<Output>> {
    let out = |name: &str, bytes: Vec<u8>| Output {
        name: name.to_string(),
        bytes,
    };
    Ok(vec![
        out("pareto.svg", svg(size, "pareto.svg", |a| pareto(a, rows))?),
        out("pareto.png", png(size, "pareto.png", |a| pareto(a, rows))?),
        out(
            "strategies.svg",
            svg(size, "strategies.svg", |a| strategies(a, rows))?,
        ),
        out(
            "strategies.png",
            png(size, "strategies.png", |a| strategies(a, rows))?,
        ),
        out(
            "regions.svg",
            svg(size, "regions.svg", |a| regions(a, rows))?,
        ),
        out(
            "regions.png",
            png(size, "regions.png", |a| regions(a, rows))?,
        ),
    ])
}

// Font sizes in pixels at 1200×800, large enough to read when the chart is
// shrunk to one column of a paper.
const TITLE: f64 = 32.0;
const SUBTITLE: f64 = 20.0;
const AXIS: f64 = 24.0;
const TICK: f64 = 21.0;
const TEXT: f64 = 20.0;
const SMALL: f64 = 17.0;
const FOOTER: f64 = 14.0;

/// Credits for the data behind every chart.
const ATTRIBUTION: &str = "Data: Electricity Maps (ODbL), Ember, Cloud Carbon Footprint, ML Emissions Calculator, Green Algorithms; chart: co2sweep";

/// Emissions against wall-clock time: every option faint, each strategy's
/// own front as a staircase, the overall knee and extremes labelled.
pub fn pareto<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    rows: &[OptionRow],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let ui = Ui::of(root);
    let series = series_of(rows);
    let entries: Vec<Entry> = series.iter().map(|s| s.entry()).collect();
    let mut sub =
        "Each point is one option; lines are each strategy's Pareto front (lower left is better)"
            .to_string();
    if rows
        .iter()
        .any(|r| r.metric_interval().is_some() || r.wall_interval().is_some())
    {
        sub.push_str("; bars: 90 % intervals");
    }
    let body = frame(root, &ui, &title_of(rows), &sub, &entries)?;
    let xy = |r: &OptionRow| (r.wall_hours, r.metric_kg());
    let finite: Vec<(f64, f64)> = rows.iter().map(xy).filter(|p| ok(p.0) && ok(p.1)).collect();
    if finite.is_empty() {
        return empty(root, &body, &ui, "No options to chart");
    }
    // Axes also hold the error bars of front options.
    let front_rows = || rows.iter().filter(|r| r.strategy_rank == 1);
    let xs = front_rows()
        .filter_map(OptionRow::wall_interval)
        .flat_map(|(a, b)| [a, b]);
    let ys = front_rows()
        .filter_map(OptionRow::metric_interval)
        .flat_map(|(a, b)| [a, b]);
    let xa = Axis::fit(
        finite.iter().map(|p| p.0).chain(xs.filter(|v| ok(*v))),
        false,
    );
    let ya = Axis::fit(
        finite.iter().map(|p| p.1).chain(ys.filter(|v| ok(*v))),
        false,
    );
    let (xd, yd) = ("Wall-clock time (h)", emissions_label(rows));
    let mut chart = axes(&body, &ui, &xa, &ya, xd, &yd)?;
    let plot = chart.plotting_area().strip_coord_spec();
    let base = plot.get_base_pixel();
    let coord = chart.as_coord_spec().clone();
    let to_px = |p: (f64, f64)| {
        let (x, y) = coord.translate(&p);
        (x - base.0, y - base.1)
    };
    let valid = |r: &&OptionRow| ok(xy(r).0) && ok(xy(r).1);
    let (small, big, width) = (ui.pt(5.5), ui.pt(9.5), ui.pt(3.5));
    let mut obstacles = Vec::new();
    for s in &series {
        for r in s.rows.iter().map(|&i| &rows[i]).filter(valid) {
            let c = to_px(xy(r));
            draw_marker(&plot, s.shape, c, small, s.color.mix(0.35).filled(), None)?;
            obstacles.push(Obstacle::new(c, small, FAINT));
        }
    }
    let fronts: Vec<Vec<&OptionRow>> = series.iter().map(|s| front_of(rows, s, xy)).collect();
    for (s, front) in series.iter().zip(&fronts) {
        let line = staircase(front.iter().map(|r| xy(r)));
        let px: Vec<(i32, i32)> = line.iter().map(|&p| to_px(p)).collect();
        obstacles.extend(sample_path(&px, width).map(|at| Obstacle::new(at, width, LINE)));
        let style = s.color.stroke_width(width.round() as u32);
        chart.draw_series(LineSeries::new(line, style))?;
    }
    for (s, front) in series.iter().zip(&fronts) {
        // Front options' 90 % intervals (p5–p95) as error bars.
        let ink = s.color.stroke_width(ui.px(2.0) as u32);
        for r in front {
            let (x, y) = xy(r);
            let bars = [
                r.metric_interval().map(|(lo, hi)| [(x, lo), (x, hi)]),
                r.wall_interval().map(|(lo, hi)| [(lo, y), (hi, y)]),
            ];
            for [a, b] in bars.into_iter().flatten() {
                plot.draw(&PathElement::new(vec![to_px(a), to_px(b)], ink))?;
            }
        }
    }
    for (s, front) in series.iter().zip(&fronts) {
        for r in front {
            let c = to_px(xy(r));
            draw_marker(&plot, s.shape, c, big, s.color.filled(), Some(ui.pt(2.0)))?;
            obstacles.push(Obstacle::new(c, big, MARKER));
        }
    }
    let labels: Vec<Label> = rows
        .iter()
        .filter(valid)
        .filter_map(|r| {
            let marks = overall_marks(r)?;
            Some(Label {
                at: to_px(xy(r)),
                text: format!("{marks}: {}", r.label()),
            })
        })
        .collect();
    draw_labels(&plot, &ui, &labels, &mut obstacles, big + ui.pt(5.0))?;
    root.present()
}

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
    let sub = if best.iter().any(|(_, r)| r.metric_interval().is_some()) {
        "Each search strategy at its lowest-emission option; whiskers: 90 % intervals"
    } else {
        "Each search strategy at its lowest-emission option"
    };
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
    type Interval = fn(&OptionRow) -> Option<(f64, f64)>;
    let bars = |f: fn(&OptionRow) -> f64, range: Interval| -> Vec<Option<Bar>> {
        best.iter()
            .map(|(s, r)| {
                Some(Bar {
                    value: f(r),
                    color: s.color,
                    range: range(r),
                })
            })
            .collect()
    };
    let slots = bar_panel(
        &left,
        &ui,
        &emissions_label(rows),
        &bars(OptionRow::metric_kg, OptionRow::metric_interval),
    )?;
    bar_panel(
        &right,
        &ui,
        "Device-hours (h)",
        &bars(|r| r.device_hours, |_| None),
    )?;
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
                range: None,
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
fn regions_of(rows: &[OptionRow]) -> (Option<&OptionRow>, Vec<Option<&OptionRow>>, usize) {
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

/// The width of the widest of `texts`, px.
fn widest<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    texts: &[String],
    font: &TextStyle,
) -> Drawn<i32, DB> {
    texts.iter().try_fold(0, |m, t| {
        Ok(m.max(area.estimate_text_size(t, font)?.0 as i32))
    })
}

/// What a drawing step returns on backend `DB`.
type Drawn<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// DejaVu Sans (see `data/fonts/LICENSE-DejaVu.txt`), so PNG text needs no system font.
static DEJAVU_SANS: &[u8] = include_bytes!("../../data/fonts/DejaVuSans.ttf");

/// Register the embedded font as plotters' "sans-serif", once per process.
fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is a constant of the build; a failure would show as
        // missing text in every test, not as a panic here.
        let _ = register_font("sans-serif", FontStyle::Normal, DEJAVU_SANS);
    });
}

// Okabe & Ito (2008), "Color Universal Design": distinguishable by
// colour-blind readers.
const BLUE: RGBColor = RGBColor(0, 114, 178);
const ORANGE: RGBColor = RGBColor(230, 159, 0);
const GREEN: RGBColor = RGBColor(0, 158, 115);
const VERMILLION: RGBColor = RGBColor(213, 94, 0);
const PURPLE: RGBColor = RGBColor(204, 121, 167);
const SKY: RGBColor = RGBColor(86, 180, 233);
const YELLOW: RGBColor = RGBColor(240, 228, 66);
const INK: RGBColor = RGBColor(25, 25, 25);
const GREY: RGBColor = RGBColor(90, 90, 90);

/// A marker shape, drawn as a polygon so SVG and PNG agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Circle,
    Square,
    Triangle,
    Diamond,
    TriangleDown,
}

impl Shape {
    /// The outline around `c`, of about the area of a circle of radius `r`.
    fn outline(self, c: (i32, i32), r: f64) -> Vec<(i32, i32)> {
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

/// The fixed look of the strategies co2sweep knows, so a strategy keeps
/// its colour across the charts of different scenarios.
const KNOWN: [(&str, RGBColor, Shape); 5] = [
    ("grid", BLUE, Shape::Square),
    ("random", ORANGE, Shape::Circle),
    ("hyperband", GREEN, Shape::Triangle),
    ("sobol", VERMILLION, Shape::Diamond),
    ("latin_hypercube", PURPLE, Shape::TriangleDown),
];

/// A provider's colour: fixed for the providers co2sweep knows, so charts
/// of different scenarios agree; the others take the colours left, in
/// order of appearance.
fn provider_colour(providers: &[String], name: &str) -> RGBColor {
    const KNOWN: [(&str, RGBColor); 4] = [
        ("gcp", BLUE),
        ("aws", ORANGE),
        ("azure", SKY),
        ("country", GREEN),
    ];
    if let Some(&(_, c)) = KNOWN.iter().find(|k| k.0 == name) {
        return c;
    }
    let rest = [VERMILLION, PURPLE, YELLOW, INK];
    let unknown = providers
        .iter()
        .filter(|p| !KNOWN.iter().any(|k| k.0 == p.as_str()));
    let i = unknown.take_while(|p| p.as_str() != name).count();
    rest[i % rest.len()]
}

/// The rows of one strategy, in row order.
struct Series {
    name: String,
    color: RGBColor,
    shape: Shape,
    rows: Vec<usize>,
}

impl Series {
    fn entry(&self) -> Entry {
        Entry {
            label: display(&self.name),
            color: self.color,
            shape: Some(self.shape),
        }
    }
}

/// The strategies in order of first appearance, with their look.
fn series_of(rows: &[OptionRow]) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    let mut unknown = 0;
    for (i, r) in rows.iter().enumerate() {
        if let Some(s) = out.iter_mut().find(|s| s.name == r.strategy) {
            s.rows.push(i);
            continue;
        }
        let (color, shape) = match KNOWN.iter().find(|k| k.0 == r.strategy) {
            Some(&(_, c, s)) => (c, s),
            None => {
                unknown += 1;
                let extra = [SKY, INK, YELLOW];
                (extra[(unknown - 1) % 3], KNOWN[(unknown - 1) % 5].2)
            }
        };
        out.push(Series {
            name: r.strategy.clone(),
            color,
            shape,
            rows: vec![i],
        });
    }
    out
}

/// Sizes for 1200×800, scaled to the chart.
struct Ui {
    scale: f64,
}

impl Ui {
    fn of<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>) -> Ui {
        register_fonts();
        let (w, h) = root.dim_in_pixel();
        Ui {
            scale: (f64::from(w) / 1200.0).min(f64::from(h) / 800.0).max(0.05),
        }
    }
    fn pt(&self, v: f64) -> f64 {
        v * self.scale
    }
    fn px(&self, v: f64) -> i32 {
        (v * self.scale).round().max(1.0) as i32
    }
    fn text(&self, size: f64, color: RGBColor) -> TextStyle<'static> {
        FontDesc::new(FontFamily::SansSerif, self.pt(size), FontStyle::Normal).color(&color)
    }
}

/// `style` shrunk so `text` fits in `width` pixels.
fn fitted<DB: DrawingBackend>(
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

/// One legend entry: a marker on a line for a strategy, a square for bars.
struct Entry {
    label: String,
    color: RGBColor,
    shape: Option<Shape>,
}

/// White background, title, subtitle, legend and footer; returns the body.
fn frame<DB: DrawingBackend>(
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
fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ui: &Ui,
    entries: &[Entry],
    y: i32,
    avail: i32,
) -> Drawn<i32, DB> {
    let font = ui.text(TEXT, INK);
    let (gap, sep, row_h) = (ui.px(8.0), ui.px(32.0), ui.px(34.0));
    let swatch = |e: &Entry| {
        if e.shape.is_some() {
            ui.px(44.0)
        } else {
            ui.px(22.0)
        }
    };
    let mut widths = Vec::new();
    for e in entries {
        widths.push(swatch(e) + gap + root.estimate_text_size(&e.label, &font)?.0 as i32);
    }
    let mut lines: Vec<(Vec<usize>, i32)> = vec![(Vec::new(), 0)];
    for (i, &wi) in widths.iter().enumerate() {
        let line = lines.last_mut().expect("never empty");
        if !line.0.is_empty() && line.1 + sep + wi > avail {
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
            let c = (x + swatch(e) / 2, cy);
            match e.shape {
                Some(shape) => {
                    let t = ui.px(1.5);
                    root.draw(&Rectangle::new(
                        [(x, cy - t), (x + swatch(e), cy + t)],
                        e.color.filled(),
                    ))?;
                    draw_marker(
                        root,
                        shape,
                        c,
                        ui.pt(9.5),
                        e.color.filled(),
                        Some(ui.pt(2.0)),
                    )?;
                }
                None => {
                    let s = ui.px(11.0);
                    root.draw(&Rectangle::new(
                        [(c.0 - s, cy - s), (c.0 + s, cy + s)],
                        e.color.filled(),
                    ))?;
                }
            }
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

/// A chart with nothing to show: a note in the middle of the body.
fn empty<DB: DrawingBackend>(
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
fn draw_marker<DB: DrawingBackend>(
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

/// A log axis bound moved out to a round value (1, 2, 3 or 5 times a
/// power of ten) when one is within 12%, so the axis ends on a tick.
fn snap(v: f64, up: bool) -> f64 {
    let e = 10f64.powf(v.log10().floor());
    let round = [1.0, 2.0, 3.0, 5.0, 10.0].map(|m| m * e);
    let near = if up {
        round.iter().find(|&&r| r >= v).filter(|&&r| r / v < 1.12)
    } else {
        round
            .iter()
            .rev()
            .find(|&&r| r <= v)
            .filter(|&&r| v / r < 1.12)
    };
    near.copied()
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(v)
}

/// A numeric axis, logarithmic when its data span more than a decade.
#[derive(Debug, Clone, PartialEq)]
struct Axis {
    lo: f64,
    hi: f64,
    log: bool,
}

impl Axis {
    /// An axis over the finite `values`, padded; `bars` starts it at zero
    /// and leaves room for value labels.
    fn fit(values: impl Iterator<Item = f64>, bars: bool) -> Axis {
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.filter(|v| ok(*v)) {
            (min, max) = (min.min(v), max.max(v));
        }
        if min > max {
            return Axis {
                lo: 0.0,
                hi: 1.0,
                log: false,
            };
        }
        if bars {
            let hi = if max > 0.0 { max * 1.2 } else { 1.0 };
            return Axis {
                lo: min.min(0.0) * 1.2,
                hi,
                log: false,
            };
        }
        if min > 0.0 && max / min > 10.0 {
            // At most 30 decades: wider data would make a useless chart, and
            // a ratio that overflows would make the axis infinite.
            let min = min.max(max / 1e30);
            let pad = (max / min).powf(0.07);
            let lo = if min / pad > 0.0 { min / pad } else { min };
            return Axis {
                lo: snap(lo, false),
                hi: snap(max * pad, true),
                log: true,
            };
        }
        let scale = min.abs().max(max.abs());
        let pad = if max - min > scale * 1e-9 {
            (max - min) * 0.08
        } else if scale > 0.0 {
            scale * 0.1
        } else {
            1.0
        };
        Axis {
            lo: min - pad,
            hi: max + pad,
            log: false,
        }
    }

    /// A value in axis space: its logarithm on a log axis.
    fn t(&self, v: f64) -> f64 {
        if self.log {
            v.log10()
        } else {
            v
        }
    }

    /// Linear tick step: 1, 2 or 5 times a power of ten, about six ticks.
    fn step(&self) -> f64 {
        let x = (self.hi - self.lo) / 6.0;
        if !(x > 0.0 && x.is_finite()) {
            return 1.0;
        }
        let e = 10f64.powf(x.log10().floor());
        let m = match x / e {
            f if f < 1.5 => 1.0,
            f if f < 3.0 => 2.0,
            f if f < 7.0 => 5.0,
            _ => 10.0,
        };
        m * e
    }

    /// Decades whose power of ten lies on the axis.
    fn decades(&self) -> (i32, i32) {
        (
            self.lo.log10().ceil() as i32,
            self.hi.log10().floor() as i32,
        )
    }

    /// Labelled ticks.
    fn majors(&self) -> Vec<f64> {
        let inside = |v: &f64| *v >= self.lo * (1.0 - 1e-9) && *v <= self.hi * (1.0 + 1e-9);
        if self.log {
            let (a, b) = self.decades();
            let every = ((b - a + 1) + 6) / 7;
            let mults: &[f64] = match (self.hi / self.lo).log10() {
                d if d < 1.3 => &[1.0, 2.0, 3.0, 5.0],
                d if d < 2.5 => &[1.0, 2.0, 5.0],
                _ => &[1.0],
            };
            let decades = (a - 1..=b).filter(|d| (d - a).rem_euclid(every.max(1)) == 0);
            return decades
                .flat_map(|d| mults.iter().map(move |m| m * 10f64.powi(d)))
                .filter(inside)
                .collect();
        }
        let s = self.step();
        let (a, b) = ((self.lo / s).ceil(), (self.hi / s).floor());
        if !(a.is_finite() && b.is_finite()) || b - a > 100.0 {
            return Vec::new();
        }
        (a as i64..=b as i64).map(|k| k as f64 * s).collect()
    }

    /// Unlabelled light grid lines: 2..9 of each decade on a log axis.
    fn minors(&self) -> Vec<f64> {
        let (a, b) = self.decades();
        if !self.log || b - a > 8 {
            return Vec::new();
        }
        let majors = self.majors();
        (a - 1..=b)
            .flat_map(|d| (2..10).map(move |m| f64::from(m) * 10f64.powi(d)))
            .filter(|v| *v > self.lo && *v < self.hi)
            .filter(|v| !majors.iter().any(|m| (m / v - 1.0).abs() < 1e-9))
            .collect()
    }

    /// A tick label: as many decimals as the ticks need, thousands
    /// separated, scientific when very large or small.
    fn label(&self, v: f64) -> String {
        let v = v + 0.0; // no "-0"
        if v != 0.0 && !(1e-4..1e7).contains(&v.abs()) {
            let s = format!("{v:.2e}");
            let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
            let m = m.trim_end_matches('0').trim_end_matches('.');
            return format!("{m}e{e}");
        }
        let unit = if self.log { v.abs() } else { self.step() };
        let decimals = (-unit.log10() - 1e-9).ceil().max(0.0) as usize;
        if decimals == 0 {
            thousands(v)
        } else {
            format!("{v:.decimals$}")
        }
    }
}

impl Ranged for Axis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let f = (self.t(*v) - self.t(self.lo)) / (self.t(self.hi) - self.t(self.lo));
        let f = if f.is_finite() {
            f.clamp(-2.0, 3.0)
        } else {
            0.0
        };
        limit.0 + (f * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        let points = if hint.weight().allow_light_points() {
            self.minors()
        } else {
            self.majors()
        };
        if points.len() > hint.max_num_points() {
            return Vec::new();
        }
        points
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for Axis {
    fn format_ext(&self, v: &f64) -> String {
        self.label(*v)
    }
}

/// The plotting area of `body` with labelled axes and a light grid.
fn axes<'a, DB: DrawingBackend>(
    body: &'a DrawingArea<DB, Shift>,
    ui: &Ui,
    xa: &Axis,
    ya: &Axis,
    x_desc: &str,
    y_desc: &str,
) -> Drawn<ChartContext<'a, DB, Cartesian2d<Axis, Axis>>, DB> {
    let (tick, desc) = (ui.text(TICK, INK), ui.text(AXIS, INK));
    let mut widest = 0;
    for v in ya.majors() {
        widest = widest.max(body.estimate_text_size(&ya.label(v), &tick)?.0 as i32);
    }
    let (tick_h, desc_h) = (tick.font.get_size() as i32, desc.font.get_size() as i32);
    let mut chart = ChartBuilder::on(body)
        .margin_top(ui.px(8.0))
        .margin_right(ui.px(28.0))
        .x_label_area_size(tick_h + desc_h + ui.px(30.0))
        .y_label_area_size(widest + desc_h + ui.px(34.0))
        .build_cartesian_2d(xa.clone(), ya.clone())?;
    let log = |a: &Axis, d: &str| match d.strip_suffix(')') {
        Some(head) if a.log => format!("{head}, log scale)"),
        _ => d.to_string(),
    };
    chart
        .configure_mesh()
        .x_desc(log(xa, x_desc))
        .y_desc(log(ya, y_desc))
        .x_labels(64)
        .y_labels(64)
        .label_style(tick)
        .axis_desc_style(desc)
        .bold_line_style(BLACK.mix(0.16).stroke_width(ui.px(1.0) as u32))
        .light_line_style(BLACK.mix(0.06).stroke_width(ui.px(1.0) as u32))
        .axis_style(INK.stroke_width(ui.px(2.0) as u32))
        .set_all_tick_mark_size(ui.px(7.0))
        .draw()?;
    Ok(chart)
}

/// One horizontal bar.
#[derive(Debug, Clone, Copy)]
struct Bar {
    value: f64,
    color: RGBColor,
    /// The 90 % interval (p5, p95), drawn as a whisker.
    range: Option<(f64, f64)>,
}

/// Where a bar panel put its bars: centre y of each slot in the panel's
/// pixels, top to bottom, and the slot height.
struct Slots {
    centres: Vec<i32>,
    height: i32,
}

/// Horizontal bars, first on top, each with its value at its end; `None`
/// leaves an empty slot. Category labels are the caller's.
fn bar_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ui: &Ui,
    heading: &str,
    bars: &[Option<Bar>],
) -> Drawn<Slots, DB> {
    let n = bars.len().max(1) as f64;
    let xa = Axis::fit(
        bars.iter()
            .flatten()
            .flat_map(|b| [Some(b.value), b.range.map(|r| r.1)])
            .flatten(),
        true,
    );
    let ya = Axis {
        lo: -0.5,
        hi: n - 0.5,
        log: false,
    };
    let tick = ui.text(TICK, INK);
    let style = fitted(
        area,
        heading,
        ui.text(AXIS - 2.0, INK),
        area.dim_in_pixel().0 as i32,
    )?;
    let mut chart = ChartBuilder::on(area)
        .caption(heading, style)
        .margin_top(ui.px(6.0))
        .margin_right(ui.px(20.0))
        .x_label_area_size(tick.font.get_size() as i32 + ui.px(20.0))
        .build_cartesian_2d(xa.clone(), ya.clone())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_labels(64)
        .y_labels(0)
        .label_style(tick.clone())
        .bold_line_style(BLACK.mix(0.16).stroke_width(ui.px(1.0) as u32))
        .axis_style(INK.stroke_width(ui.px(2.0) as u32))
        .set_all_tick_mark_size(ui.px(7.0))
        .draw()?;
    let coord = chart.as_coord_spec().clone();
    let plot = chart.plotting_area().strip_coord_spec();
    let base = plot.get_base_pixel();
    let px = |x: f64, y: f64| {
        let (a, b) = coord.translate(&(x, y));
        (a - base.0, b - base.1)
    };
    let y_of = |i: usize| n - 1.0 - i as f64;
    let height = (px(0.0, 0.0).1 - px(0.0, 1.0).1).abs();
    // Bars fill most of a slot, but stay slim when there are few.
    let half = if bars.len() > 12 { 0.38_f64 } else { 0.3 };
    let half = half.min(ui.pt(24.0) / f64::from(height.max(1)));
    let size = tick.font.get_size().min(f64::from(height) * 0.8) / ui.scale;
    let plot_w = plot.dim_in_pixel().0 as i32;
    for (i, bar) in bars.iter().enumerate() {
        let Some(b) = bar.filter(|b| ok(b.value)) else {
            continue;
        };
        let (x0, y0) = px(0.0, y_of(i) + half);
        let (x1, y1) = px(b.value, y_of(i) - half);
        plot.draw(&Rectangle::new(
            [(x0, y0), (x1.max(x0 + 1), y1)],
            b.color.filled(),
        ))?;
        if let Some((lo, hi)) = b.range {
            // The 90 % interval as a whisker across the bar's end.
            let cy = (y0 + y1) / 2;
            let (l, h) = (px(lo, 0.0).0, px(hi, 0.0).0);
            let (cap, ink) = ((y1 - y0).abs() / 4, INK.stroke_width(ui.px(2.0) as u32));
            plot.draw(&PathElement::new(vec![(l, cy), (h, cy)], ink))?;
            for x in [l, h] {
                plot.draw(&PathElement::new(vec![(x, cy - cap), (x, cy + cap)], ink))?;
            }
        }
        let text = num(b.value);
        let outside = ui.text(size, INK).pos(Pos::new(HPos::Left, VPos::Center));
        let w = plot.estimate_text_size(&text, &outside)?.0 as i32;
        let cy = (y0 + y1) / 2;
        let gap = ui.px(8.0);
        if x1 + gap + w <= plot_w {
            plot.draw(&Text::new(text, (x1 + gap, cy), outside))?;
        } else {
            let inside = ui
                .text(size, WHITE)
                .pos(Pos::new(HPos::Right, VPos::Center));
            plot.draw(&Text::new(text, (x1 - gap, cy), inside))?;
        }
    }
    let top = area.get_base_pixel().1;
    let centres = (0..bars.len())
        .map(|i| px(0.0, y_of(i)).1 + base.1 - top)
        .collect();
    Ok(Slots { centres, height })
}

/// A strategy's own front (`strategy_rank` 1) with finite figures, by
/// time, ties in row order.
fn front_of<'r>(
    rows: &'r [OptionRow],
    s: &Series,
    xy: impl Fn(&OptionRow) -> (f64, f64),
) -> Vec<&'r OptionRow> {
    let mut front: Vec<(usize, &OptionRow)> = s.rows.iter().map(|&i| (i, &rows[i])).collect();
    front.retain(|(_, r)| r.strategy_rank == 1 && ok(xy(r).0) && ok(xy(r).1));
    front.sort_by(|a, b| xy(a.1).0.total_cmp(&xy(b.1).0).then(a.0.cmp(&b.0)));
    front.into_iter().map(|(_, r)| r).collect()
}

/// A front as a staircase: from each point across to the next one's time,
/// then down to its emissions (points sorted by time).
fn staircase(points: impl Iterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for p in points {
        if let Some(&(_, y)) = out.last() {
            out.push((p.0, y));
        }
        out.push(p);
    }
    out
}

/// Points every `step` pixels along a path.
fn sample_path(path: &[(i32, i32)], step: f64) -> impl Iterator<Item = (i32, i32)> + '_ {
    path.windows(2).flat_map(move |w| {
        let (a, b) = (
            (f64::from(w[0].0), f64::from(w[0].1)),
            (f64::from(w[1].0), f64::from(w[1].1)),
        );
        let n = ((b.0 - a.0).hypot(b.1 - a.1) / step.max(1.0))
            .ceil()
            .min(4000.0) as usize;
        (0..=n).map(move |k| {
            let f = k as f64 / n.max(1) as f64;
            (
                (a.0 + (b.0 - a.0) * f).round() as i32,
                (a.1 + (b.1 - a.1) * f).round() as i32,
            )
        })
    })
}

/// Something a label should not cover: a disc, and what covering it costs.
#[derive(Debug, Clone, Copy)]
struct Obstacle {
    at: (i32, i32),
    r: f64,
    weight: f64,
}

impl Obstacle {
    fn new(at: (i32, i32), r: f64, weight: f64) -> Obstacle {
        Obstacle { at, r, weight }
    }
}

/// Covering a faint point costs little, a front line more, a front
/// marker or a labelled point most; moving a gap away costs about 30.
const FAINT: f64 = 150.0;
const LINE: f64 = 400.0;
const MARKER: f64 = 1000.0;
const RING: f64 = 3000.0;
/// A leader crossing another label's leader or box.
const TANGLE: f64 = 2500.0;

/// A label to place next to a point (pixels of the plotting area).
struct Label {
    at: (i32, i32),
    text: String,
}

/// A box in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
    fn within(&self, o: &Rect) -> bool {
        self.x0 >= o.x0 && self.x1 <= o.x1 && self.y0 >= o.y0 && self.y1 <= o.y1
    }
    fn grown(&self, d: f64) -> Rect {
        Rect {
            x0: self.x0 - d,
            y0: self.y0 - d,
            x1: self.x1 + d,
            y1: self.y1 + d,
        }
    }
    /// The point of the box nearest to `p`.
    fn nearest(&self, p: (f64, f64)) -> (f64, f64) {
        (p.0.clamp(self.x0, self.x1), p.1.clamp(self.y0, self.y1))
    }
    /// Does the segment `a`–`b` enter the box?
    fn cut_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let inside =
            |p: (f64, f64)| p.0 > self.x0 && p.0 < self.x1 && p.1 > self.y0 && p.1 < self.y1;
        let (tl, tr, bl, br) = (
            (self.x0, self.y0),
            (self.x1, self.y0),
            (self.x0, self.y1),
            (self.x1, self.y1),
        );
        inside(a)
            || inside(b)
            || [(tl, tr), (tr, br), (br, bl), (bl, tl)]
                .iter()
                .any(|&(c, d)| crosses(a, b, c, d))
    }
    fn hits(&self, c: (i32, i32), r: f64) -> bool {
        let c = (f64::from(c.0), f64::from(c.1));
        let n = self.nearest(c);
        (n.0 - c.0).hypot(n.1 - c.1) < r
    }
}

/// Segments `a`–`b` and `c`–`d` cross.
fn crosses(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
    let side = |p: (f64, f64), q: (f64, f64), r: (f64, f64)| {
        (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)
    };
    side(a, b, c) * side(a, b, d) < 0.0 && side(c, d, a) * side(c, d, b) < 0.0
}

/// Distance from `c` to the segment `a`–`b`.
fn distance(c: (i32, i32), a: (f64, f64), b: (f64, f64)) -> f64 {
    let c = (f64::from(c.0), f64::from(c.1));
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((c.0 - a.0) * dx + (c.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (a.0 + t * dx - c.0).hypot(a.1 + t * dy - c.1)
}

/// A placed label: its box, and its leader from the point to the box.
#[derive(Debug, Clone, Copy)]
struct Placed {
    rect: Rect,
    from: (f64, f64),
    to: (f64, f64),
}

/// Boxes of `size` around `p`, `gap` apart, nearest first, each with the
/// cost of being that far: beside the point a box starts or ends level
/// with it; above or below it may also hang to either side.
fn candidates(p: (f64, f64), size: (f64, f64), gap: f64) -> Vec<(Rect, f64)> {
    let mut out = Vec::new();
    for k in [1.0, 1.4, 2.0, 2.8, 4.0, 5.5, 7.5, 10.0, 14.0, 19.0] {
        for j in 0..24 {
            let a = f64::from(j) * std::f64::consts::TAU / 24.0;
            let q = (p.0 + a.cos() * k * gap, p.1 + a.sin() * k * gap);
            let y0 = match a.sin() {
                d if d > 0.3 => q.1,
                d if d < -0.3 => q.1 - size.1,
                _ => q.1 - size.1 / 2.0,
            };
            let x0s: &[(f64, f64)] = match a.cos() {
                d if d > 0.3 => &[(0.0, 0.0)],
                d if d < -0.3 => &[(1.0, 0.0)],
                _ => &[(0.5, 0.0), (0.1, 5.0), (0.9, 5.0)],
            };
            for &(hang, extra) in x0s {
                let x0 = q.0 - size.0 * hang;
                let rect = Rect {
                    x0,
                    y0,
                    x1: x0 + size.0,
                    y1: y0 + size.1,
                };
                out.push((rect, k * 30.0 + extra));
            }
        }
    }
    out
}

/// The best box of size `size` near `at`: inside `frame`, clear of the
/// labels already placed, its leader clear of theirs, covering as little
/// as possible, close; ties go to the first candidate, so placement is
/// deterministic.
fn place(
    at: (i32, i32),
    size: (f64, f64),
    frame: &Rect,
    obstacles: &[Obstacle],
    placed: &[Placed],
    gap: f64,
) -> Placed {
    let p = (f64::from(at.0), f64::from(at.1));
    let clear = gap / 4.0;
    let mut best: Option<(f64, Placed)> = None;
    for (rect, far) in candidates(p, size, gap) {
        if !rect.within(frame)
            || placed
                .iter()
                .any(|o| o.rect.grown(gap / 3.0).overlaps(&rect))
        {
            continue;
        }
        let to = rect.nearest(p);
        let (tl, br, bl, tr) = (
            (rect.x0, rect.y0),
            (rect.x1, rect.y1),
            (rect.x0, rect.y1),
            (rect.x1, rect.y0),
        );
        let tangled = placed.iter().any(|o| {
            crosses(p, to, o.from, o.to)
                || crosses(o.from, o.to, tl, br)
                || crosses(o.from, o.to, bl, tr)
                || o.rect.cut_by(p, to)
        });
        let covered: f64 = obstacles
            .iter()
            .filter(|o| rect.hits(o.at, o.r + clear))
            .map(|o| o.weight)
            .sum();
        // A leader across a marker hides more than one across a line.
        let crossed: f64 = obstacles
            .iter()
            .filter(|o| o.weight >= LINE && distance(o.at, p, to) < o.r + clear)
            .map(|o| o.weight / if o.weight >= MARKER { 2.0 } else { 4.0 })
            .sum();
        let cost = far + covered + crossed + if tangled { TANGLE } else { 0.0 };
        if best.is_none_or(|(c, _)| cost < c) {
            best = Some((cost, Placed { rect, from: p, to }));
        }
    }
    best.map_or_else(
        || {
            // Nowhere free: above right of the point, kept in the frame.
            let x0 = (p.0 + gap).min(frame.x1 - size.0).max(frame.x0);
            let y0 = (p.1 - gap - size.1).max(frame.y0).min(frame.y1 - size.1);
            let rect = Rect {
                x0,
                y0,
                x1: x0 + size.0,
                y1: y0 + size.1,
            };
            Placed {
                rect,
                from: p,
                to: rect.nearest(p),
            }
        },
        |(_, r)| r,
    )
}

/// Ring each labelled point, then place its label clear of the points,
/// the lines, the other labels and the frame, with a leader if far.
fn draw_labels<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    ui: &Ui,
    labels: &[Label],
    obstacles: &mut Vec<Obstacle>,
    ring: f64,
) -> Drawn<(), DB> {
    let font = ui.text(TEXT, INK);
    let (w, h) = plot.dim_in_pixel();
    let margin = ui.pt(6.0);
    let frame = Rect {
        x0: margin,
        y0: margin,
        x1: f64::from(w) - margin,
        y1: f64::from(h) - margin,
    };
    for l in labels {
        let style = INK.stroke_width(ui.px(2.0) as u32);
        plot.draw(&Circle::new(l.at, ring.round() as i32, style))?;
        obstacles.push(Obstacle::new(l.at, ring + ui.pt(2.0), RING));
    }
    let mut placed: Vec<Placed> = Vec::new();
    for l in labels {
        let (tw, _) = plot.estimate_text_size(&l.text, &font)?;
        let pad = ui.pt(6.0);
        let size = (f64::from(tw) + 2.0 * pad, font.font.get_size() * 1.25 + pad);
        let mine: Vec<Obstacle> = obstacles.iter().filter(|o| o.at != l.at).copied().collect();
        placed.push(place(l.at, size, &frame, &mine, &placed, ring + ui.pt(4.0)));
    }
    // Leaders first, so no box is crossed by a line.
    for p in &placed {
        let dist = (p.to.0 - p.from.0).hypot(p.to.1 - p.from.1);
        if dist > ring * 1.6 {
            let f = ring / dist;
            let start = (
                p.from.0 + (p.to.0 - p.from.0) * f,
                p.from.1 + (p.to.1 - p.from.1) * f,
            );
            let line = vec![
                (start.0 as i32, start.1 as i32),
                (p.to.0 as i32, p.to.1 as i32),
            ];
            plot.draw(&PathElement::new(
                line,
                GREY.stroke_width(ui.px(1.5) as u32),
            ))?;
        }
    }
    for (l, p) in labels.iter().zip(&placed) {
        let r = p.rect;
        let corners = [(r.x0 as i32, r.y0 as i32), (r.x1 as i32, r.y1 as i32)];
        plot.draw(&Rectangle::new(corners, WHITE.mix(0.85).filled()))?;
        let centre = (((r.x0 + r.x1) / 2.0) as i32, ((r.y0 + r.y1) / 2.0) as i32);
        let style = font.pos(Pos::new(HPos::Center, VPos::Center));
        plot.draw(&Text::new(l.text.as_str(), centre, style))?;
    }
    Ok(())
}

/// "Lowest emissions, knee" for a row carrying overall marks.
fn overall_marks(r: &OptionRow) -> Option<String> {
    let has = |m: &str| r.marks.split(';').any(|t| t.trim() == m);
    let names: Vec<&str> = [
        ("lowest", "lowest emissions"),
        ("fastest", "fastest"),
        ("knee", "knee"),
    ]
    .iter()
    .filter(|(m, _)| has(m))
    .map(|(_, n)| *n)
    .collect();
    Some(capital(&names.join(", "))).filter(|t| !t.is_empty())
}

/// `text` with its first letter in upper case.
fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

/// The row of `among` marked `mark`, or else its lowest-emission row.
fn lowest_of<'r>(rows: &'r [OptionRow], among: &[usize], mark: &str) -> Option<&'r OptionRow> {
    let marked = among
        .iter()
        .map(|&i| &rows[i])
        .find(|r| r.marks.split(';').any(|t| t.trim() == mark));
    marked.or_else(|| {
        among
            .iter()
            .map(|&i| &rows[i])
            .filter(|r| ok(r.metric_kg()))
            .min_by(|a, b| a.metric_kg().total_cmp(&b.metric_kg()))
    })
}

/// Distinct names in order of first appearance.
fn first_appearances<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
    }
    out
}

/// The scenario's name, the title of every chart.
fn title_of(rows: &[OptionRow]) -> String {
    rows.iter()
        .map(|r| r.scenario.trim())
        .find(|s| !s.is_empty())
        .unwrap_or("co2sweep")
        .to_string()
}

/// The emissions axis: what the ranking minimised.
fn emissions_label(rows: &[OptionRow]) -> String {
    match rows.first().map(|r| r.metric) {
        Some(Metric::Total) => "Emissions incl. embodied (kg CO2eq)".into(),
        _ => "Emissions (kg CO2eq)".into(),
    }
}

/// "59 trials · quality 95%".
fn trials_note(r: &OptionRow) -> String {
    let trials = thousands(r.trials as f64);
    if ok(r.quality) {
        format!("{trials} trials · quality {}", pct(r.quality * 100.0))
    } else {
        format!("{trials} trials")
    }
}

/// A strategy's name for people: "latin_hypercube" → "latin hypercube".
fn display(name: &str) -> String {
    name.replace('_', " ")
}

fn ok(v: f64) -> bool {
    v.is_finite()
}

/// A drawing error as this crate's error.
fn failed(name: &str, e: impl fmt::Display) -> Error {
    Error::io(
        format!("could not draw {name}"),
        std::io::Error::other(e.to_string()),
    )
}

/// Draw into an SVG document.
fn svg<F>(size: ChartSize, name: &str, draw: F) -> Result<Vec<u8>>
where
    F: FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Drawn<(), SVGBackend<'static>>,
{
    let mut text = String::new();
    {
        let root =
            SVGBackend::with_string(&mut text, (size.width, size.height)).into_drawing_area();
        draw(&root).map_err(|e| failed(name, e))?;
        root.present().map_err(|e| failed(name, e))?;
    }
    Ok(text.into_bytes())
}

/// Draw into a PNG image: at twice the size when that stays small, then
/// averaged down, which smooths the edges plotters draws without
/// anti-aliasing.
fn png<F>(size: ChartSize, name: &str, draw: F) -> Result<Vec<u8>>
where
    F: FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> Drawn<(), BitMapBackend<'static>>,
{
    let (w, h) = (size.width as usize, size.height as usize);
    let k = if w * h <= 4_000_000 { 2 } else { 1 };
    let mut big = vec![255u8; w * k * h * k * 3];
    {
        let dims = ((w * k) as u32, (h * k) as u32);
        let root = BitMapBackend::with_buffer(&mut big, dims).into_drawing_area();
        draw(&root).map_err(|e| failed(name, e))?;
        root.present().map_err(|e| failed(name, e))?;
    }
    let mut pixels = vec![0u8; w * h * 3];
    for (i, px) in pixels.iter_mut().enumerate() {
        let (x, y, c) = ((i / 3) % w, i / 3 / w, i % 3);
        let mut sum = 0usize;
        for dy in 0..k {
            for dx in 0..k {
                sum += usize::from(big[((y * k + dy) * w * k + x * k + dx) * 3 + c]);
            }
        }
        *px = ((sum + k * k / 2) / (k * k)) as u8;
    }
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, size.width, size.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| failed(name, e))?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| failed(name, e))?;
    writer.finish().map_err(|e| failed(name, e))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row with the figures the charts read; `site` is "provider:region".
    fn row(
        strategy: &str,
        hardware: &str,
        site: &str,
        hours: f64,
        kg: f64,
        strategy_rank: u32,
        marks: &str,
    ) -> OptionRow {
        let (provider, region) = site.split_once(':').unwrap();
        OptionRow {
            strategy: strategy.into(),
            hardware: hardware.into(),
            provider: provider.into(),
            region: region.into(),
            trials: if strategy == "grid" { 72 } else { 59 },
            device_hours: hours * 8.0,
            wall_hours: hours,
            energy_kwh: kg * 3.0,
            emissions_kg: kg,
            offset_kg: 0.0,
            pareto_rank: 1,
            embodied_kg: kg * 0.2,
            total_kg: kg * 1.2,
            metric: Metric::Operational,
            strategy_rank,
            configurations: 59,
            quality: if strategy == "grid" { 0.19 } else { 0.95 },
            power_watts: 300.0,
            pue: 1.1,
            intensity_g_per_kwh: 300.0,
            intensity_year: 2023,
            marks: marks.into(),
            scenario: "Test sweep".into(),
            start: String::new(),
            wait_hours: 0.0,
            meets_deadline: true,
            ..OptionRow::default()
        }
    }

    /// Two strategies, each with a three-point front and a dominated option.
    fn sweep() -> Vec<OptionRow> {
        vec![
            row(
                "grid",
                "A100 SXM4 40GB",
                "gcp:us-central1",
                6.0,
                9.0,
                1,
                "strategy-fastest",
            ),
            row(
                "grid",
                "V100 SXM2 16GB",
                "gcp:us-central1",
                7.0,
                8.0,
                1,
                "strategy-knee",
            ),
            row(
                "grid",
                "T4",
                "gcp:europe-north1",
                9.0,
                7.5,
                1,
                "strategy-lowest",
            ),
            row("grid", "T4", "aws:us-east-1", 9.2, 9.5, 2, ""),
            row(
                "random",
                "A100 SXM4 40GB",
                "gcp:us-central1",
                5.0,
                8.5,
                1,
                "fastest;strategy-fastest",
            ),
            row(
                "random",
                "V100 SXM2 16GB",
                "gcp:europe-north1",
                5.5,
                6.0,
                1,
                "knee;strategy-knee",
            ),
            row(
                "random",
                "T4",
                "gcp:europe-north1",
                7.5,
                5.0,
                1,
                "lowest;strategy-lowest",
            ),
            row("random", "T4", "aws:us-east-1", 7.6, 9.1, 2, ""),
        ]
    }

    fn svg_of(
        draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Drawn<(), SVGBackend<'static>>,
    ) -> String {
        let bytes = svg(ChartSize::default(), "test.svg", draw).unwrap();
        String::from_utf8(bytes).unwrap()
    }

    /// The text of every `<text>` element.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .map(|t| {
                t.split_once('>')
                    .unwrap()
                    .1
                    .split("</text>")
                    .next()
                    .unwrap()
                    .trim()
                    .to_string()
            })
            .collect()
    }

    /// `<tag ...>` elements carrying `attr`.
    fn count(svg: &str, tag: &str, attr: &str) -> usize {
        svg.split('<')
            .filter(|e| e.starts_with(tag) && e.contains(attr))
            .count()
    }

    #[test]
    fn chart_size_parses_and_checks_bounds() {
        assert_eq!(
            ChartSize::default(),
            ChartSize {
                width: 1200,
                height: 800
            }
        );
        assert_eq!(
            "900x600".parse::<ChartSize>().unwrap(),
            ChartSize {
                width: 900,
                height: 600
            }
        );
        assert_eq!(
            " 640X480 ".parse::<ChartSize>().unwrap(),
            ChartSize {
                width: 640,
                height: 480
            }
        );
        assert_eq!(
            "8000×200".parse::<ChartSize>().unwrap(),
            ChartSize {
                width: 8000,
                height: 200
            }
        );
        assert_eq!(ChartSize::default().to_string(), "1200x800");
        for bad in [
            "1200",
            "x800",
            "12ax800",
            "1200x800x2",
            "-5x800",
            "199x800",
            "1200x8001",
            "",
        ] {
            let err = bad.parse::<ChartSize>().unwrap_err().to_string();
            assert!(
                err.contains("expected WIDTHxHEIGHT, e.g. 1200x800"),
                "{bad}: {err}"
            );
            assert_eq!(bad.parse::<ChartSize>().unwrap_err().exit_code(), 2);
        }
    }

    #[test]
    fn pareto_has_title_axes_labels_footer_and_one_line_per_front() {
        let svg = svg_of(|a| pareto(a, &sweep()));
        let t = texts(&svg);
        for want in [
            "Test sweep",
            "Wall-clock time (h)",
            "Emissions (kg CO2eq)",
            "Fastest: A100 SXM4 40GB @ gcp:us-central1",
            "Knee: V100 SXM2 16GB @ gcp:europe-north1",
            "Lowest emissions: T4 @ gcp:europe-north1",
            "grid",
            "random",
            ATTRIBUTION,
        ] {
            assert!(t.iter().any(|s| s == want), "missing {want:?} in {t:?}");
        }
        // A strategy-knee mark is not an overall knee: three labels only.
        assert_eq!(t.iter().filter(|s| s.contains(" @ ")).count(), 3);
        // Each front is one staircase polyline in its strategy's colour:
        // three points make five vertices.
        for colour in ["#0072B2", "#E69F00"] {
            assert_eq!(
                count(&svg, "polyline", &format!("stroke=\"{colour}\"")),
                1,
                "{colour}"
            );
        }
        let front = svg
            .split('<')
            .find(|e| e.starts_with("polyline") && e.contains("#E69F00"))
            .unwrap();
        assert_eq!(
            front
                .split("points=\"")
                .nth(1)
                .unwrap()
                .split_whitespace()
                .count()
                - 1,
            5,
            "{front}"
        );
    }

    #[test]
    fn axes_turn_logarithmic_past_a_decade() {
        let mut rows = sweep();
        rows[3].wall_hours = 120.0;
        rows[7].emissions_kg = 900.0;
        let t = texts(&svg_of(|a| pareto(a, &rows)));
        assert!(
            t.iter().any(|s| s == "Wall-clock time (h, log scale)"),
            "{t:?}"
        );
        assert!(
            t.iter().any(|s| s == "Emissions (kg CO2eq, log scale)"),
            "{t:?}"
        );
        assert!(
            t.iter().any(|s| s == "100") && t.iter().any(|s| s == "10"),
            "{t:?}"
        );
        assert!(Axis::fit([1.0, 10.5].into_iter(), false).log);
        assert!(!Axis::fit([1.0, 10.0].into_iter(), false).log);
        // Zero cannot sit on a log axis: linear instead.
        assert!(!Axis::fit([0.0, 500.0].into_iter(), false).log);
        let tiny = Axis::fit([1e-300, 1.0, f64::NAN].into_iter(), false);
        assert!(tiny.log && !tiny.majors().is_empty());
        assert_eq!(tiny.label(1e-200), "1e-200");
    }

    #[test]
    fn tick_labels_round_as_the_ticks_need() {
        let lin = Axis {
            lo: 0.0,
            hi: 3.0,
            log: false,
        };
        assert_eq!(
            lin.majors()
                .iter()
                .map(|v| lin.label(*v))
                .collect::<Vec<_>>(),
            ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0"]
        );
        let big = Axis {
            lo: 0.0,
            hi: 12000.0,
            log: false,
        };
        assert_eq!(big.label(10000.0), "10,000");
        let log = Axis {
            lo: 0.04,
            hi: 3.0,
            log: true,
        };
        let labels: Vec<String> = log.majors().iter().map(|v| log.label(*v)).collect();
        assert_eq!(labels, ["0.05", "0.1", "0.2", "0.5", "1", "2"]);
    }

    #[test]
    fn strategies_annotates_trials_and_quality() {
        let t = texts(&svg_of(|a| strategies(a, &sweep())));
        for want in [
            "Test sweep",
            "grid",
            "random",
            "72 trials · quality 19%",
            "59 trials · quality 95%",
            "Emissions (kg CO2eq)",
            "Device-hours (h)",
            "7.5",
            "5",
        ] {
            assert!(t.iter().any(|s| s == want), "missing {want:?} in {t:?}");
        }
    }

    #[test]
    fn regions_keeps_the_cleanest_and_dirtiest_fifteen() {
        let mut rows: Vec<OptionRow> = (0..40)
            .map(|i| {
                row(
                    "random",
                    "T4",
                    &format!("gcp:r{i:02}"),
                    5.0,
                    40.0 - f64::from(i),
                    1,
                    "",
                )
            })
            .collect();
        rows[39].marks = "lowest".into();
        rows.push(row("grid", "T4", "aws:elsewhere", 5.0, 0.5, 1, ""));
        let t = texts(&svg_of(|a| regions(a, &rows)));
        assert!(t.iter().any(|s| s == "… 10 regions not shown …"), "{t:?}");
        // Cleanest first: r39 emits least.
        let shown: Vec<&String> = t.iter().filter(|s| s.starts_with("gcp:r")).collect();
        assert_eq!(shown.len(), 30);
        assert_eq!(
            (
                shown[0].as_str(),
                shown[14].as_str(),
                shown[15].as_str(),
                shown[29].as_str()
            ),
            ("gcp:r39", "gcp:r25", "gcp:r14", "gcp:r00")
        );
        // Only the best hardware and strategy.
        assert!(!t.iter().any(|s| s.contains("elsewhere")));
        assert!(
            t.iter()
                .any(|s| s == "Random search on T4, by region (cleanest first)"),
            "{t:?}"
        );
    }

    #[test]
    fn labels_stay_apart_and_inside_the_frame() {
        let frame = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 800.0,
            y1: 500.0,
        };
        let points = [(20, 480), (30, 470), (40, 485), (790, 10)];
        let obstacles: Vec<Obstacle> = (0..40)
            .map(|i| Obstacle {
                at: (20 + i * 5, 475),
                r: 9.5,
                weight: MARKER,
            })
            .collect();
        let mut placed: Vec<Placed> = Vec::new();
        for at in points {
            placed.push(place(at, (300.0, 30.0), &frame, &obstacles, &placed, 18.0));
        }
        for (i, a) in placed.iter().enumerate() {
            assert!(a.rect.within(&frame), "{a:?}");
            assert!(!obstacles.iter().any(|o| a.rect.hits(o.at, o.r)), "{a:?}");
            for b in &placed[i + 1..] {
                assert!(!a.rect.overlaps(&b.rect), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn render_all_gives_every_file_and_pngs_of_the_requested_size() {
        let size: ChartSize = "900x600".parse().unwrap();
        let out = render_all(&sweep(), size).unwrap();
        let names: Vec<&str> = out.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "pareto.svg",
                "pareto.png",
                "strategies.svg",
                "strategies.png",
                "regions.svg",
                "regions.png"
            ]
        );
        for o in out.iter().filter(|o| o.name.ends_with(".png")) {
            let info = png::Decoder::new(std::io::Cursor::new(&o.bytes))
                .read_info()
                .unwrap()
                .info()
                .clone();
            assert_eq!((info.width, info.height), (900, 600), "{}", o.name);
        }
        for o in out.iter().filter(|o| o.name.ends_with(".svg")) {
            let svg = String::from_utf8(o.bytes.clone()).unwrap();
            assert!(svg.contains("width=\"900\" height=\"600\""), "{}", o.name);
        }
    }

    #[test]
    fn render_all_is_deterministic_and_survives_the_csv_round_trip() {
        let rows = sweep();
        let once = render_all(&rows, ChartSize::default()).unwrap();
        let twice = render_all(&rows, ChartSize::default()).unwrap();
        assert!(once.iter().zip(&twice).all(|(a, b)| a.bytes == b.bytes));
        // `co2sweep chart` draws from rows read back from options.csv.
        let mut w = csv::Writer::from_writer(Vec::new());
        rows.iter().for_each(|r| w.serialize(r).unwrap());
        let text = w.into_inner().unwrap();
        let back: Vec<OptionRow> = csv::Reader::from_reader(text.as_slice())
            .deserialize()
            .map(Result::unwrap)
            .collect();
        assert_eq!(back, rows);
        let again = render_all(&back, ChartSize::default()).unwrap();
        assert!(once.iter().zip(&again).all(|(a, b)| a.bytes == b.bytes));
    }

    #[test]
    fn render_all_survives_empty_single_and_odd_rows() {
        let size = ChartSize {
            width: 200,
            height: 200,
        };
        assert_eq!(render_all(&[], size).unwrap().len(), 6);
        let one = [row(
            "random",
            "T4",
            "gcp:us-central1",
            2.0,
            1.0,
            1,
            "lowest;fastest;knee;strategy-lowest",
        )];
        assert_eq!(render_all(&one, ChartSize::default()).unwrap().len(), 6);
        let mut odd = sweep();
        odd[0].emissions_kg = f64::NAN;
        odd[1].wall_hours = f64::INFINITY;
        odd[2].emissions_kg = 0.0;
        odd[4].quality = f64::NAN;
        odd[5].strategy = "mystery_search".into();
        odd[6].marks = "lowest;lowest;;knee".into();
        odd.iter_mut().for_each(|r| r.scenario.clear());
        render_all(&odd, ChartSize::default()).unwrap();
        let same: Vec<OptionRow> = (0..5)
            .map(|_| row("grid", "T4", "gcp:a", 3.0, 3.0, 1, "knee"))
            .collect();
        render_all(&same, ChartSize::default()).unwrap();
        let nan: Vec<OptionRow> = (0..3)
            .map(|_| row("grid", "T4", "gcp:a", f64::NAN, f64::NAN, 1, "lowest"))
            .collect();
        let t = texts(&svg_of(|a| pareto(a, &nan)));
        assert!(t.iter().any(|s| s == "No options to chart"), "{t:?}");
    }
}
