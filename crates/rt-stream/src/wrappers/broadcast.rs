//! [`BroadcastStream`]: a broadcast receiver as a stream, and its error.
//!
//! The receiver's only waiting method is the `async fn recv`, so the stream holds a boxed
//! future that owns the receiver, receives one value, and hands the receiver back with it;
//! a new future is boxed for the next value.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;
use rt_sync::broadcast::Receiver;
use rt_sync::broadcast::error::RecvError;

/// The boxed future of one receive: the result, and the receiver back.
type RecvFuture<T> = Pin<Box<dyn Future<Output = (Result<T, RecvError>, Receiver<T>)> + Send>>;

/// A [`Stream`] of the values of an `rt::sync::broadcast::Receiver`.
///
/// Each value comes as `Ok(value)`; a receiver that fell behind gets one
/// `Err(BroadcastStreamRecvError::Lagged(n))` for the `n` values it missed and then goes on
/// from the oldest value still queued. The stream ends when every sender is gone and every
/// value was received.
///
/// # Examples
///
/// ```
/// use rt_stream::{StreamExt, wrappers::BroadcastStream};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let (tx, rx) = rt::sync::broadcast::channel(4);
/// let stream = BroadcastStream::new(rx);
/// tx.send(1).unwrap();
/// tx.send(2).unwrap();
/// drop(tx);
/// let v: Vec<_> = stream.map(Result::unwrap).collect().await;
/// assert_eq!(v, [1, 2]);
/// # });
/// ```
pub struct BroadcastStream<T> {
    inner: RecvFuture<T>,
}

/// The error of a [`BroadcastStream`]: the receiver fell behind.
#[derive(Debug, PartialEq, Eq, Clone)]
#[non_exhaustive]
pub enum BroadcastStreamRecvError {
    /// The receiver lagged too far behind: this many values were dropped from the channel
    /// before it read them. The next item is the oldest value still queued.
    Lagged(u64),
}

impl fmt::Display for BroadcastStreamRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BroadcastStreamRecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
        }
    }
}

impl Error for BroadcastStreamRecvError {}

/// Receives one value, returning the receiver with it.
async fn recv_one<T: 'static + Clone + Send>(
    mut rx: Receiver<T>,
) -> (Result<T, RecvError>, Receiver<T>) {
    let result = rx.recv().await;
    (result, rx)
}

impl<T: 'static + Clone + Send + Sync> BroadcastStream<T> {
    /// Wraps `rx`. The stream starts where the receiver is: at the values sent after it
    /// subscribed that it has not yet received.
    pub fn new(rx: Receiver<T>) -> Self {
        BroadcastStream {
            inner: Box::pin(recv_one(rx)),
        }
    }
}

impl<T: 'static + Clone + Send + Sync> Stream for BroadcastStream<T> {
    type Item = Result<T, BroadcastStreamRecvError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let (result, rx) = ready!(self.inner.as_mut().poll(cx));
        // The finished future is replaced at once, so polling after the end is harmless:
        // the next receive reports `Closed` again.
        self.inner = Box::pin(recv_one(rx));
        match result {
            Ok(value) => Poll::Ready(Some(Ok(value))),
            Err(RecvError::Closed) => Poll::Ready(None),
            Err(RecvError::Lagged(n)) => {
                Poll::Ready(Some(Err(BroadcastStreamRecvError::Lagged(n))))
            }
        }
    }
}

impl<T: 'static + Clone + Send + Sync> From<Receiver<T>> for BroadcastStream<T> {
    fn from(rx: Receiver<T>) -> Self {
        BroadcastStream::new(rx)
    }
}

impl<T> fmt::Debug for BroadcastStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BroadcastStream").finish_non_exhaustive()
    }
}
