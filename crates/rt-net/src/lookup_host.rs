//! Looking up the addresses of a host name.

use std::io;
use std::net::SocketAddr;

use crate::addr::{self, ToSocketAddrs};

/// Resolves `host` into its socket addresses.
///
/// `host` is anything [`ToSocketAddrs`] takes, most often a `"name:port"` string or a
/// `(name, port)` pair. IP literals resolve at once; a name is looked up by the system
/// resolver (`getaddrinfo`) on the blocking pool, so the task waits without blocking its
/// thread.
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// for addr in rt::net::lookup_host("localhost:3000").await? {
///     println!("socket address is {}", addr);
/// }
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Panics
///
/// Outside a runtime, when `host` names a host to look up.
///
/// # Errors
///
/// The resolver failed or knows no such host; the argument is not a valid `host:port`.
///
/// # Cancel safety
///
/// Cancel safe: dropping the future loses nothing. A lookup already running on the
/// blocking pool finishes there and its result is discarded.
pub async fn lookup_host<T>(host: T) -> io::Result<impl Iterator<Item = SocketAddr>>
where
    T: ToSocketAddrs,
{
    addr::to_socket_addrs(host).await
}
