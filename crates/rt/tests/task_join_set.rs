#![cfg(feature = "full")]
//! `rt::task::JoinSet`: spawning every kind of task into a set, taking outputs in the order
//! the tasks complete, aborting, detaching and dropping the set.
//!
//! Tasks are held back with a [`Gate`] that the test opens, never with sleeps, so the order
//! in which they finish is decided by the test, not by the machine's speed.

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;
#[path = "support/util.rs"]
mod util;

use std::collections::{HashMap, HashSet};
use std::future::{Future, pending, poll_fn};
use std::panic::{self, AssertUnwindSafe};
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, mpsc};
use std::task::{Context, Poll, Waker};
use std::thread;

use rt::runtime::Handle;
use rt::task::{JoinSet, LocalSet, yield_now};
use util::{Gate, OnDrop, panic_message};

/// A guard that counts its drop and opens `all_dropped` once `count` reaches `total`.
fn drop_counter(
    count: &Arc<AtomicUsize>,
    total: usize,
    all_dropped: &Gate,
) -> OnDrop<impl FnMut() + Send + 'static> {
    let count = count.clone();
    let all_dropped = all_dropped.clone();
    OnDrop(move || {
        if count.fetch_add(1, SeqCst) + 1 == total {
            all_dropped.open();
        }
    })
}

enum Either<A, B> {
    Left(A),
    Right(B),
}

/// A two-branch `select!`: polls `a` then `b` until one finishes; the other is dropped.
async fn race<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let mut a = pin!(a);
    let mut b = pin!(b);
    poll_fn(|cx| {
        if let Poll::Ready(out) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(out));
        }
        if let Poll::Ready(out) = b.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(out));
        }
        Poll::Pending
    })
    .await
}

/// Polls `future` once with a waker that does nothing.
fn poll_once<F: Future + ?Sized>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

