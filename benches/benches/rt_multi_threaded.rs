//! Scheduler benchmarks on multi-thread runtimes: rt's work-stealing runtime against Tokio's
//! multi-thread runtime and smol's `Executor` run by as many threads, two workers each (the
//! machine the baseline was measured on has two cores).
//!
//! Benchmark ids are `multi_thread/<workload>/<runtime>`, the runtime being `rt`, `tokio` or
//! `smol`. The workloads are those of Tokio's own `benches/rt_multi_threaded.rs`:
//!
//! - `spawn_many_local`: one task spawns 10,000 empty tasks; the round ends when all have run.
//! - `spawn_many_remote_idle`: the bench thread, outside the runtime, spawns 10,000 empty
//!   tasks onto idle workers.
//! - `spawn_many_remote_busy`: the same, while four tasks (two per worker) keep the workers
//!   busy, each calling `yield_now` and then spinning for 10 µs, again and again (Tokio's
//!   `spawn_many_remote_busy1`).
//! - `yield_many`: 200 tasks, spawned from outside, each call `yield_now` 1,000 times.
//! - `ping_pong`: one task spawns 1,000 tasks, each of which spawns a peer and makes one round
//!   trip with it through two oneshot channels (`futures-channel`'s, which belongs to no
//!   runtime).
//! - `chained_spawn`: a chain of 1,000 tasks, each spawning the next.
//!
//! # Fairness
//!
//! The rules of `rt_current_thread.rs` hold here too:
//!
//! - Each runtime is built once per benchmark function, outside the measured loop, and
//!   dropped before the next one is built. smol's two executor threads are started with it
//!   ([`SmolPool`]), as rt and Tokio start their workers in `build()`.
//! - `settle_allocator` runs first, so that the runtime measured first is not penalised.
//! - Every runtime signals completion the same way: tasks count down an `Arc<Latch>` and the
//!   bench thread waits for the latch. Join handles are dropped (detached), on every runtime.
//! - rt and Tokio are built with `enable_all()`, and smol's executor threads run
//!   `smol::block_on`: on all three, idle workers park in (or next to) the I/O driver.
//! - rt and Tokio run the same round code: it is written once in the `workloads!` macro and
//!   instantiated with each runtime's crate (rt has Tokio's paths). smol's rounds
//!   ([`on_smol`]) take the same steps, but hand the executor to the tasks that spawn.
//!
//! What differs from the current-thread file is where the bench thread stands: here it is
//! never a worker. It spawns from outside (`Runtime::spawn`, `Executor::spawn`) and then
//! blocks until the latch opens, on a plain thread parker in all three cases: rt's and
//! Tokio's `block_on` on a thread that is not a worker, and `smol::future::block_on` (not
//! `smol::block_on`, which would make the bench thread a third contender for smol's
//! reactor). Being outside already, the bench thread needs no `RemoteSpawner` helper to
//! spawn from outside.

#[path = "support/multi_thread.rs"]
mod multi_thread;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use criterion::Criterion;
use multi_thread::{SmolPool, WORKERS, group, rt_runtime, tokio_runtime};
use rt_benches::{Latch, settle_allocator};

/// Tasks spawned per round by the `spawn_many_*` workloads.
const NUM_SPAWN: usize = 10_000;
/// Tasks in the `yield_many` workload.
const YIELD_TASKS: usize = 200;
/// `yield_now` calls made by each `yield_many` task.
const NUM_YIELD: usize = 1_000;
/// Length of the `chained_spawn` chain.
const CHAIN_LEN: usize = 1_000;
/// Tasks keeping the workers busy in `spawn_many_remote_busy`: two per worker, as in Tokio's
/// bench.
const BUSY_TASKS: usize = 2 * WORKERS;
/// How long a busy task spins between two yields (Tokio's `STALL_DUR`).
const STALL: Duration = Duration::from_micros(10);

/// Keeps a core busy for `STALL`, giving the CPU away in between as Tokio's `stall` does.
fn stall() {
    let start = Instant::now();
    while start.elapsed() < STALL {
        thread::yield_now();
    }
}

