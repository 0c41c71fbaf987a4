//! The schedulers a runtime can have, behind one handle type.

use std::future::Future;
use std::panic::Location;
use std::sync::Arc;
use std::task::Waker;

use super::blocking::Spawner;
use super::driver::DriverHandles;
use super::metrics::{SchedulerMetrics, WorkerMetrics};
use super::{current_thread, multi_thread};
use crate::task::{self, JoinHandle};

/// A handle to whichever scheduler the runtime has.
#[derive(Clone, Debug)]
pub(crate) enum Handle {
    CurrentThread(Arc<current_thread::Handle>),
    MultiThread(Arc<multi_thread::Handle>),
}

/// The scheduler driving the current thread.
pub(crate) enum Context {
    CurrentThread(current_thread::Context),
    MultiThread(multi_thread::Context),
}

impl Handle {
    pub(crate) fn spawn<F>(
        &self,
        future: F,
        name: Option<&str>,
        location: &'static Location<'static>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (future, id) = task::prepare(future, "task", name, location);
        match self {
            Handle::CurrentThread(h) => h.spawn(future, id),
            Handle::MultiThread(h) => h.spawn(future, id),
        }
    }

    #[track_caller]
    pub(crate) fn spawn_blocking<F, R>(
        &self,
        func: F,
        location: &'static Location<'static>,
    ) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.blocking_spawner().spawn_blocking(self, func, location)
    }

    pub(crate) fn blocking_spawner(&self) -> &Spawner {
        match self {
            Handle::CurrentThread(h) => &h.blocking_spawner,
            Handle::MultiThread(h) => &h.blocking_spawner,
        }
    }

    pub(crate) fn driver_handles(&self) -> &DriverHandles {
        match self {
            Handle::CurrentThread(h) => &h.driver,
            Handle::MultiThread(h) => &h.driver,
        }
    }

    pub(crate) fn runtime_id(&self) -> super::Id {
        match self {
            Handle::CurrentThread(h) => h.runtime_id,
            Handle::MultiThread(h) => h.runtime_id,
        }
    }

    pub(crate) fn scheduler_metrics(&self) -> &SchedulerMetrics {
        match self {
            Handle::CurrentThread(h) => &h.scheduler_metrics,
            Handle::MultiThread(h) => &h.scheduler_metrics,
        }
    }

    pub(crate) fn worker_metrics(&self) -> &[WorkerMetrics] {
        match self {
            Handle::CurrentThread(h) => std::slice::from_ref(&h.worker_metrics),
            Handle::MultiThread(h) => h.worker_metrics(),
        }
    }

    pub(crate) fn num_alive_tasks(&self) -> usize {
        match self {
            Handle::CurrentThread(h) => h.num_alive_tasks(),
            Handle::MultiThread(h) => h.num_alive_tasks(),
        }
    }

    pub(crate) fn spawned_tasks_count(&self) -> u64 {
        match self {
            Handle::CurrentThread(h) => h.spawned_tasks_count(),
            Handle::MultiThread(h) => h.spawned_tasks_count(),
        }
    }

    pub(crate) fn global_queue_depth(&self) -> usize {
        match self {
            Handle::CurrentThread(h) => h.global_queue_depth(),
            Handle::MultiThread(h) => h.global_queue_depth(),
        }
    }

    pub(crate) fn worker_local_queue_depth(&self, worker: usize) -> usize {
        match self {
            Handle::CurrentThread(h) => h.worker_metrics.local_queue_depth(),
            Handle::MultiThread(h) => h.worker_local_queue_depth(worker),
        }
    }
}

impl Context {
    /// The current-thread context this is known to be.
    pub(crate) fn expect_current_thread(&self) -> &current_thread::Context {
        match self {
            Context::CurrentThread(cx) => cx,
            Context::MultiThread(_) => unreachable!("not a current-thread context"),
        }
    }

    /// The multi-thread context this is known to be.
    pub(crate) fn expect_multi_thread(&self) -> &multi_thread::Context {
        match self {
            Context::MultiThread(cx) => cx,
            Context::CurrentThread(_) => unreachable!("not a multi-thread context"),
        }
    }

    /// Defers `waker` until after the driver is next polled.
    pub(crate) fn defer(&self, waker: &Waker) {
        match self {
            Context::CurrentThread(cx) => cx.defer(waker),
            Context::MultiThread(cx) => cx.defer(waker),
        }
    }
}
