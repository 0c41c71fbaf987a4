//! Loom models of the mpsc channel's protocol (see `mpsc`'s module doc, rules 1–5).
//!
//! Run with `RUSTFLAGS="--cfg rt_loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --lib
//! -p rt-sync --target-dir target/loom loom_mpsc`.

use loom::sync::Arc;
use loom::sync::atomic::AtomicUsize;
use loom::sync::atomic::Ordering::SeqCst;
use loom::thread;

use super::block_on;
use crate::mpsc;

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

/// A send racing the receiver's wait: the value arrives (rule 1), then the end once the
/// sender is gone (rule 4), and it is dropped once.
#[test]
fn send_racing_recv() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = mpsc::channel(1);
        let value = Counted::new(1, &drops);
        let sender = thread::spawn(move || {
            assert!(block_on(tx.send(value)).is_ok(), "the receiver is alive");
        });
        let received = block_on(rx.recv()).expect("the value was sent");
        assert_eq!(received.id, 1);
        drop(received);
        assert!(block_on(rx.recv()).is_none());
        sender.join().unwrap();
        assert_eq!(drops.load(SeqCst), 1);
    });
}

/// The last sender's drop racing the receiver: no lost wakeup, every value is received,
/// and `None` comes only after the drain (rule 4).
#[test]
fn last_sender_drop_racing_recv() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = mpsc::unbounded_channel();
        let tx2 = tx.clone();
        let value = Counted::new(7, &drops);
        let a = thread::spawn(move || {
            tx.send(value).expect("the receiver is alive");
            drop(tx);
        });
        let b = thread::spawn(move || drop(tx2));
        let mut got = 0;
        while let Some(value) = block_on(rx.recv()) {
            assert_eq!(value.id, 7);
            got += 1;
        }
        assert_eq!(got, 1);
        a.join().unwrap();
        b.join().unwrap();
        assert_eq!(drops.load(SeqCst), 1);
    });
}

/// A send blocked on a full bounded channel is woken when the receiver frees a slot
/// (rule 2), and both values arrive in order.
#[test]
fn blocked_send_woken_by_recv() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::channel(1);
        tx.try_send(1).unwrap();
        let sender = thread::spawn(move || {
            assert!(block_on(tx.send(2)).is_ok());
        });
        assert_eq!(block_on(rx.recv()), Some(1));
        assert_eq!(block_on(rx.recv()), Some(2));
        assert_eq!(block_on(rx.recv()), None);
        sender.join().unwrap();
    });
}

/// An unused permit dropped after `close` racing the receiver's wait: the receiver sees
/// the end (rule 4: release, then lock and wake).
#[test]
fn unused_permit_drop_after_close_racing_recv() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::channel::<u32>(1);
        let permit = tx.try_reserve_owned().expect("a slot is free");
        let permit_holder = thread::spawn(move || drop(permit));
        rx.close();
        assert_eq!(block_on(rx.recv()), None);
        permit_holder.join().unwrap();
    });
}
