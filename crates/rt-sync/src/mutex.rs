//! An asynchronous mutex, built on the FIFO [`Semaphore`].
//!
//! # Protocol
//!
//! A `Mutex` is a semaphore with one permit plus the data, in a cell. The rules, cited by
//! number in the code:
//!
//! 1. Whoever holds the permit has exclusive access to the data; nobody else touches it.
//!    The semaphore's Release/Acquire hand-off orders one holder's writes before the next
//!    holder's reads.
//! 2. A guard is the permit: acquiring it `forget`s the semaphore's permit object, and
//!    dropping the guard gives exactly one permit back with `add_permits(1)`. A guard that
//!    is mapped or moved hands that duty on and does not release itself.
//! 3. The semaphore is never closed, so an acquire can only succeed (or be cancelled).

use std::error::Error;
use std::fmt;
use std::marker::PhantomData;
use std::mem::{self, ManuallyDrop};
use std::ops::{Deref, DerefMut};
use std::ptr;
use std::sync::Arc;

use crate::blocking::block_on;
use crate::loom::UnsafeCell;
use crate::semaphore::Semaphore;

/// An asynchronous mutual-exclusion lock, for data shared between tasks.
///
/// Unlike `std::sync::Mutex`, locking does not block the thread: [`lock`](Mutex::lock)
/// waits asynchronously, and the guard may be held across an `.await`. Waiters are served
/// in the order they called `lock` (FIFO), so nobody starves.
///
/// The data is reached through the guard ([`MutexGuard`]); dropping the guard unlocks.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use rt_sync::Mutex;
///
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let count = Arc::new(Mutex::new(0));
/// let handles: Vec<_> = (0..4)
///     .map(|_| {
///         let count = count.clone();
///         rt::spawn(async move { *count.lock().await += 1 })
///     })
///     .collect();
/// for handle in handles {
///     handle.await.unwrap();
/// }
/// assert_eq!(*count.lock().await, 4);
/// # });
/// ```
pub struct Mutex<T: ?Sized> {
    /// One permit: the right to touch `c` (rule 1).
    s: Semaphore,
    c: UnsafeCell<T>,
}

// SAFETY: a `Mutex<T>` owns its `T`; sending it sends the `T`.
unsafe impl<T: ?Sized + Send> Send for Mutex<T> {}
// SAFETY: through `&Mutex<T>`, only the permit holder reaches the `T`, one thread at a time
// (rule 1), so sharing the mutex only moves the `T` between threads: `T: Send` suffices.
unsafe impl<T: ?Sized + Send> Sync for Mutex<T> {}

/// Error returned by [`Mutex::try_lock`] (and the `try_*` methods of `RwLock`): the lock is
/// held elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryLockError(());

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("operation would block")
    }
}

impl Error for TryLockError {}

impl TryLockError {
    pub(crate) fn new() -> TryLockError {
        TryLockError(())
    }
}

impl<T> Mutex<T> {
    /// Creates an unlocked mutex holding `t`.
    pub fn new(t: T) -> Mutex<T> {
        Mutex {
            s: Semaphore::new(1),
            c: UnsafeCell::new(t),
        }
    }

    /// Creates an unlocked mutex holding `t`, in a `const` context.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_sync::Mutex;
    ///
    /// static LOCK: Mutex<i32> = Mutex::const_new(5);
    /// assert_eq!(*LOCK.try_lock().unwrap(), 5);
    /// ```
    #[cfg(not(rt_loom))]
    pub const fn const_new(t: T) -> Mutex<T> {
        Mutex {
            s: Semaphore::const_new(1),
            c: UnsafeCell::new(t),
        }
    }

    /// Consumes the mutex and returns the data.
    pub fn into_inner(self) -> T {
        self.c.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Locks the mutex, waiting until it is free, and returns a guard that unlocks on drop.
    ///
    /// # Cancel safety
    ///
    /// Waiters are served in FIFO order. Dropping the future gives up its place in the
    /// queue, and nothing else: the lock is never left held by a cancelled call.
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        self.acquire().await;
        MutexGuard { lock: self }
    }

