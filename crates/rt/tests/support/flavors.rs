//! Stamps the same test bodies once per runtime flavour.
//!
//! Inside `rt_test! { ... }`, a body builds its runtime with `rt()`. Each flavour gets its
//! own module, so a failure names the flavour (`multi_thread_4::spawn_many`): the
//! current-thread scheduler, the multi-thread scheduler with one worker (its code paths
//! without a second thread) and with four (more workers than this machine's cores, so
//! stealing and parking are exercised).

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

        mod multi_thread_1 {
            #[allow(unused_imports)]
            use super::*;

            #[allow(dead_code)]
            fn rt() -> rt::runtime::Runtime {
                rt::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap()
            }

            $($body)*
        }

        mod multi_thread_4 {
            #[allow(unused_imports)]
            use super::*;

            #[allow(dead_code)]
            fn rt() -> rt::runtime::Runtime {
                rt::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().unwrap()
            }

            $($body)*
        }
    };
}
