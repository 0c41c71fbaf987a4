//! A Unix-domain socket listening for stream connections.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::path::Path;
use std::task::{Context, Poll};

use rt_io::__private::PollEvented;
use rt_io::Interest;

use super::{SocketAddr, UnixStream};
use crate::nonblocking::debug_check_nonblocking;

/// A Unix-domain socket listening for connections, each accepted as a [`UnixStream`].
///
/// Binding creates the socket file; dropping the listener closes the socket but does not
/// remove the file (remove it yourself, or bind fails next time with `AddrInUse`).
///
/// # Examples
///
/// ```no_run
/// use rt::io::AsyncWriteExt;
/// use rt::net::UnixListener;
///
/// #[rt::main]
/// async fn main() -> std::io::Result<()> {
///     let listener = UnixListener::bind("/tmp/greeter.sock")?;
///     loop {
///         let (mut stream, _addr) = listener.accept().await?;
///         rt::spawn(async move {
///             let _ = stream.write_all(b"hello\n").await;
///         });
///     }
/// }
/// ```
pub struct UnixListener {
    io: PollEvented<mio::net::UnixListener>,
}

impl UnixListener {
    /// Creates a listener bound to `path`.
    ///
    /// On Linux, a path starting with a NUL byte names a socket in the abstract namespace
    /// (the rest of the path is the name), which leaves no file behind.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixListener;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let dir = std::env::temp_dir().join(format!("rt-doc-bind-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("sock");
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = UnixListener::bind(&path)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
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
    /// The path is in use (`AddrInUse`), too long, or not writable; or the socket could not
    /// be registered.
    #[track_caller]
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixListener> {
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
                return UnixListener::bind_addr(&SocketAddr(addr));
            }
        }
        UnixListener::new(mio::net::UnixListener::bind(path)?)
    }

    /// Creates a listener bound to `socket_addr` (a path or, on Linux, an abstract name).
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`.
    ///
    /// # Errors
    ///
    /// As [`bind`](UnixListener::bind).
    #[track_caller]
    pub fn bind_addr(socket_addr: &SocketAddr) -> io::Result<UnixListener> {
        UnixListener::new(mio::net::UnixListener::bind_addr(&socket_addr.0)?)
    }

    /// Wraps a std listener, registering it with the current runtime's reactor.
    ///
    /// The listener must be in non-blocking mode (see
    /// [`set_nonblocking`](std::os::unix::net::UnixListener::set_nonblocking)).
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`; in debug builds, if the
    /// listener is in blocking mode.
    ///
    /// # Errors
    ///
    /// The listener could not be registered.
    #[track_caller]
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        debug_check_nonblocking(&listener)?;
        UnixListener::new(mio::net::UnixListener::from_std(listener))
    }

    /// Removes the listener from the reactor and returns it as a std listener, still in
    /// non-blocking mode.
    ///
    /// # Errors
    ///
    /// The listener could not be removed from the reactor.
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
        let fd = OwnedFd::from(self.io.into_inner()?);
        Ok(std::os::unix::net::UnixListener::from(fd))
    }

    #[track_caller]
    fn new(listener: mio::net::UnixListener) -> io::Result<UnixListener> {
        Ok(UnixListener {
            io: PollEvented::new_with_interest(listener, Interest::READABLE)?,
        })
    }

    /// Returns the address the listener is bound to.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr)
    }

    /// Returns and clears the socket's pending error (`SO_ERROR`), if any.
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Waits for a connection and accepts it, returning the stream and the peer's address
    /// (usually unnamed).
    ///
    /// # Panics
    ///
    /// If the stream cannot be registered because the current runtime is gone (the listener
    /// must be used inside the runtime it was made in).
    ///
    /// # Errors
    ///
    /// Accepting failed (for instance the process is out of descriptors), or the runtime is
    /// shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a connection is taken from the queue only in the poll that returns it,
    /// so dropping the future loses none.
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let (stream, addr) = self
            .io
            .async_io(Interest::READABLE, || self.io.accept())
            .await?;
        Ok((UnixStream::new(stream)?, SocketAddr(addr)))
    }

    /// Polls to accept a connection.
    ///
    /// `Pending` means none is queued; the waker of the last call is woken when one is.
    ///
    /// # Panics
    ///
    /// As [`accept`](UnixListener::accept).
    ///
    /// # Errors
    ///
    /// As [`accept`](UnixListener::accept).
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        let (stream, addr) =
            std::task::ready!(self.io.poll_io(cx, Interest::READABLE, || self.io.accept()))?;
        Poll::Ready(Ok((UnixStream::new(stream)?, SocketAddr(addr))))
    }
}

impl TryFrom<std::os::unix::net::UnixListener> for UnixListener {
    type Error = io::Error;

    /// As [`UnixListener::from_std`].
    fn try_from(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        UnixListener::from_std(listener)
    }
}

impl AsRawFd for UnixListener {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixListener")
            .field("fd", &self.io.as_raw_fd())
            .finish()
    }
}
