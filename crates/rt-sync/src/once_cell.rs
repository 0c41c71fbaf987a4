//! A cell initialized at most once, possibly by an asynchronous operation.
//!
//! # Protocol
//!
//! A `OnceCell` is a `value_set` flag, a slot for the value, and a [`Semaphore`] with one
//! permit that stands for the right to write the slot. The rules, cited by number in the
//! code:
//!
//! 1. Only the holder of the permit writes the slot. Having written it, the holder sets
//!    `value_set` (Release), then forgets the permit and closes the semaphore, so nobody can
//!    hold the permit again.
//! 2. Once `value_set` is seen `true` (Acquire), the slot holds a value and is never written
//!    again while the cell is shared; readers may take `&T` to it.
//! 3. A closed semaphore means the value is set: closing happens only after rule 1's store,
//!    and the semaphore's own mutex orders the two for anyone who then fails to acquire.
//! 4. An initializer that is dropped or panics drops its permit, which goes to the next
//!    waiter in line; that waiter finds `value_set` still `false` and runs its own
//!    initializer.
//! 5. With `&mut self` nobody else can touch the cell, so the slot and flag are read and
//!    written directly.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::mem::MaybeUninit;
use std::ptr;

use crate::loom::UnsafeCell;
use crate::loom::atomic::{AtomicBool, Ordering};
use crate::{Semaphore, SemaphorePermit, TryAcquireError};

/// A thread-safe cell that can be written to only once.
///
/// A `OnceCell` is typically used for global variables that need to be initialized once on
/// first use, where the initialization is asynchronous. Concurrent callers of
/// [`get_or_init`](OnceCell::get_or_init) run one initializer at a time: the first one runs,
/// the others wait for its result.
///
/// # Examples
///
/// ```
/// use rt_sync::OnceCell;
///
/// async fn some_computation() -> u32 {
///     1 + 1
/// }
///
/// static ONCE: OnceCell<u32> = OnceCell::const_new();
///
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let result = ONCE.get_or_init(some_computation).await;
/// assert_eq!(*result, 2);
/// # });
/// ```
pub struct OnceCell<T> {
    /// Whether `value` holds a value (rules 1 and 2).
    value_set: AtomicBool,
    /// The value, initialized exactly when `value_set` is `true`.
    value: UnsafeCell<MaybeUninit<T>>,
    /// One permit: the right to write `value` (rule 1).
    semaphore: Semaphore,
}

// SAFETY: the cell owns a `T`, so sending it sends the `T`; `T: Send` is all that needs.
unsafe impl<T: Send> Send for OnceCell<T> {}

// SAFETY: a shared cell hands out `&T` to every thread (needs `T: Sync`) and lets any of
// them store a `T` made on its own thread that is later dropped elsewhere (needs `T: Send`).
// Writes to the slot are exclusive by rule 1 and visible to readers by rule 2.
unsafe impl<T: Sync + Send> Sync for OnceCell<T> {}

/// Error returned by [`OnceCell::set`]; it gives the value back.
#[derive(Clone, PartialEq, Eq)]
pub enum SetError<T> {
    /// The cell was already initialized.
    AlreadyInitializedError(T),
    /// The cell is being initialized by another task.
    InitializingError(T),
}

impl<T> SetError<T> {
    /// Whether the error is [`SetError::AlreadyInitializedError`].
    pub fn is_already_init_err(&self) -> bool {
        matches!(self, SetError::AlreadyInitializedError(_))
    }

    /// Whether the error is [`SetError::InitializingError`].
    pub fn is_initializing_err(&self) -> bool {
        matches!(self, SetError::InitializingError(_))
    }

    /// Returns the value that could not be stored.
    pub fn into_inner(self) -> T {
        match self {
            SetError::AlreadyInitializedError(value) | SetError::InitializingError(value) => value,
        }
    }
}

impl<T> fmt::Debug for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::AlreadyInitializedError(_) => f.write_str("AlreadyInitializedError(..)"),
            SetError::InitializingError(_) => f.write_str("InitializingError(..)"),
        }
    }
}

impl<T> fmt::Display for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::AlreadyInitializedError(_) => f.write_str("cell already initialized"),
            SetError::InitializingError(_) => f.write_str("cell is being initialized"),
        }
    }
}

impl<T> Error for SetError<T> {}

