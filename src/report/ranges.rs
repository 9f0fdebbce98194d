//! Ranges and likelihoods in words: "1.2 t CO2eq, 90 % interval 0.9–1.6 t",
//! "in 97 % of 10,000 draws", and the sensitivity line of the report.

use crate::plan::Plan;
use crate::report::{self, num, pct, thousands};
use crate::uncertainty::spread::{self, Intensity};

/// "1.2 t CO2eq, 90 % interval 0.9–1.6 t", in the unit that fits `kg`
/// ([`report::mass`]); without an interval (no draws,
/// or no spread), "1.2 t CO2eq".
pub fn mass(kg: f64, p5: Option<f64>, p95: Option<f64>) -> String {
    format!("{} CO2eq{}", report::mass(kg), mass_interval(kg, p5, p95))
}

/// ", 90 % interval 0.9–1.6 t" in the unit that fits `kg`; empty without
/// an interval.
pub fn mass_interval(kg: f64, p5: Option<f64>, p95: Option<f64>) -> String {
    let (scale, unit) = report::mass_unit(kg);
    match (p5, p95) {
        (Some(lo), Some(hi)) if lo != hi => format!(
            ", 90 % interval {}–{} {unit}",
            num(lo * scale),
            num(hi * scale)
        ),
        _ => String::new(),
    }
}

/// "5.5 h (4.1–7.2 h)": a duration and its interval in the unit that fits
/// `hours` ([`report::duration`]); the duration
/// alone without an interval.
pub fn duration(hours: f64, p5: Option<f64>, p95: Option<f64>) -> String {
    let (scale, unit) = report::duration_unit(hours);
    match (p5, p95) {
        (Some(lo), Some(hi)) if lo != hi => format!(
            "{} ({}–{} {unit})",
            report::duration(hours),
            num(lo * scale),
            num(hi * scale)
        ),
        _ => report::duration(hours),
    }
}

/// "12.3 (9.1–16.0)": a figure with its interval in the figure's unit, for tables.
pub fn cell(x: f64, p5: Option<f64>, p95: Option<f64>) -> String {
    match (p5, p95) {
        (Some(lo), Some(hi)) if lo != hi => format!("{} ({}–{})", num(x), num(lo), num(hi)),
        _ => num(x),
    }
}

/// How often a claim held: " in 97 % of 10,000 draws"; empty without draws.
pub fn in_draws(plan: &Plan, p: f64) -> String {
    let n = plan.uncertainty.draws();
    if n == 0 {
        return String::new();
    }
    format!(" in {} of {} draws", pct(p * 100.0), thousands(n as f64))
}

/// Share of draws in which option `a` emits less than option `b`.
pub fn p_less(plan: &Plan, a: usize, b: usize) -> f64 {
    plan.uncertainty.p_less(a, b)
}

/// The one-line sensitivity of the lowest-emission option: which input's
/// spread widens its range most. `None` without draws.
pub fn sensitivity(plan: &Plan) -> Option<String> {
    let i = plan.overall.lowest;
    let c = plan.uncertainty.sensitivity(i);
    let range = plan.uncertainty.ranges[i].compared_kg;
    let top = c.first()?;
    if top.range.p5 == top.range.p95 {
        return None;
    }
    let (scale, unit) = report::mass_unit(range.p50);
    let alone = |r: &crate::uncertainty::Range| {
        format!("{}–{} {unit}", num(r.p5 * scale), num(r.p95 * scale))
    };
    let rest: Vec<String> = c[1..]
        .iter()
        .filter(|x| x.range.p5 != x.range.p95)
        .take(2)
        .map(|x| format!("{} ({})", x.input.name(), alone(&x.range)))
        .collect();
    Some(format!(
        "The lowest-emission option's range ({}) comes mostly from {}: varied alone it gives {}{}.",
        alone(&range),
        top.input.name(),
        alone(&top.range),
        if rest.is_empty() {
            String::new()
        } else {
            format!("; next {}", rest.join(", then "))
        }
    ))
}

/// How the ranges are drawn, one sentence each, for the method sections.
pub fn method(plan: &Plan) -> Vec<String> {
    let n = plan.uncertainty.draws();
    if n == 0 {
        return vec!["Ranges: none drawn (draws = 0); every figure is a point estimate.".into()];
    }
    let s = &plan.scenario.uncertainty;
    let m = &plan.uncertainty.model;
    let rel = |sigma: f64| format!("×/÷ {}", num((sigma * spread::Z95).exp()));
    let intensity = match s.intensity {
        Intensity::Yearly => "each grid zone's year-to-year spread of annual life-cycle intensity, 2021–2025 \
                              (Electricity Maps via CO2.js, ODbL; sites with no known zone: the median zone, ×/÷ 1.11)"
            .to_string(),
        Intensity::Hourly => "each profiled grid zone's spread of hourly life-cycle intensity over the run window \
                              (σ of ln of the hours it touches); other zones: their year-to-year spread of annual \
                              intensity (Electricity Maps, ODbL)"
            .to_string(),
        Intensity::Relative(r) => format!("×/÷ {}", num(1.0 + r)),
    };
    let power = m.devices.first().map_or((1.0, 1.0), |d| d.power);
    vec![
        format!(
            "Ranges: {} Monte Carlo draws (seed {}) with common random numbers: a factor shared by several options \
             (a zone's intensity, a device's speed-up and power, the trial-hours error) takes the same value for all \
             of them in a draw, so comparisons are paired. Figures are the planned (point) values; intervals are the \
             5th–95th percentiles; \"in N % of draws\" is the share of draws in which a claim holds.",
            thousands(n as f64),
            plan.scenario.seed
        ),
        format!(
            "Spreads (90 % of draws within): grid intensity {intensity}; power {}–{} of the planned draw (measured \
             GPU power is 55–100 % of TDP: Zeus, NSDI 2023; Patterson et al. 2021); device speed-up {} except the \
             reference device; trial hours {}; PUE overhead {}; embodied figures {}.",
            pct(power.0 * 100.0),
            pct(power.1 * 100.0),
            rel(m.devices.iter().map(|d| d.speedup).fold(0.0, f64::max)),
            rel(m.trial_hours),
            rel(m.sites.first().map_or(0.0, |x| x.pue_sigma)),
            rel(m.devices.first().map_or(0.0, |d| d.embodied)),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_take_the_unit_of_the_figure() {
        // 0.5 kg → g: 500 g, interval 0.4 × 1000 = 400 g to 700 g.
        assert_eq!(
            mass(0.5, Some(0.4), Some(0.7)),
            "500 g CO2eq, 90 % interval 400–700 g"
        );
        // 1,234 kg → t: 1.23 t; 900 kg = 0.9 t, 1,500 kg = 1.5 t.
        assert_eq!(
            mass(1234.0, Some(900.0), Some(1500.0)),
            "1.23 t CO2eq, 90 % interval 0.9–1.5 t"
        );
        assert_eq!(mass(3.0, Some(3.0), Some(3.0)), "3 kg CO2eq");
        assert_eq!(mass(3.0, None, None), "3 kg CO2eq");
        // 0.5 h = 30 min, 0.25 h = 15 min, 0.75 h = 45 min; 96 h = 4 days.
        assert_eq!(duration(0.5, Some(0.25), Some(0.75)), "30 min (15–45 min)");
        assert_eq!(duration(96.0, Some(72.0), Some(120.0)), "4 days (3–5 days)");
        assert_eq!(duration(5.5, None, None), "5.5 h");
    }
}
