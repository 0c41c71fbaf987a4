//! The one place this crate takes its atomics, cells and locks from: loom's under
//! `--cfg rt_loom`, std's otherwise (with `UnsafeCell` given loom's `with`/`with_mut` API).

#[cfg(rt_loom)]
pub(crate) use loom::{
    cell::UnsafeCell,
    sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard, atomic},
};

#[cfg(not(rt_loom))]
pub(crate) use std::sync::{
    Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard, atomic,
};

/// `std::cell::UnsafeCell` with loom's access API (unsized contents too, as the locks
/// hold `T: ?Sized`).
#[cfg(not(rt_loom))]
#[derive(Debug)]
pub(crate) struct UnsafeCell<T: ?Sized>(std::cell::UnsafeCell<T>);

#[cfg(not(rt_loom))]
impl<T> UnsafeCell<T> {
    pub(crate) const fn new(value: T) -> UnsafeCell<T> {
        UnsafeCell(std::cell::UnsafeCell::new(value))
    }

    pub(crate) fn into_inner(self) -> T {
        self.0.into_inner()
    }
}

#[cfg(not(rt_loom))]
impl<T: ?Sized> UnsafeCell<T> {
    /// Runs `f` with a shared raw pointer to the contents.
    #[inline(always)]
    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    /// Runs `f` with a mutable raw pointer to the contents.
    #[inline(always)]
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}

/// One step of waiting for another thread's progress: a spin hint for the first steps, then
/// yielding the thread. Under loom, always a yield, so that the model runs the other thread.
pub(crate) fn spin_wait(spins: &mut u32) {
    #[cfg(rt_loom)]
    {
        let _ = spins;
        loom::thread::yield_now();
    }
    #[cfg(not(rt_loom))]
    {
        if *spins < 64 {
            *spins += 1;
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
}

/// Locks a mutex, ignoring poisoning: critical sections here leave their data consistent
/// before anything that can panic runs.
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
