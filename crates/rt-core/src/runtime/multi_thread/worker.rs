//! A worker thread: run local tasks, then the LIFO slot, steal when empty, park when idle.

use std::cell::RefCell;
use std::mem;
use std::sync::Arc;
use std::task::Waker;
use std::time::Instant;

use super::queue::Local;
use super::{Handle, park};
use crate::loom::{Mutex, lock};
use crate::runtime::builder::Config;
use crate::runtime::defer::Defer;
use crate::runtime::metrics::WorkerMetrics;
use crate::runtime::{context, scheduler};
use crate::task::{Notified, Reschedule, Schedule, Task};

/// How a worker parks.
enum Park {
    /// Sleep until notified.
    Sleep,
    /// Poll the driver for ready events without sleeping.
    Poll,
}

/// Polls of tasks from the LIFO slot in a row, before the run queue gets a turn.
const MAX_LIFO_POLLS_PER_TICK: usize = 3;

/// While the driver keeps waking tasks, it is polled every `event_interval / BUSY_DIVISOR`
/// ticks (rule I5): a sixth, measured better than a quarter or an eighth for echo latency.
const BUSY_DIVISOR: u32 = 6;

/// Driver turns in a row that woke nothing, before the driver is polled every
/// `event_interval` ticks again rather than every `BUSY_DIVISOR`th of that (rule I5).
const QUIET_TURNS: u32 = 8;

/// The most tasks a worker moves from the inject queue to its own at once while the driver
/// keeps waking tasks (rule I6).
const BUSY_DRIVER_BATCH: usize = 4;

/// A worker: its index and, while no thread runs it, its core.
pub(super) struct Worker {
    handle: Arc<Handle>,
    index: usize,
    /// The core, between its creation (or a `block_in_place` hand-off) and the thread that
    /// picks it up.
    core: Mutex<Option<Box<Core>>>,
}

/// What the thread running a worker owns.
pub(super) struct Core {
    /// Tasks left before the inject queue is looked at first (`global_queue_interval`).
    inject_countdown: u32,
    /// Loop turns left before the driver is polled (`event_interval`, or a
    /// `BUSY_DIVISOR`th of it while the driver keeps waking tasks: rule I5).
    event_countdown: u32,
    /// Driver turns in a row that woke no task.
    quiet_turns: u32,
    /// Whether the driver runs on this thread now: the tasks it wakes are collected in
    /// `driver_wakes` for the inject queue (rule I5).
    in_driver: bool,
    driver_wakes: Vec<Notified<Arc<Handle>>>,
    /// The task woken last by this worker's tasks: runs next (not stealable).
    lifo_slot: Option<Notified<Arc<Handle>>>,
    /// Off after `MAX_LIFO_POLLS_PER_TICK` LIFO polls in a row, until the slot empties.
    lifo_enabled: bool,
    run_queue: Local<Arc<Handle>>,
    /// Tasks that yielded: queued again once the driver has been polled.
    yielded: Vec<Notified<Arc<Handle>>>,
    is_searching: bool,
    is_shutdown: bool,
    park: Option<park::Parker>,
    rand: FastRand,
    /// When the worker last woke up, for the busy-duration metric.
    busy_since: Instant,
}

/// The scheduler context of a worker thread.
pub(crate) struct Context {
    worker: Arc<Worker>,
    core: RefCell<Option<Box<Core>>>,
    defer: Defer,
}

impl Context {
    /// The index of the worker this context runs.
    pub(crate) fn worker_index(&self) -> usize {
        self.worker.index
    }
}

impl Worker {
    pub(super) fn new(handle: Arc<Handle>, index: usize, core: Box<Core>) -> Arc<Worker> {
        Arc::new(Worker {
            handle,
            index,
            core: Mutex::new(Some(core)),
        })
    }

    fn metrics(&self) -> &WorkerMetrics {
        &self.handle.shared.worker_metrics[self.index]
    }
}

