//! `copy_bidirectional`: both directions of a pair of streams at once.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::DEFAULT_BUF_SIZE;
use super::copy::CopyBuffer;
use crate::{AsyncRead, AsyncWrite};

/// Where one direction stands.
enum TransferState {
    Running(CopyBuffer),
    ShuttingDown(u64),
    Done(u64),
}

/// Copies one direction to its end, then shuts the writer down.
fn transfer_one_direction<A, B>(
    cx: &mut Context<'_>,
    state: &mut TransferState,
    r: &mut A,
    w: &mut B,
) -> Poll<io::Result<u64>>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    let mut r = Pin::new(r);
    let mut w = Pin::new(w);
    loop {
        match state {
            TransferState::Running(buf) => {
                let count = ready!(buf.poll_copy(cx, r.as_mut(), w.as_mut()))?;
                *state = TransferState::ShuttingDown(count);
            }
            TransferState::ShuttingDown(count) => {
                ready!(w.as_mut().poll_shutdown(cx))?;
                *state = TransferState::Done(*count);
            }
            TransferState::Done(count) => return Poll::Ready(Ok(*count)),
        }
    }
}

/// Copies data in both directions between `a` and `b`.
///
/// This function returns a future that will read from both streams, writing any data read
/// to the opposing stream. This happens in both directions concurrently.
///
/// If an EOF is observed on one stream, [`shutdown()`] will be invoked on the other, and
/// reading from that stream will stop. Copying of data in the other direction will
/// continue.
///
/// The future will complete successfully once both directions of communication have been
/// shut down. A direction is shut down when the reader reports EOF, at which point
/// [`shutdown()`] is called on the corresponding writer. When finished, it will return a
/// tuple of the number of bytes copied from a to b and the number of bytes copied from b
/// to a, in that order.
///
/// It uses two 8 KB buffers for transferring bytes between `a` and `b` by default. To set
/// your own buffers sizes use [`copy_bidirectional_with_sizes()`].
///
/// [`shutdown()`]: crate::AsyncWriteExt::shutdown
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (mut client, mut proxy_in) = rt::io::duplex(64);
/// let (mut proxy_out, mut server) = rt::io::duplex(64);
/// let proxy = rt::spawn(async move {
///     rt::io::copy_bidirectional(&mut proxy_in, &mut proxy_out).await
/// });
///
/// client.write_all(b"request").await?;
/// client.shutdown().await?;
/// let mut got = Vec::new();
/// server.read_to_end(&mut got).await?; // EOF: the proxy shut its side down
/// assert_eq!(got, b"request");
/// server.write_all(b"reply").await?;
/// drop(server);
/// let mut reply = Vec::new();
/// client.read_to_end(&mut reply).await?;
/// assert_eq!(reply, b"reply");
/// assert_eq!(proxy.await.unwrap()?, (7, 5));
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// The future will immediately return an error if any IO operation on `a` or `b` returns
/// an error. Some data read from either stream may be lost (not written to the other
/// stream) in this case.
///
/// # Cancel safety
///
/// This function is not cancel safe: data read from one stream but not yet written to the
/// other when the future is dropped is lost.
pub async fn copy_bidirectional<A, B>(a: &mut A, b: &mut B) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    copy_bidirectional_with_sizes(a, b, DEFAULT_BUF_SIZE, DEFAULT_BUF_SIZE).await
}

/// Copies data in both directions between `a` and `b` using buffers of the specified size.
///
/// This method is the same as the [`copy_bidirectional()`], except that it allows you to
/// set the size of the internal buffers used when copying data. A size of zero makes that
/// direction look finished at once (nothing is copied, the writer is shut down).
///
/// # Examples
///
/// ```
/// use rt::io::AsyncWriteExt;
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (mut a, mut a_peer) = rt::io::duplex(16);
/// let (mut b, mut b_peer) = rt::io::duplex(16);
/// a_peer.write_all(b"to b").await?;
/// a_peer.shutdown().await?;
/// b_peer.shutdown().await?;
/// let counts = rt::io::copy_bidirectional_with_sizes(&mut a, &mut b, 4, 4).await?;
/// assert_eq!(counts, (4, 0));
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// As [`copy_bidirectional()`].
///
/// # Cancel safety
///
/// As [`copy_bidirectional()`].
pub async fn copy_bidirectional_with_sizes<A, B>(
    a: &mut A,
    b: &mut B,
    a_to_b_buf_size: usize,
    b_to_a_buf_size: usize,
) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    let mut a_to_b = TransferState::Running(CopyBuffer::new(a_to_b_buf_size));
    let mut b_to_a = TransferState::Running(CopyBuffer::new(b_to_a_buf_size));
    poll_fn(|cx| {
        let a_to_b = transfer_one_direction(cx, &mut a_to_b, &mut *a, &mut *b);
        let b_to_a = transfer_one_direction(cx, &mut b_to_a, &mut *b, &mut *a);

        // It is not a problem if `ready!` returns early: both directions were polled, so
        // both registered their wakers.
        let a_to_b = ready!(a_to_b)?;
        let b_to_a = ready!(b_to_a)?;
        Poll::Ready(Ok((a_to_b, b_to_a)))
    })
    .await
}
