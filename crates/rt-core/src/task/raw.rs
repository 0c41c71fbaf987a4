//! The task allocation and its type-erased handle.
//!
//! ```text
//! Box<Cell<F, S>> (one allocation, #[repr(C)])
//! ┌──────────────── Header ────────────────┬──────── Core<F, S> ────────┬─ Trailer ─┐
//! │ state │ vtable │ list links │ id │ ... │ scheduler S │ Stage<F>      │ join waker│
//! └────────────────────────────────────────┴─────────────────────────────┴───────────┘
//!   RawTask, Waker data, Task, Notified, JoinHandle and AbortHandle all point at Header.
//! ```

use std::future::Future;
use std::mem::offset_of;
use std::ptr::NonNull;
use std::task::{Poll, Waker};

use super::harness;
use super::list::Links;
use super::state::State;
use super::{Id, JoinError, Schedule};
use crate::loom::UnsafeCell;

/// The part of every task that code which does not know `F` or `S` may touch.
#[repr(C)]
pub(crate) struct Header {
    pub(crate) state: State,
    pub(crate) vtable: &'static Vtable,
    /// Links in the owner's task list; read and written only under that list's lock.
    pub(crate) links: UnsafeCell<Links>,
    pub(crate) id: Id,
}

/// What the future is at.
pub(crate) enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, JoinError>),
    Consumed,
}

/// The typed part: the scheduler the task belongs to and its future or output.
#[repr(C)]
pub(crate) struct Core<F: Future, S> {
    pub(crate) scheduler: S,
    /// Accessed by the thread that holds `RUNNING` (R1), or by the join handle after
    /// `COMPLETE` (R3), or by whoever deallocates.
    pub(crate) stage: UnsafeCell<Stage<F>>,
}

/// Accessed through the vtable's offset, by code that knows neither `F` nor `S`.
pub(crate) struct Trailer {
    /// The join handle's waker; ownership passes by the `JOIN_WAKER` bit (R4).
    pub(crate) waker: UnsafeCell<Option<Waker>>,
}

/// The whole allocation.
#[repr(C)]
pub(crate) struct Cell<F: Future, S> {
    pub(crate) header: Header,
    pub(crate) core: Core<F, S>,
    pub(crate) trailer: Trailer,
}

/// The operations that need `F` and `S`, resolved once per task type.
pub(crate) struct Vtable {
    /// Runs a notification; consumes its reference, unless the outcome hands it on.
    pub(crate) poll: unsafe fn(NonNull<Header>) -> PollOutcome,
    /// Hands a `Notified` (owning one reference) to the scheduler; the caller holds another.
    pub(crate) schedule: unsafe fn(NonNull<Header>),
    /// Frees the allocation.
    pub(crate) dealloc: unsafe fn(NonNull<Header>),
    /// Writes `Poll<Result<F::Output, JoinError>>` to `dst` if the output is ready.
    pub(crate) try_read_output: unsafe fn(NonNull<Header>, *mut (), &Waker),
    /// The slow path of dropping a `JoinHandle`; consumes its reference.
    pub(crate) drop_join_handle_slow: unsafe fn(NonNull<Header>),
    /// Cancels the task at runtime shutdown; consumes one reference.
    pub(crate) shutdown: unsafe fn(NonNull<Header>),
    /// Byte offset of the trailer from the header.
    pub(crate) trailer_offset: usize,
}

struct VtableFor<F, S>(std::marker::PhantomData<(F, S)>);

impl<F: Future + 'static, S: Schedule> VtableFor<F, S> {
    const VTABLE: Vtable = Vtable {
        poll: harness::poll::<F, S>,
        schedule: harness::schedule::<F, S>,
        dealloc: harness::dealloc::<F, S>,
        try_read_output: harness::try_read_output::<F, S>,
        drop_join_handle_slow: harness::drop_join_handle_slow::<F, S>,
        shutdown: harness::shutdown::<F, S>,
        trailer_offset: offset_of!(Cell<F, S>, trailer),
    };
}

/// A type-erased pointer to a task. Copying it does not count as a reference.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawTask {
    ptr: NonNull<Header>,
}

impl RawTask {
    /// Allocates a task holding the initial three references (R0).
    pub(crate) fn new<F, S>(future: F, scheduler: S, id: Id) -> RawTask
    where
        F: Future + 'static,
        S: Schedule,
    {
        let cell = Box::new(Cell {
            header: Header {
                state: State::new(),
                vtable: &VtableFor::<F, S>::VTABLE,
                links: UnsafeCell::new(Links::default()),
                id,
            },
            core: Core {
                scheduler,
                stage: UnsafeCell::new(Stage::Running(future)),
            },
            trailer: Trailer {
                waker: UnsafeCell::new(None),
            },
        });
        let ptr = NonNull::from(Box::leak(cell)).cast::<Header>();
        RawTask { ptr }
    }

    /// # Safety
    ///
    /// - `ptr` points at the header of a live task.
    pub(crate) unsafe fn from_raw(ptr: NonNull<Header>) -> RawTask {
        RawTask { ptr }
    }

