//! Chunks evaluated by every thread of the pool, each thread taking the
//! next chunk as soon as it is done with one, and folded in index order by
//! whichever thread hands in the chunk the fold waits for.
//!
//! No thread waits for the others at the end of a wave, and no thread of
//! its own folds: with waves, the thread that finished its share first sat
//! idle, and a fold thread took turns with the pool's threads on the same
//! cores, each turn a context switch. At most `window` chunks are evaluated
//! ahead of the fold, which bounds memory; a thread that would go further
//! waits for the fold. The fold takes the chunks in index order whatever
//! thread evaluated them, one thread at a time, so every figure is the same
//! on any number of threads; and a chunk's error, or its evaluation's
//! panic, is raised only when the fold reaches it, so the first in index
//! order wins, as on one thread.
//!
//! Neither `evaluate` nor `fold` may wait on other work of the pool: a
//! thread waiting for room holds its pool thread.

use std::collections::VecDeque;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Condvar, Mutex, MutexGuard};

use super::chunk::ChunkResult;

/// What the threads share.
struct Shared<F, E> {
    /// The next chunk to take.
    next: AtomicU64,
    state: Mutex<State<E>>,
    /// The fold took chunks, or the threads stopped (threads waiting for
    /// room wait on it).
    folded: Condvar,
    /// The fold, held by the one thread folding.
    fold: Mutex<F>,
}

struct State<E> {
    /// The first chunk not yet taken by the fold.
    base: u64,
    /// Chunks `base..`, each once evaluated (or its evaluation's panic,
    /// raised when the fold reaches it).
    done: VecDeque<Option<std::thread::Result<ChunkResult>>>,
    /// The fold's error, if it stopped at one.
    error: Option<E>,
    /// The fold stopped, or a thread panicked: take no more chunks.
    stop: bool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl<F, E> Shared<F, E> {
    /// Stop every thread: none waits any longer.
    fn stop(&self) {
        lock(&self.state).stop = true;
        self.folded.notify_all();
    }

    /// Is the chunk the fold waits for evaluated?
    fn front_ready(&self) -> bool {
        let state = lock(&self.state);
        !state.stop && matches!(state.done.front(), Some(Some(_)))
    }
}

/// Stops every thread if the one holding it unwinds from a panic, so that
/// no other waits for room that will never come.
struct StopOnPanic<'a, F, E>(&'a Shared<F, E>);

impl<F, E> Drop for StopOnPanic<'_, F, E> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
}

/// Fold `evaluated`, chunks `0..k` already evaluated, while chunks `k..end`
/// are evaluated with `evaluate` on every thread of the current pool, at
/// most `window` (at least 1) beyond the fold or chunk `k`, whichever is
/// later, and fold them as they come, in index order. Stops at the first
/// fold error; a panic in the fold, or in the evaluation of a chunk the
/// fold reaches, is raised again here.
pub(super) fn stream<E: Send>(
    evaluated: Vec<ChunkResult>,
    (end, window): (u64, u64),
    evaluate: impl Fn(u64) -> ChunkResult + Sync,
    fold: impl FnMut(ChunkResult) -> Result<(), E> + Send,
) -> Result<(), E> {
    debug_assert!(window > 0, "no room to evaluate in");
    let k = evaluated.len() as u64;
    let shared = Shared {
        next: AtomicU64::new(k),
        state: Mutex::new(State {
            base: 0,
            done: evaluated.into_iter().map(|r| Some(Ok(r))).collect(),
            error: None,
            stop: false,
        }),
        folded: Condvar::new(),
        fold: Mutex::new(fold),
    };
    rayon::broadcast(|_| evaluate_while_room(&shared, (k, end), window, &evaluate));
    let state = shared.state.into_inner().unwrap_or_else(|e| e.into_inner());
    state.error.map_or(Ok(()), Err)
}

