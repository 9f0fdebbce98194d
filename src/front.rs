//! The objectives of the Pareto ranking: any two or three of time,
//! emissions, cost and quality.
//!
//! Time, emissions (operational, or total with the total metric) and cost
//! are minimised; quality (the strategy's probability of a top-q trial) is
//! maximised. An option without a known price counts as infinitely
//! expensive, so it is on a cost front only when nothing priced beats it on
//! the other objectives. Two objectives rank in O(n log n) (see
//! [`crate::pareto`]); three by repeated peeling of the non-dominated set,
//! O(n² × fronts).

use serde::Serialize;

use crate::pareto::{self, Point};

/// One ranking objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Objective {
    /// Hours to result (minimised).
    Time,
    /// The metric's emissions (minimised).
    Emissions,
    /// On-demand cost, USD (minimised).
    Cost,
    /// The strategy's quality (maximised).
    Quality,
}

impl Objective {
    /// The name as users write it.
    pub fn name(self) -> &'static str {
        match self {
            Objective::Time => "time",
            Objective::Emissions => "emissions",
            Objective::Cost => "cost",
            Objective::Quality => "quality",
        }
    }
}

/// The default objectives: time and emissions.
pub const DEFAULT: [Objective; 2] = [Objective::Time, Objective::Emissions];

/// Parse `time,emissions,cost`: two or three distinct objectives.
pub fn parse(text: &str) -> Result<Vec<Objective>, String> {
    let all = [
        Objective::Time,
        Objective::Emissions,
        Objective::Cost,
        Objective::Quality,
    ];
    let mut out = Vec::new();
    for word in text.split(',').map(str::trim) {
        let o = all.iter().find(|o| o.name() == word).ok_or_else(|| {
            format!(
                "unknown objective '{word}'; choose two or three of time, emissions, cost, quality"
            )
        })?;
        if out.contains(o) {
            return Err(format!("objective '{word}' is given twice"));
        }
        out.push(*o);
    }
    if !(2..=3).contains(&out.len()) {
        return Err(format!(
            "the front needs two or three objectives, not {}",
            out.len()
        ));
    }
    Ok(out)
}

/// Pareto ranks (1 = front) of points given as minimised coordinates.
pub fn ranks(points: &[Vec<f64>]) -> Vec<u32> {
    if points.first().is_some_and(|p| p.len() == 2) {
        let flat: Vec<Point> = points.iter().map(|p| Point { x: p[0], y: p[1] }).collect();
        return pareto::ranks(&flat);
    }
    let dominates = |a: &[f64], b: &[f64]| {
        a.iter().zip(b).all(|(x, y)| x <= y) && a.iter().zip(b).any(|(x, y)| x < y)
    };
    let mut rank = vec![0u32; points.len()];
    let mut left: Vec<usize> = (0..points.len()).collect();
    let mut r = 0;
    while !left.is_empty() {
        r += 1;
        let front: Vec<usize> = left
            .iter()
            .copied()
            .filter(|&i| !left.iter().any(|&j| dominates(&points[j], &points[i])))
            .collect();
        for &i in &front {
            rank[i] = r;
        }
        left.retain(|i| rank[*i] == 0);
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_two_or_three() {
        assert_eq!(
            parse("time,cost").unwrap(),
            vec![Objective::Time, Objective::Cost]
        );
        assert!(parse("time").unwrap_err().contains("two or three"));
        assert!(parse("time,time").unwrap_err().contains("twice"));
        assert!(parse("time,money")
            .unwrap_err()
            .contains("unknown objective 'money'"));
    }

    #[test]
    fn three_objective_ranks_by_hand() {
        // a = (1, 1, 9) and b = (2, 2, 1) trade off; c = (2, 2, 9) is dominated by a and b;
        // d = (3, 3, 10) is dominated by c as well: ranks 1, 1, 2, 3.
        let p = vec![
            vec![1.0, 1.0, 9.0],
            vec![2.0, 2.0, 1.0],
            vec![2.0, 2.0, 9.0],
            vec![3.0, 3.0, 10.0],
        ];
        assert_eq!(ranks(&p), vec![1, 1, 2, 3]);
    }
}
