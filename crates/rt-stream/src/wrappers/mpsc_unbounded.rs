//! [`UnboundedReceiverStream`]: an unbounded mpsc receiver as a stream.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use rt_sync::mpsc::UnboundedReceiver;

/// A [`Stream`] of the values of an `rt::sync::mpsc::UnboundedReceiver`; it ends when the channel
/// is closed and drained.
///
/// # Examples
///
/// ```
/// use rt_stream::{StreamExt, wrappers::UnboundedReceiverStream};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let (tx, rx) = rt::sync::mpsc::unbounded_channel();
/// tx.send(1).unwrap();
/// tx.send(2).unwrap();
/// drop(tx);
/// let v: Vec<i32> = UnboundedReceiverStream::new(rx).collect().await;
/// assert_eq!(v, [1, 2]);
/// # });
/// ```
#[derive(Debug)]
pub struct UnboundedReceiverStream<T> {
    inner: UnboundedReceiver<T>,
}

impl<T> UnboundedReceiverStream<T> {
    /// Wraps `recv`.
    pub fn new(recv: UnboundedReceiver<T>) -> Self {
        UnboundedReceiverStream { inner: recv }
    }

    /// Returns the receiver.
    pub fn into_inner(self) -> UnboundedReceiver<T> {
        self.inner
    }

    /// Closes the receiving half without dropping it: senders can send no more, and the
    /// stream yields what is queued and then ends. See `UnboundedReceiver::close`.
    pub fn close(&mut self) {
        self.inner.close();
    }
}

impl<T> Stream for UnboundedReceiverStream<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.inner.poll_recv(cx)
    }
}

impl<T> AsRef<UnboundedReceiver<T>> for UnboundedReceiverStream<T> {
    fn as_ref(&self) -> &UnboundedReceiver<T> {
        &self.inner
    }
}

impl<T> AsMut<UnboundedReceiver<T>> for UnboundedReceiverStream<T> {
    fn as_mut(&mut self) -> &mut UnboundedReceiver<T> {
        &mut self.inner
    }
}

impl<T> From<UnboundedReceiver<T>> for UnboundedReceiverStream<T> {
    fn from(recv: UnboundedReceiver<T>) -> Self {
        UnboundedReceiverStream::new(recv)
    }
}
