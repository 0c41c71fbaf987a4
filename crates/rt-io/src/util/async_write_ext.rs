//! `AsyncWriteExt` and the futures its methods return.

use std::future::Future;
use std::io::{self, IoSlice};
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Buf;

use crate::AsyncWrite;

/// The error for a writer that accepted zero bytes of a non-empty buffer.
fn write_zero() -> io::Error {
    io::Error::new(io::ErrorKind::WriteZero, "failed to write whole buffer")
}

// Stamps the `write_u8` .. `write_f64_le` methods of `AsyncWriteExt`.
macro_rules! write_int_methods {
    ($($(#[$doc:meta])* $name:ident -> $fut:ident, $ty:ty, $order:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// Equivalent to:
        ///
        /// ```ignore
        #[doc = concat!("async fn ", stringify!($name), "(&mut self, n: ", stringify!($ty), ") -> io::Result<()>;")]
        /// ```
        ///
        /// # Examples
        ///
        /// ```
        /// use rt::io::AsyncWriteExt;
        ///
        /// # #[rt::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut writer = Vec::new();
        #[doc = concat!("writer.", stringify!($name), "(42 as ", stringify!($ty), ").await?;")]
        #[doc = concat!("assert_eq!(writer, (42 as ", stringify!($ty), ").to_", stringify!($order), "_bytes());")]
        /// # Ok(())
        /// # }
        /// ```
        ///
        /// # Errors
        ///
        /// Any error the writer reports, or [`ErrorKind::WriteZero`](io::ErrorKind) if it
        /// accepts no more bytes before the value is written.
        ///
        /// # Cancel safety
        ///
        /// This method is cancel safe only if the value is a single byte: a longer value
        /// may have been partly written when the future is dropped.
        fn $name(&mut self, n: $ty) -> $fut<&mut Self>
        where
            Self: Unpin,
        {
            $fut::new(self, n)
        }
    )*};
}

/// Writes bytes to a sink: the methods every [`AsyncWrite`] gets.
///
/// Implemented as an extension trait, adding utility methods to all [`AsyncWrite`] types.
/// Callers will tend to import this trait instead of [`AsyncWrite`].
///
/// ```
/// use rt::io::AsyncWriteExt;
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut out = Vec::new();
/// out.write_all(b"hello ").await?;
/// out.write_u8(b'!').await?;
/// out.flush().await?;
/// assert_eq!(out, b"hello !");
/// # Ok(())
/// # }
/// ```
///
/// See [module][crate] level documentation for more details.
pub trait AsyncWriteExt: AsyncWrite {
    /// Writes a buffer into this writer, returning how many bytes were written.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn write(&mut self, buf: &[u8]) -> io::Result<usize>;
    /// ```
    ///
    /// This function will attempt to write the entire contents of `buf`, but the entire
    /// write may not succeed, or the write may also generate an error. A call to `write`
    /// represents *at most one* attempt to write to any wrapped object.
    ///
    /// # Return
    ///
    /// If the return value is `Ok(n)` then it must be guaranteed that `n <= buf.len()`. A
    /// return value of `0` typically means that the underlying object is no longer able to
    /// accept bytes and will likely not be able to in the future as well, or that the
    /// buffer provided is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut out = Vec::new();
    /// let n = out.write(b"some bytes").await?;
    /// assert_eq!(&out[..n], &b"some bytes"[..n]);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Each call to `write` may generate an I/O error indicating that the operation could
    /// not be completed. If an error is returned then no bytes in the buffer were written
    /// to this writer.
    ///
    /// # Cancel safety
    ///
    /// This method is cancellation safe in the sense that if it is used as the event in a
    /// `rt::select!` statement and some other branch completes first, then it is guaranteed
    /// that no data was written to this `AsyncWrite`.
    fn write<'a>(&'a mut self, src: &'a [u8]) -> Write<'a, Self>
    where
        Self: Unpin,
    {
        Write {
            writer: self,
            buf: src,
            _pin: PhantomPinned,
        }
    }

    /// Like [`write`](AsyncWriteExt::write), except that it writes from a slice of buffers.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize>;
    /// ```
    ///
    /// Data is copied from each buffer in order, with the final buffer read from possibly
    /// being only partially consumed. This method must behave as a call to
    /// [`write`](AsyncWriteExt::write) with the buffers concatenated would.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    /// use std::io::IoSlice;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut out = Vec::new();
    /// let bufs = [IoSlice::new(b"hello"), IoSlice::new(b" world")];
    /// assert_eq!(out.write_vectored(&bufs).await?, 11);
    /// assert_eq!(out, b"hello world");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`write`](AsyncWriteExt::write).
    ///
    /// # Cancel safety
    ///
    /// This method is cancellation safe in the sense that if it is used as the event in a
    /// `rt::select!` statement and some other branch completes first, then it is guaranteed
    /// that no data was written to this `AsyncWrite`.
    fn write_vectored<'a, 'b>(&'a mut self, bufs: &'a [IoSlice<'b>]) -> WriteVectored<'a, 'b, Self>
    where
        Self: Unpin,
    {
        WriteVectored {
            writer: self,
            bufs,
            _pin: PhantomPinned,
        }
    }

    /// Writes a buffer into this writer, advancing the buffer's internal cursor.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn write_buf<B: Buf>(&mut self, buf: &mut B) -> io::Result<usize>;
    /// ```
    ///
    /// This function will attempt to write the entire contents of `buf`, but the entire
    /// write may not succeed, or the write may also generate an error. After the operation
    /// completes, the buffer's internal cursor is advanced by the number of bytes written.
    /// A subsequent call to `write_buf` using the **same** `buf` value will resume from
    /// the point that the first call to `write_buf` completed.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    /// use std::io::Cursor;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut out = Vec::new();
    /// let mut buffer = Cursor::new(b"data to write");
    /// while buffer.get_ref().len() as u64 > buffer.position() {
    ///     out.write_buf(&mut buffer).await?;
    /// }
    /// assert_eq!(out, b"data to write");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`write`](AsyncWriteExt::write); the cursor is not advanced then.
    ///
    /// # Cancel safety
    ///
    /// This method is cancellation safe in the sense that if it is used as the event in a
    /// `rt::select!` statement and some other branch completes first, then it is guaranteed
    /// that no data was written to this `AsyncWrite`.
    fn write_buf<'a, B>(&'a mut self, src: &'a mut B) -> WriteBuf<'a, Self, B>
    where
        Self: Sized + Unpin,
        B: Buf,
    {
        WriteBuf {
            writer: self,
            buf: src,
            _pin: PhantomPinned,
        }
    }

    /// Attempts to write an entire buffer into this writer, advancing the buffer's internal
    /// cursor.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn write_all_buf(&mut self, buf: impl Buf) -> Result<(), io::Error> {
    ///     while buf.has_remaining() {
    ///         self.write_buf(&mut buf).await?;
    ///     }
    ///     Ok(())
    /// }
    /// ```
    ///
    /// This method will continuously call [`write`] until [`buf.has_remaining()`] returns
    /// false. This method will not return until the entire buffer has been successfully
    /// written or an error occurs. When the writer supports vectored writes, several chunks
    /// of `buf` are handed to it at once.
    ///
    /// [`write`]: AsyncWriteExt::write
    /// [`buf.has_remaining()`]: bytes::Buf::has_remaining
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Buf;
    /// use rt::io::AsyncWriteExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut out = Vec::new();
    /// let mut buffer = (&b"hello "[..]).chain(&b"world"[..]);
    /// out.write_all_buf(&mut buffer).await?;
    /// assert_eq!(out, b"hello world");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Any error the writer reports, or [`ErrorKind::WriteZero`](io::ErrorKind) if it
    /// accepts no more bytes.
    ///
    /// # Cancel safety
    ///
    /// If `write_all_buf` is used as the event in a `rt::select!` statement and some other
    /// branch completes first, then the data in the provided buffer may have been partially
    /// written. However, it is guaranteed that the provided buffer has been advanced by the
    /// amount of bytes that have been partially written.
    fn write_all_buf<'a, B>(&'a mut self, src: &'a mut B) -> WriteAllBuf<'a, Self, B>
    where
        Self: Sized + Unpin,
        B: Buf,
    {
        WriteAllBuf {
            writer: self,
            buf: src,
            _pin: PhantomPinned,
        }
    }

    /// Attempts to write an entire buffer into this writer.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn write_all(&mut self, buf: &[u8]) -> io::Result<()>;
    /// ```
    ///
    /// This method will continuously call [`write`] until there is no more data to be
    /// written. This method will not return until the entire buffer has been successfully
    /// written or such an error occurs.
    ///
    /// [`write`]: AsyncWriteExt::write
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut out = Vec::new();
    /// out.write_all(b"some bytes").await?;
    /// assert_eq!(out, b"some bytes");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The first error the writer reports, or [`ErrorKind::WriteZero`](io::ErrorKind) if it
    /// accepts no more bytes.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancellation safe. If it is used as the event in a `rt::select!`
    /// statement and some other branch completes first, then the provided buffer may have
    /// been partially written, but future calls to `write_all` will start over from the
    /// beginning of the buffer.
    fn write_all<'a>(&'a mut self, src: &'a [u8]) -> WriteAll<'a, Self>
    where
        Self: Unpin,
    {
        WriteAll {
            writer: self,
            buf: src,
            _pin: PhantomPinned,
        }
    }

    write_int_methods! {
        /// Writes an unsigned 8-bit integer to the underlying writer.
        write_u8 -> WriteU8, u8, be;
        /// Writes a signed 8-bit integer to the underlying writer.
        write_i8 -> WriteI8, i8, be;
        /// Writes an unsigned 16-bit integer in big-endian order to the underlying writer.
        write_u16 -> WriteU16, u16, be;
        /// Writes a signed 16-bit integer in big-endian order to the underlying writer.
        write_i16 -> WriteI16, i16, be;
        /// Writes an unsigned 32-bit integer in big-endian order to the underlying writer.
        write_u32 -> WriteU32, u32, be;
        /// Writes a signed 32-bit integer in big-endian order to the underlying writer.
        write_i32 -> WriteI32, i32, be;
        /// Writes an unsigned 64-bit integer in big-endian order to the underlying writer.
        write_u64 -> WriteU64, u64, be;
        /// Writes a signed 64-bit integer in big-endian order to the underlying writer.
        write_i64 -> WriteI64, i64, be;
        /// Writes an unsigned 128-bit integer in big-endian order to the underlying writer.
        write_u128 -> WriteU128, u128, be;
        /// Writes a signed 128-bit integer in big-endian order to the underlying writer.
        write_i128 -> WriteI128, i128, be;
        /// Writes a 32-bit floating point type in big-endian order to the underlying writer.
        write_f32 -> WriteF32, f32, be;
        /// Writes a 64-bit floating point type in big-endian order to the underlying writer.
        write_f64 -> WriteF64, f64, be;
        /// Writes an unsigned 16-bit integer in little-endian order to the underlying writer.
        write_u16_le -> WriteU16Le, u16, le;
        /// Writes a signed 16-bit integer in little-endian order to the underlying writer.
        write_i16_le -> WriteI16Le, i16, le;
        /// Writes an unsigned 32-bit integer in little-endian order to the underlying writer.
        write_u32_le -> WriteU32Le, u32, le;
        /// Writes a signed 32-bit integer in little-endian order to the underlying writer.
        write_i32_le -> WriteI32Le, i32, le;
        /// Writes an unsigned 64-bit integer in little-endian order to the underlying writer.
        write_u64_le -> WriteU64Le, u64, le;
        /// Writes a signed 64-bit integer in little-endian order to the underlying writer.
        write_i64_le -> WriteI64Le, i64, le;
        /// Writes an unsigned 128-bit integer in little-endian order to the underlying
        /// writer.
        write_u128_le -> WriteU128Le, u128, le;
        /// Writes a signed 128-bit integer in little-endian order to the underlying writer.
        write_i128_le -> WriteI128Le, i128, le;
        /// Writes a 32-bit floating point type in little-endian order to the underlying
        /// writer.
        write_f32_le -> WriteF32Le, f32, le;
        /// Writes a 64-bit floating point type in little-endian order to the underlying
        /// writer.
        write_f64_le -> WriteF64Le, f64, le;
    }

    /// Flushes this output stream, ensuring that all intermediately buffered contents reach
    /// their destination.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn flush(&mut self) -> io::Result<()>;
    /// ```
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncWriteExt, BufWriter};
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut writer = BufWriter::new(Vec::new());
    /// writer.write_all(b"buffered").await?;
    /// assert!(writer.get_ref().is_empty());
    /// writer.flush().await?;
    /// assert_eq!(writer.get_ref(), b"buffered");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// It is considered an error if not all bytes could be written due to I/O errors or EOF
    /// being reached.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: dropping the future loses nothing, and a later `flush`
    /// continues where it stopped. (Whatever was written meanwhile stays written.)
    fn flush(&mut self) -> Flush<'_, Self>
    where
        Self: Unpin,
    {
        Flush {
            writer: self,
            _pin: PhantomPinned,
        }
    }

    /// Shuts down the output stream, ensuring that the value can be dropped cleanly.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn shutdown(&mut self) -> io::Result<()>;
    /// ```
    ///
    /// Similar to [`flush`], all intermediately buffered data is written to the underlying
    /// stream. Once the operation completes, the caller should no longer attempt to write to
    /// the stream. For example, the `TcpStream` implementation will issue a
    /// `shutdown(Write)` sys call.
    ///
    /// [`flush`]: AsyncWriteExt::flush
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut a, mut b) = rt::io::duplex(64);
    /// a.write_all(b"bye").await?;
    /// a.shutdown().await?;
    /// let mut got = Vec::new();
    /// b.read_to_end(&mut got).await?; // EOF after the shutdown
    /// assert_eq!(got, b"bye");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Any error the writer reports while flushing or shutting down.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe in the same sense as [`flush`]: a later call continues.
    fn shutdown(&mut self) -> Shutdown<'_, Self>
    where
        Self: Unpin,
    {
        Shutdown {
            writer: self,
            _pin: PhantomPinned,
        }
    }
}

impl<W: AsyncWrite + ?Sized> AsyncWriteExt for W {}

// ===== write, write_vectored =====

/// The future [`AsyncWriteExt::write`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Write<'a, W: ?Sized> {
    writer: &'a mut W,
    buf: &'a [u8],
    _pin: PhantomPinned,
}

