//! The tally of a strategy's evaluated trials: each distinct cost once,
//! with how many trials have it, instead of one record per trial.
//!
//! Trials are evaluated in parallel chunks. Each chunk numbers the distinct
//! costs it meets (a small hash table) and writes one local code per trial
//! (once the tally keeps no distinct costs, it lists each trial's cost
//! instead); the chunks are folded in index order, one at a time, while the
//! next ones are evaluated (see `tally/stream.rs`): local codes are mapped
//! to the tally's codes, counts are added, and the sums Σ devices × work and
//! Σ work are accumulated trial by trial in index order, exactly as a plain
//! serial sum over the trials (so every figure is bit for bit what one
//! record per trial gave).
//!
//! Memory: O(distinct costs) plus two windows of chunks per thread (those
//! in flight and the spares reused) and the probed chunks; one `u32`
//! per trial only when an order-dependent schedule needs the trials in
//! index order (`random` and `index` dispatch, or device counts that vary).

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::cost::{Cost, TrialError};
use crate::scenario::Scenario;
use crate::space::subset::Subset;
use crate::space::JobSet;

mod chunk;
mod codes;
mod hash;
mod probe;
mod stream;
use chunk::{Chunk, ChunkResult, Path};
use codes::Codes;

/// Trials evaluated per parallel task.
pub const CHUNK: u64 = 1 << 14;

/// Chunks evaluated ahead of the fold, per thread. A chunk holds one code
/// per trial (4 bytes) and its distinct costs (24 bytes each), or, once the
/// tally has overflowed, one cost per trial (16 bytes): with the first
/// chunks of a long job set (at most 33, see `tally/probe.rs`) and as many
/// spare chunks as the window, memory is bounded by the thread count, not
/// the trial count.
const WINDOW_PER_THREAD: u64 = 8;

/// Most distinct costs kept (about 40 bytes each with the code table: 10 MiB)
/// when more than [`super::dispatch::EXPAND_LIMIT`] trials are evaluated.
/// Beyond it (trials whose costs nearly all differ, a grid over continuous
/// parameters) only the sums, the longest trial and the device counts are
/// kept, and the schedule is given by Graham's bounds. Smaller job sets
/// keep every distinct cost (at most 2^21, about 120 MiB), so their
/// schedules are computed as before.
pub const DISTINCT_LIMIT: usize = 1 << 18;

/// The evaluated trials of one phase.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// Distinct costs, in order of first appearance (lowest index first).
    pub costs: Vec<Cost>,
    /// Trials per distinct cost.
    pub counts: Vec<u64>,
    /// Lowest trial index per distinct cost.
    pub first: Vec<u64>,
    /// Each trial's number in `costs`, in index order, when kept.
    pub codes: Option<Vec<u32>>,
    /// Σ over trials, in index order, of devices × work.
    pub device_work: f64,
    /// Σ over trials, in index order, of work.
    pub work: f64,
    /// Index of the first trial evaluated.
    pub start: u64,
    /// Trials evaluated.
    pub len: u64,
    /// Work of the longest trial.
    pub longest: f64,
    /// Fewest and most devices a trial holds.
    pub devices: (u32, u32),
    /// Σ over trials of devices held (saturating).
    pub assigned: u64,
    /// More than [`DISTINCT_LIMIT`] distinct costs: `costs`, `counts`,
    /// `first` and `codes` were dropped, the sums and the fields above kept.
    pub overflow: bool,
}

