//! The hash of a cost that the tally's tables use.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use crate::cost::Cost;

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

/// A cost's key in the tally's tables: its work's bits and its devices.
pub(super) fn key(c: Cost) -> (u64, u32) {
    (c.work.to_bits(), c.devices)
}

/// A cost's hash, as [`Table`] hashes its key.
pub(super) fn hash_of(c: Cost) -> u64 {
    BuildHasherDefault::<Mix>::default().hash_one(key(c))
}

/// Positions of `hashes` grouped by bits `shift .. shift + bits` of each,
/// by a counting sort (within a group, in order of position), and where
/// each group starts (2^bits + 1 bounds, the last the end).
pub(super) fn grouped(hashes: &[u64], shift: u32, bits: u32) -> (Vec<u32>, Vec<usize>) {
    let group = |h: u64| ((h >> shift) & ((1 << bits) - 1)) as usize;
    let mut starts = vec![0usize; (1 << bits) + 1];
    for &h in hashes {
        starts[group(h) + 1] += 1;
    }
    for g in 1..starts.len() {
        starts[g] += starts[g - 1];
    }
    let mut next = starts.clone();
    let mut order = vec![0u32; hashes.len()];
    for (i, &h) in (0u32..).zip(hashes) {
        let at = &mut next[group(h)];
        order[*at] = i;
        *at += 1;
    }
    (order, starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_by_bits_with_where_each_group_starts() {
        // Bits 40..42 of the hashes are 3, 1, 3, 0 (the low bits, 5 and 9,
        // are ignored): group 0 holds position 3, group 1 position 1,
        // group 2 none, group 3 positions 0 then 2.
        let hashes = [3 << 40 | 5, 1 << 40, 3 << 40 | 9, 0];
        assert_eq!(
            grouped(&hashes, 40, 2),
            (vec![3, 1, 0, 2], vec![0, 1, 2, 2, 4])
        );
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
