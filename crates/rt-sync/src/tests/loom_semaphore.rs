//! Loom models of the semaphore's protocol (see `semaphore`'s module doc, rules 1–4).
//!
//! Run with `RUSTFLAGS="--cfg rt_loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --lib
//! -p rt-sync --target-dir target/loom`. A lost permit shows as a deadlock in `block_on` or
//! a wrong count at the end; an over-grant as two holders at once.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};

use loom::sync::Arc;
use loom::sync::atomic::AtomicUsize;
use loom::sync::atomic::Ordering::SeqCst;
use loom::thread;

use super::block_on;
use crate::Semaphore;

/// Two acquirers racing the release of the only permit: each gets it in turn, never both
/// at once, and the permit is back at the end.
#[test]
fn two_acquirers_race_release() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let holders = Arc::new(AtomicUsize::new(0));
        let held = sem.try_acquire().unwrap();

        let acquirers: Vec<_> = (0..2)
            .map(|_| {
                let sem = sem.clone();
                let holders = holders.clone();
                thread::spawn(move || {
                    let permit = block_on(sem.acquire()).unwrap();
                    assert_eq!(holders.fetch_add(1, SeqCst), 0, "two holders of one permit");
                    holders.fetch_sub(1, SeqCst);
                    drop(permit);
                })
            })
            .collect();
        drop(held);
        for acquirer in acquirers {
            acquirer.join().unwrap();
        }
        assert_eq!(sem.available_permits(), 1);
    });
}

/// A waiter for two permits is dropped while `add_permits` assigns it one: the assigned
/// permit goes on to the waiter behind it, and the count adds up at the end.
#[test]
fn dropped_acquire_returns_assigned_permits() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let mut cx = Context::from_waker(Waker::noop());

        // Queue first, wanting two.
        let mut big = Box::pin(sem.acquire_many(2));
        assert!(big.as_mut().poll(&mut cx).is_pending());

        let adder = {
            let sem = sem.clone();
            thread::spawn(move || sem.add_permits(1))
        };
        let small = {
            let sem = sem.clone();
            thread::spawn(move || {
                let permit = block_on(sem.acquire()).unwrap();
                drop(permit);
            })
        };
        drop(big);
        adder.join().unwrap();
        small.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
    });
}

/// `close` racing a partially assigned waiter and a release: the waiter fails, and every
/// permit ends up available.
#[test]
fn close_returns_partial_assignment() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let closer = {
            let sem = sem.clone();
            thread::spawn(move || sem.close())
        };
        let adder = {
            let sem = sem.clone();
            thread::spawn(move || sem.add_permits(1))
        };
        let result = block_on(async {
            let acquire = pin!(sem.acquire_many(3));
            acquire.await.map(|permit| permit.num_permits())
        });
        closer.join().unwrap();
        adder.join().unwrap();
        assert!(
            result.is_err(),
            "only two permits exist, yet three were granted"
        );
        assert_eq!(sem.available_permits(), 2);
    });
}
