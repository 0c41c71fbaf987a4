//! [`SplitStream`]: a reader's delimited segments as a stream.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use rt_io::{AsyncBufRead, Split};

/// A [`Stream`] of the segments of an `rt::io::Split` (made by `AsyncBufReadExt::split`),
/// without their delimiter. A read error is yielded as `Err`.
///
/// # Examples
///
/// ```
/// use rt::io::AsyncBufReadExt;
/// use rt_stream::{StreamExt, wrappers::SplitStream};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let input: &[u8] = b"a,bc,";
/// let parts: Vec<Vec<u8>> = SplitStream::new(AsyncBufReadExt::split(input, b',')).map(Result::unwrap).collect().await;
/// assert_eq!(parts, [b"a".to_vec(), b"bc".to_vec()]);
/// # });
/// ```
#[derive(Debug)]
pub struct SplitStream<R> {
    // Structurally pinned: handed out only as `Pin<&mut Split<R>>` from a pinned
    // `SplitStream`, never moved out of one; no `Drop` impl; `Unpin` only if `Split<R>` is
    // (auto-impl).
    inner: Split<R>,
}

impl<R> SplitStream<R> {
    /// Wraps `split`.
    pub fn new(split: Split<R>) -> Self {
        SplitStream { inner: split }
    }

    /// Returns the `Split`.
    pub fn into_inner(self) -> Split<R> {
        self.inner
    }

    /// Returns the pinned `Split` of a pinned stream.
    pub fn as_pin_mut(self: Pin<&mut Self>) -> Pin<&mut Split<R>> {
        // SAFETY: `inner` is structurally pinned (see the field): it is only handed out
        // pinned and never moved out of a pinned `SplitStream`.
        unsafe { self.map_unchecked_mut(|me| &mut me.inner) }
    }
}

impl<R: AsyncBufRead> Stream for SplitStream<R> {
    type Item = io::Result<Vec<u8>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.as_pin_mut()
            .poll_next_segment(cx)
            .map(Result::transpose)
    }
}

impl<R> AsRef<Split<R>> for SplitStream<R> {
    fn as_ref(&self) -> &Split<R> {
        &self.inner
    }
}

impl<R> AsMut<Split<R>> for SplitStream<R> {
    fn as_mut(&mut self) -> &mut Split<R> {
        &mut self.inner
    }
}
