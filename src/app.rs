//! From parsed arguments to results: each subcommand checks its arguments,
//! calls the library, and writes to stdout.

use std::io::Write;
use std::path::{Path, PathBuf};

use co2sweep::catalog::Catalog;
use co2sweep::cost::Work;
use co2sweep::error::{Error, Result};
use co2sweep::estimate::{self, Request, Site, Timing};
use co2sweep::expand;
use co2sweep::hourly::{self, Instant};
use co2sweep::plan::{Metric, Plan};
use co2sweep::report::files::{self, Output};
use co2sweep::report::plot::{self, ChartSize};
use co2sweep::report::summary::{OptionRow, Summary};
use co2sweep::report::{self, paper, single, table};
use co2sweep::scenario::{self, Scenario};
use co2sweep::space::Strategy;
use co2sweep::sweep;
use co2sweep::units::{GPerKwh, Hours, Watts};

use crate::cli::{
    CalibrateArgs, CatalogArgs, CatalogTable, ChartArgs, CheckArgs, Cli, Command, EstimateArgs,
    EstimateFormat, ExpandArgs, ExpandFormat, InitArgs, ListFormat, MetricArg, PlanArgs,
    PlanFormat,
};

mod export;
mod progress;
mod stdout;

/// Run one command line.
pub fn run(cli: Cli) -> Result<()> {
    let catalog = Catalog::load(cli.data.as_deref())?;
    let mut out = stdout::Stdout::lock();
    match cli.command {
        Command::Estimate(args) => run_estimate(&catalog, cli.data.as_deref(), &args, &mut out),
        Command::Catalog(args) => run_catalog(&catalog, &args, &mut out),
        Command::Check(args) => run_check(&catalog, &args, &mut out),
        Command::Expand(args) => run_expand(&catalog, &args, &mut out),
        Command::Plan(args) => run_plan(&catalog, &args, &mut out),
        Command::Calibrate(args) => run_calibrate(&catalog, &args, &mut out),
        Command::Export(args) => export::run(&catalog, &args, &mut out),
        Command::Chart(args) => run_chart(&args, &mut out),
        Command::Init(args) => run_init(&args, &mut out),
    }?;
    out.flush()
        .map_err(|e| Error::io("could not write to stdout", e))
}

fn write_out(out: &mut dyn Write, text: &str) -> Result<()> {
    out.write_all(text.as_bytes())
        .map_err(|e| Error::io("could not write to stdout", e))
}

fn run_estimate(
    catalog: &Catalog,
    data_dir: Option<&Path>,
    args: &EstimateArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let catalog = &*for_year(catalog, args.year)?;
    let device = catalog.device(&args.hardware)?;
    let site = match (&args.region, &args.country, args.intensity, &args.grid_zone) {
        (Some(r), _, _, _) => Site::Region(catalog.region(r)?),
        (_, Some(c), _, _) => Site::Country(catalog.country(c)?),
        (_, _, Some(g), _) => Site::Intensity(GPerKwh(g)),
        (_, _, _, Some(z)) => Site::Country(catalog.country(z)?),
        (None, None, None, None) => {
            return Err(Error::input(
                "give --region, --country, --grid-zone or --intensity",
            ))
        }
    };
    let profile = match &args.start {
        None => None,
        Some(start) => {
            let start = Instant::parse(start)?;
            let site_zone = match &site {
                Site::Region(r) => r.grid_zone.clone(),
                Site::Country(c) => c.grid_zone.clone(),
                Site::Intensity(_) => None,
            };
            // A zone given with --grid-zone is loaded as asked (an unknown one
            // is an error naming the zones); the site's own only if profiled.
            let zone = args
                .grid_zone
                .clone()
                .or_else(|| site_zone.filter(|z| hourly::has_profile(z, data_dir)))
                .ok_or_else(|| {
                    Error::input(format!(
                        "--start needs a site whose grid zone has an hourly profile, or --grid-zone \
                         (zones with hourly data: {})",
                        hourly::zones(data_dir).join(", ")
                    ))
                })?;
            Some((hourly::for_run(catalog, &zone, start)?, start))
        }
    };
    let req = Request {
        device,
        count: args.count,
        hours: Hours(args.hours.unwrap_or(0.0)),
        device_hours: args.device_hours.map(Hours),
        extra_kwh: args.extra_kwh,
        site,
        pue: args.pue,
        power: args.power_watts.map(Watts),
        utilization: args.utilization,
        offset_pct: args.offset_pct,
        embodied: args.lifecycle.overrides(),
        timing: profile.as_ref().map(|(profile, start)| Timing {
            profile,
            start: *start,
            window_hours: args.window_hours,
        }),
    };
    let est = estimate::estimate(catalog, &req)?;
    let text = match args.format {
        EstimateFormat::Text => single::text(&est, catalog),
        EstimateFormat::Json => {
            let mut s = serde_json::to_string_pretty(&est)
                .map_err(|e| Error::io("could not write JSON", e.into()))?;
            s.push('\n');
            s
        }
        EstimateFormat::Markdown => paper::estimate_paragraph(&est, paper::Markup::Markdown),
        EstimateFormat::Latex => paper::estimate_paragraph(&est, paper::Markup::Latex),
    };
    write_out(out, &text)
}

