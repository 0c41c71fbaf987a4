//! A multi-producer, multi-consumer broadcast channel: every receiver sees every value.
//!
//! # Protocol
//!
//! The channel is one shared allocation holding a ring of `capacity` slots (a power of
//! two), each behind its own read-write lock (`slot`, which keeps the slot's `rem` in the
//! lock's word), and a `tail` behind a mutex: the sequence number of the next value, the
//! counts of senders and receivers, and the waiting receivers. Each receiver owns the
//! sequence number of the next value it will read. The rules, cited by number in the
//! code:
//!
//! 1. The value with sequence number `pos` lives in slot `pos % capacity`, which records
//!    `pos`. A send takes the tail mutex, then the slot's write lock, stores the value, its
//!    `pos` and its reader count `rem`, and advances the tail; so a slot holding `pos` was
//!    fully written before the tail moved past it. Locks are taken in that order only
//!    (tail, then a slot); a receiver never holds a slot while taking the tail.
//! 2. A slot's `rem` starts as the number of receivers alive when it was sent; each of them
//!    decrements it once, by reading it or by being dropped before reading it. Readers
//!    clone under the slot's read lock; the one that brings `rem` to zero then takes the
//!    write lock and drops the value (if the slot still holds that `pos`). A reader leaves
//!    the read lock and counts itself out of `rem` in one atomic subtraction. Receivers on
//!    different threads clone the same value at once, so a `Receiver<T>` is `Send` and
//!    `Sync` only when `T` is `Send + Sync`, as Tokio's since 1.44.2.
//! 3. A receiver whose next number is `next` finds its value in slot `next % capacity`
//!    when the slot records `next`. Otherwise it asks the tail: `next == tail` means
//!    nothing new (or closed, with no sender left); `next < tail - capacity` means the
//!    value was overwritten: the receiver has lagged, is told by how many values, and moves
//!    to the oldest retained one, `tail - capacity`.
//! 4. A send overwrites the slot of the value `capacity` sends older, lagging whoever had
//!    not read it (rule 3). Receivers read without the tail mutex, each on the slot of its
//!    own next value, so they contend only when reading the same value.
//! 5. A receiver that finds nothing learns it from the tail (rule 3) and, in the same
//!    critical section of the tail mutex, leaves its waker in `tail.waiters`. Each send, and
//!    the drop of the last sender, empties `waiters` under that mutex and wakes them after
//!    releasing it. So no send slips between a receiver's check and its registration, and
//!    a receiver that finds a value touches neither the tail nor any waker.

use std::fmt;
use std::future::poll_fn;
use std::task::{Poll, Waker, ready};

use rt_core::__private::poll_proceed;

use crate::Notify;
use crate::loom::{Arc, Mutex, MutexGuard, lock};
use slot::{MAX_RECEIVERS, Slot};

mod slot;

/// Error types of the broadcast channel.
pub mod error {
    use std::fmt;

    send_error! {
        /// Error returned by [`Sender::send`](super::Sender::send) when there is no receiver;
        /// it hands the value back.
    }

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
    /// The ring (rule 1); its length is the capacity, a power of two as in Tokio.
    slots: Box<[Slot<T>]>,
    tail: Mutex<Tail>,
    /// Wakes senders in `closed` when the last receiver goes.
    notify_tx: Notify,
}

/// The mutex-protected part of the channel (rule 1).
struct Tail {
    /// Sequence number of the next value sent.
    pos: u64,
    /// Live `Sender`s; zero means closed.
    senders: usize,
    /// `WeakSender`s, which do not keep the channel open.
    weak_senders: usize,
    /// Live `Receiver`s.
    receivers: usize,
    /// Receivers waiting for the next send or the close (rule 5).
    waiters: Waiters,
}

/// Where a waiting receive left its waker: an index of `Waiters::wakers`, valid in one
/// round.
#[derive(Clone, Copy)]
struct Ticket {
    round: u64,
    index: usize,
}

/// The wakers of waiting receives (rule 5): a slab, emptied by every send that finds it
/// in use and by the close. `round` counts the emptyings, so a ticket of an earlier round
/// is known to be spent.
#[derive(Default)]
struct Waiters {
    round: u64,
    wakers: Vec<Option<Waker>>,
    /// Indices of `wakers` given up by cancelled receives, for reuse.
    free: Vec<usize>,
}

