#![cfg(all(feature = "full", unix))]
//! Unix-domain sockets: streams (echo, half-close, pair, credentials, splitting), the
//! listener, and datagram sockets, on every runtime flavour.

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;
#[path = "support/util.rs"]
mod util;

use std::future::poll_fn;
use std::io::{ErrorKind, IoSlice, IoSliceMut};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use rt::io::{AsyncReadExt, AsyncWriteExt, Interest, ReadBuf};
use rt::net::unix::{OwnedReadHalf, OwnedWriteHalf, SocketAddr, UCred};
use rt::net::{UnixDatagram, UnixListener, UnixStream};

/// A fresh directory under the system temp dir, removed (with its sockets) on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "rt-net-unix-{}-{}-{tag}",
            std::process::id(),
            NEXT.fetch_add(1, SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Fails a test that waits too long instead of hanging it (a lost wakeup shows up here).
async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    match rt::time::timeout(Duration::from_secs(10), f).await {
        Ok(v) => v,
        Err(_) => panic!("timed out: {what}"),
    }
}

fn assert_unnamed_or_path(addr: &SocketAddr, path: Option<&Path>) {
    assert_eq!(addr.as_pathname(), path, "{addr:?}");
    assert_eq!(addr.is_unnamed(), path.is_none(), "{addr:?}");
}

