//! `broadcast` on every runtime flavour: fan-out in order, lag with the exact count and
//! recovery from the oldest retained value, close after drain, `try_recv`, `resubscribe`,
//! weak senders and the capacity checks.

#[macro_use]
#[path = "../../rt/tests/support/flavors.rs"]
mod flavors;
#[path = "util/mod.rs"]
mod util;

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::task::Poll;
use util::{CountingWaker, poll_once, poll_with};

use rt_sync::broadcast::{
    self,
    error::{RecvError, SendError, TryRecvError},
};

#[test]
#[should_panic(expected = "broadcast channel capacity cannot be zero")]
fn zero_capacity_panics() {
    let _ = broadcast::channel::<u8>(0);
}

#[test]
#[should_panic(expected = "broadcast channel capacity exceeded")]
fn huge_capacity_panics() {
    let _ = broadcast::channel::<u8>(usize::MAX / 2 + 1);
}

#[test]
fn try_recv_variants() {
    let (tx, mut rx) = broadcast::channel(4);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert_eq!(tx.send(1), Ok(1));
    assert_eq!(tx.send(2), Ok(1));
    assert_eq!(rx.len(), 2);
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert!(rx.is_empty());
    for i in 0..6 {
        tx.send(i).unwrap();
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(2)));
    assert_eq!(rx.try_recv(), Ok(2));
    tx.send(9).unwrap();
    drop(tx);
    assert_eq!(rx.try_recv(), Ok(3));
    assert_eq!(rx.try_recv(), Ok(4));
    assert_eq!(rx.try_recv(), Ok(5));
    assert_eq!(rx.try_recv(), Ok(9));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn send_without_receivers_errors_until_a_subscribe() {
    let (tx, rx) = broadcast::channel(2);
    drop(rx);
    assert_eq!(tx.receiver_count(), 0);
    assert_eq!(tx.send("lost"), Err(SendError("lost")));
    let mut rx = tx.subscribe();
    assert_eq!(tx.send("kept"), Ok(1));
    assert_eq!(rx.try_recv(), Ok("kept"));
}

#[test]
fn sender_len_counts_values_not_yet_seen_by_all() {
    let (tx, mut rx1) = broadcast::channel(8);
    let mut rx2 = tx.subscribe();
    assert!(tx.is_empty());
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    assert_eq!(tx.len(), 2);
    rx1.try_recv().unwrap();
    assert_eq!(tx.len(), 2);
    rx2.try_recv().unwrap();
    assert_eq!(tx.len(), 1);
    // A dropped receiver gives up its unread values.
    drop(rx2);
    assert_eq!(tx.len(), 1);
    rx1.try_recv().unwrap();
    assert!(tx.is_empty());
}

#[test]
fn dropping_a_lagging_receiver_frees_its_values() {
    let (tx, rx) = broadcast::channel(2);
    let value = Arc::new(());
    for _ in 0..5 {
        tx.send(value.clone()).unwrap();
    }
    assert_eq!(Arc::strong_count(&value), 3);
    drop(rx);
    assert_eq!(Arc::strong_count(&value), 1);
    assert!(tx.is_empty());
}

#[test]
fn last_reader_takes_the_value() {
    let (tx, mut rx1) = broadcast::channel(4);
    let mut rx2 = tx.subscribe();
    let value = Arc::new(());
    tx.send(value.clone()).unwrap();
    let first = rx1.try_recv().unwrap();
    assert_eq!(Arc::strong_count(&value), 3);
    let second = rx2.try_recv().unwrap();
    assert_eq!(Arc::strong_count(&value), 3);
    drop((first, second));
    assert_eq!(Arc::strong_count(&value), 1);
}

#[test]
fn capacity_rounds_up_to_a_power_of_two() {
    // As in Tokio: a capacity of 3 holds 4 values.
    let (tx, mut rx) = broadcast::channel(3);
    for i in 0..5 {
        tx.send(i).unwrap();
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(1)));
    assert_eq!(rx.try_recv(), Ok(1));
}

#[test]
fn resubscribe_starts_at_the_tail() {
    let (tx, rx) = broadcast::channel(4);
    tx.send(1).unwrap();
    let mut fresh = rx.resubscribe();
    assert!(fresh.same_channel(&rx));
    assert_eq!(fresh.try_recv(), Err(TryRecvError::Empty));
    tx.send(2).unwrap();
    assert_eq!(fresh.try_recv(), Ok(2));
    assert_eq!(rx.len(), 2);
    assert_eq!(tx.receiver_count(), 2);
}