impl Waiters {
    /// Leaves `waker` under `ticket`: in its place if the ticket is of this round, else in a
    /// new place, which `ticket` then names.
    fn register(&mut self, ticket: &mut Option<Ticket>, waker: &Waker) {
        match ticket {
            Some(current) if current.round == self.round => match &mut self.wakers[current.index] {
                Some(old) if old.will_wake(waker) => {}
                slot => *slot = Some(waker.clone()),
            },
            _ => {
                let index = match self.free.pop() {
                    Some(index) => {
                        self.wakers[index] = Some(waker.clone());
                        index
                    }
                    None => {
                        self.wakers.push(Some(waker.clone()));
                        self.wakers.len() - 1
                    }
                };
                *ticket = Some(Ticket {
                    round: self.round,
                    index,
                });
            }
        }
    }

    /// Gives up the place of a cancelled receive, unless a send or the close took it.
    fn cancel(&mut self, ticket: Ticket) {
        if ticket.round == self.round {
            self.wakers[ticket.index] = None;
            self.free.push(ticket.index);
        }
    }

    /// Empties the slab and starts a new round; the caller wakes the wakers once it has
    /// released the tail mutex.
    fn take(&mut self) -> Vec<Option<Waker>> {
        if self.wakers.is_empty() {
            return Vec::new();
        }
        self.round += 1;
        self.free.clear();
        std::mem::take(&mut self.wakers)
    }
}

/// Wakes what [`Waiters::take`] returned.
fn wake_all(wakers: Vec<Option<Waker>>) {
    for waker in wakers.into_iter().flatten() {
        waker.wake();
    }
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, Tail> {
        lock(&self.tail)
    }

    fn capacity(&self) -> u64 {
        self.slots.len() as u64
    }

    fn slot(&self, pos: u64) -> &Slot<T> {
        // The capacity is a power of two: the mask keeps the index in range.
        &self.slots[(pos & (self.capacity() - 1)) as usize]
    }

    /// Rule 2: one reader of `pos` went away without reading it.
    fn release(&self, pos: u64) {
        let ((), last) = self.slot(pos).read(|contents, _| ((), contents.pos == pos));
        if last {
            self.drop_value(pos);
        }
    }

    /// Rule 2: the last reader of `pos` drops its value, if the slot still holds it.
    fn drop_value(&self, pos: u64) {
        let taken = self.slot(pos).write(|contents, _| {
            if contents.pos == pos {
                contents.value.take()
            } else {
                None
            }
        });
        // Dropped outside the lock: its `Drop` may use the channel.
        drop(taken);
    }

    /// The number of values some receiver has yet to read (rule 2): from the oldest
    /// retained value whose `rem` is not zero to the tail.
    fn unread(&self, tail: &Tail) -> usize {
        let oldest = tail.pos.saturating_sub(self.capacity());
        (oldest..tail.pos)
            .find(|&pos| {
                let (unread, _) = self
                    .slot(pos)
                    .read(|contents, rem| (contents.pos == pos && rem > 0, false));
                unread
            })
            .map_or(0, |first| (tail.pos - first) as usize)
    }
}

