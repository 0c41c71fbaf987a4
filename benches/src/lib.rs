//! Helpers shared by rt's benchmarks.
//!
//! The bench targets in `benches/benches/` run the same workloads on rt, Tokio and smol and
//! compare them side by side. To keep the comparison fair, every runtime signals completion
//! through the primitives defined here rather than through its own channels: none of them
//! gets a cheaper (or a dearer) way to say "done" than the others.
//!
//! - [`Latch`]: a countdown that tasks decrement and one future awaits; an atomic counter plus
//!   a mutex-guarded waker, usable from any runtime because it only speaks `core::task`.
//! - [`RemoteSpawner`]: a long-lived helper thread that runs a batch of spawns each time it is
//!   triggered, for workloads that spawn from outside the runtime.
//! - [`settle_allocator`]: puts the allocator in the state it reaches after the first
//!   benchmark, so that whichever runtime is measured first is not penalised.
//!
//! This crate is not published and has no stable API.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};
use std::task::{Context, Poll, Waker};
use std::thread;

/// Frees one large allocation, so the allocator starts the first benchmark in the state that
/// criterion's own analysis leaves it in for every later one.
///
/// glibc's malloc returns the top of the heap to the kernel once more than its trim threshold
/// (128 KiB at start) is free, and raises that threshold to twice the size of the largest
/// `mmap`ed block freed so far (up to 32 MiB). Criterion frees large buffers while analysing
/// each benchmark, so only the first benchmark in a process runs under the low threshold: it
/// hands back and re-faults the pages of its 10,000 tasks every round and measured 1.7x slower
/// than the same runtime measured second. Call this once before the first benchmark. Other
/// allocators are unaffected, apart from one short-lived allocation.
pub fn settle_allocator() {
    // Larger than the initial mmap threshold, so glibc serves it with mmap and, on free,
    // raises its mmap threshold to 16 MiB and its trim threshold to 32 MiB.
    const SIZE: usize = 16 << 20;
    let block: Vec<u8> = Vec::with_capacity(SIZE);
    // The allocation must really happen: don't let the compiler elide the pair.
    drop(std::hint::black_box(block));
}

/// A countdown latch: [`arm`](Latch::arm) it with a count, let tasks call
/// [`count_down`](Latch::count_down), and await [`wait`](Latch::wait) until the count is zero.
///
/// Only the decrement that reaches zero takes the lock (to wake the waiter), so the cost per
/// task is one atomic read-modify-write, the same on every runtime.
///
/// # Examples
///
/// ```ignore
/// let latch = Arc::new(Latch::new());
/// latch.arm(2);
/// for _ in 0..2 {
///     let latch = latch.clone();
///     spawn(async move { latch.count_down() });
/// }
/// latch.wait().await;
/// ```
#[derive(Debug, Default)]
pub struct Latch {
    /// Count-downs still expected before waiters are released.
    remaining: AtomicUsize,
    /// The waker of the task awaiting [`Wait`], if it has been polled and found work left.
    waiter: Mutex<Option<Waker>>,
}

impl Latch {
    /// Creates a latch with a count of zero: [`wait`](Latch::wait) completes at once until the
    /// latch is [`arm`](Latch::arm)ed.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the count to `count` for the next round, dropping any waker left from the last.
    ///
    /// # Panics
    ///
    /// Panics if the previous round has not finished counting down to zero.
    pub fn arm(&self, count: usize) {
        // Ordering: nothing is published through this store; tasks that count down are spawned
        // after it, and spawning synchronises them with this thread.
        let previous = self.remaining.swap(count, Ordering::Relaxed);
        assert_eq!(
            previous, 0,
            "latch re-armed before the previous round finished"
        );
        self.waiter.lock().unwrap().take();
    }

