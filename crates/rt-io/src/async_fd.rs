//! A raw descriptor driven by the reactor: `AsyncFd`.

use std::error::Error;
use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::task::{Context, Poll, ready};

use mio::unix::SourceFd;

use crate::driver::{Direction, ReadyEvent, Registration};
use crate::{Interest, Ready};

/// Associates a Unix file descriptor with the reactor, so tasks can wait for it to become
/// readable or writable.
///
/// `AsyncFd` does not read or write: it reports readiness, and the caller performs the
/// non-blocking operation itself and tells it when the operation would block (through the
/// guard's [`clear_ready`](AsyncFdReadyGuard::clear_ready) or
/// [`try_io`](AsyncFdReadyGuard::try_io)). The descriptor must be in non-blocking mode.
/// The reactor is edge-triggered: readiness stays set until it is cleared.
///
/// Dropping the `AsyncFd` removes the descriptor from the reactor and drops the inner value
/// (which closes the descriptor if it owns it).
///
/// # Examples
///
/// ```
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
/// use rt::io::unix::AsyncFd;
///
/// # rt::runtime::Builder::new_current_thread().enable_io().build().unwrap().block_on(async {
/// let (a, mut b) = UnixStream::pair().unwrap();
/// a.set_nonblocking(true).unwrap();
/// let a = AsyncFd::new(a).unwrap();
/// b.write_all(b"ping").unwrap();
///
/// let mut buf = [0; 4];
/// loop {
///     let mut guard = a.readable().await.unwrap();
///     match guard.try_io(|fd| fd.get_ref().read(&mut buf)) {
///         Ok(result) => break assert_eq!(result.unwrap(), 4),
///         Err(_would_block) => continue,
///     }
/// }
/// assert_eq!(&buf, b"ping");
/// # });
/// ```
pub struct AsyncFd<T: AsRawFd> {
    registration: Registration,
    inner: Option<T>,
}

/// Readiness of an [`AsyncFd`] for shared access; see
/// [`AsyncFd::readable`] and [`clear_ready`](AsyncFdReadyGuard::clear_ready).
#[must_use = "You must explicitly choose whether to clear the readiness state by calling a method on ReadyGuard"]
pub struct AsyncFdReadyGuard<'a, T: AsRawFd> {
    async_fd: &'a AsyncFd<T>,
    event: Option<ReadyEvent>,
}

/// Readiness of an [`AsyncFd`] for exclusive access; see [`AsyncFd::readable_mut`].
#[must_use = "You must explicitly choose whether to clear the readiness state by calling a method on ReadyGuard"]
pub struct AsyncFdReadyMutGuard<'a, T: AsRawFd> {
    async_fd: &'a mut AsyncFd<T>,
    event: Option<ReadyEvent>,
}

/// The operation given to a guard's `try_io` would have blocked; the readiness was cleared.
#[derive(Debug)]
pub struct TryIoError(());

/// [`AsyncFd::try_new`] failed: the error, and the value handed back.
pub struct AsyncFdTryNewError<T> {
    inner: T,
    cause: io::Error,
}

impl<T: AsRawFd> AsyncFd<T> {
    /// Registers `inner`'s descriptor for reads and writes with the current runtime's
    /// reactor.
    ///
    /// # Errors
    ///
    /// The descriptor could not be registered (for instance, a regular file: epoll refuses
    /// them), or the runtime is shutting down.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`.
    #[track_caller]
    pub fn new(inner: T) -> io::Result<AsyncFd<T>> {
        AsyncFd::with_interest(inner, Interest::READABLE | Interest::WRITABLE)
    }

    /// Registers `inner`'s descriptor for `interest` only.
    ///
    /// # Errors
    ///
    /// As [`new`](AsyncFd::new).
    ///
    /// # Panics
    ///
    /// As [`new`](AsyncFd::new).
    #[track_caller]
    pub fn with_interest(inner: T, interest: Interest) -> io::Result<AsyncFd<T>> {
        AsyncFd::try_with_interest(inner, interest).map_err(|e| e.cause)
    }

    /// As [`new`](AsyncFd::new), handing `inner` back on failure.
    ///
    /// # Errors
    ///
    /// As [`new`](AsyncFd::new), with the value.
    ///
    /// # Panics
    ///
    /// As [`new`](AsyncFd::new).
    #[track_caller]
    pub fn try_new(inner: T) -> Result<AsyncFd<T>, AsyncFdTryNewError<T>> {
        AsyncFd::try_with_interest(inner, Interest::READABLE | Interest::WRITABLE)
    }

