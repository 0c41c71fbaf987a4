//! `OpenOptions`: std's options for opening a file, with an async `open`.

use std::io;
use std::path::Path;

use crate::File;
use crate::blocking::asyncify;

/// Options and flags which can be used to configure how a file is opened.
///
/// This builder exposes the ability to configure how a [`File`] is opened and what
/// operations are permitted on the open file. [`File::open`] and [`File::create`] are
/// aliases for commonly used options of this builder.
///
/// Generally speaking, when using `OpenOptions`, you'll first call [`new`], then chain
/// calls to methods to set each option, then call [`open`], passing the path of the file
/// you're trying to open. This gives you a [`io::Result`] with a [`File`] inside that you
/// can further operate on.
///
/// This is a specialized version of [`std::fs::OpenOptions`] for use from the async
/// world: only [`open`] differs, running on the blocking pool. On unix, [`mode`] and
/// [`custom_flags`] are inherent methods here (std has them on its
/// `OpenOptionsExt` trait).
///
/// [`new`]: OpenOptions::new
/// [`open`]: OpenOptions::open
/// [`mode`]: OpenOptions::mode
/// [`custom_flags`]: OpenOptions::custom_flags
///
/// # Examples
///
/// ```
/// use rt_fs::OpenOptions;
///
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-fs-doc-oo-{}", std::process::id()));
/// let file = OpenOptions::new()
///     .read(true)
///     .write(true)
///     .create(true)
///     .truncate(true)
///     .open(&path)
///     .await?;
/// # drop(file);
/// # rt_fs::remove_file(&path).await?;
/// # Ok::<_, std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions(std::fs::OpenOptions);

impl OpenOptions {
    /// Creates a blank new set of options ready for configuration.
    ///
    /// All options are initially set to `false`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = rt_fs::OpenOptions::new();
    /// options.read(true);
    /// ```
    #[must_use]
    pub fn new() -> OpenOptions {
        OpenOptions(std::fs::OpenOptions::new())
    }

    /// Sets the option for read access.
    ///
    /// This option, when true, will indicate that the file should be `read`-able if
    /// opened.
    ///
    /// # Examples
    ///
    /// ```
    /// rt_fs::OpenOptions::new().read(true);
    /// ```
    pub fn read(&mut self, read: bool) -> &mut OpenOptions {
        self.0.read(read);
        self
    }

    /// Sets the option for write access.
    ///
    /// This option, when true, will indicate that the file should be `write`-able if
    /// opened. If the file already exists, any write calls on it will overwrite its
    /// contents, without truncating it.
    ///
    /// # Examples
    ///
    /// ```
    /// rt_fs::OpenOptions::new().write(true);
    /// ```
    pub fn write(&mut self, write: bool) -> &mut OpenOptions {
        self.0.write(write);
        self
    }

    /// Sets the option for the append mode.
    ///
    /// This option, when true, means that writes will append to a file instead of
    /// overwriting previous contents. Note that setting `.write(true).append(true)` has
    /// the same effect as setting only `.append(true)`.
    ///
    /// In append mode every write lands at the end of the file, whatever the file's
    /// position; seeking still moves the position reads use.
    ///
    /// # Examples
    ///
    /// ```
    /// rt_fs::OpenOptions::new().append(true);
    /// ```
    pub fn append(&mut self, append: bool) -> &mut OpenOptions {
        self.0.append(append);
        self
    }

    /// Sets the option for truncating a previous file.
    ///
    /// If a file is successfully opened with this option set it will truncate the file to
    /// 0 length if it already exists. The file must be opened with write access for
    /// truncate to work.
    ///
    /// # Examples
    ///
    /// ```
    /// rt_fs::OpenOptions::new().write(true).truncate(true);
    /// ```
    pub fn truncate(&mut self, truncate: bool) -> &mut OpenOptions {
        self.0.truncate(truncate);
        self
    }

