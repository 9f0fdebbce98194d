//! Draws of every factor, with common random numbers, regenerated on
//! demand instead of stored.
//!
//! Each factor has its own generator: ChaCha8 keyed by the scenario seed
//! (mixed with a constant, so these streams never coincide with the random
//! strategy's) on the stream numbered by the FNV-1a hash of the factor's
//! name (`trial`, `speedup:device:V100 SXM2 16GB`, `zone:FR`, ...). A
//! factor's draws therefore depend only on the seed and its name: not on
//! the thread count, the evaluation order, or the other options. One draw
//! of a factor is shared by every option that uses it.
//!
//! Draws are addressable: draws 2k and 2k + 1 of a factor come from the
//! generator's 64-bit outputs 2k and 2k + 1 (one Box–Muller pair), and
//! ChaCha8 seeks to any output, so any stretch of draws `start..start + len`
//! is regenerated exactly, bit for bit, without the draws before it.
//! [`Factors`] holds only the laws; callers fill buffers of the stretch
//! they need ([`BLOCK`] draws of every factor, or every draw of the few
//! factors of one option), so memory never grows with draws × factors.
//!
//! A factor with no spread is exactly 1 in every draw, so draws then
//! repeat the point figures bit for bit.

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

use super::spread::Model;

/// Mixed into the scenario seed ("uncertai" in ASCII).
const SEED_MIX: u64 = 0x756e_6365_7274_6169;

/// Draws per block when every factor is needed at once (even, so a block
/// starts on a Box–Muller pair).
pub const BLOCK: usize = 1024;

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

/// One factor: its law and its generator stream.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Factor {
    law: Law,
    stream: u64,
}

/// The factors of one device.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Device {
    speedup: Factor,
    power: Factor,
    embodied: Factor,
}

/// Every factor of a plan: the trial-hours factor T, per device the
/// speed-up S_h, power U_h and embodied E_h factors, per site the PUE
/// factor P_r, per grid zone the intensity factor I_z.
#[derive(Debug, Clone, PartialEq)]
pub struct Factors {
    /// Draws per factor.
    pub draws: usize,
    seed: u64,
    trial: Factor,
    devices: Vec<Device>,
    /// Per site: its PUE factor and its zone's index.
    sites: Vec<(Factor, usize)>,
    zones: Vec<Factor>,
}

/// A stretch of draws of one device's factor products.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceDraws {
    /// T × S_h (hours).
    pub time: Vec<f64>,
    /// T × S_h × U_h (energy before PUE).
    pub energy: Vec<f64>,
    /// T × S_h × E_h (embodied); empty when not asked for.
    pub embodied: Vec<f64>,
}

/// A stretch of draws of one site's factors.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteDraws {
    /// P_r.
    pub pue: Vec<f64>,
    /// P_r × I_z(r) (emissions per energy before PUE).
    pub carbon: Vec<f64>,
}

impl DeviceDraws {
    /// Buffers for `len` draws; `embodied` says whether to fill E_h too.
    pub fn new(len: usize, embodied: bool) -> DeviceDraws {
        DeviceDraws {
            time: vec![0.0; len],
            energy: vec![0.0; len],
            embodied: vec![0.0; if embodied { len } else { 0 }],
        }
    }

    /// Buffers for `len` draws, without `time` (see
    /// [`Factors::device_without_time`]).
    pub fn without_time(len: usize, embodied: bool) -> DeviceDraws {
        DeviceDraws {
            time: Vec::new(),
            ..DeviceDraws::new(len, embodied)
        }
    }

    /// The embodied products if filled, else (for comparisons that ignore
    /// them) the energy products: a slice as long as the others either way.
    pub fn embodied_or_energy(&self) -> &[f64] {
        if self.embodied.is_empty() {
            &self.energy
        } else {
            &self.embodied
        }
    }
}

impl SiteDraws {
    /// Buffers for `len` draws.
    pub fn new(len: usize) -> SiteDraws {
        SiteDraws {
            pue: vec![0.0; len],
            carbon: vec![0.0; len],
        }
    }
}

