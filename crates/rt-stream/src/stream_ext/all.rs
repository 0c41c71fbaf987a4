//! The future of [`StreamExt::all`](crate::StreamExt::all).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;

/// How many ready items `all` and `any` test in one poll before they yield, so that an
/// endless ready stream does not hold its thread.
const ITEMS_PER_POLL: usize = 32;

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
        poll_until(&mut *me.stream, &mut me.f, false, cx)
    }
}

/// The loop of `all` and `any`: tests up to `ITEMS_PER_POLL` items with `f`; completes
/// with `stop` at the first item for which `f` returns `stop`, with `!stop` at the end of
/// the stream, and yields (waking itself) if the items run on.
pub(super) fn poll_until<St, F>(
    stream: &mut St,
    f: &mut F,
    stop: bool,
    cx: &mut Context<'_>,
) -> Poll<bool>
where
    St: ?Sized + Stream + Unpin,
    F: FnMut(St::Item) -> bool,
{
    for _ in 0..ITEMS_PER_POLL {
        match ready!(Pin::new(&mut *stream).poll_next(cx)) {
            Some(item) => {
                if f(item) == stop {
                    return Poll::Ready(stop);
                }
            }
            None => return Poll::Ready(!stop),
        }
    }
    cx.waker().wake_by_ref();
    Poll::Pending
}
