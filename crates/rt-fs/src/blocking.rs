//! Running one std call on the blocking pool.

use std::io;

use rt_core::task::{JoinError, spawn_blocking};

/// Runs `f` on the blocking pool and waits for its result.
///
/// If the future is dropped, `f` still runs (a started blocking closure cannot be stopped)
/// and its result is dropped.
pub(crate) async fn asyncify<F, T>(f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    spawn_blocking(f).await.unwrap_or_else(|e| Err(gone(e)))
}

/// The error for a blocking operation that panicked, or was cancelled by the runtime
/// shutting down before it ran.
pub(crate) fn gone(e: JoinError) -> io::Error {
    io::Error::other(format!("background task failed: {e}"))
}
