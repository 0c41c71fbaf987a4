//! `AsyncBufRead`: an asynchronous reader with an internal buffer.

use std::io;
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::AsyncRead;

/// Reads bytes asynchronously, with an internal buffer.
///
/// This trait is analogous to [`std::io::BufRead`], but integrates with the asynchronous
/// task system. In particular, the [`poll_fill_buf`](AsyncBufRead::poll_fill_buf) method,
/// unlike [`BufRead::fill_buf`](std::io::BufRead::fill_buf), will automatically queue the
/// current task for wakeup and return if data is not yet available, rather than blocking
/// the calling thread.
///
/// Utilities for working with `AsyncBufRead` values are provided by `AsyncBufReadExt` (with
/// the `io-util` feature).
///
/// # Examples
///
/// ```
/// use rt::io::AsyncBufRead;
/// use std::pin::Pin;
/// use std::task::{Context, Poll, Waker};
///
/// let mut src: &[u8] = b"hello";
/// let mut cx = Context::from_waker(Waker::noop());
/// let Poll::Ready(Ok(chunk)) = Pin::new(&mut src).poll_fill_buf(&mut cx) else { panic!() };
/// assert_eq!(chunk, b"hello");
/// Pin::new(&mut src).consume(2);
/// assert_eq!(src, b"llo");
/// ```
pub trait AsyncBufRead: AsyncRead {
    /// Attempts to return the contents of the internal buffer, filling it with more data
    /// from the inner reader if it is empty.
    ///
    /// On success, returns `Poll::Ready(Ok(buf))`; an empty `buf` means end of file.
    ///
    /// On `Poll::Pending`, the current task is scheduled to be woken when more data can be
    /// read.
    ///
    /// This function is a lower-level call. It needs to be paired with the
    /// [`consume`](AsyncBufRead::consume) method to function properly. When calling this
    /// method, none of the contents will be "read" in the sense that later calling `read`
    /// may return the same contents. As such, `consume` must be called with the number of
    /// bytes that are consumed from this buffer to ensure that the bytes are never returned
    /// twice.
    ///
    /// # Errors
    ///
    /// Returns the I/O error the inner reader reports.
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>>;

    /// Tells this buffer that `amt` bytes have been consumed from the buffer, so they should
    /// no longer be returned in calls to `poll_read`.
    ///
    /// The `amt` must be `<=` the number of bytes in the buffer returned by
    /// [`poll_fill_buf`](AsyncBufRead::poll_fill_buf).
    fn consume(self: Pin<&mut Self>, amt: usize);
}

macro_rules! deref_async_buf_read {
    () => {
        fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
            Pin::new(&mut **self.get_mut()).poll_fill_buf(cx)
        }

        fn consume(mut self: Pin<&mut Self>, amt: usize) {
            Pin::new(&mut **self).consume(amt)
        }
    };
}

impl<T: ?Sized + AsyncBufRead + Unpin> AsyncBufRead for Box<T> {
    deref_async_buf_read!();
}

impl<T: ?Sized + AsyncBufRead + Unpin> AsyncBufRead for &mut T {
    deref_async_buf_read!();
}

impl<P> AsyncBufRead for Pin<P>
where
    P: DerefMut,
    P::Target: AsyncBufRead,
{
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.as_deref_mut().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.as_deref_mut().consume(amt)
    }
}

impl AsyncBufRead for &[u8] {
    fn poll_fill_buf(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        Poll::Ready(Ok(*self.get_mut()))
    }

    fn consume(mut self: Pin<&mut Self>, amt: usize) {
        *self = &self[amt..];
    }
}

impl<T: AsRef<[u8]> + Unpin> AsyncBufRead for io::Cursor<T> {
    fn poll_fill_buf(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        Poll::Ready(io::BufRead::fill_buf(self.get_mut()))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        io::BufRead::consume(self.get_mut(), amt)
    }
}
