//! Unit and property tests of hourly profiles, instants and loading.

use super::files::BUNDLED;
use super::instant::{civil_from_days, days_from_civil, days_in_month};
use super::*;
use proptest::prelude::{prop_assert, prop_assert_eq, prop_oneof, proptest, Just, Strategy};

fn profile(values: &[f64]) -> Profile {
    Profile::from_values("TEST", 2023, values.to_vec())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn at(s: &str) -> Instant {
    Instant::parse(s).unwrap()
}

#[test]
fn mean_of_a_whole_two_hour_run() {
    // (100 + 300) / 2 = 200
    assert_eq!(profile(&[100.0, 300.0]).mean(0.0, 2.0), 200.0);
}

#[test]
fn mean_weights_a_fractional_end() {
    // (100 + 0.5 × 300) / 1.5 = 250 / 1.5 = 166.67
    let m = profile(&[100.0, 300.0]).mean(0.0, 1.5);
    assert!(close(m, 250.0 / 1.5), "{m}");
    assert_eq!(format!("{m:.2}"), "166.67");
}

#[test]
fn mean_weights_a_fractional_start() {
    // (0.5 × 100 + 0.5 × 300) / 1 = 200
    assert_eq!(profile(&[100.0, 300.0]).mean(0.5, 1.0), 200.0);
}

#[test]
fn mean_wraps_around_the_end_of_the_year() {
    let p = profile(&[100.0, 300.0, 500.0]);
    // Hour 2 then hour 0: (0.5 × 500 + 0.5 × 100) / 1 = 300
    assert!(close(p.mean(2.5, 1.0), 300.0));
    // 500 + 100 + 300 + 500 over 4 hours = 350
    assert!(close(p.mean(2.0, 4.0), 350.0));
    // Starts a year apart are the same run: -1 ≡ 2.
    assert!(close(p.mean(-1.0, 1.0), 500.0));
    assert!(close(p.mean(5.0, 1.0), 500.0));
    // Seven hours from 0: two laps (900 each) then 100, / 7 = 271.43
    assert!(close(p.mean(0.0, 7.0), 1900.0 / 7.0));
}

#[test]
fn best_start_tries_from_then_whole_hours() {
    let p = profile(&[100.0, 300.0, 500.0, 100.0, 900.0]);
    // Candidates 0.5 (0.5×100 + 0.5×300 = 200), 1 (300), 2 (500), 3 (100).
    assert_eq!(p.best_start(0.5, 3.0, 1.0), (3.0, 100.0));
    // Hour 3 is past the window's end (0.5 + 2.4 = 2.9): 0.5 wins with 200.
    assert_eq!(p.best_start(0.5, 2.4, 1.0), (0.5, 200.0));
    // Window 0: only `from`.
    assert_eq!(p.best_start(1.0, 0.0, 1.0), (1.0, 300.0));
}

#[test]
fn best_start_ties_go_to_the_earliest() {
    let p = profile(&[200.0; 24]);
    assert_eq!(p.best_start(3.25, 20.0, 2.0), (3.25, 200.0));
    let p = profile(&[100.0, 500.0, 100.0, 500.0]);
    // Hours 0 and 2 both average 100 over one hour: 0 comes first.
    assert_eq!(p.best_start(0.0, 3.0, 1.0), (0.0, 100.0));
    // From 0.5 (300): hours 2 and 4 (≡ 0) both give 100; 2 comes first.
    assert_eq!(p.best_start(0.5, 10.0, 1.0), (2.0, 100.0));
}

/// Mean by walking the hours one by one, independent of the prefix sums.
fn brute_mean(values: &[f64], start: f64, duration: f64) -> f64 {
    let n = values.len() as f64;
    let (mut t, end, mut sum) = (start, start + duration, 0.0);
    while t < end {
        let next = (t.floor() + 1.0).min(end);
        sum += (next - t) * values[t.floor().rem_euclid(n) as usize];
        t = next;
    }
    sum / duration
}

fn brute_best(values: &[f64], from: f64, window: f64, duration: f64) -> (f64, f64) {
    let hours = (0..)
        .map(|k| from.floor() + f64::from(k))
        .skip_while(|&h| h <= from)
        .take_while(|&h| h <= from + window);
    let mut best = (from, brute_mean(values, from, duration));
    for s in hours {
        let m = brute_mean(values, s, duration);
        if m < best.1 - TIE_G_PER_KWH {
            best = (s, m);
        }
    }
    best
}

fn intensities() -> impl Strategy<Value = Vec<f64>> {
    let value = prop_oneof![
        0.0f64..=2000.0,
        // Few distinct values: many exact ties.
        (0u8..4).prop_map(|v| f64::from(v) * 100.0),
    ];
    proptest::collection::vec(value, 24..200)
}

proptest! {
    #[test]
    fn best_start_matches_brute_force(
        values in intensities(),
        from in prop_oneof![0.0f64..400.0, (0u16..400).prop_map(f64::from)],
        window in prop_oneof![0.0f64..300.0, (0u16..300).prop_map(f64::from), Just(0.0)],
        duration in prop_oneof![0.1f64..48.0, (1u8..48).prop_map(f64::from)],
    ) {
        let p = profile(&values);
        let (start, mean) = p.best_start(from, window, duration);
        let (brute_start, brute_mean) = brute_best(&values, from, window, duration);
        prop_assert_eq!(start, brute_start);
        prop_assert!((mean - brute_mean).abs() < 1e-7, "{} vs {}", mean, brute_mean);
    }

    #[test]
    fn position_keeps_weekday_and_time_of_day(seconds in -2_000_000_000i64..5_000_000_000) {
        let p = profile(&[1.0]);
        let instant = Instant::from_seconds(seconds);
        let (hours, mapped) = position(&p, instant);
        let moved = Instant::start_of_year(2023).plus_hours(hours);
        prop_assert_eq!(moved.year(), 2023);
        prop_assert_eq!(mapped, instant.year() != 2023);
        prop_assert_eq!(moved.weekday(), instant.weekday());
        prop_assert_eq!((moved.seconds() - instant.seconds()).rem_euclid(7 * 86_400), 0);
        // Within 6 days of the same calendar date in 2023.
        let (_, m, d) = civil_from_days(instant.days());
        let target = days_from_civil(2023, m, d.min(days_in_month(2023, m)));
        prop_assert!((moved.days() - target).abs() <= 6);
    }
}

#[test]
fn from_csv_reads_a_full_year() {
    let mut text = String::from("g_per_kwh\r\n");
    for h in 0..8760 {
        text.push_str(&format!("{}\r\n", h % 24));
    }
    let p = Profile::from_csv("X", Path::new("x.csv"), &text, 2023).unwrap();
    assert_eq!(p.hours(), 8760);
    // Every day is 0..=23: mean 11.5
    assert!(close(p.mean(0.0, 8760.0), 11.5));
    let err = Profile::from_csv("X", Path::new("x.csv"), &text, 2024)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("x.csv:8762:1: the file ends after 8760 hourly rows; 2024 needs 8784"),
        "{err}"
    );
}

