//! The per-thread runtime context.
//!
//! One thread-local holds what code running on a thread needs to find its runtime: the
//! handle entered with `Runtime::enter` (so `spawn` and the drivers of the layers above find
//! their runtime without globals), the scheduler driving this thread, whether the thread is
//! inside a runtime (so nested `block_on` panics), the coop budget and the running task's id.

use std::cell::{Cell, RefCell};
use std::ptr;
use std::task::Waker;

use super::scheduler;
use crate::task::Id;

/// Set while a scheduler drives this thread; read by wakers to find the local queue.
pub(crate) struct Scoped<T> {
    inner: Cell<*const T>,
}

impl<T> Scoped<T> {
    const fn new() -> Scoped<T> {
        Scoped {
            inner: Cell::new(ptr::null()),
        }
    }

    /// Makes `t` current for the duration of `f`.
    pub(crate) fn set<R>(&self, t: &T, f: impl FnOnce() -> R) -> R {
        struct Reset<'a, T> {
            cell: &'a Cell<*const T>,
            prev: *const T,
        }
        impl<T> Drop for Reset<'_, T> {
            fn drop(&mut self) {
                self.cell.set(self.prev);
            }
        }
        let prev = self.inner.replace(t);
        let _reset = Reset {
            cell: &self.inner,
            prev,
        };
        f()
    }

    /// Runs `f` with the current value, if any.
    pub(crate) fn with<R>(&self, f: impl FnOnce(Option<&T>) -> R) -> R {
        let ptr = self.inner.get();
        // SAFETY: the pointer is set only by `set`, which keeps the referent borrowed and
        // resets the pointer before that borrow ends; so a non-null pointer is valid here.
        f(unsafe { ptr.as_ref() })
    }
}

/// Whether this thread is inside a runtime (driving tasks) and so must not block on one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum EnterRuntime {
    NotEntered,
    Entered,
}

/// The coop budget of the running task: `None` is unconstrained.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget(pub(crate) Option<u8>);

struct Context {
    /// The handle entered with `enter`, and how many guards are stacked on it.
    current: RefCell<Option<scheduler::Handle>>,
    depth: Cell<usize>,
    scheduler: Scoped<scheduler::Context>,
    runtime: Cell<EnterRuntime>,
    budget: Cell<Budget>,
    task_id: Cell<Option<Id>>,
    /// The running task asked to be polled again once the driver has been polled.
    yielded: Cell<bool>,
}

thread_local! {
    static CONTEXT: Context = const {
        Context {
            current: RefCell::new(None),
            depth: Cell::new(0),
            scheduler: Scoped::new(),
            runtime: Cell::new(EnterRuntime::NotEntered),
            budget: Cell::new(Budget(None)),
            task_id: Cell::new(None),
            yielded: Cell::new(false),
        }
    };
}

pub(crate) const NO_RUNTIME: &str =
    "there is no reactor running, must be called from the context of an rt runtime";
const THREAD_DESTROYED: &str = "the rt runtime context is being destroyed on this thread";

/// Runs `f` with the entered runtime handle, if any. `Err` if the thread-local is gone.
pub(crate) fn with_current<R>(
    f: impl FnOnce(Option<&scheduler::Handle>) -> R,
) -> Result<R, ThreadLocalDestroyed> {
    CONTEXT
        .try_with(|cx| f(cx.current.borrow().as_ref()))
        .map_err(|_| ThreadLocalDestroyed)
}

/// The thread-local context was already destroyed (a destructor ran during thread exit).
#[derive(Debug)]
pub(crate) struct ThreadLocalDestroyed;

/// Runs `f` with the entered handle, panicking with rt's message outside a runtime.
#[track_caller]
pub(crate) fn expect_current<R>(f: impl FnOnce(&scheduler::Handle) -> R) -> R {
    match with_current(|handle| handle.map(f)) {
        Ok(Some(r)) => r,
        Ok(None) => panic!("{NO_RUNTIME}"),
        Err(ThreadLocalDestroyed) => panic!("{THREAD_DESTROYED}"),
    }
}

/// Restores the previously entered handle when dropped.
pub(crate) struct SetCurrentGuard {
    prev: Option<scheduler::Handle>,
    depth: usize,
    _not_send: std::marker::PhantomData<*const ()>,
}

/// Makes `handle` the current one until the guard drops.
pub(crate) fn set_current(handle: &scheduler::Handle) -> SetCurrentGuard {
    CONTEXT.with(|cx| {
        let prev = cx.current.borrow_mut().replace(handle.clone());
        let depth = cx.depth.get() + 1;
        cx.depth.set(depth);
        SetCurrentGuard {
            prev,
            depth,
            _not_send: std::marker::PhantomData,
        }
    })
}

impl Drop for SetCurrentGuard {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|cx| {
            if cx.depth.get() != self.depth {
                if !std::thread::panicking() {
                    panic!("`EnterGuard` values dropped out of order. Guards returned by `rt::runtime::Handle::enter()` must be dropped in the reverse order as they were acquired.");
                }
                return;
            }
            *cx.current.borrow_mut() = self.prev.take();
            cx.depth.set(self.depth - 1);
        });
    }
}

/// Marks this thread as driving a runtime for the duration of the guard.
pub(crate) struct EnterRuntimeGuard {
    prev: EnterRuntime,
    _current: SetCurrentGuard,
}

