//! In-memory pipes (`duplex`, `simplex`), `split` across tasks, `copy`, `copy_buf`,
//! `copy_bidirectional`, `join`, and `empty`/`sink`/`repeat`.

mod io_support;

use std::io::ErrorKind;
use std::task::Poll;

use io_support::{MockReader, MockWriter, poll_once};
use rt::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, SimplexStream};

#[rt::test]
async fn duplex_carries_both_ways() {
    let (mut a, mut b) = rt::io::duplex(16);
    a.write_all(b"to b").await.unwrap();
    b.write_all(b"to a").await.unwrap();
    let mut buf = [0u8; 4];
    b.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"to b");
    a.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"to a");
}

#[test]
fn duplex_back_pressure_at_max_buf_size() {
    let (mut a, mut b) = rt::io::duplex(4);
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        assert_eq!(
            a.write(b"abcdef").await.unwrap(),
            4,
            "only max_buf_size fits"
        );
        {
            let mut full = Box::pin(a.write(b"x"));
            assert!(poll_once(&mut full).is_pending(), "full: the writer waits");
        }
        let mut two = [0u8; 2];
        b.read_exact(&mut two).await.unwrap();
        assert_eq!(a.write(b"xyz").await.unwrap(), 2, "room for two again");
        let mut rest = [0u8; 4];
        b.read_exact(&mut rest).await.unwrap();
        assert_eq!(&rest, b"cdxy");
    });
}

#[rt::test]
async fn duplex_blocked_writer_is_woken_by_reader() {
    let (mut a, mut b) = rt::io::duplex(8);
    let data: Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
    let expected = data.clone();
    let writer = rt::spawn(async move {
        a.write_all(&data).await.unwrap();
    });
    let mut got = vec![0u8; 1000];
    b.read_exact(&mut got).await.unwrap();
    assert_eq!(got, expected);
    writer.await.unwrap();
}

#[rt::test]
async fn duplex_drop_gives_eof_after_drain_and_broken_pipe() {
    let (mut a, mut b) = rt::io::duplex(16);
    a.write_all(b"last words").await.unwrap();
    drop(a);
    let mut got = String::new();
    b.read_to_string(&mut got).await.unwrap();
    assert_eq!(got, "last words");
    assert_eq!(
        b.write(b"x").await.unwrap_err().kind(),
        ErrorKind::BrokenPipe
    );
}

#[rt::test]
async fn duplex_drop_wakes_pending_reader_and_writer() {
    let (a, mut b) = rt::io::duplex(2);
    let (c, mut d) = rt::io::duplex(2);
    let reader = rt::spawn(async move {
        let mut buf = [0u8; 1];
        b.read(&mut buf).await.unwrap()
    });
    let writer = rt::spawn(async move { d.write_all(b"more than two").await });
    rt::task::yield_now().await;
    drop(a);
    drop(c);
    assert_eq!(reader.await.unwrap(), 0, "EOF");
    assert_eq!(
        writer.await.unwrap().unwrap_err().kind(),
        ErrorKind::BrokenPipe
    );
}

#[rt::test]
async fn duplex_shutdown_is_eof_for_the_peer_only() {
    let (mut a, mut b) = rt::io::duplex(16);
    a.shutdown().await.unwrap();
    let mut buf = Vec::new();
    assert_eq!(b.read_to_end(&mut buf).await.unwrap(), 0);
    // Each direction is its own pipe: shutting down `a`'s writing leaves `b -> a` open.
    b.write_all(b"ok").await.unwrap();
    let mut two = [0u8; 2];
    a.read_exact(&mut two).await.unwrap();
    assert_eq!(&two, b"ok");
}

#[test]
#[should_panic(expected = "`max_buf_size` must be greater than 0")]
fn duplex_zero_size_panics() {
    let _ = rt::io::duplex(0);
}

#[rt::test]
async fn simplex_split_and_unsplit() {
    let (mut rd, mut wr) = rt::io::simplex(8);
    assert!(rd.is_pair_of(&wr) && wr.is_pair_of(&rd));
    wr.write_all(b"one").await.unwrap();
    let mut buf = [0u8; 3];
    rd.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"one");
    let mut pipe: SimplexStream = rd.unsplit(wr);
    pipe.write_all(b"two").await.unwrap();
    pipe.shutdown().await.unwrap();
    let mut s = String::new();
    pipe.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "two");
}

