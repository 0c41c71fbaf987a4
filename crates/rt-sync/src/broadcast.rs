//! A multi-producer, multi-consumer broadcast channel: every receiver sees every value.
//!
//! # Protocol
//!
//! The channel is one shared allocation holding a mutex-protected queue of
//! `(value, sequence number, readers left)` slots, the counts of senders and receivers, and
//! a [`Notify`] that wakes waiting receivers. Each receiver owns the sequence number of the
//! next value it will read. The rules, cited by number in the code:
//!
//! 1. Everything in `State` changes only with the mutex held. Sequence numbers are given
//!    out in order by `tail`; the queue holds the consecutive numbers `tail - queue.len()`
//!    up to `tail - 1`, oldest at the front.
//! 2. A slot's `rem` starts as the number of receivers alive when it was sent; each of them
//!    decrements it once, by reading it or by being dropped before reading it. The reader
//!    that brings it to zero takes the value instead of cloning it.
//! 3. Receivers read in order, so a slot with `rem == 0` is preceded only by slots with
//!    `rem == 0`: such slots are popped from the front. The queue is therefore exactly the
//!    values some receiver has yet to read.
//! 4. A send into a queue of `capacity` slots first evicts the oldest. A receiver whose next
//!    number is below the oldest retained has lagged: it is told by how many values, and
//!    moves to the oldest retained (every retained slot counts it, so it has read none).
//! 5. A waiting receiver creates its `Notified` *before* it checks the queue and awaits it
//!    only if the queue had nothing for it. Each send, and the drop of the last sender,
//!    calls `notify_waiters` after releasing the mutex, so a change the check missed still
//!    wakes it.
//!
//! This design favours being obviously correct over speed: every operation takes the one
//! mutex, and a send wakes every waiting receiver. Per-slot locks and a waiter list are left
//! to a later performance pass.

use std::collections::VecDeque;
use std::fmt;
use std::future::poll_fn;

use rt_core::__private::poll_proceed;

use crate::Notify;
use crate::loom::{Arc, Mutex, MutexGuard, lock};

/// Error types of the broadcast channel.
pub mod error {
    use std::fmt;

