//! TCP: a listener, a stream with its split halves, and a socket to configure before use.

use std::io;
use std::os::fd::AsFd;

// Accepting connections.
pub(crate) mod listener;
// Configuring a socket before it connects or listens.
pub(crate) mod socket;
// A connected stream.
pub(crate) mod stream;
// Reads that tell whether they drained the socket (TCP_INQ).
mod inq;
// Borrowed halves of a stream, for one task reading while another writes.
mod split;
// Owned halves of a stream, movable to different tasks, and put back together.
mod split_owned;

pub use listener::TcpListener;
pub use socket::TcpSocket;
pub use split::{ReadHalf, WriteHalf};
pub use split_owned::{OwnedReadHalf, OwnedWriteHalf, ReuniteError};
pub use stream::TcpStream;

/// In debug builds, panics if `socket` is in blocking mode: a blocking socket would stall a
/// runtime thread on its first read, write or accept (as Tokio checks in `from_std`).
fn check_nonblocking(socket: &impl AsFd) -> io::Result<()> {
    if cfg!(debug_assertions) {
        let nonblocking = socket2::SockRef::from(socket).nonblocking()?;
        assert!(
            nonblocking,
            "registering a blocking socket with the rt runtime is unsupported: \
             call `set_nonblocking(true)` on it first"
        );
    }
    Ok(())
}
