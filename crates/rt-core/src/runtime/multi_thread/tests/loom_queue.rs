//! loom models of the worker queue (capacity 4 under loom, so overflow and wrap-around are
//! reached): every task pushed comes out exactly once, whoever takes it.

use std::collections::HashSet;

use loom::thread;

use super::super::Inject;
use super::super::queue::{self, Local};
use crate::runtime::metrics::WorkerMetrics;
use crate::task::{self, Id, Notified, Schedule, Task};

/// Tasks in these models are never woken and never complete: they are only moved around.
struct NoSchedule;

impl Schedule for NoSchedule {
    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        None
    }

    fn schedule(&self, _task: Notified<Self>) {
        unreachable!("the queue models never wake a task");
    }
}

fn new_task() -> Notified<NoSchedule> {
    let future: std::future::Pending<()> = std::future::pending();
    let (task, notified, join) = task::new_task(future, NoSchedule, Id::next());
    drop(task);
    drop(join);
    notified
}

/// Pushes `n` new tasks on the owner's end, recording their ids in `pushed`.
fn push_new(
    local: &mut Local<NoSchedule>,
    inject: &Inject<NoSchedule>,
    metrics: &WorkerMetrics,
    n: usize,
    pushed: &mut Vec<Id>,
) {
    for _ in 0..n {
        let task = new_task();
        pushed.push(task.id());
        local.push_back_or_overflow(task, inject, metrics);
    }
}

fn drain(local: &mut Local<NoSchedule>, into: &mut Vec<Id>) {
    while let Some(task) = local.pop() {
        into.push(task.id());
    }
}

fn drain_inject(inject: &Inject<NoSchedule>, into: &mut Vec<Id>) {
    while let Some(task) = inject.pop() {
        into.push(task.id());
    }
}

/// A thread that steals once from `steal` into a queue of its own, and returns the ids of
/// everything it got.
fn spawn_thief(steal: queue::Steal<NoSchedule>) -> thread::JoinHandle<Vec<Id>> {
    thread::spawn(move || {
        let (_, mut mine) = queue::local::<NoSchedule>();
        let mut got = Vec::new();
        if let Some(task) = steal.steal_into(&mut mine, &WorkerMetrics::default()) {
            got.push(task.id());
        }
        drain(&mut mine, &mut got);
        got
    })
}

/// Every id once, and all of them.
fn assert_each_once(seen: Vec<Id>, pushed: &[Id]) {
    let unique: HashSet<Id> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "a task came out twice");
    assert_eq!(unique, pushed.iter().copied().collect(), "a task was lost");
}

#[test]
fn steal_half_while_owner_pops() {
    loom::model(|| {
        let (steal, mut local) = queue::local::<NoSchedule>();
        let inject = Inject::new();
        let metrics = WorkerMetrics::default();
        let mut pushed = Vec::new();
        push_new(&mut local, &inject, &metrics, 3, &mut pushed);
        let thief = spawn_thief(steal);
        let mut seen = Vec::new();
        if let Some(task) = local.pop() {
            seen.push(task.id());
        }
        seen.extend(thief.join().unwrap());
        drain(&mut local, &mut seen);
        drain_inject(&inject, &mut seen);
        assert_each_once(seen, &pushed);
    });
}

#[test]
fn overflow_to_inject_while_stealing() {
    loom::model(|| {
        let (steal, mut local) = queue::local::<NoSchedule>();
        let inject = Inject::new();
        let metrics = WorkerMetrics::default();
        let mut pushed = Vec::new();
        // Fill the queue (capacity 4 under loom).
        push_new(&mut local, &inject, &metrics, queue::CAPACITY, &mut pushed);
        let thief = spawn_thief(steal);
        // Push past capacity: overflows half to the inject queue, or lands in the room
        // the thief made, or (thief mid-steal) goes to the inject queue alone.
        push_new(&mut local, &inject, &metrics, 2, &mut pushed);
        let mut seen = thief.join().unwrap();
        drain(&mut local, &mut seen);
        drain_inject(&inject, &mut seen);
        assert_each_once(seen, &pushed);
    });
}

#[test]
fn two_thieves_and_a_wrapping_owner() {
    loom::model(|| {
        let (steal, mut local) = queue::local::<NoSchedule>();
        let inject = Inject::new();
        let metrics = WorkerMetrics::default();
        let mut pushed = Vec::new();
        // Move head and tail around the ring first, so indices wrap.
        push_new(&mut local, &inject, &metrics, 3, &mut pushed);
        let mut seen = Vec::new();
        drain(&mut local, &mut seen);
        push_new(&mut local, &inject, &metrics, 3, &mut pushed);
        let thieves: Vec<_> = (0..2).map(|_| spawn_thief(steal.clone())).collect();
        if let Some(task) = local.pop() {
            seen.push(task.id());
        }
        for thief in thieves {
            seen.extend(thief.join().unwrap());
        }
        drain(&mut local, &mut seen);
        drain_inject(&inject, &mut seen);
        assert_each_once(seen, &pushed);
    });
}

#[test]
fn owner_reuses_slots_only_after_the_thief_is_done() {
    loom::model(|| {
        let (steal, mut local) = queue::local::<NoSchedule>();
        let inject = Inject::new();
        let metrics = WorkerMetrics::default();
        let mut pushed = Vec::new();
        push_new(&mut local, &inject, &metrics, queue::CAPACITY, &mut pushed);
        let thief = spawn_thief(steal);
        // Pop, then push into the ring's next (wrapped) slots: they may be the ones the
        // thief is copying from, which loom reports as a race unless the queue waits.
        let mut seen = Vec::new();
        if let Some(task) = local.pop() {
            seen.push(task.id());
        }
        push_new(&mut local, &inject, &metrics, 2, &mut pushed);
        seen.extend(thief.join().unwrap());
        drain(&mut local, &mut seen);
        drain_inject(&inject, &mut seen);
        assert_each_once(seen, &pushed);
    });
}