    /// Error returned by [`Sender::send`](super::Sender::send) when there is no receiver;
    /// it hands the value back.
    #[derive(PartialEq, Eq, Clone, Copy)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Debug for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SendError").finish_non_exhaustive()
        }
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T> std::error::Error for SendError<T> {}

    /// Error returned by [`Receiver::recv`](super::Receiver::recv).
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum RecvError {
        /// Every sender is gone and this receiver has read every value.
        Closed,
        /// The receiver fell behind by this many values, which were dropped from the
        /// queue; the next receive returns the oldest value still queued.
        Lagged(u64),
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                RecvError::Closed => f.write_str("channel closed"),
                RecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for RecvError {}

    /// Error returned by [`Receiver::try_recv`](super::Receiver::try_recv).
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum TryRecvError {
        /// No value is ready, and some sender is alive.
        Empty,
        /// Every sender is gone and this receiver has read every value.
        Closed,
        /// The receiver fell behind by this many values, which were dropped from the
        /// queue; the next receive returns the oldest value still queued.
        Lagged(u64),
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
                TryRecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use error::{RecvError, SendError, TryRecvError};

/// The state shared by every handle of one channel.
struct Shared<T> {
    state: Mutex<State<T>>,
    /// Wakes waiting receivers on a send or on close (rule 5).
    notify_rx: Notify,
    /// Wakes senders in `closed` when the last receiver goes.
    notify_tx: Notify,
    /// Slots the queue keeps before evicting (rule 4); a power of two, as in Tokio.
    capacity: usize,
}

/// The mutex-protected part of the channel (rule 1).
struct State<T> {
    /// Values some receiver has yet to read, oldest first (rule 3).
    queue: VecDeque<Slot<T>>,
    /// Sequence number of the next value sent.
    tail: u64,
    /// Live `Sender`s; zero means closed.
    senders: usize,
    /// `WeakSender`s, which do not keep the channel open.
    weak_senders: usize,
    /// Live `Receiver`s.
    receivers: usize,
}

/// One queued value.
struct Slot<T> {
    /// Taken by the last reader (rule 2).
    value: Option<T>,
    /// Receivers that have yet to read it (rule 2).
    rem: usize,
}

impl<T> State<T> {
    /// Sequence number of the oldest queued value (or `tail` if none is).
    fn head(&self) -> u64 {
        self.tail - self.queue.len() as u64
    }

    /// Rule 3: drops fully read slots from the front.
    fn pop_read(&mut self) {
        while self.queue.front().is_some_and(|slot| slot.rem == 0) {
            self.queue.pop_front();
        }
    }
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        lock(&self.state)
    }
}

impl<T: Clone> Shared<T> {
    /// [`Receiver::try_recv`] for the receiver whose next sequence number is `next`.
    fn try_recv(&self, next: &mut u64) -> Result<T, TryRecvError> {
        let mut state = self.lock();
        let head = state.head();
        if *next < head {
            // Rule 4: skip to the oldest retained value.
            let lagged = head - *next;
            *next = head;
            return Err(TryRecvError::Lagged(lagged));
        }
        if *next == state.tail {
            return Err(if state.senders == 0 {
                TryRecvError::Closed
            } else {
                TryRecvError::Empty
            });
        }
        let index = (*next - head) as usize;
        let slot = &mut state.queue[index];
        slot.rem -= 1;
        // Rule 2: the last reader takes the value.
        let value = if slot.rem == 0 {
            slot.value.take()
        } else {
            slot.value.clone()
        }
        .expect("a slot keeps its value until its last reader");
        *next += 1;
        state.pop_read();
        Ok(value)
    }
}

/// Creates a broadcast channel that queues up to `capacity` values, returning its sender
/// and one receiver.
///
/// Every value sent is seen by every receiver alive when it was sent. When the queue is
/// full, a send evicts the oldest value; receivers that had not read it get
/// [`RecvError::Lagged`] and continue from the oldest value still queued. As in Tokio, the
/// capacity is rounded up to a power of two.
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (tx, mut rx1) = rt_sync::broadcast::channel(16);
/// let mut rx2 = tx.subscribe();
///
/// tx.send(10).unwrap();
/// tx.send(20).unwrap();
///
/// assert_eq!(rx1.recv().await, Ok(10));
/// assert_eq!(rx1.recv().await, Ok(20));
/// assert_eq!(rx2.recv().await, Ok(10));
/// assert_eq!(rx2.recv().await, Ok(20));
/// # });
/// ```
///
/// # Panics
///
/// Panics if `capacity` is zero or greater than `usize::MAX / 2`.
pub fn channel<T: Clone>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(capacity > 0, "broadcast channel capacity cannot be zero");
    assert!(
        capacity <= usize::MAX >> 1,
        "broadcast channel capacity exceeded `usize::MAX / 2`"
    );
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            queue: VecDeque::new(),
            tail: 0,
            senders: 1,
            weak_senders: 0,
            receivers: 1,
        }),
        notify_rx: Notify::new(),
        notify_tx: Notify::new(),
        capacity: capacity.next_power_of_two(),
    });
    let rx = Receiver {
        shared: shared.clone(),
        next: 0,
    };
    (Sender { shared }, rx)
}

