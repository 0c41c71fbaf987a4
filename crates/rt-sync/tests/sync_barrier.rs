//! `Barrier` on every runtime flavour: one leader per generation over several generations,
//! nobody released early, `n` of 0 and 1, and a dropped wait that still counts.

#[macro_use]
#[path = "../../rt/tests/support/flavors.rs"]
mod flavors;
#[path = "util/mod.rs"]
mod util;

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::task::Poll;

use rt_sync::Barrier;
use util::poll_once;

#[test]
fn zero_and_one_release_every_call_as_leader() {
    for n in [0, 1] {
        let barrier = Barrier::new(n);
        for _ in 0..3 {
            match poll_once(pin!(barrier.wait())) {
                Poll::Ready(result) => assert!(result.is_leader()),
                Poll::Pending => panic!("a barrier for {n} tasks made a call wait"),
            }
        }
    }
}

#[test]
fn a_lone_waiter_of_two_waits() {
    let barrier = Barrier::new(2);
    assert!(poll_once(pin!(barrier.wait())).is_pending());
}

#[test]
fn dropped_wait_still_counts_as_arrived() {
    // Not cancel safe, as Tokio: the arrival of a polled-then-dropped wait stays counted.
    let barrier = Barrier::new(2);
    {
        let mut first = pin!(barrier.wait());
        assert!(poll_once(first.as_mut()).is_pending());
    }
    match poll_once(pin!(barrier.wait())) {
        Poll::Ready(result) => assert!(result.is_leader()),
        Poll::Pending => panic!("the dropped wait was not counted"),
    }
}

#[test]
fn debug_shows_progress() {
    let barrier = Barrier::new(3);
    let mut waiting = pin!(barrier.wait());
    assert!(poll_once(waiting.as_mut()).is_pending());
    assert_eq!(
        format!("{barrier:?}"),
        "Barrier { n: 3, arrived: 1, generation: 0 }"
    );
}

rt_test! {
    #[test]
    fn one_leader_per_generation_over_several_generations() {
        const TASKS: usize = 8;
        const GENERATIONS: usize = 6;
        rt().block_on(async {
            let barrier = Arc::new(Barrier::new(TASKS));
            let arrived: Arc<Vec<AtomicUsize>> =
                Arc::new((0..GENERATIONS).map(|_| AtomicUsize::new(0)).collect());
            let leaders: Arc<Vec<AtomicUsize>> =
                Arc::new((0..GENERATIONS).map(|_| AtomicUsize::new(0)).collect());
            let handles: Vec<_> = (0..TASKS)
                .map(|_| {
                    let (barrier, arrived, leaders) =
                        (barrier.clone(), arrived.clone(), leaders.clone());
                    rt::spawn(async move {
                        // A task's i-th wait is in generation i: it cannot start the next
                        // one before this one is released.
                        for generation in 0..GENERATIONS {
                            arrived[generation].fetch_add(1, SeqCst);
                            let result = barrier.wait().await;
                            assert_eq!(
                                arrived[generation].load(SeqCst),
                                TASKS,
                                "released before every task arrived"
                            );
                            if result.is_leader() {
                                leaders[generation].fetch_add(1, SeqCst);
                            }
                            rt::task::yield_now().await;
                        }
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
            for (generation, count) in leaders.iter().enumerate() {
                assert_eq!(count.load(SeqCst), 1, "generation {generation}");
            }
        });
    }

    #[test]
    fn waiters_are_released_only_by_the_last_arrival() {
        rt().block_on(async {
            let barrier = Arc::new(Barrier::new(3));
            let arrived = Arc::new(AtomicUsize::new(0));
            let released = Arc::new(AtomicUsize::new(0));
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let (barrier, arrived, released) =
                        (barrier.clone(), arrived.clone(), released.clone());
                    rt::spawn(async move {
                        arrived.fetch_add(1, SeqCst);
                        let result = barrier.wait().await;
                        released.fetch_add(1, SeqCst);
                        result.is_leader()
                    })
                })
                .collect();
            while arrived.load(SeqCst) < 2 {
                rt::task::yield_now().await;
            }
            for _ in 0..20 {
                rt::task::yield_now().await;
            }
            assert_eq!(released.load(SeqCst), 0, "released before the third arrival");
            let mut leaders = usize::from(barrier.wait().await.is_leader());
            for handle in handles {
                leaders += usize::from(handle.await.unwrap());
            }
            assert_eq!(leaders, 1);
            assert_eq!(released.load(SeqCst), 2);
        });
    }

    #[test]
    fn zero_and_one_never_wait() {
        rt().block_on(async {
            for n in [0, 1] {
                let barrier = Arc::new(Barrier::new(n));
                let handles: Vec<_> = (0..4)
                    .map(|_| {
                        let barrier = barrier.clone();
                        rt::spawn(async move { barrier.wait().await.is_leader() })
                    })
                    .collect();
                for handle in handles {
                    assert!(handle.await.unwrap());
                }
            }
        });
    }
}