impl Core {
    pub(super) fn new(
        index: usize,
        run_queue: Local<Arc<Handle>>,
        park: park::Parker,
        config: &Config,
    ) -> Box<Core> {
        Box::new(Core {
            inject_countdown: config.global_queue_interval,
            event_countdown: config.event_interval,
            quiet_turns: QUIET_TURNS,
            in_driver: false,
            driver_wakes: Vec::new(),
            lifo_slot: None,
            lifo_enabled: true,
            run_queue,
            yielded: Vec::new(),
            is_searching: false,
            is_shutdown: false,
            park: Some(park),
            rand: FastRand::new(index as u64 + 1),
            busy_since: Instant::now(),
        })
    }

    /// The next task to run: now and then the inject queue first (fairness), else the
    /// LIFO slot, the local queue, then a batch from the inject queue.
    fn next_task(&mut self, worker: &Worker) -> Option<Notified<Arc<Handle>>> {
        let inject = &worker.handle.shared.inject;
        self.inject_countdown -= 1;
        if self.inject_countdown == 0 {
            self.inject_countdown = worker.handle.config.global_queue_interval;
            return inject.pop().or_else(|| self.next_local_task());
        }
        if let Some(task) = self.next_local_task() {
            return Some(task);
        }
        if inject.is_empty() {
            return None;
        }
        let n = inject_batch(
            inject.len(),
            worker.handle.shared.remotes.len(),
            self.run_queue.remaining_slots(),
            self.quiet_turns < QUIET_TURNS,
        );
        inject.pop_into(n, &mut self.run_queue)
    }

    fn next_local_task(&mut self) -> Option<Notified<Arc<Handle>>> {
        self.lifo_slot.take().or_else(|| self.run_queue.pop())
    }

    /// Steals from a random other worker, then tries the inject queue.
    fn steal_work(&mut self, worker: &Worker) -> Option<Notified<Arc<Handle>>> {
        if !self.transition_to_searching(worker) {
            return None;
        }
        let remotes = &worker.handle.shared.remotes;
        let start = self.rand.below(remotes.len() as u32) as usize;
        for i in 0..remotes.len() {
            let i = (start + i) % remotes.len();
            if i == worker.index {
                continue;
            }
            if let Some(task) = remotes[i]
                .steal
                .steal_into(&mut self.run_queue, worker.metrics())
            {
                return Some(task);
            }
        }
        worker.handle.shared.inject.pop()
    }

    fn transition_to_searching(&mut self, worker: &Worker) -> bool {
        if !self.is_searching {
            self.is_searching = worker.handle.shared.idle.transition_worker_to_searching();
        }
        self.is_searching
    }

    /// Found work: stop searching; the last searcher wakes another worker (rule I3).
    fn transition_from_searching(&mut self, worker: &Worker) {
        if !self.is_searching {
            return;
        }
        self.is_searching = false;
        if worker.handle.shared.idle.transition_worker_from_searching() {
            worker.handle.notify_parked();
        }
    }

    /// Tries to go to sleep; false if there is local work after all.
    fn transition_to_parked(&mut self, worker: &Worker) -> bool {
        if self.lifo_slot.is_some() || self.run_queue.has_tasks() {
            return false;
        }
        let is_last_searcher = worker
            .handle
            .shared
            .idle
            .transition_worker_to_parked(worker.index, self.is_searching);
        self.is_searching = false;
        if is_last_searcher {
            worker.handle.notify_if_work_pending();
        }
        true
    }

    /// Woke up: true if the worker should run (it was notified or has work).
    fn transition_from_parked(&mut self, worker: &Worker) -> bool {
        let idle = &worker.handle.shared.idle;
        // Woken by the driver with work of our own (in the inject queue since rule I5):
        // not a notification, not searching.
        if self.quiet_turns == 0 || self.lifo_slot.is_some() || self.run_queue.has_tasks() {
            self.is_searching = !idle.unpark_worker_by_id(worker.index);
            return true;
        }
        if idle.is_parked(worker.index) {
            // A spurious wake: no notifier claimed us.
            return false;
        }
        // A notifier claimed us: we wake up searching (rule I1).
        self.is_searching = true;
        true
    }

