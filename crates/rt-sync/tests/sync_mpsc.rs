//! The mpsc channels: ordering and no loss under many producers, the error hand-backs,
//! permits, `recv_many`, closing, weak senders, the blocking calls and the coop budget.
//!
//! The stress test sends 8 producers x 1,000,000 messages through a channel of capacity 16
//! on the multi-thread runtime, as the issue asks.

#[macro_use]
#[path = "../../rt/tests/support/flavors.rs"]
mod flavors;
#[path = "util/mod.rs"]
mod util;

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use util::{Counted, poll_once};

use rt_sync::mpsc::{
    self,
    error::{SendError, TryRecvError, TrySendError},
};

/// Not `Debug`: the errors must format without it.
struct Opaque(u32);

fn current_thread() -> rt::runtime::Runtime {
    rt::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
#[should_panic(expected = "buffer > 0")]
fn zero_capacity_panics() {
    let _ = mpsc::channel::<u32>(0);
}

#[test]
fn try_send_full_and_closed_hand_the_value_back() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(Opaque(1)).unwrap();
    match tx.try_send(Opaque(2)) {
        Err(TrySendError::Full(Opaque(2))) => {}
        other => panic!(
            "expected Full(2), got {:?}",
            other.map_err(|e| e.to_string())
        ),
    }
    assert_eq!(tx.capacity(), 0);
    assert_eq!(tx.max_capacity(), 1);
    rx.close();
    let err = tx.try_send(Opaque(3)).unwrap_err();
    assert!(err.is_closed());
    assert_eq!(format!("{err:?}"), "Closed(..)");
    assert_eq!(err.to_string(), "channel closed");
    assert_eq!(err.into_inner().0, 3);
    // The value queued before the close is still received, then the end.
    assert_eq!(rx.try_recv().unwrap().0, 1);
    assert_eq!(rx.try_recv().err(), Some(TryRecvError::Disconnected));
}

#[test]
fn send_to_closed_hands_the_value_back() {
    let (tx, rx) = mpsc::channel(4);
    drop(rx);
    let SendError(value) = current_thread().block_on(tx.send(Opaque(7))).unwrap_err();
    assert_eq!(value.0, 7);
    assert!(tx.is_closed());
    let err = SendError(Opaque(1));
    assert_eq!(format!("{err:?}"), "SendError { .. }");
    assert_eq!(err.to_string(), "channel closed");

    let (utx, urx) = mpsc::unbounded_channel();
    drop(urx);
    assert_eq!(utx.send(Opaque(9)).unwrap_err().0.0, 9);
    assert!(utx.is_closed());
}

#[test]
fn try_recv_empty_then_disconnected() {
    let (tx, mut rx) = mpsc::unbounded_channel::<u32>();
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    tx.send(1).unwrap();
    assert_eq!(rx.len(), 1);
    assert!(!rx.is_empty());
    drop(tx);
    assert!(rx.is_closed());
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    assert_eq!(
        TryRecvError::Empty.to_string(),
        "receiving on an empty channel"
    );
}

#[test]
fn every_value_dropped_exactly_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, mut rx) = mpsc::channel(8);
    for _ in 0..5 {
        tx.try_send(Counted(drops.clone())).unwrap();
    }
    drop(rx.try_recv().unwrap());
    let permit = tx.try_reserve().unwrap();
    drop(rx);
    assert_eq!(drops.load(SeqCst), 5, "the receiver's drop drops the queue");
    permit.send(Counted(drops.clone()));
    let err = tx.try_send(Counted(drops.clone())).unwrap_err();
    assert!(err.is_closed());
    drop(err);
    assert_eq!(drops.load(SeqCst), 6);
    drop(tx);
    assert_eq!(
        drops.load(SeqCst),
        7,
        "the value sent through the permit drops with the channel"
    );
}

