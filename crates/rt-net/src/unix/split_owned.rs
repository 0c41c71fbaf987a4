//! Owned halves of a [`UnixStream`], for reading and writing it from different tasks.

use std::error::Error;
use std::fmt;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::Shutdown;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rt_io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};

use super::{SocketAddr, UnixStream};

/// The read half of a [`UnixStream`], made by [`UnixStream::into_split`].
///
/// Reads through [`AsyncRead`] (with `rt::io::AsyncReadExt`) or the `try_read` family.
/// [`reunite`](OwnedReadHalf::reunite) puts the stream back together.
#[derive(Debug)]
pub struct OwnedReadHalf {
    inner: Arc<UnixStream>,
}

/// The write half of a [`UnixStream`], made by [`UnixStream::into_split`].
///
/// Writes through [`AsyncWrite`] (with `rt::io::AsyncWriteExt`) or the `try_write` family.
/// Shutting it down, or dropping it, shuts the socket's write half (the peer reads
/// end-of-file once it read what was sent), unless [`forget`](OwnedWriteHalf::forget) is
/// used; the socket itself closes when both halves are gone.
#[derive(Debug)]
pub struct OwnedWriteHalf {
    inner: Arc<UnixStream>,
    shutdown_on_drop: bool,
}

/// The error of [`OwnedReadHalf::reunite`] and [`OwnedWriteHalf::reunite`]: the two halves
/// came from different streams. It hands both back.
#[derive(Debug)]
pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

impl fmt::Display for ReuniteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves that are not from the same socket")
    }
}

impl Error for ReuniteError {}

pub(super) fn split_owned(stream: UnixStream) -> (OwnedReadHalf, OwnedWriteHalf) {
    let inner = Arc::new(stream);
    (
        OwnedReadHalf {
            inner: inner.clone(),
        },
        OwnedWriteHalf {
            inner,
            shutdown_on_drop: true,
        },
    )
}

fn reunite(read: OwnedReadHalf, mut write: OwnedWriteHalf) -> Result<UnixStream, ReuniteError> {
    if !Arc::ptr_eq(&read.inner, &write.inner) {
        return Err(ReuniteError(read, write));
    }
    // Put back together, the stream stays open for writing.
    write.shutdown_on_drop = false;
    drop(write);
    // Only `read` holds the Arc now: each stream makes exactly two halves, and the write
    // half was just dropped.
    Ok(Arc::try_unwrap(read.inner).expect("the other half was dropped just above"))
}

impl OwnedReadHalf {
    /// Puts the halves back together into the stream they came from.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::net::UnixStream;
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let (read, write) = a.into_split();
    /// let a = read.reunite(write).expect("halves of one stream");
    /// # drop(a);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// [`ReuniteError`], handing both halves back, if they are not from the same stream.
    pub fn reunite(self, other: OwnedWriteHalf) -> Result<UnixStream, ReuniteError> {
        reunite(self, other)
    }

    /// Waits until the stream is ready for any of `interest`; as [`UnixStream::ready`].
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses nothing.
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.inner.ready(interest).await
    }

    /// Waits until the stream is readable; as [`UnixStream::readable`].
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses nothing.
    pub async fn readable(&self) -> io::Result<()> {
        self.inner.readable().await
    }

    /// Reads without waiting; as [`UnixStream::try_read`].
    ///
    /// # Errors
    ///
    /// `WouldBlock` if no data is available; any other read error.
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.try_read(buf)
    }

    /// Reads into several buffers without waiting; as [`UnixStream::try_read_vectored`].
    ///
    /// # Errors
    ///
    /// `WouldBlock` if no data is available; any other read error.
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.inner.try_read_vectored(bufs)
    }

    /// Returns the address of the peer; as [`UnixStream::peer_addr`].
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }

    /// Returns the local address; as [`UnixStream::local_addr`].
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

impl AsyncRead for OwnedReadHalf {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner.poll_read_priv(cx, buf)
    }
}

impl OwnedWriteHalf {
    /// Puts the halves back together into the stream they came from; as
    /// [`OwnedReadHalf::reunite`].
    ///
    /// # Errors
    ///
    /// [`ReuniteError`], handing both halves back, if they are not from the same stream.
    pub fn reunite(self, other: OwnedReadHalf) -> Result<UnixStream, ReuniteError> {
        reunite(other, self)
    }

    /// Drops the write half without shutting the socket's write half down.
    ///
    /// The peer then sees no end-of-file until the read half is dropped too (the socket
    /// closes) or the stream is shut down some other way.
    pub fn forget(mut self) {
        self.shutdown_on_drop = false;
        drop(self);
    }

    /// Waits until the stream is ready for any of `interest`; as [`UnixStream::ready`].
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses nothing.
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.inner.ready(interest).await
    }

    /// Waits until the stream is writable; as [`UnixStream::writable`].
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses nothing.
    pub async fn writable(&self) -> io::Result<()> {
        self.inner.writable().await
    }

    /// Writes without waiting; as [`UnixStream::try_write`].
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the buffer is full; any other write error.
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.try_write(buf)
    }

    /// Writes from several buffers without waiting; as [`UnixStream::try_write_vectored`].
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the buffer is full; any other write error.
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.inner.try_write_vectored(bufs)
    }

    /// Returns the address of the peer; as [`UnixStream::peer_addr`].
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }

    /// Returns the local address; as [`UnixStream::local_addr`].
    ///
    /// # Errors
    ///
    /// The system call failed.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            // The peer learns the end of the stream; an error (already disconnected) leaves
            // nothing to tell anyone.
            let _ = self.inner.shutdown_std(Shutdown::Write);
        }
    }
}

impl AsyncWrite for OwnedWriteHalf {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_write_vectored_priv(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = self.inner.shutdown_std(Shutdown::Write);
        if result.is_ok() {
            // Done once; dropping the half need not do it again.
            Pin::into_inner(self).shutdown_on_drop = false;
        }
        Poll::Ready(result)
    }
}

impl AsRef<UnixStream> for OwnedReadHalf {
    fn as_ref(&self) -> &UnixStream {
        &self.inner
    }
}

impl AsRef<UnixStream> for OwnedWriteHalf {
    fn as_ref(&self) -> &UnixStream {
        &self.inner
    }
}
