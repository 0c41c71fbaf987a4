//! Networking for rt: TCP, UDP and Unix-domain sockets, at Tokio's `net` paths.
//!
//! Every socket is a mio socket registered with the reactor of rt-io (one registration
//! each): operations try the socket when the reactor last saw it ready and wait for the next
//! readiness event when it would block. Name resolution ([`lookup_host`]) runs the system
//! resolver on the blocking pool.
//!
//! This layer owns no threads and no event loop (rt-io's reactor is the loop); it has no
//! timeouts of its own (wrap an operation in `rt::time::timeout`).

// The non-blocking check of every `from_std`.
mod nonblocking;
// Resolving names and turning arguments into socket addresses.
mod addr;
mod lookup_host;
// TCP: listener, stream (with its split halves), and a socket to configure before use.
pub mod tcp;
// UDP sockets.
mod udp;
// Unix-domain sockets: listener, stream, datagram.
pub mod unix;

pub use addr::ToSocketAddrs;
pub use lookup_host::lookup_host;
pub use tcp::{TcpListener, TcpSocket, TcpStream};
pub use udp::UdpSocket;
pub use unix::{UnixDatagram, UnixListener, UnixStream};
