//! Runtime ids.

use std::fmt;
use std::num::NonZeroU64;

/// An opaque id that uniquely identifies a runtime relative to all other currently running
/// runtimes.
#[derive(Clone, Copy, Debug, Hash, Eq, PartialEq, Ord, PartialOrd)]
pub struct Id(NonZeroU64);

impl Id {
    pub(crate) fn next() -> Id {
        use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        // Ordering: only uniqueness matters, which the RMW gives on its own.
        let id = NEXT_ID.fetch_add(1, Relaxed);
        Id(NonZeroU64::new(id).expect("runtime id counter overflowed"))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
