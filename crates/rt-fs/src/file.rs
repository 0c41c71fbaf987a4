//! `File`: an open file driven through the blocking pool, one operation at a time.
//!
//! # Protocol
//!
//! The std file sits in an `Arc`, so a closure on the blocking pool can use it (through
//! `&std::fs::File`, which implements `Read`, `Write` and `Seek`) while the `File` is still
//! reachable. `Inner::state` is the one operation slot:
//!
//! 1. `Idle(buf)`: nothing runs. `buf` may hold bytes read ahead and not handed out yet;
//!    the OS file position is then past them by `buf`'s length.
//! 2. `Busy(handle)`: one operation runs on the pool and owns the buffer; it hands the
//!    buffer back with its `Operation` result. Only the task that finds the slot `Busy`
//!    polls the handle, and whoever collects the result puts the slot back to `Idle`.
//! 3. A read fills the buffer with at most `min(caller's room, max_buf_size)` bytes and
//!    returns when they arrive. A write copies at most `max_buf_size` bytes into the
//!    buffer, starts the blocking `write_all`, and returns at once. A seek or a write
//!    that starts with bytes read ahead first moves the OS position back over them, so
//!    the file behaves as if only the bytes handed out had been read.
//! 4. The error of a write nobody waited for is kept in `last_write_err`, and returned by
//!    the next write or flush.
//! 5. `AsyncRead`/`AsyncWrite`/`AsyncSeek` hold `&mut File`, so they reach `Inner` through
//!    `Mutex::get_mut` and never contend. The `&self` methods that need the slot
//!    (`sync_all`, `sync_data`, `set_len`, `try_clone`) first take the `held` flag, an
//!    async lock over the slot: while a method holds it, no other `&self` method starts or
//!    collects an operation. The std `Mutex` itself is held only within one poll.

use std::cmp;
use std::fmt;
use std::fs::{Metadata, Permissions};
use std::future::{Future, poll_fn};
use std::io::{self, IoSlice, Read, Seek, SeekFrom, Write};
use std::mem;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker, ready};

use rt_core::task::{JoinHandle, spawn_blocking};
use rt_io::{AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

use crate::OpenOptions;
use crate::blocking::{asyncify, gone};

/// The most one blocking read or write moves, unless changed with
/// [`File::set_max_buf_size`] (as Tokio's).
const DEFAULT_MAX_BUF_SIZE: usize = 2 * 1024 * 1024;

/// A reference to an open file on the filesystem.
///
/// This is a specialized version of [`std::fs::File`] for use from the async world: it
/// implements [`AsyncRead`], [`AsyncWrite`] and [`AsyncSeek`], whose extension traits in
/// `rt::io` give `read`, `write_all`, `seek` and the rest. Create it with [`File::open`],
/// [`File::create`] or [`OpenOptions`].
///
/// Every operation runs the std call on the blocking pool, one at a time, through an
/// internal buffer. A write completes as soon as its bytes are in that buffer; the blocking
/// write goes on in the background, and the next operation waits for it. Call `flush`
/// ([`poll_flush`](rt_io::AsyncWrite::poll_flush)) to wait for it and learn its outcome:
/// a file dropped with a write still in the background is closed when that write ends,
/// and if the runtime shuts down first the write may never happen. Flushing does not make
/// the data durable against a crash; [`sync_all`](File::sync_all) asks the OS for that.
///
/// Many small reads and writes each cost a trip to the blocking pool: wrap the file in a
/// `BufReader` or `BufWriter`, or use [`read`](crate::read) and [`write`](crate::write)
/// for whole files.
///
/// # Examples
///
/// Create a new file and write bytes to it:
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
/// use std::io::SeekFrom;
///
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-fs-doc-file-{}", std::process::id()));
/// let mut file = rt_fs::OpenOptions::new()
///     .read(true)
///     .write(true)
///     .create(true)
///     .truncate(true)
///     .open(&path)
///     .await?;
/// file.write_all(b"hello, world!").await?;
/// file.flush().await?;
///
/// file.seek(SeekFrom::Start(7)).await?;
/// let mut contents = String::new();
/// file.read_to_string(&mut contents).await?;
/// assert_eq!(contents, "world!");
/// # rt_fs::remove_file(&path).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct File {
    std: Arc<std::fs::File>,
    inner: Mutex<Inner>,
    max_buf_size: usize,
}

