#![cfg(feature = "full")]
//! `join!` and `try_join!`: outputs in order, concurrency on one task, the rotating start,
//! `biased;`, and `try_join!` stopping at the first error.

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;

use std::cell::RefCell;
use std::future::{Future, IntoFuture, pending, poll_fn, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::task::{Context, Poll, Waker};

/// Polls `future` once with a waker that does nothing.
fn poll_once<F: Future>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// Polls `future` to completion on this thread, with no runtime.
fn block_on_without_runtime<F: Future>(future: F, limit: usize) -> F::Output {
    let mut future = std::pin::pin!(future);
    for _ in 0..limit {
        if let Poll::Ready(output) = poll_once(future.as_mut()) {
            return output;
        }
    }
    panic!("not done after {limit} polls");
}

/// Logs `branch` on each poll; ready with `output` after `pending_polls` pending polls.
/// Counts its drops.
struct Logged<T> {
    log: Rc<RefCell<Vec<u32>>>,
    drops: Rc<AtomicUsize>,
    branch: u32,
    pending_polls: usize,
    output: Option<T>,
}

impl<T> Logged<T> {
    fn new(
        log: &Rc<RefCell<Vec<u32>>>,
        drops: &Rc<AtomicUsize>,
        branch: u32,
        pending_polls: usize,
        output: T,
    ) -> Logged<T> {
        Logged {
            log: log.clone(),
            drops: drops.clone(),
            branch,
            pending_polls,
            output: Some(output),
        }
    }
}

impl<T: Unpin> Future for Logged<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<T> {
        self.log.borrow_mut().push(self.branch);
        if self.pending_polls == 0 {
            return Poll::Ready(self.output.take().expect("polled after completion"));
        }
        self.pending_polls -= 1;
        Poll::Pending
    }
}

impl<T> Drop for Logged<T> {
    fn drop(&mut self) {
        self.drops.fetch_add(1, SeqCst);
    }
}

fn logs() -> (Rc<RefCell<Vec<u32>>>, Rc<AtomicUsize>) {
    (Rc::default(), Rc::default())
}

// ===== join! =====

#[test]
fn join_returns_the_outputs_in_written_order() {
    let (log, drops) = logs();
    let out = block_on_without_runtime(
        async {
            rt::join!(
                Logged::new(&log, &drops, 0, 3, "slow"),
                Logged::new(&log, &drops, 1, 0, 1u8),
                async { vec![2] },
            )
        },
        10,
    );
    assert_eq!(out, ("slow", 1u8, vec![2]));
    assert_eq!(drops.load(SeqCst), 2);
}

#[test]
fn join_of_nothing_and_of_one() {
    block_on_without_runtime(
        async {
            let () = rt::join!();
            let () = rt::join!(biased;);
            let (one,) = rt::join!(ready(1));
            assert_eq!(one, 1);
        },
        1,
    );
}

#[test]
fn join_starts_each_poll_at_the_next_future() {
    let (log, drops) = logs();
    let future = async {
        rt::join!(
            Logged::new(&log, &drops, 0, 10, ()),
            Logged::new(&log, &drops, 1, 10, ()),
            Logged::new(&log, &drops, 2, 10, ()),
        )
    };
    let mut future = std::pin::pin!(future);
    let mut polls = Vec::new();
    for _ in 0..4 {
        assert!(poll_once(future.as_mut()).is_pending());
        polls.push(std::mem::take(&mut *log.borrow_mut()));
    }
    assert_eq!(polls, [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 1, 2]]);
}

#[test]
fn biased_join_always_starts_at_the_first_future() {
    let (log, drops) = logs();
    let future = async {
        rt::join!(
            biased;
            Logged::new(&log, &drops, 0, 10, ()),
            Logged::new(&log, &drops, 1, 10, ()),
            Logged::new(&log, &drops, 2, 10, ()),
        )
    };
    let mut future = std::pin::pin!(future);
    for _ in 0..3 {
        assert!(poll_once(future.as_mut()).is_pending());
        assert_eq!(std::mem::take(&mut *log.borrow_mut()), [0, 1, 2]);
    }
}

