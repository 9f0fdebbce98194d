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
    /// Index of the knee of the front (see [`pareto::knee`]).
    pub knee: usize,
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
}

impl Plan {
    /// Evaluate and rank every option of a scenario.
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
        let totals = scenario
            .strategies
            .iter()
            .map(|s| sweep::totals(&scenario, s))
            .collect::<Result<Vec<_>>>()?;
        let evaluated = sweep::options(&scenario, &totals)?;
        let points: Vec<Point> = evaluated.iter().map(|e| point(e, metric)).collect();
        let coords = crate::plan::objectives::coordinates(&evaluated, &totals, metric, objectives);
        let overall_ranks = crate::front::ranks(&coords);
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
            per_strategy.push(marks(&points, &members, &strategy_ranks));
        }
        let all: Vec<usize> = (0..evaluated.len()).collect();
        let overall = marks(&points, &all, &overall_ranks);
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

/// Lowest, fastest and knee among `members` (indices into `points`),
/// using `ranks` to find their front. `members` must not be empty.
fn marks(points: &[Point], members: &[usize], ranks: &[u32]) -> Marks {
    let by = |f: fn(&Point) -> (f64, f64)| {
        *members
            .iter()
            .min_by(|&&a, &&b| {
                let (pa, pb) = (f(&points[a]), f(&points[b]));
                pa.0.total_cmp(&pb.0)
                    .then(pa.1.total_cmp(&pb.1))
                    .then(a.cmp(&b))
            })
            .expect("a strategy has options")
    };
    let lowest = by(|p| (p.y, p.x));
    let fastest = by(|p| (p.x, p.y));
    let front: Vec<usize> = members.iter().copied().filter(|&i| ranks[i] == 1).collect();
    let front_points: Vec<Point> = front.iter().map(|&i| points[i]).collect();
    let knee = pareto::knee(&front_points).map_or(lowest, |k| front[k]);
    Marks {
        lowest,
        fastest,
        knee,
    }
}
