//! `#[rt::main]` and `#[rt::test]` used the way users use them.
//!
//! Each test checks that its body really ran on a runtime of the requested kind (it
//! spawns, awaits and compares results), not merely that the expansion compiles. The
//! argument parser and the error messages are tested inside `rt-macros`.

#![cfg(all(feature = "rt", feature = "macros"))]

use std::num::ParseIntError;
use std::thread;

use rt::runtime::{Handle, RuntimeFlavor};

#[rt::test]
async fn test_defaults_to_the_current_thread_runtime() {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::CurrentThread
    );
    let handle = rt::spawn(async { 6 * 7 });
    assert_eq!(handle.await.unwrap(), 42);
}

#[rt::test(flavor = "current_thread")]
async fn current_thread_runs_tasks_on_the_test_thread() {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::CurrentThread
    );
    let test_thread = thread::current().id();
    let task_thread = rt::spawn(async { thread::current().id() }).await.unwrap();
    assert_eq!(task_thread, test_thread);
}

#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_thread_with_two_workers_runs_tasks_off_the_test_thread() {
    let handle = Handle::current();
    assert_eq!(handle.runtime_flavor(), RuntimeFlavor::MultiThread);
    assert_eq!(handle.metrics().num_workers(), 2);
    let test_thread = thread::current().id();
    let task_thread = rt::spawn(async { thread::current().id() }).await.unwrap();
    assert_ne!(task_thread, test_thread);
}

#[rt::test(flavor = "multi_thread")]
async fn multi_thread_defaults_to_a_worker_per_cpu() {
    let cpus = thread::available_parallelism().map_or(1, |n| n.get());
    // `RT_WORKER_THREADS` may override the default; only check it when it is unset.
    if std::env::var_os("RT_WORKER_THREADS").is_none() {
        assert_eq!(Handle::current().metrics().num_workers(), cpus);
    }
}

#[rt::test(start_paused = true)]
async fn start_paused_runs_on_a_paused_clock() {
    use std::time::Duration;

    let start = rt::time::Instant::now();
    // An hour passes at once: the paused clock jumps to the next timer when idle.
    rt::time::sleep(Duration::from_secs(3600)).await;
    assert!(start.elapsed() >= Duration::from_secs(3600));
}

#[rt::test(crate = "rt")]
async fn crate_argument_accepts_the_crate_name() {
    let handles: Vec<_> = (0..8u64).map(|i| rt::spawn(async move { i * i })).collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.unwrap();
    }
    assert_eq!(sum, 140);
}

/// A stand-in for the `rt` crate that counts the runtimes built through it, to show that
/// `crate = "..."` really is the path the expansion uses.
mod counting_rt {
    pub mod runtime {
        use std::io;
        use std::sync::atomic::{AtomicUsize, Ordering};

        pub static BUILT: AtomicUsize = AtomicUsize::new(0);

        pub struct Builder(rt::runtime::Builder);

        impl Builder {
            pub fn new_current_thread() -> Builder {
                Builder(rt::runtime::Builder::new_current_thread())
            }

            pub fn enable_all(&mut self) -> &mut Builder {
                self.0.enable_all();
                self
            }

            pub fn build(&mut self) -> io::Result<rt::runtime::Runtime> {
                BUILT.fetch_add(1, Ordering::SeqCst);
                self.0.build()
            }
        }
    }
}

#[rt::test(crate = "crate::counting_rt")]
async fn crate_argument_is_the_path_the_expansion_uses() {
    use std::sync::atomic::Ordering;

    // Only this test builds through `counting_rt`, and it has run once by now.
    assert_eq!(counting_rt::runtime::BUILT.load(Ordering::SeqCst), 1);
    assert_eq!(rt::spawn(async { "spawned" }).await.unwrap(), "spawned");
}

#[rt::test]
async fn test_may_return_ok() -> Result<(), ParseIntError> {
    let parsed = rt::spawn(async { "42".parse::<u32>() }).await.unwrap()?;
    assert_eq!(parsed, 42);
    Ok(())
}

#[rt::test]
async fn test_may_return_a_boxed_error() -> Result<(), Box<dyn std::error::Error>> {
    let parsed: i64 = rt::task::spawn_blocking(|| "-7".parse()).await??;
    assert_eq!(parsed, -7);
    Ok(())
}

#[rt::test]
#[should_panic(expected = "boom from the body")]
async fn panics_in_the_body_fail_the_test() {
    rt::task::yield_now().await;
    panic!("boom from the body");
}

#[rt::test]
async fn user_code_may_use_the_name_body() {
    let body = rt::spawn(async { "mine" }).await.unwrap();
    assert_eq!(body, "mine");
}

mod app {
    /// A program's `main`, in a module so it does not clash with the test harness's.
    #[rt::main(flavor = "current_thread")]
    pub async fn main() -> Vec<u32> {
        let handles: Vec<_> = (0..4).map(|i| rt::spawn(async move { i * 10 })).collect();
        let mut results = Vec::new();
        for handle in handles {
            results.push(handle.await.unwrap());
        }
        results
    }

    /// Functions with another name may take arguments and return errors.
    #[rt::main(flavor = "current_thread")]
    pub async fn parse_on_a_task(text: &str) -> Result<u32, std::num::ParseIntError> {
        let text = text.to_owned();
        rt::spawn(async move { text.parse() }).await.unwrap()
    }
}

#[test]
fn main_builds_a_runtime_per_call() {
    assert!(
        Handle::try_current().is_err(),
        "a plain test has no runtime"
    );
    assert_eq!(app::main(), [0, 10, 20, 30]);
    // The runtime was dropped with the call: a second call builds a fresh one.
    assert_eq!(app::main(), [0, 10, 20, 30]);
    assert!(Handle::try_current().is_err());
}

#[test]
fn main_with_arguments_returns_the_body_result() {
    assert_eq!(app::parse_on_a_task("17"), Ok(17));
    assert!(app::parse_on_a_task("seventeen").is_err());
}
