//! An asynchronous reader-writer lock, built on the FIFO [`Semaphore`].
//!
//! # Protocol
//!
//! A `RwLock` is a semaphore with `mr` permits (the most readers at once) plus the data.
//! The rules, cited by number in the code:
//!
//! 1. A reader holds 1 permit and may read the data; a writer holds all `mr` and may
//!    write it. So a writer excludes everyone, and readers exclude writers only.
//! 2. The semaphore is FIFO: a writer waiting for its `mr` permits makes every later reader
//!    wait behind it (write preference without starving readers).
//! 3. A guard is its permits: acquiring `forget`s the semaphore's permit object, and
//!    dropping the guard gives its count back with `add_permits`. Mapping hands the duty on.
//!    `downgrade` gives back all but one.
//! 4. The semaphore is never closed.

use std::fmt;
use std::marker::PhantomData;
use std::mem::{self, ManuallyDrop};
use std::ops::{Deref, DerefMut};
use std::ptr;
use std::sync::Arc;

use crate::blocking::block_on;
use crate::loom::UnsafeCell;
use crate::mutex::TryLockError;
use crate::semaphore::Semaphore;

/// The most readers a lock allows by default (and at all): `u32::MAX >> 3`.
const MAX_READS: u32 = u32::MAX >> 3;

/// An asynchronous reader-writer lock: many readers or one writer at a time.
///
/// Fair and write-preferring: requests are served in arrival order, so a waiting writer
/// holds back readers that come after it, and neither side starves.
///
/// # Examples
///
/// ```
/// use rt_sync::RwLock;
///
/// # rt::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let lock = RwLock::new(5);
/// {
///     let r1 = lock.read().await;
///     let r2 = lock.read().await;
///     assert_eq!(*r1 + *r2, 10);
/// }
/// *lock.write().await += 1;
/// assert_eq!(*lock.read().await, 6);
/// # });
/// ```
pub struct RwLock<T: ?Sized> {
    /// Permits a writer takes (rule 1).
    mr: u32,
    s: Semaphore,
    c: UnsafeCell<T>,
}

// SAFETY: the lock owns its `T`; sending it sends the `T`.
unsafe impl<T: ?Sized + Send> Send for RwLock<T> {}
// SAFETY: through `&RwLock<T>` readers share `&T` across threads (`T: Sync`) and a writer
// gets `&mut T` on any thread (`T: Send`).
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLock<T> {}

