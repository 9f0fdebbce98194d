//! Catalog tables as rows: one table's bundled rows merged with a
//! `--data` file's, CSV parsing with located errors, and every row's
//! checks.

use std::path::Path;

use serde::Deserialize;

use super::{merge, Country, Device, Equivalent, Origin, Region, MAX_FILE_BYTES, MAX_ROWS};
use crate::error::{Error, Result};

/// One catalog table: the bundled rows, with the rows of `dir/file` (if
/// any) adding to or replacing them by `key`; records where rows came from.
pub(crate) fn table<T>(
    dir: Option<&Path>,
    file: &'static str,
    bundled: &'static str,
    check: fn(&T) -> Result<(), String>,
    origins: &mut Vec<(&'static str, Origin)>,
    key: impl Fn(&T) -> String,
) -> Result<Vec<T>>
where
    T: for<'de> Deserialize<'de>,
{
    let base = parse_rows(&Path::new("data").join(file), bundled, check)?;
    match dir.map(|d| d.join(file)).filter(|p| p.exists()) {
        Some(path) => {
            let text = read_limited(&path)?;
            if text.trim().is_empty() {
                return Err(Error::input(format!(
                    "'{}' is empty; a data file needs at least its header line (see data/{file})",
                    path.display()
                )));
            }
            let extra = parse_rows(&path, &text, check)?;
            let merged = merge::by_key(base, extra, key).map_err(|(first, second, k)| {
                Error::input(format!(
                    "'{}': data rows {first} and {second} (counted after the header) are the same entry (its key: '{k}'); keep one",
                    path.display()
                ))
            })?;
            origins.push((file, Origin::File(path)));
            Ok(merged)
        }
        None => {
            origins.push((file, Origin::Bundled));
            Ok(base)
        }
    }
}

/// The tables of one catalog load: where the `--data` directory is, and
/// where each table's rows came from so far.
pub(crate) struct Tables<'a> {
    pub dir: Option<&'a Path>,
    pub origins: Vec<(&'static str, Origin)>,
}

impl<'a> Tables<'a> {
    /// No table read yet.
    pub fn new(dir: Option<&'a Path>) -> Tables<'a> {
        Tables {
            dir,
            origins: Vec::new(),
        }
    }

    /// One table (see [`table`]), its origin recorded.
    pub fn read<T>(
        &mut self,
        file: &'static str,
        bundled: &'static str,
        check: fn(&T) -> Result<(), String>,
        key: fn(&T) -> String,
    ) -> Result<Vec<T>>
    where
        T: for<'de> Deserialize<'de>,
    {
        table(self.dir, file, bundled, check, &mut self.origins, key)
    }
}

/// The key by which a `--data` row replaces a bundled row of each table.
pub(crate) mod key {
    use super::super::{normalize, Country, Coverage, Device, Equivalent, GridYear};
    use super::super::{Measurement, Offering, Region};

    /// A device: its normalized name.
    pub fn device(d: &Device) -> String {
        normalize(&d.name)
    }

    /// A region: `provider:region`, lower case.
    pub fn region(r: &Region) -> String {
        r.key().to_lowercase()
    }

    /// A country: its code, upper case.
    pub fn country(c: &Country) -> String {
        c.code.to_uppercase()
    }

    /// An equivalent: its key.
    pub fn equivalent(e: &Equivalent) -> String {
        e.key.clone()
    }

    /// A grid year: zone (upper case) and year.
    pub fn grid(g: &GridYear) -> String {
        format!("{}|{}", g.zone.to_uppercase(), g.year)
    }

    /// A throughput measurement: workload, device, precision and group.
    pub fn measurement(m: &Measurement) -> String {
        format!(
            "{}|{}|{}|{}",
            m.workload,
            normalize(&m.device),
            m.precision,
            m.group
        )
    }

    /// An offering: provider, region, hardware and instance type.
    pub fn offering(o: &Offering) -> String {
        format!(
            "{}|{}|{}|{}",
            o.provider,
            o.region,
            normalize(&o.hardware),
            o.instance_type
        )
    }

    /// A coverage row: provider, region and kind.
    pub fn coverage(c: &Coverage) -> String {
        format!("{}|{}|{:?}", c.provider, c.region, c.kind)
    }
}

/// A data file's text, refused at once when larger than [`MAX_FILE_BYTES`]
/// and located (file, line, column) when it is not UTF-8.
pub(crate) fn read_limited(path: &Path) -> Result<String> {
    crate::input::read_text(path, "data file", MAX_FILE_BYTES)
}

/// Parse a CSV table into rows, checking the header names every required
/// column and each row with `check`. Errors carry file, line and column.
pub fn parse_rows<T>(path: &Path, text: &str, check: fn(&T) -> Result<(), String>) -> Result<Vec<T>>
where
    T: for<'de> Deserialize<'de>,
{
    let text = crate::input::csv_text(text);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| csv_error(path, &[], e))?
        .clone();
    let header_names: Vec<String> = headers.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &header_names, e))?;
        let row: T = record
            .deserialize(Some(&headers))
            .map_err(|e| csv_error(path, &header_names, e))?;
        let line = record.position().map_or(0, |p| p.line());
        check(&row).map_err(|message| Error::at_line(path, line, 1, message))?;
        if rows.len() >= MAX_ROWS {
            return Err(Error::at_line(
                path,
                line,
                1,
                format!("too many rows: a catalog table holds at most {MAX_ROWS}"),
            ));
        }
        rows.push(row);
    }
    Ok(rows)
}

