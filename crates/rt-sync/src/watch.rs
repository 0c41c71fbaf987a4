//! A single-value channel: receivers see the latest value and wait for changes.
//!
//! # Protocol
//!
//! The channel is one shared allocation holding the value and its version behind a
//! reader-writer lock, counts of senders and receivers, and two [`Notify`]s: `notify_rx`
//! wakes receivers when the value changes or the last sender goes, `notify_tx` wakes
//! senders waiting in [`Sender::closed`] when the last receiver goes. The rules, cited by
//! number in the code:
//!
//! 1. `version` changes only with the write lock held, in the same critical section as the
//!    value it numbers, and only grows (by one per send, wrapping). A receiver remembers the
//!    last version it has *seen*; it has a change to see when the two differ.
//! 2. Every change wakes receivers with `notify_waiters`, called after the lock is released
//!    (a woken receiver takes the read lock at once).
//! 3. The channel is closed for receivers when `senders` reaches zero; the sender that makes
//!    it zero then calls `notify_rx.notify_waiters`. Likewise, the receiver that brings
//!    `receivers` to zero calls `notify_tx.notify_waiters`.
//! 4. A waiter creates its `Notified` *before* it checks the state, then awaits it only if
//!    the check found nothing. A `Notified` sees every `notify_waiters` called after it was
//!    created, so a change or close that the check missed (rules 2 and 3) still wakes it.
//!
//! The counts are `SeqCst` atomics, so rule 4's check and rule 3's decrement are ordered
//! with the `Notify`'s own `SeqCst` state.
//!
//! This design favours being obviously correct over speed: every access takes the lock,
//! and a `Ref` holds it. Making reads lock-free is left to a later performance pass.

use std::fmt;
use std::ops;

use crate::Notify;
use crate::loom::Arc;
use crate::loom::atomic::{AtomicUsize, Ordering::SeqCst};

use crate::loom::{RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Error types of the watch channel.
pub mod error {
    use std::fmt;

    send_error! {
        /// Error returned by [`Sender::send`](super::Sender::send) when every receiver is gone;
        /// it hands the value back.
    }

    /// Error returned by the receiver's waiting methods when every sender is gone.
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub struct RecvError(pub(super) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl std::error::Error for RecvError {}
}

use error::{RecvError, SendError};

/// The state shared by every handle of one channel.
struct Shared<T> {
    /// The value and its version (rule 1).
    slot: RwLock<Slot<T>>,
    /// Live `Sender`s; zero means closed for receivers (rule 3).
    senders: AtomicUsize,
    /// Live `Receiver`s; zero means closed for senders (rule 3).
    receivers: AtomicUsize,
    /// Wakes receivers on a change or on close (rules 2 and 3).
    notify_rx: Notify,
    /// Wakes senders in `closed()` when the last receiver goes (rule 3).
    notify_tx: Notify,
}

/// The lock-protected part of the channel.
struct Slot<T> {
    value: T,
    /// Bumped by each send (rule 1).
    version: u64,
}

impl<T> Shared<T> {
    fn read(&self) -> RwLockReadGuard<'_, Slot<T>> {
        // A panic in `send_modify`'s closure poisons the lock; as in Tokio, the
        // modification is kept and the channel stays usable.
        #[cfg(rt_loom)]
        {
            self.slot.read().unwrap()
        }
        #[cfg(not(rt_loom))]
        {
            self.slot
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }
    }

    fn write(&self) -> RwLockWriteGuard<'_, Slot<T>> {
        #[cfg(rt_loom)]
        {
            self.slot.write().unwrap()
        }
        #[cfg(not(rt_loom))]
        {
            self.slot
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }
    }

    fn version(&self) -> u64 {
        self.read().version
    }

    fn is_closed_for_rx(&self) -> bool {
        self.senders.load(SeqCst) == 0
    }

    /// Rule 1: if the version moved past `seen`, marks it seen and returns `Ok`; if not
    /// and no sender is left, returns the error; otherwise `None` (nothing yet).
    fn maybe_changed(&self, seen: &mut u64) -> Option<Result<(), RecvError>> {
        let version = self.version();
        if version != *seen {
            *seen = version;
            return Some(Ok(()));
        }
        if self.is_closed_for_rx() {
            return Some(Err(RecvError(())));
        }
        None
    }

    /// Waits until the version moves past `seen` (marking it seen) or the channel closes.
    async fn changed(&self, seen: &mut u64) -> Result<(), RecvError> {
        // Rule 4: the `Notified` is created before the check.
        self.notify_rx.wait_for(|| self.maybe_changed(seen)).await
    }
}

