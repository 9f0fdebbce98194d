//! A strategy applied to a space ([`JobSet`]): trials by index, drawn from
//! per-trial ChaCha8 streams, Sobol points or Latin-hypercube strata, and
//! the trial limits of each strategy.

use super::*;

/// A strategy applied to a space: a random-access list of trials.
#[derive(Debug, Clone)]
pub struct JobSet<'a> {
    params: &'a [Param],
    seed: u64,
    /// ChaCha8 keyed by the seed; each trial clones it onto its own stream.
    base: ChaCha8Rng,
    /// The same key, for drawing a trial's words block by block.
    key: chacha::Key,
    /// Each parameter's sampler, its constants worked out once.
    samplers: Vec<Sampler>,
    plan: Plan,
    len: u64,
    /// Early termination: which trials stop where.
    survival: Option<Survival>,
}

#[derive(Debug, Clone)]
enum Plan {
    /// Levels per parameter; trial i is i in mixed radix, last parameter fastest.
    Grid(Vec<Vec<f64>>),
    Random,
    Sobol,
    /// One permutation of strata per parameter.
    LatinHypercube(Vec<Vec<u32>>),
    Hyperband {
        rungs: Vec<Rung>,
        resource: usize,
        resume: bool,
    },
}

/// Largest job set evaluated or expanded, even with `--allow-large`, for
/// strategies whose trials are held or simulated one by one (Latin
/// hypercube strata, Hyperband and ASHA cost tables, early stopping).
/// 10^9 took minutes and 12 GB; 10^6 stays within seconds.
pub const HARD_LIMIT: u64 = 1_000_000;

/// Largest plain random (or Bayesian) search and grid, and largest
/// sub-grid a grid is factored to: their trials are streamed through the tally (memory
/// bounded by the distinct costs kept and the thread count, not by the
/// trial count), 10^8 in about 3 s on two cores. Above 10^7 the scenario
/// checker asks for large plans to be allowed
/// ([`crate::scenario::SAMPLED_LIMIT`]).
pub const RANDOM_LIMIT: u64 = 100_000_000;

/// Largest ASHA run: its promotions are simulated job by job, several
/// times over, which at 10^6 trials took 12 s of CPU.
pub const ASHA_LIMIT: u64 = 500_000;

/// The trial limit of `strategy`: [`RANDOM_LIMIT`], [`ASHA_LIMIT`] or
/// [`HARD_LIMIT`].
pub fn limit(strategy: &Strategy) -> u64 {
    match strategy {
        // A grid's trial is its index in mixed radix: nothing is held per
        // trial, so it streams as far as random search (the scenario
        // checker holds it to 10^7 unless large plans are allowed).
        Strategy::Random(_) | Strategy::Bayes(_) | Strategy::Grid | Strategy::CappedGrid(_) => {
            RANDOM_LIMIT
        }
        Strategy::Asha(_) => ASHA_LIMIT,
        _ => HARD_LIMIT,
    }
}

/// Most parameters of a Sobol design (dimensions of `sobol_burley`).
pub const SOBOL_MAX_PARAMS: usize = sobol_burley::NUM_DIMENSIONS as usize;

/// Largest Sobol design: `sobol_burley` computes 2^16 points per sequence.
pub const SOBOL_LIMIT: u64 = 1 << 16;

/// Largest Latin hypercube (its strata permutations are held in memory).
pub const LHS_LIMIT: u64 = 1_000_000;

