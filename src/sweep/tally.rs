//! The tally of a strategy's evaluated trials: each distinct cost once,
//! with how many trials have it, instead of one record per trial.
//!
//! Trials are evaluated in waves of parallel chunks. Each chunk numbers
//! the distinct costs it meets (a small hash table) and writes one local
//! code per trial (once the tally keeps no distinct costs, it lists each
//! trial's cost instead); the waves are then folded in index order,
//! serially, beside the evaluation of the next ones (`fold_behind`):
//! local codes are mapped to the tally's codes, counts are added, and the
//! sums Σ devices × work and Σ work are accumulated trial by trial in index
//! order, exactly as a plain serial sum over the trials (so every figure is
//! bit for bit what one record per trial gave).
//!
//! Memory: O(distinct costs) plus a few waves of chunks; one `u32` per
//! trial only when an order-dependent schedule needs the trials in index
//! order (`random` and `index` dispatch, or device counts that vary).

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::mpsc;

use rayon::prelude::*;

use crate::cost::{Cost, TrialError};
use crate::scenario::Scenario;
use crate::space::subset::Subset;
use crate::space::JobSet;

mod chunk;
use chunk::{Chunk, ChunkResult, Path};

/// Trials evaluated per parallel task.
pub const CHUNK: u64 = 1 << 14;

/// Chunks per wave and thread: a wave holds its chunks' local codes (4
/// bytes per trial) and, after an overflow, one cost per trial (24 bytes),
/// so memory is bounded by the thread count, not the trial count. Waves
/// change nothing but memory: chunks are folded in index order.
const WAVE_PER_THREAD: u64 = 4;

/// Waves evaluated ahead of the fold (each holds one wave's codes, or costs
/// after an overflow: a few MiB).
const LOOKAHEAD: usize = 2;

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

/// A multiplicative hash of a cost's bits (SipHash would cost more than
/// the evaluation), finished by MurmurHash3's 64-bit mixer. A product's low
/// bits depend only on the key's low bits, and the bits of round works
/// (6.0, 2.5, 1234.0) end in 40 zeros or more: without the mixer their
/// buckets (the low bits) took 32 values, and a grid of 300,000 integer
/// works spent 2.4 s in its tables.
#[derive(Default)]
pub struct Mix(u64);

impl Hasher for Mix {
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }
}

/// Distinct costs by (work bits, devices).
pub(crate) type Table = HashMap<(u64, u32), u32, BuildHasherDefault<Mix>>;

/// A cost's hash, as [`Table`] hashes its key.
fn hash_of(c: Cost) -> u64 {
    BuildHasherDefault::<Mix>::default().hash_one((c.work.to_bits(), c.devices))
}

/// The tally's codes by cost: a table of codes alone, each standing for
/// `costs[code]` (4 bytes a slot where [`Table`] takes 24, so more of it
/// stays in cache while a long job set's first 2^18 distinct costs are
/// merged, one at a time, in index order).
#[derive(Default)]
pub(crate) struct Codes {
    table: hashbrown::HashTable<u32>,
    /// Codes to make room for at once when [`GROWN`] are held (rehashing
    /// reads every cost again, at random, at each doubling).
    room: usize,
}

/// Codes held before the table makes room for all it may hold.
const GROWN: usize = 1 << 14;

impl Codes {
    /// A table that will hold at most `most` codes.
    fn for_at_most(most: usize) -> Codes {
        Codes {
            table: hashbrown::HashTable::new(),
            room: most,
        }
    }

    /// The codes of a chunk's distinct costs `met` (in order of first
    /// appearance) among `costs`: known ones found, new ones numbered in
    /// the order of `met` and pushed onto `costs`; `new` is told the
    /// position in `met` of each new one, in that order. The table is
    /// read and written in the order of its buckets ([`bucket_order`]), so
    /// a chunk of thousands of costs walks it once instead of jumping at
    /// random; the codes are those of one lookup per cost in order.
    fn codes(
        &mut self,
        costs: &mut Vec<Cost>,
        met: &[(Cost, u64)],
        mut new: impl FnMut(usize),
    ) -> Vec<u32> {
        let key = |c: Cost| (c.work.to_bits(), c.devices);
        let hashes: Vec<u64> = met.iter().map(|&(c, _)| hash_of(c)).collect();
        let order = bucket_order(&hashes);
        let mut global = vec![u32::MAX; met.len()];
        for &i in &order {
            let (h, k) = (hashes[i as usize], key(met[i as usize].0));
            if let Some(&g) = self.table.find(h, |&g| key(costs[g as usize]) == k) {
                global[i as usize] = g;
            }
        }
        let held = costs.len();
        for (i, g) in global.iter_mut().enumerate() {
            if *g == u32::MAX {
                *g = costs.len() as u32;
                costs.push(met[i].0);
                new(i);
            }
        }
        let rehash = |&g: &u32| hash_of(costs[g as usize]);
        for &i in order
            .iter()
            .filter(|&&i| global[i as usize] as usize >= held)
        {
            if self.table.len() == GROWN && self.room > GROWN {
                self.table.reserve(self.room - GROWN, rehash);
            }
            self.table
                .insert_unique(hashes[i as usize], global[i as usize], rehash);
        }
        global
    }
}

