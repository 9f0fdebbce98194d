//! The summary of a plan: the rows every output shares, the best options,
//! and the findings written as sentences, all computed from the results.
//!
//! `summary.json` and `plan --format json` serialize [`Summary`] as is; the
//! text and Markdown reports render it.

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Origin};
use crate::plan::{Marks, Metric, Plan, Ranked};
use crate::report::{duration, mass, num, pct, thousands};

/// One option as a flat row: the CSV columns, in order, and the JSON object.
/// The first eleven columns are a fixed interface; `co2sweep chart` reads
/// the rows back, so every chart can be redrawn from `options.csv` alone.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
    pub marks: String,
    /// The scenario's name (for chart titles).
    pub scenario: String,
    /// Chosen start (UTC), with `[execution] start`; empty otherwise.
    pub start: String,
    /// Hours waited before starting, for a cleaner grid.
    pub wait_hours: f64,
    /// Whether the sweep ends by `[execution] deadline_hours`.
    pub meets_deadline: bool,
    /// Where the site is, for people: "Paris, France".
    #[serde(default)]
    pub place: String,
    /// Whether the scenario listed the region by name (charts always show it).
    #[serde(default)]
    pub named: bool,
}

impl OptionRow {
    /// The row of option `i` of a plan.
    pub fn of(plan: &Plan, i: usize) -> OptionRow {
        let o: &Ranked = &plan.options[i];
        let e = &o.eval;
        let t = &plan.totals[e.strategy];
        let device = &plan.scenario.hardware[e.hardware];
        let site = &plan.scenario.sites[e.site];
        let mut marks = Vec::new();
        let mut mark = |m: &Marks, prefix: &str| {
            for (idx, name) in [
                (m.lowest, "lowest"),
                (m.fastest, "fastest"),
                (m.knee, "knee"),
            ] {
                if idx == i {
                    marks.push(format!("{prefix}{name}"));
                }
            }
        };
        mark(&plan.overall, "");
        mark(&plan.per_strategy[e.strategy], "strategy-");
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
            marks: marks.join(";"),
            scenario: plan.scenario.name.clone(),
            start: plan.scenario.window.as_ref().map_or(String::new(), |w| {
                w.start.plus_hours(e.wait_hours).to_string()
            }),
            wait_hours: e.wait_hours,
            meets_deadline: e.meets_deadline,
            place: plan
                .scenario
                .places
                .get(e.site)
                .map_or(String::new(), |p| p.name.clone()),
            named: plan.scenario.places.get(e.site).is_some_and(|p| p.named),
        }
    }

    /// The figure the ranking minimised: emissions_kg or total_kg.
    pub fn metric_kg(&self) -> f64 {
        match self.metric {
            Metric::Operational => self.emissions_kg,
            Metric::Total => self.total_kg,
        }
    }

    /// "hardware @ provider:region".
    pub fn label(&self) -> String {
        format!("{} @ {}:{}", self.hardware, self.provider, self.region)
    }
}

/// The three marked options of a set.
#[derive(Debug, Clone, Serialize)]
pub struct Best {
    /// Lowest emissions.
    pub lowest_emissions: OptionRow,
    /// Shortest wall-clock time.
    pub fastest: OptionRow,
    /// The balanced knee of the front.
    pub knee: OptionRow,
}

