//! `watch` on every runtime flavour: `changed` / `borrow_and_update` / `has_changed`
//! sequences, `wait_for`, close in both directions, `send_replace`, and many receivers
//! that each see the latest value.

#[macro_use]
#[path = "../../rt/tests/support/flavors.rs"]
mod flavors;
#[path = "util/mod.rs"]
mod util;

use std::pin::pin;
use std::task::Poll;

use rt_sync::watch;
use util::poll_once;

#[test]
fn new_receiver_starts_with_the_value_seen() {
    let (tx, rx) = watch::channel(1);
    assert_eq!(rx.has_changed(), Ok(false));
    tx.send(2).unwrap();
    let sub = tx.subscribe();
    assert_eq!(sub.has_changed(), Ok(false));
    assert_eq!(*sub.borrow(), 2);
    // A clone keeps the seen version of its original, as in Tokio.
    let clone = rx.clone();
    assert_eq!(clone.has_changed(), Ok(true));
    assert!(rx.same_channel(&clone) && rx.same_channel(&sub));
    assert!(!rx.same_channel(&watch::channel(0).1));
}

#[test]
fn borrow_and_update_sequence() {
    let (tx, mut rx) = watch::channel("a");
    {
        let value = rx.borrow();
        assert_eq!(*value, "a");
        assert!(!value.has_changed());
    }
    tx.send("b").unwrap();
    assert_eq!(rx.has_changed(), Ok(true));
    {
        // `borrow` does not mark seen.
        let value = rx.borrow();
        assert!(value.has_changed());
    }
    assert_eq!(rx.has_changed(), Ok(true));
    {
        let value = rx.borrow_and_update();
        assert_eq!(*value, "b");
        assert!(value.has_changed());
    }
    assert_eq!(rx.has_changed(), Ok(false));
    assert!(!rx.borrow_and_update().has_changed());
    assert!(!tx.borrow().has_changed());
}

#[test]
fn changed_is_pending_until_a_send_and_cancel_safe() {
    let (tx, mut rx) = watch::channel(0);
    {
        let mut changed = pin!(rx.changed());
        assert!(poll_once(changed.as_mut()).is_pending());
        // Dropped after the send but before it was polled again: the change stays.
        tx.send(1).unwrap();
    }
    assert_eq!(rx.has_changed(), Ok(true));
    assert_eq!(poll_once(pin!(rx.changed())), Poll::Ready(Ok(())));
    assert!(poll_once(pin!(rx.changed())).is_pending());
}

#[test]
fn mark_changed_and_mark_unchanged() {
    let (tx, mut rx) = watch::channel(0);
    rx.mark_changed();
    assert_eq!(rx.has_changed(), Ok(true));
    assert_eq!(poll_once(pin!(rx.changed())), Poll::Ready(Ok(())));
    tx.send(1).unwrap();
    rx.mark_unchanged();
    assert_eq!(rx.has_changed(), Ok(false));
    assert_eq!(*rx.borrow(), 1);
}

#[test]
fn send_if_modified_notifies_only_when_modified() {
    let (tx, rx) = watch::channel(5);
    assert!(!tx.send_if_modified(|_| false));
    assert_eq!(rx.has_changed(), Ok(false));
    assert!(tx.send_if_modified(|value| {
        *value += 1;
        true
    }));
    assert_eq!(rx.has_changed(), Ok(true));
    tx.send_modify(|value| *value *= 2);
    assert_eq!(*rx.borrow(), 12);
}

#[test]
fn send_replace_returns_old_even_without_receivers() {
    let (tx, rx) = watch::channel(String::from("old"));
    assert_eq!(tx.send_replace("new".into()), "old");
    drop(rx);
    assert_eq!(tx.send_replace("newer".into()), "new");
    assert_eq!(*tx.borrow(), "newer");
}

#[test]
fn send_without_receivers_errors_and_keeps_value() {
    let (tx, rx) = watch::channel(1);
    assert!(!tx.is_closed());
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(2), Err(watch::error::SendError(2)));
    assert_eq!(*tx.borrow(), 1);
    // Subscribing reopens it.
    let rx = tx.subscribe();
    assert_eq!(tx.receiver_count(), 1);
    tx.send(3).unwrap();
    assert_eq!(*rx.borrow(), 3);
}

#[test]
fn sender_drop_closes_after_the_last_change() {
    let (tx, mut rx) = watch::channel(0);
    let tx2 = tx.clone();
    assert_eq!(tx.sender_count(), 2);
    drop(tx);
    assert_eq!(rx.has_changed(), Ok(false));
    tx2.send(1).unwrap();
    drop(tx2);
    // `has_changed` errors once closed; `changed` still reports the unseen change first.
    assert!(rx.has_changed().is_err());
    assert_eq!(poll_once(pin!(rx.changed())), Poll::Ready(Ok(())));
    assert!(matches!(poll_once(pin!(rx.changed())), Poll::Ready(Err(_))));
    assert_eq!(*rx.borrow(), 1);
}

