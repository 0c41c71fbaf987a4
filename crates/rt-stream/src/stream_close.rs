//! [`StreamNotifyClose`]: a stream that yields `None` once when the stream it wraps ends.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;

/// A stream that yields `Some(item)` for each item of the stream it wraps, then `None`
/// once when that stream ends, and then ends itself.
///
/// Its use is in a [`StreamMap`](crate::StreamMap), which drops ended streams silently:
/// wrapped, each stream's end arrives as `(key, None)`.
///
/// # Examples
///
/// ```
/// use rt_stream::{self as stream, StreamExt, StreamMap, StreamNotifyClose};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let mut map = StreamMap::new();
/// map.insert("a", StreamNotifyClose::new(stream::iter([1])));
/// assert_eq!(map.next().await, Some(("a", Some(1))));
/// assert_eq!(map.next().await, Some(("a", None)));
/// assert_eq!(map.next().await, None);
/// # });
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct StreamNotifyClose<S> {
    // Structurally pinned: handed out only as `Pin<&mut S>` from a pinned
    // `StreamNotifyClose`, replaced only with `Pin::set`; no `Drop` impl; `Unpin` only if
    // `S` is (auto-impl).
    inner: Option<S>,
}

impl<S> StreamNotifyClose<S> {
    /// Wraps `stream`.
    pub fn new(stream: S) -> Self {
        StreamNotifyClose {
            inner: Some(stream),
        }
    }

    /// Returns the wrapped stream, or `None` if it has ended (and was dropped).
    pub fn into_inner(self) -> Option<S> {
        self.inner
    }

    /// The pinned inner slot of a pinned `StreamNotifyClose`.
    fn project(self: Pin<&mut Self>) -> Pin<&mut Option<S>> {
        // SAFETY: `inner` is structurally pinned (see the field): handed out only pinned,
        // and replaced only with `Pin::set`.
        unsafe { self.map_unchecked_mut(|me| &mut me.inner) }
    }
}

impl<S: Stream> Stream for StreamNotifyClose<S> {
    type Item = Option<S::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut slot = self.project();
        let Some(stream) = slot.as_mut().as_pin_mut() else {
            return Poll::Ready(None);
        };
        match ready!(stream.poll_next(cx)) {
            Some(item) => Poll::Ready(Some(Some(item))),
            None => {
                slot.set(None);
                Poll::Ready(Some(None))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.inner {
            Some(stream) => {
                let (lower, upper) = stream.size_hint();
                (
                    lower.saturating_add(1),
                    upper.and_then(|upper| upper.checked_add(1)),
                )
            }
            None => (0, Some(0)),
        }
    }
}
