//! `co2sweep catalog` and the bundled data's invariants.

use std::collections::HashSet;

use co2sweep::catalog::{normalize, Catalog, Kind};

use crate::util::{fails_with, run, stdout, write};

#[test]
fn bundled_data_is_sane() {
    let c = Catalog::bundled().unwrap();
    for d in &c.hardware {
        assert!(d.tdp_watts > 0.0, "{}", d.name);
        assert!(!d.source.trim().is_empty(), "{}", d.name);
        assert!(
            d.release_year >= 1990 && d.release_year <= 2026,
            "{}",
            d.name
        );
    }
    for r in &c.regions {
        assert!(
            (0.0..=1200.0).contains(&r.intensity_g_per_kwh),
            "{}",
            r.key()
        );
        assert!((1.0..=3.0).contains(&r.pue), "{}", r.key());
        assert!(
            !r.intensity_source.trim().is_empty() && !r.pue_source.trim().is_empty(),
            "{}",
            r.key()
        );
        assert!(r.intensity_year >= 2000, "{}", r.key());
    }
    for g in &c.countries {
        assert!(
            (0.0..=1200.0).contains(&g.intensity_g_per_kwh),
            "{}",
            g.code
        );
        assert!(!g.source.trim().is_empty() && g.year >= 2000, "{}", g.code);
    }
    // No name or alias names two devices, after normalisation.
    let mut seen = HashSet::new();
    for d in &c.hardware {
        let mut own = HashSet::new();
        for n in std::iter::once(&d.name).chain(&d.aliases) {
            if own.insert(normalize(n)) {
                assert!(seen.insert(normalize(n)), "duplicate name or alias {n}");
            }
        }
    }
}

#[test]
fn bundled_data_is_large_enough() {
    let c = Catalog::bundled().unwrap();
    let accelerators = c.hardware.iter().filter(|d| d.kind != Kind::Cpu).count();
    let cpus = c.hardware.len() - accelerators;
    assert!(accelerators >= 60, "{accelerators} accelerators");
    assert!(cpus >= 50, "{cpus} CPUs");
    // 130 since Azure's logical, staging and canary locations (not places) were dropped.
    assert!(c.regions.len() >= 125, "{} regions", c.regions.len());
    assert!(c.providers().len() >= 7);
}

#[test]
fn listing_filters_and_formats() {
    let text = stdout(&run(&["catalog", "hardware", "--filter", "h100"]));
    assert!(text.contains("H100 SXM"), "{text}");
    assert!(!text.contains("V100"), "{text}");
    let csv = stdout(&run(&[
        "catalog",
        "regions",
        "--filter",
        "europe-north1",
        "--format",
        "csv",
    ]));
    assert!(
        csv.starts_with("provider,region,name,country,location,intensity_g_per_kwh"),
        "{csv}"
    );
    let json: serde_json::Value = serde_json::from_slice(
        &run(&[
            "catalog",
            "countries",
            "--filter",
            "France",
            "--format",
            "json",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(json[0]["code"], "FR");
}

#[test]
fn a_misspelt_data_table_is_refused_and_other_files_are_left_alone() {
    // `hardwares.csv` is one edit from `hardware.csv`: it was skipped
    // silently and the bundled rows used. A pilot's `emissions.csv` or an
    // `options.csv` (3 edits from `regions.csv`) beside the tables is fine.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    write(dir.path(), "emissions.csv", "duration\n1\n");
    write(dir.path(), "options.csv", "strategy\n");
    write(dir.path(), "notes.txt", "mine\n");
    let o = run(&["--data", &d, "catalog", "hardware"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    write(dir.path(), "hardwares.csv", "name\n");
    fails_with(
        &["--data", &d, "catalog", "hardware"],
        "'hardwares.csv' is not a catalog table (did you mean 'hardware.csv'?)",
    );
}

#[test]
fn a_region_row_with_a_capitalised_provider_is_refused() {
    // `AWS,US-EAST-1` replaced the bundled aws:us-east-1 (the merge key is
    // lower case) and then no spelling found it; now refused at its row.
    let dir = tempfile::tempdir().unwrap();
    let bundled = std::fs::read_to_string(crate::util::root().join("data/regions.csv")).unwrap();
    let (header, rest) = bundled.split_once('\n').unwrap();
    let row = rest
        .lines()
        .find(|l| l.starts_with("aws,us-east-1,"))
        .unwrap();
    let row = row.replacen("aws,us-east-1,", "AWS,US-EAST-1,", 1);
    write(dir.path(), "regions.csv", &format!("{header}\n{row}\n"));
    fails_with(
        &["--data", dir.path().to_str().unwrap(), "catalog", "regions"],
        "regions.csv:2:1: provider 'AWS' must be lower case ('aws')",
    );
}
