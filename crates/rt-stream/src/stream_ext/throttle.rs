//! The stream of [`StreamExt::throttle`](crate::StreamExt::throttle).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;
use rt_time::{Duration, Instant, Sleep, sleep_until};

use super::timeout::deadline_after;

/// Stream for [`StreamExt::throttle`](crate::StreamExt::throttle): items at least a given
/// duration apart.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Throttle<St> {
    // P1 (stream_ext.rs): structurally pinned (`Sleep` is `!Unpin`).
    delay: Sleep,
    duration: Duration,
    // Whether the wait after the last item is over (true before the first item).
    has_delayed: bool,
    // P1 (stream_ext.rs): structurally pinned.
    stream: St,
}

impl<St> Throttle<St> {
    #[track_caller]
    pub(super) fn new(stream: St, duration: Duration) -> Self {
        Throttle {
            delay: sleep_until(Instant::now()),
            duration,
            has_delayed: true,
            stream,
        }
    }

    /// Splits a pinned `Throttle` into its pinned timer and stream, and its plain fields.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut Sleep>, Duration, &mut bool, Pin<&mut St>) {
        // SAFETY: P1 (stream_ext.rs): `delay` and `stream` are only handed out pinned,
        // never moved; the other fields are never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: both fields live inside the pinned `Throttle`, so they never move either.
        let (delay, stream) = unsafe {
            (
                Pin::new_unchecked(&mut me.delay),
                Pin::new_unchecked(&mut me.stream),
            )
        };
        (delay, me.duration, &mut me.has_delayed, stream)
    }
}

impl<St: Stream> Stream for Throttle<St> {
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let (mut delay, duration, has_delayed, stream) = self.project();
        if !*has_delayed && !duration.is_zero() {
            ready!(delay.as_mut().poll(cx));
            *has_delayed = true;
        }
        let item = ready!(stream.poll_next(cx));
        if item.is_some() {
            if !duration.is_zero() {
                delay.reset(deadline_after(duration));
            }
            *has_delayed = false;
        }
        Poll::Ready(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stream.size_hint()
    }
}
