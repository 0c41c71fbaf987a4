//! Timer benchmarks: rt's `rt::time` against Tokio's `tokio::time` and smol's `Timer`
//! (async-io's), side by side.
//!
//! Benchmark ids are `time/<workload>/<runtime>`, the runtime being `rt`, `tokio` or `smol`.
//! The workloads (one round each):
//!
//! - `timeout_ready_1t`: one task wraps a ready future in a 1 s timeout and awaits it,
//!   1,000,000 times, on a single-threaded runtime. The timer is created but, the future
//!   being ready, never registered. smol has no timeout; its equivalent is the future `or` a
//!   `Timer`.
//! - `sleep_register_drop_1t`: one task creates a 1 s sleep, polls it once (which registers
//!   it with the timer) and drops it (which cancels it), 100,000 times, on a
//!   single-threaded runtime: the "timeout that never fires" of a server.
//! - `sleep_register_drop_mt`: the same, split between one task per worker of a two-worker
//!   multi-thread runtime (smol: two threads running one `Executor`).
//!
//! Firing precision is not a time criterion can measure: after the groups, each runtime
//! sleeps 1,000 tasks for random durations of 1–50 ms, five rounds, and the lateness of
//! their wake-ups (p50, p99, max) and the process's CPU time per wall second are printed to
//! stderr.
//!
//! # Fairness
//!
//! - Runtimes are built once per benchmark function, outside the measured loop; rt and Tokio
//!   with `enable_all()`; smol's single-threaded contender runs in `smol::block_on`, which
//!   parks on smol's reactor.
//! - Rounds end the same way on every runtime: a task counts down a `Latch` (multi-thread)
//!   or the `block_on` future returns (single-threaded).
//! - The workload is written once per contender with the same steps and durations.

#[path = "support/multi_thread.rs"]
mod multi_thread;

use std::future::Future;
use std::hint::black_box;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use criterion::Criterion;
use multi_thread::{SmolPool, WORKERS, group, rt_runtime, tokio_runtime};
use rt_benches::{Latch, settle_allocator};

/// Timeouts per round in `timeout_ready_1t`.
const TIMEOUTS: usize = 1_000_000;
/// Sleeps registered and dropped per round in `sleep_register_drop_*`.
const SLEEPS: usize = 100_000;
/// The duration of the timers that never fire.
const LONG: Duration = Duration::from_secs(1);
/// Sleeps per precision round.
const PRECISION_SLEEPS: usize = 1_000;
/// Precision rounds per runtime.
const PRECISION_ROUNDS: usize = 5;

/// Polls `future` once, whatever it returns: registers a timer with its runtime.
async fn poll_once<F: Future>(future: Pin<&mut F>) {
    let mut future = Some(future);
    std::future::poll_fn(|cx| {
        let _ = future.take().expect("polled once").poll(cx);
        Poll::Ready(())
    })
    .await
}

