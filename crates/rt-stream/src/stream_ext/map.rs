//! The stream of [`StreamExt::map`](crate::StreamExt::map).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

/// Stream for [`StreamExt::map`](crate::StreamExt::map): each item mapped through a
/// closure.
#[must_use = "streams do nothing unless polled"]
pub struct Map<St, F> {
    // P1 (stream_ext.rs): structurally pinned.
    stream: St,
    f: F,
}

impl<St, F> Map<St, F> {
    pub(super) fn new(stream: St, f: F) -> Self {
        Map { stream, f }
    }

    /// Splits a pinned `Map` into its pinned stream and its closure.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut St>, &mut F) {
        // SAFETY: P1 (stream_ext.rs): `stream` is only handed out pinned and never moved;
        // `f` is never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: `me.stream` lives inside the pinned `Map`, so it never moves either.
        let stream = unsafe { Pin::new_unchecked(&mut me.stream) };
        (stream, &mut me.f)
    }
}

impl<St, F, T> Stream for Map<St, F>
where
    St: Stream,
    F: FnMut(St::Item) -> T,
{
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let (stream, f) = self.project();
        stream.poll_next(cx).map(|item| item.map(f))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stream.size_hint()
    }
}

impl<St: fmt::Debug, F> fmt::Debug for Map<St, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Map")
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}
