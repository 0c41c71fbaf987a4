//! The handle that awaits a task's output.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::raw::{RawTask, ReadOutput};
use super::{AbortHandle, Id, JoinError, abort::abort};

/// An owned permission to join on a task (await its termination).
///
/// This is the equivalent of [`std::thread::JoinHandle`] for a task: awaiting it gives the
/// task's output, or a [`JoinError`] if the task panicked or was cancelled.
///
/// Dropping a `JoinHandle` *detaches* the task: it keeps running, and its output is dropped
/// when it completes.
///
/// # Cancel safety
///
/// Awaiting a `JoinHandle` is cancel safe: if the `.await` is dropped, the output stays in the
/// task and can be read by polling the handle again.
///
/// # Examples
///
/// ```
/// # let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let handle = rt_core::spawn(async { 6 * 7 });
/// assert_eq!(handle.await.unwrap(), 42);
/// # });
/// ```
pub struct JoinHandle<T> {
    raw: RawTask,
    _output: PhantomData<T>,
}

// SAFETY: the handle moves the output (`T: Send`) to the thread that polls it; every other
// access is an atomic operation on the header.
unsafe impl<T: Send> Send for JoinHandle<T> {}
// SAFETY: `&JoinHandle` only allows `abort`, `is_finished`, `id` and `abort_handle`, which are
// atomic operations on the header.
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> Unpin for JoinHandle<T> {}
impl<T> std::panic::UnwindSafe for JoinHandle<T> {}
impl<T> std::panic::RefUnwindSafe for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    /// # Safety
    ///
    /// - The caller gives the handle the task's join reference (R0), and `T` is the task's
    ///   output type.
    pub(crate) unsafe fn from_raw(raw: RawTask) -> JoinHandle<T> {
        JoinHandle {
            raw,
            _output: PhantomData,
        }
    }

    /// Aborts the task associated with the handle.
    ///
    /// Awaiting the handle afterwards returns a cancelled [`JoinError`], unless the task had
    /// already completed. The future is dropped on a runtime thread at its next await point.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let handle = rt_core::spawn(std::future::pending::<()>());
    /// handle.abort();
    /// assert!(handle.await.unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn abort(&self) {
        abort(self.raw);
    }

    /// Checks if the task associated with this `JoinHandle` has finished (completed,
    /// panicked or been cancelled).
    pub fn is_finished(&self) -> bool {
        self.raw.header().state.load().is_complete()
    }

    /// Returns a new [`AbortHandle`] that can be used to remotely abort this task.
    pub fn abort_handle(&self) -> AbortHandle {
        self.raw.ref_inc();
        // SAFETY: the reference was just made for the new handle.
        unsafe { AbortHandle::from_raw(self.raw) }
    }

    /// Returns a task ID that uniquely identifies this task relative to other currently
    /// spawned tasks.
    pub fn id(&self) -> Id {
        self.raw.id()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(super::poll_proceed(cx));
        let mut output: ReadOutput<T> = Poll::Pending;
        // SAFETY: this is the task's JoinHandle, and `output` has the task's output type.
        unsafe {
            self.raw
                .try_read_output((&raw mut output).cast(), cx.waker())
        };
        if output.is_ready() {
            coop.made_progress();
        }
        output
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        // SAFETY: this is the task's JoinHandle; it gives up its reference.
        unsafe { self.raw.drop_join_handle() }
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id())
            .finish()
    }
}
