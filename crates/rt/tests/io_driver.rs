#![cfg(feature = "full")]
//! The reactor, through `AsyncFd` on Unix socket pairs: readiness wakes the waiting task,
//! edge-triggered readiness is kept until cleared, several waiters are all woken, a parked
//! runtime wakes for remote work, and misuse panics with Tokio's wording.

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::thread;
use std::time::Duration;

use rt::io::unix::AsyncFd;
use rt::io::{Interest, Ready};

/// A non-blocking socket pair, the first end registered by the caller.
fn pair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    (a, b)
}

/// Reads what `fd` has, waiting for readiness; clears readiness on `WouldBlock`.
async fn read_some(fd: &AsyncFd<UnixStream>, buf: &mut [u8]) -> usize {
    loop {
        let mut guard = fd.readable().await.unwrap();
        match guard.try_io(|fd| fd.get_ref().read(buf)) {
            Ok(result) => return result.unwrap(),
            Err(_would_block) => continue,
        }
    }
}

/// Yields to the scheduler `n` times, to let other tasks (and the driver) run.
async fn yield_times(n: usize) {
    for _ in 0..n {
        rt::task::yield_now().await;
    }
}

rt_test! {
    #[test]
    fn data_from_another_thread_wakes_the_reader() {
        rt().block_on(async {
            let (a, mut b) = pair();
            let a = AsyncFd::new(a).unwrap();
            let writer = thread::spawn(move || {
                thread::sleep(Duration::from_millis(20));
                b.write_all(b"hello").unwrap();
                b
            });
            let mut buf = [0u8; 16];
            let n = read_some(&a, &mut buf).await;
            assert_eq!(&buf[..n], b"hello");
            drop(writer.join().unwrap());
        });
    }

    #[test]
    fn a_partial_read_keeps_the_rest_ready() {
        // Edge-triggered epoll reports the data once; readiness stays set until a read
        // would block, so the rest is read without a new event.
        rt().block_on(async {
            let (a, mut b) = pair();
            let a = AsyncFd::new(a).unwrap();
            b.write_all(&[7u8; 100]).unwrap();
            let mut small = [0u8; 10];
            assert_eq!(read_some(&a, &mut small).await, 10);
            let mut rest = [0u8; 200];
            assert_eq!(read_some(&a, &mut rest).await, 90);
            // Now drained: the next wait needs new data, which arrives in a second burst.
            let reader = Arc::new(a);
            let done = Arc::new(AtomicBool::new(false));
            let task = rt::spawn({
                let (reader, done) = (reader.clone(), done.clone());
                async move {
                    let mut buf = [0u8; 64];
                    let n = read_some(&reader, &mut buf).await;
                    done.store(true, SeqCst);
                    n
                }
            });
            yield_times(20).await;
            assert!(!done.load(SeqCst), "woken without new data");
            b.write_all(&[1u8; 5]).unwrap();
            assert_eq!(task.await.unwrap(), 5);
        });
    }

    #[test]
    fn every_waiter_is_woken() {
        rt().block_on(async {
            let (a, mut b) = pair();
            let a = Arc::new(AsyncFd::with_interest(a, Interest::READABLE).unwrap());
            let waiters: Vec<_> = (0..8)
                .map(|_| {
                    let a = a.clone();
                    rt::spawn(async move {
                        let guard = a.readable().await.unwrap();
                        guard.ready()
                    })
                })
                .collect();
            yield_times(20).await;
            b.write_all(b"x").unwrap();
            for waiter in waiters {
                assert!(waiter.await.unwrap().is_readable());
            }
        });
    }

    #[test]
    fn writable_at_once_and_peer_close_is_read_closed() {
        rt().block_on(async {
            let (a, b) = pair();
            let a = AsyncFd::new(a).unwrap();
            let guard = a.writable().await.unwrap();
            assert!(guard.ready().is_writable());
            drop(guard);
            drop(b);
            let guard = a.ready(Interest::READABLE).await.unwrap();
            assert!(guard.ready().is_read_closed(), "{:?}", guard.ready());
            // A closed half stays closed: clearing does not forget it.
            let mut guard = guard;
            guard.clear_ready();
            let again = a.readable().await.unwrap();
            assert!(again.ready().is_read_closed());
        });
    }

    #[test]
    fn clear_ready_matching_keeps_the_rest() {
        rt().block_on(async {
            let (a, mut b) = pair();
            let a = AsyncFd::new(a).unwrap();
            b.write_all(b"x").unwrap();
            let mut guard = a.ready(Interest::READABLE | Interest::WRITABLE).await.unwrap();
            // Wait until both are reported (the write is already buffered).
            while !(guard.ready().is_readable() && guard.ready().is_writable()) {
                drop(guard);
                rt::task::yield_now().await;
                guard = a.ready(Interest::READABLE | Interest::WRITABLE).await.unwrap();
            }
            guard.clear_ready_matching(Ready::WRITABLE);
            assert!(guard.ready().is_readable());
            assert!(!guard.ready().is_writable());
            drop(guard);
            let still = a.readable().await.unwrap();
            assert!(still.ready().is_readable());
        });
    }

    #[test]
    fn async_io_retries_until_done() {
        rt().block_on(async {
            let (a, b) = pair();
            let a = AsyncFd::new(a).unwrap();
            let b = AsyncFd::new(b).unwrap();
            let reader = async {
                let mut buf = [0u8; 4];
                let n = a
                    .async_io(Interest::READABLE, |fd| (&*fd).read(&mut buf))
                    .await
                    .unwrap();
                buf[..n].to_vec()
            };
            let writer = async {
                yield_times(5).await;
                b.async_io(Interest::WRITABLE, |fd| (&*fd).write(b"abcd"))
                    .await
                    .unwrap()
            };
            let (read, written) = rt::join!(reader, writer);
            assert_eq!(written, 4);
            assert_eq!(read, b"abcd");
        });
    }

    #[test]
    fn a_parked_runtime_wakes_for_remote_work() {
        // The runtime parks in epoll; a wake from another thread goes through mio's waker.
        rt().block_on(async {
            let (tx, rx) = rt::sync::oneshot::channel();
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(30));
                tx.send(42).unwrap();
            });
            assert_eq!(rx.await.unwrap(), 42);
        });
    }

    #[test]
    fn many_registrations_come_and_go() {
        // Released registrations are freed by the driver on a later turn; churn through far
        // more than the wake threshold, waiting on each.
        rt().block_on(async {
            for i in 0..2_000u32 {
                let (a, mut b) = pair();
                let a = AsyncFd::new(a).unwrap();
                b.write_all(&i.to_le_bytes()).unwrap();
                let mut buf = [0u8; 4];
                assert_eq!(read_some(&a, &mut buf).await, 4);
                assert_eq!(u32::from_le_bytes(buf), i);
            }
        });
    }

    #[test]
    fn a_waiting_task_does_not_hold_up_shutdown() {
        let runtime = rt();
        let (a, b) = pair();
        let entered = Arc::new(AtomicBool::new(false));
        let flag = entered.clone();
        runtime.spawn(async move {
            let a = AsyncFd::new(a).unwrap();
            flag.store(true, SeqCst);
            let _ = a.readable().await;
        });
        runtime.block_on(async {
            while !entered.load(SeqCst) {
                rt::task::yield_now().await;
            }
        });
        drop(runtime);
        drop(b);
    }

    #[test]
    fn into_inner_hands_the_descriptor_back() {
        rt().block_on(async {
            let (a, mut b) = pair();
            let a = AsyncFd::new(a).unwrap();
            let mut a = a.into_inner();
            b.write_all(b"still works").unwrap();
            let mut buf = [0u8; 32];
            let n = loop {
                match a.read(&mut buf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => thread::yield_now(),
                    Err(e) => panic!("{e}"),
                }
            };
            assert_eq!(&buf[..n], b"still works");
        });
    }
}

#[test]
#[should_panic(
    expected = "there is no reactor running, must be called from the context of an rt runtime"
)]
fn async_fd_outside_a_runtime_panics() {
    let (a, _b) = pair();
    let _ = AsyncFd::new(a);
}

#[test]
#[should_panic(expected = "IO is disabled. Call `enable_io` on the runtime builder to enable IO.")]
fn async_fd_without_io_enabled_panics() {
    let runtime = rt::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(async {
        let (a, _b) = pair();
        let _ = AsyncFd::new(a);
    });
}

#[test]
fn a_regular_file_is_refused_with_an_error() {
    let runtime = rt::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    runtime.block_on(async {
        let file = std::fs::File::open("/proc/self/status").unwrap();
        let err = AsyncFd::try_new(file).unwrap_err();
        let (_file, cause) = err.into_parts();
        // epoll refuses regular files with EPERM.
        assert_eq!(cause.kind(), io::ErrorKind::PermissionDenied, "{cause}");
    });
}
