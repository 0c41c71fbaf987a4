//! TCP: a listener, a stream with its split halves, and a socket to configure before use.

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
