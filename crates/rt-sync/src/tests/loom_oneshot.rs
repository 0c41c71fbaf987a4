//! Loom models of the oneshot channel's protocol (see `oneshot`'s module doc, R1–R6).
//!
//! Run with `RUSTFLAGS="--cfg rt_loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --lib
//! -p rt-sync --target-dir target/loom`.

use std::future::{Future, poll_fn};
use std::task::{Context, Poll, Waker};

use loom::sync::Arc;
use loom::sync::atomic::AtomicUsize;
use loom::sync::atomic::Ordering::SeqCst;
use loom::thread;

use super::block_on;
use crate::oneshot::{self, error::RecvError, error::TryRecvError};

/// A value that counts its drops, so each model can check it is dropped exactly once.
struct Counted {
    id: usize,
    drops: Arc<AtomicUsize>,
}

impl Counted {
    fn new(id: usize, drops: &Arc<AtomicUsize>) -> Counted {
        Counted {
            id,
            drops: drops.clone(),
        }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.drops.fetch_add(1, SeqCst);
    }
}

/// The value arrives whichever way the send and the receiver's poll interleave, and is
/// dropped once.
#[test]
fn send_racing_recv_poll() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = oneshot::channel();
        let value = Counted::new(1, &drops);
        let sender = thread::spawn(move || {
            assert!(tx.send(value).is_ok(), "the receiver is alive");
        });
        let received = block_on(rx).expect("the value was sent");
        assert_eq!(received.id, 1);
        drop(received);
        sender.join().unwrap();
        assert_eq!(drops.load(SeqCst), 1);
    });
}

/// A receiver that polled with one waker then waits with another (the replace path of R4)
/// still gets the value.
#[test]
fn send_racing_recv_waker_swap() {
    loom::model(|| {
        let (tx, mut rx) = oneshot::channel::<u32>();
        let sender = thread::spawn(move || {
            assert!(tx.send(7).is_ok());
        });
        let mut cx = Context::from_waker(Waker::noop());
        let first = std::pin::Pin::new(&mut rx).poll(&mut cx);
        let value = match first {
            Poll::Ready(value) => value,
            Poll::Pending => block_on(rx),
        };
        assert_eq!(value, Ok(7));
        sender.join().unwrap();
    });
}

/// Dropping the sender wakes the receiver with `RecvError`.
#[test]
fn sender_drop_racing_recv() {
    loom::model(|| {
        let (tx, rx) = oneshot::channel::<u32>();
        let sender = thread::spawn(move || drop(tx));
        assert_eq!(block_on(rx), Err(RecvError(())));
        sender.join().unwrap();
    });
}

/// Closing the receiver while the sender sends: the value is received or handed back to
/// the sender, exactly one of the two, and dropped once.
#[test]
fn receiver_close_racing_send() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = oneshot::channel();
        let value = Counted::new(2, &drops);
        let sender = thread::spawn(move || tx.send(value).err());
        rx.close();
        let received = rx.try_recv();
        let returned = sender.join().unwrap();
        match (received, returned) {
            (Ok(value), None) => assert_eq!(value.id, 2),
            (Err(TryRecvError::Closed), Some(value)) => assert_eq!(value.id, 2),
            (received, returned) => panic!(
                "lost or duplicated: received {:?}, returned {}",
                received.map(|v| v.id),
                returned.is_some()
            ),
        }
        assert_eq!(drops.load(SeqCst), 1);
    });
}

/// Both sides drop while the value may be in the slot: it is dropped exactly once.
#[test]
fn receiver_drop_racing_send() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = oneshot::channel();
        let value = Counted::new(3, &drops);
        let sender = thread::spawn(move || {
            // Handed back or not, the value is dropped here or with the receiver.
            let _ = tx.send(value);
        });
        drop(rx);
        sender.join().unwrap();
        assert_eq!(drops.load(SeqCst), 1);
    });
}

/// `closed` completes when the receiver drops, whichever goes first.
#[test]
fn closed_racing_receiver_drop() {
    loom::model(|| {
        let (mut tx, rx) = oneshot::channel::<u32>();
        let receiver = thread::spawn(move || drop(rx));
        block_on(tx.closed());
        assert!(tx.is_closed());
        assert_eq!(tx.send(1), Err(1));
        receiver.join().unwrap();
    });
}

/// `poll_closed` with one waker, then `closed` with another (the replace path of R5),
/// racing the receiver's close.
#[test]
fn closed_waker_swap_racing_close() {
    loom::model(|| {
        let (mut tx, mut rx) = oneshot::channel::<u32>();
        let receiver = thread::spawn(move || {
            rx.close();
            rx
        });
        let mut cx = Context::from_waker(Waker::noop());
        if tx.poll_closed(&mut cx).is_pending() {
            block_on(poll_fn(|cx| tx.poll_closed(cx)));
        }
        assert!(tx.is_closed());
        let rx = receiver.join().unwrap();
        drop(rx);
    });
}
