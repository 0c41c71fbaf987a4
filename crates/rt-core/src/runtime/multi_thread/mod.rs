//! The multi-thread, work-stealing scheduler.
//!
//! Each worker thread owns a `Core`: a bounded local run queue (`queue.rs`) that other
//! workers steal half of when idle, and a LIFO slot for the task it woke last (the
//! message-passing pattern: a task wakes its peer, the peer runs next, hot in cache). The
//! LIFO slot is not stealable and is bounded to a few polls in a row so it cannot starve
//! the queue. Tasks spawned or woken from outside go to one global inject queue, which each
//! worker checks every `global_queue_interval` polls and whenever its own queue is empty.
//! Idle workers search other queues; at most half search at once, and new work wakes a
//! sleeping worker only when nobody is searching (`idle.rs`). A worker with nothing to do
//! parks on the shared driver if it is free, else on its own condvar (`park.rs`).
//!
//! ```text
//!   spawn/wake from outside ──▶ inject (mutex) ◀── every 61 polls / when empty ──┐
//!   worker 0: [LIFO] [local queue ▯▯▯▯▯▯]  ◀── steal half ── worker 1: [LIFO] [▯▯▯]
//!        idle: search (≤ half the workers) ─▶ park on the driver (one) or a condvar
//! ```

mod idle;
mod park;
pub(crate) mod queue;
mod worker;

#[cfg(test)]
mod tests;

pub(crate) use worker::{Context, block_in_place};

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::thread;

use super::blocking::Spawner;
use super::builder::{Config, ThreadConfig};
use super::driver::{Driver, DriverHandles};
use super::metrics::{SchedulerMetrics, WorkerMetrics};
use super::{context, scheduler};
use crate::loom::atomic::{AtomicUsize, Ordering::*, fence};
use crate::loom::{Mutex, lock};
use crate::task::list::OwnedTasks;
use crate::task::{Id, JoinHandle, Notified};
use queue::Local;

/// The scheduler, owned by the `Runtime`.
pub(crate) struct MultiThread;

/// What workers, tasks and other threads share.
pub(crate) struct Handle {
    shared: Shared,
    pub(crate) driver: DriverHandles,
    pub(crate) blocking_spawner: Spawner,
    pub(crate) config: Config,
    pub(crate) runtime_id: super::Id,
    pub(crate) scheduler_metrics: SchedulerMetrics,
}

struct Shared {
    /// One per worker: how to steal from it and wake it.
    remotes: Box<[Remote]>,
    inject: Inject<Arc<Handle>>,
    idle: idle::Idle,
    owned: OwnedTasks<Arc<Handle>>,
    /// Cores of workers that stopped; the last one in cleans up.
    shutdown_cores: Mutex<Vec<worker::Core>>,
    worker_metrics: Box<[WorkerMetrics]>,
    driver: Arc<park::SharedDriver>,
    /// Every worker thread started, including replacements for `block_in_place`.
    threads: Mutex<Vec<thread::JoinHandle<()>>>,
    thread_config: ThreadConfig,
}

struct Remote {
    steal: queue::Steal<Arc<Handle>>,
    unpark: park::Unparker,
}

/// The global queue: tasks from outside the workers, and local-queue overflow.
pub(crate) struct Inject<S: 'static> {
    queue: Mutex<InjectQueue<S>>,
    /// The queue's length, so workers skip the lock when it is empty.
    len: AtomicUsize,
}

struct InjectQueue<S: 'static> {
    tasks: VecDeque<Notified<S>>,
    closed: bool,
}

