//! A one-shot channel: send a single value from one task to another.
//!
//! [`channel`] returns a [`Sender`] and a [`Receiver`]. The sender hands over one value with
//! [`Sender::send`], which never waits; the receiver is a future that completes with that
//! value, or with [`error::RecvError`] once the sender is dropped without
//! sending. Either side can observe the other going away: dropping the sender wakes the
//! receiver, and dropping (or [closing](Receiver::close)) the receiver completes
//! [`Sender::closed`] and makes [`Sender::send`] hand the value back.
//!
//! Each handle is owned by one task at a time, so the channel needs no lock: both halves
//! share one allocation with an atomic state word, a slot for the value and a slot for each
//! side's waker.
//!
//! # Examples
//!
//! ```
//! use rt_sync::oneshot;
//!
//! # let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
//! # rt.block_on(async {
//! let (tx, rx) = oneshot::channel();
//! rt::spawn(async move {
//!     if tx.send(3).is_err() {
//!         println!("the receiver dropped");
//!     }
//! });
//! assert_eq!(rx.await, Ok(3));
//! # });
//! ```
//!
//! # Protocol
//!
//! The state word has five bits, and a reference bit per side (R6). Every transition is a single read-modify-write, so all of
//! them are totally ordered; a side learns what the other did from the value its own
//! read-modify-write returns.
//!
//! | bit            | set by                           | cleared by                    |
//! |----------------|----------------------------------|-------------------------------|
//! | `RX_TASK_SET`  | receiver, after storing a waker  | receiver, to replace it       |
//! | `TX_TASK_SET`  | sender, after storing a waker    | sender, to replace it         |
//! | `VALUE_SENT`   | sender, with `COMPLETE` (send)   | never                         |
//! | `COMPLETE`     | sender, when it sends or drops   | never                         |
//! | `CLOSED`       | receiver, when it closes or drops| never                         |
//!
//! The rules that make the three `UnsafeCell` slots safe (cited as `R1`…`R6` at each
//! `unsafe` block):
//!
//! - **R1** (value, sender side): until `COMPLETE` is set, only the sender touches the
//!   value slot. It writes the value before its `COMPLETE` transition, which is a release,
//!   so a receiver that sees `COMPLETE` (acquire) sees the value.
//! - **R2** (value, receiver side): once the receiver observes `COMPLETE`, the sender
//!   never touches the value slot again, and the receiver owns it.
//! - **R3** (closed wins): the sender sets `COMPLETE` only if `CLOSED` is clear (a
//!   compare-and-swap loop). If it finds `CLOSED`, it does not set `COMPLETE`, so the
//!   receiver never reads the slot (R2 does not apply) and the sender takes the value back.
//!   A value is thus either received or returned, never both, and dropped exactly once: by
//!   whoever holds it last, or with the shared allocation if both sides dropped while it
//!   sat in the slot.
//! - **R4** (receiver's waker): while `RX_TASK_SET` is clear, only the receiver touches
//!   `rx_task`. While it is set, the receiver leaves it alone except to clear the bit
//!   again; the sender may read it (to wake) only if its `COMPLETE` transition found the bit
//!   set. If the receiver's clearing finds `COMPLETE` already set, the sender may be
//!   reading the slot: the receiver sets the bit again and does not touch the slot.
//! - **R5** (sender's waker): the mirror of R4 for `tx_task`, with `TX_TASK_SET`, and the
//!   receiver's `CLOSED` transition in place of `COMPLETE`.
//! - **R6** (teardown): each side holds one reference bit (`TX_REF`, `RX_REF`) instead of
//!   a reference count; a side clears its bit with an AcqRel read-modify-write, and the
//!   side that clears the last one frees the allocation (slots and all), having acquired
//!   every access the other side made. A side never touches the allocation after clearing
//!   its bit. The sender folds its release into its completing transition when it has no
//!   waker to read afterwards, so `send` is one read-modify-write and a received value
//!   costs the receiver one more.

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker, ready};

use rt_core::__private::poll_proceed;

use crate::loom::UnsafeCell;
use crate::loom::atomic::AtomicUsize;
use crate::loom::atomic::Ordering::{AcqRel, Acquire};

