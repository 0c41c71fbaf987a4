#![cfg(feature = "full")]
//! Runtime: block_on, handles, context, builder options, misuse messages.

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::thread;
use std::time::Duration;

use rt::runtime::{Builder, Handle, RuntimeFlavor};

rt_test! {
    use std::sync::mpsc;

    #[test]
    fn block_on_returns_output() {
        assert_eq!(rt().block_on(async { 40 + 2 }), 42);
    }

    #[test]
    fn block_on_again_resumes_tasks_spawned_earlier() {
        let rt = rt();
        let counter = Arc::new(AtomicUsize::new(0));
        let c = counter.clone();
        let handle = {
            let _guard = rt.enter();
            rt::spawn(async move {
                for _ in 0..10 {
                    c.fetch_add(1, SeqCst);
                    rt::task::yield_now().await;
                }
            })
        };
        // The first block_on runs part of the task, the second the rest.
        rt.block_on(rt::task::yield_now());
        rt.block_on(handle).unwrap();
        assert_eq!(counter.load(SeqCst), 10);
    }

    #[test]
    fn handle_current_inside_and_spawn_through_it() {
        let rt = rt();
        let handle = rt.block_on(async { Handle::current() });
        assert_eq!(handle.id(), rt.handle().id());
        let join = handle.spawn(async { 5 });
        assert_eq!(rt.block_on(join).unwrap(), 5);
        let join = handle.spawn_blocking(|| 6);
        assert_eq!(rt.block_on(join).unwrap(), 6);
    }

    #[test]
    fn runtime_ids_differ() {
        let (a, b) = (rt(), rt());
        assert_ne!(a.handle().id(), b.handle().id());
    }

    #[test]
    fn enter_guard_gives_context_and_restores_it() {
        let rt = rt();
        assert!(Handle::try_current().is_err());
        {
            let _guard = rt.enter();
            assert_eq!(Handle::current().id(), rt.handle().id());
            let other = super::flavors_other_runtime();
            {
                let _inner = other.enter();
                assert_eq!(Handle::current().id(), other.handle().id());
            }
            assert_eq!(Handle::current().id(), rt.handle().id());
            let join = rt::spawn(async { 1 });
            assert_eq!(rt.block_on(join).unwrap(), 1);
        }
        let err = Handle::try_current().unwrap_err();
        assert!(err.is_missing_context());
        assert!(!err.is_thread_local_destroyed());
    }

    #[test]
    fn handle_block_on_runs_future_in_context() {
        let rt = rt();
        let handle = rt.handle().clone();
        let out = thread::spawn(move || handle.block_on(async { Handle::current().id() })).join().unwrap();
        assert_eq!(out, rt.handle().id());
    }

    #[test]
    fn concurrent_block_on_from_two_threads() {
        let rt = Arc::new(rt());
        let (tx, rx) = mpsc::channel::<()>();
        let rt2 = rt.clone();
        // The second thread's future completes only after a task the first drives runs.
        let waiter = thread::spawn(move || {
            rt2.block_on(async move {
                rt::task::spawn_blocking(move || rx.recv().unwrap()).await.unwrap();
                "second"
            })
        });
        let first = rt.block_on(async move {
            rt::spawn(async move { tx.send(()).unwrap() }).await.unwrap();
            "first"
        });
        assert_eq!(first, "first");
        assert_eq!(waiter.join().unwrap(), "second");
    }

    #[test]
    #[should_panic(expected = "Cannot start a runtime from within a runtime")]
    fn nested_block_on_panics() {
        let rt = rt();
        rt.block_on(async {
            let inner = super::flavors_other_runtime();
            inner.block_on(async {});
        });
    }

    #[test]
    #[should_panic(expected = "Cannot start a runtime from within a runtime")]
    fn handle_block_on_inside_runtime_panics() {
        let rt = rt();
        let handle = rt.handle().clone();
        rt.block_on(async move { handle.block_on(async {}) });
    }

    #[test]
    #[should_panic(expected = "Cannot drop a runtime in a context where blocking is not allowed")]
    fn dropping_a_runtime_inside_another_panics() {
        let rt = rt();
        rt.block_on(async {
            drop(super::flavors_other_runtime());
        });
    }

    #[test]
    fn shutdown_background_inside_runtime_is_allowed() {
        let rt = rt();
        rt.block_on(async {
            super::flavors_other_runtime().shutdown_background();
        });
    }

    #[test]
    fn shutdown_timeout_does_not_wait_for_long_blocking_work() {
        let rt = rt();
        let (tx, rx) = mpsc::channel::<()>();
        let started = Arc::new(AtomicUsize::new(0));
        let s = started.clone();
        rt.spawn_blocking(move || {
            s.store(1, SeqCst);
            // Blocks until the test releases it, far longer than the timeout.
            let _ = rx.recv();
        });
        while started.load(SeqCst) == 0 {
            thread::yield_now();
        }
        rt.shutdown_timeout(Duration::from_millis(10));
        // Released only now: shutdown_timeout returned while the work still ran.
        tx.send(()).unwrap();
    }

    #[test]
    fn drop_waits_for_running_blocking_work() {
        let rt = rt();
        let done = Arc::new(AtomicUsize::new(0));
        let d = done.clone();
        let started = Arc::new(AtomicUsize::new(0));
        let s = started.clone();
        rt.spawn_blocking(move || {
            s.store(1, SeqCst);
            thread::sleep(Duration::from_millis(50));
            d.store(1, SeqCst);
        });
        while started.load(SeqCst) == 0 {
            thread::yield_now();
        }
        drop(rt);
        assert_eq!(done.load(SeqCst), 1);
    }

    #[test]
    fn spawn_after_shutdown_is_cancelled() {
        let rt = rt();
        let handle = rt.handle().clone();
        drop(rt);
        let join = handle.spawn(async { 1 });
        let out = handle.block_on(join);
        assert!(out.unwrap_err().is_cancelled());
    }

    #[test]
    fn task_destructors_run_in_runtime_context_at_shutdown() {
        struct NeedsContext(mpsc::Sender<bool>);
        impl Drop for NeedsContext {
            fn drop(&mut self) {
                let _ = self.0.send(Handle::try_current().is_ok());
            }
        }
        let rt = rt();
        let (tx, rx) = mpsc::channel();
        let guard = NeedsContext(tx);
        rt.spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        });
        drop(rt);
        assert!(rx.recv().unwrap());
    }

    #[test]
    fn park_hooks_run_when_idle() {
        let parks = Arc::new(AtomicUsize::new(0));
        let unparks = Arc::new(AtomicUsize::new(0));
        let (p, u) = (parks.clone(), unparks.clone());
        let rt = Builder::new_current_thread()
            .on_thread_park(move || {
                p.fetch_add(1, SeqCst);
            })
            .on_thread_unpark(move || {
                u.fetch_add(1, SeqCst);
            })
            .build()
            .unwrap();
        rt.block_on(async {
            // Waiting on the blocking pool parks the scheduler.
            rt::task::spawn_blocking(|| thread::sleep(Duration::from_millis(5))).await.unwrap();
        });
        assert!(parks.load(SeqCst) >= 1);
        assert_eq!(parks.load(SeqCst), unparks.load(SeqCst));
    }

    #[test]
    fn blocking_pool_thread_options() {
        let starts = Arc::new(AtomicUsize::new(0));
        let stops = Arc::new(AtomicUsize::new(0));
        let (s1, s2) = (starts.clone(), stops.clone());
        let rt = Builder::new_current_thread()
            .thread_name("custom-blocking")
            .thread_stack_size(512 * 1024)
            .on_thread_start(move || {
                s1.fetch_add(1, SeqCst);
            })
            .on_thread_stop(move || {
                s2.fetch_add(1, SeqCst);
            })
            .build()
            .unwrap();
        let name = rt.block_on(async {
            rt::task::spawn_blocking(|| thread::current().name().map(str::to_owned)).await.unwrap()
        });
        assert_eq!(name.as_deref(), Some("custom-blocking"));
        drop(rt);
        assert_eq!(starts.load(SeqCst), 1);
        assert_eq!(stops.load(SeqCst), 1);
    }

    #[test]
    fn thread_name_fn_names_each_thread() {
        let n = Arc::new(AtomicUsize::new(0));
        let rt = Builder::new_current_thread()
            .thread_name_fn(move || format!("pool-{}", n.fetch_add(1, SeqCst)))
            .build()
            .unwrap();
        let name = rt.block_on(async {
            rt::task::spawn_blocking(|| thread::current().name().map(str::to_owned)).await.unwrap()
        });
        assert_eq!(name.as_deref(), Some("pool-0"));
    }

    #[test]
    fn max_blocking_threads_caps_the_pool() {
        let rt = Builder::new_current_thread().max_blocking_threads(2).build().unwrap();
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        rt.block_on(async {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let (running, peak) = (running.clone(), peak.clone());
                    rt::task::spawn_blocking(move || {
                        let now = running.fetch_add(1, SeqCst) + 1;
                        peak.fetch_max(now, SeqCst);
                        thread::sleep(Duration::from_millis(5));
                        running.fetch_sub(1, SeqCst);
                    })
                })
                .collect();
            for h in handles {
                h.await.unwrap();
            }
        });
        assert!(peak.load(SeqCst) <= 2, "peak {}", peak.load(SeqCst));
        assert!(peak.load(SeqCst) >= 1);
    }

    #[test]
    fn idle_blocking_threads_exit_after_keep_alive() {
        let stops = Arc::new(AtomicUsize::new(0));
        let s = stops.clone();
        let rt = Builder::new_current_thread()
            .thread_keep_alive(Duration::from_millis(10))
            .on_thread_stop(move || {
                s.fetch_add(1, SeqCst);
            })
            .build()
            .unwrap();
        rt.block_on(async { rt::task::spawn_blocking(|| ()).await.unwrap() });
        // The thread exits on its own, while the runtime is still alive.
        while stops.load(SeqCst) == 0 {
            thread::sleep(Duration::from_millis(5));
        }
        // A new thread is started for new work.
        assert_eq!(rt.block_on(async { rt::task::spawn_blocking(|| 4).await.unwrap() }), 4);
    }
}

