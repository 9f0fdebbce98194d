//! The findings of a plan: what to change to cut emissions (site,
//! hardware, strategy, start time), as sentences computed from the
//! results, each with how likely it holds under the input spreads.

use crate::plan::{Plan, Ranked};
use crate::report::baseline::{self, Part};
use crate::report::summary::{quality_text, OptionRow};
use crate::report::{duration, mass, num, pct, ranges, thousands};

/// The findings: what to change to cut emissions, computed from the plan.
pub fn findings(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    let row = |i: usize| OptionRow::of(plan, i);

    strategy_findings(plan, &mut out);

    // Sites and hardware, around the overall lowest option.
    let best_i = plan.overall.lowest;
    let best = row(best_i);
    median_findings(plan, best_i, &best, &mut out);
    if let Some(p) = best.p_lowest.filter(|_| plan.uncertainty.draws() > 0) {
        out.push(format!(
            "{} search on {} ({}) is the lowest-emission option{}.",
            best.strategy,
            best.label(),
            ranges::mass(
                best.metric_kg(),
                Some(plan.uncertainty.ranges[best_i].compared_kg.p5),
                Some(plan.uncertainty.ranges[best_i].compared_kg.p95)
            ),
            ranges::in_draws(plan, p)
        ));
    }
    let fastest = row(plan.overall.fastest);
    if let Some(knee_i) = plan.overall.knee.filter(|&k| k != best_i) {
        let knee = row(knee_i);
        let fastest_too = if plan.overall.fastest == knee_i {
            " It is also the fastest option.".to_string()
        } else {
            format!(
                " The fastest ({} search on {}) takes {} and emits {}.",
                fastest.strategy,
                fastest.label(),
                duration(fastest.wall_hours),
                mass(fastest.metric_kg())
            )
        };
        out.push(format!(
            "The balanced option, {} search on {}, finishes in {} instead of {} for {} CO2eq instead of {}.{fastest_too}",
            knee.strategy,
            knee.label(),
            duration(knee.wall_hours),
            duration(best.wall_hours),
            mass(knee.metric_kg()),
            mass(best.metric_kg()),
        ));
    }
    if best.offset_kg > 0.0 {
        out.push(format!(
            "The provider offsets or matches {} of the lowest option's {} CO2eq of operational emissions; offsets are shown, not subtracted: avoided emissions beat offset ones.",
            mass(best.offset_kg),
            mass(best.emissions_kg)
        ));
    }
    out
}

/// The lowest option against the median candidate site (same strategy and
/// hardware) and the median candidate device (same strategy and site).
fn median_findings(plan: &Plan, best_i: usize, best: &OptionRow, out: &mut Vec<String>) {
    let row = |i: usize| OptionRow::of(plan, i);
    let e = &plan.options[best_i].eval;
    let same = |f: &dyn Fn(&Ranked) -> bool| -> Vec<usize> {
        (0..plan.options.len())
            .filter(|&i| f(&plan.options[i]))
            .collect()
    };
    let by_site = same(&|o| o.eval.strategy == e.strategy && o.eval.hardware == e.hardware);
    let site = baseline::or_median(plan, &by_site, Part::Site, median(plan, &by_site));
    if let Some((dirtiest, what)) = site {
        let d = row(dirtiest);
        if dirtiest != best_i && d.metric_kg() > best.metric_kg() {
            out.push(format!(
                "Running in {}:{} instead of {}:{} ({what}) cuts emissions by a further {} ({} vs {} g CO2eq/kWh, PUE {} vs {}){}.",
                best.provider,
                best.region,
                d.provider,
                d.region,
                pct(saving(d.metric_kg(), best.metric_kg())),
                num(best.intensity_g_per_kwh),
                num(d.intensity_g_per_kwh),
                num(best.pue),
                num(d.pue),
                likely(plan, "less", ranges::p_less(plan, best_i, dirtiest)),
            ));
        }
    }
    let by_hw = same(&|o| o.eval.strategy == e.strategy && o.eval.site == e.site);
    let device = baseline::or_median(plan, &by_hw, Part::Device, median(plan, &by_hw));
    if let Some((worst, what)) = device {
        let w = row(worst);
        if worst != best_i && w.metric_kg() > best.metric_kg() {
            out.push(format!(
                "Running on {} emits {} less than on {} ({what}) in the same region{}, and takes {} instead of {} of wall-clock time.",
                best.hardware,
                pct(saving(w.metric_kg(), best.metric_kg())),
                w.hardware,
                likely(plan, "less", ranges::p_less(plan, best_i, worst)),
                duration(best.wall_hours),
                duration(w.wall_hours)
            ));
        }
    }
}

