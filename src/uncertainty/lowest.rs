//! The lowest option of every draw, counted per option (`p_lowest`).
//!
//! Draws are taken in blocks of [`BLOCK`]; blocks run in parallel. A block
//! regenerates the draws of every factor the eligible options use (per
//! device T × S_h, × U_h, × E_h; per zone I_z; per site P_r × I_z), finds each draw's
//! lowest option and adds one win to it. Each draw's winner depends only
//! on that draw, and wins are whole numbers added up, so the counts are the
//! same on any thread count and in any grouping of blocks. Memory: per
//! task in flight, one block of every used factor and one count per
//! option, whatever the number of draws.
//!
//! Ties in a draw go as the plan's "lowest" mark does: lower emissions,
//! then fewer wall hours, then the first option.

use rayon::prelude::*;

use super::{Compare, DeviceDraws, Factors, Point, SiteDraws, BLOCK};

/// Per draw, the lowest option so far: (emissions, wall hours, index).
pub(crate) type Best = (f64, f64, usize);

/// The lower of two bids under a total order (emissions, hours, index).
pub(crate) fn better(a: Best, b: Best) -> Best {
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

/// One block's draws of every used device and site (unused ones stay
/// empty).
struct Block {
    devices: Vec<DeviceDraws>,
    zones: Vec<Vec<f64>>,
    sites: Vec<SiteDraws>,
    best: Vec<Best>,
    wins: Vec<u64>,
}

/// Per option, the number of draws (of `factors.draws`) in which it is the
/// lowest of the `eligible` options on the compared emissions.
pub fn wins(points: &[Point], factors: &Factors, compare: Compare, eligible: &[bool]) -> Vec<u64> {
    let n = factors.draws;
    let mut devices = vec![false; factors.devices()];
    let mut sites = vec![false; factors.sites()];
    let mut zones = vec![false; factors.zones()];
    for (p, _) in points.iter().zip(eligible).filter(|(_, &e)| e) {
        devices[p.hardware] = true;
        sites[p.site] = true;
        zones[factors.zone_of(p.site)] = true;
    }
    let total = compare == Compare::Total;
    let new = || Block {
        devices: devices
            .iter()
            .map(|&u| DeviceDraws::new(if u { BLOCK } else { 0 }, total))
            .collect(),
        zones: zones
            .iter()
            .map(|&u| vec![0.0; if u { BLOCK } else { 0 }])
            .collect(),
        sites: sites
            .iter()
            .map(|&u| SiteDraws::new(if u { BLOCK } else { 0 }))
            .collect(),
        best: Vec::with_capacity(BLOCK),
        wins: vec![0; points.len()],
    };
    (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .fold(new, |mut b, k| {
            block(&mut b, points, factors, compare, eligible, k * BLOCK);
            b
        })
        .map(|b| b.wins)
        .reduce(
            || vec![0; points.len()],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        )
}

/// Count the winners of draws `start..start + BLOCK` (or to the last draw).
fn block(
    b: &mut Block,
    points: &[Point],
    factors: &Factors,
    compare: Compare,
    eligible: &[bool],
    start: usize,
) {
    let len = BLOCK.min(factors.draws - start);
    for (h, dev) in b.devices.iter_mut().enumerate() {
        if !dev.time.is_empty() {
            factors.device(h, start, len, dev);
        }
    }
    for (z, intensity) in b.zones.iter_mut().enumerate() {
        if !intensity.is_empty() {
            factors.fill(factors.zone(z), start, &mut intensity[..len]);
        }
    }
    for (r, site) in b.sites.iter_mut().enumerate() {
        if !site.carbon.is_empty() {
            let intensity = &b.zones[factors.zone_of(r)][..len];
            factors.site_in_zone(r, start, intensity, site);
        }
    }
    b.best.clear();
    b.best
        .resize(len, (f64::INFINITY, f64::INFINITY, usize::MAX));
    for (i, p) in points.iter().enumerate().filter(|&(i, _)| eligible[i]) {
        let dev = &b.devices[p.hardware];
        let carbon = &b.sites[p.site].carbon;
        let embodied = dev.embodied_or_energy();
        for (d, best) in b.best.iter_mut().enumerate() {
            let m = p.compared(dev.energy[d], carbon[d], embodied[d], compare);
            // Wall hours only break ties, so they are computed only then.
            if m <= best.0 {
                *best = better(*best, (m, p.hours(dev.time[d]), i));
            }
        }
    }
    for best in b.best.iter().filter(|w| w.2 < points.len()) {
        b.wins[best.2] += 1;
    }
}
