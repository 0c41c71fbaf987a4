//! loom models of the broadcast channel (`broadcast`'s module doc):
//!
//! - the ring (rules 1-4): two readers of one value race each other and the send that
//!   overwrites its slot. Each receiver gets the value or is told it lagged, the
//!   overwriting value reaches both, and every value (original or clone) is dropped exactly
//!   once, whoever drops it: the last reader, or the overwriting send;
//! - the wake-up (rule 5): a waiting receive racing a send, or the close, is woken. A lost
//!   wake-up shows as a deadlock in `block_on`.

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use loom::thread;

use super::block_on;
use crate::broadcast::{
    self,
    error::{RecvError, TryRecvError},
};

/// Counts how many instances exist: made by `new` and `clone`, gone by `drop`.
struct Counted {
    made: Arc<AtomicUsize>,
    dropped: Arc<AtomicUsize>,
}

impl Counted {
    fn new(made: &Arc<AtomicUsize>, dropped: &Arc<AtomicUsize>) -> Counted {
        made.fetch_add(1, SeqCst);
        Counted {
            made: made.clone(),
            dropped: dropped.clone(),
        }
    }
}

impl Clone for Counted {
    fn clone(&self) -> Counted {
        Counted::new(&self.made, &self.dropped)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, SeqCst);
    }
}

/// What one receiver saw first: the value, or a lag of one.
fn read_once(rx: &mut broadcast::Receiver<Counted>) {
    match rx.try_recv() {
        Ok(_value) => {}
        Err(TryRecvError::Lagged(1)) => {}
        Err(other) => panic!("neither the value nor a lag: {other:?}"),
    }
}

#[test]
fn two_readers_racing_an_overwrite() {
    loom::model(|| {
        let made = Arc::new(AtomicUsize::new(0));
        let dropped = Arc::new(AtomicUsize::new(0));
        // Capacity 1: the second send overwrites the first value's slot.
        let (tx, mut rx1) = broadcast::channel(1);
        let mut rx2 = tx.subscribe();
        tx.send(Counted::new(&made, &dropped)).unwrap();

        let reader = thread::spawn(move || {
            read_once(&mut rx2);
            rx2
        });
        let second = Counted::new(&made, &dropped);
        let sender = thread::spawn(move || {
            tx.send(second).unwrap();
            tx
        });
        read_once(&mut rx1);
        let mut rx2 = reader.join().unwrap();
        let tx = sender.join().unwrap();
        // Both then get the second value: the first one's last reader did not take it.
        assert!(rx1.try_recv().is_ok(), "the second value is lost for rx1");
        assert!(rx2.try_recv().is_ok(), "the second value is lost for rx2");
        drop((rx1, rx2, tx));
        assert_eq!(
            made.load(SeqCst),
            dropped.load(SeqCst),
            "a value was dropped twice or never"
        );
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
