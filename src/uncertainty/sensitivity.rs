//! Sensitivity: which input's spread contributes most to an option's range.
//!
//! One input at a time: the option's compared emissions are redrawn with
//! only that input's factor varying (every other factor at 1), on the same
//! draws as the full run, and the inputs are ordered by the width of the
//! resulting 90 % interval (p95 − p5), widest first.

use super::draws::Factor;
use super::quantiles::{percentiles, Range};
use super::{Compare, Factors, Point};

/// An input of the plan whose spread is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The trial-hours estimate.
    TrialHours,
    /// The device's speed-up over the reference device.
    Speedup,
    /// The device's real power draw.
    Power,
    /// The site's PUE.
    Pue,
    /// The grid zone's intensity.
    Intensity,
    /// The device's embodied figure.
    Embodied,
}

impl Input {
    /// The input as the report names it.
    pub fn name(self) -> &'static str {
        match self {
            Input::TrialHours => "trial hours",
            Input::Speedup => "device speed-up",
            Input::Power => "power draw",
            Input::Pue => "PUE",
            Input::Intensity => "grid intensity",
            Input::Embodied => "embodied figures",
        }
    }
}

/// One input's share of an option's range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contribution {
    /// The input.
    pub input: Input,
    /// The option's compared emissions with only this input varying, kg CO2eq.
    pub range: Range,
}

/// Every input's one-at-a-time range for `point`, widest first (ties in
/// the order of [`Input`]). Without draws, empty.
pub fn contributions(point: &Point, f: &Factors, compare: Compare) -> Vec<Contribution> {
    if f.draws == 0 {
        return Vec::new();
    }
    let (h, r) = (point.hardware, point.site);
    let embodied = match compare {
        Compare::Operational => 0.0,
        Compare::Total => point.embodied_kg,
    };
    let em = point.emissions_kg;
    let (speedup, power, embodied_raw) = f.device_factors(h);
    let (pue, intensity) = f.site_factors(r);
    // Per input: the factor on the operational and on the embodied part
    // (none: 1 in every draw).
    let mut inputs = vec![
        (Input::TrialHours, Some(f.trial()), Some(f.trial())),
        (Input::Speedup, Some(speedup), Some(speedup)),
        (Input::Power, Some(power), None),
        (Input::Pue, Some(pue), None),
        (Input::Intensity, Some(intensity), None),
    ];
    if compare == Compare::Total {
        inputs.push((Input::Embodied, None, Some(embodied_raw)));
    }
    let n = f.draws;
    let (mut op, mut emb, mut buf) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let draws = |factor: Option<Factor>, out: &mut [f64]| match factor {
        Some(x) => f.fill(x, 0, out),
        None => out.fill(1.0),
    };
    let mut out: Vec<Contribution> = inputs
        .into_iter()
        .map(|(input, on_operational, on_embodied)| {
            draws(on_operational, &mut op);
            draws(on_embodied, &mut emb);
            for (d, x) in buf.iter_mut().enumerate() {
                *x = em * op[d] + embodied * emb[d];
            }
            Contribution {
                input,
                range: percentiles(&mut buf),
            }
        })
        .collect();
    // Stable: equal widths keep the order above.
    out.sort_by(|a, b| (b.range.p95 - b.range.p5).total_cmp(&(a.range.p95 - a.range.p5)));
    out
}