#[test]
fn errors_display_and_debug() {
    let (tx, rx) = watch::channel(0);
    drop(rx);
    let err = tx.send(1).unwrap_err();
    assert_eq!(err.to_string(), "channel closed");
    assert_eq!(format!("{err:?}"), "SendError { .. }");
    drop(tx);
}

rt_test! {
    #[test]
    fn changed_wakes_a_waiting_task_for_each_send() {
        rt().block_on(async {
            let (tx, mut rx) = watch::channel(0);
            let reader = rt::spawn(async move {
                let mut seen = Vec::new();
                while rx.changed().await.is_ok() {
                    let value = *rx.borrow_and_update();
                    seen.push(value);
                    if value == 10 {
                        break;
                    }
                }
                seen
            });
            for i in 1..=10 {
                tx.send(i).unwrap();
                rt::task::yield_now().await;
            }
            let seen = reader.await.unwrap();
            // Values may be coalesced, but they arrive in order and end with the last.
            assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
            assert_eq!(seen.last(), Some(&10));
        });
    }

    #[test]
    fn changed_errors_when_every_sender_drops() {
        rt().block_on(async {
            let (tx, mut rx) = watch::channel(0);
            let waiter = rt::spawn(async move { rx.changed().await });
            rt::task::yield_now().await;
            drop(tx);
            assert!(waiter.await.unwrap().is_err());
        });
    }

    #[test]
    fn wait_for_checks_current_then_each_new_value() {
        rt().block_on(async {
            let (tx, mut rx) = watch::channel(0);
            // Already satisfied: returns at once, marks seen.
            tx.send(4).unwrap();
            {
                let value = rx.wait_for(|v| v % 2 == 0).await.unwrap();
                assert_eq!(*value, 4);
                assert!(value.has_changed());
            }
            assert_eq!(rx.has_changed(), Ok(false));

            let waiter = rt::spawn(async move {
                let value = *rx.wait_for(|v| *v >= 7).await.unwrap();
                (value, rx)
            });
            for i in 5..=8 {
                tx.send(i).unwrap();
                rt::task::yield_now().await;
            }
            let (value, rx) = waiter.await.unwrap();
            assert!(value >= 7);
            drop(rx);
        });
    }

    #[test]
    fn wait_for_errors_when_closed_unsatisfied() {
        rt().block_on(async {
            let (tx, mut rx) = watch::channel(0);
            let waiter = rt::spawn(async move { rx.wait_for(|v| *v > 100).await.is_err() });
            tx.send(1).unwrap();
            rt::task::yield_now().await;
            drop(tx);
            assert!(waiter.await.unwrap());
        });
    }

    #[test]
    fn wait_for_sees_the_last_value_sent_before_close() {
        rt().block_on(async {
            let (tx, mut rx) = watch::channel(0);
            tx.send(200).unwrap();
            drop(tx);
            assert_eq!(*rx.wait_for(|v| *v > 100).await.unwrap(), 200);
            // As in Tokio, the current value is checked even though it was seen.
            assert_eq!(*rx.wait_for(|v| *v > 100).await.unwrap(), 200);
            assert!(rx.wait_for(|v| *v > 300).await.is_err());
        });
    }

    #[test]
    fn closed_completes_when_every_receiver_drops() {
        rt().block_on(async {
            let (tx, rx) = watch::channel(0);
            let rx2 = rx.clone();
            let closer = rt::spawn(async move {
                drop(rx);
                rt::task::yield_now().await;
                drop(rx2);
            });
            tx.closed().await;
            assert!(tx.is_closed());
            assert_eq!(tx.receiver_count(), 0);
            closer.await.unwrap();
            // Already closed: completes at once.
            tx.closed().await;
        });
    }

    #[test]
    fn many_receivers_each_see_the_latest_value() {
        const RECEIVERS: usize = 16;
        const LAST: usize = 50;
        rt().block_on(async {
            let (tx, rx) = watch::channel(0);
            let handles: Vec<_> = (0..RECEIVERS)
                .map(|_| {
                    let mut rx = rx.clone();
                    rt::spawn(async move {
                        let mut previous = 0;
                        loop {
                            rx.changed().await.unwrap();
                            let value = *rx.borrow_and_update();
                            assert!(value > previous);
                            previous = value;
                            if value == LAST {
                                return value;
                            }
                        }
                    })
                })
                .collect();
            drop(rx);
            for i in 1..=LAST {
                tx.send(i).unwrap();
                if i % 7 == 0 {
                    rt::task::yield_now().await;
                }
            }
            for handle in handles {
                assert_eq!(handle.await.unwrap(), LAST);
            }
        });
    }
}
