//! `co2sweep estimate`: every format and every bad input.

use crate::util::{fails_with, run, stdout};

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["estimate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let o = run(&all);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

fn close(v: &serde_json::Value, want: f64) {
    let got = v.as_f64().expect("a number");
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{got} != {want}"
    );
}

#[test]
fn json_by_hand_with_intensity() {
    // 1 × 250 W × 1.0 × 100 h / 1000 = 25 kWh × PUE 1.56 (the private-site
    // default, as `plan`'s country: sites) = 39 kWh; × 429 g/kWh / 1000 = 16.731 kg.
    let v = json(&[
        "--hardware",
        "V100 PCIe 16GB",
        "--hours",
        "100",
        "--power-watts",
        "250",
        "--intensity",
        "429",
    ]);
    close(&v["energy_kwh"], 39.0);
    close(&v["emissions_kg"], 16.731);
    close(&v["pue"], 1.56);
    close(&v["offset_kg"], 0.0);
    assert!(v["region"].is_null());
    for key in [
        "hardware",
        "count",
        "hours",
        "power_watts",
        "utilization",
        "pue",
        "intensity_g_per_kwh",
        "energy_kwh",
        "emissions_kg",
        "offset_pct",
        "offset_kg",
        "region",
        "equivalents",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert!(v["equivalents"]["car_km"].as_f64().unwrap() > 0.0);
}

#[test]
fn count_utilization_and_pue_multiply() {
    // 4 × 250 W × 0.5 × 10 h × 1.5 / 1000 = 7.5 kWh; × 100 g/kWh = 0.75 kg.
    let v = json(&[
        "--hardware",
        "V100 PCIe 16GB",
        "--hours",
        "10",
        "--count",
        "4",
        "--power-watts",
        "250",
        "--utilization",
        "0.5",
        "--pue",
        "1.5",
        "--intensity",
        "100",
    ]);
    close(&v["energy_kwh"], 7.5);
    close(&v["emissions_kg"], 0.75);
}

#[test]
fn region_supplies_pue_intensity_and_offset() {
    let v = json(&[
        "--hardware",
        "tesla v100-sxm2-16gb",
        "--hours",
        "100",
        "--region",
        "gcp:europe-north1",
    ]);
    assert_eq!(v["hardware"], "V100 SXM2 16GB");
    assert_eq!(v["region"]["provider"], "gcp");
    let (pue, ci, tdp) = (
        v["pue"].as_f64().unwrap(),
        v["intensity_g_per_kwh"].as_f64().unwrap(),
        v["power_watts"].as_f64().unwrap(),
    );
    close(&v["energy_kwh"], tdp * 100.0 * pue / 1000.0);
    close(&v["emissions_kg"], tdp * 100.0 * pue / 1000.0 * ci / 1000.0);
    close(
        &v["offset_kg"],
        v["emissions_kg"].as_f64().unwrap() * v["offset_pct"].as_f64().unwrap() / 100.0,
    );
}

#[test]
fn country_uses_the_private_pue() {
    // 1.56 (Uptime Institute 2024), the same default as `plan`'s country: sites.
    let v = json(&[
        "--hardware",
        "V100 SXM2 16GB",
        "--hours",
        "10",
        "--country",
        "FR",
    ]);
    close(&v["pue"], 1.56);
    assert_eq!(v["country"]["code"], "FR");
}

#[test]
fn text_shows_formula_and_sources() {
    let o = run(&[
        "estimate",
        "--hardware",
        "V100 PCIe 16GB",
        "--hours",
        "100",
        "--power-watts",
        "250",
        "--intensity",
        "429",
    ]);
    let s = stdout(&o);
    assert!(
        s.contains("devices      25 kWh = 1 × 100 h × 250 W × 1 / 1000"),
        "{s}"
    );
    // (25 + 0) kWh × PUE 1.56 = 39 kWh; 39 × 429 / 1000 = 16.731 kg.
    assert!(
        s.contains("energy       39 kWh = (25 + 0 kWh) × PUE 1.56"),
        "{s}"
    );
    assert!(
        s.contains("emissions    16.7 kg CO2eq = 39 kWh × 429 g/kWh / 1000"),
        "{s}"
    );
    assert!(s.contains("given with --intensity"), "{s}");
}

#[test]
fn markdown_and_latex_give_the_paragraph_and_bibtex() {
    let args = [
        "estimate",
        "--hardware",
        "V100 SXM2 16GB",
        "--hours",
        "100",
        "--region",
        "gcp:europe-north1",
    ];
    let md = stdout(&run(&[&args[..], &["--format", "markdown"]].concat()));
    assert!(
        md.contains("Google Cloud Platform in region europe-north1"),
        "{md}"
    );
    assert!(md.contains("@article{lacoste2019quantifying"), "{md}");
    assert!(md.contains("(Lacoste et al., 2019)"), "{md}");
    let tex = stdout(&run(&[&args[..], &["--format", "latex"]].concat()));
    assert!(tex.contains("\\cite{lacoste2019quantifying}"), "{tex}");
    assert!(tex.contains("\\%"), "percent signs are escaped: {tex}");
}

#[test]
fn unknown_and_ambiguous_hardware() {
    let e = fails_with(
        &[
            "estimate",
            "--hardware",
            "H101 SXM",
            "--hours",
            "1",
            "--intensity",
            "100",
        ],
        "unknown hardware 'H101 SXM'",
    );
    assert!(e.contains("H100 SXM"), "{e}");
    fails_with(
        &[
            "estimate",
            "--hardware",
            "V100",
            "--hours",
            "1",
            "--intensity",
            "100",
        ],
        "is ambiguous",
    );
}

#[test]
fn unknown_region_and_country_suggest() {
    fails_with(
        &[
            "estimate",
            "--hardware",
            "H100 SXM",
            "--hours",
            "1",
            "--region",
            "gcp:europe-north9",
        ],
        "gcp:europe-north1",
    );
    fails_with(
        &[
            "estimate",
            "--hardware",
            "H100 SXM",
            "--hours",
            "1",
            "--country",
            "Frnace",
        ],
        "France",
    );
}

#[test]
fn bad_numbers() {
    for hours in ["0", "-5", "NaN", "inf"] {
        fails_with(
            &[
                "estimate",
                "--hardware",
                "H100 SXM",
                "--hours",
                hours,
                "--intensity",
                "100",
            ],
            "--hours must be a positive number",
        );
    }
    fails_with(
        &[
            "estimate",
            "--hardware",
            "H100 SXM",
            "--hours",
            "ten",
            "--intensity",
            "100",
        ],
        "invalid value 'ten'",
    );
    fails_with(
        &[
            "estimate",
            "--hardware",
            "H100 SXM",
            "--hours",
            "1",
            "--count",
            "0",
            "--intensity",
            "100",
        ],
        "--count must be at least 1",
    );
    fails_with(
        &[
            "estimate",
            "--hardware",
            "H100 SXM",
            "--hours",
            "1",
            "--count",
            "-2",
            "--intensity",
            "100",
        ],
        "--count",
    );
}

#[test]
fn region_with_intensity_is_refused() {
    fails_with(
        &[
            "estimate",
            "--hardware",
            "H100 SXM",
            "--hours",
            "1",
            "--region",
            "gcp:europe-north1",
            "--intensity",
            "100",
        ],
        "cannot be used with",
    );
}

#[test]
fn malformed_data_dir_names_file_line_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("equivalents.csv"),
        "key,description,kg_co2_per_unit,unit,source,year\ncar_km,car,0.4,km,EPA,2024\ncoal_kg,coal,heavy,kg,EPA,2024\n",
    )
    .unwrap();
    let d = dir.path().display().to_string();
    let e = fails_with(
        &[
            "--data",
            &d,
            "estimate",
            "--hardware",
            "H100 SXM",
            "--hours",
            "1",
            "--intensity",
            "1",
        ],
        "equivalents.csv:3:3",
    );
    assert!(e.contains("kg_co2_per_unit"), "{e}");
}

