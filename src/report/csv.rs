//! `options.csv` and `front.csv`: one row per option, the first eleven
//! columns fixed (`strategy,hardware,provider,region,trials,device_hours,
//! wall_hours,energy_kwh,emissions_kg,offset_kg,pareto_rank`), more after.
//! Numbers are written in full (shortest round-trip form), never rounded.

use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::report::summary::OptionRow;

/// The fixed leading columns.
pub const LEADING: [&str; 11] = [
    "strategy",
    "hardware",
    "provider",
    "region",
    "trials",
    "device_hours",
    "wall_hours",
    "energy_kwh",
    "emissions_kg",
    "offset_kg",
    "pareto_rank",
];

/// The given options as CSV.
pub fn options(plan: &Plan, which: impl Iterator<Item = usize>) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut any = false;
    for i in which {
        any = true;
        w.serialize(OptionRow::of(plan, i))
            .map_err(|e| Error::io("could not write CSV", e.into()))?;
    }
    if !any {
        w.write_record(LEADING)
            .map_err(|e| Error::io("could not write CSV", e.into()))?;
    }
    w.into_inner()
        .map_err(|e| Error::io("could not write CSV", e.into_error()))
}

/// Read back the rows of an `options.csv` (for `co2sweep chart`). Errors
/// name the file, line and column.
pub fn read_options(path: &std::path::Path) -> Result<Vec<OptionRow>> {
    let text = crate::input::read_text(path, "options.csv file", crate::catalog::MAX_FILE_BYTES)?;
    let text = crate::input::csv_text(&text);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| crate::input::csv_error(path, &e, 1, e.to_string()))?
        .clone();
    if headers
        .iter()
        .take(LEADING.len())
        .ne(LEADING.iter().copied())
    {
        return Err(Error::at_line(
            path,
            1,
            1,
            format!(
                "this is not an options.csv of co2sweep plan: the header must start with {}",
                LEADING.join(",")
            ),
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| crate::input::csv_error(path, &e, 0, e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        let row: OptionRow = (record.deserialize(Some(&headers)))
            .map_err(|e| crate::input::csv_error(path, &e, line, e.to_string()))?;
        check_row(&row).map_err(|(name, m)| {
            let column = headers
                .iter()
                .position(|h| h == name)
                .map_or(1, |i| i as u64 + 1);
            Error::at_line(path, line, column, m)
        })?;
        rows.push(row);
    }
    Ok(rows)
}

/// The figures of a row read back must be finite and not negative (and a
/// quality a probability): anything else cannot come from `plan`.
fn check_row(row: &OptionRow) -> std::result::Result<(), (&'static str, String)> {
    let figures = [
        ("device_hours", row.device_hours),
        ("wall_hours", row.wall_hours),
        ("energy_kwh", row.energy_kwh),
        ("emissions_kg", row.emissions_kg),
        ("offset_kg", row.offset_kg),
        ("embodied_kg", row.embodied_kg),
        ("total_kg", row.total_kg),
        ("quality", row.quality),
        ("power_watts", row.power_watts),
        ("pue", row.pue),
        ("intensity_g_per_kwh", row.intensity_g_per_kwh),
        ("wait_hours", row.wait_hours),
    ];
    for (name, v) in figures {
        let bad = !(v.is_finite() && v >= 0.0) || (name == "quality" && v > 1.0);
        if bad {
            return Err((
                name,
                format!("{name} is {v}; it must be a finite number, zero or more"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_back_rows_must_hold_finite_non_negative_figures() {
        let dir = tempfile::tempdir().unwrap();
        let header = "strategy,hardware,provider,region,trials,device_hours,wall_hours,energy_kwh,emissions_kg,offset_kg,pareto_rank,embodied_kg,total_kg,metric,strategy_rank,configurations,quality,power_watts,pue,intensity_g_per_kwh,intensity_year,marks,scenario,start,wait_hours,meets_deadline";
        let row = |wall: &str| {
            format!("{header}\nrandom,T4,gcp,us-central1,10,1,{wall},1,1,0,1,0.1,1.1,operational,1,10,0.4,70,1.1,400,2023,,s,,0,true\n")
        };
        for (wall, ok) in [("2", true), ("NaN", false), ("-1", false), ("inf", false)] {
            let p = dir.path().join("options.csv");
            std::fs::write(&p, row(wall)).unwrap();
            match read_options(&p) {
                Ok(rows) => assert!(ok, "{wall} accepted: {rows:?}"),
                Err(e) => {
                    assert!(!ok, "{wall}: {e}");
                    // wall_hours is the 7th column of line 2.
                    assert!(e.to_string().contains("options.csv:2:7"), "{e}");
                }
            }
        }
    }
}