impl<T> OnceCell<T> {
    /// Creates a new, empty cell.
    pub fn new() -> OnceCell<T> {
        OnceCell {
            value_set: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            semaphore: Semaphore::new(1),
        }
    }

    /// Creates a new, empty cell in a `const` context.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_sync::OnceCell;
    ///
    /// static CELL: OnceCell<u32> = OnceCell::const_new();
    /// assert!(CELL.get().is_none());
    /// ```
    #[cfg(not(rt_loom))]
    pub const fn const_new() -> OnceCell<T> {
        OnceCell {
            value_set: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            semaphore: Semaphore::const_new(1),
        }
    }

    /// Creates a cell holding `value`, or an empty one if `value` is `None`.
    pub fn new_with(value: Option<T>) -> OnceCell<T> {
        match value {
            None => OnceCell::new(),
            Some(value) => {
                let semaphore = Semaphore::new(0);
                // Rule 3: a set cell has a closed semaphore.
                semaphore.close();
                OnceCell {
                    value_set: AtomicBool::new(true),
                    value: UnsafeCell::new(MaybeUninit::new(value)),
                    semaphore,
                }
            }
        }
    }

    /// Returns `true` if the cell holds a value.
    pub fn initialized(&self) -> bool {
        // Ordering: Acquire pairs with the Release store in `set_value` (rule 2).
        self.value_set.load(Ordering::Acquire)
    }

    /// Returns a reference to the value, or `None` if the cell is empty.
    pub fn get(&self) -> Option<&T> {
        if self.initialized() {
            // SAFETY: `initialized` saw `true` with Acquire (rule 2).
            Some(unsafe { self.get_unchecked() })
        } else {
            None
        }
    }

