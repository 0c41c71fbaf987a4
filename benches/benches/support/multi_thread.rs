//! The runtimes and group naming shared by the bench files that run on multi-thread
//! runtimes (`rt_multi_threaded.rs`, `sync.rs`): include with
//! `#[path = "support/multi_thread.rs"] mod multi_thread;`.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode};

/// Worker threads of every multi-thread runtime measured: one per core of this machine.
pub const WORKERS: usize = 2;

/// Opens the group `<prefix>/<workload>`, sampled flat (every round takes between a few
/// hundred microseconds and a few tens of milliseconds).
pub fn group<'c>(
    c: &'c mut Criterion,
    prefix: &str,
    workload: &str,
) -> BenchmarkGroup<'c, WallTime> {
    let mut group = c.benchmark_group(format!("{prefix}/{workload}"));
    group.sampling_mode(SamplingMode::Flat);
    group
}

/// rt's multi-thread runtime with `WORKERS` workers and every driver it has.
pub fn rt_runtime() -> rt::runtime::Runtime {
    rt::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .build()
        .unwrap()
}

/// Tokio's multi-thread runtime with `WORKERS` workers and its I/O and time drivers.
pub fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .build()
        .unwrap()
}