/// The option at the median of `members` by the ranked metric (the upper
/// median; ties by index).
fn median(plan: &Plan, members: &[usize]) -> Option<usize> {
    let mut sorted = members.to_vec();
    sorted.sort_by(|&a, &b| {
        plan.metric_kg(&plan.options[a])
            .total_cmp(&plan.metric_kg(&plan.options[b]))
            .then(a.cmp(&b))
    });
    sorted.get(sorted.len() / 2).copied()
}

/// Strategy findings, each strategy at its lowest-emission option: the best
/// strategy meeting the quality target against the median one meeting it,
/// and every cheaper strategy below the target with the quality it reaches.
fn strategy_findings(plan: &Plan, out: &mut Vec<String>) {
    if plan.totals.len() < 2 {
        return;
    }
    let q = pct(plan.scenario.top_fraction * 100.0);
    let target = pct(plan.scenario.model.quality_target * 100.0);
    let lowest: Vec<(usize, OptionRow)> = plan
        .per_strategy
        .iter()
        .map(|m| (m.lowest, OptionRow::of(plan, m.lowest)))
        .collect();
    let mut meeting: Vec<&(usize, OptionRow)> =
        lowest.iter().filter(|(_, r)| !r.below_target).collect();
    meeting.sort_by(|(_, a), (_, b)| {
        a.metric_kg()
            .total_cmp(&b.metric_kg())
            .then(a.strategy.cmp(&b.strategy))
    });
    let describe = |r: &OptionRow| {
        format!(
            "{} search ({} trials, {} chance of a top-{q} trial)",
            r.strategy,
            thousands(r.trials as f64),
            quality_text(
                r.quality,
                r.quality_low,
                r.quality_high,
                &r.quality_model,
                false
            )
        )
    };
    let compared = plan.scenario.baseline.strategy.map_or_else(
        || (meeting.len() >= 2).then(|| (meeting[meeting.len() / 2], "the median")),
        |s| Some((&lowest[s], "the baseline")),
    );
    if let (Some(&&(bi, ref b)), Some((&(mi, ref m), what))) = (meeting.first(), compared) {
        let other = plan.options[bi].eval.strategy != plan.options[mi].eval.strategy;
        if other && m.metric_kg() > b.metric_kg() {
            out.push(format!(
                "Among strategies meeting the {target} quality target, {} emits {} less than {} ({what}), each at its best option{}.",
                describe(b),
                pct(saving(m.metric_kg(), b.metric_kg())),
                describe(m),
                likely(plan, "less", ranges::p_less(plan, bi, mi)),
            ));
        }
    }
    let Some((_, best)) = meeting.first() else {
        out.push(format!(
            "No strategy reaches the {target} quality target; marks and the front compare all of them."
        ));
        return;
    };
    for (_, r) in lowest
        .iter()
        .filter(|(_, r)| r.below_target && r.metric_kg() < best.metric_kg())
    {
        out.push(format!(
            "{} search emits {} less than {} but reaches only {} ({}; target {target}), so it is listed apart and not ranked.",
            r.strategy,
            pct(saving(best.metric_kg(), r.metric_kg())),
            describe(best),
            pct(r.quality * 100.0),
            r.quality_model,
        ));
    }
}

/// "; it emits less in 97 % of 10,000 draws" (empty without draws).
fn likely(plan: &Plan, verb: &str, p: f64) -> String {
    let n = ranges::in_draws(plan, p);
    if n.is_empty() {
        n
    } else {
        format!("; it emits {verb}{n}")
    }
}

fn saving(from: f64, to: f64) -> f64 {
    crate::estimate::saving_pct(from, to)
}
