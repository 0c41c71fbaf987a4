//! The one place this crate takes its atomics and locks from: loom's under `--cfg rt_loom`,
//! std's otherwise.

#[cfg(rt_loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard, atomic};

#[cfg(not(rt_loom))]
pub(crate) use std::sync::{Mutex, MutexGuard, atomic};

/// Locks `mutex`, ignoring poisoning: the data it guards stays consistent across a panic
/// (every critical section is a handful of field updates that cannot unwind halfway).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
