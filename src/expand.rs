//! Streaming a job set for a launcher: one line per trial, never holding
//! the whole set in memory.
//!
//! Columns: `index`, the parameters in file order, then `bracket`, `rung`
//! and `config` for Hyperband, then `devices` and `hours` (on the reference
//! device; in the FLOPs model, on the first candidate device, with `flops`
//! before them).

use std::io::Write;

use crate::cost::Work;
use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::space::{JobSet, Level, Strategy};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV with a header.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

enum Sink<'a> {
    Csv(Box<csv::Writer<&'a mut dyn Write>>),
    Json(&'a mut dyn Write),
}

/// A CSV error as an I/O error, keeping the operating system's error (a
/// closed pipe must stay recognisable as one).
fn csv_io(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => io(e),
        other => io(std::io::Error::other(format!("{other:?}"))),
    }
}

fn io(e: std::io::Error) -> Error {
    Error::io("could not write the job set", e)
}

/// Write every trial of `strategy`. The trials must already have been
/// checked (e.g. by [`crate::sweep::totals`]).
pub fn write(s: &Scenario, strategy: &Strategy, format: Format, out: &mut dyn Write) -> Result<()> {
    let set = JobSet::new(&s.params, strategy, s.seed).map_err(Error::input)?;
    let hyperband = set.rungs().is_some();
    let flops = matches!(s.cost.work, Work::Flops { .. });
    let hours_multiplier = s.cost.multiplier(&s.hardware[0]).map_err(Error::input)?;
    let hours_multiplier = match s.cost.work {
        Work::ReferenceHours { .. } => 1.0,
        Work::Flops { .. } => hours_multiplier,
    };
    let resource = strategy.resource();
    let mut columns: Vec<String> = vec!["index".into()];
    columns.extend(s.params.iter().map(|p| p.name.clone()));
    if hyperband {
        columns.extend(["bracket", "rung", "config"].map(String::from));
    }
    if flops {
        columns.push("flops".into());
    }
    columns.extend(["devices", "hours"].map(String::from));
    let json_keys: Vec<String> = columns
        .iter()
        .map(|c| serde_json::to_string(c).unwrap_or_default())
        .collect();

    let mut sink = match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(&columns).map_err(csv_io)?;
            Sink::Csv(Box::new(w))
        }
        Format::Jsonl => Sink::Json(out),
    };
    let mut slots = vec![0.0; s.params.len()];
    let mut cells: Vec<String> = Vec::with_capacity(columns.len());
    let mut line = String::new();
    for i in 0..set.len() {
        let info = set.trial(i, &mut slots);
        cells.clear();
        cells.push(i.to_string());
        for (p, &v) in s.params.iter().zip(&slots) {
            cells.push(match (p.label(v), format) {
                (Level::Num(x), _) => x.to_string(),
                (Level::Text(t), Format::Csv) => t,
                (Level::Text(t), Format::Jsonl) => serde_json::to_string(&t).unwrap_or_default(),
            });
        }
        if let Some((bracket, rung)) = info.bracket_rung {
            cells.extend([
                bracket.to_string(),
                rung.to_string(),
                info.config.to_string(),
            ]);
        }
        let cost = s.cost.evaluate(&mut slots, &info, resource).map_err(|e| {
            Error::input(format!(
                "trial {i}: `{}` {} ({})",
                e.formula, e.problem, e.value
            ))
        })?;
        if flops {
            cells.push((cost.work * f64::from(cost.devices)).to_string());
        }
        cells.push(cost.devices.to_string());
        cells.push((cost.work * hours_multiplier).to_string());
        let out = match &mut sink {
            Sink::Csv(w) => {
                w.write_record(&cells).map_err(csv_io)?;
                continue;
            }
            Sink::Json(out) => out,
        };
        line.clear();
        line.push('{');
        for (k, (key, cell)) in json_keys.iter().zip(&cells).enumerate() {
            if k > 0 {
                line.push(',');
            }
            line.push_str(key);
            line.push(':');
            line.push_str(cell);
        }
        line.push_str("}\n");
        out.write_all(line.as_bytes()).map_err(io)?;
    }
    if let Sink::Csv(mut w) = sink {
        w.flush().map_err(io)?;
    }
    Ok(())
}
