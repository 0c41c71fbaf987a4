//! Filesystem operations for rt, at Tokio's `fs` paths: [`File`], [`OpenOptions`],
//! [`DirBuilder`], directory listing ([`read_dir`]) and the path operations (read, write,
//! copy, rename, metadata, links, ...).
//!
//! # How it runs
//!
//! Ordinary files do not work with epoll, so, as in Tokio, every operation of this version
//! runs the matching `std::fs` call on rt-core's blocking pool
//! ([`spawn_blocking`](rt_core::task::spawn_blocking)) and the calling task waits for it.
//! A [`File`] runs one operation at a time there, through an internal buffer: a write
//! completes as soon as its bytes are copied into the buffer, and has reached the file
//! only once a later operation, or `flush` ([`poll_flush`](rt_io::AsyncWrite::poll_flush)),
//! has waited for it.
//!
//! Submitting the operations to io_uring, with the completion queue driven by rt-io's
//! reactor, is the design's goal and is future work; the blocking path will stay as the
//! fallback for kernels that refuse io_uring.
//!
//! Because each call costs a trip to another thread, prefer few large operations: read a
//! whole file with [`read`], or wrap a [`File`] in a `BufReader`/`BufWriter`.
//!
//! This layer owns no threads (the pool is rt-core's) and no event loop; every function
//! must be called from within a runtime, or it panics as `spawn_blocking` does.

// Running a std call on the blocking pool and turning its failure into an `io::Error`.
mod blocking;
// Whole-file helpers: read, read_to_string, write, copy.
mod contents;
// Creating, removing and renaming paths, and links between them.
mod paths;
// Metadata and permissions of a path.
mod metadata;
// Building directories with options.
mod dir_builder;
// Listing a directory.
mod read_dir;
// Options for opening a file.
mod open_options;
// An open file, driven through the blocking pool.
mod file;

pub use contents::{copy, read, read_to_string, write};
pub use dir_builder::DirBuilder;
pub use file::File;
pub use metadata::{metadata, set_permissions, symlink_metadata, try_exists};
pub use open_options::OpenOptions;
#[cfg(unix)]
pub use paths::symlink;
pub use paths::{
    canonicalize, create_dir, create_dir_all, hard_link, read_link, remove_dir, remove_dir_all,
    remove_file, rename,
};
pub use read_dir::{DirEntry, ReadDir, read_dir};