    /// Whether others should be woken to steal: this worker has more than it is running.
    fn should_notify_others(&self) -> bool {
        !self.is_searching && usize::from(self.lifo_slot.is_some()) + self.run_queue.len() > 1
    }

    fn maintenance(&mut self, worker: &Worker) {
        if !self.is_shutdown {
            self.is_shutdown = worker.handle.shared.inject.is_closed();
        }
    }

    /// Drops what is still queued at shutdown: references to completed tasks (R6).
    pub(super) fn shutdown(mut self) {
        drop(self.lifo_slot.take());
        drop(mem::take(&mut self.yielded));
        while let Some(task) = self.run_queue.pop() {
            drop(task);
        }
    }
}

/// How many tasks a worker takes from an inject queue of `len` tasks: a fair share, leaving
/// the rest for the other `workers`, within the `room` of its local queue, and at most
/// `BUSY_DRIVER_BATCH` while the driver keeps waking tasks (rule I6). At least one.
pub(super) fn inject_batch(len: usize, workers: usize, room: usize, driver_busy: bool) -> usize {
    let mut cap = room.min(super::queue::CAPACITY / 2);
    if driver_busy {
        cap = cap.min(BUSY_DRIVER_BATCH);
    }
    (len / workers + 1).min(cap).max(1)
}

/// Runs a worker on the current thread until shutdown, or until `block_in_place` hands its
/// core to another thread.
pub(super) fn run(worker: Arc<Worker>) {
    let Some(core) = lock(&worker.core).take() else {
        // The core was taken back by the thread that handed it off.
        return;
    };
    let handle = scheduler::Handle::MultiThread(worker.handle.clone());
    let _enter = context::enter_runtime(&handle);
    let cx = scheduler::Context::MultiThread(Context {
        worker,
        core: RefCell::new(None),
        defer: Defer::default(),
    });
    let mt = cx.expect_multi_thread();
    context::set_scheduler(&cx, || {
        // `Err` means the core went elsewhere (`block_in_place`): nothing left to do here.
        if let Ok(core) = mt.run(core) {
            mt.worker.handle.shutdown_core(*core);
        }
        mt.defer.wake();
    });
}

impl Context {
    fn run(&self, mut core: Box<Core>) -> Result<Box<Core>, ()> {
        let worker = &*self.worker;
        core.busy_since = Instant::now();
        while !core.is_shutdown {
            core.event_countdown -= 1;
            if core.event_countdown == 0 {
                // Let the driver deliver events even while tasks keep us busy.
                core = self.park_internal(core, Park::Poll);
                core.maintenance(worker);
            }
            if let Some(task) = core.next_task(worker) {
                core = self.run_task(task, core)?;
                continue;
            }
            if let Some(task) = core.steal_work(worker) {
                core = self.run_task(task, core)?;
                continue;
            }
            core = if self.defer.is_empty() && core.yielded.is_empty() {
                self.park(core)
            } else {
                self.park_internal(core, Park::Poll)
            };
        }
        // Shutting down: cancel every task (each worker helps), then hand the core over.
        worker.handle.shared.owned.close_and_shutdown_all();
        Ok(core)
    }

