//! `Notify` on every runtime flavour: stored permits, wake order, `notify_waiters`,
//! `Notified::enable`, and the hand-on of a dropped chosen waiter.

#[macro_use]
#[path = "../../rt/tests/support/flavors.rs"]
mod flavors;
#[path = "util/mod.rs"]
mod util;

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use rt_sync::Notify;
use util::poll_once;

/// Whether a permit is stored (consumes it if so).
fn permit_stored(notify: &Notify) -> bool {
    pin!(notify.notified()).enable()
}

// `const_new` needs std's const constructors, which loom's types lack.
#[cfg(not(rt_loom))]
#[test]
fn const_new_in_static() {
    static NOTIFY: Notify = Notify::const_new();
    NOTIFY.notify_one();
    assert!(permit_stored(&NOTIFY));
    assert!(!permit_stored(&NOTIFY));
}

#[test]
fn debug_and_default() {
    let notify = Notify::default();
    notify.notify_one();
    assert_eq!(
        format!("{notify:?}"),
        "Notify { permit: true, waiting: false }"
    );
}

rt_test! {
    #[test]
    fn notify_one_wakes_a_task_waiting_elsewhere() {
        rt().block_on(async {
            let notify = Arc::new(Notify::new());
            let registered = Arc::new(AtomicUsize::new(0));
            let waiter = {
                let (notify, registered) = (notify.clone(), registered.clone());
                rt::spawn(async move {
                    let mut notified = pin!(notify.notified());
                    assert!(!notified.as_mut().enable());
                    registered.store(1, SeqCst);
                    notified.await;
                })
            };
            while registered.load(SeqCst) == 0 {
                rt::task::yield_now().await;
            }
            notify.notify_one();
            waiter.await.unwrap();
            assert!(!permit_stored(&notify), "the notification was consumed by the waiter");
        });
    }

    #[test]
    fn notify_one_without_waiter_stores_one_permit() {
        rt().block_on(async {
            let notify = Notify::new();
            notify.notify_one();
            notify.notify_one();
            notify.notify_one();
            // The permit completes the next waiter at once...
            notify.notified().await;
            // ...and there was only one.
            let mut second = pin!(notify.notified());
            assert!(poll_once(second.as_mut()).is_pending());
            notify.notify_one();
            assert!(poll_once(second.as_mut()).is_ready());
        });
    }

    #[test]
    fn notify_one_wakes_in_fifo_order() {
        rt().block_on(async {
            let notify = Notify::new();
            let mut a = pin!(notify.notified());
            let mut b = pin!(notify.notified());
            let mut c = pin!(notify.notified());
            // Queue in the order b, a, c: the order of enabling, not of creation, counts.
            assert!(!b.as_mut().enable());
            assert!(poll_once(a.as_mut()).is_pending());
            assert!(!c.as_mut().enable());

            notify.notify_one();
            assert!(poll_once(b.as_mut()).is_ready());
            assert!(poll_once(a.as_mut()).is_pending());
            assert!(poll_once(c.as_mut()).is_pending());
            notify.notify_one();
            assert!(poll_once(a.as_mut()).is_ready());
            assert!(poll_once(c.as_mut()).is_pending());
            notify.notify_one();
            assert!(poll_once(c.as_mut()).is_ready());
            assert!(!permit_stored(&notify));
        });
    }

    #[test]
    fn notify_last_wakes_in_lifo_order() {
        rt().block_on(async {
            let notify = Notify::new();
            let mut a = pin!(notify.notified());
            let mut b = pin!(notify.notified());
            let mut c = pin!(notify.notified());
            assert!(!a.as_mut().enable());
            assert!(!b.as_mut().enable());
            assert!(!c.as_mut().enable());

            notify.notify_last();
            assert!(c.as_mut().enable(), "enable reports a completed future");
            assert!(poll_once(c.as_mut()).is_ready());
            assert!(poll_once(b.as_mut()).is_pending());
            notify.notify_last();
            assert!(poll_once(b.as_mut()).is_ready());
            assert!(poll_once(a.as_mut()).is_pending());
            // notify_one and notify_last share the queue.
            notify.notify_one();
            assert!(poll_once(a.as_mut()).is_ready());
            // With nobody waiting, notify_last stores a permit too.
            notify.notify_last();
            assert!(permit_stored(&notify));
        });
    }

    #[test]
    fn notify_waiters_wakes_every_waiting_task_and_stores_nothing() {
        const TASKS: usize = 16;
        rt().block_on(async {
            let notify = Arc::new(Notify::new());
            let registered = Arc::new(AtomicUsize::new(0));
            let handles: Vec<_> = (0..TASKS)
                .map(|_| {
                    let (notify, registered) = (notify.clone(), registered.clone());
                    rt::spawn(async move {
                        let mut notified = pin!(notify.notified());
                        notified.as_mut().enable();
                        registered.fetch_add(1, SeqCst);
                        notified.await;
                    })
                })
                .collect();
            while registered.load(SeqCst) < TASKS {
                rt::task::yield_now().await;
            }
            notify.notify_waiters();
            for handle in handles {
                handle.await.unwrap();
            }
            assert!(!permit_stored(&notify));
        });
    }

    #[test]
    fn notify_waiters_completes_futures_never_polled() {
        rt().block_on(async {
            let notify = Notify::new();
            let before = notify.notified();
            notify.notify_waiters();
            let mut after = pin!(notify.notified());
            // Created before the call: complete, though never polled or enabled.
            before.await;
            // Created after: waits for the next notification.
            assert!(poll_once(after.as_mut()).is_pending());
            notify.notify_waiters();
            assert!(poll_once(after.as_mut()).is_ready());
        });
    }

    #[test]
    fn notify_waiters_keeps_a_stored_permit() {
        rt().block_on(async {
            let notify = Notify::new();
            notify.notify_one();
            notify.notify_waiters();
            assert!(permit_stored(&notify));
            assert!(!permit_stored(&notify));
        });
    }

    #[test]
    fn dropped_chosen_notified_hands_the_notification_on() {
        rt().block_on(async {
            let notify = Notify::new();
            let mut b = pin!(notify.notified());
            {
                let mut a = pin!(notify.notified());
                assert!(!a.as_mut().enable());
                assert!(!b.as_mut().enable());
                notify.notify_one();
                // `a` was chosen and is dropped here without completing.
            }
            assert!(poll_once(b.as_mut()).is_ready());

            // Dropped with nobody behind it: the notification becomes the stored permit.
            {
                let mut a = pin!(notify.notified());
                assert!(!a.as_mut().enable());
                notify.notify_one();
            }
            assert!(permit_stored(&notify));

            // A future that completed passes nothing on.
            {
                notify.notify_one();
                notify.notified().await;
            }
            assert!(!permit_stored(&notify));
        });
    }

    #[test]
    fn dropped_waiting_notified_leaves_the_queue() {
        rt().block_on(async {
            let notify = Notify::new();
            let mut b = pin!(notify.notified());
            {
                let mut a = pin!(notify.notified());
                assert!(!a.as_mut().enable());
                assert!(!b.as_mut().enable());
            }
            notify.notify_one();
            assert!(poll_once(b.as_mut()).is_ready());
            assert!(!permit_stored(&notify));
        });
    }

    #[test]
    fn enable_consumes_a_stored_permit() {
        rt().block_on(async {
            let notify = Notify::new();
            notify.notify_one();
            let mut a = pin!(notify.notified());
            assert!(a.as_mut().enable());
            assert!(a.as_mut().enable(), "enable stays true once complete");
            assert!(poll_once(a.as_mut()).is_ready());
            let mut b = pin!(notify.notified());
            assert!(!b.as_mut().enable());
            assert!(!b.as_mut().enable(), "enabling twice queues once");
            notify.notify_one();
            assert!(b.as_mut().enable());
            assert!(!permit_stored(&notify));
        });
    }

    #[test]
    fn ping_pong_between_tasks() {
        const ROUNDS: usize = 2_000;
        rt().block_on(async {
            let ping = Arc::new(Notify::new());
            let pong = Arc::new(Notify::new());
            let other = {
                let (ping, pong) = (ping.clone(), pong.clone());
                rt::spawn(async move {
                    for _ in 0..ROUNDS {
                        ping.notified().await;
                        pong.notify_one();
                    }
                })
            };
            for _ in 0..ROUNDS {
                ping.notify_one();
                pong.notified().await;
            }
            other.await.unwrap();
            assert!(!permit_stored(&ping));
            assert!(!permit_stored(&pong));
        });
    }
}
