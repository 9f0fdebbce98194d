use super::*;
use proptest::prelude::{prop_assert, proptest};

fn groups_of(jobs: &[(f64, u32)]) -> Vec<Group> {
    let costs: Vec<Cost> = jobs
        .iter()
        .map(|&(work, devices)| Cost { work, devices })
        .collect();
    groups(&Tally::of(&costs), 1)
}

/// The rule, one trial at a time, with every device tracked.
fn makespan_one_by_one(jobs: &[(f64, u32)], capacity: u32) -> f64 {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by(|&a, &b| jobs[b].0.total_cmp(&jobs[a].0).then(a.cmp(&b)));
    let mut free = vec![0.0f64; capacity as usize];
    let mut end = 0.0f64;
    for i in order {
        let (work, devices) = jobs[i];
        free.sort_by(f64::total_cmp);
        let start = free[devices as usize - 1];
        for f in free.iter_mut().take(devices as usize) {
            *f = start + work;
        }
        end = end.max(start + work);
    }
    end
}

#[test]
fn makespan_longest_first() {
    // Two slots, jobs 5, 4, 3, 3: slot A takes 5, slot B 4; then 3 goes to B (free at 4)
    // ending at 7, the last 3 to A (free at 5) ending at 8.
    assert_eq!(
        makespan(&groups_of(&[(3.0, 1), (5.0, 1), (4.0, 1), (3.0, 1)]), 2),
        8.0
    );
    // Enough devices for all: the longest job.
    assert_eq!(makespan(&groups_of(&[(2.0, 8), (1.0, 8)]), 64), 2.0);
    // One slot: the sum.
    assert_eq!(makespan(&groups_of(&[(2.0, 8), (1.0, 8)]), 8), 3.0);
    // Seven equal 1 h jobs on three slots: rounds of 3, 3, then 1 → 3 h.
    assert_eq!(makespan(&groups_of(&[(1.0, 1); 7]), 3), 3.0);
}

#[test]
fn makespan_with_mixed_device_counts() {
    // Capacity 4. Sorted: 6 h on 2, 4 h on 4, 1 h on 1.
    // The 6 h job takes two devices [0, 6). The 4 h job needs all four:
    // it starts when the second-last frees, at 6, ending at 10. The 1 h
    // job then starts at 10, ending 11.
    assert_eq!(
        makespan(&groups_of(&[(4.0, 4), (6.0, 2), (1.0, 1)]), 4),
        11.0
    );
}

proptest! {
    #[test]
    fn grouped_makespan_equals_one_by_one(
        jobs in proptest::collection::vec((1u8..6, 1u32..3), 1..60),
        capacity in 2u32..9,
        uniform in proptest::bool::ANY,
    ) {
        let jobs: Vec<(f64, u32)> = jobs.iter().map(|&(w, d)| (f64::from(w), if uniform { 1 } else { d })).collect();
        let grouped = makespan(&groups_of(&jobs), capacity);
        let direct = makespan_one_by_one(&jobs, capacity);
        prop_assert!((grouped - direct).abs() < 1e-9, "{grouped} vs {direct}");
    }
}
