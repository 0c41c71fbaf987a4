//! `Take`: a reader limited to a number of bytes.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::{AsyncBufRead, AsyncRead, ReadBuf};

/// Stream for the [`take`](crate::AsyncReadExt::take) method: reads at most `limit` bytes
/// of the inner reader, then reports EOF.
#[derive(Debug)]
#[must_use = "streams do nothing unless you `.await` or poll them"]
pub struct Take<R> {
    // P2 (util/mod.rs): structurally pinned.
    inner: R,
    // Plain data: bytes left to read.
    limit: u64,
}

impl<R> Take<R> {
    pub(crate) fn new(inner: R, limit: u64) -> Self {
        Take { inner, limit }
    }

    /// The split of a pinned `Take` into its pinned reader and its limit.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut R>, &mut u64) {
        // SAFETY: P2 (util/mod.rs): `inner` is pinned structurally and only handed out
        // pinned; `limit` is never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: `me.inner` lives inside the pinned `Take`, so it never moves either.
        let inner = unsafe { Pin::new_unchecked(&mut me.inner) };
        (inner, &mut me.limit)
    }

    /// Returns the remaining number of bytes that can be read before this instance will
    /// return EOF.
    ///
    /// # Note
    ///
    /// This instance may reach EOF after reading fewer bytes than indicated by this method
    /// if the underlying [`AsyncRead`] instance reaches EOF.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Sets the number of bytes that can be read before this instance will return EOF.
    /// This is the same as constructing a new `Take` instance, so the amount of bytes read
    /// and the previous limit value don't matter when calling this method.
    pub fn set_limit(&mut self, limit: u64) {
        self.limit = limit;
    }

    /// Gets a reference to the underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Gets a mutable reference to the underlying reader.
    ///
    /// Care should be taken to avoid modifying the internal I/O state of the underlying
    /// reader as doing so may corrupt the internal limit of this `Take`.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Gets a pinned mutable reference to the underlying reader.
    ///
    /// Care should be taken to avoid modifying the internal I/O state of the underlying
    /// reader as doing so may corrupt the internal limit of this `Take`.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().0
    }

    /// Consumes the `Take`, returning the wrapped reader.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: AsyncRead> AsyncRead for Take<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let (inner, limit) = self.project();
        if *limit == 0 {
            return Poll::Ready(Ok(()));
        }

        let max = usize::try_from(*limit).unwrap_or(usize::MAX);
        let n = {
            let mut b = buf.take(max);
            let ptr = b.filled().as_ptr();
            ready!(inner.poll_read(cx, &mut b))?;
            assert_eq!(ptr, b.filled().as_ptr(), "the reader swapped the ReadBuf");
            b.filled().len()
        };

        // SAFETY: the inner reader filled (so initialized) the first `n` bytes of `b`,
        // which are the first `n` unfilled bytes of `buf`.
        unsafe { buf.assume_init(n) };
        buf.advance(n);
        *limit -= n as u64;
        Poll::Ready(Ok(()))
    }
}

impl<R: AsyncBufRead> AsyncBufRead for Take<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let (inner, limit) = self.project();
        // Don't call into the inner reader at all at EOF, as it may still block.
        if *limit == 0 {
            return Poll::Ready(Ok(&[]));
        }
        let buf = ready!(inner.poll_fill_buf(cx))?;
        let cap = std::cmp::min(buf.len() as u64, *limit) as usize;
        Poll::Ready(Ok(&buf[..cap]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let (inner, limit) = self.project();
        // Don't let callers reset the limit by passing an overlarge value.
        let amt = std::cmp::min(amt as u64, *limit) as usize;
        *limit -= amt as u64;
        inner.consume(amt);
    }
}
