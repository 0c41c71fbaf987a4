//! `AsyncWrite`: writing bytes to a sink asynchronously.

use std::io::{self, IoSlice};
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Writes bytes asynchronously.
///
/// This trait is analogous to [`std::io::Write`], but integrates with the asynchronous task
/// system. In particular, the [`poll_write`](AsyncWrite::poll_write) method, unlike
/// [`Write::write`](std::io::Write::write), will automatically queue the current task for
/// wakeup and return if the writer cannot take more data, rather than blocking the calling
/// thread.
///
/// Specifically, this means that the `poll_write` function will return one of the following:
///
/// * `Poll::Ready(Ok(n))` means that `n` bytes of data was immediately written.
/// * `Poll::Pending` means that no data was written from the buffer provided. The I/O
///   object is not currently writable but may become writable in the future. Most
///   importantly, **the current future's task is scheduled to get unparked when the object
///   is writable**. This means that like `Future::poll` you'll receive a notification when
///   the I/O object is writable again.
/// * `Poll::Ready(Err(e))` for other errors are standard I/O errors coming from the
///   underlying object.
///
/// Utilities for working with `AsyncWrite` values are provided by `AsyncWriteExt` (with the
/// `io-util` feature).
///
/// # Examples
///
/// ```
/// use rt::io::AsyncWrite;
/// use std::pin::Pin;
/// use std::task::{Context, Poll, Waker};
///
/// let mut sink = Vec::new();
/// let mut cx = Context::from_waker(Waker::noop());
/// assert!(matches!(Pin::new(&mut sink).poll_write(&mut cx, b"hi"), Poll::Ready(Ok(2))));
/// assert_eq!(sink, b"hi");
/// ```
pub trait AsyncWrite {
    /// Attempts to write bytes from `buf` into the object.
    ///
    /// On success, returns `Poll::Ready(Ok(num_bytes_written))`. If successful, then it
    /// must be guaranteed that `n <= buf.len()`. A return value of `0` typically means that
    /// the underlying object is no longer able to accept bytes and will likely not be able
    /// to in the future as well, or that the buffer provided is empty.
    ///
    /// If the object is not ready for writing, the method returns `Poll::Pending` and
    /// arranges for the current task (via `cx.waker()`) to receive a notification when the
    /// object becomes writable or is closed.
    ///
    /// # Errors
    ///
    /// Returns the I/O error the object reports.
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>>;

    /// Attempts to flush the object, ensuring that any buffered data reach their
    /// destination.
    ///
    /// On success, returns `Poll::Ready(Ok(()))`.
    ///
    /// If flushing cannot immediately complete, this method returns `Poll::Pending` and
    /// arranges for the current task (via `cx.waker()`) to receive a notification when the
    /// object can make progress towards flushing.
    ///
    /// # Errors
    ///
    /// Returns the I/O error the object reports.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>>;

    /// Initiates or attempts to shut down this writer, returning success when the I/O
    /// connection has completely shut down.
    ///
    /// This method is intended to be used for asynchronous shutdown of I/O connections. For
    /// example this is suitable for implementing shutdown of a TLS connection or calling
    /// `TcpStream::shutdown` on a proxied connection. Protocols sometimes need to flush out
    /// final pieces of data or otherwise perform a graceful shutdown handshake, reading or
    /// writing more data as appropriate. This method is the hook for such protocols to
    /// implement the graceful shutdown logic.
    ///
    /// This `shutdown` method is required by implementers of the `AsyncWrite` trait.
    /// Wrappers typically just want to proxy this call through to the wrapped type, and
    /// base types will typically implement shutdown logic here or just return
    /// `Ok(().into())`. Note that if you're wrapping an underlying `AsyncWrite` a call to
    /// `shutdown` implies that transitively the entire stream has been shut down. After
    /// your wrapper's shutdown logic has been executed you should shut down the underlying
    /// stream.
    ///
    /// Invocation of a `shutdown` implies an invocation of `flush`. Once this method returns
    /// `Ready` it implies that a flush successfully happened before the shutdown happened.
    /// That is, callers don't need to call `flush` before calling `shutdown`. They can rely
    /// that by calling `shutdown` any pending buffered data will be written out.
    ///
    /// # Errors
    ///
    /// Returns the I/O error the object reports; a shutdown error is generally fatal.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>>;

    /// Like [`poll_write`](AsyncWrite::poll_write), except that it writes from a slice of
    /// buffers.
    ///
    /// Data is copied from each buffer in order, with the final buffer read from possibly
    /// being only partially consumed. This method must behave as a call to `poll_write`
    /// with the buffers concatenated would.
    ///
    /// The default implementation calls `poll_write` with either the first nonempty buffer
    /// provided, or an empty one if none exists.
    ///
    /// On success, returns `Poll::Ready(Ok(num_bytes_written))`.
    ///
    /// If the object is not ready for writing, the method returns `Poll::Pending` and
    /// arranges for the current task (via `cx.waker()`) to receive a notification when the
    /// object becomes writable or is closed.
    ///
    /// # Note
    ///
    /// This should be implemented as a single "atomic" write action. If any data has been
    /// partially written, it is wrong to return an error or pending.
    ///
    /// # Errors
    ///
    /// Returns the I/O error the object reports.
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let buf = bufs
            .iter()
            .find(|b| !b.is_empty())
            .map_or(&[][..], |b| &**b);
        self.poll_write(cx, buf)
    }

    /// Determines if this writer has an efficient
    /// [`poll_write_vectored`](AsyncWrite::poll_write_vectored) implementation.
    ///
    /// If a writer does not override the default `poll_write_vectored` implementation, code
    /// using it may want to avoid the method all together and coalesce writes into a single
    /// buffer for higher performance.
    ///
    /// The default implementation returns `false`.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

macro_rules! deref_async_write {
    () => {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut **self).poll_write(cx, buf)
        }

        fn poll_write_vectored(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            bufs: &[IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut **self).poll_write_vectored(cx, bufs)
        }

        fn is_write_vectored(&self) -> bool {
            (**self).is_write_vectored()
        }

        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut **self).poll_flush(cx)
        }

        fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut **self).poll_shutdown(cx)
        }
    };
}

impl<T: ?Sized + AsyncWrite + Unpin> AsyncWrite for Box<T> {
    deref_async_write!();
}

impl<T: ?Sized + AsyncWrite + Unpin> AsyncWrite for &mut T {
    deref_async_write!();
}

impl<P> AsyncWrite for Pin<P>
where
    P: DerefMut,
    P::Target: AsyncWrite,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.as_deref_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.as_deref_mut().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        (**self).is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.as_deref_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.as_deref_mut().poll_shutdown(cx)
    }
}

impl AsyncWrite for Vec<u8> {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(io::Write::write_vectored(self.get_mut(), bufs))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

// `std::io::Cursor` writes into these storages (the ones std implements `Write` for).
macro_rules! cursor_async_write {
    ($($ty:ty),* $(,)?) => {$(
        impl AsyncWrite for $ty {
            fn poll_write(
                self: Pin<&mut Self>,
                _cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                Poll::Ready(io::Write::write(self.get_mut(), buf))
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                _cx: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                Poll::Ready(io::Write::write_vectored(self.get_mut(), bufs))
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(io::Write::flush(self.get_mut()))
            }

            fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.poll_flush(cx)
            }
        }
    )*};
}

cursor_async_write!(
    io::Cursor<&mut [u8]>,
    io::Cursor<&mut Vec<u8>>,
    io::Cursor<Vec<u8>>,
    io::Cursor<Box<[u8]>>,
);
