//! Dispatch: the order in which trials reach free devices, and the length
//! of the schedule it gives.
//!
//! Real dispatchers (W&B agents, Ray, Optuna, SLURM job arrays) start
//! trials in generation order, which for a randomised sampler is a random
//! order with respect to cost. `random` dispatch therefore schedules
//! [`PERMUTATIONS`] seeded permutations of the trials and reports the
//! median (p50), with p10 and p90 beside it; `index` schedules them in
//! index order; `lpt` (longest first) is the optimistic bound the grouped
//! path of [`super::makespan`] computes.
//!
//! With every trial on d devices the schedule is list scheduling on
//! capacity / d slots: a k-slot heap, O(n log k) per order. With mixed
//! device counts trials wait in release order and, whenever devices free
//! up, every waiting trial that fits starts, earliest released first
//! (backfill: a small trial later in line uses devices a large one cannot
//! use yet), O(n (log n + distinct device counts)) per order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use rayon::prelude::*;

use super::queue::Queue;
use super::slots::Slots;
use super::tally::Tally;
use super::{groups, makespan};
use crate::cost::Cost;
use crate::scenario::Dispatch;

/// Seeded permutations behind `random` dispatch. With 11 samples the
/// nearest-rank p10, p50 and p90 are the 2nd, 6th and 10th order
/// statistics, three distinct values, and a million trials cost eleven
/// O(n log k) passes (about 0.1 s on two cores).
pub const PERMUTATIONS: u64 = 11;

/// Most trials scheduled one by one under `random` or `index` dispatch
/// (each needs a 4-byte code in index order: 8 MiB at this limit); above
/// it the figure is the LPT value and p90 Graham's bound
/// W/k + (1 − 1/k)·p_max.
pub const EXPAND_LIMIT: u64 = 1 << 21;

/// Relative spread below which the dispatch order is not simulated: when
/// Graham's bound puts every list schedule of the trials within this share
/// of W/k, the order cannot move the figure by more than that.
pub const NEGLIGIBLE: f64 = 1e-4; // 0.01 %, as the labels say

/// Whether the order of dispatch is simulated, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Scheduled trial by trial in the rule's order(s).
    Simulated,
    /// Every order gives a schedule within [`NEGLIGIBLE`] of the others.
    Negligible,
    /// Too many trials to schedule one by one ([`EXPAND_LIMIT`]).
    TooMany,
    /// Too many distinct costs to keep ([`super::tally::DISTINCT_LIMIT`]):
    /// no order is computed, whatever the rule; the figure is Graham's
    /// upper bound, p10 the lower bound max(W/k, p_max).
    Bounds,
}

/// How `random` and `index` dispatch of `phases` on up to the largest of
/// `capacities` devices are computed. With k slots (capacity / devices
/// per trial), any list schedule lies between W/k and
/// W/k + (1 − 1/k)·p_max (Graham 1966): when the gap is at most
/// [`NEGLIGIBLE`] · W/k for the largest k, the order cannot matter.
pub fn order(phases: &[Tally], multiplicity: u64, capacities: &[u32]) -> Order {
    let n: u64 = phases
        .iter()
        .map(|p| p.len.saturating_mul(multiplicity))
        .sum();
    let capacity = capacities.iter().copied().max().unwrap_or(1);
    let matters = |p: &Tally| {
        if !p.uniform() {
            return true;
        }
        let k = f64::from((capacity / p.devices.1.max(1)).max(1));
        (1.0 - 1.0 / k) * p.longest > NEGLIGIBLE * p.work * multiplicity as f64 / k
    };
    if phases.iter().any(|p| p.overflow) {
        Order::Bounds
    } else if n > EXPAND_LIMIT {
        Order::TooMany
    } else if phases.iter().any(matters) {
        Order::Simulated
    } else {
        Order::Negligible
    }
}

/// Most distinct costs looked up by code while scheduling a permutation
/// (their table stays in cache); with more, the works are permuted.
const CACHED_COSTS: usize = 1 << 14;
const _: () = assert!(CACHED_COSTS <= 1 << 16, "codes of cached costs fit in u16");

/// Streams of the permutation generators: far from any trial's stream.
const STREAM_BASE: u64 = 1 << 62;