impl<W: AsyncWrite + ?Sized + Unpin> Future for Write<'_, W> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        Pin::new(&mut *me.writer).poll_write(cx, me.buf)
    }
}

/// The future [`AsyncWriteExt::write_vectored`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteVectored<'a, 'b, W: ?Sized> {
    writer: &'a mut W,
    bufs: &'a [IoSlice<'b>],
    _pin: PhantomPinned,
}

impl<W: AsyncWrite + ?Sized + Unpin> Future for WriteVectored<'_, '_, W> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        Pin::new(&mut *me.writer).poll_write_vectored(cx, me.bufs)
    }
}

// ===== write_buf, write_all_buf =====

/// The future [`AsyncWriteExt::write_buf`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteBuf<'a, W, B> {
    writer: &'a mut W,
    buf: &'a mut B,
    _pin: PhantomPinned,
}

impl<W: AsyncWrite + Unpin, B: Buf> Future for WriteBuf<'_, W, B> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        if !me.buf.has_remaining() {
            return Poll::Ready(Ok(0));
        }
        let n = ready!(Pin::new(&mut *me.writer).poll_write(cx, me.buf.chunk()))?;
        me.buf.advance(n);
        Poll::Ready(Ok(n))
    }
}

/// The future [`AsyncWriteExt::write_all_buf`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteAllBuf<'a, W, B> {
    writer: &'a mut W,
    buf: &'a mut B,
    _pin: PhantomPinned,
}

