//! `BufWriter`: an in-memory write buffer in front of a writer.

use std::fmt;
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::DEFAULT_BUF_SIZE;
use super::buf_reader::SeekState;
use crate::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

/// Wraps a writer and buffers its output.
///
/// It can be excessively inefficient to work directly with something that implements
/// [`AsyncWrite`]. A `BufWriter` keeps an in-memory buffer of data and writes it to an
/// underlying writer in large, infrequent batches. A write at least as large as the buffer
/// goes straight to the inner writer (after the buffer is flushed).
///
/// `BufWriter` can improve the speed of programs that make *small* and *repeated* write
/// calls to the same file or network socket. It does not help when writing very large
/// amounts at once, or writing just one or a few times.
///
/// When the `BufWriter` is dropped, the contents of its buffer will be discarded: call
/// [`flush`] (or `shutdown`) before dropping it.
///
/// [`flush`]: crate::AsyncWriteExt::flush
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncWriteExt, BufWriter};
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut writer = BufWriter::new(Vec::new());
/// for i in 0..10u8 {
///     writer.write_u8(i).await?;
/// }
/// assert_eq!(writer.buffer().len(), 10);
/// writer.flush().await?;
/// assert_eq!(writer.get_ref().len(), 10);
/// # Ok(())
/// # }
/// ```
pub struct BufWriter<W> {
    // P2 (util/mod.rs): structurally pinned.
    pub(super) inner: W,
    // Plain data: the buffer, how much of it the inner writer took, a seek in progress.
    pub(super) buf: Vec<u8>,
    pub(super) written: usize,
    pub(super) seek_state: SeekState,
}

/// The split of a pinned `BufWriter`.
struct Projection<'a, W> {
    inner: Pin<&'a mut W>,
    buf: &'a mut Vec<u8>,
    written: &'a mut usize,
    seek_state: &'a mut SeekState,
}

impl<W: AsyncWrite> BufWriter<W> {
    /// Creates a new `BufWriter` with a default buffer capacity. The default is currently
    /// 8 KB, but may change in the future.
    pub fn new(inner: W) -> Self {
        Self::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// Creates a new `BufWriter` with the specified buffer capacity.
    pub fn with_capacity(cap: usize, inner: W) -> Self {
        BufWriter {
            inner,
            buf: Vec::with_capacity(cap),
            written: 0,
            seek_state: SeekState::Init,
        }
    }

    /// Writes the buffered data to the inner writer, resuming where the last call stopped.
    fn flush_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut me = self.project();
        let mut ret = Ok(());
        while *me.written < me.buf.len() {
            match ready!(me.inner.as_mut().poll_write(cx, &me.buf[*me.written..])) {
                Ok(0) => {
                    ret = Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "failed to write the buffered data",
                    ));
                    break;
                }
                Ok(n) => *me.written += n,
                Err(e) => {
                    ret = Err(e);
                    break;
                }
            }
        }
        // Drop what was written, also on error (so a retry does not write it twice).
        if *me.written > 0 {
            me.buf.drain(..*me.written);
        }
        *me.written = 0;
        Poll::Ready(ret)
    }
}

impl<W> BufWriter<W> {
    fn project(self: Pin<&mut Self>) -> Projection<'_, W> {
        // SAFETY: P2 (util/mod.rs): `inner` is pinned structurally and only handed out
        // pinned; the other fields are never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        Projection {
            // SAFETY: `me.inner` lives inside the pinned `BufWriter`, so it never moves.
            inner: unsafe { Pin::new_unchecked(&mut me.inner) },
            buf: &mut me.buf,
            written: &mut me.written,
            seek_state: &mut me.seek_state,
        }
    }

    /// Gets a reference to the underlying writer.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// Gets a mutable reference to the underlying writer.
    ///
    /// It is inadvisable to directly write to the underlying writer.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// Gets a pinned mutable reference to the underlying writer.
    ///
    /// It is inadvisable to directly write to the underlying writer.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut W> {
        self.project().inner
    }

    /// Consumes this `BufWriter`, returning the underlying writer.
    ///
    /// Note that any leftover data in the internal buffer is lost.
    pub fn into_inner(self) -> W {
        self.inner
    }

    /// Returns a reference to the internally buffered data.
    pub fn buffer(&self) -> &[u8] {
        &self.buf
    }
}

