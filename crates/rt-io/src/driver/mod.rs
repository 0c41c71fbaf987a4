//! The reactor: an epoll instance (through mio) that a runtime thread parks on.
//!
//! Each registered resource owns an `Arc<ScheduledIo>`; its address is the mio token, so an
//! event reaches its readiness without a lookup. That makes the lifetime rule below the
//! invariant everything rests on:
//!
//! - **R1** The allocation behind a token lives as long as epoll may report the token: the
//!   driver's `live` set holds a reference while the resource is registered; on release the
//!   reference moves to `pending_release` *after* the resource left epoll, and the driver
//!   drops those references only at the start of a later turn, before it polls again — after
//!   it dispatched every event of the poll that may still have carried the token.
//!
//! Parking with a timeout is precise to the microsecond (the time layer depends on it):
//! epoll's timeout is in milliseconds, so a timeout with a sub-millisecond part arms a
//! timerfd registered in the same epoll instance instead.

mod scheduled_io;
// loom models of the readiness protocol.
#[cfg(all(test, rt_loom))]
mod loom_scheduled_io;

pub(crate) use scheduled_io::{Direction, ReadyEvent, ScheduledIo};

use std::collections::HashMap;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use mio::event::Source;
use mio::unix::SourceFd;
use mio::{Events, Poll as MioPoll, Registry, Token};
use rt_core::__private::poll_proceed;
use rt_core::runtime::driver::{Driver as DriverTrait, DriverStack, Unpark};

use std::sync::Arc;

use crate::Interest;
use crate::loom::{Mutex, lock};

const WAKER_TOKEN: Token = Token(usize::MAX);
const TIMER_TOKEN: Token = Token(usize::MAX - 1);
/// Released registrations that make a sleeping driver wake up to free them.
const RELEASE_WAKE_THRESHOLD: usize = 16;
const EVENTS_CAPACITY: usize = 1024;

const NO_RUNTIME: &str =
    "there is no reactor running, must be called from the context of an rt runtime";
const IO_DISABLED: &str = "A rt context was found, but IO is disabled. Call `enable_io` on the runtime builder to enable IO.";
const SHUTDOWN: &str = "A rt context was found, but it is being shutdown.";

/// Adds the reactor to a runtime being built, if `enable_io` was called: it replaces the
/// thread parker (epoll waits and wakes just as well).
pub fn driver_layer(stack: &mut DriverStack) -> io::Result<()> {
    if !stack.config().io {
        return Ok(());
    }
    let (driver, handle) = Driver::new()?;
    stack.wrap(|_parker| Box::new(driver));
    stack.insert_handle(handle);
    Ok(())
}

/// The reactor, owned by the runtime thread that parks on it.
pub(crate) struct Driver {
    poll: MioPoll,
    events: Events,
    /// A timerfd in `poll` for sub-millisecond park timeouts; `None` under miri, which
    /// cannot call `timerfd_create` (park timeouts then round up to whole milliseconds).
    timer: Option<OwnedFd>,
    timer_armed: bool,
    tick: u16,
    shared: Arc<Shared>,
}

/// The reactor's handle, found by resources in the runtime's driver handles.
#[derive(Clone)]
pub struct Handle {
    shared: Arc<Shared>,
}

struct Shared {
    registry: Registry,
    waker: mio::Waker,
    registrations: Mutex<Registrations>,
    /// Set when `pending_release` is not empty, so a turn checks it without the lock.
    needs_release: AtomicBool,
}

#[derive(Default)]
struct Registrations {
    live: HashMap<usize, Arc<ScheduledIo>>,
    pending_release: Vec<Arc<ScheduledIo>>,
    is_shutdown: bool,
}

