//! Wakers whose wake waits until the scheduler has polled its driver.
//!
//! `yield_now` and budget-forced yields outside a task of the scheduler (a `block_on`
//! future, a task of another runtime) defer their waker here, so the yielding code runs
//! again only after I/O and timers had their turn.

use std::cell::RefCell;
use std::mem;
use std::task::Waker;

/// The deferred wakers of one scheduler thread.
#[derive(Default)]
pub(crate) struct Defer {
    wakers: RefCell<Vec<Waker>>,
}

impl Defer {
    /// Defers `waker`, unless it is the one deferred last (a task yielding in a loop).
    pub(crate) fn defer(&self, waker: &Waker) {
        let mut wakers = self.wakers.borrow_mut();
        if !wakers.last().is_some_and(|w| w.will_wake(waker)) {
            wakers.push(waker.clone());
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.wakers.borrow().is_empty()
    }

    /// Wakes everything deferred so far.
    pub(crate) fn wake(&self) {
        // Take the list first: a wake may defer again.
        let deferred = mem::take(&mut *self.wakers.borrow_mut());
        for waker in deferred {
            waker.wake();
        }
    }

    /// Drops everything deferred (at shutdown).
    pub(crate) fn clear(&self) {
        drop(mem::take(&mut *self.wakers.borrow_mut()));
    }
}
