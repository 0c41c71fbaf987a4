//! The task state word: lifecycle bits in the low bits, the reference count above them.
//!
//! Every transition is one atomic read-modify-write (a `fetch_*` or a compare-exchange loop
//! that succeeds first time when uncontended). The protocol each bit follows is described in
//! the module documentation of [`crate::task`]; the rules are cited here as (R1)…(R6).

use crate::loom::atomic::{AtomicUsize, Ordering::*};

/// The task is being polled (or cancelled, or shut down) by exactly one thread.
const RUNNING: usize = 0b00_0001;
/// The future has been dropped and the output (or the error) stored. Never cleared.
const COMPLETE: usize = 0b00_0010;
/// A `Notified` for the task exists (queued, or about to be): no further one is created.
const NOTIFIED: usize = 0b00_0100;
/// The `JoinHandle` still exists and will read the output.
const JOIN_INTEREST: usize = 0b00_1000;
/// The join waker slot holds a waker that the runtime may read (R4).
const JOIN_WAKER: usize = 0b01_0000;
/// The task must be cancelled the next time it is polled.
const CANCELLED: usize = 0b10_0000;

const REF_COUNT_SHIFT: usize = 6;
const REF_ONE: usize = 1 << REF_COUNT_SHIFT;

/// A new task: referenced by the owned-task list, its first `Notified`, and its `JoinHandle`.
const INITIAL_STATE: usize = (REF_ONE * 3) | JOIN_INTEREST | NOTIFIED;

/// The atomic state word in the task header.
pub(crate) struct State {
    val: AtomicUsize,
}

/// A loaded value of the state word.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(crate) struct Snapshot(usize);

/// What a thread that holds a `Notified` must do next.
#[must_use]
pub(crate) enum TransitionToRunning {
    /// Poll the future.
    Success,
    /// Cancel the task: drop the future and complete with a cancellation error.
    Cancelled,
    /// Another thread runs or finished the task; the notification's reference was dropped.
    Failed,
    /// As `Failed`, and it was the last reference: deallocate.
    Dealloc,
}

/// What to do after a poll that returned `Pending`.
#[must_use]
pub(crate) enum TransitionToIdle {
    /// The task is idle; the running turn's reference was dropped.
    Ok,
    /// The task was woken while running (or asked to yield): it must be rescheduled, and
    /// the running turn's reference becomes the new `Notified`'s (R2).
    OkNotified,
    /// As `Ok`, and it was the last reference: deallocate.
    OkDealloc,
    /// The task was aborted while running: cancel it now (still `RUNNING`).
    Cancelled,
}

/// What a waker must do.
#[must_use]
pub(crate) enum TransitionToNotified {
    /// Nothing: the task is already notified, running, or complete.
    DoNothing,
    /// Schedule a `Notified` that owns the reference this transition added; for a wake by
    /// value, drop the waker's reference only after scheduling (R2).
    Submit,
    /// The waker's reference was the last: deallocate.
    Dealloc,
}

/// What dropping a `JoinHandle` (slow path) must clean up.
#[must_use]
pub(crate) struct TransitionToJoinHandleDropped {
    pub(crate) drop_output: bool,
    pub(crate) drop_waker: bool,
}

impl State {
    pub(crate) fn new() -> State {
        State {
            val: AtomicUsize::new(INITIAL_STATE),
        }
    }

    pub(crate) fn load(&self) -> Snapshot {
        // Ordering: pairs with the AcqRel transitions that publish the output (R3).
        Snapshot(self.val.load(Acquire))
    }

    /// Runs `f` on the current value until the compare-exchange succeeds; `f` returns the
    /// result and, if the word must change, the next value.
    fn fetch_update_action<T>(&self, mut f: impl FnMut(Snapshot) -> (T, Option<Snapshot>)) -> T {
        let mut curr = self.load();
        loop {
            let (output, next) = f(curr);
            let Some(next) = next else { return output };
            // Ordering: AcqRel so that writes to the stage and the join waker made before a
            // transition are visible to whoever observes the transition (R3, R4).
            match self
                .val
                .compare_exchange_weak(curr.0, next.0, AcqRel, Acquire)
            {
                Ok(_) => return output,
                Err(actual) => curr = Snapshot(actual),
            }
        }
    }

