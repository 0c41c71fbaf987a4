//! The time driver: per-worker wheel shards, and the driver that parks until the next one.
//!
//! # Shards
//!
//! A runtime's timers live in one wheel per worker (one in all on the current-thread
//! runtime), each behind its own lock. A timer registers in the shard of the worker it is
//! first polled on (a thread that is no worker picks one by a per-thread index), and keeps
//! that shard until it is dropped, so the usual "timeout that never fires" takes and drops
//! an uncontended lock twice: nothing is shared with the other workers but the driver's
//! occasional visit.
//!
//! # Parking
//!
//! Whichever thread holds the driver parks the inner driver until the earliest deadline of
//! all shards, then fires what is due in every shard. A registration wakes the parked driver
//! only when it is earlier than the deadline the driver parked for. The protocol (a Dekker
//! pair, so every access below is SeqCst, with a SeqCst fence between each side's store and
//! its load):
//!
//! 1. Each shard publishes a lower bound of its earliest deadline in `next_expiry`, written
//!    under the shard's lock: lowered by registrations, recomputed by the driver.
//! 2. The driver stores the tick it will wake at in `park_deadline` (`NOT_PARKED` = 0 while
//!    it runs), **then** reads every shard's `next_expiry` again and parks for the minimum.
//! 3. A registration of tick `w` stores `next_expiry` (if lower), **then** reads
//!    `park_deadline`; if `w` is earlier it lowers it (`fetch_min`) and, if it was the one
//!    to lower it, unparks the inner driver.
//!
//! In the single total order of SeqCst operations, either the driver's read (2) comes after
//! the registration's store (3) and the driver parks for `w`, or the registration's read
//! comes after the driver's store and it unparks the driver (an unpark before the park makes
//! the park return at once). A stale-low `next_expiry` (a cancelled timer) costs a spurious
//! wake-up, after which the driver recomputes it.

use std::io;
use std::ptr::NonNull;
use std::sync::Arc;
use std::task::Waker;
use std::time::{Duration, Instant as StdInstant};

use rt_core::runtime::driver::{Driver, DriverStack, Unpark};
use rt_core::runtime::{Handle, RuntimeFlavor};

use crate::clock::Clock;
use crate::entry::{Entry, FIRED, IDLE, REGISTERED, SHUTDOWN};
use crate::loom::atomic::{AtomicU64, Ordering::SeqCst, fence};
use crate::loom::{Mutex, MutexGuard, lock};
use crate::wheel::{self, Inserted, Wheel};

/// `park_deadline` while the driver is not parked: no registration needs to wake it.
const NOT_PARKED: u64 = 0;
/// `next_expiry` of an empty shard, and `park_deadline` of a driver parked with no timer.
const NEVER: u64 = u64::MAX;

/// Tokio's message for a timer outside any runtime, naming rt.
pub(crate) const NO_RUNTIME: &str =
    "there is no reactor running, must be called from the context of an rt runtime";
/// Tokio's message for a timer on a runtime built without timers, naming rt.
pub(crate) const TIMERS_DISABLED: &str = "A rt context was found, but timers are disabled. Call `enable_time` on the runtime builder to enable timers.";
/// Tokio's message for a timer polled after its runtime shut down, naming rt.
pub(crate) const SHUTTING_DOWN: &str =
    "timer error: A rt context was found, but it is being shutdown.";
/// The runtime context is gone (a destructor running at thread exit).
const CONTEXT_DESTROYED: &str = "The rt context thread-local variable has been destroyed.";

/// What every shard of one driver shares: the clock and the park protocol.
pub(crate) struct Common {
    pub(crate) clock: Clock,
    /// The tick the parked driver wakes at by itself (protocol rule 2).
    park_deadline: AtomicU64,
    /// Wakes the inner driver.
    unpark: Arc<dyn Unpark>,
    /// Set by the driver's unparker: the idle park was interrupted by a wake, so the paused
    /// clock must not jump.
    #[cfg(feature = "test-util")]
    did_wake: std::sync::atomic::AtomicBool,
}

impl Common {
    /// Protocol rule 3, after `next_expiry` was lowered to `when`.
    fn wake_driver_if_earlier(&self, when: u64) {
        // The fence orders the caller's store of `next_expiry` before this load, against
        // the driver's store of `park_deadline` and its fence (SeqCst accesses alone would
        // do in C11, but fences are what loom models as sequentially consistent).
        fence(SeqCst);
        if when < self.park_deadline.load(SeqCst)
            && when < self.park_deadline.fetch_min(when, SeqCst)
        {
            self.unpark.unpark();
        }
    }

