//! A cloneable, thread-safe handle to a runtime.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::Location;

use super::context::{self, SetCurrentGuard, ThreadLocalDestroyed};
use super::scheduler;
use crate::task::JoinHandle;

/// A handle to the runtime: spawns tasks and enters the runtime's context from any thread.
///
/// Cheap to clone. Obtained with [`Runtime::handle`](super::Runtime::handle) or, from inside
/// the runtime, [`Handle::current`]. A handle does not keep the runtime running: once the
/// runtime is dropped, tasks spawned through it are cancelled at once.
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: scheduler::Handle,
}

/// The type of scheduler a runtime runs.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// The current-thread scheduler: tasks run on the thread calling `block_on`.
    CurrentThread,
    /// The multi-thread, work-stealing scheduler.
    MultiThread,
}

/// Guard for the runtime context entered with [`Handle::enter`] or
/// [`Runtime::enter`](super::Runtime::enter).
///
/// Guards must be dropped in the reverse order they were acquired.
#[must_use = "Dropping the guard immediately leaves the runtime's context"]
pub struct EnterGuard<'a> {
    _guard: SetCurrentGuard,
    _handle_lifetime: PhantomData<&'a Handle>,
}

impl Handle {
    /// Enters the runtime's context until the guard drops: [`spawn`](crate::spawn) and the
    /// drivers' resources then work on this thread.
    ///
    /// # Panics
    ///
    /// Dropping guards out of the order they were made panics.
    pub fn enter(&self) -> EnterGuard<'_> {
        EnterGuard {
            _guard: context::set_current(&self.inner),
            _handle_lifetime: PhantomData,
        }
    }

    /// Returns a handle to the runtime this thread is in (inside `block_on`, a task, a
    /// blocking-pool thread, or under an enter guard).
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, with the message "there is no reactor running, must be
    /// called from the context of an rt runtime". [`try_current`](Handle::try_current) does
    /// not panic.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = rt.block_on(async { rt_core::runtime::Handle::current() });
    /// std::thread::spawn(move || {
    ///     // Spawn from another thread through the handle.
    ///     handle.spawn(async {});
    /// }).join().unwrap();
    /// ```
    #[track_caller]
    pub fn current() -> Handle {
        context::expect_current(|inner| Handle {
            inner: inner.clone(),
        })
    }

    /// Returns a handle to the runtime this thread is in, or an error outside one.
    ///
    /// # Errors
    ///
    /// [`TryCurrentError`] when no runtime is entered, or when the thread-local context is
    /// being destroyed.
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        match context::with_current(|inner| inner.cloned()) {
            Ok(Some(inner)) => Ok(Handle { inner }),
            Ok(None) => Err(TryCurrentError {
                kind: TryCurrentErrorKind::NoContext,
            }),
            Err(ThreadLocalDestroyed) => Err(TryCurrentError {
                kind: TryCurrentErrorKind::ThreadLocalDestroyed,
            }),
        }
    }

    /// Spawns a future onto the runtime. See [`spawn`](crate::spawn).
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.inner.spawn(future, None, Location::caller())
    }

    /// Runs the provided closure on the runtime's blocking pool. See
    /// [`spawn_blocking`](crate::task::spawn_blocking).
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.inner.spawn_blocking(func, Location::caller())
    }

    /// Runs a future to completion on this thread, inside the runtime's context.
    ///
    /// Unlike [`Runtime::block_on`](super::Runtime::block_on), this does not drive the
    /// current-thread scheduler: tasks spawned on a current-thread runtime make progress only
    /// while some thread runs `Runtime::block_on`. The future itself is polled here.
    ///
    /// # Panics
    ///
    /// Panics if called from within a runtime (inside an asynchronous context).
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter = context::enter_runtime(&self.inner);
        super::park_thread_block_on(future)
    }

    /// Returns a view of the runtime's metrics.
    pub fn metrics(&self) -> super::RuntimeMetrics {
        super::RuntimeMetrics::new(self.clone())
    }

    /// Returns the flavor of the runtime's scheduler.
    pub fn runtime_flavor(&self) -> RuntimeFlavor {
        match self.inner {
            scheduler::Handle::CurrentThread(_) => RuntimeFlavor::CurrentThread,
            scheduler::Handle::MultiThread(_) => RuntimeFlavor::MultiThread,
        }
    }

    /// Returns the [`Id`](super::Id) of the runtime.
    pub fn id(&self) -> super::Id {
        self.inner.runtime_id()
    }

    /// The handle a driver layer left for its resources (see
    /// [`DriverStack::insert_handle`](super::driver::DriverStack::insert_handle)).
    #[doc(hidden)]
    pub fn __driver_handle<T: std::any::Any>(&self) -> Option<&T> {
        self.inner.driver_handles().get::<T>()
    }

    /// Runs `f` with the driver handle of type `T` of the runtime this thread is in, without
    /// cloning the runtime handle: `Err` outside a runtime, `Ok(None)` in one built without
    /// that driver. The hot path of the layers' resources (a timer's registration).
    #[doc(hidden)]
    pub fn __with_current_driver<T: std::any::Any, R>(
        f: impl FnOnce(Result<Option<&T>, TryCurrentError>) -> R,
    ) -> R {
        let mut f = Some(f);
        let found = context::with_current(|inner| {
            let f = f.take().expect("called once");
            match inner {
                Some(inner) => f(Ok(inner.driver_handles().get::<T>())),
                None => f(Err(TryCurrentError {
                    kind: TryCurrentErrorKind::NoContext,
                })),
            }
        });
        match found {
            Ok(r) => r,
            Err(ThreadLocalDestroyed) => (f.take().expect("called once"))(Err(TryCurrentError {
                kind: TryCurrentErrorKind::ThreadLocalDestroyed,
            })),
        }
    }

    /// How many `spawn_blocking` tasks are queued or running: the paused clock of the time
    /// layer does not auto-advance while any is (as Tokio's).
    #[doc(hidden)]
    pub fn __blocking_tasks_in_flight(&self) -> usize {
        self.inner.blocking_spawner().in_flight()
    }

    /// The index of the multi-thread worker running on this thread, if it is one: lets a
    /// driver keep per-worker state (the time layer's timer wheels).
    #[doc(hidden)]
    pub fn __current_worker_index() -> Option<usize> {
        context::with_scheduler(|cx| match cx {
            Some(scheduler::Context::MultiThread(cx)) => Some(cx.worker_index()),
            _ => None,
        })
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("flavor", &self.runtime_flavor())
            .field("id", &self.id())
            .finish()
    }
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

/// Error returned by [`Handle::try_current`].
#[derive(Debug)]
pub struct TryCurrentError {
    kind: TryCurrentErrorKind,
}

#[derive(Debug, PartialEq, Eq)]
enum TryCurrentErrorKind {
    NoContext,
    ThreadLocalDestroyed,
}

impl TryCurrentError {
    /// Returns true if the call failed because no runtime is entered on this thread.
    pub fn is_missing_context(&self) -> bool {
        self.kind == TryCurrentErrorKind::NoContext
    }

    /// Returns true if the call failed because the thread-local holding the runtime context
    /// has been destroyed (a destructor running during thread exit).
    pub fn is_thread_local_destroyed(&self) -> bool {
        self.kind == TryCurrentErrorKind::ThreadLocalDestroyed
    }
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TryCurrentErrorKind::NoContext => f.write_str(context::NO_RUNTIME),
            TryCurrentErrorKind::ThreadLocalDestroyed => {
                f.write_str("The rt context thread-local variable has been destroyed.")
            }
        }
    }
}

impl Error for TryCurrentError {}
