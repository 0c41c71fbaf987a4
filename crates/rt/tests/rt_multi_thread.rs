#![cfg(feature = "full")]
//! What only the multi-thread runtime does: workers, block_in_place, metrics.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use rt::runtime::{Builder, Runtime, RuntimeFlavor};

/// Waits until `done()` holds: for counters a worker updates just after waking us (a task
/// leaves the alive count right after its JoinHandle is woken).
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..10_000 {
        if done() {
            return;
        }
        thread::sleep(Duration::from_millis(1));
    }
    panic!("never happened: {what}");
}

fn multi(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn runtime_new_is_multi_thread() {
    let rt = Runtime::new().unwrap();
    assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
    assert_eq!(rt.block_on(rt.spawn(async { 7 })).unwrap(), 7);
}

#[test]
fn tasks_run_on_worker_threads_in_parallel() {
    let rt = multi(2);
    // Two tasks that each wait for the other: only possible if both run at once.
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let barrier = barrier.clone();
            rt.spawn(async move {
                rt::task::block_in_place(|| barrier.wait());
                thread::current().id()
            })
        })
        .collect();
    let ids: HashSet<_> = handles
        .into_iter()
        .map(|h| rt.block_on(h).unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "the two tasks ran on two threads");
    assert!(
        !ids.contains(&thread::current().id()),
        "tasks run on workers, not on block_on's thread"
    );
}

#[test]
fn block_in_place_lets_other_tasks_run_on_a_single_worker() {
    let rt = multi(1);
    let (tx, rx) = mpsc::channel::<()>();
    let other_ran = Arc::new(AtomicBool::new(false));
    let flag = other_ran.clone();
    let blocker = rt.spawn(async move {
        // Blocks this thread until the other task runs: with one worker, that only works
        // because block_in_place hands the worker to another thread.
        rt::task::block_in_place(|| rx.recv().unwrap());
        flag.load(SeqCst)
    });
    let other = rt.spawn(async move {
        other_ran.store(true, SeqCst);
        tx.send(()).unwrap();
    });
    rt.block_on(other).unwrap();
    assert!(rt.block_on(blocker).unwrap());
}

#[test]
fn block_in_place_may_block_on_another_runtime() {
    let rt = multi(2);
    let out = rt.block_on(rt.spawn(async {
        rt::task::block_in_place(|| {
            let inner = Builder::new_current_thread().build().unwrap();
            inner.block_on(async { 5 })
        })
    }));
    assert_eq!(out.unwrap(), 5);
}

#[test]
fn block_in_place_on_the_block_on_thread_just_runs() {
    let rt = multi(1);
    assert_eq!(rt.block_on(async { rt::task::block_in_place(|| 3) }), 3);
}

#[test]
fn worker_threads_get_names_and_hooks() {
    let starts = Arc::new(AtomicUsize::new(0));
    let stops = Arc::new(AtomicUsize::new(0));
    let (s1, s2) = (starts.clone(), stops.clone());
    let rt = Builder::new_multi_thread()
        .worker_threads(3)
        .thread_name("mt-worker")
        .on_thread_start(move || {
            s1.fetch_add(1, SeqCst);
        })
        .on_thread_stop(move || {
            s2.fetch_add(1, SeqCst);
        })
        .build()
        .unwrap();
    let name = rt
        .block_on(rt.spawn(async { thread::current().name().map(str::to_owned) }))
        .unwrap();
    assert_eq!(name.as_deref(), Some("mt-worker"));
    drop(rt);
    assert_eq!(starts.load(SeqCst), 3);
    assert_eq!(
        stops.load(SeqCst),
        3,
        "every worker ran its stop hook before drop returned"
    );
}

#[test]
fn park_hooks_run_on_workers() {
    let parks = Arc::new(AtomicUsize::new(0));
    let p = parks.clone();
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .on_thread_park(move || {
            p.fetch_add(1, SeqCst);
        })
        .build()
        .unwrap();
    eventually("both idle workers parked", || parks.load(SeqCst) >= 2);
    assert_eq!(rt.block_on(rt.spawn(async { 1 })).unwrap(), 1);
}

