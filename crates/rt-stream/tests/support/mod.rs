//! Helpers shared by the test files: include with `#[path = "support/mod.rs"] mod support;`.
#![allow(dead_code)]

use std::cell::Cell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use rt_stream::Stream;

/// Polls a stream once with a waker that does nothing.
pub fn poll_next<S: Stream + Unpin + ?Sized>(stream: &mut S) -> Poll<Option<S::Item>> {
    Pin::new(stream).poll_next(&mut Context::from_waker(Waker::noop()))
}

/// A stream that is always ready with the same value, and never ends.
pub struct Repeat<T: Clone>(pub T);

impl<T: Clone> Stream for Repeat<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<T>> {
        Poll::Ready(Some(self.0.clone()))
    }
}

/// Yields `items` and then `None`, and panics if polled again after that: what `fuse` and
/// the adapters that fuse must never do.
pub struct Strict<T> {
    items: std::vec::IntoIter<T>,
    ended: bool,
}

impl<T> Strict<T> {
    pub fn new(items: Vec<T>) -> Self {
        Strict {
            items: items.into_iter(),
            ended: false,
        }
    }
}

impl<T> Unpin for Strict<T> {}

impl<T> Stream for Strict<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<T>> {
        assert!(!self.ended, "polled after it returned None");
        let item = self.items.next();
        self.ended = item.is_none();
        Poll::Ready(item)
    }
}

/// A stream that counts its polls and answers each with what `script` says.
pub struct Scripted<T> {
    pub polls: Rc<Cell<usize>>,
    script: Box<dyn FnMut(usize) -> Poll<Option<T>>>,
}

impl<T> Scripted<T> {
    /// `script(n)` answers the `n`th poll (from 0).
    pub fn new(script: impl FnMut(usize) -> Poll<Option<T>> + 'static) -> (Self, Rc<Cell<usize>>) {
        let polls = Rc::new(Cell::new(0));
        let stream = Scripted {
            polls: polls.clone(),
            script: Box::new(script),
        };
        (stream, polls)
    }
}

impl<T> Stream for Scripted<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<T>> {
        let n = self.polls.get();
        self.polls.set(n + 1);
        (self.script)(n)
    }
}