    /// Decrements the count, waking the waiter if this was the last count-down.
    ///
    /// # Panics
    ///
    /// Panics (in debug builds) if the count was already zero.
    pub fn count_down(&self) {
        // Ordering: Release pairs with the Acquire loads in `Wait::poll`; the chain of
        // read-modify-writes makes every task's work visible to the waiter that reads zero.
        let previous = self.remaining.fetch_sub(1, Ordering::Release);
        debug_assert!(previous > 0, "latch counted down below zero");
        if previous == 1 {
            // Take the waker under the lock and wake outside it.
            let waker = self.waiter.lock().unwrap().take();
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    }

    /// Returns a future that completes once the count has reached zero.
    pub fn wait(&self) -> Wait<'_> {
        Wait { latch: self }
    }
}

/// The future returned by [`Latch::wait`].
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Wait<'a> {
    latch: &'a Latch,
}

impl Future for Wait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let latch = self.latch;
        // Ordering: Acquire pairs with the Release decrements in `count_down`.
        if latch.remaining.load(Ordering::Acquire) == 0 {
            return Poll::Ready(());
        }
        {
            let mut slot = latch.waiter.lock().unwrap();
            match &mut *slot {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                slot => *slot = Some(cx.waker().clone()),
            }
        }
        // Check again now the waker is stored: a last count-down that took the lock before us
        // found no waker, but its decrement happened before our lock, so this load sees zero.
        // Ordering: Acquire, as above.
        if latch.remaining.load(Ordering::Acquire) == 0 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// A helper thread that runs a batch of spawns each time it is [`trigger`](Self::trigger)ed.
///
/// Used by workloads that spawn from outside the runtime: the bench thread drives the runtime
/// (`block_on` of a [`Latch::wait`]) while this thread spawns onto it through a handle. The
/// thread lives as long as the `RemoteSpawner`, so thread start-up is not measured; dropping
/// the spawner stops and joins it.
#[derive(Debug)]
pub struct RemoteSpawner {
    /// Sends one message per batch; dropped first on drop, which ends the thread's loop.
    go: Option<mpsc::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl RemoteSpawner {
    /// Starts the helper thread, which will call `spawn_batch` once per
    /// [`trigger`](Self::trigger).
    ///
    /// # Panics
    ///
    /// Panics if the thread cannot be started.
    pub fn new(mut spawn_batch: impl FnMut() + Send + 'static) -> Self {
        let (go, batches) = mpsc::channel::<()>();
        let thread = thread::Builder::new()
            .name("remote-spawner".into())
            .spawn(move || {
                while batches.recv().is_ok() {
                    spawn_batch();
                }
            })
            .expect("failed to start the remote spawner thread");
        Self {
            go: Some(go),
            thread: Some(thread),
        }
    }

    /// Asks the helper thread to run one batch of spawns, without waiting for it.
    ///
    /// # Panics
    ///
    /// Panics if the helper thread has died (its batch panicked).
    pub fn trigger(&self) {
        let go = self.go.as_ref().expect("go is only taken on drop");
        go.send(()).expect("the remote spawner thread has died");
    }
}

impl Drop for RemoteSpawner {
    fn drop(&mut self) {
        drop(self.go.take());
        if let Some(thread) = self.thread.take() {
            // A panic on the helper thread has already been reported; don't panic in drop.
            let _ = thread.join();
        }
    }
}

/// Round trips per iteration of the `ping_pong` workloads.
pub const NUM_PINGS: usize = 1_000;

/// The body of one `ping_pong` round trip: spawn a peer with `$spawn`, send it a ping and
/// wait for its pong, through two oneshot channels; then count down `$latch`.
///
/// Fairness: all three runtimes use the same oneshot, `futures-channel`'s, which belongs to
/// none of them (rt's own arrives with rt-sync), so the workload measures the schedulers'
/// spawn and wake paths, not their channels.
#[macro_export]
macro_rules! round_trip {
    ($spawn:expr, $latch:expr) => {{
        let latch: ::std::sync::Arc<$crate::Latch> = $latch;
        async move {
            let (ping_tx, ping_rx) = ::futures_channel::oneshot::channel::<()>();
            let (pong_tx, pong_rx) = ::futures_channel::oneshot::channel::<()>();
            $spawn(async move {
                ping_rx.await.unwrap();
                pong_tx.send(()).unwrap();
            });
            ping_tx.send(()).unwrap();
            pong_rx.await.unwrap();
            latch.count_down();
        }
    }};
}