/// Schedule length under a dispatch rule: p10, p50 and p90, in work units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// 10th percentile.
    pub p10: f64,
    /// The figure: median, or the single value of a deterministic rule.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl Spread {
    /// One value for all three.
    pub fn exact(x: f64) -> Spread {
        Spread {
            p10: x,
            p50: x,
            p90: x,
        }
    }
}

/// Schedule `phases` (each a barrier: the next starts when it ends) of
/// tallied trials, each standing for `multiplicity` trials, on each of
/// `capacities` devices under `rule`. `seed` keys the permutations, which
/// are drawn once and scheduled on every capacity.
pub fn spreads(
    phases: &[Tally],
    multiplicity: u64,
    capacities: &[u32],
    rule: Dispatch,
    seed: u64,
) -> Vec<Spread> {
    let lpt = |capacity: u32| -> f64 {
        phases
            .iter()
            .map(|p| makespan(&groups(p, multiplicity), capacity))
            .sum()
    };
    let order = order(phases, multiplicity, capacities);
    match rule {
        _ if order == Order::Bounds => capacities
            .iter()
            .map(|&c| {
                let (low, high) = phases.iter().fold((0.0, 0.0), |(l, h), p| {
                    let (a, b) = bounds(p, multiplicity, c);
                    (l + a, h + b)
                });
                Spread {
                    p10: low,
                    p50: high,
                    p90: high,
                }
            })
            .collect(),
        Dispatch::Lpt => capacities.iter().map(|&c| Spread::exact(lpt(c))).collect(),
        _ if order != Order::Simulated => capacities
            .iter()
            .map(|&c| {
                let low = lpt(c);
                Spread {
                    p10: low,
                    p50: low,
                    p90: phases.iter().map(|p| graham(p, multiplicity, c)).sum(),
                }
            })
            .collect(),
        Dispatch::Index => capacities
            .iter()
            .map(|&c| {
                Spread::exact(
                    phases
                        .iter()
                        .map(|p| in_order(&expand(p, multiplicity), &p.costs, c))
                        .sum(),
                )
            })
            .collect(),
        Dispatch::Random => random(phases, multiplicity, capacities, seed),
    }
}

/// `random` dispatch: [`PERMUTATIONS`] seeded orders, each scheduled on
/// every capacity; nearest-rank p10, p50, p90 per capacity.
fn random(phases: &[Tally], multiplicity: u64, capacities: &[u32], seed: u64) -> Vec<Spread> {
    let lengths: Vec<Vec<f64>> = (0..PERMUTATIONS)
        .into_par_iter()
        .map(|k| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(STREAM_BASE + k);
            let mut per_capacity = vec![0.0; capacities.len()];
            for p in phases {
                let lengths = shuffled_lengths(p, multiplicity, capacities, &mut rng);
                for (total, length) in per_capacity.iter_mut().zip(lengths) {
                    *total += length;
                }
            }
            per_capacity
        })
        .collect();
    (0..capacities.len())
        .map(|c| {
            let mut sorted: Vec<f64> = lengths.iter().map(|l| l[c]).collect();
            sorted.sort_by(f64::total_cmp);
            let rank = |p: f64| sorted[((p * PERMUTATIONS as f64).ceil() as usize).max(1) - 1];
            Spread {
                p10: rank(0.1),
                p50: rank(0.5),
                p90: rank(0.9),
            }
        })
        .collect()
}

/// Schedule lengths of one phase, per capacity, in an order shuffled by
/// `rng`. With one device count, what is shuffled is what the schedule
/// reads in sequence: the works themselves when there are too many distinct
/// costs to look up at random, else 2-byte codes (half the memory traffic
/// of 4-byte ones, for the same swaps).
fn shuffled_lengths(
    p: &Tally,
    multiplicity: u64,
    capacities: &[u32],
    rng: &mut ChaCha8Rng,
) -> Vec<f64> {
    let slots = |c: u32| (c / p.devices.1.max(1)).max(1) as usize;
    if !p.uniform() {
        let mut jobs = expand(p, multiplicity);
        shuffle(&mut jobs, rng);
        return capacities
            .iter()
            .map(|&c| backfill(&jobs, &p.costs, c))
            .collect();
    }
    if p.costs.len() > CACHED_COSTS {
        let mut works = expand_works(p, multiplicity);
        shuffle(&mut works, rng);
        return capacities
            .iter()
            .map(|&c| list_schedule(works.iter().copied(), slots(c)))
            .collect();
    }
    let mut jobs = expand_as(p, multiplicity, |g| g as u16); // ≤ CACHED_COSTS codes
    shuffle(&mut jobs, rng);
    let works = || jobs.iter().map(|&j| p.costs[usize::from(j)].work);
    capacities
        .iter()
        .map(|&c| list_schedule(works(), slots(c)))
        .collect()
}

