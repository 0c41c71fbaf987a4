//! A timer entry: the node a [`Sleep`](crate::Sleep) embeds and the wheel links.
//!
//! The entry lives inside the pinned `Sleep`, so registering, moving and cancelling a timer
//! allocate nothing: the wheel's slots are intrusive doubly linked lists of entries.
//!
//! # Protocol
//!
//! An entry is in one of four states, kept in its atomic `state` word:
//!
//! | state        | meaning                                   | who may touch `shared`          |
//! |--------------|-------------------------------------------|---------------------------------|
//! | `IDLE`       | in no wheel (new, cancelled, or reset)    | the owner only                  |
//! | `REGISTERED` | linked in the wheel of the owner's shard  | whoever holds that shard's lock |
//! | `FIRED`      | was due; unlinked by the driver           | the owner only                  |
//! | `SHUTDOWN`   | unlinked because the driver shut down     | the owner only                  |
//!
//! The rules the code cites:
//!
//! 1. `shared` (the links, the deadline tick, the slot index and the waker) is accessed only
//!    by the owner (the `Sleep`, through `&mut`/`Pin<&mut>`) while the entry is not
//!    `REGISTERED`, or by a holder of the shard lock while it is.
//! 2. `IDLE → REGISTERED` and `REGISTERED → IDLE` (cancel) are made by the owner, holding
//!    the shard lock. `REGISTERED → FIRED | SHUTDOWN` is made by the driver, holding the
//!    shard lock, as its **last** access to the entry (a Release store). `FIRED | SHUTDOWN →
//!    IDLE` is made by the owner without the lock (reset, re-registration).
//! 3. The owner may read the state without the lock (an Acquire load, pairing with the
//!    driver's Release store of rule 2). Reading `FIRED` or `SHUTDOWN` hands `shared` back to
//!    the owner (rule 1); reading `REGISTERED` is only a hint: the driver may fire the entry
//!    at any moment, so the owner takes the lock and reads again before it relies on it.
//! 4. An entry is `REGISTERED` only while it is pinned, and the owner's destructor cancels
//!    it (rule 2) before its memory goes away: the wheel never holds a dangling pointer.

use std::marker::PhantomPinned;
use std::ptr::NonNull;
use std::task::Waker;

use crate::loom::UnsafeCell;
use crate::loom::atomic::{AtomicUsize, Ordering};

/// In no wheel; only the owner touches it.
pub(crate) const IDLE: usize = 0;
/// Linked in a wheel; touched under that wheel's lock.
pub(crate) const REGISTERED: usize = 1;
/// Fired by the driver; handed back to the owner.
pub(crate) const FIRED: usize = 2;
/// Unlinked at driver shutdown; handed back to the owner.
pub(crate) const SHUTDOWN: usize = 3;

/// Slot index of an entry that is in no list.
pub(crate) const NO_SLOT: u16 = u16::MAX;

/// The intrusive timer node.
pub(crate) struct Entry {
    /// `IDLE`, `REGISTERED`, `FIRED` or `SHUTDOWN`; see the module's protocol.
    state: AtomicUsize,
    /// Guarded as rule 1 says.
    shared: UnsafeCell<Shared>,
    /// The wheel holds pointers to the entry: it must not move while linked.
    _pinned: PhantomPinned,
}

/// The fields guarded by rule 1.
pub(crate) struct Shared {
    /// Previous entry in the same list, `None` at the head.
    pub(crate) prev: Option<NonNull<Entry>>,
    /// Next entry in the same list.
    pub(crate) next: Option<NonNull<Entry>>,
    /// The true deadline, in ticks (the wheel may file the entry earlier when it saturates).
    pub(crate) when: u64,
    /// Which list the entry is in: `level * 64 + slot`, the wheel's pending list, or
    /// [`NO_SLOT`].
    pub(crate) slot: u16,
    /// Woken when the entry fires.
    pub(crate) waker: Option<Waker>,
}

// SAFETY: the raw links and the waker in `shared` are only reached under rule 1 (the owner
// through its unique access, or a holder of the shard lock), so moving the entry's owner to
// another thread, or sharing it, cannot create an unsynchronised access. `Waker` is Send.
unsafe impl Send for Entry {}
// SAFETY: see `Send`; `&Entry` only gives the atomic state and rule-1 guarded access.
unsafe impl Sync for Entry {}

impl Entry {
    /// An `IDLE` entry.
    pub(crate) fn new() -> Entry {
        Entry {
            state: AtomicUsize::new(IDLE),
            shared: UnsafeCell::new(Shared {
                prev: None,
                next: None,
                when: 0,
                slot: NO_SLOT,
                waker: None,
            }),
            _pinned: PhantomPinned,
        }
    }

    /// The state, read as rule 3 allows.
    pub(crate) fn state(&self) -> usize {
        // Ordering: Acquire pairs with the driver's Release store of FIRED/SHUTDOWN (rule 2),
        // so everything the driver did to the entry happens before the owner's next access.
        self.state.load(Ordering::Acquire)
    }

    /// Stores a new state (rule 2 says who may).
    pub(crate) fn set_state(&self, state: usize) {
        // Ordering: Release pairs with the Acquire load in `state` (rule 3): for FIRED and
        // SHUTDOWN it publishes the driver's last access; the owner's own stores are read
        // back by the owner, or under the shard lock, which orders them anyway.
        self.state.store(state, Ordering::Release);
    }

    /// Runs `f` on the guarded fields.
    ///
    /// # Safety
    ///
    /// - The caller has the access rule 1 grants: it is the owner and the entry is not
    ///   `REGISTERED`, or it holds the lock of the shard whose wheel links the entry.
    /// - `f` does not reach the same entry's `shared` again (no nested call).
    pub(crate) unsafe fn with_shared<R>(&self, f: impl FnOnce(&mut Shared) -> R) -> R {
        // SAFETY: rule 1, which the caller upholds, makes this the only access to `shared`
        // while `f` runs.
        self.shared.with_mut(|shared| f(unsafe { &mut *shared }))
    }
}
