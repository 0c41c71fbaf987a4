//! Running blocking code without stalling the scheduler.

use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::JoinHandle;
use crate::runtime::context::{self, EnterRuntime};

/// Runs the provided closure on a thread where blocking is acceptable.
///
/// In general, issuing a blocking call or performing a lot of compute in a future without
/// yielding is problematic, as it may prevent the executor from driving other tasks forward.
/// This function runs the closure on a dedicated thread pool for blocking tasks, started on
/// demand up to [`max_blocking_threads`](crate::runtime::Builder::max_blocking_threads) and
/// queuing beyond that; idle threads exit after
/// [`thread_keep_alive`](crate::runtime::Builder::thread_keep_alive).
///
/// The closure cannot be aborted once it has started running: `abort` on the returned handle
/// only prevents a closure that has not started yet from running. When the runtime shuts
/// down, closures still queued are cancelled and those running are waited for (up to the
/// timeout given to `shutdown_timeout`).
///
/// # Panics
///
/// Panics if called outside a runtime, or if the OS cannot start a thread when the pool has
/// none.
///
/// # Examples
///
/// ```
/// # let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let sum = rt_core::task::spawn_blocking(|| (1..=100u64).sum::<u64>()).await.unwrap();
/// assert_eq!(sum, 5050);
/// # });
/// ```
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let location = Location::caller();
    context::expect_current(|handle| handle.spawn_blocking(f, location))
}

/// Runs the provided blocking function on the current thread without blocking the executor.
///
/// On a worker of the multi-thread runtime this hands the worker (its queued tasks and its
/// place in the scheduler) to a new thread while `f` runs on this one; the calling task is
/// not rescheduled meanwhile. Inside `f` the thread is not in the runtime, so `f` may block,
/// even on another runtime. Outside any runtime, `f` simply runs.
///
/// # Panics
///
/// Panics when called from a current-thread runtime, as there is no other thread to hand
/// the scheduler to (use [`spawn_blocking`] there).
#[track_caller]
pub fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    match context::runtime_entered() {
        EnterRuntime::NotEntered => f(),
        EnterRuntime::Entered => crate::runtime::multi_thread::block_in_place(f),
    }
}

/// The future a blocking closure is wrapped in: it runs the closure in its first poll.
pub(crate) struct BlockingTask<F> {
    func: Option<F>,
}

impl<F> BlockingTask<F> {
    pub(crate) fn new(func: F) -> BlockingTask<F> {
        BlockingTask { func: Some(func) }
    }
}

impl<F> Unpin for BlockingTask<F> {}

impl<F, R> Future for BlockingTask<F>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    type Output = R;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<R> {
        let func = self
            .func
            .take()
            .expect("blocking task polled after completion");
        // Blocking code is not budgeted: it never yields.
        Poll::Ready(super::coop::with_unconstrained(func))
    }
}