impl<S: 'static> Inject<S> {
    fn new() -> Inject<S> {
        Inject {
            queue: Mutex::new(InjectQueue {
                tasks: VecDeque::new(),
                closed: false,
            }),
            len: AtomicUsize::new(0),
        }
    }

    pub(crate) fn push(&self, task: Notified<S>) {
        self.push_batch(std::iter::once(task));
    }

    /// Pushes tasks; once closed (shutdown), they are dropped: they were cancelled (R6).
    pub(crate) fn push_batch(&self, tasks: impl Iterator<Item = Notified<S>>) {
        let mut queue = lock(&self.queue);
        if queue.closed {
            drop(queue);
            tasks.for_each(drop);
            return;
        }
        queue.tasks.extend(tasks);
        // Ordering: Release, so a reader that sees the length sees the tasks (with the lock).
        self.len.store(queue.tasks.len(), Release);
    }

    /// Takes up to `n` tasks: returns the first and moves the others to `local`, which must
    /// have room for them.
    fn pop_into(&self, n: usize, local: &mut Local<S>) -> Option<Notified<S>> {
        let mut queue = lock(&self.queue);
        let n = n.min(queue.tasks.len());
        let mut batch = queue.tasks.drain(..n);
        let first = batch.next();
        local.push_back_batch(batch);
        // Ordering: see `push_batch`.
        self.len.store(queue.tasks.len(), Release);
        first
    }

    fn pop(&self) -> Option<Notified<S>> {
        if self.is_empty() {
            return None;
        }
        let mut queue = lock(&self.queue);
        let task = queue.tasks.pop_front();
        // Ordering: see `push_batch`.
        self.len.store(queue.tasks.len(), Release);
        task
    }

    pub(crate) fn len(&self) -> usize {
        // Ordering: Acquire pairs with the Release in `push_batch`.
        self.len.load(Acquire)
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Closes the queue; true if this call closed it.
    fn close(&self) -> bool {
        let mut queue = lock(&self.queue);
        !std::mem::replace(&mut queue.closed, true)
    }

    fn is_closed(&self) -> bool {
        lock(&self.queue).closed
    }

    /// Takes everything queued (at shutdown).
    fn drain(&self) -> VecDeque<Notified<S>> {
        let mut queue = lock(&self.queue);
        // Ordering: see `push_batch`.
        self.len.store(0, Release);
        std::mem::take(&mut queue.tasks)
    }
}

/// What the builder decides for a multi-thread runtime.
pub(crate) struct Parts {
    pub(crate) num_workers: usize,
    pub(crate) driver: Box<dyn Driver>,
    pub(crate) driver_handles: DriverHandles,
    pub(crate) blocking_spawner: Spawner,
    pub(crate) config: Config,
    pub(crate) thread_config: ThreadConfig,
}

impl MultiThread {
    /// Builds the scheduler and starts its worker threads.
    pub(crate) fn new(parts: Parts) -> std::io::Result<(MultiThread, Arc<Handle>)> {
        let driver = Arc::new(park::SharedDriver::new(parts.driver));
        let mut cores = Vec::with_capacity(parts.num_workers);
        let mut remotes = Vec::with_capacity(parts.num_workers);
        for index in 0..parts.num_workers {
            let (steal, local) = queue::local();
            let park = park::Parker::new(driver.clone());
            remotes.push(Remote {
                steal,
                unpark: park.unparker(),
            });
            cores.push(worker::Core::new(index, local, park, &parts.config));
        }
        let handle = Arc::new(Handle {
            shared: Shared {
                remotes: remotes.into_boxed_slice(),
                inject: Inject::new(),
                idle: idle::Idle::new(parts.num_workers),
                // Four shards per worker: workers rarely meet on the same one.
                owned: OwnedTasks::new(4 * parts.num_workers),
                shutdown_cores: Mutex::new(Vec::new()),
                worker_metrics: (0..parts.num_workers)
                    .map(|_| WorkerMetrics::default())
                    .collect(),
                driver,
                threads: Mutex::new(Vec::new()),
                thread_config: parts.thread_config,
            },
            driver: parts.driver_handles,
            blocking_spawner: parts.blocking_spawner,
            config: parts.config,
            runtime_id: super::Id::next(),
            scheduler_metrics: SchedulerMetrics::default(),
        });
        for (index, core) in cores.into_iter().enumerate() {
            let worker = worker::Worker::new(handle.clone(), index, core);
            if let Err(err) = handle.start_worker_thread(worker) {
                // Stop what was started before reporting.
                handle.close();
                handle.join_threads();
                return Err(err);
            }
        }
        Ok((MultiThread, handle))
    }

    /// Runs `future` to completion on this thread while the workers run the tasks.
    #[track_caller]
    pub(crate) fn block_on<F: Future>(&self, handle: &Arc<Handle>, future: F) -> F::Output {
        let scheduler_handle = scheduler::Handle::MultiThread(handle.clone());
        let _enter = context::enter_runtime(&scheduler_handle);
        super::park_thread_block_on(future)
    }

