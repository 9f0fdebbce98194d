//! Per-option percentiles, exact, and the probability of being lowest.
//!
//! Percentiles are exact order statistics over all draws, found by
//! selection and interpolated linearly between neighbours (type 7 of
//! Hyndman & Fan, NumPy's default). They are computed once per (device,
//! site) pair and scaled per option. No draw is stored (see
//! [`super::draws`]): options are taken by group of devices and site, in
//! parallel, and a task regenerates into buffers of `draws` values it
//! reuses the energy (and embodied) draws of a group of devices, when the
//! group changes; a zone's intensity, when the zone changes; and each
//! site's PUE and carbon. Memory is O(draws) per task in flight: four
//! buffers (intensity, PUE, carbon, percentiles) plus the devices' share,
//! at most `DEVICE_DRAWS` values (or one device's draws, if more) per
//! product; never O(draws × options) nor O(draws × factors). The share of
//! draws in which each option is lowest is counted a block of draws at a
//! time (see [`super::lowest`]).

use rayon::prelude::*;

use super::{Compare, DeviceDraws, Factors, Point, SiteDraws};

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
    ranges_held(points, factors, compare, eligible, DEVICE_DRAWS)
}

/// [`ranges_among`], holding at most `held` draws of device products per
/// task (tests vary it; the result does not depend on it).
fn ranges_held(
    points: &[Point],
    factors: &Factors,
    compare: Compare,
    eligible: &[bool],
    held: usize,
) -> Ranges {
    if factors.draws == 0 || points.is_empty() {
        return point_ranges(points, compare, eligible);
    }
    let n = factors.draws;
    let time: Vec<Range> = (0..factors.devices())
        .into_par_iter()
        .map_init(
            || DeviceDraws::new(n, false),
            |dev, h| {
                factors.device(h, 0, n, dev);
                percentiles(&mut dev.time)
            },
        )
        .collect();
    let (devices, order, per) = work(points, factors, held);
    let group = |i: usize| devices.binary_search(&points[i].hardware).unwrap_or(0) / per;
    let units: Vec<(usize, &[usize])> = order
        .chunk_by(|&a, &b| (group(a), points[a].site) == (group(b), points[b].site))
        .map(|unit| (group(unit[0]), unit))
        .collect();
    let groups: Vec<&[usize]> = devices.chunks(per).collect();
    let total = compare == Compare::Total;
    // A task starts by drawing its group of devices: about two tasks per
    // thread keep that cost low (the figures do not depend on the split).
    let tasks = 2 * rayon::current_num_threads();
    let done: Vec<Vec<(usize, OptionRanges)>> = units
        .par_iter()
        .with_min_len(units.len().div_ceil(tasks))
        .map_init(
            || Scratch::new(n, total),
            |s, &(g, unit)| site(s, (groups[g], g, unit), points, factors, compare, &time),
        )
        .collect();
    let mut out = point_ranges(points, compare, eligible);
    for (i, r) in done.into_iter().flatten() {
        out[i] = r;
    }
    let wins = super::lowest::wins(points, factors, compare, eligible);
    for (o, w) in out.iter_mut().zip(wins) {
        o.p_lowest = w as f64 / n as f64;
    }
    out
}

/// Draws of one device product (energy; embodied too under the total
/// metric) a task holds at most, beyond one device's: devices are taken in
/// groups of `DEVICE_DRAWS / draws` (at least one), so a site's draws are
/// regenerated once per group of devices, and memory stays bounded however
/// many devices there are.
const DEVICE_DRAWS: usize = 1 << 19;

/// The order of work: the devices of `points` (sorted), how many of them
/// a task draws at once (`per`), and the options by group of `per`
/// devices, zone, site, device and index, so a task redraws devices only
/// when the group changes, each site once per group and each zone's
/// intensity about once per group.
fn work(points: &[Point], factors: &Factors, held: usize) -> (Vec<usize>, Vec<usize>, usize) {
    let mut devices: Vec<usize> = points.iter().map(|p| p.hardware).collect();
    devices.sort_unstable();
    devices.dedup();
    let per = (held / factors.draws).clamp(1, devices.len().max(1));
    let group = |h: usize| devices.binary_search(&h).unwrap_or(0) / per;
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_unstable_by_key(|&i| {
        let p = &points[i];
        (
            group(p.hardware),
            factors.zone_of(p.site),
            p.site,
            p.hardware,
            i,
        )
    });
    (devices, order, per)
}