    /// Locks the mutex, waiting until it is free, and returns a guard that keeps the `Arc`
    /// alive, so it can outlive the borrow (be moved into a spawned task, say).
    ///
    /// # Cancel safety
    ///
    /// As [`lock`](Mutex::lock): dropping the future loses the place in the queue only.
    pub async fn lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        self.acquire().await;
        OwnedMutexGuard { lock: self }
    }

    /// Locks the mutex from synchronous code, blocking the thread until it is free.
    ///
    /// # Panics
    ///
    /// Panics if called from a thread that drives a runtime, where blocking would stall
    /// its tasks; `spawn_blocking` threads and plain threads may call it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rt_sync::Mutex;
    ///
    /// let mutex = Arc::new(Mutex::new(1));
    /// let m = mutex.clone();
    /// std::thread::spawn(move || *m.blocking_lock() += 1).join().unwrap();
    /// assert_eq!(*mutex.blocking_lock(), 2);
    /// ```
    #[track_caller]
    pub fn blocking_lock(&self) -> MutexGuard<'_, T> {
        block_on(self.lock())
    }

    /// Locks the mutex from synchronous code, blocking the thread, and returns an owned
    /// guard.
    ///
    /// # Panics
    ///
    /// As [`blocking_lock`](Mutex::blocking_lock).
    #[track_caller]
    pub fn blocking_lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        block_on(self.lock_owned())
    }

    /// Locks the mutex if it is free now, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryLockError`] if the mutex is held, or if tasks are queued for it (a `try_lock`
    /// never overtakes a waiter).
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        self.try_acquire()?;
        Ok(MutexGuard { lock: self })
    }

    /// Locks the mutex if it is free now, returning an owned guard.
    ///
    /// # Errors
    ///
    /// As [`try_lock`](Mutex::try_lock).
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        self.try_acquire()?;
        Ok(OwnedMutexGuard { lock: self })
    }

    /// Returns a mutable reference to the data; `&mut self` proves nobody holds the lock.
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: `&mut self` excludes every guard, so nobody else reaches the data.
        self.c.with_mut(|p| unsafe { &mut *p })
    }

    /// Takes the permit (rule 2).
    async fn acquire(&self) {
        match self.s.acquire().await {
            Ok(permit) => permit.forget(),
            Err(_) => unreachable!("the mutex semaphore is never closed"),
        }
    }

    /// Takes the permit if it is free (rule 2).
    fn try_acquire(&self) -> Result<(), TryLockError> {
        match self.s.try_acquire() {
            Ok(permit) => {
                permit.forget();
                Ok(())
            }
            Err(_) => Err(TryLockError::new()),
        }
    }

    /// The pointer to the data. Dereferencing it needs the permit (rule 1).
    fn data(&self) -> *mut T {
        self.c.with_mut(|p| p)
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Mutex<T> {
        Mutex::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(t: T) -> Mutex<T> {
        Mutex::new(t)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

/// A guard of a locked [`Mutex`]; the mutex unlocks when it is dropped.
///
/// Made by [`Mutex::lock`] and [`Mutex::try_lock`]. Dereferences to the data.
#[must_use = "if unused the Mutex will immediately unlock"]
#[clippy::has_significant_drop]
pub struct MutexGuard<'a, T: ?Sized> {
    /// The guard holds this mutex's permit (rule 2).
    lock: &'a Mutex<T>,
}

// SAFETY: a shared guard only gives `&T` out, so it may be shared when `T: Sync`.
unsafe impl<T: ?Sized + Sync> Sync for MutexGuard<'_, T> {}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// Makes a guard of a part of the locked data; the mutex stays locked until the new
    /// guard drops.
    ///
    /// An associated function (`MutexGuard::map(guard, f)`), so it does not shadow a
    /// method of `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_sync::{Mutex, MutexGuard};
    ///
    /// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let mutex = Mutex::new((1, 2));
    /// *MutexGuard::map(mutex.lock().await, |pair| &mut pair.1) = 5;
    /// assert_eq!(*mutex.lock().await, (1, 5));
    /// # });
    /// ```
    pub fn map<U: ?Sized, F>(mut this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data = f(&mut *this) as *mut U;
        let s = &this.lock.s;
        // Rule 2: the mapped guard takes over the permit.
        mem::forget(this);
        MappedMutexGuard {
            s,
            data,
            marker: PhantomData,
        }
    }

    /// Like [`map`](MutexGuard::map), but `f` may decline; then the original guard comes
    /// back.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returns `None`.
    pub fn try_map<U: ?Sized, F>(mut this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let data = match f(&mut *this) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let s = &this.lock.s;
        // Rule 2: the mapped guard takes over the permit.
        mem::forget(this);
        Ok(MappedMutexGuard {
            s,
            data,
            marker: PhantomData,
        })
    }

    /// Returns the mutex this guard locks.
    pub fn mutex(this: &Self) -> &'a Mutex<T> {
        this.lock
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard holds the permit (rules 1 and 2).
        unsafe { &*self.lock.data() }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the permit (rules 1 and 2), and `&mut self` makes this
        // the only reference through it.
        unsafe { &mut *self.lock.data() }
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.s.add_permits(1);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// An owned guard of a locked [`Mutex`]: it keeps the `Arc` alive, so it has no lifetime.
///
/// Made by [`Mutex::lock_owned`] and [`Mutex::try_lock_owned`].
#[must_use = "if unused the Mutex will immediately unlock"]
#[clippy::has_significant_drop]
pub struct OwnedMutexGuard<T: ?Sized> {
    /// The guard holds this mutex's permit (rule 2).
    lock: Arc<Mutex<T>>,
}

// SAFETY: a shared guard gives `&T` out (so `T: Sync`), and holds an `Arc` of the mutex,
// which may end up dropping it on another thread (so `T: Send`).
unsafe impl<T: ?Sized + Send + Sync> Sync for OwnedMutexGuard<T> {}

impl<T: ?Sized> OwnedMutexGuard<T> {
    /// Makes an owned guard of a part of the locked data; the mutex stays locked until the
    /// new guard drops. An associated function, as [`MutexGuard::map`].
    pub fn map<U: ?Sized, F>(mut this: Self, f: F) -> OwnedMappedMutexGuard<T, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data = f(&mut *this) as *mut U;
        let lock = Self::into_lock(this);
        OwnedMappedMutexGuard { data, lock }
    }

    /// Like [`map`](OwnedMutexGuard::map), but `f` may decline; then the original guard
    /// comes back.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returns `None`.
    pub fn try_map<U: ?Sized, F>(mut this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let data = match f(&mut *this) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let lock = Self::into_lock(this);
        Ok(OwnedMappedMutexGuard { data, lock })
    }

    /// Returns the mutex this guard locks.
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }

    /// Takes the `Arc` out without releasing the permit: the caller takes it over (rule 2).
    fn into_lock(this: Self) -> Arc<Mutex<T>> {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never used or dropped again, so the `Arc` is moved out once.
        unsafe { ptr::read(&this.lock) }
    }
}