struct Inner {
    /// The operation slot (protocol rules 1 and 2).
    state: State,
    /// The error of a background write, for the next write or flush (rule 4).
    last_write_err: Option<io::Error>,
    /// The position the last completed seek reported; `poll_complete` returns it.
    pos: u64,
    /// A `&self` method holds the slot (rule 5).
    held: bool,
    /// Tasks waiting for `held` to clear.
    waiters: Vec<Waker>,
}

enum State {
    Idle(Buf),
    Busy(JoinHandle<(Operation, Buf)>),
}

/// What a blocking operation did.
enum Operation {
    Read(io::Result<usize>),
    Write(io::Result<()>),
    Seek(io::Result<u64>),
    SetLen(io::Result<()>),
}

impl File {
    /// Attempts to open a file in read-only mode.
    ///
    /// See [`OpenOptions`] for more details.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncReadExt;
    ///
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-file-open-{}", std::process::id());
    /// let path = std::env::temp_dir().join(name);
    /// rt_fs::write(&path, b"data").await?;
    ///
    /// let mut file = rt_fs::File::open(&path).await?;
    /// let mut contents = vec![];
    /// file.read_to_end(&mut contents).await?;
    /// assert_eq!(contents, b"data");
    /// # rt_fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// This function will return an error if `path` does not already exist
    /// ([`ErrorKind::NotFound`](io::ErrorKind::NotFound)), or cannot be read; other errors
    /// may also be returned according to [`OpenOptions::open`].
    ///
    /// # Cancel safety
    ///
    /// Dropping the future loses nothing but the file: opening for reading changes
    /// nothing, and the file opened in the background is closed.
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        Self::options().read(true).open(path).await
    }

    /// Opens a file in write-only mode, creating it if it does not exist and truncating it
    /// if it does.
    ///
    /// See [`OpenOptions`] for more details.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    ///
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-file-create-{}", std::process::id());
    /// let path = std::env::temp_dir().join(name);
    /// let mut file = rt_fs::File::create(&path).await?;
    /// file.write_all(b"hello, world!").await?;
    /// file.flush().await?;
    /// # rt_fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// Results in an error if called from outside of a runtime or if the underlying
    /// `open` call results in an error, as described in [`OpenOptions::open`].
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: once started, the open completes on the blocking pool even if the
    /// future is dropped, creating or truncating the file.
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        Self::options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .await
    }

    /// Opens a file in read-write mode, creating it, and failing if it exists already.
    ///
    /// The check and the creation are atomic, so this cannot race with another process
    /// creating the same file.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-file-cnew-{}", std::process::id());
    /// let path = std::env::temp_dir().join(name);
    /// let file = rt_fs::File::create_new(&path).await?;
    /// let again = rt_fs::File::create_new(&path).await;
    /// assert_eq!(again.unwrap_err().kind(), std::io::ErrorKind::AlreadyExists);
    /// # drop(file);
    /// # rt_fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// Fails with [`ErrorKind::AlreadyExists`](io::ErrorKind::AlreadyExists) if something
    /// exists at `path` (even a dangling symbolic link); other errors may also be returned
    /// according to [`OpenOptions::open`].
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: once started, the open completes on the blocking pool even if the
    /// future is dropped, creating the file.
    pub async fn create_new(path: impl AsRef<Path>) -> io::Result<File> {
        Self::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .await
    }

    /// Returns a new [`OpenOptions`] object, with every option off.
    ///
    /// This function returns a new `OpenOptions` object that you can use to open or create
    /// a file with specific options if `open()` or `create()` are not appropriate.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-file-opts-{}", std::process::id());
    /// let path = std::env::temp_dir().join(name);
    /// let file = rt_fs::File::options().append(true).create(true).open(&path).await?;
    /// # drop(file);
    /// # rt_fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[must_use]
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Converts a [`std::fs::File`] to a [`File`].
    ///
    /// The file's position is left where it is; reads and writes go on from there.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-file-fstd-{}", std::process::id());
    /// let path = std::env::temp_dir().join(name);
    /// let std_file = std::fs::File::create(&path)?;
    /// let file = rt_fs::File::from_std(std_file);
    /// # drop(file);
    /// # rt_fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[must_use]
    pub fn from_std(std: std::fs::File) -> File {
        File {
            std: Arc::new(std),
            inner: Mutex::new(Inner {
                state: State::Idle(Buf::default()),
                last_write_err: None,
                pos: 0,
                held: false,
                waiters: Vec::new(),
            }),
            max_buf_size: DEFAULT_MAX_BUF_SIZE,
        }
    }

    /// Attempts to sync all OS-internal metadata and data to disk.
    ///
    /// This function will attempt to ensure that all in-core data reaches the filesystem
    /// before returning. It first waits for the write in the background, if any (whose
    /// error, if any, is then returned by the next write or flush).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    ///
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-file-sync-{}", std::process::id());
    /// let path = std::env::temp_dir().join(name);
    /// let mut file = rt_fs::File::create(&path).await?;
    /// file.write_all(b"hello, world!").await?;
    /// file.sync_all().await?;
    /// # rt_fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// Fails as [`std::fs::File::sync_all`] does (the device reports an I/O error, or the
    /// file does not support syncing); also if the blocking operation panicked or was
    /// cancelled by the runtime shutting down.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future loses nothing: a sync already started completes on the blocking
    /// pool, and the file is left ready for the next operation.
    pub async fn sync_all(&self) -> io::Result<()> {
        let slot = self.acquire().await;
        slot.complete_inflight().await;
        let std = Arc::clone(&self.std);
        asyncify(move || std.sync_all()).await
    }

    /// Like [`sync_all`](File::sync_all), except that it may not synchronize file
    /// metadata to the filesystem.
    ///
    /// This is intended for use cases that must synchronize content, but don't need the
    /// metadata on disk. The goal of this method is to reduce disk operations.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    ///
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-file-syncd-{}", std::process::id());
    /// let path = std::env::temp_dir().join(name);
    /// let mut file = rt_fs::File::create(&path).await?;
    /// file.write_all(b"hello, world!").await?;
    /// file.sync_data().await?;
    /// # rt_fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// As [`sync_all`](File::sync_all).
    ///
    /// # Cancel safety
    ///
    /// As [`sync_all`](File::sync_all).
    pub async fn sync_data(&self) -> io::Result<()> {
        let slot = self.acquire().await;
        slot.complete_inflight().await;
        let std = Arc::clone(&self.std);
        asyncify(move || std.sync_data()).await
    }

    /// Truncates or extends the underlying file, updating the size of this file to become
    /// `size`.
    ///
    /// If `size` is less than the current file's size, then the file will be shrunk. If it
    /// is greater than the current file's size, then the file will be extended to `size`
    /// and have all of the intermediate data filled in with 0s. The file's position does
    /// not change (bytes read ahead are given back first).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    ///
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-file-setlen-{}", std::process::id());
    /// let path = std::env::temp_dir().join(name);
    /// let mut file = rt_fs::File::create(&path).await?;
    /// file.write_all(b"hello, world!").await?;
    /// file.set_len(5).await?;
    /// assert_eq!(file.metadata().await?.len(), 5);
    /// # rt_fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// This function will return an error if the file is not opened for writing, or as
    /// [`std::fs::File::set_len`] does; also if the blocking operation panicked or was
    /// cancelled by the runtime shutting down.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: once started, the change completes on the blocking pool even if the
    /// future is dropped, and its error, if any, is lost. The next operation on the file
    /// waits for it.
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        let slot = self.acquire().await;
        slot.complete_inflight().await;
        {
            let mut inner = self.lock_inner();
            let buf = inner.idle_buf();
            let back = (!buf.is_empty()).then(|| SeekFrom::Current(buf.discard_read()));
            let std = Arc::clone(&self.std);
            inner.start(move |_| {
                let res = match back {
                    Some(back) => (&*std).seek(back).and_then(|_| std.set_len(size)),
                    None => std.set_len(size),
                };
                Operation::SetLen(res)
            });
        }
        poll_fn(|cx| match ready!(self.lock_inner().poll_busy(cx))? {
            Some(Operation::SetLen(res)) => Poll::Ready(res),
            _ => unreachable!("the slot holder's operation is the one in flight"),
        })
        .await
    }

    /// Queries metadata about the underlying file.
    ///
    /// This does not wait for a write in the background: the size may not count it yet
    /// (flush first for that).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-file-meta-{}", std::process::id());
    /// let path = std::env::temp_dir().join(name);
    /// let file = rt_fs::File::create(&path).await?;
    /// assert!(file.metadata().await?.is_file());
    /// # rt_fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// Fails as [`std::fs::File::metadata`] does; also if the blocking operation panicked
    /// or was cancelled by the runtime shutting down.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future loses nothing but the result: the query changes nothing.
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = Arc::clone(&self.std);
        asyncify(move || std.metadata()).await
    }

    /// Creates a new `File` instance that shares the same underlying file handle as the
    /// existing `File` instance.
    ///
    /// Reads, writes, and seeks will affect both `File` instances simultaneously. The
    /// write in the background, if any, is waited for first.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-file-clone-{}", std::process::id());
    /// let path = std::env::temp_dir().join(name);
    /// let file = rt_fs::File::create(&path).await?;
    /// let clone = file.try_clone().await?;
    /// # drop((file, clone));
    /// # rt_fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// Fails as [`std::fs::File::try_clone`] does (for example when the process has too
    /// many open files); also if the blocking operation panicked or was cancelled by the
    /// runtime shutting down.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future loses nothing: a clone made in the background is closed.
    pub async fn try_clone(&self) -> io::Result<File> {
        self.acquire().await.complete_inflight().await;
        let std = Arc::clone(&self.std);
        let clone = asyncify(move || std.try_clone()).await?;
        let mut file = File::from_std(clone);
        file.set_max_buf_size(self.max_buf_size);
        Ok(file)
    }

    /// Destructures `File` into a [`std::fs::File`]. This function is async to allow any
    /// in-flight operations to complete.
    ///
    /// Use `File::try_into_std` to attempt conversion immediately. Bytes read ahead and not
    /// handed out are dropped, and the std file's position is past them; the error of a
    /// background write, if any, is lost (flush first to see it).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-file-intostd-{}", std::process::id());
    /// let path = std::env::temp_dir().join(name);
    /// let file = rt_fs::File::create(&path).await?;
    /// let std_file: std::fs::File = file.into_std().await;
    /// # drop(std_file);
    /// # rt_fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Panics
    ///
    /// Panics in the unlikely case that the file is still shared with a blocking query
    /// (from a dropped `metadata`, `set_permissions` or `try_clone` future) and the OS
    /// cannot duplicate its descriptor.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future drops the file (closing it once the operation in flight ends).
    pub async fn into_std(mut self) -> std::fs::File {
        poll_fn(|cx| {
            self.inner
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .poll_complete_inflight(cx)
        })
        .await;
        match Arc::try_unwrap(self.std) {
            Ok(std) => std,
            // A blocking query whose future was dropped still holds the file; it closes
            // its reference when done. Hand out a duplicate of the same open file.
            Err(shared) => shared
                .try_clone()
                .expect("failed to duplicate a file still in use by a blocking query"),
        }
    }

    /// Tries to immediately destructure `File` into a [`std::fs::File`].
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-file-tryintostd-{}", std::process::id());
    /// let path = std::env::temp_dir().join(name);
    /// let file = rt_fs::File::create(&path).await?;
    /// let std_file = file.try_into_std().unwrap();
    /// # drop(std_file);
    /// # rt_fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// This function will return an error containing the file if some operation is
    /// in-flight.
    #[allow(clippy::result_large_err)]
    pub fn try_into_std(mut self) -> Result<std::fs::File, Self> {
        let busy = matches!(
            self.inner
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .state,
            State::Busy(_)
        );
        if busy {
            return Err(self);
        }
        match Arc::try_unwrap(self.std) {
            Ok(std) => Ok(std),
            Err(shared) => {
                self.std = shared;
                Err(self)
            }
        }
    }

    /// Changes the permissions on the underlying file.
    ///
    /// # Platform-specific behavior
    ///
    /// This function currently corresponds to the `fchmod` function on Unix. Note that,
    /// this may change in the future.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-file-perm-{}", std::process::id());
    /// let path = std::env::temp_dir().join(name);
    /// let file = rt_fs::File::create(&path).await?;
    /// let mut perms = file.metadata().await?.permissions();
    /// perms.set_readonly(true);
    /// file.set_permissions(perms).await?;
    /// # rt_fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// This function will return an error if the user lacks permission change attributes
    /// on the underlying file. It may also return an error in other os-specific unspecified
    /// cases, and if the blocking operation panicked or was cancelled by the runtime
    /// shutting down.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: once started, the change completes on the blocking pool even if the
    /// future is dropped, and its result is lost.
    pub async fn set_permissions(&self, perm: Permissions) -> io::Result<()> {
        let std = Arc::clone(&self.std);
        asyncify(move || std.set_permissions(perm)).await
    }

    /// Sets the maximum buffer size used by one blocking read or write.
    ///
    /// The default is 2 MiB. A larger value means fewer trips to the blocking pool for
    /// large transfers, and a larger buffer kept by the file.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-file-maxbuf-{}", std::process::id());
    /// let path = std::env::temp_dir().join(name);
    /// let mut file = rt_fs::File::create(&path).await?;
    /// file.set_max_buf_size(8 * 1024 * 1024);
    /// assert_eq!(file.max_buf_size(), 8 * 1024 * 1024);
    /// # rt_fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `max_buf_size` is zero.
    #[track_caller]
    pub fn set_max_buf_size(&mut self, max_buf_size: usize) {
        assert!(max_buf_size > 0, "`max_buf_size` must be greater than 0");
        self.max_buf_size = max_buf_size;
    }

    /// Returns the maximum buffer size used by one blocking read or write (see
    /// [`set_max_buf_size`](File::set_max_buf_size)).
    #[must_use]
    pub fn max_buf_size(&self) -> usize {
        self.max_buf_size
    }

    fn lock_inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn inner_mut(&mut self) -> &mut Inner {
        self.inner.get_mut().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until no other `&self` method holds the operation slot, and holds it
    /// (protocol rule 5).
    async fn acquire(&self) -> Slot<'_> {
        poll_fn(|cx| {
            let mut inner = self.lock_inner();
            if inner.held {
                if !inner.waiters.iter().any(|w| w.will_wake(cx.waker())) {
                    inner.waiters.push(cx.waker().clone());
                }
                return Poll::Pending;
            }
            inner.held = true;
            Poll::Ready(Slot { file: self })
        })
        .await
    }

    /// Starts a write of the bytes `fill` puts in the buffer, once the slot is idle.
    fn poll_write_with(
        &mut self,
        cx: &mut Context<'_>,
        len: usize,
        fill: impl FnOnce(&mut Buf, usize) -> usize,
    ) -> Poll<io::Result<usize>> {
        let max_buf_size = self.max_buf_size;
        let std = Arc::clone(&self.std);
        let inner = self.inner_mut();
        if let Some(e) = inner.last_write_err.take() {
            return Poll::Ready(Err(e));
        }
        // Let the operation in flight finish; a failed write is reported here.
        if let Some(Operation::Write(res)) = ready!(inner.poll_busy(cx))? {
            res?;
        }
        if len == 0 {
            return Poll::Ready(Ok(0));
        }
        let buf = inner.idle_buf();
        let back = (!buf.is_empty()).then(|| SeekFrom::Current(buf.discard_read()));
        let n = fill(buf, max_buf_size);
        inner.start(move |buf| {
            let res = match back {
                Some(back) => (&*std).seek(back).and_then(|_| buf.write_to(&mut &*std)),
                None => buf.write_to(&mut &*std),
            };
            Operation::Write(res)
        });
        Poll::Ready(Ok(n))
    }
}

