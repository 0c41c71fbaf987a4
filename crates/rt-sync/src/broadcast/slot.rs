//! One place of the broadcast ring: its contents behind a read-write lock that shares one
//! atomic word with the count of receivers yet to read the value.
//!
//! A receive takes the read lock, clones the value, and leaves counting itself out of
//! `rem`: two read-modify-writes of the word, where a `std` read-write lock next to a
//! separate counter takes three.
//!
//! # Protocol
//!
//! `state` is `WRITING | readers << READER_SHIFT | rem`. The rules, cited by number:
//!
//! - **L1.** A reader adds one to `readers` (Acquire). If `WRITING` was set it takes the one
//!   back, waits for the bit to clear and tries again; otherwise it is inside, and only
//!   reads the contents. It leaves by taking its one back (Release), in the same
//!   subtraction as one from `rem` if it consumed the value; the result tells it whether it
//!   was the value's last reader.
//! - **L2.** A writer sets `WRITING` (Acquire); if the bit was already set, another writer
//!   holds the slot and it waits to try again. Then it waits for `readers` to reach zero
//!   (Acquire): readers inside leave, new ones back out (L1). It has the contents to itself
//!   until it leaves by clearing `WRITING` and setting `rem` in one addition (Release).
//! - **L3.** `rem` changes only by a reader leaving (L1) or a writer leaving (L2), never
//!   while `WRITING` is set, so a writer knows the `rem` it replaces.
//! - **L4.** Waits spin a little, then yield the thread: a writer waits only for clones in
//!   progress, a reader only for a writer's few stores.

use crate::loom::atomic::{
    AtomicU64,
    Ordering::{Acquire, Relaxed, Release},
};
use crate::loom::{UnsafeCell, spin_wait};

/// The `state` bit of a writer holding the slot (L2).
const WRITING: u64 = 1 << 63;
/// Readers are counted above `rem`.
const READER_SHIFT: u32 = 40;
/// One reader in `state`.
const READER: u64 = 1 << READER_SHIFT;
/// The readers field: more threads than a system can run at once fit in it.
const READERS: u64 = WRITING - READER;
/// The `rem` field.
const REM: u64 = READER - 1;

/// The most receivers a channel can have: each value's `rem` counts them all.
pub(super) const MAX_RECEIVERS: usize = REM as usize;

/// A place of the ring: the contents and the word that guards them (L1-L4).
///
/// Aligned to a cache line, so that receivers reading neighbouring values do not contend
/// for one line (16-receiver fan-out: about 20% less time than with two slots to a line).
#[repr(align(64))]
pub(super) struct Slot<T> {
    /// `WRITING | readers << READER_SHIFT | rem`.
    state: AtomicU64,
    contents: UnsafeCell<Contents<T>>,
}

/// What a slot holds.
pub(super) struct Contents<T> {
    /// The sequence number of the value it holds, or held.
    pub(super) pos: u64,
    /// Dropped by the last reader, or overwritten.
    pub(super) value: Option<T>,
}

// SAFETY: threads share a slot's contents only as L1 and L2 allow: readers on several
// threads at once hold `&T` (so `T: Sync`), and writers move values in and out (so
// `T: Send`). The same bounds as `std::sync::RwLock<T>: Sync`.
unsafe impl<T: Send + Sync> Sync for Slot<T> {}

impl<T> Slot<T> {
    /// An empty slot that records `pos` and has no reader to wait for.
    pub(super) fn new(pos: u64) -> Slot<T> {
        Slot {
            state: AtomicU64::new(0),
            contents: UnsafeCell::new(Contents { pos, value: None }),
        }
    }

    /// Runs `read` on the contents under the read lock (L1), with the `rem` seen on entry.
    /// `read` returns its result and whether it consumed the value; this returns the result
    /// and whether the caller was the value's last reader (it then drops the value with
    /// [`write`](Slot::write)).
    pub(super) fn read<R>(&self, read: impl FnOnce(&Contents<T>, usize) -> (R, bool)) -> (R, bool) {
        let rem = self.lock_read();
        // Leaves without consuming if `read` unwinds (a panicking `clone`).
        let inside = Inside(self);
        // SAFETY: we are inside (L1): no writer touches the contents until we leave.
        let (result, consumed) = self
            .contents
            .with(|contents| read(unsafe { &*contents }, rem));
        std::mem::forget(inside);
        let take = READER + u64::from(consumed);
        // Ordering: Release pairs with the Acquire wait of the next writer (L2), so our
        // reads of the contents come before its writes.
        let before = self.state.fetch_sub(take, Release);
        debug_assert!(
            !consumed || before & REM > 0,
            "a value read more often than sent"
        );
        (result, consumed && before & REM == 1)
    }

    /// Runs `write` on the contents under the write lock (L2); `write` also gets `rem`, to
    /// set it. It must not panic (the callers only move values and store numbers).
    pub(super) fn write<R>(&self, write: impl FnOnce(&mut Contents<T>, &mut usize) -> R) -> R {
        let mut spins = 0;
        // Ordering: Acquire pairs with the Release of the previous writer leaving.
        while self.state.fetch_or(WRITING, Acquire) & WRITING != 0 {
            while self.state.load(Relaxed) & WRITING != 0 {
                spin_wait(&mut spins);
            }
        }
        // Ordering: Acquire pairs with the Release of each reader leaving (L1).
        let mut state = self.state.load(Acquire);
        while state & READERS != 0 {
            spin_wait(&mut spins);
            state = self.state.load(Acquire);
        }
        let old_rem = (state & REM) as usize;
        let mut rem = old_rem;
        // SAFETY: we hold `WRITING` and no reader is inside (L2): the contents are ours.
        let result = self
            .contents
            .with_mut(|contents| write(unsafe { &mut *contents }, &mut rem));
        debug_assert!(rem <= MAX_RECEIVERS);
        // L3: `rem` is still `old_rem`; one addition sets it and clears `WRITING` (the
        // wrapping arithmetic leaves the readers field alone).
        let delta = (rem as u64)
            .wrapping_sub(old_rem as u64)
            .wrapping_sub(WRITING);
        // Ordering: Release pairs with the Acquire of the next reader or writer.
        self.state.fetch_add(delta, Release);
        result
    }

    /// Takes the read lock (L1) and returns `rem` as it was on entry.
    fn lock_read(&self) -> usize {
        let mut spins = 0;
        loop {
            // Ordering: Acquire pairs with the Release of the last writer to leave (L2), so
            // its stores to the contents are visible.
            let state = self.state.fetch_add(READER, Acquire);
            if state & WRITING == 0 {
                return (state & REM) as usize;
            }
            // Ordering: Relaxed; backing out touched nothing.
            self.state.fetch_sub(READER, Relaxed);
            while self.state.load(Relaxed) & WRITING != 0 {
                spin_wait(&mut spins);
            }
        }
    }
}

/// A reader inside its slot; leaves without consuming when dropped (only on unwinding).
struct Inside<'a, T>(&'a Slot<T>);

impl<T> Drop for Inside<'_, T> {
    fn drop(&mut self) {
        // Ordering: as a reader leaving in `Slot::read`.
        self.0.state.fetch_sub(READER, Release);
    }
}
