//! `RwLock` on every runtime flavour: shared readers, exclusive writers, write preference,
//! downgrade, max readers, owned and mapped guards, and the blocking entry points.

#[macro_use]
#[path = "../../rt/tests/support/flavors.rs"]
mod flavors;
#[path = "util/mod.rs"]
mod util;

use std::sync::Arc;
use std::task::Poll;
use util::poll_once;

use rt_sync::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
};

#[test]
fn many_readers_at_once_writer_excludes_them() {
    let lock = RwLock::new(1);
    let readers: Vec<_> = (0..100).map(|_| lock.try_read().unwrap()).collect();
    assert!(lock.try_write().is_err());
    drop(readers);
    let mut writer = lock.try_write().unwrap();
    *writer = 2;
    assert!(lock.try_read().is_err());
    assert!(lock.try_write().is_err());
    drop(writer);
    assert_eq!(*lock.try_read().unwrap(), 2);
}

#[test]
fn waiting_writer_blocks_new_readers() {
    let lock = RwLock::new(0);
    let reader = lock.try_read().unwrap();
    let mut writer = Box::pin(lock.write());
    assert!(poll_once(writer.as_mut()).is_pending());
    // A writer is queued: new readers wait behind it.
    assert!(lock.try_read().is_err());
    let mut late_reader = Box::pin(lock.read());
    assert!(poll_once(late_reader.as_mut()).is_pending());
    drop(reader);
    assert!(poll_once(late_reader.as_mut()).is_pending());
    let Poll::Ready(mut guard) = poll_once(writer.as_mut()) else {
        panic!("the writer was not served first");
    };
    *guard = 1;
    drop(guard);
    let Poll::Ready(guard) = poll_once(late_reader.as_mut()) else {
        panic!("the reader was not served after the writer");
    };
    assert_eq!(*guard, 1);
}

#[test]
fn cancelled_write_lets_readers_in() {
    let lock = RwLock::new(0);
    let reader = lock.try_read().unwrap();
    let mut writer = Box::pin(lock.write());
    assert!(poll_once(writer.as_mut()).is_pending());
    assert!(lock.try_read().is_err());
    drop(writer);
    drop(lock.try_read().unwrap());
    drop(reader);
    assert!(lock.try_write().is_ok());
}

#[test]
fn downgrade_keeps_writers_out_and_lets_readers_in() {
    let lock = RwLock::new(1);
    let mut writer = lock.try_write().unwrap();
    *writer = 2;
    let mut queued_writer = Box::pin(lock.write());
    assert!(poll_once(queued_writer.as_mut()).is_pending());
    let mut reader = Box::pin(lock.read());
    assert!(poll_once(reader.as_mut()).is_pending());
    let read = RwLockWriteGuard::downgrade(writer);
    assert_eq!(*read, 2);
    // The queued writer still waits for the downgraded reader.
    assert!(poll_once(queued_writer.as_mut()).is_pending());
    drop(read);
    assert!(poll_once(queued_writer.as_mut()).is_ready());
}

#[test]
fn max_readers() {
    let lock = RwLock::with_max_readers(0, 2);
    let a = lock.try_read().unwrap();
    let b = lock.try_read().unwrap();
    assert!(lock.try_read().is_err());
    let mut third = Box::pin(lock.read());
    assert!(poll_once(third.as_mut()).is_pending());
    drop(a);
    assert!(poll_once(third.as_mut()).is_ready());
    drop(b);
}

#[test]
#[should_panic(expected = "readers")]
fn too_many_max_readers_panics() {
    let _ = RwLock::with_max_readers((), u32::MAX);
}

#[test]
fn map_and_try_map() {
    let lock = RwLock::new((1, vec![2, 3]));
    let read = RwLockReadGuard::map(lock.try_read().unwrap(), |pair| &pair.1);
    let read = RwLockReadGuard::try_map(read, |v| v.get(9)).unwrap_err();
    let read = RwLockReadGuard::try_map(read, |v| v.first()).unwrap();
    assert_eq!(*read, 2);
    assert!(lock.try_write().is_err());
    drop(read);
    let write = lock.try_write().unwrap();
    let write = RwLockWriteGuard::try_map(write, |_| None::<&mut u8>).unwrap_err();
    let mut write = RwLockWriteGuard::map(write, |pair| &mut pair.0);
    *write = 10;
    assert!(lock.try_read().is_err());
    drop(write);
    assert_eq!(*lock.try_read().unwrap(), (10, vec![2, 3]));
    // A mapped write guard narrows further and keeps the writer in until its last form drops.
    let vec = RwLockWriteGuard::map(lock.try_write().unwrap(), |pair| &mut pair.1);
    let vec = RwLockMappedWriteGuard::try_map(vec, |v| v.get_mut(9)).unwrap_err();
    let mut last = RwLockMappedWriteGuard::map(vec, |v| &mut v[1]);
    *last = 30;
    let mut first = RwLockMappedWriteGuard::try_map(last, |x| Some(x)).unwrap();
    *first += 1;
    assert!(lock.try_read().is_err());
    drop(first);
    assert_eq!(*lock.try_read().unwrap(), (10, vec![2, 31]));
}