/// The operation slot, held by a `&self` method; released on drop.
struct Slot<'a> {
    file: &'a File,
}

impl Slot<'_> {
    /// Waits for the operation in flight; a write's error is kept for the next write or
    /// flush.
    async fn complete_inflight(&self) {
        poll_fn(|cx| self.file.lock_inner().poll_complete_inflight(cx)).await;
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let waiters = {
            let mut inner = self.file.lock_inner();
            inner.held = false;
            mem::take(&mut inner.waiters)
        };
        waiters.into_iter().for_each(Waker::wake);
    }
}

impl Inner {
    /// Collects the operation in flight, if any, and puts the slot back to idle. Returns
    /// `None` if nothing was in flight.
    fn poll_busy(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Operation>>> {
        let State::Busy(handle) = &mut self.state else {
            return Poll::Ready(Ok(None));
        };
        match ready!(Pin::new(handle).poll(cx)) {
            Ok((op, buf)) => {
                self.state = State::Idle(buf);
                if let Operation::Seek(Ok(pos)) = op {
                    self.pos = pos;
                }
                Poll::Ready(Ok(Some(op)))
            }
            Err(e) => {
                self.state = State::Idle(Buf::default());
                Poll::Ready(Err(gone(e)))
            }
        }
    }

    /// The buffer of the idle slot.
    fn idle_buf(&mut self) -> &mut Buf {
        match &mut self.state {
            State::Idle(buf) => buf,
            State::Busy(_) => unreachable!("the buffer is lent to the blocking pool"),
        }
    }

    /// Starts `op` on the blocking pool with the buffer of the idle slot.
    fn start(&mut self, op: impl FnOnce(&mut Buf) -> Operation + Send + 'static) {
        let mut buf = mem::take(self.idle_buf());
        self.state = State::Busy(spawn_blocking(move || {
            let op = op(&mut buf);
            (op, buf)
        }));
    }

    /// Reports a kept write error, else waits for the operation in flight and reports its
    /// error if it was a write.
    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.last_write_err.take() {
            return Poll::Ready(Err(e));
        }
        match ready!(self.poll_busy(cx))? {
            Some(Operation::Write(res)) => Poll::Ready(res),
            _ => Poll::Ready(Ok(())),
        }
    }

