//! Unix-domain sockets: a listener and stream for byte streams, a datagram socket, and the
//! types around them, at Tokio's `net::unix` paths.
//!
//! Each socket is a mio socket registered with the current runtime's reactor; see the crate
//! documentation for how operations wait.

// Listening for stream connections.
mod listener;
// The byte stream, and its borrowed and owned halves.
mod split;
mod split_owned;
mod stream;
// The datagram socket.
mod datagram;
// Addresses and peer credentials.
mod socketaddr;
mod ucred;

pub use datagram::UnixDatagram;
pub use listener::UnixListener;
pub use socketaddr::SocketAddr;
pub use split::{ReadHalf, WriteHalf};
pub use split_owned::{OwnedReadHalf, OwnedWriteHalf, ReuniteError};
pub use stream::UnixStream;
pub use ucred::UCred;

/// A user id, as in [`UCred::uid`].
#[allow(non_camel_case_types)]
pub type uid_t = u32;

/// A group id, as in [`UCred::gid`].
#[allow(non_camel_case_types)]
pub type gid_t = u32;

/// A process id, as in [`UCred::pid`].
#[allow(non_camel_case_types)]
pub type pid_t = i32;
