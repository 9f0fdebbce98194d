//! Slots: the end times of k identical slots, earliest first.
//!
//! A list schedule asks one thing of its slots, trial after trial: take
//! the slot that frees first and keep it busy for `w` more. [`Slots`] is a
//! 4-ary min-heap of end times for that one operation. Its nodes hold the
//! bits of non-negative `f64`s, which order as the values do, followed by
//! four padding nodes that stand for missing children. 64 slots take three
//! levels instead of a binary heap's six; the least of four children is
//! picked with conditional moves, and every level is walked whatever the
//! data, with bit masks choosing whether the hole moves: no branch depends
//! on the end times.
//!
//! Which slot of equal end times is taken cannot change the schedule's
//! length: the multiset of end times after each trial is the same whatever
//! the heap's shape, so the figures equal any other exact priority queue's.

/// Children per node.
const ARITY: usize = 4;

/// End time of a padding node: above every real end time, so never taken.
const PAD: u64 = u64::MAX;

/// The end times of `len` slots (all free at time 0 to begin with).
pub struct Slots {
    /// Heap of end-time bits, then [`ARITY`] padding nodes.
    ends: Vec<u64>,
    len: usize,
    /// Levels below the root: every node is within this many steps of it.
    depth: u32,
}

impl Slots {
    /// `len` ≥ 1 slots, all free at time 0.
    pub fn new(len: usize) -> Slots {
        let len = len.max(1);
        let mut ends = vec![0u64; len + ARITY];
        ends[len..].fill(PAD);
        // A tree of d + 1 full levels holds 1 + 4 + … + 4^d nodes.
        let (mut depth, mut held) = (0, 1usize);
        while held < len {
            depth += 1;
            held = held.saturating_mul(ARITY).saturating_add(1);
        }
        Slots { ends, len, depth }
    }

    /// Start a trial of `work` ≥ 0 on the slot that frees first: that slot
    /// now ends at its old end + `work`, which is returned.
    ///
    /// The hole left at the root sinks a fixed `depth` steps, each taken or
    /// not by a bit mask: a node without children looks at the padding,
    /// and once the new end is below the least child it stays below every
    /// node under it. No branch depends on the data, so successive calls
    /// overlap in the processor instead of waiting on mispredictions.
    #[inline(always)]
    pub fn start(&mut self, work: f64) -> f64 {
        let finish = f64::from_bits(self.ends[0]) + work;
        let key = finish.to_bits();
        let mut hole = 0;
        for _ in 0..self.depth {
            let first = (ARITY * hole + 1).min(self.len);
            let (child, least) = least_of(&self.ends, first);
            // All ones when the hole sinks to `child`, else zero: bit
            // arithmetic, so the compiler keeps it free of branches.
            let sinks = u64::from(least < key).wrapping_neg();
            self.ends[hole] = key ^ ((key ^ least) & sinks);
            hole ^= (hole ^ child) & sinks as usize;
        }
        self.ends[hole] = key;
        finish
    }
}

/// Index and value of the least of the four nodes from `first` on.
#[inline(always)]
fn least_of(ends: &[u64], first: usize) -> (usize, u64) {
    let quad: &[u64; ARITY] = ends[first..first + ARITY]
        .try_into()
        .expect("four children");
    let (a, va) = if quad[1] < quad[0] {
        (first + 1, quad[1])
    } else {
        (first, quad[0])
    };
    let (b, vb) = if quad[3] < quad[2] {
        (first + 3, quad[3])
    } else {
        (first + 2, quad[2])
    };
    if vb < va {
        (b, vb)
    } else {
        (a, va)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    /// The oracle: a binary heap of (k) end times, popped and pushed.
    fn by_binary_heap(works: &[f64], k: usize) -> Vec<f64> {
        let mut heap: BinaryHeap<Reverse<u64>> = (0..k).map(|_| Reverse(0)).collect();
        works
            .iter()
            .map(|&w| {
                let Reverse(first) = heap.pop().expect("k ≥ 1");
                let finish = f64::from_bits(first) + w;
                heap.push(Reverse(finish.to_bits()));
                finish
            })
            .collect()
    }

    #[test]
    fn two_slots_by_hand() {
        // Works 3, 3, 4, 5 on 2 slots: 3 (A), 3 (B), 4 on A at 3 → 7,
        // 5 on B at 3 → 8.
        let mut s = Slots::new(2);
        let finishes: Vec<f64> = [3.0, 3.0, 4.0, 5.0].map(|w| s.start(w)).to_vec();
        assert_eq!(finishes, [3.0, 3.0, 7.0, 8.0]);
    }

    #[test]
    fn every_finish_matches_a_binary_heap() {
        // Deterministic works with many ties and zeros, on slot counts
        // around the 4-ary level boundaries (1, 4 + 1, 16 + 4 + 1, ...).
        let works: Vec<f64> = (0..5000u64)
            .map(|i| ((i * 2_654_435_761) % 97) as f64 * 0.25)
            .collect();
        for k in [1, 2, 3, 4, 5, 6, 20, 21, 22, 63, 64, 65, 85, 86, 300] {
            let mut s = Slots::new(k);
            let ours: Vec<f64> = works.iter().map(|&w| s.start(w)).collect();
            assert_eq!(ours, by_binary_heap(&works, k), "k = {k}");
        }
    }
}
