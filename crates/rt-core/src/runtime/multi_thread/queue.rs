//! The per-worker run queue: a bounded ring that its owner pushes to and pops from, and that
//! other workers steal half of.
//!
//! ```text
//!  head (one AtomicU64):  [ steal: u32 | real: u32 ]        tail: AtomicU32 (owner writes)
//!  buffer:  ... | steal ... real (being stolen) | real ... tail (owner's) | free ... |
//! ```
//!
//! The owner pushes at `tail` and pops at `real`. A stealer claims `[real, real + n)` by
//! moving `real` forward while leaving `steal` behind, copies the tasks out, then moves
//! `steal` up to `real`. While `steal != real` a steal is in progress: no other stealer may
//! start, and the owner may not reuse those slots (its capacity check counts from `steal`).
//! A full queue moves half of itself to the inject queue in one batch.
//!
//! Rules cited in the code:
//! - **Q1.** Only the owner writes `tail` and the slots in `[tail, steal + CAPACITY)`.
//! - **Q2.** Slots in `[real, tail)` hold tasks; whoever advances `real` past a slot (the
//!   owner popping, or a stealer claiming) owns that slot's task and must move it out.
//! - **Q3.** A slot is written by the owner only after `tail` - `steal` < CAPACITY shows it
//!   free, and read by a stealer only between its claim and its release of `steal`.

use std::fmt;
use std::mem::MaybeUninit;

use super::super::metrics::WorkerMetrics;
use super::Inject;
use crate::loom::UnsafeCell;
use crate::loom::atomic::{AtomicU32, AtomicU64, Ordering::*};
use crate::task::Notified;

/// Slots per worker queue; shrunk under loom so models reach overflow and wrap-around.
#[cfg(not(rt_loom))]
pub(crate) const CAPACITY: usize = 256;
#[cfg(rt_loom)]
pub(crate) const CAPACITY: usize = 4;

const MASK: usize = CAPACITY - 1;

/// The owner's end.
pub(crate) struct Local<S: 'static> {
    inner: std::sync::Arc<Inner<S>>,
}

/// The stealers' end.
pub(crate) struct Steal<S: 'static>(std::sync::Arc<Inner<S>>);

struct Inner<S: 'static> {
    head: AtomicU64,
    tail: AtomicU32,
    buffer: Box<[UnsafeCell<MaybeUninit<Notified<S>>>; CAPACITY]>,
}

// SAFETY: the slots are handed between threads by the protocol Q1-Q3 (each task is owned by
// exactly one thread at a time); `Notified` is `Send`.
unsafe impl<S> Send for Inner<S> {}
// SAFETY: as above; shared access only goes through the atomics and the protocol.
unsafe impl<S> Sync for Inner<S> {}

/// Makes a queue: the owner's end and the stealers' end.
pub(crate) fn local<S: 'static>() -> (Steal<S>, Local<S>) {
    let buffer: Box<[UnsafeCell<MaybeUninit<Notified<S>>>; CAPACITY]> =
        Box::new(std::array::from_fn(|_| {
            UnsafeCell::new(MaybeUninit::uninit())
        }));
    let inner = std::sync::Arc::new(Inner {
        head: AtomicU64::new(0),
        tail: AtomicU32::new(0),
        buffer,
    });
    (Steal(inner.clone()), Local { inner })
}

fn unpack(head: u64) -> (u32, u32) {
    ((head >> 32) as u32, head as u32)
}

fn pack(steal: u32, real: u32) -> u64 {
    ((steal as u64) << 32) | real as u64
}

impl<S: 'static> Inner<S> {
    /// Number of tasks, as seen by anyone.
    fn len(&self) -> usize {
        // Ordering: Acquire, to see the writes that filled the counted slots.
        let (_, real) = unpack(self.head.load(Acquire));
        let tail = self.tail.load(Acquire);
        tail.wrapping_sub(real) as usize
    }

    /// The tail, read by the owner, which is its only writer (Q1).
    fn owner_tail(&self) -> u32 {
        // Ordering: the owner reads its own last store.
        self.tail.load(Relaxed)
    }

    /// # Safety
    ///
    /// - The caller owns slot `pos` and it holds a task (Q2).
    unsafe fn take(&self, pos: u32) -> Notified<S> {
        // SAFETY: the caller's duty.
        self.buffer[pos as usize & MASK].with(|ptr| unsafe { (*ptr).assume_init_read() })
    }

    /// # Safety
    ///
    /// - The caller owns free slot `pos` (Q1, Q3).
    unsafe fn put(&self, pos: u32, task: Notified<S>) {
        // SAFETY: the caller's duty.
        self.buffer[pos as usize & MASK].with_mut(|ptr| unsafe { (*ptr).write(task) });
    }
}

