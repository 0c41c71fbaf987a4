#![cfg(feature = "full")]
//! `select!`: fairness, `biased;`, patterns that disable branches, preconditions, `else`,
//! when the futures are dropped, the coop budget, and the syntax it accepts.

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;

use std::cell::RefCell;
use std::future::{Future, IntoFuture, pending, poll_fn, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::task::{Context, Poll, Waker};

/// Polls `future` to completion on this thread, with no runtime: `select!` must not need
/// one. Panics if it is not done after `limit` polls.
fn block_on_without_runtime<F: Future>(future: F, limit: usize) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..limit {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("not done after {limit} polls");
}

/// Counts its polls and its drops; ready with `output` after `pending_polls` pending ones.
struct Probe<T> {
    polls: Arc<AtomicUsize>,
    drops: Arc<AtomicUsize>,
    pending_polls: usize,
    output: Option<T>,
}

impl<T: Unpin> Probe<T> {
    fn new(counters: &Counters, pending_polls: usize, output: T) -> Probe<T> {
        Probe {
            polls: counters.polls.clone(),
            drops: counters.drops.clone(),
            pending_polls,
            output: Some(output),
        }
    }
}

impl<T: Unpin> Future for Probe<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.polls.fetch_add(1, SeqCst);
        if self.pending_polls == 0 {
            return Poll::Ready(self.output.take().expect("polled after completion"));
        }
        self.pending_polls -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

impl<T> Drop for Probe<T> {
    fn drop(&mut self) {
        self.drops.fetch_add(1, SeqCst);
    }
}

#[derive(Default)]
struct Counters {
    polls: Arc<AtomicUsize>,
    drops: Arc<AtomicUsize>,
}

impl Counters {
    fn polls(&self) -> usize {
        self.polls.load(SeqCst)
    }

    fn drops(&self) -> usize {
        self.drops.load(SeqCst)
    }
}

/// A future that logs its branch number each time it is polled, and never completes.
fn logging_pending(log: &Rc<RefCell<Vec<u32>>>, branch: u32) -> impl Future<Output = ()> {
    let log = log.clone();
    poll_fn(move |_| {
        log.borrow_mut().push(branch);
        Poll::Pending
    })
}

#[test]
fn two_always_ready_branches_each_win_about_half_the_time() {
    const RUNS: u32 = 10_000;
    let mut wins = [0u32; 2];
    for _ in 0..RUNS {
        let winner = block_on_without_runtime(
            async {
                rt::select! {
                    () = ready(()) => 0,
                    () = ready(()) => 1,
                }
            },
            1,
        );
        wins[winner] += 1;
    }
    for (branch, &won) in wins.iter().enumerate() {
        assert!(
            (RUNS * 40 / 100..=RUNS * 60 / 100).contains(&won),
            "branch {branch} won {won} of {RUNS} runs: {wins:?}"
        );
    }
}

#[test]
fn no_branch_of_many_is_starved() {
    const RUNS: u32 = 20_000;
    let mut wins = [0u32; 4];
    for _ in 0..RUNS {
        let winner = block_on_without_runtime(
            async {
                rt::select! {
                    () = ready(()) => 0,
                    () = ready(()) => 1,
                    () = ready(()) => 2,
                    () = ready(()) => 3,
                }
            },
            1,
        );
        wins[winner] += 1;
    }
    // 5,000 expected each; a fair coin stays within a few hundred.
    assert!(
        wins.iter().all(|&won| (4_000..=6_000).contains(&won)),
        "{wins:?}"
    );
}

#[test]
fn the_first_branch_polled_is_random() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut first = [0u32; 3];
    for _ in 0..3_000 {
        log.borrow_mut().clear();
        let future = async {
            rt::select! {
                () = logging_pending(&log, 0) => {}
                () = logging_pending(&log, 1) => {}
                () = logging_pending(&log, 2) => {}
            }
        };
        let mut future = std::pin::pin!(future);
        let poll = future
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()));
        assert!(poll.is_pending());
        let order = log.borrow().clone();
        // Every branch once per poll, in rotated order.
        let start = order[0];
        assert_eq!(order, [start, (start + 1) % 3, (start + 2) % 3]);
        first[start as usize] += 1;
    }
    assert!(first.iter().all(|&n| n > 800), "{first:?}");
}

