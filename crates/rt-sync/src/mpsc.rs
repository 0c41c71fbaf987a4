//! Multi-producer, single-consumer channels, bounded and unbounded, with Tokio's API.
//!
//! [`channel`] makes a bounded channel: a sender waits (or [`try_send`](Sender::try_send)
//! fails with [`TrySendError::Full`]) while `buffer` values are
//! queued or reserved. [`unbounded_channel`] makes one whose senders never wait. Values
//! from one sender arrive in the order it sent them. When every sender is gone, or the
//! receiver calls [`close`](Receiver::close), the receiver still drains what was queued and
//! then sees `None`.
//!
//! The design is simple: one mutex around a `VecDeque`, the crate's fair [`Semaphore`] for
//! the bound, and a waker slot for the receiver. Every send takes the mutex once; the
//! receiver takes it once per batch (rule 6). `send_timeout` needs the `time` feature (rt-time).
//!
//! # Protocol
//!
//! The rules, cited by number in the code:
//!
//! 1. Everything in `State` is read and written only with the mutex held. A sender pushes a
//!    value and takes the receiver's waker in one critical section; the receiver looks for
//!    a value (or the end) and stores its waker in one critical section. So a wakeup cannot
//!    be lost between the receiver's check and its sleep.
//! 2. Bounded channels: a free slot is a semaphore permit. A sender takes a permit (and
//!    forgets the guard) before it pushes; the receiver gives one permit back per value it
//!    pops; a permit dropped unused is given back. So `bound - available` counts the queued
//!    values plus the outstanding permits.
//! 3. Closing (`close`, or the receiver's drop) sets `rx_closed` under the mutex, then
//!    closes the semaphore and wakes [`Sender::closed`] waiters. Sends that have no permit
//!    yet fail; a permit already held still sends, as Tokio documents.
//! 4. The receiver is finished (`recv` gives `None`) when, under the mutex, the queue is
//!    empty, no permit is outstanding (rule 2: `available == bound`) and either
//!    `rx_closed` or `tx_count == 0`. `tx_count` only reaches zero with no permit out (a
//!    [`Permit`] borrows a sender, an [`OwnedPermit`] owns one). Whoever makes the receiver
//!    finished — the last sender's drop, an unused permit's drop after close — first does
//!    so, then locks the mutex and wakes the receiver (rule 1).
//! 5. Each value is owned by exactly one place: its sender, the queue, or the receiver.
//!    The receiver's drop takes the queue and drops it outside the mutex; values pushed
//!    later by outstanding permits drop with the channel. So every value drops once.
//! 6. The receiver takes values in batches: when its private buffer is empty it swaps the
//!    whole queue into it under the mutex, then pops from the buffer without locking. A
//!    value in the buffer still holds its slot (its permit goes back when it is popped,
//!    rule 2) and still counts in `len`, so the bound and rule 4 see it as queued. The
//!    producers and the consumer then meet on the mutex once per batch, not per value.

use std::collections::VecDeque;
use std::fmt;
use std::future::poll_fn;
use std::pin::pin;
use std::task::{Context, Poll, Waker, ready};

use rt_core::__private::poll_proceed;

use crate::loom::{Arc, Mutex, MutexGuard, lock};
use crate::notify::Notify;
use crate::semaphore::{Semaphore, TryAcquireError};

use self::error::{SendError, TryRecvError, TrySendError};

/// Errors of the mpsc channels; each hands back the value it could not deliver.
pub mod error {
    use std::error::Error;
    use std::fmt;

    send_error! {
        /// Error returned by `send`: the receiver is closed. Holds the value back.
    }

    /// Error returned by `try_send` and `try_reserve`. Holds the value back.
    #[derive(PartialEq, Eq, Clone, Copy)]
    pub enum TrySendError<T> {
        /// The channel is full: every slot is queued or reserved.
        Full(T),
        /// The receiver is closed.
        Closed(T),
    }

    impl<T> TrySendError<T> {
        /// Returns the value that could not be sent.
        pub fn into_inner(self) -> T {
            match self {
                TrySendError::Full(value) | TrySendError::Closed(value) => value,
            }
        }

        /// Whether the error is [`TrySendError::Full`].
        pub fn is_full(&self) -> bool {
            matches!(self, TrySendError::Full(_))
        }

