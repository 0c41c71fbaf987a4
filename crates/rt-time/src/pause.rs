//! The paused clock for tests: `pause`, `resume`, `advance` (feature `test-util`).

use std::time::Duration;

use crate::driver;

/// The message of a clock operation outside a runtime.
const OUTSIDE: &str = "time cannot be frozen from outside the rt runtime";

/// Runs a clock operation on the current runtime's clock, panicking with its error.
#[track_caller]
fn with_clock(f: impl FnOnce(&crate::clock::Clock) -> Result<(), &'static str>) {
    let result = match driver::try_with_current(|handle| f(handle.clock())) {
        Ok(result) => result,
        Err(driver::NO_RUNTIME) => Err(OUTSIDE),
        Err(msg) => Err(msg),
    };
    if let Err(msg) = result {
        panic!("{msg}");
    }
}

/// Pauses time: [`Instant::now`](crate::Instant::now) stops moving on this runtime.
///
/// Time then moves only when [`advance`] is called or, when the runtime has nothing else to
/// do, by itself to the next timer's deadline ("auto-advance"): a test that sleeps an hour
/// finishes at once, and its timers fire in deadline order. Only the current-thread runtime
/// can pause its clock (the default of `#[rt::test]`); `#[rt::test(start_paused = true)]`
/// and `Builder::start_paused` start a runtime paused.
///
/// # Examples
///
/// ```
/// use rt::time::{self, Duration, Instant};
///
/// # let rt = rt::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// time::pause();
/// let start = Instant::now();
/// time::sleep(Duration::from_secs(3600)).await; // returns at once
/// assert_eq!(start.elapsed(), Duration::from_secs(3600));
/// # });
/// ```
///
/// # Panics
///
/// Outside a runtime ("time cannot be frozen from outside the rt runtime"), on a
/// multi-thread runtime ("`time::pause()` requires the `current_thread` rt runtime. ..."),
/// if time is already paused ("time is already frozen"), or without timers enabled.
#[track_caller]
pub fn pause() {
    with_clock(|clock| clock.pause());
}

/// Resumes time: the clock runs again from where it was paused (and advanced to).
///
/// # Panics
///
/// Outside a runtime, or if time is not paused ("time is not frozen").
#[track_caller]
pub fn resume() {
    with_clock(|clock| clock.resume());
}

/// Moves paused time forward by `duration`, then yields so the runtime fires the timers due
/// by then before this returns.
///
/// # Cancel safety
///
/// The clock has moved as soon as the future is first polled; dropping it afterwards only
/// skips the yield.
///
/// # Examples
///
/// ```
/// use rt::time::{self, Duration, Instant};
///
/// # let rt = rt::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
/// # rt.block_on(async {
/// let start = Instant::now();
/// time::advance(Duration::from_secs(5)).await;
/// assert_eq!(start.elapsed(), Duration::from_secs(5));
/// # });
/// ```
///
/// # Panics
///
/// Outside a runtime, if time is not paused ("time is not frozen"), or if `duration` is too
/// large to add to the current instant.
pub async fn advance(duration: Duration) {
    with_clock(|clock| clock.advance(duration));
    rt_core::task::yield_now().await;
}
