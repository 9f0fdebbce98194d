//! The probe of a long job set's first chunks: when they alone hold more
//! distinct costs than the tally keeps, the tally overflows whatever
//! follows, which is counted here in parallel instead of merging the
//! costs one by one in the serial fold.

use rayon::prelude::*;

use super::chunk::ChunkResult;
use super::hash::{grouped, hash_of, key, Table};
use super::{CHUNK, DISTINCT_LIMIT};
use crate::cost::Cost;
use crate::space::subset::Subset;

/// How many chunks to probe at the start of a job set of `n` trials whose
/// read parameters are `subset` (0: none). Only a job set longer than
/// [`super::super::dispatch::EXPAND_LIMIT`] keeps at most
/// [`DISTINCT_LIMIT`] distinct costs; twice the chunks that limit needs
/// (plus one), so that chunks of half as many distinct costs as trials
/// prove it too; none when the read parameters have too few level
/// combinations to overflow.
pub(super) fn chunks(n: u64, subset: Option<&Subset>) -> u64 {
    let few = subset
        .and_then(Subset::combinations)
        .is_some_and(|c| c <= DISTINCT_LIMIT as u64);
    if n <= super::super::dispatch::EXPAND_LIMIT || few {
        return 0;
    }
    (2 * DISTINCT_LIMIT as u64 / CHUNK + 1).min(n.div_ceil(CHUNK))
}

/// Whether the chunks hold more than [`DISTINCT_LIMIT`] distinct costs
/// between them (`false` when one failed: the fold reports it). Equal
/// costs have equal hashes, so each chunk splits its costs by bits 40 to
/// 47 of their hash (which neither a small table's buckets, the low bits,
/// nor its tags, the top seven, use) and each part is counted apart, all
/// in parallel, in tables small enough to stay in cache.
pub(super) fn overflows(done: &[ChunkResult]) -> bool {
    let Ok(chunks) = done
        .iter()
        .map(Result::as_ref)
        .collect::<Result<Vec<_>, _>>()
    else {
        return false;
    };
    if chunks.iter().map(|c| c.costs.len()).sum::<usize>() <= DISTINCT_LIMIT {
        return false;
    }
    let split: Vec<Parts> = chunks.par_iter().map(|c| Parts::of(&c.costs)).collect();
    let distinct: usize = (0..1 << PART_BITS.1)
        .into_par_iter()
        .map(|p| {
            let len = split.iter().map(|s| s.part(p).len()).sum();
            let mut seen = Table::with_capacity_and_hasher(len, Default::default());
            (split.iter().flat_map(|s| s.part(p)))
                .filter(|&&key| seen.insert(key, 0).is_none())
                .count()
        })
        .sum();
    distinct > DISTINCT_LIMIT
}

/// Parts [`overflows`] counts apart: bits 40 to 47 of a cost's hash.
const PART_BITS: (u32, u32) = (40, 8);

/// One chunk's cost keys grouped by part.
struct Parts {
    keys: Vec<(u64, u32)>,
    /// Where each part starts in `keys` (and where the last ends).
    starts: Vec<usize>,
}

impl Parts {
    fn of(costs: &[(Cost, u64)]) -> Parts {
        let hashes: Vec<u64> = costs.iter().map(|&(c, _)| hash_of(c)).collect();
        let (order, starts) = grouped(&hashes, PART_BITS.0, PART_BITS.1);
        let keys = order.iter().map(|&i| key(costs[i as usize].0)).collect();
        Parts { keys, starts }
    }

    fn part(&self, p: usize) -> &[(u64, u32)] {
        &self.keys[self.starts[p]..self.starts[p + 1]]
    }
}

#[cfg(test)]
mod tests {
    use super::super::chunk::Chunk;
    use super::*;

    /// A chunk numbering the costs of works `works` (on 2 devices).
    fn chunk(works: impl Iterator<Item = u64>) -> ChunkResult {
        let mut c = Chunk::with_capacity(0, true);
        for (i, w) in (0u64..).zip(works) {
            let cost = Cost {
                work: w as f64 + 0.5,
                devices: 2,
            };
            c.push(cost, i);
        }
        Ok(c)
    }

    #[test]
    fn counts_the_distinct_costs_of_all_chunks_together() {
        // 17 chunks of 16,384 works each: 278,528 costs in all, more than
        // DISTINCT_LIMIT = 262,144 when they all differ. The same 16,384
        // works in every chunk are 16,384 distinct costs; chunks k of
        // works 15,420·k .. 15,420·k + 16,383 overlap by 964 and hold
        // 15,420 × 16 + 16,384 = 263,104 distinct costs (over), and with
        // 15,360·k (overlap 1,024) 15,360 × 16 + 16,384 = 262,144 (the
        // limit itself: not over).
        let spaced = |step: u64| -> Vec<ChunkResult> {
            (0..17)
                .map(|k| chunk(step * k..step * k + 16_384))
                .collect()
        };
        assert!(overflows(&spaced(16_384)));
        assert!(!overflows(&spaced(0)));
        assert!(overflows(&spaced(15_420)));
        assert!(!overflows(&spaced(15_360)));
        // Sixteen chunks of distinct works hold 262,144 costs, the limit
        // itself: not over.
        assert!(!overflows(&spaced(16_384)[..16]));
        // A failed chunk: the fold reports it, nothing is proved.
        let mut failed = spaced(16_384);
        failed[3] = Err((
            3,
            crate::cost::TrialError {
                formula: "hours",
                value: f64::NAN,
                problem: "test",
            },
        ));
        assert!(!overflows(&failed));
    }
}
