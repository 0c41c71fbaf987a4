//! The list of every live task a scheduler owns, so shutdown can cancel them all.
//!
//! Intrusive doubly-linked lists through `Header::links`, so binding and releasing a task
//! allocate nothing. The tasks are spread over shards by id, each shard under its own
//! mutex, so workers binding and releasing tasks at once rarely meet on a lock or a cache
//! line. The list holds one reference per task (R0).
//!
//! Closing is one flag, read under each shard's lock: a bind either lands in its shard
//! before shutdown drains that shard, or sees the flag and cancels the task itself.

use std::future::Future;
use std::marker::PhantomData;
use std::ptr::NonNull;

use super::raw::{Header, RawTask};
use super::{Id, JoinHandle, Notified, Schedule, Task, new_task};
use crate::loom::atomic::{AtomicBool, Ordering::*};
use crate::loom::{Mutex, lock};

/// A task's place in its owner's list. Only touched under its shard's lock.
#[derive(Default)]
pub(crate) struct Links {
    prev: Option<NonNull<Header>>,
    next: Option<NonNull<Header>>,
    linked: bool,
}

pub(crate) struct OwnedTasks<S: 'static> {
    shards: Box<[Mutex<List>]>,
    /// `shards.len() - 1`: the shard count is a power of two.
    mask: usize,
    closed: AtomicBool,
    _scheduler: PhantomData<fn(S)>,
}

#[derive(Default)]
struct List {
    head: Option<NonNull<Header>>,
    tail: Option<NonNull<Header>>,
    len: usize,
    /// Tasks ever bound to this shard (the runtime's spawn count, summed over shards).
    spawned: u64,
}

// SAFETY: the list only stores pointers, and touches the pointed-to links only under its
// lock. Tasks that are not `Send` are bound only through `bind_local`, whose caller keeps
// every operation that touches the future (shutdown) on the owning thread.
unsafe impl Send for List {}

impl<S: Schedule> OwnedTasks<S> {
    /// A list with at least `shards` shards (rounded up to a power of two).
    pub(crate) fn new(shards: usize) -> OwnedTasks<S> {
        let shards = shards.max(1).next_power_of_two();
        OwnedTasks {
            shards: (0..shards).map(|_| Mutex::new(List::default())).collect(),
            mask: shards - 1,
            closed: AtomicBool::new(false),
            _scheduler: PhantomData,
        }
    }

    fn shard(&self, id: Id) -> &Mutex<List> {
        &self.shards[id.0.get() as usize & self.mask]
    }

    /// Creates a task and adds it to the list. `None` if the list is closed: the task was
    /// cancelled at once and its JoinHandle reports that.
    pub(crate) fn bind<F>(
        &self,
        future: F,
        scheduler: S,
        id: Id,
    ) -> (JoinHandle<F::Output>, Option<Notified<S>>)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (task, notified, join) = new_task(future, scheduler, id);
        (join, self.bind_inner(task, notified))
    }

    /// As `bind`, for a future that is not `Send`.
    ///
    /// # Safety
    ///
    /// - The caller polls, shuts down and drops every task of this list on one thread.
    pub(crate) unsafe fn bind_local<F>(
        &self,
        future: F,
        scheduler: S,
        id: Id,
    ) -> (JoinHandle<F::Output>, Option<Notified<S>>)
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let (task, notified, join) = new_task(future, scheduler, id);
        (join, self.bind_inner(task, notified))
    }

    fn bind_inner(&self, task: Task<S>, notified: Notified<S>) -> Option<Notified<S>> {
        let mut list = lock(self.shard(task.id()));
        list.spawned += 1;
        // Ordering: read under the shard lock, which `close_and_shutdown_all` takes after
        // setting the flag: either we see it, or the task is in the shard before the drain.
        if self.closed.load(Acquire) {
            drop(list);
            drop(notified);
            task.shutdown();
            return None;
        }
        let ptr = task.into_raw().header_ptr();
        // SAFETY: the task is new, so nothing else touches its links; the shard's head is
        // live while linked (the list holds its reference); both under the lock.
        unsafe {
            ptr.as_ref().links.with_mut(|links| {
                *links = Links {
                    prev: None,
                    next: list.head,
                    linked: true,
                };
            });
            if let Some(head) = list.head {
                head.as_ref()
                    .links
                    .with_mut(|links| (*links).prev = Some(ptr));
            }
        }
        list.head = Some(ptr);
        if list.tail.is_none() {
            list.tail = Some(ptr);
        }
        list.len += 1;
        Some(notified)
    }

    /// Takes the task out of the list, returning the list's reference; `None` if it is not
    /// in the list (already removed at shutdown).
    pub(crate) fn remove(&self, task: &Task<S>) -> Option<Task<S>> {
        let ptr = task.raw().header_ptr();
        let mut list = lock(self.shard(task.id()));
        // SAFETY: `task` keeps the task live; its links are touched only under this lock.
        if !unsafe { ptr.as_ref().links.with(|links| (*links).linked) } {
            return None;
        }
        // SAFETY: linked tasks are live (the list holds their references), under the lock.
        unsafe { list.unlink(ptr) };
        // SAFETY: the list's reference passes to the returned Task.
        Some(unsafe { Task::from_raw(RawTask::from_raw(ptr)) })
    }

    /// Closes the list to new tasks and shuts down every task in it.
    pub(crate) fn close_and_shutdown_all(&self) {
        // Ordering: Release pairs with the Acquire in `bind_inner` (and the shard locks
        // taken below order it before any later bind of those shards).
        self.closed.store(true, Release);
        for shard in self.shards.iter() {
            loop {
                let task = {
                    let mut list = lock(shard);
                    let Some(ptr) = list.tail else { break };
                    // SAFETY: the tail is linked and live, under the lock.
                    unsafe { list.unlink(ptr) };
                    // SAFETY: the list's reference passes to this Task.
                    unsafe { Task::<S>::from_raw(RawTask::from_raw(ptr)) }
                };
                task.shutdown();
            }
        }
    }

    /// The number of tasks in the list (locks each shard in turn: for metrics and checks).
    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(|shard| lock(shard).len).sum()
    }

    /// The number of tasks ever bound (locks each shard in turn: for metrics).
    pub(crate) fn spawned_count(&self) -> u64 {
        self.shards.iter().map(|shard| lock(shard).spawned).sum()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl List {
    /// # Safety
    ///
    /// - `ptr` is linked in this list; the caller holds the list's lock.
    unsafe fn unlink(&mut self, ptr: NonNull<Header>) {
        // SAFETY: linked tasks and their neighbours are live; exclusive under the lock.
        unsafe {
            let links = ptr
                .as_ref()
                .links
                .with_mut(|links| std::mem::take(&mut *links));
            match links.prev {
                Some(prev) => prev.as_ref().links.with_mut(|l| (*l).next = links.next),
                None => self.head = links.next,
            }
            match links.next {
                Some(next) => next.as_ref().links.with_mut(|l| (*l).prev = links.prev),
                None => self.tail = links.prev,
            }
        }
        self.len -= 1;
    }
}
