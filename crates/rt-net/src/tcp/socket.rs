//! A TCP socket not yet connected nor listening, to configure first.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, RawFd};
use std::time::Duration;

use super::{TcpListener, TcpStream};

/// A TCP socket that has not yet been turned into a stream or a listener.
///
/// Set options that must be set before connecting or listening (`SO_REUSEADDR`,
/// `SO_REUSEPORT`, buffer sizes, binding to a local address before connecting), then
/// [`connect`](TcpSocket::connect) to get a [`TcpStream`] or [`listen`](TcpSocket::listen)
/// to get a [`TcpListener`]. Both consume the socket.
///
/// The socket is non-blocking and close-on-exec from creation; it is not registered with
/// the reactor until it connects or listens, so making one needs no runtime.
///
/// # Examples
///
/// ```
/// use rt::net::TcpSocket;
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let socket = TcpSocket::new_v4()?;
/// socket.set_reuseaddr(true)?;
/// socket.bind("127.0.0.1:0".parse().unwrap())?;
/// let listener = socket.listen(128)?;
///
/// let client = TcpSocket::new_v4()?;
/// client.set_nodelay(true)?;
/// let stream = client.connect(listener.local_addr()?).await?;
/// assert!(stream.nodelay()?);
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct TcpSocket {
    inner: socket2::Socket,
}

impl TcpSocket {
    /// Creates an IPv4 TCP socket.
    ///
    /// # Errors
    ///
    /// The `socket` system call failed (e.g. out of descriptors).
    pub fn new_v4() -> io::Result<TcpSocket> {
        TcpSocket::new(socket2::Domain::IPV4)
    }

    /// Creates an IPv6 TCP socket.
    ///
    /// # Errors
    ///
    /// The `socket` system call failed (e.g. out of descriptors, or no IPv6 support).
    pub fn new_v6() -> io::Result<TcpSocket> {
        TcpSocket::new(socket2::Domain::IPV6)
    }

