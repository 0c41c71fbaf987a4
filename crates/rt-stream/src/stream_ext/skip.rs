//! The stream of [`StreamExt::skip`](crate::StreamExt::skip).

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;

/// Stream for [`StreamExt::skip`](crate::StreamExt::skip): every item after the first `n`.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Skip<St> {
    // P1 (stream_ext.rs): structurally pinned.
    stream: St,
    remaining: usize,
}

impl<St> Skip<St> {
    pub(super) fn new(stream: St, remaining: usize) -> Self {
        Skip { stream, remaining }
    }

    /// Splits a pinned `Skip` into its pinned stream and its count.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut St>, &mut usize) {
        // SAFETY: P1 (stream_ext.rs): `stream` is only handed out pinned and never moved;
        // `remaining` is never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: `me.stream` lives inside the pinned `Skip`, so it never moves either.
        let stream = unsafe { Pin::new_unchecked(&mut me.stream) };
        (stream, &mut me.remaining)
    }
}

impl<St: Stream> Stream for Skip<St> {
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let (mut stream, remaining) = self.project();
        loop {
            match ready!(stream.as_mut().poll_next(cx)) {
                Some(_) if *remaining > 0 => *remaining -= 1,
                item => return Poll::Ready(item),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (lower, upper) = self.stream.size_hint();
        (
            lower.saturating_sub(self.remaining),
            upper.map(|upper| upper.saturating_sub(self.remaining)),
        )
    }
}