        /// Whether the error is [`TrySendError::Closed`].
        pub fn is_closed(&self) -> bool {
            matches!(self, TrySendError::Closed(_))
        }
    }

    impl<T> From<SendError<T>> for TrySendError<T> {
        fn from(err: SendError<T>) -> TrySendError<T> {
            TrySendError::Closed(err.0)
        }
    }

    impl<T> fmt::Debug for TrySendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TrySendError::Full(_) => f.write_str("Full(..)"),
                TrySendError::Closed(_) => f.write_str("Closed(..)"),
            }
        }
    }

    impl<T> fmt::Display for TrySendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TrySendError::Full(_) => f.write_str("no available capacity"),
                TrySendError::Closed(_) => f.write_str("channel closed"),
            }
        }
    }

    impl<T> Error for TrySendError<T> {}

    /// Error returned by `send_timeout`. Holds the value back.
    #[cfg(feature = "time")]
    #[derive(PartialEq, Eq, Clone, Copy)]
    pub enum SendTimeoutError<T> {
        /// No slot came free before the timeout.
        Timeout(T),
        /// The receiver is closed.
        Closed(T),
    }

    #[cfg(feature = "time")]
    impl<T> SendTimeoutError<T> {
        /// Returns the value that could not be sent.
        pub fn into_inner(self) -> T {
            match self {
                SendTimeoutError::Timeout(value) | SendTimeoutError::Closed(value) => value,
            }
        }

        /// Whether the error is [`SendTimeoutError::Timeout`].
        pub fn is_timeout(&self) -> bool {
            matches!(self, SendTimeoutError::Timeout(_))
        }

        /// Whether the error is [`SendTimeoutError::Closed`].
        pub fn is_closed(&self) -> bool {
            matches!(self, SendTimeoutError::Closed(_))
        }
    }

    #[cfg(feature = "time")]
    impl<T> fmt::Debug for SendTimeoutError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                SendTimeoutError::Timeout(_) => f.write_str("Timeout(..)"),
                SendTimeoutError::Closed(_) => f.write_str("Closed(..)"),
            }
        }
    }

    #[cfg(feature = "time")]
    impl<T> fmt::Display for SendTimeoutError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                SendTimeoutError::Timeout(_) => f.write_str("timed out waiting on send operation"),
                SendTimeoutError::Closed(_) => f.write_str("channel closed"),
            }
        }
    }

    #[cfg(feature = "time")]
    impl<T> Error for SendTimeoutError<T> {}

    /// Error returned by `try_recv`.
    #[derive(Debug, PartialEq, Eq, Clone, Copy)]
    pub enum TryRecvError {
        /// No value is queued now, but one may come.
        Empty,
        /// No value is queued and none can come: the senders are gone or the channel is
        /// closed.
        Disconnected,
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("receiving on an empty channel"),
                TryRecvError::Disconnected => f.write_str("receiving on a closed channel"),
            }
        }
    }

    impl Error for TryRecvError {}
}

/// The state both halves share.
struct Chan<T> {
    state: Mutex<State<T>>,
    /// A permit per free slot (rule 2); `None` for an unbounded channel.
    sem: Option<Semaphore>,
    /// The capacity of a bounded channel (0 when unbounded).
    bound: usize,
    /// Woken once the receiver closes (rule 3), for [`Sender::closed`].
    closed_notify: Notify,
}

/// The mutex-protected part of a [`Chan`] (rule 1).
struct State<T> {
    queue: VecDeque<T>,
    rx_waker: Option<Waker>,
    rx_closed: bool,
    tx_count: usize,
    weak_count: usize,
}

impl<T> Chan<T> {
    fn new(sem: Option<Semaphore>, bound: usize) -> Arc<Chan<T>> {
        Arc::new(Chan {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                rx_waker: None,
                rx_closed: false,
                tx_count: 1,
                weak_count: 0,
            }),
            sem,
            bound,
            closed_notify: Notify::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        lock(&self.state)
    }

    /// Rule 4, with the mutex held.
    fn finished(&self, state: &State<T>) -> bool {
        let idle = match &self.sem {
            Some(sem) => sem.available_permits() == self.bound,
            None => true,
        };
        state.queue.is_empty() && idle && (state.rx_closed || state.tx_count == 0)
    }

