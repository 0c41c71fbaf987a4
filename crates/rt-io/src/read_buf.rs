//! `ReadBuf`: a byte buffer that is filled in place, possibly uninitialized at its end.
//!
//! # Invariants
//!
//! The buffer is split in three regions, `filled <= initialized <= buf.len()`:
//!
//! ```text
//! [             capacity              ]
//! [ filled |    unfilled              ]
//! [    initialized    | uninitialized ]
//! ```
//!
//! - **B1.** `buf[..initialized]` holds initialized bytes. Only `assume_init` (an `unsafe`
//!   caller promise) and code that writes bytes itself may raise `initialized`; nothing ever
//!   lowers it, so memory once initialized is never reported uninitialized.
//! - **B2.** `filled <= initialized` always: the safe setters check it and panic otherwise.
//! - **B3.** Safe code never sees `buf` as `&mut [MaybeUninit<u8>]` (through which it could
//!   write uninitialized bytes into the initialized region); `inner_mut` and `unfilled_mut`
//!   that hand it out are `unsafe`, with that duty on the caller.

use std::fmt;
use std::mem::MaybeUninit;

/// A wrapper around a byte buffer that is incrementally filled and initialized.
///
/// This type is a sort of "double cursor". It tracks three regions in the buffer: a region
/// at the beginning of the buffer that has been logically filled with data, a region that
/// has been initialized at some point but not yet logically filled, and a region at the end
/// that may be uninitialized. The filled region is guaranteed to be a subset of the
/// initialized region.
///
/// In summary, the contents of the buffer can be visualized as:
///
/// ```not_rust
/// [             capacity              ]
/// [ filled |         unfilled         ]
/// [    initialized    | uninitialized ]
/// ```
///
/// It is undefined behavior to de-initialize any bytes from the uninitialized region, since
/// it is merely unknown whether this region is uninitialized or not, and if part of it turns
/// out to be initialized, it must stay initialized.
///
/// # Examples
///
/// ```
/// use rt::io::ReadBuf;
///
/// let mut storage = [0u8; 8];
/// let mut buf = ReadBuf::new(&mut storage);
/// buf.put_slice(b"abc");
/// assert_eq!(buf.filled(), b"abc");
/// assert_eq!(buf.remaining(), 5);
/// ```
pub struct ReadBuf<'a> {
    buf: &'a mut [MaybeUninit<u8>],
    filled: usize,
    initialized: usize,
}

