//! Runs hyper 1.x on rt: the four traits hyper asks a runtime for.
//!
//! hyper does not name a runtime; it asks for I/O (`hyper::rt::Read`/`Write`), a way to
//! spawn background work (`Executor`) and timers (`Timer`). hyper-util's glue calls Tokio
//! directly, so rt brings its own: this module, shared by the `hello-hyper` example and the
//! integration test that fetches a page from it.

use std::future::Future;
use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use rt::io::{AsyncRead, AsyncWrite, ReadBuf};

/// An rt byte stream (a `TcpStream`, a `UnixStream`, ...) seen as hyper's I/O.
#[derive(Debug)]
pub struct RtIo<T>(pub T);

impl<T: AsyncRead + Unpin> hyper::rt::Read for RtIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        // SAFETY: the slice is handed to `ReadBuf::uninit`, which never de-initializes
        // bytes, and only the count it reports as filled is advanced below.
        let unfilled: &mut [MaybeUninit<u8>] = unsafe { buf.as_mut() };
        let mut read_buf = ReadBuf::uninit(unfilled);
        let result = Pin::new(&mut self.0).poll_read(cx, &mut read_buf);
        if let Poll::Ready(Ok(())) = result {
            let filled = read_buf.filled().len();
            // SAFETY: `poll_read` initialized (filled) exactly `filled` bytes at the front.
            unsafe { buf.advance(filled) };
        }
        result
    }
}

impl<T: AsyncWrite + Unpin> hyper::rt::Write for RtIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }
}

/// Spawns hyper's background futures (HTTP/2 streams, client connections) as rt tasks.
#[derive(Clone, Copy, Debug, Default)]
pub struct RtExecutor;

impl<F> hyper::rt::Executor<F> for RtExecutor
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, future: F) {
        rt::spawn(future);
    }
}

/// hyper's timers (header read timeouts, keep-alive) on rt's timer wheel.
#[derive(Clone, Copy, Debug, Default)]
pub struct RtTimer;

/// An rt sleep, boxed so it can be reset in place through hyper's `dyn Sleep`.
struct RtSleep(Pin<Box<rt::time::Sleep>>);

impl Future for RtSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0.as_mut().poll(cx)
    }
}

impl hyper::rt::Sleep for RtSleep {}

impl hyper::rt::Timer for RtTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(RtSleep(Box::pin(rt::time::sleep(duration))))
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(RtSleep(Box::pin(rt::time::sleep_until(deadline.into()))))
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn hyper::rt::Sleep>>, new_deadline: Instant) {
        match sleep.as_mut().downcast_mut_pin::<RtSleep>() {
            Some(sleep) => sleep.get_mut().0.as_mut().reset(new_deadline.into()),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}
