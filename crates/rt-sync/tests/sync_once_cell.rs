//! `OnceCell` on every runtime flavour: one initializer among many callers, hand-over of a
//! cancelled or failed initializer, `set` errors, `take`/`into_inner`, and drop accounting.

#[macro_use]
#[path = "../../rt/tests/support/flavors.rs"]
mod flavors;
#[path = "util/mod.rs"]
mod util;

use std::future::pending;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use rt_sync::{OnceCell, SetError};
use util::{Counted, poll_once};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn is_send_and_sync_for_send_sync_values() {
    assert_send_sync::<OnceCell<u32>>();
    assert_send_sync::<OnceCell<String>>();
}

// `const_new` needs std's const constructors, which loom's types lack.
#[cfg(not(rt_loom))]
#[test]
fn const_new_in_static() {
    static CELL: OnceCell<u32> = OnceCell::const_new();
    assert!(CELL.get().is_none());
    CELL.set(5).unwrap();
    assert_eq!(CELL.get(), Some(&5));
}

#[test]
fn set_then_set_again_is_already_initialized() {
    let cell = OnceCell::new();
    assert!(!cell.initialized());
    assert_eq!(cell.set(1), Ok(()));
    assert!(cell.initialized());
    let err = cell.set(2).unwrap_err();
    assert!(err.is_already_init_err());
    assert!(!err.is_initializing_err());
    assert_eq!(err.to_string(), "cell already initialized");
    assert_eq!(format!("{err:?}"), "AlreadyInitializedError(..)");
    assert_eq!(err, SetError::AlreadyInitializedError(2));
    assert_eq!(cell.get(), Some(&1));
}

#[test]
fn set_while_initializing_is_initializing_error() {
    let cell = OnceCell::new();
    {
        let mut init = pin!(cell.get_or_init(pending::<u32>));
        assert!(poll_once(init.as_mut()).is_pending());
        let err = cell.set(3).unwrap_err();
        assert!(err.is_initializing_err());
        assert_eq!(err.to_string(), "cell is being initialized");
        assert_eq!(err.into_inner(), 3);
    }
    // The abandoned initializer gave the right to write back.
    assert_eq!(cell.set(4), Ok(()));
    assert_eq!(cell.get(), Some(&4));
}

#[test]
fn constructors_and_traits() {
    let empty = OnceCell::<u32>::new_with(None);
    assert!(empty.get().is_none());
    let full = OnceCell::new_with(Some(9));
    assert_eq!(full.get(), Some(&9));
    assert!(full.set(1).unwrap_err().is_already_init_err());
    assert_eq!(OnceCell::from(9), full);
    assert_ne!(empty, full);
    assert_eq!(full.clone().get(), Some(&9));
    assert_eq!(OnceCell::<u32>::default(), empty);
    assert_eq!(format!("{full:?}"), "OnceCell { value: Some(9) }");
}

#[test]
fn get_mut_take_and_into_inner() {
    let mut cell = OnceCell::new();
    assert!(cell.get_mut().is_none());
    assert!(cell.take().is_none());
    cell.set(String::from("a")).unwrap();
    cell.get_mut().unwrap().push('b');
    assert_eq!(cell.take().as_deref(), Some("ab"));
    assert!(!cell.initialized());
    // A taken cell can be set again.
    cell.set(String::from("c")).unwrap();
    assert_eq!(cell.into_inner().as_deref(), Some("c"));
    assert_eq!(OnceCell::<String>::new().into_inner(), None);
}

#[test]
fn the_value_is_dropped_exactly_once() {
    let drops = Arc::new(AtomicUsize::new(0));

    // Dropped with the cell.
    let cell = OnceCell::new();
    assert!(cell.set(Counted(drops.clone())).is_ok());
    drop(cell);
    assert_eq!(drops.load(SeqCst), 1);

    // Moved out by `into_inner`: the cell does not drop it again.
    let cell = OnceCell::new_with(Some(Counted(drops.clone())));
    let value = cell.into_inner().unwrap();
    assert_eq!(drops.load(SeqCst), 1);
    drop(value);
    assert_eq!(drops.load(SeqCst), 2);

    // Moved out by `take`.
    let mut cell = OnceCell::from(Counted(drops.clone()));
    let value = cell.take().unwrap();
    drop(cell);
    assert_eq!(drops.load(SeqCst), 2);
    drop(value);
    assert_eq!(drops.load(SeqCst), 3);

    // A rejected value comes back in the error and is dropped with it.
    let cell = OnceCell::new_with(Some(Counted(drops.clone())));
    drop(cell.set(Counted(drops.clone())));
    assert_eq!(drops.load(SeqCst), 4);
    drop(cell);
    assert_eq!(drops.load(SeqCst), 5);

    // An empty cell drops nothing.
    drop(OnceCell::<Counted>::new());
    assert_eq!(drops.load(SeqCst), 5);
}

