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
//! - `chained_spawn`: a chain of 1,000 tasks, each spawning the next.
//!
//! Tokio's `ping_pong` (spawns answering through oneshot channels) is left out until rt has a
//! oneshot channel: with a stand-in channel on every runtime it would measure the stand-in.
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
use rt_benches::{Latch, NUM_PINGS, round_trip, settle_allocator};

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

/// One task spawns `NUM_SPAWN` empty tasks, each of which counts down the latch.
///
/// The spawning task is spawned from outside, so the spawns themselves happen on a worker
/// and go through its local queue (overflowing into the shared one), which is what makes
/// this workload differ from `spawn_many_remote_idle`.
fn spawn_many_local(c: &mut Criterion) {
    let mut group = group(c, "multi_thread", "spawn_many_local");
    let latch = Arc::new(Latch::new());

    {
        let rt = rt_runtime();
        group.bench_function("rt", |b| {
            b.iter(|| {
                latch.arm(NUM_SPAWN);
                let latch_ = latch.clone();
                drop(rt.spawn(async move {
                    for _ in 0..NUM_SPAWN {
                        let latch = latch_.clone();
                        drop(rt::spawn(async move { latch.count_down() }));
                    }
                }));
                rt.block_on(latch.wait());
            })
        });
    }

    {
        let rt = tokio_runtime();
        group.bench_function("tokio", |b| {
            b.iter(|| {
                latch.arm(NUM_SPAWN);
                let latch_ = latch.clone();
                drop(rt.spawn(async move {
                    for _ in 0..NUM_SPAWN {
                        let latch = latch_.clone();
                        drop(tokio::spawn(async move { latch.count_down() }));
                    }
                }));
                rt.block_on(latch.wait());
            })
        });
    }

    {
        // rt and Tokio find the runtime through a thread-local; a smol task needs the executor
        // handed to it, and an `Arc` clone is the cheapest way to do that across threads.
        let pool = SmolPool::new();
        group.bench_function("smol", |b| {
            b.iter(|| {
                latch.arm(NUM_SPAWN);
                let latch_ = latch.clone();
                let ex = pool.ex.clone();
                pool.ex
                    .spawn(async move {
                        for _ in 0..NUM_SPAWN {
                            let latch = latch_.clone();
                            ex.spawn(async move { latch.count_down() }).detach();
                        }
                    })
                    .detach();
                smol::future::block_on(latch.wait());
            })
        });
    }

    group.finish();
}

/// The bench thread spawns `NUM_SPAWN` empty tasks from outside onto idle workers, then waits.
///
/// The workers have parked by the end of the previous round, so the first spawns wake them
/// and the rest race with them running the tasks, as in Tokio's `spawn_many_remote_idle`.
fn spawn_many_remote_idle(c: &mut Criterion) {
    let mut group = group(c, "multi_thread", "spawn_many_remote_idle");
    let latch = Arc::new(Latch::new());

    {
        let rt = rt_runtime();
        group.bench_function("rt", |b| {
            b.iter(|| {
                latch.arm(NUM_SPAWN);
                for _ in 0..NUM_SPAWN {
                    let latch = latch.clone();
                    drop(rt.spawn(async move { latch.count_down() }));
                }
                rt.block_on(latch.wait());
            })
        });
    }

    {
        let rt = tokio_runtime();
        group.bench_function("tokio", |b| {
            b.iter(|| {
                latch.arm(NUM_SPAWN);
                for _ in 0..NUM_SPAWN {
                    let latch = latch.clone();
                    drop(rt.spawn(async move { latch.count_down() }));
                }
                rt.block_on(latch.wait());
            })
        });
    }

    {
        let pool = SmolPool::new();
        group.bench_function("smol", |b| {
            b.iter(|| {
                latch.arm(NUM_SPAWN);
                for _ in 0..NUM_SPAWN {
                    let latch = latch.clone();
                    pool.ex.spawn(async move { latch.count_down() }).detach();
                }
                smol::future::block_on(latch.wait());
            })
        });
    }

    group.finish();
}

