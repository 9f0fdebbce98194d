//! Zones: how much each grid zone's intensity moves, the spread of the
//! intensity factor I_z of `[uncertainty]`, computed when a scenario is read.
//!
//! **Yearly** (the default): for each zone z of the catalog's grid table
//! (`data/grid.csv`: Electricity Maps annual life-cycle means, 2021–2025),
//!
//! ```text
//! σ_z = sample standard deviation of ln(I_z,y) over the years y with a positive figure
//! ```
//!
//! The factor is log-normal with median 1, so the figure of the chosen
//! grid year stays the planned (median) figure and 90 % of draws fall
//! within ×/÷ exp(1.645 σ_z) of it. A zone with a single year (Ember-only
//! countries) has no spread of its own; it, and a site whose zone is
//! unknown, takes the fallback: the median σ over the zones whose figure
//! changes between years (zones whose figures never change carry an
//! estimated constant, not a measurement). Example: France 2021–2025 =
//! 60, 91, 49, 33, 31 g/kWh gives σ = 0.4444, ×/÷ 2.08.
//!
//! **Hourly** (`intensity = "hourly"`): for a zone with an hourly profile
//! and a run window (`[execution] start`, `deadline_hours`), σ_z is the
//! sample standard deviation of ln(hourly intensity) over the whole hours
//! the window touches, [floor(s), ceil(s + deadline_hours)), s the start's
//! position in the profile's year (the profile wraps at the year's end;
//! at most one year of hours). It is the spread of one hour's figure, so
//! it overstates the spread of a run's mean over many hours. Zones with no
//! profile, or every zone when the scenario has no window, take the
//! yearly spread, and the scenario carries a note saying so.

use std::collections::BTreeMap;

use crate::catalog::{GridYear, Region};
use crate::hourly::{self, Profile};
use crate::scenario::Window;

/// The spread of each grid zone's intensity factor.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Zones {
    /// σ of ln(intensity) by zone id, for zones with two or more years.
    pub sigma: BTreeMap<String, f64>,
    /// σ for zones without a figure of their own: the median over zones
    /// whose σ is positive (0 when there are none).
    pub fallback: f64,
}

impl Zones {
    /// Each zone's spread over the years a grid table holds.
    pub fn yearly(grid: &[GridYear]) -> Zones {
        let mut logs: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for r in grid.iter().filter(|r| r.intensity_g_per_kwh > 0.0) {
            logs.entry(&r.zone)
                .or_default()
                .push(r.intensity_g_per_kwh.ln());
        }
        let sigma: BTreeMap<String, f64> = logs
            .into_iter()
            .filter_map(|(zone, x)| Some((zone.to_string(), sample_sd(&x)?)))
            .collect();
        let mut varying: Vec<f64> = sigma.values().copied().filter(|&s| s > 0.0).collect();
        varying.sort_by(f64::total_cmp);
        Zones {
            sigma,
            fallback: median(&varying).unwrap_or(0.0),
        }
    }

    /// Each profiled zone's spread over a run window's hours.
    pub fn hourly(window: &Window) -> BTreeMap<String, f64> {
        window
            .profiles
            .iter()
            .filter_map(|(zone, p)| Some((zone.clone(), window_sigma(p, window)?)))
            .collect()
    }

    /// The zone whose intensity a site follows, and its σ: the site's own
    /// zone, else its country's zone, else the site alone with the fallback.
    pub fn of(&self, site: &Region) -> (String, f64) {
        if let Some(z) = &site.grid_zone {
            return (
                z.clone(),
                self.sigma.get(z).copied().unwrap_or(self.fallback),
            );
        }
        match self.sigma.get(&site.country) {
            Some(&s) => (site.country.clone(), s),
            None => (format!("site:{}", site.key()), self.fallback),
        }
    }
}

/// σ of ln(hourly intensity) over the hours a window touches; `None`
/// when fewer than two of them are positive.
fn window_sigma(p: &Profile, window: &Window) -> Option<f64> {
    let (from, _) = hourly::position(p, window.start);
    let n = p.hours();
    let first = from.floor();
    let hours = ((from + window.deadline_hours).ceil() - first).clamp(1.0, n as f64) as usize;
    let values = p.values();
    let logs: Vec<f64> = (0..hours)
        .map(|k| values[(first as usize + k) % n])
        .filter(|&x| x > 0.0)
        .map(f64::ln)
        .collect();
    sample_sd(&logs)
}

