//! The typed operations behind the vtable: poll, complete, cancel, read the output.
//!
//! Each function is entered through a `NonNull<Header>` and casts it back to the
//! `Cell<F, S>` the vtable was made for.

use std::future::Future;
use std::mem::{self, ManuallyDrop};
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

use super::raw::{Cell, Core, Header, PollOutcome, RawTask, ReadOutput, Stage};
use super::state::{TransitionToIdle, TransitionToRunning};
use super::waker::waker_ref;
use super::{JoinError, Notified, Schedule, Task};
use crate::runtime::context;

/// # Safety (shared by every function here)
///
/// - `ptr` points at the header of a live `Cell<F, S>` — guaranteed by the vtable, which is
///   only ever installed in a cell of that type.
unsafe fn cell<'a, F: Future, S>(ptr: NonNull<Header>) -> &'a Cell<F, S> {
    // SAFETY: `Cell` is #[repr(C)] with the header first, so the header pointer is the cell
    // pointer; the cell is live by the caller's duty.
    unsafe { ptr.cast::<Cell<F, S>>().as_ref() }
}

/// Runs a notification (R1). Consumes its reference, or hands it back with the outcome.
pub(super) unsafe fn poll<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) -> PollOutcome {
    // SAFETY: see the module rule.
    let cell = unsafe { cell::<F, S>(ptr) };
    // SAFETY: `ptr` is a live task.
    let raw = unsafe { RawTask::from_raw(ptr) };
    match cell.header.state.transition_to_running() {
        TransitionToRunning::Success => {
            let waker = waker_ref(raw);
            let mut cx = Context::from_waker(&waker);
            // SAFETY: this thread holds RUNNING (R1).
            let yielded = match unsafe { poll_future(&cell.core, cell.header.id, &mut cx) } {
                Polled::Ready => {
                    // SAFETY: RUNNING is held and the output is stored.
                    unsafe { complete::<F, S>(raw) };
                    return PollOutcome::Done;
                }
                Polled::Pending { yielded } => yielded,
            };
            match cell.header.state.transition_to_idle(yielded) {
                TransitionToIdle::Ok => PollOutcome::Done,
                // The running turn's reference goes to the caller for the new notification.
                TransitionToIdle::OkNotified if yielded => PollOutcome::Yielded,
                TransitionToIdle::OkNotified => PollOutcome::Woken,
                TransitionToIdle::OkDealloc => {
                    // SAFETY: that was the last reference.
                    unsafe { dealloc::<F, S>(ptr) };
                    PollOutcome::Done
                }
                TransitionToIdle::Cancelled => {
                    // SAFETY: RUNNING is still held (R5).
                    unsafe { cancel_and_complete::<F, S>(raw) };
                    PollOutcome::Done
                }
            }
        }
        TransitionToRunning::Cancelled => {
            // SAFETY: RUNNING is held (R5).
            unsafe { cancel_and_complete::<F, S>(raw) };
            PollOutcome::Done
        }
        TransitionToRunning::Failed => PollOutcome::Done,
        TransitionToRunning::Dealloc => {
            // SAFETY: that was the last reference.
            unsafe { dealloc::<F, S>(ptr) };
            PollOutcome::Done
        }
    }
}

/// Hands a notification to the scheduler (see `RawTask::schedule`).
pub(super) unsafe fn schedule<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: see the module rule.
    let cell = unsafe { cell::<F, S>(ptr) };
    // SAFETY: the caller made a reference for this notification and holds another, so
    // `cell` stays valid for the whole call (R2).
    let notified = Notified(unsafe { Task::from_raw(RawTask::from_raw(ptr)) });
    cell.core.scheduler.schedule(notified);
}

/// Cancels the task at runtime shutdown (R6). Consumes one reference.
pub(super) unsafe fn shutdown<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: see the module rule.
    let cell = unsafe { cell::<F, S>(ptr) };
    // SAFETY: `ptr` is a live task.
    let raw = unsafe { RawTask::from_raw(ptr) };
    if cell.header.state.transition_to_shutdown() {
        // SAFETY: the transition gave this thread RUNNING; the consumed reference plays the
        // running turn's part.
        unsafe { cancel_and_complete::<F, S>(raw) };
    } else {
        // SAFETY: the caller gave up this reference.
        unsafe { raw.drop_reference() };
    }
}

pub(super) unsafe fn dealloc<F: Future, S>(ptr: NonNull<Header>) {
    // SAFETY: the last reference is gone, so this is the only access; the allocation was a
    // `Box<Cell<F, S>>` (see `RawTask::new`).
    drop(unsafe { Box::from_raw(ptr.cast::<Cell<F, S>>().as_ptr()) });
}

