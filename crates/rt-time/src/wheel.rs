//! The hierarchical timer wheel: eight levels of 64 slots over a tick of 1/64 ms.
//!
//! Level `n` has slots `64^n` ticks wide, so level 0 resolves one tick (15.625 µs) and covers
//! 1 ms, level 1 covers 64 ms, level 2 4.1 s, and so on. A tick divides the millisecond, so
//! whole-millisecond durations from a tick-aligned instant (the start of a paused clock) fall
//! exactly on tick boundaries and a paused clock advances to them exactly. A deadline `when` is filed at
//! the level of the highest 6-bit digit in which it differs from `elapsed` (the tick up to
//! which the wheel has been processed), in the slot given by its digit at that level. Each
//! level keeps a 64-bit occupancy bitmap, so the next slot to process is found with one
//! `trailing_zeros` per level. When a slot of level `n > 0` comes due, its entries are filed
//! again ("cascaded") at lower levels; when a level-0 slot comes due, its entries are due.
//!
//! Deadlines further than [`MAX_DELTA`] ticks (2^42 ticks = 2^36 ms, about 2.18 years, Tokio's range) from `elapsed`
//! saturate: the entry is filed at `elapsed + MAX_DELTA` and filed again then, since the
//! entry keeps its true deadline. The eighth level exists so that a saturated deadline that
//! crosses a boundary of the seventh level's rotation still has a slot.
//!
//! Invariant: at every level, every occupied slot lies strictly after the digit of
//! `elapsed` at that level, in the current rotation. Insertion guarantees it (the filing
//! digit is the highest differing one, and `when > elapsed`), and processing slots in
//! deadline order keeps it as `elapsed` moves on.
//!
//! The wheel is a plain data structure over raw entry pointers; its owner (a shard) keeps it
//! behind a lock, and the entry protocol (`entry.rs`, rule 1) says what that lock guards.

use std::ptr::NonNull;

use crate::entry::{Entry, NO_SLOT};

/// Nanoseconds per tick: 15.625 µs, 1/64 ms.
pub(crate) const TICK_NANOS: u64 = 15_625;
/// Bits per level: 64 slots.
const LEVEL_BITS: u32 = 6;
/// Slots per level.
const SLOTS: usize = 1 << LEVEL_BITS;
/// Levels in the wheel.
const LEVELS: usize = 8;
/// The farthest a deadline may lie past `elapsed` before it saturates: 2^42 ticks.
pub(crate) const MAX_DELTA: u64 = 1 << 42;
/// The first tick the wheel cannot hold (2^48 ticks after the clock's base, ~139 years).
const HORIZON: u64 = 1 << (LEVEL_BITS as usize * LEVELS);
/// The slot index that marks the pending list (due entries not yet handed out).
const PENDING: u16 = (LEVELS * SLOTS) as u16;

/// One level: 64 list heads and the bitmap of the non-empty ones.
struct Level {
    occupied: u64,
    slots: [Option<NonNull<Entry>>; SLOTS],
}

/// The timer wheel. See the module documentation.
pub(crate) struct Wheel {
    /// Every deadline up to and including this tick has been handed out.
    elapsed: u64,
    levels: [Level; LEVELS],
    /// Entries found due and not yet handed out by [`poll`](Wheel::poll).
    pending: Option<NonNull<Entry>>,
    /// Entries linked (in a slot or pending).
    len: usize,
}

// SAFETY: the wheel only holds pointers to entries whose `shared` fields it may touch under
// the protocol of `entry.rs` (rule 1: whoever holds the wheel, behind its shard lock); moving
// the wheel between threads moves that right with it. Entries are Send.
unsafe impl Send for Wheel {}

/// What [`Wheel::insert`] did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Inserted {
    /// Linked; due later.
    Linked,
    /// Not linked: the deadline is not after `elapsed`, the entry is due now.
    Elapsed,
}

impl Wheel {
    /// An empty wheel whose time starts at tick `elapsed`.
    pub(crate) fn new(elapsed: u64) -> Wheel {
        const EMPTY: Level = Level {
            occupied: 0,
            slots: [None; SLOTS],
        };
        Wheel {
            elapsed,
            levels: [EMPTY; LEVELS],
            pending: None,
            len: 0,
        }
    }