/// The rounds on rt and Tokio, written once and instantiated per runtime with its crate (rt has
/// Tokio's paths: `runtime::Runtime`, `spawn`, `task::yield_now`). Each round arms the latch,
/// spawns from the bench thread and blocks in the runtime's `block_on` until the latch opens.
macro_rules! workloads {
    ($name:ident, $krate:ident) => {
        mod $name {
            use std::sync::Arc;
            use std::sync::atomic::{AtomicBool, Ordering};

            use rt_benches::{Latch, NUM_PINGS, round_trip};

            use super::{BUSY_TASKS, CHAIN_LEN, NUM_SPAWN, NUM_YIELD, YIELD_TASKS, stall};

            /// `spawn_many_local`: the spawning task is spawned from outside, its spawns
            /// happen on a worker.
            pub fn spawn_many_local(runtime: &$krate::runtime::Runtime, latch: &Arc<Latch>) {
                latch.arm(NUM_SPAWN);
                let latch_ = latch.clone();
                drop(runtime.spawn(async move {
                    for _ in 0..NUM_SPAWN {
                        let latch = latch_.clone();
                        drop($krate::spawn(async move { latch.count_down() }));
                    }
                }));
                runtime.block_on(latch.wait());
            }

            /// `spawn_many_remote_idle` and `spawn_many_remote_busy`: every task is spawned
            /// from outside.
            pub fn spawn_many_remote(runtime: &$krate::runtime::Runtime, latch: &Arc<Latch>) {
                latch.arm(NUM_SPAWN);
                for _ in 0..NUM_SPAWN {
                    let latch = latch.clone();
                    drop(runtime.spawn(async move { latch.count_down() }));
                }
                runtime.block_on(latch.wait());
            }

            /// Spawns the `BUSY_TASKS` busy tasks of `spawn_many_remote_busy`, which yield
            /// and `stall` until the returned flag is cleared.
            pub fn keep_busy(runtime: &$krate::runtime::Runtime) -> Arc<AtomicBool> {
                let busy = Arc::new(AtomicBool::new(true));
                for _ in 0..BUSY_TASKS {
                    let busy = busy.clone();
                    drop(runtime.spawn(async move {
                        // Ordering: the flag publishes nothing; it only stops the loop.
                        while busy.load(Ordering::Relaxed) {
                            $krate::task::yield_now().await;
                            stall();
                        }
                    }));
                }
                busy
            }

            /// `yield_many`: the yielding tasks are spawned from outside.
            pub fn yield_many(runtime: &$krate::runtime::Runtime, latch: &Arc<Latch>) {
                latch.arm(YIELD_TASKS);
                for _ in 0..YIELD_TASKS {
                    let latch = latch.clone();
                    drop(runtime.spawn(async move {
                        for _ in 0..NUM_YIELD {
                            $krate::task::yield_now().await;
                        }
                        latch.count_down();
                    }));
                }
                runtime.block_on(latch.wait());
            }

            /// `ping_pong`: the task spawning the pings is spawned from outside.
            pub fn ping_pong(runtime: &$krate::runtime::Runtime, latch: &Arc<Latch>) {
                latch.arm(NUM_PINGS);
                let pings = latch.clone();
                drop(runtime.spawn(async move {
                    for _ in 0..NUM_PINGS {
                        drop($krate::spawn(round_trip!(
                            |f| drop($krate::spawn(f)),
                            pings.clone()
                        )));
                    }
                }));
                runtime.block_on(latch.wait());
            }

            /// One link of the `chained_spawn` chain: spawns the next link, or counts down
            /// the latch if none is `left`.
            fn link(latch: Arc<Latch>, left: usize) {
                if left == 0 {
                    latch.count_down();
                } else {
                    drop($krate::spawn(async move { link(latch, left - 1) }));
                }
            }

            /// `chained_spawn`: the first link is spawned from outside.
            pub fn chained_spawn(runtime: &$krate::runtime::Runtime, latch: &Arc<Latch>) {
                latch.arm(1);
                let latch_ = latch.clone();
                drop(runtime.spawn(async move { link(latch_, CHAIN_LEN) }));
                runtime.block_on(latch.wait());
            }
        }
    };
}

workloads!(on_rt, rt);
workloads!(on_tokio, tokio);

/// The rounds on smol: the steps of `workloads!`, with tasks spawned onto the pool's executor
/// and detached, and the bench thread blocked in `smol::future::block_on`.
mod on_smol {
    use std::future::Future;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use rt_benches::{Latch, NUM_PINGS, round_trip};

    use super::{BUSY_TASKS, CHAIN_LEN, NUM_SPAWN, NUM_YIELD, SmolPool, YIELD_TASKS, stall};

