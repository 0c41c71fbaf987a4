//! `Split`: the segments of an `AsyncBufRead` between delimiter bytes.

use std::io;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::async_buf_read_ext::read_until_internal;
use crate::AsyncBufRead;

/// Splits the data of an [`AsyncBufRead`] on a delimiter byte.
///
/// This type is usually created using the [`split`] method.
///
/// [`split`]: crate::AsyncBufReadExt::split
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Split<R> {
    // P2 (util/mod.rs): structurally pinned.
    reader: R,
    // Plain data: the segment read so far, kept across polls (cancel safety).
    buf: Vec<u8>,
    delim: u8,
    read: usize,
}

impl<R> Split<R> {
    pub(crate) fn new(reader: R, delim: u8) -> Self {
        Split {
            reader,
            buf: Vec::new(),
            delim,
            read: 0,
        }
    }

    /// The split of a pinned `Split` into its pinned reader and its plain fields.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut R>, &mut Vec<u8>, u8, &mut usize) {
        // SAFETY: P2 (util/mod.rs): `reader` is pinned structurally and only handed out
        // pinned; the other fields are never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: `me.reader` lives inside the pinned `Split`, so it never moves either.
        let reader = unsafe { Pin::new_unchecked(&mut me.reader) };
        (reader, &mut me.buf, me.delim, &mut me.read)
    }
}

impl<R: AsyncBufRead + Unpin> Split<R> {
    /// Returns the next segment in the stream.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn next_segment(&mut self) -> io::Result<Option<Vec<u8>>>;
    /// ```
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncBufReadExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut segments = rt::io::BufReader::new(&b"key=value"[..]).split(b'=');
    /// assert_eq!(segments.next_segment().await?.as_deref(), Some(&b"key"[..]));
    /// assert_eq!(segments.next_segment().await?.as_deref(), Some(&b"value"[..]));
    /// assert_eq!(segments.next_segment().await?, None);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Any error the reader reports.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: the part of a segment read before the future is dropped
    /// is kept, and the next call continues the same segment.
    pub async fn next_segment(&mut self) -> io::Result<Option<Vec<u8>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next_segment(cx)).await
    }
}

impl<R: AsyncBufRead> Split<R> {
    /// Polls for the next segment in the stream.
    ///
    /// This method returns:
    ///
    ///  * `Poll::Pending` if the next segment is not yet available.
    ///  * `Poll::Ready(Ok(Some(segment)))` if the next segment is available.
    ///  * `Poll::Ready(Ok(None))` if there are no more segments in this stream.
    ///  * `Poll::Ready(Err(err))` if an IO error occurred while reading the segment.
    ///
    /// When the method returns `Poll::Pending`, the `Waker` in the provided `Context` is
    /// scheduled to receive a wakeup when more bytes become available on the underlying IO
    /// resource. Note that on multiple calls to `poll_next_segment`, only the `Waker` from
    /// the `Context` passed to the most recent call is scheduled to receive a wakeup.
    ///
    /// # Errors
    ///
    /// Any error the reader reports.
    pub fn poll_next_segment(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<Vec<u8>>>> {
        let (reader, buf, delim, read) = self.project();
        let n = ready!(read_until_internal(reader, cx, delim, buf, read))?;
        if n == 0 && buf.is_empty() {
            return Poll::Ready(Ok(None));
        }
        if buf.last() == Some(&delim) {
            buf.pop();
        }
        Poll::Ready(Ok(Some(mem::take(buf))))
    }
}