impl Best {
    fn of(plan: &Plan, m: &Marks) -> Best {
        Best {
            lowest_emissions: OptionRow::of(plan, m.lowest),
            fastest: OptionRow::of(plan, m.fastest),
            knee: OptionRow::of(plan, m.knee),
        }
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
    /// Device-hours on the scenario's first candidate device.
    pub device_hours_first_candidate: f64,
    /// Its best options.
    pub best: Best,
}

impl StrategySummary {
    /// The cells of a strategy table row: name, trials, quality, then its
    /// lowest-emission option's label, wall hours, kWh, operational,
    /// embodied and total kg CO2eq; then its start and wait when it has one.
    pub fn cells(&self) -> Vec<String> {
        let b = &self.best.lowest_emissions;
        vec![
            self.name.clone(),
            thousands(self.trials as f64),
            pct(self.quality * 100.0),
            b.label(),
            num(b.wall_hours),
            num(b.energy_kwh),
            num(b.emissions_kg),
            num(b.embodied_kg),
            num(b.total_kg),
        ]
    }
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
            sources: "Device figures: vendor datasheets; cloud-region intensity and PUE: the ML Emissions \
                      Calculator (mlco2/impact), Cloud Carbon Footprint, Green Algorithms and Google's 2023 \
                      region data; country grids: Our World in Data. See data/SOURCES.md."
                .to_string(),
            citation: crate::report::paper::BIBTEX.to_string(),
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
            "Wall-clock time: trials start longest first on {} devices, each waiting until the devices it \
             holds are free; Hyperband rungs run one after another.",
            plan.scenario.max_concurrent_devices
        ),
        "Runtime on another device scales by the ratio of peak dense throughput at the trial's precision \
         (FLOPs model: flops / (devices × peak × mfu))."
            .to_string(),
        format!(
            "Quality: the probability that at least one trial lies in the best {} of the search space \
             (1 − (1 − q)^n for n sampled trials; for a grid, n is the number of levels of its coarsest \
             continuous parameter, after Bergstra & Bengio 2012).",
            pct(plan.scenario.top_fraction * 100.0)
        ),
        "Offsets are shown beside the total and never subtracted.".to_string(),
    ];
    if let Some(w) = &plan.scenario.window {
        m.push(format!(
            "Start times: from {}, with every sweep done within {} h, each option in a region with an hourly \
             intensity profile starts at the whole hour that minimises the mean intensity over its run (power \
             taken as constant); its wall-clock time is then time to result, waiting included. Profiled regions \
             use Electricity Maps' 2023 direct intensities ({}); starts in other years map to the same week of 2023.",
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

/// The findings: what to change to cut emissions, computed from the plan.
pub fn findings(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    let row = |i: usize| OptionRow::of(plan, i);
    let q = pct(plan.scenario.top_fraction * 100.0);

    // Strategies, each at its lowest-emission option.
    if plan.totals.len() > 1 {
        let lowest: Vec<OptionRow> = plan.per_strategy.iter().map(|m| row(m.lowest)).collect();
        let named = |n: &str| lowest.iter().find(|r| r.strategy == n);
        if let (Some(r), Some(g)) = (named("random"), named("grid")) {
            let verb = if r.metric_kg() <= g.metric_kg() {
                "less"
            } else {
                "more"
            };
            out.push(format!(
                "random search ({} trials, {} chance of a top-{q} trial) emits {} {verb} than grid search ({} trials, {} chance).",
                thousands(r.trials as f64),
                pct(r.quality * 100.0),
                pct(saving(g.metric_kg(), r.metric_kg()).abs()),
                thousands(g.trials as f64),
                pct(g.quality * 100.0),
            ));
        }
        let best = (0..lowest.len())
            .min_by(|&a, &b| lowest[a].metric_kg().total_cmp(&lowest[b].metric_kg()))
            .unwrap_or(0);
        let worst = (0..lowest.len())
            .max_by(|&a, &b| {
                lowest[a]
                    .metric_kg()
                    .total_cmp(&lowest[b].metric_kg())
                    .then(b.cmp(&a))
            })
            .unwrap_or(0);
        let (b, w) = (&lowest[best], &lowest[worst]);
        // Not when it is the random-versus-grid sentence again.
        let said = b.strategy == "random" && w.strategy == "grid" && named("grid").is_some();
        if best != worst && !said {
            out.push(format!(
                "{} search ({} trials, {} chance of a top-{q} trial) emits {} less than {} search ({} trials, {} chance), each at its best option.",
                b.strategy,
                thousands(b.trials as f64),
                pct(b.quality * 100.0),
                pct(saving(w.metric_kg(), b.metric_kg())),
                w.strategy,
                thousands(w.trials as f64),
                pct(w.quality * 100.0),
            ));
        }
    }

    // Sites and hardware, around the overall lowest option.
    let best_i = plan.overall.lowest;
    let best = row(best_i);
    let e = &plan.options[best_i].eval;
    let same = |f: &dyn Fn(&Ranked) -> bool| -> Vec<usize> {
        (0..plan.options.len())
            .filter(|&i| f(&plan.options[i]))
            .collect()
    };
    let by_site = same(&|o| o.eval.strategy == e.strategy && o.eval.hardware == e.hardware);
    if let Some(&dirtiest) = by_site.iter().max_by(|&&a, &&b| {
        plan.metric_kg(&plan.options[a])
            .total_cmp(&plan.metric_kg(&plan.options[b]))
            .then(b.cmp(&a))
    }) {
        let d = row(dirtiest);
        if dirtiest != best_i && d.metric_kg() > best.metric_kg() {
            out.push(format!(
                "Running in {}:{} instead of {}:{} (the highest-emitting candidate) cuts emissions by a further {} ({} vs {} g CO2eq/kWh, PUE {} vs {}).",
                best.provider,
                best.region,
                d.provider,
                d.region,
                pct(saving(d.metric_kg(), best.metric_kg())),
                num(best.intensity_g_per_kwh),
                num(d.intensity_g_per_kwh),
                num(best.pue),
                num(d.pue)
            ));
        }
    }
    let by_hw = same(&|o| o.eval.strategy == e.strategy && o.eval.site == e.site);
    if let Some(&worst) = by_hw.iter().max_by(|&&a, &&b| {
        plan.metric_kg(&plan.options[a])
            .total_cmp(&plan.metric_kg(&plan.options[b]))
            .then(b.cmp(&a))
    }) {
        let w = row(worst);
        if worst != best_i && w.metric_kg() > best.metric_kg() {
            out.push(format!(
                "Running on {} emits {} less than on {} in the same region, and takes {} instead of {} of wall-clock time.",
                best.hardware,
                pct(saving(w.metric_kg(), best.metric_kg())),
                w.hardware,
                duration(best.wall_hours),
                duration(w.wall_hours)
            ));
        }
    }
    let knee = row(plan.overall.knee);
    let fastest = row(plan.overall.fastest);
    if plan.overall.knee != best_i {
        let fastest_too = if plan.overall.fastest == plan.overall.knee {
            " It is also the fastest option.".to_string()
        } else {
            format!(
                " The fastest ({} search on {}) takes {} and emits {}.",
                fastest.strategy,
                fastest.label(),
                duration(fastest.wall_hours),
                mass(fastest.metric_kg())
            )
        };
        out.push(format!(
            "The balanced option, {} search on {}, finishes in {} instead of {} for {} CO2eq instead of {}.{fastest_too}",
            knee.strategy,
            knee.label(),
            duration(knee.wall_hours),
            duration(best.wall_hours),
            mass(knee.metric_kg()),
            mass(best.metric_kg()),
        ));
    }
    if best.offset_kg > 0.0 {
        out.push(format!(
            "The provider offsets or matches {} of the lowest option's {} CO2eq of operational emissions; offsets are shown, not subtracted: avoided emissions beat offset ones.",
            mass(best.offset_kg),
            mass(best.emissions_kg)
        ));
    }
    out
}

fn saving(from: f64, to: f64) -> f64 {
    crate::estimate::saving_pct(from, to)
}