impl<W: AsyncWrite> AsyncWrite for BufWriter<W> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.buf.len() + buf.len() > self.buf.capacity() {
            ready!(self.as_mut().flush_buf(cx))?;
        }

        let me = self.project();
        if buf.len() >= me.buf.capacity() {
            me.inner.poll_write(cx, buf)
        } else {
            me.buf.extend_from_slice(buf);
            Poll::Ready(Ok(buf.len()))
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.inner.is_write_vectored() {
            let total = bufs
                .iter()
                .fold(0usize, |acc, b| acc.saturating_add(b.len()));
            if total > self.buf.capacity() - self.buf.len() {
                ready!(self.as_mut().flush_buf(cx))?;
            }
            let me = self.project();
            if total >= me.buf.capacity() {
                // The buffer is empty here: hand everything over in one vectored write.
                return me.inner.poll_write_vectored(cx, bufs);
            }
            for buf in bufs {
                me.buf.extend_from_slice(buf);
            }
            return Poll::Ready(Ok(total));
        }

        // Without vectored writes below: buffer as much as fits, the first non-empty slice
        // at least (written directly if it is larger than the buffer).
        let mut bufs = bufs.iter().skip_while(|b| b.is_empty());
        let Some(first) = bufs.next() else {
            return Poll::Ready(Ok(0));
        };
        if first.len() > self.buf.capacity() - self.buf.len() {
            ready!(self.as_mut().flush_buf(cx))?;
        }
        let me = self.project();
        if first.len() >= me.buf.capacity() {
            return me.inner.poll_write(cx, first);
        }
        me.buf.extend_from_slice(first);
        let mut total = first.len();
        for buf in bufs {
            let room = me.buf.capacity() - me.buf.len();
            let n = std::cmp::min(room, buf.len());
            me.buf.extend_from_slice(&buf[..n]);
            total += n;
            if n < buf.len() {
                break;
            }
        }
        Poll::Ready(Ok(total))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().flush_buf(cx))?;
        self.get_pin_mut().poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().flush_buf(cx))?;
        self.get_pin_mut().poll_shutdown(cx)
    }
}

/// Seeks to the offset, in bytes, in the underlying writer.
///
/// Seeking always writes out the internal buffer before seeking.
impl<W: AsyncWrite + AsyncSeek> AsyncSeek for BufWriter<W> {
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        // We need to flush the internal buffer before seeking. It receives a `Context` and
        // returns a `Poll`, so it cannot be called inside `start_seek`.
        *self.project().seek_state = SeekState::Start(pos);
        Ok(())
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let pos = match self.seek_state {
            SeekState::Init => {
                return self.get_pin_mut().poll_complete(cx);
            }
            SeekState::Start(pos) => Some(pos),
            SeekState::Pending | SeekState::PendingOverflowed(_) => None,
        };

        // Flush the internal buffer before seeking.
        ready!(self.as_mut().flush_buf(cx))?;

        let mut me = self.project();
        if let Some(pos) = pos {
            // Ensure previous seeks have finished before starting a new one.
            ready!(me.inner.as_mut().poll_complete(cx))?;
            if let Err(e) = me.inner.as_mut().start_seek(pos) {
                *me.seek_state = SeekState::Init;
                return Poll::Ready(Err(e));
            }
        }
        match me.inner.poll_complete(cx) {
            Poll::Ready(res) => {
                *me.seek_state = SeekState::Init;
                Poll::Ready(res)
            }
            Poll::Pending => {
                *me.seek_state = SeekState::Pending;
                Poll::Pending
            }
        }
    }
}

impl<W: AsyncWrite + AsyncRead> AsyncRead for BufWriter<W> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_read(cx, buf)
    }
}

impl<W: AsyncWrite + AsyncBufRead> AsyncBufRead for BufWriter<W> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.get_pin_mut().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_pin_mut().consume(amt)
    }
}

impl<W: fmt::Debug> fmt::Debug for BufWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufWriter")
            .field("writer", &self.inner)
            .field(
                "buffer",
                &format_args!("{}/{}", self.buf.len(), self.buf.capacity()),
            )
            .field("written", &self.written)
            .finish()
    }
}
