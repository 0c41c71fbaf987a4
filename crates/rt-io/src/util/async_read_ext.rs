//! `AsyncReadExt` and the futures its methods return.

use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::mem::{self, MaybeUninit};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::BufMut;

use super::{Chain, Take, eof};
use crate::{AsyncRead, ReadBuf as IoReadBuf};

// Stamps the `read_u8` .. `read_f64_le` methods of `AsyncReadExt`.
macro_rules! read_int_methods {
    ($($(#[$doc:meta])* $name:ident -> $fut:ident, $ty:ty, $order:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// Equivalent to:
        ///
        /// ```ignore
        #[doc = concat!("async fn ", stringify!($name), "(&mut self) -> io::Result<", stringify!($ty), ">;")]
        /// ```
        ///
        /// # Examples
        ///
        /// ```
        /// use rt::io::AsyncReadExt;
        ///
        /// # #[rt::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        #[doc = concat!("let bytes = (42 as ", stringify!($ty), ").to_", stringify!($order), "_bytes();")]
        /// let mut reader: &[u8] = &bytes;
        #[doc = concat!("assert_eq!(reader.", stringify!($name), "().await?, 42 as ", stringify!($ty), ");")]
        /// # Ok(())
        /// # }
        /// ```
        ///
        /// # Errors
        ///
        /// If the reader reaches end of file before the value is complete, an error of kind
        /// [`ErrorKind::UnexpectedEof`](io::ErrorKind) is returned; any other read error is
        /// returned as is.
        ///
        /// # Cancel safety
        ///
        /// This method is cancel safe only if the value is a single byte: a longer value
        /// may have been partly read when the future is dropped, and those bytes are lost.
        fn $name(&mut self) -> $fut<&mut Self>
        where
            Self: Unpin,
        {
            $fut::new(self)
        }
    )*};
}

/// Reads bytes from a source: the methods every [`AsyncRead`] gets.
///
/// Implemented as an extension trait, adding utility methods to all [`AsyncRead`] types.
/// Callers will tend to import this trait instead of [`AsyncRead`].
///
/// ```
/// use rt::io::AsyncReadExt;
///
/// # #[rt::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut reader: &[u8] = b"hello world";
/// let mut buffer = [0u8; 5];
/// reader.read_exact(&mut buffer).await?;
/// assert_eq!(&buffer, b"hello");
/// # Ok(())
/// # }
/// ```
///
/// See [module][crate] level documentation for more details.
pub trait AsyncReadExt: AsyncRead {
    /// Creates a new `AsyncRead` instance that chains this stream with `next`.
    ///
    /// The returned `AsyncRead` instance will first read all bytes from this object until
    /// EOF is encountered. Afterwards the output is equivalent to the output of `next`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncReadExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let first: &[u8] = b"hello ";
    /// let second: &[u8] = b"world";
    /// let mut out = String::new();
    /// first.chain(second).read_to_string(&mut out).await?;
    /// assert_eq!(out, "hello world");
    /// # Ok(())
    /// # }
    /// ```
    fn chain<R>(self, next: R) -> Chain<Self, R>
    where
        Self: Sized,
        R: AsyncRead,
    {
        Chain::new(self, next)
    }

    /// Pulls some bytes from this source into the specified buffer, returning how many
    /// bytes were read.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// ```
    ///
    /// This method does not provide any guarantees about whether it completes immediately
    /// or asynchronously.
    ///
    /// # Return
    ///
    /// If the return value of this method is `Ok(n)`, then it must be guaranteed that
    /// `0 <= n <= buf.len()`. A nonzero `n` value indicates that the buffer `buf` has been
    /// filled in with `n` bytes of data from this source. If `n` is `0`, then it can
    /// indicate one of two scenarios:
    ///
    /// 1. This reader has reached its "end of file" and will likely no longer be able to
    ///    produce bytes. Note that this does not mean that the reader will *always* no
    ///    longer be able to produce bytes.
    /// 2. The buffer specified was 0 bytes in length.
    ///
    /// No guarantees are provided about the contents of `buf` when this function is
    /// called, so implementations cannot rely on any property of the contents of `buf`
    /// being true. It is recommended that *implementations* only write data to `buf`
    /// instead of reading its contents.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncReadExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader: &[u8] = b"abc";
    /// let mut buffer = [0u8; 10];
    /// let n = reader.read(&mut buffer[..]).await?;
    /// assert_eq!(&buffer[..n], b"abc");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// If this function encounters any form of I/O or other error, an error variant will be
    /// returned. If an error is returned then it must be guaranteed that no bytes were read.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. If you use it as the event in a `rt::select!` statement
    /// and some other branch completes first, then it is guaranteed that no data was read.
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> Read<'a, Self>
    where
        Self: Unpin,
    {
        Read {
            reader: self,
            buf,
            _pin: PhantomPinned,
        }
    }

    /// Pulls some bytes from this source into the specified buffer, advancing the buffer's
    /// internal cursor.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_buf<B: BufMut>(&mut self, buf: &mut B) -> io::Result<usize>;
    /// ```
    ///
    /// Usually, only a single `read` syscall is issued, even if there is more space in the
    /// supplied buffer.
    ///
    /// # Return
    ///
    /// A nonzero `n` value indicates that the buffer `buf` has been filled in with `n`
    /// bytes of data from this source. If `n` is `0`, then it can indicate one of two
    /// scenarios:
    ///
    /// 1. This reader has reached its "end of file" and will likely no longer be able to
    ///    produce bytes.
    /// 2. The buffer specified had a remaining capacity of zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use rt::io::AsyncReadExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader: &[u8] = b"some bytes";
    /// let mut buffer = BytesMut::with_capacity(10);
    /// let n = reader.read_buf(&mut buffer).await?;
    /// assert_eq!(&buffer[..n], b"some bytes");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Any error the reader reports; no bytes were read then.
    ///
    /// # Panics
    ///
    /// Panics if the reader replaces the buffer it was handed (a broken `AsyncRead`).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. If you use it as the event in a `rt::select!` statement
    /// and some other branch completes first, then it is guaranteed that no data was read.
    fn read_buf<'a, B>(&'a mut self, buf: &'a mut B) -> ReadBuf<'a, Self, B>
    where
        Self: Unpin,
        B: BufMut + ?Sized,
    {
        ReadBuf {
            reader: self,
            buf,
            _pin: PhantomPinned,
        }
    }

    /// Reads the exact number of bytes required to fill `buf`.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// ```
    ///
    /// This function reads as many bytes as necessary to completely fill the specified
    /// buffer `buf`, and returns its length.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncReadExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader: &[u8] = b"0123456789";
    /// let mut buffer = [0u8; 4];
    /// assert_eq!(reader.read_exact(&mut buffer).await?, 4);
    /// assert_eq!(&buffer, b"0123");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// If the operation encounters an "end of file" before completely filling the buffer,
    /// it returns an error of the kind [`ErrorKind::UnexpectedEof`](io::ErrorKind). The
    /// contents of `buf` are unspecified in this case.
    ///
    /// If any other read error is encountered then the operation immediately returns. The
    /// contents of `buf` are unspecified in this case.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancellation safe. If the method is used as the event in a
    /// `rt::select!` statement and some other branch completes first, then some data may
    /// already have been read into `buf`.
    fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> ReadExact<'a, Self>
    where
        Self: Unpin,
    {
        ReadExact {
            reader: self,
            buf: IoReadBuf::new(buf),
            _pin: PhantomPinned,
        }
    }

    read_int_methods! {
        /// Reads an unsigned 8 bit integer from the underlying reader.
        read_u8 -> ReadU8, u8, be;
        /// Reads a signed 8 bit integer from the underlying reader.
        read_i8 -> ReadI8, i8, be;
        /// Reads an unsigned 16-bit integer in big-endian order from the underlying reader.
        read_u16 -> ReadU16, u16, be;
        /// Reads a signed 16-bit integer in big-endian order from the underlying reader.
        read_i16 -> ReadI16, i16, be;
        /// Reads an unsigned 32-bit integer in big-endian order from the underlying reader.
        read_u32 -> ReadU32, u32, be;
        /// Reads a signed 32-bit integer in big-endian order from the underlying reader.
        read_i32 -> ReadI32, i32, be;
        /// Reads an unsigned 64-bit integer in big-endian order from the underlying reader.
        read_u64 -> ReadU64, u64, be;
        /// Reads a signed 64-bit integer in big-endian order from the underlying reader.
        read_i64 -> ReadI64, i64, be;
        /// Reads an unsigned 128-bit integer in big-endian order from the underlying reader.
        read_u128 -> ReadU128, u128, be;
        /// Reads a signed 128-bit integer in big-endian order from the underlying reader.
        read_i128 -> ReadI128, i128, be;
        /// Reads a 32-bit floating point type in big-endian order from the underlying reader.
        read_f32 -> ReadF32, f32, be;
        /// Reads a 64-bit floating point type in big-endian order from the underlying reader.
        read_f64 -> ReadF64, f64, be;
        /// Reads an unsigned 16-bit integer in little-endian order from the underlying reader.
        read_u16_le -> ReadU16Le, u16, le;
        /// Reads a signed 16-bit integer in little-endian order from the underlying reader.
        read_i16_le -> ReadI16Le, i16, le;
        /// Reads an unsigned 32-bit integer in little-endian order from the underlying reader.
        read_u32_le -> ReadU32Le, u32, le;
        /// Reads a signed 32-bit integer in little-endian order from the underlying reader.
        read_i32_le -> ReadI32Le, i32, le;
        /// Reads an unsigned 64-bit integer in little-endian order from the underlying reader.
        read_u64_le -> ReadU64Le, u64, le;
        /// Reads a signed 64-bit integer in little-endian order from the underlying reader.
        read_i64_le -> ReadI64Le, i64, le;
        /// Reads an unsigned 128-bit integer in little-endian order from the underlying
        /// reader.
        read_u128_le -> ReadU128Le, u128, le;
        /// Reads a signed 128-bit integer in little-endian order from the underlying reader.
        read_i128_le -> ReadI128Le, i128, le;
        /// Reads a 32-bit floating point type in little-endian order from the underlying
        /// reader.
        read_f32_le -> ReadF32Le, f32, le;
        /// Reads a 64-bit floating point type in little-endian order from the underlying
        /// reader.
        read_f64_le -> ReadF64Le, f64, le;
    }

    /// Reads all bytes until EOF in this source, placing them into `buf`.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize>;
    /// ```
    ///
    /// All bytes read from this source will be appended to the specified buffer `buf`. This
    /// function will continuously call [`read()`] to append more data to `buf` until
    /// [`read()`] returns `Ok(0)`.
    ///
    /// If successful, the total number of bytes read is returned.
    ///
    /// [`read()`]: AsyncReadExt::read
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncReadExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader: &[u8] = b"all of it";
    /// let mut buffer = b"> ".to_vec();
    /// assert_eq!(reader.read_to_end(&mut buffer).await?, 9);
    /// assert_eq!(buffer, b"> all of it");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// If a read error is encountered then this function immediately returns. Any bytes
    /// which have already been read will be appended to `buf`.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe in the sense that no data is lost: the bytes read before
    /// the future is dropped stay appended to `buf`.
    fn read_to_end<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> ReadToEnd<'a, Self>
    where
        Self: Unpin,
    {
        ReadToEnd {
            reader: self,
            buf,
            state: VecReadState::default(),
            _pin: PhantomPinned,
        }
    }

    /// Reads all bytes until EOF in this source, appending them to `dst`.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_to_string(&mut self, dst: &mut String) -> io::Result<usize>;
    /// ```
    ///
    /// On success, the total number of bytes read is returned.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncReadExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader: &[u8] = "héllo".as_bytes();
    /// let mut out = String::from("> ");
    /// assert_eq!(reader.read_to_string(&mut out).await?, 6);
    /// assert_eq!(out, "> héllo");
    ///
    /// let mut bad: &[u8] = &[0xff, 0xfe];
    /// let err = bad.read_to_string(&mut out).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    /// assert_eq!(out, "> héllo"); // unchanged
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// If the data in this stream is *not* valid UTF-8 then an error of kind
    /// [`ErrorKind::InvalidData`](io::ErrorKind) is returned, and `dst` is left unchanged.
    /// On an I/O error, `dst` is also left unchanged (the bytes read so far are discarded).
    ///
    /// # Cancel safety
    ///
    /// This method is not cancellation safe. If the future is dropped before it completes,
    /// the bytes read so far are appended to `dst` if they are valid UTF-8 on their own, and
    /// discarded otherwise; either way `dst` holds valid UTF-8.
    fn read_to_string<'a>(&'a mut self, dst: &'a mut String) -> ReadToString<'a, Self>
    where
        Self: Unpin,
    {
        ReadToString {
            reader: self,
            guard: Utf8Guard::new(dst),
            state: VecReadState::default(),
            _pin: PhantomPinned,
        }
    }

    /// Creates an adaptor which reads at most `limit` bytes from it.
    ///
    /// This function returns a new instance of `AsyncRead` which will read at most `limit`
    /// bytes, after which it will always return EOF (`Ok(0)`). Any read errors will not
    /// count towards the number of bytes read and future calls to [`read()`] may succeed.
    ///
    /// [`read()`]: AsyncReadExt::read
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncReadExt;
    ///
    /// # #[rt::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let reader: &[u8] = b"0123456789";
    /// let mut out = Vec::new();
    /// reader.take(4).read_to_end(&mut out).await?;
    /// assert_eq!(out, b"0123");
    /// # Ok(())
    /// # }
    /// ```
    fn take(self, limit: u64) -> Take<Self>
    where
        Self: Sized,
    {
        Take::new(self, limit)
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}

// ===== read =====

/// The future [`AsyncReadExt::read`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Read<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut [u8],
    _pin: PhantomPinned,
}

impl<R: AsyncRead + ?Sized + Unpin> Future for Read<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        let mut buf = IoReadBuf::new(me.buf);
        ready!(Pin::new(&mut *me.reader).poll_read(cx, &mut buf))?;
        Poll::Ready(Ok(buf.filled().len()))
    }
}