impl<T: ?Sized> Deref for OwnedMutexGuard<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard holds the permit (rules 1 and 2).
        unsafe { &*self.lock.data() }
    }
}

impl<T: ?Sized> DerefMut for OwnedMutexGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the permit (rules 1 and 2), and `&mut self` makes this
        // the only reference through it.
        unsafe { &mut *self.lock.data() }
    }
}

impl<T: ?Sized> Drop for OwnedMutexGuard<T> {
    fn drop(&mut self) {
        self.lock.s.add_permits(1);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// A guard of a part of a locked [`Mutex`], made by [`MutexGuard::map`]; the mutex unlocks
/// when it is dropped.
#[must_use = "if unused the Mutex will immediately unlock"]
#[clippy::has_significant_drop]
pub struct MappedMutexGuard<'a, T: ?Sized> {
    /// The mutex's semaphore; the guard holds its permit (rule 2).
    s: &'a Semaphore,
    /// Points into the locked data.
    data: *mut T,
    marker: PhantomData<&'a mut T>,
}

// SAFETY: the guard is a `&mut T` into data its permit keeps exclusive (rule 1); it is as
// `Send` as `&mut T`.
unsafe impl<'a, T: ?Sized + Send + 'a> Send for MappedMutexGuard<'a, T> {}
// SAFETY: a shared guard only gives `&T` out, as `&mut T` is `Sync` when `T: Sync`.
unsafe impl<'a, T: ?Sized + Sync + 'a> Sync for MappedMutexGuard<'a, T> {}

impl<'a, T: ?Sized> MappedMutexGuard<'a, T> {
    /// Narrows the guard further. An associated function, as [`MutexGuard::map`].
    pub fn map<U: ?Sized, F>(mut this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data = f(&mut *this) as *mut U;
        let s = this.s;
        // Rule 2: the new guard takes over the permit.
        mem::forget(this);
        MappedMutexGuard {
            s,
            data,
            marker: PhantomData,
        }
    }