#[test]
fn biased_polls_in_the_written_order() {
    let log = Rc::new(RefCell::new(Vec::new()));
    for _ in 0..100 {
        log.borrow_mut().clear();
        let future = async {
            rt::select! {
                biased;
                () = logging_pending(&log, 0) => {}
                () = logging_pending(&log, 1) => {}
                () = logging_pending(&log, 2) => {}
            }
        };
        let mut future = std::pin::pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        assert!(future.as_mut().poll(&mut cx).is_pending());
        assert!(future.as_mut().poll(&mut cx).is_pending());
        assert_eq!(*log.borrow(), [0, 1, 2, 0, 1, 2]);
    }
}

#[test]
fn biased_picks_the_first_ready_branch_every_time() {
    for _ in 0..1_000 {
        let winner = block_on_without_runtime(
            async {
                rt::select! {
                    biased;
                    () = pending::<()>() => 0,
                    () = ready(()) => 1,
                    () = ready(()) => 2,
                }
            },
            1,
        );
        assert_eq!(winner, 1);
    }
}

#[test]
fn every_future_is_dropped_before_the_handler_runs() {
    for _ in 0..200 {
        let counters = Counters::default();
        let handler_saw = block_on_without_runtime(
            async {
                rt::select! {
                    v = Probe::new(&counters, 2, 1) => (v, counters.drops()),
                    v = Probe::new(&counters, 5, 2) => (v, counters.drops()),
                    v = Probe::new(&counters, 9, 3) => (v, counters.drops()),
                }
            },
            10,
        );
        // The quickest branch won; all three futures (the winner's too) were gone when
        // its handler ran.
        assert_eq!(handler_saw, (1, 3));
        assert_eq!(counters.drops(), 3);
    }
}

#[test]
fn losers_are_dropped_without_completing() {
    let counters = Counters::default();
    let polls_at_win = block_on_without_runtime(
        async {
            rt::select! {
                () = Probe::new(&counters, usize::MAX, ()) => unreachable!(),
                () = Probe::new(&counters, 3, ()) => counters.polls(),
            }
        },
        10,
    );
    // Both were polled on each of the first three polls, and the winner on the fourth
    // (the loser too, if it came first); nothing polls them afterwards.
    assert!((7..=8).contains(&polls_at_win), "{polls_at_win}");
    assert_eq!(counters.polls(), polls_at_win);
    assert_eq!(counters.drops(), 2);
}

#[test]
fn a_pattern_that_does_not_match_disables_the_branch() {
    for _ in 0..200 {
        let counters = Counters::default();
        let value = block_on_without_runtime(
            async {
                rt::select! {
                    Some(v) = Probe::new(&counters, 0, None::<u32>) => v,
                    v = async {
                        rt::task::yield_now().await;
                        rt::task::yield_now().await;
                        7
                    } => v,
                }
            },
            // `yield_now` outside a runtime wakes at once.
            10,
        );
        assert_eq!(value, 7);
        // The probe completed (with `None`) on its first poll and was not polled again.
        assert_eq!(counters.polls(), 1);
    }
}

#[test]
fn else_runs_when_every_pattern_fails() {
    let value = block_on_without_runtime(
        async {
            rt::select! {
                Some(v) = ready(None::<u8>) => v,
                Ok(v) = ready(Err::<u8, ()>(())) => v,
                else => 99,
            }
        },
        1,
    );
    assert_eq!(value, 99);
}

#[test]
#[should_panic(expected = "all branches are disabled and there is no else branch")]
fn every_branch_disabled_without_else_panics() {
    block_on_without_runtime(
        async {
            rt::select! {
                Some(v) = ready(None::<u8>) => v,
                v = ready(1u8), if false => v,
            }
        },
        1,
    );
}

#[test]
fn a_false_precondition_disables_the_branch_but_evaluates_its_expression() {
    // As Tokio: the expression is evaluated, the future it makes is never polled.
    let evaluated = AtomicUsize::new(0);
    let polled = AtomicUsize::new(0);
    let make = |value: u32| {
        evaluated.fetch_add(1, SeqCst);
        let polled = &polled;
        async move {
            polled.fetch_add(1, SeqCst);
            value
        }
    };
    for _ in 0..100 {
        let value = block_on_without_runtime(
            async {
                rt::select! {
                    v = make(1), if false => v,
                    v = make(2), if 1 + 1 == 2 => v,
                }
            },
            1,
        );
        assert_eq!(value, 2);
    }
    assert_eq!(evaluated.load(SeqCst), 200);
    assert_eq!(
        polled.load(SeqCst),
        100,
        "only the enabled branch's future was polled"
    );

    let value = block_on_without_runtime(
        async {
            rt::select! {
                v = make(1), if false => v,
                else => 0,
            }
        },
        1,
    );
    assert_eq!(value, 0);
    assert_eq!(polled.load(SeqCst), 100);
}

