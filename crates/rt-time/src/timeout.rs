//! `Timeout`: a future with a deadline, and `timeout`/`timeout_at`.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use rt_core::__private::has_budget_remaining;
use rt_core::task::unconstrained;

use crate::error::Elapsed;
use crate::instant::Instant;
use crate::sleep::{Sleep, sleep, sleep_until};

/// Requires a future to complete before `duration` has elapsed.
///
/// If the future completes in time its output is returned in `Ok`; otherwise the future is
/// dropped and `Err(Elapsed)` returned. The future is polled before the timer, so a future
/// that is ready at once completes even with a zero duration, and a timeout around a ready
/// future never touches the timer wheel.
///
/// # Cancel safety
///
/// Cancel safe as far as the timer goes: dropping the `Timeout` unregisters its timer. What
/// the inner future loses when dropped is the inner future's own cancel safety.
///
/// # Examples
///
/// ```
/// use rt::time::{timeout, Duration};
///
/// # let rt = rt::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// assert_eq!(timeout(Duration::from_millis(10), async { 1 }).await, Ok(1));
/// assert!(timeout(Duration::from_millis(10), std::future::pending::<()>()).await.is_err());
/// # });
/// ```
///
/// # Panics
///
/// Outside a runtime, or on a runtime built without timers (see [`sleep`]).
#[track_caller]
pub fn timeout<F: IntoFuture>(duration: Duration, future: F) -> Timeout<F::IntoFuture> {
    Timeout {
        value: future.into_future(),
        delay: sleep(duration),
    }
}

/// Requires a future to complete before `deadline`.
///
/// See [`timeout`].
///
/// # Cancel safety
///
/// As [`timeout`]'s.
///
/// # Examples
///
/// ```
/// use rt::time::{timeout_at, Duration, Instant};
///
/// # let rt = rt::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// let deadline = Instant::now() + Duration::from_millis(10);
/// assert!(timeout_at(deadline, std::future::pending::<()>()).await.is_err());
/// # });
/// ```
///
/// # Panics
///
/// Outside a runtime, or on a runtime built without timers (see [`sleep`]).
#[track_caller]
pub fn timeout_at<F: IntoFuture>(deadline: Instant, future: F) -> Timeout<F::IntoFuture> {
    Timeout {
        value: future.into_future(),
        delay: sleep_until(deadline),
    }
}

/// The future returned by [`timeout`] and [`timeout_at`].
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Timeout<T> {
    value: T,
    delay: Sleep,
}

impl<T> Timeout<T> {
    /// Gets a reference to the underlying future.
    pub fn get_ref(&self) -> &T {
        &self.value
    }

    /// Gets a mutable reference to the underlying future.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.value
    }

    /// Consumes the timeout, returning the underlying future.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T: Future> Future for Timeout<T> {
    type Output = Result<T::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: both fields are structurally pinned: neither is moved out while pinned
        // (`into_inner` takes `self` by value, which needs `Timeout: Unpin` once pinned).
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: see above: `value` is pinned with `self`.
        let value = unsafe { Pin::new_unchecked(&mut this.value) };
        if let Poll::Ready(output) = value.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        // SAFETY: see above: `delay` is pinned with `self`.
        let delay = unsafe { Pin::new_unchecked(&mut this.delay) };
        poll_delay(delay, cx).map(Err)
    }
}

/// Polls the timer of a timeout whose future is pending. If the coop budget is spent (by
/// the future, usually), the timer is polled without it: a future that always exhausts the
/// budget must still time out.
fn poll_delay(delay: Pin<&mut Sleep>, cx: &mut Context<'_>) -> Poll<Elapsed> {
    let poll = if has_budget_remaining() {
        // The sleep spends its own unit.
        delay.poll(cx)
    } else {
        Pin::new(&mut unconstrained(delay)).poll(cx)
    };
    poll.map(|()| Elapsed::new())
}

impl<T: fmt::Debug> fmt::Debug for Timeout<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout")
            .field("value", &self.value)
            .field("delay", &self.delay)
            .finish()
    }
}