    /// The tick up to which deadlines have been handed out.
    #[cfg(all(test, not(rt_loom)))]
    pub(crate) fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// Entries linked in the wheel.
    #[cfg(all(test, not(rt_loom)))]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Files `entry` with deadline tick `when`, or reports that it is already due.
    ///
    /// # Safety
    ///
    /// - `entry` points to a live, pinned entry that is in no list, and stays valid until it
    ///   is removed with [`remove`](Wheel::remove) or handed out by [`poll`](Wheel::poll).
    /// - The caller may touch the entry's `shared` fields (entry protocol, rule 1), and from
    ///   now on lets only the holder of this wheel touch them while it is linked.
    pub(crate) unsafe fn insert(&mut self, entry: NonNull<Entry>, when: u64) -> Inserted {
        // SAFETY: the caller gives us rule-1 access to the entry.
        unsafe { entry.as_ref().with_shared(|s| s.when = when) };
        if when <= self.elapsed {
            return Inserted::Elapsed;
        }
        // SAFETY: forwarded from the caller: a live entry in no list, now ours to link.
        unsafe { self.file(entry, when) };
        self.len += 1;
        Inserted::Linked
    }

    /// Links `entry` (deadline `when > elapsed`) into the slot it belongs to now.
    ///
    /// # Safety
    ///
    /// As [`insert`](Wheel::insert); `when > self.elapsed`.
    unsafe fn file(&mut self, entry: NonNull<Entry>, when: u64) {
        debug_assert!(when > self.elapsed);
        // Saturate: no further than MAX_DELTA ahead, and inside the wheel's horizon.
        let filed = when.min(self.elapsed + MAX_DELTA).min(HORIZON - 1);
        let level = level_for(self.elapsed, filed);
        let slot = ((filed >> (level as u32 * LEVEL_BITS)) as usize) & (SLOTS - 1);
        let index = (level * SLOTS + slot) as u16;
        let head = &mut self.levels[level].slots[slot];
        // SAFETY: the caller gives us the entry, and every entry in our lists is ours to
        // touch (rule 1); `push` links it at the head.
        unsafe { push(head, entry, index) };
        self.levels[level].occupied |= 1 << slot;
    }

    /// Unlinks `entry` from whichever list holds it (a slot or the pending list).
    ///
    /// # Safety
    ///
    /// `entry` is linked in this wheel (inserted and neither removed nor handed out yet).
    pub(crate) unsafe fn remove(&mut self, entry: NonNull<Entry>) {
        // SAFETY: linked in this wheel, so ours to touch (rule 1).
        let index = unsafe { entry.as_ref().with_shared(|s| s.slot) };
        debug_assert_ne!(index, NO_SLOT, "removing an entry that is in no list");
        if index == PENDING {
            // SAFETY: the entry is in the pending list, whose entries are all ours.
            unsafe { unlink(&mut self.pending, entry) };
        } else {
            let (level, slot) = (index as usize / SLOTS, index as usize % SLOTS);
            let head = &mut self.levels[level].slots[slot];
            // SAFETY: the entry is in this slot's list, whose entries are all ours.
            unsafe { unlink(head, entry) };
            if head.is_none() {
                self.levels[level].occupied &= !(1 << slot);
            }
        }
        self.len -= 1;
    }

    /// The earliest tick at which [`poll`](Wheel::poll) has something to do: hand out a due
    /// entry, or cascade a slot. `None` when the wheel is empty.
    pub(crate) fn next_expiry(&self) -> Option<u64> {
        if self.pending.is_some() {
            return Some(self.elapsed);
        }
        self.next_slot().map(|(_, _, start)| start)
    }

    /// The first occupied slot: its level, its index, and the tick at which it comes due.
    fn next_slot(&self) -> Option<(usize, usize, u64)> {
        // The lowest level with an occupied slot holds the earliest one: a slot of level
        // `n + 1` starts no earlier than the end of level `n`'s current rotation.
        for (level, lvl) in self.levels.iter().enumerate() {
            if lvl.occupied == 0 {
                continue;
            }
            let shift = level as u32 * LEVEL_BITS;
            let digit = ((self.elapsed >> shift) as usize) & (SLOTS - 1);
            debug_assert_eq!(
                lvl.occupied & (u64::MAX >> (63 - digit)),
                0,
                "slot at or before elapsed's digit is occupied (level {level})"
            );
            let slot = lvl.occupied.trailing_zeros() as usize;
            let rotation = 1u64 << (shift + LEVEL_BITS);
            let start = (self.elapsed & !(rotation - 1)) + ((slot as u64) << shift);
            return Some((level, slot, start));
        }
        None
    }

    /// Hands out the next entry due at or before tick `now`, unlinked, in deadline order;
    /// `None` once every deadline up to `now` is handed out (then `elapsed` is `now`).
    ///
    /// Entries handed out are no longer the wheel's: the caller fires them (entry protocol,
    /// rule 2). The caller may release the lock between calls; entries inserted meanwhile
    /// with deadlines up to `now` are handed out by later calls.
    pub(crate) fn poll(&mut self, now: u64) -> Option<NonNull<Entry>> {
        loop {
            if let Some(entry) = self.pending {
                // SAFETY: the entry is in our pending list.
                unsafe { unlink(&mut self.pending, entry) };
                self.len -= 1;
                return Some(entry);
            }
            match self.next_slot() {
                Some((level, slot, start)) if start <= now => self.process(level, slot, start),
                _ => {
                    self.elapsed = self.elapsed.max(now);
                    return None;
                }
            }
        }
    }