    fn new(domain: socket2::Domain) -> io::Result<TcpSocket> {
        let ty = socket2::Type::STREAM;
        // Non-blocking (and close-on-exec: socket2 sets it) in the one system call where the
        // platform allows, so no other thread's fork sees a half-made socket.
        #[cfg(any(
            target_os = "android",
            target_os = "dragonfly",
            target_os = "freebsd",
            target_os = "fuchsia",
            target_os = "illumos",
            target_os = "linux",
            target_os = "netbsd",
            target_os = "openbsd"
        ))]
        let ty = ty.nonblocking();
        let inner = socket2::Socket::new(domain, ty, Some(socket2::Protocol::TCP))?;
        #[cfg(not(any(
            target_os = "android",
            target_os = "dragonfly",
            target_os = "freebsd",
            target_os = "fuchsia",
            target_os = "illumos",
            target_os = "linux",
            target_os = "netbsd",
            target_os = "openbsd"
        )))]
        inner.set_nonblocking(true)?;
        Ok(TcpSocket { inner })
    }

    /// Sets `SO_KEEPALIVE`: probe an idle connection to detect a dead peer.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn set_keepalive(&self, keepalive: bool) -> io::Result<()> {
        self.inner.set_keepalive(keepalive)
    }

    /// Whether `SO_KEEPALIVE` is set.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn keepalive(&self) -> io::Result<bool> {
        self.inner.keepalive()
    }

    /// Sets `SO_REUSEADDR`: allow binding to an address still in `TIME_WAIT`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_reuseaddr(true)?;
    /// assert!(socket.reuseaddr()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn set_reuseaddr(&self, reuseaddr: bool) -> io::Result<()> {
        self.inner.set_reuse_address(reuseaddr)
    }

    /// Whether `SO_REUSEADDR` is set.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn reuseaddr(&self) -> io::Result<bool> {
        self.inner.reuse_address()
    }

    /// Sets `SO_REUSEPORT`: allow several sockets to bind the same address and port (the
    /// kernel spreads incoming connections among the listeners).
    ///
    /// # Errors
    ///
    /// The system call failed.
    #[cfg(all(unix, not(target_os = "solaris"), not(target_os = "illumos")))]
    pub fn set_reuseport(&self, reuseport: bool) -> io::Result<()> {
        self.inner.set_reuse_port(reuseport)
    }

    /// Whether `SO_REUSEPORT` is set.
    ///
    /// # Errors
    ///
    /// The system call failed.
    #[cfg(all(unix, not(target_os = "solaris"), not(target_os = "illumos")))]
    pub fn reuseport(&self) -> io::Result<bool> {
        self.inner.reuse_port()
    }

    /// Sets the send buffer size (`SO_SNDBUF`). The kernel may adjust it (Linux doubles it).
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_send_buffer_size(size as usize)
    }

    /// The send buffer size (`SO_SNDBUF`), as the kernel set it.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn send_buffer_size(&self) -> io::Result<u32> {
        self.inner.send_buffer_size().map(saturate)
    }

    /// Sets the receive buffer size (`SO_RCVBUF`). The kernel may adjust it (Linux doubles
    /// it).
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_recv_buffer_size(size as usize)
    }

    /// The receive buffer size (`SO_RCVBUF`), as the kernel set it.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn recv_buffer_size(&self) -> io::Result<u32> {
        self.inner.recv_buffer_size().map(saturate)
    }

    /// Sets `SO_LINGER`.
    ///
    /// With a non-zero duration, closing the socket blocks the thread that drops it until
    /// the unsent data is sent or the time is up, which stalls a runtime thread; hence the
    /// deprecation. To reset the connection on close, use
    /// [`set_zero_linger`](TcpSocket::set_zero_linger).
    ///
    /// # Errors
    ///
    /// The system call failed.
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        self.inner.set_linger(dur)
    }

    /// Sets `SO_LINGER` to zero: closing the socket discards unsent data and resets the
    /// connection instead of closing it gracefully.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn set_zero_linger(&self) -> io::Result<()> {
        self.inner.set_linger(Some(Duration::ZERO))
    }

    /// The `SO_LINGER` setting: `None` when off (the default).
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        self.inner.linger()
    }

    /// Sets `TCP_NODELAY` (Nagle's algorithm off when `true`).
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.set_tcp_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.tcp_nodelay()
    }

    /// The IPv4 type-of-service field (`IP_TOS`) of packets sent from this socket.
    ///
    /// # Errors
    ///
    /// The system call failed (e.g. on an IPv6 socket).
    #[cfg(not(any(
        target_os = "fuchsia",
        target_os = "redox",
        target_os = "solaris",
        target_os = "illumos"
    )))]
    pub fn tos_v4(&self) -> io::Result<u32> {
        self.inner.tos_v4()
    }

    /// Sets the IPv4 type-of-service field (`IP_TOS`) of packets sent from this socket.
    ///
    /// # Errors
    ///
    /// The system call failed (e.g. on an IPv6 socket).
    #[cfg(not(any(
        target_os = "fuchsia",
        target_os = "redox",
        target_os = "solaris",
        target_os = "illumos"
    )))]
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        self.inner.set_tos_v4(tos)
    }

    /// The IPv4 type-of-service field (`IP_TOS`); renamed [`tos_v4`](TcpSocket::tos_v4).
    ///
    /// # Errors
    ///
    /// The system call failed.
    #[deprecated = "use `tos_v4()`"]
    #[cfg(not(any(
        target_os = "fuchsia",
        target_os = "redox",
        target_os = "solaris",
        target_os = "illumos"
    )))]
    pub fn tos(&self) -> io::Result<u32> {
        self.tos_v4()
    }

    /// Sets the IPv4 type-of-service field (`IP_TOS`); renamed
    /// [`set_tos_v4`](TcpSocket::set_tos_v4).
    ///
    /// # Errors
    ///
    /// The system call failed.
    #[deprecated = "use `set_tos_v4()`"]
    #[cfg(not(any(
        target_os = "fuchsia",
        target_os = "redox",
        target_os = "solaris",
        target_os = "illumos"
    )))]
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.set_tos_v4(tos)
    }

    /// The IPv6 traffic class (`IPV6_TCLASS`) of packets sent from this socket.
    ///
    /// # Errors
    ///
    /// The system call failed (e.g. on an IPv4 socket).
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    pub fn tclass_v6(&self) -> io::Result<u32> {
        self.inner.tclass_v6()
    }

    /// Sets the IPv6 traffic class (`IPV6_TCLASS`) of packets sent from this socket.
    ///
    /// # Errors
    ///
    /// The system call failed (e.g. on an IPv4 socket).
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        self.inner.set_tclass_v6(tclass)
    }

    /// The interface the socket is bound to (`SO_BINDTODEVICE`), if any.
    ///
    /// # Errors
    ///
    /// The system call failed.
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        self.inner.device()
    }

    /// Binds the socket to an interface by name (`SO_BINDTODEVICE`): only packets from that
    /// interface are processed. `None` removes the binding. Usually needs privileges.
    ///
    /// # Errors
    ///
    /// The system call failed (e.g. `EPERM`, or no such interface).
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        self.inner.bind_device(interface)
    }

    /// The local address the socket is bound to.
    ///
    /// # Errors
    ///
    /// The system call failed, or the address is not IPv4 nor IPv6 (`InvalidInput`).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()?.as_socket().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "invalid address family (not IPv4 or IPv6)",
            )
        })
    }

    /// Takes the pending socket error (`SO_ERROR`), clearing it.
    ///
    /// # Errors
    ///
    /// The system call failed (not the pending error, which is the `Ok` value).
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }

    /// Binds the socket to `addr`.
    ///
    /// Before [`listen`](TcpSocket::listen): the address to listen on. Before
    /// [`connect`](TcpSocket::connect): the local address to connect from.
    ///
    /// # Errors
    ///
    /// The system call failed (e.g. `AddrInUse`, `AddrNotAvailable`).
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        self.inner.bind(&addr.into())
    }

    /// Connects to `addr`, consuming the socket, and returns the stream once connected.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::{TcpListener, TcpSocket};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let socket = TcpSocket::new_v4()?;
    /// let stream = socket.connect(listener.local_addr()?).await?;
    /// # drop(stream);
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
    /// The connection failed (e.g. `ConnectionRefused`), or registration failed.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: dropping the future closes the socket, whether or not it had
    /// connected.
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        if let Err(e) = self.inner.connect(&addr.into()) {
            // A non-blocking connect normally reports "in progress"; the outcome comes
            // later as writability.
            if e.raw_os_error() != Some(libc::EINPROGRESS) {
                return Err(e);
            }
        }
        let std = std::net::TcpStream::from(self.inner);
        TcpStream::connect_mio(mio::net::TcpStream::from_std(std)).await
    }

    /// Starts listening with a queue of `backlog` pending connections, consuming the
    /// socket, and returns the listener.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`.
    ///
    /// # Errors
    ///
    /// The system call failed, or registration failed.
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        self.inner
            .listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
        let std = std::net::TcpListener::from(self.inner);
        TcpListener::new(mio::net::TcpListener::from_std(std))
    }

    /// Makes a `TcpSocket` of a standard library stream, to set options on it.
    ///
    /// The socket is kept as it is: a connected stream stays connected, and its blocking
    /// mode is not changed.
    pub fn from_std_stream(std_stream: std::net::TcpStream) -> TcpSocket {
        TcpSocket {
            inner: socket2::Socket::from(std_stream),
        }
    }
}

fn saturate(size: usize) -> u32 {
    u32::try_from(size).unwrap_or(u32::MAX)
}

impl AsRawFd for TcpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl AsFd for TcpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl FromRawFd for TcpSocket {
    /// Makes a `TcpSocket` of a raw descriptor.
    ///
    /// # Safety
    ///
    /// - `fd` is an open TCP socket descriptor, owned by nothing else (it is closed when the
    ///   `TcpSocket` drops).
    /// - It should be in non-blocking mode before it connects or listens.
    unsafe fn from_raw_fd(fd: RawFd) -> TcpSocket {
        // SAFETY: the caller hands over ownership of `fd`, an open socket (this function's
        // `# Safety`).
        let inner = unsafe { socket2::Socket::from_raw_fd(fd) };
        TcpSocket { inner }
    }
}

impl IntoRawFd for TcpSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}

impl fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}