    /// The tick of a deadline, rounded up so the timer never fires early.
    pub(crate) fn deadline_tick(&self, deadline: StdInstant) -> u64 {
        wheel::ceil_tick(self.clock.nanos_since_base(deadline))
    }

    /// The tick the clock is in now.
    fn now_tick(&self) -> u64 {
        wheel::floor_tick(self.clock.nanos_since_base(self.clock.now()))
    }
}

/// One wheel and what guards it.
pub(crate) struct Shard {
    locked: Mutex<Locked>,
    /// A lower bound of the wheel's next expiry (protocol rule 1); written under `locked`.
    next_expiry: AtomicU64,
    pub(crate) common: Arc<Common>,
}

struct Locked {
    wheel: Wheel,
    /// The driver shut down: registrations fail.
    shutdown: bool,
}

/// What a registration did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Registered {
    /// The entry is in the wheel.
    Linked,
    /// The deadline had passed: the entry is `FIRED`.
    Elapsed,
    /// The driver shut down: the entry is `SHUTDOWN`.
    Shutdown,
}

impl Shard {
    pub(crate) fn new(common: Arc<Common>, elapsed: u64) -> Shard {
        Shard {
            locked: Mutex::new(Locked {
                wheel: Wheel::new(elapsed),
                shutdown: false,
            }),
            next_expiry: AtomicU64::new(NEVER),
            common,
        }
    }

    /// Registers an `IDLE` entry with deadline tick `when`, leaving `waker` to be woken.
    ///
    /// # Safety
    ///
    /// - The caller owns the entry (entry protocol, rule 1) and the entry is `IDLE`.
    /// - The entry is pinned and stays valid until it is cancelled with
    ///   [`cancel`](Shard::cancel) or observed `FIRED`/`SHUTDOWN` (rule 4): it must not be
    ///   registered in any other shard meanwhile.
    pub(crate) unsafe fn register(&self, entry: &Entry, when: u64, waker: &Waker) -> Registered {
        debug_assert_eq!(entry.state(), IDLE);
        let mut locked = lock(&self.locked);
        if locked.shutdown {
            entry.set_state(SHUTDOWN);
            return Registered::Shutdown;
        }
        // SAFETY: the entry is ours, in no list, and stays valid until cancelled or fired
        // (caller); from here the lock we hold guards it (rule 1).
        match unsafe { locked.wheel.insert(NonNull::from(entry), when) } {
            Inserted::Elapsed => {
                entry.set_state(FIRED);
                Registered::Elapsed
            }
            Inserted::Linked => {
                // SAFETY: linked in our wheel and we hold its lock (rule 1); the driver cannot
                // fire the entry before we release it.
                unsafe {
                    entry.with_shared(|s| match &s.waker {
                        Some(old) if old.will_wake(waker) => {}
                        _ => s.waker = Some(waker.clone()),
                    })
                };
                entry.set_state(REGISTERED);
                self.lower_next_expiry(when, locked);
                Registered::Linked
            }
        }
    }

    /// An entry was linked at tick `when`: lowers the shard's published next expiry if it is
    /// earlier (rule 1, under the lock), then, with the lock released, wakes the parked
    /// driver if it sleeps past `when`.
    fn lower_next_expiry(&self, when: u64, locked: MutexGuard<'_, Locked>) {
        let lowered = when < self.next_expiry.load(SeqCst);
        if lowered {
            self.next_expiry.store(when, SeqCst);
        }
        drop(locked);
        if lowered {
            self.common.wake_driver_if_earlier(when);
        }
    }

    /// Takes a `REGISTERED` entry out of the wheel, unless it fired meanwhile. Returns
    /// whether it was still registered (it is then `IDLE`).
    ///
    /// # Safety
    ///
    /// The caller owns the entry, and registered it in this shard.
    pub(crate) unsafe fn cancel(&self, entry: &Entry) -> bool {
        let mut locked = lock(&self.locked);
        // Rule 3: read again under the lock; only the lock holder can change REGISTERED.
        if entry.state() != REGISTERED {
            return false;
        }
        // SAFETY: REGISTERED under our lock: linked in our wheel (rule 2).
        unsafe { locked.wheel.remove(NonNull::from(entry)) };
        entry.set_state(IDLE);
        true
    }