// ===== read_buf =====

/// The future [`AsyncReadExt::read_buf`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadBuf<'a, R: ?Sized, B: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut B,
    _pin: PhantomPinned,
}

impl<R, B> Future for ReadBuf<'_, R, B>
where
    R: AsyncRead + ?Sized + Unpin,
    B: BufMut + ?Sized,
{
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        if !me.buf.has_remaining_mut() {
            return Poll::Ready(Ok(0));
        }

        let n = {
            let dst = me.buf.chunk_mut();
            // SAFETY: `ReadBuf` never writes uninitialized bytes into the slice (its B3),
            // which is the duty `as_uninit_slice_mut` puts on us.
            let dst = unsafe { dst.as_uninit_slice_mut() };
            let mut buf = IoReadBuf::uninit(dst);
            let ptr = buf.filled().as_ptr();
            ready!(Pin::new(&mut *me.reader).poll_read(cx, &mut buf))?;
            // A reader must fill the buffer it was given, not swap in another one.
            assert_eq!(ptr, buf.filled().as_ptr(), "the reader swapped the ReadBuf");
            buf.filled().len()
        };

        // SAFETY: the reader filled (so initialized) the first `n` bytes of `chunk_mut`.
        unsafe { me.buf.advance_mut(n) };
        Poll::Ready(Ok(n))
    }
}