use self::error::{RecvError, TryRecvError};

/// Errors of the oneshot channel.
pub mod error {
    use std::fmt;

    /// Error of awaiting a [`Receiver`](super::Receiver): the sender dropped without
    /// sending a value.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct RecvError(pub(crate) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl std::error::Error for RecvError {}

    /// Error of [`Receiver::try_recv`](super::Receiver::try_recv).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum TryRecvError {
        /// No value has been sent yet, and the sender is still alive.
        Empty,
        /// The sender dropped without sending, the receiver was closed, or the value has
        /// already been received.
        Closed,
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(match self {
                TryRecvError::Empty => "channel empty",
                TryRecvError::Closed => "channel closed",
            })
        }
    }

    impl std::error::Error for TryRecvError {}
}

/// Creates a oneshot channel: a [`Sender`] for one value and the [`Receiver`] that gets it.
///
/// # Examples
///
/// ```
/// # let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let (tx, rx) = rt_sync::oneshot::channel();
/// tx.send("hello").unwrap();
/// assert_eq!(rx.await, Ok("hello"));
/// # });
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Box::new(Inner {
        state: AtomicUsize::new(TX_REF | RX_REF),
        value: UnsafeCell::new(None),
        rx_task: UnsafeCell::new(None),
        tx_task: UnsafeCell::new(None),
    });
    let ptr = NonNull::from(Box::leak(inner));
    let tx = Sender {
        inner: Some(Ref { ptr, bit: TX_REF }),
    };
    let rx = Receiver {
        inner: Some(Ref { ptr, bit: RX_REF }),
    };
    (tx, rx)
}

/// Sends a value to the paired [`Receiver`]. Created by [`channel`].
pub struct Sender<T> {
    /// `None` once `send` has run.
    inner: Option<Ref<T>>,
}

/// Receives the value from the paired [`Sender`]. Created by [`channel`].
///
/// The receiver is a future: awaiting it gives the value, or [`RecvError`] if the sender
/// dropped without sending. Await `&mut rx` to keep the receiver (and try again later, for
/// instance from a `select`).
///
/// # Cancel safety
///
/// Awaiting `&mut rx` is cancel safe: if that future is dropped before it completes, no
/// value is lost; it stays in the channel for the next `await` or [`try_recv`](Self::try_recv).
pub struct Receiver<T> {
    /// `None` once the receiver has produced its result (it is terminated).
    inner: Option<Ref<T>>,
}

/// The allocation both halves share.
struct Inner<T> {
    /// The state word: see the module's protocol.
    state: AtomicUsize,
    /// The value, from `send` until it is received or returned (R1–R3).
    value: UnsafeCell<Option<T>>,
    /// The receiver's waker (R4).
    rx_task: UnsafeCell<Option<Waker>>,
    /// The sender's waker, for `closed` (R5).
    tx_task: UnsafeCell<Option<Waker>>,
}

// SAFETY: the value moves between threads only by R1–R3 (each slot has one owner at a
// time, handed over by release/acquire transitions), so `T: Send` suffices; wakers are
// `Send + Sync`.
unsafe impl<T: Send> Send for Inner<T> {}
// SAFETY: shared access never hands out `&T`: the slots are touched only by their current
// owner under R1–R5, so `T: Send` suffices.
unsafe impl<T: Send> Sync for Inner<T> {}

const RX_TASK_SET: usize = 0b000_0001;
const VALUE_SENT: usize = 0b000_0010;
const CLOSED: usize = 0b000_0100;
const TX_TASK_SET: usize = 0b000_1000;
const COMPLETE: usize = 0b001_0000;
/// The sender's reference (R6).
const TX_REF: usize = 0b010_0000;
/// The receiver's reference (R6).
const RX_REF: usize = 0b100_0000;

/// One side's reference to the shared allocation (R6): `bit` is the side's reference bit.
struct Ref<T> {
    ptr: NonNull<Inner<T>>,
    bit: usize,
}

// SAFETY: a `Ref` gives access to `Inner` only, which is `Send + Sync` for `T: Send`.
unsafe impl<T: Send> Send for Ref<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for Ref<T> {}

