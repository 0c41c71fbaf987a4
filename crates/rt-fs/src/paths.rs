//! Creating, removing and renaming paths, and the links between them: one std call each,
//! on the blocking pool.

use std::io;
use std::path::{Path, PathBuf};

use crate::blocking::asyncify;

/// Creates a new, empty directory at the provided path.
///
/// This is an async version of [`std::fs::create_dir`]. Use [`create_dir_all`] to create
/// the missing parents too, or [`DirBuilder`](crate::DirBuilder) to set the mode.
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let dir = std::env::temp_dir().join(format!("rt-fs-doc-mkdir-{}", std::process::id()));
/// rt_fs::create_dir(&dir).await?;
/// assert!(rt_fs::metadata(&dir).await?.is_dir());
/// # rt_fs::remove_dir(&dir).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails as [`std::fs::create_dir`] does, among others when a parent is missing
/// ([`ErrorKind::NotFound`](io::ErrorKind::NotFound)), when `path` already exists
/// ([`ErrorKind::AlreadyExists`](io::ErrorKind::AlreadyExists)) or when permission is
/// denied; also if the blocking operation panicked or was cancelled by the runtime shutting
/// down.
///
/// # Cancel safety
///
/// Not cancel safe: once started, the operation completes on the blocking pool even if the
/// future is dropped, and its result is lost.
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir(path)).await
}

/// Recursively creates a directory and all of its missing parents.
///
/// This is an async version of [`std::fs::create_dir_all`]; it succeeds if the directory
/// already exists.
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let top = std::env::temp_dir().join(format!("rt-fs-doc-mkdirs-{}", std::process::id()));
/// rt_fs::create_dir_all(top.join("a/b/c")).await?;
/// assert!(rt_fs::metadata(top.join("a/b/c")).await?.is_dir());
/// # rt_fs::remove_dir_all(&top).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails as [`std::fs::create_dir_all`] does: when a component of `path` exists and is not
/// a directory, or one cannot be created; also if the blocking operation panicked or was
/// cancelled by the runtime shutting down.
///
/// # Cancel safety
///
/// Not cancel safe: once started, the operation completes on the blocking pool even if the
/// future is dropped, and its result is lost.
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir_all(path)).await
}

/// Removes a file from the filesystem.
///
/// This is an async version of [`std::fs::remove_file`]. The file may not be deleted at
/// once: open descriptors to it keep its data alive.
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-fs-doc-rm-{}", std::process::id()));
/// rt_fs::write(&path, b"x").await?;
/// rt_fs::remove_file(&path).await?;
/// assert!(!rt_fs::try_exists(&path).await?);
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails as [`std::fs::remove_file`] does: `path` does not exist
/// ([`ErrorKind::NotFound`](io::ErrorKind::NotFound)), is a directory, or permission is
/// denied; also if the blocking operation panicked or was cancelled by the runtime shutting
/// down.
///
/// # Cancel safety
///
/// Not cancel safe: once started, the operation completes on the blocking pool even if the
/// future is dropped, and its result is lost.
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_file(path)).await
}

/// Removes an empty directory.
///
/// This is an async version of [`std::fs::remove_dir`].
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let dir = std::env::temp_dir().join(format!("rt-fs-doc-rmdir-{}", std::process::id()));
/// rt_fs::create_dir(&dir).await?;
/// rt_fs::remove_dir(&dir).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails as [`std::fs::remove_dir`] does: `path` does not exist, is not a directory, is
/// not empty, or permission is denied; also if the blocking operation panicked or was
/// cancelled by the runtime shutting down.
///
/// # Cancel safety
///
/// Not cancel safe: once started, the operation completes on the blocking pool even if the
/// future is dropped, and its result is lost.
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir(path)).await
}

/// Removes a directory at this path, after removing all its contents. Use carefully!
///
/// This is an async version of [`std::fs::remove_dir_all`]; it does not follow symbolic
/// links, it removes the links themselves.
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let top = std::env::temp_dir().join(format!("rt-fs-doc-rmall-{}", std::process::id()));
/// rt_fs::create_dir_all(top.join("sub")).await?;
/// rt_fs::write(top.join("sub/file"), b"x").await?;
/// rt_fs::remove_dir_all(&top).await?;
/// assert!(!rt_fs::try_exists(&top).await?);
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails as [`std::fs::remove_dir_all`] does: `path` does not exist or is not a
/// directory, or an entry cannot be removed (some may have been removed already); also if
/// the blocking operation panicked or was cancelled by the runtime shutting down.
///
/// # Cancel safety
///
/// Not cancel safe: once started, the removal runs to completion on the blocking pool even
/// if the future is dropped.
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir_all(path)).await
}

