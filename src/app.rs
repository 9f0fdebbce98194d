//! From parsed arguments to results: each subcommand checks its arguments,
//! calls the library, and writes to stdout.

use std::io::Write;

use co2sweep::catalog::Catalog;
use co2sweep::error::{Error, Result};
use co2sweep::estimate::{self, Request, Site};
use co2sweep::report::{paper, single, table};
use co2sweep::units::{GPerKwh, Hours, Watts};

use crate::cli::{CatalogArgs, CatalogTable, Cli, Command, EstimateArgs, EstimateFormat, ListFormat};

/// Run one command line.
pub fn run(cli: Cli) -> Result<()> {
    let catalog = Catalog::load(cli.data.as_deref())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cli.command {
        Command::Estimate(args) => run_estimate(&catalog, &args, &mut out),
        Command::Catalog(args) => run_catalog(&catalog, &args, &mut out),
    }?;
    out.flush().map_err(|e| Error::io("could not write to stdout", e))
}

fn write_out(out: &mut dyn Write, text: &str) -> Result<()> {
    out.write_all(text.as_bytes())
        .map_err(|e| Error::io("could not write to stdout", e))
}

fn run_estimate(catalog: &Catalog, args: &EstimateArgs, out: &mut dyn Write) -> Result<()> {
    let device = catalog.device(&args.hardware)?;
    let site = match (&args.region, &args.country, args.intensity) {
        (Some(r), _, _) => Site::Region(catalog.region(r)?),
        (_, Some(c), _) => Site::Country(catalog.country(c)?),
        (_, _, Some(g)) => Site::Intensity(GPerKwh(g)),
        // clap's group makes one of the three required.
        (None, None, None) => return Err(Error::input("give --region, --country or --intensity")),
    };
    let req = Request {
        device,
        count: args.count,
        hours: Hours(args.hours),
        site,
        pue: args.pue,
        power: args.power_watts.map(Watts),
        utilization: args.utilization,
        offset_pct: args.offset_pct,
    };
    let est = estimate::estimate(catalog, &req)?;
    let text = match args.format {
        EstimateFormat::Text => single::text(&est, catalog),
        EstimateFormat::Json => {
            let mut s = serde_json::to_string_pretty(&est).map_err(|e| Error::io("could not write JSON", e.into()))?;
            s.push('\n');
            s
        }
        EstimateFormat::Markdown => paper::estimate_paragraph(&est, paper::Markup::Markdown),
        EstimateFormat::Latex => paper::estimate_paragraph(&est, paper::Markup::Latex),
    };
    write_out(out, &text)
}

fn run_catalog(catalog: &Catalog, args: &CatalogArgs, out: &mut dyn Write) -> Result<()> {
    let which = match args.table {
        CatalogTable::Hardware => table::Table::Hardware,
        CatalogTable::Regions => table::Table::Regions,
        CatalogTable::Countries => table::Table::Countries,
    };
    let format = match args.format {
        ListFormat::Text => table::ListFormat::Text,
        ListFormat::Csv => table::ListFormat::Csv,
        ListFormat::Json => table::ListFormat::Json,
    };
    table::list(catalog, which, args.filter.as_deref(), format, out)
}
