//! The Pareto chart: emissions against wall-clock time, every option.
//!
//! Colour is the strategy, marker shape the device (both in the legend),
//! so the vertical stripes many regions make (one per device × strategy)
//! can be told apart. Dominated options are small and faded; the overall
//! front is drawn as a black staircase over full-colour markers, and its
//! options are labelled (up to [`MAX_LABELS`], the marked ones first).

use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;

use crate::error::Result;
use crate::report::summary::OptionRow;

use super::axes::*;
use super::labels::*;
use super::style::*;
use super::Drawn;

/// The front's line: near black, apart from the axes' ink.
pub(super) const FRONT: RGBColor = RGBColor(20, 20, 20);

/// Most front options labelled by name; the rest are drawn, not named.
pub(super) const MAX_LABELS: usize = 8;

/// Emissions against wall-clock time: dominated options faint, the overall
/// front as a staircase, its options labelled.
pub fn pareto<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    rows: &[OptionRow],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let ui = Ui::of(root);
    let looks = Looks {
        series: series_of(rows),
        devices: devices_of(rows),
    };
    let valid = |r: &&OptionRow| ok(xy(r).0) && ok(xy(r).1);
    let front = front_of(rows, xy);
    let labelled = labelled(&front);
    let mut sub = subtitle(front.len(), labelled.len());
    if front
        .iter()
        .any(|r| r.metric_interval().is_some() || r.wall_interval().is_some())
    {
        sub.push_str("; bars: 90 % intervals");
    }
    let legend = legend(&looks.series, &looks.devices);
    let body = frame(root, &ui, &title_of(rows), &sub, &legend)?;
    let finite: Vec<(f64, f64)> = rows.iter().filter(valid).map(xy).collect();
    if finite.is_empty() {
        return empty(root, &body, &ui, "No options to chart");
    }
    let (xa, ya) = fit_axes(&finite, &front);
    let (xd, yd) = ("Wall-clock time (h)", emissions_label(rows));
    let mut chart = axes(&body, &ui, &xa, &ya, xd, &yd)?;
    let plot = chart.plotting_area().strip_coord_spec();
    let base = plot.get_base_pixel();
    let coord = chart.as_coord_spec().clone();
    let to_px = |p: (f64, f64)| {
        let (x, y) = coord.translate(&p);
        (x - base.0, y - base.1)
    };
    let (small, big, width) = (ui.pt(4.5), ui.pt(9.5), ui.pt(3.0));
    let mut obstacles = Vec::new();
    for r in rows.iter().filter(valid).filter(|r| r.pareto_rank != 1) {
        let (colour, shape, hollow) = looks.of(r);
        let c = to_px(xy(r));
        let alpha = if hollow { 0.5 } else { 0.22 };
        draw_marker(&plot, shape, c, small, colour.mix(alpha).filled(), None)?;
        obstacles.push(Obstacle::new(c, small, FAINT));
    }
    if front.len() > 1 {
        let line = staircase(front.iter().map(|r| xy(r)));
        let px: Vec<(i32, i32)> = line.iter().map(|&p| to_px(p)).collect();
        obstacles.extend(sample_path(&px, width).map(|at| Obstacle::new(at, width, LINE)));
        chart.draw_series(LineSeries::new(
            line,
            FRONT.stroke_width(width.round() as u32),
        ))?;
    }
    draw_front(&plot, &ui, &front, &looks, &to_px, &mut obstacles)?;
    let labels: Vec<Label> = labelled
        .iter()
        .map(|r| Label {
            at: to_px(xy(r)),
            text: label_text(r),
        })
        .collect();
    draw_labels(&plot, &ui, &labels, &mut obstacles, big + ui.pt(5.0))?;
    root.present()
}

/// Where an option is drawn: (wall-clock hours, ranked kg).
fn xy(r: &OptionRow) -> (f64, f64) {
    (r.wall_hours, r.metric_kg())
}

/// The axes, fitted to every finite point and the front's error bars.
fn fit_axes(finite: &[(f64, f64)], front: &[&OptionRow]) -> (Axis, Axis) {
    let xs = (front.iter().filter_map(|r| r.wall_interval())).flat_map(|(a, b)| [a, b]);
    let ys = (front.iter().filter_map(|r| r.metric_interval())).flat_map(|(a, b)| [a, b]);
    let xa = Axis::fit(
        finite.iter().map(|p| p.0).chain(xs.filter(|v| ok(*v))),
        false,
    );
    let ya = Axis::fit(
        finite.iter().map(|p| p.1).chain(ys.filter(|v| ok(*v))),
        false,
    );
    (xa, ya)
}

/// How options look: colour by strategy, marker shape by device.
struct Looks {
    series: Vec<Series>,
    devices: Vec<(String, Shape, bool)>,
}

impl Looks {
    /// An option's colour, marker shape and whether the marker is hollow.
    fn of(&self, r: &OptionRow) -> (RGBColor, Shape, bool) {
        let colour = self
            .series
            .iter()
            .find(|s| s.name == r.strategy)
            .map_or(INK, |s| s.color);
        let (shape, hollow) = self
            .devices
            .iter()
            .find(|d| d.0 == r.hardware)
            .map_or((Shape::Circle, false), |d| (d.1, d.2));
        (colour, shape, hollow)
    }
}

