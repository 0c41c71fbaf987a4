//! The current-thread scheduler: every task runs on the thread that calls `block_on`.
//!
//! The scheduler state that only the driving thread touches (the local run queue and the
//! driver) lives in a `Core`, which one `block_on` call at a time takes. Other threads reach
//! the runtime only through `Shared`: they push to the inject queue and wake the driver —
//! but only when it is parked (`Inject::parked`), so a busy runtime takes remote spawns and
//! wakes without a syscall.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use super::blocking::Spawner;
use super::builder::Config;
use super::context;
use super::defer::Defer;
use super::driver::{Driver, DriverHandles, Unpark};
use super::metrics::{SchedulerMetrics, WorkerMetrics};
use super::scheduler;
use crate::loom::atomic::{AtomicBool, AtomicUsize, Ordering::*};
use crate::loom::{Mutex, lock};
use crate::task::list::OwnedTasks;
use crate::task::{self, Id, JoinHandle, Notified, Reschedule, Schedule, Task};

/// The scheduler, owned by the `Runtime`.
pub(crate) struct CurrentThread {
    /// The core while no `block_on` drives it.
    core: Mutex<Option<Box<Core>>>,
    /// Threads in `block_on` waiting for the core to come back.
    waiters: Mutex<Vec<Thread>>,
}

/// What tasks and other threads share: the inject queue, the task list, the driver's unparker.
pub(crate) struct Handle {
    shared: Shared,
    pub(crate) driver: DriverHandles,
    unpark: Arc<dyn Unpark>,
    pub(crate) blocking_spawner: Spawner,
    pub(crate) config: Config,
    pub(crate) runtime_id: super::Id,
    pub(crate) scheduler_metrics: SchedulerMetrics,
    pub(crate) worker_metrics: WorkerMetrics,
}

struct Shared {
    inject: Mutex<Inject>,
    /// The inject queue's length, so the driving thread skips the lock when it is empty.
    inject_len: AtomicUsize,
    owned: OwnedTasks<Arc<Handle>>,
    /// The `block_on` future was woken.
    woken: AtomicBool,
}

struct Inject {
    queue: VecDeque<Notified<Arc<Handle>>>,
    /// The driving thread is (about to be) parked on the driver and must be unparked.
    parked: bool,
    closed: bool,
}

/// State only the driving thread touches.
struct Core {
    tasks: VecDeque<Notified<Arc<Handle>>>,
    /// Tasks that yielded: queued again once the driver has been polled.
    yielded: Vec<Notified<Arc<Handle>>>,
    /// Tasks left to run before the inject queue is looked at first.
    inject_countdown: u32,
    /// When the thread last woke up, for the busy-duration metric.
    busy_since: Instant,
    driver: Option<Box<dyn Driver>>,
}

/// The scheduler context of the driving thread.
pub(crate) struct Context {
    handle: Arc<Handle>,
    /// The core, while a task or the driver runs (so wakes reach the local queue).
    core: RefCell<Option<Box<Core>>>,
    /// Wakers whose wake waits until after the driver is polled (`yield_now`, coop).
    defer: Defer,
}

impl CurrentThread {
    pub(crate) fn new(
        driver: Box<dyn Driver>,
        driver_handles: DriverHandles,
        blocking_spawner: Spawner,
        config: Config,
    ) -> (CurrentThread, Arc<Handle>) {
        let handle = Arc::new(Handle {
            shared: Shared {
                inject: Mutex::new(Inject {
                    queue: VecDeque::new(),
                    parked: false,
                    closed: false,
                }),
                inject_len: AtomicUsize::new(0),
                owned: OwnedTasks::new(1),
                woken: AtomicBool::new(false),
            },
            unpark: driver.unparker(),
            driver: driver_handles,
            blocking_spawner,
            config,
            runtime_id: super::Id::next(),
            scheduler_metrics: SchedulerMetrics::default(),
            worker_metrics: WorkerMetrics::default(),
        });
        let core = Box::new(Core {
            tasks: VecDeque::with_capacity(64),
            yielded: Vec::new(),
            busy_since: Instant::now(),
            inject_countdown: handle.config.global_queue_interval,
            driver: Some(driver),
        });
        (
            CurrentThread {
                core: Mutex::new(Some(core)),
                waiters: Mutex::new(Vec::new()),
            },
            handle,
        )
    }

