//! [`StreamExt`]: the adapters and futures Tokio users know, on any `futures_core::Stream`.
//!
//! # Pinning
//!
//! Each adapter is a struct holding the stream (and sometimes a future or a timer) it
//! wraps. Those inner values are pinned *structurally*: when the adapter is pinned, so are
//! they. Every adapter keeps the same rules, cited as "P1" by the `// SAFETY:` comments of
//! its `project` method, the one place that turns `Pin<&mut Adapter>` into its fields:
//!
//! 1. A structurally pinned field is reached from a pinned adapter only through `project`,
//!    which hands it out as `Pin<&mut _>`; no method moves it out of a pinned adapter, and
//!    replacing it is done with `Pin::set`, which drops the old value in place.
//! 2. No adapter implements `Drop`, so no code can reach a pinned field unpinned while it
//!    is dropped.
//! 3. An adapter is `Unpin` only when its structurally pinned fields are: most rely on the
//!    compiler's auto-impl (which asks that of every field); an adapter whose plain fields
//!    may be `!Unpin` (`Peekable`'s item) implements it by hand, bounded on the pinned ones.
//!
//! The other fields (closures, counters, buffers) are never pinned and are handed out as
//! plain `&mut`.

use std::future::Future;

use futures_core::Stream;

// Futures borrowing the stream: `next`, `try_next`, `all`, `any`.
mod all;
mod any;
mod next;
mod try_next;
// Futures consuming the stream: `collect` (with its `FromStream`), `fold`.
pub(crate) mod collect;
mod fold;
// Adapters that transform items.
mod filter;
mod filter_map;
mod map;
mod map_while;
mod then;
// Adapters that cut the stream short or skip into it.
mod fuse;
mod skip;
mod skip_while;
mod take;
mod take_while;
// Adapters that combine two streams.
mod chain;
mod merge;
// Looking one item ahead.
mod peekable;
// The time adapters.
#[cfg(feature = "time")]
mod chunks_timeout;
#[cfg(feature = "time")]
mod throttle;
#[cfg(feature = "time")]
pub(crate) mod timeout;
#[cfg(feature = "time")]
mod timeout_repeating;

pub use all::AllFuture;
pub use any::AnyFuture;
pub use chain::Chain;
#[cfg(feature = "time")]
pub use chunks_timeout::ChunksTimeout;
pub use collect::{Collect, FromStream};
pub use filter::Filter;
pub use filter_map::FilterMap;
pub use fold::FoldFuture;
pub use fuse::Fuse;
pub use map::Map;
pub use map_while::MapWhile;
pub use merge::Merge;
pub use next::Next;
pub use peekable::Peekable;
pub use skip::Skip;
pub use skip_while::SkipWhile;
pub use take::Take;
pub use take_while::TakeWhile;
pub use then::Then;
#[cfg(feature = "time")]
pub use throttle::Throttle;
#[cfg(feature = "time")]
pub use timeout::Timeout;
#[cfg(feature = "time")]
pub use timeout_repeating::TimeoutRepeating;
pub use try_next::TryNext;

#[cfg(feature = "time")]
use rt_time::{Duration, Interval};

/// An extension trait for [`Stream`]s: adapters and futures, as `tokio-stream`'s.
///
/// It is implemented for every `Stream`; bring it into scope with `use
/// rt_stream::StreamExt`. The adapters are lazy: they do nothing until the stream they
/// return is polled. `futures::StreamExt` has methods of the same names; import only one of
/// the two traits in a module, or call through the trait (`StreamExt::next(&mut s)`).
pub trait StreamExt: Stream {
    /// Waits for the next item of the stream: `Some(item)`, or `None` once it has ended.
    ///
    /// Equivalent to `async fn next(&mut self) -> Option<Self::Item>`. The stream must be
    /// `Unpin`; pin one that is not with `std::pin::pin!` or `Box::pin`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let mut s = stream::iter([1, 2]);
    /// assert_eq!(s.next().await, Some(1));
    /// assert_eq!(s.next().await, Some(2));
    /// assert_eq!(s.next().await, None);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: an item is taken from the stream only in the poll that
    /// returns it, so dropping the future loses nothing.
    fn next(&mut self) -> Next<'_, Self>
    where
        Self: Unpin,
    {
        Next::new(self)
    }

