//! Numeric axes (linear, or logarithmic past a decade) with rounded
//! ticks, and the horizontal bar panels of the bar charts.

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::report::thousands;

use super::style::*;
use super::*;

/// power of ten) when one is within 12%, so the axis ends on a tick.
pub(super) fn snap(v: f64, up: bool) -> f64 {
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
pub(super) struct Axis {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) log: bool,
}

impl Axis {
    /// An axis over the finite `values`, padded; `bars` starts it at zero
    /// and leaves room for value labels.
    pub(super) fn fit(values: impl Iterator<Item = f64>, bars: bool) -> Axis {
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
            // Bounds stay finite near f64::MAX (an infinite end made the
            // decades run to i32::MAX: a 3-row options.csv took 28 s).
            let hi = if max > 0.0 {
                (max * 1.2).min(f64::MAX)
            } else {
                1.0
            };
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
                hi: snap(max * pad, true).min(f64::MAX),
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
            lo: (min - pad).max(f64::MIN),
            hi: (max + pad).min(f64::MAX),
            log: false,
        }
    }

    /// A value in axis space: its logarithm on a log axis.
    pub(super) fn t(&self, v: f64) -> f64 {
        if self.log {
            v.log10()
        } else {
            v
        }
    }

    /// Linear tick step: 1, 2 or 5 times a power of ten, about six ticks.
    pub(super) fn step(&self) -> f64 {
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
    pub(super) fn decades(&self) -> (i32, i32) {
        // Positive finite f64s lie within 10^-324 .. 10^309: a zero or an
        // infinite end would make i32::MIN or i32::MAX, and the ticks a
        // loop over four billion decades.
        let power = |x: f64| x.clamp(-324.0, 309.0) as i32;
        (
            power(self.lo.log10().ceil()),
            power(self.hi.log10().floor()),
        )
    }

    /// Labelled ticks.
    pub(super) fn majors(&self) -> Vec<f64> {
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
    pub(super) fn minors(&self) -> Vec<f64> {
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
    pub(super) fn label(&self, v: f64) -> String {
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
pub(super) fn axes<'a, DB: DrawingBackend>(
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

/// One horizontal bar: `value` long, its first `part` solid and the rest
/// light (operational, then embodied), `text` at its end, and `range` (a
/// 90 % interval, p5–p95) drawn as a whisker.
#[derive(Debug, Clone)]
pub(super) struct Bar {
    pub(super) value: f64,
    pub(super) part: Option<f64>,
    pub(super) color: RGBColor,
    pub(super) text: String,
    pub(super) range: Option<(f64, f64)>,
}

impl Bar {
    /// A plain bar labelled with its value.
    pub(super) fn plain(value: f64, color: RGBColor, text: String) -> Bar {
        Bar {
            value,
            part: None,
            color,
            text,
            range: None,
        }
    }
}

/// Where a bar panel put its bars: centre y of each slot in the panel's
/// pixels, top to bottom.
pub(super) struct Slots {
    pub(super) centres: Vec<i32>,
}

impl Axis {
    /// The value axis of bars: from zero, or logarithmic when the bars
    /// span more than 100×, so small bars stay visible.
    pub(super) fn bars(values: &[f64]) -> Axis {
        let pos = values.iter().copied().filter(|v| ok(*v) && *v > 0.0);
        let (min, max) = pos.fold((f64::INFINITY, 0.0_f64), |(a, b), v| (a.min(v), b.max(v)));
        if min.is_finite() && max / min > 100.0 && values.iter().all(|v| !ok(*v) || *v > 0.0) {
            let min = min.max(max / 1e30);
            return Axis {
                lo: snap(min / 2.0, false),
                hi: max * 6.0,
                log: true,
            };
        }
        Axis::fit(values.iter().copied(), true)
    }
}

/// Horizontal bars, first on top, each with its text at its end; `None`
/// leaves an empty slot. Category labels are the caller's.
pub(super) fn bar_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ui: &Ui,
    heading: &str,
    bars: &[Option<Bar>],
) -> Drawn<Slots, DB> {
    let n = bars.len().max(1) as f64;
    let values: Vec<f64> = (bars.iter().flatten())
        .flat_map(|b| [Some(b.value), b.range.map(|r| r.1)])
        .flatten()
        .collect();
    let xa = Axis::bars(&values);
    let ya = Axis {
        lo: -0.5,
        hi: n - 0.5,
        log: false,
    };
    let heading = match heading.strip_suffix(')') {
        Some(head) if xa.log => format!("{head}, log scale)"),
        _ => heading.to_string(),
    };
    let tick = ui.text(TICK, INK);
    let width = area.dim_in_pixel().0 as i32;
    let style = fitted(area, &heading, ui.text(AXIS - 2.0, INK), width)?;
    let mut chart = ChartBuilder::on(area)
        .caption(&heading, style)
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
        .light_line_style(BLACK.mix(0.05).stroke_width(ui.px(1.0) as u32))
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
    for (i, bar) in bars.iter().enumerate() {
        let Some(b) = bar.as_ref().filter(|b| ok(b.value)) else {
            continue;
        };
        let (x0, y0) = px(0.0, y_of(i) + half);
        let (x1, y1) = px(b.value, y_of(i) - half);
        let split = b.part.filter(|p| ok(*p)).map(|p| px(p, 0.0).0);
        let whisker = (b.range)
            .filter(|&(lo, hi)| ok(lo) && ok(hi) && (!xa.log || lo > 0.0))
            .map(|(lo, hi)| (px(lo, 0.0).0, px(hi, 0.0).0));
        draw_bar(&plot, ui, b, [(x0, y0), (x1, y1)], split, whisker, size)?;
    }
    let top = area.get_base_pixel().1;
    let centres = (0..bars.len())
        .map(|i| px(0.0, y_of(i)).1 + base.1 - top)
        .collect();
    Ok(Slots { centres })
}

/// A 90 % interval from `l` to `h` (pixels) at height `cy`, with caps
/// `cap` px each side.
fn draw_whisker<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    ui: &Ui,
    (l, h): (i32, i32),
    cy: i32,
    cap: i32,
) -> Drawn<(), DB> {
    let ink = INK.stroke_width(ui.px(2.0) as u32);
    plot.draw(&PathElement::new(vec![(l, cy), (h, cy)], ink))?;
    for x in [l, h] {
        plot.draw(&PathElement::new(vec![(x, cy - cap), (x, cy + cap)], ink))?;
    }
    Ok(())
}

/// One bar in `corners` (pixels), solid up to `split` and light after it,
/// its `whisker` (from, to px) across, with its text outside its end (and
/// the whisker's), or inside when there is no room.
fn draw_bar<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    ui: &Ui,
    b: &Bar,
    corners: [(i32, i32); 2],
    split: Option<i32>,
    whisker: Option<(i32, i32)>,
    size: f64,
) -> Drawn<(), DB> {
    let [(x0, y0), (x1, y1)] = corners;
    let x1 = x1.max(x0 + ui.px(2.0));
    let mid = split.map_or(x1, |s| s.clamp(x0, x1));
    plot.draw(&Rectangle::new(
        [(x0, y0), (mid.max(x0 + 1), y1)],
        b.color.filled(),
    ))?;
    if mid < x1 {
        plot.draw(&Rectangle::new(
            [(mid, y0), (x1, y1)],
            b.color.mix(0.4).filled(),
        ))?;
        plot.draw(&Rectangle::new(
            [(mid, y0), (x1, y1)],
            b.color.stroke_width(1),
        ))?;
    }
    let cy = (y0 + y1) / 2;
    if let Some(span) = whisker {
        draw_whisker(plot, ui, span, cy, (y1 - y0).abs() / 4)?;
    }
    let end = whisker.map_or(x1, |(_, h)| h.max(x1));
    let outside = ui.text(size, INK).pos(Pos::new(HPos::Left, VPos::Center));
    let w = plot.estimate_text_size(&b.text, &outside)?.0 as i32;
    let gap = ui.px(8.0);
    if end + gap + w <= plot.dim_in_pixel().0 as i32 {
        plot.draw(&Text::new(b.text.as_str(), (end + gap, cy), outside))
    } else if x1 - x0 >= w + 2 * gap && whisker.is_none() {
        let ink = if mid < x1 { INK } else { WHITE };
        let inside = ui.text(size, ink).pos(Pos::new(HPos::Right, VPos::Center));
        plot.draw(&Text::new(b.text.as_str(), (x1 - gap, cy), inside))
    } else {
        // No room beside the bar, and inside it the text would run over the
        // axis or the whisker: under the bar, from its start.
        let below = ui.text(size, INK).pos(Pos::new(HPos::Left, VPos::Top));
        let y = y0.max(y1) + ui.px(3.0);
        plot.draw(&Text::new(b.text.as_str(), (x0, y), below))
    }
}
