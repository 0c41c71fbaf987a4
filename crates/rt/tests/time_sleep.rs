#![cfg(feature = "full")]
//! Sleeps on every flavour: durations, many at once, reset, drop, registration from other
//! threads, the coop budget, precision.

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use rt::time::{Instant, sleep, sleep_until};

/// A small deterministic generator for the random durations.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

rt_test! {
    use std::pin::pin;

    #[test]
    fn sleep_waits_at_least_its_duration() {
        rt().block_on(async {
            for d in [0, 1, 3, 10, 25] {
                let start = Instant::now();
                sleep(ms(d)).await;
                assert!(start.elapsed() >= ms(d), "sleep({d} ms) returned early");
            }
        });
    }

    #[test]
    fn hundred_thousand_concurrent_sleeps_all_complete() {
        let rt = rt();
        let done = Arc::new(AtomicUsize::new(0));
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        rt.block_on(async {
            let start = Instant::now();
            let mut handles = Vec::with_capacity(100_000);
            for _ in 0..100_000 {
                let d = ms(1 + rng.next() % 50);
                let done = done.clone();
                handles.push(rt::spawn(async move {
                    let begin = Instant::now();
                    sleep(d).await;
                    assert!(begin.elapsed() >= d, "woke early");
                    done.fetch_add(1, SeqCst);
                }));
            }
            for handle in handles {
                handle.await.unwrap();
            }
            assert!(start.elapsed() < Duration::from_secs(30));
        });
        assert_eq!(done.load(SeqCst), 100_000);
    }

    #[test]
    fn sleep_reset_earlier_and_later() {
        rt().block_on(async {
            // Registered, then moved earlier.
            let start = Instant::now();
            let mut s = pin!(sleep(Duration::from_secs(60)));
            assert!(futures_poll_once(s.as_mut()).await.is_pending());
            s.as_mut().reset(Instant::now() + ms(5));
            s.as_mut().await;
            assert!(start.elapsed() >= ms(5) && start.elapsed() < Duration::from_secs(30));
            assert!(s.is_elapsed());

            // Fired, then moved later: waits again.
            let start = Instant::now();
            s.as_mut().reset(Instant::now() + ms(10));
            assert!(!s.is_elapsed());
            s.as_mut().await;
            assert!(start.elapsed() >= ms(10));
            assert!(s.deadline().duration_since(start) >= ms(10));

            // Registered, then moved later.
            let start = Instant::now();
            let mut s = pin!(sleep(ms(1)));
            assert!(futures_poll_once(s.as_mut()).await.is_pending());
            s.as_mut().reset(Instant::now() + ms(20));
            s.as_mut().await;
            assert!(start.elapsed() >= ms(20));

            // Registered, then moved into the past: completes at once.
            let mut s = pin!(sleep(Duration::from_secs(60)));
            assert!(futures_poll_once(s.as_mut()).await.is_pending());
            s.as_mut().reset(Instant::now() - ms(1));
            rt::time::timeout(Duration::from_secs(10), s).await.unwrap();
        });
    }

    #[test]
    fn sleep_dropped_before_firing() {
        let rt = rt();
        rt.block_on(async {
            // Registered and dropped, many times over, from tasks and the block_on future.
            for _ in 0..1_000 {
                let mut s = Box::pin(sleep(ms(5)));
                assert!(futures_poll_once(s.as_mut()).await.is_pending());
                drop(s);
            }
            let dropped = Arc::new(AtomicBool::new(false));
            let flag = dropped.clone();
            let task = rt::spawn(async move {
                let _guard = OnDrop(move || flag.store(true, SeqCst));
                sleep(Duration::from_secs(3600)).await;
            });
            sleep(ms(2)).await;
            task.abort();
            assert!(task.await.unwrap_err().is_cancelled());
            assert!(dropped.load(SeqCst));
            // The timers still work.
            let start = Instant::now();
            sleep(ms(10)).await;
            assert!(start.elapsed() >= ms(10));
        });
    }

    #[test]
    fn sleep_until_in_the_past_completes() {
        rt().block_on(async {
            let past = Instant::now() - ms(50);
            let start = Instant::now();
            sleep_until(past).await;
            assert!(start.elapsed() < Duration::from_secs(5));
            let s = sleep(Duration::MAX);
            assert!(s.deadline() > Instant::now() + Duration::from_secs(86_400 * 365 * 29));
        });
    }

    #[test]
    fn sleep_registered_from_a_thread_outside_the_workers_wakes_the_driver() {
        let rt = rt();
        rt.block_on(async {
            // The driver is parked until the far timer; a blocking thread registers an early
            // one, which must wake the driver rather than wait for the far one.
            let far = rt::spawn(sleep(Duration::from_secs(3600)));
            sleep(ms(5)).await;
            let handle = rt::runtime::Handle::current();
            let start = Instant::now();
            rt::task::spawn_blocking(move || handle.block_on(sleep(ms(20)))).await.unwrap();
            let took = start.elapsed();
            assert!(took >= ms(20) && took < Duration::from_secs(10), "took {took:?}");
            far.abort();
        });
    }

    #[test]
    fn timeouts_registered_and_cancelled_from_many_tasks() {
        let rt = rt();
        rt.block_on(async {
            let start = Instant::now();
            let handles: Vec<_> = (0..16)
                .map(|_| {
                    rt::spawn(async {
                        for i in 0..5_000u32 {
                            // Pending once (registers), then ready (cancels).
                            let r = rt::time::timeout(Duration::from_secs(30), rt::task::yield_now()).await;
                            assert!(r.is_ok());
                            if i % 1_000 == 0 {
                                sleep(ms(1)).await;
                            }
                        }
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
            assert!(start.elapsed() < Duration::from_secs(30));
            // Nothing left behind: a short sleep still fires promptly.
            let begin = Instant::now();
            sleep(ms(3)).await;
            assert!(begin.elapsed() < Duration::from_secs(5));
        });
    }

    #[test]
    fn elapsed_sleeps_spend_the_coop_budget() {
        let rt = rt();
        rt.block_on(async {
            let stop = Arc::new(AtomicBool::new(false));
            let flag = stop.clone();
            let spinner = rt::spawn(async move {
                let mut fired = Box::pin(sleep(Duration::ZERO));
                fired.as_mut().await;
                // A fired sleep is ready forever; only the budget makes this loop yield.
                while !flag.load(SeqCst) {
                    fired.as_mut().await;
                }
            });
            let setter = rt::spawn(async move { stop.store(true, SeqCst) });
            setter.await.unwrap();
            spinner.await.unwrap();
        });
    }

    #[test]
    fn sleeps_fire_promptly() {
        let rt = rt();
        rt.block_on(async {
            let mut rng = XorShift(7);
            let handles: Vec<_> = (0..200)
                .map(|_| {
                    let d = ms(1 + rng.next() % 20);
                    rt::spawn(async move {
                        let deadline = Instant::now() + d;
                        rt::time::sleep_until(deadline).await;
                        Instant::now() - deadline
                    })
                })
                .collect();
            let mut lateness = Vec::new();
            for handle in handles {
                lateness.push(handle.await.unwrap());
            }
            lateness.sort();
            // Loose: the machine is shared. The bench measures the real figures.
            assert!(lateness[100] < ms(5), "median lateness {:?}", lateness[100]);
        });
    }
}

/// Polls a future once, returning whether it was ready.
async fn futures_poll_once<F: std::future::Future + Unpin>(mut f: F) -> std::task::Poll<F::Output> {
    std::future::poll_fn(|cx| std::task::Poll::Ready(std::pin::Pin::new(&mut f).poll(cx))).await
}

/// Runs its closure when dropped.
struct OnDrop<F: FnMut()>(F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}
