//! In-memory pipes: `simplex` (one direction) and `duplex` (a pair of them, crossed).
//!
//! A `SimplexStream` is a bounded byte buffer with at most one waiting reader and one
//! waiting writer. A reader waits while the buffer is empty and the pipe open; a writer
//! while the buffer is full and the pipe open. Closing (a write-side shutdown, or a
//! `DuplexStream` dropping) wakes both: the reader then drains what is left and sees EOF,
//! the writer gets `BrokenPipe`.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{self, Context, Poll, Waker, ready};

use bytes::{Buf, BytesMut};

use super::{ReadHalf, WriteHalf, split};
use crate::{AsyncRead, AsyncWrite, ReadBuf};

/// A bidirectional pipe to read and write bytes in memory.
///
/// A pair of `DuplexStream`s are created together, and they act as a "channel" that can be
/// used as in-memory IO types. Writing to one of the pairs will allow that data to be read
/// from the other, and vice versa.
///
/// # Closing a `DuplexStream`
///
/// If one end of the `DuplexStream` channel is dropped, any pending reads on the other side
/// will continue to read data until the buffer is drained, then they will signal EOF by
/// returning 0 bytes. Any writes to the other side, including pending ones (that are
/// waiting for free space in the buffer) will return `Err(BrokenPipe)` immediately.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (mut client, mut server) = rt::io::duplex(64);
///
/// client.write_all(b"ping").await?;
///
/// let mut buf = [0u8; 4];
/// server.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
///
/// server.write_all(b"pong").await?;
///
/// client.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"pong");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct DuplexStream {
    read: Arc<Mutex<SimplexStream>>,
    write: Arc<Mutex<SimplexStream>>,
}

/// A unidirectional pipe to read and write bytes in memory.
///
/// It can be constructed by [`simplex`] function which will create a pair of reader and
/// writer or by calling [`SimplexStream::new_unsplit`] that will create a handle for both
/// reading and writing.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (mut receiver, mut sender) = rt::io::simplex(64);
///
/// sender.write_all(b"ping").await?;
///
/// let mut buf = [0u8; 4];
/// receiver.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct SimplexStream {
    /// The buffer storing the bytes written, also read from.
    ///
    /// Using a `BytesMut` because it has efficient `Buf` and `BufMut` functionality
    /// already. Additionally, it can try to copy data in the same buffer if there read
    /// index has advanced far enough.
    buffer: BytesMut,
    /// Determines if the write side has been closed.
    is_closed: bool,
    /// The maximum amount of bytes that can be written before returning
    /// `Poll::Pending`.
    max_buf_size: usize,
    /// If the `read` side has been polled and is pending, this is the waker for that
    /// parked task.
    read_waker: Option<Waker>,
    /// If the `write` side has filled the `max_buf_size` and returned `Poll::Pending`,
    /// this is the waker for that parked task.
    write_waker: Option<Waker>,
}

/// Creates a new pair of `DuplexStream`s that act like a pair of connected sockets.
///
/// The `max_buf_size` argument is the maximum amount of bytes that can be written to a
/// side before the write returns `Poll::Pending`.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (mut a, mut b) = rt::io::duplex(4);
/// // Only 4 bytes fit until `b` reads.
/// assert_eq!(a.write(b"abcdef").await?, 4);
/// drop(a);
/// let mut got = Vec::new();
/// b.read_to_end(&mut got).await?;
/// assert_eq!(got, b"abcd");
/// # Ok(())
/// # }
/// ```
///
/// # Panics
///
/// Panics if `max_buf_size` is zero.
#[track_caller]
pub fn duplex(max_buf_size: usize) -> (DuplexStream, DuplexStream) {
    let one = Arc::new(Mutex::new(SimplexStream::new_unsplit(max_buf_size)));
    let two = Arc::new(Mutex::new(SimplexStream::new_unsplit(max_buf_size)));

    (
        DuplexStream {
            read: one.clone(),
            write: two.clone(),
        },
        DuplexStream {
            read: two,
            write: one,
        },
    )
}