#[test]
fn weak_sender_upgrades_only_while_a_sender_lives() {
    let (tx, mut rx) = broadcast::channel(4);
    let weak = tx.downgrade();
    assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
    let tx2 = weak.upgrade().unwrap();
    assert!(tx2.same_channel(&tx));
    tx2.send(1).unwrap();
    drop((tx, tx2));
    // A weak sender does not keep the channel open.
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert!(weak.upgrade().is_none());
    assert_eq!(weak.strong_count(), 0);
}

#[test]
fn recv_is_cancel_safe() {
    let (tx, mut rx) = broadcast::channel(4);
    {
        let mut recv = pin!(rx.recv());
        assert!(poll_once(recv.as_mut()).is_pending());
        tx.send(7).unwrap();
    }
    assert_eq!(poll_once(pin!(rx.recv())), Poll::Ready(Ok(7)));
}

#[test]
fn cancelled_receives_give_their_wakers_back() {
    let (tx, mut a) = broadcast::channel(4);
    let mut b = tx.subscribe();
    let waker = CountingWaker::new();
    // Two receivers register and cancel in turn, as in a `select!` loop with a timer.
    // Fewer rounds under miri, which runs this file for the slot lock's sake.
    let rounds = if cfg!(miri) { 100 } else { 10_000 };
    for _ in 0..rounds {
        let mut recv_a = Box::pin(a.recv());
        assert!(poll_with(recv_a.as_mut(), &waker).is_pending());
        let mut recv_b = Box::pin(b.recv());
        assert!(poll_with(recv_b.as_mut(), &waker).is_pending());
        drop(recv_a);
        drop(recv_b);
    }
    assert_eq!(
        Arc::strong_count(&waker),
        1,
        "a cancelled receive kept its waker"
    );
    let mut recv = pin!(a.recv());
    assert!(poll_with(recv.as_mut(), &waker).is_pending());
    tx.send(1).unwrap();
    assert_eq!(waker.wakes(), 1);
    assert_eq!(poll_once(recv), Poll::Ready(Ok(1)));
    assert_eq!(Arc::strong_count(&waker), 1);
}

#[test]
fn a_repolled_receive_wakes_only_its_latest_waker() {
    let (tx, mut rx) = broadcast::channel(4);
    let (first, second) = (CountingWaker::new(), CountingWaker::new());
    let mut recv = pin!(rx.recv());
    assert!(poll_with(recv.as_mut(), &first).is_pending());
    assert!(poll_with(recv.as_mut(), &second).is_pending());
    assert_eq!(Arc::strong_count(&first), 1, "the replaced waker was kept");
    tx.send(1).unwrap();
    assert_eq!((first.wakes(), second.wakes()), (0, 1));
    assert_eq!(poll_once(recv), Poll::Ready(Ok(1)));
}

#[test]
fn errors_display() {
    assert_eq!(RecvError::Lagged(3).to_string(), "channel lagged by 3");
    assert_eq!(RecvError::Closed.to_string(), "channel closed");
    assert_eq!(TryRecvError::Empty.to_string(), "channel empty");
    assert_eq!(format!("{:?}", SendError(1)), "SendError { .. }");
}

#[test]
fn blocking_recv_from_a_plain_thread() {
    let (tx, mut rx) = broadcast::channel(4);
    let sender = std::thread::spawn(move || {
        tx.send(1).unwrap();
        tx.send(2).unwrap();
    });
    assert_eq!(rx.blocking_recv(), Ok(1));
    assert_eq!(rx.blocking_recv(), Ok(2));
    sender.join().unwrap();
    assert_eq!(rx.blocking_recv(), Err(RecvError::Closed));
}

#[test]
fn is_closed_follows_the_receiver_count() {
    let (tx, rx) = broadcast::channel::<u8>(4);
    assert!(!tx.is_closed());
    drop(rx);
    assert!(tx.is_closed());
    let rx = tx.subscribe();
    assert!(!tx.is_closed());
    drop(rx);
}