/// Creates a watch channel holding `init`, returning its sender and one receiver.
///
/// The receiver starts with `init` marked as seen: [`Receiver::changed`] waits for the
/// first send.
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (tx, mut rx) = rt_sync::watch::channel("hello");
///
/// rt::spawn(async move {
///     tx.send("world").unwrap();
/// });
///
/// rx.changed().await.unwrap();
/// assert_eq!(*rx.borrow_and_update(), "world");
/// # });
/// ```
pub fn channel<T>(init: T) -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        slot: RwLock::new(Slot {
            value: init,
            version: 0,
        }),
        senders: AtomicUsize::new(1),
        receivers: AtomicUsize::new(1),
        notify_rx: Notify::new(),
        notify_tx: Notify::new(),
    });
    let rx = Receiver {
        shared: shared.clone(),
        seen: 0,
    };
    (Sender { shared }, rx)
}

/// A reference to the value in the channel, holding its read lock.
///
/// Keep it short-lived: while any `Ref` is alive, sends wait (they block the thread), and
/// a `Ref` held across an `.await`, or two taken on one thread while a send waits, can
/// deadlock.
pub struct Ref<'a, T> {
    guard: RwLockReadGuard<'a, Slot<T>>,
    has_changed: bool,
}

impl<T> Ref<'_, T> {
    /// Whether the value had not been seen by the receiver when this `Ref` was taken.
    ///
    /// Always `false` for a `Ref` from [`Sender::borrow`]. For one from
    /// [`Receiver::borrow_and_update`], it tells whether this call is the one that marked
    /// the value seen.
    pub fn has_changed(&self) -> bool {
        self.has_changed
    }
}

impl<T> ops::Deref for Ref<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.guard.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.guard.value, f)
    }
}

/// The sending half of a watch channel; it can be cloned.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Sender<T> {
    /// Creates a sender of a channel holding `init`, with no receiver yet; make some with
    /// [`subscribe`](Sender::subscribe).
    pub fn new(init: T) -> Sender<T> {
        let (tx, rx) = channel(init);
        drop(rx);
        tx
    }

    /// Sends a new value to the channel, replacing the old one and notifying receivers.
    ///
    /// # Errors
    ///
    /// If there is no receiver, the channel is left unchanged and `value` is returned in
    /// the error. Use [`send_replace`](Sender::send_replace) to store a value regardless.
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.shared.receivers.load(SeqCst) == 0 {
            return Err(SendError(value));
        }
        self.send_replace(value);
        Ok(())
    }

    /// Stores a new value even if there is no receiver, notifies receivers, and returns the
    /// old value.
    pub fn send_replace(&self, mut value: T) -> T {
        self.send_modify(|old| std::mem::swap(old, &mut value));
        value
    }

    /// Modifies the value in place and notifies receivers, even if there is none.
    ///
    /// The write lock is held while `modify` runs.
    ///
    /// # Panics
    ///
    /// Panics if `modify` does. Receivers are then not notified, but the modification made
    /// so far stays.
    pub fn send_modify<F: FnOnce(&mut T)>(&self, modify: F) {
        self.send_if_modified(|value| {
            modify(value);
            true
        });
    }

    /// Modifies the value in place, and notifies receivers only if `modify` returns `true`.
    ///
    /// Returns what `modify` returned. If it returns `false`, it should not have changed the
    /// value: receivers would see the change without being told of it.
    ///
    /// # Panics
    ///
    /// Panics if `modify` does. Receivers are then not notified, but the modification made
    /// so far stays.
    pub fn send_if_modified<F: FnOnce(&mut T) -> bool>(&self, modify: F) -> bool {
        {
            let mut slot = self.shared.write();
            if !modify(&mut slot.value) {
                return false;
            }
            // Rule 1: the version moves with the value, under the write lock.
            slot.version = slot.version.wrapping_add(1);
        }
        // Rule 2: wake after releasing the lock.
        self.shared.notify_rx.notify_waiters();
        true
    }

    /// Returns a reference to the current value.
    ///
    /// The `Ref` holds the read lock: see [`Ref`] for how long to keep it.
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref {
            guard: self.shared.read(),
            has_changed: false,
        }
    }

    /// Whether every receiver is gone.
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }

    /// Waits until every receiver is gone.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: it changes nothing, so dropping it loses nothing.
    pub async fn closed(&self) {
        // Rule 4: the `Notified` is created before the check.
        let closed = || self.is_closed().then_some(());
        self.shared.notify_tx.wait_for(closed).await;
    }

    /// Creates a new receiver, with the current value marked as seen.
    pub fn subscribe(&self) -> Receiver<T> {
        self.shared.receivers.fetch_add(1, SeqCst);
        Receiver {
            seen: self.shared.version(),
            shared: self.shared.clone(),
        }
    }

    /// The number of live receivers.
    pub fn receiver_count(&self) -> usize {
        self.shared.receivers.load(SeqCst)
    }

    /// The number of live senders.
    pub fn sender_count(&self) -> usize {
        self.shared.senders.load(SeqCst)
    }

    /// Whether both senders belong to the same channel.
    pub fn same_channel(&self, other: &Sender<T>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Sender<T> {
        self.shared.senders.fetch_add(1, SeqCst);
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if self.shared.senders.fetch_sub(1, SeqCst) == 1 {
            // Rule 3: the last sender wakes every receiver.
            self.shared.notify_rx.notify_waiters();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("value", &*self.borrow())
            .finish_non_exhaustive()
    }
}

/// The receiving half of a watch channel; it can be cloned.
///
/// It remembers which version of the value it has seen; [`changed`](Receiver::changed)
/// waits for a newer one.
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// The last version marked seen (rule 1).
    seen: u64,
}

