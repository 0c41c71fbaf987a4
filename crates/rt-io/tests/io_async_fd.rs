//! `AsyncFd` on Unix socket pairs made non-blocking at creation (`SOCK_NONBLOCK`): the
//! reactor's token path (an event's token back to its `ScheduledIo`, rule R1 of the driver)
//! in a form that also runs under miri, which cannot run `set_nonblocking`'s `ioctl` and
//! has no `send` on its socket pairs: the ends are used through `File`, whose `read` and
//! `write` are the plain syscalls. The full reactor suite is `crates/rt/tests/io_driver.rs`.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::thread;

use rt::io::unix::AsyncFd;

/// A non-blocking, close-on-exec socket pair.
fn pair() -> (File, File) {
    let mut fds = [0; 2];
    let flags = libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
    // SAFETY: `fds` has room for the two descriptors the call writes.
    let result = unsafe { libc::socketpair(libc::AF_UNIX, flags, 0, fds.as_mut_ptr()) };
    assert_eq!(result, 0, "socketpair: {}", io::Error::last_os_error());
    // SAFETY: both descriptors were just created and are owned by nothing else.
    let (a, b) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    (File::from(a), File::from(b))
}

/// Reads what `fd` has, waiting for readiness; clears readiness on `WouldBlock`.
async fn read_some(fd: &AsyncFd<File>, buf: &mut [u8]) -> usize {
    loop {
        let mut guard = fd.readable().await.unwrap();
        match guard.try_io(|fd| fd.get_ref().read(buf)) {
            Ok(result) => return result.unwrap(),
            Err(_would_block) => continue,
        }
    }
}

#[rt::test]
async fn data_from_another_thread_wakes_the_reader() {
    let (a, mut b) = pair();
    let a = AsyncFd::new(a).unwrap();
    let writer = thread::spawn(move || {
        b.write_all(b"hello").unwrap();
        b
    });
    let mut buf = [0u8; 16];
    let n = read_some(&a, &mut buf).await;
    assert_eq!(&buf[..n], b"hello");
    drop(writer.join().unwrap());
}

#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn registrations_come_and_go_while_others_stay() {
    // More releases than the driver's wake threshold (16): released registrations are
    // freed on later turns (R1) while every third one stays registered.
    let mut kept = Vec::new();
    for i in 0..40u32 {
        let (a, mut b) = pair();
        let a = AsyncFd::new(a).unwrap();
        b.write_all(&i.to_le_bytes()).unwrap();
        let mut buf = [0u8; 4];
        assert_eq!(read_some(&a, &mut buf).await, 4);
        assert_eq!(u32::from_le_bytes(buf), i);
        if i % 3 == 0 {
            kept.push((a, b));
        }
    }
    for (a, b) in &mut kept {
        b.write_all(b"!").unwrap();
        let mut buf = [0u8; 1];
        assert_eq!(read_some(a, &mut buf).await, 1);
    }
}
