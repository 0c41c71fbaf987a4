#![cfg(feature = "full")]
//! The paused clock: pause, resume, advance, auto-advance, and where it is refused.

use std::time::Duration;

use rt::time::{self, Instant, sleep};

#[path = "support/util.rs"]
mod util;

#[rt::test(start_paused = true)]
async fn auto_advance_jumps_to_the_next_timer() {
    let start = Instant::now();
    sleep(Duration::from_secs(3600)).await;
    assert_eq!(Instant::now() - start, Duration::from_secs(3600));
}

#[rt::test(start_paused = true)]
async fn no_auto_advance_while_blocking_work_runs() {
    // As Tokio: a timeout around blocking work must not fire by a jump of the paused clock
    // while the work runs (here for 50 ms of real time).
    let work = rt::task::spawn_blocking(|| {
        std::thread::sleep(Duration::from_millis(50));
        7
    });
    let start = Instant::now();
    let result = time::timeout(Duration::from_secs(3600), work).await;
    assert_eq!(result.unwrap().unwrap(), 7);
    assert!(
        Instant::now() - start < Duration::from_secs(3600),
        "the clock jumped"
    );
    // With the work done, auto-advance resumes.
    sleep(Duration::from_secs(60)).await;
}

#[rt::test(start_paused = true)]
async fn timers_fire_in_deadline_order() {
    let order = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut handles = Vec::new();
    for d in [30u64, 10, 20, 50, 40] {
        let order = order.clone();
        handles.push(rt::spawn(async move {
            sleep(Duration::from_millis(d)).await;
            order.lock().unwrap().push(d);
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(*order.lock().unwrap(), [10, 20, 30, 40, 50]);
}

#[rt::test(start_paused = true)]
async fn advance_moves_time_and_fires_due_timers() {
    let start = Instant::now();
    let mut s = Box::pin(sleep(Duration::from_millis(10)));
    assert!(futures_poll_once(s.as_mut()).await.is_pending());
    time::advance(Duration::from_millis(10)).await;
    assert_eq!(Instant::now() - start, Duration::from_millis(10));
    assert!(s.is_elapsed());
}

#[rt::test(start_paused = true)]
async fn timeout_elapses_by_auto_advance() {
    let start = Instant::now();
    let r = time::timeout(Duration::from_secs(60), std::future::pending::<()>()).await;
    assert!(r.is_err());
    assert_eq!(Instant::now() - start, Duration::from_secs(60));
}

#[rt::test]
async fn pause_and_resume() {
    time::pause();
    let start = Instant::now();
    time::advance(Duration::from_secs(5)).await;
    assert_eq!(Instant::now() - start, Duration::from_secs(5));
    time::resume();
    std::thread::sleep(Duration::from_millis(2));
    assert!(Instant::now() - start >= Duration::from_millis(5_002));
}

#[rt::test(start_paused = true)]
#[should_panic(expected = "time is already frozen")]
async fn pause_twice_panics() {
    time::pause();
}

#[rt::test]
#[should_panic(expected = "time is not frozen")]
async fn resume_unpaused_panics() {
    time::resume();
}

#[rt::test]
#[should_panic(expected = "time is not frozen")]
async fn advance_unpaused_panics() {
    time::advance(Duration::from_secs(1)).await;
}

#[test]
#[should_panic(expected = "time cannot be frozen from outside the rt runtime")]
fn pause_outside_runtime_panics() {
    time::pause();
}

#[test]
fn pause_on_multi_thread_panics_with_tokios_message() {
    let rt = rt::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let err = rt.block_on(async { rt::spawn(async { time::pause() }).await.unwrap_err() });
    let msg = util::panic_message(&*err.into_panic()).unwrap().to_owned();
    assert!(
        msg.contains("`time::pause()` requires the `current_thread` rt runtime"),
        "{msg}"
    );
}

#[test]
#[should_panic(expected = "`time::pause()` requires the `current_thread` rt runtime")]
fn start_paused_on_multi_thread_panics() {
    let _ = rt::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .start_paused(true)
        .build();
}

async fn futures_poll_once<F: std::future::Future + Unpin>(mut f: F) -> std::task::Poll<F::Output> {
    std::future::poll_fn(|cx| std::task::Poll::Ready(std::pin::Pin::new(&mut f).poll(cx))).await
}
