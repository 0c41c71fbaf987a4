//! Asynchronous standard input, output and error (feature `io-std`).
//!
//! The std handles block, so each is driven through the blocking pool: a handle runs at
//! most one operation at a time there (`State::Busy`), owning the std handle and a buffer
//! while it does, and hands both back when it completes.
//!
//! - A read asks the pool for up to `min(caller's room, 2 MiB)` bytes; bytes the caller
//!   had no room for stay in the buffer and satisfy the next reads first.
//! - A write copies up to 2 MiB into the buffer, starts a blocking `write_all` and reports
//!   success at once; the next write, flush or read of that handle first waits for it (and
//!   reports its error, if any). `poll_flush` waits for the pending write, then runs a
//!   blocking `flush`.
//! - A task waiting on a busy handle is woken by the blocking task's `JoinHandle`.

use std::fmt;
use std::future::Future;
use std::io::{self, Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use rt_core::task::{JoinHandle, spawn_blocking};

use crate::{AsyncRead, AsyncWrite, ReadBuf};

/// The most one blocking operation moves (as Tokio's).
const MAX_BUF: usize = 2 * 1024 * 1024;

/// A std handle driven through the blocking pool, one operation at a time.
struct Blocking<T> {
    /// The std handle, while no operation runs.
    inner: Option<T>,
    state: State<T>,
    /// A write was started since the last flush.
    need_flush: bool,
}

enum State<T> {
    /// No operation runs; the buffer may hold read bytes not yet handed out.
    Idle(Option<Buf>),
    /// An operation runs on the blocking pool; it returns the handle and the buffer.
    Busy(JoinHandle<(io::Result<usize>, Buf, T)>),
}

/// Bytes read and not handed out yet (`buf[pos..]`), or bytes being written.
#[derive(Debug, Default)]
struct Buf {
    buf: Vec<u8>,
    pos: usize,
}

impl Buf {
    fn is_empty(&self) -> bool {
        self.pos == self.buf.len()
    }

    fn copy_to(&mut self, dst: &mut ReadBuf<'_>) {
        let n = std::cmp::min(self.buf.len() - self.pos, dst.remaining());
        dst.put_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        if self.is_empty() {
            self.buf.clear();
            self.pos = 0;
        }
    }

    fn read_from<T: Read>(&mut self, rd: &mut T, max: usize) -> io::Result<usize> {
        debug_assert!(self.is_empty());
        self.buf.clear();
        self.pos = 0;
        self.buf.resize(max, 0);
        let res = loop {
            match rd.read(&mut self.buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                res => break res,
            }
        };
        self.buf.truncate(*res.as_ref().unwrap_or(&0));
        res
    }

    fn write_to<T: Write>(&mut self, wr: &mut T) -> io::Result<usize> {
        let n = self.buf.len();
        let res = wr.write_all(&self.buf).map(|()| n);
        self.buf.clear();
        self.pos = 0;
        res
    }
}

/// The error for a blocking operation that panicked or was cancelled.
fn gone(e: rt_core::task::JoinError) -> io::Error {
    io::Error::other(format!("background task failed: {e}"))
}

impl<T> Blocking<T> {
    fn new(inner: T) -> Self {
        Blocking {
            inner: Some(inner),
            state: State::Idle(Some(Buf::default())),
            need_flush: false,
        }
    }
}

impl<T: Send + 'static> Blocking<T> {
    /// Waits for the operation in flight, if any; puts the handle and buffer back.
    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        match &mut self.state {
            State::Idle(_) => Poll::Ready(Ok(0)),
            State::Busy(handle) => {
                let (res, buf, inner) = ready!(Pin::new(handle).poll(cx)).map_err(gone)?;
                self.inner = Some(inner);
                self.state = State::Idle(Some(buf));
                Poll::Ready(res)
            }
        }
    }

    /// Starts `op` on the blocking pool with the handle and the buffer.
    fn start(&mut self, op: impl FnOnce(&mut Buf, &mut T) -> io::Result<usize> + Send + 'static) {
        let State::Idle(buf) = &mut self.state else {
            unreachable!("an operation started while another one runs");
        };
        let mut buf = buf.take().unwrap_or_default();
        let mut inner = self
            .inner
            .take()
            .expect("the std handle is here while idle");
        let handle = spawn_blocking(move || {
            let res = op(&mut buf, &mut inner);
            (res, buf, inner)
        });
        self.state = State::Busy(handle);
    }

    fn idle_buf(&mut self) -> &mut Buf {
        match &mut self.state {
            State::Idle(buf) => buf.get_or_insert_with(Buf::default),
            State::Busy(_) => unreachable!("the buffer is lent to the blocking pool"),
        }
    }
}

