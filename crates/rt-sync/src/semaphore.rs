//! A fair, FIFO semaphore.
//!
//! # Protocol
//!
//! A `Semaphore` is an atomic `permits` word plus a mutex-protected queue of waiters. The
//! word holds the number of available permits shifted left by two, the `CLOSED` bit and
//! the `QUEUED` bit.
//! Waiters live in a slab (a `Vec` whose free places are reused) and are queued in arrival
//! order on a doubly linked list threaded through it; an acquire remembers its place. So
//! queueing, serving the front and leaving from anywhere take constant time and, once the
//! slab has grown, no allocation.
//!
//! The rules, cited by number in the code:
//!
//! 1. The available count grows with the mutex held (`add_permits_locked`), or without it
//!    only by a compare-and-swap that finds `QUEUED` clear (`release`'s fast path, rule 5).
//!    Without the mutex it may otherwise only shrink (`try_acquire`, `forget_permits`), by
//!    compare-and-swap.
//! 2. Released permits go to the queue first: the front waiter is assigned as many as it
//!    still needs, then the next, and only what is left over is made available. So while the
//!    queue is non-empty (and the semaphore open), the available count is zero, and a later
//!    `try_acquire` cannot overtake a waiter, however few permits it wants.
//! 3. A waiter assigned all it needs leaves the queue but keeps its place, marked granted;
//!    its future finds the mark on its next poll, frees the place and completes with a
//!    permit. A waiter dropped while still queued gives back what it was assigned; one
//!    dropped while granted gives back all it asked for. Either way the permits go through
//!    rule 2 again, so nothing is lost.
//! 4. `close` sets `closed` and the `CLOSED` bit with the mutex held and wakes the queue,
//!    leaving the entries where they are. A woken waiter that is not granted then
//!    gives back its partial assignment and fails. Once closed, released permits skip the
//!    queue and become available (the count still matters to `available_permits`).
//! 5. `QUEUED` is set, with the mutex held, whenever the queue is non-empty, and before a
//!    waiter on its way into the queue looks for available permits; it is cleared, with the
//!    mutex held, when the queue empties. A release that finds it clear adds its permits
//!    with one compare-and-swap and no lock; one that finds it set takes the mutex and goes
//!    through rule 2. So a waiter never sleeps while permits sit unassigned: a lock-free
//!    release either came before the waiter set `QUEUED` (and the waiter's look finds the
//!    permits), or it sees the bit and waits for the mutex.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker, ready};

use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::{Mutex, MutexGuard, lock};

/// The `permits` bit set once the semaphore is closed.
const CLOSED: usize = 1;
/// The `permits` bit set while waiters are queued (rule 5).
const QUEUED: usize = 2;
/// The available count sits above the `CLOSED` and `QUEUED` bits.
const PERMIT_SHIFT: usize = 2;

/// Counting semaphore performing asynchronous permit acquisition.
///
/// A semaphore holds a number of permits; a task acquires permits to proceed and gives them
/// back by dropping the guard it got. If not enough permits are available, `acquire` waits
/// until they are.
///
/// The semaphore is fair: acquirers are served in the order they called `acquire`. A task
/// asking for many permits makes later tasks wait even if they ask for fewer and enough are
/// available for them; permits released meanwhile are set aside for the first waiter.
/// [`try_acquire`](Semaphore::try_acquire) never overtakes a waiter either.
///
/// # Examples
///
/// ```
/// use rt_sync::{Semaphore, TryAcquireError};
///
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let semaphore = Semaphore::new(3);
///
/// let a_permit = semaphore.acquire().await.unwrap();
/// let two_permits = semaphore.acquire_many(2).await.unwrap();
///
/// assert_eq!(semaphore.available_permits(), 0);
/// assert_eq!(semaphore.try_acquire().err(), Some(TryAcquireError::NoPermits));
///
/// drop(a_permit);
/// assert_eq!(semaphore.available_permits(), 1);
/// # drop(two_permits);
/// # });
/// ```
pub struct Semaphore {
    /// `available << PERMIT_SHIFT | QUEUED | CLOSED`; see the module documentation.
    permits: AtomicUsize,
    waiters: Mutex<Waiters>,
}

