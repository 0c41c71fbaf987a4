//! A tour of rt: spawning, joining, aborting, blocking work, `!Send` tasks and task-locals
//! on the current-thread runtime; then channels, a lock and metrics on the multi-thread
//! runtime. Counts and timings are printed as it goes.
//!
//! Run with `cargo run --release -p rt --example tour`.

use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use rt::task::{JoinSet, LocalSet};

rt::task_local! {
    static REQUEST: u64;
}

fn main() {
    // One line per panic instead of the default report: the demo panics a task on purpose.
    std::panic::set_hook(Box::new(|info| eprintln!("(panic hook) {info}")));
    let runtime = rt::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build the runtime");
    let local = LocalSet::new();
    local.block_on(&runtime, async {
        spawn_and_join().await;
        fan_out_fan_in().await;
        abort_a_stuck_task().await;
        blocking_work().await;
        local_tasks().await;
        task_locals().await;
    });
    let start = Instant::now();
    drop(runtime);
    println!(
        "runtime shut down in {:?}; every task was dropped",
        start.elapsed()
    );

    multi_thread();
}

/// Producers and a consumer over a bounded channel, and a contended lock, on the
/// work-stealing runtime; then what its metrics saw.
fn multi_thread() {
    const PRODUCERS: u64 = 4;
    const MESSAGES: u64 = 100_000;
    let runtime = rt::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("build the runtime");
    let workers = runtime.handle().metrics().num_workers();
    let start = Instant::now();
    let (sum, counter) = runtime.block_on(async {
        let (tx, mut rx) = rt::sync::mpsc::channel::<u64>(1_024);
        for p in 0..PRODUCERS {
            let tx = tx.clone();
            rt::spawn(async move {
                for i in 0..MESSAGES {
                    tx.send(p * MESSAGES + i)
                        .await
                        .expect("the consumer is alive");
                }
            });
        }
        drop(tx);
        let counter = Arc::new(rt::sync::Mutex::new(0u64));
        let consumer = {
            let counter = counter.clone();
            rt::spawn(async move {
                let mut sum = 0;
                while let Some(value) = rx.recv().await {
                    sum += value;
                    *counter.lock().await += 1;
                }
                sum
            })
        };
        let sum = consumer.await.expect("the consumer completes");
        let counter = *counter.lock().await;
        (sum, counter)
    });
    let total = PRODUCERS * MESSAGES;
    assert_eq!(counter, total);
    assert_eq!(sum, total * (total - 1) / 2);
    println!(
        "{workers} workers moved {total} messages from {PRODUCERS} producers through a bounded mpsc channel in {:?}, each counted under a Mutex",
        start.elapsed()
    );
    let metrics = runtime.handle().metrics();
    let polls: u64 = (0..workers).map(|w| metrics.worker_poll_count(w)).sum();
    let steals: u64 = (0..workers).map(|w| metrics.worker_steal_count(w)).sum();
    println!(
        "metrics: {} tasks spawned, {polls} polls, {steals} tasks stolen between workers, {} forced yields",
        metrics.spawned_tasks_count(),
        metrics.budget_forced_yield_count()
    );
}

async fn spawn_and_join() {
    const TASKS: u64 = 100_000;
    let start = Instant::now();
    let handles: Vec<_> = (0..TASKS).map(|i| rt::spawn(async move { i })).collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.expect("task completes");
    }
    let elapsed = start.elapsed();
    assert_eq!(sum, TASKS * (TASKS - 1) / 2);
    println!(
        "spawned and joined {TASKS} tasks in {elapsed:?} ({:.0} ns per task), sum {sum}",
        elapsed.as_nanos() as f64 / TASKS as f64
    );
}

async fn fan_out_fan_in() {
    const WORKERS: u64 = 64;
    const ROUNDS: u64 = 1_000;
    let counter = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut set = JoinSet::new();
    for _ in 0..WORKERS {
        let counter = counter.clone();
        set.spawn(async move {
            for _ in 0..ROUNDS {
                counter.fetch_add(1, Relaxed);
                rt::task::yield_now().await;
            }
        });
    }
    let mut finished = 0;
    while let Some(res) = set.join_next().await {
        res.expect("worker completes");
        finished += 1;
    }
    println!(
        "{finished} workers interleaved {} yields in {:?}",
        counter.load(Relaxed),
        start.elapsed()
    );
}

async fn abort_a_stuck_task() {
    let stuck = rt::spawn(std::future::pending::<()>());
    stuck.abort();
    let err = stuck.await.expect_err("aborted");
    println!("aborted a task that never finishes: {err}");
    let err = rt::spawn(async { panic!("a task panicked") })
        .await
        .expect_err("panicked");
    println!("a panicking task did not take the runtime down: {err}");
}

async fn blocking_work() {
    let start = Instant::now();
    let handles: Vec<_> = (0..8)
        .map(|i| {
            rt::task::spawn_blocking(move || {
                std::thread::sleep(Duration::from_millis(20));
                i
            })
        })
        .collect();
    let mut total = 0;
    for handle in handles {
        total += handle.await.expect("blocking work completes");
    }
    println!(
        "8 blocking jobs of 20 ms each ran on the blocking pool in {:?} (total {total})",
        start.elapsed()
    );
}

async fn local_tasks() {
    let shared = Rc::new(std::cell::Cell::new(0));
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let shared = shared.clone();
            rt::task::spawn_local(async move { shared.set(shared.get() + 1) })
        })
        .collect();
    for handle in handles {
        handle.await.expect("local task completes");
    }
    println!(
        "10 !Send tasks shared an Rc<Cell> on one thread: count {}",
        shared.get()
    );
}

async fn task_locals() {
    let seen = REQUEST
        .scope(42, async {
            let inner = rt::spawn(REQUEST.scope(7, async { REQUEST.get() }))
                .await
                .expect("task completes");
            (REQUEST.get(), inner)
        })
        .await;
    println!(
        "task-locals follow their futures: outer {}, inner {}",
        seen.0, seen.1
    );
}
