//! Reads that say whether they drained the socket, with Linux's `TCP_INQ`.
//!
//! After a read that filled the caller's buffer exactly, a plain `read` cannot tell whether
//! more bytes wait in the socket: the next read finds out, and with edge-triggered epoll it
//! is usually a system call that returns `WouldBlock`. In a request/response exchange of
//! fixed-size messages that is one wasted call per message. With `TCP_INQ` set, `recvmsg`
//! returns the bytes still queued after the read, so the reactor clears the socket's
//! readiness at once when it is zero and the next read waits for epoll instead.
//!
//! `recvmsg` with its control message costs more than `read`: about 3% more time per
//! request/response round trip here. It pays back only when a read fills its buffer
//! exactly, which small reads (a header, a fixed-size message) often do and large ones
//! rarely: reads into buffers larger than [`MAX_READ`] use plain `read`.

use std::io;
use std::mem::size_of;
use std::os::fd::RawFd;

use rt_io::ReadBuf;

/// The largest read that asks for the receive queue's length.
pub(super) const MAX_READ: usize = 4096;

/// Asks the kernel to report the receive queue's length after each `recvmsg`. Returns
/// whether it agreed (kernels before 4.18 do not know the option).
pub(super) fn enable(fd: RawFd) -> bool {
    let on: libc::c_int = 1;
    // SAFETY: `fd` is an open socket for the duration of the call, and the option value is a
    // valid `c_int` whose size is passed alongside.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_TCP,
            libc::TCP_INQ,
            (&raw const on).cast(),
            size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    rc == 0
}

/// Reads into `buf`'s unfilled part with `recvmsg`, without zeroing it first, and advances
/// `buf`; returns whether the socket is now empty. Without the kernel's answer, a read
/// shorter than the unfilled part counts as draining it (the heuristic of a plain read).
pub(super) fn recv(fd: RawFd, buf: &mut ReadBuf<'_>) -> io::Result<bool> {
    // SAFETY: the kernel only writes to this memory, never de-initializes it (the duty
    // `unfilled_mut` puts on us); the slice is not read here.
    let unfilled = unsafe { buf.unfilled_mut() };
    let len = unfilled.len();
    let mut iov = libc::iovec {
        iov_base: unfilled.as_mut_ptr().cast(),
        iov_len: len,
    };
    // Room for one control message holding a `c_int` (CMSG_SPACE(4) is 24 on Linux),
    // aligned as `cmsghdr` wants.
    let mut control = [0u64; 4];
    // SAFETY: `msghdr` is a plain C struct; all-zero is a valid (empty) value.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &raw mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = size_of_val(&control);
    // SAFETY: `msg` points at `iov` (which covers exactly the unfilled part of `buf`) and at
    // `control`, all alive and exclusively borrowed for the duration of the call.
    let n = unsafe { libc::recvmsg(fd, &raw mut msg, 0) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    let n = n as usize;
    // SAFETY: `recvmsg` wrote the first `n` bytes of the unfilled part (`n <= len`).
    unsafe { buf.assume_init(n) };
    buf.advance(n);
    let mut queued = None;
    // SAFETY: `msg` was filled by `recvmsg`; CMSG_FIRSTHDR/CMSG_NXTHDR only walk the control
    // buffer it describes (`control`, still alive) and return null past its end.
    let mut cmsg = unsafe { libc::CMSG_FIRSTHDR(&raw const msg) };
    while !cmsg.is_null() {
        // SAFETY: a non-null header from CMSG_FIRSTHDR/CMSG_NXTHDR lies inside `control`.
        let header = unsafe { &*cmsg };
        if header.cmsg_level == libc::SOL_TCP && header.cmsg_type == libc::TCP_CM_INQ {
            // SAFETY: a TCP_CM_INQ message carries one `c_int` at CMSG_DATA, inside
            // `control`; it may be unaligned, hence `read_unaligned`.
            queued = Some(unsafe { libc::CMSG_DATA(cmsg).cast::<libc::c_int>().read_unaligned() });
        }
        // SAFETY: as for CMSG_FIRSTHDR; `cmsg` is a header of this message.
        cmsg = unsafe { libc::CMSG_NXTHDR(&raw const msg, cmsg) };
    }
    Ok(match queued {
        Some(queued) => n > 0 && queued == 0,
        None => n > 0 && n < len,
    })
}