/// The front options: their 90 % intervals (p5–p95) as error bars, then
/// their markers over the bars, each marker an obstacle for the labels.
fn draw_front<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    ui: &Ui,
    front: &[&OptionRow],
    looks: &Looks,
    to_px: &dyn Fn((f64, f64)) -> (i32, i32),
    obstacles: &mut Vec<Obstacle>,
) -> Drawn<(), DB> {
    for r in front {
        let (x, y) = xy(r);
        let ink = looks.of(r).0.stroke_width(ui.px(2.0) as u32);
        let bars = [
            r.metric_interval().map(|(lo, hi)| [(x, lo), (x, hi)]),
            r.wall_interval().map(|(lo, hi)| [(lo, y), (hi, y)]),
        ];
        for [a, b] in bars.into_iter().flatten() {
            plot.draw(&PathElement::new(vec![to_px(a), to_px(b)], ink))?;
        }
    }
    let big = ui.pt(9.5);
    for r in front {
        let (colour, shape, hollow) = looks.of(r);
        let c = to_px(xy(r));
        draw_marker(plot, shape, c, big, colour.filled(), Some(ui.pt(2.0)))?;
        if hollow {
            draw_marker(plot, shape, c, big * 0.5, WHITE.filled(), None)?;
        }
        obstacles.push(Obstacle::new(c, big, MARKER));
    }
    Ok(())
}

/// The legend: strategies by colour, then devices by shape, then the front.
fn legend(series: &[Series], devices: &[(String, Shape, bool)]) -> Vec<Entry> {
    let heading = |label: &str| Entry {
        label: label.to_string(),
        color: GREY,
        swatch: Swatch::Heading,
    };
    let mut out = vec![heading("Strategy")];
    out.extend(capped(series.iter().map(Series::entry)));
    out.push(heading("Device"));
    out.extend(capped(devices.iter().map(|(d, shape, hollow)| Entry {
        label: d.clone(),
        color: GREY,
        swatch: Swatch::Marker(*shape, *hollow),
    })));
    out.push(Entry {
        label: "Pareto front".into(),
        color: FRONT,
        swatch: Swatch::Line,
    });
    out
}

/// What the chart draws, and nothing more.
pub(super) fn subtitle(front: usize, labelled: usize) -> String {
    let named = if labelled == front {
        "each labelled".to_string()
    } else {
        format!("{labelled} labelled")
    };
    match front {
        0 => "Each point is one option".to_string(),
        1 => "Each point is one option; the ringed one is both fastest and lowest, faded ones are dominated".to_string(),
        n => format!("Each point is one option; black line: the Pareto front ({n} options, {named}); faded: dominated (lower left is better)"),
    }
}

/// The overall front (`pareto_rank` 1) with finite figures, by time, ties
/// in row order.
pub(super) fn front_of(
    rows: &[OptionRow],
    xy: impl Fn(&OptionRow) -> (f64, f64),
) -> Vec<&OptionRow> {
    let mut front: Vec<(usize, &OptionRow)> = rows.iter().enumerate().collect();
    front.retain(|(_, r)| r.pareto_rank == 1 && ok(xy(r).0) && ok(xy(r).1));
    front.sort_by(|a, b| xy(a.1).0.total_cmp(&xy(b.1).0).then(a.0.cmp(&b.0)));
    front.into_iter().map(|(_, r)| r).collect()
}

/// The front options to name: all when few, else the marked ones and
/// others evenly spread along the front, [`MAX_LABELS`] in all, by time.
pub(super) fn labelled<'r>(front: &[&'r OptionRow]) -> Vec<&'r OptionRow> {
    if front.len() <= MAX_LABELS {
        return front.to_vec();
    }
    let marked = |r: &OptionRow| overall_marks(r).is_some();
    let mut keep: Vec<usize> = (0..front.len()).filter(|&i| marked(front[i])).collect();
    let n = front.len();
    let spread = (0..MAX_LABELS).map(|k| k * (n - 1) / (MAX_LABELS - 1));
    for i in spread.chain(0..n) {
        if keep.len() < MAX_LABELS && !keep.contains(&i) {
            keep.push(i);
        }
    }
    keep.sort_unstable();
    keep.truncate(MAX_LABELS);
    keep.into_iter().map(|i| front[i]).collect()
}

/// "Knee: T4 @ gcp:europe-west9 (random)", or without the mark.
fn label_text(r: &OptionRow) -> String {
    let what = format!("{} ({})", r.label(), display(&r.strategy));
    match overall_marks(r) {
        Some(m) => format!("{m}: {what}"),
        None => what,
    }
}

/// A front as a staircase: from each point across to the next one's time,
/// then down to its emissions (points sorted by time).
pub(super) fn staircase(points: impl Iterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for p in points {
        if let Some(&(_, y)) = out.last() {
            out.push((p.0, y));
        }
        out.push(p);
    }
    out
}
