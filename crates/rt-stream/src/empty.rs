//! [`empty`]: a stream that has already ended.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

/// Stream for [`empty`]: no items; the first poll gives `None`.
#[must_use = "streams do nothing unless polled"]
pub struct Empty<T>(
    // `fn() -> T`: no `T` is held, so `Empty` is `Send`, `Sync` and `Unpin` whatever `T` is.
    PhantomData<fn() -> T>,
);

/// Makes a stream that yields nothing: it returns `None` at once.
///
/// # Examples
///
/// ```
/// use rt_stream::{self as stream, StreamExt};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let mut none = stream::empty::<i32>();
/// assert_eq!(none.next().await, None);
/// # });
/// ```
pub const fn empty<T>() -> Empty<T> {
    Empty(PhantomData)
}

impl<T> Stream for Empty<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<T>> {
        Poll::Ready(None)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(0))
    }
}

impl<T> fmt::Debug for Empty<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Empty")
    }
}
