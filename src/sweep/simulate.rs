//! Seeded simulation of adaptive strategies (successive halving, Hyperband,
//! ASHA) on a cluster: which configurations are promoted, when each job
//! starts, and what the run costs.
//!
//! The engine is generic: a strategy is a list of [`Ladder`]s (brackets),
//! each with the number of configurations per rung; a cost table gives the
//! work and devices of configuration c at rung k. Rungs are either barriers
//! (synchronous successive halving, as Hyperband runs; brackets
//! [`Schedule::Concurrent`] or [`Schedule::Sequential`]) or promote
//! asynchronously (ASHA: a free worker promotes a configuration in the top
//! 1/η of those completed at a rung, checking the top rung first, else
//! starts a new configuration).
//!
//! Scores: configuration c has a full-budget score z_c ~ N(0, 1); at a rung
//! below the last it shows ρ·z_c + √(1 − ρ²)·ε with fresh noise. Promotion
//! can instead take the cheapest or the most expensive next job first, which
//! bounds device-hours over all promotion outcomes ([`Promote`]).
//! Simulation s draws from ChaCha8 keyed by the seed on streams derived
//! from s, so results never depend on the thread count.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;

use crate::scenario::Dispatch;
use crate::space::quality::normal;

use super::dispatch::shuffle;

use super::queue::Queue;
use super::ranks::Ranks;

/// One bracket: its configurations `first_config..first_config + configs[0]`,
/// and how many of them each rung holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Ladder {
    /// Global id of the first configuration.
    pub first_config: u64,
    /// Configurations per rung (non-increasing).
    pub configs: Vec<u64>,
}

/// How rungs and brackets share the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Brackets one after another, rungs as barriers.
    Sequential,
    /// All brackets at once, rungs as barriers within each.
    Concurrent,
    /// ASHA: no barriers; promotion in the top 1/η of completed results.
    Asynchronous,
}

/// Which configurations are promoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Promote {
    /// The best observed scores (the realistic case).
    Score,
    /// The cheapest next jobs: a lower bound on device-hours.
    Cheapest,
    /// The most expensive next jobs: an upper bound on device-hours.
    Dearest,
}

/// A strategy to simulate.
pub struct Setup<'a> {
    /// Brackets.
    pub ladders: &'a [Ladder],
    /// Work and devices of configuration c at rung k.
    pub cost: &'a (dyn Fn(u64, usize) -> (f64, u32) + Sync),
    /// The devices every job holds, when all hold the same number (saves
    /// a cost look-up per released job).
    pub devices: Option<u32>,
    /// Devices the cluster runs at once.
    pub capacity: u32,
    /// Halving rate (the top 1/η are promoted).
    pub eta: u32,
    /// Barriers or asynchronous promotion.
    pub schedule: Schedule,
    /// Correlation between a rung's score and the full-budget score.
    pub correlation: f64,
    /// Order of jobs released together (a rung, or the first rungs).
    pub dispatch: Dispatch,
}

/// What one simulated run cost, in work units.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Outcome {
    /// Σ devices × work over the jobs run.
    pub device_work: f64,
    /// When the last job ended.
    pub makespan: f64,
    /// Jobs run (launches).
    pub jobs: u64,
    /// Σ devices over the jobs run.
    pub job_devices: u64,
    /// Work of the longest job.
    pub longest: f64,
}

/// A job: configuration and rung, with its ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Job {
    ladder: usize,
    config: u64,
    rung: usize,
}

/// A float mapped to an integer of the same order.
fn ordered(x: f64) -> i64 {
    let b = x.to_bits() as i64;
    b ^ ((((b >> 63) as u64) >> 1) as i64)
}

/// Simulate one run: `sim` numbers the simulation (its random streams).
pub fn run(setup: &Setup, promote: Promote, seed: u64, sim: u64) -> Outcome {
    let mut state = State::new(setup, promote, seed, sim);
    state.release_initial();
    let mut running: BinaryHeap<Reverse<(i64, u64, Job)>> = BinaryHeap::new();
    let (mut now, mut free, mut seq) = (0.0f64, setup.capacity, 0u64);
    let mut out = Outcome::default();
    loop {
        while let Some(job) = state.next(free) {
            let (work, devices) = (setup.cost)(job.config, job.rung);
            let devices = devices.clamp(1, setup.capacity);
            free -= devices;
            out.device_work += work * f64::from(devices);
            out.jobs += 1;
            out.job_devices += u64::from(devices);
            out.longest = out.longest.max(work);
            seq += 1;
            running.push(Reverse((ordered(now + work), seq, job)));
        }
        let Some(Reverse((finish, _, job))) = running.pop() else {
            break;
        };
        now = f64::from_bits((finish ^ ((((finish >> 63) as u64) >> 1) as i64)) as u64);
        free += (setup.cost)(job.config, job.rung)
            .1
            .clamp(1, setup.capacity);
        state.complete(job);
    }
    out.makespan = now;
    out
}

