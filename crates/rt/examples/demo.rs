//! rt's main demo: a TCP echo server on loopback, driven by many concurrent clients for a
//! few seconds; prints requests per second and the latency distribution, then exits.
//!
//! ```text
//! cargo run --release -p rt --example demo [-- <connections> <seconds>]
//! ```
//!
//! Each client connection sends a 64-byte message, waits for the echo, and measures the
//! round trip, again and again until the time is up. Server and clients share one
//! multi-thread runtime (one worker per core), as a service talking to itself would.

use std::time::{Duration, Instant};

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream};

const MESSAGE: usize = 64;

/// Echoes everything it reads on `stream` until the peer closes it.
async fn echo(mut stream: TcpStream) {
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if stream.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// One client connection: round trips until `until`; returns each one's latency in ns.
async fn client(addr: std::net::SocketAddr, id: usize, until: Instant) -> Vec<u64> {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let mut message = [0u8; MESSAGE];
    let mut reply = [0u8; MESSAGE];
    let mut latencies = Vec::new();
    let mut seq = 0u64;
    while Instant::now() < until {
        message[..8].copy_from_slice(&seq.to_le_bytes());
        message[8..16].copy_from_slice(&(id as u64).to_le_bytes());
        let start = Instant::now();
        stream.write_all(&message).await.expect("write");
        stream.read_exact(&mut reply).await.expect("read");
        latencies.push(start.elapsed().as_nanos() as u64);
        assert_eq!(reply, message, "the echo differs from what was sent");
        seq += 1;
    }
    latencies
}

fn percentile(sorted: &[u64], p: f64) -> Duration {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    Duration::from_nanos(sorted[index])
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let connections: usize = args.next().map_or(100, |n| n.parse().expect("a count"));
    let seconds: u64 = args.next().map_or(3, |n| n.parse().expect("seconds"));

    let runtime = rt::runtime::Runtime::new()?;
    let workers = runtime.handle().metrics().num_workers();
    println!(
        "rt echo demo: {connections} connections x {seconds} s of {MESSAGE}-byte round trips, \
         {workers} worker thread(s)"
    );
    let (latencies, elapsed) = runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        println!("echo server listening on {addr}");
        rt::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                stream.set_nodelay(true).expect("nodelay");
                rt::spawn(echo(stream));
            }
        });

        let start = Instant::now();
        let until = start + Duration::from_secs(seconds);
        let clients: Vec<_> = (0..connections)
            .map(|id| rt::spawn(client(addr, id, until)))
            .collect();
        let mut latencies = Vec::new();
        for client in clients {
            latencies.extend(client.await.expect("client task"));
        }
        Ok::<_, std::io::Error>((latencies, start.elapsed()))
    })?;

    let mut sorted = latencies;
    sorted.sort_unstable();
    let requests = sorted.len();
    println!(
        "{requests} round trips in {:.2} s: {:.0} requests/s",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency p50 {:?}  p99 {:?}  p99.9 {:?}  max {:?}",
        percentile(&sorted, 0.50),
        percentile(&sorted, 0.99),
        percentile(&sorted, 0.999),
        percentile(&sorted, 1.0),
    );
    let metrics = runtime.handle().metrics();
    println!(
        "runtime: {} task(s) spawned, {} alive at the end (the server's)",
        metrics.spawned_tasks_count(),
        metrics.num_alive_tasks()
    );
    Ok(())
}