/// Reads the output into `dst` if the task is complete, else registers `waker` (R3, R4).
pub(super) unsafe fn try_read_output<F: Future + 'static, S: Schedule>(
    ptr: NonNull<Header>,
    dst: *mut (),
    waker: &Waker,
) {
    // SAFETY: see the module rule.
    let cell = unsafe { cell::<F, S>(ptr) };
    // SAFETY: the caller is the JoinHandle (vtable contract).
    if unsafe { can_read_output(RawTask::from_raw(ptr), waker) } {
        // SAFETY: COMPLETE was observed with JOIN_INTEREST held: the stage is the handle's (R3).
        let stage = cell
            .core
            .stage
            .with_mut(|p| unsafe { mem::replace(&mut *p, Stage::Consumed) });
        let Stage::Finished(output) = stage else {
            panic!("JoinHandle polled after completion");
        };
        // SAFETY: the caller guarantees `dst` is a `ReadOutput<F::Output>`.
        unsafe { *dst.cast::<ReadOutput<F::Output>>() = Poll::Ready(output) };
    }
}

/// The slow path of dropping a JoinHandle (R3, R4). Consumes its reference.
pub(super) unsafe fn drop_join_handle_slow<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: see the module rule.
    let cell = unsafe { cell::<F, S>(ptr) };
    // SAFETY: `ptr` is a live task.
    let raw = unsafe { RawTask::from_raw(ptr) };
    let transition = cell.header.state.transition_to_join_handle_dropped();
    if transition.drop_output {
        // SAFETY: the task completed while JOIN_INTEREST was held: the output is ours (R3).
        let _ = panic::catch_unwind(AssertUnwindSafe(|| unsafe {
            set_stage(&cell.core, cell.header.id, Stage::Consumed)
        }));
    }
    if transition.drop_waker {
        // SAFETY: JOIN_WAKER is clear: the slot is the handle's (R4).
        unsafe { raw.trailer().set_waker(None) };
    }
    // SAFETY: the handle's reference.
    unsafe { raw.drop_reference() };
}

/// Whether the JoinHandle may take the output; if not, `waker` is registered (R4).
unsafe fn can_read_output(raw: RawTask, waker: &Waker) -> bool {
    let state = &raw.header().state;
    let snapshot = state.load();
    debug_assert!(snapshot.is_join_interested());
    if snapshot.is_complete() {
        return true;
    }
    if snapshot.is_join_waker_set() {
        // SAFETY: JOIN_WAKER set and not complete: the runtime does not write the slot and
        // the handle may read it (R4).
        if unsafe { raw.trailer().will_wake(waker) } {
            return false;
        }
        // Take the slot back before writing a different waker.
        if state.unset_join_waker().is_err() {
            return true;
        }
    }
    // SAFETY: JOIN_WAKER is clear and the task is not complete: the slot is the handle's (R4).
    unsafe { raw.trailer().set_waker(Some(waker.clone())) };
    if state.set_join_waker().is_err() {
        // Completed meanwhile: the slot is still the handle's; clear it.
        // SAFETY: as above, JOIN_WAKER was never set.
        unsafe { raw.trailer().set_waker(None) };
        return true;
    }
    false
}

/// What a poll of the future did.
enum Polled {
    /// The output (or the panic) is stored.
    Ready,
    /// The future is pending; `yielded` if it asked to run again after the driver.
    Pending { yielded: bool },
}

/// Polls the future, catching panics; on `Ready` or panic the output is stored.
///
/// # Safety
///
/// - The caller holds RUNNING (R1).
unsafe fn poll_future<F: Future, S>(
    core: &Core<F, S>,
    id: super::Id,
    cx: &mut Context<'_>,
) -> Polled {
    /// Drops the future if its poll panics, so it is dropped on this thread (R1).
    struct DropOnUnwind<'a, F: Future, S> {
        core: &'a Core<F, S>,
    }
    impl<F: Future, S> Drop for DropOnUnwind<'_, F, S> {
        fn drop(&mut self) {
            // A panic while dropping is caught by the outer catch_unwind and lost, as Tokio.
            // SAFETY: RUNNING is held by the poller whose unwinding runs this.
            unsafe { replace_stage(self.core, Stage::Consumed) };
        }
    }

    // One guard for the poll, the future's drop and the output's store: the task's id and
    // a fresh coop budget.
    let task = context::TaskGuard::enter(id, Some(super::coop::initial()));
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let guard = DropOnUnwind { core };
        // SAFETY: RUNNING is held, so this thread has exclusive access to the stage (R1).
        let poll = core.stage.with_mut(|ptr| match unsafe { &mut *ptr } {
            // SAFETY: the future lives in the task allocation until dropped in place by
            // `replace_stage`; it is never moved, so it may be pinned.
            Stage::Running(future) => unsafe { Pin::new_unchecked(future) }.poll(cx),
            _ => unreachable!("polled a task that is not running"),
        });
        mem::forget(guard);
        match poll {
            Poll::Ready(output) => {
                // SAFETY: RUNNING is held. Dropping the future may panic: caught below.
                unsafe { replace_stage(core, Stage::Consumed) };
                Poll::Ready(Ok(output))
            }
            Poll::Pending => Poll::Pending,
        }
    }));
    let output = match result {
        Ok(Poll::Pending) => {
            return Polled::Pending {
                yielded: task.exit(),
            };
        }
        Ok(Poll::Ready(output)) => output,
        Err(payload) => Err(JoinError::panic(id, payload)),
    };
    // SAFETY: RUNNING is held; storing the output publishes it with COMPLETE (R3). The
    // stage is `Consumed`, so nothing is dropped and nothing can panic.
    unsafe { replace_stage(core, Stage::Finished(output)) };
    Polled::Ready
}

