//! The terminal report of a plan: strategies, the front, the best options,
//! and the findings.

use std::fmt::Write as _;

use crate::plan::Metric;
use crate::report::marks::Mark;
use crate::report::summary::{OptionRow, Summary};
use crate::report::table::render;
use crate::report::{count, duration, num, pct, ranges, thousands, timing};

/// Most front rows shown in the terminal; files hold them all.
pub const FRONT_ROWS: usize = 12;

/// The plan as readable text.
pub fn plan(s: &Summary) -> String {
    let mut out = String::new();
    header(&mut out, s);
    strategies(&mut out, s);
    front(&mut out, s);
    best(&mut out, s);
    out
}

/// The strategies table: each strategy at its lowest-emission option.
fn strategies(out: &mut String, s: &Summary) {
    let q = pct(s.top_fraction * 100.0);
    let mut rows: Vec<Vec<String>> = s.strategies.iter().map(|st| st.cells()).collect();
    let quality = format!("P(top {q})");
    let _ = writeln!(out, "Strategies, each at its lowest-emission option");
    let mut headers = vec![
        "strategy",
        "trials",
        &quality,
        "option",
        "wall h",
        "kWh",
        "operational kg",
        "embodied kg",
        "total kg",
    ];
    let best: Vec<_> = s
        .strategies
        .iter()
        .map(|st| &st.best.lowest_emissions)
        .collect();
    timing::append(&mut headers, &mut rows, &best, ["start (UTC)", "wait"]);
    out.push_str(&render(&headers, &rows, &[1, 2, 4, 5, 6, 7, 8]));
}

/// The Pareto front, its first [`FRONT_ROWS`] rows.
fn front(out: &mut String, s: &Summary) {
    let ranked = match s.metric {
        Metric::Operational => "operational emissions",
        Metric::Total => "total (operational + embodied) emissions",
    };
    let _ = writeln!(
        out,
        "\nPareto front: wall-clock hours vs {ranked} ({})",
        count(s.front.len() as u64, "option")
    );
    let timed = s.front.iter().any(|r| !r.start.is_empty());
    let shown: Vec<Vec<String>> = (s.front.iter().take(FRONT_ROWS))
        .map(|r| front_row(r, timed))
        .collect();
    let mut headers = vec![
        "wall h", "kg CO2eq", "total kg", "kWh", "strategy", "option", "mark",
    ];
    if timed {
        headers.extend(["start (UTC)", "wait"]);
    }
    out.push_str(&render(&headers, &shown, &[0, 1, 2, 3]));
    if s.front.len() > FRONT_ROWS {
        let _ = writeln!(
            out,
            "… and {} more on the front (see front.csv with --out)",
            s.front.len() - FRONT_ROWS
        );
    }
}

/// The best options, the devices, the uncertainty notes and the findings.
fn best(out: &mut String, s: &Summary) {
    let _ = writeln!(out, "\nBest options");
    for (what, r) in best_options(s) {
        let _ = writeln!(
            out,
            "  {what}: {} search on {}: {}",
            r.strategy,
            r.label(),
            figures(r, s.metric)
        );
    }
    if s.overall.knee.is_none() {
        let _ = writeln!(out, "  balanced (knee): {NO_KNEE}");
    }
    out.push_str(&crate::report::devices::text(s));
    if s.uncertainty.draws > 0 {
        let _ = writeln!(
            out,
            "  (times and kWh: planned figure (5th–95th percentile over {} draws))",
            thousands(s.uncertainty.draws as f64)
        );
    }
    if let Some(line) = &s.uncertainty.sensitivity_line {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out, "\nFindings");
    for f in &s.findings {
        let _ = writeln!(out, "  • {f}");
    }
}

/// Title, counts, calibration and the definitions of the words used.
fn header(out: &mut String, s: &Summary) {
    let _ = writeln!(out, "{} (seed {})", s.scenario, s.seed);
    let _ = writeln!(
        out,
        "{} × {} × {} = {}, on {} concurrent devices",
        count(s.strategies.len() as u64, "strategy").replace("strategys", "strategies"),
        count(s.hardware_candidates as u64, "device"),
        count(s.site_candidates as u64, "region"),
        count(s.options_evaluated as u64, "option"),
        s.max_concurrent_devices
    );
    if s.method
        .iter()
        .any(|m| m.starts_with("Trial cost calibrated"))
    {
        let _ = writeln!(
            out,
            "Calibrated: trial runtime and power come from a measured pilot run (see the method in report.md)"
        );
    }
    for (term, meaning) in crate::report::html::DEFINITIONS {
        let _ = writeln!(out, "  {term}: {meaning}");
    }
    let _ = writeln!(out);
}

/// What the reports say when the front is too short for a knee.
pub const NO_KNEE: &str = "none: the front has fewer than three points";

/// The overall best options, one line each: an option that is both the
/// knee and the fastest (say) is named once, with both roles. No knee
/// (fronts of fewer than three points) gives no line.
pub fn best_options(s: &Summary) -> Vec<(String, &OptionRow)> {
    let mut out: Vec<(String, &OptionRow)> = Vec::new();
    for (what, r) in [
        ("lowest emissions", Some(&s.overall.lowest_emissions)),
        ("fastest", Some(&s.overall.fastest)),
        ("balanced (knee)", s.overall.knee.as_ref()),
    ] {
        let Some(r) = r else { continue };
        match out.iter_mut().find(|(_, o)| *o == r) {
            Some(entry) => entry.0 = format!("{}, {what}", entry.0),
            None => out.push((what.to_string(), r)),
        }
    }
    out
}

/// "5.5 h (4.1–7.2 h), 12 kWh, 3.2 kg CO2eq, 90 % interval 2.1–4.5 kg,
/// 34.1 kg with embodied": ranges where drawn; the total is given with
/// `--metric total` and wherever embodied exceed operational; a delayed
/// start is stated.
pub fn figures(r: &OptionRow, metric: Metric) -> String {
    let mut text = format!(
        "{}, {} kWh, {}",
        ranges::duration(r.wall_hours, r.wall_hours_p5, r.wall_hours_p95),
        ranges::cell(r.energy_kwh, r.energy_kwh_p5, r.energy_kwh_p95),
        ranges::mass(r.emissions_kg, r.emissions_kg_p5, r.emissions_kg_p95)
    );
    if metric == Metric::Total || r.embodied_kg > r.emissions_kg {
        let _ = write!(text, ", {} with embodied", crate::report::mass(r.total_kg));
    }
    if !r.start.is_empty() {
        let _ = write!(
            text,
            ", starting {} after a {} wait",
            r.start,
            duration(r.wait_hours)
        );
    }
    text
}

fn front_row(r: &OptionRow, timed: bool) -> Vec<String> {
    let marks: Vec<&str> = r.marks.overall().map(Mark::name).collect();
    let mut row = vec![
        num(r.wall_hours),
        ranges::cell(r.emissions_kg, r.emissions_kg_p5, r.emissions_kg_p95),
        num(r.total_kg),
        num(r.energy_kwh),
        r.strategy.clone(),
        r.label(),
        marks.join(", "),
    ];
    if timed {
        row.extend([r.start.clone(), duration(r.wait_hours)]);
    }
    row
}
