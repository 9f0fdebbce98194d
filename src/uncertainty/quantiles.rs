//! Per-option percentiles and the probability of being lowest.
//!
//! Options are processed in fixed chunks in parallel. For each option the
//! draws of each figure are written to a buffer of `draws` values (one
//! buffer set per chunk, reused: memory is O(draws) per thread, never
//! O(options × draws)), and its percentiles are exact order statistics
//! found by selection, interpolated linearly between neighbours (type 7 of
//! Hyndman & Fan, NumPy's default). Meanwhile each parallel task keeps,
//! per draw, the lowest option of the chunks it processed; the lowest is a
//! minimum under a total order (emissions, hours, index), so combining the
//! tasks in any grouping gives the same winner of every draw, and the same
//! `p_lowest`, on any thread count. Only the tasks in flight hold such an
//! array: memory is O(threads × draws) for buffers and winners, plus the
//! factors' draws (see [`super::draws`]), whatever the number of options.
//!
//! Ties in a draw go as the plan's "lowest" mark does: lower emissions,
//! then fewer wall hours, then the first option.

use rayon::prelude::*;

use super::{Compare, Factors, Point};

/// Options per parallel task.
const CHUNK: usize = 32;

/// The 5th, 50th and 95th percentile of a figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Range {
    /// A figure known exactly.
    pub fn point(x: f64) -> Range {
        Range {
            p5: x,
            p50: x,
            p95: x,
        }
    }
}

/// One option's ranges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptionRanges {
    /// Operational emissions, kg CO2eq.
    pub emissions_kg: Range,
    /// Energy, kWh.
    pub energy_kwh: Range,
    /// Hours to result, h.
    pub wall_hours: Range,
    /// Money, USD, where the price is known.
    pub cost_usd: Option<Range>,
    /// The compared emissions (operational, or operational plus embodied), kg CO2eq.
    pub compared_kg: Range,
    /// Share of draws in which this option has the lowest compared emissions.
    pub p_lowest: f64,
}

/// Every option's ranges, in the options' order.
pub type Ranges = Vec<OptionRanges>;

/// Per draw, the lowest option so far: (emissions, wall hours, index).
type Best = (f64, f64, usize);

fn better(a: Best, b: Best) -> Best {
    let order =
        a.0.total_cmp(&b.0)
            .then(a.1.total_cmp(&b.1))
            .then(a.2.cmp(&b.2));
    if order.is_le() {
        a
    } else {
        b
    }
}

/// Percentiles of every option, and how often each is lowest.
///
/// Percentiles commute with multiplication by a positive constant and with
/// increasing affine maps, so they are computed once per distinct factor
/// product and scaled per option (up to rounding): emissions and energy
/// per (device, site) pair, hours and cost per device. Only the compared
/// total (operational plus embodied) needs a pass per option.
pub fn ranges(points: &[Point], factors: &Factors, compare: Compare) -> Ranges {
    ranges_among(points, factors, compare, &vec![true; points.len()])
}

