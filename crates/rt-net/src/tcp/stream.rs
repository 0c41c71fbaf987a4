//! A connected TCP stream.

use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use rt_io::__private::PollEvented;
use rt_io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};

use super::split::{self, ReadHalf, WriteHalf};
use super::split_owned::{self, OwnedReadHalf, OwnedWriteHalf};
use crate::addr::{self, ToSocketAddrs};

/// A TCP connection between a local and a remote socket.
///
/// Made by [connecting](TcpStream::connect) to a remote host, by
/// [accepting](crate::TcpListener::accept) a connection on a listener, or by
/// [`TcpSocket::connect`](crate::TcpSocket::connect).
///
/// Read and write it with `rt::io::AsyncReadExt` and
/// `rt::io::AsyncWriteExt`, or without `&mut` access through
/// [`readable`](TcpStream::readable) and [`try_read`](TcpStream::try_read) (and the
/// writing counterparts). To read and write from two tasks, [`split`](TcpStream::split) or
/// [`into_split`](TcpStream::into_split) it.
///
/// Dropping the stream closes the connection in both directions. Data the peer sent that was
/// never read may make the kernel reset the connection instead of closing it; to stop
/// writing but keep reading, call [`shutdown`](AsyncWrite::poll_shutdown).
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
/// use rt::net::{TcpListener, TcpStream};
///
/// #[rt::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let addr = listener.local_addr()?;
///
///     let client = rt::spawn(async move {
///         let mut stream = TcpStream::connect(addr).await?;
///         stream.write_all(b"hello world!").await?;
///         stream.shutdown().await
///     });
///
///     let (mut socket, _) = listener.accept().await?;
///     let mut received = Vec::new();
///     socket.read_to_end(&mut received).await?;
///     assert_eq!(received, b"hello world!");
///     client.await.unwrap()
/// }
/// ```
pub struct TcpStream {
    io: PollEvented<mio::net::TcpStream>,
    /// The kernel reports the receive queue after each read (`inq`), so reads know when
    /// they drained it.
    inq: bool,
}

impl TcpStream {
    /// Opens a TCP connection to a remote host.
    ///
    /// `addr` is any [`ToSocketAddrs`]; a host name is resolved first. Each resolved address
    /// is tried in turn until one connects; if none does, the error of the last attempt is
    /// returned.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = TcpStream::connect(listener.local_addr()?).await?;
    /// stream.write_all(b"hello world!").await?;
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
    /// The name did not resolve, resolved to no address (`InvalidInput`), or every connection
    /// attempt failed (the last attempt's error, e.g. `ConnectionRefused`).
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe in the sense that dropping the future abandons the attempt in
    /// progress: a connection that was being established is closed, and the next call starts
    /// over from the first address.
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        let addrs = addr::to_socket_addrs(addr).await?;
        let mut last_err = None;
        for addr in addrs {
            match TcpStream::connect_addr(addr).await {
                Ok(stream) => return Ok(stream),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(crate::addr::no_address))
    }