// ===== read_exact =====

/// The future [`AsyncReadExt::read_exact`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadExact<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: IoReadBuf<'a>,
    _pin: PhantomPinned,
}

impl<R: AsyncRead + ?Sized + Unpin> Future for ReadExact<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        while me.buf.remaining() > 0 {
            let before = me.buf.remaining();
            ready!(Pin::new(&mut *me.reader).poll_read(cx, &mut me.buf))?;
            if me.buf.remaining() == before {
                return Poll::Ready(Err(eof()));
            }
        }
        Poll::Ready(Ok(me.buf.capacity()))
    }
}

// ===== read_u8 .. read_f64_le =====

macro_rules! read_int_futures {
    ($($fut:ident, $ty:ty, $from:ident;)*) => {$(
        #[doc = concat!("The future the `AsyncReadExt` method reading an `", stringify!($ty), "` returns.")]
        #[derive(Debug)]
        #[must_use = "futures do nothing unless you `.await` or poll them"]
        pub struct $fut<R> {
            src: R,
            buf: [u8; size_of::<$ty>()],
            read: usize,
            _pin: PhantomPinned,
        }

        impl<R> $fut<R> {
            pub(crate) fn new(src: R) -> Self {
                $fut {
                    src,
                    buf: [0; size_of::<$ty>()],
                    read: 0,
                    _pin: PhantomPinned,
                }
            }
        }

        impl<R: AsyncRead + Unpin> Future for $fut<R> {
            type Output = io::Result<$ty>;

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<$ty>> {
                // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned (`R`
                // is `Unpin` and only reached through `Pin::new`).
                let me = unsafe { self.get_unchecked_mut() };
                while me.read < me.buf.len() {
                    let mut buf = IoReadBuf::new(&mut me.buf[me.read..]);
                    ready!(Pin::new(&mut me.src).poll_read(cx, &mut buf))?;
                    let n = buf.filled().len();
                    if n == 0 {
                        return Poll::Ready(Err(eof()));
                    }
                    me.read += n;
                }
                Poll::Ready(Ok(<$ty>::$from(me.buf)))
            }
        }
    )*};
}