/// Number of trials of a strategy over a space, without expanding it.
/// `Err` when it cannot be counted (a continuous parameter with no
/// grid_points) or overflows u64.
pub fn count(params: &[Param], strategy: &Strategy) -> Result<u64, String> {
    match strategy {
        Strategy::Grid => params.iter().try_fold(1u64, |acc, p| {
            let n = p.grid_len()?;
            acc.checked_mul(n).ok_or_else(|| {
                "the grid has more than 18,446,744,073,709,551,615 trials".to_string()
            })
        }),
        Strategy::Random(c) | Strategy::Bayes(c) => Ok(sampled(*c, random_trials_for)),
        Strategy::CappedGrid(cap) => Ok(count(params, &Strategy::Grid)?.min(*cap)),
        Strategy::EarlyStop(base, _) => count(params, base),
        Strategy::LatinHypercube(c) => Ok(sampled(*c, lhs_trials_for)),
        Strategy::Sobol(c) => Ok(sampled(*c, sobol_trials_for)),
        Strategy::Hyperband { .. } | Strategy::Asha(_) => Ok(adaptive_rungs(params, strategy)
            .map_or(0, |(rungs, _)| rungs.iter().map(|r| r.configs).sum())),
    }
}

fn sampled(count: Count, target: fn(f64, f64) -> u64) -> u64 {
    match count {
        Count::Trials(n) => n,
        Count::Target {
            top_fraction,
            confidence,
        } => target(top_fraction, confidence),
    }
}