rt_test! {
    #[test]
    fn closed_completes_when_the_last_receiver_drops() {
        rt().block_on(async {
            let (tx, rx) = broadcast::channel::<u8>(4);
            let rx2 = rx.resubscribe();
            let mut closed = pin!(tx.closed());
            assert!(poll_once(closed.as_mut()).is_pending());
            drop(rx);
            assert!(poll_once(closed.as_mut()).is_pending(), "one receiver is left");
            rt::spawn(async move { drop(rx2) }).await.unwrap();
            closed.await;
            assert!(tx.is_closed());
        });
    }

    #[test]
    #[should_panic(expected = "Cannot block the current thread from within a runtime")]
    fn blocking_recv_inside_a_runtime_panics() {
        rt().block_on(async {
            let (_tx, mut rx) = broadcast::channel::<u8>(4);
            let _ = rx.blocking_recv();
        });
    }

    #[test]
    fn fan_out_to_sixteen_receivers_in_order() {
        const RECEIVERS: usize = 16;
        const VALUES: usize = if cfg!(miri) { 20 } else { 200 };
        rt().block_on(async {
            let (tx, rx) = broadcast::channel(VALUES);
            let received = Arc::new(AtomicUsize::new(0));
            let handles: Vec<_> = (0..RECEIVERS)
                .map(|_| {
                    let mut rx = rx.resubscribe();
                    let received = received.clone();
                    rt::spawn(async move {
                        let mut expected = 0;
                        loop {
                            match rx.recv().await {
                                Ok(value) => {
                                    assert_eq!(value, expected);
                                    expected += 1;
                                    received.fetch_add(1, SeqCst);
                                }
                                Err(RecvError::Closed) => return expected,
                                Err(RecvError::Lagged(n)) => panic!("lagged by {n}"),
                            }
                        }
                    })
                })
                .collect();
            drop(rx);
            for i in 0..VALUES {
                assert_eq!(tx.send(i), Ok(RECEIVERS));
                if i % 16 == 0 {
                    rt::task::yield_now().await;
                }
            }
            drop(tx);
            for handle in handles {
                assert_eq!(handle.await.unwrap(), VALUES);
            }
            assert_eq!(received.load(SeqCst), RECEIVERS * VALUES);
        });
    }

    #[test]
    fn lagging_receiver_gets_exact_count_then_oldest_retained() {
        rt().block_on(async {
            let (tx, mut slow) = broadcast::channel(4);
            let mut fast = tx.subscribe();
            for i in 0..10 {
                tx.send(i).unwrap();
                assert_eq!(fast.recv().await, Ok(i));
            }
            // Capacity 4 kept 6..=9: 6 values were lost.
            assert_eq!(slow.len(), 10);
            assert_eq!(slow.recv().await, Err(RecvError::Lagged(6)));
            assert_eq!(slow.len(), 4);
            for i in 6..10 {
                assert_eq!(slow.recv().await, Ok(i));
            }
            tx.send(10).unwrap();
            assert_eq!(slow.recv().await, Ok(10));
            assert_eq!(fast.recv().await, Ok(10));
        });
    }

    #[test]
    fn closed_after_drain() {
        rt().block_on(async {
            let (tx, mut rx) = broadcast::channel(4);
            let tx2 = tx.clone();
            tx.send(1).unwrap();
            tx2.send(2).unwrap();
            drop(tx);
            drop(tx2);
            assert_eq!(rx.recv().await, Ok(1));
            assert_eq!(rx.recv().await, Ok(2));
            assert_eq!(rx.recv().await, Err(RecvError::Closed));
        });
    }

    #[test]
    fn last_sender_drop_wakes_waiting_receivers() {
        rt().block_on(async {
            let (tx, rx) = broadcast::channel::<u32>(4);
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    let mut rx = rx.resubscribe();
                    rt::spawn(async move { rx.recv().await })
                })
                .collect();
            rt::task::yield_now().await;
            drop(tx);
            for handle in handles {
                assert_eq!(handle.await.unwrap(), Err(RecvError::Closed));
            }
        });
    }

    #[test]
    fn resubscribed_receiver_sees_only_later_values() {
        rt().block_on(async {
            let (tx, rx) = broadcast::channel(8);
            tx.send(1).unwrap();
            let mut fresh = rx.resubscribe();
            let reader = rt::spawn(async move { fresh.recv().await });
            rt::task::yield_now().await;
            tx.send(2).unwrap();
            assert_eq!(reader.await.unwrap(), Ok(2));
            drop(rx);
        });
    }

}
