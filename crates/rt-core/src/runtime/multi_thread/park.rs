//! Parking an idle worker: on the shared driver if no other worker holds it, else on a
//! condition variable.
//!
//! Exactly one worker at a time waits in the driver (epoll, timers), so events are always
//! being watched while anyone sleeps; the others sleep on their own condvar. An unpark
//! reaches a worker wherever it sleeps: the state word says where.

use std::sync::Arc;
use std::time::Duration;

use crate::loom::UnsafeCell;
use crate::loom::atomic::{AtomicBool, AtomicUsize, Ordering::*};
use crate::loom::{Condvar, Mutex, lock};
use crate::runtime::driver::{Driver, Unpark};

const EMPTY: usize = 0;
const PARKED_CONDVAR: usize = 1;
const PARKED_DRIVER: usize = 2;
const NOTIFIED: usize = 3;

/// The driver all workers share.
pub(super) struct SharedDriver {
    driver: TryLock<Box<dyn Driver>>,
    unpark: Arc<dyn Unpark>,
}

impl SharedDriver {
    pub(super) fn new(driver: Box<dyn Driver>) -> SharedDriver {
        let unpark = driver.unparker();
        SharedDriver {
            driver: TryLock::new(driver),
            unpark,
        }
    }

    /// Shuts the driver down, once every worker has stopped.
    pub(super) fn shutdown(&self) {
        let mut driver = self
            .driver
            .try_lock()
            .expect("a worker still parks on the driver at shutdown");
        driver.with_mut(|driver| driver.shutdown());
    }
}

/// A lock that is only ever tried, never waited for: the driver goes to whichever worker
/// parks first, and the others park on their own condvar instead of waiting for it.
struct TryLock<T> {
    locked: AtomicBool,
    data: UnsafeCell<T>,
}

// SAFETY: the data is only reached through a guard, and at most one guard exists at a time
// (the `locked` flag is taken by compare-exchange); `T: Send` lets it move between the
// threads that take turns holding it.
unsafe impl<T: Send> Sync for TryLock<T> {}

struct TryLockGuard<'a, T> {
    lock: &'a TryLock<T>,
}

impl<T> TryLock<T> {
    fn new(data: T) -> TryLock<T> {
        TryLock {
            locked: AtomicBool::new(false),
            data: UnsafeCell::new(data),
        }
    }

    fn try_lock(&self) -> Option<TryLockGuard<'_, T>> {
        // Ordering: Acquire pairs with the Release of the previous holder's unlock, so its
        // use of the data happens before ours.
        self.locked
            .compare_exchange(false, true, Acquire, Relaxed)
            .ok()
            .map(|_| TryLockGuard { lock: self })
    }
}

impl<T> TryLockGuard<'_, T> {
    fn with_mut<R>(&mut self, f: impl FnOnce(&mut T) -> R) -> R {
        // SAFETY: this guard is the only one (see `TryLock`), and `&mut self` makes this the
        // only access through it.
        self.lock.data.with_mut(|ptr| f(unsafe { &mut *ptr }))
    }
}

impl<T> Drop for TryLockGuard<'_, T> {
    fn drop(&mut self) {
        // Ordering: Release publishes our use of the data to the next holder.
        self.lock.locked.store(false, Release);
    }
}

/// A worker's parker.
pub(super) struct Parker {
    inner: Arc<Inner>,
}

/// Wakes the worker that owns the matching [`Parker`].
#[derive(Clone)]
pub(super) struct Unparker {
    inner: Arc<Inner>,
}

struct Inner {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
    shared: Arc<SharedDriver>,
}

impl Parker {
    pub(super) fn new(shared: Arc<SharedDriver>) -> Parker {
        Parker {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                mutex: Mutex::new(()),
                condvar: Condvar::new(),
                shared,
            }),
        }
    }

    pub(super) fn unparker(&self) -> Unparker {
        Unparker {
            inner: self.inner.clone(),
        }
    }

    /// Sleeps until unparked: on the driver if no other worker holds it, else on the condvar.
    pub(super) fn park(&mut self) {
        let inner = &self.inner;
        // Ordering: SeqCst throughout, as the thread parker: a small state machine both
        // sides must see in one order.
        if inner
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return;
        }
        match inner.shared.driver.try_lock() {
            Some(mut driver) => driver.with_mut(|driver| inner.park_driver(&mut **driver)),
            None => inner.park_condvar(),
        }
    }

    /// Polls the driver for ready events without blocking, if no other worker holds it.
    ///
    /// Leaves the state word alone: a notification that arrived for this worker stays
    /// pending for its next `park`. (Consuming it here lost the shutdown wake-up of a worker
    /// that was busy when shutdown began: it then parked for good.)
    pub(super) fn poll_driver(&mut self) {
        if let Some(mut driver) = self.inner.shared.driver.try_lock() {
            driver.with_mut(|driver| driver.park(Some(Duration::ZERO)));
        }
    }
}

impl Inner {
    fn park_driver(&self, driver: &mut dyn Driver) {
        match self
            .state
            .compare_exchange(EMPTY, PARKED_DRIVER, SeqCst, SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                // Notified between the first check and now.
                self.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(actual) => panic!("inconsistent park state: {actual}"),
        }
        driver.park(None);
        match self.state.swap(EMPTY, SeqCst) {
            NOTIFIED | PARKED_DRIVER => {}
            actual => panic!("inconsistent park_driver state: {actual}"),
        }
    }

    fn park_condvar(&self) {
        let mut guard = lock(&self.mutex);
        match self
            .state
            .compare_exchange(EMPTY, PARKED_CONDVAR, SeqCst, SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(actual) => panic!("inconsistent park state: {actual}"),
        }
        loop {
            guard = self
                .condvar
                .wait(guard)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if self
                .state
                .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
                .is_ok()
            {
                return;
            }
            // Spurious wakeup: wait again.
        }
    }
}

impl Unparker {
    pub(super) fn unpark(&self) {
        let inner = &self.inner;
        // Ordering: see `Parker::park`.
        match inner.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED_CONDVAR => {
                // Taking the lock orders this notify after the parker started waiting.
                drop(lock(&inner.mutex));
                inner.condvar.notify_one();
            }
            PARKED_DRIVER => inner.shared.unpark.unpark(),
            actual => panic!("inconsistent state in unpark: {actual}"),
        }
    }
}
