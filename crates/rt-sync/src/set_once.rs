//! A cell set at most once, which tasks can wait on until it is set.
//!
//! # Protocol
//!
//! A `SetOnce` is a `value_set` flag, a slot for the value, a mutex that writers take, and
//! a [`Notify`] for the tasks that wait. The rules, cited by number in the code:
//!
//! 1. Only the holder of `lock` writes the slot, and only while `value_set` is `false`.
//!    Having written it, the holder sets `value_set` (Release) and then releases `lock`.
//! 2. Once `value_set` is seen `true` (Acquire), the slot holds a value and is never written
//!    again while the cell is shared; readers may take `&T` to it.
//! 3. After setting the value the writer calls `notify_waiters`. A waiter creates its
//!    `Notified` *before* checking `value_set`: either the check sees the value, or the
//!    `Notified` was created before that `notify_waiters` ran and is completed by it.
//! 4. With `&mut self` nobody else can touch the cell, so the slot and flag are read and
//!    written directly.

use std::error::Error;
use std::fmt;
use std::mem::MaybeUninit;
use std::ptr;

use crate::Notify;
use crate::loom::atomic::{AtomicBool, Ordering};
use crate::loom::{Mutex, UnsafeCell, lock};

/// A thread-safe cell that can be set only once, and waited on until it is.
///
/// Unlike [`OnceCell`](crate::OnceCell), a `SetOnce` is not initialized by the tasks that
/// read it: one task [`set`](SetOnce::set)s it, any number of others
/// [`wait`](SetOnce::wait) for the value.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use rt_sync::SetOnce;
///
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let cell = Arc::new(SetOnce::new());
/// let reader = {
///     let cell = cell.clone();
///     rt::spawn(async move { *cell.wait().await })
/// };
/// cell.set(20).unwrap();
/// assert_eq!(reader.await.unwrap(), 20);
/// # });
/// ```
pub struct SetOnce<T> {
    /// Whether `value` holds a value (rules 1 and 2).
    value_set: AtomicBool,
    /// The value, initialized exactly when `value_set` is `true`.
    value: UnsafeCell<MaybeUninit<T>>,
    /// Wakes the tasks in `wait` once the value is set (rule 3).
    notify: Notify,
    /// Taken by writers (rule 1).
    lock: Mutex<()>,
}

// SAFETY: the cell owns a `T`, so sending it sends the `T`; `T: Send` is all that needs.
unsafe impl<T: Send> Send for SetOnce<T> {}

// SAFETY: a shared cell hands out `&T` to every thread (needs `T: Sync`) and lets any of
// them store a `T` made on its own thread that is later dropped elsewhere (needs `T: Send`).
// Writes to the slot are exclusive by rule 1 and visible to readers by rule 2.
unsafe impl<T: Sync + Send> Sync for SetOnce<T> {}

/// Error returned by [`SetOnce::set`] when the cell already holds a value; it gives the
/// value back.
#[derive(Clone, PartialEq, Eq)]
pub struct SetOnceError<T>(pub T);

impl<T> fmt::Debug for SetOnceError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SetOnceError(..)")
    }
}

impl<T> fmt::Display for SetOnceError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cell already set")
    }
}

impl<T> Error for SetOnceError<T> {}

impl<T> SetOnce<T> {
    /// Creates a new, empty cell.
    pub fn new() -> SetOnce<T> {
        SetOnce {
            value_set: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            notify: Notify::new(),
            lock: Mutex::new(()),
        }
    }

    /// Creates a new, empty cell in a `const` context.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_sync::SetOnce;
    ///
    /// static CELL: SetOnce<u32> = SetOnce::const_new();
    /// CELL.set(1).unwrap();
    /// assert_eq!(CELL.get(), Some(&1));
    /// ```
    #[cfg(not(rt_loom))]
    pub const fn const_new() -> SetOnce<T> {
        SetOnce {
            value_set: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            notify: Notify::const_new(),
            lock: Mutex::new(()),
        }
    }