impl<T> RwLock<T> {
    /// Creates an unlocked lock holding `value`.
    pub fn new(value: T) -> RwLock<T> {
        RwLock {
            mr: MAX_READS,
            s: Semaphore::new(MAX_READS as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Creates an unlocked lock holding `value` that lets at most `max_reads` readers in at
    /// once.
    ///
    /// # Panics
    ///
    /// Panics if `max_reads` is 0 or above `u32::MAX >> 3`.
    #[track_caller]
    pub fn with_max_readers(value: T, max_reads: u32) -> RwLock<T> {
        assert!(
            max_reads <= MAX_READS,
            "a RwLock may not be created with more than {MAX_READS} readers"
        );
        assert!(max_reads > 0, "a RwLock needs room for at least one reader");
        RwLock {
            mr: max_reads,
            s: Semaphore::new(max_reads as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Consumes the lock and returns the data.
    pub fn into_inner(self) -> T {
        self.c.into_inner()
    }
}

impl<T: ?Sized> RwLock<T> {
    /// Locks for reading, waiting behind any earlier writer (and, if `max_reads` readers
    /// are in, for one to leave).
    ///
    /// # Cancel safety
    ///
    /// Requests are served in FIFO order. Dropping the future gives up its place in the
    /// queue, and nothing else.
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        self.acquire(1).await;
        RwLockReadGuard::new(&self.s, self.c.with(|p| p))
    }

    /// Locks for reading and returns a guard that keeps the `Arc` alive.
    ///
    /// # Cancel safety
    ///
    /// As [`read`](RwLock::read): dropping the future loses the place in the queue only.
    pub async fn read_owned(self: Arc<Self>) -> OwnedRwLockReadGuard<T> {
        self.acquire(1).await;
        let data = self.c.with(|p| p);
        OwnedRwLockReadGuard { data, lock: self }
    }

    /// Locks for writing, waiting until every earlier reader and writer is gone.
    ///
    /// # Cancel safety
    ///
    /// Requests are served in FIFO order. Dropping the future gives up its place in the
    /// queue, and nothing else: permits set aside for it go back.
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        self.acquire(self.mr).await;
        RwLockWriteGuard::new(&self.s, self.mr, self.c.with_mut(|p| p))
    }

    /// Locks for writing and returns a guard that keeps the `Arc` alive.
    ///
    /// # Cancel safety
    ///
    /// As [`write`](RwLock::write): dropping the future loses the place in the queue only.
    pub async fn write_owned(self: Arc<Self>) -> OwnedRwLockWriteGuard<T> {
        self.acquire(self.mr).await;
        let data = self.c.with_mut(|p| p);
        OwnedRwLockWriteGuard {
            permits: self.mr,
            data,
            lock: self,
        }
    }

    /// Locks for reading if that is possible now, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryLockError`] if a writer holds the lock or is queued, or `max_reads` readers
    /// are in.
    pub fn try_read(&self) -> Result<RwLockReadGuard<'_, T>, TryLockError> {
        self.try_acquire(1)?;
        Ok(RwLockReadGuard::new(&self.s, self.c.with(|p| p)))
    }

    /// As [`try_read`](RwLock::try_read), returning an owned guard.
    ///
    /// # Errors
    ///
    /// As [`try_read`](RwLock::try_read).
    pub fn try_read_owned(self: Arc<Self>) -> Result<OwnedRwLockReadGuard<T>, TryLockError> {
        self.try_acquire(1)?;
        let data = self.c.with(|p| p);
        Ok(OwnedRwLockReadGuard { data, lock: self })
    }

    /// Locks for writing if the lock is free now, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryLockError`] if anyone holds the lock or waits for it.
    pub fn try_write(&self) -> Result<RwLockWriteGuard<'_, T>, TryLockError> {
        self.try_acquire(self.mr)?;
        Ok(RwLockWriteGuard::new(
            &self.s,
            self.mr,
            self.c.with_mut(|p| p),
        ))
    }

    /// As [`try_write`](RwLock::try_write), returning an owned guard.
    ///
    /// # Errors
    ///
    /// As [`try_write`](RwLock::try_write).
    pub fn try_write_owned(self: Arc<Self>) -> Result<OwnedRwLockWriteGuard<T>, TryLockError> {
        self.try_acquire(self.mr)?;
        let data = self.c.with_mut(|p| p);
        Ok(OwnedRwLockWriteGuard {
            permits: self.mr,
            data,
            lock: self,
        })
    }

    /// Locks for reading from synchronous code, blocking the thread.
    ///
    /// # Panics
    ///
    /// Panics if called from a thread that drives a runtime.
    #[track_caller]
    pub fn blocking_read(&self) -> RwLockReadGuard<'_, T> {
        block_on(self.read())
    }

    /// Locks for writing from synchronous code, blocking the thread.
    ///
    /// # Panics
    ///
    /// Panics if called from a thread that drives a runtime.
    #[track_caller]
    pub fn blocking_write(&self) -> RwLockWriteGuard<'_, T> {
        block_on(self.write())
    }

