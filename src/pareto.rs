//! Non-dominated ranking of options on (wall-clock hours, emissions), both
//! to be minimised, and the choice of a balanced "knee" option.
//!
//! Point a dominates b when a is no worse on both axes and better on one.
//! Rank 1 is the front (dominated by nothing); rank k + 1 holds the points
//! dominated only by points of ranks ≤ k. Ranks are found in O(n log n):
//! sort by (x, y, tie key), then place each point on the first front whose
//! last point does not dominate it, by binary search (Jensen 2003's 2-D
//! sweep). Ties are broken by the caller's key, so ranks never depend on
//! evaluation order or thread count.

use std::cmp::Ordering;

/// A point to rank: x and y are minimised; `key` breaks ties.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Wall-clock hours.
    pub x: f64,
    /// Emissions.
    pub y: f64,
}

/// Does `a` dominate `b`?
pub fn dominates(a: Point, b: Point) -> bool {
    a.x <= b.x && a.y <= b.y && (a.x < b.x || a.y < b.y)
}

/// Pareto rank (1 = front) of every point, in input order.
pub fn ranks(points: &[Point]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        let (p, q) = (points[a], points[b]);
        p.x.total_cmp(&q.x)
            .then(p.y.total_cmp(&q.y))
            .then(a.cmp(&b))
    });
    // Last point placed on each front: fronts' last points increase in
    // (y, x), so a binary search finds the first front that does not
    // dominate the next point.
    let mut lasts: Vec<Point> = Vec::new();
    let mut rank = vec![0u32; points.len()];
    for i in order {
        let p = points[i];
        let k = lasts
            .partition_point(|&l| l.y.total_cmp(&p.y).then(l.x.total_cmp(&p.x)) == Ordering::Less);
        if k == lasts.len() {
            lasts.push(p);
        } else {
            lasts[k] = p;
        }
        rank[i] = k as u32 + 1;
    }
    rank
}

/// The knee of a front: the point nearest the ideal corner (fastest time,
/// lowest emissions) once both axes are scaled to [0, 1] over the front,
/// on a log scale (the axes often span decades). Ties go to the lowest
/// index. `None` for an empty front.
pub fn knee(front: &[Point]) -> Option<usize> {
    let lx: Vec<f64> = front
        .iter()
        .map(|p| p.x.max(f64::MIN_POSITIVE).log10())
        .collect();
    let ly: Vec<f64> = front
        .iter()
        .map(|p| p.y.max(f64::MIN_POSITIVE).log10())
        .collect();
    let scale = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let span = if hi > lo { hi - lo } else { 1.0 };
        v.iter().map(|x| (x - lo) / span).collect::<Vec<f64>>()
    };
    let (sx, sy) = (scale(&lx), scale(&ly));
    (0..front.len()).min_by(|&a, &b| {
        let da = sx[a] * sx[a] + sy[a] * sy[a];
        let db = sx[b] * sx[b] + sy[b] * sy[b];
        da.total_cmp(&db).then(a.cmp(&b))
    })
}

/// Reference O(n²) ranking by peeling fronts, for tests.
pub fn ranks_brute_force(points: &[Point]) -> Vec<u32> {
    let mut rank = vec![0u32; points.len()];
    let mut current = 1;
    while rank.contains(&0) {
        let layer: Vec<usize> = (0..points.len())
            .filter(|&i| rank[i] == 0)
            .filter(|&i| {
                !(0..points.len()).any(|j| rank[j] == 0 && dominates(points[j], points[i]))
            })
            .collect();
        for i in layer {
            rank[i] = current;
        }
        current += 1;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{prop_assert, prop_assert_eq, proptest};

    fn p(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    #[test]
    fn ranks_by_hand() {
        // (1,5) (2,3) (4,1) are the front; (3,4) is dominated by (2,3);
        // (5,5) by (3,4) too, so rank 3. (2,3) twice: equal points share a rank.
        let pts = [
            p(1.0, 5.0),
            p(2.0, 3.0),
            p(4.0, 1.0),
            p(3.0, 4.0),
            p(5.0, 5.0),
            p(2.0, 3.0),
        ];
        assert_eq!(ranks(&pts), vec![1, 1, 1, 2, 3, 1]);
    }

    #[test]
    fn same_x_lower_y_dominates() {
        let pts = [p(1.0, 2.0), p(1.0, 1.0)];
        assert_eq!(ranks(&pts), vec![2, 1]);
    }

    #[test]
    fn knee_prefers_the_balanced_point() {
        // Log-scaled: (1, 1000) → (0, 1); (10, 10) → (0.5, 0.33); (100, 1) → (1, 0).
        let front = [p(1.0, 1000.0), p(10.0, 10.0), p(100.0, 1.0)];
        assert_eq!(knee(&front), Some(1));
        assert_eq!(knee(&[]), None);
    }

    proptest! {
        #[test]
        fn sweep_matches_brute_force(pts in proptest::collection::vec((0u8..20, 0u8..20), 0..80)) {
            let points: Vec<Point> = pts.iter().map(|&(x, y)| p(f64::from(x), f64::from(y))).collect();
            prop_assert_eq!(ranks(&points), ranks_brute_force(&points));
        }

        #[test]
        fn the_front_is_undominated_and_dominates_the_rest(pts in proptest::collection::vec((0u16..1000, 0u16..1000), 1..200)) {
            let points: Vec<Point> = pts.iter().map(|&(x, y)| p(f64::from(x), f64::from(y))).collect();
            let r = ranks(&points);
            for (i, &pi) in points.iter().enumerate() {
                let dominated = points.iter().any(|&q| dominates(q, pi));
                if r[i] == 1 {
                    prop_assert!(!dominated);
                } else {
                    prop_assert!(points.iter().zip(&r).any(|(&q, &rq)| rq == 1 && dominates(q, pi)));
                }
            }
        }
    }
}