/// As `spawn_many_remote_idle`, while `BUSY_TASKS` tasks keep the workers busy.
///
/// Each busy task yields and then spins for `STALL`, until the benchmark function ends, so
/// the spawned tasks compete with tasks that are always runnable, and their spawns land on
/// workers that never park. The busy tasks are started before the measured loop and stopped
/// (through a flag) after it, on every runtime.
fn spawn_many_remote_busy(c: &mut Criterion) {
    let mut group = group(c, "multi_thread", "spawn_many_remote_busy");
    let latch = Arc::new(Latch::new());

    {
        let rt = rt_runtime();
        let busy = Arc::new(AtomicBool::new(true));
        for _ in 0..BUSY_TASKS {
            let busy = busy.clone();
            drop(rt.spawn(async move {
                // Ordering: the flag publishes nothing; it only stops the loop.
                while busy.load(Ordering::Relaxed) {
                    rt::task::yield_now().await;
                    stall();
                }
            }));
        }
        group.bench_function("rt", |b| {
            b.iter(|| {
                latch.arm(NUM_SPAWN);
                for _ in 0..NUM_SPAWN {
                    let latch = latch.clone();
                    drop(rt.spawn(async move { latch.count_down() }));
                }
                rt.block_on(latch.wait());
            })
        });
        busy.store(false, Ordering::Relaxed);
    }

    {
        let rt = tokio_runtime();
        let busy = Arc::new(AtomicBool::new(true));
        for _ in 0..BUSY_TASKS {
            let busy = busy.clone();
            drop(rt.spawn(async move {
                // Ordering: as above.
                while busy.load(Ordering::Relaxed) {
                    tokio::task::yield_now().await;
                    stall();
                }
            }));
        }
        group.bench_function("tokio", |b| {
            b.iter(|| {
                latch.arm(NUM_SPAWN);
                for _ in 0..NUM_SPAWN {
                    let latch = latch.clone();
                    drop(rt.spawn(async move { latch.count_down() }));
                }
                rt.block_on(latch.wait());
            })
        });
        busy.store(false, Ordering::Relaxed);
    }

    {
        let pool = SmolPool::new();
        let busy = Arc::new(AtomicBool::new(true));
        for _ in 0..BUSY_TASKS {
            let busy = busy.clone();
            pool.ex
                .spawn(async move {
                    // Ordering: as above.
                    while busy.load(Ordering::Relaxed) {
                        smol::future::yield_now().await;
                        stall();
                    }
                })
                .detach();
        }
        group.bench_function("smol", |b| {
            b.iter(|| {
                latch.arm(NUM_SPAWN);
                for _ in 0..NUM_SPAWN {
                    let latch = latch.clone();
                    pool.ex.spawn(async move { latch.count_down() }).detach();
                }
                smol::future::block_on(latch.wait());
            })
        });
        busy.store(false, Ordering::Relaxed);
    }

    group.finish();
}

/// `YIELD_TASKS` tasks, spawned from outside as in Tokio's bench, each yield `NUM_YIELD`
/// times and then count down the latch.
fn yield_many(c: &mut Criterion) {
    let mut group = group(c, "multi_thread", "yield_many");
    let latch = Arc::new(Latch::new());

    {
        let rt = rt_runtime();
        group.bench_function("rt", |b| {
            b.iter(|| {
                latch.arm(YIELD_TASKS);
                for _ in 0..YIELD_TASKS {
                    let latch = latch.clone();
                    drop(rt.spawn(async move {
                        for _ in 0..NUM_YIELD {
                            rt::task::yield_now().await;
                        }
                        latch.count_down();
                    }));
                }
                rt.block_on(latch.wait());
            })
        });
    }

    {
        let rt = tokio_runtime();
        group.bench_function("tokio", |b| {
            b.iter(|| {
                latch.arm(YIELD_TASKS);
                for _ in 0..YIELD_TASKS {
                    let latch = latch.clone();
                    drop(rt.spawn(async move {
                        for _ in 0..NUM_YIELD {
                            tokio::task::yield_now().await;
                        }
                        latch.count_down();
                    }));
                }
                rt.block_on(latch.wait());
            })
        });
    }

    {
        let pool = SmolPool::new();
        group.bench_function("smol", |b| {
            b.iter(|| {
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
            })
        });
    }

    group.finish();
}

