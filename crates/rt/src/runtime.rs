//! The runtime: building one, driving it, and handles to it.
//!
//! rt-core owns the schedulers; this module composes them with the drivers of the layers
//! above (the reactor of rt-io, the timers of rt-time). [`Builder`](crate::runtime::Builder) is rt-core's builder
//! with the driver layers added when it builds, and [`Runtime`](crate::runtime::Runtime) is the runtime it returns;
//! everything else is re-exported from [`rt_core::runtime`].

use std::fmt;
use std::io;
use std::ops::Deref;
use std::time::Duration;

pub use rt_core::runtime::{
    EnterGuard, Handle, Id, RuntimeFlavor, RuntimeMetrics, TryCurrentError,
};

/// Builds a [`Runtime`] with custom configuration values.
///
/// Methods can be chained; [`build`](Builder::build) creates the runtime. The I/O and time
/// drivers are off unless [`enable_io`](Builder::enable_io), [`enable_time`](Builder::enable_time)
/// or [`enable_all`](Builder::enable_all) is called.
///
/// # Examples
///
/// ```
/// let rt = rt::runtime::Builder::new_multi_thread()
///     .worker_threads(2)
///     .thread_name("my-worker")
///     .enable_all()
///     .build()
///     .unwrap();
/// assert_eq!(rt.block_on(async { rt::spawn(async { 1 + 1 }).await.unwrap() }), 2);
/// ```
pub struct Builder {
    inner: rt_core::runtime::Builder,
}