    /// Returns a mutable reference to the data; `&mut self` proves nobody holds the lock.
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: `&mut self` excludes every guard, so nobody else reaches the data.
        self.c.with_mut(|p| unsafe { &mut *p })
    }

    /// Takes `n` permits (rule 3).
    async fn acquire(&self, n: u32) {
        match self.s.acquire_many(n).await {
            Ok(permit) => permit.forget(),
            Err(_) => unreachable!("the RwLock semaphore is never closed"),
        }
    }

    /// Takes `n` permits if they are free (rule 3).
    fn try_acquire(&self, n: u32) -> Result<(), TryLockError> {
        match self.s.try_acquire_many(n) {
            Ok(permit) => {
                permit.forget();
                Ok(())
            }
            Err(_) => Err(TryLockError::new()),
        }
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> RwLock<T> {
        RwLock::new(T::default())
    }
}

impl<T> From<T> for RwLock<T> {
    fn from(value: T) -> RwLock<T> {
        RwLock::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

/// Forwards `Debug` and `Display` to the guarded data.
macro_rules! fmt_via_deref {
    ([$($gen:tt)*] $guard:ty) => {
        impl<$($gen)*> fmt::Debug for $guard
        where
            <$guard as Deref>::Target: fmt::Debug,
        {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }

        impl<$($gen)*> fmt::Display for $guard
        where
            <$guard as Deref>::Target: fmt::Display,
        {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&**self, f)
            }
        }
    };
}

/// A read guard of a [`RwLock`]; the reader leaves when it is dropped.
#[must_use = "if unused the RwLock will immediately unlock"]
#[clippy::has_significant_drop]
pub struct RwLockReadGuard<'a, T: ?Sized> {
    /// The lock's semaphore; the guard holds 1 of its permits (rule 3).
    s: &'a Semaphore,
    data: *const T,
    marker: PhantomData<&'a T>,
}

// SAFETY: the guard is a `&T` into data its permit keeps free of writers (rule 1).
unsafe impl<T: ?Sized + Sync> Send for RwLockReadGuard<'_, T> {}
// SAFETY: as `Send`: sharing the guard shares a `&T`.
unsafe impl<T: ?Sized + Sync> Sync for RwLockReadGuard<'_, T> {}

impl<'a, T: ?Sized> RwLockReadGuard<'a, T> {
    fn new(s: &'a Semaphore, data: *const T) -> RwLockReadGuard<'a, T> {
        RwLockReadGuard {
            s,
            data,
            marker: PhantomData,
        }
    }

    /// Makes a read guard of a part of the data; the reader stays in until the new guard
    /// drops. An associated function, so it does not shadow a method of `T`.
    pub fn map<U: ?Sized, F>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        match Self::try_map(this, |data| Some(f(data))) {
            Ok(guard) => guard,
            Err(_) => unreachable!("`f` always maps"),
        }
    }

    /// Like [`map`](RwLockReadGuard::map), but `f` may decline.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returns `None`.
    pub fn try_map<U: ?Sized, F>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let data = match f(&*this) {
            Some(data) => data as *const U,
            None => return Err(this),
        };
        let s = this.s;
        // Rule 3: the new guard takes over the permit.
        mem::forget(this);
        Ok(RwLockReadGuard::new(s, data))
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard holds a reader's permit, so no writer is in (rule 1).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        self.s.add_permits(1);
    }
}

fmt_via_deref!(['a, T: ?Sized] RwLockReadGuard<'a, T>);

/// A write guard of a [`RwLock`]; the writer leaves when it is dropped.
#[must_use = "if unused the RwLock will immediately unlock"]
#[clippy::has_significant_drop]
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    /// The lock's semaphore; the guard holds `permits` of its permits (rule 3).
    s: &'a Semaphore,
    permits: u32,
    data: *mut T,
    marker: PhantomData<&'a mut T>,
}