    /// Like [`map`](MappedMutexGuard::map), but `f` may decline.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returns `None`.
    pub fn try_map<U: ?Sized, F>(mut this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let data = match f(&mut *this) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let s = this.s;
        // Rule 2: the new guard takes over the permit.
        mem::forget(this);
        Ok(MappedMutexGuard {
            s,
            data,
            marker: PhantomData,
        })
    }
}

impl<T: ?Sized> Deref for MappedMutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: `data` points into the locked data, whose permit this guard holds
        // (rules 1 and 2).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for MappedMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as `deref`, and `&mut self` makes this the only reference through it.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized> Drop for MappedMutexGuard<'_, T> {
    fn drop(&mut self) {
        self.s.add_permits(1);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// An owned guard of a part of a locked [`Mutex`], made by [`OwnedMutexGuard::map`].
#[must_use = "if unused the Mutex will immediately unlock"]
#[clippy::has_significant_drop]
pub struct OwnedMappedMutexGuard<T: ?Sized, U: ?Sized = T> {
    /// Points into the locked data.
    data: *mut U,
    /// The guard holds this mutex's permit (rule 2).
    lock: Arc<Mutex<T>>,
}

// SAFETY: the guard is a `&mut U` into data its permit keeps exclusive (rule 1), plus an
// `Arc<Mutex<T>>`, which is `Send` when `T: Send`.
unsafe impl<T: ?Sized + Send, U: ?Sized + Send> Send for OwnedMappedMutexGuard<T, U> {}
// SAFETY: a shared guard gives `&U` out (so `U: Sync`), and its `Arc<Mutex<T>>` is `Sync`
// when `T: Send`; `Send + Sync` on both as Tokio.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync for OwnedMappedMutexGuard<T, U> {}

impl<T: ?Sized, U: ?Sized> OwnedMappedMutexGuard<T, U> {
    /// Narrows the guard further. An associated function, as [`MutexGuard::map`].
    pub fn map<S: ?Sized, F>(mut this: Self, f: F) -> OwnedMappedMutexGuard<T, S>
    where
        F: FnOnce(&mut U) -> &mut S,
    {
        let data = f(&mut *this) as *mut S;
        let lock = Self::into_lock(this);
        OwnedMappedMutexGuard { data, lock }
    }

    /// Like [`map`](OwnedMappedMutexGuard::map), but `f` may decline.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returns `None`.
    pub fn try_map<S: ?Sized, F>(mut this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, S>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut S>,
    {
        let data = match f(&mut *this) {
            Some(data) => data as *mut S,
            None => return Err(this),
        };
        let lock = Self::into_lock(this);
        Ok(OwnedMappedMutexGuard { data, lock })
    }

    /// Returns the mutex this guard locks.
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }

    /// Takes the `Arc` out without releasing the permit: the caller takes it over (rule 2).
    fn into_lock(this: Self) -> Arc<Mutex<T>> {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never used or dropped again, so the `Arc` is moved out once.
        unsafe { ptr::read(&this.lock) }
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedMappedMutexGuard<T, U> {
    type Target = U;

    fn deref(&self) -> &U {
        // SAFETY: `data` points into the locked data, whose permit this guard holds
        // (rules 1 and 2); the `Arc` keeps it alive.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedMappedMutexGuard<T, U> {
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: as `deref`, and `&mut self` makes this the only reference through it.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedMappedMutexGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.add_permits(1);
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedMappedMutexGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedMappedMutexGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