    /// A `Notified` is about to be run (R1).
    pub(crate) fn transition_to_running(&self) -> TransitionToRunning {
        self.fetch_update_action(|mut next| {
            debug_assert!(next.is_notified(), "running a task that was not notified");
            if !next.is_idle() {
                // Someone else runs it, or it is complete: this notification is stale.
                next.ref_dec();
                let action = if next.ref_count() == 0 {
                    TransitionToRunning::Dealloc
                } else {
                    TransitionToRunning::Failed
                };
                return (action, Some(next));
            }
            next.0 |= RUNNING;
            next.0 &= !NOTIFIED;
            let action = if next.is_cancelled() {
                TransitionToRunning::Cancelled
            } else {
                TransitionToRunning::Success
            };
            (action, Some(next))
        })
    }

    /// The poll returned `Pending` (R1, R2). With `yielded`, the task asked to run again
    /// (`yield_now`) and is notified by this same transition.
    pub(crate) fn transition_to_idle(&self, yielded: bool) -> TransitionToIdle {
        self.fetch_update_action(|curr| {
            debug_assert!(curr.is_running());
            if curr.is_cancelled() {
                return (TransitionToIdle::Cancelled, None);
            }
            let mut next = curr;
            next.0 &= !RUNNING;
            if yielded {
                next.0 |= NOTIFIED;
            }
            let action = if next.is_notified() {
                TransitionToIdle::OkNotified
            } else {
                next.ref_dec();
                if next.ref_count() == 0 {
                    TransitionToIdle::OkDealloc
                } else {
                    TransitionToIdle::Ok
                }
            };
            (action, Some(next))
        })
    }

    /// The output is stored: `RUNNING` → `COMPLETE` (R3). Returns the new snapshot.
    pub(crate) fn transition_to_complete(&self) -> Snapshot {
        const DELTA: usize = RUNNING | COMPLETE;
        // Ordering: AcqRel publishes the stored output to the JoinHandle (R3).
        let prev = Snapshot(self.val.fetch_xor(DELTA, AcqRel));
        debug_assert!(prev.is_running() && !prev.is_complete());
        Snapshot(prev.0 ^ DELTA)
    }

    /// Drops `count` references after completion; true if the task must be deallocated.
    pub(crate) fn transition_to_terminal(&self, count: usize) -> bool {
        // Ordering: AcqRel as any reference drop (see `ref_dec`).
        let prev = Snapshot(self.val.fetch_sub(count * REF_ONE, AcqRel));
        debug_assert!(prev.ref_count() >= count, "reference count underflow");
        prev.ref_count() == count
    }

    /// `wake`: consumes the waker's reference (R2).
    pub(crate) fn transition_to_notified_by_val(&self) -> TransitionToNotified {
        self.fetch_update_action(|mut next| {
            let action = if next.is_running() {
                // The running thread reschedules it when it goes idle.
                next.0 |= NOTIFIED;
                next.ref_dec();
                debug_assert!(next.ref_count() > 0, "the running turn holds a reference");
                TransitionToNotified::DoNothing
            } else if next.is_complete() || next.is_notified() {
                next.ref_dec();
                if next.ref_count() == 0 {
                    TransitionToNotified::Dealloc
                } else {
                    TransitionToNotified::DoNothing
                }
            } else {
                next.0 |= NOTIFIED;
                next.ref_inc();
                TransitionToNotified::Submit
            };
            (action, Some(next))
        })
    }

    /// `wake_by_ref`: keeps the waker's reference, adds one for the `Notified` (R2).
    pub(crate) fn transition_to_notified_by_ref(&self) -> TransitionToNotified {
        self.fetch_update_action(|mut next| {
            if next.is_complete() || next.is_notified() {
                return (TransitionToNotified::DoNothing, None);
            }
            next.0 |= NOTIFIED;
            if next.is_running() {
                (TransitionToNotified::DoNothing, Some(next))
            } else {
                next.ref_inc();
                (TransitionToNotified::Submit, Some(next))
            }
        })
    }