impl<T> Ref<T> {
    /// Frees the allocation if `prev`, the state before the transition that cleared this
    /// side's bit, shows the other side's bit clear too (R6).
    fn released(self, prev: Snapshot) {
        let other = (TX_REF | RX_REF) & !self.bit;
        let ptr = self.ptr;
        std::mem::forget(self);
        if prev.0 & other == 0 {
            // SAFETY: R6 — both bits are clear and ours was cleared last, by an AcqRel
            // transition that acquired the other side's release: nobody touches the
            // allocation any more. It came from `Box::into_raw` in `channel`.
            drop(unsafe { Box::from_raw(ptr.as_ptr()) });
        }
    }
}

impl<T> std::ops::Deref for Ref<T> {
    type Target = Inner<T>;

    fn deref(&self) -> &Inner<T> {
        // SAFETY: R6 — this side's bit is set while the `Ref` exists, so the allocation
        // is alive.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T> Drop for Ref<T> {
    fn drop(&mut self) {
        // Ordering: AcqRel (R6): release orders this side's accesses before the free;
        // acquire, if this side frees, orders the other side's accesses before it.
        let prev = Snapshot(self.state.fetch_and(!self.bit, AcqRel));
        Ref {
            ptr: self.ptr,
            bit: self.bit,
        }
        .released(prev);
    }
}

/// A loaded value of the state word.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Snapshot(usize);

impl Snapshot {
    fn is_rx_task_set(self) -> bool {
        self.0 & RX_TASK_SET != 0
    }
    fn is_tx_task_set(self) -> bool {
        self.0 & TX_TASK_SET != 0
    }
    fn is_value_sent(self) -> bool {
        self.0 & VALUE_SENT != 0
    }
    fn is_closed(self) -> bool {
        self.0 & CLOSED != 0
    }
    fn is_complete(self) -> bool {
        self.0 & COMPLETE != 0
    }
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot")
            .field("rx_task_set", &self.is_rx_task_set())
            .field("tx_task_set", &self.is_tx_task_set())
            .field("value_sent", &self.is_value_sent())
            .field("closed", &self.is_closed())
            .field("complete", &self.is_complete())
            .finish()
    }
}

/// What a waker registration found.
#[must_use]
enum Registered {
    /// The waker is stored; the other side will wake it.
    Waiting,
    /// The event being waited for has happened.
    Ready,
}

impl<T> Inner<T> {
    fn load(&self) -> Snapshot {
        // Ordering: Acquire pairs with the AcqRel transitions of the other side, so its
        // writes to a slot it handed over are visible.
        Snapshot(self.state.load(Acquire))
    }

    /// The receiver's close: sets `CLOSED` and wakes a sender waiting in `closed` (R5).
    /// Returns the state before.
    fn close(&self) -> Snapshot {
        // Ordering: AcqRel — acquire pairs with the sender's release of its waker through
        // `TX_TASK_SET` and of the value through `COMPLETE`; release orders the receiver's
        // earlier slot accesses before the sender's next transition.
        let prev = Snapshot(self.state.fetch_or(CLOSED, AcqRel));
        if prev.is_tx_task_set() && !prev.is_complete() {
            self.tx_task.with(|ptr| {
                // SAFETY: our CLOSED transition found TX_TASK_SET set, so the sender will
                // not touch `tx_task` again (R5); only shared reads happen here.
                if let Some(waker) = unsafe { &*ptr } {
                    waker.wake_by_ref();
                }
            });
        }
        prev
    }

    /// Takes the value out of the slot.
    ///
    /// # Safety
    ///
    /// - The caller owns the value slot: it is the receiver and has observed `COMPLETE`
    ///   (R2), or it is the sender and its completion found `CLOSED` (R3).
    unsafe fn take_value(&self) -> Option<T> {
        // SAFETY: the caller owns the slot (the duty above), so no other access races.
        self.value.with_mut(|ptr| unsafe { (*ptr).take() })
    }

    /// The receiver's result once the sender completed.
    ///
    /// # Safety
    ///
    /// - The caller is the receiver and has observed `COMPLETE` (R2).
    unsafe fn consume(&self) -> Result<T, RecvError> {
        // SAFETY: the caller's duty is `take_value`'s.
        unsafe { self.take_value() }.ok_or(RecvError(()))
    }