#[test]
fn start_window_finds_a_cleaner_hour() {
    let v = json(&[
        "--hardware",
        "H100 SXM",
        "--hours",
        "4",
        "--region",
        "aws:us-east-1",
        "--start",
        "2023-06-01T00:00Z",
        "--window-hours",
        "24",
    ]);
    assert_eq!(v["grid_zone"], "US-MIDA-PJM");
    assert!(v["attribution"]
        .as_str()
        .unwrap()
        .contains("Electricity Maps (2021–2025), ODbL"));
    let (now, best) = (
        v["emissions_kg"].as_f64().unwrap(),
        v["best_emissions_kg"].as_f64().unwrap(),
    );
    assert!(best <= now);
    close(&v["saving_pct"], (now - best) / now * 100.0);
    assert!(v["mapped_to"].is_null());
}

#[test]
fn start_in_another_year_is_mapped_and_said() {
    let v = json(&[
        "--hardware",
        "H100 SXM",
        "--hours",
        "1",
        "--country",
        "GB",
        "--grid-zone",
        "GB",
        "--start",
        "2024-06-05T12:00Z",
    ]);
    // 2024-06-05 is a Wednesday; the same week of 2023 has Wednesday 2023-06-07.
    assert_eq!(v["mapped_to"], "2023-06-07T12:00Z");
}