impl Driver {
    fn new() -> io::Result<(Driver, Handle)> {
        let poll = MioPoll::new()?;
        let registry = poll.registry().try_clone()?;
        let waker = mio::Waker::new(&registry, WAKER_TOKEN)?;
        let timer = if cfg!(miri) { None } else { Some(timerfd()?) };
        if let Some(timer) = &timer {
            registry.register(
                &mut SourceFd(&timer.as_raw_fd()),
                TIMER_TOKEN,
                mio::Interest::READABLE,
            )?;
        }
        let shared = Arc::new(Shared {
            registry,
            waker,
            registrations: Mutex::new(Registrations::default()),
            needs_release: AtomicBool::new(false),
        });
        let driver = Driver {
            poll,
            events: Events::with_capacity(EVENTS_CAPACITY),
            timer,
            timer_armed: false,
            tick: 0,
            shared: shared.clone(),
        };
        Ok((driver, Handle { shared }))
    }

    fn turn(&mut self, timeout: Option<Duration>) {
        // Ordering: Relaxed; the lock taken by `release_pending` orders the list itself.
        if self.shared.needs_release.load(Relaxed) {
            self.release_pending();
        }
        self.tick = self.tick.wrapping_add(1);
        let timeout = self.precise_timeout(timeout);
        if let Err(e) = self.poll.poll(&mut self.events, timeout) {
            if e.kind() != io::ErrorKind::Interrupted {
                panic!("unexpected error from the reactor's epoll_wait: {e}");
            }
        }
        for event in &self.events {
            match event.token() {
                WAKER_TOKEN => {}
                // A timerfd wakes once per arming; it is never read (edge-triggered: the
                // next arming reports again).
                TIMER_TOKEN => self.timer_armed = false,
                Token(address) => {
                    // SAFETY: R1 — the token is the address of an `Arc<ScheduledIo>` that
                    // `live` or `pending_release` still holds: pending ones are dropped only
                    // at the start of a turn, and this event comes from this turn's poll.
                    let io = unsafe { &*token_to_io(&self.shared, address) };
                    io.set_readiness(self.tick, crate::Ready::from_mio(event));
                }
            }
        }
    }

    /// The timeout to give epoll: whole milliseconds as they are, anything finer through the
    /// timerfd (then epoll waits without a timeout of its own).
    fn precise_timeout(&mut self, timeout: Option<Duration>) -> Option<Duration> {
        let Some(timer) = &self.timer else {
            // No timerfd (miri): round up, so that a park never ends before its deadline.
            return timeout.map(|t| {
                let millis = t.as_nanos().div_ceil(1_000_000);
                Duration::from_millis(u64::try_from(millis).unwrap_or(u64::MAX))
            });
        };
        match timeout {
            Some(t) if !t.is_zero() && t.subsec_nanos() % 1_000_000 != 0 => {
                arm_timerfd(timer, t);
                self.timer_armed = true;
                None
            }
            _ => {
                if self.timer_armed {
                    // A stale arming would only wake a later park early; disarm it anyway
                    // when the next park has its own deadline or none.
                    arm_timerfd(timer, Duration::ZERO);
                    self.timer_armed = false;
                }
                timeout
            }
        }
    }

    fn release_pending(&mut self) {
        let released = {
            let mut registrations = lock(&self.shared.registrations);
            // Ordering: Relaxed; set again under this lock by `release`.
            self.shared.needs_release.store(false, Relaxed);
            std::mem::take(&mut registrations.pending_release)
        };
        // R1: no event of a coming poll can carry these tokens.
        drop(released);
    }
}

impl DriverTrait for Driver {
    fn park(&mut self, timeout: Option<Duration>) {
        self.turn(timeout);
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        Arc::new(Unparker {
            shared: self.shared.clone(),
        })
    }

    fn shutdown(&mut self) {
        let live: Vec<_> = {
            let mut registrations = lock(&self.shared.registrations);
            registrations.is_shutdown = true;
            registrations.live.values().cloned().collect()
        };
        for io in live {
            io.shutdown();
        }
    }
}

struct Unparker {
    shared: Arc<Shared>,
}

