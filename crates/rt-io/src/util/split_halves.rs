//! `split`: a read half and a write half of one stream, usable from two tasks.
//!
//! # The lock
//!
//! Both halves share one `Arc` holding the stream in a `std::sync::Mutex`. Each `poll_*`
//! call locks it, polls the stream once, and unlocks before returning: the lock is never
//! held across a `Pending` or an `.await`, only for the length of one non-blocking poll, so
//! the two tasks contend briefly at most and neither can wait for the other indefinitely.
//! A poll that panics leaves the stream in whatever state the stream's own code left it;
//! the lock ignores that poisoning, as the stream's methods are all `&mut self` and keep
//! themselves consistent.
//!
//! The stream sits in the `Arc`'s heap allocation and is only reached there, through
//! `Pin::new_unchecked`, while either half lives; it moves out only in `unsplit`, which
//! needs both halves and `T: Unpin`.

use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use crate::{AsyncRead, AsyncWrite, ReadBuf};

/// The readable half of a value returned from [`split`].
pub struct ReadHalf<T> {
    inner: Arc<Inner<T>>,
}

/// The writable half of a value returned from [`split`].
pub struct WriteHalf<T> {
    inner: Arc<Inner<T>>,
}

struct Inner<T> {
    stream: Mutex<T>,
}

impl<T> Inner<T> {
    fn lock(&self) -> MutexGuard<'_, T> {
        self.stream.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the pinned stream, under the lock.
    fn with_lock<R>(&self, f: impl FnOnce(Pin<&mut T>) -> R) -> R {
        let mut guard = self.lock();
        // SAFETY: the stream lives in the `Arc`'s allocation and is never moved while a
        // half exists (module doc): `unsplit`, the only way out, takes both halves and
        // requires `T: Unpin`.
        let stream = unsafe { Pin::new_unchecked(&mut *guard) };
        f(stream)
    }
}

/// Splits a single value implementing `AsyncRead + AsyncWrite` into separate `AsyncRead`
/// and `AsyncWrite` handles.
///
/// To restore this read/write object from its `ReadHalf` and `WriteHalf` use
/// [`unsplit`](ReadHalf::unsplit).
///
/// The halves may be moved to different tasks and used concurrently: an internal lock
/// serializes the individual `poll_*` calls on the stream (it is held only for one
/// non-blocking poll, never across an `.await`). Types that can split themselves without a
/// lock (such as TCP streams' `into_split`) are more efficient.
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (stream, mut peer) = rt::io::duplex(64);
/// let (mut rd, mut wr) = rt::io::split(stream);
/// let writer = rt::spawn(async move { wr.write_all(b"ping").await.map(|()| wr) });
/// let mut buf = [0; 4];
/// peer.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// peer.write_all(b"pong").await?;
/// rd.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"pong");
/// let wr = writer.await.unwrap()?;
/// let _stream = rd.unsplit(wr);
/// # Ok(())
/// # }
/// ```
pub fn split<T>(stream: T) -> (ReadHalf<T>, WriteHalf<T>)
where
    T: AsyncRead + AsyncWrite,
{
    let inner = Arc::new(Inner {
        stream: Mutex::new(stream),
    });
    let rd = ReadHalf {
        inner: inner.clone(),
    };
    let wr = WriteHalf { inner };
    (rd, wr)
}

impl<T> ReadHalf<T> {
    /// Checks if this `ReadHalf` and some `WriteHalf` were split from the same stream.
    pub fn is_pair_of(&self, other: &WriteHalf<T>) -> bool {
        other.is_pair_of(self)
    }

    /// Reunites with a previously split `WriteHalf`.
    ///
    /// # Panics
    ///
    /// If this `ReadHalf` and the given `WriteHalf` do not originate from the same `split`
    /// operation this method will panic. This can be checked ahead of time by calling
    /// [`is_pair_of()`](Self::is_pair_of).
    #[track_caller]
    pub fn unsplit(self, wr: WriteHalf<T>) -> T
    where
        T: Unpin,
    {
        assert!(
            self.is_pair_of(&wr),
            "unrelated `split::WriteHalf` passed to `split::ReadHalf::unsplit`"
        );
        drop(wr);
        let inner = Arc::try_unwrap(self.inner)
            .ok()
            .expect("`Arc::try_unwrap` failed with both halves in hand");
        inner
            .stream
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T> WriteHalf<T> {
    /// Checks if this `WriteHalf` and some `ReadHalf` were split from the same stream.
    pub fn is_pair_of(&self, other: &ReadHalf<T>) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl<T: AsyncRead> AsyncRead for ReadHalf<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner.with_lock(|stream| stream.poll_read(cx, buf))
    }
}

impl<T: AsyncWrite> AsyncWrite for WriteHalf<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner.with_lock(|stream| stream.poll_write(cx, buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.with_lock(|stream| stream.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.with_lock(|stream| stream.poll_shutdown(cx))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner
            .with_lock(|stream| stream.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.lock().is_write_vectored()
    }
}

impl<T> fmt::Debug for ReadHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("split::ReadHalf").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for WriteHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("split::WriteHalf").finish_non_exhaustive()
    }
}
