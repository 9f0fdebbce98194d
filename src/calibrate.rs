//! Calibration from a measured pilot run: CodeCarbon's `emissions.csv`.
//!
//! CodeCarbon (2.x and 3.x) writes one row per tracked run; its header names
//! the columns, so they are read by name and extra columns are ignored.
//! Used: `duration` (s), `energy_consumed` (kWh; CPU + GPU + RAM), and when
//! present `cpu_energy`, `gpu_energy`, `ram_energy` (kWh), `gpu_count`,
//! `gpu_model` (e.g. "4 x NVIDIA A100-SXM4-40GB"), `cpu_model`,
//! `country_iso_code`, `cloud_provider`, `cloud_region`, `pue`.
//!
//! Per run and in total: `duration_hours = duration / 3600`,
//! `energy_kwh = energy_consumed`, `avg_power_watts = energy_kwh × 1000 /
//! duration_hours` (the whole machine's average draw).

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::catalog::Catalog;
use crate::error::{Error, Result};

/// Largest emissions file read.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Most runs a CodeCarbon file may hold (a pilot is a few runs; this keeps
/// a large file's memory small).
pub const MAX_RUNS: usize = 10_000;

/// One measured run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    /// Line of the row in the file.
    pub line: u64,
    /// Duration, h.
    pub duration_hours: f64,
    /// Energy consumed (CPU + GPU + RAM), kWh.
    pub energy_kwh: f64,
    /// Average power over the run, W.
    pub avg_power_watts: f64,
    /// GPU energy, kWh, when recorded.
    pub gpu_energy_kwh: Option<f64>,
    /// GPUs tracked.
    pub gpu_count: Option<u32>,
    /// GPU model as CodeCarbon wrote it.
    pub gpu_model: Option<String>,
    /// CPU model as CodeCarbon wrote it.
    pub cpu_model: Option<String>,
    /// The catalog device the run's GPU (else CPU) matches.
    pub device: Option<String>,
    /// Country code, when recorded.
    pub country_iso_code: Option<String>,
    /// `provider:region`, when on a cloud.
    pub cloud: Option<String>,
}

/// All runs of a file and their total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pilot {
    /// Each run, in file order.
    pub runs: Vec<Run>,
    /// Sum of durations and energies; power is total energy over total time.
    pub total: Total,
}

/// Totals over runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Total {
    /// Runs.
    pub runs: usize,
    /// Total duration, h.
    pub duration_hours: f64,
    /// Total energy, kWh.
    pub energy_kwh: f64,
    /// Energy over duration, W.
    pub avg_power_watts: f64,
    /// GPUs per run (the first run's count; runs must agree).
    pub gpu_count: Option<u32>,
    /// GPU model of the runs.
    pub gpu_model: Option<String>,
    /// The catalog device matched.
    pub device: Option<String>,
}

/// Read and summarise a CodeCarbon emissions file.
pub fn read(path: &Path, catalog: &Catalog) -> Result<Pilot> {
    let bytes = crate::input::read_bytes(path, "CodeCarbon emissions file", MAX_BYTES)?;
    let text = String::from_utf8_lossy(&bytes);
    parse(path, &text, catalog)
}

/// Summarise the text of a CodeCarbon emissions file; `path` names it in messages.
pub fn parse(path: &Path, text: &str, catalog: &Catalog) -> Result<Pilot> {
    let text = crate::input::csv_text(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| crate::input::csv_error(path, &e, 1, format!("not a CSV file: {e}")))?
        .clone();
    let column = columns(path, &headers)?;
    let mut runs: Vec<Run> = Vec::new();
    let mut known: HashMap<String, String> = HashMap::new();
    for record in reader.records() {
        let record = record
            .map_err(|e| crate::input::csv_error(path, &e, 0, format!("malformed row: {e}")))?;
        let row = Row {
            path,
            column: &column,
            line: record.position().map_or(0, |p| p.line()),
            record: &record,
        };
        runs.push(row.run(catalog, &mut known, runs.len())?);
    }
    if runs.is_empty() {
        return Err(Error::input(format!(
            "'{}' has a header but no runs",
            path.display()
        )));
    }
    same_hardware(path, &runs)?;
    let total = total(&runs);
    Ok(Pilot { runs, total })
}

