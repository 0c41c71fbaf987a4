#![cfg(feature = "full")]
//! `rt::task::LocalSet` and `rt::task::spawn_local`: `!Send` tasks, run only while their
//! set is driven and always on the thread that drives it.
//!
//! Tasks are held back with a [`Gate`] that the test opens, never with sleeps. The tests
//! whose failure mode is a hang run under [`within`], so a lost wake-up fails the test
//! instead of stalling the whole run.

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;
#[path = "support/util.rs"]
mod util;

use std::cell::{Cell, RefCell};
use std::future::{Future, pending, poll_fn};
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex, mpsc};
use std::task::Poll;
use std::thread::{self, ThreadId};
use std::time::Duration;

use rt::task::{LocalSet, spawn_local, yield_now};
use util::{Gate, OnDrop, panic_message};

/// The message `spawn_local` panics with outside a `LocalSet`.
const OUTSIDE_MESSAGE: &str = "`spawn_local` called from outside of a `task::LocalSet`";

/// Polls both futures until both finish (a two-branch `join!`).
async fn join2<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let mut a = pin!(a);
    let mut b = pin!(b);
    let (mut out_a, mut out_b) = (None, None);
    poll_fn(|cx| {
        if out_a.is_none() {
            if let Poll::Ready(out) = a.as_mut().poll(cx) {
                out_a = Some(out);
            }
        }
        if out_b.is_none() {
            if let Poll::Ready(out) = b.as_mut().poll(cx) {
                out_b = Some(out);
            }
        }
        if out_a.is_some() && out_b.is_some() {
            Poll::Ready((out_a.take().unwrap(), out_b.take().unwrap()))
        } else {
            Poll::Pending
        }
    })
    .await
}

/// Runs `test` on its own thread and fails if it has not returned within a generous bound:
/// for tests whose failure mode is a lost wake-up, i.e. a hang.
fn within<R: Send + 'static>(test: impl FnOnce() -> R + Send + 'static) -> R {
    const LIMIT: Duration = Duration::from_secs(10);
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(test)));
    });
    match rx.recv_timeout(LIMIT) {
        Ok(Ok(out)) => out,
        Ok(Err(payload)) => panic::resume_unwind(payload),
        Err(_) => panic!("no progress within {LIMIT:?}: a wake-up was lost"),
    }
}

