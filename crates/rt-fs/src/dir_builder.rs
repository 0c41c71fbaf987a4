//! `DirBuilder`: creating a directory with options.

use std::io;
use std::path::Path;

use crate::blocking::asyncify;

/// A builder for creating directories in various manners.
///
/// This is a specialized version of [`std::fs::DirBuilder`] for use from the async world;
/// [`create`](DirBuilder::create) runs on the blocking pool.
///
/// # Examples
///
/// ```
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let top = std::env::temp_dir().join(format!("rt-fs-doc-dirb-{}", std::process::id()));
/// rt_fs::DirBuilder::new()
///     .recursive(true)
///     .create(top.join("a/b"))
///     .await?;
/// assert!(rt_fs::metadata(top.join("a/b")).await?.is_dir());
/// # rt_fs::remove_dir_all(&top).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Default, Clone)]
pub struct DirBuilder {
    /// Create the missing parents too.
    recursive: bool,
    /// The permission bits of the new directories (unix), before the umask.
    #[cfg(unix)]
    mode: Option<u32>,
}

impl DirBuilder {
    /// Creates a new set of options with default mode/security settings for all platforms
    /// and also non-recursive.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = rt_fs::DirBuilder::new();
    /// # drop(builder);
    /// ```
    #[must_use]
    pub fn new() -> Self {
        DirBuilder::default()
    }

    /// Indicates whether to create the directory's missing parents too (as
    /// [`create_dir_all`](crate::create_dir_all)).
    ///
    /// This option defaults to `false`. With it, `create` also succeeds when the directory
    /// exists already.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = rt_fs::DirBuilder::new();
    /// builder.recursive(true);
    /// ```
    pub fn recursive(&mut self, recursive: bool) -> &mut Self {
        self.recursive = recursive;
        self
    }

    /// Sets the mode to create new directories with (before the process's umask applies).
    ///
    /// This option defaults to `0o777`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = rt_fs::DirBuilder::new();
    /// builder.mode(0o775);
    /// ```
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut Self {
        self.mode = Some(mode);
        self
    }

    /// Creates the specified directory with the configured options.
    ///
    /// It is considered an error if the directory already exists unless recursive mode
    /// is enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-dirb-mode-{}", std::process::id());
    /// let dir = std::env::temp_dir().join(name);
    /// rt_fs::DirBuilder::new().mode(0o700).create(&dir).await?;
    /// # rt_fs::remove_dir(&dir).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// Fails as [`std::fs::DirBuilder::create`] does: the user lacks permission, a parent
    /// is missing (when not recursive), `path` exists (when not recursive, with
    /// [`ErrorKind::AlreadyExists`](io::ErrorKind::AlreadyExists)) or is not a directory;
    /// also if the blocking operation panicked or was cancelled by the runtime shutting
    /// down.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: once started, the creation completes on the blocking pool even if
    /// the future is dropped, and its result is lost.
    pub async fn create(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref().to_owned();
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(self.recursive);
        #[cfg(unix)]
        if let Some(mode) = self.mode {
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, mode);
        }
        asyncify(move || builder.create(path)).await
    }
}
