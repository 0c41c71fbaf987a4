//! `AsyncBufReadExt` and the futures its methods return.

use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::async_read_ext::{Utf8Guard, invalid_utf8};
use super::{Lines, Split};
use crate::AsyncBufRead;

/// Reads bytes from a buffered source: the methods every [`AsyncBufRead`] gets.
///
/// Implemented as an extension trait, adding utility methods to all [`AsyncBufRead`] types.
/// Callers will tend to import this trait instead of [`AsyncBufRead`].
///
/// ```
/// use rt::io::AsyncBufReadExt;
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut lines = (&b"one\ntwo\r\nthree"[..]).lines();
/// while let Some(line) = lines.next_line().await? {
///     assert!(["one", "two", "three"].contains(&line.as_str()));
/// }
/// # Ok(())
/// # }
/// ```
pub trait AsyncBufReadExt: AsyncBufRead {
    /// Reads all bytes into `buf` until the delimiter `byte` or EOF is reached.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_until(&mut self, byte: u8, buf: &mut Vec<u8>) -> io::Result<usize>;
    /// ```
    ///
    /// This function will read bytes from the underlying stream until the delimiter or EOF
    /// is found. Once found, all bytes up to, and including, the delimiter (if found) will
    /// be appended to `buf`.
    ///
    /// If successful, this function will return the total number of bytes read.
    ///
    /// If this function returns `Ok(0)`, the stream has reached EOF.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncBufReadExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut cursor: &[u8] = b"lorem-ipsum";
    /// let mut buf = vec![];
    /// assert_eq!(cursor.read_until(b'-', &mut buf).await?, 6);
    /// assert_eq!(buf, b"lorem-");
    /// buf.clear();
    /// assert_eq!(cursor.read_until(b'-', &mut buf).await?, 5);
    /// assert_eq!(buf, b"ipsum");
    /// buf.clear();
    /// assert_eq!(cursor.read_until(b'-', &mut buf).await?, 0);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// This function will ignore all instances of [`ErrorKind::Interrupted`] and will
    /// otherwise return any errors returned by [`fill_buf`]. If an I/O error is encountered
    /// then all bytes read so far will be present in `buf` and its length will have been
    /// adjusted appropriately.
    ///
    /// [`ErrorKind::Interrupted`]: io::ErrorKind::Interrupted
    /// [`fill_buf`]: AsyncBufRead::poll_fill_buf
    ///
    /// # Cancel safety
    ///
    /// If the method is used as the event in a `rt::select!` statement and some other
    /// branch completes first, then some data may have been partially read. Any partially
    /// read bytes are appended to `buf`, and the method can be called again to continue
    /// reading until `byte`. This method returns the total number of bytes read; if you
    /// cancel the call and then call it again to continue reading, the counter is reset.
    fn read_until<'a>(&'a mut self, byte: u8, buf: &'a mut Vec<u8>) -> ReadUntil<'a, Self>
    where
        Self: Unpin,
    {
        ReadUntil {
            reader: self,
            delimiter: byte,
            buf,
            read: 0,
            _pin: PhantomPinned,
        }
    }

    /// Reads all bytes until a newline (the 0xA byte) is reached, and appends them to the
    /// provided buffer.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_line(&mut self, buf: &mut String) -> io::Result<usize>;
    /// ```
    ///
    /// This function will read bytes from the underlying stream until the newline delimiter
    /// (the 0xA byte) or EOF is found. Once found, all bytes up to, and including, the
    /// delimiter (if found) will be appended to `buf`.
    ///
    /// If successful, this function will return the total number of bytes read.
    ///
    /// If this function returns `Ok(0)`, the stream has reached EOF.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncBufReadExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut cursor: &[u8] = b"foo\nbar";
    /// let mut buf = String::new();
    /// assert_eq!(cursor.read_line(&mut buf).await?, 4);
    /// assert_eq!(buf, "foo\n");
    /// buf.clear();
    /// assert_eq!(cursor.read_line(&mut buf).await?, 3);
    /// assert_eq!(buf, "bar");
    /// buf.clear();
    /// assert_eq!(cursor.read_line(&mut buf).await?, 0);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// This function has the same error semantics as [`read_until`] and will also return an
    /// error if the read bytes are not valid UTF-8 (of kind
    /// [`ErrorKind::InvalidData`](io::ErrorKind)); `buf` is then left unchanged. If an I/O
    /// error is encountered then `buf` may contain some bytes already read in the event
    /// that all data read so far was valid UTF-8.
    ///
    /// [`read_until`]: AsyncBufReadExt::read_until
    ///
    /// # Cancel safety
    ///
    /// This method is not cancel safe. If the method is used as the event in a
    /// `rt::select!` statement and some other branch completes first, then some data may
    /// have been partially read: it is appended to `buf` if it is valid UTF-8 on its own,
    /// and lost otherwise. [`lines`](AsyncBufReadExt::lines) is a cancel safe alternative.
    fn read_line<'a>(&'a mut self, buf: &'a mut String) -> ReadLine<'a, Self>
    where
        Self: Unpin,
    {
        ReadLine {
            reader: self,
            guard: Utf8Guard::new(buf),
            read: 0,
            _pin: PhantomPinned,
        }
    }