#[test]
fn join_does_not_poll_finished_futures_again() {
    let (log, drops) = logs();
    block_on_without_runtime(
        async {
            rt::join!(
                biased;
                Logged::new(&log, &drops, 0, 0, ()),
                Logged::new(&log, &drops, 1, 2, ()),
            )
        },
        3,
    );
    assert_eq!(*log.borrow(), [0, 1, 1, 1]);
}

#[test]
fn join_runs_futures_that_wait_on_each_other() {
    let value = block_on_without_runtime(
        async {
            let flag = Rc::new(RefCell::new(false));
            let setter = {
                let flag = flag.clone();
                async move {
                    rt::task::yield_now().await;
                    *flag.borrow_mut() = true;
                }
            };
            let waiter = poll_fn(|_| {
                if *flag.borrow() {
                    Poll::Ready(5)
                } else {
                    Poll::Pending
                }
            });
            let ((), v) = rt::join!(setter, waiter);
            v
        },
        10,
    );
    assert_eq!(value, 5);
}

#[test]
fn join_accepts_into_future_and_many_futures() {
    struct Answer;
    impl IntoFuture for Answer {
        type Output = u32;
        type IntoFuture = std::future::Ready<u32>;
        fn into_future(self) -> Self::IntoFuture {
            ready(42)
        }
    }
    let out = block_on_without_runtime(
        async {
            rt::join!(
                Answer,
                ready(1),
                ready(2),
                ready(3),
                ready(4),
                ready(5),
                ready(6),
                ready(7),
                ready(8),
                ready(9),
                ready(10),
                ready(11),
                ready(12),
                ready(13),
                ready(14),
                ready(15),
                ready(16),
                ready(17),
                ready(18),
                ready(19)
            )
        },
        1,
    );
    assert_eq!(out.0, 42);
    assert_eq!(out.19, 19);
}

// ===== try_join! =====

#[test]
fn try_join_returns_every_value_when_all_succeed() {
    let out = block_on_without_runtime(
        async {
            rt::try_join!(
                async {
                    rt::task::yield_now().await;
                    Ok::<_, String>(1)
                },
                ready(Ok("two")),
                async { Ok(vec![3]) },
            )
        },
        5,
    );
    assert_eq!(out, Ok((1, "two", vec![3])));
}

#[test]
fn try_join_of_nothing_is_ok() {
    block_on_without_runtime(
        async {
            let unit: Result<(), u8> = rt::try_join!();
            assert_eq!(unit, Ok(()));
            let (one,) = rt::try_join!(ready(Ok::<_, ()>(1))).unwrap();
            assert_eq!(one, 1);
        },
        1,
    );
}

#[test]
fn try_join_short_circuits_on_the_first_error_and_drops_the_rest() {
    let (log, drops) = logs();
    let (drops_at_return, result) = block_on_without_runtime(
        async {
            let result = rt::try_join!(
                Logged::new(&log, &drops, 0, usize::MAX, Ok::<u8, &str>(0)),
                Logged::new(&log, &drops, 1, 2, Err::<u8, &str>("boom")),
                Logged::new(&log, &drops, 2, usize::MAX, Ok::<u8, &str>(2)),
            );
            (drops.load(SeqCst), result)
        },
        10,
    );
    assert_eq!(result, Err("boom"));
    // Every future was dropped by the time `try_join!` returned.
    assert_eq!(drops_at_return, 3);
    // The error came on the third poll; nothing was polled after it in that poll or later.
    let log = log.borrow();
    let error_at = log.iter().rposition(|&branch| branch == 1).unwrap();
    assert_eq!(log.iter().filter(|&&branch| branch == 1).count(), 3);
    // Third poll starts at branch 2, then 0, then 1: the error is the last thing polled.
    assert_eq!(error_at, log.len() - 1);
}

#[test]
fn try_join_does_not_poll_past_an_error_in_the_same_poll() {
    let (log, drops) = logs();
    let result = block_on_without_runtime(
        async {
            rt::try_join!(
                biased;
                Logged::new(&log, &drops, 0, 0, Err::<(), u8>(1)),
                Logged::new(&log, &drops, 1, 0, Ok::<(), u8>(())),
            )
        },
        1,
    );
    assert_eq!(result, Err(1));
    assert_eq!(*log.borrow(), [0]);
    assert_eq!(drops.load(SeqCst), 2);
}

