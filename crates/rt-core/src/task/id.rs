//! Task ids.

use std::fmt;
use std::num::NonZeroU64;

use crate::runtime::context;

/// An opaque id that identifies a task among all tasks currently alive.
///
/// Ids are unique among running tasks but may be reused once a task has completed. They are
/// printed in logs and tracing spans, and returned by [`id`], [`JoinHandle::id`](super::JoinHandle::id)
/// and [`JoinError::id`](super::JoinError::id).
#[derive(Clone, Copy, Debug, Hash, Eq, PartialEq, Ord, PartialOrd)]
pub struct Id(pub(crate) NonZeroU64);

impl Id {
    /// Takes the next id from a process-wide counter.
    pub(crate) fn next() -> Id {
        use crate::loom::atomic::{AtomicU64, Ordering::Relaxed};
        #[cfg(not(rt_loom))]
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        #[cfg(rt_loom)]
        loom::lazy_static! { static ref NEXT_ID: AtomicU64 = AtomicU64::new(1); }
        loop {
            // Ordering: only uniqueness matters, which the RMW gives on its own.
            let id = NEXT_ID.fetch_add(1, Relaxed);
            if let Some(id) = NonZeroU64::new(id) {
                return Id(id);
            }
        }
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Returns the [`Id`] of the currently running task.
///
/// # Panics
///
/// Panics if called from outside a task. Use [`try_id`] to get `None` instead.
///
/// # Examples
///
/// ```
/// # let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let handle = rt_core::spawn(async { rt_core::task::id() });
/// let id = handle.id();
/// assert_eq!(handle.await.unwrap(), id);
/// # });
/// ```
#[track_caller]
pub fn id() -> Id {
    context::current_task_id().expect("can't get a task id when not inside a task")
}

/// Returns the [`Id`] of the currently running task, or `None` outside a task.
pub fn try_id() -> Option<Id> {
    context::current_task_id()
}
