//! One chunk of trials evaluated: its distinct costs in order of first
//! appearance, and one local code per trial.
//!
//! Three ways to get a trial's cost, all giving the same codes:
//! - any job set: draw every parameter, evaluate the formulas (plain
//!   trials, which neither resume nor stop early, over batches of
//!   [`BATCH`]);
//! - plain random search: draw only the parameters the formulas read
//!   ([`Subset::draw`]);
//! - plain random search whose formulas read only discrete parameters, with
//!   at most [`MEMO_COMBINATIONS`] level combinations:
//!   number each trial's level combination from its random words
//!   ([`Subset::combination`]) and evaluate the formulas once per
//!   combination met in the chunk; or, when the combinations are few next
//!   to the trials ([`table`]), once per combination for all chunks.
//!
//! A failing trial is reported by index; within a chunk it is the first
//! trial with the failing values, as a plain loop would find it.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::Range;

use super::hash::{key, Mix, Table};
use crate::cost::{Cost, TrialError};
use crate::formula::batch::{write_row, BATCH};
use crate::scenario::Scenario;
use crate::space::subset::{Subset, DENSE_COMBINATIONS, LANES};
use crate::space::{JobSet, TrialInfo};
use rayon::prelude::*;

/// Most distinct costs a chunk's table has room for from the start.
const PRESIZED: u64 = 1 << 12;

/// Most level combinations evaluated once per chunk through a memo; with
/// more, few trials of a chunk share one, and each trial is evaluated.
const MEMO_COMBINATIONS: u64 = 1 << 22;

/// One chunk: its distinct costs (with the first trial of each) and a
/// local code per trial; or, once the tally keeps no distinct costs, every
/// trial's cost in index order.
pub struct Chunk {
    pub costs: Vec<(Cost, u64)>,
    pub codes: Vec<u32>,
    /// Every trial's cost, when equal costs are not numbered (`costs` and
    /// `codes` then stay empty).
    pub trials: Vec<Cost>,
    dedupe: bool,
    /// The local code of each cost met (numbering only).
    local: Table,
}

/// What a failed chunk reports: its first failing trial.
pub type ChunkResult = Result<Chunk, (u64, TrialError)>;

impl Chunk {
    /// An empty chunk for `n` trials; `dedupe` numbers equal costs once,
    /// else every trial's cost is listed.
    pub(super) fn with_capacity(n: usize, dedupe: bool) -> Chunk {
        Chunk {
            costs: Vec::new(),
            codes: Vec::new(),
            trials: Vec::new(),
            dedupe,
            local: Table::default(),
        }
        .emptied(n, dedupe)
    }

    /// This chunk emptied for `n` other trials (see
    /// [`Chunk::with_capacity`]), keeping the memory the new trials need
    /// and freeing the rest: a chunk handed back by the fold is evaluated
    /// again without allocating (with two threads, memory freed by one
    /// thread and taken again by the other cost 5 % of the CPU in
    /// `madvise` and page faults).
    pub(super) fn emptied(mut self, n: usize, dedupe: bool) -> Chunk {
        self.costs.clear();
        self.codes.clear();
        self.trials.clear();
        self.local.clear();
        self.dedupe = dedupe;
        if dedupe {
            self.codes.reserve(n);
            self.trials = Vec::new();
        } else {
            self.trials.reserve(n);
            (self.costs, self.codes) = (Vec::new(), Vec::new());
            self.local = Table::default();
        }
        self
    }

    /// The chunk as handed to the fold: a local table that met more than
    /// [`PRESIZED`] costs (nearly every trial a new cost) is freed rather
    /// than kept while the chunk waits for the fold and beyond.
    fn finished(mut self) -> Chunk {
        if self.costs.len() > PRESIZED as usize {
            self.local = Table::default();
        }
        self
    }

    /// Does the chunk number equal costs (rather than list every trial's)?
    /// A chunk by level combination always does.
    pub(super) fn numbers(&self) -> bool {
        self.dedupe
    }