    /// Sets the option for creating a new file.
    ///
    /// This option indicates whether a new file will be created if the file does not yet
    /// already exist. In order for the file to be created, write or append access must be
    /// used.
    ///
    /// # Examples
    ///
    /// ```
    /// rt_fs::OpenOptions::new().write(true).create(true);
    /// ```
    pub fn create(&mut self, create: bool) -> &mut OpenOptions {
        self.0.create(create);
        self
    }

    /// Sets the option to always create a new file.
    ///
    /// This option indicates whether a new file will be created. No file is allowed to
    /// exist at the target location, also no (dangling) symlink. The check and the
    /// creation are atomic. If this option is set, `create` and `truncate` are ignored.
    /// The file must be opened with write or append access.
    ///
    /// # Examples
    ///
    /// ```
    /// rt_fs::OpenOptions::new().write(true).create_new(true);
    /// ```
    pub fn create_new(&mut self, create_new: bool) -> &mut OpenOptions {
        self.0.create_new(create_new);
        self
    }

    /// Opens a file at `path` with the options specified by `self`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_fs::OpenOptions;
    /// use rt::io::AsyncWriteExt;
    ///
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let name = format!("rt-fs-doc-oo-open-{}", std::process::id());
    /// let path = std::env::temp_dir().join(name);
    /// let mut file = OpenOptions::new().write(true).create(true).open(&path).await?;
    /// file.write_all(b"hello").await?;
    /// file.flush().await?;
    /// # rt_fs::remove_file(&path).await?;
    /// # Ok::<_, std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// This function will return an error under a number of different circumstances,
    /// as [`std::fs::OpenOptions::open`] does. Some of these error conditions are listed
    /// here, together with their [`io::ErrorKind`]:
    ///
    /// * [`NotFound`](io::ErrorKind::NotFound): the file does not exist and neither
    ///   `create` nor `create_new` is set.
    /// * [`AlreadyExists`](io::ErrorKind::AlreadyExists): `create_new` is set and the
    ///   file exists.
    /// * [`PermissionDenied`](io::ErrorKind::PermissionDenied): the user lacks permission
    ///   to open the file with these options.
    /// * [`InvalidInput`](io::ErrorKind::InvalidInput): the combination of options is
    ///   invalid (for example `truncate` without write access).
    ///
    /// It also fails if the blocking operation panicked or was cancelled by the runtime
    /// shutting down.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: once started, the open completes on the blocking pool even if the
    /// future is dropped (creating or truncating the file as asked); the opened file is
    /// then closed.
    pub async fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        let options = self.0.clone();
        let std = asyncify(move || options.open(path)).await?;
        Ok(File::from_std(std))
    }

    /// Sets the mode bits that a new file will be created with (before the process's umask
    /// applies).
    ///
    /// If a new file is created as part of an `open` call then this specified `mode` will
    /// be used as the permission bits for the new file. If no `mode` is set, the default
    /// of `0o666` will be used.
    ///
    /// # Examples
    ///
    /// ```
    /// rt_fs::OpenOptions::new().write(true).create(true).mode(0o600);
    /// ```
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::mode(&mut self.0, mode);
        self
    }

    /// Passes custom flags to the `flags` argument of `open`.
    ///
    /// The bits that define the access mode are masked out with `O_ACCMODE`, to ensure
    /// they do not interfere with the access mode set by Rust's options. Custom flags can
    /// only set flags, not remove flags set by Rust's options.
    ///
    /// # Examples
    ///
    /// ```
    /// // O_NOFOLLOW on x86-64 Linux.
    /// rt_fs::OpenOptions::new().read(true).custom_flags(0o400000);
    /// ```
    #[cfg(unix)]
    pub fn custom_flags(&mut self, flags: i32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut self.0, flags);
        self
    }
}

impl From<std::fs::OpenOptions> for OpenOptions {
    fn from(options: std::fs::OpenOptions) -> OpenOptions {
        OpenOptions(options)
    }
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self::new()
    }
}
