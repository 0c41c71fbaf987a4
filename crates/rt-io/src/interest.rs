//! What a task waits for on an I/O resource.

use std::fmt;
use std::ops;

use crate::Ready;

/// Readiness events a task is interested in: readable, writable, priority, error.
///
/// Combine with `|`: `Interest::READABLE | Interest::WRITABLE`.
#[derive(Clone, Copy, Eq, PartialEq)]
pub struct Interest(u8);

const READABLE: u8 = 0b0001;
const WRITABLE: u8 = 0b0010;
const PRIORITY: u8 = 0b0100;
const ERROR: u8 = 0b1000;

impl Interest {
    /// Interest in readable events (including the read half being closed).
    pub const READABLE: Interest = Interest(READABLE);
    /// Interest in writable events (including the write half being closed).
    pub const WRITABLE: Interest = Interest(WRITABLE);
    /// Interest in priority (out-of-band) events, as `EPOLLPRI`.
    pub const PRIORITY: Interest = Interest(PRIORITY);
    /// Interest in error events only. Errors are always reported to a readable or writable
    /// interest too; this is for waiting on nothing but an error.
    pub const ERROR: Interest = Interest(ERROR);

    /// Whether the interest includes readable events.
    pub const fn is_readable(self) -> bool {
        self.0 & READABLE != 0
    }

    /// Whether the interest includes writable events.
    pub const fn is_writable(self) -> bool {
        self.0 & WRITABLE != 0
    }

    /// Whether the interest includes priority events.
    pub const fn is_priority(self) -> bool {
        self.0 & PRIORITY != 0
    }

    /// Whether the interest includes error events.
    pub const fn is_error(self) -> bool {
        self.0 & ERROR != 0
    }

    /// Adds `other` to this interest: `const` form of `|`.
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    /// Removes `other` from this interest; `None` if nothing would be left.
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub fn remove(self, other: Interest) -> Option<Interest> {
        let left = self.0 & !other.0;
        (left != 0).then_some(Interest(left))
    }

    /// The readiness that satisfies this interest.
    pub(crate) fn mask(self) -> Ready {
        let mut ready = Ready::EMPTY;
        if self.is_readable() {
            ready |= Ready::READABLE | Ready::READ_CLOSED;
        }
        if self.is_writable() {
            ready |= Ready::WRITABLE | Ready::WRITE_CLOSED;
        }
        if self.is_priority() {
            ready |= Ready::PRIORITY | Ready::READ_CLOSED;
        }
        if self.is_error() {
            ready |= Ready::ERROR;
        }
        ready
    }

    /// The interest as mio's. An error-only interest registers for reads: epoll reports
    /// errors whatever the interest, and mio needs one.
    pub(crate) fn to_mio(self) -> mio::Interest {
        let mut mio = None::<mio::Interest>;
        let mut add = |i: mio::Interest| mio = Some(mio.map_or(i, |m| m | i));
        if self.is_readable() {
            add(mio::Interest::READABLE);
        }
        if self.is_writable() {
            add(mio::Interest::WRITABLE);
        }
        if self.is_priority() {
            add(mio::Interest::PRIORITY);
        }
        mio.unwrap_or(mio::Interest::READABLE)
    }
}

impl ops::BitOr for Interest {
    type Output = Interest;

    fn bitor(self, other: Interest) -> Interest {
        self.add(other)
    }
}

impl ops::BitOrAssign for Interest {
    fn bitor_assign(&mut self, other: Interest) {
        *self = *self | other;
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (READABLE, "READABLE"),
            (WRITABLE, "WRITABLE"),
            (PRIORITY, "PRIORITY"),
            (ERROR, "ERROR"),
        ];
        let mut first = true;
        for (bit, name) in names {
            if self.0 & bit != 0 {
                if !first {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        Ok(())
    }
}
