//! [`WatchStream`]: a watch receiver as a stream of its values.
//!
//! As for `BroadcastStream`, the stream holds a boxed future that owns the receiver, waits
//! for a change (`changed` is an `async fn`), and hands the receiver back; a new future is
//! boxed for the next change.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;
use rt_sync::watch::Receiver;
use rt_sync::watch::error::RecvError;

/// The boxed future of one wait: whether a change came, and the receiver back.
type ChangedFuture<T> = Pin<Box<dyn Future<Output = (Result<(), RecvError>, Receiver<T>)> + Send>>;

/// A [`Stream`] of the values of an `rt::sync::watch::Receiver`: the current value (with
/// [`new`](WatchStream::new)), then the value after each change, cloned.
///
/// Changes between two polls are coalesced: the stream yields the latest value, once. It
/// ends when every sender is gone.
///
/// # Examples
///
/// ```
/// use rt_stream::{StreamExt, wrappers::WatchStream};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let (tx, rx) = rt::sync::watch::channel("hello");
/// let mut stream = WatchStream::new(rx);
/// assert_eq!(stream.next().await, Some("hello"));
///
/// tx.send("goodbye").unwrap();
/// assert_eq!(stream.next().await, Some("goodbye"));
/// drop(tx);
/// assert_eq!(stream.next().await, None);
/// # });
/// ```
pub struct WatchStream<T> {
    inner: ChangedFuture<T>,
}

/// Waits for a change, returning the receiver with the result.
async fn wait_changed<T: 'static + Clone + Send + Sync>(
    mut rx: Receiver<T>,
) -> (Result<(), RecvError>, Receiver<T>) {
    let result = rx.changed().await;
    (result, rx)
}

impl<T: 'static + Clone + Send + Sync> WatchStream<T> {
    /// Wraps `rx`; the first item is the current value, seen or not.
    pub fn new(rx: Receiver<T>) -> Self {
        WatchStream {
            inner: Box::pin(async move { (Ok(()), rx) }),
        }
    }

    /// Wraps `rx`; the first item is the first value the receiver has not seen: the
    /// current one if it is unseen, else the next change.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{StreamExt, wrappers::WatchStream};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let (tx, rx) = rt::sync::watch::channel(0);
    /// let mut stream = WatchStream::from_changes(rx);
    /// tx.send(1).unwrap();
    /// assert_eq!(stream.next().await, Some(1));
    /// # });
    /// ```
    pub fn from_changes(rx: Receiver<T>) -> Self {
        WatchStream {
            inner: Box::pin(wait_changed(rx)),
        }
    }
}

impl<T: 'static + Clone + Send + Sync> Stream for WatchStream<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let (result, mut rx) = ready!(self.inner.as_mut().poll(cx));
        let item = match result {
            Ok(()) => Some((*rx.borrow_and_update()).clone()),
            Err(_) => None,
        };
        // Replaced at once, so polling after the end is harmless: it reports the end again.
        self.inner = Box::pin(wait_changed(rx));
        Poll::Ready(item)
    }
}

impl<T> fmt::Debug for WatchStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WatchStream").finish_non_exhaustive()
    }
}