fn rt_current_thread() -> rt::runtime::Runtime {
    rt::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn tokio_current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// `TIMEOUTS` timeouts around a ready future, on one thread.
fn timeout_ready(c: &mut Criterion) {
    let mut group = group(c, "time", "timeout_ready_1t");
    {
        let rt = rt_current_thread();
        group.bench_function("rt", |b| {
            b.iter(|| {
                rt.block_on(async {
                    for i in 0..TIMEOUTS {
                        let out = rt::time::timeout(LONG, async { i }).await;
                        black_box(out.unwrap());
                    }
                })
            })
        });
    }
    {
        let rt = tokio_current_thread();
        group.bench_function("tokio", |b| {
            b.iter(|| {
                rt.block_on(async {
                    for i in 0..TIMEOUTS {
                        let out = tokio::time::timeout(LONG, async { i }).await;
                        black_box(out.unwrap());
                    }
                })
            })
        });
    }
    group.bench_function("smol", |b| {
        use smol::future::FutureExt;
        b.iter(|| {
            smol::block_on(async {
                for i in 0..TIMEOUTS {
                    // The timer is made before the race, as `timeout` makes its sleep: made
                    // inside the losing branch, it would never be made at all.
                    let timer = smol::Timer::after(LONG);
                    let out = async { Ok(i) }
                        .or(async move {
                            timer.await;
                            Err(())
                        })
                        .await;
                    black_box(out.unwrap());
                }
            })
        })
    });
    group.finish();
}

/// One task's share of `sleep_register_drop_*`, per runtime.
macro_rules! register_drop {
    ($n:expr, $sleep:expr) => {
        for _ in 0..$n {
            let mut sleep = pin!($sleep);
            poll_once(sleep.as_mut()).await;
        }
    };
}

/// `SLEEPS` sleeps registered and dropped on one thread.
fn sleep_register_drop_1t(c: &mut Criterion) {
    let mut group = group(c, "time", "sleep_register_drop_1t");
    {
        let rt = rt_current_thread();
        group.bench_function("rt", |b| {
            b.iter(|| rt.block_on(async { register_drop!(SLEEPS, rt::time::sleep(LONG)) }))
        });
    }
    {
        let rt = tokio_current_thread();
        group.bench_function("tokio", |b| {
            b.iter(|| rt.block_on(async { register_drop!(SLEEPS, tokio::time::sleep(LONG)) }))
        });
    }
    group.bench_function("smol", |b| {
        b.iter(|| smol::block_on(async { register_drop!(SLEEPS, smol::Timer::after(LONG)) }))
    });
    group.finish();
}

/// `SLEEPS` sleeps registered and dropped by one task per worker.
fn sleep_register_drop_mt(c: &mut Criterion) {
    let mut group = group(c, "time", "sleep_register_drop_mt");
    let latch = Arc::new(Latch::new());
    {
        let rt = rt_runtime();
        group.bench_function("rt", |b| {
            b.iter(|| {
                latch.arm(WORKERS);
                for _ in 0..WORKERS {
                    let latch = latch.clone();
                    drop(rt.spawn(async move {
                        register_drop!(SLEEPS / WORKERS, rt::time::sleep(LONG));
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
                latch.arm(WORKERS);
                for _ in 0..WORKERS {
                    let latch = latch.clone();
                    drop(rt.spawn(async move {
                        register_drop!(SLEEPS / WORKERS, tokio::time::sleep(LONG));
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
                latch.arm(WORKERS);
                for _ in 0..WORKERS {
                    let latch = latch.clone();
                    pool.ex
                        .spawn(async move {
                            register_drop!(SLEEPS / WORKERS, smol::Timer::after(LONG));
                            latch.count_down();
                        })
                        .detach();
                }
                smol::block_on(latch.wait());
            })
        });
    }
    group.finish();
}

/// The random durations of a precision round: 1–50 ms, the same on every runtime.
fn precision_durations() -> Vec<Duration> {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    (0..PRECISION_SLEEPS)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Duration::from_micros(1_000 + x % 49_000)
        })
        .collect()
}

/// The process's user + system CPU time, from `/proc/self/stat` (clock ticks of 10 ms).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Prints the lateness percentiles of `rounds` (each a list of lateness per sleep).
fn report(name: &str, mut lateness: Vec<Duration>, wall: Duration, cpu: Option<Duration>) {
    lateness.sort();
    let at = |q: f64| lateness[((lateness.len() - 1) as f64 * q) as usize];
    let cpu = cpu.map_or("?".into(), |cpu| {
        format!("{:.0}%", 100.0 * cpu.as_secs_f64() / wall.as_secs_f64())
    });
    eprintln!(
        "time/precision/{name}: lateness of {} sleeps of 1-50 ms: p50 {:?}, p99 {:?}, max {:?}; CPU {cpu} of one core",
        lateness.len(),
        at(0.50),
        at(0.99),
        at(1.0),
    );
}

/// Prints the process's CPU time per wall second while `idle` runs (a runtime with one
/// task asleep): a timer layer must not poll while it waits.
fn idle_cpu(name: &str, idle: impl FnOnce()) {
    let cpu_before = cpu_time();
    let start = Instant::now();
    idle();
    let wall = start.elapsed();
    if let (Some(before), Some(after)) = (cpu_before, cpu_time()) {
        eprintln!(
            "time/idle/{name}: CPU {:.1}% of one core over {:?} with one task asleep",
            100.0 * (after - before).as_secs_f64() / wall.as_secs_f64(),
            wall
        );
    }
}

/// One precision measurement: `round` runs a round and returns the lateness of each sleep.
fn precision(name: &str, mut round: impl FnMut(Vec<Duration>) -> Vec<Duration>) {
    let cpu_before = cpu_time();
    let start = Instant::now();
    let mut all = Vec::new();
    for _ in 0..PRECISION_ROUNDS {
        all.extend(round(precision_durations()));
    }
    let wall = start.elapsed();
    let cpu = cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    report(name, all, wall, cpu);
}

/// Sleeps `durations.len()` tasks on `$spawn`, each to its own deadline, and collects how
/// late each woke, with `$sleep_until` and `$now`.
macro_rules! precision_round {
    ($durations:expr, $spawn:expr, $block_on:expr, $sleep_until:path, $now:path) => {{
        let durations: Vec<Duration> = $durations;
        let (tx, rx) = std::sync::mpsc::channel();
        let latch = Arc::new(Latch::new());
        latch.arm(durations.len());
        for d in durations {
            let tx = tx.clone();
            let latch = latch.clone();
            $spawn(async move {
                let deadline = $now() + d;
                $sleep_until(deadline).await;
                tx.send($now() - deadline).unwrap();
                latch.count_down();
            });
        }
        $block_on(latch.wait());
        drop(tx);
        rx.iter().collect::<Vec<Duration>>()
    }};
}

/// How long the idle measurement sleeps.
const IDLE: Duration = Duration::from_millis(500);

fn precision_all() {
    {
        let rt = rt_runtime();
        idle_cpu("rt (multi-thread)", || {
            rt.block_on(async { rt::time::sleep(IDLE).await })
        });
        precision("rt (multi-thread)", |d| {
            precision_round!(
                d,
                |f| drop(rt.spawn(f)),
                |f| rt.block_on(f),
                rt::time::sleep_until,
                rt::time::Instant::now
            )
        });
    }
    {
        let rt = rt_current_thread();
        idle_cpu("rt (current-thread)", || {
            rt.block_on(async { rt::time::sleep(IDLE).await })
        });
        precision("rt (current-thread)", |d| {
            precision_round!(
                d,
                |f| drop(rt.spawn(f)),
                |f| rt.block_on(f),
                rt::time::sleep_until,
                rt::time::Instant::now
            )
        });
    }
    {
        let rt = tokio_runtime();
        idle_cpu("tokio (multi-thread)", || {
            rt.block_on(async { tokio::time::sleep(IDLE).await })
        });
        precision("tokio (multi-thread)", |d| {
            precision_round!(
                d,
                |f| drop(rt.spawn(f)),
                |f| rt.block_on(f),
                tokio::time::sleep_until,
                tokio::time::Instant::now
            )
        });
    }
    {
        let rt = tokio_current_thread();
        precision("tokio (current-thread)", |d| {
            precision_round!(
                d,
                |f| drop(rt.spawn(f)),
                |f| rt.block_on(f),
                tokio::time::sleep_until,
                tokio::time::Instant::now
            )
        });
    }
    {
        let pool = SmolPool::new();
        idle_cpu("smol (2 threads)", || {
            smol::block_on(smol::Timer::after(IDLE));
        });
        precision("smol (2 threads)", |d| {
            precision_round!(
                d,
                |f| pool.ex.spawn(f).detach(),
                smol::block_on,
                smol_sleep_until,
                Instant::now
            )
        });
    }
}

/// smol's `Timer::at` as an async function of a deadline, like the others'.
async fn smol_sleep_until(deadline: Instant) {
    smol::Timer::at(deadline).await;
}

fn main() {
    settle_allocator();

    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();

    timeout_ready(&mut c);
    sleep_register_drop_1t(&mut c);
    sleep_register_drop_mt(&mut c);
    c.final_summary();

    // The precision figures are printed, not measured by criterion: skip them when the
    // command line filters the benchmarks to something else.
    let filtered_out = std::env::args()
        .skip(1)
        .any(|arg| !arg.starts_with('-') && !"time/precision".contains(arg.as_str()));
    if !filtered_out {
        precision_all();
    }
}
