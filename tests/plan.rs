//! `co2sweep plan`: totals by hand, files, determinism and no-overwrite.

use crate::util::{run, scenario, stdout};

#[test]
fn readme_main_command_runs() {
    let o = run(&["plan", &scenario("resnet50-imagenet.toml")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("Pareto front"));
}
