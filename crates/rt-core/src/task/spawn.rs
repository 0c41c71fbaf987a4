//! Spawning tasks onto the current runtime.

use std::future::Future;
use std::io;
use std::panic::Location;

use super::{Id, JoinHandle, LocalSet};
use crate::runtime::{Handle, context};

/// Spawns a new asynchronous task, returning a [`JoinHandle`] for it.
///
/// The task starts running in the background right away, even if the handle is never
/// awaited; dropping the handle detaches the task. A panic in the task is caught and
/// reported through the handle as a [`JoinError`](super::JoinError); it never takes down the
/// thread that ran it.
///
/// # Panics
///
/// Panics if called from outside a runtime (a thread that neither runs `block_on` nor holds
/// a guard from [`Handle::enter`]).
///
/// # Examples
///
/// ```
/// # let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let handle = rt_core::spawn(async { "hello from a task" });
/// assert_eq!(handle.await.unwrap(), "hello from a task");
/// # });
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    spawn_inner(future, None)
}

#[track_caller]
fn spawn_inner<F>(future: F, name: Option<&str>) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let location = Location::caller();
    context::expect_current(|handle| handle.spawn(future, name, location))
}

/// Wraps the future in a tracing span naming the task (feature `tracing`).
#[cfg(feature = "tracing")]
fn instrument<F>(
    future: F,
    kind: &'static str,
    name: Option<&str>,
    id: Id,
    location: &'static Location<'static>,
) -> tracing::instrument::Instrumented<F> {
    use tracing::Instrument;
    let span = tracing::trace_span!(
        target: "rt::task",
        "runtime.spawn",
        kind = kind,
        task.name = name.unwrap_or_default(),
        task.id = id.0.get(),
        loc.file = location.file(),
        loc.line = location.line(),
        loc.col = location.column(),
    );
    future.instrument(span)
}

/// Configures a task before it is spawned: its name, shown in tracing spans.
///
/// # Examples
///
/// ```
/// # let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let handle = rt_core::task::Builder::new().name("worker").spawn(async { 1 }).unwrap();
/// assert_eq!(handle.await.unwrap(), 1);
/// # });
/// ```
#[derive(Default, Debug, Clone, Copy)]
pub struct Builder<'a> {
    name: Option<&'a str>,
}

impl<'a> Builder<'a> {
    /// A builder with default settings (no name).
    pub fn new() -> Builder<'a> {
        Builder::default()
    }

    /// Names the task.
    pub fn name(&self, name: &'a str) -> Builder<'a> {
        Builder { name: Some(name) }
    }

    /// Spawns the task on the current runtime, as [`spawn`](super::spawn).
    ///
    /// # Errors
    ///
    /// None today; the `io::Result` matches Tokio's signature.
    ///
    /// # Panics
    ///
    /// Panics if called from outside a runtime.
    #[track_caller]
    pub fn spawn<F>(self, future: F) -> io::Result<JoinHandle<F::Output>>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Ok(spawn_inner(future, self.name))
    }

    /// Spawns the task on the runtime of `handle`, as [`Handle::spawn`].
    ///
    /// # Errors
    ///
    /// None today; the `io::Result` matches Tokio's signature.
    #[track_caller]
    pub fn spawn_on<F>(self, future: F, handle: &Handle) -> io::Result<JoinHandle<F::Output>>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Ok(handle.inner.spawn(future, self.name, Location::caller()))
    }

    /// Spawns a `!Send` task on the current [`LocalSet`], as [`spawn_local`](super::spawn_local).
    ///
    /// # Errors
    ///
    /// None today; the `io::Result` matches Tokio's signature.
    ///
    /// # Panics
    ///
    /// Panics if called outside a `LocalSet`.
    #[track_caller]
    pub fn spawn_local<F>(self, future: F) -> io::Result<JoinHandle<F::Output>>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        Ok(super::local::spawn_local_inner(future, self.name))
    }

    /// Spawns a `!Send` task on `local_set`, as [`LocalSet::spawn_local`].
    ///
    /// # Errors
    ///
    /// None today; the `io::Result` matches Tokio's signature.
    #[track_caller]
    pub fn spawn_local_on<F>(
        self,
        future: F,
        local_set: &LocalSet,
    ) -> io::Result<JoinHandle<F::Output>>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        Ok(local_set.spawn_named(future, self.name))
    }

    /// Runs a blocking closure on the blocking pool, as
    /// [`spawn_blocking`](super::spawn_blocking).
    ///
    /// # Errors
    ///
    /// None today; the `io::Result` matches Tokio's signature.
    ///
    /// # Panics
    ///
    /// Panics if called from outside a runtime.
    #[track_caller]
    pub fn spawn_blocking<F, R>(self, function: F) -> io::Result<JoinHandle<R>>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        Ok(super::spawn_blocking(function))
    }
}

/// Allocates the id and, with feature `tracing`, the span of a task spawned at `location`.
///
/// The location is passed in, not taken with `#[track_caller]`: the public spawn functions
/// reach here through closures, which do not forward the caller's location.
pub(crate) fn prepare<F: Future>(
    future: F,
    _kind: &'static str,
    _name: Option<&str>,
    _location: &'static Location<'static>,
) -> (impl Future<Output = F::Output> + use<F>, Id) {
    let id = Id::next();
    #[cfg(feature = "tracing")]
    let future = instrument(future, _kind, _name, id, _location);
    (future, id)
}
