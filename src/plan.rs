//! A plan: every option of a scenario evaluated, ranked and summarised.
//!
//! This is what `co2sweep plan` computes and every report renders. Options
//! keep the fixed order strategy → hardware → site; ranks and marks are
//! computed from that order alone, so a plan is the same on any number of
//! threads.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::pareto::{self, Point};
use crate::scenario::Scenario;
use crate::space::Strategy;
use crate::sweep::{self, Evaluated, StrategyTotals};
use crate::uncertainty::Analysis;

mod objectives;

/// What the ranking minimises besides time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    /// Operational emissions: energy × grid intensity (the calculator's figure).
    #[default]
    Operational,
    /// Operational plus embodied emissions.
    Total,
}

/// One ranked option.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// The evaluated figures.
    pub eval: Evaluated,
    /// Pareto rank among all options (1 = the front).
    pub pareto_rank: u32,
    /// Pareto rank among the options of the same strategy.
    pub strategy_rank: u32,
}

/// The three marked options of a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Marks {
    /// Index of the option with the lowest emissions (ties: the faster, then the first).
    pub lowest: usize,
    /// Index of the fastest option (ties: the lower emissions, then the first).
    pub fastest: usize,
    /// Index of the knee of the front (see [`pareto::knee`]); only on
    /// fronts of three points or more (two points have no knee: any choice
    /// would be a tie broken arbitrarily).
    pub knee: Option<usize>,
}

/// A whole plan.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The scenario.
    pub scenario: Scenario,
    /// The ranking metric.
    pub metric: Metric,
    /// Per strategy, in the scenario's order.
    pub totals: Vec<StrategyTotals>,
    /// Every option.
    pub options: Vec<Ranked>,
    /// Marks over all options.
    pub overall: Marks,
    /// Marks within each strategy, in the scenario's order.
    pub per_strategy: Vec<Marks>,
    /// The objectives of the Pareto ranks (default time and emissions).
    pub objectives: Vec<crate::front::Objective>,
    /// Ranges of every option's figures and the probability of each ranking.
    pub uncertainty: Analysis,
}

impl Plan {
    /// Evaluate and rank every option of a scenario.
    ///
    /// Options of strategies below the quality target are ranked after all
    /// others (never on the front) and never marked overall, unless no
    /// strategy meets the target. Ties are broken by (emissions, time), then
    /// by the option's names, never by input order.
    pub fn build(scenario: Scenario, metric: Metric) -> Result<Plan> {
        Plan::build_with(scenario, metric, &crate::front::DEFAULT)
    }

    /// [`Plan::build`] with the Pareto ranks taken over `objectives`
    /// (marks stay on time and the metric's emissions).
    pub fn build_with(
        scenario: Scenario,
        metric: Metric,
        objectives: &[crate::front::Objective],
    ) -> Result<Plan> {
        Plan::build_reporting(scenario, metric, objectives, &|_, _, _| {})
    }

    /// [`Plan::build_with`], telling `progress` how far the evaluation of
    /// each strategy's trials has got (see [`sweep::Progress`]).
    pub fn build_reporting(
        scenario: Scenario,
        metric: Metric,
        objectives: &[crate::front::Objective],
        progress: sweep::Progress,
    ) -> Result<Plan> {
        let totals = scenario
            .strategies
            .iter()
            .map(|s| sweep::totals_with(&scenario, s, progress))
            .collect::<Result<Vec<_>>>()?;
        let evaluated = sweep::options(&scenario, &totals)?;
        if let Some(e) = evaluated.iter().find(|e| {
            ![
                e.device_hours,
                e.wall_hours,
                e.energy_kwh,
                e.emissions_kg,
                e.embodied_kg,
                e.offset_kg,
            ]
            .iter()
            .all(|x| x.is_finite())
        }) {
            return Err(overflow(&scenario, totals[e.strategy].strategy.name(), e));
        }
        let points: Vec<Point> = evaluated.iter().map(|e| point(e, metric)).collect();
        let coords = objectives::coordinates(&evaluated, &totals, metric, objectives);
        let names: Vec<String> = evaluated
            .iter()
            .map(|e| tie_name(&scenario, &totals, e))
            .collect();
        let any_meets = totals.iter().any(|t| !t.below_target);
        let eligible: Vec<bool> = evaluated
            .iter()
            .map(|e| !any_meets || !totals[e.strategy].below_target)
            .collect();
        let overall_ranks = tiered_ranks(&coords, &eligible);
        let mut strategy_ranks = vec![0u32; evaluated.len()];
        let mut per_strategy = Vec::with_capacity(totals.len());
        for s in 0..totals.len() {
            let members: Vec<usize> = (0..evaluated.len())
                .filter(|&i| evaluated[i].strategy == s)
                .collect();
            let sub: Vec<Vec<f64>> = members.iter().map(|&i| coords[i].clone()).collect();
            for (&i, r) in members.iter().zip(crate::front::ranks(&sub)) {
                strategy_ranks[i] = r;
            }
            per_strategy.push(marks(&points, &names, &members, &strategy_ranks));
        }
        let all: Vec<usize> = (0..evaluated.len()).filter(|&i| eligible[i]).collect();
        let overall = marks(&points, &names, &all, &overall_ranks);
        let uncertainty = Analysis::among(&scenario, &evaluated, metric, &eligible);
        let options = evaluated
            .into_iter()
            .zip(overall_ranks)
            .zip(strategy_ranks)
            .map(|((eval, pareto_rank), strategy_rank)| Ranked {
                eval,
                pareto_rank,
                strategy_rank,
            })
            .collect();
        Ok(Plan {
            scenario,
            metric,
            totals,
            options,
            overall,
            per_strategy,
            objectives: objectives.to_vec(),
            uncertainty,
        })
    }

