#![cfg(feature = "full")]
//! Spawning, joining, aborting, panics, ids, yielding, coop, blocking.

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc;
use std::thread::{self, ThreadId};

/// Records on which thread, and how many times, a future was dropped.
struct DropProbe {
    drops: Arc<AtomicUsize>,
    thread: Option<mpsc::Sender<ThreadId>>,
}

impl DropProbe {
    fn new(drops: &Arc<AtomicUsize>) -> DropProbe {
        DropProbe {
            drops: drops.clone(),
            thread: None,
        }
    }
}

impl Drop for DropProbe {
    fn drop(&mut self) {
        self.drops.fetch_add(1, SeqCst);
        if let Some(tx) = &self.thread {
            let _ = tx.send(thread::current().id());
        }
    }
}

rt_test! {
    use std::future::pending;
    use std::time::Duration;

    use rt::task::{self, JoinError};

    #[test]
    fn join_handle_returns_output() {
        let rt = rt();
        let out = rt.block_on(async { rt::spawn(async { "done" }).await.unwrap() });
        assert_eq!(out, "done");
    }

    #[test]
    fn spawn_many_from_a_task_all_complete() {
        let rt = rt();
        let sum = rt.block_on(async {
            let handles: Vec<_> = (0..1_000u64).map(|i| rt::spawn(async move { i })).collect();
            let mut sum = 0;
            for h in handles {
                sum += h.await.unwrap();
            }
            sum
        });
        assert_eq!(sum, 499_500);
    }

    #[test]
    fn spawn_from_outside_runs_on_next_block_on() {
        let rt = rt();
        let ran = Arc::new(AtomicBool::new(false));
        let r = ran.clone();
        let handle = rt.spawn(async move { r.store(true, SeqCst) });
        rt.block_on(handle).unwrap();
        assert!(ran.load(SeqCst));
    }

    #[test]
    fn spawn_from_another_thread_wakes_parked_runtime() {
        let rt = rt();
        let handle = rt.handle().clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let spawner = thread::spawn(move || {
            // The runtime is parked in block_on below, waiting on this task's output.
            thread::sleep(Duration::from_millis(20));
            tx.send(handle.spawn(async { 7 })).unwrap();
        });
        let out = rt.block_on(async move {
            let join = rt::task::spawn_blocking(move || rx.recv().unwrap()).await.unwrap();
            join.await.unwrap()
        });
        assert_eq!(out, 7);
        spawner.join().unwrap();
    }

    #[test]
    fn panic_reaches_join_handle_and_runtime_survives() {
        let rt = rt();
        rt.block_on(async {
            let err = rt::spawn(async { panic!("boom") }).await.unwrap_err();
            assert!(err.is_panic());
            assert!(!err.is_cancelled());
            let msg = err.to_string();
            assert!(msg.contains("panicked") && msg.contains("boom"), "{msg}");
            let payload = err.into_panic();
            assert_eq!(*payload.downcast::<&str>().unwrap(), "boom");
            // The runtime still runs tasks.
            assert_eq!(rt::spawn(async { 1 }).await.unwrap(), 1);
        });
    }

    #[test]
    fn try_into_panic_hands_back_cancellation() {
        let rt = rt();
        rt.block_on(async {
            let handle = rt::spawn(pending::<()>());
            handle.abort();
            let err = handle.await.unwrap_err();
            assert!(err.is_cancelled());
            let err: JoinError = err.try_into_panic().unwrap_err();
            assert!(err.is_cancelled());
            assert!(err.to_string().contains("cancelled"));
        });
    }

    #[test]
    #[should_panic(expected = "`JoinError` reason is not a panic.")]
    fn into_panic_of_cancellation_panics() {
        let rt = rt();
        let err = rt.block_on(async {
            let handle = rt::spawn(pending::<()>());
            handle.abort();
            handle.await.unwrap_err()
        });
        err.into_panic();
    }

    #[test]
    fn abort_drops_future_on_a_runtime_thread() {
        let rt = rt();
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = mpsc::channel();
        let mut probe = DropProbe::new(&drops);
        probe.thread = Some(tx);
        let handle = rt.spawn(async move {
            let _probe = probe;
            pending::<()>().await
        });
        let aborter = thread::spawn({
            let abort = handle.abort_handle();
            move || {
                abort.abort();
                thread::current().id()
            }
        });
        let aborter = aborter.join().unwrap();
        let err = rt.block_on(handle).unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(drops.load(SeqCst), 1);
        // Dropped by the runtime (its block_on thread or a worker), never by the aborter.
        assert_ne!(rx.recv().unwrap(), aborter, "dropped on the aborting thread");
    }

    #[test]
    fn abort_while_running_cancels_at_next_await() {
        let rt = rt();
        rt.block_on(async {
            let (tx, rx) = mpsc::channel::<rt::task::AbortHandle>();
            let progress = Arc::new(AtomicUsize::new(0));
            let p = progress.clone();
            let handle = rt::spawn(async move {
                let me = rx.recv().unwrap();
                // Abort ourselves mid-poll: the rest of this poll still runs...
                me.abort();
                p.store(1, SeqCst);
                // ...and the task is cancelled at this await point.
                task::yield_now().await;
                p.store(2, SeqCst);
            });
            tx.send(handle.abort_handle()).unwrap();
            assert!(handle.await.unwrap_err().is_cancelled());
            assert_eq!(progress.load(SeqCst), 1);
        });
    }

    #[test]
    fn abort_after_completion_keeps_output() {
        let rt = rt();
        rt.block_on(async {
            let handle = rt::spawn(async { 5 });
            while !handle.is_finished() {
                rt::task::yield_now().await;
            }
            handle.abort();
            assert_eq!(handle.await.unwrap(), 5);
        });
    }

    #[test]
    fn dropping_join_handle_detaches() {
        let rt = rt();
        rt.block_on(async {
            let ran = Arc::new(AtomicBool::new(false));
            let r = ran.clone();
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            drop(rt::spawn(async move {
                r.store(true, SeqCst);
                tx.send(()).unwrap();
            }));
            while rx.try_recv().is_err() {
                rt::task::yield_now().await;
            }
            assert!(ran.load(SeqCst));
        });
    }

    #[test]
    fn output_of_detached_task_is_dropped() {
        let rt = rt();
        let drops = Arc::new(AtomicUsize::new(0));
        let d = drops.clone();
        rt.block_on(async move {
            let probe = DropProbe::new(&d);
            drop(rt::spawn(async move { probe }));
            // The runtime drops the output once the task completes; wait for that.
            while d.load(SeqCst) == 0 {
                rt::task::yield_now().await;
            }
        });
        drop(rt);
        assert_eq!(drops.load(SeqCst), 1);
    }

    #[test]
    fn ids_match_and_are_unique() {
        let rt = rt();
        rt.block_on(async {
            assert!(task::try_id().is_none(), "the block_on future is not a task");
            let a = rt::spawn(async { task::id() });
            let b = rt::spawn(async { task::try_id() });
            let (a_id, b_id) = (a.id(), b.id());
            assert_ne!(a_id, b_id);
            assert_eq!(a.abort_handle().id(), a_id);
            assert_eq!(a.await.unwrap(), a_id);
            assert_eq!(b.await.unwrap(), Some(b_id));
            let err_handle = rt::spawn(async { panic!() });
            let err_id = err_handle.id();
            assert_eq!(err_handle.await.unwrap_err().id(), err_id);
        });
        assert!(task::try_id().is_none());
    }

    #[test]
    #[should_panic(expected = "can't get a task id when not inside a task")]
    fn id_outside_task_panics() {
        task::id();
    }

    #[test]
    fn yield_now_lets_other_tasks_run() {
        let rt = rt();
        rt.block_on(async {
            let flag = Arc::new(AtomicBool::new(false));
            let f = flag.clone();
            rt::spawn(async move { f.store(true, SeqCst) });
            while !flag.load(SeqCst) {
                task::yield_now().await;
            }
        });
    }

    #[test]
    fn coop_budget_forces_a_yield() {
        let rt = rt();
        // Inside a task, so on every flavour the loop and the other task share a worker
        // (more workers may also run the other task in parallel, which is fine).
        let seen = rt.block_on(rt.spawn(budget_probe(false))).unwrap();
        assert!(seen, "the budget never forced a yield");
    }

    #[test]
    fn consume_budget_and_unconstrained_complete() {
        let rt = rt();
        rt.block_on(async {
            let mut n = 0u32;
            for _ in 0..1_000 {
                task::consume_budget().await;
                n += 1;
            }
            assert_eq!(n, 1_000);
            let out = task::unconstrained(async {
                let handles: Vec<_> = (0..300).map(|i| rt::spawn(async move { i })).collect();
                let mut sum = 0;
                for h in handles {
                    sum += h.await.unwrap();
                }
                sum
            })
            .await;
            assert_eq!(out, (0..300).sum::<i32>());
        });
    }

    #[test]
    fn spawn_blocking_runs_on_another_thread() {
        let rt = rt();
        rt.block_on(async {
            let here = thread::current().id();
            let there = task::spawn_blocking(thread::current).await.unwrap().id();
            assert_ne!(here, there);
            let err = task::spawn_blocking(|| panic!("blocking boom")).await.unwrap_err();
            assert!(err.is_panic());
            // Blocking threads are inside the runtime's context.
            let inner = task::spawn_blocking(|| rt::spawn(async { 3 })).await.unwrap();
            assert_eq!(inner.await.unwrap(), 3);
        });
    }

    #[test]
    fn block_in_place_outside_runtime_just_runs() {
        assert_eq!(task::block_in_place(|| 9), 9);
    }

    #[test]
    fn task_builder_spawns_named_tasks() {
        let rt = rt();
        rt.block_on(async {
            let h = task::Builder::new().name("named").spawn(async { 11 }).unwrap();
            assert_eq!(h.await.unwrap(), 11);
            let h = task::Builder::new().name("named-on").spawn_on(async { 12 }, &rt::runtime::Handle::current()).unwrap();
            assert_eq!(h.await.unwrap(), 12);
            let h = task::Builder::new().spawn_blocking(|| 13).unwrap();
            assert_eq!(h.await.unwrap(), 13);
        });
    }

    #[test]
    fn panic_in_drop_of_output_does_not_kill_the_runtime() {
        struct PanicOnDrop;
        impl Drop for PanicOnDrop {
            fn drop(&mut self) {
                panic!("drop panic");
            }
        }
        let rt = rt();
        rt.block_on(async {
            let handle = rt::spawn(async { PanicOnDrop });
            let abort = handle.abort_handle();
            drop(handle);
            while !abort.is_finished() {
                task::yield_now().await;
            }
            assert_eq!(rt::spawn(async { 2 }).await.unwrap(), 2);
        });
    }
}

