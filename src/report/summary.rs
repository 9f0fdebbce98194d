//! The summary of a plan: the rows every output shares, the best options,
//! and the findings written as sentences, all computed from the results.
//!
//! `summary.json` and `plan --format json` serialize [`Summary`] as is; the
//! text and Markdown reports render it.

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Origin};
use crate::plan::{Marks, Metric, Plan, Ranked};
pub use crate::report::findings::findings;
use crate::report::marks::{Mark, MarkSet, Scope};
use crate::report::{num, pct, ranges, thousands};

/// One option as a flat row: the CSV columns, in order, and the JSON object.
/// The first eleven columns are a fixed interface; `co2sweep chart` reads
/// the rows back, so every chart can be redrawn from `options.csv` alone.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct OptionRow {
    /// Strategy name.
    pub strategy: String,
    /// Device name.
    pub hardware: String,
    /// Provider id (`country` for a country grid).
    pub provider: String,
    /// Region id (or country code).
    pub region: String,
    /// Trials run.
    pub trials: u64,
    /// Device-hours, h.
    pub device_hours: f64,
    /// Wall-clock hours of the whole search on the cluster, h.
    pub wall_hours: f64,
    /// Energy at the wall plug, PUE included, kWh.
    pub energy_kwh: f64,
    /// Operational emissions, kg CO2eq.
    pub emissions_kg: f64,
    /// Part of the emissions offset or matched by the provider, kg CO2eq.
    pub offset_kg: f64,
    /// Pareto rank among all options (1 = front).
    pub pareto_rank: u32,
    /// Embodied emissions of the device-hours used, kg CO2eq.
    pub embodied_kg: f64,
    /// Operational plus embodied emissions, kg CO2eq.
    pub total_kg: f64,
    /// What the ranking minimised: `operational` (emissions_kg) or `total` (total_kg).
    pub metric: Metric,
    /// Pareto rank within the strategy (1 = the strategy's front).
    pub strategy_rank: u32,
    /// Configurations tried.
    pub configurations: u64,
    /// Quality: chance that a trial is in the best top_fraction of the space.
    pub quality: f64,
    /// Average power of one device while running (TDP × utilization, or calibrated), W.
    pub power_watts: f64,
    /// PUE applied.
    pub pue: f64,
    /// Grid carbon intensity, g CO2eq/kWh.
    pub intensity_g_per_kwh: f64,
    /// Year of the intensity figure.
    pub intensity_year: u16,
    /// Marks: `lowest`, `fastest`, `knee` overall, `strategy-lowest` etc. within the strategy; `;`-separated.
    pub marks: MarkSet,
    /// The scenario's name (for chart titles).
    pub scenario: String,
    /// Chosen start (UTC), with `[execution] start`; empty otherwise.
    pub start: String,
    /// Hours waited before starting, for a cleaner grid.
    pub wait_hours: f64,
    /// Whether the sweep ends by `[execution] deadline_hours`.
    pub meets_deadline: bool,
    /// Lower bound of the quality (see `space::quality`).
    #[serde(default)]
    pub quality_low: f64,
    /// Upper bound of the quality.
    #[serde(default)]
    pub quality_high: f64,
    /// What the quality figures are: "coverage model", "upper bound", ...
    #[serde(default)]
    pub quality_model: String,
    /// The strategy's quality is below `[scenario] quality_target`: never on the front nor marked.
    #[serde(default)]
    pub below_target: bool,
    /// Device-hours when the cheapest jobs are promoted (adaptive strategies), h.
    #[serde(default)]
    pub device_hours_low: f64,
    /// Device-hours when the most expensive jobs are promoted, h.
    #[serde(default)]
    pub device_hours_high: f64,
    /// 10th percentile of device-hours over the simulations, h.
    #[serde(default)]
    pub device_hours_p10: f64,
    /// 90th percentile of device-hours over the simulations, h.
    #[serde(default)]
    pub device_hours_p90: f64,
    /// 10th percentile of the run's wall-clock hours (dispatch permutations or simulations), h.
    #[serde(default)]
    pub wall_hours_p10: f64,
    /// 90th percentile of the run's wall-clock hours, h.
    #[serde(default)]
    pub wall_hours_p90: f64,
    /// How the wall-clock figure was obtained ("optimistic bound", "random dispatch: median ...").
    #[serde(default)]
    pub schedule_model: String,
    /// 5th percentile of `emissions_kg` over the uncertainty draws (empty in
    /// files written before ranges existed; equal to the figure with 0 draws).
    #[serde(default)]
    pub emissions_kg_p5: Option<f64>,
    /// Median of `emissions_kg` over the draws.
    #[serde(default)]
    pub emissions_kg_p50: Option<f64>,
    /// 95th percentile of `emissions_kg` over the draws.
    #[serde(default)]
    pub emissions_kg_p95: Option<f64>,
    /// 5th percentile of `energy_kwh`.
    #[serde(default)]
    pub energy_kwh_p5: Option<f64>,
    /// Median of `energy_kwh`.
    #[serde(default)]
    pub energy_kwh_p50: Option<f64>,
    /// 95th percentile of `energy_kwh`.
    #[serde(default)]
    pub energy_kwh_p95: Option<f64>,
    /// 5th percentile of `wall_hours`.
    #[serde(default)]
    pub wall_hours_p5: Option<f64>,
    /// Median of `wall_hours`.
    #[serde(default)]
    pub wall_hours_p50: Option<f64>,
    /// 95th percentile of `wall_hours`.
    #[serde(default)]
    pub wall_hours_p95: Option<f64>,
    /// Share of draws in which this option has the lowest emissions of all
    /// options (on the ranking metric).
    #[serde(default)]
    pub p_lowest: Option<f64>,
    /// Whether the region offers the device: `offered` or `unknown`.
    #[serde(default)]
    pub availability: String,
    /// Device-hours × on-demand USD per device-hour; empty where unknown.
    #[serde(default)]
    pub cost_usd: Option<f64>,
    /// `measured` or `modelled` speed-up relative to the reference.
    #[serde(default)]
    pub speed_basis: String,
    /// 5th percentile of `cost_usd` over the uncertainty draws (price × hours,
    /// so it moves with the trial-hours and speed-up spreads); empty where
    /// the price is unknown.
    #[serde(default)]
    pub cost_usd_p5: Option<f64>,
    /// Median of `cost_usd` over the draws.
    #[serde(default)]
    pub cost_usd_p50: Option<f64>,
    /// 95th percentile of `cost_usd` over the draws.
    #[serde(default)]
    pub cost_usd_p95: Option<f64>,
    /// Where the site is, for people: "Paris, France".
    #[serde(default)]
    pub place: String,
    /// Whether the scenario listed the region by name (charts always show it).
    #[serde(default)]
    pub named: bool,
    /// Busy device-hours / (max_concurrent_devices × run hours): the share of
    /// a reservation used (`[execution] capacity`; see `sweep::execution`).
    #[serde(default)]
    pub utilization: f64,
}

