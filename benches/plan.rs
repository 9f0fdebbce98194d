//! Benchmarks of the three stages of `plan`: expansion (drawing trials),
//! evaluation (cost formulas, totals and schedule per strategy; options),
//! ranking (Pareto ranks), and the Monte Carlo of the uncertainty. Run with
//! `cargo bench --bench plan`.

use std::path::Path;

use co2sweep::catalog::Catalog;
use co2sweep::pareto::{self, Point};
use co2sweep::plan::{Metric, Plan};
use co2sweep::scenario::{self, Dispatch, Options, Scenario};
use co2sweep::space::JobSet;
use co2sweep::sweep::{self, Evaluated};
use co2sweep::uncertainty::Analysis;

fn main() {
    divan::main();
}

fn load(name: &str) -> Scenario {
    load_in("scenarios", name)
}

/// A scenario of `folder` (`scenarios`, or `benches/scenarios` for the
/// 10^7-trial cases the tests do not plan).
fn load_in(folder: &str, name: &str) -> Scenario {
    let catalog = Catalog::bundled().expect("bundled catalog");
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(folder)
        .join(name);
    scenario::load(
        &path,
        &catalog,
        Options {
            allow_large: true,
            ..Options::default()
        },
    )
    .expect("bundled scenario")
}

/// Writing 100,000 trials of a scenario's first strategy into slots.
fn expand_100k(bencher: divan::Bencher, scenario: &str) {
    let s = load(scenario);
    let set = JobSet::new(&s.params, &s.strategies[0], s.seed).unwrap();
    let mut slots = vec![0.0; s.params.len()];
    bencher.bench_local(|| {
        let mut acc = 0.0;
        for i in 0..100_000 {
            set.trial(i, &mut slots);
            acc += slots[0];
        }
        acc
    });
}

/// Drawing 100,000 random trials (ChaCha8 per trial, inverse CDFs).
#[divan::bench]
fn expand_random_100k(bencher: divan::Bencher) {
    expand_100k(bencher, "bench-1m-random.toml");
}

/// Decoding 100,000 grid trials (mixed radix).
#[divan::bench]
fn expand_grid_100k(bencher: divan::Bencher) {
    expand_100k(bencher, "bench-1m-grid.toml");
}

/// Totals and schedule of the 1,000,000-trial grid (factored).
#[divan::bench(sample_count = 20)]
fn evaluate_grid_1m(bencher: divan::Bencher) {
    let s = load("bench-1m-grid.toml");
    bencher.bench_local(|| sweep::totals(&s, &s.strategies[0]).unwrap());
}

/// Totals and schedule of 1,000,000 random trials (every trial evaluated).
#[divan::bench(sample_count = 5)]
fn evaluate_random_1m(bencher: divan::Bencher) {
    let s = load("bench-1m-random.toml");
    bencher.bench_local(|| sweep::totals(&s, &s.strategies[0]).unwrap());
}

/// The work of `tools/numpy_exact.py time 1000000`, like for like: the
/// 10^6 random trials of bench-1m-random drawn, evaluated and summed, with
/// the longest-first schedule of their distinct costs (no dispatch orders
/// simulated, which the NumPy version does not do either).
#[divan::bench(sample_count = 10)]
fn evaluate_random_1m_lpt(bencher: divan::Bencher) {
    let mut s = load("bench-1m-random.toml");
    s.model.dispatch = Dispatch::Lpt;
    bencher.bench_local(|| sweep::totals(&s, &s.strategies[0]).unwrap());
}

/// Totals and schedule of 10,000,000 random trials (drawn in SIMD lanes,
/// one evaluation per level combination of the two parameters read).
#[divan::bench(sample_count = 5)]
fn evaluate_random_10m(bencher: divan::Bencher) {
    let s = load_in("benches/scenarios", "bench-10m-random.toml");
    bencher.bench_local(|| sweep::totals(&s, &s.strategies[0]).unwrap());
}

/// Totals and schedule of a 10,000,000-trial grid whose cost reads every
/// parameter (no factoring: every trial decoded and evaluated).
#[divan::bench(sample_count = 5)]
fn evaluate_grid_10m_unfactorable(bencher: divan::Bencher) {
    let s = load_in("benches/scenarios", "bench-10m-grid.toml");
    bencher.bench_local(|| sweep::totals(&s, &s.strategies[0]).unwrap());
}

/// The whole plan of the grid benchmark: every device × region option, ranked.
#[divan::bench(sample_count = 10)]
fn plan_grid_1m(bencher: divan::Bencher) {
    let s = load("bench-1m-grid.toml");
    bencher.bench_local(|| Plan::build(s.clone(), Metric::Operational).unwrap());
}

/// Pareto ranks of 100,000 points (O(n log n) sweep).
#[divan::bench]
fn rank_100k(bencher: divan::Bencher) {
    // A fixed pseudo-random cloud (xorshift), so runs are comparable.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let points: Vec<Point> = (0..100_000)
        .map(|_| Point {
            x: next(),
            y: next(),
        })
        .collect();
    bencher.bench_local(|| pareto::ranks(&points));
}

/// The uncertainty of bert-glue's options at 10,000 draws (606: its five
/// devices where the regions offer them): every factor's draws
/// regenerated, every option's percentiles and `p_lowest`.
#[divan::bench(sample_count = 10)]
fn uncertainty_bert_glue_10k(bencher: divan::Bencher) {
    let mut s = load("bert-glue.toml");
    s.uncertainty.draws = 0;
    let plan = Plan::build(s.clone(), Metric::Operational).unwrap();
    let evaluated: Vec<Evaluated> = plan.options.iter().map(|o| o.eval.clone()).collect();
    assert!(evaluated.len() > 500);
    s.uncertainty.draws = 10_000;
    bencher.bench_local(|| Analysis::new(&s, &evaluated, Metric::Operational));
}