#[test]
fn preconditions_are_evaluated_before_any_future() {
    let log = RefCell::new(Vec::new());
    let step = |name: &'static str| {
        log.borrow_mut().push(name);
        true
    };
    block_on_without_runtime(
        async {
            rt::select! {
                biased;
                () = { step("future 0"); ready(()) }, if step("condition 0") => {}
                () = { step("future 1"); ready(()) }, if step("condition 1") => {}
            }
        },
        1,
    );
    assert_eq!(
        *log.borrow(),
        ["condition 0", "condition 1", "future 0", "future 1"]
    );
}

#[test]
fn handlers_control_the_enclosing_function() {
    async fn first_even(values: Vec<u32>) -> Result<u32, String> {
        let mut seen = 0;
        for value in values {
            rt::select! {
                () = ready(()), if value == 0 => return Err("zero".to_owned()),
                v = ready(value) => {
                    seen += 1;
                    if v % 2 == 1 {
                        continue;
                    }
                    if v > 100 {
                        break;
                    }
                    let parsed: u32 = v.to_string().parse().map_err(|_| "parse".to_owned())?;
                    return Ok(parsed + seen * 1000);
                }
            }
        }
        Err(format!("none after {seen}"))
    }
    let run = |values: Vec<u32>| block_on_without_runtime(first_even(values), 1);
    assert_eq!(run(vec![1, 3, 4]), Ok(3004));
    assert_eq!(run(vec![1, 101, 102, 4]), Err("none after 3".to_owned()));
    assert_eq!(run(vec![1, 3]), Err("none after 2".to_owned()));
    // Both branches are ready for a zero: either returns early.
    let zero = run(vec![0]);
    assert!(
        zero == Ok(1000) || zero == Err("zero".to_owned()),
        "{zero:?}"
    );
}

#[test]
fn bindings_can_be_mutable_references_and_nested() {
    struct Point {
        x: i32,
        y: i32,
    }
    let value = block_on_without_runtime(
        async {
            rt::select! {
                mut v = ready(vec![1]) => {
                    v.push(2);
                    v.len()
                }
            }
        },
        1,
    );
    assert_eq!(value, 2);

    let (a, b) = block_on_without_runtime(
        async {
            rt::select! {
                (a, ref b) = ready((1, String::from("b"))) => (a, b.clone()),
            }
        },
        1,
    );
    assert_eq!((a, b.as_str()), (1, "b"));

    let value = block_on_without_runtime(
        async {
            rt::select! {
                Point { x: 0, y } = ready(Point { x: 1, y: 5 }) => y,
                Point { x, y: mut twice @ 1..=9 } = ready(Point { x: 3, y: 4 }) => {
                    twice *= 2;
                    x + twice
                }
                else => -1,
            }
        },
        1,
    );
    assert_eq!(value, 11);

    let value = block_on_without_runtime(
        async {
            rt::select! {
                Ok(v) | Err(v) = ready(Err::<u8, u8>(4)) => v,
            }
        },
        1,
    );
    assert_eq!(value, 4);

    let value = block_on_without_runtime(
        async {
            let shared = 5;
            rt::select! {
                &v = ready(&shared) => v + 1,
            }
        },
        1,
    );
    assert_eq!(value, 6);
}

#[test]
fn handler_forms_and_trailing_commas() {
    let run = || {
        block_on_without_runtime(
            async {
                let a = rt::select! {
                    v = ready(1) => { v }
                    v = ready(1), if true => { v },
                    v = ready(1), if true => { v }
                    v = ready(1) => v,
                    v = ready(1), if true => v
                };
                let b = rt::select! { v = ready(2) => v, else => 0 };
                let c = rt::select! { v = ready(3) => v, else => { 0 } };
                let d = rt::select! { else => 4 };
                let e = rt::select! { biased; else => 5, };
                let f = rt::select! { biased; _ = ready(()) => 6 };
                (a, b, c, d, e, f)
            },
            1,
        )
    };
    assert_eq!(run(), (1, 2, 3, 4, 5, 6));
}

