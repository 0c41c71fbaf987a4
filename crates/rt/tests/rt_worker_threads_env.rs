#![cfg(feature = "full")]
//! `RT_WORKER_THREADS` sets the default number of workers. In a file of its own: the
//! environment is shared by every test of a process.

use std::panic;

use rt::runtime::Builder;

#[test]
fn env_sets_the_default_worker_count_and_is_checked() {
    // SAFETY: this test binary runs this one test, so no other thread reads or writes the
    // environment meanwhile.
    unsafe { std::env::set_var("RT_WORKER_THREADS", "3") };
    let rt = Builder::new_multi_thread().build().unwrap();
    assert_eq!(rt.handle().metrics().num_workers(), 3);
    drop(rt);

    // The builder's own setting wins.
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    assert_eq!(rt.handle().metrics().num_workers(), 2);
    drop(rt);

    // SAFETY: as above.
    unsafe { std::env::set_var("RT_WORKER_THREADS", "zero") };
    let err = panic::catch_unwind(|| Builder::new_multi_thread().build()).unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        msg.contains("RT_WORKER_THREADS") && msg.contains("positive integer"),
        "{msg}"
    );
    // SAFETY: as above.
    unsafe { std::env::remove_var("RT_WORKER_THREADS") };
}