/// Positions of `hashes` in the order of the table buckets they fall in
/// (bits 7 to 18 of the hash: a table of up to 2^19 buckets takes a
/// bucket's index from its low bits), by a counting sort; few hashes keep
/// their order, as they touch little of the table.
fn bucket_order(hashes: &[u64]) -> Vec<u32> {
    const BITS: u32 = 12;
    if hashes.len() < 1 << BITS {
        return (0..hashes.len() as u32).collect();
    }
    let key = |h: u64| ((h >> 7) & ((1 << BITS) - 1)) as usize;
    let mut next = vec![0u32; (1 << BITS) + 1];
    for &h in hashes {
        next[key(h) + 1] += 1;
    }
    for k in 1..next.len() {
        next[k] += next[k - 1];
    }
    let mut order = vec![0u32; hashes.len()];
    for (i, &h) in (0u32..).zip(hashes) {
        let at = &mut next[key(h)];
        order[*at as usize] = i;
        *at += 1;
    }
    order
}

/// Evaluate trials `start..start + n` of `set` and tally them. `used`
/// marks the parameters the cost formulas read (plain random search draws
/// only those; see `tally/chunk.rs`). `keep_codes` keeps each trial's code in
/// index order. `progress` is told the trials
/// done so far after each wave. The error is the lowest failing trial.
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
    let wave_len = WAVE_PER_THREAD * rayon::current_num_threads().max(1) as u64;
    let evaluate_wave = |wave: Range<u64>, dedupe: bool| -> Vec<ChunkResult> {
        wave.into_par_iter()
            .map(|c| {
                let to = start + ((c + 1) * CHUNK).min(n);
                chunk::evaluate(scenario, path, start + c * CHUNK..to, resource, dedupe)
            })
            .collect()
    };
    let overflowed = AtomicBool::new(false);
    let mut wave = 0;
    let next_wave = || {
        let first = wave;
        wave = (wave + wave_len).min(chunks);
        (first < chunks).then(|| evaluate_wave(first..wave, !overflowed.load(Relaxed)))
    };
    let mut folded = 0u64;
    let fold = |done: Vec<ChunkResult>| {
        folded += done.len() as u64;
        tally.fold_all(&mut table, done)?;
        overflowed.store(tally.overflow, Relaxed);
        progress((folded * CHUNK).min(n));
        Ok(())
    };
    fold_behind(next_wave, fold, chunks > wave_len)?;
    Ok(tally)
}