    /// Waits for the operation in flight, keeping a write's error for the next write or
    /// flush. The slot is idle afterwards.
    fn poll_complete_inflight(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        match ready!(self.poll_busy(cx)) {
            Ok(Some(Operation::Write(Err(e)))) | Err(e) => {
                // An earlier error, if one is kept, is reported first.
                self.last_write_err.get_or_insert(e);
            }
            Ok(_) => {}
        }
        Poll::Ready(())
    }
}

impl AsyncRead for File {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let me = self.get_mut();
        let max_buf_size = me.max_buf_size;
        let std = Arc::clone(&me.std);
        let inner = me.inner_mut();
        loop {
            match ready!(inner.poll_busy(cx))? {
                None => {
                    let buf = inner.idle_buf();
                    if !buf.is_empty() || dst.remaining() == 0 {
                        buf.copy_to(dst);
                        return Poll::Ready(Ok(()));
                    }
                    let max = cmp::min(dst.remaining(), max_buf_size);
                    let std = Arc::clone(&std);
                    inner.start(move |buf| Operation::Read(buf.read_from(&mut &*std, max)));
                }
                Some(Operation::Read(Ok(_))) => {
                    // Nothing read means end of file: `dst` stays as it is.
                    inner.idle_buf().copy_to(dst);
                    return Poll::Ready(Ok(()));
                }
                Some(Operation::Read(Err(e))) => return Poll::Ready(Err(e)),
                Some(Operation::Write(Err(e))) => inner.last_write_err = Some(e),
                Some(_) => {}
            }
        }
    }
}

