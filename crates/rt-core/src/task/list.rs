//! The list of every live task a scheduler owns, so shutdown can cancel them all.
//!
//! An intrusive doubly-linked list through `Header::links` under one mutex: binding and
//! releasing a task allocate nothing. The list holds one reference per task (R0).

use std::future::Future;
use std::marker::PhantomData;
use std::ptr::NonNull;

use super::raw::{Header, RawTask};
use super::{Id, JoinHandle, Notified, Schedule, Task, new_task};
use crate::loom::{Mutex, lock};

/// A task's place in its owner's list. Only touched under the list's lock.
#[derive(Default)]
pub(crate) struct Links {
    prev: Option<NonNull<Header>>,
    next: Option<NonNull<Header>>,
    linked: bool,
}

pub(crate) struct OwnedTasks<S: 'static> {
    inner: Mutex<List>,
    _scheduler: PhantomData<fn(S)>,
}

struct List {
    head: Option<NonNull<Header>>,
    tail: Option<NonNull<Header>>,
    len: usize,
    closed: bool,
}

// SAFETY: the list only stores pointers, and touches the pointed-to links only under its
// lock. Tasks that are not `Send` are bound only through `bind_local`, whose caller keeps
// every operation that touches the future (shutdown) on the owning thread.
unsafe impl Send for List {}

impl<S: Schedule> OwnedTasks<S> {
    pub(crate) fn new() -> OwnedTasks<S> {
        OwnedTasks {
            inner: Mutex::new(List {
                head: None,
                tail: None,
                len: 0,
                closed: false,
            }),
            _scheduler: PhantomData,
        }
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
        let mut list = lock(&self.inner);
        if list.closed {
            drop(list);
            drop(notified);
            task.shutdown();
            return None;
        }
        let ptr = task.into_raw().header_ptr();
        // SAFETY: the task is new, so nothing else touches its links; the list's head is
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
        let mut list = lock(&self.inner);
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
        lock(&self.inner).closed = true;
        loop {
            let task = {
                let mut list = lock(&self.inner);
                let Some(ptr) = list.tail else { break };
                // SAFETY: the tail is linked and live, under the lock.
                unsafe { list.unlink(ptr) };
                // SAFETY: the list's reference passes to this Task.
                unsafe { Task::<S>::from_raw(RawTask::from_raw(ptr)) }
            };
            task.shutdown();
        }
    }

    pub(crate) fn len(&self) -> usize {
        lock(&self.inner).len
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