rt_test! {
    #[test]
    fn spawn_local_runs_not_send_futures_on_the_driving_thread() {
        let rt = rt();
        let local = LocalSet::new();
        let driver = thread::current().id();
        let shared = Rc::new(RefCell::new(Vec::new()));
        let out = local.block_on(&rt, async {
            assert_eq!(thread::current().id(), driver);
            let task_shared = shared.clone();
            let handle = spawn_local(async move {
                task_shared.borrow_mut().push(thread::current().id());
                yield_now().await;
                task_shared.borrow_mut().push(thread::current().id());
                // A local task can spawn local tasks of its own.
                let nested_shared = task_shared.clone();
                spawn_local(async move {
                    yield_now().await;
                    nested_shared.borrow_mut().push(thread::current().id());
                    Rc::new(5)
                })
                .await
                .unwrap()
            });
            handle.await.unwrap()
        });
        assert_eq!(*out, 5);
        assert_eq!(*shared.borrow(), vec![driver; 3]);
        assert_eq!(
            Rc::strong_count(&shared),
            1,
            "the tasks dropped their clones"
        );
    }

    #[test]
    fn run_until_returns_with_its_future_and_leaves_other_tasks_in_the_set() {
        let rt = rt();
        let local = LocalSet::new();
        let progress = Rc::new(Cell::new(0));
        let gate = Gate::default();
        let (handle, out) = rt.block_on(async {
            let (handle, out) = local
                .run_until(async {
                    let progress = progress.clone();
                    let gate = gate.clone();
                    let handle = spawn_local(async move {
                        progress.set(1);
                        gate.wait().await;
                        progress.set(2);
                        "done"
                    });
                    yield_now().await;
                    (handle, 42)
                })
                .await;
            assert_eq!(
                progress.get(),
                1,
                "the task ran while run_until was driving the set"
            );
            (handle, out)
        });
        assert_eq!(out, 42);
        // The task stays in the set, and goes on the next time the set is driven.
        assert!(!handle.is_finished());
        gate.open();
        assert_eq!(local.block_on(&rt, handle).unwrap(), "done");
        assert_eq!(progress.get(), 2);
    }

    #[test]
    fn block_on_drives_tasks_spawned_before_it() {
        let rt = rt();
        let local = LocalSet::new();
        let ran = Rc::new(Cell::new(false));
        let task_ran = ran.clone();
        let handle = local.spawn_local(async move {
            task_ran.set(true);
            yield_now().await;
            Rc::new("local")
        });
        let out = local.block_on(&rt, handle).unwrap();
        assert!(ran.get());
        assert_eq!(*out, "local");
    }

    #[test]
    fn awaiting_the_set_completes_once_every_task_finished() {
        let rt = rt();
        let local = LocalSet::new();
        let finished = Rc::new(Cell::new(0));
        for i in 0..4 {
            let finished = finished.clone();
            local.spawn_local(async move {
                for _ in 0..i {
                    yield_now().await;
                }
                // A task spawned by a task keeps the set running too.
                let nested = finished.clone();
                spawn_local(async move {
                    yield_now().await;
                    nested.set(nested.get() + 1);
                });
                finished.set(finished.get() + 1);
            });
        }
        rt.block_on(local);
        assert_eq!(finished.get(), 8);

        // An empty set is complete at once.
        rt.block_on(LocalSet::new());
    }

    #[test]
    fn awaiting_the_set_waits_for_a_task_blocked_on_another_thread() {
        let rt = rt();
        let local = LocalSet::new();
        let gate = Gate::default();
        let finished = Rc::new(Cell::new(false));
        {
            let (gate, finished) = (gate.clone(), finished.clone());
            local.spawn_local(async move {
                gate.wait().await;
                finished.set(true);
            });
        }
        let opener = thread::spawn(move || gate.open());
        rt.block_on(local);
        assert!(finished.get());
        opener.join().unwrap();
    }

    #[test]
    fn spawn_on_the_set_from_outside_its_context_waits_until_it_is_driven() {
        let rt = rt();
        let local = LocalSet::new();
        let ran = Rc::new(Cell::new(false));
        let task_ran = ran.clone();
        let handle = local.spawn_local(async move {
            task_ran.set(true);
            7
        });
        assert!(!ran.get());
        // Running the runtime does not drive the set.
        rt.block_on(async {
            for _ in 0..3 {
                yield_now().await;
            }
        });
        assert!(!ran.get());
        assert!(!handle.is_finished());
        assert_eq!(local.block_on(&rt, handle).unwrap(), 7);
        assert!(ran.get());
    }

    #[test]
    fn spawn_on_the_set_while_it_is_driven_elsewhere_wakes_it() {
        let rt = rt();
        let local = LocalSet::new();
        let done = Gate::default();
        let ran_on = Rc::new(Cell::new(None));
        rt.block_on(async {
            // One branch drives the set until `done` opens; the other, polled outside the
            // set's context, spawns the task that opens it.
            let driving = local.run_until(done.wait());
            let spawning = async {
                yield_now().await;
                let (done, ran_on) = (done.clone(), ran_on.clone());
                let handle = local.spawn_local(async move {
                    ran_on.set(Some(thread::current().id()));
                    done.open();
                });
                (handle, "spawned")
            };
            let ((), (handle, _)) = join2(driving, spawning).await;
            handle.await.unwrap();
        });
        assert_eq!(ran_on.get(), Some(thread::current().id()));
    }

    #[test]
    fn local_tasks_woken_from_other_threads_make_progress() {
        let rt = rt();
        let local = LocalSet::new();
        let driver = thread::current().id();
        let results = Rc::new(RefCell::new(Vec::new()));

        // Woken by a blocking task finishing on the blocking pool.
        let r = results.clone();
        local.spawn_local(async move {
            let blocking = rt::task::spawn_blocking(|| thread::current().id());
            let blocking_thread = blocking.await.unwrap();
            assert_ne!(blocking_thread, thread::current().id());
            r.borrow_mut().push(("blocking", thread::current().id()));
        });
        // Woken by a task on the runtime (another worker thread, on multi-thread flavours).
        let r = results.clone();
        local.spawn_local(async move {
            let remote = rt::spawn(async {
                yield_now().await;
                11
            });
            assert_eq!(remote.await.unwrap(), 11);
            r.borrow_mut().push(("spawn", thread::current().id()));
        });
        // Woken by a plain thread.
        let gate = Gate::default();
        let r = results.clone();
        let task_gate = gate.clone();
        local.spawn_local(async move {
            task_gate.wait().await;
            r.borrow_mut().push(("thread", thread::current().id()));
        });
        let opener = thread::spawn(move || gate.open());

        // Driven only by awaiting the set: every wake-up must reach the set's waker.
        rt.block_on(local);
        opener.join().unwrap();
        let mut results = results.take();
        results.sort_by_key(|&(source, _)| source);
        assert_eq!(
            results,
            vec![("blocking", driver), ("spawn", driver), ("thread", driver)]
        );
    }

    #[test]
    fn a_local_task_handle_can_be_awaited_from_a_runtime_task() {
        let rt = rt();
        let local = LocalSet::new();
        let driver = thread::current().id();
        let out = local.block_on(&rt, async {
            let gate = Gate::default();
            let task_gate = gate.clone();
            let handle = spawn_local(async move {
                task_gate.wait().await;
                thread::current().id()
            });
            // A Send task on the runtime awaits the local task's handle.
            let waiter = rt::spawn(async move { handle.await.unwrap() });
            yield_now().await;
            gate.open();
            waiter.await.unwrap()
        });
        assert_eq!(out, driver);
    }

    #[test]
    fn a_panicking_local_task_fails_only_its_handle() {
        let rt = rt();
        let local = LocalSet::new();
        local.block_on(&rt, async {
            let failed = spawn_local(async {
                yield_now().await;
                panic!("local task failed on purpose")
            });
            let fine = spawn_local(async {
                yield_now().await;
                yield_now().await;
                Rc::new(3)
            });
            let err = failed.await.unwrap_err();
            assert!(err.is_panic());
            assert_eq!(
                panic_message(err.into_panic().as_ref()),
                Some("local task failed on purpose")
            );
            assert_eq!(*fine.await.unwrap(), 3);
        });
    }

    #[test]
    #[should_panic(expected = "`spawn_local` called from outside of a `task::LocalSet`")]
    fn spawn_local_inside_a_runtime_but_outside_a_set_panics() {
        let rt = rt();
        rt.block_on(async {
            drop(spawn_local(async {}));
        });
    }

    #[test]
    fn spawn_local_outside_any_runtime_and_set_panics() {
        let result = panic::catch_unwind(|| {
            drop(spawn_local(async {}));
        });
        let payload = result.expect_err("spawn_local outside a LocalSet did not panic");
        let message = panic_message(payload.as_ref()).unwrap();
        assert!(message.contains(OUTSIDE_MESSAGE), "{message}");
    }

    #[test]
    fn spawn_local_in_a_runtime_task_outside_the_set_panics() {
        // `run_until` only puts its own poll in the set's context, not other tasks.
        let rt = rt();
        let local = LocalSet::new();
        local.block_on(&rt, async {
            let err = rt::spawn(async {
                drop(spawn_local(async {}));
            })
            .await
            .unwrap_err();
            let message = panic_message(err.into_panic().as_ref()).unwrap().to_owned();
            assert!(message.contains(OUTSIDE_MESSAGE), "{message}");
        });
    }

    #[test]
    fn enter_guard_makes_spawn_local_use_the_set() {
        within(|| {
            let rt = rt();
            let local = LocalSet::new();
            let handle = {
                let _guard = local.enter();
                let shared = Rc::new(Cell::new(1));
                spawn_local(async move {
                    shared.set(shared.get() + 1);
                    shared.get()
                })
            };
            // The guard is gone: spawn_local is outside a set again.
            let result = panic::catch_unwind(|| {
                drop(spawn_local(async {}));
            });
            assert!(
                result.is_err(),
                "spawn_local still worked after the guard dropped"
            );
            assert!(!handle.is_finished(), "entering the set does not drive it");
            assert_eq!(local.block_on(&rt, handle).unwrap(), 2);
        });
    }

    #[test]
    fn nested_enter_guards_restore_the_outer_set() {
        within(|| {
            let rt = rt();
            let outer = LocalSet::new();
            let inner = LocalSet::new();
            let outer_guard = outer.enter();
            let on_inner = {
                let _inner_guard = inner.enter();
                spawn_local(async { "inner" })
            };
            let on_outer = spawn_local(async { "outer" });
            drop(outer_guard);

            // Each task runs when, and only when, its own set is driven.
            assert_eq!(outer.block_on(&rt, on_outer).unwrap(), "outer");
            assert!(!on_inner.is_finished());
            assert_eq!(inner.block_on(&rt, on_inner).unwrap(), "inner");
        });
    }

    #[test]
    fn a_set_driven_under_its_enter_guard_still_wakes_its_tasks() {
        // Entering the set for a whole `block_on` (as a `LocalRuntime`-like wrapper does) must
        // not lose wake-ups that happen outside the set's own poll, such as a runtime task on
        // the same thread completing a join handle that a local task awaits.
        let out = within(|| {
            let rt = rt();
            let local = LocalSet::new();
            let _guard = local.enter();
            local.block_on(&rt, async {
                let remote = rt::spawn(async { 5 });
                spawn_local(async move { remote.await.unwrap() + 1 })
                    .await
                    .unwrap()
            })
        });
        assert_eq!(out, 6);
    }

    #[test]
    fn dropping_the_set_drops_pending_futures_on_its_thread() {
        let rt = rt();
        let local = LocalSet::new();
        let dropped_on: Rc<RefCell<Vec<ThreadId>>> = Rc::default();
        let record = |dropped_on: &Rc<RefCell<Vec<ThreadId>>>| {
            let dropped_on = dropped_on.clone();
            OnDrop(move || dropped_on.borrow_mut().push(thread::current().id()))
        };

        // One task started and suspended, one never polled.
        let guard = record(&dropped_on);
        let started = Rc::new(Cell::new(false));
        let task_started = started.clone();
        local.spawn_local(async move {
            let _guard = guard;
            task_started.set(true);
            pending::<()>().await
        });
        local.block_on(&rt, yield_now());
        assert!(started.get());
        let guard = record(&dropped_on);
        local.spawn_local(async move {
            let _guard = guard;
            pending::<()>().await
        });
        assert!(dropped_on.borrow().is_empty());

        drop(local);
        assert_eq!(*dropped_on.borrow(), vec![thread::current().id(); 2]);
        assert_eq!(Rc::strong_count(&dropped_on), 1);
    }

    #[test]
    fn dropping_the_set_inside_the_runtime_drops_futures_on_the_dropping_thread() {
        let rt = rt();
        let dropped_on = Arc::new(Mutex::new(Vec::new()));
        rt.block_on(async {
            let local = LocalSet::new();
            for _ in 0..3 {
                let dropped_on = dropped_on.clone();
                let guard = OnDrop(move || dropped_on.lock().unwrap().push(thread::current().id()));
                local.spawn_local(async move {
                    let _guard = guard;
                    pending::<()>().await
                });
            }
            local.run_until(yield_now()).await;
            drop(local);
            assert_eq!(*dropped_on.lock().unwrap(), vec![thread::current().id(); 3]);
        });
    }

    #[test]
    fn a_task_spawned_while_the_set_drops_is_cancelled_at_once() {
        let rt = rt();
        let local = LocalSet::new();
        let spawned_in_drop = Rc::new(RefCell::new(None));
        let ran = Rc::new(Cell::new(false));
        {
            let (spawned_in_drop, ran) = (spawned_in_drop.clone(), ran.clone());
            let guard = OnDrop(move || {
                // The set's context is entered while it drops its tasks.
                let ran = ran.clone();
                *spawned_in_drop.borrow_mut() = Some(spawn_local(async move { ran.set(true) }));
            });
            local.spawn_local(async move {
                let _guard = guard;
                pending::<()>().await
            });
        }
        drop(local);
        let handle = spawned_in_drop
            .take()
            .expect("the destructor ran without a set context");
        let err = rt.block_on(handle).unwrap_err();
        assert!(err.is_cancelled(), "{err}");
        assert!(!ran.get());
    }

    #[test]
    fn a_panic_in_run_until_leaves_the_set_usable() {
        let rt = rt();
        let local = LocalSet::new();
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            local.block_on(&rt, async {
                spawn_local(async {}).await.unwrap();
                panic!("run_until future panicked");
            })
        }));
        let payload = result.expect_err("the panic was swallowed");
        assert_eq!(
            panic_message(payload.as_ref()),
            Some("run_until future panicked")
        );

        // The set's context was left on the way out...
        assert!(panic::catch_unwind(|| drop(spawn_local(async {}))).is_err());
        // ...and the set still runs tasks.
        let handle = local.spawn_local(async { rt::task::id() });
        let id = handle.id();
        assert_eq!(local.block_on(&rt, handle).unwrap(), id);
    }

    #[test]
    fn join_handles_report_cancellation_after_the_set_is_dropped() {
        let rt = rt();
        let local = LocalSet::new();
        let gate = Gate::default();
        let completed = local.spawn_local(async { Rc::new(1) });
        let task_gate = gate.clone();
        let started = local.spawn_local(async move {
            task_gate.wait().await;
            Rc::new(2)
        });
        local.block_on(&rt, async {
            while !completed.is_finished() {
                yield_now().await;
            }
        });
        let never_polled = local.spawn_local(async { Rc::new(3) });

        drop(local);
        // A wake-up of a task of the dropped set is harmless.
        thread::spawn(move || gate.open()).join().unwrap();

        rt.block_on(async {
            assert_eq!(*completed.await.unwrap(), 1);
            let err = started.await.unwrap_err();
            assert!(err.is_cancelled(), "{err}");
            let err = never_polled.await.unwrap_err();
            assert!(err.is_cancelled(), "{err}");
        });
    }
}
