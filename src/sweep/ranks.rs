//! A growing set of ranked keys that answers "how many are above this
//! one?": ASHA's test of whether a completed job is in the top 1/eta of
//! its rung, asked at every job start.
//!
//! A sorted vector gave the count by binary search, but each insertion at
//! a random place moved half of it: quadratic, 39 s for the 10^6 trials
//! ASHA is allowed. Here insertions go to a small unsorted buffer, merged
//! into the sorted part when full, so each key is moved about
//! len / [`BUFFER`] times in all; a count adds a scan of the buffer.

/// Keys held unsorted before a merge.
const BUFFER: usize = 256;

/// Keys, with counts of those above a key.
#[derive(Debug, Clone, Default)]
pub struct Ranks<T> {
    sorted: Vec<T>,
    recent: Vec<T>,
}

impl<T: Ord + Copy> Ranks<T> {
    /// Add a key.
    pub fn insert(&mut self, key: T) {
        self.recent.push(key);
        if self.recent.len() == BUFFER {
            // Two sorted runs: the standard sort finds them and merges
            // them in one pass.
            self.recent.sort_unstable();
            self.sorted.append(&mut self.recent);
            self.sorted.sort();
        }
    }

    /// How many keys are above `key` (strictly).
    pub fn above(&self, key: T) -> usize {
        let sorted = self.sorted.len() - self.sorted.partition_point(|&k| k <= key);
        sorted + self.recent.iter().filter(|&&k| k > key).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha8Rng;
    use rand_core::{Rng, SeedableRng};

    #[test]
    fn counts_above_agree_with_a_sorted_vector() {
        // 3,000 keys from 0..500 (so many ties, and a dozen merges), each
        // count checked against the plain sorted vector before the insert.
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let (mut ranks, mut plain) = (Ranks::default(), Vec::new());
        for _ in 0..3000 {
            let key = rng.next_u32() % 500;
            let probe = rng.next_u32() % 520;
            let expected = plain.len() - plain.partition_point(|&k| k <= probe);
            assert_eq!(ranks.above(probe), expected);
            let at = plain.partition_point(|&k| k < key);
            plain.insert(at, key);
            ranks.insert(key);
        }
        assert_eq!(ranks.above(0), plain.iter().filter(|&&k| k > 0).count());
    }
}