rt_test! {
    #[test]
    fn stream_echo_through_listener() {
        rt().block_on(async {
            let dir = TempDir::new("echo");
            let path = dir.path("sock");
            let listener = UnixListener::bind(&path).unwrap();
            assert_unnamed_or_path(&listener.local_addr().unwrap(), Some(&path));

            let server = rt::spawn(async move {
                let (mut stream, peer) = listener.accept().await.unwrap();
                assert!(peer.is_unnamed());
                let mut buf = vec![0; 1024];
                loop {
                    let n = stream.read(&mut buf).await.unwrap();
                    if n == 0 {
                        break;
                    }
                    stream.write_all(&buf[..n]).await.unwrap();
                }
            });

            let mut client = UnixStream::connect(&path).await.unwrap();
            assert_unnamed_or_path(&client.peer_addr().unwrap(), Some(&path));
            assert!(client.local_addr().unwrap().is_unnamed());
            let payload: Vec<u8> = (0..64 * 1024).map(|i| i as u8).collect();
            let (mut rd, mut wr) = client.split();
            let writer = async {
                wr.write_all(&payload).await.unwrap();
                wr.shutdown().await.unwrap();
            };
            let reader = async {
                let mut got = Vec::new();
                rd.read_to_end(&mut got).await.unwrap();
                got
            };
            let ((), got) = within("echo", async { rt::join!(writer, reader) }).await;
            assert_eq!(got, payload);
            server.await.unwrap();
            assert!(client.take_error().unwrap().is_none());
        });
    }

    #[test]
    fn stream_half_close_reads_all_then_eof() {
        rt().block_on(async {
            let (mut a, mut b) = UnixStream::pair().unwrap();
            let data = vec![7u8; 300 * 1024];
            let expected = data.clone();
            let writer = rt::spawn(async move {
                a.write_all(&data).await.unwrap();
                a.shutdown().await.unwrap();
                // The read half stays open: the peer can still answer.
                let mut reply = [0; 2];
                a.read_exact(&mut reply).await.unwrap();
                assert_eq!(&reply, b"ok");
            });
            let mut got = Vec::new();
            within("read to eof", b.read_to_end(&mut got)).await.unwrap();
            assert_eq!(got.len(), expected.len());
            assert!(got == expected);
            // After end-of-file, reads keep returning 0.
            assert_eq!(b.read(&mut [0; 8]).await.unwrap(), 0);
            b.write_all(b"ok").await.unwrap();
            within("writer", writer).await.unwrap();
        });
    }

    #[test]
    fn read_does_not_zero_an_uninit_buffer_first() {
        rt().block_on(async {
            let (client, server) = UnixStream::pair().unwrap();
            util::read_does_not_zero(client, server).await;
        });
    }

    #[test]
    fn stream_pair_try_read_write_and_vectored() {
        rt().block_on(async {
            let (mut a, b) = UnixStream::pair().unwrap();
            assert!(a.local_addr().unwrap().is_unnamed());
            assert!(a.peer_addr().unwrap().is_unnamed());

            // Nothing to read yet.
            let mut buf = [0; 16];
            match b.try_read(&mut buf) {
                Err(e) => assert_eq!(e.kind(), ErrorKind::WouldBlock),
                Ok(n) => panic!("read {n} bytes from an empty stream"),
            }

            a.writable().await.unwrap();
            assert_eq!(a.try_write(b"hello ").unwrap(), 6);
            let bufs = [IoSlice::new(b"vec"), IoSlice::new(b"tored")];
            assert_eq!(a.try_write_vectored(&bufs).unwrap(), 8);

            let ready = within("ready", b.ready(Interest::READABLE)).await.unwrap();
            assert!(ready.is_readable());
            let mut first = [0; 6];
            let mut second = [0; 8];
            let n = {
                let mut slices = [IoSliceMut::new(&mut first), IoSliceMut::new(&mut second)];
                b.try_read_vectored(&mut slices).unwrap()
            };
            assert_eq!(n, 14);
            assert_eq!(&first, b"hello ");
            assert_eq!(&second, b"vectored");

            // Drained: try_read says WouldBlock, and readable waits for the next write.
            assert_eq!(b.try_read(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
            let wait = rt::spawn(async move {
                b.readable().await.unwrap();
                let mut buf = [0; 4];
                let n = b.try_read(&mut buf).unwrap();
                buf[..n].to_vec()
            });
            rt::task::yield_now().await;
            a.write_all(b"late").await.unwrap();
            assert_eq!(within("readable", wait).await.unwrap(), b"late");
        });
    }

    #[test]
    fn stream_poll_ready_and_poll_accept() {
        rt().block_on(async {
            let dir = TempDir::new("poll");
            let path = dir.path("sock");
            let listener = UnixListener::bind(&path).unwrap();
            let client = rt::spawn({
                let path = path.clone();
                async move { UnixStream::connect(&path).await.unwrap() }
            });
            let (server, _) = within("poll_accept", poll_fn(|cx| listener.poll_accept(cx)))
                .await
                .unwrap();
            let client = client.await.unwrap();
            within("write ready", poll_fn(|cx| client.poll_write_ready(cx))).await.unwrap();
            client.try_write(b"x").unwrap();
            within("read ready", poll_fn(|cx| server.poll_read_ready(cx))).await.unwrap();
            assert_eq!(server.try_read(&mut [0; 4]).unwrap(), 1);
        });
    }

    #[test]
    fn stream_peer_cred_is_this_process() {
        rt().block_on(async {
            use std::os::unix::fs::MetadataExt;

            let (a, b) = UnixStream::pair().unwrap();
            let proc_self = std::fs::metadata("/proc/self").unwrap();
            for cred in [a.peer_cred().unwrap(), b.peer_cred().unwrap()] {
                let cred: UCred = cred;
                assert_eq!(cred.uid(), proc_self.uid());
                assert_eq!(cred.gid(), proc_self.gid());
                assert_eq!(cred.pid(), Some(std::process::id() as i32));
            }

            // Through a listener too.
            let dir = TempDir::new("cred");
            let path = dir.path("sock");
            let listener = UnixListener::bind(&path).unwrap();
            let client = UnixStream::connect(&path).await.unwrap();
            let (server, _) = listener.accept().await.unwrap();
            assert_eq!(server.peer_cred().unwrap().pid(), Some(std::process::id() as i32));
            assert_eq!(client.peer_cred().unwrap().uid(), proc_self.uid());
        });
    }

    #[test]
    fn stream_into_split_across_tasks_and_reunite() {
        rt().block_on(async {
            let (a, mut b) = UnixStream::pair().unwrap();
            let (mut rd, mut wr): (OwnedReadHalf, OwnedWriteHalf) = a.into_split();
            assert!(rd.peer_addr().unwrap().is_unnamed());
            assert!(wr.local_addr().unwrap().is_unnamed());

            let reader = rt::spawn(async move {
                let mut buf = [0; 5];
                rd.read_exact(&mut buf).await.unwrap();
                assert_eq!(&buf, b"to-a!");
                rd
            });
            let writer = rt::spawn(async move {
                wr.write_all(b"to-b!").await.unwrap();
                wr
            });
            let mut buf = [0; 5];
            b.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"to-b!");
            b.write_all(b"to-a!").await.unwrap();
            let rd = within("reader", reader).await.unwrap();
            let wr = within("writer", writer).await.unwrap();

            // Reunited, the stream is still open both ways.
            let mut a = rd.reunite(wr).unwrap();
            a.write_all(b"again").await.unwrap();
            b.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"again");
            b.write_all(b"back!").await.unwrap();
            a.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"back!");
        });
    }

    #[test]
    fn stream_reunite_rejects_halves_of_different_streams() {
        rt().block_on(async {
            let (a, _peer_a) = UnixStream::pair().unwrap();
            let (b, _peer_b) = UnixStream::pair().unwrap();
            let (rd_a, wr_a) = a.into_split();
            let (rd_b, wr_b) = b.into_split();
            let err = rd_a.reunite(wr_b).unwrap_err();
            assert_eq!(
                err.to_string(),
                "tried to reunite halves that are not from the same socket"
            );
            // The halves come back and still pair with their own.
            let rt::net::unix::ReuniteError(rd_a, wr_b) = err;
            wr_a.reunite(rd_a).unwrap();
            rd_b.reunite(wr_b).unwrap();
        });
    }

    #[test]
    fn stream_owned_write_half_drop_shuts_down_forget_does_not() {
        rt().block_on(async {
            let (a, mut b) = UnixStream::pair().unwrap();
            let (_rd, mut wr) = a.into_split();
            wr.write_all(b"bye").await.unwrap();
            drop(wr);
            let mut got = Vec::new();
            within("eof after drop", b.read_to_end(&mut got)).await.unwrap();
            assert_eq!(got, b"bye");

            let (a, b) = UnixStream::pair().unwrap();
            let (_rd, wr) = a.into_split();
            wr.forget();
            // No end-of-file: the read half keeps the socket open and nothing shut it.
            let mut buf = [0; 1];
            match b.try_read(&mut buf) {
                Err(e) => assert_eq!(e.kind(), ErrorKind::WouldBlock),
                Ok(n) => panic!("expected no data and no eof, read {n}"),
            }
        });
    }

    #[test]
    fn stream_try_io_and_async_io() {
        rt().block_on(async {
            use std::io::{Read, Write};
            use std::os::fd::AsFd;

            let (a, b) = UnixStream::pair().unwrap();
            // A duplicate descriptor of `b`'s socket to do the I/O with (same socket, still
            // non-blocking).
            let mut b_dup =
                std::os::unix::net::UnixStream::from(b.as_fd().try_clone_to_owned().unwrap());
            let mut a_dup =
                std::os::unix::net::UnixStream::from(a.as_fd().try_clone_to_owned().unwrap());

            let mut buf = [0; 8];
            let err = b.try_io(Interest::READABLE, || b_dup.read(&mut buf)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::WouldBlock);

            let reader = async {
                b.async_io(Interest::READABLE, || b_dup.read(&mut buf)).await.unwrap()
            };
            let writer = async {
                a.writable().await.unwrap();
                a.try_io(Interest::WRITABLE, || a_dup.write(b"custom")).unwrap()
            };
            let (n, m) = within("async_io", async { rt::join!(reader, writer) }).await;
            assert_eq!((n, m), (6, 6));
            assert_eq!(&buf[..6], b"custom");
        });
    }

    #[test]
    fn stream_from_std_and_into_std() {
        rt().block_on(async {
            use std::io::{Read, Write};

            let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
            a.set_nonblocking(true).unwrap();
            b.set_nonblocking(true).unwrap();
            let mut a = UnixStream::from_std(a).unwrap();
            let b = UnixStream::try_from(b).unwrap();
            a.write_all(b"std").await.unwrap();

            let mut b = b.into_std().unwrap();
            b.set_nonblocking(false).unwrap();
            let mut buf = [0; 3];
            b.read_exact(&mut buf).unwrap();
            assert_eq!(&buf, b"std");
            b.write_all(b"back").unwrap();
            let mut buf = [0; 4];
            a.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"back");
        });
    }

    #[test]
    fn listener_accepts_many_clients() {
        const CLIENTS: usize = 64;
        rt().block_on(async {
            let dir = TempDir::new("many");
            let path = dir.path("sock");
            let listener = UnixListener::bind(&path).unwrap();
            let server = rt::spawn(async move {
                let mut handlers = Vec::new();
                for _ in 0..CLIENTS {
                    let (mut stream, _) = listener.accept().await.unwrap();
                    handlers.push(rt::spawn(async move {
                        let mut n = [0; 1];
                        stream.read_exact(&mut n).await.unwrap();
                        stream.write_all(&[n[0].wrapping_mul(2)]).await.unwrap();
                    }));
                }
                for h in handlers {
                    h.await.unwrap();
                }
            });
            let mut clients = Vec::new();
            for i in 0..CLIENTS {
                let path = path.clone();
                clients.push(rt::spawn(async move {
                    let mut stream = UnixStream::connect(&path).await.unwrap();
                    stream.write_all(&[i as u8]).await.unwrap();
                    let mut reply = [0; 1];
                    stream.read_exact(&mut reply).await.unwrap();
                    assert_eq!(reply[0], (i as u8).wrapping_mul(2));
                }));
            }
            within("clients", async {
                for c in clients {
                    c.await.unwrap();
                }
            })
            .await;
            within("server", server).await.unwrap();
        });
    }

    #[test]
    fn listener_bind_in_use_and_from_std_into_std() {
        rt().block_on(async {
            let dir = TempDir::new("inuse");
            let path = dir.path("sock");
            let listener = UnixListener::bind(&path).unwrap();
            assert_eq!(UnixListener::bind(&path).unwrap_err().kind(), ErrorKind::AddrInUse);
            let std_listener = listener.into_std().unwrap();
            let listener = UnixListener::from_std(std_listener).unwrap();
            let _client = UnixStream::connect(&path).await.unwrap();
            let (stream, addr) = within("accept", listener.accept()).await.unwrap();
            assert!(addr.is_unnamed());
            assert_unnamed_or_path(&stream.local_addr().unwrap(), Some(&path));
            assert!(listener.take_error().unwrap().is_none());
            let listener = UnixListener::try_from(listener.into_std().unwrap()).unwrap();
            drop(listener);
        });
    }

    #[test]
    fn bind_addr_connect_addr_and_socket_addr_conversions() {
        rt().block_on(async {
            let dir = TempDir::new("addr");
            let path = dir.path("sock");
            let std_addr = std::os::unix::net::SocketAddr::from_pathname(&path).unwrap();
            let addr = SocketAddr::from(std_addr);
            assert_unnamed_or_path(&addr, Some(&path));
            let listener = UnixListener::bind_addr(&addr).unwrap();
            let mut client = UnixStream::connect_addr(&listener.local_addr().unwrap())
                .await
                .unwrap();
            let (mut server, _) = within("accept", listener.accept()).await.unwrap();
            client.write_all(b"addr").await.unwrap();
            let mut buf = [0; 4];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"addr");
            let back: std::os::unix::net::SocketAddr = server.local_addr().unwrap().into();
            assert_eq!(back.as_pathname(), Some(path.as_path()));
            assert!(format!("{addr:?}").contains("sock"));

            // After the peer is gone, reads return end-of-file at once.
            drop(client);
            assert_eq!(within("eof", server.read(&mut buf)).await.unwrap(), 0);
        });
    }

    #[test]
    fn connect_to_nothing_fails() {
        rt().block_on(async {
            let dir = TempDir::new("nothing");
            let err = UnixStream::connect(dir.path("absent")).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotFound);
        });
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn abstract_namespace_stream_and_datagram() {
        rt().block_on(async {
            let name = format!("\0rt-net-test-{}-{:?}", std::process::id(), std::thread::current().id());
            let listener = UnixListener::bind(&name).unwrap();
            assert_eq!(
                listener.local_addr().unwrap().as_abstract_name(),
                Some(&name.as_bytes()[1..])
            );
            let mut client = UnixStream::connect(&name).await.unwrap();
            let (mut server, _) = listener.accept().await.unwrap();
            client.write_all(b"abs").await.unwrap();
            let mut buf = [0; 3];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"abs");

            let dname = format!("{name}-dgram");
            let sock = UnixDatagram::bind(&dname).unwrap();
            assert_eq!(
                sock.local_addr().unwrap().as_abstract_name(),
                Some(&dname.as_bytes()[1..])
            );
        });
    }

    #[test]
    fn datagram_pair_send_recv() {
        rt().block_on(async {
            let (a, b) = UnixDatagram::pair().unwrap();
            assert!(a.local_addr().unwrap().is_unnamed());
            assert!(a.peer_addr().unwrap().is_unnamed());
            assert_eq!(a.send(b"one").await.unwrap(), 3);
            assert_eq!(a.send(b"two!").await.unwrap(), 4);
            let mut buf = [0; 16];
            // Datagram boundaries are kept.
            assert_eq!(b.recv(&mut buf).await.unwrap(), 3);
            assert_eq!(&buf[..3], b"one");
            let (n, from) = b.recv_from(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"two!");
            assert!(from.is_unnamed());
            // Empty now.
            assert_eq!(b.try_recv(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
            assert_eq!(b.try_recv_from(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);

            // A waiting receiver wakes when the datagram arrives.
            let waiter = rt::spawn(async move {
                let mut buf = [0; 16];
                let n = b.recv(&mut buf).await.unwrap();
                (buf[..n].to_vec(), b)
            });
            rt::task::yield_now().await;
            a.writable().await.unwrap();
            a.try_send(b"late").unwrap();
            let (got, b) = within("recv", waiter).await.unwrap();
            assert_eq!(got, b"late");

            // A datagram longer than the buffer is cut to fit.
            a.send(b"0123456789").await.unwrap();
            let mut small = [0; 4];
            assert_eq!(b.recv(&mut small).await.unwrap(), 4);
            assert_eq!(&small, b"0123");
            assert_eq!(b.try_recv(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
        });
    }

    #[test]
    fn datagram_unbound_send_to_bound_path() {
        rt().block_on(async {
            let dir = TempDir::new("dgram");
            let server_path = dir.path("server");
            let client_path = dir.path("client");
            let server = UnixDatagram::bind(&server_path).unwrap();
            assert_unnamed_or_path(&server.local_addr().unwrap(), Some(&server_path));

            let unbound = UnixDatagram::unbound().unwrap();
            assert!(unbound.local_addr().unwrap().is_unnamed());
            assert_eq!(unbound.send_to(b"anon", &server_path).await.unwrap(), 4);
            let mut buf = [0; 16];
            let (n, from) = within("recv_from", server.recv_from(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"anon");
            assert!(from.is_unnamed());

            // A bound client gets a reply at its path.
            let client = UnixDatagram::bind(&client_path).unwrap();
            client.writable().await.unwrap();
            client.try_send_to(b"named", &server_path).unwrap();
            let (n, from) = within("recv_from", server.recv_from(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"named");
            assert_unnamed_or_path(&from, Some(&client_path));
            server.send_to(b"reply", from.as_pathname().unwrap()).await.unwrap();
            let n = within("recv", client.recv(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"reply");

            // Connected, send and peer_addr use the server's path.
            unbound.connect(&server_path).unwrap();
            assert_unnamed_or_path(&unbound.peer_addr().unwrap(), Some(&server_path));
            unbound.send(b"conn").await.unwrap();
            let n = within("recv", server.recv(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"conn");

            // Sending to nothing fails.
            let err = unbound.send_to(b"x", dir.path("absent")).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotFound);
            assert!(server.take_error().unwrap().is_none());
        });
    }

    #[test]
    fn datagram_poll_variants() {
        rt().block_on(async {
            let dir = TempDir::new("dgram-poll");
            let path = dir.path("server");
            let server = UnixDatagram::bind(&path).unwrap();
            let (a, b) = UnixDatagram::pair().unwrap();

            within("send ready", poll_fn(|cx| a.poll_send_ready(cx))).await.unwrap();
            let n = within("poll_send", poll_fn(|cx| a.poll_send(cx, b"polled"))).await.unwrap();
            assert_eq!(n, 6);
            within("recv ready", poll_fn(|cx| b.poll_recv_ready(cx))).await.unwrap();
            let mut storage = [0; 16];
            let mut buf = ReadBuf::new(&mut storage);
            within("poll_recv", poll_fn(|cx| b.poll_recv(cx, &mut buf))).await.unwrap();
            assert_eq!(buf.filled(), b"polled");

            let n = within("poll_send_to", poll_fn(|cx| a.poll_send_to(cx, b"to-path", &path)))
                .await
                .unwrap();
            assert_eq!(n, 7);
            let mut storage = [0; 16];
            let mut buf = ReadBuf::new(&mut storage);
            let from = within("poll_recv_from", poll_fn(|cx| server.poll_recv_from(cx, &mut buf)))
                .await
                .unwrap();
            assert_eq!(buf.filled(), b"to-path");
            assert!(from.is_unnamed());
        });
    }

    #[test]
    fn datagram_ready_try_io_shutdown_and_std() {
        rt().block_on(async {
            use std::os::fd::AsFd;

            let (a, b) = UnixDatagram::pair().unwrap();
            let ready = a.ready(Interest::WRITABLE).await.unwrap();
            assert!(ready.is_writable());
            a.send(b"io").await.unwrap();
            b.readable().await.unwrap();

            let b_dup =
                std::os::unix::net::UnixDatagram::from(b.as_fd().try_clone_to_owned().unwrap());
            let mut buf = [0; 8];
            let n = b.try_io(Interest::READABLE, || b_dup.recv(&mut buf)).unwrap();
            assert_eq!(&buf[..n], b"io");
            let err = b.try_io(Interest::READABLE, || b_dup.recv(&mut buf)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::WouldBlock);
            let reader = b.async_io(Interest::READABLE, || b_dup.recv(&mut buf));
            let writer = async {
                rt::task::yield_now().await;
                a.send(b"later").await.unwrap()
            };
            let (n, _) = within("async_io", async { rt::join!(reader, writer) }).await;
            assert_eq!(n.unwrap(), 5);

            // Shut down for writing, sends fail.
            a.shutdown(std::net::Shutdown::Write).unwrap();
            assert_eq!(a.send(b"no").await.unwrap_err().kind(), ErrorKind::BrokenPipe);

            let std_b = b.into_std().unwrap();
            let b = UnixDatagram::from_std(std_b).unwrap();
            let b = UnixDatagram::try_from(b.into_std().unwrap()).unwrap();
            drop(b);
        });
    }

    #[test]
    fn datagram_many_concurrent_senders_wake_one_receiver() {
        const SENDERS: usize = 8;
        const EACH: usize = 32;
        rt().block_on(async {
            let dir = TempDir::new("dgram-many");
            let path = dir.path("server");
            let server = UnixDatagram::bind(&path).unwrap();
            let mut senders = Vec::new();
            for i in 0..SENDERS {
                let path = path.clone();
                senders.push(rt::spawn(async move {
                    let sock = UnixDatagram::unbound().unwrap();
                    for j in 0..EACH {
                        // Unix datagrams are not dropped: a full queue makes the sender wait.
                        sock.send_to(&[i as u8, j as u8], &path).await.unwrap();
                        rt::task::yield_now().await;
                    }
                }));
            }
            let mut seen = [0usize; SENDERS];
            let mut buf = [0; 4];
            for _ in 0..SENDERS * EACH {
                let n = within("recv", server.recv(&mut buf)).await.unwrap();
                assert_eq!(n, 2);
                // Each sender's datagrams arrive in order.
                assert_eq!(buf[1] as usize, seen[buf[0] as usize]);
                seen[buf[0] as usize] += 1;
            }
            for s in senders {
                s.await.unwrap();
            }
        });
    }
}

#[test]
fn sockets_outside_a_runtime_panic_with_tokio_wording() {
    let err = std::panic::catch_unwind(|| UnixStream::pair().map(drop)).unwrap_err();
    let msg = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap();
    assert!(msg.contains("there is no reactor running"), "{msg}");

    let err = std::panic::catch_unwind(|| UnixDatagram::unbound().map(drop)).unwrap_err();
    drop(err);
}

#[test]
fn sockets_in_a_runtime_without_io_panic() {
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    let _guard = rt.enter();
    let err = std::panic::catch_unwind(|| UnixStream::pair().map(drop)).unwrap_err();
    let msg = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap();
    assert!(msg.contains("IO is disabled"), "{msg}");
}