    /// Replaces the waker of a registered entry. Returns false if the entry is no longer
    /// `REGISTERED` (it fired or the driver shut down meanwhile).
    ///
    /// # Safety
    ///
    /// The caller owns the entry, and registered it in this shard.
    pub(crate) unsafe fn set_waker(&self, entry: &Entry, waker: &Waker) -> bool {
        let new = waker.clone();
        let locked = lock(&self.locked);
        if entry.state() != REGISTERED {
            return false;
        }
        // SAFETY: REGISTERED, and we hold the lock of the shard that links it (rule 1).
        let old = unsafe { entry.with_shared(|s| s.waker.replace(new)) };
        drop(locked);
        drop(old);
        true
    }

    /// Moves a `REGISTERED` entry to deadline tick `when`. If it is due at once it fires
    /// (and its waker is woken). Returns false if the entry was no longer `REGISTERED`.
    ///
    /// # Safety
    ///
    /// The caller owns the entry, and registered it in this shard.
    pub(crate) unsafe fn reset(&self, entry: &Entry, when: u64) -> bool {
        let mut locked = lock(&self.locked);
        if entry.state() != REGISTERED {
            return false;
        }
        let ptr = NonNull::from(entry);
        // SAFETY: REGISTERED under our lock: linked in our wheel; after `remove` it is in no
        // list and still ours under the lock (rule 1) until re-inserted.
        let inserted = unsafe {
            locked.wheel.remove(ptr);
            locked.wheel.insert(ptr, when)
        };
        match inserted {
            Inserted::Linked => self.lower_next_expiry(when, locked),
            Inserted::Elapsed => {
                // SAFETY: in no list and we hold the lock (rule 1); then the driver's part
                // of rule 2, done by us under the lock.
                let waker = unsafe { entry.with_shared(|s| s.waker.take()) };
                entry.set_state(FIRED);
                drop(locked);
                if let Some(waker) = waker {
                    waker.wake();
                }
            }
        }
        true
    }

    /// Fires every entry due at or before tick `now`, waking their tasks outside the lock.
    pub(crate) fn process(&self, now: u64, wakers: &mut WakeList) {
        if self.next_expiry.load(SeqCst) > now {
            return;
        }
        let mut locked = lock(&self.locked);
        while let Some(entry) = locked.wheel.poll(now) {
            // SAFETY: the wheel handed the entry out under our lock, unlinked: it is still
            // REGISTERED, so the owner waits for the lock to touch it (rules 1 and 3); the
            // store of FIRED is our last access (rule 2).
            let waker = unsafe {
                let entry = entry.as_ref();
                let waker = entry.with_shared(|s| s.waker.take());
                entry.set_state(FIRED);
                waker
            };
            if let Some(waker) = waker {
                wakers.push(waker);
                if wakers.is_full() {
                    drop(locked);
                    wakers.wake_all();
                    locked = lock(&self.locked);
                }
            }
        }
        let next = locked.wheel.next_expiry().unwrap_or(NEVER);
        self.next_expiry.store(next, SeqCst);
        drop(locked);
        wakers.wake_all();
    }

    /// Unlinks every entry as `SHUTDOWN`, wakes them, and refuses later registrations.
    fn shutdown(&self, wakers: &mut WakeList) {
        let mut locked = lock(&self.locked);
        locked.shutdown = true;
        locked.wheel.drain(|entry| {
            // SAFETY: handed out by the wheel under our lock, as in `process`; the SHUTDOWN
            // store is our last access (rule 2).
            let waker = unsafe {
                let entry = entry.as_ref();
                let waker = entry.with_shared(|s| s.waker.take());
                entry.set_state(SHUTDOWN);
                waker
            };
            wakers.extend(waker);
        });
        self.next_expiry.store(NEVER, SeqCst);
        drop(locked);
        wakers.wake_all();
    }

    /// The wheel's next expiry, for tests.
    #[cfg(all(test, rt_loom))]
    pub(crate) fn next_expiry(&self) -> u64 {
        self.next_expiry.load(SeqCst)
    }
}

/// Wakers collected under a shard lock, woken after it is released.
pub(crate) struct WakeList {
    wakers: Vec<Waker>,
}

impl WakeList {
    /// Wakers woken per batch while a shard is being processed.
    const BATCH: usize = 64;

    pub(crate) fn new() -> WakeList {
        WakeList {
            wakers: Vec::with_capacity(Self::BATCH),
        }
    }

    fn push(&mut self, waker: Waker) {
        self.wakers.push(waker);
    }