/// Cancels a task whose RUNNING bit this thread holds, then completes it.
///
/// Takes the raw task, not a `&Cell`: completing may free the cell, which must not happen
/// while a reference argument to it is live.
///
/// # Safety
///
/// - As `complete`.
unsafe fn cancel_and_complete<F: Future + 'static, S: Schedule>(raw: RawTask) {
    // SAFETY: see the module rule; this reference is not used after `complete`.
    let cell = unsafe { cell::<F, S>(raw.header_ptr()) };
    let id = cell.header.id;
    // SAFETY: RUNNING is held by the caller's duty.
    let dropped = panic::catch_unwind(AssertUnwindSafe(|| unsafe {
        set_stage(&cell.core, id, Stage::Consumed)
    }));
    let output = match dropped {
        Ok(()) => Err(JoinError::cancelled(id)),
        Err(payload) => Err(JoinError::panic(id, payload)),
    };
    // SAFETY: RUNNING is held; the stage is `Consumed`.
    unsafe { set_stage(&cell.core, id, Stage::Finished(output)) };
    // SAFETY: RUNNING is held and the output is stored.
    unsafe { complete::<F, S>(raw) };
}

/// Publishes completion, wakes or releases the join side, leaves the owner's list, and
/// drops the running turn's reference (R3, R4). May free the task.
///
/// # Safety
///
/// - The caller holds RUNNING, the output is stored, and the caller holds a reference that
///   this call consumes.
unsafe fn complete<F: Future + 'static, S: Schedule>(raw: RawTask) {
    // SAFETY: see the module rule; this reference is not used after the last reference is
    // dropped below.
    let cell = unsafe { cell::<F, S>(raw.header_ptr()) };
    let snapshot = cell.header.state.transition_to_complete();
    // Panics from the output's destructor or from the join waker must not reach the worker.
    let _ = panic::catch_unwind(AssertUnwindSafe(|| {
        if !snapshot.is_join_interested() {
            // Nobody will read the output: drop it here.
            // SAFETY: COMPLETE without JOIN_INTEREST: the stage is the runtime's (R3).
            unsafe { set_stage(&cell.core, cell.header.id, Stage::Consumed) };
        } else if snapshot.is_join_waker_set() {
            // SAFETY: COMPLETE with JOIN_WAKER: the runtime may read the slot (R4).
            unsafe { raw.trailer().wake_join() };
            let snapshot = cell.header.state.unset_join_waker_after_complete();
            if !snapshot.is_join_interested() {
                // The handle was dropped while we woke it: the waker is ours to drop.
                // SAFETY: JOIN_WAKER and JOIN_INTEREST clear after COMPLETE (R4).
                unsafe { raw.trailer().set_waker(None) };
            }
        }
    }));
    // SAFETY: we hold a reference, so borrowing it as a Task is sound; ManuallyDrop keeps
    // this borrow from dropping it.
    let me = ManuallyDrop::new(unsafe { Task::<S>::from_raw(raw) });
    let released = match cell.core.scheduler.release(&me) {
        Some(task) => {
            mem::forget(task);
            2
        }
        None => 1,
    };
    if cell.header.state.transition_to_terminal(released) {
        // SAFETY: that was the last reference.
        unsafe { dealloc::<F, S>(raw.header_ptr()) };
    }
}

/// Replaces the stage, with the task's id current so destructors can read it.
///
/// # Safety
///
/// - The caller has exclusive access to the stage (R1 or R3).
unsafe fn set_stage<F: Future, S>(core: &Core<F, S>, id: super::Id, stage: Stage<F>) {
    let _task = context::TaskGuard::enter(id, None);
    // SAFETY: the caller's duty.
    unsafe { replace_stage(core, stage) };
}

/// Replaces the stage; the caller has made the task's id current if a destructor may run.
///
/// # Safety
///
/// - The caller has exclusive access to the stage (R1 or R3).
unsafe fn replace_stage<F: Future, S>(core: &Core<F, S>, stage: Stage<F>) {
    // SAFETY: exclusive access by the caller's duty.
    core.stage.with_mut(|ptr| unsafe { *ptr = stage });
}
