//! What a finding compares against: the scenario's `[baseline]` strategy,
//! device or site where it names one, else the median candidate.

use crate::plan::Plan;

/// Which part of an option a comparison varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The strategy.
    Strategy,
    /// The device.
    Device,
    /// The site.
    Site,
}

impl Part {
    fn noun(self) -> &'static str {
        match self {
            Part::Strategy => "strategy",
            Part::Device => "device",
            Part::Site => "site",
        }
    }
}

/// Among `members` (options differing only in `part`), the one of the
/// baseline, with "the baseline device"; `None` without a baseline for
/// `part`, or when no member has it (then the median candidate stands in).
pub fn pick(plan: &Plan, members: &[usize], part: Part) -> Option<(usize, String)> {
    let b = &plan.scenario.baseline;
    let wanted = match part {
        Part::Strategy => b.strategy,
        Part::Device => b.hardware,
        Part::Site => b.site,
    }?;
    members
        .iter()
        .copied()
        .find(|&i| {
            let e = &plan.options[i].eval;
            wanted
                == match part {
                    Part::Strategy => e.strategy,
                    Part::Device => e.hardware,
                    Part::Site => e.site,
                }
        })
        .map(|i| (i, format!("the baseline {}", part.noun())))
}

/// The compared option: the baseline's, else `median` with "the median
/// candidate device" (or site, strategy).
pub fn or_median(
    plan: &Plan,
    members: &[usize],
    part: Part,
    median: Option<usize>,
) -> Option<(usize, String)> {
    pick(plan, members, part)
        .or_else(|| median.map(|i| (i, format!("the median candidate {}", part.noun()))))
}
