//! Loom models of the mutex (see `mutex`'s module doc, rules 1–3).
//!
//! The data lives in loom's `UnsafeCell`, so an access not ordered after the previous
//! holder's (a skipped acquire, a double release) fails the model as a data race; a lost
//! permit shows as a deadlock in `block_on`.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};

// std's `Arc`: the owned guards take one.
use loom::thread;
use std::sync::Arc;

use super::block_on;
use crate::Mutex;

/// Two threads each increment the counter twice under the lock: no update is lost, and
/// the lock passes between them through the queue.
#[test]
fn two_incrementers_lose_no_update() {
    loom::model(|| {
        let mutex = Arc::new(Mutex::new(0_usize));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let mutex = mutex.clone();
                thread::spawn(move || {
                    for _ in 0..2 {
                        let mut guard = block_on(mutex.lock());
                        let seen = *guard;
                        thread::yield_now();
                        *guard = seen + 1;
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(*mutex.try_lock().unwrap(), 4);
    });
}

/// A `try_lock` racing a `lock` while a third party releases: they never hold it at once,
/// the waiting `lock` always completes, and the lock is free at the end.
#[test]
fn try_lock_races_lock() {
    loom::model(|| {
        let mutex = Arc::new(Mutex::new(0_usize));
        let held = mutex.try_lock().unwrap();

        let locker = {
            let mutex = mutex.clone();
            thread::spawn(move || {
                let mut guard = block_on(mutex.lock());
                *guard += 1;
            })
        };
        let trier = {
            let mutex = mutex.clone();
            thread::spawn(move || {
                if let Ok(mut guard) = mutex.try_lock() {
                    *guard += 10;
                }
            })
        };
        drop(held);
        locker.join().unwrap();
        trier.join().unwrap();
        let value = *mutex.try_lock().unwrap();
        assert!(value == 1 || value == 11, "value {value}");
    });
}

/// A queued `lock` is cancelled while the holder releases: the permit goes on, and the
/// other waiter gets the lock.
#[test]
fn cancelled_lock_passes_the_lock_on() {
    loom::model(|| {
        let mutex = Arc::new(Mutex::new(0_usize));
        let held = mutex.clone().try_lock_owned().unwrap();
        let mut cx = Context::from_waker(Waker::noop());

        let waiter = {
            let mutex = mutex.clone();
            thread::spawn(move || {
                *block_on(mutex.lock()) += 1;
            })
        };
        {
            let mut cancelled = pin!(mutex.lock());
            let _ = cancelled.as_mut().poll(&mut cx);
            let releaser = thread::spawn(move || drop(held));
            releaser.join().unwrap();
        }
        waiter.join().unwrap();
        assert_eq!(*mutex.try_lock().unwrap(), 1);
    });
}
