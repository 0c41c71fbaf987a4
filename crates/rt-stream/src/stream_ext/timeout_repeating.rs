//! The stream of [`StreamExt::timeout_repeating`](crate::StreamExt::timeout_repeating).

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;
use rt_time::Interval;

use super::Fuse;
use super::timeout::Elapsed;

/// Stream for [`StreamExt::timeout_repeating`](crate::StreamExt::timeout_repeating): each
/// item as `Ok`, and an `Err(Elapsed)` at every tick of an interval without one.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct TimeoutRepeating<S> {
    // P1 (stream_ext.rs): structurally pinned.
    stream: Fuse<S>,
    // Plain data: `Interval` is `Unpin` (it boxes its timer).
    interval: Interval,
}

impl<S: Stream> TimeoutRepeating<S> {
    pub(super) fn new(stream: S, interval: Interval) -> Self {
        TimeoutRepeating {
            stream: Fuse::new(stream),
            interval,
        }
    }

    /// Splits a pinned `TimeoutRepeating` into its pinned stream and its interval.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut Fuse<S>>, &mut Interval) {
        // SAFETY: P1 (stream_ext.rs): `stream` is only handed out pinned and never moved;
        // `interval` is never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: `me.stream` lives inside the pinned adapter, so it never moves either.
        let stream = unsafe { Pin::new_unchecked(&mut me.stream) };
        (stream, &mut me.interval)
    }
}

impl<S: Stream> Stream for TimeoutRepeating<S> {
    type Item = Result<S::Item, Elapsed>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let (stream, interval) = self.project();
        if let Poll::Ready(item) = stream.poll_next(cx) {
            if item.is_some() {
                interval.reset();
            }
            return Poll::Ready(item.map(Ok));
        }
        ready!(interval.poll_tick(cx));
        Poll::Ready(Some(Err(Elapsed::new())))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // Any number of `Elapsed` may come between items.
        (self.stream.size_hint().0, None)
    }
}
