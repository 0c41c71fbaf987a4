//! The check every `from_std` makes: rt drives only non-blocking sockets.

use std::io;
use std::os::fd::AsFd;

/// Checks, in debug builds, that a socket handed to `from_std` is in non-blocking mode: a
/// blocking one would stall the runtime thread that uses it.
///
/// # Panics
///
/// In debug builds, if the socket is in blocking mode.
#[track_caller]
pub(crate) fn debug_check_nonblocking(sock: &impl AsFd) -> io::Result<()> {
    if cfg!(debug_assertions) {
        let nonblocking = socket2::SockRef::from(sock).nonblocking()?;
        assert!(
            nonblocking,
            "registering a blocking socket with the rt runtime is unsupported; \
             call `set_nonblocking(true)` on it first"
        );
    }
    Ok(())
}
