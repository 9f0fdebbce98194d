//! Issue 19 item 7: findings compare against `[baseline]` when it is given,
//! else against the median candidate.

use co2sweep::plan::{Metric, Plan};
use co2sweep::report::summary::findings;

fn plan(baseline: &str) -> Plan {
    let s = crate::util::resnet(|text| format!("{text}\n{baseline}\n"));
    Plan::build(s, Metric::Operational).unwrap()
}

#[test]
fn site_finding_names_the_baseline_region_with_its_saving() {
    let p = plan("[baseline]\nregion = \"aws:us-east-1\"");
    let best = &p.options[p.overall.lowest].eval;
    let base = p
        .options
        .iter()
        .map(|o| &o.eval)
        .find(|e| {
            (e.strategy, e.hardware) == (best.strategy, best.hardware)
                && p.scenario.sites[e.site].key() == "aws:us-east-1"
                && e.wait_hours == 0.0
        })
        .unwrap();
    // Saving = 1 − best / baseline, printed as a whole percent.
    let saving = (1.0 - best.emissions_kg / base.emissions_kg) * 100.0;
    let f = findings(&p);
    let line = f
        .iter()
        .find(|l| l.contains("(the baseline site)"))
        .unwrap_or_else(|| panic!("{f:#?}"));
    assert!(line.contains("instead of aws:us-east-1"), "{line}");
    assert!(
        line.contains(&co2sweep::report::pct(saving)),
        "{line} vs {saving}"
    );
    // Without a baseline the median candidate site is named instead.
    let f = findings(&plan(""));
    assert!(
        f.iter().any(|l| l.contains("(the median candidate site)")),
        "{f:#?}"
    );
    assert!(!f.iter().any(|l| l.contains("baseline")), "{f:#?}");
}

#[test]
fn strategy_finding_compares_against_the_baseline_strategy() {
    // Grid (15 %, below the 95 % target) as baseline: random, the cheapest
    // strategy meeting the target, is compared against it.
    let f = findings(&plan("[baseline]\nstrategy = \"grid\""));
    let line = f
        .iter()
        .find(|l| l.contains("(the baseline)"))
        .unwrap_or_else(|| panic!("{f:#?}"));
    assert!(
        line.contains("random search") && line.contains("grid search"),
        "{line}"
    );
}