impl AsyncSeek for File {
    fn start_seek(self: Pin<&mut Self>, mut pos: SeekFrom) -> io::Result<()> {
        let me = self.get_mut();
        let std = Arc::clone(&me.std);
        let inner = me.inner_mut();
        if let State::Busy(_) = inner.state {
            return Err(io::Error::other(
                "other file operation is pending, call poll_complete before start_seek",
            ));
        }
        // Give back the bytes read ahead: fold them into a relative seek, or seek back
        // over them first if the sum would overflow.
        let buf = inner.idle_buf();
        let mut back = None;
        if !buf.is_empty() {
            let unread = buf.discard_read();
            if let SeekFrom::Current(offset) = &mut pos {
                match offset.checked_add(unread) {
                    Some(sum) => *offset = sum,
                    None => back = Some(SeekFrom::Current(unread)),
                }
            }
        }
        inner.start(move |_| {
            let res = match back {
                Some(back) => (&*std).seek(back).and_then(|_| (&*std).seek(pos)),
                None => (&*std).seek(pos),
            };
            Operation::Seek(res)
        });
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let inner = self.get_mut().inner_mut();
        loop {
            match ready!(inner.poll_busy(cx))? {
                None => return Poll::Ready(Ok(inner.pos)),
                Some(Operation::Seek(res)) => return Poll::Ready(res),
                Some(Operation::Write(Err(e))) => inner.last_write_err = Some(e),
                Some(_) => {}
            }
        }
    }
}

