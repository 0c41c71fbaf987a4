//! [`iter`]: a stream of an iterator's items.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

/// How many items an [`Iter`] yields in a row before it returns `Pending` once (waking
/// itself), so that a task draining an endless iterator still lets others run.
const YIELD_EVERY: u32 = 32;

/// Stream for [`iter`]: the items of an iterator.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Iter<I> {
    iter: I,
    // Items yielded since the last cooperative `Pending`.
    yielded: u32,
}

impl<I> Unpin for Iter<I> {}

/// Makes a stream of the items of `i`, which are always ready.
///
/// Every 32 items the stream returns `Pending` once, having woken its task, so that a task
/// draining a long iterator still lets the others on its thread run.
///
/// # Examples
///
/// ```
/// use rt_stream::{self as stream, StreamExt};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let mut s = stream::iter(vec![17, 19]);
/// assert_eq!(s.next().await, Some(17));
/// assert_eq!(s.next().await, Some(19));
/// assert_eq!(s.next().await, None);
/// # });
/// ```
pub fn iter<I: IntoIterator>(i: I) -> Iter<I::IntoIter> {
    Iter {
        iter: i.into_iter(),
        yielded: 0,
    }
}

impl<I: Iterator> Stream for Iter<I> {
    type Item = I::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<I::Item>> {
        if self.yielded >= YIELD_EVERY {
            self.yielded = 0;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.yielded += 1;
        Poll::Ready(self.iter.next())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.iter.size_hint()
    }
}
