//! What the expansions of `select!`, `join!`, `try_join!` and `pin!` call.
//!
//! Reached through `rt::__private`, which is not public API: the paths and items here can
//! change in any release. Everything a macro names goes through this module, so the macros
//! keep working when users rename the crate or have no `std` prelude in scope.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;
use std::pin::Pin;
use std::task::Context;

pub use std::future::{Future, IntoFuture, poll_fn};
pub use std::option::Option;
pub use std::pin::pin;
pub use std::result::Result;
pub use std::task::{Poll, ready};
pub use std::{compile_error, panic, unreachable};

#[cfg(feature = "macros")]
pub use rt_macros::{
    select_priv_clean_pattern, select_priv_count, select_priv_declare_output_enum,
    select_priv_variant,
};

/// `Pending` while the running task has no coop budget left, after arranging for it to be
/// polled again; `Ready` otherwise. Spends nothing.
///
/// `select!` calls it before polling its branches: resources that take part in the coop
/// budget would return `Pending` anyway, and a branch that does not (a plain `async`
/// block) must not let a `select!` in a loop run forever without yielding.
#[inline]
pub fn poll_budget_available(cx: &mut Context<'_>) -> Poll<()> {
    // Dropping the guard without `made_progress` refunds the unit it took.
    drop(ready!(rt_core::__private::poll_proceed(cx)));
    Poll::Ready(())
}

/// A number in `0..n`, from a fast generator local to this thread: where `select!` starts
/// polling. Not for anything that needs real randomness.
///
/// `n` must not be zero.
#[inline]
pub fn thread_rng_n(n: u32) -> u32 {
    thread_local! {
        static STATE: Cell<u64> = const { Cell::new(0) };
    }
    let next = STATE
        .try_with(|state| {
            let mut x = state.get();
            if x == 0 {
                x = seed();
            }
            // xorshift64: every non-zero state leads to another non-zero state.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            state.set(x);
            x
        })
        // The thread is being torn down: fairness no longer matters.
        .unwrap_or(0);
    // The high bits are the better ones; multiply-shift maps them onto `0..n` without a
    // division.
    (((next >> 32) * u64::from(n)) >> 32) as u32
}

/// A non-zero seed that differs between threads and between runs: std's randomly keyed
/// hasher applied to the thread's id.
fn seed() -> u64 {
    let seed = RandomState::new().hash_one(std::thread::current().id());
    seed | 1
}

/// Where `join!` and `try_join!` start polling: a different branch each time, so a branch
/// that spends the task's whole coop budget cannot starve the ones after it. A biased
/// join always starts at the first branch.
#[derive(Debug)]
pub struct Rotation {
    next: u32,
    count: u32,
    biased: bool,
}

impl Rotation {
    /// A rotation over `count` branches, stuck at the first one if `biased`.
    pub const fn new(count: u32, biased: bool) -> Rotation {
        Rotation {
            next: 0,
            count,
            biased,
        }
    }

    /// The branch to poll first this time.
    #[inline]
    pub fn start(&mut self) -> u32 {
        let start = self.next;
        if !self.biased {
            self.next += 1;
            if self.next >= self.count {
                self.next = 0;
            }
        }
        start
    }
}

/// Wraps `future` for `join!`: it keeps the output once the future completes.
pub fn maybe_done<F: IntoFuture>(future: F) -> MaybeDone<F::IntoFuture> {
    MaybeDone::Future(future.into_future())
}

/// A future of a `join!`, then its output, then nothing once the output was taken.
///
/// The future is pinned while it is in the `Future` state; the output is not (it is moved
/// out by [`take_output`](MaybeDone::take_output)).
pub enum MaybeDone<F: Future> {
    /// Not finished yet.
    Future(F),
    /// Finished; the output waits to be taken.
    Done(F::Output),
    /// The output was taken.
    Gone,
}

impl<F: Future> MaybeDone<F> {
    /// Polls the future unless it already finished. `Ready` once there is an output.
    #[inline]
    pub fn poll_done(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: the `Future` variant's field is pinned: it is only reached here, through
        // `Pin::new_unchecked`, and the value is only ever replaced as a whole (its
        // destructor runs in place). `Done` and `Gone` hold nothing pinned.
        let this = unsafe { self.get_unchecked_mut() };
        match this {
            MaybeDone::Future(future) => {
                // SAFETY: `future` is pinned because `self` is; see above.
                let future = unsafe { Pin::new_unchecked(future) };
                let output = ready!(future.poll(cx));
                // Replacing drops the finished future in place: allowed for pinned values.
                *this = MaybeDone::Done(output);
                Poll::Ready(())
            }
            MaybeDone::Done(_) => Poll::Ready(()),
            MaybeDone::Gone => panic!("`join!` polled a branch whose output was taken"),
        }
    }

