//! The stream of [`StreamExt::filter`](crate::StreamExt::filter).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;

/// Stream for [`StreamExt::filter`](crate::StreamExt::filter): the items a predicate
/// keeps.
#[must_use = "streams do nothing unless polled"]
pub struct Filter<St, F> {
    // P1 (stream_ext.rs): structurally pinned.
    stream: St,
    f: F,
}

impl<St, F> Filter<St, F> {
    pub(super) fn new(stream: St, f: F) -> Self {
        Filter { stream, f }
    }

    /// Splits a pinned `Filter` into its pinned stream and its predicate.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut St>, &mut F) {
        // SAFETY: P1 (stream_ext.rs): `stream` is only handed out pinned and never moved;
        // `f` is never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: `me.stream` lives inside the pinned `Filter`, so it never moves either.
        let stream = unsafe { Pin::new_unchecked(&mut me.stream) };
        (stream, &mut me.f)
    }
}

impl<St, F> Stream for Filter<St, F>
where
    St: Stream,
    F: FnMut(&St::Item) -> bool,
{
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let (mut stream, f) = self.project();
        loop {
            match ready!(stream.as_mut().poll_next(cx)) {
                Some(item) if f(&item) => return Poll::Ready(Some(item)),
                Some(_) => {}
                None => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, self.stream.size_hint().1)
    }
}

impl<St: fmt::Debug, F> fmt::Debug for Filter<St, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Filter")
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}
