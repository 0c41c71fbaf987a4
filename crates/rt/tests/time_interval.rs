#![cfg(feature = "full")]
//! Intervals: each MissedTickBehavior on the paused clock, and real ticks on every flavour.

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;

use std::time::Duration;

use rt::time::{self, Instant, MissedTickBehavior, interval, interval_at};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Ticks `n` times, returning the instants relative to `start`, in ms.
async fn ticks(i: &mut time::Interval, start: Instant, n: usize) -> Vec<u64> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push((i.tick().await - start).as_millis() as u64);
    }
    out
}

#[rt::test(start_paused = true)]
async fn first_tick_is_immediate() {
    let start = Instant::now();
    let mut i = interval(ms(10));
    assert_eq!(i.tick().await, start);
    assert_eq!(Instant::now(), start);
    assert_eq!(i.tick().await, start + ms(10));
    assert_eq!(Instant::now(), start + ms(10));
    assert_eq!(i.period(), ms(10));
    assert_eq!(i.missed_tick_behavior(), MissedTickBehavior::Burst);
}

#[rt::test(start_paused = true)]
async fn burst_catches_up() {
    let start = Instant::now();
    let mut i = interval(ms(10));
    i.tick().await;
    time::advance(ms(35)).await;
    // 10, 20 and 30 were missed: all at once, then on schedule.
    assert_eq!(ticks(&mut i, start, 3).await, [10, 20, 30]);
    assert_eq!(Instant::now(), start + ms(35));
    assert_eq!(ticks(&mut i, start, 2).await, [40, 50]);
    assert_eq!(Instant::now(), start + ms(50));
}

#[rt::test(start_paused = true)]
async fn delay_shifts_the_schedule() {
    let start = Instant::now();
    let mut i = interval(ms(10));
    i.set_missed_tick_behavior(MissedTickBehavior::Delay);
    i.tick().await;
    time::advance(ms(35)).await;
    assert_eq!(ticks(&mut i, start, 3).await, [10, 45, 55]);
}

#[rt::test(start_paused = true)]
async fn skip_keeps_the_schedule() {
    let start = Instant::now();
    let mut i = interval(ms(10));
    i.set_missed_tick_behavior(MissedTickBehavior::Skip);
    i.tick().await;
    time::advance(ms(35)).await;
    assert_eq!(ticks(&mut i, start, 3).await, [10, 40, 50]);
}

#[rt::test(start_paused = true)]
async fn small_delay_is_not_a_missed_tick() {
    let start = Instant::now();
    let mut i = interval(ms(10));
    i.set_missed_tick_behavior(MissedTickBehavior::Delay);
    i.tick().await;
    time::advance(ms(13)).await;
    // 3 ms late is within the 5 ms grace: the schedule holds.
    assert_eq!(ticks(&mut i, start, 2).await, [10, 20]);
}

#[rt::test(start_paused = true)]
async fn resets() {
    let start = Instant::now();
    let mut i = interval_at(start + ms(5), ms(10));
    assert_eq!(i.tick().await, start + ms(5));
    i.reset();
    assert_eq!(i.tick().await, start + ms(15));
    i.reset_after(ms(3));
    assert_eq!(i.tick().await, start + ms(18));
    i.reset_at(start + ms(100));
    assert_eq!(i.tick().await, start + ms(100));
    i.reset_immediately();
    assert_eq!(i.tick().await, start + ms(100));
    assert_eq!(i.tick().await, start + ms(110));
}

#[rt::test(start_paused = true)]
async fn poll_tick_registers_the_waker() {
    let start = Instant::now();
    let mut i = interval(ms(10));
    assert_eq!(std::future::poll_fn(|cx| i.poll_tick(cx)).await, start);
    assert_eq!(
        std::future::poll_fn(|cx| i.poll_tick(cx)).await,
        start + ms(10)
    );
}

#[test]
#[should_panic(expected = "`period` must be non-zero.")]
fn zero_period_panics() {
    let rt = rt::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        let _ = interval(Duration::ZERO);
    });
}

rt_test! {
    #[test]
    fn interval_ticks_on_real_time() {
        rt().block_on(async {
            let start = Instant::now();
            let mut i = interval_at(start, Duration::from_millis(5));
            for n in 0..4u32 {
                let at = i.tick().await;
                assert_eq!(at, start + Duration::from_millis(5) * n);
                assert!(Instant::now() >= at);
            }
            assert!(start.elapsed() >= Duration::from_millis(15));
        });
    }
}
