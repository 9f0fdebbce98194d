//! Random search drawn for a cost that reads only some parameters.
//!
//! Trial i's parameter j is the j-th 64-bit word of ChaCha8 stream i (see
//! `space/chacha.rs`), so the parameters a cost does not read need neither
//! their block computed nor their value sampled: drawing only the read ones
//! gives them exactly the values a full draw gives. When every read
//! parameter is discrete (a constant, a `values` list, an `int_uniform`
//! range), a trial's cost is fixed by its combination of levels, which
//! comes from the words alone: [`Subset::combination`] numbers it, so the
//! cost is evaluated once per combination met, not once per trial.

#[cfg(target_arch = "x86_64")]
use super::chacha::avx2;
use super::chacha::Key;
pub use super::chacha::LANES;
use super::jobset::unit_of;
use super::sampler::Sampler;
use super::JobSet;

/// Most level combinations numbered densely (a table of this many codes
/// per chunk of trials is small next to the chunk's work).
pub const DENSE_COMBINATIONS: u64 = 1 << 16;

/// One discrete read parameter's place in the combination number.
#[derive(Debug, Clone, Copy)]
struct Digit {
    /// Levels, as the sampler scales a unit draw by them.
    width: f64,
    /// Highest level.
    max: usize,
    /// Mixed-radix stride.
    stride: u64,
}

impl Digit {
    /// The level a unit draw picks, as [`Sampler::sample`] picks it: ⌊u ×
    /// width⌋ (u × width ≥ 0, so truncation is the floor and needs no libm
    /// call), at most the highest level.
    #[inline(always)]
    fn level(self, word: u64) -> u64 {
        ((unit_of(word) * self.width) as usize).min(self.max) as u64
    }

    fn of(sampler: &Sampler, stride: u64) -> Option<Digit> {
        let (width, max) = match sampler {
            Sampler::Constant(_) => (0.0, 0),
            Sampler::Values(v) => (v.len() as f64, v.len() - 1),
            &Sampler::IntUniform { lo, hi, width } => (width, (hi - lo) as usize),
            _ => return None,
        };
        Some(Digit { width, max, stride })
    }
}

/// The parameters a random search's cost reads, and how to number their
/// level combinations.
#[derive(Debug, Clone)]
pub struct Subset<'s> {
    key: Key,
    samplers: &'s [Sampler],
    /// Read parameters, ascending.
    used: Vec<usize>,
    /// Each read parameter's digit, when all are discrete and the
    /// combinations fit in a u64.
    digits: Option<Vec<Digit>>,
    combinations: u64,
}

impl<'s> Subset<'s> {
    /// The subset of `set`'s parameters marked in `used`, or `None` when
    /// `set` is not plain random search (a grid, a design, early stopping).
    pub fn of(set: &'s JobSet, used: &[bool]) -> Option<Subset<'s>> {
        let (key, samplers) = set.random_parts()?;
        let used: Vec<usize> = (0..samplers.len()).filter(|&j| used[j]).collect();
        let mut digits = Some(Vec::with_capacity(used.len()));
        let mut combinations = 1u64;
        for &j in used.iter().rev() {
            let s = &samplers[j];
            let next = s.levels().and_then(|n| combinations.checked_mul(n));
            match (next, Digit::of(s, combinations), digits.as_mut()) {
                (Some(c), Some(d), Some(ds)) => {
                    ds.push(d);
                    combinations = c;
                }
                _ => digits = None,
            }
        }
        if let Some(d) = digits.as_mut() {
            d.reverse();
        }
        Some(Subset {
            key,
            samplers,
            used,
            combinations: if digits.is_some() { combinations } else { 0 },
            digits,
        })
    }

    /// Number of level combinations, when every read parameter is discrete.
    pub fn combinations(&self) -> Option<u64> {
        self.digits.as_ref().map(|_| self.combinations)
    }

    /// Each read parameter's word of trial `index`, in `used` order.
    fn words(&self, index: u64, mut each: impl FnMut(usize, u64)) {
        let mut block = [0u32; 16];
        let mut counter = u64::MAX;
        for (k, &j) in self.used.iter().enumerate() {
            let c = (j / 8) as u64;
            if c != counter {
                block = self.key.block(index, c);
                counter = c;
            }
            let w = 2 * (j % 8);
            each(k, u64::from(block[w]) | (u64::from(block[w + 1]) << 32));
        }
    }

    /// [`Subset::combination`] of the [`LANES`] trials from `first` on.
    pub fn combinations_from(&self, first: u64) -> [u64; LANES] {
        #[cfg(target_arch = "x86_64")]
        if avx2::has_avx2() {
            // SAFETY: the processor runs AVX2, as just checked.
            #[allow(unsafe_code)]
            return unsafe { self.combinations_from_avx2(first) };
        }
        self.levels_from(|c| self.key.blocks(first, c))
    }

    /// [`Subset::combinations_from`] compiled for AVX2, with the ChaCha8
    /// lanes in 256-bit registers.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn combinations_from_avx2(&self, first: u64) -> [u64; LANES] {
        self.levels_from(|c| avx2::blocks(&self.key, first, c))
    }

