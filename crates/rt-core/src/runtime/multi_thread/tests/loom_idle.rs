//! loom model of the park/wake protocol (rules I1-I3 in `idle.rs`): work pushed from
//! outside while workers go to sleep is never left with every worker asleep.
//!
//! The model drives the real `Idle` and `Parker` in the order the worker loop does —
//! look for work, search, park (the last searcher re-checking the queue), wake — with the
//! queue reduced to a counter of jobs.

use std::sync::Arc;

use loom::sync::atomic::{AtomicUsize, Ordering::*, fence};
use loom::sync::{Condvar, Mutex};
use loom::thread;

use super::super::idle::Idle;
use super::super::park::{Parker, SharedDriver, Unparker};
use crate::runtime::driver::ParkThread;

struct World {
    idle: Idle,
    jobs: AtomicUsize,
    done: AtomicUsize,
    /// Signalled when a job is done, for the model's main thread to wait on.
    done_signal: (Mutex<()>, Condvar),
    unparkers: Vec<Unparker>,
}

impl World {
    /// The notifier side (`push_remote_task` then `notify_parked`).
    fn push_job(&self) {
        self.jobs.fetch_add(1, Release);
        if let Some(worker) = self.idle.worker_to_notify() {
            self.unparkers[worker].unpark();
        }
    }

    fn take_job(&self) -> bool {
        let mut n = self.jobs.load(Acquire);
        while n > 0 {
            match self.jobs.compare_exchange(n, n - 1, AcqRel, Acquire) {
                Ok(_) => {
                    let _guard = self.done_signal.0.lock().unwrap();
                    self.done.fetch_add(1, AcqRel);
                    self.done_signal.1.notify_all();
                    return true;
                }
                Err(actual) => n = actual,
            }
        }
        false
    }

    /// `notify_if_work_pending`.
    fn notify_if_work_pending(&self) {
        fence(SeqCst);
        if self.jobs.load(Acquire) > 0 {
            if let Some(worker) = self.idle.worker_to_notify() {
                self.unparkers[worker].unpark();
            }
        }
    }

    /// One worker's loop until `total` jobs are done by anyone.
    fn run_worker(&self, index: usize, mut parker: Parker, total: usize) {
        let mut is_searching = false;
        while self.done.load(Acquire) < total {
            if self.take_job() {
                // Found work: stop searching; the last searcher wakes another (I3).
                if is_searching {
                    is_searching = false;
                    if self.idle.transition_worker_from_searching() {
                        self.notify_if_work_pending();
                    }
                }
                continue;
            }
            if !is_searching {
                is_searching = self.idle.transition_worker_to_searching();
                // Searching means one more look at the queues.
                if is_searching {
                    continue;
                }
            }
            // Park. The last searcher to park checks the queues once more (I3).
            if self.idle.transition_worker_to_parked(index, is_searching) {
                self.notify_if_work_pending();
            }
            // Asleep until woken; the wake decides whether we search (I1).
            loop {
                if self.done.load(Acquire) >= total {
                    return;
                }
                parker.park();
                if self.jobs.load(Acquire) > 0 {
                    is_searching = !self.idle.unpark_worker_by_id(index);
                    break;
                }
                if !self.idle.is_parked(index) {
                    // Claimed by a notifier: wake up searching (I1).
                    is_searching = true;
                    break;
                }
            }
        }
    }
}

fn world(workers: usize) -> (Arc<World>, Vec<Parker>) {
    let driver = Arc::new(SharedDriver::new(Box::new(ParkThread::new())));
    let parkers: Vec<Parker> = (0..workers).map(|_| Parker::new(driver.clone())).collect();
    let unparkers = parkers.iter().map(Parker::unparker).collect();
    let world = Arc::new(World {
        idle: Idle::new(workers),
        jobs: AtomicUsize::new(0),
        done: AtomicUsize::new(0),
        done_signal: (Mutex::new(()), Condvar::new()),
        unparkers,
    });
    (world, parkers)
}

#[test]
fn one_worker_never_sleeps_through_a_push() {
    loom::model(|| {
        let (world, mut parkers) = world(1);
        let pusher = {
            let world = world.clone();
            thread::spawn(move || world.push_job())
        };
        // A lost wake-up leaves this worker parked forever: loom reports the deadlock.
        world.run_worker(0, parkers.pop().unwrap(), 1);
        pusher.join().unwrap();
        assert_eq!(world.done.load(Acquire), 1);
    });
}

#[test]
fn two_workers_and_a_push_from_outside() {
    loom::model(|| {
        let (world, parkers) = world(2);
        let workers: Vec<_> = parkers
            .into_iter()
            .enumerate()
            .map(|(index, parker)| {
                let world = world.clone();
                thread::spawn(move || world.run_worker(index, parker, 1))
            })
            .collect();
        world.push_job();
        // If the job were left with both workers asleep, every thread would block here or
        // in a park: loom reports the deadlock.
        let mut guard = world.done_signal.0.lock().unwrap();
        while world.done.load(Acquire) < 1 {
            guard = world.done_signal.1.wait(guard).unwrap();
        }
        drop(guard);
        // Shutdown: wake whoever sleeps so it can see the work is done.
        for unparker in &world.unparkers {
            unparker.unpark();
        }
        for worker in workers {
            worker.join().unwrap();
        }
    });
}

#[test]
fn two_parkers_share_the_driver() {
    loom::model(|| {
        let driver = Arc::new(SharedDriver::new(Box::new(ParkThread::new())));
        let mut a = Parker::new(driver.clone());
        let mut b = Parker::new(driver);
        let (ua, ub) = (a.unparker(), b.unparker());
        // One parks on the driver, the other on its condvar: both unparks must land.
        let tb = thread::spawn(move || b.park());
        let t = thread::spawn(move || {
            ua.unpark();
            ub.unpark();
        });
        a.park();
        t.join().unwrap();
        tb.join().unwrap();
    });
}

#[test]
fn a_poll_of_the_driver_never_swallows_a_wake() {
    loom::model(|| {
        let driver = Arc::new(SharedDriver::new(Box::new(ParkThread::new())));
        let mut parker = Parker::new(driver);
        let unparker = parker.unparker();
        let waker = thread::spawn(move || unparker.unpark());
        // A busy worker polls the driver; the wake (shutdown's, say) must still reach its
        // next sleep, or this park never returns and loom reports the deadlock.
        parker.poll_driver();
        parker.park();
        waker.join().unwrap();
    });
}
