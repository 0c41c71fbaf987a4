#![cfg(feature = "full")]
//! Stress: a million spawns from inside the runtime and a million from outside, and ten
//! thousand tasks ping-ponging wakes across workers under a detector for concurrent polls
//! and lost wakes.
//!
//! The ping-pong runs for 2 s per flavour; set `RT_STRESS_LONG=1` to run it for 10 s. Its
//! length only bounds the run: no test asserts anything about time.
//!
//! A lost wake or a stuck worker would hang a test. Each test runs under a [`Watchdog`]
//! instead, which after a generous limit makes the test fail with a message saying what
//! stalled (and, if even that cannot get the test thread back, aborts the process).

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::process;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

/// Tasks spawned by each of the two million-spawn tests.
const SPAWNS: usize = 1_000_000;
/// Tasks (inside the runtime) or std threads (outside it) sharing the spawning.
const SPAWNERS: usize = 4;
// Each spawner spawns `SPAWNS / SPAWNERS`: the exact count relies on this.
const _: () = assert!(SPAWNS % SPAWNERS == 0);
/// A spawner task yields after this many spawns, so spawning interleaves with running.
const SPAWNS_PER_YIELD: usize = 1_024;
/// How long the million-spawn tests may take before the watchdog calls them hung. Far more
/// than they need in a debug build on a loaded two-core machine.
const SPAWN_LIMIT: Duration = Duration::from_secs(300);

/// Tasks in the ping-pong test, in pairs.
const PLAYERS: usize = 10_000;
/// A player yields after every this many messages, so wakes also land on queued tasks.
const ROUNDS_PER_YIELD: u64 = 8;
/// How long after the ping-pong stops the watchdog calls it hung.
const PING_PONG_GRACE: Duration = Duration::from_secs(120);

/// How long the watchdog waits for the test thread once it has been woken to report a hang,
/// before aborting the process.
const ABORT_AFTER: Duration = Duration::from_secs(30);

/// How long the ping-pong runs: 2 s, or 10 s with `RT_STRESS_LONG=1`.
fn ping_pong_duration() -> Duration {
    match std::env::var("RT_STRESS_LONG") {
        Ok(v) if v == "1" => Duration::from_secs(10),
        _ => Duration::from_secs(2),
    }
}

/// Turns a hang into a test failure.
///
/// A [`guard`](Watchdog::guard)ed future completes with `None` once the limit has passed:
/// the watchdog thread wakes it, and `block_on` returns, so the test can report what
/// stalled. The watchdog stays armed until it is dropped, after the runtime: should the test
/// not be done [`ABORT_AFTER`] after the limit (a `block_on` that ignores wakes, a
/// `Runtime::drop` waiting for a worker that never wakes), it aborts the process with a
/// message, since no wake can get the test thread back.
struct Watchdog {
    shared: Arc<WatchdogShared>,
    /// Dropped when the test is done, which ends the watchdog thread.
    done: Option<mpsc::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

struct WatchdogShared {
    expired: AtomicBool,
    /// The waker of the guarded future, woken when the limit passes.
    waiter: Mutex<Option<Waker>>,
}

impl Watchdog {
    fn start(what: &'static str, limit: Duration) -> Watchdog {
        let shared = Arc::new(WatchdogShared {
            expired: AtomicBool::new(false),
            waiter: Mutex::new(None),
        });
        let (done, finished) = mpsc::channel::<()>();
        let shared_ = shared.clone();
        let thread = thread::Builder::new()
            .name(format!("watchdog: {what}"))
            .spawn(move || {
                if finished.recv_timeout(limit) != Err(mpsc::RecvTimeoutError::Timeout) {
                    return;
                }
                shared_.expired.store(true, SeqCst);
                let waiter = shared_.waiter.lock().unwrap().take();
                if let Some(waker) = waiter {
                    waker.wake();
                }
                if finished.recv_timeout(ABORT_AFTER) == Err(mpsc::RecvTimeoutError::Timeout) {
                    eprintln!(
                        "{what}: still running {limit:?} after it started, and {ABORT_AFTER:?} \
                         after the watchdog woke the test thread, which is stuck outside \
                         `block_on` (in `Runtime::drop`, waiting for a worker?); aborting"
                    );
                    process::abort();
                }
            })
            .expect("failed to start the watchdog thread");
        Watchdog {
            shared,
            done: Some(done),
            thread: Some(thread),
        }
    }

