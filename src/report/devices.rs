//! The device section of the terminal report: workload, how each marked
//! option's speed-up is known, its price, and what was left out.

use std::fmt::Write as _;

use crate::report::num;
use crate::report::summary::{OptionRow, Summary};

/// The section as text (ends with a newline).
pub fn text(s: &Summary) -> String {
    let mut out = String::new();
    let names: Vec<&str> = s.objectives.iter().map(|o| o.name()).collect();
    let _ = writeln!(
        out,
        "\nDevices (workload {}; Pareto ranks on {})",
        s.workload,
        names.join(", ")
    );
    for (what, r) in [
        ("lowest emissions", Some(&s.overall.lowest_emissions)),
        ("fastest", Some(&s.overall.fastest)),
        ("balanced (knee)", s.overall.knee.as_ref()),
    ]
    .into_iter()
    .filter_map(|(what, r)| Some((what, r?)))
    {
        let _ = writeln!(out, "  {what:<17} {}: {}", r.label(), describe(r));
    }
    if s.excluded.is_empty() {
        let _ = writeln!(out, "  excluded: none");
    }
    for e in &s.excluded {
        let _ = writeln!(out, "  excluded: {}", e.reason);
    }
    let _ = writeln!(
        out,
        "  (device, region) pairs left out, not offered there: {}",
        s.left_out_pairs
    );
    out
}

/// "speed-up measured, availability offered, 123 USD".
fn describe(r: &OptionRow) -> String {
    let cost = r.cost_usd.map_or("price unknown".to_string(), |c| {
        format!("{} USD on demand", num(c))
    });
    format!(
        "speed-up {}, availability {}, {cost}",
        r.speed_basis, r.availability
    )
}
