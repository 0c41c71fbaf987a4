//! Configuring and building a runtime.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use super::blocking::{BlockingPool, PoolConfig};
use super::current_thread::CurrentThread;
use super::driver::{DriverConfig, DriverHandles, DriverLayer, DriverStack, ParkThread};
use super::multi_thread::{self, MultiThread};
use super::{Handle, Runtime, RuntimeFlavor, Scheduler, scheduler};

pub(crate) type Callback = Arc<dyn Fn() + Send + Sync>;
pub(crate) type ThreadNameFn = Arc<dyn Fn() -> String + Send + Sync>;

/// How the runtime starts its threads, workers and blocking pool alike.
#[derive(Clone)]
pub(crate) struct ThreadConfig {
    pub(crate) name: ThreadNameFn,
    pub(crate) stack_size: Option<usize>,
    pub(crate) after_start: Option<Callback>,
    pub(crate) before_stop: Option<Callback>,
}

impl ThreadConfig {
    /// Starts a named thread that, inside `rt`'s context, runs the start hook, `f`, then
    /// the stop hook.
    pub(crate) fn spawn(
        &self,
        rt: &scheduler::Handle,
        f: impl FnOnce() + Send + 'static,
    ) -> io::Result<std::thread::JoinHandle<()>> {
        let mut builder = std::thread::Builder::new().name((self.name)());
        if let Some(size) = self.stack_size {
            builder = builder.stack_size(size);
        }
        let config = self.clone();
        let rt = rt.clone();
        builder.spawn(move || {
            let _enter = super::context::set_current(&rt);
            if let Some(hook) = &config.after_start {
                hook();
            }
            f();
            if let Some(hook) = &config.before_stop {
                hook();
            }
        })
    }
}

/// Builds a runtime with custom configuration values.
///
/// Methods can be chained to set the configuration values; then [`build`](Builder::build)
/// makes the [`Runtime`].
///
/// # Examples
///
/// ```
/// let rt = rt_core::runtime::Builder::new_current_thread()
///     .thread_name("my-blocking-pool")
///     .max_blocking_threads(4)
///     .build()
///     .unwrap();
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
pub struct Builder {
    kind: Kind,
    driver: DriverConfig,
    driver_layers: Vec<DriverLayer>,
    worker_threads: Option<usize>,
    max_blocking_threads: usize,
    thread_name: ThreadNameFn,
    thread_stack_size: Option<usize>,
    after_start: Option<Callback>,
    before_stop: Option<Callback>,
    before_park: Option<Callback>,
    after_unpark: Option<Callback>,
    keep_alive: Option<Duration>,
    global_queue_interval: Option<u32>,
    event_interval: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    CurrentThread,
    MultiThread,
}

/// What the scheduler reads from the builder.
pub(crate) struct Config {
    pub(crate) global_queue_interval: u32,
    pub(crate) event_interval: u32,
    pub(crate) before_park: Option<Callback>,
    pub(crate) after_unpark: Option<Callback>,
}

const DEFAULT_MAX_BLOCKING_THREADS: usize = 512;
const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(10);
const DEFAULT_EVENT_INTERVAL: u32 = 61;
const DEFAULT_CURRENT_THREAD_GLOBAL_QUEUE_INTERVAL: u32 = 31;
const DEFAULT_MULTI_THREAD_GLOBAL_QUEUE_INTERVAL: u32 = 61;
/// The environment variable that sets the default number of worker threads.
const WORKER_THREADS_ENV: &str = "RT_WORKER_THREADS";

impl Builder {
    /// Returns a new builder with the current-thread scheduler selected: every task runs on
    /// the thread that calls [`Runtime::block_on`].
    ///
    /// Configuration methods can be chained on the return value.
    pub fn new_current_thread() -> Builder {
        Builder::new(Kind::CurrentThread)
    }

    /// Returns a new builder with the multi-thread, work-stealing scheduler selected: tasks
    /// run on a pool of worker threads, one per core by default.
    ///
    /// The default number of workers can be set with the `RT_WORKER_THREADS` environment
    /// variable; [`worker_threads`](Builder::worker_threads) overrides both.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = rt_core::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let out = rt.block_on(async { rt_core::spawn(async { 3 }).await.unwrap() });
    /// assert_eq!(out, 3);
    /// ```
    pub fn new_multi_thread() -> Builder {
        Builder::new(Kind::MultiThread)
    }

