//! Blocking a thread on a future: the core of every `blocking_*` method.

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// Runs `future` to completion on this thread, parking it between polls.
///
/// # Panics
///
/// Panics, with Tokio's message, if this thread drives a runtime: blocking it would stall
/// every task on it.
#[track_caller]
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    /// Wakes the parked thread.
    struct Unpark(std::thread::Thread);

    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }

        fn wake_by_ref(self: &Arc<Self>) {
            self.0.unpark();
        }
    }

    rt_core::__private::assert_can_block();
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return output,
            // Spurious unparks only cost another poll.
            Poll::Pending => std::thread::park(),
        }
    }
}