fn run_catalog(catalog: &Catalog, args: &CatalogArgs, out: &mut dyn Write) -> Result<()> {
    let catalog = &*for_year(catalog, args.year)?;
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

fn load_scenario(catalog: &Catalog, path: &Path, allow_large: bool) -> Result<Scenario> {
    load_scenario_in(catalog, path, allow_large, None, false)
}

fn load_scenario_in(
    catalog: &Catalog,
    path: &Path,
    allow_large: bool,
    year: Option<u16>,
    any_hardware: bool,
) -> Result<Scenario> {
    let options = scenario::Options {
        allow_large,
        year,
        any_hardware,
    };
    let s = scenario::load(path, catalog, options)?;
    for w in &s.warnings {
        eprintln!(
            "warning: {}",
            co2sweep::escape::printable(&format!("{}: {w}", s.path.display()))
        );
    }
    Ok(s)
}

fn run_check(catalog: &Catalog, args: &CheckArgs, out: &mut dyn Write) -> Result<()> {
    let s = load_scenario(catalog, &args.scenario, args.allow_large)?;
    let (device, multiplier) = match &s.cost.work {
        Work::ReferenceHours { device, .. } => ((**device).clone(), 1.0),
        Work::Flops { .. } => {
            let d = s.hardware[0].clone();
            let m = s.cost.multiplier(&d).map_err(Error::input)?;
            (d, m)
        }
    };
    let mut rows = Vec::new();
    for strategy in &s.strategies {
        let t = sweep::totals(&s, strategy)?;
        rows.push(vec![
            t.strategy.name().to_string(),
            report::thousands(t.trials as f64),
            report::thousands(t.configurations as f64),
            report::num(t.device_work * multiplier),
            report::summary::quality_text(
                t.quality,
                t.quality_low,
                t.quality_high,
                t.quality_model,
                t.below_target,
            ),
        ]);
    }
    let text = format!(
        "{}: OK — {} parameters, {} devices, {} sites\n\n{}\ndevice-hours are on {}; quality is the chance of a trial in the best {} of the space\n",
        s.path.display(),
        s.params.len(),
        s.hardware.len(),
        s.sites.len(),
        table::render(&["strategy", "trials", "configurations", "device-hours", "quality"], &rows, &[1, 2, 3, 4]),
        device.name,
        report::pct(s.top_fraction * 100.0)
    );
    write_out(out, &text)
}

fn run_expand(catalog: &Catalog, args: &ExpandArgs, out: &mut dyn Write) -> Result<()> {
    let s = load_scenario(catalog, &args.scenario, args.allow_large)?;
    let names: Vec<&str> = s.strategies.iter().map(Strategy::name).collect();
    let Some(strategy) = s.strategies.iter().find(|st| st.name() == args.strategy) else {
        let hint = co2sweep::suggest::closest(&args.strategy, names.iter().copied())
            .map_or(String::new(), |h| format!(" (did you mean '{h}'?)"));
        return Err(Error::input(format!(
            "the scenario has no strategy '{}'{hint}; it has {}",
            args.strategy,
            co2sweep::suggest::or_list(&names)
        )));
    };
    // Check every trial first, so a bad trial stops the run before any output.
    sweep::totals(&s, strategy)?;
    let format = match args.format {
        ExpandFormat::Csv => expand::Format::Csv,
        ExpandFormat::Jsonl => expand::Format::Jsonl,
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    expand::write(&s, strategy, format, &mut w)?;
    w.flush()
        .map_err(|e| Error::io("could not write to stdout", e))
}

/// Files `plan --out` writes, besides the charts.
const PLAN_FILES: [&str; 4] = ["options.csv", "front.csv", "summary.json", "report.md"];

/// Charts `plan --out` and `chart` write (the order of `plot::render_all`).
const CHART_FILES: [&str; 7] = [
    "pareto.svg",
    "pareto.png",
    "strategies.svg",
    "strategies.png",
    "regions.svg",
    "regions.png",
    "report.html",
];

/// `report.html` with the SVG charts of `charts` inline.
fn html_report(summary: Option<&Summary>, rows: &[OptionRow], charts: &[Output]) -> Output {
    let svgs: Vec<(&str, &[u8])> = charts
        .iter()
        .filter(|o| o.name.ends_with(".svg"))
        .map(|o| (o.name.as_str(), o.bytes.as_slice()))
        .collect();
    Output {
        name: "report.html".into(),
        bytes: report::html::report(summary, rows, &svgs).into_bytes(),
    }
}

fn chart_size(text: &str) -> Result<ChartSize> {
    text.parse()
        .map_err(|e| Error::input(format!("--chart-size: {e}")))
}

/// Every file a run of `s` reads: the scenario, its imported sweep file,
/// its pilot run, and the `--data` tables. Outputs never replace them.
fn run_inputs(catalog: &Catalog, s: &Scenario) -> Vec<PathBuf> {
    let tables = (catalog.data_dir.iter())
        .flat_map(|d| co2sweep::catalog::FILES.iter().map(move |f| d.join(f)));
    std::iter::once(s.path.clone())
        .chain(s.import.as_ref().map(|i| i.path.clone()))
        .chain(s.cost.calibration.as_ref().map(|c| c.file.clone()))
        .chain(tables)
        .collect()
}

fn run_plan(catalog: &Catalog, args: &PlanArgs, out: &mut dyn Write) -> Result<()> {
    let size = chart_size(&args.chart_size)?;
    let all_files: Vec<&str> = PLAN_FILES
        .iter()
        .chain(CHART_FILES.iter())
        .copied()
        .collect();
    if let Some(dir) = &args.out {
        files::check_targets(dir, &all_files, args.force)?;
        files::check_not_inputs(dir, &all_files, &[&args.scenario])?;
    }
    let objectives = co2sweep_front(&args.front)?;
    let mut s = load_scenario_in(
        catalog,
        &args.scenario,
        args.allow_large,
        args.year,
        args.any_hardware,
    )?;
    if let Some(dir) = &args.out {
        files::check_not_inputs(dir, &all_files, &run_inputs(catalog, &s))?;
    }
    if let Some(n) = args.draws {
        s.uncertainty.draws = n;
    }
    let metric = match args.metric {
        MetricArg::Operational => Metric::Operational,
        MetricArg::Total => Metric::Total,
    };
    let bar = progress::Bar::new();
    let plan = Plan::build_reporting(s, metric, &objectives, &|name, done, total| {
        bar.show(name, done, total);
    });
    bar.finish();
    let plan = plan?;
    let summary = Summary::of(&plan, catalog);
    let json = || -> Result<Vec<u8>> {
        let mut v = serde_json::to_vec_pretty(&summary)
            .map_err(|e| Error::io("could not write JSON", e.into()))?;
        v.push(b'\n');
        Ok(v)
    };
    if let Some(dir) = &args.out {
        let outputs = plan_outputs(&plan, &summary, json()?, size)?;
        files::write_all(dir, &outputs, args.force)?;
    }
    match args.format {
        PlanFormat::Text => {
            write_out(out, &report::text::plan(&summary))?;
            if let Some(dir) = &args.out {
                write_out(
                    out,
                    &format!("\nWrote {} to {}\n", all_files.join(", "), dir.display()),
                )?;
            }
            Ok(())
        }
        PlanFormat::Json => out
            .write_all(&json()?)
            .map_err(|e| Error::io("could not write to stdout", e)),
    }
}

/// Every file of `plan --out`, in memory: tables, summary, report, charts
/// and the HTML report.
fn plan_outputs(
    plan: &Plan,
    summary: &Summary,
    json: Vec<u8>,
    size: ChartSize,
) -> Result<Vec<Output>> {
    let rows: Vec<OptionRow> = (0..plan.options.len())
        .map(|i| OptionRow::of(plan, i))
        .collect();
    let mut outputs = vec![
        Output {
            name: "options.csv".into(),
            bytes: report::csv::options(plan, 0..plan.options.len())?,
        },
        Output {
            name: "front.csv".into(),
            bytes: report::csv::options(plan, plan.front().into_iter())?,
        },
        Output {
            name: "summary.json".into(),
            bytes: json,
        },
        Output {
            name: "report.md".into(),
            bytes: report::markdown::report(summary).into_bytes(),
        },
    ];
    let charts = plot::render_all(&rows, size)?;
    let html = html_report(Some(summary), &rows, &charts);
    outputs.extend(charts);
    outputs.push(html);
    Ok(outputs)
}

fn run_calibrate(catalog: &Catalog, args: &CalibrateArgs, out: &mut dyn Write) -> Result<()> {
    let pilot = co2sweep::calibrate::read(&args.emissions_csv, catalog)?;
    if args.format == PlanFormat::Json {
        let mut v = serde_json::to_vec_pretty(&pilot)
            .map_err(|e| Error::io("could not write JSON", e.into()))?;
        v.push(b'\n');
        return out
            .write_all(&v)
            .map_err(|e| Error::io("could not write to stdout", e));
    }
    let opt = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    let mut rows: Vec<Vec<String>> = pilot
        .runs
        .iter()
        .map(|r| {
            vec![
                format!("line {}", r.line),
                report::num(r.duration_hours),
                report::num(r.energy_kwh),
                report::num(r.avg_power_watts),
                r.gpu_count.map_or("-".into(), |c| c.to_string()),
                opt(&r.gpu_model),
                opt(&r.device),
            ]
        })
        .collect();
    let t = &pilot.total;
    rows.push(vec![
        format!("total ({} runs)", t.runs),
        report::num(t.duration_hours),
        report::num(t.energy_kwh),
        report::num(t.avg_power_watts),
        t.gpu_count.map_or("-".into(), |c| c.to_string()),
        opt(&t.gpu_model),
        opt(&t.device),
    ]);
    let text = format!(
        "{}\navg_power_watts = energy_kwh × 1000 / duration_hours (whole machine: CPU, GPU and RAM as CodeCarbon measured)\n",
        table::render(
            &["run", "duration h", "energy kWh", "avg power W", "GPUs", "GPU model", "catalog device"],
            &rows,
            &[1, 2, 3, 4]
        )
    );
    write_out(out, &text)
}

fn run_chart(args: &ChartArgs, out: &mut dyn Write) -> Result<()> {
    let size = chart_size(&args.chart_size)?;
    files::check_targets(&args.out, &CHART_FILES, args.force)?;
    files::check_not_inputs(&args.out, &CHART_FILES, &[&args.options_csv])?;
    let rows = report::csv::read_options(&args.options_csv)?;
    let mut outputs = plot::render_all(&rows, size)?;
    outputs.push(html_report(None, &rows, &outputs));
    files::write_all(&args.out, &outputs, args.force)?;
    write_out(
        out,
        &format!(
            "Wrote {} to {}\n",
            CHART_FILES.join(", "),
            args.out.display()
        ),
    )
}

/// `--front`: two or three of time, emissions, cost, quality.
fn co2sweep_front(text: &str) -> Result<Vec<co2sweep::front::Objective>> {
    co2sweep::front::parse(text).map_err(|m| Error::input(format!("--front: {m}")))
}

fn run_init(args: &InitArgs, out: &mut dyn Write) -> Result<()> {
    // A dangling symlink is taken too: writing would follow it.
    if files::occupied(&args.path) {
        return Err(Error::input(format!(
            "refusing to overwrite '{}'; choose another path (nothing was written)",
            args.path.display()
        )));
    }
    let text = init_text(args)?;
    files::write_atomic(&args.path, text.as_bytes())?;
    write_out(
        out,
        &format!(
            "Wrote a scenario template to {p}; edit it, then run `co2sweep check {p}` and `co2sweep plan {p} --out out`\n",
            p = args.path.display()
        ),
    )
}

/// The template `init` writes: the plain one, or one importing `--wandb` /
/// `--hydra`, checked before anything is written.
fn init_text(args: &InitArgs) -> Result<String> {
    use co2sweep::import::{self, Source};
    let (file, source) = match (&args.wandb, &args.hydra) {
        (Some(f), _) => (f, Source::Wandb),
        (None, Some(f)) => (f, Source::Hydra),
        (None, None) => return Ok(co2sweep::template::TEMPLATE.to_string()),
    };
    let imported = import::load(file, source)?;
    let dir = (args.path.parent())
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let relative = relative_to(file, dir);
    let text = co2sweep::template::from_import(&imported, &relative);
    let catalog = Catalog::bundled()?;
    scenario::parse(&args.path, &text, &catalog, scenario::Options::default())?;
    Ok(text)
}

/// `file` as seen from the folder `dir` (absolute when it is not below it).
fn relative_to(file: &Path, dir: &Path) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (f, d) = (abs(file), abs(dir));
    f.strip_prefix(&d)
        .map_or(f.clone(), Path::to_path_buf)
        .display()
        .to_string()
}

/// The catalog at `--year`, or as it is.
fn for_year(catalog: &Catalog, year: Option<u16>) -> Result<std::borrow::Cow<'_, Catalog>> {
    Ok(match year {
        Some(y) => std::borrow::Cow::Owned(catalog.for_year(y)?),
        None => std::borrow::Cow::Borrowed(catalog),
    })
}
