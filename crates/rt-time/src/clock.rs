//! The runtime's clock: real time, or (with `test-util`) a clock that can be paused and
//! advanced by hand on the current-thread runtime.
//!
//! Deadlines are kept as ticks counted from the clock's `base` (the moment the runtime was
//! built). A paused clock is a base instant that only moves when told to; it is still
//! expressed as a `std::time::Instant`, so the wheel sees paused and real time alike.

use std::time::Instant as StdInstant;

#[cfg(feature = "test-util")]
use std::sync::atomic::{AtomicBool, Ordering};
#[cfg(feature = "test-util")]
use std::time::Duration;

/// The clock of one runtime's time driver.
pub(crate) struct Clock {
    /// Tick 0.
    base: StdInstant,
    /// The pausing state, when the `test-util` feature is on.
    #[cfg(feature = "test-util")]
    pause: Pause,
}

/// Set once any runtime's clock has been paused: until then `Instant::now()` need not look
/// for the runtime's clock at all.
#[cfg(feature = "test-util")]
static DID_PAUSE_CLOCK: AtomicBool = AtomicBool::new(false);

#[cfg(feature = "test-util")]
struct Pause {
    /// Only the current-thread runtime may pause its clock.
    enabled: bool,
    /// This clock has been paused at least once: `now` must read `state`.
    ever_paused: AtomicBool,
    state: std::sync::Mutex<PauseState>,
}

#[cfg(feature = "test-util")]
struct PauseState {
    /// The clock's time when `unfrozen` was taken (or its frozen time, while paused).
    now: StdInstant,
    /// The real instant at which the clock was last resumed; `None` while paused.
    unfrozen: Option<StdInstant>,
}

/// The message of a pause on a runtime that cannot pause.
#[cfg(feature = "test-util")]
const PAUSE_NEEDS_CURRENT_THREAD: &str = "`time::pause()` requires the `current_thread` rt runtime. This is the default Runtime used by `#[rt::test].";

impl Clock {
    /// A clock starting now; `enable_pausing` on the current-thread runtime only.
    ///
    /// # Panics
    ///
    /// With `start_paused` on a clock that cannot pause, as Tokio does.
    #[cfg_attr(not(feature = "test-util"), allow(unused_variables))]
    pub(crate) fn new(enable_pausing: bool, start_paused: bool) -> Clock {
        let base = StdInstant::now();
        let clock = Clock {
            base,
            #[cfg(feature = "test-util")]
            pause: Pause {
                enabled: enable_pausing,
                ever_paused: AtomicBool::new(false),
                state: std::sync::Mutex::new(PauseState {
                    now: base,
                    unfrozen: Some(base),
                }),
            },
        };
        #[cfg(feature = "test-util")]
        if start_paused {
            if let Err(msg) = clock.pause() {
                panic!("{msg}");
            }
        }
        clock
    }

    /// The clock's tick 0.
    #[cfg(all(test, rt_loom))]
    pub(crate) fn base(&self) -> StdInstant {
        self.base
    }

    /// The clock's current time.
    pub(crate) fn now(&self) -> StdInstant {
        #[cfg(feature = "test-util")]
        // Ordering: Acquire pairs with the Release store in `pause`: a thread that sees the
        // flag also sees the state the pause left (it reads it under the lock anyway).
        if self.pause.ever_paused.load(Ordering::Acquire) {
            let state = self.lock_state();
            return match state.unfrozen {
                Some(unfrozen) => state.now + unfrozen.elapsed(),
                None => state.now,
            };
        }
        StdInstant::now()
    }

    /// Nanoseconds from the base to `instant` (0 before it, saturating after 584 years).
    pub(crate) fn nanos_since_base(&self, instant: StdInstant) -> u64 {
        let nanos = instant.saturating_duration_since(self.base).as_nanos();
        u64::try_from(nanos).unwrap_or(u64::MAX)
    }

    #[cfg(feature = "test-util")]
    fn lock_state(&self) -> std::sync::MutexGuard<'_, PauseState> {
        self.pause
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether `pause` may be called (current-thread runtime).
    #[cfg(feature = "test-util")]
    pub(crate) fn pausing_enabled(&self) -> bool {
        self.pause.enabled
    }

    /// Freezes the clock.
    #[cfg(feature = "test-util")]
    pub(crate) fn pause(&self) -> Result<(), &'static str> {
        if !self.pause.enabled {
            return Err(PAUSE_NEEDS_CURRENT_THREAD);
        }
        let mut state = self.lock_state();
        let Some(unfrozen) = state.unfrozen else {
            return Err("time is already frozen");
        };
        // Freeze on the next tick boundary (a jump forward of under one tick): deadlines
        // whole milliseconds from the frozen instant then fall on ticks, and auto-advance
        // reaches them exactly.
        let now = self.nanos_since_base(state.now + unfrozen.elapsed());
        let aligned = crate::wheel::tick_start_nanos(crate::wheel::ceil_tick(now));
        state.now = self.base + Duration::from_nanos(aligned);
        state.unfrozen = None;
        // Ordering: Release pairs with the Acquire loads in `now` and `Instant::now`.
        self.pause.ever_paused.store(true, Ordering::Release);
        DID_PAUSE_CLOCK.store(true, Ordering::Release);
        Ok(())
    }

    /// Lets the clock run again from where it stands.
    #[cfg(feature = "test-util")]
    pub(crate) fn resume(&self) -> Result<(), &'static str> {
        let mut state = self.lock_state();
        if state.unfrozen.is_some() {
            return Err("time is not frozen");
        }
        state.unfrozen = Some(StdInstant::now());
        Ok(())
    }

    /// Moves a frozen clock forward.
    #[cfg(feature = "test-util")]
    pub(crate) fn advance(&self, duration: Duration) -> Result<(), &'static str> {
        let mut state = self.lock_state();
        if state.unfrozen.is_some() {
            return Err("time is not frozen");
        }
        state.now += duration;
        Ok(())
    }

    /// Whether the driver may jump the clock to the next timer when the runtime is idle.
    #[cfg(feature = "test-util")]
    pub(crate) fn can_auto_advance(&self) -> bool {
        // Ordering: Acquire, as in `now`.
        self.pause.ever_paused.load(Ordering::Acquire) && self.lock_state().unfrozen.is_none()
    }
}

/// Whether any clock has ever been paused (so `Instant::now` must find the runtime's clock).
#[cfg(feature = "test-util")]
pub(crate) fn did_pause_clock() -> bool {
    // Ordering: Acquire pairs with the Release store in `Clock::pause`.
    DID_PAUSE_CLOCK.load(Ordering::Acquire)
}