    /// Queues `value` and wakes the receiver (rules 1, 5). The caller holds a permit when
    /// bounded; it now belongs to the queued value.
    fn push(&self, value: T) {
        let mut state = self.lock();
        state.queue.push_back(value);
        let waker = state.rx_waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Gives back `n` permits that were never used, and wakes the receiver if that may
    /// have finished it (rule 4: release first, then lock and wake).
    fn release_unused(&self, n: usize) {
        if n == 0 {
            return;
        }
        if let Some(sem) = &self.sem {
            sem.add_permits(n);
        }
        let mut state = self.lock();
        let waker = if state.rx_closed {
            state.rx_waker.take()
        } else {
            None
        };
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Takes `n` permits, waiting for them (rule 2).
    async fn acquire(&self, n: usize) -> Result<(), SendError<()>> {
        let sem = self.sem.as_ref().expect("bounded channel");
        if n > self.bound {
            return Err(SendError(()));
        }
        let n = u32::try_from(n).map_err(|_| SendError(()))?;
        match sem.acquire_many(n).await {
            Ok(permit) => {
                permit.forget();
                Ok(())
            }
            Err(_) => Err(SendError(())),
        }
    }

    /// Takes `n` permits if they are free now (rule 2).
    fn try_acquire(&self, n: usize) -> Result<(), TrySendError<()>> {
        let sem = self.sem.as_ref().expect("bounded channel");
        if n > self.bound {
            return Err(TrySendError::Full(()));
        }
        let n = u32::try_from(n).map_err(|_| TrySendError::Full(()))?;
        match sem.try_acquire_many(n) {
            Ok(permit) => {
                permit.forget();
                Ok(())
            }
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(())),
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(())),
        }
    }

