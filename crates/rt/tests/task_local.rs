#![cfg(feature = "full")]
//! `rt::task_local!` and `rt::task::LocalKey`: values that follow a future, not a thread.
//!
//! A value is set only while the future given to `scope` is polled (or dropped), so these
//! tests check it from inside and outside that future, across yields, in interleaved
//! tasks, and in tasks spawned from a scope (which do not inherit it).

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;
#[path = "support/util.rs"]
mod util;

use std::future::{Future, pending};
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use rt::task::{LocalSet, yield_now};
use util::panic_message;

rt::task_local! {
    /// A public key with attributes, declared first in a multi-key invocation.
    pub static REQUEST_ID: u32;

    static NAME: String;

    /// A restricted-visibility key, declared last without a trailing semicolon.
    pub(crate) static DEPTH: usize
}

rt::task_local! {
    static NUMBER: u32;
}

/// A module-level key used from another module.
mod keys {
    rt::task_local! {
        /// Visible outside this module.
        pub static TRACE: &'static str;
    }
}

/// Reads `NUMBER` when dropped and stores what it saw.
struct ReadOnDrop(Arc<Mutex<Option<Result<u32, rt::task::AccessError>>>>);

impl Drop for ReadOnDrop {
    fn drop(&mut self) {
        *self.0.lock().unwrap() = Some(NUMBER.try_with(|n| *n));
    }
}