impl OptionRow {
    /// The row of option `i` of a plan.
    pub fn of(plan: &Plan, i: usize) -> OptionRow {
        let o: &Ranked = &plan.options[i];
        let e = &o.eval;
        let t = &plan.totals[e.strategy];
        let device = &plan.scenario.hardware[e.hardware];
        let site = &plan.scenario.sites[e.site];
        let r = &plan.uncertainty.ranges[i];
        OptionRow {
            strategy: t.strategy.name().to_string(),
            hardware: device.name.clone(),
            provider: site.provider.clone(),
            region: site.region.clone(),
            trials: e.trials,
            device_hours: e.device_hours,
            wall_hours: e.wall_hours,
            energy_kwh: e.energy_kwh,
            emissions_kg: e.emissions_kg,
            offset_kg: e.offset_kg,
            pareto_rank: o.pareto_rank,
            embodied_kg: e.embodied_kg,
            total_kg: e.emissions_kg + e.embodied_kg,
            metric: plan.metric,
            strategy_rank: o.strategy_rank,
            configurations: t.configurations,
            quality: t.quality,
            power_watts: plan.scenario.cost.power_watts(device),
            pue: site.pue,
            intensity_g_per_kwh: e.intensity_g_per_kwh,
            intensity_year: site.intensity_year,
            marks: marks(plan, i),
            scenario: plan.scenario.name.clone(),
            start: plan.scenario.window.as_ref().map_or(String::new(), |w| {
                w.start.plus_hours(e.wait_hours).to_string()
            }),
            wait_hours: e.wait_hours,
            meets_deadline: e.meets_deadline,
            quality_low: t.quality_low,
            quality_high: t.quality_high,
            quality_model: t.quality_model.to_string(),
            below_target: t.below_target,
            device_hours_low: e.device_hours * ratio(t.device_work_low, t.device_work),
            device_hours_high: e.device_hours * ratio(t.device_work_high, t.device_work),
            device_hours_p10: e.device_hours * ratio(t.device_work_p10, t.device_work),
            device_hours_p90: e.device_hours * ratio(t.device_work_p90, t.device_work),
            wall_hours_p10: (e.wall_hours - e.wait_hours) * ratio(t.makespan_p10, t.makespan_work)
                + e.wait_hours,
            wall_hours_p90: (e.wall_hours - e.wait_hours) * ratio(t.makespan_p90, t.makespan_work)
                + e.wait_hours,
            schedule_model: t.schedule_model.clone(),
            emissions_kg_p5: Some(r.emissions_kg.p5),
            emissions_kg_p50: Some(r.emissions_kg.p50),
            emissions_kg_p95: Some(r.emissions_kg.p95),
            energy_kwh_p5: Some(r.energy_kwh.p5),
            energy_kwh_p50: Some(r.energy_kwh.p50),
            energy_kwh_p95: Some(r.energy_kwh.p95),
            wall_hours_p5: Some(r.wall_hours.p5),
            wall_hours_p50: Some(r.wall_hours.p50),
            wall_hours_p95: Some(r.wall_hours.p95),
            p_lowest: Some(r.p_lowest),
            availability: e.availability.name().to_string(),
            cost_usd: e.cost_usd,
            speed_basis: e.speed_basis.name().to_string(),
            cost_usd_p5: r.cost_usd.map(|c| c.p5),
            cost_usd_p50: r.cost_usd.map(|c| c.p50),
            cost_usd_p95: r.cost_usd.map(|c| c.p95),
            place: plan
                .scenario
                .places
                .get(e.site)
                .map_or(String::new(), |p| p.name.clone()),
            named: plan.scenario.places.get(e.site).is_some_and(|p| p.named),
            utilization: e.utilization,
        }
    }

