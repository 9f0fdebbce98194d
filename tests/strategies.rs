//! Issue 19's figures, pinned through the library on the ResNet scenario.

use co2sweep::plan::{Metric, Plan};
use co2sweep::scenario::Scenario;
use co2sweep::sweep;

use crate::util::resnet;

fn totals(s: &Scenario, name: &str) -> sweep::StrategyTotals {
    let st = s.strategies.iter().find(|x| x.name() == name).unwrap();
    sweep::totals(s, st).unwrap()
}

#[test]
fn resnet_grid_quality_under_the_coverage_model() {
    // learning_rate with 4 levels: (4 − 1) × 0.05 = 0.15; other parameters are lists.
    let s = resnet(|t| t);
    assert!((totals(&s, "grid").quality - 0.15).abs() < 1e-12);
    // 21 levels: (21 − 1) × 0.05 = 1.0.
    let s = resnet(|t| t.replace("grid_points = 4 ", "grid_points = 21 "));
    assert_eq!(totals(&s, "grid").quality, 1.0);
}

#[test]
fn resnet_hyperband_interval_and_lower_bound_of_its_schedule() {
    let s = resnet(|t| t);
    let t = totals(&s, "hyperband");
    // R = 81, η = 3, q = 0.05: 1 − 0.95^10 and 1 − 0.95^143.
    assert!((t.quality_low - 0.4013).abs() < 5e-5);
    assert!((t.quality_high - 0.9993).abs() < 5e-5);
    assert!(t.below_target);
    // On V100 (the reference device, multiplier 1), 64 devices / 8 per
    // trial = 8 slots: no schedule beats max(work / slots, longest trial),
    // the 9.61 h.
    let v100 = s
        .hardware
        .iter()
        .position(|d| d.name.starts_with("V100"))
        .unwrap();
    let m = s.cost.multiplier(&s.hardware[v100]).unwrap();
    // device_work is Σ devices × work, so work / slots = device_work / 64.
    let bound = t.device_work / 64.0;
    assert!(t.makespan_p10 >= bound - 1e-9);
    assert!(t.makespan_p10 * m >= 9.61, "{}", t.makespan_p10 * m);
    // Sequential brackets take longer than concurrent ones.
    let seq = resnet(|t| t.replace("brackets = \"concurrent\"", "brackets = \"sequential\""));
    assert!(totals(&seq, "hyperband").makespan_work > t.makespan_work);
}

#[test]
fn nothing_below_target_is_marked_and_marks_ignore_input_order() {
    let plan = Plan::build(resnet(|t| t), Metric::Operational).unwrap();
    let below = |i: usize| plan.totals[plan.options[i].eval.strategy].below_target;
    assert!(!below(plan.overall.lowest) && !below(plan.overall.fastest));
    assert!(plan.overall.knee.is_none_or(|k| !below(k)));
    assert!(plan.front().iter().all(|&i| !below(i)));
    // Reversing hardware and regions changes no mark.
    let name = |p: &Plan, i: usize| {
        let e = &p.options[i].eval;
        (
            e.strategy,
            p.scenario.hardware[e.hardware].name.clone(),
            p.scenario.sites[e.site].key(),
        )
    };
    let reversed = Plan::build(
        resnet(|t| {
            t.replace(
                "[\"V100 SXM2 16GB\", \"A100 SXM4 40GB\", \"H100 SXM\"]",
                "[\"H100 SXM\", \"A100 SXM4 40GB\", \"V100 SXM2 16GB\"]",
            )
            .replace(
                "[\"gcp:*\", \"aws:us-east-1\", \"azure:westeurope\", \"country:FR\"]",
                "[\"country:FR\", \"azure:westeurope\", \"aws:us-east-1\", \"gcp:*\"]",
            )
        }),
        Metric::Operational,
    )
    .unwrap();
    assert_eq!(
        name(&plan, plan.overall.lowest),
        name(&reversed, reversed.overall.lowest)
    );
    assert_eq!(
        name(&plan, plan.overall.fastest),
        name(&reversed, reversed.overall.fastest)
    );
}