    /// Rule 6: moves every queued value into the receiver's empty `buf` in one critical
    /// section. `Ready(false)` means finished (rule 4); `Pending` leaves the receiver's
    /// waker (rule 1).
    fn poll_refill(&self, cx: &mut Context<'_>, buf: &mut VecDeque<T>) -> Poll<bool> {
        let mut state = self.lock();
        match self.refill_locked(&mut state, buf) {
            Ok(()) => Poll::Ready(true),
            Err(TryRecvError::Disconnected) => Poll::Ready(false),
            Err(TryRecvError::Empty) => {
                // Rule 1: stored in the same critical section as the check.
                match &mut state.rx_waker {
                    Some(old) if old.will_wake(cx.waker()) => {}
                    slot => *slot = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
        }
    }

    /// `poll_refill` without waiting.
    fn try_refill(&self, buf: &mut VecDeque<T>) -> Result<(), TryRecvError> {
        self.refill_locked(&mut self.lock(), buf)
    }

    /// Rule 6 with the mutex held: swaps the queue into `buf` (empty), or says why not.
    fn refill_locked(
        &self,
        state: &mut State<T>,
        buf: &mut VecDeque<T>,
    ) -> Result<(), TryRecvError> {
        debug_assert!(buf.is_empty());
        if !state.queue.is_empty() {
            // Swapping keeps both allocations in use, so a steady stream allocates nothing.
            std::mem::swap(&mut state.queue, buf);
            Ok(())
        } else if self.finished(state) {
            Err(TryRecvError::Disconnected)
        } else {
            Err(TryRecvError::Empty)
        }
    }

    /// Rule 2: `n` values left the receiver's buffer; their slots are free again.
    fn release_slots(&self, n: usize) {
        if let Some(sem) = &self.sem {
            sem.add_permits(n);
        }
    }

    /// Rule 3.
    fn close(&self) {
        self.lock().rx_closed = true;
        if let Some(sem) = &self.sem {
            sem.close();
        }
        self.closed_notify.notify_waiters();
    }

    /// The receiver's drop: close, then drop the queued values outside the mutex (rule 5).
    fn close_and_drain(&self) {
        self.close();
        let queue = std::mem::take(&mut self.lock().queue);
        drop(queue);
    }

    fn is_rx_closed(&self) -> bool {
        self.lock().rx_closed
    }

    /// Whether the receiver sees the channel as closed: closed, or every sender gone.
    fn rx_is_closed(&self) -> bool {
        let state = self.lock();
        state.rx_closed || state.tx_count == 0
    }

    /// Waits until the receiver closes.
    async fn closed(&self) {
        let mut notified = pin!(self.closed_notify.notified());
        // Join before checking, so a close after the check is seen (rule 3).
        notified.as_mut().enable();
        if self.is_rx_closed() {
            return;
        }
        notified.await;
    }

    fn add_sender(&self) {
        self.lock().tx_count += 1;
    }

    /// A sender's drop: the last one may finish the receiver (rule 4).
    fn drop_sender(&self) {
        let mut state = self.lock();
        state.tx_count -= 1;
        let waker = if state.tx_count == 0 {
            state.rx_waker.take()
        } else {
            None
        };
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// A weak sender's upgrade: only while a strong one is alive.
    fn upgrade(&self) -> bool {
        let mut state = self.lock();
        if state.tx_count == 0 {
            return false;
        }
        state.tx_count += 1;
        true
    }

    fn strong_count(&self) -> usize {
        self.lock().tx_count
    }

    fn weak_count(&self) -> usize {
        self.lock().weak_count
    }

    fn len(&self) -> usize {
        self.lock().queue.len()
    }

    fn available(&self) -> usize {
        self.sem.as_ref().map_or(0, Semaphore::available_permits)
    }
}

/// Creates a bounded channel holding at most `buffer` values (queued or reserved).
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (tx, mut rx) = rt_sync::mpsc::channel(8);
/// rt::spawn(async move {
///     for i in 0..3 {
///         tx.send(i).await.unwrap();
///     }
/// });
/// let mut got = Vec::new();
/// while let Some(i) = rx.recv().await {
///     got.push(i);
/// }
/// assert_eq!(got, [0, 1, 2]);
/// # });
/// ```
///
/// # Panics
///
/// Panics if `buffer` is 0, or larger than [`Semaphore::MAX_PERMITS`].
pub fn channel<T>(buffer: usize) -> (Sender<T>, Receiver<T>) {
    assert!(buffer > 0, "mpsc bounded channel requires buffer > 0");
    assert!(
        buffer <= Semaphore::MAX_PERMITS,
        "requested buffer size too large"
    );
    let chan = Chan::new(Some(Semaphore::new(buffer)), buffer);
    (
        Sender { chan: chan.clone() },
        Receiver {
            chan,
            buf: VecDeque::new(),
        },
    )
}

/// Creates an unbounded channel: sending never waits.
///
/// # Examples
///
/// ```
/// let (tx, mut rx) = rt_sync::mpsc::unbounded_channel();
/// tx.send("hi").unwrap();
/// assert_eq!(rx.try_recv(), Ok("hi"));
/// ```
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let chan = Chan::new(None, 0);
    (
        UnboundedSender { chan: chan.clone() },
        UnboundedReceiver {
            chan,
            buf: VecDeque::new(),
        },
    )
}

/// The sending half of a bounded channel, made by [`channel`]. Clone it for more
/// producers.
pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

/// A sender that does not keep the channel open; [`upgrade`](WeakSender::upgrade) it to
/// send.
pub struct WeakSender<T> {
    chan: Arc<Chan<T>>,
}

/// A reserved slot in a bounded channel, borrowed from its [`Sender`]. Dropping it unused
/// frees the slot.
pub struct Permit<'a, T> {
    chan: &'a Chan<T>,
}

/// Several reserved slots, from [`Sender::reserve_many`]; yields one [`Permit`] each.
/// Slots not taken are freed on drop.
pub struct PermitIterator<'a, T> {
    chan: &'a Chan<T>,
    n: usize,
}

/// A reserved slot in a bounded channel that owns its [`Sender`], from
/// [`Sender::reserve_owned`].
pub struct OwnedPermit<T> {
    tx: Option<Sender<T>>,
}

/// The receiving half of a bounded channel, made by [`channel`].
pub struct Receiver<T> {
    chan: Arc<Chan<T>>,
    /// Values taken from the queue in one batch, not yet received (rule 6).
    buf: VecDeque<T>,
}

// SAFETY: through `&self` a receiver never touches a value of `T` (`buf` is only measured
// by `len`; values move out through `&mut self` alone), so sharing it needs `T: Send` only,
// as Tokio's receivers do.
unsafe impl<T: Send> Sync for Receiver<T> {}

