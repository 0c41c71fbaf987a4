//! Stamps the same test bodies once per runtime flavour.
//!
//! Inside `rt_test! { ... }`, a body builds its runtime with `rt()`. Each flavour gets its
//! own module, so a failure names the flavour (`current_thread::spawn_many`). The
//! multi-thread flavours (one worker, and several) are stamped here as soon as the
//! multi-thread scheduler exists; every test written with this macro then runs on them.

#[allow(unused_macros)]
macro_rules! rt_test {
    ($($body:tt)*) => {
        mod current_thread {
            #[allow(unused_imports)]
            use super::*;

            #[allow(dead_code)]
            fn rt() -> rt::runtime::Runtime {
                rt::runtime::Builder::new_current_thread().enable_all().build().unwrap()
            }

            $($body)*
        }
    };
}