/// A catalog table's CSV error, located by [`crate::input::csv_error`]
/// and worded for a data file: which column, and what a row needs.
pub(crate) fn csv_error(path: &Path, headers: &[String], error: csv::Error) -> Error {
    let message = match error.kind() {
        csv::ErrorKind::Deserialize { err, .. } => {
            let field = err.field().map_or(0, |f| f as usize);
            let column = headers
                .get(field)
                .map_or(String::new(), |h| format!(" ('{h}')"));
            match err.kind() {
                csv::DeserializeErrorKind::Message(m) if m.starts_with("missing field") => {
                    format!("{m}; the header must name every column of the bundled file")
                }
                _ => format!("column {}{column}: {}", field + 1, err.kind()),
            }
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("this row has {len} fields but the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "the field is not valid UTF-8 text".to_string(),
        _ => error.to_string(),
    };
    crate::input::csv_error(path, &error, 1, message)
}

/// `value` within `low..=high`; a `low` of the least positive number
/// reads "more than 0".
pub(crate) fn finite_in(value: f64, low: f64, high: f64, what: &str) -> Result<(), String> {
    if value.is_finite() && (low..=high).contains(&value) {
        return Ok(());
    }
    let (value, high) = (short(value), short(high));
    if low == f64::MIN_POSITIVE {
        return Err(format!(
            "{what} is {value}; it must be more than 0 and at most {high}"
        ));
    }
    Err(format!(
        "{what} is {value}; it must be within {} to {high}",
        short(low)
    ))
}

/// A number in a message: plain, or in scientific notation when it
/// would take more than a dozen digits (1e308 has 309).
fn short(x: f64) -> String {
    if x != 0.0 && !(1e-6..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

pub(crate) fn nonempty(value: &str, what: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        Err(format!("{what} is empty"))
    } else {
        Ok(())
    }
}

pub(crate) fn check_device(d: &Device) -> Result<(), String> {
    nonempty(&d.name, "name")?;
    nonempty(&d.source, "source")?;
    finite_in(d.tdp_watts, f64::MIN_POSITIVE, 100_000.0, "tdp_watts")?;
    for (value, what) in [
        (d.fp32_tflops, "fp32_tflops"),
        (d.tensor16_tflops, "tensor16_tflops"),
        (d.memory_bandwidth_gbs, "memory_bandwidth_gbs"),
        (d.tf32_tflops, "tf32_tflops"),
        (d.fp8_tflops, "fp8_tflops"),
        (d.core_ghz, "core_ghz"),
    ] {
        if let Some(v) = value {
            finite_in(v, f64::MIN_POSITIVE, 1e6, what)?;
        }
    }
    if let Some(w) = d.idle_watts {
        finite_in(w, 0.0, d.tdp_watts, "idle_watts")?;
    }
    finite_in(d.embodied_device_kg, 0.0, 1e6, "embodied_device_kg")?;
    finite_in(d.embodied_server_kg, 0.0, 1e7, "embodied_server_kg")?;
    finite_in(d.devices_per_server, 1.0, 1e4, "devices_per_server")?;
    Ok(())
}

pub(crate) fn check_region(r: &Region) -> Result<(), String> {
    nonempty(&r.provider, "provider")?;
    if r.provider != r.provider.to_ascii_lowercase() {
        return Err(format!(
            "provider '{}' must be lower case ('{}'): regions are looked up as provider:region in lower case",
            r.provider,
            r.provider.to_ascii_lowercase()
        ));
    }
    nonempty(&r.region, "region")?;
    nonempty(&r.intensity_source, "intensity_source")?;
    finite_in(r.intensity_g_per_kwh, 0.0, 2000.0, "intensity_g_per_kwh")?;
    finite_in(r.pue, 1.0, 3.0, "pue")?;
    finite_in(r.offset_pct, 0.0, 100.0, "offset_pct")
}

pub(crate) fn check_country(c: &Country) -> Result<(), String> {
    nonempty(&c.code, "code")?;
    nonempty(&c.source, "source")?;
    finite_in(c.intensity_g_per_kwh, 0.0, 2000.0, "intensity_g_per_kwh")
}

pub(crate) fn check_equivalent(e: &Equivalent) -> Result<(), String> {
    nonempty(&e.key, "key")?;
    finite_in(e.kg_co2_per_unit, f64::MIN_POSITIVE, 1e9, "kg_co2_per_unit")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_messages_stay_short() {
        // f64::MIN_POSITIVE as a lower bound reads "more than 0"; 1e308
        // (309 digits in full) is written 1e308.
        assert_eq!(
            finite_in(0.0, f64::MIN_POSITIVE, 100_000.0, "tdp_watts").unwrap_err(),
            "tdp_watts is 0; it must be more than 0 and at most 100000"
        );
        assert_eq!(
            finite_in(1e308, 1.0, 1e6, "x").unwrap_err(),
            "x is 1e308; it must be within 1 to 1000000"
        );
        assert!(finite_in(5.0, 1.0, 10.0, "x").is_ok());
    }
}
