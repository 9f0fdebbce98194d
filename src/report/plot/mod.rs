//! Charts of a plan, as SVG and PNG, drawn from the option rows alone.
//!
//! `plan --out` draws them from its rows and `co2sweep chart` from the rows
//! read back from `options.csv`, so both give the same bytes: every chart is
//! a pure function of the rows and the size. Nothing here reads the clock,
//! the system fonts or the file system: PNG text is drawn with DejaVu Sans,
//! embedded in the binary, and PNGs are encoded in memory.
//!
//! Each chart is a short function generic over the plotters backend, so
//! tests render SVG into a `String`: `pareto`, `strategies` and `regions`
//! each have a file; `axes`, `labels` and `style` hold what they share.
//! Colours are the Okabe–Ito palette, safe for colour-blind readers; on the
//! Pareto chart each device has its own marker shape. Sizes are given for
//! 1200×800 and scale with the chart.

mod axes;
mod labels;
mod pareto;
mod regions;
mod strategies;
mod style;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::report::files::Output;
use crate::report::summary::OptionRow;

pub use pareto::pareto;
pub use regions::regions;
pub use strategies::strategies;

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
    let mut files = Vec::with_capacity(2 * Chart::ALL.len());
    for chart in Chart::ALL {
        let (svg_name, png_name) = (
            format!("{}.svg", chart.name()),
            format!("{}.png", chart.name()),
        );
        let bytes = svg(size, &svg_name, |a| chart.draw(a, rows))?;
        files.push(Output {
            name: svg_name,
            bytes,
        });
        let bytes = png(size, &png_name, |a| chart.draw(a, rows))?;
        files.push(Output {
            name: png_name,
            bytes,
        });
    }
    Ok(files)
}

/// The three charts, each drawn on any backend.
#[derive(Debug, Clone, Copy)]
enum Chart {
    Pareto,
    Strategies,
    Regions,
}

impl Chart {
    /// The charts in the order their files are written.
    const ALL: [Chart; 3] = [Chart::Pareto, Chart::Strategies, Chart::Regions];

    /// The chart's file name without extension.
    fn name(self) -> &'static str {
        match self {
            Chart::Pareto => "pareto",
            Chart::Strategies => "strategies",
            Chart::Regions => "regions",
        }
    }

    /// Draw the chart of `rows` on `area`.
    fn draw<DB: DrawingBackend>(
        self,
        area: &DrawingArea<DB, Shift>,
        rows: &[OptionRow],
    ) -> Drawn<(), DB> {
        match self {
            Chart::Pareto => pareto(area, rows),
            Chart::Strategies => strategies(area, rows),
            Chart::Regions => regions(area, rows),
        }
    }
}

/// What a drawing step returns on backend `DB`.
pub(super) type Drawn<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

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
