//! The fold's table of codes, which numbers each distinct cost of a tally
//! in order of first appearance.

use super::hash::{grouped, hash_of, key};
use crate::cost::Cost;

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
pub(super) const GROWN: usize = 1 << 14;

impl Codes {
    /// A table that will hold at most `most` codes.
    pub(super) fn for_at_most(most: usize) -> Codes {
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
    pub(super) fn codes(
        &mut self,
        costs: &mut Vec<Cost>,
        met: &[(Cost, u64)],
        mut new: impl FnMut(usize),
    ) -> Vec<u32> {
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

/// Positions of `hashes` in the order of the table buckets they fall in,
/// by a counting sort on bits 7 to 18 of the hash (few hashes keep their
/// order, as they touch little of the table). A long job set's table,
/// 2^18 + 2^14 codes in 2^19 buckets, takes a bucket's index from bits 0
/// to 18, so a chunk walks it in one pass; a larger one (a shorter job set
/// keeps up to one code per trial) is walked in a few interleaved passes.
/// The order changes the speed only: codes are numbered in the order met.
fn bucket_order(hashes: &[u64]) -> Vec<u32> {
    const BITS: u32 = 12;
    if hashes.len() < 1 << BITS {
        return (0..hashes.len() as u32).collect();
    }
    grouped(hashes, 7, BITS).0
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
