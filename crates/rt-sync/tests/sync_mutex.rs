//! `Mutex` on every runtime flavour: exclusion under contention, FIFO order, cancel
//! safety, `try_lock`, owned and mapped guards, and the blocking entry points.

#[macro_use]
#[path = "../../rt/tests/support/flavors.rs"]
mod flavors;
#[path = "util/mod.rs"]
mod util;

use std::sync::Arc;
use std::task::Poll;

use rt_sync::{MappedMutexGuard, Mutex, MutexGuard, OwnedMutexGuard, TryLockError};
use util::poll_once;

#[test]
fn try_lock_while_held_fails() {
    let mutex = Mutex::new(1);
    let guard = mutex.try_lock().unwrap();
    let err: TryLockError = mutex.try_lock().unwrap_err();
    assert_eq!(err.to_string(), "operation would block");
    let _: &dyn std::error::Error = &err;
    drop(guard);
    assert_eq!(*mutex.try_lock().unwrap(), 1);
}

#[test]
fn fifo_order_of_waiters() {
    let mutex = Mutex::new(Vec::new());
    let held = mutex.try_lock().unwrap();
    let mut waiters: Vec<_> = (0..5).map(|_| Box::pin(mutex.lock())).collect();
    for waiter in &mut waiters {
        assert!(poll_once(waiter.as_mut()).is_pending());
    }
    drop(held);
    for i in 0..5 {
        // Only the front waiter is served; a try_lock does not overtake the rest.
        for later in &mut waiters[i + 1..] {
            assert!(poll_once(later.as_mut()).is_pending());
        }
        assert!(mutex.try_lock().is_err());
        let Poll::Ready(mut guard) = poll_once(waiters[i].as_mut()) else {
            panic!("waiter {i} not served in order");
        };
        guard.push(i);
    }
    drop(waiters);
    assert_eq!(*mutex.try_lock().unwrap(), [0, 1, 2, 3, 4]);
}

#[test]
fn dropped_lock_future_does_not_hold_the_lock() {
    let mutex = Mutex::new(0);
    let held = mutex.try_lock().unwrap();
    let mut first = Box::pin(mutex.lock());
    let mut second = Box::pin(mutex.lock());
    assert!(poll_once(first.as_mut()).is_pending());
    assert!(poll_once(second.as_mut()).is_pending());
    drop(held);
    // The lock was handed to `first`; dropping it unpolled passes it on.
    drop(first);
    let Poll::Ready(guard) = poll_once(second.as_mut()) else {
        panic!("the lock was lost with the cancelled future");
    };
    drop(guard);
    drop(second);
    assert!(mutex.try_lock().is_ok());
}

#[test]
fn get_mut_into_inner_default_debug() {
    let mut mutex = Mutex::new(String::from("a"));
    mutex.get_mut().push('b');
    assert_eq!(format!("{mutex:?}"), r#"Mutex { data: "ab" }"#);
    let guard = mutex.try_lock().unwrap();
    assert_eq!(format!("{mutex:?}"), "Mutex { data: <locked> }");
    assert_eq!(format!("{guard} {guard:?}"), r#"ab "ab""#);
    assert!(std::ptr::eq(MutexGuard::mutex(&guard), &mutex));
    drop(guard);
    assert_eq!(mutex.into_inner(), "ab");
    assert_eq!(Mutex::<u8>::default().into_inner(), 0);
    assert_eq!(Mutex::from(3).into_inner(), 3);
}

#[test]
fn unsized_data() {
    let mutex: Arc<Mutex<[i32]>> = Arc::new(Mutex::new([1, 2, 3]));
    mutex.try_lock().unwrap()[1] = 5;
    assert_eq!(*mutex.try_lock().unwrap(), [1, 5, 3]);
}

#[test]
fn map_and_try_map() {
    let mutex = Mutex::new((1, vec![2]));
    let mut mapped = MutexGuard::map(mutex.try_lock().unwrap(), |pair| &mut pair.1);
    mapped.push(3);
    assert!(mutex.try_lock().is_err(), "a mapped guard keeps the lock");
    let mut first = MappedMutexGuard::map(mapped, |v| &mut v[0]);
    *first = 20;
    drop(first);
    let guard = mutex.try_lock().unwrap();
    let guard = MutexGuard::try_map(guard, |pair| pair.1.get_mut(9)).unwrap_err();
    let mapped = MutexGuard::try_map(guard, |pair| Some(&mut pair.0)).unwrap();
    let mapped = MappedMutexGuard::try_map(mapped, |_| None::<&mut u8>).unwrap_err();
    assert_eq!(*mapped, 1);
    drop(mapped);
    assert_eq!(*mutex.try_lock().unwrap(), (1, vec![20, 3]));
}

#[test]
fn owned_map_and_try_map() {
    let mutex = Arc::new(Mutex::new((1, 2)));
    let guard = mutex.clone().try_lock_owned().unwrap();
    assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&guard), &mutex));
    let guard = OwnedMutexGuard::try_map(guard, |_| None::<&mut u8>).unwrap_err();
    let mut mapped = OwnedMutexGuard::map(guard, |pair| &mut pair.1);
    *mapped = 7;
    assert!(mutex.try_lock().is_err());
    drop(mapped);
    assert_eq!(*mutex.try_lock().unwrap(), (1, 7));
    assert_eq!(Arc::strong_count(&mutex), 1);
}

