//! A collection of tasks awaited in completion order.

use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, poll_fn};
use std::panic;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use super::{AbortHandle, Id, JoinError, JoinHandle, LocalSet};
use crate::loom::atomic::{AtomicBool, Ordering::AcqRel};
use crate::loom::{Mutex, lock};
use crate::runtime::Handle;

/// A collection of tasks spawned on a runtime, whose outputs are taken in the order the
/// tasks complete.
///
/// All tasks must have the same output type `T`. Dropping a `JoinSet` aborts every task in
/// it; [`detach_all`](JoinSet::detach_all) lets them run on instead.
///
/// # Examples
///
/// ```
/// # let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut set = rt_core::task::JoinSet::new();
/// for i in 0..10 {
///     set.spawn(async move { i });
/// }
/// let mut seen = [false; 10];
/// while let Some(res) = set.join_next().await {
///     seen[res.unwrap()] = true;
/// }
/// assert!(seen.iter().all(|&b| b));
/// # });
/// ```
pub struct JoinSet<T> {
    entries: Vec<Option<Entry<T>>>,
    free: Vec<usize>,
    len: usize,
    ready: Arc<ReadyQueue>,
}

struct Entry<T> {
    handle: JoinHandle<T>,
    notify: Arc<EntryWaker>,
    waker: Waker,
}

/// The indices of entries whose handles were woken, and the waker of the set's owner.
struct ReadyQueue {
    inner: Mutex<Ready>,
}

struct Ready {
    indices: VecDeque<usize>,
    parent: Option<Waker>,
}

/// The waker given to one entry's handle: queues the entry and wakes the owner.
struct EntryWaker {
    index: usize,
    queued: AtomicBool,
    ready: Arc<ReadyQueue>,
}

impl Wake for EntryWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Ordering: AcqRel pairs with the owner's reset before it polls the entry.
        if self.queued.swap(true, AcqRel) {
            return;
        }
        let parent = {
            let mut ready = lock(&self.ready.inner);
            ready.indices.push_back(self.index);
            ready.parent.take()
        };
        if let Some(parent) = parent {
            parent.wake();
        }
    }
}

impl<T> JoinSet<T> {
    /// Creates a new, empty `JoinSet`.
    pub fn new() -> JoinSet<T> {
        JoinSet {
            entries: Vec::new(),
            free: Vec::new(),
            len: 0,
            ready: Arc::new(ReadyQueue {
                inner: Mutex::new(Ready {
                    indices: VecDeque::new(),
                    parent: None,
                }),
            }),
        }
    }

