//! [`once`]: a stream of one value.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::iter::{Iter, iter};

/// Stream for [`once`]: one value, then the end.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Once<T> {
    inner: Iter<std::option::IntoIter<T>>,
}

impl<T> Unpin for Once<T> {}

/// Makes a stream that yields `value` once, at once, and then ends.
///
/// # Examples
///
/// ```
/// use rt_stream::{self as stream, StreamExt};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let mut s = stream::once(1);
/// assert_eq!(s.next().await, Some(1));
/// assert_eq!(s.next().await, None);
/// # });
/// ```
pub fn once<T>(value: T) -> Once<T> {
    Once {
        inner: iter(Some(value)),
    }
}

impl<T> Stream for Once<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        Pin::new(&mut self.inner).poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}