fn csv_error(text: &str) -> String {
    Profile::from_csv("X", Path::new("z/X.csv"), text, 2023)
        .unwrap_err()
        .to_string()
}

#[test]
fn from_csv_errors_name_file_line_and_column() {
    let e = csv_error("gco2\n1\n");
    assert!(
        e.starts_with("z/X.csv:1:1: the header is 'gco2'; it must be 'g_per_kwh'"),
        "{e}"
    );
    let e = csv_error("g_per_kwh\n1\n2500\n");
    assert!(
        e.starts_with("z/X.csv:3:1: g_per_kwh is '2500'; it must be"),
        "{e}"
    );
    let e = csv_error("g_per_kwh\nNaN\n");
    assert!(e.starts_with("z/X.csv:2:1: g_per_kwh is 'NaN'"), "{e}");
    let e = csv_error("g_per_kwh\n-1\n");
    assert!(e.starts_with("z/X.csv:2:1: g_per_kwh is '-1'"), "{e}");
    let e = csv_error("g_per_kwh\n0,1\n");
    assert!(
        e.starts_with("z/X.csv:2:2: this row has more than one field"),
        "{e}"
    );
    let e = csv_error("");
    assert!(e.starts_with("z/X.csv:1:1: the file is empty"), "{e}");
    let e = csv_error("g_per_kwh\n1\n1\n");
    assert!(
        e.starts_with("z/X.csv:4:1: the file ends after 2 hourly rows; 2023 needs 8760"),
        "{e}"
    );
    let long = format!("g_per_kwh\n{}", "1\n".repeat(8761));
    let e = csv_error(&long);
    assert!(
        e.starts_with("z/X.csv:8762:1: too many rows: 2023 has 8760 hours"),
        "{e}"
    );
}

