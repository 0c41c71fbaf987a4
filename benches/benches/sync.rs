//! Synchronisation-primitive benchmarks: rt's `rt::sync` against Tokio's `tokio::sync`, and,
//! in the mpsc groups, against `async-channel` (the channel smol re-exports as
//! `smol::channel`).
//!
//! Every contender runs on a multi-thread runtime with two workers (the baseline machine has
//! two cores): `rt::sync` on rt's, `tokio::sync` on Tokio's. `async-channel` belongs to no
//! runtime; it runs on Tokio's multi-thread runtime, so its numbers differ from Tokio's only
//! by the channel.
//!
//! Benchmark ids are `sync/<workload>/<runtime>`, the runtime being `rt` or `tokio`, and in
//! the mpsc groups also `smol`: **the function id `smol` holds async-channel's results** (on
//! Tokio's runtime), so that `cargo xtask bench`, which knows the ids `rt`, `tokio` and
//! `smol` only, shows them in its third column (`rt/smol` is then rt / async-channel).
//!
//! The workloads (one round each):
//!
//! - `mpsc_bounded_1p`: one producer task sends 100,000 messages through a channel of
//!   capacity 1,024 to one consumer task.
//! - `mpsc_bounded_4p`: the same with four producers sending 25,000 messages each.
//! - `mpsc_unbounded_1p`, `mpsc_unbounded_4p`: the same through an unbounded channel.
//! - `mutex_contended`: four tasks each lock one shared `Mutex`, increment it and unlock it,
//!   10,000 times.
//! - `semaphore`: four tasks each acquire and release a permit of a two-permit `Semaphore`,
//!   10,000 times.
//! - `oneshot`: one task creates a oneshot channel, sends on it and receives from it, 10,000
//!   times.
//! - `broadcast_16`: one sender task sends 1,000 values; 16 receiver tasks each receive all
//!   of them.
//!
//! # Fairness
//!
//! The rules of `rt_multi_threaded.rs` hold here too:
//!
//! - Each runtime is built once per benchmark function, outside the measured loop, and
//!   dropped before the next one is built; rt and Tokio are built with `enable_all()`.
//! - `settle_allocator` runs first, so that the contender measured first is not penalised.
//! - Every round ends the same way: the tasks count down an `Arc<Latch>` and the bench thread,
//!   which is never a worker, blocks in its runtime's `block_on` until the latch opens. Join
//!   handles are dropped (detached). Channels, locks and semaphores are created inside the
//!   round, on every contender.
//! - The workload code is written once (the macros below) and instantiated per contender, so
//!   the contenders run the same steps. The only difference is async-channel's unbounded
//!   send: Tokio's and rt's unbounded `send` are not `async`, so async-channel uses its
//!   non-`async` `try_send`, which cannot fail on an unbounded channel that is open.
//! - The broadcast capacity (1,024) exceeds the values sent per round, so no receiver lags.

#[path = "support/multi_thread.rs"]
mod multi_thread;

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::Criterion;
use multi_thread::{group, rt_runtime, tokio_runtime};
use rt_benches::{Latch, settle_allocator};

/// Messages per round in the mpsc workloads, split evenly between the producers.
const MESSAGES: usize = 100_000;
/// Capacity of the bounded mpsc channels.
const CAPACITY: usize = 1_024;
/// Producers in the `*_4p` workloads.
const PRODUCERS: usize = 4;
/// Tasks contending in `mutex_contended` and `semaphore`.
const TASKS: usize = 4;
/// Lock (or acquire) operations per task in `mutex_contended` and `semaphore`.
const OPS: usize = 10_000;
/// Permits of the semaphore in `semaphore`.
const PERMITS: usize = 2;
/// Oneshot channels per round in `oneshot`.
const ONESHOTS: usize = 10_000;
/// Receivers in `broadcast_16`.
const RECEIVERS: usize = 16;
/// Values sent per round in `broadcast_16`.
const VALUES: usize = 1_000;
/// Capacity of the broadcast channel: more than `VALUES`, so no receiver ever lags.
const BROADCAST_CAPACITY: usize = 1_024;