// Nothing in a receiver is ever pinned: the values in `buf` move out freely.
impl<T> Unpin for Receiver<T> {}

impl<T> Sender<T> {
    /// Sends `value`, waiting for a free slot.
    ///
    /// # Errors
    ///
    /// Hands `value` back if the receiver is closed, or closes while this waits.
    ///
    /// # Cancel safety
    ///
    /// Waits in a fair queue for a slot. If cancelled, the value was not sent (and is
    /// dropped with the future) and the place in the queue is lost. To keep the value on
    /// cancellation, [`reserve`](Sender::reserve) first.
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        match self.reserve().await {
            Ok(permit) => {
                permit.send(value);
                Ok(())
            }
            Err(_) => Err(SendError(value)),
        }
    }

    /// Sends `value`, waiting at most `timeout` for a free slot (needs the `time` feature
    /// and a runtime with timers enabled).
    ///
    /// # Errors
    ///
    /// [`SendTimeoutError::Timeout`](error::SendTimeoutError::Timeout) if no slot came free
    /// in time, [`SendTimeoutError::Closed`](error::SendTimeoutError::Closed) if the receiver
    /// is closed; both hand `value` back.
    ///
    /// # Panics
    ///
    /// Outside a runtime with timers enabled (see `rt::time::sleep`).
    ///
    /// # Cancel safety
    ///
    /// As [`send`](Sender::send): if cancelled, the value was not sent and is dropped with
    /// the future.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use rt_sync::mpsc::{self, error::SendTimeoutError};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let (tx, _rx) = mpsc::channel(1);
    /// tx.send(1).await.unwrap();
    /// // The only slot is taken and nobody receives.
    /// let err = tx.send_timeout(2, Duration::from_millis(10)).await.unwrap_err();
    /// assert!(matches!(err, SendTimeoutError::Timeout(2)));
    /// # });
    /// ```
    #[cfg(feature = "time")]
    pub async fn send_timeout(
        &self,
        value: T,
        timeout: std::time::Duration,
    ) -> Result<(), error::SendTimeoutError<T>> {
        match rt_time::timeout(timeout, self.reserve()).await {
            Ok(Ok(permit)) => {
                permit.send(value);
                Ok(())
            }
            Ok(Err(_closed)) => Err(error::SendTimeoutError::Closed(value)),
            Err(_elapsed) => Err(error::SendTimeoutError::Timeout(value)),
        }
    }

    /// Sends `value` if a slot is free now.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Closed`] if the receiver is closed, otherwise
    /// [`TrySendError::Full`] if no slot is free; both hand `value` back.
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        match self.chan.try_acquire(1) {
            Ok(()) => {
                self.chan.push(value);
                Ok(())
            }
            Err(TrySendError::Full(())) => Err(TrySendError::Full(value)),
            Err(TrySendError::Closed(())) => Err(TrySendError::Closed(value)),
        }
    }

    /// Sends `value` from synchronous code, blocking the thread until a slot is free.
    ///
    /// # Panics
    ///
    /// Panics if called from a thread that drives a runtime.
    ///
    /// # Errors
    ///
    /// Hands `value` back if the receiver is closed.
    #[track_caller]
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        crate::blocking::block_on(self.send(value))
    }

    /// Waits for a free slot and reserves it.
    ///
    /// # Errors
    ///
    /// Fails if the receiver is closed, or closes while this waits.
    ///
    /// # Cancel safety
    ///
    /// Cancelling loses the place in the fair queue; no slot stays reserved.
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        self.chan.acquire(1).await?;
        Ok(Permit { chan: &self.chan })
    }

    /// Waits for `n` free slots and reserves them.
    ///
    /// # Errors
    ///
    /// Fails if the receiver is closed or closes while this waits, or if `n` exceeds
    /// [`max_capacity`](Sender::max_capacity).
    ///
    /// # Cancel safety
    ///
    /// Cancelling loses the place in the fair queue; no slot stays reserved.
    pub async fn reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, SendError<()>> {
        self.chan.acquire(n).await?;
        Ok(PermitIterator {
            chan: &self.chan,
            n,
        })
    }

    /// Reserves a slot if one is free now.
    ///
    /// # Errors
    ///
    /// [`TrySendError::Closed`] if the receiver is closed, otherwise
    /// [`TrySendError::Full`].
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TrySendError<()>> {
        self.chan.try_acquire(1)?;
        Ok(Permit { chan: &self.chan })
    }

    /// Reserves `n` slots if they are free now.
    ///
    /// # Errors
    ///
    /// As [`try_reserve`](Sender::try_reserve); `Full` also when `n` exceeds the capacity.
    pub fn try_reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, TrySendError<()>> {
        self.chan.try_acquire(n)?;
        Ok(PermitIterator {
            chan: &self.chan,
            n,
        })
    }

    /// Waits for a free slot and reserves it, moving the sender into the permit.
    ///
    /// # Errors
    ///
    /// Fails if the receiver is closed, or closes while this waits; the sender is dropped.
    ///
    /// # Cancel safety
    ///
    /// Cancelling loses the place in the fair queue and drops the sender.
    pub async fn reserve_owned(self) -> Result<OwnedPermit<T>, SendError<()>> {
        self.chan.acquire(1).await?;
        Ok(OwnedPermit { tx: Some(self) })
    }

    /// Reserves a slot if one is free now, moving the sender into the permit.
    ///
    /// # Errors
    ///
    /// As [`try_reserve`](Sender::try_reserve), handing the sender back.
    pub fn try_reserve_owned(self) -> Result<OwnedPermit<T>, TrySendError<Self>> {
        match self.chan.try_acquire(1) {
            Ok(()) => Ok(OwnedPermit { tx: Some(self) }),
            Err(TrySendError::Full(())) => Err(TrySendError::Full(self)),
            Err(TrySendError::Closed(())) => Err(TrySendError::Closed(self)),
        }
    }

    /// Waits until the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: nothing is lost.
    pub async fn closed(&self) {
        self.chan.closed().await;
    }

    /// Whether the receiver is closed or dropped.
    pub fn is_closed(&self) -> bool {
        self.chan.is_rx_closed()
    }

    /// The number of free slots now.
    pub fn capacity(&self) -> usize {
        self.chan.available()
    }

    /// The channel's capacity, as given to [`channel`].
    pub fn max_capacity(&self) -> usize {
        self.chan.bound
    }

    /// Whether both senders belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }

    /// Makes a [`WeakSender`], which does not keep the channel open.
    pub fn downgrade(&self) -> WeakSender<T> {
        self.chan.lock().weak_count += 1;
        WeakSender {
            chan: self.chan.clone(),
        }
    }

    /// The number of (strong) senders.
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of weak senders.
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.chan.add_sender();
        Sender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("max_capacity", &self.chan.bound)
            .finish_non_exhaustive()
    }
}

