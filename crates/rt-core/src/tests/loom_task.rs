//! loom models of the task state machine: concurrent wake, complete, abort, join handle
//! drop and shutdown. A mock scheduler queues notifications in a loom mutex; the real
//! owned-task list holds the tasks. loom checks every interleaving of the atomic
//! transitions and every access to the stage and join-waker cells for races.

use std::collections::VecDeque;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use loom::thread;

use crate::loom::{Mutex, lock};
use crate::task::list::OwnedTasks;
use crate::task::{Id, JoinHandle, Notified, Schedule, Task};

struct Mock {
    queue: Mutex<VecDeque<Notified<Arc<Mock>>>>,
    owned: OwnedTasks<Arc<Mock>>,
}

impl Schedule for Arc<Mock> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.owned.remove(task)
    }

    fn schedule(&self, task: Notified<Self>) {
        lock(&self.queue).push_back(task);
    }
}

impl Mock {
    fn new() -> Arc<Mock> {
        Arc::new(Mock {
            queue: Mutex::new(VecDeque::new()),
            owned: OwnedTasks::new(2),
        })
    }

    /// Runs queued notifications until none is left.
    fn run_all(&self) {
        loop {
            let task = lock(&self.queue).pop_front();
            match task {
                Some(task) => {
                    if let Some(again) = task.run() {
                        lock(&self.queue).push_back(again.into_notified());
                    }
                }
                None => return,
            }
        }
    }

    /// Shuts down every owned task and drops what is left queued.
    fn shutdown(&self) {
        self.owned.close_and_shutdown_all();
        let rest = std::mem::take(&mut *lock(&self.queue));
        drop(rest);
    }
}

fn spawn<F>(mock: &Arc<Mock>, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (join, notified) = mock.owned.bind(future, mock.clone(), Id::next());
    mock.schedule(notified.expect("list open"));
    join
}

