//! Procedural macros for the `rt` async runtime: `#[main]` and `#[test]`, and the helpers
//! of `rt::select!`.
//!
//! They turn an `async fn` into an ordinary function that builds a runtime and blocks on
//! the function's body, the way Tokio's `#[tokio::main]` and `#[tokio::test]` do, and
//! accept the same arguments.
//!
//! **Do not depend on this crate directly.** Use the macros through the `rt` crate, with
//! its `macros` feature, as `#[rt::main]` and `#[rt::test]`: the code they generate names
//! `rt` (`::rt::runtime::Builder`), and `rt` picks the right variant for its features.
//! With `rt-multi-thread` it re-exports [`main`] and [`test`]; without it,
//! [`main_rt`] and [`test_rt`] under those names, which reject the multi-thread flavor
//! with an error that says which feature to enable.
//!
//! The examples below are marked `ignore` because a proc-macro crate cannot run them:
//! they would need `rt`, which depends on this crate. The same macros' documentation in
//! `rt` has examples that run.
//!
//! This crate has no features.

// What the arguments mean and how they are checked.
mod config;
// Parsing the function and generating the runtime around its body.
mod entry;
// Branch numbering, the output enum and pattern rewriting for `rt::select!`.
mod select;

use proc_macro::TokenStream;

use crate::config::Kind;

/// Runs an `async fn` on a new runtime, so it can be a program's `main`.
///
/// The function's body becomes an `async` block; the function itself becomes synchronous
/// and blocks on that block with a runtime built for the call. The signature is kept, so
/// `main` may return a `Result`, and functions with another name may take arguments.
///
/// This is `#[rt::main]` when `rt` is built with its `rt-multi-thread` feature, and it
/// uses the multi-thread runtime unless told otherwise.
///
/// # Arguments
///
/// | argument | values | default |
/// |---|---|---|
/// | `flavor` | `"multi_thread"`, `"current_thread"` | `"multi_thread"` |
/// | `worker_threads` | an integer ≥ 1; `multi_thread` only | the number of CPUs |
/// | `start_paused` | `true`, `false`; `current_thread` only | `false` |
/// | `crate` | the path of the `rt` crate, as a string | `"::rt"` |
///
/// Anything else is a compile error that lists these arguments. The macro is also an
/// error on a function without `async`, and on a function named `main` with arguments.
///
/// # Examples
///
/// ```ignore
/// #[rt::main]
/// async fn main() {
///     let answer = rt::spawn(async { 6 * 7 }).await.unwrap();
///     println!("the answer is {answer}");
/// }
/// ```
///
/// expands to (modulo details):
///
/// ```ignore
/// fn main() {
///     let body = async move {
///         let answer = rt::spawn(async { 6 * 7 }).await.unwrap();
///         println!("the answer is {answer}");
///     };
///     ::rt::runtime::Builder::new_multi_thread()
///         .enable_all()
///         .build()
///         .expect("Failed building the Runtime")
///         .block_on(body)
/// }
/// ```
///
/// A current-thread runtime, and a `main` that returns errors:
///
/// ```ignore
/// #[rt::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let text = rt::task::spawn_blocking(|| std::fs::read_to_string("config.toml"))
///         .await
///         .unwrap()?;
///     println!("{text}");
///     Ok(())
/// }
/// ```
///
/// A fixed number of worker threads:
///
/// ```ignore
/// #[rt::main(worker_threads = 2)]
/// async fn main() {
///     println!("running on two workers");
/// }
/// ```
///
/// # Panics
///
/// The generated function panics if the runtime cannot be built (for example when the
/// operating system refuses to start its threads), and when the body panics.
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(Kind::Main, true, args.into(), item.into()).into()
}

/// Runs an `async fn` on a new current-thread runtime: `#[main]` for builds of `rt`
/// without the multi-thread runtime.
///
/// This is `#[rt::main]` when `rt` is built without its `rt-multi-thread` feature. It
/// behaves like [`macro@main`], except that the multi-thread runtime does not exist, so
/// the flavor must be given:
///
/// ```ignore
/// #[rt::main(flavor = "current_thread")]
/// async fn main() {
///     let answer = rt::spawn(async { 6 * 7 }).await.unwrap();
///     println!("the answer is {answer}");
/// }
/// ```
///
/// Leaving the flavor out (its default is `multi_thread`) or asking for
/// `flavor = "multi_thread"` is a compile error that says to enable `rt-multi-thread`
/// or to ask for `flavor = "current_thread"`.
///
/// # Arguments
///
/// | argument | values |
/// |---|---|
/// | `flavor` | `"current_thread"` (required) |
/// | `start_paused` | `true`, `false` (default) |
/// | `crate` | the path of the `rt` crate, as a string (default `"::rt"`) |
///
/// # Panics
///
/// The generated function panics if the runtime cannot be built, and when the body panics.
#[proc_macro_attribute]
pub fn main_rt(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(Kind::Main, false, args.into(), item.into()).into()
}

