//! The driver seam: how a scheduler blocks a thread until there is work.
//!
//! A scheduler never sleeps on anything but a [`Driver`]. rt-core provides the innermost
//! one, a plain thread parker; the I/O layer provides a driver that waits on epoll and the
//! time layer one that wraps any inner driver and fires timers. The umbrella crate stacks
//! them (time over I/O over the parker) through [`Builder`](super::Builder)'s driver layers,
//! and each layer leaves a handle in [`DriverStack`] that its resources later find through
//! the runtime's [`Handle`](super::Handle).

use std::any::Any;
use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use super::RuntimeFlavor;
use crate::loom::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::{Condvar, Mutex, lock};

/// Blocks a runtime thread until there is work, and is woken from any thread.
///
/// Implemented by the layers above rt-core (I/O, time); the scheduler calls it with the
/// runtime's context entered, so wakes it causes reach the scheduler's local queue.
pub trait Driver: Send + 'static {
    /// Blocks until [`Unpark::unpark`] is called, an event arrives, or `timeout` elapses.
    ///
    /// `Some(Duration::ZERO)` processes ready events without blocking. A call may return
    /// early (spuriously); an `unpark` made before the call makes it return at once.
    fn park(&mut self, timeout: Option<Duration>);

    /// Returns a handle that wakes [`park`](Driver::park) from any thread.
    fn unparker(&self) -> Arc<dyn Unpark>;

    /// Releases the driver's resources and wakes everything waiting on it. Called once, when
    /// the runtime shuts down, after every task is dropped.
    fn shutdown(&mut self);
}

/// Wakes a parked [`Driver`]. Waking one that is not parked makes its next `park` return.
pub trait Unpark: Send + Sync + 'static {
    /// Wakes the driver.
    fn unpark(&self);
}

/// The innermost driver: parks the thread on a condition variable.
pub struct ParkThread {
    inner: Arc<ParkInner>,
}

struct ParkInner {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
}

const EMPTY: usize = 0;
const PARKED: usize = 1;
const NOTIFIED: usize = 2;

impl ParkThread {
    /// A parker with no pending notification.
    pub fn new() -> ParkThread {
        ParkThread {
            inner: Arc::new(ParkInner {
                state: AtomicUsize::new(EMPTY),
                mutex: Mutex::new(()),
                condvar: Condvar::new(),
            }),
        }
    }
}

impl Default for ParkThread {
    fn default() -> ParkThread {
        ParkThread::new()
    }
}

impl fmt::Debug for ParkThread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParkThread").finish_non_exhaustive()
    }
}

impl Driver for ParkThread {
    fn park(&mut self, timeout: Option<Duration>) {
        self.inner.park(timeout);
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        self.inner.clone()
    }

    fn shutdown(&mut self) {
        self.inner.unpark();
    }
}

impl ParkInner {
    fn park(&self, timeout: Option<Duration>) {
        // Ordering: SeqCst throughout, as std's parker: the notification protocol is a small
        // state machine whose transitions must be seen in one order by both sides.
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return;
        }
        if timeout == Some(Duration::ZERO) {
            return;
        }
        let mut guard = lock(&self.mutex);
        match self.state.compare_exchange(EMPTY, PARKED, SeqCst, SeqCst) {
            Ok(_) => {}
            Err(NOTIFIED) => {
                // Notified between the first check and taking the lock.
                self.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(actual) => panic!("inconsistent park state: {actual}"),
        }
        match timeout {
            None => loop {
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
                // Spurious wakeup: park again.
            },
            Some(timeout) => {
                let (_guard, _) = self.wait_timeout(guard, timeout);
                // Either notified or timed out: leave EMPTY in both cases.
                self.state.swap(EMPTY, SeqCst);
            }
        }
    }

    #[cfg(not(rt_loom))]
    fn wait_timeout<'a>(
        &self,
        guard: std::sync::MutexGuard<'a, ()>,
        timeout: Duration,
    ) -> (std::sync::MutexGuard<'a, ()>, bool) {
        let (guard, result) = self
            .condvar
            .wait_timeout(guard, timeout)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (guard, result.timed_out())
    }

    #[cfg(rt_loom)]
    fn wait_timeout<'a>(
        &self,
        guard: crate::loom::MutexGuard<'a, ()>,
        _timeout: Duration,
    ) -> (crate::loom::MutexGuard<'a, ()>, bool) {
        // loom has no time: a timed wait is a wait that may also return spuriously.
        (self.condvar.wait(guard).unwrap(), false)
    }
}

impl Unpark for ParkInner {
    fn unpark(&self) {
        // Ordering: see `park`.
        match self.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED => {
                // Take the lock so the parker is either before its wait (and will see
                // NOTIFIED) or inside it (and gets the signal).
                drop(lock(&self.mutex));
                self.condvar.notify_one();
            }
            actual => panic!("inconsistent park state: {actual}"),
        }
    }
}

/// What the driver layers build on: the driver so far and the handles left for resources.
///
/// Passed to each layer registered with the builder's hidden `__driver_layer` hook, from the
/// innermost (the [`ParkThread`]) outwards.
pub struct DriverStack {
    pub(crate) driver: Box<dyn Driver>,
    pub(crate) handles: DriverHandles,
    pub(crate) config: DriverConfig,
    pub(crate) flavor: RuntimeFlavor,
    pub(crate) num_workers: usize,
}

/// Which drivers the builder asked for.
#[derive(Clone, Copy, Debug, Default)]
pub struct DriverConfig {
    /// `enable_io` was called.
    pub io: bool,
    /// `enable_time` was called.
    pub time: bool,
    /// `start_paused(true)` was called.
    pub start_paused: bool,
}

/// A layer that wraps the driver stack: see [`DriverStack`].
pub type DriverLayer = Box<dyn FnOnce(&mut DriverStack) -> io::Result<()>>;

impl DriverStack {
    /// Which drivers the builder asked for.
    pub fn config(&self) -> DriverConfig {
        self.config
    }

    /// The flavor of the runtime being built.
    pub fn flavor(&self) -> RuntimeFlavor {
        self.flavor
    }

    /// How many worker threads will poll the driver: 1 on the current-thread runtime.
    pub fn num_workers(&self) -> usize {
        self.num_workers
    }

    /// Replaces the driver with `wrap(driver)`.
    pub fn wrap(&mut self, wrap: impl FnOnce(Box<dyn Driver>) -> Box<dyn Driver>) {
        let inner = std::mem::replace(&mut self.driver, Box::new(ParkThread::new()));
        self.driver = wrap(inner);
    }

    /// Leaves a handle that resources find with `Handle::driver_handle::<T>()`.
    pub fn insert_handle<T: Any + Send + Sync>(&mut self, handle: T) {
        self.handles.0.push(Box::new(handle));
    }
}

/// Handles that driver layers left for the resources they serve, found by type.
#[derive(Default)]
pub(crate) struct DriverHandles(Vec<Box<dyn Any + Send + Sync>>);

impl DriverHandles {
    pub(crate) fn get<T: Any>(&self) -> Option<&T> {
        self.0.iter().find_map(|h| h.downcast_ref::<T>())
    }
}

impl fmt::Debug for DriverHandles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DriverHandles")
            .field("len", &self.0.len())
            .finish()
    }
}
