#![cfg(feature = "full")]
//! Load: about 10,000 loopback connections open at once, each echoing 100 messages, every
//! byte checked in order, on the multi-thread runtime. Both ends live in this process, so
//! it raises its open-file limit to the hard limit and scales the count to fit.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpSocket, TcpStream};

const MESSAGES: usize = 100;
const MESSAGE_LEN: usize = 16;
const WANTED: usize = 10_000;

/// Raises the soft `RLIMIT_NOFILE` to the hard limit; returns the new soft limit.
fn raise_fd_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable `rlimit` for the call to fill.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) };
    assert_eq!(rc, 0, "getrlimit: {}", io::Error::last_os_error());
    lim.rlim_cur = lim.rlim_max;
    // SAFETY: `lim` is a valid `rlimit`; raising the soft limit up to the hard one is allowed.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) };
    assert_eq!(rc, 0, "setrlimit: {}", io::Error::last_os_error());
    lim.rlim_cur
}

/// Message `seq` of connection `id`: distinct per connection and position, so a byte out of
/// place or from another connection shows.
fn message(id: usize, seq: usize) -> [u8; MESSAGE_LEN] {
    let mut m = [0; MESSAGE_LEN];
    m[..8].copy_from_slice(&(id as u64).to_le_bytes());
    m[8..].copy_from_slice(&(seq as u64).to_le_bytes());
    m
}

#[test]
fn ten_thousand_connections_echo_in_order() {
    let limit = raise_fd_limit();
    // Two descriptors per connection (both ends here), plus headroom for the runtime, the
    // test harness and the blocking pool.
    let conns = WANTED.min((limit.saturating_sub(2_000) / 2) as usize);
    assert!(
        conns >= 1_000,
        "open-file limit {limit} too low for a load test"
    );

    let rt = rt::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let start = Instant::now();
    let (accepted, echoed_bytes) = rt.block_on(async move {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(conns as u32).unwrap();
        let addr = listener.local_addr().unwrap();

        // The server: one echo task per accepted connection.
        let server = rt::spawn(async move {
            let mut echoes = Vec::with_capacity(conns);
            for _ in 0..conns {
                let (mut stream, _) = listener.accept().await.unwrap();
                echoes.push(rt::spawn(async move {
                    let (mut rd, mut wr) = stream.split();
                    rt::io::copy(&mut rd, &mut wr).await.unwrap()
                }));
            }
            let mut total = 0;
            for echo in echoes {
                total += echo.await.unwrap();
            }
            (conns, total)
        });

        // The clients: all connect, wait until every one is connected (so all are open at
        // once), then send their messages while reading the echo back.
        let all_connected = Arc::new(rt::sync::Barrier::new(conns));
        let clients: Vec<_> = (0..conns)
            .map(|id| {
                let all_connected = all_connected.clone();
                rt::spawn(async move {
                    let stream = TcpStream::connect(addr).await?;
                    all_connected.wait().await;
                    let (mut rd, mut wr) = stream.into_split();
                    let writer = async move {
                        for seq in 0..MESSAGES {
                            wr.write_all(&message(id, seq)).await?;
                        }
                        wr.shutdown().await
                    };
                    let reader = async move {
                        let mut got = [0; MESSAGE_LEN];
                        for seq in 0..MESSAGES {
                            rd.read_exact(&mut got).await?;
                            assert_eq!(got, message(id, seq), "connection {id}, message {seq}");
                        }
                        assert_eq!(rd.read(&mut got).await?, 0, "connection {id}: no eof");
                        Ok::<_, io::Error>(())
                    };
                    let (w, r) = rt::join!(writer, reader);
                    w.and(r)
                })
            })
            .collect();
        for (id, client) in clients.into_iter().enumerate() {
            rt::time::timeout(Duration::from_secs(120), client)
                .await
                .unwrap_or_else(|_| panic!("client {id} timed out"))
                .unwrap()
                .unwrap_or_else(|e| panic!("client {id}: {e}"));
        }
        server.await.unwrap()
    });
    let expected = (conns * MESSAGES * MESSAGE_LEN) as u64;
    assert_eq!(accepted, conns);
    assert_eq!(echoed_bytes, expected);
    println!(
        "open-file limit {limit}: {conns} concurrent loopback connections, {MESSAGES} messages \
         of {MESSAGE_LEN} bytes each, {echoed_bytes} bytes echoed in order, in {:?}",
        start.elapsed()
    );
}