    /// The strategy of an option.
    pub fn strategy(&self, o: &Ranked) -> &Strategy {
        &self.totals[o.eval.strategy].strategy
    }

    /// Indices of the overall front, fastest first.
    pub fn front(&self) -> Vec<usize> {
        let mut front: Vec<usize> = (0..self.options.len())
            .filter(|&i| self.options[i].pareto_rank == 1)
            .collect();
        front.sort_by(|&a, &b| {
            let (p, q) = (&self.options[a].eval, &self.options[b].eval);
            let (mp, mq) = (point(p, self.metric), point(q, self.metric));
            mp.x.total_cmp(&mq.x)
                .then(mp.y.total_cmp(&mq.y))
                .then(a.cmp(&b))
        });
        front
    }

    /// The figure the ranking minimises for an option, kg CO2eq.
    pub fn metric_kg(&self, o: &Ranked) -> f64 {
        point(&o.eval, self.metric).y
    }
}

/// An option whose figures overflow, blamed on the input each figure
/// multiplies in: device-hours on the work formula (at its line), energy
/// on the device's power, emissions on the grid's intensity, embodied
/// emissions on `[embodied]`.
fn overflow(scenario: &Scenario, strategy: &str, e: &Evaluated) -> crate::Error {
    let (figure, value, cause) = if !(e.device_hours.is_finite() && e.wall_hours.is_finite()) {
        let (line, column) = scenario.work_at;
        let key = scenario.cost.work_key();
        let at = format!("`{key}` at line {line}, column {column} is far too large");
        ("device-hours", e.device_hours, at)
    } else if !e.energy_kwh.is_finite() {
        let power = "the device's power (its TDP, or the pilot run's) is far too large".to_string();
        ("energy", e.energy_kwh, power)
    } else if !(e.emissions_kg.is_finite() && e.offset_kg.is_finite()) {
        let grid = "the grid's carbon intensity is far too large".to_string();
        ("emissions", e.emissions_kg, grid)
    } else {
        let lifecycle =
            "the lifecycle figures ([embodied], or the catalog's) are far too large".to_string();
        ("embodied emissions", e.embodied_kg, lifecycle)
    };
    crate::Error::input(format!(
        "{}: {strategy} on {} at {}: the {figure} overflow ({value}); {cause}",
        scenario.path.display(),
        scenario.hardware[e.hardware].name,
        scenario.sites[e.site].key(),
    ))
}

fn point(e: &Evaluated, metric: Metric) -> Point {
    match metric {
        Metric::Operational => Point {
            x: e.wall_hours,
            y: e.emissions_kg,
        },
        Metric::Total => Point {
            x: e.wall_hours,
            y: e.emissions_kg + e.embodied_kg,
        },
    }
}

/// Pareto ranks with the ineligible points ranked after every eligible
/// one: eligible points get their rank among themselves, the others the
/// eligible maximum plus their rank among themselves.
fn tiered_ranks(coords: &[Vec<f64>], eligible: &[bool]) -> Vec<u32> {
    let split =
        |want: bool| -> Vec<usize> { (0..coords.len()).filter(|&i| eligible[i] == want).collect() };
    let (good, bad) = (split(true), split(false));
    let mut out = vec![0u32; coords.len()];
    let good_ranks =
        crate::front::ranks(&good.iter().map(|&i| coords[i].clone()).collect::<Vec<_>>());
    let offset = good_ranks.iter().copied().max().unwrap_or(0);
    for (&i, r) in good.iter().zip(good_ranks) {
        out[i] = r;
    }
    let bad_ranks =
        crate::front::ranks(&bad.iter().map(|&i| coords[i].clone()).collect::<Vec<_>>());
    for (&i, r) in bad.iter().zip(bad_ranks) {
        out[i] = offset + r;
    }
    out
}

