//! `StreamMap` (fairness, removal, the map methods, `next_many`) and `StreamNotifyClose`.

#[path = "support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use rt_stream::{self as stream, Stream, StreamExt, StreamMap, StreamNotifyClose};
use support::{Repeat, Scripted, poll_next};

#[rt::test]
async fn map_methods() {
    let mut map = StreamMap::new();
    assert!(map.is_empty());
    assert!(map.insert("a", stream::iter(vec![1])).is_none());
    assert!(map.insert("b", stream::iter(vec![2])).is_none());
    assert_eq!(map.len(), 2);
    assert!(map.contains_key("a"));
    assert!(!map.contains_key("c"));

    let mut keys: Vec<_> = map.keys().copied().collect();
    keys.sort();
    assert_eq!(keys, ["a", "b"]);
    assert_eq!(map.values().count(), 2);
    assert_eq!(map.values_mut().count(), 2);
    assert_eq!(map.iter().count(), 2);
    assert_eq!(map.iter_mut().count(), 2);
    assert_eq!(map.size_hint(), (2, Some(2)));

    // Inserting under an existing key replaces (and returns) the old stream.
    let mut old = map.insert("a", stream::iter(vec![10])).unwrap();
    assert_eq!(old.next().await, Some(1));
    assert_eq!(map.len(), 2);

    let mut removed = map.remove("b").unwrap();
    assert_eq!(removed.next().await, Some(2));
    assert!(map.remove("b").is_none());
    assert_eq!(map.next().await, Some(("a", 10)));
    assert_eq!(map.next().await, None);

    map.insert("z", stream::iter(vec![]));
    map.clear();
    assert!(map.is_empty());
    assert!(StreamMap::<u8, stream::Empty<u8>>::with_capacity(8).capacity() >= 8);
    let _: StreamMap<u8, stream::Empty<u8>> = StreamMap::default();
}

#[rt::test]
async fn borrowed_key_lookup() {
    let mut map: StreamMap<String, _> = StreamMap::new();
    map.insert("key".to_string(), stream::pending::<()>());
    assert!(map.contains_key("key"));
    assert!(map.remove("key").is_some());
}

#[rt::test]
async fn from_iterator_and_extend() {
    let mut map: StreamMap<_, _> = (0..3).map(|k| (k, stream::once(k * 10))).collect();
    map.extend([(3, stream::once(30))]);
    assert_eq!(map.len(), 4);
    let mut items: Vec<_> = map.collect().await;
    items.sort();
    assert_eq!(items, [(0, 0), (1, 10), (2, 20), (3, 30)]);
}

#[rt::test]
async fn no_key_is_starved() {
    let mut map = StreamMap::new();
    for key in 0..4 {
        map.insert(key, Repeat(key));
    }
    let mut counts = [0usize; 4];
    let mut last_seen = [0usize; 4];
    for i in 1..=4000 {
        let Poll::Ready(Some((key, value))) = poll_next(&mut map) else {
            panic!("an always-ready map must be ready");
        };
        assert_eq!(key, value);
        counts[key] += 1;
        // No key goes 100 polls without an item: with a random start the chance is
        // (3/4)^100, about 3e-13.
        assert!(i - last_seen[key] <= 100, "key {key} starved");
        last_seen[key] = i;
    }
    for (key, count) in counts.iter().enumerate() {
        assert!(*count > 700, "key {key} got only {count} of 4000 items");
    }
}

#[rt::test]
async fn finished_streams_are_removed() {
    let mut map = StreamMap::new();
    map.insert("short", stream::iter(vec![1]));
    map.insert("long", stream::iter(vec![1, 2, 3]));
    let mut seen: HashMap<&str, Vec<i32>> = HashMap::new();
    while let Some((key, n)) = map.next().await {
        seen.entry(key).or_default().push(n);
    }
    assert_eq!(seen["short"], [1]);
    assert_eq!(seen["long"], [1, 2, 3]);
    assert!(map.is_empty());

    let mut map: StreamMap<&str, Pin<Box<dyn Stream<Item = u8>>>> = StreamMap::new();
    map.insert("done", stream::empty().boxed_unpin());
    map.insert("waiting", stream::pending().boxed_unpin());
    assert_eq!(poll_next(&mut map), Poll::Pending);
    assert_eq!(map.len(), 1);
    assert!(!map.contains_key("done"));
    assert!(map.contains_key("waiting"));
}

