//! Whole-file helpers: each opens the file, moves all of it, and closes it, in one trip to
//! the blocking pool.

use std::io;
use std::path::Path;

use crate::blocking::asyncify;

/// Reads the entire contents of a file into a bytes vector.
///
/// This is an async version of [`std::fs::read`]: the whole read runs as one call on the
/// blocking pool, so it is the cheapest way to read a whole file (much cheaper than reading
/// a [`File`](crate::File) piece by piece).
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-fs-doc-read-{}", std::process::id()));
/// rt_fs::write(&path, b"hello").await?;
///
/// let contents = rt_fs::read(&path).await?;
/// assert_eq!(contents, b"hello");
/// # rt_fs::remove_file(&path).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails if `path` does not exist (with [`ErrorKind::NotFound`](io::ErrorKind::NotFound)),
/// cannot be opened or read, as [`std::fs::read`] does; also if the blocking operation
/// panicked or was cancelled by the runtime shutting down.
///
/// # Cancel safety
///
/// Dropping the future loses nothing but the contents: the read has no effect on the file.
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read(path)).await
}

/// Reads the entire contents of a file into a string.
///
/// This is an async version of [`std::fs::read_to_string`], run as one call on the
/// blocking pool.
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-fs-doc-rts-{}", std::process::id()));
/// rt_fs::write(&path, "hello").await?;
///
/// let contents = rt_fs::read_to_string(&path).await?;
/// assert_eq!(contents, "hello");
/// # rt_fs::remove_file(&path).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// As [`read`], and with [`ErrorKind::InvalidData`](io::ErrorKind::InvalidData) if the
/// contents are not valid UTF-8.
///
/// # Cancel safety
///
/// As [`read`]: the read has no effect on the file.
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_to_string(path)).await
}

/// Creates a file if it does not exist, and replaces its contents with `contents`.
///
/// This is an async version of [`std::fs::write`]: `contents` is copied, and the whole
/// write runs as one call on the blocking pool.
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-fs-doc-write-{}", std::process::id()));
/// rt_fs::write(&path, b"Hello world!").await?;
/// assert_eq!(rt_fs::read(&path).await?, b"Hello world!");
/// # rt_fs::remove_file(&path).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails if the file cannot be created or written, as [`std::fs::write`] does (for
/// example [`ErrorKind::NotFound`](io::ErrorKind::NotFound) when the parent directory
/// does not exist); also if the blocking operation panicked or was cancelled by the
/// runtime shutting down.
///
/// # Cancel safety
///
/// Not cancel safe: once started, the write runs to completion on the blocking pool even
/// if the future is dropped, so the file may have been replaced (or, if the future is
/// dropped before its first poll, the write never starts).
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    let contents = contents.as_ref().to_owned();
    asyncify(move || std::fs::write(path, contents)).await
}

/// Copies the contents of one file to another, with its permission bits, and returns the
/// number of bytes copied.
///
/// This is an async version of [`std::fs::copy`]: it overwrites `to` if it exists, and
/// runs as one call on the blocking pool (where std uses the kernel's in-place copy when
/// it can).
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let dir = std::env::temp_dir();
/// let from = dir.join(format!("rt-fs-doc-copy-from-{}", std::process::id()));
/// let to = dir.join(format!("rt-fs-doc-copy-to-{}", std::process::id()));
/// rt_fs::write(&from, b"abc").await?;
///
/// assert_eq!(rt_fs::copy(&from, &to).await?, 3);
/// assert_eq!(rt_fs::read(&to).await?, b"abc");
/// # rt_fs::remove_file(&from).await?;
/// # rt_fs::remove_file(&to).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails as [`std::fs::copy`] does: `from` is not a regular file or does not exist, either
/// file cannot be opened, or the copy fails midway (leaving `to` partly written); also if
/// the blocking operation panicked or was cancelled by the runtime shutting down.
///
/// # Cancel safety
///
/// Not cancel safe: once started, the copy runs to completion on the blocking pool even if
/// the future is dropped.
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> Result<u64, io::Error> {
    let from = from.as_ref().to_owned();
    let to = to.as_ref().to_owned();
    asyncify(move || std::fs::copy(from, to)).await
}
