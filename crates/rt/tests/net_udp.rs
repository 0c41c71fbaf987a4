#![cfg(feature = "full")]
//! UDP sockets: round trips, addressing, peeking, the try_ and poll_ families, readiness,
//! options, and many tasks sharing one socket, on every runtime flavour. Loopback only.

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;

use std::future::poll_fn;
use std::io::ErrorKind;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use rt::io::{Interest, ReadBuf};
use rt::net::UdpSocket;

/// Fails a test that waits too long instead of hanging it (a lost wakeup shows up here).
async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    match rt::time::timeout(Duration::from_secs(10), f).await {
        Ok(v) => v,
        Err(_) => panic!("timed out: {what}"),
    }
}

async fn local() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").await.unwrap()
}

rt_test! {
    #[test]
    fn echo_round_trip_connected() {
        rt().block_on(async {
            let server = Arc::new(local().await);
            let server_addr = server.local_addr().unwrap();
            let echo = rt::spawn({
                let server = server.clone();
                async move {
                    let mut buf = [0; 1500];
                    loop {
                        let (n, from) = server.recv_from(&mut buf).await.unwrap();
                        if &buf[..n] == b"stop" {
                            break;
                        }
                        server.send_to(&buf[..n], from).await.unwrap();
                    }
                }
            });

            let client = local().await;
            client.connect(server_addr).await.unwrap();
            assert_eq!(client.peer_addr().unwrap(), server_addr);
            let mut buf = [0; 1500];
            for i in 0..100u32 {
                let msg = i.to_be_bytes();
                assert_eq!(client.send(&msg).await.unwrap(), 4);
                let n = within("echo", client.recv(&mut buf)).await.unwrap();
                assert_eq!(&buf[..n], &msg);
            }
            client.send(b"stop").await.unwrap();
            within("server", echo).await.unwrap();
        });
    }

    #[test]
    fn send_to_recv_from_between_two_sockets() {
        rt().block_on(async {
            let a = local().await;
            let b = UdpSocket::bind(("127.0.0.1", 0)).await.unwrap();
            let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
            assert_eq!(a.peer_addr().unwrap_err().kind(), ErrorKind::NotConnected);

            assert_eq!(a.send_to(b"a->b", b_addr).await.unwrap(), 4);
            // A string address resolves too.
            assert_eq!(b.send_to(b"b->a", a_addr.to_string()).await.unwrap(), 4);
            let mut buf = [0; 16];
            let (n, from) = within("b recv", b.recv_from(&mut buf)).await.unwrap();
            assert_eq!((&buf[..n], from), (&b"a->b"[..], a_addr));
            let (n, from) = within("a recv", a.recv_from(&mut buf)).await.unwrap();
            assert_eq!((&buf[..n], from), (&b"b->a"[..], b_addr));

            // Datagram boundaries are kept; a longer one is cut to fit.
            a.send_to(b"0123456789", b_addr).await.unwrap();
            a.send_to(b"xy", b_addr).await.unwrap();
            let mut small = [0; 4];
            let (n, _) = within("cut", b.recv_from(&mut small)).await.unwrap();
            assert_eq!((n, &small), (4, b"0123"));
            let (n, _) = within("next", b.recv_from(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"xy");
        });
    }

    #[test]
    fn peek_from_leaves_the_datagram() {
        rt().block_on(async {
            let a = local().await;
            let b = local().await;
            let a_addr = a.local_addr().unwrap();
            a.send_to(b"peekaboo", b.local_addr().unwrap()).await.unwrap();

            let mut buf = [0; 16];
            let (n, from) = within("peek_from", b.peek_from(&mut buf)).await.unwrap();
            assert_eq!((&buf[..n], from), (&b"peekaboo"[..], a_addr));
            assert_eq!(within("peek_sender", b.peek_sender()).await.unwrap(), a_addr);
            assert_eq!(b.try_peek_sender().unwrap(), a_addr);
            let (n, from) = b.try_peek_from(&mut buf).unwrap();
            assert_eq!((&buf[..n], from), (&b"peekaboo"[..], a_addr));
            let mut storage = [0; 16];
            let mut rb = ReadBuf::new(&mut storage);
            let from = poll_fn(|cx| b.poll_peek_from(cx, &mut rb)).await.unwrap();
            assert_eq!((rb.filled(), from), (&b"peekaboo"[..], a_addr));
            assert_eq!(poll_fn(|cx| b.poll_peek_sender(cx)).await.unwrap(), a_addr);

            // Still there for recv_from, then gone.
            let (n, _) = b.recv_from(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"peekaboo");
            assert_eq!(b.try_peek_from(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
            assert_eq!(b.try_peek_sender().unwrap_err().kind(), ErrorKind::WouldBlock);

            // Connected peek family.
            b.connect(a_addr).await.unwrap();
            a.send_to(b"again", b.local_addr().unwrap()).await.unwrap();
            let n = within("peek", b.peek(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"again");
            assert_eq!(b.try_peek(&mut buf).unwrap(), 5);
            let mut storage = [0; 16];
            let mut rb = ReadBuf::new(&mut storage);
            poll_fn(|cx| b.poll_peek(cx, &mut rb)).await.unwrap();
            assert_eq!(rb.filled(), b"again");
            assert_eq!(b.recv(&mut buf).await.unwrap(), 5);
        });
    }

    #[test]
    fn try_recv_on_empty_is_would_block_then_try_family_works() {
        rt().block_on(async {
            let a = local().await;
            let b = local().await;
            let b_addr = b.local_addr().unwrap();
            let mut buf = [0; 16];
            assert_eq!(b.try_recv(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
            assert_eq!(b.try_recv_from(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
            assert_eq!(b.try_peek_from(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);

            a.writable().await.unwrap();
            assert_eq!(a.try_send_to(b"try", b_addr).unwrap(), 3);
            within("readable", b.readable()).await.unwrap();
            let (n, from) = b.try_recv_from(&mut buf).unwrap();
            assert_eq!((&buf[..n], from), (&b"try"[..], a.local_addr().unwrap()));
            assert_eq!(b.try_recv(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);

            a.connect(b_addr).await.unwrap();
            a.writable().await.unwrap();
            assert_eq!(a.try_send(b"conn").unwrap(), 4);
            within("readable", b.readable()).await.unwrap();
            assert_eq!(b.try_recv(&mut buf).unwrap(), 4);
            assert_eq!(&buf[..4], b"conn");
        });
    }

    #[test]
    fn poll_variants() {
        rt().block_on(async {
            let a = local().await;
            let b = local().await;
            let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());

            within("send ready", poll_fn(|cx| a.poll_send_ready(cx))).await.unwrap();
            let n = poll_fn(|cx| a.poll_send_to(cx, b"poll-to", b_addr)).await.unwrap();
            assert_eq!(n, 7);
            within("recv ready", poll_fn(|cx| b.poll_recv_ready(cx))).await.unwrap();
            let mut storage = [0; 32];
            let mut rb = ReadBuf::new(&mut storage);
            let from = within("poll_recv_from", poll_fn(|cx| b.poll_recv_from(cx, &mut rb)))
                .await
                .unwrap();
            assert_eq!((rb.filled(), from), (&b"poll-to"[..], a_addr));

            b.connect(a_addr).await.unwrap();
            a.connect(b_addr).await.unwrap();
            let n = poll_fn(|cx| a.poll_send(cx, b"poll")).await.unwrap();
            assert_eq!(n, 4);
            let mut storage = [0; 32];
            let mut rb = ReadBuf::new(&mut storage);
            // A partly filled buffer: the datagram lands after what is there.
            rb.put_slice(b">");
            within("poll_recv", poll_fn(|cx| b.poll_recv(cx, &mut rb))).await.unwrap();
            assert_eq!(rb.filled(), b">poll");
        });
    }

    #[test]
    fn waiting_receiver_is_woken() {
        rt().block_on(async {
            let a = local().await;
            let b = local().await;
            let b_addr = b.local_addr().unwrap();
            let waiter = rt::spawn(async move {
                let mut buf = [0; 8];
                let ready = b.ready(Interest::READABLE).await.unwrap();
                assert!(ready.is_readable());
                let (n, _) = b.recv_from(&mut buf).await.unwrap();
                buf[..n].to_vec()
            });
            for _ in 0..3 {
                rt::task::yield_now().await;
            }
            a.send_to(b"wake", b_addr).await.unwrap();
            assert_eq!(within("waiter", waiter).await.unwrap(), b"wake");
        });
    }

    #[test]
    fn try_io_and_async_io() {
        rt().block_on(async {
            use std::os::fd::AsFd;

            let a = local().await;
            let b = local().await;
            let b_addr = b.local_addr().unwrap();
            // A duplicate descriptor of `b`'s socket, still non-blocking.
            let b_dup = std::net::UdpSocket::from(b.as_fd().try_clone_to_owned().unwrap());
            let mut buf = [0; 16];
            let err = b.try_io(Interest::READABLE, || b_dup.recv(&mut buf)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::WouldBlock);

            let reader = b.async_io(Interest::READABLE, || b_dup.recv_from(&mut buf));
            let writer = async {
                rt::task::yield_now().await;
                a.writable().await.unwrap();
                let a_dup = std::net::UdpSocket::from(a.as_fd().try_clone_to_owned().unwrap());
                a.try_io(Interest::WRITABLE, || a_dup.send_to(b"custom", b_addr)).unwrap()
            };
            let (got, sent) = within("async_io", async { rt::join!(reader, writer) }).await;
            let (n, from) = got.unwrap();
            assert_eq!((n, sent, from), (6, 6, a.local_addr().unwrap()));
            assert_eq!(&buf[..6], b"custom");
        });
    }

    #[test]
    fn many_concurrent_senders_into_one_socket() {
        use std::os::fd::AsFd;

        const SENDERS: usize = 16;
        const EACH: usize = 20;
        const TOTAL: usize = SENDERS * EACH;
        rt().block_on(async {
            let server = local().await;
            let server_addr = server.local_addr().unwrap();
            // The same socket through a second descriptor, to look at the kernel's queue
            // without going through the reactor.
            let probe = std::net::UdpSocket::from(server.as_fd().try_clone_to_owned().unwrap());
            let sent = Arc::new(AtomicUsize::new(0));
            let mut senders = Vec::new();
            for i in 0..SENDERS {
                let sent = sent.clone();
                senders.push(rt::spawn(async move {
                    let sock = local().await;
                    for j in 0..EACH {
                        sock.send_to(&[i as u8, j as u8], server_addr).await.unwrap();
                        sent.fetch_add(1, SeqCst);
                        // Gently: loopback UDP drops when the receive queue is full.
                        rt::time::sleep(Duration::from_millis(1)).await;
                    }
                }));
            }
            let mut received = 0;
            let mut buf = [0; 4];
            let started = std::time::Instant::now();
            // Set at a quiet second after every datagram was sent: the next quiet second
            // ends the count (the rest were dropped), unless a datagram is queued then,
            // which would mean `recv_from` slept through its arrival.
            let mut all_sent = false;
            while received < TOTAL {
                match rt::time::timeout(Duration::from_secs(1), server.recv_from(&mut buf)).await
                {
                    Ok(Ok((2, _))) => received += 1,
                    Ok(other) => panic!("unexpected {other:?}"),
                    Err(_) if all_sent => {
                        let queued = probe.peek_from(&mut buf);
                        assert!(
                            queued.is_err(),
                            "lost wakeup: a datagram sat queued for a second while recv_from \
                             waited ({received} of {TOTAL} received)"
                        );
                        break;
                    }
                    Err(_) => {
                        // Nothing for a second: slow senders (a loaded machine) or done.
                        all_sent = sent.load(SeqCst) == TOTAL;
                        assert!(
                            started.elapsed() < Duration::from_secs(60),
                            "senders stalled: {} of {TOTAL} sent",
                            sent.load(SeqCst)
                        );
                    }
                }
            }
            for s in senders {
                within("senders", s).await.unwrap();
            }
            assert!(
                received >= TOTAL * 9 / 10,
                "received {received} of {TOTAL} datagrams"
            );
        });
    }

    #[test]
    fn many_clients_ping_pong_with_one_shared_server_socket() {
        const CLIENTS: usize = 16;
        const ROUNDS: usize = 25;
        rt().block_on(async {
            let server = Arc::new(local().await);
            let server_addr = server.local_addr().unwrap();
            let served = Arc::new(AtomicUsize::new(0));
            // Two tasks receive on the one socket, to exercise shared readiness.
            let mut echoes = Vec::new();
            for _ in 0..2 {
                let server = server.clone();
                let served = served.clone();
                echoes.push(rt::spawn(async move {
                    let mut buf = [0; 16];
                    loop {
                        let (n, from) = server.recv_from(&mut buf).await.unwrap();
                        served.fetch_add(1, SeqCst);
                        server.send_to(&buf[..n], from).await.unwrap();
                    }
                }));
            }
            let mut clients = Vec::new();
            for i in 0..CLIENTS {
                clients.push(rt::spawn(async move {
                    let sock = local().await;
                    sock.connect(server_addr).await.unwrap();
                    let mut buf = [0; 16];
                    for j in 0..ROUNDS {
                        let msg = [i as u8, j as u8];
                        sock.send(&msg).await.unwrap();
                        let n = within("pong", sock.recv(&mut buf)).await.unwrap();
                        assert_eq!(&buf[..n], &msg);
                    }
                }));
            }
            for c in clients {
                c.await.unwrap();
            }
            assert_eq!(served.load(SeqCst), CLIENTS * ROUNDS);
            for e in echoes {
                e.abort();
            }
        });
    }

    #[test]
    fn options_round_trip() {
        rt().block_on(async {
            let sock = local().await;
            sock.set_broadcast(true).unwrap();
            assert!(sock.broadcast().unwrap());
            sock.set_broadcast(false).unwrap();
            assert!(!sock.broadcast().unwrap());

            sock.set_ttl(17).unwrap();
            assert_eq!(sock.ttl().unwrap(), 17);

            sock.set_multicast_loop_v4(false).unwrap();
            assert!(!sock.multicast_loop_v4().unwrap());
            sock.set_multicast_loop_v4(true).unwrap();
            assert!(sock.multicast_loop_v4().unwrap());
            sock.set_multicast_ttl_v4(3).unwrap();
            assert_eq!(sock.multicast_ttl_v4().unwrap(), 3);

            sock.set_tos_v4(0x10).unwrap();
            assert_eq!(sock.tos_v4().unwrap(), 0x10);
            #[allow(deprecated)]
            {
                sock.set_tos(0x08).unwrap();
                assert_eq!(sock.tos().unwrap(), 0x08);
            }
            #[cfg(target_os = "linux")]
            assert_eq!(sock.device().unwrap(), None);

            assert!(sock.take_error().unwrap().is_none());
        });
    }

    #[test]
    fn multicast_join_and_leave_v4_on_loopback() {
        rt().block_on(async {
            let sock = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).await.unwrap();
            let group = Ipv4Addr::new(239, 255, 42, 99);
            // Joined on the loopback interface: nothing leaves the machine.
            sock.join_multicast_v4(group, Ipv4Addr::LOCALHOST).unwrap();
            sock.leave_multicast_v4(group, Ipv4Addr::LOCALHOST).unwrap();
            // Leaving twice fails: the group is not joined.
            assert!(sock.leave_multicast_v4(group, Ipv4Addr::LOCALHOST).is_err());
            // Not a multicast address.
            assert!(sock.join_multicast_v4(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST).is_err());
        });
    }

    #[test]
    fn ipv6_loopback_options_and_multicast() {
        rt().block_on(async {
            let Ok(sock) = UdpSocket::bind("[::1]:0").await else {
                eprintln!("no IPv6 loopback here; skipped");
                return;
            };
            sock.set_multicast_loop_v6(false).unwrap();
            assert!(!sock.multicast_loop_v6().unwrap());
            sock.set_multicast_loop_v6(true).unwrap();
            assert!(sock.multicast_loop_v6().unwrap());
            #[cfg(target_os = "linux")]
            {
                sock.set_tclass_v6(0x20).unwrap();
                assert_eq!(sock.tclass_v6().unwrap(), 0x20);
            }
            // A link-local-scope group on the loopback interface (index 1 on Linux).
            let group: Ipv6Addr = "ff02::1:3".parse().unwrap();
            if sock.join_multicast_v6(&group, 1).is_ok() {
                sock.leave_multicast_v6(&group, 1).unwrap();
            }
            assert!(sock.join_multicast_v6(&Ipv6Addr::LOCALHOST, 0).is_err());

            let other = UdpSocket::bind("[::1]:0").await.unwrap();
            other.send_to(b"six", sock.local_addr().unwrap()).await.unwrap();
            let mut buf = [0; 8];
            let (n, from) = within("v6", sock.recv_from(&mut buf)).await.unwrap();
            assert_eq!((&buf[..n], from), (&b"six"[..], other.local_addr().unwrap()));
        });
    }

    #[test]
    fn from_std_into_std_and_fd() {
        rt().block_on(async {
            use std::os::fd::{AsFd, AsRawFd};

            let std_sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            std_sock.set_nonblocking(true).unwrap();
            let addr = std_sock.local_addr().unwrap();
            let raw = std_sock.as_raw_fd();
            let sock = UdpSocket::from_std(std_sock).unwrap();
            assert_eq!(sock.as_raw_fd(), raw);
            assert_eq!(sock.as_fd().as_raw_fd(), raw);
            assert_eq!(sock.local_addr().unwrap(), addr);

            let peer = local().await;
            peer.send_to(b"before", addr).await.unwrap();
            let mut buf = [0; 16];
            let (n, _) = within("recv", sock.recv_from(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"before");

            let std_sock = sock.into_std().unwrap();
            std_sock.set_nonblocking(false).unwrap();
            peer.send_to(b"after", addr).await.unwrap();
            let (n, _) = std_sock.recv_from(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"after");
            std_sock.set_nonblocking(true).unwrap();
            let sock = UdpSocket::try_from(std_sock).unwrap();
            assert!(format!("{sock:?}").contains("UdpSocket"));
        });
    }

    #[test]
    fn bind_and_connect_errors() {
        rt().block_on(async {
            let a = local().await;
            let taken = a.local_addr().unwrap();
            assert_eq!(UdpSocket::bind(taken).await.unwrap_err().kind(), ErrorKind::AddrInUse);
            let none: &[SocketAddr] = &[];
            assert_eq!(UdpSocket::bind(none).await.unwrap_err().kind(), ErrorKind::InvalidInput);
            assert_eq!(a.connect(none).await.unwrap_err().kind(), ErrorKind::InvalidInput);
            assert_eq!(
                a.send_to(b"x", none).await.unwrap_err().kind(),
                ErrorKind::InvalidInput
            );
            // Bind tries each address in turn.
            let b = UdpSocket::bind(&[taken, "127.0.0.1:0".parse().unwrap()][..]).await.unwrap();
            assert_ne!(b.local_addr().unwrap(), taken);
        });
    }

    #[test]
    fn connected_send_to_closed_port_reports_refused() {
        rt().block_on(async {
            // A port bound then released: nothing listens there.
            let gone = local().await.local_addr().unwrap();
            let sock = local().await;
            sock.connect(gone).await.unwrap();
            sock.send(b"anyone?").await.unwrap();
            // The ICMP port-unreachable surfaces on the connected socket's next receive.
            let mut buf = [0; 8];
            let err = within("refused", sock.recv(&mut buf)).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
        });
    }
}

#[test]
fn bind_outside_a_runtime_panics_with_tokio_wording() {
    let err = std::panic::catch_unwind(|| {
        let std_sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        std_sock.set_nonblocking(true).unwrap();
        UdpSocket::from_std(std_sock).map(drop)
    })
    .unwrap_err();
    let msg = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap();
    assert!(msg.contains("there is no reactor running"), "{msg}");
}