/// Evaluate trials `start..start + n` of `set` and tally them. `used`
/// marks the parameters the cost formulas read (plain random search draws
/// only those; see `tally/chunk.rs`). `keep_codes` keeps each trial's code in
/// index order. `progress` is told the trials done so far after each chunk
/// folded. The error is the lowest failing trial.
pub fn evaluate(
    scenario: &Scenario,
    set: &JobSet,
    (start, n): (u64, u64),
    (resource, used): (Option<usize>, &[bool]),
    keep_codes: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Tally, (u64, TrialError)> {
    let mut tally = Tally::empty(start, n, keep_codes);
    let most = if n > super::dispatch::EXPAND_LIMIT {
        DISTINCT_LIMIT + CHUNK as usize
    } else {
        n as usize
    };
    let mut table = Codes::for_at_most(most);
    let subset = Subset::of(set, used);
    let combos = subset.as_ref().and_then(|s| chunk::table(scenario, s, n));
    let path = Path::of(set, subset.as_ref(), combos.as_deref());
    let chunks = n.div_ceil(CHUNK);
    let overflowed = AtomicBool::new(false);
    let threads = rayon::current_num_threads().max(1) as u64;
    let window = WINDOW_PER_THREAD * threads;
    // Numbering chunks the fold is done with, evaluated again (at most a
    // window of them). Listing chunks (16 bytes a trial) are not kept:
    // reusing them on the other core gained nothing measurable.
    let spares = Mutex::new(Vec::new());
    let evaluate = |c: u64| {
        let (from, to) = (start + c * CHUNK, start + ((c + 1) * CHUNK).min(n));
        let dedupe = path.numbers() || !overflowed.load(Relaxed);
        let spare = spares.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let out = match spare {
            Some(chunk) => Chunk::emptied(chunk, (to - from) as usize, dedupe),
            None => Chunk::with_capacity((to - from) as usize, dedupe),
        };
        chunk::evaluate(scenario, path, from..to, resource, out)
    };
    let mut folded = 0u64;
    let mut fold = |result: ChunkResult| {
        folded += 1;
        if overflowed.load(Relaxed) && !tally.overflow {
            tally.drop_distinct(&mut table);
        }
        let chunk = result?;
        tally.fold(&mut table, &chunk);
        overflowed.store(tally.overflow, Relaxed);
        progress((folded * CHUNK).min(n));
        let mut spares = spares.lock().unwrap_or_else(|e| e.into_inner());
        if chunk.numbers() && (spares.len() as u64) < window {
            spares.push(chunk);
        }
        Ok(())
    };
    // The probed chunks first, together: can the tally keep its costs?
    let probed = probe::chunks(n, subset.as_ref()).min(chunks);
    let first: Vec<ChunkResult> = (0..probed).into_par_iter().map(evaluate).collect();
    if probed > 0 && probe::overflows(&first) {
        overflowed.store(true, Relaxed);
    }
    if threads == 1 {
        first.into_iter().try_for_each(&mut fold)?;
        (probed..chunks).try_for_each(|c| fold(evaluate(c)))?;
    } else {
        // The pool evaluates the next chunks while the first are folded.
        stream::stream(first, (chunks, window), evaluate, fold)?;
    }
    Ok(tally)
}

/// One trial's terms of the sums: devices × work, work, devices.
type Terms = (f64, f64, u64);

fn terms(c: Cost) -> Terms {
    (f64::from(c.devices) * c.work, c.work, u64::from(c.devices))
}

impl Tally {
    /// The tally of `costs`, trial `i` at index `i`, codes kept.
    pub fn of(costs: &[Cost]) -> Tally {
        let mut tally = Tally::empty(0, costs.len() as u64, true);
        let mut chunk = Chunk::with_capacity(costs.len(), true);
        for (&c, i) in costs.iter().zip(0u64..) {
            chunk.push(c, i);
        }
        tally.fold(&mut Codes::for_at_most(costs.len()), &chunk);
        tally
    }

    /// Nothing evaluated yet of trials `start..start + n`.
    fn empty(start: u64, n: u64, keep_codes: bool) -> Tally {
        Tally {
            costs: Vec::new(),
            counts: Vec::new(),
            first: Vec::new(),
            codes: keep_codes.then(|| Vec::with_capacity(n as usize)),
            // As `Sum for f64`: -0.0 is the neutral element.
            device_work: -0.0,
            work: -0.0,
            start,
            len: n,
            longest: 0.0,
            devices: (u32::MAX, 0),
            assigned: 0,
            overflow: false,
        }
    }

    /// Add the next chunk, in index order.
    fn fold(&mut self, table: &mut Codes, chunk: &Chunk) {
        if !chunk.trials.is_empty() {
            // Listed trials come only once the tally has overflowed.
            self.extent(chunk.trials.iter().copied());
            return self.add(chunk.trials.iter().copied());
        }
        self.extent(chunk.costs.iter().map(|&(c, _)| c));
        if self.overflow {
            return self.add_codes(chunk);
        }
        let global = table.codes(&mut self.costs, &chunk.costs, |i| {
            self.counts.push(0);
            self.first.push(chunk.costs[i].1);
        });
        if self.costs.len() > DISTINCT_LIMIT && self.len > super::dispatch::EXPAND_LIMIT {
            self.drop_distinct(table);
            return self.add_codes(chunk);
        }
        let mut counts = vec![0u64; global.len()];
        for &l in &chunk.codes {
            counts[l as usize] += 1;
        }
        for (&g, n) in global.iter().zip(counts) {
            self.counts[g as usize] += n;
        }
        if let Some(codes) = &mut self.codes {
            codes.extend(chunk.codes.iter().map(|&l| global[l as usize]));
        }
        // A chunk's cost and the tally's cost of one code are equal.
        self.add_codes(chunk);
    }

    /// More than [`DISTINCT_LIMIT`] distinct costs: drop them, their counts
    /// and codes, and the table that numbers them; keep the sums.
    fn drop_distinct(&mut self, table: &mut Codes) {
        self.overflow = true;
        (self.costs, self.counts, self.first, self.codes) =
            (Vec::new(), Vec::new(), Vec::new(), None);
        *table = Codes::default();
    }

    /// Widen the longest trial and the device range to `costs`.
    fn extent(&mut self, costs: impl Iterator<Item = Cost>) {
        for c in costs {
            self.longest = self.longest.max(c.work);
            self.devices = (self.devices.0.min(c.devices), self.devices.1.max(c.devices));
        }
    }

    /// Add trials to the sums, in index order.
    fn add(&mut self, trials: impl Iterator<Item = Cost>) {
        self.add_terms(trials.map(terms));
    }

    /// Add a chunk's numbered trials to the sums, in index order. Each
    /// code's terms are worked out once (the same product, so the same
    /// bits, as per trial).
    fn add_codes(&mut self, chunk: &Chunk) {
        let of_code: Vec<Terms> = chunk.costs.iter().map(|&(c, _)| terms(c)).collect();
        self.add_terms(chunk.codes.iter().map(|&l| of_code[l as usize]));
    }

    /// The sums, added to term by term: held in locals, so each addition
    /// waits only on the one before it, not on a store to the tally.
    fn add_terms(&mut self, trials: impl Iterator<Item = Terms>) {
        let (mut device_work, mut work, mut assigned) =
            (self.device_work, self.work, self.assigned);
        for (dw, w, d) in trials {
            device_work += dw;
            work += w;
            assigned = assigned.saturating_add(d);
        }
        (self.device_work, self.work, self.assigned) = (device_work, work, assigned);
    }

    /// Do all trials hold the same number of devices?
    pub fn uniform(&self) -> bool {
        self.devices.0 >= self.devices.1
    }

    /// The trials as (cost, index) records, in index order (needs codes).
    pub fn records(&self) -> Vec<(Cost, u64)> {
        self.codes.as_deref().map_or_else(Vec::new, |codes| {
            codes
                .iter()
                .zip(0u64..)
                .map(|(&g, i)| (self.costs[g as usize], self.start + i))
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_costs_past_the_growth_point_keep_order_counts_and_codes() {
        // 50,000 trials over 20,000 distinct costs (past GROWN = 16,384,
        // where the code table makes room for the rest at once): trial i
        // has work (i mod 20,000) + 0.5 on 1 or 2 devices (i mod 3 == 0:
        // 2). The oracle numbers (work bits, devices) in order of first
        // appearance with a BTreeMap.
        let costs: Vec<Cost> = (0..50_000u32)
            .map(|i| Cost {
                work: f64::from(i % 20_000) + 0.5,
                devices: if i % 3 == 0 { 2 } else { 1 },
            })
            .collect();
        let mut oracle = std::collections::BTreeMap::new();
        let (mut order, mut codes) = (Vec::new(), Vec::new());
        for (i, c) in costs.iter().enumerate() {
            let next = order.len();
            let code = *oracle.entry((c.work.to_bits(), c.devices)).or_insert(next);
            if code == next {
                order.push((*c, i as u64));
            }
            codes.push(code as u32);
        }
        let tally = Tally::of(&costs);
        assert!(order.len() > codes::GROWN);
        assert_numbered(&tally, &order, &codes);
    }

    /// `tally` numbers its costs as the oracle did: `order`, the distinct
    /// costs with their first trial in order of first appearance, and
    /// `codes`, each trial's number.
    fn assert_numbered(tally: &Tally, order: &[(Cost, u64)], codes: &[u32]) {
        assert_eq!(tally.costs, order.iter().map(|o| o.0).collect::<Vec<_>>());
        assert_eq!(tally.first, order.iter().map(|o| o.1).collect::<Vec<_>>());
        assert_eq!(tally.codes.as_deref(), Some(codes));
        let mut counts = vec![0u64; order.len()];
        codes.iter().for_each(|&g| counts[g as usize] += 1);
        assert_eq!(tally.counts, counts);
    }

    #[test]
    fn chunks_of_known_and_new_costs_are_numbered_in_order() {
        // Three chunks of 10,000 trials (past bucket_order's 4,096, so the
        // table is walked in bucket order), trial i of work (j mod 13,000)
        // + 0.25 on 4 devices, j = 16,999 − i for i in 10,000..17,000 and
        // j = i otherwise. The first chunk meets works 0..9,999, all new;
        // the second only known ones (6,999 down to 0, then 4,000..6,999);
        // the third 3,000 known (7,000..9,999), 3,000 new (10,000..12,999)
        // and 4,000 known (0..3,999). Codes, order of first appearance,
        // first trials and counts are those of a BTreeMap numbering the
        // trials one by one; device_work is the plain serial sum of 4 × work.
        let work = |i: u64| {
            let j = if (10_000..17_000).contains(&i) {
                16_999 - i
            } else {
                i
            };
            (j % 13_000) as f64 + 0.25
        };
        let mut tally = Tally::empty(0, 30_000, true);
        let mut table = Codes::for_at_most(30_000);
        let mut oracle = std::collections::BTreeMap::new();
        let (mut order, mut codes, mut serial) = (Vec::new(), Vec::new(), -0.0);
        for c in 0..3u64 {
            let mut chunk = Chunk::with_capacity(10_000, true);
            for i in c * 10_000..(c + 1) * 10_000 {
                let cost = Cost {
                    work: work(i),
                    devices: 4,
                };
                chunk.push(cost, i);
                let next = order.len();
                let code = *oracle.entry(cost.work.to_bits()).or_insert(next);
                if code == next {
                    order.push((cost, i));
                }
                codes.push(code as u32);
                serial += 4.0 * cost.work;
            }
            tally.fold(&mut table, &chunk);
        }
        assert_eq!(order.len(), 13_000);
        assert_numbered(&tally, &order, &codes);
        assert_eq!(tally.device_work.to_bits(), f64::to_bits(serial));
    }

    #[test]
    fn a_long_job_set_of_distinct_costs_overflows_with_the_serial_sums() {
        // 2,150,000 random trials (past EXPAND_LIMIT = 2^21, so at most
        // DISTINCT_LIMIT distinct costs are kept) over a continuous
        // learning rate that the cost reads: nearly every cost differs, the
        // first chunks prove the overflow, and the tally keeps only the
        // sums. The oracle evaluates every trial one by one and adds in
        // index order; both sums must be equal bit for bit, on 1 and 2
        // threads, with and without codes (dropped with the costs).
        let s = long_random("1 + lr");
        let set = JobSet::new(&s.params, &s.strategies[0], s.seed).unwrap();
        let n = set.len();
        assert!(n > super::super::dispatch::EXPAND_LIMIT);
        let (mut device_work, mut work, mut longest) = (-0.0f64, -0.0f64, 0.0f64);
        let mut slots = vec![0.0; s.params.len()];
        for i in 0..n {
            let info = set.trial(i, &mut slots);
            let c = s.cost.evaluate(&mut slots, &info, None).unwrap();
            device_work += f64::from(c.devices) * c.work;
            work += c.work;
            longest = longest.max(c.work);
        }
        for (threads, keep_codes) in [(1, false), (2, false), (2, true)] {
            let tally = tally_on(threads, &s, keep_codes);
            assert!(tally.overflow, "{threads} threads");
            assert!(tally.costs.is_empty() && tally.counts.is_empty());
            assert!(tally.first.is_empty() && tally.codes.is_none());
            assert_eq!(tally.device_work.to_bits(), device_work.to_bits());
            assert_eq!(tally.work.to_bits(), work.to_bits());
            assert_eq!(tally.longest, longest);
            assert_eq!((tally.devices, tally.assigned), ((8, 8), 8 * n));
        }
    }

    /// A scenario of 2,150,000 random trials (past EXPAND_LIMIT = 2^21)
    /// over a continuous learning rate, 8 devices each, of `hours`.
    fn long_random(hours: &str) -> Scenario {
        let text = format!(
            "[scenario]\nname = \"t\"\nseed = 5\n\
             [space.lr]\ndistribution = \"log_uniform_values\"\nmin = 1e-5\nmax = 1e-1\n\
             [trial]\nreference_hardware = \"V100 SXM2 16GB\"\nhours = \"{hours}\"\ndevices = 8\n\
             [strategies.random]\ntrials = 2150000\n[hardware]\ncandidates = [\"V100 SXM2 16GB\"]\n\
             [regions]\ncandidates = [\"country:FR\"]\n"
        );
        let catalog = crate::catalog::Catalog::bundled().unwrap();
        let path = std::path::Path::new("s.toml");
        crate::scenario::parse(path, &text, &catalog, Default::default()).unwrap()
    }

    /// The tally of the first strategy of `s`, every trial, on `threads`.
    fn tally_on(threads: usize, s: &Scenario, keep_codes: bool) -> Tally {
        let set = JobSet::new(&s.params, &s.strategies[0], s.seed).unwrap();
        let (n, used) = (set.len(), super::super::used_params(s));
        pool(threads)
            .install(|| evaluate(s, &set, (0, n), (None, &used), keep_codes, &|_| {}))
            .unwrap()
    }

    /// A pool of `threads` threads (also for `tally/stream.rs`' tests).
    pub(super) fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    #[test]
    fn a_long_job_set_of_few_distinct_costs_keeps_them() {
        // As in a_long_job_set_of_distinct_costs_overflows_with_the_serial_sums,
        // but the cost reads the learning rate through floor:
        // 1 + floor(lr × 1000) / 1000 takes at most 101 values (lr ≤ 0.1),
        // so the first chunks, probed because a continuous parameter has no
        // count of combinations, do not prove an overflow, and the tally
        // keeps every distinct cost: counts summing to the trials, first
        // trials ascending (order of first appearance), on 1 and 2 threads
        // alike. A probe that declared every long job set overflowed would
        // fail here (and turn the schedule into Graham's bound).
        let s = long_random("1 + floor(lr * 1000) / 1000");
        let n = JobSet::new(&s.params, &s.strategies[0], s.seed)
            .unwrap()
            .len();
        let tallies = [tally_on(1, &s, false), tally_on(2, &s, false)];
        let tally = &tallies[0];
        assert!(!tally.overflow);
        assert!(
            (2..=101).contains(&tally.costs.len()),
            "{}",
            tally.costs.len()
        );
        assert_eq!(tally.counts.iter().sum::<u64>(), n);
        assert!(tally.first.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(tally.first[0], 0);
        assert_eq!(tallies[0], tallies[1]);
    }
}