#[test]
fn bad_times_zones_and_windows() {
    let base = [
        "estimate",
        "--hardware",
        "H100 SXM",
        "--hours",
        "1",
        "--country",
        "GB",
    ];
    fails_with(
        &[
            &base[..],
            &["--grid-zone", "GB", "--start", "2023-02-30T00:00Z"],
        ]
        .concat(),
        "invalid time '2023-02-30T00:00Z'",
    );
    fails_with(
        &[
            &base[..],
            &["--grid-zone", "XX", "--start", "2023-02-01T00:00Z"],
        ]
        .concat(),
        "no hourly intensity for grid zone 'XX'",
    );
    // France has no hourly profile: --start needs a zone that has one.
    fails_with(
        &[
            "estimate",
            "--hardware",
            "H100 SXM",
            "--hours",
            "1",
            "--country",
            "FR",
            "--start",
            "2023-02-01T00:00Z",
        ],
        "--grid-zone",
    );
    fails_with(
        &[
            &base[..],
            &[
                "--grid-zone",
                "GB",
                "--start",
                "2023-02-01T00:00Z",
                "--window-hours",
                "-1",
            ],
        ]
        .concat(),
        "--window-hours must be zero or more",
    );
}

#[test]
fn embodied_in_json_and_markdown() {
    // 1,000 h × (150 + 2,500 / 8) kg / (6 × 8,760 × 0.85) h = 462,500 / 44,676 = 10.352 kg.
    let v = json(&[
        "--hardware",
        "H100 SXM",
        "--hours",
        "1000",
        "--intensity",
        "100",
        "--embodied",
        "--embodied-device-kg",
        "150",
        "--embodied-server-kg",
        "2500",
        "--devices-per-server",
        "8",
        "--lifetime-years",
        "6",
        "--lifetime-utilization",
        "0.85",
    ]);
    close(&v["embodied_kg"], 462_500.0 / 44_676.0);
    close(
        &v["total_kg"],
        v["emissions_kg"].as_f64().unwrap() + 462_500.0 / 44_676.0,
    );
    let md = stdout(&run(&[
        "estimate",
        "--hardware",
        "H100 SXM",
        "--hours",
        "10",
        "--intensity",
        "100",
        "--embodied",
        "--format",
        "markdown",
    ]));
    assert!(md.contains("embodied emissions"), "{md}");
    fails_with(
        &[
            "estimate",
            "--hardware",
            "H100 SXM",
            "--hours",
            "1",
            "--intensity",
            "1",
            "--embodied",
            "--lifetime-utilization",
            "2",
        ],
        "--lifetime-utilization must be a fraction",
    );
}