rt_test! {
    #[test]
    fn scope_sets_the_value_for_with_get_and_try_with() {
        let rt = rt();
        rt.block_on(async {
            let out = NUMBER
                .scope(7, async {
                    assert_eq!(NUMBER.get(), 7);
                    assert_eq!(NUMBER.with(|n| n * 2), 14);
                    assert_eq!(NUMBER.try_with(|n| n + 1), Ok(8));
                    // The value survives suspension points.
                    yield_now().await;
                    assert_eq!(NUMBER.get(), 7);
                    "scope output"
                })
                .await;
            assert_eq!(out, "scope output");
            assert!(
                NUMBER.try_with(|_| ()).is_err(),
                "the value leaked out of its scope"
            );
        });
    }

    #[test]
    fn try_with_outside_a_scope_is_an_access_error() {
        let rt = rt();
        rt.block_on(async {
            let err = NUMBER.try_with(|n| *n).unwrap_err();
            assert_eq!(err.to_string(), "task-local value not set");
            let _: &dyn std::error::Error = &err;
        });
        // Outside any runtime too.
        assert!(NUMBER.try_with(|_| ()).is_err());
    }

    #[test]
    #[should_panic(expected = "cannot access a task-local storage value without setting it first")]
    fn with_outside_a_scope_panics() {
        let rt = rt();
        rt.block_on(async {
            NUMBER.with(|_| ());
        });
    }

    #[test]
    fn sync_scope_sets_the_value_for_the_closure() {
        let out = NAME.sync_scope("sync".to_owned(), || {
            assert_eq!(NAME.get(), "sync");
            NAME.with(|name| name.len())
        });
        assert_eq!(out, 4);
        assert!(NAME.try_with(|_| ()).is_err());

        // Also inside a runtime, and around a nested async scope.
        let rt = rt();
        rt.block_on(async {
            let fut = NAME.sync_scope("outer".to_owned(), || {
                assert_eq!(NAME.get(), "outer");
                // The future made here does not capture the sync scope's value.
                async { NAME.try_with(|_| ()).is_err() }
            });
            assert!(fut.await);
        });
    }

    #[test]
    fn sync_scope_restores_the_outer_value_when_the_closure_panics() {
        NUMBER.sync_scope(1, || {
            let result = panic::catch_unwind(|| {
                NUMBER.sync_scope(2, || {
                    assert_eq!(NUMBER.get(), 2);
                    panic!("inner scope panicked");
                })
            });
            assert!(result.is_err());
            assert_eq!(NUMBER.get(), 1);
        });
        assert!(NUMBER.try_with(|_| ()).is_err());
    }

    #[test]
    #[should_panic(
        expected = "cannot enter a task-local scope while the task-local storage is borrowed"
    )]
    fn sync_scope_inside_with_of_the_same_key_panics() {
        NUMBER.sync_scope(1, || {
            NUMBER.with(|_| NUMBER.sync_scope(2, || ()));
        });
    }

    #[test]
    fn nested_scopes_of_the_same_key_restore_the_outer_value() {
        let rt = rt();
        rt.block_on(async {
            NUMBER
                .scope(1, async {
                    assert_eq!(NUMBER.get(), 1);
                    NUMBER
                        .scope(2, async {
                            assert_eq!(NUMBER.get(), 2);
                            yield_now().await;
                            assert_eq!(NUMBER.get(), 2);
                            NUMBER.sync_scope(3, || assert_eq!(NUMBER.get(), 3));
                            assert_eq!(NUMBER.get(), 2);
                        })
                        .await;
                    assert_eq!(NUMBER.get(), 1);
                    yield_now().await;
                    assert_eq!(NUMBER.get(), 1);
                })
                .await;
            assert!(NUMBER.try_with(|_| ()).is_err());
        });
    }

    #[test]
    fn interleaved_scopes_each_see_their_own_value() {
        let rt = rt();
        rt.block_on(async {
            // Two scopes of one key polled in turn by one future: each poll swaps its own
            // value in and out.
            let mut a = pin!(NUMBER.scope(10, async {
                for _ in 0..3 {
                    assert_eq!(NUMBER.get(), 10);
                    yield_now().await;
                }
                NUMBER.get()
            }));
            let mut b = pin!(NUMBER.scope(20, async {
                for _ in 0..3 {
                    assert_eq!(NUMBER.get(), 20);
                    yield_now().await;
                }
                NUMBER.get()
            }));
            let (mut out_a, mut out_b) = (None, None);
            std::future::poll_fn(|cx| {
                if out_a.is_none() {
                    if let Poll::Ready(v) = a.as_mut().poll(cx) {
                        out_a = Some(v);
                    }
                    assert!(NUMBER.try_with(|_| ()).is_err());
                }
                if out_b.is_none() {
                    if let Poll::Ready(v) = b.as_mut().poll(cx) {
                        out_b = Some(v);
                    }
                    assert!(NUMBER.try_with(|_| ()).is_err());
                }
                if out_a.is_some() && out_b.is_some() {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            })
            .await;
            assert_eq!((out_a, out_b), (Some(10), Some(20)));
        });
    }

    #[test]
    fn spawned_tasks_do_not_inherit_the_value() {
        let rt = rt();
        rt.block_on(async {
            NUMBER
                .scope(1, async {
                    let plain = rt::spawn(async { NUMBER.try_with(|n| *n) });
                    assert!(
                        plain.await.unwrap().is_err(),
                        "a plain spawned task inherited the value"
                    );

                    let blocking = rt::task::spawn_blocking(|| NUMBER.try_with(|n| *n));
                    assert!(blocking.await.unwrap().is_err());

                    // Wrapped in a scope of its own, the value follows the spawned future,
                    // across suspension points and whatever thread polls it.
                    let scoped = rt::spawn(NUMBER.scope(2, async {
                        let mut seen = Vec::new();
                        for _ in 0..4 {
                            seen.push(NUMBER.get());
                            yield_now().await;
                        }
                        seen
                    }));
                    assert_eq!(scoped.await.unwrap(), vec![2; 4]);
                    assert_eq!(NUMBER.get(), 1);
                })
                .await;
        });
    }

    #[test]
    fn many_tasks_each_keep_their_own_value() {
        let rt = rt();
        rt.block_on(async {
            let handles: Vec<_> = (0..16u32)
                .map(|i| {
                    rt::spawn(NUMBER.scope(i, async move {
                        for _ in 0..3 {
                            yield_now().await;
                            assert_eq!(NUMBER.get(), i);
                        }
                        NUMBER.get()
                    }))
                })
                .collect();
            for (i, handle) in handles.into_iter().enumerate() {
                assert_eq!(handle.await.unwrap(), i as u32);
            }
        });
    }

    #[test]
    fn local_tasks_keep_their_own_value() {
        let rt = rt();
        let local = LocalSet::new();
        local.block_on(&rt, async {
            let a = rt::task::spawn_local(NAME.scope("a".to_owned(), async {
                yield_now().await;
                NAME.get()
            }));
            let b = rt::task::spawn_local(NAME.scope("b".to_owned(), async {
                yield_now().await;
                NAME.get()
            }));
            assert_eq!(a.await.unwrap(), "a");
            assert_eq!(b.await.unwrap(), "b");
        });
    }

    #[test]
    fn the_value_is_set_while_the_inner_future_is_dropped() {
        let seen = Arc::new(Mutex::new(None));

        // Dropped before its first poll.
        let guard = ReadOnDrop(seen.clone());
        let fut = NUMBER.scope(5, async move {
            let _guard = guard;
            pending::<()>().await
        });
        drop(fut);
        assert_eq!(seen.lock().unwrap().take(), Some(Ok(5)));

        // Dropped while suspended.
        let guard = ReadOnDrop(seen.clone());
        let mut fut = Box::pin(NUMBER.scope(6, async move {
            let _guard = guard;
            pending::<()>().await
        }));
        assert!(
            fut.as_mut()
                .poll(&mut Context::from_waker(Waker::noop()))
                .is_pending()
        );
        drop(fut);
        assert_eq!(seen.lock().unwrap().take(), Some(Ok(6)));
        assert!(
            NUMBER.try_with(|_| ()).is_err(),
            "the drop left the value set"
        );
    }

    #[test]
    fn the_value_is_set_while_an_aborted_task_is_dropped() {
        let rt = rt();
        let seen = Arc::new(Mutex::new(None));
        rt.block_on(async {
            let guard = ReadOnDrop(seen.clone());
            let handle = rt::spawn(NUMBER.scope(8, async move {
                let _guard = guard;
                pending::<()>().await
            }));
            yield_now().await;
            handle.abort();
            assert!(handle.await.unwrap_err().is_cancelled());
        });
        assert_eq!(seen.lock().unwrap().take(), Some(Ok(8)));
    }

    #[test]
    fn the_value_is_set_while_a_task_is_dropped_at_runtime_shutdown() {
        let rt = rt();
        let seen = Arc::new(Mutex::new(None));
        let guard = ReadOnDrop(seen.clone());
        rt.block_on(async {
            rt::spawn(NUMBER.scope(9, async move {
                let _guard = guard;
                pending::<()>().await
            }));
            yield_now().await;
        });
        drop(rt);
        assert_eq!(seen.lock().unwrap().take(), Some(Ok(9)));
    }

    #[test]
    fn take_value_after_completion_returns_the_value_once() {
        let rt = rt();
        rt.block_on(async {
            let mut fut = Box::pin(NUMBER.scope(42, async { NUMBER.get() + 1 }));
            assert_eq!(fut.as_mut().await, 43);
            assert_eq!(fut.as_mut().take_value(), Some(42));
            assert_eq!(fut.as_mut().take_value(), None);
        });
    }

    #[test]
    fn take_value_before_completion_removes_the_value_from_the_future() {
        let rt = rt();
        rt.block_on(async {
            let mut fut: std::pin::Pin<Box<rt::task::futures::TaskLocalFuture<u32, _>>> =
                Box::pin(NUMBER.scope(3, async {
                    let before = NUMBER.try_with(|n| *n);
                    yield_now().await;
                    let after = NUMBER.try_with(|n| *n);
                    (before, after)
                }));
            let mut cx = Context::from_waker(Waker::noop());
            assert!(fut.as_mut().poll(&mut cx).is_pending());
            assert_eq!(fut.as_mut().take_value(), Some(3));
            let (before, after) = fut.as_mut().await;
            assert_eq!(before, Ok(3));
            assert!(
                after.is_err(),
                "the taken value is still visible to the future"
            );
        });
    }

    #[test]
    fn multiple_keys_from_one_invocation_are_independent() {
        let rt = rt();
        rt.block_on(async {
            REQUEST_ID
                .scope(
                    100,
                    NAME.scope(
                        "req".to_owned(),
                        DEPTH.scope(2, async {
                            assert_eq!(REQUEST_ID.get(), 100);
                            assert_eq!(NAME.get(), "req");
                            assert_eq!(DEPTH.get(), 2);
                            assert!(NUMBER.try_with(|_| ()).is_err());
                            keys::TRACE
                                .scope("span", async {
                                    yield_now().await;
                                    assert_eq!(keys::TRACE.get(), "span");
                                    assert_eq!(REQUEST_ID.get(), 100);
                                })
                                .await;
                            assert!(keys::TRACE.try_with(|_| ()).is_err());
                        }),
                    ),
                )
                .await;
            assert!(REQUEST_ID.try_with(|_| ()).is_err());
            assert!(NAME.try_with(|_| ()).is_err());
            assert!(DEPTH.try_with(|_| ()).is_err());
        });
    }

    #[test]
    fn a_panic_inside_a_scoped_future_unsets_the_value() {
        let rt = rt();
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            rt.block_on(NUMBER.scope(4, async {
                assert_eq!(NUMBER.get(), 4);
                panic!("scoped future panicked");
            }))
        }));
        let payload = result.expect_err("the panic was swallowed");
        assert_eq!(
            panic_message(payload.as_ref()),
            Some("scoped future panicked")
        );
        assert!(NUMBER.try_with(|_| ()).is_err());
    }

    #[test]
    fn local_key_debug_does_not_need_a_debug_value() {
        struct NotDebug;
        rt::task_local! {
            static OPAQUE: NotDebug;
        }
        assert_eq!(format!("{:?}", OPAQUE), "LocalKey { .. }");
        let err = OPAQUE.try_with(|_| ()).unwrap_err();
        assert_eq!(format!("{err:?}"), "AccessError");
        let rt = rt();
        let fut = OPAQUE.scope(NotDebug, async {});
        assert!(format!("{fut:?}").starts_with("TaskLocalFuture"));
        rt.block_on(fut);
    }
}