    /// Creates a cell holding `value`, or an empty one if `value` is `None`.
    pub fn new_with(value: Option<T>) -> SetOnce<T> {
        let cell = SetOnce::new();
        if let Some(value) = value {
            // SAFETY: the cell was just made and is not shared; the slot is empty.
            cell.value.with_mut(|ptr| unsafe { (*ptr).write(value) });
            // Ordering: not shared yet; moving the cell out orders this for any reader.
            cell.value_set.store(true, Ordering::Relaxed);
        }
        cell
    }

    /// Returns `true` if the cell holds a value.
    pub fn initialized(&self) -> bool {
        // Ordering: Acquire pairs with the Release store in `set` (rule 2).
        self.value_set.load(Ordering::Acquire)
    }

    /// Returns a reference to the value, or `None` if the cell is empty.
    pub fn get(&self) -> Option<&T> {
        if self.initialized() {
            // SAFETY: `initialized` saw `true` with Acquire, so the slot holds a value that
            // is never written again while `self` is shared (rule 2).
            Some(self.value.with(|ptr| unsafe { (*ptr).assume_init_ref() }))
        } else {
            None
        }
    }

    /// Stores `value` and wakes every task waiting in [`wait`](SetOnce::wait).
    ///
    /// # Errors
    ///
    /// Fails, handing the value back, if the cell already holds a value (including when
    /// another call to `set` is storing one concurrently and gets there first).
    pub fn set(&self, value: T) -> Result<(), SetOnceError<T>> {
        if self.initialized() {
            return Err(SetOnceError(value));
        }
        {
            let _guard = lock(&self.lock);
            // Ordering: the mutex orders any earlier writer's store before this load.
            if self.value_set.load(Ordering::Relaxed) {
                return Err(SetOnceError(value));
            }
            // SAFETY: we hold `lock` and `value_set` is `false`, so nobody reads or writes
            // the slot (rule 1).
            self.value.with_mut(|ptr| unsafe { (*ptr).write(value) });
            // Ordering: Release pairs with the Acquire loads in `initialized` (rule 2).
            self.value_set.store(true, Ordering::Release);
        }
        // Rule 3.
        self.notify.notify_waiters();
        Ok(())
    }

    /// Takes the value out of the cell, or returns `None` if it is empty.
    pub fn into_inner(self) -> Option<T> {
        // Ordering: exclusive access (rule 4).
        if self.value_set.load(Ordering::Relaxed) {
            // Ordering: exclusive access (rule 4); `Drop` then sees an empty cell.
            self.value_set.store(false, Ordering::Relaxed);
            // SAFETY: the flag was `true`, so the slot is initialized; clearing the flag
            // first means the value is read out exactly once (`Drop` will not drop it).
            Some(
                self.value
                    .with(|ptr| unsafe { ptr::read(ptr).assume_init() }),
            )
        } else {
            None
        }
    }

    /// Waits until the cell holds a value, and returns a reference to it.
    ///
    /// Completes at once if the value is already set.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: dropping the future loses nothing, and calling `wait`
    /// again waits as before.
    pub async fn wait(&self) -> &T {
        // Rule 3: the `Notified` is created before the check.
        self.notify.wait_for(|| self.get()).await
    }
}

impl<T> Default for SetOnce<T> {
    fn default() -> SetOnce<T> {
        SetOnce::new()
    }
}

impl<T> Drop for SetOnce<T> {
    fn drop(&mut self) {
        // Ordering: exclusive access (rule 4).
        if self.value_set.load(Ordering::Relaxed) {
            // SAFETY: the flag is `true`, so the slot holds a value, and `&mut self` makes
            // this the last access (rule 4).
            self.value
                .with_mut(|ptr| unsafe { (*ptr).assume_init_drop() });
        }
    }
}

impl<T> From<T> for SetOnce<T> {
    fn from(value: T) -> SetOnce<T> {
        SetOnce::new_with(Some(value))
    }
}

impl<T: Clone> Clone for SetOnce<T> {
    fn clone(&self) -> SetOnce<T> {
        SetOnce::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for SetOnce<T> {
    fn eq(&self, other: &SetOnce<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for SetOnce<T> {}

impl<T: fmt::Debug> fmt::Debug for SetOnce<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetOnce")
            .field("value", &self.get())
            .finish()
    }
}
