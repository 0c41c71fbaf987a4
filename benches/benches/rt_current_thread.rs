//! Scheduler benchmarks on single-threaded runtimes: rt's current-thread runtime against
//! Tokio's current-thread runtime and smol's executors driven by one thread.
//!
//! Benchmark ids are `current_thread/<workload>/<runtime>`, the runtime being `rt`, `tokio` or
//! `smol`. The workloads follow Tokio's own scheduler benches (`rt_current_thread.rs`,
//! `rt_multi_threaded.rs`):
//!
//! - `spawn_many_local`: one task spawns 10,000 empty tasks; the round ends when all have run.
//! - `spawn_many_remote`: another thread spawns 10,000 empty tasks through a handle while the
//!   bench thread drives the runtime.
//! - `yield_many`: 200 tasks each call `yield_now` 1,000 times.
//! - `chained_spawn`: a chain of 1,000 tasks, each spawning the next.
//!
//! Ping-pong (spawn + oneshot round trips) is left out until rt has a oneshot channel.
//!
//! # Fairness
//!
//! - Each runtime is built once per benchmark function, outside the measured loop, and
//!   dropped before the next one is built.
//! - `settle_allocator` runs first, so that the runtime measured first in the process is not
//!   slowed by the allocator's initial trim threshold (which made it 1.7x slower than the same
//!   runtime measured second).
//! - Every runtime signals completion the same way: tasks count down an `Arc<Latch>` (one
//!   atomic decrement each) and the driving future awaits the latch, which wakes it through
//!   the runtime's own waker. No runtime's native channel or `Notify` is used, so none gets a
//!   cheaper primitive. Each task owns an `Arc` clone of the latch, on every runtime alike.
//!   Join handles are dropped (Tokio and rt detach; smol's tasks are
//!   `detach`ed explicitly), so no runtime pays for awaiting join handles either.
//! - rt and Tokio are built with `enable_all()`, and smol is driven by `smol::block_on`, which
//!   parks on smol's reactor: all three idle in their I/O driver as an application would run
//!   them. Until rt's I/O driver lands, its `enable_all()` parks on a plain thread parker (a
//!   mutex and condition variable), which is cheaper to wake than Tokio's epoll/eventfd pair;
//!   `spawn_many_remote` is the workload where that shows.

use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode};
use rt_benches::{Latch, NUM_PINGS, RemoteSpawner, round_trip, settle_allocator};

/// Tasks spawned per round by the `spawn_many_*` workloads.
const NUM_SPAWN: usize = 10_000;
/// Tasks in the `yield_many` workload.
const YIELD_TASKS: usize = 200;
/// `yield_now` calls made by each `yield_many` task.
const NUM_YIELD: usize = 1_000;
/// Length of the `chained_spawn` chain.
const CHAIN_LEN: usize = 1_000;

/// Opens the group `current_thread/<workload>`.
///
/// Every workload takes between a few hundred microseconds and a few tens of milliseconds per
/// round, so flat sampling (the same iteration count in every sample) keeps the sample count
/// without stretching the measurement time.
fn group<'c>(c: &'c mut Criterion, workload: &str) -> BenchmarkGroup<'c, WallTime> {
    let mut group = c.benchmark_group(format!("current_thread/{workload}"));
    group.sampling_mode(SamplingMode::Flat);
    group
}

