#![cfg(feature = "full")]
//! Timers outside a runtime, or on one built without timers, panic with Tokio's wording.

#[macro_use]
#[path = "support/flavors.rs"]
mod flavors;

#[path = "support/util.rs"]
mod util;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

const NO_RUNTIME: &str =
    "there is no reactor running, must be called from the context of an rt runtime";
const DISABLED: &str = "A rt context was found, but timers are disabled. Call `enable_time` on the runtime builder to enable timers.";

fn message(f: impl FnOnce()) -> String {
    let err = catch_unwind(AssertUnwindSafe(f)).expect_err("did not panic");
    util::panic_message(&*err).unwrap().to_owned()
}

#[test]
fn outside_a_runtime() {
    assert_eq!(
        message(|| drop(rt::time::sleep(Duration::from_millis(1)))),
        NO_RUNTIME
    );
    assert_eq!(
        message(|| drop(rt::time::sleep_until(rt::time::Instant::now()))),
        NO_RUNTIME
    );
    assert_eq!(
        message(|| drop(rt::time::timeout(Duration::from_millis(1), async {}))),
        NO_RUNTIME
    );
    assert_eq!(
        message(|| drop(rt::time::interval(Duration::from_millis(1)))),
        NO_RUNTIME
    );
}

#[test]
fn runtime_without_time() {
    for rt in [
        rt::runtime::Builder::new_current_thread().build().unwrap(),
        rt::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap(),
    ] {
        let _guard = rt.enter();
        assert_eq!(
            message(|| drop(rt::time::sleep(Duration::from_millis(1)))),
            DISABLED
        );
        assert_eq!(
            message(|| drop(rt::time::timeout(Duration::from_millis(1), async {}))),
            DISABLED
        );
    }
}

rt_test! {
    #[test]
    fn block_on_of_a_sleep_made_outside_panics() {
        // `sleep` runs before `block_on` enters the runtime, as with Tokio.
        let rt = rt();
        let msg = message(|| rt.block_on(rt::time::sleep(Duration::from_millis(1))));
        assert_eq!(msg, NO_RUNTIME);
        // Inside an async block it works.
        rt.block_on(async { rt::time::sleep(Duration::from_millis(1)).await });
    }
}