    /// Takes the output out, leaving `Gone`.
    ///
    /// # Panics
    ///
    /// Panics if the future has not finished, or its output was already taken.
    #[inline]
    pub fn take_output(self: Pin<&mut Self>) -> F::Output {
        // SAFETY: only `Done` is moved out of, and it holds nothing pinned. A `Future` is
        // put back untouched.
        let this = unsafe { self.get_unchecked_mut() };
        match this {
            MaybeDone::Done(_) => match std::mem::replace(this, MaybeDone::Gone) {
                MaybeDone::Done(output) => output,
                _ => unreachable!(),
            },
            _ => panic!("`join!` took the output of a branch that has none"),
        }
    }
}

/// The output of a future that `try_join!` accepts: a `Result`.
#[diagnostic::on_unimplemented(
    message = "`try_join!` needs futures whose output is a `Result`, not `{Self}`",
    label = "this future's output is `{Self}`",
    note = "use `join!` for futures that cannot fail"
)]
pub trait TryJoinOutput {
    /// The value on success.
    type Ok;
    /// The error.
    type Error;

    /// Whether the output is an error.
    fn is_err(&self) -> bool;

    /// The output as a `Result`.
    fn into_result(self) -> Result<Self::Ok, Self::Error>;
}

impl<T, E> TryJoinOutput for Result<T, E> {
    type Ok = T;
    type Error = E;

    #[inline]
    fn is_err(&self) -> bool {
        Result::is_err(self)
    }

    #[inline]
    fn into_result(self) -> Result<T, E> {
        self
    }
}

/// Wraps `future` for `try_join!`: it keeps the output once the future completes.
pub fn try_maybe_done<F>(future: F) -> MaybeDone<F::IntoFuture>
where
    F: IntoFuture,
    F::Output: TryJoinOutput,
{
    MaybeDone::Future(future.into_future())
}

impl<F> MaybeDone<F>
where
    F: Future,
    F::Output: TryJoinOutput,
{
    /// Polls the future unless it already finished: `Ready(Ok(()))` once it finished with
    /// `Ok`, `Ready(Err(error))` if it finished with `Err` (the error is taken out).
    #[inline]
    pub fn poll_try(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), <F::Output as TryJoinOutput>::Error>> {
        ready!(self.as_mut().poll_done(cx));
        // SAFETY: `Done` holds nothing pinned, and it is only moved out of when it holds
        // an error; a `Done(Ok)` stays in place for `take_ok`.
        let this = unsafe { self.get_unchecked_mut() };
        if matches!(this, MaybeDone::Done(output) if output.is_err()) {
            if let MaybeDone::Done(output) = std::mem::replace(this, MaybeDone::Gone) {
                if let Err(error) = output.into_result() {
                    return Poll::Ready(Err(error));
                }
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Takes the `Ok` value out, leaving `Gone`.
    ///
    /// # Panics
    ///
    /// Panics unless the future finished with `Ok` and the value was not taken yet.
    #[inline]
    pub fn take_ok(self: Pin<&mut Self>) -> <F::Output as TryJoinOutput>::Ok {
        match self.take_output().into_result() {
            Ok(value) => value,
            Err(_) => panic!("`try_join!` took the value of a branch that failed"),
        }
    }
}

impl<F: Future> fmt::Debug for MaybeDone<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self {
            MaybeDone::Future(_) => "Future",
            MaybeDone::Done(_) => "Done",
            MaybeDone::Gone => "Gone",
        };
        f.debug_tuple("MaybeDone")
            .field(&format_args!("{state}"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_rng_n_stays_in_range_and_covers_it() {
        let mut seen = [0u32; 5];
        for _ in 0..10_000 {
            let n = thread_rng_n(5);
            seen[n as usize] += 1;
        }
        // Each of five values is expected 2,000 times.
        assert!(
            seen.iter().all(|&count| (1_500..2_500).contains(&count)),
            "{seen:?}"
        );
        assert_eq!(thread_rng_n(1), 0);
    }

    #[test]
    fn rotation_cycles_unless_biased() {
        let mut rotation = Rotation::new(3, false);
        let starts: Vec<u32> = (0..7).map(|_| rotation.start()).collect();
        assert_eq!(starts, [0, 1, 2, 0, 1, 2, 0]);
        let mut biased = Rotation::new(3, true);
        assert!((0..5).all(|_| biased.start() == 0));
    }
}
