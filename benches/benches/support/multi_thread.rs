#![allow(dead_code)] // Each bench file uses part of this module.
//! The runtimes and group naming shared by the bench files that run on multi-thread
//! runtimes (`rt_multi_threaded.rs`, `sync.rs`, `net.rs`): include with
//! `#[path = "support/multi_thread.rs"] mod multi_thread;`.

use std::sync::Arc;
use std::thread;

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

/// smol's thread-safe `Executor`, run by `WORKERS` threads until dropped.
///
/// This is how smol's documentation sets up a multi-threaded executor: each thread runs
/// `smol::block_on(ex.run(shutdown))`, so one idle thread waits on the reactor and the others
/// on their parkers, much as Tokio's and rt's idle workers do.
pub struct SmolPool {
    /// The executor the threads run.
    pub ex: Arc<smol::Executor<'static>>,
    /// Dropped first on drop: the threads' `run` futures then complete.
    shutdown: Option<smol::channel::Sender<()>>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl SmolPool {
    /// Starts the executor threads.
    pub fn new() -> Self {
        let ex = Arc::new(smol::Executor::new());
        let (shutdown, signal) = smol::channel::bounded::<()>(1);
        let threads = (0..WORKERS)
            .map(|i| {
                let ex = ex.clone();
                let signal = signal.clone();
                thread::Builder::new()
                    .name(format!("smol-worker-{i}"))
                    .spawn(move || {
                        // `recv` fails once the sender is dropped: that is the signal.
                        let _ = smol::block_on(ex.run(signal.recv()));
                    })
                    .expect("failed to start a smol executor thread")
            })
            .collect();
        Self {
            ex,
            shutdown: Some(shutdown),
            threads,
        }
    }
}

impl Drop for SmolPool {
    fn drop(&mut self) {
        drop(self.shutdown.take());
        for thread in self.threads.drain(..) {
            // A panic on an executor thread has already been reported; don't panic in drop.
            let _ = thread.join();
        }
    }
}
