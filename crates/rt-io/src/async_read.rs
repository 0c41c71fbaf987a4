//! `AsyncRead`: reading bytes from a source asynchronously.

use std::io;
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::ReadBuf;

/// Reads bytes from a source.
///
/// This trait is analogous to [`std::io::Read`], but integrates with the asynchronous task
/// system. In particular, the [`poll_read`](AsyncRead::poll_read) method, unlike
/// [`Read::read`](std::io::Read::read), will automatically queue the current task for
/// wakeup and return if data is not yet available, rather than blocking the calling thread.
///
/// Specifically, this means that the `poll_read` function will return one of the following:
///
/// * `Poll::Ready(Ok(()))` means that data was immediately read and placed into the output
///   buffer. The amount of data read can be determined by the increase in the length of the
///   slice returned by `ReadBuf::filled`. If the difference is 0, either EOF has been
///   reached, or the output buffer had zero capacity (i.e. `buf.remaining()` == 0).
/// * `Poll::Pending` means that no data was read into the buffer provided. The I/O object
///   is not currently readable but may become readable in the future. Most importantly,
///   **the current future's task is scheduled to get unparked when the object is
///   readable**. This means that like `Future::poll` you'll receive a notification when the
///   I/O object is readable again.
/// * `Poll::Ready(Err(e))` for other errors are standard I/O errors coming from the
///   underlying object.
///
/// Utilities for working with `AsyncRead` values are provided by `AsyncReadExt` (with the
/// `io-util` feature).
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncRead, ReadBuf};
/// use std::pin::Pin;
/// use std::task::{Context, Poll, Waker};
///
/// let mut src: &[u8] = b"hello";
/// let mut storage = [0u8; 3];
/// let mut buf = ReadBuf::new(&mut storage);
/// let mut cx = Context::from_waker(Waker::noop());
/// assert!(Pin::new(&mut src).poll_read(&mut cx, &mut buf).is_ready());
/// assert_eq!(buf.filled(), b"hel");
/// assert_eq!(src, b"lo");
/// ```
pub trait AsyncRead {
    /// Attempts to read from the `AsyncRead` into `buf`.
    ///
    /// On success, returns `Poll::Ready(Ok(()))` and places data in the unfilled portion of
    /// `buf`. If no data was read (`buf.filled().len()` is unchanged), it implies that EOF
    /// has been reached, or the output buffer had zero capacity.
    ///
    /// If no data is available for reading, the method returns `Poll::Pending` and arranges
    /// for the current task (via `cx.waker()`) to receive a notification when the object
    /// becomes readable or is closed.
    ///
    /// # Errors
    ///
    /// Returns the I/O error the source reports.
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>>;
}

macro_rules! deref_async_read {
    () => {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            Pin::new(&mut **self).poll_read(cx, buf)
        }
    };
}

impl<T: ?Sized + AsyncRead + Unpin> AsyncRead for Box<T> {
    deref_async_read!();
}

impl<T: ?Sized + AsyncRead + Unpin> AsyncRead for &mut T {
    deref_async_read!();
}

impl<P> AsyncRead for Pin<P>
where
    P: DerefMut,
    P::Target: AsyncRead,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.as_deref_mut().poll_read(cx, buf)
    }
}

impl AsyncRead for &[u8] {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let amt = std::cmp::min(self.len(), buf.remaining());
        let (head, tail) = self.split_at(amt);
        buf.put_slice(head);
        *self = tail;
        Poll::Ready(Ok(()))
    }
}

impl<T: AsRef<[u8]> + Unpin> AsyncRead for io::Cursor<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let pos = self.position();
        let slice: &[u8] = (*self).get_ref().as_ref();

        // A position past the end reads nothing, as with `std::io::Cursor`.
        if pos > slice.len() as u64 {
            return Poll::Ready(Ok(()));
        }

        let start = pos as usize;
        let amt = std::cmp::min(slice.len() - start, buf.remaining());
        buf.put_slice(&slice[start..start + amt]);
        self.set_position(pos + amt as u64);
        Poll::Ready(Ok(()))
    }
}