    /// Room for `n` distinct costs in the local table.
    fn presize(&mut self, n: usize) {
        self.local.reserve(n);
    }

    /// Add trial `i`, of cost `c`, after the chunk's earlier trials.
    #[inline]
    pub(super) fn push(&mut self, c: Cost, i: u64) {
        if self.dedupe {
            let code = self.code(c, i);
            self.codes.push(code);
        } else {
            self.trials.push(c);
        }
    }

    /// The local code of `c`, first met at trial `i`.
    fn code(&mut self, c: Cost, i: u64) -> u32 {
        let next = self.costs.len() as u32;
        let code = *self.local.entry(key(c)).or_insert(next);
        if code == next {
            self.costs.push((c, i));
        }
        code
    }
}

/// How a chunk gets its trials' costs.
#[derive(Clone, Copy)]
pub enum Path<'a> {
    /// Every parameter drawn, the formulas evaluated per trial.
    Trials(&'a JobSet<'a>),
    /// Plain random search: only the read parameters drawn.
    Subset(&'a Subset<'a>),
    /// Plain random search over discrete read parameters: each chunk
    /// evaluates the combinations it meets.
    Memo(&'a Subset<'a>),
    /// As `Memo`, with every combination's cost worked out once ([`table`]).
    Table(&'a Subset<'a>, &'a [Result<Cost, TrialError>]),
}

impl<'a> Path<'a> {
    /// Are chunks by this path always numbered (by level combination)?
    pub fn numbers(&self) -> bool {
        matches!(self, Path::Memo(_) | Path::Table(..))
    }

    /// The path for `set`, given its subset (plain random search) and the
    /// subset's combination table, if any.
    pub fn of(
        set: &'a JobSet<'a>,
        subset: Option<&'a Subset<'a>>,
        table: Option<&'a [Result<Cost, TrialError>]>,
    ) -> Path<'a> {
        match (subset, table) {
            (Some(s), Some(t)) => Path::Table(s, t),
            (Some(s), None) if s.combinations().is_some_and(|c| c <= MEMO_COMBINATIONS) => {
                Path::Memo(s)
            }
            (Some(s), None) => Path::Subset(s),
            (None, _) => Path::Trials(set),
        }
    }
}

/// Every level combination's cost, in combination order, when there are at
/// most [`DENSE_COMBINATIONS`] and at most a quarter as many as the `n`
/// trials (so most are met, and each chunk would evaluate many anew). A
/// combination's error is reported only if a trial draws it.
pub fn table(
    scenario: &Scenario,
    subset: &Subset,
    n: u64,
) -> Option<Vec<Result<Cost, TrialError>>> {
    let combinations = subset.combinations()?;
    if combinations > DENSE_COMBINATIONS || combinations.saturating_mul(4) > n {
        return None;
    }
    let slots = vec![0.0; scenario.params.len()];
    let costs = (0..combinations)
        .into_par_iter()
        .map_with(slots, |slots, k| {
            combination_cost(scenario, subset, k, slots)
        })
        .collect();
    Some(costs)
}

/// The cost of level combination `k`, from its values (`slots` is
/// scratch): what every trial drawing it costs.
fn combination_cost(
    scenario: &Scenario,
    subset: &Subset,
    k: u64,
    slots: &mut [f64],
) -> Result<Cost, TrialError> {
    subset.values_of(k, slots);
    scenario.cost.evaluate(slots, &TrialInfo::default(), None)
}

/// Evaluate trials `range` by `path` into `out`, an empty chunk for them
/// (see [`Chunk::emptied`]): it numbers equal costs once or lists every
/// trial's cost as it was made to (a chunk by combination must be made to
/// number them, see [`Path::numbers`]: it meets few).
pub fn evaluate(
    scenario: &Scenario,
    path: Path,
    range: Range<u64>,
    resource: Option<usize>,
    out: Chunk,
) -> ChunkResult {
    match path {
        Path::Table(s, table) => by_combination(s, range, out, |k| table[k as usize].clone()),
        Path::Memo(s) => {
            let mut slots = vec![0.0; scenario.params.len()];
            by_combination(s, range, out, |k| {
                combination_cost(scenario, s, k, &mut slots)
            })
        }
        Path::Subset(s) => by_subset(scenario, s, range, out),
        Path::Trials(set) => by_trial(scenario, set, range, resource, out),
    }
    .map(Chunk::finished)
}

