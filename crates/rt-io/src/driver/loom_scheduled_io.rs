//! loom models of the readiness protocol (S1-S4 in `scheduled_io.rs`): no wakeup is lost
//! between a task's poll and the reactor's event, and clearing stale readiness never erases
//! a newer event.

use std::sync::Arc as StdArc;
use std::task::{Context, Poll, Wake, Waker};

use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, Ordering::SeqCst};
use loom::thread;

use super::scheduled_io::{Direction, ScheduledIo};
use crate::{Interest, Ready};

struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: StdArc<Self>) {
        self.0.store(true, SeqCst);
    }
}

fn flag_waker() -> (StdArc<Flag>, Waker) {
    let flag = StdArc::new(Flag(AtomicBool::new(false)));
    (flag.clone(), Waker::from(flag))
}

#[test]
fn event_racing_a_poll_is_never_lost() {
    loom::model(|| {
        let io = Arc::new(ScheduledIo::new());
        let driver = {
            let io = io.clone();
            thread::spawn(move || io.set_readiness(1, Ready::READABLE))
        };
        let (flag, waker) = flag_waker();
        let polled = io.poll_readiness(&mut Context::from_waker(&waker), Direction::Read);
        driver.join().unwrap();
        // S3: either the poll saw the event, or the event woke the stored waker.
        assert!(polled.is_ready() || flag.0.load(SeqCst));
    });
}

#[test]
fn event_racing_an_interest_poll_is_never_lost() {
    loom::model(|| {
        let io = Arc::new(ScheduledIo::new());
        let driver = {
            let io = io.clone();
            thread::spawn(move || io.set_readiness(1, Ready::WRITABLE))
        };
        let (flag, waker) = flag_waker();
        let mut slot = None;
        let polled = io.poll_interest(
            &mut Context::from_waker(&waker),
            Interest::WRITABLE,
            &mut slot,
        );
        driver.join().unwrap();
        assert!(polled.is_ready() || flag.0.load(SeqCst));
        if let Some(slot) = slot {
            io.release_slot(slot);
        }
    });
}

#[test]
fn clearing_a_stale_event_keeps_the_newer_one() {
    loom::model(|| {
        let io = Arc::new(ScheduledIo::new());
        io.set_readiness(1, Ready::READABLE);
        let (_flag, waker) = flag_waker();
        let Poll::Ready(stale) =
            io.poll_readiness(&mut Context::from_waker(&waker), Direction::Read)
        else {
            panic!("readiness was set");
        };
        let driver = {
            let io = io.clone();
            thread::spawn(move || io.set_readiness(2, Ready::READABLE))
        };
        // The task got WouldBlock for the stale event and clears it (S4).
        io.clear_readiness(stale);
        driver.join().unwrap();
        let now = io.readiness_event(Direction::Read.mask());
        assert!(now.ready.is_readable(), "the tick-2 event was erased");
    });
}