/// Forwards a configuration method to rt-core's builder, keeping the chain on this one.
macro_rules! forward {
    ($($(#[$attr:meta])* fn $name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        $(#[$attr])*
        pub fn $name(&mut self, $($arg: $ty),*) -> &mut Self {
            self.inner.$name($($arg),*);
            self
        }
    )*};
}

impl Builder {
    /// Returns a new builder with the current-thread scheduler selected: every task runs on
    /// the thread that calls [`Runtime::block_on`](rt_core::runtime::Runtime::block_on).
    pub fn new_current_thread() -> Builder {
        Builder {
            inner: rt_core::runtime::Builder::new_current_thread(),
        }
    }

    /// Returns a new builder with the multi-thread, work-stealing scheduler selected: tasks
    /// run on a pool of worker threads, one per core by default (or `RT_WORKER_THREADS`).
    #[cfg(feature = "rt-multi-thread")]
    pub fn new_multi_thread() -> Builder {
        Builder {
            inner: rt_core::runtime::Builder::new_multi_thread(),
        }
    }

    forward! {
        /// Enables both the I/O and time drivers.
        fn enable_all();
        /// Enables the I/O driver: sockets, [`AsyncFd`](crate::io::unix::AsyncFd).
        fn enable_io();
        /// Enables the time driver: sleeps, timeouts, intervals.
        #[cfg(feature = "time")]
        fn enable_time();
        /// Starts the runtime's clock paused: time advances only through
        /// [`time::advance`](crate::time::advance), or by itself to the next timer when the
        /// runtime has nothing else to do. Needs the current-thread scheduler and the time
        /// driver.
        #[cfg(feature = "test-util")]
        fn start_paused(start_paused: bool);
        /// Sets the number of worker threads of the multi-thread scheduler (default: one per
        /// core, or `RT_WORKER_THREADS`). The current-thread scheduler ignores it.
        ///
        /// # Panics
        ///
        /// Panics if `val` is 0.
        #[track_caller]
        fn worker_threads(val: usize);
        /// Sets the maximum number of threads of the blocking pool (default 512).
        ///
        /// # Panics
        ///
        /// Panics if `val` is 0.
        #[track_caller]
        fn max_blocking_threads(val: usize);
        /// Sets the stack size (in bytes) of threads spawned by the runtime.
        fn thread_stack_size(val: usize);
        /// Sets how long an idle blocking-pool thread waits for work before exiting
        /// (default 10 s).
        fn thread_keep_alive(duration: Duration);
        /// Sets how many tasks the scheduler runs between two checks of the global queue.
        ///
        /// # Panics
        ///
        /// Panics if `val` is 0.
        #[track_caller]
        fn global_queue_interval(val: u32);
        /// Sets how many tasks the scheduler runs between two polls of the drivers for
        /// external events (default 61).
        ///
        /// # Panics
        ///
        /// Panics if `val` is 0.
        #[track_caller]
        fn event_interval(val: u32);
    }

    /// Sets the name of threads spawned by the runtime (default `rt-runtime-worker`).
    pub fn thread_name(&mut self, val: impl Into<String>) -> &mut Self {
        self.inner.thread_name(val);
        self
    }

    /// Sets a function that names each thread spawned by the runtime.
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        self.inner.thread_name_fn(f);
        self
    }

    /// Runs `f` on each thread the runtime starts, before it does any work.
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.inner.on_thread_start(f);
        self
    }

    /// Runs `f` on each thread the runtime started, just before it exits.
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.inner.on_thread_stop(f);
        self
    }

    /// Runs `f` just before a scheduler thread parks (goes idle waiting for work).
    pub fn on_thread_park<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.inner.on_thread_park(f);
        self
    }

    /// Runs `f` just after a scheduler thread unparks.
    pub fn on_thread_unpark<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.inner.on_thread_unpark(f);
        self
    }

    /// Creates the configured runtime, with the drivers that were enabled.
    ///
    /// The builder may be used again after this call.
    ///
    /// # Errors
    ///
    /// Returns an error if the I/O driver cannot open its epoll instance, or a worker thread
    /// cannot start.
    pub fn build(&mut self) -> io::Result<Runtime> {
        // Innermost first: the reactor replaces the thread parker, the timers wrap it.
        self.inner.__driver_layer(rt_io::__private::driver_layer);
        #[cfg(feature = "time")]
        self.inner.__driver_layer(rt_time::__driver_layer);
        self.inner.build().map(|inner| Runtime { inner })
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

/// The runtime: a task scheduler, the drivers it parks on (I/O, time), and a blocking pool.
///
/// Made with [`Builder`] or [`Runtime::new`]. The methods of rt-core's
/// [`Runtime`](rt_core::runtime::Runtime) — [`block_on`](rt_core::runtime::Runtime::block_on),
/// [`spawn`](rt_core::runtime::Runtime::spawn), [`handle`](rt_core::runtime::Runtime::handle),
/// [`enter`](rt_core::runtime::Runtime::enter) — are reached through `Deref`. Dropping it
/// cancels every task and shuts the drivers down.
///
/// # Examples
///
/// ```
/// let rt = rt::runtime::Runtime::new().unwrap();
/// let answer = rt.block_on(async { rt::spawn(async { 6 * 7 }).await.unwrap() });
/// assert_eq!(answer, 42);
/// ```
pub struct Runtime {
    inner: rt_core::runtime::Runtime,
}

impl Runtime {
    /// Creates a multi-thread runtime with every driver enabled: one worker per core (or
    /// `RT_WORKER_THREADS`).
    ///
    /// # Errors
    ///
    /// Returns an error if a driver cannot be created or a worker thread cannot start.
    #[cfg(feature = "rt-multi-thread")]
    pub fn new() -> io::Result<Runtime> {
        Builder::new_multi_thread().enable_all().build()
    }

    /// Shuts the runtime down, waiting at most `duration` for blocking tasks to finish.
    /// Tasks still running on the blocking pool after `duration` are left to finish on their
    /// own threads, detached.
    pub fn shutdown_timeout(self, duration: Duration) {
        self.inner.shutdown_timeout(duration);
    }

    /// Shuts the runtime down without waiting for blocking tasks: the same as
    /// `shutdown_timeout(Duration::ZERO)`. Safe to call inside an asynchronous context.
    pub fn shutdown_background(self) {
        self.inner.shutdown_background();
    }
}

impl Deref for Runtime {
    type Target = rt_core::runtime::Runtime;

    fn deref(&self) -> &rt_core::runtime::Runtime {
        &self.inner
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}