/// [`ranges`], with `p_lowest` taken among the `eligible` options only (the
/// plan's marks skip strategies below the quality target; so does this).
pub fn ranges_among(
    points: &[Point],
    factors: &Factors,
    compare: Compare,
    eligible: &[bool],
) -> Ranges {
    if factors.draws == 0 || points.is_empty() {
        return point_ranges(points, compare, eligible);
    }
    let n = factors.draws;
    let time: Vec<Range> = factors
        .time
        .par_iter()
        .map(|t| percentiles(&mut t.clone()))
        .collect();
    let (pairs, unit) = unit_ranges(points, factors);
    let none = || vec![(f64::INFINITY, f64::INFINITY, usize::MAX); n];
    // Each task folds its chunks' bids into one per-draw lowest; `better`
    // is a minimum under a total order (index last), so the merge order
    // does not change the result, and only a few such arrays are alive.
    let (mut chunks, best) = points
        .par_chunks(CHUNK)
        .enumerate()
        .fold(
            || (Vec::new(), none()),
            |(mut done, mut best), (c, chunk)| {
                let mut buf = vec![0.0; n];
                let out: Vec<OptionRanges> = chunk
                    .iter()
                    .enumerate()
                    .map(|(k, p)| {
                        let pair = pairs.binary_search(&(p.hardware, p.site)).unwrap_or(0);
                        let scaled = (unit[pair], time[p.hardware]);
                        option(
                            p,
                            (c * CHUNK + k, eligible[c * CHUNK + k]),
                            factors,
                            compare,
                            scaled,
                            (&mut buf, &mut best),
                        )
                    })
                    .collect();
                done.push((c, out));
                (done, best)
            },
        )
        .reduce(
            || (Vec::new(), none()),
            |(mut a, mut x), (b, y)| {
                a.extend(b);
                for (u, v) in x.iter_mut().zip(y) {
                    *u = better(*u, v);
                }
                (a, x)
            },
        );
    chunks.sort_unstable_by_key(|c| c.0);
    let mut out: Vec<OptionRanges> = Vec::with_capacity(points.len());
    for (_, ranges) in chunks {
        out.extend(ranges);
    }
    let mut wins = vec![0u64; points.len()];
    for b in best.iter().filter(|b| b.2 < points.len()) {
        wins[b.2] += 1;
    }
    for (o, w) in out.iter_mut().zip(wins) {
        o.p_lowest = w as f64 / n as f64;
    }
    out
}

/// A (device, site) pair, by index.
type Pair = (usize, usize);

/// The distinct (device, site) pairs of `points`, sorted, and each pair's
/// percentiles of emissions and energy per unit of device-hours.
fn unit_ranges(points: &[Point], factors: &Factors) -> (Vec<Pair>, Vec<(Range, Range)>) {
    let n = factors.draws;
    let mut pairs: Vec<(usize, usize)> = points.iter().map(|p| (p.hardware, p.site)).collect();
    pairs.sort_unstable();
    pairs.dedup();
    let unit: Vec<(Range, Range)> = pairs
        .par_iter()
        .map_init(
            || vec![0.0; n],
            |buf, &(h, r)| {
                let (energy, pue, carbon) =
                    (&factors.energy[h], &factors.pue[r], &factors.carbon[r]);
                buf.iter_mut()
                    .enumerate()
                    .for_each(|(d, x)| *x = energy[d] * carbon[d]);
                let emissions = percentiles(buf);
                buf.iter_mut()
                    .enumerate()
                    .for_each(|(d, x)| *x = energy[d] * pue[d]);
                (emissions, percentiles(buf))
            },
        )
        .collect();
    (pairs, unit)
}

/// One option's ranges from the unit ranges of its (device, site) pair
/// and its device's hours, and its bid for each draw's lowest.
fn option(
    p: &Point,
    (index, bids): (usize, bool),
    f: &Factors,
    compare: Compare,
    ((emissions, energy), time): ((Range, Range), Range),
    (buf, best): (&mut [f64], &mut [Best]),
) -> OptionRanges {
    let scale = |r: Range, k: f64| Range {
        p5: k * r.p5,
        p50: k * r.p50,
        p95: k * r.p95,
    };
    let hours = |t: f64| p.wall_hours + p.run_hours * (t - 1.0);
    let emissions_kg = scale(emissions, p.emissions_kg);
    for (d, (x, b)) in buf.iter_mut().zip(best.iter_mut()).enumerate() {
        let (m, _) = p.draw(f, d, compare);
        *x = m;
        // Wall hours only break ties, so they are computed only then.
        if bids && m <= b.0 {
            *b = better(*b, (m, p.draw(f, d, compare).1, index));
        }
    }
    OptionRanges {
        emissions_kg,
        energy_kwh: scale(energy, p.energy_kwh),
        wall_hours: Range {
            p5: hours(time.p5),
            p50: hours(time.p50),
            p95: hours(time.p95),
        },
        cost_usd: p.cost_usd.map(|c| scale(time, c)),
        compared_kg: match compare {
            Compare::Operational => emissions_kg,
            Compare::Total => percentiles(buf),
        },
        p_lowest: 0.0,
    }
}

