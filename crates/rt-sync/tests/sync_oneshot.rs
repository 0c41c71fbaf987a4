//! The oneshot channel: values across tasks and threads, closing from either side, drop
//! accounting, cancel safety and the coop budget.

#[macro_use]
#[path = "../../rt/tests/support/flavors.rs"]
mod flavors;
#[path = "util/mod.rs"]
mod util;

use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::task::{Context, Poll, Waker};
use util::{Counted, CountingWaker, poll_once, poll_with};

use rt_sync::oneshot::{
    self,
    error::{RecvError, TryRecvError},
};

/// Which branch of [`select`] finished.
enum Either<A, B> {
    Left(A),
    Right(B),
}

/// A select by hand: polls both futures, left first, and drops the other once one is done.
async fn select<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let mut a = pin!(a);
    let mut b = pin!(b);
    poll_fn(|cx| {
        if let Poll::Ready(out) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(out));
        }
        if let Poll::Ready(out) = b.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(out));
        }
        Poll::Pending
    })
    .await
}

#[test]
fn try_recv_empty_then_value_then_closed() {
    let (tx, mut rx) = oneshot::channel();
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert!(!rx.is_terminated());
    assert!(rx.is_empty());
    tx.send(9).unwrap();
    assert!(!rx.is_empty());
    assert!(!rx.is_terminated());
    assert_eq!(rx.try_recv(), Ok(9));
    assert!(rx.is_terminated());
    assert!(rx.is_empty());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn try_recv_after_sender_drop_is_closed() {
    let (tx, mut rx) = oneshot::channel::<u8>();
    drop(tx);
    assert!(rx.is_empty());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert!(rx.is_terminated());
}

#[test]
fn poll_after_sender_drop_is_recv_error_and_terminates() {
    let (tx, mut rx) = oneshot::channel::<u8>();
    assert!(poll_once(Pin::new(&mut rx)).is_pending());
    drop(tx);
    assert_eq!(poll_once(Pin::new(&mut rx)), Poll::Ready(Err(recv_error())));
    assert!(rx.is_terminated());
}

/// A `RecvError`, as users get one.
fn recv_error() -> RecvError {
    let (tx, mut rx) = oneshot::channel::<()>();
    drop(tx);
    match poll_once(Pin::new(&mut rx)) {
        Poll::Ready(Err(err)) => err,
        other => panic!("expected a RecvError, got {other:?}"),
    }
}

#[test]
#[should_panic(expected = "called after complete")]
fn poll_after_complete_panics() {
    let (tx, mut rx) = oneshot::channel();
    tx.send(1).unwrap();
    assert_eq!(poll_once(Pin::new(&mut rx)), Poll::Ready(Ok(1)));
    let _ = poll_once(Pin::new(&mut rx));
}

#[test]
fn close_then_send_returns_the_value() {
    let (tx, mut rx) = oneshot::channel();
    assert!(!tx.is_closed());
    rx.close();
    assert!(tx.is_closed());
    assert_eq!(tx.send(String::from("back")), Err(String::from("back")));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn value_sent_before_close_is_still_received() {
    let (tx, mut rx) = oneshot::channel();
    tx.send(4).unwrap();
    rx.close();
    assert_eq!(rx.try_recv(), Ok(4));
}

#[test]
fn receiver_drop_closes_the_sender() {
    let (tx, rx) = oneshot::channel::<u8>();
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(3), Err(3));
}

#[test]
fn poll_closed_wakes_on_receiver_drop() {
    let (mut tx, rx) = oneshot::channel::<u8>();
    let woken = CountingWaker::new();
    let waker = Waker::from(woken.clone());
    let mut cx = Context::from_waker(&waker);
    assert!(tx.poll_closed(&mut cx).is_pending());
    assert_eq!(woken.wakes(), 0);
    drop(rx);
    assert!(woken.wakes() > 0);
    assert!(tx.poll_closed(&mut cx).is_ready());
}

#[test]
fn send_wakes_the_latest_receiver_waker() {
    let (tx, mut rx) = oneshot::channel();
    let (first, second) = (CountingWaker::new(), CountingWaker::new());
    assert!(poll_with(Pin::new(&mut rx), &first).is_pending());
    assert!(poll_with(Pin::new(&mut rx), &second).is_pending());
    tx.send(()).unwrap();
    assert_eq!(first.wakes(), 0);
    assert!(second.wakes() > 0);
    assert_eq!(poll_once(Pin::new(&mut rx)), Poll::Ready(Ok(())));
}

#[test]
fn blocking_recv_from_a_std_thread() {
    let (tx, rx) = oneshot::channel();
    let thread = std::thread::spawn(move || rx.blocking_recv());
    std::thread::sleep(std::time::Duration::from_millis(10));
    tx.send(vec![1, 2, 3]).unwrap();
    assert_eq!(thread.join().unwrap(), Ok(vec![1, 2, 3]));

    let (tx, rx) = oneshot::channel::<u8>();
    let thread = std::thread::spawn(move || rx.blocking_recv());
    drop(tx);
    assert_eq!(thread.join().unwrap(), Err(recv_error()));
}

#[test]
fn every_path_drops_the_value_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let value = || Counted(drops.clone());
    let dropped = || drops.load(SeqCst);

    // Received, then dropped by the receiving code.
    let (tx, mut rx) = oneshot::channel();
    tx.send(value()).unwrap();
    drop(rx.try_recv().unwrap());
    drop(rx);
    assert_eq!(dropped(), 1, "received");

    // Sent, never received: dropped with the receiver.
    let (tx, rx) = oneshot::channel();
    tx.send(value()).unwrap();
    assert_eq!(dropped(), 1, "not dropped while in the channel");
    drop(rx);
    assert_eq!(dropped(), 2, "receiver dropped with the value inside");

    // Sent, receiver closed, then dropped.
    let (tx, mut rx) = oneshot::channel();
    tx.send(value()).unwrap();
    rx.close();
    drop(rx);
    assert_eq!(dropped(), 3, "closed with the value inside");

    // Receiver gone first: handed back to the sender's caller.
    let (tx, rx) = oneshot::channel();
    drop(rx);
    let back = tx.send(value()).unwrap_err();
    assert_eq!(dropped(), 3, "returned, not dropped");
    drop(back);
    assert_eq!(dropped(), 4, "returned value");

    // Received through the future.
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    let (tx, rx) = oneshot::channel();
    tx.send(value()).unwrap();
    drop(rt.block_on(rx).unwrap());
    assert_eq!(dropped(), 5, "awaited");
}