#[test]
fn sixty_four_branches() {
    let mut wins = [0u32; 64];
    for _ in 0..6_400 {
        let winner = block_on_without_runtime(
            async {
                rt::select! {
                    v = ready(0) => v, v = ready(1) => v, v = ready(2) => v, v = ready(3) => v,
                    v = ready(4) => v, v = ready(5) => v, v = ready(6) => v, v = ready(7) => v,
                    v = ready(8) => v, v = ready(9) => v, v = ready(10) => v, v = ready(11) => v,
                    v = ready(12) => v, v = ready(13) => v, v = ready(14) => v, v = ready(15) => v,
                    v = ready(16) => v, v = ready(17) => v, v = ready(18) => v, v = ready(19) => v,
                    v = ready(20) => v, v = ready(21) => v, v = ready(22) => v, v = ready(23) => v,
                    v = ready(24) => v, v = ready(25) => v, v = ready(26) => v, v = ready(27) => v,
                    v = ready(28) => v, v = ready(29) => v, v = ready(30) => v, v = ready(31) => v,
                    v = ready(32) => v, v = ready(33) => v, v = ready(34) => v, v = ready(35) => v,
                    v = ready(36) => v, v = ready(37) => v, v = ready(38) => v, v = ready(39) => v,
                    v = ready(40) => v, v = ready(41) => v, v = ready(42) => v, v = ready(43) => v,
                    v = ready(44) => v, v = ready(45) => v, v = ready(46) => v, v = ready(47) => v,
                    v = ready(48) => v, v = ready(49) => v, v = ready(50) => v, v = ready(51) => v,
                    v = ready(52) => v, v = ready(53) => v, v = ready(54) => v, v = ready(55) => v,
                    v = ready(56) => v, v = ready(57) => v, v = ready(58) => v, v = ready(59) => v,
                    v = ready(60) => v, v = ready(61) => v, v = ready(62) => v,
                    Some(v) = ready(Some(63)) => v,
                }
            },
            1,
        );
        wins[winner] += 1;
    }
    // 100 expected each.
    assert!(wins.iter().all(|&won| won > 30), "{wins:?}");
}

#[test]
fn a_branch_with_an_uninhabited_output() {
    let value = block_on_without_runtime(
        async {
            rt::select! {
                never = pending::<std::convert::Infallible>() => match never {},
                v = ready(1) => v,
            }
        },
        1,
    );
    assert_eq!(value, 1);
}

#[test]
fn into_future_values_are_accepted() {
    struct Answer;
    impl IntoFuture for Answer {
        type Output = u32;
        type IntoFuture = std::future::Ready<u32>;
        fn into_future(self) -> Self::IntoFuture {
            ready(42)
        }
    }
    let value = block_on_without_runtime(
        async {
            rt::select! { v = Answer => v }
        },
        1,
    );
    assert_eq!(value, 42);
}

#[test]
fn a_pinned_future_survives_the_iterations_of_a_loop() {
    let counters = Counters::default();
    let value = block_on_without_runtime(
        async {
            let slow = Probe::new(&counters, 5, "slow");
            rt::pin!(slow);
            let mut ticks = 0;
            loop {
                rt::select! {
                    biased;
                    v = &mut slow => break (v, ticks),
                    () = ready(()) => ticks += 1,
                }
            }
        },
        100,
    );
    assert_eq!(value, ("slow", 5));
    // One future across all iterations, dropped once at the end.
    assert_eq!(counters.drops(), 1);
    assert_eq!(counters.polls(), 6);
}

#[test]
fn the_macro_works_under_another_crate_name() {
    use rt as renamed;
    let value = block_on_without_runtime(
        async {
            renamed::select! {
                v = ready(1) => v,
                else => 0,
            }
        },
        1,
    );
    assert_eq!(value, 1);
}

/// No prelude: every path in the expansion must be absolute.
#[no_implicit_prelude]
mod without_prelude {
    #[allow(dead_code)]
    async fn select_join_try_join_pin() -> ::std::result::Result<u32, ()> {
        let a = ::std::future::ready(1u32);
        ::rt::pin!(a);
        let b = ::rt::select! {
            v = &mut a => v,
            ::std::option::Option::Some(v) = ::std::future::ready(::std::option::Option::Some(2u32)) => v,
            else => 0,
        };
        let (c, d) = ::rt::join!(::std::future::ready(3u32), ::std::future::ready(4u32));
        let (e,) = ::rt::try_join!(::std::future::ready(::std::result::Result::<u32, ()>::Ok(
            5
        )))?;
        ::std::result::Result::Ok(b + c + d + e)
    }
}

