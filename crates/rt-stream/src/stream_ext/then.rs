//! The stream of [`StreamExt::then`](crate::StreamExt::then).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;

/// Stream for [`StreamExt::then`](crate::StreamExt::then): each item mapped to a future,
/// whose output is yielded.
#[must_use = "streams do nothing unless polled"]
pub struct Then<St, Fut, F> {
    // P1 (stream_ext.rs): structurally pinned.
    stream: St,
    // P1 (stream_ext.rs): structurally pinned; the future of the current item, if any.
    future: Option<Fut>,
    f: F,
}

impl<St, Fut, F> Then<St, Fut, F> {
    pub(super) fn new(stream: St, f: F) -> Self {
        Then {
            stream,
            future: None,
            f,
        }
    }

    /// Splits a pinned `Then` into its pinned stream and future, and its closure.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut St>, Pin<&mut Option<Fut>>, &mut F) {
        // SAFETY: P1 (stream_ext.rs): `stream` and `future` are only handed out pinned,
        // never moved (the future is replaced with `Pin::set`); `f` is never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: both fields live inside the pinned `Then`, so they never move either.
        let (stream, future) = unsafe {
            (
                Pin::new_unchecked(&mut me.stream),
                Pin::new_unchecked(&mut me.future),
            )
        };
        (stream, future, &mut me.f)
    }
}

impl<St, Fut, F> Stream for Then<St, Fut, F>
where
    St: Stream,
    F: FnMut(St::Item) -> Fut,
    Fut: Future,
{
    type Item = Fut::Output;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Fut::Output>> {
        let (mut stream, mut future, f) = self.project();
        loop {
            if let Some(fut) = future.as_mut().as_pin_mut() {
                let output = ready!(fut.poll(cx));
                future.set(None);
                return Poll::Ready(Some(output));
            }
            match ready!(stream.as_mut().poll_next(cx)) {
                Some(item) => future.set(Some(f(item))),
                None => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let pending = usize::from(self.future.is_some());
        let (lower, upper) = self.stream.size_hint();
        (
            lower.saturating_add(pending),
            upper.and_then(|upper| upper.checked_add(pending)),
        )
    }
}

impl<St: fmt::Debug, Fut: fmt::Debug, F> fmt::Debug for Then<St, Fut, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Then")
            .field("stream", &self.stream)
            .field("future", &self.future)
            .finish_non_exhaustive()
    }
}
