//! [`UnixListenerStream`]: a Unix-domain listener's connections as a stream.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use rt_net::{UnixListener, UnixStream};

/// A [`Stream`] of the connections an `rt::net::UnixListener` accepts. It never ends; an
/// accept error is yielded as `Err` and the stream goes on.
///
/// # Examples
///
/// ```
/// use rt_stream::{StreamExt, wrappers::UnixListenerStream};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let dir = std::env::temp_dir().join(format!("rt-stream-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("sock");
/// let _ = std::fs::remove_file(&path);
///
/// let mut incoming = UnixListenerStream::new(rt::net::UnixListener::bind(&path).unwrap());
/// let _client = rt::net::UnixStream::connect(&path).await.unwrap();
/// assert!(incoming.next().await.unwrap().is_ok());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # });
/// ```
#[derive(Debug)]
pub struct UnixListenerStream {
    inner: UnixListener,
}

impl UnixListenerStream {
    /// Wraps `listener`.
    pub fn new(listener: UnixListener) -> Self {
        UnixListenerStream { inner: listener }
    }

    /// Returns the listener.
    pub fn into_inner(self) -> UnixListener {
        self.inner
    }
}

impl Stream for UnixListenerStream {
    type Item = io::Result<UnixStream>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner
            .poll_accept(cx)
            .map(|accepted| Some(accepted.map(|(stream, _peer)| stream)))
    }
}

impl AsRef<UnixListener> for UnixListenerStream {
    fn as_ref(&self) -> &UnixListener {
        &self.inner
    }
}

impl AsMut<UnixListener> for UnixListenerStream {
    fn as_mut(&mut self) -> &mut UnixListener {
        &mut self.inner
    }
}