impl<T> WeakSender<T> {
    /// Makes a [`Sender`] again, if any sender is still alive.
    pub fn upgrade(&self) -> Option<Sender<T>> {
        self.chan.upgrade().then(|| Sender {
            chan: self.chan.clone(),
        })
    }

    /// The number of (strong) senders.
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of weak senders.
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        self.chan.lock().weak_count += 1;
        WeakSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.chan.lock().weak_count -= 1;
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSender").finish_non_exhaustive()
    }
}

impl<T> Permit<'_, T> {
    /// Sends `value` in the reserved slot. This cannot fail: if the receiver has gone, the
    /// value drops with the channel.
    pub fn send(self, value: T) {
        let chan = self.chan;
        // The slot now belongs to the queued value (rule 2), so skip the drop that frees it.
        std::mem::forget(self);
        chan.push(value);
    }
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        self.chan.release_unused(1);
    }
}

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").finish_non_exhaustive()
    }
}

impl<'a, T> Iterator for PermitIterator<'a, T> {
    type Item = Permit<'a, T>;

    fn next(&mut self) -> Option<Permit<'a, T>> {
        if self.n == 0 {
            return None;
        }
        self.n -= 1;
        Some(Permit { chan: self.chan })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.n, Some(self.n))
    }
}

impl<T> ExactSizeIterator for PermitIterator<'_, T> {}

impl<T> Drop for PermitIterator<'_, T> {
    fn drop(&mut self) {
        self.chan.release_unused(self.n);
    }
}

impl<T> fmt::Debug for PermitIterator<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PermitIterator")
            .field("n", &self.n)
            .finish_non_exhaustive()
    }
}