/// Runs an `async fn` test on a new runtime.
///
/// The function becomes a `#[test]` function (the macro adds the attribute; adding
/// another `#[test]` is an error) that builds a runtime and blocks on the body. Each test
/// gets a runtime of its own. Other attributes, like `#[should_panic]` or `#[ignore]`,
/// and a return type such as `Result<(), E>` are kept.
///
/// This is `#[rt::test]` when `rt` is built with its `rt-multi-thread` feature, and it
/// uses the current-thread runtime unless told otherwise.
///
/// # Arguments
///
/// | argument | values | default |
/// |---|---|---|
/// | `flavor` | `"current_thread"`, `"multi_thread"` | `"current_thread"` |
/// | `worker_threads` | an integer ≥ 1; `multi_thread` only | the number of CPUs |
/// | `start_paused` | `true`, `false`; `current_thread` only | `false` |
/// | `crate` | the path of the `rt` crate, as a string | `"::rt"` |
///
/// Anything else is a compile error that lists these arguments, and so is a function
/// without `async`.
///
/// # Examples
///
/// ```ignore
/// #[rt::test]
/// async fn spawned_tasks_finish() {
///     let handle = rt::spawn(async { 6 * 7 });
///     assert_eq!(handle.await.unwrap(), 42);
/// }
/// ```
///
/// expands to (modulo details):
///
/// ```ignore
/// #[::core::prelude::v1::test]
/// fn spawned_tasks_finish() {
///     let body = async move {
///         let handle = rt::spawn(async { 6 * 7 });
///         assert_eq!(handle.await.unwrap(), 42);
///     };
///     ::rt::runtime::Builder::new_current_thread()
///         .enable_all()
///         .build()
///         .expect("Failed building the Runtime")
///         .block_on(body)
/// }
/// ```
///
/// On the multi-thread runtime, with two workers, returning errors:
///
/// ```ignore
/// #[rt::test(flavor = "multi_thread", worker_threads = 2)]
/// async fn parses() -> Result<(), std::num::ParseIntError> {
///     let n: u32 = rt::spawn(async { "7".parse() }).await.unwrap()?;
///     assert_eq!(n, 7);
///     Ok(())
/// }
/// ```
///
/// When `rt` is reachable under another name, say so with `crate`:
///
/// ```ignore
/// use rt as my_rt;
///
/// #[my_rt::test(crate = "my_rt")]
/// async fn renamed() {}
/// ```
///
/// # Panics
///
/// The generated test panics (fails) if the runtime cannot be built, and when the body
/// panics.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(Kind::Test, true, args.into(), item.into()).into()
}

/// Runs an `async fn` test on a new current-thread runtime: `#[test]` for builds of `rt`
/// without the multi-thread runtime.
///
/// This is `#[rt::test]` when `rt` is built without its `rt-multi-thread` feature. It
/// behaves like [`macro@test`] (the default flavor is `current_thread` for both), except
/// that `flavor = "multi_thread"` is a compile error that says to enable
/// `rt-multi-thread`.
///
/// ```ignore
/// #[rt::test]
/// async fn spawned_tasks_finish() {
///     assert_eq!(rt::spawn(async { 6 * 7 }).await.unwrap(), 42);
/// }
/// ```
///
/// # Arguments
///
/// | argument | values |
/// |---|---|
/// | `flavor` | `"current_thread"` (default) |
/// | `start_paused` | `true`, `false` (default) |
/// | `crate` | the path of the `rt` crate, as a string (default `"::rt"`) |
///
/// # Panics
///
/// The generated test panics (fails) if the runtime cannot be built, and when the body
/// panics.
#[proc_macro_attribute]
pub fn test_rt(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(Kind::Test, false, args.into(), item.into()).into()
}

/// Declares the output enum of a `select!`; part of `rt::select!`'s expansion, not API.
#[doc(hidden)]
#[proc_macro]
pub fn select_priv_declare_output_enum(input: TokenStream) -> TokenStream {
    select::declare_output_enum(input.into()).into()
}

/// Names a variant of a `select!` output enum; part of `rt::select!`'s expansion, not API.
#[doc(hidden)]
#[proc_macro]
pub fn select_priv_variant(input: TokenStream) -> TokenStream {
    select::variant(input.into()).into()
}

/// Counts `_` tokens; part of `rt::select!`'s expansion, not API.
#[doc(hidden)]
#[proc_macro]
pub fn select_priv_count(input: TokenStream) -> TokenStream {
    select::count(input.into()).into()
}

/// Rewrites a branch pattern to test a reference; part of `rt::select!`'s expansion, not
/// API.
#[doc(hidden)]
#[proc_macro]
pub fn select_priv_clean_pattern(input: TokenStream) -> TokenStream {
    select::clean_pattern(input.into()).into()
}
