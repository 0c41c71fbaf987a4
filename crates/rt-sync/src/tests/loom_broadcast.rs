//! loom models of the broadcast channel (`broadcast`'s module doc):
//!
//! - the ring (rules 1-4, and the slot lock's L1-L4): two readers of one value race each
//!   other, and the last reader of a value races the send that overwrites its slot. Each
//!   receiver gets the value or is told it lagged, the overwriting value reaches them, and
//!   every value (original or clone) is dropped exactly once, whoever drops it: the last
//!   reader, or the overwriting send. (Each model has two threads: with three, loom can
//!   starve the reader inside a slot while the other two spin, L4, forever.)
//! - the wake-up (rule 5): a waiting receive racing a send, or the close, is woken. A lost
//!   wake-up shows as a deadlock in `block_on`.

// The counts of `Counted` are std's: they only tally, and checking them at the end needs
// no model of their own interleavings.
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use loom::thread;

use super::block_on;
use crate::broadcast::{
    self,
    error::{RecvError, TryRecvError},
};

/// How many `Counted` values were made (by `Tally::value` and `clone`) and dropped.
#[derive(Clone, Default)]
struct Tally {
    made: Arc<AtomicUsize>,
    dropped: Arc<AtomicUsize>,
}

impl Tally {
    fn value(&self) -> Counted {
        self.made.fetch_add(1, SeqCst);
        Counted(self.clone())
    }

    /// Every value made was dropped, and only once.
    fn assert_balanced(&self) {
        assert_eq!(
            self.made.load(SeqCst),
            self.dropped.load(SeqCst),
            "a value was dropped twice or never"
        );
    }
}

/// A value that tallies its clones and drops.
struct Counted(Tally);

impl Clone for Counted {
    fn clone(&self) -> Counted {
        self.0.value()
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.dropped.fetch_add(1, SeqCst);
    }
}

type Channel = (
    broadcast::Sender<Counted>,
    broadcast::Receiver<Counted>,
    broadcast::Receiver<Counted>,
);

/// A channel of capacity 1 (so a second send overwrites the first value's slot) with two
/// receivers and one value sent.
fn one_value_two_receivers(tally: &Tally) -> Channel {
    let (tx, rx1) = broadcast::channel(1);
    let rx2 = tx.subscribe();
    tx.send(tally.value()).unwrap();
    (tx, rx1, rx2)
}

/// What one receiver saw first: the value, or a lag of one.
fn read_once(rx: &mut broadcast::Receiver<Counted>) {
    match rx.try_recv() {
        Ok(_value) => {}
        Err(TryRecvError::Lagged(1)) => {}
        Err(other) => panic!("neither the value nor a lag: {other:?}"),
    }
}

/// The last reader of a value (it drops the value) racing the send that overwrites its
/// slot: the reader gets the value or a lag, and then the new value.
#[test]
fn the_last_reader_racing_an_overwrite() {
    loom::model(|| {
        let tally = Tally::default();
        let (tx, mut rx1, mut rx2) = one_value_two_receivers(&tally);
        // rx2 reads first, so rx1 is the last reader.
        read_once(&mut rx2);

        let second = tally.value();
        let sender = thread::spawn(move || {
            tx.send(second).unwrap();
            tx
        });
        read_once(&mut rx1);
        let tx = sender.join().unwrap();
        assert!(rx1.try_recv().is_ok(), "the second value is lost for rx1");
        assert!(rx2.try_recv().is_ok(), "the second value is lost for rx2");
        drop((rx1, rx2, tx));
        tally.assert_balanced();
    });
}

/// Two readers of one value racing each other: both get it, and exactly one of them (the
/// last) drops it.
#[test]
fn two_readers_racing() {
    loom::model(|| {
        let tally = Tally::default();
        let (tx, mut rx1, mut rx2) = one_value_two_receivers(&tally);
        let reader = thread::spawn(move || {
            assert!(rx2.try_recv().is_ok());
            rx2
        });
        assert!(rx1.try_recv().is_ok());
        let rx2 = reader.join().unwrap();
        // Before the channel goes: the last reader dropped the value.
        tally.assert_balanced();
        drop((rx1, rx2, tx));
    });
}

#[test]
fn a_receive_racing_a_send_is_woken() {
    loom::model(|| {
        let (tx, mut rx) = broadcast::channel(2);
        let sender = thread::spawn(move || {
            tx.send(1).unwrap();
            tx
        });
        assert_eq!(block_on(rx.recv()), Ok(1));
        drop(sender.join().unwrap());
    });
}

#[test]
fn a_receive_racing_the_close_is_woken() {
    loom::model(|| {
        let (tx, mut rx) = broadcast::channel::<u8>(2);
        let closer = thread::spawn(move || drop(tx));
        assert_eq!(block_on(rx.recv()), Err(RecvError::Closed));
        closer.join().unwrap();
    });
}