#[test]
fn metrics_count_workers_tasks_polls_and_parks() {
    let rt = multi(2);
    let metrics = rt.handle().metrics();
    assert_eq!(metrics.num_workers(), 2);
    let before = metrics.spawned_tasks_count();
    rt.block_on(async {
        let handles: Vec<_> = (0..100).map(|_| rt::spawn(async {})).collect();
        for h in handles {
            h.await.unwrap();
        }
    });
    assert_eq!(metrics.spawned_tasks_count() - before, 100);
    let polls: u64 = (0..2).map(|w| metrics.worker_poll_count(w)).sum();
    assert!(polls >= 100, "polls {polls}");
    // Workers with nothing to do park, and a parked worker's park/unpark count is odd.
    for w in 0..2 {
        eventually("worker parked", || {
            metrics.worker_park_unpark_count(w) % 2 == 1
        });
        assert!(metrics.worker_park_count(w) >= 1);
    }
    assert!(
        (0..2)
            .map(|w| metrics.worker_total_busy_duration(w))
            .sum::<Duration>()
            > Duration::ZERO
    );
    eventually("no task alive", || metrics.num_alive_tasks() == 0);
    assert_eq!(metrics.global_queue_depth(), 0);
}

#[test]
fn metrics_count_a_local_queue_overflow() {
    let rt = multi(1);
    let metrics = rt.handle().metrics();
    rt.block_on(rt.spawn(async {
        // 1,000 spawns from a task on the only worker, without yielding: more than the
        // local queue holds (256), so half of it moves to the global queue.
        let handles: Vec<_> = (0..1_000).map(|_| rt::spawn(async {})).collect();
        for h in handles {
            h.await.unwrap();
        }
    }))
    .unwrap();
    assert!(metrics.worker_overflow_count(0) >= 1);
    eventually("no task alive", || metrics.num_alive_tasks() == 0);
}

#[test]
fn metrics_see_queued_work_and_blocking_threads() {
    let rt = multi(1);
    let metrics = rt.handle().metrics();
    let (tx, rx) = mpsc::channel::<()>();
    let rx = Arc::new(Mutex::new(rx));
    // Occupy the only worker, then queue tasks behind it from outside.
    let started = Arc::new(AtomicBool::new(false));
    let s = started.clone();
    let blocker = rt.spawn(async move {
        s.store(true, SeqCst);
        // Blocks the worker thread itself (not block_in_place): nothing else runs.
        rx.lock().unwrap().recv().unwrap();
    });
    while !started.load(SeqCst) {
        thread::yield_now();
    }
    let queued: Vec<_> = (0..10).map(|_| rt.spawn(async {})).collect();
    assert_eq!(metrics.global_queue_depth(), 10);
    assert_eq!(metrics.num_alive_tasks(), 11);
    let pool = rt.spawn_blocking(|| thread::sleep(Duration::from_millis(20)));
    assert!(metrics.num_blocking_threads() >= 1);
    tx.send(()).unwrap();
    rt.block_on(blocker).unwrap();
    for h in queued {
        rt.block_on(h).unwrap();
    }
    rt.block_on(pool).unwrap();
    assert_eq!(metrics.global_queue_depth(), 0);
    assert_eq!(metrics.blocking_queue_depth(), 0);
}

#[test]
fn budget_forced_yields_are_counted() {
    let rt = multi(1);
    let metrics = rt.handle().metrics();
    rt.block_on(rt.spawn(async {
        for _ in 0..1_000 {
            rt::task::consume_budget().await;
        }
    }))
    .unwrap();
    assert!(metrics.budget_forced_yield_count() >= 1000 / 128);
}

#[test]
#[should_panic(expected = "worker index 2 out of range")]
fn metrics_of_a_worker_that_does_not_exist_panic() {
    multi(2).handle().metrics().worker_poll_count(2);
}

#[test]
fn dropping_the_runtime_joins_its_workers() {
    let live = Arc::new(AtomicUsize::new(0));
    let (a, b) = (live.clone(), live.clone());
    let rt = Builder::new_multi_thread()
        .worker_threads(4)
        .on_thread_start(move || {
            a.fetch_add(1, SeqCst);
        })
        .on_thread_stop(move || {
            b.fetch_sub(1, SeqCst);
        })
        .build()
        .unwrap();
    rt.block_on(async {
        for _ in 0..100 {
            rt::spawn(std::future::pending::<()>());
        }
    });
    drop(rt);
    assert_eq!(live.load(SeqCst), 0, "every worker thread has stopped");
}

/// Regression: a worker that was yielding when shutdown began used to swallow its shutdown
/// wake-up in a non-blocking poll of the driver, then park for good; dropping the runtime
/// then waited forever.
#[test]
fn shutdown_while_workers_yield_does_not_hang() {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for _ in 0..200 {
            let rt = multi(2);
            for _ in 0..8 {
                rt.spawn(async {
                    for _ in 0..50 {
                        rt::task::yield_now().await;
                    }
                });
            }
            thread::sleep(Duration::from_micros(200));
            drop(rt);
        }
        tx.send(()).unwrap();
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("dropping a runtime hung: a worker never saw the shutdown");
}
