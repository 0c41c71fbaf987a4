//! Unix signals for rt, at Tokio's `signal` paths: [`ctrl_c`], and [`unix::signal`] for any
//! signal that can be caught.
//!
//! A signal handler may do almost nothing, so this layer's handler only counts the delivery
//! and writes a byte to a socket pair; each listener watches its own duplicate of the pair's
//! read end through the rt-io reactor and, woken, compares the count with what it has
//! reported (`registry.rs` states the protocol). Listeners therefore need a runtime with I/O
//! enabled, as Tokio's do.
//!
//! What it is not: Windows console events, and process management (waiting for children
//! through `SIGCHLD` is left to whoever spawns them).

#![cfg(target_os = "linux")]

mod registry;
pub mod unix;

/// Waits for the next Ctrl-C (`SIGINT`).
///
/// The first call installs a handler for `SIGINT` that stays for the rest of the process:
/// from then on Ctrl-C no longer ends the program by itself (see [`unix::signal`]).
///
/// # Errors
///
/// The handler or the descriptor it needs could not be set up.
///
/// # Panics
///
/// Outside a runtime, or in one built without I/O enabled.
///
/// # Cancel safety
///
/// A dropped future stops listening: a Ctrl-C that comes before the next call is not
/// reported to it. To miss none, keep one [`unix::Signal`] and call its cancel-safe
/// [`recv`](unix::Signal::recv) in a loop.
///
/// # Examples
///
/// ```no_run
/// #[rt::main]
/// async fn main() {
///     println!("waiting for Ctrl-C");
///     rt_signal::ctrl_c().await.expect("failed to listen for Ctrl-C");
///     println!("bye");
/// }
/// ```
pub async fn ctrl_c() -> std::io::Result<()> {
    let mut interrupts = unix::signal(unix::SignalKind::interrupt())?;
    // `None` means the runtime is shutting down: no Ctrl-C can be reported any more. Tokio's
    // `ctrl_c` returns `Ok` when its `recv` gives `None` too.
    interrupts.recv().await;
    Ok(())
}
