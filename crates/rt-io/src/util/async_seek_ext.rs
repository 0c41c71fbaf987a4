//! `AsyncSeekExt` and the future its methods return.

use std::future::Future;
use std::io::{self, SeekFrom};
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::AsyncSeek;

/// Seeks to an offset, in bytes, in a stream: the methods every [`AsyncSeek`] gets.
///
/// Implemented as an extension trait, adding utility methods to all [`AsyncSeek`] types.
/// Callers will tend to import this trait instead of [`AsyncSeek`].
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncSeekExt};
/// use std::io::{Cursor, SeekFrom};
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut cursor = Cursor::new(b"abcdefghij");
/// cursor.seek(SeekFrom::Start(6)).await?;
/// let mut buf = [0; 1];
/// cursor.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"g");
/// # Ok(())
/// # }
/// ```
pub trait AsyncSeekExt: AsyncSeek {
    /// Creates a future which will seek an IO object, and then yield the new position in
    /// the object and the object itself.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn seek(&mut self, pos: SeekFrom) -> io::Result<u64>;
    /// ```
    ///
    /// In the case of an error the buffer and the object will be discarded, with the error
    /// yielded.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncSeekExt;
    /// use std::io::{Cursor, SeekFrom};
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut cursor = Cursor::new(vec![0u8; 16]);
    /// assert_eq!(cursor.seek(SeekFrom::End(-4)).await?, 12);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Seeking to a negative offset, or any error the object reports.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancel safe: if the future is dropped after the seek was started,
    /// the object may or may not have moved. A later seek first waits for any seek still in
    /// progress.
    fn seek(&mut self, pos: SeekFrom) -> Seek<'_, Self>
    where
        Self: Unpin,
    {
        Seek {
            seek: self,
            pos: Some(pos),
            _pin: PhantomPinned,
        }
    }

    /// Creates a future which will rewind to the beginning of the stream.
    ///
    /// This is convenience method, equivalent to `self.seek(SeekFrom::Start(0))`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncReadExt, AsyncSeekExt};
    /// use std::io::Cursor;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut cursor = Cursor::new(b"abc");
    /// let mut out = Vec::new();
    /// cursor.read_to_end(&mut out).await?;
    /// cursor.rewind().await?;
    /// assert_eq!(cursor.read_u8().await?, b'a');
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`seek`](AsyncSeekExt::seek).
    ///
    /// # Cancel safety
    ///
    /// As [`seek`](AsyncSeekExt::seek).
    fn rewind(&mut self) -> Seek<'_, Self>
    where
        Self: Unpin,
    {
        self.seek(SeekFrom::Start(0))
    }

    /// Creates a future which will return the current seek position from the start of the
    /// stream.
    ///
    /// This is equivalent to `self.seek(SeekFrom::Current(0))`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncReadExt, AsyncSeekExt};
    /// use std::io::Cursor;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut cursor = Cursor::new(b"abc");
    /// cursor.read_u16().await?;
    /// assert_eq!(cursor.stream_position().await?, 2);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`seek`](AsyncSeekExt::seek).
    ///
    /// # Cancel safety
    ///
    /// As [`seek`](AsyncSeekExt::seek).
    fn stream_position(&mut self) -> Seek<'_, Self>
    where
        Self: Unpin,
    {
        self.seek(SeekFrom::Current(0))
    }
}

impl<S: AsyncSeek + ?Sized> AsyncSeekExt for S {}

/// The future [`AsyncSeekExt::seek`] (and `rewind`, `stream_position`) returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Seek<'a, S: ?Sized> {
    seek: &'a mut S,
    pos: Option<SeekFrom>,
    _pin: PhantomPinned,
}

impl<S: AsyncSeek + ?Sized + Unpin> Future for Seek<'_, S> {
    type Output = io::Result<u64>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        let mut seek = Pin::new(&mut *me.seek);
        if let Some(pos) = me.pos {
            // Let a seek still in progress finish first, so `start_seek` does not fail.
            ready!(seek.as_mut().poll_complete(cx))?;
            seek.as_mut().start_seek(pos)?;
            me.pos = None;
        }
        seek.poll_complete(cx)
    }
}
