//! `AsyncReadExt`: every method, through a reader that returns `Pending` and short reads.

mod io_support;

use std::io::ErrorKind;

use io_support::{MockReader, Step, poll_once};
use rt::io::{AsyncRead, AsyncReadExt};

fn assert_unpin<T: Unpin>(_: &T) {}
fn assert_send<T: Send>(_: &T) {}

#[rt::test]
async fn read_returns_what_one_read_gives() {
    let mut rd = MockReader::new([Step::Pending, Step::Data(b"abc".to_vec())]);
    let mut buf = [0u8; 10];
    assert_eq!(rd.read(&mut buf).await.unwrap(), 3);
    assert_eq!(&buf[..3], b"abc");
    assert_eq!(rd.pendings, 1);
    assert_eq!(rd.read(&mut buf).await.unwrap(), 0, "EOF");
}

#[rt::test]
async fn read_exact_assembles_short_reads_and_fails_on_eof() {
    let mut rd = MockReader::chunked(b"0123456789", 3);
    let mut buf = [0u8; 8];
    assert_eq!(rd.read_exact(&mut buf).await.unwrap(), 8);
    assert_eq!(&buf, b"01234567");
    let err = rd.read_exact(&mut buf).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
}

#[rt::test]
async fn read_exact_passes_errors_through() {
    let mut rd = MockReader::new([
        Step::Data(b"a".to_vec()),
        Step::Error(ErrorKind::ConnectionReset),
    ]);
    let mut buf = [0u8; 2];
    assert_eq!(
        rd.read_exact(&mut buf).await.unwrap_err().kind(),
        ErrorKind::ConnectionReset
    );
}

#[rt::test]
async fn read_to_end_appends_everything() {
    let data: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
    let mut rd = MockReader::chunked(&data, 777);
    let mut out = b"prefix".to_vec();
    assert_eq!(rd.read_to_end(&mut out).await.unwrap(), data.len());
    assert_eq!(&out[..6], b"prefix");
    assert_eq!(&out[6..], &data[..]);
}

#[rt::test]
async fn read_to_end_keeps_bytes_read_before_an_error() {
    let mut rd = MockReader::new([Step::Data(b"kept".to_vec()), Step::Error(ErrorKind::Other)]);
    let mut out = Vec::new();
    assert!(rd.read_to_end(&mut out).await.is_err());
    assert_eq!(out, b"kept");
}

#[rt::test]
async fn read_to_string_appends_valid_utf8_split_across_reads() {
    // "é" is two bytes; split it across two reads.
    let bytes = "aé".as_bytes().to_vec();
    let mut rd = MockReader::new([
        Step::Data(bytes[..2].to_vec()),
        Step::Pending,
        Step::Data(bytes[2..].to_vec()),
    ]);
    let mut s = String::from(">");
    assert_eq!(rd.read_to_string(&mut s).await.unwrap(), 3);
    assert_eq!(s, ">aé");
}

#[rt::test]
async fn read_to_string_invalid_utf8_leaves_string_unchanged() {
    let mut rd = MockReader::new([Step::Data(b"ok".to_vec()), Step::Data(vec![0xff, 0xfe])]);
    let mut s = String::from("before");
    let err = rd.read_to_string(&mut s).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    assert_eq!(s, "before");
}

#[rt::test]
async fn read_to_string_io_error_leaves_string_unchanged() {
    let mut rd = MockReader::new([
        Step::Data(b"lost".to_vec()),
        Step::Error(ErrorKind::BrokenPipe),
    ]);
    let mut s = String::from("before");
    assert_eq!(
        rd.read_to_string(&mut s).await.unwrap_err().kind(),
        ErrorKind::BrokenPipe
    );
    assert_eq!(s, "before");
}

#[test]
fn read_to_string_dropped_midway_keeps_valid_bytes() {
    let mut rd = MockReader::new([Step::Data(b"part".to_vec()), Step::Pending]);
    let mut s = String::from("x");
    {
        let mut fut = Box::pin(rd.read_to_string(&mut s));
        assert!(poll_once(&mut fut).is_pending());
    }
    assert_eq!(s, "xpart");
}

#[rt::test]
async fn read_buf_fills_a_bufmut() {
    let mut rd = MockReader::new([Step::Data(b"abc".to_vec()), Step::Data(b"def".to_vec())]);
    let mut out = bytes::BytesMut::with_capacity(3);
    assert_eq!(rd.read_buf(&mut out).await.unwrap(), 3);
    assert_eq!(rd.read_buf(&mut out).await.unwrap(), 3);
    assert_eq!(&out[..], b"abcdef");
    let mut full: &mut [u8] = &mut [];
    assert_eq!(rd.read_buf(&mut full).await.unwrap(), 0, "no room");
}