impl<'a> JobSet<'a> {
    /// The job set of `strategy` over `params`. The caller has checked the
    /// size with [`count`]; this only builds the small per-strategy tables.
    pub fn new(params: &'a [Param], strategy: &Strategy, seed: u64) -> Result<JobSet<'a>, String> {
        let len = count(params, strategy)?;
        let max = limit(strategy);
        if len > max {
            return Err(format!(
                "{} has {len} trials, above the hard limit of {max}",
                strategy.name()
            ));
        }
        let plan = match strategy {
            Strategy::Grid | Strategy::CappedGrid(_) => {
                Plan::Grid(params.iter().map(Param::grid_levels).collect())
            }
            Strategy::Random(_) | Strategy::Bayes(_) => Plan::Random,
            Strategy::EarlyStop(base, halving) => {
                let mut set = JobSet::new(params, base, seed)?;
                set.survival = Some(halving.survival(set.len));
                return Ok(set);
            }
            Strategy::Sobol(_) => {
                if params.len() > sobol_burley::NUM_DIMENSIONS as usize {
                    return Err(format!(
                        "sobol supports at most {} parameters",
                        sobol_burley::NUM_DIMENSIONS
                    ));
                }
                if len > SOBOL_LIMIT {
                    return Err(format!(
                        "sobol has {len} trials; sobol supports at most {SOBOL_LIMIT}"
                    ));
                }
                Plan::Sobol
            }
            Strategy::LatinHypercube(_) => {
                if len > LHS_LIMIT {
                    return Err(format!(
                        "latin_hypercube supports at most {LHS_LIMIT} trials"
                    ));
                }
                Plan::LatinHypercube(lhs_strata(params.len(), len, seed))
            }
            Strategy::Hyperband {
                resource,
                max_resource,
                eta,
                resume,
            } => Plan::Hyperband {
                rungs: hyperband_rungs(*max_resource, *eta),
                resource: *resource,
                resume: *resume,
            },
            Strategy::Asha(a) => Plan::Hyperband {
                rungs: a.rungs(),
                resource: a.resource,
                resume: true,
            },
        };
        Ok(JobSet {
            params,
            seed,
            base: ChaCha8Rng::seed_from_u64(seed),
            key: chacha::Key::from_seed(seed),
            samplers: params.iter().map(Sampler::of).collect(),
            plan,
            len,
            survival: None,
        })
    }

    /// The grid restricted to the parameters in `used`; every other
    /// parameter is held at its first level. Returns the sub-grid and how
    /// many trials of the full grid each of its trials stands for (the
    /// product of the other parameters' level counts).
    ///
    /// When the cost formulas read only some parameters, every trial that
    /// differs only in the others costs the same: evaluating the sub-grid
    /// once per combination, weighted by this multiplicity, gives exactly
    /// the full grid's totals, without visiting its trials.
    pub fn grid_factored(params: &'a [Param], used: &[bool]) -> Result<(JobSet<'a>, u64), String> {
        let full = count(params, &Strategy::Grid)?;
        let mut levels = Vec::with_capacity(params.len());
        let mut multiplicity = 1u64;
        for (p, &u) in params.iter().zip(used) {
            let lv = p.grid_levels();
            if u {
                levels.push(lv);
            } else {
                multiplicity = multiplicity.saturating_mul(lv.len() as u64);
                levels.push(lv.into_iter().take(1).collect());
            }
        }
        let sub: u64 = levels.iter().map(|l| l.len() as u64).product();
        if sub > RANDOM_LIMIT {
            return Err(format!(
                "the grid's cost formulas read parameters with {sub} combinations, above the limit of {RANDOM_LIMIT}; use random search"
            ));
        }
        let len = full / multiplicity.max(1);
        Ok((
            JobSet {
                params,
                seed: 0,
                base: ChaCha8Rng::seed_from_u64(0),
                key: chacha::Key::from_seed(0),
                samplers: Vec::new(),
                plan: Plan::Grid(levels),
                len,
                survival: None,
            },
            multiplicity,
        ))
    }

    /// The key and samplers of plain random search (no early stopping).
    pub(super) fn random_parts(&self) -> Option<(chacha::Key, &[Sampler])> {
        (matches!(self.plan, Plan::Random) && self.survival.is_none())
            .then_some((self.key, &self.samplers[..]))
    }

    /// Are its trials plain: none resumes or stops early (every plan but
    /// Hyperband's, without early termination)?
    pub fn plain(&self) -> bool {
        self.survival.is_none() && !matches!(self.plan, Plan::Hyperband { .. })
    }

    /// Trials `first..first + n` into `columns`, one column per parameter:
    /// parameter v of trial `first + t` at `columns[v * n + t]`, the value
    /// [`JobSet::trial`] writes. A grid fills each column by runs of one
    /// level (no trial is decoded); other plans draw trial by trial through
    /// `slots`.
    pub fn columns(&self, first: u64, n: usize, slots: &mut [f64], columns: &mut [f64]) {
        if let Plan::Grid(levels) = &self.plan {
            return grid_columns(levels, first, n, columns);
        }
        for t in 0..n {
            self.trial(first + t as u64, slots);
            crate::formula::batch::write_row(columns, n, t, slots);
        }
    }

    /// Number of trials.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Is the job set empty?
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The parameters, in file order.
    pub fn params(&self) -> &[Param] {
        self.params
    }

    /// The Hyperband rungs, if this is a Hyperband job set.
    pub fn rungs(&self) -> Option<&[Rung]> {
        match &self.plan {
            Plan::Hyperband { rungs, .. } => Some(rungs),
            _ => None,
        }
    }

    /// Write trial `index`'s slot values into `slots` (one per parameter).
    pub fn trial(&self, index: u64, slots: &mut [f64]) -> TrialInfo {
        let mut info = TrialInfo {
            config: index,
            stopped: self.survival.as_ref().map(|s| s.stop(index)),
            ..TrialInfo::default()
        };
        match &self.plan {
            Plan::Grid(levels) => {
                let mut rest = index;
                for (slot, lv) in slots.iter_mut().zip(levels).rev() {
                    let n = lv.len() as u64;
                    *slot = lv[(rest % n) as usize];
                    rest /= n;
                }
            }
            Plan::Random => self.draw(index, slots),
            Plan::Sobol => {
                for (d, (slot, p)) in slots.iter_mut().zip(&self.samplers).enumerate() {
                    let u = sobol_burley::sample(index as u32, d as u32, sobol_seed(self.seed));
                    *slot = p.sample(f64::from(u));
                }
            }
            Plan::LatinHypercube(strata) => {
                let mut rng = self.stream(index);
                let n = self.len as f64;
                for ((slot, p), perm) in slots.iter_mut().zip(&self.samplers).zip(strata) {
                    let u = (f64::from(perm[index as usize]) + unit(&mut rng)) / n;
                    *slot = p.sample(u);
                }
            }
            Plan::Hyperband {
                rungs,
                resource,
                resume,
            } => {
                let at = rungs.partition_point(|r| r.first_trial <= index) - 1;
                let rung = &rungs[at];
                // Promoted configurations are taken to be the bracket's first
                // ones: which survive depends on results unknown before the run.
                let config = rung.first_config + (index - rung.first_trial);
                self.draw(config, slots);
                slots[*resource] = rung.resource;
                info.config = config;
                info.bracket_rung = Some((rung.bracket, rung.rung));
                if *resume && rung.rung > 0 {
                    info.resumed_from = Some(rung.previous_resource);
                }
            }
        }
        info
    }

    /// The generator of one trial (see [`stream`]), without re-keying.
    fn stream(&self, index: u64) -> ChaCha8Rng {
        let mut rng = self.base.clone();
        rng.set_stream(index);
        rng.set_word_pos(0);
        rng
    }

    /// Independent draws for one configuration, from its own stream: the
    /// parameter `p` takes the stream's 64-bit word `p`, computed from the
    /// one ChaCha8 block that holds it (eight words a block).
    fn draw(&self, config: u64, slots: &mut [f64]) {
        let blocks = slots.chunks_mut(8).zip(self.samplers.chunks(8));
        for (counter, (slots, samplers)) in blocks.enumerate() {
            let block = self.key.block(config, counter as u64);
            for ((slot, p), pair) in slots.iter_mut().zip(samplers).zip(block.chunks_exact(2)) {
                let word = u64::from(pair[0]) | (u64::from(pair[1]) << 32);
                *slot = p.sample(unit_of(word));
            }
        }
    }
}

/// The generator of one trial: ChaCha8 keyed by the scenario seed, on the
/// stream numbered by the trial, so trials are independent of each other,
/// of evaluation order and of thread count.
fn stream(seed: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}

/// The 32-bit scrambling seed `sobol_burley` takes, from the 64-bit scenario
/// seed: the low half XOR a mix of the high half (SplitMix64's finaliser,
/// which maps 0 to 0). Seeds below 2^32 keep their design; seeds that
/// differ only above bit 31 (1 and 2^32 + 1) no longer share one.
fn sobol_seed(seed: u64) -> u32 {
    let mut z = seed >> 32;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (seed as u32) ^ (z as u32) ^ ((z >> 32) as u32)
}

/// A uniform draw in [0, 1) with 53 random bits.
fn unit(rng: &mut ChaCha8Rng) -> f64 {
    unit_of(rng.next_u64())
}

/// The uniform in [0, 1) made of a word's top 53 bits.
pub(super) fn unit_of(word: u64) -> f64 {
    (word >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// [`JobSet::columns`] of a grid: trial i is i in mixed radix, last
/// parameter fastest, so parameter v keeps one level for `stride(v)`
/// consecutive trials.
fn grid_columns(levels: &[Vec<f64>], first: u64, n: usize, columns: &mut [f64]) {
    let mut stride = 1u64;
    for (v, lv) in levels.iter().enumerate().rev() {
        let len = lv.len() as u64;
        let mut level = ((first / stride) % len) as usize;
        let mut run = stride - first % stride;
        let column = &mut columns[v * n..(v + 1) * n];
        let mut t = 0usize;
        while t < n {
            let end = (t as u64).saturating_add(run).min(n as u64) as usize;
            column[t..end].fill(lv[level]);
            (t, run) = (end, stride);
            level = (level + 1) % lv.len();
        }
        stride = stride.saturating_mul(len);
    }
}

/// One random permutation of 0..n per parameter (Fisher–Yates), from
/// streams reserved for the purpose (counting down from u64::MAX, far from
/// any trial's stream).
fn lhs_strata(dims: usize, n: u64, seed: u64) -> Vec<Vec<u32>> {
    (0..dims)
        .map(|d| {
            let mut rng = stream(seed, u64::MAX - d as u64);
            let mut perm: Vec<u32> = (0..n as u32).collect();
            for i in (1..perm.len()).rev() {
                let j = (rng.next_u64() % (i as u64 + 1)) as usize;
                perm.swap(i, j);
            }
            perm
        })
        .collect()
}