#[test]
fn try_join_returns_the_error_that_came_first_not_the_first_written() {
    let result = block_on_without_runtime(
        async {
            rt::try_join!(
                async {
                    for _ in 0..5 {
                        rt::task::yield_now().await;
                    }
                    Err::<(), _>("late")
                },
                async {
                    rt::task::yield_now().await;
                    Err::<(), _>("early")
                },
            )
        },
        10,
    );
    assert_eq!(result, Err("early"));
}

#[test]
fn try_join_works_with_the_question_mark() {
    async fn sum(texts: [&str; 3]) -> Result<u32, std::num::ParseIntError> {
        let (a, b, c) = rt::try_join!(
            async { texts[0].parse::<u32>() },
            async { texts[1].parse::<u32>() },
            async { texts[2].parse::<u32>() },
        )?;
        Ok(a + b + c)
    }
    assert_eq!(block_on_without_runtime(sum(["1", "2", "3"]), 1), Ok(6));
    assert!(block_on_without_runtime(sum(["1", "x", "3"]), 1).is_err());
}

#[test]
fn try_join_rotates_its_start_like_join() {
    let (log, drops) = logs();
    let future = async {
        rt::try_join!(
            Logged::new(&log, &drops, 0, 10, Ok::<(), ()>(())),
            Logged::new(&log, &drops, 1, 10, Ok::<(), ()>(())),
        )
    };
    let mut future = std::pin::pin!(future);
    for expected in [[0, 1], [1, 0], [0, 1]] {
        assert!(poll_once(future.as_mut()).is_pending());
        assert_eq!(std::mem::take(&mut *log.borrow_mut()), expected);
    }
}

#[test]
fn a_pending_future_is_never_required_to_finish_after_an_error() {
    let result = block_on_without_runtime(
        async { rt::try_join!(pending::<Result<(), u8>>(), ready(Err::<(), u8>(9))) },
        1,
    );
    assert_eq!(result, Err(9));
}

// ===== On the runtime, every flavour. =====

rt_test! {
    use rt::sync::oneshot;

    #[test]
    fn join_spawned_tasks_and_local_futures() {
        rt().block_on(async {
            let (tx, rx) = oneshot::channel();
            let (sent, received, sum) = rt::join!(
                async move {
                    rt::task::yield_now().await;
                    tx.send(7u32).unwrap();
                    "sent"
                },
                async { rx.await.unwrap() },
                async {
                    let handles: Vec<_> = (0..8u32).map(|i| rt::spawn(async move { i })).collect();
                    let mut sum = 0;
                    for handle in handles {
                        sum += handle.await.unwrap();
                    }
                    sum
                },
            );
            assert_eq!((sent, received, sum), ("sent", 7, 28));
        });
    }

    #[test]
    fn try_join_join_handles_stops_at_the_failing_task() {
        rt().block_on(async {
            let (release_tx, release_rx) = oneshot::channel::<()>();
            let waiting = rt::spawn(async move {
                let _ = release_rx.await;
                Ok::<u32, String>(1)
            });
            let failing = rt::spawn(async { Err::<u32, String>("failed".to_owned()) });
            let result = rt::try_join!(
                async { waiting.await.map_err(|e| e.to_string())? },
                async { failing.await.map_err(|e| e.to_string())? },
            );
            assert_eq!(result, Err("failed".to_owned()));
            // The waiting join handle was dropped with `try_join!`; its task still runs.
            release_tx.send(()).unwrap();
        });
    }

    #[test]
    fn join_many_channels_from_other_tasks() {
        rt().block_on(async {
            let (txs, rxs): (Vec<_>, Vec<_>) = (0..4).map(|_| oneshot::channel::<u32>()).unzip();
            for (i, tx) in txs.into_iter().enumerate() {
                rt::spawn(async move { tx.send(i as u32 * 10).unwrap() });
            }
            let mut rxs = rxs.into_iter();
            let mut next = || rxs.next().unwrap();
            let (a, b, c, d) = rt::join!(next(), next(), next(), next());
            assert_eq!(
                (a.unwrap(), b.unwrap(), c.unwrap(), d.unwrap()),
                (0, 10, 20, 30)
            );
        });
    }
}