/// The name that breaks exact ties: strategy, device, provider:region,
/// and the wait before starting.
fn tie_name(scenario: &Scenario, totals: &[StrategyTotals], e: &Evaluated) -> String {
    let site = &scenario.sites[e.site];
    format!(
        "{}|{}|{}:{}|{:020.6}",
        totals[e.strategy].strategy.name(),
        scenario.hardware[e.hardware].name,
        site.provider,
        site.region,
        e.wait_hours
    )
}

/// Lowest, fastest and knee among `members` (indices into `points`),
/// using `ranks` to find their front. Ties: (emissions, time), then the
/// option's name, never the input order. `members` must not be empty.
fn marks(points: &[Point], names: &[String], members: &[usize], ranks: &[u32]) -> Marks {
    let by = |f: fn(&Point) -> (f64, f64)| {
        *members
            .iter()
            .min_by(|&&a, &&b| {
                let (pa, pb) = (f(&points[a]), f(&points[b]));
                pa.0.total_cmp(&pb.0)
                    .then(pa.1.total_cmp(&pb.1))
                    .then(names[a].cmp(&names[b]))
                    .then(a.cmp(&b))
            })
            .expect("a strategy has options")
    };
    let lowest = by(|p| (p.y, p.x));
    let fastest = by(|p| (p.x, p.y));
    // The front, each distinct point once (its first by name), by (emissions, time, name).
    let mut front: Vec<usize> = members.iter().copied().filter(|&i| ranks[i] == 1).collect();
    front.sort_by(|&a, &b| {
        let (pa, pb) = (points[a], points[b]);
        pa.y.total_cmp(&pb.y)
            .then(pa.x.total_cmp(&pb.x))
            .then(names[a].cmp(&names[b]))
            .then(a.cmp(&b))
    });
    front.dedup_by(|a, b| points[*a] == points[*b]);
    let knee = if front.len() >= 3 {
        let front_points: Vec<Point> = front.iter().map(|&i| points[i]).collect();
        pareto::knee(&front_points).map(|k| front[k])
    } else {
        None
    };
    Marks {
        lowest,
        fastest,
        knee,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{prop_assert_eq, proptest};

    fn marked(points: &[Point], names: &[String]) -> (String, String, Option<String>) {
        let all: Vec<usize> = (0..points.len()).collect();
        let ranks = pareto::ranks(points);
        let m = marks(points, names, &all, &ranks);
        (
            names[m.lowest].clone(),
            names[m.fastest].clone(),
            m.knee.map(|k| names[k].clone()),
        )
    }

    #[test]
    fn two_point_fronts_have_no_knee() {
        let p = |x, y| Point { x, y };
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        // (1, 10) and (10, 1) are the front, (10, 10) is dominated: no knee.
        let (lowest, fastest, knee) = marked(&[p(1.0, 10.0), p(10.0, 1.0), p(10.0, 10.0)], &names);
        assert_eq!((lowest.as_str(), fastest.as_str(), knee), ("b", "a", None));
        // A third front point (3, 3) is the knee: log-scaled (0.48, 0.48)
        // against (0, 1) and (1, 0).
        let (_, _, knee) = marked(&[p(1.0, 10.0), p(10.0, 1.0), p(3.0, 3.0)], &names);
        assert_eq!(knee.as_deref(), Some("c"));
    }

    #[test]
    fn tiers_rank_ineligible_points_after_the_rest() {
        let p = |x: f64, y: f64| vec![x, y];
        // The ineligible (1, 1) dominates everything but ranks after (5, 5) and (6, 6).
        let r = tiered_ranks(
            &[p(1.0, 1.0), p(5.0, 5.0), p(6.0, 6.0)],
            &[false, true, true],
        );
        assert_eq!(r, vec![3, 1, 2]);
    }

    proptest! {
        #[test]
        fn permuting_options_changes_no_mark(
            pts in proptest::collection::vec((0u8..6, 0u8..6), 1..30),
            rotate in 0usize..30,
        ) {
            // Coarse values make ties common; names identify options.
            let points: Vec<Point> = pts.iter().map(|&(x, y)| Point { x: f64::from(x), y: f64::from(y) }).collect();
            let names: Vec<String> = (0..points.len()).map(|i| format!("option {i:02}")).collect();
            let before = marked(&points, &names);
            let mut order: Vec<usize> = (0..points.len()).collect();
            order.rotate_left(rotate % points.len());
            order.reverse();
            let p2: Vec<Point> = order.iter().map(|&i| points[i]).collect();
            let n2: Vec<String> = order.iter().map(|&i| names[i].clone()).collect();
            prop_assert_eq!(before, marked(&p2, &n2));
        }
    }
}