/// One mpsc round on `$runtime`: `$producers` tasks send `MESSAGES / $producers` messages
/// each, with `$send` (in which `$tx` is the task's sender and `$i` the message), through
/// the channel `$channel` to one consumer task, which counts down `$latch` once it has
/// received them all; the bench thread waits for the latch.
macro_rules! mpsc_round {
    (
        $runtime:expr, $latch:expr, $channel:expr, $producers:expr,
        |$tx:ident, $i:ident| $send:expr
    ) => {{
        let runtime = &$runtime;
        let latch: &Arc<Latch> = $latch;
        latch.arm(1);
        // async-channel's `recv` takes `&self`; Tokio's and rt's take `&mut self`.
        #[allow(unused_mut)]
        let (tx, mut rx) = $channel;
        for _ in 0..$producers {
            let $tx = tx.clone();
            drop(runtime.spawn(async move {
                for $i in 0..MESSAGES / $producers {
                    $send;
                }
            }));
        }
        drop(tx);
        let latch_ = latch.clone();
        drop(runtime.spawn(async move {
            for _ in 0..MESSAGES {
                black_box(rx.recv().await.unwrap());
            }
            latch_.count_down();
        }));
        runtime.block_on(latch.wait());
    }};
}

/// A round on Tokio's runtime.
type OnTokio<'a> = dyn Fn(&tokio::runtime::Runtime, &Arc<Latch>) + 'a;

/// Measures one workload in the group `sync/<workload>`: on rt's runtime, on Tokio's and,
/// when given, with async-channel on Tokio's runtime under the id `smol` (see the file's
/// docs). Each runtime is built just before its turn and dropped after it; the rounds share
/// one latch.
fn compare(
    c: &mut Criterion,
    workload: &str,
    on_rt: impl Fn(&rt::runtime::Runtime, &Arc<Latch>),
    on_tokio: impl Fn(&tokio::runtime::Runtime, &Arc<Latch>),
    on_async_channel: Option<&OnTokio<'_>>,
) {
    let mut group = group(c, "sync", workload);
    let latch = Arc::new(Latch::new());
    {
        let runtime = rt_runtime();
        group.bench_function("rt", |b| b.iter(|| on_rt(&runtime, &latch)));
    }
    {
        let runtime = tokio_runtime();
        group.bench_function("tokio", |b| b.iter(|| on_tokio(&runtime, &latch)));
    }
    if let Some(on_async_channel) = on_async_channel {
        let runtime = tokio_runtime();
        group.bench_function("smol", |b| b.iter(|| on_async_channel(&runtime, &latch)));
    }
    group.finish();
}

/// The bounded mpsc workloads, with `producers` producers.
fn mpsc_bounded(c: &mut Criterion, workload: &str, producers: usize) {
    compare(
        c,
        workload,
        |runtime, latch| {
            mpsc_round!(
                runtime,
                latch,
                rt::sync::mpsc::channel::<usize>(CAPACITY),
                producers,
                |tx, i| tx.send(i).await.unwrap()
            )
        },
        |runtime, latch| {
            mpsc_round!(
                runtime,
                latch,
                tokio::sync::mpsc::channel::<usize>(CAPACITY),
                producers,
                |tx, i| tx.send(i).await.unwrap()
            )
        },
        Some(&|runtime, latch| {
            mpsc_round!(
                runtime,
                latch,
                async_channel::bounded::<usize>(CAPACITY),
                producers,
                |tx, i| tx.send(i).await.unwrap()
            )
        }),
    );
}

/// The unbounded mpsc workloads, with `producers` producers.
fn mpsc_unbounded(c: &mut Criterion, workload: &str, producers: usize) {
    compare(
        c,
        workload,
        |runtime, latch| {
            mpsc_round!(
                runtime,
                latch,
                rt::sync::mpsc::unbounded_channel::<usize>(),
                producers,
                |tx, i| tx.send(i).unwrap()
            )
        },
        |runtime, latch| {
            mpsc_round!(
                runtime,
                latch,
                tokio::sync::mpsc::unbounded_channel::<usize>(),
                producers,
                |tx, i| tx.send(i).unwrap()
            )
        },
        Some(&|runtime, latch| {
            mpsc_round!(
                runtime,
                latch,
                async_channel::unbounded::<usize>(),
                producers,
                |tx, i| tx.try_send(i).unwrap()
            )
        }),
    );
}

/// One contended round on `$runtime`: `TASKS` tasks share `$shared` (as `$s`, behind an
/// `Arc`) and each run `$op` `OPS` times, then count down `$latch`; the bench thread waits.
macro_rules! contended_round {
    ($runtime:expr, $latch:expr, $shared:expr, |$s:ident| $op:expr) => {{
        let runtime = &$runtime;
        let latch: &Arc<Latch> = $latch;
        latch.arm(TASKS);
        let shared = Arc::new($shared);
        for _ in 0..TASKS {
            let $s = shared.clone();
            let latch = latch.clone();
            drop(runtime.spawn(async move {
                for _ in 0..OPS {
                    $op;
                }
                latch.count_down();
            }));
        }
        runtime.block_on(latch.wait());
    }};
}

