//! The release queue of waiting jobs: jobs in release order, taken as "the
//! first job in order that fits on the free devices" (greedy backfill). The
//! barrier modes of the adaptive simulation and `random`/`index` dispatch
//! of trials holding different numbers of devices both use it.
//!
//! A single list scanned from the front costs O(queue) each time nothing
//! fits (every completion on a full cluster), so a Hyperband of 10^5 jobs
//! per rung went quadratic. Jobs are kept in one FIFO per device count,
//! each entry tagged with its release number: the first job in release
//! order that fits is the earliest head among the FIFOs of device counts
//! up to the free devices. Same answer as the scan, O(distinct device
//! counts) per call.

use std::collections::{BTreeMap, VecDeque};

/// Jobs waiting to start, in release order, grouped by devices held.
#[derive(Debug, Clone)]
pub struct Queue<J> {
    by_devices: BTreeMap<u32, VecDeque<(u64, J)>>,
    released: u64,
}

impl<J: Copy> Queue<J> {
    /// An empty queue.
    pub fn new() -> Queue<J> {
        Queue {
            by_devices: BTreeMap::new(),
            released: 0,
        }
    }

    /// Append `job`, which holds `devices` devices.
    pub fn push(&mut self, job: J, devices: u32) {
        self.by_devices
            .entry(devices)
            .or_default()
            .push_back((self.released, job));
        self.released += 1;
    }

    /// Remove and return the first job in release order holding at most
    /// `free` devices.
    pub fn take_fitting(&mut self, free: u32) -> Option<J> {
        let (&devices, _) = self
            .by_devices
            .range(..=free)
            .filter_map(|(d, q)| q.front().map(|(seq, _)| (d, *seq)))
            .min_by_key(|&(_, seq)| seq)?;
        let fifo = self.by_devices.get_mut(&devices)?;
        let (_, job) = fifo.pop_front()?;
        if fifo.is_empty() {
            self.by_devices.remove(&devices);
        }
        Some(job)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_fitting_job_in_release_order() {
        // Released: a on 4, b on 1, c on 2, d on 1. With 2 free: b (first
        // that fits), then c, then d; with 4 free: a.
        let mut q = Queue::new();
        for (job, d) in [('a', 4), ('b', 1), ('c', 2), ('d', 1)] {
            q.push(job, d);
        }
        assert_eq!(q.take_fitting(0), None);
        assert_eq!(q.take_fitting(2), Some('b'));
        assert_eq!(q.take_fitting(2), Some('c'));
        assert_eq!(q.take_fitting(4), Some('a'));
        assert_eq!(q.take_fitting(1), Some('d'));
        assert_eq!(q.take_fitting(9), None);
    }
}