    /// `abort`: marks the task cancelled; true if the caller must submit a `Notified` that
    /// owns the reference this transition added (R5).
    pub(crate) fn transition_to_notified_and_cancel(&self) -> bool {
        self.fetch_update_action(|mut next| {
            if next.is_cancelled() || next.is_complete() {
                return (false, None);
            }
            if next.is_running() || next.is_notified() {
                // The running thread, or the queued notification, sees the bit.
                next.0 |= NOTIFIED | CANCELLED;
                return (false, Some(next));
            }
            next.0 |= NOTIFIED | CANCELLED;
            next.ref_inc();
            (true, Some(next))
        })
    }

    /// Runtime shutdown: marks the task cancelled and, if it is idle, takes the `RUNNING`
    /// bit so the caller may cancel it in place (R6). True if the caller now runs it.
    pub(crate) fn transition_to_shutdown(&self) -> bool {
        self.fetch_update_action(|mut next| {
            let claimed = next.is_idle();
            if claimed {
                next.0 |= RUNNING;
            }
            next.0 |= CANCELLED;
            (claimed, Some(next))
        })
    }

    /// Fast path of `JoinHandle` drop: succeeds only on a task that never ran.
    pub(crate) fn drop_join_handle_fast(&self) -> bool {
        // Ordering: Release on success, as every reference drop: it pairs with the Acquire
        // of whichever thread frees the task, ordering this handle's uses before the free.
        // Relaxed on failure: the slow path then synchronises on its own.
        self.val
            .compare_exchange(
                INITIAL_STATE,
                (INITIAL_STATE - REF_ONE) & !JOIN_INTEREST,
                Release,
                Relaxed,
            )
            .is_ok()
    }

    /// Slow path of `JoinHandle` drop (R3, R4). The caller then drops its reference.
    pub(crate) fn transition_to_join_handle_dropped(&self) -> TransitionToJoinHandleDropped {
        self.fetch_update_action(|curr| {
            debug_assert!(curr.is_join_interested());
            let mut next = curr;
            next.0 &= !JOIN_INTEREST;
            if !curr.is_complete() {
                // Before completion the handle owns the waker slot once the bit is clear.
                next.0 &= !JOIN_WAKER;
            }
            let action = TransitionToJoinHandleDropped {
                drop_output: curr.is_complete(),
                drop_waker: !next.is_join_waker_set(),
            };
            (action, Some(next))
        })
    }

    /// Publishes a join waker the handle just wrote (R4). `Err` if the task completed first;
    /// the handle then still owns the slot.
    pub(crate) fn set_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update_action(|curr| {
            debug_assert!(curr.is_join_interested() && !curr.is_join_waker_set());
            if curr.is_complete() {
                return (Err(curr), None);
            }
            let next = Snapshot(curr.0 | JOIN_WAKER);
            (Ok(next), Some(next))
        })
    }

    /// Takes the join waker slot back before replacing it (R4). `Err` if the task completed.
    pub(crate) fn unset_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update_action(|curr| {
            debug_assert!(curr.is_join_interested() && curr.is_join_waker_set());
            if curr.is_complete() {
                return (Err(curr), None);
            }
            let next = Snapshot(curr.0 & !JOIN_WAKER);
            (Ok(next), Some(next))
        })
    }

    /// The runtime finished waking the join waker after completion (R4).
    pub(crate) fn unset_join_waker_after_complete(&self) -> Snapshot {
        // Ordering: AcqRel pairs with the handle's drop transition.
        let prev = Snapshot(self.val.fetch_and(!JOIN_WAKER, AcqRel));
        debug_assert!(prev.is_complete() && prev.is_join_waker_set());
        Snapshot(prev.0 & !JOIN_WAKER)
    }

    pub(crate) fn ref_inc(&self) {
        // Ordering: Relaxed, as `Arc::clone`: a new reference is made from an existing one,
        // which already keeps the task alive.
        let prev = self.val.fetch_add(REF_ONE, Relaxed);
        if prev > isize::MAX as usize {
            std::process::abort();
        }
    }

    /// Drops one reference; true if it was the last.
    pub(crate) fn ref_dec(&self) -> bool {
        // Ordering: AcqRel, as `Arc::drop`: every use of the task happens before its
        // deallocation by whichever thread drops the last reference.
        let prev = Snapshot(self.val.fetch_sub(REF_ONE, AcqRel));
        debug_assert!(prev.ref_count() >= 1, "reference count underflow");
        prev.ref_count() == 1
    }
}

