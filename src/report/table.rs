//! Aligned text tables, and the catalog listings built on them.

use std::io::Write;

use serde::Serialize;

use crate::catalog::{Catalog, Country, Device, Region};
use crate::error::{Error, Result};
use crate::report::num;

/// A text table with a header row, columns padded to their widest cell.
/// Columns listed in `right` are right-aligned (numbers).
pub fn render(headers: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = " ".repeat(widths[i].saturating_sub(c.chars().count()));
                if right.contains(&i) {
                    format!("{pad}{c}")
                } else {
                    format!("{c}{pad}")
                }
            })
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let mut out = line(headers.to_vec());
    out.push('\n');
    out.push_str(&line(
        widths
            .iter()
            .map(|&w| "─".repeat(w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
    ));
    out.push('\n');
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

/// Which table of the catalog to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Devices.
    Hardware,
    /// Cloud regions.
    Regions,
    /// Country and sub-national grids.
    Countries,
}

/// Output format of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// Aligned columns.
    Text,
    /// The catalog's own CSV columns.
    Csv,
    /// A JSON array of rows.
    Json,
}

mod continent;

fn matches(filter: Option<&str>, fields: &[&str]) -> bool {
    filter.is_none_or(|f| {
        let f = f.to_lowercase();
        fields.iter().any(|x| x.to_lowercase().contains(&f))
    })
}

fn opt(x: Option<f64>) -> String {
    x.map_or("-".to_string(), num)
}

/// Write a catalog table, keeping the rows whose text fields contain `filter`.
pub fn list(
    catalog: &Catalog,
    table: Table,
    filter: Option<&str>,
    format: ListFormat,
    out: &mut dyn Write,
) -> Result<()> {
    match table {
        Table::Hardware => {
            let rows: Vec<&Device> = catalog
                .hardware
                .iter()
                .filter(|d| {
                    let kind = d.kind.to_string();
                    let aliases = d.aliases.join(";");
                    matches(filter, &[&d.name, &aliases, &d.vendor, &kind])
                })
                .collect();
            let headers = [
                "name",
                "kind",
                "vendor",
                "TDP W",
                "FP32 TFLOPS",
                "16-bit TFLOPS",
                "memory GB",
                "cores",
                "year",
            ];
            emit(
                &rows,
                format,
                out,
                device_cells,
                &headers,
                &[3, 4, 5, 6, 7, 8],
            )
        }
        Table::Regions => {
            let rows: Vec<&Region> = catalog
                .regions
                .iter()
                .filter(|r| region_matches(catalog, r, filter))
                .collect();
            let headers = [
                "region",
                "name",
                "country",
                "g CO2eq/kWh",
                "year",
                "PUE",
                "offset",
                "hourly zone",
            ];
            emit(&rows, format, out, region_cells, &headers, &[3, 4, 5, 6])
        }
        Table::Countries => {
            let rows: Vec<&Country> = catalog
                .countries
                .iter()
                .filter(|c| matches(filter, &[&c.code, &c.name, &c.kind, continent::of(&c.code)]))
                .collect();
            let headers = ["code", "name", "kind", "g CO2eq/kWh", "year", "source"];
            emit(&rows, format, out, country_cells, &headers, &[3, 4])
        }
    }
}

/// A device's listed cells.
fn device_cells(d: &Device) -> Vec<String> {
    let tensor = match (&d.tensor16_tflops, &d.tensor16_format) {
        (Some(t), Some(f)) => format!("{} {f}", num(*t)),
        (Some(t), None) => num(*t),
        _ => "-".into(),
    };
    vec![
        d.name.clone(),
        d.kind.to_string(),
        d.vendor.clone(),
        num(d.tdp_watts),
        opt(d.fp32_tflops),
        tensor,
        opt(d.memory_gb),
        d.cores.map_or("-".into(), |c| c.to_string()),
        d.release_year.to_string(),
    ]
}

/// Whether a region's key, name, country code, location, country name or
/// continent contains `filter`.
fn region_matches(catalog: &Catalog, r: &Region, filter: Option<&str>) -> bool {
    let country = catalog.country(&r.country).map_or("", |c| c.name.as_str());
    let place = [
        r.key(),
        r.name.clone(),
        r.country.clone(),
        r.location.clone(),
    ];
    let more = [country, continent::of(&r.country)];
    let fields: Vec<&str> = place.iter().map(String::as_str).chain(more).collect();
    matches(filter, &fields)
}

/// A region's listed cells.
fn region_cells(r: &Region) -> Vec<String> {
    vec![
        r.key(),
        r.name.clone(),
        r.country.clone(),
        num(r.intensity_g_per_kwh),
        r.intensity_year.to_string(),
        num(r.pue),
        format!("{}%", num(r.offset_pct)),
        r.grid_zone.clone().unwrap_or_else(|| "-".into()),
    ]
}

/// A country's listed cells.
fn country_cells(c: &Country) -> Vec<String> {
    vec![
        c.code.clone(),
        c.name.clone(),
        c.kind.clone(),
        num(c.intensity_g_per_kwh),
        c.year.to_string(),
        c.source.clone(),
    ]
}

fn emit<T: Serialize>(
    rows: &[&T],
    format: ListFormat,
    out: &mut dyn Write,
    cells: impl Fn(&T) -> Vec<String>,
    headers: &[&str],
    right: &[usize],
) -> Result<()> {
    let io = |e| Error::io("could not write the listing", e);
    match format {
        ListFormat::Text => {
            let body: Vec<Vec<String>> = rows.iter().map(|r| cells(r)).collect();
            out.write_all(render(headers, &body, right).as_bytes())
                .map_err(io)?;
            writeln!(out, "{} rows", rows.len()).map_err(io)
        }
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            for row in rows {
                w.serialize(row)
                    .map_err(|e| Error::io("could not write the listing", e.into()))?;
            }
            w.flush().map_err(io)
        }
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, rows).map_err(|e| io(e.into()))?;
            writeln!(out).map_err(io)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_aligns_columns() {
        let rows = vec![
            vec!["a".to_string(), "1".to_string()],
            vec!["bbb".to_string(), "22".to_string()],
        ];
        assert_eq!(
            render(&["x", "n"], &rows, &[1]),
            "x     n\n───  ──\na     1\nbbb  22\n"
        );
    }
}