    pub(crate) fn header_ptr(self) -> NonNull<Header> {
        self.ptr
    }

    pub(crate) fn header(&self) -> &Header {
        // SAFETY: a RawTask is only made for a live task, and every user of one holds a
        // reference (R0), so the header outlives `&self`.
        unsafe { self.ptr.as_ref() }
    }

    pub(crate) fn id(&self) -> Id {
        self.header().id
    }

    /// Runs a notification. Consumes the `Notified`'s reference, or, if the task must run
    /// again, hands it to the caller for the new notification.
    pub(crate) fn poll(self) -> PollOutcome {
        // SAFETY: the vtable matches the cell (set at allocation); the caller gives up the
        // notification's reference, which `poll` consumes.
        unsafe { (self.header().vtable.poll)(self.ptr) }
    }

    /// Cancels the task at shutdown. Consumes one reference.
    pub(crate) fn shutdown(self) {
        // SAFETY: as `poll`; the caller gives up the reference it held.
        unsafe { (self.header().vtable.shutdown)(self.ptr) }
    }

    /// Schedules a notification that owns a reference the caller made for it.
    ///
    /// # Safety
    ///
    /// - The caller made one reference for the notification (a transition returned `Submit`
    ///   or `true`) and still holds another one for the duration of the call.
    pub(crate) unsafe fn schedule(self) {
        // SAFETY: the vtable matches the cell; the caller's duties are the function's.
        unsafe { (self.header().vtable.schedule)(self.ptr) }
    }

    /// # Safety
    ///
    /// - `dst` points at a `Poll<Result<T, JoinError>>` where `T` is the task's output type.
    /// - The caller is the task's `JoinHandle` (holds `JOIN_INTEREST`).
    pub(crate) unsafe fn try_read_output(self, dst: *mut (), waker: &Waker) {
        // SAFETY: the caller's duties are the function's.
        unsafe { (self.header().vtable.try_read_output)(self.ptr, dst, waker) }
    }

    /// Drops the `JoinHandle`'s interest and its reference.
    ///
    /// # Safety
    ///
    /// - The caller is the task's `JoinHandle` and gives up its reference.
    pub(crate) unsafe fn drop_join_handle(self) {
        if self.header().state.drop_join_handle_fast() {
            return;
        }
        // SAFETY: the caller's duties are the function's.
        unsafe { (self.header().vtable.drop_join_handle_slow)(self.ptr) }
    }

    pub(crate) fn ref_inc(self) {
        self.header().state.ref_inc();
    }

    /// Drops one reference, freeing the task if it was the last.
    ///
    /// # Safety
    ///
    /// - The caller owns the reference it drops and does not use `self` afterwards unless
    ///   it holds another.
    pub(crate) unsafe fn drop_reference(self) {
        if self.header().state.ref_dec() {
            // SAFETY: that was the last reference: nobody else can reach the task.
            unsafe { (self.header().vtable.dealloc)(self.ptr) }
        }
    }

    /// The trailer, which holds the join waker.
    ///
    /// # Safety
    ///
    /// - The caller may read the trailer under rule R4.
    pub(crate) unsafe fn trailer(&self) -> &Trailer {
        let offset = self.header().vtable.trailer_offset;
        // SAFETY: the offset was computed by `offset_of!` for this cell's type, so the
        // pointer stays within the allocation and points at its `Trailer`.
        unsafe { self.ptr.cast::<u8>().add(offset).cast::<Trailer>().as_ref() }
    }
}

impl Trailer {
    /// # Safety
    ///
    /// - The caller owns the slot under rule R4.
    pub(crate) unsafe fn set_waker(&self, waker: Option<Waker>) {
        // SAFETY: exclusive access by the caller's duty.
        self.waker.with_mut(|ptr| unsafe { *ptr = waker });
    }

    /// # Safety
    ///
    /// - The caller may read the slot under rule R4.
    pub(crate) unsafe fn will_wake(&self, waker: &Waker) -> bool {
        // SAFETY: shared access by the caller's duty.
        self.waker
            .with(|ptr| unsafe { (*ptr).as_ref().is_some_and(|w| w.will_wake(waker)) })
    }

    /// # Safety
    ///
    /// - The caller may read the slot under rule R4.
    pub(crate) unsafe fn wake_join(&self) {
        // SAFETY: shared access by the caller's duty.
        self.waker.with(|ptr| match unsafe { &*ptr } {
            Some(waker) => waker.wake_by_ref(),
            None => panic!("join waker bit set without a waker"),
        });
    }
}

/// What became of a task after a poll.
#[must_use]
pub(crate) enum PollOutcome {
    /// It is idle, complete or freed: the notification's reference is gone.
    Done,
    /// It was woken while it ran: the caller owns a reference for a new notification.
    Woken,
    /// It yielded: as `Woken`, to be queued after the driver is polled.
    Yielded,
}

/// A read of a task's output: `Pending` until complete.
pub(crate) type ReadOutput<T> = Poll<Result<T, JoinError>>;