    fn extend(&mut self, waker: Option<Waker>) {
        self.wakers.extend(waker);
    }

    fn is_full(&self) -> bool {
        self.wakers.len() >= Self::BATCH
    }

    fn wake_all(&mut self) {
        for waker in self.wakers.drain(..) {
            waker.wake();
        }
    }
}

/// What the runtime's driver handles hold: found by the timers through the context.
pub(crate) struct TimeHandle {
    shards: Box<[Arc<Shard>]>,
    common: Arc<Common>,
}

thread_local! {
    /// The shard index of a thread that is no worker: threads take turns.
    static THREAD_SHARD: usize = {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        // Ordering: Relaxed: only spreads threads over shards, publishes nothing.
        NEXT.fetch_add(1, Ordering::Relaxed)
    };
}

impl TimeHandle {
    /// The shard a timer first polled on this thread registers in.
    pub(crate) fn shard(&self) -> &Arc<Shard> {
        let n = self.shards.len();
        if n == 1 {
            return &self.shards[0];
        }
        let index = match Handle::__current_worker_index() {
            Some(index) => index,
            None => THREAD_SHARD.try_with(|i| *i).unwrap_or(0),
        };
        &self.shards[index % n]
    }

    /// The runtime clock's current time.
    pub(crate) fn now(&self) -> StdInstant {
        self.common.clock.now()
    }

    #[cfg(feature = "test-util")]
    pub(crate) fn clock(&self) -> &Clock {
        &self.common.clock
    }
}

/// Runs `f` with the time handle of the runtime this thread is in.
///
/// # Panics
///
/// Outside a runtime, or in one built without timers, with Tokio's messages.
#[track_caller]
pub(crate) fn with_current<R>(f: impl FnOnce(&TimeHandle) -> R) -> R {
    match try_with_current(f) {
        Ok(r) => r,
        Err(msg) => panic!("{msg}"),
    }
}

/// Runs `f` with the time handle of the runtime this thread is in, or says why there is none.
pub(crate) fn try_with_current<R>(f: impl FnOnce(&TimeHandle) -> R) -> Result<R, &'static str> {
    Handle::__with_current_driver::<TimeHandle, _>(|found| match found {
        Ok(Some(handle)) => Ok(f(handle)),
        Ok(None) => Err(TIMERS_DISABLED),
        Err(e) if e.is_missing_context() => Err(NO_RUNTIME),
        Err(_) => Err(CONTEXT_DESTROYED),
    })
}

/// The current runtime's clock, if this thread is in a runtime with timers.
#[cfg(feature = "test-util")]
pub(crate) fn try_clock_now() -> Option<StdInstant> {
    try_with_current(TimeHandle::now).ok()
}

/// The time driver: wraps the inner driver, parks it until the next deadline, fires timers.
struct TimeDriver {
    inner: Box<dyn Driver>,
    shards: Box<[Arc<Shard>]>,
    common: Arc<Common>,
    wakers: WakeList,
}

/// The earliest `next_expiry` of all shards (protocol rule 2's read).
fn next_expiry(shards: &[Arc<Shard>]) -> u64 {
    shards
        .iter()
        .map(|shard| shard.next_expiry.load(SeqCst))
        .min()
        .unwrap_or(NEVER)
}

/// Protocol rule 2: publishes the tick the driver is about to park until, then reads the
/// shards again; returns the tick to park until. The driver stores `NOT_PARKED` when it
/// wakes.
pub(crate) fn announce_park(common: &Common, shards: &[Arc<Shard>]) -> u64 {
    let deadline = next_expiry(shards);
    if deadline == NOT_PARKED {
        return deadline;
    }
    common.park_deadline.store(deadline, SeqCst);
    // Pairs with the fence in `wake_driver_if_earlier`: the store above before the reads.
    fence(SeqCst);
    deadline.min(next_expiry(shards))
}

impl TimeDriver {
    /// Fires what is due in every shard.
    fn process(&mut self) {
        let now = self.common.now_tick();
        for shard in self.shards.iter() {
            shard.process(now, &mut self.wakers);
        }
    }

    /// How long to park for the driver to wake at tick `deadline`, precise to the
    /// nanosecond; `None` for `NEVER`.
    fn timeout_to(&self, deadline: u64) -> Option<Duration> {
        if deadline == NEVER {
            return None;
        }
        let clock = &self.common.clock;
        let now = clock.nanos_since_base(clock.now());
        Some(Duration::from_nanos(
            wheel::tick_start_nanos(deadline).saturating_sub(now),
        ))
    }

