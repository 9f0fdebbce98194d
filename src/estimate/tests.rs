//! Unit tests of the single-run calculator.

use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn energy_and_emissions_by_hand() {
    // 250 W × 100 h = 25,000 Wh = 25 kWh; at 429 g/kWh, 25 × 429 / 1000 = 10.725 kg.
    let e = energy(Hours(100.0), Watts(250.0), 1.0, 1.0);
    assert!(close(e.get(), 25.0));
    assert!(close(emissions(e, GPerKwh(429.0)).get(), 10.725));
    // With utilization 0.8 and PUE 1.1: 25 × 0.8 × 1.1 = 22 kWh.
    assert!(close(
        energy(Hours(100.0), Watts(250.0), 0.8, 1.1).get(),
        22.0
    ));
}

fn request<'a>(device: &'a Device, site: Site<'a>) -> Request<'a> {
    Request {
        device,
        count: 1,
        hours: Hours(100.0),
        device_hours: None,
        extra_kwh: 0.0,
        site,
        pue: None,
        power: None,
        utilization: 1.0,
        offset_pct: None,
        embodied: None,
        timing: None,
    }
}

proptest::proptest! {
    /// Emissions grow with intensity, PUE, hours and devices.
    #[test]
    fn emissions_grow_with_every_input(
        ci in 0.0f64..1200.0, pue in 1.0f64..3.0, hours in 0.01f64..1e4, count in 1u32..64, bump in 1.01f64..2.0,
    ) {
        let catalog = Catalog::bundled().unwrap();
        let device = catalog.device("H100 SXM").unwrap();
        let kg = |ci: f64, pue: f64, hours: f64, count: u32| {
            let mut req = request(device, Site::Intensity(GPerKwh(ci)));
            req.pue = Some(pue.min(3.0));
            req.hours = Hours(hours);
            req.count = count;
            estimate(&catalog, &req).unwrap().emissions_kg
        };
        let base = kg(ci, pue, hours, count);
        proptest::prop_assert!(kg(ci * bump + 1.0, pue, hours, count) > base);
        proptest::prop_assert!(kg(ci, pue, hours * bump, count) >= base);
        proptest::prop_assert!(kg(ci, pue, hours, count + 1) >= base);
        if pue * bump <= 3.0 {
            proptest::prop_assert!(kg(ci, pue * bump, hours, count) >= base);
        }
    }
}

#[test]
fn embodied_adds_to_the_total() {
    let catalog = Catalog::bundled().unwrap();
    let device = catalog.device("V100 PCIe 16GB").unwrap();
    let mut req = request(device, Site::Intensity(GPerKwh(429.0)));
    req.power = Some(Watts(250.0));
    req.pue = Some(1.0);
    req.embodied = Some(Overrides {
        device_kg: Some(150.0),
        server_kg: Some(2500.0),
        devices_per_server: Some(8.0),
        lifetime_years: Some(6.0),
        lifetime_utilization: Some(0.85),
    });
    let est = estimate(&catalog, &req).unwrap();
    // 100 device-hours × 462.5 kg / 44,676 h = 1.0352 kg; total 10.725 + 1.0352.
    let embodied = 100.0 * 462.5 / 44_676.0;
    assert!(close(est.embodied_kg.unwrap(), embodied));
    assert!(close(est.total_kg.unwrap(), 10.725 + embodied));
}

#[test]
fn intensity_mode_uses_the_private_pue_and_no_offset() {
    let catalog = Catalog::bundled().unwrap();
    let device = catalog.device("V100 PCIe 16GB").unwrap();
    let mut req = request(device, Site::Intensity(GPerKwh(429.0)));
    req.power = Some(Watts(250.0));
    let est = estimate(&catalog, &req).unwrap();
    // 250 W × 100 h = 25 kWh × PUE 1.56 = 39 kWh → 39 × 429 / 1000 = 16.731 kg.
    assert!(close(est.energy_kwh, 39.0));
    assert!(close(est.emissions_kg, 16.731));
    assert_eq!(est.pue, 1.56);
    assert_eq!(est.offset_kg, 0.0);
    assert!(est.region.is_none());
}

#[test]
fn region_mode_applies_pue_and_reports_offset() {
    let catalog = Catalog::bundled().unwrap();
    let device = catalog.device("V100 PCIe 16GB").unwrap();
    let region = catalog.region("gcp:europe-north1").unwrap();
    let mut req = request(device, Site::Region(region));
    req.count = 2;
    let est = estimate(&catalog, &req).unwrap();
    // 2 × 250 W × 100 h × PUE = 50 kWh × PUE.
    let kwh = 50.0 * region.pue;
    assert!(close(est.energy_kwh, kwh));
    assert!(close(
        est.emissions_kg,
        kwh * region.intensity_g_per_kwh / 1000.0
    ));
    assert!(close(
        est.offset_kg,
        est.emissions_kg * region.offset_pct / 100.0
    ));
    let car = catalog
        .equivalents
        .iter()
        .find(|e| e.key == "car_km")
        .unwrap();
    assert!(close(
        est.equivalents["car_km"],
        est.emissions_kg / car.kg_co2_per_unit
    ));
}

