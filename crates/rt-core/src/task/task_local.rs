//! Task-local storage: values that follow a future rather than a thread.

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread;

/// Declares a new task-local key of type [`LocalKey`](crate::task::LocalKey).
///
/// The macro wraps any number of static declarations and makes them local to the current
/// task. Values are set for the duration of a future with [`LocalKey::scope`] (or a closure
/// with [`LocalKey::sync_scope`]) and read with [`LocalKey::with`] or [`LocalKey::get`].
///
/// # Examples
///
/// ```
/// rt_core::task_local! {
///     static REQUEST_ID: u32;
/// }
///
/// # let rt = rt_core::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// REQUEST_ID
///     .scope(7, async {
///         assert_eq!(REQUEST_ID.get(), 7);
///     })
///     .await;
/// assert!(REQUEST_ID.try_with(|_| ()).is_err());
/// # });
/// ```
#[macro_export]
macro_rules! task_local {
    () => {};

    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty; $($rest:tt)*) => {
        $crate::__task_local_inner!($(#[$attr])* $vis $name, $t);
        $crate::task_local!($($rest)*);
    };

    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty) => {
        $crate::__task_local_inner!($(#[$attr])* $vis $name, $t);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __task_local_inner {
    ($(#[$attr:meta])* $vis:vis $name:ident, $t:ty) => {
        $(#[$attr])*
        $vis static $name: $crate::task::LocalKey<$t> = {
            ::std::thread_local! {
                static __KEY: ::std::cell::RefCell<::std::option::Option<$t>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            $crate::task::LocalKey { inner: __KEY }
        };
    };
}

/// A key for task-local data, declared with [`task_local!`](crate::task_local).
///
/// Unlike a thread-local, the value is tied to a future: it is set while the future returned
/// by [`scope`](LocalKey::scope) is polled, on whatever thread polls it.
pub struct LocalKey<T: 'static> {
    #[doc(hidden)]
    pub inner: thread::LocalKey<RefCell<Option<T>>>,
}

impl<T: 'static> LocalKey<T> {
    /// Sets a value `T` as the task-local value for the future `F`.
    ///
    /// On completion of `scope`, the task-local is dropped.
    pub fn scope<F: Future>(&'static self, value: T, f: F) -> TaskLocalFuture<T, F> {
        TaskLocalFuture {
            local: self,
            slot: Some(value),
            future: Some(f),
            _pinned: PhantomPinned,
        }
    }

    /// Sets a value `T` as the task-local value for the closure `F`.
    ///
    /// # Panics
    ///
    /// Panics if the key is borrowed (inside `with` for the same key) or its thread-local
    /// storage is being destroyed.
    #[track_caller]
    pub fn sync_scope<F, R>(&'static self, value: T, f: F) -> R
    where
        F: FnOnce() -> R,
    {
        let mut slot = Some(value);
        match self.scope_inner(&mut slot, f) {
            Ok(r) => r,
            Err(err) => err.panic(),
        }
    }

    /// Swaps `slot` into the thread-local for the duration of `f`, then swaps it back.
    fn scope_inner<F: FnOnce() -> R, R>(
        &'static self,
        slot: &mut Option<T>,
        f: F,
    ) -> Result<R, ScopeInnerErr> {
        struct Guard<'a, T: 'static> {
            local: &'static LocalKey<T>,
            slot: &'a mut Option<T>,
        }
        impl<T: 'static> Drop for Guard<'_, T> {
            fn drop(&mut self) {
                // This cannot fail: the swap in succeeded and the value is not borrowed
                // once `f` returned (or unwound past every borrow).
                let _ = self.local.inner.try_with(|inner| {
                    std::mem::swap(self.slot, &mut *inner.borrow_mut());
                });
            }
        }

        self.inner.try_with(|inner| {
            let mut value = inner
                .try_borrow_mut()
                .map_err(|_| ScopeInnerErr::BorrowError)?;
            std::mem::swap(slot, &mut *value);
            Ok::<(), ScopeInnerErr>(())
        })??;
        let _guard = Guard { local: self, slot };
        Ok(f())
    }

    /// Accesses the current task-local and runs the provided closure.
    ///
    /// # Panics
    ///
    /// Panics if not called within a future (or closure) that has set a value for the key.
    #[track_caller]
    pub fn with<F, R>(&'static self, f: F) -> R
    where
        F: FnOnce(&T) -> R,
    {
        match self.try_with(f) {
            Ok(r) => r,
            Err(_) => panic!("cannot access a task-local storage value without setting it first"),
        }
    }

    /// Accesses the current task-local and runs the provided closure.
    ///
    /// # Errors
    ///
    /// Returns an [`AccessError`] if no value is set for the key on this task (or its
    /// thread-local storage is being destroyed).
    pub fn try_with<F, R>(&'static self, f: F) -> Result<R, AccessError>
    where
        F: FnOnce(&T) -> R,
    {
        let mut f = Some(f);
        let result = self.inner.try_with(|inner| {
            let value = inner.borrow();
            value.as_ref().map(|v| (f.take().expect("called once"))(v))
        });
        match result {
            Ok(Some(r)) => Ok(r),
            _ => Err(AccessError { _private: () }),
        }
    }
}

impl<T: Clone + 'static> LocalKey<T> {
    /// Returns a copy of the task-local value.
    ///
    /// # Panics
    ///
    /// Panics if no value is set for the key on this task.
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.with(|v| v.clone())
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("LocalKey { .. }")
    }
}

/// A future that sets a value `T` of a task-local for the future `F` while it is polled.
///
/// Made by [`LocalKey::scope`]. The value is also set while the inner future is dropped.
pub struct TaskLocalFuture<T: 'static, F> {
    local: &'static LocalKey<T>,
    slot: Option<T>,
    future: Option<F>,
    _pinned: PhantomPinned,
}

impl<T: 'static, F> TaskLocalFuture<T, F> {
    /// Takes the task-local value out of the future, if it is still there.
    ///
    /// The value stays in the future after the inner future completes, so this returns it
    /// then too. Once taken, later polls of the inner future see no value.
    pub fn take_value(self: Pin<&mut Self>) -> Option<T> {
        // SAFETY: `slot` is not structurally pinned: it is moved in and out freely.
        unsafe { self.get_unchecked_mut() }.slot.take()
    }
}

impl<T: 'static, F: Future> Future for TaskLocalFuture<T, F> {
    type Output = F::Output;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `future` is structurally pinned (only ever polled or dropped in place);
        // `slot` and `local` are not.
        let me = unsafe { self.get_unchecked_mut() };
        let local = me.local;
        let future = &mut me.future;
        let result = local.scope_inner(&mut me.slot, || {
            let inner = future.as_mut()?;
            // SAFETY: as above: the future is never moved.
            let poll = unsafe { Pin::new_unchecked(inner) }.poll(cx);
            if poll.is_ready() {
                // Dropped in place, with the value still set.
                *future = None;
            }
            Some(poll)
        });
        match result {
            Ok(Some(poll)) => poll,
            Ok(None) => panic!("`TaskLocalFuture` polled after completion"),
            Err(err) => err.panic(),
        }
    }
}

impl<T: 'static, F> Drop for TaskLocalFuture<T, F> {
    fn drop(&mut self) {
        if std::mem::needs_drop::<F>() && self.future.is_some() {
            // Drop the future with the value set, so its destructor can read it.
            let future = &mut self.future;
            let dropped = self.local.scope_inner(&mut self.slot, || *future = None);
            if dropped.is_err() {
                // No scope could be entered: drop it without the value.
                self.future = None;
            }
        }
    }
}

impl<T: 'static, F> fmt::Debug for TaskLocalFuture<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskLocalFuture").finish_non_exhaustive()
    }
}

/// An error returned by [`LocalKey::try_with`].
#[derive(Clone, Copy, Eq, PartialEq)]
pub struct AccessError {
    _private: (),
}

impl fmt::Debug for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessError").finish()
    }
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt("task-local value not set", f)
    }
}

impl Error for AccessError {}

enum ScopeInnerErr {
    BorrowError,
    AccessError,
}

impl ScopeInnerErr {
    #[track_caller]
    fn panic(&self) -> ! {
        match self {
            ScopeInnerErr::BorrowError => {
                panic!("cannot enter a task-local scope while the task-local storage is borrowed")
            }
            ScopeInnerErr::AccessError => {
                panic!(
                    "cannot enter a task-local scope during or after destruction of the underlying thread-local"
                )
            }
        }
    }
}

impl From<thread::AccessError> for ScopeInnerErr {
    fn from(_: thread::AccessError) -> ScopeInnerErr {
        ScopeInnerErr::AccessError
    }
}
