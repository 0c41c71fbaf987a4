//! The schedulers a runtime can have, behind one handle type.

use std::future::Future;
use std::panic::Location;
use std::sync::Arc;
use std::task::Waker;

use super::blocking::Spawner;
use super::current_thread;
use super::driver::DriverHandles;
use crate::task::{self, JoinHandle};

/// A handle to whichever scheduler the runtime has.
#[derive(Clone, Debug)]
pub(crate) enum Handle {
    CurrentThread(Arc<current_thread::Handle>),
}

/// The scheduler driving the current thread.
pub(crate) enum Context {
    CurrentThread(current_thread::Context),
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
        }
    }

    pub(crate) fn driver_handles(&self) -> &DriverHandles {
        match self {
            Handle::CurrentThread(h) => &h.driver,
        }
    }

    pub(crate) fn runtime_id(&self) -> super::Id {
        match self {
            Handle::CurrentThread(h) => h.runtime_id,
        }
    }
}

impl Context {
    /// Defers `waker` until after the driver is next polled; true if accepted.
    pub(crate) fn defer(&self, waker: &Waker) -> bool {
        match self {
            Context::CurrentThread(cx) => {
                cx.defer(waker);
                true
            }
        }
    }
}
