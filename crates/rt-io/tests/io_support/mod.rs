//! Scripted readers and writers for the io tests: they return `Pending` (after waking the
//! task, so it is polled again), short counts and errors on cue.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use rt::io::{AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

/// One step of a [`MockReader`]'s script.
#[derive(Debug)]
pub enum Step {
    /// Hands out these bytes (as many as fit; the rest stays for the next read).
    Data(Vec<u8>),
    /// Returns `Pending` once (and wakes the task at once).
    Pending,
    /// Fails once with this kind.
    Error(io::ErrorKind),
}

/// A reader that follows a script, then reports EOF.
#[derive(Debug, Default)]
pub struct MockReader {
    pub script: VecDeque<Step>,
    pub reads: usize,
    pub pendings: usize,
}

impl MockReader {
    pub fn new(script: impl IntoIterator<Item = Step>) -> Self {
        MockReader {
            script: script.into_iter().collect(),
            ..Default::default()
        }
    }

    /// `data` in chunks of `chunk` bytes, each preceded by a `Pending`.
    pub fn chunked(data: &[u8], chunk: usize) -> Self {
        let mut script = Vec::new();
        for part in data.chunks(chunk) {
            script.push(Step::Pending);
            script.push(Step::Data(part.to_vec()));
        }
        Self::new(script)
    }
}

impl AsyncRead for MockReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.reads += 1;
        match self.script.pop_front() {
            None => Poll::Ready(Ok(())),
            Some(Step::Pending) => {
                self.pendings += 1;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Some(Step::Error(kind)) => Poll::Ready(Err(kind.into())),
            Some(Step::Data(mut data)) => {
                let n = data.len().min(buf.remaining());
                buf.put_slice(&data[..n]);
                if n < data.len() {
                    data.drain(..n);
                    self.script.push_front(Step::Data(data));
                }
                Poll::Ready(Ok(()))
            }
        }
    }
}

/// A writer that takes at most `max_write` bytes per call and returns `Pending` before
/// every other write (waking the task at once).
#[derive(Debug, Default)]
pub struct MockWriter {
    pub data: Vec<u8>,
    pub max_write: usize,
    pub pending_every_other: bool,
    toggle: bool,
    pub writes: usize,
    pub pendings: usize,
    pub flushes: usize,
    pub shutdowns: usize,
    /// After this many bytes, writes return `Ok(0)`.
    pub capacity: Option<usize>,
    /// The next write fails with this kind.
    pub fail_next: Option<io::ErrorKind>,
}

impl MockWriter {
    pub fn new(max_write: usize, pending_every_other: bool) -> Self {
        MockWriter {
            max_write,
            pending_every_other,
            ..Default::default()
        }
    }

    fn maybe_pending(&mut self, cx: &mut Context<'_>) -> bool {
        if self.pending_every_other {
            self.toggle = !self.toggle;
            if self.toggle {
                self.pendings += 1;
                cx.waker().wake_by_ref();
                return true;
            }
        }
        false
    }
}

impl AsyncWrite for MockWriter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.maybe_pending(cx) {
            return Poll::Pending;
        }
        if let Some(kind) = self.fail_next.take() {
            return Poll::Ready(Err(kind.into()));
        }
        self.writes += 1;
        let mut n = buf.len().min(self.max_write);
        if let Some(cap) = self.capacity {
            n = n.min(cap.saturating_sub(self.data.len()));
        }
        self.data.extend_from_slice(&buf[..n]);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.maybe_pending(cx) {
            return Poll::Pending;
        }
        self.flushes += 1;
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.shutdowns += 1;
        Poll::Ready(Ok(()))
    }
}

/// A seekable in-memory file whose seeks take one `Pending` to complete.
#[derive(Debug, Default)]
pub struct SlowSeek {
    pub inner: io::Cursor<Vec<u8>>,
    pending: Option<io::SeekFrom>,
    pub seeks: usize,
}

impl SlowSeek {
    pub fn new(data: Vec<u8>) -> Self {
        SlowSeek {
            inner: io::Cursor::new(data),
            ..Default::default()
        }
    }
}

impl AsyncRead for SlowSeek {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncSeek for SlowSeek {
    fn start_seek(mut self: Pin<&mut Self>, position: io::SeekFrom) -> io::Result<()> {
        if self.pending.is_some() {
            return Err(io::Error::other("other seek in progress"));
        }
        self.pending = Some(position);
        Ok(())
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        match self.pending.take() {
            None => Poll::Ready(Ok(self.inner.position())),
            Some(pos) if self.seeks % 2 == 0 => {
                // First poll of this seek: not yet.
                self.seeks += 1;
                self.pending = Some(pos);
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Some(pos) => {
                self.seeks += 1;
                Poll::Ready(io::Seek::seek(&mut self.inner, pos))
            }
        }
    }
}

/// Polls a future once with a no-op waker.
pub fn poll_once<F: std::future::Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    let mut cx = Context::from_waker(std::task::Waker::noop());
    Pin::new(fut).poll(&mut cx)
}