/// The mutex-protected part of a [`Semaphore`].
struct Waiters {
    /// Queued and granted waiters (rule 3), in places reused through `free`.
    nodes: Vec<Waiter>,
    /// Places of `nodes` not in use.
    free: Vec<usize>,
    /// The first and last queued waiters (rule 2): the ends of the list through `nodes`.
    head: Option<usize>,
    tail: Option<usize>,
    /// Set by `close` (rule 4).
    closed: bool,
}

/// One acquirer's place.
struct Waiter {
    /// Permits it still needs; it asked for more when it has been assigned some.
    remaining: usize,
    waker: Option<Waker>,
    /// Assigned all it asked for, and out of the queue (rule 3).
    granted: bool,
    /// Neighbours in the queue, while queued.
    prev: Option<usize>,
    next: Option<usize>,
}

impl Waiters {
    const fn new() -> Waiters {
        Waiters {
            nodes: Vec::new(),
            free: Vec::new(),
            head: None,
            tail: None,
            closed: false,
        }
    }

    fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// Queues a waiter at the back and returns its place.
    fn push_back(&mut self, remaining: usize, waker: Waker) -> usize {
        let waiter = Waiter {
            remaining,
            waker: Some(waker),
            granted: false,
            prev: self.tail,
            next: None,
        };
        let index = match self.free.pop() {
            Some(index) => {
                self.nodes[index] = waiter;
                index
            }
            None => {
                self.nodes.push(waiter);
                self.nodes.len() - 1
            }
        };
        match self.tail {
            Some(tail) => self.nodes[tail].next = Some(index),
            None => self.head = Some(index),
        }
        self.tail = Some(index);
        index
    }

    /// Takes a queued waiter out of the queue; its place stays in use.
    fn unlink(&mut self, index: usize) {
        let Waiter { prev, next, .. } = self.nodes[index];
        match prev {
            Some(prev) => self.nodes[prev].next = next,
            None => self.head = next,
        }
        match next {
            Some(next) => self.nodes[next].prev = prev,
            None => self.tail = prev,
        }
    }

    /// Gives a place back, once its waiter is out of the queue.
    fn release(&mut self, index: usize) {
        self.nodes[index].waker = None;
        self.free.push(index);
    }

    /// Takes the wakers of every queued waiter (rule 4).
    fn take_wakers(&mut self) -> Vec<Waker> {
        let mut wakers = Vec::new();
        let mut next = self.head;
        while let Some(index) = next {
            let waiter = &mut self.nodes[index];
            wakers.extend(waiter.waker.take());
            next = waiter.next;
        }
        wakers
    }
}

/// Error returned by [`Semaphore::acquire`] and its variants: the semaphore was closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcquireError(());

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("semaphore closed")
    }
}

impl Error for AcquireError {}

/// Error returned by [`Semaphore::try_acquire`] and its variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryAcquireError {
    /// The semaphore was closed.
    Closed,
    /// Not enough permits were available.
    NoPermits,
}

impl TryAcquireError {
    /// Whether the error is [`TryAcquireError::Closed`].
    pub fn is_closed(&self) -> bool {
        matches!(self, TryAcquireError::Closed)
    }

    /// Whether the error is [`TryAcquireError::NoPermits`].
    pub fn is_no_permits(&self) -> bool {
        matches!(self, TryAcquireError::NoPermits)
    }
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryAcquireError::Closed => f.write_str("semaphore closed"),
            TryAcquireError::NoPermits => f.write_str("no permits available"),
        }
    }
}

impl Error for TryAcquireError {}

impl Semaphore {
    /// The largest number of permits a semaphore can hold: `usize::MAX >> 3`.
    pub const MAX_PERMITS: usize = usize::MAX >> 3;

