//! The future of [`StreamExt::fold`](crate::StreamExt::fold).

use std::fmt;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;

/// Future for [`StreamExt::fold`](crate::StreamExt::fold): every item folded into an
/// accumulator.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct FoldFuture<St, B, F> {
    // P1 (stream_ext.rs): structurally pinned.
    stream: St,
    // Plain data; `None` once the output was returned.
    acc: Option<B>,
    f: F,
    // `!Unpin` whatever `St` is, as in `tokio-stream`.
    _pin: PhantomPinned,
}

impl<St, B, F> FoldFuture<St, B, F> {
    pub(super) fn new(stream: St, init: B, f: F) -> Self {
        FoldFuture {
            stream,
            acc: Some(init),
            f,
            _pin: PhantomPinned,
        }
    }

    /// Splits a pinned `FoldFuture` into its pinned stream and its plain fields.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut St>, &mut Option<B>, &mut F) {
        // SAFETY: P1 (stream_ext.rs): `stream` is only handed out pinned and never moved;
        // `acc` and `f` are never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: `me.stream` lives inside the pinned future, so it never moves either.
        let stream = unsafe { Pin::new_unchecked(&mut me.stream) };
        (stream, &mut me.acc, &mut me.f)
    }
}

impl<St, B, F> Future for FoldFuture<St, B, F>
where
    St: Stream,
    F: FnMut(B, St::Item) -> B,
{
    type Output = B;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<B> {
        let (mut stream, acc, f) = self.project();
        assert!(acc.is_some(), "`FoldFuture` polled after completion");
        loop {
            let item = ready!(stream.as_mut().poll_next(cx));
            let current = acc.take().expect("checked on entry, refilled below");
            match item {
                Some(item) => *acc = Some(f(current, item)),
                None => return Poll::Ready(current),
            }
        }
    }
}

impl<St: fmt::Debug, B: fmt::Debug, F> fmt::Debug for FoldFuture<St, B, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FoldFuture")
            .field("stream", &self.stream)
            .field("acc", &self.acc)
            .finish_non_exhaustive()
    }
}
