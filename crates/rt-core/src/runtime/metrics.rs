//! Runtime metrics: cheap counters kept by each worker, read through [`RuntimeMetrics`].
//!
//! Each worker's counters have a single writer (that worker), so an update is a relaxed load
//! and store — no atomic read-modify-write on the hot path — and each worker's block sits on
//! its own cache lines, so workers never contend on them. Readers see values that may lag a
//! little, never torn ones.

use std::time::Duration;

use crossbeam_utils::CachePadded;

use super::Handle;
use crate::loom::atomic::{AtomicU64, Ordering::Relaxed};

/// Counters of one worker (the current-thread runtime has one).
#[derive(Default)]
pub(crate) struct WorkerMetrics {
    inner: CachePadded<Counters>,
}

#[derive(Default)]
struct Counters {
    park_count: AtomicU64,
    park_unpark_count: AtomicU64,
    steal_count: AtomicU64,
    poll_count: AtomicU64,
    busy_duration_ns: AtomicU64,
    overflow_count: AtomicU64,
    /// Sampled by schedulers whose queue others cannot read (current-thread).
    local_queue_depth: AtomicU64,
}

/// Adds `n` to a counter only one thread writes.
fn add(counter: &AtomicU64, n: u64) {
    // Ordering: Relaxed: a statistic with a single writer; readers need no other data.
    counter.store(counter.load(Relaxed).wrapping_add(n), Relaxed);
}

impl WorkerMetrics {
    pub(crate) fn incr_park_count(&self) {
        add(&self.inner.park_count, 1);
    }
    pub(crate) fn incr_park_unpark_count(&self) {
        add(&self.inner.park_unpark_count, 1);
    }
    pub(crate) fn incr_steal_count(&self, n: u64) {
        add(&self.inner.steal_count, n);
    }
    pub(crate) fn incr_poll_count(&self) {
        add(&self.inner.poll_count, 1);
    }
    pub(crate) fn add_busy_duration(&self, busy: Duration) {
        add(&self.inner.busy_duration_ns, busy.as_nanos() as u64);
    }
    pub(crate) fn incr_overflow_count(&self) {
        add(&self.inner.overflow_count, 1);
    }
    pub(crate) fn set_local_queue_depth(&self, depth: usize) {
        // Ordering: Relaxed: a sampled statistic.
        self.inner.local_queue_depth.store(depth as u64, Relaxed);
    }
    pub(crate) fn local_queue_depth(&self) -> usize {
        self.inner.local_queue_depth.load(Relaxed) as usize
    }
}

/// Counters of the whole runtime, written by several threads: only for rare events (the
/// spawn count, on every spawn, is kept by the owned-task list under a lock it holds anyway).
#[derive(Default)]
pub(crate) struct SchedulerMetrics {
    budget_forced_yield_count: CachePadded<AtomicU64>,
}

impl SchedulerMetrics {
    pub(crate) fn incr_budget_forced_yield_count(&self) {
        // Ordering: Relaxed: a statistic.
        self.budget_forced_yield_count.fetch_add(1, Relaxed);
    }
}

// Ordering: every read below is Relaxed: a statistic, read on its own (see the module doc).

/// A view of a runtime's metrics, from [`Handle::metrics`].
///
/// Values are read without stopping the runtime, so they may lag slightly; counters only
/// grow (until they wrap at `u64::MAX`). Workers are numbered `0..num_workers()`; the
/// current-thread runtime has one worker, the thread running `block_on`.
///
/// # Examples
///
/// ```
/// let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
/// rt.block_on(async { rt_core::spawn(async {}).await.unwrap() });
/// let metrics = rt.handle().metrics();
/// assert_eq!(metrics.num_workers(), 1);
/// assert!(metrics.spawned_tasks_count() >= 1);
/// assert!(metrics.worker_poll_count(0) >= 1);
/// ```
#[derive(Clone, Debug)]
pub struct RuntimeMetrics {
    handle: Handle,
}

impl RuntimeMetrics {
    pub(crate) fn new(handle: Handle) -> RuntimeMetrics {
        RuntimeMetrics { handle }
    }

    fn worker(&self, worker: usize) -> &WorkerMetrics {
        let workers = self.handle.inner.worker_metrics();
        assert!(
            worker < workers.len(),
            "worker index {worker} out of range: the runtime has {} workers",
            workers.len()
        );
        &workers[worker]
    }

    /// The number of worker threads the runtime uses.
    pub fn num_workers(&self) -> usize {
        self.handle.inner.worker_metrics().len()
    }

    /// The number of tasks currently alive (spawned and not yet complete and dropped).
    pub fn num_alive_tasks(&self) -> usize {
        self.handle.inner.num_alive_tasks()
    }

    /// The number of tasks waiting in the runtime's global (inject) queue.
    pub fn global_queue_depth(&self) -> usize {
        self.handle.inner.global_queue_depth()
    }

    /// The number of tasks spawned on this runtime since it was built.
    pub fn spawned_tasks_count(&self) -> u64 {
        self.handle.inner.spawned_tasks_count()
    }

    /// The number of threads in the blocking pool, busy or idle.
    pub fn num_blocking_threads(&self) -> usize {
        self.handle.inner.blocking_spawner().num_threads()
    }

    /// The number of idle threads in the blocking pool.
    pub fn num_idle_blocking_threads(&self) -> usize {
        self.handle.inner.blocking_spawner().num_idle_threads()
    }

    /// The number of blocking closures queued, waiting for a blocking-pool thread.
    pub fn blocking_queue_depth(&self) -> usize {
        self.handle.inner.blocking_spawner().queue_depth()
    }

    /// The number of times tasks were forced to yield because their coop budget ran out.
    pub fn budget_forced_yield_count(&self) -> u64 {
        self.handle
            .inner
            .scheduler_metrics()
            .budget_forced_yield_count
            .load(Relaxed)
    }

    /// The number of times `worker` parked (went to sleep waiting for work).
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below `num_workers()`.
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        self.worker(worker).inner.park_count.load(Relaxed)
    }

    /// The number of times `worker` parked or unparked: odd while it is parked.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below `num_workers()`.
    pub fn worker_park_unpark_count(&self, worker: usize) -> u64 {
        self.worker(worker).inner.park_unpark_count.load(Relaxed)
    }

    /// The number of tasks `worker` stole from other workers.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below `num_workers()`.
    pub fn worker_steal_count(&self, worker: usize) -> u64 {
        self.worker(worker).inner.steal_count.load(Relaxed)
    }

    /// The number of task polls `worker` made.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below `num_workers()`.
    pub fn worker_poll_count(&self, worker: usize) -> u64 {
        self.worker(worker).inner.poll_count.load(Relaxed)
    }

    /// The total time `worker` spent awake (not parked), up to its last park.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below `num_workers()`.
    pub fn worker_total_busy_duration(&self, worker: usize) -> Duration {
        Duration::from_nanos(self.worker(worker).inner.busy_duration_ns.load(Relaxed))
    }

    /// The number of tasks in `worker`'s local run queue (on the current-thread runtime, as
    /// sampled each time it polls its driver).
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below `num_workers()`.
    pub fn worker_local_queue_depth(&self, worker: usize) -> usize {
        self.worker(worker);
        self.handle.inner.worker_local_queue_depth(worker)
    }

    /// The number of times `worker`'s local queue overflowed, moving half of it to the
    /// global queue.
    ///
    /// # Panics
    ///
    /// Panics if `worker` is not below `num_workers()`.
    pub fn worker_overflow_count(&self, worker: usize) -> u64 {
        self.worker(worker).inner.overflow_count.load(Relaxed)
    }
}
