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
}

/// What a failed chunk reports: its first failing trial.
pub type ChunkResult = Result<Chunk, (u64, TrialError)>;

impl Chunk {
    /// An empty chunk for `n` trials; `dedupe` numbers equal costs once,
    /// else every trial's cost is listed.
    pub(super) fn with_capacity(n: usize, dedupe: bool) -> Chunk {
        let (codes, trials) = if dedupe { (n, 0) } else { (0, n) };
        Chunk {
            costs: Vec::new(),
            codes: Vec::with_capacity(codes),
            trials: Vec::with_capacity(trials),
            dedupe,
        }
    }

    /// Add trial `i`, of cost `c`, after the chunk's earlier trials.
    #[inline]
    pub(super) fn push(&mut self, local: &mut Table, c: Cost, i: u64) {
        if self.dedupe {
            let code = self.code(local, c, i);
            self.codes.push(code);
        } else {
            self.trials.push(c);
        }
    }

    /// The local code of `c`, first met at trial `i`.
    fn code(&mut self, local: &mut Table, c: Cost, i: u64) -> u32 {
        let next = self.costs.len() as u32;
        let code = *local.entry(key(c)).or_insert(next);
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

/// Evaluate trials `range` by `path`; `dedupe` numbers equal costs once,
/// else every trial's cost is listed (a chunk by combination always numbers
/// them: it meets few).
pub fn evaluate(
    scenario: &Scenario,
    path: Path,
    range: Range<u64>,
    resource: Option<usize>,
    dedupe: bool,
) -> ChunkResult {
    match path {
        Path::Table(s, table) => by_combination(s, range, |k| table[k as usize].clone()),
        Path::Memo(s) => {
            let mut slots = vec![0.0; scenario.params.len()];
            by_combination(s, range, |k| combination_cost(scenario, s, k, &mut slots))
        }
        Path::Subset(s) => by_subset(scenario, s, range, dedupe),
        Path::Trials(set) => by_trial(scenario, set, range, resource, dedupe),
    }
}

fn by_trial(
    scenario: &Scenario,
    set: &JobSet,
    range: Range<u64>,
    resource: Option<usize>,
    dedupe: bool,
) -> ChunkResult {
    if set.plain() && resource.is_none() {
        return by_batch(scenario, range, dedupe, |first, n, slots, columns| {
            set.columns(first, n, slots, columns);
        });
    }
    let mut slots = vec![0.0; scenario.params.len()];
    let mut local = Table::default();
    let mut out = Chunk::with_capacity((range.end - range.start) as usize, dedupe);
    for i in range {
        let info = set.trial(i, &mut slots);
        let c = scenario
            .cost
            .evaluate(&mut slots, &info, resource)
            .map_err(|e| (i, e))?;
        out.push(&mut local, c, i);
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
    dedupe: bool,
    mut fill: impl FnMut(u64, usize, &mut [f64], &mut [f64]),
) -> ChunkResult {
    let p = scenario.params.len();
    let mut slots = vec![0.0; p];
    let mut columns = vec![0.0; p * BATCH];
    let (mut stack, mut devices, mut work) = (Vec::new(), vec![0.0; BATCH], vec![0.0; BATCH]);
    let mut local = Table::default();
    let mut out = Chunk::with_capacity((range.end - range.start) as usize, dedupe);
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
            out.push(&mut local, c, first + t as u64);
        })
        .map_err(|(t, e)| (first + t as u64, e))?;
        first += n as u64;
    }
    Ok(out)
}

fn by_subset(scenario: &Scenario, subset: &Subset, range: Range<u64>, dedupe: bool) -> ChunkResult {
    let p = scenario.params.len();
    // One row of values per lane; unread parameters stay 0, as in `slots`.
    let mut rows = vec![0.0; LANES * p];
    by_batch(scenario, range, dedupe, |first, n, slots, columns| {
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
    let mut local = Table::with_capacity_and_hasher(room, Default::default());
    let mut out = Chunk::with_capacity((range.end - range.start) as usize, true);
    // A combination met before in the chunk (nearly every trial) costs one
    // table read, written out in the loops so it stays inline there; the
    // first meeting asks `cost`.
    let mut miss = |i: u64, k: u64, memo: &mut Memo, out: &mut Chunk| {
        let c = cost(k).map_err(|e| (i, e))?;
        let code = out.code(&mut local, c, i);
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