fn by_trial(
    scenario: &Scenario,
    set: &JobSet,
    range: Range<u64>,
    resource: Option<usize>,
    mut out: Chunk,
) -> ChunkResult {
    if set.plain() && resource.is_none() {
        return by_batch(scenario, range, out, |first, n, slots, columns| {
            set.columns(first, n, slots, columns);
        });
    }
    let mut slots = vec![0.0; scenario.params.len()];
    for i in range {
        let info = set.trial(i, &mut slots);
        let c = scenario
            .cost
            .evaluate(&mut slots, &info, resource)
            .map_err(|e| (i, e))?;
        out.push(c, i);
    }
    Ok(out)
}

/// Plain trials (no resume, no early stop) in batches of [`BATCH`]: `fill`
/// writes the values of the batch's trials into one column per parameter
/// (as [`JobSet::columns`], with scratch slots); both formulas are evaluated over the batch
/// ([`crate::formula::Formula::eval_batch`], equal bit for bit to one
/// trial at a time), then each trial's cost is checked in index order.
fn by_batch(
    scenario: &Scenario,
    range: Range<u64>,
    mut out: Chunk,
    mut fill: impl FnMut(u64, usize, &mut [f64], &mut [f64]),
) -> ChunkResult {
    let p = scenario.params.len();
    let mut slots = vec![0.0; p];
    let mut columns = vec![0.0; p * BATCH];
    let (mut stack, mut devices, mut work) = (Vec::new(), vec![0.0; BATCH], vec![0.0; BATCH]);
    let mut first = range.start;
    while first < range.end {
        let n = (range.end - first).min(BATCH as u64) as usize;
        fill(first, n, &mut slots, &mut columns[..p * n]);
        let columns = &columns[..p * n];
        let cost = &scenario.cost;
        cost.devices
            .eval_batch(columns, n, &mut stack, &mut devices);
        cost.work_formula()
            .eval_batch(columns, n, &mut stack, &mut work);
        cost.plain_batch(&devices[..n], &work[..n], |t, c| {
            out.push(c, first + t as u64);
        })
        .map_err(|(t, e)| (first + t as u64, e))?;
        first += n as u64;
    }
    Ok(out)
}

fn by_subset(scenario: &Scenario, subset: &Subset, range: Range<u64>, out: Chunk) -> ChunkResult {
    let p = scenario.params.len();
    // One row of values per lane; unread parameters stay 0, as in `slots`.
    let mut rows = vec![0.0; LANES * p];
    by_batch(scenario, range, out, |first, n, slots, columns| {
        let whole = n / LANES * LANES;
        for t in (0..whole).step_by(LANES) {
            subset.draw_lanes(first + t as u64, &mut rows);
            for (l, row) in rows.chunks_exact(p.max(1)).enumerate() {
                write_row(columns, n, t + l, row);
            }
        }
        for t in whole..n {
            subset.draw(first + t as u64, slots);
            write_row(columns, n, t, slots);
        }
    })
}

/// Local codes by level combination: a dense table when the combinations
/// are few, else a hash map.
enum Memo {
    Dense(Vec<u32>),
    Sparse(HashMap<u64, u32, BuildHasherDefault<Mix>>),
}

impl Memo {
    #[inline(always)]
    fn get(&self, k: u64) -> Option<u32> {
        match self {
            Memo::Dense(v) => Some(v[k as usize]).filter(|&c| c != u32::MAX),
            Memo::Sparse(m) => m.get(&k).copied(),
        }
    }

    fn set(&mut self, k: u64, code: u32) {
        match self {
            Memo::Dense(v) => v[k as usize] = code,
            Memo::Sparse(m) => {
                m.insert(k, code);
            }
        }
    }
}