#[test]
fn cleaner_region_is_never_worse() {
    let catalog = Catalog::bundled().unwrap();
    let device = catalog.device("V100 PCIe 16GB").unwrap();
    for region in &catalog.regions {
        let est = estimate(&catalog, &request(device, Site::Region(region))).unwrap();
        let alt = est.cleaner_region.unwrap();
        assert!(
            alt.emissions_kg <= est.emissions_kg * (1.0 + 1e-12),
            "{}",
            region.key()
        );
        assert!(alt.saving_pct >= -1e-9);
    }
}

#[test]
fn published_footprints_as_published() {
    let catalog = Catalog::bundled().unwrap();
    // GPT-3 (Patterson et al. 2021): 3,552,000 V100-hours, 330 W, PUE 1.1,
    // 429 g/kWh: 3,552,000 × 0.33 kW = 1,172,160 kWh × 1.1 = 1,289,376 kWh;
    // × 429 g = 553,142,304 g = 553,142.304 kg.
    let v100 = catalog.device("V100 SXM2 32GB").unwrap();
    let mut req = request(v100, Site::Intensity(GPerKwh(429.0)));
    req.device_hours = Some(Hours(3_552_000.0));
    req.power = Some(Watts(330.0));
    req.pue = Some(1.1);
    let e = estimate(&catalog, &req).unwrap();
    assert_eq!(
        (e.count, e.hours, e.device_hours),
        (None, None, 3_552_000.0)
    );
    assert!(close(e.energy_kwh, 1_289_376.0), "{}", e.energy_kwh);
    assert!(close(e.emissions_kg, 553_142.304), "{}", e.emissions_kg);
    // BLOOM (Luccioni et al. 2023): 1,082,990 A100-hours at 400 W =
    // 433,196 kWh dynamic, plus 256,646 kWh idle = 689,842 kWh (PUE 1 as
    // published); × 57 g = 39,320,994 g = 39,320.994 kg.
    let a100 = catalog.device("A100 SXM4 80GB").unwrap();
    let mut req = request(a100, Site::Intensity(GPerKwh(57.0)));
    req.device_hours = Some(Hours(1_082_990.0));
    req.extra_kwh = 256_646.0;
    req.pue = Some(1.0);
    let e = estimate(&catalog, &req).unwrap();
    assert!(close(e.device_kwh, 433_196.0), "{}", e.device_kwh);
    assert!(close(e.energy_kwh, 689_842.0), "{}", e.energy_kwh);
    assert!(close(e.emissions_kg, 39_320.994), "{}", e.emissions_kg);
    let text = crate::report::paper::estimate_paragraph(&e, crate::report::paper::Markup::Markdown);
    assert!(
        text.contains("It used 1,082,990 device-hours on A100 SXM4 80GB"),
        "{text}"
    );
    assert!(
        text.contains("plus 256,646 kWh outside the devices"),
        "{text}"
    );
    assert!(!text.contains("× A100"), "{text}");
}

#[test]
fn country_and_plan_sites_share_the_private_pue() {
    assert_eq!(crate::scenario::PRIVATE_PUE, PRIVATE_PUE);
    let catalog = Catalog::bundled().unwrap();
    let device = catalog.device("V100 PCIe 16GB").unwrap();
    let fr = catalog.country("FR").unwrap();
    let e = estimate(&catalog, &request(device, Site::Country(fr))).unwrap();
    assert_eq!(e.pue, 1.56);
}

#[test]
fn a_year_long_start_reproduces_the_annual_figure() {
    // KR 2023: Electricity Maps' yearly figure; the profile is scaled to
    // it, so 8,760 hours from 2023-01-01 average that figure (within 1 %).
    let catalog = Catalog::bundled().unwrap();
    let device = catalog.device("V100 PCIe 16GB").unwrap();
    for (region, zone, year) in [
        ("aws:ap-northeast-2", "KR", 2023u16),
        ("gcp:europe-west2", "GB", 2023),
        ("aws:af-south-1", "ZA", 2022),
    ] {
        let cat = catalog.for_year(year).unwrap();
        let r = cat.region(region).unwrap();
        let start = Instant::start_of_year(i32::from(year));
        let profile = hourly::for_run(&cat, zone, start).unwrap();
        let mut req = request(device, Site::Region(r));
        req.hours = Hours(hourly::hours_in_year(i32::from(year)) as f64);
        req.timing = Some(Timing {
            profile: &profile,
            start,
            window_hours: None,
        });
        let e = estimate(&cat, &req).unwrap();
        let annual = r.intensity_g_per_kwh;
        assert!(
            (e.intensity_g_per_kwh - annual).abs() <= 0.01 * annual,
            "{region}: {} vs {annual}",
            e.intensity_g_per_kwh
        );
        assert!(e.timed.unwrap().scaling.unwrap().contains("scaled"));
    }
}

#[test]
fn bad_numbers_are_rejected() {
    let catalog = Catalog::bundled().unwrap();
    let device = catalog.device("V100 PCIe 16GB").unwrap();
    for hours in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let mut req = request(device, Site::Intensity(GPerKwh(100.0)));
        req.hours = Hours(hours);
        let err = estimate(&catalog, &req).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            matches!(&err, Error::Value { given: Given::Hours, problem } if problem.starts_with("must be a positive number")),
            "{err}"
        );
    }
    let mut req = request(device, Site::Intensity(GPerKwh(100.0)));
    req.count = 0;
    assert!(matches!(
        estimate(&catalog, &req).unwrap_err(),
        Error::Value {
            given: Given::Count,
            ..
        }
    ));
}