impl Snapshot {
    pub(crate) fn is_idle(self) -> bool {
        self.0 & (RUNNING | COMPLETE) == 0
    }
    pub(crate) fn is_running(self) -> bool {
        self.0 & RUNNING != 0
    }
    pub(crate) fn is_complete(self) -> bool {
        self.0 & COMPLETE != 0
    }
    pub(crate) fn is_notified(self) -> bool {
        self.0 & NOTIFIED != 0
    }
    pub(crate) fn is_cancelled(self) -> bool {
        self.0 & CANCELLED != 0
    }
    pub(crate) fn is_join_interested(self) -> bool {
        self.0 & JOIN_INTEREST != 0
    }
    pub(crate) fn is_join_waker_set(self) -> bool {
        self.0 & JOIN_WAKER != 0
    }
    pub(crate) fn ref_count(self) -> usize {
        self.0 >> REF_COUNT_SHIFT
    }
    fn ref_inc(&mut self) {
        self.0 += REF_ONE;
    }
    fn ref_dec(&mut self) {
        debug_assert!(self.ref_count() > 0);
        self.0 -= REF_ONE;
    }
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("running", &self.is_running())
            .field("complete", &self.is_complete())
            .field("notified", &self.is_notified())
            .field("cancelled", &self.is_cancelled())
            .field("join_interested", &self.is_join_interested())
            .field("join_waker", &self.is_join_waker_set())
            .field("ref_count", &self.ref_count())
            .finish()
    }
}

#[cfg(all(test, not(rt_loom)))]
mod tests {
    use super::*;

    #[test]
    fn initial_state() {
        let s = State::new().load();
        assert!(s.is_notified() && s.is_join_interested() && s.is_idle());
        assert_eq!(s.ref_count(), 3);
    }

    #[test]
    fn wake_while_running_reschedules_without_new_reference() {
        let state = State::new();
        assert!(matches!(
            state.transition_to_running(),
            TransitionToRunning::Success
        ));
        state.ref_inc(); // a waker
        assert!(matches!(
            state.transition_to_notified_by_val(),
            TransitionToNotified::DoNothing
        ));
        assert!(matches!(
            state.transition_to_idle(false),
            TransitionToIdle::OkNotified
        ));
        let s = state.load();
        assert!(s.is_notified() && !s.is_running());
        assert_eq!(
            s.ref_count(),
            3,
            "list, join handle, and the turn's, now the notification's"
        );
    }

    #[test]
    fn yield_notifies_in_the_idle_transition() {
        let state = State::new();
        assert!(matches!(
            state.transition_to_running(),
            TransitionToRunning::Success
        ));
        assert!(matches!(
            state.transition_to_idle(true),
            TransitionToIdle::OkNotified
        ));
        let s = state.load();
        assert!(s.is_notified() && !s.is_running());
        assert_eq!(s.ref_count(), 3);
    }

    #[test]
    fn abort_idle_task_submits() {
        let state = State::new();
        assert!(matches!(
            state.transition_to_running(),
            TransitionToRunning::Success
        ));
        assert!(matches!(
            state.transition_to_idle(false),
            TransitionToIdle::Ok
        ));
        assert!(state.transition_to_notified_and_cancel());
        assert!(
            !state.transition_to_notified_and_cancel(),
            "abort is idempotent"
        );
        assert!(matches!(
            state.transition_to_running(),
            TransitionToRunning::Cancelled
        ));
    }

    #[test]
    fn join_handle_fast_drop_only_before_first_poll() {
        let state = State::new();
        assert!(state.drop_join_handle_fast());
        assert!(!state.load().is_join_interested());
        let state = State::new();
        assert!(matches!(
            state.transition_to_running(),
            TransitionToRunning::Success
        ));
        assert!(!state.drop_join_handle_fast());
    }

    #[test]
    fn shutdown_claims_only_idle_tasks() {
        let state = State::new();
        assert!(matches!(
            state.transition_to_running(),
            TransitionToRunning::Success
        ));
        assert!(!state.transition_to_shutdown());
        assert!(matches!(
            state.transition_to_idle(false),
            TransitionToIdle::Cancelled
        ));
        let state = State::new();
        assert!(state.transition_to_shutdown());
        assert!(state.load().is_running());
    }
}