/// One thread's share: fold what is ready; then take the next chunk, wait
/// until it is within `window` of the fold (or of chunk `k`), evaluate it,
/// hand it in and fold what is ready; until no chunk is left or the threads
/// stop.
fn evaluate_while_room<F, E>(
    shared: &Shared<F, E>,
    (k, end): (u64, u64),
    window: u64,
    evaluate: &(impl Fn(u64) -> ChunkResult + Sync),
) where
    F: FnMut(ChunkResult) -> Result<(), E>,
{
    let _stop = StopOnPanic(shared);
    fold_ready(shared);
    loop {
        let c = shared.next.fetch_add(1, Relaxed);
        if c >= end {
            return;
        }
        let mut state = lock(&shared.state);
        while !state.stop && c >= state.base.max(k) + window {
            state = shared.folded.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        if state.stop {
            return;
        }
        drop(state);
        let result = catch_unwind(AssertUnwindSafe(|| evaluate(c)));
        let mut state = lock(&shared.state);
        let at = (c - state.base) as usize;
        if state.done.len() <= at {
            state.done.resize_with(at + 1, || None);
        }
        state.done[at] = Some(result);
        drop(state);
        fold_ready(shared);
    }
}

/// Fold the evaluated chunks at the front, in index order, unless another
/// thread is folding: that one takes them. Looks again after letting go of
/// the fold, for a chunk handed in while it was held.
fn fold_ready<F, E>(shared: &Shared<F, E>)
where
    F: FnMut(ChunkResult) -> Result<(), E>,
{
    loop {
        let Ok(mut fold) = shared.fold.try_lock() else {
            return; // the thread folding takes this chunk too
        };
        while let Some(result) = take_front(shared) {
            let result = result.unwrap_or_else(|panic| {
                shared.stop();
                resume_unwind(panic)
            });
            if let Err(e) = fold(result) {
                lock(&shared.state).error = Some(e);
                shared.stop();
                return;
            }
            shared.folded.notify_all();
        }
        drop(fold);
        if !shared.front_ready() {
            return;
        }
    }
}

/// The chunk at the front, once evaluated.
fn take_front<F, E>(shared: &Shared<F, E>) -> Option<std::thread::Result<ChunkResult>> {
    let mut state = lock(&shared.state);
    if state.stop || !matches!(state.done.front(), Some(Some(_))) {
        return None;
    }
    state.base += 1;
    state.done.pop_front().flatten()
}

#[cfg(test)]
mod tests {
    use super::super::tests::pool;
    use super::*;
    use crate::cost::TrialError;

    /// Chunk `c` as a result that carries its index (the fold only looks
    /// at that).
    fn chunk(c: u64) -> ChunkResult {
        Err((
            c,
            TrialError {
                formula: "hours",
                value: 0.0,
                problem: "test",
            },
        ))
    }

    fn index(result: ChunkResult) -> u64 {
        result.err().map_or(u64::MAX, |e| e.0)
    }

    #[test]
    fn chunks_are_folded_in_index_order_whatever_thread_finishes_first() {
        // 60 chunks, the first 5 evaluated beforehand; chunk c takes
        // (c × 7 mod 5) × 100 µs, so later chunks often finish first. The
        // fold sees 0, 1, …, 59, once each, on 2, 3 and 4 threads.
        for threads in 2..=4 {
            let mut seen = Vec::new();
            let evaluated: Vec<ChunkResult> = (0..5).map(chunk).collect();
            let evaluate = |c: u64| {
                std::thread::sleep(std::time::Duration::from_micros(c * 7 % 5 * 100));
                chunk(c)
            };
            let fold = |r: ChunkResult| {
                seen.push(index(r));
                Ok::<(), ()>(())
            };
            let done = pool(threads).install(|| stream(evaluated, (60, 3), evaluate, fold));
            assert_eq!(done, Ok(()));
            assert_eq!(seen, (0..60).collect::<Vec<_>>(), "{threads} threads");
        }
    }

    #[test]
    fn the_fold_stops_at_its_first_error_and_evaluation_stays_within_the_window() {
        // 40 chunks, 0..5 evaluated beforehand, a window of 4; folding
        // takes 300 µs a chunk (evaluating, nothing), and folding chunk 12
        // fails. The fold saw 0..=12 and the error is 12's. Chunk c is
        // evaluated only once c < max(fold position, 5) + 4, and the fold
        // position is at most 13 when it stops: chunks 5..=16, 12 of them,
        // at most; without the window, the threads not folding would have
        // evaluated all 35 by then.
        for threads in [2, 3] {
            let made = AtomicU64::new(0);
            let mut seen = Vec::new();
            let evaluate = |c: u64| {
                made.fetch_add(1, Relaxed);
                chunk(c)
            };
            let fold = |r: ChunkResult| {
                std::thread::sleep(std::time::Duration::from_micros(300));
                let at = index(r);
                seen.push(at);
                if at == 12 {
                    Err(at)
                } else {
                    Ok(())
                }
            };
            let evaluated = (0..5).map(chunk).collect();
            let done = pool(threads).install(|| stream(evaluated, (40, 4), evaluate, fold));
            assert_eq!(done, Err(12));
            assert_eq!(seen, (0..=12).collect::<Vec<_>>());
            let made = made.load(Relaxed);
            assert!(
                (8..=12).contains(&made),
                "{threads} threads: {made} evaluated"
            );
        }
    }

    #[test]
    fn the_first_of_an_error_and_a_panic_in_index_order_wins_on_any_threads() {
        // The fold fails at chunk 2 (200 µs a chunk) and evaluating chunk
        // 6, within the window of 8, panics. On one thread chunk 6 is never
        // evaluated: Err(2). On two the other thread often evaluates it
        // while 0..=2 are folded; its panic waits for the fold to reach 6,
        // which it never does: Err(2) as well, in each of 20 runs.
        for threads in [1, 2] {
            for _ in 0..20 {
                let evaluate = |c: u64| {
                    assert!(c != 6, "evaluation fails");
                    chunk(c)
                };
                let fold = |r: ChunkResult| {
                    std::thread::sleep(std::time::Duration::from_micros(200));
                    let at = index(r);
                    if at == 2 {
                        Err(at)
                    } else {
                        Ok(())
                    }
                };
                let done = catch_unwind(AssertUnwindSafe(|| {
                    pool(threads).install(|| stream(Vec::new(), (40, 8), evaluate, fold))
                }));
                assert!(matches!(done, Ok(Err(2))), "{threads} threads: panicked");
            }
        }
    }

    #[test]
    fn a_panic_in_the_evaluation_or_the_fold_is_raised_not_waited_on() {
        // A panic at chunk 7, in the evaluation and then in the fold, with
        // a window of 2: the threads waiting for room are let go, and the
        // panic reaches the caller.
        for in_fold in [false, true] {
            let evaluate = |c: u64| {
                assert!(in_fold || c != 7, "evaluation fails");
                chunk(c)
            };
            let fold = |r: ChunkResult| {
                assert!(!in_fold || index(r) != 7, "fold fails");
                Ok::<(), ()>(())
            };
            let raised = catch_unwind(AssertUnwindSafe(|| {
                pool(2).install(|| stream(Vec::new(), (30, 2), evaluate, fold))
            }));
            assert!(raised.is_err(), "in fold: {in_fold}");
        }
    }
}