impl<S: 'static> Local<S> {
    /// Whether any task is queued.
    pub(crate) fn has_tasks(&self) -> bool {
        self.inner.len() != 0
    }

    pub(crate) fn len(&self) -> usize {
        self.inner.len()
    }

    /// Free slots the owner can push to without overflowing.
    pub(crate) fn remaining_slots(&self) -> usize {
        // Ordering: Acquire pairs with a stealer's release of `steal`.
        let (steal, _) = unpack(self.inner.head.load(Acquire));
        CAPACITY - self.inner.owner_tail().wrapping_sub(steal) as usize
    }

    /// Pushes a batch known to fit (`remaining_slots`).
    pub(crate) fn push_back_batch(&mut self, tasks: impl ExactSizeIterator<Item = Notified<S>>) {
        let n = tasks.len();
        assert!(
            n <= self.remaining_slots(),
            "batch does not fit the local queue"
        );
        let mut tail = self.inner.owner_tail();
        for task in tasks {
            // SAFETY: the slot is free: the batch fits (checked above) (Q1, Q3).
            unsafe { self.inner.put(tail, task) };
            tail = tail.wrapping_add(1);
        }
        // Ordering: Release publishes the slot writes to stealers and `len` readers.
        self.inner.tail.store(tail, Release);
    }

    /// Pushes a task; when full, moves half the queue and the task to `inject`.
    pub(crate) fn push_back_or_overflow(
        &mut self,
        mut task: Notified<S>,
        inject: &Inject<S>,
        metrics: &WorkerMetrics,
    ) {
        let tail = loop {
            // Ordering: Acquire pairs with a stealer's release of `steal` (Q3).
            let head = self.inner.head.load(Acquire);
            let (steal, real) = unpack(head);
            let tail = self.inner.owner_tail();
            if (tail.wrapping_sub(steal) as usize) < CAPACITY {
                break tail;
            }
            if steal != real {
                // A stealer is making room right now; don't wait for it.
                inject.push(task);
                return;
            }
            match self.push_overflow(task, real, tail, inject) {
                Ok(()) => {
                    metrics.incr_overflow_count();
                    return;
                }
                // A stealer took tasks meanwhile: there may be room now.
                Err(back) => task = back,
            }
        };
        // SAFETY: the slot is free (checked in the loop) and only the owner writes (Q1, Q3).
        unsafe { self.inner.put(tail, task) };
        // Ordering: Release publishes the slot write.
        self.inner.tail.store(tail.wrapping_add(1), Release);
    }

    /// Claims the older half of a full queue and moves it, with `task`, to `inject`.
    fn push_overflow(
        &mut self,
        task: Notified<S>,
        head: u32,
        tail: u32,
        inject: &Inject<S>,
    ) -> Result<(), Notified<S>> {
        const HALF: u32 = (CAPACITY / 2) as u32;
        debug_assert_eq!(
            tail.wrapping_sub(head) as usize,
            CAPACITY,
            "overflow of a queue that is not full"
        );
        let prev = pack(head, head);
        let next = pack(head.wrapping_add(HALF), head.wrapping_add(HALF));
        // Ordering: Release so stealers that see the new head see no claim on these slots;
        // Acquire on failure to read a stealer's progress.
        if self
            .inner
            .head
            .compare_exchange(prev, next, Release, Relaxed)
            .is_err()
        {
            return Err(task);
        }
        let batch = (0..HALF).map(|i| {
            // SAFETY: advancing `real` past these slots made them ours (Q2).
            unsafe { self.inner.take(head.wrapping_add(i)) }
        });
        inject.push_batch(batch.chain(std::iter::once(task)));
        Ok(())
    }

    /// Pops the oldest task.
    pub(crate) fn pop(&mut self) -> Option<Notified<S>> {
        // Ordering: Acquire pairs with stealers' updates of `head`.
        let mut head = self.inner.head.load(Acquire);
        let pos = loop {
            let (steal, real) = unpack(head);
            let tail = self.inner.owner_tail();
            if real == tail {
                return None;
            }
            let next_real = real.wrapping_add(1);
            // A steal in progress keeps its `steal` mark; otherwise both move together.
            let next = if steal == real {
                pack(next_real, next_real)
            } else {
                pack(steal, next_real)
            };
            // Ordering: AcqRel: Acquire to own the slot's contents, Release to publish that
            // the slot is being consumed.
            match self
                .inner
                .head
                .compare_exchange(head, next, AcqRel, Acquire)
            {
                Ok(_) => break real,
                Err(actual) => head = actual,
            }
        };
        // SAFETY: advancing `real` past the slot made it ours (Q2).
        Some(unsafe { self.inner.take(pos) })
    }
}

