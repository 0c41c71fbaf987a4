//! Asynchronous green threads: spawning, joining, aborting, yielding.
//!
//! # The task protocol
//!
//! A task is one allocation (see `raw.rs`) shared by several handles, all pointing at its
//! header: the scheduler's owned-task list (`Task`), at most one queued notification
//! (`Notified`), the `JoinHandle`, `AbortHandle`s and `Waker`s. Its atomic state word
//! (`state.rs`) holds six lifecycle bits and a reference count. The rules below are cited
//! by number in the code.
//!
//! - **R0 — references.** Each handle owns one reference; a new task starts with three (the
//!   list, the first notification, the join handle). Whoever drops the last one frees the
//!   allocation, and only then; so any handle may touch the header at any time.
//! - **R1 — `RUNNING`.** Set by the thread that turns a `Notified` into a poll (clearing
//!   `NOTIFIED`), or by shutdown when it claims an idle task (R6). Only that thread touches the
//!   future. Cleared when the poll returns `Pending` or turned into `COMPLETE`.
//! - **R2 — `NOTIFIED`.** At most one notification exists per task. A wake of an idle task
//!   sets the bit and creates one (adding a reference, the waker keeping its own until the
//!   scheduler has it); a wake of a running task only sets the bit, and the poller
//!   reschedules the task when it goes idle. Wakes of a notified or complete task do nothing.
//! - **R3 — `COMPLETE` and `JOIN_INTEREST`.** The output is written while `RUNNING`, then
//!   published by the transition to `COMPLETE` (acquire–release). From then on the stage
//!   belongs to the join handle if `JOIN_INTEREST` was set at that moment, and to the runtime
//!   (which drops it) if not. A handle that drops after completion drops the output itself.
//! - **R4 — `JOIN_WAKER`.** While clear and the task is not complete, the join waker slot
//!   belongs to the handle, which writes it and then sets the bit. While set, the runtime may
//!   read the slot; the handle may only read it, or clear the bit (before completion) to take
//!   it back. After completion the runtime wakes the waker and clears the bit; if the handle
//!   has dropped by then, the runtime drops the waker.
//! - **R5 — `CANCELLED`.** Set by `abort` (and by shutdown). A notified or running task sees
//!   it at its next transition and is cancelled by the thread that holds `RUNNING`: the future
//!   is dropped on a runtime thread and the join handle gets a cancellation error. An idle
//!   task is notified so a runtime thread does that.
//! - **R6 — shutdown.** Shutdown marks every owned task `CANCELLED` and cancels in place
//!   those it can claim (idle ones). Running ones finish their poll and then cancel.

mod abort;
mod blocking;
pub(crate) mod coop;
mod error;
mod harness;
mod id;
mod join;
mod join_set;
pub(crate) mod list;
mod local;
mod raw;
mod spawn;
pub(crate) mod state;
mod task_local;
pub(crate) mod waker;
mod yield_now;

pub use abort::AbortHandle;
pub use blocking::{block_in_place, spawn_blocking};
pub use coop::{Unconstrained, consume_budget, unconstrained};
pub use error::JoinError;
pub use id::{Id, id, try_id};
pub use join::JoinHandle;
pub use join_set::JoinSet;
pub use local::{LocalEnterGuard, LocalSet, spawn_local};
pub use spawn::{Builder, spawn};
pub use task_local::{AccessError, LocalKey};
pub use yield_now::yield_now;

/// Futures that task-local storage wraps around.
pub mod futures {
    pub use super::task_local::TaskLocalFuture;
}

pub(crate) use blocking::BlockingTask;
pub(crate) use coop::{budget, has_budget_remaining, poll_proceed};
pub(crate) use spawn::prepare;

use std::future::Future;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;

use raw::RawTask;

/// What a task needs from the scheduler it belongs to.
pub(crate) trait Schedule: Send + Sync + Sized + 'static {
    /// The task completed: take it out of the owned list, returning the list's reference.
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>>;

    /// Queue a notification to run.
    fn schedule(&self, task: Notified<Self>);
}

