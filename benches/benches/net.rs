//! Networking benchmarks on loopback: rt against Tokio and smol, each on two worker threads.
//!
//! Benchmark ids are `net/<workload>/<runtime>`, the runtime being `rt`, `tokio` or `smol`:
//!
//! - `tcp_echo`: 50 connections, each making 2,000 round trips of 64 bytes through an echo
//!   server on the same runtime. The round trips' latencies are collected too; their
//!   p50/p99 per runtime are printed after the group (criterion measures the rounds' time,
//!   which gives the throughput).
//! - `tcp_stream`: one connection carrying 1 GiB in 64 KiB writes, read in 64 KiB reads.
//! - `udp_ping_pong`: 100,000 round trips of 64-byte datagrams between two connected
//!   sockets.
//!
//! # Fairness
//!
//! - The same workload code runs on all three runtimes: it is written once in the
//!   `workloads!` macro and instantiated with each runtime's socket types and I/O traits
//!   (their methods share names and meanings).
//! - Tasks are spawned from the bench thread through [`Spawn`], which boxes each task's
//!   handle the same way for every runtime; the bench thread then blocks on the handles.
//! - rt and Tokio run multi-thread runtimes with `WORKERS` workers and every driver; smol
//!   runs `WORKERS` executor threads ([`SmolPool`]), one of which waits on its reactor.
//! - Every round binds fresh sockets on 127.0.0.1 and closes them at its end.

#[path = "support/multi_thread.rs"]
mod multi_thread;

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::Criterion;
use multi_thread::{SmolPool, group, rt_runtime, tokio_runtime};
use rt_benches::settle_allocator;

/// Connections of the `tcp_echo` workload.
const CONNECTIONS: usize = 50;
/// Round trips each `tcp_echo` connection makes.
const ROUND_TRIPS: usize = 2_000;
/// Size of an echoed message or a UDP datagram.
const MESSAGE: usize = 64;
/// Bytes carried by `tcp_stream`.
const STREAM_BYTES: usize = 1 << 30;
/// Size of each write and read of `tcp_stream`.
const CHUNK: usize = 64 << 10;
/// Round trips of `udp_ping_pong`.
const UDP_ROUND_TRIPS: usize = 100_000;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// What the workloads need from a runtime: spawn a task, and wait for a future from the
/// bench thread.
trait Spawn {
    fn spawn<T: Send + 'static>(
        &self,
        task: impl Future<Output = T> + Send + 'static,
    ) -> BoxFuture<T>;
    fn block_on<T>(&self, future: impl Future<Output = T>) -> T;
}

impl Spawn for rt::runtime::Runtime {
    fn spawn<T: Send + 'static>(
        &self,
        task: impl Future<Output = T> + Send + 'static,
    ) -> BoxFuture<T> {
        // Through `Deref`: rt's `Runtime` wraps rt-core's, which spawns.
        let handle = (**self).spawn(task);
        Box::pin(async move { handle.await.unwrap() })
    }

    fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        (**self).block_on(future)
    }
}

impl Spawn for tokio::runtime::Runtime {
    fn spawn<T: Send + 'static>(
        &self,
        task: impl Future<Output = T> + Send + 'static,
    ) -> BoxFuture<T> {
        let handle = tokio::runtime::Runtime::spawn(self, task);
        Box::pin(async move { handle.await.unwrap() })
    }

    fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        tokio::runtime::Runtime::block_on(self, future)
    }
}

impl Spawn for SmolPool {
    fn spawn<T: Send + 'static>(
        &self,
        task: impl Future<Output = T> + Send + 'static,
    ) -> BoxFuture<T> {
        Box::pin(self.ex.spawn(task))
    }

    fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        // Not `smol::block_on`: the bench thread must not compete for the reactor.
        smol::future::block_on(future)
    }
}

