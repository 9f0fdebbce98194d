//! `co2sweep check` and `co2sweep expand` on bundled and broken scenarios.

use crate::util::{fails_with, run, scenario, stdout};

#[test]
fn every_bundled_scenario_passes_check() {
    let dir = crate::util::root().join("scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let o = run(&["check", &path.display().to_string(), "--allow-large"]);
            assert!(
                o.status.success(),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&o.stderr)
            );
            assert!(stdout(&o).contains(": OK"));
            n += 1;
        }
    }
    assert!(n >= 4, "only {n} scenarios");
}

#[test]
fn check_reports_trials_and_quality() {
    let o = run(&["check", &scenario("resnet50-imagenet.toml")]);
    let s = stdout(&o);
    // Grid: 4 × 3 × 3 × 2 = 72; random target q = 0.05, p = 0.95 → 59; Hyperband R = 81, η = 3 → 206 trials, 143 configurations.
    assert!(s.contains("grid"), "{s}");
    for row in ["72", "59", "206", "143"] {
        assert!(s.contains(row), "missing {row}: {s}");
    }
}

#[test]
fn unknown_strategy_for_expand() {
    fails_with(
        &[
            "expand",
            &scenario("resnet50-imagenet.toml"),
            "--strategy",
            "randm",
        ],
        "did you mean 'random'",
    );
}
