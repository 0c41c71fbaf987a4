//! The stream of [`StreamExt::skip_while`](crate::StreamExt::skip_while).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;

/// Stream for [`StreamExt::skip_while`](crate::StreamExt::skip_while): every item from the
/// first one a predicate rejects.
#[must_use = "streams do nothing unless polled"]
pub struct SkipWhile<St, F> {
    // P1 (stream_ext.rs): structurally pinned.
    stream: St,
    // `None` once an item was let through: the predicate is not called again.
    predicate: Option<F>,
}

impl<St, F> SkipWhile<St, F> {
    pub(super) fn new(stream: St, predicate: F) -> Self {
        SkipWhile {
            stream,
            predicate: Some(predicate),
        }
    }

    /// Splits a pinned `SkipWhile` into its pinned stream and its predicate.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut St>, &mut Option<F>) {
        // SAFETY: P1 (stream_ext.rs): `stream` is only handed out pinned and never moved;
        // `predicate` is never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: `me.stream` lives inside the pinned `SkipWhile`, so it never moves either.
        let stream = unsafe { Pin::new_unchecked(&mut me.stream) };
        (stream, &mut me.predicate)
    }
}

impl<St, F> Stream for SkipWhile<St, F>
where
    St: Stream,
    F: FnMut(&St::Item) -> bool,
{
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let (mut stream, predicate) = self.project();
        let Some(skip) = predicate else {
            return stream.poll_next(cx);
        };
        loop {
            match ready!(stream.as_mut().poll_next(cx)) {
                Some(item) if skip(&item) => {}
                item => {
                    *predicate = None;
                    return Poll::Ready(item);
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (lower, upper) = self.stream.size_hint();
        match self.predicate {
            Some(_) => (0, upper),
            None => (lower, upper),
        }
    }
}

impl<St: fmt::Debug, F> fmt::Debug for SkipWhile<St, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SkipWhile")
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}