/// One task's buffers of every draw: the group of devices it last drew
/// and those devices' draws (without time), the zone it last drew and its
/// intensity, one site's draws, and a buffer for percentiles.
struct Scratch {
    group: Option<usize>,
    devices: Vec<DeviceDraws>,
    zone: Option<usize>,
    intensity: Vec<f64>,
    site: SiteDraws,
    buf: Vec<f64>,
    embodied: bool,
}

impl Scratch {
    fn new(n: usize, embodied: bool) -> Scratch {
        Scratch {
            group: None,
            devices: Vec::new(),
            zone: None,
            intensity: vec![0.0; n],
            site: SiteDraws::new(n),
            buf: vec![0.0; n],
            embodied,
        }
    }
}

/// The ranges of the options of one unit (`devices`, the group `g`'s
/// devices; `options`, indices into `points` at one site, by device): per
/// (device, site) pair, the percentiles of emissions and energy per unit,
/// scaled per option.
fn site(
    s: &mut Scratch,
    (devices, g, options): (&[usize], usize, &[usize]),
    points: &[Point],
    factors: &Factors,
    compare: Compare,
    time: &[Range],
) -> Vec<(usize, OptionRanges)> {
    let n = factors.draws;
    if s.group != Some(g) {
        for (k, &h) in devices.iter().enumerate() {
            if s.devices.len() == k {
                s.devices.push(DeviceDraws::without_time(n, s.embodied));
            }
            factors.device_without_time(h, &mut s.buf, &mut s.devices[k]);
        }
        s.group = Some(g);
    }
    let r = points[options[0]].site;
    let z = factors.zone_of(r);
    if s.zone != Some(z) {
        factors.fill(factors.zone(z), 0, &mut s.intensity);
        s.zone = Some(z);
    }
    factors.site_in_zone(r, 0, &s.intensity, &mut s.site);
    let (pue, carbon, buf) = (&s.site.pue, &s.site.carbon, &mut s.buf);
    let mut out = Vec::with_capacity(options.len());
    for pair in options.chunk_by(|&a, &b| points[a].hardware == points[b].hardware) {
        let h = points[pair[0]].hardware;
        let k = devices.iter().position(|&x| x == h).unwrap_or(0);
        let dev = &s.devices[k];
        for (d, x) in buf.iter_mut().enumerate() {
            *x = dev.energy[d] * carbon[d];
        }
        let emissions = percentiles(buf);
        for (d, x) in buf.iter_mut().enumerate() {
            *x = dev.energy[d] * pue[d];
        }
        let unit = (emissions, percentiles(buf));
        for &i in pair {
            let p = &points[i];
            out.push((i, option(p, compare, (unit, time[h]), (dev, carbon, buf))));
        }
    }
    out
}