// SAFETY: the guard is a `&mut T` (needs `T: Send`) and can be downgraded to a shared
// reader (needs `T: Sync`), as Tokio.
unsafe impl<T: ?Sized + Send + Sync> Send for RwLockWriteGuard<'_, T> {}
// SAFETY: sharing the guard shares a `&T`; bounds as `Send`.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockWriteGuard<'_, T> {}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    fn new(s: &'a Semaphore, permits: u32, data: *mut T) -> RwLockWriteGuard<'a, T> {
        RwLockWriteGuard {
            s,
            permits,
            data,
            marker: PhantomData,
        }
    }

    /// Turns the writer into a reader without letting another writer in between: all
    /// permits but one go back, so queued readers may now enter.
    pub fn downgrade(self) -> RwLockReadGuard<'a, T> {
        let this = ManuallyDrop::new(self);
        // Rule 3: keep one permit for the read guard.
        this.s.add_permits(this.permits as usize - 1);
        RwLockReadGuard::new(this.s, this.data)
    }

    /// Makes a write guard of a part of the data; the writer stays in until the new guard
    /// drops. An associated function, so it does not shadow a method of `T`.
    pub fn map<U: ?Sized, F>(this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        match Self::try_map(this, |data| Some(f(data))) {
            Ok(guard) => guard,
            Err(_) => unreachable!("`f` always maps"),
        }
    }

    /// Like [`map`](RwLockWriteGuard::map), but `f` may decline.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returns `None`.
    pub fn try_map<U: ?Sized, F>(
        mut this: Self,
        f: F,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let data = match f(&mut *this) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let (s, permits) = (this.s, this.permits);
        // Rule 3: the new guard takes over the permits.
        mem::forget(this);
        Ok(RwLockMappedWriteGuard {
            s,
            permits,
            data,
            marker: PhantomData,
        })
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard holds every permit, so nobody else is in (rule 1).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as `deref`; `&mut self` makes this the only reference through it.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.s.add_permits(self.permits as usize);
    }
}

fmt_via_deref!(['a, T: ?Sized] RwLockWriteGuard<'a, T>);

/// A write guard of a part of a [`RwLock`]'s data, made by [`RwLockWriteGuard::map`].
#[must_use = "if unused the RwLock will immediately unlock"]
#[clippy::has_significant_drop]
pub struct RwLockMappedWriteGuard<'a, T: ?Sized> {
    /// The lock's semaphore; the guard holds `permits` of its permits (rule 3).
    s: &'a Semaphore,
    permits: u32,
    data: *mut T,
    marker: PhantomData<&'a mut T>,
}

// SAFETY: as `RwLockWriteGuard`.
unsafe impl<T: ?Sized + Send + Sync> Send for RwLockMappedWriteGuard<'_, T> {}
// SAFETY: as `RwLockWriteGuard`.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockMappedWriteGuard<'_, T> {}

impl<'a, T: ?Sized> RwLockMappedWriteGuard<'a, T> {
    /// Narrows the guard further. An associated function, as [`RwLockWriteGuard::map`].
    pub fn map<U: ?Sized, F>(this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        match Self::try_map(this, |data| Some(f(data))) {
            Ok(guard) => guard,
            Err(_) => unreachable!("`f` always maps"),
        }
    }

    /// Like [`map`](RwLockMappedWriteGuard::map), but `f` may decline.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returns `None`.
    pub fn try_map<U: ?Sized, F>(
        mut this: Self,
        f: F,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let data = match f(&mut *this) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let (s, permits) = (this.s, this.permits);
        // Rule 3: the new guard takes over the permits.
        mem::forget(this);
        Ok(RwLockMappedWriteGuard {
            s,
            permits,
            data,
            marker: PhantomData,
        })
    }
}

impl<T: ?Sized> Deref for RwLockMappedWriteGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard holds every permit, so nobody else is in (rule 1).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for RwLockMappedWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as `deref`; `&mut self` makes this the only reference through it.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized> Drop for RwLockMappedWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.s.add_permits(self.permits as usize);
    }
}

