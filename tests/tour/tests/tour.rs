//! A user's first program, as tests: only `rt` with `full`. Runtime and tasks, TCP, time,
//! sync, streams, files and macros, each the way the docs show it.

use std::sync::Arc;
use std::time::Duration;

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream, UdpSocket};
use rt::stream::StreamExt;
use rt::stream::wrappers::{IntervalStream, ReceiverStream};
use rt::sync::{Mutex, Notify, mpsc, oneshot, watch};
use rt::task::JoinSet;
use rt::time::{Instant, MissedTickBehavior, interval, sleep, timeout};

#[test]
fn a_runtime_built_by_hand_runs_tasks_and_blocking_work() {
    let runtime = rt::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let total = runtime.block_on(async {
        let mut set = JoinSet::new();
        for i in 0..100u64 {
            set.spawn(async move { i });
        }
        let blocking = rt::task::spawn_blocking(|| (0..10u64).sum::<u64>());
        let mut total = blocking.await.unwrap();
        while let Some(value) = set.join_next().await {
            total += value.unwrap();
        }
        total
    });
    assert_eq!(total, 4950 + 45);
}

#[rt::test]
async fn tcp_echo_round_trip() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = rt::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let (mut reader, mut writer) = stream.split();
        rt::io::copy(&mut reader, &mut writer).await.unwrap()
    });
    let mut client = TcpStream::connect(addr).await.unwrap();
    client.write_all(b"ping over tcp").await.unwrap();
    client.shutdown().await.unwrap();
    let mut echoed = String::new();
    client.read_to_string(&mut echoed).await.unwrap();
    assert_eq!(echoed, "ping over tcp");
    assert_eq!(server.await.unwrap(), 13);
}

#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_ping_pong() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    a.send_to(b"ping", b.local_addr().unwrap()).await.unwrap();
    let mut buf = [0u8; 8];
    let (n, from) = b.recv_from(&mut buf).await.unwrap();
    b.send_to(&buf[..n], from).await.unwrap();
    let n = a.recv(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"ping");
}

#[rt::test]
async fn sleeps_timeouts_and_intervals() {
    let start = Instant::now();
    sleep(Duration::from_millis(20)).await;
    assert!(start.elapsed() >= Duration::from_millis(20), "woke early");

    let never = std::future::pending::<()>();
    assert!(timeout(Duration::from_millis(10), never).await.is_err());
    assert_eq!(timeout(Duration::from_secs(5), async { 7 }).await, Ok(7));

    let mut ticks = interval(Duration::from_millis(10));
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let first = ticks.tick().await;
    let second = ticks.tick().await;
    assert!(second - first >= Duration::from_millis(10));
}

#[rt::test(flavor = "multi_thread")]
async fn channels_and_locks_between_tasks() {
    let counter = Arc::new(Mutex::new(0));
    let (tx, mut rx) = mpsc::channel::<u32>(4);
    let producers: Vec<_> = (0..4)
        .map(|p| {
            let tx = tx.clone();
            let counter = counter.clone();
            rt::spawn(async move {
                for i in 0..25 {
                    *counter.lock().await += 1;
                    tx.send(p * 100 + i).await.unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut received = 0;
    while rx.recv().await.is_some() {
        received += 1;
    }
    for producer in producers {
        producer.await.unwrap();
    }
    assert_eq!(received, 100);
    assert_eq!(*counter.lock().await, 100);

    let (done_tx, done_rx) = oneshot::channel();
    let (state_tx, mut state_rx) = watch::channel("starting");
    let notify = Arc::new(Notify::new());
    let waiter = {
        let notify = notify.clone();
        rt::spawn(async move {
            notify.notified().await;
            state_tx.send("ready").unwrap();
            done_tx.send(42).unwrap();
        })
    };
    notify.notify_one();
    state_rx.changed().await.unwrap();
    assert_eq!(*state_rx.borrow(), "ready");
    assert_eq!(done_rx.await.unwrap(), 42);
    waiter.await.unwrap();
}

#[rt::test]
async fn streams_over_channels_and_intervals() {
    let (tx, rx) = mpsc::channel(8);
    rt::spawn(async move {
        for i in 1..=5 {
            tx.send(i).await.unwrap();
        }
    });
    let doubled: Vec<i32> = ReceiverStream::new(rx).map(|i| i * 2).collect().await;
    assert_eq!(doubled, [2, 4, 6, 8, 10]);

    let ticks = IntervalStream::new(interval(Duration::from_millis(1)));
    let first_three: Vec<_> = ticks.take(3).collect().await;
    assert_eq!(first_three.len(), 3);
}

#[rt::test]
async fn select_and_join() {
    let (tx, rx) = oneshot::channel::<&str>();
    rt::spawn(async move {
        sleep(Duration::from_millis(5)).await;
        tx.send("first").unwrap();
    });
    let winner = rt::select! {
        message = rx => message.unwrap(),
        () = sleep(Duration::from_secs(5)) => "timeout",
    };
    assert_eq!(winner, "first");

    let (a, b) = rt::join!(async { 1 }, async { "two" });
    assert_eq!((a, b), (1, "two"));
    let both: Result<(u8, u8), &str> = rt::try_join!(async { Ok(1) }, async { Ok(2) });
    assert_eq!(both, Ok((1, 2)));
}

#[rt::test]
async fn files_written_and_read_back() {
    let dir = std::env::temp_dir().join(format!("rt-tour-{}", std::process::id()));
    rt::fs::create_dir_all(&dir).await.unwrap();
    let path = dir.join("greeting.txt");
    rt::fs::write(&path, "hello from rt::fs\n").await.unwrap();
    let mut file = rt::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .await
        .unwrap();
    file.write_all(b"and again\n").await.unwrap();
    file.flush().await.unwrap();
    let text = rt::fs::read_to_string(&path).await.unwrap();
    assert_eq!(text, "hello from rt::fs\nand again\n");
    rt::fs::remove_dir_all(&dir).await.unwrap();
}