#[test]
fn permits_reserve_and_release_slots() {
    current_thread().block_on(async {
        let (tx, mut rx) = mpsc::channel::<u32>(3);
        let permit = tx.reserve().await.unwrap();
        assert_eq!(tx.capacity(), 2);
        let many = tx.reserve_many(2).await.unwrap();
        assert_eq!(many.len(), 2);
        assert_eq!(tx.capacity(), 0);
        assert!(tx.try_reserve().unwrap_err().is_full());
        assert!(tx.reserve_many(4).await.is_err(), "more than max_capacity");
        for (i, p) in many.enumerate() {
            p.send(i as u32 + 10);
        }
        drop(permit);
        assert_eq!(tx.capacity(), 1);
        assert_eq!(rx.recv().await, Some(10));
        assert_eq!(rx.recv().await, Some(11));
        assert_eq!(rx.capacity(), 3);

        // A partly used iterator frees the rest on drop.
        let mut many = tx.try_reserve_many(3).unwrap();
        many.next().unwrap().send(1);
        drop(many);
        assert_eq!(tx.capacity(), 2);
        assert_eq!(rx.recv().await, Some(1));

        // Owned permits move the sender and hand it back.
        let tx2 = tx.clone();
        let owned = tx2.reserve_owned().await.unwrap();
        let tx2 = owned.send(5);
        assert_eq!(rx.recv().await, Some(5));
        let owned = tx2.try_reserve_owned().unwrap();
        let tx2 = owned.release();
        assert_eq!(tx2.capacity(), 3);
        let _fill = tx.try_reserve_many(3).unwrap();
        match tx2.try_reserve_owned() {
            Err(TrySendError::Full(tx2)) => assert!(tx2.same_channel(&tx)),
            _ => panic!("expected Full"),
        }
    });
}

#[test]
fn blocked_send_waits_for_recv_and_is_cancel_safe() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(1).unwrap();
    let mut send = pin!(tx.send(2));
    assert!(poll_once(send.as_mut()).is_pending());
    // A second send queued behind it, cancelled: nothing is sent.
    {
        let mut cancelled = pin!(tx.send(99));
        assert!(poll_once(cancelled.as_mut()).is_pending());
    }
    assert_eq!(rx.try_recv(), Ok(1));
    assert!(poll_once(send.as_mut()).is_ready());
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert_eq!(tx.capacity(), 1);
}

#[test]
fn recv_is_cancel_safe() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    {
        let mut recv = pin!(rx.recv());
        assert!(poll_once(recv.as_mut()).is_pending());
    }
    tx.send(3).unwrap();
    assert_eq!(rx.try_recv(), Ok(3));
}

#[test]
fn close_stops_sends_but_drains_and_waits_for_permits() {
    current_thread().block_on(async {
        let (tx, mut rx) = mpsc::channel(4);
        tx.send(1).await.unwrap();
        let permit = tx.reserve().await.unwrap();
        let mut closed = pin!(tx.closed());
        assert!(poll_once(closed.as_mut()).is_pending());
        rx.close();
        assert!(poll_once(closed.as_mut()).is_ready());
        assert!(tx.is_closed());
        assert!(rx.is_closed());
        assert!(tx.send(2).await.is_err());
        assert_eq!(rx.recv().await, Some(1));
        // The outstanding permit still sends, so the end is not reached yet.
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        permit.send(3);
        assert_eq!(rx.recv().await, Some(3));
        assert_eq!(rx.recv().await, None);

        // An unused permit dropped after close wakes the receiver to see the end.
        let (tx, mut rx) = mpsc::channel::<u32>(2);
        let permit = tx.reserve().await.unwrap();
        rx.close();
        let mut recv = pin!(rx.recv());
        assert!(poll_once(recv.as_mut()).is_pending());
        drop(permit);
        assert_eq!(recv.await, None);
    });
}

#[test]
fn weak_sender_upgrade_only_while_a_sender_lives() {
    let (tx, mut rx) = mpsc::channel::<u32>(2);
    let weak = tx.downgrade();
    assert_eq!(tx.strong_count(), 1);
    assert_eq!(tx.weak_count(), 1);
    assert_eq!(rx.sender_weak_count(), 1);
    let tx2 = weak.upgrade().unwrap();
    assert_eq!(rx.sender_strong_count(), 2);
    drop(tx);
    drop(tx2);
    assert!(weak.upgrade().is_none());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    let weak2 = weak.clone();
    assert_eq!(weak2.weak_count(), 2);

    let (utx, mut urx) = mpsc::unbounded_channel::<u32>();
    let uweak = utx.downgrade();
    uweak.upgrade().unwrap().send(4).unwrap();
    drop(utx);
    assert!(uweak.upgrade().is_none());
    assert_eq!(urx.try_recv(), Ok(4));
    assert_eq!(urx.try_recv(), Err(TryRecvError::Disconnected));
}

