//! Notify: wake one waiting task, or all of them, without sending data.
//!
//! # Protocol
//!
//! A `Notify` is an atomic `state` word plus a mutex-protected table of waiters. Waiters are
//! keyed by an id taken from a counter, so a map ordered by id is the FIFO queue: its first
//! entry waited longest, its last entry waited least.
//!
//! `state` packs two things:
//!
//! - the low two bits: `EMPTY` (no permit, nobody waits), `WAITING` (the `waiting` map is
//!   not empty) or `NOTIFIED` (a permit from `notify_one` is stored, nobody waits);
//! - the rest: a generation counter that `notify_waiters` bumps.
//!
//! The rules, cited by number in the code:
//!
//! 1. `state` is `WAITING` exactly when the `waiting` map is non-empty. Entering and leaving
//!    `WAITING` happens only with the mutex held.
//! 2. `EMPTY -> NOTIFIED` (`notify_one` storing a permit) and `NOTIFIED -> EMPTY` (a
//!    `Notified` consuming it) may happen without the mutex, by compare-and-swap. While the
//!    state is `WAITING`, only the mutex holder changes it.
//! 3. The generation changes only with the mutex held. A `Notified` records the generation
//!    when it is created; seeing a different one later means `notify_waiters` ran since, so
//!    it is complete.
//! 4. A waiter chosen by a notification leaves `waiting` and enters `notified` (both under the
//!    mutex), with the kind of notification it got. The `Notified` future finds itself
//!    there on its next poll and completes. If it is dropped instead, a `notify_one`-kind
//!    notification is handed on (rule 4 keeps the permit from being lost).
//!
//! Every operation on `state` is `SeqCst`: the word is touched a few times per
//! notification, and a single total order keeps the lock-free paths of rule 2 easy to check
//! against the locked ones.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::loom::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::{Mutex, MutexGuard, lock};

/// No permit stored and nobody waiting.
const EMPTY: usize = 0;
/// At least one `Notified` is in the `waiting` map (rule 1).
const WAITING: usize = 1;
/// A permit from `notify_one` is stored (rule 2).
const NOTIFIED: usize = 2;
/// The bits holding `EMPTY`, `WAITING` or `NOTIFIED`.
const STATE_MASK: usize = 0b11;
/// One step of the `notify_waiters` generation, which lives above the state bits.
const GENERATION_ONE: usize = 1 << 2;

fn permit_bits(state: usize) -> usize {
    state & STATE_MASK
}

fn generation(state: usize) -> usize {
    state >> 2
}

/// Notifies a single task, or all waiting tasks, to wake up.
///
/// `Notify` carries no data: it only tells a task that something happened. It can be seen
/// as a semaphore that starts with no permits and holds at most one.
///
/// [`notify_one`](Notify::notify_one) wakes one waiting task, in the order the tasks started
/// to wait; if nobody waits, it stores a permit so that the next call to
/// [`notified().await`](Notify::notified) completes at once. At most one permit is stored.
/// [`notify_last`](Notify::notify_last) wakes the task that started to wait last.
/// [`notify_waiters`](Notify::notify_waiters) wakes every task waiting now and stores no
/// permit.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use rt_sync::Notify;
///
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let notify = Arc::new(Notify::new());
/// let notify2 = notify.clone();
///
/// let handle = rt::spawn(async move {
///     notify2.notified().await;
///     "woken"
/// });
///
/// notify.notify_one();
/// assert_eq!(handle.await.unwrap(), "woken");
/// # });
/// ```
pub struct Notify {
    /// Permit bits and generation; see the module documentation.
    state: AtomicUsize,
    /// Who waits, and who has been chosen but has not yet seen it.
    waiters: Mutex<Waiters>,
}

/// The mutex-protected part of a [`Notify`].
struct Waiters {
    /// Id for the next `Notified` that starts to wait.
    next_id: u64,
    /// Waiting futures by id, so in the order they started to wait. A `None` waker is a
    /// future that was [enabled](Notified::enable) but not polled.
    waiting: BTreeMap<u64, Option<Waker>>,
    /// Futures chosen by a notification that have not yet observed it (rule 4).
    notified: BTreeMap<u64, Notification>,
}

