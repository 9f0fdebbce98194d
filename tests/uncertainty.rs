//! Ranges: zero spreads repeat the point figures, defaults order the
//! percentiles, `--draws 0` changes no figure, reports state ranges.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use crate::util::{run, scenario, stdout, write};

/// options.csv as rows of column name → cell.
fn table(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn plan(args: &[&str], out: &Path) {
    let mut all = vec!["plan"];
    all.extend_from_slice(args);
    let out = out.display().to_string();
    all.extend_from_slice(&["--out", &out]);
    let o = run(&all);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

const FIGURES: [&str; 4] = ["emissions_kg", "energy_kwh", "wall_hours", "cost_usd"];

#[test]
fn zero_spreads_repeat_the_point_figures() {
    // The ResNet scenario with every spread zero: each draw is the point
    // figure bit for bit, so p5 = p50 = p95 = the figure, as written.
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(scenario("resnet50-imagenet.toml")).unwrap()
        + "\n[uncertainty]\ndraws = 500\nintensity = 0\npower = [1, 1]\nspeedup = 0\ntrial_hours = 0\npue = 0\nembodied = 0\n";
    let s = write(dir.path(), "zero.toml", &text);
    let out = dir.path().join("out");
    plan(&[&s], &out);
    let rows = table(&out.join("options.csv"));
    assert!(rows.len() > 10);
    // Google regions have known prices (offerings.csv), so some rows have a cost.
    assert!(rows.iter().any(|r| !r["cost_usd"].is_empty()));
    for r in &rows {
        for f in FIGURES {
            for p in ["p5", "p50", "p95"] {
                assert_eq!(r[&format!("{f}_{p}")], r[f], "{f}_{p} in {r:?}");
            }
        }
        // Every draw ranks alike: the marked lowest option wins all of them.
        let lowest = r["marks"].split(';').any(|m| m == "lowest");
        let p: f64 = r["p_lowest"].parse().unwrap();
        assert_eq!(p, if lowest { 1.0 } else { 0.0 }, "{r:?}");
    }
}

#[test]
fn default_spreads_order_the_percentiles_and_draws_0_changes_no_figure() {
    let dir = tempfile::tempdir().unwrap();
    let (ranged, point) = (dir.path().join("ranged"), dir.path().join("point"));
    let s = scenario("bert-glue.toml");
    plan(&[&s], &ranged);
    plan(&[&s, "--draws", "0"], &point);
    let (a, b) = (
        table(&ranged.join("options.csv")),
        table(&point.join("options.csv")),
    );
    // 711 since AWS/Azure regions that do not sell a device leave it out.
    assert!(a.len() > 500, "{}", a.len());
    let mut p_sum = 0.0;
    for (r, q) in a.iter().zip(&b) {
        for f in FIGURES {
            if r[f].is_empty() {
                // No price known here: no cost, and no cost range.
                assert_eq!(r[&format!("{f}_p50")], "", "{r:?}");
                continue;
            }
            let v = |p: &str| r[&format!("{f}_{p}")].parse::<f64>().unwrap();
            assert!(v("p5") <= v("p50") && v("p50") <= v("p95"), "{f} in {r:?}");
            // Without draws the interval collapses onto the same point figure.
            assert_eq!(q[&format!("{f}_p5")], r[f]);
            assert_eq!(q[&format!("{f}_p95")], r[f]);
            assert_eq!(q[f], r[f]);
        }
        // The intensity spread is never zero, so neither is an emissions interval.
        let e = |p: &str| r[&format!("emissions_kg_{p}")].parse::<f64>().unwrap();
        assert!(e("p5") < e("p95"), "{r:?}");
        p_sum += r["p_lowest"].parse::<f64>().unwrap();
    }
    // Each draw has exactly one lowest option.
    assert!((p_sum - 1.0).abs() < 1e-9, "{p_sum}");
}

#[test]
fn reports_give_ranges_and_likelihoods() {
    let o = run(&["plan", &scenario("resnet50-imagenet.toml")]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("CO2eq, 90 % interval "), "{text}");
    assert!(text.contains("of 10,000 draws"), "{text}");
    assert!(text.contains("comes mostly from"), "{text}");
    let point = stdout(&run(&[
        "plan",
        &scenario("resnet50-imagenet.toml"),
        "--draws",
        "0",
    ]));
    assert!(
        !point.contains("10,000 draws")
            && !point.contains("percentile over")
            && !point.contains("90 % interval"),
        "{point}"
    );
    let json: serde_json::Value = serde_json::from_slice(
        &run(&[
            "plan",
            &scenario("resnet50-imagenet.toml"),
            "--format",
            "json",
            "--draws",
            "2000",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(json["uncertainty"]["draws"], 2000);
    let lowest = &json["overall"]["lowest_emissions"];
    assert!(lowest["emissions_kg_p5"].as_f64() <= lowest["emissions_kg_p95"].as_f64());
    assert!(lowest["p_lowest"].as_f64().unwrap() > 0.0);
}