#[test]
fn blocking_send_and_recv_from_std_threads() {
    let (tx, mut rx) = mpsc::channel(2);
    let producer = std::thread::spawn(move || {
        for i in 0..100 {
            tx.blocking_send(i).unwrap();
        }
    });
    let consumer = std::thread::spawn(move || {
        let mut got = Vec::new();
        while let Some(i) = rx.blocking_recv() {
            got.push(i);
        }
        got
    });
    producer.join().unwrap();
    assert_eq!(consumer.join().unwrap(), (0..100).collect::<Vec<_>>());

    let (utx, mut urx) = mpsc::unbounded_channel();
    let t = std::thread::spawn(move || urx.blocking_recv());
    utx.send(8).unwrap();
    assert_eq!(t.join().unwrap(), Some(8));
}

#[test]
#[should_panic(expected = "Cannot block the current thread from within a runtime")]
fn blocking_send_inside_runtime_panics() {
    let (tx, _rx) = mpsc::channel(1);
    current_thread().block_on(async move {
        let _ = tx.blocking_send(1);
    });
}

#[test]
#[should_panic(expected = "Cannot block the current thread from within a runtime")]
fn blocking_recv_inside_runtime_panics() {
    let (_tx, mut rx) = mpsc::channel::<u32>(1);
    current_thread().block_on(async move {
        let _ = rx.blocking_recv();
    });
}

/// 8 producers x 1,000,000 messages through capacity 16 on the multi-thread runtime: each
/// arrives exactly once and in per-producer order.
#[test]
fn no_loss_stress_multi_thread() {
    const PRODUCERS: usize = 8;
    const PER_PRODUCER: usize = 1_000_000;
    let rt = rt::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (tx, mut rx) = mpsc::channel::<(usize, usize)>(16);
        for p in 0..PRODUCERS {
            let tx = tx.clone();
            rt::spawn(async move {
                for i in 0..PER_PRODUCER {
                    tx.send((p, i)).await.unwrap();
                }
            });
        }
        drop(tx);
        let consumer = rt::spawn(async move {
            let mut next = [0usize; PRODUCERS];
            let mut buffer = Vec::with_capacity(16);
            loop {
                buffer.clear();
                if rx.recv_many(&mut buffer, 16).await == 0 {
                    break;
                }
                for &(p, i) in &buffer {
                    assert_eq!(i, next[p], "producer {p} out of order or duplicated");
                    next[p] += 1;
                }
            }
            next
        });
        assert_eq!(consumer.await.unwrap(), [PER_PRODUCER; PRODUCERS]);
    });
}

#[test]
fn a_batch_taken_by_the_receiver_still_counts_and_holds_its_slots() {
    let (tx, mut rx) = mpsc::channel(4);
    for i in 0..4 {
        tx.try_send(i).unwrap();
    }
    // The first receive takes all four into the receiver's batch.
    assert_eq!(rx.try_recv(), Ok(0));
    assert_eq!(rx.len(), 3);
    assert_eq!(tx.capacity(), 1, "only the received value's slot is free");
    tx.try_send(4).unwrap();
    assert!(
        tx.try_send(5).is_err(),
        "full: three in the batch, one queued"
    );
    assert_eq!(rx.len(), 4);
    let rest: Vec<_> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
    assert_eq!(rest, [1, 2, 3, 4]);
    assert_eq!(tx.capacity(), 4);
    drop(tx);
    assert_eq!(rx.try_recv(), Err(mpsc::error::TryRecvError::Disconnected));
}