    fn new(kind: Kind) -> Builder {
        Builder {
            kind,
            driver: DriverConfig::default(),
            driver_layers: Vec::new(),
            worker_threads: None,
            max_blocking_threads: DEFAULT_MAX_BLOCKING_THREADS,
            thread_name: Arc::new(|| "rt-runtime-worker".into()),
            thread_stack_size: None,
            after_start: None,
            before_stop: None,
            before_park: None,
            after_unpark: None,
            keep_alive: None,
            global_queue_interval: None,
            event_interval: DEFAULT_EVENT_INTERVAL,
        }
    }

    /// Enables both the I/O and time drivers.
    ///
    /// The drivers themselves come from the layers above rt-core: through the `rt` crate,
    /// this is what makes sockets and timers work on the runtime.
    pub fn enable_all(&mut self) -> &mut Self {
        self.enable_io().enable_time()
    }

    /// Enables the I/O driver (provided by the `rt` crate's I/O layer).
    pub fn enable_io(&mut self) -> &mut Self {
        self.driver.io = true;
        self
    }

    /// Enables the time driver (provided by the `rt` crate's time layer).
    pub fn enable_time(&mut self) -> &mut Self {
        self.driver.time = true;
        self
    }

    /// Starts the runtime's clock paused (test utility; needs the time driver).
    pub fn start_paused(&mut self, start_paused: bool) -> &mut Self {
        self.driver.start_paused = start_paused;
        self
    }

    /// Sets the number of worker threads the multi-thread scheduler uses (default: the number
    /// of cores, or `RT_WORKER_THREADS` when set).
    ///
    /// The current-thread scheduler ignores it.
    ///
    /// # Panics
    ///
    /// Panics if `val` is 0.
    #[track_caller]
    pub fn worker_threads(&mut self, val: usize) -> &mut Self {
        assert!(val > 0, "Worker threads cannot be set to 0");
        self.worker_threads = Some(val);
        self
    }

    /// Sets the maximum number of threads of the blocking pool (default 512).
    ///
    /// Past the limit, work from `spawn_blocking` queues until a thread is free.
    ///
    /// # Panics
    ///
    /// Panics if `val` is 0.
    #[track_caller]
    pub fn max_blocking_threads(&mut self, val: usize) -> &mut Self {
        assert!(val > 0, "Max blocking threads cannot be set to 0");
        self.max_blocking_threads = val;
        self
    }

    /// Sets the name of threads spawned by the runtime (default `rt-runtime-worker`).
    pub fn thread_name(&mut self, val: impl Into<String>) -> &mut Self {
        let val = val.into();
        self.thread_name = Arc::new(move || val.clone());
        self
    }

