//! `pin!`: both forms, and futures polled by reference after pinning. No feature needed.

use std::future::{Future, poll_fn};
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// A `!Unpin` future that is ready on its second poll.
struct SecondPoll {
    polled: bool,
    _pinned: PhantomPinned,
}

fn second_poll() -> SecondPoll {
    SecondPoll {
        polled: false,
        _pinned: PhantomPinned,
    }
}

impl Future for SecondPoll {
    type Output = &'static str;

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<&'static str> {
        // SAFETY: `polled` is not structurally pinned; nothing is moved.
        let this = unsafe { self.get_unchecked_mut() };
        if this.polled {
            Poll::Ready("done")
        } else {
            this.polled = true;
            Poll::Pending
        }
    }
}

fn poll_once<F: Future + ?Sized>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn pinning_existing_variables() {
    let a = second_poll();
    let b = second_poll();
    rt::pin!(a, b);
    assert!(poll_once(a.as_mut()).is_pending());
    assert_eq!(poll_once(a.as_mut()), Poll::Ready("done"));
    assert!(poll_once(b.as_mut()).is_pending());
    assert_eq!(poll_once(b), Poll::Ready("done"));

    let c = async { 3 };
    rt::pin!(c,);
    assert_eq!(poll_once(c), Poll::Ready(3));
}

#[test]
fn declaring_and_pinning_in_one_step() {
    rt::pin! {
        let first = second_poll();
        let second = async { 2 };
    }
    assert!(poll_once(first.as_mut()).is_pending());
    assert_eq!(poll_once(first.as_mut()), Poll::Ready("done"));
    assert_eq!(poll_once(second.as_mut()), Poll::Ready(2));
}

#[test]
fn a_pinned_future_can_be_awaited_by_reference() {
    let outer = async {
        let inner = second_poll();
        rt::pin!(inner);
        // Give up after one poll, then finish it later: possible only by reference.
        let first = poll_fn(|cx| Poll::Ready(inner.as_mut().poll(cx))).await;
        assert!(first.is_pending());
        (&mut inner).await
    };
    rt::pin!(outer);
    assert_eq!(poll_once(outer), Poll::Ready("done"));
}

#[test]
fn pin_works_under_another_crate_name() {
    use rt as renamed;
    let future = async { 1 };
    renamed::pin!(future);
    assert_eq!(poll_once(future), Poll::Ready(1));
}
