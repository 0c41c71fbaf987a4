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
//! | `rt`      | [`spawn`], [`task`], [`runtime`] with the current-thread scheduler, [`task_local!`] |
//! | `macros`  | [`main`] and [`test`] |
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
        Builder, EnterGuard, Handle, Id, Runtime, RuntimeFlavor, TryCurrentError,
    };
}

#[cfg(feature = "rt")]
pub use rt_core::{spawn, task_local};

/// Marks an async function to be run by a runtime: `#[rt::main]`.
///
/// The function body runs on a runtime built by
/// `rt::runtime::Builder::new_current_thread().enable_all().build()`. Arguments:
/// `flavor = "current_thread"` (the multi-thread flavor, Tokio's default for `main`, comes
/// with the `rt-multi-thread` feature), `crate = "path"` to name this crate under another
/// path.
///
/// ```
/// #[rt::main(flavor = "current_thread")]
/// async fn main() {
///     println!("hello from rt");
/// }
/// ```
#[cfg(feature = "macros")]
pub use rt_macros::main_rt as main;

/// Marks an async test function to be run on a fresh current-thread runtime: `#[rt::test]`.
///
/// ```no_run
/// #[rt::test]
/// async fn it_works() {
///     assert_eq!(rt::spawn(async { 2 + 2 }).await.unwrap(), 4);
/// }
/// ```
#[cfg(feature = "macros")]
pub use rt_macros::test_rt as test;