    /// Spawns onto `ex`, detached, the task that `task` makes from a clone of `ex`: the
    /// executor for it to spawn onto.
    ///
    /// rt and Tokio find the runtime through a thread-local; a smol task needs the executor
    /// handed to it, and an `Arc` clone is the cheapest way to do that across threads.
    fn spawn_with_executor<F>(
        ex: &Arc<smol::Executor<'static>>,
        task: impl FnOnce(Arc<smol::Executor<'static>>) -> F,
    ) where
        F: Future<Output = ()> + Send + 'static,
    {
        ex.spawn(task(ex.clone())).detach();
    }

    /// `spawn_many_local`.
    pub fn spawn_many_local(pool: &SmolPool, latch: &Arc<Latch>) {
        latch.arm(NUM_SPAWN);
        let latch_ = latch.clone();
        spawn_with_executor(&pool.ex, |ex| async move {
            for _ in 0..NUM_SPAWN {
                let latch = latch_.clone();
                ex.spawn(async move { latch.count_down() }).detach();
            }
        });
        smol::future::block_on(latch.wait());
    }

    /// `spawn_many_remote_idle` and `spawn_many_remote_busy`.
    pub fn spawn_many_remote(pool: &SmolPool, latch: &Arc<Latch>) {
        latch.arm(NUM_SPAWN);
        for _ in 0..NUM_SPAWN {
            let latch = latch.clone();
            pool.ex.spawn(async move { latch.count_down() }).detach();
        }
        smol::future::block_on(latch.wait());
    }

    /// The busy tasks of `spawn_many_remote_busy`, as `workloads!` spawns them.
    pub fn keep_busy(pool: &SmolPool) -> Arc<AtomicBool> {
        let busy = Arc::new(AtomicBool::new(true));
        for _ in 0..BUSY_TASKS {
            let busy = busy.clone();
            pool.ex
                .spawn(async move {
                    // Ordering: as in `workloads!`.
                    while busy.load(Ordering::Relaxed) {
                        smol::future::yield_now().await;
                        stall();
                    }
                })
                .detach();
        }
        busy
    }

    /// `yield_many`.
    pub fn yield_many(pool: &SmolPool, latch: &Arc<Latch>) {
        latch.arm(YIELD_TASKS);
        for _ in 0..YIELD_TASKS {
            let latch = latch.clone();
            pool.ex
                .spawn(async move {
                    for _ in 0..NUM_YIELD {
                        smol::future::yield_now().await;
                    }
                    latch.count_down();
                })
                .detach();
        }
        smol::future::block_on(latch.wait());
    }

    /// `ping_pong`.
    pub fn ping_pong(pool: &SmolPool, latch: &Arc<Latch>) {
        latch.arm(NUM_PINGS);
        let pings = latch.clone();
        spawn_with_executor(&pool.ex, |ex| async move {
            for _ in 0..NUM_PINGS {
                spawn_with_executor(&ex, |inner| {
                    round_trip!(|f| inner.spawn(f).detach(), pings.clone())
                });
            }
        });
        smol::future::block_on(latch.wait());
    }

    /// `chained_spawn`.
    pub fn chained_spawn(pool: &SmolPool, latch: &Arc<Latch>) {
        latch.arm(1);
        let latch_ = latch.clone();
        spawn_with_executor(&pool.ex, |ex| async move { link(ex, latch_, CHAIN_LEN) });
        smol::future::block_on(latch.wait());
    }

    /// One link of the `chained_spawn` chain, carrying the executor to spawn the next one.
    fn link(ex: Arc<smol::Executor<'static>>, latch: Arc<Latch>, left: usize) {
        if left == 0 {
            latch.count_down();
        } else {
            spawn_with_executor(&ex, |next| async move { link(next, latch, left - 1) });
        }
    }
}

/// Measures one workload on rt, Tokio and smol in the group `multi_thread/<workload>`, each
/// runtime built just before its turn and dropped after it; the rounds share one latch.
///
/// With `busy`, each runtime's busy tasks (`keep_busy`) are spawned before its first round
/// and stopped after its last.
fn compare(
    c: &mut Criterion,
    workload: &str,
    busy: bool,
    rt_round: impl Fn(&rt::runtime::Runtime, &Arc<Latch>),
    tokio_round: impl Fn(&tokio::runtime::Runtime, &Arc<Latch>),
    smol_round: impl Fn(&SmolPool, &Arc<Latch>),
) {
    let mut group = group(c, "multi_thread", workload);
    let latch = Arc::new(Latch::new());
    {
        let runtime = rt_runtime();
        let busy = busy.then(|| on_rt::keep_busy(&runtime));
        group.bench_function("rt", |b| b.iter(|| rt_round(&runtime, &latch)));
        stop(busy);
    }
    {
        let runtime = tokio_runtime();
        let busy = busy.then(|| on_tokio::keep_busy(&runtime));
        group.bench_function("tokio", |b| b.iter(|| tokio_round(&runtime, &latch)));
        stop(busy);
    }
    {
        let pool = SmolPool::new();
        let busy = busy.then(|| on_smol::keep_busy(&pool));
        group.bench_function("smol", |b| b.iter(|| smol_round(&pool, &latch)));
        stop(busy);
    }
    group.finish();
}

/// Stops the busy tasks whose flag `keep_busy` returned, if any were spawned.
fn stop(busy: Option<Arc<AtomicBool>>) {
    if let Some(busy) = busy {
        busy.store(false, Ordering::Relaxed);
    }
}

/// One task spawns `NUM_SPAWN` empty tasks, each of which counts down the latch.
///
/// The spawning task is spawned from outside, so the spawns themselves happen on a worker
/// and go through its local queue (overflowing into the shared one), which is what makes
/// this workload differ from `spawn_many_remote_idle`.
fn spawn_many_local(c: &mut Criterion) {
    compare(
        c,
        "spawn_many_local",
        false,
        on_rt::spawn_many_local,
        on_tokio::spawn_many_local,
        on_smol::spawn_many_local,
    );
}

/// The bench thread spawns `NUM_SPAWN` empty tasks from outside onto idle workers, then waits.
///
/// The workers have parked by the end of the previous round, so the first spawns wake them
/// and the rest race with them running the tasks, as in Tokio's `spawn_many_remote_idle`.
fn spawn_many_remote_idle(c: &mut Criterion) {
    compare(
        c,
        "spawn_many_remote_idle",
        false,
        on_rt::spawn_many_remote,
        on_tokio::spawn_many_remote,
        on_smol::spawn_many_remote,
    );
}

/// As `spawn_many_remote_idle`, while `BUSY_TASKS` tasks keep the workers busy.
///
/// Each busy task yields and then spins for `STALL`, until the benchmark function ends, so
/// the spawned tasks compete with tasks that are always runnable, and their spawns land on
/// workers that never park. The busy tasks are started before the measured loop and stopped
/// (through a flag) after it, on every runtime.
fn spawn_many_remote_busy(c: &mut Criterion) {
    compare(
        c,
        "spawn_many_remote_busy",
        true,
        on_rt::spawn_many_remote,
        on_tokio::spawn_many_remote,
        on_smol::spawn_many_remote,
    );
}

/// `YIELD_TASKS` tasks, spawned from outside as in Tokio's bench, each yield `NUM_YIELD`
/// times and then count down the latch.
fn yield_many(c: &mut Criterion) {
    compare(
        c,
        "yield_many",
        false,
        on_rt::yield_many,
        on_tokio::yield_many,
        on_smol::yield_many,
    );
}

/// Tokio's `ping_pong`: from one task, `NUM_PINGS` tasks are spawned, each making one
/// [`round_trip!`](rt_benches::round_trip) with a peer it spawns.
fn ping_pong(c: &mut Criterion) {
    compare(
        c,
        "ping_pong",
        false,
        on_rt::ping_pong,
        on_tokio::ping_pong,
        on_smol::ping_pong,
    );
}

/// A chain of `CHAIN_LEN` tasks, each spawning the next; the last counts down the latch.
///
/// The first link is spawned from outside, every later one from the task before it.
fn chained_spawn(c: &mut Criterion) {
    compare(
        c,
        "chained_spawn",
        false,
        on_rt::chained_spawn,
        on_tokio::chained_spawn,
        on_smol::chained_spawn,
    );
}

// What `criterion_group!` and `criterion_main!` would expand to, written out so the defaults
// sit in one place and the generated public function needs no doc comment.
fn main() {
    // Without this, whichever runtime is measured first in the process is penalised by the
    // allocator's initial state (see `settle_allocator`).
    settle_allocator();

    // The settings of `rt_current_thread.rs`, so the whole file runs in a couple of minutes
    // on two cores; the command line (`--sample-size`, `--quick`, ...) still wins.
    let mut c = Criterion::default()
        .sample_size(25)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();

    spawn_many_local(&mut c);
    spawn_many_remote_idle(&mut c);
    spawn_many_remote_busy(&mut c);
    yield_many(&mut c);
    ping_pong(&mut c);
    chained_spawn(&mut c);

    c.final_summary();
}