/// Renames a file or directory to a new name, replacing the original file if `to` already
/// exists.
///
/// This is an async version of [`std::fs::rename`]; it does not work across filesystems.
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let dir = std::env::temp_dir();
/// let a = dir.join(format!("rt-fs-doc-rename-a-{}", std::process::id()));
/// let b = dir.join(format!("rt-fs-doc-rename-b-{}", std::process::id()));
/// rt_fs::write(&a, b"x").await?;
/// rt_fs::rename(&a, &b).await?;
/// assert_eq!(rt_fs::read(&b).await?, b"x");
/// # rt_fs::remove_file(&b).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails as [`std::fs::rename`] does: `from` does not exist, `from` and `to` are on
/// different filesystems, or permission is denied; also if the blocking operation panicked
/// or was cancelled by the runtime shutting down.
///
/// # Cancel safety
///
/// Not cancel safe: once started, the operation completes on the blocking pool even if the
/// future is dropped, and its result is lost.
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    let from = from.as_ref().to_owned();
    let to = to.as_ref().to_owned();
    asyncify(move || std::fs::rename(from, to)).await
}

/// Creates a new hard link on the filesystem: `link` becomes another name of `original`.
///
/// This is an async version of [`std::fs::hard_link`].
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let dir = std::env::temp_dir();
/// let original = dir.join(format!("rt-fs-doc-hl-a-{}", std::process::id()));
/// let link = dir.join(format!("rt-fs-doc-hl-b-{}", std::process::id()));
/// rt_fs::write(&original, b"x").await?;
/// rt_fs::hard_link(&original, &link).await?;
/// assert_eq!(rt_fs::read(&link).await?, b"x");
/// # rt_fs::remove_file(&original).await?;
/// # rt_fs::remove_file(&link).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails as [`std::fs::hard_link`] does: `original` does not exist or is a directory,
/// `link` already exists, or the two are on different filesystems; also if the blocking
/// operation panicked or was cancelled by the runtime shutting down.
///
/// # Cancel safety
///
/// Not cancel safe: once started, the operation completes on the blocking pool even if the
/// future is dropped, and its result is lost.
pub async fn hard_link(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let original = original.as_ref().to_owned();
    let link = link.as_ref().to_owned();
    asyncify(move || std::fs::hard_link(original, link)).await
}

/// Creates a new symbolic link on the filesystem: `link` will point at `original`.
///
/// This is an async version of [`std::os::unix::fs::symlink`]; `original` need not exist.
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let dir = std::env::temp_dir();
/// let original = dir.join(format!("rt-fs-doc-sl-a-{}", std::process::id()));
/// let link = dir.join(format!("rt-fs-doc-sl-b-{}", std::process::id()));
/// rt_fs::write(&original, b"x").await?;
/// rt_fs::symlink(&original, &link).await?;
/// assert_eq!(rt_fs::read_link(&link).await?, original);
/// # rt_fs::remove_file(&original).await?;
/// # rt_fs::remove_file(&link).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails as [`std::os::unix::fs::symlink`] does: `link` already exists, its parent does
/// not, or permission is denied; also if the blocking operation panicked or was cancelled
/// by the runtime shutting down.
///
/// # Cancel safety
///
/// Not cancel safe: once started, the operation completes on the blocking pool even if the
/// future is dropped, and its result is lost.
#[cfg(unix)]
pub async fn symlink(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let original = original.as_ref().to_owned();
    let link = link.as_ref().to_owned();
    asyncify(move || std::os::unix::fs::symlink(original, link)).await
}

/// Reads a symbolic link, returning the path it points to.
///
/// This is an async version of [`std::fs::read_link`].
///
/// # Examples
///
/// See [`symlink`](crate::symlink).
///
/// # Errors
///
/// Fails as [`std::fs::read_link`] does: `path` does not exist or is not a symbolic link;
/// also if the blocking operation panicked or was cancelled by the runtime shutting down.
///
/// # Cancel safety
///
/// Dropping the future loses nothing but the result: reading a link changes nothing.
pub async fn read_link(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_link(path)).await
}

/// Returns the canonical, absolute form of a path, with every intermediate component
/// normalized and every symbolic link resolved.
///
/// This is an async version of [`std::fs::canonicalize`].
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let dir = std::env::temp_dir().join(format!("rt-fs-doc-canon-{}", std::process::id()));
/// rt_fs::create_dir_all(dir.join("a")).await?;
///
/// let canonical = rt_fs::canonicalize(dir.join("a/../a/.")).await?;
/// assert_eq!(canonical, rt_fs::canonicalize(dir.join("a")).await?);
/// assert!(canonical.is_absolute());
/// # rt_fs::remove_dir_all(&dir).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails as [`std::fs::canonicalize`] does: `path` does not exist, or a non-final
/// component is not a directory; also if the blocking operation panicked or was cancelled
/// by the runtime shutting down.
///
/// # Cancel safety
///
/// Dropping the future loses nothing but the result: resolving a path changes nothing.
pub async fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::canonicalize(path)).await
}
