//! A TCP socket accepting connections.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{Context, Poll};

use rt_io::__private::PollEvented;
use rt_io::Interest;

use super::TcpStream;
use crate::addr::{self, ToSocketAddrs};

/// A TCP socket server, listening for connections.
///
/// Made by [`bind`](TcpListener::bind) (or [`TcpSocket::listen`](crate::TcpSocket::listen)
/// for options set before listening); [`accept`](TcpListener::accept) waits for the next
/// connection.
///
/// # Errors
///
/// Accepting can fail for a reason that concerns one connection only, or none: the
/// descriptor table full (`EMFILE`, `ENFILE`), a connection reset before it was accepted.
/// The listener keeps working after such an error; a server loop should log it and go on,
/// after a short pause when descriptors ran out (accepting again at once would fail again
/// until some are closed, and would not release the waiting connection any sooner).
///
/// # Examples
///
/// ```no_run
/// use rt::io::AsyncWriteExt;
/// use rt::net::TcpListener;
///
/// #[rt::main]
/// async fn main() -> std::io::Result<()> {
///     let listener = TcpListener::bind("127.0.0.1:8080").await?;
///     loop {
///         let (mut socket, peer) = listener.accept().await?;
///         rt::spawn(async move {
///             let _ = socket.write_all(format!("hello, {peer}\n").as_bytes()).await;
///         });
///     }
/// }
/// ```
pub struct TcpListener {
    io: PollEvented<mio::net::TcpListener>,
}

impl TcpListener {
    /// Creates a listener bound to `addr`, listening for connections.
    ///
    /// `addr` is any [`ToSocketAddrs`]; a host name is resolved first. Each resolved address
    /// is tried in turn until one binds; if none does, the error of the last attempt is
    /// returned. Port `0` asks the system for a free port: read it back with
    /// [`local_addr`](TcpListener::local_addr). The socket has `SO_REUSEADDR` set, and a
    /// backlog of 1024.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::TcpListener;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// println!("listening on {}", listener.local_addr()?);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`.
    ///
    /// # Errors
    ///
    /// The name did not resolve, resolved to no address (`InvalidInput`), or every address
    /// failed to bind (the last one's error, e.g. `AddrInUse`).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: binding itself does not wait. Dropping the future during a name lookup
    /// loses nothing but the lookup.
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        let addrs = addr::to_socket_addrs(addr).await?;
        let mut last_err = None;
        for addr in addrs {
            match TcpListener::bind_addr(addr) {
                Ok(listener) => return Ok(listener),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(crate::addr::no_address))
    }

    fn bind_addr(addr: SocketAddr) -> io::Result<TcpListener> {
        TcpListener::new(mio::net::TcpListener::bind(addr)?)
    }

    /// Registers a listening mio socket.
    pub(crate) fn new(mio: mio::net::TcpListener) -> io::Result<TcpListener> {
        Ok(TcpListener {
            io: PollEvented::new_with_interest(mio, Interest::READABLE)?,
        })
    }

    /// Waits for a new connection and returns it with the peer's address.
    ///
    /// The accepted stream is non-blocking and registered with the current runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, peer) = listener.accept().await?;
    /// assert_eq!(peer, client.local_addr()?);
    /// # drop(server);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The `accept` system call failed: e.g. `EMFILE`/`ENFILE` when the process or system is
    /// out of descriptors (the connection stays queued; accepting works again once
    /// descriptors are closed), `ECONNABORTED` for a connection reset while queued. See the
    /// type's `# Errors`. Also when the runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a connection is taken from the queue only when the call returns it, so
    /// dropping the future loses none.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (mio, peer) = self
            .io
            .async_io(Interest::READABLE, || self.io.accept())
            .await?;
        Ok((TcpStream::new(mio)?, peer))
    }

    /// Polls to accept a new connection.
    ///
    /// Returns `Poll::Pending` and registers the task in `cx` to be woken when a connection
    /// arrives; only the last task to poll is woken.
    ///
    /// # Errors
    ///
    /// As [`accept`](TcpListener::accept).
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        match self.io.poll_io(cx, Interest::READABLE, || self.io.accept()) {
            Poll::Ready(Ok((mio, peer))) => Poll::Ready(TcpStream::new(mio).map(|s| (s, peer))),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }

    /// Makes a `TcpListener` of a standard library one.
    ///
    /// The socket must already listen and be in non-blocking mode
    /// (`set_nonblocking(true)`); this function does not change it.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::TcpListener;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// std_listener.set_nonblocking(true)?;
    /// let listener = TcpListener::from_std(std_listener)?;
    /// # drop(listener);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`. In debug builds, also if the
    /// socket is in blocking mode.
    ///
    /// # Errors
    ///
    /// The socket could not be registered with the reactor.
    #[track_caller]
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        crate::nonblocking::debug_check_nonblocking(&listener)?;
        TcpListener::new(mio::net::TcpListener::from_std(listener))
    }

    /// Turns this listener into a standard library one, in non-blocking mode.
    ///
    /// The socket leaves the reactor. Call `set_nonblocking(false)` on the result to accept
    /// with blocking calls.
    ///
    /// # Errors
    ///
    /// The socket could not be removed from the reactor.
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        Ok(self.io.into_inner()?.into())
    }

    /// The local address this listener is bound to (with the actual port after binding to
    /// port `0`).
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// The IP time-to-live (`IP_TTL`) of packets sent from this socket.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets the IP time-to-live (`IP_TTL`) of packets sent from this socket.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::TcpListener;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// listener.set_ttl(100)?;
    /// assert_eq!(listener.ttl()?, 100);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }
}

impl TryFrom<std::net::TcpListener> for TcpListener {
    type Error = io::Error;

    /// As [`TcpListener::from_std`].
    fn try_from(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        TcpListener::from_std(listener)
    }
}

impl AsRawFd for TcpListener {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for TcpListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The mio listener's Debug shows the address and descriptor; skip the registration.
        (*self.io).fmt(f)
    }
}
