#![cfg(feature = "full")]
//! TCP: listener, stream, socket, split halves, readiness, on every flavour. Loopback only.

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;
#[path = "support/util.rs"]
mod util;

use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use rt::io::{AsyncReadExt, AsyncWriteExt, Interest, ReadBuf};
use rt::net::{TcpListener, TcpSocket, TcpStream};

/// Fails the test instead of hanging it when a wakeup is lost.
async fn within<F: std::future::Future>(what: &str, f: F) -> F::Output {
    match rt::time::timeout(Duration::from_secs(10), f).await {
        Ok(out) => out,
        Err(_) => panic!("timed out: {what}"),
    }
}

/// A connected pair: (client, server).
async fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (client, accepted) = rt::join!(TcpStream::connect(addr), listener.accept());
    (client.unwrap(), accepted.unwrap().0)
}

/// A loopback address nothing listens on (bound once, then closed).
fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// `try_read` until `want` bytes arrived, waiting with `readable()` between attempts.
async fn try_read_exact(stream: &TcpStream, want: usize, chunk: usize) -> Vec<u8> {
    let mut got = Vec::with_capacity(want);
    let mut buf = vec![0; chunk];
    while got.len() < want {
        within("readable", stream.readable()).await.unwrap();
        match stream.try_read(&mut buf) {
            Ok(0) => panic!("eof after {} of {want} bytes", got.len()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => panic!("{e}"),
        }
    }
    got
}

rt_test! {
    #[test]
    fn bind_accept_connect_addresses() {
        rt().block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            assert_eq!(addr.ip(), Ipv4Addr::LOCALHOST);
            assert_ne!(addr.port(), 0);
            let (client, accepted) = rt::join!(TcpStream::connect(addr), listener.accept());
            let client = client.unwrap();
            let (server, peer) = accepted.unwrap();
            assert_eq!(client.peer_addr().unwrap(), addr);
            assert_eq!(peer, client.local_addr().unwrap());
            assert_eq!(server.peer_addr().unwrap(), client.local_addr().unwrap());
            assert_eq!(server.local_addr().unwrap(), addr);
            assert!(client.take_error().unwrap().is_none());
            assert!(format!("{listener:?}").contains("TcpListener"));
            assert!(format!("{client:?}").contains("TcpStream"));
        });
    }

    #[test]
    fn echo_round_trip() {
        rt().block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = rt::spawn(async move {
                let (mut socket, _) = listener.accept().await.unwrap();
                let (mut rd, mut wr) = socket.split();
                rt::io::copy(&mut rd, &mut wr).await.unwrap()
            });
            let mut client = TcpStream::connect(addr).await.unwrap();
            let data = pattern(64 * 1024);
            let (mut rd, mut wr) = client.split();
            let (written, read) = rt::join!(
                async {
                    wr.write_all(&data).await.unwrap();
                    wr.shutdown().await.unwrap();
                },
                async {
                    let mut back = Vec::new();
                    rd.read_to_end(&mut back).await.unwrap();
                    back
                }
            );
            let () = written;
            assert_eq!(read, data);
            assert_eq!(within("server", server).await.unwrap(), data.len() as u64);
        });
    }

    #[test]
    fn bind_tries_each_address_and_returns_the_last_error() {
        rt().block_on(async {
            // 192.0.2.1 (TEST-NET-1) is not a local address: binding it fails without
            // sending anything.
            let foreign: SocketAddr = "192.0.2.1:0".parse().unwrap();
            let local: SocketAddr = "127.0.0.1:0".parse().unwrap();
            let listener = TcpListener::bind(&[foreign, local][..]).await.unwrap();
            assert_eq!(listener.local_addr().unwrap().ip(), Ipv4Addr::LOCALHOST);

            let err = TcpListener::bind(&[local, foreign][..]).await.map(|_| ());
            assert!(err.is_ok(), "the first address that binds wins");

            let taken = listener.local_addr().unwrap();
            let err = TcpListener::bind(&[taken, foreign][..]).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::AddrNotAvailable, "the last error: {err}");
            let err = TcpListener::bind(&[foreign, taken][..]).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::AddrInUse, "the last error: {err}");

            let none: &[SocketAddr] = &[];
            let err = TcpListener::bind(none).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        });
    }

    #[test]
    fn connect_refused_is_an_error() {
        rt().block_on(async {
            let err = within("connect", TcpStream::connect(closed_port())).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused, "{err}");
            let err = within("socket connect", TcpSocket::new_v4().unwrap().connect(closed_port()))
                .await
                .unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused, "{err}");
        });
    }

    #[test]
    fn connect_tries_each_address() {
        rt().block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let addrs = [closed_port(), addr];
            let client = within("connect", TcpStream::connect(&addrs[..])).await.unwrap();
            assert_eq!(client.peer_addr().unwrap(), addr);

            // A name: "localhost" may resolve to ::1 first, which refuses; 127.0.0.1 follows.
            let client = within("connect by name", TcpStream::connect(("localhost", addr.port())))
                .await
                .unwrap();
            assert_eq!(client.peer_addr().unwrap(), addr);

            let addrs = [addr, closed_port()];
            let first = within("connect", TcpStream::connect(&addrs[..])).await.unwrap();
            assert_eq!(first.peer_addr().unwrap(), addr);
        });
    }

    #[test]
    fn half_close_delivers_every_byte_then_eof() {
        rt().block_on(async {
            let (mut client, mut server) = pair().await;
            let data = pattern(1 << 20);
            let sent = data.clone();
            let writer = rt::spawn(async move {
                client.write_all(&sent).await.unwrap();
                client.shutdown().await.unwrap();
                // The read direction still works after shutting down writes.
                let mut reply = Vec::new();
                client.read_to_end(&mut reply).await.unwrap();
                reply
            });
            let mut got = Vec::new();
            within("read_to_end", server.read_to_end(&mut got)).await.unwrap();
            assert_eq!(got.len(), data.len());
            assert!(got == data, "bytes arrived out of order");
            // EOF again, not an error.
            assert_eq!(server.read(&mut [0; 8]).await.unwrap(), 0);
            server.write_all(b"bye").await.unwrap();
            drop(server);
            assert_eq!(within("writer", writer).await.unwrap(), b"bye");
        });
    }

    #[test]
    fn read_does_not_zero_an_uninit_buffer_first() {
        rt().block_on(async {
            let (client, server) = pair().await;
            util::read_does_not_zero(client, server).await;
        });
    }

    #[test]
    fn partial_read_is_woken_for_the_rest() {
        rt().block_on(async {
            let (mut client, mut server) = pair().await;
            let data = pattern(100_000);
            client.write_all(&data).await.unwrap();
            // Read far less than is available, through each reading path: the readiness must
            // survive for the rest under edge-triggered epoll.
            let mut first = [0; 10];
            server.read_exact(&mut first).await.unwrap();
            assert_eq!(&first[..], &data[..10]);
            let mut got = first.to_vec();
            got.extend(try_read_exact(&server, 10, 7).await);
            let mut rest = vec![0; data.len() - got.len()];
            within("read_exact", server.read_exact(&mut rest)).await.unwrap();
            got.extend(rest);
            assert!(got == data);
        });
    }

    #[test]
    fn reader_waiting_gets_two_bursts() {
        rt().block_on(async {
            let (mut client, mut server) = pair().await;
            let reader = rt::spawn(async move {
                let mut buf = vec![0; 2000];
                server.read_exact(&mut buf).await.unwrap();
                let tail = try_read_exact(&server, 1000, 64).await;
                (buf, tail)
            });
            rt::time::sleep(Duration::from_millis(20)).await;
            client.write_all(&[1; 1000]).await.unwrap();
            rt::time::sleep(Duration::from_millis(20)).await;
            client.write_all(&[2; 1000]).await.unwrap();
            rt::time::sleep(Duration::from_millis(20)).await;
            client.write_all(&[3; 1000]).await.unwrap();
            let (buf, tail) = within("reader", reader).await.unwrap();
            assert!(buf[..1000].iter().all(|&b| b == 1));
            assert!(buf[1000..].iter().all(|&b| b == 2));
            assert!(tail.iter().all(|&b| b == 3));
        });
    }

    #[test]
    fn concurrent_readable_waiters_are_all_woken() {
        rt().block_on(async {
            let (mut client, server) = pair().await;
            let server = Arc::new(server);
            let waiters: Vec<_> = (0..2)
                .map(|_| {
                    let server = server.clone();
                    rt::spawn(async move { server.readable().await.unwrap() })
                })
                .collect();
            // Let both register before the data arrives.
            rt::time::sleep(Duration::from_millis(50)).await;
            client.write_all(b"x").await.unwrap();
            for waiter in waiters {
                within("readable waiter", waiter).await.unwrap();
            }
        });
    }

    #[test]
    fn cancelled_readable_waiter_loses_nothing() {
        rt().block_on(async {
            let (mut client, server) = pair().await;
            let server = Arc::new(server);
            let waiter = rt::spawn({
                let server = server.clone();
                async move { server.readable().await.unwrap() }
            });
            // A second waiter gives up before the data arrives.
            let gave_up = rt::time::timeout(Duration::from_millis(20), server.readable()).await;
            assert!(gave_up.is_err());
            client.write_all(b"x").await.unwrap();
            within("remaining waiter", waiter).await.unwrap();
            // The event is still recorded for a new call: nothing was read yet.
            within("readable again", server.readable()).await.unwrap();
            assert_eq!(server.try_read(&mut [0; 4]).unwrap(), 1);
        });
    }

    #[test]
    fn split_halves_from_two_tasks() {
        rt().block_on(async {
            let (client, server) = pair().await;
            let (mut crd, mut cwr) = client.into_split();
            let (mut srd, mut swr) = server.into_split();
            let data = pattern(256 * 1024);
            // Both directions at once, each half in its own task: neither side reads before
            // it finished writing, so this deadlocks unless the halves really are independent.
            let tasks = vec![
                rt::spawn({
                    let data = data.clone();
                    async move {
                        cwr.write_all(&data).await.unwrap();
                        cwr.shutdown().await.unwrap();
                        Vec::new()
                    }
                }),
                rt::spawn({
                    let data = data.clone();
                    async move {
                        swr.write_all(&data).await.unwrap();
                        drop(swr); // shuts down the write direction
                        Vec::new()
                    }
                }),
                rt::spawn(async move {
                    let mut v = Vec::new();
                    crd.read_to_end(&mut v).await.unwrap();
                    v
                }),
                rt::spawn(async move {
                    let mut v = Vec::new();
                    srd.read_to_end(&mut v).await.unwrap();
                    v
                }),
            ];
            let mut results = Vec::new();
            for task in tasks {
                results.push(within("half", task).await.unwrap());
            }
            assert!(results[2] == data);
            assert!(results[3] == data);
        });
    }

    #[test]
    fn borrowed_split_reads_and_writes_at_once() {
        rt().block_on(async {
            let (mut client, mut server) = pair().await;
            let data = pattern(256 * 1024);
            let (mut rd, mut wr) = client.split();
            assert_eq!(rd.peer_addr().unwrap(), wr.peer_addr().unwrap());
            assert_eq!(rd.local_addr().unwrap(), wr.local_addr().unwrap());
            let echo = async {
                let (mut srd, mut swr) = server.split();
                rt::io::copy(&mut srd, &mut swr).await.unwrap();
                swr.shutdown().await.unwrap();
            };
            let send = async {
                wr.write_all(&data).await.unwrap();
                wr.shutdown().await.unwrap();
            };
            let recv = async {
                let mut v = Vec::new();
                rd.read_to_end(&mut v).await.unwrap();
                v
            };
            let ((), (), back) = within("split echo", async { rt::join!(echo, send, recv) }).await;
            assert!(back == data);
        });
    }

    #[test]
    fn into_split_and_reunite() {
        rt().block_on(async {
            let (client, mut server) = pair().await;
            let local = client.local_addr().unwrap();
            let (rd, wr) = client.into_split();
            assert_eq!(rd.local_addr().unwrap(), local);
            assert_eq!(wr.local_addr().unwrap(), local);
            let mut client = rd.reunite(wr).expect("same stream");
            assert_eq!(client.local_addr().unwrap(), local);
            // Reuniting did not shut anything down.
            client.write_all(b"still open").await.unwrap();
            let mut buf = [0; 10];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"still open");

            let (rd, wr) = client.into_split();
            let mut client = wr.reunite(rd).expect("same stream, other way round");
            client.write_all(b"!").await.unwrap();
            server.read_exact(&mut buf[..1]).await.unwrap();

            // Halves of different streams are handed back.
            let (other, _other_server) = pair().await;
            let (rd1, wr1) = client.into_split();
            let (rd2, wr2) = other.into_split();
            let err = rd1.reunite(wr2).unwrap_err();
            assert_eq!(err.to_string(), "tried to reunite halves that are not from the same socket");
            let rt::net::tcp::ReuniteError(rd1, wr2) = err;
            assert!(rd2.reunite(wr2).is_ok());
            assert!(wr1.reunite(rd1).is_ok());
        });
    }

    #[test]
    fn dropping_owned_write_half_shuts_down_unless_forgotten() {
        rt().block_on(async {
            let (client, mut server) = pair().await;
            let (rd, wr) = client.into_split();
            drop(wr);
            let mut buf = Vec::new();
            within("eof", server.read_to_end(&mut buf)).await.unwrap();
            assert!(buf.is_empty());
            drop(rd);

            let (client, mut server) = pair().await;
            let (mut rd, wr) = client.into_split();
            wr.forget();
            // Still open for writing: the server sees no EOF, and can talk to the read half.
            server.write_all(b"hi").await.unwrap();
            let mut two = [0; 2];
            rd.read_exact(&mut two).await.unwrap();
            let no_eof = rt::time::timeout(Duration::from_millis(50), server.read(&mut [0; 1])).await;
            assert!(no_eof.is_err(), "forget must not shut down the write direction");
        });
    }

    #[test]
    fn peek_and_poll_peek_leave_the_data() {
        rt().block_on(async {
            let (mut client, mut server) = pair().await;
            client.write_all(b"hello").await.unwrap();
            let mut buf = [0; 5];
            let n = within("peek", server.peek(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], &b"hello"[..n]);

            let mut storage = [0; 5];
            let mut rb = ReadBuf::new(&mut storage);
            let n = poll_fn(|cx| server.poll_peek(cx, &mut rb)).await.unwrap();
            assert_eq!(rb.filled(), &b"hello"[..n]);

            let mut all = [0; 5];
            server.read_exact(&mut all).await.unwrap();
            assert_eq!(&all, b"hello");

            let (rd, _wr) = server.split();
            let mut rd = rd;
            client.write_all(b"again").await.unwrap();
            let n = within("half peek", rd.peek(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], &b"again"[..n]);
        });
    }

    #[test]
    fn try_read_write_and_vectored() {
        rt().block_on(async {
            let (client, server) = pair().await;
            // Nothing to read yet.
            let err = server.try_read(&mut [0; 4]).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);

            within("writable", client.writable()).await.unwrap();
            assert_eq!(client.try_write(b"abcd").unwrap(), 4);
            let bufs = [IoSlice::new(b"ef"), IoSlice::new(b"gh")];
            let mut written = 0;
            while written == 0 {
                client.writable().await.unwrap();
                match client.try_write_vectored(&bufs) {
                    Ok(n) => written = n,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) => panic!("{e}"),
                }
            }
            assert_eq!(written, 4);

            let got = try_read_exact(&server, 4, 4).await;
            assert_eq!(got, b"abcd");
            let (mut a, mut b) = ([0; 1], [0; 8]);
            let mut n = 0;
            while n < 4 {
                within("readable", server.readable()).await.unwrap();
                let mut bufs = [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)];
                match server.try_read_vectored(&mut bufs) {
                    Ok(m) => n += m,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) => panic!("{e}"),
                }
            }
            assert_eq!(&a, b"e");
            assert_eq!(&b[..3], b"fgh");
        });
    }

    #[test]
    fn try_write_fills_the_buffer_then_writable_waits() {
        rt().block_on(async {
            let (client, server) = pair().await;
            let chunk = vec![7u8; 64 * 1024];
            let mut total = 0usize;
            loop {
                match client.try_write(&chunk) {
                    Ok(n) => total += n,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) => panic!("{e}"),
                }
            }
            // Full: `writable` must wait until the peer reads.
            let blocked = rt::time::timeout(Duration::from_millis(50), client.writable()).await;
            assert!(blocked.is_err(), "writable returned with a full send buffer");
            let reader = rt::spawn(async move {
                let got = try_read_exact(&server, total, 64 * 1024).await;
                assert!(got.iter().all(|&b| b == 7));
                server
            });
            within("writable after drain", client.writable()).await.unwrap();
            drop(within("reader", reader).await.unwrap());
        });
    }

    #[test]
    fn ready_reports_what_is_ready() {
        rt().block_on(async {
            let (mut client, server) = pair().await;
            let ready = within("ready", server.ready(Interest::WRITABLE)).await.unwrap();
            assert!(ready.is_writable());
            client.write_all(b"x").await.unwrap();
            let ready = within("ready", server.ready(Interest::READABLE | Interest::WRITABLE))
                .await
                .unwrap();
            assert!(ready.is_readable() || ready.is_writable());
            let ready = within("ready", server.ready(Interest::READABLE)).await.unwrap();
            assert!(ready.is_readable());
            drop(client);
            // Closed by the peer: readable, and the read says EOF.
            let got = loop {
                server.readable().await.unwrap();
                let mut buf = [0; 4];
                match server.try_read(&mut buf) {
                    Ok(n) if n > 0 => continue,
                    Ok(_) => break 0,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(e) => panic!("{e}"),
                }
            };
            assert_eq!(got, 0);
            let ready = server.ready(Interest::READABLE).await.unwrap();
            assert!(ready.is_read_closed() || ready.is_readable());
        });
    }

    #[test]
    fn poll_read_ready_and_poll_write_ready() {
        rt().block_on(async {
            let (mut client, server) = pair().await;
            within("poll_write_ready", poll_fn(|cx| server.poll_write_ready(cx))).await.unwrap();
            client.write_all(b"x").await.unwrap();
            within("poll_read_ready", poll_fn(|cx| server.poll_read_ready(cx))).await.unwrap();
            assert_eq!(server.try_read(&mut [0; 1]).unwrap(), 1);
        });
    }

    #[test]
    fn try_io_and_async_io_run_raw_calls() {
        use std::os::fd::AsRawFd;
        rt().block_on(async {
            let (mut client, server) = pair().await;
            let fd = server.as_raw_fd();
            let recv = |buf: &mut [u8]| -> io::Result<usize> {
                // SAFETY: `fd` is the open socket of `server`, alive for this closure's use;
                // `buf` is valid for `buf.len()` bytes.
                let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) };
                if n < 0 { Err(io::Error::last_os_error()) } else { Ok(n as usize) }
            };
            let mut buf = [0; 8];
            let err = server.try_io(Interest::READABLE, || recv(&mut buf)).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
            client.write_all(b"raw").await.unwrap();
            let n = within("async_io", server.async_io(Interest::READABLE, || recv(&mut buf)))
                .await
                .unwrap();
            assert_eq!(&buf[..n], b"raw");
        });
    }

    #[test]
    fn poll_accept_and_accept_after_close() {
        rt().block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let connector = rt::spawn(async move {
                let mut s = TcpStream::connect(addr).await.unwrap();
                s.write_all(b"gone").await.unwrap();
            });
            let (mut server, _) = within("poll_accept", poll_fn(|cx| listener.poll_accept(cx)))
                .await
                .unwrap();
            connector.await.unwrap();
            let mut v = Vec::new();
            server.read_to_end(&mut v).await.unwrap();
            assert_eq!(v, b"gone");

            // A client that connected and closed before `accept` is still accepted.
            drop(std::net::TcpStream::connect(addr).unwrap());
            let (mut server, _) = within("accept", listener.accept()).await.unwrap();
            assert_eq!(server.read(&mut [0; 4]).await.unwrap(), 0);
        });
    }

    #[test]
    fn stream_options() {
        rt().block_on(async {
            let (client, _server) = pair().await;
            client.set_nodelay(true).unwrap();
            assert!(client.nodelay().unwrap());
            client.set_nodelay(false).unwrap();
            assert!(!client.nodelay().unwrap());
            client.set_ttl(42).unwrap();
            assert_eq!(client.ttl().unwrap(), 42);
            assert_eq!(client.linger().unwrap(), None);
            #[allow(deprecated)]
            client.set_linger(Some(Duration::from_secs(1))).unwrap();
            assert_eq!(client.linger().unwrap(), Some(Duration::from_secs(1)));
            client.set_zero_linger().unwrap();
            assert_eq!(client.linger().unwrap(), Some(Duration::ZERO));
            client.set_quickack(true).unwrap();
            let _ = client.quickack().unwrap();
            assert!(client.take_error().unwrap().is_none());

            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            listener.set_ttl(17).unwrap();
            assert_eq!(listener.ttl().unwrap(), 17);
        });
    }

    #[test]
    fn std_conversions() {
        use std::os::fd::{AsFd, AsRawFd};
        rt().block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let fd = listener.as_raw_fd();
            assert_eq!(listener.as_fd().as_raw_fd(), fd);
            let std_listener = listener.into_std().unwrap();
            assert_eq!(std_listener.as_raw_fd(), fd);
            let listener = TcpListener::try_from(std_listener).unwrap();
            assert_eq!(listener.local_addr().unwrap(), addr);

            let std_client = std::net::TcpStream::connect(addr).unwrap();
            std_client.set_nonblocking(true).unwrap();
            let mut client = TcpStream::from_std(std_client).unwrap();
            let (server, _) = listener.accept().await.unwrap();
            let fd = server.as_raw_fd();
            assert_eq!(server.as_fd().as_raw_fd(), fd);
            let std_server = server.into_std().unwrap();
            assert_eq!(std_server.as_raw_fd(), fd);
            let server = TcpStream::try_from(std_server).unwrap();
            client.write_all(b"conv").await.unwrap();
            let got = try_read_exact(&server, 4, 4).await;
            assert_eq!(got, b"conv");

            // `into_std` leaves the socket non-blocking and out of the reactor.
            let mut std_server = server.into_std().unwrap();
            std_server.set_nonblocking(false).unwrap();
            client.write_all(b"sync").await.unwrap();
            let mut buf = [0; 4];
            std::io::Read::read_exact(&mut std_server, &mut buf).unwrap();
            assert_eq!(&buf, b"sync");
        });
    }

    #[test]
    fn tcp_socket_options_listen_connect() {
        use std::os::fd::{AsFd, AsRawFd};
        rt().block_on(async {
            let socket = TcpSocket::new_v4().unwrap();
            socket.set_reuseaddr(true).unwrap();
            assert!(socket.reuseaddr().unwrap());
            socket.set_reuseport(true).unwrap();
            assert!(socket.reuseport().unwrap());
            socket.set_keepalive(true).unwrap();
            assert!(socket.keepalive().unwrap());
            socket.set_send_buffer_size(64 * 1024).unwrap();
            assert!(socket.send_buffer_size().unwrap() >= 64 * 1024);
            socket.set_recv_buffer_size(64 * 1024).unwrap();
            assert!(socket.recv_buffer_size().unwrap() >= 64 * 1024);
            socket.set_nodelay(true).unwrap();
            assert!(socket.nodelay().unwrap());
            assert_eq!(socket.linger().unwrap(), None);
            socket.set_zero_linger().unwrap();
            assert_eq!(socket.linger().unwrap(), Some(Duration::ZERO));
            assert!(socket.take_error().unwrap().is_none());
            socket.set_tos_v4(0x10).unwrap();
            assert_eq!(socket.tos_v4().unwrap(), 0x10);
            assert_eq!(socket.device().unwrap(), None);
            assert_eq!(socket.as_fd().as_raw_fd(), socket.as_raw_fd());
            socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let addr = socket.local_addr().unwrap();
            assert_ne!(addr.port(), 0);
            let listener = socket.listen(16).unwrap();
            assert_eq!(listener.local_addr().unwrap(), addr);

            let client = TcpSocket::new_v4().unwrap();
            client.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let from = client.local_addr().unwrap();
            let (stream, accepted) = rt::join!(client.connect(addr), listener.accept());
            let mut stream = stream.unwrap();
            let (mut server, peer) = accepted.unwrap();
            assert_eq!(peer, from);
            stream.write_all(b"sock").await.unwrap();
            let mut buf = [0; 4];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"sock");

            let std_stream = stream.into_std().unwrap();
            let socket = TcpSocket::from_std_stream(std_stream);
            assert_eq!(socket.local_addr().unwrap(), from);

            // IPv6 may be missing in the sandbox; when it is there, ::1 works the same.
            if let Ok(v6) = TcpSocket::new_v6() {
                if v6.bind("[::1]:0".parse().unwrap()).is_ok() {
                    let addr = v6.local_addr().unwrap();
                    let listener = v6.listen(4).unwrap();
                    let (c, a) = rt::join!(TcpStream::connect(addr), listener.accept());
                    assert_eq!(c.unwrap().local_addr().unwrap(), a.unwrap().1);
                }
            }
        });
    }

    #[test]
    fn is_write_vectored_and_write_vectored() {
        rt().block_on(async {
            use rt::io::AsyncWrite;
            let (mut client, mut server) = pair().await;
            assert!(client.is_write_vectored());
            assert!(client.split().1.is_write_vectored());
            let bufs = [IoSlice::new(b"ab"), IoSlice::new(b"cd")];
            let n = client.write_vectored(&bufs).await.unwrap();
            assert!(n > 0);
            let mut got = vec![0; n];
            server.read_exact(&mut got).await.unwrap();
            assert_eq!(&got[..], &b"abcd"[..n]);
        });
    }
}

#[test]
#[should_panic]
fn from_std_outside_a_runtime_panics() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let _ = TcpListener::from_std(listener);
}

#[test]
#[should_panic]
fn from_std_needs_enable_io() {
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    let _guard = rt.enter();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let _ = TcpListener::from_std(listener);
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "blocking socket")]
fn from_std_rejects_a_blocking_socket_in_debug() {
    let rt = rt::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _guard = rt.enter();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let _ = TcpListener::from_std(listener);
}