    /// Runs `future` to completion, driving the scheduler while this thread has the core.
    #[track_caller]
    pub(crate) fn block_on<F: Future>(&self, handle: &Arc<Handle>, future: F) -> F::Output {
        let scheduler_handle = scheduler::Handle::CurrentThread(handle.clone());
        let _enter = context::enter_runtime(&scheduler_handle);
        let mut future = std::pin::pin!(future);
        let thread_waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
        let mut cx = std::task::Context::from_waker(&thread_waker);
        loop {
            if let Some(core) = self.take_core() {
                return CoreGuard::new(self, handle, core).block_on(future.as_mut());
            }
            // Another thread drives the scheduler: wait for our future or for the core.
            lock(&self.waiters).push(thread::current());
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
            thread::park();
        }
    }

    fn take_core(&self) -> Option<Box<Core>> {
        lock(&self.core).take()
    }

    /// Cancels every task, drops every queued notification, and shuts the driver down.
    pub(crate) fn shutdown(&self, handle: &Arc<Handle>) {
        let Some(mut core) = self.take_core() else {
            // Already shut down (`shutdown_timeout`, then drop), or the core was lost to a
            // panic in the scheduler itself: the tasks must still be cancelled.
            handle.shared.owned.close_and_shutdown_all();
            return;
        };
        let cx = scheduler::Context::CurrentThread(Context::new(handle.clone()));
        let ct = cx.expect_current_thread();
        context::set_scheduler(&cx, || {
            core = ct
                .enter(core, || handle.shared.owned.close_and_shutdown_all())
                .0;
            let remote = {
                let mut inject = lock(&handle.shared.inject);
                inject.closed = true;
                mem::take(&mut inject.queue)
            };
            // Every task is complete: these notifications only drop references.
            drop(remote);
            core.tasks.clear();
            core.yielded.clear();
            ct.defer.clear();
            if let Some(mut driver) = core.driver.take() {
                ct.enter(core, || driver.shutdown());
            }
        });
        debug_assert!(handle.shared.owned.is_empty());
    }
}

/// Holds the core while a `block_on` drives it, and gives it back (waking waiting
/// `block_on` callers) when done — also when a panic escapes: user code only runs while
/// the core is stashed in the context, so the core is still there to give back.
struct CoreGuard<'a> {
    scheduler: &'a CurrentThread,
    cx: scheduler::Context,
}

impl<'a> CoreGuard<'a> {
    fn new(scheduler: &'a CurrentThread, handle: &Arc<Handle>, core: Box<Core>) -> CoreGuard<'a> {
        let cx = Context::new(handle.clone());
        *cx.core.borrow_mut() = Some(core);
        CoreGuard {
            scheduler,
            cx: scheduler::Context::CurrentThread(cx),
        }
    }

    fn block_on<F: Future>(self, future: Pin<&mut F>) -> F::Output {
        let ct = self.cx.expect_current_thread();
        let core = ct.core.borrow_mut().take().expect("core present");
        let (core, output) = context::set_scheduler(&self.cx, || ct.run(core, future));
        *ct.core.borrow_mut() = Some(core);
        output
    }
}

impl Drop for CoreGuard<'_> {
    fn drop(&mut self) {
        let ct = self.cx.expect_current_thread();
        if let Some(core) = ct.core.borrow_mut().take() {
            *lock(&self.scheduler.core) = Some(core);
            for waiter in lock(&self.scheduler.waiters).drain(..) {
                waiter.unpark();
            }
        }
    }
}

impl Context {
    fn new(handle: Arc<Handle>) -> Context {
        Context {
            handle,
            core: RefCell::new(None),
            defer: Defer::default(),
        }
    }