impl<W: AsyncWrite + Unpin, B: Buf> Future for WriteAllBuf<'_, W, B> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        /// How many chunks one vectored write hands over at most.
        const MAX_VECTOR: usize = 64;

        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        while me.buf.has_remaining() {
            let mut writer = Pin::new(&mut *me.writer);
            let n = if writer.is_write_vectored() {
                let mut slices = [IoSlice::new(&[]); MAX_VECTOR];
                let count = me.buf.chunks_vectored(&mut slices);
                ready!(writer.as_mut().poll_write_vectored(cx, &slices[..count]))?
            } else {
                ready!(writer.as_mut().poll_write(cx, me.buf.chunk()))?
            };
            if n == 0 {
                return Poll::Ready(Err(write_zero()));
            }
            me.buf.advance(n);
        }
        Poll::Ready(Ok(()))
    }
}

// ===== write_all =====

/// The future [`AsyncWriteExt::write_all`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteAll<'a, W: ?Sized> {
    writer: &'a mut W,
    buf: &'a [u8],
    _pin: PhantomPinned,
}

impl<W: AsyncWrite + ?Sized + Unpin> Future for WriteAll<'_, W> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        while !me.buf.is_empty() {
            let n = ready!(Pin::new(&mut *me.writer).poll_write(cx, me.buf))?;
            if n == 0 {
                return Poll::Ready(Err(write_zero()));
            }
            me.buf = &me.buf[n..];
        }
        Poll::Ready(Ok(()))
    }
}