    /// Stops the workers (cancelling every task), waits for their threads, shuts the driver.
    #[track_caller]
    pub(crate) fn shutdown(&self, handle: &Arc<Handle>) {
        handle.close();
        if context::runtime_entered() != context::EnterRuntime::NotEntered {
            if thread::panicking() {
                return;
            }
            panic!(
                "Cannot drop a runtime in a context where blocking is not allowed. This happens when a runtime is dropped from within an asynchronous context."
            );
        }
        handle.join_threads();
    }
}

impl Handle {
    pub(crate) fn spawn<F>(self: &Arc<Self>, future: F, id: Id) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (join, notified) = self.shared.owned.bind(future, self.clone(), id);
        if let Some(notified) = notified {
            worker::schedule_task(self, notified);
        }
        join
    }

    fn start_worker_thread(self: &Arc<Self>, worker: Arc<worker::Worker>) -> std::io::Result<()> {
        let rt = scheduler::Handle::MultiThread(self.clone());
        let thread = self
            .shared
            .thread_config
            .spawn(&rt, move || worker::run(worker))?;
        lock(&self.shared.threads).push(thread);
        Ok(())
    }

    /// Wakes a sleeping worker for new work, if one should be woken (rule I1).
    fn notify_parked(&self) {
        if let Some(index) = self.shared.idle.worker_to_notify() {
            self.shared.remotes[index].unpark.unpark();
        }
    }

    /// Wakes a worker if any queue still holds work (rule I3).
    fn notify_if_work_pending(&self) {
        // Ordering: the other half of the Dekker pattern in `Idle::worker_to_notify`.
        fence(SeqCst);
        let pending = self
            .shared
            .remotes
            .iter()
            .any(|remote| !remote.steal.is_empty())
            || !self.shared.inject.is_empty();
        if pending {
            self.notify_parked();
        }
    }

    fn push_remote_task(&self, task: Notified<Arc<Handle>>) {
        self.shared.inject.push(task);
        self.notify_parked();
    }

    /// Begins shutdown: closes the inject queue and wakes every worker to see it.
    fn close(&self) {
        if self.shared.inject.close() {
            for remote in self.shared.remotes.iter() {
                remote.unpark.unpark();
            }
        }
    }

    /// Waits for every worker thread, including ones started while waiting.
    fn join_threads(&self) {
        loop {
            let threads = std::mem::take(&mut *lock(&self.shared.threads));
            if threads.is_empty() {
                return;
            }
            for thread in threads {
                // A worker that panicked has already reported it; shutdown goes on.
                let _ = thread.join();
            }
        }
    }

    /// A worker stopped; the last one drops what is still queued and shuts the driver down.
    fn shutdown_core(&self, core: worker::Core) {
        let mut cores = lock(&self.shared.shutdown_cores);
        cores.push(core);
        if cores.len() != self.shared.remotes.len() {
            return;
        }
        // Every worker has stopped: no task can run any more, so what remains queued are
        // references to completed tasks (R6).
        for core in cores.drain(..) {
            core.shutdown();
        }
        drop(cores);
        drop(self.shared.inject.drain());
        self.shared.driver.shutdown();
        debug_assert!(self.shared.owned.is_empty());
    }

    pub(crate) fn num_alive_tasks(&self) -> usize {
        self.shared.owned.len()
    }

    pub(crate) fn spawned_tasks_count(&self) -> u64 {
        self.shared.owned.spawned_count()
    }

    pub(crate) fn global_queue_depth(&self) -> usize {
        self.shared.inject.len()
    }

    pub(crate) fn worker_metrics(&self) -> &[WorkerMetrics] {
        &self.shared.worker_metrics
    }

    pub(crate) fn worker_local_queue_depth(&self, worker: usize) -> usize {
        self.shared.remotes[worker].steal.len()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("multi_thread::Handle")
            .field("id", &self.runtime_id)
            .field("workers", &self.shared.remotes.len())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for MultiThread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultiThread").finish_non_exhaustive()
    }
}
