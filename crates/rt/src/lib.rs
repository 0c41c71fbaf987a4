//! rt: an asynchronous runtime for network services, with Tokio 1.x's API.
//!
//! rt runs futures as lightweight tasks on a scheduler, and gives them the building blocks
//! of network programs. Its public surface follows Tokio 1.x path for path, so a Tokio user
//! switches by renaming one dependency.
//!
//! This crate is the one most users name. It composes the layers below it — each its own
//! crate, separately versioned — and re-exports them at Tokio's paths:
//!
//! | layer | crate | here |
//! |-------|-------|------|
//! | tasks, schedulers, blocking pool | `rt-core` | [`spawn`], [`task`], [`runtime`] |
//! | channels, notifications, semaphores | `rt-sync` | [`sync`] |
//! | `#[main]`, `#[test]` | `rt-macros` | [`main`], [`test`] |
//!
//! # A first program
//!
//! ```
//! #[rt::main(flavor = "current_thread")]
//! async fn main() {
//!     let handles: Vec<_> = (0..10u64).map(|i| rt::spawn(async move { i * i })).collect();
//!     let mut sum = 0;
//!     for handle in handles {
//!         sum += handle.await.unwrap();
//!     }
//!     assert_eq!(sum, 285);
//! }
//! ```
//!
//! # Features
//!
//! No feature is on by default, as with Tokio.
//!
//! | feature   | what it adds |
//! |-----------|--------------|
//! | `full`    | every feature below except `tracing` |
//! | `rt`      | [`spawn`], [`task`], [`runtime`] (both schedulers), [`task_local!`] |
//! | `rt-multi-thread` | the multi-thread scheduler as `#[rt::main]`'s default flavor |
//! | `macros`  | [`main`] and [`test`] |
//! | `sync`    | [`sync`]: channels (oneshot, mpsc, broadcast, watch), locks, semaphores, Notify |
//! | `tracing` | a `tracing` span per task (id, name, spawn location) |

/// Asynchronous green threads: spawning, joining, aborting, yielding, task-locals.
///
/// See [`rt_core::task`]; this module re-exports it at Tokio's path.
#[cfg(feature = "rt")]
pub mod task {
    pub use rt_core::task::*;
}

/// The runtime: building one, driving it, and handles to it.
///
/// See [`rt_core::runtime`]; this module re-exports it at Tokio's path.
#[cfg(feature = "rt")]
pub mod runtime {
    pub use rt_core::runtime::{
        Builder, EnterGuard, Handle, Id, Runtime, RuntimeFlavor, RuntimeMetrics, TryCurrentError,
    };
}

#[cfg(feature = "rt")]
pub use rt_core::{spawn, task_local};

/// Synchronization primitives: channels, notifications, semaphores.
///
/// See [`rt_sync`]; this module re-exports it at Tokio's path. So far: [`oneshot`](sync::oneshot),
/// [`Notify`](sync::Notify), [`Semaphore`](sync::Semaphore), [`Mutex`](sync::Mutex),
/// [`RwLock`](sync::RwLock), [`Barrier`](sync::Barrier), [`OnceCell`](sync::OnceCell),
/// [`SetOnce`](sync::SetOnce), [`mpsc`](sync::mpsc), [`broadcast`](sync::broadcast),
/// [`watch`](sync::watch). Only `mpsc`'s `send_timeout` waits for the timer layer.
#[cfg(feature = "sync")]
pub mod sync {
    pub use rt_sync::*;
}

/// Marks an async function to be run by a runtime: `#[rt::main]`.
///
/// The function body runs on a runtime built by `rt::runtime::Builder`, with every driver
/// enabled. Arguments: `flavor = "multi_thread"` (the default, with the `rt-multi-thread`
/// feature) or `"current_thread"`, `worker_threads = N`, `crate = "path"` to name this crate
/// under another path.
///
/// ```
/// #[rt::main]
/// async fn main() {
///     println!("hello from rt");
/// }
/// ```
#[cfg(all(feature = "macros", feature = "rt-multi-thread"))]
pub use rt_macros::main;

/// Marks an async function to be run by a runtime: `#[rt::main]` (without the
/// `rt-multi-thread` feature, `flavor = "current_thread"` is required).
#[cfg(all(feature = "macros", not(feature = "rt-multi-thread")))]
pub use rt_macros::main_rt as main;

/// Marks an async test function to be run on a fresh runtime: `#[rt::test]`.
///
/// The default flavor is `current_thread`; `flavor = "multi_thread"` (with
/// `worker_threads = N`) runs it on the multi-thread scheduler.
///
/// ```no_run
/// #[rt::test]
/// async fn it_works() {
///     assert_eq!(rt::spawn(async { 2 + 2 }).await.unwrap(), 4);
/// }
/// ```
#[cfg(all(feature = "macros", feature = "rt-multi-thread"))]
pub use rt_macros::test;

/// Marks an async test function to be run on a fresh current-thread runtime: `#[rt::test]`.
#[cfg(all(feature = "macros", not(feature = "rt-multi-thread")))]
pub use rt_macros::test_rt as test;
