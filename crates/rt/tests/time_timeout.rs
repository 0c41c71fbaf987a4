#![cfg(feature = "full")]
//! Timeouts on every flavour.

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;

use std::future::{pending, ready};
use std::time::Duration;

use rt::time::{Instant, timeout, timeout_at};

rt_test! {
    #[test]
    fn fires_around_a_block_on_future_that_keeps_waking_itself() {
        // The driver must still run (and fire the timer) while `block_on`'s own future is
        // woken on every poll and no task is queued.
        let elapsed = rt().block_on(async {
            let spin = std::future::poll_fn(|cx| {
                cx.waker().wake_by_ref();
                std::task::Poll::<()>::Pending
            });
            timeout(Duration::from_millis(20), spin).await
        });
        assert!(elapsed.is_err());
    }

    #[test]
    fn timeout_around_a_future_that_is_never_ready_elapses() {
        rt().block_on(async {
            let start = Instant::now();
            let err = timeout(Duration::from_millis(10), pending::<()>()).await.unwrap_err();
            assert!(start.elapsed() >= Duration::from_millis(10));
            assert_eq!(err.to_string(), "deadline has elapsed");
            let io: std::io::Error = err.into();
            assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
        });
    }

    #[test]
    fn timeout_around_a_ready_future_is_ok_even_with_zero_duration() {
        rt().block_on(async {
            assert_eq!(timeout(Duration::ZERO, ready(7)).await, Ok(7));
            assert_eq!(timeout(Duration::MAX, ready(8)).await, Ok(8));
            assert_eq!(timeout_at(Instant::now() - Duration::from_secs(1), ready(9)).await, Ok(9));
        });
    }

    #[test]
    fn timeout_at_past_deadline_with_pending_future_elapses() {
        rt().block_on(async {
            let past = Instant::now() - Duration::from_millis(5);
            assert!(timeout_at(past, pending::<()>()).await.is_err());
        });
    }

    #[test]
    fn timeout_accessors() {
        rt().block_on(async {
            let mut t = timeout(Duration::from_secs(1), ready(3));
            assert_eq!(t.get_ref().clone().into_inner(), 3);
            *t.get_mut() = ready(4);
            let inner = t.into_inner();
            assert_eq!(inner.await, 4);
        });
    }

    #[test]
    fn timeout_completes_when_inner_finishes_first() {
        rt().block_on(async {
            let out = timeout(Duration::from_secs(10), async {
                rt::time::sleep(Duration::from_millis(5)).await;
                5
            })
            .await;
            assert_eq!(out, Ok(5));
        });
    }

    #[test]
    fn timeout_fires_even_if_the_inner_future_spends_the_whole_budget() {
        rt().block_on(async {
            let busy = async {
                loop {
                    rt::task::consume_budget().await;
                }
            };
            let start = Instant::now();
            assert!(timeout(Duration::from_millis(10), busy).await.is_err());
            assert!(start.elapsed() < Duration::from_secs(10));
        });
    }
}
