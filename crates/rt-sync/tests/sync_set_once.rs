//! `SetOnce` on every runtime flavour: `wait` before and after `set`, a second `set` fails,
//! one winner among racing setters, `into_inner`, and drop accounting.

#[macro_use]
#[path = "../../rt/tests/support/flavors.rs"]
mod flavors;
#[path = "util/mod.rs"]
mod util;

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::task::Poll;

use rt_sync::{SetOnce, SetOnceError};
use util::{Counted, poll_once};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn is_send_and_sync_for_send_sync_values() {
    assert_send_sync::<SetOnce<u32>>();
    assert_send_sync::<SetOnce<String>>();
}

// `const_new` needs std's const constructors, which loom's types lack.
#[cfg(not(rt_loom))]
#[test]
fn const_new_in_static() {
    static CELL: SetOnce<u32> = SetOnce::const_new();
    assert!(!CELL.initialized());
    CELL.set(3).unwrap();
    assert_eq!(CELL.get(), Some(&3));
}

#[test]
fn set_twice_fails_and_returns_the_value() {
    let cell = SetOnce::new();
    assert_eq!(cell.get(), None);
    assert_eq!(cell.set(1), Ok(()));
    assert!(cell.initialized());
    let err = cell.set(2).unwrap_err();
    assert_eq!(err, SetOnceError(2));
    assert_eq!(err.to_string(), "cell already set");
    assert_eq!(format!("{err:?}"), "SetOnceError(..)");
    assert_eq!(cell.get(), Some(&1));
}

#[test]
fn wait_completes_once_set_even_if_polled_before() {
    let cell = SetOnce::new();
    let mut waiting = pin!(cell.wait());
    assert!(poll_once(waiting.as_mut()).is_pending());
    cell.set(5).unwrap();
    assert_eq!(poll_once(waiting.as_mut()), Poll::Ready(&5));
    assert_eq!(poll_once(pin!(cell.wait())), Poll::Ready(&5));
}

#[test]
fn constructors_traits_and_into_inner() {
    let empty = SetOnce::<u32>::new_with(None);
    assert!(!empty.initialized());
    let full = SetOnce::new_with(Some(4));
    assert_eq!(full.get(), Some(&4));
    assert_eq!(full.set(1), Err(SetOnceError(1)));
    assert_eq!(SetOnce::from(4), full);
    assert_ne!(empty, full);
    assert_eq!(SetOnce::<u32>::default(), empty);
    assert_eq!(full.clone().get(), Some(&4));
    assert_eq!(format!("{full:?}"), "SetOnce { value: Some(4) }");
    assert_eq!(full.into_inner(), Some(4));
    assert_eq!(empty.into_inner(), None);
}

#[test]
fn the_value_is_dropped_exactly_once() {
    let drops = Arc::new(AtomicUsize::new(0));

    let cell = SetOnce::new();
    assert!(cell.set(Counted(drops.clone())).is_ok());
    drop(cell);
    assert_eq!(drops.load(SeqCst), 1);

    let cell = SetOnce::from(Counted(drops.clone()));
    let value = cell.into_inner().unwrap();
    assert_eq!(drops.load(SeqCst), 1);
    drop(value);
    assert_eq!(drops.load(SeqCst), 2);

    let cell = SetOnce::new_with(Some(Counted(drops.clone())));
    drop(cell.set(Counted(drops.clone())));
    assert_eq!(drops.load(SeqCst), 3);
    drop(cell);
    assert_eq!(drops.load(SeqCst), 4);

    drop(SetOnce::<Counted>::new());
    assert_eq!(drops.load(SeqCst), 4);
}

rt_test! {
    #[test]
    fn waiters_before_set_all_see_the_value() {
        rt().block_on(async {
            let cell = Arc::new(SetOnce::new());
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let cell = cell.clone();
                    rt::spawn(async move { *cell.wait().await })
                })
                .collect();
            for _ in 0..10 {
                rt::task::yield_now().await;
            }
            assert!(handles.iter().all(|handle| !handle.is_finished()));
            cell.set(42).unwrap();
            for handle in handles {
                assert_eq!(handle.await.unwrap(), 42);
            }
        });
    }

    #[test]
    fn wait_after_set_completes_at_once() {
        rt().block_on(async {
            let cell = Arc::new(SetOnce::new());
            cell.set(String::from("ready")).unwrap();
            let handle = {
                let cell = cell.clone();
                rt::spawn(async move { cell.wait().await.clone() })
            };
            assert_eq!(handle.await.unwrap(), "ready");
            assert_eq!(cell.wait().await, "ready");
        });
    }

    #[test]
    fn one_of_many_racing_setters_wins() {
        rt().block_on(async {
            let cell = Arc::new(SetOnce::new());
            let waiter = {
                let cell = cell.clone();
                rt::spawn(async move { *cell.wait().await })
            };
            let setters: Vec<_> = (0..8)
                .map(|i| {
                    let cell = cell.clone();
                    rt::spawn(async move { cell.set(i).is_ok() })
                })
                .collect();
            let mut winners = 0;
            for setter in setters {
                winners += usize::from(setter.await.unwrap());
            }
            assert_eq!(winners, 1);
            assert_eq!(waiter.await.unwrap(), *cell.get().unwrap());
        });
    }
}