#[rt::test]
async fn each_stream_is_polled_once_per_poll_even_while_others_end() {
    // Many random starts: half the streams end on their first poll (and are swap-removed
    // mid-round), the rest stay pending. Every stream must be polled exactly once.
    for _ in 0..200 {
        let mut map = StreamMap::new();
        let mut counters = Vec::new();
        for key in 0..9 {
            let ends = key % 2 == 0;
            let (stream, polls) = Scripted::new(move |_| {
                if ends {
                    Poll::Ready(None)
                } else {
                    Poll::Pending
                }
            });
            map.insert(key, stream);
            counters.push(polls);
        }
        assert_eq!(poll_next(&mut map), Poll::<Option<(i32, ())>>::Pending);
        for (key, polls) in counters.iter().enumerate() {
            assert_eq!(polls.get(), 1, "stream {key} polled {} times", polls.get());
        }
        let mut left: Vec<_> = map.keys().copied().collect();
        left.sort();
        assert_eq!(left, [1, 3, 5, 7]);
    }
}

#[rt::test]
async fn every_item_arrives_once_as_streams_end_at_different_times() {
    for _ in 0..50 {
        let mut map = StreamMap::new();
        for key in 0..10usize {
            map.insert(key, stream::iter(vec![key; key]));
        }
        let mut counts = [0usize; 10];
        while let Some((key, value)) = map.next().await {
            assert_eq!(key, value);
            counts[key] += 1;
        }
        assert_eq!(counts, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
}

#[rt::test]
async fn an_empty_map_ends_and_revives_on_insert() {
    let mut map: StreamMap<u8, stream::Once<u8>> = StreamMap::new();
    assert_eq!(map.next().await, None);
    map.insert(1, stream::once(5));
    assert_eq!(map.next().await, Some((1, 5)));
    assert_eq!(map.next().await, None);
}

#[rt::test]
async fn next_many_fills_up_to_the_limit() {
    let mut map = StreamMap::new();
    map.insert('a', stream::iter(vec![1, 2, 3]));
    map.insert('b', stream::iter(vec![4, 5]));
    let mut buffer = Vec::new();
    assert_eq!(map.next_many(&mut buffer, 0).await, 0);
    assert_eq!(map.next_many(&mut buffer, 4).await, 4);
    assert_eq!(map.next_many(&mut buffer, 10).await, 1);
    buffer.sort();
    assert_eq!(buffer, [('a', 1), ('a', 2), ('a', 3), ('b', 4), ('b', 5)]);
    assert_eq!(map.next_many(&mut buffer, 10).await, 0);
    assert!(map.is_empty());
}

#[rt::test]
async fn poll_next_many_is_pending_when_nothing_is_ready() {
    let mut map: StreamMap<i32, Pin<Box<dyn Stream<Item = u8>>>> = StreamMap::new();
    map.insert(1, stream::pending::<u8>().boxed_unpin());
    let mut buffer = Vec::new();
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(map.poll_next_many(&mut cx, &mut buffer, 3), Poll::Pending);
    assert!(buffer.is_empty());

    map.insert(
        2,
        stream::iter(vec![7]).chain(stream::pending()).boxed_unpin(),
    );
    assert_eq!(map.poll_next_many(&mut cx, &mut buffer, 3), Poll::Ready(1));
    assert_eq!(buffer, [(2, 7)]);
}

#[rt::test]
async fn notify_close_reports_each_end() {
    let mut map = StreamMap::new();
    map.insert("a", StreamNotifyClose::new(stream::iter(vec![1])));
    map.insert("b", StreamNotifyClose::new(stream::iter(vec![])));
    let mut events: Vec<_> = (&mut map).collect().await;
    events.sort();
    assert_eq!(events, [("a", None), ("a", Some(1)), ("b", None)]);
}

#[rt::test]
async fn notify_close_alone() {
    let mut s = StreamNotifyClose::new(stream::iter(vec![1, 2]));
    assert_eq!(s.size_hint(), (3, Some(3)));
    assert_eq!(s.next().await, Some(Some(1)));
    assert_eq!(s.next().await, Some(Some(2)));
    assert_eq!(s.next().await, Some(None));
    assert_eq!(s.next().await, None);
    assert_eq!(s.size_hint(), (0, Some(0)));
    assert!(s.into_inner().is_none());

    let s = StreamNotifyClose::new(stream::once(1));
    assert!(s.into_inner().is_some());
}

/// `Pin<Box<dyn Stream>>` is how mixed streams share a map.
trait BoxedUnpin: Stream + Sized + 'static {
    fn boxed_unpin(self) -> Pin<Box<dyn Stream<Item = Self::Item>>> {
        Box::pin(self)
    }
}

impl<S: Stream + 'static> BoxedUnpin for S {}