read_int_futures! {
    ReadU8, u8, from_be_bytes;
    ReadI8, i8, from_be_bytes;
    ReadU16, u16, from_be_bytes;
    ReadI16, i16, from_be_bytes;
    ReadU32, u32, from_be_bytes;
    ReadI32, i32, from_be_bytes;
    ReadU64, u64, from_be_bytes;
    ReadI64, i64, from_be_bytes;
    ReadU128, u128, from_be_bytes;
    ReadI128, i128, from_be_bytes;
    ReadF32, f32, from_be_bytes;
    ReadF64, f64, from_be_bytes;
    ReadU16Le, u16, from_le_bytes;
    ReadI16Le, i16, from_le_bytes;
    ReadU32Le, u32, from_le_bytes;
    ReadI32Le, i32, from_le_bytes;
    ReadU64Le, u64, from_le_bytes;
    ReadI64Le, i64, from_le_bytes;
    ReadU128Le, u128, from_le_bytes;
    ReadI128Le, i128, from_le_bytes;
    ReadF32Le, f32, from_le_bytes;
    ReadF64Le, f64, from_le_bytes;
}

// ===== read_to_end =====

/// What `read_to_end` remembers between polls about the vector's spare capacity.
#[derive(Debug, Default)]
struct VecReadState {
    /// Bytes of spare capacity (after `len`) known to be initialized by earlier reads, valid
    /// while the allocation is `ptr` (a reallocation forgets them).
    initialized: usize,
    ptr: usize,
    /// Bytes appended so far.
    read: usize,
}

