//! Streams for rt: the `StreamExt` adapters, `StreamMap`, and streams over rt's own types,
//! with the API of `tokio-stream` 0.1.
//!
//! A [`Stream`] is the asynchronous counterpart of an [`Iterator`]: it yields values one at a
//! time and waits in between. The trait itself is `futures_core::Stream`, re-exported here,
//! so streams from any library meet this crate's adapters. This crate gives:
//!
//! - [`StreamExt`]: `next`, `map`, `filter`, `merge`, `collect`, `timeout`, `peekable`, ...
//! - [`StreamMap`]: many keyed streams polled as one, fairly;
//! - [`iter`], [`once`], [`empty`], [`pending`]: streams from nothing much;
//! - [`StreamNotifyClose`]: a stream that says when the stream it wraps ends;
//! - [`wrappers`]: streams over channel receivers, intervals, listeners and readers;
//! - [`adapters`]: the adapter types, by name.
//!
//! Most users reach it as `rt::stream`. It is **not** a runtime and spawns nothing: a stream
//! runs in the task that polls it. The time adapters and the wrappers need the layer they
//! wrap, each behind its own feature, so a user pays only for what they use.
//!
//! ```
//! use rt_stream::{self as stream, StreamExt};
//!
//! # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let evens: Vec<u32> = stream::iter(1..=10).filter(|n| n % 2 == 0).map(|n| n * 10).collect().await;
//! assert_eq!(evens, [20, 40, 60, 80, 100]);
//! # });
//! ```
//!
//! # Features
//!
//! No feature is on by default.
//!
//! | feature   | what it adds |
//! |-----------|--------------|
//! | `time`    | `StreamExt::{timeout, timeout_repeating, throttle, chunks_timeout}`, `Elapsed`, `IntervalStream` |
//! | `sync`    | `ReceiverStream`, `UnboundedReceiverStream`, `BroadcastStream`, `WatchStream` |
//! | `net`     | `TcpListenerStream`, `UnixListenerStream` |
//! | `io-util` | `LinesStream`, `SplitStream` |

// The adapter streams of `StreamExt`, by name.
pub mod adapters;
// Streams over the types of rt's other layers, each behind its feature.
pub mod wrappers;

// The extension trait and one module per adapter it returns.
mod stream_ext;
// Many keyed streams polled as one, fairly.
mod stream_map;
// A stream that yields `None` once when the stream it wraps ends.
mod stream_close;
// Streams from an iterator, one value, nothing, and never anything.
mod empty;
mod iter;
mod once;
mod pending;
// The per-thread generator behind StreamMap's random start.
mod rand;

pub use empty::{Empty, empty};
pub use futures_core::Stream;
pub use iter::{Iter, iter};
pub use once::{Once, once};
pub use pending::{Pending, pending};
pub use stream_close::StreamNotifyClose;
#[cfg(feature = "time")]
pub use stream_ext::timeout::Elapsed;
pub use stream_ext::{FromStream, StreamExt};
pub use stream_map::StreamMap;
