//! Draws of every factor, with common random numbers.
//!
//! Each factor has its own generator: ChaCha8 keyed by the scenario seed
//! (mixed with a constant, so these streams never coincide with the random
//! strategy's) on the stream numbered by the FNV-1a hash of the factor's
//! name (`trial`, `speedup:device:V100 SXM2 16GB`, `zone:FR`, ...). A
//! factor's draws therefore depend only on the seed and its name: not on
//! the thread count, the evaluation order, or the other options. One draw
//! of a factor is shared by every option that uses it.
//!
//! A factor with no spread is exactly 1 in every draw, so draws then
//! repeat the point figures bit for bit.
//!
//! Memory: one `f64` per factor and draw, for the six raw factor kinds and
//! five products of them (per device: time, energy, embodied; per site:
//! PUE, carbon): for 5 devices and 152 sites at 10,000 draws about 30 MB.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::spread::Model;

/// Mixed into the scenario seed ("uncertai" in ASCII).
const SEED_MIX: u64 = 0x756e_6365_7274_6169;

/// Every factor's draws, raw and combined per device and per site.
#[derive(Debug, Clone, PartialEq)]
pub struct Factors {
    /// Draws per factor.
    pub draws: usize,
    /// Trial-hours factor T.
    pub trial: Vec<f64>,
    /// Per device: speed-up factor S_h.
    pub speedup: Vec<Vec<f64>>,
    /// Per device: power factor U_h.
    pub power: Vec<Vec<f64>>,
    /// Per device: embodied factor E_h (without time).
    pub embodied_raw: Vec<Vec<f64>>,
    /// Per zone: intensity factor I_z.
    pub intensity: Vec<Vec<f64>>,
    /// Per site: its zone's index.
    pub site_zone: Vec<usize>,
    /// Per device: T × S_h (hours).
    pub time: Vec<Vec<f64>>,
    /// Per device: T × S_h × U_h (energy before PUE).
    pub energy: Vec<Vec<f64>>,
    /// Per device: T × S_h × E_h (embodied).
    pub embodied: Vec<Vec<f64>>,
    /// Per site: PUE factor P_r.
    pub pue: Vec<Vec<f64>>,
    /// Per site: P_r × I_z(r) (emissions per energy before PUE).
    pub carbon: Vec<Vec<f64>>,
    /// 1 in every draw (a factor that does not vary).
    pub ones: Vec<f64>,
}

/// What one factor's draws follow.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Law {
    /// exp(σ z), z standard normal.
    LogNormal(f64),
    /// Uniform on [low, high].
    Uniform(f64, f64),
    /// (1 + (pue − 1) exp(σ z)) / pue: the overhead varies, PUE stays ≥ 1.
    Pue(f64, f64),
}

impl Factors {
    /// Draw every factor of a model.
    pub fn draw(model: &Model) -> Factors {
        let n = model.draws as usize;
        let seed = model.seed;
        let per = |laws: Vec<(String, Law)>| -> Vec<Vec<f64>> {
            laws.into_par_iter()
                .map(|(key, law)| series(seed, &key, law, n))
                .collect()
        };
        let trial = series(seed, "trial", Law::LogNormal(model.trial_hours), n);
        let devices = &model.devices;
        let speedup = per(devices
            .iter()
            .map(|d| (format!("speedup:{}", d.key), Law::LogNormal(d.speedup)))
            .collect());
        let power = per(devices
            .iter()
            .map(|d| {
                (
                    format!("power:{}", d.key),
                    Law::Uniform(d.power.0, d.power.1),
                )
            })
            .collect());
        let embodied_raw = per(devices
            .iter()
            .map(|d| (format!("embodied:{}", d.key), Law::LogNormal(d.embodied)))
            .collect());
        let intensity = per(model
            .zones
            .iter()
            .map(|z| (format!("zone:{}", z.key), Law::LogNormal(z.sigma)))
            .collect());
        let pue = per(model
            .sites
            .iter()
            .map(|s| (s.key.clone(), Law::Pue(s.pue, s.pue_sigma)))
            .collect());
        let site_zone: Vec<usize> = model.sites.iter().map(|s| s.zone).collect();
        let product =
            |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).collect::<Vec<_>>();
        let time: Vec<Vec<f64>> = speedup.iter().map(|s| product(&trial, s)).collect();
        let energy = time
            .iter()
            .zip(&power)
            .map(|(t, u)| product(t, u))
            .collect();
        let embodied = time
            .iter()
            .zip(&embodied_raw)
            .map(|(t, e)| product(t, e))
            .collect();
        let carbon = pue
            .iter()
            .zip(&site_zone)
            .map(|(p, &z)| product(p, &intensity[z]))
            .collect();
        Factors {
            draws: n,
            trial,
            speedup,
            power,
            embodied_raw,
            intensity,
            site_zone,
            time,
            energy,
            embodied,
            pue,
            carbon,
            ones: vec![1.0; n],
        }
    }
}