    /// Waits for the next item of a stream of `Result`s, turned inside out:
    /// `Ok(Some(value))`, `Err(error)`, or `Ok(None)` once the stream has ended.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let mut s = stream::iter([Ok(1), Err("bad")]);
    /// assert_eq!(s.try_next().await, Ok(Some(1)));
    /// assert_eq!(s.try_next().await, Err("bad"));
    /// assert_eq!(s.try_next().await, Ok(None));
    /// # });
    /// ```
    ///
    /// # Errors
    ///
    /// The stream's next item, if it is an `Err`.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe, as [`next`](StreamExt::next).
    fn try_next<T, E>(&mut self) -> TryNext<'_, Self>
    where
        Self: Stream<Item = Result<T, E>> + Unpin,
    {
        TryNext::new(self)
    }

    /// Maps each item through `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let v: Vec<_> = stream::iter(1..=3).map(|n| n * 2).collect().await;
    /// assert_eq!(v, [2, 4, 6]);
    /// # });
    /// ```
    fn map<T, F>(self, f: F) -> Map<Self, F>
    where
        F: FnMut(Self::Item) -> T,
        Self: Sized,
    {
        Map::new(self, f)
    }

    /// Maps each item through `f` while it returns `Some`; the first `None` ends the stream.
    ///
    /// As `tokio-stream`'s, the adapter is not fused: polled again after that `None`, it
    /// polls the inner stream again. Add [`fuse`](StreamExt::fuse) if that matters.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let v: Vec<_> = stream::iter([1, 2, -1, 3]).map_while(|n| u32::try_from(n).ok()).collect().await;
    /// assert_eq!(v, [1, 2]);
    /// # });
    /// ```
    fn map_while<T, F>(self, f: F) -> MapWhile<Self, F>
    where
        F: FnMut(Self::Item) -> Option<T>,
        Self: Sized,
    {
        MapWhile::new(self, f)
    }

    /// Maps each item to a future with `f`, and yields that future's output.
    ///
    /// One future runs at a time: the next item is not pulled until it completes.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let v: Vec<_> = stream::iter(1..=3).then(|n| async move { n + 1 }).collect().await;
    /// assert_eq!(v, [2, 3, 4]);
    /// # });
    /// ```
    fn then<F, Fut>(self, f: F) -> Then<Self, Fut, F>
    where
        F: FnMut(Self::Item) -> Fut,
        Fut: Future,
        Self: Sized,
    {
        Then::new(self, f)
    }

    /// Combines two streams of the same item type into one, which yields items from either
    /// as they come, and ends when both have ended.
    ///
    /// The two are polled alternately first, so a stream that is always ready cannot starve
    /// the other. Items of each stream keep their order; between the two there is no order.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let v: Vec<_> = stream::iter([1, 3]).merge(stream::iter([2, 4])).collect().await;
    /// assert_eq!(v, [1, 2, 3, 4]);
    /// # });
    /// ```
    fn merge<U>(self, other: U) -> Merge<Self, U>
    where
        U: Stream<Item = Self::Item>,
        Self: Sized,
    {
        Merge::new(self, other)
    }

    /// Keeps only the items for which `f` returns `true`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let v: Vec<_> = stream::iter(1..=6).filter(|n| n % 3 == 0).collect().await;
    /// assert_eq!(v, [3, 6]);
    /// # });
    /// ```
    fn filter<F>(self, f: F) -> Filter<Self, F>
    where
        F: FnMut(&Self::Item) -> bool,
        Self: Sized,
    {
        Filter::new(self, f)
    }

    /// Maps each item through `f` and keeps the `Some` results.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let v: Vec<i32> = stream::iter(["1", "x", "3"]).filter_map(|s| s.parse().ok()).collect().await;
    /// assert_eq!(v, [1, 3]);
    /// # });
    /// ```
    fn filter_map<T, F>(self, f: F) -> FilterMap<Self, F>
    where
        F: FnMut(Self::Item) -> Option<T>,
        Self: Sized,
    {
        FilterMap::new(self, f)
    }

    /// Makes the stream return `None` forever once it has returned `None`, without polling
    /// the inner stream again (which some streams do not allow).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let mut s = stream::once(1).fuse();
    /// assert_eq!(s.next().await, Some(1));
    /// assert_eq!(s.next().await, None);
    /// assert_eq!(s.next().await, None);
    /// # });
    /// ```
    fn fuse(self) -> Fuse<Self>
    where
        Self: Sized,
    {
        Fuse::new(self)
    }

    /// Yields at most the first `n` items, then ends (without polling the inner stream
    /// again).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let v: Vec<_> = stream::iter(1..).take(3).collect().await;
    /// assert_eq!(v, [1, 2, 3]);
    /// # });
    /// ```
    fn take(self, n: usize) -> Take<Self>
    where
        Self: Sized,
    {
        Take::new(self, n)
    }