/// A second runtime of the simplest kind, for nesting tests.
fn flavors_other_runtime() -> rt::runtime::Runtime {
    Builder::new_current_thread().build().unwrap()
}

#[test]
fn flavor_is_reported() {
    let rt = Builder::new_current_thread().build().unwrap();
    assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::CurrentThread);
}

#[test]
#[should_panic(
    expected = "there is no reactor running, must be called from the context of an rt runtime"
)]
fn handle_current_outside_runtime_panics() {
    Handle::current();
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn spawn_outside_runtime_panics() {
    rt::spawn(async {});
}

#[test]
#[should_panic(expected = "`EnterGuard` values dropped out of order")]
fn enter_guards_dropped_out_of_order_panic() {
    let a = Builder::new_current_thread().build().unwrap();
    let b = Builder::new_current_thread().build().unwrap();
    let ga = a.enter();
    let gb = b.enter();
    drop(ga);
    drop(gb);
}

#[test]
#[should_panic(expected = "Worker threads cannot be set to 0")]
fn zero_worker_threads_panics() {
    Builder::new_current_thread().worker_threads(0);
}

#[test]
#[should_panic(expected = "Max blocking threads cannot be set to 0")]
fn zero_blocking_threads_panics() {
    Builder::new_current_thread().max_blocking_threads(0);
}
