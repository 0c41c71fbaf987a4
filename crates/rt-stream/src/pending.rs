//! [`pending`]: a stream that never yields.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

/// Stream for [`pending`]: never an item, never the end.
#[must_use = "streams do nothing unless polled"]
pub struct Pending<T>(
    // `fn() -> T`: no `T` is held, so `Pending` is `Send`, `Sync` and `Unpin` whatever `T` is.
    PhantomData<fn() -> T>,
);

/// Makes a stream that never yields an item and never ends: every poll returns `Pending`
/// (and registers no waker).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use rt_stream::{self as stream, StreamExt};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let mut never = stream::pending::<i32>();
/// let waited = rt::time::timeout(Duration::from_millis(1), never.next()).await;
/// assert!(waited.is_err());
/// # });
/// ```
pub const fn pending<T>() -> Pending<T> {
    Pending(PhantomData)
}

impl<T> Stream for Pending<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<T>> {
        Poll::Pending
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, None)
    }
}

impl<T> fmt::Debug for Pending<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pending")
    }
}