/// The workloads, written once and instantiated per runtime.
macro_rules! workloads {
    ($name:ident, net = $net:path, io = $io:path) => {
        mod $name {
            use std::time::Instant;

            use super::UDP_ROUND_TRIPS;
            use super::{CHUNK, CONNECTIONS, MESSAGE, ROUND_TRIPS, STREAM_BYTES, Spawn};
            use $io::{AsyncReadExt, AsyncWriteExt};
            use $net::{TcpListener, TcpStream, UdpSocket};

            /// `tcp_echo`: returns every round trip's latency in nanoseconds.
            pub fn tcp_echo(runtime: &impl Spawn) -> Vec<u64> {
                let listener = std::sync::Arc::new(
                    runtime.block_on(async { TcpListener::bind("127.0.0.1:0").await.unwrap() }),
                );
                let addr = listener.local_addr().unwrap();
                let servers: Vec<_> = (0..CONNECTIONS)
                    .map(|_| {
                        let listener = listener.clone();
                        runtime.spawn(async move {
                            let (mut stream, _) = listener.accept().await.unwrap();
                            stream.set_nodelay(true).unwrap();
                            let mut buf = [0u8; MESSAGE];
                            // The client closes after its last round trip: EOF ends this.
                            while stream.read_exact(&mut buf).await.is_ok() {
                                stream.write_all(&buf).await.unwrap();
                            }
                        })
                    })
                    .collect();
                let clients: Vec<_> = (0..CONNECTIONS)
                    .map(|_| {
                        runtime.spawn(async move {
                            let mut stream = TcpStream::connect(addr).await.unwrap();
                            stream.set_nodelay(true).unwrap();
                            let message = [7u8; MESSAGE];
                            let mut reply = [0u8; MESSAGE];
                            let mut latencies = Vec::with_capacity(ROUND_TRIPS);
                            for _ in 0..ROUND_TRIPS {
                                let start = Instant::now();
                                stream.write_all(&message).await.unwrap();
                                stream.read_exact(&mut reply).await.unwrap();
                                latencies.push(start.elapsed().as_nanos() as u64);
                            }
                            latencies
                        })
                    })
                    .collect();
                runtime.block_on(async {
                    let mut latencies = Vec::with_capacity(CONNECTIONS * ROUND_TRIPS);
                    for client in clients {
                        latencies.extend(client.await);
                    }
                    for server in servers {
                        server.await;
                    }
                    latencies
                })
            }

            /// `tcp_stream`: 1 GiB over one connection.
            pub fn tcp_stream(runtime: &impl Spawn) {
                let listener =
                    runtime.block_on(async { TcpListener::bind("127.0.0.1:0").await.unwrap() });
                let addr = listener.local_addr().unwrap();
                let reader = runtime.spawn(async move {
                    let (mut stream, _) = listener.accept().await.unwrap();
                    let mut buf = vec![0u8; CHUNK];
                    let mut total = 0;
                    loop {
                        match stream.read(&mut buf).await.unwrap() {
                            0 => break total,
                            n => total += n,
                        }
                    }
                });
                let writer = runtime.spawn(async move {
                    let mut stream = TcpStream::connect(addr).await.unwrap();
                    let buf = vec![1u8; CHUNK];
                    for _ in 0..STREAM_BYTES / CHUNK {
                        stream.write_all(&buf).await.unwrap();
                    }
                });
                runtime.block_on(async {
                    writer.await;
                    assert_eq!(reader.await, STREAM_BYTES);
                });
            }

            /// `udp_ping_pong`: round trips between two connected sockets.
            pub fn udp_ping_pong(runtime: &impl Spawn) {
                let (ping, pong) = runtime.block_on(async {
                    let ping = UdpSocket::bind("127.0.0.1:0").await.unwrap();
                    let pong = UdpSocket::bind("127.0.0.1:0").await.unwrap();
                    ping.connect(pong.local_addr().unwrap()).await.unwrap();
                    pong.connect(ping.local_addr().unwrap()).await.unwrap();
                    (ping, pong)
                });
                let echo = runtime.spawn(async move {
                    let mut buf = [0u8; MESSAGE];
                    for _ in 0..UDP_ROUND_TRIPS {
                        let n = pong.recv(&mut buf).await.unwrap();
                        pong.send(&buf[..n]).await.unwrap();
                    }
                });
                let client = runtime.spawn(async move {
                    let message = [3u8; MESSAGE];
                    let mut buf = [0u8; MESSAGE];
                    for _ in 0..UDP_ROUND_TRIPS {
                        ping.send(&message).await.unwrap();
                        assert_eq!(ping.recv(&mut buf).await.unwrap(), MESSAGE);
                    }
                });
                runtime.block_on(async {
                    client.await;
                    echo.await;
                });
            }
        }
    };
}

workloads!(on_rt, net = rt::net, io = rt::io);
workloads!(on_tokio, net = tokio::net, io = tokio::io);
workloads!(on_smol, net = smol::net, io = smol::io);

