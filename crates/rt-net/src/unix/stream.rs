//! A connected Unix-domain byte stream.

use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use rt_io::__private::PollEvented;
use rt_io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};

use super::split::{ReadHalf, WriteHalf, split};
use super::split_owned::{OwnedReadHalf, OwnedWriteHalf, split_owned};
use super::{SocketAddr, UCred, ucred};
use crate::nonblocking::debug_check_nonblocking;

/// A connected Unix-domain stream socket.
///
/// Made by [`connect`](UnixStream::connect), [`pair`](UnixStream::pair),
/// [`UnixListener::accept`](super::UnixListener::accept) or
/// [`from_std`](UnixStream::from_std). Reading and writing go through [`AsyncRead`] and
/// [`AsyncWrite`] (with `rt::io::AsyncReadExt` / `AsyncWriteExt`), or through the
/// `try_read`/`try_write` family after [`ready`](UnixStream::ready).
///
/// Shutting the writer down ([`AsyncWrite::poll_shutdown`]) shuts the socket's write half:
/// the peer reads what was sent, then end-of-file. Dropping the stream closes it.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
/// use rt::net::UnixStream;
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let (mut a, mut b) = UnixStream::pair()?;
/// a.write_all(b"hello").await?;
/// a.shutdown().await?;
///
/// let mut got = String::new();
/// b.read_to_string(&mut got).await?;
/// assert_eq!(got, "hello");
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct UnixStream {
    io: PollEvented<mio::net::UnixStream>,
}

