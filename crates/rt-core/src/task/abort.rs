//! A handle that can cancel a task without awaiting it.

use std::fmt;

use super::Id;
use super::raw::RawTask;

/// An owned permission to abort a spawned task, without awaiting its completion.
///
/// Unlike a [`JoinHandle`](super::JoinHandle), an `AbortHandle` does not represent the
/// permission to await the task's output, and dropping it does nothing to the task.
pub struct AbortHandle {
    raw: RawTask,
}

// SAFETY: an AbortHandle only performs atomic state transitions on the header; the future is
// only ever touched by a runtime thread (R5).
unsafe impl Send for AbortHandle {}
// SAFETY: as above; every method takes `&self` and is thread-safe.
unsafe impl Sync for AbortHandle {}

impl AbortHandle {
    /// # Safety
    ///
    /// - The caller gives the handle one reference it owns.
    pub(crate) unsafe fn from_raw(raw: RawTask) -> AbortHandle {
        AbortHandle { raw }
    }

    /// Aborts the task associated with the handle.
    ///
    /// Awaiting a cancelled task may complete normally if the task was already complete at
    /// the time it was cancelled; otherwise its `JoinHandle` returns a cancelled
    /// [`JoinError`](super::JoinError). The future is dropped at its next await point, on a
    /// runtime thread, never on the caller's.
    pub fn abort(&self) {
        abort(self.raw);
    }

    /// Checks if the task associated with this `AbortHandle` has finished.
    ///
    /// This returns true for tasks that completed, panicked or were cancelled, once the
    /// runtime has processed it.
    pub fn is_finished(&self) -> bool {
        self.raw.header().state.load().is_complete()
    }

    /// Returns a task ID that uniquely identifies this task relative to other currently
    /// spawned tasks.
    pub fn id(&self) -> Id {
        self.raw.id()
    }
}

/// Marks the task cancelled and, if idle, schedules it so a runtime thread cancels it (R5).
pub(super) fn abort(raw: RawTask) {
    if raw.header().state.transition_to_notified_and_cancel() {
        // SAFETY: the transition made the notification's reference; the caller's handle holds
        // another across the call.
        unsafe { raw.schedule() };
    }
}

impl Drop for AbortHandle {
    fn drop(&mut self) {
        // SAFETY: the handle owns its reference.
        unsafe { self.raw.drop_reference() }
    }
}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle")
            .field("id", &self.id())
            .finish()
    }
}

impl std::panic::UnwindSafe for AbortHandle {}
impl std::panic::RefUnwindSafe for AbortHandle {}