impl<T: Read + Send + 'static> Blocking<T> {
    /// Reads into `dst`: from the buffer if it holds bytes, else through one blocking read.
    /// (A `Blocking` that reads never writes, so the operation in flight is a read.)
    fn poll_read(&mut self, cx: &mut Context<'_>, dst: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        loop {
            if let State::Busy(_) = self.state {
                ready!(self.poll_idle(cx))?;
                // The buffer holds what the read brought; nothing means end of file.
                self.idle_buf().copy_to(dst);
                return Poll::Ready(Ok(()));
            }

            let buf = self.idle_buf();
            if !buf.is_empty() || dst.remaining() == 0 {
                buf.copy_to(dst);
                return Poll::Ready(Ok(()));
            }
            let max = std::cmp::min(dst.remaining(), MAX_BUF);
            self.start(move |buf, inner| buf.read_from(inner, max));
        }
    }
}

impl<T: Write + Send + 'static> Blocking<T> {
    fn poll_write(&mut self, cx: &mut Context<'_>, src: &[u8]) -> Poll<io::Result<usize>> {
        // Let the previous write finish, and report its error.
        ready!(self.poll_idle(cx))?;
        if src.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let n = std::cmp::min(src.len(), MAX_BUF);
        let buf = self.idle_buf();
        buf.buf.clear();
        buf.pos = 0;
        buf.buf.extend_from_slice(&src[..n]);
        self.start(|buf, inner| buf.write_to(inner));
        self.need_flush = true;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            ready!(self.poll_idle(cx))?;
            if !self.need_flush {
                return Poll::Ready(Ok(()));
            }
            self.need_flush = false;
            self.start(|_, inner| inner.flush().map(|()| 0));
        }
    }
}

impl<T> fmt::Debug for Blocking<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let busy = matches!(self.state, State::Busy(_));
        f.debug_struct("Blocking")
            .field("busy", &busy)
            .field("need_flush", &self.need_flush)
            .finish()
    }
}

/// A handle to the standard input stream of a process.
///
/// The handle implements the [`AsyncRead`] trait, but beware that concurrent reads of
/// `Stdin` must be executed with care.
///
/// This handle is best used for non-interactive uses, such as when a file is piped into
/// the application. For technical reasons, `stdin` is implemented by using an ordinary
/// blocking read on a separate thread, and it is impossible to cancel that read. This can
/// make shutdown of the runtime hang until the user presses enter.
///
/// For interactive uses, it is recommended to spawn a thread dedicated to user input and
/// use blocking IO directly in that thread.
///
/// Created by the [`stdin`] function.
#[derive(Debug)]
pub struct Stdin {
    std: Blocking<io::Stdin>,
}

/// Constructs a new handle to the standard input of the current process.
///
/// This handle is best used for non-interactive uses, such as when a file is piped into
/// the application. For technical reasons, `stdin` is implemented by using an ordinary
/// blocking read on a separate thread (the runtime's blocking pool), and it is impossible
/// to cancel that read. This can make shutdown of the runtime hang until the user presses
/// enter.
///
/// For interactive uses, it is recommended to spawn a thread dedicated to user input and
/// use blocking IO directly in that thread.
///
/// # Examples
///
/// ```no_run
/// use rt::io::{AsyncBufReadExt, BufReader};
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut lines = BufReader::new(rt::io::stdin()).lines();
/// while let Some(line) = lines.next_line().await? {
///     println!("length = {}", line.len());
/// }
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
///
/// Reading is cancel safe in the sense that no data is lost: bytes a read brings in after
/// its future was dropped stay in the handle's buffer for the next read.
pub fn stdin() -> Stdin {
    Stdin {
        std: Blocking::new(io::stdin()),
    }
}