impl<'a> ReadBuf<'a> {
    /// Creates a new `ReadBuf` from a fully initialized buffer.
    #[inline]
    pub fn new(buf: &'a mut [u8]) -> ReadBuf<'a> {
        let initialized = buf.len();
        // SAFETY: `[u8]` and `[MaybeUninit<u8>]` have the same layout, and every byte of `buf`
        // is initialized, which `initialized = len` records (B1). B3 keeps safe code from
        // writing uninitialized bytes through the new view, so `buf` stays initialized for
        // its owner after the borrow ends.
        let buf = unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) };
        ReadBuf {
            buf,
            filled: 0,
            initialized,
        }
    }

    /// Creates a new `ReadBuf` from a buffer that may be uninitialized.
    ///
    /// The internal cursor will mark the entire buffer as uninitialized. If the buffer is
    /// known to be partially initialized, then use `assume_init` to move the internal cursor.
    #[inline]
    pub fn uninit(buf: &'a mut [MaybeUninit<u8>]) -> ReadBuf<'a> {
        ReadBuf {
            buf,
            filled: 0,
            initialized: 0,
        }
    }

    /// Returns the total capacity of the buffer.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// Returns a shared reference to the filled portion of the buffer.
    #[inline]
    pub fn filled(&self) -> &[u8] {
        let slice = &self.buf[..self.filled];
        // SAFETY: `filled <= initialized` (B2) and `buf[..initialized]` is initialized (B1).
        unsafe { slice_assume_init(slice) }
    }

    /// Returns a mutable reference to the filled portion of the buffer.
    #[inline]
    pub fn filled_mut(&mut self) -> &mut [u8] {
        let slice = &mut self.buf[..self.filled];
        // SAFETY: `filled <= initialized` (B2) and `buf[..initialized]` is initialized (B1);
        // a `&mut [u8]` can only write initialized bytes.
        unsafe { slice_assume_init_mut(slice) }
    }

    /// Returns a new `ReadBuf` comprised of the unfilled section up to `n`.
    ///
    /// The new buffer starts empty; what is known to be initialized in this buffer's
    /// unfilled section stays known to be initialized in it.
    #[inline]
    pub fn take(&mut self, n: usize) -> ReadBuf<'_> {
        let max = std::cmp::min(self.remaining(), n);
        let init = self.initialized - self.filled;
        // SAFETY: the new `ReadBuf` is created from the unfilled region; B3 holds for it as
        // for `self`, so it never de-initializes bytes `self` counts as initialized.
        let unfilled = unsafe { self.unfilled_mut() };
        let mut buf = ReadBuf::uninit(&mut unfilled[..max]);
        // SAFETY: `buf[filled..initialized]` of `self` is initialized (B1), and the new
        // buffer starts at `filled`, so its first `min(init, max)` bytes are initialized.
        unsafe { buf.assume_init(std::cmp::min(init, max)) };
        buf
    }

    /// Returns a shared reference to the initialized portion of the buffer.
    ///
    /// This includes the filled portion.
    #[inline]
    pub fn initialized(&self) -> &[u8] {
        let slice = &self.buf[..self.initialized];
        // SAFETY: `buf[..initialized]` is initialized (B1).
        unsafe { slice_assume_init(slice) }
    }

    /// Returns a mutable reference to the initialized portion of the buffer.
    ///
    /// This includes the filled portion.
    #[inline]
    pub fn initialized_mut(&mut self) -> &mut [u8] {
        let slice = &mut self.buf[..self.initialized];
        // SAFETY: `buf[..initialized]` is initialized (B1); a `&mut [u8]` can only write
        // initialized bytes.
        unsafe { slice_assume_init_mut(slice) }
    }

    /// Returns a mutable reference to the entire buffer, without ensuring that it has been
    /// fully initialized.
    ///
    /// The elements between 0 and `self.filled().len()` are filled, and those between 0 and
    /// `self.initialized().len()` are initialized (and so can be converted to a `&mut [u8]`).
    ///
    /// The caller of this method must ensure that these invariants are upheld. For example,
    /// if the caller initializes some of the uninitialized section of the buffer, it must
    /// call [`assume_init`](Self::assume_init) with the number of bytes initialized.
    ///
    /// # Safety
    ///
    /// - The caller must not de-initialize portions of the buffer that have already been
    ///   initialized: it must not write `MaybeUninit::uninit()` (or any uninitialized byte)
    ///   into the region `self.initialized()` covers.
    #[inline]
    pub unsafe fn inner_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        self.buf
    }

    /// Returns a mutable reference to the unfilled part of the buffer without ensuring that
    /// it has been fully initialized.
    ///
    /// # Safety
    ///
    /// - The caller must not de-initialize portions of the buffer that have already been
    ///   initialized: it must not write uninitialized bytes into the part of the returned
    ///   slice that `self.initialized()` covers.
    #[inline]
    pub unsafe fn unfilled_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        &mut self.buf[self.filled..]
    }

    /// Returns a mutable reference to the unfilled part of the buffer, ensuring it is fully
    /// initialized.
    ///
    /// Since `ReadBuf` tracks the region of the buffer that has been initialized, this is
    /// effectively "free" after the first use.
    #[inline]
    pub fn initialize_unfilled(&mut self) -> &mut [u8] {
        self.initialize_unfilled_to(self.remaining())
    }

    /// Returns a mutable reference to the first `n` bytes of the unfilled part of the
    /// buffer, ensuring it is fully initialized.
    ///
    /// # Panics
    ///
    /// Panics if `self.remaining()` is less than `n`.
    #[inline]
    #[track_caller]
    pub fn initialize_unfilled_to(&mut self, n: usize) -> &mut [u8] {
        assert!(self.remaining() >= n, "n overflows remaining");

        let end = self.filled + n;
        if self.initialized < end {
            for byte in &mut self.buf[self.initialized..end] {
                byte.write(0);
            }
            // B1: every byte of `buf[..end]` is now initialized.
            self.initialized = end;
        }

        let slice = &mut self.buf[self.filled..end];
        // SAFETY: `end <= initialized` now, so the slice is initialized (B1).
        unsafe { slice_assume_init_mut(slice) }
    }

    /// Returns the number of bytes at the end of the slice that have not yet been filled.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.capacity() - self.filled
    }

    /// Clears the buffer, resetting the filled region to empty.
    ///
    /// The number of initialized bytes is not changed, and the contents of the buffer are
    /// not modified.
    #[inline]
    pub fn clear(&mut self) {
        self.filled = 0;
    }

    /// Advances the size of the filled region of the buffer.
    ///
    /// The number of initialized bytes is not changed.
    ///
    /// # Panics
    ///
    /// Panics if the filled region of the buffer would become larger than the initialized
    /// region.
    #[inline]
    #[track_caller]
    pub fn advance(&mut self, n: usize) {
        let new = self.filled.checked_add(n).expect("filled overflow");
        self.set_filled(new);
    }

    /// Sets the size of the filled region of the buffer.
    ///
    /// The number of initialized bytes is not changed.
    ///
    /// Note that this can be used to *shrink* the filled region of the buffer in addition
    /// to growing it (for example, by a `AsyncRead` implementation that compresses data in
    /// place).
    ///
    /// # Panics
    ///
    /// Panics if the filled region of the buffer would become larger than the initialized
    /// region.
    #[inline]
    #[track_caller]
    pub fn set_filled(&mut self, n: usize) {
        assert!(
            n <= self.initialized,
            "filled must not become larger than initialized"
        );
        self.filled = n;
    }

    /// Asserts that the first `n` unfilled bytes of the buffer are initialized.
    ///
    /// `ReadBuf` assumes that bytes are never de-initialized, so this method does nothing
    /// when called with fewer bytes than are already known to be initialized.
    ///
    /// # Safety
    ///
    /// - The caller must ensure that `n` unfilled bytes of the buffer have already been
    ///   initialized (and that `n <= self.remaining()`).
    #[inline]
    pub unsafe fn assume_init(&mut self, n: usize) {
        let new = self.filled + n;
        if new > self.initialized {
            // B1: the caller vouches for `buf[filled..filled + n]`.
            self.initialized = new;
        }
    }

    /// Appends data to the buffer, advancing the written position and possibly also the
    /// initialized position.
    ///
    /// # Panics
    ///
    /// Panics if `self.remaining()` is less than `buf.len()`.
    #[inline]
    #[track_caller]
    pub fn put_slice(&mut self, buf: &[u8]) {
        assert!(
            self.remaining() >= buf.len(),
            "buf.len() must fit in remaining(); buf.len() = {}, remaining() = {}",
            buf.len(),
            self.remaining()
        );

        let amt = buf.len();
        let end = self.filled + amt;
        // SAFETY: `u8` and `MaybeUninit<u8>` have the same layout; writing initialized
        // bytes never breaks B1.
        let src = unsafe { &*(buf as *const [u8] as *const [MaybeUninit<u8>]) };
        self.buf[self.filled..end].copy_from_slice(src);

        if self.initialized < end {
            // B1: the bytes just copied are initialized.
            self.initialized = end;
        }
        self.filled = end;
    }
}