    async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        let mio = mio::net::TcpStream::connect(addr)?;
        TcpStream::connect_mio(mio).await
    }

    /// Waits for a non-blocking connect started on `mio` to finish.
    pub(crate) async fn connect_mio(mio: mio::net::TcpStream) -> io::Result<TcpStream> {
        let stream = TcpStream::new(mio)?;
        // Writable means the attempt ended: it failed (the socket holds an error) or it
        // connected (the socket has a peer). Not connected yet means the readiness was
        // spurious: forget it and wait for the next event.
        poll_fn(|cx| {
            stream.io.poll_io(cx, Interest::WRITABLE, || {
                if let Some(e) = stream.io.take_error()? {
                    return Err(e);
                }
                match stream.io.peer_addr() {
                    Ok(_) => Ok(()),
                    Err(e)
                        if e.kind() == io::ErrorKind::NotConnected
                            || e.raw_os_error() == Some(libc::ENOTCONN) =>
                    {
                        Err(io::ErrorKind::WouldBlock.into())
                    }
                    Err(e) => Err(e),
                }
            })
        })
        .await?;
        Ok(stream)
    }

    /// Registers an already connected (or connecting) mio stream.
    pub(crate) fn new(mio: mio::net::TcpStream) -> io::Result<TcpStream> {
        let inq = super::inq::enable(mio.as_raw_fd());
        Ok(TcpStream {
            io: PollEvented::new(mio)?,
            inq,
        })
    }

    /// Makes a `TcpStream` of a standard library one.
    ///
    /// The socket must already be in non-blocking mode (`set_nonblocking(true)`); this
    /// function does not change it. Its use is to hand a socket made elsewhere (with options
    /// this crate does not set) to the runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let std_stream = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// std_stream.set_nonblocking(true)?;
    /// let stream = TcpStream::from_std(std_stream)?;
    /// # drop(stream);
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
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        crate::nonblocking::debug_check_nonblocking(&stream)?;
        TcpStream::new(mio::net::TcpStream::from_std(stream))
    }

    /// Turns this stream into a standard library one, in non-blocking mode.
    ///
    /// The socket leaves the reactor. Call `set_nonblocking(false)` on the result to use it
    /// with blocking calls.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Read;
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let mut std_stream = stream.into_std()?;
    /// std_stream.set_nonblocking(false)?;
    /// # drop(std_stream);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The socket could not be removed from the reactor.
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        Ok(self.io.into_inner()?.into())
    }

    /// The local address of this stream.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// Takes the pending socket error (`SO_ERROR`), clearing it.
    ///
    /// # Errors
    ///
    /// The system call failed (not the pending error, which is the `Ok` value).
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// The remote address this stream is connected to.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The stream is not connected (`NotConnected`), or the system call failed.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr()
    }

    /// Reads received data into `buf` without removing it from the queue.
    ///
    /// Registers the task in `cx` to be woken when the socket becomes readable if nothing
    /// has arrived. Only the last task to poll is woken.
    ///
    /// Returns `Poll::Ready(Ok(n))` with the number of bytes peeked (also added to `buf`'s
    /// filled part); `0` means the peer closed its write half, or `buf` has no room.
    ///
    /// # Errors
    ///
    /// The system call failed, or the runtime is shutting down.
    pub fn poll_peek(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        let result = self.io.poll_io(cx, Interest::READABLE, || {
            let unfilled = buf.initialize_unfilled();
            self.io.peek(unfilled)
        });
        match result {
            Poll::Ready(Ok(n)) => {
                buf.advance(n);
                Poll::Ready(Ok(n))
            }
            other => other,
        }
    }

    /// Waits until the stream is ready for any of `interest`, and returns what is ready.
    ///
    /// Usually paired with [`try_read`](TcpStream::try_read) or
    /// [`try_write`](TcpStream::try_write). The readiness may be spurious: the operation may
    /// still fail with `WouldBlock`, and the returned set may lack what was asked; check it,
    /// and wait again if needed.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Interest;
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let ready = stream.ready(Interest::WRITABLE).await?;
    /// if ready.is_writable() {
    ///     match stream.try_write(b"hello") {
    ///         Ok(n) => println!("wrote {} bytes", n),
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
    ///         Err(e) => return Err(e),
    ///     }
    /// }
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
    /// Cancel safe: once a readiness event occurs, it stays recorded until an operation
    /// returns `WouldBlock`, so a later call sees it.
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.io.ready(interest).await
    }

    /// Waits until the stream is readable (data arrived, or the peer closed).
    ///
    /// Usually paired with [`try_read`](TcpStream::try_read); the readiness may be
    /// spurious, so `try_read` may still return `WouldBlock`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.write_all(b"ping").await?;
    ///
    /// let mut buf = [0; 16];
    /// let n = loop {
    ///     server.readable().await?;
    ///     match server.try_read(&mut buf) {
    ///         Ok(n) => break n,
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// };
    /// assert_eq!(&buf[..n], b"ping");
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
    /// Cancel safe: once a readiness event occurs, it stays recorded until an operation
    /// returns `WouldBlock`, so a later call sees it.
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await?;
        Ok(())
    }

    /// Polls for read readiness.
    ///
    /// Returns `Poll::Pending` and registers the task in `cx` to be woken when the stream
    /// becomes readable; only the last task to call it is woken (use
    /// [`readable`](TcpStream::readable) for several waiters). Readiness may be spurious.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_read_ready(cx)
    }

    /// Reads into `buf` if data is waiting, without waiting.
    ///
    /// Returns the number of bytes read; `Ok(0)` means the peer closed its write half (or
    /// `buf` is empty).
    ///
    /// # Errors
    ///
    /// `WouldBlock` if nothing is waiting (the readiness is then cleared, so
    /// [`readable`](TcpStream::readable) waits for new data); the system call failed.
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_io(Interest::READABLE, || (&*self.io).read(buf))
    }

    /// Reads into several buffers, in order, if data is waiting, without waiting.
    ///
    /// As [`try_read`](TcpStream::try_read), with one `readv` call.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if nothing is waiting; the system call failed.
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.io
            .try_io(Interest::READABLE, || (&*self.io).read_vectored(bufs))
    }

    /// Waits until the stream is writable.
    ///
    /// Usually paired with [`try_write`](TcpStream::try_write); the readiness may be
    /// spurious, so `try_write` may still return `WouldBlock`.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: once a readiness event occurs, it stays recorded until an operation
    /// returns `WouldBlock`, so a later call sees it.
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await?;
        Ok(())
    }

    /// Polls for write readiness.
    ///
    /// Returns `Poll::Pending` and registers the task in `cx` to be woken when the stream
    /// becomes writable; only the last task to call it is woken. Readiness may be spurious.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_write_ready(cx)
    }

    /// Writes what fits of `buf` without waiting; returns the number of bytes written.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// loop {
    ///     stream.writable().await?;
    ///     match stream.try_write(b"hello world") {
    ///         Ok(_) => break,
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the send buffer is full (the readiness is then cleared, so
    /// [`writable`](TcpStream::writable) waits for room); the system call failed.
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .try_io(Interest::WRITABLE, || (&*self.io).write(buf))
    }

    /// Writes what fits of several buffers, in order, without waiting.
    ///
    /// As [`try_write`](TcpStream::try_write), with one `writev` call.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the send buffer is full; the system call failed.
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.io
            .try_io(Interest::WRITABLE, || (&*self.io).write_vectored(bufs))
    }

    /// Runs `f`, a non-blocking operation on the socket, if the stream was last seen ready
    /// for `interest`.
    ///
    /// If `f` returns `WouldBlock`, the readiness is cleared and the next
    /// [`ready`](TcpStream::ready) waits for a new event; `f` must therefore only return
    /// `WouldBlock` when the socket really would block. Use it for system calls this type
    /// does not wrap (e.g. `recv` with flags, through [`AsRawFd`]).
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the stream is not ready for `interest`; otherwise what `f` returns.
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.try_io(interest, f)
    }

    /// Waits for `interest` and runs `f`, a non-blocking operation on the socket, until it
    /// does not return `WouldBlock`.
    ///
    /// As [`try_io`](TcpStream::try_io), but waiting; `f` must only return `WouldBlock`
    /// when the socket really would block.
    ///
    /// # Errors
    ///
    /// What `f` returns other than `WouldBlock`; or the runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe as far as this method goes: `f` runs to completion or not at all, and
    /// dropping the future between attempts loses nothing.
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.async_io(interest, f).await
    }

    /// Reads received data into `buf` without removing it from the queue, waiting until
    /// some arrives.
    ///
    /// A later read returns the same bytes. Returns the number of bytes peeked; `0` means
    /// the peer closed its write half (or `buf` is empty).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncReadExt, AsyncWriteExt};
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// client.write_all(b"hello").await?;
    ///
    /// let mut peeked = [0; 5];
    /// let n = server.peek(&mut peeked).await?;
    /// let mut read = [0; 5];
    /// server.read_exact(&mut read[..n]).await?;
    /// assert_eq!(peeked[..n], read[..n]);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The system call failed, or the runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: peeking removes nothing, so dropping the future loses no data.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .async_io(Interest::READABLE, || self.io.peek(buf))
            .await
    }

    /// Shuts down the read, write, or both halves of the connection.
    pub(crate) fn shutdown_std(&self, how: Shutdown) -> io::Result<()> {
        self.io.shutdown(how)
    }

    /// Whether `TCP_NODELAY` is set (Nagle's algorithm off).
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.nodelay()
    }

    /// Sets `TCP_NODELAY`: when `true`, small writes are sent at once instead of being
    /// coalesced (Nagle's algorithm off).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_nodelay(true)?;
    /// assert!(stream.nodelay()?);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.set_nodelay(nodelay)
    }

    /// Whether `TCP_QUICKACK` is set (acknowledgements sent at once, not delayed).
    ///
    /// # Errors
    ///
    /// The system call failed.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn quickack(&self) -> io::Result<bool> {
        socket2::SockRef::from(self).tcp_quickack()
    }

    /// Sets `TCP_QUICKACK`. The kernel may turn it off again by itself; it is a hint.
    ///
    /// # Errors
    ///
    /// The system call failed.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn set_quickack(&self, quickack: bool) -> io::Result<()> {
        socket2::SockRef::from(self).set_tcp_quickack(quickack)
    }

    /// The `SO_LINGER` setting: `None` when off (the default).
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        socket2::SockRef::from(self).linger()
    }

    /// Sets `SO_LINGER`.
    ///
    /// With a non-zero duration, closing the socket blocks the thread that drops it until
    /// the unsent data is sent or the time is up, which stalls a runtime thread; hence the
    /// deprecation. To reset the connection on close, use
    /// [`set_zero_linger`](TcpStream::set_zero_linger).
    ///
    /// # Errors
    ///
    /// The system call failed.
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        socket2::SockRef::from(self).set_linger(dur)
    }

    /// Sets `SO_LINGER` to zero: closing the socket discards unsent data and resets the
    /// connection (RST) instead of closing it gracefully. Closing does not block.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn set_zero_linger(&self) -> io::Result<()> {
        socket2::SockRef::from(self).set_linger(Some(Duration::ZERO))
    }

    /// The IP time-to-live (`IP_TTL`) of outgoing packets.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets the IP time-to-live (`IP_TTL`) of outgoing packets.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_ttl(100)?;
    /// assert_eq!(stream.ttl()?, 100);
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

    /// Splits the stream into a read half and a write half borrowing it, to read and write
    /// at the same time (e.g. in two branches of `join!`).
    ///
    /// Cheaper than [`into_split`](TcpStream::into_split), but the halves cannot move to
    /// other tasks.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncReadExt, AsyncWriteExt};
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    ///
    /// // An echo: the server copies what it reads back to the client.
    /// let (mut rd, mut wr) = server.split();
    /// client.write_all(b"echo").await?;
    /// client.shutdown().await?;
    /// rt::io::copy(&mut rd, &mut wr).await?;
    ///
    /// let mut echoed = [0; 4];
    /// client.read_exact(&mut echoed).await?;
    /// assert_eq!(&echoed, b"echo");
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        split::split(self)
    }

    /// Splits the stream into an owned read half and an owned write half, to move to
    /// different tasks.
    ///
    /// [`OwnedReadHalf::reunite`] puts them back together. Dropping the write half shuts
    /// down the write direction (as [`shutdown`](AsyncWrite::poll_shutdown)), unless
    /// [`OwnedWriteHalf::forget`] is used. Costs one allocation; [`split`](TcpStream::split)
    /// does not.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncReadExt, AsyncWriteExt};
    /// use rt::net::{TcpListener, TcpStream};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    ///
    /// let (mut rd, mut wr) = client.into_split();
    /// let writer = rt::spawn(async move { wr.write_all(b"hi").await.map(|_| wr) });
    /// let mut buf = [0; 2];
    /// server.read_exact(&mut buf).await?;
    /// server.write_all(b"yo").await?;
    /// rd.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"yo");
    ///
    /// let wr = writer.await.unwrap()?;
    /// let client = rd.reunite(wr).expect("halves of one stream");
    /// # drop(client);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        split_owned::split_owned(self)
    }

    pub(crate) fn poll_read_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.inq && buf.remaining() <= super::inq::MAX_READ {
            self.io
                .poll_read_with(cx, buf, |io, buf| super::inq::recv(io.as_raw_fd(), buf))
        } else {
            self.io.poll_read(cx, buf)
        }
    }

    pub(crate) fn poll_write_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, buf)
    }

    pub(crate) fn poll_write_vectored_priv(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored(cx, bufs)
    }
}

impl TryFrom<std::net::TcpStream> for TcpStream {
    type Error = io::Error;

    /// As [`TcpStream::from_std`].
    fn try_from(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        TcpStream::from_std(stream)
    }
}

impl AsyncRead for TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.poll_read_priv(cx, buf)
    }
}

impl AsyncWrite for TcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_vectored_priv(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // TCP has no user-space buffer to flush.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.shutdown_std(Shutdown::Write))
    }
}

impl AsRef<TcpStream> for TcpStream {
    fn as_ref(&self) -> &TcpStream {
        self
    }
}

impl AsRawFd for TcpStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for TcpStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The mio stream's Debug shows the addresses and descriptor; skip the registration.
        (*self.io).fmt(f)
    }
}