    /// Returns a stream of the contents of this reader split on the byte `byte`.
    ///
    /// This method is the asynchronous equivalent to
    /// [`BufRead::split`](std::io::BufRead::split).
    ///
    /// The stream returned from this function will yield instances of
    /// [`io::Result`]`<`[`Option`]`<`[`Vec<u8>`]`>>`. Each vector returned will *not* have
    /// the delimiter byte at the end.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncBufReadExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// // (A plain `&[u8]` has an inherent `split`: wrap it so the trait method is found.)
    /// let mut segments = rt::io::BufReader::new(&b"a,bc,,d"[..]).split(b',');
    /// let mut all = Vec::new();
    /// while let Some(segment) = segments.next_segment().await? {
    ///     all.push(segment);
    /// }
    /// assert_eq!(all, [&b"a"[..], b"bc", b"", b"d"]);
    /// # Ok(())
    /// # }
    /// ```
    fn split(self, byte: u8) -> Split<Self>
    where
        Self: Sized + Unpin,
    {
        Split::new(self, byte)
    }

    /// Returns the contents of the internal buffer, filling it with more data from the
    /// inner reader if it is empty.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn fill_buf(&mut self) -> io::Result<&[u8]>;
    /// ```
    ///
    /// This function is a lower-level call. It needs to be paired with the
    /// [`consume`](AsyncBufReadExt::consume) method to function properly. When calling this
    /// method, none of the contents will be "read" in the sense that later calling `read`
    /// may return the same contents. As such, `consume` must be called with the number of
    /// bytes that are consumed from this buffer to ensure that the bytes are never returned
    /// twice.
    ///
    /// An empty buffer returned indicates that the stream has reached EOF.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncBufReadExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader: &[u8] = b"abc";
    /// assert_eq!(reader.fill_buf().await?, b"abc");
    /// reader.consume(1);
    /// assert_eq!(reader.fill_buf().await?, b"bc");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Any error the reader reports.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. If you use it as the event in a `rt::select!` statement
    /// and some other branch completes first, then it is guaranteed that no data was read.
    fn fill_buf(&mut self) -> FillBuf<'_, Self>
    where
        Self: Unpin,
    {
        FillBuf {
            reader: Some(self),
            _pin: PhantomPinned,
        }
    }

    /// Tells this buffer that `amt` bytes have been consumed from the buffer, so they should
    /// no longer be returned in calls to [`read`](crate::AsyncReadExt::read).
    ///
    /// This function is a lower-level call. It needs to be paired with the
    /// [`fill_buf`](AsyncBufReadExt::fill_buf) method to function properly. This function
    /// does not perform any I/O, it simply informs this object that some amount of its
    /// buffer, returned from `fill_buf`, has been consumed and should no longer be
    /// returned.
    ///
    /// The `amt` must be less than the number of bytes in the buffer returned by
    /// `fill_buf`.
    fn consume(&mut self, amt: usize)
    where
        Self: Unpin,
    {
        Pin::new(self).consume(amt);
    }

