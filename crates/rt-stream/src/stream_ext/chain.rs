//! The stream of [`StreamExt::chain`](crate::StreamExt::chain).

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;

use super::Fuse;

/// Stream for [`StreamExt::chain`](crate::StreamExt::chain): every item of one stream, then
/// every item of another.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Chain<T, U> {
    // P1 (stream_ext.rs): structurally pinned; fused, so it is not polled once it ended.
    first: Fuse<T>,
    // P1 (stream_ext.rs): structurally pinned.
    second: U,
}

impl<T, U> Chain<T, U> {
    pub(super) fn new(first: T, second: U) -> Self {
        Chain {
            first: Fuse::new(first),
            second,
        }
    }

    /// Splits a pinned `Chain` into its two pinned streams.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut Fuse<T>>, Pin<&mut U>) {
        // SAFETY: P1 (stream_ext.rs): both fields are only handed out pinned, never moved.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: both fields live inside the pinned `Chain`, so they never move either.
        unsafe {
            (
                Pin::new_unchecked(&mut me.first),
                Pin::new_unchecked(&mut me.second),
            )
        }
    }
}

impl<T, U> Stream for Chain<T, U>
where
    T: Stream,
    U: Stream<Item = T::Item>,
{
    type Item = T::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T::Item>> {
        let (first, second) = self.project();
        if let Some(item) = ready!(first.poll_next(cx)) {
            return Poll::Ready(Some(item));
        }
        second.poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        super::merge_size_hints(self.first.size_hint(), self.second.size_hint())
    }
}