#[test]
fn blocking_lock_from_std_threads() {
    let mutex = Arc::new(Mutex::new(0));
    let held = mutex.clone().try_lock_owned().unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let mutex = mutex.clone();
            std::thread::spawn(move || {
                for _ in 0..100 {
                    *mutex.blocking_lock() += 1;
                }
                *mutex.clone().blocking_lock_owned() += 1;
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(10));
    drop(held);
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(*mutex.try_lock().unwrap(), 404);
}

#[test]
#[should_panic(expected = "Cannot block the current thread from within a runtime")]
fn blocking_lock_inside_a_runtime_panics() {
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    let mutex = Mutex::new(0);
    rt.block_on(async {
        let _ = mutex.blocking_lock();
    });
}

#[test]
fn send_sync_bounds() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<Mutex<std::cell::Cell<u8>>>();
    send::<MutexGuard<'static, std::cell::Cell<u8>>>();
    send_sync::<MutexGuard<'static, u8>>();
    send_sync::<OwnedMutexGuard<u8>>();
    send_sync::<MappedMutexGuard<'static, u8>>();
    send_sync::<rt_sync::OwnedMappedMutexGuard<u8, [u8]>>();
}

rt_test! {
    #[test]
    fn contended_counter_is_exact() {
        let rt = rt();
        rt.block_on(async {
            let mutex = Arc::new(Mutex::new(0_usize));
            let handles: Vec<_> = (0..50)
                .map(|_| {
                    let mutex = mutex.clone();
                    rt::spawn(async move {
                        for _ in 0..100 {
                            let mut guard = mutex.lock().await;
                            let seen = *guard;
                            rt::task::yield_now().await;
                            *guard = seen + 1;
                        }
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
            assert_eq!(*mutex.lock().await, 5000);
        });
    }

    #[test]
    fn waiters_in_tasks_are_served_in_order() {
        let rt = rt();
        rt.block_on(async {
            let mutex = Arc::new(Mutex::new(Vec::new()));
            let held = mutex.lock().await;
            let mut handles = Vec::new();
            for i in 0..8 {
                let mut fut = Box::pin(mutex.clone().lock_owned());
                // Queue it here, in order, then let a task finish the wait.
                assert!(poll_once(fut.as_mut()).is_pending());
                handles.push(rt::spawn(async move { fut.await.push(i) }));
            }
            drop(held);
            for handle in handles {
                handle.await.unwrap();
            }
            assert_eq!(*mutex.lock().await, (0..8).collect::<Vec<_>>());
        });
    }

    #[test]
    fn cancelled_lock_in_a_task_does_not_hold_the_lock() {
        let rt = rt();
        rt.block_on(async {
            let mutex = Arc::new(Mutex::new(0));
            let held = mutex.lock().await;
            let waiter = {
                let mutex = mutex.clone();
                rt::spawn(async move { *mutex.lock().await += 1 })
            };
            for _ in 0..10 {
                rt::task::yield_now().await;
            }
            waiter.abort();
            assert!(waiter.await.unwrap_err().is_cancelled());
            drop(held);
            *mutex.lock().await += 10;
            assert_eq!(*mutex.try_lock().unwrap(), 10);
        });
    }

    #[test]
    fn owned_guard_moves_into_a_task() {
        let rt = rt();
        rt.block_on(async {
            let mutex = Arc::new(Mutex::new(0));
            let mut guard = mutex.clone().lock_owned().await;
            let (tx, rx) = rt_sync::oneshot::channel();
            let handle = rt::spawn(async move {
                rx.await.unwrap();
                *guard += 1;
            });
            assert!(mutex.try_lock().is_err());
            tx.send(()).unwrap();
            assert_eq!(*mutex.lock().await, 1);
            handle.await.unwrap();
        });
    }

    #[test]
    fn blocking_lock_in_spawn_blocking() {
        let rt = rt();
        rt.block_on(async {
            let mutex = Arc::new(Mutex::new(0));
            let held = mutex.clone().lock_owned().await;
            let blocking = {
                let mutex = mutex.clone();
                rt::task::spawn_blocking(move || {
                    *mutex.blocking_lock() += 1;
                    *mutex.blocking_lock_owned() += 1;
                })
            };
            rt::task::yield_now().await;
            drop(held);
            blocking.await.unwrap();
            assert_eq!(*mutex.lock().await, 2);
        });
    }
}
