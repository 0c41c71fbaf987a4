//! The stream of [`StreamExt::fuse`](crate::StreamExt::fuse).

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;

/// Stream for [`StreamExt::fuse`](crate::StreamExt::fuse): `None` forever after the first
/// `None`.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Fuse<St> {
    // P1 (stream_ext.rs): structurally pinned; `None` once the stream has ended (it is then
    // dropped in place with `Pin::set`).
    stream: Option<St>,
}

impl<St> Fuse<St> {
    pub(crate) fn new(stream: St) -> Self {
        Fuse {
            stream: Some(stream),
        }
    }

    /// The pinned inner stream slot of a pinned `Fuse`.
    fn project(self: Pin<&mut Self>) -> Pin<&mut Option<St>> {
        // SAFETY: P1 (stream_ext.rs): `stream` is only handed out pinned, and replaced only
        // with `Pin::set`.
        unsafe { self.map_unchecked_mut(|me| &mut me.stream) }
    }
}

impl<St: Stream> Stream for Fuse<St> {
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let mut slot = self.project();
        let Some(stream) = slot.as_mut().as_pin_mut() else {
            return Poll::Ready(None);
        };
        let item = ready!(stream.poll_next(cx));
        if item.is_none() {
            slot.set(None);
        }
        Poll::Ready(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.stream {
            Some(stream) => stream.size_hint(),
            None => (0, Some(0)),
        }
    }
}