#[test]
fn country_gb_start_uses_the_gb_profile_and_grid_zone_alone_is_a_site() {
    // GB 2023: the hourly life-cycle mean (187.5 g/kWh) is scaled to the
    // yearly 200 g/kWh; a year-long run from 2023-01-01 averages 200 (±1 %).
    let v = json(&[
        "--hardware",
        "H100 SXM",
        "--hours",
        "8760",
        "--country",
        "GB",
        "--start",
        "2023-01-01T00:00Z",
    ]);
    assert_eq!(v["grid_zone"], "GB");
    let g = v["intensity_g_per_kwh"].as_f64().unwrap();
    assert!((g - 200.0).abs() <= 2.0, "{g}");
    assert!(
        v["scaling"].as_str().unwrap().contains("scaled ×1.06"),
        "{v}"
    );
    // --grid-zone alone: the zone's 2025 annual figure (US-CAL-CISO 208 g/kWh).
    let v = json(&[
        "--hardware",
        "H100 SXM",
        "--hours",
        "1",
        "--grid-zone",
        "US-CAL-CISO",
    ]);
    close(&v["intensity_g_per_kwh"], 208.0);
    close(&v["pue"], 1.56);
}

#[test]
fn device_hours_and_extra_energy_as_published() {
    // GPT-3: 3,552,000 V100-hours × 330 W = 1,172,160 kWh × PUE 1.1 = 1,289,376 kWh;
    // × 429 g/kWh = 553,142.304 kg (Patterson et al. 2021 report 552 t).
    let args = [
        "estimate",
        "--hardware",
        "V100 SXM2 32GB",
        "--device-hours",
        "3552000",
        "--power-watts",
        "330",
        "--pue",
        "1.1",
        "--intensity",
        "429",
    ];
    let v = json(&args[1..]);
    close(&v["energy_kwh"], 1_289_376.0);
    close(&v["emissions_kg"], 553_142.304);
    assert!(v["count"].is_null() && v["hours"].is_null());
    let text = stdout(&run(&args));
    assert!(
        text.starts_with("3,552,000 device-hours of V100 SXM2 32GB"),
        "{text}"
    );
    let md = stdout(&run(&[&args[..], &["--format", "markdown"]].concat()));
    assert!(
        md.contains("It used 3,552,000 device-hours on V100 SXM2 32GB (power 330 W each"),
        "{md}"
    );
    // BLOOM: 1,082,990 A100-hours × 400 W = 433,196 kWh, + 256,646 kWh idle
    // = 689,842 kWh at PUE 1; × 57 g/kWh = 39,320.994 kg.
    let v = json(&[
        "--hardware",
        "A100 SXM4 80GB",
        "--device-hours",
        "1082990",
        "--extra-kwh",
        "256646",
        "--pue",
        "1",
        "--intensity",
        "57",
    ]);
    close(&v["device_kwh"], 433_196.0);
    close(&v["extra_kwh"], 256_646.0);
    close(&v["energy_kwh"], 689_842.0);
    close(&v["emissions_kg"], 39_320.994);
}

#[test]
fn figures_that_overflow_are_refused() {
    // Each input is finite, but 1e308 h × 10^9 devices is not: exit 2
    // naming the inputs, not "inf" in the text and null in the JSON. With
    // 1e308 device-hours, 70 W and PUE 1.1 the energy overflows too.
    for args in [
        &["--hours", "1e308", "--count", "1000000000"][..],
        &["--device-hours", "1e308"][..],
        &["--hours", "1", "--extra-kwh", "1e308"][..],
    ] {
        let mut all = vec![
            "estimate",
            "--hardware",
            "T4",
            "--region",
            "gcp:us-central1",
        ];
        all.extend_from_slice(args);
        fails_with(&all, "overflow (inf)");
    }
    // Each overflow names the figure and what it multiplies, not the hours:
    // 1e308 g/kWh × 8 kWh; 1 h × 100 kg / (1e-320 years × 8,760 h × 0.85).
    let named = [
        (
            &["--intensity", "1e308", "--hours", "1e6"][..],
            "the emissions overflow (inf): energy × carbon intensity",
        ),
        (
            &[
                "--region",
                "gcp:us-central1",
                "--hours",
                "1",
                "--embodied",
                "--lifetime-years",
                "1e-320",
            ][..],
            "the embodied emissions overflow (inf): device-hours × manufacturing kg",
        ),
    ];
    for (args, fragment) in named {
        let mut all = vec!["estimate", "--hardware", "T4"];
        all.extend_from_slice(args);
        let e = fails_with(&all, fragment);
        assert!(!e.contains("--hours"), "{e}");
    }
}