impl Factors {
    /// The factors of a model (nothing is drawn yet).
    pub fn new(model: &Model) -> Factors {
        let factor = |key: &str, law: Law| Factor {
            law,
            stream: stream_of(key),
        };
        let devices = model.devices.iter().map(|d| Device {
            speedup: factor(&format!("speedup:{}", d.key), Law::LogNormal(d.speedup)),
            power: factor(
                &format!("power:{}", d.key),
                Law::Uniform(d.power.0, d.power.1),
            ),
            embodied: factor(&format!("embodied:{}", d.key), Law::LogNormal(d.embodied)),
        });
        let zones = model.zones.iter().map(|z| {
            let key = format!("zone:{}", z.key);
            factor(&key, Law::LogNormal(z.sigma))
        });
        let sites = model.sites.iter().map(|s| {
            let pue = factor(&s.key, Law::Pue(s.pue, s.pue_sigma));
            (pue, s.zone)
        });
        Factors {
            draws: model.draws as usize,
            seed: model.seed,
            trial: factor("trial", Law::LogNormal(model.trial_hours)),
            devices: devices.collect(),
            sites: sites.collect(),
            zones: zones.collect(),
        }
    }

    /// Number of devices.
    pub fn devices(&self) -> usize {
        self.devices.len()
    }

    /// Number of sites.
    pub fn sites(&self) -> usize {
        self.sites.len()
    }

    /// Number of grid zones.
    pub fn zones(&self) -> usize {
        self.zones.len()
    }

    /// Grid zone `z`'s intensity factor.
    pub fn zone(&self, z: usize) -> Factor {
        self.zones[z]
    }

    /// The trial-hours factor T.
    pub fn trial(&self) -> Factor {
        self.trial
    }

    /// Device `h`'s speed-up, power and embodied factors.
    pub fn device_factors(&self, h: usize) -> (Factor, Factor, Factor) {
        let d = self.devices[h];
        (d.speedup, d.power, d.embodied)
    }

    /// Site `r`'s PUE factor and its zone's intensity factor.
    pub fn site_factors(&self, r: usize) -> (Factor, Factor) {
        let (pue, zone) = self.sites[r];
        (pue, self.zones[zone])
    }

    /// Draws `start..start + out.len()` of factor `f`.
    pub fn fill(&self, f: Factor, start: usize, out: &mut [f64]) {
        fill(self.seed, f, start, out);
    }

    /// Site `r`'s grid zone.
    pub fn zone_of(&self, r: usize) -> usize {
        self.sites[r].1
    }

    /// Draws `start..start + len` of device `h`'s products (`len` at most
    /// the buffers' length), as T × S_h, then × U_h and × E_h.
    pub fn device(&self, h: usize, start: usize, len: usize, out: &mut DeviceDraws) {
        let embodied = out.embodied.get_mut(..len);
        let (time, energy) = (&mut out.time[..len], &mut out.energy[..len]);
        self.products(h, start, time, energy, embodied);
    }

    /// [`Factors::device`] for buffers without `time` (left empty), which
    /// `time` stands in for (as long as `energy`).
    pub fn device_without_time(&self, h: usize, time: &mut [f64], out: &mut DeviceDraws) {
        let len = out.energy.len();
        let embodied = out.embodied.get_mut(..len);
        self.products(h, 0, &mut time[..len], &mut out.energy, embodied);
    }

    /// Device `h`'s products into `time` (T × S_h), `energy` (× U_h) and
    /// `embodied` (× E_h), all as long as `time`.
    fn products(
        &self,
        h: usize,
        start: usize,
        time: &mut [f64],
        energy: &mut [f64],
        embodied: Option<&mut [f64]>,
    ) {
        let d = self.devices[h];
        self.fill(self.trial, start, time);
        self.fill(d.speedup, start, energy);
        time.iter_mut().zip(&*energy).for_each(|(t, s)| *t *= s);
        self.fill(d.power, start, energy);
        energy.iter_mut().zip(&*time).for_each(|(u, t)| *u *= t);
        if let Some(embodied) = embodied {
            self.fill(d.embodied, start, embodied);
            embodied.iter_mut().zip(&*time).for_each(|(e, t)| *e *= t);
        }
    }