impl<T> OwnedPermit<T> {
    /// Sends `value` in the reserved slot and gives the sender back.
    pub fn send(mut self, value: T) -> Sender<T> {
        let tx = self
            .tx
            .take()
            .expect("permit holds its sender until consumed");
        tx.chan.push(value);
        tx
    }

    /// Frees the slot without sending, and gives the sender back.
    pub fn release(mut self) -> Sender<T> {
        let tx = self
            .tx
            .take()
            .expect("permit holds its sender until consumed");
        tx.chan.release_unused(1);
        tx
    }

    /// Whether both belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        match (&self.tx, &other.tx) {
            (Some(a), Some(b)) => a.same_channel(b),
            _ => false,
        }
    }
}

impl<T> Drop for OwnedPermit<T> {
    fn drop(&mut self) {
        // Release before the sender drops, so `tx_count == 0` still means no permit is out
        // (rule 4).
        if let Some(tx) = self.tx.take() {
            tx.chan.release_unused(1);
        }
    }
}

impl<T> fmt::Debug for OwnedPermit<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedPermit").finish_non_exhaustive()
    }
}

/// The receiving methods both receivers share.
macro_rules! receiver_methods {
    () => {
        /// Receives the next value, or `None` once the channel is closed (every sender
        /// gone, or [`close`](Self::close) called) and drained.
        ///
        /// # Cancel safety
        ///
        /// Cancel safe: if cancelled, no value was taken from the channel.
        pub async fn recv(&mut self) -> Option<T> {
            poll_fn(|cx| self.poll_recv(cx)).await
        }

        /// Receives up to `limit` values into `buffer` (appending), waiting for at least
        /// one. Returns how many were received; 0 means the channel is closed and drained,
        /// or `limit` is 0.
        ///
        /// # Cancel safety
        ///
        /// Cancel safe: if cancelled, no value was taken from the channel.
        pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
            poll_fn(|cx| self.poll_recv_many(cx, buffer, limit)).await
        }

        /// Receives a value if one is queued now.
        ///
        /// # Errors
        ///
        /// [`TryRecvError::Empty`] if none is queued but one may come,
        /// [`TryRecvError::Disconnected`] if the channel is closed and drained.
        pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
            if self.buf.is_empty() {
                self.chan.try_refill(&mut self.buf)?;
            }
            let value = self
                .buf
                .pop_front()
                .expect("refilled with at least one value");
            self.chan.release_slots(1);
            Ok(value)
        }

        /// Receives from synchronous code, blocking the thread until a value comes or the
        /// channel is closed and drained.
        ///
        /// # Panics
        ///
        /// Panics if called from a thread that drives a runtime.
        #[track_caller]
        pub fn blocking_recv(&mut self) -> Option<T> {
            crate::blocking::block_on(self.recv())
        }

        /// Closes the channel: further sends fail, but queued values (and values sent
        /// through permits already held) can still be received.
        pub fn close(&mut self) {
            self.chan.close();
        }

        /// Whether the channel is closed: [`close`](Self::close) was called or every
        /// sender is gone.
        pub fn is_closed(&self) -> bool {
            self.chan.rx_is_closed()
        }

        /// Whether no value is queued now.
        pub fn is_empty(&self) -> bool {
            self.len() == 0
        }

        /// The number of values queued now.
        pub fn len(&self) -> usize {
            self.chan.len() + self.buf.len()
        }

        /// Polls for the next value; see [`recv`](Self::recv).
        pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
            let coop = ready!(poll_proceed(cx));
            let value = if ready!(self.poll_fill(cx)) {
                self.chan.release_slots(1);
                self.buf.pop_front()
            } else {
                None
            };
            coop.made_progress();
            Poll::Ready(value)
        }

        /// Polls for up to `limit` values; see [`recv_many`](Self::recv_many).
        pub fn poll_recv_many(
            &mut self,
            cx: &mut Context<'_>,
            buffer: &mut Vec<T>,
            limit: usize,
        ) -> Poll<usize> {
            if limit == 0 {
                return Poll::Ready(0);
            }
            let coop = ready!(poll_proceed(cx));
            let n = if ready!(self.poll_fill(cx)) {
                self.buf.len().min(limit)
            } else {
                0
            };
            buffer.extend(self.buf.drain(..n));
            self.chan.release_slots(n);
            coop.made_progress();
            Poll::Ready(n)
        }

        /// Rule 6: makes sure the batch holds a value; `Ready(false)` once finished.
        fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<bool> {
            if self.buf.is_empty() {
                self.chan.poll_refill(cx, &mut self.buf)
            } else {
                Poll::Ready(true)
            }
        }

        /// The number of (strong) senders.
        pub fn sender_strong_count(&self) -> usize {
            self.chan.strong_count()
        }

        /// The number of weak senders.
        pub fn sender_weak_count(&self) -> usize {
            self.chan.weak_count()
        }
    };
}

