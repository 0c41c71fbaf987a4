//! [`ReceiverStream`]: an mpsc receiver as a stream.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use rt_sync::mpsc::Receiver;

/// A [`Stream`] of the values of an `rt::sync::mpsc::Receiver`; it ends when the channel
/// is closed and drained.
///
/// # Examples
///
/// ```
/// use rt_stream::{StreamExt, wrappers::ReceiverStream};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let (tx, rx) = rt::sync::mpsc::channel(4);
/// tx.send(1).await.unwrap();
/// tx.send(2).await.unwrap();
/// drop(tx);
/// let v: Vec<i32> = ReceiverStream::new(rx).collect().await;
/// assert_eq!(v, [1, 2]);
/// # });
/// ```
#[derive(Debug)]
pub struct ReceiverStream<T> {
    inner: Receiver<T>,
}

impl<T> ReceiverStream<T> {
    /// Wraps `recv`.
    pub fn new(recv: Receiver<T>) -> Self {
        ReceiverStream { inner: recv }
    }

    /// Returns the receiver.
    pub fn into_inner(self) -> Receiver<T> {
        self.inner
    }

    /// Closes the receiving half without dropping it: senders can send no more, and the
    /// stream yields what is queued and then ends. See `Receiver::close`.
    pub fn close(&mut self) {
        self.inner.close();
    }
}

impl<T> Stream for ReceiverStream<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.inner.poll_recv(cx)
    }
}

impl<T> AsRef<Receiver<T>> for ReceiverStream<T> {
    fn as_ref(&self) -> &Receiver<T> {
        &self.inner
    }
}

impl<T> AsMut<Receiver<T>> for ReceiverStream<T> {
    fn as_mut(&mut self) -> &mut Receiver<T> {
        &mut self.inner
    }
}

impl<T> From<Receiver<T>> for ReceiverStream<T> {
    fn from(recv: Receiver<T>) -> Self {
        ReceiverStream::new(recv)
    }
}