/// FNV-1a, 64 bits: a stable number for a factor's name.
pub fn stream_of(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `n` draws of one factor from its own stream.
fn series(seed: u64, key: &str, law: Law, n: usize) -> Vec<f64> {
    let zero = match law {
        Law::LogNormal(s) | Law::Pue(_, s) => s == 0.0,
        Law::Uniform(lo, hi) => lo == 1.0 && hi == 1.0,
    };
    if zero {
        return vec![1.0; n];
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ SEED_MIX);
    rng.set_stream(stream_of(key));
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        // Box–Muller: two standard normals from two uniforms in (0, 1].
        let (u1, u2) = (unit(&mut rng), unit(&mut rng));
        let (z1, z2) = match law {
            Law::Uniform(..) => (u1, u2),
            _ => {
                let r = (-2.0 * u1.ln()).sqrt();
                let a = std::f64::consts::TAU * u2;
                (r * a.cos(), r * a.sin())
            }
        };
        for z in [z1, z2] {
            if out.len() < n {
                out.push(match law {
                    Law::LogNormal(s) => (s * z).exp(),
                    Law::Uniform(lo, hi) => lo + (hi - lo) * z,
                    Law::Pue(pue, s) => (1.0 + (pue - 1.0) * (s * z).exp()) / pue,
                });
            }
        }
    }
    out
}

/// A uniform draw in (0, 1].
fn unit(rng: &mut ChaCha8Rng) -> f64 {
    ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_spread_is_exactly_one() {
        assert!(series(7, "x", Law::LogNormal(0.0), 5)
            .iter()
            .all(|&x| x == 1.0));
        assert!(series(7, "x", Law::Uniform(1.0, 1.0), 5)
            .iter()
            .all(|&x| x == 1.0));
        assert!(series(7, "x", Law::Pue(1.58, 0.0), 5)
            .iter()
            .all(|&x| x == 1.0));
    }

    #[test]
    fn a_factor_depends_on_its_name_and_seed_only() {
        let a = series(3, "zone:FR", Law::LogNormal(0.3), 1000);
        // Asking for fewer draws gives a prefix of the same stream.
        assert_eq!(series(3, "zone:FR", Law::LogNormal(0.3), 10), a[..10]);
        assert_ne!(series(3, "zone:DE", Law::LogNormal(0.3), 10), a[..10]);
        assert_ne!(series(4, "zone:FR", Law::LogNormal(0.3), 10), a[..10]);
    }

    #[test]
    fn log_normal_has_the_stated_90_percent_interval() {
        // σ = ln 2 / 1.645: 5 % of draws below 1/2, 5 % above 2, median 1.
        let mut x = series(
            1,
            "t",
            Law::LogNormal(2f64.ln() / super::super::spread::Z95),
            100_000,
        );
        x.sort_by(f64::total_cmp);
        assert!((x[5_000] - 0.5).abs() < 0.01, "{}", x[5_000]);
        assert!((x[50_000] - 1.0).abs() < 0.01, "{}", x[50_000]);
        assert!((x[95_000] - 2.0).abs() < 0.04, "{}", x[95_000]);
    }

    #[test]
    fn uniform_and_pue_stay_in_range() {
        let u = series(1, "p", Law::Uniform(0.55, 1.0), 10_000);
        assert!(u.iter().all(|&x| (0.55..=1.0).contains(&x)));
        // PUE 1.5 with any overhead factor: (1 + 0.5 g) / 1.5 > 1 / 1.5.
        let p = series(1, "q", Law::Pue(1.5, 0.4), 10_000);
        assert!(p.iter().all(|&x| x > 1.0 / 1.5));
    }
}
