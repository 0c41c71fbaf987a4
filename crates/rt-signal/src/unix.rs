//! Unix signals as a stream of notifications: [`signal`], [`Signal`], [`SignalKind`].

use std::fmt;
use std::io::{self, Read};
use std::os::unix::net::UnixStream;
use std::task::{Context, Poll, ready};

use rt_io::Interest;
use rt_io::unix::AsyncFd;

use crate::registry;

/// A kind of Unix signal, by its number.
///
/// # Examples
///
/// ```
/// use rt_signal::unix::SignalKind;
///
/// assert_eq!(SignalKind::interrupt().as_raw_value(), libc::SIGINT);
/// assert_eq!(SignalKind::from_raw(libc::SIGHUP), SignalKind::hangup());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignalKind(libc::c_int);

impl SignalKind {
    /// The signal of number `signum`, for signals without a constructor of their own.
    /// [`signal`] refuses those that cannot be caught.
    pub const fn from_raw(signum: libc::c_int) -> SignalKind {
        SignalKind(signum)
    }

    /// The signal's number.
    pub const fn as_raw_value(&self) -> libc::c_int {
        self.0
    }

    /// `SIGALRM`: a real-time timer expired.
    pub const fn alarm() -> SignalKind {
        SignalKind(libc::SIGALRM)
    }

    /// `SIGCHLD`: a child process exited, stopped or continued.
    pub const fn child() -> SignalKind {
        SignalKind(libc::SIGCHLD)
    }

    /// `SIGHUP`: the terminal hung up; daemons often take it to mean "reload".
    pub const fn hangup() -> SignalKind {
        SignalKind(libc::SIGHUP)
    }

    /// `SIGINT`: an interrupt from the terminal (Ctrl-C).
    pub const fn interrupt() -> SignalKind {
        SignalKind(libc::SIGINT)
    }

    /// `SIGIO`: I/O is possible on a descriptor set up for it.
    pub const fn io() -> SignalKind {
        SignalKind(libc::SIGIO)
    }

    /// `SIGPIPE`: a write to a pipe or socket with no reader.
    pub const fn pipe() -> SignalKind {
        SignalKind(libc::SIGPIPE)
    }

    /// `SIGQUIT`: a quit request from the terminal (Ctrl-\).
    pub const fn quit() -> SignalKind {
        SignalKind(libc::SIGQUIT)
    }

    /// `SIGTERM`: a request to terminate, as `kill` sends by default.
    pub const fn terminate() -> SignalKind {
        SignalKind(libc::SIGTERM)
    }

    /// `SIGUSR1`: for the application to define.
    pub const fn user_defined1() -> SignalKind {
        SignalKind(libc::SIGUSR1)
    }

    /// `SIGUSR2`: for the application to define.
    pub const fn user_defined2() -> SignalKind {
        SignalKind(libc::SIGUSR2)
    }

    /// `SIGWINCH`: the terminal window changed size.
    pub const fn window_change() -> SignalKind {
        SignalKind(libc::SIGWINCH)
    }
}

impl From<libc::c_int> for SignalKind {
    fn from(signum: libc::c_int) -> SignalKind {
        SignalKind::from_raw(signum)
    }
}

impl From<SignalKind> for libc::c_int {
    fn from(kind: SignalKind) -> libc::c_int {
        kind.as_raw_value()
    }
}

/// Notifications of one kind of signal, made by [`signal`].
///
/// Each delivery of the signal after the `Signal` was made is reported by
/// [`recv`](Signal::recv); deliveries that come before the listener looks are merged into
/// one notification, as the operating system merges pending signals.
pub struct Signal {
    signum: libc::c_int,
    /// The deliveries already reported.
    seen: u64,
    /// This listener's own duplicate of the registry's read end (S3 in `registry.rs`).
    wake: AsyncFd<UnixStream>,
    /// The key of its waker among the registry's waiters (S5).
    id: u64,
}

/// Listens for signals of `kind`.
///
/// The first listener of a kind installs a handler for it in the process, which replaces
/// the signal's default action for the rest of the process: after `signal(SignalKind::
/// interrupt())`, Ctrl-C no longer ends the program by itself, even once the `Signal` is
/// dropped.
///
/// # Errors
///
/// `kind` is a signal that cannot be caught (`SIGKILL`, `SIGSTOP`) or whose handler could
/// not return sensibly (`SIGILL`, `SIGFPE`, `SIGSEGV`), or is out of range; or the system
/// refused the handler or a descriptor.
///
/// # Panics
///
/// Outside a runtime, or in one built without I/O enabled.
///
/// # Examples
///
/// ```
/// use rt_signal::unix::{SignalKind, signal};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let mut hangups = signal(SignalKind::hangup())?;
/// // SAFETY: `kill` with this process's own id and a signal it now handles.
/// unsafe { libc::kill(libc::getpid(), libc::SIGHUP) };
/// assert_eq!(hangups.recv().await, Some(()));
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[track_caller]
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    let signum = kind.as_raw_value();
    // The reactor first: outside a runtime this panics before any handler is installed.
    let read = registry::read_end()?.try_clone()?;
    let wake = AsyncFd::with_interest(read, Interest::READABLE)?;
    registry::register(signum)?;
    let seen = registry::deliveries(signum);
    let id = registry::listener_id();
    Ok(Signal {
        signum,
        seen,
        wake,
        id,
    })
}

impl Signal {
    /// Waits for the next delivery of the signal.
    ///
    /// Returns `None` once no more can come: the runtime is shutting down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a delivery not yet reported stays for the next call.
    pub async fn recv(&mut self) -> Option<()> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next delivery of the signal: `Ready(Some(()))` if one came since the
    /// last report, `Ready(None)` once the runtime is shutting down, else `Pending` (the
    /// task in `cx` is woken when a signal arrives).
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        loop {
            if self.take_delivery() {
                return Poll::Ready(Some(()));
            }
            // S5: the waker is in before the second look, so a drain by another listener
            // after that look wakes this task.
            registry::wait(self.id, cx.waker());
            if self.take_delivery() {
                return Poll::Ready(Some(()));
            }
            let Ok(mut guard) = ready!(self.wake.poll_read_ready(cx)) else {
                return Poll::Ready(None);
            };
            // The bytes carry no information (S3): drain them, wake the other listeners,
            // whose edges the drain may have swallowed (S5), and look at the count again.
            let mut sink = [0u8; 256];
            let mut read_end = guard.get_inner();
            let mut drained = false;
            loop {
                match read_end.read(&mut sink) {
                    Ok(n) if n > 0 => drained = true,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    _ => break,
                }
            }
            guard.clear_ready();
            if drained {
                registry::wake_others(self.id);
            }
        }
    }

    /// Whether the signal came since the last report; if so it counts as reported now.
    fn take_delivery(&mut self) -> bool {
        // S2: read after the wake-up (or the drain), so the delivery behind it shows.
        let deliveries = registry::deliveries(self.signum);
        let came = deliveries != self.seen;
        self.seen = deliveries;
        came
    }
}

impl Drop for Signal {
    fn drop(&mut self) {
        registry::forget(self.id);
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signal")
            .field("kind", &SignalKind(self.signum))
            .finish_non_exhaustive()
    }
}