#[test]
#[should_panic(expected = "unrelated")]
fn unsplit_unrelated_halves_panics() {
    let (rd, _wr) = rt::io::simplex(8);
    let (_rd2, wr2) = rt::io::simplex(8);
    assert!(!rd.is_pair_of(&wr2));
    let _ = rd.unsplit(wr2);
}

#[test]
fn split_halves_from_two_tasks_concurrently() {
    let rt = rt::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    rt.block_on(async {
        let (stream, peer) = rt::io::duplex(64);
        let (mut rd, mut wr) = rt::io::split(stream);
        let (mut peer_rd, mut peer_wr) = rt::io::split(peer);
        // Fewer under miri, where each one-byte write costs milliseconds.
        const N: usize = if cfg!(miri) { 500 } else { 20_000 };
        let w1 = rt::spawn(async move {
            for i in 0..N {
                wr.write_all(&[(i % 251) as u8]).await.unwrap();
            }
            wr.shutdown().await.unwrap();
            wr
        });
        let w2 = rt::spawn(async move {
            for i in 0..N {
                peer_wr.write_all(&[(i % 241) as u8]).await.unwrap();
            }
            peer_wr.shutdown().await.unwrap();
        });
        let r1 = rt::spawn(async move {
            let mut got = Vec::new();
            rd.read_to_end(&mut got).await.unwrap();
            (got, rd)
        });
        let r2 = rt::spawn(async move {
            let mut got = Vec::new();
            peer_rd.read_to_end(&mut got).await.unwrap();
            got
        });
        let wr = w1.await.unwrap();
        w2.await.unwrap();
        let (got1, rd) = r1.await.unwrap();
        let got2 = r2.await.unwrap();
        assert_eq!(got1.len(), N);
        assert_eq!(got2.len(), N);
        assert!(got1.iter().enumerate().all(|(i, &b)| b == (i % 241) as u8));
        assert!(got2.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
        let _stream = rd.unsplit(wr);
    });
}

#[rt::test]
async fn copy_counts_and_flushes() {
    let data: Vec<u8> = (0..50_000u32).map(|i| (i * 7) as u8).collect();
    let mut rd = MockReader::chunked(&data, 3000);
    let mut wr = MockWriter::new(1000, true);
    let n = rt::io::copy(&mut rd, &mut wr).await.unwrap();
    assert_eq!(n, data.len() as u64);
    assert_eq!(wr.data, data);
    assert!(wr.flushes >= 1, "flushed at the end");
}

#[rt::test]
async fn copy_write_zero_is_an_error() {
    let mut rd: &[u8] = b"abc";
    let mut wr = MockWriter::new(10, false);
    wr.capacity = Some(1);
    assert_eq!(
        rt::io::copy(&mut rd, &mut wr).await.unwrap_err().kind(),
        ErrorKind::WriteZero
    );
}

#[rt::test]
async fn copy_buf_uses_the_readers_buffer() {
    let mut rd = BufReader::with_capacity(7, MockReader::chunked(b"hello buffered world", 5));
    let mut wr = MockWriter::new(4, true);
    assert_eq!(rt::io::copy_buf(&mut rd, &mut wr).await.unwrap(), 20);
    assert_eq!(wr.data, b"hello buffered world");
    assert_eq!(wr.flushes, 1);
}

#[rt::test]
async fn copy_bidirectional_shuts_down_each_side_on_eof() {
    let (mut client, mut proxy_a) = rt::io::duplex(32);
    let (mut proxy_b, mut server) = rt::io::duplex(32);
    let proxy = rt::spawn(async move {
        let res = rt::io::copy_bidirectional(&mut proxy_a, &mut proxy_b).await;
        (res, proxy_a, proxy_b)
    });

    let request = vec![b'q'; 1000];
    let client_task = rt::spawn(async move {
        client.write_all(&request).await.unwrap();
        client.shutdown().await.unwrap();
        let mut reply = Vec::new();
        client.read_to_end(&mut reply).await.unwrap();
        reply
    });

    let mut got = Vec::new();
    server.read_to_end(&mut got).await.unwrap();
    assert_eq!(
        got.len(),
        1000,
        "EOF reached the server: the proxy shut its writer down"
    );
    server.write_all(b"reply").await.unwrap();
    server.shutdown().await.unwrap();

    assert_eq!(client_task.await.unwrap(), b"reply");
    let (res, _a, _b) = proxy.await.unwrap();
    assert_eq!(res.unwrap(), (1000, 5));
}

#[rt::test]
async fn copy_bidirectional_with_sizes_small_buffers() {
    let (mut a, mut a_peer) = rt::io::duplex(64);
    let (mut b, mut b_peer) = rt::io::duplex(64);
    a_peer.write_all(b"0123456789").await.unwrap();
    a_peer.shutdown().await.unwrap();
    b_peer.write_all(b"xyz").await.unwrap();
    b_peer.shutdown().await.unwrap();
    let counts = rt::io::copy_bidirectional_with_sizes(&mut a, &mut b, 3, 1)
        .await
        .unwrap();
    assert_eq!(counts, (10, 3));
    let mut s = String::new();
    b_peer.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "0123456789");
    s.clear();
    a_peer.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "xyz");
}

