//! The blocking pool: a growable set of threads for `spawn_blocking`.
//!
//! Threads are started on demand up to `max_blocking_threads`; past that, work queues. An
//! idle thread waits `thread_keep_alive` for more work and then exits. Shutdown cancels the
//! queued work, lets running work finish, and waits for the threads up to a timeout.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io;
use std::panic::Location;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::builder::ThreadConfig;
use super::{context, scheduler};
use crate::loom::atomic::{AtomicUsize, Ordering::Relaxed};
use crate::loom::{Condvar, Mutex, MutexGuard, lock};
use crate::task::{self, JoinHandle, Notified, Schedule, Task};

/// The pool, owned by the runtime; shut down when the runtime is.
pub(crate) struct BlockingPool {
    spawner: Spawner,
}

/// Spawns work on the pool; held by the runtime handle.
#[derive(Clone)]
pub(crate) struct Spawner {
    inner: Arc<Inner>,
}

pub(crate) struct PoolConfig {
    pub(crate) threads: ThreadConfig,
    pub(crate) thread_cap: usize,
    pub(crate) keep_alive: Duration,
}

struct Inner {
    shared: Mutex<Shared>,
    /// Blocking tasks spawned and not yet finished or cancelled (each holds an
    /// [`InFlight`]): the time layer's paused clock does not jump ahead while any is, as
    /// Tokio's.
    in_flight: Arc<AtomicUsize>,
    /// Signalled when work is queued for an idle thread, and at shutdown.
    condvar: Condvar,
    /// Signalled when the last thread exits.
    all_exited: Condvar,
    config: PoolConfig,
}

struct Shared {
    queue: VecDeque<Notified<BlockingSchedule>>,
    num_threads: usize,
    num_idle: usize,
    /// Wake-ups handed to idle threads and not yet taken.
    num_notify: usize,
    shutdown: bool,
    threads: HashMap<usize, thread::JoinHandle<()>>,
    next_thread_index: usize,
}

/// Counts a blocking task in its pool's `in_flight` from spawn until it has run or was
/// dropped unrun (cancelled at shutdown).
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn new(count: &Arc<AtomicUsize>) -> InFlight {
        // Ordering: Relaxed; the count is a hint read by the paused clock.
        count.fetch_add(1, Relaxed);
        InFlight(count.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        // Ordering: Relaxed, as the increment.
        self.0.fetch_sub(1, Relaxed);
    }
}

/// Blocking tasks are polled once, to completion, and are in no owned list.
#[derive(Debug)]
pub(crate) struct BlockingSchedule;

impl Schedule for BlockingSchedule {
    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        None
    }

    fn schedule(&self, _task: Notified<Self>) {
        unreachable!("a blocking task is never woken: it completes in its first poll");
    }
}

impl BlockingPool {
    pub(crate) fn new(config: PoolConfig) -> BlockingPool {
        let inner = Inner {
            shared: Mutex::new(Shared {
                queue: VecDeque::new(),
                num_threads: 0,
                num_idle: 0,
                num_notify: 0,
                shutdown: false,
                threads: HashMap::new(),
                next_thread_index: 0,
            }),
            in_flight: Arc::new(AtomicUsize::new(0)),
            condvar: Condvar::new(),
            all_exited: Condvar::new(),
            config,
        };
        BlockingPool {
            spawner: Spawner {
                inner: Arc::new(inner),
            },
        }
    }

    pub(crate) fn spawner(&self) -> &Spawner {
        &self.spawner
    }

    /// Cancels queued work and waits up to `timeout` (forever if `None`) for the threads.
    #[track_caller]
    pub(crate) fn shutdown(&self, timeout: Option<Duration>) {
        let inner = &self.spawner.inner;
        let mut shared = lock(&inner.shared);
        if shared.shutdown {
            return;
        }
        shared.shutdown = true;
        inner.condvar.notify_all();
        let queued = std::mem::take(&mut shared.queue);
        drop(shared);
        for task in queued {
            task.shutdown();
        }

        if timeout == Some(Duration::ZERO) {
            return;
        }
        if context::runtime_entered() != context::EnterRuntime::NotEntered {
            if thread::panicking() {
                return;
            }
            panic!(
                "Cannot drop a runtime in a context where blocking is not allowed. This happens when a runtime is dropped from within an asynchronous context."
            );
        }
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut shared = lock(&inner.shared);
        while shared.num_threads > 0 {
            shared = match deadline {
                None => wait(&inner.all_exited, shared),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        // Threads still running are left to finish on their own.
                        return;
                    }
                    wait_timeout(&inner.all_exited, shared, deadline - now)
                }
            };
        }
        let threads: Vec<_> = shared.threads.drain().map(|(_, h)| h).collect();
        drop(shared);
        for handle in threads {
            let _ = handle.join();
        }
    }
}