/// Each header name's column index; the header must name `duration` and
/// `energy_consumed`.
fn columns<'h>(path: &Path, headers: &'h csv::StringRecord) -> Result<HashMap<&'h str, usize>> {
    let mut column: HashMap<&str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if let Some(first) = column.insert(h.trim(), i) {
            return Err(Error::at_line(
                path,
                1,
                i as u64 + 1,
                format!(
                    "the header names '{}' twice (columns {} and {}); which one holds the figures is ambiguous",
                    h.trim(),
                    first + 1,
                    i + 1
                ),
            ));
        }
    }
    for required in ["duration", "energy_consumed"] {
        if !column.contains_key(required) {
            return Err(Error::at_line(
                path,
                1,
                1,
                format!(
                    "the header has no '{required}' column; is this CodeCarbon's emissions.csv? (it needs duration and energy_consumed)"
                ),
            ));
        }
    }
    Ok(column)
}

/// Sum of durations and energies over runs; power is total energy over
/// total time, hardware that of the first run.
fn total(runs: &[Run]) -> Total {
    let duration_hours: f64 = runs.iter().map(|r| r.duration_hours).sum();
    let energy_kwh: f64 = runs.iter().map(|r| r.energy_kwh).sum();
    let first = &runs[0];
    Total {
        runs: runs.len(),
        duration_hours,
        energy_kwh,
        avg_power_watts: energy_kwh * 1000.0 / duration_hours,
        gpu_count: first.gpu_count,
        gpu_model: first.gpu_model.clone(),
        device: first.device.clone(),
    }
}