    /// Polls for the sender's completion, storing the receiver's waker (R4). Called by the
    /// receiver only; `Ready` once the value is received or the channel is closed.
    fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<Result<T, RecvError>> {
        let mut state = self.load();
        if state.is_complete() {
            // SAFETY: we observed COMPLETE (R2).
            return Poll::Ready(unsafe { self.consume() });
        }
        if state.is_closed() {
            return Poll::Ready(Err(RecvError(())));
        }
        if state.is_rx_task_set() {
            let same = self.rx_task.with(|ptr| {
                // SAFETY: while RX_TASK_SET is set the sender only reads `rx_task` (R4), so
                // a shared read here does not race.
                unsafe { &*ptr }
                    .as_ref()
                    .is_some_and(|w| w.will_wake(cx.waker()))
            });
            if same {
                return Poll::Pending;
            }
            // Ordering: AcqRel — acquire pairs with the sender's COMPLETE transition (the
            // value, R1); release orders our earlier reads of `rx_task` before it.
            state = Snapshot(self.state.fetch_and(!RX_TASK_SET, AcqRel));
            if state.is_complete() {
                // The sender may be reading `rx_task`: leave it alone and mark it set
                // again so teardown drops it (R4).
                // Ordering: the sender never reads the bit again; teardown synchronizes
                // through the reference count (R6), so Relaxed would do; AcqRel for
                // simplicity of reasoning.
                self.state.fetch_or(RX_TASK_SET, AcqRel);
                // SAFETY: we observed COMPLETE (R2).
                return Poll::Ready(unsafe { self.consume() });
            }
        }
        match self.register_rx(cx.waker()) {
            Registered::Waiting => Poll::Pending,
            // SAFETY: `register_rx` returns Ready only once it observed COMPLETE (R2).
            Registered::Ready => Poll::Ready(unsafe { self.consume() }),
        }
    }

    /// Stores the receiver's waker and sets `RX_TASK_SET`; `RX_TASK_SET` must be clear.
    fn register_rx(&self, waker: &Waker) -> Registered {
        // SAFETY: RX_TASK_SET is clear (our caller's state, and only the receiver sets
        // it), so the receiver alone touches `rx_task` (R4).
        self.rx_task
            .with_mut(|ptr| unsafe { *ptr = Some(waker.clone()) });
        // Ordering: AcqRel — release publishes the waker to the sender (R4); acquire pairs
        // with the sender's COMPLETE transition (R1).
        let prev = Snapshot(self.state.fetch_or(RX_TASK_SET, AcqRel));
        if prev.is_complete() {
            Registered::Ready
        } else {
            Registered::Waiting
        }
    }

