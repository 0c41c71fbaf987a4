//! Unit tests of the raw task paths, small enough for miri: every waker operation, every
//! way a join handle meets completion, abort, panic, and shutdown with live tasks.

use std::future::{Future, pending, poll_fn};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use crate::runtime::{Builder, Runtime};
use crate::task::{self, JoinSet, LocalSet};

fn rt() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

struct DropCount(Arc<AtomicUsize>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// Parks until woken through the waker it leaves in `slot`, then completes.
fn park_once(slot: Arc<Mutex<Option<Waker>>>) -> impl Future<Output = ()> + Send {
    let mut parked = false;
    poll_fn(move |cx| {
        if parked {
            return Poll::Ready(());
        }
        parked = true;
        *slot.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    })
}

#[test]
fn spawn_and_join() {
    let rt = rt();
    assert_eq!(
        rt.block_on(async { crate::spawn(async { 1 }).await.unwrap() }),
        1
    );
}

#[test]
fn every_waker_operation() {
    let rt = rt();
    rt.block_on(async {
        for how in 0..4 {
            let slot = Arc::new(Mutex::new(None));
            let handle = crate::spawn(park_once(slot.clone()));
            while slot.lock().unwrap().is_none() {
                task::yield_now().await;
            }
            let waker = slot.lock().unwrap().take().unwrap();
            match how {
                0 => waker.wake(),
                1 => waker.wake_by_ref(),
                2 => {
                    let clone = waker.clone();
                    drop(waker);
                    clone.wake();
                }
                _ => {
                    // Wake twice: the second is a no-op on a notified task.
                    waker.wake_by_ref();
                    waker.wake();
                }
            }
            handle.await.unwrap();
        }
    });
}

#[test]
fn waker_outlives_task_and_runtime() {
    let rt = rt();
    let slot = Arc::new(Mutex::new(None));
    let handle = rt.spawn(park_once(slot.clone()));
    rt.block_on(async {
        while slot.lock().unwrap().is_none() {
            task::yield_now().await;
        }
    });
    let waker = slot.lock().unwrap().take().unwrap();
    // Shutdown cancels the task; the waker's reference keeps the allocation alive.
    drop(rt);
    assert!(handle.is_finished());
    waker.wake_by_ref();
    drop(handle);
    waker.wake();
}

#[test]
fn join_handle_meets_completion_every_way() {
    let rt = rt();
    let drops = Arc::new(AtomicUsize::new(0));
    rt.block_on(async {
        // Dropped before the task ever ran (fast path).
        let d = drops.clone();
        drop(crate::spawn(async move { DropCount(d) }));
        // Dropped after completion: the handle drops the output.
        let d = drops.clone();
        let handle = crate::spawn(async move { DropCount(d) });
        while !handle.is_finished() {
            task::yield_now().await;
        }
        drop(handle);
        // Polled with one waker, then another, then completed.
        let slot = Arc::new(Mutex::new(None));
        let mut handle = crate::spawn(park_once(slot.clone()));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(Pin::new(&mut handle).poll(&mut cx).is_pending());
        while slot.lock().unwrap().is_none() {
            task::yield_now().await;
        }
        slot.lock().unwrap().take().unwrap().wake();
        handle.await.unwrap();
    });
    for _ in 0..10 {
        if drops.load(SeqCst) == 2 {
            break;
        }
        rt.block_on(task::yield_now());
    }
    assert_eq!(drops.load(SeqCst), 2);
}

#[test]
fn abort_idle_running_and_complete() {
    let rt = rt();
    rt.block_on(async {
        let idle = crate::spawn(pending::<()>());
        task::yield_now().await;
        idle.abort();
        assert!(idle.await.unwrap_err().is_cancelled());

        let never_polled = crate::spawn(pending::<()>());
        never_polled.abort();
        assert!(never_polled.await.unwrap_err().is_cancelled());

        let done = crate::spawn(async { 4 });
        task::yield_now().await;
        done.abort();
        assert_eq!(done.await.unwrap(), 4);
    });
}

#[test]
fn panic_is_caught() {
    let rt = rt();
    let err = rt.block_on(async { crate::spawn(async { panic!("in task") }).await.unwrap_err() });
    assert!(err.is_panic());
}

#[test]
fn shutdown_cancels_live_tasks_once() {
    let rt = rt();
    let drops = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::new();
    rt.block_on(async {
        for _ in 0..8 {
            let d = DropCount(drops.clone());
            handles.push(crate::spawn(async move {
                let _d = d;
                pending::<()>().await;
            }));
        }
        task::yield_now().await;
    });
    let d = DropCount(drops.clone());
    handles.push(rt.spawn(async move {
        let _d = d;
    }));
    drop(rt);
    assert_eq!(drops.load(SeqCst), 9);
    for handle in handles {
        assert!(handle.is_finished());
    }
}

#[test]
fn remote_wake_from_another_thread() {
    let rt = rt();
    let slot = Arc::new(Mutex::new(None));
    rt.block_on(async {
        let handle = crate::spawn(park_once(slot.clone()));
        while slot.lock().unwrap().is_none() {
            task::yield_now().await;
        }
        let waker = slot.lock().unwrap().take().unwrap();
        std::thread::spawn(move || waker.wake()).join().unwrap();
        handle.await.unwrap();
    });
}

#[test]
fn blocking_local_and_join_set() {
    let rt = rt();
    assert_eq!(rt.block_on(rt.spawn_blocking(|| 5)).unwrap(), 5);
    let local = LocalSet::new();
    let rc = std::rc::Rc::new(6);
    assert_eq!(
        local.block_on(&rt, async move {
            task::spawn_local(async move { *rc }).await.unwrap()
        }),
        6
    );
    let sum = rt.block_on(async {
        let mut set: JoinSet<u32> = (0..4).map(|i| async move { i }).collect();
        let mut sum = 0;
        while let Some(res) = set.join_next().await {
            sum += res.unwrap();
        }
        sum
    });
    assert_eq!(sum, 6);
}

#[test]
fn yield_now_in_a_task_needs_no_wake() {
    let rt = rt();
    rt.block_on(async {
        crate::spawn(async {
            let id = task::id();
            poll_fn(|cx| {
                // The task's own waker: the yield is recorded, no waker is cloned.
                assert!(crate::task::waker::yield_current_task(cx.waker()));
                assert_eq!(task::try_id(), Some(id));
                Poll::Ready(())
            })
            .await;
            for _ in 0..10 {
                task::yield_now().await;
            }
        })
        .await
        .unwrap();
        // Not a task's waker: the block_on future falls back to a deferred wake.
        let own =
            poll_fn(|cx| Poll::Ready(crate::task::waker::yield_current_task(cx.waker()))).await;
        assert!(!own);
        task::yield_now().await;
    });
}