/// Completed jobs of one rung waiting for promotion, best first.
type Waiting = BTreeSet<(Reverse<i64>, u64)>;

/// Jobs completed at one rung, and the promoted ones' ranks (sorted).
type Done = (u64, Ranks<(i64, Reverse<u64>)>);

/// The run's bookkeeping.
struct State<'a> {
    setup: &'a Setup<'a>,
    promote: Promote,
    rng: ChaCha8Rng,
    /// `ChaCha8Rng::seed_from_u64(seed)`, kept to clone: seeding costs
    /// more than a clone, and scores are drawn once per completed job.
    base: ChaCha8Rng,
    sim: u64,
    /// Jobs released and waiting (barrier modes).
    queue: Queue<Job>,
    /// A job chosen asynchronously that did not fit yet.
    pending: Option<Job>,
    /// Per ladder: the rung in progress, its members, and those done.
    rung: Vec<(usize, Vec<u64>, u64)>,
    /// Per ladder: configurations started (asynchronous).
    started: Vec<u64>,
    /// Per ladder and rung: completed, not promoted, best first.
    waiting: Vec<Vec<Waiting>>,
    /// Per ladder and rung: jobs completed, and the promoted ones' ranks
    /// (key, then lower configuration first), sorted.
    done: Vec<Vec<Done>>,
    /// Next ladder to start a configuration in (asynchronous).
    turn: usize,
    /// Next ladder to release (sequential).
    next_ladder: usize,
}

