//! The future of [`StreamExt::all`](crate::StreamExt::all).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;

/// How many ready items `all` and `any` test in one poll before they yield, so that an
/// endless ready stream does not hold its thread.
pub(super) const ITEMS_PER_POLL: usize = 32;

/// Future for [`StreamExt::all`](crate::StreamExt::all): whether every item satisfies a
/// predicate.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct AllFuture<'a, St: ?Sized, F> {
    stream: &'a mut St,
    f: F,
}

impl<'a, St: ?Sized, F> AllFuture<'a, St, F> {
    pub(super) fn new(stream: &'a mut St, f: F) -> Self {
        AllFuture { stream, f }
    }
}

// Neither field is pinned: the stream is behind a `&mut` and `Unpin`.
impl<St: ?Sized, F> Unpin for AllFuture<'_, St, F> {}

impl<St, F> Future for AllFuture<'_, St, F>
where
    St: ?Sized + Stream + Unpin,
    F: FnMut(St::Item) -> bool,
{
    type Output = bool;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        let me = self.get_mut();
        for _ in 0..ITEMS_PER_POLL {
            match ready!(Pin::new(&mut *me.stream).poll_next(cx)) {
                Some(item) => {
                    if !(me.f)(item) {
                        return Poll::Ready(false);
                    }
                }
                None => return Poll::Ready(true),
            }
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