/// Reads from `reader` into `buf`'s spare capacity until EOF, growing it as needed.
///
/// Returns the number of bytes appended in total (across polls) on EOF. On error the bytes
/// read so far stay in `buf`.
fn read_to_end_internal<R: AsyncRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut Vec<u8>,
    state: &mut VecReadState,
) -> Poll<io::Result<usize>> {
    loop {
        if buf.len() == buf.capacity() {
            // Grow geometrically (std's `reserve` doubles), starting with a small probe.
            buf.reserve(32);
        }
        if state.ptr != buf.as_ptr() as usize {
            state.ptr = buf.as_ptr() as usize;
            state.initialized = 0;
        }

        let len = buf.len();
        let spare: &mut [MaybeUninit<u8>] = buf.spare_capacity_mut();
        let mut read_buf = IoReadBuf::uninit(spare);
        // SAFETY: `state.initialized` bytes of this allocation's spare capacity were
        // initialized by an earlier read (and a reallocation resets the count above); the
        // spare capacity only shrinks from the front as `len` grows, and the count is
        // lowered below by what became `len`.
        unsafe { read_buf.assume_init(state.initialized) };
        let ptr = read_buf.filled().as_ptr();

        let res = reader.as_mut().poll_read(cx, &mut read_buf);
        assert_eq!(
            ptr,
            read_buf.filled().as_ptr(),
            "the reader swapped the ReadBuf"
        );
        let n = read_buf.filled().len();
        let initialized = read_buf.initialized().len();

        // SAFETY: the reader filled (so initialized) `n` bytes right after `len`, within
        // the capacity.
        unsafe { buf.set_len(len + n) };
        state.initialized = initialized - n;
        state.read += n;

        match res {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Ready(Ok(())) if n == 0 => return Poll::Ready(Ok(mem::take(&mut state.read))),
            Poll::Ready(Ok(())) => {}
        }
    }
}