impl<T> Receiver<T> {
    /// Returns a reference to the current value, without marking it seen.
    ///
    /// The `Ref` holds the read lock: see [`Ref`] for how long to keep it.
    pub fn borrow(&self) -> Ref<'_, T> {
        let guard = self.shared.read();
        let has_changed = guard.version != self.seen;
        Ref { guard, has_changed }
    }

    /// Returns a reference to the current value and marks it seen.
    ///
    /// The `Ref` holds the read lock: see [`Ref`] for how long to keep it.
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        let guard = self.shared.read();
        let has_changed = guard.version != self.seen;
        self.seen = guard.version;
        Ref { guard, has_changed }
    }

    /// Whether the value has changed since it was last marked seen.
    ///
    /// # Errors
    ///
    /// Returns an error once every sender is gone, even if there is an unseen change.
    pub fn has_changed(&self) -> Result<bool, RecvError> {
        if self.shared.is_closed_for_rx() {
            return Err(RecvError(()));
        }
        Ok(self.shared.version() != self.seen)
    }

    /// Waits for a value that has not been seen, and marks it seen.
    ///
    /// Completes at once if the current value is unseen. It does not return the value: use
    /// [`borrow`](Receiver::borrow) or [`borrow_and_update`](Receiver::borrow_and_update).
    ///
    /// # Errors
    ///
    /// Returns an error if every sender is gone and the current value has been seen.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: the value is marked seen only when the future completes,
    /// so if it is dropped the change is still there for the next call.
    pub async fn changed(&mut self) -> Result<(), RecvError> {
        self.shared.changed(&mut self.seen).await
    }

    /// Waits for a value that satisfies `f`, marks it seen and returns a reference to it.
    ///
    /// The current value is checked first, seen or not; after that, each new value is.
    ///
    /// # Errors
    ///
    /// Returns an error if every sender goes before a value satisfies `f`.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe in that no value is lost, but values it checked are
    /// marked seen even if the future is then dropped.
    pub async fn wait_for(
        &mut self,
        mut f: impl FnMut(&T) -> bool,
    ) -> Result<Ref<'_, T>, RecvError> {
        let mut closed = false;
        loop {
            {
                let guard = self.shared.read();
                let has_changed = guard.version != self.seen;
                self.seen = guard.version;
                // After the close, only a value not yet checked is worth checking.
                if (!closed || has_changed) && f(&guard.value) {
                    return Ok(Ref { guard, has_changed });
                }
            }
            if closed {
                return Err(RecvError(()));
            }
            closed = self.shared.changed(&mut self.seen).await.is_err();
        }
    }

    /// Marks the current value as not seen, so that [`changed`](Receiver::changed)
    /// completes at once.
    pub fn mark_changed(&mut self) {
        self.seen = self.shared.version().wrapping_sub(1);
    }

    /// Marks the current value as seen.
    pub fn mark_unchanged(&mut self) {
        self.seen = self.shared.version();
    }

    /// Whether both receivers belong to the same channel.
    pub fn same_channel(&self, other: &Receiver<T>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<T> Clone for Receiver<T> {
    /// The clone has seen the same version as `self`, as in Tokio.
    fn clone(&self) -> Receiver<T> {
        self.shared.receivers.fetch_add(1, SeqCst);
        Receiver {
            shared: self.shared.clone(),
            seen: self.seen,
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if self.shared.receivers.fetch_sub(1, SeqCst) == 1 {
            // Rule 3: the last receiver wakes senders in `closed()`.
            self.shared.notify_tx.notify_waiters();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("value", &*self.borrow())
            .finish_non_exhaustive()
    }
}