fmt_via_deref!(['a, T: ?Sized] RwLockMappedWriteGuard<'a, T>);

/// An owned read guard of a [`RwLock`], keeping the `Arc` alive; `U` is the part of `T`
/// it reads after [`map`](OwnedRwLockReadGuard::map).
#[must_use = "if unused the RwLock will immediately unlock"]
#[clippy::has_significant_drop]
pub struct OwnedRwLockReadGuard<T: ?Sized, U: ?Sized = T> {
    data: *const U,
    /// The guard holds 1 of this lock's permits (rule 3).
    lock: Arc<RwLock<T>>,
}

// SAFETY: a `&U` (needs `U: Sync`) plus an `Arc<RwLock<T>>` (needs `T: Send + Sync`).
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Sync> Send for OwnedRwLockReadGuard<T, U> {}
// SAFETY: as `Send`.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Sync> Sync for OwnedRwLockReadGuard<T, U> {}

impl<T: ?Sized, U: ?Sized> OwnedRwLockReadGuard<T, U> {
    /// Makes a read guard of a part of the data. An associated function, as
    /// [`RwLockReadGuard::map`].
    pub fn map<V: ?Sized, F>(this: Self, f: F) -> OwnedRwLockReadGuard<T, V>
    where
        F: FnOnce(&U) -> &V,
    {
        match Self::try_map(this, |data| Some(f(data))) {
            Ok(guard) => guard,
            Err(_) => unreachable!("`f` always maps"),
        }
    }

    /// Like [`map`](OwnedRwLockReadGuard::map), but `f` may decline.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returns `None`.
    pub fn try_map<V: ?Sized, F>(this: Self, f: F) -> Result<OwnedRwLockReadGuard<T, V>, Self>
    where
        F: FnOnce(&U) -> Option<&V>,
    {
        let data = match f(&*this) {
            Some(data) => data as *const V,
            None => return Err(this),
        };
        let lock = Self::into_lock(this);
        Ok(OwnedRwLockReadGuard { data, lock })
    }

    /// Returns the lock this guard reads.
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }

    /// Takes the `Arc` out without giving the permit back: the caller takes it over.
    fn into_lock(this: Self) -> Arc<RwLock<T>> {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never used or dropped again, so the `Arc` is moved out once.
        unsafe { ptr::read(&this.lock) }
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockReadGuard<T, U> {
    type Target = U;

    fn deref(&self) -> &U {
        // SAFETY: the guard holds a reader's permit, so no writer is in (rule 1); the
        // `Arc` keeps the data alive.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockReadGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.add_permits(1);
    }
}

fmt_via_deref!([T: ?Sized, U: ?Sized] OwnedRwLockReadGuard<T, U>);

/// An owned write guard of a [`RwLock`], keeping the `Arc` alive.
#[must_use = "if unused the RwLock will immediately unlock"]
#[clippy::has_significant_drop]
pub struct OwnedRwLockWriteGuard<T: ?Sized> {
    permits: u32,
    data: *mut T,
    /// The guard holds `permits` of this lock's permits (rule 3).
    lock: Arc<RwLock<T>>,
}

// SAFETY: as `RwLockWriteGuard`, plus an `Arc<RwLock<T>>`, which needs the same bounds.
unsafe impl<T: ?Sized + Send + Sync> Send for OwnedRwLockWriteGuard<T> {}
// SAFETY: as `Send`.
unsafe impl<T: ?Sized + Send + Sync> Sync for OwnedRwLockWriteGuard<T> {}

impl<T: ?Sized> OwnedRwLockWriteGuard<T> {
    /// Turns the writer into a reader without letting another writer in between.
    pub fn downgrade(self) -> OwnedRwLockReadGuard<T> {
        let (permits, data) = (self.permits, self.data as *const T);
        let lock = Self::into_lock(self);
        // Rule 3: keep one permit for the read guard.
        lock.s.add_permits(permits as usize - 1);
        OwnedRwLockReadGuard { data, lock }
    }

    /// Makes a write guard of a part of the data. An associated function, as
    /// [`RwLockWriteGuard::map`].
    pub fn map<U: ?Sized, F>(this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        match Self::try_map(this, |data| Some(f(data))) {
            Ok(guard) => guard,
            Err(_) => unreachable!("`f` always maps"),
        }
    }

    /// Like [`map`](OwnedRwLockWriteGuard::map), but `f` may decline.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returns `None`.
    pub fn try_map<U: ?Sized, F>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let data = match f(&mut *this) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let permits = this.permits;
        let lock = Self::into_lock(this);
        Ok(OwnedRwLockMappedWriteGuard {
            permits,
            data,
            lock,
        })
    }

    /// Returns the lock this guard writes.
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }

    /// Takes the `Arc` out without giving the permits back: the caller takes them over.
    fn into_lock(this: Self) -> Arc<RwLock<T>> {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never used or dropped again, so the `Arc` is moved out once.
        unsafe { ptr::read(&this.lock) }
    }
}

