//! The future of [`StreamExt::any`](crate::StreamExt::any).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::all::poll_until;

/// Future for [`StreamExt::any`](crate::StreamExt::any): whether some item satisfies a
/// predicate.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct AnyFuture<'a, St: ?Sized, F> {
    stream: &'a mut St,
    f: F,
}

impl<'a, St: ?Sized, F> AnyFuture<'a, St, F> {
    pub(super) fn new(stream: &'a mut St, f: F) -> Self {
        AnyFuture { stream, f }
    }
}

// Neither field is pinned: the stream is behind a `&mut` and `Unpin`.
impl<St: ?Sized, F> Unpin for AnyFuture<'_, St, F> {}

impl<St, F> Future for AnyFuture<'_, St, F>
where
    St: ?Sized + Stream + Unpin,
    F: FnMut(St::Item) -> bool,
{
    type Output = bool;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        let me = self.get_mut();
        poll_until(&mut *me.stream, &mut me.f, true, cx)
    }
}