/// Waves of chunks folded in order, as they come. With more than one
/// thread the fold runs on a thread of its own, up to [`LOOKAHEAD`] waves
/// behind the evaluation, so the pool waits for it only when it falls that
/// far behind (it stays serial, in index order, so every sum is the plain
/// serial sum); with one, or when there is one wave (`waves` false), each
/// wave is folded when evaluated. Stops at the first fold error; a panic in
/// either is raised again here.
fn fold_behind<E: Send>(
    mut next: impl FnMut() -> Option<Vec<ChunkResult>>,
    mut fold: impl FnMut(Vec<ChunkResult>) -> Result<(), E> + Send,
    waves: bool,
) -> Result<(), E> {
    if rayon::current_num_threads() <= 1 || !waves {
        while let Some(done) = next() {
            fold(done)?;
        }
        return Ok(());
    }
    std::thread::scope(|s| {
        let (to_fold, waves) = mpsc::sync_channel::<Vec<ChunkResult>>(LOOKAHEAD);
        let folder = s.spawn(move || waves.into_iter().try_for_each(&mut fold));
        while let Some(done) = next() {
            if to_fold.send(done).is_err() {
                break; // the fold stopped at an error
            }
        }
        drop(to_fold);
        folder
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
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
        let mut local = Table::default();
        let mut chunk = Chunk::with_capacity(costs.len(), true);
        for (&c, i) in costs.iter().zip(0u64..) {
            chunk.push(&mut local, c, i);
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

    /// Add the next chunks, in index order; the error is the first chunk's
    /// that failed.
    fn fold_all(
        &mut self,
        table: &mut Codes,
        chunks: Vec<ChunkResult>,
    ) -> Result<(), (u64, TrialError)> {
        for result in chunks {
            self.fold(table, &result?);
        }
        Ok(())
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
            self.overflow = true;
            (self.costs, self.counts, self.first, self.codes) =
                (Vec::new(), Vec::new(), Vec::new(), None);
            *table = Codes::default();
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
        assert!(order.len() > GROWN);
        assert_eq!(tally.costs, order.iter().map(|o| o.0).collect::<Vec<_>>());
        assert_eq!(tally.first, order.iter().map(|o| o.1).collect::<Vec<_>>());
        assert_eq!(tally.codes.as_deref(), Some(&codes[..]));
        let mut counts = vec![0u64; order.len()];
        codes.iter().for_each(|&g| counts[g as usize] += 1);
        assert_eq!(tally.counts, counts);
    }

    #[test]
    fn chunks_of_known_and_new_costs_are_numbered_in_order() {
        // Three chunks of 10,000 trials (past bucket_order's 4,096, so the
        // table is walked in bucket order), trial i of work (i mod 13,000)
        // + 0.25 on 4 devices: the second chunk meets 3,000 new costs after
        // 7,000 known ones (in reverse of their first meeting), the third
        // only known ones. Codes, order of first appearance, first trials
        // and counts are those of a BTreeMap numbering the trials one by
        // one; device_work is the plain serial sum of 4 × work.
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
            let mut local = Table::default();
            let mut chunk = Chunk::with_capacity(10_000, true);
            for i in c * 10_000..(c + 1) * 10_000 {
                let cost = Cost {
                    work: work(i),
                    devices: 4,
                };
                chunk.push(&mut local, cost, i);
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
        assert_eq!(tally.costs, order.iter().map(|o| o.0).collect::<Vec<_>>());
        assert_eq!(tally.first, order.iter().map(|o| o.1).collect::<Vec<_>>());
        assert_eq!(tally.codes.as_deref(), Some(&codes[..]));
        let mut counts = vec![0u64; order.len()];
        codes.iter().for_each(|&g| counts[g as usize] += 1);
        assert_eq!(tally.counts, counts);
        assert_eq!(tally.device_work.to_bits(), f64::to_bits(serial));
    }

    #[test]
    fn bucket_order_sorts_by_bucket_bits_and_keeps_ties_in_order() {
        // 5,000 hashes (past the 4,096 kept in order): hash i has bits
        // 7..18 equal to 3i mod 4,096 (a permutation of the keys for
        // 4,096 consecutive i), so 904 keys are met twice; the order is
        // keys ascending, each key's positions ascending.
        let hashes: Vec<u64> = (0..5_000u64).map(|i| (i * 3 % 4096) << 7).collect();
        let order = bucket_order(&hashes);
        let mut oracle: Vec<u32> = (0..5_000).collect();
        oracle.sort_by_key(|&i| (hashes[i as usize] >> 7, i));
        assert_eq!(order, oracle);
        let few: Vec<u64> = vec![5 << 7, 1 << 7, 3 << 7];
        assert_eq!(bucket_order(&few), vec![0, 1, 2]);
    }

    #[test]
    fn fold_behind_folds_in_order_and_stops_at_the_first_error() {
        // Ten waves; folding wave 3 fails. The fold sees waves 0..=3 in
        // order and returns wave 3's error, on one thread, on two, and on
        // two with a single wave's worth of work folded in place; the
        // evaluation runs at most LOOKAHEAD + 1 waves past the failure.
        for (threads, waves) in [(1, true), (2, true), (2, false)] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let (mut made, mut seen) = (0usize, Vec::new());
            let result = pool.install(|| {
                let next = || {
                    made += 1;
                    (made <= 10).then(|| {
                        vec![Err((
                            made as u64 - 1,
                            TrialError {
                                formula: "hours",
                                value: 0.0,
                                problem: "test",
                            },
                        ))]
                    })
                };
                let fold = |wave: Vec<ChunkResult>| {
                    let at = wave[0].as_ref().err().map_or(u64::MAX, |e| e.0);
                    seen.push(at);
                    if at == 3 {
                        Err(at)
                    } else {
                        Ok(())
                    }
                };
                fold_behind(next, fold, waves)
            });
            assert_eq!(result, Err(3), "{threads} threads");
            assert_eq!(seen, vec![0, 1, 2, 3], "{threads} threads");
            assert!(
                made <= 4 + LOOKAHEAD + 1,
                "{threads} threads: {made} waves made"
            );
        }
    }

    #[test]
    fn round_works_spread_over_the_buckets() {
        // 4,096 integer works (1.0 ..= 4096.0, 8 devices): their f64 bits
        // end in 40 or more zero bits, and the bare product hash gave them
        // 32 distinct low 12 bits (the bucket in a 4,096-slot table), so
        // inserting them was quadratic. Uniform hashing of 4,096 keys into
        // 4,096 buckets fills 1 − 1/e ≈ 63 % of them (2,589; the mixer
        // gives 2,570); require more than 60 %, and every one of the 128
        // tags (the top 7 bits, which hashbrown compares first).
        let build = BuildHasherDefault::<Mix>::default();
        let buckets: std::collections::HashSet<u64> = (1..=4096)
            .map(|k| build.hash_one((f64::from(k).to_bits(), 8u32)) & 4095)
            .collect();
        assert!(buckets.len() > 2457, "{} buckets", buckets.len());
        let tags: std::collections::HashSet<u64> = (1..=4096)
            .map(|k| build.hash_one((f64::from(k).to_bits(), 8u32)) >> 57)
            .collect();
        assert_eq!(tags.len(), 128);
    }
}
