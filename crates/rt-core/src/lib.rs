//! The task core of rt: tasks, wakers, schedulers, the blocking pool and the driver seam.
//!
//! This is the bottom layer of the rt runtime. It knows how to run futures — spawn them as
//! tasks, wake them, join and abort them, schedule them on a runtime — and how to block a
//! thread until there is work, through the [`Driver`](runtime::driver::Driver) trait. It
//! does **not** know about sockets, files or timers: those live in the layers above
//! (rt-io, rt-net, rt-time, rt-fs), which plug their drivers into this seam. Most users
//! depend on the `rt` umbrella crate, which re-exports this crate at Tokio's paths.
//!
//! # A task in memory
//!
//! ```text
//!  one allocation per task
//! ┌───────────────────────────────┬──────────────────────────┬────────────┐
//! │ Header                        │ Core                     │ Trailer    │
//! │ state word: RUNNING COMPLETE  │ scheduler handle         │ join waker │
//! │ NOTIFIED JOIN_INTEREST        │ future, then its output  │            │
//! │ JOIN_WAKER CANCELLED | refs   │                          │            │
//! │ vtable, list links, task id   │                          │            │
//! └───────────────────────────────┴──────────────────────────┴────────────┘
//!      ▲ JoinHandle, AbortHandle, Waker, the run queue and the task list all point here
//! ```
//!
//! The protocol those bits follow is in the [`task`] module's source documentation.
//!
//! # The schedulers
//!
//! ```text
//!  current-thread: everything runs on the thread in block_on
//!  other threads ──spawn/wake──▶ inject queue (mutex) ──┐  unpark only if parked
//!  block_on thread: [ local run queue ] ◀───────────────┘◀── wakes from this thread
//!        every 31 tasks: inject first; every 61: poll the driver; idle: park on it
//!
//!  multi-thread: one worker per core
//!  outside ──spawn/wake──▶ inject queue ◀── every 61 polls, and when a worker is empty
//!  worker 0: [LIFO][local ▯▯▯▯▯▯▯▯ 256] ◀── steal half ── worker 1: [LIFO][local ▯▯▯]
//!  idle workers: at most half search; one sleeps in the driver, the rest on condvars
//! ```
//!
//! A task that yields goes back to its scheduler's run loop and is queued again after
//! the next driver poll; a task woken while it runs is queued behind the others.
//!
//! # Features
//!
//! | feature   | what it adds |
//! |-----------|--------------|
//! | `tracing` | a `tracing` span per task (id, name, spawn location) |

// The atomics, cells and locks every module uses: loom's under `--cfg rt_loom`.
mod loom;
// Builder, Runtime and Handle; the two schedulers, the blocking pool, the driver seam,
// the per-thread context and the metrics.
pub mod runtime;
// Tasks: the allocation and its protocol, spawn, JoinHandle, JoinSet, LocalSet,
// task-locals, the coop budget, yield_now, spawn_blocking.
pub mod task;

// Unit tests of the raw task paths (also under miri) and loom models of the task core.
#[cfg(test)]
mod tests;

pub use task::spawn;

/// Hooks for the layers above rt-core (coop budget); not for users, not covered by semver.
#[doc(hidden)]
pub mod __private {
    pub use crate::task::coop::{RestoreOnPending, has_budget_remaining, poll_proceed};

    /// Panics, with Tokio's message, if this thread drives a runtime: a blocking call here
    /// (`blocking_recv`, `blocking_lock`, ...) would stall every task on it.
    #[track_caller]
    pub fn assert_can_block() {
        use crate::runtime::context::{EnterRuntime, runtime_entered};
        if runtime_entered() != EnterRuntime::NotEntered {
            panic!(
                "Cannot block the current thread from within a runtime. This happens because a function attempted to block the current thread while the thread is being used to drive asynchronous tasks."
            );
        }
    }
}
