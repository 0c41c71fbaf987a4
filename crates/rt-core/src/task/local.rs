//! `!Send` tasks, run on the thread that drives their `LocalSet`.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::Location;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use super::list::OwnedTasks;
use super::{JoinHandle, Notified, Schedule, Task};
use crate::loom::{Mutex, lock};
use crate::runtime::Runtime;

/// Tasks run per `LocalSet` poll before it yields back to the runtime.
const MAX_TASKS_PER_TICK: usize = 61;
/// Every this many tasks, the remote queue is looked at first, for fairness.
const REMOTE_FIRST_INTERVAL: u8 = 31;

/// A set of tasks which are executed on the same thread.
///
/// In some cases it is necessary to run futures that do not implement `Send` (they use
/// `Rc`, `RefCell`, …). Such tasks are spawned on a `LocalSet` with [`spawn_local`] or
/// [`LocalSet::spawn_local`], and run only while the set is driven — by
/// [`run_until`](LocalSet::run_until), [`block_on`](LocalSet::block_on), or by awaiting the
/// set itself — always on the thread that drives it.
///
/// Dropping the set cancels its remaining tasks and drops their futures, on its thread.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
/// let local = rt_core::task::LocalSet::new();
/// let shared = Rc::new(41);
/// let out = local.block_on(&rt, async move {
///     let shared2 = shared.clone();
///     rt_core::task::spawn_local(async move { *shared2 + 1 }).await.unwrap()
/// });
/// assert_eq!(out, 42);
/// ```
pub struct LocalSet {
    tick: std::cell::Cell<u8>,
    context: Rc<LocalContext>,
    _not_send: PhantomData<*const ()>,
}

/// The part of a `LocalSet` that only its thread touches.
struct LocalContext {
    shared: Arc<Shared>,
    queue: RefCell<VecDeque<Notified<Arc<Shared>>>>,
    /// The set is being polled: a task queued now runs in this poll, without a wake.
    polling: std::cell::Cell<bool>,
}

/// The part that wakers on other threads reach.
struct Shared {
    owned: OwnedTasks<Arc<Shared>>,
    /// Notifications from outside the set's context; `None` once the set is dropped.
    remote: Mutex<Option<VecDeque<Notified<Arc<Shared>>>>>,
    /// The waker of whoever drives the set.
    waker: Mutex<Option<Waker>>,
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<LocalContext>>> = const { RefCell::new(None) };
}

/// Spawns a `!Send` future on the current [`LocalSet`].
///
/// The task runs on the set's thread; its handle can be awaited from anywhere.
///
/// # Panics
///
/// Panics if called outside a `LocalSet` (outside `run_until`, `block_on`, a poll of the set,
/// or a [`LocalSet::enter`] guard).
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
/// let local = rt_core::task::LocalSet::new();
/// local.block_on(&rt, async {
///     let rc = Rc::new("not Send");
///     let out = rt_core::task::spawn_local(async move { *rc }).await.unwrap();
///     assert_eq!(out, "not Send");
/// });
/// ```
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    spawn_local_inner(future, None)
}

#[track_caller]
pub(super) fn spawn_local_inner<F>(future: F, name: Option<&str>) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let cx = CURRENT.with(|current| current.borrow().clone());
    match cx {
        Some(cx) => cx.spawn(future, name),
        None => panic!("`spawn_local` called from outside of a `task::LocalSet` or LocalRuntime"),
    }
}

impl LocalSet {
    /// Returns a new, empty local task set.
    pub fn new() -> LocalSet {
        LocalSet {
            tick: std::cell::Cell::new(0),
            context: Rc::new(LocalContext {
                shared: Arc::new(Shared {
                    owned: OwnedTasks::new(1),
                    remote: Mutex::new(Some(VecDeque::new())),
                    waker: Mutex::new(None),
                }),
                queue: RefCell::new(VecDeque::new()),
                polling: std::cell::Cell::new(false),
            }),
            _not_send: PhantomData,
        }
    }

    /// Enters the set's context, so [`spawn_local`] puts tasks on it, until the guard drops.
    pub fn enter(&self) -> LocalEnterGuard {
        let prev = CURRENT.with(|current| current.borrow_mut().replace(self.context.clone()));
        LocalEnterGuard {
            prev,
            _not_send: PhantomData,
        }
    }

