//! The stream of [`StreamExt::timeout`](crate::StreamExt::timeout), and [`Elapsed`].

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;
use rt_time::{Duration, Instant, Sleep, sleep};

use super::Fuse;

/// Stream for [`StreamExt::timeout`](crate::StreamExt::timeout): each item as `Ok`, or
/// `Err(Elapsed)` when the next one is late.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Timeout<S> {
    // P1 (stream_ext.rs): structurally pinned.
    stream: Fuse<S>,
    // P1 (stream_ext.rs): structurally pinned (`Sleep` is `!Unpin`).
    deadline: Sleep,
    duration: Duration,
    // Whether the deadline is armed: set by each item, cleared when it fires, so one late
    // item gives one `Elapsed`.
    poll_deadline: bool,
}

/// Error yielded by [`StreamExt::timeout`](crate::StreamExt::timeout) and
/// [`StreamExt::timeout_repeating`](crate::StreamExt::timeout_repeating) when the next item
/// did not come in time.
///
/// It carries nothing; `From<Elapsed> for std::io::Error` gives an error of kind
/// `TimedOut`.
#[derive(Debug, PartialEq, Eq)]
pub struct Elapsed(());

impl Elapsed {
    pub(crate) fn new() -> Elapsed {
        Elapsed(())
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl Error for Elapsed {}

impl From<Elapsed> for io::Error {
    fn from(err: Elapsed) -> io::Error {
        io::Error::new(io::ErrorKind::TimedOut, err)
    }
}

/// `now + duration`, or a deadline some thirty years away if that overflows (as `sleep`
/// does for a huge duration).
pub(super) fn deadline_after(duration: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(duration)
        .unwrap_or_else(|| now + Duration::from_secs(86_400 * 365 * 30))
}

impl<S: Stream> Timeout<S> {
    #[track_caller]
    pub(super) fn new(stream: S, duration: Duration) -> Self {
        Timeout {
            stream: Fuse::new(stream),
            deadline: sleep(duration),
            duration,
            poll_deadline: true,
        }
    }

    /// Splits a pinned `Timeout` into its pinned stream and timer, and its plain fields.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut Fuse<S>>, Pin<&mut Sleep>, Duration, &mut bool) {
        // SAFETY: P1 (stream_ext.rs): `stream` and `deadline` are only handed out pinned,
        // never moved; the other fields are never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: both fields live inside the pinned `Timeout`, so they never move either.
        let (stream, deadline) = unsafe {
            (
                Pin::new_unchecked(&mut me.stream),
                Pin::new_unchecked(&mut me.deadline),
            )
        };
        (stream, deadline, me.duration, &mut me.poll_deadline)
    }
}

impl<S: Stream> Stream for Timeout<S> {
    type Item = Result<S::Item, Elapsed>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let (stream, mut deadline, duration, poll_deadline) = self.project();
        if let Poll::Ready(item) = stream.poll_next(cx) {
            if item.is_some() {
                deadline.as_mut().reset(deadline_after(duration));
                *poll_deadline = true;
            }
            return Poll::Ready(item.map(Ok));
        }
        if *poll_deadline {
            ready!(deadline.poll(cx));
            *poll_deadline = false;
            return Poll::Ready(Some(Err(Elapsed::new())));
        }
        Poll::Pending
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (lower, upper) = self.stream.size_hint();
        // Each item may be preceded by one `Elapsed`, and the end by one more.
        let upper = upper.and_then(|upper| upper.checked_mul(2)?.checked_add(1));
        (lower, upper)
    }
}
