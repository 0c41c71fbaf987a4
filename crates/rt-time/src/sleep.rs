//! `Sleep`: a future that completes at a deadline, and `sleep`/`sleep_until`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker, ready};
use std::time::Duration;

use rt_core::__private::poll_proceed;

use crate::driver::{self, Registered, SHUTTING_DOWN, Shard};
use crate::entry::{Entry, FIRED, IDLE, REGISTERED, SHUTDOWN};
use crate::instant::Instant;

/// Waits until `duration` has elapsed.
///
/// Equivalent to `sleep_until(Instant::now() + duration)`. The sleep is registered with the
/// runtime's timer on its first poll, and no work is done until then. The deadline is
/// rounded up to the timer's resolution (15.625 µs), so the sleep never completes early. A
/// duration too large to add to the current instant sleeps for about 30 years; deadlines
/// more than about 2.18 years away are filed at the edge of the wheel and filed again when
/// they get there.
///
/// To run something at regular intervals, see [`interval`](crate::interval).
///
/// # Cancel safety
///
/// Cancel safe: dropping the `Sleep` before it completes just unregisters it.
///
/// # Examples
///
/// ```
/// use rt::time::{sleep, Duration};
///
/// # let rt = rt::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// sleep(Duration::from_millis(10)).await;
/// println!("10 ms have elapsed");
/// # });
/// ```
///
/// # Panics
///
/// Outside a runtime ("there is no reactor running, must be called from the context of an
/// rt runtime"), or on a runtime built without [`enable_time`] ("A rt context was found, but
/// timers are disabled. ..."). Note that `rt.block_on(sleep(d))` panics, since `sleep` is
/// called before `block_on` enters the runtime, while `rt.block_on(async { sleep(d).await })`
/// does not.
///
/// [`enable_time`]: https://docs.rs/tokio/1/tokio/runtime/struct.Builder.html#method.enable_time
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    let now = Instant::from_std(driver::with_current(|handle| handle.now()));
    let deadline = now
        .checked_add(duration)
        .unwrap_or_else(|| now.far_future_from());
    Sleep::new(deadline)
}

/// Waits until `deadline` is reached.
///
/// A deadline in the past completes on the first poll (after the runtime's timer has caught
/// up with it). See [`sleep`] for the rest.
///
/// # Cancel safety
///
/// Cancel safe: dropping the `Sleep` before it completes just unregisters it.
///
/// # Examples
///
/// ```
/// use rt::time::{sleep_until, Duration, Instant};
///
/// # let rt = rt::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// sleep_until(Instant::now() + Duration::from_millis(10)).await;
/// # });
/// ```
///
/// # Panics
///
/// As [`sleep`]: outside a runtime, or on a runtime built without timers.
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    driver::with_current(|_| ());
    Sleep::new(deadline)
}

/// The future returned by [`sleep`] and [`sleep_until`].
///
/// `Sleep` is `!Unpin`: the timer's entry lives inside it and the runtime links to it while
/// it is registered. Pin it with [`std::pin::pin!`], `rt::pin!` or [`Box::pin`] to poll it
/// by hand or reset it.
///
/// The runtime is looked up when the `Sleep` is made (to read its clock and to panic early
/// outside one) and again on the first poll, where the sleep registers with that runtime's
/// timer and stays registered there. Unlike Tokio, which binds the runtime at creation, the
/// first poll must therefore also happen inside a runtime with timers; a runtime task, a
/// `block_on`, a blocking-pool thread or an `enter` guard all qualify.
///
/// # Panics
///
/// Polling panics if the first poll happens outside a runtime with timers (with the messages
/// of [`sleep`]), or once the runtime the sleep registered with has shut down ("timer error:
/// A rt context was found, but it is being shutdown.").
///
/// # Examples
///
/// Waiting on a sleep from `select!`, resetting it each round:
///
/// ```
/// use rt::time::{sleep, Duration, Instant};
///
/// # let rt = rt::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// let mut sleep = std::pin::pin!(sleep(Duration::from_millis(10)));
/// for _ in 0..3 {
///     (&mut sleep).await;
///     sleep.as_mut().reset(Instant::now() + Duration::from_millis(5));
/// }
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    deadline: Instant,
    /// The shard the entry registers in; set on first registration and kept (an entry is
    /// only ever in this shard's wheel, which this `Arc` keeps alive).
    shard: Option<Arc<Shard>>,
    /// The identity (data, vtable) of the waker the entry holds while registered, so that a
    /// poll with the same waker skips the lock.
    waker_id: (usize, usize),
    /// The intrusive timer node; pinned with the `Sleep`.
    entry: Entry,
}

impl Sleep {
    fn new(deadline: Instant) -> Sleep {
        Sleep {
            deadline,
            shard: None,
            waker_id: (0, 0),
            entry: Entry::new(),
        }
    }