    /// The figure the ranking minimised: emissions_kg or total_kg.
    pub fn metric_kg(&self) -> f64 {
        match self.metric {
            Metric::Operational => self.emissions_kg,
            Metric::Total => self.total_kg,
        }
    }

    /// The 90 % interval (p5, p95) of the ranked figure, where the row has
    /// one that is not a single point (operational metric only: the columns
    /// hold operational emissions).
    pub fn metric_interval(&self) -> Option<(f64, f64)> {
        match (self.metric, self.emissions_kg_p5, self.emissions_kg_p95) {
            (Metric::Operational, Some(lo), Some(hi)) if lo < hi => Some((lo, hi)),
            _ => None,
        }
    }

    /// The 90 % interval (p5, p95) of wall-clock hours, where not a single point.
    pub fn wall_interval(&self) -> Option<(f64, f64)> {
        match (self.wall_hours_p5, self.wall_hours_p95) {
            (Some(lo), Some(hi)) if lo < hi => Some((lo, hi)),
            _ => None,
        }
    }

    /// "hardware @ provider:region".
    pub fn label(&self) -> String {
        format!("{} @ {}:{}", self.hardware, self.provider, self.region)
    }
}

/// The marks option `i` of a plan carries: among all options, and within
/// its strategy.
fn marks(plan: &Plan, i: usize) -> MarkSet {
    let mut marks = MarkSet::default();
    let mut mark = |m: &Marks, scope: Scope| {
        for (idx, name) in [
            (Some(m.lowest), Mark::Lowest),
            (Some(m.fastest), Mark::Fastest),
            (m.knee, Mark::Knee),
        ] {
            if idx == Some(i) {
                marks.insert(scope, name);
            }
        }
    };
    mark(&plan.overall, Scope::Overall);
    mark(
        &plan.per_strategy[plan.options[i].eval.strategy],
        Scope::Strategy,
    );
    marks
}

/// a / b, and 1 when b is 0 (a figure and its percentile both zero).
fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        1.0
    }
}