    /// Returns the number of tasks currently in the set.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Returns whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn insert(&mut self, handle: JoinHandle<T>) -> AbortHandle {
        let abort = handle.abort_handle();
        let index = self.free.pop().unwrap_or_else(|| {
            self.entries.push(None);
            self.entries.len() - 1
        });
        // A new entry starts queued, so its first poll registers its waker.
        let notify = Arc::new(EntryWaker {
            index,
            queued: AtomicBool::new(true),
            ready: self.ready.clone(),
        });
        let waker = Waker::from(notify.clone());
        self.entries[index] = Some(Entry {
            handle,
            notify,
            waker,
        });
        lock(&self.ready.inner).indices.push_back(index);
        self.len += 1;
        abort
    }

    /// Aborts all tasks in the set. They are still in the set: awaiting them reports the
    /// cancellation (or the output of those that completed first).
    pub fn abort_all(&mut self) {
        for entry in self.entries.iter().flatten() {
            entry.handle.abort();
        }
    }

    /// Removes all tasks from the set without aborting them: they keep running, detached.
    pub fn detach_all(&mut self) {
        self.entries.clear();
        self.free.clear();
        self.len = 0;
        lock(&self.ready.inner).indices.clear();
    }

    /// Waits until one of the tasks in the set completes and returns its output.
    ///
    /// Returns `None` if the set is empty.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if the future is dropped before completing, no output is
    /// lost; the task stays in the set.
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// As [`join_next`](JoinSet::join_next), also returning the task's [`Id`].
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe, as `join_next`.
    pub async fn join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        poll_fn(|cx| self.poll_join_next_with_id(cx)).await
    }

    /// Returns the output of a completed task without waiting, if there is one.
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        self.try_join_next_with_id()
            .map(|res| res.map(|(_, output)| output))
    }

    /// As [`try_join_next`](JoinSet::try_join_next), also returning the task's [`Id`].
    pub fn try_join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        match self.poll_next_ready() {
            Poll::Ready(res) => res,
            Poll::Pending => None,
        }
    }

    /// Polls for one of the tasks in the set to complete.
    ///
    /// Returns `Poll::Ready(None)` if the set is empty; on `Pending`, the waker of `cx` is
    /// woken when a task completes. Only the waker of the last call is kept.
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        self.poll_join_next_with_id(cx)
            .map(|res| res.map(|res| res.map(|(_, output)| output)))
    }

    /// As [`poll_join_next`](JoinSet::poll_join_next), also returning the task's [`Id`].
    pub fn poll_join_next_with_id(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(Id, T), JoinError>>> {
        if self.len == 0 {
            return Poll::Ready(None);
        }
        {
            let mut ready = lock(&self.ready.inner);
            if !ready
                .parent
                .as_ref()
                .is_some_and(|w| w.will_wake(cx.waker()))
            {
                ready.parent = Some(cx.waker().clone());
            }
        }
        self.poll_next_ready()
    }

    /// Polls the queued entries until one completes.
    fn poll_next_ready(&mut self) -> Poll<Option<Result<(Id, T), JoinError>>> {
        if self.len == 0 {
            return Poll::Ready(None);
        }
        loop {
            let Some(index) = lock(&self.ready.inner).indices.pop_front() else {
                return Poll::Pending;
            };
            let Some(Some(entry)) = self.entries.get_mut(index) else {
                // A stale wake of an entry already removed.
                continue;
            };
            // Ordering: see `EntryWaker::wake_by_ref`.
            entry.notify.queued.swap(false, AcqRel);
            let mut entry_cx = Context::from_waker(&entry.waker);
            match Pin::new(&mut entry.handle).poll(&mut entry_cx) {
                Poll::Ready(res) => {
                    let id = entry.handle.id();
                    self.entries[index] = None;
                    self.free.push(index);
                    self.len -= 1;
                    return Poll::Ready(Some(res.map(|output| (id, output))));
                }
                // Out of budget: the handle deferred the entry's wake-up, which wakes the
                // owner in turn; polling more entries now would only fail the same way.
                Poll::Pending if !super::has_budget_remaining() => return Poll::Pending,
                Poll::Pending => {}
            }
        }
    }

    /// Aborts all tasks and waits for them to finish shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe in the sense that dropping the future mid-way loses nothing that was
    /// not being discarded: the aborts were requested, and the tasks not yet joined stay
    /// in the set.
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Awaits the completion of all tasks in the set and returns their outputs, in
    /// completion order.
    ///
    /// # Panics
    ///
    /// If a task panicked, this resumes the panic; if one was cancelled, this panics.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: the set is moved into the future, so dropping the future drops the
    /// outputs collected so far and aborts the tasks still running.
    pub async fn join_all(mut self) -> Vec<T> {
        let mut output = Vec::with_capacity(self.len());
        while let Some(res) = self.join_next().await {
            match res {
                Ok(value) => output.push(value),
                Err(err) if err.is_panic() => panic::resume_unwind(err.into_panic()),
                Err(err) => panic!("{err}"),
            }
        }
        output
    }
}

impl<T: 'static> JoinSet<T> {
    /// Spawns the task on the current runtime and adds it to the set.
    ///
    /// # Panics
    ///
    /// Panics if called outside a runtime.
    #[track_caller]
    pub fn spawn<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send,
    {
        self.insert(super::spawn(task))
    }

    /// Spawns the task on the runtime of `handle` and adds it to the set.
    #[track_caller]
    pub fn spawn_on<F>(&mut self, task: F, handle: &Handle) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send,
    {
        self.insert(handle.spawn(task))
    }

    /// Spawns the `!Send` task on the current [`LocalSet`] and adds it to the set.
    ///
    /// # Panics
    ///
    /// Panics if called outside a `LocalSet`.
    #[track_caller]
    pub fn spawn_local<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
    {
        self.insert(super::spawn_local(task))
    }

    /// Spawns the `!Send` task on `local_set` and adds it to the set.
    #[track_caller]
    pub fn spawn_local_on<F>(&mut self, task: F, local_set: &LocalSet) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
    {
        self.insert(local_set.spawn_local(task))
    }

    /// Runs the blocking closure on the blocking pool and adds it to the set.
    ///
    /// # Panics
    ///
    /// Panics if called outside a runtime.
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send,
    {
        self.insert(super::spawn_blocking(f))
    }

    /// Runs the blocking closure on the blocking pool of `handle`'s runtime and adds it to
    /// the set.
    #[track_caller]
    pub fn spawn_blocking_on<F>(&mut self, f: F, handle: &Handle) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send,
    {
        self.insert(handle.spawn_blocking(f))
    }
}

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        self.abort_all();
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> JoinSet<T> {
        JoinSet::new()
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len).finish()
    }
}

/// Spawns each future on the current runtime.
impl<T, F> FromIterator<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    #[track_caller]
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> JoinSet<T> {
        let mut set = JoinSet::new();
        set.extend(iter);
        set
    }
}

/// Spawns each future on the current runtime.
impl<T, F> Extend<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    #[track_caller]
    fn extend<I: IntoIterator<Item = F>>(&mut self, iter: I) {
        for future in iter {
            self.spawn(future);
        }
    }
}