/// rt's current-thread runtime, with every driver it has.
fn rt_runtime() -> rt::runtime::Runtime {
    rt::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Tokio's current-thread runtime, with its I/O and time drivers.
fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// One task spawns `NUM_SPAWN` empty tasks, each of which counts down the latch.
///
/// The spawning happens inside a spawned task (not in the `block_on` future itself) so that
/// every runtime spawns from a task it is running.
fn spawn_many_local(c: &mut Criterion) {
    let mut group = group(c, "spawn_many_local");
    let latch = Arc::new(Latch::new());

    {
        let rt = rt_runtime();
        group.bench_function("rt", |b| {
            b.iter(|| {
                latch.arm(NUM_SPAWN);
                rt.block_on(async {
                    let latch_ = latch.clone();
                    drop(rt::spawn(async move {
                        for _ in 0..NUM_SPAWN {
                            let latch = latch_.clone();
                            drop(rt::spawn(async move { latch.count_down() }));
                        }
                    }));
                    latch.wait().await;
                });
            })
        });
    }

    {
        let rt = tokio_runtime();
        group.bench_function("tokio", |b| {
            b.iter(|| {
                latch.arm(NUM_SPAWN);
                rt.block_on(async {
                    let latch_ = latch.clone();
                    drop(tokio::spawn(async move {
                        for _ in 0..NUM_SPAWN {
                            let latch = latch_.clone();
                            drop(tokio::spawn(async move { latch.count_down() }));
                        }
                    }));
                    latch.wait().await;
                });
            })
        });
    }

    {
        // rt and Tokio find the runtime through a thread-local; a smol task needs the executor
        // handed to it, and an `Rc` clone is the cheapest way to do that.
        let ex = Rc::new(smol::LocalExecutor::new());
        group.bench_function("smol", |b| {
            b.iter(|| {
                latch.arm(NUM_SPAWN);
                smol::block_on(ex.run(async {
                    let latch_ = latch.clone();
                    let ex_ = ex.clone();
                    ex.spawn(async move {
                        for _ in 0..NUM_SPAWN {
                            let latch = latch_.clone();
                            ex_.spawn(async move { latch.count_down() }).detach();
                        }
                    })
                    .detach();
                    latch.wait().await;
                }));
            })
        });
    }

    group.finish();
}

/// A helper thread spawns `NUM_SPAWN` empty tasks through a handle while the bench thread
/// drives the runtime, blocked on the latch.
///
/// The helper thread is started once per benchmark function and triggered once per round (a
/// std channel message, the same for every runtime), so thread start-up is not measured.
/// Unlike Tokio's `spawn_many_remote_idle`, which spawns before `block_on`, the spawns here
/// race with the runtime running them, so the cost of waking a parked runtime from another
/// thread is part of what is measured.
fn spawn_many_remote(c: &mut Criterion) {
    let mut group = group(c, "spawn_many_remote");
    let latch = Arc::new(Latch::new());

    {
        let rt = rt_runtime();
        let handle = rt.handle().clone();
        let latch_ = latch.clone();
        let spawner = RemoteSpawner::new(move || {
            for _ in 0..NUM_SPAWN {
                let latch = latch_.clone();
                drop(handle.spawn(async move { latch.count_down() }));
            }
        });
        group.bench_function("rt", |b| {
            b.iter(|| {
                latch.arm(NUM_SPAWN);
                spawner.trigger();
                rt.block_on(latch.wait());
            })
        });
    }

    {
        let rt = tokio_runtime();
        let handle = rt.handle().clone();
        let latch_ = latch.clone();
        let spawner = RemoteSpawner::new(move || {
            for _ in 0..NUM_SPAWN {
                let latch = latch_.clone();
                drop(handle.spawn(async move { latch.count_down() }));
            }
        });
        group.bench_function("tokio", |b| {
            b.iter(|| {
                latch.arm(NUM_SPAWN);
                spawner.trigger();
                rt.block_on(latch.wait());
            })
        });
    }

    {
        // A `LocalExecutor` is `!Send`, so nothing can spawn onto it from another thread.
        // smol's thread-safe `Executor` is used instead, run by the bench thread alone: one
        // thread drives it, as one thread drives the rt and Tokio runtimes above.
        let ex = Arc::new(smol::Executor::new());
        let ex_ = ex.clone();
        let latch_ = latch.clone();
        let spawner = RemoteSpawner::new(move || {
            for _ in 0..NUM_SPAWN {
                let latch = latch_.clone();
                ex_.spawn(async move { latch.count_down() }).detach();
            }
        });
        group.bench_function("smol", |b| {
            b.iter(|| {
                latch.arm(NUM_SPAWN);
                spawner.trigger();
                smol::block_on(ex.run(latch.wait()));
            })
        });
    }

    group.finish();
}

/// `YIELD_TASKS` tasks each yield `NUM_YIELD` times, then count down the latch.
fn yield_many(c: &mut Criterion) {
    let mut group = group(c, "yield_many");
    let latch = Arc::new(Latch::new());

    {
        let rt = rt_runtime();
        group.bench_function("rt", |b| {
            b.iter(|| {
                latch.arm(YIELD_TASKS);
                rt.block_on(async {
                    for _ in 0..YIELD_TASKS {
                        let latch = latch.clone();
                        drop(rt::spawn(async move {
                            for _ in 0..NUM_YIELD {
                                rt::task::yield_now().await;
                            }
                            latch.count_down();
                        }));
                    }
                    latch.wait().await;
                });
            })
        });
    }

    {
        let rt = tokio_runtime();
        group.bench_function("tokio", |b| {
            b.iter(|| {
                latch.arm(YIELD_TASKS);
                rt.block_on(async {
                    for _ in 0..YIELD_TASKS {
                        let latch = latch.clone();
                        drop(tokio::spawn(async move {
                            for _ in 0..NUM_YIELD {
                                tokio::task::yield_now().await;
                            }
                            latch.count_down();
                        }));
                    }
                    latch.wait().await;
                });
            })
        });
    }

    {
        let ex = smol::LocalExecutor::new();
        group.bench_function("smol", |b| {
            b.iter(|| {
                latch.arm(YIELD_TASKS);
                smol::block_on(ex.run(async {
                    for _ in 0..YIELD_TASKS {
                        let latch = latch.clone();
                        ex.spawn(async move {
                            for _ in 0..NUM_YIELD {
                                smol::future::yield_now().await;
                            }
                            latch.count_down();
                        })
                        .detach();
                    }
                    latch.wait().await;
                }));
            })
        });
    }

    group.finish();
}

/// Tokio's `ping_pong`: from inside the runtime, `NUM_PINGS` tasks are spawned, each
/// making one [`round_trip!`](rt_benches::round_trip) with a peer it spawns.
fn ping_pong(c: &mut Criterion) {
    let mut group = group(c, "ping_pong");
    let latch = Arc::new(Latch::new());

    {
        let rt = rt_runtime();
        group.bench_function("rt", |b| {
            b.iter(|| {
                latch.arm(NUM_PINGS);
                rt.block_on(async {
                    for _ in 0..NUM_PINGS {
                        drop(rt::spawn(round_trip!(
                            |f| drop(rt::spawn(f)),
                            latch.clone()
                        )));
                    }
                    latch.wait().await;
                });
            })
        });
    }

    {
        let rt = tokio_runtime();
        group.bench_function("tokio", |b| {
            b.iter(|| {
                latch.arm(NUM_PINGS);
                rt.block_on(async {
                    for _ in 0..NUM_PINGS {
                        drop(tokio::spawn(round_trip!(
                            |f| drop(tokio::spawn(f)),
                            latch.clone()
                        )));
                    }
                    latch.wait().await;
                });
            })
        });
    }

    {
        let ex = Rc::new(smol::LocalExecutor::new());
        group.bench_function("smol", |b| {
            b.iter(|| {
                latch.arm(NUM_PINGS);
                smol::block_on(ex.run(async {
                    for _ in 0..NUM_PINGS {
                        let inner = ex.clone();
                        ex.spawn(round_trip!(move |f| inner.spawn(f).detach(), latch.clone()))
                            .detach();
                    }
                    latch.wait().await;
                }));
            })
        });
    }

    group.finish();
}

/// A chain of `CHAIN_LEN` tasks, each spawning the next; the last counts down the latch.
fn chained_spawn(c: &mut Criterion) {
    let mut group = group(c, "chained_spawn");
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
                rt.block_on(async {
                    link(latch.clone(), CHAIN_LEN);
                    latch.wait().await;
                });
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
                rt.block_on(async {
                    link(latch.clone(), CHAIN_LEN);
                    latch.wait().await;
                });
            })
        });
    }

    {
        // Each smol task carries the executor to spawn the next one (see `spawn_many_local`).
        fn link(ex: Rc<smol::LocalExecutor<'static>>, latch: Arc<Latch>, left: usize) {
            if left == 0 {
                latch.count_down();
            } else {
                let next = ex.clone();
                ex.spawn(async move { link(next, latch, left - 1) })
                    .detach();
            }
        }

        let ex = Rc::new(smol::LocalExecutor::new());
        group.bench_function("smol", |b| {
            b.iter(|| {
                latch.arm(1);
                smol::block_on(ex.run(async {
                    link(ex.clone(), latch.clone(), CHAIN_LEN);
                    latch.wait().await;
                }));
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

    // Modest settings so the whole file runs in a couple of minutes on two cores. They are set
    // before `configure_from_args`, so `--sample-size`, `--measurement-time`, `--quick` and
    // friends on the command line still win.
    let mut c = Criterion::default()
        .sample_size(25)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();

    spawn_many_local(&mut c);
    spawn_many_remote(&mut c);
    yield_many(&mut c);
    ping_pong(&mut c);
    chained_spawn(&mut c);

    c.final_summary();
}