const NESTED_RUNTIME: &str = "Cannot start a runtime from within a runtime. This happens because a function (like `block_on`) attempted to block the current thread while the thread is being used to drive asynchronous tasks.";

/// Enters the runtime on this thread: panics if the thread already drives one.
#[track_caller]
pub(crate) fn enter_runtime(handle: &scheduler::Handle) -> EnterRuntimeGuard {
    let entered = CONTEXT.with(|cx| {
        if cx.runtime.get() != EnterRuntime::NotEntered {
            return None;
        }
        cx.runtime.set(EnterRuntime::Entered);
        Some(EnterRuntime::NotEntered)
    });
    match entered {
        Some(prev) => EnterRuntimeGuard {
            prev,
            _current: set_current(handle),
        },
        None => panic!("{NESTED_RUNTIME}"),
    }
}

impl Drop for EnterRuntimeGuard {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|cx| cx.runtime.set(self.prev));
    }
}

/// Whether this thread drives a runtime (and so must not block).
pub(crate) fn runtime_entered() -> EnterRuntime {
    CONTEXT
        .try_with(|cx| cx.runtime.get())
        .unwrap_or(EnterRuntime::NotEntered)
}

/// Leaves the runtime for the duration of `f` (a blocking region: `block_in_place`), so
/// that `f` may block, even on another runtime.
pub(crate) fn exit_runtime<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(EnterRuntime);
    impl Drop for Reset {
        fn drop(&mut self) {
            let _ = CONTEXT.try_with(|cx| cx.runtime.set(self.0));
        }
    }
    let prev = CONTEXT.with(|cx| cx.runtime.replace(EnterRuntime::NotEntered));
    let _reset = Reset(prev);
    f()
}

/// Runs `f` with `cx` as this thread's scheduler context.
pub(crate) fn set_scheduler<R>(cx: &scheduler::Context, f: impl FnOnce() -> R) -> R {
    CONTEXT.with(|c| c.scheduler.set(cx, f))
}

/// Runs `f` with this thread's scheduler context, if any.
/// During thread-local destruction there is none.
pub(crate) fn with_scheduler<R>(f: impl FnOnce(Option<&scheduler::Context>) -> R) -> R {
    let mut f = Some(f);
    let take = |f: &mut Option<_>| f.take().expect("called once");
    match CONTEXT.try_with(|c| c.scheduler.with(|cx| take(&mut f)(cx))) {
        Ok(r) => r,
        Err(_) => take(&mut f)(None),
    }
}

/// Wakes `waker` after the scheduler next polls its driver (yield_now, coop), or now if no
/// scheduler drives this thread.
pub(crate) fn defer(waker: &Waker) {
    let deferred = CONTEXT
        .try_with(|c| {
            c.scheduler.with(|cx| match cx {
                Some(cx) => {
                    cx.defer(waker);
                    true
                }
                None => false,
            })
        })
        .unwrap_or(false);
    if !deferred {
        waker.wake_by_ref();
    }
}

pub(crate) fn budget<R>(f: impl FnOnce(&Cell<Budget>) -> R) -> Option<R> {
    CONTEXT.try_with(|c| f(&c.budget)).ok()
}

pub(crate) fn current_task_id() -> Option<Id> {
    CONTEXT.try_with(|c| c.task_id.get()).ok().flatten()
}

/// If the running task is `id`, records that it asked to yield and returns true.
pub(crate) fn request_yield(id: Id) -> bool {
    CONTEXT
        .try_with(|c| {
            let current = c.task_id.get() == Some(id);
            if current {
                c.yielded.set(true);
            }
            current
        })
        .unwrap_or(false)
}

/// Makes a task current until dropped (or [`exit`](TaskGuard::exit)ed): its id, a cleared
/// yield request, and for a poll a fresh coop budget. One thread-local access each way, as
/// this is on the path of every poll.
pub(crate) struct TaskGuard {
    prev_id: Option<Id>,
    prev_budget: Option<Budget>,
    prev_yielded: bool,
}

impl TaskGuard {
    /// Makes `id` current and, if `budget` is given, sets the coop budget to it.
    pub(crate) fn enter(id: Id, budget: Option<Budget>) -> TaskGuard {
        CONTEXT
            .try_with(|c| TaskGuard {
                prev_id: c.task_id.replace(Some(id)),
                prev_budget: budget.map(|b| c.budget.replace(b)),
                prev_yielded: c.yielded.replace(false),
            })
            // Lazily: a guard built here and dropped would reset the context.
            .unwrap_or_else(|_| TaskGuard {
                prev_id: None,
                prev_budget: None,
                prev_yielded: false,
            })
    }

    /// Restores the previous task and returns whether this one asked to yield.
    pub(crate) fn exit(self) -> bool {
        let this = std::mem::ManuallyDrop::new(self);
        CONTEXT.try_with(|c| this.restore(c)).unwrap_or(false)
    }

    fn restore(&self, c: &Context) -> bool {
        c.task_id.set(self.prev_id);
        if let Some(budget) = self.prev_budget {
            c.budget.set(budget);
        }
        c.yielded.replace(self.prev_yielded)
    }
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|c| self.restore(c));
    }
}