#[rt::test]
async fn copy_bidirectional_error_is_returned() {
    let (mut a, mut a_peer) = rt::io::duplex(8);
    let (mut b, b_peer) = rt::io::duplex(8);
    drop(b_peer);
    a_peer.write_all(b"data").await.unwrap();
    // a -> b fails: nobody reads b's side any more.
    let err = rt::io::copy_bidirectional(&mut a, &mut b)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BrokenPipe);
}

#[rt::test]
async fn join_combines_a_reader_and_a_writer() {
    let mut j = rt::io::join(&b"in"[..], Vec::new());
    let mut s = String::new();
    j.read_to_string(&mut s).await.unwrap();
    j.write_all(b"out").await.unwrap();
    j.flush().await.unwrap();
    assert_eq!(j.writer(), b"out");
    assert_eq!(*j.reader(), b"");
    j.writer_mut().push(b'!');
    let (_r, w) = j.into_inner();
    assert_eq!(w, b"out!");
    let mut j = rt::io::join(&b"line\n"[..], rt::io::sink());
    let mut line = String::new();
    j.read_line(&mut line).await.unwrap();
    assert_eq!(line, "line\n");
}

#[rt::test]
async fn empty_sink_repeat() {
    let mut e = rt::io::empty();
    let mut buf = Vec::new();
    assert_eq!(e.read_to_end(&mut buf).await.unwrap(), 0);
    assert_eq!(e.fill_buf().await.unwrap(), b"");
    assert_eq!(e.write(b"abc").await.unwrap(), 3);
    e.flush().await.unwrap();
    e.shutdown().await.unwrap();
    assert_eq!(format!("{e:?}"), "Empty { .. }");

    let mut s = rt::io::sink();
    assert_eq!(s.write(b"abcd").await.unwrap(), 4);
    s.write_all(&[0u8; 10_000]).await.unwrap();
    s.shutdown().await.unwrap();

    let mut r = rt::io::repeat(b'z');
    let mut buf = [0u8; 5];
    r.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"zzzzz");
    let mut out = Vec::new();
    (&mut r).take(3).read_to_end(&mut out).await.unwrap();
    assert_eq!(out, b"zzz");
}

#[rt::test]
async fn always_ready_endpoints_yield_to_other_tasks() {
    // A loop over `repeat` spends the task budget, so a spawned task gets to run.
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = flag.clone();
    rt::spawn(async move { seen.store(true, std::sync::atomic::Ordering::SeqCst) });
    let mut r = rt::io::repeat(1);
    let mut buf = [0u8; 1];
    let mut spins = 0u64;
    while !flag.load(std::sync::atomic::Ordering::SeqCst) {
        r.read_exact(&mut buf).await.unwrap();
        spins += 1;
        assert!(spins < 1_000_000, "the spawned task never ran");
    }
}

#[test]
fn duplex_read_registers_and_gets_woken() {
    let (mut a, mut b) = rt::io::duplex(8);
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let mut buf = [0u8; 1];
        {
            let mut fut = Box::pin(b.read(&mut buf));
            assert!(matches!(poll_once(&mut fut), Poll::Pending));
        }
        a.write_all(b"!").await.unwrap();
        b.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"!");
    });
}
