//! `Lines`: the lines of an `AsyncBufRead`.

use std::io;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::async_buf_read_ext::read_until_internal;
use super::async_read_ext::invalid_utf8;
use crate::AsyncBufRead;

/// Reads lines from an [`AsyncBufRead`].
///
/// A `Lines` can be turned into a `Stream` with `LinesStream` (in rt-stream).
///
/// This type is usually created using the [`lines`] method.
///
/// [`lines`]: crate::AsyncBufReadExt::lines
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Lines<R> {
    // P2 (util/mod.rs): structurally pinned.
    reader: R,
    // Plain data: the bytes of the line read so far, kept across polls (cancel safety).
    bytes: Vec<u8>,
    read: usize,
}

impl<R> Lines<R> {
    pub(crate) fn new(reader: R) -> Self {
        Lines {
            reader,
            bytes: Vec::new(),
            read: 0,
        }
    }

    /// The split of a pinned `Lines` into its pinned reader and its plain fields.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut R>, &mut Vec<u8>, &mut usize) {
        // SAFETY: P2 (util/mod.rs): `reader` is pinned structurally and only handed out
        // pinned; `bytes` and `read` are never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: `me.reader` lives inside the pinned `Lines`, so it never moves either.
        let reader = unsafe { Pin::new_unchecked(&mut me.reader) };
        (reader, &mut me.bytes, &mut me.read)
    }

    /// Returns a mutable reference to the underlying reader.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// Returns a reference to the underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// Unwraps this `Lines<R>`, returning the underlying reader.
    ///
    /// Note that any leftover data in the internal buffer is lost. Therefore, a following
    /// read from the underlying reader may lead to data loss.
    pub fn into_inner(self) -> R {
        self.reader
    }
}

impl<R: AsyncBufRead + Unpin> Lines<R> {
    /// Returns the next line in the stream.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn next_line(&mut self) -> io::Result<Option<String>>;
    /// ```
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncBufReadExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut lines = (&b"first\nsecond"[..]).lines();
    /// assert_eq!(lines.next_line().await?.as_deref(), Some("first"));
    /// assert_eq!(lines.next_line().await?.as_deref(), Some("second"));
    /// assert_eq!(lines.next_line().await?, None);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Any error the reader reports, or [`ErrorKind::InvalidData`](io::ErrorKind) if the
    /// line is not valid UTF-8 (the line is then skipped).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: the part of a line read before the future is dropped is
    /// kept, and the next call continues the same line.
    pub async fn next_line(&mut self) -> io::Result<Option<String>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next_line(cx)).await
    }
}

impl<R: AsyncBufRead> Lines<R> {
    /// Polls for the next line in the stream.
    ///
    /// This method returns:
    ///
    ///  * `Poll::Pending` if the next line is not yet available.
    ///  * `Poll::Ready(Ok(Some(line)))` if the next line is available.
    ///  * `Poll::Ready(Ok(None))` if there are no more lines in this stream.
    ///  * `Poll::Ready(Err(err))` if an IO error occurred while reading the next line.
    ///
    /// When the method returns `Poll::Pending`, the `Waker` in the provided `Context` is
    /// scheduled to receive a wakeup when more bytes become available on the underlying IO
    /// resource. Note that on multiple calls to `poll_next_line`, only the `Waker` from the
    /// `Context` passed to the most recent call is scheduled to receive a wakeup.
    ///
    /// # Errors
    ///
    /// As [`next_line`](Lines::next_line).
    pub fn poll_next_line(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<String>>> {
        let (reader, bytes, read) = self.project();
        let n = ready!(read_until_internal(reader, cx, b'\n', bytes, read))?;
        if n == 0 && bytes.is_empty() {
            return Poll::Ready(Ok(None));
        }
        let mut line = mem::take(bytes);
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        match String::from_utf8(line) {
            Ok(line) => Poll::Ready(Ok(Some(line))),
            Err(e) => Poll::Ready(Err(invalid_utf8(e.utf8_error()))),
        }
    }
}
