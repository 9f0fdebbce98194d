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

#[test]
fn expand_is_identical_on_one_thread_and_many() {
    let run_with = |threads: Option<&str>| {
        let mut cmd = crate::util::co2sweep();
        if let Some(t) = threads {
            cmd.env("RAYON_NUM_THREADS", t);
        }
        cmd.args([
            "expand",
            &scenario("resnet50-imagenet.toml"),
            "--strategy",
            "random",
            "--format",
            "jsonl",
        ])
        .output()
        .unwrap()
    };
    let (one, many) = (run_with(Some("1")), run_with(None));
    assert!(one.status.success());
    assert_eq!(one.stdout, many.stdout);
    // 59 trials for the target q = 0.05, p = 0.95.
    assert_eq!(String::from_utf8_lossy(&one.stdout).lines().count(), 59);
}

#[test]
fn expand_into_a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("co2sweep"))
        .args([
            "expand",
            &scenario("bench-1m-grid.toml"),
            "--strategy",
            "grid",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The reader is gone (like `| head`): the writer must stop with 0 and say nothing.
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn expand_columns_start_with_index_then_parameters() {
    let o = run(&[
        "expand",
        &scenario("resnet50-imagenet.toml"),
        "--strategy",
        "grid",
    ]);
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "index,param:learning_rate,param:batch_size,param:epochs,param:optimizer,devices,hours"
    );
    // Trial 0: the first level of each parameter; hours = 1,281,167 × 30 / 8,322 / 3,600 × 1 = 1.28291...
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&first[..6], ["0", "0.0001", "256", "30", "sgd", "8"]);
    let hours: f64 = first[6].parse().unwrap();
    assert!((hours - 1281167.0 * 30.0 / 8322.0 / 3600.0).abs() < 1e-12);
    assert_eq!(text.lines().count(), 73);
}
