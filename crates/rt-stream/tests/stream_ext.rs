//! The `StreamExt` adapters and futures that need no timer, and the simple streams.

#[path = "support/mod.rs"]
mod support;

use std::task::Poll;
use std::time::Duration;

use rt_stream::{self as stream, Stream, StreamExt};
use support::{Repeat, Strict, poll_next};

#[rt::test]
async fn next_yields_items_then_none() {
    let mut s = stream::iter(vec![1, 2]);
    assert_eq!(s.next().await, Some(1));
    assert_eq!(s.next().await, Some(2));
    assert_eq!(s.next().await, None);
}

#[rt::test]
async fn try_next_transposes() {
    let mut s = stream::iter(vec![Ok(1), Err("e"), Ok(2)]);
    assert_eq!(s.try_next().await, Ok(Some(1)));
    assert_eq!(s.try_next().await, Err("e"));
    assert_eq!(s.try_next().await, Ok(Some(2)));
    assert_eq!(s.try_next().await, Ok(None));
}

#[rt::test]
async fn map_maps_and_keeps_size_hint() {
    let s = stream::iter(1..=3).map(|n| n.to_string());
    assert_eq!(s.size_hint(), (3, Some(3)));
    let v: Vec<String> = s.collect().await;
    assert_eq!(v, ["1", "2", "3"]);
}

#[rt::test]
async fn map_while_stops_at_first_none() {
    let v: Vec<u32> = stream::iter([4, 1, -1, 7])
        .map_while(|n: i32| u32::try_from(n).ok())
        .collect()
        .await;
    assert_eq!(v, [4, 1]);
}

#[rt::test]
async fn then_awaits_each_future_in_order() {
    let v: Vec<i32> = stream::iter(1..=4)
        .then(|n| async move {
            rt::task::yield_now().await;
            n * n
        })
        .collect()
        .await;
    assert_eq!(v, [1, 4, 9, 16]);
}

#[rt::test]
async fn filter_keeps_matching_items() {
    let s = stream::iter(1..=10).filter(|n| n % 4 == 0);
    assert_eq!(s.size_hint(), (0, Some(10)));
    let v: Vec<_> = s.collect().await;
    assert_eq!(v, [4, 8]);
}

#[rt::test]
async fn filter_map_keeps_some_results() {
    let v: Vec<i32> = stream::iter(["1", "two", "3", ""])
        .filter_map(|s| s.parse().ok())
        .collect()
        .await;
    assert_eq!(v, [1, 3]);
}

#[rt::test]
async fn fuse_never_polls_again_after_none() {
    let mut s = Strict::new(vec![1]).fuse();
    assert_eq!(s.next().await, Some(1));
    assert_eq!(s.next().await, None);
    // `Strict` would panic if polled again.
    assert_eq!(s.next().await, None);
    assert_eq!(s.next().await, None);
    assert_eq!(s.size_hint(), (0, Some(0)));
}

#[rt::test]
async fn take_stops_without_polling_further() {
    let mut s = Strict::new(vec![1, 2, 3]).take(2);
    assert_eq!(s.size_hint(), (0, Some(2)));
    assert_eq!(s.next().await, Some(1));
    assert_eq!(s.next().await, Some(2));
    assert_eq!(s.next().await, None);
    assert_eq!(s.next().await, None);

    let v: Vec<_> = stream::iter(1..=2).take(5).collect().await;
    assert_eq!(v, [1, 2]);
    let v: Vec<i32> = Repeat(7).take(0).collect().await;
    assert!(v.is_empty());
}

#[rt::test]
async fn take_while_ends_at_first_rejected_item() {
    let mut s = Strict::new(vec![1, 2, 9, 1]).take_while(|n| *n < 5);
    assert_eq!(s.next().await, Some(1));
    assert_eq!(s.next().await, Some(2));
    assert_eq!(s.next().await, None);
    assert_eq!(s.next().await, None);
}

#[rt::test]
async fn skip_drops_the_first_items() {
    let v: Vec<_> = stream::iter(1..=5).skip(2).collect().await;
    assert_eq!(v, [3, 4, 5]);
    let v: Vec<_> = stream::iter(1..=2).skip(5).collect().await;
    assert!(v.is_empty());
    assert_eq!(stream::iter(1..=5).skip(2).size_hint(), (3, Some(3)));
}

#[rt::test]
async fn skip_while_drops_until_first_rejected_item() {
    let v: Vec<_> = stream::iter([1, 2, 9, 1, 3])
        .skip_while(|n| *n < 5)
        .collect()
        .await;
    assert_eq!(v, [9, 1, 3]);
}

#[rt::test]
async fn all_and_any_stop_early() {
    let mut s = stream::iter(1..=10);
    assert!(!s.all(|n| n < 3).await);
    // 1, 2 and 3 were consumed.
    assert_eq!(s.next().await, Some(4));

    let mut s = stream::iter(1..=10);
    assert!(s.any(|n| n == 3).await);
    assert_eq!(s.next().await, Some(4));

    assert!(stream::empty::<i32>().all(|_| false).await);
    assert!(!stream::empty::<i32>().any(|_| true).await);
}

