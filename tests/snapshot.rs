//! Snapshots of the reports of every bundled scenario: the text report,
//! `report.md` and `summary.json`. Any change of a figure, a sentence or a
//! field fails here; review it with `cargo insta review` (or regenerate
//! with `INSTA_UPDATE=always`) when it is intended. Paths are redacted so
//! the snapshots hold on any machine.

use crate::util::{root, run, scenario, stderr, stdout};

/// Every bundled scenario, by file name.
const SCENARIOS: [&str; 7] = [
    "resnet50-imagenet.toml",
    "bert-glue.toml",
    "gpt-small-ablation.toml",
    "xgboost-cpu.toml",
    "bench-1m-grid.toml",
    "bench-1m-grid-timeshift.toml",
    "bench-1m-random.toml",
];

/// Replace machine-specific paths with placeholders.
fn redact(text: &str, out: &std::path::Path) -> String {
    let root = root().display().to_string();
    text.replace(&out.display().to_string(), "<out>")
        .replace(&root, "<root>")
}

#[test]
fn reports_of_every_bundled_scenario() {
    for name in SCENARIOS {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let path = scenario(name);
        let o = run(&["plan", &path, "--out", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let stem = name.trim_end_matches(".toml");
        insta::assert_snapshot!(format!("{stem}.txt"), redact(&stdout(&o), &out));
        for file in ["report.md", "summary.json"] {
            let text = std::fs::read_to_string(out.join(file)).unwrap();
            insta::assert_snapshot!(format!("{stem}.{file}"), redact(&text, &out));
        }
    }
}
