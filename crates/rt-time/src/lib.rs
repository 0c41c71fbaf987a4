//! The time layer of rt: a hierarchical timer wheel and the futures built on it.
//!
//! This crate gives a runtime its timers: [`sleep`], [`timeout`], [`interval`] and the
//! [`Instant`] they count in, with Tokio 1.x's behaviour, reached by most users as
//! `rt::time`. It plugs into rt-core's driver seam: the runtime builder wraps whatever inner
//! driver it has (the I/O reactor, or a plain thread parker) in this crate's time driver,
//! which parks the inner driver until the next deadline and fires what is due. It is **not**
//! a scheduler, and it knows nothing of sockets: timers wake tasks through their wakers and
//! that is all.
//!
//! # How timers are kept
//!
//! ```text
//!  Sleep (pinned, !Unpin)                     shard = one wheel per worker, behind a lock
//! ┌──────────────────────────┐               ┌──────────────────────────────────────────┐
//! │ deadline, Arc<Shard>     │               │ level 7  [64 slots] bitmap   ~139 years  │
//! │ entry: state, prev/next ◀┼── linked in ──┤ ...                                      │
//! │        tick, waker       │               │ level 1  [64 slots] bitmap   64 ms       │
//! └──────────────────────────┘               │ level 0  [64 slots] bitmap   15.6 µs/slot│
//!                                            └──────────────────────────────────────────┘
//!  the driver: park(inner, time to the earliest shard's next expiry); fire what is due
//! ```
//!
//! Registering, resetting and cancelling are O(1) and allocate nothing (the entry is inside
//! the `Sleep`); the next expiry is found with one bitmap scan per level. A timer registers
//! in the shard of the worker that first polls it, so the common timeout that is set and
//! cancelled without firing takes only its own worker's uncontended lock, and wakes the
//! parked driver only if it is due before the driver would wake anyway (no system call per
//! registration). Timers fire at most one tick (15.625 µs) after their deadline, plus the
//! time the thread takes to wake; never before.
//!
//! # Features
//!
//! | feature     | what it adds |
//! |-------------|--------------|
//! | `test-util` | the paused clock: [`pause`], [`resume`], [`advance`], `start_paused`, auto-advance |

// The atomics, cells and locks every module uses: loom's under `--cfg rt_loom`.
mod loom;

// Time errors: `Elapsed`.
pub mod error;

// The runtime clock, real or paused; deadline ticks count from its base.
mod clock;
// The time driver: wheel shards, the park protocol, the driver layer.
mod driver;
// The intrusive timer node and its state protocol.
mod entry;
// `Instant`, read from the runtime's clock.
mod instant;
// `Interval`, `interval`, `interval_at`, `MissedTickBehavior`.
mod interval;
// `pause`, `resume`, `advance`.
#[cfg(feature = "test-util")]
mod pause;
// `Sleep`, `sleep`, `sleep_until`.
mod sleep;
// `Timeout`, `timeout`, `timeout_at`.
mod timeout;
// The hierarchical wheel itself: levels, slots, bitmaps, cascading.
mod wheel;

// Unit tests of the wheel (a proptest against a model) and loom models of the protocol.
#[cfg(test)]
mod tests;

pub use instant::Instant;
pub use interval::{Interval, MissedTickBehavior, interval, interval_at};
#[cfg(feature = "test-util")]
pub use pause::{advance, pause, resume};
pub use sleep::{Sleep, sleep, sleep_until};
pub use std::time::Duration;
pub use timeout::{Timeout, timeout, timeout_at};

/// Adds the time driver to a runtime being built, when the builder enabled timers: the
/// hook the `rt` umbrella's builder calls. Not for users; not covered by semver.
#[doc(hidden)]
pub fn __driver_layer(stack: &mut rt_core::runtime::driver::DriverStack) -> std::io::Result<()> {
    driver::driver_layer(stack)
}
