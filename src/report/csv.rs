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
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::io(format!("could not read '{}'", path.display()), e))?;
    if meta.len() > crate::catalog::MAX_FILE_BYTES * 16 {
        return Err(Error::input(format!(
            "'{}' is too large for an options.csv",
            path.display()
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io(format!("could not read '{}'", path.display()), e))?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Error::at_line(path, 1, 1, e.to_string()))?
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
        let record = record.map_err(|e| {
            Error::at_line(path, e.position().map_or(0, |p| p.line()), 1, e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let row: OptionRow = record.deserialize(Some(&headers)).map_err(|e| {
            let column = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => err.field().map_or(1, |f| f + 1),
                _ => 1,
            };
            Error::at_line(path, line, column, e.to_string())
        })?;
        rows.push(row);
    }
    Ok(rows)
}
