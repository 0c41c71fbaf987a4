//! Asynchronous synchronization primitives for rt, at Tokio's `sync` paths.
//!
//! Channels to send values between tasks, and locks, semaphores and notifications to
//! coordinate them. Waiting is asynchronous: a task that waits yields its thread. The
//! primitives work under any executor; under rt they take part in the cooperative budget,
//! so a task that always finds a value ready still yields now and then.
//!
//! This layer depends on rt-core only (for the budget). It is not a runtime: it spawns
//! nothing and owns no threads.

/// Defines a channel's `SendError<T>`: the value a send could not deliver, handed back.
/// Each channel has its own type, as in Tokio; they differ only in their docs.
macro_rules! send_error {
    ($(#[$doc:meta])*) => {
        $(#[$doc])*
        #[derive(PartialEq, Eq, Clone, Copy)]
        pub struct SendError<T>(pub T);

        impl<T> std::fmt::Debug for SendError<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("SendError").finish_non_exhaustive()
            }
        }

        impl<T> std::fmt::Display for SendError<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("channel closed")
            }
        }

        impl<T> std::error::Error for SendError<T> {}
    };
}

// A oneshot channel: one value, from one sender to one receiver.
pub mod oneshot;
// Multi-producer, single-consumer channels, bounded and unbounded.
pub mod mpsc;
// A multi-producer, multi-consumer broadcast channel: every receiver sees every value.
pub mod broadcast;
// A single-value channel: receivers see the latest value and wait for changes.
pub mod watch;
// Blocking a thread on a future, for the `blocking_*` methods.
mod blocking;
// The atomics, cells and locks every module uses: loom's under `--cfg rt_loom`.
mod loom;
// Notify: wake one task or all of them, with a stored permit.
mod notify;
// A fair, FIFO semaphore, the base of the locks.
mod semaphore;
// An async mutex, FIFO fair, on the semaphore.
mod mutex;
// An async reader-writer lock, fair and write-preferring, on the semaphore.
mod rwlock;
// A barrier for a fixed number of tasks.
mod barrier;
// A cell initialized once, asynchronously.
mod once_cell;
// A cell set once, which tasks can wait for.
mod set_once;

pub use barrier::{Barrier, BarrierWaitResult};
pub use mutex::{
    MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard, TryLockError,
};
pub use notify::{Notified, Notify};
pub use once_cell::{OnceCell, SetError};
pub use rwlock::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
};
pub use semaphore::{
    AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError,
};
pub use set_once::{SetOnce, SetOnceError};

// Loom models of the lock-free primitives.
#[cfg(test)]
mod tests;