impl<T: Clone> Shared<T> {
    /// [`Receiver::try_recv`] for the receiver whose next sequence number is `next`; with
    /// `wait`, an empty channel also registers the waker under the ticket (rule 5).
    fn recv_or_wait(
        &self,
        next: &mut u64,
        wait: Option<(&Waker, &mut Option<Ticket>)>,
    ) -> Result<T, TryRecvError> {
        loop {
            let (value, last) = self.slot(*next).read(|contents, _| {
                if contents.pos != *next {
                    return (None, false);
                }
                // Rule 2: a reader counted in `rem` finds the value still there.
                let value = contents
                    .value
                    .clone()
                    .expect("a slot keeps its value until its last reader");
                (Some(value), true)
            });
            if let Some(value) = value {
                if last {
                    self.drop_value(*next);
                }
                *next += 1;
                return Ok(value);
            }
            // Rule 3: not written yet, or overwritten; the tail tells which.
            let mut tail = self.lock();
            if *next >= tail.pos {
                if tail.senders == 0 {
                    return Err(TryRecvError::Closed);
                }
                if let Some((waker, ticket)) = wait {
                    tail.waiters.register(ticket, waker);
                }
                return Err(TryRecvError::Empty);
            }
            let oldest = tail.pos.saturating_sub(self.capacity());
            if *next < oldest {
                let lagged = oldest - *next;
                *next = oldest;
                return Err(TryRecvError::Lagged(lagged));
            }
            // Written since we looked: read it now.
        }
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
    let capacity = capacity.next_power_of_two();
    let slots = (0..capacity as u64)
        .map(|i| {
            // One lap behind: never the `pos` a receiver looks for (rule 3).
            Slot::new(i.wrapping_sub(capacity as u64))
        })
        .collect();
    let shared = Arc::new(Shared {
        slots,
        tail: Mutex::new(Tail {
            pos: 0,
            senders: 1,
            weak_senders: 0,
            receivers: 1,
            waiters: Waiters::default(),
        }),
        notify_tx: Notify::new(),
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
        let (receivers, overwritten, wakers) = {
            let mut tail = self.shared.lock();
            if tail.receivers == 0 {
                return Err(SendError(value));
            }
            let pos = tail.pos;
            let receivers = tail.receivers;
            let overwritten = self.shared.slot(pos).write(|contents, rem| {
                // Rule 1 (and 4: the value `capacity` sends older is overwritten).
                contents.pos = pos;
                *rem = receivers;
                contents.value.replace(value)
            });
            tail.pos += 1;
            (tail.receivers, overwritten, tail.waiters.take())
        };
        // Dropped outside the locks, so its `Drop` may use the channel.
        drop(overwritten);
        // Rule 5: wake after releasing the locks.
        wake_all(wakers);
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
        let closed = || self.is_closed().then_some(());
        self.shared.notify_tx.wait_for(closed).await;
    }

    /// Creates a new receiver, which will see the values sent from now on.
    ///
    /// # Panics
    ///
    /// Panics if the channel already has 2<sup>40</sup> - 1 receivers.
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
        let tail = self.shared.lock();
        self.shared.unread(&tail)
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
    let mut tail = shared.lock();
    assert!(
        tail.receivers < MAX_RECEIVERS,
        "broadcast channel: too many receivers"
    );
    tail.receivers += 1;
    Receiver {
        next: tail.pos,
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
        let wakers = {
            let mut tail = self.shared.lock();
            tail.senders -= 1;
            if tail.senders > 0 {
                return;
            }
            tail.waiters.take()
        };
        // Rule 5: waiting receivers must see the close.
        wake_all(wakers);
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tail = self.shared.lock();
        f.debug_struct("Sender")
            .field("receivers", &tail.receivers)
            .field("len", &self.shared.unread(&tail))
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
        let mut tail = self.shared.lock();
        if tail.senders == 0 {
            return None;
        }
        tail.senders += 1;
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
        (self.shared.lock().pos - self.next) as usize
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
    ///
    /// # Panics
    ///
    /// Panics if the channel already has 2<sup>40</sup> - 1 receivers.
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
        self.shared.recv_or_wait(&mut self.next, None)
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
        let mut waiting = Waiting {
            shared: &self.shared,
            ticket: None,
        };
        let next = &mut self.next;
        poll_fn(|cx| {
            // Take part in the cooperative budget; the unit is refunded unless a result is
            // returned.
            let coop = ready!(poll_proceed(cx));
            let wait = Some((cx.waker(), &mut waiting.ticket));
            let result = match waiting.shared.recv_or_wait(next, wait) {
                Ok(value) => Ok(value),
                Err(TryRecvError::Lagged(n)) => Err(RecvError::Lagged(n)),
                Err(TryRecvError::Closed) => Err(RecvError::Closed),
                Err(TryRecvError::Empty) => return Poll::Pending,
            };
            // A send or the close came since any registration, and spent its ticket.
            waiting.ticket = None;
            coop.made_progress();
            Poll::Ready(result)
        })
        .await
    }
}

/// A receive's registration (rule 5), given up if the receive is cancelled.
struct Waiting<'a, T> {
    shared: &'a Shared<T>,
    ticket: Option<Ticket>,
}

impl<T> Drop for Waiting<'_, T> {
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket {
            self.shared.lock().waiters.cancel(ticket);
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let (end, closed) = {
            let mut tail = self.shared.lock();
            tail.receivers -= 1;
            (tail.pos, tail.receivers == 0)
        };
        // Rule 2: give up every unread value still retained (sends from now on do not
        // count this receiver; the lagged-over values are gone already).
        let oldest = end.saturating_sub(self.shared.capacity());
        for pos in self.next.max(oldest)..end {
            self.shared.release(pos);
        }
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