rt_test! {
    #[test]
    fn spawn_returns_the_abort_handle_of_the_task() {
        let rt = rt();
        rt.block_on(async {
            let mut set = JoinSet::new();
            let abort = set.spawn(pending::<()>());
            assert!(!abort.is_finished());
            abort.abort();
            let err = set.join_next().await.unwrap().unwrap_err();
            assert!(err.is_cancelled());
            assert_eq!(err.id(), abort.id());
            assert!(abort.is_finished());
            assert!(set.join_next().await.is_none());
        });
    }

    #[test]
    fn spawn_on_and_spawn_blocking_on_use_the_given_runtime() {
        let other = rt();
        let rt = rt();
        let other_handle = other.handle().clone();
        // Drive the other runtime on its own thread until the test releases it.
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let release = other.spawn_blocking(move || release_rx.recv().unwrap());
        let driver = thread::spawn(move || other.block_on(release).unwrap());

        rt.block_on(async {
            let mut set = JoinSet::new();
            let this_id = Handle::current().id();
            assert_ne!(this_id, other_handle.id());
            let async_abort = set.spawn_on(async { Handle::current().id() }, &other_handle);
            let blocking_abort = set.spawn_blocking_on(|| Handle::current().id(), &other_handle);
            let mut seen = HashSet::new();
            while let Some(res) = set.join_next_with_id().await {
                let (id, runtime_id) = res.unwrap();
                assert_eq!(runtime_id, other_handle.id());
                seen.insert(id);
            }
            assert_eq!(seen, HashSet::from([async_abort.id(), blocking_abort.id()]));
        });

        release_tx.send(()).unwrap();
        driver.join().unwrap();
    }

    #[test]
    fn spawn_local_and_spawn_local_on_run_on_the_local_set_thread() {
        let rt = rt();
        let local = LocalSet::new();
        let here = thread::current().id();
        let shared = Rc::new(1);
        let mut set = JoinSet::new();

        // Outside the set's context: the task waits on the set until it is driven.
        let outside = {
            let shared = shared.clone();
            set.spawn_local_on(
                async move { (*shared + 10, thread::current().id()) },
                &local,
            )
        };
        let inside = local.block_on(&rt, async {
            let shared = shared.clone();
            let inside = set.spawn_local(async move {
                yield_now().await;
                (*shared + 20, thread::current().id())
            });
            let mut outputs = HashMap::new();
            while let Some(res) = set.join_next_with_id().await {
                let (id, (value, thread)) = res.unwrap();
                assert_eq!(thread, here);
                outputs.insert(id, value);
            }
            assert_eq!(
                outputs,
                HashMap::from([(outside.id(), 11), (inside.id(), 21)])
            );
            inside
        });
        assert!(inside.is_finished());
        assert_eq!(Rc::strong_count(&shared), 1);
    }

    #[test]
    fn spawn_blocking_runs_off_the_runtime_thread() {
        let rt = rt();
        rt.block_on(async {
            let caller = thread::current().id();
            let handle = Handle::current();
            let mut set = JoinSet::new();
            set.spawn_blocking(|| thread::current().id());
            set.spawn_blocking_on(|| thread::current().id(), &handle);
            let mut count = 0;
            while let Some(res) = set.join_next().await {
                assert_ne!(res.unwrap(), caller);
                count += 1;
            }
            assert_eq!(count, 2);
        });
    }

    #[test]
    fn join_next_returns_outputs_in_completion_order() {
        let rt = rt();
        rt.block_on(async {
            let gates: Vec<Gate> = (0..4).map(|_| Gate::default()).collect();
            let mut set = JoinSet::new();
            for (i, gate) in gates.iter().enumerate() {
                let gate = gate.clone();
                set.spawn(async move {
                    gate.wait().await;
                    i
                });
            }
            // Each task finishes only when its gate opens: last spawned first.
            for i in (0..4).rev() {
                gates[i].open();
                assert_eq!(set.join_next().await.unwrap().unwrap(), i);
                assert_eq!(set.len(), i);
            }
            assert!(set.join_next().await.is_none());
        });
    }

    #[test]
    fn join_next_returns_blocking_outputs_in_completion_order() {
        let rt = rt();
        rt.block_on(async {
            let mut set = JoinSet::new();
            let mut releases = Vec::new();
            for i in 0..3 {
                let (tx, rx) = mpsc::channel::<()>();
                releases.push(tx);
                set.spawn_blocking(move || {
                    rx.recv().unwrap();
                    i
                });
            }
            for i in (0..3).rev() {
                releases[i].send(()).unwrap();
                assert_eq!(set.join_next().await.unwrap().unwrap(), i);
            }
            assert!(set.is_empty());
        });
    }

    #[test]
    fn join_next_with_id_gives_the_ids_of_the_abort_handles() {
        let rt = rt();
        rt.block_on(async {
            let mut set = JoinSet::new();
            let mut expected = HashMap::new();
            for _ in 0..5 {
                let abort = set.spawn(async { rt::task::id() });
                expected.insert(abort.id(), abort);
            }
            while let Some(res) = set.join_next_with_id().await {
                let (id, id_inside_task) = res.unwrap();
                assert_eq!(id, id_inside_task);
                let abort = expected.remove(&id).expect("an id that no AbortHandle has");
                assert!(abort.is_finished());
            }
            assert!(expected.is_empty());

            // A failed task's id comes with its error.
            let abort = set.spawn(async { panic!("task failed on purpose") });
            let err = set.join_next_with_id().await.unwrap().unwrap_err();
            assert!(err.is_panic());
            assert_eq!(err.id(), abort.id());
        });
    }

    #[test]
    fn try_join_next_returns_none_until_a_task_finishes() {
        let rt = rt();
        rt.block_on(async {
            let mut set = JoinSet::new();
            assert!(set.try_join_next().is_none());
            assert!(set.try_join_next_with_id().is_none());

            let gate = Gate::default();
            let task_gate = gate.clone();
            let abort = set.spawn(async move {
                task_gate.wait().await;
                7
            });
            for _ in 0..3 {
                assert!(set.try_join_next().is_none());
                yield_now().await;
            }
            assert_eq!(set.len(), 1);

            gate.open();
            let (id, out) = loop {
                if let Some(res) = set.try_join_next_with_id() {
                    break res.unwrap();
                }
                yield_now().await;
            };
            assert_eq!((id, out), (abort.id(), 7));
            assert!(set.is_empty());
            assert!(set.try_join_next().is_none());
        });
    }

    #[test]
    fn join_all_returns_every_output() {
        let rt = rt();
        rt.block_on(async {
            let mut set = JoinSet::new();
            for i in 0..6 {
                set.spawn(async move {
                    for _ in 0..i {
                        yield_now().await;
                    }
                    i * 2
                });
            }
            let mut outputs = set.join_all().await;
            outputs.sort_unstable();
            assert_eq!(outputs, vec![0, 2, 4, 6, 8, 10]);
        });
    }

    #[test]
    fn join_all_resumes_a_task_panic_and_cancels_the_rest() {
        let rt = rt();
        let drops = Arc::new(AtomicUsize::new(0));
        let all_dropped = Gate::default();
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            rt.block_on(async {
                let mut set = JoinSet::new();
                let guard = drop_counter(&drops, 1, &all_dropped);
                set.spawn(async move {
                    let _guard = guard;
                    pending::<u32>().await
                });
                set.spawn(async { 1 });
                set.spawn(async {
                    yield_now().await;
                    panic!("join_all must resume this")
                });
                set.join_all().await
            })
        }));
        let payload = result.expect_err("join_all returned although a task panicked");
        assert_eq!(
            panic_message(payload.as_ref()),
            Some("join_all must resume this")
        );

        // The set was dropped by the unwinding: the task still pending was aborted.
        rt.block_on(all_dropped.wait());
        assert_eq!(drops.load(SeqCst), 1);
    }

    #[test]
    #[should_panic(expected = "join_all must resume this")]
    fn join_all_panics_with_the_task_panic() {
        let rt = rt();
        rt.block_on(async {
            let mut set = JoinSet::new();
            set.spawn(async { panic!("join_all must resume this") });
            set.join_all().await
        });
    }

    #[test]
    fn join_all_panics_on_a_cancelled_task() {
        let rt = rt();
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            rt.block_on(async {
                let mut set = JoinSet::new();
                set.spawn(pending::<()>()).abort();
                set.join_all().await
            })
        }));
        let payload = result.expect_err("join_all returned although a task was cancelled");
        let message = panic_message(payload.as_ref()).unwrap();
        assert!(message.contains("cancelled"), "{message}");
    }

    #[test]
    fn abort_all_cancels_every_task_not_yet_complete() {
        let rt = rt();
        rt.block_on(async {
            let mut set = JoinSet::new();
            let done = set.spawn(async { 1 });
            while !done.is_finished() {
                yield_now().await;
            }
            let drops = Arc::new(AtomicUsize::new(0));
            let all_dropped = Gate::default();
            let mut cancelled = HashSet::new();
            for _ in 0..3 {
                let guard = drop_counter(&drops, 3, &all_dropped);
                let abort = set.spawn(async move {
                    let _guard = guard;
                    pending::<i32>().await
                });
                cancelled.insert(abort.id());
            }
            // Let the pending tasks start, so they are aborted mid-run.
            yield_now().await;

            set.abort_all();
            assert_eq!(set.len(), 4, "aborted tasks stay in the set until joined");
            let mut completed = 0;
            while let Some(res) = set.join_next_with_id().await {
                match res {
                    Ok((id, out)) => {
                        assert_eq!((id, out), (done.id(), 1));
                        completed += 1;
                    }
                    Err(err) => {
                        assert!(err.is_cancelled(), "{err}");
                        assert!(cancelled.remove(&err.id()), "{err}");
                    }
                }
            }
            assert_eq!(completed, 1);
            assert!(cancelled.is_empty());
            all_dropped.wait().await;
            assert_eq!(drops.load(SeqCst), 3);
        });
    }

    #[test]
    fn detach_all_leaves_the_tasks_running() {
        let rt = rt();
        rt.block_on(async {
            const TASKS: usize = 4;
            let gate = Gate::default();
            let all_ran = Gate::default();
            let ran = Arc::new(AtomicUsize::new(0));
            let mut set = JoinSet::new();
            for _ in 0..TASKS {
                let (gate, all_ran, ran) = (gate.clone(), all_ran.clone(), ran.clone());
                set.spawn(async move {
                    gate.wait().await;
                    if ran.fetch_add(1, SeqCst) + 1 == TASKS {
                        all_ran.open();
                    }
                });
            }
            // Poll the set once, so every task's handle holds a waker of the set.
            assert!(poll_once(pin!(set.join_next())).is_pending());

            set.detach_all();
            assert_eq!(set.len(), 0);
            assert!(set.is_empty());
            assert!(set.join_next().await.is_none());
            drop(set);
            assert_eq!(ran.load(SeqCst), 0);

            gate.open();
            all_ran.wait().await;
            assert_eq!(ran.load(SeqCst), TASKS);
        });
    }

    #[test]
    fn a_set_is_usable_after_detach_all() {
        let rt = rt();
        rt.block_on(async {
            let gate = Gate::default();
            let mut set = JoinSet::new();
            for i in 0..3 {
                let gate = gate.clone();
                set.spawn(async move {
                    gate.wait().await;
                    i
                });
            }
            assert!(poll_once(pin!(set.join_next())).is_pending());
            set.detach_all();

            // The detached tasks finish (and wake their old wakers) while new ones run.
            let abort = set.spawn(async { 100 });
            gate.open();
            let (id, out) = set.join_next_with_id().await.unwrap().unwrap();
            assert_eq!((id, out), (abort.id(), 100));
            assert!(set.join_next().await.is_none());
        });
    }

    #[test]
    fn shutdown_aborts_and_waits_for_every_task() {
        let rt = rt();
        rt.block_on(async {
            let drops = Arc::new(AtomicUsize::new(0));
            let all_dropped = Gate::default();
            let mut set = JoinSet::new();
            let mut aborts = Vec::new();
            for _ in 0..5 {
                let guard = drop_counter(&drops, 5, &all_dropped);
                aborts.push(set.spawn(async move {
                    let _guard = guard;
                    pending::<()>().await
                }));
            }
            yield_now().await;

            set.shutdown().await;
            assert!(set.is_empty());
            assert_eq!(
                drops.load(SeqCst),
                5,
                "shutdown returned before the futures were dropped"
            );
            assert!(aborts.iter().all(|abort| abort.is_finished()));

            // The set is empty, not closed.
            set.spawn(async {});
            assert_eq!(set.len(), 1);
            set.join_next().await.unwrap().unwrap();
        });
    }

    #[test]
    fn len_counts_tasks_until_they_are_joined() {
        let rt = rt();
        rt.block_on(async {
            let mut set = JoinSet::new();
            assert_eq!(set.len(), 0);
            assert!(set.is_empty());

            let done = set.spawn(async { 1 });
            set.spawn(async { pending::<i32>().await });
            assert_eq!(set.len(), 2);
            assert!(!set.is_empty());

            while !done.is_finished() {
                yield_now().await;
            }
            assert_eq!(set.len(), 2, "a completed task counts until it is joined");

            assert_eq!(set.join_next().await.unwrap().unwrap(), 1);
            assert_eq!(set.len(), 1);
            set.abort_all();
            assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
            assert_eq!(set.len(), 0);
            assert!(set.is_empty());
        });
    }

    #[test]
    fn dropping_the_set_aborts_every_task() {
        let rt = rt();
        rt.block_on(async {
            const TASKS: usize = 4;
            let drops = Arc::new(AtomicUsize::new(0));
            let all_dropped = Gate::default();
            let finished = Arc::new(AtomicUsize::new(0));
            let mut set = JoinSet::new();
            let mut aborts = Vec::new();
            for i in 0..TASKS {
                let guard = drop_counter(&drops, TASKS, &all_dropped);
                let finished = finished.clone();
                aborts.push(set.spawn(async move {
                    let _guard = guard;
                    // Half the tasks are polled before the drop, half are not.
                    if i % 2 == 0 {
                        yield_now().await;
                    }
                    pending::<()>().await;
                    finished.fetch_add(1, SeqCst);
                }));
            }
            yield_now().await;

            drop(set);
            all_dropped.wait().await;
            assert_eq!(drops.load(SeqCst), TASKS);
            assert_eq!(finished.load(SeqCst), 0);
            for abort in &aborts {
                while !abort.is_finished() {
                    yield_now().await;
                }
            }
        });
    }

    #[test]
    fn from_iterator_and_extend_spawn_every_future() {
        let rt = rt();
        rt.block_on(async {
            let mut set: JoinSet<usize> = (0..4).map(|i| async move { i }).collect();
            assert_eq!(set.len(), 4);
            set.extend((4..7).map(|i| async move {
                yield_now().await;
                i
            }));
            assert_eq!(set.len(), 7);
            let mut outputs = set.join_all().await;
            outputs.sort_unstable();
            assert_eq!(outputs, (0..7).collect::<Vec<_>>());
        });
    }

    #[test]
    fn join_next_is_cancel_safe() {
        let rt = rt();
        rt.block_on(async {
            let gate = Gate::default();
            let mut set = JoinSet::new();
            let task_gate = gate.clone();
            let abort = set.spawn(async move {
                task_gate.wait().await;
                9
            });

            // A select whose other branch wins while nothing has finished.
            match race(set.join_next(), yield_now()).await {
                Either::Left(res) => {
                    panic!("join_next finished early: {:?}", res.map(|r| r.is_ok()))
                }
                Either::Right(()) => {}
            }
            assert_eq!(set.len(), 1);

            // A join_next that is woken by the completion but dropped before its next poll.
            {
                let mut next = pin!(set.join_next());
                assert!(poll_once(next.as_mut()).is_pending());
                gate.open();
                while !abort.is_finished() {
                    yield_now().await;
                }
            }

            assert_eq!(set.len(), 1);
            let (id, out) = set.join_next_with_id().await.unwrap().unwrap();
            assert_eq!((id, out), (abort.id(), 9));
            assert!(set.join_next().await.is_none());
        });
    }

    #[test]
    fn join_next_drains_more_finished_tasks_than_one_poll_budget() {
        let rt = rt();
        rt.block_on(async {
            // More than a task's coop budget (128) of outputs ready at once: join_next
            // must yield when the budget runs out and be woken to go on, never stall.
            const TASKS: usize = 300;
            let mut set = JoinSet::new();
            let aborts: Vec<_> = (0..TASKS).map(|i| set.spawn(async move { i })).collect();
            for abort in &aborts {
                while !abort.is_finished() {
                    yield_now().await;
                }
            }
            let mut seen = vec![false; TASKS];
            while let Some(res) = set.join_next().await {
                let i = res.unwrap();
                assert!(!seen[i], "task {i} joined twice");
                seen[i] = true;
            }
            assert!(seen.iter().all(|&s| s));
        });
    }

    #[test]
    fn join_next_wakes_when_a_task_completes_later() {
        let rt = rt();
        rt.block_on(async {
            let gate = Gate::default();
            let mut set = JoinSet::new();
            let task_gate = gate.clone();
            set.spawn(async move {
                task_gate.wait().await;
                "late"
            });
            // Open the gate from a plain thread while join_next waits.
            let opener = {
                let gate = gate.clone();
                thread::spawn(move || gate.open())
            };
            assert_eq!(set.join_next().await.unwrap().unwrap(), "late");
            opener.join().unwrap();
        });
    }
}
