//! `export` under hostile names and values: the sbatch script and the W&B
//! file stay what they say (no command from a file name or a path runs,
//! Hydra reads each string back as the same string), limits are refused
//! with exit 2, and no input of the run is written over.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::util::{fails_with, run, write};

const HYDRA: &str = "hydra:\n  sweeper:\n    params:\n      a: choice('x,y', \"null\", 'true', \"1e3\", 'a=b', \"q'uote\")\n";

const SCENARIO: &str = "[scenario]\nname = \"hy\"\n[import]\nhydra = \"h.yaml\"\n[trial]\nreference_hardware = \"T4\"\nhours = \"1\"\n[hardware]\ncandidates = [\"T4\"]\n[regions]\ncandidates = [\"aws:us-east-1\"]\n";

/// `export SCENARIO --strategy grid --to slurm --out OUT`.
fn slurm<'a>(scenario: &'a str, out: &'a str) -> [&'a str; 8] {
    [
        "export",
        scenario,
        "--strategy",
        "grid",
        "--to",
        "slurm",
        "--out",
        out,
    ]
}

fn export(args: &[&str]) {
    let o = run(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {o:?}");
}

/// Run array task `task` of `script` in `dir` with an `srun` that prints
/// its arguments after the program, one per line.
fn task(dir: &Path, script: &str, task: u32) -> Vec<String> {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
    let srun = write(
        &bin,
        "srun",
        "#!/bin/sh\nshift\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n",
    );
    Command::new("chmod").args(["+x", &srun]).status().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let o = Command::new("bash")
        .arg(script)
        .current_dir(dir)
        .env("PATH", path)
        .env("SLURM_ARRAY_TASK_ID", task.to_string())
        .env("SLURM_SUBMIT_DIR", dir)
        .env("TRAIN", "true")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn hydra_strings_reach_the_program_quoted_and_file_names_run_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "h.yaml", HYDRA);
    let s = write(dir.path(), "s.toml", SCENARIO);
    // A script name holding a command substitution and a double quote.
    let name = "run$(touch INJECTED)\"v2.sbatch";
    let out = dir.path().join(name);
    export(&slurm(&s, out.to_str().unwrap()));
    // Hydra reads a bare x,y as a sweep and null, true, 1e3 by type: each
    // string goes single-quoted, its quote escaped (checked with Hydra
    // 1.3.8's override parser: each reads back as the same str).
    let expected = [
        "a='x,y'",
        "a='null'",
        "a='true'",
        "a='1e3'",
        "a='a=b'",
        "a='q\\'uote'",
    ];
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(task(dir.path(), name, i as u32), [*want], "task {i}");
    }
    assert!(
        !dir.path().join("INJECTED").exists(),
        "the file name ran a command"
    );
}

#[test]
fn a_path_with_newlines_stays_in_its_comment() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "h.yaml", HYDRA);
    let s = write(
        dir.path(),
        "x\ntouch INJECTED\nrun_cap: 1\n#.toml",
        SCENARIO,
    );
    let job = dir.path().join("job.sbatch");
    export(&slurm(&s, job.to_str().unwrap()));
    let script = fs::read_to_string(&job).unwrap();
    assert!(script.contains("/x\\ntouch INJECTED\\nrun_cap: 1\\n#.toml (strategy grid)"));
    assert!(!script.lines().any(|l| l.starts_with("touch")), "{script}");
    task(dir.path(), "job.sbatch", 0);
    assert!(!dir.path().join("INJECTED").exists());
    let o = run(&["export", &s, "--strategy", "grid", "--to", "wandb"]);
    let yaml = String::from_utf8(o.stdout).unwrap();
    assert!(!yaml.lines().any(|l| l.starts_with("run_cap")), "{yaml}");
}

#[test]
fn wandb_strings_escape_what_yaml_cannot_hold() {
    // DEL and NEL inside values: raw, PyYAML refuses the file (DEL) or
    // reads a space (NEL); escaped, they read back as written.
    let dir = tempfile::tempdir().unwrap();
    let text = "[scenario]\nname = \"cc\"\n[space.v]\nvalues = [\"a\\u007fb\", \"c\\u0085d\"]\n[trial]\nreference_hardware = \"T4\"\nhours = \"1\"\n[strategies.grid]\n[hardware]\ncandidates = [\"T4\"]\n[regions]\ncandidates = [\"aws:us-east-1\"]\n";
    let s = write(dir.path(), "s.toml", text);
    let o = run(&["export", &s, "--strategy", "grid", "--to", "wandb"]);
    let yaml = String::from_utf8(o.stdout).unwrap();
    assert!(
        yaml.contains(r#"values: ["a\u007fb", "c\u0085d"]"#),
        "{yaml}"
    );
}

#[test]
fn a_time_limit_slurm_cannot_hold_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "h.yaml", HYDRA);
    let s = write(
        dir.path(),
        "s.toml",
        &SCENARIO.replace("hours = \"1\"", "hours = \"1e300\""),
    );
    let job = dir.path().join("job.sbatch");
    fails_with(
        &slurm(&s, job.to_str().unwrap()),
        "s.toml:7:9: the longest trial takes 1.000e300 h on T4, more than Slurm's --time can hold",
    );
    assert!(!job.exists());
}

#[test]
fn outputs_never_replace_the_pilot_or_the_data_tables() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "h.yaml", HYDRA);
    let pilot =
        fs::read_to_string(crate::util::root().join("scenarios/sample-codecarbon-emissions.csv"))
            .unwrap();
    write(d, "pilot.csv", &pilot);
    let text = SCENARIO.replace(
        "hours = \"1\"",
        "hours = \"1\"\npilot = { emissions_csv = \"pilot.csv\" }",
    );
    let s = write(d, "s.toml", &text);
    let data = d.join("data");
    fs::create_dir_all(&data).unwrap();
    let hardware = fs::read_to_string(crate::util::root().join("data/hardware.csv")).unwrap();
    let table = write(&data, "hardware.csv", &hardware);
    let onto = |out: &str| {
        let e = fails_with(
            &[
                "--data",
                data.to_str().unwrap(),
                "export",
                &s,
                "--strategy",
                "grid",
                "--to",
                "wandb",
                "--out",
                out,
                "--force",
            ],
            "is an input of this run",
        );
        assert!(e.contains("nothing was written"), "{e}");
    };
    onto(d.join("pilot.csv").to_str().unwrap());
    onto(&table);
    assert_eq!(fs::read_to_string(d.join("pilot.csv")).unwrap(), pilot);
    assert_eq!(fs::read_to_string(&table).unwrap(), hardware);
}