    /// Runs `fut` to completion (`Some(output)`) or until the limit passes (`None`).
    fn guard<F: Future>(&self, fut: F) -> impl Future<Output = Option<F::Output>> {
        let mut fut = Box::pin(fut);
        poll_fn(move |cx| {
            if self.shared.expired.load(SeqCst) {
                return Poll::Ready(None);
            }
            *self.shared.waiter.lock().unwrap() = Some(cx.waker().clone());
            if let Poll::Ready(out) = fut.as_mut().poll(cx) {
                return Poll::Ready(Some(out));
            }
            // The limit may have passed before the waker was stored.
            if self.shared.expired.load(SeqCst) {
                Poll::Ready(None)
            } else {
                Poll::Pending
            }
        })
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        drop(self.done.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Fails the test after a hang, leaking the runtime: dropping it would wait for workers
/// that may never come back.
fn hung(rt: rt::runtime::Runtime, report: String) -> ! {
    std::mem::forget(rt);
    panic!("{report}");
}

/// What the million spawned tasks report to.
struct Tally {
    /// Tasks that have run; checked for the exact count.
    completed: AtomicUsize,
    /// Tasks yet to run; the one that brings it to zero wakes the waiter.
    remaining: AtomicUsize,
    waiter: Mutex<Option<Waker>>,
}

impl Tally {
    fn new(tasks: usize) -> Arc<Tally> {
        Arc::new(Tally {
            completed: AtomicUsize::new(0),
            remaining: AtomicUsize::new(tasks),
            waiter: Mutex::new(None),
        })
    }

    /// The body of every spawned task.
    fn task_ran(&self) {
        self.completed.fetch_add(1, SeqCst);
        if self.remaining.fetch_sub(1, SeqCst) == 1 {
            let waiter = self.waiter.lock().unwrap().take();
            if let Some(waker) = waiter {
                waker.wake();
            }
        }
    }

    /// Completes once every task has run.
    fn all_ran(&self) -> impl Future<Output = ()> {
        poll_fn(move |cx| {
            if self.remaining.load(SeqCst) == 0 {
                return Poll::Ready(());
            }
            *self.waiter.lock().unwrap() = Some(cx.waker().clone());
            // The last task may have looked for a waker before this one was stored.
            if self.remaining.load(SeqCst) == 0 {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }

    /// Asserts that exactly `SPAWNS` tasks ran and that the runtime dropped every one of
    /// them; call after dropping the runtime.
    fn check(tally: Arc<Tally>) {
        assert_eq!(tally.completed.load(SeqCst), SPAWNS, "tasks that ran");
        assert_eq!(
            Arc::strong_count(&tally),
            1,
            "spawned tasks still alive after the runtime was dropped"
        );
    }
}

/// The mailbox of a [`Player`] holds no message, the ball, or the last ball.
const EMPTY: u8 = 0;
const BALL: u8 = 1;
const LAST: u8 = 2;

/// One task of the ping-pong: what it shares with its partner and with the checks.
#[derive(Default)]
struct Player {
    /// `EMPTY`, `BALL` or `LAST`: the message the partner left for this task.
    mailbox: AtomicU8,
    /// The waker this task left when it found its mailbox empty; taken by the sender.
    waker: Mutex<Option<Waker>>,
    /// Messages (each with a wake) sent to this task.
    delivered: AtomicU64,
    /// Messages this task took out of its mailbox, each inside a poll.
    taken: AtomicU64,
    /// Set for the length of each poll of this task's future.
    in_poll: AtomicBool,
    /// Set when this task's future has completed.
    finished: AtomicBool,
}

/// Protocol violations seen by the ping-pong; tasks record them rather than panic, since a
/// panicking task would only stop its own pair.
#[derive(Default)]
struct Violations(Mutex<Vec<String>>);

impl Violations {
    fn record(&self, what: String) {
        let mut seen = self.0.lock().unwrap();
        if seen.len() < 20 {
            seen.push(what);
        }
    }
}

impl Player {
    /// Leaves `msg` in this player's mailbox and wakes it.
    fn send(&self, msg: u8, violations: &Violations) {
        self.delivered.fetch_add(1, SeqCst);
        // SeqCst: the swap and the lock below pair with the waker store and the second swap
        // in `recv`: either `recv` sees the message, or this sees its waker.
        let previous = self.mailbox.swap(msg, SeqCst);
        if previous != EMPTY {
            violations.record(format!(
                "a second message arrived before {previous} was taken"
            ));
        }
        let waker = self.waker.lock().unwrap().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Takes the next message, waiting for one.
    fn recv(&self) -> impl Future<Output = u8> {
        poll_fn(move |cx| {
            let msg = self.mailbox.swap(EMPTY, SeqCst);
            if msg != EMPTY {
                self.taken.fetch_add(1, SeqCst);
                return Poll::Ready(msg);
            }
            {
                let mut slot = self.waker.lock().unwrap();
                match &mut *slot {
                    Some(waker) if waker.will_wake(cx.waker()) => {}
                    slot => *slot = Some(cx.waker().clone()),
                }
            }
            let msg = self.mailbox.swap(EMPTY, SeqCst);
            if msg != EMPTY {
                self.taken.fetch_add(1, SeqCst);
                Poll::Ready(msg)
            } else {
                Poll::Pending
            }
        })
    }
}

/// One side of a pair: wait for the ball, send it back, until `stop`; then the first player
/// to hold the ball sends the last ball and both finish. Returns the messages received.
async fn play(
    me: Arc<Player>,
    partner: Arc<Player>,
    stop: Arc<AtomicBool>,
    violations: Arc<Violations>,
) -> u64 {
    let mut received = 0;
    loop {
        let msg = me.recv().await;
        received += 1;
        if msg == LAST {
            break;
        }
        if stop.load(SeqCst) {
            partner.send(LAST, &violations);
            break;
        }
        partner.send(BALL, &violations);
        if received % ROUNDS_PER_YIELD == 0 {
            // The partner may wake this task while it sits in the run queue.
            rt::task::yield_now().await;
        }
    }
    received
}

/// Wraps a player's future and records a violation if it is ever polled while a poll of it
/// is under way, or polled again after it completed.
struct Exclusive<F> {
    /// The player's index, for the report.
    index: usize,
    player: Arc<Player>,
    violations: Arc<Violations>,
    fut: Pin<Box<F>>,
}

impl<F: Future> Future for Exclusive<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        let i = this.index;
        if this.player.in_poll.swap(true, SeqCst) {
            this.violations.record(format!(
                "player {i} was polled while another poll of it was running"
            ));
        }
        if this.player.finished.load(SeqCst) {
            this.violations
                .record(format!("player {i} was polled after it completed"));
        }
        let out = this.fut.as_mut().poll(cx);
        if out.is_ready() {
            this.player.finished.store(true, SeqCst);
        }
        this.player.in_poll.store(false, SeqCst);
        out
    }
}

/// Describes the pairs that have not finished, for the watchdog's report.
fn stalled_pairs(players: &[Arc<Player>]) -> String {
    let mut stalled = 0;
    let mut examples = Vec::new();
    for (i, pair) in players.chunks(2).enumerate() {
        if pair.iter().all(|p| p.finished.load(SeqCst)) {
            continue;
        }
        stalled += 1;
        if examples.len() < 5 {
            let describe = |p: &Player| {
                format!(
                    "mailbox {}, delivered {}, taken {}, in poll {}, finished {}",
                    p.mailbox.load(SeqCst),
                    p.delivered.load(SeqCst),
                    p.taken.load(SeqCst),
                    p.in_poll.load(SeqCst),
                    p.finished.load(SeqCst),
                )
            };
            examples.push(format!(
                "pair {i}: [{}] / [{}]",
                describe(&pair[0]),
                describe(&pair[1])
            ));
        }
    }
    format!(
        "{stalled} of {} pairs never finished (a player with a message in its mailbox that \
         was not taken was woken but never polled: a lost wake); for example:\n{}",
        players.len() / 2,
        examples.join("\n")
    )
}

rt_test! {
    #[test]
    fn million_spawns_from_inside_all_run() {
        let rt = rt();
        let tally = Tally::new(SPAWNS);
        let watchdog = Watchdog::start("million_spawns_from_inside_all_run", SPAWN_LIMIT);
        let finished = rt.block_on(watchdog.guard(async {
            // Spawned from tasks the runtime is running, so that on the multi-thread
            // flavours the spawns go through the workers' own queues (and overflow them).
            for _ in 0..SPAWNERS {
                let tally = tally.clone();
                drop(rt::spawn(async move {
                    for i in 1..=SPAWNS / SPAWNERS {
                        let tally = tally.clone();
                        drop(rt::spawn(async move { tally.task_ran() }));
                        if i % SPAWNS_PER_YIELD == 0 {
                            rt::task::yield_now().await;
                        }
                    }
                }));
            }
            tally.all_ran().await;
        }));
        if finished.is_none() {
            let ran = tally.completed.load(SeqCst);
            hung(rt, format!("hung: only {ran} of {SPAWNS} spawned tasks ran in {SPAWN_LIMIT:?}"));
        }
        // Still watched: a worker that misses the shutdown signal hangs the drop.
        drop(rt);
        drop(watchdog);
        Tally::check(tally);
    }

    #[test]
    fn million_spawns_from_outside_all_run() {
        let rt = rt();
        let tally = Tally::new(SPAWNS);
        let watchdog = Watchdog::start("million_spawns_from_outside_all_run", SPAWN_LIMIT);
        let handle = rt.handle();
        // Several std threads spawn through handles while the test thread waits in
        // `block_on` (which is what drives the current-thread flavour).
        let finished = thread::scope(|s| {
            for _ in 0..SPAWNERS {
                let tally = &tally;
                s.spawn(move || {
                    for _ in 0..SPAWNS / SPAWNERS {
                        let tally = tally.clone();
                        drop(handle.spawn(async move { tally.task_ran() }));
                    }
                });
            }
            rt.block_on(watchdog.guard(tally.all_ran()))
        });
        if finished.is_none() {
            let ran = tally.completed.load(SeqCst);
            hung(rt, format!("hung: only {ran} of {SPAWNS} spawned tasks ran in {SPAWN_LIMIT:?}"));
        }
        // Still watched: a worker that misses the shutdown signal hangs the drop.
        drop(rt);
        drop(watchdog);
        Tally::check(tally);
    }

    #[test]
    fn ping_pong_wakes_are_never_lost_and_polls_never_overlap() {
        let rt = rt();
        let duration = ping_pong_duration();
        let stop = Arc::new(AtomicBool::new(false));
        let violations = Arc::new(Violations::default());
        let players: Vec<Arc<Player>> = (0..PLAYERS).map(|_| Arc::new(Player::default())).collect();
        let task = |me: usize, partner: usize| Exclusive {
            index: me,
            player: players[me].clone(),
            violations: violations.clone(),
            fut: Box::pin(play(
                players[me].clone(),
                players[partner].clone(),
                stop.clone(),
                violations.clone(),
            )),
        };

        // Pair (2k, 2k + 1): the second player starts with the ball. The first players are
        // spawned by a task on the runtime, the second ones through a handle from outside,
        // so on the multi-thread flavours the pairs start on different queues.
        for second in (1..PLAYERS).step_by(2) {
            players[second].send(BALL, &violations);
        }
        let firsts: Vec<_> = (0..PLAYERS).step_by(2).map(|i| task(i, i + 1)).collect();
        let first_handles = rt
            .block_on(rt.spawn(async move {
                firsts.into_iter().map(rt::spawn).collect::<Vec<_>>()
            }))
            .unwrap();
        let second_handles: Vec<_> = (1..PLAYERS)
            .step_by(2)
            .map(|i| rt.handle().spawn(task(i, i - 1)))
            .collect();

        let stopper = {
            let stop = stop.clone();
            thread::spawn(move || {
                thread::sleep(duration);
                stop.store(true, SeqCst);
            })
        };
        let watchdog = Watchdog::start(
            "ping_pong_wakes_are_never_lost_and_polls_never_overlap",
            duration + PING_PONG_GRACE,
        );
        let received = rt.block_on(watchdog.guard(async {
            let mut received = Vec::with_capacity(PLAYERS);
            for (first, second) in first_handles.into_iter().zip(second_handles) {
                received.push(first.await.expect("a player panicked"));
                received.push(second.await.expect("a player panicked"));
            }
            received
        }));
        stopper.join().unwrap();
        let Some(received) = received else {
            let report = stalled_pairs(&players);
            hung(rt, format!("hung {PING_PONG_GRACE:?} after the ping-pong stopped: {report}"));
        };
        drop(rt);
        drop(watchdog);

        let violations = violations.0.lock().unwrap();
        assert!(violations.is_empty(), "protocol violations: {violations:#?}");
        for (i, (player, &received)) in players.iter().zip(&received).enumerate() {
            assert!(player.finished.load(SeqCst), "player {i} never finished");
            assert!(!player.in_poll.load(SeqCst), "player {i} is still in a poll");
            assert_eq!(player.mailbox.load(SeqCst), EMPTY, "player {i} has a message left");
            // Every message comes with a wake; each was taken in a poll and counted by the
            // player's loop, exactly once.
            let delivered = player.delivered.load(SeqCst);
            assert_eq!(player.taken.load(SeqCst), delivered, "player {i}: messages taken");
            assert_eq!(received, delivered, "player {i}: messages the player counted");
        }
        for (k, pair) in players.chunks(2).enumerate() {
            // The second player got the first ball, so it has received as many messages as
            // the first, or one more if the first player sent the last ball.
            let (first, second) = (pair[0].delivered.load(SeqCst), pair[1].delivered.load(SeqCst));
            assert!(
                second == first || second == first + 1,
                "pair {k}: the balls did not alternate ({second} messages to the second \
                 player, {first} to the first)"
            );
        }
        for (i, player) in players.iter().enumerate() {
            assert_eq!(Arc::strong_count(player), 1, "player {i} is still held by its task");
        }
    }
}