    /// The combinations of [`LANES`] consecutive trials, `blocks(c)` giving
    /// block `c` of their streams.
    #[inline(always)]
    fn levels_from(&self, blocks: impl Fn(u64) -> [[u32; LANES]; 16]) -> [u64; LANES] {
        let digits = self.digits.as_deref().unwrap_or(&[]);
        let mut at = [0u64; LANES];
        let mut block = [[0u32; LANES]; 16];
        let mut counter = u64::MAX;
        for (&j, &d) in self.used.iter().zip(digits) {
            let c = (j / 8) as u64;
            if c != counter {
                block = blocks(c);
                counter = c;
            }
            let w = 2 * (j % 8);
            for ((a, &lo), &hi) in at.iter_mut().zip(&block[w]).zip(&block[w + 1]) {
                *a += d.level(u64::from(lo) | (u64::from(hi) << 32)) * d.stride;
            }
        }
        at
    }

    /// Write trial `index`'s values of the read parameters into `slots`;
    /// the others are left as they are.
    pub fn draw(&self, index: u64, slots: &mut [f64]) {
        self.words(index, |k, word| {
            let j = self.used[k];
            slots[j] = self.samplers[j].sample(unit_of(word));
        });
    }

    /// [`Subset::draw`] of the [`LANES`] trials from `first` on, their
    /// ChaCha8 blocks computed together: `rows` holds one row of
    /// parameter values per trial (lane-major, `rows.len()` = LANES × the
    /// number of parameters), and the read parameters of each are written.
    pub fn draw_lanes(&self, first: u64, rows: &mut [f64]) {
        #[cfg(target_arch = "x86_64")]
        if avx2::has_avx2() {
            // SAFETY: the processor runs AVX2, as just checked.
            #[allow(unsafe_code)]
            return unsafe { self.draw_lanes_avx2(first, rows) };
        }
        self.draw_lanes_from(rows, |c| self.key.blocks(first, c));
    }

