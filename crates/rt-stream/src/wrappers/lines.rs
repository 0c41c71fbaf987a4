//! [`LinesStream`]: a reader's lines as a stream.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use rt_io::{AsyncBufRead, Lines};

/// A [`Stream`] of the lines of an `rt::io::Lines` (made by `AsyncBufReadExt::lines`),
/// without their line endings. A read error is yielded as `Err`.
///
/// # Examples
///
/// ```
/// use rt::io::AsyncBufReadExt;
/// use rt_stream::{StreamExt, wrappers::LinesStream};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let input: &[u8] = b"one\ntwo\r\nthree";
/// let lines: Vec<String> = LinesStream::new(input.lines()).map(Result::unwrap).collect().await;
/// assert_eq!(lines, ["one", "two", "three"]);
/// # });
/// ```
#[derive(Debug)]
pub struct LinesStream<R> {
    // Structurally pinned: handed out only as `Pin<&mut Lines<R>>` from a pinned
    // `LinesStream`, never moved out of one; no `Drop` impl; `Unpin` only if `Lines<R>` is
    // (auto-impl).
    inner: Lines<R>,
}

impl<R> LinesStream<R> {
    /// Wraps `lines`.
    pub fn new(lines: Lines<R>) -> Self {
        LinesStream { inner: lines }
    }

    /// Returns the `Lines`.
    pub fn into_inner(self) -> Lines<R> {
        self.inner
    }

    /// Returns the pinned `Lines` of a pinned stream.
    pub fn as_pin_mut(self: Pin<&mut Self>) -> Pin<&mut Lines<R>> {
        // SAFETY: `inner` is structurally pinned (see the field): it is only handed out
        // pinned and never moved out of a pinned `LinesStream`.
        unsafe { self.map_unchecked_mut(|me| &mut me.inner) }
    }
}

impl<R: AsyncBufRead> Stream for LinesStream<R> {
    type Item = io::Result<String>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.as_pin_mut().poll_next_line(cx).map(Result::transpose)
    }
}

impl<R> AsRef<Lines<R>> for LinesStream<R> {
    fn as_ref(&self) -> &Lines<R> {
        &self.inner
    }
}

impl<R> AsMut<Lines<R>> for LinesStream<R> {
    fn as_mut(&mut self) -> &mut Lines<R> {
        &mut self.inner
    }
}
