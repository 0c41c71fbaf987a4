//! Cooperative scheduling: a budget per task poll so one busy task cannot starve the rest.
//!
//! Every task poll starts with [`INITIAL`] units (set by the task harness). Resources that can be ready forever
//! (sockets, channels, timers, join handles) spend one unit per ready operation through
//! [`poll_proceed`]; when none is left they return `Pending` after arranging a wake-up, so
//! the task yields to the scheduler. A `Pending` from the resource itself refunds the unit.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::runtime::context::{self, Budget};

/// Units a task gets per poll.
const INITIAL: u8 = 128;

/// The budget a poll starts with.
pub(crate) fn initial() -> Budget {
    Budget(Some(INITIAL))
}

/// Runs `f` (a poll of a future that is not a task, such as `block_on`'s) with a fresh
/// budget. Task polls get theirs from the harness.
pub(crate) fn budget<R>(f: impl FnOnce() -> R) -> R {
    with_budget(initial(), f)
}

/// Runs `f` with no budget limit (blocking tasks, `unconstrained`).
pub(crate) fn with_unconstrained<R>(f: impl FnOnce() -> R) -> R {
    with_budget(Budget(None), f)
}

fn with_budget<R>(budget: Budget, f: impl FnOnce() -> R) -> R {
    struct ResetGuard {
        prev: Budget,
    }
    impl Drop for ResetGuard {
        fn drop(&mut self) {
            context::budget(|cell| cell.set(self.prev));
        }
    }
    match context::budget(|cell| cell.replace(budget)) {
        Some(prev) => {
            let _guard = ResetGuard { prev };
            f()
        }
        // The thread-local is gone: run without a budget.
        None => f(),
    }
}

/// Whether the current task has budget left (true outside a task).
pub fn has_budget_remaining() -> bool {
    context::budget(|cell| cell.get().0 != Some(0)).unwrap_or(true)
}

/// Spends one unit, or returns `Pending` (after arranging a wake-up) if none is left.
///
/// The returned guard refunds the unit when dropped unless
/// [`made_progress`](RestoreOnPending::made_progress) was called: call it once the resource
/// actually did something.
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    context::budget(|cell| {
        let mut budget = cell.get();
        match &mut budget.0 {
            Some(0) => {
                record_forced_yield();
                // Yield: run again after the driver had its turn.
                if !super::waker::yield_current_task(cx.waker()) {
                    context::defer(cx.waker());
                }
                Poll::Pending
            }
            Some(units) => {
                let restore = RestoreOnPending(Cell::new(cell.get()));
                *units -= 1;
                cell.set(budget);
                Poll::Ready(restore)
            }
            None => Poll::Ready(RestoreOnPending(Cell::new(budget))),
        }
    })
    .unwrap_or(Poll::Ready(RestoreOnPending(Cell::new(Budget(None)))))
}

/// Counts a forced yield in the runtime's metrics.
fn record_forced_yield() {
    let _ = context::with_current(|handle| {
        if let Some(handle) = handle {
            handle.scheduler_metrics().incr_budget_forced_yield_count();
        }
    });
}

/// Refunds a budget unit on drop, unless the operation made progress.
pub struct RestoreOnPending(Cell<Budget>);

impl RestoreOnPending {
    /// The operation completed: keep the unit spent.
    pub fn made_progress(&self) {
        self.0.set(Budget(None));
    }
}

impl Drop for RestoreOnPending {
    fn drop(&mut self) {
        let budget = self.0.get();
        if budget.0.is_some() {
            context::budget(|cell| cell.set(budget));
        }
    }
}

impl std::fmt::Debug for RestoreOnPending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestoreOnPending").finish_non_exhaustive()
    }
}

/// Consumes a unit of budget and returns control to the scheduler if the task's budget is
/// exhausted.
///
/// Use it in a loop that does work without ever awaiting a resource that spends budget, so
/// the loop still yields now and then.
///
/// # Cancel safety
///
/// Cancel safe: it holds no state; dropping it before completion only skips the yield.
///
/// # Examples
///
///
/// ```
/// # let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut sum = 0u64;
/// for i in 0..1_000u64 {
///     sum += i;
///     rt_core::task::consume_budget().await;
/// }
/// assert_eq!(sum, 499_500);
/// # });
/// ```
pub async fn consume_budget() {
    std::future::poll_fn(|cx| {
        let restore = ready!(poll_proceed(cx));
        restore.made_progress();
        Poll::Ready(())
    })
    .await
}

/// A future that runs the inner future without a coop budget. See [`unconstrained`].
#[derive(Debug)]
#[must_use = "Unconstrained does nothing unless polled"]
pub struct Unconstrained<F> {
    inner: F,
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `inner` is structurally pinned: it is never moved out of `self`.
        let inner = unsafe { self.map_unchecked_mut(|u| &mut u.inner) };
        with_unconstrained(|| inner.poll(cx))
    }
}

/// Turns off cooperative scheduling for a future: resources it awaits never force it to
/// yield.
///
/// This can starve other tasks on the same worker if the future never awaits something that
/// is pending; use it only for futures that must not be interrupted.
///
/// # Examples
///
/// ```
/// # let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let out = rt_core::task::unconstrained(async { 5 }).await;
/// assert_eq!(out, 5);
/// # });
/// ```
pub fn unconstrained<F: Future>(inner: F) -> Unconstrained<F> {
    Unconstrained { inner }
}
