//! The execution model in words: overheads, rework and capacity, for the
//! method list and the paper paragraph. Silent when every key is at its
//! default (the figures are then the schedule's alone).

use crate::plan::Plan;
use crate::report::num;
use crate::sweep::execution::{Capacity, Execution};

/// The method sentence of the execution keys, where any is set.
pub fn method(plan: &Plan) -> Option<String> {
    let e = &plan.scenario.execution;
    if *e == Execution::default() {
        return None;
    }
    let mut parts = Vec::new();
    if e.overhead_hours > 0.0 {
        parts.push(format!(
            "{} h of overhead per launch (every trial, rung and resume), in device-hours and, per device slot, in wall-clock",
            num(e.overhead_hours)
        ));
    }
    if e.queue_wait_hours > 0.0 {
        parts.push(format!(
            "{} h of queue wait added to wall-clock (no energy)",
            num(e.queue_wait_hours)
        ));
    }
    if e.failure_rate_per_device_hour > 0.0 {
        parts.push(format!(
            "expected rework of {} failures per device-hour, each losing half {} plus {} h of restart \
             (first-order model, Young 1974)",
            e.failure_rate_per_device_hour,
            e.checkpoint_hours.map_or("a trial (no checkpoints)".to_string(), |c| {
                format!("a {} h checkpoint interval", num(c))
            }),
            num(e.restart_hours)
        ));
    }
    if e.capacity == Capacity::Reserved {
        parts.push(format!(
            "reserved capacity: the {} devices are held for the whole run, idle device-hours draw idle power \
             (the catalog's idle_watts, else {} of TDP) and embodied emissions and price are charged on every \
             reserved device-hour; utilization is busy / reserved device-hours",
            plan.scenario.max_concurrent_devices,
            e.idle_fraction.map_or("0.114 (GPU/TPU; Cloud Carbon Footprint) or 0.3 (CPU)".to_string(), |f| {
                num(f)
            })
        ));
    }
    (!parts.is_empty()).then(|| format!("Execution: {}.", parts.join("; ")))
}

/// "; reserved capacity, 39 % utilised" for the paper paragraph, under reserved capacity.
pub fn capacity_phrase(capacity: &str, utilization: f64) -> String {
    if capacity == Capacity::Reserved.name() {
        format!(
            "; reserved capacity, {} utilised",
            crate::report::pct(utilization * 100.0)
        )
    } else {
        String::new()
    }
}