    /// Yields items while `f` returns `true`; the first item for which it returns `false`
    /// is dropped and ends the stream.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let v: Vec<_> = stream::iter([1, 2, 5, 1]).take_while(|n| *n < 3).collect().await;
    /// assert_eq!(v, [1, 2]);
    /// # });
    /// ```
    fn take_while<F>(self, f: F) -> TakeWhile<Self, F>
    where
        F: FnMut(&Self::Item) -> bool,
        Self: Sized,
    {
        TakeWhile::new(self, f)
    }

    /// Drops the first `n` items, then yields the rest.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let v: Vec<_> = stream::iter(1..=5).skip(3).collect().await;
    /// assert_eq!(v, [4, 5]);
    /// # });
    /// ```
    fn skip(self, n: usize) -> Skip<Self>
    where
        Self: Sized,
    {
        Skip::new(self, n)
    }

    /// Drops items while `f` returns `true`, then yields the first item for which it
    /// returns `false` and every item after it.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let v: Vec<_> = stream::iter([1, 2, 5, 1]).skip_while(|n| *n < 3).collect().await;
    /// assert_eq!(v, [5, 1]);
    /// # });
    /// ```
    fn skip_while<F>(self, f: F) -> SkipWhile<Self, F>
    where
        F: FnMut(&Self::Item) -> bool,
        Self: Sized,
    {
        SkipWhile::new(self, f)
    }

    /// Whether `f` returns `true` for every item; stops at the first `false`.
    ///
    /// An empty stream gives `true`. The items up to the first `false` are consumed; the
    /// rest stay in the stream.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// assert!(stream::iter([2, 4]).all(|n| n % 2 == 0).await);
    /// assert!(!stream::iter([2, 3]).all(|n| n % 2 == 0).await);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Items already tested when the future is dropped are gone from the stream; the rest
    /// stay.
    fn all<F>(&mut self, f: F) -> AllFuture<'_, Self, F>
    where
        Self: Unpin,
        F: FnMut(Self::Item) -> bool,
    {
        AllFuture::new(self, f)
    }

    /// Whether `f` returns `true` for some item; stops at the first `true`.
    ///
    /// An empty stream gives `false`. The items up to the first `true` are consumed; the
    /// rest stay in the stream.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// assert!(stream::iter([1, 4]).any(|n| n % 2 == 0).await);
    /// assert!(!stream::iter([1, 3]).any(|n| n % 2 == 0).await);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Items already tested when the future is dropped are gone from the stream; the rest
    /// stay.
    fn any<F>(&mut self, f: F) -> AnyFuture<'_, Self, F>
    where
        Self: Unpin,
        F: FnMut(Self::Item) -> bool,
    {
        AnyFuture::new(self, f)
    }

    /// Yields every item of this stream, then every item of `other`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let v: Vec<_> = stream::iter([1, 2]).chain(stream::iter([3])).collect().await;
    /// assert_eq!(v, [1, 2, 3]);
    /// # });
    /// ```
    fn chain<U>(self, other: U) -> Chain<Self, U>
    where
        U: Stream<Item = Self::Item>,
        Self: Sized,
    {
        Chain::new(self, other)
    }

    /// Folds every item into an accumulator, starting from `init`, and returns it when the
    /// stream ends.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let sum = stream::iter(1..=4).fold(0, |acc, n| acc + n).await;
    /// assert_eq!(sum, 10);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping the future drops the stream and the accumulator with it.
    fn fold<B, F>(self, init: B, f: F) -> FoldFuture<Self, B, F>
    where
        Self: Sized,
        F: FnMut(B, Self::Item) -> B,
    {
        FoldFuture::new(self, init, f)
    }

    /// Collects every item into a collection: a `Vec<T>`, a `Box<[T]>`, a `String` (from
    /// items that are `AsRef<str>`), `()`, or a `Result<C, E>` of any of them from a stream
    /// of `Result<T, E>`, which stops at the first error.
    ///
    /// The targets are those [`FromStream`] is implemented for; the trait is sealed.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let v: Vec<u8> = stream::iter([1, 2]).collect().await;
    /// assert_eq!(v, [1, 2]);
    ///
    /// let s: String = stream::iter(["a", "b"]).collect().await;
    /// assert_eq!(s, "ab");
    ///
    /// let r: Result<Vec<u8>, &str> = stream::iter([Ok(1), Err("no"), Ok(3)]).collect().await;
    /// assert_eq!(r, Err("no"));
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping the future drops the items collected so far.
    fn collect<T>(self) -> Collect<Self, T>
    where
        T: FromStream<Self::Item>,
        Self: Sized,
    {
        Collect::new(self)
    }

