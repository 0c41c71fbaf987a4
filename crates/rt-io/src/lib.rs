//! The I/O layer of rt: the reactor that tells tasks when a descriptor is ready, and the
//! asynchronous I/O traits and utilities, at Tokio's `io` paths.
//!
//! The reactor is an epoll instance (through mio) plugged into rt-core's driver seam: a
//! runtime thread that has nothing to run waits on it, and a descriptor's readiness wakes the
//! task waiting for it. Resources (sockets in rt-net, files in rt-fs, [`unix::AsyncFd`]) hold
//! one registration each.
//!
//! This layer does not open sockets (rt-net does) nor files (rt-fs does), and it has no timers
//! (rt-time wraps whatever driver is below it).

// The reactor: epoll through mio, and each resource's readiness.
mod driver;
// The atomics and locks the readiness protocol uses: loom's under `--cfg rt_loom`.
mod loom;
// What a task waits for, and what the reactor reported.
mod interest;
mod ready;
// A mio source registered with the reactor, with poll_read/poll_write helpers.
mod poll_evented;
// A raw descriptor driven by the reactor.
mod async_fd;

// The byte-stream traits and the buffer they read into.
mod async_buf_read;
mod async_read;
mod async_seek;
mod async_write;
mod read_buf;
// The extension traits and utilities.
#[cfg(feature = "io-util")]
mod util;
// Asynchronous stdin, stdout and stderr.
#[cfg(feature = "io-std")]
mod stdio;

pub use async_buf_read::AsyncBufRead;
pub use async_read::AsyncRead;
pub use async_seek::AsyncSeek;
pub use async_write::AsyncWrite;
pub use interest::Interest;
pub use ready::Ready;

pub use read_buf::ReadBuf;

pub use std::io::{Error, ErrorKind, Result, SeekFrom};

#[cfg(feature = "io-util")]
pub use util::*;

#[cfg(feature = "io-std")]
pub use stdio::*;

/// Unix-specific I/O: descriptors driven by the reactor.
pub mod unix {
    pub use crate::async_fd::{
        AsyncFd, AsyncFdReadyGuard, AsyncFdReadyMutGuard, AsyncFdTryNewError, TryIoError,
    };
}

/// Hooks for the layers above rt-io (the umbrella's runtime builder, rt-net's sockets); not
/// for users, not covered by semver.
#[doc(hidden)]
pub mod __private {
    pub use crate::driver::driver_layer;
    pub use crate::poll_evented::PollEvented;
}
