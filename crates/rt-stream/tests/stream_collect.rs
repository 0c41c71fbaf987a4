//! `StreamExt::collect` into each supported target.

#[path = "support/mod.rs"]
mod support;

use rt_stream::{self as stream, StreamExt};
use support::Strict;

#[rt::test]
async fn collect_into_vec() {
    let v: Vec<u8> = stream::iter(1..=3).collect().await;
    assert_eq!(v, [1, 2, 3]);
    let v: Vec<u8> = stream::empty().collect().await;
    assert!(v.is_empty());
}

#[rt::test]
async fn collect_into_boxed_slice() {
    let b: Box<[char]> = stream::iter(['a', 'b']).collect().await;
    assert_eq!(&*b, ['a', 'b']);
}

#[rt::test]
async fn collect_into_string_from_str_and_string() {
    let s: String = stream::iter(["ab", "", "c"]).collect().await;
    assert_eq!(s, "abc");
    let s: String = stream::iter(vec!["x".to_string(), "y".to_string()])
        .collect()
        .await;
    assert_eq!(s, "xy");
}

#[rt::test]
async fn collect_into_unit() {
    let () = stream::iter([(), (), ()]).collect().await;
}

#[rt::test]
async fn collect_into_result_ok() {
    let r: Result<Vec<i32>, String> = stream::iter(vec![Ok(1), Ok(2)]).collect().await;
    assert_eq!(r, Ok(vec![1, 2]));
    let r: Result<String, ()> = stream::iter([Ok("a"), Ok("b")]).collect().await;
    assert_eq!(r, Ok("ab".to_string()));
    let r: Result<Box<[u8]>, ()> = stream::iter([Ok(1)]).collect().await;
    assert_eq!(r.as_deref(), Ok(&[1][..]));
}

#[rt::test]
async fn collect_into_result_stops_at_first_error() {
    // `Strict` would panic if polled past its end; here the error comes first and nothing
    // after it is pulled.
    let mut source = Strict::new(vec![Ok(1), Err("first"), Ok(3), Err("second")]);
    let r: Result<Vec<i32>, &str> = (&mut source).collect().await;
    assert_eq!(r, Err("first"));
    assert_eq!(source.next().await, Some(Ok(3)));
}

#[rt::test]
async fn collect_into_nested_result() {
    let r: Result<Result<Vec<u8>, &str>, &str> =
        stream::iter([Ok(Ok(1)), Ok(Err("inner")), Ok(Ok(2))])
            .collect()
            .await;
    assert_eq!(r, Ok(Err("inner")));
    let r: Result<(), &str> = stream::iter([Ok(()), Err("e")]).collect().await;
    assert_eq!(r, Err("e"));
}