    /// Limits how long the stream may take to yield each item: it yields `Ok(item)`, or
    /// `Err(Elapsed)` once `duration` has passed since the last item (or since the first
    /// poll) without a new one.
    ///
    /// The deadline starts at the adapter's creation and moves to `duration` after each
    /// item. An `Err` does not end the stream: the inner stream is still polled, and the
    /// next `Err` comes only after the next item has restarted the deadline. The stream
    /// ends when the inner one does.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let slow = stream::iter([1]).chain(stream::pending());
    /// let mut s = std::pin::pin!(slow.timeout(Duration::from_millis(10)));
    /// assert_eq!(s.next().await, Some(Ok(1)));
    /// assert!(s.next().await.unwrap().is_err());
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// Panics outside an rt runtime with timers enabled: the adapter starts its timer at
    /// once.
    #[cfg(feature = "time")]
    #[track_caller]
    fn timeout(self, duration: Duration) -> Timeout<Self>
    where
        Self: Sized,
    {
        Timeout::new(self, duration)
    }

    /// Like [`timeout`](StreamExt::timeout), but yields `Err(Elapsed)` at every tick of
    /// `interval` without an item, not only once; each item resets the interval.
    ///
    /// An interval's first tick is immediate, so one made with `rt::time::interval` makes
    /// the first poll of an idle stream an `Err`; start it later with
    /// `rt::time::interval_at(Instant::now() + period, period)` to avoid that.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use rt::time::{interval_at, Instant};
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let period = Duration::from_millis(10);
    /// let idle = stream::pending::<u8>().timeout_repeating(interval_at(Instant::now() + period, period));
    /// let errors: Vec<_> = idle.take(2).collect().await;
    /// assert!(errors.iter().all(Result::is_err));
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// Panics outside an rt runtime with timers enabled: the adapter starts its timer at
    /// once.
    #[cfg(feature = "time")]
    fn timeout_repeating(self, interval: Interval) -> TimeoutRepeating<Self>
    where
        Self: Sized,
    {
        TimeoutRepeating::new(self, interval)
    }

    /// Spaces items at least `duration` apart: after each item, the inner stream is not
    /// polled again until `duration` has passed.
    ///
    /// The first item passes at once. Items are delayed, never dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use rt::time::Instant;
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let start = Instant::now();
    /// let v: Vec<_> = stream::iter(1..=3).throttle(Duration::from_millis(5)).collect().await;
    /// assert_eq!(v, [1, 2, 3]);
    /// assert!(start.elapsed() >= Duration::from_millis(10));
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// Panics outside an rt runtime with timers enabled: the adapter starts its timer at
    /// once.
    #[cfg(feature = "time")]
    #[track_caller]
    fn throttle(self, duration: Duration) -> Throttle<Self>
    where
        Self: Sized,
    {
        Throttle::new(self, duration)
    }

    /// Batches items into `Vec`s of at most `max_size`: a batch is yielded when it is full,
    /// or `duration` after its first item arrived, whichever comes first.
    ///
    /// No empty batch is ever yielded; when the inner stream ends, the partial batch is
    /// yielded, then `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let batches: Vec<_> = stream::iter(1..=5).chunks_timeout(2, Duration::from_secs(1)).collect().await;
    /// assert_eq!(batches, [vec![1, 2], vec![3, 4], vec![5]]);
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `max_size` is zero. Polling the stream panics outside an rt runtime with
    /// timers enabled (its timer starts with the first item of each batch).
    #[cfg(feature = "time")]
    #[track_caller]
    fn chunks_timeout(self, max_size: usize, duration: Duration) -> ChunksTimeout<Self>
    where
        Self: Sized,
    {
        assert!(max_size > 0, "`max_size` must be positive.");
        ChunksTimeout::new(self, max_size, duration)
    }

    /// Makes the stream able to look at its next item without taking it:
    /// [`Peekable::peek`], [`Peekable::next_if`], [`Peekable::next_if_eq`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamExt};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let mut s = stream::iter([1, 2]).peekable();
    /// assert_eq!(s.peek().await, Some(&1));
    /// assert_eq!(s.next().await, Some(1));
    /// # });
    /// ```
    fn peekable(self) -> Peekable<Self>
    where
        Self: Sized,
    {
        Peekable::new(self)
    }
}

impl<St: Stream + ?Sized> StreamExt for St {}

/// Adds two size hints, as `Chain` and `Merge` report theirs.
pub(crate) fn merge_size_hints(
    (lower_a, upper_a): (usize, Option<usize>),
    (lower_b, upper_b): (usize, Option<usize>),
) -> (usize, Option<usize>) {
    let upper = match (upper_a, upper_b) {
        (Some(a), Some(b)) => a.checked_add(b),
        _ => None,
    };
    (lower_a.saturating_add(lower_b), upper)
}
