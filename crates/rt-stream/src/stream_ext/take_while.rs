//! The stream of [`StreamExt::take_while`](crate::StreamExt::take_while).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;

/// Stream for [`StreamExt::take_while`](crate::StreamExt::take_while): items while a
/// predicate holds.
#[must_use = "streams do nothing unless polled"]
pub struct TakeWhile<St, F> {
    // P1 (stream_ext.rs): structurally pinned.
    stream: St,
    predicate: F,
    // The predicate failed (or the stream ended): only `None` from now on.
    done: bool,
}

impl<St, F> TakeWhile<St, F> {
    pub(super) fn new(stream: St, predicate: F) -> Self {
        TakeWhile {
            stream,
            predicate,
            done: false,
        }
    }

    /// Splits a pinned `TakeWhile` into its pinned stream and its plain fields.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut St>, &mut F, &mut bool) {
        // SAFETY: P1 (stream_ext.rs): `stream` is only handed out pinned and never moved;
        // the other fields are never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: `me.stream` lives inside the pinned `TakeWhile`, so it never moves either.
        let stream = unsafe { Pin::new_unchecked(&mut me.stream) };
        (stream, &mut me.predicate, &mut me.done)
    }
}

impl<St, F> Stream for TakeWhile<St, F>
where
    St: Stream,
    F: FnMut(&St::Item) -> bool,
{
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let (stream, predicate, done) = self.project();
        if *done {
            return Poll::Ready(None);
        }
        match ready!(stream.poll_next(cx)) {
            Some(item) if predicate(&item) => Poll::Ready(Some(item)),
            _ => {
                *done = true;
                Poll::Ready(None)
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.done {
            return (0, Some(0));
        }
        (0, self.stream.size_hint().1)
    }
}

impl<St: fmt::Debug, F> fmt::Debug for TakeWhile<St, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TakeWhile")
            .field("stream", &self.stream)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}
