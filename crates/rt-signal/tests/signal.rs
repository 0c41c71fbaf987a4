//! Signals on every runtime flavour: delivery, several listeners, merging, listeners made
//! after a delivery, a drain that swallows another listener's edge, cancellation, `ctrl_c`,
//! and refused signals.
//!
//! Signals belong to the whole process, so the tests take turns (`serial`). They raise
//! signals with `raise`, which runs the handler on the calling thread before it returns.

#[macro_use]
#[path = "../../rt/tests/support/flavors.rs"]
mod flavors;

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::Poll;
use std::time::Duration;

use rt_signal::unix::{SignalKind, signal};

/// Held by each test: one at a time touches the process's signals.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Raises `kind` in this thread; its handler has run when this returns.
fn raise(kind: SignalKind) {
    // SAFETY: `raise` takes any signal number; every test raises only signals it listens
    // to, so their handlers are installed and the default actions do not happen.
    assert_eq!(unsafe { libc::raise(kind.as_raw_value()) }, 0);
}

/// Polls `future` once: whether it completed.
async fn polls_ready<F: Future>(future: F) -> bool {
    let mut future = pin!(future);
    poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx).is_ready())).await
}

/// Fails the test instead of hanging it when a wake-up is lost.
async fn within<F: Future>(what: &str, future: F) -> F::Output {
    rt::time::timeout(Duration::from_secs(10), future)
        .await
        .unwrap_or_else(|_| panic!("timed out: {what}"))
}

rt_test! {
    #[test]
    fn a_raised_signal_is_received() {
        let _serial = serial();
        rt().block_on(async {
            let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
            raise(SignalKind::user_defined1());
            assert_eq!(within("recv", usr1.recv()).await, Some(()));
        });
    }

    #[test]
    fn every_listener_is_notified_across_tasks() {
        let _serial = serial();
        rt().block_on(async {
            let mut here = signal(SignalKind::user_defined2()).unwrap();
            let mut there = signal(SignalKind::user_defined2()).unwrap();
            let task = rt::spawn(async move { there.recv().await });
            // Give the task a chance to wait first, so its wake-up comes from the reactor.
            rt::task::yield_now().await;
            raise(SignalKind::user_defined2());
            assert_eq!(within("here", here.recv()).await, Some(()));
            assert_eq!(within("task", task).await.unwrap(), Some(()));
        });
    }

    #[test]
    fn deliveries_before_a_look_merge_into_one() {
        let _serial = serial();
        rt().block_on(async {
            let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
            for _ in 0..3 {
                raise(SignalKind::user_defined1());
            }
            assert_eq!(within("recv", usr1.recv()).await, Some(()));
            assert!(!polls_ready(usr1.recv()).await, "three deliveries, one notification");
            raise(SignalKind::user_defined1());
            assert_eq!(within("recv again", usr1.recv()).await, Some(()));
        });
    }

    #[test]
    fn a_listener_sees_only_later_deliveries_and_other_kinds_stay_quiet() {
        let _serial = serial();
        rt().block_on(async {
            let mut first = signal(SignalKind::user_defined1()).unwrap();
            let mut other = signal(SignalKind::user_defined2()).unwrap();
            raise(SignalKind::user_defined1());
            let mut late = signal(SignalKind::user_defined1()).unwrap();
            assert!(!polls_ready(late.recv()).await, "a delivery before it was made");
            assert!(!polls_ready(other.recv()).await, "another kind's delivery");
            assert_eq!(within("first", first.recv()).await, Some(()));
            raise(SignalKind::user_defined1());
            assert_eq!(within("late", late.recv()).await, Some(()));
        });
    }

    #[test]
    fn a_listener_draining_another_ones_byte_wakes_it() {
        let _serial = serial();
        rt().block_on(async {
            let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
            let mut usr2 = signal(SignalKind::user_defined2()).unwrap();
            let waiter = rt::spawn(async move { usr2.recv().await });
            rt::task::yield_now().await;
            // SIGUSR1 leaves `usr1` marked readable while the waiter drains the byte.
            raise(SignalKind::user_defined1());
            rt::time::sleep(Duration::from_millis(20)).await;
            assert_eq!(within("usr1", usr1.recv()).await, Some(()));
            // `usr1` drains SIGUSR2's byte before the reactor hands the waiter its edge,
            // which epoll then drops: only `usr1`'s drain can wake the waiter (S5).
            raise(SignalKind::user_defined2());
            assert!(!polls_ready(usr1.recv()).await);
            assert_eq!(within("waiter", waiter).await.unwrap(), Some(()));
        });
    }

    #[test]
    fn a_dropped_recv_loses_no_delivery() {
        let _serial = serial();
        rt().block_on(async {
            let mut usr2 = signal(SignalKind::user_defined2()).unwrap();
            assert!(!polls_ready(usr2.recv()).await);
            raise(SignalKind::user_defined2());
            assert_eq!(within("recv", usr2.recv()).await, Some(()));
        });
    }

    #[test]
    fn ctrl_c_completes_on_sigint() {
        let _serial = serial();
        rt().block_on(async {
            let mut ctrl_c = pin!(rt::signal::ctrl_c());
            // The first poll installs the handler; only then may SIGINT be raised.
            assert!(!polls_ready(ctrl_c.as_mut()).await);
            raise(SignalKind::interrupt());
            within("ctrl_c", ctrl_c).await.unwrap();
        });
    }

    #[test]
    fn uncatchable_and_unknown_signals_are_refused() {
        let _serial = serial();
        rt().block_on(async {
            for (signum, message) in [
                (libc::SIGKILL, format!("Refusing to register signal {}", libc::SIGKILL)),
                (libc::SIGSTOP, format!("Refusing to register signal {}", libc::SIGSTOP)),
                (libc::SIGSEGV, format!("Refusing to register signal {}", libc::SIGSEGV)),
                (-1, "Refusing to register signal -1".to_string()),
                (1000, "signal too large".to_string()),
            ] {
                let err = signal(SignalKind::from_raw(signum)).unwrap_err();
                assert_eq!(err.to_string(), message);
            }
            // Number 0 is no signal: the system refuses it.
            let err = signal(SignalKind::from_raw(0)).unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EINVAL));
        });
    }
}

#[test]
fn signal_outside_a_runtime_panics_and_installs_nothing() {
    let _serial = serial();
    // SIGWINCH: ignored by default, and no other test listens to it.
    let kind = SignalKind::window_change();
    let panic = std::panic::catch_unwind(|| signal(kind)).unwrap_err();
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    assert!(
        message.contains("must be called from the context of"),
        "{message}"
    );
    // SAFETY: `sigaction` with no new action only reads the current one into `current`.
    let mut current: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: as above; `current` is a live, exclusively borrowed `sigaction`.
    let rc = unsafe { libc::sigaction(kind.as_raw_value(), std::ptr::null(), &raw mut current) };
    assert_eq!(rc, 0);
    assert_eq!(
        current.sa_sigaction,
        libc::SIG_DFL,
        "a handler was installed"
    );
}