#[rt::test]
async fn all_yields_on_an_endless_ready_stream() {
    // An endless ready stream: `all` must still let other tasks (and the timer) run. It runs
    // in a spawned task: rt-core's current-thread `block_on` does not poll the driver while
    // its own future keeps waking itself (reported to the lead).
    let other = rt::spawn(async { 5 });
    let checker = rt::spawn(async {
        let mut endless = Repeat(1);
        rt::time::timeout(Duration::from_millis(20), endless.all(|n| n == 1)).await
    });
    assert!(checker.await.unwrap().is_err());
    assert_eq!(other.await.unwrap(), 5);
}

#[rt::test]
async fn any_yields_on_an_endless_ready_stream() {
    let checker = rt::spawn(async {
        let mut endless = Repeat(1);
        rt::time::timeout(Duration::from_millis(20), endless.any(|n| n == 2)).await
    });
    assert!(checker.await.unwrap().is_err());
}

#[rt::test]
async fn chain_yields_first_then_second() {
    let s = Strict::new(vec![1, 2]).chain(stream::iter(vec![3, 4]));
    assert_eq!(s.size_hint(), (2, None)); // `Strict` gives no upper bound
    let v: Vec<_> = s.collect().await;
    assert_eq!(v, [1, 2, 3, 4]);
    assert_eq!(
        stream::iter(1..3).chain(stream::iter(5..7)).size_hint(),
        (4, Some(4))
    );
}

#[rt::test]
async fn fold_accumulates() {
    let s = stream::iter(["a", "b", "c"]).fold(String::new(), |mut acc, s| {
        acc.push_str(s);
        acc
    });
    assert_eq!(s.await, "abc");
}

#[rt::test]
async fn merge_yields_all_items_and_ends_when_both_end() {
    let mut v: Vec<_> = Strict::new(vec![1, 3, 5])
        .merge(Strict::new(vec![2, 4, 6, 8, 10]))
        .collect()
        .await;
    v.sort();
    assert_eq!(v, [1, 2, 3, 4, 5, 6, 8, 10]);
}

#[rt::test]
async fn merge_alternates_between_ready_streams() {
    let s = Repeat('a').merge(Repeat('b'));
    let v: Vec<char> = s.take(100).collect().await;
    for pair in v.chunks(2) {
        assert_eq!(pair, ['a', 'b']);
    }
}

#[rt::test]
async fn merge_keeps_polling_the_live_stream() {
    let mut s = stream::pending::<i32>().merge(stream::iter([1, 2]));
    assert_eq!(poll_next(&mut s), Poll::Ready(Some(1)));
    assert_eq!(poll_next(&mut s), Poll::Ready(Some(2)));
    assert_eq!(poll_next(&mut s), Poll::Pending);
}

#[rt::test]
async fn peekable_peeks_without_taking() {
    let mut s = stream::iter(vec![1, 2, 3]).peekable();
    assert_eq!(s.peek().await, Some(&1));
    assert_eq!(s.peek().await, Some(&1));
    assert_eq!(s.size_hint(), (3, Some(3)));
    assert_eq!(s.next().await, Some(1));

    assert_eq!(s.next_if(|n| *n == 5).await, None);
    assert_eq!(s.next_if(|n| *n == 2).await, Some(2));
    assert_eq!(s.next_if_eq(&4).await, None);
    assert_eq!(s.next_if_eq(&3).await, Some(3));
    assert_eq!(s.peek().await, None);
    assert_eq!(s.next_if(|_| true).await, None);
    assert_eq!(s.next().await, None);
}

#[rt::test]
async fn peekable_of_strict_stream_is_fused() {
    let mut s = Strict::new(vec![1]).peekable();
    assert_eq!(s.next().await, Some(1));
    assert_eq!(s.peek().await, None);
    assert_eq!(s.peek().await, None);
    assert_eq!(s.next().await, None);
}

#[rt::test]
async fn iter_yields_to_the_scheduler_every_32_items() {
    let mut s = stream::iter(0..100);
    for n in 0..32 {
        assert_eq!(poll_next(&mut s), Poll::Ready(Some(n)));
    }
    assert_eq!(poll_next(&mut s), Poll::Pending);
    assert_eq!(poll_next(&mut s), Poll::Ready(Some(32)));
    assert_eq!(s.size_hint(), (67, Some(67)));
}

#[rt::test]
async fn once_empty_and_pending() {
    let mut one = stream::once("x");
    assert_eq!(one.size_hint(), (1, Some(1)));
    assert_eq!(one.next().await, Some("x"));
    assert_eq!(one.next().await, None);

    let mut none = stream::empty::<u8>();
    assert_eq!(poll_next(&mut none), Poll::Ready(None));

    let mut never = stream::pending::<u8>();
    assert_eq!(poll_next(&mut never), Poll::Pending);
    assert_eq!(never.size_hint(), (0, None));
}

#[rt::test]
async fn adapters_work_on_pinned_non_unpin_streams() {
    // `then` with an async block is `!Unpin`; `pin!` makes `next` available.
    let s = stream::iter(1..=3).then(|n| async move { n + 1 });
    let mut s = std::pin::pin!(s);
    assert_eq!(s.next().await, Some(2));
    let rest: Vec<_> = s.collect().await;
    assert_eq!(rest, [3, 4]);
}

#[test]
fn simple_streams_are_send_sync_unpin_for_any_item() {
    fn check<T: Send + Sync + Unpin>(_: &T) {}
    let not_send = std::rc::Rc::new(1);
    check(&stream::empty::<std::rc::Rc<u8>>());
    check(&stream::pending::<std::rc::Rc<u8>>());
    drop(not_send);
}