    /// Runs a task, then up to `MAX_LIFO_POLLS_PER_TICK` tasks from the LIFO slot.
    fn run_task(&self, task: Notified<Arc<Handle>>, mut core: Box<Core>) -> Result<Box<Core>, ()> {
        let worker = &*self.worker;
        core.transition_from_searching(worker);
        let mut task = task;
        let mut lifo_polls = 0;
        loop {
            worker.metrics().incr_poll_count();
            *self.core.borrow_mut() = Some(core);
            let again = task.run();
            // No core: `block_in_place` gave it to another thread, which runs it now.
            core = self.core.borrow_mut().take().ok_or(())?;
            match again {
                None => {}
                Some(Reschedule::Woken(task)) => core.run_queue.push_back_or_overflow(
                    task,
                    &worker.handle.shared.inject,
                    worker.metrics(),
                ),
                Some(Reschedule::Yielded(task)) => core.yielded.push(task),
            }
            let Some(next) = core.lifo_slot.take() else {
                core.lifo_enabled = true;
                return Ok(core);
            };
            lifo_polls += 1;
            if lifo_polls >= MAX_LIFO_POLLS_PER_TICK {
                // Bound the LIFO streak: later wakes go to the queue until it drains.
                core.lifo_enabled = false;
            }
            if lifo_polls > MAX_LIFO_POLLS_PER_TICK {
                core.run_queue.push_back_or_overflow(
                    next,
                    &worker.handle.shared.inject,
                    worker.metrics(),
                );
                return Ok(core);
            }
            task = next;
        }
    }

    /// Sleeps until notified (or shutdown).
    fn park(&self, mut core: Box<Core>) -> Box<Core> {
        let worker = &*self.worker;
        if let Some(f) = &worker.handle.config.before_park {
            f();
        }
        if core.transition_to_parked(worker) {
            while !core.is_shutdown {
                let metrics = worker.metrics();
                metrics.add_busy_duration(core.busy_since.elapsed());
                metrics.incr_park_count();
                metrics.incr_park_unpark_count();
                core = self.park_internal(core, Park::Sleep);
                metrics.incr_park_unpark_count();
                core.busy_since = Instant::now();
                core.maintenance(worker);
                if core.transition_from_parked(worker) {
                    break;
                }
            }
        }
        if let Some(f) = &worker.handle.config.after_unpark {
            f();
        }
        core
    }

    /// Sleeps on the driver or condvar, or polls the driver, with the core in the context so
    /// wakes from the driver reach the local queue.
    fn park_internal(&self, mut core: Box<Core>, how: Park) -> Box<Core> {
        let worker = &*self.worker;
        let mut park = core.park.take().expect("park missing");
        core.in_driver = true;
        *self.core.borrow_mut() = Some(core);
        match how {
            Park::Sleep => park.park(),
            Park::Poll => park.poll_driver(),
        }
        {
            let mut slot = self.core.borrow_mut();
            let core = slot.as_mut().expect("core missing after park");
            core.in_driver = false;
            if core.driver_wakes.is_empty() {
                core.quiet_turns = core.quiet_turns.saturating_add(1);
            } else {
                // Rule I5: one shared queue, in the order the driver found the events.
                core.quiet_turns = 0;
                // This worker takes the first itself: only more are worth a sleeper (I4).
                let more_than_one = core.driver_wakes.len() > 1;
                let inject = &worker.handle.shared.inject;
                inject.push_batch(core.driver_wakes.drain(..));
                if more_than_one {
                    worker.handle.notify_parked();
                }
            }
            // Every park is a driver turn (or another worker's): the next poll is due an
            // interval from now, not from the last forced one (rule I5).
            let interval = worker.handle.config.event_interval;
            core.event_countdown = if core.quiet_turns < QUIET_TURNS {
                (interval / BUSY_DIVISOR).max(1)
            } else {
                interval
            };
        }
        self.defer.wake();
        let mut core = self
            .core
            .borrow_mut()
            .take()
            .expect("core missing after park");
        core.park = Some(park);
        // Yielded tasks go behind what the driver and the deferred wakes just queued.
        for task in mem::take(&mut core.yielded) {
            core.run_queue.push_back_or_overflow(
                task,
                &worker.handle.shared.inject,
                worker.metrics(),
            );
        }
        if core.should_notify_others() {
            worker.handle.notify_parked();
        }
        core
    }

    pub(crate) fn defer(&self, waker: &Waker) {
        self.defer.defer(waker);
    }
}

