//! One resource's readiness, and the tasks waiting for it.
//!
//! The protocol (rules cited in the code as S1-S4):
//!
//! - **S1** `readiness` packs the ready bits reported by the reactor (bits 0-5, [`Ready`]),
//!   the driver tick at which they were last set (bits 16-30) and a shutdown bit (31).
//!   Only the driver sets ready bits, always together with its current tick.
//! - **S2** The driver sets the ready bits first, then takes the waiter lock and wakes every
//!   waiter whose interest the new readiness satisfies.
//! - **S3** A task that finds no readiness stores its waker under the waiter lock, then loads
//!   the readiness again *under the lock*: either it sees the driver's update (and returns
//!   ready), or the driver has not yet taken the lock and will find the waker (S2). No wakeup
//!   is lost between a poll and a re-registration.
//! - **S4** A task that got `WouldBlock` after a readiness event clears the event's bits only
//!   if the tick is still the event's: bits set by a newer event survive. Closed bits are
//!   never cleared (a closed half stays closed).

use std::task::{Context, Poll, Waker};

use crate::loom::atomic::{AtomicUsize, Ordering::AcqRel, Ordering::Acquire};
use crate::loom::{Mutex, lock};
use crate::{Interest, Ready};

const TICK_SHIFT: u32 = 16;
const TICK_MASK: usize = 0x7fff << TICK_SHIFT;
const SHUTDOWN: usize = 1 << 31;
/// Wakers woken per lock acquisition: the rest wait for the next round.
const WAKE_BATCH: usize = 32;

/// The readiness of one registered resource and its waiters.
#[derive(Debug)]
pub(crate) struct ScheduledIo {
    readiness: AtomicUsize,
    waiters: Mutex<Waiters>,
}

/// Which half of a byte stream a `poll_*_ready` call waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

/// Readiness observed by a task, with the tick that lets it clear exactly that (S4).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReadyEvent {
    pub(crate) ready: Ready,
    pub(crate) tick: u16,
    pub(crate) is_shutdown: bool,
}

#[derive(Debug, Default)]
struct Waiters {
    /// The task in `poll_read_ready` (one per direction, as Tokio).
    reader: Option<Waker>,
    /// The task in `poll_write_ready`.
    writer: Option<Waker>,
    /// Tasks in `readiness(interest)` futures: a slab, each future owns its slot.
    slots: Vec<Option<Slot>>,
    free: Vec<usize>,
}

#[derive(Debug)]
struct Slot {
    interest: Interest,
    waker: Option<Waker>,
}

impl Direction {
    pub(crate) fn mask(self) -> Ready {
        match self {
            Direction::Read => Ready::READABLE | Ready::READ_CLOSED,
            Direction::Write => Ready::WRITABLE | Ready::WRITE_CLOSED,
        }
    }
}

