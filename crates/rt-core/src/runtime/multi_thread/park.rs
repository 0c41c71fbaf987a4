//! Parking an idle worker: on the shared driver if no other worker holds it, else on a
//! condition variable.
//!
//! Exactly one worker at a time waits in the driver (epoll, timers), so events are always
//! being watched while anyone sleeps; the others sleep on their own condvar. An unpark
//! reaches a worker wherever it sleeps: the state word says where.

use std::sync::Arc;
use std::time::Duration;

use crate::loom::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::{Condvar, Mutex, lock};
use crate::runtime::driver::{Driver, Unpark};

const EMPTY: usize = 0;
const PARKED_CONDVAR: usize = 1;
const PARKED_DRIVER: usize = 2;
const NOTIFIED: usize = 3;

/// The driver all workers share.
pub(super) struct SharedDriver {
    driver: Mutex<Box<dyn Driver>>,
    unpark: Arc<dyn Unpark>,
}

impl SharedDriver {
    pub(super) fn new(driver: Box<dyn Driver>) -> SharedDriver {
        let unpark = driver.unparker();
        SharedDriver {
            driver: Mutex::new(driver),
            unpark,
        }
    }

    /// Shuts the driver down (waits for a worker still parked on it to return).
    pub(super) fn shutdown(&self) {
        lock(&self.driver).shutdown();
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

    /// Sleeps until unparked (`None`), or polls the driver without blocking (`Some(ZERO)`,
    /// the only timeout the scheduler uses).
    pub(super) fn park(&mut self, timeout: Option<Duration>) {
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
        let driver = inner.shared.driver.try_lock();
        match driver {
            Ok(mut driver) => inner.park_driver(&mut **driver, timeout),
            Err(_) if timeout.is_some() => {}
            Err(_) => inner.park_condvar(),
        }
    }
}

impl Inner {
    fn park_driver(&self, driver: &mut dyn Driver, timeout: Option<Duration>) {
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
        driver.park(timeout);
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