/// A task that must run again after the poll that returned it.
pub(crate) enum Reschedule<S: 'static> {
    /// It was woken while it ran: queue it again.
    Woken(Notified<S>),
    /// It yielded (`yield_now`, or out of coop budget): queue it again once the driver has
    /// been polled.
    Yielded(Notified<S>),
}

impl<S: 'static> Reschedule<S> {
    pub(crate) fn into_notified(self) -> Notified<S> {
        match self {
            Reschedule::Woken(task) | Reschedule::Yielded(task) => task,
        }
    }
}

/// The owned list's handle on a task (one reference).
pub(crate) struct Task<S: 'static> {
    raw: RawTask,
    _scheduler: PhantomData<S>,
}

/// A task that must be run (one reference, with `NOTIFIED` set).
pub(crate) struct Notified<S: 'static>(Task<S>);

// SAFETY: a Task or Notified is a pointer plus a reference count. Moving one across threads
// only moves the right to run or cancel the task; futures that are not `Send` are only bound
// by LocalSet, which runs and shuts them down on its own thread (see `bind_local`).
unsafe impl<S> Send for Task<S> {}
// SAFETY: as above: `&Task` gives only the header's atomic operations.
unsafe impl<S> Sync for Task<S> {}

/// Allocates a task: its list handle, its first notification, and its join handle (R0).
pub(crate) fn new_task<F, S>(
    future: F,
    scheduler: S,
    id: Id,
) -> (Task<S>, Notified<S>, JoinHandle<F::Output>)
where
    F: Future + 'static,
    S: Schedule,
{
    let raw = RawTask::new(future, scheduler, id);
    // SAFETY: the three initial references are handed out once each.
    unsafe {
        (
            Task::from_raw(raw),
            Notified(Task::from_raw(raw)),
            JoinHandle::from_raw(raw),
        )
    }
}

impl<S: 'static> Task<S> {
    /// # Safety
    ///
    /// - The caller gives the new `Task` one reference it owns.
    pub(crate) unsafe fn from_raw(raw: RawTask) -> Task<S> {
        Task {
            raw,
            _scheduler: PhantomData,
        }
    }

    pub(crate) fn raw(&self) -> RawTask {
        self.raw
    }

    fn into_raw(self) -> RawTask {
        ManuallyDrop::new(self).raw
    }

    pub(crate) fn id(&self) -> Id {
        self.raw.id()
    }

    /// Cancels the task at shutdown (R6).
    pub(crate) fn shutdown(self) {
        self.into_raw().shutdown();
    }
}

impl<S: 'static> Notified<S> {
    /// Polls the task once; if it must run again, returns it.
    #[must_use = "a task returned by `run` must be queued again"]
    pub(crate) fn run(self) -> Option<Reschedule<S>> {
        let raw = self.0.into_raw();
        let outcome = raw.poll();
        // SAFETY: the poll gave the running turn's reference to the rescheduled task (R2).
        let again = || Notified(unsafe { Task::from_raw(raw) });
        match outcome {
            raw::PollOutcome::Done => None,
            raw::PollOutcome::Woken => Some(Reschedule::Woken(again())),
            raw::PollOutcome::Yielded => Some(Reschedule::Yielded(again())),
        }
    }

    /// Cancels a notification that will never run (a pool that shuts down before it starts).
    pub(crate) fn shutdown(self) {
        self.0.shutdown();
    }

    pub(crate) fn id(&self) -> Id {
        self.0.id()
    }
}

impl<S: 'static> Drop for Task<S> {
    fn drop(&mut self) {
        // SAFETY: this handle owns its reference and is not used again.
        unsafe { self.raw.drop_reference() }
    }
}

impl<S: 'static> std::fmt::Debug for Notified<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notified").field("id", &self.id()).finish()
    }
}
