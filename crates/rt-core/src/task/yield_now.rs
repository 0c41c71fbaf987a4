//! Yielding to the scheduler.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::runtime::context;

/// Yields execution back to the runtime.
///
/// A task yields by awaiting the returned future; the current task is rescheduled after the
/// runtime has polled its driver (I/O and timers) and run other ready tasks, so a loop of
/// `yield_now` cannot starve the rest of the runtime. There is no guarantee about which task
/// runs next.
///
/// # Cancel safety
///
/// Cancel safe: it holds no state; dropping it before completion only skips the yield.
///
/// # Examples
///
/// ```
/// # let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let other = rt_core::spawn(async { "ran" });
/// rt_core::task::yield_now().await;
/// assert!(other.is_finished(), "the spawned task ran while we yielded");
/// # });
/// ```
pub async fn yield_now() {
    /// Returns `Pending` once, deferring its wake-up.
    struct YieldNow {
        yielded: bool,
    }

    impl Future for YieldNow {
        type Output = ();

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.yielded {
                return Poll::Ready(());
            }
            self.yielded = true;
            // In a task, without a wake at all; elsewhere, a deferred wake.
            if !crate::task::waker::yield_current_task(cx.waker()) {
                context::defer(cx.waker());
            }
            Poll::Pending
        }
    }

    YieldNow { yielded: false }.await
}
