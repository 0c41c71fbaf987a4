//! The stream of [`StreamExt::take`](crate::StreamExt::take).

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

/// Stream for [`StreamExt::take`](crate::StreamExt::take): at most the first `n` items.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Take<St> {
    // P1 (stream_ext.rs): structurally pinned.
    stream: St,
    remaining: usize,
}

impl<St> Take<St> {
    pub(super) fn new(stream: St, remaining: usize) -> Self {
        Take { stream, remaining }
    }

    /// Splits a pinned `Take` into its pinned stream and its count.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut St>, &mut usize) {
        // SAFETY: P1 (stream_ext.rs): `stream` is only handed out pinned and never moved;
        // `remaining` is never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: `me.stream` lives inside the pinned `Take`, so it never moves either.
        let stream = unsafe { Pin::new_unchecked(&mut me.stream) };
        (stream, &mut me.remaining)
    }
}

impl<St: Stream> Stream for Take<St> {
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let (stream, remaining) = self.project();
        if *remaining == 0 {
            return Poll::Ready(None);
        }
        let item = std::task::ready!(stream.poll_next(cx));
        match item {
            Some(_) => *remaining -= 1,
            None => *remaining = 0,
        }
        Poll::Ready(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.remaining == 0 {
            return (0, Some(0));
        }
        let (lower, upper) = self.stream.size_hint();
        let upper = match upper {
            Some(upper) => upper.min(self.remaining),
            None => self.remaining,
        };
        (lower.min(self.remaining), Some(upper))
    }
}
