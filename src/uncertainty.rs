//! Uncertainty: every figure of a plan as a range, every ranking with the
//! probability that it holds.
//!
//! Every option's figures are products of a few *factors*: the trial-hours
//! estimate, the device's speed-up over the reference device, the device's
//! real power draw, the site's PUE, its grid zone's intensity and the
//! device's embodied figure. Each factor gets a spread (see [`spread`]);
//! a Monte Carlo run draws every factor `draws` times (see [`draws`]) and
//! recomputes every option in every draw with a handful of
//! multiplications:
//!
//! ```text
//! time     = T × S_h                    (trial hours × device speed-up)
//! energy   = energy_kwh   × time × U_h × P_r
//! emission = emissions_kg × time × U_h × P_r × I_z(r)
//! embodied = embodied_kg  × time × E_h
//! wall     = wall_hours + run_hours × (time − 1)
//! cost     = cost_usd     × time
//! ```
//!
//! with T the trial-hours factor, S_h, U_h, E_h the speed-up, power and
//! embodied factors of device h, P_r the PUE factor of site r and I_z the
//! intensity factor of its grid zone z. Factors use *common random
//! numbers*: in one draw a factor takes the same value for every option
//! that shares it (every option shares T; options on one device share S_h,
//! U_h and E_h; options in one zone share I_z), so comparisons between
//! options are paired. Each factor's draws come from its own generator
//! stream, named by the factor (see [`draws`]), so results do not depend on
//! the thread count, the evaluation order, or which other options exist.
//!
//! [`zones`] gives each grid zone's intensity spread, from the catalog's
//! yearly figures or an hourly profile over the run window.
//! [`quantiles`] gives per option the 5th, 50th and 95th percentiles, and
//! [`lowest`] the share of draws in which the option is the lowest; both
//! regenerate the draws they need instead of storing them, so memory does
//! not grow with draws × factors or draws × options. [`sensitivity`] says
//! which input contributes most to one option's range.

pub mod analysis;
pub mod draws;
pub mod lowest;
pub mod quantiles;
pub mod sensitivity;
pub mod spread;
pub mod zones;

pub use analysis::Analysis;
pub use draws::{DeviceDraws, Factors, SiteDraws, BLOCK};
pub use quantiles::{OptionRanges, Range, Ranges};
pub use sensitivity::Contribution;
pub use spread::{Model, Spreads};

/// What the Monte Carlo needs of one option: its point figures, and which
/// device and site it runs on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Index of the device in the model's devices.
    pub hardware: usize,
    /// Index of the site in the model's sites.
    pub site: usize,
    /// Operational emissions, kg CO2eq.
    pub emissions_kg: f64,
    /// Energy, kWh.
    pub energy_kwh: f64,
    /// Hours to result (waiting included), h.
    pub wall_hours: f64,
    /// Hours the sweep runs (`wall_hours` without waiting), h.
    pub run_hours: f64,
    /// Embodied emissions, kg CO2eq.
    pub embodied_kg: f64,
    /// Money, USD, where the price is known.
    pub cost_usd: Option<f64>,
}

/// How options are compared: on operational emissions, or on operational
/// plus embodied (the plan's `--metric`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compare {
    /// Operational emissions.
    #[default]
    Operational,
    /// Operational plus embodied emissions.
    Total,
}

impl Point {
    /// This option's compared emissions in one draw, from its device's
    /// energy and embodied products and its site's carbon product.
    #[inline]
    pub(crate) fn compared(&self, energy: f64, carbon: f64, embodied: f64, c: Compare) -> f64 {
        let m = self.emissions_kg * energy * carbon;
        match c {
            Compare::Operational => m,
            Compare::Total => m + self.embodied_kg * embodied,
        }
    }

    /// This option's wall hours in a draw whose time factor is `time`.
    #[inline]
    pub(crate) fn hours(&self, time: f64) -> f64 {
        self.wall_hours + self.run_hours * (time - 1.0)
    }

    /// The compared emissions of draws `start..start + len`, into `out`.
    fn compared_draws(&self, f: &Factors, c: Compare, start: usize, out: &mut Draws) {
        let len = out.2.len();
        f.device(self.hardware, start, len, &mut out.0);
        f.site(self.site, start, len, &mut out.1);
        let (dev, site) = (&out.0, &out.1);
        let embodied = dev.embodied_or_energy();
        for (d, m) in out.2.iter_mut().enumerate() {
            *m = self.compared(dev.energy[d], site.carbon[d], embodied[d], c);
        }
    }
}

/// Buffers for a stretch of one option's draws: its device's, its site's,
/// and its compared emissions.
type Draws = (DeviceDraws, SiteDraws, Vec<f64>);

/// The share of draws in which option `a` emits less than option `b`
/// (ties count for neither), in the plan's comparison. Without draws,
/// 1 or 0 from the point figures. The draws are regenerated a block at a
/// time: memory does not depend on the number of draws.
pub fn p_less(points: &[Point], factors: &Factors, compare: Compare, a: usize, b: usize) -> f64 {
    let (pa, pb) = (&points[a], &points[b]);
    let n = factors.draws;
    if n == 0 {
        let point = |p: &Point| match compare {
            Compare::Operational => p.emissions_kg,
            Compare::Total => p.emissions_kg + p.embodied_kg,
        };
        return f64::from(u8::from(point(pa) < point(pb)));
    }
    let total = compare == Compare::Total;
    let buffers = |len: usize| {
        (
            DeviceDraws::new(len, total),
            SiteDraws::new(len),
            vec![0.0; len],
        )
    };
    let (mut da, mut db) = (buffers(BLOCK), buffers(BLOCK));
    let mut wins = 0usize;
    for start in (0..n).step_by(BLOCK) {
        let len = BLOCK.min(n - start);
        da.2.truncate(len);
        db.2.truncate(len);
        pa.compared_draws(factors, compare, start, &mut da);
        pb.compared_draws(factors, compare, start, &mut db);
        wins += da.2.iter().zip(&db.2).filter(|(x, y)| x < y).count();
    }
    wins as f64 / n as f64
}

