//! A barrier: tasks wait until a fixed number of them have arrived.
//!
//! # Protocol
//!
//! A `Barrier` is a mutex-protected count of arrivals plus a generation number, and a
//! [`Notify`] to wake the waiters. The rules, cited by number in the code:
//!
//! 1. `arrived` and `generation` change only with the mutex held. A generation is complete
//!    when its `n`th task arrives: that task (the leader) resets `arrived` to zero and bumps
//!    `generation`, in one critical section.
//! 2. A task that is not the leader creates its `Notified` while still holding the mutex, so
//!    the `notify_waiters` that follows any later bump completes it (a `Notified` sees every
//!    `notify_waiters` called after it was created, polled or not).
//! 3. The leader calls `notify_waiters` after releasing the mutex. A waiter may therefore be
//!    woken by the call of an earlier generation's leader; it re-checks `generation` under
//!    the mutex, and waits again (rule 2) if its generation is not yet complete.

use std::fmt;

use crate::Notify;
use crate::loom::{Mutex, lock};

/// A barrier enables multiple tasks to synchronize the beginning of some computation.
///
/// A barrier for `n` tasks makes the first `n - 1` callers of [`wait`](Barrier::wait) wait
/// until the `n`th arrives, then releases all of them at once. Exactly one of them is told
/// it is the leader. The barrier is then ready for the next `n` tasks.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use rt_sync::Barrier;
///
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let barrier = Arc::new(Barrier::new(10));
/// let mut handles = Vec::new();
/// for _ in 0..10 {
///     let barrier = barrier.clone();
///     handles.push(rt::spawn(async move { barrier.wait().await }));
/// }
///
/// let mut leaders = 0;
/// for handle in handles {
///     if handle.await.unwrap().is_leader() {
///         leaders += 1;
///     }
/// }
/// assert_eq!(leaders, 1);
/// # });
/// ```
pub struct Barrier {
    /// Arrivals in the current generation; see the module documentation.
    state: Mutex<BarrierState>,
    /// Woken by each generation's leader (rule 3).
    notify: Notify,
    /// Tasks per generation, at least one.
    n: usize,
}

/// The mutex-protected part of a [`Barrier`].
struct BarrierState {
    /// Tasks that arrived in the current generation; always less than `n` outside the mutex.
    arrived: usize,
    /// Number of completed generations (wrapping).
    generation: usize,
}

impl Barrier {
    /// Creates a barrier that lets tasks through in groups of `n`.
    ///
    /// As with [`std::sync::Barrier`], `n == 0` behaves like `n == 1`: every call to
    /// [`wait`](Barrier::wait) completes at once, as leader.
    pub fn new(n: usize) -> Barrier {
        Barrier {
            state: Mutex::new(BarrierState {
                arrived: 0,
                generation: 0,
            }),
            notify: Notify::new(),
            n: n.max(1),
        }
    }

    /// Waits until all `n` tasks of this generation have called `wait`.
    ///
    /// The barrier is reusable: once a generation is released, the next `n` calls make up
    /// the next one. In each generation a single (arbitrary) call returns a
    /// [`BarrierWaitResult`] whose [`is_leader`](BarrierWaitResult::is_leader) is `true`;
    /// it is the call that completed the generation. All others get `false`.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancel safe. A call counts as arrived from the moment its future
    /// is first polled; dropping the future afterwards does not take the arrival back, so
    /// its generation is released one real waiter early.
    pub async fn wait(&self) -> BarrierWaitResult {
        let (generation, mut notified) = {
            let mut state = lock(&self.state);
            state.arrived += 1;
            if state.arrived == self.n {
                // Rule 1: the leader completes the generation in one critical section.
                state.arrived = 0;
                state.generation = state.generation.wrapping_add(1);
                drop(state);
                // Rule 3: wake outside the mutex.
                self.notify.notify_waiters();
                return BarrierWaitResult(true);
            }
            // Rule 2: created under the mutex, so the leader's wake-up cannot be missed.
            (state.generation, self.notify.notified())
        };
        loop {
            notified.await;
            let state = lock(&self.state);
            // Rule 3: the wake-up may have been an earlier generation's.
            if state.generation != generation {
                return BarrierWaitResult(false);
            }
            notified = self.notify.notified();
        }
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.state);
        f.debug_struct("Barrier")
            .field("n", &self.n)
            .field("arrived", &state.arrived)
            .field("generation", &state.generation)
            .finish()
    }
}

/// What [`Barrier::wait`] returns once its generation is released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// Returns `true` if this call completed its generation.
    ///
    /// Exactly one call per generation gets `true`.
    pub fn is_leader(&self) -> bool {
        self.0
    }
}