    /// Creates a semaphore with `permits` permits.
    ///
    /// # Panics
    ///
    /// Panics if `permits` exceeds [`Semaphore::MAX_PERMITS`].
    pub fn new(permits: usize) -> Semaphore {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS permits ({})",
            Self::MAX_PERMITS
        );
        Semaphore {
            permits: AtomicUsize::new(permits << PERMIT_SHIFT),
            waiters: Mutex::new(Waiters::new()),
        }
    }

    /// Creates a semaphore with `permits` permits, in a `const` context.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_sync::Semaphore;
    ///
    /// static SEM: Semaphore = Semaphore::const_new(10);
    /// assert_eq!(SEM.available_permits(), 10);
    /// ```
    ///
    /// # Panics
    ///
    /// Panics (at compile time, in a `const` or `static`) if `permits` exceeds
    /// [`Semaphore::MAX_PERMITS`].
    #[cfg(not(rt_loom))]
    pub const fn const_new(permits: usize) -> Semaphore {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS permits"
        );
        Semaphore {
            permits: AtomicUsize::new(permits << PERMIT_SHIFT),
            waiters: Mutex::new(Waiters::new()),
        }
    }

    /// Returns the number of permits available now.
    pub fn available_permits(&self) -> usize {
        // Ordering: a snapshot; synchronises with nothing.
        self.permits.load(Ordering::Relaxed) >> PERMIT_SHIFT
    }

    /// Adds `n` permits, handing them to waiters first.
    ///
    /// Permits can be added after [`close`](Semaphore::close); they then only raise the
    /// available count.
    ///
    /// # Panics
    ///
    /// Panics if the available count would exceed [`Semaphore::MAX_PERMITS`].
    pub fn add_permits(&self, n: usize) {
        if n == 0 {
            return;
        }
        self.release(n);
    }

    /// Removes up to `n` available permits, and returns how many were removed.
    ///
    /// Permits held by acquirers, or assigned to waiters, are not touched.
    pub fn forget_permits(&self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // Ordering: Relaxed: only the count changes hands, no data (rule 1, shrinking).
        let mut curr = self.permits.load(Ordering::Relaxed);
        loop {
            let available = curr >> PERMIT_SHIFT;
            let taken = available.min(n);
            let next = curr - (taken << PERMIT_SHIFT);
            // Ordering: as the load above.
            match self.permits.compare_exchange_weak(
                curr,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return taken,
                Err(actual) => curr = actual,
            }
        }
    }

    /// Closes the semaphore.
    ///
    /// Waiting acquirers fail with [`AcquireError`], and so do later calls to `acquire`;
    /// `try_acquire` fails with [`TryAcquireError::Closed`]. Permits already held stay valid.
    pub fn close(&self) {
        let mut waiters = lock(&self.waiters);
        waiters.closed = true;
        // Ordering: Release pairs with the Acquire loads in `try_acquire_inner`, so that one
        // who sees the bit also sees the close; the mutex orders it for waiters (rule 4).
        self.permits.fetch_or(CLOSED, Ordering::Release);
        let wakers = waiters.take_wakers();
        drop(waiters);
        for waker in wakers {
            waker.wake();
        }
    }

    /// Returns `true` if the semaphore has been closed.
    pub fn is_closed(&self) -> bool {
        // Ordering: Acquire pairs with the Release in `close`.
        self.permits.load(Ordering::Acquire) & CLOSED == CLOSED
    }

    /// Acquires one permit, waiting until one is available.
    ///
    /// # Errors
    ///
    /// Fails if the semaphore is closed, or gets closed while waiting.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute permits in the order they were
    /// requested. Cancelling a call to `acquire` makes you lose your place in the queue;
    /// any permit already set aside for it goes back to the semaphore.
    pub async fn acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.acquire_many(1).await
    }

    /// Acquires `n` permits, waiting until they are available.
    ///
    /// The caller waits in line: permits released while it waits are set aside for it, and
    /// later callers wait behind it even if they ask for fewer.
    ///
    /// # Errors
    ///
    /// Fails if the semaphore is closed, or gets closed while waiting.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute permits in the order they were
    /// requested. Cancelling a call to `acquire_many` makes you lose your place in the
    /// queue; the permits already set aside for it go back to the semaphore.
    pub async fn acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        Acquire::new(self, n).await?;
        Ok(SemaphorePermit {
            sem: self,
            permits: n,
        })
    }

    /// Acquires one permit if one is available now, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryAcquireError::Closed`] if the semaphore is closed, otherwise
    /// [`TryAcquireError::NoPermits`] if no permit is available (including when permits are
    /// set aside for a waiter).
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Acquires `n` permits if they are available now, without waiting.
    ///
    /// # Errors
    ///
    /// As [`try_acquire`](Semaphore::try_acquire).
    pub fn try_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_inner(n as usize)?;
        Ok(SemaphorePermit {
            sem: self,
            permits: n,
        })
    }

    /// Acquires one permit, waiting until one is available, and returns a guard that owns
    /// an `Arc` of the semaphore.
    ///
    /// # Errors
    ///
    /// Fails if the semaphore is closed, or gets closed while waiting.
    ///
    /// # Cancel safety
    ///
    /// As [`acquire`](Semaphore::acquire): cancelling loses the place in the queue and gives
    /// back any permit set aside for it.
    pub async fn acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.acquire_many_owned(1).await
    }

    /// Acquires `n` permits, waiting until they are available, and returns a guard that owns
    /// an `Arc` of the semaphore.
    ///
    /// # Errors
    ///
    /// Fails if the semaphore is closed, or gets closed while waiting.
    ///
    /// # Cancel safety
    ///
    /// As [`acquire_many`](Semaphore::acquire_many): cancelling loses the place in the queue
    /// and gives back the permits set aside for it.
    pub async fn acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        Acquire::new(&self, n).await?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: n,
        })
    }

    /// Acquires one permit if one is available now, returning a guard that owns an `Arc` of
    /// the semaphore.
    ///
    /// # Errors
    ///
    /// As [`try_acquire`](Semaphore::try_acquire).
    pub fn try_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_acquire_many_owned(1)
    }

    /// Acquires `n` permits if they are available now, returning a guard that owns an `Arc`
    /// of the semaphore.
    ///
    /// # Errors
    ///
    /// As [`try_acquire`](Semaphore::try_acquire).
    pub fn try_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_acquire_inner(n as usize)?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: n,
        })
    }

    /// Takes `n` available permits without waiting (rule 1, shrinking).
    fn try_acquire_inner(&self, n: usize) -> Result<(), TryAcquireError> {
        // Ordering: Acquire pairs with the Release that made the permits available
        // (`add_permits_locked`), so the holder sees what the releaser did before.
        let mut curr = self.permits.load(Ordering::Acquire);
        loop {
            if curr & CLOSED == CLOSED {
                return Err(TryAcquireError::Closed);
            }
            if curr >> PERMIT_SHIFT < n {
                return Err(TryAcquireError::NoPermits);
            }
            let next = curr - (n << PERMIT_SHIFT);
            // Ordering: as the load above; AcqRel keeps the chain of CASes ordered.
            match self.permits.compare_exchange_weak(
                curr,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(()),
                Err(actual) => curr = actual,
            }
        }
    }

    /// Takes up to `n` available permits (rule 1) and returns how many it took. Called with
    /// the lock held, where the count can only shrink.
    fn take_available(&self, n: usize) -> usize {
        // Ordering: as in `try_acquire_inner`.
        let mut curr = self.permits.load(Ordering::Acquire);
        loop {
            let taken = (curr >> PERMIT_SHIFT).min(n);
            if taken == 0 {
                return 0;
            }
            let next = curr - (taken << PERMIT_SHIFT);
            // Ordering: as in `try_acquire_inner`.
            match self.permits.compare_exchange_weak(
                curr,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return taken,
                Err(actual) => curr = actual,
            }
        }
    }

    /// Gives back `n` permits (from a dropped guard, a cancelled acquire or `add_permits`):
    /// without the lock while nobody is queued (rule 5), else through rule 2.
    fn release(&self, n: usize) {
        // Ordering: Relaxed; the exchange below is the synchronising access.
        let mut curr = self.permits.load(Ordering::Relaxed);
        while curr & QUEUED == 0 && n <= Self::MAX_PERMITS - (curr >> PERMIT_SHIFT) {
            // Ordering: Release pairs with the Acquire CAS in `try_acquire_inner` and
            // `take_available`, so the next holder sees what this releaser did.
            match self.permits.compare_exchange_weak(
                curr,
                curr + (n << PERMIT_SHIFT),
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(actual) => curr = actual,
            }
        }
        // Waiters to serve, or an overflow to report: the slow path does both.
        let waiters = lock(&self.waiters);
        self.add_permits_locked(n, waiters);
    }

    /// Rule 5: makes `QUEUED` say whether the queue is non-empty. Called with the lock held
    /// after the queue changed.
    fn sync_queued(&self, waiters: &Waiters) {
        // Ordering: Relaxed; the bit only routes releases to the lock, which orders the rest.
        if waiters.is_empty() {
            self.permits.fetch_and(!QUEUED, Ordering::Relaxed);
        } else {
            self.permits.fetch_or(QUEUED, Ordering::Relaxed);
        }
    }

    /// Rule 2: assigns `n` permits to the queue in order, makes the rest available, then
    /// releases the lock and wakes the waiters that got all they needed.
    fn add_permits_locked(&self, mut n: usize, mut waiters: MutexGuard<'_, Waiters>) {
        // Ordering: under the lock the count only shrinks (rule 1), so this bound holds
        // until the addition below.
        let available = self.permits.load(Ordering::Relaxed) >> PERMIT_SHIFT;
        if n > Self::MAX_PERMITS - available {
            drop(waiters);
            panic!(
                "number of added permits ({n}) would overflow MAX_PERMITS ({})",
                Self::MAX_PERMITS
            );
        }

        // The first waker is kept apart: a release usually serves one waiter, and then
        // allocates nothing.
        let (mut first, mut rest) = (None, Vec::new());
        if !waiters.closed {
            while n > 0 {
                let Some(front) = waiters.head else {
                    break;
                };
                let waiter = &mut waiters.nodes[front];
                let given = waiter.remaining.min(n);
                waiter.remaining -= given;
                n -= given;
                if waiter.remaining == 0 {
                    waiter.granted = true;
                    let waker = waiter.waker.take();
                    waiters.unlink(front);
                    match first {
                        None => first = waker,
                        Some(_) => rest.extend(waker),
                    }
                }
            }
        }
        self.sync_queued(&waiters);
        if n > 0 {
            // Ordering: Release pairs with the Acquire CAS in `try_acquire_inner` and
            // `take_available`, so the next holder sees what this releaser did.
            self.permits.fetch_add(n << PERMIT_SHIFT, Ordering::Release);
        }
        drop(waiters);
        for waker in first.into_iter().chain(rest) {
            waker.wake();
        }
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.available_permits())
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// The future behind `acquire` and its variants: a place in the queue.
struct Acquire<'a> {
    sem: &'a Semaphore,
    /// Permits asked for.
    num_permits: usize,
    state: AcquireState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AcquireState {
    /// Not yet polled.
    Init,
    /// Holding this place of `Waiters::nodes`, queued or granted (rule 3).
    Queued(usize),
    /// Completed; the caller owns the permits (or got an error).
    Done,
}