rt_test! {
    #[test]
    fn concurrent_get_or_init_runs_one_initializer() {
        rt().block_on(async {
            let cell = Arc::new(OnceCell::new());
            let runs = Arc::new(AtomicUsize::new(0));
            let handles: Vec<_> = (0..16)
                .map(|i| {
                    let (cell, runs) = (cell.clone(), runs.clone());
                    rt::spawn(async move {
                        *cell
                            .get_or_init(|| async move {
                                runs.fetch_add(1, SeqCst);
                                // Stay in the initializer a while so the others pile up.
                                for _ in 0..10 {
                                    rt::task::yield_now().await;
                                }
                                i
                            })
                            .await
                    })
                })
                .collect();
            let mut values = Vec::new();
            for handle in handles {
                values.push(handle.await.unwrap());
            }
            assert_eq!(runs.load(SeqCst), 1);
            let winner = *cell.get().unwrap();
            assert!(values.iter().all(|&value| value == winner));
        });
    }

    #[test]
    fn cancelled_initializer_is_handed_over() {
        rt().block_on(async {
            let cell = Arc::new(OnceCell::new());
            let mut first = Box::pin(cell.get_or_init(pending::<u32>));
            assert!(poll_once(first.as_mut()).is_pending());

            let waiting = Arc::new(AtomicUsize::new(0));
            let second = {
                let (cell, waiting) = (cell.clone(), waiting.clone());
                rt::spawn(async move {
                    waiting.store(1, SeqCst);
                    *cell.get_or_init(|| async { 2 }).await
                })
            };
            while waiting.load(SeqCst) == 0 {
                rt::task::yield_now().await;
            }
            for _ in 0..10 {
                rt::task::yield_now().await;
            }
            assert!(!second.is_finished(), "the second caller waits for the first");
            assert!(cell.get().is_none());

            drop(first);
            assert_eq!(second.await.unwrap(), 2);
            assert_eq!(cell.get(), Some(&2));
        });
    }

    #[test]
    fn aborted_initializing_task_is_handed_over() {
        rt().block_on(async {
            let cell = Arc::new(OnceCell::new());
            let started = Arc::new(AtomicUsize::new(0));
            let first = {
                let (cell, started) = (cell.clone(), started.clone());
                rt::spawn(async move {
                    *cell
                        .get_or_init(|| async move {
                            started.store(1, SeqCst);
                            pending::<u32>().await
                        })
                        .await
                })
            };
            while started.load(SeqCst) == 0 {
                rt::task::yield_now().await;
            }
            first.abort();
            assert!(first.await.unwrap_err().is_cancelled());
            assert_eq!(*cell.get_or_init(|| async { 7 }).await, 7);
        });
    }

    #[test]
    fn get_or_try_init_error_then_success() {
        rt().block_on(async {
            let cell = OnceCell::<u32>::new();
            let err = cell.get_or_try_init(|| async { Err::<u32, _>("boom") }).await;
            assert_eq!(err, Err("boom"));
            assert!(!cell.initialized());
            let ok = cell.get_or_try_init(|| async { Ok::<_, &str>(5) }).await;
            assert_eq!(ok, Ok(&5));
            // Initialized: the initializer is not called again.
            let again = cell
                .get_or_try_init(|| async { Err::<u32, _>("not called") })
                .await;
            assert_eq!(again, Ok(&5));
        });
    }

    #[test]
    fn failed_initializer_lets_a_waiter_try() {
        rt().block_on(async {
            let cell = Arc::new(OnceCell::<u32>::new());
            let mut first = Box::pin(cell.get_or_try_init(|| async {
                rt::task::yield_now().await;
                Err::<u32, _>(())
            }));
            assert!(poll_once(first.as_mut()).is_pending());
            let second = {
                let cell = cell.clone();
                rt::spawn(async move {
                    *cell.get_or_try_init(|| async { Ok::<_, ()>(8) }).await.unwrap()
                })
            };
            assert_eq!(first.await, Err(()));
            assert_eq!(second.await.unwrap(), 8);
        });
    }
}