/// One option's ranges from the unit ranges of its (device, site) pair
/// and its device's hours; the compared total, if asked for, from its
/// device's and site's draws, through `buf`.
fn option(
    p: &Point,
    compare: Compare,
    ((emissions, energy), time): ((Range, Range), Range),
    (dev, carbon, buf): (&DeviceDraws, &[f64], &mut [f64]),
) -> OptionRanges {
    let scale = |r: Range, k: f64| Range {
        p5: k * r.p5,
        p50: k * r.p50,
        p95: k * r.p95,
    };
    let emissions_kg = scale(emissions, p.emissions_kg);
    let compared_kg = match compare {
        Compare::Operational => emissions_kg,
        Compare::Total => {
            for (d, x) in buf.iter_mut().enumerate() {
                *x = p.compared(dev.energy[d], carbon[d], dev.embodied[d], compare);
            }
            percentiles(buf)
        }
    };
    OptionRanges {
        emissions_kg,
        energy_kwh: scale(energy, p.energy_kwh),
        wall_hours: Range {
            p5: p.hours(time.p5),
            p50: p.hours(time.p50),
            p95: p.hours(time.p95),
        },
        cost_usd: p.cost_usd.map(|c| scale(time, c)),
        compared_kg,
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
        .reduce(super::lowest::better)
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

    /// Three devices and four sites in two zones, every spread on; two
    /// options per (device, site) pair, one of them ineligible.
    fn grid_of_options(draws: u32) -> (Vec<Point>, Factors, Vec<bool>) {
        use super::super::spread::{sigma, DeviceSpread, Model, SiteSpread, ZoneSpread};
        let devices = (0..3)
            .map(|h| DeviceSpread {
                key: format!("device:d{h}"),
                speedup: sigma(0.5),
                power: (0.55, 1.0),
                embodied: sigma(1.0),
            })
            .collect();
        let sites = (0..4)
            .map(|r| SiteSpread {
                key: format!("pue:s{r}"),
                pue: 1.1 + 0.1 * r as f64,
                pue_sigma: sigma(0.5),
                zone: r % 2,
            })
            .collect();
        let zones = (0..2)
            .map(|z| ZoneSpread {
                key: format!("z{z}"),
                sigma: sigma(0.3 + z as f64),
            })
            .collect();
        let model = Model {
            draws,
            seed: 5,
            trial_hours: sigma(0.14),
            devices,
            sites,
            zones,
        };
        let mut points = Vec::new();
        for site in [3, 0, 2, 1] {
            for hardware in [2, 0, 1] {
                for k in 0..2 {
                    let x = 1.0 + (hardware * 7 + site * 3 + k) as f64 / 10.0;
                    points.push(Point {
                        hardware,
                        site,
                        emissions_kg: x,
                        energy_kwh: 2.0 * x,
                        wall_hours: 10.0 + x,
                        run_hours: 8.0,
                        embodied_kg: 3.0 / x,
                        cost_usd: (k == 0).then_some(4.0 * x),
                    });
                }
            }
        }
        let eligible = (0..points.len()).map(|i| i % 5 != 0).collect();
        (points, Factors::new(&model), eligible)
    }

    #[test]
    fn grouping_devices_does_not_change_any_figure() {
        // Holding one device at a time (held = draws) or all three gives
        // the same ranges bit for bit; so does an odd number of draws that
        // ends inside a block.
        for draws in [1_000, 2_049] {
            let (points, f, eligible) = grid_of_options(draws);
            for compare in [Compare::Operational, Compare::Total] {
                let one = ranges_held(&points, &f, compare, &eligible, draws as usize);
                let all = ranges_held(&points, &f, compare, &eligible, usize::MAX);
                assert_eq!(one, all);
            }
        }
    }

    #[test]
    fn p_lowest_and_total_ranges_match_each_option_drawn_alone() {
        // Reference: every option's compared emissions over all draws,
        // regenerated option by option; per draw the lowest eligible option
        // (ties: fewer wall hours, then the first), and the exact
        // percentiles of each option's compared total.
        let (points, f, eligible) = grid_of_options(3_001);
        let n = f.draws;
        let compare = Compare::Total;
        let r = ranges_among(&points, &f, compare, &eligible);
        let mut buffers = (DeviceDraws::new(n, true), SiteDraws::new(n), vec![0.0; n]);
        let mut best = vec![(f64::INFINITY, f64::INFINITY, usize::MAX); n];
        for (i, p) in points.iter().enumerate() {
            p.compared_draws(&f, compare, 0, &mut buffers);
            assert_eq!(r[i].compared_kg, percentiles(&mut buffers.2.clone()));
            if eligible[i] {
                for (d, b) in best.iter_mut().enumerate() {
                    let bid = (buffers.2[d], p.hours(buffers.0.time[d]), i);
                    *b = super::super::lowest::better(*b, bid);
                }
            }
        }
        for (i, o) in r.iter().enumerate() {
            let wins = best.iter().filter(|b| b.2 == i).count();
            assert_eq!(o.p_lowest, wins as f64 / n as f64, "option {i}");
            assert!(eligible[i] || o.p_lowest == 0.0);
        }
        // Every draw has one winner.
        let sum: f64 = r.iter().map(|o| o.p_lowest).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{sum}");
    }
}