/// How a waiter was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Notification {
    /// By `notify_one` (`Fifo`) or `notify_last` (`Lifo`): handed on if the future is dropped.
    One(Strategy),
    /// By `notify_waiters`: nothing to hand on.
    All,
}

/// Which waiter a single notification picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Strategy {
    /// The one that waited longest.
    Fifo,
    /// The one that waited least.
    Lifo,
}

impl Waiters {
    const fn new() -> Waiters {
        Waiters {
            next_id: 0,
            waiting: BTreeMap::new(),
            notified: BTreeMap::new(),
        }
    }
}

impl Notify {
    /// Creates a new `Notify`, with no permit stored.
    pub fn new() -> Notify {
        Notify {
            state: AtomicUsize::new(EMPTY),
            waiters: Mutex::new(Waiters::new()),
        }
    }

    /// Creates a new `Notify` in a `const` context, with no permit stored.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_sync::Notify;
    ///
    /// static NOTIFY: Notify = Notify::const_new();
    /// NOTIFY.notify_one();
    /// ```
    #[cfg(not(rt_loom))]
    pub const fn const_new() -> Notify {
        Notify {
            state: AtomicUsize::new(EMPTY),
            waiters: Mutex::new(Waiters::new()),
        }
    }

    /// Waits for a notification.
    ///
    /// The returned [`Notified`] completes when it is chosen by [`notify_one`] or
    /// [`notify_last`], when it consumes a permit stored by an earlier `notify_one`, or when
    /// [`notify_waiters`] is called after this method returned. The last holds even if the
    /// future was never polled; the first two need the future to be polled or
    /// [enabled](Notified::enable) first, since that is when it joins the queue.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. If the future is dropped after it was chosen by
    /// `notify_one` or `notify_last` but before it completed, the notification is handed on
    /// to the next waiter (or stored as a permit), so no notification is lost. Dropping the
    /// future loses its place in the queue.
    ///
    /// [`notify_one`]: Notify::notify_one
    /// [`notify_last`]: Notify::notify_last
    /// [`notify_waiters`]: Notify::notify_waiters
    pub fn notified(&self) -> Notified<'_> {
        let state = self.state.load(SeqCst);
        Notified {
            notify: self,
            generation: generation(state),
            state: NotifiedState::Init,
        }
    }

    /// Waits until `check` returns `Some`, looking again after each notification. The
    /// `Notified` is created before each look, so a notification between a look and the
    /// wait is not missed; the notifier changes what `check` sees, then notifies.
    pub(crate) async fn wait_for<R>(&self, mut check: impl FnMut() -> Option<R>) -> R {
        loop {
            let notified = self.notified();
            if let Some(result) = check() {
                return result;
            }
            notified.await;
        }
    }

    /// Notifies the task that has waited longest, or stores a permit if none waits.
    ///
    /// At most one permit is stored: calling this several times while nobody waits has the
    /// same effect as calling it once. The next [`notified()`](Notify::notified) future to be
    /// polled or enabled consumes the permit and completes at once.
    pub fn notify_one(&self) {
        self.notify(Strategy::Fifo);
    }

    /// Notifies the task that started to wait last, or stores a permit if none waits.
    ///
    /// Apart from the order in which waiters are picked, this behaves as
    /// [`notify_one`](Notify::notify_one).
    pub fn notify_last(&self) {
        self.notify(Strategy::Lifo);
    }

    fn notify(&self, strategy: Strategy) {
        // Fast path (rule 2): nobody waits, so store the permit without the lock.
        let mut curr = self.state.load(SeqCst);
        while permit_bits(curr) != WAITING {
            let next = (curr & !STATE_MASK) | NOTIFIED;
            match self.state.compare_exchange(curr, next, SeqCst, SeqCst) {
                Ok(_) => return,
                Err(actual) => curr = actual,
            }
        }

        let mut waiters = lock(&self.waiters);
        let waker = self.notify_locked(&mut waiters, strategy);
        drop(waiters);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Picks one waiter by `strategy`, or stores a permit if none waits; returns the waker
    /// to wake once the lock is released.
    fn notify_locked(
        &self,
        waiters: &mut MutexGuard<'_, Waiters>,
        strategy: Strategy,
    ) -> Option<Waker> {
        let curr = self.state.load(SeqCst);
        if permit_bits(curr) != WAITING {
            // Rule 2: only EMPTY <-> NOTIFIED can change under us, and setting the NOTIFIED
            // bit turns either into NOTIFIED.
            self.state.fetch_or(NOTIFIED, SeqCst);
            return None;
        }
        let (id, waker) = match strategy {
            Strategy::Fifo => waiters.waiting.pop_first(),
            Strategy::Lifo => waiters.waiting.pop_last(),
        }
        .expect("notify: state is WAITING but no task waits");
        waiters.notified.insert(id, Notification::One(strategy));
        if waiters.waiting.is_empty() {
            // Rule 1: leaving WAITING under the lock; rule 2: nothing else changes the word
            // while it is WAITING, so a plain store is exact.
            self.state.store((curr & !STATE_MASK) | EMPTY, SeqCst);
        }
        waker
    }

    /// Notifies every task waiting now.
    ///
    /// Every [`Notified`] future created before this call completes, whether or not it was
    /// polled yet. No permit is stored: a future created after this call waits for the next
    /// notification. A permit stored earlier by `notify_one` stays stored.
    pub fn notify_waiters(&self) {
        let mut waiters = lock(&self.waiters);
        let curr = self.state.load(SeqCst);
        if permit_bits(curr) == WAITING {
            // Rule 1 and 2: the word is ours while WAITING; every waiter leaves below.
            let next = (curr & !STATE_MASK).wrapping_add(GENERATION_ONE) | EMPTY;
            self.state.store(next, SeqCst);
        } else {
            // Rule 3: bump the generation; an addition above the state bits keeps a
            // concurrent EMPTY <-> NOTIFIED change (rule 2) intact.
            self.state.fetch_add(GENERATION_ONE, SeqCst);
        }

        let waiting = std::mem::take(&mut waiters.waiting);
        let mut wakers = Vec::with_capacity(waiting.len());
        for (id, waker) in waiting {
            waiters.notified.insert(id, Notification::All);
            wakers.extend(waker);
        }
        drop(waiters);
        for waker in wakers {
            waker.wake();
        }
    }
}

