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