    /// Empties one due slot: its entries become pending if due at `start`, else are filed
    /// again at the level they now belong to.
    fn process(&mut self, level: usize, slot: usize, start: u64) {
        debug_assert!(start > self.elapsed);
        self.elapsed = start;
        let mut next = self.levels[level].slots[slot].take();
        self.levels[level].occupied &= !(1 << slot);
        while let Some(entry) = next {
            // SAFETY: the entry was in our slot's list, which we now own detached: nobody
            // else can reach it without our lock (rule 1).
            let when = unsafe {
                entry.as_ref().with_shared(|s| {
                    next = s.next.take();
                    s.prev = None;
                    s.when
                })
            };
            if when <= start {
                // SAFETY: the entry is unlinked (both links cleared above) and ours.
                unsafe { push(&mut self.pending, entry, PENDING) };
            } else {
                // SAFETY: as above; `when > start == elapsed`.
                unsafe { self.file(entry, when) };
            }
        }
    }

    /// Unlinks every entry, handing each to `f` (driver shutdown).
    pub(crate) fn drain(&mut self, mut f: impl FnMut(NonNull<Entry>)) {
        let mut heads: Vec<Option<NonNull<Entry>>> = vec![self.pending.take()];
        for level in &mut self.levels {
            level.occupied = 0;
            heads.extend(level.slots.iter_mut().map(Option::take));
        }
        for mut next in heads {
            while let Some(entry) = next {
                // SAFETY: the entry was in one of our lists, now detached and ours alone.
                unsafe {
                    entry.as_ref().with_shared(|s| {
                        next = s.next.take();
                        s.prev = None;
                        s.slot = NO_SLOT;
                    })
                };
                self.len -= 1;
                f(entry);
            }
        }
    }
}

/// The level at which a deadline `when > elapsed` is filed: that of the highest 6-bit digit
/// in which the two differ (level 0 if only the lowest differs).
fn level_for(elapsed: u64, when: u64) -> usize {
    let differing = (elapsed ^ when) | (SLOTS as u64 - 1);
    let highest_bit = 63 - differing.leading_zeros();
    (highest_bit / LEVEL_BITS) as usize
}

/// Links `entry` at the head of the list `head`, marking it as in list `index`.
///
/// # Safety
///
/// `entry` is live and in no list; every entry of `head`'s list and `entry` may be touched
/// by the caller (rule 1).
unsafe fn push(head: &mut Option<NonNull<Entry>>, entry: NonNull<Entry>, index: u16) {
    let old = *head;
    // SAFETY: the caller may touch `entry`.
    unsafe {
        entry.as_ref().with_shared(|s| {
            s.prev = None;
            s.next = old;
            s.slot = index;
        })
    };
    if let Some(old) = old {
        // SAFETY: `old` is in the caller's list, so the caller may touch it.
        unsafe { old.as_ref().with_shared(|s| s.prev = Some(entry)) };
    }
    *head = Some(entry);
}

/// Unlinks `entry` from the list `head`.
///
/// # Safety
///
/// `entry` is in `head`'s list, and the caller may touch every entry of it (rule 1).
unsafe fn unlink(head: &mut Option<NonNull<Entry>>, entry: NonNull<Entry>) {
    // SAFETY: the caller may touch the entry.
    let (prev, next) = unsafe {
        entry.as_ref().with_shared(|s| {
            s.slot = NO_SLOT;
            (s.prev.take(), s.next.take())
        })
    };
    match prev {
        // SAFETY: `prev` is in the same list.
        Some(prev) => unsafe { prev.as_ref().with_shared(|s| s.next = next) },
        None => *head = next,
    }
    if let Some(next) = next {
        // SAFETY: `next` is in the same list.
        unsafe { next.as_ref().with_shared(|s| s.prev = prev) };
    }
}

/// Rounds a count of nanoseconds since the clock's base up to a tick: a deadline's tick,
/// so that a timer never fires before its deadline.
pub(crate) fn ceil_tick(nanos: u64) -> u64 {
    nanos.div_ceil(TICK_NANOS)
}

/// Rounds a count of nanoseconds since the clock's base down to a tick: the tick of "now",
/// which counts as reached once the whole tick has passed its start.
pub(crate) fn floor_tick(nanos: u64) -> u64 {
    nanos / TICK_NANOS
}

/// The nanoseconds since the clock's base at which tick `tick` starts.
pub(crate) fn tick_start_nanos(tick: u64) -> u64 {
    tick.saturating_mul(TICK_NANOS)
}
