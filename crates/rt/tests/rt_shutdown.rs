#![cfg(feature = "full")]
//! Nothing leaks and nothing is dropped twice: runtime drop and abort storms, counted.

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering::SeqCst};

/// One slot per task; each task's future increments its slot when dropped.
struct Ledger {
    slots: Vec<AtomicU8>,
}

impl Ledger {
    fn new(n: usize) -> Arc<Ledger> {
        Arc::new(Ledger {
            slots: (0..n).map(|_| AtomicU8::new(0)).collect(),
        })
    }

    fn probe(self: &Arc<Self>, index: usize) -> Probe {
        Probe {
            ledger: self.clone(),
            index,
        }
    }

    /// Panics naming the first slot not dropped exactly once.
    fn assert_each_dropped_once(&self) {
        for (i, slot) in self.slots.iter().enumerate() {
            let n = slot.load(SeqCst);
            assert_eq!(n, 1, "future {i} was dropped {n} times");
        }
    }
}

struct Probe {
    ledger: Arc<Ledger>,
    index: usize,
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.ledger.slots[self.index].fetch_add(1, SeqCst);
    }
}

rt_test! {
    use std::future::{pending, poll_fn};
    use std::sync::Mutex;
    use std::task::{Poll, Waker};
    use std::thread;

    #[test]
    fn runtime_drop_drops_100_000_live_tasks_once_each() {
        const N: usize = 100_000;
        let ledger = Ledger::new(N);
        let rt = rt();
        let mut handles = Vec::new();
        let mut with_output = Vec::new();
        rt.block_on(async {
            // A quarter idle forever after one poll, a quarter queued again (woken), a
            // quarter finished with an output nobody read: all in different states.
            for i in 0..N / 4 {
                let probe = ledger.probe(i);
                handles.push(rt::spawn(async move {
                    let _probe = probe;
                    pending::<()>().await;
                }));
            }
            for i in N / 4..N / 2 {
                let probe = ledger.probe(i);
                drop(rt::spawn(async move {
                    let _probe = probe;
                    loop {
                        rt::task::yield_now().await;
                    }
                }));
            }
            for i in N / 2..3 * N / 4 {
                let probe = ledger.probe(i);
                with_output.push(rt::spawn(async move { probe }));
            }
            rt::task::yield_now().await;
        });
        // The last quarter never runs: spawned from outside, dropped with the runtime.
        for i in 3 * N / 4..N {
            let probe = ledger.probe(i);
            handles.push(rt.spawn(async move {
                let _probe = probe;
            }));
        }
        drop(rt);
        // Join handles still alive: the finished outputs are dropped with them.
        assert!(handles.iter().all(|h| h.is_finished()), "every task is complete after shutdown");
        assert!(with_output.iter().all(|h| h.is_finished()));
        drop(handles);
        drop(with_output);
        ledger.assert_each_dropped_once();
    }

    #[test]
    fn abort_storm_while_woken_from_other_threads() {
        const N: usize = 10_000;
        let ledger = Ledger::new(N);
        let rt = rt();
        let wakers: Arc<Vec<Mutex<Option<Waker>>>> = Arc::new((0..N).map(|_| Mutex::new(None)).collect());
        let handles: Vec<_> = (0..N)
            .map(|i| {
                let probe = ledger.probe(i);
                let wakers = wakers.clone();
                rt.spawn(async move {
                    let _probe = probe;
                    // Never completes on its own: re-registers on every wake.
                    poll_fn(|cx| {
                        *wakers[i].lock().unwrap() = Some(cx.waker().clone());
                        Poll::<()>::Pending
                    })
                    .await;
                })
            })
            .collect();
        let aborts: Vec<_> = handles.iter().map(|h| h.abort_handle()).collect();

        let results = rt.block_on(async move {
            // Let every task register its waker.
            while wakers.iter().any(|w| w.lock().unwrap().is_none()) {
                rt::task::yield_now().await;
            }
            let storm = {
                let wakers = wakers.clone();
                thread::spawn(move || {
                    for _ in 0..3 {
                        for w in wakers.iter() {
                            let waker = w.lock().unwrap().clone();
                            if let Some(waker) = waker {
                                waker.wake();
                            }
                        }
                    }
                })
            };
            let aborter = thread::spawn(move || {
                for abort in aborts {
                    abort.abort();
                }
            });
            let mut results = Vec::with_capacity(N);
            for h in handles {
                results.push(h.await);
            }
            storm.join().unwrap();
            aborter.join().unwrap();
            results
        });
        assert!(results.iter().all(|r| r.as_ref().unwrap_err().is_cancelled()));
        drop(rt);
        ledger.assert_each_dropped_once();
    }
}