#[test]
fn owned_guards() {
    let lock = Arc::new(RwLock::new((1, 2)));
    let read = lock.clone().try_read_owned().unwrap();
    assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&read), &lock));
    let read = OwnedRwLockReadGuard::try_map(read, |_| None::<&u8>).unwrap_err();
    let read = OwnedRwLockReadGuard::map(read, |pair| &pair.1);
    let read = OwnedRwLockReadGuard::try_map(read, |x| Some(x)).unwrap();
    assert_eq!(*read, 2);
    assert!(lock.clone().try_write_owned().is_err());
    drop(read);
    let write = lock.clone().try_write_owned().unwrap();
    let write = OwnedRwLockWriteGuard::try_map(write, |_| None::<&mut u8>).unwrap_err();
    let mut write = OwnedRwLockWriteGuard::map(write, |pair| &mut pair.0);
    *write = 4;
    let write = OwnedRwLockMappedWriteGuard::try_map(write, |_| None::<&mut u8>).unwrap_err();
    let write = OwnedRwLockMappedWriteGuard::try_map(write, |x| Some(x)).unwrap();
    let mut write = OwnedRwLockMappedWriteGuard::map(write, |x| x);
    *write += 1;
    assert!(lock.try_read().is_err());
    drop(write);
    let write = lock.clone().try_write_owned().unwrap();
    let read = OwnedRwLockWriteGuard::downgrade(write);
    assert!(lock.try_read().is_ok());
    assert!(lock.try_write().is_err());
    drop(read);
    assert_eq!(*lock.try_read().unwrap(), (5, 2));
    assert_eq!(Arc::strong_count(&lock), 1);
}

#[test]
fn get_mut_into_inner_debug() {
    let mut lock = RwLock::new(1);
    *lock.get_mut() += 1;
    assert_eq!(format!("{lock:?}"), "RwLock { data: 2 }");
    let write = lock.try_write().unwrap();
    assert_eq!(
        format!("{lock:?} {write} {write:?}"),
        "RwLock { data: <locked> } 2 2"
    );
    drop(write);
    assert_eq!(lock.into_inner(), 2);
}

#[test]
fn blocking_read_and_write_from_std_threads() {
    let lock = Arc::new(RwLock::new(0));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let lock = lock.clone();
            std::thread::spawn(move || {
                for _ in 0..100 {
                    *lock.blocking_write() += 1;
                    let _ = *lock.blocking_read();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(*lock.try_read().unwrap(), 400);
}

#[test]
#[should_panic(expected = "Cannot block the current thread from within a runtime")]
fn blocking_read_inside_a_runtime_panics() {
    let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
    let lock = RwLock::new(0);
    rt.block_on(async {
        let _ = lock.blocking_read();
    });
}

#[test]
fn send_sync_bounds() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<RwLock<u8>>();
    send_sync::<RwLockReadGuard<'static, u8>>();
    send_sync::<RwLockWriteGuard<'static, u8>>();
    send_sync::<OwnedRwLockReadGuard<u8, [u8]>>();
    send_sync::<OwnedRwLockWriteGuard<u8>>();
    send_sync::<rt_sync::RwLockMappedWriteGuard<'static, u8>>();
    send_sync::<rt_sync::OwnedRwLockMappedWriteGuard<u8, [u8]>>();
}

rt_test! {
    #[test]
    fn readers_share_writers_count_exactly() {
        let rt = rt();
        rt.block_on(async {
            let lock = Arc::new(RwLock::new(0_usize));
            let handles: Vec<_> = (0..20)
                .map(|i| {
                    let lock = lock.clone();
                    rt::spawn(async move {
                        for _ in 0..50 {
                            if i % 2 == 0 {
                                let mut guard = lock.write().await;
                                let seen = *guard;
                                rt::task::yield_now().await;
                                *guard = seen + 1;
                            } else {
                                let guard = lock.read().await;
                                let seen = *guard;
                                rt::task::yield_now().await;
                                assert_eq!(*guard, seen, "a writer got in beside a reader");
                            }
                        }
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
            assert_eq!(*lock.read().await, 500);
        });
    }

    #[test]
    fn readers_in_tasks_hold_the_lock_together() {
        let rt = rt();
        rt.block_on(async {
            let lock = Arc::new(RwLock::new(7));
            let barrier = Arc::new(rt_sync::Semaphore::new(0));
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    let lock = lock.clone();
                    let barrier = barrier.clone();
                    rt::spawn(async move {
                        let guard = lock.read_owned().await;
                        // Every reader is in before any leaves.
                        barrier.add_permits(1);
                        barrier.acquire_many(4).await.unwrap().forget();
                        barrier.add_permits(4);
                        assert_eq!(*guard, 7);
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
        });
    }

    #[test]
    fn owned_write_guard_moves_into_a_task() {
        let rt = rt();
        rt.block_on(async {
            let lock = Arc::new(RwLock::new(0));
            let mut guard = lock.clone().write_owned().await;
            let handle = rt::spawn(async move { *guard += 1 });
            assert_eq!(*lock.read().await, 1);
            handle.await.unwrap();
        });
    }

    #[test]
    fn blocking_write_in_spawn_blocking() {
        let rt = rt();
        rt.block_on(async {
            let lock = Arc::new(RwLock::new(0));
            let held = lock.read().await;
            let blocking = {
                let lock = lock.clone();
                rt::task::spawn_blocking(move || *lock.blocking_write() += 1)
            };
            rt::task::yield_now().await;
            drop(held);
            blocking.await.unwrap();
            assert_eq!(*lock.read().await, 1);
        });
    }
}