/// One row of the file, read by column name, with errors located at its
/// line and the named column.
struct Row<'a> {
    path: &'a Path,
    column: &'a HashMap<&'a str, usize>,
    line: u64,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    /// The trimmed, non-empty cell of column `name`.
    fn get(&self, name: &str) -> Option<&str> {
        self.column
            .get(name)
            .and_then(|&i| self.record.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// An error at this row's line, in column `name`.
    fn error(&self, name: &str, message: impl Into<String>) -> Error {
        Error::at_line(self.path, self.line, self.column[name] as u64 + 1, message)
    }

    /// The number in column `name`, if the cell is filled.
    fn number(&self, name: &str) -> Result<Option<f64>> {
        match self.get(name) {
            None => Ok(None),
            Some(s) => s
                .parse::<f64>()
                .map(Some)
                .map_err(|_| self.error(name, format!("'{name}' is '{s}', not a number"))),
        }
    }

    /// The run this row records; `earlier` runs were read before it and
    /// `known` caches GPU models already matched to catalog devices.
    fn run(
        &self,
        catalog: &Catalog,
        known: &mut HashMap<String, String>,
        earlier: usize,
    ) -> Result<Run> {
        let duration = self.number("duration")?.unwrap_or(f64::NAN);
        let energy = self.number("energy_consumed")?.unwrap_or(f64::NAN);
        if !(duration.is_finite() && duration > 0.0) {
            return Err(self.error("duration", "duration must be a positive number of seconds"));
        }
        if !(energy.is_finite() && energy >= 0.0) {
            return Err(self.error(
                "energy_consumed",
                "energy_consumed must be zero or more kWh",
            ));
        }
        let gpu_count =
            whole_count(self.number("gpu_count")?).map_err(|m| self.error("gpu_count", m))?;
        let gpu_model = self.get("gpu_model").map(str::to_string);
        let cpu_model = self.get("cpu_model").map(str::to_string);
        let device = self.device(catalog, known, &gpu_model, &cpu_model)?;
        let hours = duration / 3600.0;
        if (energy * 1000.0).is_infinite() {
            return Err(self.error(
                "energy_consumed",
                format!("energy_consumed {energy:e} kWh is too large to compute with"),
            ));
        }
        if !(energy * 1000.0 / hours).is_finite() {
            return Err(self.error(
                "duration",
                format!("duration {duration} s is too short: the average power would be too large to compute"),
            ));
        }
        if earlier >= MAX_RUNS {
            return Err(Error::at_line(
                self.path,
                self.line,
                1,
                format!(
                    "more than {MAX_RUNS} runs; a pilot needs a few: keep only the pilot's runs"
                ),
            ));
        }
        let cloud = match (self.get("cloud_provider"), self.get("cloud_region")) {
            (Some(p), Some(r)) => Some(format!("{p}:{r}")),
            _ => None,
        };
        Ok(Run {
            line: self.line,
            duration_hours: hours,
            energy_kwh: energy,
            avg_power_watts: energy * 1000.0 / hours,
            gpu_energy_kwh: self.number("gpu_energy")?,
            gpu_count,
            gpu_model,
            cpu_model,
            device,
            country_iso_code: self.get("country_iso_code").map(str::to_string),
            cloud,
        })
    }

    /// The catalog device of the run's GPU (an unknown GPU is an error),
    /// else of its CPU (an unknown CPU is none).
    fn device(
        &self,
        catalog: &Catalog,
        known: &mut HashMap<String, String>,
        gpu_model: &Option<String>,
        cpu_model: &Option<String>,
    ) -> Result<Option<String>> {
        Ok(match (gpu_model, cpu_model) {
            (Some(g), _) => Some(match known.get(g.as_str()) {
                Some(d) => d.clone(),
                None => {
                    let d = match_device(catalog, g)
                        .map_err(|e| self.error("gpu_model", e.to_string()))?;
                    known.insert(g.clone(), d.clone());
                    d
                }
            }),
            (None, Some(c)) => catalog.device_named(c).map(|d| d.name.clone()),
            _ => None,
        })
    }
}

/// Runs measured on different GPUs (model or count) cannot be averaged
/// into one pilot.
fn same_hardware(path: &Path, runs: &[Run]) -> Result<()> {
    let first = &runs[0];
    let key = |r: &Run| (r.gpu_count, r.device.clone());
    match runs.iter().find(|r| key(r) != key(first)) {
        None => Ok(()),
        Some(r) => {
            let show = |r: &Run| match (r.gpu_count, &r.device) {
                (Some(n), Some(d)) => format!("{n} × {d}"),
                (None, Some(d)) => d.clone(),
                (Some(n), None) => format!("{n} GPUs"),
                (None, None) => "no GPU".to_string(),
            };
            Err(Error::at_line(
                path,
                r.line,
                1,
                format!(
                    "this run used {}, the run on line {} used {}: runs on different hardware cannot be combined into one pilot; keep the runs of one configuration",
                    show(r),
                    first.line,
                    show(first)
                ),
            ))
        }
    }
}

/// A GPU count: a whole number (0 means none), within range.
fn whole_count(x: Option<f64>) -> std::result::Result<Option<u32>, String> {
    match x {
        None => Ok(None),
        Some(c) if c.fract() != 0.0 || c < 0.0 => Err(format!(
            "gpu_count is {c}; it must be a whole number of GPUs"
        )),
        Some(c) if c > 1_000_000.0 => {
            Err(format!("gpu_count {c} is too large (at most 1,000,000)"))
        }
        Some(0.0) => Ok(None),
        Some(c) => Ok(Some(c as u32)),
    }
}

/// The catalog device of a CodeCarbon GPU model ("4 x NVIDIA A100-SXM4-40GB").
fn match_device(catalog: &Catalog, model: &str) -> Result<String> {
    let name = match model.split_once(" x ") {
        Some((n, rest)) if n.trim().chars().all(|c| c.is_ascii_digit()) => rest,
        _ => model,
    };
    catalog
        .device(name)
        .map(|d| d.name.clone())
        .map_err(|e| Error::input(format!("GPU model '{model}': {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_RUNS: &str = "timestamp,project_name,run_id,duration,emissions,emissions_rate,cpu_power,gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,country_name,country_iso_code,region,cloud_provider,cloud_region,os,python_version,codecarbon_version,cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,ram_total_size,tracking_mode,on_cloud,pue\n\
2024-05-01T10:00:00,resnet,a,3600,0.5,0.0001,42.5,1100,20,0.0425,1.1,0.02,1.1625,France,FRA,,,,Linux,3.11,2.4.1,32,AMD EPYC 7742,4,4 x NVIDIA A100-SXM4-40GB,,,128,machine,N,1.0\n\
2024-05-01T12:00:00,resnet,b,1800,0.25,0.0001,42.5,1100,20,0.02125,0.55,0.01,0.58125,France,FRA,,,,Linux,3.11,2.4.1,32,AMD EPYC 7742,4,4 x NVIDIA A100-SXM4-40GB,,,128,machine,N,1.0\n";

    #[test]
    fn two_runs_by_hand() {
        let catalog = Catalog::bundled().unwrap();
        let p = parse(Path::new("emissions.csv"), TWO_RUNS, &catalog).unwrap();
        // Run 1: 3,600 s = 1 h, 1.1625 kWh → 1,162.5 W. Run 2: 0.5 h, 0.58125 kWh → 1,162.5 W.
        assert_eq!(p.runs[0].duration_hours, 1.0);
        assert_eq!(p.runs[0].avg_power_watts, 1162.5);
        assert_eq!(p.runs[1].duration_hours, 0.5);
        assert_eq!(p.runs[1].avg_power_watts, 1162.5);
        // Total: 1.5 h, 1.74375 kWh, 1.74375 × 1000 / 1.5 = 1,162.5 W.
        assert_eq!(p.total.duration_hours, 1.5);
        assert!((p.total.energy_kwh - 1.74375).abs() < 1e-12);
        assert!((p.total.avg_power_watts - 1162.5).abs() < 1e-9);
        assert_eq!(p.total.gpu_count, Some(4));
        assert_eq!(p.total.device.as_deref(), Some("A100 SXM4 40GB"));
    }

    #[test]
    fn bad_files_are_clear_errors() {
        let catalog = Catalog::bundled().unwrap();
        let path = Path::new("e.csv");
        let e = parse(path, "a,b\n1,2\n", &catalog).unwrap_err().to_string();
        assert!(e.contains("no 'duration' column"), "{e}");
        let e = parse(path, "duration,energy_consumed\n", &catalog)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no runs"), "{e}");
        let e = parse(path, "duration,energy_consumed\nabc,1\n", &catalog)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("e.csv:2:1: 'duration' is 'abc', not a number"),
            "{e}"
        );
        let e = parse(
            path,
            "duration,energy_consumed,gpu_model\n10,1,1 x Imaginary GPU 9000\n",
            &catalog,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("GPU model '1 x Imaginary GPU 9000'"), "{e}");
        let e = parse(path, "duration,energy_consumed\n10,1,3\n", &catalog)
            .unwrap_err()
            .to_string();
        assert!(e.contains("malformed row"), "{e}");
    }

    #[test]
    fn windows_lines_duplicate_columns_and_huge_energy() {
        let catalog = Catalog::bundled().unwrap();
        let path = Path::new("e.csv");
        let err = |text: &str| parse(path, text, &catalog).unwrap_err().to_string();
        // CRLF line ends: the bad duration is on line 3, as with LF.
        let e = err("duration,energy_consumed\r\n10,1\r\n-5,1\r\n");
        assert!(e.starts_with("e.csv:3:1: duration must be"), "{e}");
        // `duration` in columns 1 and 3: refused at the second.
        let e = err("duration,energy_consumed,duration\n10,1,5\n");
        assert!(
            e.starts_with("e.csv:1:3: the header names 'duration' twice (columns 1 and 3)"),
            "{e}"
        );
        // 1e308 kWh × 1000 Wh/kWh overflows: the energy is to blame, not the
        // duration (1e308 s).
        let e = err("duration,energy_consumed\n1e308,1e308\n");
        assert!(
            e.starts_with("e.csv:2:2: energy_consumed 1e308 kWh is too large"),
            "{e}"
        );
    }

    #[test]
    fn runs_on_different_gpus_are_not_combined() {
        let catalog = Catalog::bundled().unwrap();
        let header = "duration,energy_consumed,gpu_count,gpu_model\n";
        let text = format!(
            "{header}3600,1.0,4,4 x NVIDIA A100-SXM4-40GB\n3600,1.0,8,8 x NVIDIA A100-SXM4-40GB\n"
        );
        let e = parse(Path::new("e.csv"), &text, &catalog)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("e.csv:3:1") && e.contains("different hardware"),
            "{e}"
        );
        let text = format!("{header}3600,1.0,2.7,NVIDIA A100-SXM4-40GB\n");
        let e = parse(Path::new("e.csv"), &text, &catalog)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("gpu_count is 2.7; it must be a whole number"),
            "{e}"
        );
        // 5e-324 s (subnormal): 1 kWh over it is no finite power.
        let text = format!("{header}5e-324,1.0,1,NVIDIA A100-SXM4-40GB\n");
        let e = parse(Path::new("e.csv"), &text, &catalog)
            .unwrap_err()
            .to_string();
        assert!(e.contains("too short"), "{e}");
    }
}
