//! The stream of [`StreamExt::chunks_timeout`](crate::StreamExt::chunks_timeout).

use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;
use rt_time::{Duration, Sleep, sleep};

use super::Fuse;

/// Stream for [`StreamExt::chunks_timeout`](crate::StreamExt::chunks_timeout): items in
/// batches, each yielded when full or when its time is up.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct ChunksTimeout<S: Stream> {
    // P1 (stream_ext.rs): structurally pinned; fused, so the last batch can be yielded
    // before `None` without polling an ended stream again.
    stream: Fuse<S>,
    // P1 (stream_ext.rs): structurally pinned; the timer of the batch being filled, started
    // by its first item (replaced with `Pin::set`).
    deadline: Option<Sleep>,
    duration: Duration,
    items: Vec<S::Item>,
    cap: usize,
}

impl<S: Stream> ChunksTimeout<S> {
    pub(super) fn new(stream: S, max_size: usize, duration: Duration) -> Self {
        ChunksTimeout {
            stream: Fuse::new(stream),
            deadline: None,
            duration,
            items: Vec::with_capacity(max_size),
            cap: max_size,
        }
    }

    /// Splits a pinned `ChunksTimeout` into its pinned stream and timer, and its plain
    /// fields.
    #[allow(clippy::type_complexity)]
    fn project(
        self: Pin<&mut Self>,
    ) -> (
        Pin<&mut Fuse<S>>,
        Pin<&mut Option<Sleep>>,
        Duration,
        &mut Vec<S::Item>,
        usize,
    ) {
        // SAFETY: P1 (stream_ext.rs): `stream` and `deadline` are only handed out pinned,
        // never moved (the timer is replaced with `Pin::set`); the other fields are never
        // pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: both fields live inside the pinned adapter, so they never move either.
        let (stream, deadline) = unsafe {
            (
                Pin::new_unchecked(&mut me.stream),
                Pin::new_unchecked(&mut me.deadline),
            )
        };
        (stream, deadline, me.duration, &mut me.items, me.cap)
    }
}

impl<S: Stream> Stream for ChunksTimeout<S> {
    type Item = Vec<S::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Vec<S::Item>>> {
        let (mut stream, mut deadline, duration, items, cap) = self.project();
        loop {
            match stream.as_mut().poll_next(cx) {
                Poll::Pending => break,
                Poll::Ready(Some(item)) => {
                    if items.is_empty() {
                        deadline.set(Some(sleep(duration)));
                        items.reserve_exact(cap);
                    }
                    items.push(item);
                    if items.len() >= cap {
                        return Poll::Ready(Some(mem::take(items)));
                    }
                }
                // The stream is fused, so yielding the last batch before `None` is safe.
                Poll::Ready(None) if items.is_empty() => return Poll::Ready(None),
                Poll::Ready(None) => return Poll::Ready(Some(mem::take(items))),
            }
        }
        if items.is_empty() {
            return Poll::Pending;
        }
        if let Some(timer) = deadline.as_mut().as_pin_mut() {
            ready!(timer.poll(cx));
        }
        deadline.set(None);
        Poll::Ready(Some(mem::take(items)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (lower, upper) = self.stream.size_hint();
        let buffered = self.items.len();
        // At least one batch per `cap` items; at most one batch per item.
        let lower = lower.saturating_add(buffered).div_ceil(self.cap);
        (lower, upper.and_then(|upper| upper.checked_add(buffered)))
    }
}