/// The three marked options of a set.
#[derive(Debug, Clone, Serialize)]
pub struct Best {
    /// Lowest emissions.
    pub lowest_emissions: OptionRow,
    /// Shortest wall-clock time.
    pub fastest: OptionRow,
    /// The balanced knee of the front; none on fronts of fewer than three points.
    pub knee: Option<OptionRow>,
}

impl Best {
    fn of(plan: &Plan, m: &Marks) -> Best {
        Best {
            lowest_emissions: OptionRow::of(plan, m.lowest),
            fastest: OptionRow::of(plan, m.fastest),
            knee: m.knee.map(|k| OptionRow::of(plan, k)),
        }
    }

    /// The option a report recommends: the knee, or the lowest-emission one.
    pub fn chosen(&self) -> &OptionRow {
        self.knee.as_ref().unwrap_or(&self.lowest_emissions)
    }
}

/// One strategy's figures.
#[derive(Debug, Clone, Serialize)]
pub struct StrategySummary {
    /// Name.
    pub name: String,
    /// Trials run.
    pub trials: u64,
    /// Configurations tried.
    pub configurations: u64,
    /// The quality measure (see `space::quality`).
    pub quality: f64,
    /// Its lower bound.
    pub quality_low: f64,
    /// Its upper bound.
    pub quality_high: f64,
    /// What the figures are ("coverage model", "upper bound", ...).
    pub quality_model: String,
    /// Below `[scenario] quality_target`.
    pub below_target: bool,
    /// How the wall-clock figure was obtained.
    pub schedule_model: String,
    /// Device-hours on the scenario's first candidate device.
    pub device_hours_first_candidate: f64,
    /// Its best options.
    pub best: Best,
}

impl StrategySummary {
    /// The cells of a strategy table row: name, trials, quality, then its
    /// lowest-emission option's label, wall hours, kWh, operational,
    /// embodied and total kg CO2eq (tables append its start and wait with
    /// [`crate::report::timing`] when any strategy's option has one).
    pub fn cells(&self) -> Vec<String> {
        let b = &self.best.lowest_emissions;
        vec![
            self.name.clone(),
            thousands(self.trials as f64),
            quality_text(
                self.quality,
                self.quality_low,
                self.quality_high,
                &self.quality_model,
                self.below_target,
            ),
            b.label(),
            num(b.wall_hours),
            num(b.energy_kwh),
            ranges::cell(b.emissions_kg, b.emissions_kg_p5, b.emissions_kg_p95),
            num(b.embodied_kg),
            num(b.total_kg),
        ]
    }
}

/// A quality for tables and sentences: "95%", "15% (coverage model)",
/// "40% (40–100%, upper bound 100%)", with "below target" when it is.
pub fn quality_text(ranked: f64, low: f64, high: f64, model: &str, below: bool) -> String {
    let mut out = pct(ranked * 100.0);
    if (high - low).abs() > 1e-9 {
        out.push_str(&format!(" ({}–{})", pct(low * 100.0), pct(high * 100.0)));
    } else if model == "coverage model" {
        out.push_str(" (coverage model)");
    }
    if below {
        out.push_str(", below target");
    }
    out
}

/// A data file and where it was read from.
#[derive(Debug, Clone, Serialize)]
pub struct DataSource {
    /// File name.
    pub file: String,
    /// Bundled, or the path under --data.
    pub origin: Origin,
}

/// Everything a report says about a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Scenario file.
    pub scenario_file: String,
    /// Seed.
    pub seed: u64,
    /// Ranking metric.
    pub metric: Metric,
    /// The quality measure's q.
    pub top_fraction: f64,
    /// `[scenario] quality_target`.
    pub quality_target: f64,
    /// Options evaluated.
    pub options_evaluated: usize,
    /// Candidate devices.
    pub hardware_candidates: usize,
    /// Candidate sites.
    pub site_candidates: usize,
    /// Devices the cluster runs at once.
    pub max_concurrent_devices: u32,
    /// Per strategy.
    pub strategies: Vec<StrategySummary>,
    /// Over all options.
    pub overall: Best,
    /// The overall front, fastest first.
    pub front: Vec<OptionRow>,
    /// Findings, as sentences.
    pub findings: Vec<String>,
    /// How every figure is computed.
    pub method: Vec<String>,
    /// The catalog files used.
    pub data: Vec<DataSource>,
    /// Where the catalog's figures come from.
    pub sources: String,
    /// The method's citation.
    pub citation: String,
    /// Devices the precision excludes, with the reason.
    pub excluded: Vec<crate::scenario::Exclusion>,
    /// (device, region) pairs left out because the region does not offer the device.
    pub left_out_pairs: usize,
    /// Objectives of the Pareto ranks.
    pub objectives: Vec<crate::front::Objective>,
    /// What the trials train, and the speed model's fitted bytes per FLOP.
    pub workload: String,
    /// The uncertainty run: draws, and what drives the lowest option's range.
    pub uncertainty: UncertaintySummary,
    /// `[execution] capacity`: `shared` or `reserved`.
    pub capacity: String,
}