    /// Polls for the receiver closing, storing the sender's waker (R5). Called by the
    /// sender only.
    fn poll_closed(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.load();
        if state.is_closed() {
            return Poll::Ready(());
        }
        if state.is_tx_task_set() {
            let same = self.tx_task.with(|ptr| {
                // SAFETY: while TX_TASK_SET is set the receiver only reads `tx_task` (R5).
                unsafe { &*ptr }
                    .as_ref()
                    .is_some_and(|w| w.will_wake(cx.waker()))
            });
            if same {
                return Poll::Pending;
            }
            // Ordering: AcqRel — release orders our earlier reads of `tx_task` before the
            // receiver's next transition; acquire pairs with its CLOSED transition.
            state = Snapshot(self.state.fetch_and(!TX_TASK_SET, AcqRel));
            if state.is_closed() {
                // The receiver may be reading `tx_task`: mark it set again (R5).
                // Ordering: as the receiver's re-set in `poll_recv` (R6).
                self.state.fetch_or(TX_TASK_SET, AcqRel);
                return Poll::Ready(());
            }
        }
        // SAFETY: TX_TASK_SET is clear (checked above, or cleared by us), so the sender
        // alone touches `tx_task` (R5).
        self.tx_task
            .with_mut(|ptr| unsafe { *ptr = Some(cx.waker().clone()) });
        // Ordering: AcqRel — release publishes the waker to the receiver (R5); acquire
        // pairs with its CLOSED transition.
        let prev = Snapshot(self.state.fetch_or(TX_TASK_SET, AcqRel));
        if prev.is_closed() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl<T> Ref<T> {
    /// The sender's completion: sets `COMPLETE` (and `VALUE_SENT` if it stored a value)
    /// unless the receiver closed first (R3), wakes a waiting receiver, and releases the
    /// sender's reference — in the same transition when there is no waker to read after
    /// it (R6). `Err` hands the reference back when the receiver had closed: the sender
    /// still owns the value slot.
    fn complete(self, value_sent: bool) -> Result<(), Ref<T>> {
        let set = if value_sent {
            COMPLETE | VALUE_SENT
        } else {
            COMPLETE
        };
        let mut current = self.load();
        let (prev, released) = loop {
            if current.is_closed() {
                return Err(self);
            }
            // R6: with a receiver's waker to read afterwards, keep the reference until done.
            let release = !current.is_rx_task_set();
            let new = if release {
                (current.0 | set) & !TX_REF
            } else {
                current.0 | set
            };
            // Ordering: AcqRel — release publishes the value written before (R1) and, when
            // releasing, all of the sender's accesses (R6); acquire pairs with the
            // receiver's release of its waker through `RX_TASK_SET` (R4). A failed exchange
            // only retries, so Acquire suffices there.
            match self
                .state
                .compare_exchange_weak(current.0, new, AcqRel, Acquire)
            {
                Ok(prev) => break (Snapshot(prev), release),
                Err(actual) => current = Snapshot(actual),
            }
        };
        if released {
            self.released(prev);
            return Ok(());
        }
        self.rx_task.with(|ptr| {
            // SAFETY: our COMPLETE transition found RX_TASK_SET set, so the receiver will
            // not touch `rx_task` again (R4); only shared reads happen here, and we still
            // hold our reference (R6).
            if let Some(waker) = unsafe { &*ptr } {
                waker.wake_by_ref();
            }
        });
        drop(self);
        Ok(())
    }
}

impl<T> Sender<T> {
    /// Sends `value` to the receiver, without waiting.
    ///
    /// Succeeds if the receiver has not been dropped or closed; the value is then received
    /// even if the receiver drops right after (it is dropped with the receiver).
    ///
    /// # Errors
    ///
    /// Returns `Err(value)` if the receiver was dropped or [closed](Receiver::close) first:
    /// the value is handed back, never lost.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = rt_sync::oneshot::channel::<u32>();
    /// drop(rx);
    /// assert_eq!(tx.send(7), Err(7));
    /// ```
    pub fn send(mut self, value: T) -> Result<(), T> {
        let inner = self
            .inner
            .take()
            .expect("a sender has its channel until it sends");
        // SAFETY: COMPLETE is not set (only this sender sets it, and it has not yet), so
        // the sender owns the value slot (R1).
        inner.value.with_mut(|ptr| unsafe { *ptr = Some(value) });
        match inner.complete(true) {
            Ok(()) => Ok(()),
            Err(inner) => {
                // SAFETY: our completion found CLOSED and did not set COMPLETE, so the
                // receiver never reads the slot: it is still ours (R3).
                let value = unsafe { inner.take_value() };
                Err(value.expect("the value stored above"))
            }
        }
    }

    /// Waits until the receiver is dropped or [closed](Receiver::close).
    ///
    /// Useful to stop computing a value nobody will receive.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses nothing; call it again to keep waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let (mut tx, rx) = rt_sync::oneshot::channel::<()>();
    /// rt::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # });
    /// ```
    pub async fn closed(&mut self) {
        poll_fn(|cx| self.poll_closed(cx)).await
    }

    /// Whether the receiver has been dropped or [closed](Receiver::close); a `send` would
    /// then return the value.
    pub fn is_closed(&self) -> bool {
        let inner = self
            .inner
            .as_ref()
            .expect("a sender has its channel until it sends");
        inner.load().is_closed()
    }

    /// Polls for the receiver being dropped or closed: `Ready` once it is, otherwise
    /// `Pending`, and the task in `cx` is woken when it happens.
    ///
    /// Only the waker of the latest call is woken. It takes part in the cooperative
    /// budget when run inside an rt task.
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let coop = ready!(poll_proceed(cx));
        let inner = self
            .inner
            .as_ref()
            .expect("a sender has its channel until it sends");
        let poll = inner.poll_closed(cx);
        if poll.is_ready() {
            coop.made_progress();
        }
        poll
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            // Whether or not the receiver closed first, there is nothing to hand back.
            let _ = inner.complete(false);
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Sender");
        if let Some(inner) = &self.inner {
            d.field("state", &inner.load());
        }
        d.finish_non_exhaustive()
    }
}

impl<T> Receiver<T> {
    /// Closes the channel from the receiving side, without dropping the receiver.
    ///
    /// A later [`Sender::send`] fails and hands its value back, and [`Sender::closed`]
    /// completes. A value sent before the close is still there: take it with
    /// [`try_recv`](Self::try_recv).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel::<u8>();
    /// rx.close();
    /// assert_eq!(tx.send(1), Err(1));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn close(&mut self) {
        if let Some(inner) = &self.inner {
            let _prev = inner.close();
        }
    }

