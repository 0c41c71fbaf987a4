#![cfg(feature = "full")]
//! Accepting with the descriptor table full: `accept` returns `EMFILE`, the runtime does not
//! spin while a connection waits in the queue, and the listener works again once descriptors
//! are freed. In its own file: it lowers this process's open-file limit.

use std::fs::File;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpSocket, TcpStream};

/// Sets the soft `RLIMIT_NOFILE`.
fn set_fd_limit(soft: u64) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable `rlimit` for the call to fill.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) };
    assert_eq!(rc, 0, "getrlimit: {}", io::Error::last_os_error());
    lim.rlim_cur = soft.min(lim.rlim_max);
    // SAFETY: `lim` is a valid `rlimit`, its soft limit not above the hard one.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) };
    assert_eq!(rc, 0, "setrlimit: {}", io::Error::last_os_error());
}

/// Opens files until the table is full; returns them (dropping them frees the table).
fn exhaust_descriptors() -> Vec<File> {
    let mut files = Vec::new();
    loop {
        match File::open("/dev/null") {
            Ok(f) => files.push(f),
            Err(e) if e.raw_os_error() == Some(libc::EMFILE) => return files,
            Err(e) => panic!("unexpected error filling the descriptor table: {e}"),
        }
    }
}

fn is_out_of_descriptors(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EMFILE) | Some(libc::ENFILE))
}

#[test]
fn accept_reports_emfile_without_spinning_and_recovers() {
    for rt in [
        rt::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
        rt::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap(),
    ] {
        let metrics = rt.handle().metrics();
        rt.block_on(async {
            let listener = Arc::new(TcpListener::bind("127.0.0.1:0").await.unwrap());
            let addr = listener.local_addr().unwrap();
            // The client connects before the table fills; the kernel queues the connection.
            let mut client = TcpStream::connect(addr).await.unwrap();
            client.write_all(b"queued").await.unwrap();

            // A low limit keeps the table small to fill.
            set_fd_limit(512);
            let files = exhaust_descriptors();
            assert!(!files.is_empty());

            let err = listener.accept().await.unwrap_err();
            assert!(is_out_of_descriptors(&err), "expected EMFILE, got {err}");

            // The connection waits; a server backs off and retries. Meanwhile the runtime
            // must sleep: the readiness that stays set (edge-triggered) must not make the
            // reactor report it again and again, nor the task be polled in a loop.
            let polls_before = metrics.worker_poll_count(0);
            let parks_before = metrics.worker_park_count(0);
            let server = rt::spawn({
                let listener = listener.clone();
                async move {
                    let mut errors = 0;
                    for _ in 0..5 {
                        rt::time::sleep(Duration::from_millis(40)).await;
                        match listener.accept().await {
                            Err(e) if is_out_of_descriptors(&e) => errors += 1,
                            other => panic!("expected EMFILE, got {other:?}"),
                        }
                    }
                    errors
                }
            });
            let errors = server.await.unwrap();
            let polls = metrics.worker_poll_count(0) - polls_before;
            let parks = metrics.worker_park_count(0) - parks_before;
            println!(
                "while out of descriptors: {errors} accept errors, {polls} task polls, {parks} parks"
            );
            assert_eq!(errors, 5);
            assert!(polls <= 50, "the runtime spun: {polls} task polls in 200ms");
            assert!(parks <= 50, "the runtime spun: {parks} parks in 200ms");

            drop(files);
            let (mut server, peer) = listener.accept().await.unwrap();
            assert_eq!(peer, client.local_addr().unwrap());
            let mut buf = [0; 6];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"queued");

            // The listener keeps working for new connections.
            let (c, a) = rt::join!(TcpStream::connect(addr), listener.accept());
            let (mut c, (mut s, _)) = (c.unwrap(), a.unwrap());
            c.write_all(b"after").await.unwrap();
            let mut buf = [0; 5];
            s.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"after");

            // A task already waiting in `accept` when the table is full sleeps until a
            // connection arrives, then gets the error.
            let late = TcpSocket::new_v4().unwrap();
            let files = exhaust_descriptors();
            let waiting = rt::spawn({
                let listener = listener.clone();
                async move { listener.accept().await.map(|_| ()) }
            });
            let (accepted, connected) = rt::join!(async { waiting.await.unwrap() }, async {
                let polls_before = metrics.worker_poll_count(0);
                let parks_before = metrics.worker_park_count(0);
                rt::time::sleep(Duration::from_millis(100)).await;
                let polls = metrics.worker_poll_count(0) - polls_before;
                let parks = metrics.worker_park_count(0) - parks_before;
                println!("accept waiting, table full: {polls} task polls, {parks} parks in 100ms");
                assert!(polls <= 20, "the runtime spun: {polls} task polls in 100ms");
                assert!(parks <= 20, "the runtime spun: {parks} parks in 100ms");
                late.connect(addr).await
            });
            let err = accepted.unwrap_err();
            assert!(is_out_of_descriptors(&err), "expected EMFILE, got {err}");
            let mut late = connected.unwrap();
            drop(files);
            let (mut s, _) = listener.accept().await.unwrap();
            late.write_all(b"late").await.unwrap();
            let mut buf = [0; 4];
            s.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"late");

            set_fd_limit(u64::MAX);
        });
    }
}