/// Graham's bound on any list schedule of uniform trials on k slots:
/// W/k + (1 − 1/k)·p_max (mixed device counts: k = capacity / max devices).
fn graham(phase: &Tally, multiplicity: u64, capacity: u32) -> f64 {
    bounds(phase, multiplicity, capacity).1
}

/// Bounds on every list schedule of a phase on k = capacity / devices
/// slots: max(W/k, p_max) ≤ length ≤ W/k + (1 − 1/k)·p_max (Graham 1966;
/// mixed device counts: k from the most devices a trial holds).
fn bounds(phase: &Tally, multiplicity: u64, capacity: u32) -> (f64, f64) {
    let k = f64::from((capacity / phase.devices.1.max(1)).max(1));
    let work = phase.work * multiplicity as f64;
    let longest = phase.longest;
    (
        (work / k).max(longest),
        work / k + (1.0 - 1.0 / k) * longest,
    )
}

/// The trials' codes in index order, each repeated `multiplicity` times.
fn expand(phase: &Tally, multiplicity: u64) -> Vec<u32> {
    expand_as(phase, multiplicity, |g| g)
}

/// Each trial's work in index order, repeated `multiplicity` times: the
/// costs of [`expand`]'s codes.
fn expand_works(phase: &Tally, multiplicity: u64) -> Vec<f64> {
    expand_as(phase, multiplicity, |g| phase.costs[g as usize].work)
}

/// `of(code)` for each trial's code in index order, repeated
/// `multiplicity` times.
fn expand_as<T: Copy>(phase: &Tally, multiplicity: u64, of: impl Fn(u32) -> T) -> Vec<T> {
    let codes = phase.codes.as_deref().unwrap_or(&[]);
    if multiplicity == 1 {
        return codes.iter().map(|&g| of(g)).collect();
    }
    codes
        .iter()
        .flat_map(|&g| std::iter::repeat_n(of(g), multiplicity as usize))
        .collect()
}

/// Fisher–Yates with a seeded generator.
pub fn shuffle<T>(v: &mut [T], rng: &mut ChaCha8Rng) {
    // The partners of a block of positions are drawn first, then swapped:
    // the divisions do not wait on the swaps' cache misses.
    const BLOCK: usize = 1024;
    let mut partners = [0usize; BLOCK];
    let mut i = v.len();
    while i > 1 {
        let low = i.saturating_sub(BLOCK).max(1);
        for (p, k) in partners.iter_mut().zip((low..i).rev()) {
            *p = (rng.next_u64() % (k as u64 + 1)) as usize;
        }
        for (&j, k) in partners.iter().zip((low..i).rev()) {
            v.swap(k, j);
        }
        i = low;
    }
}

/// Length of the schedule of `jobs` (codes into `costs`) started in the
/// given order: each waits until as many devices as it holds are free and
/// takes those that freed first.
pub fn in_order(jobs: &[u32], costs: &[Cost], capacity: u32) -> f64 {
    let Some(&j0) = jobs.first() else {
        return 0.0;
    };
    let d0 = costs[j0 as usize].devices;
    if costs.iter().all(|c| c.devices == d0) {
        let works = jobs.iter().map(|&j| costs[j as usize].work);
        return list_schedule(works, (capacity / d0).max(1) as usize);
    }
    backfill(jobs, costs, capacity)
}

/// Length of the list schedule of trials of the given works, in order, on
/// `slots` identical slots: each trial takes the slot that frees first.
fn list_schedule(works: impl ExactSizeIterator<Item = f64>, slots: usize) -> f64 {
    // More slots than trials: every trial starts at 0 either way.
    let mut free = Slots::new(slots.min(works.len()));
    works.fold(0.0f64, |end, w| end.max(free.start(w)))
}