impl<'a> State<'a> {
    fn new(setup: &'a Setup<'a>, promote: Promote, seed: u64, sim: u64) -> State<'a> {
        let n = setup.ladders.len();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(sim.wrapping_mul(2).wrapping_add(1 << 61));
        State {
            setup,
            promote,
            rng,
            base: ChaCha8Rng::seed_from_u64(seed),
            sim,
            queue: Queue::new(),
            pending: None,
            rung: vec![(0, Vec::new(), 0); n],
            started: vec![0; n],
            waiting: setup
                .ladders
                .iter()
                .map(|l| vec![BTreeSet::new(); l.configs.len()])
                .collect(),
            done: setup
                .ladders
                .iter()
                .map(|l| vec![(0, Ranks::default()); l.configs.len()])
                .collect(),
            turn: 0,
            next_ladder: 0,
        }
    }

    /// Key of a completed job for promotion (higher is promoted first).
    fn key(&self, job: Job) -> i64 {
        let next = job.rung + 1;
        match self.promote {
            Promote::Score => ordered(self.score(job.config, job.rung)),
            Promote::Cheapest => ordered(-(self.setup.cost)(job.config, next).0),
            Promote::Dearest => ordered((self.setup.cost)(job.config, next).0),
        }
    }

    /// Observed score of a configuration at a rung: ρ·z + √(1 − ρ²)·ε.
    /// Each (simulation, configuration) has its own stream: z first, then
    /// one ε per rung.
    fn score(&self, config: u64, rung: usize) -> f64 {
        let mut rng = self.base.clone();
        rng.set_stream((self.sim << 40) ^ config);
        let z = normal(&mut rng);
        let mut eps = 0.0;
        for _ in 0..=rung {
            eps = normal(&mut rng);
        }
        let rho = self.setup.correlation;
        rho * z + (1.0 - rho * rho).max(0.0).sqrt() * eps
    }

    /// Jobs released together, in dispatch order.
    fn release(&mut self, mut jobs: Vec<Job>) {
        match self.setup.dispatch {
            Dispatch::Random => shuffle(&mut jobs, &mut self.rng),
            Dispatch::Index => {}
            Dispatch::Lpt => jobs.sort_by(|a, b| {
                let (wa, wb) = (
                    (self.setup.cost)(a.config, a.rung).0,
                    (self.setup.cost)(b.config, b.rung).0,
                );
                wb.total_cmp(&wa).then(a.cmp(b))
            }),
        }
        for job in jobs {
            let devices = self
                .setup
                .devices
                .unwrap_or_else(|| (self.setup.cost)(job.config, job.rung).1)
                .clamp(1, self.setup.capacity);
            self.queue.push(job, devices);
        }
    }

    fn rung_zero(&mut self, l: usize) -> Vec<Job> {
        let ladder = &self.setup.ladders[l];
        let n = ladder.configs.first().copied().unwrap_or(0);
        let members: Vec<u64> = (ladder.first_config..ladder.first_config + n).collect();
        self.rung[l] = (0, members.clone(), 0);
        members
            .into_iter()
            .map(|config| Job {
                ladder: l,
                config,
                rung: 0,
            })
            .collect()
    }

    fn release_initial(&mut self) {
        match self.setup.schedule {
            Schedule::Asynchronous => {}
            Schedule::Sequential => self.release_next_ladder(),
            Schedule::Concurrent => {
                let jobs: Vec<Job> = (0..self.setup.ladders.len())
                    .flat_map(|l| self.rung_zero(l))
                    .collect();
                self.release(jobs);
            }
        }
    }

    /// Sequential: the next non-empty ladder's first rung.
    fn release_next_ladder(&mut self) {
        while self.next_ladder < self.setup.ladders.len() {
            let l = self.next_ladder;
            self.next_ladder += 1;
            let jobs = self.rung_zero(l);
            if !jobs.is_empty() {
                self.release(jobs);
                return;
            }
        }
    }

    /// The next job to start with `free` devices, if any fits.
    fn next(&mut self, free: u32) -> Option<Job> {
        // Every job holds at least one device: nothing fits, and scanning
        // the whole queue to find that out would make the run quadratic.
        if free == 0 {
            return None;
        }
        let fits = |s: &Self, j: &Job| {
            (s.setup.cost)(j.config, j.rung)
                .1
                .clamp(1, s.setup.capacity)
                <= free
        };
        if self.setup.schedule != Schedule::Asynchronous {
            return self.queue.take_fitting(free);
        }
        let job = match self.pending.take() {
            Some(j) => j,
            None => self.choose()?,
        };
        if fits(self, &job) {
            Some(job)
        } else {
            self.pending = Some(job);
            None
        }
    }

    /// ASHA's choice: a promotion, top rung first, else a new configuration.
    fn choose(&mut self) -> Option<Job> {
        let eta = u64::from(self.setup.eta.max(2));
        for l in 0..self.setup.ladders.len() {
            for k in (0..self.setup.ladders[l].configs.len().saturating_sub(1)).rev() {
                let Some(&(Reverse(key), config)) = self.waiting[l][k].first() else {
                    continue;
                };
                let (completed, promoted) = &self.done[l][k];
                let top = completed / eta;
                // Its rank among completed: the promoted ones better than it
                // (every better one is promoted, since it is the best waiting).
                let me = (key, Reverse(config));
                let better = promoted.above(me) as u64;
                if better < top {
                    self.waiting[l][k].pop_first();
                    self.done[l][k].1.insert(me);
                    return Some(Job {
                        ladder: l,
                        config,
                        rung: k + 1,
                    });
                }
            }
        }
        let n = self.setup.ladders.len();
        for step in 0..n {
            let l = (self.turn + step) % n;
            let ladder = &self.setup.ladders[l];
            if self.started[l] < ladder.configs.first().copied().unwrap_or(0) {
                let config = ladder.first_config + self.started[l];
                self.started[l] += 1;
                self.turn = (l + 1) % n;
                return Some(Job {
                    ladder: l,
                    config,
                    rung: 0,
                });
            }
        }
        None
    }

    /// Record a finished job; release what it unblocks.
    fn complete(&mut self, job: Job) {
        let last = self.setup.ladders[job.ladder].configs.len() - 1;
        if self.setup.schedule == Schedule::Asynchronous {
            if job.rung < last {
                let key = self.key(job);
                self.done[job.ladder][job.rung].0 += 1;
                self.waiting[job.ladder][job.rung].insert((Reverse(key), job.config));
            }
            return;
        }
        let l = job.ladder;
        self.rung[l].2 += 1;
        if self.rung[l].2 < self.rung[l].1.len() as u64 {
            return;
        }
        let (k, members, _) = std::mem::take(&mut self.rung[l]);
        let keep = self.setup.ladders[l]
            .configs
            .get(k + 1)
            .copied()
            .unwrap_or(0) as usize;
        if k < last && keep > 0 {
            let mut ranked: Vec<(i64, u64)> = members
                .iter()
                .map(|&config| {
                    (
                        self.key(Job {
                            ladder: l,
                            config,
                            rung: k,
                        }),
                        config,
                    )
                })
                .collect();
            ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let next: Vec<u64> = ranked.into_iter().take(keep).map(|(_, c)| c).collect();
            self.rung[l] = (k + 1, next.clone(), 0);
            let jobs = next
                .into_iter()
                .map(|config| Job {
                    ladder: l,
                    config,
                    rung: k + 1,
                })
                .collect();
            self.release(jobs);
        } else if self.setup.schedule == Schedule::Sequential {
            self.release_next_ladder();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup<'a>(
        ladders: &'a [Ladder],
        cost: &'a (dyn Fn(u64, usize) -> (f64, u32) + Sync),
        capacity: u32,
        schedule: Schedule,
    ) -> Setup<'a> {
        Setup {
            ladders,
            cost,
            devices: None,
            capacity,
            eta: 3,
            schedule,
            correlation: 0.5,
            dispatch: Dispatch::Index,
        }
    }

    #[test]
    fn successive_halving_by_hand() {
        // One bracket 9 → 3 → 1, rung k costs 3^k h on 1 device, 3 devices:
        // rung 0: 9 jobs of 1 h on 3 slots = 3 h; rung 1: 3 of 3 h = 3 h;
        // rung 2: 1 of 9 h. Makespan 15 h; device work 9 + 9 + 9 = 27.
        let ladders = [Ladder {
            first_config: 0,
            configs: vec![9, 3, 1],
        }];
        let cost = |_c: u64, k: usize| (3f64.powi(k as i32), 1);
        let s = setup(&ladders, &cost, 3, Schedule::Sequential);
        let o = run(&s, Promote::Score, 1, 0);
        assert_eq!((o.makespan, o.device_work, o.jobs), (15.0, 27.0, 13));
    }

    #[test]
    fn concurrent_brackets_overlap() {
        // Two brackets of one 2 h job each on 2 devices: sequential 4 h, concurrent 2 h.
        let ladders = [
            Ladder {
                first_config: 0,
                configs: vec![1],
            },
            Ladder {
                first_config: 1,
                configs: vec![1],
            },
        ];
        let cost = |_c: u64, _k: usize| (2.0, 1);
        let seq = run(
            &setup(&ladders, &cost, 2, Schedule::Sequential),
            Promote::Score,
            0,
            0,
        );
        let con = run(
            &setup(&ladders, &cost, 2, Schedule::Concurrent),
            Promote::Score,
            0,
            0,
        );
        assert_eq!((seq.makespan, con.makespan), (4.0, 2.0));
    }

    #[test]
    fn promotion_bounds_order_device_work() {
        // Configuration c costs (1 + c) at rung 1: cheapest-first promotes
        // configs 0..3 (1 + 2 + 3 = 6), dearest-first 6..9 (7 + 8 + 9 = 24).
        let ladders = [Ladder {
            first_config: 0,
            configs: vec![9, 3],
        }];
        let cost = |c: u64, k: usize| (if k == 0 { 1.0 } else { 1.0 + c as f64 }, 1);
        for schedule in [Schedule::Sequential, Schedule::Asynchronous] {
            let s = setup(&ladders, &cost, 1, schedule);
            let low = run(&s, Promote::Cheapest, 0, 0).device_work;
            let high = run(&s, Promote::Dearest, 0, 0).device_work;
            let mid = run(&s, Promote::Score, 0, 0).device_work;
            if schedule == Schedule::Sequential {
                assert_eq!((low, high), (9.0 + 6.0, 9.0 + 24.0));
            }
            assert!(
                low <= mid && mid <= high,
                "{schedule:?}: {low} {mid} {high}"
            );
        }
    }

    #[test]
    fn asha_with_tied_costs_promotes_one_in_eta() {
        // Every next job costs the same, so cost-ordered keys all tie: the
        // rule must still promote 9 / 3 = 3 configurations, not all 9.
        let ladders = [Ladder {
            first_config: 0,
            configs: vec![9, 3],
        }];
        let cost = |_c: u64, _k: usize| (1.0, 1);
        let o = run(
            &setup(&ladders, &cost, 2, Schedule::Asynchronous),
            Promote::Dearest,
            0,
            0,
        );
        assert_eq!(o.jobs, 12);
    }

    #[test]
    fn asha_promotes_one_in_eta_and_never_waits_for_a_rung() {
        // 9 configurations, η = 3, rungs 1 h then 3 h, one device: ASHA
        // runs 9 first-rung jobs and promotes 3 in all (9 / 3), 9 + 9 = 18 h,
        // the same work as the synchronous version, but it promotes as soon
        // as 3 results are in, so the first 3 h job starts at 3 h, not 9 h.
        let ladders = [Ladder {
            first_config: 0,
            configs: vec![9, 3],
        }];
        let cost = |_c: u64, k: usize| (if k == 0 { 1.0 } else { 3.0 }, 1);
        let o = run(
            &setup(&ladders, &cost, 1, Schedule::Asynchronous),
            Promote::Score,
            4,
            0,
        );
        assert_eq!((o.jobs, o.device_work, o.makespan), (12, 18.0, 18.0));
    }
}
