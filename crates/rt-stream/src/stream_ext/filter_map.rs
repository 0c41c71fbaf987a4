//! The stream of [`StreamExt::filter_map`](crate::StreamExt::filter_map).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;

/// Stream for [`StreamExt::filter_map`](crate::StreamExt::filter_map): the `Some` results
/// of a closure over the items.
#[must_use = "streams do nothing unless polled"]
pub struct FilterMap<St, F> {
    // P1 (stream_ext.rs): structurally pinned.
    stream: St,
    f: F,
}

impl<St, F> FilterMap<St, F> {
    pub(super) fn new(stream: St, f: F) -> Self {
        FilterMap { stream, f }
    }

    /// Splits a pinned `FilterMap` into its pinned stream and its closure.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut St>, &mut F) {
        // SAFETY: P1 (stream_ext.rs): `stream` is only handed out pinned and never moved;
        // `f` is never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: `me.stream` lives inside the pinned `FilterMap`, so it never moves either.
        let stream = unsafe { Pin::new_unchecked(&mut me.stream) };
        (stream, &mut me.f)
    }
}

impl<St, F, T> Stream for FilterMap<St, F>
where
    St: Stream,
    F: FnMut(St::Item) -> Option<T>,
{
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let (mut stream, f) = self.project();
        loop {
            match ready!(stream.as_mut().poll_next(cx)) {
                Some(item) => {
                    if let Some(mapped) = f(item) {
                        return Poll::Ready(Some(mapped));
                    }
                }
                None => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, self.stream.size_hint().1)
    }
}

impl<St: fmt::Debug, F> fmt::Debug for FilterMap<St, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilterMap")
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}