    /// Returns a stream over the lines of this reader.
    ///
    /// This method is the async equivalent to [`BufRead::lines`](std::io::BufRead::lines).
    ///
    /// The stream returned from this function will yield instances of
    /// [`io::Result`]`<`[`Option`]`<`[`String`]`>>`. Each string returned will *not* have a
    /// newline byte (the 0xA byte) or `CRLF` (0xD, 0xA bytes) at the end.
    ///
    /// # Errors
    ///
    /// Each line of the stream has the same error semantics as
    /// [`AsyncBufReadExt::read_line`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncBufReadExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut lines = (&b"a\nb\r\n\nc"[..]).lines();
    /// let mut all = Vec::new();
    /// while let Some(line) = lines.next_line().await? {
    ///     all.push(line);
    /// }
    /// assert_eq!(all, ["a", "b", "", "c"]);
    /// # Ok(())
    /// # }
    /// ```
    fn lines(self) -> Lines<Self>
    where
        Self: Sized,
    {
        Lines::new(self)
    }
}

impl<R: AsyncBufRead + ?Sized> AsyncBufReadExt for R {}

/// Reads from `reader` into `buf` up to and including `delimiter` (or to EOF).
///
/// `read` counts the bytes appended across polls; on completion it is reset and its value
/// returned. On error the bytes read so far stay in `buf` (and in `read`).
pub(super) fn read_until_internal<R: AsyncBufRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    delimiter: u8,
    buf: &mut Vec<u8>,
    read: &mut usize,
) -> Poll<io::Result<usize>> {
    loop {
        let (done, used) = {
            let available = ready!(reader.as_mut().poll_fill_buf(cx))?;
            match available.iter().position(|&b| b == delimiter) {
                Some(i) => {
                    buf.extend_from_slice(&available[..=i]);
                    (true, i + 1)
                }
                None => {
                    buf.extend_from_slice(available);
                    (false, available.len())
                }
            }
        };
        reader.as_mut().consume(used);
        *read += used;
        if done || used == 0 {
            return Poll::Ready(Ok(mem::take(read)));
        }
    }
}

// ===== read_until =====

/// The future [`AsyncBufReadExt::read_until`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadUntil<'a, R: ?Sized> {
    reader: &'a mut R,
    delimiter: u8,
    buf: &'a mut Vec<u8>,
    read: usize,
    _pin: PhantomPinned,
}

impl<R: AsyncBufRead + ?Sized + Unpin> Future for ReadUntil<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        read_until_internal(
            Pin::new(&mut *me.reader),
            cx,
            me.delimiter,
            me.buf,
            &mut me.read,
        )
    }
}

// ===== read_line =====

/// The future [`AsyncBufReadExt::read_line`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadLine<'a, R: ?Sized> {
    reader: &'a mut R,
    guard: Utf8Guard<'a>,
    read: usize,
    _pin: PhantomPinned,
}

impl<R: AsyncBufRead + ?Sized + Unpin> Future for ReadLine<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        let res = ready!(read_until_internal(
            Pin::new(&mut *me.reader),
            cx,
            b'\n',
            &mut me.guard.bytes,
            &mut me.read
        ));
        Poll::Ready(match res {
            Ok(n) => me.guard.finish(true).map(|()| n).map_err(invalid_utf8),
            Err(e) => {
                // The bytes read so far stay if they are valid UTF-8, as Tokio's.
                let _ = me.guard.finish(true);
                Err(e)
            }
        })
    }
}

// ===== fill_buf =====

/// The future [`AsyncBufReadExt::fill_buf`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct FillBuf<'a, R: ?Sized> {
    reader: Option<&'a mut R>,
    _pin: PhantomPinned,
}

impl<'a, R: AsyncBufRead + ?Sized + Unpin> Future for FillBuf<'a, R> {
    type Output = io::Result<&'a [u8]>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&'a [u8]>> {
        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        let reader = me.reader.take().expect("`FillBuf` polled after completion");
        match Pin::new(&mut *reader).poll_fill_buf(cx) {
            Poll::Ready(Ok(slice)) => {
                let slice: *const [u8] = slice;
                // SAFETY: `slice` borrows from `*reader`, which is borrowed for `'a`. The
                // borrow checker cannot see that the reborrow may last `'a` only because
                // the `Pending` arm puts `reader` back; on this arm `reader` was taken out
                // of `self` for good, so nothing else touches `*reader` during `'a`.
                Poll::Ready(Ok(unsafe { &*slice }))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                me.reader = Some(reader);
                Poll::Pending
            }
        }
    }
}