impl ScheduledIo {
    pub(crate) fn new() -> ScheduledIo {
        ScheduledIo {
            readiness: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters::default()),
        }
    }

    /// Called by the driver: adds `ready` at `tick` (S1), then wakes who it satisfies (S2).
    pub(crate) fn set_readiness(&self, tick: u16, ready: Ready) {
        let tick_bits = (usize::from(tick) << TICK_SHIFT) & TICK_MASK;
        // Ordering: AcqRel pairs with the Acquire loads of `readiness_event` (S3): a task
        // that sees these bits also sees the data the event announces.
        let _ = self.readiness.fetch_update(AcqRel, Acquire, |curr| {
            Some((curr & SHUTDOWN) | tick_bits | (curr & Ready::ALL.bits()) | ready.bits())
        });
        self.wake(ready);
    }

    /// Called by the driver at shutdown: every wait ends with an error.
    pub(crate) fn shutdown(&self) {
        // Ordering: as `set_readiness`.
        self.readiness.fetch_or(SHUTDOWN, AcqRel);
        self.wake(Ready::ALL);
    }

    /// The readiness now, restricted to `mask`.
    pub(crate) fn readiness_event(&self, mask: Ready) -> ReadyEvent {
        // Ordering: Acquire pairs with the AcqRel update of `set_readiness`.
        let curr = self.readiness.load(Acquire);
        ReadyEvent {
            ready: Ready::from_bits(curr) & mask,
            tick: ((curr & TICK_MASK) >> TICK_SHIFT) as u16,
            is_shutdown: curr & SHUTDOWN != 0,
        }
    }

    /// Clears what `event` reported if nothing newer arrived since (S4).
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        let clear = event.ready - Ready::READ_CLOSED - Ready::WRITE_CLOSED;
        // Ordering: AcqRel, so that a concurrent `set_readiness` is either seen (tick
        // differs: nothing cleared) or ordered after this (its bits survive).
        let _ = self.readiness.fetch_update(AcqRel, Acquire, |curr| {
            let tick = ((curr & TICK_MASK) >> TICK_SHIFT) as u16;
            (tick == event.tick).then_some(curr & !clear.bits())
        });
    }

    /// Waits for `direction`'s readiness, keeping one waker per direction.
    pub(crate) fn poll_readiness(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<ReadyEvent> {
        let mask = direction.mask();
        let event = self.readiness_event(mask);
        if !event.ready.is_empty() || event.is_shutdown {
            return Poll::Ready(event);
        }
        let mut waiters = lock(&self.waiters);
        let slot = match direction {
            Direction::Read => &mut waiters.reader,
            Direction::Write => &mut waiters.writer,
        };
        match slot {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => *slot = Some(cx.waker().clone()),
        }
        // S3: look again under the lock.
        let event = self.readiness_event(mask);
        if !event.ready.is_empty() || event.is_shutdown {
            return Poll::Ready(event);
        }
        Poll::Pending
    }

    /// Waits for `interest`'s readiness in the waiter slot `slot` (allocated on first use,
    /// freed with [`release_slot`](ScheduledIo::release_slot)).
    pub(crate) fn poll_interest(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
        slot: &mut Option<usize>,
    ) -> Poll<ReadyEvent> {
        let mask = interest.mask();
        let event = self.readiness_event(mask);
        if !event.ready.is_empty() || event.is_shutdown {
            return Poll::Ready(event);
        }
        let mut waiters = lock(&self.waiters);
        let index = *slot.get_or_insert_with(|| waiters.alloc(interest));
        let entry = waiters.slots[index].as_mut().expect("owned slot");
        match &entry.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => entry.waker = Some(cx.waker().clone()),
        }
        // S3: look again under the lock.
        let event = self.readiness_event(mask);
        if !event.ready.is_empty() || event.is_shutdown {
            return Poll::Ready(event);
        }
        Poll::Pending
    }

    /// Frees the waiter slot of a dropped or finished `readiness` future.
    pub(crate) fn release_slot(&self, slot: usize) {
        let mut waiters = lock(&self.waiters);
        waiters.slots[slot] = None;
        waiters.free.push(slot);
    }

    /// Wakes every waiter that `ready` satisfies, outside the lock, in batches.
    fn wake(&self, ready: Ready) {
        let mut batch = WakeList::new();
        let mut next = 0;
        loop {
            let mut waiters = lock(&self.waiters);
            if next == 0 {
                if !(ready & Direction::Read.mask()).is_empty() {
                    batch.push(waiters.reader.take());
                }
                if !(ready & Direction::Write.mask()).is_empty() {
                    batch.push(waiters.writer.take());
                }
            }
            while next < waiters.slots.len() && !batch.is_full() {
                if let Some(slot) = &mut waiters.slots[next] {
                    if !(slot.interest.mask() & ready).is_empty() {
                        batch.push(slot.waker.take());
                    }
                }
                next += 1;
            }
            let done = next >= waiters.slots.len();
            drop(waiters);
            batch.wake_all();
            if done {
                return;
            }
        }
    }
}

/// Wakers taken under the lock, woken after it is released; no allocation.
struct WakeList {
    wakers: [Option<Waker>; WAKE_BATCH],
    len: usize,
}

impl WakeList {
    fn new() -> WakeList {
        WakeList {
            wakers: Default::default(),
            len: 0,
        }
    }

    fn is_full(&self) -> bool {
        // Two places stay free for the reader and writer of the first round.
        self.len + 2 >= WAKE_BATCH
    }

    fn push(&mut self, waker: Option<Waker>) {
        if let Some(waker) = waker {
            self.wakers[self.len] = Some(waker);
            self.len += 1;
        }
    }

    fn wake_all(&mut self) {
        for waker in &mut self.wakers[..self.len] {
            if let Some(waker) = waker.take() {
                waker.wake();
            }
        }
        self.len = 0;
    }
}

impl Waiters {
    fn alloc(&mut self, interest: Interest) -> usize {
        let slot = Slot {
            interest,
            waker: None,
        };
        match self.free.pop() {
            Some(index) => {
                self.slots[index] = Some(slot);
                index
            }
            None => {
                self.slots.push(Some(slot));
                self.slots.len() - 1
            }
        }
    }
}
