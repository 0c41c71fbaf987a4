//! The stream of [`StreamExt::map_while`](crate::StreamExt::map_while).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

/// Stream for [`StreamExt::map_while`](crate::StreamExt::map_while): items mapped through
/// a closure until it returns `None`.
#[must_use = "streams do nothing unless polled"]
pub struct MapWhile<St, F> {
    // P1 (stream_ext.rs): structurally pinned.
    stream: St,
    f: F,
}

impl<St, F> MapWhile<St, F> {
    pub(super) fn new(stream: St, f: F) -> Self {
        MapWhile { stream, f }
    }

    /// Splits a pinned `MapWhile` into its pinned stream and its closure.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut St>, &mut F) {
        // SAFETY: P1 (stream_ext.rs): `stream` is only handed out pinned and never moved;
        // `f` is never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: `me.stream` lives inside the pinned `MapWhile`, so it never moves either.
        let stream = unsafe { Pin::new_unchecked(&mut me.stream) };
        (stream, &mut me.f)
    }
}

impl<St, F, T> Stream for MapWhile<St, F>
where
    St: Stream,
    F: FnMut(St::Item) -> Option<T>,
{
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let (stream, f) = self.project();
        stream.poll_next(cx).map(|item| item.and_then(f))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // The closure may end the stream at any item.
        (0, self.stream.size_hint().1)
    }
}

impl<St: fmt::Debug, F> fmt::Debug for MapWhile<St, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapWhile")
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}