#[cfg(feature = "io-util")]
// SAFETY: `bytes::BufMut`'s contract: `remaining_mut` is the number of writable bytes,
// `chunk_mut` hands out exactly that unfilled region, and `advance_mut(cnt)` is only called
// (an `unsafe` duty of the caller) after `cnt` bytes of that chunk were initialized, which
// is what `assume_init` needs before `advance` moves `filled` forward.
unsafe impl bytes::BufMut for ReadBuf<'_> {
    fn remaining_mut(&self) -> usize {
        self.remaining()
    }

    unsafe fn advance_mut(&mut self, cnt: usize) {
        // SAFETY: the caller of `advance_mut` has initialized the first `cnt` bytes of
        // `chunk_mut`, which are the first `cnt` unfilled bytes.
        unsafe { self.assume_init(cnt) };
        self.advance(cnt);
    }

    fn chunk_mut(&mut self) -> &mut bytes::buf::UninitSlice {
        // SAFETY: `UninitSlice` only allows writing initialized bytes, so B1 is kept.
        let unfilled = unsafe { self.unfilled_mut() };
        bytes::buf::UninitSlice::uninit(unfilled)
    }
}

impl fmt::Debug for ReadBuf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadBuf")
            .field("filled", &self.filled)
            .field("initialized", &self.initialized)
            .field("capacity", &self.capacity())
            .finish()
    }
}

/// Views initialized `MaybeUninit` bytes as bytes.
///
/// # Safety
///
/// - Every byte of `slice` must be initialized.
unsafe fn slice_assume_init(slice: &[MaybeUninit<u8>]) -> &[u8] {
    // SAFETY: same layout; the caller guarantees every byte is initialized.
    unsafe { &*(slice as *const [MaybeUninit<u8>] as *const [u8]) }
}

/// Views initialized `MaybeUninit` bytes as mutable bytes.
///
/// # Safety
///
/// - Every byte of `slice` must be initialized.
unsafe fn slice_assume_init_mut(slice: &mut [MaybeUninit<u8>]) -> &mut [u8] {
    // SAFETY: same layout; the caller guarantees every byte is initialized, and a
    // `&mut [u8]` can only store initialized bytes back.
    unsafe { &mut *(slice as *mut [MaybeUninit<u8>] as *mut [u8]) }
}