impl AsyncWrite for File {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut()
            .poll_write_with(cx, src.len(), |buf, max| buf.copy_from(src, max))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let len = bufs.iter().map(|b| b.len()).sum();
        self.get_mut()
            .poll_write_with(cx, len, |buf, max| buf.copy_from_bufs(bufs, max))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().inner_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl From<std::fs::File> for File {
    fn from(std: std::fs::File) -> Self {
        Self::from_std(std)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File").field("std", &self.std).finish()
    }
}

#[cfg(unix)]
mod sys {
    use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

    use super::File;

    impl AsRawFd for File {
        fn as_raw_fd(&self) -> RawFd {
            self.std.as_raw_fd()
        }
    }

    impl AsFd for File {
        fn as_fd(&self) -> BorrowedFd<'_> {
            self.std.as_fd()
        }
    }

    impl FromRawFd for File {
        unsafe fn from_raw_fd(fd: RawFd) -> Self {
            // SAFETY: our caller promises what std's `from_raw_fd` requires, that `fd` is
            // open and owned by nobody else; we pass the promise on unchanged.
            let std = unsafe { std::fs::File::from_raw_fd(fd) };
            File::from_std(std)
        }
    }

    impl From<OwnedFd> for File {
        fn from(fd: OwnedFd) -> Self {
            File::from_std(std::fs::File::from(fd))
        }
    }
}