    /// As [`with_interest`](AsyncFd::with_interest), handing `inner` back on failure.
    ///
    /// # Errors
    ///
    /// As [`new`](AsyncFd::new), with the value.
    ///
    /// # Panics
    ///
    /// As [`new`](AsyncFd::new).
    #[track_caller]
    pub fn try_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<AsyncFd<T>, AsyncFdTryNewError<T>> {
        let fd = inner.as_raw_fd();
        match Registration::new(&mut SourceFd(&fd), interest) {
            Ok(registration) => Ok(AsyncFd {
                registration,
                inner: Some(inner),
            }),
            Err(cause) => Err(AsyncFdTryNewError { inner, cause }),
        }
    }

    /// The inner value.
    pub fn get_ref(&self) -> &T {
        self.inner.as_ref().expect("present until dropped")
    }

    /// The inner value, mutably.
    pub fn get_mut(&mut self) -> &mut T {
        self.inner.as_mut().expect("present until dropped")
    }

    /// Removes the descriptor from the reactor and returns the inner value.
    pub fn into_inner(mut self) -> T {
        self.take_inner().expect("present until dropped")
    }

    fn take_inner(&mut self) -> Option<T> {
        let inner = self.inner.take()?;
        let fd = inner.as_raw_fd();
        // An error leaves the registration alive for good (see `Registration::deregister`).
        let _ = self.registration.deregister(&mut SourceFd(&fd));
        Some(inner)
    }

    /// Polls for read readiness. Only the last task to call this (or
    /// [`poll_read_ready_mut`](AsyncFd::poll_read_ready_mut)) is woken.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    pub fn poll_read_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.registration.poll_ready(cx, Direction::Read))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Polls for read readiness, for exclusive access.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    pub fn poll_read_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.registration.poll_ready(cx, Direction::Read))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Polls for write readiness. Only the last task to call this (or
    /// [`poll_write_ready_mut`](AsyncFd::poll_write_ready_mut)) is woken.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    pub fn poll_write_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.registration.poll_ready(cx, Direction::Write))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Polls for write readiness, for exclusive access.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    pub fn poll_write_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.registration.poll_ready(cx, Direction::Write))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Waits until the descriptor is ready for any of `interest`.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses nothing (readiness stays recorded).
    pub async fn ready(&self, interest: Interest) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        let event = self.registration.readiness(interest).await?;
        Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        })
    }

    /// Waits until the descriptor is ready for any of `interest`, for exclusive access.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    pub async fn ready_mut(
        &mut self,
        interest: Interest,
    ) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        let event = self.registration.readiness(interest).await?;
        Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        })
    }

    /// Waits until the descriptor is readable.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    pub async fn readable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::READABLE).await
    }

    /// Waits until the descriptor is readable, for exclusive access.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    pub async fn readable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::READABLE).await
    }

    /// Waits until the descriptor is writable.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    pub async fn writable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::WRITABLE).await
    }

    /// Waits until the descriptor is writable, for exclusive access.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    pub async fn writable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::WRITABLE).await
    }

    /// Waits for `interest` and runs `f` on the inner value until it does not block.
    ///
    /// # Errors
    ///
    /// What `f` returns, other than `WouldBlock`; or the runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe if `f` is: it runs only inside a single poll.
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        self.registration
            .async_io(interest, || f(self.get_ref()))
            .await
    }

    /// Waits for `interest` and runs `f` on the inner value, mutably, until it does not
    /// block.
    ///
    /// # Errors
    ///
    /// What `f` returns, other than `WouldBlock`; or the runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe if `f` is.
    pub async fn async_io_mut<R>(
        &mut self,
        interest: Interest,
        mut f: impl FnMut(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        let AsyncFd {
            registration,
            inner,
        } = self;
        let inner = inner.as_mut().expect("present until dropped");
        registration.async_io(interest, || f(inner)).await
    }
}

impl<T: AsRawFd> AsRawFd for AsyncFd<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.get_ref().as_raw_fd()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFd<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFd")
            .field("inner", &self.inner)
            .finish()
    }
}

impl<T: AsRawFd> Drop for AsyncFd<T> {
    fn drop(&mut self) {
        drop(self.take_inner());
    }
}