    /// Parks the inner driver for `timeout`; with a paused clock, jumps the clock instead
    /// when nothing else woke the runtime.
    fn park_inner(&mut self, timeout: Option<Duration>) {
        #[cfg(feature = "test-util")]
        if let Some(timeout) = timeout {
            // As Tokio: no jump while blocking work (a `spawn_blocking` task) may still be
            // about to wake the runtime; then this parks for real.
            if self.common.clock.can_auto_advance() && !blocking_work_in_flight() {
                self.inner.park(Some(Duration::ZERO));
                if !self.common.did_wake.swap(false, SeqCst) {
                    if let Err(msg) = self.common.clock.advance(timeout) {
                        panic!("{msg}");
                    }
                }
                return;
            }
        }
        self.inner.park(timeout);
    }
}

impl Driver for TimeDriver {
    fn park(&mut self, limit: Option<Duration>) {
        if limit == Some(Duration::ZERO) {
            self.inner.park(limit);
            self.process();
            return;
        }
        let deadline = announce_park(&self.common, &self.shards);
        let timeout = match (self.timeout_to(deadline), limit) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.park_inner(timeout);
        self.common.park_deadline.store(NOT_PARKED, SeqCst);
        self.process();
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        #[cfg(feature = "test-util")]
        if self.common.clock.pausing_enabled() {
            return Arc::new(TimeUnpark {
                common: self.common.clone(),
            });
        }
        self.common.unpark.clone()
    }

    fn shutdown(&mut self) {
        for shard in self.shards.iter() {
            shard.shutdown(&mut self.wakers);
        }
        self.inner.shutdown();
    }
}

/// The unparker of a driver whose clock may pause: notes the wake so that the idle park it
/// interrupts does not jump the clock.
#[cfg(feature = "test-util")]
struct TimeUnpark {
    common: Arc<Common>,
}

#[cfg(feature = "test-util")]
impl Unpark for TimeUnpark {
    fn unpark(&self) {
        self.common.did_wake.store(true, SeqCst);
        self.common.unpark.unpark();
    }
}

/// Builds the shared state of a driver with `shards` wheels over `unpark`.
pub(crate) fn new_common(clock: Clock, unpark: Arc<dyn Unpark>) -> Arc<Common> {
    Arc::new(Common {
        clock,
        park_deadline: AtomicU64::new(NOT_PARKED),
        unpark,
        #[cfg(feature = "test-util")]
        did_wake: std::sync::atomic::AtomicBool::new(false),
    })
}

/// Adds the time driver to a runtime being built: see the crate documentation.
pub(crate) fn driver_layer(stack: &mut DriverStack) -> io::Result<()> {
    let config = stack.config();
    if !config.time {
        return Ok(());
    }
    let current_thread = stack.flavor() == RuntimeFlavor::CurrentThread;
    let clock = Clock::new(current_thread, config.start_paused);
    let count = if current_thread {
        1
    } else {
        stack.num_workers().max(1)
    };
    let mut handle = None;
    stack.wrap(|inner| {
        let common = new_common(clock, inner.unparker());
        let shards: Box<[Arc<Shard>]> = (0..count)
            .map(|_| Arc::new(Shard::new(common.clone(), 0)))
            .collect();
        handle = Some(TimeHandle {
            shards: shards.clone(),
            common: common.clone(),
        });
        Box::new(TimeDriver {
            inner,
            shards,
            common,
            wakers: WakeList::new(),
        })
    });
    if let Some(handle) = handle {
        stack.insert_handle(handle);
    }
    Ok(())
}

/// Test hooks.
#[cfg(all(test, rt_loom))]
impl Common {
    /// The driver woke (protocol rule 2's last step).
    pub(crate) fn unannounce_park(&self) {
        self.park_deadline.store(NOT_PARKED, SeqCst);
    }

    /// The instant at which tick `tick` starts.
    pub(crate) fn instant_of_tick(&self, tick: u64) -> StdInstant {
        self.clock.base() + Duration::from_nanos(wheel::tick_start_nanos(tick))
    }
}

/// Whether the runtime this thread drives has `spawn_blocking` work queued or running.
#[cfg(feature = "test-util")]
fn blocking_work_in_flight() -> bool {
    rt_core::runtime::Handle::try_current().is_ok_and(|h| h.__blocking_tasks_in_flight() > 0)
}
