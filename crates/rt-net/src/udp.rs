//! UDP sockets.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::task::{Context, Poll, ready};

use rt_io::__private::PollEvented;
use rt_io::{Interest, ReadBuf, Ready};

use crate::addr::{ToSocketAddrs, no_address, to_socket_addrs};
use crate::nonblocking::debug_check_nonblocking;

/// What the waiting receive methods wait for: a datagram, or a socket error. An ICMP error
/// (port unreachable after a send on a connected socket) makes epoll report `EPOLLERR`
/// without `EPOLLIN`; waiting for readability alone would miss it and wait forever, where
/// the receive call itself returns the error (`ConnectionRefused`).
const RECV_INTEREST: Interest = Interest::READABLE.add(Interest::ERROR);

/// A UDP socket.
///
/// UDP is connectionless: a socket made by [`bind`](UdpSocket::bind) can
/// [`send_to`](UdpSocket::send_to) and [`recv_from`](UdpSocket::recv_from) any peer. After
/// [`connect`](UdpSocket::connect) it has a default peer for [`send`](UdpSocket::send) and
/// [`recv`](UdpSocket::recv), and receives only from it.
///
/// Each send is one datagram and each receive takes one whole datagram: if the buffer is
/// smaller than the datagram, the rest is discarded, as with std. Datagrams can be lost,
/// duplicated or reordered.
///
/// All methods take `&self`, so one socket can be shared in an `Arc` by tasks that send and
/// tasks that receive, without splitting it.
///
/// # Examples
///
/// An echo round trip:
///
/// ```
/// use rt::net::UdpSocket;
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let server = UdpSocket::bind("127.0.0.1:0").await?;
/// let client = UdpSocket::bind("127.0.0.1:0").await?;
/// client.connect(server.local_addr()?).await?;
///
/// client.send(b"hello").await?;
/// let mut buf = [0; 64];
/// let (n, from) = server.recv_from(&mut buf).await?;
/// server.send_to(&buf[..n], from).await?;
///
/// let n = client.recv(&mut buf).await?;
/// assert_eq!(&buf[..n], b"hello");
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct UdpSocket {
    io: PollEvented<mio::net::UdpSocket>,
}

impl UdpSocket {
    /// Creates a socket bound to `addr`, trying each address it resolves to until one binds.
    ///
    /// Port 0 asks the system for a free port; [`local_addr`](UdpSocket::local_addr) tells
    /// which.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let socket = UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_ne!(socket.local_addr()?.port(), 0);
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
    /// The last bind error if no address could be bound; `InvalidInput` if `addr` resolves
    /// to no address; a resolver error.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future (while a host name is being resolved) binds nothing.
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        let mut last_err = None;
        for addr in to_socket_addrs(addr).await? {
            match mio::net::UdpSocket::bind(addr) {
                Ok(socket) => return UdpSocket::new(socket),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(no_address))
    }