// ===== write_u8 .. write_f64_le =====

macro_rules! write_int_futures {
    ($($fut:ident, $ty:ty, $to:ident;)*) => {$(
        #[doc = concat!("The future the `AsyncWriteExt` method writing an `", stringify!($ty), "` returns.")]
        #[derive(Debug)]
        #[must_use = "futures do nothing unless you `.await` or poll them"]
        pub struct $fut<W> {
            dst: W,
            buf: [u8; size_of::<$ty>()],
            written: usize,
            _pin: PhantomPinned,
        }

        impl<W> $fut<W> {
            pub(crate) fn new(dst: W, n: $ty) -> Self {
                $fut {
                    dst,
                    buf: n.$to(),
                    written: 0,
                    _pin: PhantomPinned,
                }
            }
        }

        impl<W: AsyncWrite + Unpin> Future for $fut<W> {
            type Output = io::Result<()>;

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned (`W`
                // is `Unpin` and only reached through `Pin::new`).
                let me = unsafe { self.get_unchecked_mut() };
                while me.written < me.buf.len() {
                    let n = ready!(Pin::new(&mut me.dst).poll_write(cx, &me.buf[me.written..]))?;
                    if n == 0 {
                        return Poll::Ready(Err(write_zero()));
                    }
                    me.written += n;
                }
                Poll::Ready(Ok(()))
            }
        }
    )*};
}