/// What both guard types share: clears `matching` of the guard's event (S4 of the readiness
/// protocol: only if no newer event arrived) and stops reporting it.
fn clear_matching(registration: &Registration, event: &mut Option<ReadyEvent>, matching: Ready) {
    if let Some(kept) = event {
        let mut cleared = *kept;
        cleared.ready = cleared.ready & matching;
        registration.clear_readiness(cleared);
        kept.ready = kept.ready - matching;
        if kept.ready.is_empty() {
            *event = None;
        }
    }
}

impl<'a, T: AsRawFd> AsyncFdReadyGuard<'a, T> {
    /// Clears the readiness this guard reports: the next wait waits for a new event. Call
    /// it once a non-blocking operation returned `WouldBlock`.
    pub fn clear_ready(&mut self) {
        clear_matching(&self.async_fd.registration, &mut self.event, Ready::ALL);
    }

    /// Clears only `ready` of this guard's readiness.
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        clear_matching(&self.async_fd.registration, &mut self.event, ready);
    }

    /// Keeps the readiness set (the default when the guard drops).
    pub fn retain_ready(&mut self) {}

    /// The readiness this guard reports.
    pub fn ready(&self) -> Ready {
        self.event.map_or(Ready::EMPTY, |e| e.ready)
    }

    /// Runs `f`; if it returns `WouldBlock`, clears the readiness and returns
    /// `Err(TryIoError)`.
    ///
    /// # Errors
    ///
    /// [`TryIoError`] when `f` would have blocked.
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&'a AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// The `AsyncFd` this guard belongs to.
    pub fn get_ref(&self) -> &'a AsyncFd<T> {
        self.async_fd
    }

    /// The inner value of the `AsyncFd`.
    pub fn get_inner(&self) -> &'a T {
        self.async_fd.get_ref()
    }
}

impl<T: AsRawFd> AsyncFdReadyMutGuard<'_, T> {
    /// Clears the readiness this guard reports; see [`AsyncFdReadyGuard::clear_ready`].
    pub fn clear_ready(&mut self) {
        clear_matching(&self.async_fd.registration, &mut self.event, Ready::ALL);
    }

    /// Clears only `ready` of this guard's readiness.
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        clear_matching(&self.async_fd.registration, &mut self.event, ready);
    }

    /// Keeps the readiness set (the default when the guard drops).
    pub fn retain_ready(&mut self) {}

    /// The readiness this guard reports.
    pub fn ready(&self) -> Ready {
        self.event.map_or(Ready::EMPTY, |e| e.ready)
    }

    /// Runs `f`; if it returns `WouldBlock`, clears the readiness and returns
    /// `Err(TryIoError)`.
    ///
    /// # Errors
    ///
    /// [`TryIoError`] when `f` would have blocked.
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&mut AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// The `AsyncFd` this guard belongs to.
    pub fn get_ref(&self) -> &AsyncFd<T> {
        self.async_fd
    }

    /// The `AsyncFd` this guard belongs to, mutably.
    pub fn get_mut(&mut self) -> &mut AsyncFd<T> {
        self.async_fd
    }

    /// The inner value of the `AsyncFd`.
    pub fn get_inner(&self) -> &T {
        self.async_fd.get_ref()
    }

    /// The inner value of the `AsyncFd`, mutably.
    pub fn get_inner_mut(&mut self) -> &mut T {
        self.async_fd.get_mut()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFdReadyGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFdReadyGuard")
            .field("async_fd", self.async_fd)
            .field("ready", &self.ready())
            .finish()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFdReadyMutGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFdReadyMutGuard")
            .field("async_fd", self.async_fd)
            .field("ready", &self.ready())
            .finish()
    }
}

impl fmt::Display for TryIoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("operation would block")
    }
}

impl Error for TryIoError {}

impl<T> AsyncFdTryNewError<T> {
    /// The value that could not be registered, and why.
    pub fn into_parts(self) -> (T, io::Error) {
        (self.inner, self.cause)
    }
}

impl<T> fmt::Debug for AsyncFdTryNewError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.cause.fmt(f)
    }
}

impl<T> fmt::Display for AsyncFdTryNewError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.cause.fmt(f)
    }
}

impl<T> Error for AsyncFdTryNewError<T> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.cause)
    }
}

impl<T> From<AsyncFdTryNewError<T>> for io::Error {
    fn from(e: AsyncFdTryNewError<T>) -> io::Error {
        e.cause
    }
}
