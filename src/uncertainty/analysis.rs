//! A plan's uncertainty: the model, the draws and every option's ranges,
//! kept together so reports can ask further questions of the same draws
//! (how often one option beats another, what drives an option's range).

use super::{sensitivity, Compare, Contribution, Factors, Model, Point, Ranges};
use crate::plan::Metric;
use crate::scenario::Scenario;
use crate::sweep::Evaluated;

/// The Monte Carlo run of one plan.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Every factor with its spread.
    pub model: Model,
    /// Every factor, whose draws are regenerated when asked for.
    pub factors: Factors,
    /// What each option contributes to the draws, in the plan's order.
    pub points: Vec<Point>,
    /// What "lowest" compares.
    pub compare: Compare,
    /// Every option's ranges, in the plan's order.
    pub ranges: Ranges,
}

impl Analysis {
    /// Draw a scenario's spreads over its evaluated options.
    pub fn new(scenario: &Scenario, options: &[Evaluated], metric: Metric) -> Analysis {
        Analysis::among(scenario, options, metric, &vec![true; options.len()])
    }

    /// [`Analysis::new`] with `p_lowest` taken among the `eligible` options.
    pub fn among(
        scenario: &Scenario,
        options: &[Evaluated],
        metric: Metric,
        eligible: &[bool],
    ) -> Analysis {
        let model = Model::new(scenario);
        let factors = Factors::new(&model);
        let compare = match metric {
            Metric::Operational => Compare::Operational,
            Metric::Total => Compare::Total,
        };
        let points: Vec<Point> = options.iter().map(point).collect();
        let ranges = super::quantiles::ranges_among(&points, &factors, compare, eligible);
        Analysis {
            model,
            factors,
            points,
            compare,
            ranges,
        }
    }

    /// Draws made (0: point figures only).
    pub fn draws(&self) -> usize {
        self.factors.draws
    }

    /// Share of draws in which option `a` emits less than option `b`.
    pub fn p_less(&self, a: usize, b: usize) -> f64 {
        super::p_less(&self.points, &self.factors, self.compare, a, b)
    }

    /// What drives option `i`'s range, widest first.
    pub fn sensitivity(&self, i: usize) -> Vec<Contribution> {
        sensitivity::contributions(&self.points[i], &self.factors, self.compare)
    }
}

/// An evaluated option as the draws see it.
fn point(e: &Evaluated) -> Point {
    Point {
        hardware: e.hardware,
        site: e.site,
        emissions_kg: e.emissions_kg,
        energy_kwh: e.energy_kwh,
        wall_hours: e.wall_hours,
        run_hours: e.wall_hours - e.wait_hours,
        embodied_kg: e.embodied_kg,
        cost_usd: e.cost_usd,
    }
}
