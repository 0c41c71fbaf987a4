//! Streams over the types of rt's other layers: channel receivers, intervals, listeners and
//! line readers, each behind the feature of the layer it wraps.
//!
//! | wrapper | wraps | feature |
//! |---------|-------|---------|
//! | `ReceiverStream` | `rt::sync::mpsc::Receiver` | `sync` |
//! | `UnboundedReceiverStream` | `rt::sync::mpsc::UnboundedReceiver` | `sync` |
//! | `BroadcastStream` | `rt::sync::broadcast::Receiver` | `sync` |
//! | `WatchStream` | `rt::sync::watch::Receiver` | `sync` |
//! | `IntervalStream` | `rt::time::Interval` | `time` |
//! | `TcpListenerStream` | `rt::net::TcpListener` | `net` |
//! | `UnixListenerStream` | `rt::net::UnixListener` | `net` (Unix) |
//! | `LinesStream` | `rt::io::Lines` | `io-util` |
//! | `SplitStream` | `rt::io::Split` | `io-util` |

// mpsc receivers.
#[cfg(feature = "sync")]
mod mpsc_bounded;
#[cfg(feature = "sync")]
mod mpsc_unbounded;
// A broadcast receiver, through a boxed `recv` future.
#[cfg(feature = "sync")]
mod broadcast;
// A watch receiver, through a boxed `changed` future.
#[cfg(feature = "sync")]
mod watch;
// An interval's ticks.
#[cfg(feature = "time")]
mod interval;
// Listeners' accepted connections.
#[cfg(feature = "net")]
mod tcp_listener;
#[cfg(all(feature = "net", unix))]
mod unix_listener;
// A buffered reader's lines and segments.
#[cfg(feature = "io-util")]
mod lines;
#[cfg(feature = "io-util")]
mod split;

/// The errors of the wrappers.
#[cfg(feature = "sync")]
pub mod errors {
    pub use super::broadcast::BroadcastStreamRecvError;
}

#[cfg(feature = "sync")]
pub use broadcast::BroadcastStream;
#[cfg(feature = "time")]
pub use interval::IntervalStream;
#[cfg(feature = "io-util")]
pub use lines::LinesStream;
#[cfg(feature = "sync")]
pub use mpsc_bounded::ReceiverStream;
#[cfg(feature = "sync")]
pub use mpsc_unbounded::UnboundedReceiverStream;
#[cfg(feature = "io-util")]
pub use split::SplitStream;
#[cfg(feature = "net")]
pub use tcp_listener::TcpListenerStream;
#[cfg(all(feature = "net", unix))]
pub use unix_listener::UnixListenerStream;
#[cfg(feature = "sync")]
pub use watch::WatchStream;
