//! A Unix-domain datagram socket.

use std::fmt;
use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::path::Path;
use std::task::{Context, Poll, ready};

use rt_io::__private::PollEvented;
use rt_io::{Interest, ReadBuf, Ready};

use super::SocketAddr;
use crate::nonblocking::debug_check_nonblocking;

/// A Unix-domain datagram socket.
///
/// Made by [`bind`](UnixDatagram::bind), [`unbound`](UnixDatagram::unbound),
/// [`pair`](UnixDatagram::pair) or [`from_std`](UnixDatagram::from_std). Each send is one
/// datagram and each receive takes one whole datagram: if the buffer is smaller than the
/// datagram, the rest is discarded, as with std.
///
/// All methods take `&self`, so one socket can be shared (in an `Arc`) by a task that
/// sends and one that receives.
///
/// # Examples
///
/// ```
/// use rt::net::UnixDatagram;
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let dir = std::env::temp_dir().join(format!("rt-doc-dgram-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("server");
/// # let _ = std::fs::remove_file(&path);
///
/// let server = UnixDatagram::bind(&path)?;
/// let client = UnixDatagram::unbound()?;
/// client.send_to(b"hello", &path).await?;
///
/// let mut buf = [0; 16];
/// let (n, from) = server.recv_from(&mut buf).await?;
/// assert_eq!(&buf[..n], b"hello");
/// assert!(from.is_unnamed());
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct UnixDatagram {
    io: PollEvented<mio::net::UnixDatagram>,
}

impl UnixDatagram {
    /// Creates a socket bound to `path` (on Linux, a path starting with a NUL byte names an
    /// abstract address).
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`.
    ///
    /// # Errors
    ///
    /// The path is in use (`AddrInUse`), too long, or not writable; or the socket could not
    /// be registered.
    #[track_caller]
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixDatagram> {
        let path = path.as_ref();
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            use std::os::unix::ffi::OsStrExt;
            if let Some(name) = path.as_os_str().as_bytes().strip_prefix(b"\0") {
                #[cfg(target_os = "android")]
                use std::os::android::net::SocketAddrExt;
                #[cfg(target_os = "linux")]
                use std::os::linux::net::SocketAddrExt;

                let addr = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
                return UnixDatagram::new(mio::net::UnixDatagram::bind_addr(&addr)?);
            }
        }
        UnixDatagram::new(mio::net::UnixDatagram::bind(path)?)
    }

    /// Creates an unnamed pair of connected sockets.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixDatagram;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let (a, b) = UnixDatagram::pair()?;
    /// a.send(b"ping").await?;
    /// let mut buf = [0; 8];
    /// let n = b.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"ping");
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
    /// The sockets could not be created or registered.
    #[track_caller]
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = mio::net::UnixDatagram::pair()?;
        Ok((UnixDatagram::new(a)?, UnixDatagram::new(b)?))
    }

    /// Creates a socket bound to no address; it can send to named sockets (replies cannot
    /// reach it).
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`.
    ///
    /// # Errors
    ///
    /// The socket could not be created or registered.
    #[track_caller]
    pub fn unbound() -> io::Result<UnixDatagram> {
        UnixDatagram::new(mio::net::UnixDatagram::unbound()?)
    }

    /// Wraps a std socket, registering it with the current runtime's reactor.
    ///
    /// The socket must be in non-blocking mode (see
    /// [`set_nonblocking`](std::os::unix::net::UnixDatagram::set_nonblocking)).
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`; in debug builds, if the
    /// socket is in blocking mode.
    ///
    /// # Errors
    ///
    /// The socket could not be registered.
    #[track_caller]
    pub fn from_std(datagram: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        debug_check_nonblocking(&datagram)?;
        UnixDatagram::new(mio::net::UnixDatagram::from_std(datagram))
    }

    /// Removes the socket from the reactor and returns it as a std socket, still in
    /// non-blocking mode.
    ///
    /// # Errors
    ///
    /// The socket could not be removed from the reactor.
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixDatagram> {
        let fd = OwnedFd::from(self.io.into_inner()?);
        Ok(std::os::unix::net::UnixDatagram::from(fd))
    }

    #[track_caller]
    fn new(socket: mio::net::UnixDatagram) -> io::Result<UnixDatagram> {
        Ok(UnixDatagram {
            io: PollEvented::new(socket)?,
        })
    }

    /// Connects the socket to `path`: [`send`](UnixDatagram::send) then goes there, and only
    /// datagrams from there are received.
    ///
    /// # Errors
    ///
    /// No socket is bound at `path`, or the system call failed.
    pub fn connect<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        self.io.connect(path)
    }

    /// Waits until the socket is ready for any of `interest`, and returns what is ready.
    ///
    /// Readiness can be spurious: a `try_` call after it may still return `WouldBlock`.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses nothing.
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.io.ready(interest).await
    }

    /// Waits until the socket is writable; usually followed by
    /// [`try_send`](UnixDatagram::try_send) or [`try_send_to`](UnixDatagram::try_send_to).
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses nothing.
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await.map(|_| ())
    }

    /// Polls for write readiness. Only the waker of the last call is woken.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    pub fn poll_send_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_write_ready(cx)
    }

    /// Waits until the socket is readable; usually followed by
    /// [`try_recv`](UnixDatagram::try_recv) or [`try_recv_from`](UnixDatagram::try_recv_from).
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses nothing.
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await.map(|_| ())
    }

    /// Polls for read readiness. Only the waker of the last call is woken.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    pub fn poll_recv_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_read_ready(cx)
    }

    /// Sends `buf` as one datagram to the connected peer; returns the bytes sent.
    ///
    /// # Errors
    ///
    /// The socket is not connected, the datagram is too large, or the send failed.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, nothing was sent.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .async_io(Interest::WRITABLE, || self.io.send(buf))
            .await
    }

    /// Sends `buf` to the connected peer without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the socket's buffer is full; otherwise as [`send`](UnixDatagram::send).
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.try_io(Interest::WRITABLE, || self.io.send(buf))
    }

    /// Polls to send `buf` to the connected peer. Only the waker of the last call is woken.
    ///
    /// # Errors
    ///
    /// As [`send`](UnixDatagram::send).
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io
            .poll_io(cx, Interest::WRITABLE, || self.io.send(buf))
    }

    /// Sends `buf` as one datagram to the socket bound at `target`.
    ///
    /// # Errors
    ///
    /// Nothing is bound at `target`, the datagram is too large, or the send failed.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, nothing was sent.
    pub async fn send_to<P: AsRef<Path>>(&self, buf: &[u8], target: P) -> io::Result<usize> {
        let target = target.as_ref();
        self.io
            .async_io(Interest::WRITABLE, || self.io.send_to(buf, target))
            .await
    }

    /// Sends `buf` to `target` without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the socket's buffer is full; otherwise as
    /// [`send_to`](UnixDatagram::send_to).
    pub fn try_send_to<P: AsRef<Path>>(&self, buf: &[u8], target: P) -> io::Result<usize> {
        let target = target.as_ref();
        self.io
            .try_io(Interest::WRITABLE, || self.io.send_to(buf, target))
    }

    /// Polls to send `buf` to `target`. Only the waker of the last call is woken.
    ///
    /// # Errors
    ///
    /// As [`send_to`](UnixDatagram::send_to).
    pub fn poll_send_to<P: AsRef<Path>>(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: P,
    ) -> Poll<io::Result<usize>> {
        let target = target.as_ref();
        self.io
            .poll_io(cx, Interest::WRITABLE, || self.io.send_to(buf, target))
    }

    /// Receives one datagram from the connected peer into `buf`, and returns its length (a
    /// datagram longer than `buf` is cut to fit).
    ///
    /// # Errors
    ///
    /// The receive failed, or the runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a datagram is taken only in the poll that returns it, so dropping the
    /// future loses none.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .async_io(Interest::READABLE, || self.io.recv(buf))
            .await
    }

    /// Receives one datagram without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if none is queued; otherwise as [`recv`](UnixDatagram::recv).
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_io(Interest::READABLE, || self.io.recv(buf))
    }

    /// Polls to receive one datagram into `buf`'s unfilled part, which it then fills by the
    /// datagram's length. Only the waker of the last call is woken.
    ///
    /// # Errors
    ///
    /// As [`recv`](UnixDatagram::recv).
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let n = ready!(self.io.poll_io(cx, Interest::READABLE, || {
            self.io.recv(buf.initialize_unfilled())
        }))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }

    /// Receives one datagram into `buf`, and returns its length and its sender's address
    /// (unnamed if the sender is not bound).
    ///
    /// # Errors
    ///
    /// The receive failed, or the runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a datagram is taken only in the poll that returns it, so dropping the
    /// future loses none.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self
            .io
            .async_io(Interest::READABLE, || self.io.recv_from(buf))
            .await?;
        Ok((n, SocketAddr(addr)))
    }

    /// Receives one datagram and its sender's address without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if none is queued; otherwise as [`recv_from`](UnixDatagram::recv_from).
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self
            .io
            .try_io(Interest::READABLE, || self.io.recv_from(buf))?;
        Ok((n, SocketAddr(addr)))
    }

    /// Polls to receive one datagram into `buf`'s unfilled part, returning its sender's
    /// address. Only the waker of the last call is woken.
    ///
    /// # Errors
    ///
    /// As [`recv_from`](UnixDatagram::recv_from).
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        let (n, addr) = ready!(self.io.poll_io(cx, Interest::READABLE, || {
            self.io.recv_from(buf.initialize_unfilled())
        }))?;
        buf.advance(n);
        Poll::Ready(Ok(SocketAddr(addr)))
    }

    /// Runs `f`, a custom I/O operation on the socket, if it was last seen ready for
    /// `interest`; if `f` returns `WouldBlock`, that readiness is cleared.
    ///
    /// `f` must return `WouldBlock` only when the socket is not ready, or a later wait may
    /// hang.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the socket is not ready for `interest`; what `f` returns otherwise.
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.try_io(interest, f)
    }

    /// Waits until the socket is ready for `interest` and runs `f`, again after each
    /// readiness until it does not return `WouldBlock`.
    ///
    /// # Errors
    ///
    /// What `f` returns other than `WouldBlock`; or the runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe as long as `f` is: dropping the future between two calls of `f` loses
    /// nothing.
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.async_io(interest, f).await
    }

    /// Returns the address the socket is bound to (unnamed if it is not).
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr)
    }

    /// Returns the address of the connected peer.
    ///
    /// # Errors
    ///
    /// The socket is not connected (`NotConnected`), or the system call failed.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr().map(SocketAddr)
    }

    /// Returns and clears the socket's pending error (`SO_ERROR`), if any.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Shuts the read half, the write half, or both down: later sends fail, later receives
    /// return `Ok(0)` at once.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.shutdown(how)
    }
}

impl TryFrom<std::os::unix::net::UnixDatagram> for UnixDatagram {
    type Error = io::Error;

    /// As [`UnixDatagram::from_std`].
    fn try_from(socket: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        UnixDatagram::from_std(socket)
    }
}

impl AsRawFd for UnixDatagram {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixDatagram {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for UnixDatagram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixDatagram")
            .field("fd", &self.io.as_raw_fd())
            .finish()
    }
}