impl UnixStream {
    /// Connects to the socket bound at `path`.
    ///
    /// On Linux, a path starting with a NUL byte names a socket in the abstract namespace
    /// (the rest of the path is the name).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::{UnixListener, UnixStream};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let dir = std::env::temp_dir().join(format!("rt-doc-connect-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("sock");
    /// # let _ = std::fs::remove_file(&path);
    ///
    /// let listener = UnixListener::bind(&path)?;
    /// let client = UnixStream::connect(&path).await?;
    /// let (server, _) = listener.accept().await?;
    /// assert_eq!(client.peer_addr()?.as_pathname(), Some(path.as_path()));
    /// # drop(server);
    /// std::fs::remove_dir_all(&dir)?;
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
    /// The socket could not be created, nothing listens at `path`, or the connection was
    /// refused.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe in the sense that dropping the future midway drops a socket whose
    /// connection may have been accepted by the peer, which then sees it closed; nothing
    /// else is lost.
    pub async fn connect<P: AsRef<Path>>(path: P) -> io::Result<UnixStream> {
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
                return UnixStream::connect_addr(&SocketAddr(addr)).await;
            }
        }
        let stream = mio::net::UnixStream::connect(path)?;
        UnixStream::finish_connect(stream).await
    }

    /// Connects to the socket at `socket_addr` (a path or, on Linux, an abstract name).
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`.
    ///
    /// # Errors
    ///
    /// As [`connect`](UnixStream::connect).
    ///
    /// # Cancel safety
    ///
    /// As [`connect`](UnixStream::connect).
    pub async fn connect_addr(socket_addr: &SocketAddr) -> io::Result<UnixStream> {
        let stream = mio::net::UnixStream::connect_addr(&socket_addr.0)?;
        UnixStream::finish_connect(stream).await
    }

    /// Registers a socket whose non-blocking `connect` was started, and waits for it to end.
    async fn finish_connect(stream: mio::net::UnixStream) -> io::Result<UnixStream> {
        let stream = UnixStream::new(stream)?;
        // A Unix connect completes or fails at once on Linux; elsewhere it may be pending
        // until the socket turns writable, and then reports its outcome as the socket error.
        poll_fn(|cx| stream.io.poll_write_ready(cx)).await?;
        if let Some(e) = stream.io.take_error()? {
            return Err(e);
        }
        Ok(stream)
    }

    /// Creates an unnamed pair of connected sockets.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixStream;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let (a, b) = UnixStream::pair()?;
    /// a.writable().await?;
    /// assert_eq!(a.try_write(b"ping")?, 4);
    /// b.readable().await?;
    /// let mut buf = [0; 8];
    /// assert_eq!(b.try_read(&mut buf)?, 4);
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
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = mio::net::UnixStream::pair()?;
        Ok((UnixStream::new(a)?, UnixStream::new(b)?))
    }

    /// Wraps a connected std stream, registering it with the current runtime's reactor.
    ///
    /// The stream must be in non-blocking mode (see
    /// [`set_nonblocking`](std::os::unix::net::UnixStream::set_nonblocking)); a blocking one
    /// would block the runtime's thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixStream;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let a = UnixStream::from_std(a)?;
    /// # drop(a);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`; in debug builds, if the stream
    /// is in blocking mode.
    ///
    /// # Errors
    ///
    /// The stream could not be registered.
    #[track_caller]
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        debug_check_nonblocking(&stream)?;
        UnixStream::new(mio::net::UnixStream::from_std(stream))
    }

    /// Removes the stream from the reactor and returns it as a std stream, still in
    /// non-blocking mode (call `set_nonblocking(false)` to use it blocking).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::{Read, Write};
    /// use rt::net::UnixStream;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let (a, b) = UnixStream::pair()?;
    /// let mut a = a.into_std()?;
    /// let mut b = b.into_std()?;
    /// a.set_nonblocking(false)?;
    /// b.set_nonblocking(false)?;
    /// a.write_all(b"x")?;
    /// let mut buf = [0; 1];
    /// b.read_exact(&mut buf)?;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The stream could not be removed from the reactor.
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
        let fd = OwnedFd::from(self.io.into_inner()?);
        Ok(std::os::unix::net::UnixStream::from(fd))
    }

    #[track_caller]
    pub(super) fn new(stream: mio::net::UnixStream) -> io::Result<UnixStream> {
        Ok(UnixStream {
            io: PollEvented::new(stream)?,
        })
    }

    /// Returns the address this end is bound to (usually unnamed for a client).
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr)
    }

    /// Returns the address of the peer this stream is connected to.
    ///
    /// # Errors
    ///
    /// The system call failed (for instance the socket is not connected).
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr().map(SocketAddr)
    }

    /// Returns the credentials of the process at the other end.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixStream;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let cred = a.peer_cred()?;
    /// # #[cfg(target_os = "linux")]
    /// assert_eq!(cred.pid(), Some(std::process::id() as i32));
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The system call failed, or the platform cannot report credentials.
    pub fn peer_cred(&self) -> io::Result<UCred> {
        ucred::peer_cred(&*self.io)
    }

    /// Returns and clears the socket's pending error (`SO_ERROR`), if any.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Waits until the stream is ready for any of `interest`, and returns what is ready.
    ///
    /// Readiness can be spurious: an operation after it may still return `WouldBlock`, and
    /// then the caller waits again. Used with the `try_` methods, this lets one task read and
    /// write one stream without splitting it.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Interest;
    /// use rt::net::UnixStream;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let ready = a.ready(Interest::READABLE | Interest::WRITABLE).await?;
    /// assert!(ready.is_writable());
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

    /// Waits until the stream is readable (data, end-of-file, or an error to report).
    ///
    /// Usually followed by [`try_read`](UnixStream::try_read); the readiness can be spurious.
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

    /// Polls for read readiness; `Ready(Ok(()))` when the stream is readable.
    ///
    /// Only the waker of the last call is woken: one task may poll reads, and another
    /// writes ([`poll_write_ready`](UnixStream::poll_write_ready)).
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_read_ready(cx)
    }

    /// Reads into `buf` without waiting; `Ok(0)` is end-of-file (or an empty `buf`).
    ///
    /// # Errors
    ///
    /// `WouldBlock` if no data is available yet (the readiness is then cleared, and
    /// [`readable`](UnixStream::readable) waits for more); any other read error.
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_io(Interest::READABLE, || (&*self.io).read(buf))
    }

    /// Reads into `bufs`, in order, without waiting; as [`try_read`](UnixStream::try_read).
    ///
    /// # Errors
    ///
    /// As [`try_read`](UnixStream::try_read).
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.io
            .try_io(Interest::READABLE, || (&*self.io).read_vectored(bufs))
    }

    /// Waits until the stream is writable (buffer space, or an error to report).
    ///
    /// Usually followed by [`try_write`](UnixStream::try_write); the readiness can be
    /// spurious.
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

    /// Polls for write readiness; `Ready(Ok(()))` when the stream is writable.
    ///
    /// Only the waker of the last call is woken.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_write_ready(cx)
    }

    /// Writes some of `buf` without waiting, and returns how many bytes were written.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the socket's buffer is full (the readiness is then cleared); any
    /// other write error, such as `BrokenPipe` once the peer closed.
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .try_io(Interest::WRITABLE, || (&*self.io).write(buf))
    }

    /// Writes from `bufs`, in order, without waiting; as [`try_write`](UnixStream::try_write).
    ///
    /// # Errors
    ///
    /// As [`try_write`](UnixStream::try_write).
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.io
            .try_io(Interest::WRITABLE, || (&*self.io).write_vectored(bufs))
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

    /// Splits the stream into a read half and a write half borrowing it, to use both at once
    /// in one task (in two futures joined or selected).
    ///
    /// Shutting the write half down shuts the stream's write half. For halves that can move
    /// to other tasks, see [`into_split`](UnixStream::into_split).
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        split(self)
    }

    /// Splits the stream into owned halves that can move to different tasks.
    ///
    /// Dropping the write half shuts the socket's write half, as
    /// [`poll_shutdown`](AsyncWrite::poll_shutdown) does. The halves can be put back
    /// together with [`OwnedReadHalf::reunite`].
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        split_owned(self)
    }

    pub(super) fn poll_read_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.io.poll_read(cx, buf)
    }

    pub(super) fn poll_write_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, buf)
    }

    pub(super) fn poll_write_vectored_priv(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored(cx, bufs)
    }

    pub(super) fn shutdown_std(&self, how: Shutdown) -> io::Result<()> {
        self.io.shutdown(how)
    }
}

impl AsyncRead for UnixStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.poll_read_priv(cx, buf)
    }
}

impl AsyncWrite for UnixStream {
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
        // Writes go straight to the socket: nothing is buffered here.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.shutdown_std(Shutdown::Write))
    }
}

impl TryFrom<std::os::unix::net::UnixStream> for UnixStream {
    type Error = io::Error;

    /// As [`UnixStream::from_std`].
    fn try_from(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        UnixStream::from_std(stream)
    }
}

impl AsRef<UnixStream> for UnixStream {
    fn as_ref(&self) -> &UnixStream {
        self
    }
}

impl AsRawFd for UnixStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixStream")
            .field("fd", &self.io.as_raw_fd())
            .finish()
    }
}