impl AsyncRead for Stdin {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.get_mut().std.poll_read(cx, buf)
    }
}

/// A handle to the global standard output stream of the current process.
///
/// The handle implements the [`AsyncWrite`] trait. A write hands the bytes to the blocking
/// pool and completes at once; it is done when a later write, or [`flush`], completes.
/// Flush before the runtime shuts down, or output may be lost.
///
/// Concurrent writes to stdout must be executed with care: only individual writes to this
/// [`AsyncWrite`] are guaranteed to be intact. In particular you should be aware that
/// writes using [`write_all`] are not guaranteed to occur as a single write, so multiple
/// threads writing data with [`write_all`] may result in interleaved output.
///
/// Created by the [`stdout`] function.
///
/// [`flush`]: crate::AsyncWriteExt::flush
/// [`write_all`]: crate::AsyncWriteExt::write_all
#[derive(Debug)]
pub struct Stdout {
    std: Blocking<io::Stdout>,
}

/// Constructs a new handle to the standard output of the current process.
///
/// The returned handle allows writing to standard out from within the runtime. Writes go
/// through the blocking pool, one at a time; [`flush`] waits for the last one.
///
/// [`flush`]: crate::AsyncWriteExt::flush
///
/// # Examples
///
/// ```
/// use rt::io::{self, AsyncWriteExt};
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut stdout = io::stdout();
/// stdout.write_all(b"Hello world!\n").await?;
/// stdout.flush().await?;
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
///
/// A write is cancel safe: it completes at its first poll or not at all. A flush may be
/// dropped and called again.
pub fn stdout() -> Stdout {
    Stdout {
        std: Blocking::new(io::stdout()),
    }
}

impl AsyncWrite for Stdout {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().std.poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().std.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

/// A handle to the standard error stream of a process.
///
/// Concurrent writes to stderr must be executed with care: only individual writes to this
/// [`AsyncWrite`] are guaranteed to be intact. In particular you should be aware that
/// writes using [`write_all`] are not guaranteed to occur as a single write, so multiple
/// threads writing data with [`write_all`] may result in interleaved output.
///
/// Created by the [`stderr`] function.
///
/// [`write_all`]: crate::AsyncWriteExt::write_all
#[derive(Debug)]
pub struct Stderr {
    std: Blocking<io::Stderr>,
}

/// Constructs a new handle to the standard error of the current process.
///
/// The returned handle allows writing to standard error from within the runtime, through
/// the blocking pool as [`stdout`].
///
/// # Examples
///
/// ```
/// use rt::io::{self, AsyncWriteExt};
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut stderr = io::stderr();
/// stderr.write_all(b"Print some error here.\n").await?;
/// stderr.flush().await?;
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
///
/// As [`stdout`].
pub fn stderr() -> Stderr {
    Stderr {
        std: Blocking::new(io::stderr()),
    }
}

impl AsyncWrite for Stderr {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().std.poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().std.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

#[cfg(unix)]
mod sys {
    use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

    use super::{Stderr, Stdin, Stdout};

    macro_rules! fd_impls {
        ($($ty:ty => $fd:expr),*) => {$(
            impl AsRawFd for $ty {
                fn as_raw_fd(&self) -> RawFd {
                    $fd
                }
            }

            impl AsFd for $ty {
                fn as_fd(&self) -> BorrowedFd<'_> {
                    // SAFETY: the standard descriptors stay open for the life of the
                    // process, as std's own `AsFd` impls for its handles assume.
                    unsafe { BorrowedFd::borrow_raw($fd) }
                }
            }
        )*};
    }

    fd_impls!(
        Stdin => libc::STDIN_FILENO,
        Stdout => libc::STDOUT_FILENO,
        Stderr => libc::STDERR_FILENO
    );
}