/// Locks a pipe, ignoring poisoning: every operation leaves the pipe consistent before it
/// can panic (wakers run after the lock is released).
fn lock(pipe: &Mutex<SimplexStream>) -> MutexGuard<'_, SimplexStream> {
    pipe.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AsyncRead for DuplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let mut wakers = Wakers::default();
        let res = Pin::new(&mut *lock(&self.read)).poll_read_deferred(cx, buf, &mut wakers);
        wakers.wake();
        res
    }
}

impl AsyncWrite for DuplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let mut wakers = Wakers::default();
        let res = Pin::new(&mut *lock(&self.write)).poll_write_deferred(cx, buf, &mut wakers);
        wakers.wake();
        res
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let mut wakers = Wakers::default();
        let res =
            Pin::new(&mut *lock(&self.write)).poll_write_vectored_deferred(cx, bufs, &mut wakers);
        wakers.wake();
        res
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        let waker = lock(&self.write).close_write();
        if let Some(waker) = waker {
            waker.wake();
        }
        Poll::Ready(Ok(()))
    }
}

impl Drop for DuplexStream {
    fn drop(&mut self) {
        // Notify the other side of the closure; wake after releasing the locks, as the
        // woken tasks may lock the pipes.
        let read_waker = lock(&self.write).close_write();
        let write_waker = lock(&self.read).close_read();
        if let Some(waker) = read_waker {
            waker.wake();
        }
        if let Some(waker) = write_waker {
            waker.wake();
        }
    }
}

/// Wakers to wake (and replaced ones to drop) once a pipe's lock is released.
#[derive(Default)]
struct Wakers {
    wake: Option<Waker>,
    replaced: Option<Waker>,
}

impl Wakers {
    fn wake(self) {
        if let Some(waker) = self.wake {
            waker.wake();
        }
        drop(self.replaced);
    }
}

/// Creates a unidirectional buffer that acts like in memory pipe.
///
/// The `max_buf_size` argument is the maximum amount of bytes that can be written to a
/// buffer before the it returns `Poll::Pending`.
///
/// # Unify reader and writer
///
/// The reader and writer half can be unified into a single structure of `SimplexStream`
/// that supports both reading and writing or the `SimplexStream` can be already created as
/// unified structure using [`SimplexStream::new_unsplit()`].
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (reader, writer) = rt::io::simplex(64);
/// let mut simplex_stream = reader.unsplit(writer);
/// simplex_stream.write_all(b"hello").await?;
///
/// let mut buf = [0u8; 5];
/// simplex_stream.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"hello");
/// # Ok(())
/// # }
/// ```
///
/// # Panics
///
/// Panics if `max_buf_size` is zero.
#[track_caller]
pub fn simplex(max_buf_size: usize) -> (ReadHalf<SimplexStream>, WriteHalf<SimplexStream>) {
    split(SimplexStream::new_unsplit(max_buf_size))
}

impl SimplexStream {
    /// Creates unidirectional buffer that acts like in memory pipe. To create split version
    /// with separate reader and writer you can use [`simplex`] function.
    ///
    /// The `max_buf_size` argument is the maximum amount of bytes that can be written to a
    /// buffer before the it returns `Poll::Pending`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncReadExt, AsyncWriteExt, SimplexStream};
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut pipe = SimplexStream::new_unsplit(16);
    /// pipe.write_all(b"loop").await?;
    /// let mut buf = [0; 4];
    /// pipe.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"loop");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `max_buf_size` is zero.
    #[track_caller]
    pub fn new_unsplit(max_buf_size: usize) -> SimplexStream {
        assert!(max_buf_size > 0, "`max_buf_size` must be greater than 0");
        SimplexStream {
            buffer: BytesMut::new(),
            is_closed: false,
            max_buf_size,
            read_waker: None,
            write_waker: None,
        }
    }

    /// Closes the write side: the reader drains the buffer, then sees EOF.
    #[must_use]
    fn close_write(&mut self) -> Option<Waker> {
        self.is_closed = true;
        // Needs to notify any readers that no more data will come.
        self.read_waker.take()
    }

    /// Closes the read side: writers get `BrokenPipe`.
    #[must_use]
    fn close_read(&mut self) -> Option<Waker> {
        self.is_closed = true;
        // Needs to notify any writers that they have to abort.
        self.write_waker.take()
    }

