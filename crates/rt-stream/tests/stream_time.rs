//! The time adapters and `IntervalStream`, on the paused clock so the times are exact.
#![cfg(feature = "time")]

use std::time::Duration;

use rt::time::{Instant, interval, interval_at, sleep};
use rt_stream::{self as stream, Stream, StreamExt, wrappers::IntervalStream};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A stream whose items come `delays` apart: each is the delay it waited.
fn delayed(delays: Vec<u64>) -> impl Stream<Item = u64> {
    stream::iter(delays).then(|d| async move {
        sleep(ms(d)).await;
        d
    })
}

/// Asserts that `now` is `expected` after `start`, give or take the wheel's resolution.
#[track_caller]
fn assert_at(start: Instant, expected: u64) {
    let elapsed = start.elapsed();
    assert!(
        elapsed >= ms(expected) && elapsed < ms(expected) + ms(1),
        "at {elapsed:?}, expected {expected} ms"
    );
}

#[rt::test(start_paused = true)]
async fn timeout_resets_per_item() {
    let start = Instant::now();
    let mut s = std::pin::pin!(delayed(vec![50, 50, 100, 10]).timeout(ms(60)));

    // Each of the first two items comes 50 ms after the previous: within 60 ms.
    assert_eq!(s.next().await, Some(Ok(50)));
    assert_at(start, 50);
    assert_eq!(s.next().await, Some(Ok(50)));
    assert_at(start, 100);
    // The third takes 100 ms: one `Elapsed` at 100 + 60, then the item itself.
    let err = s.next().await.unwrap().unwrap_err();
    assert_at(start, 160);
    assert_eq!(err.to_string(), "deadline has elapsed");
    assert_eq!(s.next().await, Some(Ok(100)));
    assert_at(start, 200);
    assert_eq!(s.next().await, Some(Ok(10)));
    assert_eq!(s.next().await, None);
}

#[rt::test(start_paused = true)]
async fn timeout_elapses_once_per_late_item() {
    let start = Instant::now();
    let mut s = std::pin::pin!(stream::pending::<u8>().timeout(ms(10)));
    assert!(s.next().await.unwrap().is_err());
    assert_at(start, 10);
    // No item came to re-arm the deadline: nothing more, ever.
    let quiet = rt::time::timeout(ms(1000), s.next()).await;
    assert!(quiet.is_err());
}

#[rt::test(start_paused = true)]
async fn timeout_elapsed_converts_to_io_timed_out() {
    let mut s = std::pin::pin!(stream::pending::<u8>().timeout(ms(1)));
    let err: std::io::Error = s.next().await.unwrap().unwrap_err().into();
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
}

#[rt::test(start_paused = true)]
async fn timeout_repeating_elapses_at_every_tick() {
    let start = Instant::now();
    let source = stream::pending::<u8>();
    let mut s = std::pin::pin!(source.timeout_repeating(interval_at(start + ms(10), ms(10))));
    for tick in 1..=3 {
        assert!(s.next().await.unwrap().is_err());
        assert_at(start, tick * 10);
    }
}

#[rt::test(start_paused = true)]
async fn timeout_repeating_resets_on_items() {
    let start = Instant::now();
    let source = delayed(vec![8, 8, 25]);
    let mut s = std::pin::pin!(source.timeout_repeating(interval_at(start + ms(10), ms(10))));
    assert_eq!(s.next().await, Some(Ok(8)));
    assert_eq!(s.next().await, Some(Ok(8)));
    assert_at(start, 16);
    // The interval was reset at 16: ticks at 26 and 36, then the item at 41.
    assert!(s.next().await.unwrap().is_err());
    assert_at(start, 26);
    assert!(s.next().await.unwrap().is_err());
    assert_at(start, 36);
    assert_eq!(s.next().await, Some(Ok(25)));
    assert_at(start, 41);
    assert_eq!(s.next().await, None);
}

#[rt::test(start_paused = true)]
async fn throttle_spaces_items() {
    let start = Instant::now();
    let mut s = std::pin::pin!(stream::iter(0..4).throttle(ms(100)));
    for n in 0..4 {
        assert_eq!(s.next().await, Some(n));
        assert_at(start, n * 100);
    }
    assert_eq!(s.next().await, None);
}

#[rt::test(start_paused = true)]
async fn throttle_does_not_delay_slow_items() {
    let start = Instant::now();
    // Ticks every 150 ms, throttled to 100: already far enough apart. (The ticks are due
    // whether or not the stream is polled; a source that starts waiting only when polled
    // would start after the throttle's wait, as in Tokio.)
    let ticks = IntervalStream::new(interval_at(start + ms(150), ms(150)));
    let mut s = std::pin::pin!(ticks.throttle(ms(100)));
    assert_eq!(s.next().await, Some(start + ms(150)));
    assert_at(start, 150);
    assert_eq!(s.next().await, Some(start + ms(300)));
    assert_at(start, 300);
}

#[rt::test(start_paused = true)]
async fn throttle_zero_is_a_no_op() {
    let v: Vec<_> = stream::iter(0..3).throttle(Duration::ZERO).collect().await;
    assert_eq!(v, [0, 1, 2]);
}

#[rt::test(start_paused = true)]
async fn chunks_timeout_by_size() {
    let start = Instant::now();
    let chunks: Vec<_> = stream::iter(0..10)
        .chunks_timeout(3, ms(1000))
        .collect()
        .await;
    assert_eq!(
        chunks,
        [vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8], vec![9]]
    );
    // Full chunks and the last one (at the end) never waited for the timer.
    assert_at(start, 0);
}

#[rt::test(start_paused = true)]
async fn chunks_timeout_by_time() {
    let start = Instant::now();
    // Items at 10, 20, 30, 40, 50; each chunk closes 25 ms after its first item.
    let mut s = std::pin::pin!(delayed(vec![10; 5]).chunks_timeout(100, ms(25)));
    assert_eq!(s.next().await, Some(vec![10, 10, 10]));
    assert_at(start, 35);
    // The next chunk starts at 40; the stream ends at 50, before its timer.
    assert_eq!(s.next().await, Some(vec![10, 10]));
    assert_at(start, 50);
    assert_eq!(s.next().await, None);
}

#[rt::test(start_paused = true)]
async fn chunks_timeout_waits_for_the_first_item_of_a_chunk() {
    let start = Instant::now();
    let source = stream::iter([1, 2]).chain(delayed(vec![100]).map(|_| 3));
    let mut s = std::pin::pin!(source.chunks_timeout(10, ms(20)));
    assert_eq!(s.next().await, Some(vec![1, 2]));
    assert_at(start, 20);
    // No empty chunk while nothing comes; the next chunk's timer starts at its item.
    assert_eq!(s.next().await, Some(vec![3]));
    assert_at(start, 100);
    assert_eq!(s.next().await, None);
}

#[test]
#[should_panic(expected = "`max_size` must be positive.")]
fn chunks_timeout_rejects_zero_size() {
    let _ = stream::iter([1]).chunks_timeout(0, ms(1));
}

#[rt::test(start_paused = true)]
async fn interval_stream_ticks_on_schedule() {
    let start = Instant::now();
    let ticks: Vec<_> = IntervalStream::new(interval(ms(10)))
        .take(3)
        .collect()
        .await;
    assert_eq!(ticks, [start, start + ms(10), start + ms(20)]);
    let mut s = IntervalStream::new(interval(ms(5)));
    assert_eq!(s.size_hint(), (usize::MAX, None));
    assert_eq!(s.as_ref().period(), ms(5));
    s.as_mut().reset();
    assert_eq!(s.into_inner().period(), ms(5));
}
