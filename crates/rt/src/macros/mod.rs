//! The function-like macros: [`select!`](crate::select), [`join!`](crate::join),
//! [`try_join!`](crate::try_join) and [`pin!`](crate::pin).
//!
//! They are `macro_rules!` macros, exported at the crate root as Tokio's are. Every path
//! in their expansions goes through `$crate::__private` (the [`support`] module), so they
//! work when the crate is renamed. `select!` also calls a few helper proc macros from
//! `rt-macros` to number its branches; like Tokio's, `select!`, `join!` and `try_join!`
//! need the `macros` feature, and `pin!` is always there.

// `pin!`: pinning values on the stack.
#[macro_use]
mod pin;
// `select!`: waiting on several futures, running the handler of the first to finish.
#[cfg(feature = "macros")]
#[macro_use]
mod select;
// `join!`: waiting on several futures concurrently, for all of their outputs.
#[cfg(feature = "macros")]
#[macro_use]
mod join;
// `try_join!`: `join!` that stops at the first error.
#[cfg(feature = "macros")]
#[macro_use]
mod try_join;

// What the expansions call, reached as `rt::__private`.
pub(crate) mod support;
