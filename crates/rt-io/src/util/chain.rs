//! `Chain`: one reader after another.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::{AsyncBufRead, AsyncRead, ReadBuf};

/// Stream for the [`chain`](crate::AsyncReadExt::chain) method: the first reader until its
/// EOF, then the second.
#[must_use = "streams do nothing unless polled"]
pub struct Chain<T, U> {
    // P2 (util/mod.rs): both readers structurally pinned.
    first: T,
    second: U,
    // Plain data: the first reader reached EOF.
    done_first: bool,
}

impl<T, U> Chain<T, U>
where
    T: AsyncRead,
    U: AsyncRead,
{
    pub(crate) fn new(first: T, second: U) -> Self {
        Chain {
            first,
            second,
            done_first: false,
        }
    }
}

impl<T, U> Chain<T, U> {
    /// The split of a pinned `Chain` into its pinned readers and its flag.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut T>, Pin<&mut U>, &mut bool) {
        // SAFETY: P2 (util/mod.rs): `first` and `second` are pinned structurally and only
        // handed out pinned; `done_first` is never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: both readers live inside the pinned `Chain`, so they never move either.
        let (first, second) = unsafe {
            (
                Pin::new_unchecked(&mut me.first),
                Pin::new_unchecked(&mut me.second),
            )
        };
        (first, second, &mut me.done_first)
    }

    /// Gets references to the underlying readers in this `Chain`.
    pub fn get_ref(&self) -> (&T, &U) {
        (&self.first, &self.second)
    }

    /// Gets mutable references to the underlying readers in this `Chain`.
    ///
    /// Care should be taken to avoid modifying the internal I/O state of the underlying
    /// readers as doing so may corrupt the internal state of this `Chain`.
    pub fn get_mut(&mut self) -> (&mut T, &mut U) {
        (&mut self.first, &mut self.second)
    }

    /// Gets pinned mutable references to the underlying readers in this `Chain`.
    ///
    /// Care should be taken to avoid modifying the internal I/O state of the underlying
    /// readers as doing so may corrupt the internal state of this `Chain`.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> (Pin<&mut T>, Pin<&mut U>) {
        let (first, second, _) = self.project();
        (first, second)
    }

    /// Consumes the `Chain`, returning the wrapped readers.
    pub fn into_inner(self) -> (T, U) {
        (self.first, self.second)
    }
}

impl<T: fmt::Debug, U: fmt::Debug> fmt::Debug for Chain<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chain")
            .field("t", &self.first)
            .field("u", &self.second)
            .finish()
    }
}

impl<T: AsyncRead, U: AsyncRead> AsyncRead for Chain<T, U> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let (first, second, done_first) = self.project();
        if !*done_first {
            let remaining = buf.remaining();
            ready!(first.poll_read(cx, buf))?;
            if buf.remaining() == remaining && remaining != 0 {
                *done_first = true;
            } else {
                return Poll::Ready(Ok(()));
            }
        }
        second.poll_read(cx, buf)
    }
}

impl<T: AsyncBufRead, U: AsyncBufRead> AsyncBufRead for Chain<T, U> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let (first, second, done_first) = self.project();
        if !*done_first {
            match ready!(first.poll_fill_buf(cx))? {
                [] => *done_first = true,
                buf => return Poll::Ready(Ok(buf)),
            }
        }
        second.poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let (first, second, done_first) = self.project();
        if !*done_first {
            first.consume(amt)
        } else {
            second.consume(amt)
        }
    }
}