    /// A sleep that will register in `shard` (loom models, which have no runtime).
    #[cfg(all(test, rt_loom))]
    pub(crate) fn with_shard(shard: Arc<Shard>, deadline: Instant) -> Sleep {
        let mut sleep = Sleep::new(deadline);
        sleep.shard = Some(shard);
        sleep
    }

    /// Returns the instant at which the future completes.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Returns `true` once the timer has fired (it has been found elapsed by a poll or by
    /// the runtime's timer), until it is [`reset`](Sleep::reset).
    pub fn is_elapsed(&self) -> bool {
        self.entry.state() == FIRED
    }

    /// Resets the sleep to a new deadline, before or after it completed.
    ///
    /// A registered sleep is moved in the wheel at once (O(1), no allocation); one that
    /// fired, or was never polled, registers on its next poll. Call it through
    /// [`Pin::as_mut`] to keep the `Sleep`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::{Duration, Instant};
    ///
    /// # let rt = rt::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # rt.block_on(async {
    /// let sleep = rt::time::sleep(Duration::from_secs(60));
    /// let mut sleep = std::pin::pin!(sleep);
    /// sleep.as_mut().reset(Instant::now() + Duration::from_millis(1));
    /// sleep.await;
    /// # });
    /// ```
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        // SAFETY: nothing is moved out of `this`: the entry stays where it is pinned.
        let this = unsafe { self.get_unchecked_mut() };
        this.deadline = deadline;
        match this.entry.state() {
            REGISTERED => {
                let shard = this.shard.as_ref().expect("a registered sleep has a shard");
                let when = shard.common.deadline_tick(deadline.into_std());
                // SAFETY: we own the entry and registered it in `shard`.
                let moved = unsafe { shard.reset(&this.entry, when) };
                if !moved && this.entry.state() == FIRED {
                    // It fired before we took the lock: it is ours again (rule 3).
                    this.entry.set_state(IDLE);
                }
            }
            // Handed back to us (rule 3): register again on the next poll.
            FIRED => this.entry.set_state(IDLE),
            _ => {}
        }
    }

    fn poll_elapsed(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let coop = ready!(poll_proceed(cx));
        // SAFETY: nothing is moved out of `this`: the entry stays where it is pinned.
        let this = unsafe { self.get_unchecked_mut() };
        let ready = match this.entry.state() {
            FIRED => true,
            SHUTDOWN => panic!("{SHUTTING_DOWN}"),
            REGISTERED => this.poll_registered(cx.waker()),
            _ => this.register(cx.waker()),
        };
        if ready {
            coop.made_progress();
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    /// A poll of a registered sleep: Pending, with `waker` to be woken. True if it fired.
    fn poll_registered(&mut self, waker: &Waker) -> bool {
        let id = waker_id(waker);
        if id == self.waker_id {
            // The entry holds this very waker: the driver wakes it when it fires.
            return false;
        }
        let shard = self.shard.as_ref().expect("a registered sleep has a shard");
        // SAFETY: we own the entry and registered it in `shard`.
        if unsafe { shard.set_waker(&self.entry, waker) } {
            self.waker_id = id;
            false
        } else {
            self.entry.state() == FIRED || panic!("{SHUTTING_DOWN}")
        }
    }

    /// The first poll since creation or reset: registers the entry. True if already due.
    fn register(&mut self, waker: &Waker) -> bool {
        let shard = match &self.shard {
            Some(shard) => shard,
            None => self
                .shard
                .insert(driver::with_current(|handle| handle.shard().clone())),
        };
        let when = shard.common.deadline_tick(self.deadline.into_std());
        // SAFETY: we own the IDLE entry; it is pinned inside `self`, whose destructor cancels
        // it, and it only ever registers in `self.shard` (rule 4).
        match unsafe { shard.register(&self.entry, when, waker) } {
            Registered::Linked => {
                self.waker_id = waker_id(waker);
                false
            }
            Registered::Elapsed => true,
            Registered::Shutdown => panic!("{SHUTTING_DOWN}"),
        }
    }
}

/// What `Waker::will_wake` compares: the data pointer and the vtable.
fn waker_id(waker: &Waker) -> (usize, usize) {
    (
        waker.data() as usize,
        std::ptr::from_ref(waker.vtable()) as usize,
    )
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.poll_elapsed(cx)
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if self.entry.state() == REGISTERED {
            let shard = self.shard.as_ref().expect("a registered sleep has a shard");
            // SAFETY: we own the entry and registered it in `shard`; after this the wheel
            // holds no pointer to it (rule 4).
            unsafe { shard.cancel(&self.entry) };
        }
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("is_elapsed", &self.is_elapsed())
            .finish()
    }
}