impl<T> Receiver<T> {
    receiver_methods!();

    /// The number of free slots now.
    pub fn capacity(&self) -> usize {
        self.chan.available()
    }

    /// The channel's capacity, as given to [`channel`].
    pub fn max_capacity(&self) -> usize {
        self.chan.bound
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.chan.close_and_drain();
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("max_capacity", &self.chan.bound)
            .finish_non_exhaustive()
    }
}

/// The sending half of an unbounded channel, made by [`unbounded_channel`].
pub struct UnboundedSender<T> {
    chan: Arc<Chan<T>>,
}

/// An unbounded sender that does not keep the channel open.
pub struct WeakUnboundedSender<T> {
    chan: Arc<Chan<T>>,
}

/// The receiving half of an unbounded channel, made by [`unbounded_channel`].
pub struct UnboundedReceiver<T> {
    chan: Arc<Chan<T>>,
    /// Values taken from the queue in one batch, not yet received (rule 6).
    buf: VecDeque<T>,
}

// SAFETY: through `&self` a receiver never touches a value of `T` (`buf` is only measured
// by `len`; values move out through `&mut self` alone), so sharing it needs `T: Send` only,
// as Tokio's receivers do.
unsafe impl<T: Send> Sync for UnboundedReceiver<T> {}

// Nothing in a receiver is ever pinned: the values in `buf` move out freely.
impl<T> Unpin for UnboundedReceiver<T> {}

impl<T> UnboundedSender<T> {
    /// Sends `value` without waiting.
    ///
    /// # Errors
    ///
    /// Hands `value` back if the receiver is closed.
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        let mut state = self.chan.lock();
        if state.rx_closed {
            drop(state);
            return Err(SendError(value));
        }
        state.queue.push_back(value);
        let waker = state.rx_waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Waits until the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: nothing is lost.
    pub async fn closed(&self) {
        self.chan.closed().await;
    }

    /// Whether the receiver is closed or dropped.
    pub fn is_closed(&self) -> bool {
        self.chan.is_rx_closed()
    }

    /// Whether both senders belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }

    /// Makes a [`WeakUnboundedSender`], which does not keep the channel open.
    pub fn downgrade(&self) -> WeakUnboundedSender<T> {
        self.chan.lock().weak_count += 1;
        WeakUnboundedSender {
            chan: self.chan.clone(),
        }
    }

    /// The number of (strong) senders.
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of weak senders.
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> Self {
        self.chan.add_sender();
        UnboundedSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for UnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T> fmt::Debug for UnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedSender").finish_non_exhaustive()
    }
}

impl<T> WeakUnboundedSender<T> {
    /// Makes an [`UnboundedSender`] again, if any sender is still alive.
    pub fn upgrade(&self) -> Option<UnboundedSender<T>> {
        self.chan.upgrade().then(|| UnboundedSender {
            chan: self.chan.clone(),
        })
    }

    /// The number of (strong) senders.
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of weak senders.
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakUnboundedSender<T> {
    fn clone(&self) -> Self {
        self.chan.lock().weak_count += 1;
        WeakUnboundedSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for WeakUnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.lock().weak_count -= 1;
    }
}

impl<T> fmt::Debug for WeakUnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakUnboundedSender")
            .finish_non_exhaustive()
    }
}

impl<T> UnboundedReceiver<T> {
    receiver_methods!();
}

impl<T> Drop for UnboundedReceiver<T> {
    fn drop(&mut self) {
        self.chan.close_and_drain();
    }
}

impl<T> fmt::Debug for UnboundedReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedReceiver").finish_non_exhaustive()
    }
}