rt_test! {
    #[test]
    fn send_timeout_times_out_then_succeeds_then_sees_close() {
        use rt_sync::mpsc::error::SendTimeoutError;
        use std::time::Duration;
        rt().block_on(async {
            let (tx, mut rx) = mpsc::channel(1);
            tx.send(1).await.unwrap();
            let err = tx.send_timeout(2, Duration::from_millis(20)).await.unwrap_err();
            assert!(matches!(err, SendTimeoutError::Timeout(2)), "{err:?}");
            assert!(err.is_timeout());
            // A slot frees up while the send waits: it goes through.
            let receiver = rt::spawn(async move {
                rt::time::sleep(Duration::from_millis(10)).await;
                assert_eq!(rx.recv().await, Some(1));
                assert_eq!(rx.recv().await, Some(3));
                rx
            });
            tx.send_timeout(3, Duration::from_secs(10)).await.unwrap();
            drop(receiver.await.unwrap());
            let err = tx.send_timeout(4, Duration::from_secs(10)).await.unwrap_err();
            assert!(matches!(err, SendTimeoutError::Closed(4)), "{err:?}");
            assert_eq!(err.to_string(), "channel closed");
            assert_eq!(err.into_inner(), 4);
        });
    }

    #[test]
    fn per_producer_fifo_with_several_producers() {
        rt().block_on(async {
            let (tx, mut rx) = mpsc::channel::<(usize, usize)>(4);
            for p in 0..4 {
                let tx = tx.clone();
                rt::spawn(async move {
                    for i in 0..1000 {
                        tx.send((p, i)).await.unwrap();
                    }
                });
            }
            drop(tx);
            let mut next = [0usize; 4];
            while let Some((p, i)) = rx.recv().await {
                assert_eq!(i, next[p]);
                next[p] += 1;
            }
            assert_eq!(next, [1000; 4]);
        });
    }

    #[test]
    fn unbounded_across_tasks() {
        rt().block_on(async {
            let (tx, mut rx) = mpsc::unbounded_channel();
            let producer = rt::spawn(async move {
                for i in 0..1000u32 {
                    tx.send(i).unwrap();
                    if i % 100 == 0 {
                        rt::task::yield_now().await;
                    }
                }
            });
            let mut expected = 0;
            while let Some(i) = rx.recv().await {
                assert_eq!(i, expected);
                expected += 1;
            }
            assert_eq!(expected, 1000);
            producer.await.unwrap();
        });
    }

    #[test]
    fn recv_many_takes_up_to_limit() {
        rt().block_on(async {
            let (tx, mut rx) = mpsc::channel(8);
            for i in 0..5 {
                tx.send(i).await.unwrap();
            }
            let mut buffer = vec![100];
            assert_eq!(rx.recv_many(&mut buffer, 0).await, 0);
            assert_eq!(rx.recv_many(&mut buffer, 3).await, 3);
            assert_eq!(buffer, [100, 0, 1, 2]);
            assert_eq!(rx.recv_many(&mut buffer, 10).await, 2);
            assert_eq!(buffer, [100, 0, 1, 2, 3, 4]);
            let waiter = rt::spawn(async move {
                let mut got = Vec::new();
                let n = rx.recv_many(&mut got, 4).await;
                (n, got, rx.recv_many(&mut Vec::new(), 4).await)
            });
            rt::task::yield_now().await;
            tx.send(9).await.unwrap();
            drop(tx);
            let (n, got, end) = waiter.await.unwrap();
            assert!(n >= 1 && got[0] == 9);
            assert_eq!(end, 0, "closed and drained");
        });
    }

    #[test]
    fn last_sender_drop_wakes_receiver() {
        rt().block_on(async {
            let (tx, mut rx) = mpsc::channel::<u32>(1);
            let receiver = rt::spawn(async move { rx.recv().await });
            rt::task::yield_now().await;
            drop(tx);
            assert_eq!(receiver.await.unwrap(), None);
        });
    }

    #[test]
    fn receiver_drop_fails_blocked_send() {
        rt().block_on(async {
            let (tx, rx) = mpsc::channel(1);
            tx.send(1).await.unwrap();
            let sender = rt::spawn(async move { tx.send(2).await.map_err(|e| e.0) });
            rt::task::yield_now().await;
            drop(rx);
            assert_eq!(sender.await.unwrap(), Err(2));
        });
    }

    #[test]
    fn recv_loop_over_full_channel_yields_to_the_scheduler() {
        rt().block_on(async {
            const N: usize = 1000;
            let (tx, mut rx) = mpsc::channel(N);
            for i in 0..N {
                tx.try_send(i).unwrap();
            }
            // The channel is never empty: every `Pending` is the cooperative budget's.
            let consumer = rt::spawn(async move {
                let mut yields = 0;
                for _ in 0..N {
                    let mut recv = pin!(rx.recv());
                    poll_fn(|cx| {
                        let poll = recv.as_mut().poll(cx);
                        yields += usize::from(poll.is_pending());
                        poll
                    })
                    .await
                    .unwrap();
                }
                yields
            });
            assert!(consumer.await.unwrap() > 0, "the receive loop never yielded");
        });
    }
}