/// Counts drops of the future it is moved into.
struct DropCount(Arc<AtomicUsize>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// A future that parks once, leaving its waker in `slot`, then completes with `value`.
fn park_once(
    slot: Arc<Mutex<Option<Waker>>>,
    value: usize,
    drops: Arc<AtomicUsize>,
) -> impl Future<Output = usize> + Send {
    let guard = DropCount(drops);
    let mut parked = false;
    poll_fn(move |cx| {
        let _keep = &guard;
        if parked {
            return Poll::Ready(value);
        }
        parked = true;
        *lock(&slot) = Some(cx.waker().clone());
        Poll::Pending
    })
}

/// Polls a join handle on this thread until it is ready, parking loom-style in between.
fn block_on_join<T>(mut join: JoinHandle<T>, mock: &Mock) -> Result<T, crate::task::JoinError> {
    let waker = Waker::noop();
    let mut cx = Context::from_waker(waker);
    loop {
        if let Poll::Ready(out) = Pin::new(&mut join).poll(&mut cx) {
            return out;
        }
        mock.run_all();
        thread::yield_now();
    }
}

#[test]
fn wake_from_another_thread_while_running() {
    loom::model(|| {
        let mock = Mock::new();
        let slot = Arc::new(Mutex::new(None));
        let drops = Arc::new(AtomicUsize::new(0));
        let join = spawn(&mock, park_once(slot.clone(), 7, drops.clone()));

        let waker_thread = {
            let slot = slot.clone();
            thread::spawn(move || {
                // Wake as soon as the waker is there, racing with the poll returning.
                loop {
                    let waker = lock(&slot).take();
                    if let Some(waker) = waker {
                        waker.wake();
                        return;
                    }
                    thread::yield_now();
                }
            })
        };
        mock.run_all();
        waker_thread.join().unwrap();
        assert_eq!(block_on_join(join, &mock).unwrap(), 7);
        assert_eq!(drops.load(SeqCst), 1);
        mock.shutdown();
    });
}

#[test]
fn join_handle_polled_concurrently_with_completion() {
    loom::model(|| {
        let mock = Mock::new();
        let drops = Arc::new(AtomicUsize::new(0));
        let guard = DropCount(drops.clone());
        let mut join = spawn(&mock, async move {
            drop(guard);
            11usize
        });
        let runner = {
            let mock = mock.clone();
            thread::spawn(move || mock.run_all())
        };
        // Register a waker while the runner may be completing the task.
        let woken = Arc::new(AtomicUsize::new(0));
        let waker = counting_waker(woken.clone());
        let mut cx = Context::from_waker(&waker);
        let first = Pin::new(&mut join).poll(&mut cx);
        runner.join().unwrap();
        let out = match first {
            Poll::Ready(out) => out,
            Poll::Pending => {
                // Completion after registration must have woken us.
                assert_eq!(woken.load(SeqCst), 1);
                match Pin::new(&mut join).poll(&mut cx) {
                    Poll::Ready(out) => out,
                    Poll::Pending => panic!("complete task not ready"),
                }
            }
        };
        assert_eq!(out.unwrap(), 11);
        assert_eq!(drops.load(SeqCst), 1);
    });
}

#[test]
fn join_handle_drop_concurrent_with_completion_drops_output_once() {
    loom::model(|| {
        let mock = Mock::new();
        let drops = Arc::new(AtomicUsize::new(0));
        let output = DropCount(drops.clone());
        let join = spawn(&mock, async move { output });
        let runner = {
            let mock = mock.clone();
            thread::spawn(move || mock.run_all())
        };
        drop(join);
        runner.join().unwrap();
        assert_eq!(drops.load(SeqCst), 1);
    });
}

#[test]
fn abort_races_with_wake_and_run() {
    loom::model(|| {
        let mock = Mock::new();
        let slot = Arc::new(Mutex::new(None));
        let drops = Arc::new(AtomicUsize::new(0));
        let join = spawn(&mock, park_once(slot.clone(), 3, drops.clone()));
        let abort = join.abort_handle();
        mock.run_all(); // parked, waker in the slot

        let waker = lock(&slot).take().expect("parked");
        let waker_thread = thread::spawn(move || waker.wake());
        let abort_thread = thread::spawn(move || abort.abort());
        let runner = {
            let mock = mock.clone();
            thread::spawn(move || mock.run_all())
        };
        waker_thread.join().unwrap();
        abort_thread.join().unwrap();
        runner.join().unwrap();
        match block_on_join(join, &mock) {
            // The wake's poll may complete the task before the abort lands.
            Ok(value) => assert_eq!(value, 3),
            Err(err) => assert!(err.is_cancelled()),
        }
        assert_eq!(drops.load(SeqCst), 1);
    });
}

#[test]
fn shutdown_races_with_remote_wake() {
    loom::model(|| {
        let mock = Mock::new();
        let slot = Arc::new(Mutex::new(None));
        let drops = Arc::new(AtomicUsize::new(0));
        let join = spawn(&mock, park_once(slot.clone(), 5, drops.clone()));
        mock.run_all();
        let waker = lock(&slot).take().expect("parked");
        let waker_thread = thread::spawn(move || waker.wake());
        mock.shutdown();
        waker_thread.join().unwrap();
        // A notification that arrived after shutdown only drops its reference.
        mock.shutdown();
        let out = block_on_join(join, &mock);
        assert!(out.unwrap_err().is_cancelled());
        assert_eq!(drops.load(SeqCst), 1);
    });
}

#[test]
fn yield_races_with_remote_wake() {
    loom::model(|| {
        let mock = Mock::new();
        let slot = Arc::new(Mutex::new(None));
        let polls = Arc::new(AtomicUsize::new(0));
        let join = {
            let (slot, polls) = (slot.clone(), polls.clone());
            spawn(
                &mock,
                poll_fn(move |cx| {
                    if polls.fetch_add(1, SeqCst) > 0 {
                        return Poll::Ready(());
                    }
                    // Leave a waker for the other thread and ask to yield, in the same poll.
                    *lock(&slot) = Some(cx.waker().clone());
                    assert!(crate::task::waker::yield_current_task(cx.waker()));
                    Poll::Pending
                }),
            )
        };
        let waker_thread = {
            let slot = slot.clone();
            thread::spawn(move || {
                loop {
                    let waker = lock(&slot).take();
                    if let Some(waker) = waker {
                        waker.wake();
                        return;
                    }
                    thread::yield_now();
                }
            })
        };
        mock.run_all();
        waker_thread.join().unwrap();
        mock.run_all();
        block_on_join(join, &mock).unwrap();
        // The yield and the wake make one notification between them, or two in turn.
        let n = polls.load(SeqCst);
        assert!((2..=3).contains(&n), "polled {n} times");
        mock.shutdown();
    });
}

/// A waker that counts its wakes.
fn counting_waker(count: Arc<AtomicUsize>) -> Waker {
    struct Counter(Arc<AtomicUsize>);
    impl std::task::Wake for Counter {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    Waker::from(std::sync::Arc::new(Counter(count)))
}