/// The sample standard deviation (n − 1 in the denominator); `None` for
/// fewer than two values, exactly 0 for equal values.
fn sample_sd(x: &[f64]) -> Option<f64> {
    if x.len() < 2 {
        return None;
    }
    if x.iter().all(|&v| v == x[0]) {
        // Exactly 0 for a constant series (the mean can round off it).
        return Some(0.0);
    }
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let ss: f64 = x.iter().map(|v| (v - mean) * (v - mean)).sum();
    Some((ss / (n - 1.0)).sqrt())
}

/// The median of sorted values (mean of the middle two for an even count).
fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hourly::Instant;

    fn row(zone: &str, year: u16, g: f64) -> GridYear {
        GridYear {
            zone: zone.into(),
            name: zone.into(),
            year,
            intensity_g_per_kwh: g,
            basis: "life-cycle".into(),
            source: "electricitymaps".into(),
        }
    }

    #[test]
    fn yearly_sigma_is_the_sample_sd_of_the_logs() {
        // A: 100 and 400 g/kWh: ln = 4.60517, 5.99146; mean 5.29832;
        // deviations ±0.693147; sample variance 2 × 0.480453 / 1 = 0.960906;
        // σ = 0.980258 (= ln 4 / √2).
        // B: 50, 50, 50: σ 0 (constant). C: one year only: no σ of its own.
        // D: 10, 20: σ = ln 2 / √2 = 0.490129.
        let grid = [
            row("A", 2021, 100.0),
            row("A", 2022, 400.0),
            row("B", 2021, 50.0),
            row("B", 2022, 50.0),
            row("B", 2023, 50.0),
            row("C", 2024, 700.0),
            row("D", 2021, 10.0),
            row("D", 2022, 20.0),
        ];
        let z = Zones::yearly(&grid);
        assert!((z.sigma["A"] - 0.980_258).abs() < 1e-6);
        assert_eq!(z.sigma["B"], 0.0);
        assert!(!z.sigma.contains_key("C"));
        // Median over the varying zones A and D: (0.980258 + 0.490129) / 2 = 0.735194.
        assert!((z.fallback - 0.735_194).abs() < 1e-6);
    }

    #[test]
    fn bundled_grid_gives_the_documented_spreads() {
        let c = crate::catalog::Catalog::bundled().unwrap();
        let z = Zones::yearly(&c.grid);
        // FR 2021–2025 = 60, 91, 49, 33, 31 g/kWh: ln = 4.09434, 4.51086,
        // 3.89182, 3.49651, 3.43399; mean 3.88550; squared deviations
        // 0.04361, 0.39107, 0.00004, 0.15132, 0.20387, sum 0.78991; / 4 =
        // 0.19748; σ = 0.444384 (×/÷ exp(1.645 σ) = 2.08).
        assert!(
            (z.sigma["FR"] - 0.444_384).abs() < 1e-6,
            "{}",
            z.sigma["FR"]
        );
        // The median over the zones whose figure changes (the former
        // data/intensity_spread.csv row `*`: 0.064148, ×/÷ 1.11).
        assert!((z.fallback - 0.064_148).abs() < 1e-6, "{}", z.fallback);
    }

    #[test]
    fn hourly_sigma_covers_the_window_hours() {
        // Hours 0–3 of 2023 at 100, 400, 100, 400 g/kWh, the rest 1000.
        // A window from 00:30 for 3 h touches hours 0..4 (floor 0.5 = 0 to
        // ceil 3.5 = 4): ln 100, ln 400 twice each: deviations ±0.693147,
        // sample variance 4 × 0.480453 / 3 = 0.640604, σ = 0.800377.
        let mut values = vec![1000.0; 8760];
        values[..4].copy_from_slice(&[100.0, 400.0, 100.0, 400.0]);
        let p = Profile::from_values("T", 2023, values);
        let window = Window {
            start: Instant::parse("2023-01-01T00:30Z").unwrap(),
            deadline_hours: 3.0,
            profiles: BTreeMap::from([("T".to_string(), p)]),
        };
        let s = Zones::hourly(&window);
        assert!((s["T"] - 0.800_377).abs() < 1e-6, "{}", s["T"]);
    }
}
