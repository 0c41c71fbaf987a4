//! [`StreamMap`]: many keyed streams polled as one.
//!
//! The streams live in a `Vec` of `(key, stream)`; a poll visits each stream at most once,
//! starting at a random index and wrapping around, so no stream is favoured by its place.
//! Streams that end are removed with `swap_remove` once the visit is over, so the visit
//! never sees the entries move.

use std::borrow::Borrow;
use std::fmt;
use std::future::poll_fn;
use std::hash::Hash;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::rand::thread_rng_n;

/// A map of keyed streams, itself a stream of `(key, item)` from whichever is ready.
///
/// Each poll starts at a random stream and polls each at most once, so a stream that is
/// always ready cannot starve the others. A stream that ends is removed from the map
/// without notice (wrap it in [`StreamNotifyClose`](crate::StreamNotifyClose) to hear of
/// it); the map itself ends when it is empty, and a later [`insert`](StreamMap::insert)
/// makes it yield again.
///
/// Keys are compared with `Eq` (`Hash` is only asked for, as in `tokio-stream`, to leave
/// room for a hashed index); lookups and removals scan the map, which suits the few dozen
/// streams it is meant for. Streams must be `Unpin`: box those that are not
/// (`Pin<Box<dyn Stream<Item = T> + Send>>`).
///
/// # Examples
///
/// ```
/// use rt_stream::{self as stream, StreamExt, StreamMap};
///
/// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let mut map = StreamMap::new();
/// map.insert("odd", stream::iter(vec![1, 3]));
/// map.insert("even", stream::iter(vec![2]));
///
/// let mut seen = Vec::new();
/// while let Some((key, n)) = map.next().await {
///     seen.push((key, n));
/// }
/// seen.sort();
/// assert_eq!(seen, [("even", 2), ("odd", 1), ("odd", 3)]);
/// assert!(map.is_empty()); // ended streams were removed
/// # });
/// ```
pub struct StreamMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> StreamMap<K, V> {
    /// Makes an empty map. It allocates nothing until the first insertion.
    pub fn new() -> StreamMap<K, V> {
        StreamMap {
            entries: Vec::new(),
        }
    }

    /// Makes an empty map with room for `capacity` streams.
    pub fn with_capacity(capacity: usize) -> StreamMap<K, V> {
        StreamMap {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// An iterator over the `(key, stream)` pairs, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &(K, V)> {
        self.entries.iter()
    }

    /// An iterator over the `(key, stream)` pairs, with the streams mutable (changing a key
    /// to one already present makes lookups see only one of them).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut (K, V)> {
        self.entries.iter_mut()
    }

    /// An iterator over the keys, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(key, _)| key)
    }

    /// An iterator over the streams, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, stream)| stream)
    }

    /// An iterator over the streams, mutable, in no particular order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, stream)| stream)
    }

    /// How many streams the map can hold without reallocating.
    pub fn capacity(&self) -> usize {
        self.entries.capacity()
    }

    /// The number of streams in the map.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map holds no stream.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drops every stream, keeping the allocation.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Inserts `stream` under `key`, returning the stream it replaces, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamMap};
    ///
    /// let mut map = StreamMap::new();
    /// assert!(map.insert(1, stream::iter(vec!['a'])).is_none());
    /// assert!(map.insert(1, stream::iter(vec!['b'])).is_some());
    /// assert_eq!(map.len(), 1);
    /// ```
    pub fn insert(&mut self, key: K, stream: V) -> Option<V>
    where
        K: Hash + Eq,
    {
        let old = self.remove(&key);
        self.entries.push((key, stream));
        old
    }

    /// Removes the stream under `key` and returns it, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamMap};
    ///
    /// let mut map = StreamMap::new();
    /// map.insert("a".to_string(), stream::pending::<u8>());
    /// assert!(map.remove("a").is_some());
    /// assert!(map.remove("a").is_none());
    /// ```
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let index = self.entries.iter().position(|(k, _)| k.borrow() == key)?;
        Some(self.entries.swap_remove(index).1)
    }

    /// Whether the map holds a stream under `key`.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.iter().any(|(k, _)| k.borrow() == key)
    }
}