    /// The scheduler loop: poll the future when woken, run tasks, park when idle.
    fn run<F: Future>(
        &self,
        mut core: Box<Core>,
        mut future: Pin<&mut F>,
    ) -> (Box<Core>, F::Output) {
        let handle = &self.handle;
        let waker = Waker::from(handle.clone());
        let mut task_cx = std::task::Context::from_waker(&waker);
        // Ordering: Relaxed: set before this thread's first poll; no other data rides on it.
        handle.shared.woken.store(true, Relaxed);
        'outer: loop {
            // Ordering: Acquire pairs with the Release in `wake`, so what the waker published
            // is visible to the poll.
            if handle.shared.woken.swap(false, Acquire) {
                let (c, poll) =
                    self.enter(core, || task::budget(|| future.as_mut().poll(&mut task_cx)));
                core = c;
                if let Poll::Ready(output) = poll {
                    return (core, output);
                }
            }
            for _ in 0..handle.config.event_interval {
                let Some(task) = core.next_task(handle) else {
                    core = if self.defer.is_empty() && core.yielded.is_empty() {
                        self.park(core)
                    } else {
                        self.park_yield(core)
                    };
                    continue 'outer;
                };
                handle.worker_metrics.incr_poll_count();
                let (c, again) = self.enter(core, || task.run());
                core = c;
                match again {
                    None => {}
                    Some(Reschedule::Woken(task)) => core.tasks.push_back(task),
                    Some(Reschedule::Yielded(task)) => core.yielded.push(task),
                }
            }
            // Let the driver deliver events even while tasks keep the queue busy.
            core = self.park_yield(core);
        }
    }

    /// Puts the core in the context for the duration of `f`, so wakes reach the local queue.
    fn enter<R>(&self, core: Box<Core>, f: impl FnOnce() -> R) -> (Box<Core>, R) {
        *self.core.borrow_mut() = Some(core);
        let r = f();
        let core = self
            .core
            .borrow_mut()
            .take()
            .expect("core missing after running a task");
        (core, r)
    }

    /// Parks on the driver until woken; with work already there, polls it without blocking.
    fn park(&self, mut core: Box<Core>) -> Box<Core> {
        let handle = &self.handle;
        let mut driver = core.driver.take().expect("driver missing");
        if let Some(f) = &handle.config.before_park {
            core = self.enter(core, || f()).0;
        }
        if core.tasks.is_empty() && handle.mark_parked() {
            let metrics = &handle.worker_metrics;
            metrics.set_local_queue_depth(0);
            metrics.add_busy_duration(core.busy_since.elapsed());
            metrics.incr_park_count();
            metrics.incr_park_unpark_count();
            core = self
                .enter(core, || {
                    driver.park(None);
                    self.defer.wake();
                })
                .0;
            metrics.incr_park_unpark_count();
            core.busy_since = Instant::now();
            lock(&handle.shared.inject).parked = false;
        } else {
            // Work came in (or `block_on`'s future was woken): don't sleep, but let the
            // driver deliver its events, or a future that keeps waking itself would starve
            // the timers and sockets it may be waiting on.
            core = self.poll_driver(core, &mut driver);
        }
        if let Some(f) = &handle.config.after_unpark {
            core = self.enter(core, || f()).0;
        }
        core.driver = Some(driver);
        core
    }

    /// Lets the driver deliver what is ready without blocking, then runs the deferred wakes.
    fn poll_driver(&self, core: Box<Core>, driver: &mut Box<dyn Driver>) -> Box<Core> {
        self.enter(core, || {
            driver.park(Some(Duration::ZERO));
            self.defer.wake();
        })
        .0
    }

    /// Polls the driver without blocking, then queues the yielded tasks behind what it woke.
    fn park_yield(&self, mut core: Box<Core>) -> Box<Core> {
        let mut driver = core.driver.take().expect("driver missing");
        core = self.poll_driver(core, &mut driver);
        // Yielded tasks go behind what the driver and the deferred wakes just queued.
        let Core { tasks, yielded, .. } = &mut *core;
        tasks.extend(yielded.drain(..));
        self.handle
            .worker_metrics
            .set_local_queue_depth(tasks.len());
        core.driver = Some(driver);
        core
    }

    pub(crate) fn defer(&self, waker: &Waker) {
        self.defer.defer(waker);
    }
}

impl Core {
    fn next_task(&mut self, handle: &Handle) -> Option<Notified<Arc<Handle>>> {
        self.inject_countdown -= 1;
        if self.inject_countdown == 0 {
            // Fairness: look at the inject queue first now and then.
            self.inject_countdown = handle.config.global_queue_interval;
            handle.pop_inject().or_else(|| self.tasks.pop_front())
        } else {
            match self.tasks.pop_front() {
                Some(task) => Some(task),
                None => {
                    // Take the whole inject queue in one lock.
                    handle.take_inject(&mut self.tasks);
                    self.tasks.pop_front()
                }
            }
        }
    }
}

