//! `co2sweep plan`: totals by hand, files, determinism and no-overwrite.

use std::fs;
use std::path::Path;

use crate::util::{co2sweep, fails_with, run, scenario, stdout, write};

/// Two devices and two regions with round numbers, as a `--data` directory.
fn tiny_data(dir: &Path) {
    write(
        dir,
        "hardware.csv",
        "name,aliases,vendor,kind,tdp_watts,fp32_tflops,tensor16_tflops,tensor16_format,memory_gb,cores,release_year,source,embodied_device_kg,embodied_server_kg,devices_per_server,embodied_source\n\
         Ref GPU,,Test,gpu,100,10,,,16,,2020,test,150,2500,8,test\n\
         Fast GPU,,Test,gpu,200,40,,,16,,2022,test,150,2500,8,test\n",
    );
    write(
        dir,
        "regions.csv",
        "provider,region,name,country,location,intensity_g_per_kwh,intensity_year,intensity_source,pue,pue_source,offset_pct,grid_zone\n\
         test,clean,Clean,FI,Here,100,2023,test,1.0,test,0,\n\
         test,dirty,Dirty,US,There,500,2023,test,1.5,test,100,\n",
    );
}

const TINY: &str = r#"
[scenario]
name = "tiny"

[space.x]
values = [1, 2]

[trial]
reference_hardware = "Ref GPU"
hours = "x"

[strategies.grid]

[hardware]
candidates = ["Ref GPU", "Fast GPU"]

[regions]
candidates = ["test:*"]

[execution]
max_concurrent_devices = 1
"#;

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn tiny_plan_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    tiny_data(dir.path());
    let s = write(dir.path(), "tiny.toml", TINY);
    let out = dir.path().join("out");
    let o = run(&[
        "--data",
        &dir.path().display().to_string(),
        "plan",
        &s,
        "--out",
        &out.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = csv_rows(&out.join("options.csv"));
    assert_eq!(
        rows[0][..11].join(","),
        "strategy,hardware,provider,region,trials,device_hours,wall_hours,energy_kwh,emissions_kg,offset_kg,pareto_rank"
    );
    // Trials take 1 h and 2 h on Ref GPU, one device each, one at a time: 3 device-hours, 3 h wall.
    // Fast GPU has 4× the FP32 peak (40 / 10 TFLOPS): 0.75 device-hours, 0.75 h wall.
    // Ref @ clean: 3 h × 100 W × PUE 1.0 / 1000 = 0.3 kWh; × 100 g/kWh / 1000 = 0.03 kg; no offset.
    // Ref @ dirty: 3 × 100 × 1.5 / 1000 = 0.45 kWh; × 500 / 1000 = 0.225 kg, all offset.
    // Fast @ clean: 0.75 × 200 × 1.0 / 1000 = 0.15 kWh; × 100 / 1000 = 0.015 kg.
    // Fast @ dirty: 0.75 × 200 × 1.5 / 1000 = 0.225 kWh; × 500 / 1000 = 0.1125 kg, all offset.
    // Ranks: Fast@clean (0.75 h, 0.015 kg) dominates all: rank 1. Ref@clean (3, 0.03) and
    // Fast@dirty (0.75, 0.1125) do not dominate each other: rank 2. Ref@dirty: rank 3.
    let expect = [
        [
            "grid", "Ref GPU", "test", "clean", "2", "3", "3", "0.3", "0.03", "0", "2",
        ],
        [
            "grid", "Ref GPU", "test", "dirty", "2", "3", "3", "0.45", "0.225", "0.225", "3",
        ],
        [
            "grid", "Fast GPU", "test", "clean", "2", "0.75", "0.75", "0.15", "0.015", "0", "1",
        ],
        [
            "grid", "Fast GPU", "test", "dirty", "2", "0.75", "0.75", "0.225", "0.1125", "0.1125",
            "2",
        ],
    ];
    for (row, want) in rows[1..].iter().zip(expect) {
        for (k, (got, want)) in row.iter().zip(want).enumerate() {
            if k >= 5 {
                let (g, w): (f64, f64) = (got.parse().unwrap(), want.parse().unwrap());
                assert!((g - w).abs() < 1e-12, "{row:?} column {k}: {g} != {w}");
            } else {
                assert_eq!(got, want, "{row:?}");
            }
        }
    }
    let front = csv_rows(&out.join("front.csv"));
    assert_eq!(front.len(), 2);
    assert_eq!(&front[1][1..4], ["Fast GPU", "test", "clean"]);
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["scenario"], "tiny");
    assert_eq!(
        summary["overall"]["lowest_emissions"]["hardware"],
        "Fast GPU"
    );
    assert!(summary["strategies"][0]["quality"].as_f64().unwrap() == 1.0);
    let report = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("## Pareto front"), "{report}");
    assert!(
        report.contains("@article{lacoste2019quantifying"),
        "{report}"
    );
}