    /// Takes the value if it has been sent, without waiting.
    ///
    /// After it returns the value or [`TryRecvError::Closed`], the receiver is
    /// [terminated](Self::is_terminated).
    ///
    /// # Errors
    ///
    /// [`TryRecvError::Empty`] if no value has been sent yet and the sender is alive;
    /// [`TryRecvError::Closed`] if the sender dropped without sending, the receiver was
    /// closed before a value was sent, or the value was already received.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send("hi").unwrap();
    /// assert_eq!(rx.try_recv(), Ok("hi"));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let Some(inner) = &self.inner else {
            return Err(TryRecvError::Closed);
        };
        let state = inner.load();
        let result = if state.is_complete() {
            // SAFETY: we observed COMPLETE (R2).
            unsafe { inner.consume() }.map_err(|RecvError(())| TryRecvError::Closed)
        } else if state.is_closed() {
            Err(TryRecvError::Closed)
        } else {
            return Err(TryRecvError::Empty);
        };
        self.inner = None;
        result
    }

    /// Blocks the current thread until the value arrives, for synchronous code.
    ///
    /// # Panics
    ///
    /// Panics if the receiver is already [terminated](Self::is_terminated), or if called
    /// from an asynchronous context (a thread that drives a runtime), where blocking would
    /// stall its tasks; `spawn_blocking` threads and plain threads may call it.
    ///
    /// # Errors
    ///
    /// [`RecvError`] if the sender dropped without sending.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = rt_sync::oneshot::channel();
    /// let thread = std::thread::spawn(move || rx.blocking_recv());
    /// tx.send(5).unwrap();
    /// assert_eq!(thread.join().unwrap(), Ok(5));
    /// ```
    #[track_caller]
    pub fn blocking_recv(self) -> Result<T, RecvError> {
        crate::blocking::block_on(self)
    }

    /// Whether the receiver has produced its result (a value or an error) and must not be
    /// polled again.
    pub fn is_terminated(&self) -> bool {
        self.inner.is_none()
    }

    /// Whether there is no value to receive right now: none sent yet, the channel closed,
    /// or the value already received.
    pub fn is_empty(&self) -> bool {
        let Some(inner) = &self.inner else {
            return true;
        };
        let state = inner.load();
        // VALUE_SENT alone is not enough once the value was taken; but the receiver clears
        // `inner` when it takes it, so a live `inner` with VALUE_SENT still holds it.
        !(state.is_complete() && state.is_value_sent())
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    /// # Panics
    ///
    /// Panics if polled after it returned `Ready`.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.inner.as_ref().expect("called after complete");
        let coop = ready!(poll_proceed(cx));
        let result = ready!(inner.poll_recv(cx));
        coop.made_progress();
        self.inner = None;
        Poll::Ready(result)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            let prev = inner.close();
            if prev.is_complete() {
                // SAFETY: our close observed COMPLETE (R2): drop the value here, now,
                // rather than whenever the sender's reference goes.
                drop(unsafe { inner.take_value() });
            }
        }
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Receiver");
        match &self.inner {
            Some(inner) => d.field("state", &inner.load()),
            None => d.field("terminated", &true),
        };
        d.finish_non_exhaustive()
    }
}