/// Without draws: every percentile is the point figure, and the lowest
/// option (by the same ties) has `p_lowest` 1.
fn point_ranges(points: &[Point], compare: Compare, eligible: &[bool]) -> Ranges {
    let compared = |p: &Point| match compare {
        Compare::Operational => p.emissions_kg,
        Compare::Total => p.emissions_kg + p.embodied_kg,
    };
    let lowest = points
        .iter()
        .enumerate()
        .filter(|&(i, _)| eligible[i])
        .map(|(i, p)| (compared(p), p.wall_hours, i))
        .reduce(better)
        .map(|b| b.2);
    points
        .iter()
        .enumerate()
        .map(|(i, p)| OptionRanges {
            emissions_kg: Range::point(p.emissions_kg),
            energy_kwh: Range::point(p.energy_kwh),
            wall_hours: Range::point(p.wall_hours),
            cost_usd: p.cost_usd.map(Range::point),
            compared_kg: Range::point(compared(p)),
            p_lowest: f64::from(u8::from(lowest == Some(i))),
        })
        .collect()
}

/// p5, p50 and p95 of `x` (reordered in place; `x` not empty).
pub fn percentiles(x: &mut [f64]) -> Range {
    let last = (x.len() - 1) as f64;
    let h50 = last * 0.5;
    let i50 = h50.floor() as usize;
    // After the median's selection, x[..=i50] holds ranks 0..=i50 and
    // x[i50..] ranks i50.., so each tail is found within its own half.
    let p50 = quantile_at(x, h50);
    let h5 = last * 0.05;
    let p5 = if (h5.floor() as usize) < i50 {
        quantile_at(&mut x[..=i50], h5)
    } else {
        quantile_at(x, h5)
    };
    let p95 = quantile_at(&mut x[i50..], last * 0.95 - i50 as f64);
    Range { p5, p50, p95 }
}

/// The type-7 quantile at position `h` = (n − 1) q of `x` (reordered):
/// the order statistics at floor(h) and the next, interpolated linearly.
pub fn quantile_at(x: &mut [f64], h: f64) -> f64 {
    let i = (h.floor() as usize).min(x.len() - 1);
    let frac = h - i as f64;
    let (_, a, right) = x.select_nth_unstable_by(i, f64::total_cmp);
    let a = *a;
    if frac <= 0.0 || right.is_empty() {
        return a;
    }
    let b = right.iter().copied().fold(f64::INFINITY, f64::min);
    a + frac * (b - a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_numpy_type_7() {
        // 0..=100 shuffled: positions 5, 50, 95 fall on the values themselves.
        let mut x: Vec<f64> = (0..=100).map(|i| f64::from((i * 37) % 101)).collect();
        assert_eq!(
            percentiles(&mut x),
            Range {
                p5: 5.0,
                p50: 50.0,
                p95: 95.0
            }
        );
        // [1, 2, 3, 4]: h = 3q → p5 at 0.15: 1.15; p50 at 1.5: 2.5; p95 at 2.85: 3.85
        // (numpy.percentile([1, 2, 3, 4], [5, 50, 95]) = 1.15, 2.5, 3.85).
        let r = percentiles(&mut [4.0, 2.0, 1.0, 3.0]);
        assert!(
            (r.p5 - 1.15).abs() < 1e-12
                && (r.p50 - 2.5).abs() < 1e-12
                && (r.p95 - 3.85).abs() < 1e-12
        );
        assert_eq!(percentiles(&mut [7.0]), Range::point(7.0));
    }
}