    fn poll_read_internal(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
        wakers: &mut Wakers,
    ) -> Poll<io::Result<()>> {
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        if self.buffer.has_remaining() {
            let max = self.buffer.remaining().min(buf.remaining());
            buf.put_slice(&self.buffer[..max]);
            self.buffer.advance(max);
            // There is room now: a writer waiting for some may go on.
            wakers.wake = self.write_waker.take();
            Poll::Ready(Ok(()))
        } else if self.is_closed {
            Poll::Ready(Ok(()))
        } else {
            wakers.replaced = self.read_waker.replace(cx.waker().clone());
            Poll::Pending
        }
    }

    fn poll_write_internal(
        &mut self,
        cx: &mut Context<'_>,
        buf: &[u8],
        wakers: &mut Wakers,
    ) -> Poll<io::Result<usize>> {
        if self.is_closed {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let avail = self.max_buf_size - self.buffer.len();
        if avail == 0 {
            wakers.replaced = self.write_waker.replace(cx.waker().clone());
            return Poll::Pending;
        }

        let len = buf.len().min(avail);
        self.buffer.extend_from_slice(&buf[..len]);
        wakers.wake = self.read_waker.take();
        Poll::Ready(Ok(len))
    }

    fn poll_write_vectored_internal(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
        wakers: &mut Wakers,
    ) -> Poll<io::Result<usize>> {
        if self.is_closed {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        if bufs.iter().all(|b| b.is_empty()) {
            return Poll::Ready(Ok(0));
        }
        let avail = self.max_buf_size - self.buffer.len();
        if avail == 0 {
            wakers.replaced = self.write_waker.replace(cx.waker().clone());
            return Poll::Pending;
        }

        let mut rem = avail;
        for buf in bufs {
            if rem == 0 {
                break;
            }
            let len = buf.len().min(rem);
            self.buffer.extend_from_slice(&buf[..len]);
            rem -= len;
        }
        wakers.wake = self.read_waker.take();
        Poll::Ready(Ok(avail - rem))
    }

    // The `_deferred` forms spend a unit of the task's cooperative budget (an in-memory
    // pipe can be ready forever) and leave the wake-ups to the caller, to run after the
    // lock is released.

    fn poll_read_deferred(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
        wakers: &mut Wakers,
    ) -> Poll<io::Result<()>> {
        let coop = ready!(rt_core::__private::poll_proceed(cx));
        let ret = self.get_mut().poll_read_internal(cx, buf, wakers);
        if ret.is_ready() {
            coop.made_progress();
        }
        ret
    }

    fn poll_write_deferred(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
        wakers: &mut Wakers,
    ) -> Poll<io::Result<usize>> {
        let coop = ready!(rt_core::__private::poll_proceed(cx));
        let ret = self.get_mut().poll_write_internal(cx, buf, wakers);
        if ret.is_ready() {
            coop.made_progress();
        }
        ret
    }

    fn poll_write_vectored_deferred(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
        wakers: &mut Wakers,
    ) -> Poll<io::Result<usize>> {
        let coop = ready!(rt_core::__private::poll_proceed(cx));
        let ret = self
            .get_mut()
            .poll_write_vectored_internal(cx, bufs, wakers);
        if ret.is_ready() {
            coop.made_progress();
        }
        ret
    }
}

impl AsyncRead for SimplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut task::Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let mut wakers = Wakers::default();
        let ret = self.poll_read_deferred(cx, buf, &mut wakers);
        wakers.wake();
        ret
    }
}

impl AsyncWrite for SimplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut task::Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let mut wakers = Wakers::default();
        let ret = self.poll_write_deferred(cx, buf, &mut wakers);
        wakers.wake();
        ret
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut task::Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let mut wakers = Wakers::default();
        let ret = self.poll_write_vectored_deferred(cx, bufs, &mut wakers);
        wakers.wake();
        ret
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut task::Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut task::Context<'_>) -> Poll<io::Result<()>> {
        if let Some(waker) = self.get_mut().close_write() {
            waker.wake();
        }
        Poll::Ready(Ok(()))
    }
}
