//! `[import]` of W&B and Hydra sweeps, table lookups, the typed `expand`
//! layout, and `export` to W&B and Slurm.

use std::fs;

use crate::util::{fails_with, run, scenario, stdout, write};

const EXAMPLES: [&str; 5] = [
    "wandb-random-import.toml",
    "wandb-bayes-hyperband-import.toml",
    "wandb-categorical-import.toml",
    "hydra-grid-import.toml",
    "hydra-optuna-import.toml",
];

fn ok(args: &[&str]) -> String {
    let o = run(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout(&o)
}

/// The strategies `check` lists, with their trial counts.
fn trials(check: &str) -> Vec<(String, String)> {
    check
        .lines()
        .skip_while(|l| !l.starts_with("────"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let mut w = l.split_whitespace();
            (w.next().unwrap().to_string(), w.next().unwrap().to_string())
        })
        .collect()
}

#[test]
fn every_example_import_plans_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    for name in EXAMPLES {
        let path = scenario(name);
        let json = ok(&["plan", &path, "--format", "json"]);
        assert!(json.contains("\"strategy\""), "{name}");
        let check = ok(&["check", &path]);
        let (first, _) = trials(&check)[0].clone();
        let out = dir.path().join(format!("{name}.yaml"));
        ok(&[
            "export",
            &path,
            "--strategy",
            &first,
            "--to",
            "wandb",
            "--out",
            &out.display().to_string(),
        ]);
        assert!(fs::read_to_string(&out).unwrap().contains(&format!(
            "method: \"{}\"",
            first.trim_end_matches("+hyperband")
        )));
        let job = dir.path().join(format!("{name}.sbatch"));
        ok(&[
            "export",
            &path,
            "--strategy",
            &first,
            "--to",
            "slurm",
            "--out",
            &job.display().to_string(),
        ]);
        assert!(fs::read_to_string(&job)
            .unwrap()
            .contains("#SBATCH --array=0-"));
    }
}

