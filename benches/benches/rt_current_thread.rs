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
//! - `ping_pong`: 1,000 tasks each spawn a peer and make one round trip with it through two
//!   oneshot channels (`futures-channel`'s, which belongs to no runtime).
//! - `chained_spawn`: a chain of 1,000 tasks, each spawning the next.
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
//!   them.
//! - rt and Tokio run the same round code: it is written once in the `workloads!` macro and
//!   instantiated with each runtime's crate (rt has Tokio's paths). smol's rounds
//!   ([`on_smol`]) take the same steps, but hand the executor to the tasks that spawn.

use std::sync::Arc;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode};
use rt_benches::{Latch, RemoteSpawner, settle_allocator};

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

/// The rounds on rt and Tokio, written once and instantiated per runtime with its crate (rt has
/// Tokio's paths: `runtime::Runtime`, `spawn`, `task::yield_now`). Each round arms the latch and
/// drives the runtime with `block_on` until the latch opens.
macro_rules! workloads {
    ($name:ident, $krate:ident) => {
        mod $name {
            use std::sync::Arc;

            use criterion::BenchmarkGroup;
            use criterion::measurement::WallTime;
            use rt_benches::{Latch, NUM_PINGS, round_trip};

            use super::{CHAIN_LEN, NUM_SPAWN, NUM_YIELD, YIELD_TASKS, measure_remote};

            /// `spawn_many_local`: the spawning task is spawned by the `block_on` future.
            pub fn spawn_many_local(runtime: &$krate::runtime::Runtime, latch: &Arc<Latch>) {
                latch.arm(NUM_SPAWN);
                runtime.block_on(async {
                    let latch_ = latch.clone();
                    drop($krate::spawn(async move {
                        for _ in 0..NUM_SPAWN {
                            let latch = latch_.clone();
                            drop($krate::spawn(async move { latch.count_down() }));
                        }
                    }));
                    latch.wait().await;
                });
            }

            /// `spawn_many_remote` on `runtime`, measured under `id`: the helper thread
            /// spawns through a handle (see [`measure_remote`]).
            pub fn spawn_many_remote(
                group: &mut BenchmarkGroup<'_, WallTime>,
                id: &str,
                latch: &Arc<Latch>,
                runtime: $krate::runtime::Runtime,
            ) {
                let handle = runtime.handle().clone();
                measure_remote(
                    group,
                    id,
                    latch,
                    move |latch| drop(handle.spawn(async move { latch.count_down() })),
                    |latch| runtime.block_on(latch.wait()),
                );
            }

            /// `yield_many`: the yielding tasks are spawned by the `block_on` future.
            pub fn yield_many(runtime: &$krate::runtime::Runtime, latch: &Arc<Latch>) {
                latch.arm(YIELD_TASKS);
                runtime.block_on(async {
                    for _ in 0..YIELD_TASKS {
                        let latch = latch.clone();
                        drop($krate::spawn(async move {
                            for _ in 0..NUM_YIELD {
                                $krate::task::yield_now().await;
                            }
                            latch.count_down();
                        }));
                    }
                    latch.wait().await;
                });
            }

            /// `ping_pong`: the pings are spawned by the `block_on` future.
            pub fn ping_pong(runtime: &$krate::runtime::Runtime, latch: &Arc<Latch>) {
                latch.arm(NUM_PINGS);
                runtime.block_on(async {
                    for _ in 0..NUM_PINGS {
                        drop($krate::spawn(round_trip!(
                            |f| drop($krate::spawn(f)),
                            latch.clone()
                        )));
                    }
                    latch.wait().await;
                });
            }

            /// `chained_spawn`: the `block_on` future runs the first link.
            pub fn chained_spawn(runtime: &$krate::runtime::Runtime, latch: &Arc<Latch>) {
                latch.arm(1);
                runtime.block_on(async {
                    link(latch.clone(), CHAIN_LEN);
                    latch.wait().await;
                });
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
        }
    };
}

workloads!(on_rt, rt);
workloads!(on_tokio, tokio);

/// The rounds on smol: the steps of `workloads!`, with tasks spawned onto the executor and
/// detached, and the executor driven by `smol::block_on`.
mod on_smol {
    use std::future::Future;
    use std::rc::Rc;
    use std::sync::Arc;

    use criterion::BenchmarkGroup;
    use criterion::measurement::WallTime;
    use rt_benches::{Latch, NUM_PINGS, round_trip};

    use super::{CHAIN_LEN, NUM_SPAWN, NUM_YIELD, YIELD_TASKS, measure_remote};

    /// `spawn_many_local`.
    pub fn spawn_many_local(ex: &Rc<smol::LocalExecutor<'static>>, latch: &Arc<Latch>) {
        latch.arm(NUM_SPAWN);
        smol::block_on(ex.run(async {
            let latch_ = latch.clone();
            spawn_with_executor(ex, |ex| async move {
                for _ in 0..NUM_SPAWN {
                    let latch = latch_.clone();
                    ex.spawn(async move { latch.count_down() }).detach();
                }
            });
            latch.wait().await;
        }));
    }

    /// `spawn_many_remote`, measured under `id` (see [`measure_remote`]).
    pub fn spawn_many_remote(
        group: &mut BenchmarkGroup<'_, WallTime>,
        id: &str,
        latch: &Arc<Latch>,
    ) {
        // A `LocalExecutor` is `!Send`, so nothing can spawn onto it from another thread.
        // smol's thread-safe `Executor` is used instead, run by the bench thread alone: one
        // thread drives it, as one thread drives the rt and Tokio runtimes.
        let ex = Arc::new(smol::Executor::new());
        let ex_ = ex.clone();
        measure_remote(
            group,
            id,
            latch,
            move |latch| ex_.spawn(async move { latch.count_down() }).detach(),
            |latch| smol::block_on(ex.run(latch.wait())),
        );
    }

    /// `yield_many`, on an executor that no task is handed.
    pub fn yield_many(ex: &smol::LocalExecutor<'static>, latch: &Arc<Latch>) {
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
    }

    /// `ping_pong`.
    pub fn ping_pong(ex: &Rc<smol::LocalExecutor<'static>>, latch: &Arc<Latch>) {
        latch.arm(NUM_PINGS);
        smol::block_on(ex.run(async {
            for _ in 0..NUM_PINGS {
                spawn_with_executor(ex, |inner| {
                    round_trip!(move |f| inner.spawn(f).detach(), latch.clone())
                });
            }
            latch.wait().await;
        }));
    }

    /// `chained_spawn`.
    pub fn chained_spawn(ex: &Rc<smol::LocalExecutor<'static>>, latch: &Arc<Latch>) {
        latch.arm(1);
        smol::block_on(ex.run(async {
            link(ex.clone(), latch.clone(), CHAIN_LEN);
            latch.wait().await;
        }));
    }

    /// One link of the `chained_spawn` chain, carrying the executor to spawn the next one.
    fn link(ex: Rc<smol::LocalExecutor<'static>>, latch: Arc<Latch>, left: usize) {
        if left == 0 {
            latch.count_down();
        } else {
            spawn_with_executor(&ex, |next| async move { link(next, latch, left - 1) });
        }
    }

    /// Spawns onto `ex`, detached, the task that `task` makes from a clone of `ex`: the
    /// executor for it to spawn onto.
    ///
    /// rt and Tokio find the runtime through a thread-local; a smol task needs the executor
    /// handed to it, and an `Rc` clone is the cheapest way to do that.
    fn spawn_with_executor<F>(
        ex: &Rc<smol::LocalExecutor<'static>>,
        task: impl FnOnce(Rc<smol::LocalExecutor<'static>>) -> F,
    ) where
        F: Future<Output = ()> + 'static,
    {
        ex.spawn(task(ex.clone())).detach();
    }
}

/// Measures one workload on rt, Tokio and smol in `group`, then finishes it: each runtime is
/// built just before its turn and dropped after it, and the rounds share one latch.
///
/// smol's executor is the `S` its round takes, built with `S::default()`: an `Rc` of a
/// `LocalExecutor` where tasks are handed the executor, the `LocalExecutor` itself otherwise.
fn compare<S: Default>(
    mut group: BenchmarkGroup<'_, WallTime>,
    rt_round: impl Fn(&rt::runtime::Runtime, &Arc<Latch>),
    tokio_round: impl Fn(&tokio::runtime::Runtime, &Arc<Latch>),
    smol_round: impl Fn(&S, &Arc<Latch>),
) {
    let latch = Arc::new(Latch::new());
    {
        let runtime = rt_runtime();
        group.bench_function("rt", |b| b.iter(|| rt_round(&runtime, &latch)));
    }
    {
        let runtime = tokio_runtime();
        group.bench_function("tokio", |b| b.iter(|| tokio_round(&runtime, &latch)));
    }
    {
        let ex = S::default();
        group.bench_function("smol", |b| b.iter(|| smol_round(&ex, &latch)));
    }
    group.finish();
}

/// Measures `spawn_many_remote` on one runtime under `id`: a [`RemoteSpawner`] calls `spawn`
/// with a clone of the latch `NUM_SPAWN` times per round, while the bench thread drives the
/// runtime with `block_on` until the latch opens. The helper thread is stopped before this
/// returns, so before the caller drops its runtime.
fn measure_remote(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    latch: &Arc<Latch>,
    spawn: impl Fn(Arc<Latch>) + Send + 'static,
    block_on: impl Fn(&Latch),
) {
    let latch_ = latch.clone();
    let spawner = RemoteSpawner::new(move || {
        for _ in 0..NUM_SPAWN {
            spawn(latch_.clone());
        }
    });
    group.bench_function(id, |b| {
        b.iter(|| {
            latch.arm(NUM_SPAWN);
            spawner.trigger();
            block_on(latch);
        })
    });
}

/// One task spawns `NUM_SPAWN` empty tasks, each of which counts down the latch.
///
/// The spawning happens inside a spawned task (not in the `block_on` future itself) so that
/// every runtime spawns from a task it is running.
fn spawn_many_local(c: &mut Criterion) {
    compare(
        group(c, "spawn_many_local"),
        on_rt::spawn_many_local,
        on_tokio::spawn_many_local,
        on_smol::spawn_many_local,
    );
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
    // Each runtime is built as its turn comes, and dropped when it ends.
    on_rt::spawn_many_remote(&mut group, "rt", &latch, rt_runtime());
    on_tokio::spawn_many_remote(&mut group, "tokio", &latch, tokio_runtime());
    on_smol::spawn_many_remote(&mut group, "smol", &latch);
    group.finish();
}

/// `YIELD_TASKS` tasks each yield `NUM_YIELD` times, then count down the latch.
fn yield_many(c: &mut Criterion) {
    compare(
        group(c, "yield_many"),
        on_rt::yield_many,
        on_tokio::yield_many,
        on_smol::yield_many,
    );
}

/// Tokio's `ping_pong`: from inside the runtime, `NUM_PINGS` tasks are spawned, each
/// making one [`round_trip!`](rt_benches::round_trip) with a peer it spawns.
fn ping_pong(c: &mut Criterion) {
    compare(
        group(c, "ping_pong"),
        on_rt::ping_pong,
        on_tokio::ping_pong,
        on_smol::ping_pong,
    );
}

/// A chain of `CHAIN_LEN` tasks, each spawning the next; the last counts down the latch.
fn chained_spawn(c: &mut Criterion) {
    compare(
        group(c, "chained_spawn"),
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