impl Handle {
    /// Spawns a future onto this runtime.
    pub(crate) fn spawn<F>(self: &Arc<Self>, future: F, id: Id) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (join, notified) = self.shared.owned.bind(future, self.clone(), id);
        if let Some(notified) = notified {
            self.schedule(notified);
        }
        join
    }

    fn pop_inject(&self) -> Option<Notified<Arc<Handle>>> {
        // Ordering: Acquire pairs with the Release store made under the lock by the pusher.
        if self.shared.inject_len.load(Acquire) == 0 {
            return None;
        }
        let mut inject = lock(&self.shared.inject);
        let task = inject.queue.pop_front();
        self.shared.inject_len.store(inject.queue.len(), Release);
        task
    }

    fn take_inject(&self, tasks: &mut VecDeque<Notified<Arc<Handle>>>) {
        debug_assert!(tasks.is_empty());
        // Ordering: see `pop_inject`.
        if self.shared.inject_len.load(Acquire) == 0 {
            return;
        }
        let mut inject = lock(&self.shared.inject);
        mem::swap(&mut inject.queue, tasks);
        self.shared.inject_len.store(0, Release);
    }

    fn push_remote(&self, task: Notified<Arc<Handle>>) {
        let mut inject = lock(&self.shared.inject);
        if inject.closed {
            // The runtime shut down: the task was already cancelled (R6).
            drop(inject);
            drop(task);
            return;
        }
        inject.queue.push_back(task);
        // Ordering: Release pairs with the driving thread's Acquire load.
        self.shared.inject_len.store(inject.queue.len(), Release);
        let unpark = mem::take(&mut inject.parked);
        drop(inject);
        if unpark {
            self.unpark.unpark();
        }
    }

    /// Marks the driving thread parked if there is nothing to do; false if there is.
    fn mark_parked(&self) -> bool {
        let mut inject = lock(&self.shared.inject);
        // Ordering: the lock orders this load after any waker's store that took the lock
        // before us; a later waker sees `parked` and unparks.
        if !inject.queue.is_empty() || self.shared.woken.load(Acquire) {
            return false;
        }
        inject.parked = true;
        true
    }

    fn unpark_if_parked(&self) {
        let unpark = mem::take(&mut lock(&self.shared.inject).parked);
        if unpark {
            self.unpark.unpark();
        }
    }

    pub(crate) fn num_alive_tasks(&self) -> usize {
        self.shared.owned.len()
    }

    pub(crate) fn spawned_tasks_count(&self) -> u64 {
        self.shared.owned.spawned_count()
    }

    pub(crate) fn global_queue_depth(&self) -> usize {
        // Ordering: a statistic.
        self.shared.inject_len.load(Relaxed)
    }

    /// Whether this thread currently drives this runtime.
    fn is_driving_thread(self: &Arc<Self>) -> bool {
        context::with_scheduler(
            |cx| matches!(cx, Some(scheduler::Context::CurrentThread(cx)) if Arc::ptr_eq(&cx.handle, self)),
        )
    }
}

impl Schedule for Arc<Handle> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.shared.owned.remove(task)
    }

    fn schedule(&self, task: Notified<Self>) {
        let task = context::with_scheduler(|cx| match cx {
            Some(scheduler::Context::CurrentThread(cx)) if Arc::ptr_eq(&cx.handle, self) => {
                match cx.core.borrow_mut().as_mut() {
                    Some(core) => {
                        core.tasks.push_back(task);
                        None
                    }
                    // The core is out of the context (shutdown in progress): go through
                    // the inject queue, which knows whether the runtime is closed.
                    None => Some(task),
                }
            }
            _ => Some(task),
        });
        if let Some(task) = task {
            self.push_remote(task);
        }
    }
}

/// Wakes the `block_on` future.
impl Wake for Handle {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Ordering: Release pairs with the Acquire swap in `run` and load in `mark_parked`.
        self.shared.woken.store(true, Release);
        if !self.is_driving_thread() {
            self.unpark_if_parked();
        }
    }
}

/// Wakes a thread waiting in `block_on` for the core.
struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

impl fmt::Debug for CurrentThread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CurrentThread").finish_non_exhaustive()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("current_thread::Handle")
            .field("id", &self.runtime_id)
            .finish_non_exhaustive()
    }
}