#[test]
fn every_bundled_profile_loads_with_its_published_lca_mean() {
    // Life-cycle means from PROVENANCE.md of the 2021-2024 files, and GB
    // 2023 (187.5, issue #12); whole-gram rounding moves a mean < 0.5 g.
    for (zone, year, mean) in [
        ("GB", 2023, 187.5),
        ("KR", 2021, 489.6),
        ("ZA", 2024, 713.1),
        ("US-NY-NYIS", 2022, 281.2),
        ("BR-CS", 2023, 90.3),
        ("CL-SEN", 2024, 238.1),
        ("AU-VIC", 2022, 541.4),
    ] {
        let p = load(zone, year, None).unwrap();
        assert_eq!((p.zone.as_str(), p.year), (zone, year));
        assert_eq!(p.hours(), hours_in_year(year));
        let m = p.mean(0.0, p.hours() as f64);
        assert!((m - mean).abs() <= 0.5, "{zone} {year}: {m} vs {mean}");
    }
    assert_eq!(zones(None).len(), 14);
    assert_eq!(BUNDLED.len(), 32);
}

#[test]
fn a_year_without_a_profile_takes_the_nearest() {
    // GB has only 2023; KR has 2021-2024: 2025 → 2024, 2019 → 2021.
    assert_eq!(load("GB", 2021, None).unwrap().year, 2023);
    assert_eq!(load("KR", 2025, None).unwrap().year, 2024);
    assert_eq!(load("KR", 2019, None).unwrap().year, 2021);
}

#[test]
fn scaling_brings_the_year_to_the_annual_figure() {
    // GB 2023: hourly LCA mean 187.5, Electricity Maps' yearly 200 g/kWh:
    // factor 200 / 187.5 ≈ 1.067; the scaled year's mean is 200.
    let p = load("GB", 2023, None).unwrap().scale_to(200.0, 2023);
    let s = p.scaling.unwrap();
    assert!((s.factor - 200.0 / s.hourly_mean).abs() < 1e-12);
    assert!((s.hourly_mean - 187.5).abs() <= 0.5, "{}", s.hourly_mean);
    assert!((p.mean(0.0, 8760.0) - 200.0).abs() < 1e-9);
    assert!(
        s.describe("GB", 2023).contains("scaled ×1.06"),
        "{}",
        s.describe("GB", 2023)
    );
}

#[test]
fn load_is_case_insensitive_and_suggests_zones() {
    assert_eq!(load("us-tex-erco", 2023, None).unwrap().zone, "US-TEX-ERCO");
    let e = load("GBR", 2023, None).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    let e = e.to_string();
    assert!(e.contains("grid zone 'GBR'; did you mean 'GB'?"), "{e}");
    assert!(e.contains("'AU-NSW', 'AU-VIC'"), "{e}");
    assert!(e.contains("or 'ZA'"), "{e}");
}

#[test]
fn data_dir_adds_and_replaces_zones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("hourly")).unwrap();
    let flat = format!("{HEADER}\n{}", "50\n".repeat(8760));
    std::fs::write(dir.path().join("hourly/gb_2023.csv"), &flat).unwrap();
    std::fs::write(dir.path().join("hourly/FR_2023.csv"), &flat).unwrap();
    std::fs::write(dir.path().join("hourly/NO_2023.csv"), "g_per_kwh\n-3\n").unwrap();
    let z = zones(Some(dir.path()));
    assert_eq!(z.len(), 16);
    assert!(z.contains(&"FR".to_string()) && z.contains(&"GB".to_string()));
    assert_eq!(
        load("GB", 2023, Some(dir.path())).unwrap().mean(0.0, 24.0),
        50.0
    );
    assert_eq!(load("fr", 2023, Some(dir.path())).unwrap().zone, "FR");
    assert_eq!(load("SG", 2023, Some(dir.path())).unwrap().hours(), 8760);
    let e = load("NO", 2023, Some(dir.path())).unwrap_err().to_string();
    assert!(e.contains("NO_2023.csv:2:1: g_per_kwh is '-3'"), "{e}");
    let e = load("NL", 2023, Some(dir.path())).unwrap_err().to_string();
    assert!(e.contains("'FR', 'GB'"), "{e}");
}

#[test]
fn instant_parses_every_documented_form() {
    let utc = at("2023-06-01T00:00Z");
    for s in [
        "2023-06-01T00:00:00Z",
        "2023-06-01T00:00+00:00",
        "2023-06-01 00:00Z",
        "2023-06-01T02:00+02:00",
        "2023-05-31T19:00-05:00",
        " 2023-06-01t00:00z ",
    ] {
        assert_eq!(at(s), utc, "{s}");
    }
    // 2023-06-01 is 19,509 days after 1970-01-01.
    assert_eq!(utc.seconds(), 19_509 * 86_400);
}