write_int_futures! {
    WriteU8, u8, to_be_bytes;
    WriteI8, i8, to_be_bytes;
    WriteU16, u16, to_be_bytes;
    WriteI16, i16, to_be_bytes;
    WriteU32, u32, to_be_bytes;
    WriteI32, i32, to_be_bytes;
    WriteU64, u64, to_be_bytes;
    WriteI64, i64, to_be_bytes;
    WriteU128, u128, to_be_bytes;
    WriteI128, i128, to_be_bytes;
    WriteF32, f32, to_be_bytes;
    WriteF64, f64, to_be_bytes;
    WriteU16Le, u16, to_le_bytes;
    WriteI16Le, i16, to_le_bytes;
    WriteU32Le, u32, to_le_bytes;
    WriteI32Le, i32, to_le_bytes;
    WriteU64Le, u64, to_le_bytes;
    WriteI64Le, i64, to_le_bytes;
    WriteU128Le, u128, to_le_bytes;
    WriteI128Le, i128, to_le_bytes;
    WriteF32Le, f32, to_le_bytes;
    WriteF64Le, f64, to_le_bytes;
}

// ===== flush, shutdown =====

/// The future [`AsyncWriteExt::flush`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Flush<'a, W: ?Sized> {
    writer: &'a mut W,
    _pin: PhantomPinned,
}

impl<W: AsyncWrite + ?Sized + Unpin> Future for Flush<'_, W> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        Pin::new(&mut *me.writer).poll_flush(cx)
    }
}

/// The future [`AsyncWriteExt::shutdown`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Shutdown<'a, W: ?Sized> {
    writer: &'a mut W,
    _pin: PhantomPinned,
}

impl<W: AsyncWrite + ?Sized + Unpin> Future for Shutdown<'_, W> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        Pin::new(&mut *me.writer).poll_shutdown(cx)
    }
}