    /// Sets a function that names each thread spawned by the runtime.
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        self.thread_name = Arc::new(f);
        self
    }

    /// Sets the stack size (in bytes) of threads spawned by the runtime.
    pub fn thread_stack_size(&mut self, val: usize) -> &mut Self {
        self.thread_stack_size = Some(val);
        self
    }

    /// Runs `f` on each thread the runtime starts, before it does any work.
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.after_start = Some(Arc::new(f));
        self
    }

    /// Runs `f` on each thread the runtime started, just before it exits.
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.before_stop = Some(Arc::new(f));
        self
    }

    /// Runs `f` just before a scheduler thread parks (goes idle waiting for work).
    ///
    /// A task `f` spawns prevents that park.
    pub fn on_thread_park<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.before_park = Some(Arc::new(f));
        self
    }

    /// Runs `f` just after a scheduler thread unparks.
    pub fn on_thread_unpark<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.after_unpark = Some(Arc::new(f));
        self
    }

    /// Sets how long an idle blocking-pool thread waits for work before exiting (default
    /// 10 s).
    pub fn thread_keep_alive(&mut self, duration: Duration) -> &mut Self {
        self.keep_alive = Some(duration);
        self
    }

    /// Sets how many tasks the scheduler runs between two looks at the global (inject)
    /// queue (default 31 on the current-thread scheduler).
    ///
    /// # Panics
    ///
    /// Panics if `val` is 0.
    #[track_caller]
    pub fn global_queue_interval(&mut self, val: u32) -> &mut Self {
        assert!(val > 0, "global_queue_interval must be greater than 0");
        self.global_queue_interval = Some(val);
        self
    }

    /// Sets how many tasks the scheduler runs between two polls of the driver for external
    /// events (default 61).
    ///
    /// On the multi-thread runtime, a worker polls every sixth of that while the driver keeps
    /// waking tasks (I/O is flowing), and every `val` tasks again once several polls in a
    /// row found nothing.
    ///
    /// # Panics
    ///
    /// Panics if `val` is 0.
    #[track_caller]
    pub fn event_interval(&mut self, val: u32) -> &mut Self {
        assert!(val > 0, "event_interval must be greater than 0");
        self.event_interval = val;
        self
    }

    /// Adds a driver layer (the hook the I/O and time layers use; see
    /// [`DriverStack`](super::driver::DriverStack)). Layers run in the order added, each
    /// wrapping the driver built so far.
    #[doc(hidden)]
    pub fn __driver_layer(
        &mut self,
        layer: impl FnOnce(&mut DriverStack) -> io::Result<()> + 'static,
    ) -> &mut Self {
        self.driver_layers.push(Box::new(layer));
        self
    }

    /// Creates the configured runtime.
    ///
    /// The builder may be used again after this call.
    ///
    /// # Errors
    ///
    /// Returns an error if a driver cannot be created (the I/O layer opens an epoll
    /// instance, for instance).
    pub fn build(&mut self) -> io::Result<Runtime> {
        let (flavor, num_workers) = match self.kind {
            Kind::CurrentThread => (RuntimeFlavor::CurrentThread, 1),
            Kind::MultiThread => (RuntimeFlavor::MultiThread, self.num_workers()),
        };
        let mut stack = DriverStack {
            driver: Box::new(ParkThread::new()),
            handles: DriverHandles::default(),
            config: self.driver,
            flavor,
            num_workers,
        };
        for layer in std::mem::take(&mut self.driver_layers) {
            layer(&mut stack)?;
        }
        let threads = ThreadConfig {
            name: self.thread_name.clone(),
            stack_size: self.thread_stack_size,
            after_start: self.after_start.clone(),
            before_stop: self.before_stop.clone(),
        };
        let blocking_pool = BlockingPool::new(PoolConfig {
            threads: threads.clone(),
            thread_cap: self.max_blocking_threads,
            keep_alive: self.keep_alive.unwrap_or(DEFAULT_KEEP_ALIVE),
        });
        let (scheduler, handle) = match self.kind {
            Kind::CurrentThread => {
                let config = self.config(DEFAULT_CURRENT_THREAD_GLOBAL_QUEUE_INTERVAL);
                let (scheduler, handle) = CurrentThread::new(
                    stack.driver,
                    stack.handles,
                    blocking_pool.spawner().clone(),
                    config,
                );
                (
                    Scheduler::CurrentThread(scheduler),
                    scheduler::Handle::CurrentThread(handle),
                )
            }
            Kind::MultiThread => {
                let (scheduler, handle) = MultiThread::new(multi_thread::Parts {
                    num_workers,
                    driver: stack.driver,
                    driver_handles: stack.handles,
                    blocking_spawner: blocking_pool.spawner().clone(),
                    config: self.config(DEFAULT_MULTI_THREAD_GLOBAL_QUEUE_INTERVAL),
                    thread_config: threads,
                })?;
                (
                    Scheduler::MultiThread(scheduler),
                    scheduler::Handle::MultiThread(handle),
                )
            }
        };
        Ok(Runtime::from_parts(
            scheduler,
            Handle { inner: handle },
            blocking_pool,
        ))
    }

    fn config(&self, default_global_queue_interval: u32) -> Config {
        Config {
            global_queue_interval: self
                .global_queue_interval
                .unwrap_or(default_global_queue_interval),
            event_interval: self.event_interval,
            before_park: self.before_park.clone(),
            after_unpark: self.after_unpark.clone(),
        }
    }

    /// `worker_threads`, else `RT_WORKER_THREADS`, else the number of cores.
    #[track_caller]
    fn num_workers(&self) -> usize {
        if let Some(n) = self.worker_threads {
            return n;
        }
        match std::env::var(WORKER_THREADS_ENV) {
            Ok(value) => match value.trim().parse::<usize>() {
                Ok(n) if n > 0 => n,
                _ => panic!("\"{WORKER_THREADS_ENV}\" must be a positive integer, got {value:?}"),
            },
            Err(_) => std::thread::available_parallelism().map_or(1, usize::from),
        }
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("kind", &self.kind)
            .field("driver", &self.driver)
            .field("worker_threads", &self.worker_threads)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("thread_stack_size", &self.thread_stack_size)
            .field("keep_alive", &self.keep_alive)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("event_interval", &self.event_interval)
            .finish_non_exhaustive()
    }
}