/// Trials holding different numbers of devices, released in order: at
/// every moment devices free up, each waiting trial that fits on the free
/// devices starts, earliest released first. A trial that does not fit yet
/// keeps its place, and later trials that fit use the idle devices
/// meanwhile (backfill, without a reservation for the waiting one).
fn backfill(jobs: &[u32], costs: &[Cost], capacity: u32) -> f64 {
    let mut waiting = Queue::new();
    for &j in jobs {
        waiting.push(j, costs[j as usize].devices.clamp(1, capacity));
    }
    // Running trials by (finish time, release number): ties end in order.
    let mut running: BinaryHeap<Reverse<(u64, u64, u32)>> = BinaryHeap::new();
    let (mut now, mut free, mut seq) = (0.0f64, capacity, 0u64);
    loop {
        while let Some(j) = waiting.take_fitting(free) {
            let c = costs[j as usize];
            free -= c.devices.clamp(1, capacity);
            seq += 1;
            running.push(Reverse(((now + c.work).to_bits(), seq, j)));
        }
        let Some(Reverse((finish, _, j))) = running.pop() else {
            return now;
        };
        now = f64::from_bits(finish);
        free += costs[j as usize].devices.clamp(1, capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phase(jobs: &[(f64, u32)]) -> Tally {
        let costs: Vec<Cost> = jobs
            .iter()
            .map(|&(work, devices)| Cost { work, devices })
            .collect();
        Tally::of(&costs)
    }

    fn spread(phases: &[Tally], m: u64, capacity: u32, rule: Dispatch, seed: u64) -> Spread {
        spreads(phases, m, &[capacity], rule, seed)[0]
    }

    #[test]
    fn index_order_by_hand() {
        // Two slots, in order 3, 3, 4, 5: A 3, B 3, then 4 at 3 on A (→ 7),
        // 5 at 3 on B (→ 8): 8. LPT gives 8 too (5+3, 4+3); in order
        // 1, 1, 5, 5 on 2 slots: 1+5 = 6 each; LPT: 5, 5, then 1, 1 → 6.
        let p = phase(&[(3.0, 1), (3.0, 1), (4.0, 1), (5.0, 1)]);
        assert_eq!(spread(&[p], 1, 2, Dispatch::Index, 0), Spread::exact(8.0));
        // Order 1, 1, 1, 1, 4 on 2 slots: 1,1 then 1,1 (t = 2), then 4 → 6;
        // LPT: 4 | 1,1,1,1 → 4.
        let q = phase(&[(1.0, 1), (1.0, 1), (1.0, 1), (1.0, 1), (4.0, 1)]);
        assert_eq!(
            spread(std::slice::from_ref(&q), 1, 2, Dispatch::Index, 0).p50,
            6.0
        );
        assert_eq!(spread(&[q], 1, 2, Dispatch::Lpt, 0).p50, 4.0);
    }

    #[test]
    fn random_is_between_lpt_and_graham_and_deterministic() {
        let jobs: Vec<(f64, u32)> = (0..200).map(|i| (1.0 + f64::from(i % 17), 1)).collect();
        let p = phase(&jobs);
        let r = spread(std::slice::from_ref(&p), 1, 8, Dispatch::Random, 3);
        let lpt = spread(std::slice::from_ref(&p), 1, 8, Dispatch::Lpt, 3).p50;
        let bound = graham(&p, 1, 8);
        assert!(r.p10 <= r.p50 && r.p50 <= r.p90);
        assert!(lpt <= r.p10 && r.p90 <= bound + 1e-9, "{lpt} {r:?} {bound}");
        assert_eq!(r, spread(&[p], 1, 8, Dispatch::Random, 3));
    }

    #[test]
    fn mixed_device_counts_backfill_idle_devices() {
        // 4 devices, in order A (1 h, 1), B (4 h, 4), C (1 h, 1), D (1 h, 1).
        // At 0: A starts; B needs 4 of the 3 free, waits; C and D fit and
        // start. At 1 all four are free: B runs 1–5. Makespan 5 (strict
        // FIFO: B on the devices freed at 0, 0, 0, 1 → 1–5, then C and D
        // 5–6: 6).
        let costs =
            [(1.0, 1), (4.0, 4), (1.0, 1), (1.0, 1)].map(|(work, devices)| Cost { work, devices });
        assert_eq!(in_order(&[0, 1, 2, 3], &costs, 4), 5.0);
        // 2 devices, A (3 h, 1), B (2 h, 2), C (1 h, 1), D (1 h, 1): C runs
        // 0–1 beside A, D 1–2, B waits for A and runs 3–5. Makespan 5
        // (strict FIFO: B 3–5, then C and D 5–6: 6).
        let costs =
            [(3.0, 1), (2.0, 2), (1.0, 1), (1.0, 1)].map(|(work, devices)| Cost { work, devices });
        assert_eq!(in_order(&[0, 1, 2, 3], &costs, 2), 5.0);
    }

    #[test]
    fn too_many_distinct_costs_give_graham_bounds() {
        // n = 2^21 + 1 trials (above EXPAND_LIMIT) of work (i mod D) + 1,
        // D = 2^18 + 2 distinct values, on 2 devices each, 8 devices
        // (k = 4 slots): p_max = D, W = Σ work (an integer, summed exactly).
        // Every rule gives p10 = max(W/4, D) = W/4, p50 = p90 = W/4 + (3/4)·D.
        let d = super::super::tally::DISTINCT_LIMIT as u64 + 2;
        let n = EXPAND_LIMIT + 1;
        let jobs: Vec<(f64, u32)> = (0..n).map(|i| ((i % d + 1) as f64, 2)).collect();
        let p = phase(&jobs);
        assert!(p.overflow && p.costs.is_empty() && p.codes.is_none());
        let w = (0..n).map(|i| i % d + 1).sum::<u64>() as f64;
        assert_eq!(
            (p.work, p.device_work, p.longest, p.assigned),
            (w, 2.0 * w, d as f64, 2 * n)
        );
        for rule in [Dispatch::Lpt, Dispatch::Index, Dispatch::Random] {
            let s = spread(std::slice::from_ref(&p), 1, 8, rule, 0);
            let expect = (w / 4.0, w / 4.0 + 0.75 * d as f64);
            assert_eq!(
                (s.p10, s.p50, s.p90),
                (expect.0, expect.1, expect.1),
                "{rule:?}"
            );
        }
        assert_eq!(order(&[p], 1, &[8]), Order::Bounds);
    }

    /// The oracle for `random` dispatch: each permutation of the trial
    /// indices, drawn as `random` draws it, scheduled with a binary heap
    /// popped and pushed; nearest-rank p10, p50, p90 of the 11 lengths.
    fn random_by_oracle(works: &[f64], slots: usize, seed: u64) -> Spread {
        let mut lengths: Vec<f64> = (0..PERMUTATIONS)
            .map(|k| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                rng.set_stream(STREAM_BASE + k);
                let mut order: Vec<usize> = (0..works.len()).collect();
                shuffle(&mut order, &mut rng);
                let mut ends: BinaryHeap<Reverse<u64>> = (0..slots).map(|_| Reverse(0)).collect();
                let mut end = 0.0f64;
                for i in order {
                    let Reverse(first) = ends.pop().expect("slots ≥ 1");
                    let finish = f64::from_bits(first) + works[i];
                    end = end.max(finish);
                    ends.push(Reverse(finish.to_bits()));
                }
                end
            })
            .collect();
        lengths.sort_by(f64::total_cmp);
        Spread {
            p10: lengths[1],
            p50: lengths[5],
            p90: lengths[9],
        }
    }

    #[test]
    fn random_matches_the_oracle_with_few_and_many_distinct_costs() {
        // 3,000 trials of 37 distinct works (2-byte codes shuffled), and
        // 20,000 trials of distinct works, more than CACHED_COSTS (the works
        // themselves shuffled); 2 devices each on 13 devices: 6 slots.
        for (n, distinct) in [(3_000u64, 37u64), (20_000, 20_000)] {
            let works: Vec<f64> = (0..n)
                .map(|i| 1.0 + ((i * 7_919) % distinct) as f64 / 8.0)
                .collect();
            let p = phase(&works.iter().map(|&w| (w, 2)).collect::<Vec<_>>());
            assert_eq!(p.costs.len() as u64, distinct);
            let ours = spread(&[p], 1, 13, Dispatch::Random, 5);
            assert_eq!(ours, random_by_oracle(&works, 6, 5), "{distinct} distinct");
        }
    }

    #[test]
    fn multiplicity_repeats_trials() {
        // One 2 h trial standing for 3, on 2 slots, in order: 2, 2 | 2 → 4.
        let p = phase(&[(2.0, 1)]);
        assert_eq!(spread(&[p], 3, 2, Dispatch::Index, 0).p50, 4.0);
    }
}
