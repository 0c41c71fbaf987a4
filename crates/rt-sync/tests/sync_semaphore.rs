//! `Semaphore` on every runtime flavour: permits, FIFO fairness, cancellation (including a
//! 100,000-future stress test), close, the permit guards, and the coop budget.

#[macro_use]
#[path = "../../rt/tests/support/flavors.rs"]
mod flavors;
#[path = "util/mod.rs"]
mod util;

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::task::Poll;

use rt_sync::{AcquireError, Semaphore, TryAcquireError};
use util::poll_once;

/// A small deterministic PRNG (xorshift64*), so a failing run can be replayed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

// `const_new` needs std's const constructors, which loom's types lack.
#[cfg(not(rt_loom))]
#[test]
fn max_permits_and_const_new() {
    assert_eq!(Semaphore::MAX_PERMITS, usize::MAX >> 3);
    static SEM: Semaphore = Semaphore::const_new(3);
    let permit = SEM.try_acquire_many(2).unwrap();
    assert_eq!(SEM.available_permits(), 1);
    drop(permit);
    assert_eq!(SEM.available_permits(), 3);
    let max = Semaphore::new(Semaphore::MAX_PERMITS);
    assert_eq!(max.available_permits(), Semaphore::MAX_PERMITS);
}

#[test]
#[should_panic(expected = "MAX_PERMITS")]
fn new_beyond_max_permits_panics() {
    let _ = Semaphore::new(Semaphore::MAX_PERMITS + 1);
}

#[test]
#[should_panic(expected = "would overflow MAX_PERMITS")]
fn add_permits_beyond_max_permits_panics() {
    let sem = Semaphore::new(Semaphore::MAX_PERMITS - 1);
    sem.add_permits(2);
}

#[test]
fn add_permits_panic_leaves_the_semaphore_usable() {
    let sem = Semaphore::new(Semaphore::MAX_PERMITS);
    let result = std::panic::catch_unwind(|| sem.add_permits(1));
    assert!(result.is_err());
    assert_eq!(sem.available_permits(), Semaphore::MAX_PERMITS);
    drop(sem.try_acquire().unwrap());
}

#[test]
fn errors_display() {
    assert_eq!(TryAcquireError::Closed.to_string(), "semaphore closed");
    assert_eq!(
        TryAcquireError::NoPermits.to_string(),
        "no permits available"
    );
    assert!(TryAcquireError::Closed.is_closed());
    assert!(TryAcquireError::NoPermits.is_no_permits());
    let sem = Semaphore::new(0);
    sem.close();
    let err = poll_closed(&sem);
    assert_eq!(err.to_string(), "semaphore closed");
    let _: &dyn std::error::Error = &err;
}

#[test]
#[should_panic(expected = "different semaphore")]
fn merging_permits_of_different_semaphores_panics() {
    let (a, b) = (Semaphore::new(1), Semaphore::new(1));
    let mut permit = a.try_acquire().unwrap();
    permit.merge(b.try_acquire().unwrap());
}

