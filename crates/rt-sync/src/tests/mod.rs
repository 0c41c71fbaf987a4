//! loom models of the primitives (run with `cargo xtask loom`).

#[cfg(rt_loom)]
mod loom_broadcast;
#[cfg(rt_loom)]
mod loom_mpsc;
#[cfg(rt_loom)]
mod loom_mutex;
#[cfg(rt_loom)]
mod loom_notify;
#[cfg(rt_loom)]
mod loom_oneshot;
#[cfg(rt_loom)]
mod loom_semaphore;

/// Runs `future` to completion on this loom thread, parking on a loom `Notify` between
/// polls (loom's own `block_on` needs its `futures` feature, which this crate leaves off).
#[cfg(rt_loom)]
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::pin::pin;
    use std::task::{Context, Poll, Wake, Waker};

    struct Unpark(loom::sync::Notify);
    impl Wake for Unpark {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.notify();
        }
    }
    let unpark = std::sync::Arc::new(Unpark(loom::sync::Notify::new()));
    let waker = Waker::from(unpark.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        unpark.0.wait();
    }
}
