//! The one place this crate takes its atomics, cells and locks from: loom's under
//! `--cfg rt_loom`, std's otherwise (with `UnsafeCell` given loom's `with_mut` API).

#[cfg(rt_loom)]
pub(crate) use loom::{
    cell::UnsafeCell,
    sync::{Mutex, MutexGuard, atomic},
};

#[cfg(not(rt_loom))]
pub(crate) use std::sync::{Mutex, MutexGuard, atomic};

/// `std::cell::UnsafeCell` with loom's access API.
#[cfg(not(rt_loom))]
#[derive(Debug)]
pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(rt_loom))]
impl<T> UnsafeCell<T> {
    pub(crate) const fn new(value: T) -> UnsafeCell<T> {
        UnsafeCell(std::cell::UnsafeCell::new(value))
    }

    /// Runs `f` with a mutable raw pointer to the contents.
    #[inline(always)]
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}

/// Locks a mutex, ignoring poisoning: every critical section of this crate leaves the wheel
/// consistent before anything that can panic runs (wakers are woken outside the lock).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    #[cfg(rt_loom)]
    {
        mutex.lock().unwrap()
    }
    #[cfg(not(rt_loom))]
    {
        mutex
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