rt_test! {
    #[test]
    fn try_acquire_and_release() {
        rt().block_on(async {
            let sem = Semaphore::new(3);
            let one = sem.try_acquire().unwrap();
            let two = sem.try_acquire_many(2).unwrap();
            assert_eq!((one.num_permits(), two.num_permits()), (1, 2));
            assert_eq!(sem.available_permits(), 0);
            assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
            drop(two);
            assert_eq!(sem.available_permits(), 2);
            let zero = sem.try_acquire_many(0).unwrap();
            assert_eq!(zero.num_permits(), 0);
            drop((one, zero));
            assert_eq!(sem.available_permits(), 3);
        });
    }

    #[test]
    fn acquire_waits_for_a_release_from_another_task() {
        rt().block_on(async {
            let sem = Arc::new(Semaphore::new(1));
            let held = sem.clone().acquire_owned().await.unwrap();
            let waiter = {
                let sem = sem.clone();
                rt::spawn(async move { sem.acquire_owned().await.unwrap().num_permits() })
            };
            rt::task::yield_now().await;
            drop(held);
            assert_eq!(waiter.await.unwrap(), 1);
            assert_eq!(sem.available_permits(), 1);
        });
    }

    #[test]
    fn waiters_are_served_in_fifo_order() {
        rt().block_on(async {
            let sem = Semaphore::new(0);
            let mut a = pin!(sem.acquire());
            let mut b = pin!(sem.acquire());
            let mut c = pin!(sem.acquire());
            // Queue in the order b, c, a.
            assert!(poll_once(b.as_mut()).is_pending());
            assert!(poll_once(c.as_mut()).is_pending());
            assert!(poll_once(a.as_mut()).is_pending());
            sem.add_permits(1);
            assert!(poll_once(a.as_mut()).is_pending());
            assert!(poll_once(c.as_mut()).is_pending());
            let b = match poll_once(b.as_mut()) {
                Poll::Ready(permit) => permit.unwrap(),
                Poll::Pending => panic!("the first waiter did not get the permit"),
            };
            b.forget();
            sem.add_permits(1);
            assert!(poll_once(a.as_mut()).is_pending());
            assert!(poll_once(c.as_mut()).is_ready());
            sem.add_permits(1);
            assert!(poll_once(a.as_mut()).is_ready());
        });
    }

    #[test]
    fn large_waiter_blocks_later_small_ones() {
        rt().block_on(async {
            let sem = Semaphore::new(2);
            let held = sem.try_acquire_many(2).unwrap();
            let mut big = pin!(sem.acquire_many(2));
            let mut small = pin!(sem.acquire());
            assert!(poll_once(big.as_mut()).is_pending());
            assert!(poll_once(small.as_mut()).is_pending());

            let mut held = held;
            drop(held.split(1).unwrap());
            // One permit is free, but it is set aside for the first waiter.
            assert_eq!(sem.available_permits(), 0);
            assert!(poll_once(small.as_mut()).is_pending());
            assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
            assert!(poll_once(big.as_mut()).is_pending());

            drop(held);
            let big = match poll_once(big.as_mut()) {
                Poll::Ready(permit) => permit.unwrap(),
                Poll::Pending => panic!("the first waiter did not get both permits"),
            };
            assert_eq!(big.num_permits(), 2);
            assert!(poll_once(small.as_mut()).is_pending());
            drop(big);
            assert!(poll_once(small.as_mut()).is_ready());
            assert_eq!(sem.available_permits(), 2);
        });
    }

    #[test]
    fn dropped_acquire_gives_back_its_partial_assignment() {
        rt().block_on(async {
            let sem = Semaphore::new(0);
            {
                let mut big = pin!(sem.acquire_many(3));
                assert!(poll_once(big.as_mut()).is_pending());
                sem.add_permits(2);
                assert_eq!(sem.available_permits(), 0, "set aside for the waiter");
            }
            assert_eq!(sem.available_permits(), 2);

            // Handed on to the next waiter in line, rather than made available.
            let mut small = pin!(sem.acquire());
            {
                let mut big = pin!(sem.acquire_many(5));
                let held = sem.try_acquire_many(2).unwrap();
                assert!(poll_once(big.as_mut()).is_pending());
                assert!(poll_once(small.as_mut()).is_pending());
                drop(held);
                assert!(poll_once(small.as_mut()).is_pending());
            }
            assert!(poll_once(small.as_mut()).is_ready());
            assert_eq!(sem.available_permits(), 2);
        });
    }

    #[test]
    fn dropped_acquire_after_full_assignment_gives_everything_back() {
        rt().block_on(async {
            let sem = Semaphore::new(0);
            {
                let mut acquire = pin!(sem.acquire_many(2));
                assert!(poll_once(acquire.as_mut()).is_pending());
                sem.add_permits(2);
                // Granted but never polled again.
            }
            assert_eq!(sem.available_permits(), 2);
        });
    }

    #[test]
    fn close_fails_waiters_and_later_acquires() {
        rt().block_on(async {
            let sem = Arc::new(Semaphore::new(1));
            let held = sem.try_acquire().unwrap();
            let waiter = {
                let sem = sem.clone();
                rt::spawn(async move { sem.acquire_many(2).await.map(|p| p.num_permits()) })
            };
            while sem.available_permits() == 1 {
                rt::task::yield_now().await;
            }
            let mut partial = pin!(sem.acquire_many(3));
            assert!(poll_once(partial.as_mut()).is_pending());
            drop(held); // assigned to `waiter`, which still needs one more
            sem.close();
            assert!(sem.is_closed());
            assert_eq!(waiter.await.unwrap(), Err(poll_closed(&sem)));
            assert!(matches!(poll_once(partial.as_mut()), Poll::Ready(Err(_))));
            assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);
            assert!(sem.acquire().await.is_err());
            assert!(sem.clone().acquire_owned().await.is_err());
            // Permits still add up after closing, and can still be added.
            assert_eq!(sem.available_permits(), 1);
            sem.add_permits(1);
            assert_eq!(sem.available_permits(), 2);
        });
    }

    #[test]
    fn permits_held_across_close_are_returned() {
        rt().block_on(async {
            let sem = Semaphore::new(2);
            let permit = sem.acquire_many(2).await.unwrap();
            sem.close();
            drop(permit);
            assert_eq!(sem.available_permits(), 2);
        });
    }

    #[test]
    fn forget_split_merge() {
        rt().block_on(async {
            let sem = Arc::new(Semaphore::new(10));
            assert_eq!(sem.forget_permits(3), 3);
            assert_eq!(sem.available_permits(), 7);
            let mut permit = sem.acquire_many(4).await.unwrap();
            assert_eq!(sem.forget_permits(10), 3, "only what is available");
            assert_eq!(sem.available_permits(), 0);

            assert!(permit.split(5).is_none());
            let one = permit.split(1).unwrap();
            assert_eq!((permit.num_permits(), one.num_permits()), (3, 1));
            one.forget();
            permit.merge(sem.try_acquire_many(0).unwrap());
            assert_eq!(permit.num_permits(), 3);
            drop(permit);
            assert_eq!(sem.available_permits(), 3);

            let mut owned = sem.clone().acquire_many_owned(2).await.unwrap();
            assert!(Arc::ptr_eq(owned.semaphore(), &sem));
            let split = owned.split(1).unwrap();
            assert_eq!(split.num_permits(), 1);
            owned.merge(split);
            owned.merge(sem.clone().try_acquire_owned().unwrap());
            assert_eq!(owned.num_permits(), 3);
            assert_eq!(sem.available_permits(), 0);
            assert_eq!(
                sem.clone().try_acquire_many_owned(1).unwrap_err(),
                TryAcquireError::NoPermits
            );
            let forgotten = owned.split(1).unwrap();
            forgotten.forget();
            drop(owned);
            assert_eq!(sem.available_permits(), 2);
            assert!(format!("{sem:?}").contains("permits: 2"));
        });
    }

    #[test]
    fn owned_permits_move_between_tasks() {
        rt().block_on(async {
            let sem = Arc::new(Semaphore::new(2));
            let running = Arc::new(AtomicUsize::new(0));
            let handles: Vec<_> = (0..32)
                .map(|_| {
                    let (sem, running) = (sem.clone(), running.clone());
                    rt::spawn(async move {
                        let permit = sem.acquire_owned().await.unwrap();
                        assert!(running.fetch_add(1, SeqCst) < 2, "more holders than permits");
                        rt::task::yield_now().await;
                        running.fetch_sub(1, SeqCst);
                        drop(permit);
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
            assert_eq!(sem.available_permits(), 2);
        });
    }

    #[test]
    fn acquire_consumes_the_coop_budget() {
        rt().block_on(async {
            let sem = Semaphore::new(1);
            let other_ran = Arc::new(AtomicBool::new(false));
            let other = {
                let other_ran = other_ran.clone();
                rt::spawn(async move { other_ran.store(true, SeqCst) })
            };
            // Always ready, yet the loop must yield at some point for `other` to run.
            let mut rounds = 0;
            while !other_ran.load(SeqCst) {
                drop(sem.acquire().await.unwrap());
                rounds += 1;
                assert!(rounds < 100_000, "acquire never yielded");
            }
            other.await.unwrap();
        });
    }

    #[test]
    fn cancellation_stress_permits_add_up() {
        const INITIAL: usize = 5;
        const TASKS: u64 = 100;
        const FUTURES_PER_TASK: u64 = 1_000; // 100,000 acquire futures in all
        rt().block_on(async {
            let sem = Arc::new(Semaphore::new(INITIAL));
            let held = Arc::new(AtomicUsize::new(0));
            let completed = Arc::new(AtomicUsize::new(0));
            let dropped_queued = Arc::new(AtomicUsize::new(0));
            let handles: Vec<_> = (0..TASKS)
                .map(|task| {
                    let (sem, held) = (sem.clone(), held.clone());
                    let (completed, dropped_queued) = (completed.clone(), dropped_queued.clone());
                    rt::spawn(async move {
                        let mut rng = Rng::new(task + 1);
                        for _ in 0..FUTURES_PER_TASK {
                            let n = 1 + rng.below(3) as u32;
                            // How many polls before the drop: 0 (never queued) to 3;
                            // 4 means "await to completion".
                            let polls = rng.below(5);
                            let mut acquire = pin!(sem.acquire_many(n));
                            let mut permit = None;
                            let mut queued = false;
                            let mut done = 0;
                            while permit.is_none() && (polls == 4 || done < polls) {
                                done += 1;
                                let poll = poll_fn(|cx| Poll::Ready(acquire.as_mut().poll(cx))).await;
                                match poll {
                                    Poll::Ready(result) => permit = Some(result.unwrap()),
                                    Poll::Pending if polls == 4 => {
                                        // Wait for the wake-up like `.await` would.
                                        let mut first = true;
                                        poll_fn(|_| if std::mem::take(&mut first) { Poll::Pending::<()> } else { Poll::Ready(()) }).await;
                                    }
                                    Poll::Pending => {
                                        queued = true;
                                        rt::task::yield_now().await;
                                    }
                                }
                            }
                            if let Some(permit) = permit {
                                let now = held.fetch_add(n as usize, SeqCst) + n as usize;
                                assert!(now <= INITIAL, "{now} permits held out of {INITIAL}");
                                if rng.below(2) == 0 {
                                    rt::task::yield_now().await;
                                }
                                held.fetch_sub(n as usize, SeqCst);
                                drop(permit);
                                completed.fetch_add(1, SeqCst);
                            } else if queued {
                                dropped_queued.fetch_add(1, SeqCst);
                            }
                            // Otherwise `acquire` is dropped here, at whatever stage it reached.
                        }
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
            assert_eq!(sem.available_permits(), INITIAL);
            // Both outcomes happen often: the test cancels queued futures, not only idle ones.
            let (completed, dropped_queued) = (completed.load(SeqCst), dropped_queued.load(SeqCst));
            assert!(completed > 1_000 && dropped_queued > 1_000, "{completed} / {dropped_queued}");
            // And the semaphore still works: all the permits can be taken at once.
            drop(sem.try_acquire_many(INITIAL as u32).unwrap());
        });
    }
}

/// The error a closed semaphore gives.
fn poll_closed(sem: &Semaphore) -> AcquireError {
    match poll_once(pin!(sem.acquire())) {
        Poll::Ready(Err(err)) => err,
        _ => panic!("the semaphore is not closed"),
    }
}