impl<'a> Acquire<'a> {
    fn new(sem: &'a Semaphore, n: u32) -> Acquire<'a> {
        Acquire {
            sem,
            num_permits: n as usize,
            state: AcquireState::Init,
        }
    }

    fn poll_acquire(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), AcquireError>> {
        let sem = self.sem;
        match self.state {
            AcquireState::Done => panic!("`Acquire` polled after completion"),
            AcquireState::Init => {
                // Fast path: enough permits, and nobody queued (rule 2 keeps the count at
                // zero while anyone is).
                match sem.try_acquire_inner(self.num_permits) {
                    Ok(()) => {
                        self.state = AcquireState::Done;
                        return Poll::Ready(Ok(()));
                    }
                    Err(TryAcquireError::Closed) => {
                        self.state = AcquireState::Done;
                        return Poll::Ready(Err(AcquireError(())));
                    }
                    Err(TryAcquireError::NoPermits) => {}
                }
                let mut waiters = lock(&sem.waiters);
                if waiters.closed {
                    self.state = AcquireState::Done;
                    return Poll::Ready(Err(AcquireError(())));
                }
                // Rule 5: route releases to the lock before looking, then take what is
                // there (nothing if anyone is queued, rule 2) and queue for the rest.
                // Ordering: Relaxed; the exchanges of `take_available` follow in the same
                // modification order of `permits`.
                sem.permits.fetch_or(QUEUED, Ordering::Relaxed);
                let taken = sem.take_available(self.num_permits);
                if taken == self.num_permits {
                    sem.sync_queued(&waiters);
                    self.state = AcquireState::Done;
                    return Poll::Ready(Ok(()));
                }
                let index = waiters.push_back(self.num_permits - taken, cx.waker().clone());
                self.state = AcquireState::Queued(index);
                Poll::Pending
            }
            AcquireState::Queued(index) => {
                let mut waiters = lock(&sem.waiters);
                // Rule 3: assigned everything since the last poll.
                if waiters.nodes[index].granted {
                    waiters.release(index);
                    self.state = AcquireState::Done;
                    return Poll::Ready(Ok(()));
                }
                if waiters.closed {
                    // Rule 4: give back the partial assignment and fail.
                    let assigned = self.num_permits - waiters.nodes[index].remaining;
                    waiters.unlink(index);
                    waiters.release(index);
                    self.state = AcquireState::Done;
                    sem.add_permits_locked(assigned, waiters);
                    return Poll::Ready(Err(AcquireError(())));
                }
                match &mut waiters.nodes[index].waker {
                    Some(old) if old.will_wake(cx.waker()) => {}
                    slot => *slot = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
        }
    }
}

impl Future for Acquire<'_> {
    type Output = Result<(), AcquireError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(rt_core::__private::poll_proceed(cx));
        let result = self.get_mut().poll_acquire(cx);
        if result.is_ready() {
            coop.made_progress();
        }
        result
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        let AcquireState::Queued(index) = self.state else {
            return;
        };
        let mut waiters = lock(&self.sem.waiters);
        // Rule 3: give back whatever was set aside for this waiter.
        let assigned = if waiters.nodes[index].granted {
            self.num_permits
        } else {
            waiters.unlink(index);
            self.num_permits - waiters.nodes[index].remaining
        };
        waiters.release(index);
        if assigned == 0 {
            self.sem.sync_queued(&waiters);
            return;
        }
        self.sem.add_permits_locked(assigned, waiters);
    }
}

/// A permit from a [`Semaphore`], borrowed from it.
///
/// The permits go back to the semaphore when this is dropped, unless
/// [`forget`](SemaphorePermit::forget) is called.
#[must_use]
#[clippy::has_significant_drop]
pub struct SemaphorePermit<'a> {
    sem: &'a Semaphore,
    permits: u32,
}