#[test]
fn the_examples_plan_the_runs_their_files_ask_for() {
    // run_cap 40; [import] trials 30 for bayes, beside bayes+hyperband;
    // W&B grid 3 models × 2 epochs × 2 precisions × 2 optimizers × 2 lrs = 48;
    // Hydra 3 × 3 × 3 (range(10, 40, 10) = 10, 20, 30) × 2 = 54; Optuna n_trials 50.
    let expect: [&[(&str, &str)]; 5] = [
        &[("random", "40")],
        &[("bayes", "30"), ("bayes+hyperband", "30")],
        &[("grid", "48")],
        &[("grid", "54")],
        &[("bayes", "50")],
    ];
    for (name, want) in EXAMPLES.iter().zip(expect) {
        let got = trials(&ok(&["check", &scenario(name)]));
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn hyperband_stops_runs_at_wandb_milestones() {
    // min_iter 1, eta 3, 4 iterations: milestones 1 and 3. Of 30 runs,
    // floor(30/3) + 1 = 11 pass 1, floor(11/3) + 1 = 4 pass 3: 19 stop at 1,
    // 7 at 3, 4 run all 4 iterations.
    let out = ok(&[
        "expand",
        &scenario("wandb-bayes-hyperband-import.toml"),
        "--strategy",
        "bayes+hyperband",
        "--format",
        "jsonl",
    ]);
    let count = |n: u64| {
        out.lines()
            .filter(|l| l.contains(&format!("\"iterations\":{n},")))
            .count()
    };
    assert_eq!((count(1), count(3), count(4)), (19, 7, 4));
    // A run stopped at 1 of 4 iterations costs a quarter of the full run:
    // 2.0778 h/epoch × 4 × (32/16)^0.1 = 8.9092 h in full, 2.2273 h stopped.
    let first_stopped = out
        .lines()
        .find(|l| l.contains("\"iterations\":1,") && l.contains("batch_size\":16"))
        .unwrap();
    let hours: f64 = first_stopped
        .rsplit("\"hours\":")
        .next()
        .unwrap()
        .trim_end_matches('}')
        .parse()
        .unwrap();
    assert!(
        (hours - 22444.0 / 3600.0 / 3.0 * 4.0 * 2f64.powf(0.1) / 4.0).abs() < 1e-9,
        "{hours}"
    );
}

#[test]
fn wandb_export_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("again.yaml");
    let original = scenario("wandb-random-import.toml");
    ok(&[
        "export",
        &original,
        "--strategy",
        "random",
        "--to",
        "wandb",
        "--out",
        &yaml.display().to_string(),
    ]);
    // The same scenario, importing the exported file instead.
    let text = fs::read_to_string(&original)
        .unwrap()
        .replace("imports/wandb-random.yaml", "again.yaml");
    let again = write(dir.path(), "again.toml", &text);
    assert_eq!(
        trials(&ok(&["check", &again])),
        vec![("random".to_string(), "40".to_string())]
    );
    // Same parameters, values and types, trial by trial (same seed).
    let a = ok(&[
        "expand",
        &original,
        "--strategy",
        "random",
        "--format",
        "jsonl",
    ]);
    let b = ok(&[
        "expand",
        &again,
        "--strategy",
        "random",
        "--format",
        "jsonl",
    ]);
    assert_eq!(a, b);
    let exported = fs::read_to_string(&yaml).unwrap();
    for line in [
        "method: \"random\"",
        "run_cap: 40",
        "program: \"train.py\"",
        "distribution: \"log_uniform_values\"",
    ] {
        assert!(exported.contains(line), "{line}\n{exported}");
    }
}

#[test]
fn slurm_job_array_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.sh");
    let job_s = job.display().to_string();
    let path = scenario("hydra-grid-import.toml");
    ok(&[
        "export",
        &path,
        "--strategy",
        "grid",
        "--to",
        "slurm",
        "--out",
        &job_s,
    ]);
    let script = fs::read_to_string(&job).unwrap();
    // 54 trials, 1 GPU each, max_concurrent_devices 4 → %4. Longest trial on a T4:
    // 40 s × 30 epochs × (512/256)^0.5 = 0.4714 h; × 1.25 = 35.4 min → 36 min.
    for line in [
        "#SBATCH --array=0-53%4",
        "#SBATCH --gres=gpu:1",
        "#SBATCH --time=0:36:00",
        "job.trials.jsonl",
        "SLURM_ARRAY_TASK_ID",
    ] {
        assert!(script.contains(line), "{line}\n{script}");
    }
    let trials = fs::read_to_string(dir.path().join("job.trials.jsonl")).unwrap();
    assert_eq!(trials.lines().count(), 54);
    assert_eq!(
        trials.lines().next().unwrap(),
        r#"{"model.hidden_size":128,"optimizer.lr":0.01,"trainer.max_epochs":10,"data.augment":true}"#
    );
    // Never over an existing file without --force.
    fails_with(
        &[
            "export",
            &path,
            "--strategy",
            "grid",
            "--to",
            "slurm",
            "--out",
            &job_s,
        ],
        "already exists",
    );
    ok(&[
        "export",
        &path,
        "--strategy",
        "grid",
        "--to",
        "slurm",
        "--out",
        &job_s,
        "--force",
    ]);
    fails_with(
        &["export", &path, "--strategy", "grid", "--to", "slurm"],
        "--out FILE",
    );
    fails_with(
        &[
            "export",
            &scenario("wandb-bayes-hyperband-import.toml"),
            "--strategy",
            "bayes+hyperband",
            "--to",
            "slurm",
            "--out",
            &dir.path().join("x.sh").display().to_string(),
        ],
        "cannot do",
    );
}

const TRIAL: &str = "[trial]\nreference_hardware = \"T4\"\nhours = 1\n[hardware]\ncandidates = [\"T4\"]\n[regions]\ncandidates = [\"gcp:us-central1\"]\n";

