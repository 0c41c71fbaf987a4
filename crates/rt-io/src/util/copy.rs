//! `copy` and `copy_buf`, and the buffer `copy_bidirectional` shares with `copy`.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::DEFAULT_BUF_SIZE;
use crate::{AsyncBufRead, AsyncRead, AsyncWrite, ReadBuf};

/// One direction of a copy: a buffer between a reader and a writer.
///
/// `buf[pos..cap]` is read but not yet written. While the writer is not ready, the buffer
/// keeps filling from the reader; while the reader is not ready, the writer is flushed (so
/// data does not sit in a buffered writer while the copy waits for more).
#[derive(Debug)]
pub(super) struct CopyBuffer {
    read_done: bool,
    need_flush: bool,
    pos: usize,
    cap: usize,
    amt: u64,
    buf: Box<[u8]>,
}

impl CopyBuffer {
    pub(super) fn new(buf_size: usize) -> Self {
        CopyBuffer {
            read_done: false,
            need_flush: false,
            pos: 0,
            cap: 0,
            amt: 0,
            buf: vec![0; buf_size].into_boxed_slice(),
        }
    }

    /// Reads into the free space after `cap`; an empty read marks the reader done.
    fn poll_fill_buf<R: AsyncRead + ?Sized>(
        &mut self,
        cx: &mut Context<'_>,
        reader: Pin<&mut R>,
    ) -> Poll<io::Result<()>> {
        let mut buf = ReadBuf::new(&mut self.buf);
        buf.set_filled(self.cap);
        let res = reader.poll_read(cx, &mut buf);
        if let Poll::Ready(Ok(())) = res {
            let filled = buf.filled().len();
            self.read_done = self.cap == filled;
            self.cap = filled;
        }
        res
    }

    /// Writes `buf[pos..cap]`; while the writer is not ready, reads more into free space.
    fn poll_write_buf<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<usize>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        match writer
            .as_mut()
            .poll_write(cx, &self.buf[self.pos..self.cap])
        {
            Poll::Pending => {
                // Use the wait to read ahead, if there is room.
                if !self.read_done && self.cap < self.buf.len() {
                    ready!(self.poll_fill_buf(cx, reader.as_mut()))?;
                }
                Poll::Pending
            }
            res => res,
        }
    }

    /// Copies until the reader reports EOF and everything read is written and flushed.
    /// Returns the number of bytes copied.
    pub(super) fn poll_copy<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<u64>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        loop {
            // One unit of the task's budget per round, so copying between two always-ready
            // ends still yields to the scheduler.
            let coop = ready!(rt_core::__private::poll_proceed(cx));

            // If the buffer is empty, read more.
            if self.pos == self.cap && !self.read_done {
                self.pos = 0;
                self.cap = 0;
                match self.poll_fill_buf(cx, reader.as_mut()) {
                    Poll::Ready(Ok(())) => {}
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => {
                        // Nothing to read for now: push what was written out.
                        if self.need_flush {
                            ready!(writer.as_mut().poll_flush(cx))?;
                            self.need_flush = false;
                        }
                        return Poll::Pending;
                    }
                }
            }

            // Write out whatever is buffered.
            while self.pos < self.cap {
                let i = ready!(self.poll_write_buf(cx, reader.as_mut(), writer.as_mut()))?;
                if i == 0 {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "write zero byte into writer",
                    )));
                }
                self.pos += i;
                self.amt += i as u64;
                self.need_flush = true;
                coop.made_progress();
            }

            debug_assert!(
                self.pos <= self.cap,
                "writer returned length larger than input slice"
            );

            // The reader is done and everything is written: flush, and report.
            if self.pos == self.cap && self.read_done {
                ready!(writer.as_mut().poll_flush(cx))?;
                coop.made_progress();
                return Poll::Ready(Ok(self.amt));
            }
        }
    }
}

/// Asynchronously copies the entire contents of a reader into a writer.
///
/// This function returns a future that will continuously read data from `reader` and then
/// write it into `writer` in a streaming fashion until `reader` returns EOF or fails. The
/// writer is flushed at the end, and whenever the reader has nothing to give for now.
///
/// On success, the total number of bytes that were copied from `reader` to `writer` is
/// returned.
///
/// This is an asynchronous version of [`std::io::copy`].
///
/// A heap-allocated copy buffer of 8 KB is created to take data from the reader to the
/// writer; see [`copy_buf`] to use an [`AsyncBufRead`]'s own buffer instead.
///
/// # Examples
///
/// ```
/// use rt::io;
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut reader: &[u8] = b"hello";
/// let mut writer: Vec<u8> = vec![];
/// let n = io::copy(&mut reader, &mut writer).await?;
/// assert_eq!(n, 5);
/// assert_eq!(&b"hello"[..], &writer[..]);
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// The returned future will return an error immediately if any call to `poll_read`,
/// `poll_write` or `poll_flush` returns an error (or if the writer accepts zero bytes, of
/// kind [`ErrorKind::WriteZero`](io::ErrorKind)).
///
/// # Cancel safety
///
/// This function is not cancel safe: data read from `reader` but not yet written when the
/// future is dropped is lost.
pub async fn copy<'a, R, W>(reader: &'a mut R, writer: &'a mut W) -> io::Result<u64>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut buf = CopyBuffer::new(DEFAULT_BUF_SIZE);
    poll_fn(|cx| buf.poll_copy(cx, Pin::new(&mut *reader), Pin::new(&mut *writer))).await
}

/// Asynchronously copies the entire contents of a reader into a writer, using the
/// reader's own buffer.
///
/// This function returns a future that will continuously read data from `reader` and then
/// write it into `writer` in a streaming fashion until `reader` returns EOF or fails. The
/// writer is flushed at the end.
///
/// On success, the total number of bytes that were copied from `reader` to `writer` is
/// returned.
///
/// This is a [`copy`] that avoids a second buffer, for readers that implement
/// [`AsyncBufRead`].
///
/// # Examples
///
/// ```
/// use rt::io;
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut reader: &[u8] = b"hello";
/// let mut writer: Vec<u8> = vec![];
/// io::copy_buf(&mut reader, &mut writer).await?;
/// assert_eq!(b"hello", &writer[..]);
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// The returned future will return an error immediately if any
/// call to `poll_fill_buf`, `poll_write` or `poll_flush` returns an error (or if the writer
/// accepts zero bytes, of kind [`ErrorKind::WriteZero`](io::ErrorKind)).
///
/// # Cancel safety
///
/// This function is cancel safe in the sense that no data is lost: bytes are consumed
/// from the reader only once written.
pub async fn copy_buf<'a, R, W>(reader: &'a mut R, writer: &'a mut W) -> io::Result<u64>
where
    R: AsyncBufRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut amt = 0u64;
    poll_fn(|cx| {
        loop {
            let coop = ready!(rt_core::__private::poll_proceed(cx));
            let mut reader = Pin::new(&mut *reader);
            let mut writer = Pin::new(&mut *writer);
            let buffer = ready!(reader.as_mut().poll_fill_buf(cx))?;
            if buffer.is_empty() {
                ready!(writer.as_mut().poll_flush(cx))?;
                coop.made_progress();
                return Poll::Ready(Ok(amt));
            }

            let i = ready!(writer.poll_write(cx, buffer))?;
            if i == 0 {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "write zero byte into writer",
                )));
            }
            amt += i as u64;
            reader.consume(i);
            coop.made_progress();
        }
    })
    .await
}