/// The buffer of a file's operations: bytes read ahead (`buf[pos..end]`), or bytes being
/// written. `buf` keeps its length (its initialized bytes) between operations, so a read
/// zeroes memory only when the buffer grows.
#[derive(Debug, Default)]
struct Buf {
    buf: Vec<u8>,
    pos: usize,
    end: usize,
}

impl Buf {
    fn is_empty(&self) -> bool {
        self.pos == self.end
    }

    fn clear(&mut self) {
        self.pos = 0;
        self.end = 0;
    }

    /// Hands out as many buffered bytes as `dst` has room for.
    fn copy_to(&mut self, dst: &mut ReadBuf<'_>) {
        let n = cmp::min(self.end - self.pos, dst.remaining());
        dst.put_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        if self.is_empty() {
            self.clear();
        }
    }

    /// Drops the buffered bytes, returning the (negative) seek that gives them back.
    fn discard_read(&mut self) -> i64 {
        let unread = self.end - self.pos;
        self.clear();
        // A buffer is far smaller than `i64::MAX` bytes.
        -(unread as i64)
    }

    /// Makes room for `len` bytes at the start of the buffer.
    fn reserve(&mut self, len: usize) -> &mut [u8] {
        debug_assert!(self.is_empty());
        if self.buf.len() < len {
            self.buf.resize(len, 0);
        }
        self.pos = 0;
        self.end = len;
        &mut self.buf[..len]
    }

    /// Copies up to `max` bytes of `src` in; returns how many.
    fn copy_from(&mut self, src: &[u8], max: usize) -> usize {
        let n = cmp::min(src.len(), max);
        self.reserve(n).copy_from_slice(&src[..n]);
        n
    }

    /// Copies up to `max` bytes of `bufs`, in order, in; returns how many.
    fn copy_from_bufs(&mut self, bufs: &[IoSlice<'_>], max: usize) -> usize {
        let total = cmp::min(bufs.iter().map(|b| b.len()).sum(), max);
        let dst = self.reserve(total);
        let mut at = 0;
        for src in bufs {
            let n = cmp::min(src.len(), total - at);
            dst[at..at + n].copy_from_slice(&src[..n]);
            at += n;
            if at == total {
                break;
            }
        }
        total
    }

    /// Reads once (blocking) into the buffer, up to `max` bytes.
    fn read_from(&mut self, rd: &mut impl Read, max: usize) -> io::Result<usize> {
        let dst = self.reserve(max);
        let res = loop {
            match rd.read(dst) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                res => break res,
            }
        };
        self.end = *res.as_ref().unwrap_or(&0);
        res
    }

    /// Writes the buffer out (blocking), and empties it whatever the outcome.
    fn write_to(&mut self, wr: &mut impl Write) -> io::Result<()> {
        let res = wr.write_all(&self.buf[self.pos..self.end]);
        self.clear();
        res
    }
}
