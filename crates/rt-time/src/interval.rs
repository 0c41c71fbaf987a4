//! `Interval`: ticks at a fixed period, and what to do about missed ticks.

use std::fmt;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use crate::instant::Instant;
use crate::sleep::{Sleep, sleep_until};

/// The longest period or delay an interval keeps as given (about 30 years), as Tokio.
fn safe_delay(duration: Duration) -> Duration {
    duration.min(Duration::from_secs(86_400 * 365 * 30))
}

/// Creates an [`Interval`] that yields every `period`; the first tick completes immediately.
///
/// The default [`MissedTickBehavior`] is [`Burst`](MissedTickBehavior::Burst).
///
/// # Examples
///
/// ```
/// use rt::time::{self, Duration};
///
/// # let rt = rt::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// let mut interval = time::interval(Duration::from_millis(10));
/// interval.tick().await; // completes immediately
/// interval.tick().await; // 10 ms later
/// interval.tick().await; // 20 ms after the first
/// # });
/// ```
///
/// # Panics
///
/// If `period` is zero ("`period` must be non-zero."), and outside a runtime or on one
/// without timers (see [`sleep`](crate::sleep)).
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    interval_at(Instant::now(), period)
}

/// Creates an [`Interval`] whose first tick completes at `start`, then every `period`.
///
/// # Examples
///
/// ```
/// use rt::time::{interval_at, Duration, Instant};
///
/// # let rt = rt::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// let start = Instant::now() + Duration::from_millis(5);
/// let mut interval = interval_at(start, Duration::from_millis(10));
/// assert_eq!(interval.tick().await, start);
/// # });
/// ```
///
/// # Panics
///
/// As [`interval`].
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    Interval {
        delay: Box::pin(sleep_until(start)),
        period: safe_delay(period),
        missed_tick_behavior: MissedTickBehavior::default(),
    }
}

/// What an [`Interval`] does when ticks were missed (a tick was awaited more than 5 ms after
/// it was due, because the task was busy or the runtime blocked).
///
/// With a period of 50 ms, ticks due at 0, 50, 100 ms, ... and a stall that makes the tick
/// due at 50 ms be taken at 170 ms:
///
/// | behaviour | next ticks due at (ms) |
/// |-----------|------------------------|
/// | `Burst`   | 100, 150 at once (catching up), then 200, 250, ... |
/// | `Delay`   | 220, 270, 320, ... (period counted from the late tick) |
/// | `Skip`    | 200, 250, ... (the missed ones dropped, the schedule kept) |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Ticks as fast as possible until caught up with the original schedule (the default).
    #[default]
    Burst,
    /// Ticks `period` after the late tick, shifting the schedule.
    Delay,
    /// Skips the missed ticks and ticks at the next multiple of `period` on the original
    /// schedule.
    Skip,
}

impl MissedTickBehavior {
    /// The next deadline after the tick due at `timeout` was taken at `now`, late.
    fn next_timeout(self, timeout: Instant, now: Instant, period: Duration) -> Instant {
        match self {
            MissedTickBehavior::Burst => timeout + period,
            MissedTickBehavior::Delay => now + period,
            MissedTickBehavior::Skip => {
                let late = (now - timeout).as_nanos() % period.as_nanos();
                let late = u64::try_from(late)
                    .expect("too much time has elapsed since the interval was supposed to tick");
                now + (period - Duration::from_nanos(late))
            }
        }
    }
}

/// Ticks at a fixed period: made by [`interval`] and [`interval_at`].
///
/// Unlike a loop of [`sleep`](crate::sleep)s, the schedule does not drift by the time spent
/// between ticks: each deadline is computed from the previous one.
pub struct Interval {
    delay: Pin<Box<Sleep>>,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl Interval {
    /// Completes when the next tick is due, returning the instant it was due at.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future before it completes loses no tick; the next call
    /// waits for the same one.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{self, Duration, Instant};
    ///
    /// # let rt = rt::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # rt.block_on(async {
    /// let start = Instant::now();
    /// let mut interval = time::interval(Duration::from_millis(5));
    /// let first = interval.tick().await;
    /// let second = interval.tick().await;
    /// assert_eq!(second - first, Duration::from_millis(5));
    /// assert!(start.elapsed() >= Duration::from_millis(5));
    /// # });
    /// ```
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick: `Ready(instant it was due)` if due, else `Pending` with the
    /// waker registered (only the last waker passed is woken).
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        ready!(self.delay.as_mut().poll(cx));
        let timeout = self.delay.deadline();
        let now = Instant::now();
        let next = if now > timeout + Duration::from_millis(5) {
            self.missed_tick_behavior
                .next_timeout(timeout, now, self.period)
        } else {
            timeout
                .checked_add(self.period)
                .unwrap_or_else(|| timeout.far_future_from())
        };
        // The sleep fired: resetting it only sets the new deadline; it registers again on
        // the next poll.
        self.delay.as_mut().reset(next);
        Poll::Ready(timeout)
    }

    /// Resets the interval to complete one period after the current time.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{self, Duration};
    ///
    /// # let rt = rt::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # rt.block_on(async {
    /// let mut interval = time::interval(Duration::from_millis(10));
    /// interval.tick().await;
    /// interval.reset(); // the next tick is 10 ms from now
    /// interval.tick().await;
    /// # });
    /// ```
    pub fn reset(&mut self) {
        self.delay.as_mut().reset(Instant::now() + self.period);
    }

    /// Resets the interval to complete immediately.
    pub fn reset_immediately(&mut self) {
        self.delay.as_mut().reset(Instant::now());
    }

    /// Resets the interval to complete `after` from now.
    pub fn reset_after(&mut self, after: Duration) {
        self.delay
            .as_mut()
            .reset(Instant::now() + safe_delay(after));
    }

    /// Resets the interval to complete at `deadline`.
    pub fn reset_at(&mut self, deadline: Instant) {
        self.delay.as_mut().reset(deadline);
    }

    /// Returns the [`MissedTickBehavior`] in use.
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets the [`MissedTickBehavior`].
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }

    /// Returns the period of the interval.
    pub fn period(&self) -> Duration {
        self.period
    }
}

impl fmt::Debug for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interval")
            .field("delay", &self.delay)
            .field("period", &self.period)
            .field("missed_tick_behavior", &self.missed_tick_behavior)
            .finish()
    }
}
