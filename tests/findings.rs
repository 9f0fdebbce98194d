//! The findings of a plan, sentence by sentence, on small scenarios whose
//! figures are worked out by hand below.
//!
//! Catalog figures used (data/hardware.csv, data/countries.csv):
//! V100 PCIe 16GB 250 W, FP32 14 TFLOPS; A100 PCIe 40GB 250 W, FP32
//! 19.5 TFLOPS; France 56.039 g/kWh, Poland 661.926 g/kWh; country sites
//! use PUE 1.58. One trial takes 1 h on the V100, so 14 / 19.5 = 0.71795 h
//! on the A100; one device runs at a time.

use std::path::Path;

use co2sweep::catalog::Catalog;
use co2sweep::plan::{Metric, Plan};
use co2sweep::report::summary::findings;
use co2sweep::scenario::{parse, Options};

/// A plan of one `lr` parameter with 20 listed values (so grid search has
/// 20 trials and covers the space exhaustively: quality 100%), grid and
/// random search with `random_trials`, on `hardware` in `regions`.
fn plan(random_trials: u32, hardware: &str, regions: &str) -> Plan {
    let text = format!(
        r#"
[scenario]
name = "findings"

[space.lr]
values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]

[trial]
reference_hardware = "V100 PCIe 16GB"
hours = 1

[strategies.grid]

[strategies.random]
trials = {random_trials}

[hardware]
candidates = {hardware}

[regions]
candidates = {regions}

[execution]
max_concurrent_devices = 1
"#
    );
    let catalog = Catalog::bundled().unwrap();
    let scenario = parse(
        Path::new("findings.toml"),
        &text,
        &catalog,
        Options::default(),
    )
    .unwrap();
    Plan::build(scenario, Metric::Operational).unwrap()
}

#[test]
fn random_beats_grid_and_the_clean_region_and_fast_device_are_named() {
    let p = plan(
        10,
        r#"["V100 PCIe 16GB", "A100 PCIe 40GB"]"#,
        r#"["country:FR", "country:PL"]"#,
    );
    // Random: 10 trials, quality 1 − 0.95^10 = 40.1% → "40%"; grid: 20
    // trials, exhaustive → 100%. Same device and region at their best, so
    // random emits 10/20 of grid: 50% less.
    // Lowest overall: random on the A100 in France. Against Poland:
    // (661.926 − 56.039) / 661.926 = 91.5% → "92%"; intensities shown as
    // "56" and "662". Against the V100 in France: 1 − 14/19.5 = 28.2% →
    // "28%", and 10 × 0.71795 = 7.18 h against 10 h of wall-clock time.
    // The lowest option is also the fastest, so the knee is the lowest and
    // gets no sentence; country grids offset nothing. Best (random) against
    // worst (grid) would repeat the first sentence, so it is left out.
    assert_eq!(
        findings(&p),
        vec![
            "random search (10 trials, 40% chance of a top-5% trial) emits 50% less than grid search (20 trials, 100% chance).",
            "Running in country:FR instead of country:PL (the highest-emitting candidate) cuts emissions by a further 92% (56 vs 662 g CO2eq/kWh, PUE 1.58 vs 1.58).",
            "Running on A100 PCIe 40GB emits 28% less than on V100 PCIe 16GB in the same region, and takes 7.18 h instead of 10 h of wall-clock time.",
        ]
    );
}

#[test]
fn random_that_emits_more_says_more_and_one_site_says_nothing_of_sites() {
    let p = plan(30, r#"["A100 PCIe 40GB"]"#, r#"["country:FR"]"#);
    // Random: 30 trials, 1 − 0.95^30 = 78.5% → "79%"; it emits 30/20 of
    // grid: |20 − 30| / 20 = 50% more. Best strategy grid, worst random:
    // (30 − 20) / 30 = 33.3% → "33%" less. One device and one region: no
    // region or device sentence; grid is both lowest and fastest: no knee.
    assert_eq!(
        findings(&p),
        vec![
            "random search (30 trials, 79% chance of a top-5% trial) emits 50% more than grid search (20 trials, 100% chance).",
            "grid search (20 trials, 100% chance of a top-5% trial) emits 33% less than random search (30 trials, 79% chance), each at its best option.",
        ]
    );
}