impl<'a> SemaphorePermit<'a> {
    /// Forgets the permits without giving them back: the semaphore keeps fewer permits.
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// Merges the permits of `other` into this one; they all go back together.
    ///
    /// # Panics
    ///
    /// Panics if `other` is from a different semaphore.
    pub fn merge(&mut self, mut other: Self) {
        assert!(
            std::ptr::eq(self.sem, other.sem),
            "merging permits from different semaphore instances"
        );
        self.permits += other.permits;
        other.permits = 0;
    }

    /// Splits `n` permits off into a new permit, or returns `None` if this one holds fewer
    /// than `n`.
    pub fn split(&mut self, n: usize) -> Option<Self> {
        let n = u32::try_from(n).ok()?;
        if n > self.permits {
            return None;
        }
        self.permits -= n;
        Some(SemaphorePermit {
            sem: self.sem,
            permits: n,
        })
    }

    /// Returns the number of permits this holds.
    pub fn num_permits(&self) -> usize {
        self.permits as usize
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        if self.permits > 0 {
            self.sem.release(self.permits as usize);
        }
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit")
            .field("sem", &self.sem)
            .field("permits", &self.permits)
            .finish()
    }
}

/// A permit from a [`Semaphore`], owning an `Arc` of it.
///
/// The permits go back to the semaphore when this is dropped, unless
/// [`forget`](OwnedSemaphorePermit::forget) is called.
#[must_use]
#[clippy::has_significant_drop]
pub struct OwnedSemaphorePermit {
    sem: Arc<Semaphore>,
    permits: u32,
}

