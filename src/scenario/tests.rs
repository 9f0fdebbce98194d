//! Unit tests of the scenario checker.

use super::*;
use crate::space;

/// The example of the scenario issue, verbatim.
pub(crate) const EXAMPLE: &str = r#"
[scenario]
name = "ResNet-50 on ImageNet"
seed = 7

[space.learning_rate]
distribution = "log_uniform_values"
min = 1e-4
max = 1e-1
grid_points = 4            # levels grid search uses for a continuous parameter

[space.batch_size]
values = [256, 512, 1024]

[space.epochs]
values = [30, 60, 90]

[space.optimizer]
values = ["sgd", "lamb"]

[trial]
reference_hardware = "V100 SXM2 16GB"
hours = "3.2 * epochs / 90 * (256 / batch_size) ^ 0.1"  # wall-clock hours of one trial on the reference hardware
devices = 8                # devices per trial: a number or a formula
utilization = 0.8          # average draw as a fraction of TDP

[strategies.grid]

[strategies.random]
trials = 60                # or: target = { top_fraction = 0.05, confidence = 0.95 }

[strategies.hyperband]
resource = "epochs"        # the parameter used as the budget
max_resource = 81
eta = 3

[hardware]
candidates = ["V100 SXM2 16GB", "A100 SXM4 40GB", "H100 SXM"]   # or ["*"]

[regions]
candidates = ["gcp:*", "aws:us-east-1", "country:FR"]

[execution]
max_concurrent_devices = 64
"#;

fn check(text: &str) -> Result<Scenario> {
    parse(
        Path::new("s.toml"),
        text,
        &Catalog::bundled().unwrap(),
        Options::default(),
    )
}

fn error(text: &str) -> String {
    check(text).unwrap_err().to_string()
}

#[test]
fn regions_year_and_private_pue_match_estimate() {
    // country:FR gets the private-site PUE of `estimate --country` (1.56)
    // and France's 2025 figure (31 g/kWh); with `year = 2023`, 49 g/kWh
    // (Electricity Maps yearly_2023.json), as gcp:europe-west9 (Paris).
    let fr = |s: &Scenario| {
        s.sites
            .iter()
            .find(|r| r.provider == "country")
            .unwrap()
            .clone()
    };
    let s = check(EXAMPLE).unwrap();
    assert_eq!((fr(&s).pue, fr(&s).intensity_g_per_kwh), (1.56, 31.0));
    let text = EXAMPLE.replace(
        "candidates = [\"gcp:*\", \"aws:us-east-1\", \"country:FR\"]",
        "candidates = [\"gcp:*\", \"aws:us-east-1\", \"country:FR\"]\nyear = 2023",
    );
    let s = check(&text).unwrap();
    assert_eq!(
        (fr(&s).intensity_g_per_kwh, fr(&s).intensity_year),
        (49.0, 2023)
    );
    let paris = s.sites.iter().find(|r| r.region == "europe-west9").unwrap();
    assert_eq!(paris.intensity_g_per_kwh, 49.0);
    let e = error(&text.replace("year = 2023", "year = 2019"));
    assert!(e.contains("no grid data for 2019"), "{e}");
}

#[test]
fn the_issue_example_parses() {
    let s = check(EXAMPLE).unwrap();
    assert_eq!(s.name, "ResNet-50 on ImageNet");
    assert_eq!(s.seed, 7);
    let names: Vec<&str> = s.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["learning_rate", "batch_size", "epochs", "optimizer"]
    );
    assert_eq!(s.strategies.len(), 3);
    // 4 × 3 × 3 × 2 = 72 grid trials.
    assert_eq!(space::count(&s.params, &s.strategies[0]), Ok(72));
    assert_eq!(s.hardware.len(), 3);
    assert!(s
        .sites
        .iter()
        .any(|r| r.provider == "country" && r.region == "FR"));
    assert_eq!(s.max_concurrent_devices, 64);
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let text = EXAMPLE.replace("grid_points = 4", "grid_point = 4");
    let e = error(&text);
    assert!(
        e.starts_with("s.toml:10:1: unknown key 'grid_point' (did you mean 'grid_points'?)"),
        "{e}"
    );
}

#[test]
fn formula_errors_point_at_the_spot() {
    let text = EXAMPLE.replace("3.2 * epochs / 90", "3.2 * epoch / 90");
    let e = error(&text);
    // Line 23; the formula starts at column 10 (after `hours = "`), 'epoch' 6 chars in.
    assert!(
        e.starts_with("s.toml:23:16: in `hours`: unknown parameter 'epoch'"),
        "{e}"
    );
    assert!(e.contains("did you mean 'epochs'"), "{e}");
}

#[test]
fn categorical_parameters_cannot_be_read() {
    let text = EXAMPLE.replace("3.2 * epochs / 90", "3.2 * optimizer / 90");
    assert!(error(&text).contains("'optimizer', which is categorical"));
}

#[test]
fn min_not_below_max() {
    let text = EXAMPLE.replace("max = 1e-1", "max = 1e-5");
    let e = error(&text);
    assert!(
        e.starts_with("s.toml:8:7: parameter 'learning_rate' has min 0.0001 ≥ max 0.00001"),
        "{e}"
    );
}

#[test]
fn large_grid_is_refused_with_its_size() {
    let text = EXAMPLE.replace("grid_points = 4", "grid_points = 2000000");
    let e = error(&text);
    assert!(e.contains("grid search would run 36,000,000 trials"), "{e}");
    let s = parse(
        Path::new("s.toml"),
        &text,
        &Catalog::bundled().unwrap(),
        Options {
            allow_large: true,
            any_hardware: false,
            ..Options::default()
        },
    );
    assert!(s.is_ok());
}
