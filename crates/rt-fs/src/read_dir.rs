//! Listing a directory: `ReadDir` reads entries on the blocking pool in chunks and hands
//! them out one by one.
//!
//! A `ReadDir` is either idle, holding the entries read so far and std's iterator, or
//! reading: the iterator and the (empty) queue are on the blocking pool, which hands them
//! back with up to [`CHUNK_SIZE`] more entries. Each entry's file type is read there too
//! (from the directory record itself on most filesystems), so `DirEntry::file_type` rarely
//! needs another trip.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt;
use std::fs::{FileType, Metadata};
use std::future::{Future, poll_fn};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use rt_core::task::{JoinHandle, spawn_blocking};

use crate::blocking::{asyncify, gone};

/// How many entries one trip to the blocking pool reads (as Tokio's).
const CHUNK_SIZE: usize = 32;

/// Returns a stream over the entries within a directory.
///
/// This is an async version of [`std::fs::read_dir`]: the directory is opened, and its
/// first entries read, on the blocking pool. The entries come in no particular order, and
/// without `.` and `..`.
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// # let name = format!("rt-fs-doc-readdir-{}", std::process::id());
/// let dir = std::env::temp_dir().join(name);
/// rt_fs::create_dir_all(&dir).await?;
/// rt_fs::write(dir.join("a.txt"), b"a").await?;
///
/// let mut entries = rt_fs::read_dir(&dir).await?;
/// let mut names = Vec::new();
/// while let Some(entry) = entries.next_entry().await? {
///     names.push(entry.file_name());
/// }
/// assert_eq!(names, ["a.txt"]);
/// # rt_fs::remove_dir_all(&dir).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails as [`std::fs::read_dir`] does: `path` does not exist
/// ([`ErrorKind::NotFound`](io::ErrorKind::NotFound)), is not a directory, or the user
/// lacks permission to list it; also if the blocking operation panicked or was cancelled
/// by the runtime shutting down. Errors met while listing come from
/// [`ReadDir::next_entry`].
///
/// # Cancel safety
///
/// Dropping the future loses nothing but the listing: opening a directory changes nothing.
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let path = path.as_ref().to_owned();
    let listing = asyncify(move || {
        let mut listing = Listing {
            entries: VecDeque::with_capacity(CHUNK_SIZE),
            std: Some(std::fs::read_dir(path)?),
        };
        listing.read_chunk();
        Ok(listing)
    })
    .await?;
    Ok(ReadDir {
        state: State::Idle(Some(listing)),
    })
}

/// Reads the entries in a directory.
///
/// This struct is returned from the [`read_dir`] function and yields [`DirEntry`]s
/// through [`next_entry`](ReadDir::next_entry). An entry can only be read once: it is
/// handed out and removed from the stream.
///
/// Entries are read on the blocking pool in chunks of 32, so most calls to `next_entry`
/// complete without leaving the task.
pub struct ReadDir {
    state: State,
}

enum State {
    /// Entries read and not handed out yet, with std's iterator. `None` once a background
    /// read failed: the listing is then over.
    Idle(Option<Listing>),
    /// The blocking pool is reading the next chunk.
    Reading(JoinHandle<Listing>),
}

/// What travels to the blocking pool and back.
struct Listing {
    entries: VecDeque<io::Result<DirEntry>>,
    /// std's iterator; `None` once it reported the end.
    std: Option<std::fs::ReadDir>,
}

impl Listing {
    /// Reads up to `CHUNK_SIZE` entries (blocking), stopping after an error.
    fn read_chunk(&mut self) {
        let Some(std) = &mut self.std else {
            return;
        };
        for _ in 0..CHUNK_SIZE {
            match std.next() {
                Some(Ok(entry)) => self.entries.push_back(Ok(DirEntry::from_std(entry))),
                Some(Err(e)) => {
                    self.entries.push_back(Err(e));
                    return;
                }
                None => {
                    self.std = None;
                    return;
                }
            }
        }
    }
}

impl ReadDir {
    /// Returns the next entry in the directory stream, or `None` at its end.
    ///
    /// # Examples
    ///
    /// See [`read_dir`].
    ///
    /// # Errors
    ///
    /// Returns the error std's iterator met reading the directory (the listing may go on
    /// after it), or an error if the blocking operation panicked or was cancelled by the
    /// runtime shutting down (the listing is then over).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: entries read for a dropped call stay in the stream and
    /// the next call returns them.
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        poll_fn(|cx| self.poll_next_entry(cx)).await
    }

    /// Polls for the next directory entry in the stream.
    ///
    /// This method returns:
    ///
    ///  * `Poll::Pending` if the next directory entry is not yet available.
    ///  * `Poll::Ready(Ok(Some(entry)))` if the next directory entry is available.
    ///  * `Poll::Ready(Ok(None))` if there are no more directory entries in this stream.
    ///  * `Poll::Ready(Err(err))` if an IO error occurred while reading the next directory
    ///    entry.
    ///
    /// When the method returns `Poll::Pending`, the `Waker` in the provided `Context` is
    /// scheduled to receive a wakeup when the next directory entry becomes available on the
    /// underlying IO resource. Only the `Waker` from the most recent call is woken.
    ///
    /// # Errors
    ///
    /// As [`next_entry`](ReadDir::next_entry).
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        loop {
            match &mut self.state {
                State::Idle(None) => return Poll::Ready(Ok(None)),
                State::Idle(Some(listing)) => {
                    if let Some(entry) = listing.entries.pop_front() {
                        return Poll::Ready(entry.map(Some));
                    }
                    if listing.std.is_none() {
                        return Poll::Ready(Ok(None));
                    }
                    let Some(mut listing) = take_listing(&mut self.state) else {
                        unreachable!("the listing was just seen idle");
                    };
                    self.state = State::Reading(spawn_blocking(move || {
                        listing.read_chunk();
                        listing
                    }));
                }
                State::Reading(handle) => match ready!(Pin::new(handle).poll(cx)) {
                    Ok(listing) => self.state = State::Idle(Some(listing)),
                    Err(e) => {
                        self.state = State::Idle(None);
                        return Poll::Ready(Err(gone(e)));
                    }
                },
            }
        }
    }
}