#[test]
#[should_panic(expected = "can call blocking only when running on the multi-threaded runtime")]
fn block_in_place_on_current_thread_panics() {
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    rt.block_on(async { rt::task::block_in_place(|| ()) });
}

/// Spawns a task that flags when it runs, then awaits 300 ready join handles (which never
/// return `Pending` on their own); returns whether the flag was seen before the loop ended.
/// Only the coop budget can make the loop yield to the other task on a single worker.
async fn budget_probe(unconstrained: bool) -> bool {
    let ready: Vec<_> = (0..300).map(|_| rt::spawn(async {})).collect();
    while !ready.iter().all(|h| h.is_finished()) {
        rt::task::yield_now().await;
    }
    let other_ran = Arc::new(AtomicBool::new(false));
    let o = other_ran.clone();
    rt::spawn(async move { o.store(true, SeqCst) });
    let await_all = async move {
        let mut seen_mid_loop = false;
        for h in ready {
            h.await.unwrap();
            seen_mid_loop |= other_ran.load(SeqCst);
        }
        seen_mid_loop
    };
    if unconstrained {
        rt::task::unconstrained(await_all).await
    } else {
        await_all.await
    }
}

/// `unconstrained` code is never forced to yield. Only observable where the other task
/// can run nowhere else: the single-worker flavours.
fn unconstrained_never_yields_for_budget(rt: rt::runtime::Runtime) {
    let seen = rt.block_on(rt.spawn(budget_probe(true))).unwrap();
    assert!(!seen, "unconstrained code was forced to yield");
}

#[test]
fn unconstrained_never_yields_for_budget_current_thread() {
    unconstrained_never_yields_for_budget(
        rt::runtime::Builder::new_current_thread().build().unwrap(),
    );
}

#[test]
fn unconstrained_never_yields_for_budget_one_worker() {
    unconstrained_never_yields_for_budget(
        rt::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap(),
    );
}
