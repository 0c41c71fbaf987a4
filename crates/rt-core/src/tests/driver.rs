//! The driver seam: layers wrap the driver and leave handles; the scheduler unparks the
//! driver only when it is parked.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use crate::runtime::driver::{Driver, Unpark};
use crate::runtime::{Builder, Handle, Runtime};
use crate::task;

/// Counts the unparks that reach the driver below it.
struct CountingDriver {
    inner: Box<dyn Driver>,
    unparks: Arc<Counter>,
}

struct Counter {
    count: AtomicUsize,
    /// The scheduler is inside `park(None)`: it committed to sleeping.
    parked: std::sync::atomic::AtomicBool,
    inner: Arc<dyn Unpark>,
}

impl Unpark for Counter {
    fn unpark(&self) {
        self.count.fetch_add(1, SeqCst);
        self.inner.unpark();
    }
}

impl Driver for CountingDriver {
    fn park(&mut self, timeout: Option<Duration>) {
        self.unparks.parked.store(timeout.is_none(), SeqCst);
        self.inner.park(timeout);
        self.unparks.parked.store(false, SeqCst);
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        self.unparks.clone()
    }

    fn shutdown(&mut self) {
        self.inner.shutdown();
    }
}

/// The handle the counting layer leaves for "resources".
struct Unparks(Arc<Counter>);

fn counting_runtime() -> Runtime {
    Builder::new_current_thread()
        .__driver_layer(|stack| {
            let mut counter = None;
            stack.wrap(|inner| {
                let unparks = Arc::new(Counter {
                    count: AtomicUsize::new(0),
                    parked: std::sync::atomic::AtomicBool::new(false),
                    inner: inner.unparker(),
                });
                counter = Some(unparks.clone());
                Box::new(CountingDriver { inner, unparks })
            });
            stack.insert_handle(Unparks(counter.expect("wrapped")));
            Ok(())
        })
        .build()
        .unwrap()
}

fn unparks(handle: &Handle) -> usize {
    handle
        .__driver_handle::<Unparks>()
        .expect("the layer left its handle")
        .0
        .count
        .load(SeqCst)
}

#[test]
fn busy_runtime_takes_remote_spawns_without_unparking() {
    let rt = counting_runtime();
    let handle = rt.handle().clone();
    rt.block_on(async {
        let done = Arc::new(AtomicUsize::new(0));
        let spawner = {
            let (handle, done) = (handle.clone(), done.clone());
            std::thread::spawn(move || {
                for _ in 0..1_000 {
                    let done = done.clone();
                    handle.spawn(async move {
                        done.fetch_add(1, SeqCst);
                    });
                }
            })
        };
        // Busy: the block_on future yields (a deferred wake) and so never parks.
        while done.load(SeqCst) < 1_000 {
            task::yield_now().await;
        }
        spawner.join().unwrap();
    });
    assert_eq!(unparks(&handle), 0, "a busy runtime was unparked");
}

#[test]
fn parked_runtime_is_unparked_by_a_remote_spawn() {
    use std::sync::Mutex;
    use std::sync::atomic::AtomicBool;
    use std::task::{Poll, Waker};

    let rt = counting_runtime();
    let handle = rt.handle().clone();
    let done = Arc::new(AtomicBool::new(false));
    let waker: Arc<Mutex<Option<Waker>>> = Arc::default();
    let spawner = {
        let (handle, done, waker) = (handle.clone(), done.clone(), waker.clone());
        std::thread::spawn(move || {
            // Spawn only once the scheduler is asleep on the driver.
            let counter = &handle.__driver_handle::<Unparks>().unwrap().0;
            while !counter.parked.load(SeqCst) {
                std::thread::yield_now();
            }
            // The task completes block_on from the runtime's own thread: no unpark there.
            handle.spawn(async move {
                done.store(true, SeqCst);
                waker.lock().unwrap().take().unwrap().wake();
            });
        })
    };
    // Nothing else can wake the runtime: only the remote spawn does (else this hangs).
    rt.block_on(std::future::poll_fn(|cx| {
        if done.load(SeqCst) {
            return Poll::Ready(());
        }
        *waker.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }));
    spawner.join().unwrap();
    assert_eq!(
        unparks(&handle),
        1,
        "the remote spawn woke the parked runtime, once"
    );
}