impl Default for Notify {
    fn default() -> Notify {
        Notify::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.load(SeqCst);
        f.debug_struct("Notify")
            .field("permit", &(permit_bits(state) == NOTIFIED))
            .field("waiting", &(permit_bits(state) == WAITING))
            .finish()
    }
}

/// Future returned by [`Notify::notified`].
///
/// It completes when notified; see [`Notify::notified`] for when that happens and what
/// dropping it does.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Notified<'a> {
    notify: &'a Notify,
    /// The `notify_waiters` generation when this future was created (rule 3).
    generation: usize,
    state: NotifiedState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NotifiedState {
    /// Not yet polled or enabled: not in the queue.
    Init,
    /// In `waiting` or `notified` under this id.
    Waiting(u64),
    /// Completed: has consumed its notification.
    Done,
}

impl Notified<'_> {
    /// Adds this future to the queue of waiters without registering a waker.
    ///
    /// Polling the future does the same (and registers a waker), so this is only needed to
    /// join the queue before the first poll — to be sure to receive a `notify_one` sent
    /// after some point. Notifications from [`notify_waiters`](Notify::notify_waiters) are
    /// received from the future's creation on, whether or not it was enabled.
    ///
    /// Returns `true` if the future is already complete: `notify_waiters` was called since
    /// it was created, it consumed a stored permit, or it was chosen by a notification since
    /// it joined the queue. Once this returns `true`, polling the future returns `Ready`.
    pub fn enable(self: Pin<&mut Self>) -> bool {
        self.get_mut().poll_notified(None).is_ready()
    }

    fn poll_notified(&mut self, waker: Option<&Waker>) -> Poll<()> {
        let notify = self.notify;
        match self.state {
            NotifiedState::Done => Poll::Ready(()),
            NotifiedState::Init => {
                // Fast path: notify_waiters ran since creation (rule 3), or a permit is
                // stored and we can take it without the lock (rule 2).
                let curr = notify.state.load(SeqCst);
                if generation(curr) != self.generation {
                    self.state = NotifiedState::Done;
                    return Poll::Ready(());
                }
                if permit_bits(curr) == NOTIFIED
                    && notify
                        .state
                        .compare_exchange(curr, curr & !STATE_MASK, SeqCst, SeqCst)
                        .is_ok()
                {
                    self.state = NotifiedState::Done;
                    return Poll::Ready(());
                }

                let mut waiters = lock(&notify.waiters);
                let mut curr = notify.state.load(SeqCst);
                // Rule 3: the generation cannot change while we hold the lock.
                if generation(curr) != self.generation {
                    self.state = NotifiedState::Done;
                    return Poll::Ready(());
                }
                loop {
                    match permit_bits(curr) {
                        NOTIFIED => {
                            // Rule 2: take the permit.
                            match notify.state.compare_exchange(
                                curr,
                                curr & !STATE_MASK,
                                SeqCst,
                                SeqCst,
                            ) {
                                Ok(_) => {
                                    self.state = NotifiedState::Done;
                                    return Poll::Ready(());
                                }
                                Err(actual) => curr = actual,
                            }
                        }
                        EMPTY => {
                            // Rule 1: enter WAITING under the lock; a CAS because a
                            // lock-free notify_one may store a permit meanwhile (rule 2).
                            match notify.state.compare_exchange(
                                curr,
                                curr | WAITING,
                                SeqCst,
                                SeqCst,
                            ) {
                                Ok(_) => break,
                                Err(actual) => curr = actual,
                            }
                        }
                        _ => break,
                    }
                }
                let id = waiters.next_id;
                waiters.next_id += 1;
                waiters.waiting.insert(id, waker.cloned());
                self.state = NotifiedState::Waiting(id);
                Poll::Pending
            }
            NotifiedState::Waiting(id) => {
                let mut waiters = lock(&notify.waiters);
                // Rule 4: chosen since the last poll.
                if waiters.notified.remove(&id).is_some() {
                    self.state = NotifiedState::Done;
                    return Poll::Ready(());
                }
                if let Some(waker) = waker {
                    let slot = waiters
                        .waiting
                        .get_mut(&id)
                        .expect("notify: a waiting future is in neither map");
                    match slot {
                        Some(old) if old.will_wake(waker) => {}
                        _ => *slot = Some(waker.clone()),
                    }
                }
                Poll::Pending
            }
        }
    }
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.get_mut().poll_notified(Some(cx.waker()))
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        let NotifiedState::Waiting(id) = self.state else {
            return;
        };
        let notify = self.notify;
        let mut waiters = lock(&notify.waiters);
        if waiters.waiting.remove(&id).is_some() {
            if waiters.waiting.is_empty() {
                // Rule 1: the last waiter leaves; the word is ours while WAITING (rule 2).
                let curr = notify.state.load(SeqCst);
                notify.state.store((curr & !STATE_MASK) | EMPTY, SeqCst);
            }
            return;
        }
        // Rule 4: chosen but never saw it: hand a single notification on.
        let waker = match waiters.notified.remove(&id) {
            Some(Notification::One(strategy)) => notify.notify_locked(&mut waiters, strategy),
            Some(Notification::All) | None => None,
        };
        drop(waiters);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl fmt::Debug for Notified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notified")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}
