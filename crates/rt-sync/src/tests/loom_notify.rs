//! Loom models of `Notify`'s protocol (see `notify`'s module doc, rules 1–4).
//!
//! Run with `RUSTFLAGS="--cfg rt_loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --lib
//! -p rt-sync --target-dir target/loom`. A lost notification shows as a deadlock in
//! `block_on`; a duplicated one as a permit left over at the end.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use loom::sync::Arc;
use loom::thread;

use super::block_on;
use crate::Notify;

/// Whether a permit is stored: a fresh `Notified` completes on enable only then (and it
/// consumes the permit, so call this at the end of a model).
fn permit_stored(notify: &Notify) -> bool {
    let notified = pin!(notify.notified());
    notified.enable()
}

/// `notify_one` racing the waiter's registration: the waiter completes, and the one
/// notification is consumed once (no permit left over).
#[test]
fn notify_one_vs_registration() {
    loom::model(|| {
        let notify = Arc::new(Notify::new());
        let notifier = {
            let notify = notify.clone();
            thread::spawn(move || notify.notify_one())
        };
        block_on(notify.notified());
        notifier.join().unwrap();
        assert!(
            !permit_stored(&notify),
            "one notify_one completed a waiter and left a permit"
        );
    });
}

/// Two `notify_one`s racing a second waiter's registration while a first one is queued:
/// the queued waiter keeps the two from merging into one stored permit, so both waiters
/// complete and nothing is left over. (With nobody queued, two `notify_one`s may store a
/// single permit: that is the documented behaviour, not a lost notification.)
#[test]
fn two_notify_one_two_waiters() {
    loom::model(|| {
        let notify = Arc::new(Notify::new());
        let mut first = Box::pin(notify.notified());
        assert!(!first.as_mut().enable());
        let notifier = {
            let notify = notify.clone();
            thread::spawn(move || {
                notify.notify_one();
                notify.notify_one();
            })
        };
        let second = {
            let notify = notify.clone();
            thread::spawn(move || block_on(notify.notified()))
        };
        block_on(first);
        second.join().unwrap();
        notifier.join().unwrap();
        assert!(!permit_stored(&notify));
    });
}

/// A waiter dropped after joining the queue, racing `notify_one`: if it was chosen, the
/// notification is handed on, so the other waiter still completes and nothing is left over.
#[test]
fn dropped_waiter_hands_notification_on() {
    loom::model(|| {
        let notify = Arc::new(Notify::new());
        let dropper = {
            let notify = notify.clone();
            thread::spawn(move || {
                let mut notified = pin!(notify.notified());
                // Joins the queue (or takes a stored permit, which dropping then loses —
                // exactly what Tokio does for a completed future).
                if notified.as_mut().enable() {
                    // It consumed the notification: hand it on by hand, as a user would.
                    notify.notify_one();
                }
            })
        };
        let notifier = {
            let notify = notify.clone();
            thread::spawn(move || notify.notify_one())
        };
        block_on(notify.notified());
        dropper.join().unwrap();
        notifier.join().unwrap();
        assert!(!permit_stored(&notify));
    });
}

/// `notify_waiters` racing a waiter created before it and one created concurrently: the
/// first completes; the second completes or stays queued, and no permit is stored.
#[test]
fn notify_waiters_vs_new_waiter() {
    loom::model(|| {
        let notify = Arc::new(Notify::new());
        let early = notify.notified();
        let notifier = {
            let notify = notify.clone();
            thread::spawn(move || notify.notify_waiters())
        };
        let mut late = Box::pin(notify.notified());
        let mut cx = Context::from_waker(Waker::noop());
        let late_ready = late.as_mut().poll(&mut cx).is_ready();
        block_on(early);
        notifier.join().unwrap();
        // If notify_waiters ran after `late` was created, `late` is complete now.
        if !late_ready && late.as_mut().poll(&mut cx).is_pending() {
            // It came after notify_waiters: it is queued, and a notify_one completes it.
            notify.notify_one();
            assert!(late.as_mut().poll(&mut cx).is_ready());
        }
        drop(late);
        assert!(!permit_stored(&notify), "notify_waiters stored a permit");
    });
}

/// `notify_waiters` does not consume a permit stored by a racing `notify_one`.
#[test]
fn notify_waiters_keeps_permit() {
    loom::model(|| {
        let notify = Arc::new(Notify::new());
        let one = {
            let notify = notify.clone();
            thread::spawn(move || notify.notify_one())
        };
        let all = {
            let notify = notify.clone();
            thread::spawn(move || notify.notify_waiters())
        };
        one.join().unwrap();
        all.join().unwrap();
        let mut cx = Context::from_waker(Waker::noop());
        let mut notified = Box::pin(notify.notified());
        assert_eq!(notified.as_mut().poll(&mut cx), Poll::Ready(()));
        drop(notified);
        assert!(!permit_stored(&notify));
    });
}
