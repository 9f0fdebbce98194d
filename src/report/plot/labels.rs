//! Labels placed next to points without covering other labels, front
//! markers or lines: a small search over candidate boxes by cost.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::*;
use super::*;

/// Points every `step` pixels along a path.
pub(super) fn sample_path(path: &[(i32, i32)], step: f64) -> impl Iterator<Item = (i32, i32)> + '_ {
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
pub(super) struct Obstacle {
    pub(super) at: (i32, i32),
    pub(super) r: f64,
    pub(super) weight: f64,
}

impl Obstacle {
    pub(super) fn new(at: (i32, i32), r: f64, weight: f64) -> Obstacle {
        Obstacle { at, r, weight }
    }
}

/// Covering a faint point costs little, a front line more, a front
/// marker or a labelled point most; moving a gap away costs about 30.
pub(super) const FAINT: f64 = 150.0;
pub(super) const LINE: f64 = 400.0;
pub(super) const MARKER: f64 = 1000.0;
pub(super) const RING: f64 = 3000.0;
/// A leader crossing another label's leader or box.
pub(super) const TANGLE: f64 = 2500.0;

/// A label to place next to a point (pixels of the plotting area).
pub(super) struct Label {
    pub(super) at: (i32, i32),
    pub(super) text: String,
}

/// A box in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct LabelBox {
    pub(super) x0: f64,
    pub(super) y0: f64,
    pub(super) x1: f64,
    pub(super) y1: f64,
}

impl LabelBox {
    pub(super) fn overlaps(&self, o: &LabelBox) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
    pub(super) fn within(&self, o: &LabelBox) -> bool {
        self.x0 >= o.x0 && self.x1 <= o.x1 && self.y0 >= o.y0 && self.y1 <= o.y1
    }
    pub(super) fn grown(&self, d: f64) -> LabelBox {
        LabelBox {
            x0: self.x0 - d,
            y0: self.y0 - d,
            x1: self.x1 + d,
            y1: self.y1 + d,
        }
    }
    /// The point of the box nearest to `p`.
    pub(super) fn nearest(&self, p: (f64, f64)) -> (f64, f64) {
        (p.0.clamp(self.x0, self.x1), p.1.clamp(self.y0, self.y1))
    }
    /// Does the segment `a`–`b` enter the box?
    pub(super) fn cut_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
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
    pub(super) fn hits(&self, c: (i32, i32), r: f64) -> bool {
        let c = (f64::from(c.0), f64::from(c.1));
        let n = self.nearest(c);
        (n.0 - c.0).hypot(n.1 - c.1) < r
    }
}

/// Segments `a`–`b` and `c`–`d` cross.
pub(super) fn crosses(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
    let side = |p: (f64, f64), q: (f64, f64), r: (f64, f64)| {
        (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)
    };
    side(a, b, c) * side(a, b, d) < 0.0 && side(c, d, a) * side(c, d, b) < 0.0
}

/// Distance from `c` to the segment `a`–`b`.
pub(super) fn distance(c: (i32, i32), a: (f64, f64), b: (f64, f64)) -> f64 {
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
pub(super) struct Placed {
    pub(super) rect: LabelBox,
    pub(super) from: (f64, f64),
    pub(super) to: (f64, f64),
}

/// Boxes of `size` around `p`, `gap` apart, nearest first, each with the
/// cost of being that far: beside the point a box starts or ends level
/// with it; above or below it may also hang to either side.
pub(super) fn candidates(p: (f64, f64), size: (f64, f64), gap: f64) -> Vec<(LabelBox, f64)> {
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
                let rect = LabelBox {
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
pub(super) fn place(
    at: (i32, i32),
    size: (f64, f64),
    frame: &LabelBox,
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
            let rect = LabelBox {
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
pub(super) fn draw_labels<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    ui: &Ui,
    labels: &[Label],
    obstacles: &mut Vec<Obstacle>,
    ring: f64,
) -> Drawn<(), DB> {
    let font = ui.text(TEXT, INK);
    let (w, h) = plot.dim_in_pixel();
    let margin = ui.pt(6.0);
    let frame = LabelBox {
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
