//! Device comparisons (issue #11): measured speed-ups, precisions, offers,
//! prices, CPU threads and the objectives of the front, each checked
//! against figures computed by hand.

use co2sweep::front::Objective;
use co2sweep::plan::{Metric, Plan};

use crate::util::small;

fn hours(plan: &Plan, device: &str) -> f64 {
    plan.options
        .iter()
        .find(|o| plan.scenario.hardware[o.eval.hardware].name == device)
        .unwrap()
        .eval
        .device_hours
}

#[test]
fn resnet_fp16_a100_over_v100_is_measured_near_two() {
    let s = small(
        "workload = \"cnn\"\nprecision = \"fp16\"\nreference_hardware = \"V100 SXM2 16GB\"\nhours = \"epochs\"",
        "\"V100 SXM2 16GB\", \"A100 SXM4 80GB\"",
        "\"country:FR\"",
        false,
    );
    let plan = Plan::build(s, Metric::Operational).unwrap();
    // 4 trials × 10 h on the V100; DLE ResNet-50 AMP: A100 80GB is 2.0275× (throughput.rs).
    let ratio = hours(&plan, "V100 SXM2 16GB") / hours(&plan, "A100 SXM4 80GB");
    assert!((ratio - 2.0275).abs() < 1e-3, "{ratio}");
    assert!(plan
        .options
        .iter()
        .all(|o| o.eval.speed_basis == co2sweep::cost::SpeedBasis::Measured));
}

#[test]
fn llm_bf16_h100_over_a100_is_measured_near_two_point_two() {
    let s = small(
        "workload = \"llm\"\nprecision = \"bf16\"\nreference_hardware = \"A100 SXM4 80GB\"\nhours = \"epochs\"",
        "\"A100 SXM4 80GB\", \"H100 SXM\"",
        "\"country:US\"",
        false,
    );
    let plan = Plan::build(s, Metric::Operational).unwrap();
    // LLM Foundry matched configurations: 1B 2.22×, 7B 2.29×, 13B 2.12×, 30B 2.19× (8 GPUs).
    let ratio = hours(&plan, "A100 SXM4 80GB") / hours(&plan, "H100 SXM");
    assert!((2.0..2.4).contains(&ratio), "{ratio}");
}

#[test]
fn bf16_excludes_v100_and_t4_with_reasons() {
    let s = small(
        "precision = \"bf16\"\nreference_hardware = \"A100 SXM4 40GB\"\nhours = \"epochs\"",
        "\"V100 SXM2 16GB\", \"T4\", \"A100 SXM4 40GB\"",
        "\"country:FR\"",
        false,
    );
    let names: Vec<&str> = s.excluded.iter().map(|e| e.hardware.as_str()).collect();
    assert_eq!(names, ["V100 SXM2 16GB", "T4"]);
    assert!(s.excluded.iter().all(|e| e.reason.contains("no bf16")));
    assert_eq!(s.hardware.len(), 1);
}

#[test]
fn mi300x_never_in_gcp_and_h100_priced_as_a3_highgpu_8g() {
    let s = small(
        "precision = \"bf16\"\nreference_hardware = \"H100 SXM\"\nhours = \"epochs\"\ndevices = 8",
        "\"H100 SXM\", \"MI300X\"",
        "\"gcp:*\", \"country:US\"",
        false,
    );
    let gcp = s.sites.iter().filter(|r| r.provider == "gcp").count();
    // Every GCP region leaves MI300X out; country:US takes it.
    assert_eq!(
        (s.left_out.iter())
            .filter(|e| s.hardware[e.hardware].name == "MI300X")
            .count(),
        gcp
    );
    let plan = Plan::build(s, Metric::Operational).unwrap();
    let site = |o: &co2sweep::plan::Ranked| plan.scenario.sites[o.eval.site].key();
    let dev = |o: &co2sweep::plan::Ranked| plan.scenario.hardware[o.eval.hardware].name.clone();
    assert!(!plan
        .options
        .iter()
        .any(|o| dev(o) == "MI300X" && site(o).starts_with("gcp:")));
    let o = plan
        .options
        .iter()
        .find(|o| dev(o) == "H100 SXM" && site(o) == "gcp:us-central1")
        .unwrap();
    // 4 trials × 10 h × 8 devices = 320 device-hours × 88.49 / 8 USD = 3,539.6 USD.
    assert!((o.eval.device_hours - 320.0).abs() < 1e-9);
    assert!((o.eval.cost_usd.unwrap() - 320.0 * 88.49 / 8.0).abs() < 1e-6);
}

#[test]
fn any_hardware_keeps_unoffered_pairs_as_unknown() {
    let s = small(
        "precision = \"bf16\"\nreference_hardware = \"H100 SXM\"\nhours = \"epochs\"",
        "\"MI300X\"",
        "\"gcp:us-central1\"",
        true,
    );
    assert!(s.left_out.is_empty());
    assert_eq!(
        s.pairs[0].availability,
        co2sweep::catalog::Availability::Unknown
    );
}

#[test]
fn cpu_threads_share_a_socket_and_scale_per_core() {
    // 8 threads on a 64-core EPYC 7763: 8 trials per socket; on a 16-core
    // EPYC 7343 (3.2 GHz vs 2.45): 2 per socket, each trial 2.45 / 3.2 of the time.
    let s = small(
        "reference_hardware = \"AMD EPYC 7763\"\nhours = \"epochs\"\nthreads = 8",
        "\"AMD EPYC 7763\", \"AMD EPYC 7343\"",
        "\"country:FR\"",
        false,
    );
    let plan = Plan::build(s, Metric::Operational).unwrap();
    // 4 trials × 10 h / 8 per socket = 5 socket-hours.
    assert!((hours(&plan, "AMD EPYC 7763") - 5.0).abs() < 1e-9);
    // 4 × 10 × 2.45 / 3.2 / 2 = 15.3125 socket-hours.
    assert!((hours(&plan, "AMD EPYC 7343") - 15.3125).abs() < 1e-9);
    // All 4 trials fit at once on 8 sockets × 8 slots: 10 h of wall time.
    let wall = plan.options[0].eval.wall_hours;
    assert!((wall - 10.0).abs() < 1e-9, "{wall}");
}

#[test]
fn front_on_time_and_cost_ranks_by_price() {
    let s = small(
        "precision = \"bf16\"\nreference_hardware = \"H100 SXM\"\nhours = \"epochs\"",
        "\"H100 SXM\", \"L4\"",
        "\"gcp:us-central1\"",
        false,
    );
    let plan =
        Plan::build_with(s, Metric::Operational, &[Objective::Time, Objective::Cost]).unwrap();
    assert_eq!(plan.objectives, [Objective::Time, Objective::Cost]);
    // H100 is faster; the L4 (0.7068 USD/h on g2-standard-4) is cheaper per device-hour, and
    // takes fewer dollars in total unless it is over 15.6× slower (11.06 / 0.7068): both on the front
    // when it is cheaper in total, else the H100 alone.
    let h = plan.options.iter().find(|o| o.eval.hardware == 0).unwrap();
    let l = plan.options.iter().find(|o| o.eval.hardware == 1).unwrap();
    let l_cheaper = l.eval.cost_usd.unwrap() < h.eval.cost_usd.unwrap();
    assert_eq!(h.pareto_rank, 1);
    assert_eq!(l.pareto_rank, if l_cheaper { 1 } else { 2 });
}
