//! rt: an asynchronous runtime for network services, with Tokio 1.x's API.
//!
//! rt runs futures as lightweight tasks on a scheduler and gives them what network programs
//! are made of: sockets, timers, channels and locks, I/O utilities, streams and macros. Its
//! public surface follows Tokio 1.x path for path, so a Tokio user switches by renaming one
//! dependency.
//!
//! This crate is the one most users name. It composes the layers below it — each its own
//! crate, separately versioned — into a [`Runtime`](runtime::Runtime) and re-exports them at
//! Tokio's paths:
//!
//! | layer | crate | here |
//! |-------|-------|------|
//! | tasks, schedulers, blocking pool | `rt-core` | [`spawn`], [`task`], [`runtime`] |
//! | the reactor, I/O traits and utilities | `rt-io` | [`io`] |
//! | TCP, UDP and Unix sockets | `rt-net` | [`net`] |
//! | timers | `rt-time` | [`time`] |
//! | files | `rt-fs` | [`fs`] |
//! | Unix signals | `rt-signal` | [`signal`] |
//! | channels, locks, semaphores, notifications | `rt-sync` | [`sync`] |
//! | stream adapters and wrappers | `rt-stream` | [`stream`] |
//! | `#[main]`, `#[test]` | `rt-macros` | [`main`], [`test`] |
//! | `select!`, `join!`, `try_join!`, `pin!` | here | [`select!`], [`join!`], [`try_join!`], [`pin!`] |
//!
//! # A tour
//!
//! A TCP echo server and a client, a timeout, a channel, and tasks joined with `join!`:
//!
//! ```
//! use std::time::Duration;
//! use rt::io::{AsyncReadExt, AsyncWriteExt};
//! use rt::net::{TcpListener, TcpStream};
//!
//! #[rt::main]
//! async fn main() -> std::io::Result<()> {
//!     // A server: one task per connection, echoing what it reads.
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     rt::spawn(async move {
//!         while let Ok((mut stream, _)) = listener.accept().await {
//!             rt::spawn(async move {
//!                 let (mut reader, mut writer) = stream.split();
//!                 let _ = rt::io::copy(&mut reader, &mut writer).await;
//!             });
//!         }
//!     });
//!
//!     // Clients report their round trip through a channel.
//!     let (tx, mut rx) = rt::sync::mpsc::channel(8);
//!     for i in 0..4u8 {
//!         let tx = tx.clone();
//!         rt::spawn(async move {
//!             let mut stream = TcpStream::connect(addr).await.unwrap();
//!             stream.write_all(&[i; 16]).await.unwrap();
//!             let mut echo = [0u8; 16];
//!             stream.read_exact(&mut echo).await.unwrap();
//!             tx.send(echo[0]).await.unwrap();
//!         });
//!     }
//!     drop(tx);
//!
//!     // Collect the answers, but give up after five seconds.
//!     let collect = async {
//!         let mut got = Vec::new();
//!         while let Some(i) = rx.recv().await {
//!             got.push(i);
//!         }
//!         got.sort();
//!         got
//!     };
//!     let got = rt::time::timeout(Duration::from_secs(5), collect).await.expect("timed out");
//!     assert_eq!(got, [0, 1, 2, 3]);
//!
//!     // Two computations side by side in this task.
//!     let (a, b) = rt::join!(async { 6 * 7 }, rt::time::sleep(Duration::from_millis(1)));
//!     assert_eq!((a, b), (42, ()));
//!     Ok(())
//! }
//! ```
//!
//! # Features
//!
//! No feature is on by default, as with Tokio; `full` turns on all but `test-util` and
//! `tracing`. The I/O traits ([`io::AsyncRead`], [`io::AsyncWrite`], ...) and the macros
//! `select!`, `join!`, `try_join!` and `pin!` need none.
//!
//! | feature   | what it adds |
//! |-----------|--------------|
//! | `rt`      | [`spawn`], [`task`], [`runtime`] (the current-thread scheduler), [`task_local!`] |
//! | `rt-multi-thread` | the multi-thread scheduler, [`Runtime::new`](runtime::Runtime::new), `#[rt::main]`'s default flavor |
//! | `net`     | [`net`]: TCP, UDP and Unix sockets, `lookup_host` |
//! | `time`    | [`time`]: `sleep`, `timeout`, `interval`; `mpsc::Sender::send_timeout` |
//! | `sync`    | [`sync`]: channels (oneshot, mpsc, broadcast, watch), locks, semaphores, `Notify` |
//! | `io-util` | the I/O extension traits and utilities: `AsyncReadExt`, `copy`, `split`, `BufReader`, ... |
//! | `io-std`  | [`io::stdin`], [`io::stdout`], [`io::stderr`] |
//! | `fs`      | [`fs`]: `File`, `OpenOptions`, `read`, `write`, `read_dir`, ... (on the blocking pool) |
//! | `signal`  | [`signal`]: `ctrl_c`, `unix::signal` |
//! | `macros`  | [`main`] and [`test`] |
//! | `stream`  | [`stream`]: `StreamExt`, `StreamMap`, wrappers for the other layers' types |
//! | `test-util` | the paused clock: `time::pause`, `time::advance`, `Builder::start_paused` |
//! | `tracing` | a `tracing` span per task (id, name, spawn location) |

// `select!`, `join!`, `try_join!`, `pin!`.
#[macro_use]
mod macros;

/// What the expansions of rt's macros call; not for users, not covered by semver.
#[doc(hidden)]
pub mod __private {
    pub use crate::macros::support::*;
}

/// Asynchronous green threads: spawning, joining, aborting, yielding, task-locals.
///
/// See [`rt_core::task`]; this module re-exports it at Tokio's path.
#[cfg(feature = "rt")]
pub mod task {
    pub use rt_core::task::*;
}

/// The runtime: building one, driving it, and handles to it.
#[cfg(feature = "rt")]
pub mod runtime;

#[cfg(feature = "rt")]
pub use rt_core::{spawn, task_local};

/// Asynchronous I/O: the byte-stream traits, readiness, and (with `io-util`) the utilities.
///
/// See [`rt_io`]; this module re-exports it at Tokio's path.
pub mod io {
    pub use rt_io::*;
}

/// TCP, UDP and Unix-domain sockets.
///
/// See [`rt_net`]; this module re-exports it at Tokio's path.
#[cfg(feature = "net")]
pub mod net {
    pub use rt_net::*;
}

/// Unix signals: `ctrl_c`, and `unix::signal` for any signal that can be caught.
///
/// See [`rt_signal`]; this module re-exports it at Tokio's path.
#[cfg(all(feature = "signal", target_os = "linux"))]
pub mod signal {
    pub use rt_signal::*;
}

/// Files and directories: `File`, `OpenOptions`, and the path operations.
///
/// See [`rt_fs`]; this module re-exports it at Tokio's path.
#[cfg(feature = "fs")]
pub mod fs {
    pub use rt_fs::*;
}

/// Timers: sleeping, timeouts and intervals.
///
/// See [`rt_time`]; this module re-exports it at Tokio's path.
#[cfg(feature = "time")]
pub mod time {
    pub use rt_time::*;
}

/// Streams: the `StreamExt` adapters, `StreamMap`, and wrappers of the other layers' types.
///
/// See [`rt_stream`]; this module re-exports it at `tokio-stream`'s paths.
#[cfg(feature = "stream")]
pub mod stream {
    pub use rt_stream::*;
}

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