impl<K, V: Stream + Unpin> StreamMap<K, V> {
    /// Polls each stream at most once, from a random start, handing each item to `take`
    /// until it returns `false`; ended streams are removed. Returns whether any item came.
    fn poll_round(
        &mut self,
        cx: &mut Context<'_>,
        mut take: impl FnMut(&K, V::Item) -> bool,
    ) -> bool {
        let len = self.entries.len();
        if len == 0 {
            return false;
        }
        let start = thread_rng_n(u32::try_from(len).unwrap_or(u32::MAX)) as usize;
        let mut got_any = false;
        // Streams that ended this round, removed only after it so that the indices stay put
        // while the round visits them. Ending is rare: this allocates only when it happens.
        let mut ended = Vec::new();
        for offset in 0..len {
            let idx = (start + offset) % len;
            match Pin::new(&mut self.entries[idx].1).poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    got_any = true;
                    if !take(&self.entries[idx].0, item) {
                        break;
                    }
                }
                Poll::Ready(None) => ended.push(idx),
                Poll::Pending => {}
            }
        }
        // Highest index first: `swap_remove` then only ever moves an entry that stays.
        ended.sort_unstable_by(|a, b| b.cmp(a));
        for idx in ended {
            self.entries.swap_remove(idx);
        }
        got_any
    }

    /// Polls for the next `(key, item)`.
    fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<Option<(K, V::Item)>>
    where
        K: Clone,
    {
        let mut next = None;
        self.poll_round(cx, |key, item| {
            next = Some((key.clone(), item));
            false
        });
        match next {
            Some(entry) => Poll::Ready(Some(entry)),
            None if self.entries.is_empty() => Poll::Ready(None),
            None => Poll::Pending,
        }
    }
}

impl<K: Clone + Unpin, V: Stream + Unpin> StreamMap<K, V> {
    /// Receives up to `limit` `(key, item)` pairs into `buffer`, waiting until at least one
    /// is ready; returns how many were added.
    ///
    /// Returns 0 only if `limit` is 0 or the map is empty (every stream has ended).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_stream::{self as stream, StreamMap};
    ///
    /// # rt::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let mut map = StreamMap::new();
    /// map.insert('a', stream::iter(vec![1, 2, 3]));
    /// let mut buffer = Vec::new();
    /// assert_eq!(map.next_many(&mut buffer, 2).await, 2);
    /// assert_eq!(buffer, [('a', 1), ('a', 2)]);
    /// # });
    /// ```
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: items are taken only in the poll that returns them, so
    /// dropping the future loses none.
    pub async fn next_many(&mut self, buffer: &mut Vec<(K, V::Item)>, limit: usize) -> usize {
        poll_fn(|cx| self.poll_next_many(cx, buffer, limit)).await
    }

    /// Polls for up to `limit` `(key, item)` pairs, pushed onto `buffer`: `Ready(n)` with
    /// `n > 0` items added, `Ready(0)` if `limit` is 0 or the map is empty, else `Pending`
    /// with every stream's waker registered.
    ///
    /// Streams are visited in rounds, each from a random start; rounds continue while they
    /// yield items and `limit` is not reached.
    pub fn poll_next_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<(K, V::Item)>,
        limit: usize,
    ) -> Poll<usize> {
        if limit == 0 || self.entries.is_empty() {
            return Poll::Ready(0);
        }
        let mut added = 0;
        while added < limit {
            let got_any = self.poll_round(cx, |key, item| {
                buffer.push((key.clone(), item));
                added += 1;
                added < limit
            });
            if !got_any {
                break;
            }
        }
        if added > 0 || self.entries.is_empty() {
            Poll::Ready(added)
        } else {
            Poll::Pending
        }
    }
}

impl<K, V> Default for StreamMap<K, V> {
    fn default() -> Self {
        StreamMap::new()
    }
}

impl<K: Clone + Unpin, V: Stream + Unpin> Stream for StreamMap<K, V> {
    type Item = (K, V::Item);

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.poll_next_entry(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.values()
            .map(Stream::size_hint)
            .fold((0, Some(0)), crate::stream_ext::merge_size_hints)
    }
}

impl<K: Hash + Eq, V> FromIterator<(K, V)> for StreamMap<K, V> {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        let mut map = StreamMap::new();
        map.extend(iter);
        map
    }
}

impl<K: Hash + Eq, V> Extend<(K, V)> for StreamMap<K, V> {
    fn extend<T: IntoIterator<Item = (K, V)>>(&mut self, iter: T) {
        for (key, stream) in iter {
            self.insert(key, stream);
        }
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for StreamMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}