impl<S: 'static> Steal<S> {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.len() == 0
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Moves half of this queue's tasks to `dst` (another worker's empty-enough queue) and
    /// returns one of them to run now.
    pub(crate) fn steal_into(
        &self,
        dst: &mut Local<S>,
        dst_metrics: &WorkerMetrics,
    ) -> Option<Notified<S>> {
        let dst_tail = dst.inner.owner_tail();
        // Ordering: Acquire pairs with stealers of `dst` releasing their claims.
        let (steal, _) = unpack(dst.inner.head.load(Acquire));
        if dst_tail.wrapping_sub(steal) as usize > CAPACITY / 2 {
            // No room for half a queue: we have work of our own.
            return None;
        }
        let mut n = self.steal_into2(dst, dst_tail);
        if n == 0 {
            return None;
        }
        dst_metrics.incr_steal_count(n as u64);
        // Keep the last one to run now.
        n -= 1;
        let ret_pos = dst_tail.wrapping_add(n);
        // SAFETY: `steal_into2` wrote a task at `ret_pos`, above `dst`'s published tail,
        // where only its owner (the caller) reads and writes (Q1).
        let ret = unsafe { dst.inner.take(ret_pos) };
        if n > 0 {
            // Ordering: Release publishes the copied tasks.
            dst.inner.tail.store(dst_tail.wrapping_add(n), Release);
        }
        Some(ret)
    }

    /// Claims half of this queue, copies it to `dst` from `dst_tail`, releases the claim.
    /// Returns how many tasks were moved.
    fn steal_into2(&self, dst: &mut Local<S>, dst_tail: u32) -> u32 {
        // Ordering: Acquire pairs with the owner's and other stealers' head updates.
        let mut prev = self.0.head.load(Acquire);
        let (first, n) = loop {
            let (steal, real) = unpack(prev);
            // Ordering: Acquire pairs with the owner's Release of `tail`: the slots up to
            // it are written.
            let tail = self.0.tail.load(Acquire);
            if steal != real {
                // Another stealer is at work.
                return 0;
            }
            let available = tail.wrapping_sub(real);
            let n = available - available / 2;
            if n == 0 {
                return 0;
            }
            let next = pack(steal, real.wrapping_add(n));
            // Ordering: AcqRel: Acquire to own the claimed slots, Release to publish the
            // claim.
            match self.0.head.compare_exchange(prev, next, AcqRel, Acquire) {
                Ok(_) => break (real, n),
                Err(actual) => prev = actual,
            }
        };
        debug_assert!(n as usize <= CAPACITY / 2, "stole more than half");
        for i in 0..n {
            // SAFETY: the claim made the source slots ours (Q2); the destination slots are
            // above `dst`'s tail, owned by its owner, the caller (Q1), and free (checked
            // in `steal_into`).
            unsafe {
                let task = self.0.take(first.wrapping_add(i));
                dst.inner.put(dst_tail.wrapping_add(i), task);
            }
        }
        // Release the claim: `steal` catches up with `real`.
        let mut prev = pack(first, first.wrapping_add(n));
        loop {
            let (_, real) = unpack(prev);
            let next = pack(real, real);
            // Ordering: AcqRel: Release so the owner reuses the slots only after our reads.
            match self.0.head.compare_exchange(prev, next, AcqRel, Acquire) {
                Ok(_) => return n,
                Err(actual) => {
                    // Only the owner may move `real` meanwhile (popping); `steal` is ours.
                    debug_assert_ne!(unpack(actual).0, unpack(actual).1);
                    prev = actual;
                }
            }
        }
    }
}

impl<S: 'static> Drop for Local<S> {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert!(
                self.pop().is_none(),
                "a worker queue was dropped with tasks in it"
            );
        }
    }
}

impl<S: 'static> Clone for Steal<S> {
    fn clone(&self) -> Steal<S> {
        Steal(self.0.clone())
    }
}

impl<S: 'static> fmt::Debug for Local<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Local").field("len", &self.len()).finish()
    }
}