#[test]
fn missing_run_counts_and_iterations_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.yaml", "method: bayes\nearly_terminate: {type: hyperband, min_iter: 2}\nparameters:\n  x: {min: 0.0, max: 1.0}\n");
    let s = write(
        dir.path(),
        "a.toml",
        &format!("[scenario]\nname = \"a\"\n[import]\nwandb = \"s.yaml\"\n{TRIAL}"),
    );
    let e = fails_with(&["check", &s], "has no run_cap");
    assert!(e.contains("trials = N"), "{e}");
    let s = write(
        dir.path(),
        "b.toml",
        &format!("[scenario]\nname = \"b\"\n[import]\nwandb = \"s.yaml\"\ntrials = 5\n{TRIAL}"),
    );
    fails_with(&["check", &s], "add `iterations = N` to [import]");
}

#[test]
fn mistakes_in_imported_files_are_located() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.yaml", "method: random\nrun_cap: 5\nparameters:\n  lr:\n    distribution: log_unifrom\n    min: 0.1\n    max: 1\n");
    let s = write(
        dir.path(),
        "a.toml",
        &format!("[scenario]\nname = \"a\"\n[import]\nwandb = \"s.yaml\"\n{TRIAL}"),
    );
    let e = fails_with(
        &["check", &s],
        "s.yaml:5:19: unknown distribution \"log_unifrom\"",
    );
    assert!(e.contains("did you mean 'log_uniform'"), "{e}");
    write(
        dir.path(),
        "h.yaml",
        "hydra:\n  sweeper:\n    params:\n      lr: interval(1, 0.5)\n      wd: glob(*)\n",
    );
    let s = write(
        dir.path(),
        "h.toml",
        &format!("[scenario]\nname = \"h\"\n[import]\nhydra = \"h.yaml\"\n{TRIAL}"),
    );
    fails_with(
        &["check", &s],
        "h.yaml:4:11: 'lr': the lower bound 1 must be below the upper bound 0.5",
    );
}

#[test]
fn expand_keeps_types_and_never_collides() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(
        dir.path(),
        "s.toml",
        &format!("[scenario]\nname = \"c\"\n[space.index]\nvalues = [7]\n[space.hours]\nvalues = [true]\n[space.devices]\nvalues = [\"x\"]\n[strategies.grid]\n{TRIAL}"),
    );
    let out = ok(&["expand", &s, "--strategy", "grid", "--format", "jsonl"]);
    assert_eq!(out, "{\"index\":0,\"params\":{\"index\":7,\"hours\":true,\"devices\":\"x\"},\"devices\":1,\"hours\":1}\n");
    let csv = ok(&["expand", &s, "--strategy", "grid"]);
    assert_eq!(
        csv.lines().next().unwrap(),
        "index,param:index,param:hours,param:devices,devices,hours"
    );
}

#[test]
fn tables_cost_categories_and_name_missing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[scenario]\nname = \"t\"\n[space.model]\nvalues = [\"resnet18\", \"resnet50\"]\n[space.num-epochs]\nvalues = [10]\n[strategies.grid]\n[trial]\nreference_hardware = \"T4\"\nhours = \"model_hours(model) * `num-epochs`\"\n[trial.tables.model_hours]\nresnet18 = 0.4\nresnet50 = 1.3\n[hardware]\ncandidates = [\"T4\"]\n[regions]\ncandidates = [\"gcp:us-central1\"]\n";
    let s = write(dir.path(), "t.toml", text);
    // (0.4 + 1.3) × 10 = 17 device-hours.
    let check = ok(&["check", &s]);
    assert!(
        check
            .lines()
            .any(|l| l.starts_with("grid") && l.contains(" 17 ")),
        "{check}"
    );
    let s = write(
        dir.path(),
        "u.toml",
        &text.replace("resnet50 = 1.3", "resnet34 = 1.0"),
    );
    fails_with(
        &["check", &s],
        "has no entry for 'resnet50', a value of 'model'",
    );
}
