//! AWS and Azure offers and prices (issue #11, `data/offerings.csv` from
//! Karpenter's price tables): a region that does not sell a device leaves
//! the pair out, and the price per device-hour is an instance's price over
//! its GPUs, each checked by hand against a row of the table.

use co2sweep::catalog::Availability;
use co2sweep::plan::{Metric, Plan};
use co2sweep::scenario::Scenario;

fn scenario(hardware: &str, regions: &str) -> Scenario {
    let trial = "reference_hardware = \"H100 SXM\"\nhours = \"epochs\"";
    crate::util::small(trial, hardware, regions, false)
}

#[test]
fn h100_in_an_aws_region_without_p5_is_left_out() {
    // aws:us-gov-east-1 (AWS Price List, 2026-07-20) lists g4dn, g6, p3dn and
    // p6 but no p5: H100 SXM is not offered there; L4 (g6) is.
    let s = scenario("\"H100 SXM\", \"L4\"", "\"aws:us-gov-east-1\"");
    assert_eq!(s.left_out.len(), 1);
    assert_eq!(s.hardware[s.left_out[0].hardware].name, "H100 SXM");
    assert_eq!(s.sites[s.left_out[0].site].key(), "aws:us-gov-east-1");
    assert_eq!(s.pairs.len(), 1);
    assert_eq!(s.hardware[s.pairs[0].hardware].name, "L4");
    assert_eq!(s.pairs[0].availability, Availability::Offered);
    // g6.xlarge 1.0144 USD/h for 1 L4, the cheapest g6 per GPU there
    // (g6.12xlarge 5.80003 / 4 = 1.45).
    assert_eq!(s.pairs[0].instance_type.as_deref(), Some("g6.xlarge"));
    assert!((s.pairs[0].usd_per_device_hour.unwrap() - 1.0144).abs() < 1e-9);
}

#[test]
fn h100_in_us_east_1_costs_p5_48xlarge_over_eight() {
    let s = scenario("\"H100 SXM\"", "\"aws:us-east-1\"");
    assert!(s.left_out.is_empty());
    let plan = Plan::build(s, Metric::Operational).unwrap();
    let o = &plan.options[0];
    // p5.48xlarge 55.04 USD/h / 8 GPUs = 6.88 USD per device-hour (p5.4xlarge
    // 6.88 / 1 ties; the instance with more GPUs wins). 4 trials × 10 h × 1
    // device = 40 device-hours × 6.88 = 275.2 USD.
    assert!((o.eval.device_hours - 40.0).abs() < 1e-9);
    assert!((o.eval.cost_usd.unwrap() - 275.2).abs() < 1e-6);
    assert_eq!(
        plan.scenario.pairs[0].instance_type.as_deref(),
        Some("p5.48xlarge")
    );
}

#[test]
fn china_region_is_covered_without_a_usd_price() {
    // cn-north-1 (2024-11-06) prices in CNY: V100 (p3) offered, unpriced; no H100.
    let s = scenario("\"H100 SXM\", \"V100 SXM2 16GB\"", "\"aws:cn-north-1\"");
    assert_eq!(s.left_out.len(), 1);
    assert_eq!(s.pairs[0].availability, Availability::Offered);
    assert_eq!(s.pairs[0].usd_per_device_hour, None);
}
