//! Each option's coordinates on the ranking objectives, all minimised
//! (quality negated, an unknown cost infinite).

use crate::front::Objective;
use crate::sweep::{Evaluated, StrategyTotals};

use super::{point, Metric};

/// One coordinate vector per option, in option order.
pub(super) fn coordinates(
    evaluated: &[Evaluated],
    totals: &[StrategyTotals],
    metric: Metric,
    objectives: &[Objective],
) -> Vec<Vec<f64>> {
    evaluated
        .iter()
        .map(|e| {
            objectives
                .iter()
                .map(|o| match o {
                    Objective::Time => point(e, metric).x,
                    Objective::Emissions => point(e, metric).y,
                    Objective::Cost => e.cost_usd.unwrap_or(f64::INFINITY),
                    Objective::Quality => -totals[e.strategy].quality,
                })
                .collect()
        })
        .collect()
}