impl<T: ?Sized> Deref for OwnedRwLockWriteGuard<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard holds every permit, so nobody else is in (rule 1).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for OwnedRwLockWriteGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as `deref`; `&mut self` makes this the only reference through it.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized> Drop for OwnedRwLockWriteGuard<T> {
    fn drop(&mut self) {
        self.lock.s.add_permits(self.permits as usize);
    }
}

fmt_via_deref!([T: ?Sized] OwnedRwLockWriteGuard<T>);

/// An owned write guard of a part of a [`RwLock`]'s data, made by
/// [`OwnedRwLockWriteGuard::map`].
#[must_use = "if unused the RwLock will immediately unlock"]
#[clippy::has_significant_drop]
pub struct OwnedRwLockMappedWriteGuard<T: ?Sized, U: ?Sized = T> {
    permits: u32,
    data: *mut U,
    /// The guard holds `permits` of this lock's permits (rule 3).
    lock: Arc<RwLock<T>>,
}

// SAFETY: a `&mut U` (`U: Send + Sync`, as Tokio) plus an `Arc<RwLock<T>>`.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Send
    for OwnedRwLockMappedWriteGuard<T, U>
{
}
// SAFETY: as `Send`.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync
    for OwnedRwLockMappedWriteGuard<T, U>
{
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockMappedWriteGuard<T, U> {
    /// Narrows the guard further. An associated function, as [`RwLockWriteGuard::map`].
    pub fn map<V: ?Sized, F>(this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, V>
    where
        F: FnOnce(&mut U) -> &mut V,
    {
        match Self::try_map(this, |data| Some(f(data))) {
            Ok(guard) => guard,
            Err(_) => unreachable!("`f` always maps"),
        }
    }

    /// Like [`map`](OwnedRwLockMappedWriteGuard::map), but `f` may decline.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returns `None`.
    pub fn try_map<V: ?Sized, F>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, V>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut V>,
    {
        let data = match f(&mut *this) {
            Some(data) => data as *mut V,
            None => return Err(this),
        };
        let permits = this.permits;
        let lock = Self::into_lock(this);
        Ok(OwnedRwLockMappedWriteGuard {
            permits,
            data,
            lock,
        })
    }

    /// Returns the lock this guard writes.
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }

    /// Takes the `Arc` out without giving the permits back: the caller takes them over.
    fn into_lock(this: Self) -> Arc<RwLock<T>> {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never used or dropped again, so the `Arc` is moved out once.
        unsafe { ptr::read(&this.lock) }
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockMappedWriteGuard<T, U> {
    type Target = U;

    fn deref(&self) -> &U {
        // SAFETY: the guard holds every permit, so nobody else is in (rule 1).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedRwLockMappedWriteGuard<T, U> {
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: as `deref`; `&mut self` makes this the only reference through it.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockMappedWriteGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.add_permits(self.permits as usize);
    }
}

fmt_via_deref!([T: ?Sized, U: ?Sized] OwnedRwLockMappedWriteGuard<T, U>);