/// Trials numbered by level combination: `cost(k)` is the cost of
/// combination `k`, asked for when a trial of the chunk first meets it (a
/// failure is reported at that trial).
fn by_combination(
    subset: &Subset,
    range: Range<u64>,
    mut out: Chunk,
    mut cost: impl FnMut(u64) -> Result<Cost, TrialError>,
) -> ChunkResult {
    let combinations = subset.combinations().unwrap_or(0);
    let mut memo = if combinations <= DENSE_COMBINATIONS {
        Memo::Dense(vec![u32::MAX; combinations as usize])
    } else {
        Memo::Sparse(HashMap::default())
    };
    // Room for every combination the chunk may meet, up to PRESIZED: the
    // table is not regrown (and rehashed) ten times in every chunk.
    let room = combinations.min(range.end - range.start).min(PRESIZED) as usize;
    debug_assert!(out.numbers(), "a chunk by combination numbers its costs");
    out.presize(room);
    // A combination met before in the chunk (nearly every trial) costs one
    // table read, written out in the loops so it stays inline there; the
    // first meeting asks `cost`.
    let mut miss = |i: u64, k: u64, memo: &mut Memo, out: &mut Chunk| {
        let c = cost(k).map_err(|e| (i, e))?;
        let code = out.code(c, i);
        memo.set(k, code);
        Ok::<u32, (u64, TrialError)>(code)
    };
    // Whole groups of LANES trials draw their words together.
    let lanes = LANES as u64;
    let whole = range.start + (range.end - range.start) / lanes * lanes;
    for first in (range.start..whole).step_by(LANES) {
        for (i, k) in (first..).zip(subset.combinations_from(first)) {
            let code = match memo.get(k) {
                Some(code) => code,
                None => miss(i, k, &mut memo, &mut out)?,
            };
            out.codes.push(code);
        }
    }
    for i in whole..range.end {
        let k = subset.combination(i);
        let code = match memo.get(k) {
            Some(code) => code,
            None => miss(i, k, &mut memo, &mut out)?,
        };
        out.codes.push(code);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(work: f64) -> Cost {
        Cost { work, devices: 1 }
    }

    #[test]
    fn an_emptied_chunk_numbers_or_lists_afresh() {
        // Numbering works 5, 7, 5 gives codes 0, 1, 0 and costs (5, trial 0),
        // (7, trial 1). Emptied, each use starts afresh: nothing of the one
        // before is left in its table (7 was code 1 there, 0 after), and a
        // listing chunk lists and numbers nothing.
        let mut c = Chunk::with_capacity(3, true);
        for (i, w) in [5.0, 7.0, 5.0].into_iter().enumerate() {
            c.push(cost(w), i as u64);
        }
        assert_eq!(c.codes, [0, 1, 0]);
        assert_eq!(c.costs, [(cost(5.0), 0), (cost(7.0), 1)]);
        // Emptied for numbering: 7, 9 (trials 20, 21) are codes 0 and 1.
        let mut c = c.emptied(2, true);
        c.push(cost(7.0), 20);
        c.push(cost(9.0), 21);
        assert_eq!(c.codes, [0, 1]);
        assert_eq!(c.costs, [(cost(7.0), 20), (cost(9.0), 21)]);
        let mut c = c.emptied(2, false);
        c.push(cost(7.0), 3);
        c.push(cost(9.0), 4);
        assert!(!c.numbers() && c.codes.is_empty() && c.costs.is_empty());
        assert_eq!(c.trials, [cost(7.0), cost(9.0)]);
        let mut c = c.emptied(3, true);
        for (i, w) in [9.0, 7.0, 9.0].into_iter().enumerate() {
            c.push(cost(w), 10 + i as u64);
        }
        assert!(c.numbers() && c.trials.is_empty());
        assert_eq!(c.codes, [0, 1, 0]);
        assert_eq!(c.costs, [(cost(9.0), 10), (cost(7.0), 11)]);
    }
}