/// Schedules a task: on this worker (LIFO slot) if called from one of this runtime's
/// workers, else through the inject queue.
pub(super) fn schedule_task(handle: &Arc<Handle>, task: Notified<Arc<Handle>>) {
    let task = context::with_scheduler(|cx| {
        let Some(scheduler::Context::MultiThread(cx)) = cx else {
            return Some(task);
        };
        if !Arc::ptr_eq(&cx.worker.handle, handle) {
            return Some(task);
        }
        let mut core = cx.core.borrow_mut();
        let Some(core) = core.as_mut() else {
            return Some(task);
        };
        schedule_local(&cx.worker, core, task);
        None
    });
    if let Some(task) = task {
        handle.push_remote_task(task);
    }
}

fn schedule_local(worker: &Worker, core: &mut Core, task: Notified<Arc<Handle>>) {
    if core.in_driver {
        // Rule I5: for the inject queue once the driver returns.
        core.driver_wakes.push(task);
        return;
    }
    let queue = &worker.handle.shared.inject;
    if core.lifo_enabled {
        // The newest task runs next; the one it displaces goes to the queue.
        if let Some(prev) = core.lifo_slot.replace(task) {
            core.run_queue
                .push_back_or_overflow(prev, queue, worker.metrics());
        }
    } else {
        core.run_queue
            .push_back_or_overflow(task, queue, worker.metrics());
    }
    // A lone queued task runs as soon as the current poll returns, like one in the LIFO
    // slot: only a second one is worth waking a sleeper for (rule I4). Wakes deferred to
    // the end of a park come in a batch: `park_internal` notifies once after them instead.
    if core.park.is_some() && core.should_notify_others() {
        worker.handle.notify_parked();
    }
}

impl Schedule for Arc<Handle> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.shared.owned.remove(task)
    }

    fn schedule(&self, task: Notified<Self>) {
        schedule_task(self, task);
    }
}

/// `block_in_place`, on a thread inside a runtime.
///
/// On a worker, hands the core to a new thread, runs `f`, then takes the core back if that
/// thread has not started with it yet. On a thread blocked in a multi-thread runtime's
/// `block_on`, just runs `f`.
///
/// # Panics
///
/// Panics on a current-thread runtime: there is no other thread to hand the tasks to.
#[track_caller]
pub(crate) fn block_in_place<R>(f: impl FnOnce() -> R) -> R {
    const CURRENT_THREAD: &str =
        "can call blocking only when running on the multi-threaded runtime";
    enum Here {
        Worker(Arc<Worker>),
        CurrentThread,
        Elsewhere,
    }
    let here = context::with_scheduler(|cx| match cx {
        Some(scheduler::Context::MultiThread(cx)) => {
            let core = cx.core.borrow_mut().take();
            if let Some(core) = core {
                *lock(&cx.worker.core) = Some(core);
                let worker = cx.worker.clone();
                if let Err(err) = worker.handle.clone().start_worker_thread(worker) {
                    panic!("OS can't spawn worker thread: {err}");
                }
            }
            Here::Worker(cx.worker.clone())
        }
        Some(scheduler::Context::CurrentThread(_)) => Here::CurrentThread,
        None => Here::Elsewhere,
    });
    match here {
        Here::CurrentThread => panic!("{CURRENT_THREAD}"),
        Here::Elsewhere => {
            let multi_thread =
                context::with_current(|h| matches!(h, Some(scheduler::Handle::MultiThread(_))))
                    .unwrap_or(false);
            assert!(multi_thread, "{CURRENT_THREAD}");
            context::exit_runtime(f)
        }
        Here::Worker(worker) => {
            let output = context::exit_runtime(f);
            // If the new thread has not taken the core yet, keep running the worker here.
            let core = lock(&worker.core).take();
            if let Some(core) = core {
                context::with_scheduler(|cx| {
                    if let Some(scheduler::Context::MultiThread(cx)) = cx {
                        *cx.core.borrow_mut() = Some(core);
                    }
                });
            }
            output
        }
    }
}

/// A small xorshift generator for picking steal victims.
struct FastRand(u64);

impl FastRand {
    fn new(seed: u64) -> FastRand {
        FastRand(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn below(&mut self, n: u32) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (((x >> 32) * u64::from(n)) >> 32) as u32
    }
}
