//! The terminal report of a plan: strategies, the front, the best options,
//! and the findings.

use std::fmt::Write as _;

use crate::plan::Metric;
use crate::report::summary::{OptionRow, Summary};
use crate::report::table::render;
use crate::report::{num, pct, ranges, thousands};

/// Most front rows shown in the terminal; files hold them all.
pub const FRONT_ROWS: usize = 12;

/// The plan as readable text.
pub fn plan(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} (seed {})", s.scenario, s.seed);
    let _ = writeln!(
        out,
        "{} strategies × {} devices × {} sites = {} options, on {} concurrent devices\n",
        s.strategies.len(),
        s.hardware_candidates,
        s.site_candidates,
        thousands(s.options_evaluated as f64),
        s.max_concurrent_devices
    );

    let q = pct(s.top_fraction * 100.0);
    let rows: Vec<Vec<String>> = s.strategies.iter().map(|st| st.cells()).collect();
    let quality = format!("P(top {q})");
    let _ = writeln!(out, "Strategies, each at its lowest-emission option");
    out.push_str(&render(
        &[
            "strategy",
            "trials",
            &quality,
            "option",
            "wall h",
            "kWh",
            "kg CO2eq",
            "+ embodied kg",
        ],
        &rows,
        &[1, 2, 4, 5, 6, 7],
    ));

    let ranked = match s.metric {
        Metric::Operational => "operational emissions",
        Metric::Total => "total (operational + embodied) emissions",
    };
    let _ = writeln!(
        out,
        "\nPareto front: wall-clock hours vs {ranked} ({} options)",
        s.front.len()
    );
    let shown: Vec<Vec<String>> = s.front.iter().take(FRONT_ROWS).map(front_row).collect();
    out.push_str(&render(
        &[
            "wall h", "kg CO2eq", "total kg", "kWh", "strategy", "option", "mark",
        ],
        &shown,
        &[0, 1, 2, 3],
    ));
    if s.front.len() > FRONT_ROWS {
        let _ = writeln!(
            out,
            "… and {} more on the front (see front.csv with --out)",
            s.front.len() - FRONT_ROWS
        );
    }

    let _ = writeln!(out, "\nBest options");
    for (what, r) in [
        ("lowest emissions", Some(&s.overall.lowest_emissions)),
        ("fastest", Some(&s.overall.fastest)),
        ("balanced (knee)", s.overall.knee.as_ref()),
    ] {
        let Some(r) = r else {
            let _ = writeln!(
                out,
                "  {what:<17} none: the front has fewer than three points"
            );
            continue;
        };
        let _ = writeln!(
            out,
            "  {what:<17} {} search on {}: {} h, {} kWh, {}",
            r.strategy,
            r.label(),
            ranges::cell(r.wall_hours, r.wall_hours_p5, r.wall_hours_p95),
            ranges::cell(r.energy_kwh, r.energy_kwh_p5, r.energy_kwh_p95),
            ranges::mass(r.emissions_kg, r.emissions_kg_p5, r.emissions_kg_p95)
        );
    }
    out.push_str(&crate::report::devices::text(s));
    if s.uncertainty.draws > 0 {
        let _ = writeln!(
            out,
            "  (h and kWh: planned figure (5th–95th percentile over {} draws))",
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
    out
}

fn front_row(r: &OptionRow) -> Vec<String> {
    let marks: Vec<&str> = r
        .marks
        .split(';')
        .filter(|m| !m.is_empty() && !m.starts_with("strategy-"))
        .collect();
    vec![
        num(r.wall_hours),
        ranges::cell(r.emissions_kg, r.emissions_kg_p5, r.emissions_kg_p95),
        num(r.total_kg),
        num(r.energy_kwh),
        r.strategy.clone(),
        r.label(),
        marks.join(", "),
    ]
}
