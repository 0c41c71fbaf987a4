//! The stream of [`StreamExt::merge`](crate::StreamExt::merge).

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::Fuse;

/// Stream for [`StreamExt::merge`](crate::StreamExt::merge): the items of two streams as
/// they come, each stream polled first on alternate polls.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Merge<T, U> {
    // P1 (stream_ext.rs): both structurally pinned; fused, so an ended one is not polled.
    a: Fuse<T>,
    b: Fuse<U>,
    // Which stream the next poll tries first; flipped on every poll.
    a_first: bool,
}

impl<T, U> Merge<T, U> {
    pub(super) fn new(a: T, b: U) -> Self {
        Merge {
            a: Fuse::new(a),
            b: Fuse::new(b),
            a_first: true,
        }
    }

    /// Splits a pinned `Merge` into its two pinned streams and its turn flag.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut Fuse<T>>, Pin<&mut Fuse<U>>, &mut bool) {
        // SAFETY: P1 (stream_ext.rs): `a` and `b` are only handed out pinned, never moved;
        // `a_first` is never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: both streams live inside the pinned `Merge`, so they never move either.
        let (a, b) = unsafe { (Pin::new_unchecked(&mut me.a), Pin::new_unchecked(&mut me.b)) };
        (a, b, &mut me.a_first)
    }
}

impl<T, U> Stream for Merge<T, U>
where
    T: Stream,
    U: Stream<Item = T::Item>,
{
    type Item = T::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T::Item>> {
        let (a, b, a_first) = self.project();
        let order = *a_first;
        *a_first = !order;
        if order {
            poll_in_order(a, b, cx)
        } else {
            poll_in_order(b, a, cx)
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        super::merge_size_hints(self.a.size_hint(), self.b.size_hint())
    }
}

/// Polls `first`, then `second` if `first` had no item; the merge ends when both have.
fn poll_in_order<T, U>(
    first: Pin<&mut Fuse<T>>,
    second: Pin<&mut Fuse<U>>,
    cx: &mut Context<'_>,
) -> Poll<Option<T::Item>>
where
    T: Stream,
    U: Stream<Item = T::Item>,
{
    let mut both_ended = true;
    match first.poll_next(cx) {
        Poll::Ready(Some(item)) => return Poll::Ready(Some(item)),
        Poll::Ready(None) => {}
        Poll::Pending => both_ended = false,
    }
    match second.poll_next(cx) {
        Poll::Ready(Some(item)) => return Poll::Ready(Some(item)),
        Poll::Ready(None) => {}
        Poll::Pending => both_ended = false,
    }
    if both_ended {
        Poll::Ready(None)
    } else {
        Poll::Pending
    }
}