impl Unpark for Unparker {
    fn unpark(&self) {
        self.shared.wake();
    }
}

impl Shared {
    fn wake(&self) {
        if let Err(e) = self.waker.wake() {
            panic!("failed to wake the reactor: {e}");
        }
    }
}

impl Handle {
    /// The reactor of the runtime this thread is in.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`, with Tokio's messages.
    #[track_caller]
    pub(crate) fn current() -> Handle {
        rt_core::runtime::Handle::__with_current_driver::<Handle, _>(|found| match found {
            Ok(Some(handle)) => handle.clone(),
            Ok(None) => panic!("{IO_DISABLED}"),
            Err(_) => panic!("{NO_RUNTIME}"),
        })
    }

    fn register(
        &self,
        source: &mut impl Source,
        interest: Interest,
    ) -> io::Result<Arc<ScheduledIo>> {
        let io = Arc::new(ScheduledIo::new());
        let token = Token(Arc::as_ptr(&io) as usize);
        {
            let mut registrations = lock(&self.shared.registrations);
            if registrations.is_shutdown {
                return Err(io::Error::other(SHUTDOWN));
            }
            registrations.live.insert(token.0, io.clone());
        }
        if let Err(e) = self
            .shared
            .registry
            .register(source, token, interest.to_mio())
        {
            lock(&self.shared.registrations).live.remove(&token.0);
            return Err(e);
        }
        Ok(io)
    }

    /// R1: hands the registration to the driver, which frees it once no event can name it.
    fn release(&self, io: &Arc<ScheduledIo>) {
        let wake = {
            let mut registrations = lock(&self.shared.registrations);
            let Some(io) = registrations.live.remove(&(Arc::as_ptr(io) as usize)) else {
                return;
            };
            registrations.pending_release.push(io);
            // Ordering: Relaxed; read by the driver before it takes this lock.
            self.shared.needs_release.store(true, Relaxed);
            registrations.pending_release.len() >= RELEASE_WAKE_THRESHOLD
        };
        if wake {
            self.shared.wake();
        }
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle").finish_non_exhaustive()
    }
}

/// One resource's registration with the reactor: its readiness, and how to wait for it.
///
/// Used by rt-net's sockets, rt-fs's ring and [`AsyncFd`](crate::unix::AsyncFd). Waiting
/// for readiness consumes the task's coop budget.
pub(crate) struct Registration {
    handle: Handle,
    io: Arc<ScheduledIo>,
}

impl Registration {
    /// Registers `source` with the reactor of the current runtime.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`.
    #[track_caller]
    pub(crate) fn new(source: &mut impl Source, interest: Interest) -> io::Result<Registration> {
        let handle = Handle::current();
        let io = handle.register(source, interest)?;
        Ok(Registration { handle, io })
    }

    /// Removes `source` from the reactor (before it is closed or handed back).
    pub(crate) fn deregister(&self, source: &mut impl Source) -> io::Result<()> {
        let result = self.handle.shared.registry.deregister(source);
        if result.is_err() {
            // R1: epoll may still hold the token (a duplicate of the descriptor keeps it
            // registered); keep the allocation alive for good rather than risk an event
            // naming freed memory. Only misuse gets here (a descriptor closed behind us).
            std::mem::forget(self.io.clone());
        }
        result
    }

    /// Waits until the resource is ready in `direction`, consuming one unit of budget.
    pub(crate) fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<ReadyEvent>> {
        let coop = ready!(poll_proceed(cx));
        let event = ready!(self.io.poll_readiness(cx, direction));
        if event.is_shutdown {
            return Poll::Ready(Err(io::Error::other(SHUTDOWN)));
        }
        coop.made_progress();
        Poll::Ready(Ok(event))
    }