#[rt::test]
async fn integers_big_and_little_endian_across_short_reads() {
    let mut bytes = Vec::new();
    bytes.push(0xfe);
    bytes.push(0x80);
    bytes.extend_from_slice(&0x0102u16.to_be_bytes());
    bytes.extend_from_slice(&(-2i16).to_be_bytes());
    bytes.extend_from_slice(&0x01020304u32.to_be_bytes());
    bytes.extend_from_slice(&(-3i32).to_be_bytes());
    bytes.extend_from_slice(&u64::MAX.to_be_bytes());
    bytes.extend_from_slice(&i64::MIN.to_be_bytes());
    bytes.extend_from_slice(&(u128::MAX - 1).to_be_bytes());
    bytes.extend_from_slice(&(i128::MIN + 1).to_be_bytes());
    bytes.extend_from_slice(&1.5f32.to_be_bytes());
    bytes.extend_from_slice(&(-2.25f64).to_be_bytes());
    bytes.extend_from_slice(&0x0102u16.to_le_bytes());
    bytes.extend_from_slice(&(-2i16).to_le_bytes());
    bytes.extend_from_slice(&0x01020304u32.to_le_bytes());
    bytes.extend_from_slice(&(-3i32).to_le_bytes());
    bytes.extend_from_slice(&7u64.to_le_bytes());
    bytes.extend_from_slice(&(-7i64).to_le_bytes());
    bytes.extend_from_slice(&9u128.to_le_bytes());
    bytes.extend_from_slice(&(-9i128).to_le_bytes());
    bytes.extend_from_slice(&0.5f32.to_le_bytes());
    bytes.extend_from_slice(&0.25f64.to_le_bytes());
    let mut rd = MockReader::chunked(&bytes, 3);

    assert_eq!(rd.read_u8().await.unwrap(), 0xfe);
    assert_eq!(rd.read_i8().await.unwrap(), -128);
    assert_eq!(rd.read_u16().await.unwrap(), 0x0102);
    assert_eq!(rd.read_i16().await.unwrap(), -2);
    assert_eq!(rd.read_u32().await.unwrap(), 0x01020304);
    assert_eq!(rd.read_i32().await.unwrap(), -3);
    assert_eq!(rd.read_u64().await.unwrap(), u64::MAX);
    assert_eq!(rd.read_i64().await.unwrap(), i64::MIN);
    assert_eq!(rd.read_u128().await.unwrap(), u128::MAX - 1);
    assert_eq!(rd.read_i128().await.unwrap(), i128::MIN + 1);
    assert_eq!(rd.read_f32().await.unwrap(), 1.5);
    assert_eq!(rd.read_f64().await.unwrap(), -2.25);
    assert_eq!(rd.read_u16_le().await.unwrap(), 0x0102);
    assert_eq!(rd.read_i16_le().await.unwrap(), -2);
    assert_eq!(rd.read_u32_le().await.unwrap(), 0x01020304);
    assert_eq!(rd.read_i32_le().await.unwrap(), -3);
    assert_eq!(rd.read_u64_le().await.unwrap(), 7);
    assert_eq!(rd.read_i64_le().await.unwrap(), -7);
    assert_eq!(rd.read_u128_le().await.unwrap(), 9);
    assert_eq!(rd.read_i128_le().await.unwrap(), -9);
    assert_eq!(rd.read_f32_le().await.unwrap(), 0.5);
    assert_eq!(rd.read_f64_le().await.unwrap(), 0.25);
    assert_eq!(
        rd.read_u8().await.unwrap_err().kind(),
        ErrorKind::UnexpectedEof
    );
}

#[rt::test]
async fn truncated_integer_is_unexpected_eof() {
    let mut rd: &[u8] = &[1, 2, 3];
    assert_eq!(
        rd.read_u32().await.unwrap_err().kind(),
        ErrorKind::UnexpectedEof
    );
}

#[rt::test]
async fn chain_reads_first_then_second() {
    let first = MockReader::chunked(b"one ", 2);
    let second = MockReader::chunked(b"two", 1);
    let mut chain = first.chain(second);
    let mut s = String::new();
    chain.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "one two");
    let (a, b) = chain.get_ref();
    assert!(a.script.is_empty() && b.script.is_empty());
    let (_a, _b) = chain.into_inner();
}

#[rt::test]
async fn take_limits_and_can_be_reset() {
    let mut take = MockReader::chunked(b"0123456789", 4).take(6);
    let mut out = Vec::new();
    take.read_to_end(&mut out).await.unwrap();
    assert_eq!(out, b"012345");
    assert_eq!(take.limit(), 0);
    take.set_limit(100);
    out.clear();
    take.read_to_end(&mut out).await.unwrap();
    assert_eq!(out, b"6789");
    assert_eq!(take.limit(), 96);
    let _inner = take.into_inner();
}

#[test]
fn futures_box_and_are_send() {
    // Like Tokio's, the read futures are `!Unpin` (they may become `async fn`s): box them.
    let mut rd: &[u8] = b"x";
    let mut buf = [0u8; 1];
    let fut = Box::pin(rd.read(&mut buf));
    assert_send(&fut);
    assert_unpin(&fut);
    let mut chain = (&b"a"[..]).chain(&b"b"[..]);
    assert_unpin(&chain);
    let mut s = String::new();
    let fut = Box::pin(chain.read_to_string(&mut s));
    assert_send(&fut);
}

#[test]
fn read_is_cancel_safe() {
    let mut rd = MockReader::new([Step::Pending, Step::Data(b"x".to_vec())]);
    let mut buf = [0u8; 1];
    {
        let mut fut = Box::pin(rd.read(&mut buf));
        assert!(poll_once(&mut fut).is_pending());
    }
    assert_eq!(rd.script.len(), 1, "nothing was consumed");
    let _: &dyn AsyncRead = &rd;
}