#[test]
fn errors_display_and_debug() {
    assert_eq!(recv_error().to_string(), "channel closed");
    assert_eq!(TryRecvError::Empty.to_string(), "channel empty");
    assert_eq!(TryRecvError::Closed.to_string(), "channel closed");
    assert_eq!(format!("{:?}", TryRecvError::Empty), "Empty");
    let _: &dyn std::error::Error = &recv_error();
    let _: &dyn std::error::Error = &TryRecvError::Closed;

    // Debug for the handles does not need `T: Debug`.
    struct Opaque;
    let (tx, rx) = oneshot::channel::<Opaque>();
    assert!(format!("{tx:?}").starts_with("Sender"));
    assert!(format!("{rx:?}").starts_with("Receiver"));
}

#[test]
fn handles_are_send_sync_unpin() {
    fn check<T: Send + Sync + Unpin>() {}
    check::<oneshot::Sender<u8>>();
    check::<oneshot::Receiver<u8>>();
}

rt_test! {
    #[test]
    fn value_across_tasks() {
        let rt = rt();
        let (tx, rx) = oneshot::channel();
        rt.block_on(async move {
            rt::spawn(async move {
                rt::task::yield_now().await;
                tx.send("across").unwrap();
            });
            assert_eq!(rx.await, Ok("across"));
        });

        // And the other way: the receiver in a task, the value from block_on.
        let (tx, rx) = oneshot::channel();
        let handle = rt.spawn(rx);
        tx.send(11).unwrap();
        assert_eq!(rt.block_on(handle).unwrap(), Ok(11));
    }

    #[test]
    fn many_channels_across_tasks() {
        let rt = rt();
        rt.block_on(async {
            let mut receivers = Vec::new();
            for i in 0..100u32 {
                let (tx, rx) = oneshot::channel();
                rt::spawn(async move { tx.send(i).unwrap() });
                receivers.push(rx);
            }
            for (i, rx) in receivers.into_iter().enumerate() {
                assert_eq!(rx.await, Ok(i as u32));
            }
        });
    }

    #[test]
    fn sender_dropped_gives_recv_error() {
        let rt = rt();
        let (tx, rx) = oneshot::channel::<u8>();
        rt.block_on(async move {
            rt::spawn(async move {
                rt::task::yield_now().await;
                drop(tx);
            });
            assert_eq!(rx.await, Err(recv_error()));
        });
    }

    #[test]
    fn closed_completes_on_receiver_drop() {
        let rt = rt();
        let (mut tx, rx) = oneshot::channel::<u8>();
        rt.block_on(async move {
            let waiter = rt::spawn(async move {
                tx.closed().await;
                assert!(tx.is_closed());
                tx.send(1)
            });
            rt::task::yield_now().await;
            drop(rx);
            assert_eq!(waiter.await.unwrap(), Err(1));
        });
    }

    #[test]
    fn blocking_recv_in_spawn_blocking() {
        let rt = rt();
        let (tx, rx) = oneshot::channel();
        rt.block_on(async move {
            let blocking = rt::task::spawn_blocking(move || rx.blocking_recv());
            rt::task::yield_now().await;
            tx.send(8u8).unwrap();
            assert_eq!(blocking.await.unwrap(), Ok(8));
        });
    }

    #[test]
    fn awaiting_the_receiver_is_cancel_safe() {
        let rt = rt();
        rt.block_on(async {
            let (tx, mut rx) = oneshot::channel();
            let (other_tx, other_rx) = oneshot::channel();
            other_tx.send("other").unwrap();
            // The receiver's future loses the race and is dropped mid-way.
            match select(&mut rx, other_rx).await {
                Either::Left(_) => panic!("nothing was sent yet"),
                Either::Right(other) => assert_eq!(other, Ok("other")),
            }
            assert!(!rx.is_terminated());
            rt::spawn(async move { tx.send(5).unwrap() });
            assert_eq!((&mut rx).await, Ok(5));
            assert!(rx.is_terminated());
        });
    }

    #[test]
    fn ready_receivers_yield_to_other_tasks() {
        let rt = rt();
        rt.block_on(async {
            let looper = rt::spawn(async {
                let ran = Arc::new(AtomicBool::new(false));
                let flag = ran.clone();
                // Spawned from this task, so on one thread it only runs if this one yields.
                rt::spawn(async move { flag.store(true, SeqCst) });
                for i in 0..100_000u32 {
                    if ran.load(SeqCst) {
                        return Some(i);
                    }
                    let (tx, rx) = oneshot::channel();
                    tx.send(i).unwrap();
                    assert_eq!(rx.await, Ok(i));
                }
                None
            });
            let yielded_after = looper.await.unwrap();
            assert!(yielded_after.is_some(), "a loop of ready oneshots never yielded");
        });
    }
}

#[test]
#[should_panic(expected = "Cannot block the current thread from within a runtime")]
fn blocking_recv_inside_a_runtime_panics() {
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    let (_tx, rx) = rt_sync::oneshot::channel::<()>();
    rt.block_on(async move {
        let _ = rx.blocking_recv();
    });
}
