//! `AsyncSeek`: moving the cursor of a byte stream asynchronously.

use std::io::{self, SeekFrom};
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Seeks bytes asynchronously.
///
/// This trait is analogous to [`std::io::Seek`], but integrates with the asynchronous task
/// system: a seek is started with [`start_seek`](AsyncSeek::start_seek) and its result
/// collected with [`poll_complete`](AsyncSeek::poll_complete), which may return
/// `Poll::Pending` and wake the task later.
///
/// Utilities for working with `AsyncSeek` values are provided by `AsyncSeekExt` (with the
/// `io-util` feature).
///
/// # Examples
///
/// ```
/// use rt::io::AsyncSeek;
/// use std::io::{Cursor, SeekFrom};
/// use std::pin::Pin;
/// use std::task::{Context, Poll, Waker};
///
/// let mut cursor = Cursor::new(vec![0u8; 10]);
/// let mut cx = Context::from_waker(Waker::noop());
/// Pin::new(&mut cursor).start_seek(SeekFrom::End(-2)).unwrap();
/// assert!(matches!(Pin::new(&mut cursor).poll_complete(&mut cx), Poll::Ready(Ok(8))));
/// ```
pub trait AsyncSeek {
    /// Attempts to seek to an offset, in bytes, in a stream.
    ///
    /// A seek beyond the end of a stream is allowed, but behavior is defined by the
    /// implementation.
    ///
    /// If this function returns successfully, then the job has been submitted. To find out
    /// when it completes, call `poll_complete`.
    ///
    /// # Errors
    ///
    /// This function can return [`io::ErrorKind::Other`] in case there is another seek in
    /// progress. To avoid this, it is advisable that any call to `start_seek` is preceded by
    /// a call to `poll_complete` to ensure all pending seeks have completed.
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()>;

    /// Waits for a seek operation to complete.
    ///
    /// If the seek operation completed successfully, this method returns the new position
    /// from the start of the stream. That position can be used later with
    /// [`SeekFrom::Start`]. Repeatedly calling this function without calling `start_seek`
    /// might return the same result.
    ///
    /// # Errors
    ///
    /// Seeking to a negative offset is considered an error.
    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>>;
}

macro_rules! deref_async_seek {
    () => {
        fn start_seek(mut self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
            Pin::new(&mut **self).start_seek(pos)
        }

        fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
            Pin::new(&mut **self).poll_complete(cx)
        }
    };
}

impl<T: ?Sized + AsyncSeek + Unpin> AsyncSeek for Box<T> {
    deref_async_seek!();
}

impl<T: ?Sized + AsyncSeek + Unpin> AsyncSeek for &mut T {
    deref_async_seek!();
}

impl<P> AsyncSeek for Pin<P>
where
    P: DerefMut,
    P::Target: AsyncSeek,
{
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        self.as_deref_mut().start_seek(pos)
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        self.as_deref_mut().poll_complete(cx)
    }
}

impl<T: AsRef<[u8]> + Unpin> AsyncSeek for io::Cursor<T> {
    fn start_seek(mut self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        io::Seek::seek(&mut *self, pos).map(drop)
    }

    fn poll_complete(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        Poll::Ready(Ok(self.get_mut().position()))
    }
}