/// The future [`AsyncReadExt::read_to_end`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToEnd<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut Vec<u8>,
    state: VecReadState,
    _pin: PhantomPinned,
}

impl<R: AsyncRead + ?Sized + Unpin> Future for ReadToEnd<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        read_to_end_internal(Pin::new(&mut *me.reader), cx, me.buf, &mut me.state)
    }
}

// ===== read_to_string =====

/// A `String`'s bytes taken out while an operation appends raw bytes to them, put back
/// (valid UTF-8 only) when the operation finishes or is dropped.
#[derive(Debug)]
pub(crate) struct Utf8Guard<'a> {
    output: &'a mut String,
    pub(crate) bytes: Vec<u8>,
    /// The length of the original string: `bytes[..original]` is valid UTF-8.
    original: usize,
    done: bool,
}

impl<'a> Utf8Guard<'a> {
    pub(crate) fn new(output: &'a mut String) -> Self {
        let bytes = mem::take(output).into_bytes();
        let original = bytes.len();
        Utf8Guard {
            output,
            bytes,
            original,
            done: false,
        }
    }

    /// Puts the bytes back into the string: the appended ones too if `keep` and they are
    /// valid UTF-8, else only the original ones. Returns the validation result.
    pub(crate) fn finish(&mut self, keep: bool) -> Result<(), std::str::Utf8Error> {
        self.done = true;
        let mut bytes = mem::take(&mut self.bytes);
        let valid = std::str::from_utf8(&bytes[self.original..]).map(drop);
        if !keep || valid.is_err() {
            bytes.truncate(self.original);
        }
        // SAFETY: `bytes[..original]` came out of a `String`, and whatever follows it was
        // just validated; two valid UTF-8 sequences concatenated are valid UTF-8.
        *self.output = unsafe { String::from_utf8_unchecked(bytes) };
        valid
    }
}

impl Drop for Utf8Guard<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.finish(true);
        }
    }
}

/// The error for bytes that are not UTF-8 where a string is expected.
pub(crate) fn invalid_utf8(e: std::str::Utf8Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

/// The future [`AsyncReadExt::read_to_string`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToString<'a, R: ?Sized> {
    reader: &'a mut R,
    guard: Utf8Guard<'a>,
    state: VecReadState,
    _pin: PhantomPinned,
}

impl<R: AsyncRead + ?Sized + Unpin> Future for ReadToString<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: P1 (util/mod.rs): nothing in `Self` is structurally pinned.
        let me = unsafe { self.get_unchecked_mut() };
        let res = ready!(read_to_end_internal(
            Pin::new(&mut *me.reader),
            cx,
            &mut me.guard.bytes,
            &mut me.state
        ));
        Poll::Ready(match res {
            Ok(n) => me.guard.finish(true).map(|()| n).map_err(invalid_utf8),
            Err(e) => {
                let _ = me.guard.finish(false);
                Err(e)
            }
        })
    }
}