impl Spawner {
    /// Runs `func` on the pool; the returned handle yields its result.
    #[track_caller]
    pub(crate) fn spawn_blocking<F, R>(
        &self,
        rt: &scheduler::Handle,
        func: F,
        location: &'static Location<'static>,
    ) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let in_flight = InFlight::new(&self.inner.in_flight);
        let func = move || {
            let _in_flight = in_flight;
            func()
        };
        let (future, id) = task::prepare(task::BlockingTask::new(func), "blocking", None, location);
        let (task, notified, join) = task::new_task(future, BlockingSchedule, id);
        drop(task);
        if let Err(err) = self.spawn_task(notified, rt) {
            panic!("OS can't spawn worker thread: {err}");
        }
        join
    }

    /// Queues the task and starts or wakes a thread for it.
    fn spawn_task(
        &self,
        task: Notified<BlockingSchedule>,
        rt: &scheduler::Handle,
    ) -> io::Result<()> {
        let inner = &self.inner;
        let mut shared = lock(&inner.shared);
        if shared.shutdown {
            drop(shared);
            // The join handle reports the cancellation.
            task.shutdown();
            return Ok(());
        }
        shared.queue.push_back(task);
        if shared.num_idle > 0 {
            shared.num_idle -= 1;
            shared.num_notify += 1;
            inner.condvar.notify_one();
            return Ok(());
        }
        if shared.num_threads == inner.config.thread_cap {
            // At the cap: the work waits for a thread to free up.
            return Ok(());
        }
        let index = shared.next_thread_index;
        match self.start_thread(rt, index) {
            Ok(handle) => {
                shared.num_threads += 1;
                shared.next_thread_index += 1;
                shared.threads.insert(index, handle);
                Ok(())
            }
            // Other threads will take the work in time.
            Err(_) if shared.num_threads > 0 => Ok(()),
            Err(err) => {
                if let Some(task) = shared.queue.pop_back() {
                    drop(shared);
                    task.shutdown();
                }
                Err(err)
            }
        }
    }

    fn start_thread(
        &self,
        rt: &scheduler::Handle,
        index: usize,
    ) -> io::Result<thread::JoinHandle<()>> {
        let inner = self.inner.clone();
        // Blocking threads are in the runtime's context (spawn works) but not inside the
        // runtime (they may block).
        self.inner
            .config
            .threads
            .spawn(rt, move || inner.run(index))
    }
}

impl Spawner {
    pub(crate) fn num_threads(&self) -> usize {
        lock(&self.inner.shared).num_threads
    }

    pub(crate) fn num_idle_threads(&self) -> usize {
        lock(&self.inner.shared).num_idle
    }

    pub(crate) fn queue_depth(&self) -> usize {
        lock(&self.inner.shared).queue.len()
    }

    /// Blocking tasks spawned and not yet finished.
    pub(crate) fn in_flight(&self) -> usize {
        // Ordering: Relaxed; a hint (see the field).
        self.inner.in_flight.load(Relaxed)
    }
}

impl Inner {
    fn run(&self, index: usize) {
        let mut shared = lock(&self.shared);
        'work: loop {
            while let Some(task) = shared.queue.pop_front() {
                drop(shared);
                if task.run().is_some() {
                    unreachable!("a blocking task completes in its first poll");
                }
                shared = lock(&self.shared);
            }
            shared.num_idle += 1;
            while !shared.shutdown {
                let (guard, timed_out) =
                    wait_timeout_result(&self.condvar, shared, self.config.keep_alive);
                shared = guard;
                if shared.num_notify > 0 {
                    shared.num_notify -= 1;
                    continue 'work;
                }
                if timed_out && !shared.shutdown {
                    // Idle too long: leave, detaching our own join handle.
                    shared.num_idle -= 1;
                    shared.threads.remove(&index);
                    break 'work;
                }
            }
            // Shutdown: cancel what is still queued, then leave.
            while let Some(task) = shared.queue.pop_front() {
                drop(shared);
                task.shutdown();
                shared = lock(&self.shared);
            }
            break;
        }
        shared.num_threads -= 1;
        if shared.num_threads == 0 {
            self.all_exited.notify_all();
        }
    }
}

fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar
        .wait(guard)
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn wait_timeout<'a, T>(
    condvar: &Condvar,
    guard: MutexGuard<'a, T>,
    timeout: Duration,
) -> MutexGuard<'a, T> {
    wait_timeout_result(condvar, guard, timeout).0
}

#[cfg(not(rt_loom))]
fn wait_timeout_result<'a, T>(
    condvar: &Condvar,
    guard: MutexGuard<'a, T>,
    timeout: Duration,
) -> (MutexGuard<'a, T>, bool) {
    let (guard, result) = condvar
        .wait_timeout(guard, timeout)
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    (guard, result.timed_out())
}

#[cfg(rt_loom)]
fn wait_timeout_result<'a, T>(
    condvar: &Condvar,
    guard: MutexGuard<'a, T>,
    _timeout: Duration,
) -> (MutexGuard<'a, T>, bool) {
    (condvar.wait(guard).unwrap(), false)
}

impl fmt::Debug for Spawner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Spawner").finish_non_exhaustive()
    }
}
