//! The runtime: a scheduler, its drivers and its blocking pool, and handles to them.
//!
//! Build one with [`Builder`], drive it with [`Runtime::block_on`], and reach it from
//! anywhere inside with [`Handle::current`].

mod blocking;
mod builder;
pub(crate) mod context;
mod current_thread;
mod defer;
pub mod driver;
mod handle;
mod id;
mod metrics;
pub(crate) mod multi_thread;
pub(crate) mod scheduler;

pub use builder::Builder;
pub use handle::{EnterGuard, Handle, RuntimeFlavor, TryCurrentError};
pub use id::Id;
pub use metrics::RuntimeMetrics;

use std::fmt;
use std::future::Future;
use std::time::Duration;

use blocking::BlockingPool;
use current_thread::CurrentThread;
use multi_thread::MultiThread;

use crate::task::JoinHandle;

/// The runtime: a task scheduler, the drivers it parks on, and a blocking pool.
///
/// Made with [`Builder`]. When a `Runtime` is dropped, every task it owns is cancelled and
/// its future dropped (inside the runtime's context), the drivers shut down, and the thread
/// waits for running blocking tasks to return (see [`shutdown_timeout`](Runtime::shutdown_timeout)
/// to bound that wait).
///
/// # Examples
///
/// ```
/// let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
/// let answer = rt.block_on(async {
///     let task = rt_core::spawn(async { 21 * 2 });
///     task.await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
pub struct Runtime {
    scheduler: Scheduler,
    handle: Handle,
    blocking_pool: BlockingPool,
}

enum Scheduler {
    CurrentThread(CurrentThread),
    MultiThread(MultiThread),
}

impl Runtime {
    /// Creates a multi-thread runtime with the default configuration: one worker per core
    /// (or `RT_WORKER_THREADS`), all drivers enabled.
    ///
    /// # Errors
    ///
    /// Returns an error if a driver cannot be created or a worker thread cannot start.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt_core::runtime::Runtime::new().unwrap();
    /// assert_eq!(rt.block_on(rt.spawn(async { 1 + 1 })).unwrap(), 2);
    /// ```
    pub fn new() -> std::io::Result<Runtime> {
        Builder::new_multi_thread().enable_all().build()
    }

    fn from_parts(scheduler: Scheduler, handle: Handle, blocking_pool: BlockingPool) -> Runtime {
        Runtime {
            scheduler,
            handle,
            blocking_pool,
        }
    }

    /// Returns a handle to the runtime's spawner, usable from any thread.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Spawns a future onto the runtime, returning a [`JoinHandle`] for it.
    ///
    /// The task may start running right away (if another thread drives the runtime) or on
    /// the next `block_on`. This may be called from any thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = rt.spawn(async { "spawned from outside" });
    /// assert_eq!(rt.block_on(handle).unwrap(), "spawned from outside");
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs the provided closure on the runtime's blocking pool. See
    /// [`spawn_blocking`](crate::task::spawn_blocking).
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(func)
    }

    /// Runs a future to completion on the runtime, driving its tasks and drivers on this
    /// thread. This is the runtime's entry point.
    ///
    /// On a current-thread runtime, only one `block_on` at a time drives the scheduler; a
    /// concurrent call from another thread waits for its own future (woken by the tasks that
    /// complete it) or takes over the scheduler when the first call returns.
    ///
    /// # Panics
    ///
    /// Panics if called from within a runtime (inside an asynchronous context), since that
    /// would block the thread the outer runtime drives:
    ///
    /// ```should_panic
    /// let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async {
    ///     let inner = rt_core::runtime::Builder::new_current_thread().build().unwrap();
    ///     inner.block_on(async {}); // panics: "Cannot start a runtime from within a runtime."
    /// });
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        match (&self.scheduler, &self.handle.inner) {
            (Scheduler::CurrentThread(scheduler), scheduler::Handle::CurrentThread(handle)) => {
                scheduler.block_on(handle, future)
            }
            (Scheduler::MultiThread(scheduler), scheduler::Handle::MultiThread(handle)) => {
                scheduler.block_on(handle, future)
            }
            _ => unreachable!("a runtime's scheduler and handle have the same flavor"),
        }
    }

    /// Enters the runtime's context: [`spawn`](crate::spawn) and the drivers' resources work
    /// on this thread until the guard drops, without `block_on`.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = {
    ///     let _guard = rt.enter();
    ///     rt_core::spawn(async { 5 })
    /// };
    /// assert_eq!(rt.block_on(handle).unwrap(), 5);
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// Shuts the runtime down, waiting at most `duration` for blocking tasks to return.
    ///
    /// Tasks are cancelled as on drop; blocking tasks that are still running after
    /// `duration` are left to finish on their own threads, detached.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.spawn_blocking(|| std::thread::sleep(Duration::from_millis(200)));
    /// rt.shutdown_timeout(Duration::from_millis(10)); // returns without waiting 200 ms
    /// ```
    pub fn shutdown_timeout(mut self, duration: Duration) {
        self.shutdown(Some(duration));
    }

    /// Shuts the runtime down without waiting for blocking tasks: the same as
    /// `shutdown_timeout(Duration::ZERO)`. Safe to call inside an asynchronous context.
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }

    fn shutdown(&mut self, timeout: Option<Duration>) {
        // Task destructors run inside the runtime's context, so they may use it.
        let _guard = context::set_current(&self.handle.inner);
        match (&self.scheduler, &self.handle.inner) {
            (Scheduler::CurrentThread(scheduler), scheduler::Handle::CurrentThread(handle)) => {
                scheduler.shutdown(handle)
            }
            (Scheduler::MultiThread(scheduler), scheduler::Handle::MultiThread(handle)) => {
                scheduler.shutdown(handle)
            }
            _ => unreachable!("a runtime's scheduler and handle have the same flavor"),
        }
        self.blocking_pool.shutdown(timeout);
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("flavor", &self.handle.runtime_flavor())
            .field("id", &self.handle.id())
            .finish()
    }
}

/// Blocks this thread on `future`, parking it between polls; the runtime (entered by the
/// caller) runs its tasks elsewhere.
fn park_thread_block_on<F: Future>(future: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};

    /// Wakes the blocked thread.
    struct ThreadUnpark(std::thread::Thread);

    impl Wake for ThreadUnpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }

        fn wake_by_ref(self: &Arc<Self>) {
            self.0.unpark();
        }
    }

    let mut future = std::pin::pin!(future);
    let waker = Waker::from(Arc::new(ThreadUnpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = crate::task::budget(|| future.as_mut().poll(&mut cx)) {
            return output;
        }
        std::thread::park();
    }
}

impl std::panic::UnwindSafe for Runtime {}
impl std::panic::RefUnwindSafe for Runtime {}
