//! Streaming a job set for a launcher: one line per trial, never holding
//! the whole set in memory.
//!
//! Layout (no column or key can collide with a parameter, whatever its name):
//!
//! - JSONL: `{"index": 0, "params": {NAME: value, ...}, ...}` with the
//!   parameters in file order under `params`, each value of its own JSON
//!   type (numbers, strings, booleans, null, lists and mappings as read),
//!   then `bracket`, `rung` and `config` for Hyperband, `iterations` for
//!   early-stopped strategies (`<method>+hyperband`), `flops` in the FLOPs
//!   model, and `devices` and `hours` (on the reference device; in the
//!   FLOPs model, on the first candidate device).
//! - CSV: the same columns, each parameter's header prefixed with
//!   `param:` (`param:learning_rate`); strings unquoted, booleans as
//!   `true`/`false`, null as an empty cell, lists and mappings as JSON.

use std::io::Write;

use crate::cost::Work;
use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::space::{JobSet, Strategy};

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
    let hours_multiplier = s.cost.multiplier(&s.hardware[0]).map_err(Error::input)?;
    let rows = Rows {
        s,
        hyperband: set.rungs().is_some(),
        stopped: matches!(strategy, Strategy::EarlyStop(..)),
        flops: matches!(s.cost.work, Work::Flops { .. }),
        hours_multiplier: match s.cost.work {
            Work::ReferenceHours { .. } => 1.0,
            Work::Flops { .. } => hours_multiplier,
        },
        resource: strategy.resource(),
        format,
    };
    let columns = rows.columns();
    let json_keys = json_keys(&columns, s.params.len());
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
        rows.cells(&set, i, &mut slots, &mut cells)?;
        let out = match &mut sink {
            Sink::Csv(w) => {
                w.write_record(&cells).map_err(csv_io)?;
                continue;
            }
            Sink::Json(out) => out,
        };
        line.clear();
        json_line(&mut line, &json_keys, &cells, s.params.len());
        out.write_all(line.as_bytes()).map_err(io)?;
    }
    if let Sink::Csv(mut w) = sink {
        w.flush().map_err(io)?;
    }
    Ok(())
}

/// What the rows of one job set hold: which optional columns, and how a
/// trial's cost becomes hours.
struct Rows<'a> {
    s: &'a Scenario,
    /// Hyperband's `bracket`, `rung`, `config` columns.
    hyperband: bool,
    /// The `iterations` column of early-stopped strategies.
    stopped: bool,
    /// The `flops` column of the FLOPs model.
    flops: bool,
    /// Hours per unit of work (1 with reference hours).
    hours_multiplier: f64,
    resource: Option<usize>,
    format: Format,
}

impl Rows<'_> {
    /// The header: `index`, `param:NAME` per parameter, the optional
    /// columns, `devices`, `hours`.
    fn columns(&self) -> Vec<String> {
        let mut columns: Vec<String> = vec!["index".into()];
        columns.extend(self.s.params.iter().map(|p| format!("param:{}", p.name)));
        if self.hyperband {
            columns.extend(["bracket", "rung", "config"].map(String::from));
        }
        if self.stopped {
            columns.push("iterations".into());
        }
        if self.flops {
            columns.push("flops".into());
        }
        columns.extend(["devices", "hours"].map(String::from));
        columns
    }

    /// The cells of trial `i`, in column order, into `cells`.
    fn cells(
        &self,
        set: &JobSet,
        i: u64,
        slots: &mut [f64],
        cells: &mut Vec<String>,
    ) -> Result<()> {
        let s = self.s;
        let info = set.trial(i, slots);
        cells.clear();
        cells.push(i.to_string());
        for (p, &v) in s.params.iter().zip(slots.iter()) {
            let level = p.label(v);
            cells.push(match self.format {
                Format::Csv => level.text(),
                Format::Jsonl => level.json(),
            });
        }
        if let Some((bracket, rung)) = info.bracket_rung {
            cells.extend([
                bracket.to_string(),
                rung.to_string(),
                info.config.to_string(),
            ]);
        }
        if let Some((_, iterations)) = info.stopped {
            cells.push(iterations.to_string());
        }
        let cost = s.cost.evaluate(slots, &info, self.resource).map_err(|e| {
            Error::input(format!(
                "trial {i}: `{}` {} ({})",
                e.formula, e.problem, e.value
            ))
        })?;
        let total_flops = cost.work * f64::from(cost.devices);
        let hours = cost.work * self.hours_multiplier;
        if !(total_flops.is_finite() && hours.is_finite()) {
            return Err(Error::input(format!(
                "trial {i}: its hours ({hours}) or FLOPs ({total_flops}) overflow; [trial] hours (or flops) is far too large"
            )));
        }
        if self.flops {
            cells.push(total_flops.to_string());
        }
        cells.push(cost.devices.to_string());
        cells.push(hours.to_string());
        Ok(())
    }
}

/// Each column's JSON key, quoted: a parameter's without its `param:`
/// prefix.
fn json_keys(columns: &[String], params: usize) -> Vec<String> {
    columns
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let key = if (1..=params).contains(&k) {
                &c["param:".len()..]
            } else {
                c
            };
            serde_json::to_string(key).unwrap_or_default()
        })
        .collect()
}

/// One JSONL line: `index`, then the `params` object of the next `params`
/// cells, then the remaining columns (there are always some: `hours`).
fn json_line(line: &mut String, keys: &[String], cells: &[String], params: usize) {
    line.push('{');
    for (k, (key, cell)) in keys.iter().zip(cells).enumerate() {
        match k {
            0 => {}
            1 if params == 0 => line.push_str(",\"params\":{},"),
            1 => line.push_str(",\"params\":{"),
            _ if k == params + 1 => line.push_str("},"),
            _ => line.push(','),
        }
        line.push_str(key);
        line.push(':');
        line.push_str(cell);
    }
    line.push_str("}\n");
}