/// Takes the idle listing out of `state`, leaving `Idle(None)`.
fn take_listing(state: &mut State) -> Option<Listing> {
    match state {
        State::Idle(listing) => listing.take(),
        State::Reading(_) => None,
    }
}

impl fmt::Debug for ReadDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (reading, buffered) = match &self.state {
            State::Idle(listing) => (false, listing.as_ref().map_or(0, |l| l.entries.len())),
            State::Reading(_) => (true, 0),
        };
        f.debug_struct("ReadDir")
            .field("reading", &reading)
            .field("buffered", &buffered)
            .finish()
    }
}

/// Entries returned by the [`ReadDir`] stream.
///
/// An instance of `DirEntry` represents an entry inside of a directory on the filesystem.
/// Each entry can be inspected via methods to learn about the full path or possibly other
/// metadata through per-platform extension traits.
#[derive(Debug)]
pub struct DirEntry {
    std: Arc<std::fs::DirEntry>,
    /// The file type, read with the entry on the blocking pool when it was cheap to.
    file_type: Option<FileType>,
}

impl DirEntry {
    fn from_std(std: std::fs::DirEntry) -> DirEntry {
        let file_type = std.file_type().ok();
        DirEntry {
            std: Arc::new(std),
            file_type,
        }
    }

    /// Returns the full path to the file that this entry represents.
    ///
    /// The full path is created by joining the original path to `read_dir` with the
    /// filename of this entry.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-de-path-{}", std::process::id());
    /// let dir = std::env::temp_dir().join(name);
    /// rt_fs::create_dir_all(&dir).await?;
    /// rt_fs::write(dir.join("f"), b"").await?;
    ///
    /// let mut entries = rt_fs::read_dir(&dir).await?;
    /// let entry = entries.next_entry().await?.unwrap();
    /// assert_eq!(entry.path(), dir.join("f"));
    /// # rt_fs::remove_dir_all(&dir).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[must_use]
    pub fn path(&self) -> PathBuf {
        self.std.path()
    }

    /// Returns the bare file name of this directory entry without any other leading path
    /// component.
    ///
    /// # Examples
    ///
    /// See [`read_dir`].
    #[must_use]
    pub fn file_name(&self) -> OsString {
        self.std.file_name()
    }

    /// Returns the underlying `d_ino` field in the contained `dirent` structure.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::fs::MetadataExt;
    ///
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-de-ino-{}", std::process::id());
    /// let dir = std::env::temp_dir().join(name);
    /// rt_fs::create_dir_all(&dir).await?;
    /// rt_fs::write(dir.join("f"), b"").await?;
    ///
    /// let entry = rt_fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    /// assert_eq!(entry.ino(), entry.metadata().await?.ino());
    /// # rt_fs::remove_dir_all(&dir).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[cfg(unix)]
    #[must_use]
    pub fn ino(&self) -> u64 {
        std::os::unix::fs::DirEntryExt::ino(&*self.std)
    }

    /// Returns the metadata for the file that this entry points at.
    ///
    /// This function will not traverse symlinks if this entry points at a symlink (as
    /// [`symlink_metadata`](crate::symlink_metadata)). On unix it calls `lstat` on the
    /// blocking pool.
    ///
    /// # Examples
    ///
    /// See [`ino`](DirEntry::ino).
    ///
    /// # Errors
    ///
    /// Fails as [`std::fs::DirEntry::metadata`] does: the user lacks permission, or the
    /// entry was removed since the listing; also if the blocking operation panicked or was
    /// cancelled by the runtime shutting down.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future loses nothing but the result: the query changes nothing.
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = Arc::clone(&self.std);
        asyncify(move || std.metadata()).await
    }

    /// Returns the file type for the file that this entry points at.
    ///
    /// This function will not traverse symlinks if this entry points at a symlink. The
    /// type is usually known from the listing itself, in which case this completes at
    /// once; otherwise it calls `lstat` on the blocking pool.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-de-ft-{}", std::process::id());
    /// let dir = std::env::temp_dir().join(name);
    /// rt_fs::create_dir_all(dir.join("sub")).await?;
    ///
    /// let entry = rt_fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    /// assert!(entry.file_type().await?.is_dir());
    /// # rt_fs::remove_dir_all(&dir).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// As [`metadata`](DirEntry::metadata).
    ///
    /// # Cancel safety
    ///
    /// Dropping the future loses nothing but the result: the query changes nothing.
    pub async fn file_type(&self) -> io::Result<FileType> {
        if let Some(file_type) = self.file_type {
            return Ok(file_type);
        }
        let std = Arc::clone(&self.std);
        asyncify(move || std.file_type()).await
    }
}
