//! Metadata and permissions of a path: one std call each, on the blocking pool.

use std::fs::{Metadata, Permissions};
use std::io;
use std::path::Path;

use crate::blocking::asyncify;

/// Given a path, queries the file system to get information about a file, directory, etc.
///
/// This is an async version of [`std::fs::metadata`]: it follows symbolic links (use
/// [`symlink_metadata`] for the link itself).
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-fs-doc-meta-{}", std::process::id()));
/// rt_fs::write(&path, b"four").await?;
///
/// let meta = rt_fs::metadata(&path).await?;
/// assert!(meta.is_file());
/// assert_eq!(meta.len(), 4);
/// # rt_fs::remove_file(&path).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails as [`std::fs::metadata`] does: `path` does not exist
/// ([`ErrorKind::NotFound`](io::ErrorKind::NotFound)) or the user lacks permission to read
/// it; also if the blocking operation panicked or was cancelled by the runtime shutting
/// down.
///
/// # Cancel safety
///
/// Dropping the future loses nothing but the result: the query changes nothing.
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::metadata(path)).await
}

/// Queries the file system metadata for a path, without following a final symbolic link.
///
/// This is an async version of [`std::fs::symlink_metadata`].
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let dir = std::env::temp_dir();
/// let target = dir.join(format!("rt-fs-doc-slmeta-a-{}", std::process::id()));
/// let link = dir.join(format!("rt-fs-doc-slmeta-b-{}", std::process::id()));
/// rt_fs::write(&target, b"x").await?;
/// rt_fs::symlink(&target, &link).await?;
///
/// assert!(rt_fs::symlink_metadata(&link).await?.file_type().is_symlink());
/// assert!(rt_fs::metadata(&link).await?.is_file());
/// # rt_fs::remove_file(&link).await?;
/// # rt_fs::remove_file(&target).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// As [`metadata`].
///
/// # Cancel safety
///
/// Dropping the future loses nothing but the result: the query changes nothing.
pub async fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::symlink_metadata(path)).await
}

/// Changes the permissions found on a file or a directory.
///
/// This is an async version of [`std::fs::set_permissions`].
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-fs-doc-perm-{}", std::process::id()));
/// rt_fs::write(&path, b"x").await?;
///
/// let mut perms = rt_fs::metadata(&path).await?.permissions();
/// perms.set_readonly(true);
/// rt_fs::set_permissions(&path, perms).await?;
/// assert!(rt_fs::metadata(&path).await?.permissions().readonly());
/// # rt_fs::remove_file(&path).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails as [`std::fs::set_permissions`] does: `path` does not exist or the user may not
/// change its permissions; also if the blocking operation panicked or was cancelled by the
/// runtime shutting down.
///
/// # Cancel safety
///
/// Not cancel safe: once started, the change completes on the blocking pool even if the
/// future is dropped, and its result is lost.
pub async fn set_permissions(path: impl AsRef<Path>, perm: Permissions) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::set_permissions(path, perm)).await
}

/// Returns `Ok(true)` if the path points at an existing entity.
///
/// This is an async version of [`std::fs::exists`] (as Tokio's `try_exists`): it follows
/// symbolic links, so a broken link gives `Ok(false)`. Unlike `Path::exists`, it reports
/// the errors that leave the answer unknown instead of turning them into `false`.
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// # let name = format!("rt-fs-doc-exists-{}", std::process::id());
/// let path = std::env::temp_dir().join(name);
/// assert!(!rt_fs::try_exists(&path).await?);
/// rt_fs::write(&path, b"x").await?;
/// assert!(rt_fs::try_exists(&path).await?);
/// # rt_fs::remove_file(&path).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Errors
///
/// Fails when existence can be neither confirmed nor denied, for example when permission
/// to a parent directory is denied; also if the blocking operation panicked or was
/// cancelled by the runtime shutting down.
///
/// # Cancel safety
///
/// Dropping the future loses nothing but the result: the query changes nothing.
pub async fn try_exists(path: impl AsRef<Path>) -> io::Result<bool> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::exists(path)).await
}