    /// Wraps a std socket, registering it with the current runtime's reactor.
    ///
    /// The socket must be in non-blocking mode (see
    /// [`set_nonblocking`](std::net::UdpSocket::set_nonblocking)); a blocking one would block
    /// the runtime's thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let std_socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// std_socket.set_nonblocking(true)?;
    /// let socket = UdpSocket::from_std(std_socket)?;
    /// # drop(socket);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`; in debug builds, if the socket
    /// is in blocking mode.
    ///
    /// # Errors
    ///
    /// The socket could not be registered.
    #[track_caller]
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        debug_check_nonblocking(&socket)?;
        UdpSocket::new(mio::net::UdpSocket::from_std(socket))
    }

    /// Removes the socket from the reactor and returns it as a std socket, still in
    /// non-blocking mode (call `set_nonblocking(false)` to use it blocking).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let socket = UdpSocket::bind("127.0.0.1:0").await?;
    /// let std_socket = socket.into_std()?;
    /// std_socket.set_nonblocking(false)?;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The socket could not be removed from the reactor.
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        let fd = OwnedFd::from(self.io.into_inner()?);
        Ok(std::net::UdpSocket::from(fd))
    }

    #[track_caller]
    fn new(socket: mio::net::UdpSocket) -> io::Result<UdpSocket> {
        Ok(UdpSocket {
            io: PollEvented::new(socket)?,
        })
    }

    fn as_socket(&self) -> socket2::SockRef<'_> {
        socket2::SockRef::from(&*self.io)
    }

    /// Returns the address the socket is bound to.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// Returns the address of the connected peer.
    ///
    /// # Errors
    ///
    /// `NotConnected` if the socket is not connected; or the system call failed.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr()
    }

    /// Connects the socket to `addr`, trying each address it resolves to until one works:
    /// [`send`](UdpSocket::send) then goes there, and only datagrams from there are
    /// received.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// assert_eq!(a.peer_addr()?, b.local_addr()?);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The last connect error if none worked; `InvalidInput` if `addr` resolves to no
    /// address; a resolver error.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: the only wait is the name lookup; dropping the future then leaves the
    /// socket as it was.
    pub async fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        let mut last_err = None;
        for addr in to_socket_addrs(addr).await? {
            match self.io.connect(addr) {
                Ok(()) => return Ok(()),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(no_address))
    }

    /// Waits until the socket is ready for any of `interest`, and returns what is ready.
    ///
    /// Readiness can be spurious: a `try_` call after it may still return `WouldBlock`, and
    /// the caller then waits again. With the `try_` methods, this lets one task send and
    /// receive on one socket.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Interest;
    /// use rt::net::UdpSocket;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let socket = UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.connect(socket.local_addr()?).await?;
    /// let ready = socket.ready(Interest::WRITABLE).await?;
    /// assert!(ready.is_writable());
    /// socket.try_send(b"to myself")?;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses nothing; a new call sees the same readiness.
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.io.ready(interest).await
    }

    /// Waits until the socket is writable; usually followed by
    /// [`try_send`](UdpSocket::try_send) or [`try_send_to`](UdpSocket::try_send_to).
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

    /// Polls for write readiness. Only the waker of the last call is woken (one task may
    /// poll sends and another receives).
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    pub fn poll_send_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_write_ready(cx)
    }

    /// Waits until the socket is readable; usually followed by
    /// [`try_recv`](UdpSocket::try_recv) or [`try_recv_from`](UdpSocket::try_recv_from).
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
    /// The socket is not connected, the datagram is too large, or the send failed (on
    /// Linux, an earlier datagram's ICMP error, such as `ConnectionRefused`, can surface
    /// here).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, nothing was sent.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .async_io(Interest::WRITABLE, || self.io.send(buf))
            .await
    }

    /// Polls to send `buf` to the connected peer. Only the waker of the last call is woken.
    ///
    /// # Errors
    ///
    /// As [`send`](UdpSocket::send).
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io
            .poll_io(cx, Interest::WRITABLE, || self.io.send(buf))
    }

    /// Sends `buf` to the connected peer without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the socket's buffer is full; otherwise as [`send`](UdpSocket::send).
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.try_io(Interest::WRITABLE, || self.io.send(buf))
    }

    /// Receives one datagram from the connected peer into `buf`, and returns its length (a
    /// datagram longer than `buf` is cut to fit).
    ///
    /// # Errors
    ///
    /// The receive failed (on Linux, an ICMP error for an earlier send, such as
    /// `ConnectionRefused`, can surface here), or the runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a datagram is taken only in the poll that returns it, so dropping the
    /// future loses none.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.async_io(RECV_INTEREST, || self.io.recv(buf)).await
    }

    /// Polls to receive one datagram into `buf`'s unfilled part, which it then fills by the
    /// datagram's length. Only the waker of the last call is woken.
    ///
    /// # Errors
    ///
    /// As [`recv`](UdpSocket::recv).
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let n = ready!(self.io.poll_io(cx, Interest::READABLE, || {
            self.io.recv(buf.initialize_unfilled())
        }))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }

    /// Receives one datagram from the connected peer without waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::ErrorKind;
    /// use rt::net::UdpSocket;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let socket = UdpSocket::bind("127.0.0.1:0").await?;
    /// let mut buf = [0; 16];
    /// let err = socket.try_recv(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::WouldBlock);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// `WouldBlock` if none is queued; otherwise as [`recv`](UdpSocket::recv).
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_io(Interest::READABLE, || self.io.recv(buf))
    }

    /// Sends `buf` as one datagram to `target` (the first address it resolves to).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut buf = [0; 8];
    /// let (n, from) = b.recv_from(&mut buf).await?;
    /// assert_eq!((&buf[..n], from), (&b"hi"[..], a.local_addr()?));
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// `InvalidInput` if `target` resolves to no address; a resolver error; the datagram is
    /// too large, or the send failed.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, nothing was sent.
    pub async fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], target: A) -> io::Result<usize> {
        let Some(target) = to_socket_addrs(target).await?.next() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "no addresses to send data to",
            ));
        };
        self.io
            .async_io(Interest::WRITABLE, || self.io.send_to(buf, target))
            .await
    }

    /// Polls to send `buf` to `target`. Only the waker of the last call is woken.
    ///
    /// # Errors
    ///
    /// The datagram is too large, or the send failed.
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.io
            .poll_io(cx, Interest::WRITABLE, || self.io.send_to(buf, target))
    }

    /// Sends `buf` to `target` without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the socket's buffer is full; the datagram is too large, or the send
    /// failed.
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.io
            .try_io(Interest::WRITABLE, || self.io.send_to(buf, target))
    }

    /// Receives one datagram into `buf`, and returns its length and its sender's address (a
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
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .async_io(RECV_INTEREST, || self.io.recv_from(buf))
            .await
    }

    /// Polls to receive one datagram into `buf`'s unfilled part, returning its sender's
    /// address. Only the waker of the last call is woken.
    ///
    /// # Errors
    ///
    /// As [`recv_from`](UdpSocket::recv_from).
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        let (n, addr) = ready!(self.io.poll_io(cx, Interest::READABLE, || {
            self.io.recv_from(buf.initialize_unfilled())
        }))?;
        buf.advance(n);
        Poll::Ready(Ok(addr))
    }

    /// Receives one datagram and its sender's address without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if none is queued; otherwise as [`recv_from`](UdpSocket::recv_from).
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .try_io(Interest::READABLE, || self.io.recv_from(buf))
    }

    /// Runs `f`, a custom I/O operation on the socket, if it was last seen ready for
    /// `interest`; if `f` returns `WouldBlock`, that readiness is cleared.
    ///
    /// `f` must do the I/O on this socket itself (through [`AsRawFd`] for instance) and must
    /// return `WouldBlock` only when the socket is not ready, or a later wait may hang.
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

    /// Waits until the socket is ready for `interest` and runs `f`, a custom I/O operation,
    /// again after each readiness until it does not return `WouldBlock`.
    ///
    /// `f` must return `WouldBlock` only when the socket is not ready, or this may hang.
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

    /// Copies the next datagram from the connected peer into `buf` without taking it from
    /// the queue: the next receive returns it again.
    ///
    /// # Errors
    ///
    /// As [`recv`](UdpSocket::recv).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: peeking takes nothing, so dropping the future loses nothing.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.async_io(RECV_INTEREST, || self.io.peek(buf)).await
    }

    /// Polls to peek at the next datagram from the connected peer, copying it into `buf`'s
    /// unfilled part. Only the waker of the last call is woken.
    ///
    /// # Errors
    ///
    /// As [`recv`](UdpSocket::recv).
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let n = ready!(self.io.poll_io(cx, Interest::READABLE, || {
            self.io.peek(buf.initialize_unfilled())
        }))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }

    /// Peeks at the next datagram from the connected peer without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if none is queued; otherwise as [`recv`](UdpSocket::recv).
    pub fn try_peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_io(Interest::READABLE, || self.io.peek(buf))
    }

    /// Copies the next datagram into `buf`, and returns its length and sender, without
    /// taking it from the queue: the next receive returns it again.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"once", b.local_addr()?).await?;
    ///
    /// let mut buf = [0; 8];
    /// let (n, _) = b.peek_from(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"once");
    /// let (n, _) = b.recv_from(&mut buf).await?; // still there
    /// assert_eq!(&buf[..n], b"once");
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// As [`recv_from`](UdpSocket::recv_from).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: peeking takes nothing, so dropping the future loses nothing.
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .async_io(RECV_INTEREST, || self.io.peek_from(buf))
            .await
    }

    /// Polls to peek at the next datagram, copying it into `buf`'s unfilled part and
    /// returning its sender. Only the waker of the last call is woken.
    ///
    /// # Errors
    ///
    /// As [`recv_from`](UdpSocket::recv_from).
    pub fn poll_peek_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        let (n, addr) = ready!(self.io.poll_io(cx, Interest::READABLE, || {
            self.io.peek_from(buf.initialize_unfilled())
        }))?;
        buf.advance(n);
        Poll::Ready(Ok(addr))
    }

    /// Peeks at the next datagram and its sender without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if none is queued; otherwise as [`recv_from`](UdpSocket::recv_from).
    pub fn try_peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .try_io(Interest::READABLE, || self.io.peek_from(buf))
    }

    /// Returns the sender of the next datagram without taking it from the queue (nor
    /// copying its data).
    ///
    /// # Errors
    ///
    /// As [`recv_from`](UdpSocket::recv_from).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: peeking takes nothing, so dropping the future loses nothing.
    pub async fn peek_sender(&self) -> io::Result<SocketAddr> {
        self.io
            .async_io(RECV_INTEREST, || self.peek_sender_now())
            .await
    }

    /// Polls for the sender of the next datagram. Only the waker of the last call is woken.
    ///
    /// # Errors
    ///
    /// As [`recv_from`](UdpSocket::recv_from).
    pub fn poll_peek_sender(&self, cx: &mut Context<'_>) -> Poll<io::Result<SocketAddr>> {
        self.io
            .poll_io(cx, Interest::READABLE, || self.peek_sender_now())
    }

    /// Returns the sender of the next datagram without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if none is queued; otherwise as [`recv_from`](UdpSocket::recv_from).
    pub fn try_peek_sender(&self) -> io::Result<SocketAddr> {
        self.io
            .try_io(Interest::READABLE, || self.peek_sender_now())
    }

    fn peek_sender_now(&self) -> io::Result<SocketAddr> {
        self.as_socket().peek_sender()?.as_socket().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "the sender's address is not an IP address",
            )
        })
    }

    /// Returns whether `SO_BROADCAST` is set (sending to broadcast addresses is allowed).
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn broadcast(&self) -> io::Result<bool> {
        self.io.broadcast()
    }

    /// Sets `SO_BROADCAST`: whether sending to broadcast addresses is allowed.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.io.set_broadcast(on)
    }

    /// Returns whether IPv4 multicast sent by this socket loops back to local listeners
    /// (`IP_MULTICAST_LOOP`).
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        self.io.multicast_loop_v4()
    }

    /// Sets `IP_MULTICAST_LOOP`: whether IPv4 multicast sent by this socket loops back.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        self.io.set_multicast_loop_v4(on)
    }

    /// Returns the time-to-live of IPv4 multicast sent by this socket (`IP_MULTICAST_TTL`).
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        self.io.multicast_ttl_v4()
    }

    /// Sets `IP_MULTICAST_TTL`: how many hops IPv4 multicast sent by this socket may take
    /// (1, the default, keeps it on the local network).
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn set_multicast_ttl_v4(&self, ttl: u32) -> io::Result<()> {
        self.io.set_multicast_ttl_v4(ttl)
    }

    /// Returns whether IPv6 multicast sent by this socket loops back to local listeners
    /// (`IPV6_MULTICAST_LOOP`).
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        self.io.multicast_loop_v6()
    }

    /// Sets `IPV6_MULTICAST_LOOP`: whether IPv6 multicast sent by this socket loops back.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn set_multicast_loop_v6(&self, on: bool) -> io::Result<()> {
        self.io.set_multicast_loop_v6(on)
    }

    /// Returns the traffic class of IPv6 packets sent by this socket (`IPV6_TCLASS`).
    ///
    /// # Errors
    ///
    /// The system call failed.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn tclass_v6(&self) -> io::Result<u32> {
        self.as_socket().tclass_v6()
    }

    /// Sets `IPV6_TCLASS`: the traffic class of IPv6 packets sent by this socket.
    ///
    /// # Errors
    ///
    /// The system call failed.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        self.as_socket().set_tclass_v6(tclass)
    }

    /// Returns the time-to-live of packets sent by this socket (`IP_TTL`).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UdpSocket;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let socket = UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_ttl(42)?;
    /// assert_eq!(socket.ttl()?, 42);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets `IP_TTL`: the time-to-live of packets sent by this socket.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }

    /// Returns the type-of-service field of IPv4 packets sent by this socket (`IP_TOS`).
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn tos_v4(&self) -> io::Result<u32> {
        self.as_socket().tos_v4()
    }

    /// Sets `IP_TOS`: the type-of-service field of IPv4 packets sent by this socket.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        self.as_socket().set_tos_v4(tos)
    }

    /// The old name of [`tos_v4`](UdpSocket::tos_v4).
    ///
    /// # Errors
    ///
    /// The system call failed.
    #[deprecated(note = "`tos` is IPv4-only; use `tos_v4`")]
    #[doc(hidden)]
    pub fn tos(&self) -> io::Result<u32> {
        self.tos_v4()
    }

    /// The old name of [`set_tos_v4`](UdpSocket::set_tos_v4).
    ///
    /// # Errors
    ///
    /// The system call failed.
    #[deprecated(note = "`set_tos` is IPv4-only; use `set_tos_v4`")]
    #[doc(hidden)]
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.set_tos_v4(tos)
    }

    /// Returns the name of the interface the socket is bound to (`SO_BINDTODEVICE`), if any.
    ///
    /// # Errors
    ///
    /// The system call failed.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        self.as_socket().device()
    }

    /// Binds the socket to the interface named `interface` (`SO_BINDTODEVICE`), so that it
    /// only sends and receives through it; `None` removes the binding.
    ///
    /// # Errors
    ///
    /// The system call failed (binding usually needs `CAP_NET_RAW`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        self.as_socket().bind_device(interface)
    }

    /// Joins the IPv4 multicast group `multiaddr` on the interface with address `interface`
    /// (`Ipv4Addr::UNSPECIFIED` lets the system choose).
    ///
    /// # Errors
    ///
    /// `multiaddr` is not a multicast address, or the system call failed.
    pub fn join_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.join_multicast_v4(&multiaddr, &interface)
    }

    /// Joins the IPv6 multicast group `multiaddr` on the interface with index `interface`
    /// (0 lets the system choose).
    ///
    /// # Errors
    ///
    /// `multiaddr` is not a multicast address, or the system call failed.
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.join_multicast_v6(multiaddr, interface)
    }

    /// Leaves the IPv4 multicast group `multiaddr` joined on `interface`.
    ///
    /// # Errors
    ///
    /// The group was not joined, or the system call failed.
    pub fn leave_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.leave_multicast_v4(&multiaddr, &interface)
    }

    /// Leaves the IPv6 multicast group `multiaddr` joined on interface index `interface`.
    ///
    /// # Errors
    ///
    /// The group was not joined, or the system call failed.
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.leave_multicast_v6(multiaddr, interface)
    }

    /// Returns and clears the socket's pending error (`SO_ERROR`), if any.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }
}

impl TryFrom<std::net::UdpSocket> for UdpSocket {
    type Error = io::Error;

    /// As [`UdpSocket::from_std`].
    fn try_from(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        UdpSocket::from_std(socket)
    }
}

impl AsRawFd for UdpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UdpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("UdpSocket");
        if let Ok(addr) = self.io.local_addr() {
            d.field("addr", &addr);
        }
        d.field("fd", &self.io.as_raw_fd()).finish()
    }
}
