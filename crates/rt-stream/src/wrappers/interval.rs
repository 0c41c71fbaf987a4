//! [`IntervalStream`]: an interval's ticks as a stream.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use rt_time::{Instant, Interval};

/// A [`Stream`] of the ticks of an `rt::time::Interval`: each item is the instant the tick
/// was due. It never ends.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use rt_stream::{StreamExt, wrappers::IntervalStream};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let interval = rt::time::interval(Duration::from_millis(5));
/// let ticks: Vec<_> = IntervalStream::new(interval).take(3).collect().await;
/// assert_eq!(ticks[2] - ticks[0], Duration::from_millis(10));
/// # });
/// ```
#[derive(Debug)]
pub struct IntervalStream {
    inner: Interval,
}

impl IntervalStream {
    /// Wraps `interval`.
    pub fn new(interval: Interval) -> Self {
        IntervalStream { inner: interval }
    }

    /// Returns the interval.
    pub fn into_inner(self) -> Interval {
        self.inner
    }
}

impl Stream for IntervalStream {
    type Item = Instant;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Instant>> {
        self.inner.poll_tick(cx).map(Some)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, None)
    }
}

impl AsRef<Interval> for IntervalStream {
    fn as_ref(&self) -> &Interval {
        &self.inner
    }
}

impl AsMut<Interval> for IntervalStream {
    fn as_mut(&mut self) -> &mut Interval {
        &mut self.inner
    }
}