    /// Returns a mutable reference to the value, or `None` if the cell is empty.
    ///
    /// The `&mut self` borrow proves nobody else is using the cell.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        if self.initialized_mut() {
            // SAFETY: the flag is `true`, so the slot is initialized; `&mut self` makes the
            // access exclusive (rule 5).
            Some(
                self.value
                    .with_mut(|ptr| unsafe { (*ptr).assume_init_mut() }),
            )
        } else {
            None
        }
    }

    /// Stores `value` if the cell is empty and nobody is initializing it.
    ///
    /// # Errors
    ///
    /// [`SetError::AlreadyInitializedError`] if the cell holds a value,
    /// [`SetError::InitializingError`] if another task is running an initializer right now.
    /// Either way the value is handed back.
    pub fn set(&self, value: T) -> Result<(), SetError<T>> {
        if self.initialized() {
            return Err(SetError::AlreadyInitializedError(value));
        }
        match self.semaphore.try_acquire() {
            Ok(permit) => {
                // Somebody may have stored a value between the check above and the acquire.
                if self.initialized() {
                    return Err(SetError::AlreadyInitializedError(value));
                }
                self.set_value(value, permit);
                Ok(())
            }
            Err(TryAcquireError::NoPermits) => Err(SetError::InitializingError(value)),
            // Rule 3.
            Err(TryAcquireError::Closed) => Err(SetError::AlreadyInitializedError(value)),
        }
    }

    /// Returns the value, first initializing the cell with `f` if it is empty.
    ///
    /// If another task is initializing the cell, this waits for it to finish and returns
    /// the value it stored. If the initializer is cancelled or panics, the attempt is
    /// abandoned, and one of the tasks waiting (if any) starts another attempt with its own
    /// `f`. Initializing the cell from within `f` deadlocks.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_sync::OnceCell;
    ///
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let cell = OnceCell::new();
    /// assert_eq!(*cell.get_or_init(|| async { 7 }).await, 7);
    /// assert_eq!(*cell.get_or_init(|| async { 8 }).await, 7);
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// If `f`'s future panics, the panic propagates to the caller and the cell stays empty.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe in that nothing is stored half-way: if the future is
    /// dropped while waiting, it loses its place in the queue; if it is dropped while its
    /// initializer runs, the initializer is dropped with it and the next waiter takes over.
    pub async fn get_or_init<F, Fut>(&self, f: F) -> &T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        match self
            .get_or_try_init(|| async { Ok::<T, std::convert::Infallible>(f().await) })
            .await
        {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// Returns the value, first initializing the cell with the fallible `f` if it is empty.
    ///
    /// As [`get_or_init`](OnceCell::get_or_init), except that `f` may fail: the error is
    /// returned, the cell stays empty, and the next waiter (if any) makes its own attempt.
    ///
    /// # Errors
    ///
    /// Returns what `f`'s future returned, if it ran and failed.
    ///
    /// # Panics
    ///
    /// If `f`'s future panics, the panic propagates to the caller and the cell stays empty.
    ///
    /// # Cancel safety
    ///
    /// As [`get_or_init`](OnceCell::get_or_init): dropping the future stores nothing, and
    /// hands the initialization over to the next waiter.
    pub async fn get_or_try_init<E, F, Fut>(&self, f: F) -> Result<&T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.get() {
            return Ok(value);
        }
        match self.semaphore.acquire().await {
            Ok(permit) => {
                // The previous permit holder may have stored a value; the semaphore's mutex
                // orders its store before our acquire (rule 1).
                if let Some(value) = self.get() {
                    return Ok(value);
                }
                // Rule 4: if this future is dropped or `f` fails or panics, `permit` is
                // dropped and goes to the next waiter.
                let value = f().await?;
                Ok(self.set_value(value, permit))
            }
            Err(_closed) => {
                // Rule 3: closed means set.
                debug_assert!(self.initialized());
                // SAFETY: the semaphore is closed only after `value_set` was stored (rule
                // 3), and the semaphore's mutex orders that store before this point.
                Ok(unsafe { self.get_unchecked() })
            }
        }
    }

    /// Takes the value out of the cell, or returns `None` if it is empty.
    pub fn into_inner(mut self) -> Option<T> {
        if self.initialized_mut() {
            // Ordering: exclusive access (rule 5); `Drop` then sees an empty cell.
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

    /// Takes the value out of the cell, leaving it empty (and ready to be set again).
    pub fn take(&mut self) -> Option<T> {
        std::mem::take(self).into_inner()
    }

    /// Reads `value_set` with exclusive access (rule 5).
    fn initialized_mut(&mut self) -> bool {
        // Ordering: `&mut self` already orders every earlier write before this read.
        self.value_set.load(Ordering::Relaxed)
    }

    /// Returns a reference to the value.
    ///
    /// # Safety
    ///
    /// - `value_set` must have been seen `true` with Acquire ordering (or the caller must
    ///   otherwise be ordered after the store that set it).
    unsafe fn get_unchecked(&self) -> &T {
        // SAFETY: by the caller's duty the slot is initialized and, by rule 2, never written
        // again while `self` is shared.
        self.value.with(|ptr| unsafe { (*ptr).assume_init_ref() })
    }

    /// Stores `value` while holding the write permit, and closes the cell for writers.
    fn set_value(&self, value: T, permit: SemaphorePermit<'_>) -> &T {
        // SAFETY: only the permit holder writes the slot (rule 1), and the slot is empty:
        // the holder checked `value_set` after acquiring, and no other permit holder can
        // have run since.
        self.value.with_mut(|ptr| unsafe { (*ptr).write(value) });
        // Ordering: Release pairs with the Acquire loads in `initialized` (rule 2).
        self.value_set.store(true, Ordering::Release);
        // Rule 1: nobody may hold the permit again.
        permit.forget();
        self.semaphore.close();
        // SAFETY: this thread stored `value_set` itself, just above.
        unsafe { self.get_unchecked() }
    }
}

impl<T> Default for OnceCell<T> {
    fn default() -> OnceCell<T> {
        OnceCell::new()
    }
}

impl<T> Drop for OnceCell<T> {
    fn drop(&mut self) {
        if self.initialized_mut() {
            // SAFETY: the flag is `true`, so the slot holds a value, and `&mut self` makes
            // this the last access (rule 5).
            self.value
                .with_mut(|ptr| unsafe { (*ptr).assume_init_drop() });
        }
    }
}

impl<T> From<T> for OnceCell<T> {
    fn from(value: T) -> OnceCell<T> {
        OnceCell::new_with(Some(value))
    }
}

impl<T: Clone> Clone for OnceCell<T> {
    fn clone(&self) -> OnceCell<T> {
        OnceCell::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for OnceCell<T> {
    fn eq(&self, other: &OnceCell<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceCell<T> {}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnceCell")
            .field("value", &self.get())
            .finish()
    }
}
