//! Loom models of what the time layer makes concurrent: a registration racing the driver's
//! park-deadline check, a cancel racing the driver firing the entry, a waker update racing
//! the fire. Run with `RUSTFLAGS="--cfg rt_loom" cargo test -p rt-time --release --lib`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use rt_core::runtime::driver::Unpark;

use crate::clock::Clock;
use crate::driver::{Common, Shard, WakeList, announce_park, new_common};
use crate::instant::Instant;
use crate::sleep::Sleep;

/// An inner driver's unparker: a token the model checks.
struct Token(AtomicBool);

impl Unpark for Token {
    fn unpark(&self) {
        self.0.store(true, SeqCst);
    }
}

/// A waker that counts its wakes.
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn setup() -> (Arc<Token>, Arc<Common>, Arc<Shard>) {
    let token = Arc::new(Token(AtomicBool::new(false)));
    let common = new_common(Clock::new(false, false), token.clone());
    let shard = Arc::new(Shard::new(common.clone(), 0));
    (token, common, shard)
}

fn sleep_at(shard: &Arc<Shard>, tick: u64) -> Pin<Box<Sleep>> {
    let deadline = Instant::from_std(shard.common.instant_of_tick(tick));
    Box::pin(Sleep::with_shard(shard.clone(), deadline))
}

fn poll(sleep: &mut Pin<Box<Sleep>>, waker: &Waker) -> Poll<()> {
    sleep.as_mut().poll(&mut Context::from_waker(waker))
}

/// A timer registered while the driver is deciding how long to park: either the driver's
/// second read sees it, or the registration sees the announced deadline and unparks.
#[test]
fn register_racing_park_deadline() {
    loom::model(|| {
        let (token, common, shard) = setup();
        let waker = Waker::noop();
        let mut late = sleep_at(&shard, 100);
        assert!(poll(&mut late, waker).is_pending());

        let registrar = {
            let shard = shard.clone();
            loom::thread::spawn(move || {
                let mut early = sleep_at(&shard, 5);
                assert!(poll(&mut early, Waker::noop()).is_pending());
                early
            })
        };
        let parked_until = announce_park(&common, std::slice::from_ref(&shard));
        let early = registrar.join().unwrap();
        assert!(
            parked_until <= 5 || token.0.load(SeqCst),
            "the driver parks until {parked_until} and nobody wakes it for tick 5"
        );
        common.unannounce_park();
        drop(early);
        drop(late);
    });
}

/// The owner drops a registered sleep while the driver fires it: exactly one of them
/// unlinks it, and the waker is woken only if it fired.
#[test]
fn cancel_racing_fire() {
    loom::model(|| {
        let (_token, _common, shard) = setup();
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(count.clone());
        let mut sleep = sleep_at(&shard, 1);
        assert!(poll(&mut sleep, &waker).is_pending());

        let driver = {
            let shard = shard.clone();
            loom::thread::spawn(move || shard.process(1, &mut WakeList::new()))
        };
        let fired = sleep.is_elapsed();
        drop(sleep);
        driver.join().unwrap();
        let wakes = count.0.load(SeqCst);
        assert!(wakes <= 1);
        if fired {
            assert_eq!(wakes, 1);
        }
        assert_eq!(
            shard.next_expiry(),
            u64::MAX,
            "the wheel still holds the entry"
        );
    });
}

/// The owner polls with a new waker while the driver fires: a Pending poll means the new
/// waker is (or will be) woken; no wake-up is lost.
#[test]
fn waker_update_racing_fire() {
    loom::model(|| {
        let (_token, _common, shard) = setup();
        let first = Arc::new(Count(AtomicUsize::new(0)));
        let second = Arc::new(Count(AtomicUsize::new(0)));
        let mut sleep = sleep_at(&shard, 1);
        assert!(poll(&mut sleep, &Waker::from(first.clone())).is_pending());

        let driver = {
            let shard = shard.clone();
            loom::thread::spawn(move || shard.process(1, &mut WakeList::new()))
        };
        let polled = poll(&mut sleep, &Waker::from(second.clone()));
        driver.join().unwrap();
        if polled.is_pending() {
            assert_eq!(second.0.load(SeqCst), 1, "lost wake-up");
        }
        assert_eq!(first.0.load(SeqCst) + second.0.load(SeqCst), 1);
        assert!(sleep.is_elapsed());
    });
}

/// The owner moves a registered sleep far away while the driver fires it: the sleep ends
/// up either moved (still registered) or fired and handed back for re-registration, never
/// both, and the wheel holds nothing once it is dropped.
#[test]
fn reset_racing_fire() {
    loom::model(|| {
        let (_token, common, shard) = setup();
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(count.clone());
        let mut sleep = sleep_at(&shard, 1);
        assert!(poll(&mut sleep, &waker).is_pending());

        let driver = {
            let shard = shard.clone();
            loom::thread::spawn(move || shard.process(1, &mut WakeList::new()))
        };
        let later = Instant::from_std(common.instant_of_tick(1_000));
        sleep.as_mut().reset(later);
        driver.join().unwrap();
        assert!(!sleep.is_elapsed(), "a reset sleep still reads as elapsed");
        assert!(count.0.load(SeqCst) <= 1);
        // Registered again (or still), at the new deadline.
        assert!(poll(&mut sleep, &waker).is_pending());
        drop(sleep);
        shard.process(2_000, &mut WakeList::new());
        assert_eq!(
            shard.next_expiry(),
            u64::MAX,
            "the wheel still holds the entry"
        );
    });
}