/// The uncertainty of a plan, for the reports.
#[derive(Debug, Clone, Serialize)]
pub struct UncertaintySummary {
    /// Monte Carlo draws (0: point figures only).
    pub draws: usize,
    /// Seed of the draws (the scenario's).
    pub seed: u64,
    /// Per input, the lowest-emission option's compared emissions with only
    /// that input varying (p5, p50, p95, kg CO2eq), widest first.
    pub sensitivity: Vec<Sensitivity>,
    /// The same, as one sentence.
    pub sensitivity_line: Option<String>,
}

/// One input's one-at-a-time range.
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    /// The input.
    pub input: String,
    /// 5th percentile, kg CO2eq.
    pub p5: f64,
    /// Median, kg CO2eq.
    pub p50: f64,
    /// 95th percentile, kg CO2eq.
    pub p95: f64,
}

impl UncertaintySummary {
    fn of(plan: &Plan) -> UncertaintySummary {
        UncertaintySummary {
            draws: plan.uncertainty.draws(),
            seed: plan.scenario.seed,
            sensitivity: plan
                .uncertainty
                .sensitivity(plan.overall.lowest)
                .iter()
                .map(|c| Sensitivity {
                    input: c.input.name().to_string(),
                    p5: c.range.p5,
                    p50: c.range.p50,
                    p95: c.range.p95,
                })
                .collect(),
            sensitivity_line: ranges::sensitivity(plan),
        }
    }
}

impl Summary {
    /// Summarise a plan.
    pub fn of(plan: &Plan, catalog: &Catalog) -> Summary {
        let first = &plan.scenario.hardware[0];
        let first_multiplier = plan.scenario.cost.multiplier(first).unwrap_or(f64::NAN);
        let strategies = plan
            .totals
            .iter()
            .zip(&plan.per_strategy)
            .map(|(t, m)| StrategySummary {
                name: t.strategy.name().to_string(),
                trials: t.trials,
                configurations: t.configurations,
                quality: t.quality,
                quality_low: t.quality_low,
                quality_high: t.quality_high,
                quality_model: t.quality_model.to_string(),
                below_target: t.below_target,
                schedule_model: t.schedule_model.clone(),
                device_hours_first_candidate: t.device_work * first_multiplier,
                best: Best::of(plan, m),
            })
            .collect();
        Summary {
            scenario: plan.scenario.name.clone(),
            scenario_file: plan.scenario.path.display().to_string(),
            seed: plan.scenario.seed,
            metric: plan.metric,
            top_fraction: plan.scenario.top_fraction,
            quality_target: plan.scenario.model.quality_target,
            options_evaluated: plan.options.len(),
            hardware_candidates: plan.scenario.hardware.len(),
            site_candidates: plan.scenario.sites.len(),
            max_concurrent_devices: plan.scenario.max_concurrent_devices,
            strategies,
            overall: Best::of(plan, &plan.overall),
            front: plan.front().into_iter().map(|i| OptionRow::of(plan, i)).collect(),
            findings: findings(plan),
            method: method(plan),
            data: catalog
                .origins
                .iter()
                .map(|(f, o)| DataSource { file: f.to_string(), origin: o.clone() })
                .collect(),
            sources: "Device figures: vendor datasheets; grid intensity of every region and country: \
                      Electricity Maps annual life-cycle means (ODbL, via CO2.js; Ember, CC BY-SA 4.0, where \
                      Electricity Maps has none), regions placed on zones with Cloud Carbon Footprint's map; \
                      PUE: the ML Emissions Calculator, Cloud Carbon Footprint, Green Algorithms, Google. \
                      See data/SOURCES.md."
                .to_string(),
            citation: crate::report::paper::BIBTEX.to_string(),
            excluded: plan.scenario.excluded.clone(),
            left_out_pairs: plan.scenario.left_out.len(),
            objectives: plan.objectives.clone(),
            workload: plan.scenario.cost.workload.name().to_string(),
            uncertainty: UncertaintySummary::of(plan),
            capacity: plan.scenario.execution.capacity.name().to_string(),
        }
    }
}