/// Latencies of every `tcp_echo` round trip measured, per runtime.
static LATENCIES: [Mutex<Vec<u64>>; 3] = [const { Mutex::new(Vec::new()) }; 3];
const NAMES: [&str; 3] = ["rt", "tokio", "smol"];

/// Runs `workload` on `runtime`, for criterion's `iter_custom`.
fn timed<R: Spawn>(runtime: &R, iters: u64, workload: impl Fn(&R)) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        workload(runtime);
    }
    start.elapsed()
}

/// Measures one workload on rt, Tokio and smol in the group `net/<workload>`, each runtime
/// built just before its turn and dropped after it.
fn compare(
    c: &mut Criterion,
    workload: &str,
    bytes: Option<u64>,
    on_rt: impl Fn(&rt::runtime::Runtime),
    on_tokio: impl Fn(&tokio::runtime::Runtime),
    on_smol: impl Fn(&SmolPool),
) {
    let mut group = group(c, "net", workload);
    group.sample_size(10);
    if let Some(bytes) = bytes {
        group.throughput(criterion::Throughput::Bytes(bytes));
    }
    {
        let runtime = rt_runtime();
        group.bench_function("rt", |b| {
            b.iter_custom(|iters| timed(&runtime, iters, &on_rt))
        });
    }
    {
        let runtime = tokio_runtime();
        group.bench_function("tokio", |b| {
            b.iter_custom(|iters| timed(&runtime, iters, &on_tokio))
        });
    }
    {
        let pool = SmolPool::new();
        group.bench_function("smol", |b| {
            b.iter_custom(|iters| timed(&pool, iters, &on_smol))
        });
    }
    group.finish();
}

fn tcp_echo(c: &mut Criterion) {
    let record = |index: usize, latencies: Vec<u64>| {
        LATENCIES[index].lock().unwrap().extend(latencies);
    };
    compare(
        c,
        "tcp_echo",
        None,
        |r| record(0, on_rt::tcp_echo(r)),
        |r| record(1, on_tokio::tcp_echo(r)),
        |r| record(2, on_smol::tcp_echo(r)),
    );
    report_latencies();
}

/// Prints p50/p99/p99.9 of the `tcp_echo` round trips per runtime, and p99's ratio to
/// Tokio's and smol's.
fn report_latencies() {
    let mut p99 = [Duration::ZERO; 3];
    for (index, name) in NAMES.iter().enumerate() {
        let mut latencies = std::mem::take(&mut *LATENCIES[index].lock().unwrap());
        if latencies.is_empty() {
            continue;
        }
        latencies.sort_unstable();
        let at = |p: f64| {
            let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
            Duration::from_nanos(latencies[i])
        };
        p99[index] = at(0.99);
        eprintln!(
            "net/tcp_echo latency {name}: p50 {:?} p99 {:?} p99.9 {:?} ({} round trips)",
            at(0.5),
            at(0.99),
            at(0.999),
            latencies.len()
        );
    }
    if !p99[1].is_zero() && !p99[2].is_zero() {
        eprintln!(
            "net/tcp_echo p99 ratio: rt/tokio {:.2}x, rt/smol {:.2}x",
            p99[0].as_secs_f64() / p99[1].as_secs_f64(),
            p99[0].as_secs_f64() / p99[2].as_secs_f64()
        );
    }
}

fn tcp_stream(c: &mut Criterion) {
    compare(
        c,
        "tcp_stream",
        Some(STREAM_BYTES as u64),
        on_rt::tcp_stream,
        on_tokio::tcp_stream,
        on_smol::tcp_stream,
    );
}

fn udp_ping_pong(c: &mut Criterion) {
    compare(
        c,
        "udp_ping_pong",
        None,
        on_rt::udp_ping_pong,
        on_tokio::udp_ping_pong,
        on_smol::udp_ping_pong,
    );
}

// What `criterion_group!` and `criterion_main!` would expand to, written out as in the other
// bench files.
fn main() {
    // Without this, whichever contender is measured first in the process is penalised by the
    // allocator's initial state (see `settle_allocator`).
    settle_allocator();
    let mut c = Criterion::default().configure_from_args();
    tcp_echo(&mut c);
    tcp_stream(&mut c);
    udp_ping_pong(&mut c);
    c.final_summary();
}
