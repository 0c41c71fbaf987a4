//! [`TcpListenerStream`]: a TCP listener's connections as a stream.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use rt_net::{TcpListener, TcpStream};

/// A [`Stream`] of the connections an `rt::net::TcpListener` accepts. It never ends; an
/// accept error is yielded as `Err` and the stream goes on.
///
/// # Examples
///
/// ```
/// use rt_stream::{StreamExt, wrappers::TcpListenerStream};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let listener = rt::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
/// let addr = listener.local_addr().unwrap();
/// let mut incoming = TcpListenerStream::new(listener);
///
/// let client = rt::net::TcpStream::connect(addr).await.unwrap();
/// let server = incoming.next().await.unwrap().unwrap();
/// assert_eq!(server.peer_addr().unwrap(), client.local_addr().unwrap());
/// # });
/// ```
#[derive(Debug)]
pub struct TcpListenerStream {
    inner: TcpListener,
}

impl TcpListenerStream {
    /// Wraps `listener`.
    pub fn new(listener: TcpListener) -> Self {
        TcpListenerStream { inner: listener }
    }

    /// Returns the listener.
    pub fn into_inner(self) -> TcpListener {
        self.inner
    }
}

impl Stream for TcpListenerStream {
    type Item = io::Result<TcpStream>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner
            .poll_accept(cx)
            .map(|accepted| Some(accepted.map(|(stream, _peer)| stream)))
    }
}

impl AsRef<TcpListener> for TcpListenerStream {
    fn as_ref(&self) -> &TcpListener {
        &self.inner
    }
}

impl AsMut<TcpListener> for TcpListenerStream {
    fn as_mut(&mut self) -> &mut TcpListener {
        &mut self.inner
    }
}