/// Tokio's `ping_pong`: from one task, `NUM_PINGS` tasks are spawned, each making one
/// [`round_trip!`](rt_benches::round_trip) with a peer it spawns.
fn ping_pong(c: &mut Criterion) {
    let mut group = group(c, "multi_thread", "ping_pong");
    let latch = Arc::new(Latch::new());

    {
        let rt = rt_runtime();
        group.bench_function("rt", |b| {
            b.iter(|| {
                latch.arm(NUM_PINGS);
                let pings = latch.clone();
                drop(rt.spawn(async move {
                    for _ in 0..NUM_PINGS {
                        drop(rt::spawn(round_trip!(
                            |f| drop(rt::spawn(f)),
                            pings.clone()
                        )));
                    }
                }));
                rt.block_on(latch.wait());
            })
        });
    }

    {
        let rt = tokio_runtime();
        group.bench_function("tokio", |b| {
            b.iter(|| {
                latch.arm(NUM_PINGS);
                let pings = latch.clone();
                drop(rt.spawn(async move {
                    for _ in 0..NUM_PINGS {
                        drop(tokio::spawn(round_trip!(
                            |f| drop(tokio::spawn(f)),
                            pings.clone()
                        )));
                    }
                }));
                rt.block_on(latch.wait());
            })
        });
    }

    {
        let pool = SmolPool::new();
        group.bench_function("smol", |b| {
            b.iter(|| {
                latch.arm(NUM_PINGS);
                let pings = latch.clone();
                let ex = pool.ex.clone();
                pool.ex
                    .spawn(async move {
                        for _ in 0..NUM_PINGS {
                            let inner = ex.clone();
                            ex.spawn(round_trip!(|f| inner.spawn(f).detach(), pings.clone()))
                                .detach();
                        }
                    })
                    .detach();
                smol::future::block_on(latch.wait());
            })
        });
    }

    group.finish();
}

/// A chain of `CHAIN_LEN` tasks, each spawning the next; the last counts down the latch.
///
/// The first link is spawned from outside, every later one from the task before it.
fn chained_spawn(c: &mut Criterion) {
    let mut group = group(c, "multi_thread", "chained_spawn");
    let latch = Arc::new(Latch::new());

    {
        fn link(latch: Arc<Latch>, left: usize) {
            if left == 0 {
                latch.count_down();
            } else {
                drop(rt::spawn(async move { link(latch, left - 1) }));
            }
        }

        let rt = rt_runtime();
        group.bench_function("rt", |b| {
            b.iter(|| {
                latch.arm(1);
                let latch_ = latch.clone();
                drop(rt.spawn(async move { link(latch_, CHAIN_LEN) }));
                rt.block_on(latch.wait());
            })
        });
    }

    {
        fn link(latch: Arc<Latch>, left: usize) {
            if left == 0 {
                latch.count_down();
            } else {
                drop(tokio::spawn(async move { link(latch, left - 1) }));
            }
        }

        let rt = tokio_runtime();
        group.bench_function("tokio", |b| {
            b.iter(|| {
                latch.arm(1);
                let latch_ = latch.clone();
                drop(rt.spawn(async move { link(latch_, CHAIN_LEN) }));
                rt.block_on(latch.wait());
            })
        });
    }

    {
        // Each smol task carries the executor to spawn the next one (see `spawn_many_local`).
        fn link(ex: Arc<smol::Executor<'static>>, latch: Arc<Latch>, left: usize) {
            if left == 0 {
                latch.count_down();
            } else {
                let next = ex.clone();
                ex.spawn(async move { link(next, latch, left - 1) })
                    .detach();
            }
        }

        let pool = SmolPool::new();
        group.bench_function("smol", |b| {
            b.iter(|| {
                latch.arm(1);
                let (ex, latch_) = (pool.ex.clone(), latch.clone());
                pool.ex
                    .spawn(async move { link(ex, latch_, CHAIN_LEN) })
                    .detach();
                smol::future::block_on(latch.wait());
            })
        });
    }

    group.finish();
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