    /// Spawns a `!Send` task onto the set. It runs only while the set is driven.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = rt_core::task::LocalSet::new();
    /// let handle = local.spawn_local(async { 7 });
    /// assert_eq!(local.block_on(&rt, handle).unwrap(), 7);
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.spawn_named(future, None)
    }

    #[track_caller]
    pub(super) fn spawn_named<F>(&self, future: F, name: Option<&str>) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.context.spawn(future, name)
    }

    /// Runs `future` to completion on `rt`, driving the set's tasks alongside it.
    ///
    /// # Panics
    ///
    /// Panics if called inside a runtime, as `Runtime::block_on` does.
    #[track_caller]
    pub fn block_on<F: Future>(&self, rt: &Runtime, future: F) -> F::Output {
        rt.block_on(self.run_until(future))
    }

    /// Runs `future` to completion, driving the set's tasks alongside it; must be awaited
    /// within a runtime.
    ///
    /// # Cancel safety
    ///
    /// Dropping the returned future drops `future`; the set's tasks stay in the set.
    pub async fn run_until<F: Future>(&self, future: F) -> F::Output {
        RunUntil {
            local_set: self,
            future,
        }
        .await
    }

    /// Runs `f` (a poll of the set) with the set's context entered and marked as polling.
    fn with_polling<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Reset<'a>(&'a std::cell::Cell<bool>, bool);
        impl Drop for Reset<'_> {
            fn drop(&mut self) {
                self.0.set(self.1);
            }
        }
        let _guard = self.enter();
        let _reset = Reset(&self.context.polling, self.context.polling.replace(true));
        f()
    }

    /// Runs up to a tick's worth of tasks; true if tasks remain queued.
    fn tick(&self) -> bool {
        for _ in 0..MAX_TASKS_PER_TICK {
            let tick = self.tick.get().wrapping_add(1);
            self.tick.set(tick);
            let task = if tick % REMOTE_FIRST_INTERVAL == 0 {
                self.pop_remote().or_else(|| self.pop_local())
            } else {
                self.pop_local().or_else(|| self.pop_remote())
            };
            match task {
                Some(task) => {
                    if let Some(again) = task.run() {
                        // The outer runtime's driver runs when the set yields (`tick`
                        // reports work left), so a yielded task needs no deferral here.
                        self.context
                            .queue
                            .borrow_mut()
                            .push_back(again.into_notified());
                    }
                }
                None => return false,
            }
        }
        true
    }

    fn pop_local(&self) -> Option<Notified<Arc<Shared>>> {
        self.context.queue.borrow_mut().pop_front()
    }

    fn pop_remote(&self) -> Option<Notified<Arc<Shared>>> {
        lock(&self.context.shared.remote)
            .as_mut()
            .and_then(VecDeque::pop_front)
    }

    fn register_waker(&self, waker: &Waker) {
        let mut slot = lock(&self.context.shared.waker);
        if !slot.as_ref().is_some_and(|w| w.will_wake(waker)) {
            *slot = Some(waker.clone());
        }
    }
}

impl Default for LocalSet {
    fn default() -> LocalSet {
        LocalSet::new()
    }
}

impl LocalContext {
    #[track_caller]
    fn spawn<F>(&self, future: F, name: Option<&str>) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let (future, id) = super::prepare(future, "local", name, Location::caller());
        // SAFETY: a LocalSet is `!Send`, and its tasks are polled (`tick`), shut down and
        // dropped (`Drop for LocalSet`) only through it, so all on its thread. Notifications
        // crossing threads only carry the pointer.
        let (join, notified) = unsafe {
            self.shared
                .owned
                .bind_local(future, self.shared.clone(), id)
        };
        if let Some(notified) = notified {
            self.shared.schedule(notified);
        }
        join
    }
}

impl Schedule for Arc<Shared> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.owned.remove(task)
    }

    fn schedule(&self, task: Notified<Self>) {
        let local = CURRENT
            .try_with(|current| match current.borrow().as_ref() {
                Some(cx) if Arc::ptr_eq(&cx.shared, self) => Some(cx.polling.get()),
                _ => None,
            })
            .unwrap_or(None);
        if let Some(polling) = local {
            CURRENT.with(|current| {
                if let Some(cx) = current.borrow().as_ref() {
                    cx.queue.borrow_mut().push_back(task);
                }
            });
            // Entered but not being polled (an `enter` guard): the set must be woken.
            if !polling {
                self.wake_owner();
            }
            return;
        }
        match lock(&self.remote).as_mut() {
            Some(queue) => queue.push_back(task),
            // The set is gone and its tasks were cancelled: this only drops a reference.
            None => return,
        }
        self.wake_owner();
    }
}

impl Shared {
    /// Wakes whoever drives the set.
    fn wake_owner(&self) {
        let waker = lock(&self.waker).take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// Drives the set's tasks while polling `future`.
struct RunUntil<'a, F> {
    local_set: &'a LocalSet,
    future: F,
}

impl<F: Future> Future for RunUntil<'_, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `future` is structurally pinned: never moved out of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above.
        let future = unsafe { Pin::new_unchecked(&mut me.future) };
        let local_set = me.local_set;
        local_set.with_polling(|| {
            local_set.register_waker(cx.waker());
            if let Poll::Ready(output) = super::budget(|| future.poll(cx)) {
                return Poll::Ready(output);
            }
            if local_set.tick() {
                // Tasks remain: come back after the runtime's other work.
                cx.waker().wake_by_ref();
            }
            Poll::Pending
        })
    }
}

/// Awaiting a `LocalSet` runs its tasks until all of them complete.
impl Future for LocalSet {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let local_set = &*self;
        local_set.with_polling(|| {
            local_set.register_waker(cx.waker());
            if local_set.tick() {
                cx.waker().wake_by_ref();
                Poll::Pending
            } else if local_set.context.shared.owned.is_empty() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }
}

impl Drop for LocalSet {
    fn drop(&mut self) {
        self.with_polling(|| {
            let shared = &self.context.shared;
            // Cancels every task on this thread: their futures are dropped here.
            shared.owned.close_and_shutdown_all();
            // What is left queued are references to completed tasks.
            let remote = lock(&shared.remote).take();
            drop(remote);
            let local = std::mem::take(&mut *self.context.queue.borrow_mut());
            drop(local);
        });
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSet").finish_non_exhaustive()
    }
}

/// Context guard for [`LocalSet::enter`]: while it lives, [`spawn_local`] spawns on the set.
pub struct LocalEnterGuard {
    prev: Option<Rc<LocalContext>>,
    _not_send: PhantomData<*const ()>,
}

impl Drop for LocalEnterGuard {
    fn drop(&mut self) {
        let prev = self.prev.take();
        let _ = CURRENT.try_with(|current| *current.borrow_mut() = prev);
    }
}

impl fmt::Debug for LocalEnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalEnterGuard").finish_non_exhaustive()
    }
}
