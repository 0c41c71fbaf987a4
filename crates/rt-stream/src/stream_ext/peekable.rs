//! The stream of [`StreamExt::peekable`](crate::StreamExt::peekable).

use std::fmt;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::Fuse;

/// Stream for [`StreamExt::peekable`](crate::StreamExt::peekable): a stream that can show
/// its next item without yielding it.
#[must_use = "streams do nothing unless polled"]
pub struct Peekable<St: Stream> {
    // The item peeked at and not yet yielded.
    peeked: Option<St::Item>,
    // P1 (stream_ext.rs): structurally pinned; fused, so peeking past the end is harmless.
    stream: Fuse<St>,
}

impl<St: Stream> Peekable<St> {
    pub(super) fn new(stream: St) -> Self {
        Peekable {
            peeked: None,
            stream: Fuse::new(stream),
        }
    }

    /// Splits a pinned `Peekable` into its peeked item and its pinned stream.
    fn project(self: Pin<&mut Self>) -> (&mut Option<St::Item>, Pin<&mut Fuse<St>>) {
        // SAFETY: P1 (stream_ext.rs): `stream` is only handed out pinned and never moved;
        // `peeked` is never pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: `me.stream` lives inside the pinned `Peekable`, so it never moves either.
        let stream = unsafe { Pin::new_unchecked(&mut me.stream) };
        (&mut me.peeked, stream)
    }
}

// P1 rule 3: `stream` is the only structurally pinned field; the peeked item never is.
impl<St: Stream + Unpin> Unpin for Peekable<St> {}

impl<St: Stream + Unpin> Peekable<St> {
    /// Waits for the next item and returns a reference to it, without taking it: the next
    /// `next` (or `peek`) returns the same item. `None` if the stream has ended.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let mut s = stream::iter(["a"]).peekable();
    /// assert_eq!(s.peek().await, Some(&"a"));
    /// assert_eq!(s.peek().await, Some(&"a"));
    /// assert_eq!(s.next().await, Some("a"));
    /// assert_eq!(s.peek().await, None);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: an item taken from the inner stream is stored before the
    /// future completes, so dropping it loses nothing.
    pub async fn peek(&mut self) -> Option<&St::Item> {
        if self.peeked.is_none() {
            self.peeked = self.next_inner().await;
        }
        self.peeked.as_ref()
    }

    /// Takes the next item if `func` accepts it; otherwise keeps it for the next call and
    /// returns `None` (also returned when the stream has ended).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let mut s = stream::iter([1, 2, 10]).peekable();
    /// let mut small = Vec::new();
    /// while let Some(n) = s.next_if(|n| *n < 5).await {
    ///     small.push(n);
    /// }
    /// assert_eq!(small, [1, 2]);
    /// assert_eq!(s.next().await, Some(10));
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe, as [`peek`](Peekable::peek).
    pub async fn next_if(&mut self, func: impl FnOnce(&St::Item) -> bool) -> Option<St::Item> {
        let item = match self.peeked.take() {
            Some(item) => item,
            None => self.next_inner().await?,
        };
        if func(&item) {
            Some(item)
        } else {
            self.peeked = Some(item);
            None
        }
    }

    /// Takes the next item if it equals `expected`; otherwise keeps it for the next call
    /// and returns `None` (also returned when the stream has ended).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let mut s = stream::iter(["#".to_string(), "body".to_string()]).peekable();
    /// assert_eq!(s.next_if_eq("#").await.as_deref(), Some("#"));
    /// assert_eq!(s.next_if_eq("#").await, None);
    /// assert_eq!(s.next().await.as_deref(), Some("body"));
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe, as [`peek`](Peekable::peek).
    pub async fn next_if_eq<T>(&mut self, expected: &T) -> Option<St::Item>
    where
        T: ?Sized,
        St::Item: PartialEq<T>,
    {
        self.next_if(|item| item == expected).await
    }

    /// The next item of the inner stream, ignoring the peeked one.
    async fn next_inner(&mut self) -> Option<St::Item> {
        poll_fn(|cx| Pin::new(&mut self.stream).poll_next(cx)).await
    }
}

impl<St: Stream> Stream for Peekable<St> {
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let (peeked, stream) = self.project();
        if let Some(item) = peeked.take() {
            return Poll::Ready(Some(item));
        }
        stream.poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let extra = usize::from(self.peeked.is_some());
        let (lower, upper) = self.stream.size_hint();
        (
            lower.saturating_add(extra),
            upper.and_then(|upper| upper.checked_add(extra)),
        )
    }
}

impl<St: Stream + fmt::Debug> fmt::Debug for Peekable<St>
where
    St::Item: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Peekable")
            .field("peeked", &self.peeked)
            .field("stream", &self.stream)
            .finish()
    }
}
