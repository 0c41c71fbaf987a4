//! Unit tests of the worker queue, small enough for miri (which checks its unsafe code):
//! overflow, wrap-around, and a steal racing the owner on real threads.

use std::collections::HashSet;

use super::super::Inject;
use super::super::queue::{self, CAPACITY, Local};
use super::super::worker::inject_batch;
use crate::runtime::metrics::WorkerMetrics;
use crate::task::{self, Id, Notified, Schedule, Task};

struct NoSchedule;

impl Schedule for NoSchedule {
    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        None
    }

    fn schedule(&self, _task: Notified<Self>) {
        unreachable!("the queue tests never wake a task");
    }
}

fn new_task() -> Notified<NoSchedule> {
    let (task, notified, join) =
        task::new_task(std::future::pending::<()>(), NoSchedule, Id::next());
    drop((task, join));
    notified
}

fn drain(local: &mut Local<NoSchedule>, inject: &Inject<NoSchedule>) -> Vec<Id> {
    let mut ids = Vec::new();
    while let Some(task) = local.pop() {
        ids.push(task.id());
    }
    while let Some(task) = inject.pop() {
        ids.push(task.id());
    }
    ids
}

#[test]
fn fifo_then_overflow_of_half_to_inject() {
    let (_steal, mut local) = queue::local::<NoSchedule>();
    let inject = Inject::new();
    let metrics = WorkerMetrics::default();
    let mut pushed = Vec::new();
    for _ in 0..CAPACITY + 1 {
        let task = new_task();
        pushed.push(task.id());
        local.push_back_or_overflow(task, &inject, &metrics);
    }
    // The older half and the new task went to the inject queue, in order.
    assert_eq!(inject.len(), CAPACITY / 2 + 1);
    assert_eq!(local.len(), CAPACITY / 2);
    let mut seen: Vec<Id> = Vec::new();
    while let Some(task) = inject.pop() {
        seen.push(task.id());
    }
    while let Some(task) = local.pop() {
        seen.push(task.id());
    }
    let expected: Vec<Id> = pushed[..CAPACITY / 2]
        .iter()
        .chain(&pushed[CAPACITY..])
        .chain(&pushed[CAPACITY / 2..CAPACITY])
        .copied()
        .collect();
    assert_eq!(seen, expected);
}

#[test]
fn indices_wrap_around() {
    let (_steal, mut local) = queue::local::<NoSchedule>();
    let inject = Inject::new();
    let metrics = WorkerMetrics::default();
    for round in 0..3 * CAPACITY {
        let task = new_task();
        let id = task.id();
        local.push_back_or_overflow(task, &inject, &metrics);
        assert_eq!(local.pop().map(|t| t.id()), Some(id), "round {round}");
    }
    assert!(drain(&mut local, &inject).is_empty());
}

#[test]
fn steal_races_the_owner_on_threads() {
    let (steal, mut local) = queue::local::<NoSchedule>();
    let inject = Inject::new();
    let metrics = WorkerMetrics::default();
    let mut pushed = HashSet::new();
    for _ in 0..32 {
        let task = new_task();
        pushed.insert(task.id());
        local.push_back_or_overflow(task, &inject, &metrics);
    }
    let thief = std::thread::spawn(move || {
        let (_, mut mine) = queue::local::<NoSchedule>();
        let mut got = Vec::new();
        while let Some(task) = steal.steal_into(&mut mine, &WorkerMetrics::default()) {
            got.push(task.id());
            while let Some(task) = mine.pop() {
                got.push(task.id());
            }
        }
        got
    });
    let mut seen = drain(&mut local, &inject);
    seen.extend(thief.join().unwrap());
    let unique: HashSet<Id> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "a task came out twice");
    assert_eq!(unique, pushed, "a task was lost");
}

#[test]
fn multi_thread_runtime_runs_and_shuts_down() {
    let rt = crate::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let sum = rt.block_on(async {
        let handles: Vec<_> = (0..20u32).map(|i| crate::spawn(async move { i })).collect();
        let mut sum = 0;
        for h in handles {
            sum += h.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, 190);
    rt.spawn(std::future::pending::<()>());
}

#[test]
fn pop_into_returns_the_first_and_queues_the_rest_in_order() {
    let (_steal, mut local) = queue::local::<NoSchedule>();
    let inject = Inject::new();
    let tasks: Vec<_> = (0..10).map(|_| new_task()).collect();
    let ids: Vec<Id> = tasks.iter().map(|t| t.id()).collect();
    inject.push_batch(tasks.into_iter());
    let first = inject.pop_into(4, &mut local).expect("the queue has tasks");
    assert_eq!(first.id(), ids[0]);
    assert_eq!(local.len(), 3);
    assert_eq!(inject.len(), 6);
    let mut seen = vec![first.id()];
    seen.extend(drain(&mut local, &inject));
    assert_eq!(seen, ids);
    assert!(inject.pop_into(4, &mut local).is_none());
}

#[test]
fn inject_batch_is_a_fair_share_and_small_while_the_driver_is_busy() {
    // A fair share: the length over the workers, plus one.
    assert_eq!(inject_batch(20, 2, CAPACITY, false), 11);
    assert_eq!(inject_batch(1, 4, CAPACITY, false), 1);
    // Never more than half a local queue, nor more than fits.
    assert_eq!(inject_batch(10_000, 2, CAPACITY, false), CAPACITY / 2);
    assert_eq!(inject_batch(20, 2, 5, false), 5);
    // While the driver keeps waking tasks, at most four (rule I6).
    assert_eq!(inject_batch(20, 2, CAPACITY, true), 4);
    assert_eq!(inject_batch(2, 2, CAPACITY, true), 2);
    // Always at least one, so a worker with a full queue still takes the task it runs.
    assert_eq!(inject_batch(20, 2, 0, true), 1);
}