    /// Runs `f` once the resource is ready in `direction`, until it does not block.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let event = ready!(self.poll_ready(cx, direction))?;
            match f() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_readiness(event),
                result => return Poll::Ready(result),
            }
        }
    }

    /// Waits until the resource is ready for any of `interest`.
    pub(crate) async fn readiness(&self, interest: Interest) -> io::Result<ReadyEvent> {
        let mut slot = SlotGuard {
            io: &self.io,
            slot: None,
        };
        let event = poll_fn(|cx| {
            let coop = ready!(poll_proceed(cx));
            let event = ready!(self.io.poll_interest(cx, interest, &mut slot.slot));
            coop.made_progress();
            Poll::Ready(event)
        })
        .await;
        if event.is_shutdown {
            return Err(io::Error::other(SHUTDOWN));
        }
        Ok(event)
    }

    /// Waits for `interest` and runs `f`, until `f` does not block.
    pub(crate) async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        loop {
            let event = self.readiness(interest).await?;
            match f() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_readiness(event),
                result => return result,
            }
        }
    }

    /// Runs `f` if the resource was last seen ready for `interest`; `WouldBlock` otherwise.
    pub(crate) fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        let event = self.io.readiness_event(interest.mask());
        if event.is_shutdown {
            return Err(io::Error::other(SHUTDOWN));
        }
        if event.ready.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let result = f();
        if matches!(&result, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
            self.clear_readiness(event);
        }
        result
    }

    /// Forgets `event`'s readiness (after `WouldBlock`), unless newer readiness arrived.
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        self.io.clear_readiness(event);
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.handle.release(&self.io);
    }
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration").finish_non_exhaustive()
    }
}

/// Frees a `readiness` future's waiter slot however the future ends.
struct SlotGuard<'a> {
    io: &'a ScheduledIo,
    slot: Option<usize>,
}

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot {
            self.io.release_slot(slot);
        }
    }
}

/// The `ScheduledIo` a token names: the token is its address, exposed by the `as usize`
/// cast in `register`, so casting it back yields a pointer with that allocation's
/// provenance.
#[cfg(not(miri))]
fn token_to_io(_shared: &Shared, address: usize) -> *const ScheduledIo {
    address as *const ScheduledIo
}

/// Under miri the pointer comes from the registration that holds the allocation (R1), so
/// that `-Zmiri-strict-provenance`, which rejects integer-to-pointer casts, can check the
/// reactor too.
#[cfg(miri)]
fn token_to_io(shared: &Shared, address: usize) -> *const ScheduledIo {
    let registrations = lock(&shared.registrations);
    let io = registrations.live.get(&address).or_else(|| {
        registrations
            .pending_release
            .iter()
            .find(|io| Arc::as_ptr(io).addr() == address)
    });
    Arc::as_ptr(io.expect("R1: an event names a registration the driver no longer holds"))
}

fn timerfd() -> io::Result<OwnedFd> {
    // SAFETY: timerfd_create has no memory preconditions; the result is checked below.
    let fd = unsafe {
        libc::timerfd_create(
            libc::CLOCK_MONOTONIC,
            libc::TFD_NONBLOCK | libc::TFD_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just created and is owned by nothing else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Arms `timer` to expire once after `after` (zero disarms it).
fn arm_timerfd(timer: &OwnedFd, after: Duration) {
    let spec = libc::itimerspec {
        it_interval: libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        },
        it_value: libc::timespec {
            tv_sec: after.as_secs().min(libc::time_t::MAX as u64) as libc::time_t,
            tv_nsec: libc::c_long::from(after.subsec_nanos() as i32),
        },
    };
    // SAFETY: `timer` is a valid timerfd and `spec` a valid itimerspec for the call's
    // duration; the old value is not requested (null).
    let result =
        unsafe { libc::timerfd_settime(timer.as_raw_fd(), 0, &spec, std::ptr::null_mut()) };
    if result < 0 {
        panic!(
            "failed to arm the reactor's timerfd: {}",
            io::Error::last_os_error()
        );
    }
}
