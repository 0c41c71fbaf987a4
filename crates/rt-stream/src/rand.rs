//! A small per-thread random number generator, for [`StreamMap`](crate::StreamMap)'s random
//! start: fairness needs unpredictability, not quality, so a xorshift seeded once per
//! thread from std's hasher keys is enough.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

thread_local! {
    static STATE: Cell<u64> = Cell::new(seed());
}

/// A non-zero seed from std's randomly keyed hasher, mixed with the thread's identity.
fn seed() -> u64 {
    RandomState::new().hash_one(std::thread::current().id()) | 1
}

/// A pseudo-random number in `0..n`; `n` must be non-zero.
pub(crate) fn thread_rng_n(n: u32) -> u32 {
    debug_assert!(n > 0);
    let x = STATE.with(|state| {
        // xorshift64* (Marsaglia; Vigna's multiplier).
        let mut x = state.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        state.set(x);
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    });
    // Lemire's multiply-shift maps the high 32 bits onto `0..n` without a division.
    (((x >> 32) * u64::from(n)) >> 32) as u32
}