    /// [`Subset::draw_lanes`] compiled for AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn draw_lanes_avx2(&self, first: u64, rows: &mut [f64]) {
        self.draw_lanes_from(rows, |c| avx2::blocks(&self.key, first, c));
    }

    /// The read parameters' values of [`LANES`] consecutive trials into
    /// `rows`, `blocks(c)` giving block `c` of their streams.
    #[inline(always)]
    fn draw_lanes_from(&self, rows: &mut [f64], blocks: impl Fn(u64) -> [[u32; LANES]; 16]) {
        let p = rows.len() / LANES;
        let mut block = [[0u32; LANES]; 16];
        let mut counter = u64::MAX;
        for &j in &self.used {
            let c = (j / 8) as u64;
            if c != counter {
                block = blocks(c);
                counter = c;
            }
            let w = 2 * (j % 8);
            for (l, (&lo, &hi)) in block[w].iter().zip(&block[w + 1]).enumerate() {
                let word = u64::from(lo) | (u64::from(hi) << 32);
                rows[l * p + j] = self.samplers[j].sample(unit_of(word));
            }
        }
    }

    /// Trial `index`'s level combination, numbered in mixed radix (first
    /// read parameter slowest). Only when [`Subset::combinations`] is some.
    pub fn combination(&self, index: u64) -> u64 {
        let digits = self.digits.as_deref().unwrap_or(&[]);
        let mut at = 0u64;
        self.words(index, |k, word| {
            at += digits[k].level(word) * digits[k].stride;
        });
        at
    }

    /// Write the read parameters' values of level combination `k` into
    /// `slots`: the values [`Subset::draw`] gives any trial whose
    /// [`Subset::combination`] is `k`.
    pub fn values_of(&self, k: u64, slots: &mut [f64]) {
        let digits = self.digits.as_deref().unwrap_or(&[]);
        for (&j, d) in self.used.iter().zip(digits) {
            let level = (k / d.stride) % (d.max as u64 + 1);
            slots[j] = self.samplers[j].at_level(level as usize);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::{Count, Distribution, Domain, Level, Param, Strategy};

    fn params() -> Vec<Param> {
        let range = |name: &str, min: f64, max: f64, distribution| Param {
            name: name.into(),
            domain: Domain::Range {
                min,
                max,
                distribution,
                grid_points: None,
            },
        };
        let mut out = vec![
            range("lr", 1e-5, 1e-1, Distribution::LogUniform),
            Param {
                name: "batch".into(),
                domain: Domain::Values(vec![
                    Level::Num(64.0),
                    Level::Num(128.0),
                    Level::Num(256.0),
                ]),
            },
            range("epochs", 10.0, 100.0, Distribution::IntUniform),
        ];
        // Parameters 3..10: the tenth sits in the second block.
        for i in 3..10 {
            out.push(range(&format!("p{i}"), 0.0, 1.0, Distribution::Uniform));
        }
        out
    }

    #[test]
    fn subset_draws_equal_full_draws() {
        let ps = params();
        let set = JobSet::new(&ps, &Strategy::Random(Count::Trials(500)), 42).unwrap();
        let mut used = vec![false; ps.len()];
        for j in [1, 2, 9] {
            used[j] = true;
        }
        let sub = Subset::of(&set, &used).unwrap();
        assert_eq!(sub.combinations(), None, "p9 is continuous");
        let (mut full, mut part) = (vec![0.0; ps.len()], vec![f64::NAN; ps.len()]);
        for i in 0..500 {
            set.trial(i, &mut full);
            sub.draw(i, &mut part);
            for j in [1, 2, 9] {
                assert_eq!(full[j].to_bits(), part[j].to_bits(), "trial {i} param {j}");
            }
            assert!(part[0].is_nan(), "unread parameters are not drawn");
        }
    }

    #[test]
    fn lane_draws_equal_single_draws() {
        // Reads a discrete, an integer and a continuous parameter, the last
        // in the second block; lanes starting across 2^32 streams.
        let ps = params();
        let set = JobSet::new(&ps, &Strategy::Random(Count::Trials(1000)), 3).unwrap();
        let mut used = vec![false; ps.len()];
        for j in [0, 2, 9] {
            used[j] = true;
        }
        let sub = Subset::of(&set, &used).unwrap();
        let p = ps.len();
        let (mut rows, mut one) = (vec![f64::NAN; LANES * p], vec![f64::NAN; p]);
        for first in [0, 8, 1000, (1 << 32) - 4] {
            sub.draw_lanes(first, &mut rows);
            for l in 0..LANES {
                sub.draw(first + l as u64, &mut one);
                let row = &rows[l * p..(l + 1) * p];
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(row), bits(&one), "trial {}", first + l as u64);
            }
        }
    }

    #[test]
    fn combinations_number_the_levels_drawn() {
        // batch (3 levels) and epochs (91 levels): 273 combinations, batch
        // slowest; combination = level(batch) × 91 + (epochs − 10).
        let ps = params();
        let set = JobSet::new(&ps, &Strategy::Random(Count::Trials(2000)), 7).unwrap();
        let mut used = vec![false; ps.len()];
        used[1] = true;
        used[2] = true;
        let sub = Subset::of(&set, &used).unwrap();
        assert_eq!(sub.combinations(), Some(273));
        let mut slots = vec![0.0; ps.len()];
        let mut seen = std::collections::HashSet::new();
        for i in 0..2000 {
            set.trial(i, &mut slots);
            let batch = [64.0, 128.0, 256.0]
                .iter()
                .position(|&b| b == slots[1])
                .unwrap() as u64;
            let expected = batch * 91 + (slots[2] as u64 - 10);
            assert_eq!(sub.combination(i), expected, "trial {i}");
            let mut values = vec![f64::NAN; ps.len()];
            sub.values_of(expected, &mut values);
            assert_eq!((values[1], values[2]), (slots[1], slots[2]), "trial {i}");
            if i % LANES as u64 == 0 {
                let lanes: Vec<u64> = (i..i + LANES as u64).map(|t| sub.combination(t)).collect();
                assert_eq!(sub.combinations_from(i).to_vec(), lanes, "lanes from {i}");
            }
            seen.insert(expected);
        }
        // 2,000 draws over 273 equally likely combinations miss almost none.
        assert!(seen.len() > 260, "{}", seen.len());
    }

    #[test]
    fn only_plain_random_search_has_a_subset() {
        let ps = params();
        let grid = JobSet::new(&ps[1..3], &Strategy::Grid, 1).unwrap();
        assert!(Subset::of(&grid, &[true, true]).is_none());
    }
}