#[cfg(test)]
mod tests {
    use super::spread::{sigma, DeviceSpread, SiteSpread, ZoneSpread};
    use super::*;

    /// Two options on one device at two sites; every spread zero but the
    /// intensity's (relative spread 1: 90 % of draws within ×/÷ 2).
    fn two_sites(shared_zone: bool, draws: u32) -> (Vec<Point>, Factors) {
        let site = |i: usize| SiteSpread {
            key: format!("pue:s{i}"),
            pue: 1.1,
            pue_sigma: 0.0,
            zone: if shared_zone { 0 } else { i },
        };
        let zones = (0..if shared_zone { 1 } else { 2 })
            .map(|i| ZoneSpread {
                key: format!("z{i}"),
                sigma: sigma(1.0),
            })
            .collect();
        let model = Model {
            draws,
            seed: 42,
            trial_hours: 0.0,
            devices: vec![DeviceSpread {
                key: "device:d".into(),
                speedup: 0.0,
                power: (1.0, 1.0),
                embodied: 0.0,
            }],
            sites: vec![site(0), site(1)],
            zones,
        };
        let point = |site: usize, kg: f64| Point {
            hardware: 0,
            site,
            emissions_kg: kg,
            energy_kwh: 10.0,
            wall_hours: 5.0,
            run_hours: 5.0,
            embodied_kg: 0.0,
            cost_usd: None,
        };
        (vec![point(0, 1.0), point(1, 2.0)], Factors::new(&model))
    }

    #[test]
    fn common_random_numbers_keep_a_shared_factor_from_reordering() {
        // Same zone: in every draw both options' intensity moves by the same
        // factor, so 1 kg × I < 2 kg × I always: p_lowest exactly 1 and 0.
        let (points, f) = two_sites(true, 10_000);
        let r = quantiles::ranges(&points, &f, Compare::Operational);
        assert_eq!((r[0].p_lowest, r[1].p_lowest), (1.0, 0.0));
        assert_eq!(p_less(&points, &f, Compare::Operational, 0, 1), 1.0);
        // Independent zones: B is lower when 2 I_B < I_A, i.e. z_A − z_B >
        // ln 2 / σ with σ = ln 2 / 1.645: P(N(0, 2) > 1.645) =
        // P(N(0, 1) > 1.1631) = 0.1224.
        let (points, f) = two_sites(false, 10_000);
        let r = quantiles::ranges(&points, &f, Compare::Operational);
        assert!((r[1].p_lowest - 0.1224).abs() < 0.012, "{}", r[1].p_lowest);
        assert!((r[0].p_lowest + r[1].p_lowest - 1.0).abs() < 1e-12);
    }

    #[test]
    fn ranges_follow_the_shared_factor() {
        // Only the intensity varies (×/÷ 2 at 90 %): option A's emissions
        // range is about 0.5–2 kg around 1 kg; energy and wall do not move.
        let (points, f) = two_sites(true, 10_000);
        let r = quantiles::ranges(&points, &f, Compare::Operational);
        let e = r[0].emissions_kg;
        assert!(
            (e.p5 - 0.5).abs() < 0.03 && (e.p50 - 1.0).abs() < 0.04 && (e.p95 - 2.0).abs() < 0.12,
            "{e:?}"
        );
        assert_eq!(r[0].energy_kwh, Range::point(10.0));
        assert_eq!(r[0].wall_hours, Range::point(5.0));
        // Option B's range is twice A's, draw for draw.
        assert!((r[1].emissions_kg.p95 - 2.0 * e.p95).abs() < 1e-9);
    }

    #[test]
    fn no_draws_give_point_figures() {
        let (points, f) = two_sites(false, 0);
        let r = quantiles::ranges(&points, &f, Compare::Operational);
        assert_eq!(r[1].emissions_kg, Range::point(2.0));
        assert_eq!((r[0].p_lowest, r[1].p_lowest), (1.0, 0.0));
        assert_eq!(p_less(&points, &f, Compare::Operational, 1, 0), 0.0);
    }

    #[test]
    fn sensitivity_names_the_only_varying_input() {
        let (points, f) = two_sites(true, 2_000);
        let s = sensitivity::contributions(&points[0], &f, Compare::Operational);
        assert_eq!(s[0].input, sensitivity::Input::Intensity);
        // Every other input leaves the 1 kg figure alone.
        assert!(s[1..].iter().all(|c| c.range == Range::point(1.0)));
    }

    #[test]
    fn ranges_do_not_depend_on_the_thread_count() {
        let (points, _) = two_sites(false, 0);
        let many: Vec<Point> = (0..200)
            .map(|i| Point {
                site: i % 2,
                emissions_kg: 1.0 + i as f64 / 100.0,
                ..points[0]
            })
            .collect();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let (_, f) = two_sites(false, 3_000);
                quantiles::ranges(&many, &f, Compare::Operational)
            })
        };
        assert_eq!(run(1), run(2));
    }
}