#[test]
fn instant_rejects_malformed_and_impossible_times() {
    for (s, why) in [
        ("2023-02-30T00:00Z", "day 30 is not 1 to 28 in 2023-02"),
        ("2023-02-29T00:00Z", "day 29 is not 1 to 28"),
        ("2023-13-01T00:00Z", "month 13 is not 1 to 12"),
        ("2023-00-01T00:00Z", "month 0"),
        ("2023-06-01T24:00Z", "24:00:00 is not a time of day"),
        ("2023-06-01T12:60Z", "12:60:00 is not a time of day"),
        ("2023-06-01T00:00", "the time zone is missing"),
        ("2023-06-01", "the time must follow the date"),
        ("2023-06-0112:00Z", "separated by T"),
        ("2023-6-1T00:00Z", "the date must be YYYY-MM-DD"),
        ("2023-06-01T00:00+2", "the offset must be +HH:MM"),
        ("2023-06-01T00:00Zx", "unexpected 'x' at the end"),
        ("2023-06-01T00:00 UTC", "unexpected ' UTC' after the time"),
        ("", "the date must be YYYY-MM-DD"),
    ] {
        let e = Instant::parse(s).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let e = e.to_string();
        assert!(e.contains(why), "{s}: {e}");
        assert!(e.contains("write it as 2023-06-01T00:00Z"), "{e}");
    }
}

#[test]
fn leap_years() {
    assert_eq!(at("2024-02-29T00:00Z").to_string(), "2024-02-29T00:00Z");
    assert!(Instant::parse("2100-02-29T00:00Z").is_err());
    assert!(Instant::parse("2000-02-29T00:00Z").is_ok());
    assert_eq!((hours_in_year(2023), hours_in_year(2024)), (8760, 8784));
}

#[test]
fn weekdays_years_and_display() {
    assert_eq!(at("2023-01-01T00:00Z").weekday(), 6); // a Sunday
    assert_eq!(at("1970-01-01T00:00Z").weekday(), 3); // a Thursday
    assert_eq!(at("1969-12-31T23:59Z").weekday(), 2);
    assert_eq!(at("2023-12-31T23:30-01:00").year(), 2024);
    for s in [
        "2023-06-01T00:00Z",
        "2024-02-29T23:59:59Z",
        "1969-07-20T20:17:40Z",
    ] {
        assert_eq!(at(s).to_string(), s);
    }
    // 1.5 h = 5400 s later.
    assert_eq!(
        at("2023-06-01T00:00Z").plus_hours(1.5).to_string(),
        "2023-06-01T01:30Z"
    );
    assert_eq!(Instant::start_of_year(2023), at("2023-01-01T00:00Z"));
}

#[test]
fn position_inside_the_year_is_not_mapped() {
    let p = profile(&[1.0]);
    // 31 + 28 + 31 + 30 + 31 = 151 days before 1 June: 151 × 24 = 3624 h.
    assert_eq!(position(&p, at("2023-06-01T00:00Z")), (3624.0, false));
    assert_eq!(position(&p, at("2023-12-31T23:30Z")), (8759.5, false));
}

#[test]
fn position_maps_another_year_to_the_same_weekday() {
    let p = profile(&[1.0]);
    let wednesday = at("2024-06-05T12:00Z");
    assert_eq!(wednesday.weekday(), 2);
    // 52 weeks earlier: 2023-06-07 12:00, day 151 + 6 = 157: 157 × 24 + 12 = 3780 h.
    let (hours, mapped) = position(&p, wednesday);
    assert_eq!((hours, mapped), (3780.0, true));
    let moved = p.start().plus_hours(hours);
    assert_eq!(
        (moved.to_string(), moved.weekday()),
        ("2023-06-07T12:00Z".into(), 2)
    );
    // 2024-12-31 (a Tuesday) would land on 2024-01-02; one week back: 2023-12-26.
    let (hours, _) = position(&p, at("2024-12-31T06:00Z"));
    assert_eq!(p.start().plus_hours(hours).to_string(), "2023-12-26T06:00Z");
    // 2022-01-01 (a Saturday) lands on 2022-12-31, one week on: 2023-01-07.
    let (hours, _) = position(&p, at("2022-01-01T00:00Z"));
    assert_eq!(p.start().plus_hours(hours).to_string(), "2023-01-07T00:00Z");
}