#[test]
fn select_yields_when_the_coop_budget_is_spent() {
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        rt::spawn(async {
            // Spend the whole budget of this poll.
            loop {
                let mut spend = std::pin::pin!(rt::task::consume_budget());
                let poll = poll_fn(|cx| Poll::Ready(spend.as_mut().poll(cx))).await;
                if poll.is_pending() {
                    break;
                }
            }
            // An always-ready branch does not get polled: `select!` yields first.
            let polled = AtomicUsize::new(0);
            let mut select = std::pin::pin!(async {
                rt::select! {
                    () = poll_fn(|_| {
                        polled.fetch_add(1, SeqCst);
                        Poll::Ready(())
                    }) => 1,
                }
            });
            let first = poll_fn(|cx| Poll::Ready(select.as_mut().poll(cx))).await;
            assert!(first.is_pending());
            assert_eq!(polled.load(SeqCst), 0);
            // After the yield, a fresh budget: it completes.
            assert_eq!(select.await, 1);
            assert_eq!(polled.load(SeqCst), 1);
        })
        .await
        .unwrap();
    });
}

rt_test! {
    use rt::sync::{mpsc, oneshot};

    #[test]
    fn first_message_of_two_channels_from_other_tasks() {
        rt().block_on(async {
            for round in 0..50u32 {
                let (tx1, mut rx1) = mpsc::channel::<u32>(1);
                let (tx2, rx2) = oneshot::channel::<u32>();
                let sender = rt::spawn(async move {
                    rt::task::yield_now().await;
                    if round % 2 == 0 {
                        tx1.send(round).await.unwrap();
                        drop(tx2);
                    } else {
                        tx2.send(round + 1000).unwrap();
                        drop(tx1);
                    }
                });
                let got = rt::select! {
                    Some(v) = rx1.recv() => v,
                    Ok(v) = rx2 => v,
                    else => panic!("both channels closed without a value"),
                };
                let expected = if round % 2 == 0 { round } else { round + 1000 };
                assert_eq!(got, expected);
                sender.await.unwrap();
            }
        });
    }

    #[test]
    fn receive_until_every_channel_closes() {
        rt().block_on(async {
            let (tx1, mut rx1) = mpsc::channel::<u64>(4);
            let (tx2, mut rx2) = mpsc::channel::<u64>(4);
            for (tx, base) in [(tx1, 0u64), (tx2, 100)] {
                rt::spawn(async move {
                    for i in 0..20 {
                        tx.send(base + i).await.unwrap();
                    }
                });
            }
            let (mut sum, mut count) = (0, 0);
            loop {
                rt::select! {
                    Some(v) = rx1.recv() => { sum += v; count += 1; }
                    Some(v) = rx2.recv() => { sum += v; count += 1; }
                    else => break,
                }
            }
            assert_eq!(count, 40);
            assert_eq!(sum, (0..20).sum::<u64>() + (100..120).sum::<u64>());
        });
    }

    #[test]
    fn a_signal_from_another_task_wins_over_a_silent_channel() {
        rt().block_on(async {
            let (_tx, mut rx) = mpsc::channel::<()>(1);
            let (stop_tx, stop_rx) = oneshot::channel::<()>();
            rt::spawn(async move {
                for _ in 0..10 {
                    rt::task::yield_now().await;
                }
                stop_tx.send(()).unwrap();
            });
            let stopped = rt::select! {
                _ = rx.recv() => false,
                Ok(()) = stop_rx => true,
            };
            assert!(stopped);
        });
    }

    #[test]
    fn the_dropped_branch_of_a_spawned_select_releases_its_resources() {
        rt().block_on(async {
            let (tx, rx) = oneshot::channel::<()>();
            let (done_tx, done_rx) = oneshot::channel::<&'static str>();
            rt::spawn(async move {
                let which = rt::select! {
                    _ = rx => "channel",
                    () = rt::task::yield_now() => "yield",
                };
                done_tx.send(which).unwrap();
            });
            assert_eq!(done_rx.await.unwrap(), "yield");
            // The receiver went with the losing branch.
            assert!(tx.is_closed());
        });
    }
}