    /// Draws `start..start + len` of site `r`'s factors: P_r, P_r × I_z.
    pub fn site(&self, r: usize, start: usize, len: usize, out: &mut SiteDraws) {
        let (_, zone) = self.site_factors(r);
        self.fill(zone, start, &mut out.carbon[..len]);
        self.times_pue(r, start, len, out);
    }

    /// [`Factors::site`] given the draws of the site's zone's intensity
    /// (the same stretch), shared by the sites of one zone.
    pub fn site_in_zone(&self, r: usize, start: usize, intensity: &[f64], out: &mut SiteDraws) {
        let len = intensity.len();
        out.carbon[..len].copy_from_slice(intensity);
        self.times_pue(r, start, len, out);
    }

    /// Fill P_r and multiply the intensity draws in `out.carbon` by it.
    fn times_pue(&self, r: usize, start: usize, len: usize, out: &mut SiteDraws) {
        let (p, carbon) = (&mut out.pue[..len], &mut out.carbon[..len]);
        self.fill(self.sites[r].0, start, p);
        carbon.iter_mut().zip(&*p).for_each(|(c, p)| *c *= p);
    }
}

/// FNV-1a, 64 bits: a stable number for a factor's name.
pub fn stream_of(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Draws `start..start + out.len()` of one factor from its own stream.
fn fill(seed: u64, f: Factor, start: usize, out: &mut [f64]) {
    match f.law {
        Law::LogNormal(0.0) | Law::Pue(_, 0.0) => out.fill(1.0),
        Law::Uniform(lo, hi) if lo == 1.0 && hi == 1.0 => out.fill(1.0),
        Law::LogNormal(s) => pairs(seed, f, start, out, normals, |z| (s * z).exp()),
        Law::Uniform(lo, hi) => pairs(seed, f, start, out, |u| u, |u| lo + (hi - lo) * u),
        Law::Pue(pue, s) => pairs(seed, f, start, out, normals, |z| {
            (1.0 + (pue - 1.0) * (s * z).exp()) / pue
        }),
    }
}

/// Fill `out` with draws `start..` of factor `f`: each pair of draws comes
/// from two uniforms in (0, 1] turned into two variates by `pair`, each
/// mapped by `value`.
fn pairs(
    seed: u64,
    f: Factor,
    start: usize,
    out: &mut [f64],
    pair: impl Fn((f64, f64)) -> (f64, f64),
    value: impl Fn(f64) -> f64,
) {
    if out.is_empty() {
        return;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ SEED_MIX);
    rng.set_stream(f.stream);
    // Pair k uses 64-bit outputs 2k and 2k + 1: 32-bit words 4k to 4k + 3.
    rng.set_word_pos(4 * (start / 2) as u128);
    let mut next = || {
        let (a, b) = pair((unit(&mut rng), unit(&mut rng)));
        (value(a), value(b))
    };
    let mut rest = out;
    if start % 2 == 1 {
        rest[0] = next().1;
        rest = &mut rest[1..];
    }
    let mut chunks = rest.chunks_exact_mut(2);
    for c in &mut chunks {
        (c[0], c[1]) = next();
    }
    if let [last] = chunks.into_remainder() {
        *last = next().0;
    }
}

/// Box–Muller: two standard normals from two uniforms in (0, 1].
fn normals((u1, u2): (f64, f64)) -> (f64, f64) {
    let r = (-2.0 * u1.ln()).sqrt();
    let a = std::f64::consts::TAU * u2;
    (r * a.cos(), r * a.sin())
}

/// A uniform draw in (0, 1].
fn unit(rng: &mut ChaCha8Rng) -> f64 {
    ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests;