impl OwnedSemaphorePermit {
    /// Forgets the permits without giving them back: the semaphore keeps fewer permits.
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// Merges the permits of `other` into this one; they all go back together.
    ///
    /// # Panics
    ///
    /// Panics if `other` is from a different semaphore.
    pub fn merge(&mut self, mut other: Self) {
        assert!(
            Arc::ptr_eq(&self.sem, &other.sem),
            "merging permits from different semaphore instances"
        );
        self.permits += other.permits;
        other.permits = 0;
    }

    /// Splits `n` permits off into a new permit, or returns `None` if this one holds fewer
    /// than `n`.
    pub fn split(&mut self, n: usize) -> Option<Self> {
        let n = u32::try_from(n).ok()?;
        if n > self.permits {
            return None;
        }
        self.permits -= n;
        Some(OwnedSemaphorePermit {
            sem: self.sem.clone(),
            permits: n,
        })
    }

    /// Returns the number of permits this holds.
    pub fn num_permits(&self) -> usize {
        self.permits as usize
    }

    /// Returns the semaphore this permit is from.
    pub fn semaphore(&self) -> &Arc<Semaphore> {
        &self.sem
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        if self.permits > 0 {
            self.sem.release(self.permits as usize);
        }
    }
}

impl fmt::Debug for OwnedSemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedSemaphorePermit")
            .field("sem", &self.sem)
            .field("permits", &self.permits)
            .finish()
    }
}