/// `TASKS` tasks each lock, increment and unlock one shared `Mutex<usize>`, `OPS` times.
fn mutex_contended(c: &mut Criterion) {
    compare(
        c,
        "mutex_contended",
        |runtime, latch| {
            contended_round!(runtime, latch, rt::sync::Mutex::new(0usize), |m| {
                *m.lock().await += 1
            })
        },
        |runtime, latch| {
            contended_round!(runtime, latch, tokio::sync::Mutex::new(0usize), |m| {
                *m.lock().await += 1
            })
        },
        None,
    );
}

/// `TASKS` tasks each acquire and release a permit of a `PERMITS`-permit semaphore, `OPS`
/// times.
fn semaphore(c: &mut Criterion) {
    compare(
        c,
        "semaphore",
        |runtime, latch| {
            contended_round!(runtime, latch, rt::sync::Semaphore::new(PERMITS), |s| {
                drop(black_box(s.acquire().await.unwrap()))
            })
        },
        |runtime, latch| {
            contended_round!(runtime, latch, tokio::sync::Semaphore::new(PERMITS), |s| {
                drop(black_box(s.acquire().await.unwrap()))
            })
        },
        None,
    );
}

/// One task creates a oneshot channel with `$channel`, sends on it and receives from it,
/// `ONESHOTS` times, then counts down `$latch`; the bench thread waits.
macro_rules! oneshot_round {
    ($runtime:expr, $latch:expr, $channel:path) => {{
        let runtime = &$runtime;
        let latch: &Arc<Latch> = $latch;
        latch.arm(1);
        let latch_ = latch.clone();
        drop(runtime.spawn(async move {
            for i in 0..ONESHOTS {
                let (tx, rx) = $channel();
                tx.send(i).unwrap();
                black_box(rx.await.unwrap());
            }
            latch_.count_down();
        }));
        runtime.block_on(latch.wait());
    }};
}

/// `ONESHOTS` oneshot channels created, sent on and received from, in one task.
fn oneshot(c: &mut Criterion) {
    compare(
        c,
        "oneshot",
        |runtime, latch| oneshot_round!(runtime, latch, rt::sync::oneshot::channel::<usize>),
        |runtime, latch| oneshot_round!(runtime, latch, tokio::sync::oneshot::channel::<usize>),
        None,
    );
}

/// One broadcast round on `$runtime`: `RECEIVERS` tasks each receive `VALUES` values from a
/// channel made by `$channel`, then count down `$latch`; one more task sends them. All the
/// receivers subscribe before the sender task is spawned.
macro_rules! broadcast_round {
    ($runtime:expr, $latch:expr, $channel:path) => {{
        let runtime = &$runtime;
        let latch: &Arc<Latch> = $latch;
        latch.arm(RECEIVERS);
        let (tx, _) = $channel(BROADCAST_CAPACITY);
        for _ in 0..RECEIVERS {
            let mut rx = tx.subscribe();
            let latch = latch.clone();
            drop(runtime.spawn(async move {
                for _ in 0..VALUES {
                    black_box(rx.recv().await.unwrap());
                }
                latch.count_down();
            }));
        }
        drop(runtime.spawn(async move {
            for i in 0..VALUES {
                tx.send(i).unwrap();
            }
        }));
        runtime.block_on(latch.wait());
    }};
}

/// One sender, `RECEIVERS` receivers, `VALUES` values each received by every receiver.
fn broadcast_16(c: &mut Criterion) {
    compare(
        c,
        "broadcast_16",
        |runtime, latch| broadcast_round!(runtime, latch, rt::sync::broadcast::channel::<usize>),
        |runtime, latch| broadcast_round!(runtime, latch, tokio::sync::broadcast::channel::<usize>),
        None,
    );
}

// What `criterion_group!` and `criterion_main!` would expand to, written out as in the other
// bench files.
fn main() {
    // Without this, whichever contender is measured first in the process is penalised by the
    // allocator's initial state (see `settle_allocator`).
    settle_allocator();

    // Lighter than the scheduler files' settings, so the whole file (19 benchmark functions)
    // runs in about three minutes on two cores; the command line still wins.
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();

    mpsc_bounded(&mut c, "mpsc_bounded_1p", 1);
    mpsc_bounded(&mut c, "mpsc_bounded_4p", PRODUCERS);
    mpsc_unbounded(&mut c, "mpsc_unbounded_1p", 1);
    mpsc_unbounded(&mut c, "mpsc_unbounded_4p", PRODUCERS);
    mutex_contended(&mut c);
    semaphore(&mut c);
    oneshot(&mut c);
    broadcast_16(&mut c);

    c.final_summary();
}
