//! The I/O utilities (feature `io-util`): the extension traits and the futures they return,
//! copying, splitting, buffering adapters, in-memory pipes and the trivial readers/writers.
//!
//! # The futures' pinning rule
//!
//! - **P1.** The futures the extension traits return are `!Unpin` (they carry a
//!   `PhantomPinned`) only to match Tokio, which reserves the right to make them `async fn`s.
//!   None of their fields is structurally pinned: each holds `&mut` references, buffers and
//!   counters, all `Unpin`, and never hands out a `Pin` to its own fields. Their `poll`
//!   therefore takes `&mut Self` out of the `Pin` (`Pin::get_unchecked_mut`), citing P1.
//! - **P2.** The adapters that own an inner reader or writer (`BufReader`, `BufWriter`,
//!   `BufStream`, `Take`, `Chain`, `Join`, `Lines`, `Split`) pin it structurally: the inner
//!   value is only ever reached through a `Pin` once the adapter is pinned, the adapter has
//!   no `Drop` impl that could move it, no `#[repr(packed)]`, and is `Unpin` exactly when
//!   its auto-derived `Unpin` says so (only if the inner values are). Every other field is
//!   plain data reached through `&mut`. Each adapter has one `project` function that does
//!   the split, citing P2.

mod async_buf_read_ext;
mod async_read_ext;
mod async_seek_ext;
mod async_write_ext;
mod buf_reader;
mod buf_stream;
mod buf_writer;
mod chain;
mod copy;
mod copy_bidirectional;
mod endpoints;
mod join;
mod lines;
mod mem;
mod split;
mod split_halves;
mod take;

pub use async_buf_read_ext::AsyncBufReadExt;
pub use async_read_ext::AsyncReadExt;
pub use async_seek_ext::AsyncSeekExt;
pub use async_write_ext::AsyncWriteExt;
pub use buf_reader::BufReader;
pub use buf_stream::BufStream;
pub use buf_writer::BufWriter;
pub use chain::Chain;
pub use copy::{copy, copy_buf};
pub use copy_bidirectional::{copy_bidirectional, copy_bidirectional_with_sizes};
pub use endpoints::{Empty, Repeat, Sink, empty, repeat, sink};
pub use join::{Join, join};
pub use lines::Lines;
pub use mem::{DuplexStream, SimplexStream, duplex, simplex};
pub use split::Split;
pub use split_halves::{ReadHalf, WriteHalf, split};
pub use take::Take;

use std::task::{Context, Poll};

/// The buffer size of `BufReader`, `BufWriter` and `copy`, as Tokio's.
const DEFAULT_BUF_SIZE: usize = 8 * 1024;

/// Spends one unit of the task's cooperative budget on an operation that is ready anyway
/// (an in-memory reader or writer), so a loop over it still yields to the scheduler.
fn poll_proceed_and_make_progress(cx: &mut Context<'_>) -> Poll<()> {
    let coop = std::task::ready!(rt_core::__private::poll_proceed(cx));
    coop.made_progress();
    Poll::Ready(())
}

/// The error `read_exact` and the `read_*` integer methods return when the stream ends first.
fn eof() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "early eof")
}
