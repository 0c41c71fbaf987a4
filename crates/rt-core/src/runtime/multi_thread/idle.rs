//! Which workers are asleep, and how many are searching for work.
//!
//! One atomic word counts the workers that are *unparked* (awake) and, of those, the ones
//! *searching* (looking for work to steal). The rules keep wake-ups cheap without losing
//! any work:
//!
//! - **I1.** New work wakes a sleeping worker only if no worker is searching: a searcher
//!   will find the work. The woken worker starts out searching.
//! - **I2.** At most half the workers search at once, so stealing does not thrash.
//! - **I3.** The last searcher to find work, or to give up and park, wakes another worker if
//!   work is still queued, so work is never left with everyone asleep.
//! - **I4.** A worker that queues work for itself wakes a sleeper only once it holds more
//!   than the one task it will run next (in its LIFO slot or queue): a lone task waits for
//!   the current poll to return, no longer, and waking a thread costs more than that here.
//! - **I5.** Tasks the driver wakes go to the inject queue in one batch after the driver
//!   returns (then a sleeper is woken if I1 allows), not to the local queue of whichever
//!   worker happened to poll it: every worker serves I/O in the order the events came, so
//!   no connection waits behind one worker's long queue while another's is short. While
//!   the driver keeps waking tasks, a busy worker polls it every sixth `event_interval`
//!   ticks, so events join that queue in small batches; after `QUIET_TURNS` turns that
//!   woke nothing, every `event_interval` ticks again, so CPU-bound work pays no more
//!   driver polls than before.
//! - **I6.** A worker takes a fair share of the inject queue into its local queue (its
//!   length over the number of workers, plus one), but while the driver keeps waking
//!   tasks at most `BUSY_DRIVER_BATCH` of them: tasks in a local queue wait for that one
//!   worker, so a large share lets later events overtake earlier ones on the other worker.
//!   I/O tasks are long next to the inject queue's lock, so the small batch costs little;
//!   CPU-bound work (a quiet driver) still moves tasks in large batches.

use crate::loom::atomic::{AtomicUsize, Ordering::SeqCst, fence};
use crate::loom::{Mutex, lock};

const UNPARK_SHIFT: usize = 16;
const SEARCH_MASK: usize = (1 << UNPARK_SHIFT) - 1;

pub(super) struct Idle {
    /// `num_unparked << 16 | num_searching`.
    state: AtomicUsize,
    /// Indices of parked workers.
    sleepers: Mutex<Vec<usize>>,
    num_workers: usize,
}

fn num_searching(state: usize) -> usize {
    state & SEARCH_MASK
}

fn num_unparked(state: usize) -> usize {
    state >> UNPARK_SHIFT
}

impl Idle {
    pub(super) fn new(num_workers: usize) -> Idle {
        assert!(num_workers < SEARCH_MASK, "too many workers");
        Idle {
            state: AtomicUsize::new(num_workers << UNPARK_SHIFT),
            sleepers: Mutex::new(Vec::with_capacity(num_workers)),
            num_workers,
        }
    }

    /// The worker to wake for new work, if one should be (I1). It is counted as unparked and
    /// searching from now on.
    pub(super) fn worker_to_notify(&self) -> Option<usize> {
        // Ordering: a Dekker pattern. The notifier pushed work, then reads this state; a
        // parking searcher updates this state, then looks at the queues (after the fence in
        // `Handle::notify_if_work_pending`). The fences order each side's store before its
        // load, so one of them sees the other: the work is never left with all asleep.
        fence(SeqCst);
        if !self.notify_should_wakeup() {
            return None;
        }
        let mut sleepers = lock(&self.sleepers);
        // Checked again under the lock: another notifier may have won.
        if !self.notify_should_wakeup() {
            return None;
        }
        let worker = sleepers.pop()?;
        // One more unparked worker, and it is searching.
        self.state.fetch_add((1 << UNPARK_SHIFT) | 1, SeqCst);
        Some(worker)
    }

    fn notify_should_wakeup(&self) -> bool {
        let state = self.state.load(SeqCst);
        num_searching(state) == 0 && num_unparked(state) < self.num_workers
    }

    /// The worker parks. Returns true if it was the last searcher (I3).
    pub(super) fn transition_worker_to_parked(&self, worker: usize, is_searching: bool) -> bool {
        let mut sleepers = lock(&self.sleepers);
        let dec = (1 << UNPARK_SHIFT) | usize::from(is_searching);
        let prev = self.state.fetch_sub(dec, SeqCst);
        sleepers.push(worker);
        is_searching && num_searching(prev) == 1
    }

    /// The worker wants to search; refused when half the workers already do (I2).
    pub(super) fn transition_worker_to_searching(&self) -> bool {
        let state = self.state.load(SeqCst);
        if 2 * num_searching(state) >= self.num_workers {
            return false;
        }
        // Racy by design: the bound is a heuristic, not an invariant.
        self.state.fetch_add(1, SeqCst);
        true
    }

    /// The worker stops searching. Returns true if it was the last searcher (I3).
    pub(super) fn transition_worker_from_searching(&self) -> bool {
        let prev = self.state.fetch_sub(1, SeqCst);
        debug_assert!(num_searching(prev) > 0);
        num_searching(prev) == 1
    }

    /// Counts `worker` as unparked if it was asleep. Returns true if it was (its wake came
    /// from this call's caller, not from a notifier, so it is not searching).
    pub(super) fn unpark_worker_by_id(&self, worker: usize) -> bool {
        let mut sleepers = lock(&self.sleepers);
        match sleepers.iter().position(|&w| w == worker) {
            Some(i) => {
                sleepers.swap_remove(i);
                self.state.fetch_add(1 << UNPARK_SHIFT, SeqCst);
                true
            }
            None => false,
        }
    }

    /// Whether `worker` is among the sleepers (not yet claimed by a notifier).
    pub(super) fn is_parked(&self, worker: usize) -> bool {
        lock(&self.sleepers).contains(&worker)
    }
}
