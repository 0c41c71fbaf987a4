//! The credentials of the process at the other end of a Unix stream.

use std::io;
use std::os::fd::AsRawFd;

use super::{gid_t, pid_t, uid_t};

/// The credentials of a Unix socket's peer: its user and group ids, and its process id where
/// the platform reports it.
///
/// Returned by [`UnixStream::peer_cred`](super::UnixStream::peer_cred); on Linux these are
/// the credentials the peer had when it called `connect` (or `socketpair`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UCred {
    uid: uid_t,
    gid: gid_t,
    pid: Option<pid_t>,
}

impl UCred {
    /// The peer's effective user id.
    pub fn uid(&self) -> uid_t {
        self.uid
    }

    /// The peer's effective group id.
    pub fn gid(&self) -> gid_t {
        self.gid
    }

    /// The peer's process id, if the platform reports it (Linux and Android do).
    ///
    /// The process may have exited since; its id may then name another process.
    pub fn pid(&self) -> Option<pid_t> {
        self.pid
    }
}

/// Reads the peer credentials of the connected socket `sock` (`SO_PEERCRED`).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(super) fn peer_cred(sock: &impl AsRawFd) -> io::Result<UCred> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` is a writable `ucred` of `len` bytes that outlives the call, which
    // writes at most `len` bytes into it; a bad descriptor only makes it fail.
    let result = unsafe {
        libc::getsockopt(
            sock.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&raw mut cred).cast(),
            &mut len,
        )
    };
    if result != 0 {
        return Err(io::Error::last_os_error());
    }
    if len as usize != std::mem::size_of::<libc::ucred>() {
        return Err(io::Error::other("SO_PEERCRED returned a short ucred"));
    }
    Ok(UCred {
        uid: cred.uid,
        gid: cred.gid,
        pid: Some(cred.pid),
    })
}

/// Reads the peer's user and group ids of the connected socket `sock` (`getpeereid`).
#[cfg(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "openbsd",
    target_os = "netbsd"
))]
pub(super) fn peer_cred(sock: &impl AsRawFd) -> io::Result<UCred> {
    let mut uid: libc::uid_t = 0;
    let mut gid: libc::gid_t = 0;
    // SAFETY: `uid` and `gid` are writable locals that outlive the call; a bad descriptor
    // only makes it fail.
    let result = unsafe { libc::getpeereid(sock.as_raw_fd(), &mut uid, &mut gid) };
    if result != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(UCred {
        uid,
        gid,
        pid: None,
    })
}

/// No way to read a peer's credentials on this platform.
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "openbsd",
    target_os = "netbsd"
)))]
pub(super) fn peer_cred(_sock: &impl AsRawFd) -> io::Result<UCred> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "peer credentials are not supported on this platform",
    ))
}
