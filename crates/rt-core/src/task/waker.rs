//! Task wakers: the task pointer with a static vtable.
//!
//! A `Waker` owns one task reference: `clone` adds one, `drop` removes one, `wake` consumes
//! its own, `wake_by_ref` keeps it (R2).

use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

use super::raw::{Header, RawTask};
use super::state::TransitionToNotified;

static WAKER_VTABLE: RawWakerVTable =
    RawWakerVTable::new(clone, wake_by_val, wake_by_ref, drop_waker);

/// A waker borrowed for one poll: made without a reference, never dropped.
pub(crate) struct WakerRef {
    waker: ManuallyDrop<Waker>,
}

impl Deref for WakerRef {
    type Target = Waker;

    fn deref(&self) -> &Waker {
        &self.waker
    }
}

/// Makes a waker for `raw` that lives no longer than the running turn's reference.
pub(super) fn waker_ref(raw: RawTask) -> WakerRef {
    let data = raw.header_ptr().as_ptr() as *const ();
    // SAFETY: the vtable's functions uphold the RawWaker contract for a task pointer; the
    // waker is never dropped (ManuallyDrop), so it never gives up a reference it did not
    // take, and it is used only while the poller holds its reference.
    let waker = unsafe { Waker::from_raw(RawWaker::new(data, &WAKER_VTABLE)) };
    WakerRef {
        waker: ManuallyDrop::new(waker),
    }
}

fn raw_task(data: *const ()) -> RawTask {
    // SAFETY: wakers are only made from task header pointers (non-null) of live tasks, and
    // each waker holds a reference keeping its task live.
    unsafe { RawTask::from_raw(NonNull::new_unchecked(data as *mut Header)) }
}

/// If `waker` is the running task's own, records that the task asks to be polled again
/// after the driver and returns true: the harness then reschedules it without any wake.
pub(crate) fn yield_current_task(waker: &Waker) -> bool {
    if !std::ptr::eq(waker.vtable(), &WAKER_VTABLE) {
        return false;
    }
    // A task waker's data is its header, kept live by the waker.
    crate::runtime::context::request_yield(raw_task(waker.data()).id())
}

unsafe fn clone(data: *const ()) -> RawWaker {
    raw_task(data).ref_inc();
    RawWaker::new(data, &WAKER_VTABLE)
}

unsafe fn wake_by_val(data: *const ()) {
    let raw = raw_task(data);
    match raw.header().state.transition_to_notified_by_val() {
        TransitionToNotified::DoNothing => {}
        TransitionToNotified::Submit => {
            // SAFETY: the transition made the notification's reference; the waker's own
            // is held across the call and dropped after it (R2).
            unsafe {
                raw.schedule();
                raw.drop_reference();
            }
        }
        TransitionToNotified::Dealloc => {
            // SAFETY: the waker's reference was the last.
            unsafe { (raw.header().vtable.dealloc)(raw.header_ptr()) }
        }
    }
}

unsafe fn wake_by_ref(data: *const ()) {
    let raw = raw_task(data);
    match raw.header().state.transition_to_notified_by_ref() {
        TransitionToNotified::DoNothing => {}
        // SAFETY: the transition made the notification's reference; the waker holds its own.
        TransitionToNotified::Submit => unsafe { raw.schedule() },
        TransitionToNotified::Dealloc => unreachable!("wake_by_ref never drops a reference"),
    }
}

unsafe fn drop_waker(data: *const ()) {
    // SAFETY: the waker owns the reference it drops.
    unsafe { raw_task(data).drop_reference() }
}
