//! Issue 19 items 5 and 6 on the ResNet scenario: per-launch overhead,
//! queue wait, failure rework and reserved capacity, against figures
//! computed by hand from the same plan without them.

use co2sweep::plan::{Metric, Plan};
use co2sweep::sweep::Evaluated;

fn plan(edit: &str) -> Plan {
    let s = crate::util::resnet(|text| {
        text.replace(
            "precision = \"fp16\"",
            &format!("precision = \"fp16\"\n{}", trial_part(edit)),
        )
        .replace(
            "max_concurrent_devices = 64   # eight 8-GPU servers",
            &format!("max_concurrent_devices = 64\n{}", execution_part(edit)),
        )
    });
    Plan::build(s, Metric::Operational).unwrap()
}

fn trial_part(edit: &str) -> String {
    edit.lines()
        .filter(|l| l.starts_with("overhead"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn execution_part(edit: &str) -> String {
    edit.lines()
        .filter(|l| !l.starts_with("overhead"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Random search on V100 in gcp:us-central1.
fn random_v100(p: &Plan) -> Evaluated {
    p.options
        .iter()
        .map(|o| &o.eval)
        .find(|e| {
            p.totals[e.strategy].strategy.name() == "random"
                && p.scenario.hardware[e.hardware].name == "V100 SXM2 16GB"
                && p.scenario.sites[e.site].key() == "gcp:us-central1"
        })
        .unwrap()
        .clone()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn overhead_and_queue_wait() {
    let base = random_v100(&plan(""));
    let e = random_v100(&plan("overhead_hours = 0.1\nqueue_wait_hours = 2.0"));
    // 59 trials × 8 devices × 0.1 h = 47.2 device-hours more.
    assert_eq!(e.trials, 59);
    assert!(close(e.device_hours, base.device_hours + 47.2));
    // ⌈59 × 8 / 64⌉ = 8 launches per slot × 0.1 h, plus 2 h of queue.
    assert!(close(e.wall_hours, base.wall_hours + 0.8 + 2.0));
    // Energy follows device-hours only: × (H + 47.2) / H.
    assert!(close(
        e.energy_kwh,
        base.energy_kwh * (base.device_hours + 47.2) / base.device_hours
    ));
}

#[test]
fn failures_add_expected_rework() {
    let base = random_v100(&plan(""));
    let e = random_v100(&plan(
        "failure_rate_per_device_hour = 0.001\ncheckpoint_hours = 1.0\nrestart_hours = 0.2",
    ));
    // F = 0.001 × H failures, each losing 1/2 + 0.2 = 0.7 h on 8 devices
    // (the trials run longer than the 1 h interval): rework = F × 5.6.
    let rework = 0.001 * base.device_hours * 5.6;
    assert!(close(e.device_hours, base.device_hours + rework));
    assert!(close(
        e.wall_hours,
        base.wall_hours * (1.0 + rework / base.device_hours)
    ));
}

#[test]
fn reserved_capacity_charges_idle_power_and_embodied_on_reserved_hours() {
    let base = random_v100(&plan(""));
    let reserved_plan = plan("capacity = \"reserved\"");
    let e = random_v100(&reserved_plan);
    let reserved = 64.0 * base.wall_hours;
    let idle = reserved - base.device_hours;
    assert!(idle > 0.0);
    assert_eq!(
        (e.device_hours, e.wall_hours),
        (base.device_hours, base.wall_hours)
    );
    assert!(close(e.utilization, base.device_hours / reserved));
    assert!(close(base.utilization, e.utilization));
    // Idle V100: 0.114 × 300 W = 34.2 W, at gcp:us-central1's PUE (1.11).
    let pue = reserved_plan.scenario.sites[e.site].pue;
    assert_eq!(pue, 1.11);
    assert!(close(
        e.energy_kwh,
        base.energy_kwh + idle * 34.2 * pue / 1000.0
    ));
    // Embodied per device-hour is the same, on all reserved device-hours.
    assert!(close(
        e.embodied_kg,
        base.embodied_kg * reserved / base.device_hours
    ));
}