/// How the figures are computed, one sentence each.
pub fn method(plan: &Plan) -> Vec<String> {
    let mut m = vec![
        "energy_kwh = device_hours × power (TDP × utilization) × PUE / 1000; emissions_kg = energy_kwh × grid \
         intensity (g CO2eq/kWh) / 1000 (Lacoste et al. 2019, with PUE applied and no intermediate rounding)."
            .to_string(),
        format!(
            "Wall-clock time on {} devices, each trial waiting until the devices it holds are free: {}.",
            plan.scenario.max_concurrent_devices,
            schedule_models(plan)
        ),
        "Runtime on another device scales by the ratio of peak dense throughput at the trial's precision \
         (FLOPs model: flops / (devices × peak × mfu))."
            .to_string(),
        format!(
            "Quality: the probability that at least one trial lies in the best {q} of the search space, under one \
             model (Bergstra & Bengio 2012: one parameter matters, the good values are an interval of width q): \
             random search 1 − (1 − q)^n (exact); grid min over continuous parameters of min(1, (L − 1)·q) \
             (coverage model); Sobol and Latin hypercube between the i.i.d. value and min(1, n·q); Hyperband and \
             ASHA between 1 − (1 − q)^(n_R) over the configurations trained to the full budget and \
             1 − (1 − q)^C over all C (an upper bound: it assumes short runs rank configurations perfectly), or a \
             Monte Carlo value when a fidelity correlation is stated. Options below the {} target are listed apart, \
             never on the front nor marked.",
            pct(plan.scenario.model.quality_target * 100.0),
            q = pct(plan.scenario.top_fraction * 100.0),
        ),
        "Offsets are shown beside the total and never subtracted.".to_string(),
    ];
    m.extend(ranges::method(plan));
    m.extend(crate::report::execution::method(plan));
    if let Some(w) = &plan.scenario.window {
        m.push(format!(
            "Start times: from {}, with every sweep done within {} h, each option in a region with an hourly \
             intensity profile starts at the whole hour that minimises the mean intensity over its run (power \
             taken as constant); its wall-clock time is then time to result, waiting included. Profiled regions \
             use Electricity Maps' hourly life-cycle intensities of the start's year ({}), the hourly shape scaled \
             to the zone's annual figure; a year without a profile maps to the same week of the nearest profile year.",
            w.start,
            num(w.deadline_hours),
            crate::hourly::ATTRIBUTION
        ));
    }
    if let Some(c) = &plan.scenario.cost.calibration {
        let params: Vec<String> = c.params.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        m.push(format!(
            "Trial cost calibrated from a measured pilot ({}, {} run(s) with CodeCarbon): at {} the trial took {} h on {} × {}, drawing {} W per device on average; \
             every trial's runtime is scaled by {} to match, and that power replaces TDP × utilization (other devices scale it by their TDP).",
            c.file.display(),
            c.runs,
            params.join(", "),
            num(c.measured_hours),
            c.devices,
            c.device.name,
            num(c.watts_per_device),
            num(c.work_scale)
        ));
    }
    if plan.scenario.sites.iter().any(|s| s.provider == "country") {
        m.push(format!(
            "Country grids (private infrastructure) use PUE {}.",
            num(plan
                .scenario
                .sites
                .iter()
                .find(|s| s.provider == "country")
                .map_or(1.0, |s| s.pue))
        ));
    }
    m
}

/// "grid, random: random dispatch ...; hyperband: simulated, ...".
fn schedule_models(plan: &Plan) -> String {
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for t in &plan.totals {
        match groups.iter_mut().find(|(m, _)| *m == t.schedule_model) {
            Some((_, names)) => names.push(t.strategy.name()),
            None => groups.push((t.schedule_model.clone(), vec![t.strategy.name()])),
        }
    }
    groups
        .iter()
        .map(|(m, names)| format!("{}: {m}", names.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}