#[test]
fn json_summary_on_stdout() {
    let o = run(&[
        "plan",
        &scenario("resnet50-imagenet.toml"),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["scenario"], "ResNet-50 on ImageNet");
    assert_eq!(v["strategies"][1]["name"], "random");
    assert_eq!(v["strategies"][1]["trials"], 59);
    assert!(v["findings"].as_array().unwrap().len() >= 2);
}

/// The README's main command: `plan scenarios/resnet50-imagenet.toml --out out`.
#[test]
fn readme_main_command_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run(&[
        "plan",
        &scenario("resnet50-imagenet.toml"),
        "--out",
        &out.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = stdout(&o);
    assert!(s.contains("Pareto front"), "{s}");
    assert!(s.contains("Findings"), "{s}");
    for f in [
        "options.csv",
        "front.csv",
        "summary.json",
        "report.md",
        "pareto.svg",
        "pareto.png",
        "strategies.svg",
        "strategies.png",
        "regions.svg",
        "regions.png",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
}

#[test]
fn charts_redrawn_from_options_csv_equal_plans() {
    let dir = tempfile::tempdir().unwrap();
    let (out, again) = (dir.path().join("out"), dir.path().join("again"));
    let o = run(&[
        "plan",
        &scenario("bert-glue.toml"),
        "--out",
        &out.display().to_string(),
        "--chart-size",
        "900x600",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = out.join("options.csv").display().to_string();
    let o = run(&[
        "chart",
        &csv,
        "--out",
        &again.display().to_string(),
        "--chart-size",
        "900x600",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in [
        "pareto.svg",
        "pareto.png",
        "strategies.svg",
        "strategies.png",
        "regions.svg",
        "regions.png",
    ] {
        assert_eq!(
            fs::read(out.join(f)).unwrap(),
            fs::read(again.join(f)).unwrap(),
            "{f} differs"
        );
    }
    fails_with(
        &["chart", &csv, "--out", &again.display().to_string()],
        "refusing to overwrite",
    );
    fails_with(
        &[
            "chart",
            &csv,
            "--out",
            &dir.path().join("x").display().to_string(),
            "--chart-size",
            "12x",
        ],
        "--chart-size",
    );
}

#[test]
fn every_bundled_scenario_plans_and_charts() {
    let mut names: Vec<String> = fs::read_dir(crate::util::root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    assert!(names.len() >= 4);
    for name in &names {
        let dir = tempfile::tempdir().unwrap();
        let o = run(&[
            "plan",
            &scenario(name),
            "--out",
            &dir.path().display().to_string(),
            "--chart-size",
            "600x400",
            "--allow-large",
        ]);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let png = fs::read(dir.path().join("pareto.png")).unwrap();
        // PNG header: width and height are big-endian u32 at bytes 16..24.
        assert_eq!(&png[1..4], b"PNG");
        assert_eq!(
            u32::from_be_bytes(png[16..20].try_into().unwrap()),
            600,
            "{name}"
        );
        assert_eq!(
            u32::from_be_bytes(png[20..24].try_into().unwrap()),
            400,
            "{name}"
        );
    }
}

#[test]
fn same_files_on_one_thread_and_many() {
    let dir = tempfile::tempdir().unwrap();
    let (one, many) = (dir.path().join("one"), dir.path().join("many"));
    for (out, threads) in [(&one, Some("1")), (&many, Some("2"))] {
        let mut cmd = co2sweep();
        if let Some(t) = threads {
            cmd.env("RAYON_NUM_THREADS", t);
        }
        let o = cmd
            .args([
                "plan",
                &scenario("resnet50-imagenet.toml"),
                "--out",
                &out.display().to_string(),
            ])
            .output()
            .unwrap();
        assert!(o.status.success());
    }
    for f in ["options.csv", "front.csv", "summary.json", "report.md"] {
        assert_eq!(
            fs::read(one.join(f)).unwrap(),
            fs::read(many.join(f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn existing_outputs_are_kept_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    fs::write(dir.path().join("front.csv"), "mine").unwrap();
    let e = fails_with(
        &["plan", &scenario("resnet50-imagenet.toml"), "--out", &out],
        "refusing to overwrite",
    );
    assert!(e.contains("front.csv"), "{e}");
    assert_eq!(
        fs::read_to_string(dir.path().join("front.csv")).unwrap(),
        "mine"
    );
    assert!(
        !dir.path().join("options.csv").exists(),
        "nothing is written"
    );
    let o = run(&[
        "plan",
        &scenario("resnet50-imagenet.toml"),
        "--out",
        &out,
        "--force",
    ]);
    assert!(o.status.success());
    assert!(fs::read_to_string(dir.path().join("front.csv"))
        .unwrap()
        .starts_with("strategy,"));
}

#[test]
fn out_naming_a_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "taken", "x");
    fails_with(
        &["plan", &scenario("resnet50-imagenet.toml"), "--out", &file],
        "is a file, not a directory",
    );
}

#[test]
fn a_pilot_that_measured_no_energy_is_refused() {
    // energy_consumed 0 in the only run: a power of 0 W would make every
    // option 0 kWh and 0 kg.
    let dir = tempfile::tempdir().unwrap();
    tiny_data(dir.path());
    write(
        dir.path(),
        "emissions.csv",
        "duration,energy_consumed,gpu_count,gpu_model\n7200,0,1,1 x Ref GPU\n",
    );
    let text = TINY.replace(
        "hours = \"x\"",
        "hours = \"x\"\npilot = { emissions_csv = \"emissions.csv\", params = { x = 1 } }",
    );
    let s = write(dir.path(), "zero.toml", &text);
    let data = dir.path().display().to_string();
    fails_with(
        &["--data", &data, "check", &s],
        "emissions.csv' reports 0 kWh (energy_consumed): CodeCarbon measured no energy",
    );
}

#[test]
fn calibrated_pilot_reproduces_its_measured_duration() {
    let dir = tempfile::tempdir().unwrap();
    tiny_data(dir.path());
    // One pilot run: 7,200 s = 2 h, 0.5 kWh on one "Ref GPU" → 250 W.
    write(
        dir.path(),
        "emissions.csv",
        "timestamp,project_name,run_id,duration,emissions,energy_consumed,cpu_energy,gpu_energy,ram_energy,gpu_count,gpu_model,country_iso_code\n\
         2024-01-01T00:00:00,p,r,7200,0.1,0.5,0.05,0.4,0.05,1,1 x Ref GPU,FRA\n",
    );
    let text = TINY
        .replace("values = [1, 2]", "values = [1, 2, 4]")
        .replace(
            "hours = \"x\"",
            "hours = \"x\"\npilot = { emissions_csv = \"emissions.csv\", params = { x = 4 } }",
        );
    let s = write(dir.path(), "calibrated.toml", &text);
    let data = dir.path().display().to_string();
    // The formula says 4 h at x = 4; the pilot measured 2 h: every trial is scaled by 0.5,
    // so the pilot's own trial (index 2, x = 4) takes exactly 2 h.
    let o = run(&["--data", &data, "expand", &s, "--strategy", "grid"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        stdout(&o),
        "index,param:x,devices,hours\n0,1,1,0.5\n1,2,1,1\n2,4,1,2\n"
    );
    // Plan: Ref GPU @ clean: (0.5 + 1 + 2) device-h × 250 W × PUE 1.0 / 1000 = 0.875 kWh → 0.0875 kg at 100 g/kWh.
    let out = dir.path().join("out");
    let o = run(&[
        "--data",
        &data,
        "plan",
        &s,
        "--out",
        &out.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = csv_rows(&out.join("options.csv"));
    assert_eq!(&rows[1][..4], ["grid", "Ref GPU", "test", "clean"]);
    assert_eq!(rows[1][7].parse::<f64>().unwrap(), 0.875);
    assert!((rows[1][8].parse::<f64>().unwrap() - 0.0875).abs() < 1e-15);
    let report = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("calibrated from a measured pilot"),
        "{report}"
    );
}

#[test]
fn calibrate_reports_runs_and_total() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "emissions.csv",
        "duration,energy_consumed,gpu_count,gpu_model\n3600,1.2,4,4 x NVIDIA A100-SXM4-40GB\n1800,0.6,4,4 x NVIDIA A100-SXM4-40GB\n",
    );
    let o = run(&["calibrate", &f, "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // Run 1: 1 h, 1.2 kWh → 1,200 W. Total: 1.5 h, 1.8 kWh → 1,200 W.
    assert_eq!(v["runs"][0]["duration_hours"], 1.0);
    assert_eq!(v["runs"][0]["avg_power_watts"], 1200.0);
    assert_eq!(v["total"]["duration_hours"], 1.5);
    assert_eq!(v["total"]["gpu_count"], 4);
    assert_eq!(v["total"]["device"], "A100 SXM4 40GB");
    for key in [
        "duration_hours",
        "energy_kwh",
        "avg_power_watts",
        "gpu_count",
        "gpu_model",
    ] {
        assert!(v["runs"][1].get(key).is_some(), "{key}");
    }
    fails_with(
        &["calibrate", &write(dir.path(), "empty.csv", "")],
        "duration",
    );
}

#[test]
fn plan_waits_for_a_cleaner_grid_within_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    tiny_data(dir.path());
    // A region on a synthetic zone: 500 g/kWh for the first 24 hours of 2023, 100 g after.
    let regions = fs::read_to_string(dir.path().join("regions.csv")).unwrap()
        + "test,shift,Shift,GB,There,300,2023,test,1.0,test,0,TESTZ\n";
    fs::write(dir.path().join("regions.csv"), regions).unwrap();
    fs::create_dir(dir.path().join("hourly")).unwrap();
    // TESTZ has no annual figure in grid.csv, so the profile is used unscaled.
    let mut profile = String::from("g_per_kwh\n");
    for h in 0..8760 {
        profile.push_str(&format!("{}\n", if h < 24 { 500 } else { 100 }));
    }
    write(&dir.path().join("hourly"), "TESTZ_2023.csv", &profile);
    let text = TINY
        .replace("candidates = [\"test:*\"]", "candidates = [\"test:shift\"]")
        .replace(
            "max_concurrent_devices = 1",
            "max_concurrent_devices = 1\nstart = \"2023-01-01T00:00Z\"\ndeadline_hours = 48",
        );
    let s = write(dir.path(), "shift.toml", &text);
    let out = dir.path().join("out");
    let o = run(&[
        "--data",
        &dir.path().display().to_string(),
        "plan",
        &s,
        "--out",
        &out.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = fs::read_to_string(out.join("options.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows = csv_rows(&out.join("options.csv"));
    // Ref GPU runs 3 h; energy 3 h × 100 W × PUE 1.0 / 1000 = 0.3 kWh.
    // Starting at once averages 500 g: 0.3 × 500 / 1000 = 0.15 kg, 3 h to result.
    // The first start whose whole run is at 100 g is hour 24, and 24 + 3 ≤ 48:
    // wait 24 h, 27 h to result, 0.3 × 100 / 1000 = 0.03 kg. Neither dominates the other, so they
    // share a rank (2: Fast GPU's two variants, 4× quicker, form the front).
    let now = &rows[1];
    assert_eq!(&now[..4], ["grid", "Ref GPU", "test", "shift"]);
    assert_eq!(now[col("wait_hours")].parse::<f64>().unwrap(), 0.0);
    assert_eq!(now[col("wall_hours")].parse::<f64>().unwrap(), 3.0);
    assert!((now[col("emissions_kg")].parse::<f64>().unwrap() - 0.15).abs() < 1e-12);
    assert_eq!(now[col("start")], "2023-01-01T00:00Z");
    let r = &rows[2];
    assert_eq!(&r[..4], ["grid", "Ref GPU", "test", "shift"]);
    assert_eq!(r[col("wait_hours")].parse::<f64>().unwrap(), 24.0);
    assert_eq!(r[col("wall_hours")].parse::<f64>().unwrap(), 27.0);
    assert!((r[col("emissions_kg")].parse::<f64>().unwrap() - 0.03).abs() < 1e-12);
    assert_eq!(r[col("start")], "2023-01-02T00:00Z");
    assert_eq!(r[col("meets_deadline")], "true");
    assert_eq!(
        (
            now[col("pareto_rank")].as_str(),
            r[col("pareto_rank")].as_str()
        ),
        ("2", "2")
    );
    let report = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("Electricity Maps (2021–2025), ODbL"),
        "{report}"
    );
}

#[test]
fn metric_total_ranks_on_operational_plus_embodied() {
    let dir = tempfile::tempdir().unwrap();
    tiny_data(dir.path());
    let s = write(dir.path(), "tiny.toml", TINY);
    let out = dir.path().join("out");
    let data = dir.path().display().to_string();
    let o = run(&[
        "--data",
        &data,
        "plan",
        &s,
        "--out",
        &out.display().to_string(),
        "--metric",
        "total",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = fs::read_to_string(out.join("options.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    // embodied_kg and total_kg follow the eleven fixed columns.
    assert_eq!(&header[11..14], ["embodied_kg", "total_kg", "metric"]);
    let rows = csv_rows(&out.join("options.csv"));
    // Ref GPU: 3 device-hours × (150 + 2,500 / 8) kg / (6 × 8,760 × 0.85) h = 3 × 462.5 / 44,676 = 0.031057 kg.
    let embodied: f64 = rows[1][11].parse().unwrap();
    assert!((embodied - 3.0 * 462.5 / 44_676.0).abs() < 1e-12);
    // total = 0.03 kg operational (Ref @ clean) + embodied.
    let total: f64 = rows[1][12].parse().unwrap();
    assert!((total - (0.03 + embodied)).abs() < 1e-12);
    assert_eq!(rows[1][13], "total");
}

#[test]
fn outputs_never_replace_the_run_s_inputs_even_with_force() {
    // An export onto its own scenario or imported sweep file, and a plan
    // whose --out directory holds its scenario under an output's name,
    // are refused with --force too; the inputs are left as they were.
    // `init` onto a dangling symlink is refused as an existing file (exit
    // 2; it was exit 1, "File exists", from the atomic write).
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = fs::read_to_string(scenario("bert-glue.toml")).unwrap();
    let s = write(d, "s.toml", &text);
    let refused = "is an input of this run; it is never written over, even with --force";
    fails_with(
        &[
            "export",
            &s,
            "--strategy",
            "grid",
            "--to",
            "wandb",
            "--out",
            &s,
            "--force",
        ],
        refused,
    );
    fs::create_dir(d.join("out")).unwrap();
    let inside = write(&d.join("out"), "options.csv", &text);
    let out = d.join("out").display().to_string();
    fails_with(&["plan", &inside, "--out", &out, "--force"], refused);
    let wandb = fs::read_to_string(scenario("wandb-random-import.toml")).unwrap();
    let w = write(d, "w.toml", &wandb);
    fs::create_dir(d.join("imports")).unwrap();
    let sweep = fs::read_to_string(scenario("imports/wandb-random.yaml")).unwrap();
    let y = write(&d.join("imports"), "wandb-random.yaml", &sweep);
    fails_with(
        &[
            "export",
            &w,
            "--strategy",
            "random",
            "--to",
            "wandb",
            "--out",
            &y,
            "--force",
        ],
        refused,
    );
    assert_eq!(fs::read_to_string(&s).unwrap(), text);
    assert_eq!(fs::read_to_string(&inside).unwrap(), text);
    assert_eq!(fs::read_to_string(&y).unwrap(), sweep);
    let link = d.join("n.toml");
    std::os::unix::fs::symlink(d.join("nowhere"), &link).unwrap();
    fails_with(
        &["init", &link.display().to_string()],
        "refusing to overwrite",
    );
}
