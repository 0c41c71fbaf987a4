//! A mio source registered with the reactor: the base of every socket in rt-net.

use std::fmt;
use std::io::{self, IoSlice, Write};
use std::ops::Deref;
use std::os::fd::AsRawFd;
use std::task::{Context, Poll, ready};

use mio::event::Source;

use crate::driver::{Direction, Registration};
use crate::{Interest, ReadBuf, Ready};

/// A mio source and its registration with the current runtime's reactor.
///
/// Reads and writes try the source when the reactor last saw it ready, and wait for the next
/// readiness event when it blocks. On Linux a read or write shorter than asked means the
/// socket's buffer is drained (or full), so the readiness is cleared at once: the next call
/// waits for epoll instead of spending a system call to learn it would block.
///
/// Dropping it removes the source from the reactor, then closes it.
pub struct PollEvented<E: Source> {
    io: Option<E>,
    registration: Registration,
}

impl<E: Source> PollEvented<E> {
    /// Registers `io` for reads and writes with the current runtime's reactor.
    ///
    /// # Errors
    ///
    /// The registration failed, or the runtime is shutting down.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`.
    #[track_caller]
    pub fn new(io: E) -> io::Result<PollEvented<E>> {
        PollEvented::new_with_interest(io, Interest::READABLE | Interest::WRITABLE)
    }

    /// Registers `io` for `interest` with the current runtime's reactor.
    ///
    /// # Errors
    ///
    /// The registration failed, or the runtime is shutting down.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`.
    #[track_caller]
    pub fn new_with_interest(mut io: E, interest: Interest) -> io::Result<PollEvented<E>> {
        let registration = Registration::new(&mut io, interest)?;
        Ok(PollEvented {
            io: Some(io),
            registration,
        })
    }

    /// Removes the source from the reactor and returns it.
    ///
    /// # Errors
    ///
    /// The source could not be deregistered.
    pub fn into_inner(mut self) -> io::Result<E> {
        let mut io = self.io.take().expect("present until dropped");
        self.registration.deregister(&mut io)?;
        Ok(io)
    }

    /// Waits until the source is readable (or its read half closed).
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.registration
            .poll_ready(cx, Direction::Read)
            .map_ok(|_| ())
    }

    /// Waits until the source is writable (or its write half closed).
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.registration
            .poll_ready(cx, Direction::Write)
            .map_ok(|_| ())
    }

    /// Runs `f` when the source is ready in the direction of `interest` (readable or
    /// writable), until it does not block.
    pub fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
        f: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let direction = if interest.is_writable() {
            Direction::Write
        } else {
            Direction::Read
        };
        self.registration.poll_io(cx, direction, f)
    }

    /// Waits until the source is ready for any of `interest`; returns what is ready.
    ///
    /// # Errors
    ///
    /// The runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: readiness stays recorded for the next call.
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(self.registration.readiness(interest).await?.ready)
    }

    /// Waits for `interest` and runs `f` until it does not block.
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
        f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.registration.async_io(interest, f).await
    }

    /// Runs `f` if the source was last seen ready for `interest`, clearing that readiness if
    /// `f` blocks.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the source is not ready, else what `f` returns.
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.registration.try_io(interest, f)
    }
}

impl<E: Source + AsRawFd> PollEvented<E> {
    /// Reads into `buf` when the source is readable, with `read(2)` straight into its
    /// unfilled part: memory the buffer has not initialized yet is not zeroed first.
    pub fn poll_read(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.poll_read_with(cx, buf, |io, buf| {
            // SAFETY: only the kernel writes to this memory, and only bytes it read: nothing
            // is de-initialized (the duty `unfilled_mut` puts on us).
            let unfilled = unsafe { buf.unfilled_mut() };
            let len = unfilled.len();
            // SAFETY: the pointer and length describe the unfilled part, alive and
            // exclusively borrowed for the duration of the call.
            let n = unsafe { libc::read(io.as_raw_fd(), unfilled.as_mut_ptr().cast(), len) };
            if n < 0 {
                return Err(io::Error::last_os_error());
            }
            let n = n as usize;
            // SAFETY: `read` wrote the first `n` bytes of the unfilled part (`n <= len`).
            unsafe { buf.assume_init(n) };
            buf.advance(n);
            // Linux: a read shorter than asked drained the socket (see the type's doc).
            Ok(n > 0 && n < len)
        })
    }
}

impl<E: Source> PollEvented<E> {
    /// Reads into `buf` with `read` when the source is readable. `read` fills `buf` (and
    /// advances it) and returns whether that drained the source; a drained source's
    /// readiness is cleared at once, so the next read waits for epoll instead of spending
    /// a system call to learn it would block.
    pub fn poll_read_with(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
        mut read: impl FnMut(&E, &mut ReadBuf<'_>) -> io::Result<bool>,
    ) -> Poll<io::Result<()>> {
        loop {
            let event = ready!(self.registration.poll_ready(cx, Direction::Read))?;
            match read(self, buf) {
                Ok(drained) => {
                    if drained {
                        self.registration.clear_readiness(event);
                    }
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.registration.clear_readiness(event);
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

impl<E: Source> PollEvented<E>
where
    for<'a> &'a E: Write,
{
    /// Writes `buf` when the source is writable.
    pub fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.poll_write_with(cx, buf.len(), |mut io| io.write(buf))
    }

    /// Writes `bufs` in one call when the source is writable.
    pub fn poll_write_vectored(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let len = bufs.iter().map(|b| b.len()).sum();
        self.poll_write_with(cx, len, |mut io| io.write_vectored(bufs))
    }

    fn poll_write_with(
        &self,
        cx: &mut Context<'_>,
        len: usize,
        mut write: impl FnMut(&E) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        loop {
            let event = ready!(self.registration.poll_ready(cx, Direction::Write))?;
            match write(self) {
                Ok(n) => {
                    if n > 0 && n < len {
                        // Full: wait for epoll next time (see the type's doc).
                        self.registration.clear_readiness(event);
                    }
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.registration.clear_readiness(event);
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

impl<E: Source> Deref for PollEvented<E> {
    type Target = E;

    fn deref(&self) -> &E {
        self.io.as_ref().expect("present until dropped")
    }
}

impl<E: Source> Drop for PollEvented<E> {
    fn drop(&mut self) {
        if let Some(mut io) = self.io.take() {
            // Leave epoll before the descriptor closes; an error leaves the registration
            // alive for good (see `Registration::deregister`), nothing else to do.
            let _ = self.registration.deregister(&mut io);
        }
    }
}

impl<E: Source + fmt::Debug> fmt::Debug for PollEvented<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PollEvented").field("io", &self.io).finish()
    }
}