/// The sending half of a broadcast channel; it can be cloned.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Sender<T> {
    /// Sends a value to every live receiver, returning how many there are.
    ///
    /// The value is queued and the call never waits. If the queue is full, the oldest value
    /// is evicted (receivers that had not read it will get [`RecvError::Lagged`]).
    ///
    /// # Errors
    ///
    /// If there is no receiver, the value is returned in the error. A later
    /// [`subscribe`](Sender::subscribe) makes sending possible again.
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        // Dropped after the mutex is released, so its `Drop` cannot deadlock on it.
        let mut _evicted = None;
        let receivers = {
            let mut state = self.shared.lock();
            if state.receivers == 0 {
                return Err(SendError(value));
            }
            // Rule 4: evict before pushing.
            if state.queue.len() == self.shared.capacity {
                _evicted = state.queue.pop_front();
            }
            let rem = state.receivers;
            state.queue.push_back(Slot {
                value: Some(value),
                rem,
            });
            state.tail += 1;
            rem
        };
        // Rule 5: wake after releasing the mutex.
        self.shared.notify_rx.notify_waiters();
        Ok(receivers)
    }

    /// Whether there is no live receiver (sends would fail).
    pub fn is_closed(&self) -> bool {
        self.shared.lock().receivers == 0
    }

    /// Completes once there is no live receiver.
    ///
    /// A later [`subscribe`](Sender::subscribe) opens the channel again; `closed` reports
    /// the moment the receiver count reached zero.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (tx, rx) = rt_sync::broadcast::channel::<u32>(16);
    /// rt::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// assert!(tx.send(1).is_err());
    /// # });
    /// ```
    pub async fn closed(&self) {
        loop {
            // Created before the check, so a drop between the two still wakes it.
            let notified = self.shared.notify_tx.notified();
            if self.is_closed() {
                return;
            }
            notified.await;
        }
    }

    /// Creates a new receiver, which will see the values sent from now on.
    pub fn subscribe(&self) -> Receiver<T> {
        new_receiver(&self.shared)
    }

    /// Returns a weak handle, which does not keep the channel open.
    pub fn downgrade(&self) -> WeakSender<T> {
        self.shared.lock().weak_senders += 1;
        WeakSender {
            shared: self.shared.clone(),
        }
    }

    /// The number of live receivers.
    pub fn receiver_count(&self) -> usize {
        self.shared.lock().receivers
    }

    /// The number of values some receiver has yet to read (evicted values not counted).
    pub fn len(&self) -> usize {
        self.shared.lock().queue.len()
    }

    /// Whether every receiver has read every queued value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of live `Sender`s.
    pub fn strong_count(&self) -> usize {
        self.shared.lock().senders
    }

    /// The number of live `WeakSender`s.
    pub fn weak_count(&self) -> usize {
        self.shared.lock().weak_senders
    }

    /// Whether both senders belong to the same channel.
    pub fn same_channel(&self, other: &Sender<T>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

/// Registers a receiver that starts at the tail.
fn new_receiver<T>(shared: &Arc<Shared<T>>) -> Receiver<T> {
    let mut state = shared.lock();
    state.receivers += 1;
    Receiver {
        next: state.tail,
        shared: shared.clone(),
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Sender<T> {
        self.shared.lock().senders += 1;
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let last = {
            let mut state = self.shared.lock();
            state.senders -= 1;
            state.senders == 0
        };
        if last {
            // Rule 5: waiting receivers must see the close.
            self.shared.notify_rx.notify_waiters();
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        f.debug_struct("Sender")
            .field("receivers", &state.receivers)
            .field("len", &state.queue.len())
            .finish_non_exhaustive()
    }
}

/// A sender that does not keep the channel open; [`upgrade`](WeakSender::upgrade) it to
/// send.
pub struct WeakSender<T> {
    shared: Arc<Shared<T>>,
}

impl<T> WeakSender<T> {
    /// Returns a `Sender` if some `Sender` is still alive, `None` once the channel closed.
    pub fn upgrade(&self) -> Option<Sender<T>> {
        let mut state = self.shared.lock();
        if state.senders == 0 {
            return None;
        }
        state.senders += 1;
        Some(Sender {
            shared: self.shared.clone(),
        })
    }

    /// The number of live `Sender`s.
    pub fn strong_count(&self) -> usize {
        self.shared.lock().senders
    }

    /// The number of live `WeakSender`s.
    pub fn weak_count(&self) -> usize {
        self.shared.lock().weak_senders
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> WeakSender<T> {
        self.shared.lock().weak_senders += 1;
        WeakSender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.shared.lock().weak_senders -= 1;
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSender").finish_non_exhaustive()
    }
}

/// The receiving half of a broadcast channel.
///
/// It is not `Clone`: [`resubscribe`](Receiver::resubscribe) makes a receiver that starts
/// at the tail.
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// Sequence number of the next value to read.
    next: u64,
}

impl<T> Receiver<T> {
    /// The number of values sent that this receiver has yet to receive, including values
    /// it lagged behind.
    pub fn len(&self) -> usize {
        (self.shared.lock().tail - self.next) as usize
    }

    /// Whether this receiver has received every value sent.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether both receivers belong to the same channel.
    pub fn same_channel(&self, other: &Receiver<T>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// Creates a new receiver of the same channel, which starts at the tail: it will see
    /// only the values sent from now on.
    pub fn resubscribe(&self) -> Receiver<T> {
        new_receiver(&self.shared)
    }
}

impl<T: Clone> Receiver<T> {
    /// Receives the next value, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`] if no value is ready, [`TryRecvError::Lagged`] if values were
    /// evicted before this receiver read them (it then moves to the oldest queued value),
    /// [`TryRecvError::Closed`] if every sender is gone and every value was received.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.shared.try_recv(&mut self.next)
    }

    /// Receives from synchronous code, blocking the thread until a value comes or the
    /// channel is closed and drained. The errors are [`recv`](Receiver::recv)'s.
    ///
    /// # Errors
    ///
    /// As [`recv`](Receiver::recv).
    ///
    /// # Panics
    ///
    /// Panics if called from a thread that drives a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, mut rx) = rt_sync::broadcast::channel(16);
    /// let sender = std::thread::spawn(move || tx.send(5).unwrap());
    /// assert_eq!(rx.blocking_recv(), Ok(5));
    /// sender.join().unwrap();
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Result<T, RecvError> {
        crate::blocking::block_on(self.recv())
    }

    /// Receives the next value, waiting for one if none is ready.
    ///
    /// # Errors
    ///
    /// [`RecvError::Lagged`] if values were evicted before this receiver read them (it then
    /// moves to the oldest queued value), [`RecvError::Closed`] if every sender is gone and
    /// every value was received.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: a value is taken only in the poll that returns it, so if
    /// the future is dropped the value stays queued for the next call.
    pub async fn recv(&mut self) -> Result<T, RecvError> {
        loop {
            // Rule 5: created before the check.
            let notified = self.shared.notify_rx.notified();
            {
                // Take part in the cooperative budget; the unit is refunded unless a result
                // is returned.
                let coop = poll_fn(poll_proceed).await;
                let result = match self.shared.try_recv(&mut self.next) {
                    Ok(value) => Ok(value),
                    Err(TryRecvError::Lagged(n)) => Err(RecvError::Lagged(n)),
                    Err(TryRecvError::Closed) => Err(RecvError::Closed),
                    Err(TryRecvError::Empty) => {
                        drop(coop);
                        notified.await;
                        continue;
                    }
                };
                coop.made_progress();
                return result;
            }
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        // Values this receiver was the last reader of, dropped after the mutex is released.
        let mut unread = Vec::new();
        let mut state = self.shared.lock();
        state.receivers -= 1;
        // Rule 2: give up every unread slot (the lagged-over ones are gone already).
        let start = self.next.saturating_sub(state.head()) as usize;
        for slot in state.queue.iter_mut().skip(start) {
            slot.rem -= 1;
            if slot.rem == 0 {
                unread.extend(slot.value.take());
            }
        }
        state.pop_read();
        let closed = state.receivers == 0;
        drop(state);
        drop(unread);
        if closed {
            self.shared.notify_tx.notify_waiters();
        }
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}
